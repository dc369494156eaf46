"""The fault model: its file, rates per segment in closed form, the hazard score component."""

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
from cablemap.risk.hazards.rates import fault_rates
from cablemap.risk.model.faults import load_fault_model
from cablemap.risk.network.topology import build_network
from tests.conftest import make_tg_v3

DEFAULT = risk_models_path() / "faults-v1.toml"


def _model_file(tmp_path, old: str, new: str):
    text = DEFAULT.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    path = tmp_path / "faults.toml"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")
    return path


def test_default_model_reads():
    fm = load_fault_model()
    assert fm.name == "faults-v1" and fm.block_years == 1000 and isinstance(fm.years, int)
    assert fm.repair_quantile(0.5) == pytest.approx(fm.median_days)
    assert 0 < fm.mean_repair_days() <= fm.max_days


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
    assert 'faults = "faults-v1.toml"' in text
    text = text.replace('faults = "faults-v1.toml"', f'faults = "{faults.name}"')
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
