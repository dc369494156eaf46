"""GeoJSON features of the maps: cables, landing points, countries, facilities, metros, hazards.

Each builder turns rows of the layers, scores or results into GeoJSON features in the map's
Pacific-centred longitudes, with the popup properties and the Leaflet style (``_s``) the
runtime draws; :mod:`cablemap.render.maps` composes them into pages. No scoring here: tiers,
scores and probabilities are read from what the model computed.
"""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pycountry
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
    percent,
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

#: What a cable's popup says where its route was drawn from its landing points.
SYNTHESISED_ROUTE = "synthesised from its landing points (no drawn route in the source)"
#: Popup fields of a cable: ``[property, label]``.
CABLE_FIELDS = [
    ["status", "status"],
    ["rfs", "ready for service"],
    ["suppliers", "suppliers"],
    ["owners", "owners"],
    ["route", "route"],
    ["landings", "landing points"],
    ["carried", "carried over"],
]
#: Properties a cable is found by in the search, besides its name: ``[property, label]``.
CABLE_SEARCH = [["owners", "owner"], ["suppliers", "supplier"]]
#: Popup fields of simulation results: ``[property, label, format]``.
SIMULATION_FIELDS = [
    ["p_cut_off", "chance of being cut off", "pct"],
    ["p_cut_off_ci", "95 % interval (% a year)"],
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
    if clip is None and isinstance(geom, shapely.Point):  # the common case, fewer shapely calls
        x, y = geom.x, geom.y
        x = x + 360.0 if x < seam else x
        return {"type": "Point", "coordinates": [round(x, decimals), round(y, decimals)]}
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
    in_lp = set(lps.loc[region.places_in(lps["iso3"], lps.geometry.x, lps.geometry.y), "lp_id"])
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
    return [
        feature(
            geometry,
            {"id": iso3, "name": name},
            {
                "color": OUTLINE_COLOUR,
                "weight": 0.6,
                "fillColor": fill.get(iso3, LAND_COLOUR),
                "fillOpacity": 0.85 if iso3 in fill else 1.0,
            },
        )
        for iso3, name, geometry in zip(
            countries["iso3"], countries["name"], _outline_shapes(countries, region), strict=True
        )
    ]


#: Outline shapes already drawn, per outlines frame (by identity, held weakly) and view: every
#: page of a build draws the same (simplifying Natural Earth 10m is the costliest step of a
#: page). A frame no longer used leaves the cache with it.
_OUTLINES: dict[int, tuple[weakref.ref[Any], dict[tuple[float, ...], list[Any]]]] = {}


def _outline_shapes(countries: gpd.GeoDataFrame, region: Region) -> list[dict[str, Any] | None]:
    """Return the outlines' GeoJSON geometries clipped to the view (read only: shared)."""
    west, south, east, north = region.bbox
    view = (
        west - _VIEW_MARGIN,
        max(south - _VIEW_MARGIN, -90.0),
        east + _VIEW_MARGIN,
        min(north + _VIEW_MARGIN, 90.0),
    )
    key = (*view, region.seam_lon)
    held = _OUTLINES.get(id(countries))
    if held is None or held[0]() is not countries:
        frame_id = id(countries)
        held = (weakref.ref(countries, lambda _: _OUTLINES.pop(frame_id, None)), {})
        _OUTLINES[frame_id] = held
    per_view = held[1]
    if key not in per_view:
        per_view[key] = [
            geometry_json(
                geom, region.seam_lon, _OUTLINE_TOLERANCE, clip=view, decimals=_OUTLINE_DECIMALS
            )
            for geom in countries.geometry
        ]
    return per_view[key]


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
        "exposure_range": _exposure_range(row),
        **_measures(row),
        "dcs_priority": clean(row.get("dcs_priority")),
        "dcs_rank": clean(row.get("dcs_rank")),
        "tier_share_high": clean(row.get("tier_share_high")),
        "tier_share_trusted": clean(row.get("tier_share_trusted")),
        "international_cables": int(row["international_cables"]),
        "vendors": vendors,
        "footprints": footprints,
    }


#: What a scored row may carry besides its score (read where present, never required).
_MEASURES = ("importance", "vulnerability", "top_k_acceptability")


