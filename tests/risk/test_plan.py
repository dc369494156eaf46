"""The investment planner: real outcomes on the 2022 release, the JSON contract, the budget."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli


@pytest.fixture(scope="module")
def plan_2022(tg_v3, ne_countries) -> cm.Plan:
    return cm.plan(tg_v3, countries=ne_countries)


def test_timor_leste_link_to_australia_is_picked(plan_2022):
    """Timor-Leste had no cable in the 2022 release; a link to Australia's North-West Cable
    System is among the planner's picks.

    That cable was built after 2022: the Timor-Leste South Submarine Cable (TLSSC), Dili to the
    NWCS (Darwin-Port Hedland, landing also at Wurrumiyanga on Bathurst Island), landed in Dili
    on 24 June 2024, financed with Australian Government support (AIFFP). Sources:
    https://www.submarinenetworks.com/en/systems/asia-australia/png-national/tlssc/tlssc-cable-lands-in-timor-leste
    (2024-06-24) and https://timor-leste.gov.tl/?p=38073&n=1&lang=en (2024-06-24).
    """
    picks = plan_2022.portfolio
    assert any(p.startswith("link:TLS-") and "australia" in p for p in picks), picks
    tls = plan_2022.countries.set_index("iso3").loc["TLS"]
    assert (tls["status_before"], tls["min_cut_before"]) == ("unconnected", 0)
    assert tls["min_cut_after"] >= 1
    # every pick says why, naming the country it lifts
    first_tls = next(p for p in plan_2022.picks if p["id"].startswith("link:TLS-"))
    assert "TLS unconnected (0) -> 1" in first_tls["reason"]


def test_targets_exclude_dcs_exclusions_and_territories(plan_2022):
    c = plan_2022.countries.set_index("iso3")
    assert not c.at["CHN", "target"] and c.at["CHN", "why_not_target"] == "DCS exclusion"
    assert not c.at["GUM", "target"] and c.at["GUM", "why_not_target"] == "territory of USA"
    assert c.at["TON", "target"] and c.at["TUV", "target"]
    picked = set().union(
        *plan_2022.candidates.set_index("id").loc[plan_2022.portfolio, "countries"]
    )
    assert not picked & {"CHN", "HKG", "MAC", "RUS", "PRK"}


def test_json_contract_and_budget(sample, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", "--format", "json", "--budget-km", "3000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["candidates", "portfolio", "countries"]
    assert set(data["candidates"][0]) == {
        "id",
        "kind",
        "countries",
        "route_km",
        "benefit",
        "components",
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
        "min_cut_before",
        "min_cut_after",
        "status_before",
        "status_after",
    }
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
