"""The analysts' maps: strategic nodes, vendor exposure, probabilities, scenarios, the plan.

Every map is Pacific-centred on the model's region (``risk_models/indo-pacific.toml``), carries
layer control, legend, search (places, cables, ISO3 codes, owners, suppliers), scale bar,
full-screen button, tooltips, the data attribution and the build date and data version; it
opens by double-click with no network once saved by :func:`save_map` (assets inlined). Panels
dock in two columns (:func:`cablemap.render.elements.panel_html`), tables carry a CSV
download, and the view, layers, year and selection live in the URL (``cablemap.js``).

Each page answers one of the analysts' questions first: the strategic-nodes map lists the
single points of failure, the vendor-exposure map ranks the countries by exposure in each
domain, the plan page says where one trusted cable helps most and why.

One function per page: each composes the features of :mod:`cablemap.render.features` into
layers with :func:`cablemap.render.page.add_layer`; colours come from
:mod:`cablemap.render.style`, vendor tiers from :func:`cablemap.risk.scoring.tiers.vendor_tiers`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cablemap import settings
from cablemap._files import write_atomic
from cablemap.render.assets import external_references, inline_assets
from cablemap.render.elements import (
    BriefLinks,
    PageData,
    add_panel,
    definitions_html,
    legend_html,
    ranked_table_html,
    table_html,
)
from cablemap.render.features import (
    CABLE_FIELDS,
    CABLE_SEARCH,
    NOT_IN_SOURCE,
    SIMULATION_FIELDS,
    Feature,
    cable_name_map,
    cable_names,
    candidate_features,
    chokepoint_features,
    country_cards,
    country_names,
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
    single_points,
    tier_cable_features,
)
from cablemap.render.page import (
    OUTLINE_SCALE,
    add_layer,
    add_legend,
    base_map,
    close_page,
    finish,
    info_panel,
    score_meta,
)
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
    SEA_CUT_COLOUR,
    SINGLE_COLOUR,
    TIER_COLOURS,
    UNCONNECTED_COLOUR,
    UNKNOWN_COLOUR,
    percent,
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

#: How the pages name the exposure domains.
DOMAIN_LABELS = {
    "cables": "cables (suppliers, owners)",
    "facilities": "data centres and stations",
    "cloud": "cloud",
    "mobile": "5G and mobile networks",
    "government": "government networks",
}
#: What the pages say a score is (every scored entity of the model).
SCORE_TERMS = (
    "score",
    "0 to 1, higher = more at risk: importance^a x vulnerability^(1-a) for stations, "
    "countries, sites and metros (a = 0.7 in dcs-v2: a strategic hub outranks a fragile place "
    "few depend on), a weighted sum for cables; the breakdown is in each popup; rank 1 = most "
    "at risk.",
)
#: What the DCS priority is (the vendor-exposure map and the plan).
DCS_TERMS = (
    "DCS priority",
    "vendor exposure x fragility index of a third country of the region (Digital Connectivity "
    "Strategy): higher = more urgent to give it a trusted path; rank 1 = first.",
)
#: Popup fields a model may add to a score (shown where present).
MEASURE_FIELDS = [
    ["importance", "importance (0-1)"],
    ["vulnerability", "vulnerability (0-1)"],
    ["score_range", "score range (missing evidence)"],
    ["top_k_acceptability", "share of other fair weightings keeping it in the top ranks"],
]
#: What importance and vulnerability are, where the model gives them.
MEASURE_TERMS = (
    "importance, vulnerability",
    "importance = what depends on it: the international cables it is its country's gateway "
    "for, the paths through it, the sites it serves (0-1); vulnerability = how easily it fails "
    "or cannot be trusted: fragility, vendor exposure, chokepoints (0-1). The map sizes "
    "stations by importance and colours them by score.",
)
#: What a country's or a station's smallest cut is.
CUT_TERMS = (
    "cables that must fail to cut it off",
    "the fewest cables (and cited land links, in cable equivalents) whose loss leaves no "
    "path abroad: 1 = a single point of failure.",
)


# shared pieces
def _add_cards(
    m: folium.Map,
    layers: Layers,
    region: Region,
    table: pd.DataFrame | None = None,
    *,
    landing_table: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
    extra: dict[str, list[str]] | None = None,
) -> None:
    """Give the page its country cards and the cable names they (and popups) index."""
    cards = country_cards(layers, region, table, landing_table=landing_table, names=names)
    for iso, lines in (extra or {}).items():
        if iso in cards:
            cards[iso]["x"] = lines
    m.add_child(PageData("cableNames", cable_names(layers)[0]))
    m.add_child(PageData("cards", cards))


def _add_outlines(m: folium.Map, countries: gpd.GeoDataFrame | None, region: Region) -> None:
    """Country outlines; clicking a country of the region opens its card."""
    if countries is not None:
        features = outline_features(countries, region)
        add_layer(m, "Country outlines", "outlines", features, {"card": True}, scale=OUTLINE_SCALE)


def _add_facilities(
    m: folium.Map,
    layers: Layers,
    region: Region,
    scores: Scores,
    metro_names: dict[str, str],
) -> None:
    """Draw the data centres, exchanges and cloud regions in view, if the layers have them.

    Where the model scored facilities, each is coloured by its score and its popup shows the
    breakdown (components, weights, contributions) and its operator's tier. The layer is off
    when the page opens (thousands of PeeringDB sites): tick it, or find a site by search.
    """
    if layers.facilities is None or layers.facilities.empty:
        return
    scored = scores.facilities is not None
    features = facility_features(
        scores.facilities if scores.facilities is not None else layers.facilities,
        region,
        scored=scored,
        metro_names=metro_names,
    )
    add_layer(
        m,
        f"Data centres and cloud regions ({len(features)})",
        "facilities",
        features,
        {
            "label": "facility",
            "fields": [
                ["kind", "kind"],
                ["operator", "operator"],
                ["home", "operator's home country"],
                ["city", "city"],
                ["networks", "networks present"],
                ["exchanges", "exchanges present"],
                *([["operator_tier", "operator's tier"], ["metro", "metro"]] if scored else []),
                ["source", "source"],
            ],
            "tooltipFields": [["kind", "kind"], ["operator", "operator"]],
            "search": [["operator", "operator"], ["iso3", "country", "code"]],
            **(score_meta(scores, "facility") if scored else {}),
        },
        show=False,
    )


def _site_names(layers: Layers) -> dict[str, str]:
    """Facility and landing point ids -> names (the members of a metro)."""
    lps = layers.landing_points
    names = {str(i): str(n) for i, n in zip(lps["lp_id"], lps["name"], strict=True)}
    if layers.facilities is not None:
        fac = layers.facilities
        names.update({str(i): str(n) for i, n in zip(fac["fac_id"], fac["name"], strict=True)})
    return names


def _add_metros(
    m: folium.Map, scores: Scores, layers: Layers, region: Region
) -> list[tuple[str, str, str]]:
    """Draw the region's metro nodes in view; return the top ten ``(id, name, score)``."""
    if scores.metros is None or scores.metros.empty:
        return []
    metros = scores.metros[scores.metros["in_region"]]
    features = metro_features(metros, region, _site_names(layers))
    add_layer(
        m,
        f"Metro nodes ({len(features)})",
        "metros",
        features,
        {
            "label": "metro",
            "fields": [
                ["international_cables", "international cables landing"],
                ["interconnection", "networks + exchanges"],
                ["cloud_regions", "cloud regions"],
                ["n_members", "sites"],
                ["members", "sites (first 8)"],
            ],
            "tooltipFields": [["score", "score"], ["n_members", "sites"]],
            "search": [["iso3", "country", "code"]],
            **score_meta(scores, "metro"),
        },
    )
    drawn = {f["properties"]["id"] for f in features}
    top = metros[metros["metro_id"].isin(drawn)].sort_values(["rank", "metro_id"]).head(10)
    return [(r.metro_id, str(r.name), f"{float(r.score):.3f}") for r in top.itertuples()]


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


