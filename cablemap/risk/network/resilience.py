"""Exact resilience: how many cables must fail before a place is cut off from the global network.

**Cables and cited land links are the units that fail** (a cable is one unit however many
segments it has, of capacity :data:`UNIT`; a cited land link between countries one of the
capacity its class is worth in cable equivalents, ``[land_links.capacity]``); domestic land
links (one landmass) and analysts' declared cross-border links never fail. The segment graph
(:mod:`cablemap.risk.network.topology`) is first contracted along the links that never fail
into *places*; each unit is then a hyperedge joining the places it touches. The exact
resilience of a country or a landing point is the minimum number of cable equivalents whose
joint failure leaves it no path to the
**global network**, a set of *hub* countries (the model's ``[resilience] hubs``, by default the
``hub_count`` countries with most international cables): a max-flow / min-cut on the star
expansion of the hypergraph, where each cable is split into an ``in`` and an ``out`` node joined
by an arc of its capacity and every place-unit arc is uncapacitated (cuts are reported in
cable equivalents). One minimum set of cables is
read off the residual graph.

For a hub country the global network is the *other* hubs. A place joined to a hub by an
unlimited link (an analyst's declared cross-border link) cannot be cut off at all: its
resilience is ``None`` (unbounded).

Max-flow runs in C (``scipy.sparse.csgraph.maximum_flow``, Dinic) once per distinct source on
one sparse matrix per sink; the whole 2022 release (every country and landing point) takes a
fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, maximum_flow

if TYPE_CHECKING:
    from cablemap.risk.network.connectivity import Graph

__all__ = ["CableHypergraph", "Resilience", "hypergraph_from_graph", "pick_hubs", "resilience"]

#: Status of a place by its exact resilience (``None`` = land-linked to the global network).
STATUSES = ("unconnected", "single_cable", "connected", "land_linked", "hub")
#: Capacities are exact integers in hundredths of a cable equivalent.
UNIT = 100


def status_of(min_cut: float | None, *, hub: bool = False) -> str:
    """Name the status of a country or landing point from its exact resilience.

    ``None`` (an unlimited link to the global network) is ``land_linked``; 0 ``unconnected``;
    under 2 cable equivalents ``single_cable`` (one cable, perhaps with a thin land link
    beside it); ``connected`` otherwise. Countries get a finer status from the scores
    (:func:`cablemap.risk.scoring.places.country_status`).
    """
    if hub:
        return "hub"
    if min_cut is None:
        return "land_linked"
    if min_cut == 0:
        return "unconnected"
    return "single_cable" if min_cut < 2 else "connected"


@dataclass
class CableHypergraph:
    """Places (land-contracted nodes) and the cables joining them.

    Attributes
    ----------
    n_places
        Number of places; a place is referred to by its position.
    place_of_node
        Place of every node of the segment graph.
    cables
        Cable ids, one hyperedge each.
    cable_places
        Places each cable touches (sorted, unique).
    lp_ids, lp_place, lp_country
        Per landing point: id, place, country (ISO3 or ``""``).
    countries
        Per ISO3 code: the places of its landing points (or of its country node, for a
        country without a landing point).
    capacity
        Per hyperedge, in cable equivalents (1 for a cable).
    kinds
        Per hyperedge: ``"cable"`` or ``"land_link"``.
    """

    n_places: int
    place_of_node: np.ndarray
    cables: list[str]
    cable_places: list[np.ndarray]
    lp_ids: list[str]
    lp_place: np.ndarray
    lp_country: list[str]
    countries: dict[str, np.ndarray] = field(default_factory=dict)
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kinds: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Every hyperedge without a given capacity is one cable."""
        if len(self.capacity) != len(self.cables):
            self.capacity = np.ones(len(self.cables))
            self.kinds = ["cable"] * len(self.cables)

    def with_cables(self, extra: list[tuple[str, np.ndarray]]) -> CableHypergraph:
        """Return a copy with more cables (id, places); places beyond ``n_places`` are new."""
        n_places = max([self.n_places, *(int(p.max()) + 1 for _, p in extra if len(p))])
        return CableHypergraph(
            n_places,
            self.place_of_node,
            [*self.cables, *(c for c, _ in extra)],
            [*self.cable_places, *(np.unique(p) for _, p in extra)],
            self.lp_ids,
            self.lp_place,
            self.lp_country,
            self.countries,
            np.concatenate([self.capacity, np.ones(len(extra))]),
            [*self.kinds, *(["cable"] * len(extra))],
        )


