"""The fault model: its file and cited tables, rates per segment in closed form, repair zones,
events that cut several cables, the hazard score component."""

from __future__ import annotations

import dataclasses
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import cablemap as cm
from cablemap._errors import RiskSpecError
from cablemap._geo import geodesic_m
from cablemap._resources import risk_models_path
from cablemap.risk.hazards.rates import fault_rates, point_zones
from cablemap.risk.model.faults import load_fault_model
from cablemap.risk.model.repairs import read_backups, read_repair_events, read_repair_zones
from cablemap.risk.network.topology import build_network
from tests.conftest import make_tg_v3

DEFAULT = risk_models_path() / "faults-v2.toml"
#: The files a copy of the default fault model needs beside it.
FAULT_FILES = ("faults-v2.toml", "repair_zones.csv", "backups.csv")


def _model_file(tmp_path, old: str, new: str):
    text = DEFAULT.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    for name in FAULT_FILES[1:]:
        (tmp_path / name).write_bytes((risk_models_path() / name).read_bytes())
    path = tmp_path / "faults.toml"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")
    return path


def test_default_model_reads():
    fm = load_fault_model()
    assert fm.name == "faults-v2" and fm.block_years == 1000 and isinstance(fm.years, int)
    assert fm.repair_quantile(0.5) == pytest.approx(fm.median_days)
    assert 0 < fm.mean_repair_days() <= fm.max_days
    assert [r.zone for r in fm.repair_times] == [
        "default",
        "taiwan",
        "seaiocma",
        "yokohama",
        "spmma",
        "red_sea",
    ]
    # Taiwan's fit for Taiwan's waters; the South Pacific repairs in weeks
    assert fm.repair_for("taiwan").median_days == 88.0
    assert fm.repair_for("spmma").median_days < 21
    assert all(r.basis for r in fm.repair_times)
    assert fm.anchor_share == 0.30 and fm.cut_share == 0.5
    assert [e.chokepoint_id for e in fm.chokepoint_events] == ["luzon-strait"]
    assert {a.zone_id for a in fm.zone_areas} >= {"seaiocma", "spmma", "taiwan", "red-sea"}
    assert [b.backup_id for b in fm.backups] == ["matsu-2023", "matsu-2025"]


def test_the_first_model_still_reads():
    v1 = load_fault_model(risk_models_path() / "faults-v1.toml")
    assert v1.name == "faults-v1" and v1.zones == () and v1.zone_areas == ()
    assert v1.anchor_share == 0.0 and v1.cut_share is None and v1.chokepoint_events == ()
    assert v1.repair_for("default").median_days == 88.0


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            r"^base_per_1000km = .*$",
            'base_per_1000km = "lots"',
            "rates.base_per_1000km",
            "type str",
        ),
        (r"^coastal_factor = .*$", "coastal_factor = 0.5", "rates.coastal_factor", r"\[1, 1000\]"),
        (r"^sigma = .*$", "sigma = -1", "repair.sigma", r"\[0, 5\]"),
        (r"^years = .*$", "years = 10.5", "simulation.years", "whole number"),
        (r"^radius_km = .*$", "radius = 100", "seismic.radius", "unknown key"),
        (r"^max_days = .*$", "", "repair.max_days", "missing"),
        (r"^\[repair\]$", "[repairs]", "repairs", "unknown table"),
        (r"^share = .*$", "share = 1.5", "anchors.share", r"\[0, 1\]"),
        (r"^median_days = 19.3$", 'median_days = "soon"', "repair.zones.spmma.median_days", "str"),
        (r"^basis = \"lognormal.*$", "", "repair.zones.spmma.basis", "non-empty string"),
        (
            r"^cut_probability = .*$",
            "cut_probability = 2",
            "chokepoint_events.luzon-strait.cut_probability",
            r"\[0, 1\]",
        ),
        (r"^zone_table = .*$", 'zone_table = "none.csv"', "model.zone_table", "does not exist"),
        (r"^waters_km = .*$", "waters_km = -1", "repair.waters_km", r"\[0, 5000\]"),
    ],
)
def test_bad_model_files_name_the_file_and_the_key(tmp_path, old, new, key, problem):
    path = _model_file(tmp_path, old, new)
    with pytest.raises(RiskSpecError, match=rf"faults\.toml'.*key '{re.escape(key)}'.*{problem}"):
        load_fault_model(path)


