"""The ``cablemap`` command line: argument parsing and one library call per command."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path

import click

from cablemap import __version__
from cablemap._errors import CablemapError
from cablemap._resources import sample_path
from cablemap.layers import Layers, load, save_layers
from cablemap.layers.fetch import TELEGEOGRAPHY_URL, fetch_telegeography
from cablemap.render import build_map, save_map
from cablemap.risk import load_region

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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the CLI prints the report itself
            return load(source, strict=strict)
    except CablemapError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cablemap")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or details (-vv).")
def cli(verbose: int) -> None:
    """Map and assess Indo-Pacific submarine cables, landing stations and who runs them."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--strict", is_flag=True, help="Treat skipped records as fatal (exit 1).")
@click.option("--max-issues", default=20, show_default=True, help="Issues to list in full.")
def validate(path: Path | None, strict: bool, max_issues: int) -> None:
    r"""Load PATH, print what was loaded, skipped and repaired; exit 1 on fatal problems.

    Fatal: the source cannot be read or a layer breaks its schema; with --strict also any
    skipped record. PATH defaults to the embedded sample.

    \b
    Example:
        cablemap validate ../shared/data/cables/tg-v3-2022
    """
    layers = _load(path, strict=strict)
    report = layers.report
    click.echo(f"{path or sample_path()}: OK")
    for line in report.summary_lines():
        click.echo(f"  {line}")
    for issue in report.issues[:max_issues]:
        click.echo(f"  - {issue}")
    if len(report.issues) > max_issues:
        click.echo(f"  ... and {len(report.issues) - max_issues} more issue(s)")


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
    type=click.Choice(["gpkg", "parquet", "geojson"], case_sensitive=False),
    default=None,
    help="Default: gpkg for a .gpkg path, else parquet.",
)
def export(source: Path | None, out: Path, fmt: str | None) -> None:
    r"""Write the loaded layers as GeoPackage, GeoParquet or GeoJSON (+ CSV).

    \b
    Example:
        cablemap export --source ../shared/data/cables/tg-v3-2022 --out layers.gpkg
    """
    layers = _load(source)
    try:
        path = save_layers(layers, out, fmt=fmt)
    except CablemapError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {layers!r} to {path}")


@cli.command()
@_source_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("maps"),
    show_default=True,
    help="Folder for the HTML maps.",
)
@click.option(
    "--region",
    "region_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Region definition (TOML). Default: risk_models/indo-pacific.toml.",
)
def build(source: Path | None, out: Path, region_file: Path | None) -> None:
    r"""Load the data and write the maps into OUT.

    \b
    Example:
        cablemap build --out maps
    """
    layers = _load(source)
    try:
        region = load_region(region_file)
    except CablemapError as exc:
        raise click.ClickException(str(exc)) from exc
    path = save_map(build_map(layers, region=region), out / "cables.html")
    click.echo(f"Loaded {layers!r}")
    click.echo(f"Wrote {path}")


@cli.command()
@click.argument("dataset", type=click.Choice(["telegeography"]))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Target folder. Default: geodata/raw/<dataset>.",
)
@click.option(
    "--base-url",
    default=TELEGEOGRAPHY_URL,
    show_default=True,
    help="Where to download from; file:///path/ reads a local mirror.",
)
def fetch(dataset: str, out: Path | None, base_url: str) -> None:
    r"""Download the current public copy of DATASET into geodata/raw.

    \b
    Example:
        cablemap fetch telegeography
    """
    del dataset  # one dataset so far; the argument keeps the interface open
    with click.progressbar(length=525, label="files", file=sys.stderr) as bar:
        try:
            path = fetch_telegeography(out, base_url=base_url, on_file=lambda _: bar.update(1))
        except CablemapError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Fetched into {path}; load it with: cablemap validate {path}")


@cli.command()
@_source_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def info(source: Path | None, fmt: str) -> None:
    r"""Summarise the loaded layers: counts, sources, licences.

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
