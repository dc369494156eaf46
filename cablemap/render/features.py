"""GeoJSON features of the maps: cables, landing points, countries, facilities, metros, hazards.

Each builder turns rows of the layers, scores or results into GeoJSON features in the map's
Pacific-centred longitudes, with the popup properties and the Leaflet style (``_s``) the
runtime draws; :mod:`cablemap.render.maps` composes them into pages. No scoring here: tiers,
scores and probabilities are read from what the model computed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from cablemap._tables import json_safe
from cablemap._validate import is_missing, names_or_empty
from cablemap.render.geometry import shift_to_pacific
from cablemap.render.style import (
    CABLE_STATUS_COLOURS,
    CANDIDATE_COLOUR,
    CHOKEPOINT_COLOUR,
    CHOKEPOINT_LINE_COLOUR,
    COUNTRY_DOT_LINE_COLOUR,
    CUT_COLOUR,
    FACILITY_COLOURS,
    HAZARD_COLOUR,
    INTACT_LANDING_COLOUR,
    LAND_COLOUR,
    MARKER_LINE_COLOUR,
    MARKER_LINE_DARK,
    METRO_LINE_COLOUR,
    MUTED_COLOUR,
    OUTLINE_COLOUR,
    OVERVIEW_CABLE_COLOURS,
    OVERVIEW_LANDING_COLOUR,
    PICK_COLOUR,
    TIER_COLOURS,
    UNKNOWN_COLOUR,
    WHITE,
    hazard_colour,
    probability_colour,
    radius,
    ramp,
)
from cablemap.risk.hazards.hotspots import seismic_grid
from cablemap.risk.hazards.rates import catalogue_years
from cablemap.risk.model.spec import COMPONENTS, EXPOSURE_DOMAINS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.model.faults import FaultModel
    from cablemap.risk.model.region import Region
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.scoring.tiers import VendorTiers
    from cablemap.risk.simulation.simulate import SimulationResult

Feature = dict[str, Any]

_DECIMALS = 3  # ~100 m: ample for ocean routes and country outlines
ROUTE_TOLERANCE = 0.01  # degrees: simplification that no zoom level of these maps shows
_OUTLINE_TOLERANCE = 0.08
_OUTLINE_DECIMALS = 2  # ~1 km
_VIEW_MARGIN = 15.0  # degrees of outline kept around the region's view

#: What a popup shows for a value the source does not give (a geometry-only release).
NOT_IN_SOURCE = "not in the source"

#: Popup fields of a cable: ``[property, label]``.
CABLE_FIELDS = [
    ["status", "status"],
    ["rfs", "ready for service"],
    ["suppliers", "suppliers"],
    ["owners", "owners"],
    ["landings", "landing points"],
    ["carried", "carried over"],
]
#: Popup fields of simulation results: ``[property, label]``.
SIMULATION_FIELDS = [
    ["p_cut_off", "chance of being cut off in a year"],
    ["p_cut_off_ci", "95 % interval"],
    ["days_cut_off", "expected days cut off a year"],
    ["cut_off_cables", "cables down when cut off (share of those years)"],
]


# geometry to JSON
def geometry_json(
    geom: BaseGeometry | None,
    seam: float,
    tolerance: float = 0.0,
    *,
    clip: tuple[float, float, float, float] | None = None,
    decimals: int = _DECIMALS,
) -> dict[str, Any] | None:
    """Return a geometry as GeoJSON in the map's longitudes, simplified and rounded.

    Parameters
    ----------
    geom
        In EPSG:4326 degrees; ``None`` or empty gives ``None``.
    seam
        The region's seam longitude (west of it shifts by +360).
    tolerance
        Simplification in degrees (points are never simplified).
    clip
        ``(west, south, east, north)`` in map longitudes to clip to, if any.
    decimals
        Decimals kept.

    Returns
    -------
    dict or None
        The GeoJSON geometry, or ``None`` when nothing is left.
    """
    if geom is None or geom.is_empty:
        return None
    shifted = shift_to_pacific(geom, seam)
    if clip is not None:
        shifted = shapely.clip_by_rect(shifted, *clip)
        if shifted.is_empty:
            return None
    if tolerance and shifted.geom_type != "Point":
        shifted = shapely.simplify(shifted, tolerance, preserve_topology=True)
    rounded = shapely.transform(shifted, lambda xy: np.round(xy, decimals))
    return shapely.geometry.mapping(rounded)


def feature(
    geometry: dict[str, Any] | None, properties: dict[str, Any], style: dict[str, Any]
) -> Feature:
    """Return a GeoJSON feature whose properties end with its Leaflet style ``_s``."""
    return {"type": "Feature", "geometry": geometry, "properties": {**properties, "_s": style}}


def collection(features: Iterable[Feature]) -> dict[str, Any]:
    """Return a FeatureCollection of the features that have a geometry."""
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def clean(value: Any) -> Any:
    """JSON-safe plain value for a page, floats rounded to 4 digits."""
    return json_safe(value, digits=4)


def _rounded(row: Any, columns: Iterable[str]) -> list[float]:
    """Return the values of ``columns`` of a row (tuple or Series), rounded to 4 digits."""
    get = row.__getitem__ if isinstance(row, pd.Series) else lambda c: getattr(row, c)
    return [round(float(get(c)), 4) for c in columns]


def region_ids(layers: Layers, region: Region) -> tuple[set[str], set[str]]:
    """Return the ``lp_id`` of the region's landing points and the cables that land there."""
    lps = layers.landing_points
    in_lp = set(lps.loc[lps["iso3"].isin(region.countries), "lp_id"])
    links = layers.cable_landings
    return in_lp, set(links.loc[links["lp_id"].isin(in_lp), "cable_id"])


