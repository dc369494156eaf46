"""Model definitions (``risk_models/*.toml``) and the engines: pure functions over layers.

Sub-packages, each importing only those before it:

- ``model``: the files analysts edit (scoring model, vendor profile, chokepoints, region,
  fault model);
- ``network``: the segment graph, land links, batched connectivity, exact resilience,
  centrality;
- ``hazards``: fault rates per segment, seismic hotspots;
- ``scoring``: components, vendor exposure, sites and metros, the scored tables;
- ``scenarios``: cuts and the scenario engine (what breaks when cables, areas or vendors fail);
- ``simulation``: what can cut each place off, the Monte Carlo of faults and repairs (local or
  on Dask), its calibration against real faults;
- ``history``: the network through time (scores per year, new cables per year);
- ``planning``: the investment planner.

On top, :mod:`cablemap.risk.analysis`: one release under one model, whose network, graph,
resilience, scores and scenario engine every engine shares; the functions of the public API
(``score``, ``plan``, ``simulate``, ``run_scenario``, ``calibrate``) are thin wrappers over it.
Names here are imported on first use.
"""

from typing import TYPE_CHECKING

from cablemap._errors import ScenarioError
from cablemap._lazy import lazy_exports

_LAZY = {
    **dict.fromkeys(
        ["Analysis", "calibrate", "plan", "run_scenario", "score", "simulate"],
        "cablemap.risk.analysis",
    ),
    **dict.fromkeys(["FaultRates", "fault_rates"], "cablemap.risk.hazards.rates"),
    **dict.fromkeys(["FaultModel", "load_fault_model"], "cablemap.risk.model.faults"),
    **dict.fromkeys(["Region", "load_region"], "cablemap.risk.model.region"),
    **dict.fromkeys(["ModelSpec", "load_model", "load_vendor_profile"], "cablemap.risk.model.spec"),
    "Resilience": "cablemap.risk.network.resilience",
    **dict.fromkeys(["Network", "build_network"], "cablemap.risk.network.topology"),
    "Plan": "cablemap.risk.planning.plan",
    **dict.fromkeys(["ScenarioEngine", "ScenarioResult"], "cablemap.risk.scenarios.engine"),
    "Scores": "cablemap.risk.scoring.score",
    "kendall_tau": "cablemap.risk.scoring.combine",
    **dict.fromkeys(["VendorTiers", "vendor_tiers"], "cablemap.risk.scoring.tiers"),
    **dict.fromkeys(["SimulationError", "SimulationResult"], "cablemap.risk.simulation.simulate"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis, calibrate, plan, run_scenario, score, simulate
    from cablemap.risk.hazards.rates import FaultRates, fault_rates
    from cablemap.risk.model.faults import FaultModel, load_fault_model
    from cablemap.risk.model.region import Region, load_region
    from cablemap.risk.model.spec import ModelSpec, load_model, load_vendor_profile
    from cablemap.risk.network.resilience import Resilience
    from cablemap.risk.network.topology import Network, build_network
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult
    from cablemap.risk.scoring.combine import kendall_tau
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.scoring.tiers import VendorTiers, vendor_tiers
    from cablemap.risk.simulation.simulate import SimulationError, SimulationResult

__all__ = [
    "Analysis",
    "FaultModel",
    "FaultRates",
    "ModelSpec",
    "Network",
    "Plan",
    "Region",
    "Resilience",
    "ScenarioEngine",
    "ScenarioError",
    "ScenarioResult",
    "Scores",
    "SimulationError",
    "SimulationResult",
    "VendorTiers",
    "build_network",
    "calibrate",
    "fault_rates",
    "kendall_tau",
    "load_fault_model",
    "load_model",
    "load_region",
    "load_vendor_profile",
    "plan",
    "run_scenario",
    "score",
    "simulate",
    "vendor_tiers",
]