def _cable_filters(colour_switch: bool = False) -> str:
    """Return the cables panel: colour by supplier or owner tier, filters.

    The colour switch (if asked) and filters by owner, supplier and ready-for-service year;
    the runtime fills the name lists from the page's cables.
    """
    switch = ""
    if colour_switch:
        options = [
            ("supplier_tier", "supplier's tier (who built it)", True),
            ("owner_tier", "owner's tier (who runs it)", False),
            ("tier", "riskiest of both", False),
        ]
        switch = (
            '<div class="cm-colour" data-cm-kind="cables"><div class="cm-key">colour by</div>'
            + "".join(
                f'<label><input type="radio" name="cm-colour" value="{v}"'
                f"{' checked' if on else ''}> {html.escape(label)}</label>"
                for v, label, on in options
            )
            + "</div>"
        )
    return (
        switch + '<div class="cm-filters" data-cm-kind="cables">'
        '<label>owner <input type="text" list="cm-owner-list" data-cm-field="owners" '
        'placeholder="e.g. China Telecom"></label>'
        '<datalist id="cm-owner-list" data-cm-field="owners"></datalist>'
        '<label>supplier <input type="text" list="cm-supplier-list" data-cm-field="suppliers" '
        'placeholder="e.g. HMN Tech"></label>'
        '<datalist id="cm-supplier-list" data-cm-field="suppliers"></datalist>'
        '<label>ready for service <input type="number" data-cm-field="rfs-from" '
        'placeholder="from" aria-label="ready for service from"> to '
        '<input type="number" data-cm-field="rfs-to" placeholder="to" '
        'aria-label="ready for service to"></label>'
        '<button type="button" data-cm-reset>clear</button> '
        '<span class="cm-filter-count"></span>'
        "<div class='cm-key'>a year filter hides cables without a ready-for-service year</div>"
        "</div>"
    )


def _cables_legend(*, planned: bool = True) -> str:
    rows = [("line", CABLE_STATUS_COLOURS["in_service"], "in service")]
    if planned:
        rows.append(("line", CABLE_STATUS_COLOURS["planned"], "planned"))
    rows.append(("dash", CABLE_STATUS_COLOURS["in_service"], "route synthesised (none drawn)"))
    return legend_html("Cables", rows)


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

    The page opens on the single points of failure: the countries, capitals (where the scores
    give them) and landing stations one cable's loss cuts off, each with that cable.

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
        Clicking a country of the region opens its card.
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
    names = country_names(layers, countries, region.countries)
    m = base_map(region, "Strategic nodes")
    _add_cards(
        m, layers, region, scores.countries, landing_table=scores.landing_points, names=names
    )
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
            "search": CABLE_SEARCH,
            **score_meta(scores, "cable"),
        },
    )
    chokepoints = chokepoint_features(scores.model.chokepoints, region)
    add_layer(
        m,
        f"Chokepoints ({len(chokepoints)})",
        "chokepoints",
        chokepoints,
        {"fields": [["source", "source"]]},
    )
    metro_names = (
        dict(zip(scores.metros["metro_id"], scores.metros["name"], strict=True))
        if scores.metros is not None
        else {}
    )
    _add_facilities(m, layers, region, scores, metro_names)
    top_metros = _add_metros(m, scores, layers, region)
    _add_hazards(m, layers.hazards, region, scores.model.faults)
    points = _add_scored_points(m, scores, layers, region, simulation)
    add_year_control(m, layers, scores, years, cables=cables, points=points)
    _single_points_panel(m, single_points(scores, layers, region, names), outlines=countries)
    in_lp, _ = region_ids(layers, region)
    lps = scores.landing_points[scores.landing_points["lp_id"].isin(in_lp)]
    top = lps.sort_values(["criticality", "lp_id"], ascending=[False, True]).head(top_n)
    add_panel(
        m,
        ranked_table_html(
            "landing_points",
            [(r.lp_id, str(r.name), f"{float(r.criticality):.3f}") for r in top.itertuples()],
            value="importance (0-1)",
            filename="most_important_landing_points.csv",
        ),
        title=f"Landing points ranked by importance ({region.name})",
        order=20,
        collapsed=True,
        name="critical",
    )
    if top_metros:
        add_panel(
            m,
            ranked_table_html(
                "metros", top_metros, value="score (0-1)", filename="top_metro_nodes.csv"
            ),
            title=f"Top metro nodes ({region.name})",
            order=30,
            collapsed=True,
            name="metros",
        )
    add_panel(
        m,
        _cable_filters(),
        title="Filter cables",
        dock="right",
        order=20,
        collapsed=True,
        name="filters",
    )
    return close_page(
        m,
        layers,
        _strategic_legend(layers),
        "Strategic nodes",
        f"<br>model {html.escape(scores.model.name)}",
        online_tiles=online_tiles,
        terms=definitions_html(
            [
                SCORE_TERMS,
                (
                    "criticality",
                    "0 to 1: how much international connectivity runs through a node "
                    "(international paths through it, its share of its country's cables).",
                ),
                CUT_TERMS,
                *([MEASURE_TERMS] if "importance" in scores.landing_points.columns else []),
            ]
        ),
    )