# countries
def outline_features(
    countries: gpd.GeoDataFrame | None, region: Region, fill: dict[str, str] | None = None
) -> list[Feature]:
    """Return country outlines clipped to the region's view (plus a margin), simplified to ~1 km.

    Parameters
    ----------
    countries
        Country polygons (EPSG:4326, ``iso3``, ``name``); ``None`` gives no feature.
    region
        The map's region.
    fill
        ISO3 -> fill colour of the countries a layer shades (the others: land colour).

    Returns
    -------
    list of dict
        One feature per country (geometry ``None`` where nothing is in view).
    """
    if countries is None:
        return []
    fill = fill or {}
    west, south, east, north = region.bbox
    view = (
        west - _VIEW_MARGIN,
        max(south - _VIEW_MARGIN, -90.0),
        east + _VIEW_MARGIN,
        min(north + _VIEW_MARGIN, 90.0),
    )
    return [
        feature(
            geometry_json(
                geom, region.seam_lon, _OUTLINE_TOLERANCE, clip=view, decimals=_OUTLINE_DECIMALS
            ),
            {"id": iso3, "name": name},
            {
                "color": OUTLINE_COLOUR,
                "weight": 0.6,
                "fillColor": fill.get(iso3, LAND_COLOUR),
                "fillOpacity": 0.85 if iso3 in fill else 0.6,
            },
        )
        for iso3, name, geom in zip(
            countries["iso3"], countries["name"], countries.geometry, strict=True
        )
    ]


def shaded_country_features(
    countries: gpd.GeoDataFrame | None,
    layers: Layers,
    region: Region,
    *,
    shaded: dict[str, str],
    properties: Callable[[str], dict[str, Any]],
    dot_properties: Callable[[str], dict[str, Any]],
) -> list[Feature]:
    """Return a choropleth: outlines, shaded ones with popups, and dots for the polygonless.

    Parameters
    ----------
    countries
        Country polygons (EPSG:4326, ``iso3``, ``name``), or ``None``.
    layers
        The layers (a country without a polygon is a dot at its landing points' centre).
    region
        The map's region.
    shaded
        ISO3 -> fill colour of every country with a value.
    properties
        ISO3 -> popup properties added to a shaded outline.
    dot_properties
        ISO3 -> all properties of a country's dot (``id`` and ``name`` included).

    Returns
    -------
    list of dict
        The outlines, then the dots in ISO3 order.
    """
    features = outline_features(countries, region, shaded)
    for f in features:
        iso = f["properties"]["id"]
        if iso in shaded:
            f["properties"].update(properties(iso))
    has_polygon = set(countries["iso3"]) if countries is not None else set()
    lps = layers.landing_points
    for iso in sorted(set(shaded) - has_polygon):
        points = lps.loc[lps["iso3"] == iso].geometry
        if points.empty:
            continue
        features.append(
            feature(
                geometry_json(shapely.MultiPoint(list(points)).centroid, region.seam_lon),
                dot_properties(iso),
                {
                    "radius": 7,
                    "fillColor": shaded[iso],
                    "color": COUNTRY_DOT_LINE_COLOUR,
                    "weight": 1,
                    "fillOpacity": 0.9,
                },
            )
        )
    return features


