"""`fetch` downloads through the same code path from a file:// mirror (no network in tests)."""

from __future__ import annotations

import time

import pytest

import cablemap as cm
from cablemap.layers.fetch import fetch_telegeography


def test_fetch_from_local_mirror_gives_a_loadable_copy(tg_v3_path, tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "cache_folder", tmp_path / "cache")
    seen = []
    out = fetch_telegeography(
        tmp_path / "tg", base_url=tg_v3_path.as_uri() + "/", on_file=seen.append
    )
    assert len(seen) == 3 + 521
    layers = cm.load(out)
    assert len(layers.cables) == 521 and len(layers.landing_points) == 1414


def test_fetch_without_network_fails_fast_with_advice(tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "cache_folder", tmp_path / "cache")
    start = time.monotonic()
    # port 9 (discard) on loopback refuses the connection at once, as a closed network does
    with pytest.raises(
        cm.DownloadError, match="could not download 'http://127.0.0.1:9/.*local copy"
    ):
        fetch_telegeography(tmp_path / "tg", base_url="http://127.0.0.1:9/")
    assert time.monotonic() - start < 10
    assert not list((tmp_path / "tg").rglob("*.json"))  # nothing half-written


def test_fetch_missing_local_file_is_a_download_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cm.settings, "cache_folder", tmp_path / "cache")
    with pytest.raises(cm.DownloadError, match="landing-point-geo.json"):
        fetch_telegeography(tmp_path / "tg", base_url=(tmp_path / "nothing").as_uri() + "/")
