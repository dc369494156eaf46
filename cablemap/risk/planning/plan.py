"""Where trusted investment helps most: candidate cables, their measured benefit, a portfolio.

Candidates are the release's planned cables, links an analyst lists in a CSV file (``id``,
``from``, ``to``: landing point ids or ISO3 codes, optional ``route_km``), and generated links
from every fragile (single-cable) or unconnected target country to the landing points of its
nearest trusted, well-connected countries, routed by sea (``searoute``; the route length is the
cost proxy).

Each candidate's **benefit** is measured on the network, not guessed. Adding one cable raises a
country's exact resilience (:mod:`cablemap.risk.network.resilience`) by one exactly when it joins
the
source side of the country's residual graph to its sink side, so every candidate is evaluated
against every target country at once with two boolean matrix products. Components, each summed
over target countries and scaled by the people a country serves (``[plan] population``, a cited
table; ``log10`` scale by default so that one large country does not swamp every island state):

- ``resilience``: the change in ``1 / (min_cut + 1)``;
- ``status``: countries leaving unconnected or single-cable status;
- ``trusted_paths``: the fall in vendor exposure where the candidate lands (a trusted supplier
  replaces nothing but adds a trusted path; an unconnected country's exposure counts as 1);
- ``dcs_priority``: the fall in the DCS priority index (exposure x fragility index).

Targets are the region's third countries: the model's DCS exclusions, the overseas territories
of excluded or partner states (``[plan] territories``/``partners``) and landlocked countries are
reported but are not targets unless ``target_territories = true``. The portfolio is chosen
greedily by benefit per km under the budget, recomputing every benefit after each pick; each
pick says why.
"""

from __future__ import annotations

