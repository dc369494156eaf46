"""A build cache and state that cannot be forged from the folder, and never crash or hang a build.

The state and every cache manifest are signed with the user's key (kept outside the folder);
a Parquet table rewritten with its hash updated in the manifest is detected. Whatever stands
in their place (garbage, the wrong types, a named pipe, a link) is a warning naming the file
and a full rebuild: never a traceback, never a hang.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from cablemap.pipeline import build, publish, trust
from tests.security.conftest import STATE, build_args, config, needs_fifo, quietly

#: Every test here runs whole builds (as tests/conftest.py's LONG_RUNS): left out of the fast loop.
pytestmark = pytest.mark.slow
FULL = {"load", "validate", "score", "maps"}


def _cache_dir(maps: Path, kind: str) -> Path:
    return next((maps / STATE / "cache").glob(f"{kind}-*"))


def _rebuilt(maps, release, *fragments, stages=FULL):
    """Build; assert the stages ran and a warning named every fragment; return the messages."""
    result, messages = quietly(build, config(release, maps))
    assert stages <= set(result.ran), result.ran
    named = [m for m in messages if all(f in m for f in fragments)]
    assert named, messages
    return messages


def _pages(maps: Path) -> str:
    return "".join(p.read_text() for p in [*maps.glob("*.html"), *maps.glob("countries/*.html")])


def test_a_forged_table_with_its_hash_updated_is_detected(maps, tiny_release):
    folder = _cache_dir(maps, "layers")
    table = folder / "cables.parquet"
    cables = gpd.read_parquet(table)
    cables.loc[cables["cable_id"] == "c1", "name"] = "FORGED CABLE"
    cables.to_parquet(table)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["frames"]["cables"]["sha256"] = hashlib.sha256(table.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))  # the old signature kept
    (maps / "index.html").unlink()  # the pages must be redrawn from the cached layers
    _rebuilt(maps, tiny_release, "build cache discarded", "does not match its signature")
    pages = _pages(maps)
    assert "FORGED CABLE" not in pages and "Fiji Cable One" in pages


def _signed_manifest(folder: Path, change) -> None:
    """Change a manifest and sign it again with the key (our own bug, or a leaked key)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    manifest.pop("hmac")
    (folder / "manifest.json").write_bytes(trust.signed_json(manifest, f"cache/{folder.name}"))


MANIFESTS = {
    "frames is a list": (lambda m: m.update(frames=[]), "frames is list, not an object"),
    "kinds is a list": (
        lambda m: m["frames"]["cables"].update(kinds=[]),
        "frames['cables'].kinds is []",
    ),
    "file outside": (
        lambda m: m["frames"]["cables"].update(file="../../../../home/.bashrc"),
        "frames['cables'].file is '../../../../home/.bashrc'",
    ),
    "values is a number": (lambda m: m.update(values=5), "values is int, not an object"),
}


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("case", list(MANIFESTS))
def test_a_tampered_manifest_is_a_warning_and_a_rebuild(maps, tiny_release, case, signed):
    change, problem = MANIFESTS[case]
    folder = _cache_dir(maps, "layers")
    if signed:
        _signed_manifest(folder, change)
    else:
        manifest = json.loads((folder / "manifest.json").read_text())
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest))
    (maps / "index.html").unlink()
    expected = problem if signed else "does not match its signature"
    _rebuilt(maps, tiny_release, str(folder / "manifest.json"), expected)


@needs_fifo
@pytest.mark.parametrize("what", ["garbage", "named pipe", "link", "folder"])
def test_a_manifest_that_is_no_manifest_is_a_warning_and_a_rebuild(maps, home, tiny_release, what):
    folder = _cache_dir(maps, "scores")
    manifest = folder / "manifest.json"
    manifest.unlink()
    expected = {
        "garbage": "cache manifest unreadable",
        "named pipe": "is a named pipe (FIFO), not a regular file",
        "link": "is a symbolic link",
        "folder": "is a folder, not a regular file",
    }[what]
    if what == "garbage":
        manifest.write_bytes(b"\x80\x04\x95 not json")
    elif what == "named pipe":
        os.mkfifo(manifest)
    elif what == "link":
        manifest.symlink_to(home.bashrc)
    else:
        manifest.mkdir()
    (maps / "index.html").unlink()
    before = home.snapshot()
    _rebuilt(maps, tiny_release, "manifest.json", expected)
    assert home.snapshot() == before


@needs_fifo
def test_a_cached_table_that_is_a_pipe_is_refused_unopened(maps, tiny_release):
    table = _cache_dir(maps, "layers") / "cables.parquet"
    table.unlink()
    os.mkfifo(table)
    (maps / "index.html").unlink()
    _rebuilt(maps, tiny_release, "cables.parquet' is a named pipe (FIFO)")


def _state(maps: Path) -> Path:
    return maps / STATE / "state.json"


def _resign_state(maps, change):
    data = json.loads(_state(maps).read_text())
    change(data)
    data.pop("hmac")
    _state(maps).write_bytes(trust.signed_json(data, "state"))


