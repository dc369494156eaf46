"""What the commands print: tables, breakdowns and summaries (click output only).

The commands parse their options, call the library once and hand the result here; nothing in
this module computes a score or reads a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cablemap.render.report import REPORT_HTML, skipped_headline

if TYPE_CHECKING:
    import pandas as pd

    from cablemap._validate import Issue, LoadReport
    from cablemap.pipeline.builder import BuildConfig, BuildResult
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult


def skipped_where(errors: list[Issue], root: Path) -> str:
    """Say where skipped records are: ``"cable/c2.json (1), landing-point/x.json (2)"``."""
    per_file: dict[str, int] = {}
    for issue in errors:
        file = Path(issue.file.split(":", 1)[0] if ".gpkg:" in issue.file else issue.file)
        name = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
        per_file[name] = per_file.get(name, 0) + 1
    shown = ", ".join(f"{name} ({n})" for name, n in list(per_file.items())[:5])
    more = len(per_file) - 5
    return shown + (f" and {more} more file(s)" if more > 0 else "")


def report_skipped_rows(report: LoadReport, files: tuple[Path, ...] | list[Path]) -> None:
    """Say on stderr which rows of these input files (catalogues) the load skipped."""
    names = {str(f) for f in files}
    skipped = [i for i in report.errors if i.file.split(":", 1)[0] in names]
    if not skipped:
        return
    click.echo(f"Warning: {len(skipped)} row(s) of the input files skipped:", err=True)
    for issue in skipped[:20]:
        click.echo(f"  - {issue}", err=True)
    if len(skipped) > 20:
        click.echo(f"  ... and {len(skipped) - 20} more", err=True)


def build_progress(stage: str, status: str, seconds: float) -> None:
    """Print a stage that ran and its time (stderr)."""
    if status == "ran":
        click.echo(f"  {stage:<10} {seconds:6.2f} s", err=True)


def print_skipped(result: BuildResult, config: BuildConfig | None) -> None:
    """List the records the load left out: last, so that they are what the analyst reads."""
    if not result.skipped_records:
        return
    report = (config.out_folder if config else Path()) / REPORT_HTML
    click.echo(
        f"{skipped_headline(len(result.skipped_records))} (left out of the maps and scores; "
        f"see {report}):"
    )
    for line in result.skipped_records:
        click.echo(f"  - {line}")


def build_summary(result: BuildResult, config: BuildConfig | None = None) -> None:
    """Print what a build did: stages, layers, times, changes, files, skipped records."""
    for notice in result.notices:
        click.echo(f"Warning: {notice}", err=True)
    if result.up_to_date:
        where = f" ({config.out_folder})" if config else ""
        click.echo(f"Up to date: nothing changed since the last build{where}.")
        print_skipped(result, config)
        return
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    click.echo(
        f"Built: ran {', '.join(result.ran)}; reused {', '.join(result.skipped) or 'nothing'}"
    )
    click.echo(f"Layers: {counts}; {result.warnings} load issue(s) reported")
    click.echo("Time: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    for line in result.changes:
        click.echo(f"Changed: {line}")
    from cablemap.render.briefs import BRIEFS_FOLDER  # noqa: PLC0415 - printers run after

    briefs = [p for p in result.outputs if p.parent.name == BRIEFS_FOLDER]
    for path in result.outputs:
        if path in briefs:
            continue
        if path.suffix == ".html" or path.name in ("scores.gpkg", "metadata.json"):
            click.echo(f"Wrote {path}")
    if briefs:
        click.echo(f"Wrote {len(briefs)} country briefs to {briefs[0].parent}")
    print_skipped(result, config)


def print_table(scores: Scores, entity: str, top: int, *, region_only: bool) -> None:
    """Print one entity's top rows with their contributions."""
    from cablemap.risk.scoring.score import ID_COLUMNS, PLURALS  # noqa: PLC0415

    ranked = scores.ranked(entity, region_only=region_only)
    frame = ranked.head(top)
    comps = list(scores.model.weights.get(entity) or scores.model.site_weights.get(entity, {}))
    click.echo(
        f"{PLURALS[entity]} (top {len(frame)} of {len(ranked)}"
        f"{' in the region' if region_only else ''}, "
        f"model {scores.model.name})"
    )
    header = f"{'rank':>4}  {'id':<40} {'score':>6}  " + " ".join(f"{c[:11]:>11}" for c in comps)
    click.echo(header)
    for _, row in frame.iterrows():
        values = " ".join(f"{row[f'{c}_contribution']:>11.3f}" for c in comps)
        click.echo(
            f"{int(row['rank']):>4}  {str(row[ID_COLUMNS[entity]])[:40]:<40} "
            f"{row['score']:>6.3f}  {values}"
        )
    formula = scores.model.combination(entity) == "product"
    click.echo(
        "  (component columns show contributions = value x weight; "
        + (
            f"each group's add up to its importance or vulnerability, and the score is "
            f"importance^{scores.model.importance_exponent:g} x "
            f"vulnerability^{1 - scores.model.importance_exponent:g})"
            if formula
            else "they add up to the score)"
        )
    )


