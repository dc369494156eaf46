"""Shared pieces of the benchmarks: data paths, and the report kept under benchmarks/results/."""

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


DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def release_and_countries() -> tuple[Path, Path]:
    """Return the release and country-polygon paths: argv[1] and argv[2], or the defaults."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA / "cables" / "tg-v3-2022"
    countries = (
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else DATA / "boundaries" / "ne_10m_admin_0_countries_deu.shp"
    )
    return source, countries
