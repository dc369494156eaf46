"""Monte Carlo of faults and repairs: how likely each country is to be cut off by sea in a year.

Each simulated year draws fault **events** over the network (:mod:`cablemap.risk.network.topology`)
from the fault model (:mod:`cablemap.risk.hazards.rates`), cause by cause: independent faults
(one cable each), dragged-anchor events (every cable in the event's cell of a shallow corridor
or strait), earthquakes of the catalogue (each may break many of the cables near it) and the
rare events of a chokepoint (Luzon Strait sediment flows). Every fault is repaired after a
lognormal number of days of its **repair zone** (the maintenance zone of the waters it falls
in). A year is the window ``[0, 365)`` days; events of the preceding longest repair are drawn
too, so a year starts with the repairs still under way, as in a steady state.

A country is **cut off** while none of its landing points reaches another country's by sea (as
in :mod:`cablemap.risk.scenarios.engine`); a landing point while it reaches no other country
(so a country is cut off only while each of its landing points is), and **isolated** while it
reaches neither another country nor, off its country's main landmass, the main landmass. A
landing point with a cited non-cable backup (``backups.csv``: Matsu's microwave) is
**degraded** instead of cut off. Countries and landing points already cut off without any
fault are left out (``unconnected_countries``). Per country and landing point the simulation
reports the share of years with at least one cut-off (the yearly probability, with a 95 %
Wilson interval), the expected days cut off a year, and the cables that were down most often
while it was cut off; per cable, how often it was part of a country's loss; per cause, how
many events a year and how many cables each cut.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cablemap._errors import CablemapError
from cablemap.risk.hazards.rates import CAUSES, EventSource, FaultRates, fault_rates
from cablemap.risk.model.faults import _KEYS as _FAULT_KEYS
from cablemap.risk.model.faults import DAYS_PER_YEAR, FaultModel, load_fault_model
from cablemap.risk.network.connectivity import connected_labels
from cablemap.risk.scenarios.engine import ScenarioEngine
from cablemap.risk.simulation.places import Part, Place, watched_places
from cablemap.risk.simulation.results import (
    SimulationResult,
    summarise,
    wilson_interval,
)
from cablemap.risk.simulation.scheduler import (
    SchedulerError,
    check_scheduler,
    no_workers,
    scheduler_address,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.analysis import Analysis

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")
#: How long to wait for a Dask scheduler given by address: the connection and the handshake
#: together (and again for its first worker).
SCHEDULER_TIMEOUT = "10s"
#: The most years one simulation runs: the cap of the fault model file's ``[simulation] years``.
MAX_YEARS = int(_FAULT_KEYS["simulation"]["years"][1])
#: Runs of at least this many blocks time their first block and report the estimated time.
PILOT_MIN_BLOCKS = 3
#: Events cutting this many cables or more are tallied apart (Hengchun 2006 cut 8 systems).
LARGE_EVENT = 6
#: Faults of watched cables starting within this many days of each other form a group.
GROUP_DAYS = 1.0

__all__ = [
    "ENGINES",
    "BlockResult",
    "SimulationError",
    "SimulationPlan",
    "SimulationResult",
    "prepare_simulation",
    "run_block",
    "simulate_analysis",
    "wilson_interval",
]


class SimulationError(CablemapError, ValueError):
    """A simulation was asked for with unusable settings (years, engine, scheduler)."""


# ----------------------------------------------------------------------------- the plan
@dataclass
class Draws:
    """One cause's events, restricted to the active segments (arrays only, for the workers).

    Attributes
    ----------
    cause
        Index into :data:`cablemap.risk.hazards.rates.CAUSES`.
    cumulative, total
        Cumulative rate over the kinds of event, and the total (events a year).
    ptr, segment, zone
        Per kind (CSR): the segments it may cut and the repair zone of each cut.
    trigger, cut
        Per kind: the chance that an event cuts anything, then each of its segments; ``None``
        where every chance is 1 (no random numbers drawn for them).
    area
        Per kind: the chokepoint it lies in, or -1.
    """

    cause: int
    cumulative: np.ndarray
    total: float
    ptr: np.ndarray
    segment: np.ndarray
    zone: np.ndarray
    trigger: np.ndarray | None
    cut: np.ndarray | None
    area: np.ndarray


def _draws(cause: int, source: EventSource, seg_active: np.ndarray) -> Draws:
    """Keep the cuts on active segments, and the kinds of event left with any."""
    n_kinds = len(source.rate)
    kind_of_cut = np.repeat(np.arange(n_kinds), np.diff(source.ptr))
    keep_cut = seg_active[source.segment]
    live = np.bincount(kind_of_cut[keep_cut], minlength=n_kinds)
    alive = (live > 0) & (source.rate > 0) & (source.trigger > 0)
    keep_cut &= alive[kind_of_cut]
    rate = source.rate[alive]
    trigger, cut = source.trigger[alive], source.cut[alive]
    return Draws(
        cause=cause,
        cumulative=np.cumsum(rate),
        total=float(rate.sum()),
        ptr=np.concatenate([[0], np.cumsum(live[alive])]).astype(np.int64),
        segment=source.segment[keep_cut],
        zone=source.zone[keep_cut],
        trigger=None if np.all(trigger >= 1.0) else trigger,
        cut=None if np.all(cut >= 1.0) else cut,
        area=source.area[alive],
    )


@dataclass
class SimulationPlan:
    """Everything a block of years needs: arrays only, so it travels to Dask workers cheaply.

    Attributes
    ----------
    years, seed, block_years
        What to simulate; block ``b`` covers years ``b * block_years`` onwards.
    cable_ids, seg_cable
        Cables (sorted) and the cable of every segment (index into ``cable_ids``).
    draws
        The causes' events, in the order of :data:`~cablemap.risk.hazards.rates.CAUSES`.
    zone_mu, zone_sigma, zone_cap
        Per repair zone: ln of the median, sigma and cap (days) of its lognormal.
    lookback
        Days before a year whose events are drawn too (the longest repair).
    n_areas
        Chokepoints the events' ``area`` refers to.
    places, parts
        The countries and landing-point groups watched, and the parts of their ways out
        (:mod:`cablemap.risk.simulation.places`).
    screen, screen_parts, slots_per_part
        Segments x slots and slots x parts incidence (sparse), and slots per part.
    gated
        Per part, whether it is used only by places whose parts are checked in their gate's
        cut-off years alone.
    watch
        Per cable, whether it is watched for faults of several at once (the calibration's
        cables), or ``None``.
    """

    years: int
    seed: int
    block_years: int
    cable_ids: list[str]
    seg_cable: np.ndarray
    draws: list[Draws]
    zone_mu: np.ndarray
    zone_sigma: np.ndarray
    zone_cap: np.ndarray
    lookback: float
    n_areas: int
    places: list[Place]
    parts: list[Part]
    screen: sp.csr_matrix
    screen_parts: sp.csr_matrix
    slots_per_part: np.ndarray
    gated: np.ndarray
    watch: np.ndarray | None = None

    @property
    def n_blocks(self) -> int:
        """Number of blocks the years fall into."""
        return math.ceil(self.years / self.block_years)

    @property
    def events_per_year(self) -> float:
        """Events a year of every cause (those that may cut an active segment)."""
        return float(sum(d.total for d in self.draws))


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
    cause_faults
        Per cable and cause: faults that started in the block's years.
    events
        Per cause, of the events that started in the block's years and cut anything: events,
        cables cut, events cutting two cables or more, :data:`LARGE_EVENT` or more, the largest.
    area_events
        The same per chokepoint (the events that lie in it), one row per chokepoint.
    watch_days, watch_events, watch_groups
        With watched cables: days with two or more of them down at once, events that cut two
        or more of them, and groups of faults of two or more starting within
        :data:`GROUP_DAYS` of each other.
    exact_checks
        Intervals whose connectivity was computed (for the benchmark).
    """

    block: int
    years: int
    cut_years: np.ndarray
    cut_days: np.ndarray
    place_cable: np.ndarray
    cause_faults: np.ndarray
    events: np.ndarray
    area_events: np.ndarray
    watch_days: float
    watch_events: int
    watch_groups: int
    exact_checks: int


