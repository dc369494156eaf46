"""Imports only go down: layers -> risk -> render -> pipeline -> cli; network only in _http."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cablemap"
ORDER = ["layers", "risk", "render", "pipeline", "cli"]
IMPORT = re.compile(r"^\s*(?:from|import)\s+cablemap\.(\w+)", re.M)


def _stage(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE)
    name = rel.parts[0].removesuffix(".py")
    return name if name in ORDER else None


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_only_go_down(path):
    stage = _stage(path)
    if stage is None:
        # foundation modules (settings, _errors, _validate, _http, _resources) import no stage
        imported = set(IMPORT.findall(path.read_text()))
        allowed = {"settings", "_errors", "_validate", "_resources", "_http"}
        if path.name not in {"__init__.py", "__main__.py"}:
            assert imported <= allowed, (path, imported - allowed)
        return
    for target in IMPORT.findall(path.read_text()):
        if target in ORDER:
            assert ORDER.index(target) <= ORDER.index(stage), f"{path} imports cablemap.{target}"


def test_only_the_osm_module_imports_osmnx():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "osm.py":
            assert "import osmnx" not in path.read_text(), path


def test_network_access_only_in_http():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        if path.name != "_http.py":
            assert "urllib.request" not in text and "import requests" not in text, path
