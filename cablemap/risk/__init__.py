"""Model definitions (``risk_models/*.toml``) and scoring: pure functions over layers.

Modules: ``spec`` and ``region`` (model and region files), ``topology`` (the segment graph),
``components``, ``centrality`` and ``score`` (scores), ``scenarios`` (what breaks when cables,
areas or vendors are cut) with ``cuts`` (parsing the cuts) and ``connectivity`` (connected
components of many scenarios at once) beneath it; ``faults`` (the fault model: rates per
segment, repair times), ``hazard`` (seismic hotspots), ``places`` (what can cut each country
and landing point off) and ``simulate`` (Monte Carlo of faults and repairs, local or on Dask),
with ``calibration`` (the fault model against real faults); ``tiers`` (the cables' vendors
classified by the vendor profile, for maps and briefs).
"""

from cablemap._errors import ScenarioError
from cablemap.risk.faults import FaultModel, FaultRates, fault_rates, load_fault_model
from cablemap.risk.plan import Plan, plan
from cablemap.risk.region import Region, load_region
from cablemap.risk.resilience import Resilience
from cablemap.risk.scenarios import ScenarioEngine, ScenarioResult, run_scenario
from cablemap.risk.score import Scores, kendall_tau, score

# the function `simulate` is re-exported at the top (cm.simulate), not here: it would hide the
# module cablemap.risk.simulate (as `score` hides cablemap.risk.score)
from cablemap.risk.simulate import SimulationError, SimulationResult
from cablemap.risk.spec import ModelSpec, load_model, load_vendor_profile
from cablemap.risk.tiers import VendorTiers, vendor_tiers
from cablemap.risk.topology import Network, build_network

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
