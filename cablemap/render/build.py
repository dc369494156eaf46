"""Build all maps of a release into a folder: the one entry point the CLI calls."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap.render.briefs import brief_countries
from cablemap.render.index import write_index
from cablemap.render.maps import (
    probabilistic_map,
    save_map,
    strategic_nodes_map,
    vendor_exposure_map,
)
from cablemap.render.report import write_build_report
from cablemap.risk.history.timeline import new_cables_by_year

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.history.years import YearScores
    from cablemap.risk.model.region import Region
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

logger = logging.getLogger(__name__)


def save_maps(
    scores: Scores,
    layers: Layers,
    out: str | Path,
    *,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    offline: bool = True,
    online_tiles: bool = False,
    simulation: SimulationResult | None = None,
    years: YearScores | None = None,
    briefs: bool = False,
) -> list[Path]:
    """Write ``strategic_nodes.html``, ``vendor_exposure.html``, the build report and the index.

    The build report (``build_report.html``/``.json``, :mod:`cablemap.render.report`) lists
    what the load skipped and repaired; the maps' info box links to it.

    With a simulation also ``probabilistic.html`` (and the strategic nodes' popups give each
    landing point's chance of being cut off).

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    out
        The maps folder.
    region
        View and countries shown; by default the model's region.
    countries
        Country outlines for the basemap and choropleth.
    offline
        Self-contained pages (default).
    online_tiles
        Also offer an OpenStreetMap tile layer, off until ticked.
    simulation
        A :func:`cablemap.simulate` result to draw, if any.
    years
        Scores through time (:func:`cablemap.risk.history.years.score_years`): the strategic-nodes
        and vendor-exposure maps then carry a year control.
    briefs
        The country briefs are written beside the maps (:func:`cablemap.render.save_briefs`):
        popups link to them.

    Returns
    -------
    list of Path
        The written files, index last.
    """
    out = Path(out)
    codes = brief_countries(scores) if briefs else []
    paths = [
        save_map(
            strategic_nodes_map(
                scores,
                layers,
                region=region,
                countries=countries,
                online_tiles=online_tiles,
                simulation=simulation,
                years=years,
            ),
            out / "strategic_nodes.html",
            offline=offline,
            briefs=codes,
        ),
        save_map(
            vendor_exposure_map(
                scores,
                layers,
                region=region,
                countries=countries,
                online_tiles=online_tiles,
                years=years,
            ),
            out / "vendor_exposure.html",
            offline=offline,
            briefs=codes,
        ),
    ]
    if simulation is not None:
        paths.append(
            save_map(
                probabilistic_map(
                    simulation,
                    layers,
                    region=region or scores.model.region,
                    countries=countries,
                    online_tiles=online_tiles,
                ),
                out / "probabilistic.html",
                offline=offline,
                briefs=codes,
            )
        )
    paths.extend(write_build_report(out, layers))
    timeline = new_cables_by_year(scores, layers)
    paths.append(write_index(out, layers, scores.model, timeline=timeline))
    return paths
