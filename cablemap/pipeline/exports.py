"""Scored layers as GeoPackage, GeoParquet and CSV, with licence and model in their metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cablemap._tables import write_tables
from cablemap._version import __version__

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.score import Scores

#: A format of :func:`export_scores`.
ExportFormat = Literal["gpkg", "parquet", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("gpkg", "parquet", "csv")
_TABLES = ("landing_points", "cables", "countries", "facilities", "metros")
_ENTITY = {
    "landing_points": "landing_point",
    "cables": "cable",
    "countries": "country",
    "facilities": "facility",
    "metros": "metro",
}


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
            "site_weights": scores.model.site_weights,
            "domain_weights": scores.model.vendor_profile.domain_weights,
        },
    }


def export_scores(
    scores: Scores, layers: Layers, out: str | Path, *, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write the scored landing points, cables, countries, facilities and metros.

    Country rows carry the per-domain vendor exposure (``exposure_<domain>``, its weight,
    contribution, evidence count, status and vendors) and ``evidence_domains``; facilities and
    metros are written where the model scored them.

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
    tables = {name: scores.table(_ENTITY[name]) for name in _TABLES}
    tables = {name: t for name, t in tables.items() if len(t)}  # unscored facilities/metros
    targets = {"gpkg": out / "scores.gpkg", "parquet": out / "parquet", "csv": out / "csv"}
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt in formats:
            written.extend(write_tables(tables, targets[fmt], fmt=fmt, metadata=meta))
    return written
