"""The plain map: Pacific-centred on real trans-Pacific cables, escaped, attributed."""

from __future__ import annotations

import itertools
import json
import re

import pandas as pd
import pytest
import shapely

import cablemap as cm
from cablemap.render.geometry import shift_to_pacific


def _geojson_layers(html: str) -> dict[str, dict]:
    """The FeatureCollections folium embedded, keyed by the first property name they carry."""
    found = {}
    for match in re.finditer(
        r'_add\((\{"features".*?"type": "FeatureCollection"\})\);', html, re.S
    ):
        data = json.loads(match.group(1))
        key = "cables" if "cable_id" in data["features"][0]["properties"] else "landing_points"
        found[key] = data
    return found


@pytest.fixture(scope="module")
def v3_html(tg_v3) -> str:
    return cm.build_map(tg_v3).get_root().render()


def test_every_cable_and_landing_point_is_drawn(v3_html, tg_v3):
    layers = _geojson_layers(v3_html)
    assert len(layers["cables"]["features"]) == len(tg_v3.cables) == 521
    assert len(layers["landing_points"]["features"]) == len(tg_v3.landing_points) == 1414


def test_no_line_crosses_the_whole_map(v3_html):
    for feature in _geojson_layers(v3_html)["cables"]["features"]:
        for part in feature["geometry"]["coordinates"]:
            xs = [x for x, _ in part]
            assert max(xs) - min(xs) < 180, feature["properties"]["cable_id"]
            # consecutive vertices never jump across the world
            assert all(abs(b - a) < 180 for a, b in itertools.pairwise(xs))
            assert min(xs) >= -30.0 and max(xs) <= 330.0


def test_trans_pacific_cables_are_continuous(tg_v3):
    cables = tg_v3.cables.set_index("cable_id")
    for cable_id in (
        "faster",
        "new-cross-pacific-ncp-cable-system",
        "hawaiki",
        "southern-cross-next",
    ):
        raw = cables.loc[cable_id].geometry
        shifted = shift_to_pacific(raw)
        merged = shapely.line_merge(shifted)
        # the halves split at 180° in the source join up again on the Pacific copy
        assert len(shapely.get_parts(merged)) < len(shapely.get_parts(raw)), cable_id
        minx, _, maxx, _ = shifted.bounds
        assert minx > 100 and maxx < 300, cable_id


def test_markers_east_of_180_sit_with_their_cables(v3_html):
    lps = {
        f["properties"]["lp_id"]: f["geometry"]["coordinates"]
        for f in _geojson_layers(v3_html)["landing_points"]["features"]
    }
    honolulu_area = [xy for lp, xy in lps.items() if lp.endswith("-hi-united-states")]
    assert honolulu_area and all(200 < x < 210 for x, _ in honolulu_area)


def test_data_strings_are_escaped(sample):
    evil = sample.cables.copy()
    evil.loc[0, "name"] = "<script>alert('x')</script>"
    evil.at[0, "owners"] = ["<img src=x onerror=alert(1)>"]
    layers = cm.Layers(evil, sample.landing_points, sample.cable_landings, sources=sample.sources)
    html = cm.build_map(layers).get_root().render()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    drawn = {
        f["properties"]["cable_id"]: f["properties"]
        for f in _geojson_layers(html)["cables"]["features"]
    }
    props = drawn[evil.loc[0, "cable_id"]]
    assert props["name"] == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert props["owners"] == "&lt;img src=x onerror=alert(1)&gt;"


def test_attribution_and_view(tg_v3, sample):
    html = cm.build_map(tg_v3).get_root().render()
    assert "© TeleGeography, CC BY-NC-SA 3.0" in html
    assert "API v3 (tg-v3-2022)" in html
    assert "[[-50.0, 25.0], [50.0, 240.0]]" in html  # the Indo-Pacific view of risk_models/
    assert "TeleGeography" not in cm.build_map(sample).get_root().render()


def test_save_map_is_atomic_and_default_folder(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "maps_folder", tmp_path / "maps")
    path = cm.save_map(cm.build_map(sample))
    assert path == tmp_path / "maps" / "cables.html"
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert not list(path.parent.glob("*.tmp"))
    assert isinstance(sample.cable_landings, pd.DataFrame)
