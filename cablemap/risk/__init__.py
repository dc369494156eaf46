"""Model definitions (``risk_models/*.toml``) and scoring: pure functions over layers."""

from cablemap.risk.region import Region, load_region
from cablemap.risk.scenarios import ScenarioEngine, ScenarioError, ScenarioResult, run_scenario
from cablemap.risk.score import Scores, kendall_tau, score
from cablemap.risk.spec import ModelSpec, load_model, load_vendor_profile
from cablemap.risk.topology import Network, build_network

__all__ = [
    "ModelSpec",
    "Network",
    "Region",
    "ScenarioEngine",
    "ScenarioError",
    "ScenarioResult",
    "Scores",
    "build_network",
    "kendall_tau",
    "load_model",
    "load_region",
    "load_vendor_profile",
    "run_scenario",
    "score",
]