def _add_scored_points(
    m: folium.Map,
    scores: Scores,
    layers: Layers,
    region: Region,
    simulation: SimulationResult | None,
) -> list[Feature]:
    """Add the landing points of the strategic map (with the simulation's chances, if any)."""
    cable_names_ = cable_name_map(layers)
    simulated = (
        {
            r.lp_id: simulation_properties(r, cable_names_)
            for r in simulation.landing_points.itertuples()
        }
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
                ["criticality", "importance (0-1): what the map sizes by"],
                ["redundancy_cables", "cable equivalents that must fail to cut it off"],
                *MEASURE_FIELDS,
                ["inferred", "cables inferred from their routes"],
                *(SIMULATION_FIELDS if simulated is not None else []),
            ],
            "tooltipFields": [["score", "score"], ["criticality", "importance"]],
            "search": [["iso3", "country", "code"], ["country", "country"]],
            **score_meta(scores, "landing_point"),
        },
    )
    return points


def _single_points_panel(
    m: folium.Map, spof: dict[str, Any], *, outlines: gpd.GeoDataFrame | None
) -> None:
    """Add the first panel of the strategic map: what one cable's loss cuts off."""
    country_focus = "outlines" if outlines is not None else None
    parts = [
        table_html(
            ["country", "international cables", "the one cable that cuts it off"],
            [[r["name"], str(r["cables"]), r["cable"]] for r in spof["countries"]],
            filename="single_cable_countries.csv",
            caption=f"Countries ({len(spof['countries'])})",
            focus=[(country_focus, r["id"]) if country_focus else None for r in spof["countries"]],
        )
    ]
    if spof["capitals"]:
        parts.append(
            table_html(
                ["capital", "country", "the one cable"],
                [[r["name"], r["country"], r["cable"]] for r in spof["capitals"]],
                filename="single_cable_capitals.csv",
                caption=f"Capitals ({len(spof['capitals'])})",
                focus=[
                    (country_focus, r["id"]) if country_focus else None for r in spof["capitals"]
                ],
            )
        )
    parts.append(
        table_html(
            ["landing station", "country", "the one cable"],
            [[r["name"], r["country"], r["cable"]] for r in spof["stations"]],
            filename="single_cable_landing_stations.csv",
            caption=f"Landing stations ({len(spof['stations'])}, most critical first)",
            focus=[("landing_points", r["id"]) for r in spof["stations"]],
        )
    )
    if spof["unconnected"]:
        parts.append(
            "<div class='cm-key'>No in-service international cable at all: "
            f"{html.escape(', '.join(spof['unconnected']))}</div>"
        )
    add_panel(
        m,
        "<div class='cm-key'>Places one cable's loss cuts off from the rest of the world "
        "(exact: no other path by cable or over land).</div>" + "".join(parts),
        title="Single points of failure",
        order=10,
        name="spof",
        css_class="cm-wide",
    )


