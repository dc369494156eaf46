"""Scored layers as GeoPackage, GeoParquet and CSV, with licence and model in their metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from cablemap._tables import write_tables
from cablemap._version import __version__

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.score import Scores

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


def countries_with_polygons(
    table: pd.DataFrame, polygons: gpd.GeoDataFrame | None
) -> pd.DataFrame | gpd.GeoDataFrame:
    """Give the scored countries their polygons (for a choropleth in QGIS), where known.

    Parameters
    ----------
    table
        The scored ``countries`` table (``iso3`` column).
    polygons
        ``layers.countries`` (``iso3``, Polygon/MultiPolygon geometry, EPSG:4326), or
        ``None``: the table is returned as it is.

    Returns
    -------
    DataFrame or GeoDataFrame
        With ``geometry`` (MultiPolygon; the parts of an ISO3 drawn as several features are
        joined), ``None`` for a country without a polygon.
    """
    if polygons is None or polygons.empty:
        return table
    shapes = {
        str(iso3): shapely.MultiPolygon(
            [
                p
                for geom in group.geometry
                for p in shapely.get_parts(geom)
                if p.geom_type == "Polygon"
            ]
        )
        for iso3, group in polygons[polygons.geometry.notna()].groupby("iso3")
    }
    geometry = [shapes.get(str(iso3)) for iso3 in table["iso3"]]
    out = pd.DataFrame(table).drop(columns="geometry", errors="ignore")
    return gpd.GeoDataFrame(out, geometry=geometry, crs=polygons.crs or "EPSG:4326")


def export_scores(
    scores: Scores, layers: Layers, out: str | Path, *, formats: tuple[str, ...] = FORMATS
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
        ``csv/metadata.json`` (see :func:`cablemap._tables.write_tables`). The countries
        carry their polygons where ``layers.countries`` has them
        (:func:`countries_with_polygons`; in the CSV as a representative point).
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
    tables = {
        name: scores.table(name.removesuffix("s") if name != "countries" else "country")
        for name in _TABLES
    }
    tables["countries"] = countries_with_polygons(tables["countries"], layers.countries)
    targets = {"gpkg": out / "scores.gpkg", "parquet": out / "parquet", "csv": out / "csv"}
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt in formats:
            written.extend(write_tables(tables, targets[fmt], fmt=fmt, metadata=meta))
    return written
