"""Fault rates: a yearly fault rate per cable segment under the fault model.

Every constant comes from the fault model file (:mod:`cablemap.risk.model.faults`). Per
segment of the network (:mod:`cablemap.risk.network.topology`), in faults per year:

``background``
    ``base_per_1000km x (length + (coastal_factor - 1) x coastal length) / 1000``: faults from
    fishing, anchors, abrasion and component failures anywhere, raised on the stretches within
    ``coastal_km`` of a landing point (the proxy for the shallow shelf where most faults happen).
``seismic``
    each earthquake of the catalogue within ``radius_km`` of the cable's route breaks the cable
    with probability ``min(1, break_probability x 10^(magnitude_scaling x (M - reference
    magnitude)))``, on its segment nearest the epicentre; the rate is the sum of those chances
    over the catalogue divided by the years it spans. An earthquake near several cables may
    break several at once (the simulation draws the earthquakes, not independent faults).

Repairs take a lognormal number of days (median, shape ``sigma``), at most ``max_days``.

Routes without a drawing (a cable joined by its landing-point list) are taken as great circles
from each landing point to the centre of the cable's landing points. Distances are geodesic
(:mod:`cablemap._geo`): routes are sampled every ``sample_km`` and neighbours are found with a
KD-tree on unit vectors (chord lengths on the mean sphere).
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

from cablemap._geo import chord_for_km, km_for_chord, sample_lines, unit_vectors
from cablemap.risk.model.faults import FaultModel, load_fault_model

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.network.topology import Network

logger = logging.getLogger(__name__)


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
        reference magnitude), ``background_per_year``, ``seismic_per_year`` and
        ``faults_per_year``.
    cables
        Per cable (index ``cable_id``): ``length_km``, ``quakes_per_year`` (each event once),
        ``background_per_year``, ``seismic_per_year``, ``faults_per_year``,
        ``probability_fault`` and ``probability_seismic_fault`` (at least one in a year).
    quake_pairs
        Which earthquake may break which cable: ``event`` (row of :attr:`events`), ``segment``
        (position in the network's segments: the one nearest the epicentre), ``cable_id``,
        ``distance_km``, ``break_probability``.
    events
        The catalogue's events near any cable: ``quake_id``, ``magnitude``, ``lon``, ``lat``.
    catalogue_years
        Years the catalogue spans (its first to its last event); 0 without one.
    model
        The fault model.
    notes
        What the analyst should know (no catalogue, events left out for depth...).
    """

    segments: pd.DataFrame
    cables: pd.DataFrame
    quake_pairs: pd.DataFrame
    events: pd.DataFrame
    catalogue_years: float
    model: FaultModel
    notes: list[str] = field(default_factory=list)

    @property
    def quake_rate(self) -> float:
        """Earthquakes near some cable per year (each an independent draw from the catalogue)."""
        return len(self.events) / self.catalogue_years if self.catalogue_years else 0.0


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


