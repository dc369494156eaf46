"""A country's standing: its status, its capital, its people, and what it depends on over land.

Statuses (``status`` of a country row; a landing point's is its exact resilience alone):

``hub``
    one of the hub countries standing for the global network.
``landlocked``
    no coast (the model's ``[plan] landlocked``) and no landing point: reached only over cited
    land links (its links and their transit countries in ``terrestrial_dependence``); never a
    cable target.
``unconnected``
    no path abroad at all.
``capital_unconnected``
    a path abroad exists, but not from the capital's island or landmass (Kiribati in 2022:
    Kiritimati had a cable, South Tarawa none).
``land_linked``
    no cable, but cited land links; or one cable, and cited land links worth at least one
    cable equivalent besides it (Macau on its land links to Guangdong).
``single_cable``
    one cable (or the capital on one cable) stands between it and the world: its exact
    resilience, or its capital's, is under 2 cable equivalents.
``connected``
    two cable equivalents or more, capital included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis

__all__ = ["COUNTRY_STATUSES", "country_standing"]

COUNTRY_STATUSES = (
    "hub",
    "landlocked",
    "unconnected",
    "capital_unconnected",
    "land_linked",
    "single_cable",
    "connected",
)


def country_status(
    *, hub: bool, landlocked: bool, min_cut: float | None, sea: float, capital: float | None
) -> str:
    """Name a country's status (see the module's table) from its exact resiliences."""
    if hub:
        return "hub"
    if landlocked:
        return "landlocked"
    if min_cut is not None and min_cut == 0:
        return "unconnected"
    if capital is not None and capital == 0:
        return "capital_unconnected"
    over_land = np.inf if min_cut is None else min_cut - sea
    if (sea == 0 and over_land > 0) or (sea <= 1 and over_land >= 1):
        return "land_linked"
    weakest = min(x for x in (min_cut, capital, np.inf) if x is not None)
    return "single_cable" if weakest < 2 else "connected"


def _population_shares(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """Per country: the share of its people (by island group) unconnected or on one cable."""
    groups = analysis.islands
    if groups is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for iso3, rows in groups.groupby("iso3"):
        top = rows[rows["part_of"].fillna("") == ""]
        known = top[top["population"] != "unknown"]
        pop = known["population"].astype(float)
        total = float(pop.sum())
        if not total:
            continue
        cuts = known["min_cut"].map(lambda m: np.inf if m is None else float(m))
        out[str(iso3)] = {
            "population_share_unconnected": round(float(pop[cuts == 0].sum()) / total, 4),
            "population_share_single_cable": round(
                float(pop[(cuts > 0) & (cuts < 2)].sum()) / total, 4
            ),
            "island_groups_known": f"{len(known)} of {len(top)}",
        }
    return out


def _terrestrial_dependence(analysis: Analysis) -> dict[str, str]:
    """Per country its cited land links, with class and weight (absent: none)."""
    links = analysis.land_links
    out: dict[str, list[str]] = {}
    if links is None:
        return {}
    for r in links.itertuples():
        text = f"{r.link_id} ({r.capacity_class}, {r.weight:g} cable eq.)"
        for iso in (r.a, r.b):
            out.setdefault(str(iso), []).append(text)
    return {iso: "; ".join(texts) for iso, texts in out.items()}


def _coordinate(capitals: dict[str, Any], iso3: str, k: int) -> float | None:
    """Return the capital's longitude (``k=0``) or latitude (``k=1``), where known."""
    point = capitals[iso3].point if iso3 in capitals else None
    return None if point is None else float(point[k])


def country_standing(analysis: Analysis, countries: list[str]) -> pd.DataFrame:
    """Status, exact resiliences (all, by sea, capital) and people of each country.

    Returns
    -------
    pandas.DataFrame
        Index ISO3: ``status``, ``redundancy_cables`` (exact resilience in cable
        equivalents, cables and cited land links as units), ``min_cut_cables``,
        ``sea_min_cut`` and ``sea_min_cut_cables`` (cables only), ``landlocked``,
        ``terrestrial_dependence``, ``capital_name``, ``capital_connected``,
        ``capital_min_cut``, ``capital_cut_cables``, and, where population by island group is
        known, ``population_share_unconnected`` and ``population_share_single_cable``.
    """
    res, sea, hubs = analysis.resilience, analysis.sea_resilience, set(analysis.hubs)
    has_points = set(analysis.layers.landing_points["iso3"].dropna().astype(str))
    capitals, capital_cuts = analysis.capitals, analysis.capital_resilience
    people = _population_shares(analysis)
    over_land = _terrestrial_dependence(analysis)
    rows = {}
    for iso3 in countries:
        entry = res.countries.get(iso3, {"min_cut": 0, "cut": []})
        by_sea = sea.countries.get(iso3, {"min_cut": 0, "cut": []})
        capital = capital_cuts.get(iso3)
        landlocked = iso3 in analysis.model.plan.landlocked and iso3 not in has_points
        sea_cut = 0.0 if by_sea["min_cut"] is None else float(by_sea["min_cut"])
        rows[iso3] = {
            "status": country_status(
                hub=iso3 in hubs,
                landlocked=landlocked,
                min_cut=entry["min_cut"],
                sea=sea_cut,
                capital=None if capital is None else capital["min_cut"],
            ),
            "redundancy_cables": entry["min_cut"],
            "min_cut_cables": list(entry["cut"]),
            "sea_min_cut": int(sea_cut) if float(sea_cut).is_integer() else sea_cut,
            "sea_min_cut_cables": list(by_sea["cut"]),
            "landlocked": landlocked,
            "terrestrial_dependence": over_land.get(iso3, ""),
            "capital_name": capitals[iso3].name if iso3 in capitals else None,
            "capital_lon": _coordinate(capitals, iso3, 0),
            "capital_lat": _coordinate(capitals, iso3, 1),
            "capital_connected": None if capital is None else capital["min_cut"] != 0,
            "capital_min_cut": None if capital is None else capital["min_cut"],
            "capital_cut_cables": [] if capital is None else list(capital["cut"]),
            **people.get(iso3, {}),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
