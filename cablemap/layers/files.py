"""Canonical layers in generic formats: GeoPackage, GeoParquet and GeoJSON (+ CSV), both ways.

Reading accepts analysts' own files, so it is forgiving where it can be and says so:
missing optional columns get defaults, ``owners``/``suppliers`` may be JSON lists or
``;``-separated text, LineStrings become MultiLineStrings, another CRS is reprojected, a
missing ``iso3`` is derived from ``country`` and the coordinates. Every such repair is counted
in the report; a missing required column or an unreadable value is an error naming the file,
the record and the field. Years, yes/no flags and lengths follow the rules of the TeleGeography
loader (:func:`cablemap._validate.parse_year`, :func:`~cablemap._validate.parse_flag`,
:func:`~cablemap._validate.parse_non_negative`): a boolean or implausible ``rfs_year``, a
negative ``length_km`` or an ``is_tbd`` of ``"maybe"`` is a warning naming the record, and the
value is read as missing (a flag as false); ``rfs_year`` text that is no number stays fatal.

Layouts:

- a GeoPackage file with tables ``cables``, ``landing_points``, ``cable_landings`` (and
  ``cablemap_metadata`` written by :func:`save_layers`);
- a directory with ``cables.{geojson,parquet,gpkg}``, ``landing_points.{...}`` and
  ``cable_landings.{csv,parquet}`` (and optionally ``metadata.json``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from cablemap import settings
from cablemap._errors import LayerValidationError, SourceFormatError
from cablemap._tables import METADATA_KEY, write_tables
from cablemap._validate import (
    LAYER_SCHEMAS,
    LoadReport,
    is_missing,
    number_from_text,
    parse_flag,
    parse_non_negative,
    parse_year,
)
from cablemap._version import __version__
from cablemap.layers._geometry import check_point, clean_route, geodesic_km
from cablemap.layers.collection import LAYER_NAMES, Layers
from cablemap.layers.iso_codes import assign_iso3
from cablemap.layers.vendors import canonical_vendor, count_unregistered, split_names

logger = logging.getLogger(__name__)

_LIST_COLUMNS = ("owners", "suppliers")
_SPATIAL_SUFFIXES = (".geojson", ".parquet", ".gpkg", ".json")
_TABLE_SUFFIXES = (".csv", ".parquet")
Format = Literal["gpkg", "parquet", "geojson"]


# ----------------------------------------------------------------------------- writing
def _metadata(layers: Layers) -> dict[str, Any]:
    return {
        "cablemap_version": __version__,
        "schema": {name: [c.name for c in cols] for name, cols in LAYER_SCHEMAS.items()},
        "sources": layers.sources,
        "attribution": layers.attributions,
    }


def save_layers(layers: Layers, path: str | Path, *, fmt: Format | None = None) -> Path:
    """Write the canonical layers so that :func:`cablemap.load` reads them back unchanged.

    Parameters
    ----------
    layers
        The layers to write; validated first.
    path
        A ``.gpkg`` file (one table per layer), or a directory for ``parquet`` (GeoParquet)
        or ``geojson`` (GeoJSON + CSV) files.
    fmt
        ``"gpkg"``, ``"parquet"`` or ``"geojson"``; by default taken from the suffix
        (``.gpkg``) or ``"parquet"`` for a directory.

    Returns
    -------
    Path
        Where the layers were written. Provenance and licences go with them (table
        ``cablemap_metadata`` or ``metadata.json``).
    """
    layers.validate()
    path = Path(path)
    fmt = fmt or ("gpkg" if path.suffix.lower() == ".gpkg" else "parquet")
    if fmt not in ("gpkg", "parquet", "geojson"):
        msg = f"`fmt` was {fmt!r} but is expected to be one of ['gpkg', 'parquet', 'geojson']"
        raise ValueError(msg)
    tables = {name: getattr(layers, name) for name in LAYER_NAMES}
    write_tables(tables, path, fmt=fmt, metadata=_metadata(layers))
    logger.info("Saved layers as %s at %r", fmt, str(path))
    return path


# ----------------------------------------------------------------------------- reading
def _read_table(path: Path, layer: str | None = None) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.suffix.lower() == ".parquet":
            try:
                return gpd.read_parquet(path)
            except ValueError:  # plain (non-geo) parquet
                return pd.read_parquet(path)
        return pyogrio.read_dataframe(path, layer=layer)
    except (
        OSError,
        ValueError,
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
    ) as exc:
        where = f"{str(path)!r}" + (f", layer {layer!r}" if layer else "")
        msg = f"{where} could not be read: {exc}"
        raise SourceFormatError(msg) from None


def _parse_list(value: object) -> list[str] | None:
    """Read a list of names; ``None`` (the file does not say) where the value is missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, list | tuple | np.ndarray):
        items = [str(v) for v in value]
    elif isinstance(value, str) and value.strip().startswith("["):
        items = [str(v) for v in json.loads(value)]
    elif isinstance(value, str) and value.strip().lower() in ("null", "none"):
        return None
    elif isinstance(value, str):
        items = list(value.split(";")) if ";" in value else split_names(value)
    else:
        msg = f"expected a list of names, got {value!r} of type {type(value).__name__}"
        raise TypeError(msg)
    names: list[str] = []
    for item in items:
        if item.strip():
            canonical, _ = canonical_vendor(item)
            if canonical not in names:
                names.append(canonical)
    return names


