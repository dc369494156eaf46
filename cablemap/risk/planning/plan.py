"""Where trusted investment helps most: candidate cables, their measured benefit, a portfolio.

The plan is made in steps that pass one frozen value (:class:`PlanInputs`) between them:

1. **targets** (:mod:`~cablemap.risk.planning.targets`): the capitals of the region's third
   countries on 0 or 1 cable equivalent, and their inhabited islands with no path abroad;
2. **candidates** (:mod:`~cablemap.risk.planning.generate`): landings on planned systems,
   spurs onto existing and planned systems costed at the spur a partner would fund, new links
   to trusted well-connected countries, analysts' links; each with its far end's trust;
3. **benefit** (:mod:`~cablemap.risk.planning.benefit`): every candidate measured against
   every target on the exact min-cut network;
4. **portfolio**: trusted candidates picked greedily by benefit per km within the budget,
   each pick with its reason; every region country's resilience before and after.

On the 2022 release its first picks give the capitals without a cable their first: Dili on
the planned ACC-1 (which reaches Australia; the spur onto Australia's North-West Cable
System, the route the Timor-Leste South Submarine Cable took in 2024, is the next trusted
candidate to Australia), Funafuti, South Tarawa onto HANTRU-1 (the East Micronesia Cable's
host) and Nauru; then Palau's landing on the planned Echo, as its second cable was.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._errors import ScenarioError
from cablemap._resources import risk_models_path
from cablemap.risk.model.plan import BENEFIT_COMPONENTS, PlanSettings
from cablemap.risk.network.resilience import resilience, status_of
from cablemap.risk.planning.benefit import BENEFIT_UNIT, Facts, State, choose, evaluate
from cablemap.risk.planning.candidates import read_candidates
from cablemap.risk.planning.generate import (
    Candidate,
    analyst_candidates,
    context,
    generated_candidates,
)
from cablemap.risk.planning.targets import Target, plan_targets

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.model.spec import ModelSpec

logger = logging.getLogger(__name__)

__all__ = ["Plan", "PlanInputs", "PlanSettings", "plan_analysis", "plan_settings"]


def plan_settings(model: ModelSpec) -> PlanSettings:
    """Return the model's ``[plan]`` settings (checked when the model file was read)."""
    return model.plan


def population_table(path: str | Path | None = None) -> pd.Series:
    """Read population per ISO3 from a cited table (``unknown`` rows become NaN).

    Parameters
    ----------
    path
        CSV with ``iso3``, ``population`` (a number or ``unknown``) and its source columns;
        by default ``risk_models/population.csv``.

    Returns
    -------
    pandas.Series
        Float population indexed by ISO3 (NaN where unknown).
    """
    file = risk_models_path() / "population.csv" if path is None else Path(path)
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    values = pd.to_numeric(frame["population"].where(frame["population"] != "unknown"))
    return pd.Series(values.to_numpy(dtype=float), index=frame["iso3"])


