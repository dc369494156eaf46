"""Score components: each a named value in [0, 1] per landing point, cable or country.

Higher always means more risk or more importance to an adversary or to resilience planning.
Only the cables whose status the model counts take part (in-service by default).

Cable components
    ``vendor_exposure``: the largest ``role weight x tier score`` over the cable's suppliers and
    owners (an empty supplier or owner list counts as one *unrated* vendor).
    ``dependence``: ``1 / n`` where ``n`` is the fewest cables serving any of its landing points
    or, for an international cable, any of its countries' international cables (1 = some place
    has no other cable).
    ``reach``: countries the cable joins, divided by the most any cable joins.
    ``chokepoint``: 1 if the route crosses a chokepoint polygon (0 without a route).
    ``hazard``: the chance that an earthquake breaks it in a year under the fault model
    (:mod:`cablemap.risk.hazards.rates`: earthquakes of the catalogue within ``radius_km`` of its
    route, each breaking it with a chance growing with magnitude); 0 without a catalogue.
Landing-point components
    ``vendor_exposure``: mean exposure of its cables. ``betweenness``: share of shortest
    country-to-country paths through it (each country a virtual node joined to its landing
    points, on the cable-hop graph of :mod:`cablemap.risk.network.centrality`; normalised by the
    largest). ``gateway_share``: its international cables / its
    country's. ``fragility``: ``1 / r``, ``r`` its exact resilience in cable equivalents: the
    fewest cables (and cited land links, each its capacity class's weight) whose failure cuts
    it off from the global network (:mod:`cablemap.risk.network.resilience`; 1 if it has none,
    0 if an analyst's unlimited link joins it to a hub); without a resilience, the
    international cables reachable from it by domestic cables and land links. ``hub``: its
    international cables / the most any landing point has.
    ``chokepoint``: share of its cables crossing a chokepoint. ``hazard``: mean hazard of its
    cables.
Country components
    ``vendor_exposure``: the share-weighted exposure across the stack's domains
    (:mod:`cablemap.risk.scoring.exposure`; before it, the mean exposure of its cables).
    ``fragility``: ``1 / r``, ``r`` the smaller of its exact resilience and its capital's, in
    cable equivalents (``redundancy_cables``, ``capital_min_cut``: cables and cited land links
    whose failure cuts it off, :mod:`cablemap.risk.network.resilience`; 1 with none, 0 when an
    analyst's unlimited link joins it to a hub); without a resilience, its international
    cables.
    ``station_diversity``: ``1 /`` landing points with international
    cables. ``chokepoint``: share of its international cables crossing a chokepoint.
    ``transit``: betweenness on the country graph (countries joined by a shared cable or a
    cited land link), normalised by the largest. ``hub``: its international cables / the most
    any country has.
    ``hazard``: mean hazard of its international cables.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from cablemap._validate import names_or_empty, status_counted
from cablemap.risk.network.centrality import (
    cable_hop_edges,
    country_betweenness,
    normalized_betweenness,
)

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec
    from cablemap.risk.network.resilience import Resilience
    from cablemap.risk.network.topology import Network


@dataclass
class Facts:
    """What the components are computed from, kept for explanations and later stages."""

    cables: (
        pd.DataFrame
    )  # cable_id-indexed: lp_ids, countries, international, exposure, tiers, chokepoints
    lp_cables: dict[str, list[str]]
    country_cables: dict[str, list[str]]
    country_intl: dict[str, list[str]]
    lp_redundancy: dict[str, int]
    land_linked_abroad: set[str]
    lp_gateway: dict[str, list[str]] = field(default_factory=dict)


def cable_exposure(suppliers: object, owners: object, model: ModelSpec) -> float:
    """Vendor exposure of one cable: the largest role weight x tier score of its vendors.

    An empty supplier or owner list counts as one *unrated* vendor.
    """
    profile = model.vendor_profile

    def worst(names: object) -> float:
        tiers = [profile.tier(n) for n in names_or_empty(names)] or ["unrated"]
        return max(profile.tier_scores[t] for t in tiers)

    return max(
        worst(suppliers) * profile.role_weights["supplier"],
        worst(owners) * profile.role_weights["owner"],
    )


def _cable_facts(layers: Layers, model: ModelSpec) -> pd.DataFrame:
    counted = status_counted(layers.cables["status"]).isin(model.statuses)
    cables = layers.cables[counted].set_index("cable_id")
    lps = layers.landing_points.set_index("lp_id")
    links = layers.cable_landings[layers.cable_landings["cable_id"].isin(cables.index)]
    lp_lists = links.groupby("cable_id")["lp_id"].apply(list)
    profile = model.vendor_profile
    tier_score = profile.tier_scores

    def worst(names: list[str] | None) -> str:
        tiers = [profile.tier(n) for n in names_or_empty(names)] or ["unrated"]
        return max(tiers, key=lambda t: tier_score[t])

    facts = pd.DataFrame(index=cables.index)
    facts["name"] = cables["name"]
    facts["lp_ids"] = [lp_lists.get(c, []) for c in cables.index]
    iso_of = lps["iso3"].to_dict()
    facts["countries"] = [
        sorted({str(iso_of[i]) for i in ids if isinstance(iso_of.get(i), str)})
        for ids in facts["lp_ids"]
    ]
    facts["international"] = facts["countries"].map(len) >= 2
    facts["supplier_tier"] = cables["suppliers"].map(worst)
    facts["owner_tier"] = cables["owners"].map(worst)
    facts["high_tier_vendors"] = [
        sorted(v for v in (*names_or_empty(s), *names_or_empty(o)) if profile.tier(v) == "high")
        for s, o in zip(cables["suppliers"], cables["owners"], strict=True)
    ]
    facts["tier"] = [
        max((s, o), key=lambda t: tier_score[t])
        for s, o in zip(facts["supplier_tier"], facts["owner_tier"], strict=True)
    ]
    facts["vendor_exposure"] = np.maximum(
        facts["supplier_tier"].map(tier_score) * profile.role_weights["supplier"],
        facts["owner_tier"].map(tier_score) * profile.role_weights["owner"],
    )
    routed = cables[cables.geometry.notna()]
    hits = gpd.sjoin(
        gpd.GeoDataFrame(geometry=routed.geometry, crs=cables.crs),
        model.chokepoints,
        predicate="intersects",
    )
    crossed = hits.groupby(level=0)["chokepoint_id"].apply(lambda s: sorted(set(s)))
    facts["chokepoints"] = [crossed.get(c, []) for c in facts.index]
    facts["has_route"] = cables.geometry.notna()
    return facts


def _domestic_components(
    facts: pd.DataFrame, network: Network, lp_iso3: pd.Series
) -> dict[str, str]:
    """Label each landing point with its domestic component.

    A domestic component is a set of one country's landing points joined by domestic cables
    and domestic land links (the same landmass).
    """
    graph = nx.Graph()
    graph.add_nodes_from(lp_iso3.index)
    for cable_id, international, ids in zip(
        facts.index, facts["international"], facts["lp_ids"], strict=True
    ):
        if not international and len(ids) > 1:
            graph.add_edges_from(itertools.pairwise(ids), cable=cable_id)
    domestic = network.terrestrial[network.terrestrial["kind"] == "domestic"]
    graph.add_edges_from(zip(domestic["u"], domestic["v"], strict=True))
    label = {}
    for i, comp in enumerate(nx.connected_components(graph)):
        for node in comp:
            label[node] = f"d{i}"
    return label


def compute_facts(layers: Layers, model: ModelSpec, network: Network) -> Facts:
    """Gather per-cable facts and the cable lists of landing points and countries."""
    facts = _cable_facts(layers, model)
    lp_iso3 = layers.landing_points.set_index("lp_id")["iso3"]
    lp_cables: dict[str, list[str]] = defaultdict(list)
    country_cables: dict[str, list[str]] = defaultdict(list)
    country_intl: dict[str, list[str]] = defaultdict(list)
    international = facts["international"].to_dict()
    for cable_id, lp_ids, countries in zip(
        facts.index, facts["lp_ids"], facts["countries"], strict=True
    ):
        for lp in lp_ids:
            lp_cables[lp].append(cable_id)
        for iso in countries:
            country_cables[iso].append(cable_id)
            if international[cable_id]:
                country_intl[iso].append(cable_id)
    component = _domestic_components(facts, network, lp_iso3)
    intl_by_component: dict[str, set[str]] = defaultdict(set)
    for lp, cables in lp_cables.items():
        intl_by_component[component[lp]].update(c for c in cables if international[c])
    lp_redundancy = {lp: len(intl_by_component[component[lp]]) for lp in lp_iso3.index}
    cross = network.terrestrial[network.terrestrial["kind"] == "cross_border"]
    land_linked = {str(i) for pair in cross["iso3"] for i in pair.split("-")}
    return Facts(
        facts,
        dict(lp_cables),
        dict(country_cables),
        dict(country_intl),
        lp_redundancy,
        land_linked,
        gateways(network, lp_iso3, international),
    )


def gateways(
    network: Network, lp_iso3: pd.Series, international: dict[str, bool]
) -> dict[str, list[str]]:
    """Return the international cables each landing point is its country's gateway for.

    A landing point is a gateway on a cable where, along that cable's own segments, it
    reaches a landing point of another country without passing another landing point of its
    own country: the country's last landing before the cable leaves it. The country's other
    landings on the cable are domestic branches (Kumul's towns in Papua New Guinea, Bohol's
    landing in the Philippines).

    Returns
    -------
    dict
        lp_id -> sorted cable ids.
    """
    iso = lp_iso3.dropna().astype(str).to_dict()
    seg = network.segments
    out: dict[str, set[str]] = defaultdict(set)
    for cable, group in seg.groupby("cable_id", sort=False):
        if not international.get(str(cable)):
            continue
        adjacency: dict[str, list[str]] = defaultdict(list)
        for u, v in zip(group["u"], group["v"], strict=True):
            adjacency[u].append(v)
            adjacency[v].append(u)
        points = [n for n in adjacency if n in iso]
        for start in points:
            home = iso[start]
            seen, stack = {start}, [start]
            while stack:
                node = stack.pop()
                for nxt in adjacency[node]:
                    if nxt in seen:
                        continue
                    seen.add(nxt)
                    if nxt in iso and iso[nxt] != home:
                        out[start].add(str(cable))
                        stack.clear()
                        break
                    if nxt not in iso:  # a branching unit or the cable's hub: go on
                        stack.append(nxt)
    return {lp: sorted(cables) for lp, cables in out.items()}


def cable_components(facts: Facts) -> pd.DataFrame:
    """Compute the cable components (index ``cable_id``)."""
    f = facts.cables
    n_countries = f["countries"].map(len)

    def dependence(lp_ids: list[str], countries: list[str], international: bool) -> float:
        counts = [len(facts.lp_cables.get(lp, [])) for lp in lp_ids]
        if international:
            counts += [len(facts.country_intl.get(c, [])) for c in countries]
        counts = [n for n in counts if n > 0]
        return 1.0 / min(counts) if counts else 0.0

    return pd.DataFrame(
        {
            "vendor_exposure": f["vendor_exposure"],
            "dependence": [
                dependence(a, b, c)
                for a, b, c in zip(f["lp_ids"], f["countries"], f["international"], strict=True)
            ],
            "reach": n_countries / max(int(n_countries.max()), 1) if len(f) else n_countries,
            "chokepoint": f["chokepoints"].map(lambda c: 1.0 if c else 0.0),
        },
        index=f.index,
    )


def _country_graph_betweenness(
    facts: Facts, land_pairs: list[tuple[str, str]] | None = None
) -> dict[str, float]:
    """Betweenness of countries joined by a shared international cable or a cited land link."""
    graph = nx.Graph()
    for countries in facts.cables.loc[facts.cables["international"], "countries"]:
        for i, a in enumerate(countries):
            for b in countries[i + 1 :]:
                graph.add_edge(a, b)
    graph.add_edges_from(land_pairs or [])
    if graph.number_of_nodes() < 3:
        return {}
    values = normalized_betweenness({v: list(graph[v]) for v in graph})
    top = max(values.values()) or 1.0
    return {k: v / top for k, v in values.items()}


def _lp_betweenness(network: Network, lp_iso3: pd.Series) -> dict[str, float]:
    """Country-to-country betweenness on the cable-hop graph, normalised by the largest."""
    iso = lp_iso3.dropna().astype(str).to_dict()
    edges = cable_hop_edges(network.segments, set(iso))
    edges |= {
        (u, v) if u < v else (v, u)
        for u, v in zip(network.terrestrial["u"], network.terrestrial["v"], strict=True)
    }
    values = country_betweenness(edges, iso)
    top = max(values.values(), default=0.0) or 1.0
    return {lp: values.get(lp, 0.0) / top for lp in lp_iso3.index}


def fragility_of(min_cut: float | None) -> float:
    """``1 / min_cut`` in cable equivalents, at most 1 (1 when unconnected; 0 when unbounded)."""
    if min_cut is None:
        return 0.0
    return 1.0 / max(min_cut, 1.0)


def _relative(values: dict[str, float]) -> dict[str, float]:
    top = max(values.values(), default=0.0)
    return {k: (v / top if top > 0 else 0.0) for k, v in values.items()}


def landing_point_components(
    facts: Facts,
    network: Network,
    landing_points: pd.DataFrame,
    resilience: Resilience | None = None,
    sites: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Compute the landing-point components (index ``lp_id``).

    ``hub`` and ``gateway_share`` count only the international cables the point is its
    country's gateway for (:func:`gateways`); ``sites`` is the interconnection (networks +
    exchanges) of the facilities it serves, relative to the most any point serves.
    """
    lp_iso3 = landing_points.set_index("lp_id")["iso3"]
    f = facts.cables
    exposure = f["vendor_exposure"].to_dict()
    crosses = f["chokepoints"].map(bool).to_dict()
    betweenness = _lp_betweenness(network, lp_iso3)
    most_gateway = max((len(v) for v in facts.lp_gateway.values()), default=0) or 1
    served = _relative(sites or {})
    rows = {}
    for lp, iso in lp_iso3.items():
        cables = facts.lp_cables.get(lp, [])
        gateway = facts.lp_gateway.get(lp, [])
        country_intl = len(facts.country_intl.get(iso, [])) if isinstance(iso, str) else 0
        redundancy = facts.lp_redundancy.get(lp, 0)
        rows[lp] = {
            "vendor_exposure": float(np.mean([exposure[c] for c in cables])) if cables else 0.0,
            "betweenness": betweenness.get(lp, 0.0),
            "gateway_share": len(gateway) / country_intl if country_intl else 0.0,
            "hub": len(gateway) / most_gateway,
            "sites": served.get(lp, 0.0),
            "fragility": (
                fragility_of(resilience.landing_points[lp]["min_cut"])
                if resilience is not None and lp in resilience.landing_points
                else 0.0
                if iso in facts.land_linked_abroad
                else 1.0 / max(redundancy, 1)
            ),
            "chokepoint": float(np.mean([crosses[c] for c in cables])) if cables else 0.0,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def country_components(
    facts: Facts,
    landing_points: pd.DataFrame,
    resilience: Resilience | None = None,
    *,
    countries: list[str] | None = None,
    capital_cut: dict[str, float | None] | None = None,
    land_links: pd.DataFrame | None = None,
    sites: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Compute the country components (index ``iso3``).

    Parameters
    ----------
    facts, landing_points
        The cable facts and the landing points.
    resilience
        Exact resilience (cables and cited land links as units).
    countries
        Every country to score: by default those with a cable; countries reached only over
        land (landlocked) and the region's unconnected ones are added by the caller.
    capital_cut
        Exact resilience of each country's capital (its island or landmass): ``fragility``
        takes the weaker of the country's and its capital's.
    land_links
        The cited land links in service (``a``, ``b``): transit counts paths over them, and a
        country without a station is as diverse as its land links are many.
    sites
        Interconnection (networks + exchanges of its facilities) per country.
    """
    f = facts.cables
    exposure = f["vendor_exposure"].to_dict()
    crosses = f["chokepoints"].map(bool).to_dict()
    lp_lists = f["lp_ids"].to_dict()
    links = land_links if land_links is not None else pd.DataFrame(columns=["a", "b"])
    transit = _country_graph_betweenness(facts, list(zip(links["a"], links["b"], strict=True)))
    link_count = pd.concat([links["a"], links["b"]]).value_counts().to_dict()
    lp_iso3 = landing_points.set_index("lp_id")["iso3"].to_dict()
    most_intl = max((len(v) for v in facts.country_intl.values()), default=0) or 1
    interconnection = _relative(sites or {})
    capital_cut = capital_cut or {}
    rows = {}
    for iso in sorted(countries if countries is not None else facts.country_cables):
        cables = facts.country_cables.get(iso, [])
        intl = facts.country_intl.get(iso, [])
        stations = {lp for c in intl for lp in lp_lists[c] if lp_iso3.get(lp) == iso}
        entry = resilience.countries.get(iso) if resilience is not None else None
        cut = entry["min_cut"] if entry is not None else 0
        if iso in capital_cut and cut is not None:
            capital = capital_cut[iso]
            cut = cut if capital is None else min(cut, capital)
        diversity = len(stations) or int(link_count.get(iso, 0))
        rows[iso] = {
            "vendor_exposure": float(np.mean([exposure[c] for c in cables])) if cables else 0.0,
            "fragility": fragility_of(cut) if resilience is not None else 1.0 / max(len(intl), 1),
            "station_diversity": 1.0 / max(diversity, 1),
            "chokepoint": float(np.mean([crosses[c] for c in intl])) if intl else 0.0,
            "transit": transit.get(iso, 0.0),
            "hub": len(intl) / most_intl,
            "sites": interconnection.get(iso, 0.0),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def hazard_components(
    facts: Facts, cable_hazard: pd.Series
) -> tuple[pd.Series, dict[str, float], dict[str, float]]:
    """Compute the ``hazard`` component of cables, landing points and countries.

    Parameters
    ----------
    facts
        The cable facts and cable lists.
    cable_hazard
        Per cable id, its yearly chance of an earthquake fault
        (``FaultRates.cables["probability_seismic_fault"]``); missing cables count 0.

    Returns
    -------
    tuple
        Per cable (index ``cable_id``), per landing point (mean of its cables) and per country
        (mean of its international cables).
    """
    cables = cable_hazard.reindex(facts.cables.index).fillna(0.0).astype(float)
    value = cables.to_dict()

    def mean(ids: list[str]) -> float:
        return float(np.mean([value[c] for c in ids])) if ids else 0.0

    lps = {lp: mean(ids) for lp, ids in facts.lp_cables.items()}
    countries = {iso: mean(facts.country_intl.get(iso, [])) for iso in facts.country_cables}
    return cables, lps, countries


def tier_shares(facts: Facts, groups: dict[str, list[str]], index: pd.Index) -> pd.DataFrame:
    """Share of each group's cables whose riskiest supplier or owner is in each tier.

    Parameters
    ----------
    facts
        The cable facts (``tier`` per cable: the worse of its supplier and owner tiers).
    groups
        Cable ids per landing point or country.
    index
        The rows to report (every landing point or country).

    Returns
    -------
    DataFrame
        ``tier_share_<tier>`` columns in [0, 1] (all zero for a row without cables).
    """
    from cablemap.risk.model.spec import TIER_NAMES  # noqa: PLC0415 - avoids an import cycle

    tier = facts.cables["tier"].to_dict()
    rows = {}
    for key in index:
        cables = groups.get(key, [])
        rows[key] = {
            f"tier_share_{t}": (sum(tier[c] == t for c in cables) / len(cables)) if cables else 0.0
            for t in TIER_NAMES
        }
    return pd.DataFrame.from_dict(rows, orient="index")
