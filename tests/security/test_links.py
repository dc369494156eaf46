"""Links planted in the maps folder are refused: their targets are never written or read.

The lock and the write test are opened with no-follow, exclusive semantics; the build folder,
its cache, the exports folder and every output folder must be real folders. Each refusal is
one ``Error:`` line naming the planted path, exit status 1, and the home stays as it was.
"""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from cablemap._errors import BuildOutputError
from cablemap.cli import cli
from cablemap.pipeline import publish
from tests.security.conftest import STATE, build_args, needs_fifo, no_traceback


def _plant_lock(lock, home, kind):
    lock.unlink()
    if kind == "symlink":
        lock.symlink_to(home.bashrc)
        return "is a symbolic link"
    if kind == "hard link":
        os.link(home.bashrc, lock)  # the same file system (tmp_path)
        return "has 2 hard links, not one"
    if kind == "named pipe":
        os.mkfifo(lock)
        return r"is a named pipe \(FIFO\), not a regular file"
    lock.mkdir()
    return "is a folder, not a regular file"


@needs_fifo
@pytest.mark.parametrize("kind", ["symlink", "hard link", "named pipe", "folder"])
def test_a_lock_that_is_no_plain_file_is_refused_and_never_written(maps, home, kind):
    lock = maps / STATE / "lock"
    expected = _plant_lock(lock, home, kind)
    before = home.snapshot()
    with (
        pytest.raises(BuildOutputError, match=rf"the build lock '.*lock' {expected}"),
        publish.build_lock(maps / STATE),
    ):
        pass  # pragma: no cover - never entered
    assert home.snapshot() == before


def test_cli_names_a_linked_lock_and_exits_1(maps, home, tiny_release):
    lock = maps / STATE / "lock"
    lock.unlink()
    lock.symlink_to(home.bashrc)
    before = home.snapshot()
    result = CliRunner().invoke(cli, build_args(tiny_release, maps))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the build lock {str(lock)!r} is a symbolic link (to {str(home.bashrc)!r}); "
        "cablemap follows no link here (the folder may be writable by others)\n"
    )
    assert home.snapshot() == before


def test_a_linked_write_test_is_refused_and_never_written(tmp_path, home):
    out = tmp_path / "maps"
    out.mkdir()
    probe = out / f".cablemap-write-test-{os.getpid()}"  # this process's write test
    probe.symlink_to(home.bashrc)
    before = home.snapshot()
    result = CliRunner().invoke(cli, ["build", "--out", str(out)])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output.startswith(f"Error: cannot use the maps folder (--out) {str(out)!r}: ")
    assert f"{str(probe)!r} is a symbolic link" in result.output
    assert home.snapshot() == before
    assert probe.is_symlink()  # left for the user to see; its target untouched


def test_a_leftover_write_test_of_this_process_is_replaced(tmp_path):
    out = tmp_path / "maps"
    out.mkdir()
    (out / f".cablemap-write-test-{os.getpid()}").write_text("left by a killed process")
    assert publish.prepare_folder(out, "the maps folder") == out
    assert not list(out.iterdir())


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (STATE, "the build folder '{path}' is a symbolic link"),
        (f"{STATE}/cache", "the build cache folder '{path}' is a symbolic link"),
        ("exports", "'{path}' inside the maps folder is a symbolic link"),
    ],
)
def test_a_folder_of_the_build_that_is_a_link_is_refused(maps, home, tiny_release, where, expected):
    planted = maps / where
    shutil.rmtree(planted)
    planted.symlink_to(home.root)
    before = home.snapshot()
    result = CliRunner().invoke(cli, build_args(tiny_release, maps))
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output.startswith("Error: ")
    assert expected.format(path=planted) in result.output
    assert "remove it" in result.output
    assert home.snapshot() == before


@pytest.mark.slow  # a whole build, refused when it publishes
def test_an_output_folder_that_is_a_link_is_never_written_through(maps, home, tiny_release):
    """The briefs go to ``countries/``: a link there to ~/.config/autostart is refused."""
    countries = maps / "countries"
    shutil.rmtree(countries)
    countries.symlink_to(home.root / ".config" / "autostart")
    before = home.snapshot()
    result = CliRunner().invoke(cli, [*build_args(tiny_release, maps), "--force"])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert f"an output folder {str(countries)!r} is a symbolic link" in result.output
    assert home.snapshot() == before
    assert not list((maps / STATE).glob("staging-*"))  # nothing half published is left


def test_on_demand_maps_replace_a_planted_link_never_write_through_it(tmp_path, home):
    """``cablemap scenario --map`` writes into the maps folder too: a link standing where the
    page or the index goes is replaced, and its target is never written."""
    out = tmp_path / "maps"
    out.mkdir()
    (out / "scenario_tonga.html").symlink_to(home.bashrc)
    (out / "index.html").symlink_to(home.key)
    # where the temporary files went before: names anyone could predict
    (out / f"scenario_tonga.html.{os.getpid()}.tmp").symlink_to(home.bashrc)
    (out / "index.html.tmp").symlink_to(home.key)
    before = home.snapshot()
    args = ["scenario", "--cut-cable", "tonga-cable", "--map", "--name", "tonga", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert home.snapshot() == before
    for page in ("scenario_tonga.html", "index.html"):
        assert not (out / page).is_symlink()
        assert (out / page).read_text().startswith("<!DOCTYPE html>")


def test_a_download_replaces_planted_links_and_never_reads_a_linked_cache(
    tmp_path, home, monkeypatch
):
    """``cablemap fetch`` writes into geodata/: a link where the file, its old ``.part`` name or
    its cache entry goes is replaced or ignored, and its target is never written or read."""
    from cablemap import settings  # noqa: PLC0415
    from cablemap._http import _cache_file, download  # noqa: PLC0415

    source = tmp_path / "release.json"
    source.write_text('{"cables": 1}')
    url = source.as_uri()
    dest = tmp_path / "geodata" / "release.json"
    dest.parent.mkdir()
    dest.symlink_to(home.bashrc)
    (dest.parent / "release.json.part").symlink_to(home.key)
    monkeypatch.setattr(settings, "cache_folder", str(tmp_path / "cache"))
    monkeypatch.setattr(settings, "use_cache", True)
    cached = _cache_file(url)
    cached.parent.mkdir()
    cached.symlink_to(home.key)  # a planted cache entry: never believed
    before = home.snapshot()
    assert download(url, dest) == dest
    assert not dest.is_symlink() and dest.read_text() == '{"cables": 1}'
    assert home.snapshot() == before
