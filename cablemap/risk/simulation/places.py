"""The places a simulation watches, and the parts of the network that can cut each one off.

A **place** is a country with a submarine path abroad, or a group of landing points joined by
assumed land links (they share their fate). A country is cut off while none of its landing
points reaches another country by sea. A group is watched twice when it lies off its country's
main landmass: *cut off* while it reaches no other country (as its country: so a country is
never cut off without each of its landing points), and *isolated* while it reaches neither
another country nor its main landmass (the definition of
:mod:`cablemap.risk.scenarios.engine`); on the main landmass the two are the same.

What can cut a place off is found once, from the uncut network:

1. its **region**: everything reachable from it without passing a landing point it would be
   glad to reach (a foreign one, or its main landmass), with the place merged into one node
   (0) and those destinations into another (1);
2. the **way out**: the blocks (biconnected components) between nodes 0 and 1 in the block-cut
   tree, in order; every path out passes through each of them, entering and leaving at the
   articulation points between them, and never leaves them. So the place is cut off exactly
   when one of these **parts** is broken between its entry and its exit. Consecutive bridges
   (blocks of one edge) form one part;
3. per part, a **graph** (entry 0, exit 1; chains through nodes of degree two merged into one
   edge, down when any of its segments is) and its **slots**: the segments of each of a
   largest set of edge-disjoint paths from entry to exit (a maximum flow). While one slot has
   no fault, the part is not broken: a cheap test that spares the exact one almost always.

Parts shared by several places (a domestic ring that every island of an archipelago depends
on) are kept once.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from cablemap.risk.network.connectivity import Graph, connected_labels

if TYPE_CHECKING:
    from cablemap.risk.scenarios.engine import ScenarioEngine


@dataclass
class Part:
    """A stretch of a place's way out that breaks as a whole: a block, or a chain of bridges.

    Attributes
    ----------
    graph
        Its graph: entry node 0, exit node 1, chains merged.
    seg_sorted, edge_of_sorted, slot_of_sorted
        The global segments in it (sorted), the edge of :attr:`graph` each belongs to, and the
        slot (disjoint path) each lies on (-1: none).
    slots
        Segments of each of a largest set of edge-disjoint paths from entry to exit.
    """

    graph: Graph
    seg_sorted: np.ndarray
    edge_of_sorted: np.ndarray
    slot_of_sorted: np.ndarray
    slots: list[np.ndarray]


@dataclass
class Place:
    """A country or a group of landing points, and the parts of its way out.

    Attributes
    ----------
    kind
        ``"country"``; ``"landing_point"``: a group cut off when it reaches no other country
        and, off its country's main landmass, not the main landmass either (isolated); or
        ``"abroad"``: a group off the main landmass, cut off when it reaches no other country
        (on the main landmass the two are the same, and only ``"landing_point"`` is kept).
    key
        The ISO3 code, or the group's first landing point.
    members
        The country, or every landing point of the group.
    parts
        Indices of its :class:`Part` objects (shared between places).
    off_main
        A landing-point group off its country's main landmass.
    with_places
        Places (indices) whose cut-off intervals count as this place's too.
    gate
        A place (index) outside whose cut-off years this place's own parts cannot matter
        (they are then checked only in those years); -1: checked every year.
    """

    kind: Literal["country", "landing_point", "abroad"]
    key: str
    members: list[str]
    parts: list[int]
    off_main: bool = False
    with_places: tuple[int, ...] = ()
    gate: int = -1


def graph_of(n_nodes: int, eu: np.ndarray, ev: np.ndarray) -> Graph:
    """Wrap edge arrays in a bare :class:`~cablemap.risk.network.connectivity.Graph`."""
    return Graph(
        [str(i) for i in range(n_nodes)],
        np.zeros(0, dtype=np.int64),
        [],
        np.zeros(0, dtype=np.int64),
        [],
        np.asarray(eu, dtype=np.int64),
        np.asarray(ev, dtype=np.int64),
    )


def disjoint_paths(n_nodes: int, eu: np.ndarray, ev: np.ndarray) -> list[np.ndarray]:
    """Edge-disjoint paths from node 0 to node 1, as many as there are (a maximum flow).

    Augmenting paths by breadth-first search on the residual graph of the undirected edges
    (each usable once, in either direction); the paths are then read off the flow (a path may
    pass a cycle of the flow: still a way from 0 to 1).

    Parameters
    ----------
    n_nodes
        Nodes are ``0 .. n_nodes - 1``.
    eu, ev
        The undirected edges (parallel edges allowed).

    Returns
    -------
    list of ndarray
        The edge indices of each path.
    """
    incident: list[list[int]] = [[] for _ in range(n_nodes)]
    ends = list(zip(eu.tolist(), ev.tolist(), strict=True))
    for e, (a, b) in enumerate(ends):
        incident[a].append(e)
        incident[b].append(e)
    flow = [0] * len(ends)  # +1: carried from eu to ev, -1: from ev to eu

    def step(e: int, node: int) -> tuple[int, int]:
        """Return the far end of edge e from node, and the sign of a flow going that way."""
        a, b = ends[e]
        return (b, 1) if a == node else (a, -1)

    while True:
        parent: dict[int, tuple[int, int]] = {0: (-1, -1)}
        queue = deque([0])
        while queue and 1 not in parent:
            node = queue.popleft()
            for e in incident[node]:
                nxt, sign = step(e, node)
                if nxt not in parent and flow[e] != sign:  # room left in this direction
                    parent[nxt] = (node, e)
                    queue.append(nxt)
        if 1 not in parent:
            break
        node = 1
        while node != 0:
            prev, e = parent[node]
            flow[e] += 1 if ends[e][0] == prev else -1
            node = prev
    paths = []
    used = [f != 0 for f in flow]
    while True:
        path, node = [], 0
        while node != 1:
            carried = next(
                (e for e in incident[node] if used[e] and step(e, node)[1] == flow[e]), None
            )
            if carried is None:
                break
            used[carried] = False
            path.append(carried)
            node = step(carried, node)[0]
        if node != 1:
            break
        paths.append(np.array(path, dtype=np.int64))
    return paths


def _series(
    edges: list[tuple[int, int, tuple[int, ...]]],
) -> list[tuple[int, int, tuple[int, ...]]]:
    """Bypass every node but 0 and 1 that has exactly two edges (and drop dead ends)."""
    edges = list(edges)
    while True:
        incident: dict[int, list[int]] = defaultdict(list)
        for k, (a, b, _) in enumerate(edges):
            incident[a].append(k)
            incident[b].append(k)
        node = next((n for n, ks in incident.items() if n not in (0, 1) and len(ks) <= 2), None)
        if node is None:
            return edges
        ks = incident[node]
        ends = [a if b == node else b for a, b, _ in (edges[k] for k in ks)]
        merged = tuple(sorted({s for k in ks for s in edges[k][2]}))
        edges = [e for k, e in enumerate(edges) if k not in ks]
        if len(ks) == 2 and ends[0] != ends[1]:
            edges.append((ends[0], ends[1], merged))
        # one edge (a dead end) or two to the same node (a loop): they can never matter


def _way_out(n_nodes: int, eu: np.ndarray, ev: np.ndarray) -> list[tuple[list[int], int, int]]:
    """List the parts between nodes 0 and 1: (local edges, entry node, exit node), in order."""
    simple = nx.Graph()
    simple.add_nodes_from(range(n_nodes))
    simple.add_edges_from(zip(eu.tolist(), ev.tolist(), strict=True))
    blocks = [frozenset(b) for b in nx.biconnected_components(simple)]
    cut_points = set(nx.articulation_points(simple))
    of_node: dict[int, list[int]] = defaultdict(list)
    for i, block in enumerate(blocks):
        for v in block:
            of_node[v].append(i)
    edge_block = np.array(
        [next(i for i in of_node[a] if b in blocks[i]) for a, b in zip(eu, ev, strict=True)],
        dtype=np.int64,
    )
    tree = nx.Graph()
    for i, block in enumerate(blocks):
        tree.add_node(("b", i))
        tree.add_edges_from((("b", i), ("c", v)) for v in block & cut_points)

    def at(v: int) -> tuple[str, int]:
        return ("c", v) if v in cut_points else ("b", of_node[v][0])

    route = nx.shortest_path(tree, at(0), at(1))
    steps: list[tuple[int, int, int]] = []  # (block, entry, exit)
    entry = 0
    for k, (kind, i) in enumerate(route):
        if kind == "b":
            exit_ = route[k + 1][1] if k + 1 < len(route) else 1
            steps.append((i, entry, exit_))
        else:
            entry = i
    parts: list[tuple[list[int], int, int]] = []
    chain: list[bool] = []  # whether each part is a chain of bridges
    for index, entry, exit_ in steps:
        edges = np.flatnonzero(edge_block == index).tolist()
        bridge = len(edges) == 1
        if bridge and chain and chain[-1]:
            parts[-1] = ([*parts[-1][0], *edges], parts[-1][1], exit_)
        else:
            parts.append((edges, entry, exit_))
            chain.append(bridge)
    return parts


def _build_part(  # noqa: PLR0917 - one part of one place's local graph
    local_edges: list[int],
    entry: int,
    exit_: int,
    eu: np.ndarray,
    ev: np.ndarray,
    edge_seg: np.ndarray,
) -> Part:
    nodes = sorted({int(v) for e in local_edges for v in (eu[e], ev[e])} - {entry, exit_})
    number = {entry: 0, exit_: 1, **{v: i + 2 for i, v in enumerate(nodes)}}
    p_eu = np.array([number[int(eu[e])] for e in local_edges], dtype=np.int64)
    p_ev = np.array([number[int(ev[e])] for e in local_edges], dtype=np.int64)
    segs = edge_seg[local_edges]
    slots = [np.unique(segs[p][segs[p] >= 0]) for p in disjoint_paths(len(number), p_eu, p_ev)]
    reduced = _series(
        [
            (int(a), int(b), (int(s),) if s >= 0 else ())
            for a, b, s in zip(p_eu, p_ev, segs, strict=True)
        ]
    )
    used = sorted({v for a, b, _ in reduced for v in (a, b)} | {0, 1})
    renumber = {v: i for i, v in enumerate(used)}
    graph = graph_of(
        len(used),
        np.array([renumber[a] for a, _, _ in reduced], dtype=np.int64),
        np.array([renumber[b] for _, b, _ in reduced], dtype=np.int64),
    )
    seg_edge = {s: k for k, (_, _, ss) in enumerate(reduced) for s in ss}
    seg_slot = {int(s): k for k, slot in enumerate(slots) for s in slot}
    seg_sorted = np.array(sorted(set(seg_edge) | set(seg_slot)), dtype=np.int64)
    return Part(
        graph,
        seg_sorted,
        np.array([seg_edge.get(int(s), -1) for s in seg_sorted], dtype=np.int64),
        np.array([seg_slot.get(int(s), -1) for s in seg_sorted], dtype=np.int64),
        slots,
    )


def _region(adj: sp.csr_matrix, sources: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Nodes reachable from ``sources`` without leaving a ``stop`` node (which are included)."""
    seen = np.zeros(adj.shape[0], dtype=bool)
    seen[sources] = True
    queue = deque(int(s) for s in sources)
    indptr, indices = adj.indptr, adj.indices
    while queue:
        node = queue.popleft()
        if stop[node]:
            continue
        for nxt in indices[indptr[node] : indptr[node + 1]]:
            if not seen[nxt]:
                seen[nxt] = True
                queue.append(int(nxt))
    return np.flatnonzero(seen)


