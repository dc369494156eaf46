"""The maps' year control: the data it embeds show exactly ``Layers.as_of`` of every year."""

from __future__ import annotations

import json
import re

import pytest

import cablemap as cm
from cablemap.layers.boundaries import bundled_countries
from cablemap.render import strategic_nodes_map, vendor_exposure_map
from cablemap.render.style import ramp
from tests.render.test_maps import layer_data

_SPEC = re.compile(r'cablemapYears\.install\(\s*\w+,\s*"\w+",\s*(\{.*?\})\s*\);', re.S)


def year_spec(page: str) -> dict:
    """The year control's data as the page embeds it."""
    return json.loads(_SPEC.search(page).group(1))


def shown_from(page: str, kind: str):
    """A function of the year: ids of a layer's features the page shows then (as years.js)."""
    spec = year_spec(page)
    features = [f for f in layer_data(page)[kind]["features"] if f["geometry"]]
    pairs = list(zip([f["properties"]["id"] for f in features], spec["from"][kind], strict=True))
    return lambda year: {i for i, first in pairs if first is None or first <= year}


@pytest.fixture(scope="module")
def sample_pages(sample):
    analysis = cm.Analysis(sample)
    scores = analysis.scores
    years = analysis.years([2010, "current"])
    outlines = bundled_countries()
    return {
        "scores": scores,
        "years": years,
        "strategic_nodes": strategic_nodes_map(scores, sample, countries=outlines, years=years)
        .get_root()
        .render(),
        "vendor_exposure": vendor_exposure_map(scores, sample, countries=outlines, years=years)
        .get_root()
        .render(),
    }


@pytest.mark.parametrize("name", ["strategic_nodes", "vendor_exposure"])
def test_every_year_shows_the_cables_and_points_of_as_of(sample, sample_pages, name):
    page = sample_pages[name]
    spec = year_spec(page)
    assert (spec["first"], spec["current"], spec["last"]) == (1999, 2022, 2023)
    data = layer_data(page)
    drawn = {f["properties"]["id"] for f in data["cables"]["features"]}
    cables_in = shown_from(page, "cables")
    if name == "strategic_nodes":
        points = {f["properties"]["id"] for f in data["landing_points"]["features"]}
        points_in = shown_from(page, "landing_points")
    for year in range(spec["first"], spec["last"] + 1):
        network = sample.as_of(year)
        assert cables_in(year) == set(network.cables["cable_id"]) & drawn, year
        if name == "strategic_nodes":
            assert points_in(year) == set(network.landing_points["lp_id"]) & points, year
    assert cables_in(2010) < cables_in(spec["last"]) == drawn


def test_the_control_opens_at_the_release_year(sample_pages):
    page = sample_pages["vendor_exposure"]
    spec = year_spec(page)
    # the release's own year (2022), not its last planned one (2023)
    assert spec["start"] == spec["current"] == 2022 < spec["last"]
    n = len(shown_from(page, "cables")(2022))
    assert f'<span class="cm-year-count">{n} cables</span>' in page
    assert 'data-release aria-label="back to the release year">2022</button>' in page
    # at the release year the countries keep today's fills
    recolour = spec["recolour"]
    assert recolour["years"] == [2010, 2022, 2023]
    at = recolour["years"].index(2022)
    countries = [f for f in layer_data(page)["countries"]["features"] if f["geometry"]]
    for i, position in enumerate(recolour["index"]):
        today = countries[position]["properties"]["_s"]["fillColor"]
        assert recolour["palette"][recolour["colour"][at][i]] == today


def test_countries_take_the_colour_of_the_scored_year(sample_pages):
    spec = year_spec(sample_pages["vendor_exposure"])["recolour"]
    table = sample_pages["years"].country_table(2010)
    countries = [
        f
        for f in layer_data(sample_pages["vendor_exposure"])["countries"]["features"]
        if f["geometry"]
    ]
    ids = [countries[p]["properties"]["id"] for p in spec["index"]]
    at = spec["years"].index(2010)
    for i, iso in enumerate(ids):
        assert spec["palette"][spec["colour"][at][i]] == ramp(table.loc[iso, "vendor_exposure"])
    ton = ids.index("TON")
    notes = {label: values[at][ton] for label, values in spec["notes"]}
    assert notes["status"] == "unconnected" and notes["international cables"] == 0


def test_landing_points_take_the_score_of_the_scored_year(sample_pages):
    page = sample_pages["strategic_nodes"]
    spec = year_spec(page)["recolour"]
    points = [f for f in layer_data(page)["landing_points"]["features"] if f["geometry"]]
    at = spec["years"].index(2010)
    table = sample_pages["years"].landing_points
    rows = table[table["year"] == 2010].set_index("lp_id")
    for i, position in enumerate(spec["index"]):
        lp = points[position]["properties"]["id"]
        colour = spec["colour"][at][i]
        if lp in rows.index:
            assert spec["palette"][colour] == ramp(rows.loc[lp, "score"])
        else:
            assert colour == -1  # no cable yet in 2010: drawn only from its first cable on


def test_no_year_control_without_scores_through_time(sample, sample_pages):
    page = strategic_nodes_map(sample_pages["scores"], sample).get_root().render()
    assert "cablemapYears" not in page


def test_the_2022_copy_by_year(tg_v3):
    analysis = cm.Analysis(tg_v3)
    scores = analysis.scores
    years = analysis.years([2010])
    page = strategic_nodes_map(scores, tg_v3, years=years).get_root().render()
    spec = year_spec(page)
    assert (spec["first"], spec["current"], spec["last"]) == (1989, 2022, 2026)
    drawn = {f["properties"]["id"] for f in layer_data(page)["cables"]["features"]}
    cables_in = shown_from(page, "cables")
    for year in (1995, 2010, 2021, 2022, 2024, 2026):
        assert cables_in(year) == set(tg_v3.as_of(year).cables["cable_id"]) & drawn
    # planned cables are drawn from the release's current year on, never before
    planned = set(tg_v3.cables.loc[tg_v3.cables["status"] == "planned", "cable_id"]) & drawn
    assert planned and not planned & cables_in(2021)
    assert planned <= cables_in(2026)
