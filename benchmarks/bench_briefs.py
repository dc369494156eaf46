"""Benchmark: the country briefs of the full TeleGeography v3 copy (size and time).

    python benchmarks/bench_briefs.py [PATH] [COUNTRIES]

Defaults: ../shared/data/cables/tg-v3-2022 and the Natural Earth admin-0 file beside it.
Targets (issue 15): each brief under 300 KB and 0.2 s to generate; all region briefs of one
build under 10 s. Measured: every region country's brief one by one (after the shared
lookups are built once; labelled map, the yearly cut-off chance of a 1,000-year simulation),
the whole ``briefs`` stage of a build (critical pairs on the scenario engine the build already
has, then every brief written), and the same from scratch (the engine built too); the index
page over those briefs (findings from the scores, CSV links; issue 23), and the change report
from the 2020 to the 2022 release with its renames (issue 23). Baseline, measured in the same
run: ``cablemap.load`` of the release; the ratios to it compare across machines. Results also
go to benchmarks/results/briefs.json.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import cablemap as cm
from cablemap.pipeline.briefs import brief_data
from cablemap.pipeline.diff import change_report
from cablemap.render.briefs import country_brief, save_briefs
from cablemap.render.index import index_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

REPEAT = 3
TARGET_BRIEF_S = 0.2
TARGET_BRIEF_BYTES = 300_000
TARGET_ALL_S = 10.0
#: The simulation whose yearly cut-off chances the briefs show.
SIM_YEARS = 1000


def _best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    source, ne = release_and_countries()
    countries = cm.countries_from_file(ne)
    layers = cm.load(source)
    layers.countries = countries  # as a build with --countries: outlines for the maps
    analysis = cm.Analysis(layers, countries=countries)
    scores = analysis.scores
    load_s = _best(lambda: cm.load(source))
    runs = analysis.scenarios()

    def stage() -> None:  # as the build: the analysis's engine and scenarios shared
        data = brief_data(analysis, scenarios=runs)
        with tempfile.TemporaryDirectory() as folder:
            save_briefs(scores, layers, folder, data=data)

    def scratch() -> None:  # a new analysis: network, engine and scenarios from nothing
        fresh = cm.Analysis(layers, countries=countries)
        data = brief_data(fresh)
        with tempfile.TemporaryDirectory() as folder:
            save_briefs(fresh.scores, layers, folder, data=data)

    simulation = analysis.simulate(years=SIM_YEARS, seed=14)
    data = brief_data(analysis, scenarios=runs, simulation=simulation)
    region = sorted(scores.model.region.countries & set(scores.countries["iso3"]))
    country_brief(scores, layers, region[0], data=data)  # the shared lookups, built once
    per_brief: dict[str, tuple[float, int]] = {}
    for iso3 in region:
        start = time.perf_counter()
        page = country_brief(scores, layers, iso3, data=data)
        per_brief[iso3] = (time.perf_counter() - start, len(page.encode()))
    stage_s, scratch_s = _best(stage), _best(scratch)
    with tempfile.TemporaryDirectory() as folder:
        save_briefs(scores, layers, folder, data=data)
        index_s = _best(lambda: index_html(Path(folder), layers, scores.model, scores=scores))
        index_bytes = len(index_html(Path(folder), layers, scores.model, scores=scores).encode())
    older = (
        cm.load(source.parent / "tg-v2-2020") if (source.parent / "tg-v2-2020").is_dir() else None
    )
    diff_s = _best(lambda: change_report(older, layers)) if older is not None else None
    renames = change_report(older, layers)["cables"]["renamed"] if older is not None else []
    slowest = max(per_brief.items(), key=lambda kv: kv[1][0])
    largest = max(per_brief.items(), key=lambda kv: kv[1][1])
    result = {
        "source": str(source),
        "briefs": len(per_brief),
        "load_s (baseline)": round(load_s, 3),
        "brief_s_median": round(statistics.median(t for t, _ in per_brief.values()), 4),
        "brief_s_max": [slowest[0], round(slowest[1][0], 4)],
        "brief_bytes_median": int(statistics.median(b for _, b in per_brief.values())),
        "brief_bytes_max": [largest[0], largest[1][1]],
        "briefs_stage_s (engine reused, best of 3)": round(stage_s, 3),
        "all_briefs_from_scratch_s (engine built, best of 3)": round(scratch_s, 3),
        "index_s (best of 3)": round(index_s, 3),
        "index_bytes": index_bytes,
        "change_report_2020_to_2022_s (best of 3)": None if diff_s is None else round(diff_s, 3),
        "cables_renamed_2020_to_2022": len(renames),
        "ratio_stage_to_load": round(stage_s / load_s, 2),
        "ratio_brief_max_to_load": round(slowest[1][0] / load_s, 3),
        "targets": {
            "brief_s": TARGET_BRIEF_S,
            "brief_bytes": TARGET_BRIEF_BYTES,
            "all_briefs_s": TARGET_ALL_S,
        },
    }
    above = [
        f"{k}"
        for k, ok in (
            ("brief_s_max", slowest[1][0] < TARGET_BRIEF_S),
            ("brief_bytes_max", largest[1][1] < TARGET_BRIEF_BYTES),
            ("all briefs", scratch_s < TARGET_ALL_S),
        )
        if not ok
    ]
    report("briefs", result, above_target=", ".join(above) or None)


if __name__ == "__main__":
    main()
