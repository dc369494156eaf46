"""The one writer of tables (GeoPackage, GeoParquet, GeoJSON, CSV) and the one JSON converter.

Layers (:func:`cablemap.save_layers`), scored exports and the build cache all write frames
through :func:`write_tables`, each with a metadata dictionary that travels inside the files:

- ``gpkg``: one file, a table per frame plus ``cablemap_metadata`` (``key``, JSON ``value``);
- ``parquet``: a folder, ``<name>.parquet`` per frame (GeoParquet where it has geometry; list
  columns stay lists) with the metadata under the schema key ``cablemap``, and
  ``metadata.json``;
- ``geojson``: a folder, ``<name>.geojson`` per spatial frame, ``<name>.csv`` per table, and
  ``metadata.json``;
- ``csv``: a folder, ``<name>.csv`` per frame with geometry as ``lon``/``lat`` (a point; a
  line's representative point), and ``metadata.json``.

Formats that cannot hold lists or dicts get them as JSON text (:func:`lists_to_json`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

TableFormat = Literal["gpkg", "parquet", "geojson", "csv"]
#: Every format :func:`write_tables` writes.
TABLE_FORMATS: tuple[str, ...] = ("gpkg", "parquet", "geojson", "csv")
#: The metadata table of a GeoPackage and the schema key of a Parquet file.
METADATA_KEY = "cablemap_metadata"
PARQUET_METADATA_KEY = b"cablemap"


def json_safe(value: Any, *, digits: int | None = None) -> Any:
    """Return ``value`` as plain JSON data: numpy scalars, NaN/NA, tuples and arrays converted.

    Parameters
    ----------
    value
        Any cell of a frame, or a list of them.
    digits
        Round floats to this many digits (maps keep pages small); ``None`` keeps them.

    Returns
    -------
    Any
        ``None`` for missing values, Python scalars, lists for sequences, dicts with
        converted values.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if digits is None else round(value, digits)
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(v, digits=digits) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v, digits=digits) for k, v in value.items()}
    return value


def _is_container(value: object) -> bool:
    return isinstance(value, list | tuple | dict | np.ndarray)


def lists_to_json(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with list, tuple and dict cells as JSON text (formats without lists)."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype != object:
            continue
        if out[col].map(_is_container).any():
            out[col] = out[col].map(
                lambda v: (
                    json.dumps(json_safe(v), ensure_ascii=False, default=str)
                    if _is_container(v)
                    else v
                )
            )
    return out


def _has_geometry(frame: pd.DataFrame) -> bool:
    return "geometry" in frame.columns and hasattr(frame, "crs")


def _lon_lat(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    plain = pd.DataFrame(frame.drop(columns="geometry"))
    points = frame.geometry
    if not (points.geom_type == "Point").all():
        points = points.representative_point()
    plain["lon"] = points.x.round(6)
    plain["lat"] = points.y.round(6)
    return plain


def _write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_parquet(frame: pd.DataFrame, path: Path, metadata: dict[str, Any] | None = None) -> Path:
    """Write one frame as (Geo)Parquet, with ``metadata`` under the schema key ``cablemap``."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - pandas loads pyarrow anyway

    if _has_geometry(frame):
        frame.to_parquet(path)
    else:
        frame.to_parquet(path, index=False)
    if metadata is not None:
        table = pq.read_table(path)
        merged = {
            **(table.schema.metadata or {}),
            PARQUET_METADATA_KEY: json.dumps(metadata, ensure_ascii=False).encode(),
        }
        pq.write_table(table.replace_schema_metadata(merged), path)
    return path


def write_tables(
    tables: dict[str, pd.DataFrame],
    path: str | Path,
    *,
    fmt: TableFormat,
    metadata: dict[str, Any],
) -> list[Path]:
    """Write frames in one format, with the metadata that must travel with them.

    Parameters
    ----------
    tables
        Frames by table name; GeoDataFrames in EPSG:4326 keep their geometry where the
        format can hold it.
    path
        A ``.gpkg`` file for ``gpkg``, otherwise a folder (created).
    fmt
        ``"gpkg"``, ``"parquet"``, ``"geojson"`` or ``"csv"``.
    metadata
        JSON-able provenance: versions, licences, model.

    Returns
    -------
    list of Path
        The files written.
    """
    import pyogrio  # noqa: PLC0415 - only the writers need GDAL

    if fmt not in TABLE_FORMATS:
        msg = f"`fmt` was {fmt!r} but is expected to be one of {list(TABLE_FORMATS)}"
        raise ValueError(msg)
    path = Path(path)
    written: list[Path] = []
    if fmt == "gpkg":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        for name, frame in tables.items():
            pyogrio.write_dataframe(lists_to_json(frame), path, layer=name, driver="GPKG")
        rows = {"key": list(metadata), "value": [json.dumps(v) for v in metadata.values()]}
        pyogrio.write_dataframe(pd.DataFrame(rows), path, layer=METADATA_KEY, driver="GPKG")
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "parquet":
            written.append(write_parquet(frame, path / f"{name}.parquet", metadata))
        elif fmt == "geojson" and _has_geometry(frame):
            target = path / f"{name}.geojson"
            target.unlink(missing_ok=True)
            lists_to_json(frame).to_file(target, driver="GeoJSON")
            written.append(target)
        else:
            plain = lists_to_json(_lon_lat(frame) if _has_geometry(frame) else frame)
            plain.to_csv(path / f"{name}.csv", index=False)
            written.append(path / f"{name}.csv")
    written.append(_write_json(path / "metadata.json", metadata))
    return written
