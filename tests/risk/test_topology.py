"""Segment topology on the real 2022 routes, land links, and the fallbacks."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import cablemap as cm
from cablemap.risk import build_network
from cablemap.risk.network import topology
from tests.conftest import make_tg_v3


@pytest.fixture(scope="module")
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
    # no declared cross-border link; land routes join bordering countries (Macau-China)
    assert set(links["kind"]) == {"domestic", "land_route"}
    assert {"CHN-MAC", "ESP-GIB"} <= set(links.loc[links["kind"] == "land_route", "iso3"])


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


def _land_route_pairs_by_simplified_sjoin(
    landing_points, countries, landmass
) -> set[tuple[int, str, str]]:
    """The land borders as found before issue 12's speed-up: outlines simplified to ~200 m,
    a self spatial join within 0.045 degrees, foreign pairs kept within 0.01 degrees.

    Returns ``(landmass group, iso3, iso3)`` for every border between two countries with
    landing points on that landmass (groups numbered as scipy numbers components).
    """
    parts = countries[["iso3", "geometry"]].explode(index_parts=False).reset_index(drop=True)
    parts["landmass"] = parts["iso3"] + ":" + parts.groupby("iso3").cumcount().astype(str)
    parts = parts[parts["iso3"].isin(set(landing_points["iso3"].dropna()))]
    parts = parts.reset_index(drop=True)
    parts = parts.set_geometry(shapely.simplify(parts.geometry.to_numpy(), 0.002))
    near = gpd.sjoin(parts, parts, predicate="dwithin", distance=0.045, how="inner")
    foreign = (near["iso3_left"] != near["iso3_right"]).to_numpy()
    geoms = parts.geometry.to_numpy()
    keep = ~foreign
    keep[foreign] = shapely.dwithin(
        geoms[near.index.to_numpy()[foreign]],
        geoms[near["index_right"].to_numpy()[foreign]],
        0.01,
    )
    near = near[keep]
    left, right = near.index.to_numpy(), near["index_right"].to_numpy()
    n = len(parts)
    _, group = connected_components(
        coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)), directed=False
    )
    group_of = dict(zip(parts["landmass"], group, strict=True))
    iso_of = landing_points.set_index("lp_id")["iso3"]
    with_points = {
        (int(group_of[land]), iso_of[lp])
        for lp, land in landmass.items()
        if isinstance(land, str) and land in group_of
    }
    borders = {
        (int(group[i]), *sorted((a, b)))
        for i, a, b in zip(left, near["iso3_left"], near["iso3_right"], strict=True)
        if a != b
    }
    return {b for b in borders if (b[0], b[1]) in with_points and (b[0], b[2]) in with_points}


def test_land_routes_match_the_simplified_outline_method_on_natural_earth(tg_v3, ne_countries):
    lps = tg_v3.landing_points
    landmass = topology._landmasses(lps, ne_countries, [])
    routes = topology._land_routes(lps, ne_countries, set(), [], landmass)
    reference = _land_route_pairs_by_simplified_sjoin(lps, ne_countries, landmass)
    # the same borders, in the same order (rows come sorted by landmass group, then ISO3)
    assert len(routes) == len(reference) == 144
    assert list(routes["iso3"]) == [f"{a}-{b}" for _, a, b in sorted(reference)]
    assert {"CHN-MAC", "ESP-GIB", "CAN-USA"} <= set(routes["iso3"])
    # each joins the closest pair of landing points of the two countries on that landmass
    iso = lps.set_index("lp_id")["iso3"]
    for u, v, pair in zip(routes["u"], routes["v"], routes["iso3"], strict=True):
        assert f"{iso[u]}-{iso[v]}" == pair
