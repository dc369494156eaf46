"""A candidate's measured benefit, and the greedy portfolio under a budget.

Adding one cable raises a target's exact resilience by one exactly when it joins the source side
of the target's residual graph to its sink side (:func:`cablemap.risk.network.resilience.place_cuts`
with ``want_sides``), so every candidate is evaluated against every target at once with two
boolean matrix products. The benefit's components, each summed over targets weighted by the
people a target serves (``log10`` of the cited population by default, so that one large
country does not swamp every island state; each target weighs at most 1):

``resilience``
    the change in ``1 / (min_cut + 1)`` (0 -> 1 cable: 0.5; 1 -> 2 cables: 0.17);
``status``
    targets leaving unconnected or single-cable status (1 each);
``trusted_paths``
    the fall in the vendor exposure of the country it lands in (a trusted cable adds a trusted
    path; an unconnected country's exposure counts as 1);
``dcs_priority``
    the fall in the country's DCS priority index (exposure x fragility index).

The benefit is the weighted sum of the four (``[plan.weights]``): an index whose unit is one
target of full weight lifted from unconnected to connected by trusted vendors (at most about
1 per target). The portfolio is chosen greedily by benefit per km within the budget,
recomputing every benefit after each pick; only trusted candidates are picked. With ``[plan]
connect_first`` (the default) candidates that give an unconnected capital its first cable come
before any second cable, as in the region's programmes (first connections first).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap.risk.model.plan import BENEFIT_COMPONENTS
from cablemap.risk.network.resilience import CableHypergraph, place_cuts

if TYPE_CHECKING:
    from cablemap.risk.model.plan import PlanSettings
    from cablemap.risk.planning.generate import Candidate
    from cablemap.risk.planning.targets import Target

__all__ = ["Facts", "State", "choose", "evaluate"]

#: The unit the benefit is stated in (popups, tables, the plan page).
BENEFIT_UNIT = (
    "benefit index: 1 = one target of full weight lifted from unconnected to connected by "
    "trusted vendors (35 % resilience, 30 % status, 15 % trusted paths, 20 % DCS priority by "
    "default; targets weighted by log10 of the people they serve)"
)


@dataclass(frozen=True)
class Facts:
    """What the benefit reads of the targets' countries (fixed for one plan).

    Attributes
    ----------
    weight
        Per target key: its weight in [0, 1].
    exposure, cables
        Per country: vendor exposure, and the cables its exposure is the mean of.
    other_fragility
        Per country: the DCS fragility index's other components (weighted), and ``wsum``, the
        weight the index divides by; ``fragility_weight`` that of fragility.
    eligible
        Countries with a DCS priority.
    """

    weight: dict[str, float]
    exposure: dict[str, float]
    cables: dict[str, int]
    other_fragility: dict[str, float]
    wsum: float
    fragility_weight: float
    eligible: frozenset[str]


@dataclass
class State:
    """The network the planner grows: places, units, and each target's residual sides."""

    hyper: CableHypergraph
    hubs: list[str]
    targets: list[Target]
    min_cut: dict[str, float] = field(default_factory=dict)
    s: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    t: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    units: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))

    def __post_init__(self) -> None:
        """Make room for the targets' new places and measure every target."""
        n_new = max((t.new_place + 1 for t in self.targets if t.new_place >= 0), default=0)
        self.hyper.n_places = max(self.hyper.n_places, n_new)
        self.refresh()

    def sources(self) -> dict[str, np.ndarray]:
        """Each target's places (its new place while it has none)."""
        return {
            t.key: np.array([t.new_place]) if t.new_place >= 0 else np.asarray(t.places)
            for t in self.targets
        }

    def refresh(self) -> None:
        """Recompute every target's exact resilience and residual sides."""
        cuts = place_cuts(self.hyper, self.hubs, self.sources(), want_sides=True)
        n, c = self.hyper.n_places, len(self.hyper.cables)
        self.s = np.zeros((len(self.targets), n), dtype=bool)
        self.t = np.zeros((len(self.targets), n), dtype=bool)
        self.units = np.zeros((len(self.targets), c), dtype=bool)
        for i, target in enumerate(self.targets):
            entry = cuts[target.key]
            self.min_cut[target.key] = math.inf if entry["min_cut"] is None else entry["min_cut"]
            if "sides" in entry:
                s, t = entry["sides"]
                self.s[i, : len(s)], self.t[i, : len(t)] = s, t
                self.units[i, :] = entry["units_to_sink"]

    def add(self, cand: Candidate) -> None:
        """Build a candidate: its units (and a branching place on its host); measure again."""
        hyper = self.hyper
        adds = [(i, np.array(p)) for i, p in cand.adds]
        if cand.host is not None:  # a spur onto a system in service: a new place on it
            branch = hyper.n_places
            places = list(hyper.cable_places)
            k = hyper.cables.index(cand.host)
            places[k] = np.append(places[k], branch)
            hyper = dataclasses.replace(hyper, cable_places=places, n_places=branch + 1)
            adds.append((cand.id, np.array([*cand.own, branch])))
        elif not adds:  # a new system from the target to its far end
            adds.append((cand.id, np.array(cand.places)))
        grown = hyper.with_cables(adds)
        grown.n_places = max(grown.n_places, hyper.n_places)
        countries = dict(grown.countries)
        for target in self.targets:  # a target's new place now stands for its country too
            if target.new_place in cand.places:
                old = countries.get(target.iso3, np.zeros(0, dtype=np.int64))
                countries[target.iso3] = np.unique(np.append(old, target.new_place))
        grown.countries = countries
        self.hyper = grown
        self.refresh()


