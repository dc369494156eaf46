"""One analysis of one release under one model: the network and its results, each built once.

An :class:`Analysis` holds the layers, the model and the country outlines (given, or the
project's), and computes on first use, once each: the segment network of the model's cable
statuses and the full network (planned cables too, for scenarios), their graph, the cable
hypergraph, the hub countries, exact resilience, the cable facts, the scores and the scenario
engine. Every engine takes the analysis instead of building its own world:
:func:`cablemap.risk.scoring.score.compute_scores`, :meth:`ScenarioEngine.from_analysis
<cablemap.risk.scenarios.engine.ScenarioEngine.from_analysis>`,
:func:`cablemap.risk.simulation.simulate.simulate_analysis`,
:func:`cablemap.risk.planning.plan.plan_analysis` and
:func:`cablemap.risk.history.years.score_years`. The functions the public API always had
(:func:`score`, :func:`plan`, :func:`simulate`, :func:`run_scenario`) are thin wrappers that
make an analysis and ask it.

The network as of a past year (:meth:`Analysis.as_of`) shares the release's per-cable segments
and landmasses, so only what differs is computed.

Examples
--------
>>> import cablemap as cm
>>> from cablemap.risk.analysis import Analysis
>>> analysis = Analysis(cm.load())
>>> analysis.scores.explain("TON")["status"]
'single_cable'
>>> analysis.engine.run(cables=["tonga-cable"]).cable_isolated_countries
['TON']
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cablemap.risk.model.spec import ModelSpec, load_model
from cablemap.risk.network.capitals import (
    Capital,
    Land,
    capital_places,
    island_places,
    read_places_table,
)
from cablemap.risk.network.connectivity import Graph, graph_from_network
from cablemap.risk.network.land_links import active_land_links, read_land_links
from cablemap.risk.network.resilience import (
    CableHypergraph,
    Resilience,
    hypergraph_from_graph,
    pick_hubs,
    place_cuts,
    resilience,
)
from cablemap.risk.network.topology import Network, NetworkCache, model_network
from cablemap.risk.scenarios.engine import ALL_STATUSES, ScenarioEngine, ScenarioResult
from cablemap.risk.scoring.components import Facts, compute_facts
from cablemap.risk.scoring.score import Scores, compute_scores

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.history.years import YearScores
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.simulation.calibration import Calibration
    from cablemap.risk.simulation.simulate import SimulationResult

logger = logging.getLogger(__name__)

__all__ = ["Analysis", "calibrate", "plan", "run_scenario", "score", "simulate"]

#: Resilience keeps the cables of each maximum-flow path where the min cut is at most this
#: (the critical-pair sweep of the briefs needs the two paths of every country cut by two).
_PATHS_UP_TO = 2


class Analysis:
    """One release under one model, computed lazily and once.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    model
        A :class:`~cablemap.risk.model.spec.ModelSpec`, a model TOML path, or ``None`` for
        ``risk_models/dcs-v2.toml``.
    countries
        Country polygons (``iso3``, geometry) for landmasses and land links; by default the
        layers' own (:attr:`cablemap.Layers.outlines`: a project file's ``[layers]
        countries``), so a project gives one answer whichever command reads it.
    year
        Analyse the network as it stood in this year (:meth:`cablemap.Layers.as_of`).
    hazards
        An earthquake catalogue for the ``hazard`` component; by default ``layers.hazards``.
    cross_border
        Land links to assume besides the model's (pairs of ISO3 codes).
    network
        A network built earlier from the same layers and model (skips building it).
    cache
        Shared per-cable segments and landmasses (:meth:`as_of` passes its own).

    Attributes
    ----------
    release
        The layers as given (before ``year``).
    layers
        The layers analysed (``release.as_of(year)`` when a year is given).
    model
        The checked model.
    outlines
        The country polygons in use, or ``None`` (landmasses from a ``landmass`` column).
    """

    def __init__(
        self,
        layers: Layers,
        model: ModelSpec | str | Path | None = None,
        *,
        countries: gpd.GeoDataFrame | None = None,
        year: int | None = None,
        hazards: gpd.GeoDataFrame | None = None,
        cross_border: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
        network: Network | None = None,
        cache: NetworkCache | None = None,
        light: bool = False,
    ) -> None:
        self.release = layers
        self.light = light
        self.year = year
        self.layers = layers if year is None else layers.as_of(year)
        self.model = model if isinstance(model, ModelSpec) else load_model(model)
        self.outlines = countries if countries is not None else layers.outlines
        self.hazards = self.layers.hazards if hazards is None else hazards
        self.cross_border = tuple(cross_border)
        self._cache: NetworkCache = {} if cache is None else cache
        if network is not None:
            self.__dict__["network"] = network

    def __repr__(self) -> str:
        when = "" if self.year is None else f" as of {self.year}"
        return f"<Analysis of {self.layers!r}{when} under {self.model.name!r}>"

    # ------------------------------------------------------------------ the network
    @cached_property
    def analysed_year(self) -> int | None:
        """The year analysed: ``year``, else the release's current year (``None``: unknown)."""
        if self.year is not None:
            return self.year
        span = self.layers.release_years()
        return None if span is None else span[1]

    @cached_property
    def land_links(self) -> pd.DataFrame | None:
        """The model's cited land links in service in :attr:`analysed_year`, with weights."""
        spec = self.model.land_links
        if spec["file"] is None:
            return None
        key = ("land_link_table", spec["file"])
        if key not in self._cache:
            self._cache[key] = read_land_links(spec["file"])
        return active_land_links(self._cache[key], self.analysed_year, spec["capacity"])

    @cached_property
    def network(self) -> Network:
        """The segment graph of the cables the model counts (its ``statuses``)."""
        return model_network(
            self.layers,
            self.model,
            countries=self.outlines,
            cross_border=self.cross_border,
            land_links=self.land_links,
            cache=self._cache,
        )

    @cached_property
    def full_network(self) -> Network:
        """The segment graph of every cable, planned ones too (what scenarios switch on/off)."""
        if set(self.model.statuses) >= set(ALL_STATUSES):
            return self.network
        return model_network(
            self.layers,
            self.model,
            countries=self.outlines,
            statuses=ALL_STATUSES,
            cross_border=self.cross_border,
            land_links=self.land_links,
            cache=self._cache,
        )

    @cached_property
    def graph(self) -> Graph:
        """Edge arrays of :attr:`network` (segments, then land links)."""
        return graph_from_network(self.network, self.layers)

    @cached_property
    def hypergraph(self) -> CableHypergraph:
        """Places (land-contracted nodes) joined by the cables of :attr:`network`."""
        return hypergraph_from_graph(self.graph, self.network.segments["cable_id"].to_numpy())

    @cached_property
    def sea_hypergraph(self) -> CableHypergraph:
        """Places joined by the cables alone: land links abroad (cited or assumed) left out."""
        graph = self.graph
        domestic = graph.land_kind == "domestic" if len(graph.land_kind) else None
        return hypergraph_from_graph(
            graph, self.network.segments["cable_id"].to_numpy(), land=domestic, links=False
        )

    @cached_property
    def sea_resilience(self) -> Resilience:
        """Exact resilience by sea: the fewest cables whose loss cuts each place off."""
        return resilience(self.sea_hypergraph, self.hubs, landing_points=False)

    @cached_property
    def land(self) -> Land:
        """Where the landing points stand: their landmasses and the outlines behind them."""
        basemap = None
        if self.outlines is None:
            from cablemap.layers.boundaries import bundled_countries  # noqa: PLC0415

            own = self.layers.countries
            basemap = own if own is not None else bundled_countries()
        # the outlines' parts and which are bridged: the same in every year of the release
        shared = self._cache.setdefault(("country parts", id(self.outlines)), {})
        return Land(
            self.layers.landing_points.set_index("lp_id"),
            self.network.nodes.set_index("node_id")["landmass"],
            self.outlines,
            basemap,
            _parts=shared,
        )

    @cached_property
    def capitals(self) -> dict[str, Capital]:
        """Each country's capital and the places on its island (the model's capitals table)."""
        if self.model.capitals is None:
            return {}
        table = read_places_table(self.model.capitals, ("iso3", "capital", "lat", "lon"))
        return capital_places(table, self.hypergraph, self.land)

    @cached_property
    def capital_resilience(self) -> dict[str, dict[str, Any]]:
        """Per country with a capital: the exact resilience of its capital's places."""
        sources = {iso: cap.places for iso, cap in self.capitals.items()}
        return place_cuts(self.hypergraph, self.hubs, sources)

    @cached_property
    def islands(self) -> pd.DataFrame | None:
        """Island groups with their population, places and exact resilience, or ``None``."""
        if self.model.islands is None:
            return None
        table = read_places_table(
            self.model.islands,
            ("iso3", "island_group", "part_of", "population", "lat", "lon", "radius_km"),
        )
        groups = island_places(table, self.hypergraph, self.land)
        keys = [f"{r.iso3}|{r.island_group}" for r in groups.itertuples()]
        cuts = place_cuts(
            self.hypergraph, self.hubs, dict(zip(keys, groups["places"], strict=True))
        )
        groups["min_cut"] = [cuts[k]["min_cut"] for k in keys]
        groups["cut"] = [cuts[k]["cut"] for k in keys]
        return groups

    @cached_property
    def facts(self) -> Facts:
        """Per-cable facts and the cable lists of landing points and countries."""
        return compute_facts(self.layers, self.model, self.network)

    @cached_property
    def international_cables(self) -> dict[str, int]:
        """International cables (landing in two countries or more) per ISO3 code."""
        return {iso: len(cables) for iso, cables in self.facts.country_intl.items()}

    @cached_property
    def hubs(self) -> list[str]:
        """The hub countries standing for the global network (the model's ``[resilience]``)."""
        spec = self.model.resilience
        return pick_hubs(self.international_cables, list(spec["hubs"]), int(spec["hub_count"]))

    @cached_property
    def resilience(self) -> Resilience:
        """Exact resilience of every country and landing point (:mod:`~.network.resilience`)."""
        return resilience(self.hypergraph, self.hubs, paths_up_to=_PATHS_UP_TO)

    # ------------------------------------------------------------------ results
    @cached_property
    def scores(self) -> Scores:
        """Scores of every landing point, cable, country, facility and metro."""
        return compute_scores(self)

    @cached_property
    def engine(self) -> ScenarioEngine:
        """The scenario engine on :attr:`full_network` (the release's in-service cables on)."""
        return ScenarioEngine.from_analysis(self)

    def scenarios(self) -> dict[str, ScenarioResult]:
        """Run the model's ``[[scenarios]]`` (name -> result), in the model's order."""
        return self.engine.run_configured()

    def plan(self, **options: Any) -> Plan:
        """Plan trusted investment (options of :func:`~.planning.plan.plan_analysis`)."""
        from cablemap.risk.planning.plan import plan_analysis  # noqa: PLC0415 - on demand

        return plan_analysis(self, **options)

    def simulate(self, **options: Any) -> SimulationResult:
        """Simulate faults and repairs (:func:`~.simulation.simulate.simulate_analysis`)."""
        from cablemap.risk.simulation.simulate import simulate_analysis  # noqa: PLC0415

        return simulate_analysis(self, **options)

    def years(
        self, years: list[int | str] | tuple[int | str, ...] | None = None
    ) -> YearScores | None:
        """Scores as of each of the model's ``[time] years`` (or these years)."""
        from cablemap.risk.history.years import score_years  # noqa: PLC0415 - on demand

        return score_years(self, years)

    def as_of(self, year: int, *, model: ModelSpec | None = None, light: bool = False) -> Analysis:
        """Analyse the network as it stood in ``year``, sharing this analysis's segments.

        Parameters
        ----------
        year
            The year (:meth:`cablemap.Layers.as_of`).
        model
            Another model with the same topology settings (e.g. without sensitivity draws).
        light
            Score only what a table through time reads (no facilities or metros, no
            sensitivity or acceptability draws).

        Returns
        -------
        Analysis
            A new analysis of ``self.release.as_of(year)``.
        """
        return Analysis(
            self.release,
            self.model if model is None else model,
            countries=self.outlines,
            year=year,
            hazards=None if self.hazards is self.layers.hazards else self.hazards,
            cross_border=self.cross_border,
            cache=self._cache,
            light=light,
        )


