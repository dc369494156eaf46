"""The investment planner: real outcomes on the 2022 release, the JSON contract, the budget."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def plan_2022(v3_analysis) -> cm.Plan:
    return v3_analysis.plan()


def test_first_picks_link_timor_leste_to_australia_and_reach_kiribati_and_nauru(plan_2022):
    """Timor-Leste, Tuvalu, Nauru and South Tarawa had no cable in the 2022 release; the
    planner's first picks give Timor-Leste a trusted path to Australia and reach Kiribati's
    capital and Nauru, as the projects that followed did.

    Timor-Leste South Submarine Cable (TLSSC), Dili to Australia's North-West Cable System,
    landed in Dili on 24 June 2024 with Australian Government support: sources
    https://www.submarinenetworks.com/en/systems/asia-australia/png-national/tlssc/tlssc-cable-lands-in-timor-leste
    (2024-06-24), https://timor-leste.gov.tl/?p=38073&n=1&lang=en (2024-06-24). The East
    Micronesia Cable (Tarawa, Nauru and Kosrae onto HANTRU-1 at Pohnpei) was tendered in
    2020-21 (the pacific research rows of geodata/sample/vendor_footprints.csv).
    """
    table = plan_2022.candidates.set_index("id")
    first = plan_2022.picks[:4]
    tls = [p for p in first if "TLS" in p["lifts"]]
    assert tls and "AUS" in table.at[tls[0]["id"], "far_end"], first
    assert "Dili (TLS) unconnected (0) -> 1" in tls[0]["reason"]
    reached = {k for p in first for k in p["lifts"]}
    assert {"KIR", "NRU"} <= reached, first
    kir = next(p for p in first if "KIR" in p["lifts"])
    assert kir["id"] == "spur:KIR:hantru1-cable-system"  # South Tarawa onto HANTRU-1
    c = plan_2022.countries.set_index("iso3")
    assert (c.at["TLS", "status_before"], c.at["TLS", "min_cut_before"]) == ("unconnected", 0)
    assert c.at["KIR", "status_before"] == "capital_unconnected"
    assert c.at["KIR", "capital_min_cut_after"] >= 1


def test_real_projects_are_costed_as_spurs_and_untrusted_far_ends_are_not_picked(plan_2022):
    table = plan_2022.candidates.set_index("id")
    nwcs = table.loc["spur:TLS:north-west-cable-system"]  # the TLSSC's host system
    assert nwcs["trusted"] and nwcs["far_end"] == ["AUS"] and nwcs["route_km"] < 600
    echo = table.loc["planned:PLW:echo"]  # Palau's second cable: a branch of Echo
    assert echo["route_km"] == 100.0 and "branching allowance" in echo["cost_basis"]
    alor = table.loc["link:TLS:kokar-indonesia"]  # 82 km to Alor: Indonesia is not trusted
    assert not alor["trusted"] and "IDN" in alor["why_untrusted"] and alor["rank"] == 0
    assert not set(plan_2022.portfolio) & set(table.index[~table["trusted"]])
    for cid, row in table.iterrows():  # no self-link, no zero-length candidate
        assert len(set(row["countries"])) >= 2 and row["route_km"] > 0, cid


def test_targets_exclude_dcs_exclusions_and_territories(plan_2022):
    c = plan_2022.countries.set_index("iso3")
    assert not c.at["CHN", "target"] and c.at["CHN", "why_not_target"] == "DCS exclusion"
    assert not c.at["GUM", "target"] and c.at["GUM", "why_not_target"] == "territory of USA"
    assert not c.at["LAO", "target"] and "landlocked" in c.at["LAO", "why_not_target"]
    assert c.at["TON", "target"] and c.at["TUV", "target"]
    targets = plan_2022.targets.set_index("key")
    assert targets.at["FSM", "min_cut_before"] == 1  # Palikir hangs on HANTRU-1 alone
    assert targets.at["KIR", "name"] == "South Tarawa"
    picked = set().union(
        *plan_2022.candidates.set_index("id").loc[plan_2022.portfolio, "countries"]
    )
    assert not picked & {"CHN", "HKG", "MAC", "RUS", "PRK"}


def test_json_contract_and_budget(sample, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", "--format", "json", "--budget-km", "3000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == [
        "candidates",
        "portfolio",
        "picks",
        "benefit_unit",
        "targets",
        "countries",
    ]
    assert set(data["candidates"][0]) == {
        "id",
        "name",
        "kind",
        "countries",
        "route_km",
        "cost_basis",
        "far_end",
        "trusted",
        "why_untrusted",
        "benefit",
        "components",
        "lifts",
        "rank",
    }
    assert set(data["candidates"][0]["components"]) == {
        "resilience",
        "status",
        "trusted_paths",
        "dcs_priority",
    }
    assert set(data["countries"][0]) == {
        "iso3",
        "name",
        "min_cut_before",
        "min_cut_after",
        "capital_min_cut_before",
        "capital_min_cut_after",
        "status_before",
        "status_after",
    }
    assert {"id", "name", "benefit", "route_km", "lifts", "reason"} == set(data["picks"][0])
    used = sum(c["route_km"] for c in data["candidates"] if c["id"] in data["portfolio"])
    assert 0 < used <= 3000
    small = cm.plan(sample, budget_km=800)
    big = cm.plan(sample, budget_km=6000)
    assert len(small.portfolio) < len(big.portfolio)


def test_analyst_candidates_file(sample, tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("id,from,to,route_km\nmy-link,TON,FJI,800\n", encoding="utf-8")
    p = cm.plan(sample, candidates_file=path, generate=False)
    row = p.candidates.set_index("id").loc["my-link"]
    assert row["kind"] == "analyst" and row["countries"] == ["FJI", "TON"]
    assert row["benefit"] > 0  # Tonga leaves single-cable status
    bad = tmp_path / "bad.csv"
    bad.write_text("id,from,to\nx,ATLANTIS,FJI\n", encoding="utf-8")
    with pytest.raises(cm.ScenarioError, match="'ATLANTIS' is no landing point id or ISO3"):
        cm.plan(sample, candidates_file=bad, generate=False)


def test_plan_map(sample, tmp_path):
    result = CliRunner().invoke(cli, ["plan", "--max", "2", "--map", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "investment_plan.html").read_text(encoding="utf-8")
    assert "Investment plan" in page and "unconnected country" in page
    assert '"dashArray": "8 6"' in page or "8 6" in page


def test_sweep_pairs_cli():
    result = CliRunner().invoke(cli, ["scenario", "--sweep", "--pairs", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)
    result = CliRunner().invoke(cli, ["scenario", "--pairs"])
    assert result.exit_code == 2 and "--pairs needs --sweep" in result.output
