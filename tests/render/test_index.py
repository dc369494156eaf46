"""The index: entry maps first, findings from the scores, every page linked, CSV = tables."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

import cablemap as cm
from cablemap.pipeline import build
from cablemap.pipeline.diff import change_report, report_html
from cablemap.render.index import ENTRY_MAPS, index_html
from tests.conftest import REPO, SHARED, _require

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("full-build")

NE = SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
PDB_FOLDER = SHARED / "facilities" / "peeringdb-2024-10"
USGS = SHARED / "hazards" / "usgs-m55-1965-2016.csv"
AIDDATA = (
    SHARED
    / "vendors"
    / "aiddata-huawei-finance"
    / ("AidDatasGlobalHuaweiFinanceDataset_Huawei_sheet.csv")
)
SAMPLE = REPO / "geodata" / "sample"


def _text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def tables_with_csv(page: str) -> list[tuple[str, list[list[str]], list[list[str]]]]:
    """Each table with a CSV link: its name, its rows as shown (header first), the CSV's rows."""
    found = re.findall(
        r'<table class="cm-table" data-csv="([^"]+)">(.*?)</table><p class="csv-link">'
        r'<a class="csv" download="([^"]+)" href="([^"]+)"',
        page,
        flags=re.S,
    )
    out = []
    for name, body, download, href in found:
        assert download == f"{name}.csv"
        head = [_text(c) for c in re.findall(r"<th>(.*?)</th>", body, flags=re.S)]
        rows = [
            [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("</thead>", 1)[1], flags=re.S)
        ]
        uri = html.unescape(href)
        assert uri.startswith("data:text/csv;charset=utf-8,")
        data = list(csv.reader(io.StringIO(unquote(uri.split(",", 1)[1]))))
        out.append((name, [head, *rows], data))
    return out


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"#][^"]*)"', page)]


# --------------------------------------------------------------------------- the sample
@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def sample_index(sample_analysis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("maps")
    scores = sample_analysis.scores
    return folder, index_html(folder, sample_analysis.layers, scores.model, scores=scores)


def test_findings_come_from_the_scores(sample_analysis, sample_index):
    _, page = sample_index
    tables = {name: shown for name, shown, _ in tables_with_csv(page)}
    spof = {r[0]: r for r in tables["single_points_of_failure"][1:]}
    # Tonga hangs on the Tonga Cable, the Solomon Islands on the Coral Sea Cable System
    assert spof["Tonga"][1:3] == ["the whole country", "Tonga Cable"]
    assert spof["Solomon Islands"][2] == "Coral Sea Cable System (CS²)"
    c = sample_analysis.scores.countries
    c = c[c["in_region"] & ~c["status"].isin(["unconnected", "landlocked"])]
    one = (c["redundancy_cables"] == 1) | (c["capital_min_cut"] == 1) | (c["sea_min_cut"] == 1)
    assert set(spof) == set(c.loc[one, "name"])
    assert "Brunei" in spof and spof["Brunei"][1] == "its sea links (land routes remain)"
    exposed = tables["most_exposed_countries"][1:]
    values = [float(r[1].split()[0]) for r in exposed]
    assert values == sorted(values, reverse=True) and len(exposed) == 10
    dcs = tables["top_dcs_priorities"][1:]
    assert all(r[5] not in ("unconnected", "landlocked") for r in dcs)
    assert "<b>higher = more at risk</b>" in page and "<dt>DCS priority</dt>" in page


def test_every_index_table_downloads_as_the_rows_it_shows(sample_index):
    _, page = sample_index
    tables = tables_with_csv(page)
    assert {n for n, _, _ in tables} == {
        "single_points_of_failure",
        "most_exposed_countries",
        "top_dcs_priorities",
        "model_weights",
        "sources",
    }
    assert page.count("<table") == len(tables)  # no table without its CSV
    for name, shown, data in tables:
        assert data == shown, name


def test_pages_not_built_say_how_to_build_them(sample_analysis, sample_index):
    folder, page = sample_index
    assert not list(folder.glob("*.html"))
    assert page.count('<span class="muted">(not built)</span>') == 2
    assert (
        "add to the model file <code>dcs-v2.toml</code>:</span> <code>[probabilistic]</code>"
        in page
    )
    assert "<code>cablemap simulate --years 10000 --seed 14</code>" in page
    assert "<code>cablemap plan --map</code>" in page
    assert "changes.html" not in page


def test_change_report_is_linked_when_there_is_one(sample_analysis, tmp_path):
    sample = sample_analysis.layers
    report = change_report(sample.as_of(2019), sample)
    (tmp_path / "changes.json").write_text(json.dumps(report, default=str))
    (tmp_path / "changes.html").write_text(report_html(report))
    scores = sample_analysis.scores
    page = index_html(tmp_path, sample, scores.model, scores=scores)
    added = len(report["cables"]["added"])
    assert '<a href="changes.html">What changed</a>' in page
    assert f"cables: {added} added, 0 removed, 0 renamed" in page


# --------------------------------------------------------------------------- a full build
@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def full_build(tmp_path_factory, tg_v3_path):
    """The 2022 release built as an analyst would: outlines, PeeringDB, AidData, quakes."""
    for path in (NE, PDB_FOLDER, USGS, AIDDATA):
        _require(path)
    root = tmp_path_factory.mktemp("full")
    models = root / "risk_models"
    shutil.copytree(cm.risk_models_path(), models)
    model = models / "dcs-v2.toml"
    model.write_text(model.read_text() + "\n[probabilistic]\nyears = 300\nseed = 14\n")
    project = root / "cablemap.toml"
    project.write_text(
        f'[layers]\ncables = "{tg_v3_path}"\ncountries = "{NE}"\n'
        f'facilities = ["{PDB_FOLDER}", "{SAMPLE / "cloud_regions.csv"}"]\n'
        f'vendor_footprints = ["{SAMPLE / "vendor_footprints.csv"}"]\n'
        f'aiddata = "{AIDDATA}"\nhazards = "{USGS}"\n'
        f'[build]\nmodel = "{model}"\nout = "{root / "maps"}"\nformats = ["csv"]\n'
    )
    from cablemap.pipeline.builder import config_from_project  # noqa: PLC0415

    config = config_from_project(project)
    result = build(config)
    return config.out_folder, result


def test_index_links_every_page_the_build_wrote(full_build):
    out, result = full_build
    page = (out / "index.html").read_text()
    written = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if ".cablemap-build" not in p.parts and p.name != "index.html"
    }
    assert {"probabilistic.html", "investment_plan.html", "changes.html"} - written <= {
        "changes.html"  # a first build has no previous release to compare
    }
    assert len(written) > 70
    assert written <= set(_hrefs(page))
    assert {p.name for p in result.outputs if p.suffix == ".html"} <= {
        Path(h).name for h in _hrefs(page)
    } | {"index.html"}


