"""The ``cablemap`` command line: argument parsing and one library call per command.

Expected errors (:class:`~cablemap.CablemapError`, and an unreadable or unwritable path) are
turned into ``Error: ...`` and exit status 1 in one place, :class:`_Group`; commands only print.
"""

# ruff: noqa: D301 - Click's no-rewrap marker is the backspace character: docstrings are not raw

from __future__ import annotations

import json
import logging
import re
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import click

from cablemap import settings
from cablemap._errors import CablemapError
from cablemap._resources import sample_path
from cablemap._validate import Issue
from cablemap._version import __version__
from cablemap.layers import Layers, load, save_layers
from cablemap.layers.boundaries import bundled_countries, countries_from_file
from cablemap.layers.fetch import (
    NATURALEARTH_LAYER,
    NATURALEARTH_URL,
    PEERINGDB_OBJECTS,
    PEERINGDB_URL,
    TELEGEOGRAPHY_URL,
    fetch_naturalearth,
    fetch_peeringdb,
    fetch_telegeography,
)
from cablemap.layers.files import Format as LayerFormat
from cablemap.layers.hazards import earthquakes_from_files
from cablemap.layers.incidents import cable_faults_from_smc
from cablemap.pipeline import BuildConfig, BuildResult, change_report, config_from_project, watch
from cablemap.pipeline import build as run_build
from cablemap.pipeline.briefs import write_brief
from cablemap.pipeline.diff import report_html, report_lines
from cablemap.render import save_map, scenario_map, write_index
from cablemap.render.briefs import BRIEFS_FOLDER
from cablemap.render.report import REPORT_HTML, skipped_headline
from cablemap.risk import ScenarioEngine, ScenarioResult, Scores, load_model, score
from cablemap.risk.model.faults import load_fault_model
from cablemap.risk.scoring.score import ID_COLUMNS, PLURALS
from cablemap.risk.simulation.calibration import calibrate as run_calibration
from cablemap.risk.simulation.simulate import SimulationResult
from cablemap.risk.simulation.simulate import simulate as run_simulation

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

_SOURCE_HELP = (
    "Data to load: a TeleGeography v2/v3 directory, a directory of layer files, a GeoPackage "
    "or a project .toml. Default: the embedded Indo-Pacific sample."
)


def _source_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--source",
        type=click.Path(exists=True, path_type=Path),
        default=None,
        help=_SOURCE_HELP,
    )(fn)


def _load(source: Path | None, *, strict: bool = False) -> Layers:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CLI prints the report itself
        return load(source, strict=strict)


def _path_error(exc: OSError) -> str:
    """``'path': reason`` for an OSError about a file (``'a' -> 'b': reason`` for two)."""
    where = repr(str(exc.filename))
    if exc.filename2 is not None:
        where += f" -> {str(exc.filename2)!r}"
    return f"{where}: {exc.strerror or exc}"


