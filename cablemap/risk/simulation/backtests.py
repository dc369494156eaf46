"""Backtests: the repair model against real repairs, and cut-off days against the record.

Two comparisons, from the cited table ``risk_models/repair_events.csv``
(:func:`cablemap.risk.model.repairs.read_repair_events`):

**Events** (rows marked ``backtest = yes``: Tonga 2019 and 2022, Vanuatu 2024, Vietnam 2023,
the Red Sea 2024, Matsu 2023). Each event's country has a repair zone (that of most of its
landing points, :func:`cablemap.risk.simulation.results.country_zones`); the observed days
to repair are placed in that zone's repair time: its quartiles, its 90 % range and the share
of modelled repairs that are quicker (the percentile). Vanuatu 2024 was a landing-station
outage, not a cable fault: the model has no landing-station outages, so it is shown against
the cable repairs of its zone for scale only. Where a cited non-cable backup served the place
(``backups.csv``: Matsu's microwave), the event is marked degraded, not cut off, with the
backup's share of peak traffic.

**Records** of the single-cable Pacific states (one international cable, SPMMA zone): the
days cut off by cable faults in the decade the research searched (:data:`RECORD_YEARS`,
2016-2025) against the simulated expected days a year. Where a record exists, the model
should lie within a factor of two of it (Tonga: 12 + 38 days, ~5 a year); where none was
found, the chance the model gives of a decade without a cut-off is reported instead (a
record of zero may also be a fault not found).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._resources import risk_models_path
from cablemap.risk.model.repairs import EVENTS_FILE, Backup, read_repair_events
from cablemap.risk.simulation.results import country_zones

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.faults import RepairTime
    from cablemap.risk.simulation.results import SimulationResult

#: The decade the repairs research searched (first and last year, inclusive).
RECORD_YEARS = (2016, 2025)
#: A modelled figure within this factor of the record passes.
RECORD_FACTOR = 2.0
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class Backtests:
    """The repair model against real repairs, and days cut off against the record.

    Attributes
    ----------
    events
        Per backtest event: ``event_id``, ``event``, ``country``, ``kind``, ``zone``,
        ``days_to_repair`` and ``days_cut_off`` (observed, ``(low, high)`` or ``None``),
        ``cables_cut``, the zone's ``q05`` ... ``q95`` (days), ``percentile`` (share of the
        zone's modelled repairs quicker than the observed one, for a range its midpoint),
        ``inside_90`` (within the 5-95 % range), ``status`` (``cut off`` or ``degraded``),
        ``note``.
    records
        Per single-cable Pacific state: ``iso3``, ``name``, ``zone``, ``observed_days``
        (cable faults in :data:`RECORD_YEARS`), ``station_days`` (landing-station outages),
        ``observed_per_year``, ``model_per_year`` (simulated expected days a year),
        ``ratio`` (model / observed; NaN without a record), ``within_factor``,
        ``p_no_outage_decade`` (the model's chance of ten years without a cut-off), ``events``.
    notes
        What to keep in mind.
    """

    events: pd.DataFrame
    records: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {
            "events": _plain(self.events),
            "records": _plain(self.records),
            "notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        """Return the backtests as lines of text."""
        out = [
            "backtests: observed days to repair in the zone's modelled repair time",
            f"{'event':<14} {'zone':<9} {'observed':>9} {'q05':>5} {'q25':>5} {'q50':>5} "
            f"{'q75':>5} {'q95':>5} {'pct':>4}  status",
        ]
        for r in self.events.itertuples():
            out.append(
                f"{r.event_id:<14} {r.zone:<9} {_days(r.days_to_repair):>9} {r.q05:>5.0f} "
                f"{r.q25:>5.0f} {r.q50:>5.0f} {r.q75:>5.0f} {r.q95:>5.0f} "
                f"{r.percentile:>4.0%}  {r.status}{'; ' + r.note if r.note else ''}"
            )
        first, last = RECORD_YEARS
        out += [
            f"single-cable Pacific states: days cut off by cable faults a year, {first}-{last}",
            f"{'iso3':<5} {'observed/yr':>11} {'model/yr':>8} {'ratio':>6} {'P(none in 10y)':>15}"
            "  events",
        ]
        for r in self.records.itertuples():
            ratio = "-" if np.isnan(r.ratio) else f"{r.ratio:.2f}"
            out.append(
                f"{r.iso3:<5} {r.observed_per_year:>11.2f} {r.model_per_year:>8.2f} "
                f"{ratio:>6} {r.p_no_outage_decade:>15.2f}  {', '.join(r.events) or 'none found'}"
            )
        out.extend(f"note: {n}" for n in self.notes)
        return out


def _days(value: tuple[float, float] | None) -> str:
    if value is None:
        return "-"
    low, high = value
    return f"{low:.0f}" if low == high else f"{low:.0f}-{high:.0f}"


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    out = []
    for row in rows:
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, float | np.floating):
                clean[k] = None if np.isnan(v) else round(float(v), 4)
            elif isinstance(v, np.bool_ | np.integer):
                clean[k] = v.item()
            elif isinstance(v, tuple):
                clean[k] = list(v)
            else:
                clean[k] = v
        out.append(clean)
    return out


def _backup_of(event: pd.Series, backups: tuple[Backup, ...]) -> Backup | None:
    """Find the cited backup of the event's place in force during it (by place and date)."""
    start = str(event["fault_date"])
    end = str(event["restored_date"]) or start
    for backup in backups:
        if backup.place.lower() in str(event["event"]).lower() and start <= backup.as_of <= end:
            return backup
    return None


def _event_rows(
    events: pd.DataFrame, zones: dict[str, str], repairs: dict[str, RepairTime], backups: tuple
) -> list[dict[str, Any]]:
    rows = []
    for _, e in events[events["backtest"] == "yes"].iterrows():
        country = e["countries"][0]
        zone = zones.get(country, "default")
        repair = repairs[zone]
        observed = e["days_to_repair_range"]
        mid = (observed[0] + observed[1]) / 2.0 if observed else np.nan
        q = {f"q{int(p * 100):02d}": repair.quantile(p) for p in _QUANTILES}
        backup = _backup_of(e, backups)
        notes = []
        if e["kind"] == "landing_station":
            notes.append(
                "a landing-station outage, not a cable fault: the model has none; shown against "
                "the zone's cable repairs for scale"
            )
        if backup is not None:
            low, high = backup.capacity_share
            notes.append(
                f"{backup.backup} carried {low:.0%}-{high:.0%} of peak traffic "
                f"(backups.csv {backup.backup_id})"
            )
        rows.append(
            {
                "event_id": e["event_id"],
                "event": e["event"],
                "country": country,
                "kind": e["kind"],
                "zone": zone,
                "days_to_repair": observed,
                "days_cut_off": e["days_cut_off_range"],
                "cables_cut": e["cables_cut"],
                **q,
                "percentile": repair.cdf(mid) if observed else np.nan,
                "inside_90": bool(observed and q["q05"] <= mid <= q["q95"]),
                "status": "degraded" if backup is not None else "cut off",
                "note": "; ".join(notes),
            }
        )
    return rows


def _in_record(date: str) -> bool:
    first, last = RECORD_YEARS
    return date[:4].isdigit() and first <= int(date[:4]) <= last


def _record_rows(events: pd.DataFrame, result: SimulationResult) -> list[dict[str, Any]]:
    countries = result.countries
    single = countries[
        (countries["international_cables"] == 1) & (countries["repair_zone"] == "spmma")
    ]
    years = RECORD_YEARS[1] - RECORD_YEARS[0] + 1
    rows = []
    for c in single.itertuples():
        mine = events[
            (events["countries"].map(lambda cs, iso=c.iso3: cs[0] == iso))
            & events["fault_date"].map(_in_record)
            & events["days_cut_off_range"].notna()
        ]
        cable = mine[mine["kind"] == "cable_fault"]
        station = mine[mine["kind"] == "landing_station"]
        observed = float(sum((lo + hi) / 2.0 for lo, hi in cable["days_cut_off_range"]))
        model = float(c.expected_days_cut_off)
        ratio = model / (observed / years) if observed else np.nan
        rows.append(
            {
                "iso3": c.iso3,
                "name": c.name,
                "zone": c.repair_zone,
                "observed_days": observed,
                "station_days": float(
                    sum((lo + hi) / 2.0 for lo, hi in station["days_cut_off_range"])
                ),
                "observed_per_year": observed / years,
                "model_per_year": model,
                "ratio": ratio,
                "within_factor": bool(observed and 1.0 / RECORD_FACTOR <= ratio <= RECORD_FACTOR),
                "p_no_outage_decade": (1.0 - float(c.probability_cut_off)) ** years,
                "events": list(mine["event_id"]),
            }
        )
    return rows


def backtest_result(
    result: SimulationResult, layers: Layers, *, events_file: str | Path | None = None
) -> Backtests:
    """Compare a simulation's repair model and days cut off with real repairs.

    Parameters
    ----------
    result
        A simulation (:func:`cablemap.simulate`) of the release: its fault model gives the
        repair zones and times, its countries the expected days cut off.
    layers
        The release (landing points place the countries in their zones).
    events_file
        The events table; default ``risk_models/repair_events.csv``.

    Returns
    -------
    Backtests
        Per event and per single-cable Pacific state.

    Raises
    ------
    RiskSpecError
        If the events table is invalid (naming the file, the row and the field).
    """
    file = risk_models_path() / EVENTS_FILE if events_file is None else Path(events_file)
    events = read_repair_events(file, today=dt.date.today())
    model = result.rates.model
    repairs = {r.zone: r for r in model.repair_times}
    zones = country_zones(layers, result.rates)
    event_rows = _event_rows(events, zones, repairs, model.backups)
    record_rows = _record_rows(events, result)
    first, last = RECORD_YEARS
    notes = [
        f"records: cable faults with days cut off in {first}-{last} found by the repairs "
        "research (repair_events.csv); a state without one may have had a fault not found",
        f"model: {result.years} simulated years, fault model {model.name!r}",
    ]
    return Backtests(
        events=pd.DataFrame(event_rows),
        records=pd.DataFrame(record_rows),
        notes=notes,
    )
