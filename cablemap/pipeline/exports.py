"""Scored layers as GeoPackage, GeoParquet and CSV, with licence and model in their metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap._tables import write_tables
from cablemap._version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.score import Scores
    from cablemap.risk.simulate import SimulationResult

FORMATS = ("gpkg", "parquet", "csv")
_TABLES = ("landing_points", "cables", "countries")


def export_metadata(scores: Scores, layers: Layers) -> dict[str, Any]:
    """Describe what every export carries: data versions, licences, model and weights."""
    return {
        "cablemap_version": __version__,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_versions": sorted({str(v) for v in layers.cables["source_version"].unique()}),
        "licence": layers.attributions or ["cablemap"],
        "model": {
            "name": scores.model.name,
            "file": Path(scores.model.path).name,
            "vendor_profile": scores.model.vendor_profile.name,
            "weights": scores.model.weights,
        },
    }


#: Columns a simulation adds to the exported countries and landing points.
SIMULATION_COLUMNS = (
    "probability_cut_off",
    "ci_low",
    "ci_high",
    "expected_days_cut_off",
    "top_cables",
)


def with_simulation(table: pd.DataFrame, results: pd.DataFrame, key: str) -> pd.DataFrame:
    """Join a simulation's columns to a scored table (``top_cables`` as ``id (share)`` text).

    Rows the simulation left out (already cut off without any fault) get empty values.
    """
    extra = results.set_index(key)[list(SIMULATION_COLUMNS)].copy()
    extra["top_cables"] = [
        [f"{t['cable_id']} ({t['share']:.0%})" for t in cables] for cables in extra["top_cables"]
    ]
    return table.join(extra, on=key)


def export_scores(
    scores: Scores,
    layers: Layers,
    out: str | Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    simulation: SimulationResult | None = None,
) -> list[Path]:
    """Write the scored landing points, cables and countries.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    out
        Folder: ``scores.gpkg`` (a table per layer plus ``cablemap_metadata``; opens in
        QGIS), ``parquet/<table>.parquet`` (GeoParquet, metadata under the ``cablemap``
        key, lists kept as lists) with ``parquet/metadata.json``, ``csv/<table>.csv`` with
        ``csv/metadata.json`` (see :func:`cablemap._tables.write_tables`).
    formats
        Any of ``"gpkg"``, ``"parquet"``, ``"csv"``.
    simulation
        A :func:`cablemap.simulate` result: its columns (``probability_cut_off``, ``ci_low``,
        ``ci_high``, ``expected_days_cut_off``, ``top_cables``) join the countries and the
        landing points, and the metadata records its years, seed and fault model.

    Returns
    -------
    list of Path
        The written files.
    """
    bad = sorted(set(formats) - set(FORMATS))
    if bad:
        msg = f"`formats` had {bad} but is expected to be among {list(FORMATS)}"
        raise ValueError(msg)
    out = Path(out)
    meta = export_metadata(scores, layers)
    tables = {
        name: scores.table(name.removesuffix("s") if name != "countries" else "country")
        for name in _TABLES
    }
    if simulation is not None:
        tables["countries"] = with_simulation(tables["countries"], simulation.countries, "iso3")
        tables["landing_points"] = with_simulation(
            tables["landing_points"], simulation.landing_points, "lp_id"
        )
        meta["simulation"] = {
            "years": simulation.years,
            "seed": simulation.seed,
            "fault_model": simulation.rates.model.name,
        }
    targets = {"gpkg": out / "scores.gpkg", "parquet": out / "parquet", "csv": out / "csv"}
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt in formats:
            written.extend(write_tables(tables, targets[fmt], fmt=fmt, metadata=meta))
    return written
