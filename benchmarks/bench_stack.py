"""Benchmark: scoring the whole digital stack on the full 2022 copy, as a ratio to loading it.

    python benchmarks/bench_stack.py [PATH] [COUNTRIES]

Loads TeleGeography v3 (2022), PeeringDB's facilities (2024-10 KMZ), the cloud-region table,
every sample footprint table and AidData's Huawei finance projects, then scores landing points,
cables, countries (all five exposure domains), facilities and metros.
Target (issue 12): scoring with facilities and all domains under 2 s.
Results also go to benchmarks/results/stack.json (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

import cablemap as cm
from cablemap.layers.attach import add_extras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import measure

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


def _load(source: Path) -> cm.Layers:
    return add_extras(
        cm.load(source),
        facilities=[PDB, SAMPLE / "cloud_regions.csv"],
        footprints=sorted(SAMPLE.glob("vendor_footprints*.csv")),
        aiddata=AIDDATA,
    )


def _rows(scores: cm.Scores) -> dict[str, int]:
    frames = {"facilities": scores.facilities, "metros": scores.metros}
    frames["evidence_rows"] = scores.evidence
    return {name: 0 if frame is None else len(frame) for name, frame in frames.items()}


def main() -> None:
    measure("stack", _load, _rows)


if __name__ == "__main__":
    main()
