"""Commands that write pages: ``build``, ``diff``, ``brief``."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import click

from cablemap.cli._group import cli, countries_option, map_options, model_option, source_option
from cablemap.cli.printers import build_progress, build_summary


@cli.command()
@source_option
@map_options
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
    from cablemap.pipeline.builder import (  # noqa: PLC0415 - commands import what they run
        BuildConfig,
        config_from_project,
        watch,
    )
    from cablemap.pipeline.builder import build as run_build  # noqa: PLC0415

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
                watch(config, interval=interval, on_build=build_summary, on_stage=build_progress)
            else:
                result = run_build(config, on_stage=build_progress, force=force, wait=wait)
                build_summary(result, config)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


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
    "--project",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Project file whose model, country outlines, facilities, footprints and catalogues "
    "both releases are scored with (the setup of its maps). Default: none, the sample setup.",
)
@model_option
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to a file."
)
def diff(
    old: Path,
    new: Path,
    fmt: str,
    scores: bool,
    project: Path | None,
    model_file: Path | None,
    out: Path | None,
) -> None:
    """Report what changed between two data releases (any supported formats).

    Cables and landing points added, removed, renamed (same name, route or place under a new
    id) and changed (with the fields), and how scores, ranks and single-cable countries moved.
    With --project both releases are scored in the project's setup (its model, outlines,
    facilities and footprints), so the movers are those of its maps; --model overrides its
    model.

    \b
    Example:
        cablemap diff ../shared/data/cables/tg-v2-2020 ../shared/data/cables/tg-v3-2022
        cablemap diff OLD NEW --project cablemap.toml --format html --out changes.html
    """
    from cablemap.pipeline.diff import diff_releases, report_html, report_lines  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `cablemap validate` reports each load
        report = diff_releases(old, new, project=project, model=model_file, scores=scores)
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
@source_option
@model_option
@countries_option
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
    from cablemap.pipeline.briefs import write_brief  # noqa: PLC0415

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
