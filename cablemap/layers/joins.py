"""Join facilities and footprints to landing points and countries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cablemap._geo import distances_m

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

    from cablemap.layers.collection import Layers


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def nearest_facilities(
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    k: int = 3,
    kinds: tuple[str, ...] = ("data_centre", "exchange"),
) -> pd.DataFrame:
    """Find the ``k`` nearest facilities of each landing point, with geodesic distance.

    Candidates are found by chord distance on the unit sphere (exact ordering of great-circle
    distance) and then measured on the WGS84 ellipsoid.

    Parameters
    ----------
    landing_points, facilities
        Layers in EPSG:4326.
    k
        How many facilities per landing point.
    kinds
        Facility kinds to consider (data centres and exchanges by default).

    Returns
    -------
    DataFrame
        ``lp_id``, ``rank`` (1 = nearest), ``fac_id``, ``name``, ``kind``, ``operator``,
        ``distance_km``.
    """
    facs = facilities[facilities["kind"].isin(kinds)].reset_index(drop=True)
    if facs.empty or landing_points.empty:
        return pd.DataFrame(
            columns=["lp_id", "rank", "fac_id", "name", "kind", "operator", "distance_km"]
        )
    a = _unit_vectors(landing_points.geometry.x.to_numpy(), landing_points.geometry.y.to_numpy())
    b = _unit_vectors(facs.geometry.x.to_numpy(), facs.geometry.y.to_numpy())
    k = min(k, len(facs))
    pairs_lp, pairs_fac = [], []
    for start in range(0, len(a), 512):
        chord = -(a[start : start + 512] @ b.T)  # larger dot product = nearer
        best = np.argpartition(chord, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(chord, best, axis=1).argsort(axis=1)
        best = np.take_along_axis(best, order, axis=1)
        pairs_lp.append(np.repeat(np.arange(start, start + len(best)), k))
        pairs_fac.append(best.ravel())
    li, fi = np.concatenate(pairs_lp), np.concatenate(pairs_fac)
    lx, ly = landing_points.geometry.x.to_numpy()[li], landing_points.geometry.y.to_numpy()[li]
    fx, fy = facs.geometry.x.to_numpy()[fi], facs.geometry.y.to_numpy()[fi]
    dist = distances_m(lx, ly, fx, fy) / 1000.0
    return pd.DataFrame(
        {
            "lp_id": landing_points["lp_id"].to_numpy()[li],
            "rank": np.tile(np.arange(1, k + 1), len(landing_points)),
            "fac_id": facs["fac_id"].to_numpy()[fi],
            "name": facs["name"].to_numpy()[fi],
            "kind": facs["kind"].to_numpy()[fi],
            "operator": facs["operator"].to_numpy()[fi],
            "distance_km": np.round(dist, 3),
        }
    )


def country_facilities(layers: Layers) -> pd.DataFrame:
    """Per country: data centres, exchanges, cloud regions and providers, footprint vendors.

    Returns
    -------
    DataFrame
        ``iso3``, ``data_centres``, ``exchanges``, ``cloud_regions``, ``cloud_providers``,
        ``excluded_vendors``, ``deployed_vendors`` (non-cable domains) — one row per country
        with any of them.
    """
    rows: dict[str, dict[str, object]] = {}
    if layers.facilities is not None:
        for iso, group in layers.facilities.dropna(subset=["iso3"]).groupby("iso3"):
            kinds = group["kind"].value_counts()
            clouds = group[group["kind"] == "cloud_region"]
            rows[str(iso)] = {
                "data_centres": int(kinds.get("data_centre", 0)),
                "exchanges": int(kinds.get("exchange", 0)),
                "cloud_regions": len(clouds),
                "cloud_providers": sorted(set(clouds["operator"])),
            }
    if layers.vendor_footprints is not None:
        fp = layers.vendor_footprints
        other = fp[~fp["domain"].isin(["submarine_cable_supply", "cable_ownership"])]
        for iso, group in other.groupby("iso3"):
            row = rows.setdefault(
                str(iso),
                {"data_centres": 0, "exchanges": 0, "cloud_regions": 0, "cloud_providers": []},
            )
            row["excluded_vendors"] = sorted(
                {
                    f"{v} ({d})"
                    for v, d, s in zip(
                        group["vendor"], group["domain"], group["status"], strict=True
                    )
                    if s == "excluded"
                }
            )
            row["deployed_vendors"] = sorted(
                {
                    f"{v} ({d})"
                    for v, d, s in zip(
                        group["vendor"], group["domain"], group["status"], strict=True
                    )
                    if s in ("deployed", "contracted")
                }
            )
    frame = pd.DataFrame.from_dict(rows, orient="index")
    for col in ("excluded_vendors", "deployed_vendors"):
        if col not in frame.columns:
            frame[col] = [[] for _ in range(len(frame))]
        frame[col] = frame[col].map(lambda v: v if isinstance(v, list) else [])
    frame.index.name = "iso3"
    return frame.reset_index().sort_values("iso3").reset_index(drop=True)


def backhaul_distances(
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    graph: nx.MultiDiGraph,
    *,
    max_snap_m: float = 500.0,
) -> pd.DataFrame:
    """Straight-line and road distance from each landing point to its nearest data centre.

    Parameters
    ----------
    landing_points, facilities
        Layers in EPSG:4326.
    graph
        A road network from :func:`cablemap.layers.osm.road_graph_from_osm`.
    max_snap_m
        Points farther than this from the road network get no road distance (NaN).

    Returns
    -------
    DataFrame
        ``lp_id``, ``fac_id``, ``straight_km``, ``road_km``, ``detour_ratio``, ``note``.
    """
    from cablemap.layers.osm import road_distance_m  # noqa: PLC0415 - osmnx-backed

    nearest = nearest_facilities(landing_points, facilities, k=1, kinds=("data_centre",))
    by_id = facilities.set_index("fac_id").geometry
    lps = landing_points.set_index("lp_id").geometry
    rows = []
    for row in nearest.itertuples():
        road_m, snap_a, snap_b = road_distance_m(
            graph, lps[row.lp_id], by_id[row.fac_id], max_snap_m=max_snap_m
        )
        note = (
            ""
            if np.isfinite(road_m)
            else (
                f"more than {max_snap_m:.0f} m from the road network "
                f"({snap_a:.0f} m / {snap_b:.0f} m)"
                if max(snap_a, snap_b) > max_snap_m
                else "no road joins them in the network"
            )
        )
        rows.append(
            {
                "lp_id": row.lp_id,
                "fac_id": row.fac_id,
                "straight_km": row.distance_km,
                "road_km": round(road_m / 1000, 3) if np.isfinite(road_m) else np.nan,
                "detour_ratio": round(road_m / 1000 / row.distance_km, 2)
                if np.isfinite(road_m) and row.distance_km
                else np.nan,
                "note": note,
            }
        )
    return pd.DataFrame(rows)
