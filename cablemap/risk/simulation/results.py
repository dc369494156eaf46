"""What a simulation found: per country, landing point, cable and cause (the result's tables).

The tallies of the blocks of years (:func:`cablemap.risk.simulation.simulate.run_block`) are
added in block order and turned into :class:`SimulationResult`: yearly probabilities with
95 % Wilson intervals, expected days, the cables down when a place was cut off, and the
events of each cause (how many a year, how many cables each cut).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._geo import km_for_chord, unit_vectors
from cablemap.risk.hazards.rates import CAUSES, FaultRates, point_zones

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.scenarios.engine import ScenarioEngine
    from cablemap.risk.simulation.simulate import BlockResult, SimulationPlan

#: Two-sided 95 % normal quantile, for Wilson score intervals.
Z95 = 1.959963984540054
#: Cables listed per country or landing point in ``top_cables``.
TOP_CABLES = 5
_SIZE_COLUMNS = ("events", "faults", "multi_cable", "large", "largest")
#: What the simulation says of each place (country or landing point), in column order.
_OUTCOME = (
    "probability_cut_off",
    "ci_low",
    "ci_high",
    "expected_days_cut_off",
    "years_cut_off",
    "top_cables",
)
#: The columns of :attr:`SimulationResult.countries` and ``.landing_points``.
COUNTRY_COLUMNS = ("iso3", "name", *_OUTCOME, "international_cables", "repair_zone")
LANDING_POINT_COLUMNS = (
    "lp_id",
    "name",
    "iso3",
    *_OUTCOME,
    "probability_isolated",
    "expected_days_isolated",
    "probability_degraded",
    "expected_days_degraded",
    "backup",
)
#: Table columns left out of ``cablemap simulate --format json``.
_NOT_IN_JSON = {
    "countries": ("name", "years_cut_off", "international_cables"),
    "landing_points": ("years_cut_off",),
}


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
        years in which the cable was down), ``international_cables``, ``repair_zone`` (of most
        of its landing points); most at risk first.
    landing_points
        Per landing point (``lp_id``, ``name``, ``iso3``): the same columns for *cut off* (no
        path to another country: a country is cut off only while each of its landing points
        is), ``probability_isolated`` and ``expected_days_isolated`` (no path abroad nor to its
        country's main landmass; the same as cut off on the main landmass), and for a point
        with a cited non-cable backup ``probability_degraded``, ``expected_days_degraded`` and
        ``backup`` (its cut-off and isolation then count as degraded, and as 0).
    cables
        Per active cable: ``cable_id``, ``name``, ``faults_per_year`` and ``probability_fault``
        (the model's), ``simulated_faults_per_year``, ``seismic_faults_per_year``,
        ``anchor_faults_per_year`` (simulated), ``repair_zone``, ``country_losses_per_year``
        (cut-offs of countries it was part of, per year), ``countries`` (those countries, most
        often first).
    events
        Per cause (:data:`~cablemap.risk.hazards.rates.CAUSES`): ``events_per_year`` (events
        that cut anything), ``faults_per_year`` (cables cut), ``cables_per_event``,
        ``multi_cable_per_year`` (events cutting two cables or more), ``large_per_year``
        (six or more), ``largest``.
    chokepoint_events
        The same per chokepoint, for the events that lie in it (an anchor cell, an epicentre,
        a chokepoint event).
    unconnected_countries
        Countries with no submarine path abroad even without faults (not simulated).
    rates
        The fault rates used.
    watched
        With watched cables (the calibration's): ``cables``, ``multi_down_days_per_year``
        (days a year with two or more of them down at once), ``multi_cable_events_per_year``
        (events cutting two or more) and ``multi_cable_groups_per_year`` (faults of two or more
        starting within a day of each other, as a fault list shows them).
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
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    chokepoint_events: pd.DataFrame = field(default_factory=pd.DataFrame)
    watched: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    exact_checks: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def multi_cable_events_per_year(self) -> float:
        """Events a year that cut two cables or more (every cause)."""
        return float(self.events["multi_cable_per_year"].sum()) if len(self.events) else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``cablemap simulate --format json``."""
        country_keys = [c for c in COUNTRY_COLUMNS if c not in _NOT_IN_JSON["countries"]]
        lp_keys = [c for c in LANDING_POINT_COLUMNS if c not in _NOT_IN_JSON["landing_points"]]
        cable_keys = [
            "cable_id",
            "name",
            "faults_per_year",
            "probability_fault",
            "simulated_faults_per_year",
            "seismic_faults_per_year",
            "anchor_faults_per_year",
            "repair_zone",
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
            "events_by_cause": {
                row.pop("cause"): row for row in _records(self.events.reset_index())
            },
            "multi_cable_events_per_year": round(self.multi_cable_events_per_year, 6),
            "multi_cable_events_by_chokepoint": {
                row.pop("chokepoint"): row for row in _records(self.chokepoint_events.reset_index())
            },
            "notes": list(self.notes),
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


@dataclass
class _Totals:
    """The blocks' tallies, added in block order."""

    cut_years: np.ndarray
    cut_days: np.ndarray
    cause_faults: np.ndarray
    events: np.ndarray
    area_events: np.ndarray
    tally: dict[tuple[int, int], int]
    watch_days: float
    watch_events: int
    watch_groups: int


def _add(plan: SimulationPlan, results: list[BlockResult]) -> _Totals:
    first = results[0] if results else None
    totals = _Totals(
        cut_years=np.zeros(len(plan.places), dtype=np.int64),
        cut_days=np.zeros(len(plan.places)),
        cause_faults=np.zeros((len(plan.cable_ids), len(CAUSES)), dtype=np.int64),
        events=np.zeros((len(CAUSES), 5), dtype=np.int64),
        area_events=np.zeros((plan.n_areas, 5), dtype=np.int64),
        tally={},
        watch_days=0.0,
        watch_events=0,
        watch_groups=0,
    )
    if first is None:
        return totals
    for r in sorted(results, key=lambda r: r.block):
        totals.cut_years += r.cut_years
        totals.cut_days += r.cut_days
        totals.cause_faults += r.cause_faults
        totals.events[:, :4] += r.events[:, :4]
        totals.events[:, 4] = np.maximum(totals.events[:, 4], r.events[:, 4])
        totals.area_events[:, :4] += r.area_events[:, :4]
        totals.area_events[:, 4] = np.maximum(totals.area_events[:, 4], r.area_events[:, 4])
        totals.watch_days += r.watch_days
        totals.watch_events += r.watch_events
        totals.watch_groups += r.watch_groups
        for p, c, k in r.place_cable:
            key = (int(p), int(c))
            totals.tally[key] = totals.tally.get(key, 0) + int(k)
    return totals


def _size_frame(table: np.ndarray, index: list[str], name: str, years: int) -> pd.DataFrame:
    frame = pd.DataFrame(table, columns=list(_SIZE_COLUMNS), index=pd.Index(index, name=name))
    events = frame["events"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "events_per_year": events / years,
            "faults_per_year": frame["faults"] / years,
            "cables_per_event": np.divide(
                frame["faults"], events, out=np.zeros(len(frame)), where=events > 0
            ),
            "multi_cable_per_year": frame["multi_cable"] / years,
            "large_per_year": frame["large"] / years,
            "largest": frame["largest"].astype(np.int64),
        },
        index=frame.index,
    )