def _to_4326(frame: gpd.GeoDataFrame, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame.columns:
        msg = f"{file!r}: no geometry column; a spatial layer needs one"
        raise LayerValidationError(msg)
    if frame.crs is None:
        report.add("warning", file, "*", "crs", "no CRS declared: assumed EPSG:4326")
        return frame.set_crs(settings.default_crs)
    if frame.crs.to_epsg() != 4326:
        report.add(
            "warning", file, "*", "crs", f"CRS {frame.crs.to_string()}: reprojected to EPSG:4326"
        )
        return frame.to_crs(settings.default_crs)
    return frame


def _require(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"{file!r}: required column(s) {missing} missing "
            f"(found {sorted(str(c) for c in frame.columns)})"
        )
        raise LayerValidationError(msg)


def _column_or(frame: pd.DataFrame, col: str, default: object) -> pd.Series:
    if col in frame.columns:
        return frame[col]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _int_years(values: pd.Series, ids: pd.Series, file: str, report: LoadReport) -> pd.Series:
    """Read ``rfs_year`` through :func:`~cablemap._validate.parse_year`.

    Text that is no number is fatal (the column is not what it seems); a boolean or an
    implausible number is a warning naming the record, read as missing.
    """
    years: list[int | None] = []
    for record, raw in zip(ids, values, strict=True):
        if isinstance(raw, str) and raw.strip() and number_from_text(raw) is None:
            msg = f"{file!r}, record {record!r}, field 'rfs_year': {raw!r} is not a year"
            raise LayerValidationError(msg)
        year, problem = parse_year(raw)
        if problem is not None:
            report.add("warning", file, record, "rfs_year", f"{problem}; read as missing")
        years.append(year)
    return pd.Series(years, index=values.index, dtype="Int64")


def _lengths(values: pd.Series, ids: pd.Series, file: str, report: LoadReport) -> pd.Series:
    """Read ``length_km``; a negative or unreadable value is a warning, read as missing."""
    lengths = []
    for record, raw in zip(ids, values, strict=True):
        length, problem = parse_non_negative(raw, unit="km")
        if problem is not None:
            report.add("warning", file, record, "length_km", f"{problem}; read as missing")
        lengths.append(np.nan if length is None else length)
    return pd.Series(lengths, index=values.index, dtype=float)


def _flag(raw: object, file: str, record: str, fld: str, report: LoadReport) -> bool:
    """Read a yes/no column value (:func:`parse_flag`); missing or unreadable is ``False``."""
    flag, problem = parse_flag(raw)
    if problem is not None:
        report.add("warning", file, record, fld, f"{problem}; read as false")
    return bool(flag)


def conform_cables(frame: pd.DataFrame, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    """Bring an analyst's cable table to the canonical ``cables`` schema.

    Parameters
    ----------
    frame
        A GeoDataFrame with at least ``cable_id``, ``name`` and line geometry.
    file
        Its path, for messages.
    report
        Receives every repair.

    Returns
    -------
    GeoDataFrame
        The ``cables`` layer in EPSG:4326.
    """
    _require(frame, ("cable_id", "name"), file)
    frame = _to_4326(frame, file, report).reset_index(drop=True)
    ids = frame["cable_id"].astype(str)
    geoms = []
    for cable_id, geom in zip(ids, frame.geometry, strict=True):
        parts = clean_route(geom, file=file, record=cable_id, report=report)
        geoms.append(shapely.MultiLineString(parts) if parts else None)
    lists = {}
    for col in _LIST_COLUMNS:
        values = []
        for cable_id, raw in zip(ids, _column_or(frame, col, None), strict=True):
            try:
                values.append(_parse_list(raw))
            except (TypeError, json.JSONDecodeError) as exc:
                msg = f"{file!r}, record {cable_id!r}, field {col!r}: {exc}"
                raise LayerValidationError(msg) from None
        lists[col] = values
    status = _texts(_column_or(frame, "status", None))
    if status.isna().any():
        report.count(
            "cables without status (left missing; the scores count them as in service)",
            int(status.isna().sum()),
        )
    synthetic = _column_or(frame, "route_synthetic", False)
    out = gpd.GeoDataFrame(
        {
            "cable_id": ids,
            "name": frame["name"].astype(str).str.strip(),
            "status": status.astype(object) if status.isna().any() else status.astype(str),
            "rfs_year": _int_years(_column_or(frame, "rfs_year", None), ids, file, report),
            "length_km": _lengths(_column_or(frame, "length_km", None), ids, file, report),
            "route_km": geodesic_km(geoms),
            "owners": lists["owners"],
            "suppliers": lists["suppliers"],
            "route_synthetic": pd.Series(
                [
                    _flag(v, file, cable_id, "route_synthetic", report)
                    for cable_id, v in zip(ids, synthetic, strict=True)
                ],
                index=frame.index,
                dtype=bool,
            ),
            "source": _column_or(frame, "source", Path(file).name)
            .fillna(Path(file).name)
            .astype(str),
            "source_version": _column_or(frame, "source_version", "").fillna("").astype(str),
        },
        geometry=geoms,
        crs=settings.default_crs,
    )
    out.loc[out["source_version"] == "", "source_version"] = "unversioned"
    if "carried_over" in frame.columns:  # written by save_layers after a merge
        position = out.columns.get_loc("source_version") + 1
        carried = [_parse_list(v) or [] for v in frame["carried_over"]]
        out.insert(position, "carried_over", pd.Series(carried, index=out.index, dtype=object))
        out.insert(position + 1, "carried_from", _texts(_column_or(frame, "carried_from", None)))
    return out


def _texts(values: pd.Series) -> pd.Series:
    """Text values, ``None`` where blank or missing (an object column)."""
    blank = [is_missing(v) or (isinstance(v, str) and not v.strip()) for v in values]
    return pd.Series(
        [None if b else str(v) for v, b in zip(values, blank, strict=True)],
        index=values.index,
        dtype=object,
    )


def conform_landing_points(frame: pd.DataFrame, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    """Bring an analyst's landing-point table to the canonical ``landing_points`` schema.

    Parameters
    ----------
    frame
        A GeoDataFrame with ``lp_id``, ``name``, ``country`` (or ``iso3``) and Point geometry.
    file
        Its path, for messages.
    report
        Receives every repair and every skipped record.

    Returns
    -------
    GeoDataFrame
        The ``landing_points`` layer in EPSG:4326; points without usable coordinates are
        skipped and reported.
    """
    _require(frame, ("lp_id", "name"), file)
    if "country" not in frame.columns and "iso3" not in frame.columns:
        msg = f"{file!r}: a landing-point layer needs a 'country' or an 'iso3' column"
        raise LayerValidationError(msg)
    frame = _to_4326(frame, file, report).reset_index(drop=True)
    rows = []
    for i, row in frame.iterrows():
        lp_id = str(row["lp_id"])
        geom = row.geometry
        if not check_point(geom, file=file, record=lp_id, report=report):
            continue
        country = str(row.get("country") or "")
        given_iso3 = row.get("iso3")
        name_country, iso3, rule = assign_iso3(country, geom.x, geom.y)
        if isinstance(given_iso3, str) and len(given_iso3) == 3 and rule != "territory":
            iso3 = given_iso3.upper()
        elif rule == "unknown":
            report.add(
                "warning", file, lp_id, "country", f"unknown country {country!r}: iso3 left empty"
            )
        rows.append(
            {
                "lp_id": lp_id,
                "name": str(row["name"]).strip(),
                "country": name_country or iso3 or "(unknown)",
                "iso3": iso3,
                "is_tbd": _flag(row.get("is_tbd"), file, lp_id, "is_tbd", report),
                "landmass": row.get("landmass") if isinstance(row.get("landmass"), str) else None,
                "source": str(row.get("source") or Path(file).name),
                "source_version": str(row.get("source_version") or "unversioned"),
                "geometry": geom,
                "_row": i,
            }
        )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.default_crs)
    out = out.drop(columns="_row") if "_row" in out.columns else out
    if "landmass" in out.columns and out["landmass"].isna().all():
        out = out.drop(columns="landmass")  # optional: kept only where the source gives it
    return out


def _find(directory: Path, stem: str, suffixes: tuple[str, ...]) -> Path | None:
    for suffix in suffixes:
        candidate = directory / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def has_layer_files(directory: str | Path) -> bool:
    """Tell whether a directory holds canonical layer files (``cables.*``)."""
    return _find(Path(directory), "cables", _SPATIAL_SUFFIXES) is not None


def _metadata_sources(meta: dict[str, Any] | None, fallback: str) -> dict[str, dict[str, Any]]:
    if meta and isinstance(meta.get("sources"), dict):
        return meta["sources"]
    return {name: {"source": fallback, "path": fallback} for name in ("cables", "landing_points")}


def _conform_links(links: pd.DataFrame, file: str, report: LoadReport) -> pd.DataFrame:
    """Keep the link columns: ids, and ``inferred``, ``distance_km``, ``carried_from`` if given."""
    out = pd.DataFrame(
        {"cable_id": links["cable_id"].astype(str), "lp_id": links["lp_id"].astype(str)}
    )
    if "inferred" in links.columns:
        out["inferred"] = [
            _flag(v, file, f"{c}/{lp}", "inferred", report)
            for c, lp, v in zip(out["cable_id"], out["lp_id"], links["inferred"], strict=True)
        ]
        out["inferred"] = out["inferred"].astype(bool)
    if "distance_km" in links.columns:
        out["distance_km"] = _lengths(links["distance_km"], out["cable_id"], file, report)
    if "carried_from" in links.columns:
        out["carried_from"] = _texts(links["carried_from"])
    return out.drop_duplicates(subset=["cable_id", "lp_id"]).reset_index(drop=True)


def _assemble(
    cables: pd.DataFrame,
    landing_points: pd.DataFrame,
    links: pd.DataFrame,
    files: tuple[str, str, str],
    meta: dict[str, Any] | None,
) -> Layers:
    report = LoadReport()
    cables_gdf = conform_cables(cables, files[0], report)
    lps = conform_landing_points(landing_points, files[1], report)
    _require(links, ("cable_id", "lp_id"), files[2])
    links = _conform_links(links, files[2], report)
    dangling = ~links["cable_id"].isin(cables_gdf["cable_id"]) | ~links["lp_id"].isin(lps["lp_id"])
    for row in links[dangling].itertuples(index=False):
        missing = "cable" if row.cable_id not in set(cables_gdf["cable_id"]) else "landing point"
        report.add(
            "error",
            files[2],
            f"{row.cable_id}/{row.lp_id}",
            "lp_id" if missing != "cable" else "cable_id",
            f"references an unknown {missing}: link skipped",
        )
    links = links[~dangling].reset_index(drop=True)
    count_unregistered(cables_gdf, report)
    report.count("cables loaded", len(cables_gdf))
    report.count("landing points loaded", len(lps))
    report.count("cable landings loaded", len(links))
    return Layers(cables_gdf, lps, links, report, _metadata_sources(meta, files[0]))


def layers_from_gpkg(path: str | Path) -> Layers:
    """Read layers from a GeoPackage written by :func:`save_layers` or by an analyst.

    Parameters
    ----------
    path
        A ``.gpkg`` file with tables ``cables``, ``landing_points`` and ``cable_landings``.

    Returns
    -------
    Layers
        The canonical layers.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{str(path)!r} does not exist"
        raise SourceFormatError(msg)
    try:
        tables = {str(name) for name, _ in pyogrio.list_layers(path)}
    except pyogrio.errors.DataSourceError as exc:
        msg = f"{str(path)!r} is not a readable GeoPackage: {exc}"
        raise SourceFormatError(msg) from None
    missing = [n for n in LAYER_NAMES if n not in tables]
    if missing:
        msg = f"{str(path)!r}: table(s) {missing} missing (found {sorted(tables)})"
        raise SourceFormatError(msg)
    meta = None
    if METADATA_KEY in tables:
        rows = _read_table(path, METADATA_KEY)
        meta = {k: json.loads(v) for k, v in zip(rows["key"], rows["value"], strict=True)}
    where = str(path)
    return _assemble(
        _read_table(path, "cables"),
        _read_table(path, "landing_points"),
        _read_table(path, "cable_landings"),
        (f"{where}:cables", f"{where}:landing_points", f"{where}:cable_landings"),
        meta,
    )


def layers_from_dir(path: str | Path) -> Layers:
    """Read layers from a directory of per-layer files.

    Parameters
    ----------
    path
        A directory with ``cables.{geojson,parquet,gpkg}``, ``landing_points.{...}`` and
        ``cable_landings.{csv,parquet}``.

    Returns
    -------
    Layers
        The canonical layers.
    """
    directory = Path(path)
    found = {
        "cables": _find(directory, "cables", _SPATIAL_SUFFIXES),
        "landing_points": _find(directory, "landing_points", _SPATIAL_SUFFIXES),
        "cable_landings": _find(directory, "cable_landings", _TABLE_SUFFIXES),
    }
    missing = [n for n, p in found.items() if p is None]
    if missing:
        msg = (
            f"{str(directory)!r}: no file for layer(s) {missing} "
            f"(looked for <layer>{{{','.join((*_SPATIAL_SUFFIXES, '.csv'))}}})"
        )
        raise SourceFormatError(msg)
    meta_file = directory / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else None
    cables_file, lps_file, links_file = (Path(str(found[n])) for n in LAYER_NAMES)
    return _assemble(
        _read_table(cables_file),
        _read_table(lps_file),
        _read_table(links_file),
        (str(cables_file), str(lps_file), str(links_file)),
        meta,
    )
