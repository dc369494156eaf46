"""Benchmark: load time of the full TeleGeography v3 copy, as a ratio to a json.load floor.

The floor is ``json.load`` of the same files (every cable file and the landing-point geo
file), measured in the same run.

    python benchmarks/bench_load.py [PATH]      # default ../shared/data/cables/tg-v3-2022

Target (issue 2): under 5x the floor, after imports. Results also go to
benchmarks/results/load.json (git-ignored).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import cablemap as cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import report

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "cables" / "tg-v3-2022"
REPEAT = 7


def _floor(root: Path) -> None:
    for path in sorted((root / "cable").glob("*.json")):
        if path.name != "all.json":
            with path.open(encoding="utf-8") as fh:
                json.load(fh)
    with (root / "landing-point" / "landing-point-geo.json").open(encoding="utf-8") as fh:
        json.load(fh)


def _best(fn, *args) -> tuple[float, float]:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cm.load(root)  # warm imports and OS file cache for both measurements
    _floor(root)
    floor_min, floor_med = _best(_floor, root)
    load_min, load_med = _best(cm.load, root)
    result = {
        "source": str(root),
        "repeat": REPEAT,
        "floor_json_load_s": {"min": round(floor_min, 4), "median": round(floor_med, 4)},
        "cablemap_load_s": {"min": round(load_min, 4), "median": round(load_med, 4)},
        "ratio_min": round(load_min / floor_min, 2),
        "ratio_median": round(load_med / floor_med, 2),
        "target_ratio": 5.0,
    }
    report(
        "load",
        result,
        above_target=f"{result['ratio_median']}x the json.load floor"
        if result["ratio_median"] >= result["target_ratio"]
        else None,
    )


if __name__ == "__main__":
    main()
