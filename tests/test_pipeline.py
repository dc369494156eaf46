"""The rebuild pipeline: incremental, atomic, with a change report and exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.pipeline import BuildConfig, build, change_report, export_scores, watch
from cablemap.pipeline.inputs import open_analysis
from tests.conftest import REPO, SHARED, light_model
from tests.render.test_year_control import year_spec

SAMPLE = REPO / "geodata" / "sample"


def _models(tmp_path: Path, *, light: bool = True) -> Path:
    """A copy of the model folder to edit; ``light``: one scored year, no plan map."""
    folder = tmp_path / "risk_models"
    shutil.copytree(light_model().parent if light else cm.risk_models_path(), folder)
    return folder / "dcs-v2.toml"


def _reweight(model: Path) -> None:
    text = model.read_text()
    assert "reach = 0.15" in text and "chokepoint = 0.20" in text
    model.write_text(
        text.replace("reach = 0.15", "reach = 0.25").replace(
            "chokepoint = 0.20", "chokepoint = 0.10"
        )
    )


def test_first_build_then_nothing_to_do(tmp_path):
    config = BuildConfig(out=tmp_path / "maps", model=_models(tmp_path, light=False))
    first = build(config)
    assert first.ran == [
        "load",
        "validate",
        "score",
        "scenarios",
        "plan",
        "exports",
        "briefs",
        "maps",
    ]
    names = {p.name for p in first.outputs}
    assert {
        "index.html",
        "strategic_nodes.html",
        "vendor_exposure.html",
        "scenario_luzon-strait.html",
        "scores.gpkg",
        "metadata.json",
        "TON.html",
    } <= names
    # every scored region country has its brief, and the index links each one
    briefs = {p.stem for p in (config.out_folder / "countries").glob("*.html")}
    assert len(briefs) >= 60 and {"TON", "FJI", "JPN"} <= briefs
    index = (config.out_folder / "index.html").read_text()
    assert all(f'href="countries/{iso3}.html"' in index for iso3 in briefs)
    assert "New international cables per RFS year by supplier tier: Indo-Pacific" in index
    # the maps' popups link to the briefs: the runtime is told which countries have one
    for page in ("vendor_exposure.html", "strategic_nodes.html", "scenario_luzon-strait.html"):
        text = (config.out_folder / page).read_text()
        start = text.index("cablemap.registry.briefs = ") + len("cablemap.registry.briefs = ")
        assert set(json.loads(text[start : text.index(";", start)])) == briefs
    second = build(config)
    assert second.up_to_date and second.outputs == []


def test_scores_through_time_are_cached_and_drawn(tmp_path):
    model = _models(tmp_path, light=False)
    text = model.read_text()
    default = 'years = [2000, 2005, 2010, 2015, 2020, "current", "last"]'
    assert default in text
    model.write_text(text.replace(default, 'years = [2010, "last"]'))
    out = tmp_path / "maps"
    config = BuildConfig(out=out, model=model, formats=())
    first = build(config)
    assert "score" in first.ran
    for name in ("strategic_nodes", "vendor_exposure"):
        spec = year_spec((out / f"{name}.html").read_text())
        assert spec["recolour"]["years"] == [2010, 2023]  # the sample's last planned year
    # a redraw with the scores still valid takes the scores through time from the cache
    (out / "vendor_exposure.html").unlink()
    with pytest.warns(cm.CablemapWarning, match="redrawn: maps/vendor_exposure.html"):
        again = build(config)
    assert "score" in again.skipped and "maps" in again.ran
    spec = year_spec((out / "vendor_exposure.html").read_text())
    assert spec["recolour"]["years"] == [2010, 2023] and spec["first"] == 1999


def test_model_change_rescores_without_reloading(tmp_path):
    model = _models(tmp_path)
    config = BuildConfig(out=tmp_path / "maps", model=model)
    build(config)
    _reweight(model)
    again = build(config)
    assert "load" not in again.ran and {"score", "maps", "exports"} <= set(again.ran)
    cables = gpd.read_file(tmp_path / "maps" / "exports" / "scores.gpkg", layer="cables")
    assert (cables["reach_weight"] == 0.25).all()


def test_facilities_change_redoes_only_what_depends_on_it(tmp_path):
    cloud = tmp_path / "cloud_regions.csv"
    shutil.copy(SAMPLE / "cloud_regions.csv", cloud)
    project = tmp_path / "cablemap.toml"
    project.write_text(
        f'[layers]\ncables = "{SAMPLE}"\nfacilities = ["{cloud}"]\n'
        f'[build]\nout = "maps"\nmodel = "{_models(tmp_path)}"\n'
    )
    config = cm.pipeline.config_from_project(project)
    build(config)
    with cloud.open("a") as fh:
        fh.write(
            "Amazon Web Services,ap-southeast-9,Test (Suva),Suva,FJI,-18.14,178.44,https://example.org\n"
        )
    again = build(config)
    assert "load" in again.ran and "maps" in again.ran
    assert "score" not in again.ran and "exports" not in again.ran  # facilities do not move scores
    page = (tmp_path / "maps" / "strategic_nodes.html").read_text()
    assert "ap-southeast-9" in page


def test_failed_build_leaves_previous_outputs(tmp_path, monkeypatch):
    model = _models(tmp_path)
    config = BuildConfig(out=tmp_path / "maps", model=model)
    build(config)
    before = {p: p.read_bytes() for p in (tmp_path / "maps").glob("*.html")}
    _reweight(model)

    def boom(*args, **kwargs):
        msg = "disk full (injected)"
        raise OSError(msg)

    monkeypatch.setattr(
        "cablemap.pipeline.exports.export_scores", boom
    )  # after the maps are staged
    with pytest.raises(OSError, match="injected"):
        build(config)
    assert {p: p.read_bytes() for p in (tmp_path / "maps").glob("*.html")} == before
    assert not list((tmp_path / "maps" / ".cablemap-build").glob("staging-*"))
    monkeypatch.undo()
    assert {"score", "maps", "exports"} <= set(build(config).ran)  # the failed work is redone


def test_cli_failed_build_exits_1(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "cablemap.risk.analysis.compute_scores",
        lambda *a, **k: (_ for _ in ()).throw(cm.CablemapError("scoring failed (injected)")),
    )
    result = CliRunner().invoke(
        cli, ["build", "--out", str(tmp_path / "maps"), "--model", str(_models(tmp_path))]
    )
    assert result.exit_code == 1
    assert "Error: scoring failed (injected)" in result.output


def test_data_change_writes_the_change_report(tmp_path, tg_v2_path, tg_v3_path):
    out = tmp_path / "maps"
    model = _models(tmp_path)
    build(BuildConfig(source=tg_v2_path, out=out, model=model, formats=()))
    result = build(BuildConfig(source=tg_v3_path, out=out, model=model, formats=()))
    assert "report" in result.ran
    report = json.loads((out / "changes.json").read_text())
    # the briefs, written after the report, say what changed for their country
    tonga = (out / "countries" / "TON.html").read_text()
    assert 'href="../changes.html"' in tonga and "No change report" not in tonga
    assert f"{', '.join(report['old'])} → {', '.join(report['new'])}" in tonga
    old_ids = set(cm.load(tg_v2_path).cables["cable_id"])
    new_ids = set(cm.load(tg_v3_path).cables["cable_id"])
    renamed = report["cables"]["renamed"]
    accounted = (
        set(report["cables"]["added"])
        | set(report["cables"]["removed"])
        | set(report["cables"]["changed"])
        | {r["old"] for r in renamed}
        | {r["new"] for r in renamed}
    )
    assert len(accounted) + report["cables"]["unchanged"] == len(old_ids | new_ids) == 565
    # every id is in one list: a renamed id is neither added nor removed
    assert set(report["cables"]["added"]) | {r["new"] for r in renamed} == new_ids - old_ids
    assert set(report["cables"]["removed"]) | {r["old"] for r in renamed} == old_ids - new_ids
    assert "west-africa-cable-system-wacs" not in report["cables"]["added"]
    # v2 files carry no suppliers: not compared (never "changed" because they appear)
    assert report["cables"]["changed"]["asia-pacific-gateway-apg"] == ["landing_points"]
    assert "suppliers" in report["not_compared"]["cables"]
    # Kiribati's first cable (Southern Cross NEXT) arrives in the 2022 release; Suriname, the
    # earlier example, is now land-linked (land routes through Guyana and Brazil)
    assert "KIR" in report["scores"]["isolation"]["became_single_cable"]
    # the index links the change report itself, with its counts (no patching of the page)
    index = (out / "index.html").read_text()
    assert '<a href="changes.html">What changed</a>' in index
    assert "cables: 85 added, 35 removed, 9 renamed, " in index
    assert any(
        line.startswith("cables: 85 added, 35 removed, 9 renamed") for line in result.changes
    )
    # and the page lists the renames
    changes = (out / "changes.html").read_text()
    assert "<h2>Renamed cables</h2>" in changes and "west-african-cable-system-wacs" in changes


def test_diff_cli(tg_v2_path, tg_v3_path):
    result = CliRunner().invoke(
        cli, ["diff", str(tg_v2_path), str(tg_v3_path), "--format", "json", "--no-scores"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"added", "removed", "changed", "unchanged"} <= set(report["cables"])
    assert len(report["cables"]["added"]) == 85 and len(report["landing_points"]["added"]) == 217
    table = CliRunner().invoke(cli, ["diff", str(tg_v2_path), str(tg_v3_path), "--no-scores"])
    # reported length is compared too: cobracable changed only its length (326 -> 304 km)
    assert "cables: 85 added, 35 removed, 9 renamed, 180 changed, 247 unchanged" in table.output
    assert "landing_points: 217 added, 43 removed, 26 renamed, 23 changed" in table.output
    assert "  renamed: boracay-palawan-submarine-cable-system -> " in table.output
    assert report["cables"]["changed"]["cobracable"] == ["length_km"]
    # a length that appears in the newer release is a change (the 2020 copy had none)
    assert "length_km" in report["cables"]["changed"]["maldives-sri-lanka-cable-msc"]
    # the 2020 (API v2) files have no suppliers: said, not counted as 266 changes
    assert report["not_compared"] == {
        "cables": {"suppliers": "not in OLD (API v2 (2020-06-26)): its files have no such field"}
    }
    assert (
        "not compared: cable suppliers (not in OLD (API v2 (2020-06-26)): its files have no "
        "such field)" in table.output
    )
    assert report["notes"] == []


def test_renamed_ids_between_2020_and_2022_are_renames(tg_v2, tg_v3):
    report = change_report(tg_v2, tg_v3)
    cables = {r["old"]: r for r in report["cables"]["renamed"]}
    points = {r["old"]: r for r in report["landing_points"]["renamed"]}
    # WACS: one letter of its name changed with its id ("African" -> "Africa")
    wacs = cables["west-african-cable-system-wacs"]
    assert (wacs["new"], wacs["by"]) == ("west-africa-cable-system-wacs", "name")
    # the Hainan-Hong Kong cable became H2HE: another name, the same route
    h2he = cables["hainan-hong-kong-submarine-cable-system"]
    assert (h2he["new"], h2he["by"]) == ("hainan-to-hong-kong-express-h2he", "route")
    assert h2he["route_gap_deg"] < 0.1
    # TEGOPA: Tenerife-La Gomera-La Palma under its acronym, the same route
    assert cables["tenerife-la-gomera-la-palma"]["new"] == "tegopa"
    # Piti (Guam): filed under the United States in 2020, under Guam in 2022
    piti = points["piti-gu-united-states"]
    assert (piti["new"], piti["by"]) == ("piti-guam", "location")
    assert piti["distance_km"] < 0.01 and {"country", "iso3"} <= set(piti["changed"])
    for part, renames in (("cables", cables), ("landing_points", points)):
        listed = set(report[part]["added"]) | set(report[part]["removed"])
        assert not listed & (
            {r["old"] for r in renames.values()} | {r["new"] for r in renames.values()}
        )
    # numbered systems are never paired by a similar name: Denmark-Norway 5 and 6 stay removed
    assert {"denmark-norway-5", "denmark-norway-6"} <= set(report["cables"]["removed"])
    # ATISA and SEA-US land at Piti in both releases (ids piti-gu-united-states, piti-guam):
    # compared through the renamed id, their landing points did not change
    links = tg_v2.cable_landings
    assert "piti-gu-united-states" in set(links.loc[links["cable_id"] == "atisa", "lp_id"])
    assert "atisa" not in report["cables"]["changed"]
    assert "sea-us" not in report["cables"]["changed"]


def test_diff_project_scores_both_releases_with_its_outlines(tmp_path, tg_v2_path, tg_v3_path):
    ne = SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
    project = tmp_path / "cablemap.toml"
    project.write_text(f'[layers]\ncables = "{tg_v3_path}"\ncountries = "{ne}"\n')
    args = ["diff", str(tg_v2_path), str(tg_v3_path), "--format", "json"]
    with_project = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert with_project.exit_code == 0, with_project.output
    report = json.loads(with_project.output)
    assert report["setup"]["project"] == str(project)
    assert report["setup"]["sources"]["countries"] == [str(ne.resolve())]
    # the new scores are those of the 2022 release scored with the project's outlines
    maps = open_analysis(tg_v3_path, countries=ne).scores.countries.set_index("iso3")
    movers = {r["id"]: r for r in report["scores"]["countries"]["risers"]}
    assert movers
    for iso, row in movers.items():
        assert row["score_new"] == round(float(maps.at[iso, "score"]), 4), iso
    # without the project, another setup (no outlines: coarser landmasses): other numbers
    plain = open_analysis(tg_v3_path).scores.countries.set_index("iso3")
    assert any(
        row["score_new"] != round(float(plain.at[i, "score"]), 4) for i, row in movers.items()
    )
    # the table names the setup (the embedded sample's two years: cheap to score twice)
    sample = REPO / "geodata" / "sample"
    project.write_text(f'[layers]\ncables = "{sample}"\ncountries = "{ne}"\n')
    table = CliRunner().invoke(cli, ["diff", str(sample), str(sample), "--project", str(project)])
    assert f"scored with project {project}, model dcs-v2 (dcs-v2.toml)" in table.output
    assert "countries: ne_10m_admin_0_countries_deu.shp" in table.output


def test_exports_carry_licence_and_model(tmp_path, tg_v3):
    scores = cm.score(tg_v3)
    paths = export_scores(scores, tg_v3, tmp_path)
    meta = gpd.read_file(tmp_path / "scores.gpkg", layer="cablemap_metadata").set_index("key")[
        "value"
    ]
    assert "CC BY-NC-SA 3.0" in meta["licence"] and json.loads(meta["model"])["name"] == "dcs-v2"
    parquet_meta = json.loads(
        pq.read_schema(tmp_path / "parquet" / "cables.parquet").metadata[b"cablemap"]
    )
    assert parquet_meta["licence"] == ["© TeleGeography, CC BY-NC-SA 3.0"]
    lps = gpd.read_parquet(tmp_path / "parquet" / "landing_points.parquet")
    assert len(lps) == 1414 and lps.crs.to_epsg() == 4326
    csv_meta = json.loads((tmp_path / "csv" / "metadata.json").read_text())
    assert csv_meta["model"]["weights"]["country"] == cm.load_model().weights["country"]
    # gpkg; 4 parquet + metadata.json; 4 csv + metadata.json (metros: from the landing points;
    # no facilities layer, so no facilities table)
    assert len(paths) == 11


def test_watch_rebuilds_on_change(tmp_path):
    model = _models(tmp_path)
    config = BuildConfig(out=tmp_path / "maps", model=model, formats=())
    seen = []

    def after(result):
        seen.append(result.ran)
        if len(seen) == 1:
            _reweight(model)

    assert watch(config, interval=0.05, max_builds=2, on_build=after) == 2
    assert "load" in seen[0] and "load" not in seen[1] and "score" in seen[1]


def test_change_report_on_identical_releases_is_empty(sample):
    report = change_report(sample, sample)
    assert (
        report["cables"]["added"] == report["cables"]["removed"] == []
        and report["cables"]["changed"] == {}
    )


def test_build_with_skipped_records_builds_and_says_so(tmp_path, tiny_v3):
    (tiny_v3 / "cable" / "c2.json").write_text("{")  # a truncated cable file
    out = tmp_path / "maps"
    args = ["build", "--source", str(tiny_v3), "--out", str(out), "--format", "csv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output  # the analyst still gets the map
    lines = result.output.splitlines()
    issue = f"error: {tiny_v3 / 'cable' / 'c2.json'}, record 'c2', field '(file)'"
    # the skipped records come last
    assert lines[-2] == (
        f"1 record skipped (left out of the maps and scores; see {out / 'build_report.html'}):"
    )
    assert lines[-1].startswith(f"  - {issue}")
    report = json.loads((out / "build_report.json").read_text())
    assert [(i["record"], i["field"]) for i in report["skipped"]] == [("c2", "(file)")]
    assert "c2" in (out / "build_report.html").read_text()
    for page in ("strategic_nodes.html", "vendor_exposure.html"):
        assert (
            '<a class="cm-skipped" href="build_report.html">1 record skipped — see report</a>'
            in ((out / page).read_text())
        )
    assert '<a href="build_report.html">1 record skipped, 3 warning(s)</a>' in (
        (out / "index.html").read_text()
    )
    again = CliRunner().invoke(cli, args)
    assert again.output.splitlines()[0].startswith("Up to date")
    assert again.output.splitlines()[-1].startswith(f"  - {issue}")


def test_exports_give_countries_their_polygons(tmp_path, sample):
    export_scores(cm.score(sample), sample, tmp_path, formats=("gpkg", "parquet"))
    countries = gpd.read_file(tmp_path / "scores.gpkg", layer="countries")
    assert countries.crs.to_epsg() == 4326
    assert set(countries.geom_type.dropna()) == {"MultiPolygon"}
    fiji = countries.set_index("iso3").loc["FJI"]
    assert fiji.geometry.contains(gpd.points_from_xy([178.44], [-18.0])[0].buffer(0.01))
    # a country the polygons lack (none in the bundled 1:110m outlines) keeps its row
    assert len(countries) == len(cm.score(sample).countries)
    parquet = gpd.read_parquet(tmp_path / "parquet" / "countries.parquet")
    assert parquet.geometry.notna().sum() == countries.geometry.notna().sum() > 0


def test_fingerprint_sees_nested_and_symlinked_files_but_not_build_state(tmp_path):
    from cablemap.pipeline.builder import fingerprint  # noqa: PLC0415

    data = tmp_path / "data"
    (data / "cable").mkdir(parents=True)
    (data / "cable" / "a.json").write_text("{}")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.json").write_text("{}")
    (data / "linked").symlink_to(elsewhere, target_is_directory=True)
    (data / "loop").symlink_to(data, target_is_directory=True)  # walked once, no hang
    before = fingerprint([data])
    (data / ".cablemap-build").mkdir()
    (data / ".cablemap-build" / "state.json").write_text("{}")
    assert fingerprint([data]) == before
    (elsewhere / "b.json").write_text('{"x": 1}')
    assert fingerprint([data]) != before
    assert fingerprint([tmp_path / "missing"]) != fingerprint([data])


def test_model_asking_for_the_probabilistic_view(tmp_path):
    model = _models(tmp_path, light=False)
    model.write_text(model.read_text() + "\n[probabilistic]\nyears = 400\nseed = 3\n")
    catalogue = tmp_path / "quakes.csv"
    # invented: a strong earthquake by Tonga's cable
    catalogue.write_text("Date,Latitude,Longitude,Magnitude\n01/01/1990,-20.8,-175.4,7.5\n")
    out = tmp_path / "maps"
    config = BuildConfig(out=out, model=model, hazards=(catalogue,), formats=("csv",))
    first = build(config)
    assert first.ran == [
        "load",
        "validate",
        "score",
        "scenarios",
        "simulate",
        "plan",
        "exports",
        "briefs",
        "maps",
    ]
    assert (out / "probabilistic.html").is_file()
    payload = json.loads((out / "probabilistic.json").read_text())
    assert (payload["years"], payload["seed"]) == (400, 3)
    assert "probabilistic.html" in (out / "index.html").read_text()
    countries = (out / "exports" / "csv" / "countries.csv").read_text()
    assert "probability_cut_off" in countries.splitlines()[0]
    meta = json.loads((out / "exports" / "csv" / "metadata.json").read_text())
    assert meta["simulation"] == {"years": 400, "seed": 3, "fault_model": "faults-v2"}
    assert build(config).up_to_date
    # the same build without the table: no simulation; the index no longer links the page
    # (publication never deletes files: the old page stays on disk, unlisted)
    model.write_text(model.read_text().replace("[probabilistic]\nyears = 400\nseed = 3\n", ""))
    again = build(config)
    assert "simulate" in again.skipped and "maps" in again.ran
    assert "probabilistic.html" not in (out / "index.html").read_text()
    assert "probability_cut_off" not in (out / "exports" / "csv" / "countries.csv").read_text()
