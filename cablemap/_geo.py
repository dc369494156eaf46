"""Geodesy on the WGS84 ellipsoid and the antimeridian: one place for layers, risk and render.

Distances are geodesic (``pyproj.Geod`` on WGS84), never planar degrees: cables span oceans,
where no single projection keeps lengths. Coordinates are EPSG:4326 degrees, longitudes in
[-180, 180]; a path that crosses 180° is stored split there (:func:`split_antimeridian`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

#: The WGS84 ellipsoid, for every geodesic measure in cablemap.
GEOD = Geod(ellps="WGS84")
#: Line ends this close to ±180° (degrees) are taken to be on the antimeridian: the two sides
#: are one place. Sources that split routes there stop a few metres short (TeleGeography:
#: ±179.9998°).
ANTIMERIDIAN_SNAP_DEG = 1e-3


def near_antimeridian(lon: ArrayLike) -> np.ndarray:
    """Tell which longitudes lie within :data:`ANTIMERIDIAN_SNAP_DEG` of ±180°.

    Parameters
    ----------
    lon
        Longitude(s) in EPSG:4326 degrees.

    Returns
    -------
    ndarray of bool
        One flag per longitude (a 0-d array for a scalar).
    """
    return np.abs(np.abs(np.asarray(lon)) - 180.0) < ANTIMERIDIAN_SNAP_DEG


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two points on the WGS84 ellipsoid, in metres."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def distances_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> np.ndarray:
    """Geodesic distances between pairs of points on the WGS84 ellipsoid, in metres.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Equal-length arrays of EPSG:4326 degrees: the i-th distance is from
        ``(lon1[i], lat1[i])`` to ``(lon2[i], lat2[i])``. One vectorised ``Geod.inv`` call.

    Returns
    -------
    ndarray of float
        One distance per pair.
    """
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def geodesic_km(geoms: Sequence[BaseGeometry | None]) -> list[float]:
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
    dist = distances_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    per_part = np.bincount(part_index[:-1][same_part], weights=dist, minlength=len(parts))
    per_geom = np.bincount(geom_index, weights=per_part, minlength=int(present.sum()))
    out[present] = np.round(per_geom / 1000.0, 3)
    return out.tolist()


def split_antimeridian(coords: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Split a lon/lat path wherever it jumps across the antimeridian.

    A step whose longitudes differ by more than 180° is taken to cross ±180° (going the
    shorter way round); the crossing latitude is interpolated linearly in degrees and the path
    is cut there, so that no part ever spans the whole world.

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


def pairs_within_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike, km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of points of two sets lying within ``km`` of each other (geodesic, WGS84).

    Candidates come from an STRtree query in degrees (the radius widened by latitude, so none
    is missed away from the poles and the antimeridian), then exact geodesic distances keep the
    pairs within ``km``.

    Parameters
    ----------
    lon1, lat1
        The first set, EPSG:4326 degrees.
    lon2, lat2
        The second set, EPSG:4326 degrees.
    km
        The radius in kilometres.

    Returns
    -------
    tuple of ndarray
        ``(i, j, distance_km)``: indices into the first and second set, and their distance.
    """
    lon1, lat1 = np.asarray(lon1, dtype=float), np.asarray(lat1, dtype=float)
    lon2, lat2 = np.asarray(lon2, dtype=float), np.asarray(lat2, dtype=float)
    if not len(lon1) or not len(lon2):
        empty = np.array([], dtype=int)
        return empty, empty, np.array([], dtype=float)
    tree = shapely.STRtree(np.asarray(shapely.points(lon2, lat2)))
    cos = np.maximum(np.cos(np.radians(np.minimum(np.abs(lat1) + km / 100.0, 89.0))), 0.02)
    radius_deg = km / _KM_PER_DEG_MIN / cos
    i, j = tree.query(shapely.points(lon1, lat1), predicate="dwithin", distance=radius_deg)
    dist = distances_m(lon1[i], lat1[i], lon2[j], lat2[j]) / 1000.0
    keep = dist <= km
    return i[keep], j[keep], dist[keep]


#: Fewest kilometres per degree of latitude (at the equator), so degree radii never fall short.
_KM_PER_DEG_MIN = 110.5
