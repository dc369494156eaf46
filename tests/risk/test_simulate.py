"""The Monte Carlo: closed forms on tiny networks, exactness, reproducibility, local == dask;
events that cut several cables, repairs by zone, landing points against their country, backups."""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import cablemap as cm
from cablemap.risk.hazards.rates import fault_rates
from cablemap.risk.model.faults import RepairTime, load_fault_model
from cablemap.risk.model.repairs import Backup
from cablemap.risk.network.connectivity import connected_labels, country_reach
from cablemap.risk.scenarios.engine import ScenarioEngine
from cablemap.risk.simulation import simulate as sim
from cablemap.risk.simulation.places import disjoint_paths
from cablemap.risk.simulation.simulate import SimulationError, wilson_interval
from tests.conftest import make_tg_v3

DAYS = 365.0


def _lp(lp_id: str, country: str) -> dict:
    return {"id": lp_id, "name": lp_id, "country": country, "is_tbd": None}


@pytest.fixture
def tiny(tmp_path) -> cm.Layers:
    """Palau (one cable to the Philippines), Guam (two cables to the Philippines)."""
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[
            {"id": "palau", "landing_points": [_lp("koror", "Palau"), _lp("davao", "Philippines")]},
            {"id": "guam-1", "landing_points": [_lp("agana", "Guam"), _lp("baler", "Philippines")]},
            {"id": "guam-2", "landing_points": [_lp("agana", "Guam"), _lp("baler", "Philippines")]},
        ],
        points={
            "koror": (134.48, 7.34),
            "davao": (125.61, 7.07),
            "agana": (144.75, 13.47),
            "baler": (121.56, 15.76),
        },
    )
    return cm.load(root)


def _fixed_repairs(days: float, **changes) -> cm.FaultModel:
    """Independent faults, repairs of exactly ``days`` everywhere (no zones, no joint events)."""
    independent = {
        "sigma": 0.0,
        "median_days": days,
        "zones": (),
        "zone_areas": (),
        "anchor_share": 0.0,
        "cut_share": None,
        "chokepoint_events": (),
    }
    return dataclasses.replace(load_fault_model(), **(independent | changes))


def test_single_cable_country_matches_the_closed_form(tiny):
    fm = _fixed_repairs(60.0, base_per_1000km=0.3, block_years=500)
    result = cm.simulate(tiny, faults=fm, years=4000, seed=11)
    rates = result.rates.cables
    lam = float(rates.at["palau", "faults_per_year"])
    # cut off at least once in a year: a fault of its cable starts in the year, or one that
    # started up to max_days before is still being repaired when it begins
    p = 1 - math.exp(-lam * (DAYS + fm.mean_repair_days()) / DAYS)
    days = DAYS * (1 - math.exp(-lam * fm.mean_repair_days() / DAYS))
    palau = result.countries.set_index("iso3").loc["PLW"]
    assert palau["ci_low"] <= p <= palau["ci_high"]
    assert palau["expected_days_cut_off"] == pytest.approx(days, rel=0.05)
    assert palau["top_cables"] == [{"cable_id": "palau", "share": 1.0}]
    assert palau["international_cables"] == 1
    koror = result.landing_points.set_index("lp_id").loc["koror"]
    assert koror["probability_cut_off"] == palau["probability_cut_off"]


def test_two_cable_country_is_cut_off_only_when_both_are_down(tiny):
    fm = _fixed_repairs(120.0, base_per_1000km=0.3, block_years=500)
    result = cm.simulate(tiny, faults=fm, years=6000, seed=5)
    rates = result.rates.cables
    # down at a random moment: 1 - exp(-rate x repair / 365) per cable (M/G/infinity queue)
    q1, q2 = (
        1 - math.exp(-float(rates.at[c, "faults_per_year"]) * 120.0 / DAYS)
        for c in ("guam-1", "guam-2")
    )
    guam = result.countries.set_index("iso3").loc["GUM"]
    assert guam["expected_days_cut_off"] == pytest.approx(DAYS * q1 * q2, rel=0.1)
    assert {t["cable_id"] for t in guam["top_cables"]} == {"guam-1", "guam-2"}
    assert all(t["share"] == 1.0 for t in guam["top_cables"])
    cables = result.cables.set_index("cable_id")
    # Guam's cables also take part when the Philippines loses all three at once
    assert cables.at["guam-1", "countries"][0] == "GUM"
    assert cables.at["palau", "countries"][0] == "PLW"
    # the Philippines has three cables but to two countries: never cut off by one fault
    assert (
        result.countries.set_index("iso3").at["PHL", "probability_cut_off"]
        <= (result.countries.set_index("iso3").at["GUM", "probability_cut_off"])
    )


