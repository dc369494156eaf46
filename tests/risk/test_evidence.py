"""Dated, share-weighted vendor evidence (issue 22): the embedded cited tables, as of a year."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pandas as pd
import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap._resources import sample_path
from cablemap.cli import cli
from cablemap.layers.attach import evidence_files
from cablemap.layers.footprints import footprints_from_file, in_force, year_of
from cablemap.layers.shares import operator_shares_from_file
from cablemap.risk.analysis import Analysis
from cablemap.risk.scoring.exposure import exposure_evidence

FOOTPRINTS = sample_path() / "vendor_footprints.csv"
SHARES = sample_path() / "operator_shares.csv"
STATIONS = sample_path() / "landing_station_operators.csv"


def _mobile(scores: cm.Scores, iso3: str) -> pd.Series:
    return scores.countries.set_index("iso3").loc[iso3]


def _operators(row: pd.Series) -> dict[str, float]:
    return {o["operator"]: o["value"] for o in row["exposure_mobile_operators"]}


def test_japan_and_singapore_mobile_below_cambodia_and_the_philippines(sample_scores):
    """One operator's legacy vendor no longer decides a country: SoftBank's Huawei/ZTE 4G
    (being phased out since 2018) is a quarter of Japan's market; M1's Huawei 4G and TPG's
    Huawei 5G a third of Singapore's."""
    jpn, sgp = _mobile(sample_scores, "JPN"), _mobile(sample_scores, "SGP")
    khm, phl = _mobile(sample_scores, "KHM"), _mobile(sample_scores, "PHL")
    for low in (jpn, sgp):
        for high in (khm, phl):
            assert low["exposure_mobile"] < high["exposure_mobile"]
    assert jpn["exposure_mobile_max"] == 0.5  # a high-tier vendor present, being phased out
    assert sgp["exposure_mobile_max"] == 1.0  # ... and present: the flag apart from the share
    assert _operators(jpn)["SoftBank"] == 0.5 and _operators(jpn)["NTT Docomo"] == 0.0
    assert jpn["exposure_mobile_basis"].startswith("cited shares of")


def test_digicel_pacific_is_one_network_in_2022_and_phased_out_after_2023(sample):
    """Tonga, Fiji, Vanuatu and Samoa read the same Digicel (Huawei) network in 2022; the
    Nokia swap announced on 2023-10-04 lowers all four alike from then on."""
    model = cm.load_model()
    scores = Analysis(sample, model, year=2022).scores
    digicel = {
        iso: v
        for iso in ("TON", "FJI", "VUT", "WSM")
        for name, v in _operators(_mobile(scores, iso)).items()
        if name.startswith("Digicel")
    }
    assert digicel == {"TON": 1.0, "FJI": 1.0, "VUT": 1.0, "WSM": 1.0}
    later = exposure_evidence(sample, model.vendor_profile, 2024)
    rows = later[later["operator"].str.startswith("Digicel") & later["part"].eq("ran_4g")]
    huawei = rows[rows["vendor"] == "Huawei"]
    assert set(huawei["iso3"]) >= {"TON", "FJI", "VUT", "WSM"}
    assert set(huawei["status"]) == {"phased_out"}


def test_a_year_reads_no_evidence_dated_later(sample):
    """`score --year 2010` (and the year control) use the evidence in force at the end of 2010."""
    scores = Analysis(sample, cm.load_model(), year=2010).scores
    fp = sample.vendor_footprints
    starts = fp["status_from"].map(year_of)
    later = fp[starts.notna() & (starts > 2010)]
    assert len(later) > 100  # most of the research is newer than 2010
    keys = ["iso3", "vendor", "status", "status_from", "source"]
    assert scores.evidence.merge(later[keys], on=keys).empty
    assert (scores.evidence["status_from"].map(year_of).fillna(0) <= 2010).all()
    # a status that ended is no longer in force: SoftBank's Huawei/ZTE 4G was deployed,
    # then phased out from 2018-12
    soft = fp[
        (fp["operator"] == "SoftBank") & (fp["vendor"] == "Huawei") & fp["domain"].eq("ran_4g")
    ]
    assert set(soft[in_force(soft, 2015)]["status"]) == {"deployed"}
    assert set(soft[in_force(soft, 2020)]["status"]) == {"phased_out"}
    result = CliRunner().invoke(cli, ["score", "--year", "2010", "--format", "json"])
    assert result.exit_code == 0, result.output


def test_unknown_is_a_range_and_marks_ranks_that_could_move(sample_scores):
    c = sample_scores.countries.set_index("iso3")
    tuv = c.loc["TUV"]  # Tuvalu: no mobile vendor found (searched, see its unknown rows)
    assert tuv["exposure_mobile_status"] == "unknown"
    assert (tuv["exposure_mobile_low"], tuv["exposure_mobile"], tuv["exposure_mobile_high"]) == (
        0.0,
        0.5,
        1.0,
    )
    assert (c["vendor_exposure_low"] <= c["vendor_exposure"] + 1e-12).all()
    assert (c["vendor_exposure"] <= c["vendor_exposure_high"] + 1e-12).all()
    moved = c[c["rank_uncertain"]]
    assert len(moved) and (moved["rank_best"] < moved["rank_worst"]).all()
    certain = c[(c["vendor_exposure_low"] == c["vendor_exposure_high"])]
    assert not certain["rank_uncertain"].any()


