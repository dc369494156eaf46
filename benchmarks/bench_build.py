"""Benchmark: a full build, then a no-change rebuild and a model-only rebuild.

    python benchmarks/bench_build.py [PROJECT]

By default a project on the full 2022 release with PeeringDB facilities, the cloud-region
table and Natural Earth countries (from ../shared/data). Target (issue 7): a no-change rebuild
under 0.5 s. Reported with the full build for scale.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cablemap as cm
from cablemap.pipeline import build, config_from_project

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import report

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cablemap-build-bench-"))
    models = work / "risk_models"
    shutil.copytree(cm.risk_models_path(), models)
    if len(sys.argv) > 1:
        config = config_from_project(
            Path(sys.argv[1]), out=work / "maps", model=models / "dcs-v2.toml"
        )
    else:
        project = work / "cablemap.toml"
        project.write_text(
            f'[layers]\ncables = "{DATA / "cables" / "tg-v3-2022"}"\n'
            f'facilities = ["{DATA / "facilities" / "peeringdb-2024-10" / "peeringdb.kmz"}", '
            f'"{REPO / "geodata" / "sample" / "cloud_regions.csv"}"]\n'
            f'countries = "{DATA / "boundaries" / "ne_10m_admin_0_countries_deu.shp"}"\n'
            f'vendor_footprints = "{REPO / "geodata" / "sample" / "vendor_footprints.csv"}"\n'
        )
        config = config_from_project(project, out=work / "maps", model=models / "dcs-v2.toml")
    start = time.perf_counter()
    first = build(config)
    full_s = time.perf_counter() - start
    nochange = []
    for _ in range(5):
        start = time.perf_counter()
        assert build(config).up_to_date
        nochange.append(time.perf_counter() - start)
    model = models / "dcs-v2.toml"
    model.write_text(
        model.read_text()
        .replace("reach = 0.15", "reach = 0.25")
        .replace("chokepoint = 0.20", "chokepoint = 0.10")
    )
    start = time.perf_counter()
    model_only = build(config)
    model_s = time.perf_counter() - start
    result = {
        "full_build_s": round(full_s, 2),
        "full_build_stages": first.timings,
        "no_change_rebuild_s_median": round(statistics.median(nochange), 4),
        "model_only_rebuild_s": round(model_s, 2),
        "model_only_ran": model_only.ran,
        "target_no_change_s": 0.5,
    }
    report(
        "build",
        result,
        above_target=None if result["no_change_rebuild_s_median"] < 0.5 else "no-change rebuild",
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