def domain_text(row: pd.Series, domain: str) -> str | None:
    """``0.50 x 0.20 = 0.100 (7 rows: Huawei (deployed, high), ...)`` or the unknown note."""
    if f"exposure_{domain}" not in row.index:
        return None
    value = float(row[f"exposure_{domain}"])
    weight = float(row[f"exposure_{domain}_weight"])
    head = f"{value:.2f} x {weight:.2f} = {value * weight:.3f}"
    if row[f"exposure_{domain}_status"] == "unknown":
        return f"{head} (unknown: no cited evidence)"
    vendors = ", ".join(list(row[f"exposure_{domain}_vendors"])[:4])
    return f"{head} ({int(row[f'exposure_{domain}_evidence'])} rows: {vendors})"


def country_properties(row: pd.Series, vendors: list[str], footprints: list[str]) -> dict[str, Any]:
    """Return the popup properties of a scored country (a row of ``scores.countries``)."""
    domains = {f"domain_{d}": domain_text(row, d) for d in EXPOSURE_DOMAINS}
    coverage = (
        f"{int(row['evidence_domains'])} of {len(EXPOSURE_DOMAINS)}"
        if "evidence_domains" in row.index
        else None
    )
    return {
        **domains,
        "coverage": coverage,
        "score": round(float(row["score"]), 4),
        "rank": int(row["rank"]),
        "components": _rounded(row, COMPONENTS["country"]),
        "vendor_exposure": round(float(row["vendor_exposure"]), 3),
        "tier_share_high": clean(row.get("tier_share_high")),
        "tier_share_trusted": clean(row.get("tier_share_trusted")),
        "international_cables": int(row["international_cables"]),
        "vendors": vendors,
        "footprints": footprints,
    }


def footprints_by_country(layers: Layers) -> dict[str, list[str]]:
    """ISO3 -> ``"Huawei: ran 5g excluded 2018"`` lines of the non-cable vendor footprints."""
    out: dict[str, list[str]] = {}
    if layers.vendor_footprints is None:
        return out
    fp = layers.vendor_footprints
    fp = fp[~fp["domain"].isin(["submarine_cable_supply", "cable_ownership"])]
    for r in fp.itertuples():
        year = "" if pd.isna(r.year) else f" {int(r.year)}"
        out.setdefault(str(r.iso3), []).append(
            f"{r.vendor or 'vendor not named'}: {r.domain.replace('_', ' ')} {r.status}{year}"
        )
    return out


def domain_features(
    country_scores: pd.DataFrame, outlines: list[Feature], region: Region, domain: str
) -> list[Feature]:
    """Return the region's countries shaded by one exposure domain (unknown: grey).

    Parameters
    ----------
    country_scores
        ``scores.countries`` indexed by ``iso3``, with the per-domain exposure columns.
    outlines
        The page's country features (:func:`outline_features` or
        :func:`shaded_country_features`): their shapes are reused, not computed again.
    region
        The map's region.
    domain
        One of :data:`cablemap.risk.model.spec.EXPOSURE_DOMAINS`.

    Returns
    -------
    list of dict
        One feature per region country with a polygon.
    """
    rows = country_scores[country_scores.index.isin(region.countries)]
    fill = {
        str(iso): UNKNOWN_COLOUR
        if r[f"exposure_{domain}_status"] == "unknown"
        else ramp(float(r[f"exposure_{domain}"]))
        for iso, r in rows.iterrows()
    }
    features = []
    for outline in outlines:
        iso = outline["properties"]["id"]
        if iso not in fill or outline["geometry"] is None:
            continue
        r = rows.loc[iso]
        features.append(
            feature(
                outline["geometry"],
                {
                    "id": iso,
                    "name": outline["properties"]["name"],
                    "exposure": domain_text(r, domain),
                    "status": str(r[f"exposure_{domain}_status"]),
                    "coverage": f"{int(r['evidence_domains'])} of {len(EXPOSURE_DOMAINS)}",
                },
                {**outline["properties"]["_s"], "fillColor": fill[iso], "fillOpacity": 0.85},
            )
        )
    return features


