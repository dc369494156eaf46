"""cablemap: which Indo-Pacific submarine cables, landing stations and data centres matter most.

The data flow is one-way: :mod:`cablemap.layers` (load) → :mod:`cablemap.risk` (models and
scores) → :mod:`cablemap.render` (maps) → :mod:`cablemap.cli`. The public API is small and
functional:

>>> import cablemap as cm
>>> layers = cm.load()              # the embedded Indo-Pacific sample
>>> scores = cm.score(layers)       # risk_models/dcs-v1.toml
>>> m = cm.build_map(layers)        # a folium.Map  # doctest: +SKIP
"""

from __future__ import annotations

from cablemap import settings
from cablemap._errors import (
    CablemapError,
    CablemapWarning,
    DownloadError,
    EmptyLayerError,
    LayerValidationError,
    RiskSpecError,
    SourceFormatError,
    UnknownVendorError,
)
from cablemap._resources import risk_models_path, sample_path
from cablemap._version import __version__
from cablemap.layers import Layers, countries_from_file, load, resolve_vendor, save_layers
from cablemap.layers.facilities import facilities_from_cloud_regions, facilities_from_peeringdb
from cablemap.layers.hazards import earthquakes_from_file
from cablemap.layers.joins import backhaul_distances, country_facilities, nearest_facilities
from cablemap.render import (
    build_map,
    country_brief,
    plan_map,
    save_briefs,
    save_map,
    save_maps,
    scenario_map,
    strategic_nodes_map,
    vendor_exposure_map,
)
from cablemap.risk import (
    Plan,
    ScenarioEngine,
    ScenarioError,
    Scores,
    SimulationResult,
    fault_rates,
    load_fault_model,
    load_model,
    load_vendor_profile,
    plan,
    run_scenario,
    score,
)
from cablemap.risk.history.timeline import new_cables_by_year
from cablemap.risk.simulation.simulate import simulate

__all__ = [
    "CablemapError",
    "CablemapWarning",
    "DownloadError",
    "EmptyLayerError",
    "LayerValidationError",
    "Layers",
    "Plan",
    "RiskSpecError",
    "ScenarioEngine",
    "ScenarioError",
    "Scores",
    "SimulationResult",
    "SourceFormatError",
    "UnknownVendorError",
    "__version__",
    "backhaul_distances",
    "build_map",
    "countries_from_file",
    "country_brief",
    "country_facilities",
    "earthquakes_from_file",
    "facilities_from_cloud_regions",
    "facilities_from_peeringdb",
    "fault_rates",
    "load",
    "load_fault_model",
    "load_model",
    "load_vendor_profile",
    "nearest_facilities",
    "new_cables_by_year",
    "plan",
    "plan_map",
    "resolve_vendor",
    "risk_models_path",
    "run_scenario",
    "sample_path",
    "save_briefs",
    "save_layers",
    "save_map",
    "save_maps",
    "scenario_map",
    "score",
    "settings",
    "simulate",
    "strategic_nodes_map",
    "vendor_exposure_map",
]
