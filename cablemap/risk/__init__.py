"""Model definitions (risk_models/*.toml) and, later, scoring: pure functions over layers."""

from cablemap.risk.region import Region, load_region

__all__ = ["Region", "load_region"]
