"""Hazards on real data: the USGS catalogue, the 2022 network and Taiwan's faults of 2024-2026;
repairs by zone, events that cut several cables and the backtests against real repairs.

Slow (full releases in ../shared/data). The figures these tests hold are the ones the README
and docs/simulation.md report; `cablemap calibrate --backtests` prints them.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import shapely

import cablemap as cm
from cablemap.layers.hazards import earthquakes_from_file
from cablemap.layers.incidents import cable_faults_from_smc
from cablemap.risk import calibrate
from cablemap.risk.hazards.hotspots import route_hazard, seismic_grid
from cablemap.risk.hazards.rates import fault_rates
from cablemap.risk.model.faults import load_fault_model
from cablemap.risk.scenarios.engine import ScenarioEngine
from cablemap.risk.simulation import simulate as sim
from cablemap.risk.simulation.backtests import backtest_result
from cablemap.risk.simulation.calibration import poisson_interval, read_cable_ids
from tests.conftest import SHARED, _require
from tests.risk.test_simulate import _compare, _reference

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")

USGS = SHARED / "hazards" / "usgs-m55-1965-2016.csv"
SMC = SHARED / "incidents" / "taiwan-smc-incidents.json"
#: The Japan Trench: its axis runs from ~34°N to ~41°N at ~142-144.5°E (off Honshu's Pacific
#: coast); the box holds the trench and its landward slope.
JAPAN_TRENCH = shapely.box(141.0, 35.0, 145.5, 41.5)


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def quakes():
    return earthquakes_from_file(_require(USGS))


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def v3_hazards(tg_v3, quakes, ne_countries):
    return cm.score(tg_v3, countries=ne_countries, hazards=quakes)


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def v3_sim(v3_analysis, quakes):
    """3,000 years of the 2022 network with the catalogue (shared by the tests below)."""
    return v3_analysis.simulate(quakes=quakes, years=3000, seed=21)


def test_the_catalogue_loads_whole(quakes):
    assert len(quakes) == 23412
    assert str(quakes["time"].min().date()) == "1965-01-02"
    assert quakes["magnitude"].min() >= 5.5
    hengchun = quakes[
        (quakes["time"].dt.strftime("%Y-%m-%d") == "2006-12-26")
        & quakes.geometry.within(shapely.box(120, 21, 121.5, 22.5))
    ]
    assert len(hengchun) >= 2  # the Hengchun doublet


def test_luzon_strait_and_japan_trench_are_hotspots(quakes, tg_v3):
    # along the network: the stretches of route within each area are among the network's most
    # exposed (expected earthquake breaks a year at each point of the 2022 routes)
    network = cm.score(tg_v3).network
    points = route_hazard(network, quakes)
    share = points["breaks_per_year"].rank(ascending=False, pct=True)
    where = shapely.points(points["lon"], points["lat"])
    luzon = cm.load_model().chokepoints.set_index("chokepoint_id").geometry["luzon-strait"]
    for area in (luzon, JAPAN_TRENCH):
        inside = shapely.within(where, area)
        assert inside.sum() > 300
        assert share[inside].median() <= 0.07  # half of it in the network's top 7 %
        assert (share[inside] <= 0.10).mean() >= 0.7  # most of it in the top decile
    # on the map's grid of the catalogue: the Tohoku cell tops the region, the trench's cells
    # fill its top decile
    region = cm.load_model().region
    west, south, east, north = region.bbox
    cells = seismic_grid(quakes, cell_deg=1.0)
    lon = np.where(cells["lon"] < region.seam_lon, cells["lon"] + 360, cells["lon"])
    cells = cells[(lon >= west) & (lon <= east) & cells["lat"].between(south, north)]
    rank = np.arange(1, len(cells) + 1)
    in_trench = shapely.within(shapely.points(cells["lon"], cells["lat"]), JAPAN_TRENCH)
    assert rank[in_trench].min() == 1
    assert (rank[in_trench] <= len(cells) // 10).sum() >= 5


def test_cables_crossing_them_rank_high_on_hazard(v3_hazards):
    cables = v3_hazards.cables.assign(
        hazard_rank=v3_hazards.cables["hazard"].rank(ascending=False, method="min")
    ).set_index("cable_id")
    n = len(cables)
    luzon = cables[cables["chokepoints"].map(lambda c: "luzon-strait" in c)]
    trench = cables[cables.geometry.intersects(JAPAN_TRENCH)]
    # named cables of the 2022 copy that cross the Luzon Strait / the Japan Trench
    for cable in ("eac-c2c", "apcn-2", "flag-north-asia-loopreach-north-asia-loop"):
        assert cable in luzon.index and cables.at[cable, "hazard_rank"] <= 10
    for cable in ("japan-information-highway-jih", "pacific-crossing-1-pc-1"):
        assert cable in trench.index and cables.at[cable, "hazard_rank"] <= 15
    assert luzon["hazard_rank"].median() <= n * 0.1
    assert trench["hazard_rank"].median() <= n * 0.1
    quiet = cables[~cables.index.isin(luzon.index.union(trench.index))]
    assert quiet["hazard"].median() < luzon["hazard"].median() / 5


def test_tonga_is_cut_off_as_often_as_its_one_cable_fails(v3_sim):
    result = v3_sim
    rates = result.rates.cables
    rate = float(rates.at["tonga-cable", "faults_per_year"])
    repair = float(rates.at["tonga-cable", "mean_repair_days"])
    p = 1 - math.exp(-rate * (365 + repair) / 365)
    tonga = result.countries.set_index("iso3").loc["TON"]
    assert tonga["international_cables"] == 1 and tonga["repair_zone"] == "spmma"
    assert rates.at["tonga-cable", "repair_zone"] == "spmma"
    assert tonga["ci_low"] <= p <= tonga["ci_high"]
    assert tonga["top_cables"][0] == {"cable_id": "tonga-cable", "share": 1.0}
    assert result.countries["probability_cut_off"].iloc[0] >= tonga["probability_cut_off"]
    big = result.countries.set_index("iso3").loc[["JPN", "USA", "SGP"], "probability_cut_off"]
    assert (big == 0).all()


def test_tonga_days_cut_off_fall_in_its_observed_band(v3_sim):
    # observed 2016-2025: 12 days (2019 anchor) + 38 days (2022 eruption) = ~5 days a year;
    # the band is a factor of two either way
    days = v3_sim.countries.set_index("iso3").at["TON", "expected_days_cut_off"]
    assert 2.5 <= days <= 10.0


def test_nukualofa_is_cut_off_exactly_when_tonga_is(v3_sim):
    # Tonga's only international station: its chance of being cut off is the country's; the
    # outer islands, reached over the domestic cable, are cut off more often; isolation from
    # the main landmass (Ha'apai by the tie-break of equal landmasses) is rarer
    lps = v3_sim.landing_points.set_index("lp_id")
    tonga = v3_sim.countries.set_index("iso3").loc["TON"]
    nuku = lps.loc["nukualofa-tonga"]
    assert nuku["years_cut_off"] == tonga["years_cut_off"]
    assert nuku["expected_days_cut_off"] == pytest.approx(tonga["expected_days_cut_off"])
    assert nuku["probability_isolated"] < nuku["probability_cut_off"] / 5
    for lp in ("neiafu-tonga", "pangai-tonga"):
        assert lps.at[lp, "years_cut_off"] > tonga["years_cut_off"]


def test_the_luzon_strait_cuts_many_cables_at_once_as_in_hengchun(v3_sim):
    # observed in 2006-2015: 3 events cutting 6 cables or more (Hengchun 2006: 8-9 systems,
    # Morakot 2009 and Soudelor 2015: 6 or more)
    low, high = poisson_interval(3, 10.0)
    luzon = v3_sim.chokepoint_events.loc["luzon-strait"]
    assert low <= luzon["large_per_year"] <= high
    assert luzon["largest"] >= 8
    events = v3_sim.events
    # anchors cut ~1.4 cables an event (Recorded Future 2024-25: 44 damages in 32 incidents)
    assert 1.25 <= events.at["anchor", "cables_per_event"] <= 1.6
    assert events.at["earthquake", "cables_per_event"] > 1.2
    assert v3_sim.multi_cable_events_per_year == pytest.approx(events["multi_cable_per_year"].sum())


def test_backtests_of_real_repairs(v3_sim, tg_v3):
    bt = backtest_result(v3_sim, tg_v3)
    events = bt.events.set_index("event_id")
    assert events["zone"].to_dict() == {
        "tonga-2019": "spmma",
        "tonga-2022": "spmma",
        "vanuatu-2024": "spmma",
        "vietnam-2023": "seaiocma",
        "red-sea-2024": "red_sea",
        "matsu-2023": "taiwan",
    }
    # every cable repair inside the 90 % range of its zone's repair time
    cable = events[events["kind"] == "cable_fault"]
    assert cable["inside_90"].all()
    assert events.at["matsu-2023", "status"] == "degraded"
    assert "landing-station" in events.at["vanuatu-2024", "note"]
    records = bt.records.set_index("iso3")
    # the single-cable Pacific states with a record: within a factor of two of it
    for iso in ("TON", "MHL"):
        assert records.at[iso, "within_factor"], records.loc[iso].to_dict()
    assert records.at["TON", "observed_per_year"] == pytest.approx(5.0)


def test_exact_on_the_2022_network_with_earthquakes(tg_v3, ne_countries, quakes):
    fm = dataclasses.replace(load_fault_model(), base_per_1000km=0.225, block_years=3)
    engine = ScenarioEngine(tg_v3, countries=ne_countries)
    plan = sim.prepare_simulation(
        engine, fault_rates(engine.network, tg_v3, fm, quakes), years=3, seed=5
    )
    fast = sim.run_block(plan, 0)
    assert _compare(plan, engine, fast, _reference(plan, engine, 0)) > 50


def test_taiwan_calibration(tg_v3, ne_countries, quakes):
    incidents = cable_faults_from_smc(_require(SMC))
    result = calibrate(incidents, tg_v3, quakes=quakes, countries=ne_countries, years=1000)
    t = result.totals
    assert t["observed_faults"] == 46 and t["observation_years"] == pytest.approx(2.17, abs=0.01)
    low, high = t["observed_ci"]
    # simulated faults a year on the matched cables: inside the observed 95 % interval, and
    # within 20 % of the observed rate
    assert low <= t["simulated_per_year"] <= high
    assert t["simulated_per_year"] == pytest.approx(t["observed_per_year"], rel=0.2)
    eq_low, eq_high = t["observed_earthquake_ci"]
    assert eq_low <= t["expected_seismic_per_year"] <= eq_high
    # per cable: the simulated rates inside the observed 95 % Poisson intervals
    assert t["cables_inside"] == 12
    # faults of two or more matched cables within a day: 7 observed, inside the interval
    c = result.correlated
    assert c["observed_groups"] == 7
    low, high = c["observed_groups_ci"]
    assert low <= c["simulated_groups_per_year"] <= high
    assert c["simulated_multi_down_days_per_year"] == pytest.approx(
        c["observed_multi_down_days_per_year"], rel=0.5
    )
    # the list's located faults lie in Taiwan's waters (Taiwan's repair time) mostly
    assert max(result.repair["model_zones"], key=result.repair["model_zones"].get) == "taiwan"
    observed, model = result.repair["observed"], result.repair["model"]
    assert model["q50"] == pytest.approx(observed["q50"], rel=0.25)
    assert model["q25"] == pytest.approx(observed["q25"], rel=0.4)
    assert model["q75"] == pytest.approx(observed["q75"], rel=0.4)
    assert set(result.unmatched["slug"]) == {"twtm2", "twtm3", "twtp3", "twtk2"}
    assert len(result.cables) == 12 and "eac-c2c" in set(result.cables["cable_id"])


def test_every_matched_slug_names_a_cable_of_the_2022_copy(tg_v3):
    table = read_cable_ids()
    ids = set(tg_v3.cables["cable_id"])
    matched = table.dropna(subset=["cable_id"])
    assert set(matched["cable_id"]) <= ids
    links = tg_v3.cable_landings.merge(tg_v3.landing_points[["lp_id", "iso3"]], on="lp_id")
    taiwan = set(links.loc[links["iso3"] == "TWN", "cable_id"])
    # all but SJC (its Hong Kong-Singapore segment carries Taiwan's traffic) land in Taiwan
    assert set(matched["cable_id"]) - taiwan == {"southeast-asia-japan-cable-sjc"}
