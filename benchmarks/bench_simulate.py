"""Benchmark: simulated years per second, on one core, on a Dask LocalCluster, and naive.

    python benchmarks/bench_simulate.py [PATH] [COUNTRIES] [--big YEARS] [--workers N,N]

On the full 2022 release with Natural Earth landmasses and the USGS catalogue:

- one core (the local engine): years/s over 10,000 years (``--years``);
- Dask ``LocalCluster`` with 1, 2 ... worker processes (one thread each), warmed up: years/s
  over the same years, and the speed-up over one worker (scaling);
- 100,000 years (``--big``) on the local cluster with every worker: the wall time, with and
  without preparing the network, rates and places (target: minutes on one machine);
- a naive loop in the same run on a sample of the same years (same faults, drawn by the same
  generator): at every fault and repair, copy the segment graph with networkx, remove what is
  down, recompute connected components and check every country and landing point (cut off
  from abroad, and isolated). Its results must equal ours on those years; the ratio of
  years/s is reported.

Preparation (network, fault rates, places) is timed apart. The machine's load average before
and after is reported: on a shared machine other processes take cores from the workers.
Results also go to benchmarks/results/simulate.json (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

import cablemap as cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DATA, report

from cablemap.layers.hazards import earthquakes_from_file
from cablemap.risk.hazards.rates import fault_rates
from cablemap.risk.scenarios.engine import ScenarioEngine
from cablemap.risk.simulation import simulate as sim
from cablemap.risk.simulation.results import summarise

USGS = DATA / "hazards" / "usgs-m55-1965-2016.csv"
TARGET_100K_S = 600.0  # "in minutes": ten at most


def naive_block(plan: sim.SimulationPlan, engine: ScenarioEngine, block: int, years: int):
    """Check every state of the same faults as ``run_block`` with networkx, whole graph.

    Returns per country, and per landing point cut off from abroad and isolated, the years
    with a cut-off.
    """
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, block]))
    f = sim._draw_faults(plan, rng, min(plan.block_years, plan.years))
    year, seg, start, end = f.year, f.segment, f.start, f.end
    g = engine.graph
    base = engine.base_edges
    edges = [(int(g.eu[e]), int(g.ev[e]), e) for e in np.flatnonzero(base)]
    country = {int(n): int(c) for n, c in zip(g.lp_index, g.lp_country, strict=True) if c >= 0}
    main_node, on_main = engine.main_landmass
    lp_before = engine.lp_isolated(base[:, None])[:, 0]
    reach_before = engine.base_reach
    c_years = np.zeros(len(g.countries), dtype=int)
    l_years = np.zeros(len(g.lp_ids), dtype=int)
    a_years = np.zeros(len(g.lp_ids), dtype=int)
    for y in range(years):
        m = year == y
        s, e, sg = np.maximum(start[m], 0), np.minimum(end[m], 365.0), seg[m]
        cut_c = np.zeros(len(g.countries), dtype=bool)
        cut_l = np.zeros(len(g.lp_ids), dtype=bool)
        cut_a = np.zeros(len(g.lp_ids), dtype=bool)
        for t in np.unique(np.concatenate([[0.0], s[s > 0], e[e < 365.0]])):
            down = set(sg[(s <= t) & (e > t)].tolist())
            graph = nx.MultiGraph()
            graph.add_nodes_from(range(len(g.nodes)))
            graph.add_edges_from((u, v) for u, v, k in edges if k not in down)
            label = {}
            abroad = {}
            for i, comp in enumerate(nx.connected_components(graph)):
                here = {country[n] for n in comp if n in country}
                for n in comp:
                    label[n] = i
                abroad[i] = len(here) >= 2
            reaches = np.zeros(len(g.countries), dtype=bool)
            for n, c in country.items():
                reaches[c] |= abroad[label[n]]
            cut_c |= (reach_before > 0) & ~reaches
            for j, n in enumerate(g.lp_index):
                c = g.lp_country[j]
                if c < 0:
                    continue
                cut_a[j] |= not abroad[label[int(n)]]
                if lp_before[j]:
                    continue
                if not abroad[label[int(n)]] and (
                    on_main[j] or label[int(n)] != label[int(main_node[c])]
                ):
                    cut_l[j] = True
        c_years += cut_c
        l_years += cut_l
        a_years += cut_a
    return c_years, l_years, a_years


def same_as_naive(few: sim.SimulationPlan, engine: ScenarioEngine, n: int) -> bool:
    """Whether our years cut off equal the naive loop's for every place."""
    c_naive, l_naive, a_naive = naive_block(few, engine, 0, n)
    mine = sim.run_block(few, 0)
    g = engine.graph
    agree = True
    per_lp = {"landing_point": l_naive, "abroad": a_naive}
    for i, place in enumerate(few.places):
        if place.kind == "country":
            agree &= bool(c_naive[g.countries.index(place.key)] == mine.cut_years[i])
        else:
            naive = per_lp[place.kind]
            agree &= all(naive[g.lp_ids.index(lp)] == mine.cut_years[i] for lp in place.members)
    return agree


