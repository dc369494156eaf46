"""Explainable scores for every landing point, cable and country, and how stable their ranks are.

Each entity's ``score`` is ``sum(weight_c x value_c)`` over its components (weights from the
model file, summing to 1), so every row carries, per component ``c``: ``c`` (the value),
``c_weight`` and ``c_contribution``; the contributions sum to the score. ``rank`` 1 is the
highest score. Pure: the layers are never modified.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from cablemap._tables import json_safe
from cablemap._validate import is_missing
from cablemap.risk.hazards.rates import FaultRates, fault_rates
from cablemap.risk.model.spec import COMPONENTS, ModelSpec
from cablemap.risk.network.resilience import (
    Resilience,
    status_of,
)
from cablemap.risk.network.topology import Network
from cablemap.risk.scoring.components import (
    Facts,
    cable_components,
    country_components,
    hazard_components,
    landing_point_components,
    tier_shares,
)
from cablemap.risk.scoring.exposure import country_exposure, exposure_evidence
from cablemap.risk.scoring.facilities import FACILITY_CONTEXT, facility_components, facility_table
from cablemap.risk.scoring.metros import (
    METRO_CONTEXT,
    metro_components,
    metro_of_sites,
    metro_table,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis

logger = logging.getLogger(__name__)

ID_COLUMNS = {
    "landing_point": "lp_id",
    "cable": "cable_id",
    "country": "iso3",
    "facility": "fac_id",
    "metro": "metro_id",
}
PLURALS = {
    "landing_point": "landing_points",
    "cable": "cables",
    "country": "countries",
    "facility": "facilities",
    "metro": "metros",
}
"""Each entity's plural: the :class:`Scores` attribute and the key of its rows in JSON output."""


