"""Model definitions (``risk_models/*.toml``) and scoring: pure functions over layers.

Modules: ``spec`` and ``region`` (model and region files), ``topology`` (the segment graph),
``components``, ``centrality`` and ``score`` (scores), ``scenarios`` (what breaks when cables,
areas or vendors are cut) with ``cuts`` (parsing the cuts) and ``connectivity`` (connected
components of many scenarios at once) beneath it.
"""

from cablemap._errors import ScenarioError
from cablemap.risk.plan import Plan, plan
from cablemap.risk.region import Region, load_region
from cablemap.risk.resilience import Resilience
from cablemap.risk.scenarios import ScenarioEngine, ScenarioResult, run_scenario
from cablemap.risk.score import Scores, kendall_tau, score
from cablemap.risk.spec import ModelSpec, load_model, load_vendor_profile
from cablemap.risk.topology import Network, build_network

__all__ = [
    "ModelSpec",
    "Network",
    "Plan",
    "Region",
    "Resilience",
    "ScenarioEngine",
    "ScenarioError",
    "ScenarioResult",
    "Scores",
    "build_network",
    "kendall_tau",
    "load_model",
    "load_region",
    "load_vendor_profile",
    "plan",
    "run_scenario",
    "score",
]