def _measures(row: Any) -> dict[str, Any]:
    """Return a row's importance, vulnerability, rank acceptability and score range, if any.

    The model may form a score from an importance and a vulnerability and say how firm a
    rank is (``score_low``/``score_high``, ``rank_best``/``rank_worst``); a row without them
    gives nothing.
    """
    get = row.get if isinstance(row, pd.Series) else lambda c, d=None: getattr(row, c, d)
    out: dict[str, Any] = {m: clean(get(m)) for m in _MEASURES if get(m) is not None}
    low, high = get("score_low"), get("score_high")
    if low is not None and high is not None and not (is_missing(low) or is_missing(high)):
        best, worst = get("rank_best"), get("rank_worst")
        ranks = (
            f" (rank {int(best)} to {int(worst)})"
            if best is not None and worst is not None and not is_missing(best) and best != worst
            else ""
        )
        out["score_range"] = f"{float(low):.3f} to {float(high):.3f}{ranks}"
    return {k: v for k, v in out.items() if v is not None}


def _exposure_range(row: pd.Series) -> str | None:
    """``"0.41 to 0.55"`` where the model gives a range (evidence missing), else ``None``."""
    low, high = row.get("vendor_exposure_low"), row.get("vendor_exposure_high")
    if low is None or high is None or is_missing(low) or is_missing(high):
        return None
    text = f"{float(low):.2f} to {float(high):.2f}"
    return text + (" (rank could change)" if bool(row.get("rank_uncertain", False)) else "")


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
    facilities: gpd.GeoDataFrame,
    region: Region,
    *,
    scored: bool,
    metro_names: dict[str, str] | None = None,
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
    metro_names
        The metros' names by id (a facility's popup names its metro).

    Returns
    -------
    list of dict
        One feature per facility in view.
    """
    facilities = facilities[
        region.places_in(facilities["iso3"], facilities.geometry.x, facilities.geometry.y)
    ]
    west, south, east, north = region.bbox
    xs, ys = facilities.geometry.x.to_numpy(), facilities.geometry.y.to_numpy()
    xs = np.where(xs < region.seam_lon, xs + 360.0, xs)
    inside = (west <= xs) & (xs <= east) & (south <= ys) & (ys <= north)
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
                **(_facility_score(row, metro_names or {}) if scored else {}),
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


def _facility_score(row: Any, metro_names: dict[str, str]) -> dict[str, Any]:
    return {
        "score": round(float(row.score), 4),
        "rank": int(row.rank),
        "operator_tier": row.operator_tier,
        "metro": metro_names.get(str(getattr(row, "metro_id", "")))
        or clean(getattr(row, "metro_id", None)),
        "components": _rounded(row, COMPONENTS["facility"]),
    }


def metro_features(
    metros: gpd.GeoDataFrame, region: Region, site_names: dict[str, str] | None = None
) -> list[Feature]:
    """Return metro nodes: colour = score, size = international cables (``scores.metros`` rows).

    Only metros in the region's view are drawn; ``site_names`` names their member sites
    (facility and landing point ids otherwise).
    """
    names = site_names or {}
    west, south, east, north = region.bbox
    inside = [
        west <= g.x <= east and south <= g.y <= north
        for g in (shift_to_pacific(g, region.seam_lon) for g in metros.geometry)
    ]
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
                "members": [names.get(str(x), str(x)) for x in row.members[:8]],
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
        for row in metros[inside].itertuples()
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


def simulation_properties(row: Any, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the popup properties of a country or landing point from a simulation row.

    ``names`` gives the cables' names by id (ids where missing). Chances are yearly
    probabilities in [0, 1]; the page shows them as ``% a year`` (:func:`percent`).
    """
    names = names or {}
    return {
        "p_cut_off": round(float(row.probability_cut_off), 5),
        "p_cut_off_ci": f"{percent(row.ci_low, unit=False)} to {percent(row.ci_high, unit=False)}",
        "days_cut_off": round(float(row.expected_days_cut_off), 1),
        "cut_off_cables": [
            f"{names.get(t['cable_id'], t['cable_id'])} ({t['share']:.0%})"
            for t in list(row.top_cables)[:5]
        ],
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
        "status": NOT_IN_SOURCE if is_missing(row.status) else str(row.status).replace("_", " "),
        "suppliers": _listed(row.suppliers),
        "owners": _listed(row.owners),
        "rfs": clean(row.rfs_year),
        "landings": (landings or {}).get(row.cable_id),
        "route": SYNTHESISED_ROUTE if bool(getattr(row, "route_synthetic", False)) else None,
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
                    "dashArray": "4 4" if row.route_synthetic else None,
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
        by_supplier = _tier_of(s, "supplier_tier", tier)
        features.append(
            feature(
                geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
                {
                    "id": row.cable_id,
                    "name": row.name,
                    "tier": tier,
                    "supplier_tier": by_supplier,
                    "owner_tier": _tier_of(s, "owner_tier", tier),
                    "status": NOT_IN_SOURCE
                    if is_missing(row.status)
                    else str(row.status).replace("_", " "),
                    "rfs": clean(row.rfs_year),
                    "suppliers": _tiered(row.suppliers, tiers),
                    "owners": _tiered(row.owners, tiers),
                    "landings": landings.get(row.cable_id),
                    "score": round(float(s["score"]), 4),
                    "rank": int(s["rank"]),
                    "components": _rounded(s, comps),
                },
                {
                    "color": TIER_COLOURS[by_supplier],
                    "weight": 2.2 if by_supplier == "high" else 1.5,
                    "opacity": 0.85,
                },
            )
        )
    return features


def _tier_of(row: pd.Series, column: str, default: str) -> str:
    """Return a scored cable's tier in ``column`` (its riskiest tier without the column)."""
    value = row.get(column)
    return default if value is None or is_missing(value) else str(value)


def _tiered(names: object, tiers: VendorTiers, limit: int | None = None) -> object:
    """Names with their tiers, e.g. ``["NEC (trusted)"]``; "not in the source" where missing."""
    return NOT_IN_SOURCE if is_missing(names) else tiers.tiered(names, limit)


def loss_cable_features(
    result: SimulationResult,
    layers: Layers,
    region: Region,
    names: dict[str, str] | None = None,
) -> list[Feature]:
    """Return the region's simulated cables, thicker and redder the more losses they are part of.

    ``names`` names the countries a cable's loss leaves cut off (ISO3 codes otherwise).
    """
    names = names or {}
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
                    "p_fault": round(float(c["probability_fault"]), 5),
                    "losses": round(lost, 5),
                    "loss_countries": [
                        names.get(str(i), str(i)) for i in list(c["countries"])[:10]
                    ],
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
    places = dict(zip(layers.landing_points["lp_id"], layers.landing_points["name"], strict=True))
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
            "between": [str(places.get(n, "a branching unit")) for n in (row.u, row.v)],
        },
        lambda row: {
            "color": CUT_COLOUR if row.seg_id in cut_ids else MUTED_COLOUR,
            "weight": 3.5 if row.seg_id in cut_ids else 1.2,
            "opacity": 0.95 if row.seg_id in cut_ids else 0.5,
        },
    )


