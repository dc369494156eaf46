"""The analysts' maps: strategic nodes, vendor exposure, scenarios, and the index page.

Every map is Pacific-centred on the model's region (``risk_models/indo-pacific.toml``), carries
layer control, legend, search (cable, landing point, country), scale bar, full-screen button,
tooltips, the data attribution and the build date and data version in a corner; it opens by
double-click with no network once saved by :func:`save_map` (assets inlined).
"""

from __future__ import annotations

import html
import logging
import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from cablemap import settings
from cablemap._tables import json_safe
from cablemap._validate import is_missing, names_or_empty
from cablemap.render.assets import external_references, inline_assets
from cablemap.render.elements import (
    DataLayer,
    Runtime,
    add_panel,
    add_title,
    legend_html,
    new_map,
    ranked_list_html,
)
from cablemap.render.geometry import shift_to_pacific
from cablemap.render.report import REPORT_HTML, skipped_headline
from cablemap.render.style import (
    CUT_COLOUR,
    MUTED_COLOUR,
    PROBABILITY_CLASSES,
    TIER_COLOURS,
    probability_colour,
    radius,
    ramp,
    ramp_stops,
)
from cablemap.risk.faults import catalogue_years
from cablemap.risk.hazard import seismic_grid
from cablemap.risk.region import Region, load_region
from cablemap.risk.spec import COMPONENTS, EXPOSURE_DOMAINS, TIER_NAMES

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.faults import FaultModel
    from cablemap.risk.plan import Plan
    from cablemap.risk.scenarios import ScenarioEngine, ScenarioResult
    from cablemap.risk.score import Scores
    from cablemap.risk.simulate import SimulationResult

logger = logging.getLogger(__name__)

_DECIMALS = 3  # ~100 m: ample for ocean routes and country outlines
_ROUTE_TOLERANCE = 0.01  # degrees: simplification that no zoom level of these maps shows
_OUTLINE_TOLERANCE = 0.08
_OUTLINE_DECIMALS = 2  # ~1 km
_VIEW_MARGIN = 15.0  # degrees of outline kept around the region's view


# --------------------------------------------------------------------------- geometry to JSON
def _geometry(
    geom: BaseGeometry | None,
    seam: float,
    tolerance: float,
    *,
    clip: tuple[float, float, float, float] | None = None,
    decimals: int = _DECIMALS,
) -> dict[str, Any] | None:
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


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def _clean(value: Any) -> Any:
    """JSON-safe plain value for a page, floats rounded to 4 digits."""
    return json_safe(value, digits=4)


def _region_ids(layers: Layers, region: Region) -> tuple[set[str], set[str]]:
    lps = layers.landing_points
    in_lp = set(lps.loc[lps["iso3"].isin(region.countries), "lp_id"])
    links = layers.cable_landings
    return in_lp, set(links.loc[links["lp_id"].isin(in_lp), "cable_id"])


def _base(region: Region, title: str) -> folium.Map:
    m = new_map()
    add_title(m, title)
    west, south, east, north = region.bbox
    m.fit_bounds([[south, west], [north, east]])
    return m


def _outline_features(
    countries: gpd.GeoDataFrame | None, region: Region, fill: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Country outlines clipped to the region's view (plus a margin), simplified to ~1 km."""
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
        {
            "type": "Feature",
            "geometry": _geometry(
                geom, region.seam_lon, _OUTLINE_TOLERANCE, clip=view, decimals=_OUTLINE_DECIMALS
            ),
            "properties": {
                "id": iso3,
                "name": name,
                "_s": {
                    "color": "#7f8c8d",
                    "weight": 0.6,
                    "fillColor": fill.get(iso3, "#eef0f2"),
                    "fillOpacity": 0.85 if iso3 in fill else 0.6,
                },
            },
        }
        for iso3, name, geom in zip(
            countries["iso3"], countries["name"], countries.geometry, strict=True
        )
    ]


def _add_outlines(m: folium.Map, countries: gpd.GeoDataFrame | None, region: Region) -> None:
    if countries is None:
        return
    group = folium.FeatureGroup(name="Country outlines", control=True)
    DataLayer(
        m,
        "outlines",
        _collection(_outline_features(countries, region)),
        popup=False,
    ).add_to(group)
    group.add_to(m)


def _add_chokepoints(m: folium.Map, chokepoints: gpd.GeoDataFrame, region: Region) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(geom, region.seam_lon, 0),
            "properties": {
                "id": cid,
                "name": name,
                "source": source,
                "_s": {
                    "color": "#6c3483",
                    "weight": 1,
                    "fillColor": "#af7ac5",
                    "fillOpacity": 0.25,
                    "dashArray": "3 3",
                },
            },
        }
        for cid, name, source, geom in zip(
            chokepoints["chokepoint_id"],
            chokepoints["name"],
            chokepoints["source"],
            chokepoints.geometry,
            strict=True,
        )
    ]
    group = folium.FeatureGroup(name=f"Chokepoints ({len(features)})")
    DataLayer(
        m, "chokepoints", _collection(features), {"fields": [["id", "id"], ["source", "source"]]}
    ).add_to(group)
    group.add_to(m)


FACILITY_COLOURS = {
    "data_centre": "#148f77",
    "cloud_region": "#7d3c98",
    "exchange": "#2e86c1",
    "landing_station": "#a04000",
}


def _add_facilities(
    m: folium.Map, layers: Layers, region: Region, scores: Scores | None = None
) -> None:
    """Draw the data centres, exchanges and cloud regions in view, if the layers have them.

    With ``scores`` that scored facilities, each is coloured by its score and its popup shows
    the breakdown (components, weights, contributions) and its operator's tier.
    """
    facilities = layers.facilities
    if facilities is None or facilities.empty:
        return
    scored_table = scores.facilities if scores is not None else None
    scored = scored_table is not None
    if scored_table is not None:
        facilities = scored_table
    facilities = facilities[facilities["iso3"].isin(region.countries)]
    # only what the view shows (the region lists the USA, but not its east-coast data centres)
    west, south, east, north = region.bbox
    shifted = [shift_to_pacific(g, region.seam_lon) for g in facilities.geometry]
    inside = [west <= g.x <= east and south <= g.y <= north for g in shifted]
    facilities = facilities[inside]
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(row.geometry, region.seam_lon, 0),
            "properties": {
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
                "_s": {
                    "radius": 3.5 if row.kind != "cloud_region" else 5,
                    "fillColor": ramp(float(row.score)) if scored else FACILITY_COLOURS[row.kind],
                    "color": FACILITY_COLOURS[row.kind] if scored else "#ffffff",
                    "weight": 1.2 if scored else 0.8,
                    "fillOpacity": 0.95,
                },
            },
        }
        for row in facilities.itertuples()
    ]
    group = folium.FeatureGroup(name=f"Data centres and cloud regions ({len(features)})", show=True)
    DataLayer(
        m,
        "facilities",
        _collection(features),
        {
            "fields": [
                ["kind", "kind"],
                ["operator", "operator"],
                ["home", "operator's home country"],
                ["city", "city"],
                ["networks", "networks present"],
                ["exchanges", "exchanges present"],
                ["source", "source"],
                *([["operator_tier", "operator's tier"], ["metro", "metro"]] if scored else []),
            ],
            "tooltipFields": [["kind", "kind"], ["operator", "operator"]],
            **(_score_meta(scores, "facility") if scored and scores is not None else {}),
        },
    ).add_to(group)
    group.add_to(m)


