"""Measure the cable-landing inference of geometry-only releases against the real lists.

    python benchmarks/measure_inference.py [PATH] [--sweep]

Copies the geometry files of a full TeleGeography v3 release (default
``../shared/data/cables/tg-v3-2022``) into a temporary folder (``cable/cable-geo.json``,
``cable/all.json``, ``landing-point/landing-point-geo.json``: no per-cable files), loads that
copy (memberships inferred from the routes, :mod:`cablemap.layers.memberships`), loads the
full release, and compares the two sets of (cable, landing point) links: precision, recall,
and every miss and extra with the reason. ``--sweep`` also tries other thresholds (route
ends, route passes) to show how the defaults were chosen. Results also go to
benchmarks/results/inference.json (git-ignored). Targets (issue 17): precision and recall
of at least 0.95 each.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import cablemap as cm
from cablemap.layers.memberships import compare_landings, infer_landings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DATA, report

GEOMETRY_FILES = ("cable/cable-geo.json", "cable/all.json", "landing-point/landing-point-geo.json")
SWEEP = [(1.0, 0.5), (2.0, 1.0), (5.0, 0.5), (5.0, 1.0), (5.0, 2.0), (10.0, 1.0), (20.0, 1.0)]


def strip(source: Path, target: Path) -> Path:
    """Copy only the geometry files of a release."""
    for rel in GEOMETRY_FILES:
        if (source / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, target / rel)
    return target


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    source = Path(args[0]) if args else DATA / "cables" / "tg-v3-2022"
    work = Path(tempfile.mkdtemp(prefix="cablemap-inference-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = cm.load(source)
            geometry = cm.load(strip(source, work / source.name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    accuracy = compare_landings(
        geometry.cable_landings, full.cable_landings, geometry.cables, geometry.landing_points
    )
    for line in accuracy.summary_lines():
        print(line, file=sys.stderr)
    examples = {
        reason: [
            f"{r.cable_id} / {r.lp_id}"
            for r in frame[frame["reason"] == reason.split(": ", 1)[1]].head(3).itertuples()
        ]
        for reason in accuracy.reasons
        for frame in [accuracy.missed if reason.startswith("missed") else accuracy.extra]
    }
    result = {
        "source": str(source),
        "thresholds_km": {"end": cm.settings.landing_end_km, "pass": cm.settings.landing_pass_km},
        "precision": round(accuracy.precision, 4),
        "recall": round(accuracy.recall, 4),
        "true_positives": accuracy.true_positives,
        "inferred": accuracy.inferred,
        "listed": accuracy.listed,
        "reasons": accuracy.reasons,
        "examples": examples,
        "target": 0.95,
    }
    if "--sweep" in sys.argv:
        rows = []
        for end_km, pass_km in SWEEP:
            links = infer_landings(
                geometry.cables, geometry.landing_points, end_km=end_km, pass_km=pass_km
            )
            a = compare_landings(
                links,
                full.cable_landings,
                geometry.cables,
                geometry.landing_points,
                end_km=end_km,
                pass_km=pass_km,
            )
            rows.append(
                {
                    "end_km": end_km,
                    "pass_km": pass_km,
                    "precision": round(a.precision, 4),
                    "recall": round(a.recall, 4),
                }
            )
        result["sweep"] = rows
    low = min(result["precision"], result["recall"])
    report("inference", result, above_target=None if low >= 0.95 else f"{low} < 0.95")


if __name__ == "__main__":
    main()