def test_simulated_faults_match_the_rates(tiny):
    result = cm.simulate(tiny, years=3000, seed=2)
    cables = result.cables.set_index("cable_id")
    for cable in ("palau", "guam-1"):
        expected = cables.at[cable, "faults_per_year"] * 3000
        observed = cables.at[cable, "simulated_faults_per_year"] * 3000
        assert abs(observed - expected) < 4 * math.sqrt(expected)


def test_one_earthquake_breaks_both_cables_at_once(tiny):
    fm = _fixed_repairs(30.0, base_per_1000km=0.0, break_probability=1.0, block_years=500)
    # one great earthquake near both Guam cables, and nothing else; the catalogue spans 20 years
    quakes = gpd.GeoDataFrame(
        {
            "quake_id": ["q0", "q1"],
            "time": pd.to_datetime(["1990-01-01", "2010-01-01"], utc=True),
            "magnitude": [8.0, 5.0],
            "depth_km": np.nan,
            "source": "test",
        },
        geometry=gpd.points_from_xy([144.8, 100.0], [13.3, -40.0]),
        crs="EPSG:4326",
    )
    result = cm.simulate(tiny, faults=fm, quakes=quakes, years=5000, seed=3)
    rate = 1 / result.rates.catalogue_years  # one event near any cable in that time
    p = 1 - math.exp(-rate * (DAYS + 30.0) / DAYS)
    guam = result.countries.set_index("iso3").loc["GUM"]
    assert guam["ci_low"] <= p <= guam["ci_high"]
    cables = result.cables.set_index("cable_id")
    assert (
        cables.at["guam-1", "seismic_faults_per_year"]
        == cables.at["guam-2", "seismic_faults_per_year"]
    )
    assert result.countries.set_index("iso3").at["PLW", "probability_cut_off"] == 0


@pytest.mark.slow  # a few seconds: left out of the fast loop
def test_the_same_seed_gives_the_same_numbers_whatever_the_partitioning(sample):
    fm = dataclasses.replace(load_fault_model(), block_years=150)
    a = cm.simulate(sample, faults=fm, years=600, seed=9)
    b = cm.simulate(sample, faults=fm, years=600, seed=9)
    pd.testing.assert_frame_equal(a.countries, b.countries)
    # blocks run in any order, tallies added in block order
    engine = ScenarioEngine(sample)
    rates = fault_rates(engine.network, sample, fm)
    plan = sim.prepare_simulation(engine, rates, years=600, seed=9)
    forward = [sim.run_block(plan, i) for i in range(plan.n_blocks)]
    backward = [sim.run_block(plan, i) for i in reversed(range(plan.n_blocks))]
    for x, y in zip(forward, sorted(backward, key=lambda r: r.block), strict=True):
        assert np.array_equal(x.cut_years, y.cut_years) and np.array_equal(x.cut_days, y.cut_days)
    c = cm.simulate(sample, faults=fm, years=600, seed=10)
    assert not a.countries["years_cut_off"].equals(c.countries["years_cut_off"])
    # a partial last block
    assert cm.simulate(sample, faults=fm, years=620, seed=9).years == 620


def test_local_and_dask_are_identical(sample):
    distributed = pytest.importorskip("dask.distributed")
    fm = dataclasses.replace(load_fault_model(), block_years=300)
    local = cm.simulate(sample, faults=fm, years=1500, seed=4)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        ticks = []
        dask = cm.simulate(
            sample,
            faults=fm,
            years=1500,
            seed=4,
            engine="dask",
            client=client,
            on_block=lambda done, total: ticks.append((done, total)),
        )
    assert dask.engine == "dask" and dask.workers == 2
    assert ticks[-1] == (5, 5)
    for frame in ("countries", "landing_points", "cables"):
        pd.testing.assert_frame_equal(getattr(local, frame), getattr(dask, frame))
    a, b = local.to_dict(), dask.to_dict()
    assert a.pop("engine") == "local" and b.pop("engine") == "dask" and a == b