def test_missing_and_malformed_model_files(tmp_path):
    with pytest.raises(RiskSpecError, match="does not exist"):
        load_fault_model(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[model\n")
    with pytest.raises(RiskSpecError, match="not valid TOML"):
        load_fault_model(bad)


def test_break_probability_grows_with_energy_and_is_capped():
    fm = load_fault_model()
    p = fm.break_probabilities(np.array([5.5, 6.5, 7.0, 9.0]))
    assert p[0] == pytest.approx(fm.break_probability)
    assert p[1] == pytest.approx(fm.break_probability * 10**fm.magnitude_scaling)
    assert p[3] == 1.0


def test_lognormal_mean_and_quantiles_match_draws():
    fm = dataclasses.replace(load_fault_model(), median_days=40.0, sigma=0.8, max_days=120.0)
    draws = fm.repair_days(np.random.default_rng(1), 200_000)
    assert draws.max() == 120.0
    assert draws.mean() == pytest.approx(fm.mean_repair_days(), rel=0.01)
    assert np.quantile(draws, 0.25) == pytest.approx(fm.repair_quantile(0.25), rel=0.02)


# ----------------------------------------------------------------------------- a tiny network
A, B = (134.0, 7.0), (126.0, 7.0)  # two landing points on a parallel, ~880 km apart


@pytest.fixture
def line(tmp_path) -> cm.Layers:
    """One straight cable between Palau and the Philippines."""
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[
            {
                "id": "a-b",
                "landing_points": [
                    {"id": "a", "name": "A", "country": "Palau", "is_tbd": None},
                    {"id": "b", "name": "B", "country": "Philippines", "is_tbd": None},
                ],
            }
        ],
        points={"a": A, "b": B},
    )
    return cm.load(root)


def _quakes(rows: list[tuple[str, float, float, float]]) -> gpd.GeoDataFrame:
    """Invented earthquakes: (UTC date, lon, lat, magnitude)."""
    return gpd.GeoDataFrame(
        {
            "quake_id": [f"q{i}" for i in range(len(rows))],
            "time": pd.to_datetime([r[0] for r in rows], utc=True),
            "magnitude": [r[3] for r in rows],
            "depth_km": np.nan,
            "source": "test",
        },
        geometry=gpd.points_from_xy([r[1] for r in rows], [r[2] for r in rows]),
        crs="EPSG:4326",
    )


def test_background_rate_in_closed_form(line):
    fm = load_fault_model()
    network = build_network(line)
    rates = fault_rates(network, line, fm)
    seg = rates.segments.iloc[0]
    length = geodesic_m(*A, *B) / 1000.0
    assert seg["length_km"] == pytest.approx(length, rel=1e-3)
    # both ends lie within coastal_km of a landing point
    assert seg["coastal_km"] == pytest.approx(2 * fm.coastal_km, rel=0.02)
    expected = fm.base_per_1000km * (length + (fm.coastal_factor - 1) * 2 * fm.coastal_km) / 1000
    assert seg["background_per_year"] == pytest.approx(expected, rel=0.01)
    # alone, the cable takes the anchor share of its faults as events of its own
    assert seg["anchor_per_year"] == pytest.approx(fm.anchor_share * expected, rel=0.01)
    assert seg["independent_per_year"] == pytest.approx((1 - fm.anchor_share) * expected, rel=0.01)
    assert rates.cables_per_event("anchor") == pytest.approx(1.0)
    assert seg["seismic_per_year"] == 0
    assert any("no earthquake catalogue" in n for n in rates.notes)
    cable = rates.cables.loc["a-b"]
    assert cable["probability_fault"] == pytest.approx(1 - math.exp(-cable["faults_per_year"]))


def test_seismic_rate_in_closed_form(line):
    fm = load_fault_model()
    network = build_network(line)
    mid = (130.0, 7.0)
    quakes = _quakes(
        [
            ("2000-01-01", *mid, 5.5),  # on the route: chance break_probability
            ("2000-06-01", 130.0, 7.5, 6.5),  # ~55 km off: chance x 10^1.5
            ("2010-01-01", 130.0, 9.0, 9.0),  # ~220 km off: beyond radius_km
        ]
    )
    rates = fault_rates(network, line, fm, quakes)
    years = (quakes["time"].max() - quakes["time"].min()).days / 365.25
    p = fm.break_probability * (1 + 10**fm.magnitude_scaling)
    assert rates.catalogue_years == pytest.approx(years, rel=1e-3)
    assert rates.segments.loc[0, "seismic_per_year"] == pytest.approx(p / years, rel=1e-6)
    assert rates.cables.loc["a-b", "probability_seismic_fault"] == pytest.approx(
        1 - math.exp(-p / years)
    )
    assert len(rates.events) == 2 and set(rates.quake_pairs["event"]) == {0, 1}
    weighted = 1 + 10**fm.magnitude_scaling
    assert rates.segments.loc[0, "quakes_per_year"] == pytest.approx(weighted / years)


def test_deep_earthquakes_are_left_out(line):
    quakes = _quakes([("2000-01-01", 130.0, 7.0, 7.0), ("2001-01-01", 130.0, 7.0, 7.0)])
    quakes["depth_km"] = [10.0, 600.0]
    rates = fault_rates(build_network(line), line, load_fault_model(), quakes)
    assert len(rates.events) == 1
    assert any("deeper than 70 km" in n for n in rates.notes)


def test_unrouted_segments_follow_a_great_circle(line):
    cables = line.cables.copy()
    cables["geometry"] = None
    layers = dataclasses.replace(line, cables=gpd.GeoDataFrame(cables, crs="EPSG:4326"))
    rates = fault_rates(build_network(layers), layers, load_fault_model())
    # two segments to the cable's hub half-way: together the great circle from A to B
    assert rates.segments["length_km"].sum() == pytest.approx(geodesic_m(*A, *B) / 1000, rel=0.01)


def test_hazard_component_leaves_unweighted_scores_unchanged(line):
    quakes = _quakes([("2000-01-01", 130.0, 7.0, 7.0), ("2010-01-01", 131.0, 7.0, 6.0)])
    without = cm.score(line)
    with_quakes = cm.score(line, hazards=quakes)
    assert (without.cables["hazard"] == 0).all()
    hazard = with_quakes.cables.set_index("cable_id").at["a-b", "hazard"]
    rates = fault_rates(with_quakes.network, line, load_fault_model(), quakes)
    assert hazard == pytest.approx(rates.cables.at["a-b", "probability_seismic_fault"])
    assert hazard > 0
    for entity in ("landing_point", "cable", "country"):
        a, b = without.table(entity), with_quakes.table(entity)
        assert a["score"].tolist() == pytest.approx(b["score"].tolist())
    lp = with_quakes.landing_points.set_index("lp_id")
    assert lp.at["a", "hazard"] == pytest.approx(hazard)
    assert with_quakes.countries.set_index("iso3").at["PLW", "hazard"] == pytest.approx(hazard)
    assert with_quakes.explain("a-b")["components"]["hazard"]["weight"] == 0.0
    assert with_quakes.explain("a-b")["faults_per_year"] > 0


def test_a_model_that_weighs_hazard(tmp_path, line):
    text = (risk_models_path() / "dcs-v2.toml").read_text(encoding="utf-8")
    text = text.replace("chokepoint = 0.20        # 1 if", "chokepoint = 0.10        # 1 if")
    # cables: hazard 0.10 (from chokepoint); countries: hazard 0.10 (from fragility)
    assert "hazard = 0.0\n\n[importance.country]" in text
    text = text.replace(
        "hazard = 0.0\n\n[importance.country]", "hazard = 0.10\n\n[importance.country]"
    )
    country = (
        "\nhazard = 0.0             # mean yearly chance of an earthquake fault of its "
        "international"
    )
    assert country in text
    text = text.replace(
        "fragility = 0.30         # 1 / cable equivalents cutting it",
        "fragility = 0.20         # 1 / cable equivalents cutting it",
    ).replace(country, country.replace("hazard = 0.0 ", "hazard = 0.10"))
    for path in risk_models_path().iterdir():  # the files the model names, beside it
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    model = tmp_path / "dcs-hazard.toml"
    model.write_text(text, encoding="utf-8")
    spec = cm.load_model(model)
    assert spec.weights["cable"]["hazard"] == pytest.approx(0.10)
    assert spec.weights["country"]["hazard"] == pytest.approx(0.10)
    assert "hazard" in spec.groups["country"]["vulnerability"]
    quakes = _quakes([("2000-01-01", 130.0, 7.0, 7.5), ("2010-01-01", 131.0, 7.0, 6.0)])
    row = cm.score(line, spec, hazards=quakes).explain("a-b")
    assert row["components"]["hazard"]["contribution"] == pytest.approx(
        0.10 * row["components"]["hazard"]["value"], abs=1e-6
    )
    # no catalogue while hazard is weighed: said in the notes
    assert any("hazard component is 0" in n for n in cm.score(line, spec).notes)


def test_model_names_its_fault_model_and_probabilistic_view(tmp_path):
    for path in risk_models_path().iterdir():  # the files the model names, beside it
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    faults = _model_file(tmp_path, r"^median_days = .*$", "median_days = 10.0")
    text = (risk_models_path() / "dcs-v2.toml").read_text(encoding="utf-8")
    assert 'faults = "faults-v2.toml"' in text
    text = text.replace('faults = "faults-v2.toml"', f'faults = "{faults.name}"')
    model = tmp_path / "m.toml"
    model.write_text(text + "\n[probabilistic]\nyears = 500\n", encoding="utf-8")
    spec = cm.load_model(model)
    assert spec.faults.median_days == 10.0
    assert spec.probabilistic == {"years": 500, "seed": spec.faults.seed}
    assert cm.load_model().probabilistic is None
    model.write_text(text + "\n[probabilistic]\nyears = 0\n", encoding="utf-8")
    with pytest.raises(RiskSpecError, match=r"key 'probabilistic\.years': was 0"):
        cm.load_model(model)
    model.write_text(text + "\n[probabilistic]\nruns = 5\n", encoding="utf-8")
    with pytest.raises(RiskSpecError, match=r"key 'probabilistic\.runs'.*unknown key"):
        cm.load_model(model)


def test_geometry_without_route_is_never_sampled():
    from cablemap._geo import sample_lines  # noqa: PLC0415

    points, weights, owner = sample_lines([None, shapely.LineString([(0, 0), (1, 0)])], 10.0)
    assert set(owner.tolist()) == {1}
    assert weights.sum() == pytest.approx(geodesic_m(0, 0, 1, 0) / 1000, rel=1e-9)
    assert np.allclose(np.linalg.norm(points, axis=1), 1.0)


# ----------------------------------------------------------------------------- cited tables
def test_the_cited_tables_read_and_cite_their_sources():
    fm = load_fault_model()
    frame, areas = read_repair_zones(
        risk_models_path() / "repair_zones.csv", [z.zone for z in fm.zones]
    )
    assert len(frame) == 12 and len(areas) == 12
    events = read_repair_events(risk_models_path() / "repair_events.csv")
    assert len(events) == 29
    assert set(events.loc[events["backtest"] == "yes", "event_id"]) == {
        "tonga-2019",
        "tonga-2022",
        "vanuatu-2024",
        "vietnam-2023",
        "red-sea-2024",
        "matsu-2023",
    }
    backups = read_backups(risk_models_path() / "backups.csv")
    for table in (frame, events):
        assert table["source_url"].str.match(r"^https?://\S+$").all()
        assert table["source_date"].str.match(r"^(19[5-9]\d|20[0-2]\d)").all()
    matsu = {b.backup_id: b.capacity_share for b in backups}
    # 2023: 2.2-3.8 of an 8-9 Gbps peak (badly degraded); 2025: 12.6 of 9.5 (enough)
    assert matsu["matsu-2023"] == pytest.approx((2.2 / 9, 3.8 / 8))
    assert matsu["matsu-2025"][0] > 1


def test_the_south_pacific_repair_time_is_the_fit_of_its_cited_repairs():
    events = read_repair_events(risk_models_path() / "repair_events.csv").set_index("event_id")
    days = [
        sum(events.at[e, "days_to_repair_range"]) / 2
        for e in ("tonga-2019", "tonga-2022", "cnmi-2015", "png-2017", "marshall-2016")
    ]
    logs = np.log(days)
    spmma = load_fault_model().repair_for("spmma")
    assert spmma.median_days == pytest.approx(math.exp(logs.mean()), abs=0.05)
    assert spmma.sigma == pytest.approx(logs.std(ddof=1), abs=0.005)


def _zone_table(tmp_path, old: str, new: str):
    text = (risk_models_path() / "repair_zones.csv").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "zones.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("seaiocma,seaiocma,", "seaiocma,atlantis,", "model_zone", "'atlantis' is not one of"),
        ("DJI;GUM;MDV", "DJI;GUAM;MDV", "assigned_countries", "'GUAM' is not an ISO3"),
        (",CHN,CHN,,", ",CHN,JPN,,", "assigned_countries", "JPN is already assigned"),
        ("43.1 -32.0 144.8 25.3", "43.1 32.0 144.8 25.3", "area", "south < north"),
        ("https://www.seawanderer.org", "www.seawanderer.org", "source_url", "not an http"),
        (",2021,", ",2099,", "source_date", "plausible|from 1950"),
    ],
)
def test_bad_zone_tables_name_the_file_row_and_key(tmp_path, old, new, key, problem):
    path = _zone_table(tmp_path, old, new)
    zones = [z.zone for z in load_fault_model().zones]
    with pytest.raises(RiskSpecError, match=rf"zones\.csv', row \d+, key '{key}': .*({problem})"):
        read_repair_zones(path, zones)


