"""Put geometries on a Pacific-centred copy of the world for display.

Stored layers stay in EPSG:4326 with longitudes in [-180, 180]. For a map centred on the
Pacific, everything west of a *seam* meridian (default -30°, in the mid-Atlantic) is shifted
by +360°, so trans-Pacific cables run continuously across 180° and nothing draws across the
whole map. Lines that cross the seam itself (transatlantic cables) are cut there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast, overload

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


# compact geometry for the page: integer deltas (page size, see :func:`encode_geometry`)
_CODES = {
    "Point": "P",
    "LineString": "L",
    "MultiLineString": "ML",
    "Polygon": "A",
    "MultiPolygon": "MA",
    "MultiPoint": "MP",
}
_TYPES = {code: name for name, code in _CODES.items()}


def _depth(geom_type: str) -> int:
    """Nesting of coordinate lists above one line or ring (a point list)."""
    return {"Point": -1, "LineString": 0, "MultiPoint": 0, "MultiLineString": 1, "Polygon": 1}.get(
        geom_type, 2
    )


def _encode_line(coords: Sequence[Sequence[float]], scale: int) -> list[int]:
    ints = np.rint(np.asarray(coords, dtype=float)[:, :2] * scale).astype(np.int64)
    deltas = np.vstack([ints[:1], np.diff(ints, axis=0)])
    return [int(v) for v in deltas.ravel()]


def _decode_line(flat: Sequence[int], scale: int) -> list[list[float]]:
    xy = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0)
    return [[float(x) / scale, float(y) / scale] for x, y in xy]


def encode_geometry(geometry: dict | None, scale: int) -> list | None:
    """Return a GeoJSON geometry as ``[code, coordinates]`` in integer steps of ``1/scale``°.

    Each line or ring is one flat list: its first point, then the step to every next point
    (``[x0, y0, dx1, dy1, ...]``), the way TopoJSON quantises arcs; a point is ``[x, y]``.
    Codes: ``P`` point, ``MP`` multipoint, ``L`` line, ``ML`` multiline, ``A`` polygon, ``MA``
    multipolygon. The page's runtime (``cablemap.js``, ``decodeGeometry``) reverses it.

    Parameters
    ----------
    geometry
        A GeoJSON geometry (or ``None``).
    scale
        Steps per degree, e.g. 1000 for coordinates rounded to 3 decimals.

    Returns
    -------
    list or None
        ``[code, coordinates]``, or ``None`` for no geometry.
    """
    if not geometry:
        return None
    kind = geometry["type"]

    def walk(value: Any, depth: int) -> Any:
        if depth == 0:
            return _encode_line(value, scale)
        return [walk(v, depth - 1) for v in value]

    coords = geometry["coordinates"]
    if kind == "Point":
        return ["P", [round(float(coords[0]) * scale), round(float(coords[1]) * scale)]]
    return [_CODES[kind], walk(coords, _depth(kind))]


def decode_geometry(encoded: list | None, scale: int) -> dict | None:
    """Return the GeoJSON geometry of :func:`encode_geometry`'s output (for tests and tools)."""
    if not encoded:
        return None
    code, coords = encoded
    kind = _TYPES[code]

    def walk(value: Any, depth: int) -> Any:
        if depth == 0:
            return _decode_line(value, scale)
        return [walk(v, depth - 1) for v in value]

    if kind == "Point":
        return {"type": kind, "coordinates": [coords[0] / scale, coords[1] / scale]}
    return {"type": kind, "coordinates": walk(coords, _depth(kind))}
