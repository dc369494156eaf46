"""Connectivity of the segment graph under many scenarios at once, in pure numpy.

The graph is held as edge arrays (:class:`Graph`): undirected edges (segments first, in
segment order, then terrestrial links) and both directions of each, sorted by target. A
scenario is a boolean column saying which undirected edges it keeps; :func:`connected_labels`
labels the connected components of every scenario at once by min-label propagation with
pointer jumping (no graph copies), and :func:`country_reach` turns the labels of the landing
points into the foreign countries each country reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.network.topology import Network


@dataclass
class Graph:
    """Edge arrays of the segment graph, ready for batched connectivity.

    Built from the nodes, the landing points and the undirected edges; the directed arrays
    (``src``, ``dst``, ``edge_of``, ``starts``) are derived on construction.

    Attributes
    ----------
    nodes
        Node ids; a node is referred to by its position here.
    lp_index, lp_ids, lp_country
        Per landing point: its node index, its id, and its country's index in ``countries``
        (-1 if unknown).
    countries
        ISO3 codes, sorted.
    eu, ev
        Undirected edges (node indices); from a network, its segments first (in segment
        order), then its terrestrial links.
    land_kind, land_link, land_weight
        Per terrestrial link (the edges after the segments): its kind (``domestic``,
        ``cross_border``, ``land_link``), the cited link's id (``""`` otherwise) and its weight
        in cable equivalents (NaN for links assumed unlimited).
    anchor_index, anchor_country
        Country nodes of countries without a landing point (``country:<ISO3>``, joined by
        cited land links only): node indices and country indices.
    src, dst, edge_of, starts
        Both directions of every edge, sorted by ``dst``; the undirected edge of each; and
        where each run of one ``dst`` starts (for ``np.minimum.reduceat``).
    """

    nodes: list[str]
    lp_index: np.ndarray
    lp_ids: list[str]
    lp_country: np.ndarray
    countries: list[str]
    eu: np.ndarray
    ev: np.ndarray
    land_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    land_link: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    land_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    anchor_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    anchor_country: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    src: np.ndarray = field(init=False, repr=False)
    dst: np.ndarray = field(init=False, repr=False)
    edge_of: np.ndarray = field(init=False, repr=False)
    starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Derive both directions of every edge, sorted by target, with reduceat starts."""
        n = len(self.eu)
        src = np.concatenate([self.eu, self.ev])
        dst = np.concatenate([self.ev, self.eu])
        edge_of = np.concatenate([np.arange(n), np.arange(n)])
        order = np.argsort(dst, kind="stable")
        self.src, self.dst, self.edge_of = src[order], dst[order], edge_of[order]
        self.starts = (
            np.flatnonzero(np.r_[True, self.dst[1:] != self.dst[:-1]])
            if len(self.dst)
            else np.zeros(0, np.int64)
        )

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return len(self.eu)

    @property
    def member_index(self) -> np.ndarray:
        """Nodes that stand for a country: its landing points, then the country nodes."""
        return np.concatenate([self.lp_index, self.anchor_index])

    @property
    def member_country(self) -> np.ndarray:
        """The country index of each of :attr:`member_index` (-1 where unknown)."""
        return np.concatenate([self.lp_country, self.anchor_country])


def graph_from_network(network: Network, layers: Layers) -> Graph:
    """Edge arrays of a segment graph: its segments, then its terrestrial links.

    Parameters
    ----------
    network
        The segment graph (:func:`cablemap.risk.network.topology.build_network`).
    layers
        The layers it was built from; their landing points (and countries) are indexed.

    Returns
    -------
    Graph
        Nodes in the network's order; landing points and countries (sorted ISO3) indexed.
    """
    nodes = list(network.nodes["node_id"])
    index = {n: i for i, n in enumerate(nodes)}
    seg = network.segments
    terr = network.terrestrial
    eu = np.array([index[x] for x in [*seg["u"], *terr["u"]]], dtype=np.int64)
    ev = np.array([index[x] for x in [*seg["v"], *terr["v"]]], dtype=np.int64)
    lps = layers.landing_points
    kinds = network.nodes["kind"].to_numpy()
    anchors = np.flatnonzero(kinds == "country")
    anchor_iso = [str(network.nodes["iso3"].iloc[i]) for i in anchors]
    countries = sorted({str(c) for c in lps["iso3"].dropna()} | set(anchor_iso))
    c_index = {c: i for i, c in enumerate(countries)}
    n_land = len(terr)
    link = terr["link_id"] if "link_id" in terr.columns else pd.Series([None] * n_land)
    weight = terr["weight"] if "weight" in terr.columns else pd.Series([np.nan] * n_land)
    return Graph(
        nodes,
        np.array([index[x] for x in lps["lp_id"]], dtype=np.int64),
        list(lps["lp_id"]),
        np.array([c_index.get(c, -1) if isinstance(c, str) else -1 for c in lps["iso3"]]),
        countries,
        eu,
        ev,
        land_kind=terr["kind"].to_numpy(dtype=object),
        land_link=np.array([x if isinstance(x, str) else "" for x in link], dtype=object),
        land_weight=pd.to_numeric(weight).to_numpy(dtype=float),
        anchor_index=anchors.astype(np.int64),
        anchor_country=np.array([c_index[c] for c in anchor_iso], dtype=np.int64),
    )


