"""Facilities, countries, vendor footprints and their joins, on real data where it exists."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

import cablemap as cm
from cablemap._validate import LoadReport
from cablemap.layers.boundaries import bundled_countries
from cablemap.layers.facilities import (
    facilities_from_cloud_regions,
    facilities_from_peeringdb,
    merge_facilities,
    name_similarity,
)
from cablemap.layers.fetch import fetch_naturalearth, fetch_peeringdb
from cablemap.layers.footprints import footprints_from_file
from cablemap.layers.joins import backhaul_distances, country_facilities, nearest_facilities
from cablemap.layers.osm import facilities_from_osm, road_graph_from_osm
from tests.conftest import REPO, SHARED

PDB = SHARED / "facilities" / "peeringdb-2024-10"
SYDNEY = SHARED / "osm" / "sydney"
DATA = Path(__file__).resolve().parent.parent / "data"
CLOUD = REPO / "geodata" / "sample" / "cloud_regions.csv"


@pytest.fixture(scope="module")
def pdb_kmz():
    if not PDB.exists():
        pytest.skip(f"{PDB} is absent")
    return facilities_from_peeringdb(PDB / "peeringdb.kmz")


def test_peeringdb_kmz_and_csv_agree(pdb_kmz):
    csv_frame = facilities_from_peeringdb(PDB / "peeringdb_fac_from_kmz.csv")
    assert len(pdb_kmz) == len(csv_frame) == 5001
    both = pdb_kmz.merge(csv_frame, on="fac_id")
    assert (both["name_x"] == both["name_y"]).all()
    assert both["geometry_x"].geom_equals(both["geometry_y"]).all()
    assert pdb_kmz["iso3"].notna().all()
    equinix = pdb_kmz.set_index("fac_id").loc["pdb:1"]
    assert equinix["name"] == "Equinix DC1-DC15, DC21 - Ashburn"  # named from ixfac-0.json
    assert (equinix["operator"], equinix["operator_home_iso3"], equinix["iso3"]) == (
        "Equinix",
        "USA",
        "USA",
    )


def test_peeringdb_api_dump_reports_bad_records():
    report = LoadReport()
    facs = facilities_from_peeringdb(DATA / "peeringdb", report=report)
    assert set(facs["fac_id"]) == {"pdb:705", "pdb:196", "pdb:9003"}
    assert facs.set_index("fac_id").loc["pdb:705", "operator"] == "Equinix"
    (skipped,) = report.errors
    assert skipped.record == "fac 9001" and "without usable coordinates" in skipped.message
    assert report.counts["PeeringDB facilities not 'ok' (skipped)"] == 1
    unknown = [i for i in report.warnings if i.field == "country"]
    assert unknown and unknown[0].record == "fac 9003" and "'XX'" in unknown[0].message


def test_osm_facilities_from_real_extracts():
    report = LoadReport()
    harbour = facilities_from_osm(SYDNEY / "sydney_darling_harbour.osm", report=report)
    names = set(harbour["name"])
    assert {
        "Global Switch Sydney West Data Centre",
        "Global Switch Sydney East Data Centre",
        "City South Exchange",
    } <= names
    gs = harbour.set_index("name").loc["Global Switch Sydney West Data Centre"]
    assert gs["kind"] == "data_centre" and gs["footprint"].geom_type == "Polygon"
    assert gs["footprint"].contains(gs.geometry)  # representative point inside the outline
    assert harbour.set_index("name").loc["City South Exchange", "kind"] == "exchange"
    assert harbour["fac_id"].str.startswith("osm:").all()


def test_osm_unexpected_geometry_is_handled():
    report = LoadReport()
    facs = facilities_from_osm(DATA / "odd_features.osm", report=report)
    by_name = facs.set_index("name")
    assert by_name.loc["Closed Outline DC", "operator"] == "Equinix"
    assert by_name.loc["Unclosed Outline DC", "footprint"] is None
    (issue,) = [i for i in report.warnings if i.field == "geometry"]
    assert issue.record == "way/11" and "unexpected LineString" in issue.message


def test_duplicates_across_sources_are_merged_and_reported(pdb_kmz):
    report = LoadReport()
    osm = [
        facilities_from_osm(SYDNEY / f, report=report)
        for f in ("sydney_darling_harbour.osm", "sydney_ultimo_pyrmont_mapWPark.osm")
    ]
    merged = merge_facilities([*osm, pdb_kmz], report=report)
    merges = {i.record: i.message for i in report.warnings if "merged" in i.message}
    assert set(merges) == {"pdb:196", "pdb:661"}  # Global Switch Sydney, Singtel Optus
    assert "osm:way/100109132" in merges["pdb:196"]
    assert "pdb:8884" in set(merged["fac_id"])  # 5GN Sydney Data Centre is another building
    # the two extracts overlap: 7 features, 5 distinct (repeated ids dropped, reported)
    assert len(merged) == len(pdb_kmz) + 5 - 2
    gs = merged.set_index("fac_id").loc["osm:way/100109132", "source"]
    assert "openstreetmap.org/way/100109132" in gs and "peeringdb.com/fac/196" in gs


def test_name_similarity_ignores_generic_words():
    assert name_similarity("Global Switch Sydney", "Global Switch Sydney West Data Centre") >= 0.5
    assert (
        name_similarity("5GN Sydney Data Centre (SDC)", "Global Switch Sydney West Data Centre")
        < 0.5
    )


def test_cloud_regions_table_is_cited_and_agrees_with_an_independent_list():
    facs = facilities_from_cloud_regions(CLOUD)
    assert len(facs) >= 60 and (facs["kind"] == "cloud_region").all()
    with CLOUD.open() as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["source"].startswith("https://") for r in rows)
    providers = {r["provider"] for r in rows}
    assert {
        "Amazon Web Services",
        "Microsoft Azure",
        "Google Cloud",
        "Alibaba Cloud",
        "Huawei Cloud",
        "Tencent Cloud",
        "Oracle Cloud",
    } <= providers
    ref_file = SHARED / "facilities" / "cloud-regions" / "regions-multi-2025.json"
    if ref_file.exists():
        ref = {
            (p["name"], p["cloud_region"])
            for m in json.loads(ref_file.read_text())["cloud_regions"]
            for p in m["cloud_service_providers"]
        }
        found = sum((r["provider"], r["region"]) in ref for r in rows)
        assert found / len(rows) >= 0.95
    assert (
        facs.set_index("fac_id").loc["cloud:huawei-cloud:ap-southeast-3", "operator_home_iso3"]
        == "CHN"
    )


def test_footprints_validate_and_derive(tg_v3):
    authored = footprints_from_file(REPO / "geodata" / "sample" / "vendor_footprints.csv")
    cited = authored[authored["status"] != "unknown"]  # unknown rows say what was searched
    assert cited["source"].str.startswith(("https://", "http://")).all()
    assert (
        (authored["iso3"] == "AUS")
        & (authored["vendor"] == "Huawei")
        & (authored["status"] == "excluded")
    ).any()
    derived = tg_v3.vendor_footprints
    hmn_png = derived[(derived["iso3"] == "PNG") & (derived["vendor"] == "HMN Tech")]
    assert list(hmn_png["domain"]) == ["submarine_cable_supply"] and hmn_png["year"].iloc[0] == 2019


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (
            "AUS,Huawei Marin,ran_5g,excluded,2018,https://x,n",
            r"row 2, field 'vendor': vendor 'Huawei Marin'",
        ),
        ("AUS,Huawei,5g,excluded,2018,https://x,n", r"row 2, field 'domain': '5g'"),
        ("AUS,Huawei,ran_5g,banned,2018,https://x,n", r"row 2, field 'status': 'banned'"),
        ("Aus,Huawei,ran_5g,excluded,2018,https://x,n", r"row 2, field 'iso3': 'Aus'"),
        (
            "AUS,Huawei,ran_5g,excluded,2018,,n",
            r"row 2, field 'source': every footprint row needs a source",
        ),
    ],
)
def test_bad_footprint_rows_are_named(tmp_path, row, match):
    path = tmp_path / "fp.csv"
    path.write_text("iso3,vendor,domain,status,year,source,notes\n" + row + "\n")
    with pytest.raises(cm.LayerValidationError, match=match):
        footprints_from_file(path)


def test_sample_configures_every_layer(sample):
    assert sample.facilities is not None and len(sample.facilities) == 64
    assert sample.countries is not None and len(sample.countries) == 175
    assert {"ran_5g", "submarine_cable_supply"} <= set(sample.vendor_footprints["domain"])
    assert "HMN Tech" in set(sample.vendors["name"])


def test_countries_from_natural_earth():
    countries = cm.countries_from_file(SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp")
    assert len(countries) == 250
    codes = set(countries["iso3"])
    assert {"HKG", "MAC", "TWN", "FRA", "NOR", "TON"} <= codes  # ADM0_A3 stands in for -99
    assert len(bundled_countries()) == 175


def test_nearest_facilities_and_country_summary(tg_v3, pdb_kmz):
    near = nearest_facilities(tg_v3.landing_points, pdb_kmz, k=3)
    assert len(near) == 3 * len(tg_v3.landing_points)
    tuas = near[near["lp_id"] == "tuas-singapore"]
    assert list(tuas["rank"]) == [1, 2, 3] and tuas["distance_km"].is_monotonic_increasing
    assert tuas.iloc[0]["operator"] == "Equinix" and 4 < tuas.iloc[0]["distance_km"] < 8
    layers = cm.Layers(
        tg_v3.cables,
        tg_v3.landing_points,
        tg_v3.cable_landings,
        facilities=merge_facilities([pdb_kmz, facilities_from_cloud_regions(CLOUD)]),
        vendor_footprints=footprints_from_file(
            REPO / "geodata" / "sample" / "vendor_footprints.csv"
        ),
    )
    summary = country_facilities(layers).set_index("iso3")
    sgp = summary.loc["SGP"]
    assert sgp["data_centres"] > 30 and {"Amazon Web Services", "Huawei Cloud"} <= set(
        sgp["cloud_providers"]
    )
    assert "Huawei (ran_5g)" in summary.loc["AUS", "excluded_vendors"]


def test_backhaul_road_distance_on_the_sydney_network():
    graph = road_graph_from_osm(SYDNEY / "sydney_darling_harbour.osm")
    dcs = facilities_from_osm(SYDNEY / "sydney_ultimo_pyrmont_mapWPark.osm")
    # a station placed on Pyrmont's streets (the extract holds no real landing station) and Tuas
    stations = gpd.GeoDataFrame(
        {"lp_id": ["pyrmont-test", "tuas-singapore"]},
        geometry=[shapely.Point(151.1945, -33.8705), shapely.Point(103.64, 1.30)],
        crs=4326,
    )
    result = backhaul_distances(stations, dcs, graph).set_index("lp_id")
    near = result.loc["pyrmont-test"]
    assert (
        np.isfinite(near["road_km"])
        and near["road_km"] >= near["straight_km"]
        and near["detour_ratio"] >= 1
    )
    far = result.loc["tuas-singapore"]
    assert np.isnan(far["road_km"]) and "from the road network" in far["note"]


def test_fetch_from_local_mirrors(tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "cache_folder", tmp_path / "cache")
    pdb = fetch_peeringdb(tmp_path / "pdb", base_url=(DATA / "peeringdb").as_uri() + "/")
    assert {p.name for p in pdb.iterdir()} == {"fac-0.json", "org-0.json"}
    assert len(facilities_from_peeringdb(pdb)) == 3
    shp = fetch_naturalearth(
        tmp_path / "ne",
        base_url=(SHARED / "boundaries").as_uri() + "/",
        layer="ne_10m_admin_0_countries_deu",
    )
    assert len(cm.countries_from_file(shp)) == 250
    with pytest.raises(cm.DownloadError, match="fac"):
        fetch_peeringdb(tmp_path / "off", base_url="http://127.0.0.1:9/")


def test_project_file_configures_facilities_and_countries(tmp_path, tg_v3_path):
    project = tmp_path / "cablemap.toml"
    osm = SYDNEY / "sydney_darling_harbour.osm"
    project.write_text(
        f'[layers]\ncables = "{tg_v3_path}"\n'
        f'facilities = ["{osm}", "{DATA / "peeringdb"}", "{CLOUD}"]\n'
        f'countries = "{SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"}"\n'
    )
    with pytest.warns(
        cm.CablemapWarning, match="fac 9001"
    ):  # the fixture's facility without coordinates
        layers = cm.load(project)
    facs = layers.facilities.set_index("fac_id")
    assert facs.loc["osm:way/477593570", "iso3"] == "AUS"  # placed by the country polygons
    assert "pdb:196" not in facs.index  # merged into the OSM outline of Global Switch Sydney West
    assert layers.report.counts["facilities merged as duplicates"] == 1