def candidate_features(
    result: Plan,
    region: Region,
    top: int,
    *,
    labels: dict[str, str] | None = None,
    reasons: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
) -> list[Feature]:
    """Return the best ``top`` candidates of a plan and every pick, dashed (picks green).

    Parameters
    ----------
    result
        The plan.
    region
        The map's region.
    top
        Draw the best ``top`` candidates by rank (every pick is drawn).
    labels, reasons
        Candidate id -> its name with places (``"Timor-Leste - Manado, Indonesia"``) and,
        for picks, why it was picked.
    names
        ISO3 -> country name.
    """
    labels, reasons, names = labels or {}, reasons or {}, names or {}
    chosen = set(result.portfolio)
    cands = result.candidates
    shown = cands[(cands["rank"] <= top) | cands["id"].isin(chosen)]
    return [
        feature(
            geometry_json(row.geometry, region.seam_lon, ROUTE_TOLERANCE),
            {
                "id": row.id,
                "name": labels.get(row.id, row.id),
                "kind": row.kind,
                "countries": [names.get(str(i), str(i)) for i in row.countries],
                "route_km": None if pd.isna(row.route_km) else round(float(row.route_km), 0),
                "benefit": round(float(row.benefit), 3),
                "per_1000km": round(float(row.benefit_per_1000km), 3)
                if "benefit_per_1000km" in cands.columns and not pd.isna(row.benefit_per_1000km)
                else None,
                "rank": int(row.rank),
                "picked": row.id in chosen,
                "reason": reasons.get(row.id),
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
                    **_measures(row),
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


#: Why a station's yearly chance can differ from its country's (the two definitions).
STATION_VS_COUNTRY = (
    "a station counts as cut off only when it reaches neither another country nor its "
    "country's main landmass; its country, when none of its stations reaches another "
    "country by sea"
)


def probability_landing_features(
    result: SimulationResult, layers: Layers, region: Region, cables: dict[str, str] | None = None
) -> list[Feature]:
    """Return the region's landing points sized and coloured by their chance of being cut off.

    ``cables`` names the cables down in the years a point is cut off (ids otherwise). Each
    point also gives its country's chance and, where the two differ by more than half a
    percentage point, why (:data:`STATION_VS_COUNTRY`).
    """
    country_p = dict(
        zip(result.countries["iso3"], result.countries["probability_cut_off"], strict=True)
    )
    in_lp, _ = region_ids(layers, region)
    sim_lps = result.landing_points[result.landing_points["lp_id"].isin(in_lp)]
    geoms = layers.landing_points.set_index("lp_id").geometry
    return [
        feature(
            geometry_json(geoms[r.lp_id], region.seam_lon),
            {
                "id": r.lp_id,
                "name": r.name,
                "iso3": r.iso3,
                **simulation_properties(r, cables),
                "country_p": clean(country_p.get(r.iso3)),
                "why_differs": STATION_VS_COUNTRY
                if r.iso3 in country_p
                and abs(float(country_p[r.iso3]) - float(r.probability_cut_off)) > 0.005
                else None,
            },
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


# names, country cards and single points of failure
def country_names(
    layers: Layers, countries: gpd.GeoDataFrame | None = None, codes: Iterable[str] = ()
) -> dict[str, str]:
    """ISO3 -> country name: the outlines', else the landing points', else ISO 3166's.

    Parameters
    ----------
    layers
        The layers (their landing points name their countries).
    countries
        Country outlines (``iso3``, ``name``), whose names win.
    codes
        Further codes to name (a region's countries with no landing point or outline), from
        ISO 3166 (``pycountry``: its common name where it gives one).
    """
    lps = layers.landing_points.dropna(subset=["iso3"])
    names = {str(i): str(n) for i, n in zip(lps["iso3"], lps["country"], strict=True) if n}
    if countries is not None:
        names.update(
            {str(i): str(n) for i, n in zip(countries["iso3"], countries["name"], strict=True)}
        )
    for code in codes:
        if code not in names:
            entry = pycountry.countries.get(alpha_3=code)
            if entry is not None:
                names[code] = str(getattr(entry, "common_name", None) or entry.name)
    return names


def short_station(name: str, country: str) -> str:
    """``"Tuas, Singapore"`` -> ``"Tuas"``: a station's name without its country."""
    suffix = f", {country}"
    return name[: -len(suffix)] if country and name.endswith(suffix) and name != suffix else name


def _country_cables(layers: Layers) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """ISO3 -> its international cables (ids, by name); cable -> countries it lands in."""
    links = layers.cable_landings.merge(
        layers.landing_points[["lp_id", "iso3"]], on="lp_id", how="inner"
    ).dropna(subset=["iso3"])
    lands: dict[str, set[str]] = {}
    for cable, iso in zip(links["cable_id"], links["iso3"], strict=True):
        lands.setdefault(str(cable), set()).add(str(iso))
    names = layers.cables.set_index("cable_id")["name"]
    by_country: dict[str, list[str]] = {}
    for cable, isos in lands.items():
        if len(isos) > 1:
            for iso in isos:
                by_country.setdefault(iso, []).append(cable)
    for cables in by_country.values():
        cables.sort(key=lambda c: str(names.get(c, c)).lower())
    return by_country, lands


def _owners(owners: dict[str, list[str]], cables: list[str], top: int = 8) -> list[str]:
    """Return the owners of the most of these cables, most first."""
    counts: dict[str, int] = {}
    for cable in cables:
        for owner in owners.get(cable, []):
            counts[owner] = counts.get(owner, 0) + 1
    return [o for o, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def cable_name_map(layers: Layers) -> dict[str, str]:
    """cable_id -> cable name."""
    return {
        str(c): str(n)
        for c, n in zip(layers.cables["cable_id"], layers.cables["name"], strict=True)
    }


def weak_points(
    row: pd.Series | None, cable_names_: dict[str, str], single_stations: int, stations: int
) -> list[str]:
    """Say what cuts a country off, from its row of ``scores.countries`` (if any).

    Reads ``status``, ``min_cut_cables``, ``redundancy_cables`` and, where the model gives
    them, ``sea_min_cut``/``sea_min_cut_cables`` and the capital's
    ``capital_name``/``capital_connected``/``capital_min_cut``/``capital_cut_cables``.
    """
    out: list[str] = []
    if row is not None:
        out.extend(_status_words(row, cable_names_))
        out.extend(_capital_words(row, cable_names_))
    if single_stations:
        out.append(f"{single_stations} of {stations} landing stations are cut off by one cable")
    return out


def _named(ids: object, cable_names_: dict[str, str], limit: int = 6) -> str:
    names = [cable_names_.get(str(c), str(c)) for c in names_or_empty(ids)]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _status_words(row: pd.Series, cable_names_: dict[str, str]) -> list[str]:
    status = str(row.get("status", ""))
    cut = row.get("min_cut_cables")
    min_cut = row.get("redundancy_cables")
    words = {
        "unconnected": "no in-service international cable",
        "landlocked": "landlocked: no cable can land",
        "land_linked": "reaches abroad over land: no cable cut alone cuts it off",
        "capital_unconnected": "its capital is not connected to its landing stations",
    }
    out = [words[status]] if status in words else []
    if status == "single_cable":
        out.append(f"one cable keeps it connected: {_named(cut, cable_names_)}")
    elif status == "connected" and not is_missing(min_cut) and 1 < int(min_cut) <= 3:
        out.append(f"{int(min_cut)} cables whose loss cuts it off: {_named(cut, cable_names_)}")
    sea = row.get("sea_min_cut")
    if (
        sea is not None
        and not is_missing(sea)
        and (is_missing(min_cut) or int(sea) != int(min_cut))
    ):
        cables = _named(row.get("sea_min_cut_cables"), cable_names_)
        out.append(f"cut off by sea by {int(sea)} cable(s): {cables}")
    return out


def _capital_words(row: pd.Series, cable_names_: dict[str, str]) -> list[str]:
    name = row.get("capital_name")
    if name is None or is_missing(name):
        return []
    if row.get("capital_connected") is False:
        return [f"capital {name}: no path to a landing station"]
    cut = row.get("capital_min_cut")
    if cut is not None and not is_missing(cut) and int(cut) == 1:
        cables = _named(row.get("capital_cut_cables"), cable_names_)
        return [f"capital {name} hangs on one cable: {cables}"]
    return []


def country_cards(
    layers: Layers,
    region: Region,
    table: pd.DataFrame | None = None,
    *,
    landing_table: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the card of every region country: cables, stations, owners, weak points.

    Parameters
    ----------
    layers
        The layers (cables by landing, stations, owners).
    region
        The map's region: only its countries get a card.
    table
        ``scores.countries`` (weak points from its resilience columns), if the page has it.
    landing_table
        ``scores.landing_points``: stations a single cable cuts off are counted.
    names
        ISO3 -> name (:func:`country_names`).

    Returns
    -------
    dict
        ISO3 -> ``{"n": name, "ll": [lat, lon] of its stations' middle, "c": its international
        cables (indexes in :func:`cable_names`; "p": the planned ones), "s": station names,
        "o": main owners, "w": weak points}`` (the runtime's ``cardHtml`` reads it).
    """
    by_country, _ = _country_cables(layers)
    _, index = cable_names(layers)
    cable_names_ = cable_name_map(layers)
    names = names or country_names(layers)
    rows = table.set_index("iso3") if table is not None else None
    single = _single_station_counts(landing_table)
    lps = layers.landing_points
    by_iso = {str(iso): group for iso, group in lps.groupby("iso3")}
    planned = set(layers.cables.loc[layers.cables["status"] == "planned", "cable_id"].astype(str))
    owners = {
        str(c): names_or_empty(o)
        for c, o in zip(layers.cables["cable_id"], layers.cables["owners"], strict=True)
    }
    cards: dict[str, dict[str, Any]] = {}
    for iso in region.countries:
        own = by_iso.get(iso, lps.iloc[:0])
        if own.empty and (rows is None or iso not in rows.index):
            continue
        cables = by_country.get(iso, [])
        row = rows.loc[iso] if rows is not None and iso in rows.index else None
        cards[iso] = {
            "n": names.get(iso, iso),
            "ll": _centre(own, region),
            "c": [index[c] for c in cables if c in index and c not in planned],
            "p": [index[c] for c in cables if c in index and c in planned],
            "s": sorted(
                short_station(str(n), str(c))
                for n, c in zip(own["name"], own["country"], strict=True)
            ),
            "o": _owners(owners, cables),
            "w": weak_points(row, cable_names_, single.get(iso, 0), len(own)),
        }
    return cards


def _centre(points: gpd.GeoDataFrame, region: Region) -> list[float] | None:
    """``[lat, lon]`` of the middle of some points, in the map's longitudes (None: no point)."""
    if points.empty:
        return None
    xs = [g.x + 360.0 if g.x < region.seam_lon else g.x for g in points.geometry]
    ys = [g.y for g in points.geometry]
    return [round(sum(ys) / len(ys), 3), round(sum(xs) / len(xs), 3)]


def _single_station_counts(landing_table: pd.DataFrame | None) -> dict[str, int]:
    if landing_table is None or "redundancy_cables" not in landing_table.columns:
        return {}
    one = landing_table[landing_table["redundancy_cables"] == 1]
    return {str(k): int(v) for k, v in one.groupby("iso3").size().items()}


def single_points(
    scores: Scores, layers: Layers, region: Region, names: dict[str, str]
) -> dict[str, Any]:
    """Return the region's single points of failure: countries, capitals and stations.

    Countries and landing stations that one cable's loss cuts off from the global network
    (``redundancy_cables == 1`` in the scores' exact resilience), each with that cable; the
    capitals the same way where the scores give them (``capital_min_cut``). Stations are
    sorted by criticality (most critical first), countries by name.

    Returns
    -------
    dict
        ``countries``, ``capitals``, ``stations``: rows with ``id``, ``name``, ``cable``
        (names), and ``country`` / ``cables`` where they apply; ``unconnected``: the region
        countries with no in-service international cable.
    """
    cable_names_ = cable_name_map(layers)
    table = scores.countries[scores.countries["iso3"].isin(region.countries)]
    single = table[table["redundancy_cables"] == 1].sort_values("name")
    countries = [
        {
            "id": str(r.iso3),
            "name": names.get(str(r.iso3), str(r.name)),
            "cables": int(r.international_cables),
            "cable": _named(r.min_cut_cables, cable_names_),
        }
        for r in single.itertuples()
    ]
    capitals: list[dict[str, Any]] = []
    if "capital_min_cut" in table.columns:
        at_risk = table[(table["capital_min_cut"] == 1) | (table.get("capital_connected") == False)]  # noqa: E712
        capitals = [
            {
                "id": str(r["iso3"]),
                "name": str(r["capital_name"]),
                "country": names.get(str(r["iso3"]), str(r["name"])),
                "cable": _named(r.get("capital_cut_cables"), cable_names_)
                or "no path to a station",
            }
            for _, r in at_risk.sort_values("name").iterrows()
        ]
    lps = scores.landing_points[scores.landing_points["in_region"].astype(bool)]
    lps = lps[lps["redundancy_cables"] == 1]
    order = "criticality" if "criticality" in lps.columns else "score"
    stations = [
        {
            "id": str(r.lp_id),
            "name": short_station(str(r.name), str(r.country)),
            "country": names.get(str(r.iso3), str(r.country)),
            "cable": _named(r.min_cut_cables, cable_names_),
        }
        for r in lps.sort_values([order, "lp_id"], ascending=[False, True]).itertuples()
    ]
    unconnected = sorted(
        names.get(str(i), str(i)) for i in table.loc[table["status"] == "unconnected", "iso3"]
    )
    return {
        "countries": countries,
        "capitals": capitals,
        "stations": stations,
        "unconnected": unconnected,
    }
