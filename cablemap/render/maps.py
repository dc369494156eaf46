"""The analysts' maps: strategic nodes, vendor exposure, probabilities, scenarios, the plan.

Every map is Pacific-centred on the model's region (``risk_models/indo-pacific.toml``), carries
layer control, legend, search (cable, landing point, country), scale bar, full-screen button,
tooltips, the data attribution and the build date and data version in a corner; it opens by
double-click with no network once saved by :func:`save_map` (assets inlined).

One function per page: each composes the features of :mod:`cablemap.render.features` into
layers with :func:`cablemap.render.page.add_layer`; colours come from
:mod:`cablemap.render.style`, vendor tiers from :func:`cablemap.risk.scoring.tiers.vendor_tiers`.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap import settings
from cablemap.render.assets import external_references, inline_assets
from cablemap.render.elements import BriefLinks, add_panel, legend_html, ranked_list_html
from cablemap.render.features import (
    CABLE_FIELDS,
    NOT_IN_SOURCE,
    SIMULATION_FIELDS,
    Feature,
    cable_names,
    candidate_features,
    chokepoint_features,
    country_properties,
    domain_features,
    facility_features,
    footprints_by_country,
    hazard_features,
    landing_notes,
    loss_cable_features,
    metro_features,
    outline_features,
    overview_cable_features,
    overview_landing_features,
    probability_landing_features,
    region_ids,
    scenario_landing_features,
    scenario_segment_features,
    scored_cable_features,
    scored_landing_features,
    segment_features,
    shaded_country_features,
    simulation_properties,
    tier_cable_features,
)
from cablemap.render.page import add_layer, base_map, close_page, finish, info_panel, score_meta
from cablemap.render.style import (
    CABLE_STATUS_COLOURS,
    CANDIDATE_COLOUR,
    CHOKEPOINT_COLOUR,
    CUT_COLOUR,
    FACILITY_COLOURS,
    HAZARD_CLASSES,
    MUTED_COLOUR,
    OVERVIEW_CABLE_COLOURS,
    OVERVIEW_LANDING_COLOUR,
    PICK_COLOUR,
    PROBABILITY_CLASSES,
    SINGLE_COLOUR,
    TIER_COLOURS,
    UNCONNECTED_COLOUR,
    UNKNOWN_COLOUR,
    probability_colour,
    ramp,
    ramp_stops,
)
from cablemap.render.year_control import add_year_control
from cablemap.risk.model.region import Region, load_region
from cablemap.risk.model.spec import EXPOSURE_DOMAINS, TIER_NAMES
from cablemap.risk.scoring.tiers import vendor_tiers

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.history.years import YearScores
    from cablemap.risk.model.faults import FaultModel
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

__all__ = [
    "NOT_IN_SOURCE",
    "landing_notes",
    "overview_map",
    "plan_map",
    "probabilistic_map",
    "save_map",
    "scenario_map",
    "strategic_nodes_map",
    "vendor_exposure_map",
]

logger = logging.getLogger(__name__)


# shared overlays
def _add_outlines(m: folium.Map, countries: gpd.GeoDataFrame | None, region: Region) -> None:
    if countries is not None:
        features = outline_features(countries, region)
        add_layer(m, "Country outlines", "outlines", features, popup=False)


def _add_facilities(m: folium.Map, layers: Layers, region: Region, scores: Scores) -> None:
    """Draw the data centres, exchanges and cloud regions in view, if the layers have them.

    Where the model scored facilities, each is coloured by its score and its popup shows the
    breakdown (components, weights, contributions) and its operator's tier.
    """
    if layers.facilities is None or layers.facilities.empty:
        return
    scored = scores.facilities is not None
    features = facility_features(
        scores.facilities if scores.facilities is not None else layers.facilities,
        region,
        scored=scored,
    )
    add_layer(
        m,
        f"Data centres and cloud regions ({len(features)})",
        "facilities",
        features,
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
            **(score_meta(scores, "facility") if scored else {}),
        },
    )


def _add_metros(m: folium.Map, scores: Scores, region: Region) -> list[tuple[str, str, float]]:
    """Draw the region's metro nodes; return the top ten ``(id, name, score)``."""
    if scores.metros is None or scores.metros.empty:
        return []
    metros = scores.metros[scores.metros["in_region"]]
    features = metro_features(metros, region)
    add_layer(
        m,
        f"Metro nodes ({len(features)})",
        "metros",
        features,
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
            **score_meta(scores, "metro"),
        },
    )
    top = metros.sort_values(["rank", "metro_id"]).head(10)
    return [(r.metro_id, r.name, float(r.score)) for r in top.itertuples()]