def fault_rates(
    network: Network,
    layers: Layers,
    model: FaultModel | None = None,
    quakes: gpd.GeoDataFrame | None = None,
) -> FaultRates:
    """Yearly fault rates of every segment of a network.

    Parameters
    ----------
    network
        The segment graph (:func:`cablemap.risk.network.topology.build_network`).
    layers
        The layers it was built from (landing points mark the coastal zone).
    model
        The fault model; by default ``risk_models/faults-v1.toml``.
    quakes
        An earthquake catalogue (:func:`cablemap.layers.hazards.earthquakes_from_file`,
        EPSG:4326); without one there are no seismic faults (said in the notes).

    Returns
    -------
    FaultRates
        Per segment and per cable rates, and the earthquakes that may break each cable.

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
    seg = network.segments
    notes: list[str] = []
    lines = _segment_lines(network, layers)
    points, weights, owner = sample_lines(lines, model.sample_km)
    n_seg = len(seg)
    length = np.bincount(owner, weights=weights, minlength=n_seg)
    lps = layers.landing_points
    if len(points) and len(lps):
        lp_tree = cKDTree(unit_vectors(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy()))
        near_lp, _ = lp_tree.query(points, distance_upper_bound=chord_for_km(model.coastal_km))
        coastal = np.isfinite(near_lp)
    else:
        coastal = np.zeros(len(points), dtype=bool)
    coastal_len = np.bincount(owner, weights=weights * coastal, minlength=n_seg)
    background = (
        model.base_per_1000km * (length + (model.coastal_factor - 1.0) * coastal_len) / 1000.0
    )
    years = catalogue_years(quakes) if quakes is not None else 0.0
    pairs = pd.DataFrame(
        {
            "event": pd.Series(dtype=np.int64),
            "segment": pd.Series(dtype=np.int64),
            "cable_id": pd.Series(dtype=object),
            "distance_km": pd.Series(dtype=float),
            "break_probability": pd.Series(dtype=float),
        }
    )
    events = pd.DataFrame({"quake_id": [], "magnitude": [], "lon": [], "lat": []})
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
            quakes[~deep], points, owner, seg, model, years
        )
    seismic = np.bincount(
        pairs["segment"].to_numpy(dtype=np.int64),
        weights=pairs["break_probability"].to_numpy(dtype=float),
        minlength=n_seg,
    ) / (years or 1.0)
    seg_rates = pd.DataFrame(
        {
            "seg_id": seg["seg_id"].to_numpy(),
            "cable_id": seg["cable_id"].to_numpy(),
            "length_km": length,
            "coastal_km": coastal_len,
            "quakes_per_year": seg_quakes,
            "background_per_year": background,
            "seismic_per_year": seismic,
            "faults_per_year": background + seismic,
        }
    )
    per_cable = seg_rates.groupby("cable_id", sort=True)[
        ["length_km", "background_per_year", "seismic_per_year", "faults_per_year"]
    ].sum()
    per_cable.insert(1, "quakes_per_year", cable_quakes.reindex(per_cable.index).fillna(0.0))
    per_cable["probability_fault"] = 1.0 - np.exp(-per_cable["faults_per_year"])
    per_cable["probability_seismic_fault"] = 1.0 - np.exp(-per_cable["seismic_per_year"])
    logger.info(
        "Fault rates: %d segments, %.1f faults a year (%.1f seismic from %d earthquakes)",
        n_seg,
        float(seg_rates["faults_per_year"].sum()),
        float(seismic.sum()),
        len(events),
    )
    return FaultRates(seg_rates, per_cable, pairs, events, years, model, notes)


def _seismic_pairs(  # noqa: PLR0917 - the parts of one fault_rates call
    quakes: gpd.GeoDataFrame,
    points: np.ndarray,
    owner: np.ndarray,
    seg: pd.DataFrame,
    model: FaultModel,
    years: float,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, pd.Series]:
    """Earthquake-cable pairs within the radius (nearest segment each), and exposures."""
    n_seg = len(seg)
    qv = unit_vectors(quakes.geometry.x.to_numpy(), quakes.geometry.y.to_numpy())
    found = cKDTree(qv).sparse_distance_matrix(
        cKDTree(points), chord_for_km(model.radius_km), output_type="ndarray"
    )
    magnitude = quakes["magnitude"].to_numpy(dtype=float)
    weight = 10.0 ** (model.magnitude_scaling * (magnitude - model.reference_magnitude))
    near = pd.DataFrame(
        {
            "quake": found["i"].astype(np.int64),
            "segment": owner[found["j"]],
            "distance_km": km_for_chord(found["v"]),
        }
    )
    near["cable_id"] = seg["cable_id"].to_numpy()[near["segment"].to_numpy()]
    seg_events = near.drop_duplicates(["quake", "segment"])
    seg_quakes = np.bincount(
        seg_events["segment"].to_numpy(dtype=np.int64),
        weights=weight[seg_events["quake"].to_numpy()],
        minlength=n_seg,
    ) / (years or 1.0)
    # one chance per earthquake and cable, on the segment nearest the epicentre
    nearest = near.sort_values(["quake", "cable_id", "distance_km", "segment"]).drop_duplicates(
        ["quake", "cable_id"]
    )
    cable_quakes = pd.Series(
        weight[nearest["quake"].to_numpy()], index=nearest["cable_id"].to_numpy()
    ).groupby(level=0).sum() / (years or 1.0)
    used = np.unique(nearest["quake"].to_numpy())
    position = np.full(len(quakes), -1, dtype=np.int64)
    position[used] = np.arange(len(used))
    pairs = pd.DataFrame(
        {
            "event": position[nearest["quake"].to_numpy()],
            "segment": nearest["segment"].to_numpy(dtype=np.int64),
            "cable_id": nearest["cable_id"].to_numpy(),
            "distance_km": nearest["distance_km"].to_numpy(),
            "break_probability": model.break_probabilities(magnitude[nearest["quake"].to_numpy()]),
        }
    ).reset_index(drop=True)
    events = pd.DataFrame(
        {
            "quake_id": quakes["quake_id"].to_numpy()[used],
            "magnitude": magnitude[used],
            "lon": quakes.geometry.x.to_numpy()[used],
            "lat": quakes.geometry.y.to_numpy()[used],
        }
    )
    return pairs, events, seg_quakes, cable_quakes
