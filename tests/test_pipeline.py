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
from tests.conftest import REPO

SAMPLE = REPO / "geodata" / "sample"


def _models(tmp_path: Path) -> Path:
    folder = tmp_path / "risk_models"
    shutil.copytree(cm.risk_models_path(), folder)
    return folder / "dcs-v1.toml"


def _reweight(model: Path) -> None:
    text = model.read_text()
    assert "reach = 0.15" in text and "chokepoint = 0.20" in text
    model.write_text(
        text.replace("reach = 0.15", "reach = 0.25").replace(
            "chokepoint = 0.20", "chokepoint = 0.10"
        )
    )


def test_first_build_then_nothing_to_do(tmp_path):
    config = BuildConfig(out=tmp_path / "maps", model=_models(tmp_path))
    first = build(config)
    assert first.ran == ["load", "validate", "score", "scenarios", "maps", "exports"]
    names = {p.name for p in first.outputs}
    assert {
        "index.html",
        "strategic_nodes.html",
        "vendor_exposure.html",
        "scenario_luzon-strait.html",
        "scores.gpkg",
        "metadata.json",
    } <= names
    second = build(config)
    assert second.up_to_date and second.outputs == []


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
        "cablemap.pipeline.builder.export_scores", boom
    )  # after the maps are staged
    with pytest.raises(OSError, match="injected"):
        build(config)
    assert {p: p.read_bytes() for p in (tmp_path / "maps").glob("*.html")} == before
    assert not list((tmp_path / "maps" / ".cablemap-build").glob("staging-*"))
    monkeypatch.undo()
    assert {"score", "maps", "exports"} <= set(build(config).ran)  # the failed work is redone


def test_cli_failed_build_exits_1(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "cablemap.pipeline.builder.score",
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
    old_ids = set(cm.load(tg_v2_path).cables["cable_id"])
    new_ids = set(cm.load(tg_v3_path).cables["cable_id"])
    accounted = (
        set(report["cables"]["added"])
        | set(report["cables"]["removed"])
        | set(report["cables"]["changed"])
    )
    assert len(accounted) + report["cables"]["unchanged"] == len(old_ids | new_ids) == 565
    assert set(report["cables"]["added"]) == new_ids - old_ids
    assert set(report["cables"]["removed"]) == old_ids - new_ids
    assert "suppliers" in report["cables"]["changed"]["asia-pacific-gateway-apg"]
    assert "SUR" in report["scores"]["isolation"]["became_single_cable"]
    assert '<a href="changes.html">' in (out / "index.html").read_text()
    assert any(line.startswith("cables: 94 added, 44 removed") for line in result.changes)


def test_diff_cli(tg_v2_path, tg_v3_path):
    result = CliRunner().invoke(
        cli, ["diff", str(tg_v2_path), str(tg_v3_path), "--format", "json", "--no-scores"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"added", "removed", "changed", "unchanged"} <= set(report["cables"])
    assert len(report["cables"]["added"]) == 94 and len(report["landing_points"]["added"]) == 243
    table = CliRunner().invoke(cli, ["diff", str(tg_v2_path), str(tg_v3_path), "--no-scores"])
    assert "cables: 94 added, 44 removed, 320 changed, 107 unchanged" in table.output


def test_exports_carry_licence_and_model(tmp_path, tg_v3):
    scores = cm.score(tg_v3)
    paths = export_scores(scores, tg_v3, tmp_path)
    meta = gpd.read_file(tmp_path / "scores.gpkg", layer="cablemap_metadata").set_index("key")[
        "value"
    ]
    assert "CC BY-NC-SA 3.0" in meta["licence"] and json.loads(meta["model"])["name"] == "dcs-v1"
    parquet_meta = json.loads(
        pq.read_schema(tmp_path / "parquet" / "cables.parquet").metadata[b"cablemap"]
    )
    assert parquet_meta["licence"] == ["© TeleGeography, CC BY-NC-SA 3.0"]
    lps = gpd.read_parquet(tmp_path / "parquet" / "landing_points.parquet")
    assert len(lps) == 1414 and lps.crs.to_epsg() == 4326
    csv_meta = json.loads((tmp_path / "csv" / "metadata.json").read_text())
    assert csv_meta["model"]["weights"]["country"]["fragility"] == 0.2
    assert len(paths) == 9  # gpkg; 3 parquet + metadata.json; 3 csv + metadata.json


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


def test_model_asking_for_the_probabilistic_view(tmp_path):
    model = _models(tmp_path)
    model.write_text(model.read_text() + "\n[probabilistic]\nyears = 400\nseed = 3\n")
    catalogue = tmp_path / "quakes.csv"
    # invented: a strong earthquake by Tonga's cable
    catalogue.write_text("Date,Latitude,Longitude,Magnitude\n01/01/1990,-20.8,-175.4,7.5\n")
    out = tmp_path / "maps"
    config = BuildConfig(out=out, model=model, hazards=(catalogue,), formats=("csv",))
    first = build(config)
    assert first.ran == ["load", "validate", "score", "scenarios", "simulate", "maps", "exports"]
    assert (out / "probabilistic.html").is_file()
    payload = json.loads((out / "probabilistic.json").read_text())
    assert (payload["years"], payload["seed"]) == (400, 3)
    assert "probabilistic.html" in (out / "index.html").read_text()
    countries = (out / "exports" / "csv" / "countries.csv").read_text()
    assert "probability_cut_off" in countries.splitlines()[0]
    meta = json.loads((out / "exports" / "csv" / "metadata.json").read_text())
    assert meta["simulation"] == {"years": 400, "seed": 3, "fault_model": "faults-v1"}
    assert build(config).up_to_date
    # the same build without the table: no simulation; the index no longer links the page
    # (publication never deletes files: the old page stays on disk, unlisted)
    model.write_text(model.read_text().replace("[probabilistic]\nyears = 400\nseed = 3\n", ""))
    again = build(config)
    assert "simulate" in again.skipped and "maps" in again.ran
    assert "probabilistic.html" not in (out / "index.html").read_text()
    assert "probability_cut_off" not in (out / "exports" / "csv" / "countries.csv").read_text()
