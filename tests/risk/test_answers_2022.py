"""Public facts an Indo-Pacific cable specialist checks on the 2022 release (issue 21).

Cables per country are TeleGeography's (tg-v3-2022); the land links are the cited table
``risk_models/terrestrial_links.csv``; capitals ``risk_models/capitals.csv``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.risk.network.land_links import read_land_links

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def countries(v3_scores) -> pd.DataFrame:
    return v3_scores.countries.set_index("iso3")


def test_vietnam_s_sea_cut_is_its_five_cables_and_its_land_links_are_finite(countries):
    """February 2023: all five of Vietnam's cables (AAG, APG, IA, AAE-1, SMW-3) were faulty
    at once; the country lived on thin land links to China. Its sea exposure is those five
    cables, never a cable that does not land there."""
    vnm = countries.loc["VNM"]
    assert vnm["sea_min_cut"] == 5
    landing = set(vnm["sea_min_cut_cables"])  # every cable of the cut lands in Vietnam
    assert len(landing) == 5
    assert not {"eig", "falcon", "fea", "bbg"} & {c.split("-")[0] for c in landing}
    assert 5 < vnm["redundancy_cables"] < 20  # the land links count, as finite units
    assert "CHN-VNM" in vnm["terrestrial_dependence"]
    assert all(
        c.startswith(("CHN-VNM", "KHM-VNM", "LAO-VNM")) or c in landing
        for c in vnm["min_cut_cables"]
    )


def test_a_border_cut_fails_the_cited_links(v3_analysis):
    """All five cables and the border with China cut: Vietnam keeps a path only over its
    Lao and Cambodian links; cut those too and it is cut off."""
    engine = v3_analysis.engine
    cables = list(v3_analysis.scores.countries.set_index("iso3").at["VNM", "sea_min_cut_cables"])
    result = engine.run(cables=cables, borders=["CHN-VNM"])
    vnm = result.countries.set_index("iso3").loc["VNM"]
    assert vnm["cable_isolated"] and not vnm["isolated"]
    assert result.cuts["borders"] and all(b.startswith("CHN-VNM") for b in result.cuts["borders"])
    others = sorted(
        {c.split(":")[0] for c in engine.graph.land_link if "VNM" in str(c)} - {"CHN-VNM"}
    )
    result = engine.run(cables=cables, borders=["CHN-VNM", *others])
    assert "VNM" in result.isolated_countries
    with pytest.raises(cm.ScenarioError, match="no cited land link"):
        engine.run(borders=["PNG-IDN"])  # no significant fibre at Vanimo-Jayapura


def test_papua_new_guinea_is_not_land_linked_without_a_cited_link(countries):
    png = countries.loc["PNG"]
    assert png["status"] != "land_linked" and png["sea_min_cut"] >= 2
    assert png["terrestrial_dependence"] == ""


def test_landlocked_countries_are_named_and_scored_over_land(countries):
    for iso, name in (("LAO", "Laos"), ("MNG", "Mongolia"), ("NPL", "Nepal"), ("BTN", "Bhutan")):
        row = countries.loc[iso]
        assert row["status"] == "landlocked" and row["name"] == name
        assert row["redundancy_cables"] > 0 and row["terrestrial_dependence"]
        assert pd.isna(row["dcs_priority"])  # not a cable target


def test_archipelagos_are_judged_by_their_capital(countries):
    kir = countries.loc["KIR"]  # Kiritimati had a cable in 2022; South Tarawa none
    assert kir["capital_name"] == "South Tarawa" and not kir["capital_connected"]
    assert kir["status"] == "capital_unconnected"
    fsm = countries.loc["FSM"]  # Pohnpei on HANTRU-1 alone, though Yap has a second cable
    assert fsm["capital_min_cut"] == 1 and fsm["capital_cut_cables"] == ["hantru1-cable-system"]
    assert fsm["status"] == "single_cable"


def test_small_towns_on_a_domestic_branch_are_not_top_strategic_risks(v3_scores):
    lps = v3_scores.landing_points
    top = set(lps.nsmallest(15, "rank")["lp_id"])
    kumul = {"arawa", "kavieng", "kimbe", "kokopo", "lorengau"}
    assert not {lp for lp in top if lp.split("-")[0] in kumul}
    assert {"tuas-singapore", "changi-north-singapore"} <= top
    ranks = lps.set_index("lp_id")["rank"]
    assert ranks[[i for i in ranks.index if i.split("-")[0] in kumul]].min() > 50


def test_only_the_pacific_side_of_the_rim_countries_is_in_the_region(v3_scores):
    """The United States, Canada and Russia are members, but Puerto Rico, the Atlantic coast
    and European Russia are not the Indo-Pacific (indo-pacific.toml, [region.partial])."""
    lps = v3_scores.landing_points.set_index("name")["in_region"]
    for name in (
        "Makaha, HI, United States",
        "Hillsboro, OR, United States",
        "Vladivostok, Russia",
    ):
        assert lps[name], name
    for name in ("San Juan, PR, United States", "Virginia Beach, VA, United States"):
        assert not lps[name], name
    assert not lps["Murmansk, Russia"] and not lps["Kaliningrad, Russia"]
    cables = v3_scores.cables.set_index("cable_id")["in_region"]
    assert cables["hawaiki"] and cables["jupiter"]  # trans-Pacific
    assert not cables["marea"] and not cables["dunant"]  # trans-Atlantic
    countries = v3_scores.countries.set_index("iso3")["in_region"]
    assert countries["USA"] and countries["RUS"]  # still members
    top = v3_scores.landing_points[v3_scores.landing_points["in_region"]]
    assert "San Juan, PR, United States" not in set(top.nlargest(10, "importance")["name"])


def test_a_region_file_s_partial_members_are_checked(tmp_path):
    from cablemap.risk import load_region  # noqa: PLC0415

    region = load_region()
    # Hawaii (west of the seam) and Guam in the United States' box; Florida not
    assert list(
        region.places_in(["USA", "USA", "USA"], [-157.8, 144.7, -80.1], [21.3, 13.4, 26.4])
    ) == [
        True,
        True,
        False,
    ]
    assert list(region.places_in(["SGP", "FRA"], [103.8, 5.4], [1.3, 43.3])) == [True, False]
    bad = tmp_path / "region.toml"
    bad.write_text(
        '[region]\nname = "x"\nbbox = [0, -10, 10, 10]\ncountries = ["SGP", "USA"]\n'
        'source = "me"\n[region.partial]\nUSA = [[10, 5, 0, 20]]\nFRA = [[0, 0, 1, 1]]\n'
    )
    with pytest.raises(cm.RiskSpecError) as err:
        load_region(bad)
    message = str(err.value)
    assert "2 problems" in message
    assert "key 'region.partial.USA': [10, 5, 0, 20] needs -180 <= west < east" in message
    assert "key 'region.partial.FRA': 'FRA' is not one of region.countries" in message


def test_every_land_link_row_cites_a_source():
    table = read_land_links(cm.load_model().land_links["file"])
    assert len(table) >= 28
    for row in table.itertuples():
        if row.status == "unknown":  # a border nobody documents: what was searched
            assert len(str(row.notes)) > 40, row.link_id
        else:
            assert str(row.source_url).startswith(("http://", "https://")), row.link_id
            assert str(row.source_date)[:4] >= "1990", row.link_id
    undocumented = set(table.loc[table["status"] == "unknown", "link_id"])
    assert "IDN-PNG:1" in undocumented  # Vanimo-Jayapura: no link, so no land_linked PNG


@pytest.mark.slow  # reads ../shared/data (found inside the test, where the marker cannot see it)
def test_score_of_a_project_equals_the_build_s(tmp_path):
    """One answer per project: `score --source project.toml` reads the project's outlines,
    evidence and model exactly as `build` does."""
    from tests.conftest import SHARED  # noqa: PLC0415

    ne = SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
    if not ne.exists():
        pytest.skip("Natural Earth 10m is absent")
    project = tmp_path / "project.toml"
    project.write_text(
        f'[layers]\ncables = "{(SHARED / "cables" / "tg-v3-2022").as_posix()}"\n'
        f'countries = "{ne.as_posix()}"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli, ["score", "--source", str(project), "--entity", "country", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    scored = {r["id"]: r["score"] for r in json.loads(result.output)["countries"]}
    built = cm.Analysis(cm.load(project), countries=cm.countries_from_file(ne)).scores
    expected = built.countries.set_index("iso3")["score"]
    for iso in ("TWN", "MAC", "VNM", "PNG", "TON"):
        assert scored[iso] == pytest.approx(round(float(expected[iso]), 4), abs=1e-4), iso