def print_explain(detail: dict[str, object]) -> None:
    """Print one row's components, weights and contributions."""
    click.echo(
        f"{detail['entity']} {detail['id']!r}: score {detail['score']:.4f}, "
        f"rank {detail['rank']} (model {detail['model']})"
    )
    click.echo(f"  {'component':<18} {'value':>8} {'weight':>8} {'contribution':>13}  group")
    components = detail["components"]
    assert isinstance(components, dict)  # noqa: S101 - shape of row_dict
    for name, parts in components.items():
        click.echo(
            f"  {name:<18} {parts['value']:>8.4f} {parts['weight']:>8.3f} "
            f"{parts['contribution']:>13.4f}  {parts.get('group', '')}"
        )
    for group in ("importance", "vulnerability"):
        if group in detail:
            click.echo(f"  {group + ' (sum)':<18} {'':>8} {'':>8} {detail[group]:>13.4f}")
    click.echo(f"  {'score':<18} {'':>8} {'':>8} {detail['score']:>13.4f}  {detail['formula']}")
    for key, value in detail.items():
        if key not in ("entity", "id", "score", "rank", "components", "model", "formula"):
            click.echo(f"  {key}: {value}")


def print_sweep(ranking: pd.DataFrame, top: int) -> None:
    """Print the cuts ranked by impact."""
    click.echo(f"single-cable and chokepoint cuts ranked by impact (top {top} of {len(ranking)})")
    click.echo(f"{'cut':<50} {'kind':<10} {'isolated':>8} {'pairs lost':>10}  countries")
    for row in ranking.head(top).itertuples():
        click.echo(
            f"{row.cut[:50]:<50} {row.kind:<10} {row.countries_isolated:>8} "
            f"{row.pairs_lost:>10}  {', '.join(row.isolated)}"
        )


def site_cells(facilities: pd.DataFrame) -> dict[str, str]:
    """Per country, the facilities and interconnection a vendor cut takes, as table cells."""

    def cell(before: int, after: int, share: float) -> str:
        return f"{before - after}/{before} ({share:.1%})" if before else "-"

    cells = {}
    for row in facilities.itertuples():
        sites = cell(int(row.facilities_before), int(row.facilities_after), row.facility_share_lost)
        inter = cell(
            int(row.interconnection_before),
            int(row.interconnection_after),
            row.interconnection_share_lost,
        )
        cells[str(row.iso3)] = f"{sites:>17} {inter:>22}"
    return cells


def print_scenario(result: ScenarioResult) -> None:
    """Print what a scenario cut and which countries lost cables or reach."""
    data = result.to_dict()
    click.echo(f"cuts: {json.dumps(result.cuts)}")
    click.echo(f"cut cables ({len(result.cut_cables)}): {', '.join(result.cut_cables) or 'none'}")
    click.echo(f"cut segments: {len(result.cut_segments)}")
    if result.cuts.get("borders"):
        click.echo(f"cut land links: {', '.join(result.cuts['borders'])}")
    if result.cuts.get("vendors"):
        click.echo(f"cut facilities: {len(result.cut_facilities)}")
    click.echo(f"isolated countries: {', '.join(result.isolated_countries) or 'none'}")
    click.echo(f"isolated landing points: {', '.join(data['isolated_landing_points']) or 'none'}")
    c = result.countries.set_index("iso3")
    changed = list(c.index[(c["cables_after"] < c["cables_before"]) | c["isolated"]])
    # beside the cables: the share of facilities and interconnection a vendor cut takes away
    sites = site_cells(result.facilities) if len(result.facilities) else None
    shown = changed + [iso for iso in sites or {} if iso not in set(changed)]
    lost_reach = c[(c["reachable_after"] < c["reachable_before"]) & ~c.index.isin(shown)]
    if shown:
        header = f"{'country':<8} {'intl cables':>13} {'reachable countries':>20}"
        if sites is not None:
            header += f"  {'facilities lost':>17} {'interconnection lost':>22}"
        click.echo(f"{header}  isolated")
    for iso in shown:
        line, isolated = f"{iso:<8} {'-':>13} {'-':>20}", False
        if iso in c.index:  # a country without landing points has only facilities
            row = c.loc[iso]
            isolated = bool(row["isolated"])
            line = (
                f"{iso:<8} {row['cables_before']:>5} -> {row['cables_after']:<4} "
                f"{row['reachable_before']:>9} -> {row['reachable_after']:<7}"
            )
        if sites is not None:
            line += "  " + sites.get(iso, f"{'-':>17} {'-':>22}")
        click.echo(f"{line}  {'YES' if isolated else ''}")
    if len(lost_reach):
        fewer = int((lost_reach["reachable_before"] - lost_reach["reachable_after"]).max())
        click.echo(
            f"{len(lost_reach)} other countries reach fewer countries (at most {fewer} fewer)"
        )
    for note in result.notes:
        click.echo(f"note: {note}")


def top_cables(entries: list[dict[str, Any]]) -> str:
    """List the first three cables down when cut off, with their share (below 1 %: left out)."""
    shown = [t for t in entries if t["share"] >= 0.01][:3]
    return ", ".join(f"{t['cable_id']} ({t['share']:.0%})" for t in shown)


