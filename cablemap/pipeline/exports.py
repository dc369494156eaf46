"""Scored layers as GeoPackage, GeoParquet and CSV, with licence and model in their metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow.parquet as pq
import pyogrio

from cablemap import __version__

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


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn lists and dicts into JSON text, so every format holds them."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        if out[col].map(lambda v: isinstance(v, list | tuple | dict)).any():
            out[col] = out[col].map(
                lambda v: json.dumps(list(v) if isinstance(v, tuple) else v, default=str)
            )
    return out


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
        key), ``csv/<table>.csv`` with ``csv/metadata.json``.
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
        name: _plain(scores.table(name.removesuffix("s") if name != "countries" else "country"))
        for name in _TABLES
    }
    written: list[Path] = []
    if "gpkg" in formats:
        path = out / "scores.gpkg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        for name, frame in tables.items():
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
        pyogrio.write_dataframe(
            pd.DataFrame({"key": list(meta), "value": [json.dumps(v) for v in meta.values()]}),
            path,
            layer="cablemap_metadata",
            driver="GPKG",
        )
        written.append(path)
    if "parquet" in formats:
        folder = out / "parquet"
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            path = folder / f"{name}.parquet"
            if "geometry" in frame.columns:
                frame.to_parquet(path)
            else:
                frame.to_parquet(path, index=False)
            table = pq.read_table(path)
            merged = {**(table.schema.metadata or {}), b"cablemap": json.dumps(meta).encode()}
            pq.write_table(table.replace_schema_metadata(merged), path)
            written.append(path)
    if "csv" in formats:
        folder = out / "csv"
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            path = folder / f"{name}.csv"
            plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            if "geometry" in frame.columns:
                plain["lon"] = (
                    frame.geometry.representative_point().x.round(6)
                    if name == "cables"
                    else frame.geometry.x.round(6)
                )
                plain["lat"] = (
                    frame.geometry.representative_point().y.round(6)
                    if name == "cables"
                    else frame.geometry.y.round(6)
                )
            plain.to_csv(path, index=False)
            written.append(path)
        (folder / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n")
        written.append(folder / "metadata.json")
    return written
