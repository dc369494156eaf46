"""The embedded sample: loads cleanly, cites a source per row, agrees with the 2022 release."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

import cablemap as cm

SAMPLE = cm.sample_path()


def test_sample_loads_without_issues(sample):
    assert sample.report.issues == []
    assert len(sample.cables) >= 24
    assert sample.cables["route_synthetic"].all()  # every route is flagged as synthesised
    assert sample.cables.geometry.notna().all()
    assert sample.cables["source"].str.match(r"https://").all()
    assert sample.landing_points["source"].str.match(r"https://").all()
    assert {"SGP", "JPN", "TON", "TWN", "HKG", "PNG", "FJI", "GUM"} <= set(
        sample.landing_points["iso3"]
    )


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def test_sample_does_not_contradict_the_2022_release(sample, tg_v3):
    """For every sample cable in the 2022 release: same suppliers, RFS year and status, and
    landing countries among the release's (the sample may list fewer landings)."""
    ref = tg_v3.cables.set_index("cable_id")
    by_name = {_norm(n): i for i, n in ref["name"].items()}

    def countries(layers, cable_id):
        lps = layers.cable_landings.loc[layers.cable_landings["cable_id"] == cable_id, "lp_id"]
        return set(layers.landing_points.set_index("lp_id").loc[lps, "iso3"])

    matched = 0
    for cable in sample.cables.itertuples():
        ref_id = cable.cable_id if cable.cable_id in ref.index else by_name.get(_norm(cable.name))
        if ref_id is None:
            continue
        matched += 1
        row = ref.loc[ref_id]
        if cable.suppliers:
            assert set(cable.suppliers) == set(row["suppliers"]), cable.cable_id
        assert cable.rfs_year == row["rfs_year"], cable.cable_id
        assert cable.status == row["status"], cable.cable_id
        extra = countries(sample, cable.cable_id) - countries(tg_v3, ref_id)
        assert not extra, f"{cable.cable_id}: landing countries {extra} not in the 2022 release"
    assert matched >= 25


@pytest.mark.skipif(importlib.util.find_spec("searoute") is None, reason="searoute not installed")
def test_committed_sample_matches_its_facts(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("cables.geojson", "landing_points.geojson", "metadata.json"):
        assert json.loads((tmp_path / name).read_text()) == json.loads(
            (SAMPLE / name).read_text()
        ), name
    assert (tmp_path / "cable_landings.csv").read_text() == (
        SAMPLE / "cable_landings.csv"
    ).read_text()


def test_sample_files_are_small():
    for path in Path(SAMPLE).rglob("*"):
        if path.is_file():
            # cited evidence tables are hand-written text, a URL and a note per row, not
            # extracts of a data set; they may grow with the research (issues 12 and 22)
            cited = ("vendor_footprints", "operator_shares", "landing_station_operators")
            limit = 200_000 if path.name.startswith(cited) else 60_000
            assert path.stat().st_size < limit, path
