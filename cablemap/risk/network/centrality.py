"""Betweenness of landing points on country-to-country paths, vectorised (Brandes, batched).

The graph is the *cable-hop* graph: two landing points are adjacent when one cable joins them
with no other landing point between them (branching units are contracted away), plus the
assumed land links. Each country is a virtual node joined to its landing points; shortest
paths (in hops) run from every country to every other, and a country node is only ever a
path's end, never a transit. A landing point's betweenness is the number of such shortest
paths through it (ties shared, Brandes 2001). All sources are processed at once as columns of
dense arrays (only those of the sources whose search is still under way), so the cost is a few
dozen sparse-by-dense products instead of one Python BFS per source.
"""

from __future__ import annotations

from collections import defaultdict, deque

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix


def cable_hop_edges(segments: pd.DataFrame, landing_points: set[str]) -> set[tuple[str, str]]:
    """Landing-point pairs one cable joins with no other landing point between them."""
    edges: set[tuple[str, str]] = set()
    by_cable: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for cable, u, v in zip(segments["cable_id"], segments["u"], segments["v"], strict=True):
        adjacency = by_cable[cable]
        adjacency[u].append(v)
        adjacency[v].append(u)
    for adjacency in by_cable.values():
        for start in (n for n in adjacency if n in landing_points):
            seen, stack = {start}, [start]
            while stack:
                node = stack.pop()
                for nxt in adjacency[node]:
                    if nxt in seen:
                        continue
                    seen.add(nxt)
                    if nxt in landing_points:
                        edges.add((start, nxt) if start < nxt else (nxt, start))
                    else:
                        stack.append(nxt)
    return edges