@dataclass
class Plan:
    """An investment plan.

    Attributes
    ----------
    candidates
        One row per candidate: ``id``, ``name``, ``kind`` (``planned``, ``spur``, ``link``,
        ``analyst``), ``countries``, ``route_km`` (km a partner would fund), ``cost_basis``,
        ``far_end``, ``trusted``, ``why_untrusted``, ``benefit`` (in :attr:`benefit_unit`),
        one column per benefit component, ``benefit_per_1000km``, ``lifts`` (targets whose
        resilience it raises), ``rank`` (trusted candidates by benefit per km, 1 = best;
        0 for untrusted ones) and ``geometry`` (EPSG:4326, or None).
    portfolio
        Ids of the chosen candidates, in the order picked.
    picks
        Per pick: ``id``, ``name``, ``benefit``, ``route_km``, ``lifts``, ``reason``.
    countries
        Region countries: ``iso3``, ``name``, ``min_cut_before``/``_after`` (the country's),
        ``capital_min_cut_before``/``_after``, ``status_before``, ``status_after``,
        ``target``, ``why_not_target``, ``population``, ``weight``.
    targets
        The targets: ``key``, ``iso3``, ``name``, ``kind``, ``population``, ``weight``,
        ``min_cut_before``, ``min_cut_after``.
    budget_km
        The budget the portfolio was chosen under.
    benefit_unit
        What a benefit of 1 means.
    notes
        Assumptions (unknown populations, countries that could not be located...).
    timings
        Seconds spent: ``setup``, ``evaluate``, ``portfolio``.
    """

    candidates: pd.DataFrame
    portfolio: list[str]
    picks: list[dict[str, Any]]
    countries: pd.DataFrame
    budget_km: float
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    benefit_unit: str = BENEFIT_UNIT
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``cablemap plan --format json``."""

        def num(x: Any) -> Any:
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else x

        return {
            "candidates": [
                {
                    "id": r["id"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "countries": list(r["countries"]),
                    "route_km": num(round(float(r["route_km"]), 1)),
                    "cost_basis": r["cost_basis"],
                    "far_end": list(r["far_end"]),
                    "trusted": bool(r["trusted"]),
                    "why_untrusted": r["why_untrusted"],
                    "benefit": round(float(r["benefit"]), 6),
                    "components": {c: round(float(r[c]), 6) for c in BENEFIT_COMPONENTS},
                    "lifts": list(r["lifts"]),
                    "rank": int(r["rank"]),
                }
                for _, r in self.candidates.iterrows()
            ],
            "portfolio": list(self.portfolio),
            "picks": self.picks,
            "benefit_unit": self.benefit_unit,
            "targets": self.targets.to_dict(orient="records"),
            "countries": [
                {
                    "iso3": r["iso3"],
                    "name": r["name"],
                    "min_cut_before": num(r["min_cut_before"]),
                    "min_cut_after": num(r["min_cut_after"]),
                    "capital_min_cut_before": num(r["capital_min_cut_before"]),
                    "capital_min_cut_after": num(r["capital_min_cut_after"]),
                    "status_before": r["status_before"],
                    "status_after": r["status_after"],
                }
                for _, r in self.countries.iterrows()
            ],
        }


@dataclass(frozen=True)
class PlanInputs:
    """What every step of a plan reads, made once.

    Attributes
    ----------
    analysis
        The release's analysis.
    settings
        The model's ``[plan]``.
    targets, why_not
        The targets, and why other region countries are none.
    weights
        Per target key, its weight in [0, 1].
    facts
        The countries' exposure and fragility (:class:`~.benefit.Facts`).
    hubs
        The hub countries.
    notes
        What the analyst should know so far.
    """

    analysis: Analysis
    settings: PlanSettings
    targets: tuple[Target, ...]
    why_not: dict[str, str]
    weights: dict[str, float]
    facts: Facts
    hubs: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _weights(
    targets: list[Target], population: pd.Series, settings: PlanSettings
) -> tuple[dict[str, float], list[str]]:
    """Per target its weight, and notes.

    A capital weighs as its country's people, scaled as the model says (``log10`` by
    default); an island group as that times its share of the country's people, so that a
    province counts for what it is of the nation.
    """
    known = pd.Series({t.key: population.get(t.iso3, np.nan) for t in targets}, dtype=float)
    if settings.population_scale == "none" or not len(known):
        return dict.fromkeys(known.index, 1.0), []
    scaled = np.log10(known.clip(lower=10)) if settings.population_scale == "log10" else known
    top = float(scaled.max()) if scaled.notna().any() else 1.0
    weight = scaled / (top or 1.0)
    for t in targets:
        if t.kind == "island" and not math.isnan(t.population):
            share = t.population / known[t.key] if known[t.key] > 0 else np.nan
            weight[t.key] = np.nan if math.isnan(share) else weight[t.key] * min(share, 1.0)
    notes = []
    unknown = sorted(weight.index[weight.isna()])
    if unknown:
        fill = float(weight.median()) if weight.notna().any() else 1.0
        weight = weight.fillna(fill)
        notes.append(
            f"population unknown for {unknown}: weighted as the median target ({fill:.3f})"
        )
    return weight.astype(float).to_dict(), notes


def _facts(analysis: Analysis, weights: dict[str, float]) -> Facts:
    """Gather the countries' exposure and the DCS fragility index's parts."""
    spec = analysis.model
    table = analysis.scores.countries.set_index("iso3")
    wts = spec.weights["country"]
    frag = spec.dcs_fragility_components
    unconnected = table["status"].isin(["unconnected", "capital_unconnected"])
    return Facts(
        weight=weights,
        exposure=table["vendor_exposure"].where(~unconnected, 1.0).astype(float).to_dict(),
        cables={i: int(n) for i, n in table["cables"].items()},
        other_fragility={
            iso: sum(wts[c] * float(table.at[iso, c]) for c in frag if c != "fragility")
            for iso in table.index
        },
        wsum=sum(wts[c] for c in frag) or 1.0,
        fragility_weight=wts.get("fragility", 0.0),
        eligible=frozenset(table.index[table["dcs_priority"].notna()]),
    )


def plan_inputs(analysis: Analysis, settings: PlanSettings) -> PlanInputs:
    """Step 1: the targets, their weights and the countries' facts."""
    population = population_table(settings.population)
    targets, why_not = plan_targets(analysis, settings, population)
    weights, notes = _weights(targets, population, settings)
    unlocated = sorted(t.key for t in targets if t.point is None and not len(t.places))
    if unlocated:
        notes.append(f"no coordinates and no landing point, so no candidate, for {unlocated}")
    return PlanInputs(
        analysis=analysis,
        settings=settings,
        targets=tuple(targets),
        why_not=why_not,
        weights=weights,
        facts=_facts(analysis, weights),
        hubs=tuple(analysis.hubs),
        notes=tuple(notes),
    )