def hypergraph_from_graph(
    graph: Graph,
    seg_cables: np.ndarray,
    *,
    active: np.ndarray | None = None,
    land: np.ndarray | None = None,
    links: bool = True,
) -> CableHypergraph:
    """Contract a segment graph along its unlimited land links into places joined by units.

    Parameters
    ----------
    graph
        Edge arrays (:func:`cablemap.risk.network.connectivity.graph_from_network`): segments
        first, then land links.
    seg_cables
        Cable id of each segment (the first ``len(seg_cables)`` edges).
    active
        Which edges exist (e.g. only in-service cables); all by default.
    land
        Which of the unlimited land links to contract (e.g. domestic only, for submarine
        paths); all by default. Cited land links (``land_link``) are never contracted.
    links
        Make every active cited land link a hyperedge of its weight (``False``: the sea
        alone).

    Returns
    -------
    CableHypergraph
        Places, and per active cable and cited land link the places it joins.
    """
    n_seg = len(seg_cables)
    n_nodes = len(graph.nodes)
    active = np.ones(graph.n_edges, dtype=bool) if active is None else active
    kind = graph.land_kind if len(graph.land_kind) else np.full(graph.n_edges - n_seg, "")
    cited = np.zeros(graph.n_edges, dtype=bool)
    cited[n_seg:] = kind == "land_link"
    is_land = np.zeros(graph.n_edges, dtype=bool)
    is_land[n_seg:] = True if land is None else land
    contract = active & is_land & ~cited
    adj = sp.coo_matrix(
        (np.ones(int(contract.sum())), (graph.eu[contract], graph.ev[contract])),
        shape=(n_nodes, n_nodes),
    )
    _, place_of_node = connected_components(adj, directed=False)
    seg_live = active[:n_seg]
    cables_live = seg_cables[seg_live]
    ends = np.concatenate([graph.eu[:n_seg][seg_live], graph.ev[:n_seg][seg_live]])
    owners = np.concatenate([cables_live, cables_live])
    order = np.argsort(owners, kind="stable")
    owners, ends = owners[order], place_of_node[ends[order]]
    ids, starts = np.unique(owners, return_index=True)
    groups = np.split(ends, starts[1:]) if len(ids) else []
    names = [str(c) for c in ids]
    places = [np.unique(g) for g in groups]
    capacity = [1.0] * len(names)
    kinds = ["cable"] * len(names)
    if links:
        for i in np.flatnonzero(cited & active):
            j = i - n_seg
            names.append(str(graph.land_link[j]))
            places.append(np.unique(place_of_node[[graph.eu[i], graph.ev[i]]]))
            capacity.append(float(graph.land_weight[j]))
            kinds.append("land_link")
    lp_place = place_of_node[graph.lp_index]
    lp_country = [graph.countries[c] if c >= 0 else "" for c in graph.lp_country]
    countries: dict[str, list[int]] = {}
    for place, iso in zip(lp_place, lp_country, strict=True):
        if iso:
            countries.setdefault(iso, []).append(int(place))
    for node, ci in zip(graph.anchor_index, graph.anchor_country, strict=True):
        countries.setdefault(graph.countries[ci], []).append(int(place_of_node[node]))
    return CableHypergraph(
        n_places=int(place_of_node.max()) + 1 if n_nodes else 0,
        place_of_node=place_of_node,
        cables=names,
        cable_places=places,
        lp_ids=list(graph.lp_ids),
        lp_place=lp_place,
        lp_country=lp_country,
        countries={k: np.unique(v) for k, v in countries.items()},
        capacity=np.asarray(capacity, dtype=float),
        kinds=kinds,
    )


