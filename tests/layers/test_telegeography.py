"""TeleGeography v2/v3 loaders on the real 2020 and 2022 releases, and on broken copies."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import cablemap as cm
from cablemap.layers.telegeography import detect_version, parse_length_km, parse_rfs
from tests.conftest import make_tg_v3


def _cable_ids(root: Path) -> set[str]:
    skip = {"all.json", "cable-geo.json"}
    return {p.stem for p in (root / "cable").glob("*.json") if p.name not in skip}


def test_detects_both_versions(tg_v3_path, tg_v2_path, tmp_path):
    assert detect_version(tg_v3_path) == "v3"
    assert detect_version(tg_v2_path) == "v2"
    assert detect_version(tmp_path) is None


def test_v3_accounts_for_every_cable_and_landing_point(tg_v3, tg_v3_path):
    # every one of the 521 cable files and 1,414 geo landing points is loaded; nothing skipped
    assert set(tg_v3.cables["cable_id"]) == _cable_ids(tg_v3_path)
    assert len(tg_v3.cables) == 521
    geo = json.loads((tg_v3_path / "landing-point" / "landing-point-geo.json").read_text())
    assert set(tg_v3.landing_points["lp_id"]) == {f["properties"]["id"] for f in geo["features"]}
    assert len(tg_v3.landing_points) == 1414
    assert tg_v3.report.errors == []
    # sapporo-japan has no per-point file; its country still comes from the cables listing it
    sapporo = tg_v3.landing_points.set_index("lp_id").loc["sapporo-japan"]
    assert sapporo["iso3"] == "JPN"


def test_v3_reports_its_quirks(tg_v3):
    fields = [i.field for i in tg_v3.report.warnings]
    assert fields.count("length") == 33  # "length": null in 33 cable files
    assert fields.count("rfs_year") == 5
    assert tg_v3.cables["length_km"].isna().sum() == 33
    assert fields.count("is_tbd") == int(tg_v3.landing_points["is_tbd"].sum()) > 0


def test_v3_values(tg_v3):
    apg = tg_v3.cables.set_index("cable_id").loc["asia-pacific-gateway-apg"]
    assert apg["suppliers"] == ["NEC"]
    assert apg["length_km"] == 10400.0
    assert apg["rfs_year"] == 2016
    assert apg["status"] == "in_service"
    assert "China Telecom" in apg["owners"] and "Meta" in apg["owners"]
    assert apg.geometry.geom_type == "MultiLineString"
    # all suppliers resolve to registry names: "HMN Tech" is one vendor
    assert (
        "distinct suppliers not in the vendor registry (kept as written)" not in tg_v3.report.counts
    )
    suppliers = {s for lst in tg_v3.cables["suppliers"].dropna() for s in lst}
    assert tg_v3.cables["suppliers"].isna().sum() == 212  # "suppliers": null, not reported
    assert (
        tg_v3.report.counts["cables without suppliers (null in the cable file; left missing)"]
        == 212
    )
    assert suppliers <= set(cm.layers.vendors.vendor_registry())
    hmn = tg_v3.cables[tg_v3.cables["suppliers"].map(lambda s: "HMN Tech" in (s or []))]
    assert len(hmn) == 35
    assert (tg_v3.cables["status"] == "planned").sum() == 65


def test_v3_geodesic_route_lengths_track_reported_lengths(tg_v3):
    both = tg_v3.cables.dropna(subset=["length_km", "route_km"])
    ratio = both["route_km"] / both["length_km"]
    # the drawn routes are schematic, but the geodesic length is of the right magnitude
    assert 0.8 < float(np.median(ratio)) < 1.25
    # a trans-Pacific cable split at the antimeridian is measured without the 360° jump
    faster = tg_v3.cables.set_index("cable_id").loc["faster"]
    assert 9_000 < faster["route_km"] < 14_000


def test_v3_hong_kong_macau_taiwan_get_their_own_codes(tg_v3):
    iso = tg_v3.landing_points.set_index("lp_id")["iso3"]
    assert iso["tseung-kwan-o-china"] == "HKG"
    assert iso["deep-water-bay-china"] == "HKG"
    assert iso["lantau-island-china"] == "HKG"
    assert iso["taipa-china"] == "MAC"
    assert iso["toucheng-taiwan"] == "TWN"
    assert iso["guningtou-taiwan"] == "TWN"  # Kinmen
    assert iso["zhuhai-china"] == "CHN"  # beside Macau
    assert iso["dadeng-island-china"] == "CHN"  # beside Kinmen
    assert iso["guanyin-mountain-china"] == "CHN"  # Xiamen
    assert iso["shantou-china"] == "CHN"
    assert tg_v3.landing_points["iso3"].notna().all()


def test_v2_accounts_for_every_cable(tg_v2, tg_v2_path):
    assert set(tg_v2.cables["cable_id"]) == _cable_ids(tg_v2_path)
    assert len(tg_v2.cables) == 471
    assert len(tg_v2.landing_points) == 1240
    assert tg_v2.report.errors == []
    # the geo file repeats 102 landing points (109 extra features); each is reported
    dupes = [i for i in tg_v2.report.warnings if i.message.startswith("duplicate feature")]
    assert len({i.record for i in dupes}) == 102
    assert len(dupes) == 1349 - 1240


def test_v2_values(tg_v2):
    cables = tg_v2.cables.set_index("cable_id")
    apg = cables.loc["asia-pacific-gateway-apg"]
    assert "Meta" in apg["owners"]  # written "Facebook" in 2020
    assert apg["owners"].count("NTT") == 1  # "NTT,  China Telecom" spacing handled
    assert apg["suppliers"] is None  # v2 has no suppliers: missing, not "none"
    assert tg_v2.cables["suppliers"].isna().all()
    assert (
        tg_v2.report.counts["cables without suppliers (not in an API v2 release; left missing)"]
        == 471
    )
    assert tg_v2.sources["cables"]["absent_fields"] == ["suppliers"]
    assert apg["source_version"] == "API v2 (2020-06-26)"
    # status from the RFS date against the release date (2020-06-26)
    assert cables.loc["2africa", "status"] == "planned"
    assert cables.loc["asia-pacific-gateway-apg", "status"] == "in_service"
    assert tg_v2.landing_points.set_index("lp_id").loc["busan-south-korea", "iso3"] == "KOR"
    assert tg_v2.landing_points["iso3"].notna().all()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10,400 km", 10400.0), ("827 km", 827.0), ("n.a.", None), (None, None), (95, 95.0)],
)
def test_parse_length(raw, expected):
    assert parse_length_km(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016 November", (2016, 11)),
        ("2023", (2023, None)),
        ("n.a.", (None, None)),
        (2019, (2019, None)),
    ],
)
def test_parse_rfs(raw, expected):
    assert parse_rfs(raw) == expected


# --------------------------------------------------------------------------- bad input
def test_missing_geo_file_is_fatal_and_named(tiny_v3):
    (tiny_v3 / "landing-point" / "landing-point-geo.json").unlink()
    with pytest.raises(cm.SourceFormatError, match=r"landing-point-geo\.json' does not exist"):
        cm.load(tiny_v3)


def test_malformed_geo_json_is_fatal_and_named(tiny_v3):
    (tiny_v3 / "cable" / "cable-geo.json").write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(cm.SourceFormatError, match=r"cable-geo\.json' could not be read"):
        cm.load(tiny_v3)


def test_malformed_cable_file_is_skipped_and_reported(tiny_v3):
    (tiny_v3 / "cable" / "c2.json").write_text('{"id": "c2", "name": ')
    with pytest.warns(cm.CablemapWarning, match="1 record"):
        layers = cm.load(tiny_v3)
    assert list(layers.cables["cable_id"]) == ["c1"]
    (issue,) = layers.report.errors
    assert (
        issue.file.endswith("c2.json")
        and issue.record == "c2"
        and "not valid JSON" in issue.message
    )
    with pytest.raises(cm.LayerValidationError, match=r"c2\.json.*not valid JSON"):
        cm.load(tiny_v3, strict=True)


def test_landing_point_without_coordinates(tmp_path):
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[{"id": "c1", "landing_points": ["a", "b", "nowhere"]}],
        points={"a": (178.44, -18.14), "b": (179.33, -16.78), "nowhere": None},
    )
    with pytest.warns(cm.CablemapWarning):
        layers = cm.load(root)
    assert set(layers.landing_points["lp_id"]) == {"a", "b"}
    messages = [(i.record, i.field, i.message) for i in layers.report.errors]
    assert (
        "nowhere",
        "geometry",
        "landing point without coordinates (no geometry); skipped",
    ) in messages
    assert any(r == "c1" and "'nowhere'" in m and "link skipped" in m for r, _, m in messages)
    assert set(layers.cable_landings["lp_id"]) == {"a", "b"}


def test_cable_referencing_unknown_landing_point(tiny_v3):
    record = json.loads((tiny_v3 / "cable" / "c1.json").read_text())
    record["landing_points"].append({"id": "atlantis", "name": "Atlantis", "country": "Fiji"})
    (tiny_v3 / "cable" / "c1.json").write_text(json.dumps(record))
    with pytest.warns(cm.CablemapWarning, match="skipped"):
        layers = cm.load(tiny_v3)
    (issue,) = layers.report.errors
    assert (
        issue.file.endswith("c1.json") and issue.record == "c1" and issue.field == "landing_points"
    )
    assert "'atlantis'" in issue.message
    assert "atlantis" not in set(layers.landing_points["lp_id"])


def test_invalid_route_geometry_parts_are_dropped_and_reported(tmp_path):
    routes = {
        "c1": {
            "type": "MultiLineString",
            "coordinates": [
                [[178.44, -18.14], [179.33, -16.78]],
                [[178.0, -18.0], [200.0, -95.0]],  # out of range
                [[178.0, -18.0], [178.0, -18.0]],  # degenerate
            ],
        },
    }
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[{"id": "c1", "landing_points": ["a", "b"]}],
        points={"a": (178.44, -18.14), "b": (179.33, -16.78)},
        routes=routes,
    )
    with pytest.warns(cm.CablemapWarning):
        layers = cm.load(root)
    geom = layers.cables.geometry.iloc[0]
    assert len(geom.geoms) == 1
    msgs = [(i.severity, i.record, i.field, i.message.split(";")[0]) for i in layers.report.issues]
    assert (
        "error",
        "c1",
        "geometry",
        "invalid geometry: part 1 has coordinates that are not finite or outside "
        "lon [-180, 180] / lat [-90, 90]",
    ) in msgs
    assert (
        "warning",
        "c1",
        "geometry",
        "invalid geometry: part 2 has fewer than two distinct points",
    ) in msgs


def test_cable_without_route_is_kept_and_reported(tiny_v3):
    geo = json.loads((tiny_v3 / "cable" / "cable-geo.json").read_text())
    geo["features"] = [f for f in geo["features"] if f["properties"]["id"] != "c2"]
    (tiny_v3 / "cable" / "cable-geo.json").write_text(json.dumps(geo))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing skipped, so no warning
        layers = cm.load(tiny_v3)
    c2 = layers.cables.set_index("cable_id").loc["c2"]
    assert c2.geometry is None and np.isnan(c2["route_km"])
    assert any(i.record == "c2" and "no drawn route" in i.message for i in layers.report.warnings)


def test_all_cable_files_malformed_is_an_empty_layer_error(tiny_v3):
    for f in ("c1", "c2"):
        (tiny_v3 / "cable" / f"{f}.json").write_text("not json")
    with pytest.raises(cm.EmptyLayerError, match="no cable could be read from 2 cable file"):
        cm.load(tiny_v3)


def test_supplier_aliases_resolve(tiny_v3):
    layers = cm.load(tiny_v3)
    assert layers.cables.set_index("cable_id").loc["c2", "suppliers"] == ["HMN Tech"]