def plan_candidates(
    inputs: PlanInputs,
    *,
    candidates_file: str | Path | None,
    extra: list[dict[str, Any]] | None,
    generate: bool,
) -> list[Candidate]:
    """Step 2: every candidate, generated and the analyst's."""
    ctx = context(inputs.analysis, inputs.settings)
    targets = list(inputs.targets)
    cands = (
        generated_candidates(inputs.analysis, targets, ctx, list(inputs.hubs)) if generate else []
    )
    rows = list(extra or [])
    if candidates_file is not None:
        rows += read_candidates(candidates_file)
    cands += analyst_candidates(rows, inputs.analysis, targets, ctx)
    seen: set[str] = set()
    unique = []
    for cand in cands:  # one candidate per id (a system near two targets: two spurs)
        if cand.id not in seen and math.isfinite(cand.route_km) and cand.route_km > 0:
            seen.add(cand.id)
            unique.append(cand)
    if not unique:
        msg = "no candidate: no target, no planned system, no analyst link"
        raise ScenarioError(msg)
    return unique


def _candidate_table(cands: list[Candidate], first: pd.DataFrame) -> pd.DataFrame:
    """Step 3's table: every candidate with its benefit, ranked by benefit per km."""
    km = pd.Series([max(c.route_km, 1.0) for c in cands], dtype=float)
    table = pd.DataFrame(
        {
            "id": [c.id for c in cands],
            "name": [c.name for c in cands],
            "kind": [c.kind for c in cands],
            "countries": [c.countries for c in cands],
            "route_km": [c.route_km for c in cands],
            "cost_basis": [c.cost_basis for c in cands],
            "far_end": [c.far_end for c in cands],
            "trusted": [c.trusted for c in cands],
            "why_untrusted": [c.why_untrusted for c in cands],
            "benefit": first["benefit"],
            **{comp: first[comp] for comp in BENEFIT_COMPONENTS},
            "benefit_per_1000km": first["benefit"] / km * 1000,
            "lifts": first["gain"],
            "geometry": [c.geometry for c in cands],
        }
    )
    ratio = table["benefit_per_1000km"].where(table["trusted"])
    table["rank"] = ratio.rank(ascending=False, method="first").fillna(0).astype(int)
    order = table["rank"].replace(0, len(table) + 1)
    return (
        table.assign(_o=order).sort_values(["_o", "id"]).drop(columns="_o").reset_index(drop=True)
    )


