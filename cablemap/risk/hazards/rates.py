"""Fault rates: where and how often cable segments fail, alone or several at once.

Every constant comes from the fault model file (:mod:`cablemap.risk.model.faults`). Routes are
sampled every ``sample_km`` (:func:`cablemap._geo.sample_lines`); each point stands for a
stretch of one segment of the network (:mod:`cablemap.risk.network.topology`). Four causes, in
faults per year:

``independent``
    ``(1 - anchor share) x base_per_1000km x (length + (coastal_factor - 1) x coastal
    length) / 1000`` per segment: fishing, abrasion and component failures anywhere, raised on
    the stretches within ``coastal_km`` of a landing point (the proxy for the shallow shelf),
    one cable at a time.
``anchor``
    dragged-anchor **events** (the anchor share of the same background total) in the shallow
    corridors: the coastal zone and the straits of the chokepoint polygons. Those stretches
    are binned into cubic cells of ``cell_km`` on the sphere; an event in a cell cuts every
    cable running through it, once (on its segment with most length there). A cell's rate is
    proportional to the longest stretch of one cable in it, so a cable's own rate follows its
    length in the corridors whether it runs alone or in a bundle, while a bundle loses its
    cables together.
``seismic``
    each earthquake of the catalogue within ``radius_km`` of cables breaks some of them: with
    ``cut_share`` s and the chance ``p = min(1, break_probability x 10^(magnitude_scaling x
    (M - reference magnitude)))`` per cable, the earthquake triggers with chance ``min(1, p /
    s)`` and then breaks each cable within the radius (on its segment nearest the epicentre)
    with chance ``p / min(1, p / s)``: each cable keeps its chance ``p``, and a strong
    earthquake breaks many together (Hengchun 2006). Without ``cut_share`` (v1) each cable
    breaks independently. The rate is the sum over the catalogue divided by the years it spans.
``chokepoint``
    the rare events of ``[chokepoint_events.<id>]``: each cuts every cable crossing the
    chokepoint's polygon with chance ``cut_probability`` (on its segment with most length
    inside).

**Repair zones.** Each point lies in the waters of a repair zone (the rows of
``repair_zones.csv``): within ``waters_km`` of a landing point whose country a row assigns,
that row's zone (the nearest landing point decides); otherwise the first row whose ``area``
holds it; otherwise ``default``. A fault is repaired under the zone of the point it falls on.

Routes without a drawing (a cable joined by its landing-point list) are taken as great circles
from each landing point to the centre of the cable's landing points. Distances are geodesic
(:mod:`cablemap._geo`): neighbours are found with a KD-tree on unit vectors (chord lengths on
the mean sphere).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from cablemap._errors import RiskSpecError
from cablemap._geo import MEAN_RADIUS_KM, chord_for_km, km_for_chord, sample_lines, unit_vectors
from cablemap.risk.model.faults import FaultModel, load_fault_model
from cablemap.risk.model.spec import load_chokepoints

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.network.topology import Network

logger = logging.getLogger(__name__)

#: The causes of faults, in the order the simulation draws them.
CAUSES = ("independent", "anchor", "earthquake", "chokepoint")


@dataclass
class EventSource:
    """One cause of faults as events: each kind of event, its rate and the cuts it makes.

    Attributes
    ----------
    cause
        One of :data:`CAUSES`.
    rate
        Events a year of each kind (an anchor cell, an earthquake of the catalogue...).
    ptr, segment, zone
        Per kind (CSR pointers into the next two): the segments it may cut and the repair zone
        (index into :attr:`FaultModel.repair_times`) of each cut.
    trigger, cut
        Per kind: the chance that an event cuts anything, and then each of its segments.
    area
        Per kind: the chokepoint (index into the model's polygons) it lies in, or -1.
    """

    cause: str
    rate: np.ndarray
    ptr: np.ndarray
    segment: np.ndarray
    zone: np.ndarray
    trigger: np.ndarray
    cut: np.ndarray
    area: np.ndarray

    @property
    def events_per_year(self) -> float:
        """Events a year that cut at least one segment (expected)."""
        return float((self.rate * self.trigger).sum())

    def faults_per_segment(self, n_seg: int) -> np.ndarray:
        """Return the expected faults a year of each segment."""
        per_cut = np.repeat(self.rate * self.trigger * self.cut, np.diff(self.ptr))
        return np.bincount(self.segment, weights=per_cut, minlength=n_seg)

    @classmethod
    def empty(cls, cause: str) -> EventSource:
        """Return a cause without events."""
        nothing = np.zeros(0)
        none = np.zeros(0, dtype=np.int64)
        return cls(cause, nothing, np.zeros(1, np.int64), none, none, nothing, nothing, none)


@dataclass
class FaultRates:
    """Yearly fault rates of a network's segments under a fault model.

    Attributes
    ----------
    segments
        One row per segment, in the network's order: ``seg_id``, ``cable_id``,
        ``length_km`` (geodesic; for a segment without a route, the great circle from its
        landing point to the centre of the cable's landing points), ``coastal_km`` (length
        within the coastal zone), ``quakes_per_year`` (earthquakes within ``radius_km`` a year,
        each counted as ``10^(magnitude_scaling x (M - reference magnitude))`` events of the
        reference magnitude), ``independent_per_year``, ``anchor_per_year``,
        ``background_per_year`` (their sum), ``seismic_per_year``, ``chokepoint_per_year`` and
        ``faults_per_year`` (all causes).
    cables
        Per cable (index ``cable_id``): ``length_km``, ``quakes_per_year`` (each event once),
        the rates by cause as for segments, ``probability_fault`` and
        ``probability_seismic_fault`` (at least one in a year), ``repair_zone`` (the zone of
        most of its faults) and ``mean_repair_days`` (over its faults' zones).
    quake_pairs
        Which earthquake may break which cable: ``event`` (row of :attr:`events`), ``segment``
        (position in the network's segments: the one nearest the epicentre), ``cable_id``,
        ``distance_km``, ``break_probability`` (the cable's chance), ``zone``.
    events
        The catalogue's events near any cable: ``quake_id``, ``magnitude``, ``lon``, ``lat``,
        ``trigger_probability``, ``cut_probability``, ``chokepoint``.
    catalogue_years
        Years the catalogue spans (its first to its last event); 0 without one.
    model
        The fault model.
    sources
        The four causes as :class:`EventSource` objects (what the simulation draws).
    zone_rates
        ``cable_id``, ``zone``, ``faults_per_year``: where each cable's faults are repaired.
    chokepoint_ids
        The chokepoints the ``area`` indices of the sources refer to.
    notes
        What the analyst should know (no catalogue, events left out for depth...).
    """

    segments: pd.DataFrame
    cables: pd.DataFrame
    quake_pairs: pd.DataFrame
    events: pd.DataFrame
    catalogue_years: float
    model: FaultModel
    sources: dict[str, EventSource] = field(default_factory=dict)
    zone_rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    chokepoint_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def quake_rate(self) -> float:
        """Earthquakes near some cable per year (each an independent draw from the catalogue)."""
        return len(self.events) / self.catalogue_years if self.catalogue_years else 0.0

    def cables_per_event(self, cause: str) -> float:
        """Return the expected cables cut by an event of a cause that cuts any (the model's)."""
        source = self.sources.get(cause)
        if source is None or source.events_per_year == 0:
            return 0.0
        faults = float((source.rate * source.trigger * source.cut * np.diff(source.ptr)).sum())
        return faults / source.events_per_year


def catalogue_years(quakes: gpd.GeoDataFrame) -> float:
    """Years an earthquake catalogue spans, from its first event to its last (at least 1)."""
    if quakes is None or quakes.empty:
        return 0.0
    span = (quakes["time"].max() - quakes["time"].min()).total_seconds()
    return max(span / (365.25 * 86400.0), 1.0)


def _segment_lines(network: Network, layers: Layers) -> list[BaseGeometry | None]:
    """Each segment's line: its route, or the great circle to the centre of its cable's points."""
    seg = network.segments
    lps = layers.landing_points.set_index("lp_id").geometry
    links = layers.cable_landings.groupby("cable_id")["lp_id"].apply(list)
    centres: dict[str, shapely.Point] = {}
    lines: list[BaseGeometry | None] = []
    for cable, u, v, routed, geom in zip(
        seg["cable_id"], seg["u"], seg["v"], seg["routed"], seg.geometry, strict=True
    ):
        if routed and geom is not None and not geom.is_empty:
            lines.append(geom)
            continue
        if cable not in centres:
            points = [lps[i] for i in links.get(cable, []) if i in lps.index]
            vec = unit_vectors([p.x for p in points], [p.y for p in points]).mean(axis=0)
            norm = float(np.linalg.norm(vec))
            centres[cable] = (
                shapely.Point(
                    math.degrees(math.atan2(vec[1], vec[0])),
                    math.degrees(math.asin(max(-1.0, min(1.0, vec[2] / norm)))),
                )
                if norm > 1e-9
                else points[0]
            )
        end = u if u in lps.index else v
        start = lps[end] if end in lps.index else None
        lines.append(None if start is None else shapely.LineString([start, centres[cable]]))
    return lines


@dataclass
class _Points:
    """The sampled routes: one row per point (unit vector, lon/lat, km, segment, cable...)."""

    xyz: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    km: np.ndarray
    owner: np.ndarray
    cable: np.ndarray
    coastal: np.ndarray
    chokepoint: np.ndarray
    zone: np.ndarray


def _lon_lat(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0]))
    lat = np.degrees(np.arcsin(np.clip(xyz[:, 2], -1.0, 1.0)))
    return lon, lat


def _in_bbox(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, ...]) -> np.ndarray:
    west, south, east, north = bbox
    across = (lon >= west) | (lon <= east) if west > east else (lon >= west) & (lon <= east)
    return across & (lat >= south) & (lat <= north)


def point_zones(lon: np.ndarray, lat: np.ndarray, layers: Layers, model: FaultModel) -> np.ndarray:
    """Find the repair zone of each point (index into ``model.repair_times``; 0: default).

    Within ``waters_km`` of a landing point whose country a row of the zone table assigns,
    that row's zone (the nearest landing point decides); otherwise the first row whose area
    holds the point; otherwise the default.
    """
    zone_index = {r.zone: i for i, r in enumerate(model.repair_times)}
    out = np.zeros(len(lon), dtype=np.int64)
    if not model.zone_areas or not len(lon):
        return out
    decided = np.zeros(len(lon), dtype=bool)
    by_country = {c: zone_index[a.model_zone] for a in model.zone_areas for c in a.countries}
    lps = layers.landing_points.dropna(subset=["iso3"])
    if len(lps) and by_country:
        tree = cKDTree(unit_vectors(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy()))
        _, nearest = tree.query(
            unit_vectors(lon, lat), distance_upper_bound=chord_for_km(model.waters_km)
        )
        found = nearest < len(lps)
        iso = np.full(len(lon), None, dtype=object)
        iso[found] = lps["iso3"].to_numpy()[nearest[found]]
        assigned = np.array([by_country.get(c, -1) for c in iso], dtype=np.int64)
        decided = assigned >= 0
        out[decided] = assigned[decided]
    for area in model.zone_areas:
        if area.bbox is None:
            continue
        inside = ~decided & _in_bbox(lon, lat, area.bbox)
        out[inside] = zone_index[area.model_zone]
        decided |= inside
    return out


def _chokepoint_of(
    lon: np.ndarray, lat: np.ndarray, chokepoints: gpd.GeoDataFrame | None
) -> np.ndarray:
    """Index of the chokepoint polygon each point lies in (the first), or -1."""
    out = np.full(len(lon), -1, dtype=np.int64)
    if chokepoints is None or not len(lon):
        return out
    for i, polygon in enumerate(chokepoints.geometry):
        inside = (out < 0) & shapely.contains_xy(polygon, lon, lat)
        out[inside] = i
    return out


def _sample(
    network: Network,
    layers: Layers,
    model: FaultModel,
    chokepoints: gpd.GeoDataFrame | None,
) -> _Points:
    xyz, km, owner = sample_lines(_segment_lines(network, layers), model.sample_km)
    lon, lat = _lon_lat(xyz) if len(xyz) else (np.zeros(0), np.zeros(0))
    lps = layers.landing_points
    coastal = np.zeros(len(xyz), dtype=bool)
    if len(xyz) and len(lps):
        lp_tree = cKDTree(unit_vectors(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy()))
        near_lp, _ = lp_tree.query(xyz, distance_upper_bound=chord_for_km(model.coastal_km))
        coastal = np.isfinite(near_lp)
    _, cable = np.unique(network.segments["cable_id"].to_numpy(), return_inverse=True)
    return _Points(
        xyz=xyz,
        lon=lon,
        lat=lat,
        km=km,
        owner=owner,
        cable=np.ravel(cable)[owner] if len(owner) else owner,
        coastal=coastal,
        chokepoint=_chokepoint_of(lon, lat, chokepoints),
        zone=point_zones(lon, lat, layers, model),
    )


def _csr(kind: np.ndarray, n_kinds: int) -> np.ndarray:
    """CSR pointers of rows sorted by ``kind``."""
    return np.concatenate([[0], np.cumsum(np.bincount(kind, minlength=n_kinds))]).astype(np.int64)


def _one_per_cable(
    group: np.ndarray, pts: _Points, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (group, cable) among masked points: the segment with most length, its zone, km.

    Returns
    -------
    tuple of ndarray
        group, segment, zone, km of that segment in the group, and the first point's index;
        sorted by group then segment.
    """
    idx = np.flatnonzero(mask)
    frame = pd.DataFrame(
        {
            "group": group[idx],
            "cable": pts.cable[idx],
            "segment": pts.owner[idx],
            "km": pts.km[idx],
            "point": idx,
        }
    )
    per_seg = frame.groupby(["group", "cable", "segment"], sort=True).agg(
        km=("km", "sum"), point=("point", "first")
    )
    best = per_seg.sort_values("km", ascending=False, kind="stable").reset_index()
    best = best.drop_duplicates(["group", "cable"]).sort_values(["group", "segment"])
    point = best["point"].to_numpy(dtype=np.int64)
    return (
        best["group"].to_numpy(dtype=np.int64),
        best["segment"].to_numpy(dtype=np.int64),
        pts.zone[point],
        best["km"].to_numpy(dtype=float),
        point,
    )


def _independent(pts: _Points, per_point: np.ndarray, model: FaultModel) -> EventSource:
    """One kind per (segment, zone): its independent rate; each event cuts it alone."""
    share = 1.0 - model.anchor_share
    n_zones = len(model.repair_times)
    key = pts.owner * n_zones + pts.zone
    kinds, where = np.unique(key, return_inverse=True)
    rate = np.bincount(np.ravel(where), weights=per_point * share, minlength=len(kinds))
    keep = rate > 0
    kinds, rate = kinds[keep], rate[keep]
    n = len(kinds)
    return EventSource(
        "independent",
        rate,
        np.arange(n + 1, dtype=np.int64),
        (kinds // n_zones).astype(np.int64),
        (kinds % n_zones).astype(np.int64),
        np.ones(n),
        np.ones(n),
        np.full(n, -1, dtype=np.int64),
    )


def _anchors(pts: _Points, total: float, model: FaultModel) -> EventSource:
    """Anchor cells of the shallow corridors; an event cuts every cable in its cell once."""
    corridor = pts.coastal | (pts.chokepoint >= 0)
    if model.anchor_share <= 0 or not corridor.any() or total <= 0:
        return EventSource.empty("anchor")
    voxel = np.floor(pts.xyz * (MEAN_RADIUS_KM / model.anchor_cell_km)).astype(np.int64)
    cells, cell_of = np.unique(voxel[corridor], axis=0, return_inverse=True)
    group = np.full(len(pts.km), -1, dtype=np.int64)
    group[corridor] = np.ravel(cell_of)
    cell, segment, zone, km, point = _one_per_cable(group, pts, corridor)
    n_cells = len(cells)
    longest = np.zeros(n_cells)
    np.maximum.at(longest, cell, km)
    cables_in = np.bincount(cell, minlength=n_cells)
    rho = model.anchor_share * total / float((longest * cables_in).sum())
    first = np.full(n_cells, -1, dtype=np.int64)
    first[cell[::-1]] = point[::-1]  # the first point of each cell's first cable
    return EventSource(
        "anchor",
        rho * longest,
        _csr(cell, n_cells),
        segment,
        zone,
        np.ones(n_cells),
        np.ones(n_cells),
        pts.chokepoint[first],
    )


def _chokepoint_events(
    pts: _Points, model: FaultModel, chokepoints: gpd.GeoDataFrame | None
) -> EventSource:
    """Each chokepoint's rare events; an event cuts each crossing cable with a chance."""
    if not model.chokepoint_events:
        return EventSource.empty("chokepoint")
    ids = [] if chokepoints is None else list(chokepoints["chokepoint_id"])
    index = []
    for events in model.chokepoint_events:
        if events.chokepoint_id not in ids:
            msg = (
                f"{model.path!r}, key 'chokepoint_events.{events.chokepoint_id}': no such "
                f"chokepoint; chokepoints: {ids}"
            )
            raise RiskSpecError(msg)
        index.append(ids.index(events.chokepoint_id))
    kind_of_polygon = np.full(len(ids), -1, dtype=np.int64)
    kind_of_polygon[index] = np.arange(len(index))
    kind = np.where(pts.chokepoint >= 0, kind_of_polygon[np.maximum(pts.chokepoint, 0)], -1)
    group, segment, zone, _, _ = _one_per_cable(kind, pts, kind >= 0)
    n = len(index)
    return EventSource(
        "chokepoint",
        np.array([e.events_per_year for e in model.chokepoint_events]),
        _csr(group, n),
        segment,
        zone,
        np.ones(n),
        np.array([e.cut_probability for e in model.chokepoint_events]),
        np.array(index, dtype=np.int64),
    )


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event": pd.Series(dtype=np.int64),
            "segment": pd.Series(dtype=np.int64),
            "cable_id": pd.Series(dtype=object),
            "distance_km": pd.Series(dtype=float),
            "break_probability": pd.Series(dtype=float),
            "zone": pd.Series(dtype=np.int64),
        }
    )


def _quake_source(pairs: pd.DataFrame, events: pd.DataFrame, years: float) -> EventSource:
    """Turn the catalogue into events: each equally likely, ``len(events) / years`` a year."""
    n = len(events)
    if not n or not years:
        return EventSource.empty("earthquake")
    order = np.argsort(pairs["event"].to_numpy(dtype=np.int64), kind="stable")
    return EventSource(
        "earthquake",
        np.full(n, 1.0 / years),
        _csr(pairs["event"].to_numpy(dtype=np.int64), n),
        pairs["segment"].to_numpy(dtype=np.int64)[order],
        pairs["zone"].to_numpy(dtype=np.int64)[order],
        events["trigger_probability"].to_numpy(dtype=float),
        events["cut_probability"].to_numpy(dtype=float),
        events["chokepoint"].to_numpy(dtype=np.int64),
    )


def fault_rates(
    network: Network,
    layers: Layers,
    model: FaultModel | None = None,
    quakes: gpd.GeoDataFrame | None = None,
    chokepoints: gpd.GeoDataFrame | None = None,
) -> FaultRates:
    """Yearly fault rates of every segment of a network, by cause and repair zone.

    Parameters
    ----------
    network
        The segment graph (:func:`cablemap.risk.network.topology.build_network`).
    layers
        The layers it was built from (landing points mark the coastal zone and the waters).
    model
        The fault model; by default ``risk_models/faults-v2.toml``.
    quakes
        An earthquake catalogue (:func:`cablemap.layers.hazards.earthquakes_from_file`,
        EPSG:4326); without one there are no seismic faults (said in the notes).
    chokepoints
        The strait polygons (anchor corridors, chokepoint events); by default
        ``risk_models/chokepoints.geojson``.

    Returns
    -------
    FaultRates
        Per segment and per cable rates, the events of each cause, and the repair zones.

    Raises
    ------
    RiskSpecError
        If the model names chokepoint events of a chokepoint the polygons lack.

    Examples
    --------
    >>> import cablemap as cm
    >>> from cablemap.risk.hazards.rates import fault_rates
    >>> layers = cm.load()
    >>> rates = fault_rates(cm.score(layers).network, layers)
    >>> float(rates.cables.loc["tonga-cable", "faults_per_year"]) > 0
    True
    """
    model = load_fault_model() if model is None else model
    if chokepoints is None:
        chokepoints = load_chokepoints()
    seg = network.segments
    n_seg = len(seg)
    notes: list[str] = []
    pts = _sample(network, layers, model, chokepoints)
    per_point = (
        model.base_per_1000km * pts.km * (1.0 + (model.coastal_factor - 1.0) * pts.coastal) / 1000
    )
    length = np.bincount(pts.owner, weights=pts.km, minlength=n_seg)
    coastal_len = np.bincount(pts.owner, weights=pts.km * pts.coastal, minlength=n_seg)
    years = catalogue_years(quakes) if quakes is not None else 0.0
    pairs, events = (
        _no_pairs(),
        pd.DataFrame(
            {
                "quake_id": [],
                "magnitude": [],
                "lon": [],
                "lat": [],
                "trigger_probability": [],
                "cut_probability": [],
                "chokepoint": pd.Series(dtype=np.int64),
            }
        ),
    )
    seg_quakes = np.zeros(n_seg)
    cable_quakes: pd.Series = pd.Series(dtype=float)
    if quakes is None or quakes.empty:
        notes.append(
            "no earthquake catalogue: no seismic faults and a hazard of 0 (give one with "
            "--hazards or [layers] hazards)"
        )
    else:
        deep = quakes["depth_km"].notna() & (quakes["depth_km"] > model.max_depth_km)
        if deep.any():
            notes.append(
                f"{int(deep.sum())} earthquake(s) deeper than {model.max_depth_km:g} km left out"
            )
        if quakes["depth_km"].isna().any():
            notes.append(
                f"{int(quakes['depth_km'].isna().sum())} earthquake(s) without a depth counted "
                "as shallow"
            )
        pairs, events, seg_quakes, cable_quakes = _seismic_pairs(
            quakes[~deep], pts, seg, model, years, chokepoints
        )
    sources = {
        "independent": _independent(pts, per_point, model),
        "anchor": _anchors(pts, float(per_point.sum()), model),
        "earthquake": _quake_source(pairs, events, years),
        "chokepoint": _chokepoint_events(pts, model, chokepoints),
    }
    seg_rates = _segment_table(seg, length, coastal_len, seg_quakes, sources)
    zone_rates = _zone_rates(seg, sources, model)
    per_cable = _cable_table(seg_rates, cable_quakes, zone_rates, model)
    logger.info(
        "Fault rates: %d segments, %.1f faults a year (%.1f anchor, %.1f seismic, %.1f chokepoint)",
        n_seg,
        float(seg_rates["faults_per_year"].sum()),
        float(seg_rates["anchor_per_year"].sum()),
        float(seg_rates["seismic_per_year"].sum()),
        float(seg_rates["chokepoint_per_year"].sum()),
    )
    return FaultRates(
        seg_rates,
        per_cable,
        pairs,
        events,
        years,
        model,
        sources,
        zone_rates,
        list(chokepoints["chokepoint_id"]) if chokepoints is not None else [],
        notes,
    )


def _segment_table(
    seg: pd.DataFrame,
    length: np.ndarray,
    coastal_len: np.ndarray,
    seg_quakes: np.ndarray,
    sources: dict[str, EventSource],
) -> pd.DataFrame:
    n_seg = len(seg)
    rates = {cause: s.faults_per_segment(n_seg) for cause, s in sources.items()}
    background = rates["independent"] + rates["anchor"]
    return pd.DataFrame(
        {
            "seg_id": seg["seg_id"].to_numpy(),
            "cable_id": seg["cable_id"].to_numpy(),
            "length_km": length,
            "coastal_km": coastal_len,
            "quakes_per_year": seg_quakes,
            "independent_per_year": rates["independent"],
            "anchor_per_year": rates["anchor"],
            "background_per_year": background,
            "seismic_per_year": rates["earthquake"],
            "chokepoint_per_year": rates["chokepoint"],
            "faults_per_year": background + rates["earthquake"] + rates["chokepoint"],
        }
    )


def _zone_rates(
    seg: pd.DataFrame, sources: dict[str, EventSource], model: FaultModel
) -> pd.DataFrame:
    """Faults a year of each cable in each repair zone (all causes)."""
    cables = seg["cable_id"].to_numpy()
    parts = []
    for s in sources.values():
        per_cut = np.repeat(s.rate * s.trigger * s.cut, np.diff(s.ptr))
        parts.append(pd.DataFrame({"cable_id": cables[s.segment], "z": s.zone, "r": per_cut}))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.groupby(["cable_id", "z"], as_index=False)["r"].sum()
    names = [r.zone for r in model.repair_times]
    return pd.DataFrame(
        {
            "cable_id": frame["cable_id"].to_numpy(),
            "zone": [names[z] for z in frame["z"]],
            "faults_per_year": frame["r"].to_numpy(dtype=float),
        }
    )


def _cable_table(
    seg_rates: pd.DataFrame,
    cable_quakes: pd.Series,
    zone_rates: pd.DataFrame,
    model: FaultModel,
) -> pd.DataFrame:
    per_cable = seg_rates.groupby("cable_id", sort=True)[
        [
            "length_km",
            "independent_per_year",
            "anchor_per_year",
            "background_per_year",
            "seismic_per_year",
            "chokepoint_per_year",
            "faults_per_year",
        ]
    ].sum()
    per_cable.insert(1, "quakes_per_year", cable_quakes.reindex(per_cable.index).fillna(0.0))
    per_cable["probability_fault"] = 1.0 - np.exp(-per_cable["faults_per_year"])
    per_cable["probability_seismic_fault"] = 1.0 - np.exp(-per_cable["seismic_per_year"])
    means = {r.zone: r.mean() for r in model.repair_times}
    weighted = zone_rates.assign(days=zone_rates["zone"].map(means) * zone_rates["faults_per_year"])
    totals = weighted.groupby("cable_id")[["faults_per_year", "days"]].sum()
    top = zone_rates.sort_values(["faults_per_year", "zone"], ascending=[False, True])
    per_cable["repair_zone"] = (
        top.drop_duplicates("cable_id").set_index("cable_id")["zone"].reindex(per_cable.index)
    ).fillna(model.default_repair.zone)
    mean_days = (totals["days"] / totals["faults_per_year"]).reindex(per_cable.index)
    per_cable["mean_repair_days"] = mean_days.fillna(model.default_repair.mean())
    return per_cable


def _seismic_pairs(  # noqa: PLR0917 - the parts of one fault_rates call
    quakes: gpd.GeoDataFrame,
    pts: _Points,
    seg: pd.DataFrame,
    model: FaultModel,
    years: float,
    chokepoints: gpd.GeoDataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, pd.Series]:
    """Earthquake-cable pairs within the radius (nearest segment each), and exposures."""
    n_seg = len(seg)
    qv = unit_vectors(quakes.geometry.x.to_numpy(), quakes.geometry.y.to_numpy())
    found = cKDTree(qv).sparse_distance_matrix(
        cKDTree(pts.xyz), chord_for_km(model.radius_km), output_type="ndarray"
    )
    magnitude = quakes["magnitude"].to_numpy(dtype=float)
    weight = 10.0 ** (model.magnitude_scaling * (magnitude - model.reference_magnitude))
    near = pd.DataFrame(
        {
            "quake": found["i"].astype(np.int64),
            "segment": pts.owner[found["j"]],
            "point": found["j"].astype(np.int64),
            "distance_km": km_for_chord(found["v"]),
        }
    )
    names, codes = np.unique(seg["cable_id"].to_numpy(), return_inverse=True)
    near["cable"] = np.ravel(codes)[near["segment"].to_numpy()]  # ints sort fast
    seg_events = near.drop_duplicates(["quake", "segment"])
    seg_quakes = np.bincount(
        seg_events["segment"].to_numpy(dtype=np.int64),
        weights=weight[seg_events["quake"].to_numpy()],
        minlength=n_seg,
    ) / (years or 1.0)
    # one chance per earthquake and cable, on the segment nearest the epicentre
    order = np.lexsort(
        [near[k].to_numpy() for k in ("point", "segment", "distance_km", "cable", "quake")]
    )
    nearest = near.iloc[order].drop_duplicates(["quake", "cable"])
    nearest = nearest.assign(cable_id=names[nearest["cable"].to_numpy()])
    cable_quakes = pd.Series(
        weight[nearest["quake"].to_numpy()], index=nearest["cable_id"].to_numpy()
    ).groupby(level=0).sum() / (years or 1.0)
    used = np.unique(nearest["quake"].to_numpy())
    position = np.full(len(quakes), -1, dtype=np.int64)
    position[used] = np.arange(len(used))
    chance = model.break_probabilities(magnitude[used])
    if model.cut_share is None:
        trigger = np.ones(len(used))
    else:
        trigger = np.minimum(1.0, chance / model.cut_share)
    cut = np.divide(chance, trigger, out=np.zeros(len(used)), where=trigger > 0)
    pairs = pd.DataFrame(
        {
            "event": position[nearest["quake"].to_numpy()],
            "segment": nearest["segment"].to_numpy(dtype=np.int64),
            "cable_id": nearest["cable_id"].to_numpy(),
            "distance_km": nearest["distance_km"].to_numpy(),
            "break_probability": model.break_probabilities(magnitude[nearest["quake"].to_numpy()]),
            "zone": pts.zone[nearest["point"].to_numpy(dtype=np.int64)],
        }
    ).reset_index(drop=True)
    lon, lat = quakes.geometry.x.to_numpy()[used], quakes.geometry.y.to_numpy()[used]
    events = pd.DataFrame(
        {
            "quake_id": quakes["quake_id"].to_numpy()[used],
            "magnitude": magnitude[used],
            "lon": lon,
            "lat": lat,
            "trigger_probability": trigger,
            "cut_probability": cut,
            "chokepoint": _chokepoint_of(lon, lat, chokepoints),
        }
    )
    return pairs, events, seg_quakes, cable_quakes