def _reference(plan, engine, block):
    """Every interval of every year on the whole graph: the definitions, computed naively.

    Returns
    -------
    dict
        Per kind of place (``country``, ``landing_point`` - isolated -, ``abroad`` - cut off
        from every other country -): years and days cut off of each country or landing point.
    """
    first = block * plan.block_years
    n_years = min(plan.block_years, plan.years - first)
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, block]))
    f = sim._draw_faults(plan, rng, n_years)
    g, base = engine.graph, engine.base_edges
    lp_before = engine.lp_isolated(base[:, None])[:, 0]
    known = g.lp_country >= 0
    out = {
        "country": [np.zeros(len(g.countries), int), np.zeros(len(g.countries))],
        "landing_point": [np.zeros(len(g.lp_ids), int), np.zeros(len(g.lp_ids))],
        "abroad": [np.zeros(len(g.lp_ids), int), np.zeros(len(g.lp_ids))],
    }
    for y in range(n_years):
        m = f.year == y
        s, e, sg = np.maximum(f.start[m], 0), np.minimum(f.end[m], DAYS), f.segment[m]
        times = np.unique(np.concatenate([[0.0], s[s > 0], e[e < DAYS]]))
        active = np.repeat(base[:, None], len(times), axis=1)
        for j, t in enumerate(times):
            active[sg[(s <= t) & (e > t)], j] = False
        lp_labels = connected_labels(g, active)[g.lp_index]
        reach, _ = country_reach(g, lp_labels)
        abroad = np.zeros(lp_labels.shape, dtype=bool)
        for j in range(len(times)):
            labs, n_c = lp_labels[:, j], len(g.countries)
            comp, counts = np.unique(
                np.unique(labs[known] * n_c + g.lp_country[known]) // n_c, return_counts=True
            )
            abroad[:, j] = np.isin(labs, comp[counts >= 2])
        cut = {
            "country": (engine.base_reach[:, None] > 0) & (reach == 0),
            "landing_point": engine.lp_isolated(active) & ~lp_before[:, None],
            "abroad": known[:, None] & ~abroad,
        }
        width = np.r_[times[1:], DAYS] - times
        for kind, flags in cut.items():
            out[kind][0] += flags.any(axis=1)
            out[kind][1] += flags @ width
    return out


def _compare(plan, engine, fast, reference) -> int:
    """Assert each place's years and days equal the naive ones; return the places ever cut."""
    g = engine.graph
    checked = 0
    for i, place in enumerate(plan.places):
        years, days = reference[place.kind]
        rows = (
            [g.countries.index(place.key)]
            if place.kind == "country"
            else [g.lp_ids.index(lp) for lp in place.members]
        )
        for j in rows:
            assert years[j] == fast.cut_years[i], (place.kind, place.key)
            assert days[j] == pytest.approx(fast.cut_days[i], abs=1e-9), (place.kind, place.key)
            checked += years[j] > 0
    return checked


@pytest.mark.slow  # a few seconds: left out of the fast loop
def test_exact_against_the_naive_definition(sample):
    # ten times the fault rate, so that many places are cut off, often by several faults
    fm = dataclasses.replace(load_fault_model(), base_per_1000km=0.75, block_years=20)
    engine = ScenarioEngine(sample)
    plan = sim.prepare_simulation(engine, fault_rates(engine.network, sample, fm), years=20, seed=3)
    fast = sim.run_block(plan, 0)
    reference = _reference(plan, engine, 0)
    assert _compare(plan, engine, fast, reference) > 30
    watched = {lp for p in plan.places for lp in p.members}
    g = engine.graph
    iso_years = reference["landing_point"][0]
    assert all(iso_years[j] == 0 for j, lp in enumerate(g.lp_ids) if lp not in watched)


