"""Geometry checks shared by the loaders: route cleaning and landing-point checks.

The geodesic measures and antimeridian splitting live in :mod:`cablemap._geo`; they are
re-exported here for the modules that still import them from this one.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cablemap._geo import geodesic_km, geodesic_m, split_antimeridian
from cablemap._validate import LoadReport

__all__ = ["check_point", "clean_route", "geodesic_km", "geodesic_m", "split_antimeridian"]


def clean_route(
    geom: BaseGeometry | None, *, file: str, record: str, report: LoadReport
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


def check_point(geom: BaseGeometry | None, *, file: str, record: str, report: LoadReport) -> bool:
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
    if geom is None or geom.is_empty or not isinstance(geom, shapely.Point):
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