# chokepoints, facilities, metros, hazards
def chokepoint_features(chokepoints: gpd.GeoDataFrame, region: Region) -> list[Feature]:
    """Return the model's chokepoint areas as dashed, translucent polygons."""
    return [
        feature(
            geometry_json(geom, region.seam_lon),
            {"id": cid, "name": name, "source": source},
            {
                "color": CHOKEPOINT_LINE_COLOUR,
                "weight": 1,
                "fillColor": CHOKEPOINT_COLOUR,
                "fillOpacity": 0.25,
                "dashArray": "3 3",
            },
        )
        for cid, name, source, geom in zip(
            chokepoints["chokepoint_id"],
            chokepoints["name"],
            chokepoints["source"],
            chokepoints.geometry,
            strict=True,
        )
    ]


def facility_features(
    facilities: gpd.GeoDataFrame, region: Region, *, scored: bool
) -> list[Feature]:
    """Return the facilities in the region's view, coloured by kind or, if scored, by score.

    Parameters
    ----------
    facilities
        The ``facilities`` layer, or ``scores.facilities`` when ``scored``.
    region
        The map's region: its countries, and only what its view shows (the region lists the
        USA, but not its east-coast data centres).
    scored
        Whether the rows carry scores: fill by score, outline by kind, breakdown in the popup.

    Returns
    -------
    list of dict
        One feature per facility in view.
    """
    facilities = facilities[facilities["iso3"].isin(region.countries)]
    west, south, east, north = region.bbox
    shifted = [shift_to_pacific(g, region.seam_lon) for g in facilities.geometry]
    inside = [west <= g.x <= east and south <= g.y <= north for g in shifted]
    return [
        feature(
            geometry_json(row.geometry, region.seam_lon),
            {
                "id": row.fac_id,
                "name": row.name,
                "kind": row.kind.replace("_", " "),
                "operator": row.operator,
                "home": row.operator_home_iso3,
                "city": row.city,
                "networks": int(row.networks) or None,
                "exchanges": int(row.exchanges) or None,
                "source": row.source,
                **(_facility_score(row) if scored else {}),
            },
            {
                "radius": 3.5 if row.kind != "cloud_region" else 5,
                "fillColor": ramp(float(row.score)) if scored else FACILITY_COLOURS[row.kind],
                "color": FACILITY_COLOURS[row.kind] if scored else WHITE,
                "weight": 1.2 if scored else 0.8,
                "fillOpacity": 0.95,
            },
        )
        for row in facilities[inside].itertuples()
    ]


def _facility_score(row: Any) -> dict[str, Any]:
    return {
        "score": round(float(row.score), 4),
        "rank": int(row.rank),
        "operator_tier": row.operator_tier,
        "metro": clean(getattr(row, "metro_id", None)),
        "components": _rounded(row, COMPONENTS["facility"]),
    }


def metro_features(metros: gpd.GeoDataFrame, region: Region) -> list[Feature]:
    """Return metro nodes: colour = score, size = international cables (``scores.metros`` rows)."""
    return [
        feature(
            geometry_json(row.geometry, region.seam_lon),
            {
                "id": row.metro_id,
                "name": row.name,
                "iso3": row.iso3,
                "score": round(float(row.score), 4),
                "rank": int(row.rank),
                "international_cables": int(row.international_cables),
                "interconnection": int(row.interconnection_count),
                "cloud_regions": int(row.cloud_regions),
                "members": [str(x) for x in row.members[:25]],
                "n_members": len(row.members),
                "components": _rounded(row, COMPONENTS["metro"]),
            },
            {
                "radius": radius(float(row.cables)) + 4,
                "fillColor": ramp(float(row.score)),
                "color": METRO_LINE_COLOUR,
                "weight": 2,
                "fillOpacity": 0.55,
            },
        )
        for row in metros.itertuples()
    ]


def _in_view(lon: float, lat: float, region: Region, margin: float = 5.0) -> tuple[float, bool]:
    """Shift a longitude as the map shows it; say whether the point is in the view."""
    west, south, east, north = region.bbox
    x = lon + 360.0 if lon < region.seam_lon else lon
    inside = west - margin <= x <= east + margin and south - margin <= lat <= north + margin
    return x, inside


