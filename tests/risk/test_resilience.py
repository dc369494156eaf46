"""Exact resilience: min-cut over whole cables, checked against brute force and real cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cablemap as cm
from cablemap.risk.network.connectivity import Graph, connected_labels
from cablemap.risk.network.resilience import hypergraph_from_graph, resilience

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


def _random_network(seed: int) -> tuple[Graph, np.ndarray, list[str]]:
    """Islands (one landing point each, some countries with two) joined by multi-segment cables."""
    rng = np.random.default_rng(seed)
    n_lp = 9
    countries = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    lp_country = np.array([0, 0, 1, 2, 3, 3, 4, 5, 5])
    nodes = [f"lp{i}" for i in range(n_lp)] + [f"bu{i}" for i in range(4)]
    eu, ev, seg_cables = [], [], []
    for c in range(rng.integers(5, 9)):
        # a cable: a chain through 2-3 landing points, sometimes via a branching unit
        stops = rng.choice(n_lp, size=rng.integers(2, 4), replace=False).tolist()
        if rng.random() < 0.4:
            stops.insert(1, n_lp + int(rng.integers(0, 4)))
        for a, b in itertools.pairwise(stops):
            eu.append(a)
            ev.append(b)
            seg_cables.append(f"c{c}")
    # one land link: the two landing points of AAA
    eu.append(0)
    ev.append(1)
    graph = Graph(
        nodes,
        np.arange(n_lp),
        [f"lp{i}" for i in range(n_lp)],
        lp_country,
        countries,
        np.array(eu),
        np.array(ev),
    )
    return graph, np.array(seg_cables), countries


def _brute_force(graph: Graph, seg_cables: np.ndarray, iso: str, hubs: list[str]) -> int | None:
    """Smallest number of cables whose removal leaves ``iso`` no path to the hubs."""
    cables = sorted(set(seg_cables))
    ci = graph.countries.index(iso)
    own = graph.lp_index[graph.lp_country == ci]
    sinks = graph.lp_index[np.isin(graph.lp_country, [graph.countries.index(h) for h in hubs])]
    n_seg = len(seg_cables)
    for k in range(len(cables) + 1):
        subsets = list(itertools.combinations(cables, k))
        active = np.ones((graph.n_edges, len(subsets)), dtype=bool)
        for j, subset in enumerate(subsets):
            active[:n_seg, j] = ~np.isin(seg_cables, subset)
        labels = connected_labels(graph, active)
        for j in range(len(subsets)):
            if not np.isin(labels[own, j], labels[sinks, j]).any():
                return k
    return None  # land-linked: no set of cables cuts it off


@pytest.mark.parametrize("seed", range(25))
def test_min_cut_equals_brute_force(seed):
    graph, seg_cables, countries = _random_network(seed)
    hubs = ["FFF"]
    res = resilience(hypergraph_from_graph(graph, seg_cables), hubs)
    for iso in countries:
        if iso in hubs:
            continue
        got = res.countries[iso]["min_cut"]
        assert got == _brute_force(graph, seg_cables, iso, hubs), (seed, iso)
        if got:  # the reported set of cables does cut it off
            cut = res.countries[iso]["cut"]
            assert len(cut) == got
            active = np.ones((graph.n_edges, 1), dtype=bool)
            active[: len(seg_cables), 0] = ~np.isin(seg_cables, cut)
            labels = connected_labels(graph, active)[:, 0]
            own = graph.lp_index[graph.lp_country == countries.index(iso)]
            sinks = graph.lp_index[graph.lp_country == countries.index("FFF")]
            assert not np.isin(labels[own], labels[sinks]).any()


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def engine(v3_analysis) -> cm.ScenarioEngine:
    return v3_analysis.engine


def test_real_cases(engine):
    res = engine.resilience()
    assert res.countries["TON"] == {"min_cut": 1, "cut": ["tonga-cable"], "status": "single_cable"}
    # Niue's only cable, Manatua, also carries the Cook Islands: one cable cuts both off
    assert res.countries["NIU"]["cut"] == ["manatua"] == res.countries["COK"]["cut"]
    assert res.landing_points["nukualofa-tonga"]["min_cut"] == 1
    # Macau: SeaMeWe-3 and its cited land link to China (capacity not public: 0.5 cable
    # equivalents), cut together
    assert res.countries["MAC"]["min_cut"] == 1.5
    assert set(res.countries["MAC"]["cut"]) == {"seamewe-3", "CHN-MAC:1"}
    assert res.countries["FJI"]["min_cut"] >= 3
    assert len(res.hubs) == 10 and "SGP" in res.hubs and "USA" in res.hubs


def test_min_cut_covers_every_country_and_landing_point(engine):
    """Every country and landing point of the 2022 release (time: benchmarks/bench_resilience)."""
    res = engine.resilience()
    assert len(res.landing_points) > 1000 and len(res.countries) > 150


def test_critical_pairs_agree_with_single_runs(engine):
    pairs = engine.sweep_pairs()
    top = pairs.iloc[0]
    assert top["countries_cut"] >= 2
    comoros = pairs[pairs["countries"].map(lambda cs: "COM" in cs)].iloc[0]
    assert {comoros["cable_a"], comoros["cable_b"]} == {
        "eastern-africa-submarine-system-eassy",
        "lower-indian-ocean-network-2-lion2",
    }
    # neither cable alone cuts Comoros off; both together do
    for cables in ([comoros["cable_a"]], [comoros["cable_b"]]):
        assert "COM" not in engine.run(cables=cables).isolated_countries
    both = engine.run(cables=[comoros["cable_a"], comoros["cable_b"]])
    # cut off from the global network: Comoros still reaches Mayotte (on the same two cables),
    # so it is not "isolated" in the scenario sense, but reaches nothing beyond
    com = both.countries.set_index("iso3").loc["COM"]
    assert com["reachable_before"] > 100 and com["reachable_after"] <= 1


def test_scores_use_exact_resilience_and_list_unconnected(v3_scores):
    c = v3_scores.countries.set_index("iso3")
    assert c.at["TON", "redundancy_cables"] == 1
    assert c.at["TLS", "status"] == "unconnected"
    assert c.at["TLS", "international_cables"] == 0
    assert c.at["TLS", "fragility"] == 1.0
    assert c.at["TLS", "dcs_priority"] > 0
    assert c.at["TUV", "status"] == "unconnected"  # no landing point at all in 2022
    region = set(v3_scores.model.region.countries)
    assert region <= set(c.index)
