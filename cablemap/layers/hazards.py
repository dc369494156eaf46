"""Earthquake catalogues: the ``hazards`` layer.

Schema (GeoDataFrame, EPSG:4326, one row per event):
``quake_id`` (``<file name>:<row>``, unique), ``time`` (UTC), ``magnitude``, ``depth_km``
(nullable: the 1965-2016 USGS extract has none), ``source`` (the file name), geometry (Point).

Read from the USGS catalogue of significant earthquakes (``Date, Latitude, Longitude,
Magnitude``; dates ``MM/DD/YYYY`` or ISO 8601, as in the USGS extract 1965-2016) or any file
with the same columns: CSV, or a GeoJSON/GeoPackage/GeoParquet of points carrying ``Date`` and
``Magnitude``. USGS ComCat exports (``time, latitude, longitude, depth, mag``) are read too;
column names are matched without regard to case. A row whose date, coordinates, magnitude or
depth cannot be read is skipped and reported naming the file, the row (its line in a CSV, its
position in other files) and the field; a missing column, an unreadable file or a file with no
usable event is an error.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from cablemap import settings
from cablemap._errors import CablemapWarning, EmptyLayerError, SourceFormatError, UnsafeFileError
from cablemap._files import file_problem, open_regular
from cablemap._validate import LoadReport

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

#: Columns of the ``hazards`` layer (besides ``geometry``).
HAZARD_COLUMNS = ("quake_id", "time", "magnitude", "depth_km", "source")
#: Accepted names of each input field (lower-cased): the USGS extract's, then ComCat's.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "date": ("date", "time"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon"),
    "magnitude": ("magnitude", "mag"),
    "depth": ("depth", "depth_km"),
}
_REQUIRED = ("date", "latitude", "longitude", "magnitude")
#: Magnitudes outside this range are taken to be typing errors.
MAGNITUDE_RANGE = (-2.0, 10.0)
#: Depths (km, positive down) outside this range are taken to be typing errors.
DEPTH_RANGE = (-10.0, 800.0)


def _columns(frame: pd.DataFrame, path: Path, *, geo: bool) -> dict[str, str]:
    """Map each field to the file's column (case-insensitive); missing required: an error."""
    lower = {str(c).lower(): str(c) for c in frame.columns}
    found = {}
    for fld, names in FIELD_NAMES.items():
        hit = next((lower[n] for n in names if n in lower), None)
        if hit is not None:
            found[fld] = hit
    needed = [f for f in _REQUIRED if not (geo and f in ("latitude", "longitude"))]
    missing = [f for f in needed if f not in found]
    if missing:
        wanted = ", ".join(" or ".join(repr(n) for n in FIELD_NAMES[f]) for f in missing)
        msg = (
            f"{str(path)!r}: no column for {missing} (looked for {wanted}, any case); an "
            "earthquake catalogue needs Date, Latitude, Longitude and Magnitude"
        )
        raise SourceFormatError(msg)
    return found


def _times(raw: pd.Series) -> pd.Series:
    """Parse ``MM/DD/YYYY`` dates and ISO 8601 times (naive ones read as UTC); NaT if neither."""
    text = raw.astype("string").str.strip()
    usgs = pd.to_datetime(text, format="%m/%d/%Y", errors="coerce", utc=True)
    rest = usgs.isna() & text.notna() & (text != "")
    if rest.any():
        usgs[rest] = pd.to_datetime(text[rest], format="ISO8601", errors="coerce", utc=True)
    return usgs


def _numbers(raw: pd.Series) -> pd.Series:
    """Numbers of a text column as float64, NaN where there is none."""
    return pd.to_numeric(raw.astype("string").str.strip(), errors="coerce").astype("float64")


def _read(path: Path) -> tuple[pd.DataFrame, bool]:
    """Read the file as text columns (CSV) or a GeoDataFrame (other formats); say which."""
    problem = file_problem(path)
    if problem == "does not exist":
        msg = f"earthquake catalogue {str(path)!r} does not exist"
        raise SourceFormatError(msg)
    try:
        # a regular file only, checked before and after opening: a named pipe never blocks
        with open_regular(path, "earthquake catalogue") as fh:
            if path.suffix.lower() in (".csv", ".txt"):
                return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8"), False
            if path.suffix.lower() == ".parquet":
                return gpd.read_parquet(fh), True
        return gpd.read_file(path), True
    except UnsafeFileError:
        raise
    except UnicodeDecodeError as exc:
        msg = f"{str(path)!r}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise SourceFormatError(msg) from None
    except Exception as exc:  # pandas/pyogrio raise many error types for unreadable files
        msg = f"{str(path)!r} could not be read as an earthquake catalogue: {exc}"
        raise SourceFormatError(msg) from None


