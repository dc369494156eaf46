"""Read a geometry-only TeleGeography release: routes and landing points, memberships inferred.

Newer public copies of the Submarine Cable Map often hold only the two geometry files,
``cable/cable-geo.json`` (routes with ``id`` and ``name``) and
``landing-point/landing-point-geo.json`` (points with ``id``, ``name``, ``is_tbd``), sometimes
``cable/all.json`` (ids and names), and no per-cable files. This module loads such a copy:

- cables from the route file (names from the features, else from ``all.json``); cables that
  ``all.json`` lists without a route are kept without geometry, as in a full release;
- landing points from their geo file, the country read from the end of the name
  (``"Changi South, Singapore"``), then Hong Kong, Macau and Taiwan by coordinates;
- which cable lands where, inferred from the routes
  (:func:`cablemap.layers.memberships.infer_landings`), each link marked ``inferred`` with its
  ``distance_km``;
- what the files do not say stays missing and is counted in the report: status, RFS year,
  reported length, owners, suppliers (:data:`ABSENT_FIELDS`). Nothing is invented; merge with
  an older full release (:mod:`cablemap.layers.merge`) to carry those over, flagged.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from cablemap import settings
from cablemap._geo import geodesic_km
from cablemap._validate import LoadReport, absent_field_count
from cablemap.layers.iso_codes import assign_iso3, iso3_from_name
from cablemap.layers.memberships import infer_landings
from cablemap.layers.telegeography import (
    TG_ATTRIBUTION,
    TG_SOURCE,
    _clean_routes,
    _json_or_problem,
    _landing_points_geo,
    _read_geo,
)

logger = logging.getLogger(__name__)

#: Cable fields a geometry-only release does not carry: left missing, counted in the report.
ABSENT_FIELDS: tuple[str, ...] = ("status", "rfs_year", "length_km", "owners", "suppliers")


def country_in_name(name: str) -> str:
    """Return the country a landing-point name ends with (``"Muanda, Congo, Dem. Rep."``).

    The longest trailing comma-separated part that is a known country name wins; when none
    is, the last part is returned (and the loader reports the country as unknown).

    Returns
    -------
    str
        The country as written in the name, or ``""`` for a name without a comma.
    """
    parts = [p.strip() for p in name.split(",")]
    for i in range(1, len(parts)):
        candidate = ", ".join(parts[i:])
        if iso3_from_name(candidate):
            return candidate
    return parts[-1] if len(parts) > 1 else ""


def _index_names(path: Path, report: LoadReport) -> dict[str, str]:
    """Read ``cable/all.json`` (``[{"id", "name"}]``), if there is one; report what is unusable."""
    if not (path.exists() or path.is_symlink()):
        return {}
    data, problem = _json_or_problem(path)
    if problem is None and not isinstance(data, list):
        problem = f"holds {type(data).__name__}, not a JSON list"
    if problem is not None:
        report.add("warning", str(path), "*", "(file)", f"file {problem}; cable names ignored")
        return {}
    names: dict[str, str] = {}
    for i, entry in enumerate(data):
        cable_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(cable_id, str) or not cable_id:
            report.add("warning", str(path), f"entry {i}", "id", "entry without a text id; ignored")
            continue
        name = entry.get("name")
        names[cable_id] = name.strip() if isinstance(name, str) and name.strip() else cable_id
    return names


def _route_names(frame: pd.DataFrame) -> dict[str, str]:
    if "name" not in frame.columns:
        return {}
    names = frame[["id", "name"]].dropna()
    names = names[names["name"].map(lambda v: isinstance(v, str) and bool(v.strip()))]
    return {str(i): str(n).strip() for i, n in zip(names["id"], names["name"], strict=True)}


def _landing_rows(
    lp_geo: dict[str, dict[str, Any]], source_version: str, file: str, report: LoadReport
) -> list[dict[str, Any]]:
    rows = []
    for lp_id, geo in lp_geo.items():
        name = str(geo.get("name") or lp_id).strip()
        point = geo["geometry"]
        country, iso3, rule = assign_iso3(country_in_name(name), point.x, point.y)
        if rule == "territory":
            report.count(f"landing points reassigned to {iso3} by coordinates")
        elif rule == "unknown":
            report.add(
                "warning",
                file,
                lp_id,
                "country",
                f"no country at the end of the name {name!r}: iso3 left empty",
            )
        if geo["is_tbd"]:
            report.add(
                "warning",
                file,
                lp_id,
                "is_tbd",
                "landing site to be determined: its coordinates are provisional",
            )
        rows.append(
            {
                "lp_id": lp_id,
                "name": name,
                "country": country or "(unknown)",
                "iso3": iso3,
                "is_tbd": bool(geo["is_tbd"]),
                "source": TG_SOURCE,
                "source_version": source_version,
                "geometry": point,
            }
        )
    return rows


def layers_from_geometry_release(
    path: str | Path, *, end_km: float | None = None, pass_km: float | None = None
) -> dict[str, Any]:
    """Load a geometry-only TeleGeography copy; infer which cable lands where.

    Parameters
    ----------
    path
        The copy's root (``cable/cable-geo.json``, ``landing-point/landing-point-geo.json``,
        optionally ``cable/all.json``).
    end_km, pass_km
        Inference thresholds (km); defaults :data:`cablemap.settings.landing_end_km` and
        :data:`cablemap.settings.landing_pass_km` (see
        :func:`cablemap.layers.memberships.infer_landings`).

    Returns
    -------
    dict
        ``cables``, ``landing_points``, ``cable_landings`` (with ``inferred`` and
        ``distance_km``), ``report``, ``sources`` (whose ``cables`` entry lists the
        ``absent_fields`` and says ``landings: "inferred from geometry"``).

    Raises
    ------
    SourceFormatError
        If a geometry file is missing or unreadable.
    """
    root = Path(path)
    report = LoadReport()
    source_version = f"API v3 geometry only ({root.name})"
    lp_file = root / "landing-point" / "landing-point-geo.json"
    lp_geo = _landing_points_geo(_read_geo(lp_file, "id", report), "id", str(lp_file), report)
    route_file = root / "cable" / "cable-geo.json"
    route_frame = _read_geo(route_file, "id", report)
    routes = _clean_routes(route_frame, "id", str(route_file), report)
    names = _index_names(root / "cable" / "all.json", report)
    route_names = _route_names(route_frame)
    ids = list(dict.fromkeys([*sorted(routes), *sorted(names)]))
    rows = []
    for cable_id in ids:
        name = route_names.get(cable_id) or names.get(cable_id)
        if name is None:
            report.add("warning", str(route_file), cable_id, "name", "no name: the id is used")
            name = cable_id
        if cable_id not in routes:
            report.add(
                "warning",
                str(route_file),
                cable_id,
                "geometry",
                "listed in all.json but no drawn route: kept without geometry or landings",
            )
        rows.append(
            {
                "cable_id": cable_id,
                "name": name,
                "status": None,
                "rfs_year": None,
                "length_km": None,
                "owners": None,
                "suppliers": None,
                "route_synthetic": False,
                "source": TG_SOURCE,
                "source_version": source_version,
                "geometry": routes.get(cable_id),
            }
        )
    cables = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.default_crs)
    if cables.empty:
        cables = cables.astype({"cable_id": object, "name": object})
    cables["rfs_year"] = cables["rfs_year"].astype("Int64")
    cables["length_km"] = cables["length_km"].astype(float)
    cables.insert(
        cables.columns.get_loc("length_km") + 1, "route_km", geodesic_km(list(cables.geometry))
    )
    landing_points = gpd.GeoDataFrame(
        _landing_rows(lp_geo, source_version, str(lp_file), report),
        geometry="geometry",
        crs=settings.default_crs,
    )
    end_km = float(settings.landing_end_km if end_km is None else end_km)
    pass_km = float(settings.landing_pass_km if pass_km is None else pass_km)
    links = infer_landings(cables, landing_points, end_km=end_km, pass_km=pass_km)
    _report_links(
        cables, landing_points, links, (str(route_file), str(lp_file)), (end_km, pass_km), report
    )
    for fld in ABSENT_FIELDS:
        report.count(absent_field_count(fld, "a geometry-only release"), len(cables))
    report.count("cables loaded", len(cables))
    report.count("landing points loaded", len(landing_points))
    report.count("cable landings loaded", len(links))
    report.count("cable landings inferred from geometry", len(links))
    logger.info(
        "Loaded %d cables and %d landing points from %r (geometry only; %d landings inferred)",
        len(cables),
        len(landing_points),
        str(root),
        len(links),
    )
    provenance = {
        "source": TG_SOURCE,
        "source_version": source_version,
        "path": str(root),
        "licence": "CC BY-NC-SA 3.0",
        "attribution": TG_ATTRIBUTION,
        "layout": "geometry only",
        "absent_fields": list(ABSENT_FIELDS),
        "landings": "inferred from geometry",
    }
    return {
        "cables": cables,
        "landing_points": landing_points,
        "cable_landings": links,
        "report": report,
        "sources": {"cables": provenance, "landing_points": dict(provenance)},
    }


def _report_links(  # noqa: PLR0917 - one load's context
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    links: pd.DataFrame,
    files: tuple[str, str],
    thresholds: tuple[float, float],
    report: LoadReport,
) -> None:
    """Warn about routed cables that reach no landing point and points no route reaches."""
    route_file, lp_file = files
    end_km, pass_km = thresholds
    linked = set(links["cable_id"])
    routed = cables.loc[cables.geometry.notna(), "cable_id"]
    for cable_id in routed[~routed.isin(linked)]:
        report.add(
            "warning",
            route_file,
            str(cable_id),
            "landing_points",
            f"no landing point near its route (ends within {end_km:g} km, vertices within "
            f"{pass_km:g} km): the cable joins no landing point",
        )
    reached = set(links["lp_id"])
    for lp_id in landing_points.loc[~landing_points["lp_id"].isin(reached), "lp_id"]:
        report.add(
            "warning",
            lp_file,
            str(lp_id),
            "cables",
            "landing point no route reaches: kept, but it joins no cable",
        )
