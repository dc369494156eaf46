"""Scores on the real 2022 release check known facts; the breakdown always adds up."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import cablemap as cm
from cablemap.risk import kendall_tau, load_model
from cablemap.risk.model.spec import COMPONENTS, ENTITIES, EXPOSURE_DOMAINS

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


def _check_breakdown(frame, entity):
    """Every component in [0, 1]; contributions add up to the measures; the score formed as
    the model says (importance^a x vulnerability^(1-a), or one weighted sum)."""
    model = cm.load_model()
    comps = COMPONENTS[entity]
    values = frame[list(comps)].to_numpy()
    assert ((values >= 0) & (values <= 1)).all()
    for c in comps:
        assert np.allclose(frame[f"{c}_contribution"], frame[c] * frame[f"{c}_weight"])
    if model.combination(entity) == "product":
        for group in ("importance", "vulnerability"):
            part = sum(frame[f"{c}_contribution"] for c in model.groups[entity][group])
            assert np.allclose(part, frame[group])
        a = model.importance_exponent
        assert np.allclose(
            frame["importance"] ** a * frame["vulnerability"] ** (1 - a), frame["score"]
        )
    else:
        assert np.allclose(sum(frame[f"{c}_contribution"] for c in comps), frame["score"])
    assert frame["rank"].min() == 1


def test_every_entity_is_scored(v3_scores, tg_v3):
    assert len(v3_scores.landing_points) == len(tg_v3.landing_points) == 1414
    in_service = (tg_v3.cables["status"] == "in_service").sum()
    assert len(v3_scores.cables) == in_service
    assert len(v3_scores.countries) > 170
    for entity in (*ENTITIES, "metro"):  # no facilities layer: facilities are not scored
        _check_breakdown(v3_scores.table(entity), entity)
    assert v3_scores.landing_points.attrs["risk_model"] == "dcs-v2"


def test_tonga_has_one_cable_of_redundancy(v3_scores):
    ton = v3_scores.explain("TON")
    assert ton["redundancy_cables"] == 1
    assert ton["components"]["fragility"]["value"] == 1.0
    lps = v3_scores.landing_points.set_index("lp_id")
    for lp in ("nukualofa-tonga", "pangai-tonga", "neiafu-tonga"):
        assert lps.loc[lp, "redundancy_cables"] == 1


def test_a_country_whose_only_cable_is_hmn_supplied_is_fully_exposed(v3_scores):
    sur = v3_scores.explain("SUR")  # SG-SCS, supplied by HMN Tech, is Suriname's only cable
    assert sur["cables"] == 1
    assert sur["exposure_cables"] == 1.0
    # the country's vendor exposure weighs every domain (issue 12); the others lack evidence
    weighted = sum(sur[f"exposure_{d}_contribution"] for d in EXPOSURE_DOMAINS)
    assert sur["components"]["vendor_exposure"]["value"] == pytest.approx(weighted, abs=1e-6)
    assert sur["tier_share_high"] == 1.0 and sur["tier_share_trusted"] == 0.0
    cable = v3_scores.explain("suriname-guyana-submarine-cable-system-sg-scs")
    assert cable["supplier_tier"] == "high" and cable["high_tier_vendors"] == ["HMN Tech"]


def test_singapore_and_japan_are_among_the_most_critical(v3_scores):
    countries = v3_scores.countries[v3_scores.countries["in_region"]]
    top5 = list(countries.sort_values("criticality", ascending=False)["iso3"].head(5))
    assert "SGP" in top5 and "JPN" in top5
    lps = v3_scores.landing_points[v3_scores.landing_points["in_region"]]
    top10 = lps.sort_values("criticality", ascending=False).head(10)
    assert {"SGP", "JPN"} <= set(top10["iso3"])


def test_every_cable_crossing_the_luzon_strait_is_found(v3_scores, tg_v3):
    luzon = load_model().chokepoints.set_index("chokepoint_id").geometry["luzon-strait"]
    cables = tg_v3.cables[tg_v3.cables["status"] == "in_service"]
    expected = set(cables.loc[cables.geometry.intersects(luzon), "cable_id"])
    found = set(
        v3_scores.cables.loc[
            v3_scores.cables["chokepoints"].map(lambda c: "luzon-strait" in c), "cable_id"
        ]
    )
    assert found == expected
    assert {"asia-pacific-gateway-apg", "southeast-asia-japan-cable-sjc", "seamewe-3"} <= found
    assert len(found) == 10


def test_dcs_priority_covers_region_third_countries_only(v3_scores):
    c = v3_scores.countries.set_index("iso3")
    ranked = c[c["dcs_priority"].notna()]
    assert not ranked.index.isin(["USA", "JPN", "CHN", "HKG", "MAC", "RUS"]).any()
    assert ranked["in_region"].all() and len(ranked) > 40
    # an unconnected country (or capital) has no trusted path: its exposure counts as 1
    cut_off = ranked["status"].isin(["unconnected", "capital_unconnected"])
    exposure = ranked["vendor_exposure"].where(~cut_off, 1.0)
    assert not ranked.index.isin(["LAO", "MNG", "NPL", "BTN", "PRK"]).any()
    assert np.allclose(ranked["dcs_priority"], exposure * ranked["dcs_fragility_index"])
    assert ranked["dcs_rank"].min() == 1


def test_sensitivity_reports_rank_stability(v3_scores):
    sens = v3_scores.sensitivity
    assert set(sens["entity"]) == set(ENTITIES)
    one_at_a_time = sens[sens["test"].str.contains("%") & ~sens["test"].str.contains("draws")]
    # one test each way per weighted component (a weight of 0, like hazard's, stays 0)
    weights = v3_scores.model.weights
    weighted = sum(weights[e][c] > 0 for e in ENTITIES for c in COMPONENTS[e])
    assert len(one_at_a_time) == 2 * weighted
    assert sens["kendall_tau"].between(-1, 1).all() and sens["top_n_overlap"].between(0, 1).all()
    draws = sens[sens["test"].str.contains("draws")]
    assert (draws["kendall_tau_min"] <= draws["kendall_tau"]).all()
    assert v3_scores.countries["top_n_share"].between(0, 1).all()


def test_kendall_tau():
    assert kendall_tau(np.array([1, 2, 3]), np.array([10, 20, 30])) == 1.0
    assert kendall_tau(np.array([1, 2, 3]), np.array([3, 2, 1])) == -1.0
    assert kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 3, 2, 4])) == pytest.approx(2 / 3)


def test_stricter_profile_raises_exposure(tg_v3, ne_countries, tmp_path):
    models = tmp_path / "m"
    shutil.copytree(cm.risk_models_path(), models)
    profile = models / "vendor-profile-default.toml"
    profile.write_text(
        profile.read_text().replace(
            '"PCCW Global" = "elevated"', '"PCCW Global" = "elevated"\n"SubCom" = "elevated"'
        )
    )
    strict = load_model(models / "dcs-v2.toml")
    base = cm.score(tg_v3, countries=ne_countries).cables.set_index("cable_id")["vendor_exposure"]
    stricter = cm.score(tg_v3, strict, countries=ne_countries).cables.set_index("cable_id")[
        "vendor_exposure"
    ]
    assert (stricter.sort_index() >= base.sort_index()).all()
    assert stricter["jupiter"] == 0.5 and base["jupiter"] < 0.5  # a SubCom-supplied cable


def test_planned_cables_can_be_counted(tmp_path, sample):
    models = tmp_path / "m"
    shutil.copytree(cm.risk_models_path(), models)
    path = models / "dcs-v2.toml"
    path.write_text(
        path.read_text().replace(
            'statuses = ["in_service"]', 'statuses = ["in_service", "planned"]'
        )
    )
    with_planned = cm.score(sample, path)
    assert len(with_planned.cables) == len(sample.cables)
    assert len(cm.score(sample).cables) == (sample.cables["status"] == "in_service").sum()


def test_explain_unknown_id_lists_close_matches(sample_scores):
    with pytest.raises(
        KeyError,
        match=r"no landing point, cable, country, facility or metro has id 'tonga-cabel'.*"
        r"tonga-cable",
    ):
        sample_scores.explain("tonga-cabel")


def test_scoring_is_pure(sample):
    before = sample.cables.copy()
    cm.score(sample)
    assert before.equals(sample.cables)