def test_index_leads_with_the_entry_maps(full_build):
    out, _ = full_build
    page = (out / "index.html").read_text()
    pages = [h for h in _hrefs(page) if h.endswith(".html")]
    assert tuple(pages[:2]) == ENTRY_MAPS
    assert (
        page.index("<h2>Start here</h2>")
        < page.index("<h2>Findings")
        < page.index("<h2>More pages</h2>")
    )
    assert "probabilistic.html" in pages and "Not built by this build" not in page


def test_full_index_tables_equal_their_csv_and_name_each_licence(full_build):
    out, _ = full_build
    page = (out / "index.html").read_text()
    tables = tables_with_csv(page)
    for name, shown, data in tables:
        assert data == shown, name
    sources = {r[0]: r[3] for r in {n: s for n, s, _ in tables}["sources"][1:]}
    assert sources["cables and landing points"] == "CC BY-NC-SA 3.0"
    assert sources["facilities: PeeringDB"].startswith("PeeringDB Acceptable Use Policy")
    assert sources["countries"] == "public domain"  # Natural Earth, recognised by its fields
    assert sources["vendor footprints: AidData"] == "ODC-By 1.0 (Open Data Commons Attribution)"
    assert sources["hazards"] == "public domain (U.S. Geological Survey)"
    assert sources["facilities: cloud"].startswith("CC0-1.0")
    assert "OpenStreetMap" not in page and "ODbL" not in page  # not read by this build
    spof = {r[0]: r[2] for r in {n: s for n, s, _ in tables}["single_points_of_failure"][1:]}
    assert (
        spof["Tonga"] == "Tonga Cable" and spof["Vanuatu"] == "Interchange Cable Network 1 (ICN1)"
    )


def test_full_build_briefs_carry_the_simulated_chance(full_build):
    out, _ = full_build
    payload = json.loads((out / "probabilistic.json").read_text())
    tonga = next(c for c in payload["countries"] if c["iso3"] == "TON")
    page = (out / "countries" / "TON.html").read_text()
    assert f"<b>{100 * tonga['probability_cut_off']:.1f} % a year</b>" in page
    for iso3 in ("PHL", "SGP"):
        brief = (out / "countries" / f"{iso3}.html").read_text()
        section = brief[brief.index("<h2>Single points of failure") :]
        section = section[: section.index("</section>")]
        assert "<b>Single point of failure" not in section and "must fail together" in section


def test_csv_cells_never_run_as_spreadsheet_formulas():
    from cablemap.render.tables import Cell, csv_text, table_html  # noqa: PLC0415

    rows = [[Cell('=HYPERLINK("http://x")'), "-0.5", "@SUM(A1)", "plain"]]
    assert next(csv.reader(io.StringIO(csv_text(["a", "b", "c", "d"], rows).splitlines()[1]))) == [
        '\'=HYPERLINK("http://x")',
        "-0.5",
        "'@SUM(A1)",
        "plain",
    ]
    page = table_html(["a", "b", "c", "d"], rows, csv_name="t")
    assert "<td>=HYPERLINK(&quot;http://x&quot;)</td>" in page  # shown as it is, escaped
