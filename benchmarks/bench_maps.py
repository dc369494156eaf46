"""Benchmark: map generation time, HTML size and time to first drawn frame, vs a naive map.

    python benchmarks/bench_maps.py [PATH] [COUNTRIES]

The layers are the release with PeeringDB's facilities (``../shared/data/facilities``), the
cloud regions and the footprints of the sample, as a full build draws them (issue 23: the
strategic-nodes map must stay under 1.5 MB with them). Frame times while zooming and panning
are measured by ``bench_frames.py``.

The naive map is the one the maps issue measured: folium ``GeoJson`` of every route plus one
``CircleMarker`` per landing point, on the whole world. Ours are the Indo-Pacific
strategic-nodes and vendor-exposure maps (basemap, popups with breakdowns, search, inlined
Leaflet), with the year control (issue 15: scores through time precomputed by
:func:`cablemap.risk.history.years.score_years`; the same maps without it are measured beside them).
Generation is timed after loading and scoring (the median of three; the first page of the run,
which simplifies the country outlines every later page reuses, is reported apart); the first
drawn frame is measured in headless Chromium (Debian ``chromium``) as the time from navigation
until every vector of the map is in the page and a frame has been painted (ours: the
runtime's first animation frame once every layer is on its canvas), with requests outside the
file served from the vendored Leaflet (naive map) or blocked. Targets: < 1 s and < 1.5 MB per
map (with the year control), first frame < 1 s. The scoring through time (one scoring per
configured year, at build time) is reported as a ratio to one scoring of the release.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium

import cablemap as cm
from cablemap.render import save_map, strategic_nodes_map, vendor_exposure_map
from cablemap.render.assets import _vendored

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import release_and_countries, report

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
# the flags the browser tests use (tests/render/test_browser.py): no background network
_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_LAYER = re.compile(r'cablemap\.addLayer\(\s*\w+,\s*\w+,\s*"(\w+)",\s*(\{.*?\}),\s*\{"popup"', re.S)
#: Layers off when a page opens: the per-domain views, facilities, earthquakes.
_OFF = ("domain_", "facilities", "hazards")


def features_of(page: str) -> dict[str, int]:
    """Features per layer of a page (packed: ``n`` of each layer)."""
    return {kind: json.loads(data)["n"] for kind, data in _LAYER.findall(page)}


def shown_at_open(page: str) -> int:
    """Features of the layers on when the page opens."""
    return sum(n for kind, n in features_of(page).items() if not kind.startswith(_OFF))


def naive_map(layers: cm.Layers) -> folium.Map:
    m = folium.Map(location=[0, 150], zoom_start=2)
    folium.GeoJson(layers.cables[["cable_id", "name", "geometry"]].to_json()).add_to(m)
    for row in layers.landing_points.itertuples():
        folium.CircleMarker([row.geometry.y, row.geometry.x], radius=3, tooltip=row.name).add_to(m)
    return m


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def load_layers(source: Path, ne: Path) -> cm.Layers:
    """Load the release with PeeringDB, cloud regions, Natural Earth and sample footprints."""
    from cablemap.layers.attach import add_extras  # noqa: PLC0415

    sample = REPO / "geodata" / "sample"
    facilities = [sample / "cloud_regions.csv"]
    pdb = DATA / "facilities" / "peeringdb-2024-10" / "peeringdb.kmz"
    if pdb.is_file():
        facilities.insert(0, pdb)
    return add_extras(
        cm.load(source),
        facilities=facilities,
        countries=ne,
        footprints=sample / "vendor_footprints.csv",
    )


def first_frame_ms(path: Path, vectors: int) -> float | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional, test extra

    leaflet_js, leaflet_css = _vendored("leaflet.js"), _vendored("leaflet.css")

    def route(r):
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        elif url.endswith("leaflet.js"):
            r.fulfill(body=leaflet_js, content_type="application/javascript")
        elif url.endswith("leaflet.css"):
            r.fulfill(body=leaflet_css, content_type="text/css")
        else:
            r.abort()

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=_ARGS)
        for _ in range(3):
            context = browser.new_context(viewport={"width": 1400, "height": 850})
            context.route("**/*", route)
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="commit")
            if vectors:  # the naive map: SVG paths
                page.wait_for_function(
                    f"document.querySelectorAll('.leaflet-overlay-pane path').length >= {vectors}",
                    timeout=60_000,
                )
                times.append(
                    page.evaluate(
                        "new Promise(r => requestAnimationFrame(() => r(performance.now())))"
                    )
                )
            else:  # ours: every layer on a canvas; the runtime notes its first frame
                page.wait_for_function(
                    "window.cablemap && cablemap.registry.firstFrame", timeout=60_000
                )
                times.append(page.evaluate("cablemap.registry.firstFrame"))
            context.close()
        browser.close()
    return round(statistics.median(times), 1)


def main() -> None:
    source, ne = release_and_countries()
    layers = load_layers(source, ne)
    countries = layers.countries
    analysis = cm.Analysis(layers)
    score_s, scores = _timed(lambda: analysis.scores, repeat=1)
    years_s, years = _timed(analysis.years, repeat=1)
    out = Path(tempfile.mkdtemp(prefix="cablemap-bench-"))
    results = {}

    naive_s, naive = _timed(lambda: naive_map(layers).get_root().render())
    naive_path = out / "naive.html"
    naive_path.write_text(naive)
    n_naive = len(layers.cables) + len(layers.landing_points)
    results["naive"] = {
        "generate_s": round(naive_s, 3),
        "bytes": len(naive.encode()),
        "first_frame_ms": first_frame_ms(naive_path, n_naive),
    }
    # the country outlines are simplified once per build and reused by every page: time the
    # first page of the run apart (it pays for them) from the median of the repeats
    start = time.perf_counter()
    save_map(
        strategic_nodes_map(scores, layers, countries=countries, years=years),
        out / "first_page.html",
    )
    results["first_page_with_outlines_s"] = round(time.perf_counter() - start, 3)
    for name, build in (
        ("strategic_nodes", strategic_nodes_map),
        ("vendor_exposure", vendor_exposure_map),
    ):
        for suffix, by_year in (("", years), ("_without_years", None)):
            path = out / f"{name}{suffix}.html"
            seconds, _ = _timed(
                lambda b=build, p=path, y=by_year: save_map(
                    b(scores, layers, countries=countries, years=y), p
                )
            )
            page = path.read_text()
            results[name + suffix] = {
                "generate_s": round(seconds, 3),
                "bytes": len(page.encode()),
                "features": sum(features_of(page).values()),
                "features_at_open": shown_at_open(page),
                "first_frame_ms": None if suffix else first_frame_ms(path, 0),
            }
        with_, without = results[name], results[f"{name}_without_years"]
        with_["year_control_bytes"] = with_["bytes"] - without["bytes"]
        with_["year_control_time_ratio"] = round(with_["generate_s"] / without["generate_s"], 2)
    results["scores_through_time"] = {
        "years": list(years.years) if years is not None else [],
        "seconds": round(years_s, 3),
        "score_release_s": round(score_s, 3),
        "vs_one_scoring": round(years_s / score_s, 2),
    }
    for name in ("strategic_nodes", "vendor_exposure"):
        results[name]["size_vs_naive"] = round(
            results[name]["bytes"] / results["naive"]["bytes"], 2
        )
        results[name]["time_vs_naive"] = round(
            results[name]["generate_s"] / results["naive"]["generate_s"], 2
        )
    over = [
        n
        for n in ("strategic_nodes", "vendor_exposure")
        if results[n]["generate_s"] >= 1.0
        or results[n]["bytes"] >= 1_500_000
        or (results[n]["first_frame_ms"] or 0) > 1000
    ]
    results["source"] = str(source)
    results["facilities"] = 0 if layers.facilities is None else len(layers.facilities)
    results["targets"] = {"generate_s": 1.0, "bytes": 1_500_000, "first_frame_ms": 1000}
    for name in ("strategic_nodes", "vendor_exposure"):
        r = results[name]
        print(
            f"{name}: {r['bytes'] / 1e6:.2f} MB (budget 1.5 MB), first frame "
            f"{r['first_frame_ms']} ms (budget 1000 ms), generated in {r['generate_s']} s",
            file=sys.stderr,
        )
    report("maps", results, above_target=", ".join(over) or None)


if __name__ == "__main__":
    main()