class _Builder:
    """Collects places and their (shared) parts."""

    def __init__(self, graph: Graph, active: np.ndarray, n_seg: int) -> None:
        self.graph = graph
        self.active = active
        self.n_seg = n_seg
        idx = np.flatnonzero(active)
        n = len(graph.nodes)
        both_u = np.concatenate([graph.eu[idx], graph.ev[idx]])
        both_v = np.concatenate([graph.ev[idx], graph.eu[idx]])
        self.adj = sp.csr_matrix((np.ones(len(both_u)), (both_u, both_v)), shape=(n, n))
        self.parts: list[Part] = []
        self.known: dict[tuple[object, ...], int] = {}
        self.places: list[Place] = []

    def add(  # noqa: PLR0917 - one place's description
        self,
        kind: Literal["country", "landing_point", "abroad"],
        key: str,
        members: list[str],
        sources: np.ndarray,
        good: np.ndarray,
        good_key: tuple[object, ...],
        *,
        off_main: bool = False,
        keep_empty: bool = False,
    ) -> None:
        g = self.graph
        region = _region(self.adj, sources, good)
        local = np.full(len(g.nodes), -1, dtype=np.int64)
        inner = region[~np.isin(region, sources) & ~good[region]]
        local[sources] = 0
        local[region[good[region]]] = 1
        local[inner] = np.arange(2, 2 + len(inner))
        edges = np.flatnonzero(self.active & (local[g.eu] >= 0) & (local[g.ev] >= 0))
        eu, ev = local[g.eu[edges]], local[g.ev[edges]]
        keep = eu != ev
        edges, eu, ev = edges[keep], eu[keep], ev[keep]
        n_nodes = 2 + len(inner)
        whole = graph_of(n_nodes, eu, ev)
        if connected_labels(whole, np.ones((len(eu), 1), dtype=bool))[1, 0] != 0:
            return  # cut off without any fault: reported apart by the caller
        edge_seg = np.where(edges < self.n_seg, edges, -1)
        global_node = np.concatenate([[-1, -1], inner])
        part_ids = []
        for local_edges, entry, exit_ in _way_out(n_nodes, eu, ev):
            if not (edge_seg[local_edges] >= 0).any():
                continue  # joined by land links alone: never broken
            ident = tuple(
                ("place", kind, key) if v == 0 else good_key if v == 1 else int(global_node[v])
                for v in (entry, exit_)
            )
            part_key = (*ident, *sorted(int(e) for e in edges[local_edges]))
            if part_key not in self.known:
                self.known[part_key] = len(self.parts)
                self.parts.append(_build_part(local_edges, entry, exit_, eu, ev, edge_seg))
            part_ids.append(self.known[part_key])
        if part_ids or keep_empty:
            self.places.append(Place(kind, key, members, part_ids, off_main))


