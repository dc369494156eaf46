"""The risk sections of a country brief: scores, single points of failure, scenarios, cut-off.

- **Scores** say what the numbers mean: the score is 0 to 1, higher = more at risk; the DCS
  priority is defined where it is shown; fields the model adds (capital, importance,
  vulnerability, the share of weightings under which the country stays in the region's top
  10, exposure ranges) are read where present, never required.
- **Single points of failure** lists only true ones: a cable whose loss cuts the country (or
  its capital, or its sea links) off, its one landing station, and critical pairs (two cables
  that together cut it off, minimum cut 2). A larger smallest cut set is a count, never listed
  as a "point of failure".
- **Scenarios** shows only the configured scenarios that touch the country.
- **Yearly chance of being cut off** appears when a simulation was run.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from cablemap._validate import is_missing
from cablemap.render._brief_html import esc, num, rank_text, table
from cablemap.render.svg import bar_chart_svg, short_place_name

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.render.briefs import BriefData, Station, _Index
    from cablemap.risk.scenarios.engine import ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

__all__ = ["cutoff_section", "failures_section", "scenarios_section", "scores_section"]

#: Statuses of countries no cable reaches in the data.
NOT_CABLED = ("unconnected", "landlocked")


def _pct(value: object, digits: int = 1) -> str:
    if is_missing(value):
        return "n/a"
    return f"{100 * float(value):.{digits}f} %"  # type: ignore[arg-type]


def _is_one(value: object) -> bool:
    return not is_missing(value) and int(value) == 1  # type: ignore[call-overload]


# ----------------------------------------------------------------------------- scores
def _dcs_text(scores: Scores, row: pd.Series) -> str:
    if is_missing(row.get("dcs_rank")):
        return (
            "not ranked: outside the region or left out by the model's [dcs] exclude "
            f"({html.escape(', '.join(sorted(scores.model.dcs_exclude)))})"
        )
    ranked = int(scores.countries["dcs_rank"].notna().sum())
    text = (
        f"{num(row.get('dcs_priority'))} ({rank_text(row.get('dcs_rank'), ranked)} region "
        "countries). Where trusted investment would reduce risk most: vendor exposure &times; "
        "fragility index, 0 to 1, higher = higher priority."
    )
    share = row.get("top_k_acceptability")
    if not is_missing(share):
        text += f" Stays in the region's top 10 under {_pct(share, 0)} of weightings."
    return text


def _exposure_text(row: pd.Series) -> str:
    text = f"{num(row.get('vendor_exposure'))} (0 to 1, higher = more from high-risk vendors)"
    low, high = row.get("vendor_exposure_low"), row.get("vendor_exposure_high")
    if not is_missing(low) and not is_missing(high):
        text += f"; range {num(low)} to {num(high)} where evidence is missing"
    if not is_missing(row.get("rank_uncertain")) and bool(row.get("rank_uncertain")):
        text += "; <b>rank uncertain</b> (the range could change it)"
    return text


def _optional_facts(row: pd.Series) -> list[tuple[str, str]]:
    """Facts from fields the model may add: capital, importance, vulnerability."""
    facts = []
    if not is_missing(row.get("capital_name")):
        capital = html.escape(str(row["capital_name"]))
        connected = row.get("capital_connected")
        cut = row.get("capital_min_cut")
        if not is_missing(connected) and not bool(connected):
            facts.append(("Capital", f"{capital}: no cable path abroad in the data"))
        elif not is_missing(cut):
            facts.append(("Capital", f"{capital}: {int(cut)} cable(s) must fail to cut it off"))
        else:
            facts.append(("Capital", capital))
    for key, label in (("importance", "Importance"), ("vulnerability", "Vulnerability")):
        if not is_missing(row.get(key)):
            rank = row.get(f"{key}_rank")
            suffix = "" if is_missing(rank) else f" ({rank_text(rank)})"
            facts.append((label, f"{num(row.get(key))}{suffix}"))
    return facts


def scores_section(scores: Scores, row: pd.Series, data: BriefData, iso3: str) -> str:
    """Render the key facts (closing the page's first grid) and the score breakdown.

    Parameters
    ----------
    scores, row
        The scores and the country's row.
    data
        The release's shared results (the simulation, if any).
    iso3
        The country.

    Returns
    -------
    str
        The facts ``<section>``, ``</div>`` closing the grid, then the breakdown section.
    """
    n = len(scores.countries)
    weights = scores.model.weights["country"]
    facts = [
        (
            "Score",
            f"{num(row['score'])} (rank {int(row['rank'])} of {n} countries). 0 to 1, "
            "<b>higher = more at risk</b>; rank 1 is the most at risk.",
        ),
        (
            "Criticality",
            f"{num(row.get('criticality'))} ({rank_text(row.get('criticality_rank'))}); how "
            "much international connectivity runs through it, higher = more.",
        ),
        ("DCS priority", _dcs_text(scores, row)),
        ("Vendor exposure", _exposure_text(row)),
        (
            "Cables",
            f"{esc(row.get('cables'))}, international {esc(row.get('international_cables'))}",
        ),
        ("Landing stations with international cables", esc(row.get("landing_stations"))),
        ("Exact resilience", resilience_text(row)),
        *_optional_facts(row),
    ]
    chance = _chance_fact(data.simulation, iso3)
    if chance:
        facts.append(("Yearly chance of being cut off by sea", chance))
    fact_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in facts)
    comp_rows = [
        [
            html.escape(c),
            f'<span class="num">{num(row.get(c))}</span>',
            num(row.get(f"{c}_weight", w), 2),
            num(row.get(f"{c}_contribution")),
        ]
        for c, w in weights.items()
    ]
    chart = bar_chart_svg(
        [(c, float(row.get(f"{c}_contribution", math.nan))) for c in weights],
        title="Contributions to the country score",
        width=420,
    )
    model = html.escape(scores.model.name)
    breakdown = table(["component", "value", "weight", "contribution"], comp_rows, "no components")
    return (
        f"<section><h2>Scores (model <code>{model}</code>)</h2><table>{fact_rows}</table>"
        '</section></div><section><h2>Score breakdown</h2><p class="muted">The score is the '
        "sum of the contributions: each component (0 to 1) times its weight in the model."
        f'</p><div class="grid"><div>{breakdown}</div><div>{chart}</div></div></section>'
    )


def resilience_text(row: pd.Series) -> str:
    """Say how many cables must fail to cut the country off, by its status."""
    status = str(row.get("status"))
    cut = row.get("redundancy_cables")
    texts = {
        "land_linked": "land-linked to the global network: no cable failure cuts it off",
        "hub": "a hub of the global network",
        "unconnected": "no cable path to the global network in the data",
        "landlocked": "landlocked: no cable lands here; it depends on neighbours' land routes",
        "capital_unconnected": "its capital has no cable path abroad in the data",
    }
    if status in texts:
        return texts[status]
    return f"{esc(cut)} cable(s) must fail to cut it off ({html.escape(status.replace('_', ' '))})"


# ----------------------------------------------------------------------------- failures
def _cable(names: pd.Series, cable_id: str) -> str:
    return (
        f"{html.escape(str(names.get(cable_id, cable_id)))} (<code>{html.escape(cable_id)}</code>)"
    )


def _cut_list(value: object) -> list[str]:
    return [] if is_missing(value) else [str(c) for c in value]  # type: ignore[attr-defined]


def _single_items(row: pd.Series, names: pd.Series) -> list[str]:
    """List a cable whose loss cuts off the country, its capital or its sea links."""
    items = []
    status = str(row.get("status"))
    cut = _cut_list(row.get("min_cut_cables"))
    if status not in ("land_linked", *NOT_CABLED) and _is_one(row.get("redundancy_cables")) and cut:
        items.append(
            f"<li><b>Single point of failure:</b> losing {_cable(names, cut[0])} cuts it off "
            "from the global network.</li>"
        )
    capital_cut = _cut_list(row.get("capital_cut_cables"))
    if _is_one(row.get("capital_min_cut")) and capital_cut and capital_cut != cut[:1]:
        capital = row.get("capital_name")
        who = (
            f"its capital, {html.escape(str(capital))}"
            if not is_missing(capital)
            else "its capital"
        )
        items.append(
            f"<li><b>Single point of failure:</b> losing {_cable(names, capital_cut[0])} cuts "
            f"off {who}.</li>"
        )
    sea_cut = _cut_list(row.get("sea_min_cut_cables"))
    if status == "land_linked" and _is_one(row.get("sea_min_cut")) and sea_cut:
        items.append(
            f"<li><b>Single point of failure by sea:</b> losing {_cable(names, sea_cut[0])} "
            "cuts it off by sea; its land routes remain.</li>"
        )
    return items


def _station_item(row: pd.Series, stations: list[Station]) -> list[str]:
    """Name the one landing station every international cable of the country lands at."""
    busy = [s for s in stations if s.international > 0]
    if len(busy) != 1 or str(row.get("status")) in NOT_CABLED:
        return []
    station = busy[0]
    return [
        f"<li><b>Single landing station:</b> every international cable lands at "
        f"{html.escape(short_place_name(station.name))}: losing that site cuts them all at "
        "once.</li>"
    ]


def _pair_items(row: pd.Series, data: BriefData, names: pd.Series, iso3: str) -> list[str]:
    """Critical pairs: two cables that together cut the country off (its minimum cut is 2)."""
    if data.pairs is None:
        cut = _cut_list(row.get("min_cut_cables"))
        if len(cut) == 2 and str(row.get("status")) != "land_linked":
            a, b = cut
            return [
                f"<li><b>Critical pair:</b> {_cable(names, a)} and {_cable(names, b)} together "
                "cut it off (its smallest cut; the pair sweep was not run for this page).</li>"
            ]
        return []
    hits = data.pairs[data.pairs["countries"].map(lambda cs: iso3 in cs)]
    return [
        f"<li><b>Critical pair:</b> {html.escape(str(names.get(r.cable_a, r.cable_a)))} and "
        f"{html.escape(str(names.get(r.cable_b, r.cable_b)))} together cut it off"
        f"{_others(list(r.countries), iso3)}.</li>"
        for r in hits.itertuples()
    ]


def _others(countries: list[str], iso3: str) -> str:
    others = [c for c in countries if c != iso3]
    return f" (and {', '.join(html.escape(c) for c in others)} with it)" if others else ""


def failures_section(idx: _Index, row: pd.Series, data: BriefData, iso3: str) -> str:
    """Render "Single points of failure": only true ones, and critical pairs.

    Parameters
    ----------
    idx
        The release's per-country lookups (cable names, stations).
    row
        The country's scores row.
    data
        Critical pairs (``data.pairs``), if swept.
    iso3
        The country.

    Returns
    -------
    str
        A ``<section>``: cables (or the one landing station) whose loss cuts the country, its
        capital or its sea links off, and the pairs that do together; otherwise how many
        cables must fail together, as a count.
    """
    names = idx.cables["name"]
    status = str(row.get("status"))
    items = [
        *_single_items(row, names),
        *_station_item(row, idx.stations_of.get(iso3, [])),
        *_pair_items(row, data, names, iso3),
    ]
    if status in NOT_CABLED:
        items.insert(0, f"<li>{resilience_text(row).capitalize()}: nothing to cut.</li>")
    elif status == "land_linked":
        links = html.escape(str(row.get("terrestrial_dependence") or "cited land links"))
        items.insert(
            0,
            f"<li>Land-linked: its cited land links ({links}) carry it past its cables; each "
            "is a finite number of cable equivalents and can fail too (see the scenarios).</li>",
        )
    if not items:
        count = _count_text(row)
        items.append(
            f"<li>None: no single cable or pair of cables cuts it off{count} (its exact "
            "resilience, above).</li>"
        )
    return (
        '<section><h2>Single points of failure</h2><p class="muted">A cable whose loss alone '
        "cuts the country (or its capital, or its sea links) off, its one landing station, and "
        f"critical pairs: two cables that together cut it off.</p><ul>{''.join(items)}</ul>"
        "</section>"
    )


# ----------------------------------------------------------------------------- scenarios
def _touches(result: ScenarioResult, iso3: str) -> tuple[pd.Series, list[str]] | None:
    """Return the country's row and its landing points cut off, when the scenario touches it.

    A scenario touches a country when it cuts one of its international cables, cuts it off
    (by sea or at all) or cuts off one of its landing points; others cut off elsewhere change
    what it reaches, not the country itself.
    """
    hit = result.countries[result.countries["iso3"] == iso3]
    if not len(hit):
        return None
    s = hit.iloc[0]
    lps = result.landing_points
    lost: list[str] = []
    if len(lps):
        mine = lps[(lps["iso3"] == iso3) & lps["isolated"].astype(bool)]
        mine = mine[~mine["isolated_before"].astype(bool)]
        lost = sorted(short_place_name(str(n)) for n in mine["name"])
    changed = (
        int(s["cables_after"]) != int(s["cables_before"])
        or bool(s["isolated"])
        or bool(s.get("cable_isolated", False))
        or bool(lost)
    )
    return (s, lost) if changed else None


def _outcome(s: pd.Series, lost: list[str]) -> str:
    if bool(s["isolated"]):
        return "<b>cut off</b> (no path abroad left)"
    if bool(s.get("cable_isolated", False)):
        return "<b>cut off by sea</b>; its land routes remain"
    if int(s["cables_after"]) == 0 < int(s["cables_before"]):
        return (
            "<b>cut off by sea</b> (no international cable left); it still reaches abroad over land"
        )
    text = "still connected"
    if lost:
        text += f"; {len(lost)} of its landing points cut off: {html.escape(', '.join(lost))}"
    if int(s["reachable_after"]) != int(s["reachable_before"]):
        text += f"; reaches {int(s['reachable_after'])} of {int(s['reachable_before'])} countries"
    return text


def _cuts(result: ScenarioResult) -> str:
    return html.escape(
        "; ".join(
            f"{k} {', '.join(v)}"
            for k in ("cables", "areas", "vendors")
            if (v := result.cuts.get(k))
        )
    )


def scenarios_section(data: BriefData, iso3: str, name: str) -> str:
    """Render the configured scenarios that touch the country (and name the others).

    Parameters
    ----------
    data
        The release's scenario results.
    iso3, name
        The country.

    Returns
    -------
    str
        A ``<section>``: per touching scenario, its outcome for the country and its
        international cables intact before and after; the others in one line.
    """
    if not data.scenarios:
        return (
            '<section><h2>Scenarios</h2><p class="muted">No scenario configured in the model.'
            "</p></section>"
        )
    rows, spared = [], []
    for scenario, result in data.scenarios.items():
        touch = _touches(result, iso3)
        if touch is None:
            spared.append(scenario)
            continue
        s, lost = touch
        rows.append(
            [
                html.escape(scenario),
                _outcome(s, lost),
                f"{int(s['cables_before'])} → {int(s['cables_after'])}",
                _cuts(result),
            ]
        )
    body = table(
        ["scenario", f"outcome for {html.escape(name)}", "international cables intact", "cuts"],
        rows,
        f"None of the configured scenarios touches {name}.",
    )
    rest = (
        f'<p class="muted">Not touched by: {html.escape(", ".join(spared))}.</p>'
        if spared and rows
        else ""
    )
    return f"<section><h2>Scenarios that touch {html.escape(name)}</h2>{body}{rest}</section>"


# ----------------------------------------------------------------------------- simulation
def _sim_row(simulation: SimulationResult | None, iso3: str) -> pd.Series | None:
    if simulation is None:
        return None
    hit = simulation.countries[simulation.countries["iso3"] == iso3]
    return None if not len(hit) else hit.iloc[0]


def _chance_fact(simulation: SimulationResult | None, iso3: str) -> str:
    row = _sim_row(simulation, iso3)
    if simulation is None:
        return ""
    if row is None:
        why = (
            "no submarine path abroad even without faults"
            if iso3 in simulation.unconnected_countries
            else "not simulated (no submarine path abroad in the network)"
        )
        return f"n/a: {why}"
    return (
        f"<b>{_pct(row['probability_cut_off'])} a year</b> (95 % interval "
        f"{_pct(row['ci_low'])} to {_pct(row['ci_high'])}; {simulation.years:,} simulated years)"
    )


def cutoff_section(idx: _Index, data: BriefData, iso3: str) -> str:
    """Render the yearly chance of being cut off by sea, when a simulation was run.

    Parameters
    ----------
    idx
        The release's per-country lookups (cable names).
    data
        The release's shared results (``data.simulation``).
    iso3
        The country.

    Returns
    -------
    str
        A ``<section>`` (empty text without a simulation): the chance with its 95 % interval,
        the expected days cut off a year and the cables most often down then.
    """
    simulation = data.simulation
    row = _sim_row(simulation, iso3)
    if simulation is None or row is None:
        return ""
    names = idx.cables["name"]
    top = row.get("top_cables")
    cables = (
        []
        if is_missing(top)
        else [
            f"{html.escape(str(names.get(c['cable_id'], c['cable_id'])))} "
            f"({_pct(c['share'], 0)} of those years)"
            for c in top
        ]
    )
    down = f" Cables down then: {', '.join(cables)}." if cables else ""
    return (
        "<section><h2>Yearly chance of being cut off by sea</h2>"
        f"<p>{_pct(row['probability_cut_off'])} a year (95 % interval {_pct(row['ci_low'])} to "
        f"{_pct(row['ci_high'])}); {num(row['expected_days_cut_off'], 1)} days cut off a year "
        f"on average; cut off in {int(row['years_cut_off']):,} of {simulation.years:,} simulated "
        f'years (seed {simulation.seed}).{down}</p><p class="muted">Cut off: none of its '
        "landing points reaches another country by sea. From simulated years of cable faults "
        "(background rates and earthquakes) and repairs, under the model's fault model "
        "(modelled, not observed).</p></section>"
    )


def _count_text(row: pd.Series) -> str:
    """Say how many cables (or cable equivalents, land links included) must fail together."""
    cut = row.get("redundancy_cables")
    if is_missing(cut):
        return ""
    over_land = any(":" in str(c) for c in (row.get("min_cut_cables") or []))
    if over_land or float(cut) != int(cut):
        return (
            f": at least {float(cut):g} cable equivalents (cables and cited land links) must "
            "fail together"
        )
    return f": at least {int(cut)} cables must fail together"
