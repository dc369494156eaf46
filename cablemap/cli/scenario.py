"""``cablemap scenario`` and ``cablemap plan``: what breaks, and where trusted cables help."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cablemap.cli._group import cli, countries_option, model_option, source_option
from cablemap.cli.printers import print_plan, print_scenario, print_sweep

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult


def _cross_border(pairs: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        parts = pair.upper().split("-")
        if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
            msg = f"--cross-border {pair!r}: expected two ISO3 codes joined by '-', e.g. GIB-ESP"
            raise click.BadParameter(msg)
        out.append((parts[0], parts[1]))
    return out


def _maps_folder(out: Path | None) -> Path:
    from cablemap import settings  # noqa: PLC0415 - read at call time

    return Path(settings.maps_folder) if out is None else out


@cli.command()
@source_option
@model_option
@countries_option
@click.option("--cut-cable", multiple=True, help="Cable id or name to cut (repeatable).")
@click.option(
    "--cut-area",
    multiple=True,
    help="Chokepoint id/name, circle:LON,LAT,KM, bbox:W,S,E,N, WKT or GeoJSON (repeatable).",
)
@click.option(
    "--cut-vendor",
    multiple=True,
    help="Vendor (any alias) or tier:<tier>: cut every cable it supplied or owns (repeatable).",
)
@click.option(
    "--cut-border",
    multiple=True,
    help="Two countries, e.g. CHN-VNM: cut every cited land link between them (repeatable).",
)
@click.option("--year", type=int, default=None, help="Use the cables in service in this year.")
@click.option("--with-planned", is_flag=True, help="Add the planned cables.")
@click.option(
    "--cross-border",
    multiple=True,
    help="Assume a land link between two countries, e.g. GIB-ESP (repeatable).",
)
@click.option("--sweep", is_flag=True, help="Rank every single-cable and chokepoint cut instead.")
@click.option(
    "--pairs",
    is_flag=True,
    help="With --sweep: rank critical cable pairs (cut off a country no single cable does).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Sweep rows."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--map", "write_map", is_flag=True, help="Also write maps/scenario_<name>.html.")
@click.option(
    "--name", default=None, help="Scenario name for the map file. Default: from the cuts."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for --map. Default: settings.maps_folder (./maps).",
)
def scenario(
    source: Path | None,
    model_file: Path | None,
    countries_file: Path | None,
    cut_cable: tuple[str, ...],
    cut_area: tuple[str, ...],
    cut_vendor: tuple[str, ...],
    cut_border: tuple[str, ...],
    year: int | None,
    with_planned: bool,
    cross_border: tuple[str, ...],
    sweep: bool,
    pairs: bool,
    top: int,
    fmt: str,
    write_map: bool,
    name: str | None,
    out: Path | None,
) -> None:
    """Cut cables, areas or vendors; report which countries and landing points are cut off.

    \b
    Example:
        cablemap scenario --cut-cable tonga-cable --cut-cable tonga-domestic-cable-extension-tdce
        cablemap scenario --cut-area luzon-strait --format json
        cablemap scenario --cut-vendor "Huawei Marine"
        cablemap scenario --cut-border CHN-VNM --cut-area luzon-strait
        cablemap scenario --sweep --top 10
        cablemap scenario --sweep --pairs --top 10
        cablemap scenario --cut-area luzon-strait --map --name luzon
    """
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415 - on use
    from cablemap.risk.scenarios.engine import ScenarioEngine  # noqa: PLC0415

    if pairs and not sweep:
        msg = "--pairs needs --sweep"
        raise click.UsageError(msg)
    if not (sweep or cut_cable or cut_area or cut_vendor or cut_border):
        msg = "give at least one --cut-cable, --cut-area, --cut-vendor or --cut-border, or --sweep"
        raise click.UsageError(msg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `cablemap validate` reports the load
        analysis = open_analysis(
            source,
            model=model_file,
            countries=countries_file,
            cross_border=_cross_border(cross_border),
        )
    engine = ScenarioEngine.from_analysis(analysis, year=year, with_planned=with_planned)
    if sweep:
        _sweep(engine, pairs=pairs, top=top, fmt=fmt)
        return
    result = engine.run(
        cables=list(cut_cable),
        areas=list(cut_area),
        vendors=list(cut_vendor),
        borders=list(cut_border),
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        print_scenario(result)
    if write_map:
        cuts = [*cut_cable, *cut_area, *cut_vendor, *cut_border]
        for path in _write_scenario_map(result, analysis, engine, name, cuts, out):
            click.echo(f"Wrote {path}", err=fmt == "json")


def _sweep(engine: ScenarioEngine, *, pairs: bool, top: int, fmt: str) -> None:
    """Print every single-cable and chokepoint cut ranked by impact, or the critical pairs."""
    if pairs:
        critical = engine.sweep_pairs()
        if fmt == "json":
            click.echo(critical.head(top).to_json(orient="records"))
            return
        click.echo(f"critical cable pairs (top {top} of {len(critical)})")
        for row in critical.head(top).itertuples():
            click.echo(f"{row.cable_a} + {row.cable_b}: {', '.join(row.countries)}")
        return
    ranking = engine.sweep()
    if fmt == "json":
        click.echo(ranking.head(top).to_json(orient="records"))
    else:
        print_sweep(ranking, top)


def _write_scenario_map(
    result: ScenarioResult,
    analysis: Analysis,
    engine: ScenarioEngine,
    name: str | None,
    cuts: list[str],
    out: Path | None,
) -> tuple[Path, Path]:
    """Write ``scenario_<name>.html`` and the index beside it; return both paths."""
    from cablemap._text import slug  # noqa: PLC0415
    from cablemap.render import save_scenario_map, write_index  # noqa: PLC0415

    folder = _maps_folder(out)
    path = save_scenario_map(
        result,
        engine,
        folder,
        name=slug(name or "_".join(cuts), sep="_", max_len=60, default="scenario"),
        title=f"Scenario: {name or ', '.join(cuts)}",
        countries=analysis.outlines,
    )
    return path, write_index(folder, analysis.layers, analysis.model, scores=analysis.scores)


@cli.command(name="plan")
@source_option
@model_option
@countries_option
@click.option(
    "--budget-km",
    type=click.FloatRange(min=0),
    default=None,
    help="Km of new cable the portfolio may use. Default: the model's [plan] budget_km.",
)
@click.option(
    "--candidates",
    "candidates_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of analyst candidates: id, from, to (landing point id or ISO3), route_km.",
)
@click.option(
    "--max",
    "max_picks",
    type=click.IntRange(min=1),
    default=None,
    help="Most candidates in the portfolio. Default: the model's [plan] max_picks.",
)
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--map", "write_map", is_flag=True, help="Also write maps/investment_plan.html.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for --map. Default: settings.maps_folder (./maps).",
)
def plan_command(
    source: Path | None,
    model_file: Path | None,
    countries_file: Path | None,
    budget_km: float | None,
    candidates_file: Path | None,
    max_picks: int | None,
    top: int,
    fmt: str,
    write_map: bool,
    out: Path | None,
) -> None:
    """Rank candidate cables by measured benefit; choose a portfolio under a budget.

    \b
    Example:
        cablemap plan --source ../shared/data/cables/tg-v3-2022 --countries ne_10m.shp
        cablemap plan --budget-km 3000 --format json
        cablemap plan --candidates my_links.csv --max 5 --map
    """
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415 - on use

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `cablemap validate` reports the load
        analysis = open_analysis(source, model=model_file, countries=countries_file)
    result = analysis.plan(
        budget_km=budget_km, candidates_file=candidates_file, max_picks=max_picks
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        print_plan(result, top)
    if write_map:
        from cablemap.render import save_plan_map  # noqa: PLC0415

        path = save_plan_map(
            result, analysis.engine, _maps_folder(out), countries=analysis.outlines
        )
        click.echo(f"Wrote {path}", err=fmt == "json")