def _gains(pool: list[Candidate], state: State) -> np.ndarray:
    """(candidates, targets): whether each candidate raises each target's resilience.

    A new unit raises it when it joins the target's source side to its sink side; a spur onto
    a system in service when it leaves the source side and that system's entry reaches the
    hubs in the residual graph (a saturated system the target already hangs on adds nothing).
    """
    n = state.hyper.n_places
    own = np.zeros((len(pool), n), dtype=np.float32)
    far = np.zeros((len(pool), n), dtype=np.float32)
    for r, cand in enumerate(pool):
        own[r, [p for p in cand.own if p < n]] = 1
        far[r, [p for p in cand.places if p < n]] = 1
    s, t = state.s.T.astype(np.float32), state.t.T.astype(np.float32)
    gain = (own @ s > 0) & (far @ t > 0)
    index = {c: i for i, c in enumerate(state.hyper.cables)}
    for r, cand in enumerate(pool):
        if cand.host is not None:
            host = index.get(cand.host)
            onto = state.units[:, host] if host is not None else False
            gain[r] = (own[r] @ s > 0) & onto
    return gain


def _country_after(facts: Facts, iso: str, cand: Candidate, lifted: bool) -> tuple[float, float]:
    """Exposure before and after a candidate lands in a country."""
    e0 = facts.exposure.get(iso, 1.0)
    n = facts.cables.get(iso, 0)
    if not lifted and n:
        return e0, (e0 * n + cand.exposure) / (n + 1)
    return e0, cand.exposure if lifted else e0


