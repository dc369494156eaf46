"""Put geometries on a Pacific-centred copy of the world for display.

Stored layers stay in EPSG:4326 with longitudes in [-180, 180]. For a map centred on the
Pacific, everything west of a *seam* meridian (default -30°, in the mid-Atlantic) is shifted
by +360°, so trans-Pacific cables run continuously across 180° and nothing draws across the
whole map. Lines that cross the seam itself (transatlantic cables) are cut there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast, overload

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from cablemap._geo import near_antimeridian

#: Default seam meridian of the Pacific-centred view (degrees east).
PACIFIC_SEAM_LON = -30.0


def _snap_antimeridian(xy: np.ndarray) -> np.ndarray:
    out = xy.copy()
    near = near_antimeridian(out[:, 0])
    out[near, 0] = np.sign(out[near, 0]) * 180.0
    return out


@overload
def shift_to_pacific(geom: BaseGeometry, seam_lon: float = ...) -> BaseGeometry: ...
@overload
def shift_to_pacific(geom: None, seam_lon: float = ...) -> None: ...
@overload
def shift_to_pacific(geom: BaseGeometry | None, seam_lon: float = ...) -> BaseGeometry | None: ...
def shift_to_pacific(
    geom: BaseGeometry | None, seam_lon: float = PACIFIC_SEAM_LON
) -> BaseGeometry | None:
    """Return a geometry on the Pacific-centred copy of the world.

    Parameters
    ----------
    geom
        A geometry in EPSG:4326 degrees, longitudes in [-180, 180].
    seam_lon
        Longitude (degrees east) where the displayed world is cut.

    Returns
    -------
    BaseGeometry or None
        The geometry with longitudes in [seam_lon, seam_lon + 360]; lines crossing the seam
        are cut there, and line ends within :data:`cablemap._geo.ANTIMERIDIAN_SNAP_DEG` of
        ±180° are put on it so that halves split there join up. ``None`` stays ``None``.
    """
    if geom is None or geom.is_empty:
        return geom
    geom = shapely.transform(geom, _snap_antimeridian)
    minx, _, maxx, _ = geom.bounds
    if minx >= seam_lon:
        return geom
    if maxx < seam_lon:
        return affinity.translate(geom, xoff=360.0)
    west = shapely.clip_by_rect(geom, -180.0, -90.0, seam_lon, 90.0)
    east = shapely.clip_by_rect(geom, seam_lon, -90.0, 180.0, 90.0)
    pieces = [p for p in (affinity.translate(west, xoff=360.0), east) if not p.is_empty]
    parts = [part for piece in pieces for part in shapely.get_parts(piece)]
    return _collect(parts)


def _collect(parts: Sequence[BaseGeometry]) -> BaseGeometry:
    """One Multi* geometry of the parts (areas win over slivers that clipping leaves)."""
    # the geom_type tests narrow the parts; mypy cannot follow them, hence the casts
    if all(p.geom_type == "LineString" for p in parts):
        return shapely.MultiLineString(cast("Sequence[shapely.LineString]", parts))
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    if polygons:
        return shapely.MultiPolygon(cast("list[shapely.Polygon]", polygons))
    return shapely.GeometryCollection(parts)
