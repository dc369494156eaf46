"""The investment planner's settings: the ``[plan]`` table of a model file, read and checked.

What the planner (:mod:`cablemap.risk.planning`) may propose and how it weighs benefits:
the budget, the targets (capitals and inhabited islands of the region's third countries), which
far ends are trusted (``[plan.trusted]``: partner states, or countries whose vendor exposure
is under a threshold), how a spur onto an existing or planned system is costed, and the
weights of the benefit components.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cablemap._toml import TomlFile

#: The components of a candidate's measured benefit (see :mod:`cablemap.risk.planning`).
BENEFIT_COMPONENTS = ("resilience", "status", "trusted_paths", "dcs_priority")
_DEFAULT_WEIGHTS = {"resilience": 0.35, "status": 0.30, "trusted_paths": 0.15, "dcs_priority": 0.20}
_SCALES = ("log10", "linear", "none")
_KEYS = (
    "weights",
    "budget_km",
    "max_picks",
    "hubs_per_target",
    "hub_min_cut",
    "spur_allowance_km",
    "connect_first",
    "candidate_exposure",
    "population",
    "population_scale",
    "untrusted",
    "partners",
    "trusted",
    "territories",
    "target_territories",
    "landlocked",
    "not_targets",
    "map",
)


@dataclass(frozen=True)
class PlanSettings:
    """The ``[plan]`` table of a model file, resolved.

    Attributes
    ----------
    weights
        Weight of each benefit component (:data:`BENEFIT_COMPONENTS`), summing to 1.
    budget_km
        Default budget (km of new cable).
    max_picks
        Most candidates in a portfolio.
    hubs_per_target
        Generated links per target: to this many nearest trusted, well-connected countries.
    hub_min_cut
        A country is well connected when its exact resilience is at least this.
    spur_allowance_km
        Added to the distance from a target to the nearest point of a system's route when a
        candidate is a spur onto that system (a branching unit and the landing's approach).
    candidate_exposure
        Vendor exposure assumed for generated and analyst links (0: a trusted supplier).
    population, population_scale
        The cited population table (path) and how it scales gains: ``log10``, ``linear`` or
        ``none``.
    connect_first
        Pick the candidates that give an unconnected capital its first cable before any other
        (each tier by benefit per km).
    untrusted
        Countries never the far end of a candidate (the competitor, sanctioned states).
    partners
        Partner states: trusted far ends whatever their vendor exposure.
    trusted_max_exposure
        Any other far end is trusted when its vendor exposure is at most this
        (``[plan.trusted] max_vendor_exposure``); ``None`` trusts partners only.
    territories, target_territories
        Overseas territories with their sovereign: a territory of a partner or of a
        DCS-excluded state is reported, not a target, unless ``target_territories``.
    landlocked
        Countries no cable can land in (listed apart with their land links; never targets).
    not_targets
        Further countries reported but never targeted (e.g. under sanctions).
    map
        ``cablemap build`` writes ``investment_plan.html``.
    """

    weights: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))
    budget_km: float = 6000.0
    max_picks: int = 10
    hubs_per_target: int = 2
    hub_min_cut: int = 3
    spur_allowance_km: float = 100.0
    connect_first: bool = True
    candidate_exposure: float = 0.0
    population: str | None = None
    population_scale: str = "log10"
    untrusted: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    trusted_max_exposure: float | None = None
    territories: dict[str, str] = field(default_factory=dict)
    target_territories: bool = False
    landlocked: frozenset[str] = frozenset()
    not_targets: frozenset[str] = frozenset()
    map: bool = False


def read_plan(f: TomlFile, base: Path) -> PlanSettings:
    """Read the ``[plan]`` table of a model file (defaults where it has none).

    Problems are recorded in ``f`` (raised with the file's other problems).
    """
    if not f.has("plan"):
        return PlanSettings()
    f.keys("plan", _KEYS)
    weights = (
        f.weights("plan.weights", BENEFIT_COMPONENTS)
        if f.has("plan.weights")
        else dict(_DEFAULT_WEIGHTS)
    )
    f.keys("plan.trusted", ["partners", "max_vendor_exposure"])
    partners = f.iso3_list("plan.partners", []) + f.iso3_list("plan.trusted.partners", [])
    threshold = (
        f.number("plan.trusted.max_vendor_exposure", low=0.0, high=1.0)
        if f.has("plan.trusted.max_vendor_exposure")
        else None
    )
    territories: dict[str, str] = {}
    for iso3 in f.table("plan.territories"):
        sovereign = f.string(f"plan.territories.{iso3}")
        if len(iso3) != 3 or not iso3.isupper() or len(sovereign) != 3:
            f.fail(f"plan.territories.{iso3}", "territory and sovereign must be ISO3 codes")
            continue
        territories[iso3] = sovereign
    population = f.file("plan.population", base) if f.has("plan.population") else None
    return PlanSettings(
        weights=weights,
        budget_km=f.number("plan.budget_km", 6000.0, low=0.0, high=1e6),
        max_picks=f.integer("plan.max_picks", 10, low=1, high=1000),
        hubs_per_target=f.integer("plan.hubs_per_target", 2, low=1, high=50),
        hub_min_cut=f.integer("plan.hub_min_cut", 3, low=1, high=1000),
        spur_allowance_km=f.number("plan.spur_allowance_km", 100.0, low=0.0, high=5000.0),
        connect_first=f.boolean("plan.connect_first", default=True),
        candidate_exposure=f.number("plan.candidate_exposure", 0.0, low=0.0, high=1.0),
        population=None if population is None else str(population),
        population_scale=f.string("plan.population_scale", "log10", choices=_SCALES),
        untrusted=frozenset(f.iso3_list("plan.untrusted", [])),
        partners=frozenset(partners),
        trusted_max_exposure=threshold,
        territories=territories,
        target_territories=f.boolean("plan.target_territories", default=False),
        landlocked=frozenset(f.iso3_list("plan.landlocked", [])),
        not_targets=frozenset(f.iso3_list("plan.not_targets", [])),
        map=f.boolean("plan.map", default=False),
    )