def _facility_score(row: Any) -> dict[str, Any]:
    comps = COMPONENTS
    return {
        "score": round(float(row.score), 4),
        "rank": int(row.rank),
        "operator_tier": row.operator_tier,
        "metro": _clean(getattr(row, "metro_id", None)),
        "components": [round(float(getattr(row, c)), 4) for c in comps["facility"]],
    }


def _add_metros(m: folium.Map, scores: Scores, region: Region) -> list[tuple[str, str, float]]:
    """Draw the region's metro nodes (colour = score, size = international cables)."""
    if scores.metros is None or scores.metros.empty:
        return []
    metros = scores.metros[scores.metros["in_region"]]
    comps = list(COMPONENTS["metro"])
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(row.geometry, region.seam_lon, 0),
            "properties": {
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
                "components": [round(float(getattr(row, c)), 4) for c in comps],
                "_s": {
                    "radius": radius(float(row.cables)) + 4,
                    "fillColor": ramp(float(row.score)),
                    "color": "#1b2631",
                    "weight": 2,
                    "fillOpacity": 0.55,
                },
            },
        }
        for row in metros.itertuples()
    ]
    group = folium.FeatureGroup(name=f"Metro nodes ({len(features)})")
    DataLayer(
        m,
        "metros",
        _collection(features),
        {
            "fields": [
                ["iso3", "country"],
                ["international_cables", "international cables landing"],
                ["interconnection", "networks + exchanges"],
                ["cloud_regions", "cloud regions"],
                ["n_members", "sites"],
                ["members", "members (first 25)"],
            ],
            "tooltipFields": [["score", "score"], ["n_members", "sites"]],
            **_score_meta(scores, "metro"),
        },
    ).add_to(group)
    group.add_to(m)
    top = metros.sort_values(["rank", "metro_id"]).head(10)
    return [(r.metro_id, r.name, float(r.score)) for r in top.itertuples()]


HAZARD_COLOUR = "#67001f"
#: Fill of an earthquake cell by its strongest event: (below this magnitude, colour, label);
#: ColorBrewer PuRd, apart from the yellow-red ramps of scores and probabilities.
HAZARD_CLASSES = (
    (6.5, "#d4b9da", "strongest below M6.5"),
    (7.5, "#df65b0", "M6.5 to 7.5"),
    (8.5, "#ce1256", "M7.5 to 8.5"),
    (math.inf, "#67001f", "M8.5 or more"),
)


def _hazard_colour(magnitude: float) -> str:
    return next(colour for bound, colour, _ in HAZARD_CLASSES if magnitude < bound)


def _in_view(lon: float, lat: float, region: Region, margin: float = 5.0) -> tuple[float, bool]:
    """Shift a longitude as the map shows it; say whether the point is in the view."""
    west, south, east, north = region.bbox
    x = lon + 360.0 if lon < region.seam_lon else lon
    inside = west - margin <= x <= east + margin and south - margin <= lat <= north + margin
    return x, inside


def _add_hazards(
    m: folium.Map,
    quakes: gpd.GeoDataFrame | None,
    region: Region,
    model: FaultModel | None,
) -> None:
    """Earthquake density on a 1-degree grid as graduated circles, off until ticked."""
    if quakes is None or quakes.empty:
        return
    cells = seismic_grid(quakes, cell_deg=1.0, model=model)
    first, last = quakes["time"].min().year, quakes["time"].max().year
    years = catalogue_years(quakes)
    features = []
    for row in cells.itertuples():
        x, inside = _in_view(row.lon, row.lat, region)
        if not inside:
            continue
        weight = float(row.weighted_per_year)
        size = 1.5 + 2.5 * max(0.0, math.log10(max(weight, 1e-9)) + 2.0)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(x, 2), row.lat]},
                "properties": {
                    "id": f"cell:{row.lon:g},{row.lat:g}",
                    "name": f"{row.lat:+.1f}, {row.lon:+.1f} (1 x 1 degree)",
                    "events": int(row.events),
                    "per_year": round(int(row.events) / years, 3),
                    "max_magnitude": round(float(row.max_magnitude), 1),
                    "weighted": round(weight, 3),
                    "_s": {
                        "radius": round(min(size, 18.0), 1),
                        "fillColor": _hazard_colour(float(row.max_magnitude)),
                        "color": HAZARD_COLOUR,
                        "weight": 0.4,
                        "fillOpacity": 0.4,
                    },
                },
            }
        )
    group = folium.FeatureGroup(
        name=f"Earthquake hotspots {first}-{last} ({len(features)} cells)", show=False
    )
    DataLayer(
        m,
        "hazards",
        _collection(features),
        {
            "fields": [
                ["events", f"earthquakes {first}-{last}"],
                ["per_year", "a year"],
                ["max_magnitude", "strongest (magnitude)"],
                ["weighted", "hazard: reference-magnitude events a year"],
            ],
            "tooltipFields": [["events", "earthquakes"], ["max_magnitude", "strongest"]],
        },
        searchable=False,
    ).add_to(group)
    group.add_to(m)


def _hazard_legend(quakes: gpd.GeoDataFrame | None) -> str:
    if quakes is None or quakes.empty:
        return ""
    return (
        legend_html(
            "Earthquake hotspots (layer off by default)",
            [("dot", colour, label) for _, colour, label in HAZARD_CLASSES],
        )
        + "<div class='cm-key'>1-degree cells; size = magnitude-weighted events a year</div>"
    )


def _simulation_props(row: Any) -> dict[str, Any]:
    """Popup properties of a country or landing point from a simulation row."""
    return {
        "p_cut_off": round(float(row.probability_cut_off), 5),
        "p_cut_off_ci": f"{row.ci_low:.4f} to {row.ci_high:.4f}",
        "days_cut_off": round(float(row.expected_days_cut_off), 2),
        "cut_off_cables": [f"{t['cable_id']} ({t['share']:.0%})" for t in list(row.top_cables)[:5]],
    }


