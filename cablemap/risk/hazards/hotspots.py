"""Seismic hotspots: where the earthquake catalogue puts the most shaking, and along which routes.

Each earthquake counts as ``10^(magnitude_scaling x (M - reference magnitude))`` events of the
reference magnitude (the weighting of the fault model, :mod:`cablemap.risk.hazards.rates`: an M7.0
counts as ~180 events of M5.5 with the default scaling of 1.5, as the energy radiated grows),
per year of the catalogue. Summed over grid cells of equal degrees, the result is the
**seismic hazard density** the maps draw (:func:`seismic_grid`); per cable segment, the same
weighting within ``radius_km`` of the route is ``quakes_per_year`` in
:class:`~cablemap.risk.hazards.rates.FaultRates`. Along the routes, :func:`route_hazard` gives the
fault model's expected earthquake breaks a year of a cable at each point: the stretches of the
network where earthquakes matter most (the Japan Trench, the Luzon Strait, Sumatra, the Banda
arc, Tonga-Kermadec...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from cablemap._geo import chord_for_km, sample_lines, unit_vectors
from cablemap.risk.hazards.rates import catalogue_years
from cablemap.risk.model.faults import FaultModel, load_fault_model

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.network.topology import Network


def seismic_grid(
    quakes: gpd.GeoDataFrame,
    *,
    cell_deg: float = 1.0,
    model: FaultModel | None = None,
) -> pd.DataFrame:
    """Earthquakes per grid cell, weighted by magnitude, per year of the catalogue.

    Parameters
    ----------
    quakes
        An earthquake catalogue (:func:`cablemap.layers.hazards.earthquakes_from_file`,
        EPSG:4326).
    cell_deg
        Cell size in degrees (cells of equal degrees: they shrink in area away from the
        equator, which matters little within the tropics and mid-latitudes of the region).
    model
        The fault model whose magnitude weighting and depth limit apply; default
        ``risk_models/faults-v2.toml``.

    Returns
    -------
    DataFrame
        One row per cell with an event: ``lon``, ``lat`` (cell centre, EPSG:4326), ``events``,
        ``max_magnitude``, ``weighted_per_year`` (events of the reference magnitude a year),
        sorted by ``weighted_per_year``, highest first.

    Examples
    --------
    >>> from cablemap.risk.hazards.hotspots import seismic_grid
    >>> seismic_grid(quakes).head(1)  # doctest: +SKIP
    """
    model = load_fault_model() if model is None else model
    columns = ["lon", "lat", "events", "max_magnitude", "weighted_per_year"]
    if quakes is None or quakes.empty:
        return pd.DataFrame(columns=columns)
    shallow = ~(quakes["depth_km"].notna() & (quakes["depth_km"] > model.max_depth_km))
    quakes = quakes[shallow]
    years = catalogue_years(quakes) or 1.0
    x = quakes.geometry.x.to_numpy()
    y = quakes.geometry.y.to_numpy()
    col = np.floor((x + 180.0) / cell_deg).astype(np.int64)
    row = np.floor((y + 90.0) / cell_deg).astype(np.int64)
    magnitude = quakes["magnitude"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "col": col,
            "row": row,
            "magnitude": magnitude,
            "weight": 10.0 ** (model.magnitude_scaling * (magnitude - model.reference_magnitude))
            / years,
        }
    )
    cells = frame.groupby(["col", "row"]).agg(
        events=("magnitude", "size"),
        max_magnitude=("magnitude", "max"),
        weighted_per_year=("weight", "sum"),
    )
    cells = cells.reset_index()
    cells["lon"] = -180.0 + (cells["col"] + 0.5) * cell_deg
    cells["lat"] = -90.0 + (cells["row"] + 0.5) * cell_deg
    cells = cells.sort_values(["weighted_per_year", "lon", "lat"], ascending=[False, True, True])
    return cells[columns].reset_index(drop=True)


def route_hazard(
    network: Network,
    quakes: gpd.GeoDataFrame,
    *,
    model: FaultModel | None = None,
) -> pd.DataFrame:
    """Seismic hazard along the routes: where on the network earthquakes break cables.

    Routes are sampled every ``sample_km``; at each point the hazard is the expected number of
    breaks a year of a cable passing there, from the earthquakes within ``radius_km``
    (``sum of min(1, break chance of each event) / catalogue years``: the fault model's
    seismic term, per point instead of per cable).

    Parameters
    ----------
    network
        The segment graph (routed segments are sampled; others have no place).
    quakes
        An earthquake catalogue (EPSG:4326).
    model
        The fault model; default ``risk_models/faults-v2.toml``.

    Returns
    -------
    DataFrame
        ``lon``, ``lat`` (EPSG:4326), ``segment`` (position in ``network.segments``),
        ``cable_id``, ``km`` (route length the point stands for), ``breaks_per_year``.
    """
    model = load_fault_model() if model is None else model
    seg = network.segments
    geoms = [g if routed else None for g, routed in zip(seg.geometry, seg["routed"], strict=True)]
    points, km, owner = sample_lines(geoms, model.sample_km)
    shallow = ~(quakes["depth_km"].notna() & (quakes["depth_km"] > model.max_depth_km))
    quakes = quakes[shallow]
    chance = model.break_probabilities(quakes["magnitude"].to_numpy(dtype=float))
    years = catalogue_years(quakes) or 1.0
    found = cKDTree(points).sparse_distance_matrix(
        cKDTree(unit_vectors(quakes.geometry.x.to_numpy(), quakes.geometry.y.to_numpy())),
        chord_for_km(model.radius_km),
        output_type="ndarray",
    )
    hazard = np.bincount(found["i"], weights=chance[found["j"]], minlength=len(points)) / years
    return pd.DataFrame(
        {
            "lon": np.degrees(np.arctan2(points[:, 1], points[:, 0])),
            "lat": np.degrees(np.arcsin(np.clip(points[:, 2], -1, 1))),
            "segment": owner,
            "cable_id": seg["cable_id"].to_numpy()[owner],
            "km": km,
            "breaks_per_year": hazard,
        }
    )