STATES = {
    "objects.layers is 5": (
        lambda s: s["objects"].update(layers=5),
        "objects entry 'layers': 5 is not text",
    ),
    "outputs leave the folder": (
        lambda s: s["outputs"].update({"maps/../../home/.bashrc": "0" * 64}),
        "outputs entry 'maps/../../home/.bashrc'",
    ),
    "objects leave the folder": (
        lambda s: s["objects"].update(layers="../../../home"),
        "'../../../home' is no cache folder name",
    ),
    "keys is a list": (lambda s: s.update(keys=[]), "keys is list, not an object"),
}


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("case", list(STATES))
def test_a_tampered_state_is_a_warning_and_a_rebuild(maps, home, tiny_release, case, signed):
    change, problem = STATES[case]
    if signed:
        _resign_state(maps, change)
    else:
        data = json.loads(_state(maps).read_text())
        change(data)
        _state(maps).write_text(json.dumps(data))
    before = home.snapshot()
    expected = ("is malformed (", problem) if signed else ("does not match its signature",)
    _rebuilt(maps, tiny_release, str(_state(maps)), *expected, "rebuilding everything")
    assert home.snapshot() == before
    assert publish.read_state(maps / STATE)[1] is None  # a good state again


@needs_fifo
@pytest.mark.parametrize("what", ["named pipe", "link", "garbage", "a list"])
def test_a_state_that_is_no_state_is_a_warning_and_a_rebuild(maps, home, tiny_release, what):
    state = _state(maps)
    state.unlink()
    if what == "named pipe":
        os.mkfifo(state)
    elif what == "link":
        state.symlink_to(home.bashrc)
    else:
        state.write_bytes(b"\xff\xfe garbage" if what == "garbage" else b"[]")
    expected = {
        "named pipe": "is a named pipe (FIFO), not a regular file",
        "link": "is a symbolic link",
        "garbage": "unreadable",
        "a list": "malformed (not a JSON object)",
    }[what]
    before = home.snapshot()
    _rebuilt(maps, tiny_release, "state.json", expected)
    assert home.snapshot() == before
    assert not state.is_symlink() and state.is_file()  # replaced by a real state


@needs_fifo
def test_a_pipe_for_the_build_report_is_redrawn_unopened(maps, tiny_release):
    """An up-to-date check hashes every recorded output: a pipe is "changed", not read."""
    report = maps / "build_report.json"
    report.unlink()
    os.mkfifo(report)
    _rebuilt(
        maps,
        tiny_release,
        "outputs missing or changed",
        "maps/build_report.json",
        stages={"maps", "briefs"},
    )
    assert json.loads(report.read_text())["skipped"] == []


@needs_fifo
def test_a_pipe_for_the_last_change_report_is_never_opened(maps, tiny_release):
    """Without a usable state the briefs read the change report left in the maps folder."""
    (maps / "changes.json").unlink(missing_ok=True)
    os.mkfifo(maps / "changes.json")
    _state(maps).unlink()
    result, _ = quietly(build, config(tiny_release, maps))
    assert {"load", "briefs"} <= set(result.ran)
    assert (maps / "changes.json").is_fifo()  # not the build's: left, never opened


@needs_fifo
def test_a_pipe_among_the_scenario_maps_is_never_copied(maps, tiny_release):
    """The index keeps on-demand scenario maps (``scenario_*.html``) by copying them."""
    os.mkfifo(maps / "scenario_mine.html")
    result, _ = quietly(build, config(tiny_release, maps), force=True)
    assert "index.html" in [p.name for p in result.outputs]
    assert "scenario_mine.html" not in (maps / "index.html").read_text()
    assert (maps / "scenario_mine.html").is_fifo()


def test_a_key_folder_inside_the_maps_folder_is_refused(maps, tiny_release, monkeypatch):
    monkeypatch.setattr("cablemap.settings.user_cache_folder", maps / "keys")
    with pytest.raises(publish.BuildOutputError, match="holds cablemap's key folder"):
        build(config(tiny_release, maps))
    assert not (maps / "keys").exists()


def test_without_a_usable_key_nothing_is_believed(maps, tiny_release, tmp_path, monkeypatch):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "build-key").write_bytes(os.urandom(32))
    (keys / "build-key").chmod(0o644)  # readable by others: not a private key
    monkeypatch.setattr("cablemap.settings.user_cache_folder", keys)
    for _ in range(2):  # every build rebuilds, and says why
        _rebuilt(maps, tiny_release, "cannot be authenticated", "is not private")


def _cablemap(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process: a hang ends in ``TimeoutExpired``, not a stall."""
    return subprocess.run(
        [sys.executable, "-m", "cablemap", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_fifo
def test_cli_build_with_pipes_in_the_folder_ends_and_says_why(maps, home, tiny_release):
    """The state and a cache manifest are named pipes, the lock is held meanwhile: the build
    must still end (it never opens them), name them, and rebuild."""
    _state(maps).unlink()
    os.mkfifo(_state(maps))
    manifest = _cache_dir(maps, "layers") / "manifest.json"
    manifest.unlink()
    os.mkfifo(manifest)
    before = home.snapshot()
    done = _cablemap(*build_args(tiny_release, maps))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"Warning: build state {str(_state(maps))!r} is a named pipe (FIFO)" in done.stderr
    assert home.snapshot() == before
    assert _state(maps).is_file() and not manifest.exists()  # a new state; the old cache gone