#: Popup fields of simulation results: ``[property, label]``.
_SIMULATION_FIELDS = [
    ["p_cut_off", "chance of being cut off in a year"],
    ["p_cut_off_ci", "95 % interval"],
    ["days_cut_off", "expected days cut off a year"],
    ["cut_off_cables", "cables down when cut off (share of those years)"],
]


def _score_meta(scores: Scores, entity: str) -> dict[str, Any]:
    """Return what the runtime needs to draw an entity's score breakdown in its popups."""
    comps = list(COMPONENTS[entity])
    return {
        "components": comps,
        "weights": [
            (scores.model.weights.get(entity) or scores.model.site_weights[entity])[c]
            for c in comps
        ],
        "count": len(scores.table(entity)),
        "model": scores.model.name,
    }


def _info_panel(m: folium.Map, layers: Layers, title: str, extra: str = "") -> None:
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(sorted({str(v) for v in layers.cables["source_version"].unique()}))
    attribution = " | ".join(html.escape(a) for a in layers.attributions) or "cablemap"
    skipped = len(layers.report.errors)
    if skipped:  # the build report sits beside the maps (cablemap.render.report)
        extra += (
            f'<br><a class="cm-skipped" href="{REPORT_HTML}">'
            f"{html.escape(skipped_headline(skipped))} — see report</a>"
        )
    add_panel(
        m,
        f"<h4>{html.escape(title)}</h4>data: {html.escape(versions)}<br>built {built}"
        f"{extra}<br>{attribution}",
        position="bottom: 52px; left: 10px; max-width: 420px",
    )


def _close(
    m: folium.Map,
    layers: Layers,
    legend: str,
    title: str,
    extra: str = "",
    *,
    online_tiles: bool = False,
) -> folium.Map:
    """End every map alike: legends bottom right, the info box, then the layer control."""
    add_panel(m, legend, position="bottom: 22px; right: 10px")
    _info_panel(m, layers, title, extra)
    return _finish(m, online_tiles=online_tiles)


def _finish(m: folium.Map, *, online_tiles: bool = False) -> folium.Map:
    if online_tiles:  # offered, not shown: no tile is requested until an analyst ticks it
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap tiles (needs network)", overlay=True, show=False
        ).add_to(m)
    Runtime().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


#: Popup fields of a cable: ``[property, label]``.
_CABLE_FIELDS = [
    ["status", "status"],
    ["rfs", "ready for service"],
    ["suppliers", "suppliers"],
    ["owners", "owners"],
    ["landings", "landing points"],
    ["carried", "carried over"],
]
#: What a popup shows for a value the source does not give (a geometry-only release).
NOT_IN_SOURCE = "not in the source"


def _listed(value: object, limit: int | None = None) -> object:
    return NOT_IN_SOURCE if is_missing(value) else names_or_empty(value)[:limit]


def _tiered(names: object, profile: Any, limit: int | None = None) -> object:
    """Names with their tiers, e.g. ``["NEC (trusted)"]``; "not in the source" where missing."""
    if is_missing(names):
        return NOT_IN_SOURCE
    return [f"{v} ({profile.tier(v)})" for v in names_or_empty(names)[:limit]]


def _inferred_per_point(layers: Layers) -> dict[str, str]:
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


def _cable_properties(row: Any, landings: dict[str, str] | None = None) -> dict[str, Any]:
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
        "rfs": _clean(row.rfs_year),
        "landings": (landings or {}).get(row.cable_id),
        "carried": f"{', '.join(carried)} from {row.carried_from}" if carried else None,
    }


def _cable_names(layers: Layers) -> tuple[list[str], dict[str, int]]:
    names = list(layers.cables["name"])
    return names, {c: i for i, c in enumerate(layers.cables["cable_id"])}


