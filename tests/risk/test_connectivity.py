"""Batched connectivity against networkx, on seeded random graphs with many scenario columns."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from cablemap.risk.network.connectivity import Graph, connected_labels, country_reach, subgraph


def _random_graph(rng: np.random.Generator, n_nodes: int, n_edges: int) -> Graph:
    """Return a random multigraph with repeated edges and self-loops.

    Every third node is a landing point, in one of five countries or in none.
    """
    eu = rng.integers(0, n_nodes, n_edges)
    ev = rng.integers(0, n_nodes, n_edges)
    lp_index = np.arange(0, n_nodes, 3)
    countries = ["AAA", "BBB", "CCC", "DDD", "EEE"]
    lp_country = rng.integers(-1, len(countries), len(lp_index))
    return Graph(
        [f"n{i}" for i in range(n_nodes)],
        lp_index,
        [f"lp{i}" for i in lp_index],
        lp_country,
        countries,
        eu,
        ev,
    )


def _nx_components(graph: Graph, active: np.ndarray) -> list[set[int]]:
    g = nx.MultiGraph()
    g.add_nodes_from(range(len(graph.nodes)))
    g.add_edges_from(zip(graph.eu[active], graph.ev[active], strict=True))
    return [set(c) for c in nx.connected_components(g)]


CASES = [
    # (seed, nodes, edges): sparse (many components), near the giant-component threshold, dense
    (1, 60, 25),
    (2, 200, 100),
    (3, 200, 400),
    (4, 500, 260),
    (5, 30, 200),
]


@pytest.mark.parametrize(("seed", "n_nodes", "n_edges"), CASES)
def test_connected_labels_equal_networkx(seed, n_nodes, n_edges):
    rng = np.random.default_rng(seed)
    graph = _random_graph(rng, n_nodes, n_edges)
    k = 7
    active = rng.random((n_edges, k)) < np.linspace(0.1, 1.0, k)  # column j keeps ~share_j
    active[:, 0] = False  # every edge cut
    labels = connected_labels(graph, active)
    assert labels.shape == (n_nodes, k) and labels.dtype == np.int64
    n_components = []
    for j in range(k):
        comps = _nx_components(graph, active[:, j])
        n_components.append(len(comps))
        expected = np.empty(n_nodes, dtype=np.int64)
        for comp in comps:
            expected[list(comp)] = min(comp)  # the label is the smallest node index
        np.testing.assert_array_equal(labels[:, j], expected, err_msg=f"scenario {j}")
    assert n_components[0] == n_nodes  # nothing joined when every edge is cut
    assert len(set(n_components)) > 1, "the columns should differ"


def test_columns_are_independent():
    rng = np.random.default_rng(11)
    graph = _random_graph(rng, 150, 160)
    active = rng.random((160, 5)) < 0.6
    together = connected_labels(graph, active)
    for j in range(5):
        alone = connected_labels(graph, active[:, [j]])
        np.testing.assert_array_equal(together[:, j], alone[:, 0])


def test_graph_without_edges():
    no_edges = np.zeros(0, np.int64)
    graph = Graph(
        ["a", "b", "c"],
        np.array([0, 2]),
        ["a", "c"],
        np.array([0, 1]),
        ["X", "Y"],
        no_edges,
        no_edges,
    )
    assert graph.n_edges == 0 and len(graph.src) == len(graph.starts) == 0
    labels = connected_labels(graph, np.zeros((0, 2), dtype=bool))
    np.testing.assert_array_equal(labels, [[0, 0], [1, 1], [2, 2]])
    reach, pairs = country_reach(graph, labels[graph.lp_index])
    assert reach.tolist() == [[0, 0], [0, 0]] and pairs.tolist() == [0, 0]


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_country_reach_equals_networkx(seed):
    rng = np.random.default_rng(seed)
    graph = _random_graph(rng, 120, 90)
    active = rng.random((90, 4)) < 0.7
    reach, pairs = country_reach(graph, connected_labels(graph, active)[graph.lp_index])
    n_c = len(graph.countries)
    for j in range(4):
        linked = np.zeros((n_c, n_c), dtype=bool)
        for comp in _nx_components(graph, active[:, j]):
            present = {
                int(c)
                for node, c in zip(graph.lp_index, graph.lp_country, strict=True)
                if node in comp and c >= 0
            }
            for a, b in itertools.permutations(present, 2):
                linked[a, b] = True
        np.testing.assert_array_equal(reach[:, j], linked.sum(axis=1))
        assert pairs[j] == linked.sum() // 2


def test_subgraph_keeps_the_labels_of_its_components():
    rng = np.random.default_rng(31)
    graph = _random_graph(rng, 200, 120)
    active = np.ones((graph.n_edges, 1), dtype=bool)
    labels = connected_labels(graph, active)[:, 0]
    # keep a few whole components: nothing inside them is cut off by the restriction
    keep_labels = np.unique(labels)[::3]
    keep = np.flatnonzero(np.isin(labels, keep_labels))
    sub, edges, lps = subgraph(graph, keep)
    assert sub.nodes == [graph.nodes[i] for i in keep]
    assert sub.lp_ids == [graph.lp_ids[i] for i in lps]
    np.testing.assert_array_equal(np.asarray(keep)[sub.lp_index], graph.lp_index[lps])
    np.testing.assert_array_equal(keep[sub.eu], graph.eu[edges])
    np.testing.assert_array_equal(keep[sub.ev], graph.ev[edges])
    sub_labels = connected_labels(sub, np.ones((sub.n_edges, 1), dtype=bool))[:, 0]
    # same partition; labels are the smallest (renumbered) member, and renumbering keeps order
    np.testing.assert_array_equal(keep[sub_labels], labels[keep])
