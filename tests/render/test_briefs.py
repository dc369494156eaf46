"""Country briefs: what the page says comes from the model and the data, and it stays offline."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.layers.boundaries import bundled_countries
from cablemap.layers.footprints import in_force
from cablemap.pipeline.briefs import brief_data
from cablemap.pipeline.diff import change_report
from cablemap.render.briefs import (
    BriefData,
    brief_href,
    country_brief,
    save_briefs,
)
from cablemap.render.svg import MapView
from tests.conftest import SHARED, _require

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3-briefs")

#: A brief must stay under this size (issue 15's budget).
MAX_BYTES = 300_000


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def sample_scored(sample_analysis):
    return sample_analysis.scores


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def sample_data(sample_analysis):
    return brief_data(sample_analysis)


def _section(page: str, title: str) -> str:
    """The HTML of the section whose heading starts with ``title``."""
    start = page.index(f"<h2>{title}")
    end = page.find("<h2>", start + 4)
    return page[start : end if end > 0 else len(page)]


def _rows(table_html: str) -> list[list[str]]:
    """Cell texts (tags dropped, entities decoded) of every row of a table."""
    rows = re.findall(r"<tr>(.*?)</tr>", table_html, flags=re.S)
    cells = [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in rows
    ]
    return [c for c in cells if c]


def test_tonga_brief_names_its_single_point_of_failure(sample, sample_scored, sample_data):
    page = country_brief(sample_scored, sample, "ton", data=sample_data)
    failures = _section(page, "Single points of failure")
    assert "Single point of failure:</b> losing Tonga Cable" in failures
    assert "<code>tonga-cable</code>" in failures
    assert "<title>Tonga (TON): cablemap country brief</title>" in page


def test_tonga_on_the_2022_release(tg_v3):
    analysis = cm.Analysis(tg_v3)
    scores = analysis.scores
    page = country_brief(scores, tg_v3, "TON", data=brief_data(analysis))
    assert "<code>tonga-cable</code>" in _section(page, "Single points of failure")
    assert len(page.encode()) < MAX_BYTES
    assert "© TeleGeography, CC BY-NC-SA 3.0" in page


def test_cables_listed_with_rfs_years_and_suppliers_as_in_the_data(
    sample, sample_scored, sample_data
):
    page = country_brief(sample_scored, sample, "FJI", data=sample_data)
    rows = _rows(_section(page, "International cables"))
    by_name = {r[0]: r for r in rows}
    intl = sample_scored.cables[
        sample_scored.cables["international"]
        & sample_scored.cables["countries"].map(lambda cs: "FJI" in cs)
    ]
    cables = sample.cables.set_index("cable_id")
    assert len(rows) == len(intl) > 0
    for cable_id in intl["cable_id"]:
        record = cables.loc[cable_id]
        row = by_name[record["name"]]
        assert row[1] == str(int(record["rfs_year"]))
        assert row[4] == ", ".join(record["suppliers"])
        assert row[3] == ", ".join(record["owners"])
    assert "Southern Cross NEXT" in by_name


def test_footprint_sources_appear_in_their_country_brief(sample, sample_scored, sample_data):
    footprints = sample.vendor_footprints
    footprints = footprints[in_force(footprints, sample_scored.year)]  # as scored
    urls = footprints[footprints["source"].str.startswith(("https://", "http://"))]
    urls = urls[~urls["domain"].isin(["submarine_cable_supply", "cable_ownership"])]
    for iso3 in ("AUS", "PNG", "SLB"):
        page = country_brief(sample_scored, sample, iso3, data=sample_data)
        mine = urls[urls["iso3"] == iso3]
        assert len(mine) > 0
        section = _section(page, "Vendor footprints")
        for url in mine["source"]:
            assert f'<a class="src" href="{html.escape(url)}">' in section
        others = set(urls.loc[urls["iso3"] != iso3, "source"]) - set(mine["source"])
        assert not [u for u in others if f'href="{html.escape(u)}"' in section]


def test_scores_breakdown_and_ranks(sample, sample_scored, sample_data):
    row = sample_scored.countries.set_index("iso3").loc["PNG"]
    page = country_brief(sample_scored, sample, "PNG", data=sample_data)
    scores = _section(page, "Scores")
    n = len(sample_scored.countries)
    # the score says which way is bad; the DCS priority says what it is
    assert (
        f"{row['score']:.3f} (rank {int(row['rank'])} of {n} countries). 0 to 1, "
        "<b>higher = more at risk</b>"
    ) in scores
    ranked = int(sample_scored.countries["dcs_rank"].notna().sum())
    assert f"{row['dcs_priority']:.3f} (rank {int(row['dcs_rank'])} of {ranked} region" in scores
    assert "vendor exposure &times; fragility index" in scores
    scores = _section(page, "Score breakdown")
    for component, weight in sample_scored.model.weights["country"].items():
        cells = [c for c in _rows(scores) if c and c[0] == component]
        assert cells == [
            [
                component,
                f"{row[component]:.3f}",
                f"{weight:.2f}",
                f"{row[f'{component}_contribution']:.3f}",
            ]
        ]


def test_scenarios_as_the_engine_computed_them(sample, sample_scored, sample_data):
    assert set(sample_data.scenarios) == {s["name"] for s in sample_scored.model.scenarios}
    result = sample_data.scenarios["high-tier-vendors"]
    row = result.countries.set_index("iso3").loc["PNG"]
    page = country_brief(sample_scored, sample, "PNG", data=sample_data)
    rows = {r[0]: r for r in _rows(_section(page, "Scenarios that touch"))}
    before, after = int(row["cables_before"]), int(row["cables_after"])
    assert rows["high-tier-vendors"][2] == f"{before} → {after}"
    # its international cables survive, but the domestic Kumul cable (Huawei) is cut: the
    # landing points it alone served are named
    lps = result.landing_points
    lost = lps[(lps["iso3"] == "PNG") & lps["isolated"] & ~lps["isolated_before"]]
    assert before == after and len(lost)
    names = sorted(n.split(",")[0] for n in lost["name"])
    assert rows["high-tier-vendors"][1] == (
        f"still connected; {len(names)} of its landing points cut off: {', '.join(names)}; "
        f"reaches {int(row['reachable_after'])} of {int(row['reachable_before'])} countries"
    )


def test_only_scenarios_that_touch_the_country_are_shown(sample, sample_scored, sample_data):
    # Papua New Guinea's cables cross neither strait: those scenarios are named, not tabled
    page = country_brief(sample_scored, sample, "PNG", data=sample_data)
    section = _section(page, "Scenarios that touch")
    for name in ("luzon-strait", "strait-of-malacca"):
        hit = sample_data.scenarios[name].countries.set_index("iso3").loc["PNG"]
        assert hit["cables_before"] == hit["cables_after"] and not hit["isolated"]
        assert name not in {r[0] for r in _rows(section)}
    assert "Not touched by: luzon-strait, strait-of-malacca." in section
    # the Philippines' cables cross the Luzon Strait: shown with its own cables' count
    phl = _section(country_brief(sample_scored, sample, "PHL", data=sample_data), "Scenarios")
    luzon = sample_data.scenarios["luzon-strait"].countries.set_index("iso3").loc["PHL"]
    rows = {r[0]: r for r in _rows(phl)}
    assert rows["luzon-strait"][2] == f"{luzon['cables_before']} → {luzon['cables_after']}"
    assert "countries reachable" not in phl  # the same 179 → 179 on every row, said nowhere


def test_brief_map_names_the_capital_and_stations_and_has_a_scale(
    sample, sample_scored, sample_data
):
    page = country_brief(sample_scored, sample, "FJI", data=sample_data)
    svg = page[page.index('class="cm-map"') :]
    svg = svg[: svg.index("</svg>")]
    labels = re.findall(r'class="cm-label cm-label-(\w+)"[^>]*>([^<]+)</text>', svg)
    assert ("capital", "Suva") in labels
    stations = {html.unescape(t) for k, t in labels if k == "station"}
    names = {n.split(",")[0] for n in sample.landing_points.query("iso3 == 'FJI'")["name"]}
    assert stations and stations <= names and "Suva" not in stations  # named once, as capital
    scale = re.search(r'<g class="cm-scale"><title>Scale bar: ([\d,]+) km', svg)
    assert scale and int(scale.group(1).replace(",", "")) > 0
    # labels never overlap: each label's box is placed away from the others
    assert "ringed red dot: the capital, Suva" in page


def test_critical_pairs_come_from_the_pair_sweep(sample, sample_scored, sample_data):
    pairs = sample_data.pairs
    assert pairs is not None and len(pairs)
    hit = pairs.iloc[0]
    iso3 = hit["countries"][0]
    names = sample_scored.cables.set_index("cable_id")["name"]
    page = country_brief(sample_scored, sample, iso3, data=sample_data)
    failures = _section(page, "Single points of failure")
    expected = (
        f"<b>Critical pair:</b> {html.escape(names[hit['cable_a']])} and "
        f"{html.escape(names[hit['cable_b']])}"
    )
    assert expected in failures


def test_changes_since_the_previous_release(sample, sample_scored, sample_data):
    older = sample.as_of(2019)  # the network before the cables of 2020 and later
    report = change_report(older, sample)
    scored = sample_scored.cables.set_index("cable_id")["countries"]  # in service only
    new_here = [c for c in report["cables"]["added"] if c in scored and "AUS" in scored[c]]
    assert new_here
    page = country_brief(sample_scored, sample, "AUS", data=sample_data, changes=report)
    section = _section(page, "Changes since the previous release")
    names = sample.cables.set_index("cable_id")["name"]
    for cable_id in new_here:
        assert f"New cable: {html.escape(names[cable_id])}" in section
    without = country_brief(sample_scored, sample, "AUS", data=sample_data)
    assert "No change report" in _section(without, "Changes since the previous release")


def test_page_is_self_contained_and_prints_on_a4(sample, sample_scored, sample_data):
    page = country_brief(sample_scored, sample, "FJI", data=sample_data)
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r'src="', page)
    assert "@page{size:A4;margin:15mm}" in page
    assert "@media print{.controls{display:none}" in page
    assert page.count("<svg") == 3  # map, score breakdown, cables per year
    assert "cablemap sample: facts from cited public sources" in page
    # every source used, with its licence: the sample's cables, footprints, the basemap
    sources = _rows(_section(page, "Data, sources and licences"))
    licences = {r[0]: r[3] for r in sources}
    assert licences["vendor footprints"].startswith("CC0-1.0")
    assert licences["countries (basemap)"] == "public domain"
    assert "Country outlines: Made with Natural Earth (public domain)" in page


def test_unknown_code_names_the_closest_region_codes(sample, sample_scored):
    with pytest.raises(cm.CablemapError, match=r"no country 'TOG'.*closest codes: \['TON'"):
        country_brief(sample_scored, sample, "TOG", data=BriefData())


def test_save_briefs_writes_every_scored_region_country(
    sample, sample_scored, sample_data, tmp_path
):
    paths = save_briefs(sample_scored, sample, tmp_path, data=sample_data)
    region = sample_scored.model.region.countries
    scored = set(sample_scored.countries["iso3"])
    assert {p.stem for p in paths} == region & scored
    assert all(p.parent == tmp_path / "countries" for p in paths)
    assert max(p.stat().st_size for p in paths) < MAX_BYTES
    assert brief_href("ton") == "countries/TON.html"


def test_all_region_briefs_of_2022_stay_under_the_size_budget(tg_v3, tmp_path):
    analysis = cm.Analysis(tg_v3)
    paths = save_briefs(analysis.scores, tg_v3, tmp_path, data=brief_data(analysis))
    assert len(paths) >= 60
    sizes = {p.stem: p.stat().st_size for p in paths}
    assert max(sizes.values()) < MAX_BYTES, max(sizes.items(), key=lambda kv: kv[1])
    usa = (tmp_path / "countries" / "USA.html").read_text()
    assert usa.count("<tr>") > 50  # its many cables are all listed


def test_map_of_a_country_across_the_antimeridian_is_drawn_whole():
    # Fiji's islands lie on both sides of 180°; Kiribati spans it widely
    fiji = MapView.around([177.4, 178.4, -179.9, -178.0], [-18.1, -16.8, -16.5, -19.0])
    assert fiji.shifted and fiji.east - fiji.west < 20
    assert [round(b.bounds[0]) for b in fiji.boxes()] == [round(fiji.west), -180]
    japan = MapView.around([129.0, 141.0, 145.0], [31.0, 35.0, 43.0])
    assert not japan.shifted and len(japan.boxes()) == 1


def test_fiji_map_draws_its_land_on_both_sides(sample, sample_scored):
    data = BriefData(outlines=bundled_countries())
    page = country_brief(sample_scored, sample, "FJI", data=data)
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="cm-map"') :]
    svg = svg[: svg.index("</svg>")]
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    country = re.search(r'<path d="([^"]+)" fill="#fbe3b4"', svg).group(1)
    xs = [float(x) for x in re.findall(r"([-\d.]+) [-\d.]+", country)]
    # Fiji's polygons are inside the picture, not split to its two edges
    assert min(xs) > 0.05 * width and max(xs) < 0.95 * width


def test_cli_brief(tmp_path):
    runner = CliRunner()
    out = tmp_path / "tonga.html"
    result = runner.invoke(cli, ["brief", "TON", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}\n"
    assert "<code>tonga-cable</code>" in out.read_text()
    bad = runner.invoke(cli, ["brief", "XYZ", "--out", str(out)])
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: no country 'XYZ' in the scored data; closest codes:")


def test_kiribati_is_drawn_whole_across_the_antimeridian(tg_v3):
    ne = _require(SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp")
    outlines = cm.countries_from_file(ne)
    scores = cm.score(tg_v3)
    page = country_brief(scores, tg_v3, "KIR", data=BriefData(outlines=outlines))
    svg = page[page.index('class="cm-map"') :]
    svg = svg[: svg.index("</svg>")]
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    # its atolls, too small to draw at this scale, are marked one by one
    atolls = [float(x) for x in re.findall(r'<circle cx="([-\d.]+)"[^>]*stroke="#b9770e"', svg)]
    assert len(atolls) >= 10
    # Gilbert Islands (173°E) on the left, Line Islands (157°W) on the right: one picture
    assert min(atolls) < 0.25 * width and max(atolls) > 0.75 * width
    # the landing point at Kiritimati (157.4°W) is on the right of the same picture
    point = re.search(r'<circle class="cm-station" cx="([-\d.]+)"', svg)
    assert float(point.group(1)) > 0.6 * width


def test_a_region_country_without_cables_says_so(sample, sample_scored, sample_data):
    row = sample_scored.countries.set_index("iso3").loc["NRU"]
    assert row["status"] == "unconnected" and row["cables"] == 0
    page = country_brief(sample_scored, sample, "NRU", data=sample_data)
    assert "<h1>Nauru " in page  # named by the country outlines: no landing point names it
    assert "No cable path to the global network in the data" in page
    assert "no international cable lands here in the data" in page
    assert "no cable with an RFS year to draw" in page


# --------------------------------------------------------------------------- the 2022 release
#: The build's sources: Natural Earth 10m outlines, the PeeringDB folder (its KMZ), USGS.
NE = SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
PDB_FOLDER = SHARED / "facilities" / "peeringdb-2024-10"
USGS = SHARED / "hazards" / "usgs-m55-1965-2016.csv"


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def v3_setup(tg_v3_path):
    """The 2022 release as a build reads it, simulated for 300 years, and three briefs."""
    from cablemap.pipeline.inputs import open_analysis  # noqa: PLC0415

    for path in (NE, PDB_FOLDER, USGS):
        _require(path)
    analysis = open_analysis(tg_v3_path, countries=NE, facilities=[PDB_FOLDER], hazards=[USGS])
    simulation = analysis.simulate(years=300, seed=14)
    data = brief_data(analysis, simulation=simulation)
    pages = {
        iso3: country_brief(analysis.scores, analysis.layers, iso3, data=data)
        for iso3 in ("TON", "PHL", "SGP", "KHM")
    }
    return analysis, simulation, pages


def test_no_multi_cable_set_is_called_a_single_point_of_failure(v3_setup):
    analysis, _, pages = v3_setup
    rows = analysis.scores.countries.set_index("iso3")
    names = analysis.scores.cables.set_index("cable_id")["name"]
    for iso3 in ("PHL", "SGP"):
        # both have a smallest cut of 10 and more cables: a count, never a listed "point"
        cut = float(rows.at[iso3, "redundancy_cables"])
        assert cut >= 10
        section = _section(pages[iso3], "Single points of failure")
        assert "<b>Single point of failure" not in section
        assert "<b>Critical pair" not in section
        assert f"at least {cut:g} cable" in section and "must fail together" in section
        cables = [n for n in rows.at[iso3, "min_cut_cables"] if n in names.index]
        listed = [n for n in cables if html.escape(names[n]) in section]
        assert listed == []
    tonga = _section(pages["TON"], "Single points of failure")
    assert "<b>Single point of failure:</b> losing Tonga Cable (<code>tonga-cable</code>)" in tonga
    assert "<b>Single landing station:</b> every international cable lands at Nuku" in tonga


def test_tonga_brief_gives_its_yearly_cut_off_chance_when_simulated(v3_setup):
    _, simulation, pages = v3_setup
    row = simulation.countries.set_index("iso3").loc["TON"]
    assert row["probability_cut_off"] > 0.05  # one cable, months to repair
    chance = f"{100 * row['probability_cut_off']:.1f} % a year"
    facts = _section(pages["TON"], "Scores")
    assert f"<b>{chance}</b> (95 % interval {100 * row['ci_low']:.1f} %" in facts
    section = _section(pages["TON"], "Yearly chance of being cut off by sea")
    assert chance in section and "Tonga Cable (100 % of those years)" in section
    assert "of 300 simulated years (seed 14)" in section
    # without a simulation the brief says nothing of it
    analysis = v3_setup[0]
    plain = country_brief(analysis.scores, analysis.layers, "TON", data=BriefData())
    assert "Yearly chance" not in plain


def test_tonga_brief_sets_its_recorded_outages_beside_the_model(v3_setup):
    from cablemap.risk.simulation.backtests import backtest_result  # noqa: PLC0415

    analysis, simulation, pages = v3_setup
    section = _section(pages["TON"], "Recorded outages and repairs")
    rows = _rows(section)
    cut_2019 = next(r for r in rows if r[0].startswith("Tonga 2019 cable cut"))
    assert cut_2019[1:6] == ["cable fault", "2019-01-20 → 2019-02-01", "12", "12", "2"] or (
        cut_2019[1:3] == ["cable fault", "2019-01-20 → 2019-02-01"]
        and cut_2019[3] == "12"
        and cut_2019[4].startswith("12 (")  # with where the repair falls in the zone's
    )
    assert "https://www.rnz.co.nz/international/pacific-news/381580/" in section
    assert "2022-01-15 → 2022-02-22" in section
    # the zone's modelled repair time is the backtests' (SPMMA), not Taiwan's
    tests = backtest_result(simulation, analysis.layers).events.set_index("event_id")
    q50 = tests.at["tonga-2019", "q50"]
    assert tests.at["tonga-2019", "zone"] == "spmma"
    assert f"Repair zone <b>spmma</b>: the model repairs a cable there in {q50:.0f} days" in section
    # the record decade against the model: 12 + 38 days in 2016-2025
    model = simulation.countries.set_index("iso3").at["TON", "expected_days_cut_off"]
    assert f"50 days cut off by cable faults in 2016-2025, 5.00 a year; the model: {model:.2f}" in (
        section
    )
    # a country with no recorded outage says where it looked
    assert "No outage of this country in the cited events table" in _section(
        pages["KHM"], "Recorded outages and repairs"
    )


def test_2022_brief_lists_every_source_used_with_its_licence(v3_setup):
    sources = {r[0]: r for r in _rows(_section(v3_setup[2]["SGP"], "Data, sources and"))}
    assert sources["cables and landing points"][3] == "CC BY-NC-SA 3.0"
    assert sources["facilities: PeeringDB"][3].startswith("PeeringDB Acceptable Use Policy")
    assert sources["facilities: PeeringDB"][2] == "peeringdb-2024-10/peeringdb.kmz"
    assert sources["countries"][1].startswith("Natural Earth") and sources["countries"][3] == (
        "public domain"
    )
    assert sources["hazards"][3] == "public domain (U.S. Geological Survey)"
    assert "OpenStreetMap" not in v3_setup[2]["SGP"]  # not read by this build


def test_2022_brief_map_names_neighbours_capital_and_stations(v3_setup):
    svg = v3_setup[2]["SGP"]
    svg = svg[svg.index('class="cm-map"') : svg.index("</svg>", svg.index('class="cm-map"'))]
    labels = re.findall(r'class="cm-label cm-label-(\w+)"[^>]*>([^<]+)</text>', svg)
    kinds = {k: [html.unescape(t) for kk, t in labels if kk == k] for k, _ in labels}
    assert kinds["capital"] == ["Singapore"]
    assert {"Malaysia", "Indonesia"} <= set(kinds["neighbour"])
    assert {"Changi North", "Tuas"} <= set(kinds["station"])
    assert re.search(r"Scale bar: \d+ km, true at 1°N", svg)


@pytest.mark.slow
def test_brief_map_labels_never_overlap_in_chromium(v3_setup, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.render.test_browser import _ARGS, CHROMIUM  # noqa: PLC0415

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        for iso3 in ("TON", "SGP", "PHL"):
            path = tmp_path / f"{iso3}.html"
            path.write_text(v3_setup[2][iso3], encoding="utf-8")
            page.goto(path.as_uri())
            boxes = page.evaluate(
                """() => [...document.querySelectorAll(
                       'svg.cm-map .cm-label, svg.cm-map .cm-scale')].map(e => {
                       const b = e.getBoundingClientRect();
                       return [e.textContent, b.x, b.y, b.right, b.bottom]; })"""
            )
            frame = page.evaluate(
                "() => { const b = document.querySelector('svg.cm-map').getBoundingClientRect();"
                " return [b.x, b.y, b.right, b.bottom]; }"
            )
            assert len(boxes) > 2
            for i, (name, x0, y0, x1, y1) in enumerate(boxes):
                assert x0 >= frame[0] - 1 and x1 <= frame[2] + 1, (iso3, name)
                for other, a0, b0, a1, b1 in boxes[i + 1 :]:
                    apart = x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0
                    assert apart, (iso3, name, other)
        browser.close()
