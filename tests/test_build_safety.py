"""Builds that cannot run code, mix two releases, lie about being up to date, or collide."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap._errors import BuildLockedError, BuildOutputError
from cablemap.cli import cli
from cablemap.pipeline import BuildConfig, build, publish
from tests.conftest import light_model

STATE = ".cablemap-build"


def _release(tmp_path: Path, sample: cm.Layers, name: str, marker: str) -> Path:
    """A copy of the sample as layer files whose first cable carries ``marker`` in its name."""
    cables = sample.cables.copy()
    cables.loc[0, "name"] = marker
    layers = cm.Layers(cables, sample.landing_points, sample.cable_landings, sources=sample.sources)
    return cm.save_layers(layers, tmp_path / name)


class _Evil:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_the_cache_is_parquet_and_json_and_a_planted_pickle_never_runs(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, formats=(), model=light_model())
    build(config)
    state = out / STATE
    assert not list(state.rglob("*.pkl"))
    suffixes = {p.suffix for p in (state / "cache").rglob("*") if p.is_file()}
    assert suffixes == {".parquet", ".json"}
    marker = tmp_path / "pwned"
    for name in ("layers", "scores", "cables"):
        (state / f"{name}.pkl").write_bytes(pickle.dumps(_Evil(marker)))
    assert build(config, force=True).ran
    assert not marker.exists()


def test_an_altered_cache_is_discarded_with_a_warning_and_rebuilt(tmp_path):
    out = tmp_path / "maps"
    model_dir = tmp_path / "models"
    shutil.copytree(cm.risk_models_path(), model_dir)
    config = BuildConfig(out=out, formats=(), model=model_dir / "dcs-v2.toml")
    build(config)
    scores_dir = next((out / STATE / "cache").glob("scores-*"))
    table = scores_dir / "countries.parquet"
    table.write_bytes(b"PAR1 not a parquet file PAR1")
    (out / "index.html").unlink()  # the maps must be redrawn, which needs the cached scores
    with pytest.warns(cm.CablemapWarning) as caught:
        result = build(config)
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("build cache discarded, rebuilding everything") for m in messages)
    assert {"load", "score", "maps"} <= set(result.ran)
    assert any("altered" in n for n in result.notices)
    assert build(config).up_to_date


def test_unreadable_state_is_discarded_with_a_warning(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, formats=(), model=light_model())
    build(config)
    (out / STATE / "state.json").write_bytes(b"\x80\x04 not json")
    with pytest.warns(cm.CablemapWarning, match="unreadable"):
        assert "load" in build(config).ran


def test_a_build_killed_while_publishing_is_completed_then_never_mixed(
    tmp_path, sample, monkeypatch
):
    release_a = _release(tmp_path, sample, "a", "Release A cable")
    release_b = _release(tmp_path, sample, "b", "Release B cable")
    out = tmp_path / "maps"
    build(BuildConfig(source=release_a, out=out, formats=(), model=light_model()))
    moved: list[Path] = []

    def apply_then_die(moves):
        for staged, target in moves:
            if target.name == "vendor_exposure.html":
                raise KeyboardInterrupt  # the process dies half-way through publishing
            staged.replace(target)
            moved.append(target)

    monkeypatch.setattr(publish, "_apply", apply_then_die)
    with pytest.raises(KeyboardInterrupt):
        build(BuildConfig(source=release_b, out=out, formats=(), model=light_model()))
    monkeypatch.undo()
    pages = {p.name: p.read_text() for p in out.glob("*.html")}
    assert "Release B cable" in pages["strategic_nodes.html"]
    assert "Release A cable" in pages["vendor_exposure.html"]  # a mix of A and B right now
    assert (out / STATE / "publish.json").exists()
    # the next build of A first completes B's publication, then sees that A differs
    with pytest.warns(cm.CablemapWarning, match="finished publishing an interrupted build"):
        result = build(BuildConfig(source=release_a, out=out, formats=(), model=light_model()))
    assert not result.up_to_date and "maps" in result.ran
    for page in ("strategic_nodes.html", "vendor_exposure.html"):
        text = (out / page).read_text()
        assert "Release A cable" in text and "Release B cable" not in text
    assert not (out / STATE / "publish.json").exists()
    assert not list((out / STATE).glob("staging-*"))
    assert build(BuildConfig(source=release_a, out=out, formats=(), model=light_model())).up_to_date


def test_up_to_date_only_when_the_outputs_match_their_hashes(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, model=light_model())
    build(config)
    assert build(config).up_to_date
    page = out / "vendor_exposure.html"
    page.write_text(page.read_text().replace("Vendor", "Tampered"))
    with pytest.warns(cm.CablemapWarning, match="maps/vendor_exposure.html"):
        result = build(config)
    assert "maps" in result.ran and "Tampered" not in page.read_text()
    (out / "exports" / "csv" / "cables.csv").unlink()
    with pytest.warns(cm.CablemapWarning, match="exports/csv/cables.csv"):
        assert "exports" in build(config).ran
    assert (out / "exports" / "csv" / "cables.csv").exists()
    assert build(config).up_to_date


def test_a_second_build_waits_or_says_who_holds_the_folder(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, formats=(), model=light_model())
    build(config)
    with publish.build_lock(out / STATE):
        with pytest.raises(BuildLockedError, match=rf"pid {os.getpid()} on .*--wait"):
            build(config)
        released = threading.Event()

        def release_soon():
            time.sleep(0.5)
            released.set()

        threading.Thread(target=release_soon).start()
        released.wait()
    assert build(config, wait=5).up_to_date


def test_the_lock_holder_is_waited_for(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, formats=(), model=light_model())
    build(config)
    # a real second process holds the lock for a second
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from cablemap.pipeline import publish\n"
            "with publish.build_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(1.0)",
            str(out / STATE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildLockedError, match=rf"pid {holder.pid}"):
            build(config)
        assert build(config, wait=30).up_to_date


def test_leftover_staging_folders_are_cleaned(tmp_path):
    out = tmp_path / "maps"
    config = BuildConfig(out=out, model=light_model())
    build(config)
    stale_maps = out / STATE / "staging-999999"
    stale_exports = out / "exports" / ".cablemap-staging-999999"
    orphan_cache = out / STATE / "cache" / "scores-dead-999999"
    for folder in (stale_maps, stale_exports, orphan_cache):
        folder.mkdir(parents=True)
        (folder / "x.html").write_text("left by a killed build")
    assert build(config).up_to_date
    assert not stale_maps.exists() and not stale_exports.exists() and not orphan_cache.exists()


def _other_device(tmp_path: Path) -> Path:
    shm = Path("/dev/shm")  # noqa: S108 - a second file system, not a temporary file
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system (/dev/shm) on this machine")
    return shm / f"cablemap-test-{os.getpid()}-{tmp_path.name}"


def test_exports_on_another_file_system(tmp_path):
    exports = _other_device(tmp_path)
    try:
        result = build(BuildConfig(out=tmp_path / "maps", exports=exports, model=light_model()))
        assert (exports / "scores.gpkg").is_file() and (tmp_path / "maps" / "index.html").exists()
        assert exports / "scores.gpkg" in result.outputs
        assert not list(exports.glob(".cablemap-staging-*"))
    finally:
        shutil.rmtree(exports, ignore_errors=True)


def test_out_under_a_file_or_unwritable_says_which_and_why(tmp_path):
    blocker = tmp_path / "maps"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(BuildOutputError, match=r"'.*maps' is a file, not a folder"):
        build(BuildConfig(out=blocker / "sub", model=light_model()))
    result = CliRunner().invoke(cli, ["build", "--out", str(blocker / "sub")])
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.output and "Traceback" not in result.output
    with pytest.raises(BuildOutputError, match="permission denied|read-only"):
        build(BuildConfig(out=Path("/sys/cablemap-test")))


def test_a_full_disk_is_named_and_the_previous_maps_stay(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        # room for one build of the sample (maps, 70 country briefs, the cache: about 5 MB),
        # not for a forced second one staged beside it
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(small)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        out = small / "maps"
        build(BuildConfig(out=out, formats=(), model=light_model()))
        before = {p.name: p.read_bytes() for p in out.glob("*.html")}
        with pytest.raises(BuildOutputError, match="disk full"):
            build(BuildConfig(out=out, exports=out / "exports", model=light_model()), force=True)
        assert {p.name: p.read_bytes() for p in out.glob("*.html")} == before
        assert not list((out / STATE).glob("staging-*"))
    finally:
        subprocess.run(["umount", str(small)], check=False)
