"""Benchmark: rank acceptability (2,000 seeded weightings) on the 2022 release's region.

    python benchmarks/bench_acceptability.py [PATH] [COUNTRIES]

Times, on the region's landing points, cables and countries of the full TeleGeography 2022
copy: the model's acceptability (``[acceptability] draws``, 2,000) and, in the same run as the
baseline, one plain scoring of the same rows. Target (issue 21): acceptability of every entity
within 1 s in total (vectorised draws). Results go to benchmarks/results/acceptability.json.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cablemap as cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

from cablemap.risk.scoring.combine import add_acceptability, score_table

REPEAT = 5
TARGET_S = 1.0


def main() -> None:
    """Time acceptability against a plain scoring of the same tables."""
    source, ne = release_and_countries()
    analysis = cm.Analysis(cm.load(source), countries=cm.countries_from_file(ne))
    scores = analysis.scores
    spec = analysis.model
    tables = {
        "landing_point": scores.landing_points.set_index("lp_id"),
        "cable": scores.cables.set_index("cable_id"),
        "country": scores.countries.set_index("iso3"),
    }
    accept, plain = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        for entity, table in tables.items():
            add_acceptability(table, spec, entity, table["in_region"])
        accept.append(time.perf_counter() - start)
        start = time.perf_counter()
        for entity, table in tables.items():
            score_table(table, spec, entity)
        plain.append(time.perf_counter() - start)
    median = statistics.median(accept)
    result = {
        "source": str(source),
        "draws": int(spec.acceptability["draws"]),
        "rows_in_region": {e: int(t["in_region"].sum()) for e, t in tables.items()},
        "acceptability_s_median": round(median, 3),
        "plain_scoring_s_median": round(statistics.median(plain), 4),
        "ratio_to_plain_scoring": round(median / max(statistics.median(plain), 1e-9), 1),
        "target_s": TARGET_S,
    }
    print(f"acceptability: {median:.3f} s for every entity (target {TARGET_S} s)")
    report("acceptability", result, above_target=f"{median:.3f} s" if median > TARGET_S else None)


if __name__ == "__main__":
    main()