def hazard_features(
    quakes: gpd.GeoDataFrame, region: Region, model: FaultModel | None
) -> list[Feature]:
    """Return earthquake density on a 1-degree grid as graduated circles (cells in view).

    Parameters
    ----------
    quakes
        The ``hazards`` layer (EPSG:4326 points with ``time`` and magnitude).
    region
        The map's region.
    model
        The fault model whose reference magnitude weighs the events, if any.

    Returns
    -------
    list of dict
        One feature per cell in view.
    """
    cells = seismic_grid(quakes, cell_deg=1.0, model=model)
    years = catalogue_years(quakes)
    features = []
    for row in cells.itertuples():
        x, inside = _in_view(row.lon, row.lat, region)
        if not inside:
            continue
        weight = float(row.weighted_per_year)
        size = 1.5 + 2.5 * max(0.0, math.log10(max(weight, 1e-9)) + 2.0)
        features.append(
            feature(
                {"type": "Point", "coordinates": [round(x, 2), row.lat]},
                {
                    "id": f"cell:{row.lon:g},{row.lat:g}",
                    "name": f"{row.lat:+.1f}, {row.lon:+.1f} (1 x 1 degree)",
                    "events": int(row.events),
                    "per_year": round(int(row.events) / years, 3),
                    "max_magnitude": round(float(row.max_magnitude), 1),
                    "weighted": round(weight, 3),
                },
                {
                    "radius": round(min(size, 18.0), 1),
                    "fillColor": hazard_colour(float(row.max_magnitude)),
                    "color": HAZARD_COLOUR,
                    "weight": 0.4,
                    "fillOpacity": 0.4,
                },
            )
        )
    return features


def simulation_properties(row: Any) -> dict[str, Any]:
    """Return the popup properties of a country or landing point from a simulation row."""
    return {
        "p_cut_off": round(float(row.probability_cut_off), 5),
        "p_cut_off_ci": f"{row.ci_low:.4f} to {row.ci_high:.4f}",
        "days_cut_off": round(float(row.expected_days_cut_off), 2),
        "cut_off_cables": [f"{t['cable_id']} ({t['share']:.0%})" for t in list(row.top_cables)[:5]],
    }


# cables
def _listed(value: object, limit: int | None = None) -> object:
    return NOT_IN_SOURCE if is_missing(value) else names_or_empty(value)[:limit]


def inferred_per_point(layers: Layers) -> dict[str, str]:
    """``lp_id`` -> e.g. ``"2 of 3"``: how many of its cables were inferred from routes."""
    links = layers.cable_landings
    if "inferred" not in links.columns or not links["inferred"].any():
        return {}
    counts = links.groupby("lp_id")["inferred"].agg(["sum", "size"])
    return {
        str(lp): f"{int(r['sum'])} of {int(r['size'])}" for lp, r in counts.iterrows() if r["sum"]
    }


def landing_notes(layers: Layers) -> dict[str, str]:
    """Say, per cable, how many of its landings were inferred from the drawn route or carried.

    Returns
    -------
    dict
        ``cable_id`` -> e.g. ``"3 of 4 inferred from the route (within 0.41 km)"``; only
        cables with an inferred or carried-over landing.
    """
    links = layers.cable_landings
    if "inferred" not in links.columns and "carried_from" not in links.columns:
        return {}
    inferred = (
        links["inferred"].astype(bool)
        if "inferred" in links.columns
        else pd.Series(False, index=links.index)
    )
    carried = (
        links["carried_from"].map(lambda v: not is_missing(v))
        if "carried_from" in links.columns
        else pd.Series(False, index=links.index)
    )
    notes: dict[str, str] = {}
    frame = links.assign(_inferred=inferred, _carried=carried)
    for cable_id, group in frame.groupby("cable_id", sort=False):
        parts = []
        n_inf = int(group["_inferred"].sum())
        if n_inf:
            far = float(group.loc[group["_inferred"], "distance_km"].max())
            parts.append(f"{n_inf} of {len(group)} inferred from the route (within {far:.2f} km)")
        n_car = int(group["_carried"].sum())
        if n_car:
            whence = ", ".join(
                sorted({str(v) for v in group.loc[group["_carried"], "carried_from"]})
            )
            parts.append(f"{n_car} of {len(group)} as listed in {whence}")
        if parts:
            notes[str(cable_id)] = "; ".join(parts)
    return notes


