"""Exact resilience, critical pairs and the investment planner on the 2022 release.

Run from the repository root (the reference data lives in ../shared/data):

    python benchmarks/bench_resilience.py
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

import cablemap as cm

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def main() -> None:
    layers = cm.load(SHARED / "cables" / "tg-v3-2022")
    countries = cm.countries_from_file(SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp")
    engine = cm.ScenarioEngine(layers, countries=countries)
    start = time.perf_counter()
    res = engine.resilience()
    t = time.perf_counter() - start
    print(
        f"min-cut: {len(res.countries)} countries + {len(res.landing_points)} landing points "
        f"in {t:.2f} s (hubs {res.hubs})"
    )
    start = time.perf_counter()
    pairs = engine.sweep_pairs()
    t_pairs = time.perf_counter() - start
    n_cables = len({c for c in engine.network.segments["cable_id"] if c in engine.active_cables})
    all_pairs = math.comb(n_cables, 2)
    cables = sorted(engine.active_cables)[:20]
    start = time.perf_counter()
    for a, b in zip(cables[::2], cables[1::2], strict=True):
        engine.run(cables=[a, b])
    t_single = (time.perf_counter() - start) / 10
    print(
        f"pair sweep: {len(pairs)} critical pairs in {t_pairs:.2f} s; every pair of the "
        f"{n_cables} cables through the single-scenario path: {all_pairs:,} x {t_single:.3f} s "
        f"= {all_pairs * t_single:,.0f} s (ratio {all_pairs * t_single / t_pairs:,.0f}x)"
    )
    rng = np.random.default_rng(13)
    region = layers.landing_points[
        layers.landing_points["iso3"].isin(engine.model.region.countries)
    ]
    country = dict(zip(region["lp_id"], region["iso3"], strict=True))
    extra = [  # links between two countries (two points of one place are refused)
        {"id": f"bench-{i}", "from": a, "to": b, "route_km": float(rng.uniform(200, 4000))}
        for i, (a, b) in enumerate(rng.choice(region["lp_id"].to_numpy(), size=(500, 2)))
        if country[a] != country[b]
    ]
    p = cm.plan(layers, countries=countries, extra_candidates=extra, generate=False)
    start = time.perf_counter()
    cm.score(layers, countries=countries)
    t_score = time.perf_counter() - start
    print(
        f"planner: {len(p.candidates)} candidates evaluated in {p.timings['evaluate']:.3f} s "
        f"(portfolio with recomputation {p.timings['portfolio']:.2f} s, setup "
        f"{p.timings['setup']:.1f} s); re-scoring per candidate: {len(p.candidates)} x "
        f"{t_score:.1f} s = {len(p.candidates) * t_score:,.0f} s "
        f"(ratio {len(p.candidates) * t_score / p.timings['evaluate']:,.0f}x)"
    )


if __name__ == "__main__":
    main()
