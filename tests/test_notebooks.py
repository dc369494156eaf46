"""Notebooks run top to bottom on the embedded sample, so they cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import cablemap as cm

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))

#: What each notebook must show: real outcomes on the embedded sample.
EXPECTED = {
    "00_quickstart.ipynb": ["'HMN Tech'", "cables loaded: 30"],
    "01_explore_node_risk.ipynb": ["Sydney, NSW, Australia: importance", "landing_point"],
    "02_vendor_exposure.ipynb": ["kumul-domestic-submarine-cable-system", "strict"],
    "03_what_if.ipynb": ["isolated countries:", "seamewe-3", "manatua"],
    "04_investment_planner.ipynb": [
        "Funafuti (TUV) spur onto Southern Cross NEXT",
        "first cable for an unconnected capital",
        "portfolio at 1500 km:",
        "map written:",
    ],
}


def _text(outputs: list) -> str:
    return "".join(
        str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/html", ""))
        + o.get("text", "")
        for o in outputs
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "commit without outputs"
    )
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = _text(outputs)
    for expected in EXPECTED[path.name]:
        assert expected in text, (path.name, expected)
    if path.name != "00_quickstart.ipynb":
        kinds = {k for o in outputs for k in o.get("data", {})}
        assert "image/png" in kinds, "a chart"
        assert "text/html" in kinds, "a map or a table"


def test_notebooks_use_only_the_public_api():

    for path in NOTEBOOKS:
        source = "\n".join(
            c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
        )
        assert "from cablemap" not in source, path.name
        for name in set(re.findall(r"\bcm\.(\w+)", source)):
            assert name in cm.__all__, (path.name, name)