def evaluate(
    pool: list[Candidate], state: State, facts: Facts, settings: PlanSettings
) -> pd.DataFrame:
    """Measure every candidate of a pool against every target at once.

    Returns
    -------
    pandas.DataFrame
        Per candidate (pool order): the components, ``benefit`` and ``gain`` (target keys
        whose resilience rises).
    """
    keys = [t.key for t in state.targets]
    gain = _gains(pool, state)
    m = np.array([state.min_cut[k] for k in keys], dtype=float)
    w = np.array([facts.weight[k] for k in keys], dtype=float)
    finite = np.isfinite(m)
    safe = np.where(finite, m, 0.0)
    res_gain = np.where(finite, 1 / (safe + 1) - 1 / (safe + 2), 0.0)
    frame = pd.DataFrame(
        {
            "resilience": (gain * (w * res_gain)).sum(axis=1),
            "status": (gain * (w * (finite & (m < 2)))).sum(axis=1),
        }
    )
    trust, dcs = np.zeros(len(pool)), np.zeros(len(pool))
    iso_of = [t.iso3 for t in state.targets]
    for r, cand in enumerate(pool):
        for j in np.flatnonzero(gain[r]):
            e0, e1 = _country_after(facts, iso_of[j], cand, m[j] == 0)
            trust[r] += w[j] * (e0 - e1)
            if iso_of[j] in facts.eligible:
                f0 = 1 / max(m[j], 1)
                f1 = 1 / max(m[j] + 1, 1)
                other = facts.other_fragility.get(iso_of[j], 0.0)
                fi0 = (facts.fragility_weight * f0 + other) / facts.wsum
                fi1 = (facts.fragility_weight * f1 + other) / facts.wsum
                dcs[r] += w[j] * (e0 * fi0 - e1 * fi1)
    frame["trusted_paths"] = trust
    frame["dcs_priority"] = dcs
    frame["benefit"] = sum(settings.weights[c] * frame[c] for c in BENEFIT_COMPONENTS)
    frame["gain"] = [[keys[j] for j in np.flatnonzero(g)] for g in gain]
    return frame


def _status_word(cut: float) -> str:
    if cut == 0:
        return "unconnected"
    return "single-cable" if cut < 2 else "connected"


def _connects(frame: pd.DataFrame, state: State) -> np.ndarray:
    """Per candidate: whether it gives a capital with no path abroad its first cable."""
    return np.array(
        [any(state.min_cut[k] == 0 and "|" not in k for k in gain) for gain in frame["gain"]],
        dtype=bool,
    )


def choose(
    pool: list[Candidate],
    state: State,
    facts: Facts,
    settings: PlanSettings,
    *,
    budget: float,
    picks_max: int,
) -> list[dict[str, Any]]:
    """Pick trusted candidates greedily by benefit per km within the budget (state grows).

    With ``settings.connect_first`` a candidate giving an unconnected capital its first cable
    is picked before any other that fits the budget.

    Returns
    -------
    list of dict
        Per pick: ``id``, ``name``, ``benefit``, ``route_km``, ``lifts`` (targets whose
        resilience rose), ``reason``.
    """
    names = {t.key: f"{t.name} ({t.iso3})" for t in state.targets}
    left = budget
    picks: list[dict[str, Any]] = []
    pool = [c for c in pool if c.trusted]
    while pool and len(picks) < picks_max:
        frame = evaluate(pool, state, facts, settings)
        km = np.array([c.route_km if math.isfinite(c.route_km) else np.inf for c in pool])
        ok = (km <= left) & (frame["benefit"].to_numpy() > 0)
        first = _connects(frame, state) & ok if settings.connect_first else np.zeros_like(ok)
        tier = first if first.any() else ok
        ratio = np.where(tier, frame["benefit"] / np.maximum(km, 1.0), -1)
        best = int(np.argmax(ratio))
        if ratio[best] <= 0:
            break
        cand = pool.pop(best)
        row = frame.iloc[best]
        steps = [
            f"{names[k]} {_status_word(state.min_cut[k])} ({state.min_cut[k]:g}) -> "
            f"{state.min_cut[k] + 1:g} cable(s)"
            for k in row["gain"]
        ]
        benefit = float(row["benefit"])
        per_1000 = 1000 * benefit / max(cand.route_km, 1)
        reason = (
            f"{cand.name}: {cand.cost_basis}; "
            + ("first cable for an unconnected capital, " if first.any() else "")
            + f"best benefit per km within the {left:,.0f} km "
            f"left ({benefit:.3f}, {per_1000:.3f} per 1,000 km); "
            + ("lifts " + "; ".join(steps) if steps else "adds a trusted path")
        )
        picks.append(
            {
                "id": cand.id,
                "name": cand.name,
                "benefit": float(row["benefit"]),
                "route_km": cand.route_km,
                "lifts": list(row["gain"]),
                "reason": reason,
            }
        )
        left -= cand.route_km
        state.add(cand)
    return picks