@dataclass
class Scores:
    """Scored layers of one model run.

    Attributes
    ----------
    landing_points, cables
        GeoDataFrames (EPSG:4326) with ``score``, ``rank``, the components with their weights
        and contributions, and context columns.
    countries
        DataFrame indexed by row with ``iso3``, the same score columns, ``redundancy_cables``,
        ``dcs_priority`` and ``dcs_rank``.
    model
        The model that produced them.
    network
        The segment graph they were computed on.
    sensitivity
        One row per perturbation test: ``entity``, ``test``, ``kendall_tau``, ``top_n_overlap``.
    notes
        Assumptions and fallbacks an analyst should know.
    resilience
        Exact resilience of every country and landing point (hubs, minimum cuts).
    facilities, metros
        Scored facilities (``fac_id``) and metro nodes (``metro_id``, ``members``), where the
        model weighs them (:mod:`cablemap.risk.scoring.facilities`,
        :mod:`cablemap.risk.scoring.metros`);
        ``None`` otherwise.
    evidence
        The cited rows behind the countries' per-domain exposure
        (:func:`cablemap.risk.scoring.exposure.exposure_evidence`).
    """

    landing_points: gpd.GeoDataFrame
    cables: gpd.GeoDataFrame
    countries: pd.DataFrame
    model: ModelSpec
    network: Network
    sensitivity: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    resilience: Resilience | None = None
    facilities: gpd.GeoDataFrame | None = None
    metros: gpd.GeoDataFrame | None = None
    evidence: pd.DataFrame | None = None

    def table(self, entity: str) -> pd.DataFrame:
        """Return the scored table of an entity (an unscored facility or metro: empty).

        ``entity`` is ``"landing_point"``, ``"cable"``, ``"country"``, ``"facility"`` or
        ``"metro"``.
        """
        if entity in ("facility", "metro"):
            frame = self.facilities if entity == "facility" else self.metros
            if frame is None:
                return pd.DataFrame(columns=[ID_COLUMNS[entity], "score", "rank", "in_region"])
            return frame
        return {
            "landing_point": self.landing_points,
            "cable": self.cables,
            "country": self.countries,
        }[entity]

    def explain(self, row_id: str) -> dict[str, Any]:
        """Return the full breakdown of one landing point, cable or country.

        Parameters
        ----------
        row_id
            An ``lp_id``, ``cable_id`` or ISO3 code.

        Returns
        -------
        dict
            ``entity``, ``id``, ``name``, ``score``, ``rank``, ``components`` (``{name:
            {"value", "weight", "contribution"}}``) and the row's context columns.

        Raises
        ------
        KeyError
            If no row has that id; the message lists close matches.
        """
        for entity, col in ID_COLUMNS.items():
            frame = self.table(entity)
            hit = frame[frame[col] == row_id]
            if len(hit):
                return row_dict(entity, hit.iloc[0], self.model)
        import difflib  # noqa: PLC0415 - error path only

        ids = [str(i) for e, c in ID_COLUMNS.items() for i in self.table(e)[c]]
        close = difflib.get_close_matches(row_id, ids, n=5)
        msg = (
            f"no landing point, cable, country, facility or metro has id {row_id!r}; "
            f"closest: {close or 'none'}"
        )
        raise KeyError(msg)

    def ranked(
        self, entity: str, *, top: int | None = None, region_only: bool = False
    ) -> pd.DataFrame:
        """Return one entity's scored rows, best first (by ``rank``, then id).

        Parameters
        ----------
        entity
            ``"landing_point"``, ``"cable"`` or ``"country"``.
        top
            Keep only the first ``top`` rows; ``None`` keeps them all.
        region_only
            Keep only the rows in the model's region (``in_region``).

        Returns
        -------
        pandas.DataFrame
            The rows of :meth:`table` (with their geometry, if any), sorted and filtered.

        Raises
        ------
        ValueError
            If ``entity`` is not one of the three.

        Examples
        --------
        >>> scores.ranked("country", top=3, region_only=True)["iso3"].tolist()  # doctest: +SKIP
        """
        if entity not in ID_COLUMNS:
            msg = f"`entity` was {entity!r} but is expected to be in {list(ID_COLUMNS)}"
            raise ValueError(msg)
        frame = self.table(entity)
        if region_only:
            frame = frame[frame["in_region"]]
        frame = frame.sort_values(["rank", ID_COLUMNS[entity]])
        return frame if top is None else frame.head(top)

    def rows(
        self, entity: str, *, top: int | None = None, region_only: bool = False
    ) -> list[dict[str, Any]]:
        """Return one entity's ranked rows as plain dicts, as :meth:`explain` shows one row.

        Parameters
        ----------
        entity
            ``"landing_point"``, ``"cable"`` or ``"country"``.
        top
            Keep only the ``top`` best rows; ``None`` keeps them all.
        region_only
            Keep only the rows in the model's region.

        Returns
        -------
        list of dict
            Per row, best first: ``entity``, ``id``, ``score``, ``rank``, ``components``
            (``{name: {"value", "weight", "contribution"}}``), ``model`` and context columns.
        """
        frame = self.ranked(entity, top=top, region_only=region_only)
        return [row_dict(entity, row, self.model) for _, row in frame.iterrows()]

    def to_json_dict(
        self,
        entities: Iterable[str] | None = None,
        *,
        top: int | None = None,
        region_only: bool = False,
    ) -> dict[str, Any]:
        """Return the scores as one dict, the payload of ``cablemap score --format json``.

        Parameters
        ----------
        entities
            Which of ``"landing_point"``, ``"cable"``, ``"country"`` to include, in the order
            given; ``None`` includes all three.
        top
            Keep only each entity's ``top`` best rows; ``None`` keeps them all.
        region_only
            Keep only the rows in the model's region.

        Returns
        -------
        dict
            One key per entity's plural (``"landing_points"``, ``"cables"``,
            ``"countries"``) holding its :meth:`rows`, then ``"model"`` (``name``, ``path``,
            ``weights``), ``"sensitivity"`` (one record per perturbation test) and
            ``"notes"``; plain JSON data (a value that could not be computed is ``None``).

        Examples
        --------
        >>> import cablemap as cm
        >>> payload = cm.score(cm.load()).to_json_dict(["country"], top=3)
        >>> [row["id"] for row in payload["countries"]]  # doctest: +SKIP
        """
        payload: dict[str, Any] = {}
        for entity in PLURALS if entities is None else entities:
            rows = self.rows(entity, top=top, region_only=region_only)  # checks the name
            payload[PLURALS[entity]] = rows
        payload["model"] = {
            "name": self.model.name,
            "path": self.model.path,
            "weights": self.model.weights,
        }
        payload["sensitivity"] = json_safe(self.sensitivity.to_dict(orient="records"))
        payload["notes"] = self.notes
        return payload