# --------------------------------------------------------------------------- strategic nodes
def strategic_nodes_map(
    scores: Scores,
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    top_n: int = 15,
    online_tiles: bool = False,
    simulation: SimulationResult | None = None,
) -> folium.Map:
    """Landing stations sized by criticality and coloured by score, cables beneath.

    Parameters
    ----------
    scores
        Output of :func:`cablemap.score`.
    layers
        The layers that were scored; their ``hazards`` (earthquakes), if any, are drawn as
        an overlay of hotspots that is off until ticked.
    region
        View and countries shown; by default the model's region.
    countries
        Country outlines for the basemap (EPSG:4326, ``iso3``, ``name``); none for no basemap.
    top_n
        Length of the ranked panel.
    online_tiles
        Also offer an OpenStreetMap tile layer, off until ticked.
    simulation
        A :func:`cablemap.simulate` result: each landing point's popup then gives its chance
        of being cut off in a year, the expected days and the cables down then.

    Returns
    -------
    folium.Map
        Save it with :func:`save_map` for an offline, self-contained page.
    """
    region = region or scores.model.region
    seam = region.seam_lon
    in_lp, in_cables = _region_ids(layers, region)
    m = _base(region, "Strategic nodes")
    _add_outlines(m, countries, region)
    cable_names, cable_index = _cable_names(layers)
    scored_cables = scores.cables.set_index("cable_id")
    comps = list(COMPONENTS["cable"])
    cable_features = []
    landings = landing_notes(layers)
    for row in layers.cables[layers.cables["cable_id"].isin(in_cables)].itertuples():
        s = scored_cables.loc[row.cable_id] if row.cable_id in scored_cables.index else None
        cable_features.append(
            {
                "type": "Feature",
                "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
                "properties": {
                    **_cable_properties(row, landings),
                    "score": None if s is None else round(float(s["score"]), 4),
                    "rank": None if s is None else int(s["rank"]),
                    "components": None if s is None else [round(float(s[c]), 4) for c in comps],
                    "_s": {
                        "color": "#5d6d7e" if row.status == "in_service" else "#b9770e",
                        "weight": 1.4,
                        "opacity": 0.55,
                        "dashArray": "4 4"
                        if row.route_synthetic or row.status == "planned"
                        else None,
                    },
                },
            }
        )
    group = folium.FeatureGroup(name=f"Cables ({len(cable_features)})")
    DataLayer(
        m,
        "cables",
        _collection(cable_features),
        {
            "fields": _CABLE_FIELDS,
            "tooltipFields": [["status", "status"], ["suppliers", "suppliers"]],
            **_score_meta(scores, "cable"),
        },
    ).add_to(group)
    group.add_to(m)
    _add_chokepoints(m, scores.model.chokepoints, region)
    _add_facilities(m, layers, region, scores)
    top_metros = _add_metros(m, scores, region)
    _add_hazards(m, layers.hazards, region, scores.model.faults)
    simulated = (
        {r.lp_id: _simulation_props(r) for r in simulation.landing_points.itertuples()}
        if simulation is not None
        else None
    )
    lp_comps = list(COMPONENTS["landing_point"])
    lps = scores.landing_points[scores.landing_points["lp_id"].isin(in_lp)]
    lp_cables = layers.cable_landings.groupby("lp_id")["cable_id"].apply(list)
    lp_inferred = _inferred_per_point(layers)
    features = []
    for row in lps.itertuples():
        crit = float(row.criticality) if "criticality" in lps.columns else float(row.score)
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(row.geometry, seam, 0),
                "properties": {
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
                    "components": [round(float(getattr(row, c)), 4) for c in lp_comps],
                    "cables": [
                        cable_index[c] for c in lp_cables.get(row.lp_id, []) if c in cable_index
                    ],
                    **(simulated.get(row.lp_id, {}) if simulated is not None else {}),
                    "_s": {
                        "radius": radius(crit),
                        "fillColor": ramp(float(row.score)),
                        "color": "#333333",
                        "weight": 0.8,
                        "fillOpacity": 0.9,
                    },
                },
            }
        )
    group = folium.FeatureGroup(name=f"Landing points ({len(features)})")
    DataLayer(
        m,
        "landing_points",
        _collection(features),
        {
            "fields": [
                ["country", "country"],
                ["criticality", "criticality"],
                ["redundancy_cables", "cables that must fail to cut it off"],
                ["inferred", "cables inferred from their routes"],
                *(_SIMULATION_FIELDS if simulated is not None else []),
            ],
            "tooltipFields": [["score", "score"], ["criticality", "criticality"]],
            **_score_meta(scores, "landing_point"),
            "cableNames": cable_names,
        },
    ).add_to(group)
    group.add_to(m)
    top = lps.sort_values(["criticality", "lp_id"], ascending=[False, True]).head(top_n)
    add_panel(
        m,
        ranked_list_html(
            f"Most critical landing points ({region.name})",
            "landing_points",
            [(r.lp_id, r.name, float(r.criticality)) for r in top.itertuples()],
        ),
        position="top: 170px; left: 10px; max-width: 280px",
    )
    if top_metros:
        add_panel(
            m,
            ranked_list_html(f"Top metro nodes ({region.name})", "metros", top_metros),
            position="bottom: 22px; left: 10px; max-width: 280px",
        )
    return _close(
        m,
        layers,
        legend_html(
            "Landing points, metros and scored facilities: colour = score",
            [("dot", c, label) for label, c in ramp_stops()],
        )
        + "<div class='cm-key'>metro: large ring, size = international cables; "
        "facility: outline colour = kind</div>"
        + "<div class='cm-key'>size = criticality</div>"
        + legend_html(
            "Cables",
            [
                ("line", "#5d6d7e", "in service"),
                ("line", "#b9770e", "planned (dashed: route synthesised)"),
            ],
        )
        + legend_html("Areas", [("swatch", "#af7ac5", "chokepoint")])
        + _hazard_legend(layers.hazards)
        + (
            legend_html(
                "Facilities", [("dot", c, k.replace("_", " ")) for k, c in FACILITY_COLOURS.items()]
            )
            if layers.facilities is not None
            else ""
        ),
        "Strategic nodes",
        f"<br>model {html.escape(scores.model.name)}",
        online_tiles=online_tiles,
    )


