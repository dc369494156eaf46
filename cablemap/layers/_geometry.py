"""Geometry checks and geodesic measures shared by the loaders."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from pyproj import Geod

from cablemap._validate import LoadReport

_GEOD = Geod(ellps="WGS84")


def clean_route(
    geom: shapely.Geometry | None, *, file: str, record: str, report: LoadReport
) -> list[shapely.LineString]:
    """Split a route into LineString parts, dropping (and reporting) any unusable part.

    A part is dropped when it is not a line, has non-finite coordinates or coordinates outside
    lon [-180, 180] / lat [-90, 90] (an error), or has fewer than two distinct points (a
    warning: it draws nothing).

    Parameters
    ----------
    geom
        A LineString or MultiLineString in EPSG:4326, or ``None``.
    file, record
        Where the geometry came from, for the report.
    report
        Receives one issue per dropped part.

    Returns
    -------
    list of LineString
        The usable parts, in order.
    """
    if geom is None or geom.is_empty:
        return []
    kept = []
    for i, part in enumerate(shapely.get_parts(geom)):
        if part.geom_type != "LineString":
            report.add(
                "error",
                file,
                record,
                "geometry",
                f"invalid geometry: part {i} is a {part.geom_type}, not a LineString; dropped",
            )
            continue
        xy = shapely.get_coordinates(part)
        if not (np.isfinite(xy).all() and (np.abs(xy) <= (180.0, 90.0)).all()):
            report.add(
                "error",
                file,
                record,
                "geometry",
                f"invalid geometry: part {i} has coordinates that are not finite or outside "
                "lon [-180, 180] / lat [-90, 90]; dropped",
            )
            continue
        if len(xy) < 2 or not (xy != xy[0]).any():
            report.add(
                "warning",
                file,
                record,
                "geometry",
                f"invalid geometry: part {i} has fewer than two distinct points; dropped",
            )
            continue
        kept.append(part)
    return kept


def geodesic_km(geoms: list[shapely.Geometry | None]) -> list[float]:
    """Geodesic length of each line geometry on the WGS84 ellipsoid, in kilometres.

    Parts are measured separately and summed, so a route split at the antimeridian is measured
    correctly. ``None`` or empty geometries give NaN. All segments go through one vectorised
    ``pyproj.Geod.inv`` call.

    Parameters
    ----------
    geoms
        LineStrings or MultiLineStrings in EPSG:4326 degrees.

    Returns
    -------
    list of float
        Lengths rounded to metres.
    """
    array = np.array(geoms, dtype=object)
    present = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    out = np.full(len(geoms), np.nan)
    if not present.any():
        return out.tolist()
    parts, geom_index = shapely.get_parts(array[present], return_index=True)
    xy, part_index = shapely.get_coordinates(parts, return_index=True)
    same_part = part_index[1:] == part_index[:-1]
    a, b = xy[:-1][same_part], xy[1:][same_part]
    dist = np.asarray(_GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])[2])
    per_part = np.bincount(part_index[:-1][same_part], weights=dist, minlength=len(parts))
    per_geom = np.bincount(geom_index, weights=per_part, minlength=int(present.sum()))
    out[present] = np.round(per_geom / 1000.0, 3)
    return out.tolist()


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two points on the WGS84 ellipsoid, in metres."""
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def split_antimeridian(coords: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Split a lon/lat path wherever it jumps across the antimeridian.

    A step whose longitudes differ by more than 180° is taken to cross ±180°; the crossing
    latitude is interpolated on the shorter way round and the path is cut there, so that no
    part ever spans the whole world.

    Parameters
    ----------
    coords
        ``(lon, lat)`` pairs in EPSG:4326 degrees, longitudes in [-180, 180].

    Returns
    -------
    list of list of (float, float)
        One or more parts; each has at least two points.
    """
    parts: list[list[tuple[float, float]]] = [[coords[0]]] if coords else []
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        if abs(x1 - x0) > 180:
            edge = 180.0 if x0 > 0 else -180.0
            x1_unwrapped = x1 + 360 if x0 > 0 else x1 - 360
            t = (edge - x0) / (x1_unwrapped - x0)
            y_cross = y0 + t * (y1 - y0)
            parts[-1].append((edge, y_cross))
            parts.append([(-edge, y_cross)])
        parts[-1].append((x1, y1))
    return [p for p in parts if len(p) >= 2]


def check_point(
    geom: shapely.Geometry | None, *, file: str, record: str, report: LoadReport
) -> bool:
    """Tell whether a landing point's geometry is usable; report why not (an error: skipped).

    Parameters
    ----------
    geom
        The geometry, in EPSG:4326 degrees.
    file, record
        Where it came from, for the report.
    report
        Receives one issue if the point is unusable.

    Returns
    -------
    bool
        ``True`` for a Point with finite coordinates within lon [-180, 180] / lat [-90, 90].
    """
    if geom is None or geom.is_empty or geom.geom_type != "Point":
        kind = "no geometry" if geom is None or geom.is_empty else geom.geom_type
        report.add(
            "error",
            file,
            record,
            "geometry",
            f"landing point without coordinates ({kind}); skipped",
        )
        return False
    if not (np.isfinite([geom.x, geom.y]).all() and abs(geom.x) <= 180 and abs(geom.y) <= 90):
        report.add(
            "error",
            file,
            record,
            "geometry",
            f"invalid geometry: coordinates ({geom.x}, {geom.y}) out of range; skipped",
        )
        return False
    return True