def _backed_up(layers: Layers, rates: FaultRates) -> tuple[dict[str, Any], list[str]]:
    """Landing point id -> the latest cited backup covering it; and notes on the backups."""
    out: dict[str, Any] = {}
    notes: list[str] = []
    lps = layers.landing_points.dropna(subset=["iso3"])
    xyz = unit_vectors(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy())
    for backup in sorted(rates.model.backups, key=lambda b: b.as_of):
        centre = unit_vectors([backup.lon], [backup.lat])[0]
        km = km_for_chord(np.linalg.norm(xyz - centre, axis=1))
        near = (km <= backup.radius_km) & (lps["iso3"].to_numpy() == backup.iso3)
        for lp in lps["lp_id"].to_numpy()[near]:
            out[str(lp)] = backup
        low, high = backup.capacity_share
        notes.append(
            f"backup {backup.backup_id} ({backup.place}: {backup.backup}, "
            f"{low:.0%}-{high:.0%} of peak traffic as of {backup.as_of}): "
            + (
                f"{int(near.sum())} landing point(s) degraded, not cut off, while their cables "
                "are down"
                if near.any()
                else "no landing point of this release lies there; not applied"
            )
        )
    return out, notes


def _place_row(i: int, t: _Totals, n: int, top: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    low, high = wilson_interval(t.cut_years[i], n)
    return {
        "probability_cut_off": t.cut_years[i] / n,
        "ci_low": float(low),
        "ci_high": float(high),
        "expected_days_cut_off": t.cut_days[i] / n,
        "years_cut_off": int(t.cut_years[i]),
        "top_cables": top.get(i, []),
    }


def _landing_rows(
    plan: SimulationPlan, t: _Totals, layers: Layers, rates: FaultRates, top: dict
) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per landing point of a watched group: cut off, isolated, degraded; and notes."""
    n = plan.years
    lps = layers.landing_points.set_index("lp_id")
    isolated = {p.key: i for i, p in enumerate(plan.places) if p.kind == "landing_point"}
    abroad = {p.key: i for i, p in enumerate(plan.places) if p.kind == "abroad"}
    backups, notes = _backed_up(layers, rates)
    rows, never = [], 0
    for j, place in enumerate(plan.places):
        if place.kind == "country" or (place.kind == "landing_point" and place.key in abroad):
            continue  # countries apart; a group with both places once, from its abroad place
        if place.off_main and place.key not in abroad:
            never += len(place.members)  # reaches its main landmass, never abroad
            continue
        i = isolated.get(place.key)
        cut = _place_row(j, t, n, top)  # the abroad place, or on the main landmass the only one
        isolated_row = (
            _place_row(i, t, n, top)
            if i is not None
            else {"probability_cut_off": 0.0, "expected_days_cut_off": 0.0}
        )
        backup = next((backups[lp] for lp in place.members if lp in backups), None)
        degraded = {"probability_degraded": 0.0, "expected_days_degraded": 0.0}
        if backup is not None:
            degraded = {
                "probability_degraded": cut["probability_cut_off"],
                "expected_days_degraded": cut["expected_days_cut_off"],
            }
            cut |= {"probability_cut_off": 0.0, "ci_low": 0.0, "ci_high": 0.0}
            cut |= {"expected_days_cut_off": 0.0, "years_cut_off": 0}
            isolated_row = {"probability_cut_off": 0.0, "expected_days_cut_off": 0.0}
        for lp in place.members:
            rows.append(
                {
                    "lp_id": lp,
                    "name": str(lps.at[lp, "name"]),
                    "iso3": str(lps.at[lp, "iso3"]),
                    **cut,
                    "probability_isolated": isolated_row["probability_cut_off"],
                    "expected_days_isolated": isolated_row["expected_days_cut_off"],
                    **degraded,
                    "backup": None
                    if backup is None
                    else f"{backup.backup} ({backup.backup_id}, {backup.as_of})",
                }
            )
    if never:
        notes.append(
            f"{never} landing point(s) reach their country's main landmass but never another "
            "country (their country has no submarine path abroad): not listed"
        )
    return rows, notes


def country_zones(layers: Layers, rates: FaultRates) -> dict[str, str]:
    """Return each country's repair zone: that of most of its landing points."""
    lps = layers.landing_points.dropna(subset=["iso3"])
    if lps.empty:
        return {}
    zone = point_zones(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy(), layers, rates.model)
    names = [r.zone for r in rates.model.repair_times]
    frame = pd.DataFrame({"iso3": lps["iso3"].to_numpy(), "zone": zone})
    counts = frame.groupby(["iso3", "zone"]).size().reset_index(name="n")
    best = counts.sort_values(["iso3", "n", "zone"], ascending=[True, False, True])
    return {r.iso3: names[int(r.zone)] for r in best.drop_duplicates("iso3").itertuples()}


def summarise(
    plan: SimulationPlan,
    results: list[BlockResult],
    layers: Layers,
    engine: ScenarioEngine,
    rates: FaultRates,
) -> dict[str, Any]:
    """Add the blocks' tallies and build the result's tables.

    Returns
    -------
    dict
        ``countries``, ``landing_points``, ``cables``, ``events``, ``chokepoint_events``,
        ``watched`` (see :class:`SimulationResult`) and ``notes``.
    """
    n = plan.years
    t = _add(plan, results)
    top: dict[int, list[dict[str, Any]]] = {}
    for (p, c), k in sorted(t.tally.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        entries = top.setdefault(p, [])
        if len(entries) < TOP_CABLES:
            entries.append({"cable_id": plan.cable_ids[c], "share": round(k / t.cut_years[p], 4)})
    lps = layers.landing_points.set_index("lp_id")
    names = lps.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
    intl = engine.international_cables
    zones = country_zones(layers, rates)
    country_rows = [
        {
            "iso3": place.key,
            "name": str(names.get(place.key, place.key)),
            **_place_row(i, t, n, top),
            "international_cables": len(intl.get(place.key, ())),
            "repair_zone": zones.get(place.key, rates.model.default_repair.zone),
        }
        for i, place in enumerate(plan.places)
        if place.kind == "country"
    ]
    lp_rows, notes = _landing_rows(plan, t, layers, rates, top)
    order = ["probability_cut_off", "expected_days_cut_off"]
    countries = pd.DataFrame(country_rows, columns=list(COUNTRY_COLUMNS))
    if len(countries):
        countries = countries.sort_values(
            [*order, "iso3"], ascending=[False, False, True]
        ).reset_index(drop=True)
    landing_points = pd.DataFrame(lp_rows, columns=list(LANDING_POINT_COLUMNS))
    if len(landing_points):
        landing_points = landing_points.sort_values(
            [*order, "probability_degraded", "lp_id"], ascending=[False, False, False, True]
        ).reset_index(drop=True)
    events = _size_frame(t.events, list(CAUSES), "cause", n)
    chokepoints = _size_frame(t.area_events, rates.chokepoint_ids, "chokepoint", n)
    watched: dict[str, Any] = {}
    if plan.watch is not None:
        watched = {
            "cables": [c for c, w in zip(plan.cable_ids, plan.watch, strict=True) if w],
            "multi_down_days_per_year": t.watch_days / n,
            "multi_cable_events_per_year": t.watch_events / n,
            "multi_cable_groups_per_year": t.watch_groups / n,
        }
    return {
        "countries": countries,
        "landing_points": landing_points,
        "cables": _cable_rows(plan, t, layers, engine, rates),
        "events": events,
        "chokepoint_events": chokepoints,
        "watched": watched,
        "notes": notes,
    }


def _cable_rows(
    plan: SimulationPlan,
    t: _Totals,
    layers: Layers,
    engine: ScenarioEngine,
    rates: FaultRates,
) -> pd.DataFrame:
    """Per active cable: its rates, simulated faults, and the countries' losses it was part of."""
    n = plan.years
    losses: dict[int, dict[str, int]] = {}
    for (p, c), k in t.tally.items():
        if plan.places[p].kind == "country":
            losses.setdefault(c, {})[plan.places[p].key] = k
    names = layers.cables.set_index("cable_id")["name"]
    segments = engine.network.segments["cable_id"]
    active = sorted(set(segments[engine.base_edges[: len(segments)]]))
    index = {c: i for i, c in enumerate(plan.cable_ids)}
    quake, anchor = CAUSES.index("earthquake"), CAUSES.index("anchor")
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
                "simulated_faults_per_year": t.cause_faults[c].sum() / n,
                "seismic_faults_per_year": t.cause_faults[c, quake] / n,
                "anchor_faults_per_year": t.cause_faults[c, anchor] / n,
                "repair_zone": str(rates.cables.at[cable, "repair_zone"]),
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