def watched_places(
    engine: ScenarioEngine, active: np.ndarray
) -> tuple[list[Place], list[Part], list[str]]:
    """Every country with a path abroad and every landing-point group not already cut off.

    Parameters
    ----------
    engine
        The prepared network.
    active
        Which undirected edges of ``engine.graph`` exist (the active cables and land links).

    Returns
    -------
    tuple
        The places (countries first), their parts, and the countries without any path abroad.
    """
    g = engine.graph
    n_seg = len(engine.network.segments)
    builder = _Builder(g, active, n_seg)
    n_nodes = len(g.nodes)
    node_country = np.full(n_nodes, -1, dtype=np.int64)
    node_country[g.lp_index] = g.lp_country
    is_lp = np.zeros(n_nodes, dtype=bool)
    is_lp[g.lp_index] = True
    unconnected = []
    for ci, iso in enumerate(g.countries):
        if engine.base_reach[ci] == 0:
            unconnected.append(iso)
            continue
        sources = g.lp_index[g.lp_country == ci]
        good = is_lp & (node_country >= 0) & (node_country != ci)
        builder.add("country", iso, [iso], sources, good, ("good", ci, "abroad"))
    land = np.arange(n_seg, g.n_edges)
    land = land[active[land]]
    land_graph = sp.csr_matrix((np.ones(len(land)), (g.eu[land], g.ev[land])), (n_nodes, n_nodes))
    _, land_comp = csgraph.connected_components(land_graph, directed=False)
    main_node, on_main = engine.main_landmass
    cut_before = engine.lp_isolated(active[:, None])[:, 0]
    groups: dict[int, list[int]] = defaultdict(list)
    for i, node in enumerate(g.lp_index):
        if g.lp_country[i] >= 0 and not cut_before[i]:
            groups[int(land_comp[node])].append(i)
    isolated: dict[int, int] = {}  # land component -> its landing-point place
    off: list[tuple[int, list[int]]] = []
    for comp in sorted(groups):
        lps = groups[comp]
        ci = int(g.lp_country[lps[0]])
        good = is_lp & (node_country >= 0) & (node_country != ci)
        good_key: tuple[object, ...] = ("good", ci, "abroad")
        if not on_main[lps[0]]:
            good = good | (land_comp == land_comp[main_node[ci]])
            good_key = ("good", ci, "abroad or main landmass")
            off.append((comp, lps))
        members = [g.lp_ids[i] for i in lps]
        before = len(builder.places)
        builder.add(
            "landing_point",
            members[0],
            members,
            g.lp_index[lps],
            good,
            good_key,
            off_main=not on_main[lps[0]],
        )
        if len(builder.places) > before:
            isolated[comp] = before
    for comp, lps in off:
        _add_abroad(builder, lps, isolated, comp, groups, land_comp, main_node)
    return builder.places, builder.parts, unconnected


