"""Generic formats: lossless round trips on the real 2022 release, and analysts' own files."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import cablemap as cm


def _assert_same(a: cm.Layers, b: cm.Layers) -> None:
    for name in ("cables", "landing_points"):
        assert_geodataframe_equal(getattr(a, name), getattr(b, name), check_less_precise=False)
    pd.testing.assert_frame_equal(a.cable_landings, b.cable_landings)
    assert a.sources == b.sources


@pytest.mark.parametrize(
    ("target", "fmt"), [("layers.gpkg", None), ("parquet", "parquet"), ("geojson", "geojson")]
)
def test_round_trip_without_loss(tg_v3, tmp_path, target, fmt):
    path = cm.save_layers(tg_v3, tmp_path / target, fmt=fmt)
    back = cm.load(path)
    if fmt == "geojson":
        # GeoJSON (RFC 7946) keeps ~15 significant digits; geometry equal to 1e-9 degrees
        for name in ("cables", "landing_points"):
            a, b = getattr(tg_v3, name), getattr(back, name)
            pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
            assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=1e-9).all()
        pd.testing.assert_frame_equal(tg_v3.cable_landings, back.cable_landings)
    else:
        _assert_same(tg_v3, back)
    assert "© TeleGeography, CC BY-NC-SA 3.0" in back.attributions


def test_geopackage_opens_as_ordinary_tables(tg_v3, tmp_path):
    path = cm.save_layers(tg_v3, tmp_path / "layers.gpkg")
    cables = gpd.read_file(path, layer="cables")
    assert len(cables) == 521 and cables.crs.to_epsg() == 4326
    assert json.loads(cables.set_index("cable_id").loc["faster", "suppliers"]) == ["NEC"]
    meta = gpd.read_file(path, layer="cablemap_metadata")
    assert "CC BY-NC-SA 3.0" in meta.set_index("key").loc["attribution", "value"]


def _analyst_dir(tmp_path: Path) -> Path:
    d = tmp_path / "mine"
    d.mkdir()
    cables = gpd.GeoDataFrame(
        {
            "cable_id": ["x1"],
            "name": ["My cable"],
            "rfs_year": ["2021"],
            "owners": ["Facebook; Telstra"],
            "suppliers": ["Huawei Marine"],
        },
        geometry=[shapely.LineString([(600000, 7990000), (700000, 8100000)])],
        crs="EPSG:32760",  # UTM 60S: reprojected on load
    )
    cables.to_file(d / "cables.gpkg")
    lps = gpd.GeoDataFrame(
        {"lp_id": ["p1", "p2"], "name": ["Suva", "Tseung Kwan O"], "country": ["Fiji", "China"]},
        geometry=[shapely.Point(178.44, -18.14), shapely.Point(114.2587, 22.3183)],
        crs="EPSG:4326",
    )
    lps.to_file(d / "landing_points.geojson")
    pd.DataFrame({"cable_id": ["x1", "x1"], "lp_id": ["p1", "p2"]}).to_csv(
        d / "cable_landings.csv", index=False
    )
    return d


def test_analyst_files_are_conformed_and_repairs_reported(tmp_path):
    layers = cm.load(_analyst_dir(tmp_path))
    cable = layers.cables.iloc[0]
    assert cable.geometry.geom_type == "MultiLineString"
    assert layers.cables.crs.to_epsg() == 4326
    assert 170 < cable.geometry.bounds[0] < 180
    assert cable["owners"] == ["Meta", "Telstra"] and cable["suppliers"] == ["HMN Tech"]
    assert cable["rfs_year"] == 2021
    assert cable["status"] is None  # the file has no status: left missing, never invented
    assert (
        layers.report.counts[
            "cables without status (left missing; the scores count them as in service)"
        ]
        == 1
    )
    assert cable["route_km"] > 100
    assert layers.landing_points.set_index("lp_id").loc["p2", "iso3"] == "HKG"
    assert any(i.field == "crs" and "reprojected" in i.message for i in layers.report.warnings)


def test_analyst_file_missing_required_column(tmp_path):
    d = _analyst_dir(tmp_path)
    lps = gpd.read_file(d / "landing_points.geojson").drop(columns=["lp_id"])
    lps.to_file(d / "landing_points.geojson")
    with pytest.raises(
        cm.LayerValidationError,
        match=r"landing_points\.geojson': required column\(s\) \['lp_id'\] missing",
    ):
        cm.load(d)


def test_analyst_file_bad_year_names_record_and_field(tmp_path):
    d = _analyst_dir(tmp_path)
    cables = gpd.read_file(d / "cables.gpkg")
    cables["rfs_year"] = ["soon"]
    cables.to_file(d / "cables.gpkg")
    with pytest.raises(
        cm.LayerValidationError, match=r"record 'x1', field 'rfs_year': 'soon' is not a year"
    ):
        cm.load(d)


def test_dangling_link_is_skipped_and_reported(tmp_path):
    d = _analyst_dir(tmp_path)
    pd.DataFrame({"cable_id": ["x1", "ghost"], "lp_id": ["p1", "p1"]}).to_csv(
        d / "cable_landings.csv", index=False
    )
    with pytest.warns(cm.CablemapWarning, match="1 record"):
        layers = cm.load(d)
    (issue,) = layers.report.errors
    assert issue.record == "ghost/p1" and "unknown cable" in issue.message


def test_project_file_names_a_source_per_layer(tmp_path, tg_v3_path):
    d = _analyst_dir(tmp_path)
    project = tmp_path / "cablemap.toml"
    project.write_text(f'[layers]\ncables = "{tg_v3_path}"\nlanding_points = "{tg_v3_path}"\n')
    layers = cm.load(project)
    assert len(layers.cables) == 521
    project.write_text('[layers]\ncables = "mine"\ndata_centres = "x"\n')
    with pytest.raises(cm.SourceFormatError, match=r"key 'layers.data_centres': unknown key"):
        cm.load(project)
    project.write_text('[layers]\ncables = "mine"\nfacilities = "x"\n')
    with pytest.raises(cm.SourceFormatError, match=r"facility source '.*x' does not exist"):
        cm.load(project)
    assert d.exists()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p / "nope", "does not exist"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "of no supported format"),
        (lambda p: (p / "x.csv").write_text("a\n") and p / "x.csv", "of no supported format"),
        (
            lambda p: (p / "bad.gpkg").write_text("junk") and p / "bad.gpkg",
            "not a readable GeoPackage",
        ),
    ],
)
def test_unsupported_sources_say_what_is_supported(tmp_path, make, match):
    with pytest.raises(cm.SourceFormatError, match=match):
        cm.load(make(tmp_path))


def test_schema_check_catches_broken_layers(sample):
    broken = cm.Layers(
        sample.cables.assign(status="retired"),
        sample.landing_points.drop(columns="iso3"),
        pd.DataFrame({"cable_id": ["ghost"], "lp_id": ["nowhere"]}),
    )
    with pytest.raises(cm.LayerValidationError) as info:
        broken.validate()
    text = str(info.value)
    assert "cables.status: value 'retired'" in text
    assert "landing_points: required column(s) ['iso3'] are missing" in text


@pytest.mark.parametrize("target", ["layers.gpkg", "parquet"])
def test_round_trip_keeps_a_cable_without_route(tiny_v3, tmp_path, target):
    geo = json.loads((tiny_v3 / "cable" / "cable-geo.json").read_text())
    geo["features"] = [f for f in geo["features"] if f["properties"]["id"] != "c2"]
    (tiny_v3 / "cable" / "cable-geo.json").write_text(json.dumps(geo))
    layers = cm.load(tiny_v3)
    back = cm.load(cm.save_layers(layers, tmp_path / target))
    _assert_same(layers, back)
    assert back.cables.set_index("cable_id").loc["c2"].geometry is None
