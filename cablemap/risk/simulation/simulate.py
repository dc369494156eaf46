"""Monte Carlo of faults and repairs: how likely each country is to be cut off by sea in a year.

Each simulated year draws faults on the segments of the network
(:mod:`cablemap.risk.network.topology`) from the fault model (:mod:`cablemap.risk.hazards.rates`):
background faults per segment as a Poisson process, and earthquakes drawn from the catalogue
(each may break several cables at once). Every fault is repaired after a lognormal number of
days. A year is the window ``[0, 365)`` days; faults of the preceding ``max_days`` are drawn
too, so a year starts with the repairs still under way, as in a steady state.

A country is **cut off** while none of its landing points reaches another country's by sea (as
in :mod:`cablemap.risk.scenarios.engine`); a landing point while it reaches no other country and,
off its country's main landmass, not the main landmass either. Countries and landing points
already cut off without any fault are left out (``unconnected_countries``). Per country and
landing point the simulation reports the share of years with at least one cut-off (the yearly
probability, with a 95 % Wilson interval), the expected days cut off a year, and the cables
that were down most often while it was cut off; per cable, how often it was part of a
country's loss.

**Fast and exact.** Only the place a fault touches is recomputed. For every country and
landing point the way out of it is found once (:mod:`cablemap.risk.simulation.places`): the
blocks of the network a path abroad must cross, each with a largest set of edge-disjoint paths
through it. A block needs an exact check in a year only if each of those paths has a fault there
that year (a sparse-matrix screen over all years of a block at once), and in an interval of the
year only if each has a segment down then; the check follows the year's faults and repairs
interval by interval with the batched connectivity of :mod:`cablemap.risk.network.connectivity` (one
column per distinct state). A place is cut off while one block of its way out is broken.

**Reproducible at any scale.** Years are simulated in blocks of ``block_years`` (from the
fault model). Block ``b`` draws every random number from ``numpy.random.SeedSequence([seed,
b])`` and its tallies are integers and per-block sums, added in block order; so the same seed
and number of years give the same results whether the blocks run one after another
(``engine="local"``) or on any number of Dask workers (``engine="dask"``, a ``LocalCluster``
or an existing scheduler).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cablemap._errors import CablemapError
from cablemap.risk.hazards.rates import FaultRates, fault_rates
from cablemap.risk.model.faults import _KEYS as _FAULT_KEYS
from cablemap.risk.model.faults import DAYS_PER_YEAR, FaultModel, load_fault_model
from cablemap.risk.network.connectivity import connected_labels
from cablemap.risk.scenarios.engine import ScenarioEngine
from cablemap.risk.simulation.places import Part, Place, watched_places
from cablemap.risk.simulation.scheduler import (
    SchedulerError,
    check_scheduler,
    no_workers,
    scheduler_address,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")
#: Two-sided 95 % normal quantile, for Wilson score intervals.
Z95 = 1.959963984540054
#: Cables listed per country or landing point in ``top_cables``.
TOP_CABLES = 5
#: How long to wait for a Dask scheduler given by address: the connection and the handshake
#: together (and again for its first worker).
SCHEDULER_TIMEOUT = "10s"
#: The most years one simulation runs: the cap of the fault model file's ``[simulation] years``.
MAX_YEARS = int(_FAULT_KEYS["simulation"]["years"][1])
#: Runs of at least this many blocks time their first block and report the estimated time.
PILOT_MIN_BLOCKS = 3


class SimulationError(CablemapError, ValueError):
    """A simulation was asked for with unusable settings (years, engine, scheduler)."""


# ----------------------------------------------------------------------------- the plan
@dataclass
class SimulationPlan:
    """Everything a block of years needs: arrays only, so it travels to Dask workers cheaply.

    Attributes
    ----------
    years, seed, block_years
        What to simulate; block ``b`` covers years ``b * block_years`` onwards.
    cable_ids, seg_cable
        Cables (sorted) and the cable of every segment (index into ``cable_ids``).
    bg_segments, bg_cumulative, background_total
        Segments with a background rate, the cumulative sum of their rates, the total.
    quake_rate, event_ptr, pair_seg, pair_prob
        Earthquakes near an active cable per year; per earthquake (CSR) the segments it may
        break and with what chance.
    repair
        ``(median_days, sigma, max_days)`` of the lognormal repair time.
    places, parts
        The countries and landing-point groups watched, and the parts of their ways out
        (:mod:`cablemap.risk.simulation.places`).
    screen, screen_parts, slots_per_part
        Segments x slots and slots x parts incidence (sparse), and slots per part.
    """

    years: int
    seed: int
    block_years: int
    cable_ids: list[str]
    seg_cable: np.ndarray
    bg_segments: np.ndarray
    bg_cumulative: np.ndarray
    background_total: float
    quake_rate: float
    event_ptr: np.ndarray
    pair_seg: np.ndarray
    pair_prob: np.ndarray
    repair: tuple[float, float, float]
    places: list[Place]
    parts: list[Part]
    screen: sp.csr_matrix
    screen_parts: sp.csr_matrix
    slots_per_part: np.ndarray

    @property
    def n_blocks(self) -> int:
        """Number of blocks the years fall into."""
        return math.ceil(self.years / self.block_years)


@dataclass
class BlockResult:
    """Tallies of one block of years (integers and sums, added in block order).

    Attributes
    ----------
    block, years
        Which block, and how many years it held.
    cut_years
        Per place: years with at least one cut-off.
    cut_days
        Per place: days cut off, summed over the block's years.
    place_cable
        ``(place, cable, years)`` rows: years a cable was down (in a broken part) while the
        place was cut off.
    background_faults, seismic_faults
        Per cable: faults that started in the block's years, by cause.
    exact_checks
        Intervals whose connectivity was computed (for the benchmark).
    """

    block: int
    years: int
    cut_years: np.ndarray
    cut_days: np.ndarray
    place_cable: np.ndarray
    background_faults: np.ndarray
    seismic_faults: np.ndarray
    exact_checks: int


def prepare_simulation(
    engine: ScenarioEngine,
    rates: FaultRates,
    *,
    years: int,
    seed: int,
) -> SimulationPlan:
    """Gather the arrays a block of years needs.

    Parameters
    ----------
    engine
        The prepared network (:class:`~cablemap.risk.scenarios.engine.ScenarioEngine`): its active
        cables are the ones that fail.
    rates
        Fault rates of the engine's network (:func:`cablemap.risk.hazards.rates.fault_rates`).
    years, seed
        How many years, and the seed of every block's random numbers.

    Returns
    -------
    SimulationPlan
        Picklable arrays; :func:`run_block` simulates one block of it.
    """
    fm = rates.model
    n_seg = len(engine.network.segments)
    active = engine.base_edges.copy()
    seg_active = active[:n_seg]
    cable_ids = sorted(set(engine.network.segments["cable_id"]))
    cable_index = {c: i for i, c in enumerate(cable_ids)}
    seg_cable = np.array([cable_index[c] for c in engine.network.segments["cable_id"]])
    background = rates.segments["background_per_year"].to_numpy(dtype=float) * seg_active
    bg_segments = np.flatnonzero(background > 0)
    pairs = rates.quake_pairs[seg_active[rates.quake_pairs["segment"].to_numpy(dtype=np.int64)]]
    pairs = pairs[pairs["break_probability"] > 0]
    events, event_of_pair = np.unique(pairs["event"].to_numpy(dtype=np.int64), return_inverse=True)
    order = np.argsort(event_of_pair, kind="stable")
    event_ptr = np.concatenate(
        [[0], np.cumsum(np.bincount(event_of_pair, minlength=len(events)))]
    ).astype(np.int64)
    places, parts, _ = watched_places(engine, active)
    slot_part = np.concatenate(
        [np.full(len(p.slots), i, dtype=np.int64) for i, p in enumerate(parts)]
        or [np.zeros(0, dtype=np.int64)]
    )
    slot_segs = [s for p in parts for s in p.slots]
    rows = np.concatenate(slot_segs or [np.zeros(0, dtype=np.int64)])
    cols = np.repeat(np.arange(len(slot_segs)), [len(s) for s in slot_segs])
    screen = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n_seg, len(slot_segs))
    )
    screen_parts = sp.csr_matrix(
        (np.ones(len(slot_part), dtype=np.int32), (np.arange(len(slot_part)), slot_part)),
        shape=(len(slot_part), len(parts)),
    )
    return SimulationPlan(
        years=years,
        seed=seed,
        block_years=fm.block_years,
        cable_ids=cable_ids,
        seg_cable=seg_cable,
        bg_segments=bg_segments,
        bg_cumulative=np.cumsum(background[bg_segments]),
        background_total=float(background.sum()),
        quake_rate=len(events) / rates.catalogue_years if rates.catalogue_years else 0.0,
        event_ptr=event_ptr,
        pair_seg=pairs["segment"].to_numpy(dtype=np.int64)[order],
        pair_prob=pairs["break_probability"].to_numpy(dtype=float)[order],
        repair=(fm.median_days, fm.sigma, fm.max_days),
        places=places,
        parts=parts,
        screen=screen,
        screen_parts=screen_parts,
        slots_per_part=np.array([len(p.slots) for p in parts], dtype=np.int64),
    )


# ----------------------------------------------------------------------------- one block
def _draw_faults(
    plan: SimulationPlan, rng: np.random.Generator, n_years: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Faults of a block: year, segment, start and end (days), and whether seismic.

    The draws, in this order: background faults per year (Poisson), their segments (by
    rate), their start days; earthquakes per year (Poisson), which of the catalogue's, their
    start days, which cables each breaks; every fault's repair time.
    """
    median, sigma, max_days = plan.repair
    lookback = max_days
    scale = (DAYS_PER_YEAR + lookback) / DAYS_PER_YEAR
    n_bg = rng.poisson(plan.background_total * scale, n_years)
    total = int(n_bg.sum())
    bg_year = np.repeat(np.arange(n_years), n_bg)
    pick = rng.random(total) * (plan.bg_cumulative[-1] if len(plan.bg_cumulative) else 0.0)
    where = np.searchsorted(plan.bg_cumulative, pick, side="right")
    bg_seg = plan.bg_segments[np.minimum(where, max(len(plan.bg_segments) - 1, 0))]
    bg_start = rng.uniform(-lookback, DAYS_PER_YEAR, total)
    n_events = len(plan.event_ptr) - 1
    n_q = rng.poisson(plan.quake_rate * scale, n_years)
    q_year = np.repeat(np.arange(n_years), n_q)
    q_event = rng.integers(0, max(n_events, 1), int(n_q.sum()))
    q_start = rng.uniform(-lookback, DAYS_PER_YEAR, int(n_q.sum()))
    counts = (
        plan.event_ptr[q_event + 1] - plan.event_ptr[q_event]
        if n_events
        else np.zeros(len(q_event), dtype=np.int64)
    )
    pair = np.repeat(plan.event_ptr[q_event] if n_events else q_event, counts) + _within(counts)
    broken = rng.random(len(pair)) < plan.pair_prob[pair]
    eq_seg = plan.pair_seg[pair][broken]
    eq_year = np.repeat(q_year, counts)[broken]
    eq_start = np.repeat(q_start, counts)[broken]
    year = np.concatenate([bg_year, eq_year])
    seg = np.concatenate([bg_seg, eq_seg]).astype(np.int64)
    start = np.concatenate([bg_start, eq_start])
    seismic = np.concatenate([np.zeros(total, dtype=bool), np.ones(len(eq_seg), dtype=bool)])
    days = rng.lognormal(math.log(median), sigma, len(seg)) if sigma else np.full(len(seg), median)
    end = start + np.minimum(days, max_days)
    keep = end > 0
    return year[keep], seg[keep], start[keep], end[keep], seismic[keep]


