"""The planner's targets: capitals and inhabited islands of third countries, cut off or fragile.

A target is a place a trusted cable should reach: a country's **capital** (its island or
landmass, :mod:`cablemap.risk.network.capitals`) whose exact resilience is 0 or 1 cable
equivalent, or an **inhabited island group** (the cited population table) with no path abroad
at all. Only the region's third countries have targets: the model's DCS exclusions, territories
of partner or excluded states, landlocked countries (reached over land; listed apart with their
land links), ``[plan] not_targets`` and the hub countries are reported with the reason.

A target standing on no landing point (Dili, South Tarawa, Yaren, Funafuti in 2022) is a new
place at its coordinates: a candidate landing there joins it to the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cablemap._geo import distances_m

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.model.plan import PlanSettings

__all__ = ["Target", "plan_targets", "why_not_target"]


@dataclass(frozen=True)
class Target:
    """One place the plan aims to connect.

    Attributes
    ----------
    key
        ``ISO3`` for a capital, ``ISO3|island group`` for an island group.
    iso3, name
        The country and the place's name (the capital, or the island group).
    kind
        ``capital`` or ``island``.
    places
        Places of the network standing for it (empty: a new place, ``new_place``).
    new_place
        Index of the place a candidate landing here creates, or -1.
    point
        ``(lon, lat)`` of the place (the capital, the group's centre), or ``None``.
    population
        People it serves (the island group's; the country's for a capital), or NaN.
    """

    key: str
    iso3: str
    name: str
    kind: str
    places: np.ndarray
    new_place: int
    point: tuple[float, float] | None
    population: float


def why_not_target(iso3: str, analysis: Analysis, settings: PlanSettings) -> str:
    """Return why a region country is no target (``""``: it is one)."""
    spec = analysis.model
    sovereign = settings.territories.get(iso3)
    principals = set(spec.dcs_exclude) | set(settings.partners)
    reasons = (
        (iso3 in spec.dcs_exclude, "DCS exclusion"),
        (iso3 in settings.partners, "partner state"),
        (iso3 in settings.not_targets, "not a target (plan.not_targets)"),
        (iso3 in settings.landlocked, "landlocked: reached over land"),
        (
            bool(sovereign) and not settings.target_territories and sovereign in principals,
            f"territory of {sovereign}",
        ),
        (iso3 in analysis.hubs, "hub of the global network"),
    )
    return next((why for hit, why in reasons if hit), "")


def plan_targets(
    analysis: Analysis, settings: PlanSettings, population: pd.Series
) -> tuple[list[Target], dict[str, str]]:
    """Find the targets of the region's third countries.

    Parameters
    ----------
    analysis
        The release's analysis (capitals, island groups, exact resilience).
    settings
        The model's ``[plan]``.
    population
        People per ISO3 (the cited table; NaN where unknown).

    Returns
    -------
    tuple
        The targets (capitals on 0 or 1 cable equivalent, then unconnected island groups),
        and per region country that is no target, why.
    """
    region = sorted(analysis.model.region.countries)
    why = {iso: why_not_target(iso, analysis, settings) for iso in region}
    eligible = [iso for iso in region if not why[iso]]
    n_places = analysis.hypergraph.n_places
    targets: list[Target] = []
    cuts = analysis.capital_resilience
    for iso in eligible:
        capital = analysis.capitals.get(iso)
        if capital is None:
            continue
        cut = cuts.get(iso, {}).get("min_cut")
        if cut is None or cut >= 2:
            continue
        new = -1 if len(capital.places) else n_places + len(targets)
        targets.append(
            Target(
                iso,
                iso,
                capital.name,
                "capital",
                capital.places,
                new,
                capital.point,
                float(population.get(iso, np.nan)),
            )
        )
    targets.extend(_island_targets(analysis, eligible, n_places + len(targets)))
    return targets, {iso: reason for iso, reason in why.items() if reason}


def _island_targets(analysis: Analysis, eligible: list[str], first_new: int) -> list[Target]:
    """Inhabited island groups with no path abroad (the capital's own group left out)."""
    groups = analysis.islands
    if groups is None:
        return []
    top = groups[(groups["part_of"].fillna("") == "") & groups["iso3"].isin(eligible)]
    out: list[Target] = []
    for row in top.itertuples(index=False):
        if row.min_cut != 0 or str(row.population) == "unknown":
            continue
        capital = analysis.capitals.get(str(row.iso3))
        if capital is not None and capital.point is not None:
            d = distances_m(
                np.array([capital.point[0]]),
                np.array([capital.point[1]]),
                np.array([float(row.lon)]),
                np.array([float(row.lat)]),
            )[0]
            if d <= float(row.radius_km) * 1e3:
                continue  # the capital's group: the capital is the target
        places = np.asarray(row.places, dtype=np.int64)
        out.append(
            Target(
                f"{row.iso3}|{row.island_group}",
                str(row.iso3),
                str(row.island_group),
                "island",
                places,
                -1 if len(places) else first_new + len(out),
                (float(row.lon), float(row.lat)),
                float(row.population),
            )
        )
    return out
