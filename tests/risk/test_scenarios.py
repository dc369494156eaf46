"""Scenarios on the 2022 network: real incidents, partial cuts, vendors, sweeps, bad input."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import cablemap as cm
from cablemap.risk.network.connectivity import connected_labels
from cablemap.risk.scenarios.cuts import parse_area

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")

INCIDENTS = Path(__file__).resolve().parent.parent / "data" / "incidents.csv"


def _split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def engine(v3_analysis) -> cm.ScenarioEngine:
    return v3_analysis.engine


with INCIDENTS.open(encoding="utf-8") as fh:
    _ROWS = list(csv.DictReader(fh))


@pytest.mark.parametrize("incident", _ROWS, ids=[r["incident_id"] for r in _ROWS])
def test_reproduces_real_incidents(incident, tg_v3, ne_countries, engine):
    assert incident["source"].startswith("https://")
    cross = [tuple(p.split("-")) for p in _split(incident["cross_border"])]
    eng = cm.ScenarioEngine(tg_v3, countries=ne_countries, cross_border=cross) if cross else engine
    result = eng.run(cables=_split(incident["cut_cables"]), areas=_split(incident["cut_areas"]))
    assert result.cut_cables, "the incident must cut something"
    assert result.isolated_countries == sorted(_split(incident["expected_isolated_countries"]))
    assert result.cable_isolated_countries == sorted(
        _split(incident["expected_cable_isolated_countries"])
    )
    expected_lps = set(_split(incident["expected_isolated_landing_points"]))
    if expected_lps:
        assert set(result.to_dict()["isolated_landing_points"]) == expected_lps


def test_tonga_before_and_after(engine):
    result = engine.run(cables=["tonga-cable", "Tonga Domestic Cable Extension (TDCE)"])
    ton = result.countries.set_index("iso3").loc["TON"]
    assert (ton["cables_before"], ton["cables_after"]) == (1, 0)
    assert ton["reachable_before"] > 100 and ton["reachable_after"] == 0 and ton["isolated"]
    fji = result.countries.set_index("iso3").loc["FJI"]
    assert fji["cables_after"] == fji["cables_before"] - 1 and not fji["isolated"]
    assert "TON" not in result.unconnected_countries


def test_area_cut_breaks_only_the_segments_it_touches(engine):
    # a 15 km circle around Toucheng: only the last stretch into Taiwan of each cable there
    result = engine.run(areas=["circle:121.80,24.86,15"])
    assert "asia-pacific-gateway-apg" in result.cut_cables
    apg = result.cut_segments[result.cut_segments["cable_id"] == "asia-pacific-gateway-apg"]
    assert len(apg) == 1 and "toucheng-taiwan" in set(apg[["u", "v"]].iloc[0])
    assert result.isolated_countries == []
    countries = result.countries.set_index("iso3")
    # Japan keeps APG: its stretch to Toucheng broke, not the trunk
    assert countries.loc["JPN", "reachable_after"] == countries.loc["JPN", "reachable_before"]


def test_area_cut_across_the_antimeridian(engine):
    # a circle centred on 180°: its western half must catch segments stored at -180..-170
    east = engine.run(areas=["circle:180,-17,400"])
    assert {"southern-cross-cable-network-sccn", "tonga-cable"} & set(east.cut_cables)


def test_vendor_cut(engine, tg_v3, ne_countries):
    result = engine.run(vendors=["Huawei Marine Networks"])
    # Suriname's only cable, SG-SCS, is HMN-built: cut off by sea; outside the region no land
    # link is assumed unless an analyst declares one (Guyana, as a what-if)
    assert "SUR" in result.cable_isolated_countries and "SUR" in result.isolated_countries
    linked = cm.ScenarioEngine(tg_v3, countries=ne_countries, cross_border=[("SUR", "GUY")])
    result = linked.run(vendors=["Huawei Marine Networks"])
    assert "SUR" in result.cable_isolated_countries
    assert "SUR" not in result.isolated_countries
    cables = tg_v3.cables.set_index("cable_id")
    for cable_id in result.cut_cables:
        assert "HMN Tech" in cables.loc[cable_id, "suppliers"] + cables.loc[cable_id, "owners"]
    high = engine.run(vendors=["tier:high"])
    assert set(result.cut_cables) <= set(high.cut_cables)
    assert len(high.cut_cables) > len(result.cut_cables)  # China Telecom/Unicom/Mobile-owned too


def test_year_and_planned(tg_v3, ne_countries):
    in_2005 = cm.ScenarioEngine(tg_v3, countries=ne_countries, year=2005)
    years = tg_v3.cables.set_index("cable_id")["rfs_year"]
    assert all(years[c] <= 2005 for c in in_2005.active_cables if not pd.isna(years[c]))
    assert 50 < len(in_2005.active_cables) < 300
    planned = cm.ScenarioEngine(tg_v3, countries=ne_countries, with_planned=True)
    assert len(planned.active_cables) == len(tg_v3.cables)
    base = cm.ScenarioEngine(tg_v3, countries=ne_countries)
    assert len(base.active_cables) == (tg_v3.cables["status"] == "in_service").sum()


_CLOSE_CABLE = r"no cable has id or name 'tonga-cabel'; closest: \['tonga-cable'"
_CLOSE_VENDOR = (
    r"no cable is supplied or owned by 'Huawei Marin'; closest vendors: \['Huawei Marine'"
)
_CLOSE_AREA = (
    r"area 'luzon strat' is no chokepoint.*closest chokepoints: \['Luzon Strait', 'luzon-strait'"
)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cables": ["tonga-cabel"]}, _CLOSE_CABLE),
        ({"vendors": ["Huawei Marin"]}, _CLOSE_VENDOR),
        ({"vendors": ["tier:scary"]}, r"unknown tier 'scary'"),
        ({"areas": ["luzon strat"]}, _CLOSE_AREA),
        ({"areas": ["bbox:10,0,5,1"]}, r"bbox needs west < east"),
        ({"areas": ["circle:200,0,10"]}, r"circle needs lon in \[-180, 180\]"),
    ],
)
def test_unknown_names_list_closest_matches(engine, kwargs, match):
    with pytest.raises(cm.ScenarioError, match=match):
        engine.run(**kwargs)


def test_area_formats(engine):
    wkt = engine.run(
        areas=["POLYGON((119.5 18.3, 122.6 18.3, 122.6 21.95, 119.5 21.95, 119.5 18.3))"]
    )
    named = engine.run(areas=["Luzon Strait"])
    geojson = engine.run(
        areas=[
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [119.5, 18.3],
                            [122.6, 18.3],
                            [122.6, 21.95],
                            [119.5, 21.95],
                            [119.5, 18.3],
                        ]
                    ],
                }
            )
        ]
    )
    box = engine.run(areas=["bbox:119.5,18.3,122.6,21.95"])
    assert wkt.cut_cables == named.cut_cables == geojson.cut_cables == box.cut_cables
    assert len(named.cut_cables) >= 3


_BOWTIE = "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))"
_BOWTIE_JSON = json.dumps(
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
)


@pytest.mark.parametrize(
    ("area", "match"),
    [
        (
            _BOWTIE,
            r"area 'POLYGON\(\(0 0, 1 1, 1 0, 0 1, 0 0\)\)' is not a valid geometry: "
            r"Self-intersection\[0.5 0.5\]$",
        ),
        (
            "POLYGON((0 0, 1 0, 1 1",
            r"area 'POLYGON\(\(0 0, 1 0, 1 1' is not readable WKT: ParseException",
        ),
        ("POINT (121 20)", r"area 'POINT \(121 20\)' is a Point; expected a WKT POLYGON"),
        ("POLYGON EMPTY", r"area 'POLYGON EMPTY' is empty; expected a WKT POLYGON"),
        (_BOWTIE_JSON, r"is not a valid geometry: Self-intersection\[0.5 0.5\]$"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}},
                        {"type": "Feature", "geometry": json.loads(_BOWTIE_JSON)},
                    ],
                }
            ),
            r"\(geometry 1\) is not a valid geometry: Self-intersection\[0.5 0.5\]$",
        ),
    ],
)
def test_invalid_area_geometry_says_why(area, match, engine):
    with pytest.raises(cm.ScenarioError, match=match):
        parse_area(area, engine.model.chokepoints)
    with pytest.raises(cm.ScenarioError, match=match):
        engine.run(areas=[area])


def test_invalid_geojson_file_names_the_file(tmp_path, engine):
    path = tmp_path / "bowtie.geojson"
    path.write_text(_BOWTIE_JSON)
    named = re.escape(f"area {str(path)[:60]!r} is not a valid geometry: Self-intersection")
    with pytest.raises(cm.ScenarioError, match=named):
        engine.run(areas=[str(path)])
    # a valid file still works, labelled by its name
    path.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
    )
    label, area = parse_area(str(path), engine.model.chokepoints)
    assert (label, area.is_valid, area.area) == ("bowtie.geojson", True, 0.5)


def test_a_name_that_only_starts_like_wkt_is_still_matched_to_chokepoints(engine):
    with pytest.raises(cm.ScenarioError, match=r"is no chokepoint.*closest chokepoints"):
        engine.run(areas=["polygon strait"])


def test_batched_components_equal_networkx(engine):
    graph = engine.graph
    nxg = nx.Graph()
    nxg.add_nodes_from(range(len(graph.nodes)))
    half = graph.edge_of < graph.n_edges  # every directed edge; take each undirected once
    rng = np.random.default_rng(7)
    active = rng.random((graph.n_edges, 3)) > 0.3
    labels = connected_labels(graph, active)
    for j in range(3):
        g = nxg.copy()
        keep = active[graph.edge_of, j] & half
        g.add_edges_from(zip(graph.src[keep], graph.dst[keep], strict=True))
        for comp in nx.connected_components(g):
            members = sorted(comp)
            assert set(labels[members, j]) == {members[0]}


def test_sweep_agrees_with_single_runs(engine):
    ranking = engine.sweep().set_index("cut")
    for cable in (
        "tonga-cable",
        "coral-sea-cable-system-cs",
        "africa-coast-to-europe-ace",
        "faster",
    ):
        single = engine.run(cables=[cable])
        assert ranking.loc[cable, "isolated"] == single.isolated_countries, cable
    assert ranking.loc["tonga-cable", "countries_isolated"] == 1
    assert ranking.loc["luzon-strait", "kind"] == "chokepoint"
    assert ranking["countries_isolated"].is_monotonic_decreasing
    assert len(ranking) == len(engine.active_cables) + 10 - sum(
        1 for c in engine.active_cables if not (engine.network.segments["cable_id"] == c).any()
    )