def _within(counts: np.ndarray) -> np.ndarray:
    """``0 .. c - 1`` for each count ``c``, concatenated (positions within runs)."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _check_part(  # noqa: PLR0917 - one part and the columns of its faults
    part: Part,
    years: np.ndarray,
    f_year: np.ndarray,
    f_seg: np.ndarray,
    f_start: np.ndarray,
    f_end: np.ndarray,
    f_cable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Follow one part through its candidate years, interval by interval.

    The year is cut at every start and end of a fault in the part; in each interval the part
    is broken if its entry no longer reaches its exit. Only intervals where every slot has a
    segment down are computed, and identical states once.

    Returns
    -------
    tuple
        The broken intervals (year, start, end), the ``(year, cable)`` pairs of cables down in
        the part while it was broken, and the number of states computed.
    """
    k = len(years)
    pos = np.minimum(np.searchsorted(part.seg_sorted, f_seg), len(part.seg_sorted) - 1)
    inside = part.seg_sorted[pos] == f_seg
    pos = pos[inside]
    y = np.searchsorted(years, f_year[inside])
    edge = part.edge_of_sorted[pos]
    slot = part.slot_of_sorted[pos]
    s = np.maximum(f_start[inside], 0.0)
    e = np.minimum(f_end[inside], DAYS_PER_YEAR)
    cable = f_cable[inside]
    # breakpoints: the start of each year, and every start and end inside it
    bp_y = np.concatenate([np.arange(k), y[s > 0], y[e < DAYS_PER_YEAR]])
    bp_t = np.concatenate([np.zeros(k), s[s > 0], e[e < DAYS_PER_YEAR]])
    order = np.lexsort((bp_t, bp_y))
    bp_y, bp_t = bp_y[order], bp_t[order]
    new = np.r_[True, (bp_y[1:] != bp_y[:-1]) | (bp_t[1:] != bp_t[:-1])]
    iy, it = bp_y[new], bp_t[new]
    last = np.r_[iy[1:] != iy[:-1], True]
    nxt = np.where(last, DAYS_PER_YEAR, np.r_[it[1:], DAYS_PER_YEAR])
    n_int = len(iy)
    # every (interval, fault) pair of the same year where the fault is down at the start
    f_order = np.argsort(y, kind="stable")
    f_count = np.bincount(y, minlength=k)
    f_ptr = np.concatenate([[0], np.cumsum(f_count)])
    rep = f_count[iy]
    ii = np.repeat(np.arange(n_int), rep)
    jj = f_order[np.repeat(f_ptr[iy], rep) + _within(rep)]
    down = (s[jj] <= it[ii]) & (e[jj] > it[ii])
    ii, jj = ii[down], jj[down]
    n_slots = len(part.slots)
    in_slot = slot[jj] >= 0
    marked = np.unique(ii[in_slot] * n_slots + slot[jj][in_slot])
    check = np.flatnonzero(np.bincount(marked // n_slots, minlength=n_int) == n_slots)
    broken = np.zeros(n_int, dtype=bool)
    n_states = 0
    if len(check) and len(part.graph.nodes) == 2:
        # only edges straight from entry to exit, one per slot: broken when every slot is down
        broken[check] = True
    elif len(check):
        column = np.full(n_int, -1, dtype=np.int64)
        column[check] = np.arange(len(check))
        sel = (column[ii] >= 0) & (edge[jj] >= 0)
        active = np.ones((part.graph.n_edges, len(check)), dtype=bool)
        active[edge[jj[sel]], column[ii[sel]]] = False
        states, state_of = np.unique(np.packbits(active, axis=0), axis=1, return_inverse=True)
        n_states = states.shape[1]
        unpacked = np.unpackbits(states, axis=0, count=part.graph.n_edges).astype(bool)
        labels = connected_labels(part.graph, unpacked)
        broken[check] = (labels[0] != labels[1])[np.ravel(state_of)]
    hit = broken[ii] & (edge[jj] >= 0)
    pairs = np.unique(np.column_stack([years[iy[ii[hit]]], cable[jj[hit]]]), axis=0)
    return years[iy[broken]], it[broken], nxt[broken], pairs[:, 0], pairs[:, 1], n_states


def _union_days(year: np.ndarray, start: np.ndarray, end: np.ndarray) -> dict[int, float]:
    """Days covered by the union of intervals, per year."""
    order = np.lexsort((start, year))
    year, start, end = year[order], start[order], end[order]
    out: dict[int, float] = {}
    reach = -1.0
    current = None
    for y, s, e in zip(year.tolist(), start.tolist(), end.tolist(), strict=True):
        if y != current:
            current, reach = y, -1.0
        if e > max(s, reach):
            out[y] = out.get(y, 0.0) + e - max(s, reach)
        reach = max(reach, e)
    return out


def run_block(plan: SimulationPlan, block: int) -> BlockResult:
    """Simulate one block of years.

    Parameters
    ----------
    plan
        The prepared arrays (:func:`prepare_simulation`).
    block
        The block's index; its random numbers come from ``SeedSequence([seed, block])``.

    Returns
    -------
    BlockResult
        The block's tallies.
    """
    first = block * plan.block_years
    n_years = min(plan.block_years, plan.years - first)
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, block]))
    year, seg, start, end, seismic = _draw_faults(plan, rng, n_years)
    n_cables = len(plan.cable_ids)
    began = start >= 0
    background_faults = np.bincount(plan.seg_cable[seg[began & ~seismic]], minlength=n_cables)
    seismic_faults = np.bincount(plan.seg_cable[seg[began & seismic]], minlength=n_cables)
    n_places = len(plan.places)
    cut_years = np.zeros(n_places, dtype=np.int64)
    cut_days = np.zeros(n_places)
    tallies: list[np.ndarray] = []
    checks = 0
    broken: dict[int, tuple[np.ndarray, ...]] = {}
    if len(seg) and plan.parts:
        faults = sp.csr_matrix(
            (np.ones(len(seg), dtype=np.int32), (year, seg)),
            shape=(n_years, plan.screen.shape[0]),
        )
        slots_hit = faults @ plan.screen
        slots_hit.data = np.ones_like(slots_hit.data)
        per_part = (slots_hit @ plan.screen_parts).tocoo()
        candidate = per_part.data == plan.slots_per_part[per_part.col]
        cand_year, cand_part = per_part.row[candidate], per_part.col[candidate]
        order = np.argsort(year, kind="stable")
        year, seg, start, end = year[order], seg[order], start[order], end[order]
        cable = plan.seg_cable[seg]
        year_ptr = np.searchsorted(year, np.arange(n_years + 1))
        by_part = np.lexsort((cand_year, cand_part))
        cand_year, cand_part = cand_year[by_part], cand_part[by_part]
        bounds = np.flatnonzero(np.r_[True, cand_part[1:] != cand_part[:-1], True])
        for lo, hi in itertools.pairwise(bounds.tolist()):
            years = cand_year[lo:hi]
            lengths = year_ptr[years + 1] - year_ptr[years]
            idx = np.repeat(year_ptr[years], lengths) + _within(lengths)
            *found, n_states = _check_part(
                plan.parts[int(cand_part[lo])],
                years,
                year[idx],
                seg[idx],
                start[idx],
                end[idx],
                cable[idx],
            )
            checks += n_states
            if len(found[0]):
                broken[int(cand_part[lo])] = tuple(found)
    if broken:
        for p, place in enumerate(plan.places):
            hits = [broken[i] for i in place.parts if i in broken]
            if not hits:
                continue
            days = _union_days(*(np.concatenate([h[j] for h in hits]) for j in range(3)))
            cut_years[p] = len(days)
            cut_days[p] = float(sum(days.values()))
            pairs = np.unique(
                np.column_stack(
                    [np.concatenate([h[3] for h in hits]), np.concatenate([h[4] for h in hits])]
                ),
                axis=0,
            )
            cables, counts = np.unique(pairs[:, 1], return_counts=True)
            tallies.append(np.column_stack([np.full(len(cables), p), cables, counts]))
    return BlockResult(
        block=block,
        years=n_years,
        cut_years=cut_years,
        cut_days=cut_days,
        place_cable=(
            np.concatenate(tallies).astype(np.int64) if tallies else np.zeros((0, 3), np.int64)
        ),
        background_faults=background_faults.astype(np.int64),
        seismic_faults=seismic_faults.astype(np.int64),
        exact_checks=checks,
    )


