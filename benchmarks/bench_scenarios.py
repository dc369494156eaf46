"""Benchmark: the single-cable sweep with per-country isolation, vs a naive networkx sweep.

    python benchmarks/bench_scenarios.py [PATH] [COUNTRIES]

The naive sweep copies the segment graph for every cable, removes the cable's segments and
recomputes connected components with networkx, then checks each country; ours computes every
scenario at once (batched label propagation). Both run on the same prepared network in the
same run. Scaling: the network replicated 2, 4 and 8 times (disjoint copies with renamed
nodes and countries). Target (issue 5): the full 2022 single-cable sweep under 1 s.
Results also go to benchmarks/results/scenarios.json (git-ignored).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

import cablemap as cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

from cablemap.risk.network.connectivity import graph_from_network

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


def naive_sweep(engine: cm.ScenarioEngine) -> dict[str, list[str]]:
    """Copy the graph per cable (the approach the issue measured at ~50 s)."""
    seg = engine.network.segments
    base = nx.MultiGraph()
    base.add_nodes_from(engine.network.nodes["node_id"])
    for s in seg.itertuples():
        if s.cable_id in engine.active_cables:
            base.add_edge(s.u, s.v, key=s.seg_id, cable=s.cable_id)
    base.add_edges_from(
        zip(engine.network.terrestrial["u"], engine.network.terrestrial["v"], strict=True)
    )
    lp_iso = engine.layers.landing_points.set_index("lp_id")["iso3"].dropna().to_dict()

    def abroad(graph: nx.MultiGraph) -> set[str]:
        reach = set()
        for comp in nx.connected_components(graph):
            countries = {lp_iso[n] for n in comp if n in lp_iso}
            if len(countries) >= 2:
                reach |= countries
        return reach

    before = abroad(base)
    out = {}
    for cable in sorted(engine.active_cables):
        graph = base.copy()
        graph.remove_edges_from(
            [
                (u, v, k)
                for u, v, k, d in base.edges(keys=True, data=True)
                if d.get("cable") == cable
            ]
        )
        out[cable] = sorted(before - abroad(graph))
    return out


def replicate(engine: cm.ScenarioEngine, copies: int) -> cm.ScenarioEngine:
    """Build a synthetic engine whose network is ``copies`` disjoint copies of the real one."""
    net = engine.network
    nodes, segs, terr, lps, cables = [], [], [], [], []
    for r in range(copies):
        tag = f"~{r}"
        nodes.append(net.nodes.assign(node_id=net.nodes["node_id"] + tag))
        segs.append(
            net.segments.assign(
                u=net.segments["u"] + tag,
                v=net.segments["v"] + tag,
                cable_id=net.segments["cable_id"] + tag,
                seg_id=net.segments["seg_id"] + tag,
            )
        )
        terr.append(
            net.terrestrial.assign(u=net.terrestrial["u"] + tag, v=net.terrestrial["v"] + tag)
        )
        lp = engine.layers.landing_points
        lps.append(lp.assign(lp_id=lp["lp_id"] + tag, iso3=lp["iso3"] + tag))
        cables.append(pd.Series(sorted(engine.active_cables)) + tag)
    clone = object.__new__(cm.ScenarioEngine)
    clone.network = cm.risk.Network(
        pd.concat(nodes, ignore_index=True),
        pd.concat(segs, ignore_index=True),
        pd.concat(terr, ignore_index=True),
    )
    clone.layers = cm.Layers(
        engine.layers.cables, pd.concat(lps, ignore_index=True), engine.layers.cable_landings
    )
    clone.model = engine.model
    clone.active_cables = set(pd.concat(cables))
    clone.graph = graph_from_network(clone.network, clone.layers)
    seg_cables = clone.network.segments["cable_id"].to_numpy()
    clone._seg_cables = seg_cables
    clone._base_edges = np.ones(clone.graph.n_edges, dtype=bool)
    clone._base_edges[: len(seg_cables)] = np.isin(seg_cables, list(clone.active_cables))
    clone._base = clone._connectivity(clone._base_edges[:, None])
    return clone


def _time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    source, ne = release_and_countries()
    layers = cm.load(source)
    start = time.perf_counter()
    engine = cm.ScenarioEngine(layers, countries=cm.countries_from_file(ne))
    prepare_s = time.perf_counter() - start
    ours_s = _time(lambda: engine.sweep(chokepoints=False))
    start = time.perf_counter()
    naive = naive_sweep(engine)
    naive_s = time.perf_counter() - start
    ours = engine.sweep(chokepoints=False).set_index("cut")["isolated"].to_dict()
    agree = all(ours[c] == naive[c] for c in naive)
    scaling = {}
    for copies in (1, 2, 4, 8):
        clone = replicate(engine, copies)
        scaling[f"{copies}x"] = {
            "cables": len(clone.active_cables),
            "sweep_s": round(_time(lambda c=clone: c.sweep(chokepoints=False), repeat=1), 3),
        }
    result = {
        "source": str(source),
        "single_cable_cuts": len(naive),
        "prepare_network_s": round(prepare_s, 3),
        "ours_sweep_s_median": round(ours_s, 3),
        "naive_networkx_sweep_s": round(naive_s, 2),
        "speedup_vs_naive": round(naive_s / ours_s, 1),
        "results_identical": agree,
        "scaling": scaling,
        "target_sweep_s": 1.0,
    }
    report(
        "scenarios",
        result,
        above_target=f"{result['ours_sweep_s_median']} s" if ours_s >= 1.0 else None,
    )


if __name__ == "__main__":
    main()