# --------------------------------------------------------------------------- vendor exposure
def _tier_vendors(scores: Scores, layers: Layers) -> dict[str, list[str]]:
    profile = scores.model.vendor_profile
    counts: dict[str, dict[str, int]] = {t: {} for t in TIER_NAMES}
    for s, o in zip(layers.cables["suppliers"], layers.cables["owners"], strict=True):
        for name in names_or_empty(s) + names_or_empty(o):
            tier = profile.tier(name)
            counts[tier][name] = counts[tier].get(name, 0) + 1
    return {
        t: [n for n, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        for t, c in counts.items()
    }


def vendor_exposure_map(  # noqa: PLR0915 - one map, built in one pass
    scores: Scores,
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    online_tiles: bool = False,
) -> folium.Map:
    """Cables coloured by supplier/owner risk tier; countries shaded by vendor exposure.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    region
        View and countries shown; by default the model's region.
    countries
        Country polygons for the choropleth; countries without a polygon (small islands in
        low-resolution outlines) are drawn as a dot at their landing points.

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or scores.model.region
    seam = region.seam_lon
    profile = scores.model.vendor_profile
    _, in_cables = _region_ids(layers, region)
    m = _base(region, "Vendor exposure")
    country_scores = scores.countries.set_index("iso3")
    facts = scores.cables.set_index("cable_id")
    links = layers.cable_landings.merge(layers.landing_points[["lp_id", "iso3"]], on="lp_id")
    vendors_by_country: dict[str, list[str]] = {}
    for iso, cable_ids in links.groupby("iso3")["cable_id"]:
        names = {}
        for c in set(cable_ids) & set(facts.index):
            for v in [
                *names_or_empty(facts.at[c, "suppliers"]),
                *names_or_empty(facts.at[c, "owners"]),
            ]:
                names[v] = profile.tier(v)
        order = sorted(names, key=lambda v: (TIER_NAMES.index(names[v]), v))
        vendors_by_country[str(iso)] = [f"{v} ({names[v]})" for v in order[:15]]
    footprints_by_country: dict[str, list[str]] = {}
    if layers.vendor_footprints is not None:
        fp = layers.vendor_footprints
        fp = fp[~fp["domain"].isin(["submarine_cable_supply", "cable_ownership"])]
        for r in fp.itertuples():
            year = "" if pd.isna(r.year) else f" {int(r.year)}"
            footprints_by_country.setdefault(str(r.iso3), []).append(
                f"{r.vendor or 'vendor not named'}: {r.domain.replace('_', ' ')} {r.status}{year}"
            )
    shaded = {
        iso: ramp(float(country_scores.at[iso, "vendor_exposure"]))
        for iso in country_scores.index
        if iso in region.countries
    }
    comps = list(COMPONENTS["country"])
    features = []
    has_polygon = set(countries["iso3"]) if countries is not None else set()
    for feature in _outline_features(countries, region, shaded):
        iso = feature["properties"]["id"]
        if iso in shaded:
            feature["properties"].update(
                _country_props(
                    country_scores.loc[iso],
                    comps,
                    vendors_by_country.get(iso, []),
                    footprints_by_country.get(iso, []),
                )
            )
        features.append(feature)
    # countries without a polygon at this resolution: a dot at their landing points
    lps = layers.landing_points
    for iso in sorted(set(shaded) - has_polygon):
        points = lps.loc[lps["iso3"] == iso].geometry
        if points.empty:
            continue
        centre = shapely.MultiPoint(list(points)).centroid
        props = _country_props(
            country_scores.loc[iso],
            comps,
            vendors_by_country.get(iso, []),
            footprints_by_country.get(iso, []),
        )
        props.update(
            {
                "id": iso,
                "name": str(country_scores.at[iso, "name"]),
                "_s": {
                    "radius": 7,
                    "fillColor": shaded[iso],
                    "color": "#333",
                    "weight": 1,
                    "fillOpacity": 0.9,
                },
            }
        )
        features.append(
            {"type": "Feature", "geometry": _geometry(centre, seam, 0), "properties": props}
        )
    group = folium.FeatureGroup(name="Countries: vendor exposure")
    DataLayer(
        m,
        "countries",
        _collection(features),
        {
            "fields": [
                ["vendor_exposure", "vendor exposure"],
                ["tier_share_high", "share of cables high tier"],
                ["tier_share_trusted", "share of cables trusted"],
                ["international_cables", "international cables"],
                ["coverage", "domains with cited evidence"],
                *[[f"domain_{d}", f"{d}: exposure x weight"] for d in EXPOSURE_DOMAINS],
                ["vendors", "cable vendors (tier)"],
                ["footprints", "5G, core, cloud and city footprints"],
            ],
            "tooltipFields": [["vendor_exposure", "vendor exposure"], ["coverage", "evidence"]],
            **_score_meta(scores, "country"),
        },
    ).add_to(group)
    group.add_to(m)
    _add_domain_layers(m, country_scores, countries, region)
    cable_comps = list(COMPONENTS["cable"])
    cable_features = []
    landings = landing_notes(layers)
    for row in layers.cables[
        layers.cables["cable_id"].isin(in_cables & set(facts.index))
    ].itertuples():
        s = facts.loc[row.cable_id]
        tier = str(s["tier"])
        cable_features.append(
            {
                "type": "Feature",
                "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
                "properties": {
                    "id": row.cable_id,
                    "name": row.name,
                    "tier": tier,
                    "suppliers": _tiered(row.suppliers, profile),
                    "owners": _tiered(row.owners, profile, 12),
                    "landings": landings.get(row.cable_id),
                    "score": round(float(s["score"]), 4),
                    "rank": int(s["rank"]),
                    "components": [round(float(s[c]), 4) for c in cable_comps],
                    "_s": {
                        "color": TIER_COLOURS[tier],
                        "weight": 2.2 if tier == "high" else 1.5,
                        "opacity": 0.85,
                    },
                },
            }
        )
    group = folium.FeatureGroup(name=f"Cables by vendor tier ({len(cable_features)})")
    DataLayer(
        m,
        "cables",
        _collection(cable_features),
        {
            "fields": [
                ["tier", "riskiest vendor tier"],
                ["suppliers", "suppliers"],
                ["owners", "owners"],
                ["landings", "landing points"],
            ],
            "tooltipFields": [["tier", "tier"]],
            **_score_meta(scores, "cable"),
        },
    ).add_to(group)
    group.add_to(m)
    examples = _tier_vendors(scores, layers)
    rows = [
        ("line", TIER_COLOURS[t], f"{t}: {', '.join(examples[t][:4]) or '—'}") for t in TIER_NAMES
    ]
    add_panel(
        m,
        legend_html(f"Cables by riskiest vendor (profile {profile.name})", rows)
        + legend_html(
            "Countries: vendor exposure (all domains, or one domain's layer)",
            [
                *[("swatch", c, label) for label, c in ramp_stops()],
                ("swatch", UNKNOWN_COLOUR, "unknown: no cited footprint in the domain"),
            ],
        )
        + "<div class='cm-key'>unknown is not zero: it scores as the profile's "
        + html.escape(profile.unknown_tier)
        + " tier ("
        + f"{profile.tier_scores[profile.unknown_tier]:g}"
        + ")</div>",
        position="bottom: 22px; right: 10px; max-width: 360px",
    )
    _info_panel(
        m,
        layers,
        "Vendor exposure",
        f"<br>model {html.escape(scores.model.name)}, vendor profile {html.escape(profile.name)}",
    )
    return _finish(m, online_tiles=online_tiles)


#: Fill of a country whose domain has no cited evidence.
UNKNOWN_COLOUR = "#c8c8c8"


def _domain_text(row: pd.Series, domain: str) -> str | None:
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


def _add_domain_layers(
    m: folium.Map,
    country_scores: pd.DataFrame,
    countries: gpd.GeoDataFrame | None,
    region: Region,
) -> None:
    """One switchable layer per exposure domain: countries shaded by that domain's exposure."""
    if "exposure_cables" not in country_scores.columns or countries is None:
        return
    for domain in EXPOSURE_DOMAINS:
        rows = country_scores[country_scores.index.isin(region.countries)]
        fill = {
            str(iso): UNKNOWN_COLOUR
            if r[f"exposure_{domain}_status"] == "unknown"
            else ramp(float(r[f"exposure_{domain}"]))
            for iso, r in rows.iterrows()
        }
        features = [
            f for f in _outline_features(countries, region, fill) if f["properties"]["id"] in fill
        ]
        for feature in features:
            r = rows.loc[feature["properties"]["id"]]
            feature["properties"].update(
                {
                    "exposure": _domain_text(r, domain),
                    "status": str(r[f"exposure_{domain}_status"]),
                    "coverage": f"{int(r['evidence_domains'])} of {len(EXPOSURE_DOMAINS)}",
                }
            )
        group = folium.FeatureGroup(name=f"Domain: {domain}", show=False)
        DataLayer(
            m,
            f"domain_{domain}",
            _collection(features),
            {
                "fields": [
                    ["exposure", f"{domain}: exposure x weight"],
                    ["status", "evidence"],
                    ["coverage", "domains with cited evidence"],
                ],
                "tooltipFields": [["status", "evidence"]],
            },
            searchable=False,
        ).add_to(group)
        group.add_to(m)


def _country_props(
    row: pd.Series, comps: list[str], vendors: list[str], footprints: list[str]
) -> dict[str, Any]:
    domains = {f"domain_{d}": _domain_text(row, d) for d in EXPOSURE_DOMAINS}
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
        "components": [round(float(row[c]), 4) for c in comps],
        "vendor_exposure": round(float(row["vendor_exposure"]), 3),
        "tier_share_high": _clean(row.get("tier_share_high")),
        "tier_share_trusted": _clean(row.get("tier_share_trusted")),
        "international_cables": int(row["international_cables"]),
        "vendors": vendors,
        "footprints": footprints,
    }


