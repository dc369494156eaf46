"""Explainable scores for every landing point, cable and country, and how stable their ranks are.

A landing point's, country's, facility's and metro's ``score`` is ``importance^a x
vulnerability^(1 - a)``: each measure a weighted mean of its group's components (weights from
the model file, each group's summing to 1; ``a`` its ``[score] importance_exponent``); a
cable's is one weighted sum. Every row carries, per component ``c``: ``c`` (the value),
``c_weight`` and ``c_contribution`` (a group's contributions add up to its measure).
``rank`` 1 is the highest score. Pure: the layers are never modified. Every field is listed in
``docs/scores.md``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from cablemap._geo import pairs_within_km
from cablemap._tables import json_safe
from cablemap._validate import is_missing
from cablemap.layers.iso_codes import name_of_iso3
from cablemap.risk.hazards.rates import FaultRates, fault_rates
from cablemap.risk.model.spec import COMPONENTS, ModelSpec
from cablemap.risk.network.resilience import (
    Resilience,
    status_of,
)
from cablemap.risk.network.topology import Network
from cablemap.risk.scoring.combine import add_acceptability, group_of, score_range, score_table
from cablemap.risk.scoring.combine import sensitivity as sensitivity_of
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
from cablemap.risk.scoring.status import country_standing

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
    year
        The year analysed: the evidence in force at its end was scored.
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
    year: int | None = None

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
_MEASURES = (
    "importance importance_rank vulnerability vulnerability_rank criticality criticality_rank"
)
_ACCEPT = "top_k_acceptability leaves_top_k_at"
_CONTEXT = {
    "landing_point": (
        "name iso3 country cables international_cables gateway_cables redundancy_cables status "
        f"min_cut_cables {_MEASURES} {_TIER_SHARES} top_n_share {_ACCEPT} in_region"
    ).split(),
    "cable": (
        "name status countries international suppliers owners supplier_tier owner_tier tier "
        f"high_tier_vendors chokepoints faults_per_year quakes_per_year top_n_share {_ACCEPT} "
        "in_region"
    ).split(),
    "country": (
        "name cables international_cables redundancy_cables status min_cut_cables sea_min_cut "
        "sea_min_cut_cables landlocked terrestrial_dependence capital_name capital_lon capital_lat "
        "capital_connected "
        "capital_min_cut capital_cut_cables population_share_unconnected "
        "population_share_single_cable island_groups_known landing_stations "
        f"{_MEASURES} vendor_exposure_low vendor_exposure_high score_low score_high rank_best "
        f"rank_worst rank_uncertain dcs_fragility_index dcs_priority dcs_rank {_TIER_SHARES} "
        f"top_n_share {_ACCEPT} in_region"
    ).split(),
    "facility": [*(c for c in FACILITY_CONTEXT if c != "fac_id"), *_MEASURES.split()[:4]],
    "metro": [*(c for c in METRO_CONTEXT if c != "metro_id"), *_MEASURES.split()[:4]],
}


def row_dict(entity: str, row: pd.Series, model: ModelSpec) -> dict[str, Any]:
    """One scored row as plain data: id, score, rank, how it is formed, components, context.

    ``formula`` says how the score is made (``"importance^0.7 x vulnerability^0.3"`` or
    ``"weighted sum"``); each component gives its ``value``, ``weight``, ``contribution`` and, for a
    product score, its ``group`` (its contributions sum to that group's measure).
    """
    product = model.combination(entity) == "product"
    a = model.importance_exponent
    formula = f"importance^{a:g} x vulnerability^{1 - a:g}" if product else "weighted sum"
    out: dict[str, Any] = {
        "entity": entity,
        "id": row[ID_COLUMNS[entity]],
        "score": round(float(row["score"]), 6),
        "rank": int(row["rank"]),
        "formula": formula,
        "components": {
            c: {
                "value": round(float(row[c]), 6),
                "weight": float(row[f"{c}_weight"]),
                "contribution": round(float(row[f"{c}_contribution"]), 6),
                **({"group": group_of(model, entity, c)} if product else {}),
            }
            for c in COMPONENTS[entity]
            if f"{c}_weight" in row.index
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


def _lp_sites(layers: Layers, spec: ModelSpec) -> dict[str, float]:
    """Interconnection (networks + exchanges) of the facilities within reach of each point."""
    fac = layers.facilities
    if fac is None or not len(fac):
        return {}
    inter = (fac["networks"].fillna(0) + fac["exchanges"].fillna(0)).to_numpy(dtype=float)
    lps = layers.landing_points
    i, j, _ = pairs_within_km(
        lps.geometry.x,
        lps.geometry.y,
        fac.geometry.x,
        fac.geometry.y,
        float(spec.sites["landing_radius_km"]),
    )
    served = np.bincount(i, weights=inter[j] + 1.0, minlength=len(lps))
    return dict(zip(lps["lp_id"], served.tolist(), strict=True))


def _country_sites(layers: Layers) -> dict[str, float]:
    """Interconnection (networks + exchanges, and each facility itself) per country."""
    fac = layers.facilities
    if fac is None or not len(fac):
        return {}
    inter = fac["networks"].fillna(0) + fac["exchanges"].fillna(0) + 1.0
    return {str(k): float(v) for k, v in inter.groupby(fac["iso3"]).sum().items()}


def _country_rows(analysis: Analysis) -> list[str]:
    """Every country scored: with a cable, reached over land, or of the region."""
    facts, res = analysis.facts, analysis.resilience
    return sorted(
        set(facts.country_cables) | set(res.countries) | set(analysis.model.region.countries)
    )


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
    facts, res = analysis.facts, analysis.resilience
    countries = _country_rows(analysis)
    standing = country_standing(analysis, countries)
    capital_cut = {iso: entry["min_cut"] for iso, entry in analysis.capital_resilience.items()}
    values = {
        "landing_point": landing_point_components(
            facts, network, layers.landing_points, res, _lp_sites(layers, spec)
        ),
        "cable": cable_components(facts),
        "country": country_components(
            facts,
            layers.landing_points,
            res,
            countries=countries,
            capital_cut=capital_cut,
            land_links=analysis.land_links,
            sites=_country_sites(layers),
        ),
    }
    rates = _add_hazard(values, facts, spec, network, layers, analysis.hazards)
    year = analysis.analysed_year
    evidence = exposure_evidence(layers, spec.vendor_profile, year)
    country_values = values["country"]
    per_cable = facts.cables["vendor_exposure"].to_dict()
    stack = country_exposure(
        country_values.index,
        country_values["vendor_exposure"],
        pd.Series({i: len(cs) for i, cs in facts.country_cables.items()}, dtype=int),
        evidence,
        spec.vendor_profile,
        shares=layers.operator_shares,
        year=year,
        cable_peak=pd.Series(
            {
                i: max((per_cable.get(c, 0.0) for c in cs), default=np.nan)
                for i, cs in facts.country_cables.items()
            },
            dtype=float,
        ),
    )
    country_values["vendor_exposure"] = stack.pop("vendor_exposure")
    light = getattr(analysis, "light", False)  # a year's table: no draws, no sites
    sensitivity, stability = (pd.DataFrame(), {}) if light else sensitivity_of(values, spec)
    tables = {e: score_table(v, spec, e) for e, v in values.items()}
    tables["country"] = tables["country"].join(
        score_range(
            country_values,
            spec,
            "country",
            "vendor_exposure",
            stack["vendor_exposure_low"],
            stack["vendor_exposure_high"],
        )
    )
    for entity, table in tables.items():
        if entity in stability:
            table["top_n_share"] = stability[entity]
    for entity, groups in (("landing_point", facts.lp_cables), ("country", facts.country_cables)):
        tables[entity] = tables[entity].join(tier_shares(facts, groups, tables[entity].index))
    lp_table = _landing_point_table(tables["landing_point"], layers, facts, spec, res, light)
    cable_table = _cable_table(tables["cable"], layers, facts, spec, rates, light)
    country_table = _country_table(tables["country"], standing, layers, facts, spec, light)
    country_table = country_table.join(stack, on="iso3")
    facilities, metros = (None, None) if light else _sites(layers, facts, spec, country_table)
    for frame in (lp_table, cable_table, country_table, facilities, metros):
        if frame is not None:
            frame.attrs["risk_model"] = spec.name
    notes = _notes(analysis, rates, country_table, facilities)
    logger.info(
        "Scored %d landing points, %d cables, %d countries with %r",
        len(lp_table),
        len(cable_table),
        len(country_table),
        spec.name,
    )
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
        year=year,
    )


def _notes(
    analysis: Analysis,
    rates: FaultRates | None,
    country_table: pd.DataFrame,
    facilities: gpd.GeoDataFrame | None,
) -> list[str]:
    """Say what the analyst should know about these scores: fallbacks and assumptions."""
    spec, layers, facts = analysis.model, analysis.layers, analysis.facts
    network = analysis.network
    notes = list(network.notes)
    notes.extend(_gap_notes(layers.cables))
    if rates is not None:
        notes.extend(rates.notes)
    elif any(spec.all_weights(e).get("hazard", 0.0) > 0 for e in spec.weights):
        notes.append(
            "no earthquake catalogue: the hazard component is 0 (give one with --hazards or "
            "[layers] hazards)"
        )
    unrouted = facts.cables.index[~facts.cables["has_route"]]
    if len(unrouted):
        notes.append(f"{len(unrouted)} cable(s) without a route count as crossing no chokepoint")
    if analysis.land_links is None:
        notes.append("the model names no cited land links: countries are joined by sea only")
    else:
        notes.append(
            f"{len(analysis.land_links)} cited land link(s) in service in "
            f"{analysis.analysed_year}, each a finite unit of cable equivalents "
            f"({spec.land_links['capacity']})"
        )
    in_region = country_table["in_region"]
    for status in ("unconnected", "capital_unconnected"):
        codes = sorted(country_table.loc[in_region & (country_table["status"] == status), "iso3"])
        if codes:
            notes.append(f"{len(codes)} region countr(ies) {status.replace('_', ' ')}: {codes}")
    if "facility" in spec.site_weights and facilities is None:
        notes.append("no facilities layer: facilities are not scored")
    return notes


def _sites(
    layers: Layers, facts: Facts, spec: ModelSpec, countries: pd.DataFrame
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Score facilities and metros where the model weighs them.

    Their vulnerability takes their country's: ``fragility`` (its exact resilience, capital
    included) and, for metros, ``vendor_exposure``.
    """
    by_country = countries.set_index("iso3")
    metros = None
    if "metro" in spec.site_weights:
        comps, context = metro_components(layers, facts, spec)
        iso = context["iso3"] if "iso3" in context.columns else pd.Series(index=comps.index)
        for col in ("fragility", "vendor_exposure"):
            comps[col] = iso.map(by_country[col]).fillna(0.0).to_numpy()
        metros = metro_table(score_table(comps, spec, "metro"), context, spec)
    facilities = None
    has_facilities = layers.facilities is not None and len(layers.facilities) > 0
    if "facility" in spec.site_weights and has_facilities:
        comps, context = facility_components(layers, facts, spec)
        assert layers.facilities is not None  # noqa: S101 - has_facilities
        iso = layers.facilities.set_index("fac_id")["iso3"].reindex(comps.index)
        comps["fragility"] = iso.map(by_country["fragility"]).fillna(0.0).to_numpy()
        weighted = score_table(comps, spec, "facility")
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


def _landing_point_table(  # noqa: PLR0917 - the tables of one scoring
    table: pd.DataFrame,
    layers: Layers,
    facts: Facts,
    spec: ModelSpec,
    res: Resilience,
    light: bool = False,
) -> gpd.GeoDataFrame:
    lps = layers.landing_points.set_index("lp_id")
    f = facts.cables
    table = table.copy()
    table["cables"] = [len(facts.lp_cables.get(lp, [])) for lp in table.index]
    international = f["international"].to_dict()
    table["international_cables"] = [
        sum(bool(international[c]) for c in facts.lp_cables.get(lp, [])) for lp in table.index
    ]
    table["gateway_cables"] = [facts.lp_gateway.get(lp, []) for lp in table.index]
    exact = [res.landing_points.get(lp) for lp in table.index]
    table["redundancy_cables"] = [
        facts.lp_redundancy.get(lp, 0) if e is None else e["min_cut"]
        for lp, e in zip(table.index, exact, strict=True)
    ]
    table["status"] = [status_of(0) if e is None else e["status"] for e in exact]
    table["min_cut_cables"] = [[] if e is None else e["cut"] for e in exact]
    out = lps[["name", "country", "iso3", "geometry"]].join(table)
    out["in_region"] = spec.region.places_in(out["iso3"], out.geometry.x, out.geometry.y)
    out = _with_measures(out, spec, "landing_point", light)
    out = out.reset_index().sort_values(["rank", "lp_id"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=layers.landing_points.crs)


def _with_measures(
    table: pd.DataFrame, spec: ModelSpec, entity: str, light: bool = False
) -> pd.DataFrame:
    """Add ``criticality`` (what the maps size by: importance, else the score) and acceptability."""
    out = table.copy() if light else add_acceptability(table, spec, entity, table["in_region"])
    measure = out["importance"] if "importance" in out.columns else out["score"]
    out["criticality"] = measure
    out["criticality_rank"] = measure.rank(ascending=False, method="min").astype(int)
    return out


def _cables_in_region(
    out: pd.DataFrame, layers: Layers, facts: Facts, spec: ModelSpec
) -> list[bool]:
    """Say which cables are in the region: those with a landing point in it.

    A landing point of a partial member counts only inside its boxes; a cable without
    landing points in the data is in the region when one of its countries is.
    """
    lps = layers.landing_points
    inside = spec.region.places_in(lps["iso3"], lps.geometry.x, lps.geometry.y)
    in_region = set(lps.loc[inside, "lp_id"])
    landings: dict[str, list[str]] = {}
    for lp, cables in facts.lp_cables.items():
        for cable_id in cables:
            landings.setdefault(cable_id, []).append(lp)
    region = spec.region.countries
    return [
        any(lp in in_region for lp in landings[c]) if c in landings else bool(set(cs) & region)
        for c, cs in zip(out.index, out["countries"], strict=True)
    ]


def _cable_table(  # noqa: PLR0917 - the tables of one scoring
    table: pd.DataFrame,
    layers: Layers,
    facts: Facts,
    spec: ModelSpec,
    rates: FaultRates | None = None,
    light: bool = False,
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
    out["in_region"] = _cables_in_region(out, layers, facts, spec)
    if not light:
        out = add_acceptability(out, spec, "cable", out["in_region"])
    out = out.reset_index().sort_values(["rank", "cable_id"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=layers.cables.crs)


def _territories_apart(spec: ModelSpec) -> set[str]:
    """Territories of partner or excluded states (the model's ``[plan] territories``)."""
    plan = spec.plan
    if plan.target_territories:
        return set()
    principals = set(plan.partners) | set(spec.dcs_exclude)
    return {iso for iso, sovereign in plan.territories.items() if sovereign in principals}


def _country_table(  # noqa: PLR0917 - the tables of one scoring
    table: pd.DataFrame,
    standing: pd.DataFrame,
    layers: Layers,
    facts: Facts,
    spec: ModelSpec,
    light: bool = False,
) -> pd.DataFrame:
    lps = layers.landing_points
    names = lps.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
    out = table.join(standing)
    out.insert(0, "name", [names.get(i) or name_of_iso3(i) for i in out.index])
    out["cables"] = [len(facts.country_cables.get(i, [])) for i in out.index]
    out["international_cables"] = [len(facts.country_intl.get(i, [])) for i in out.index]
    out["landing_stations"] = [
        round(1 / v) if len(facts.country_intl.get(i, [])) else 0
        for i, v in zip(out.index, out["station_diversity"], strict=True)
    ]
    out["in_region"] = out.index.isin(spec.region.countries)
    weights = spec.weights["country"]
    frag = spec.dcs_fragility_components
    wsum = sum(weights[c] for c in frag) or 1.0
    fragility_index = sum(out[c] * weights[c] for c in frag) / wsum
    # third countries a cable can reach: the principals, landlocked countries and the
    # territories of partner or excluded states are listed apart
    eligible = (
        out["in_region"]
        & ~out.index.isin(spec.dcs_exclude)
        & ~out["landlocked"]
        & ~out.index.isin(_territories_apart(spec))
    )
    out["dcs_fragility_index"] = fragility_index
    # a country without a path abroad has no trusted path at all: its exposure counts as 1
    unconnected = out["status"].isin(["unconnected", "capital_unconnected"])
    exposure = out["vendor_exposure"].where(~unconnected, 1.0)
    out["dcs_priority"] = (exposure * fragility_index).where(eligible)
    out["dcs_rank"] = out["dcs_priority"].rank(ascending=False, method="min").astype("Int64")
    out = _with_measures(out, spec, "country", light)
    out.index.name = "iso3"
    return out.reset_index().sort_values(["rank", "iso3"]).reset_index(drop=True)