def earthquakes_from_file(
    path: str | Path, *, report: LoadReport | None = None, strict: bool = False
) -> gpd.GeoDataFrame:
    """Read an earthquake catalogue into the ``hazards`` layer.

    Parameters
    ----------
    path
        A CSV with ``Date, Latitude, Longitude, Magnitude`` (and optionally ``Depth``, km) as in
        the USGS catalogue of significant earthquakes, or ComCat's ``time, latitude, longitude,
        mag, depth``; or a vector file of points with the date and magnitude columns.
    report
        Where skipped rows are recorded (file, row, field). Without one, the rows skipped are
        reported in a :class:`~cablemap.CablemapWarning`.
    strict
        Raise on the first skipped row instead of reporting it.

    Returns
    -------
    GeoDataFrame
        ``quake_id``, ``time`` (UTC), ``magnitude``, ``depth_km`` (NaN where not given),
        ``source``, geometry (Point, EPSG:4326), in the order of the file.

    Raises
    ------
    SourceFormatError
        If the file is missing, unreadable, or lacks a required column.
    EmptyLayerError
        If no row is usable.
    LayerValidationError
        With ``strict``, at the first unusable row (naming file, row and field).

    Examples
    --------
    >>> from cablemap.layers.hazards import earthquakes_from_file
    >>> quakes = earthquakes_from_file("usgs-m55-1965-2016.csv")  # doctest: +SKIP
    >>> len(quakes), quakes["magnitude"].max()  # doctest: +SKIP
    (23412, 9.1)
    """
    from cablemap._errors import LayerValidationError  # noqa: PLC0415 - strict path only

    path = Path(path)
    own_report = report is None
    report = LoadReport() if report is None else report
    frame, geo = _read(path)
    cols = _columns(frame, path, geo=geo)
    if geo:
        points = frame.geometry
        is_point = points.notna() & (points.geom_type == "Point")
        lon = pd.Series(np.where(is_point, points.x.where(is_point), np.nan), index=frame.index)
        lat = pd.Series(np.where(is_point, points.y.where(is_point), np.nan), index=frame.index)
        rows = pd.Series(np.arange(len(frame)) + 1, index=frame.index)
    else:
        lon = _numbers(frame[cols["longitude"]])
        lat = _numbers(frame[cols["latitude"]])
        rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # line in the file
    time = _times(frame[cols["date"]])
    magnitude = _numbers(frame[cols["magnitude"]])
    depth = (
        _numbers(frame[cols["depth"]])
        if "depth" in cols
        else pd.Series(np.nan, index=frame.index, dtype=float)
    )
    depth_given = (
        frame[cols["depth"]].astype("string").str.strip().fillna("") != ""
        if "depth" in cols
        else pd.Series(data=False, index=frame.index)
    )
    checks = [
        ("date", cols["date"], time.isna(), "not a date (MM/DD/YYYY or ISO 8601)"),
        (
            "latitude",
            cols.get("latitude", "geometry"),
            ~lat.between(-90, 90),
            "not a latitude in [-90, 90]",
        ),
        (
            "longitude",
            cols.get("longitude", "geometry"),
            ~lon.between(-180, 180),
            "not a longitude in [-180, 180]",
        ),
        (
            "magnitude",
            cols["magnitude"],
            ~magnitude.between(*MAGNITUDE_RANGE),
            f"not a magnitude in {list(MAGNITUDE_RANGE)}",
        ),
        (
            "depth",
            cols.get("depth", "depth"),
            depth_given & ~depth.between(*DEPTH_RANGE),
            f"not a depth in km within {list(DEPTH_RANGE)}",
        ),
    ]
    bad = pd.Series(data=False, index=frame.index)
    for _, column, mask, problem in checks:
        for i in np.flatnonzero(mask.to_numpy() & ~bad.to_numpy()):
            key = frame.index[i]
            raw = frame.at[key, column] if column in frame.columns else None
            if strict:
                msg = f"{str(path)!r}, row {rows[key]}, field {column!r}: {problem}: {raw!r}"
                raise LayerValidationError(msg)
            report.add(
                "error", str(path), f"row {rows[key]}", column, f"{problem}: {raw!r}; skipped"
            )
        bad |= mask
    keep = ~bad
    if not keep.any():
        msg = f"{str(path)!r}: no usable earthquake in {len(frame)} row(s)"
        raise EmptyLayerError(msg)
    out = gpd.GeoDataFrame(
        {
            "quake_id": [f"{path.name}:{r}" for r in rows[keep]],
            "time": time[keep].to_numpy(),
            "magnitude": magnitude[keep].astype(float).to_numpy(),
            "depth_km": depth[keep].astype(float).to_numpy(),
            "source": path.name,
        },
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=settings.default_crs,
    )
    skipped = int(bad.sum())
    report.count("earthquakes loaded", len(out))
    if skipped:
        report.count("earthquake rows skipped", skipped)
        if own_report:
            first = next(i for i in report.issues if i.severity == "error")
            warnings.warn(
                f"{str(path)!r}: {skipped} row(s) skipped, first: {first}",
                CablemapWarning,
                stacklevel=2,
            )
    logger.info("Loaded %d earthquakes from %r (%d skipped)", len(out), str(path), skipped)
    return out


def earthquakes_from_files(
    paths: Iterable[str | Path], *, report: LoadReport | None = None, strict: bool = False
) -> gpd.GeoDataFrame:
    """Read several catalogues (see :func:`earthquakes_from_file`) into one ``hazards`` layer.

    An event listed in two files (same time to the second, position to 0.01° and magnitude)
    is kept once and counted in the report.

    Returns
    -------
    GeoDataFrame
        The events of every file, in the order given.

    Raises
    ------
    SourceFormatError
        If no path is given, or as :func:`earthquakes_from_file`.
    """
    frames = [earthquakes_from_file(p, report=report, strict=strict) for p in paths]
    if not frames:
        msg = "no earthquake catalogue given"
        raise SourceFormatError(msg)
    if len(frames) == 1:
        return frames[0]
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.default_crs)
    key = pd.DataFrame(
        {
            "t": out["time"].dt.floor("s"),
            "x": out.geometry.x.round(2),
            "y": out.geometry.y.round(2),
            "m": out["magnitude"].round(1),
        }
    )
    repeated = key.duplicated()
    if repeated.any() and report is not None:
        report.count("earthquakes listed in two catalogues (kept once)", int(repeated.sum()))
    return out[~repeated].reset_index(drop=True)
