"""The outage record of a country brief: real cuts and repairs beside the modelled ones.

Rows come from the cited table ``risk_models/repair_events.csv`` (the events the backtests
use): each with its dates, days cut off, days to repair, cables cut, backup and source. When
the build ran a simulation, the section also gives the country's repair zone with the zone's
modelled repair time, where each recorded repair falls in it, and, for the record decade, the
observed days cut off a year against the model's.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, cast

from cablemap._validate import is_missing
from cablemap.render._brief_html import esc, source_html, table
from cablemap.risk.simulation.backtests import RECORD_YEARS

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.render.briefs import BriefData
    from cablemap.risk.model.faults import RepairTime

__all__ = ["outages_section"]


def _days(value: object) -> str:
    if is_missing(value) or not value:
        return '<span class="muted">not given</span>'
    low, high = cast("tuple[float, float]", value)
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def _percentile(repair: RepairTime | None, value: object) -> str:
    if repair is None or is_missing(value) or not value:
        return ""
    low, high = cast("tuple[float, float]", value)
    return f" ({repair.cdf((low + high) / 2.0):.0%} of modelled repairs were quicker)"


def _zone(data: BriefData, iso3: str) -> tuple[str | None, RepairTime | None, pd.Series | None]:
    """Return the country's repair zone, its repair time and simulated row (if simulated)."""
    simulation = data.simulation
    if simulation is None:
        return None, None, None
    rows = simulation.countries[simulation.countries["iso3"] == iso3]
    if not len(rows) or "repair_zone" not in rows:
        return None, None, None
    row = rows.iloc[0]
    zone = str(row["repair_zone"])
    repairs = {r.zone: r for r in simulation.rates.model.repair_times}
    return zone, repairs.get(zone, repairs.get("default")), row


def _record_text(events: pd.DataFrame, row: pd.Series | None) -> str:
    """Set the days cut off a year by cable faults in the record decade beside the model."""
    if row is None or is_missing(row.get("expected_days_cut_off")):
        return ""
    first, last = RECORD_YEARS
    years = last - first + 1
    in_record = events.loc[
        [
            str(d)[:4].isdigit()
            and first <= int(str(d)[:4]) <= last
            and k == "cable_fault"
            and r is not None
            for d, k, r in zip(
                events["fault_date"], events["kind"], events["days_cut_off_range"], strict=True
            )
        ]
    ]
    observed = sum((lo + hi) / 2.0 for lo, hi in in_record["days_cut_off_range"])
    model = float(row["expected_days_cut_off"])
    found = (
        f"{observed:g} days cut off by cable faults in {first}-{last}, "
        f"{observed / years:.2f} a year"
        if observed
        else f"no cable fault that cut it off found for {first}-{last} (one may have been missed)"
    )
    return (
        f"<p>Record: {found}; the model: {model:.2f} days a year "
        f"(chance of a decade without a cut-off: "
        f"{(1.0 - float(row['probability_cut_off'])) ** years:.0%}).</p>"
    )


def outages_section(data: BriefData, iso3: str) -> str:
    """Render the country's recorded outages and repairs, with the modelled repair time.

    Parameters
    ----------
    data
        The release's shared results: ``data.outages`` (the cited events table) and, when a
        simulation was run, ``data.simulation``.
    iso3
        The country.

    Returns
    -------
    str
        A ``<section>`` (empty text without an events table): one row per recorded event
        naming the country (cable faults, domestic cables, landing stations), the zone's
        modelled repair time and, with a simulation, the record against the model.
    """
    events = data.outages
    if events is None:
        return ""
    mine = events[events["countries"].map(lambda cs: iso3 in cs)]
    zone, repair, row = _zone(data, iso3)
    rows = [
        [
            f"{html.escape(str(e.event))}"
            + (f'<br><span class="muted">{html.escape(str(e.cause))}</span>' if e.cause else ""),
            html.escape(str(e.kind).replace("_", " ")),
            f"{esc(e.fault_date)} → {esc(e.restored_date or None)}",
            _days(e.days_cut_off_range),
            _days(e.days_to_repair_range) + _percentile(repair, e.days_to_repair_range),
            esc(e.cables_cut or None),
            esc(e.backup or None),
            source_html(e.source_url, e.source_date),
        ]
        for e in mine.sort_values("fault_date").itertuples()
    ]
    body = table(
        [
            "event",
            "kind",
            "fault → restored",
            "days cut off",
            "days to repair",
            "cables cut",
            "backup",
            "source",
        ],
        rows,
        "No outage of this country in the cited events table (risk_models/repair_events.csv).",
    )
    model = ""
    if zone is not None and repair is not None:
        model = (
            f"<p>Repair zone <b>{html.escape(zone)}</b>: the model repairs a cable there in "
            f"{repair.quantile(0.5):.0f} days at the median (90 % of repairs in "
            f"{repair.quantile(0.05):.0f}-{repair.quantile(0.95):.0f} days).</p>"
            + _record_text(mine, row)
        )
    return (
        "<section><h2>Recorded outages and repairs</h2>"
        f"{body}{model}"
        '<p class="muted">Observed events, each from its cited source; the model\'s figures '
        "are modelled, not observed.</p></section>"
    )
