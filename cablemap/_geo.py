"""Geodesy on the WGS84 ellipsoid and the antimeridian: one place for layers, risk and render.

Distances are geodesic (``pyproj.Geod`` on WGS84), never planar degrees: cables span oceans,
where no single projection keeps lengths. Coordinates are EPSG:4326 degrees, longitudes in
[-180, 180]; a path that crosses 180° is stored split there (:func:`split_antimeridian`).
"""

from __future__ import annotations

import itertools
import math
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


#: Great-circle distances on a sphere of the mean radius stay within 0.6 % of WGS84 geodesic
#: ones; outside this relative margin a sphere decides "within" alone.
_SPHERE_MARGIN = 0.01
_MEAN_RADIUS_KM = 6371.0088


def within_km(lon1: float, lat1: float, lon2: float, lat2: float, km: float) -> bool:
    """Whether two points lie within ``km`` (geodesic, WGS84) of each other.

    The same answer as ``geodesic_m(...) / 1000 <= km``; a great circle answers first, and the
    ellipsoid is asked only where the two could disagree.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        EPSG:4326 degrees (longitudes in any frame, e.g. shifted by 360).
    km
        The distance, in kilometres.

    Returns
    -------
    bool
        True when the geodesic distance is at most ``km``.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    sphere = 2 * _MEAN_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))
    if sphere <= km * (1 - _SPHERE_MARGIN):
        return True
    if sphere > km * (1 + _SPHERE_MARGIN):
        return False
    return geodesic_m(lon1, lat1, lon2, lat2) / 1000.0 <= km


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


#: Mean radius of the WGS84 ellipsoid (IUGG R1 = (2a + b) / 3), in kilometres: the sphere on
#: which neighbour searches (:func:`unit_vectors`, :func:`chord_for_km`) measure distance.
#: Against the geodesic, a 100 km search radius errs by at most ~0.5 km.
MEAN_RADIUS_KM = 6371.0088


def unit_vectors(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """Points as 3-D unit vectors, for neighbour searches by chord length (e.g. a KD-tree).

    Parameters
    ----------
    lon, lat
        EPSG:4326 degrees (equal-length arrays or scalars).

    Returns
    -------
    ndarray
        Float (n, 3). Two points ``d`` km apart on the mean sphere are
        ``chord_for_km(d)`` apart as vectors; no seam at ±180° and none at the poles.
    """
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack(
        [np.ravel(cos_phi * np.cos(lam)), np.ravel(cos_phi * np.sin(lam)), np.ravel(np.sin(phi))]
    )


def chord_for_km(km: float) -> float:
    """Chord length between unit vectors of two points ``km`` apart on the mean sphere."""
    return float(2.0 * np.sin(min(km / MEAN_RADIUS_KM, np.pi) / 2.0))


def km_for_chord(chord: ArrayLike) -> np.ndarray:
    """Great-circle distance (km, mean sphere) of a chord between unit vectors."""
    return 2.0 * MEAN_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, dtype=float) / 2.0, 0, 1))


def sample_lines(
    geoms: Sequence[BaseGeometry | None], step_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points at most ``step_km`` apart along lines, each standing for a stretch of its line.

    Every vertex-to-vertex step is measured geodesically (WGS84) and cut into equal pieces
    no longer than ``step_km``; each piece is represented by its midpoint (interpolated on the
    sphere), weighted by its geodesic length. Parts split at the antimeridian are sampled
    separately, so nothing is interpolated across the world.

    Parameters
    ----------
    geoms
        LineStrings or MultiLineStrings in EPSG:4326 degrees (``None`` or empty: no points).
    step_km
        Largest stretch one point stands for.

    Returns
    -------
    tuple of ndarray
        Unit vectors (n, 3) of the points, their lengths in km (summing to each line's geodesic
        length), and the position in ``geoms`` of the line each point belongs to.
    """
    array = np.array(geoms, dtype=object)
    present = np.flatnonzero([g is not None and not shapely.is_empty(g) for g in geoms])
    empty = (np.zeros((0, 3)), np.zeros(0), np.zeros(0, dtype=np.int64))
    if not len(present):
        return empty
    parts, part_geom = shapely.get_parts(array[present], return_index=True)
    xy, part_index = shapely.get_coordinates(parts, return_index=True)
    same = part_index[1:] == part_index[:-1]
    a, b = xy[:-1][same], xy[1:][same]
    owner = present[part_geom[part_index[:-1][same]]]
    length = distances_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1]) / 1000.0
    pieces = np.maximum(np.ceil(length / step_km), 1).astype(np.int64)
    step = np.repeat(np.arange(len(pieces)), pieces)
    # midpoints of piece k of n: fraction (k + 0.5) / n along the step
    k = np.arange(len(step)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    frac = ((k + 0.5) / pieces[step])[:, None]
    va, vb = unit_vectors(a[:, 0], a[:, 1]), unit_vectors(b[:, 0], b[:, 1])
    mid = va[step] * (1 - frac) + vb[step] * frac
    norm = np.linalg.norm(mid, axis=1, keepdims=True)
    mid = np.where(norm > 0, mid / np.where(norm > 0, norm, 1), va[step])
    return mid, (length / pieces)[step], owner[step]
