"""Maps: folium HTML from scored layers; no loading and no scoring here.

Names here are imported on first use.
"""

from typing import TYPE_CHECKING

from cablemap._lazy import lazy_exports

_LAZY = {
    **dict.fromkeys(["brief_href", "country_brief", "save_briefs"], "cablemap.render.briefs"),
    **dict.fromkeys(
        ["save_maps", "save_plan_map", "save_scenario_map", "basemap"], "cablemap.render.build"
    ),
    "write_index": "cablemap.render.index",
    **dict.fromkeys(
        [
            "build_map",
            "overview_map",
            "plan_map",
            "probabilistic_map",
            "save_map",
            "scenario_map",
            "strategic_nodes_map",
            "vendor_exposure_map",
        ],
        "cablemap.render.maps",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())


if TYPE_CHECKING:
    from cablemap.render.briefs import brief_href, country_brief, save_briefs
    from cablemap.render.build import basemap, save_maps, save_plan_map, save_scenario_map
    from cablemap.render.index import write_index
    from cablemap.render.maps import (
        build_map,
        overview_map,
        plan_map,
        probabilistic_map,
        save_map,
        scenario_map,
        strategic_nodes_map,
        vendor_exposure_map,
    )

__all__ = [
    "basemap",
    "brief_href",
    "build_map",
    "country_brief",
    "overview_map",
    "plan_map",
    "probabilistic_map",
    "save_briefs",
    "save_map",
    "save_maps",
    "save_plan_map",
    "save_scenario_map",
    "scenario_map",
    "strategic_nodes_map",
    "vendor_exposure_map",
    "write_index",
]