def cable_properties(row: Any, landings: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the descriptive properties every map gives a cable (a row of ``cables``).

    Values the source does not give read "not in the source"; inferred landings and values
    carried over from an older release say so.
    """
    carried = names_or_empty(getattr(row, "carried_over", None))
    return {
        "id": row.cable_id,
        "name": row.name,
        "status": NOT_IN_SOURCE if is_missing(row.status) else row.status,
        "suppliers": _listed(row.suppliers),
        "owners": _listed(row.owners, 12),
        "rfs": clean(row.rfs_year),
        "landings": (landings or {}).get(row.cable_id),
        "carried": f"{', '.join(carried)} from {row.carried_from}" if carried else None,
    }


def cable_names(layers: Layers) -> tuple[list[str], dict[str, int]]:
    """Return the cables' names and each ``cable_id``'s index in that list."""
    names = list(layers.cables["name"])
    return names, {c: i for i, c in enumerate(layers.cables["cable_id"])}


def scored_cable_features(scores: Scores, layers: Layers, region: Region) -> list[Feature]:
    """Return the region's cables with their scores, grey in service and amber planned."""
    scored = scores.cables.set_index("cable_id")
    comps = COMPONENTS["cable"]
    landings = landing_notes(layers)
    _, in_cables = region_ids(layers, region)
    features = []
    for row in layers.cables[layers.cables["cable_id"].isin(in_cables)].itertuples():
        s = scored.loc[row.cable_id] if row.cable_id in scored.index else None
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
                {
                    **cable_properties(row, landings),
                    "score": None if s is None else round(float(s["score"]), 4),
                    "rank": None if s is None else int(s["rank"]),
                    "components": None if s is None else _rounded(s, comps),
                },
                {
                    "color": CABLE_STATUS_COLOURS["in_service"]
                    if row.status == "in_service"
                    else CABLE_STATUS_COLOURS["planned"],
                    "weight": 1.4,
                    "opacity": 0.55,
                    "dashArray": "4 4" if row.route_synthetic or row.status == "planned" else None,
                },
            )
        )
    return features


def tier_cable_features(
    scores: Scores, layers: Layers, region: Region, tiers: VendorTiers
) -> list[Feature]:
    """Return the region's scored cables coloured by their riskiest vendor tier.

    Suppliers and owners are listed with the tiers of ``tiers``
    (:func:`cablemap.risk.scoring.tiers.vendor_tiers`): render reads them and classifies nothing.
    """
    facts = scores.cables.set_index("cable_id")
    comps = COMPONENTS["cable"]
    landings = landing_notes(layers)
    _, in_cables = region_ids(layers, region)
    features = []
    for row in layers.cables[
        layers.cables["cable_id"].isin(in_cables & set(facts.index))
    ].itertuples():
        s = facts.loc[row.cable_id]
        tier = str(s["tier"])
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
                {
                    "id": row.cable_id,
                    "name": row.name,
                    "tier": tier,
                    "suppliers": _tiered(row.suppliers, tiers),
                    "owners": _tiered(row.owners, tiers, 12),
                    "landings": landings.get(row.cable_id),
                    "score": round(float(s["score"]), 4),
                    "rank": int(s["rank"]),
                    "components": _rounded(s, comps),
                },
                {
                    "color": TIER_COLOURS[tier],
                    "weight": 2.2 if tier == "high" else 1.5,
                    "opacity": 0.85,
                },
            )
        )
    return features


def _tiered(names: object, tiers: VendorTiers, limit: int | None = None) -> object:
    """Names with their tiers, e.g. ``["NEC (trusted)"]``; "not in the source" where missing."""
    return NOT_IN_SOURCE if is_missing(names) else tiers.tiered(names, limit)


