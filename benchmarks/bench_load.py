"""Benchmark: load time of the full TeleGeography v3 copy, as a ratio to a json.load floor.

The floor is ``json.load`` of the same files the loader reads, measured in the same run:
every cable file with the route file, and every landing-point file with the landing-point geo
file (v2 also ``country/*.json`` and ``config.json``). Until issue 17 the floor left out the
1,413 per-landing-point files, which the loader reads (for countries, and so that ``cablemap
validate`` names a broken one) and which are twice the bytes of the cable files; that older
floor is still reported (``legacy_floor``) for comparison.

    python benchmarks/bench_load.py [PATH]      # default ../shared/data/cables/tg-v3-2022

Target (issues 2 and 17): under 5x the floor, after imports. Results also go to
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


_NOT_READ = {"all.json", "search.json"}  # index files the loader does not open


def _files(root: Path) -> list[Path]:
    """List every file ``cablemap.load`` reads from a TeleGeography copy."""
    files = [
        path
        for folder in ("cable", "landing-point", "country")
        for path in sorted((root / folder).glob("*.json"))
        if path.name not in _NOT_READ and (folder != "country" or (root / "config.json").is_file())
    ]
    return files + ([root / "config.json"] if (root / "config.json").is_file() else [])


def _floor(files: list[Path]) -> None:
    for path in files:
        with path.open(encoding="utf-8") as fh:
            json.load(fh)


def _legacy_floor(root: Path) -> None:
    """Read what the floor read before issue 17: cable files and the landing-point geo file."""
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
    files = _files(root)
    cm.load(root)  # warm imports and OS file cache for both measurements
    _floor(files)
    floor_min, floor_med = _best(_floor, files)
    load_min, load_med = _best(cm.load, root)
    legacy_min, legacy_med = _best(_legacy_floor, root)
    result = {
        "source": str(root),
        "repeat": REPEAT,
        "files": len(files),
        "floor_json_load_s": {"min": round(floor_min, 4), "median": round(floor_med, 4)},
        "cablemap_load_s": {"min": round(load_min, 4), "median": round(load_med, 4)},
        "ratio_min": round(load_min / floor_min, 2),
        "ratio_median": round(load_med / floor_med, 2),
        "legacy_floor": {
            "json_load_s_min": round(legacy_min, 4),
            "ratio_min": round(load_min / legacy_min, 2),
            "ratio_median": round(load_med / legacy_med, 2),
        },
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
