"""Model files: the defaults load; every kind of bad edit is rejected naming file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cablemap as cm
from cablemap.risk import load_model, load_vendor_profile


@pytest.fixture
def models(tmp_path) -> Path:
    out = tmp_path / "risk_models"
    shutil.copytree(cm.risk_models_path(), out)
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_default_model_is_complete():
    model = load_model()
    assert model.name == "dcs-v2"
    for entity, weights in {**model.weights, **model.site_weights}.items():
        if model.combination(entity) == "sum":
            assert sum(weights.values()) == pytest.approx(1.0)
            continue
        groups = model.groups[entity]
        assert not set(groups["importance"]) & set(groups["vulnerability"])
        for names in groups.values():  # importance and vulnerability: each sums to 1
            assert sum(weights[c] for c in names) == pytest.approx(1.0)
    assert model.combination("landing_point") == "product"
    assert 0.5 <= model.importance_exponent < 1.0
    assert model.land_links["file"].endswith("terrestrial_links.csv")
    assert model.land_links["capacity"]["trunk"] > model.land_links["capacity"]["thin"] > 0
    assert len(model.chokepoints) >= 10
    assert {
        "luzon-strait",
        "strait-of-malacca",
        "singapore-strait",
        "sunda-strait",
        "lombok-strait",
        "taiwan-strait",
        "bab-el-mandeb",
        "suez",
        "strait-of-hormuz",
        "korea-strait",
    } <= set(model.chokepoints["chokepoint_id"])
    assert model.chokepoints["source"].str.startswith("https://").all()
    assert model.vendor_profile.tier("HMN Tech") == "high"
    assert model.vendor_profile.tier("NEC") == "trusted"
    assert model.vendor_profile.tier("China Mobile") == "high"
    assert model.vendor_profile.tier("Some Island Telecom") == "unrated"


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        (
            "hub = 0.45 ",
            "hubs = 0.45 ",
            r"key 'importance\.landing_point\.hubs': unknown component \(did you mean 'hub'\?\)",
        ),
        ("[acceptability]", "[bogus]\n[acceptability]", r"key 'bogus': unknown table"),
        ("[time]", "[acceptabilty]\ntop_k = 3\n[time]", r"did you mean 'acceptability'"),
        (
            "[importance.country]",
            "[indices.criticality]\ncountry = ['hub']\n[importance.country]",
            r"key 'indices': this table was replaced by \[importance\.<entity>\]",
        ),
        (
            'name = "high-tier-vendors"',
            'name = "luzon-strait"',
            r"key 'scenarios\[2\]\.name': 'luzon-strait' is already the name of scenarios\[0\]",
        ),
        ("trunk = 2.0", "trunkk = 2.0", r"key 'land_links\.capacity\.trunkk': unknown key"),
        (
            "max_vendor_exposure = 0.30",
            "max_vendor_exposure = 1.30",
            r"key 'plan\.trusted\.max_vendor_exposure': was 1\.3",
        ),
        (
            "fragility = 0.40         # 1 / cable equivalents",
            "fragility = 0.40\nbetweenness = 0.0\nx = 1 # 1 / cable equivalents",
            r"key 'vulnerability\.landing_point\.x': unknown component",
        ),
        (
            "reach = 0.15",
            "reach = -0.15",
            r"key 'weights\.cable\.reach': was -0\.15 but must be a non-negative",
        ),
        (
            "reach = 0.15",
            "reach = 0.25",
            r"key 'weights\.cable': weights sum to 1\.1; they must sum to 1",
        ),
        ('statuses = ["in_service"]', 'statuses = ["retired"]', r"key 'model\.statuses'"),
        (
            'chokepoints = "chokepoints.geojson"',
            'chokepoints = "nope.geojson"',
            r"key 'model\.chokepoints': .*does not exist",
        ),
        ('exclude = ["USA"', 'exclude = ["usa"', r"key 'dcs\.exclude'"),
        ("cross_border = []", 'cross_border = [["MYS"]]', r"key 'topology\.cross_border\[0\]'"),
        ('"current", "last"]', '"now", "last"]', r"key 'time\.years\[5\]': was 'now'"),
        ("years = [2000, 2005", "years = [1700, 2005", r"key 'time\.years\[0\]': was 1700"),
        ("years = [2000, 2005", "years = [2005, 2005", r"key 'time\.years': lists a year twice"),
        ("years = [2000, 2005", "yeras = [2000, 2005", r"key 'time\.yeras': unknown key"),
    ],
)
def test_bad_model_is_rejected_naming_file_and_key(models, old, new, match):
    path = models / "dcs-v2.toml"
    _edit(path, old, new)
    with pytest.raises(cm.RiskSpecError, match=match) as info:
        load_model(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('"ZTE" = "high"', '"ZTE" = "dangerous"', r"key 'vendors\.ZTE': was 'dangerous'.*allowed"),
        ("deployed = 1.0", "deploy = 1.0", r"key 'exposure\.status\.deploy': unknown status"),
        (
            '"ZTE" = "high"',
            '"Huawei Marine" = "high"',
            r"key 'vendors\.Huawei Marine': 'Huawei Marine' is not a vendor registry name",
        ),
        ('RUS = "high"', 'Russia = "high"', r"key 'home_countries\.Russia': not an ISO 3166"),
        ("high = 1.0", "high = 1.5", r"key 'tiers\.high': was 1\.5"),
        ("owner = 0.5", "operator = 0.5", r"key 'roles\.operator'"),
    ],
)
def test_bad_vendor_profile_is_rejected(models, old, new, match):
    path = models / "vendor-profile-default.toml"
    _edit(path, old, new)
    with pytest.raises(cm.RiskSpecError, match=match):
        load_vendor_profile(path)
    with pytest.raises(cm.RiskSpecError, match="a file it names is invalid"):
        load_model(models / "dcs-v2.toml")


def test_tiers_by_home_country_and_explicit_override(models):
    path = models / "vendor-profile-default.toml"
    _edit(path, '"PCCW Global" = "elevated"', '"PCCW Global" = "trusted"\n"NEC" = "high"')
    profile = load_vendor_profile(path)
    assert profile.tier("NEC") == "high"  # explicit beats home country
    assert profile.tier("PCCW Global") == "trusted"
    assert profile.tier("Fujitsu") == "trusted"  # by home country JPN


def test_every_problem_of_a_model_file_is_named_at_once(models):
    path = models / "dcs-v2.toml"
    _edit(path, "reach = 0.15", "reach = -0.15")
    _edit(path, "[acceptability]", "[bogus]\n[acceptability]")
    _edit(path, "years = [2000, 2005", "yeras = [2000, 2005")
    with pytest.raises(cm.RiskSpecError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith(f"'{path}': 4 problems:")
    for key in ("weights.cable.reach", "weights.cable", "bogus", "time.yeras"):
        assert f"key '{key}'" in message


def test_a_model_file_that_is_not_a_file_is_refused(tmp_path):
    import os  # noqa: PLC0415

    fifo = tmp_path / "model.toml"
    os.mkfifo(fifo)
    with pytest.raises(cm.UnsafeFileError, match="model file .* is a named pipe"):
        load_model(fifo)