def test_disjoint_paths_count_the_edge_connectivity():
    # 0 -- 2 -- 1 twice over (parallel edges), plus 0 -- 3 -- 1 and a dead end 2 -- 4
    eu = np.array([0, 0, 2, 2, 0, 3, 2])
    ev = np.array([2, 2, 1, 1, 3, 1, 4])
    paths = disjoint_paths(5, eu, ev)
    assert len(paths) == 3
    used = np.concatenate(paths)
    assert len(set(used.tolist())) == len(used) and 6 not in used


def test_wilson_interval():
    low, high = wilson_interval(np.array([0, 50]), 100)
    assert low[0] == 0 and high[0] == pytest.approx(0.037, abs=1e-3)
    assert low[1] == pytest.approx(0.404, abs=1e-3) and high[1] == pytest.approx(0.596, abs=1e-3)


def test_bad_settings(sample):
    with pytest.raises(SimulationError, match=r"`engine` was 'spark'.*\['local', 'dask'\]"):
        cm.simulate(sample, engine="spark")
    with pytest.raises(SimulationError, match="only used with engine 'dask'"):
        cm.simulate(sample, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(SimulationError, match="at least 1"):
        cm.simulate(sample, years=0)


@pytest.mark.slow  # a few seconds: left out of the fast loop
def test_unreachable_scheduler_is_a_clear_error(sample, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sim, "SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(SimulationError, match=r"no Dask scheduler answers at 'tcp://127.0.0.1:9'"):
        cm.simulate(sample, years=10, engine="dask", scheduler="tcp://127.0.0.1:9")


def test_json_contract(sample):
    payload = cm.simulate(sample, years=200, seed=1).to_dict()
    assert list(payload) == [
        "years",
        "seed",
        "engine",
        "countries",
        "landing_points",
        "cables",
        "events_by_cause",
        "multi_cable_events_per_year",
        "multi_cable_events_by_chokepoint",
        "notes",
    ]
    assert (payload["years"], payload["seed"], payload["engine"]) == (200, 1, "local")
    country = payload["countries"][0]
    assert list(country) == [
        "iso3",
        "probability_cut_off",
        "ci_low",
        "ci_high",
        "expected_days_cut_off",
        "top_cables",
        "repair_zone",
    ]
    assert country["ci_low"] <= country["probability_cut_off"] <= country["ci_high"]
    assert set(payload["landing_points"][0]) >= {
        "lp_id",
        "probability_cut_off",
        "top_cables",
        "probability_isolated",
        "probability_degraded",
        "backup",
    }
    assert set(payload["cables"][0]) >= {"cable_id", "country_losses_per_year", "countries"}
    causes = payload["events_by_cause"]
    assert list(causes) == ["independent", "anchor", "earthquake", "chokepoint"]
    assert causes["independent"]["cables_per_event"] == 1.0
    assert causes["independent"]["multi_cable_per_year"] == 0.0
    assert causes["anchor"]["events_per_year"] > 0 and causes["anchor"]["largest"] >= 1
    assert payload["multi_cable_events_per_year"] == pytest.approx(
        sum(c["multi_cable_per_year"] for c in causes.values()), abs=1e-5
    )
    assert "luzon-strait" in payload["multi_cable_events_by_chokepoint"]


# ----------------------------------------------------------------------------- issue 22
def test_an_anchor_event_cuts_both_guam_cables_at_once(tiny):
    # every background fault an anchor event: Guam's two cables share their route and cells
    fm = _fixed_repairs(30.0, base_per_1000km=0.3, anchor_share=1.0, block_years=500)
    result = cm.simulate(tiny, faults=fm, years=4000, seed=8)
    rates = result.rates.cables
    lam = float(rates.at["guam-1", "anchor_per_year"])
    assert lam == pytest.approx(float(rates.at["guam-2", "anchor_per_year"]))
    # one event takes both down: Guam is cut off as often as its single cable would be
    p = 1 - math.exp(-lam * (DAYS + 30.0) / DAYS)
    guam = result.countries.set_index("iso3").loc["GUM"]
    assert guam["ci_low"] <= p <= guam["ci_high"]
    assert guam["expected_days_cut_off"] == pytest.approx(
        DAYS * (1 - math.exp(-lam * 30 / DAYS)), rel=0.1
    )
    anchors = result.events.loc["anchor"]
    assert anchors["largest"] == 2 and anchors["multi_cable_per_year"] > 0
    cables = result.cables.set_index("cable_id")
    assert (
        cables.at["guam-1", "anchor_faults_per_year"]
        == cables.at["guam-2", "anchor_faults_per_year"]
    )


def test_repairs_take_the_time_of_their_zone(tiny):
    # Palau and the Philippines lie in SEAIOCMA's waters; Guam is assigned to it too
    zones = (RepairTime("seaiocma", 20.0, 0.0, 365.0, "test"),)
    fm = _fixed_repairs(200.0, base_per_1000km=0.3, block_years=500)
    areas = [a for a in load_fault_model().zone_areas if a.model_zone in {"seaiocma", "default"}]
    fm = dataclasses.replace(fm, zones=zones, zone_areas=tuple(areas))
    result = cm.simulate(tiny, faults=fm, years=4000, seed=12)
    assert set(result.rates.cables["repair_zone"]) == {"seaiocma"}
    assert result.countries.set_index("iso3").at["PLW", "repair_zone"] == "seaiocma"
    lam = float(result.rates.cables.at["palau", "faults_per_year"])
    palau = result.countries.set_index("iso3").loc["PLW"]
    # 20 days, not the default's 200
    assert palau["expected_days_cut_off"] == pytest.approx(
        DAYS * (1 - math.exp(-lam * 20.0 / DAYS)), rel=0.1
    )


def test_watched_cables_down_together(tiny):
    fm = _fixed_repairs(120.0, base_per_1000km=0.3, block_years=500)
    result = cm.simulate(tiny, faults=fm, years=3000, seed=6, watch=["guam-1", "guam-2"])
    # Guam is cut off exactly while both its cables are down
    guam = result.countries.set_index("iso3").loc["GUM"]
    assert result.watched["cables"] == ["guam-1", "guam-2"]
    assert result.watched["multi_down_days_per_year"] == pytest.approx(
        guam["expected_days_cut_off"], rel=1e-9
    )
    # independent faults: never one event on both; now and then two within a day by chance
    assert result.watched["multi_cable_events_per_year"] == 0
    assert 0 < result.watched["multi_cable_groups_per_year"] < 0.1


def test_a_cited_backup_makes_a_landing_point_degraded_not_cut_off(tiny):
    fm = _fixed_repairs(60.0, base_per_1000km=0.3, block_years=500)
    microwave = Backup(
        "koror-mw", "Koror", "PLW", 134.48, 7.34, 5.0, "microwave", (1, 1), (2, 2), "2025"
    )
    with_backup = dataclasses.replace(fm, backups=(microwave,))
    plain = cm.simulate(tiny, faults=fm, years=1000, seed=2).landing_points.set_index("lp_id")
    result = cm.simulate(tiny, faults=with_backup, years=1000, seed=2)
    koror = result.landing_points.set_index("lp_id").loc["koror"]
    assert koror["probability_cut_off"] == 0 and koror["probability_isolated"] == 0
    assert koror["probability_degraded"] == plain.at["koror", "probability_cut_off"] > 0
    assert koror["backup"] == "microwave (koror-mw, 2025)"
    assert any("koror-mw" in n and "1 landing point(s) degraded" in n for n in result.notes)
    # the country has no backup of its own: Palau is still cut off (by sea, the microwave leads
    # nowhere abroad)
    assert result.countries.set_index("iso3").at["PLW", "probability_cut_off"] > 0


@pytest.mark.slow  # a few seconds: left out of the fast loop
def test_a_country_is_cut_off_only_while_each_of_its_landing_points_is(sample):
    result = cm.simulate(sample, years=1500, seed=5)
    lps = result.landing_points
    for row in result.countries[result.countries["years_cut_off"] > 0].itertuples():
        mine = lps[lps["iso3"] == row.iso3]
        assert len(mine), row.iso3
        assert (mine["years_cut_off"] >= row.years_cut_off).all(), row.iso3
        assert (mine["expected_days_cut_off"] >= row.expected_days_cut_off - 1e-9).all()
    # isolation (from abroad and the main landmass) is rarer than being cut off from abroad
    assert (lps["probability_isolated"] <= lps["probability_cut_off"] + 1e-12).all()