def prepare_simulation(
    engine: ScenarioEngine,
    rates: FaultRates,
    *,
    years: int,
    seed: int,
    watch: list[str] | None = None,
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
    watch
        Cables whose faults of several at once are tallied (the calibration's); default none.

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
    repairs = fm.repair_times
    watched = None
    if watch is not None:
        watched = np.isin(np.array(cable_ids, dtype=object), np.array(watch, dtype=object))
    return SimulationPlan(
        years=years,
        seed=seed,
        block_years=fm.block_years,
        cable_ids=cable_ids,
        seg_cable=seg_cable,
        draws=[_draws(i, rates.sources[c], seg_active) for i, c in enumerate(CAUSES)],
        zone_mu=np.array([math.log(r.median_days) for r in repairs]),
        zone_sigma=np.array([r.sigma for r in repairs]),
        zone_cap=np.array([r.max_days for r in repairs]),
        lookback=fm.longest_repair_days,
        n_areas=len(rates.chokepoint_ids),
        places=places,
        parts=parts,
        screen=screen,
        screen_parts=screen_parts,
        slots_per_part=np.array([len(p.slots) for p in parts], dtype=np.int64),
        gated=_gated(places, len(parts)),
        watch=watched,
    )


def _gated(places: list[Place], n_parts: int) -> np.ndarray:
    """Parts used only by places with a gate (checked only in the gate's cut-off years)."""
    gated = np.zeros(n_parts, dtype=bool)
    for place in places:
        if place.gate >= 0:
            gated[place.parts] = True
    for place in places:
        if place.gate < 0:
            gated[place.parts] = False
    return gated


# ----------------------------------------------------------------------------- one block
@dataclass
class Faults:
    """A block's faults (one row per cut segment) and the events they came from.

    Attributes
    ----------
    year, segment, start, end, event
        Per fault: year in the block, segment, start and end day (relative to the year's
        start; negative: before it), and the event (row of the event arrays).
    event_cause, event_area, event_year, event_start
        Per event that cut anything: cause, chokepoint (-1: none), year and start day.
    """

    year: np.ndarray
    segment: np.ndarray
    start: np.ndarray
    end: np.ndarray
    event: np.ndarray
    event_cause: np.ndarray
    event_area: np.ndarray
    event_year: np.ndarray
    event_start: np.ndarray


def _draw_cause(
    d: Draws, rng: np.random.Generator, n_years: int, lookback: float
) -> tuple[np.ndarray, ...]:
    """One cause's events of a block and their cuts.

    The draws, in this order: events per year (Poisson), which kind (by rate), their start
    days, whether each triggers (where not certain), which of its segments each cuts (where
    not certain).

    Returns
    -------
    tuple of ndarray
        Per event: year, start, area; per cut: event (position in those), segment, zone.
    """
    scale = (DAYS_PER_YEAR + lookback) / DAYS_PER_YEAR
    n = rng.poisson(d.total * scale, n_years)
    total = int(n.sum())
    year = np.repeat(np.arange(n_years), n)
    pick = rng.random(total) * (d.cumulative[-1] if len(d.cumulative) else 0.0)
    kind = np.minimum(np.searchsorted(d.cumulative, pick, side="right"), len(d.cumulative) - 1)
    start = rng.uniform(-lookback, DAYS_PER_YEAR, total)
    if d.trigger is not None:
        fired = rng.random(total) < d.trigger[kind]
        year, kind, start = year[fired], kind[fired], start[fired]
    counts = d.ptr[kind + 1] - d.ptr[kind]
    pair = np.repeat(d.ptr[kind], counts) + _within(counts)
    owner = np.repeat(np.arange(len(kind)), counts)
    if d.cut is not None:
        cut = rng.random(len(pair)) < d.cut[np.repeat(kind, counts)]
        pair, owner = pair[cut], owner[cut]
        hit = np.zeros(len(kind), dtype=bool)
        hit[owner] = True
        renumber = np.cumsum(hit) - 1
        year, kind, start, owner = year[hit], kind[hit], start[hit], renumber[owner]
    return year, start, d.area[kind], owner, d.segment[pair], d.zone[pair]


def _draw_faults(plan: SimulationPlan, rng: np.random.Generator, n_years: int) -> Faults:
    """Faults of a block, cause by cause (:func:`_draw_cause`), then every fault's repair.

    Repair days: ``exp(mu + sigma x N(0, 1))`` of the fault's zone, at most its cap. Faults
    whose repair ends before the first year begins are dropped.
    """
    parts = [_draw_cause(d, rng, n_years, plan.lookback) for d in plan.draws]
    offsets = np.cumsum([0] + [len(p[0]) for p in parts])
    event_cause = np.concatenate(
        [np.full(len(p[0]), d.cause, dtype=np.int8) for p, d in zip(parts, plan.draws, strict=True)]
    )
    event_year = np.concatenate([p[0] for p in parts])
    event_start = np.concatenate([p[1] for p in parts])
    event_area = np.concatenate([p[2] for p in parts]).astype(np.int64)
    event = np.concatenate([p[3] + o for p, o in zip(parts, offsets[:-1], strict=True)])
    segment = np.concatenate([p[4] for p in parts]).astype(np.int64)
    zone = np.concatenate([p[5] for p in parts]).astype(np.int64)
    normal = rng.standard_normal(len(segment))
    days = np.minimum(
        np.exp(plan.zone_mu[zone] + plan.zone_sigma[zone] * normal), plan.zone_cap[zone]
    )
    start = event_start[event]
    end = start + days
    keep = end > 0
    return Faults(
        year=event_year[event][keep],
        segment=segment[keep],
        start=start[keep],
        end=end[keep],
        event=event[keep],
        event_cause=event_cause,
        event_area=event_area,
        event_year=event_year,
        event_start=event_start,
    )


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


def _event_tallies(
    plan: SimulationPlan, f: Faults, n_years: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cable and cause the faults, and per cause and chokepoint the events' sizes.

    Only events that start in the block's years count (not those of the look-back).

    Returns
    -------
    tuple of ndarray
        ``cause_faults`` (cables x causes), ``events`` (causes x 5: events, cables cut, two or
        more, :data:`LARGE_EVENT` or more, largest) and ``area_events`` (chokepoints x 5).
    """
    n_cables, n_causes = len(plan.cable_ids), len(CAUSES)
    began = f.event_start[f.event] >= 0
    cable = plan.seg_cable[f.segment[began]]
    event = f.event[began]
    pairs = np.unique(event * n_cables + cable)
    ev, cb = pairs // n_cables, pairs % n_cables
    cause = f.event_cause[ev].astype(np.int64)
    cause_faults = np.bincount(cb * n_causes + cause, minlength=n_cables * n_causes).reshape(
        n_cables, n_causes
    )
    events, size = np.unique(ev, return_counts=True)
    ev_cause = f.event_cause[events].astype(np.int64)
    ev_area = f.event_area[events]
    return (
        cause_faults,
        _size_table(ev_cause, size, n_causes),
        _size_table(ev_area[ev_area >= 0], size[ev_area >= 0], plan.n_areas),
    )


def _size_table(group: np.ndarray, size: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group: events, cables cut, events of 2+ cables, of LARGE_EVENT+, the largest."""
    out = np.zeros((n_groups, 5), dtype=np.int64)
    out[:, 0] = np.bincount(group, minlength=n_groups)
    out[:, 1] = np.bincount(group, weights=size, minlength=n_groups).astype(np.int64)
    out[:, 2] = np.bincount(group[size >= 2], minlength=n_groups)
    out[:, 3] = np.bincount(group[size >= LARGE_EVENT], minlength=n_groups)
    np.maximum.at(out[:, 4], group, size)
    return out


def _watch_tallies(plan: SimulationPlan, f: Faults) -> tuple[float, int, int]:
    """Faults of several watched cables at once.

    Returns
    -------
    tuple
        Days with two or more watched cables down at once; events that cut two or more; and
        groups of faults on two or more watched cables each starting within
        :data:`GROUP_DAYS` of the one before (how a fault list shows them).
    """
    if plan.watch is None:
        return 0.0, 0, 0
    n_cables = len(plan.cable_ids)
    cable = plan.seg_cable[f.segment]
    mine = plan.watch[cable]
    began = mine & (f.event_start[f.event] >= 0)
    pairs = np.unique(f.event[began] * n_cables + cable[began])
    _, size = np.unique(pairs // n_cables, return_counts=True)
    return _multi_down_days(f, cable, mine), int((size >= 2).sum()), _groups(f, cable, began)


def _groups(f: Faults, cable: np.ndarray, began: np.ndarray) -> int:
    """Count groups of faults (chained within GROUP_DAYS in a year) on two or more cables."""
    order = np.lexsort((f.start[began], f.year[began]))
    year, start, cab = f.year[began][order], f.start[began][order], cable[began][order]
    if not len(year):
        return 0
    new = np.r_[True, (year[1:] != year[:-1]) | (np.diff(start) > GROUP_DAYS)]
    group = np.cumsum(new) - 1
    distinct = np.unique(group * (cab.max() + 1) + cab) // (cab.max() + 1)
    return int((np.bincount(distinct) >= 2).sum())


def _multi_down_days(f: Faults, cable: np.ndarray, mine: np.ndarray) -> float:
    """Days (summed over the years) with two or more of the watched cables down at once."""
    frame = pd.DataFrame(
        {
            "year": f.year[mine],
            "cable": cable[mine],
            "start": np.maximum(f.start[mine], 0.0),
            "end": np.minimum(f.end[mine], DAYS_PER_YEAR),
        }
    )
    frame = frame[frame["end"] > frame["start"]].sort_values(["year", "cable", "start"])
    if frame.empty:
        return 0.0
    # merge the intervals of one cable in a year, then sweep the year: +1 at a start, -1 at an end
    reach = frame.groupby(["year", "cable"])["end"].cummax()
    previous = reach.groupby([frame["year"], frame["cable"]]).shift().fillna(-1.0)
    run = (frame["start"] > previous).cumsum()
    merged = frame.groupby(run).agg(year=("year", "first"), start=("start", "first"))
    merged["end"] = reach.groupby(run).max()
    times = np.concatenate([merged["start"], merged["end"]])
    years = np.concatenate([merged["year"], merged["year"]])
    step = np.concatenate([np.ones(len(merged)), -np.ones(len(merged))])
    order = np.lexsort((step, times, years))
    times, years, level = times[order], years[order], np.cumsum(step[order])
    width = np.where(years[1:] == years[:-1], np.diff(times), 0.0)
    return float(width[level[:-1] >= 2].sum())


@dataclass
class _YearFaults:
    """A block's faults sorted by year, with pointers to each year's first."""

    year: np.ndarray
    segment: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cable: np.ndarray
    ptr: np.ndarray


def _check_parts(
    plan: SimulationPlan, f: _YearFaults, cand_year: np.ndarray, cand_part: np.ndarray
) -> tuple[dict[int, tuple[np.ndarray, ...]], int]:
    """Check candidate (year, part) pairs exactly; the broken intervals of each part."""
    broken: dict[int, tuple[np.ndarray, ...]] = {}
    checks = 0
    if not len(cand_part):
        return broken, checks
    by_part = np.lexsort((cand_year, cand_part))
    cand_year, cand_part = cand_year[by_part], cand_part[by_part]
    bounds = np.flatnonzero(np.r_[True, cand_part[1:] != cand_part[:-1], True])
    for lo, hi in itertools.pairwise(bounds.tolist()):
        years = cand_year[lo:hi]
        lengths = f.ptr[years + 1] - f.ptr[years]
        idx = np.repeat(f.ptr[years], lengths) + _within(lengths)
        *hit, n_states = _check_part(
            plan.parts[int(cand_part[lo])],
            years,
            f.year[idx],
            f.segment[idx],
            f.start[idx],
            f.end[idx],
            f.cable[idx],
        )
        checks += n_states
        if len(hit[0]):
            broken[int(cand_part[lo])] = tuple(hit)
    return broken, checks


def _candidates(plan: SimulationPlan, f: _YearFaults, n_years: int) -> tuple[np.ndarray, ...]:
    """(year, part) pairs where every slot of the part has a fault in the year."""
    found = sp.csr_matrix(
        (np.ones(len(f.segment), dtype=np.int32), (f.year, f.segment)),
        shape=(n_years, plan.screen.shape[0]),
    )
    slots_hit = found @ plan.screen
    slots_hit.data = np.ones_like(slots_hit.data)
    per_part = (slots_hit @ plan.screen_parts).tocoo()
    candidate = per_part.data == plan.slots_per_part[per_part.col]
    return per_part.row[candidate], per_part.col[candidate]


def _broken_places(
    plan: SimulationPlan, f: _YearFaults, n_years: int
) -> tuple[dict[int, list[tuple[np.ndarray, ...]]], int]:
    """Find the broken intervals of each place's parts (and of the places it includes).

    Two passes: every part but the gated ones; then the places that include others or whose
    parts are gated (checked only in the years their gate place is cut off).
    """
    if not len(f.segment) or not plan.parts:
        return {}, 0
    cand_year, cand_part = _candidates(plan, f, n_years)
    first = ~plan.gated[cand_part]
    broken, checks = _check_parts(plan, f, cand_year[first], cand_part[first])
    hits: dict[int, list[tuple[np.ndarray, ...]]] = {}
    later = []
    for p, place in enumerate(plan.places):
        if place.with_places or place.gate >= 0:
            later.append(p)
        else:
            hits[p] = [broken[i] for i in place.parts if i in broken]
    gate_years: dict[int, set[int]] = {}
    for p in later:
        gate = plan.places[p].gate
        if gate >= 0 and hits.get(gate):
            opened = set(np.concatenate([h[0] for h in hits[gate]]).tolist())
            for i in plan.places[p].parts:
                gate_years.setdefault(i, set()).update(opened)
    if gate_years:
        keep = np.array(
            [
                int(y) in gate_years.get(int(q), ())
                for y, q in zip(cand_year, cand_part, strict=True)
            ],
            dtype=bool,
        )
        more, n = _check_parts(plan, f, cand_year[keep & ~first], cand_part[keep & ~first])
        broken |= more
        checks += n
    for p in later:
        place = plan.places[p]
        own = [broken[i] for i in place.parts if i in broken]
        hits[p] = own + [h for q in place.with_places for h in hits[q]]
    return hits, checks


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
    faults = _draw_faults(plan, rng, n_years)
    cause_faults, events, area_events = _event_tallies(plan, faults, n_years)
    watch_days, watch_events, watch_groups = _watch_tallies(plan, faults)
    order = np.argsort(faults.year, kind="stable")
    by_year = _YearFaults(
        year=faults.year[order],
        segment=faults.segment[order],
        start=faults.start[order],
        end=faults.end[order],
        cable=plan.seg_cable[faults.segment[order]],
        ptr=np.searchsorted(faults.year[order], np.arange(n_years + 1)),
    )
    hits, checks = _broken_places(plan, by_year, n_years)
    n_places = len(plan.places)
    cut_years = np.zeros(n_places, dtype=np.int64)
    cut_days = np.zeros(n_places)
    tallies: list[np.ndarray] = []
    for p, place_hits in hits.items():
        if not place_hits:
            continue
        days = _union_days(*(np.concatenate([h[j] for h in place_hits]) for j in range(3)))
        cut_years[p] = len(days)
        cut_days[p] = float(sum(days.values()))
        pairs = np.unique(
            np.column_stack(
                [
                    np.concatenate([h[3] for h in place_hits]),
                    np.concatenate([h[4] for h in place_hits]),
                ]
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
        cause_faults=cause_faults.astype(np.int64),
        events=events,
        area_events=area_events,
        watch_days=watch_days,
        watch_events=watch_events,
        watch_groups=watch_groups,
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
    watch: list[str] | None = None,
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
        ``risk_models/faults-v2.toml``.
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
    watch
        Cables whose faults of several at once are tallied (``SimulationResult.watched``).

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
    rates = fault_rates(scenario.network, layers, fm, quakes, spec.chokepoints)
    plan = prepare_simulation(scenario, rates, years=years, seed=seed, watch=watch)
    logger.info(
        "Simulating %d years in %d blocks (%s): %d places watched, %.1f events a year",
        years,
        plan.n_blocks,
        engine,
        len(plan.places),
        plan.events_per_year,
    )
    first = _pilot(plan, on_block, on_estimate)
    if engine == "dask":
        results, n_workers = _run_dask(
            plan, on_block, scheduler=scheduler, workers=workers, client=client, first=first
        )
    else:
        results, n_workers = _run_local(plan, on_block, first), 1
    tables = summarise(plan, results, layers, scenario, rates)
    _, unconnected = _unconnected(scenario)
    return SimulationResult(
        years=years,
        seed=seed,
        engine=engine,
        workers=n_workers,
        countries=tables["countries"],
        landing_points=tables["landing_points"],
        cables=tables["cables"],
        unconnected_countries=unconnected,
        rates=rates,
        events=tables["events"],
        chokepoint_events=tables["chokepoint_events"],
        watched=tables["watched"],
        seconds=time.perf_counter() - began,
        exact_checks=sum(r.exact_checks for r in results),
        notes=[*rates.notes, *tables["notes"], *_model_notes(years, fm, rates)],
    )


def _model_notes(years: int, fm: FaultModel, rates: FaultRates) -> list[str]:
    """Say what the run assumed: faults a year by cause, repair times, definitions."""
    seg = rates.segments
    zones = ", ".join(f"{r.zone} {r.median_days:g}" for r in fm.repair_times)
    return [
        f"{years} years, fault model {fm.name!r}: "
        f"{float(seg['independent_per_year'].sum()):.1f} independent, "
        f"{float(seg['anchor_per_year'].sum()):.1f} anchor, "
        f"{float(seg['seismic_per_year'].sum()):.1f} earthquake and "
        f"{float(seg['chokepoint_per_year'].sum()):.1f} chokepoint-event faults a year expected "
        "on the network's cables (planned ones included; the active ones are drawn); repairs "
        f"lognormal by zone, median days: {zones}",
        "landing points: cut off = no path to another country (a country is cut off only while "
        "each of its landing points is); isolated = no path abroad nor to the country's main "
        "landmass; degraded = cut off but served by a cited non-cable backup",
    ]


def _unconnected(engine: ScenarioEngine) -> tuple[np.ndarray, list[str]]:
    reach = engine.base_reach
    return reach, [c for c, r in zip(engine.graph.countries, reach, strict=True) if r == 0]