# ---------------------------------------------------------------------- the functional API
def score(
    layers: Layers,
    model: ModelSpec | str | Path | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    network: Network | None = None,
    hazards: gpd.GeoDataFrame | None = None,
    year: int | None = None,
) -> Scores:
    """Score every landing point, cable and country of the loaded layers.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    model
        A :class:`ModelSpec`, the path of a model TOML, or ``None`` for
        ``risk_models/dcs-v2.toml``.
    countries
        Country polygons (``iso3``, geometry) for landmasses (terrestrial links); by default
        the layers' own (a project's ``[layers] countries``); without any, a ``landmass``
        column of the landing points is used if present.
    network
        A network built earlier from the same layers and model, to skip rebuilding it.
    hazards
        An earthquake catalogue for the ``hazard`` component; by default ``layers.hazards``.
        Without one the component is 0 (and scores that do not weigh it are unchanged).
    year
        Score the network as it stood in this year instead (``layers.as_of(year)``, see
        :meth:`cablemap.Layers.as_of`): what the maps' year control shows for that year.

    Returns
    -------
    Scores
        Scored landing points, cables and countries, sensitivity, notes.

    Examples
    --------
    >>> import cablemap as cm
    >>> scores = cm.score(cm.load())
    >>> scores.explain("TON")["redundancy_cables"]
    1
    >>> cm.score(cm.load(), year=2010).explain("TON")["status"]
    'unconnected'
    """
    return Analysis(
        layers, model, countries=countries, year=year, hazards=hazards, network=network
    ).scores