def test_a_bad_table_named_by_the_model_is_an_error_of_the_model(tmp_path):
    path = _model_file(tmp_path, r"^name = .*$", 'name = "mine"')
    (tmp_path / "backups.csv").write_text("backup_id,place\nx,y\n", encoding="utf-8")
    with pytest.raises(
        RiskSpecError, match=r"faults\.toml': a table it names.*backups\.csv.*header"
    ):
        load_fault_model(path)


def test_zone_rule_waters_then_areas_then_default(tmp_path):
    """Countries' waters first (near a landing point), then the areas in order, else default."""
    points = {
        "nukualofa": ("Tonga", -175.2, -21.14),
        "toucheng": ("Taiwan", 121.82, 24.86),
        "tokyo": ("Japan", 139.95, 35.0),
        "honolulu": ("United States", -158.0, 21.3),
        "aden": ("Yemen", 45.0, 12.8),
        "vungtau": ("Vietnam", 107.08, 10.35),
    }
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[
            {
                "id": "ring",
                "landing_points": [
                    {"id": k, "name": k, "country": c, "is_tbd": None}
                    for k, (c, _, _) in points.items()
                ],
            }
        ],
        points={k: (x, y) for k, (_, x, y) in points.items()},
    )
    layers = cm.load(root)
    fm = load_fault_model()
    names = [r.zone for r in fm.repair_times]
    where = {
        "nukualofa": (-175.3, -21.3),  # Tonga's waters: assigned to SPMMA
        "toucheng": (122.3, 24.9),  # Taiwan's waters: Taiwan's own repair time
        "tokyo": (140.5, 34.5),  # Japan: the Yokohama Zone
        "honolulu": (-158.5, 21.0),  # USA assigned to NAZ, whose repairs are the default
        "aden": (45.2, 12.5),  # Yemen's waters: the Red Sea permits
        "vungtau": (107.5, 10.0),  # Vietnam assigned nowhere: the SEAIOCMA box
        "tasman": (160.0, -40.0),  # open sea, no waters: the SPMMA box
        "atlantic": (-30.0, 20.0),  # nothing: the default
    }
    lon, lat = np.array(list(where.values())).T
    got = dict(zip(where, [names[z] for z in point_zones(lon, lat, layers, fm)], strict=True))
    assert got == {
        "nukualofa": "spmma",
        "toucheng": "taiwan",
        "tokyo": "yokohama",
        "honolulu": "default",
        "aden": "red_sea",
        "vungtau": "seaiocma",
        "tasman": "spmma",
        "atlantic": "default",
    }