import csv
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import RiskSpecError, ScenarioError
from cablemap._geo import distances_m
from cablemap._resources import risk_models_path
from cablemap._validate import names_or_empty
from cablemap.risk.model.spec import ModelSpec
from cablemap.risk.network.resilience import (
    CableHypergraph,
    _Shortcuts,
    pick_hubs,
    resilience,
    status_of,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.analysis import Analysis

logger = logging.getLogger(__name__)

__all__ = ["Plan", "PlanSettings", "plan_analysis", "plan_settings"]

BENEFIT_COMPONENTS = ("resilience", "status", "trusted_paths", "dcs_priority")


@dataclass(frozen=True)
class PlanSettings:
    """The ``[plan]`` table of a model file, resolved.

    Attributes
    ----------
    weights
        Weight of each benefit component (``resilience``, ``status``, ``trusted_paths``,
        ``dcs_priority``).
    budget_km
        Default budget (km of new cable).
    max_picks
        Most candidates in a portfolio.
    hubs_per_target
        Generated links per fragile or unconnected target: to this many nearest trusted,
        well-connected countries.
    hub_min_cut
        A country is well connected when its exact resilience is at least this.
    untrusted
        Countries never used as the far end of a generated link.
    partners, territories
        Partner states, and overseas territories with their sovereign: a territory of a
        partner or of a DCS-excluded state is reported but not a target.
    target_territories
        Make such territories targets too.
    landlocked
        Countries no cable can land in (reported, never targets).
    not_targets
        Further countries reported but never targeted (e.g. under sanctions).
    population, population_scale
        The cited population table (path relative to the model file) and how it scales gains:
        ``log10``, ``linear`` or ``none``.
    candidate_exposure
        Vendor exposure assumed for generated and analyst links (0: a trusted supplier).
    map
        ``cablemap build`` writes ``investment_plan.html``.
    """

    weights: dict[str, float]
    budget_km: float = 6000.0
    max_picks: int = 10
    hubs_per_target: int = 2
    hub_min_cut: int = 3
    untrusted: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    territories: dict[str, str] = field(default_factory=dict)
    target_territories: bool = False
    landlocked: frozenset[str] = frozenset()
    not_targets: frozenset[str] = frozenset()
    population: str | None = None
    population_scale: str = "log10"
    candidate_exposure: float = 0.0
    map: bool = False


_DEFAULT_WEIGHTS = {"resilience": 0.35, "status": 0.30, "trusted_paths": 0.15, "dcs_priority": 0.20}


def plan_settings(model: ModelSpec) -> PlanSettings:
    """Read the ``[plan]`` table of a model (defaults where it has none).

    Raises
    ------
    RiskSpecError
        For an unknown component, a negative weight, weights not summing to 1, or a bad scale.
    """
    table = dict(model.plan or {})
    where = f"{model.path!r}, key 'plan"
    weights = (
        {**_DEFAULT_WEIGHTS, **table.get("weights", {})}
        if "weights" not in table
        else {c: float(table["weights"].get(c, 0.0)) for c in BENEFIT_COMPONENTS}
    )
    unknown = sorted(set(table.get("weights", {})) - set(BENEFIT_COMPONENTS))
    if unknown:
        msg = f"{where}.weights.{unknown[0]}': unknown component; components: {BENEFIT_COMPONENTS}"
        raise RiskSpecError(msg)
    if any(v < 0 for v in weights.values()) or not math.isclose(sum(weights.values()), 1.0):
        msg = f"{where}.weights': weights must be non-negative and sum to 1; got {weights}"
        raise RiskSpecError(msg)
    scale = str(table.get("population_scale", "log10"))
    if scale not in ("log10", "linear", "none"):
        msg = f"{where}.population_scale': was {scale!r}; allowed: log10, linear, none"
        raise RiskSpecError(msg)
    population = table.get("population")
    if population is not None:
        population = str(Path(model.path).parent / str(population))
    return PlanSettings(
        weights=weights,
        budget_km=float(table.get("budget_km", 6000.0)),
        max_picks=int(table.get("max_picks", 10)),
        hubs_per_target=int(table.get("hubs_per_target", 2)),
        hub_min_cut=int(table.get("hub_min_cut", 3)),
        untrusted=frozenset(table.get("untrusted", [])),
        partners=frozenset(table.get("partners", [])),
        territories={str(k): str(v) for k, v in table.get("territories", {}).items()},
        target_territories=bool(table.get("target_territories", False)),
        landlocked=frozenset(table.get("landlocked", [])),
        not_targets=frozenset(table.get("not_targets", [])),
        population=population,
        population_scale=scale,
        candidate_exposure=float(table.get("candidate_exposure", 0.0)),
        map=bool(table.get("map", False)),
    )


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
        One row per candidate: ``id``, ``kind`` (``planned``, ``analyst``, ``generated``),
        ``countries``, ``route_km``, ``benefit``, one column per benefit component, ``rank``
        (by benefit per km, 1 = best) and ``geometry`` (EPSG:4326, or None).
    portfolio
        Ids of the chosen candidates, in the order picked.
    picks
        Per pick: ``id``, ``benefit``, ``route_km``, ``reason``.
    countries
        Region countries: ``iso3``, ``min_cut_before``, ``min_cut_after``, ``status_before``,
        ``status_after``, ``target``, ``why_not_target``, ``population``, ``weight``.
    budget_km
        The budget the portfolio was chosen under.
    notes
        Assumptions (unknown populations, countries that could not be located...).
    timings
        Seconds spent: ``setup`` (scores, network, candidates), ``evaluate`` (every candidate
        against every target once), ``portfolio`` (greedy picks with recomputation).
    """

    candidates: pd.DataFrame
    portfolio: list[str]
    picks: list[dict[str, Any]]
    countries: pd.DataFrame
    budget_km: float
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
                    "kind": r["kind"],
                    "countries": list(r["countries"]),
                    "route_km": num(round(float(r["route_km"]), 1)),
                    "benefit": round(float(r["benefit"]), 6),
                    "components": {c: round(float(r[c]), 6) for c in BENEFIT_COMPONENTS},
                    "rank": int(r["rank"]),
                }
                for _, r in self.candidates.iterrows()
            ],
            "portfolio": list(self.portfolio),
            "countries": [
                {
                    "iso3": r["iso3"],
                    "min_cut_before": num(r["min_cut_before"]),
                    "min_cut_after": num(r["min_cut_after"]),
                    "status_before": r["status_before"],
                    "status_after": r["status_after"],
                }
                for _, r in self.countries.iterrows()
            ],
        }


@dataclass
class _Candidate:
    id: str
    kind: str
    countries: list[str]
    places: list[int]
    route_km: float
    exposure: float
    geometry: Any = None


class _State:
    """The network the planner works on: places, cables, and each target's residual sides."""

    def __init__(
        self, hyper: CableHypergraph, hubs: list[str], targets: list[str], new_place: dict[str, int]
    ) -> None:
        self.hyper, self.hubs, self.targets, self.new_place = hyper, hubs, targets, new_place
        self.n_places = hyper.n_places + len(new_place)
        self.refresh()

    def refresh(self) -> None:
        hyper = self.hyper
        res = resilience(hyper, self.hubs, landing_points=False, want_sides=True, only=self.targets)
        hub_places = [hyper.countries[h] for h in self.hubs if h in hyper.countries]
        # a network without hubs (a tiny release) has no global network to reach: no sink
        sink = np.unique(np.concatenate(hub_places)) if hub_places else np.zeros(0, dtype=int)
        label = _Shortcuts(hyper).label[: hyper.n_places]
        generic_t = np.zeros(self.n_places, dtype=bool)
        generic_t[: hyper.n_places] = np.isin(label, label[sink])
        self.min_cut: dict[str, int | None] = {}
        self.s = np.zeros((len(self.targets), self.n_places), dtype=bool)
        self.t = np.zeros((len(self.targets), self.n_places), dtype=bool)
        for i, iso in enumerate(self.targets):
            if iso in res.countries:
                self.min_cut[iso] = res.countries[iso]["min_cut"]
                if iso in res.sides:
                    s, t = res.sides[iso]
                    self.s[i, : len(s)], self.t[i, : len(t)] = s, t
            else:  # no landing point yet: its future landing place is its source side
                self.min_cut[iso] = 0
                self.s[i, self.new_place[iso]] = True
                self.t[i] = generic_t

    def add(self, cand: _Candidate) -> None:
        countries = dict(self.hyper.countries)
        for iso, place in self.new_place.items():
            if place in cand.places and iso not in countries:
                countries[iso] = np.array([place])
        grown = self.hyper.with_cables([(cand.id, np.array(cand.places))])
        grown.countries = countries
        grown.n_places = max(grown.n_places, self.n_places)
        self.hyper = grown
        self.refresh()


def _location(iso: str, countries: gpd.GeoDataFrame | None) -> tuple[float, float] | None:
    if countries is None:
        return None
    rows = countries[countries["iso3"] == iso]
    if rows.empty:
        return None
    parts = list(shapely.get_parts(rows.geometry.iloc[0]))
    biggest = max(parts, key=lambda g: g.area)
    point = biggest.representative_point()
    return float(point.x), float(point.y)


def _sea_route(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, Any]:
    """Length (km) and line of a sea route between two points (``searoute``)."""
    import searoute  # noqa: PLC0415 - heavy import, only when links are generated

    try:
        feature = searoute.searoute(list(a), list(b), units="km")
        line = shapely.geometry.shape(feature["geometry"])
        return float(feature["properties"]["length"]), line
    except (shapely.errors.GEOSException, ValueError, KeyError):
        # both ends snap to one node of the sea network (a few km apart): a straight line
        km = (
            float(
                distances_m(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]))[
                    0
                ]
            )
            / 1000.0
        )
        return km, shapely.LineString([a, b])


