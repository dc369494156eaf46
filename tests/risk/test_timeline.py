"""New international cables per RFS year by supplier tier: counts match the data."""

from __future__ import annotations

import shutil

import pytest

import cablemap as cm
from cablemap._validate import is_missing
from cablemap.risk.history.timeline import TIMELINE_COLUMNS, count_by_year, new_cables_by_year

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


def _international(scores, layers, country=None):
    """Ids of the international cables of a country (or of the region), from the layers."""
    cables = scores.cables[scores.cables["international"]]
    if country is None:
        cables = cables[cables["in_region"]]
    else:
        cables = cables[cables["countries"].map(lambda cs: country in cs)]
    return layers.cables.set_index("cable_id").loc[cables["cable_id"]]


@pytest.mark.parametrize("country", [None, "FJI", "JPN", "TON"])
def test_counts_sum_to_the_international_cables_with_a_year(sample, sample_scores, country):
    table = new_cables_by_year(sample_scores, sample, country)
    cables = _international(sample_scores, sample, country)
    dated = cables[cables["rfs_year"].notna()]
    assert list(table.columns) == list(TIMELINE_COLUMNS)
    assert int(table["total"].sum()) == len(dated)
    assert table.attrs["cables"] == len(cables)
    assert table.attrs["no_rfs_year"] == len(cables) - len(dated)
    # every year's count is the number of cables with that RFS year
    assert table["total"].to_dict() == dated["rfs_year"].astype(int).value_counts().to_dict()


def test_tonga_has_one_cable_in_2013_with_a_trusted_supplier(sample, sample_scores):
    table = new_cables_by_year(sample_scores, sample, "TON")
    # Tonga Cable (Suva-Nuku'alofa), Alcatel-Lucent (ASN), ready for service in 2013
    assert table.index.tolist() == [2013]
    assert table.loc[2013, "trusted"] == 1
    assert table.loc[2013, "high_tier_share"] == 0.0


def test_full_release_counts_missing_suppliers_and_years(tg_v3, v3_scores):
    scores = v3_scores
    table = new_cables_by_year(scores, tg_v3)
    cables = _international(scores, tg_v3)
    dated = cables[cables["rfs_year"].notna()]
    assert int(table["total"].sum()) == len(dated)
    assert int(table["no_supplier"].sum()) == int(dated["suppliers"].map(is_missing).sum()) > 0
    assert table.attrs["no_rfs_year"] + len(dated) == len(cables)
    high = int(table["high"].sum())
    named = int((table["total"] - table["no_supplier"]).sum())
    assert 0 < high < named
    # the share is high / cables naming a supplier, per year
    row = table[table["high"] > 0].iloc[0]
    assert row["high_tier_share"] == pytest.approx(
        row["high"] / (row["total"] - row["no_supplier"])
    )


def test_undated_cables_are_reported_not_dropped():
    table = count_by_year(["a", "b", "c"], [2020, None, 2020], ["high", "trusted", "no_supplier"])
    assert table.loc[2020, "total"] == 2
    assert table.loc[2020, "high_tier_share"] == 1.0
    assert table.attrs["no_rfs_year"] == 1 and table.attrs["no_rfs_year_ids"] == ["b"]


def test_unknown_country_is_an_error(sample, sample_scores):
    with pytest.raises(cm.CablemapError, match="'XXX' but no scored country"):
        new_cables_by_year(sample_scores, sample, "XXX")


def test_planned_cables_count_where_the_model_scores_them(tmp_path, sample, sample_scores):
    models = tmp_path / "m"
    shutil.copytree(cm.risk_models_path(), models)
    path = models / "dcs-v2.toml"
    text = path.read_text()
    path.write_text(
        text.replace('statuses = ["in_service"]', 'statuses = ["in_service", "planned"]')
    )
    scored = cm.score(sample, path)
    with_planned = new_cables_by_year(scored, sample)
    in_service = new_cables_by_year(sample_scores, sample)
    planned = sample.cables[sample.cables["status"] == "planned"]
    planned_intl = _international(scored, sample).index.intersection(planned["cable_id"])
    assert len(planned_intl) > 0
    assert int(with_planned["total"].sum()) == int(in_service["total"].sum()) + len(planned_intl)
    assert with_planned.index.max() == int(
        planned.set_index("cable_id").loc[planned_intl, "rfs_year"].max()
    )