def _strategic_legend(layers: Layers) -> str:
    return (
        legend_html(
            "Landing points, metros, facilities: colour = score (higher = more at risk)",
            [("dot", c, label) for label, c in ramp_stops()],
        )
        + "<div class='cm-key'>landing point size = importance; metro: large ring, size = "
        "international cables; facility: outline colour = kind</div>"
        + _cables_legend()
        + legend_html("Areas", [("swatch", CHOKEPOINT_COLOUR, "chokepoint")])
        + _hazard_legend(layers.hazards)
        + (
            legend_html(
                "Facilities (layer off at open)",
                [("dot", c, k.replace("_", " ")) for k, c in FACILITY_COLOURS.items()],
            )
            if layers.facilities is not None
            else ""
        )
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
    """Countries shaded by vendor exposure, one domain at a time; cables by vendor tier.

    A ranked table lists the region's countries by exposure, all domains and 5G, cloud and
    cables apart; the domain views are exclusive (radio buttons); cables are coloured by their
    supplier's tier or their owner's (a switch), and filtered by owner, supplier and year.

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
        control, which shows the cables of a year and shades the countries by that year's
        exposure.

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or scores.model.region
    profile = scores.model.vendor_profile
    tiers = vendor_tiers(scores, layers)
    names = country_names(layers, countries, region.countries)
    m = base_map(region, "Vendor exposure")
    country_scores = scores.countries.set_index("iso3")
    _add_cards(
        m, layers, region, scores.countries, landing_table=scores.landing_points, names=names
    )
    shaded = {
        iso: ramp(float(country_scores.at[iso, "vendor_exposure"]))
        for iso in country_scores.index
        if iso in region.countries
    }
    country_features = _exposure_countries(
        m, scores, layers, region, countries=countries, shaded=shaded, tiers=tiers
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
                ["supplier_tier", "supplier's tier"],
                ["owner_tier", "owner's tier"],
                ["status", "status"],
                ["rfs", "ready for service"],
                ["suppliers", "suppliers"],
                ["owners", "owners"],
                ["landings", "landing points"],
            ],
            "tooltipFields": [["supplier_tier", "supplier"], ["owner_tier", "owner"]],
            "search": CABLE_SEARCH,
            **score_meta(scores, "cable"),
        },
    )
    m.add_child(PageData("tierColours", TIER_COLOURS))
    add_year_control(m, layers, scores, years, cables=cables, countries=(country_features, shaded))
    _exposure_panel(m, scores, region, names)
    add_panel(
        m,
        _cable_filters(colour_switch=True),
        title="Cables",
        dock="right",
        order=20,
        name="filters",
    )
    add_legend(m, _vendor_legend(scores, layers, region, tiers))
    info_panel(
        m,
        layers,
        "Vendor exposure",
        f"<br>model {html.escape(scores.model.name)}, vendor profile {html.escape(profile.name)}",
        definitions_html(
            [
                (
                    "vendor exposure",
                    "0 to 1, higher = more exposed: the weighted sum over the domains of the "
                    "riskiest cited vendor's tier score (cables: its suppliers and owners).",
                ),
                (
                    "unknown",
                    "no cited evidence in the domain; it scores as the profile's "
                    f"{profile.unknown_tier} tier "
                    f"({profile.tier_scores[profile.unknown_tier]:g}), never as 0.",
                ),
                DCS_TERMS,
                SCORE_TERMS,
            ]
        ),
    )
    return finish(m, online_tiles=online_tiles)


def _exposure_countries(
    m: folium.Map,
    scores: Scores,
    layers: Layers,
    region: Region,
    *,
    countries: gpd.GeoDataFrame | None,
    shaded: dict[str, str],
    tiers: Any,
) -> list[Feature]:
    """Add the all-domains choropleth: the first of the page's exclusive country views."""
    country_scores = scores.countries.set_index("iso3")
    footprints = footprints_by_country(layers)

    def properties(iso: str) -> dict[str, object]:
        vendors = [f"{v} ({t})" for v, t in tiers.by_country.get(iso, [])[:15]]
        return country_properties(country_scores.loc[iso], vendors, footprints.get(iso, []))

    features = shaded_country_features(
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
        "all domains: vendor exposure",
        "countries",
        features,
        {
            "fields": [
                ["vendor_exposure", "vendor exposure (0-1)"],
                ["exposure_range", "range where evidence is missing"],
                ["coverage", "domains with cited evidence"],
                ["dcs_priority", "DCS priority"],
                ["dcs_rank", "DCS rank"],
                *MEASURE_FIELDS,
                ["tier_share_high", "share of its cables high tier"],
                ["tier_share_trusted", "share of its cables trusted"],
                ["international_cables", "international cables"],
            ],
            "details": [
                [
                    "exposure by domain (value x weight)",
                    [[f"domain_{d}", DOMAIN_LABELS[d]] for d in EXPOSURE_DOMAINS],
                ],
                ["cable vendors (tier)", [["vendors", ""]]],
                ["5G, core, cloud and city footprints", [["footprints", ""]]],
            ],
            "tooltipFields": [["vendor_exposure", "vendor exposure"], ["coverage", "evidence"]],
            **score_meta(scores, "country"),
        },
        base=countries is not None,
        scale=OUTLINE_SCALE,
    )
    return features


def _add_domain_layers(
    m: folium.Map,
    country_scores: pd.DataFrame,
    outlines: list[Feature],
    region: Region,
) -> None:
    """One exclusive view per exposure domain: countries shaded by that domain's exposure.

    The shapes are those of the page's ``countries`` layer (``outlines``), sent once.
    """
    if "exposure_cables" not in country_scores.columns or not outlines:
        return
    for domain in EXPOSURE_DOMAINS:
        add_layer(
            m,
            DOMAIN_LABELS[domain],
            f"domain_{domain}",
            domain_features(country_scores, outlines, region, domain),
            {
                "card": True,
                "fields": [
                    ["exposure", f"{DOMAIN_LABELS[domain]}: exposure x weight"],
                    ["status", "evidence"],
                    ["coverage", "domains with cited evidence"],
                ],
                "tooltipFields": [["status", "evidence"]],
            },
            show=False,
            searchable=False,
            geometry_from="countries",
            base=True,
        )


def _exposure_cell(row: pd.Series, domain: str) -> str:
    """Return a domain's exposure as the table shows it: ``0.50``, or ``?`` (no evidence)."""
    if f"exposure_{domain}" not in row.index:
        return ""
    if row[f"exposure_{domain}_status"] == "unknown":
        return "?"
    return f"{float(row[f'exposure_{domain}']):.2f}"


def _rank_spans(table: pd.DataFrame) -> list[tuple[int, int]] | None:
    """Per row (ranked by exposure), the best and worst rank its exposure range allows.

    ``None`` where the scores give no range (``vendor_exposure_low``/``_high``). A row can
    rise above every row whose lowest value is below its highest, and fall below every row
    whose highest value is above its lowest.
    """
    if not {"vendor_exposure_low", "vendor_exposure_high"} <= set(table.columns):
        return None
    low = table["vendor_exposure_low"].fillna(table["vendor_exposure"]).to_numpy(float)
    high = table["vendor_exposure_high"].fillna(table["vendor_exposure"]).to_numpy(float)
    spans = []
    for i in range(len(table)):
        others = [j for j in range(len(table)) if j != i]
        best = 1 + sum(low[j] > high[i] for j in others)
        worst = 1 + sum(high[j] >= low[i] for j in others)
        spans.append((best, worst))
    return spans


def _exposure_panel(m: folium.Map, scores: Scores, region: Region, names: dict[str, str]) -> None:
    """Add the ranked list of the vendor-exposure map: most exposed first, by domain."""
    table = scores.countries[scores.countries["iso3"].isin(region.countries)].copy()
    table = table.sort_values(["vendor_exposure", "name"], ascending=[False, True])
    spans = _rank_spans(table)
    rows, focus = [], []
    for i, (_, r) in enumerate(table.iterrows()):
        rank, value = str(i + 1), f"{float(r['vendor_exposure']):.2f}"
        if spans is not None:
            low, high = r["vendor_exposure_low"], r["vendor_exposure_high"]
            if not (pd.isna(low) or pd.isna(high)) and float(low) != float(high):
                value += f" ({float(low):.2f}-{float(high):.2f})"
            if spans[i][0] != spans[i][1]:
                rank += f" ({spans[i][0]}-{spans[i][1]})"
        rows.append(
            [
                rank,
                names.get(str(r["iso3"]), str(r["name"])),
                value,
                *[_exposure_cell(r, d) for d in ("mobile", "cloud", "cables")],
            ]
        )
        focus.append(("countries", str(r["iso3"])))
    note = (
        "higher = more exposed to high-risk vendors; ? = no cited evidence in the domain (not zero)"
    )
    if spans is not None:
        note += "; (a-b) = the range missing evidence allows, for the value and the rank"
    add_panel(
        m,
        table_html(
            ["#", "country", "all (0-1)", "5G", "cloud", "cables"],
            rows,
            filename="vendor_exposure_ranked.csv",
            focus=focus,
            notes=[note],
        ),
        title=f"Most exposed countries ({region.name})",
        order=10,
        name="exposure",
        css_class="cm-wide",
    )


def _top_by_role(
    scores: Scores, layers: Layers, region: Region, tiers: Any, column: str
) -> dict[str, list[str]]:
    """Per tier, the vendors of the region's cables in one role, most cables first."""
    _, in_cables = region_ids(layers, region)
    counts: dict[str, dict[str, int]] = {t: {} for t in TIER_NAMES}
    for value in layers.cables.loc[layers.cables["cable_id"].isin(in_cables), column]:
        for name in tiers.tiered(value):
            vendor, _, tier = name.rpartition(" (")
            tier = tier.rstrip(")")
            if tier in counts:
                counts[tier][vendor] = counts[tier].get(vendor, 0) + 1
    return {
        t: [v for v, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        for t, c in counts.items()
    }


def _vendor_legend(scores: Scores, layers: Layers, region: Region, tiers: Any) -> str:
    profile = scores.model.vendor_profile
    suppliers = _top_by_role(scores, layers, region, tiers, "suppliers")
    owners = _top_by_role(scores, layers, region, tiers, "owners")
    rows = [
        (
            "line",
            TIER_COLOURS[t],
            f"{t}: suppliers {', '.join(suppliers[t]) or '-'}; "
            f"owners {', '.join(owners[t]) or '-'}",
        )
        for t in TIER_NAMES
    ]
    return legend_html(f"Cables by vendor tier (profile {profile.name})", rows) + legend_html(
        "Countries: vendor exposure (all domains, or the domain chosen)",
        [
            *[("swatch", c, label) for label, c in ramp_stops()],
            ("swatch", UNKNOWN_COLOUR, "unknown: no cited footprint in the domain"),
        ],
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
    of a country's loss. Every chance is in one unit, ``% a year``, with its 95 % interval; the
    page defines its terms. A ranked table (with its CSV) lists the countries. The earthquake
    hotspots are an overlay, off until ticked.

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
    names = country_names(layers, countries, region.countries)
    cable_names_ = cable_name_map(layers)
    m = base_map(region, "Probabilistic resilience")
    _add_cards(m, layers, region, names=names)
    _add_chance_layers(
        m, result, layers, region, countries=countries, names=names, cable_names_=cable_names_
    )
    _add_hazards(m, layers.hazards, region, result.rates.model)
    ranked = result.countries[result.countries["iso3"].isin(region.countries)].head(top_n)
    add_panel(
        m,
        table_html(
            ["#", "country", "% a year (95 % interval)", "main cause (share of those years)"],
            [
                [
                    str(i + 1),
                    names.get(str(r.iso3), str(r.name)),
                    f"{percent(r.probability_cut_off, unit=False)} "
                    f"({percent(r.ci_low, unit=False)}-{percent(r.ci_high, unit=False)})",
                    _main_cause(r.top_cables, cable_names_),
                ]
                for i, r in enumerate(ranked.itertuples())
            ],
            filename="most_likely_cut_off.csv",
            focus=[("countries", str(r.iso3)) for r in ranked.itertuples()],
        ),
        title=f"Most likely to be cut off by sea in a year ({region.name})",
        order=10,
        name="ranked",
        css_class="cm-wide",
    )
    add_legend(
        m,
        legend_html(
            "Chance of being cut off by sea in a year",
            [("swatch", colour, label) for _, colour, label in PROBABILITY_CLASSES],
        )
        + "<div class='cm-key'>landing points: size and colour; cables: thicker and redder "
        "the more country cut-offs they are part of</div>" + _hazard_legend(layers.hazards),
    )
    fm = result.rates.model
    info_panel(
        m,
        layers,
        "Probabilistic resilience",
        f"<br>{result.years:,} simulated years, seed {result.seed}; fault model "
        f"{html.escape(fm.name)} (repairs by maintenance zone: median "
        f"{min(r.median_days for r in fm.repair_times):g}-"
        f"{max(r.median_days for r in fm.repair_times):g} days)",
        definitions_html(_chance_terms(result.years)),
    )
    return finish(m, online_tiles=online_tiles)


def _chance_terms(years: int) -> list[tuple[str, str]]:
    return [
        (
            "% a year",
            f"the share of the {years:,} simulated years in which the place was cut off at "
            "least once (faults drawn from the fault model, repairs after the modelled delay).",
        ),
        (
            "country cut off",
            "none of its landing stations reaches another country by sea.",
        ),
        (
            "landing station cut off",
            "it reaches neither another country nor its country's main landmass: a station "
            "that keeps a domestic cable to the main island counts as connected, so its chance "
            "can differ from its country's in either direction.",
        ),
        ("95 % interval", "the Wilson interval of that share."),
        ("days a year", "expected days cut off in a year (repairs included)."),
        (
            "country cut-offs a year (cables)",
            "how many country cut-offs a year the cable is down in, on average.",
        ),
    ]


def _main_cause(top_cables: Iterable[dict[str, Any]] | None, cable_names_: dict[str, str]) -> str:
    """Return the cable down most often when the place is cut off, with that share."""
    tops = list(top_cables) if top_cables is not None else []
    if not tops:
        return ""
    t = tops[0]
    return f"{cable_names_.get(str(t['cable_id']), str(t['cable_id']))} ({t['share']:.0%})"


def _add_chance_layers(
    m: folium.Map,
    result: SimulationResult,
    layers: Layers,
    region: Region,
    *,
    countries: gpd.GeoDataFrame | None,
    names: dict[str, str],
    cable_names_: dict[str, str],
) -> None:
    """Countries, cables and landing points of the probabilistic page."""
    sim_countries = result.countries.set_index("iso3")
    shaded = {
        iso: probability_colour(float(sim_countries.at[iso, "probability_cut_off"]))
        for iso in sim_countries.index
        if iso in region.countries
    }
    props = {
        r.iso3: {
            **simulation_properties(r, cable_names_),
            "international_cables": int(r.international_cables),
        }
        for r in result.countries.itertuples()
    }
    add_layer(
        m,
        "Countries: chance of being cut off in a year",
        "countries",
        shaded_country_features(
            countries,
            layers,
            region,
            shaded=shaded,
            properties=lambda iso: props[iso],
            dot_properties=lambda iso: {
                "id": iso,
                "name": names.get(iso, str(sim_countries.at[iso, "name"])),
                **props[iso],
            },
        ),
        {
            "fields": [*SIMULATION_FIELDS, ["international_cables", "international cables"]],
            "tooltipFields": [["p_cut_off", "cut off", "pct"]],
        },
        scale=OUTLINE_SCALE,
    )
    cables = loss_cable_features(result, layers, region, names)
    add_layer(
        m,
        f"Cables by part in countries' losses ({len(cables)})",
        "cables",
        cables,
        {
            "fields": [
                *CABLE_FIELDS,
                ["faults_per_year", "faults a year (model)"],
                ["p_fault", "chance of a fault", "pct"],
                ["losses", "country cut-offs a year it is down in"],
                ["loss_countries", "countries it leaves cut off"],
            ],
            "tooltipFields": [["losses", "country cut-offs a year"]],
            "search": CABLE_SEARCH,
        },
    )
    points = probability_landing_features(result, layers, region, cable_names_)
    add_layer(
        m,
        f"Landing points ({len(points)})",
        "landing_points",
        points,
        {
            "fields": [
                *SIMULATION_FIELDS,
                ["country_p", "its country cut off", "pct"],
                ["why_differs", "why the two differ"],
            ],
            "tooltipFields": [["p_cut_off", "cut off", "pct"]],
            "search": [["iso3", "country", "code"]],
        },
    )


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
    """Cut segments highlighted, countries and landing points cut off marked, before/after.

    The panel lists the countries the scenario touches, worst first, by name: cut off at all
    (no path abroad left), cut off by sea only (a land route left, e.g. Macau through China),
    and the international cables left; a column that is the same on every row is left out.

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
        Country outlines (cut off: red; by sea only: orange).

    Returns
    -------
    folium.Map
        The map.
    """
    region = region or engine.model.region
    layers = engine.layers
    names = country_names(layers, countries, region.countries)
    m = base_map(region, title)
    rows = _scenario_rows(result, names)
    _add_cards(
        m,
        layers,
        region,
        names=names,
        extra={r["iso3"]: [f"in this scenario: {r['line']}"] for r in rows},
    )
    isolated = set(result.isolated_countries)
    by_sea = set(result.cable_isolated_countries) - isolated
    if countries is not None:
        fill = {**dict.fromkeys(by_sea, SEA_CUT_COLOUR), **dict.fromkeys(isolated, CUT_COLOUR)}
        features = outline_features(countries, region, fill)
        add_layer(
            m,
            "Countries (red: cut off; orange: by sea only)",
            "countries",
            features,
            {"card": True},
            scale=OUTLINE_SCALE,
        )
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
        {"fields": [["isolated", "cut off"]], "tooltipFields": [["isolated", "cut off"]]},
    )
    add_panel(
        m,
        _scenario_summary(result, layers, names, n_cut_off) + _scenario_table(rows, countries),
        title=title,
        dock="right",
        order=10,
        name="scenario",
        css_class="cm-wide",
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
                ("swatch", CUT_COLOUR, "country cut off at all"),
                ("swatch", SEA_CUT_COLOUR, "country cut off by sea (a land route left)"),
            ],
        ),
        title,
        online_tiles=online_tiles,
        terms=definitions_html(
            [
                ("cut off at all", "no path abroad left, by cable or over land."),
                (
                    "cut off by sea",
                    "no submarine cable path abroad left; a country with a land route abroad "
                    "(Macau through China) still reaches the world over land.",
                ),
                ("landing point cut off", "reaches neither another country nor its main landmass."),
            ]
        ),
    )


