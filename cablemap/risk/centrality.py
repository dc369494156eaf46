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

from collections import defaultdict

import numpy as np
import pandas as pd


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


def _spmm(rows: np.ndarray, cols: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    """Multiply a 0/1 adjacency, given as edge arrays (``rows`` sorted), by a dense ``x`` (n, k).

    Only edges leaving rows of ``x`` that hold a non-zero are gathered: BFS frontiers are small.
    """
    out = np.zeros((n, x.shape[1]))
    active = np.any(x != 0, axis=1)
    keep = active[cols]
    if not keep.any():
        return out
    r, c = rows[keep], cols[keep]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    out[r[starts]] = np.add.reduceat(x[c], starts, axis=0)
    return out


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
    sources = np.arange(n_lp, n)
    k = len(sources)
    is_country = np.zeros(n, dtype=bool)
    is_country[n_lp:] = True
    dist = np.full((n, k), -1, dtype=np.int32)
    sigma = np.zeros((n, k))
    dist[sources, np.arange(k)] = 0
    sigma[sources, np.arange(k)] = 1.0
    frontier = dist == 0
    level = 0
    while frontier.any():
        # only the sources whose search is still growing; a country node propagates only as
        # its own column's source
        live = np.flatnonzero(frontier.any(axis=0))
        front = frontier[:, live]
        if level > 0:
            front &= ~is_country[:, None]
        reached = _spmm(rows, cols, np.where(front, sigma[:, live], 0.0), n)
        new = (dist[:, live] == -1) & (reached > 0)
        level += 1
        frontier = np.zeros((n, k), dtype=bool)
        frontier[:, live] = new
        at, col = np.nonzero(new)
        dist[at, live[col]] = level
        sigma[at, live[col]] = reached[at, col]
    delta = np.zeros((n, k))
    target = is_country[:, None] & (dist > 0)
    for d in range(level, 0, -1):
        at_d = dist == d
        live = np.flatnonzero(at_d.any(axis=0))
        s_live = sigma[:, live]
        # a country reached as a target ends paths there; it passes no dependency through
        weight = np.where(
            at_d[:, live],
            (target[:, live].astype(float) + np.where(is_country[:, None], 0.0, delta[:, live]))
            / np.where(s_live > 0, s_live, 1.0),
            0.0,
        )
        pulled = _spmm(rows, cols, weight, n)
        prev = dist[:, live] == d - 1
        if d - 1 > 0:
            prev &= ~is_country[:, None]
        delta[:, live] += np.where(prev, s_live * pulled, 0.0)
    through = delta[:n_lp].sum(axis=1) / 2.0  # each unordered pair counted from both ends
    return {lp: float(through[i]) for i, lp in enumerate(lps)}
