"""cablemap: which Indo-Pacific submarine cables, landing stations and data centres matter most.

The data flow is one-way: :mod:`cablemap.layers` (load) → :mod:`cablemap.risk` (models and
scores) → :mod:`cablemap.render` (maps) → :mod:`cablemap.cli`. The public API is small and
functional:

>>> import cablemap as cm
>>> layers = cm.load()              # the embedded Indo-Pacific sample
>>> scores = cm.score(layers)       # risk_models/dcs-v2.toml
>>> m = cm.build_map(layers)        # a folium.Map  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    UnsafeFileError,
)
from cablemap._lazy import lazy_exports
from cablemap._resources import risk_models_path, sample_path
from cablemap._version import __version__

#: Public names imported on first use (``import cablemap`` stays light: the command line's
#: ``--help`` never loads geopandas, folium or scipy).
_LAZY = {
    **dict.fromkeys(
        ["Layers", "countries_from_file", "load", "resolve_vendor", "save_layers"],
        "cablemap.layers",
    ),
    **dict.fromkeys(
        ["facilities_from_cloud_regions", "facilities_from_peeringdb"],
        "cablemap.layers.facilities",
    ),
    "earthquakes_from_file": "cablemap.layers.hazards",
    **dict.fromkeys(
        ["backhaul_distances", "country_facilities", "nearest_facilities"],
        "cablemap.layers.joins",
    ),
    **dict.fromkeys(
        [
            "build_map",
            "country_brief",
            "plan_map",
            "save_briefs",
            "save_map",
            "save_maps",
            "scenario_map",
            "strategic_nodes_map",
            "vendor_exposure_map",
        ],
        "cablemap.render",
    ),
    **dict.fromkeys(
        [
            "Plan",
            "ScenarioEngine",
            "ScenarioError",
            "Scores",
            "SimulationResult",
            "fault_rates",
            "load_fault_model",
            "load_model",
            "load_vendor_profile",
            "plan",
            "run_scenario",
            "score",
        ],
        "cablemap.risk",
    ),
    "simulate": "cablemap.risk.analysis",
    "Analysis": "cablemap.risk.analysis",
    "new_cables_by_year": "cablemap.risk.history.timeline",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from cablemap.layers import Layers, countries_from_file, resolve_vendor, save_layers
    from cablemap.layers.facilities import (
        facilities_from_cloud_regions,
        facilities_from_peeringdb,
    )
    from cablemap.layers.hazards import earthquakes_from_file
    from cablemap.layers.joins import backhaul_distances, country_facilities, nearest_facilities
    from cablemap.layers.load import load
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
    from cablemap.risk.analysis import Analysis, simulate
    from cablemap.risk.history.timeline import new_cables_by_year

__all__ = [
    "Analysis",
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
    "UnsafeFileError",
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
