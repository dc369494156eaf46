"""``cablemap simulate`` and ``cablemap calibrate``: faults and repairs, and their check."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from cablemap.cli._group import (
    cli,
    countries_option,
    hazards_option,
    model_option,
    source_option,
)
from cablemap.cli.printers import print_simulation, report_skipped_rows

#: Runs estimated to take at least this long (seconds) say so on stderr before they go on.
LONG_RUN_SECONDS = 30.0


def _duration(seconds: float) -> str:
    """``"45 s"``, ``"12 min"``, ``"3 h 20 min"``, ``"2,315 days"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    if hours < 48:
        return f"{int(hours)} h {int(minutes % 60)} min"
    return f"{hours / 24:,.0f} days"


def _estimate_printer(engine: str) -> Any:
    """Print the estimated time of a long run on stderr (once, before the long part)."""

    def say(seconds: float, blocks: int) -> None:
        if seconds < LONG_RUN_SECONDS:
            return
        where = "in this process" if engine == "local" else "in one process (workers share it)"
        click.echo(
            f"Estimated time: about {_duration(seconds)} {where} ({blocks:,} blocks, timed on "
            "the first); Ctrl-C stops it",
            err=True,
        )

    return say


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


@cli.command()
@source_option
@model_option
@click.option(
    "--faults",
    "faults_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Fault model TOML (rates, repairs). Default: the model's, risk_models/faults-v2.toml.",
)
@hazards_option
@countries_option
@click.option(
    "--years",
    type=click.IntRange(min=1),
    default=None,
    help="Years to simulate, at most 100,000,000. Default: the fault model's (10000). "
    "Long runs print their estimated time first.",
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
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415 - on use
    from cablemap.risk.model.faults import load_fault_model  # noqa: PLC0415
    from cablemap.risk.simulation.simulate import MAX_YEARS  # noqa: PLC0415

    if years is not None and years > MAX_YEARS:
        msg = (
            f"--years {years:,} is more than {MAX_YEARS:,}, the cap of the fault model file's "
            "[simulation] years (10,000 years give the yearly odds to within about one "
            "percentage point)"
        )
        raise click.ClickException(msg)
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped catalogue rows are printed below
        analysis = open_analysis(
            source, model=model_file, countries=countries_file, hazards=hazard_files
        )
    report_skipped_rows(analysis.layers.report, hazard_files)
    faults = load_fault_model(faults_file) if faults_file else analysis.model.faults
    n_years = years or (faults.years if faults else 10000)
    block = faults.block_years if faults else 1000
    blocks = -(-n_years // block)
    with _progressbar(blocks, "Simulating", silent=blocks < 3 or not sys.stderr.isatty()) as bar:

        def tick(done: int, total: int) -> None:
            bar.update(1)

        result = analysis.simulate(
            faults=faults,
            years=years,
            seed=seed,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            on_block=tick,
            on_estimate=_estimate_printer(engine),
        )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print_simulation(result, top)


@cli.command()
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@source_option
@model_option
@hazards_option
@countries_option
@click.option(
    "--cable-ids",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Slug to cable id table. Default: risk_models/smc-cable-ids.csv.",
)
@click.option("--years", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=14, show_default=True)
@click.option(
    "--backtests",
    is_flag=True,
    help="Also compare repairs and days cut off with real events (risk_models/repair_events.csv).",
)
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
    backtests: bool,
    fmt: str,
) -> None:
    """Compare the fault model with real faults (smc.peering.tw's list of Taiwan's cables).

    Faults at sea a year (per cable, with 95 % Poisson intervals), repair times and faults of
    several cables at once, observed against simulated, on the cables the slug table matches;
    unmatched cables are listed. With --backtests, also the repair zones against real repairs
    (Tonga, Vanuatu, Vietnam, the Red Sea, Matsu) and the days cut off of the single-cable
    Pacific states against their record.

    \b
    Example:
        cablemap calibrate taiwan-smc-incidents.json --source tg-v3-2022 --hazards usgs.csv
        cablemap calibrate taiwan-smc-incidents.json --backtests --years 5000
    """
    from cablemap.layers.incidents import cable_faults_from_smc  # noqa: PLC0415 - on use
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415
    from cablemap.risk.simulation.calibration import calibrate_analysis  # noqa: PLC0415

    faults = cable_faults_from_smc(incidents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped catalogue rows are printed below
        analysis = open_analysis(
            source, model=model_file, countries=countries_file, hazards=hazard_files
        )
    report_skipped_rows(analysis.layers.report, hazard_files)
    result = calibrate_analysis(
        faults, analysis, cable_ids=cable_ids, years=years, seed=seed, backtests=backtests
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        for line in result.lines():
            click.echo(line)
