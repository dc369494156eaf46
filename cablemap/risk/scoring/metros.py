"""Metro nodes: landing points and facilities that sit together, scored as one place.

Grouping (``[sites]`` of the model file): method ``"leader"`` - sites are taken busiest first
(networks + exchanges, then international cables, then id); each site not yet in a metro
starts one and takes in every free site within ``metro_radius_km`` of it (geodesic), of the
same country when ``metro_same_country`` is set. A metro is therefore at most twice the radius
across, and never chains along a coast. Each metro lists its members.

Components, each in [0, 1] (weights in ``[weights.metro]``):

``cables``
    International cables landing at its landing points, relative to the busiest metro.
``interconnection``
    Networks + exchanges of its facilities, relative to the busiest metro.
``cloud``
    Cloud regions in it, relative to the metro with the most.
``concentration``
    Share of its country's international cables that land in it (1 = the country's only
    gateway).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap._geo import distances_m
from cablemap._text import slug
from cablemap.risk.scoring.facilities import international_cables_at

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec
    from cablemap.risk.scoring.components import Facts

METRO_CONTEXT = (
    "metro_id name iso3 members landing_points facilities international_cables "
    "interconnection_count cloud_regions in_region"
).split()
_KM_PER_DEG_MIN = 110.5


def _sites(layers: Layers, facts: Facts) -> pd.DataFrame:
    """One row per landing point and facility: id, kind, name, city, iso3, lon, lat, weights."""
    intl_at = international_cables_at(facts)
    lps = layers.landing_points
    parts = [
        pd.DataFrame(
            {
                "site_id": lps["lp_id"].astype(str),
                "kind": "landing_point",
                "name": lps["name"].astype(str),
                "city": "",
                "iso3": lps["iso3"],
                "lon": lps.geometry.x.to_numpy(),
                "lat": lps.geometry.y.to_numpy(),
                "inter": 0,
                "cables": [sorted(intl_at.get(lp, ())) for lp in lps["lp_id"]],
            }
        )
    ]
    fac = layers.facilities
    if fac is not None and len(fac):
        parts.append(
            pd.DataFrame(
                {
                    "site_id": fac["fac_id"].astype(str),
                    "kind": fac["kind"].astype(str),
                    "name": fac["name"].fillna("").astype(str),
                    "city": fac["city"].fillna("").astype(str),
                    "iso3": fac["iso3"],
                    "lon": fac.geometry.x.to_numpy(),
                    "lat": fac.geometry.y.to_numpy(),
                    "inter": (fac["networks"].fillna(0) + fac["exchanges"].fillna(0)).astype(int),
                    "cables": [[] for _ in range(len(fac))],
                }
            )
        )
    sites = pd.concat(parts, ignore_index=True)
    sites["n_cables"] = sites["cables"].map(len)
    return sites


def group_metros(
    sites: pd.DataFrame, radius_km: float, *, same_country: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Leader clustering: the metro index of each site (see the module docstring).

    Parameters
    ----------
    sites
        ``site_id``, ``iso3``, ``lon``, ``lat``, ``inter``, ``n_cables``.
    radius_km
        Largest distance of a member from the metro's first (busiest) site.
    same_country
        Only sites of the seed's country join its metro.

    Returns
    -------
    tuple of ndarray
        A metro number per site, numbered in seed order (busiest first), and the seed site of
        each metro.
    """
    order = np.lexsort(
        (sites["site_id"].to_numpy(), -sites["n_cables"].to_numpy(), -sites["inter"].to_numpy())
    )
    lon, lat = sites["lon"].to_numpy(float), sites["lat"].to_numpy(float)
    iso = sites["iso3"].fillna("").to_numpy(str)
    points = shapely.points(lon, lat)
    tree = shapely.STRtree(points)
    label = np.full(len(sites), -1)
    seeds: list[int] = []
    n = 0
    for seed in order:
        if label[seed] >= 0:
            continue
        cos = max(np.cos(np.radians(min(abs(lat[seed]) + radius_km / 100.0, 89.0))), 0.02)
        cand = tree.query(
            points[seed],
            predicate="dwithin",
            distance=radius_km / _KM_PER_DEG_MIN / cos,
        )
        cand = cand[label[cand] < 0]
        if same_country:
            cand = cand[iso[cand] == iso[seed]]
        dist = distances_m(
            np.full(len(cand), lon[seed]), np.full(len(cand), lat[seed]), lon[cand], lat[cand]
        )
        members = cand[dist <= radius_km * 1000.0]
        label[members] = n
        label[seed] = n
        seeds.append(int(seed))
        n += 1
    return label, np.array(seeds, dtype=int)


