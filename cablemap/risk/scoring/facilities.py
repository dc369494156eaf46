"""Facility scores: data centres, exchanges, cloud regions and landing stations as strategic nodes.

Scored only when the model weighs them (``[weights.facility]``); settings in ``[sites]``.
Components, each in [0, 1]:

``interconnection``
    Its networks + exchanges (PeeringDB counts) relative to the busiest facility.
``landing_proximity``
    Half: the international cables landing within ``sites.landing_radius_km`` of it, relative
    to the facility with the most; half: the landing points (with international cables) whose
    nearest data centre it is, within ``sites.nearest_max_km``, relative to the most.
``vendor_tier``
    The tier score of its operator (vendor registry + vendor profile; ``unrated`` where the
    registry does not know the operator).
``concentration``
    Its share of its country's interconnection (networks + exchanges); where the country has
    none recorded, ``1 / facilities in the country``.

Also: what a vendor cut takes away from each country's facilities (:func:`facility_losses`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from cablemap._geo import pairs_within_km

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec
    from cablemap.risk.scoring.components import Facts

#: Facility kinds that count as "a data centre" for the nearest-data-centre half of
#: ``landing_proximity``.
DATA_CENTRE_KINDS = ("data_centre", "cloud_region")
FACILITY_CONTEXT = (
    "fac_id name kind operator operator_tier operator_home_iso3 iso3 city networks exchanges "
    "cables_nearby nearest_for metro_id source in_region"
).split()


def international_cables_at(facts: Facts) -> dict[str, set[str]]:
    """International cables landing at each landing point (cables the model counts)."""
    intl = facts.cables["international"].to_dict()
    return {lp: {c for c in cs if intl.get(c)} for lp, cs in facts.lp_cables.items()}


def _relative(values: pd.Series) -> pd.Series:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values * 0.0


def facility_components(
    layers: Layers, facts: Facts, model: ModelSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute the facility components and their context.

    Returns
    -------
    tuple of DataFrame
        Components (index ``fac_id``) and context (``interconnection_count``,
        ``cables_nearby``, ``nearest_for``, ``operator_tier``), same index.
    """
    fac = layers.facilities
    assert fac is not None  # noqa: S101 - callers check
    fac = fac.set_index("fac_id")
    profile = model.vendor_profile
    inter = (fac["networks"].fillna(0) + fac["exchanges"].fillna(0)).astype(float)
    lps = layers.landing_points
    intl_at = international_cables_at(facts)
    has_intl = lps["lp_id"].map(lambda lp: bool(intl_at.get(lp))).to_numpy()
    lp_ids = lps["lp_id"].to_numpy()[has_intl]
    lp_xy = lps.geometry[has_intl]
    fx, fy = fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy()
    # cables landing near each facility
    i, j, _ = pairs_within_km(
        fx, fy, lp_xy.x.to_numpy(), lp_xy.y.to_numpy(), model.sites["landing_radius_km"]
    )
    nearby: dict[int, set[str]] = {}
    for a, b in zip(i, j, strict=True):
        nearby.setdefault(int(a), set()).update(intl_at[lp_ids[b]])
    cables_nearby = pd.Series(
        [len(nearby.get(k, ())) for k in range(len(fac))], index=fac.index, dtype=float
    )
    # landing points whose nearest data centre each facility is
    dc = np.flatnonzero(fac["kind"].isin(DATA_CENTRE_KINDS).to_numpy())
    li, dj, dist = pairs_within_km(
        lp_xy.x.to_numpy(), lp_xy.y.to_numpy(), fx[dc], fy[dc], model.sites["nearest_max_km"]
    )
    nearest_for = pd.Series(0.0, index=fac.index)
    if len(li):
        pairs = pd.DataFrame({"lp": li, "fac": dc[dj], "d": dist}).sort_values(["lp", "d", "fac"])
        firsts = pairs.drop_duplicates("lp")["fac"].value_counts()
        nearest_for.iloc[firsts.index.to_numpy()] = firsts.to_numpy(dtype=float)
    tiers = fac["operator"].fillna("").map(profile.tier)
    iso = fac["iso3"].fillna("")
    country_inter = inter.groupby(iso).transform("sum")
    country_n = inter.groupby(iso).transform("size").astype(float)
    concentration = (inter / country_inter.where(country_inter > 0)).fillna(1.0 / country_n)
    concentration[iso == ""] = 0.0
    components = pd.DataFrame(
        {
            "interconnection": _relative(inter),
            "landing_proximity": 0.5 * _relative(cables_nearby) + 0.5 * _relative(nearest_for),
            "vendor_tier": tiers.map(profile.tier_scores).astype(float),
            "concentration": concentration.astype(float),
        },
        index=fac.index,
    )
    context = pd.DataFrame(
        {
            "interconnection_count": inter.astype(int),
            "cables_nearby": cables_nearby.astype(int),
            "nearest_for": nearest_for.astype(int),
            "operator_tier": tiers,
        },
        index=fac.index,
    )
    return components, context