def subgraph(graph: Graph, keep_nodes: np.ndarray) -> tuple[Graph, np.ndarray, np.ndarray]:
    """Restrict a graph to some of its nodes.

    Parameters
    ----------
    graph
        Prepared edge arrays.
    keep_nodes
        Indices of the nodes to keep.

    Returns
    -------
    tuple of (Graph, ndarray, ndarray)
        The subgraph (nodes renumbered in the order of ``keep_nodes``), the positions in
        ``graph`` of its undirected edges, and the positions of its landing points.
    """
    mask = np.zeros(len(graph.nodes), dtype=bool)
    mask[keep_nodes] = True
    new = np.full(len(graph.nodes), -1, dtype=np.int64)
    new[keep_nodes] = np.arange(len(keep_nodes))
    edges = np.flatnonzero(mask[graph.eu] & mask[graph.ev])
    lps = np.flatnonzero(mask[graph.lp_index])
    eu, ev = new[graph.eu[edges]], new[graph.ev[edges]]
    sub = Graph(
        [graph.nodes[i] for i in keep_nodes],
        new[graph.lp_index[lps]],
        [graph.lp_ids[i] for i in lps],
        graph.lp_country[lps],
        graph.countries,
        eu,
        ev,
    )
    return sub, edges, lps


def connected_labels(graph: Graph, active: np.ndarray) -> np.ndarray:
    """Connected-component labels of every node under each scenario.

    Parameters
    ----------
    graph
        Prepared edge arrays.
    active
        Boolean (n_edges, n_scenarios): which undirected edges each scenario keeps.

    Returns
    -------
    ndarray
        Int (n_nodes, n_scenarios): the smallest node index of each node's component.
    """
    n = len(graph.nodes)
    k = active.shape[1]
    labels = np.tile(np.arange(n, dtype=np.int64)[:, None], (1, k))
    if not len(graph.src):
        return labels
    big = np.iinfo(np.int64).max
    edge_active = active[graph.edge_of]  # (2E, k)
    targets = graph.dst[graph.starts]
    cols = np.arange(k)[None, :]
    while True:
        offered = np.where(edge_active, labels[graph.src], big)
        best = np.minimum.reduceat(offered, graph.starts, axis=0)
        updated = labels.copy()
        updated[targets] = np.minimum(labels[targets], best)
        # hook: a root adopts the smaller label offered to any member (keeps the label a node id)
        np.minimum.at(updated, (labels, np.broadcast_to(cols, labels.shape)), updated)
        # compress: pointer jumping until every label is a root
        while True:
            jumped = updated[updated, cols]
            if np.array_equal(jumped, updated):
                break
            updated = jumped
        if np.array_equal(updated, labels):
            return labels
        labels = updated


def country_reach(
    graph: Graph, lp_labels: np.ndarray, member_country: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per scenario: how many foreign countries each country reaches, and connected pairs.

    Parameters
    ----------
    graph
        Prepared edge arrays.
    lp_labels
        Int (n_members, n_scenarios): component labels of the nodes standing for countries
        (rows of :func:`connected_labels` at ``graph.lp_index``, or at
        :attr:`Graph.member_index` to count countries without a landing point too).
    member_country
        The country index of each row of ``lp_labels``; by default ``graph.lp_country``.

    Returns
    -------
    tuple of (ndarray, ndarray)
        Int (n_countries, n_scenarios): foreign countries reachable from each country; and
        int (n_scenarios,): country pairs joined by a path.
    """
    n_c = len(graph.countries)
    k = lp_labels.shape[1]
    reach = np.zeros((n_c, k), dtype=np.int64)
    pairs = np.zeros(k, dtype=np.int64)
    member = graph.lp_country if member_country is None else member_country
    known = member >= 0
    country = member[known]
    for j in range(k):
        labs = lp_labels[known, j]
        comp, comp_idx = np.unique(labs, return_inverse=True)
        incidence = np.zeros((len(comp), n_c), dtype=bool)
        incidence[comp_idx, country] = True
        shared = incidence[incidence.sum(axis=1) >= 2]
        if len(shared):
            linked = (shared.T.astype(np.int32) @ shared.astype(np.int32)) > 0
            np.fill_diagonal(linked, val=False)
            reach[:, j] = linked.sum(axis=1)
            pairs[j] = int(linked.sum() // 2)
    return reach, pairs