def metro_components(
    layers: Layers, facts: Facts, model: ModelSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group sites into metros and compute their components.

    Returns
    -------
    tuple of DataFrame
        Components (index ``metro_id``) and context (``name``, ``iso3``, ``members`` (site
        ids), ``landing_points``, ``facilities``, ``international_cables``,
        ``interconnection_count``, ``cloud_regions``, ``lon``, ``lat``), same index.
    """
    sites = _sites(layers, facts)
    labels, seeds = group_metros(
        sites, model.sites["metro_radius_km"], same_country=model.sites["metro_same_country"]
    )
    sites["metro"] = labels
    country_intl = {iso: len(cs) for iso, cs in facts.country_intl.items()}
    rows: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    cols = {c: sites[c].tolist() for c in ("site_id", "kind", "name", "city", "iso3", "lon", "lat")}
    inter, cables_of = sites["inter"].tolist(), sites["cables"].tolist()
    groups: dict[int, list[int]] = {}
    for k, metro in enumerate(sites["metro"].tolist()):
        groups.setdefault(int(metro), []).append(k)
    for metro in sorted(groups):
        members = groups[metro]
        seed = int(seeds[metro])
        isos = [cols["iso3"][k] for k in members if isinstance(cols["iso3"][k], str)]
        iso3 = isos[0] if isos else ""
        cities = Counter(cols["city"][k] for k in members if cols["city"][k])
        name = min(cities, key=lambda c: (-cities[c], c)) if cities else str(cols["name"][seed])
        base = f"metro:{iso3.lower() or 'xx'}:{slug(name, default='site')}"
        seen[base] = seen.get(base, 0) + 1
        metro_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        cables = {c for k in members for c in cables_of[k]}
        n_lp = sum(cols["kind"][k] == "landing_point" for k in members)
        rows[metro_id] = {
            "name": name,
            "iso3": iso3 or None,
            "members": [cols["site_id"][k] for k in members],
            "landing_points": n_lp,
            "facilities": len(members) - n_lp,
            "international_cables": len(cables),
            "interconnection_count": int(sum(inter[k] for k in members)),
            "cloud_regions": sum(cols["kind"][k] == "cloud_region" for k in members),
            "lon": float(cols["lon"][seed]),
            "lat": float(cols["lat"][seed]),
            "_share": len(cables) / country_intl[iso3] if country_intl.get(iso3) else 0.0,
        }
    context = pd.DataFrame.from_dict(rows, orient="index")

    def rel(col: str) -> pd.Series:
        top = float(context[col].max()) if len(context) else 0.0
        return context[col] / top if top > 0 else context[col] * 0.0

    components = pd.DataFrame(
        {
            "cables": rel("international_cables").astype(float),
            "interconnection": rel("interconnection_count").astype(float),
            "cloud": rel("cloud_regions").astype(float),
            "concentration": context["_share"].astype(float),
        },
        index=context.index,
    )
    return components, context.drop(columns="_share")


def metro_table(
    weighted: pd.DataFrame, context: pd.DataFrame, model: ModelSpec
) -> gpd.GeoDataFrame:
    """Join scored metro components to their context (point at the seed site, by rank)."""
    out = context.join(weighted)
    out["in_region"] = model.region.places_in(out["iso3"], out["lon"], out["lat"])
    out.index.name = "metro_id"
    out = out.reset_index().sort_values(["rank", "metro_id"]).reset_index(drop=True)
    geometry = gpd.points_from_xy(out.pop("lon"), out.pop("lat"))
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def metro_of_sites(metros: pd.DataFrame) -> dict[str, str]:
    """Map every member site id (``lp_id`` or ``fac_id``) to its ``metro_id``."""
    return {
        m: mid for mid, ms in zip(metros["metro_id"], metros["members"], strict=True) for m in ms
    }
