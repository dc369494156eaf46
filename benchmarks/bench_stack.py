"""Benchmark: scoring the whole digital stack on the full 2022 copy, as a ratio to loading it.

    python benchmarks/bench_stack.py [PATH] [COUNTRIES]

Loads TeleGeography v3 (2022), PeeringDB's facilities (2024-10 KMZ), the cloud-region table,
every sample footprint table and AidData's Huawei finance projects, then scores landing points,
cables, countries (all five exposure domains), facilities and metros.
Target (issue 12): scoring with facilities and all domains under 2 s.
Results also go to benchmarks/results/stack.json (git-ignored).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cablemap as cm
from cablemap.layers.attach import add_extras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
SAMPLE = REPO / "geodata" / "sample"
PDB = DATA / "facilities" / "peeringdb-2024-10" / "peeringdb.kmz"
AIDDATA = (
    DATA
    / "vendors"
    / "aiddata-huawei-finance"
    / "AidDatasGlobalHuaweiFinanceDataset_Huawei_sheet.csv"
)
REPEAT = 5


def _load(source: Path) -> cm.Layers:
    return add_extras(
        cm.load(source),
        facilities=[PDB, SAMPLE / "cloud_regions.csv"],
        footprints=sorted(SAMPLE.glob("vendor_footprints*.csv")),
        aiddata=AIDDATA,
    )


def _times(fn, *args, **kwargs) -> list[float]:
    out = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn(*args, **kwargs)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    source, ne = release_and_countries()
    layers = _load(source)
    countries = cm.countries_from_file(ne)
    model = cm.load_model()
    scores = cm.score(layers, model, countries=countries)  # warm caches and imports
    load_s = _times(_load, source)
    score_s = _times(cm.score, layers, model, countries=countries)
    network_s = _times(cm.score, layers, model, network=scores.network)
    result = {
        "source": str(source),
        "repeat": REPEAT,
        "load_s_median": round(statistics.median(load_s), 3),
        "score_s_median": round(statistics.median(score_s), 3),
        "score_s_max": round(max(score_s), 3),
        "score_with_prebuilt_network_s_median": round(statistics.median(network_s), 3),
        "ratio_score_to_load": round(statistics.median(score_s) / statistics.median(load_s), 2),
        "target_score_s": 2.0,
        "rows": {
            "landing_points": len(scores.landing_points),
            "cables": len(scores.cables),
            "countries": len(scores.countries),
            "facilities": len(scores.facilities) if scores.facilities is not None else 0,
            "metros": len(scores.metros) if scores.metros is not None else 0,
            "evidence_rows": len(scores.evidence) if scores.evidence is not None else 0,
        },
    }
    report(
        "stack",
        result,
        above_target=f"{result['score_s_median']} s"
        if result["score_s_median"] >= result["target_score_s"]
        else None,
    )


if __name__ == "__main__":
    main()