# --------------------------------------------------------------------------- probabilistic
def probabilistic_map(
    result: SimulationResult,
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    top_n: int = 15,
    online_tiles: bool = False,
) -> folium.Map:
    """How likely each country and landing point is to be cut off by sea in a year.

    Countries are shaded and landing points sized and coloured by their yearly chance of being
    cut off (:func:`cablemap.simulate`); cables are drawn thicker the more often they are part
    of a country's loss. Popups give the chance with its 95 % interval, the expected days cut
    off a year and the cables down then; a panel ranks the countries. The earthquake hotspots
    are an overlay, off until ticked.

    Parameters
    ----------
    result
        The simulation.
    layers
        The layers it ran on.
    region
        View; by default the region of the default model.
    countries
        Country polygons (EPSG:4326, ``iso3``, ``name``); countries without one are drawn as
        a dot at their landing points.
    top_n
        Length of the ranked panel.
    online_tiles
        Also offer an OpenStreetMap tile layer, off until ticked.

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or load_region()
    seam = region.seam_lon
    in_lp, in_cables = _region_ids(layers, region)
    m = _base(region, "Probabilistic resilience")
    sim_countries = result.countries.set_index("iso3")
    shaded = {
        iso: probability_colour(float(sim_countries.at[iso, "probability_cut_off"]))
        for iso in sim_countries.index
        if iso in region.countries
    }
    props = {r.iso3: _simulation_props(r) for r in result.countries.itertuples()}
    intl = dict(
        zip(result.countries["iso3"], result.countries["international_cables"], strict=True)
    )
    features = []
    for feature in _outline_features(countries, region, shaded):
        iso = feature["properties"]["id"]
        if iso in shaded:
            feature["properties"].update({**props[iso], "international_cables": int(intl[iso])})
        features.append(feature)
    has_polygon = set(countries["iso3"]) if countries is not None else set()
    lps = layers.landing_points
    for iso in sorted(set(shaded) - has_polygon):
        points = lps.loc[lps["iso3"] == iso].geometry
        if points.empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(shapely.MultiPoint(list(points)).centroid, seam, 0),
                "properties": {
                    "id": iso,
                    "name": str(sim_countries.at[iso, "name"]),
                    **props[iso],
                    "international_cables": int(intl[iso]),
                    "_s": {
                        "radius": 7,
                        "fillColor": shaded[iso],
                        "color": "#333",
                        "weight": 1,
                        "fillOpacity": 0.9,
                    },
                },
            }
        )
    group = folium.FeatureGroup(name="Countries: chance of being cut off in a year")
    DataLayer(
        m,
        "countries",
        _collection(features),
        {
            "fields": [*_SIMULATION_FIELDS, ["international_cables", "international cables"]],
            "tooltipFields": [["p_cut_off", "chance cut off a year"]],
        },
    ).add_to(group)
    group.add_to(m)
    losses = result.cables.set_index("cable_id")
    cable_features = []
    for row in layers.cables[layers.cables["cable_id"].isin(in_cables)].itertuples():
        if row.cable_id not in losses.index:
            continue
        c = losses.loc[row.cable_id]
        lost = float(c["country_losses_per_year"])
        cable_features.append(
            {
                "type": "Feature",
                "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
                "properties": {
                    **_cable_properties(row),
                    "faults_per_year": round(float(c["faults_per_year"]), 3),
                    "p_fault": round(float(c["probability_fault"]), 3),
                    "losses": round(lost, 5),
                    "loss_countries": list(c["countries"])[:10],
                    "_s": {
                        "color": probability_colour(lost) if lost > 0 else MUTED_COLOUR,
                        "weight": 1.2 + 4.0 * math.sqrt(min(lost / 0.25, 1.0)),
                        "opacity": 0.85 if lost > 0 else 0.45,
                    },
                },
            }
        )
    group = folium.FeatureGroup(name=f"Cables by part in countries' losses ({len(cable_features)})")
    DataLayer(
        m,
        "cables",
        _collection(cable_features),
        {
            "fields": [
                *_CABLE_FIELDS,
                ["faults_per_year", "faults a year (model)"],
                ["p_fault", "chance of a fault in a year"],
                ["losses", "country cut-offs it is part of, a year"],
                ["loss_countries", "countries it leaves cut off"],
            ],
            "tooltipFields": [["losses", "country cut-offs a year"]],
        },
    ).add_to(group)
    group.add_to(m)
    sim_lps = result.landing_points[result.landing_points["lp_id"].isin(in_lp)]
    geoms = layers.landing_points.set_index("lp_id").geometry
    lp_features = [
        {
            "type": "Feature",
            "geometry": _geometry(geoms[r.lp_id], seam, 0),
            "properties": {
                "id": r.lp_id,
                "name": r.name,
                "iso3": r.iso3,
                **_simulation_props(r),
                "_s": {
                    "radius": radius(min(float(r.probability_cut_off) / 0.25, 1.0), smallest=2.5),
                    "fillColor": probability_colour(float(r.probability_cut_off)),
                    "color": "#333333",
                    "weight": 0.7,
                    "fillOpacity": 0.9,
                },
            },
        }
        for r in sim_lps.itertuples()
    ]
    group = folium.FeatureGroup(name=f"Landing points ({len(lp_features)})")
    DataLayer(
        m,
        "landing_points",
        _collection(lp_features),
        {
            "fields": [["iso3", "country"], *_SIMULATION_FIELDS],
            "tooltipFields": [["p_cut_off", "chance cut off a year"]],
        },
    ).add_to(group)
    group.add_to(m)
    _add_hazards(m, layers.hazards, region, result.rates.model)
    ranked = result.countries[result.countries["iso3"].isin(region.countries)].head(top_n)
    add_panel(
        m,
        ranked_list_html(
            f"Most likely to be cut off in a year ({region.name})",
            "countries",
            [(r.iso3, str(r.name), float(r.probability_cut_off)) for r in ranked.itertuples()],
        ),
        position="top: 170px; left: 10px; max-width: 300px",
    )
    add_panel(
        m,
        legend_html(
            "Chance of being cut off by sea in a year",
            [("swatch", colour, label) for _, colour, label in PROBABILITY_CLASSES],
        )
        + "<div class='cm-key'>landing points: size and colour; cables: thicker and redder "
        "the more country cut-offs they are part of</div>" + _hazard_legend(layers.hazards),
        position="bottom: 22px; right: 10px; max-width: 320px",
    )
    fm = result.rates.model
    _info_panel(
        m,
        layers,
        "Probabilistic resilience",
        f"<br>{result.years} simulated years, seed {result.seed}; fault model "
        f"{html.escape(fm.name)} (repairs: median {fm.median_days:g} days)",
    )
    return _finish(m, online_tiles=online_tiles)


# --------------------------------------------------------------------------- scenarios
def scenario_map(
    result: ScenarioResult,
    engine: ScenarioEngine,
    *,
    title: str = "Scenario",
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    online_tiles: bool = False,
) -> folium.Map:
    """Cut segments highlighted, isolated countries and landing points marked, before/after.

    Parameters
    ----------
    result
        A scenario's result.
    engine
        The engine that ran it (its network holds the segments).
    title
        Shown in the corner.
    region
        View; by default the model's region.
    countries
        Country outlines (isolated ones are filled red).

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or engine.model.region
    seam = region.seam_lon
    layers = engine.layers
    m = _base(region, title)
    isolated = set(result.isolated_countries)
    if countries is not None:
        group = folium.FeatureGroup(name="Countries (red: isolated)")
        DataLayer(
            m,
            "countries",
            _collection(_outline_features(countries, region, dict.fromkeys(isolated, CUT_COLOUR))),
            popup=False,
        ).add_to(group)
        group.add_to(m)
    seg = engine.network.segments
    cut_ids = set(result.cut_segments["seg_id"])
    names = layers.cables.set_index("cable_id")["name"]
    in_lp, in_cables = _region_ids(layers, region)
    keep = seg["routed"] & (
        seg["cable_id"].isin(in_cables & engine.active_cables) | seg["seg_id"].isin(cut_ids)
    )
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
            "properties": {
                "id": row.seg_id,
                "name": str(names.get(row.cable_id, row.cable_id)),
                "cut": row.seg_id in cut_ids,
                "between": [row.u, row.v],
                "_s": {
                    "color": CUT_COLOUR if row.seg_id in cut_ids else MUTED_COLOUR,
                    "weight": 3.5 if row.seg_id in cut_ids else 1.2,
                    "opacity": 0.95 if row.seg_id in cut_ids else 0.5,
                },
            },
        }
        for row in seg[keep].itertuples()
    ]
    group = folium.FeatureGroup(name=f"Cable segments (red: cut, {len(cut_ids)})")
    DataLayer(
        m,
        "cables",
        _collection(features),
        {"fields": [["cut", "cut"], ["between", "between"]], "tooltipFields": [["cut", "cut"]]},
    ).add_to(group)
    group.add_to(m)
    lp_state = result.landing_points.set_index("lp_id")
    lps = layers.landing_points[layers.landing_points["lp_id"].isin(in_lp)]
    lp_features: list[dict[str, Any]] = []
    for row in lps.itertuples():
        cut_off = bool(lp_state.at[row.lp_id, "isolated"]) and not bool(
            lp_state.at[row.lp_id, "isolated_before"]
        )
        lp_features.append(
            {
                "type": "Feature",
                "geometry": _geometry(row.geometry, seam, 0),
                "properties": {
                    "id": row.lp_id,
                    "name": row.name,
                    "country": row.country,
                    "isolated": cut_off,
                    "_s": {
                        "radius": 7 if cut_off else 3,
                        "fillColor": CUT_COLOUR if cut_off else "#566573",
                        "color": "#222",
                        "weight": 0.8,
                        "fillOpacity": 0.9,
                    },
                },
            }
        )
    n_cut_off = sum(f["properties"]["isolated"] for f in lp_features)
    group = folium.FeatureGroup(name=f"Landing points (red: cut off, {n_cut_off})")
    DataLayer(
        m,
        "landing_points",
        _collection(lp_features),
        {
            "fields": [["country", "country"], ["isolated", "cut off"]],
            "tooltipFields": [["isolated", "cut off"]],
        },
    ).add_to(group)
    group.add_to(m)
    changed = result.countries[
        (result.countries["cables_after"] < result.countries["cables_before"])
        | result.countries["isolated"]
    ]
    rows = "".join(
        f"<tr><td>{html.escape(r.iso3)}</td><td>{r.cables_before} → {r.cables_after}</td>"
        f"<td>{r.reachable_before} → {r.reachable_after}</td>"
        f"<td>{'isolated' if r.isolated else ''}</td></tr>"
        for r in changed.itertuples()
    )
    isolated_text = ", ".join(result.isolated_countries) or "none"
    cuts = "; ".join(f"{k}: {', '.join(v)}" for k, v in result.cuts.items() if v)
    add_panel(
        m,
        f"<h4>{html.escape(title)}</h4><div>cuts — {html.escape(cuts)}</div>"
        f"<div>cut cables: {len(result.cut_cables)}, segments: {len(result.cut_segments)}</div>"
        f"<div><b>isolated countries: {html.escape(isolated_text)}</b></div>"
        "<table class='cm-breakdown'><tr><th>country</th><th>intl cables</th>"
        "<th>reachable</th><th></th></tr>"
        f"{rows}</table>",
        position="top: 10px; right: 200px; max-width: 360px",
    )
    return _close(
        m,
        layers,
        legend_html(
            "Scenario",
            [
                ("line", CUT_COLOUR, "cut segment"),
                ("line", MUTED_COLOUR, "intact segment"),
                ("dot", CUT_COLOUR, "landing point cut off"),
            ],
        ),
        title,
        online_tiles=online_tiles,
    )


