"""A built wheel carries the sample and the region model and works outside the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("cablemap-*.whl")
    return path


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cablemap/_bundled/sample/cables.geojson" in names
    assert "cablemap/_bundled/risk_models/indo-pacific.toml" in names
    assert "cablemap/layers/vendor_registry.csv" in names
    assert "cablemap/py.typed" in names
    assert "cablemap/render/vendor/leaflet.js" in names
    assert "cablemap/render/vendor/LEAFLET-LICENSE" in names
    assert "cablemap/render/cablemap.js" in names
    assert "cablemap/render/years.js" in names
    assert not any(n.startswith(("geodata/", "tests/", "maps/")) for n in names)


def test_wheel_works_outside_the_repo(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import cablemap as cm, pathlib; "
        "assert '_bundled' in str(cm.sample_path()), cm.sample_path(); "
        "layers = cm.load(); print(len(layers.cables)); "
        "from cablemap.risk import load_region; print(load_region().name); "
        "cm.save_map(cm.build_map(layers), 'm.html'); "
        "print('Leaflet 1.9.4' in pathlib.Path('m.html').read_text())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["30", "Indo-Pacific", "True"]