def print_simulation(result: SimulationResult, top: int) -> None:
    """Print the countries, landing points and cables a simulation ranks first."""
    click.echo(
        f"simulated {result.years} years (seed {result.seed}, engine {result.engine}, "
        f"{result.workers} worker{'s' if result.workers != 1 else ''}) in {result.seconds:.1f} s; "
        f"fault model {result.rates.model.name}"
    )
    c = result.countries
    click.echo(
        f"\ncountries most likely to be cut off by sea in a year (top {min(top, len(c))} of "
        f"{len(c)}; {int((c['years_cut_off'] > 0).sum())} ever cut off)"
    )
    click.echo(
        f"{'iso3':<5} {'name':<24} {'P(cut off)':>10} {'95% CI':>13} {'days/yr':>8} "
        f"{'intl':>4} {'repairs':<9} cables down when cut off"
    )
    for row in c.head(top).itertuples():
        cables = top_cables(row.top_cables)
        click.echo(
            f"{row.iso3:<5} {row.name[:24]:<24} {row.probability_cut_off:>10.4f} "
            f"{row.ci_low:>6.4f}-{row.ci_high:<6.4f} {row.expected_days_cut_off:>8.2f} "
            f"{row.international_cables:>4} {row.repair_zone:<9} {cables}"
        )
    lp = result.landing_points
    click.echo(f"\nlanding points (top {min(top, len(lp))} of {len(lp)})")
    click.echo(
        f"{'lp_id':<40} {'P(cut off)':>10} {'days/yr':>8} {'P(isolated)':>11}  "
        "cables down when cut off"
    )
    for row in lp.head(top).itertuples():
        cables = top_cables(row.top_cables)
        click.echo(
            f"{row.lp_id[:40]:<40} {row.probability_cut_off:>10.4f} "
            f"{row.expected_days_cut_off:>8.2f} {row.probability_isolated:>11.4f}  {cables}"
        )
    degraded = lp[lp["probability_degraded"] > 0]
    for row in degraded.itertuples():
        click.echo(
            f"degraded, not cut off: {row.lp_id} P={row.probability_degraded:.4f} "
            f"{row.expected_days_degraded:.2f} days/yr on {row.backup}"
        )
    ev = result.events
    click.echo(
        f"\nevents by cause ({result.multi_cable_events_per_year:.2f} a year cut two cables "
        "or more)"
    )
    click.echo(
        f"{'cause':<12} {'events/yr':>9} {'faults/yr':>9} {'cables/event':>12} {'2+/yr':>7} "
        f"{'6+/yr':>7} {'largest':>7}"
    )
    for cause, row in ev.iterrows():
        click.echo(
            f"{cause:<12} {row.events_per_year:>9.2f} {row.faults_per_year:>9.2f} "
            f"{row.cables_per_event:>12.2f} {row.multi_cable_per_year:>7.3f} "
            f"{row.large_per_year:>7.3f} {int(row.largest):>7}"
        )
    cab = result.cables[result.cables["country_losses_per_year"] > 0]
    click.echo(f"\ncables most often part of a country's loss (top {min(top, len(cab))})")
    click.echo(f"{'cable_id':<44} {'faults/yr':>9} {'losses/yr':>9}  countries")
    for row in cab.head(top).itertuples():
        click.echo(
            f"{row.cable_id[:44]:<44} {row.faults_per_year:>9.3f} "
            f"{row.country_losses_per_year:>9.4f}  {', '.join(row.countries[:8])}"
        )
    if result.unconnected_countries:
        click.echo(
            f"\nnot simulated (no submarine path abroad even without faults): "
            f"{', '.join(result.unconnected_countries)}"
        )
    for note in result.notes:
        click.echo(f"note: {note}")


def print_plan(result: Plan, top: int) -> None:
    """Print the ranked candidates, the portfolio with its reasons and what it changes."""
    click.echo(f"candidates ranked by benefit per km (top {top} of {len(result.candidates)})")
    click.echo(f"{'rank':>4} {'candidate':<45} {'kind':<9} {'km':>7} {'benefit':>8}")
    for row in result.candidates.head(top).itertuples():
        click.echo(
            f"{row.rank:>4} {row.id[:45]:<45} {row.kind:<9} {row.route_km:>7.0f} "
            f"{row.benefit:>8.4f}"
        )
    click.echo(f"portfolio under {result.budget_km:,.0f} km:")
    for i, pick in enumerate(result.picks, 1):
        click.echo(f"  {i}. {pick['id']}: {pick['reason']}")
    c = result.countries
    changed = c[c["status_before"] != c["status_after"]]
    for row in changed.itertuples():
        click.echo(f"  {row.iso3}: {row.status_before} -> {row.status_after}")
    reported = c[~c["target"] & c["status_before"].isin(["unconnected", "single_cable"])]
    if len(reported):
        click.echo(
            "reported, not targets: "
            + ", ".join(f"{r.iso3} ({r.why_not_target})" for r in reported.itertuples())
        )
    for note in result.notes:
        click.echo(f"note: {note}")
