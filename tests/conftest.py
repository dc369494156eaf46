"""Shared fixtures: paths to the real reference data, loaded layers, and tiny builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cablemap as cm

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
TG_V3 = SHARED / "cables" / "tg-v3-2022"
TG_V2 = SHARED / "cables" / "tg-v2-2020"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (it lives in ../shared/data beside the repo)")
    return path


@pytest.fixture(scope="session")
def tg_v3_path() -> Path:
    return _require(TG_V3)


@pytest.fixture(scope="session")
def tg_v2_path() -> Path:
    return _require(TG_V2)


@pytest.fixture(scope="session")
def tg_v3(tg_v3_path: Path) -> cm.Layers:
    return cm.load(tg_v3_path)


@pytest.fixture(scope="session")
def tg_v2(tg_v2_path: Path) -> cm.Layers:
    return cm.load(tg_v2_path)


@pytest.fixture(scope="session")
def sample() -> cm.Layers:
    return cm.load()


def make_tg_v3(
    root: Path,
    cables: list[dict[str, Any]],
    points: dict[str, tuple[float, float] | None],
    routes: dict[str, Any] | None = None,
) -> Path:
    """Write a tiny TeleGeography v3 directory.

    ``cables``: v3 cable records (``landing_points`` may be plain ids); ``points``: lp id ->
    (lon, lat) or None for a feature without geometry; ``routes``: cable id -> GeoJSON
    geometry (default: a straight line through its landing points).
    """
    (root / "cable").mkdir(parents=True)
    (root / "landing-point").mkdir()
    (root / "supplier").mkdir()
    features = []
    for cable in cables:
        lps = [
            lp
            if isinstance(lp, dict)
            else {"id": lp, "name": lp, "country": "Fiji", "is_tbd": None}
            for lp in cable.get("landing_points", [])
        ]
        record = {
            "id": cable["id"],
            "name": cable.get("name", cable["id"]),
            "length": "100 km",
            "landing_points": lps,
            "owners": cable.get("owners", "Owner A"),
            "suppliers": cable.get("suppliers", "NEC"),
            "rfs": "2020 May",
            "rfs_year": 2020,
            "is_planned": False,
            "url": None,
            "notes": None,
        } | {k: v for k, v in cable.items() if k != "landing_points"}
        (root / "cable" / f"{cable['id']}.json").write_text(json.dumps(record))
        geometry = (routes or {}).get(cable["id"])
        if geometry is None:
            coords = [points[lp["id"]] for lp in lps if points.get(lp["id"])]
            geometry = (
                {"type": "MultiLineString", "coordinates": [coords]} if len(coords) > 1 else None
            )
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"id": cable["id"], "feature_id": f"{cable['id']}-0"},
                    "geometry": geometry,
                }
            )
    (root / "cable" / "cable-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    lp_features = [
        {
            "type": "Feature",
            "properties": {"id": lp_id, "name": lp_id, "is_tbd": False},
            "geometry": None if xy is None else {"type": "Point", "coordinates": list(xy)},
        }
        for lp_id, xy in points.items()
    ]
    (root / "landing-point" / "landing-point-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": lp_features})
    )
    return root


@pytest.fixture
def tiny_v3(tmp_path: Path) -> Path:
    """Two good cables between Fiji landing points: the base the bad-input tests break."""
    return make_tg_v3(
        tmp_path / "tg",
        cables=[
            {"id": "c1", "landing_points": ["suva", "savusavu"]},
            {"id": "c2", "landing_points": ["suva", "lautoka"], "suppliers": "Huawei Marine"},
        ],
        points={
            "suva": (178.44, -18.14),
            "savusavu": (179.33, -16.78),
            "lautoka": (177.45, -17.61),
        },
    )
