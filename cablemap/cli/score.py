"""``cablemap score``: explainable scores of every entity."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from cablemap.cli._group import cli, countries_option, hazards_option, model_option, source_option
from cablemap.cli.printers import print_explain, print_table, report_skipped_rows

ENTITIES = ("landing_point", "cable", "country", "facility", "metro")


@cli.command(name="score")
@source_option
@model_option
@click.option(
    "--vendor-profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Vendor profile TOML replacing the model's.",
)
@countries_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--entity",
    type=click.Choice(ENTITIES),
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
@hazards_option
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

    A landing point's, country's, facility's and metro's score is importance^a x
    vulnerability^(1-a), each a weighted mean of components in [0, 1] (weights and a from the
    model file); a cable's is one weighted sum. Each row carries its components, weights,
    contributions and formula. Country rows also carry their vendor exposure per domain
    (exposure_<domain>, its range and status: evidence, partial or unknown), the range of
    their rank and evidence_domains (docs/scores.md lists every field). A project file
    (--source cablemap.toml) is scored as `cablemap build` scores it: its outlines,
    catalogues, facilities and footprints.

    \b
    Example:
        cablemap score --format table --entity country --top 10
        cablemap score --entity metro --region-only --top 10
        cablemap score --explain TON
        cablemap score --year 2010 --entity country --region-only
        cablemap score --source ../shared/data/cables/tg-v3-2022 --format json > scores.json
    """
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415 - on use
    from cablemap.risk.scoring.score import PLURALS  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the load report is printed below where it matters
        analysis = open_analysis(
            source,
            model=model_file,
            vendor_profile=vendor_profile,
            countries=countries_file,
            hazards=hazard_files,
            year=year,
        )
    report_skipped_rows(analysis.layers.report, hazard_files)
    scores = analysis.scores
    if explain_id is not None:
        try:
            detail = scores.explain(explain_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from exc
        if fmt == "json":
            click.echo(json.dumps(detail, indent=2, ensure_ascii=False, default=str))
        else:
            print_explain(detail)
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
            print_table(scores, e, top or 10, region_only=region_only)
            click.echo("")
        for note in scores.notes:
            click.echo(f"note: {note}")
