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

The function ``simulate`` is re-exported at the package root (``cm.simulate``), not here: it
would hide the module :mod:`cablemap.risk.simulation.simulate`.
"""

from cablemap._errors import ScenarioError
from cablemap.risk.hazards.rates import FaultRates, fault_rates
from cablemap.risk.model.faults import FaultModel, load_fault_model
from cablemap.risk.model.region import Region, load_region
from cablemap.risk.model.spec import ModelSpec, load_model, load_vendor_profile
from cablemap.risk.network.resilience import Resilience
from cablemap.risk.network.topology import Network, build_network
from cablemap.risk.planning.plan import Plan, plan
from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult, run_scenario
from cablemap.risk.scoring.score import Scores, kendall_tau, score
from cablemap.risk.scoring.tiers import VendorTiers, vendor_tiers
from cablemap.risk.simulation.simulate import SimulationError, SimulationResult

__all__ = [
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
    "fault_rates",
    "kendall_tau",
    "load_fault_model",
    "load_model",
    "load_region",
    "load_vendor_profile",
    "plan",
    "run_scenario",
    "score",
    "vendor_tiers",
]