@pytest.fixture
def pair(tmp_path) -> cm.Layers:
    """Two cables on the same route between Palau and the Philippines, and one far away."""
    lp = {"id": "a", "name": "A", "country": "Palau", "is_tbd": None}
    lb = {"id": "b", "name": "B", "country": "Philippines", "is_tbd": None}
    lc = {"id": "c", "name": "C", "country": "Fiji", "is_tbd": None}
    ld = {"id": "d", "name": "D", "country": "Tonga", "is_tbd": None}
    root = make_tg_v3(
        tmp_path / "tg",
        cables=[
            {"id": "one", "landing_points": [lp, lb]},
            {"id": "two", "landing_points": [lp, lb]},
            {"id": "far", "landing_points": [lc, ld]},
        ],
        points={"a": A, "b": B, "c": (178.4, -18.1), "d": (-175.2, -21.1)},
    )
    return cm.load(root)


def test_an_anchor_cuts_every_cable_in_its_cell(pair):
    fm = dataclasses.replace(load_fault_model(), anchor_share=1.0)
    rates = fault_rates(build_network(pair), pair, fm)
    anchor = rates.sources["anchor"]
    sizes = np.diff(anchor.ptr)
    cables = rates.segments["cable_id"].to_numpy()[anchor.segment]
    # the two cables share every cell; the far one is alone in its own
    assert set(sizes) == {1, 2}
    shared = np.repeat(sizes, sizes) == 2
    assert set(cables[shared]) == {"one", "two"} and set(cables[~shared]) == {"far"}
    assert rates.cables.at["one", "anchor_per_year"] == pytest.approx(
        rates.cables.at["two", "anchor_per_year"]
    )
    # every background fault is an anchor event's now, and the total is kept
    assert rates.segments["independent_per_year"].sum() == 0
    v1 = fault_rates(build_network(pair), pair, dataclasses.replace(fm, anchor_share=0.0))
    assert rates.segments["background_per_year"].sum() == pytest.approx(
        v1.segments["background_per_year"].sum()
    )
    # each cable keeps its own rate whether it runs alone or in a bundle
    assert rates.cables.at["one", "background_per_year"] == pytest.approx(
        v1.cables.at["one", "background_per_year"], rel=0.05
    )


