"""The command line: exact exit codes and messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from tests.conftest import SHARED


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_real_release_reports_and_exits_0(runner, tg_v3_path):
    result = runner.invoke(cli, ["validate", str(tg_v3_path), "--max-issues", "2"])
    assert result.exit_code == 0, result.output
    assert "cables loaded: 521" in result.output
    assert "landing points loaded: 1414" in result.output
    assert "33 warnings in field 'length': length not reported" in result.output
    assert "... and 42 more warning(s)" in result.output


def test_validate_fatal_problem_exits_1_with_message(runner, tiny_v3):
    (tiny_v3 / "landing-point" / "landing-point-geo.json").unlink()
    result = runner.invoke(cli, ["validate", str(tiny_v3)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "landing-point-geo.json' does not exist" in result.output


def test_validate_exits_1_with_a_headline_when_a_record_was_skipped(runner, tiny_v3):
    c2 = tiny_v3 / "cable" / "c2.json"
    c2.write_text("{")
    result = runner.invoke(cli, ["validate", str(tiny_v3)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{tiny_v3}: 1 record skipped, in cable/c2.json (1)"
    assert "  cables loaded: 1" in lines
    assert (
        f"  - error: {c2}, record 'c2', field '(file)': file is not valid JSON: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1); "
        "cable skipped"
    ) in lines
    assert "OK" not in result.output
    strict = runner.invoke(cli, ["validate", str(tiny_v3), "--strict"])
    assert strict.exit_code == 1
    assert strict.output.startswith("Error: ")
    assert "1 record(s) skipped (strict mode)" in strict.output
    assert "c2.json, record 'c2', field '(file)'" in strict.output


def test_validate_warnings_alone_exit_0(runner, tiny_v3):
    record = json.loads((tiny_v3 / "cable" / "c1.json").read_text())
    record["length"] = "n.a."
    (tiny_v3 / "cable" / "c1.json").write_text(json.dumps(record))
    result = runner.invoke(cli, ["validate", str(tiny_v3)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{tiny_v3}: OK"
    assert "1 warning in field 'length': length not reported" in result.output


def test_missing_source_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--source", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_build_writes_the_map(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("strategic_nodes.html", "vendor_exposure.html", "index.html"):
        assert (tmp_path / name).is_file()
        assert f"Wrote {tmp_path / name}\n" in result.output


def test_scenario_map_and_index(runner, tmp_path):
    args = [
        "scenario",
        "--cut-cable",
        "tonga-cable",
        "--map",
        "--name",
        "Tonga 2022",
        "--out",
        str(tmp_path),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "scenario_tonga_2022.html").is_file()
    assert (
        '<a href="scenario_tonga_2022.html">Scenario: tonga 2022</a>'
        in (tmp_path / "index.html").read_text()
    )


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


def _examples(help_text: str) -> list[str]:
    """The lines of a command docstring's ``Example:`` block."""
    _, _, block = help_text.partition("Example:")
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_help_keeps_each_example_on_its_own_line(runner, command):
    result = runner.invoke(cli, [command, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "\\b" not in result.output and "\b" not in result.output
    examples = _examples(cli.commands[command].help or "")
    assert examples, f"{command} --help has no examples"
    lines = [line.strip() for line in result.output.splitlines()]
    for example in examples:
        assert example.startswith(f"cablemap {command}"), example
        assert example in lines, f"{example!r} is not on a line of its own"


def test_version_has_one_source():
    from importlib.metadata import version  # noqa: PLC0415

    assert cm.__version__ == version("cablemap")


def test_unwritable_path_is_one_line_error(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = runner.invoke(cli, ["export", "--out", str(blocker / "d"), "--format", "parquet"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: '{blocker / 'd'}': ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_score_json_contract(runner, tg_v3_path):
    ne = tg_v3_path.parent.parent / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
    result = runner.invoke(
        cli, ["score", "--source", str(tg_v3_path), "--countries", str(ne), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["landing_points"]) == 1414
    assert len(payload["cables"]) == 456
    for key in ("landing_points", "cables", "countries"):
        for row in payload[key]:
            assert {"id", "score", "rank", "formula", "components"} <= set(row)
            parts = row["components"].values()
            if row["formula"] == "weighted sum":  # cables
                total = sum(c["contribution"] for c in parts)
                assert total == pytest.approx(row["score"], abs=1e-5)
                assert all(set(p) == {"value", "weight", "contribution"} for p in parts)
                continue
            # importance^0.7 x vulnerability^0.3: each group's contributions add up to it
            assert row["formula"] == "importance^0.7 x vulnerability^0.3"
            for group in ("importance", "vulnerability"):
                total = sum(p["contribution"] for p in parts if p["group"] == group)
                assert total == pytest.approx(row[group], abs=1e-5)
            product = row["importance"] ** 0.7 * row["vulnerability"] ** 0.3
            assert product == pytest.approx(row["score"], abs=1e-5)
    countries = {row["id"]: row for row in payload["countries"]}
    assert countries["TON"]["redundancy_cables"] == 1
    assert all("redundancy_cables" in row for row in payload["countries"])
    assert payload["model"]["name"] == "dcs-v2"


def test_score_table_explain_and_csv(runner, tmp_path):
    result = runner.invoke(cli, ["score", "--entity", "country", "--top", "3"])
    assert result.exit_code == 0, result.output
    # the sample's 38 countries and the region's 35 others, unconnected
    assert result.output.startswith("countries (top 3 of 73, model dcs-v2)\n")
    result = runner.invoke(cli, ["score", "--explain", "tonga-cable"])
    assert result.exit_code == 0
    assert "cable 'tonga-cable': score" in result.output
    assert "  dependence           1.0000    0.300        0.3000" in result.output
    result = runner.invoke(cli, ["score", "--format", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == [
        "cables.csv",
        "countries.csv",
        "facilities.csv",
        "landing_points.csv",
        "metros.csv",
    ]
    result = runner.invoke(cli, ["score", "--format", "csv", "--entity", "cable", "--top", "2"])
    assert result.output.count("\n") == 3 and result.output.startswith("cable_id,")


def test_score_json_is_the_scores_payload(runner, sample):
    args = ["score", "--format", "json", "--entity", "country", "--top", "3", "--region-only"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert list(payload) == ["countries", "model", "sensitivity", "notes"]
    expected = cm.score(sample).to_json_dict(["country"], top=3, region_only=True)
    assert [r["id"] for r in payload["countries"]] == [r["id"] for r in expected["countries"]]
    assert [r["rank"] for r in payload["countries"]] == sorted(
        r["rank"] for r in expected["countries"]
    )
    assert all(r["in_region"] for r in payload["countries"])


def test_score_errors(runner, tmp_path):
    result = runner.invoke(cli, ["score", "--explain", "tonga-cabel"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: no landing point, cable, country, facility or metro has id 'tonga-cabel'"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (cm.risk_models_path() / "dcs-v2.toml").read_text().replace("reach = 0.15", "reach = 0.5")
    )
    result = runner.invoke(cli, ["score", "--model", str(bad)])
    assert result.exit_code == 1
    # every problem of the file at once: the weights, and the files it names that are not
    # beside it (it was copied alone)
    assert result.output.startswith(f"Error: '{bad}': 9 problems:\n")
    assert f"'{bad}', key 'weights.cable': weights sum to 1.35" in result.output
    assert f"'{bad}', key 'model.region': " in result.output


def test_scenario_json_contract(runner, tg_v3_path):
    args = [
        "scenario",
        "--source",
        str(tg_v3_path),
        "--cut-cable",
        "tonga-cable",
        "--cut-cable",
        "Tonga Domestic Cable Extension (TDCE)",
        "--format",
        "json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["cut_cables"] == ["tonga-cable", "tonga-domestic-cable-extension-tdce"]
    assert payload["isolated_countries"] == ["TON"]
    ton = next(c for c in payload["countries"] if c["iso3"] == "TON")
    assert {"iso3", "name", "cables_before", "cables_after", "isolated"} <= set(ton)
    assert (ton["cables_before"], ton["cables_after"], ton["isolated"]) == (1, 0, True)
    assert {"lp_id", "isolated"} <= set(payload["landing_points"][0])
    assert "SHN" in payload["unconnected_countries"]  # no in-service cable in 2022


def test_scenario_table_sweep_and_errors(runner):
    result = runner.invoke(cli, ["scenario", "--cut-area", "luzon-strait"])
    assert result.exit_code == 0, result.output
    assert "isolated countries: none\n" in result.output
    result = runner.invoke(cli, ["scenario", "--sweep", "--top", "3"])
    assert result.exit_code == 0
    assert result.output.startswith("single-cable and chokepoint cuts ranked by impact (top 3 of")
    result = runner.invoke(cli, ["scenario", "--cut-cable", "tonga-cabel"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: no cable has id or name 'tonga-cabel'; closest: ['tonga-cable'"
    )
    result = runner.invoke(cli, ["scenario"])
    assert result.exit_code == 2
    assert (
        "give at least one --cut-cable, --cut-area, --cut-vendor or --cut-border, or --sweep"
        in result.output
    )
    result = runner.invoke(
        cli, ["scenario", "--cut-cable", "tonga-cable", "--cross-border", "TONGA"]
    )
    assert result.exit_code == 2


def test_scenario_table_shows_the_facility_shares_a_vendor_cut_takes(runner):
    result = runner.invoke(cli, ["scenario", "--cut-vendor", "tier:high"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "cut facilities: 21" in lines
    header = next(line for line in lines if line.startswith("country "))
    assert header.split() == [
        *("country", "intl", "cables", "reachable", "countries"),
        *("facilities", "lost", "interconnection", "lost", "isolated"),
    ]
    rows = {line.split()[0]: line for line in lines[lines.index(header) + 1 :]}
    # the sample's only Chinese facilities are Alibaba's and Huawei's cloud regions; cloud
    # regions record no networks or exchanges, so no interconnection share
    assert rows["CHN"].split()[-3:] == ["2/2", "(100.0%)", "-"]
    assert rows["SGP"].split()[-3:] == ["3/7", "(42.9%)", "-"]
    assert rows["AUS"].split()[-2:] == ["-", "-"]  # cables cut, no facility of the tier
    cables_only = runner.invoke(cli, ["scenario", "--cut-cable", "tonga-cable"])
    assert "facilities lost" not in cables_only.output
    assert "cut facilities" not in cables_only.output


def test_scenario_table_interconnection_share_on_peeringdb(runner, tg_v3_path, tmp_path):
    pdb = SHARED / "facilities" / "peeringdb-2024-10" / "peeringdb.kmz"
    project = tmp_path / "cablemap.toml"
    project.write_text(f'[layers]\ncables = "{tg_v3_path}"\nfacilities = ["{pdb}"]\n')
    args = ["scenario", "--source", str(project), "--cut-vendor", "tier:high"]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    payload = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    lost = [f for f in payload["facilities"] if f["interconnection_share_lost"] > 0]
    assert lost  # PeeringDB facilities of high-tier operators carry networks and exchanges
    rows = {line.split()[0]: line for line in table.output.splitlines() if line[:3].isupper()}
    for f in lost:
        taken = f["interconnection_before"] - f["interconnection_after"]
        cell = f"{taken}/{f['interconnection_before']} ({f['interconnection_share_lost']:.1%})"
        assert cell in rows[f["iso3"]], (f, rows.get(f["iso3"]))


# ----------------------------------------------------------------------------- simulate (issue 14)
def test_simulate_json_contract(runner):
    result = runner.invoke(cli, ["simulate", "--years", "300", "--seed", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == [
        "years",
        "seed",
        "engine",
        "countries",
        "landing_points",
        "cables",
        "events_by_cause",
        "multi_cable_events_per_year",
        "multi_cable_events_by_chokepoint",
        "notes",
    ]
    assert (payload["years"], payload["seed"], payload["engine"]) == (300, 3, "local")
    assert set(payload["countries"][0]) == {
        "iso3",
        "probability_cut_off",
        "ci_low",
        "ci_high",
        "expected_days_cut_off",
        "top_cables",
        "repair_zone",
    }
    assert set(payload["events_by_cause"]) == {"independent", "anchor", "earthquake", "chokepoint"}
    again = runner.invoke(cli, ["simulate", "--years", "300", "--seed", "3", "--format", "json"])
    assert json.loads(again.stdout) == payload


def test_simulate_table(runner, tmp_path):
    catalogue = tmp_path / "quakes.csv"
    # invented: one strong earthquake beside Tonga's cable, one far from any cable
    catalogue.write_text(
        "Date,Latitude,Longitude,Magnitude\n01/01/1990,-20.8,-175.4,7.5\n01/01/2010,-60,0,6\n"
    )
    result = runner.invoke(
        cli, ["simulate", "--years", "500", "--hazards", str(catalogue), "--top", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "simulated 500 years (seed 14, engine local, 1 worker)" in result.output
    assert "countries most likely to be cut off by sea in a year (top 5 of" in result.output
    assert "TON   Tonga" in result.output and "tonga-cable (100%)" in result.output
    assert "cables most often part of a country's loss" in result.output
    assert "no earthquake catalogue" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler and --workers need --engine dask"),
        (["--engine", "dask", "--scheduler", "x", "--workers", "2"], "Use just one of"),
        (["--years", "0"], "0 is not in the range x>=1"),
        (["--engine", "spark"], "'spark' is not one of 'local', 'dask'"),
    ],
)
def test_simulate_usage_errors(runner, args, message):
    result = runner.invoke(cli, ["simulate", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_simulate_bad_fault_model_names_every_problem_without_traceback(runner, tmp_path):
    faults = tmp_path / "faults.toml"
    faults.write_text('[model]\nname = "x"\n')
    result = runner.invoke(cli, ["simulate", "--faults", str(faults), "--years", "10"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: '{faults}': 4 problems:\n")
    assert (
        f"  - '{faults}', key 'rates': missing: a [rates] table with "
        + ("['base_per_1000km', 'coastal_factor', 'coastal_km'] is required\n")
        in result.output
    )
    for table in ("seismic", "repair", "simulation"):
        assert f"key {table!r}: missing" in result.output
    assert "Traceback" not in result.output


def test_simulate_unreachable_scheduler_is_one_line_error(runner, monkeypatch):
    pytest.importorskip("dask.distributed")
    from cablemap.risk.simulation import simulate as sim  # noqa: PLC0415

    monkeypatch.setattr(sim, "SCHEDULER_TIMEOUT", "1s")
    args = ["simulate", "--years", "10", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no Dask scheduler answers at 'tcp://127.0.0.1:9'")
    assert result.output.count("\n") == 1


def test_score_takes_a_catalogue(runner, tmp_path):
    catalogue = tmp_path / "quakes.csv"
    catalogue.write_text("Date,Latitude,Longitude,Magnitude\n01/01/1990,-20.8,-175.4,7.5\n")
    result = runner.invoke(
        cli, ["score", "--hazards", str(catalogue), "--explain", "tonga-cable", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    detail = json.loads(result.stdout)
    assert detail["components"]["hazard"]["value"] > 0
    assert detail["components"]["hazard"]["weight"] == 0.0
