"""The network through time: ``Layers.as_of``, ``[time] years`` and the per-year scores."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.risk.history.years import COUNTRY_COLUMNS, resolve_years, score_years

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


def test_release_span_of_the_2022_copy(tg_v3):
    # oldest RFS 1989 (in service), latest in-service RFS 2022, last planned RFS 2026
    assert tg_v3.release_years() == (1989, 2022, 2026)


def test_as_of_a_past_year_keeps_dated_in_service_cables_and_their_points(tg_v3):
    cables = tg_v3.cables
    past = tg_v3.as_of(2010)
    undated = set(cables.loc[cables["rfs_year"].isna(), "cable_id"])
    assert len(undated) == 5  # kept in every year, with their status
    dated = cables[(cables["rfs_year"] <= 2010) & (cables["status"] == "in_service")]
    assert set(past.cables["cable_id"]) == set(dated["cable_id"]) | undated
    assert (past.cables["status"] == "in_service").all()
    # every landing point drawn still has a cable; the links are only those of kept cables
    assert set(past.landing_points["lp_id"]) == set(past.cable_landings["lp_id"])
    assert set(past.cable_landings["cable_id"]) <= set(past.cables["cable_id"])
    assert len(past.landing_points) < len(tg_v3.landing_points)


def test_planned_cables_appear_from_the_current_year_and_stay_planned(tg_v3):
    cables = tg_v3.cables
    planned = cables[cables["status"] == "planned"]
    assert planned["rfs_year"].min() == 2022  # 13 planned cables are due in 2022
    assert not (tg_v3.as_of(2021).cables["status"] == "planned").any()
    now = tg_v3.as_of(2022).cables
    assert set(now.loc[now["status"] == "planned", "cable_id"]) == set(
        planned.loc[planned["rfs_year"] <= 2022, "cable_id"]
    )
    assert (now["status"] == "planned").sum() == 13
    later = tg_v3.as_of(2024).cables
    assert set(later.loc[later["status"] == "planned", "cable_id"]) == set(
        planned.loc[planned["rfs_year"] <= 2024, "cable_id"]
    )


def test_from_the_last_planned_year_on_as_of_is_the_release(tg_v3):
    last = tg_v3.as_of(2026)
    pd.testing.assert_frame_equal(
        pd.DataFrame(last.cables.drop(columns="geometry")),
        pd.DataFrame(tg_v3.cables.drop(columns="geometry")),
    )
    assert list(last.landing_points["lp_id"]) == list(tg_v3.landing_points["lp_id"])
    assert len(last.cable_landings) == len(tg_v3.cable_landings)


def test_resolve_years_names_the_release_years_and_drops_years_outside():
    span = (1989, 2022, 2026)
    assert resolve_years([2000, 2005, "current", "last"], span) == (2000, 2005, 2022, 2026)
    assert resolve_years([1950, 2030, 2022, "current"], span) == (2022,)
    assert resolve_years(cm.load_model().years, span) == (2000, 2005, 2010, 2015, 2020, 2022, 2026)


def test_score_with_year_is_score_of_as_of(sample):
    by_year = cm.score(sample, year=2010).countries.set_index("iso3")
    as_of = cm.score(sample.as_of(2010)).countries.set_index("iso3")
    assert by_year.loc["TON", "status"] == "unconnected"  # Tonga Cable: RFS 2013
    cols = ["score", "rank", "status", "vendor_exposure"]
    pd.testing.assert_frame_equal(by_year[cols], as_of.loc[by_year.index, cols])


def _same_rows(table: pd.DataFrame, scores: cm.Scores) -> None:
    expected = scores.countries.set_index("iso3")[list(COUNTRY_COLUMNS[1:])]
    pd.testing.assert_frame_equal(
        table.sort_index(), expected.sort_index(), check_dtype=False, check_names=False
    )


def test_year_table_is_scoring_as_of_that_year(tg_v3, ne_countries, v3_analysis, v3_scores):
    years = score_years(v3_analysis, [2010, "last"])
    assert years is not None
    assert years.years == (2010, 2026)
    assert (years.first_year, years.current_year, years.last_year) == (1989, 2022, 2026)
    past = cm.score(tg_v3.as_of(2010), countries=ne_countries)
    _same_rows(years.country_table(2010), past)
    _same_rows(years.country_table(2026), v3_scores)  # the release itself: its scores reused
    assert years.cable_ids(2010) == sorted(tg_v3.as_of(2010).cables["cable_id"])
    assert years.cable_ids(2026) == sorted(tg_v3.cables["cable_id"])
    lps = years.landing_points[years.landing_points["year"] == 2010].set_index("lp_id")
    expected = past.landing_points.set_index("lp_id")
    assert lps["score"].sort_index().tolist() == expected["score"].sort_index().tolist()
    assert years.scored_year(2013) == 2010 and years.scored_year(1999) is None


def test_cli_score_year_is_scoring_as_of(tg_v3_path, tg_v3):
    args = ["score", "--source", str(tg_v3_path), "--year", "2005", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--entity", "country"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    expected = cm.score(tg_v3.as_of(2005)).to_json_dict(["country"])
    expected = json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    assert payload["countries"] == expected["countries"]
    statuses = {r["id"]: r["status"] for r in payload["countries"]}
    assert statuses["TON"] == "unconnected"  # Tonga Cable: RFS 2013


def test_a_release_without_rfs_years_has_no_time_axis(sample):
    undated = pd.array([pd.NA] * len(sample.cables), dtype="Int64")
    layers = cm.Layers(
        sample.cables.assign(rfs_year=undated), sample.landing_points, sample.cable_landings
    )
    assert layers.release_years() is None
    assert score_years(cm.Analysis(layers)) is None
    assert len(layers.as_of(1990).cables) == len(sample.cables)  # undated: every year


@pytest.mark.parametrize("year", ["1950", "2999", "-5"])
def test_a_year_outside_the_span_is_a_clear_error(year):
    for command in (["score"], ["scenario", "--cut-cable", "tonga-cable"]):
        result = CliRunner().invoke(cli, [*command, "--year", year])
        assert result.exit_code == 1, result.output
        assert result.output == (
            f"Error: year {int(year)} is outside the release's span: its network runs from "
            "1999 (oldest in-service cable) to 2023 (last planned cable)\n"
        )


def test_a_delayed_planned_cable_does_not_open_the_span_early(sample):
    # a planned cable whose RFS year has passed appears in the current year, not before
    cables = sample.cables.copy()
    row = cables.index[cables["status"] == "planned"][0]
    cables.loc[row, "rfs_year"] = 1990
    layers = cm.Layers(cables, sample.landing_points, sample.cable_landings)
    assert layers.release_years() == (1999, 2022, 2023)
    assert layers.cable_years()[row] == 2022
    assert cables.loc[row, "cable_id"] not in set(layers.as_of(2021).cables["cable_id"])
    assert cables.loc[row, "cable_id"] in set(layers.as_of(2022).cables["cable_id"])