def loss_cable_features(result: SimulationResult, layers: Layers, region: Region) -> list[Feature]:
    """Return the region's simulated cables, thicker and redder the more losses they are part of."""
    losses = result.cables.set_index("cable_id")
    _, in_cables = region_ids(layers, region)
    features = []
    for row in layers.cables[layers.cables["cable_id"].isin(in_cables)].itertuples():
        if row.cable_id not in losses.index:
            continue
        c = losses.loc[row.cable_id]
        lost = float(c["country_losses_per_year"])
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
                {
                    **cable_properties(row),
                    "faults_per_year": round(float(c["faults_per_year"]), 3),
                    "p_fault": round(float(c["probability_fault"]), 3),
                    "losses": round(lost, 5),
                    "loss_countries": list(c["countries"])[:10],
                },
                {
                    "color": probability_colour(lost) if lost > 0 else MUTED_COLOUR,
                    "weight": 1.2 + 4.0 * math.sqrt(min(lost / 0.25, 1.0)),
                    "opacity": 0.85 if lost > 0 else 0.45,
                },
            )
        )
    return features


def overview_cable_features(layers: Layers, region: Region) -> list[Feature]:
    """Return the region's cables without scores: blue in service, brown planned."""
    _, in_cables = region_ids(layers, region)
    landings = landing_notes(layers)
    return [
        feature(
            geometry_json(r.geometry, region.seam_lon, ROUTE_TOLERANCE),
            cable_properties(r, landings),
            {
                "color": OVERVIEW_CABLE_COLOURS["in_service"]
                if r.status == "in_service"
                else OVERVIEW_CABLE_COLOURS["planned"],
                "weight": 1.6,
                "opacity": 0.8,
                "dashArray": "4 4" if r.route_synthetic else None,
            },
        )
        for r in layers.cables[layers.cables["cable_id"].isin(in_cables)].itertuples()
    ]


def segment_features(
    segments: gpd.GeoDataFrame,
    region: Region,
    properties: Callable[[Any], dict[str, Any]],
    style: Callable[[Any], dict[str, Any]],
) -> list[Feature]:
    """Return network segments (rows of ``network.segments``) with properties and style."""
    return [
        feature(
            geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
            {"id": row.seg_id, **properties(row)},
            style(row),
        )
        for row in segments.itertuples()
    ]


def scenario_segment_features(
    result: ScenarioResult, engine: ScenarioEngine, region: Region
) -> list[Feature]:
    """Return the active segments of the region and every cut one (red, thicker)."""
    layers = engine.layers
    seg = engine.network.segments
    cut_ids = set(result.cut_segments["seg_id"])
    names = layers.cables.set_index("cable_id")["name"]
    _, in_cables = region_ids(layers, region)
    keep = seg["routed"] & (
        seg["cable_id"].isin(in_cables & engine.active_cables) | seg["seg_id"].isin(cut_ids)
    )
    return segment_features(
        seg[keep],
        region,
        lambda row: {
            "name": str(names.get(row.cable_id, row.cable_id)),
            "cut": row.seg_id in cut_ids,
            "between": [row.u, row.v],
        },
        lambda row: {
            "color": CUT_COLOUR if row.seg_id in cut_ids else MUTED_COLOUR,
            "weight": 3.5 if row.seg_id in cut_ids else 1.2,
            "opacity": 0.95 if row.seg_id in cut_ids else 0.5,
        },
    )


def candidate_features(result: Plan, region: Region, top: int) -> list[Feature]:
    """Return the best ``top`` candidates of a plan and every pick, dashed (picks green)."""
    chosen = set(result.portfolio)
    cands = result.candidates
    shown = cands[(cands["rank"] <= top) | cands["id"].isin(chosen)]
    return [
        feature(
            geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
            {
                "id": row.id,
                "name": row.id,
                "kind": row.kind,
                "countries": ", ".join(row.countries),
                "route_km": round(float(row.route_km), 0),
                "benefit": round(float(row.benefit), 4),
                "rank": int(row.rank),
                "picked": row.id in chosen,
            },
            {
                "color": PICK_COLOUR if row.id in chosen else CANDIDATE_COLOUR,
                "weight": 4 if row.id in chosen else 2,
                "opacity": 0.95 if row.id in chosen else 0.7,
                "dashArray": "8 6",
            },
        )
        for row in shown.itertuples()
        if row.geometry is not None
    ]


