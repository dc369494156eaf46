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
from cablemap.risk.components import (
    Facts,
    cable_components,
    compute_facts,
    country_components,
    hazard_components,
    landing_point_components,
    tier_shares,
)
from cablemap.risk.faults import FaultRates, fault_rates
from cablemap.risk.spec import COMPONENTS, ModelSpec, load_model
from cablemap.risk.topology import Network, build_network

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from cablemap.layers.collection import Layers

logger = logging.getLogger(__name__)

ID_COLUMNS = {"landing_point": "lp_id", "cable": "cable_id", "country": "iso3"}
PLURALS = {"landing_point": "landing_points", "cable": "cables", "country": "countries"}
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
    """

    landing_points: gpd.GeoDataFrame
    cables: gpd.GeoDataFrame
    countries: pd.DataFrame
    model: ModelSpec
    network: Network
    sensitivity: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def table(self, entity: str) -> pd.DataFrame:
        """Return the scored table of ``"landing_point"``, ``"cable"`` or ``"country"``."""
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
        msg = f"no landing point, cable or country has id {row_id!r}; closest: {close or 'none'}"
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
        "name iso3 country cables international_cables redundancy_cables criticality "
        f"criticality_rank {_TIER_SHARES} top_n_share in_region"
    ).split(),
    "cable": (
        "name status countries international suppliers owners supplier_tier owner_tier tier "
        "high_tier_vendors chokepoints faults_per_year quakes_per_year top_n_share in_region"
    ).split(),
    "country": (
        "name cables international_cables redundancy_cables landing_stations criticality "
        f"criticality_rank dcs_fragility_index dcs_priority dcs_rank {_TIER_SHARES} "
        "top_n_share in_region"
    ).split(),
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
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2:
        return 1.0
    da = np.sign(a[:, None] - a[None, :])
    db = np.sign(b[:, None] - b[None, :])
    upper = np.triu_indices(len(a), k=1)
    da, db = da[upper], db[upper]
    concordant = float(np.sum(da * db))
    denom = np.sqrt(float(np.sum(da != 0)) * float(np.sum(db != 0)))
    return concordant / denom if denom else 1.0


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
        in_top = np.zeros(len(base))
        results = []
        for j in range(draws):
            in_top[_top(all_scores[:, j], len(top))] += 1
            results.append(_compare(base, all_scores[:, j], top))
        taus, overlaps = np.array(results).T
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


def score(
    layers: Layers,
    model: ModelSpec | str | Path | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    network: Network | None = None,
    hazards: gpd.GeoDataFrame | None = None,
) -> Scores:
    """Score every landing point, cable and country of the loaded layers.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    model
        A :class:`ModelSpec`, the path of a model TOML, or ``None`` for
        ``risk_models/dcs-v1.toml``.
    countries
        Country polygons (``iso3``, geometry) for landmasses (terrestrial links); without
        them a ``landmass`` column of the landing points is used if present.
    network
        A network built earlier from the same layers and model, to skip rebuilding it.
    hazards
        An earthquake catalogue for the ``hazard`` component; by default ``layers.hazards``.
        Without one the component is 0 (and scores that do not weigh it are unchanged).

    Returns
    -------
    Scores
        Scored landing points, cables and countries, sensitivity, notes.

    Examples
    --------
    >>> import cablemap as cm
    >>> scores = cm.score(cm.load())
    >>> scores.explain("TON")["redundancy_cables"]
    1
    """
    spec = model if isinstance(model, ModelSpec) else load_model(model)
    if network is None:
        network = build_network(
            layers,
            statuses=spec.statuses,
            countries=countries,
            landing_snap_km=spec.topology["landing_snap_km"],
            join_km=spec.topology["join_km"],
            terrestrial_links=spec.topology["terrestrial_links"],
            cross_border=spec.topology["cross_border"],
        )
    facts = compute_facts(layers, spec, network)
    values = {
        "landing_point": landing_point_components(facts, network, layers.landing_points),
        "cable": cable_components(facts),
        "country": country_components(facts, layers.landing_points),
    }
    quakes = layers.hazards if hazards is None else hazards
    rates = _add_hazard(values, facts, spec, network, layers, quakes)
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
    lp_table = _landing_point_table(tables["landing_point"], layers, facts, region)
    cable_table = _cable_table(tables["cable"], layers, facts, region, rates)
    country_table = _country_table(tables["country"], layers, facts, spec)
    for frame in (lp_table, cable_table, country_table):
        frame.attrs["risk_model"] = spec.name
    notes = list(network.notes)
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
    return Scores(lp_table, cable_table, country_table, spec, network, sensitivity, notes)


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
    table: pd.DataFrame, layers: Layers, facts: Facts, region: frozenset[str]
) -> gpd.GeoDataFrame:
    lps = layers.landing_points.set_index("lp_id")
    f = facts.cables
    table = table.copy()
    table["cables"] = [len(facts.lp_cables.get(lp, [])) for lp in table.index]
    table["international_cables"] = [
        sum(bool(f.at[c, "international"]) for c in facts.lp_cables.get(lp, []))
        for lp in table.index
    ]
    table["redundancy_cables"] = [facts.lp_redundancy.get(lp, 0) for lp in table.index]
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
    table: pd.DataFrame, layers: Layers, facts: Facts, spec: ModelSpec
) -> pd.DataFrame:
    lps = layers.landing_points
    names = lps.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
    out = table.copy()
    out.insert(0, "name", [names.get(i, i) for i in out.index])
    out["cables"] = [len(facts.country_cables.get(i, [])) for i in out.index]
    out["international_cables"] = [len(facts.country_intl.get(i, [])) for i in out.index]
    # with whole cables failing, the fewest that isolate a country are exactly its international
    # cables (domestic cables and land links never reach abroad); a land link abroad: never
    out["redundancy_cables"] = [
        None if i in facts.land_linked_abroad else len(facts.country_intl.get(i, []))
        for i in out.index
    ]
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
    out["dcs_priority"] = (out["vendor_exposure"] * fragility_index).where(eligible)
    out["dcs_rank"] = out["dcs_priority"].rank(ascending=False, method="min").astype("Int64")
    out.index.name = "iso3"
    return out.reset_index().sort_values(["rank", "iso3"]).reset_index(drop=True)