# ----------------------------------------------------------------------------- engines
Progress = Callable[[int, int], None]
#: Called with the estimated seconds of a whole run (one process) and its number of blocks.
Estimate = Callable[[float, int], None]


def _pilot(
    plan: SimulationPlan, on_block: Progress | None, on_estimate: Estimate | None
) -> list[BlockResult]:
    """Run and time the first block of a long run; report the estimated time of the whole.

    The block is part of the run (every block is the same whoever runs it), so the estimate
    costs nothing.
    """
    if plan.n_blocks < PILOT_MIN_BLOCKS:
        return []
    began = time.perf_counter()
    first = run_block(plan, 0)
    seconds = (time.perf_counter() - began) * plan.n_blocks
    logger.info(
        "Estimated %.0f s for %d blocks of %d years in one process (timed on the first)",
        seconds,
        plan.n_blocks,
        plan.block_years,
    )
    if on_estimate:
        on_estimate(seconds, plan.n_blocks)
    if on_block:
        on_block(1, plan.n_blocks)
    return [first]


def _run_local(
    plan: SimulationPlan, on_block: Progress | None, first: list[BlockResult] | None = None
) -> list[BlockResult]:
    first = first or []
    results = list(first)
    for b in range(len(first), plan.n_blocks):
        results.append(run_block(plan, b))
        if on_block:
            on_block(b + 1, plan.n_blocks)
    return results