def facility_table(
    layers: Layers, weighted: pd.DataFrame, context: pd.DataFrame, model: ModelSpec
) -> gpd.GeoDataFrame:
    """Join scored facility components to the facility layer (sorted by rank)."""
    fac = layers.facilities
    assert fac is not None  # noqa: S101 - callers check
    base = fac.set_index("fac_id").drop(columns=["footprint"], errors="ignore")
    out = base.join(context).join(weighted)
    out["in_region"] = model.region.places_in(out["iso3"], out.geometry.x, out.geometry.y)
    out.index.name = "fac_id"
    out = out.reset_index().sort_values(["rank", "fac_id"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=fac.crs)


def vendor_facilities(names: list[str], layers: Layers, model: ModelSpec) -> dict[str, list[str]]:
    """Facilities operated by each vendor name (any alias) or by each ``tier:<tier>``.

    Parameters
    ----------
    names
        Vendor names as given to ``--cut-vendor``.
    layers
        Layers with ``facilities`` (none: every name maps to an empty list).
    model
        The vendor profile for ``tier:`` names.

    Returns
    -------
    dict of str to list of str
        ``fac_id`` lists, one per name.
    """
    from cablemap.layers.vendors import canonical_vendor  # noqa: PLC0415

    fac = layers.facilities
    out: dict[str, list[str]] = {}
    for name in names:
        if fac is None or not len(fac):
            out[name] = []
            continue
        operators = fac["operator"].fillna("")
        if name.lower().startswith("tier:"):
            tier = name.split(":", 1)[1].strip().lower()
            hit = operators.map(model.vendor_profile.tier) == tier
            hit &= operators != ""
        else:
            hit = operators == canonical_vendor(name)[0]
        out[name] = sorted(fac.loc[hit, "fac_id"].astype(str))
    return out


def facility_losses(layers: Layers, removed: set[str]) -> pd.DataFrame:
    """Per country, the facilities and interconnection a cut takes away.

    Parameters
    ----------
    layers
        Layers with ``facilities``.
    removed
        ``fac_id`` of the facilities cut.

    Returns
    -------
    DataFrame
        ``iso3``, ``facilities_before``, ``facilities_after``, ``facility_share_lost``,
        ``interconnection_before``, ``interconnection_after``, ``interconnection_share_lost``
        (networks + exchanges), one row per country with facilities.
    """
    fac = layers.facilities
    columns = [
        "iso3",
        "facilities_before",
        "facilities_after",
        "facility_share_lost",
        "interconnection_before",
        "interconnection_after",
        "interconnection_share_lost",
    ]
    if fac is None or not len(fac):
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "iso3": fac["iso3"],
            "inter": (fac["networks"].fillna(0) + fac["exchanges"].fillna(0)).astype(int),
            "cut": fac["fac_id"].isin(removed),
        }
    ).dropna(subset=["iso3"])
    frame["kept_inter"] = frame["inter"].where(~frame["cut"], 0)
    grouped = frame.groupby("iso3").agg(
        facilities_before=("cut", "size"),
        cut=("cut", "sum"),
        interconnection_before=("inter", "sum"),
        interconnection_after=("kept_inter", "sum"),
    )
    grouped["facilities_after"] = grouped["facilities_before"] - grouped["cut"]
    grouped["facility_share_lost"] = (grouped["cut"] / grouped["facilities_before"]).round(4)
    lost = grouped["interconnection_before"] - grouped["interconnection_after"]
    grouped["interconnection_share_lost"] = (
        (lost / grouped["interconnection_before"].where(grouped["interconnection_before"] > 0))
        .fillna(0.0)
        .round(4)
    )
    return grouped.reset_index()[columns].astype(
        {c: int for c in columns if c.endswith(("_before", "_after"))}
    )