def normalized_betweenness(adjacency: dict[str, list[str]]) -> dict[str, float]:
    """Normalised betweenness of an unweighted undirected graph (Brandes 2001).

    The same floats as ``networkx.betweenness_centrality(graph, normalized=True)`` given
    ``{node: list(graph[node]) for node in graph}``: the same breadth-first order, sums and
    scaling, on integer indices instead of dictionaries.

    Parameters
    ----------
    adjacency
        Each node's neighbours, in the graph's order.

    Returns
    -------
    dict of str to float
        Betweenness per node, divided by the number of node pairs that could pass through it.
    """
    nodes = list(adjacency)
    index = {v: i for i, v in enumerate(nodes)}
    nbrs = [[index[w] for w in adjacency[v]] for v in nodes]
    n = len(nodes)
    betweenness = [0.0] * n
    for s in range(n):
        order: list[int] = []
        preds: list[list[int]] = [[] for _ in range(n)]
        sigma = [0.0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1.0, 0
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            next_dist, sigma_v = dist[v] + 1, sigma[v]
            for w in nbrs[v]:
                if dist[w] < 0:
                    queue.append(w)
                    dist[w] = next_dist
                if dist[w] == next_dist:
                    sigma[w] += sigma_v
                    preds[w].append(v)
        delta = [0.0] * n
        while order:
            w = order.pop()
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                betweenness[w] += delta[w]
    pairs = (n - 1) * (n - 2)  # networkx's rescaling: endpoints excluded
    if pairs > 0:
        scale = 1 / pairs
        betweenness = [b * scale for b in betweenness] if scale != 1 else betweenness
    return dict(zip(nodes, betweenness, strict=True))


def _spmm(
    rows: np.ndarray, cols: np.ndarray, x: np.ndarray, n: int, wanted: np.ndarray
) -> np.ndarray:
    """Multiply a 0/1 adjacency, given as edge arrays (``rows`` sorted), by a dense ``x`` (n, k).

    Only edges leaving rows of ``x`` that hold a non-zero are gathered (BFS frontiers are
    small), and only into the ``wanted`` rows (a boolean mask); the other rows are 0. Each
    wanted row sums its neighbours with ``np.add.reduceat``, whose float rounding depends on
    the neighbours summed, so which rows are wanted never changes a wanted row's value.
    """
    out = np.zeros((n, x.shape[1]))
    active = np.any(x != 0, axis=1)
    keep = active[cols] & wanted[rows]
    if not keep.any():
        return out
    r, c = rows[keep], cols[keep]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    out[r[starts]] = np.add.reduceat(x[c], starts, axis=0)
    return out


_Levels = list[tuple[np.ndarray, np.ndarray]]


def _bfs_levels(
    rows: np.ndarray, cols: np.ndarray, is_country: np.ndarray
) -> tuple[np.ndarray, _Levels]:
    """Breadth-first search from every country at once (a column each).

    Returns the shortest-path counts ``sigma`` (node x source) and, per level, the
    ``(node, source)`` entries reached at it.
    """
    n = len(is_country)
    sources = np.flatnonzero(is_country)
    k = len(sources)
    # path counts are whole numbers (exact in floats), so any order of sums gives them
    adjacency = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    dist = np.full((n, k), -1, dtype=np.int32)
    sigma = np.zeros((n, k))
    dist[sources, np.arange(k)] = 0
    sigma[sources, np.arange(k)] = 1.0
    levels = [(sources, np.arange(k))]
    while True:
        at, src_col = levels[-1]
        if len(levels) > 1:  # a country node propagates only as its own column's source
            at, src_col = at[~is_country[at]], src_col[~is_country[at]]
        if not len(at):
            return sigma, levels
        live = np.unique(src_col)  # only the sources whose search is still growing
        spread = np.zeros((n, len(live)))
        spread[at, np.searchsorted(live, src_col)] = sigma[at, src_col]
        reached = adjacency @ spread
        new_at, new_col = np.nonzero((dist[:, live] == -1) & (reached > 0))
        dist[new_at, live[new_col]] = len(levels)
        sigma[new_at, live[new_col]] = reached[new_at, new_col]
        levels.append((new_at, live[new_col]))


def _dependencies(
    rows: np.ndarray, cols: np.ndarray, is_country: np.ndarray, sigma: np.ndarray, levels: _Levels
) -> np.ndarray:
    """Brandes' dependencies (node x source), accumulated from the deepest level up."""
    n = len(is_country)
    delta = np.zeros(sigma.shape)
    for d in range(len(levels) - 1, 0, -1):
        at, src_col = levels[d]
        if not len(at):
            continue
        live = np.unique(src_col)
        # a country reached as a target ends paths there; it passes no dependency through
        weight = np.zeros((n, len(live)))
        weight[at, np.searchsorted(live, src_col)] = (
            is_country[at] + np.where(is_country[at], 0.0, delta[at, src_col])
        ) / sigma[at, src_col]
        prev_at, prev_col = levels[d - 1]
        keep = np.isin(prev_col, live)
        if d - 1 > 0:
            keep &= ~is_country[prev_at]
        prev_at, prev_col = prev_at[keep], prev_col[keep]
        wanted = np.zeros(n, dtype=bool)
        wanted[prev_at] = True
        pulled = _spmm(rows, cols, weight, n, wanted)
        delta[prev_at, prev_col] += (
            sigma[prev_at, prev_col] * pulled[prev_at, np.searchsorted(live, prev_col)]
        )
    return delta


def country_betweenness(edges: set[tuple[str, str]], lp_iso3: dict[str, str]) -> dict[str, float]:
    """Betweenness of each landing point on shortest country-to-country paths.

    Parameters
    ----------
    edges
        Undirected landing-point pairs (cable hops and land links).
    lp_iso3
        Country of every landing point to consider.

    Returns
    -------
    dict of str to float
        Path counts through each landing point (unnormalised; unordered country pairs).
    """
    lps = sorted(lp_iso3)
    countries = sorted(set(lp_iso3.values()))
    index = {lp: i for i, lp in enumerate(lps)}
    n_lp, n_c = len(lps), len(countries)
    n = n_lp + n_c
    c_index = {c: n_lp + i for i, c in enumerate(countries)}
    # sorted: a set iterates in hash order, which would change float sums from run to run
    pairs = [(index[a], index[b]) for a, b in sorted(edges) if a in index and b in index]
    pairs += [(c_index[lp_iso3[lp]], index[lp]) for lp in lps]  # country -> its landing points
    if not pairs or n_c < 2:
        return dict.fromkeys(lps, 0.0)
    src = np.array([p[0] for p in pairs] + [p[1] for p in pairs])
    dst = np.array([p[1] for p in pairs] + [p[0] for p in pairs])
    order = np.argsort(src, kind="stable")
    rows, cols = src[order], dst[order]
    is_country = np.zeros(n, dtype=bool)
    is_country[n_lp:] = True
    sigma, levels = _bfs_levels(rows, cols, is_country)
    delta = _dependencies(rows, cols, is_country, sigma, levels)
    through = delta[:n_lp].sum(axis=1) / 2.0  # each unordered pair counted from both ends
    return {lp: float(through[i]) for i, lp in enumerate(lps)}
