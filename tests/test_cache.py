"""The build cache round-trips layers and scores exactly, and refuses what it did not write."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import cablemap as cm
from cablemap.pipeline.cache import (
    CacheError,
    load_layers_cache,
    load_scores_cache,
    save_layers_cache,
    save_scores_cache,
)


def _equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    if a is None:
        assert b is None
        return
    if hasattr(a, "geometry") and "geometry" in a.columns:
        assert_geodataframe_equal(a, b)
    else:
        pd.testing.assert_frame_equal(a, b)


def test_layers_and_scores_round_trip(sample, tmp_path):
    scores = cm.score(sample)
    back = load_layers_cache(save_layers_cache(sample, tmp_path / "layers"))
    for name in ("cables", "landing_points", "cable_landings", "facilities", "countries"):
        _equal(getattr(sample, name), getattr(back, name))
    _equal(sample.vendor_footprints, back.vendor_footprints)
    _equal(sample.vendors, back.vendors)
    assert back.cables.loc[0, "owners"] == sample.cables.loc[0, "owners"]
    assert isinstance(back.cables.loc[0, "owners"], list)
    assert back.report.counts == sample.report.counts and back.sources == sample.sources
    again = load_scores_cache(save_scores_cache(scores, tmp_path / "scores"), scores.model)
    for name in ("landing_points", "cables", "countries", "sensitivity"):
        _equal(getattr(scores, name), getattr(again, name))
    _equal(scores.network.segments, again.network.segments)
    assert again.explain("TON") == scores.explain("TON")


def test_full_release_round_trips(tg_v3, tmp_path):
    back = load_layers_cache(save_layers_cache(tg_v3, tmp_path / "layers"))
    _equal(tg_v3.cables, back.cables)
    assert [str(i) for i in back.report.issues] == [str(i) for i in tg_v3.report.issues]


def test_altered_or_foreign_caches_are_refused(sample, tmp_path):
    folder = save_layers_cache(sample, tmp_path / "layers")
    table = folder / "cables.parquet"
    table.write_bytes(table.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CacheError, match="altered"):
        load_layers_cache(folder)
    (folder / "manifest.json").write_text(json.dumps({"format": "pickle"}))
    with pytest.raises(CacheError, match="not a cablemap-build-cache manifest"):
        load_layers_cache(folder)
    (folder / "manifest.json").write_bytes(b"\x80\x04\x95 not json")
    with pytest.raises(CacheError, match="unreadable"):
        load_layers_cache(folder)
    with pytest.raises(CacheError, match="unreadable"):
        load_layers_cache(tmp_path / "nowhere")
