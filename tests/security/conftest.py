"""Shared pieces of the security tests (issue 25): a hostile maps folder and a home to protect.

Threat model: the maps folder sits on a shared or synced drive, and whoever can write into it
plants files there. ``home`` stands for everything outside the folder (a ``.bashrc``, an SSH
key): after each attack it must be byte-identical. ``maps`` is a fresh copy of one folder built
once per session from a tiny release, with its state and cache signed by the session's key
(``XDG_CACHE_HOME`` points at a temporary folder, tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import cablemap as cm
from cablemap.pipeline import BuildConfig
from cablemap.pipeline import build as run_build
from tests.conftest import make_tg_v3

STATE = ".cablemap-build"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="os.mkfifo needs a POSIX system")


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail (rather than block the run) if anything waits on a named pipe or a silent peer."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def _timeout(signum: int, frame: Any) -> None:
        msg = "blocked for 60 s (a named pipe opened, or a peer waited on?)"
        raise TimeoutError(msg)

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def tiny_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cables between three Fiji landing points (TeleGeography v3 layout)."""
    return make_tg_v3(
        tmp_path_factory.mktemp("release") / "tg",
        cables=[
            {"id": "c1", "name": "Fiji Cable One", "landing_points": ["suva", "savusavu"]},
            {"id": "c2", "landing_points": ["suva", "lautoka"], "suppliers": "Huawei Marine"},
        ],
        points={
            "suva": (178.44, -18.14),
            "savusavu": (179.33, -16.78),
            "lautoka": (177.45, -17.61),
        },
    )


def config(release: Path, out: Path) -> BuildConfig:
    """The build every test runs: the tiny release, CSV exports in ``<out>/exports``."""
    return BuildConfig(source=release, out=out, formats=("csv",))


def build_args(release: Path, out: Path) -> list[str]:
    """The same build on the command line."""
    return ["build", "--source", str(release), "--out", str(out), "--format", "csv"]


@pytest.fixture(scope="session")
def built_folder(tiny_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A maps folder built once from the tiny release (copied by ``maps``, never changed)."""
    out = tmp_path_factory.mktemp("template") / "maps"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cm.CablemapWarning)  # no investment plan: no candidate
        run_build(config(tiny_release, out))
    return out


@pytest.fixture
def maps(built_folder: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built maps folder (its state and cache still valid)."""
    return Path(shutil.copytree(built_folder, tmp_path / "maps", symlinks=True))


@dataclass
class Home:
    """Files outside the maps folder that no build may read, move or change."""

    root: Path

    @property
    def bashrc(self) -> Path:
        return self.root / ".bashrc"

    @property
    def key(self) -> Path:
        return self.root / ".ssh" / "id_rsa"

    def snapshot(self) -> dict[str, Any]:
        """Every entry under the home: its bytes, ``"folder"`` or the link's target."""
        found: dict[str, Any] = {}
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root).as_posix()
            if path.is_symlink():
                found[rel] = ("link", str(path.readlink()))
            elif path.is_dir():
                found[rel] = "folder"
            else:
                found[rel] = path.read_bytes()
        return found


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """A home folder beside the maps folder, with a shell profile and a private key."""
    root = tmp_path / "home"
    (root / ".ssh").mkdir(parents=True)
    (root / ".config" / "autostart").mkdir(parents=True)
    (root / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    (root / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n")
    return Home(root)


def quietly(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``call``; return its result and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args, **kwargs)
    return result, [str(w.message) for w in caught]


def no_traceback(output: str) -> None:
    """Assert that a command's output holds no traceback."""
    assert "Traceback" not in output, output