def run_scenario(
    layers: Layers,
    *,
    cables: list[str] | None = None,
    areas: list[str] | None = None,
    vendors: list[str] | None = None,
    borders: list[str] | None = None,
    model: ModelSpec | str | Path | None = None,
    countries: gpd.GeoDataFrame | None = None,
    year: int | None = None,
    with_planned: bool = False,
    cross_border: list[tuple[str, str]] | None = None,
) -> ScenarioResult:
    """Run one scenario: cut cables, areas, vendors and borders together; report what breaks.

    ``borders`` are country pairs (``"CHN-VNM"``): every cited land link between them fails.

    Examples
    --------
    >>> import cablemap as cm
    >>> cm.run_scenario(cm.load(), areas=["luzon-strait"]).isolated_countries
    []
    """
    analysis = Analysis(layers, model, countries=countries, cross_border=cross_border or ())
    engine = ScenarioEngine.from_analysis(analysis, year=year, with_planned=with_planned)
    return engine.run(cables=cables, areas=areas, vendors=vendors, borders=borders)


def plan(
    layers: Layers,
    model: ModelSpec | str | Path | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    **options: Any,
) -> Plan:
    """Rank candidate cables by measured benefit and choose a portfolio under a budget.

    The options are those of :func:`cablemap.risk.planning.plan.plan_analysis` (``budget_km``,
    ``candidates_file``, ``max_picks``, ``generate``, ``extra_candidates``).

    Examples
    --------
    >>> import cablemap as cm
    >>> p = cm.plan(cm.load(), budget_km=3000)  # doctest: +SKIP
    >>> p.portfolio  # doctest: +SKIP
    """
    return Analysis(layers, model, countries=countries).plan(**options)