def _read_candidates(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        msg = f"{str(path)!r} could not be read: {exc}"
        raise ScenarioError(msg) from None
    for i, row in enumerate(rows):
        if not row.get("id") or not row.get("from") or not row.get("to"):
            msg = f"{str(path)!r}, row {i + 2}: every candidate needs id, from and to"
            raise ScenarioError(msg)
    return rows


def plan_analysis(  # noqa: PLR0912, PLR0915 - one pipeline, read top to bottom
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
        The release, the model (its ``[plan]`` table) and the country outlines: landmasses,
        land routes, and where a country without a landing point would land a cable
        (Natural Earth 10m recommended; without it such countries get no generated link,
        said in the notes).
    budget_km
        Km of new cable the portfolio may use; default the model's ``budget_km``.
    candidates_file
        CSV of analyst candidates: ``id``, ``from``, ``to`` (landing point id or ISO3),
        optional ``route_km``.
    max_picks
        Most candidates in the portfolio; default the model's ``max_picks``.
    generate
        Generate links from fragile and unconnected targets to trusted hubs.
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
    spec, layers, countries = analysis.model, analysis.layers, analysis.outlines
    settings = plan_settings(spec)
    budget = settings.budget_km if budget_km is None else float(budget_km)
    picks_max = settings.max_picks if max_picks is None else int(max_picks)
    notes: list[str] = []
    unlocated: list[str] = []
    if countries is None:
        from cablemap.layers.boundaries import bundled_countries  # noqa: PLC0415

        outlines = bundled_countries()
    else:
        outlines = countries
    scores = analysis.scores
    engine = analysis.engine
    hyper = engine.hypergraph()
    intl = {iso: len(c) for iso, c in engine.international_cables.items()}
    hubs = [
        h
        for h in pick_hubs(intl, list(spec.resilience["hubs"]), int(spec.resilience["hub_count"]))
        if h in hyper.countries
    ]
    # ---- targets
    region = sorted(spec.region.countries)
    why_not: dict[str, str] = {}
    for iso in region:
        sovereign = settings.territories.get(iso)
        if iso in spec.dcs_exclude:
            why_not[iso] = "DCS exclusion"
        elif iso in settings.not_targets:
            why_not[iso] = "not a target (plan.not_targets)"
        elif iso in settings.landlocked:
            why_not[iso] = "landlocked"
        elif (
            sovereign
            and not settings.target_territories
            and (sovereign in spec.dcs_exclude or sovereign in settings.partners)
        ):
            why_not[iso] = f"territory of {sovereign}"
        elif iso in hubs:
            why_not[iso] = "hub of the global network"
    targets = [iso for iso in region if iso not in why_not]
    reported = [iso for iso in region if iso not in targets and iso not in settings.landlocked]
    placeless = [iso for iso in targets if iso not in hyper.countries]
    new_place = {iso: hyper.n_places + i for i, iso in enumerate(placeless)}
    state = _State(hyper, hubs, targets, new_place)
    before = dict(state.min_cut)
    base_all = resilience(hyper, hubs, landing_points=False, only=reported)
    # ---- population weights
    pop = population_table(settings.population)
    known = pop.reindex(targets)
    if settings.population_scale == "none":
        weight = pd.Series(1.0, index=targets)
    else:
        scaled = np.log10(known.clip(lower=10)) if settings.population_scale == "log10" else known
        weight = scaled / scaled.max()
        unknown = sorted(weight.index[weight.isna()])
        if unknown:
            fill = float(weight.median())
            weight = weight.fillna(fill)
            notes.append(
                f"population unknown for {unknown}: weighted as the median target ({fill:.3f})"
            )
    # ---- country facts for exposure and DCS priority
    table = scores.countries.set_index("iso3")
    wts = spec.weights["country"]
    frag_comps = spec.dcs_fragility_components
    wsum = sum(wts[c] for c in frag_comps) or 1.0
    n_cables = {iso: int(table.at[iso, "cables"]) if iso in table.index else 0 for iso in targets}
    exposure = {
        iso: 1.0
        if state.min_cut[iso] == 0 or iso not in table.index
        else float(table.at[iso, "vendor_exposure"])
        for iso in targets
    }
    other_frag = {
        iso: sum(
            wts[c] * (float(table.at[iso, c]) if iso in table.index else 1.0)
            for c in frag_comps
            if c != "fragility"
        )
        for iso in targets
    }
    eligible = {iso for iso in targets if iso not in spec.dcs_exclude}
    # ---- candidates
    lp_place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    lp_country = dict(zip(hyper.lp_ids, hyper.lp_country, strict=True))
    lps = layers.landing_points.set_index("lp_id")
    active_lps = set(
        layers.cable_landings.loc[
            layers.cable_landings["cable_id"].isin(engine.active_cables), "lp_id"
        ]
    )
    profile = spec.vendor_profile
    cands: list[_Candidate] = []
    cables = layers.cables.set_index("cable_id")
    planned_ids = sorted(cables.index[cables["status"] == "planned"])
    links = layers.cable_landings.groupby("cable_id")["lp_id"].apply(list)

    def exposure_of(suppliers: list[str], owners: list[str]) -> float:
        def worst(names: list[str]) -> float:
            tiers = [profile.tier(n) for n in names] or ["unrated"]
            return max(profile.tier_scores[t] for t in tiers)

        return max(
            worst(suppliers) * profile.role_weights["supplier"],
            worst(owners) * profile.role_weights["owner"],
        )

    for cid in planned_ids:
        ids = [i for i in links.get(cid, []) if i in lp_place]
        if len(ids) < 2:
            continue
        row = cables.loc[cid]
        km = row.get("length_km")
        km = float(km) if km is not None and not pd.isna(km) else float(row.get("route_km") or 0)
        cands.append(
            _Candidate(
                cid,
                "planned",
                sorted({lp_country[i] for i in ids if lp_country[i]}),
                sorted({lp_place[i] for i in ids}),
                km,
                exposure_of(names_or_empty(row["suppliers"]), names_or_empty(row["owners"])),
                row.geometry,
            )
        )

    def main_lp(iso: str) -> str | None:
        own = [i for i in hyper.lp_ids if lp_country[i] == iso and i in active_lps]
        if not own:
            return None
        counts = layers.cable_landings["lp_id"].value_counts()
        return max(own, key=lambda i: (int(counts.get(i, 0)), i))

    def endpoint(text: str) -> tuple[str, int | None, tuple[float, float] | None]:
        if text in lp_place:
            geom = lps.geometry.loc[text]
            return lp_country[text], lp_place[text], (geom.x, geom.y)
        iso = text.upper()
        lp = main_lp(iso)
        if lp is not None:
            geom = lps.geometry.loc[lp]
            return iso, lp_place[lp], (geom.x, geom.y)
        if iso in new_place:
            return iso, new_place[iso], _location(iso, outlines)
        msg = f"candidate end {text!r} is no landing point id or ISO3 code of the region"
        raise ScenarioError(msg)

    analyst = list(extra_candidates or [])
    if candidates_file is not None:
        from cablemap.risk.planning.candidates import read_candidates  # noqa: PLC0415

        analyst += read_candidates(candidates_file)
    for row in analyst:
        a_iso, a_place, a_xy = endpoint(str(row["from"]))
        b_iso, b_place, b_xy = endpoint(str(row["to"]))
        km_text = row.get("route_km")
        geometry = None
        if km_text not in (None, ""):
            km = float(km_text)
        elif a_xy is not None and b_xy is not None:
            km, geometry = _sea_route(a_xy, b_xy)
        else:
            km = float("nan")
        cands.append(
            _Candidate(
                str(row["id"]),
                "analyst",
                sorted({a_iso, b_iso} - {""}),
                sorted({a_place, b_place} - {None}),  # type: ignore[arg-type]
                km,
                settings.candidate_exposure,
                geometry,
            )
        )
    if generate:
        trusted = [
            iso
            for iso, r in resilience(hyper, hubs, landing_points=False).countries.items()
            if iso not in settings.untrusted
            and (r["status"] == "hub" or (r["min_cut"] or 0) >= settings.hub_min_cut)
        ]
        hub_lps = [i for i in hyper.lp_ids if lp_country[i] in trusted and i in active_lps]
        hx = np.array([lps.geometry.loc[i].x for i in hub_lps])
        hy = np.array([lps.geometry.loc[i].y for i in hub_lps])
        for iso in targets:
            if state.min_cut[iso] not in (0, 1):
                continue
            lp = main_lp(iso) or next((i for i in hyper.lp_ids if lp_country[i] == iso), None)
            if lp is not None:
                origin = (lps.geometry.loc[lp].x, lps.geometry.loc[lp].y)
                place = lp_place[lp]
            else:
                loc = _location(iso, outlines)
                if loc is None:
                    unlocated.append(iso)
                    continue
                origin, place = loc, new_place[iso]
            d = distances_m(np.full(len(hx), origin[0]), np.full(len(hx), origin[1]), hx, hy)
            nearest: dict[str, int] = {}
            for k in np.argsort(d):
                c = lp_country[hub_lps[k]]
                if c != iso and c not in nearest:
                    nearest[c] = int(k)
                if len(nearest) >= settings.hubs_per_target:
                    break
            for c, k in nearest.items():
                far = hub_lps[k]
                km, line = _sea_route(origin, (hx[k], hy[k]))
                cands.append(
                    _Candidate(
                        f"link:{iso}-{far}",
                        "generated",
                        sorted({iso, c}),
                        sorted({int(place), lp_place[far]}),
                        km,
                        settings.candidate_exposure,
                        line,
                    )
                )
    if unlocated:
        notes.append(
            f"no landing point and no country polygon, so no generated link, for {unlocated}: "
            "pass country polygons (Natural Earth 10m) to locate them"
        )
    if not cands:
        msg = "no candidate: no planned cable, no analyst link and nothing to generate"
        raise ScenarioError(msg)

    # ---- evaluation (vectorised over candidates x target countries)
    def evaluate(pool: list[_Candidate]) -> pd.DataFrame:
        inc = np.zeros((len(pool), state.n_places), dtype=np.float32)
        for r, cand in enumerate(pool):
            inc[r, [p for p in cand.places if p < state.n_places]] = 1
        gain = (inc @ state.s.T.astype(np.float32) > 0) & (inc @ state.t.T.astype(np.float32) > 0)
        m = np.array([state.min_cut[i] if state.min_cut[i] is not None else -1 for i in targets])
        w = weight.reindex(targets).to_numpy()
        live = m >= 0
        safe = np.maximum(m, 0)
        res_gain = np.where(live, 1 / (safe + 1) - 1 / (safe + 2), 0.0)
        comp_res = (gain * (w * res_gain)).sum(axis=1)
        comp_status = (gain * (w * ((m <= 1) & live))).sum(axis=1)
        index = {iso: j for j, iso in enumerate(targets)}
        comp_trust = np.zeros(len(pool))
        comp_dcs = np.zeros(len(pool))
        for r, cand in enumerate(pool):
            touched = {i for i in cand.countries if i in index}
            for iso in touched | {targets[j] for j in np.flatnonzero(gain[r])}:
                j = index[iso]
                e0 = exposure[iso]
                e1 = (
                    (e0 * n_cables[iso] + cand.exposure) / (n_cables[iso] + 1)
                    if iso in touched and m[j] != 0
                    else (cand.exposure if iso in touched else e0)
                )
                if iso in touched:
                    comp_trust[r] += w[j] * (e0 - e1)
                if iso in eligible and m[j] >= 0:
                    f0 = 1 / max(m[j], 1)
                    f1 = 1 / max(m[j] + int(gain[r, j]), 1)
                    fi0 = (wts["fragility"] * f0 + other_frag[iso]) / wsum
                    fi1 = (wts["fragility"] * f1 + other_frag[iso]) / wsum
                    comp_dcs[r] += w[j] * (e0 * fi0 - e1 * fi1)
        frame = pd.DataFrame(
            {
                "resilience": comp_res,
                "status": comp_status,
                "trusted_paths": comp_trust,
                "dcs_priority": comp_dcs,
            }
        )
        frame["benefit"] = sum(settings.weights[c] * frame[c] for c in BENEFIT_COMPONENTS)
        frame["gain"] = [[targets[j] for j in np.flatnonzero(g)] for g in gain]
        return frame

    t_setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    first = evaluate(cands)
    t_eval = time.perf_counter() - t1
    per_km = first["benefit"] / pd.Series([max(c.route_km, 1.0) for c in cands]).fillna(1e9)
    candidates = pd.DataFrame(
        {
            "id": [c.id for c in cands],
            "kind": [c.kind for c in cands],
            "countries": [c.countries for c in cands],
            "route_km": [c.route_km for c in cands],
            "benefit": first["benefit"],
            **{c: first[c] for c in BENEFIT_COMPONENTS},
            "benefit_per_1000km": per_km * 1000,
            "gains": first["gain"],
            "geometry": [c.geometry for c in cands],
        }
    )
    candidates["rank"] = (
        candidates["benefit_per_1000km"].rank(ascending=False, method="first").astype(int)
    )
    candidates = candidates.sort_values(["rank"]).reset_index(drop=True)
    # ---- greedy portfolio, recomputing after each pick
    t2 = time.perf_counter()
    left = budget
    chosen: list[str] = []
    picks: list[dict[str, Any]] = []
    pool = list(cands)
    while pool and len(chosen) < picks_max:
        frame = evaluate(pool)
        km = np.array([c.route_km if not math.isnan(c.route_km) else np.inf for c in pool])
        ratio = np.where(
            (km <= left) & (frame["benefit"].to_numpy() > 0),
            frame["benefit"] / np.maximum(km, 1.0),
            -1,
        )
        best = int(np.argmax(ratio))
        if ratio[best] <= 0:
            break
        cand = pool.pop(best)
        row = frame.iloc[best]
        steps = [
            f"{iso} {status_of(state.min_cut[iso])} ({state.min_cut[iso]}) -> "
            f"{(state.min_cut[iso] or 0) + 1} cable(s)"
            for iso in row["gain"]
        ]
        reason = (
            f"best benefit per km within the {left:,.0f} km left: "
            f"{float(row['benefit']):.3f} for {cand.route_km:,.0f} km; "
            + ("raises " + "; ".join(steps) if steps else "adds a trusted path")
            + (
                f"; vendor exposure falls where it lands ({float(row['trusted_paths']):.3f})"
                if row["trusted_paths"] > 0
                else ""
            )
        )
        picks.append(
            {
                "id": cand.id,
                "benefit": float(row["benefit"]),
                "route_km": cand.route_km,
                "reason": reason,
            }
        )
        chosen.append(cand.id)
        left -= cand.route_km
        for iso in cand.countries:
            if iso in n_cables:
                exposure[iso] = (
                    cand.exposure
                    if state.min_cut[iso] == 0
                    else (exposure[iso] * n_cables[iso] + cand.exposure) / (n_cables[iso] + 1)
                )
                n_cables[iso] += 1
        state.add(cand)
    t_portfolio = time.perf_counter() - t2
    after = dict(state.min_cut)
    rows = []
    pop_all = pop.reindex(region)
    for iso in region:
        if iso in before:
            b, a = before[iso], after[iso]
        else:
            entry = base_all.countries.get(iso)
            b = a = None if entry is None else entry["min_cut"]
            if entry is None:
                b = a = 0
        hub = iso in hubs
        rows.append(
            {
                "iso3": iso,
                "min_cut_before": b,
                "min_cut_after": a,
                "status_before": status_of(b, hub=hub),
                "status_after": status_of(a, hub=hub),
                "target": iso in targets,
                "why_not_target": why_not.get(iso, ""),
                "population": None if pd.isna(pop_all.get(iso)) else float(pop_all[iso]),
                "weight": float(weight[iso]) if iso in weight.index else None,
            }
        )
    logger.info(
        "Planned: %d candidates, %d picked, %.0f of %.0f km used",
        len(cands),
        len(chosen),
        budget - left,
        budget,
    )
    timings = {"setup": t_setup, "evaluate": t_eval, "portfolio": t_portfolio}
    return Plan(candidates, chosen, picks, pd.DataFrame(rows), budget, notes, timings)
