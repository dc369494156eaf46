"""The command line: exact exit codes and messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_real_release_reports_and_exits_0(runner, tg_v3_path):
    result = runner.invoke(cli, ["validate", str(tg_v3_path), "--max-issues", "2"])
    assert result.exit_code == 0, result.output
    assert "cables loaded: 521" in result.output
    assert "landing points loaded: 1414" in result.output
    assert "33 warnings in field 'length': length not reported" in result.output
    assert "... and 42 more issue(s)" in result.output


def test_validate_fatal_problem_exits_1_with_message(runner, tiny_v3):
    (tiny_v3 / "landing-point" / "landing-point-geo.json").unlink()
    result = runner.invoke(cli, ["validate", str(tiny_v3)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "landing-point-geo.json' does not exist" in result.output


def test_validate_strict_fails_on_skipped_records(runner, tiny_v3):
    (tiny_v3 / "cable" / "c2.json").write_text("{")
    assert runner.invoke(cli, ["validate", str(tiny_v3)]).exit_code == 0
    result = runner.invoke(cli, ["validate", str(tiny_v3), "--strict"])
    assert result.exit_code == 1
    assert "1 record(s) skipped (strict mode)" in result.output
    assert "c2.json, record 'c2', field '(file)'" in result.output


def test_missing_source_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--source", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_build_writes_the_map(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cables.html").is_file()
    assert f"Wrote {tmp_path / 'cables.html'}" in result.output


def test_build_rejects_a_bad_region_file(runner, tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text(
        '[region]\nname = "x"\nbbox = [10, 0, 5, 1]\ncountries = ["SGP"]\nsource = "me"\n'
    )
    result = runner.invoke(cli, ["build", "--out", str(tmp_path), "--region", str(bad)])
    assert result.exit_code == 1
    assert f"Error: '{bad}', key 'region.bbox': was [10, 0, 5, 1]" in result.output


def test_export_and_info(runner, tmp_path):
    out = tmp_path / "sample.gpkg"
    result = runner.invoke(cli, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["info", "--source", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["cables"] == len(cm.load().cables)
    assert summary["sources"]["cables"]["source_version"] == "cablemap sample 2026-11"


def test_fetch_offline_fails_fast(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "cache_folder", tmp_path / "cache")
    result = runner.invoke(
        cli,
        [
            "fetch",
            "telegeography",
            "--out",
            str(tmp_path / "tg"),
            "--base-url",
            "http://127.0.0.1:9/",
        ],
    )
    assert result.exit_code == 1
    assert (
        "Error: could not download 'http://127.0.0.1:9/landing-point/landing-point-geo.json'"
        in result.output
    )


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.output == f"cablemap, version {cm.__version__}\n"
