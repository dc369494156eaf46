"""Benchmark: frame times of the strategic-nodes map in Chromium while zooming and panning.

    python benchmarks/bench_frames.py [PATH] [COUNTRIES]

The map is the full release with PeeringDB's facilities, the cloud regions and Natural Earth
(as ``bench_maps.py`` loads them), with its year control, opened in headless Chromium
(Debian ``chromium``, 1400x900, every request outside the file blocked). Measured:

- **first frame**: ms from navigation to the runtime's first animation frame after every
  layer is on the map and the view is restored (budget 1,000 ms);
- **frames at zoom 5** over South-East Asia (the densest part of the map): for pans of 300 px
  and zoom steps 5 -> 6 -> 5, each made at once (no animation), the time from the call until
  the frame after the one that shows it has started (two ``requestAnimationFrame`` callbacks;
  so each figure includes up to one extra frame interval); median and worst, budget 100 ms;
- **animated**: the longest interval between two frames during an animated pan, zoom in and
  zoom out;
- the same with the facilities layer (1,251 PeeringDB sites in view) ticked on: the worst case.

Baseline: the same page drawn with SVG instead of a canvas (``preferCanvas`` off), as the maps
drew before issue 23; the report gives each figure's ratio to it.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report
from bench_maps import _ARGS, load_layers

import cablemap as cm
from cablemap.render import save_map, strategic_nodes_map

#: Budgets of issue 23 (ms).
FRAME_BUDGET_MS = 100.0
FIRST_FRAME_BUDGET_MS = 1000.0

_MEASURE = """async (withFacilities) => {
    const map = cablemap.registry.map;
    const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (withFacilities) { map.addLayer(cablemap.registry.groups.facilities); }
    map.setView([5, 110], 5, {animate: false});
    await frame();
    const out = {pan: [], zoom: [], animated: []};
    for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        map.panBy([i % 2 ? -300 : 300, i % 3 ? 100 : -100], {animate: false});
        await frame();
        out.pan.push(performance.now() - t0);
    }
    for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        map.setZoom(i % 2 ? 5 : 6, {animate: false});
        await frame();
        out.zoom.push(performance.now() - t0);
    }
    let last = performance.now(), running = true;
    const tick = t => {
        out.animated.push(t - last);
        last = t;
        if (running) { requestAnimationFrame(tick); }
    };
    requestAnimationFrame(tick);
    const settle = ev => new Promise(r => map.once(ev, () => setTimeout(r, 50)));
    let done = settle("moveend"); map.panBy([400, 200]); await done;
    done = settle("zoomend"); map.zoomIn(1); await done;
    done = settle("zoomend"); map.zoomOut(1); await done;
    running = false;
    out.drawn = Object.values(cablemap.registry.layers).reduce(
        (n, l) => n + l.getLayers().filter(s => s._map).length, 0);
    out.zoomLevel = map.getZoom();
    return out;
}"""


def _summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 1), "worst_ms": round(max(values), 1)}


def measure(path: Path, chromium: str, *, repeat: int = 3) -> dict:
    """First frame and zoom/pan frames of a page, the median run of ``repeat``."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional, test extra

    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=_ARGS)
        for _ in range(repeat):
            run = {}
            for facilities in (False, True):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                page = context.new_page()
                page.goto(path.as_uri(), wait_until="commit")
                page.wait_for_function(
                    "window.cablemap && cablemap.registry.firstFrame", timeout=120_000
                )
                first = page.evaluate("cablemap.registry.firstFrame")
                frames = page.evaluate(_MEASURE, facilities)
                key = "with_facilities" if facilities else "at_open"
                run[key] = {
                    "pan": _summary(frames["pan"]),
                    "zoom": _summary(frames["zoom"]),
                    "animated_worst_ms": round(max(frames["animated"]), 1),
                    "features_drawn": frames["drawn"],
                }
                if not facilities:
                    run["first_frame_ms"] = round(first, 1)
                context.close()
            runs.append(run)
        browser.close()
    runs.sort(key=lambda r: r["with_facilities"]["pan"]["worst_ms"])
    return runs[len(runs) // 2]


def _worst(result: dict) -> float:
    return max(
        result[k][m]["worst_ms"] for k in ("at_open", "with_facilities") for m in ("pan", "zoom")
    )


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Debian's chromium is not installed: no frame times", file=sys.stderr)
        sys.exit(1)
    source, ne = release_and_countries()
    layers = load_layers(source, ne)
    analysis = cm.Analysis(layers)
    out = Path(tempfile.mkdtemp(prefix="cablemap-frames-"))
    path = save_map(
        strategic_nodes_map(
            analysis.scores, layers, countries=layers.countries, years=analysis.years()
        ),
        out / "strategic_nodes.html",
    )
    svg = out / "strategic_nodes_svg.html"
    svg.write_text(path.read_text().replace('"preferCanvas": true', '"preferCanvas": false'))
    ours, baseline = measure(path, chromium), measure(svg, chromium)
    worst = _worst(ours)
    result = {
        "page": str(path),
        "bytes": path.stat().st_size,
        "facilities": 0 if layers.facilities is None else len(layers.facilities),
        "canvas": ours,
        "svg_baseline": baseline,
        "ratios_canvas_to_svg": {
            "first_frame": round(ours["first_frame_ms"] / baseline["first_frame_ms"], 2),
            "worst_frame": round(worst / _worst(baseline), 2),
        },
        "budgets_ms": {"frame_at_zoom_5": FRAME_BUDGET_MS, "first_frame": FIRST_FRAME_BUDGET_MS},
    }
    over = [
        what
        for what, bad in (
            ("frame at zoom 5", worst > FRAME_BUDGET_MS),
            ("first frame", ours["first_frame_ms"] > FIRST_FRAME_BUDGET_MS),
        )
        if bad
    ]
    print(
        f"first frame {ours['first_frame_ms']} ms (budget {FIRST_FRAME_BUDGET_MS:g}); worst "
        f"zoom/pan frame at zoom 5 {worst} ms (budget {FRAME_BUDGET_MS:g}); SVG: "
        f"{baseline['first_frame_ms']} ms and {_worst(baseline)} ms",
        file=sys.stderr,
    )
    report("frames", result, above_target=", ".join(over) or None)


if __name__ == "__main__":
    main()