def years_per_second(fn, years: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return years / seconds, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", nargs="?", default=str(DATA / "cables" / "tg-v3-2022"))
    parser.add_argument(
        "countries",
        nargs="?",
        default=str(DATA / "boundaries" / "ne_10m_admin_0_countries_deu.shp"),
    )
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10_000)
    parser.add_argument("--workers", default=f"1,{os.cpu_count() or 1}")
    parser.add_argument("--naive-years", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    layers = cm.load(args.source)
    layers.hazards = earthquakes_from_file(USGS)
    countries = cm.countries_from_file(args.countries)
    model = cm.load_model()

    start = time.perf_counter()
    engine = ScenarioEngine(layers, model, countries=countries)
    rates = fault_rates(engine.network, layers, model.faults, layers.hazards, model.chokepoints)
    plan = sim.prepare_simulation(engine, rates, years=args.years, seed=1)
    prepare_s = time.perf_counter() - start

    cpu = time.process_time()
    local_rate, local_s = years_per_second(lambda: sim._run_local(plan, None), plan.years)
    local_cpu_s = time.process_time() - cpu

    # the naive networkx loop on a few years, and ours on the same years (same plan and seed:
    # the same faults), results compared
    n = args.naive_years
    few = sim.SimulationPlan(**{**plan.__dict__, "years": n, "block_years": n})
    naive_rate, naive_s = years_per_second(lambda: naive_block(few, engine, 0, n), n)
    agree = same_as_naive(few, engine, n)

    from dask.distributed import Client, LocalCluster  # noqa: PLC0415

    scaling = {}
    workers = sorted({int(w) for w in args.workers.split(",")})
    big = sim.SimulationPlan(**{**plan.__dict__, "years": args.big})
    big_s = 0.0
    for w in workers:
        with (
            LocalCluster(
                n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            warm = sim.SimulationPlan(**{**plan.__dict__, "years": plan.block_years * w})
            sim._run_dask(warm, None, scheduler=None, workers=None, client=client)
            rate, seconds = years_per_second(
                lambda c=client: sim._run_dask(plan, None, scheduler=None, workers=None, client=c),
                plan.years,
            )
            scaling[f"{w}_workers"] = {"years_per_s": round(rate, 1), "seconds": round(seconds, 1)}
            if w == workers[-1]:
                start = time.perf_counter()
                results, _ = sim._run_dask(big, None, scheduler=None, workers=None, client=client)
                big_s = time.perf_counter() - start
    base = scaling[f"{workers[0]}_workers"]["years_per_s"]
    for entry in scaling.values():
        entry["speedup_vs_1_worker"] = round(entry["years_per_s"] / base, 2)
    countries_frame = summarise(big, results, layers, engine, rates)["countries"]
    out = {
        "source": args.source,
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "places_watched": len(plan.places),
        "parts": len(plan.parts),
        "faults_per_year": round(float(rates.segments["faults_per_year"].sum()), 1),
        "events_per_year": round(plan.events_per_year, 1),
        "fault_model": rates.model.name,
        "prepare_s": round(prepare_s, 2),
        "one_core_years_per_s": round(local_rate, 1),
        f"one_core_{plan.years}_years_s": round(local_s, 1),
        f"one_core_{plan.years}_years_cpu_s": round(local_cpu_s, 1),
        "local_cluster": scaling,
        f"big_{args.big}_years_s": round(big_s, 1),
        f"big_{args.big}_years_with_prepare_s": round(big_s + prepare_s, 1),
        "big_workers": workers[-1],
        "big_top_countries": [
            [r.iso3, round(r.probability_cut_off, 4), round(r.expected_days_cut_off, 2)]
            for r in countries_frame.head(5).itertuples()
        ],
        "naive_networkx_years": n,
        "naive_years_per_s": round(naive_rate, 4),
        "naive_s": round(naive_s, 1),
        "speedup_vs_naive": round(local_rate / naive_rate, 0),
        "naive_results_identical": agree,
        "target_100k_s": TARGET_100K_S,
    }
    report(
        "simulate",
        out,
        above_target=f"{round(big_s)} s for {args.big} years" if big_s > TARGET_100K_S else None,
    )


if __name__ == "__main__":
    main()