def _seconds(timeout: str | float) -> float:
    from dask.utils import parse_timedelta  # noqa: PLC0415 - dask only for engine "dask"

    return float(parse_timedelta(timeout, default="s") or 0.0)


def _connect(client_class: Any, scheduler: str) -> Any:
    """Return a client of the scheduler at ``scheduler``, checked within the timeout.

    Raises
    ------
    SimulationError
        A malformed or web address, nothing answering in time (connection and handshake),
        a peer that is no Dask scheduler, or one without workers; one line each.
    """
    seconds = _seconds(SCHEDULER_TIMEOUT)
    try:
        address = check_scheduler(scheduler, seconds)
    except SchedulerError as exc:
        raise SimulationError(str(exc)) from None
    try:
        client = client_class(address, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        msg = f"no Dask scheduler answers at {address!r}: {exc}"
        raise SimulationError(msg) from None
    try:
        client.wait_for_workers(1, timeout=seconds)
    except (OSError, TimeoutError):
        client.close()
        raise SimulationError(str(no_workers(address, seconds))) from None
    return client


def _run_dask(
    plan: SimulationPlan,
    on_block: Progress | None,
    *,
    scheduler: str | None,
    workers: int | None,
    client: Any = None,
    first: list[BlockResult] | None = None,
) -> tuple[list[BlockResult], int]:
    first = first or []
    try:
        from dask.distributed import Client, LocalCluster, as_completed  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        msg = "engine 'dask' needs dask.distributed: pip install 'dask[distributed]'"
        raise SimulationError(msg) from exc
    own_cluster = own_client = None
    try:
        if client is None:
            if scheduler:
                client = own_client = _connect(Client, scheduler)
            else:
                own_cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address="127.0.0.1:0",  # a free port: 8787 may be taken
                )
                client = own_client = Client(own_cluster)
        n_workers = len(client.scheduler_info().get("workers", {}))
        shared = client.scatter(plan, broadcast=True)
        futures = [
            client.submit(run_block, shared, b, key=f"cablemap-block-{plan.seed}-{b}-{id(plan)}")
            for b in range(len(first), plan.n_blocks)
        ]
        for done, _ in enumerate(as_completed(futures), start=len(first) + 1):
            if on_block:
                on_block(done, plan.n_blocks)
        return [*first, *client.gather(futures)], n_workers
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


