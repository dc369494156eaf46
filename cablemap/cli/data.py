"""Commands about the data: ``validate``, ``export``, ``info``, ``fetch``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cablemap.cli._group import cli, load_quietly, source_option
from cablemap.cli.printers import skipped_where
from cablemap.layers.fetch import (
    NATURALEARTH_LAYER,
    NATURALEARTH_URL,
    PEERINGDB_OBJECTS,
    PEERINGDB_URL,
    TELEGEOGRAPHY_URL,
)
from cablemap.render.report import skipped_headline

#: ``cablemap export --format`` (the layer formats of :mod:`cablemap.layers.files`).
LAYER_FORMATS = ("gpkg", "parquet", "geojson")


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
    from cablemap._resources import sample_path  # noqa: PLC0415

    layers = load_quietly(path, strict=strict)
    report = layers.report
    source = path or sample_path()
    errors = report.errors
    if errors:
        root = source if source.is_dir() else source.parent
        click.echo(f"{source}: {skipped_headline(len(errors))}, in {skipped_where(errors, root)}")
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
@source_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A .gpkg file, or a directory for GeoParquet/GeoJSON.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LAYER_FORMATS, case_sensitive=False),
    default=None,
    help="Default: gpkg for a .gpkg path, else parquet.",
)
def export(source: Path | None, out: Path, fmt: str | None) -> None:
    """Write the loaded layers as GeoPackage, GeoParquet or GeoJSON (+ CSV).

    \b
    Example:
        cablemap export --source ../shared/data/cables/tg-v3-2022 --out layers.gpkg
    """
    from cablemap.layers import save_layers  # noqa: PLC0415 - commands import what they run

    layers = load_quietly(source)
    path = save_layers(layers, out, fmt=fmt)  # type: ignore[arg-type]  # a Choice of Format
    click.echo(f"Wrote {layers!r} to {path}")


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
    from cablemap.layers.fetch import (  # noqa: PLC0415
        fetch_naturalearth,
        fetch_peeringdb,
        fetch_telegeography,
    )

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
@source_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def info(source: Path | None, fmt: str) -> None:
    """Summarise the loaded layers: counts, sources, licences.

    \b
    Example:
        cablemap info --format json
    """
    layers = load_quietly(source)
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