def pick_hubs(
    international_cables: dict[str, int], hubs: list[str] | tuple[str, ...], count: int
) -> list[str]:
    """Pick the hub countries: those given, else the ``count`` with most international cables.

    Parameters
    ----------
    international_cables
        International cables per ISO3 code (cables landing in two or more countries).
    hubs
        Hub countries named in the model; used as given when not empty.
    count
        How many best-connected countries stand for the global network otherwise (ties are
        broken by ISO3 code).

    Returns
    -------
    list of str
        Sorted ISO3 codes.
    """
    if hubs:
        return sorted(hubs)
    ranked = sorted(international_cables, key=lambda c: (-international_cables[c], c))
    return sorted(ranked[:count])


class _FlowGraph:
    """The star expansion of a cable hypergraph with a fixed sink, ready for max-flow.

    Node layout: places ``[0, P)``, cable-in ``[P, P+C)``, cable-out ``[P+C, P+2C)``, one
    source per entry of ``sources`` next, the sink last.
    """

    def __init__(
        self, hyper: CableHypergraph, sink_places: np.ndarray, sources: list[np.ndarray]
    ) -> None:
        p, c = hyper.n_places, len(hyper.cables)
        units = np.rint(hyper.capacity * UNIT).astype(np.int64)
        big = int(units.sum()) + 1
        self.p, self.c = p, c
        self.first_source = p + 2 * c
        self.sink = self.first_source + len(sources)
        n = self.sink + 1
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        caps: list[np.ndarray] = []

        def arcs(u: np.ndarray, v: np.ndarray, cap: int | np.ndarray) -> None:
            rows.append(u)
            cols.append(v)
            caps.append(np.broadcast_to(np.asarray(cap, dtype=np.int32), len(u)).copy())

        lengths = np.array([len(x) for x in hyper.cable_places], dtype=np.int64)
        cable_of = np.repeat(np.arange(c), lengths)
        touched = (
            np.concatenate(hyper.cable_places).astype(np.int64)
            if c
            else np.zeros(0, dtype=np.int64)
        )
        arcs(touched, p + cable_of, big)
        arcs(p + c + cable_of, touched, big)
        arcs(p + np.arange(c), p + c + np.arange(c), units)
        arcs(sink_places.astype(np.int64), np.full(len(sink_places), self.sink), big)
        for i, places in enumerate(sources):
            arcs(np.full(len(places), self.first_source + i), places.astype(np.int64), big)
        r, q, k = np.concatenate(rows), np.concatenate(cols), np.concatenate(caps)
        # reverse arcs with no capacity, so the residual graph has every direction
        self.capacity = sp.csr_matrix(
            (np.concatenate([k, np.zeros(len(k), np.int32)]), (np.r_[r, q], np.r_[q, r])),
            shape=(n, n),
            dtype=np.int32,
        )
        self.capacity.sum_duplicates()
        self.capacity.sort_indices()
        self.sink_places = set(sink_places.tolist())
        self._prepare()

    def _prepare(self) -> None:
        """Index arrays of the capacity matrix and of its transpose (positions into ``data``)."""
        cap = self.capacity
        self.indptr, self.indices = cap.indptr, cap.indices
        n, nnz = cap.shape[0], cap.nnz
        pos = sp.csr_matrix((np.arange(1, nnz + 1), cap.indices, cap.indptr), shape=(n, n))
        t = pos.T.tocsr()
        t.sort_indices()
        self.t_indptr, self.t_indices, self.t_pos = t.indptr, t.indices, t.data - 1

    @staticmethod
    def _reach(
        indptr: np.ndarray, indices: np.ndarray, open_: np.ndarray, start: int
    ) -> np.ndarray:
        """Nodes reachable from ``start`` over positions where ``open_`` is True (BFS)."""
        seen = np.zeros(len(indptr) - 1, dtype=bool)
        seen[start] = True
        frontier = np.array([start])
        while len(frontier):
            lo, hi = indptr[frontier], indptr[frontier + 1]
            counts = hi - lo
            if not counts.sum():
                break
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            positions = np.repeat(lo, counts) + offsets
            nxt = indices[positions[open_[positions]]]
            nxt = np.unique(nxt[~seen[nxt]])
            seen[nxt] = True
            frontier = nxt
        return seen

    def paths(self, source: int) -> list[list[int]]:
        """Return the unit indices along each path of the last flow from ``source``.

        Each path carries the least flow left on it, which is then taken off, so a country
        cut off by two cables has two paths, whatever the capacities' scale.
        """
        left = np.maximum(self.last_flow, 0).astype(np.int64)
        out: list[list[int]] = []
        p, c = self.p, self.c
        while left[self.indptr[source] : self.indptr[source + 1]].sum() > 0:
            node = source
            arcs: list[int] = []
            units: list[int] = []
            while node != self.sink and len(arcs) < len(left):
                lo, hi = self.indptr[node], self.indptr[node + 1]
                k = lo + int(np.argmax(left[lo:hi] > 0))
                if left[k] <= 0:
                    break
                arcs.append(k)
                node = int(self.indices[k])
                if p <= node < p + c:
                    units.append(node - p)
            if not arcs:
                break
            left[arcs] -= int(left[arcs].min())
            out.append(units)
        return out

    def solve(
        self, source: int, *, want_sides: bool = False
    ) -> tuple[int, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Max-flow from ``source`` to the sink.

        Returns the flow value, the indices of the cables of one minimum cut, and (with
        ``want_sides``) masks of the nodes reachable from the source in the residual graph and
        of the nodes that can reach the sink in it.
        """
        result = maximum_flow(self.capacity, source, self.sink, method="dinic")
        value = int(result.flow_value)
        if value == 0 and not want_sides:
            return 0, np.zeros(0, dtype=np.int64), None, None
        # the flow matrix has the capacity matrix's structure (every reverse arc is present)
        open_ = (self.capacity.data - result.flow.data) > 0
        reach = self._reach(self.indptr, self.indices, open_, source)
        p, c = self.p, self.c
        cables = np.flatnonzero(reach[p : p + c] & ~reach[p + c : p + 2 * c])
        self.last_flow = result.flow.data
        if not want_sides:
            return value, cables, None, None
        to_sink = self._reach(self.t_indptr, self.t_indices, open_[self.t_pos], self.sink)
        return value, cables, reach, to_sink


@dataclass
class Resilience:
    """Exact resilience of every country and landing point.

    Attributes
    ----------
    hubs
        The hub countries standing for the global network.
    countries
        Per ISO3: ``min_cut`` (int, or ``None`` where land-linked to a hub), ``cut`` (cable ids
        of one minimum cut), ``status``.
    landing_points
        Per lp_id: the same.
    hyper
        The cable hypergraph it was computed on.
    sides
        Per ISO3 (with ``want_sides``): masks over the places of the source side (reachable
        from the country in the residual graph) and of the sink side (places that reach the
        hubs). Adding a cable between the two raises the country's resilience by one.
    """

    hubs: list[str]
    countries: dict[str, dict[str, Any]]
    landing_points: dict[str, dict[str, Any]]
    hyper: CableHypergraph
    sides: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    paths: dict[str, list[list[str]]] = field(default_factory=dict)


def _entry(units: int | None, cables: list[str], hub: bool) -> dict[str, Any]:
    """Make an entry from a cut in capacity units: ``min_cut`` in cable equivalents."""
    value = None if units is None else _equivalents(units)
    return {"min_cut": value, "cut": cables, "status": status_of(value, hub=hub)}


def _equivalents(units: int) -> float | int:
    """Cable equivalents of a capacity in units (a whole number where it is one)."""
    value = units / UNIT
    return int(value) if float(value).is_integer() else round(value, 2)


def resilience(  # noqa: PLR0912 - one loop over sinks, read top to bottom
    hyper: CableHypergraph,
    hubs: list[str],
    *,
    landing_points: bool = True,
    want_sides: bool = False,
    only: list[str] | None = None,
    paths_up_to: int = 0,
) -> Resilience:
    """Exact resilience (min-cut in whole cables) of every country and landing point.

    Parameters
    ----------
    hyper
        Places and cables (:func:`hypergraph_from_graph`).
    hubs
        Hub countries (:func:`pick_hubs`): the global network.
    landing_points
        Also compute every landing point (each distinct place once).
    want_sides
        Keep each country's residual source and sink sides (for :mod:`cablemap.risk.planning.plan`).
    only
        Compute only these countries (and no landing points).
    paths_up_to
        Keep, for each country whose resilience is at most this, the cables along each path
        of a maximum flow (every minimum cut takes one cable from each path).

    Returns
    -------
    Resilience
        Per country and landing point: ``min_cut``, one minimum set of cables, status.

    Examples
    --------
    >>> import cablemap as cm  # doctest: +SKIP
    >>> cm.ScenarioEngine(cm.load()).resilience().countries["TON"]["min_cut"]  # doctest: +SKIP
    1
    """
    hubs = [h for h in hubs if h in hyper.countries]
    hub_set = set(hubs)
    names = list(hyper.countries) if only is None else [c for c in only if c in hyper.countries]
    by_sink: dict[str | None, list[str]] = {}
    for iso in names:
        by_sink.setdefault(iso if iso in hub_set else None, []).append(iso)
    lp_by_sink: dict[str | None, list[int]] = {}
    if landing_points and only is None:
        for i, iso in enumerate(hyper.lp_country):
            lp_by_sink.setdefault(iso if iso in hub_set else None, []).append(i)
    shortcut = _Shortcuts(hyper)
    countries: dict[str, dict[str, Any]] = {}
    lps: dict[str, dict[str, Any]] = {}
    sides: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    paths: dict[str, list[list[str]]] = {}
    for sink_key in sorted({*by_sink, *lp_by_sink}, key=lambda k: k or ""):
        sink_countries = [h for h in hubs if h != sink_key]
        sink_places = (
            np.unique(np.concatenate([hyper.countries[h] for h in sink_countries]))
            if sink_countries
            else np.zeros(0, dtype=np.int64)
        )
        sink_set = set(sink_places.tolist())
        members = by_sink.get(sink_key, [])
        flow = _FlowGraph(hyper, sink_places, [hyper.countries[c] for c in members])
        for i, iso in enumerate(members):
            hub = iso in hub_set
            places = hyper.countries[iso]
            if sink_set & set(places.tolist()):
                countries[iso] = _entry(None, [], hub)
                continue
            quick = None if want_sides else shortcut.answer(places, sink_places)
            if quick is not None and paths_up_to and 0 < quick[0] <= paths_up_to * UNIT:
                paths[iso] = [quick[1]]
            if quick is not None:
                countries[iso] = _entry(quick[0], quick[1], hub)
                continue
            value, cut, reach, to_sink = flow.solve(flow.first_source + i, want_sides=want_sides)
            countries[iso] = _entry(value, sorted(hyper.cables[j] for j in cut), hub)
            if 0 < value <= paths_up_to * UNIT:
                paths[iso] = [
                    [hyper.cables[j] for j in path] for path in flow.paths(flow.first_source + i)
                ]
            if want_sides and reach is not None and to_sink is not None:
                sides[iso] = (reach[: hyper.n_places], to_sink[: hyper.n_places])
        done: dict[int, dict[str, Any]] = {}
        for i in lp_by_sink.get(sink_key, []):
            place = int(hyper.lp_place[i])
            if place not in done:
                if place in sink_set:
                    done[place] = _entry(None, [], hub=False)
                else:
                    quick = shortcut.answer(np.array([place]), sink_places)
                    if quick is None:
                        value, cut, _, _ = flow.solve(place)
                        quick = (value, sorted(hyper.cables[j] for j in cut))
                    done[place] = _entry(quick[0], quick[1], hub=False)
            lps[hyper.lp_ids[i]] = done[place]
    return Resilience(sorted(hubs), countries, lps, hyper, sides, paths)


def place_cuts(
    hyper: CableHypergraph,
    hubs: list[str],
    sources: dict[str, np.ndarray],
    *,
    want_sides: bool = False,
) -> dict[str, dict[str, Any]]:
    """Exact resilience of named sets of places (a capital's island, an island group).

    Parameters
    ----------
    hyper
        Places and units (:func:`hypergraph_from_graph`).
    hubs
        Hub countries standing for the global network.
    sources
        Name -> the places that stand for it; an empty set has no path (``min_cut`` 0).

    want_sides
        Also keep, per name, ``sides``: masks over the places of the source side of its
        residual graph and of the places that reach the hubs in it (a unit joining the two
        raises its resilience by its capacity; :mod:`cablemap.risk.planning`), and
        ``units_to_sink``: per unit, whether its entry reaches the hubs in the residual graph
        (a branch from the source side onto such a unit raises the resilience).

    Returns
    -------
    dict
        Name -> ``min_cut`` (cable equivalents), ``cut`` (unit ids), ``status`` (and
        ``sides``).
    """
    hubs = [h for h in hubs if h in hyper.countries]
    sink_places = (
        np.unique(np.concatenate([hyper.countries[h] for h in hubs]))
        if hubs
        else np.zeros(0, dtype=np.int64)
    )
    sink_set = set(sink_places.tolist())
    names = [n for n, places in sources.items() if len(places)]
    flow = _FlowGraph(hyper, sink_places, [np.asarray(sources[n]) for n in names])
    shortcut = _Shortcuts(hyper)
    out = {n: _entry(0, [], hub=False) for n, places in sources.items() if not len(places)}
    for i, name in enumerate(names):
        places = np.asarray(sources[name])
        if sink_set & set(places.tolist()):
            out[name] = _entry(None, [], hub=False)
            continue
        quick = None if want_sides else shortcut.answer(places, sink_places)
        if quick is None:
            value, cut, reach, to_sink = flow.solve(flow.first_source + i, want_sides=want_sides)
            quick = (value, sorted(hyper.cables[j] for j in cut))
            if want_sides and reach is not None and to_sink is not None:
                out[name] = _entry(quick[0], quick[1], hub=False)
                p, c = hyper.n_places, len(hyper.cables)
                out[name]["sides"] = (reach[:p], to_sink[:p])
                # a unit whose "in" node reaches the hubs: a branch onto it adds a path
                out[name]["units_to_sink"] = to_sink[p : p + c]
                continue
        out[name] = _entry(quick[0], quick[1], hub=False)
    return out


class _Shortcuts:
    """Answers that need no max-flow: no path to the hubs (0), or one cable at the source (1)."""

    def __init__(self, hyper: CableHypergraph) -> None:
        p, c = hyper.n_places, len(hyper.cables)
        lengths = np.array([len(x) for x in hyper.cable_places], dtype=np.int64)
        touched = (
            np.concatenate(hyper.cable_places).astype(np.int64)
            if c
            else np.zeros(0, dtype=np.int64)
        )
        cable_of = np.repeat(np.arange(c), lengths)
        adj = sp.coo_matrix((np.ones(len(touched)), (touched, p + cable_of)), shape=(p + c, p + c))
        _, self.label = connected_components(adj, directed=False)
        self.cables_at: dict[int, set[int]] = {}
        for place, cable in zip(touched.tolist(), cable_of.tolist(), strict=True):
            self.cables_at.setdefault(place, set()).add(cable)
        self.names = hyper.cables
        self.units = np.rint(hyper.capacity * UNIT).astype(np.int64)

    def answer(self, places: np.ndarray, sink: np.ndarray) -> tuple[int, list[str]] | None:
        """Return ``(units, cut)`` without max-flow where the answer is plain, else ``None``.

        No path to the sink: 0. One unit at the source: its capacity, it alone.
        """
        if not len(sink) or not np.isin(self.label[places], self.label[sink]).any():
            return 0, []
        at = set().union(*(self.cables_at.get(int(p), set()) for p in places))
        if len(at) == 1:
            unit = next(iter(at))
            return int(self.units[unit]), [self.names[unit]]
        return None
