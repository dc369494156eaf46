"""The vectorised betweenness equals brute-force counting of shortest country-to-country paths."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest

from cablemap.risk.network.centrality import (
    cable_hop_edges,
    country_betweenness,
    normalized_betweenness,
)
from cablemap.risk.scoring.components import compute_facts


def _brute_force(edges, lp_iso3):
    graph = nx.Graph()
    graph.add_nodes_from(lp_iso3)
    graph.add_edges_from(edges)
    countries = sorted(set(lp_iso3.values()))
    for lp, iso in lp_iso3.items():
        graph.add_edge(f"country:{iso}", lp)
    through = dict.fromkeys(lp_iso3, 0.0)
    for a, b in itertools.combinations(countries, 2):
        g = graph.copy()
        g.remove_nodes_from(f"country:{c}" for c in countries if c not in (a, b))
        try:
            paths = list(nx.all_shortest_paths(g, f"country:{a}", f"country:{b}"))
        except nx.NetworkXNoPath:
            continue
        for path in paths:
            for node in path[1:-1]:
                through[node] += 1 / len(paths)
    return through


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force(seed):
    graph = nx.gnm_random_graph(40, 60, seed=seed)
    lps = [f"p{i:02d}" for i in graph.nodes]
    edges = {tuple(sorted((lps[a], lps[b]))) for a, b in graph.edges}
    # countries of one to three landing points: country nodes must never act as shortcuts
    lp_iso3 = {lp: f"C{i // (1 + seed % 3)}" for i, lp in enumerate(lps)}
    mine = country_betweenness(edges, lp_iso3)
    ref = _brute_force(edges, lp_iso3)
    assert mine == pytest.approx(ref, abs=1e-9)
    assert sum(mine.values()) > 0


def test_cable_hops_contract_branching_units():
    segments = pd.DataFrame(
        {"cable_id": ["c"] * 4, "u": ["a", "b", "bu", "c"], "v": ["bu", "bu", "d", "d"]}
    )
    # a and b meet at a branching unit joined to d; d continues to c (a festoon hop)
    assert cable_hop_edges(segments, {"a", "b", "c", "d"}) == {
        ("a", "b"),
        ("a", "d"),
        ("b", "d"),
        ("c", "d"),
    }


def test_normalized_betweenness_is_networkx_to_the_last_bit(sample, sample_scores):
    # the sample's country graph: countries joined by an international cable
    facts = compute_facts(sample, sample_scores.model, sample_scores.network)
    graph = nx.Graph()
    for countries in facts.cables.loc[facts.cables["international"], "countries"]:
        graph.add_edges_from(itertools.combinations(countries, 2))
    assert graph.number_of_nodes() > 30
    ours = normalized_betweenness({v: list(graph[v]) for v in graph})
    theirs = nx.betweenness_centrality(graph, normalized=True)
    assert list(ours) == list(theirs)
    assert all(ours[v] == theirs[v] for v in theirs)  # equal floats, not approximately
    assert max(ours.values()) > 0
    # a path graph: the middle node carries every pair's path
    assert normalized_betweenness({"a": ["b"], "b": ["a", "c"], "c": ["b"]}) == {
        "a": 0.0,
        "b": 1.0,
        "c": 0.0,
    }
