"""The cable network as a graph: segments from route geometry, landing points, terrestrial links.

Nodes are landing points (id = ``lp_id``), branching units (``<cable_id>#bu<n>``) and, where a
cable has no usable route, a hub standing for the unknown wet plant (``<cable_id>#hub``).
Edges are **segments**: stretches of one cable between two nodes, with their geometry, so that
a cut at a location breaks only the segments it touches. Built per cable:

1. The route's parts are noded (split wherever they touch or cross; ends at ±180° are joined).
2. Each of the cable's landing points is attached to the nearest point of the route if it lies
   within ``landing_snap_km`` (the 2022 TeleGeography routes pass within 27 km of every one of
   their landing points, 99 % within 3.5 km); the route is split there.
3. Dangling route ends that reach no landing point are pruned; chains of vertices between
   landing points and junctions (branching units) become one segment each.
4. A cable with no route, or a landing point too far from its route, falls back on the
   landing-point list: the points join the cable's hub by unrouted segments. Each fallback is
   listed in :attr:`Network.notes`.

**Terrestrial links** join the landing points of one country that stand on one landmass (an
assumed backhaul). The landmass comes from country polygons where given (each polygon of a
country's MultiPolygon is a landmass, so Tonga's islands and Taiwan's outlying islands are
separate), else from a ``landmass`` column of the landing points, else no terrestrial links
are assumed (said in the notes). Cross-border links are off unless declared.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from cablemap import settings
from cablemap._geo import (
    ANTIMERIDIAN_SNAP_DEG,
    distances_m,
    near_antimeridian,
    split_antimeridian,
    within_km,
)
from cablemap._validate import status_counted

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec

logger = logging.getLogger(__name__)

_KEY_DECIMALS = 6  # node keys: coordinates rounded to ~0.1 m
_SNAP_EPS_DEG = 1e-7
#: Country polygons closer than this (degrees, ~1 km) share a land border.
_BORDER_GAP_DEG = 0.01
#: Polygons of one country closer than this (degrees, ~5 km) are one landmass for land
#: routes (bridges: Macau's Taipa and its peninsula, Hengqin and the mainland).
_BRIDGE_GAP_DEG = 0.045


@dataclass
class Network:
    """The segment graph of the cable network.

    Attributes
    ----------
    nodes
        ``node_id``, ``kind`` (``landing_point``, ``branching_unit``, ``hub``), ``lp_id``,
        ``iso3``, ``landmass``, geometry (Point, EPSG:4326; hubs have none).
    segments
        ``seg_id``, ``cable_id``, ``u``, ``v`` (node ids), ``routed`` (False for fallback
        segments), ``length_km`` (geodesic), geometry (LineString or None).
    terrestrial
        ``u``, ``v`` (landing point ids), ``iso3``, ``landmass``, ``kind`` (``domestic`` or
        ``cross_border``): assumed land links.
    notes
        Every fallback and assumption, for the analyst.
    """

    nodes: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    terrestrial: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _key(x: float, y: float) -> tuple[float, float]:
    # the two sides of the antimeridian are one place (near_antimeridian, for one number)
    if abs(abs(x) - 180.0) < ANTIMERIDIAN_SNAP_DEG:
        x = -180.0
    return (round(x, _KEY_DECIMALS), round(y, _KEY_DECIMALS))


def _geodesic_km(coords: list[tuple[float, float]]) -> float:
    """Geodesic length (km) of the path through ``coords`` (EPSG:4326 degrees)."""
    xy = np.asarray(coords, dtype=float)
    return float(np.sum(distances_m(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]))) / 1000.0


def _split_at(line: shapely.LineString, dist: float) -> list[shapely.LineString]:
    """Split a line at a distance along it (degrees), inserting the split point."""
    if dist <= _SNAP_EPS_DEG or dist >= line.length - _SNAP_EPS_DEG:
        return [line]
    xy = shapely.get_coordinates(line)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    point = line.interpolate(dist)
    i = int(np.searchsorted(cum, dist, side="right"))
    at = shapely.get_coordinates(point)
    return [
        cast("shapely.LineString", shapely.linestrings(np.concatenate([xy[:i], at]))),
        cast("shapely.LineString", shapely.linestrings(np.concatenate([at, xy[i:]]))),
    ]


def _continuous(geom: shapely.MultiLineString) -> tuple[list[shapely.LineString], bool]:
    """Parts in a continuous longitude frame: west-hemisphere parts +360 if the route meets ±180."""
    parts = list(shapely.get_parts(geom))
    xs = shapely.get_coordinates(geom)[:, 0]
    if not near_antimeridian(xs).any():
        return parts, False
    return [
        shapely.transform(
            p,
            lambda xy: np.column_stack(
                [np.where(xy[:, 0] < 0, xy[:, 0] + 360, xy[:, 0]), xy[:, 1]]
            ),
        )
        for p in parts
    ], True


class _Keys:
    """Union-find over node keys, so that snapped points share one node."""

    def __init__(self) -> None:
        self.parent: dict[tuple[float, float], tuple[float, float]] = {}

    def find(self, k: tuple[float, float]) -> tuple[float, float]:
        root = self.parent.setdefault(k, k)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[k] = root
        return root

    def union(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self.parent[self.find(a)] = self.find(b)


def _attach(
    pieces: list[shapely.LineString],
    point: shapely.Point,
    reach_km: float,
    exclude: int | None = None,
    distances: np.ndarray | None = None,
) -> tuple[tuple[float, float], bool] | None:
    """Split the piece nearest ``point`` at the nearest point.

    Returns its key and whether it lies within ``reach_km`` (geodesic) of ``point``.
    ``distances`` (degrees, from ``point`` to each piece) may be given when already computed.
    """
    if distances is None:
        distances = shapely.distance(np.array(pieces, dtype=object), point)
    if exclude is not None:
        distances[exclude] = np.inf
    j = int(np.argmin(distances))
    if not np.isfinite(distances[j]):
        return None
    piece = pieces[j]
    nearest = piece.interpolate(piece.project(point))
    near = within_km(point.x, point.y, nearest.x, nearest.y, reach_km)
    pieces[j : j + 1] = _split_at(piece, piece.project(nearest))
    return _key(nearest.x, nearest.y), near


def _cable_pieces(
    geom: shapely.MultiLineString,
    lps: list[tuple[str, shapely.Point]],
    snap_km: float,
    join_km: float,
) -> tuple[list[shapely.LineString], dict[str, tuple[float, float]], list[str], _Keys]:
    """Join route parts whose ends lie within ``join_km`` of another part, attach landing points.

    Returns the pieces, the node key of each attached landing point, the landing points too
    far from the route, and the union-find that merges snapped keys.
    """
    pieces, shifted = _continuous(geom)
    keys = _Keys()
    # 1. part ends that touch or nearly touch another part become junctions
    ends = [
        (i, shapely.Point(c))
        for i, p in enumerate(list(pieces))
        for c in (p.coords[0], p.coords[-1])
    ]
    for _, end in ends:
        distances = shapely.distance(np.array(pieces, dtype=object), end)
        xy = end.coords[0]
        owner = next(
            (
                int(j)
                for j in np.flatnonzero(distances < _SNAP_EPS_DEG)
                if xy in (pieces[j].coords[0], pieces[j].coords[-1])
            ),
            None,
        )
        found = _attach(pieces, end, join_km, exclude=owner, distances=distances)
        if found is not None and found[1]:
            keys.union(_key(end.x, end.y), found[0])
    # 2. landing points attach to the nearest point of the route
    attach: dict[str, tuple[float, float]] = {}
    far: list[str] = []
    for lp_id, point in lps:
        target = shapely.Point(point.x + 360, point.y) if shifted and point.x < 0 else point
        found = _attach(pieces, target, snap_km)
        if found is None or not found[1]:
            far.append(lp_id)
            continue
        attach[lp_id] = found[0]
    return pieces, attach, far, keys


Key = tuple[float, float]


def _prune(adjacency: dict[Key, list[int]], keep: set[Key], n_pieces: int) -> set[int]:
    """Drop pieces that dangle from a node no landing point holds, until none is left."""
    alive = set(range(n_pieces))
    changed = True
    while changed:
        changed = False
        for key, incident in list(adjacency.items()):
            live = [i for i in incident if i in alive]
            if len(live) == 1 and key not in keep:
                alive.discard(live[0])
                changed = True
            adjacency[key] = live
    return alive


def _walk(
    start: Key,
    first: int,
    *,
    pieces: list[shapely.LineString],
    ends: list[tuple[Key, Key]],
    adjacency: dict[Key, list[int]],
    usable: set[int],
    junction: set[Key],
) -> tuple[list[tuple[float, float]], Key]:
    """Follow pieces from ``start`` until the next junction; mark them used (leave ``usable``)."""
    coords: list[tuple[float, float]] = []
    node, piece = start, first
    while True:
        usable.discard(piece)
        a, b = ends[piece]
        xy = shapely.get_coordinates(pieces[piece])
        if a != node:
            xy = xy[::-1]
        coords.extend(map(tuple, xy if not coords else xy[1:]))
        node = b if a == node else a
        nxt = [i for i in adjacency[node] if i in usable]
        if node in junction or not nxt:
            return coords, node
        piece = nxt[0]


def _segments_of_cable(
    cable_id: str,
    pieces: list[shapely.LineString],
    attach: dict[str, Key],
    keys: _Keys,
) -> tuple[list[dict[str, Any]], dict[Key, str]]:
    """Contract the pieces into segments between landing points and junctions."""
    adjacency: dict[Key, list[int]] = defaultdict(list)
    ends = []
    for i, piece in enumerate(pieces):
        xy = shapely.get_coordinates(piece)
        a, b = keys.find(_key(*xy[0])), keys.find(_key(*xy[-1]))
        ends.append((a, b))
        adjacency[a].append(i)
        if b != a:
            adjacency[b].append(i)
    lp_at: dict[Key, str] = {}
    for lp_id, key in attach.items():
        lp_at.setdefault(keys.find(key), lp_id)
    usable = _prune(adjacency, set(lp_at), len(pieces))
    degree = {k: len(v) for k, v in adjacency.items()}
    junction = {k for k, d in degree.items() if d != 2 or k in lp_at}
    names: dict[Key, str] = {}
    for key in sorted(junction):
        if key in lp_at:
            names[key] = lp_at[key]
        elif degree.get(key, 0) > 0:
            names[key] = f"{cable_id}#bu{sum('#bu' in v for v in names.values())}"
    segments = []
    for start in sorted(junction):
        for first in adjacency.get(start, []):
            if first not in usable:
                continue
            coords, node = _walk(
                start,
                first,
                pieces=pieces,
                ends=ends,
                adjacency=adjacency,
                usable=usable,
                junction=junction,
            )
            if node not in names or (node == start and len(coords) < 2):
                continue
            segments.append(
                {
                    "cable_id": cable_id,
                    "u": names[start],
                    "v": names[node],
                    "routed": True,
                    "length_km": _geodesic_km(coords),
                    "geometry": _to_4326(coords),
                }
            )
    return segments, {k: v for k, v in names.items() if "#bu" in v}


def _to_4326(coords: list[tuple[float, float]]) -> shapely.MultiLineString:
    """Wrap a path back to longitudes in [-180, 180], split at the antimeridian."""
    wrapped = [(((x + 180.0) % 360.0) - 180.0 if x > 180.0 else x, y) for x, y in coords]
    return shapely.MultiLineString(split_antimeridian(wrapped))


def _near_parts(points: gpd.GeoDataFrame, parts: gpd.GeoDataFrame, within: float) -> pd.DataFrame:
    """Pairs of a point and a country part within ``within`` degrees, with their distance ``d``.

    Columns ``lp_id``, ``iso3_left`` (the point's), ``iso3_right`` and ``landmass`` (the
    part's) and ``d`` (geodesic metres between the point and the nearest point of the part;
    0 inside it), in the order of a spatial join of the points to the parts.
    """
    pts, geoms = points.geometry.to_numpy(), parts.geometry.to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    boxes = shapely.box(x - within, y - within, x + within, y + within)
    left, right = shapely.STRtree(geoms).query(boxes)
    shapely.prepare(geoms[np.unique(right)])
    close = shapely.dwithin(geoms[right], pts[left], within)
    left, right = left[close], right[close]
    inside = shapely.intersects(geoms[right], pts[left])
    d = np.zeros(len(left))
    nearest = shapely.shortest_line(pts[left[~inside]], geoms[right[~inside]])
    xy = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
    d[~inside] = distances_m(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
    near = pd.concat(
        [
            points[["lp_id", "iso3"]].iloc[left].reset_index(drop=True),
            parts[["iso3", "landmass"]].iloc[right].reset_index(drop=True),
        ],
        axis=1,
        keys=["left", "right"],
    )
    near.columns = ["lp_id", "iso3_left", "iso3_right", "landmass"]
    near["d"] = d
    return near.set_axis(left)


def _landmasses(
    landing_points: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None, notes: list[str]
) -> pd.Series:
    """Landmass label per landing point (index = lp_id); NaN where unknown."""
    lps = landing_points.set_index("lp_id")
    if countries is not None:
        parts = countries[["iso3", "geometry"]].explode(index_parts=False).reset_index(drop=True)
        parts["landmass"] = parts["iso3"] + ":" + parts.groupby("iso3").cumcount().astype(str)
        points = lps[["iso3", "geometry"]].reset_index()
        # candidates within ~0.25 degrees, then the nearest by geodesic distance (<= 20 km)
        near = _near_parts(points, parts, 0.25)
        near = near[near["d"] <= 20_000]
        # prefer a polygon of the point's own country; Natural Earth folds some territories
        # (Guadeloupe, Christmas Island, Tokelau) into their sovereign's polygons
        near["other"] = near["iso3_left"] != near["iso3_right"]
        near = near.sort_values(["other", "d"])
        labels = near.drop_duplicates("lp_id").set_index("lp_id")["landmass"]
        missing = len(lps) - len(labels)
        if missing:
            notes.append(
                f"{missing} landing point(s) are more than 20 km from any country polygon: "
                "no terrestrial link assumed for them"
            )
        return labels.reindex(lps.index)
    if "landmass" in lps.columns and lps["landmass"].notna().any():
        return lps["iso3"] + ":" + lps["landmass"].astype("string")
    notes.append(
        "no country polygons and no landmass column: no terrestrial links assumed; pass "
        "countries to link landing points on one landmass"
    )
    return pd.Series(np.nan, index=lps.index, dtype=object)


#: What :func:`build_network` may reuse between calls on one release (per-cable segments,
#: landmass labels, land routes): a plain dict owned by the caller (one analysis).
NetworkCache = dict[Any, Any]


@dataclass
class _CablePart:
    """The segments, branching units and notes of one cable (independent of the others)."""

    segments: list[dict[str, Any]]
    nodes: list[dict[str, Any]]
    notes: list[str]


def _cable_part(
    cable: Any, lp_ids: list[str], lp_geom: gpd.GeoSeries, snap_km: float, join_km: float
) -> _CablePart:
    """Segments of one cable: its route noded and contracted, or its landing-point list."""
    segments: list[dict[str, Any]] = []
    nodes: list[dict[str, Any]] = []
    notes: list[str] = []
    if not lp_ids:
        return _CablePart([], [], [f"cable {cable.cable_id!r} lists no landing point: left out"])
    far = list(lp_ids)
    routed = cable.geometry is not None and not cable.geometry.is_empty
    if routed:
        pieces, attach, far, keys = _cable_pieces(
            cable.geometry, [(i, lp_geom[i]) for i in lp_ids], snap_km, join_km
        )
        if attach:
            segs, bus = _segments_of_cable(cable.cable_id, pieces, attach, keys)
            segments.extend(segs)
            nodes.extend(
                {
                    "node_id": name,
                    "kind": "branching_unit",
                    "geometry": _to_4326([k, k]).geoms[0].interpolate(0),
                }
                for k, name in bus.items()
            )
            # points on the route that no segment reached (e.g. a gap in the drawing)
            reached = {s["u"] for s in segs} | {s["v"] for s in segs}
            far += [i for i in attach if i not in reached and len(attach) > 1]
        else:
            far = list(lp_ids)
    else:
        notes.append(f"cable {cable.cable_id!r} has no route: joined by its landing-point list")
    if far and len(lp_ids) > 1:
        hub = f"{cable.cable_id}#hub"
        if routed:
            notes.append(
                f"cable {cable.cable_id!r}: landing point(s) {sorted(set(far))} farther than "
                f"{snap_km} km from its route, or on a part of the drawing joined "
                "to no other landing point: joined by the landing-point list"
            )
            if len(set(far)) < len(lp_ids):
                # the hub stands on the routed part too, so the far points stay connected
                far = [*far, next(i for i in lp_ids if i not in far)]
        segments.extend(
            {
                "cable_id": cable.cable_id,
                "u": lp_id,
                "v": hub,
                "routed": False,
                "length_km": np.nan,
                "geometry": None,
            }
            for lp_id in dict.fromkeys(far)
        )
        nodes.append({"node_id": hub, "kind": "hub", "geometry": None})
    return _CablePart(segments, nodes, notes)


def build_network(
    layers: Layers,
    *,
    landing_snap_km: float = 30.0,
    join_km: float = 1.0,
    terrestrial_links: bool = True,
    cross_border: list[tuple[str, str]] | None = None,
    statuses: tuple[str, ...] = ("in_service",),
    countries: gpd.GeoDataFrame | None = None,
    land_links: pd.DataFrame | None = None,
    cache: NetworkCache | None = None,
) -> Network:
    """Build the segment graph of the cables with the given statuses.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    landing_snap_km
        Largest distance (geodesic km) at which a landing point attaches to its cable's route.
    join_km
        Largest gap (geodesic km) between a route part's end and another part of the same
        cable that still joins them (a branching unit, or the two halves at ±180°).
    terrestrial_links
        Join landing points of one country on one landmass.
    cross_border
        Pairs of ISO3 codes whose landing points are also joined over land (e.g.
        ``[("MYS", "SGP")]``); none by default.
    statuses
        Which cables count (``"in_service"``, ``"planned"``).
    countries
        Country polygons (``iso3``, geometry in EPSG:4326) for landmasses; optional.
    land_links
        Cited land links between countries in service
        (:func:`cablemap.risk.network.land_links.active_land_links`: ``link_id``, ``a``,
        ``b``, ``weight``): each joins the two countries at their closest pair of landing
        points on the landmass they share (``countries`` polygons), or at a country node
        (``country:<ISO3>``) for a country without a landing point (landlocked); ``kind``
        ``land_link``, its ``link_id`` and ``weight`` (cable equivalents) kept.
    cache
        A dict to reuse between calls on the same release and country polygons (e.g. the
        release and the network as of a past year): each cable's segments and every landing
        point's landmass are computed once. Calls with other tolerances or polygons must not
        share it.

    Returns
    -------
    Network
        Nodes, segments, terrestrial links and notes.
    """
    notes: list[str] = []
    cache = {} if cache is None else cache
    cables = layers.cables[status_counted(layers.cables["status"]).isin(statuses)]
    lp_geom = layers.landing_points.set_index("lp_id").geometry
    landings = layers.cable_landings.groupby("cable_id")["lp_id"].apply(list)
    segments: list[dict[str, Any]] = []
    bu_nodes: list[dict[str, Any]] = []
    for cable in cables.itertuples(index=False):
        lp_ids = landings.get(cable.cable_id, [])
        key = ("cable", cable.cable_id, tuple(lp_ids), landing_snap_km, join_km)
        if key not in cache:
            cache[key] = _cable_part(cable, lp_ids, lp_geom, landing_snap_km, join_km)
        part: _CablePart = cache[key]
        segments.extend(part.segments)
        bu_nodes.extend(part.nodes)
        notes.extend(part.notes)
    seg_frame = gpd.GeoDataFrame(segments, geometry="geometry", crs=settings.default_crs)
    seg_frame.insert(0, "seg_id", [f"s{i}" for i in range(len(seg_frame))])
    lps = layers.landing_points
    landmass = (
        _cached_landmasses(lps, countries, notes, cache)
        if terrestrial_links
        else pd.Series(dtype=object)
    )
    lp_nodes = gpd.GeoDataFrame(
        {
            "node_id": lps["lp_id"].to_numpy(),
            "kind": "landing_point",
            "lp_id": lps["lp_id"].to_numpy(),
            "iso3": lps["iso3"].to_numpy(),
            "landmass": landmass.reindex(lps["lp_id"]).to_numpy() if terrestrial_links else None,
        },
        geometry=lps.geometry.to_numpy(),
        crs=settings.default_crs,
    )
    other = gpd.GeoDataFrame(
        pd.DataFrame(bu_nodes, columns=["node_id", "kind", "geometry"]),
        geometry="geometry",
        crs=settings.default_crs,
    )  # columns named: a network of straight two-point cables has no branching unit at all
    nodes = pd.concat([lp_nodes, other], ignore_index=True)
    terrestrial = _terrestrial(lp_nodes, cross_border or []) if terrestrial_links else _no_links()
    if land_links is not None and len(land_links):
        rows, virtual = _land_link_rows(lps, landmass, countries, land_links, notes, cache)
        terrestrial = pd.concat([terrestrial, rows], ignore_index=True)
        if len(virtual):
            nodes = pd.concat([nodes, virtual], ignore_index=True)
    logger.info(
        "Built network: %d segments, %d nodes, %d terrestrial links",
        len(seg_frame),
        len(nodes),
        len(terrestrial),
    )
    return Network(nodes=nodes, segments=seg_frame, terrestrial=terrestrial, notes=notes)


def _cached_landmasses(
    landing_points: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame | None,
    notes: list[str],
    cache: NetworkCache,
) -> pd.Series:
    """:func:`_landmasses` of every landing point seen so far, computed once per point."""
    known: pd.Series | None = cache.get("landmass")
    ids = landing_points["lp_id"]
    if known is None or not ids.isin(known.index).all():
        known = _landmasses(landing_points, countries, [])
        cache["landmass"] = known
    labels = known.reindex(ids.to_numpy())
    if countries is not None:
        missing = int(labels.isna().sum())
        if missing:
            notes.append(
                f"{missing} landing point(s) are more than 20 km from any country polygon: "
                "no terrestrial link assumed for them"
            )
    elif labels.isna().all():
        notes.append(
            "no country polygons and no landmass column: no terrestrial links assumed; pass "
            "countries to link landing points on one landmass"
        )
    return labels


def model_network(
    layers: Layers,
    model: ModelSpec,
    *,
    countries: gpd.GeoDataFrame | None = None,
    statuses: tuple[str, ...] | None = None,
    cross_border: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
    land_links: pd.DataFrame | None = None,
    cache: NetworkCache | None = None,
) -> Network:
    """Build the network a model describes: its tolerances, land links and statuses.

    The one place where a model's ``[topology]`` and ``[land_links]`` become
    :func:`build_network` arguments.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    model
        The model (``topology``, ``land_links``, ``statuses``).
    countries
        Country polygons for landmasses and land routes.
    statuses
        Cable statuses to include; default the model's.
    cross_border
        Land links to assume besides the model's (pairs of ISO3 codes): analysts' what-ifs,
        unlimited and never failing (unlike the cited ``land_links``).
    land_links
        The cited land links in service in the year analysed, with their weights
        (:func:`cablemap.risk.network.land_links.active_land_links`); none by default.
    cache
        Shared between the networks of one release (see :func:`build_network`).

    Returns
    -------
    Network
        The segment graph.
    """
    topo = model.topology
    return build_network(
        layers,
        statuses=model.statuses if statuses is None else statuses,
        countries=countries,
        landing_snap_km=topo["landing_snap_km"],
        join_km=topo["join_km"],
        terrestrial_links=topo["terrestrial_links"],
        cross_border=[*topo["cross_border"], *cross_border],
        land_links=land_links,
        cache=cache,
    )


def _no_links() -> pd.DataFrame:
    return pd.DataFrame(columns=["u", "v", "iso3", "landmass", "kind"])


def _closest_pair(
    ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray
) -> tuple[int, int]:
    """Positions of the closest pair (geodesic) of points ``a`` and points ``b`` (degrees)."""
    d = distances_m(
        np.repeat(ax, len(bx)), np.repeat(ay, len(bx)), np.tile(bx, len(ax)), np.tile(by, len(ax))
    )
    k = int(np.argmin(d))
    return k // len(bx), k % len(bx)


def _terrestrial(lp_nodes: gpd.GeoDataFrame, cross_border: list[tuple[str, str]]) -> pd.DataFrame:
    """Chain the landing points of each landmass (a chain connects them as a clique would)."""
    rows: list[dict[str, Any]] = []
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lp, iso, land in zip(
        lp_nodes["lp_id"], lp_nodes["iso3"], lp_nodes["landmass"], strict=True
    ):
        if isinstance(land, str):
            groups[land].append((lp, iso))
    for landmass in sorted(groups):
        members = sorted(groups[landmass])
        rows.extend(
            {"u": a, "v": b, "iso3": members[0][1], "landmass": landmass, "kind": "domestic"}
            for (a, _), (b, _) in itertools.pairwise(members)
        )
    for a_iso, b_iso in cross_border:
        # join the two countries at their closest pair of landing points
        a = lp_nodes[lp_nodes["iso3"] == a_iso]
        b = lp_nodes[lp_nodes["iso3"] == b_iso]
        if len(a) and len(b):
            pa, pb = a.geometry.to_numpy(), b.geometry.to_numpy()
            i, j = _closest_pair(
                shapely.get_x(pa), shapely.get_y(pa), shapely.get_x(pb), shapely.get_y(pb)
            )
            rows.append(
                {
                    "u": a["lp_id"].iloc[i],
                    "v": b["lp_id"].iloc[j],
                    "iso3": f"{a_iso}-{b_iso}",
                    "landmass": None,
                    "kind": "cross_border",
                }
            )
    return pd.DataFrame(rows, columns=["u", "v", "iso3", "landmass", "kind"])


def _close_parts(geoms: np.ndarray, iso: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of country parts that are one landmass or share a land border.

    Parts of one country within :data:`_BRIDGE_GAP_DEG` of each other, and of different
    countries within :data:`_BORDER_GAP_DEG`. Candidates come from bounding boxes grown by
    the gap; each is then tested exactly, the part with more vertices prepared and first
    (its edge index is built once and serves all of its neighbours).
    """
    valid = np.flatnonzero(~shapely.is_empty(geoms) & ~shapely.is_missing(geoms))
    x0, y0, x1, y1 = shapely.bounds(geoms[valid]).T
    gap = _BRIDGE_GAP_DEG
    grown = shapely.box(x0 - gap, y0 - gap, x1 + gap, y1 + gap)
    left, right = valid[shapely.STRtree(geoms[valid]).query(grown)]
    keep = left < right
    left, right = left[keep], right[keep]
    size = shapely.get_num_coordinates(geoms)
    swap = size[left] < size[right]
    big, small = np.where(swap, right, left), np.where(swap, left, right)
    shapely.prepare(geoms[np.unique(big)])
    same = iso[left] == iso[right]
    close = np.empty(len(left), dtype=bool)
    close[same] = shapely.dwithin(geoms[big[same]], geoms[small[same]], _BRIDGE_GAP_DEG)
    close[~same] = shapely.dwithin(geoms[big[~same]], geoms[small[~same]], _BORDER_GAP_DEG)
    return left[close], right[close]