def _add_hazards(
    m: folium.Map, quakes: gpd.GeoDataFrame | None, region: Region, model: FaultModel | None
) -> None:
    """Earthquake density on a 1-degree grid as graduated circles, off until ticked."""
    if quakes is None or quakes.empty:
        return
    first, last = quakes["time"].min().year, quakes["time"].max().year
    features = hazard_features(quakes, region, model)
    add_layer(
        m,
        f"Earthquake hotspots {first}-{last} ({len(features)} cells)",
        "hazards",
        features,
        {
            "fields": [
                ["events", f"earthquakes {first}-{last}"],
                ["per_year", "a year"],
                ["max_magnitude", "strongest (magnitude)"],
                ["weighted", "hazard: reference-magnitude events a year"],
            ],
            "tooltipFields": [["events", "earthquakes"], ["max_magnitude", "strongest"]],
        },
        show=False,
        searchable=False,
    )


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


# strategic nodes
def strategic_nodes_map(
    scores: Scores,
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    top_n: int = 15,
    online_tiles: bool = False,
    simulation: SimulationResult | None = None,
    years: YearScores | None = None,
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
    years
        Scores through time (:func:`cablemap.risk.history.years.score_years`): adds the year control
        (:mod:`cablemap.render.year_control`), which shows the cables and landing points of
        a year and recolours and resizes the landing points by that year's scores.

    Returns
    -------
    folium.Map
        Save it with :func:`save_map` for an offline, self-contained page.
    """
    region = region or scores.model.region
    m = base_map(region, "Strategic nodes")
    _add_outlines(m, countries, region)
    cables = scored_cable_features(scores, layers, region)
    add_layer(
        m,
        f"Cables ({len(cables)})",
        "cables",
        cables,
        {
            "fields": CABLE_FIELDS,
            "tooltipFields": [["status", "status"], ["suppliers", "suppliers"]],
            **score_meta(scores, "cable"),
        },
    )
    chokepoints = chokepoint_features(scores.model.chokepoints, region)
    add_layer(
        m,
        f"Chokepoints ({len(chokepoints)})",
        "chokepoints",
        chokepoints,
        {"fields": [["id", "id"], ["source", "source"]]},
    )
    _add_facilities(m, layers, region, scores)
    top_metros = _add_metros(m, scores, region)
    _add_hazards(m, layers.hazards, region, scores.model.faults)
    simulated = (
        {r.lp_id: simulation_properties(r) for r in simulation.landing_points.itertuples()}
        if simulation is not None
        else None
    )
    points = scored_landing_features(scores, layers, region, simulated)
    add_layer(
        m,
        f"Landing points ({len(points)})",
        "landing_points",
        points,
        {
            "fields": [
                ["country", "country"],
                ["criticality", "criticality"],
                ["redundancy_cables", "cables that must fail to cut it off"],
                ["inferred", "cables inferred from their routes"],
                *(SIMULATION_FIELDS if simulated is not None else []),
            ],
            "tooltipFields": [["score", "score"], ["criticality", "criticality"]],
            **score_meta(scores, "landing_point"),
            "cableNames": cable_names(layers)[0],
        },
    )
    add_year_control(m, layers, scores, years, cables=cables, points=points)
    in_lp, _ = region_ids(layers, region)
    lps = scores.landing_points[scores.landing_points["lp_id"].isin(in_lp)]
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
    return close_page(
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
                ("line", CABLE_STATUS_COLOURS["in_service"], "in service"),
                ("line", CABLE_STATUS_COLOURS["planned"], "planned (dashed: route synthesised)"),
            ],
        )
        + legend_html("Areas", [("swatch", CHOKEPOINT_COLOUR, "chokepoint")])
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


# vendor exposure
def vendor_exposure_map(
    scores: Scores,
    layers: Layers,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    online_tiles: bool = False,
    years: YearScores | None = None,
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
    online_tiles
        Also offer an OpenStreetMap tile layer, off until ticked.
    years
        Scores through time (:func:`cablemap.risk.history.years.score_years`): adds the year
        control,
        which shows the cables of a year and shades the countries by that year's exposure.

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or scores.model.region
    profile = scores.model.vendor_profile
    tiers = vendor_tiers(scores, layers)
    m = base_map(region, "Vendor exposure")
    country_scores = scores.countries.set_index("iso3")
    footprints = footprints_by_country(layers)
    shaded = {
        iso: ramp(float(country_scores.at[iso, "vendor_exposure"]))
        for iso in country_scores.index
        if iso in region.countries
    }

    def properties(iso: str) -> dict[str, object]:
        vendors = [f"{v} ({t})" for v, t in tiers.by_country.get(iso, [])[:15]]
        return country_properties(country_scores.loc[iso], vendors, footprints.get(iso, []))

    country_features = shaded_country_features(
        countries,
        layers,
        region,
        shaded=shaded,
        properties=properties,
        dot_properties=lambda iso: {
            **properties(iso),
            "id": iso,
            "name": str(country_scores.at[iso, "name"]),
        },
    )
    add_layer(
        m,
        "Countries: vendor exposure",
        "countries",
        country_features,
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
            **score_meta(scores, "country"),
        },
    )
    if countries is not None:
        _add_domain_layers(m, country_scores, country_features, region)
    cables = tier_cable_features(scores, layers, region, tiers)
    add_layer(
        m,
        f"Cables by vendor tier ({len(cables)})",
        "cables",
        cables,
        {
            "fields": [
                ["tier", "riskiest vendor tier"],
                ["suppliers", "suppliers"],
                ["owners", "owners"],
                ["landings", "landing points"],
            ],
            "tooltipFields": [["tier", "tier"]],
            **score_meta(scores, "cable"),
        },
    )
    add_year_control(m, layers, scores, years, cables=cables, countries=(country_features, shaded))
    rows = [
        ("line", TIER_COLOURS[t], f"{t}: {', '.join(tiers.top[t][:4]) or '—'}") for t in TIER_NAMES
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
    info_panel(
        m,
        layers,
        "Vendor exposure",
        f"<br>model {html.escape(scores.model.name)}, vendor profile {html.escape(profile.name)}",
    )
    return finish(m, online_tiles=online_tiles)


def _add_domain_layers(
    m: folium.Map,
    country_scores: pd.DataFrame,
    outlines: list[Feature],
    region: Region,
) -> None:
    """One switchable layer per exposure domain: countries shaded by that domain's exposure.

    The shapes are those of the page's ``countries`` layer (``outlines``), sent once.
    """
    if "exposure_cables" not in country_scores.columns or not outlines:
        return
    for domain in EXPOSURE_DOMAINS:
        add_layer(
            m,
            f"Domain: {domain}",
            f"domain_{domain}",
            domain_features(country_scores, outlines, region, domain),
            {
                "fields": [
                    ["exposure", f"{domain}: exposure x weight"],
                    ["status", "evidence"],
                    ["coverage", "domains with cited evidence"],
                ],
                "tooltipFields": [["status", "evidence"]],
            },
            show=False,
            searchable=False,
            geometry_from="countries",
        )


# probabilistic
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
    m = base_map(region, "Probabilistic resilience")
    sim_countries = result.countries.set_index("iso3")
    shaded = {
        iso: probability_colour(float(sim_countries.at[iso, "probability_cut_off"]))
        for iso in sim_countries.index
        if iso in region.countries
    }
    props = {r.iso3: simulation_properties(r) for r in result.countries.itertuples()}
    intl = dict(
        zip(result.countries["iso3"], result.countries["international_cables"], strict=True)
    )
    add_layer(
        m,
        "Countries: chance of being cut off in a year",
        "countries",
        shaded_country_features(
            countries,
            layers,
            region,
            shaded=shaded,
            properties=lambda iso: {**props[iso], "international_cables": int(intl[iso])},
            dot_properties=lambda iso: {
                "id": iso,
                "name": str(sim_countries.at[iso, "name"]),
                **props[iso],
                "international_cables": int(intl[iso]),
            },
        ),
        {
            "fields": [*SIMULATION_FIELDS, ["international_cables", "international cables"]],
            "tooltipFields": [["p_cut_off", "chance cut off a year"]],
        },
    )
    cables = loss_cable_features(result, layers, region)
    add_layer(
        m,
        f"Cables by part in countries' losses ({len(cables)})",
        "cables",
        cables,
        {
            "fields": [
                *CABLE_FIELDS,
                ["faults_per_year", "faults a year (model)"],
                ["p_fault", "chance of a fault in a year"],
                ["losses", "country cut-offs it is part of, a year"],
                ["loss_countries", "countries it leaves cut off"],
            ],
            "tooltipFields": [["losses", "country cut-offs a year"]],
        },
    )
    points = probability_landing_features(result, layers, region)
    add_layer(
        m,
        f"Landing points ({len(points)})",
        "landing_points",
        points,
        {
            "fields": [["iso3", "country"], *SIMULATION_FIELDS],
            "tooltipFields": [["p_cut_off", "chance cut off a year"]],
        },
    )
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
    info_panel(
        m,
        layers,
        "Probabilistic resilience",
        f"<br>{result.years} simulated years, seed {result.seed}; fault model "
        f"{html.escape(fm.name)} (repairs by zone: median "
        f"{min(r.median_days for r in fm.repair_times):g}-"
        f"{max(r.median_days for r in fm.repair_times):g} days)",
    )
    return finish(m, online_tiles=online_tiles)


# scenarios
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
    layers = engine.layers
    m = base_map(region, title)
    isolated = set(result.isolated_countries)
    if countries is not None:
        fill = dict.fromkeys(isolated, CUT_COLOUR)
        features = outline_features(countries, region, fill)
        add_layer(m, "Countries (red: isolated)", "countries", features, popup=False)
    n_cut = len(set(result.cut_segments["seg_id"]))
    add_layer(
        m,
        f"Cable segments (red: cut, {n_cut})",
        "cables",
        scenario_segment_features(result, engine, region),
        {"fields": [["cut", "cut"], ["between", "between"]], "tooltipFields": [["cut", "cut"]]},
    )
    points = scenario_landing_features(result, layers, region)
    n_cut_off = sum(f["properties"]["isolated"] for f in points)
    add_layer(
        m,
        f"Landing points (red: cut off, {n_cut_off})",
        "landing_points",
        points,
        {
            "fields": [["country", "country"], ["isolated", "cut off"]],
            "tooltipFields": [["isolated", "cut off"]],
        },
    )
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
    return close_page(
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


# overview and saving
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
    m = base_map(region, "Submarine cables and landing points")
    _add_outlines(m, countries, region)
    cables = overview_cable_features(layers, region)
    add_layer(
        m,
        f"Cables ({len(cables)})",
        "cables",
        cables,
        {"fields": CABLE_FIELDS, "tooltipFields": [["status", "status"]]},
    )
    points = overview_landing_features(layers, region)
    add_layer(
        m,
        f"Landing points ({len(points)})",
        "landing_points",
        points,
        {"fields": [["country", "country"]]},
    )
    return close_page(
        m,
        layers,
        legend_html(
            "Cables",
            [
                ("line", OVERVIEW_CABLE_COLOURS["in_service"], "in service"),
                ("line", OVERVIEW_CABLE_COLOURS["planned"], "planned"),
                ("dot", OVERVIEW_LANDING_COLOUR, "landing point"),
            ],
        ),
        "Submarine cables and landing points",
        online_tiles=online_tiles,
    )


#: The plain map of cables and landing points (kept under its first name).
build_map = overview_map


def save_map(
    m: folium.Map,
    filepath: str | Path | None = None,
    *,
    offline: bool = True,
    briefs: Sequence[str] = (),
) -> Path:
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
    briefs
        ISO3 codes with a country brief beside the map (``countries/<ISO3>.html``): the
        popups of their countries, landing points and sites link to it.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(settings.maps_folder) / "cables.html" if filepath is None else Path(filepath)
    path.parent.mkdir(parents=True, exist_ok=True)
    if briefs:
        BriefLinks(briefs).add_to(m)
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


# investment plan
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
        A plan (:func:`cablemap.risk.planning.plan.plan`).
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
    layers = engine.layers
    m = base_map(region, title)
    status = result.countries.set_index("iso3")["status_before"].to_dict()
    fill = {
        iso: UNCONNECTED_COLOUR if s == "unconnected" else SINGLE_COLOUR
        for iso, s in status.items()
        if s in ("unconnected", "single_cable")
    }
    if countries is not None:
        add_layer(
            m,
            "Countries (orange: unconnected, yellow: one cable)",
            "countries",
            outline_features(countries, region, fill),
            popup=False,
        )
    seg = engine.network.segments
    keep = seg["routed"] & seg["cable_id"].isin(engine.active_cables)
    add_layer(
        m,
        "Cables in service",
        "cables",
        segment_features(
            seg[keep],
            region,
            lambda row: {"name": str(row.cable_id)},
            lambda _: {"color": MUTED_COLOUR, "weight": 1.0, "opacity": 0.45},
        ),
        popup=False,
    )
    add_layer(
        m,
        f"Candidates (dashed; {len(set(result.portfolio))} picked)",
        "candidates",
        candidate_features(result, region, top),
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
    )
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
    return close_page(
        m,
        layers,
        legend_html(
            "Investment plan",
            [
                ("line", PICK_COLOUR, "picked (dashed: not built)"),
                ("line", CANDIDATE_COLOUR, "candidate"),
                ("line", MUTED_COLOUR, "cable in service"),
                ("dot", UNCONNECTED_COLOUR, "unconnected country (no cable)"),
                ("dot", SINGLE_COLOUR, "country behind a single cable"),
            ],
        ),
        title,
        online_tiles=online_tiles,
    )