_TIER_SHARES = "tier_share_high tier_share_elevated tier_share_unrated tier_share_trusted"
_CONTEXT = {
    "landing_point": (
        "name iso3 country cables international_cables redundancy_cables status min_cut_cables "
        "criticality "
        f"criticality_rank {_TIER_SHARES} top_n_share in_region"
    ).split(),
    "cable": (
        "name status countries international suppliers owners supplier_tier owner_tier tier "
        "high_tier_vendors chokepoints faults_per_year quakes_per_year top_n_share in_region"
    ).split(),
    "country": (
        "name cables international_cables redundancy_cables status min_cut_cables "
        "landing_stations criticality "
        f"criticality_rank dcs_fragility_index dcs_priority dcs_rank {_TIER_SHARES} "
        "top_n_share in_region"
    ).split(),
    "facility": [c for c in FACILITY_CONTEXT if c != "fac_id"],
    "metro": [c for c in METRO_CONTEXT if c != "metro_id"],
}


def row_dict(entity: str, row: pd.Series, model: ModelSpec) -> dict[str, Any]:
    """One scored row as plain data: id, score, rank, components and context."""
    out: dict[str, Any] = {
        "entity": entity,
        "id": row[ID_COLUMNS[entity]],
        "score": round(float(row["score"]), 6),
        "rank": int(row["rank"]),
        "components": {
            c: {
                "value": round(float(row[c]), 6),
                "weight": float(row[f"{c}_weight"]),
                "contribution": round(float(row[f"{c}_contribution"]), 6),
            }
            for c in COMPONENTS[entity]
        },
        "model": model.name,
    }
    for col in _CONTEXT[entity]:
        if col in row.index:
            out[col] = json_safe(row[col])
    if entity == "country":
        for col in row.index:
            if col.startswith("exposure_") or col == "evidence_domains":
                out[col] = json_safe(row[col])
    return out