# --------------------------------------------------------------------------- overview and saving
def overview_map(
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    online_tiles: bool = False,
) -> folium.Map:
    """Cables and landing points without scores (a first look at any release).

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or load_region()
    in_lp, in_cables = _region_ids(layers, region)
    m = _base(region, "Submarine cables and landing points")
    _add_outlines(m, countries, region)
    cables = layers.cables[layers.cables["cable_id"].isin(in_cables)]
    landings = landing_notes(layers)
    group = folium.FeatureGroup(name=f"Cables ({len(cables)})")
    DataLayer(
        m,
        "cables",
        _collection(
            [
                {
                    "type": "Feature",
                    "geometry": _geometry(r.geometry, region.seam_lon, _ROUTE_TOLERANCE),
                    "properties": {
                        **_cable_properties(r, landings),
                        "_s": {
                            "color": "#1f6fb2" if r.status == "in_service" else "#b26b1f",
                            "weight": 1.6,
                            "opacity": 0.8,
                            "dashArray": "4 4" if r.route_synthetic else None,
                        },
                    },
                }
                for r in cables.itertuples()
            ]
        ),
        {
            "fields": _CABLE_FIELDS,
            "tooltipFields": [["status", "status"]],
        },
    ).add_to(group)
    group.add_to(m)
    lps = layers.landing_points[layers.landing_points["lp_id"].isin(in_lp)]
    group = folium.FeatureGroup(name=f"Landing points ({len(lps)})")
    DataLayer(
        m,
        "landing_points",
        _collection(
            [
                {
                    "type": "Feature",
                    "geometry": _geometry(r.geometry, region.seam_lon, 0),
                    "properties": {
                        "id": r.lp_id,
                        "name": r.name,
                        "country": r.country,
                        "_s": {
                            "radius": 4,
                            "fillColor": "#e4572e",
                            "color": "#222",
                            "weight": 1,
                            "fillOpacity": 0.9,
                        },
                    },
                }
                for r in lps.itertuples()
            ]
        ),
        {"fields": [["country", "country"]]},
    ).add_to(group)
    group.add_to(m)
    return _close(
        m,
        layers,
        legend_html(
            "Cables",
            [
                ("line", "#1f6fb2", "in service"),
                ("line", "#b26b1f", "planned"),
                ("dot", "#e4572e", "landing point"),
            ],
        ),
        "Submarine cables and landing points",
        online_tiles=online_tiles,
    )


def save_map(m: folium.Map, filepath: str | Path | None = None, *, offline: bool = True) -> Path:
    """Write a map to an HTML file atomically; by default self-contained for offline use.

    Parameters
    ----------
    m
        The map.
    filepath
        Target; by default ``<settings.maps_folder>/cables.html``.
    offline
        Inline Leaflet and cablemap's assets so the page needs no network (default). With
        ``False`` Leaflet comes from its CDN.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(settings.maps_folder) / "cables.html" if filepath is None else Path(filepath)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root().render()
    if offline:
        page = inline_assets(page)
        remaining = external_references(page)
        if remaining:
            msg = f"offline map still references {remaining}"
            raise RuntimeError(msg)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two processes never share one
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    logger.info("Saved map at %r (%d bytes)", str(path), len(page.encode()))
    return path