def _border_groups(countries: gpd.GeoDataFrame | None, cache: NetworkCache) -> dict[str, int]:
    """Group id of every country part (``ISO3:n``): parts that touch over land share one.

    Polygons of different countries within ~1 km of each other, and of one country within
    ~5 km, are one group (Natural Earth leaves hairline gaps; bridges count).
    """
    if countries is None:
        return {}
    key = ("border_groups", id(countries))
    if key not in cache:
        from scipy.sparse import coo_matrix  # noqa: PLC0415 - sparse graph, here only
        from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

        parts = countries[["iso3", "geometry"]].explode(index_parts=False).reset_index(drop=True)
        parts["landmass"] = parts["iso3"] + ":" + parts.groupby("iso3").cumcount().astype(str)
        geoms = parts.geometry.to_numpy()
        left, right = _close_parts(geoms, parts["iso3"].to_numpy())
        n = len(parts)
        _, group = connected_components(
            coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)), directed=False
        )
        cache[key] = dict(zip(parts["landmass"], group.tolist(), strict=True))
    groups: dict[str, int] = cache[key]
    return groups


def _land_link_rows(  # noqa: PLR0917 - the parts of one network
    lps: gpd.GeoDataFrame,
    landmass: pd.Series,
    countries: gpd.GeoDataFrame | None,
    links: pd.DataFrame,
    notes: list[str],
    cache: NetworkCache,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Terrestrial rows of the cited land links, and the country nodes they need.

    A link joins its two countries at their closest pair of landing points on a landmass
    the two share (the polygons' border groups), else at their closest pair anywhere; a
    country without a landing point is a node of its own (``country:<ISO3>``, at a point
    inside its polygon where there is one).
    """
    groups = _border_groups(countries, cache)
    lp_ids = lps["lp_id"].to_numpy()
    iso = lps["iso3"].to_numpy()
    labels = landmass.reindex(lp_ids).to_numpy() if len(landmass) else np.full(len(lps), None)
    group_of = np.array([groups.get(lab, -1) if isinstance(lab, str) else -1 for lab in labels])
    xy = np.column_stack([shapely.get_x(lps.geometry.to_numpy()), shapely.get_y(lps.geometry)])
    virtual: dict[str, shapely.Point | None] = {}

    def ends(code: str, other: str) -> tuple[np.ndarray, np.ndarray]:
        own, far = np.flatnonzero(iso == code), np.flatnonzero(iso == other)
        shared = set(group_of[own].tolist()) & set(group_of[far].tolist()) - {-1}
        if shared and len(own) and len(far):
            best = max(shared, key=lambda g: int((group_of[own] == g).sum()))
            own = own[group_of[own] == best]
        return own, far

    rows = []
    for link in links.itertuples(index=False):
        a_own, _ = ends(link.a, link.b)
        b_own, _ = ends(link.b, link.a)
        if len(a_own) and len(b_own):
            i, j = _closest_pair(xy[a_own, 0], xy[a_own, 1], xy[b_own, 0], xy[b_own, 1])
            u, v = str(lp_ids[a_own[i]]), str(lp_ids[b_own[j]])
        else:
            u = str(lp_ids[a_own[0]]) if len(a_own) else _country_node(link.a, countries, virtual)
            v = str(lp_ids[b_own[0]]) if len(b_own) else _country_node(link.b, countries, virtual)
            if len(a_own) and not len(b_own):
                u = str(lp_ids[_nearest(a_own, virtual.get(v), xy)])
            if len(b_own) and not len(a_own):
                v = str(lp_ids[_nearest(b_own, virtual.get(u), xy)])
        rows.append(
            {
                "u": u,
                "v": v,
                "iso3": f"{link.a}-{link.b}",
                "landmass": None,
                "kind": "land_link",
                "link_id": link.link_id,
                "weight": float(link.weight),
            }
        )
    if virtual:
        notes.append(
            f"{len(virtual)} countr(ies) without a landing point joined by cited land links "
            f"only: {sorted(virtual)}"
        )
    nodes = gpd.GeoDataFrame(
        {
            "node_id": [f"country:{c}" for c in virtual],
            "kind": "country",
            "iso3": list(virtual),
        },
        geometry=list(virtual.values()),
        crs=settings.default_crs,
    )
    columns = ["u", "v", "iso3", "landmass", "kind", "link_id", "weight"]
    return pd.DataFrame(rows, columns=columns), nodes


def _country_node(
    code: str, countries: gpd.GeoDataFrame | None, virtual: dict[str, shapely.Point | None]
) -> str:
    """Return the node of a country without a landing point (``country:<ISO3>``)."""
    if code not in virtual:
        point = None
        if countries is not None:
            rows = countries[countries["iso3"] == code]
            if len(rows):
                point = rows.geometry.iloc[0].representative_point()
        virtual[code] = point
    return f"country:{code}"


def _nearest(members: np.ndarray, point: shapely.Point | None, xy: np.ndarray) -> int:
    """Return the member landing point nearest to a point (the first, without one)."""
    if point is None:
        return int(members[0])
    n = len(members)
    d = distances_m(xy[members, 0], xy[members, 1], np.full(n, point.x), np.full(n, point.y))
    return int(members[int(np.argmin(d))])
