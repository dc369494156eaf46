"""Imports only go down: layers -> risk -> render -> pipeline -> cli; network only in _http."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cablemap"
ORDER = ["layers", "risk", "render", "pipeline", "cli"]
IMPORT = re.compile(r"^\s*(?:from|import)\s+cablemap\.(\w+)", re.M)
# `from cablemap import a, b as c` (or parenthesised over lines), and `import cablemap`
FROM_ROOT = re.compile(r"^\s*from\s+cablemap\s+import\s+(\([^)]*\)|[^\n]*)", re.M)
IMPORT_ROOT = re.compile(r"^\s*import\s+cablemap(?:\s|$)", re.M)
# the package root imports every stage, so only these may import it (no cycle)
ROOT_IMPORTERS = {"__init__.py", "__main__.py", "cli.py"}


def _root_names(path: Path) -> set[str]:
    """The names a file imports from the package root (``"cablemap"`` for ``import cablemap``)."""
    text = path.read_text()
    names = {"cablemap"} if IMPORT_ROOT.search(text) else set()
    for group in FROM_ROOT.findall(text):
        code = " ".join(line.split("#")[0] for line in group.splitlines()).strip().strip("()")
        names |= {item.split(" as ")[0].strip() for item in code.split(",") if item.strip()}
    return names


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """The cablemap modules a file imports, ``from cablemap import settings`` included."""
    return set(IMPORT.findall(path.read_text())) | {
        name for name in _root_names(path) if _is_module(name)
    }


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
        imported = _imports(path)
        allowed = {
            "settings",
            "_errors",
            "_validate",
            "_resources",
            "_http",
            "_geo",
            "_version",
            "_lazy",
            "_text",
            "_files",
            "_report",
        }
        if path.name not in {"__init__.py", "__main__.py"}:
            assert imported <= allowed, (path, imported - allowed)
        return
    for target in _imports(path):
        if target in ORDER:
            assert ORDER.index(target) <= ORDER.index(stage), f"{path} imports cablemap.{target}"


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_module_below_imports_the_package_root(path):
    if path.parent == PACKAGE and path.name in ROOT_IMPORTERS:
        return
    from_root = {name for name in _root_names(path) if not _is_module(name)}
    assert not from_root, (
        f"{path} imports {sorted(from_root)} from the package root, which imports everything "
        "(a cycle); import it from its module, e.g. `from cablemap._version import __version__`"
    )


def test_the_import_scan_sees_root_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from cablemap import settings\n"
        "from cablemap import (\n    __version__,  # why\n    _errors as e,\n)\n"
        "def f():\n    import cablemap as cm\n"
    )
    assert _root_names(module) == {"settings", "__version__", "_errors", "cablemap"}


def test_only_the_osm_module_imports_osmnx():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "osm.py":
            assert "import osmnx" not in path.read_text(), path


def test_network_access_only_in_http():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        if path.name != "_http.py":
            assert "urllib.request" not in text and "import requests" not in text, path


#: Inside ``risk``: each sub-package imports only those before it (``analysis`` sits on top).
RISK_ORDER = [
    "model",
    "network",
    "hazards",
    "scoring",
    "scenarios",
    "simulation",
    "history",
    "planning",
    "analysis",
]


def _runtime_imports(path: Path) -> list[str]:
    """The ``cablemap.risk.<sub>`` modules a file imports when it runs.

    Every import counts, the lazy ones inside functions too (a hidden cycle is still a
    cycle); only those under ``if TYPE_CHECKING:`` do not (annotations, never executed).
    """
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["cablemap", "risk"] and len(parts) > 2:
                found.append(parts[2])
    return found


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "risk").rglob("*.py")),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_risk_sub_packages_import_only_those_below(path):
    rel = path.relative_to(PACKAGE / "risk")
    if rel.name == "__init__.py" and len(rel.parts) == 1:
        return  # the package's own index re-exports the public names of every sub-package
    own = rel.parts[0].removesuffix(".py")
    assert own in RISK_ORDER, f"{path}: a module of risk/ outside the sub-packages {RISK_ORDER}"
    for target in _runtime_imports(path):
        assert target in RISK_ORDER, f"{path} imports cablemap.risk.{target}, not a sub-package"
        assert RISK_ORDER.index(target) <= RISK_ORDER.index(own), (
            f"{path} imports cablemap.risk.{target}, above {own} in {RISK_ORDER}"
        )
