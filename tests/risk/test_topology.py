"""Segment topology on the real 2022 routes, land links, and the fallbacks."""

from __future__ import annotations

import json

import numpy as np
import pytest

import cablemap as cm
from cablemap.risk import build_network
from tests.conftest import make_tg_v3

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def network(v3_scores):
    return v3_scores.network


def test_every_in_service_cable_is_in_the_graph(network, tg_v3):
    in_service = set(tg_v3.cables.loc[tg_v3.cables["status"] == "in_service", "cable_id"])
    assert set(network.segments["cable_id"]) == in_service
    nodes = set(network.nodes["node_id"])
    assert set(network.segments["u"]) <= nodes and set(network.segments["v"]) <= nodes
    assert network.segments.loc[network.segments["routed"], "geometry"].notna().all()
    assert network.segments.total_bounds[[0, 2]].tolist() == [-180.0, 180.0]


def test_branching_units_and_antimeridian(network):
    seg = network.segments
    faster = seg[seg["cable_id"] == "faster"]
    # Tanshui and Shima branch off at one unit, Chikura at another, then the Pacific crossing
    assert {frozenset(p) for p in zip(faster["u"], faster["v"], strict=True)} == {
        frozenset({"tanshui-taiwan", "faster#bu0"}),
        frozenset({"shima-japan", "faster#bu0"}),
        frozenset({"faster#bu0", "faster#bu1"}),
        frozenset({"chikura-japan", "faster#bu1"}),
        frozenset({"faster#bu1", "bandon-or-united-states"}),
    }
    crossing = faster[faster["v"] == "bandon-or-united-states"].iloc[0]
    assert len(crossing.geometry.geoms) == 2  # stored split at ±180°, measured as one
    assert 7500 < crossing["length_km"] < 9000
    plcn = seg[seg["cable_id"] == "pacific-light-cable-network-plcn"]
    assert plcn["routed"].all()  # its halves at ±180° end 7 m apart yet join


def test_segments_cover_the_routes(network, tg_v3):
    routed = network.segments[network.segments["routed"]]
    per_cable = routed.groupby("cable_id")["length_km"].sum()
    route = tg_v3.cables.set_index("cable_id").loc[per_cable.index, "route_km"]
    ratio = per_cable / route
    # segments keep the routes, less dangling drawing stubs
    assert 0.9 < float(np.median(ratio)) <= 1.001
    assert (ratio <= 1.001).all()  # split points add at most metres


def test_fallbacks_are_reported(network):
    unrouted = network.segments[~network.segments["routed"]]
    for cable_id in set(unrouted["cable_id"]):
        assert any(repr(cable_id) in note for note in network.notes), cable_id
    assert len(set(unrouted["cable_id"])) <= 10


def test_land_links_follow_landmasses(network):
    links = network.terrestrial
    pairs = {frozenset(p) for p in zip(links["u"], links["v"], strict=True)}
    linked = lambda a, b: any(a in p and b in p for p in pairs)  # noqa: E731
    taiwan = links[links["iso3"] == "TWN"]
    main = set(taiwan.loc[taiwan["landmass"] == taiwan["landmass"].iloc[0], "u"]) | set(
        taiwan.loc[taiwan["landmass"] == taiwan["landmass"].iloc[0], "v"]
    )
    assert {"toucheng-taiwan", "tanshui-taiwan", "fangshan-taiwan"} <= main
    assert "guningtou-taiwan" not in main  # Kinmen is its own landmass
    assert links[links["iso3"] == "TON"].empty  # Tongatapu, Ha'apai and Vava'u are islands
    assert not linked("nukualofa-tonga", "neiafu-tonga")
    # across borders only the cited land links (risk_models/terrestrial_links.csv), each a
    # finite unit with its id and weight; none where no source documents one (PNG-IDN)
    assert set(links["kind"]) == {"domestic", "land_link"}
    cited = links[links["kind"] == "land_link"]
    assert {"CHN-MAC:1", "CHN-VNM:1"} <= set(cited["link_id"])
    assert (cited["weight"] > 0).all() and (cited["weight"] <= 2).all()
    assert not cited["link_id"].str.startswith(("IDN-PNG", "ESP-GIB")).any()


def test_cross_border_links_only_when_declared(tg_v3, ne_countries):
    net = build_network(tg_v3, countries=ne_countries, cross_border=[("MYS", "SGP")])
    cross = net.terrestrial[net.terrestrial["kind"] == "cross_border"]
    assert len(cross) == 1 and cross["iso3"].iloc[0] == "MYS-SGP"


def test_cable_without_route_falls_back_on_its_landing_points(tmp_path):
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[{"id": "c1", "landing_points": ["a", "b", "c"]}],
        points={"a": (178.44, -18.14), "b": (179.33, -16.78), "c": (177.45, -17.61)},
    )
    geo = json.loads((root / "cable" / "cable-geo.json").read_text())
    geo["features"] = []
    (root / "cable" / "cable-geo.json").write_text(json.dumps(geo))
    net = build_network(cm.load(root))
    assert set(zip(net.segments["u"], net.segments["v"], strict=True)) == {
        ("a", "c1#hub"),
        ("b", "c1#hub"),
        ("c", "c1#hub"),
    }
    assert not net.segments["routed"].any()
    assert any("'c1' has no route" in n for n in net.notes)


def test_sample_uses_its_landmass_column(sample):
    net = build_network(sample)
    links = {frozenset(p) for p in zip(net.terrestrial["u"], net.terrestrial["v"], strict=True)}
    assert frozenset({"maruyama-japan", "shima-japan"}) in links or any(
        "maruyama-japan" in p for p in links
    )
    assert not any("nukualofa-tonga" in p for p in links)
    assert not any("no terrestrial links assumed" in n for n in net.notes)