def test_the_default_project_reads_every_researched_row():
    layers = cm.load("cablemap.toml")
    assert {p.name for p in evidence_files()} == {
        "vendor_footprints.csv",
        "operator_shares.csv",
        "landing_station_operators.csv",
    }
    authored = footprints_from_file(FOOTPRINTS)
    fp = layers.vendor_footprints
    cited = fp[fp["source"].isin(set(authored["source"]))]
    assert len(cited) >= len(authored)
    assert len(layers.operator_shares) == len(operator_shares_from_file(SHARES))
    with STATIONS.open(encoding="utf-8") as fh:
        stations = {r["source_url"] for r in csv.DictReader(fh)}
    assert stations <= set(fp["source"])
    assert set(fp["domain"]) >= {"landing_station_operation", "slte_supply"}


def test_every_cited_row_names_an_http_source_and_a_plausible_date():
    """Every researched row (footprints, shares, landing stations): an http(s) source (an
    `unknown` row may have none, but must say what was searched) and dates between 1950 and
    today, an end not before its start."""
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    url = re.compile(r"https?://[^\s/]+\.[^\s]+$")
    for path, src in ((FOOTPRINTS, "source"), (SHARES, "source"), (STATIONS, "source_url")):
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, path
        for i, row in enumerate(rows, start=2):
            where = f"{path.name} row {i}"
            if row.get("status") == "unknown" or row.get("basis") == "equal_split":
                assert row["notes"].strip(), where
            else:
                assert url.match(row[src]), where
            for field in ("status_from", "source_date"):
                value = row.get(field, "").strip()
                if value:
                    assert "1950" <= value.split("/")[0] <= today, where
            if row.get("status_from") and row.get("status_to"):
                assert row["status_to"] >= row["status_from"], where


def test_the_specialist_s_corrections_hold():
    fp = footprints_from_file(FOOTPRINTS)
    twn = fp[(fp["iso3"] == "TWN") & (fp["vendor"] == "ZTE")]
    assert twn["source"].str.contains("taipeitimes.com").all()  # the original, not a mirror
    plw = fp[(fp["iso3"] == "PLW") & (fp["vendor"] == "Huawei")]
    assert plw["status_from"].map(year_of).max() <= 2021  # no date in the future
    assert set(plw[in_force(plw, 2022)]["status"]) == {"phased_out"}
    tls = fp[(fp["iso3"] == "TLS") & fp["domain"].isin(["ran_4g", "ran_5g", "mobile_core"])]
    assert set(tls["status"]) == {"unknown"}  # no 2G row filed as 4G
    khm5 = fp[(fp["iso3"] == "KHM") & (fp["domain"] == "ran_5g") & (fp["vendor"] == "Huawei")]
    assert set(khm5["status"]) == {"trial"}
    emc = fp[fp["status"] == "tendered_blocked"]
    assert {"KIR", "NRU", "FSM"} <= set(emc[emc["vendor"] == "HMN Tech"]["iso3"])
    png = fp[(fp["iso3"] == "PNG") & fp["operator"].str.contains("Telikom")]
    assert "Huawei" in set(png["vendor"])
    assert not fp["source"].str.contains("wikipedia.org").any()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("TON,X,Huawei,ran_4g,deployed,2031,,https://a.example/x,2020,n", "later than today"),
        ("TON,X,Huawei,ran_4g,deployed,2020,2019,https://a.example/x,2020,n", "is before"),
        ("TON,X,Huawei,ran_4g,deployed,2020,,www.example.com,2020,n", "not an http\\(s\\) URL"),
        ("TON,X,Huawei,ran_4g,rumoured,2020,,https://a.example/x,2020,n", "field 'status'"),
        ("TON,X,Huawei,ran_4g,deployed,1850,,https://a.example/x,2020,n", "before 1950"),
    ],
)
def test_a_bad_footprint_row_is_named(tmp_path, row, message):
    path = tmp_path / "fp.csv"
    header = "iso3,operator,vendor,domain,status,status_from,status_to,source,source_date,notes"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(cm.LayerValidationError, match=message) as info:
        footprints_from_file(path, today=dt.date(2026, 12, 2))
    assert "row 2" in str(info.value) and "fp.csv" in str(info.value)


def test_shares_that_do_not_add_up_are_refused(tmp_path):
    path = tmp_path / "shares.csv"
    path.write_text(
        "iso3,domain,operator,share,year,basis,source,source_date,notes\n"
        "TON,mobile,A,0.5,2020,subscribers,https://a.example/x,2020,\n"
        "TON,mobile,B,0.3,2020,subscribers,https://a.example/x,2020,\n",
        encoding="utf-8",
    )
    with pytest.raises(cm.LayerValidationError, match="TON mobile 2020 add up to 0.800"):
        operator_shares_from_file(path)