def simulate(
    layers: Layers,
    model: ModelSpec | str | Path | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    **options: Any,
) -> SimulationResult:
    """Simulate years of faults and repairs; how likely each country is to be cut off.

    The options are those of :func:`cablemap.risk.simulation.simulate.simulate_analysis`
    (``faults``, ``quakes``, ``years``, ``seed``, ``engine``, ``scheduler``, ``workers``,
    ``client``, ``on_block``).

    Examples
    --------
    >>> import cablemap as cm
    >>> result = cm.simulate(cm.load(), years=2000, seed=1)
    >>> result.countries.set_index("iso3").at["TON", "probability_cut_off"] > 0
    True
    """
    return Analysis(layers, model, countries=countries).simulate(**options)


def calibrate(
    incidents: pd.DataFrame,
    layers: Layers,
    model: ModelSpec | str | Path | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    **options: Any,
) -> Calibration:
    """Compare the fault model with real faults (smc.peering.tw's list of Taiwan's cables).

    The options are those of :func:`cablemap.risk.simulation.calibration.calibrate_analysis`
    (``quakes``, ``cable_ids``, ``years``, ``seed``).
    """
    from cablemap.risk.simulation.calibration import calibrate_analysis  # noqa: PLC0415

    return calibrate_analysis(incidents, Analysis(layers, model, countries=countries), **options)
