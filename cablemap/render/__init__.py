"""Maps: folium HTML from scored layers; no loading and no scoring here."""

from cablemap.render.briefs import brief_href, country_brief, save_briefs
from cablemap.render.build import save_maps
from cablemap.render.index import write_index
from cablemap.render.maps import (
    overview_map,
    plan_map,
    probabilistic_map,
    save_map,
    scenario_map,
    strategic_nodes_map,
    vendor_exposure_map,
)

#: The plain map of cables and landing points (kept under its first name).
build_map = overview_map

__all__ = [
    "brief_href",
    "build_map",
    "country_brief",
    "overview_map",
    "plan_map",
    "probabilistic_map",
    "save_briefs",
    "save_map",
    "save_maps",
    "scenario_map",
    "strategic_nodes_map",
    "vendor_exposure_map",
    "write_index",
]