def plan_map(
    result: Plan,
    engine: ScenarioEngine,
    *,
    title: str = "Investment plan",
    countries: gpd.GeoDataFrame | None = None,
    top: int = 60,
    online_tiles: bool = False,
) -> folium.Map:
    """Candidates dashed over the network, the portfolio highlighted, targets outlined.

    Parameters
    ----------
    result
        A plan (:func:`cablemap.risk.plan.plan`).
    engine
        The engine of the same layers and model (its network is drawn beneath).
    title
        Shown in the corner.
    countries
        Country outlines; unconnected targets are filled orange, single-cable ones yellow.
    top
        Draw the best ``top`` candidates by rank (every portfolio pick is drawn).
    online_tiles
        Offer an OpenStreetMap layer (loaded only when ticked).

    Returns
    -------
    folium.Map
        The map.
    """
    region = engine.model.region
    seam = region.seam_lon
    layers = engine.layers
    m = _base(region, title)
    status = result.countries.set_index("iso3")["status_before"].to_dict()
    fill = {
        iso: _UNCONNECTED_COLOUR if s == "unconnected" else _SINGLE_COLOUR
        for iso, s in status.items()
        if s in ("unconnected", "single_cable")
    }
    if countries is not None:
        group = folium.FeatureGroup(name="Countries (orange: unconnected, yellow: one cable)")
        DataLayer(
            m, "countries", _collection(_outline_features(countries, region, fill)), popup=False
        ).add_to(group)
        group.add_to(m)
    seg = engine.network.segments
    keep = seg["routed"] & seg["cable_id"].isin(engine.active_cables)
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
            "properties": {
                "id": row.seg_id,
                "name": str(row.cable_id),
                "_s": {"color": MUTED_COLOUR, "weight": 1.0, "opacity": 0.45},
            },
        }
        for row in seg[keep].itertuples()
    ]
    group = folium.FeatureGroup(name="Cables in service")
    DataLayer(m, "cables", _collection(features), popup=False).add_to(group)
    group.add_to(m)
    chosen = set(result.portfolio)
    cands = result.candidates
    shown = cands[(cands["rank"] <= top) | cands["id"].isin(chosen)]
    cand_features = [
        {
            "type": "Feature",
            "geometry": _geometry(row.geometry, seam, _ROUTE_TOLERANCE),
            "properties": {
                "id": row.id,
                "name": row.id,
                "kind": row.kind,
                "countries": ", ".join(row.countries),
                "route_km": round(float(row.route_km), 0),
                "benefit": round(float(row.benefit), 4),
                "rank": int(row.rank),
                "picked": row.id in chosen,
                "_s": {
                    "color": _PICK_COLOUR if row.id in chosen else _CANDIDATE_COLOUR,
                    "weight": 4 if row.id in chosen else 2,
                    "opacity": 0.95 if row.id in chosen else 0.7,
                    "dashArray": "8 6",
                },
            },
        }
        for row in shown.itertuples()
        if row.geometry is not None
    ]
    group = folium.FeatureGroup(name=f"Candidates (dashed; {len(chosen)} picked)")
    DataLayer(
        m,
        "candidates",
        _collection(cand_features),
        {
            "fields": [
                ["kind", "kind"],
                ["countries", "countries"],
                ["route_km", "route km"],
                ["benefit", "benefit"],
                ["rank", "rank"],
                ["picked", "in the portfolio"],
            ],
            "tooltipFields": [["benefit", "benefit"], ["picked", "picked"]],
        },
    ).add_to(group)
    group.add_to(m)
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{html.escape(p['id'])}</td>"
        f"<td>{html.escape(p['reason'])}</td></tr>"
        for i, p in enumerate(result.picks)
    )
    add_panel(
        m,
        f"<h4>{html.escape(title)}</h4><div>budget {result.budget_km:,.0f} km</div>"
        f"<table class='cm-breakdown'><tr><th>#</th><th>pick</th><th>why</th></tr>{rows}</table>",
        position="top: 10px; right: 200px; max-width: 420px",
    )
    return _close(
        m,
        layers,
        legend_html(
            "Investment plan",
            [
                ("line", _PICK_COLOUR, "picked (dashed: not built)"),
                ("line", _CANDIDATE_COLOUR, "candidate"),
                ("line", MUTED_COLOUR, "cable in service"),
                ("dot", _UNCONNECTED_COLOUR, "unconnected country (no cable)"),
                ("dot", _SINGLE_COLOUR, "country behind a single cable"),
            ],
        ),
        title,
        online_tiles=online_tiles,
    )


_PICK_COLOUR = "#1e8449"
_CANDIDATE_COLOUR = "#2e86c1"
_UNCONNECTED_COLOUR = "#e67e22"
_SINGLE_COLOUR = "#f4d03f"
