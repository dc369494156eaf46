"""Benchmark: scoring the full TeleGeography v3 copy, as a ratio to loading it.

    python benchmarks/bench_score.py [PATH] [COUNTRIES]

Defaults: ../shared/data/cables/tg-v3-2022 and the Natural Earth admin-0 file beside it.
Target (issue 4): the whole scoring step (topology, components, sensitivity) under 2 s.
Results also go to benchmarks/results/score.json (git-ignored).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cablemap as cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
REPEAT = 5


def _times(fn, *args, cpu: list[float] | None = None, **kwargs) -> list[float]:
    """Wall-clock seconds of ``REPEAT`` calls; their CPU seconds go to ``cpu`` when given."""
    out = []
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(*args, **kwargs)
        out.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return out


def measure(name: str, load, rows) -> None:
    """Time ``load`` and ``cm.score`` on the full release; report with ``rows(scores)``."""
    source, ne = release_and_countries()
    layers = load(source)
    countries = cm.countries_from_file(ne)
    model = cm.load_model()
    scores = cm.score(layers, model, countries=countries)  # warm caches and imports
    load_s = _times(load, source)
    score_cpu: list[float] = []
    score_s = _times(cm.score, layers, model, countries=countries, cpu=score_cpu)
    network_s = _times(cm.score, layers, model, network=scores.network)
    result = {
        "source": str(source),
        "repeat": REPEAT,
        "load_s_median": round(statistics.median(load_s), 3),
        "score_s_median": round(statistics.median(score_s), 3),
        "score_s_max": round(max(score_s), 3),
        # CPU seconds of the process: less moved than wall time by other work on the machine
        "score_cpu_s_median": round(statistics.median(score_cpu), 3),
        "score_with_prebuilt_network_s_median": round(statistics.median(network_s), 3),
        "ratio_score_to_load": round(statistics.median(score_s) / statistics.median(load_s), 2),
        "target_score_s": 2.0,
        "rows": {
            "landing_points": len(scores.landing_points),
            "cables": len(scores.cables),
            "countries": len(scores.countries),
            **rows(scores),
        },
    }
    print(
        f"{name}: score median {result['score_s_median']} s "
        f"(CPU {result['score_cpu_s_median']} s), load median {result['load_s_median']} s, "
        f"ratio score/load "
        f"{result['ratio_score_to_load']}; target score < {result['target_score_s']} s"
    )
    report(
        name,
        result,
        above_target=f"{result['score_s_median']} s"
        if result["score_s_median"] >= result["target_score_s"]
        else None,
    )


def main() -> None:
    measure("score", cm.load, lambda scores: {"segments": len(scores.network.segments)})


if __name__ == "__main__":
    main()