def _weighted(values: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    out = values.copy()
    total = np.zeros(len(values))
    for comp, weight in weights.items():
        out[f"{comp}_weight"] = weight
        out[f"{comp}_contribution"] = values[comp] * weight
        total = total + out[f"{comp}_contribution"].to_numpy()
    out["score"] = total
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    return out


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-b between two score vectors (1 = same order, -1 = reversed)."""
    b = np.asarray(b, dtype=float)
    return float(_kendall_taus(a, b[:, None])[0])


def _kendall_taus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kendall's tau-b between the vector ``a`` and each column of ``b`` (counts, so exact)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2:
        return np.ones(b.shape[1])
    upper = np.triu_indices(len(a), k=1)
    da = np.sign(a[upper[0]] - a[upper[1]])
    db = np.sign(b[upper[0]] - b[upper[1]])
    concordant = np.sum(da[:, None] * db, axis=0)
    denom = np.sqrt(float(np.sum(da != 0)) * np.sum(db != 0, axis=0).astype(float))
    return np.where(denom > 0, concordant / np.where(denom > 0, denom, 1.0), 1.0)


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    return np.argsort(-scores, kind="stable")[:n]


def _compare(base: np.ndarray, scores: np.ndarray, top: np.ndarray) -> tuple[float, float]:
    """Kendall tau over the base top N, and the share of the base top N still in the top N."""
    new_top = set(_top(scores, len(top)).tolist())
    overlap = len(new_top & set(top.tolist())) / max(len(top), 1)
    return kendall_tau(base[top], scores[top]), overlap


def _sensitivity(
    values: dict[str, pd.DataFrame], model: ModelSpec
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Perturb the weights; report how stable each entity's top N is.

    One component at a time by ±p, then ``draws`` joint draws of every weight in
    ``[w(1-p), w(1+p)]`` (renormalised). Scores are linear in the weights, so each test is one
    matrix product.
    """
    p = model.sensitivity["perturbation"]
    top_n = int(model.sensitivity["top_n"])
    draws = int(model.sensitivity["draws"])
    rng = np.random.default_rng(int(model.sensitivity["seed"]))
    rows: list[dict[str, Any]] = []
    stability: dict[str, pd.Series] = {}
    for entity, frame in values.items():
        comps = COMPONENTS[entity]
        w = np.array([model.weights[entity][c] for c in comps])
        v = frame[list(comps)].to_numpy(dtype=float)
        base = v @ w
        top = _top(base, min(top_n, len(base)))
        for i, comp in enumerate(comps):
            if w[i] == 0:
                continue
            for sign in (1, -1):
                bumped = w.copy()
                bumped[i] *= 1 + sign * p
                tau, overlap = _compare(base, v @ (bumped / bumped.sum()), top)
                rows.append(
                    {
                        "entity": entity,
                        "test": f"{comp} {'+' if sign > 0 else '-'}{p:.0%}",
                        "kendall_tau": round(tau, 4),
                        "top_n_overlap": round(overlap, 4),
                    }
                )
        if not draws:
            continue
        sampled = w * rng.uniform(1 - p, 1 + p, size=(draws, len(w)))
        all_scores = v @ (sampled / sampled.sum(axis=1, keepdims=True)).T
        # every draw's top N at once (a stable sort per column, as _top)
        tops = np.argsort(-all_scores, axis=0, kind="stable")[: len(top)]
        in_top = np.bincount(tops.ravel(), minlength=len(base)).astype(float)
        overlaps = np.isin(tops, top).sum(axis=0) / max(len(top), 1)
        taus = _kendall_taus(base[top], all_scores[top])
        rows.append(
            {
                "entity": entity,
                "test": f"{draws} random draws ±{p:.0%} (median; min)",
                "kendall_tau": round(float(np.median(taus)), 4),
                "top_n_overlap": round(float(np.median(overlaps)), 4),
                "kendall_tau_min": round(float(np.min(taus)), 4),
                "top_n_overlap_min": round(float(np.min(overlaps)), 4),
            }
        )
        stability[entity] = pd.Series(in_top / draws, index=frame.index)
    return pd.DataFrame(rows), stability


def compute_scores(analysis: Analysis) -> Scores:
    """Score every landing point, cable, country, facility and metro of an analysis.

    The public entry point is :func:`cablemap.score` (or :attr:`Analysis.scores
    <cablemap.risk.analysis.Analysis.scores>`), which makes the analysis; this function reads
    its network, facts and exact resilience and never builds them.

    Parameters
    ----------
    analysis
        The release, model and outlines, with their network
        (:class:`~cablemap.risk.analysis.Analysis`).

    Returns
    -------
    Scores
        Scored landing points, cables and countries, sensitivity, notes.
    """
    spec, layers, network = analysis.model, analysis.layers, analysis.network
    facts = analysis.facts
    res = analysis.resilience
    countries_values = _with_unconnected(
        country_components(facts, layers.landing_points, res), spec
    )
    values = {
        "landing_point": landing_point_components(facts, network, layers.landing_points, res),
        "cable": cable_components(facts),
        "country": countries_values,
    }
    rates = _add_hazard(values, facts, spec, network, layers, analysis.hazards)
    evidence = exposure_evidence(layers, spec.vendor_profile)
    country_values = values["country"]
    stack = country_exposure(
        country_values.index,
        country_values["vendor_exposure"],
        pd.Series({i: len(cs) for i, cs in facts.country_cables.items()}, dtype=int),
        evidence,
        spec.vendor_profile,
    )
    country_values["vendor_exposure"] = stack.pop("vendor_exposure")
    sensitivity, stability = _sensitivity(values, spec)
    region = spec.region.countries
    tables = {e: _weighted(v, spec.weights[e]) for e, v in values.items()}
    for entity, table in tables.items():
        if entity in stability:
            table["top_n_share"] = stability[entity]
        comps = spec.criticality_components.get(entity)
        if comps:
            weights = spec.weights[entity]
            total = sum(weights[c] for c in comps) or 1.0
            table["criticality"] = sum(table[c] * weights[c] for c in comps) / total
            table["criticality_rank"] = (
                table["criticality"].rank(ascending=False, method="min").astype(int)
            )
    for entity, groups in (("landing_point", facts.lp_cables), ("country", facts.country_cables)):
        tables[entity] = tables[entity].join(tier_shares(facts, groups, tables[entity].index))
    lp_table = _landing_point_table(tables["landing_point"], layers, facts, region, res)
    cable_table = _cable_table(tables["cable"], layers, facts, region, rates)
    country_table = _country_table(tables["country"], layers, facts, spec, res)
    country_table = country_table.join(stack, on="iso3")
    facilities, metros = _sites(layers, facts, spec)
    for frame in (lp_table, cable_table, country_table, facilities, metros):
        if frame is not None:
            frame.attrs["risk_model"] = spec.name
    notes = list(network.notes)
    notes.extend(_gap_notes(layers.cables))
    if rates is not None:
        notes.extend(rates.notes)
    elif any(spec.weights[e].get("hazard", 0.0) > 0 for e in spec.weights):
        notes.append(
            "no earthquake catalogue: the hazard component is 0 (give one with --hazards or "
            "[layers] hazards)"
        )
    unrouted = facts.cables.index[~facts.cables["has_route"]]
    if len(unrouted):
        notes.append(f"{len(unrouted)} cable(s) without a route count as crossing no chokepoint")
    logger.info(
        "Scored %d landing points, %d cables, %d countries with %r",
        len(lp_table),
        len(cable_table),
        len(country_table),
        spec.name,
    )
    unconnected = sorted(country_table.loc[country_table["status"] == "unconnected", "iso3"])
    if unconnected:
        notes.append(
            f"{len(unconnected)} region countr(ies) with no path to the global network by an "
            f"in-service cable: {unconnected}"
        )
    if "facility" in spec.site_weights and facilities is None:
        notes.append("no facilities layer: facilities are not scored")
    return Scores(
        lp_table,
        cable_table,
        country_table,
        spec,
        network,
        sensitivity,
        notes,
        resilience=res,
        facilities=facilities,
        metros=metros,
        evidence=evidence,
    )


def _with_unconnected(values: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Add a row for every region country without an in-service cable (fragility 1)."""
    missing = sorted(set(spec.region.countries) - set(values.index))
    if not missing:
        return values
    rows = pd.DataFrame(
        {
            "vendor_exposure": 0.0,
            "fragility": 1.0,
            "station_diversity": 1.0,
            "chokepoint": 0.0,
            "transit": 0.0,
            "hub": 0.0,
        },
        index=pd.Index(missing),
    )
    return pd.concat([values, rows[values.columns]])


def _sites(
    layers: Layers, facts: Facts, spec: ModelSpec
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Score facilities and metros where the model weighs them."""
    metros = None
    if "metro" in spec.site_weights:
        comps, context = metro_components(layers, facts, spec)
        metros = metro_table(_weighted(comps, spec.site_weights["metro"]), context, spec)
    facilities = None
    has_facilities = layers.facilities is not None and len(layers.facilities) > 0
    if "facility" in spec.site_weights and has_facilities:
        comps, context = facility_components(layers, facts, spec)
        weighted = _weighted(comps, spec.site_weights["facility"])
        facilities = facility_table(layers, weighted, context, spec)
        if metros is not None:
            facilities["metro_id"] = facilities["fac_id"].map(metro_of_sites(metros))
    return facilities, metros


def _gap_notes(cables: pd.DataFrame) -> list[str]:
    """Say how the scores treat what the source does not say (a geometry-only release)."""
    notes = []
    no_status = int(cables["status"].map(is_missing).sum())
    if no_status:
        notes.append(f"{no_status} cable(s) have no status in the source: counted as in service")
    no_vendors = int((cables["suppliers"].map(is_missing) & cables["owners"].map(is_missing)).sum())
    if no_vendors:
        notes.append(
            f"{no_vendors} cable(s) have no suppliers or owners in the source: their vendor "
            "exposure is that of one unrated vendor"
        )
    return notes


def _add_hazard(  # noqa: PLR0917 - the parts of one scoring run
    values: dict[str, pd.DataFrame],
    facts: Facts,
    spec: ModelSpec,
    network: Network,
    layers: Layers,
    quakes: gpd.GeoDataFrame | None,
) -> FaultRates | None:
    """Add the ``hazard`` column to every entity's components; the fault rates, if computed."""
    if quakes is None or quakes.empty:
        for frame in values.values():
            frame["hazard"] = 0.0
        return None
    rates = fault_rates(network, layers, spec.faults, quakes)
    cables, lps, countries = hazard_components(facts, rates.cables["probability_seismic_fault"])
    values["cable"]["hazard"] = cables.reindex(values["cable"].index).fillna(0.0)
    lp_frame, country_frame = values["landing_point"], values["country"]
    lp_frame["hazard"] = [lps.get(i, 0.0) for i in lp_frame.index]
    country_frame["hazard"] = [countries.get(i, 0.0) for i in country_frame.index]
    return rates


def _landing_point_table(
    table: pd.DataFrame,
    layers: Layers,
    facts: Facts,
    region: frozenset[str],
    res: Resilience,
) -> gpd.GeoDataFrame:
    lps = layers.landing_points.set_index("lp_id")
    f = facts.cables
    table = table.copy()
    table["cables"] = [len(facts.lp_cables.get(lp, [])) for lp in table.index]
    international = f["international"].to_dict()
    table["international_cables"] = [
        sum(bool(international[c]) for c in facts.lp_cables.get(lp, [])) for lp in table.index
    ]
    exact = [res.landing_points.get(lp) for lp in table.index]
    table["redundancy_cables"] = [
        facts.lp_redundancy.get(lp, 0) if e is None else e["min_cut"]
        for lp, e in zip(table.index, exact, strict=True)
    ]
    table["status"] = [status_of(0) if e is None else e["status"] for e in exact]
    table["min_cut_cables"] = [[] if e is None else e["cut"] for e in exact]
    out = lps[["name", "country", "iso3", "geometry"]].join(table)
    out["in_region"] = out["iso3"].isin(region)
    out = out.reset_index().sort_values(["rank", "lp_id"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=layers.landing_points.crs)


def _cable_table(
    table: pd.DataFrame,
    layers: Layers,
    facts: Facts,
    region: frozenset[str],
    rates: FaultRates | None = None,
) -> gpd.GeoDataFrame:
    cables = layers.cables.set_index("cable_id")
    columns = "countries international supplier_tier owner_tier tier high_tier_vendors chokepoints"
    context = facts.cables[columns.split()]
    out = (
        cables.loc[table.index, ["name", "status", "owners", "suppliers", "geometry"]]
        .join(context)
        .join(table)
    )
    if rates is not None:
        for col in ("faults_per_year", "quakes_per_year"):
            out[col] = rates.cables[col].reindex(out.index).fillna(0.0)
    out["in_region"] = out["countries"].map(lambda cs: bool(set(cs) & region))
    out = out.reset_index().sort_values(["rank", "cable_id"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=layers.cables.crs)


def _country_table(
    table: pd.DataFrame, layers: Layers, facts: Facts, spec: ModelSpec, res: Resilience
) -> pd.DataFrame:
    lps = layers.landing_points
    names = lps.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
    out = table.copy()
    out.insert(0, "name", [names.get(i, i) for i in out.index])
    out["cables"] = [len(facts.country_cables.get(i, [])) for i in out.index]
    out["international_cables"] = [len(facts.country_intl.get(i, [])) for i in out.index]
    # exact resilience: the fewest whole cables cutting it off from the hubs (None: land-linked)
    exact = {
        i: res.countries.get(i, {"min_cut": 0, "cut": [], "status": "unconnected"})
        for i in out.index
    }
    out["redundancy_cables"] = [exact[i]["min_cut"] for i in out.index]
    out["redundancy_cables"] = out["redundancy_cables"].astype("Int64")
    out["status"] = [exact[i]["status"] for i in out.index]
    out["min_cut_cables"] = [exact[i]["cut"] for i in out.index]
    out["landing_stations"] = [
        round(1 / v) if len(facts.country_intl.get(i, [])) else 0
        for i, v in zip(out.index, out["station_diversity"], strict=True)
    ]
    out["in_region"] = out.index.isin(spec.region.countries)
    weights = spec.weights["country"]
    frag = spec.dcs_fragility_components
    wsum = sum(weights[c] for c in frag) or 1.0
    fragility_index = sum(out[c] * weights[c] for c in frag) / wsum
    eligible = out["in_region"] & ~out.index.isin(spec.dcs_exclude)
    out["dcs_fragility_index"] = fragility_index
    # an unconnected country has no trusted path at all: its exposure counts as 1
    exposure = out["vendor_exposure"].where(out["status"] != "unconnected", 1.0)
    out["dcs_priority"] = (exposure * fragility_index).where(eligible)
    out["dcs_rank"] = out["dcs_priority"].rank(ascending=False, method="min").astype("Int64")
    out.index.name = "iso3"
    return out.reset_index().sort_values(["rank", "iso3"]).reset_index(drop=True)
