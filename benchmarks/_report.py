"""Shared tail of the benchmarks: print the result and keep it under benchmarks/results/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def report(name: str, result: dict, *, above_target: str | None) -> None:
    """Write ``results/<name>.json``, print it, and warn on stderr when above target."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2)
    (RESULTS / f"{name}.json").write_text(text + "\n")
    print(text)
    if above_target:
        print(f"ABOVE TARGET: {above_target}", file=sys.stderr)
