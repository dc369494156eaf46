"""Build all maps of a release into a folder: the one entry point the CLI calls."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap._text import FILE_SAFE
from cablemap.layers.boundaries import bundled_countries
from cablemap.render.briefs import brief_countries
from cablemap.render.index import write_index
from cablemap.render.maps import (
    plan_map,
    probabilistic_map,
    save_map,
    scenario_map,
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
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioEngine, ScenarioResult
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
    index: bool = True,
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
    index
        Write the index too (a build writes it last, once every page is there).

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
    if index:
        timeline = new_cables_by_year(scores, layers)
        paths.append(write_index(out, layers, scores.model, timeline=timeline))
    return paths


def basemap(layers: Layers, countries: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame | None:
    """Return the outlines maps draw: ``countries``, else the layers', else the bundled ones."""
    if countries is not None:
        return countries
    return layers.countries if layers.countries is not None else bundled_countries()


def save_scenario_map(
    result: ScenarioResult,
    engine: ScenarioEngine,
    out: str | Path,
    *,
    name: str,
    title: str | None = None,
    region: Region | None = None,
    countries: gpd.GeoDataFrame | None = None,
    offline: bool = True,
    briefs: list[str] | None = None,
) -> Path:
    """Write ``scenario_<name>.html`` into a folder: the one place scenario pages are saved.

    Parameters
    ----------
    result, engine
        The scenario's result and the engine that ran it.
    out
        The maps folder.
    name
        The scenario's name, safe as a file name (letters, digits, ``-`` and ``_``, as the
        model's scenario names are; :func:`cablemap._text.slug` makes one from any text).
    title
        The page title; default ``"Scenario: <name>"``.
    region, countries
        The view and the basemap outlines (:func:`basemap`).
    offline
        Self-contained page.
    briefs
        ISO3 codes that have a brief beside the maps (popups link to them).

    Returns
    -------
    Path
        The page.
    """
    if not FILE_SAFE.fullmatch(name):
        msg = f"scenario name {name!r}: use letters, digits, - and _ (it names the file)"
        raise ValueError(msg)
    page = scenario_map(
        result,
        engine,
        title=title or f"Scenario: {name}",
        region=region,
        countries=basemap(engine.layers, countries),
    )
    return save_map(page, Path(out) / f"scenario_{name}.html", offline=offline, briefs=briefs or [])


def save_plan_map(
    plan: Plan,
    engine: ScenarioEngine,
    out: str | Path,
    *,
    countries: gpd.GeoDataFrame | None = None,
    offline: bool = True,
    briefs: list[str] | None = None,
) -> Path:
    """Write ``investment_plan.html`` into a folder: the one place the plan page is saved.

    Returns
    -------
    Path
        The page.
    """
    page = plan_map(plan, engine, countries=basemap(engine.layers, countries))
    return save_map(page, Path(out) / "investment_plan.html", offline=offline, briefs=briefs or [])