# ----------------------------------------------------------------------------- results
def wilson_interval(k: int | np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval of a binomial proportion ``k / n``.

    Parameters
    ----------
    k
        Successes (an int or an array).
    n
        Trials.

    Returns
    -------
    tuple of ndarray
        Lower and upper bounds, in [0, 1].
    """
    k = np.asarray(k, dtype=float)
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


@dataclass
class SimulationResult:
    """What a simulation found.

    Attributes
    ----------
    years, seed, engine, workers
        What ran, and on how many Dask workers (1 for ``local``).
    countries
        One row per country with a submarine path abroad: ``iso3``, ``name``,
        ``probability_cut_off`` (share of years with at least one cut-off), ``ci_low``,
        ``ci_high`` (95 % Wilson interval), ``expected_days_cut_off`` (a year),
        ``years_cut_off``, ``top_cables`` (``[{"cable_id", "share"}]``: share of its cut-off
        years in which the cable was down), ``international_cables``; most at risk first.
    landing_points
        The same per landing point (``lp_id``, ``name``, ``iso3``, ...).
    cables
        Per active cable: ``cable_id``, ``name``, ``faults_per_year`` and ``probability_fault``
        (the model's), ``simulated_faults_per_year``, ``seismic_faults_per_year``
        (simulated), ``country_losses_per_year`` (cut-offs of countries it was part of, per
        year), ``countries`` (those countries, most often first).
    unconnected_countries
        Countries with no submarine path abroad even without faults (not simulated).
    rates
        The fault rates used.
    seconds, exact_checks
        Wall time of the simulation, and intervals checked exactly.
    notes
        Assumptions the analyst should know.
    """

    years: int
    seed: int
    engine: str
    workers: int
    countries: pd.DataFrame
    landing_points: pd.DataFrame
    cables: pd.DataFrame
    unconnected_countries: list[str]
    rates: FaultRates
    seconds: float = 0.0
    exact_checks: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``cablemap simulate --format json``."""
        country_keys = [
            "iso3",
            "probability_cut_off",
            "ci_low",
            "ci_high",
            "expected_days_cut_off",
            "top_cables",
        ]
        lp_keys = ["lp_id", "name", "iso3", *country_keys[1:]]
        cable_keys = [
            "cable_id",
            "name",
            "faults_per_year",
            "probability_fault",
            "simulated_faults_per_year",
            "seismic_faults_per_year",
            "country_losses_per_year",
            "countries",
        ]
        return {
            "years": self.years,
            "seed": self.seed,
            "engine": self.engine,
            "countries": _records(self.countries[country_keys]),
            "landing_points": _records(self.landing_points[lp_keys]),
            "cables": _records(self.cables[cable_keys]),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append(
            {
                k: round(float(v), 6) if isinstance(v, float | np.floating) else _plain(v)
                for k, v in row.items()
            }
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    return value


def _summary(
    plan: SimulationPlan,
    results: list[BlockResult],
    layers: Layers,
    engine: ScenarioEngine,
    rates: FaultRates,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = plan.years
    n_places = len(plan.places)
    cut_years = np.zeros(n_places, dtype=np.int64)
    cut_days = np.zeros(n_places)
    bg = np.zeros(len(plan.cable_ids), dtype=np.int64)
    eq = np.zeros(len(plan.cable_ids), dtype=np.int64)
    tally: dict[tuple[int, int], int] = {}
    for r in sorted(results, key=lambda r: r.block):
        cut_years += r.cut_years
        cut_days += r.cut_days
        bg += r.background_faults
        eq += r.seismic_faults
        for p, c, k in r.place_cable:
            tally[(int(p), int(c))] = tally.get((int(p), int(c)), 0) + int(k)
    low, high = wilson_interval(cut_years, n)
    top: dict[int, list[dict[str, Any]]] = {}
    for (p, c), k in sorted(tally.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        entries = top.setdefault(p, [])
        if len(entries) < TOP_CABLES:
            entries.append({"cable_id": plan.cable_ids[c], "share": round(k / cut_years[p], 4)})
    lps = layers.landing_points.set_index("lp_id")
    names = lps.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
    intl = engine.international_cables
    country_rows, lp_rows = [], []
    for i, place in enumerate(plan.places):
        base = {
            "probability_cut_off": cut_years[i] / n,
            "ci_low": float(low[i]),
            "ci_high": float(high[i]),
            "expected_days_cut_off": cut_days[i] / n,
            "years_cut_off": int(cut_years[i]),
            "top_cables": top.get(i, []),
        }
        if place.kind == "country":
            country_rows.append(
                {
                    "iso3": place.key,
                    "name": str(names.get(place.key, place.key)),
                    **base,
                    "international_cables": len(intl.get(place.key, ())),
                }
            )
        else:
            for lp in place.members:
                lp_rows.append(
                    {
                        "lp_id": lp,
                        "name": str(lps.at[lp, "name"]),
                        "iso3": str(lps.at[lp, "iso3"]),
                        **base,
                    }
                )
    order = ["probability_cut_off", "expected_days_cut_off"]
    columns = [*order[:1], "ci_low", "ci_high", order[1], "years_cut_off", "top_cables"]
    countries = pd.DataFrame(
        country_rows, columns=["iso3", "name", *columns, "international_cables"]
    )
    if len(countries):
        countries = countries.sort_values(
            [*order, "iso3"], ascending=[False, False, True]
        ).reset_index(drop=True)
    landing_points = pd.DataFrame(lp_rows, columns=["lp_id", "name", "iso3", *columns])
    if len(landing_points):
        landing_points = landing_points.sort_values(
            [*order, "lp_id"], ascending=[False, False, True]
        ).reset_index(drop=True)
    cables = _cable_rows(plan, tally, bg + eq, eq, layers, engine, rates)
    return countries, landing_points, cables


def _cable_rows(  # noqa: PLR0917 - the tallies of one run
    plan: SimulationPlan,
    tally: dict[tuple[int, int], int],
    faults: np.ndarray,
    seismic: np.ndarray,
    layers: Layers,
    engine: ScenarioEngine,
    rates: FaultRates,
) -> pd.DataFrame:
    """Per active cable: its rates, simulated faults, and the countries' losses it was part of."""
    n = plan.years
    losses: dict[int, dict[str, int]] = {}
    for (p, c), k in tally.items():
        if plan.places[p].kind == "country":
            losses.setdefault(c, {})[plan.places[p].key] = k
    names = layers.cables.set_index("cable_id")["name"]
    segments = engine.network.segments["cable_id"]
    active = sorted(set(segments[engine.base_edges[: len(segments)]]))
    index = {c: i for i, c in enumerate(plan.cable_ids)}
    rows = []
    for cable in active:
        c = index[cable]
        lost = losses.get(c, {})
        rows.append(
            {
                "cable_id": cable,
                "name": str(names.get(cable, cable)),
                "faults_per_year": float(rates.cables.at[cable, "faults_per_year"]),
                "probability_fault": float(rates.cables.at[cable, "probability_fault"]),
                "simulated_faults_per_year": faults[c] / n,
                "seismic_faults_per_year": seismic[c] / n,
                "country_losses_per_year": sum(lost.values()) / n,
                "countries": [k for k, _ in sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))],
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.sort_values(
            ["country_losses_per_year", "faults_per_year", "cable_id"],
            ascending=[False, False, True],
        )
    return frame.reset_index(drop=True)


def simulate_analysis(
    analysis: Analysis,
    *,
    faults: FaultModel | str | Path | None = None,
    quakes: gpd.GeoDataFrame | None = None,
    years: int | None = None,
    seed: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    on_block: Progress | None = None,
    on_estimate: Estimate | None = None,
    with_planned: bool | None = None,
) -> SimulationResult:
    """Simulate years of faults and repairs; how likely each country is to be cut off.

    The public entry point is :func:`cablemap.simulate` (or :meth:`Analysis.simulate
    <cablemap.risk.analysis.Analysis.simulate>`); this function runs on the analysis's full
    network and never builds one.

    Parameters
    ----------
    analysis
        The release, model and network (:class:`~cablemap.risk.analysis.Analysis`); its
        hazards are the earthquake catalogue unless ``quakes`` is given.
    faults
        The fault model; default the one the scoring model names, or
        ``risk_models/faults-v1.toml``.
    quakes
        An earthquake catalogue (:func:`cablemap.layers.hazards.earthquakes_from_file`).
    years, seed
        Default: the fault model's ``[simulation]``.
    engine
        ``"local"`` (blocks one after another in this process) or ``"dask"``.
    scheduler
        With ``engine="dask"``: the address of a running scheduler (``tcp://host:8786``);
        default a ``LocalCluster`` on this machine.
    workers
        Workers of the ``LocalCluster`` (default: one per core).
    client
        An existing ``dask.distributed.Client`` to use instead (``engine="dask"``).
    on_block
        Called as ``(blocks done, blocks)`` after each block (progress).
    on_estimate
        Called once, for runs of :data:`PILOT_MIN_BLOCKS` blocks or more, as ``(seconds,
        blocks)``: the time the whole run takes in one process, from the first block, timed
        before the others run.
    with_planned
        Simulate the planned cables too; by default when the model counts them.

    Returns
    -------
    SimulationResult
        Per country, landing point and cable; identical for the same seed and years whatever
        the engine or the number of workers.

    Raises
    ------
    SimulationError
        For years below 1 or above :data:`MAX_YEARS` (the fault model file's cap), an unknown
        engine, a scheduler without ``engine="dask"``, a malformed scheduler address, or a
        scheduler that does not answer (connection and handshake within
        :data:`SCHEDULER_TIMEOUT`), is no Dask scheduler, or has no workers.

    Examples
    --------
    >>> import cablemap as cm
    >>> from cablemap.risk.analysis import Analysis
    >>> result = Analysis(cm.load()).simulate(years=2000, seed=1)
    >>> result.countries.set_index("iso3").at["TON", "probability_cut_off"] > 0
    True
    """
    if engine not in ENGINES:
        msg = f"`engine` was {engine!r} but is expected to be in {list(ENGINES)}"
        raise SimulationError(msg)
    if (scheduler or client is not None) and engine != "dask":
        msg = "a scheduler (or client) is only used with engine 'dask'"
        raise SimulationError(msg)
    spec, layers = analysis.model, analysis.layers
    if isinstance(faults, FaultModel):
        fm = faults
    elif faults is not None:
        fm = load_fault_model(faults)
    else:
        fm = spec.faults if spec.faults is not None else load_fault_model()
    years = fm.years if years is None else int(years)
    seed = fm.seed if seed is None else int(seed)
    if years < 1:
        msg = f"`years` was {years!r} but must be at least 1"
        raise SimulationError(msg)
    if years > MAX_YEARS:
        msg = (
            f"`years` was {years:,} but must be at most {MAX_YEARS:,} (the cap of the fault "
            "model file's [simulation] years)"
        )
        raise SimulationError(msg)
    if scheduler:
        try:
            scheduler_address(scheduler)  # a malformed address fails now, not after a block
        except SchedulerError as exc:
            raise SimulationError(str(exc)) from None
    if seed < 0:
        msg = f"`seed` was {seed!r} but must be a non-negative integer"
        raise SimulationError(msg)
    quakes = analysis.hazards if quakes is None else quakes
    began = time.perf_counter()
    planned = "planned" in spec.statuses if with_planned is None else with_planned
    scenario = (
        ScenarioEngine.from_analysis(analysis, with_planned=True) if planned else analysis.engine
    )
    rates = fault_rates(scenario.network, layers, fm, quakes)
    plan = prepare_simulation(scenario, rates, years=years, seed=seed)
    logger.info(
        "Simulating %d years in %d blocks (%s): %d places watched, %.1f faults a year",
        years,
        plan.n_blocks,
        engine,
        len(plan.places),
        plan.background_total + float(rates.segments["seismic_per_year"].sum()),
    )
    first = _pilot(plan, on_block, on_estimate)
    if engine == "dask":
        results, n_workers = _run_dask(
            plan, on_block, scheduler=scheduler, workers=workers, client=client, first=first
        )
    else:
        results, n_workers = _run_local(plan, on_block, first), 1
    countries_frame, lp_frame, cable_frame = _summary(plan, results, layers, scenario, rates)
    _, unconnected = _unconnected(scenario)
    notes = list(rates.notes)
    notes.append(
        f"{years} years, fault model {fm.name!r}: {plan.background_total:.1f} background and "
        f"{float(rates.segments['seismic_per_year'].sum()):.1f} seismic faults a year expected "
        "on the active cables; repairs lognormal, median "
        f"{fm.median_days:g} days (at most {fm.max_days:g})"
    )
    return SimulationResult(
        years=years,
        seed=seed,
        engine=engine,
        workers=n_workers,
        countries=countries_frame,
        landing_points=lp_frame,
        cables=cable_frame,
        unconnected_countries=unconnected,
        rates=rates,
        seconds=time.perf_counter() - began,
        exact_checks=sum(r.exact_checks for r in results),
        notes=notes,
    )


def _unconnected(engine: ScenarioEngine) -> tuple[np.ndarray, list[str]]:
    reach = engine.base_reach
    return reach, [c for c, r in zip(engine.graph.countries, reach, strict=True) if r == 0]