def test_an_earthquake_breaks_cables_together_and_keeps_each_cables_chance(pair):
    quakes = _quakes([("2000-01-01", 130.0, 7.0, 6.5), ("2010-01-01", 0.0, -60.0, 5.5)])
    fm = load_fault_model()
    together = fault_rates(build_network(pair), pair, fm, quakes)
    alone = fault_rates(build_network(pair), pair, dataclasses.replace(fm, cut_share=None), quakes)
    for cable in ("one", "two"):
        assert together.cables.at[cable, "seismic_per_year"] == pytest.approx(
            alone.cables.at[cable, "seismic_per_year"]
        )
    event = together.events.iloc[0]
    p = fm.break_probabilities(np.array([6.5]))[0]
    assert event["trigger_probability"] == pytest.approx(p / fm.cut_share)
    assert event["cut_probability"] == pytest.approx(fm.cut_share)
    assert alone.events.iloc[0]["trigger_probability"] == 1.0


def test_chokepoint_events_need_a_known_chokepoint(pair):
    fm = load_fault_model()
    bad = dataclasses.replace(
        fm,
        chokepoint_events=(dataclasses.replace(fm.chokepoint_events[0], chokepoint_id="nowhere"),),
    )
    with pytest.raises(
        RiskSpecError, match=r"key 'chokepoint_events\.nowhere': no such chokepoint"
    ):
        fault_rates(build_network(pair), pair, bad)
