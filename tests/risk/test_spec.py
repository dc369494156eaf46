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
    assert model.name == "dcs-v1"
    for weights in model.weights.values():
        assert sum(weights.values()) == pytest.approx(1.0)
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
        ("hub = 0.20 ", "hubs = 0.20 ", r"key 'weights\.landing_point\.hubs': unknown component"),
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
        (
            'landing_point = ["betweenness"',
            'landing_point = ["closeness"',
            r"key 'indices\.criticality\.landing_point'",
        ),
        ('"current", "last"]', '"now", "last"]', r"key 'time\.years\[5\]': was 'now'"),
        ("years = [2000, 2005", "years = [1700, 2005", r"key 'time\.years\[0\]': was 1700"),
        ("years = [2000, 2005", "years = [2005, 2005", r"key 'time\.years': lists a year twice"),
        ("years = [2000, 2005", "yeras = [2000, 2005", r"key 'time\.yeras': unknown key"),
    ],
)
def test_bad_model_is_rejected_naming_file_and_key(models, old, new, match):
    path = models / "dcs-v1.toml"
    _edit(path, old, new)
    with pytest.raises(cm.RiskSpecError, match=match) as info:
        load_model(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('"ZTE" = "high"', '"ZTE" = "dangerous"', r"key 'vendors\.ZTE': unknown tier 'dangerous'"),
        (
            '"ZTE" = "high"',
            '"Huawei Marine" = "high"',
            r"key 'vendors\.Huawei Marine': 'Huawei Marine' is not a vendor registry name",
        ),
        ('RUS = "high"', 'Russia = "high"', r"key 'home_countries\.Russia': not an ISO 3166"),
        ("high = 1.0", "high = 1.5", r"key 'tiers\.high': was 1\.5"),
        ("owner = 0.5", "operator = 0.5", r"key 'roles'"),
    ],
)
def test_bad_vendor_profile_is_rejected(models, old, new, match):
    path = models / "vendor-profile-default.toml"
    _edit(path, old, new)
    with pytest.raises(cm.RiskSpecError, match=match):
        load_vendor_profile(path)
    with pytest.raises(cm.RiskSpecError, match="a file it names is invalid"):
        load_model(models / "dcs-v1.toml")


def test_tiers_by_home_country_and_explicit_override(models):
    path = models / "vendor-profile-default.toml"
    _edit(path, '"PCCW Global" = "elevated"', '"PCCW Global" = "trusted"\n"NEC" = "high"')
    profile = load_vendor_profile(path)
    assert profile.tier("NEC") == "high"  # explicit beats home country
    assert profile.tier("PCCW Global") == "trusted"
    assert profile.tier("Fujitsu") == "trusted"  # by home country JPN
