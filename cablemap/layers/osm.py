"""OpenStreetMap through osmnx: data centres, exchanges and landing stations, and road graphs.

The only module that imports osmnx. Online (``features_from_place`` / ``features_from_bbox``)
and offline (``features_from_xml`` on an ``.osm`` extract) share one parser. Overpass
responses are cached under ``<settings.geodata_folder>/raw/osm-cache``.

Tags (:data:`FACILITY_TAGS`): ``telecom=data_center`` and ``building=data_center`` are data
centres, ``telecom=exchange`` telephone exchanges, ``telecom=landing_station`` cable landing
stations where mappers tagged them. Building outlines are reduced to a representative point
for joins and kept in ``footprint`` for maps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from cablemap import settings
from cablemap._errors import DownloadError, SourceFormatError
from cablemap._geo import distances_m
from cablemap._validate import LoadReport

logger = logging.getLogger(__name__)

FACILITY_TAGS: dict[str, list[str]] = {
    "telecom": ["data_center", "exchange", "landing_station"],
    "building": ["data_center"],
}
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
_KIND = {"data_center": "data_centre", "exchange": "exchange", "landing_station": "landing_station"}

Source = str | Path | tuple[float, float, float, float]


def _osmnx() -> Any:
    import osmnx  # noqa: PLC0415 - heavy; only loaded when OpenStreetMap is used

    osmnx.settings.cache_folder = str(Path(settings.geodata_folder) / "raw" / "osm-cache")
    osmnx.settings.use_cache = settings.use_cache
    osmnx.settings.requests_timeout = settings.requests_timeout
    osmnx.settings.log_console = False
    return osmnx


def _features(source: Source, tags: dict[str, list[str]]) -> gpd.GeoDataFrame:
    ox = _osmnx()
    try:
        if isinstance(source, tuple):
            return ox.features_from_bbox(source, tags=tags)
        path = Path(source)
        if path.suffix.lower() in (".osm", ".xml") or path.exists():
            if not path.is_file():
                msg = f"{str(path)!r} does not exist"
                raise SourceFormatError(msg)
            return ox.features_from_xml(path, tags=tags)
        return ox.features_from_place(str(source), tags=tags)
    except ox._errors.InsufficientResponseError:
        return gpd.GeoDataFrame(geometry=[], crs=settings.default_crs)
    except (ConnectionError, OSError) as exc:
        if isinstance(exc, SourceFormatError):
            raise
        msg = f"OpenStreetMap query for {source!r} failed: {exc}; use an .osm extract offline"
        raise DownloadError(msg) from None


def facilities_from_osm(
    source: Source,
    *,
    tags: dict[str, list[str]] | None = None,
    report: LoadReport | None = None,
) -> gpd.GeoDataFrame:
    """Read data centres, exchanges and landing stations from OpenStreetMap.

    Parameters
    ----------
    source
        An ``.osm`` XML extract (offline), a place name (``"Sydney, Australia"``) or a bbox
        ``(west, south, east, north)`` in EPSG:4326 degrees (online, cached).
    tags
        OSM tags to ask for; by default :data:`FACILITY_TAGS`.
    report
        Receives skipped and repaired features.

    Returns
    -------
    GeoDataFrame
        The ``facilities`` layer (see :mod:`cablemap.layers.facilities`); empty if the area
        has none.
    """
    from cablemap.layers.facilities import FACILITY_COLUMNS, _iso3, _operator  # noqa: PLC0415

    report = LoadReport() if report is None else report
    raw = _features(source, tags or FACILITY_TAGS)
    where = str(source)
    rows = []
    for (element, osm_id), feature in raw.iterrows():
        record = f"{element}/{osm_id}"
        geom = feature.geometry
        kind = _KIND.get(
            str(feature.get("telecom")),
            "data_centre" if feature.get("building") == "data_center" else None,
        )
        if kind is None:
            report.add(
                "warning",
                where,
                record,
                "telecom",
                f"tag {feature.get('telecom')!r} is no facility kind; skipped",
            )
            continue
        if geom is None or geom.is_empty:
            report.add("error", where, record, "geometry", "no geometry; skipped")
            continue
        footprint = None
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            footprint, point = geom, geom.representative_point()
        elif geom.geom_type == "Point":
            point = geom
        elif geom.geom_type in ("LineString", "MultiLineString"):
            point = geom.representative_point()
            report.add(
                "warning",
                where,
                record,
                "geometry",
                f"unexpected {geom.geom_type} (an unclosed outline?): "
                "its representative point is used",
            )
        else:
            report.add("error", where, record, "geometry", f"unexpected {geom.geom_type}; skipped")
            continue
        operator, home = _operator(feature.get("operator"))
        name = feature.get("name")
        rows.append(
            {
                "fac_id": f"osm:{record}",
                "name": name
                if isinstance(name, str) and name
                else f"{kind.replace('_', ' ')} (OSM {record})",
                "kind": kind,
                "operator": operator,
                "operator_home_iso3": home,
                "iso3": _iso3(feature.get("addr:country")),
                "city": feature.get("addr:city")
                if isinstance(feature.get("addr:city"), str)
                else "",
                "networks": 0,
                "exchanges": 0,
                "source": f"OpenStreetMap https://www.openstreetmap.org/{record} "
                f"({OSM_ATTRIBUTION})",
                "geometry": point,
                "footprint": footprint,
            }
        )
    report.count(f"facilities loaded from OpenStreetMap {where}", len(rows))
    frame = gpd.GeoDataFrame(
        rows,
        columns=[*FACILITY_COLUMNS, "geometry", "footprint"],
        geometry="geometry",
        crs=settings.default_crs,
    )
    logger.info("Loaded %d OpenStreetMap facilities from %r", len(frame), where)
    return frame


def road_graph_from_osm(source: Source) -> nx.MultiDiGraph:
    """Road network (edges with ``length`` in metres) from an ``.osm`` extract, place or bbox.

    Returns
    -------
    networkx.MultiDiGraph
        osmnx's graph, nodes with ``x``/``y`` in EPSG:4326 degrees.
    """
    ox = _osmnx()
    if isinstance(source, tuple):
        return ox.graph_from_bbox(source, network_type="drive")
    path = Path(source)
    if path.suffix.lower() in (".osm", ".xml"):
        if not path.is_file():
            msg = f"{str(path)!r} does not exist"
            raise SourceFormatError(msg)
        return ox.graph_from_xml(path)
    return ox.graph_from_place(str(source), network_type="drive")


def road_distance_m(
    graph: nx.MultiDiGraph, a: shapely.Point, b: shapely.Point, *, max_snap_m: float
) -> tuple[float, float, float]:
    """Shortest road distance between two points, via their nearest graph nodes.

    Returns
    -------
    tuple of float
        ``(road_m, snap_a_m, snap_b_m)``; ``road_m`` is NaN when a point is more than
        ``max_snap_m`` from the road network or no road joins them.
    """
    nodes = list(graph.nodes)
    xs = np.array([graph.nodes[n]["x"] for n in nodes])
    ys = np.array([graph.nodes[n]["y"] for n in nodes])

    def nearest(p: shapely.Point) -> tuple[Any, float]:
        d = distances_m(np.full(len(xs), p.x), np.full(len(ys), p.y), xs, ys)
        i = int(np.argmin(d))
        return nodes[i], float(d[i])

    (na, da), (nb, db) = nearest(a), nearest(b)
    if max(da, db) > max_snap_m:
        return float("nan"), da, db
    try:
        road = nx.shortest_path_length(graph.to_undirected(as_view=True), na, nb, weight="length")
    except nx.NetworkXNoPath:
        return float("nan"), da, db
    return float(road) + da + db, da, db