def _scenario_rows(result: ScenarioResult, names: dict[str, str]) -> list[dict[str, Any]]:
    """Return the countries a scenario touches, worst first (cut off at all, by sea...)."""
    table = result.countries
    touched = table[
        (table["cables_after"] < table["cables_before"])
        | table["isolated"]
        | table["cable_isolated"]
    ]
    rows = []
    for r in touched.itertuples():
        before, after = int(r.cables_before), int(r.cables_after)
        at_all, by_sea = bool(r.isolated), bool(r.cable_isolated) and not bool(r.isolated)
        no_own = after == 0 < before and not (at_all or by_sea)
        if at_all:
            state = "cut off at all"
        elif by_sea:
            state = "by sea; reaches abroad over land"
        elif no_own:
            state = "no cable of its own left; lives over land"
        else:
            state = ""
        line = f"international cables {before} → {after}" + (f"; {state}" if state else "")
        rows.append(
            {
                "iso3": str(r.iso3),
                "name": names.get(str(r.iso3), str(r.name)),
                "cables": f"{before} → {after}",
                "cut_off": state,
                "reachable": f"{int(r.reachable_before)} → {int(r.reachable_after)}",
                "line": line,
                "key": (not at_all, not by_sea, not no_own, after / before if before else 1.0),
            }
        )
    return sorted(rows, key=lambda r: (r["key"], r["name"]))