class _Group(click.Group):
    """The command group, and the one error boundary of every command.

    A :class:`~cablemap.CablemapError`, or an :class:`OSError` naming a path (permission
    denied, not a directory, no such file...), becomes ``Error: <message>`` and exit status 1
    instead of a traceback. Anything else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CablemapError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            if exc.filename is None:
                raise
            raise click.ClickException(_path_error(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cablemap")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or details (-vv).")
def cli(verbose: int) -> None:
    """Map and assess Indo-Pacific submarine cables, landing stations and who runs them."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _skipped_where(errors: list[Issue], root: Path) -> str:
    """Say where skipped records are: ``"cable/c2.json (1), landing-point/x.json (2)"``."""
    per_file: dict[str, int] = {}
    for issue in errors:
        file = Path(issue.file.split(":", 1)[0] if ".gpkg:" in issue.file else issue.file)
        name = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
        per_file[name] = per_file.get(name, 0) + 1
    shown = ", ".join(f"{name} ({n})" for name, n in list(per_file.items())[:5])
    more = len(per_file) - 5
    return shown + (f" and {more} more file(s)" if more > 0 else "")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at load with an error listing the skipped records, instead of the full report.",
)
@click.option("--max-issues", default=20, show_default=True, help="Warnings to list in full.")
def validate(path: Path | None, strict: bool, max_issues: int) -> None:
    """Load PATH, print what was loaded, skipped and repaired; exit 1 if anything was skipped.

    Prints "PATH: OK" and exits 0 only when no record was skipped (warnings alone, records
    kept but repaired or flagged, keep exit 0). Any skipped record: a headline saying how many
    and in which files, every skipped record listed, exit 1. Fatal problems (the source cannot
    be read, a layer breaks its schema) print "Error: ..." and exit 1. PATH defaults to the
    embedded sample.

    \b
    Example:
        cablemap validate ../shared/data/cables/tg-v3-2022
        cablemap validate cablemap.toml
    """
    layers = _load(path, strict=strict)
    report = layers.report
    source = path or sample_path()
    errors = report.errors
    if errors:
        root = source if source.is_dir() else source.parent
        click.echo(f"{source}: {skipped_headline(len(errors))}, in {_skipped_where(errors, root)}")
    else:
        click.echo(f"{source}: OK")
    for line in report.summary_lines():
        click.echo(f"  {line}")
    warned = report.warnings
    for issue in [*errors, *warned[:max_issues]]:
        click.echo(f"  - {issue}")
    if len(warned) > max_issues:
        click.echo(f"  ... and {len(warned) - max_issues} more warning(s)")
    if errors:
        sys.exit(1)


@cli.command()
@_source_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A .gpkg file, or a directory for GeoParquet/GeoJSON.",
)
@click.option(
    "--format",
    "fmt",
    # click checks the value against the Literal's members (and lower-cases it), so the
    # command receives a LayerFormat
    type=click.Choice(get_args(LayerFormat), case_sensitive=False),
    default=None,
    help="Default: gpkg for a .gpkg path, else parquet.",
)
def export(source: Path | None, out: Path, fmt: LayerFormat | None) -> None:
    """Write the loaded layers as GeoPackage, GeoParquet or GeoJSON (+ CSV).

    \b
    Example:
        cablemap export --source ../shared/data/cables/tg-v3-2022 --out layers.gpkg
    """
    layers = _load(source)
    path = save_layers(layers, out, fmt=fmt)
    click.echo(f"Wrote {layers!r} to {path}")


_model_option = click.option(
    "--model",
    "model_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Model TOML (weights, chokepoints, vendor profile). Default: risk_models/dcs-v1.toml.",
)
_countries_option = click.option(
    "--countries",
    "countries_file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Country polygons (e.g. Natural Earth admin-0) for landmasses, land links, basemap.",
)
_region_option = click.option(
    "--region",
    "region_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Region definition (TOML) for the map view. Default: the model's region.",
)


def _map_options(fn: click.decorators.FC) -> click.decorators.FC:
    return _model_option(_countries_option(_region_option(fn)))