def _country_table(inputs: PlanInputs, before: State, after: State) -> pd.DataFrame:
    """Every region country before and after the portfolio (country and capital)."""
    analysis = inputs.analysis
    table = analysis.scores.countries.set_index("iso3")
    capital_before = {k: v for k, v in before.min_cut.items() if "|" not in k}
    capital_after = {k: v for k, v in after.min_cut.items() if "|" not in k}
    population = population_table(inputs.settings.population)
    region = sorted(analysis.model.region.countries)
    grown = resilience(after.hyper, list(inputs.hubs), landing_points=False, only=region)
    rows = []
    for iso in region:
        cut = table.at[iso, "redundancy_cables"] if iso in table.index else 0
        cut_after = grown.countries.get(iso, {"min_cut": cut})["min_cut"]
        cap0 = capital_before.get(
            iso, table.at[iso, "capital_min_cut"] if iso in table.index else None
        )
        cap1 = capital_after.get(iso, cap0)
        hub = iso in inputs.hubs
        status0 = str(table.at[iso, "status"]) if iso in table.index else status_of(0)
        lifted = cap1 is not None and cap0 is not None and cap1 > cap0
        rows.append(
            {
                "iso3": iso,
                "name": table.at[iso, "name"] if iso in table.index else iso,
                "min_cut_before": cut,
                "min_cut_after": cut_after,
                "capital_min_cut_before": None if cap0 is None else float(cap0),
                "capital_min_cut_after": None if cap1 is None else float(cap1),
                "status_before": status0,
                "status_after": status_of(cap1, hub=hub) if lifted else status0,
                "target": iso not in inputs.why_not,
                "why_not_target": inputs.why_not.get(iso, ""),
                "population": None if pd.isna(population.get(iso)) else float(population[iso]),
                "weight": inputs.weights.get(iso),
            }
        )
    return pd.DataFrame(rows)


def plan_analysis(
    analysis: Analysis,
    *,
    budget_km: float | None = None,
    candidates_file: str | Path | None = None,
    max_picks: int | None = None,
    generate: bool = True,
    extra_candidates: list[dict[str, Any]] | None = None,
) -> Plan:
    """Rank candidate cables by measured benefit and choose a portfolio under a budget.

    The public entry point is :func:`cablemap.plan` (or :meth:`Analysis.plan
    <cablemap.risk.analysis.Analysis.plan>`); this function reads the analysis's scores,
    network and scenario engine and never builds them.

    Parameters
    ----------
    analysis
        The release, the model (its ``[plan]`` table) and the country outlines.
    budget_km
        Km of new cable the portfolio may use; default the model's ``budget_km``.
    candidates_file
        CSV of analyst candidates: ``id``, ``from``, ``to`` (landing point id or ISO3),
        optional ``route_km``.
    max_picks
        Most candidates in the portfolio; default the model's ``max_picks``.
    generate
        Generate candidates (planned landings, spurs, links) for the targets.
    extra_candidates
        Analyst candidates given in Python (same keys as the CSV).

    Returns
    -------
    Plan
        Candidates with benefits and ranks, the portfolio and why, per-country before/after.

    Examples
    --------
    >>> import cablemap as cm
    >>> p = cm.plan(cm.load(), budget_km=3000)  # doctest: +SKIP
    >>> p.portfolio  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    settings = plan_settings(analysis.model)
    inputs = plan_inputs(analysis, settings)
    cands = plan_candidates(
        inputs, candidates_file=candidates_file, extra=extra_candidates, generate=generate
    )
    hyper = analysis.hypergraph  # copied: the states grow their own
    state = State(hyper.with_cables([]), list(inputs.hubs), list(inputs.targets))
    before = State(hyper.with_cables([]), list(inputs.hubs), list(inputs.targets))
    t1 = time.perf_counter()
    first = evaluate(cands, state, inputs.facts, settings)
    t2 = time.perf_counter()
    budget = settings.budget_km if budget_km is None else float(budget_km)
    picks = choose(
        cands,
        state,
        inputs.facts,
        settings,
        budget=budget,
        picks_max=settings.max_picks if max_picks is None else int(max_picks),
    )
    t3 = time.perf_counter()
    targets = pd.DataFrame(
        [
            {
                "key": t.key,
                "iso3": t.iso3,
                "name": t.name,
                "kind": t.kind,
                "population": t.population,
                "weight": inputs.weights.get(t.key),
                "min_cut_before": before.min_cut[t.key],
                "min_cut_after": state.min_cut[t.key],
            }
            for t in inputs.targets
        ]
    )
    logger.info("Planned: %d candidates, %d picked", len(cands), len(picks))
    return Plan(
        candidates=_candidate_table(cands, first),
        portfolio=[p["id"] for p in picks],
        picks=picks,
        countries=_country_table(inputs, before, state),
        budget_km=budget,
        targets=targets,
        notes=list(inputs.notes),
        timings={"setup": t1 - t0, "evaluate": t2 - t1, "portfolio": t3 - t2},
    )