def _scenario_table(rows: list[dict[str, Any]], countries: gpd.GeoDataFrame | None) -> str:
    """Return the touched countries' table; a column the same on every row is left out."""
    columns = [
        ("name", "country"),
        ("cables", "international cables"),
        ("cut_off", "cut off"),
        ("reachable", "countries reachable"),
    ]
    kept = [c for c in columns if c[0] == "name" or len({r[c[0]] for r in rows}) > 1]
    return table_html(
        [label for _, label in kept],
        [[r[key] for key, _ in kept] for r in rows],
        filename="scenario_countries.csv",
        caption=f"Countries touched ({len(rows)}), worst first",
        focus=[("countries", r["iso3"]) if countries is not None else None for r in rows],
    )


def _scenario_summary(
    result: ScenarioResult, layers: Layers, names: dict[str, str], lps_cut_off: int
) -> str:
    """Say what was cut and what it cut off, in names."""
    cable_names_ = cable_name_map(layers)
    cuts = "; ".join(
        f"{kind}: {', '.join(cable_names_.get(str(v), str(v)) for v in values)}"
        for kind, values in result.cuts.items()
        if values
    )
    cut = sorted(cable_names_.get(str(c), str(c)) for c in result.cut_cables)
    at_all = sorted(names.get(i, i) for i in result.isolated_countries)
    sea_only = set(result.cable_isolated_countries) - set(result.isolated_countries)
    by_sea = sorted(names.get(i, i) for i in sea_only)
    table = result.countries
    own_gone = (
        (table["cables_after"] == 0)
        & (table["cables_before"] > 0)
        & ~table["isolated"]
        & ~table["cable_isolated"]
    )
    no_own = sorted(names.get(str(i), str(i)) for i in table.loc[own_gone, "iso3"])
    lines = [
        f"<div><b>cut</b>: {html.escape(cuts)}</div>",
        f"<details class='cm-more'><summary>{len(cut)} cable(s) cut, "
        f"{len(result.cut_segments)} segment(s)</summary>{html.escape(', '.join(cut))}</details>",
        f"<div><b>cut off at all</b>: {html.escape(', '.join(at_all) or 'none')}</div>",
        "<div><b>cut off by sea</b> (a land route left): "
        f"{html.escape(', '.join(by_sea) or 'none')}</div>",
    ]
    if no_own:
        lines.append(
            "<div><b>no cable of their own left</b>, living over land: "
            f"{html.escape(', '.join(no_own))}</div>"
        )
    lines.append(f"<div>landing points cut off: {lps_cut_off}</div>")
    return "".join(lines)


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
    _add_cards(m, layers, region, names=country_names(layers, countries, region.countries))
    _add_outlines(m, countries, region)
    cables = overview_cable_features(layers, region)
    add_layer(
        m,
        f"Cables ({len(cables)})",
        "cables",
        cables,
        {"fields": CABLE_FIELDS, "tooltipFields": [["status", "status"]], "search": CABLE_SEARCH},
    )
    points = overview_landing_features(layers, region)
    add_layer(
        m,
        f"Landing points ({len(points)})",
        "landing_points",
        points,
        {"fields": [], "search": [["country", "country"]]},
    )
    return close_page(
        m,
        layers,
        legend_html(
            "Cables",
            [
                ("line", OVERVIEW_CABLE_COLOURS["in_service"], "in service"),
                ("line", OVERVIEW_CABLE_COLOURS["planned"], "planned"),
                ("dash", OVERVIEW_CABLE_COLOURS["in_service"], "route synthesised (none drawn)"),
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
    write_atomic(path, page.encode("utf-8"))  # a fresh temporary file: never through a link
    logger.info("Saved map at %r (%d bytes)", str(path), len(page.encode()))
    return path


# investment plan
#: What a candidate's benefit is, where the plan does not say (``benefit_units``).
BENEFIT_UNITS = "benefit points"


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

    The panel lists the picks by place names (``Timor-Leste - Manado, Indonesia``), with
    their length in km, their benefit in stated units and the reason each was picked.

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
    names = country_names(layers, countries, region.countries)
    m = base_map(region, title)
    labels = _candidate_labels(result, names)
    reasons = _pick_reasons(result, names)
    units = BENEFIT_UNITS  # short in the table; defined below with the plan's own statement
    status = result.countries.set_index("iso3")
    _add_cards(
        m,
        layers,
        region,
        names=names,
        extra={str(iso): [_plan_status_line(r)] for iso, r in status.iterrows() if r["target"]},
    )
    fill = {
        iso: UNCONNECTED_COLOUR if s == "unconnected" else SINGLE_COLOUR
        for iso, s in status["status_before"].items()
        if s in ("unconnected", "single_cable")
    }
    if countries is not None:
        add_layer(
            m,
            "Countries (orange: unconnected, yellow: one cable)",
            "countries",
            outline_features(countries, region, fill),
            {"card": True},
            scale=OUTLINE_SCALE,
        )
    seg = engine.network.segments
    keep = seg["routed"] & seg["cable_id"].isin(engine.active_cables)
    cable_names_ = cable_name_map(layers)
    add_layer(
        m,
        "Cables in service",
        "cables",
        segment_features(
            seg[keep],
            region,
            lambda row: {"name": cable_names_.get(str(row.cable_id), str(row.cable_id))},
            lambda _: {"color": MUTED_COLOUR, "weight": 1.0, "opacity": 0.45},
        ),
        popup=False,
        searchable=False,
    )
    add_layer(
        m,
        f"Candidates (dashed; {len(set(result.portfolio))} picked)",
        "candidates",
        candidate_features(result, region, top, labels=labels, reasons=reasons, names=names),
        {
            "label": "candidate cable",
            "fields": [
                ["picked", "in the portfolio"],
                ["reason", "why"],
                ["kind", "kind"],
                ["countries", "countries"],
                ["route_km", "route", "km"],
                ["benefit", units],
                ["per_1000km", f"{units} per 1,000 km"],
                ["rank", "rank by benefit per km"],
            ],
            "tooltipFields": [["benefit", units], ["route_km", "km"]],
        },
    )
    used = sum(float(p["route_km"]) for p in result.picks if p.get("route_km") is not None)
    rows = [
        [
            str(i + 1),
            labels.get(p["id"], p["id"]),
            f"{float(p['route_km']):,.0f}",
            f"{float(p['benefit']):.3f}",
            reasons.get(p["id"], ""),
        ]
        for i, p in enumerate(result.picks)
    ]
    add_panel(
        m,
        f"<div>budget {result.budget_km:,.0f} km, {used:,.0f} km used by "
        f"{len(result.picks)} pick(s)</div>"
        + table_html(
            ["#", "new cable", "km", units, "why"],
            rows,
            filename="investment_plan.csv",
            focus=[("candidates", p["id"]) for p in result.picks],
        ),
        title=title,
        dock="right",
        order=10,
        name="plan",
        css_class="cm-wide",
    )
    return close_page(
        m,
        layers,
        legend_html(
            "Investment plan",
            [
                ("dash", PICK_COLOUR, "picked (not built)"),
                ("dash", CANDIDATE_COLOUR, "candidate"),
                ("line", MUTED_COLOUR, "cable in service"),
                ("swatch", UNCONNECTED_COLOUR, "target with no cable"),
                ("swatch", SINGLE_COLOUR, "target behind a single cable"),
            ],
        ),
        title,
        online_tiles=online_tiles,
        terms=definitions_html(
            [
                (
                    BENEFIT_UNITS,
                    f"{_benefit_units(result)}: the gain over the target countries, each "
                    "weighted by its population (log scale, at most 1): 0.35 x rise in "
                    "resilience (1/(cut+1)) + 0.30 x "
                    "leaving the no-cable or one-cable status + 0.15 x fall in vendor exposure "
                    "where it lands + 0.20 x fall in DCS priority. One unconnected country of "
                    "full weight given a first trusted cable scores about 0.8.",
                ),
                DCS_TERMS,
                (
                    "picks",
                    "chosen one at a time by benefit per km within the budget left, every "
                    "benefit recomputed after each pick.",
                ),
            ]
        ),
    )


def _plan_status_line(row: pd.Series) -> str:
    words = {
        "unconnected": "no cable",
        "single_cable": "one cable",
        "connected": "connected",
        "hub": "hub",
        "land_linked": "over land",
    }
    before = words.get(str(row["status_before"]), str(row["status_before"]))
    after = words.get(str(row["status_after"]), str(row["status_after"]))
    return (
        f"plan target: {before} → {after} with the portfolio"
        if before != after
        else (f"plan target: {before}; the portfolio does not change it")
    )


def _benefit_units(result: Plan) -> str:
    """Return what a benefit of 1 means (the plan states it)."""
    return str(getattr(result, "benefit_unit", "") or BENEFIT_UNITS)


def _candidate_labels(result: Plan, names: dict[str, str]) -> dict[str, str]:
    """Candidate id -> its name, countries named (``Funafuti (Tuvalu) spur onto Hawaiki``)."""
    cands = result.candidates
    return {str(i): _named(str(n), names) for i, n in zip(cands["id"], cands["name"], strict=True)}


def _named(text: str, names: dict[str, str]) -> str:
    """Replace the ``(ISO3)`` codes of a text by the countries' names."""
    return _ISO3.sub(lambda m: f"({names.get(m.group(1), m.group(1))})", text)


_ISO3 = re.compile(r"\(([A-Z]{3})\)")


def _pick_reasons(result: Plan, names: dict[str, str]) -> dict[str, str]:
    """Pick id -> why it was picked, ISO3 codes given as names (the plan's ``reason``).

    The pick's own name, which the panel shows beside it, is left off the front.
    """
    out = {}
    for p in result.picks:
        text = str(p.get("reason", ""))
        text = text.removeprefix(f"{p.get('name', '')}: ")
        text = _named(text, names)
        out[str(p["id"])] = text.replace("single-cable", "one cable").replace("->", "→")
    return out