@cli.command()
@_source_option
@_map_options
@click.option(
    "--project",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Project file. Default: ./cablemap.toml if it exists (and no --source), else the sample.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Maps folder. Default: maps.",
)
@click.option(
    "--exports",
    "exports_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Exports folder. Default: <out>/exports.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["gpkg", "parquet", "csv"]),
    help="Export formats (repeatable). Default: all.",
)
@click.option(
    "--offline/--online", default=None, help="Self-contained maps (default) or Leaflet from a CDN."
)
@click.option(
    "--online-tiles",
    is_flag=True,
    default=None,
    help="Also offer an OpenStreetMap tile layer (off until ticked).",
)
@click.option(
    "--hazards",
    "hazard_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Earthquake catalogue for the hazard component, overlay and probabilistic view "
    "(repeatable). Default: the project's [layers] hazards.",
)
@click.option("--force", is_flag=True, help="Run every stage.")
@click.option("--watch", "watch_", is_flag=True, help="Rebuild whenever the inputs change.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between --watch checks.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait when another build is writing to the same --out folder.",
)
def build(
    source: Path | None,
    model_file: Path | None,
    countries_file: Path | None,
    region_file: Path | None,
    project: Path | None,
    out: Path | None,
    exports_dir: Path | None,
    formats: tuple[str, ...],
    offline: bool | None,
    online_tiles: bool | None,
    hazard_files: tuple[Path, ...],
    force: bool,
    watch_: bool,
    interval: float,
    wait: float,
) -> None:
    """Load, validate, score, run scenarios, write maps and exports: only what changed.

    Reads ./cablemap.toml (or --project) when there is one; flags override it. An unchanged
    build does nothing; a failed build exits 1 and leaves the previous outputs in place.

    \b
    Example:
        cablemap build
        cablemap build --source ../shared/data/cables/tg-v3-2022 --out maps
        cablemap build --watch
    """
    if project is None and source is None and Path("cablemap.toml").is_file():
        project = Path("cablemap.toml")
    overrides: dict[str, Any] = {
        "source": source,
        "model": model_file,
        "countries": countries_file,
        "region": region_file,
        "out": out,
        "exports": exports_dir,
        "formats": formats or None,
        "offline": offline,
        "online_tiles": online_tiles,
        "hazards": hazard_files or None,
    }
    try:
        config = (
            config_from_project(project, **overrides)
            if project
            else BuildConfig(**{k: v for k, v in overrides.items() if v is not None})
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the summary prints the build's notices itself
            if watch_:
                click.echo(f"Watching (every {interval} s); Ctrl-C to stop.", err=True)
                watch(config, interval=interval, on_build=_build_summary, on_stage=_build_progress)
            else:
                result = run_build(config, on_stage=_build_progress, force=force, wait=wait)
                _build_summary(result, config)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


def _build_progress(stage: str, status: str, seconds: float) -> None:
    if status == "ran":
        click.echo(f"  {stage:<10} {seconds:6.2f} s", err=True)


def _print_skipped(result: BuildResult, config: BuildConfig | None) -> None:
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


def _build_summary(result: BuildResult, config: BuildConfig | None = None) -> None:
    for notice in result.notices:
        click.echo(f"Warning: {notice}", err=True)
    if result.up_to_date:
        where = f" ({config.out_folder})" if config else ""
        click.echo(f"Up to date: nothing changed since the last build{where}.")
        _print_skipped(result, config)
        return
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    click.echo(
        f"Built: ran {', '.join(result.ran)}; reused {', '.join(result.skipped) or 'nothing'}"
    )
    click.echo(f"Layers: {counts}; {result.warnings} load issue(s) reported")
    click.echo("Time: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    for line in result.changes:
        click.echo(f"Changed: {line}")
    briefs = [p for p in result.outputs if p.parent.name == BRIEFS_FOLDER]
    for path in result.outputs:
        if path in briefs:
            continue
        if path.suffix == ".html" or path.name in ("scores.gpkg", "metadata.json"):
            click.echo(f"Wrote {path}")
    if briefs:
        click.echo(f"Wrote {len(briefs)} country briefs to {briefs[0].parent}")
    _print_skipped(result, config)


@cli.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--scores/--no-scores", default=True, show_default=True, help="Also compare scores and ranks."
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to a file."
)
def diff(old: Path, new: Path, fmt: str, scores: bool, out: Path | None) -> None:
    """Report what changed between two data releases (any supported formats).

    Cables and landing points added, removed and changed (with the fields), and how scores,
    ranks and single-cable countries moved.

    \b
    Example:
        cablemap diff ../shared/data/cables/tg-v2-2020 ../shared/data/cables/tg-v3-2022
        cablemap diff OLD NEW --format json
    """
    old_layers, new_layers = _load(old), _load(new)
    old_scores = score(old_layers) if scores else None
    new_scores = score(new_layers) if scores else None
    report = change_report(old_layers, new_layers, old_scores, new_scores)
    if fmt == "json":
        text = json.dumps(report, indent=1, default=str)
    elif fmt == "html":
        text = report_html(report)
    else:
        text = "\n".join(report_lines(report))
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {out}")
    else:
        click.echo(text)


@cli.command()
@click.argument("iso3")
@_source_option
@_model_option
@_countries_option
@click.option(
    "--facilities",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Facility source to draw and score (PeeringDB KMZ/JSON, cloud regions CSV; repeatable).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The page to write. Default: maps/countries/<ISO3>.html.",
)
def brief(
    iso3: str,
    source: Path | None,
    model_file: Path | None,
    countries_file: Path | None,
    facilities: tuple[Path, ...],
    out: Path | None,
) -> None:
    """Write one country's brief: a printable offline page of its cables, scores and risks.

    Map of its cables, landing stations and facilities; scores with the breakdown and ranks;
    international cables with owners, suppliers, tiers and RFS year; single points of failure
    and the configured scenarios; vendor footprints with sources; new cables per year by
    supplier tier; changes since the previous release (maps/changes.json); sources, licences.

    \b
    Example:
        cablemap brief TON
        cablemap brief FJI --source ../shared/data/cables/tg-v3-2022 --out fiji.html
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the page and `cablemap validate` report the load
        path = write_brief(
            iso3,
            source=source,
            model=model_file,
            countries=countries_file,
            facilities=facilities,
            out=out,
        )
    click.echo(f"Wrote {path}")


@cli.command()
@click.argument("dataset", type=click.Choice(["telegeography", "peeringdb", "naturalearth"]))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Target folder. Default: geodata/raw/<dataset>.",
)
@click.option(
    "--base-url",
    default=None,
    help="Where to download from (default: the public source); file:///path/ reads a mirror.",
)
@click.option(
    "--layer",
    default=NATURALEARTH_LAYER,
    show_default=True,
    help="naturalearth: the shapefile's base name at --base-url.",
)
def fetch(dataset: str, out: Path | None, base_url: str | None, layer: str) -> None:
    """Download the current public copy of DATASET into geodata/raw.

    telegeography: the open undersea cable map (CC BY-NC-SA 3.0); peeringdb: facilities,
    organisations and exchanges (PeeringDB AUP: never republish); naturalearth: admin-0
    countries (public domain).

    \b
    Example:
        cablemap fetch telegeography
        cablemap fetch peeringdb
        cablemap fetch naturalearth
    """
    expected = {"telegeography": 525, "peeringdb": len(PEERINGDB_OBJECTS), "naturalearth": 5}[
        dataset
    ]
    with click.progressbar(length=expected, label=f"{dataset} files", file=sys.stderr) as bar:

        def tick(_: str) -> None:
            bar.update(1)

        if dataset == "telegeography":
            path = fetch_telegeography(out, base_url=base_url or TELEGEOGRAPHY_URL, on_file=tick)
        elif dataset == "peeringdb":
            path = fetch_peeringdb(out, base_url=base_url or PEERINGDB_URL, on_file=tick)
        else:
            path = fetch_naturalearth(
                out, base_url=base_url or NATURALEARTH_URL, layer=layer, on_file=tick
            )
    click.echo(f"Fetched into {path}")


@cli.command()
@_source_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def info(source: Path | None, fmt: str) -> None:
    """Summarise the loaded layers: counts, sources, licences.

    \b
    Example:
        cablemap info --format json
    """
    layers = _load(source)
    summary = {
        "cables": len(layers.cables),
        "landing_points": len(layers.landing_points),
        "cable_landings": len(layers.cable_landings),
        "countries": int(layers.landing_points["iso3"].nunique()),
        "sources": layers.sources,
        "attribution": layers.attributions,
    }
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


def _print_table(scores: Scores, entity: str, top: int, *, region_only: bool) -> None:
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
    click.echo("  (component columns show contributions = value x weight; they sum to the score)")


def _print_explain(detail: dict[str, object]) -> None:
    click.echo(
        f"{detail['entity']} {detail['id']!r}: score {detail['score']:.4f}, "
        f"rank {detail['rank']} (model {detail['model']})"
    )
    click.echo(f"  {'component':<18} {'value':>8} {'weight':>8} {'contribution':>13}")
    components = detail["components"]
    assert isinstance(components, dict)  # noqa: S101 - shape of row_dict
    for name, parts in components.items():
        click.echo(
            f"  {name:<18} {parts['value']:>8.4f} {parts['weight']:>8.3f} "
            f"{parts['contribution']:>13.4f}"
        )
    click.echo(f"  {'sum':<18} {'':>8} {'':>8} {detail['score']:>13.4f}")
    for key, value in detail.items():
        if key not in ("entity", "id", "score", "rank", "components", "model"):
            click.echo(f"  {key}: {value}")


@cli.command(name="score")
@_source_option
@_model_option
@click.option(
    "--vendor-profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Vendor profile TOML replacing the model's.",
)
@_countries_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--entity",
    type=click.Choice(["landing_point", "cable", "country", "facility", "metro"]),
    default=None,
    help="Only this entity (csv to stdout: default country); facility and metro are scored "
    "where the model weighs them.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    help="Only the N highest scores (table: default 10).",
)
@click.option(
    "--explain",
    "explain_id",
    default=None,
    help="Print one row's full breakdown (lp_id, cable_id, ISO3, fac_id or metro_id).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --format csv: write every entity's table into this folder.",
)
@click.option("--region-only", is_flag=True, help="Only rows in the model's region.")
@click.option(
    "--hazards",
    "hazard_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Earthquake catalogue for the hazard component (repeatable). Default: the project's.",
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Score the network as of this year (Layers.as_of): what the maps' year control shows.",
)
def score_command(
    source: Path | None,
    model_file: Path | None,
    vendor_profile: Path | None,
    countries_file: Path | None,
    fmt: str,
    entity: str | None,
    top: int | None,
    explain_id: str | None,
    out: Path | None,
    region_only: bool,
    hazard_files: tuple[Path, ...],
    year: int | None,
) -> None:
    """Score every landing point, cable, country, facility and metro; print the breakdown.

    Every score is a weighted sum of components in [0, 1] with weights from the model file;
    each row carries its components, weights and contributions. Country rows also carry their
    vendor exposure per domain (exposure_<domain>, its status: evidence or unknown) and
    evidence_domains.

    \b
    Example:
        cablemap score --format table --entity country --top 10
        cablemap score --entity metro --region-only --top 10
        cablemap score --explain TON
        cablemap score --year 2010 --entity country --region-only
        cablemap score --source ../shared/data/cables/tg-v3-2022 --format json > scores.json
    """
    layers = _load(source)
    if hazard_files:
        layers.hazards = earthquakes_from_files(hazard_files, report=layers.report)
    model = load_model(model_file, vendor_profile=vendor_profile)
    countries = countries_from_file(countries_file) if countries_file else None
    scores = score(layers, model, countries=countries, year=year)
    if explain_id is not None:
        try:
            detail = scores.explain(explain_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from exc
        if fmt == "json":
            click.echo(json.dumps(detail, indent=2, ensure_ascii=False, default=str))
        else:
            _print_explain(detail)
        return
    entities = [entity] if entity else list(PLURALS)
    if fmt == "json":
        payload = scores.to_json_dict(entities, top=top, region_only=region_only)
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
    elif fmt == "csv":
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for e in entities:
                path = out / f"{PLURALS[e]}.csv"
                scores.table(e).drop(columns="geometry", errors="ignore").to_csv(path, index=False)
                click.echo(f"Wrote {path}")
            return
        frame = scores.ranked(entity or "country", top=top, region_only=region_only)
        click.echo(frame.drop(columns="geometry", errors="ignore").to_csv(index=False), nl=False)
    else:
        for e in entities:
            _print_table(scores, e, top or 10, region_only=region_only)
            click.echo("")
        for note in scores.notes:
            click.echo(f"note: {note}")


def _cross_border(pairs: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        parts = pair.upper().split("-")
        if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
            msg = f"--cross-border {pair!r}: expected two ISO3 codes joined by '-', e.g. GIB-ESP"
            raise click.BadParameter(msg)
        out.append((parts[0], parts[1]))
    return out


def _print_sweep(ranking: pd.DataFrame, top: int) -> None:
    click.echo(f"single-cable and chokepoint cuts ranked by impact (top {top} of {len(ranking)})")
    click.echo(f"{'cut':<50} {'kind':<10} {'isolated':>8} {'pairs lost':>10}  countries")
    for row in ranking.head(top).itertuples():
        click.echo(
            f"{row.cut[:50]:<50} {row.kind:<10} {row.countries_isolated:>8} "
            f"{row.pairs_lost:>10}  {', '.join(row.isolated)}"
        )


def _site_cells(facilities: pd.DataFrame) -> dict[str, str]:
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


def _print_scenario(result: ScenarioResult) -> None:
    data = result.to_dict()
    click.echo(f"cuts: {json.dumps(result.cuts)}")
    click.echo(f"cut cables ({len(result.cut_cables)}): {', '.join(result.cut_cables) or 'none'}")
    click.echo(f"cut segments: {len(result.cut_segments)}")
    if result.cuts.get("vendors"):
        click.echo(f"cut facilities: {len(result.cut_facilities)}")
    click.echo(f"isolated countries: {', '.join(result.isolated_countries) or 'none'}")
    click.echo(f"isolated landing points: {', '.join(data['isolated_landing_points']) or 'none'}")
    c = result.countries.set_index("iso3")
    changed = list(c.index[(c["cables_after"] < c["cables_before"]) | c["isolated"]])
    # beside the cables: the share of facilities and interconnection a vendor cut takes away
    sites = _site_cells(result.facilities) if len(result.facilities) else None
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


@cli.command()
@_source_option
@_model_option
@_countries_option
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
def scenario(  # noqa: PLR0912 - one branch per output mode
    source: Path | None,
    model_file: Path | None,
    countries_file: Path | None,
    cut_cable: tuple[str, ...],
    cut_area: tuple[str, ...],
    cut_vendor: tuple[str, ...],
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
        cablemap scenario --sweep --top 10
        cablemap scenario --sweep --pairs --top 10
        cablemap scenario --cut-area luzon-strait --map --name luzon
    """
    if pairs and not sweep:
        msg = "--pairs needs --sweep"
        raise click.UsageError(msg)
    if not (sweep or cut_cable or cut_area or cut_vendor):
        msg = "give at least one --cut-cable, --cut-area or --cut-vendor, or --sweep"
        raise click.UsageError(msg)
    layers = _load(source)
    countries = countries_from_file(countries_file) if countries_file else None
    engine = ScenarioEngine(
        layers,
        load_model(model_file),
        countries=countries,
        year=year,
        with_planned=with_planned,
        cross_border=_cross_border(cross_border),
    )
    if sweep and pairs:
        critical = engine.sweep_pairs()
        if fmt == "json":
            click.echo(critical.head(top).to_json(orient="records"))
        else:
            click.echo(f"critical cable pairs (top {top} of {len(critical)})")
            for row in critical.head(top).itertuples():
                click.echo(f"{row.cable_a} + {row.cable_b}: {', '.join(row.countries)}")
        return
    if sweep:
        ranking = engine.sweep()
        if fmt == "json":
            click.echo(ranking.head(top).to_json(orient="records"))
        else:
            _print_sweep(ranking, top)
        return
    result = engine.run(cables=list(cut_cable), areas=list(cut_area), vendors=list(cut_vendor))
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        _print_scenario(result)
    if write_map:
        slug = name or "_".join([*cut_cable, *cut_area, *cut_vendor])
        slug = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_").lower()[:60] or "scenario"
        title = f"Scenario: {name or ', '.join([*cut_cable, *cut_area, *cut_vendor])}"
        page = scenario_map(
            result,
            engine,
            title=title,
            countries=countries if countries is not None else bundled_countries(),
        )
        folder = Path(settings.maps_folder) if out is None else out
        path = save_map(page, folder / f"scenario_{slug}.html")
        index = write_index(folder, layers, engine.model)
        click.echo(f"Wrote {path}" if fmt != "json" else "", err=fmt == "json")
        if fmt != "json":
            click.echo(f"Wrote {index}")


@cli.command(name="plan")
@_source_option
@_model_option
@_countries_option
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
    from cablemap.render import plan_map  # noqa: PLC0415
    from cablemap.risk import plan  # noqa: PLC0415

    layers = _load(source)
    countries = countries_from_file(countries_file) if countries_file else None
    model = load_model(model_file)
    result = plan(
        layers,
        model,
        countries=countries,
        budget_km=budget_km,
        candidates_file=candidates_file,
        max_picks=max_picks,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
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
    if write_map:
        engine = ScenarioEngine(layers, model, countries=countries)
        page = plan_map(
            result,
            engine,
            countries=countries if countries is not None else bundled_countries(),
        )
        folder = Path(settings.maps_folder) if out is None else out
        path = save_map(page, folder / "investment_plan.html")
        click.echo(f"Wrote {path}", err=fmt == "json")


# ----------------------------------------------------------------------------- hazards (issue 14)
_hazards_option = click.option(
    "--hazards",
    "hazard_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Earthquake catalogue (USGS CSV: Date, Latitude, Longitude, Magnitude), repeatable. "
    "Default: the project's [layers] hazards, if any.",
)


def _with_hazards(layers: Layers, hazard_files: tuple[Path, ...]) -> Layers:
    if hazard_files:
        layers.hazards = earthquakes_from_files(hazard_files, report=layers.report)
    return layers


class _NullBar:
    def update(self, n: int) -> None:
        """Do nothing."""


@contextmanager
def _progressbar(length: int, label: str, *, silent: bool) -> Iterator[Any]:
    """Yield a click progress bar on stderr, or a bar that shows nothing when silent."""
    if silent:
        yield _NullBar()
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar


def _top_cables(entries: list[dict[str, Any]]) -> str:
    """List the first three cables down when cut off, with their share (below 1 %: left out)."""
    shown = [t for t in entries if t["share"] >= 0.01][:3]
    return ", ".join(f"{t['cable_id']} ({t['share']:.0%})" for t in shown)


def _print_simulation(result: SimulationResult, top: int) -> None:
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
        f"{'intl':>4}  cables down when cut off"
    )
    for row in c.head(top).itertuples():
        cables = _top_cables(row.top_cables)
        click.echo(
            f"{row.iso3:<5} {row.name[:24]:<24} {row.probability_cut_off:>10.4f} "
            f"{row.ci_low:>6.4f}-{row.ci_high:<6.4f} {row.expected_days_cut_off:>8.2f} "
            f"{row.international_cables:>4}  {cables}"
        )
    lp = result.landing_points
    click.echo(f"\nlanding points (top {min(top, len(lp))} of {len(lp)})")
    click.echo(f"{'lp_id':<40} {'P(cut off)':>10} {'days/yr':>8}  cables down when cut off")
    for row in lp.head(top).itertuples():
        cables = _top_cables(row.top_cables)
        click.echo(
            f"{row.lp_id[:40]:<40} {row.probability_cut_off:>10.4f} "
            f"{row.expected_days_cut_off:>8.2f}  {cables}"
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


@cli.command()
@_source_option
@_model_option
@click.option(
    "--faults",
    "faults_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Fault model TOML (rates, repairs). Default: the model's, risk_models/faults-v1.toml.",
)
@_hazards_option
@_countries_option
@click.option(
    "--years",
    type=click.IntRange(min=1),
    default=None,
    help="Years to simulate. Default: the fault model's (10000).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Random seed; the same seed and years give the same numbers on any engine.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this process; dask: a LocalCluster (or --scheduler).",
)
@click.option(
    "--scheduler",
    default=None,
    help="With --engine dask: address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --engine dask and no --scheduler: LocalCluster workers. Default: one per core.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Table rows."
)
def simulate(
    source: Path | None,
    model_file: Path | None,
    faults_file: Path | None,
    hazard_files: tuple[Path, ...],
    countries_file: Path | None,
    years: int | None,
    seed: int | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    fmt: str,
    top: int,
) -> None:
    """Simulate years of cable faults and repairs: how likely each country is to be cut off.

    Per country and landing point: the yearly probability of being cut off by sea at least
    once (95 % interval), the expected days cut off, and the cables most often down then; per
    cable, how often it is part of a country's loss.

    \b
    Example:
        cablemap simulate --years 2000
        cablemap simulate --source tg-v3-2022 --hazards usgs-m55.csv --format json
        cablemap simulate --years 100000 --engine dask --workers 8
        cablemap simulate --engine dask --scheduler tcp://10.0.0.5:8786
    """
    if (scheduler or workers) and engine != "dask":
        msg = "--scheduler and --workers need --engine dask"
        raise click.UsageError(msg)
    if scheduler and workers:
        msg = "Use just one of --scheduler or --workers"
        raise click.UsageError(msg)
    if engine == "dask" and not logging.getLogger().isEnabledFor(logging.INFO):
        # importing dask.distributed sets its loggers to INFO (its cluster's start and stop)
        import distributed  # noqa: F401, PLC0415

        logging.getLogger("distributed").setLevel(logging.WARNING)
    layers = _with_hazards(_load(source), hazard_files)
    model = load_model(model_file)
    faults = load_fault_model(faults_file) if faults_file else model.faults
    countries = countries_from_file(countries_file) if countries_file else None
    n_years = years or (faults.years if faults else 10000)
    block = faults.block_years if faults else 1000
    blocks = -(-n_years // block)
    with _progressbar(blocks, "Simulating", silent=blocks < 3 or not sys.stderr.isatty()) as bar:

        def tick(done: int, total: int) -> None:
            bar.update(1)

        result = run_simulation(
            layers,
            model,
            faults=faults,
            countries=countries,
            years=years,
            seed=seed,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            on_block=tick,
        )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_simulation(result, top)


@cli.command()
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_source_option
@_model_option
@_hazards_option
@_countries_option
@click.option(
    "--cable-ids",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Slug to cable id table. Default: risk_models/smc-cable-ids.csv.",
)
@click.option("--years", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=14, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def calibrate(
    incidents: Path,
    source: Path | None,
    model_file: Path | None,
    hazard_files: tuple[Path, ...],
    countries_file: Path | None,
    cable_ids: Path | None,
    years: int,
    seed: int,
    fmt: str,
) -> None:
    """Compare the fault model with real faults (smc.peering.tw's list of Taiwan's cables).

    Faults at sea a year and repair times, observed against simulated, on the cables the
    slug table matches; unmatched cables are listed.

    \b
    Example:
        cablemap calibrate taiwan-smc-incidents.json --source tg-v3-2022 --hazards usgs.csv
    """
    layers = _with_hazards(_load(source), hazard_files)
    countries = countries_from_file(countries_file) if countries_file else None
    result = run_calibration(
        cable_faults_from_smc(incidents),
        layers,
        load_model(model_file),
        countries=countries,
        cable_ids=cable_ids,
        years=years,
        seed=seed,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        for line in result.lines():
            click.echo(line)