# landing points
def scored_landing_features(
    scores: Scores,
    layers: Layers,
    region: Region,
    simulated: dict[str, dict[str, Any]] | None = None,
) -> list[Feature]:
    """Return the region's landing points: size = criticality, colour = score.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    region
        The map's region.
    simulated
        ``lp_id`` -> simulation popup properties (:func:`simulation_properties`), if any.

    Returns
    -------
    list of dict
        One feature per scored landing point of the region; ``cables`` indexes the cable
        names of :func:`cable_names`.
    """
    in_lp, _ = region_ids(layers, region)
    _, cable_index = cable_names(layers)
    lps = scores.landing_points[scores.landing_points["lp_id"].isin(in_lp)]
    lp_cables = layers.cable_landings.groupby("lp_id")["cable_id"].apply(list)
    lp_inferred = inferred_per_point(layers)
    features = []
    for row in lps.itertuples():
        crit = float(row.criticality) if "criticality" in lps.columns else float(row.score)
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon),
                {
                    "id": row.lp_id,
                    "name": row.name,
                    "country": row.country,
                    "iso3": row.iso3,
                    "score": round(float(row.score), 4),
                    "rank": int(row.rank),
                    "criticality": round(crit, 4),
                    "redundancy_cables": (
                        None if pd.isna(row.redundancy_cables) else int(row.redundancy_cables)
                    ),
                    "inferred": lp_inferred.get(row.lp_id),
                    "components": _rounded(row, COMPONENTS["landing_point"]),
                    "cables": [
                        cable_index[c] for c in lp_cables.get(row.lp_id, []) if c in cable_index
                    ],
                    **(simulated.get(row.lp_id, {}) if simulated is not None else {}),
                },
                {
                    "radius": radius(crit),
                    "fillColor": ramp(float(row.score)),
                    "color": MARKER_LINE_COLOUR,
                    "weight": 0.8,
                    "fillOpacity": 0.9,
                },
            )
        )
    return features


def probability_landing_features(
    result: SimulationResult, layers: Layers, region: Region
) -> list[Feature]:
    """Return the region's landing points sized and coloured by their chance of being cut off."""
    in_lp, _ = region_ids(layers, region)
    sim_lps = result.landing_points[result.landing_points["lp_id"].isin(in_lp)]
    geoms = layers.landing_points.set_index("lp_id").geometry
    return [
        feature(
            geometry_json(geoms[r.lp_id], region.seam_lon),
            {"id": r.lp_id, "name": r.name, "iso3": r.iso3, **simulation_properties(r)},
            {
                "radius": radius(min(float(r.probability_cut_off) / 0.25, 1.0), smallest=2.5),
                "fillColor": probability_colour(float(r.probability_cut_off)),
                "color": MARKER_LINE_COLOUR,
                "weight": 0.7,
                "fillOpacity": 0.9,
            },
        )
        for r in sim_lps.itertuples()
    ]


def scenario_landing_features(
    result: ScenarioResult, layers: Layers, region: Region
) -> list[Feature]:
    """Return the region's landing points, large and red where the scenario cuts them off."""
    in_lp, _ = region_ids(layers, region)
    lp_state = result.landing_points.set_index("lp_id")
    lps = layers.landing_points[layers.landing_points["lp_id"].isin(in_lp)]
    features = []
    for row in lps.itertuples():
        cut_off = bool(lp_state.at[row.lp_id, "isolated"]) and not bool(
            lp_state.at[row.lp_id, "isolated_before"]
        )
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon),
                {"id": row.lp_id, "name": row.name, "country": row.country, "isolated": cut_off},
                {
                    "radius": 7 if cut_off else 3,
                    "fillColor": CUT_COLOUR if cut_off else INTACT_LANDING_COLOUR,
                    "color": MARKER_LINE_DARK,
                    "weight": 0.8,
                    "fillOpacity": 0.9,
                },
            )
        )
    return features


def overview_landing_features(layers: Layers, region: Region) -> list[Feature]:
    """Return the region's landing points as plain dots."""
    in_lp, _ = region_ids(layers, region)
    return [
        feature(
            geometry_json(r.geometry, region.seam_lon),
            {"id": r.lp_id, "name": r.name, "country": r.country},
            {
                "radius": 4,
                "fillColor": OVERVIEW_LANDING_COLOUR,
                "color": MARKER_LINE_DARK,
                "weight": 1,
                "fillOpacity": 0.9,
            },
        )
        for r in layers.landing_points[layers.landing_points["lp_id"].isin(in_lp)].itertuples()
    ]