def _add_abroad(  # noqa: PLR0917 - one group and the maps of the others
    builder: _Builder,
    lps: list[int],
    isolated: dict[int, int],
    comp: int,
    groups: dict[int, list[int]],
    land_comp: np.ndarray,
    main_node: np.ndarray,
) -> None:
    """Watch a group off its main landmass for being cut off from abroad.

    Cut off from abroad, a group is isolated or reaches only its main landmass, which is then
    cut off from abroad too. So where every way abroad crosses the main landmass, the group is
    cut off exactly while it is isolated or the main landmass is cut off (no part of its own).
    Otherwise (Nuku'alofa: a cable of its own abroad) its own way out is found, and checked
    only in the years the main landmass is cut off (in the others it is cut off while isolated).
    """
    g = builder.graph
    ci = int(g.lp_country[lps[0]])
    abroad = np.zeros(len(g.nodes), dtype=bool)
    abroad[g.lp_index] = (g.lp_country >= 0) & (g.lp_country != ci)
    main_comp = int(land_comp[main_node[ci]])
    on_main_land = land_comp == main_comp
    members = [g.lp_ids[i] for i in lps]
    reached = _region(builder.adj, g.lp_index[lps], abroad | on_main_land)
    iso = (isolated[comp],) if comp in isolated else ()
    main = isolated.get(main_comp)
    if not abroad[reached].any():
        # every way abroad crosses the main landmass: cut off exactly while isolated or while
        # the main landmass is cut off
        if main_comp in groups:
            with_places = (*iso, *((main,) if main is not None else ()))
            builder.places.append(
                Place("abroad", members[0], members, [], True, with_places=with_places)
            )
        return  # else the main landmass itself never reaches abroad
    if main_comp in groups and main is None:
        # the main landmass is never cut off: neither is the group while it reaches it
        builder.places.append(Place("abroad", members[0], members, [], True, with_places=iso))
        return
    before = len(builder.places)
    builder.add(
        "abroad",
        members[0],
        members,
        g.lp_index[lps],
        abroad,
        ("good", ci, "abroad"),
        off_main=True,
        keep_empty=True,
    )
    if len(builder.places) > before:
        # cut off while not isolated means reaching only the main landmass, which is then cut
        # off too: outside the main landmass's cut-off years, cut off = isolated
        place = builder.places[before]
        place.with_places = iso
        place.gate = main if main is not None else -1
