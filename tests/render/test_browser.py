"""The maps in a real browser: headless Chromium with every non-file request blocked.

Runs where Debian's ``chromium`` is installed (``.ci/run`` installs it and sets
``CABLEMAP_REQUIRE_BROWSER=1``, which turns a missing browser into a failure). Screenshots go
to ``build/test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pytest

import cablemap as cm
from cablemap.layers.boundaries import bundled_countries
from cablemap.render import (
    save_map,
    save_maps,
    save_plan_map,
    save_scenario_map,
    strategic_nodes_map,
)
from cablemap.render.briefs import save_briefs
from tests.render.test_maps import layer_data
from tests.render.test_year_control import shown_from, year_spec

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CABLEMAP_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} but CABLEMAP_REQUIRE_BROWSER is set")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        yield instance
        instance.close()


class Page:
    """A map opened offline, with its JS errors and blocked requests recorded."""

    def __init__(self, browser, path: Path | str, size: tuple[int, int] = (1400, 850)) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.as_uri() if isinstance(path, Path) else path)
        self.page.wait_for_function("window.cablemap && cablemap.registry.ready")

    def drawn(self) -> dict[str, int]:
        """Per layer, how many features are on the map (drawn on its canvas)."""
        return self.page.evaluate(
            """() => Object.fromEntries(Object.entries(cablemap.registry.layers).map(
                ([k, l]) => [k, l.getLayers().filter(s => s._map).length]))"""
        )

    def click_feature(self, kind: str, feature_id: str) -> str:
        """Click the feature on screen and return the open popup's text."""
        point = self.page.evaluate(
            """([kind, id]) => {
                const map = cablemap.registry.map;
                const layer = cablemap.findById(kind, id).layer;
                // a point of the feature itself: the marker, or the middle of a line's middle
                // segment, in screen space (away from the landing-point markers at its ends)
                if (layer instanceof L.Polygon) {  // inside: the middle of its bounds
                    map.fitBounds(layer.getBounds(), {animate: false});
                    const c = map.latLngToContainerPoint(layer.getBounds().getCenter());
                    const box = map.getContainer().getBoundingClientRect();
                    return [c.x + box.left, c.y + box.top];
                }
                const ls = layer.getLatLng ? [layer.getLatLng()] : layer.getLatLngs().flat(3);
                const i = Math.max(1, Math.floor(ls.length / 2));
                const a = ls[i - 1] || ls[0], b = ls[i] || ls[0];
                map.setView(a, 8, {animate: false});
                const pa = map.latLngToContainerPoint(a), pb = map.latLngToContainerPoint(b);
                const d = pb.subtract(pa), len = Math.max(pa.distanceTo(pb), 1e-9);
                const p = ls.length < 2 ? pa : pa.add(d.multiplyBy(Math.min(0.5, 40 / len)));
                const box = map.getContainer().getBoundingClientRect();
                return [p.x + box.left, p.y + box.top];
            }""",
            [kind, feature_id],
        )
        self.page.wait_for_timeout(200)
        self.page.mouse.click(point[0], point[1])
        self.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        self.wait_until_still()  # the popup pans the map into view: click once it has
        return self.page.inner_text(".leaflet-popup-content")

    def wait_until_still(self, quiet_ms: int = 300) -> None:
        """Wait until the map has not moved for ``quiet_ms`` (a pan or zoom has ended)."""
        self.page.evaluate(
            """(quiet) => new Promise((done) => {
                const map = cablemap.registry.map;
                let timer = setTimeout(finish, quiet);
                function finish() { map.off("move", again); done(); }
                function again() { clearTimeout(timer); timer = setTimeout(finish, quiet); }
                map.on("move", again);
            })""",
            quiet_ms,
        )

    def open_popup(self, kind: str, feature_id: str) -> str:
        """Open a feature's popup through the runtime (no flight) and return its text."""
        self.page.evaluate(
            "([k, id]) => { const e = cablemap.findById(k, id); cablemap.focus(e, {fly: false}); "
            "if (e.layer._map) { e.layer.openTooltip(); } }",
            [kind, feature_id],
        )
        self.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        return self.page.inner_text(".leaflet-popup-content")

    def close_popup(self) -> None:
        """Close the open popup and wait until it has faded out of the page."""
        self.page.evaluate("() => { cablemap.registry.map.closePopup(); }")
        self.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.context.close()


#: Every control and docked panel of a page, with its box on screen (nested ones left out).
_BOXES = """() => Array.from(
    document.querySelectorAll('.cm-dock .leaflet-control, .cm-dock .cm-panel'))
    .filter(e => !e.parentElement.closest('.cm-panel, .leaflet-control'))
    .map(e => { const r = e.getBoundingClientRect();
                return {name: e.id || e.className, l: r.left, t: r.top, r: r.right, b: r.bottom}; })
    .filter(r => r.r > r.l && r.b > r.t)"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["name"], b["name"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]
    ]


#: Every table of a page with its CSV link: header, rows (cell text) and the CSV's text.
_TABLES = """() => Array.from(document.querySelectorAll('.cm-tablebox')).map(box => ({
    csv: decodeURIComponent(box.querySelector('a.cm-csv').getAttribute('href').split(',')[1]),
    file: box.querySelector('a.cm-csv').getAttribute('download'),
    head: Array.from(box.querySelectorAll('thead th')).map(c => c.textContent),
    rows: Array.from(box.querySelectorAll('tbody tr')).map(
        tr => Array.from(tr.querySelectorAll('td')).map(c => c.textContent)),
}))"""


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def sample_maps(tmp_path_factory, sample) -> dict[str, Path]:
    """Every page a build of the sample writes (with earthquakes and a simulation), once."""
    from tests.render.test_maps import _quakes  # noqa: PLC0415

    out = tmp_path_factory.mktemp("maps")
    layers = cm.Layers(**{**sample.__dict__, "hazards": _quakes()})
    analysis = cm.Analysis(layers)
    scores = analysis.scores
    years = analysis.years([2010, "current"])
    outlines = bundled_countries()
    simulation = analysis.simulate(years=300, seed=2)
    paths = save_maps(
        scores,
        layers,
        out,
        countries=outlines,
        years=years,
        briefs=True,
        simulation=simulation,
    )
    save_briefs(scores, layers, out, countries=["TON"])
    engine = analysis.engine
    result = engine.run(cables=["tonga-cable", "tonga-domestic-cable-extension-tdce"])
    paths.append(save_scenario_map(result, engine, out, name="tonga", countries=outlines))
    paths.append(
        save_scenario_map(
            analysis.scenarios()["luzon-strait"], engine, out, name="luzon", countries=outlines
        )
    )
    paths.append(save_plan_map(analysis.plan(), engine, out, countries=outlines))
    return {p.stem: p for p in paths if p.suffix == ".html"}


#: The map pages a build of the sample writes (the index, report and briefs have no map).
MAP_PAGES = [
    "strategic_nodes",
    "vendor_exposure",
    "probabilistic",
    "scenario_tonga",
    "scenario_luzon",
    "investment_plan",
]
#: Layers that are off when a page opens: facilities, hazards, the per-domain views.
OFF_AT_OPEN = ("facilities", "hazards", "domain_")


@pytest.mark.parametrize("name", MAP_PAGES)
def test_every_page_loads_offline_lays_out_and_gives_its_tables(browser, sample_maps, name):
    """Offline, every feature drawn; no two panels overlap at 1024x768 or 1400x900; each
    table's CSV holds exactly the rows shown."""
    page = Page(browser, sample_maps[name], size=(1024, 768))
    try:
        assert page.errors == []
        assert page.blocked == []  # nothing but the file itself
        text = sample_maps[name].read_text()
        expected = {
            k: 0 if k.startswith(OFF_AT_OPEN) else len(v["features"])
            for k, v in layer_data(text).items()
        }
        if "cablemapYears.install" in text:  # the page opens at the release's year
            spec = year_spec(text)
            expected |= {k: len(shown_from(text, k)(spec["start"])) for k in spec["from"]}
        assert page.drawn() == expected
        for control in (".leaflet-control-scale", ".cm-fullscreen", ".leaflet-control-layers"):
            assert page.page.locator(control).count() == 1, control
        for width, height in ((1024, 768), (1400, 900)):
            page.page.set_viewport_size({"width": width, "height": height})
            page.page.wait_for_timeout(150)
            boxes = page.page.evaluate(_BOXES)
            assert len(boxes) >= 7  # zoom, search, full screen, layers, scale, info, legend...
            assert _overlaps(boxes) == [], (width, height)
            assert all(b["b"] <= height + 0.5 and b["r"] <= width + 0.5 for b in boxes)
            page.screenshot(f"{name}_{width}x{height}.png")
        tables = page.page.evaluate(_TABLES)
        assert tables or name == "scenario_tonga"  # Tonga's lone cut touches no table row
        for table in tables:
            rows = list(csv.reader(io.StringIO(table["csv"].lstrip("\ufeff"))))
            assert rows == [table["head"], *table["rows"]], table["file"]
        assert page.errors == []
    finally:
        page.close()


def test_search_enter_opens_the_popup_and_a_copied_link_reopens_it(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"], size=(1024, 768))
    try:
        box = page.page.locator(".cm-search input")
        box.fill("TON")  # an ISO3 code finds the country first
        assert page.page.locator(".cm-results li").first.inner_text() == "Tonga (country)"
        box.fill("HMN Tech")  # a supplier finds its cables
        hits = page.page.locator(".cm-results li").all_inner_texts()
        assert hits and all(h.endswith("supplier: HMN Tech") for h in hits)
        box.fill("Tonga Cable Limited")  # an owner too
        assert "Tonga Cable (cable) — owner: Tonga Cable Limited" in (
            page.page.locator(".cm-results li").all_inner_texts()
        )
        box.fill("Suva")
        assert page.page.locator(".cm-results li").first.inner_text() == (
            "Suva, Fiji (landing point)"
        )
        box.press("ArrowDown")
        box.press("Enter")
        page.page.wait_for_selector(".leaflet-popup-content", timeout=4000)
        text = page.page.inner_text(".leaflet-popup-content")
        assert text.startswith("Suva, Fiji") and "score" in text
        state = page.page.evaluate(
            """() => { const l = cablemap.findById('landing_points', 'suva-fiji').layer;
                const map = cablemap.registry.map, c = map.getCenter();
                return {colour: l.options.color, zoom: map.getZoom(), lat: c.lat, lng: c.lng}; }"""
        )
        assert state["colour"] == "#0a84ff"  # highlighted
        # the popup sits above the panels and clear of them
        popup = page.page.locator(".leaflet-popup").bounding_box()
        boxes = page.page.evaluate(_BOXES)
        popup_box = {
            "name": "popup",
            "l": popup["x"],
            "t": popup["y"],
            "r": popup["x"] + popup["width"],
            "b": popup["y"] + popup["height"],
        }
        assert [o for o in _overlaps([popup_box, *boxes]) if "popup" in o] == []
        page.page.wait_for_timeout(500)  # the popup's pan clear of the panels settles
        shown = page.page.evaluate(
            "() => { const m = cablemap.registry.map, c = m.getCenter(); "
            "return {zoom: m.getZoom(), lat: c.lat, lng: c.lng}; }"
        )
        url = page.page.url
        assert "sel=landing_points:suva-fiji" in url and "map=" in url
        page.screenshot("search_suva.png")
        again = Page(browser, url, size=(1024, 768))
        try:
            again.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
            assert again.page.inner_text(".leaflet-popup-content") == text
            view = again.page.evaluate(
                "() => { const m = cablemap.registry.map, c = m.getCenter(); "
                "return {zoom: m.getZoom(), lat: c.lat, lng: c.lng}; }"
            )
            assert view["zoom"] == shown["zoom"] == state["zoom"]
            assert abs(view["lat"] - shown["lat"]) < 0.05 and abs(view["lng"] - shown["lng"]) < 0.05
            assert again.errors == [] and again.blocked == []
        finally:
            again.close()
        box.fill("Suva")
        box.press("Escape")
        assert page.page.locator(".cm-results li").count() == 0
        assert page.errors == []
    finally:
        page.close()


def test_a_link_reopens_layers_year_colours_and_filters(browser, sample_maps):
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        page.page.locator(".cm-colour input[value=owner_tier]").check()
        page.page.fill(".cm-filters input[data-cm-field=owners]", "China Telecom")
        shown = page.page.inner_text(".cm-filter-count")
        assert re.fullmatch(r"\d+ of \d+ cables match", shown)
        page.page.locator(".leaflet-control-layers-base label", has_text="5G").locator(
            "input"
        ).check()
        _move_to(page, 2015)
        url = page.page.url
        assert "colour=owner_tier" in url and "year=2015" in url and "domain_mobile" in url
        drawn = page.drawn()
        again = Page(browser, url)
        try:
            assert again.drawn() == drawn
            assert again.page.inner_text(".cm-year") == "2015"
            assert again.page.inner_text(".cm-filter-count") == shown
            assert again.page.is_checked(".cm-colour input[value=owner_tier]")
            assert again.errors == []
        finally:
            again.close()
    finally:
        page.close()


def test_clicking_a_landing_station_opens_its_score_popup(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        text = page.click_feature("landing_points", "tuas-singapore")
        assert text.startswith("Tuas, Singapore")
        assert "score breakdown" in text and "higher = more at risk" in text
        assert "SeaMeWe-3" in text  # the cables landing there
        page.page.click(".leaflet-popup-content summary:has-text('score breakdown')")
        assert "contribution" in page.page.inner_text(".leaflet-popup-content")
        height = page.page.locator(".leaflet-popup-content").bounding_box()["height"]
        assert height <= 360  # compact: a long popup scrolls
        assert page.errors == []
        page.screenshot("strategic_nodes_popup.png")
    finally:
        page.close()


def test_clicking_a_country_opens_its_card(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        text = page.click_feature("outlines", "AUS")
        assert text.startswith("Australia\ncountry · AUS")
        cables = page.page.inner_text(".leaflet-popup-content details[open]")
        assert cables.startswith("International cables (") and "INDIGO-West" in cables
        assert "Landing stations (" in text and "Main owners of its cables" in text
        assert "country brief: AUS" in text
        # no focus box around the clicked country: shapes are drawn on a canvas, not as SVG
        # elements that take focus (the map itself does, for its keyboard, with no ring)
        assert page.page.locator(".leaflet-overlay-pane path").count() == 0
        assert page.page.evaluate("document.activeElement.tagName") in ("BODY", "DIV")
        assert page.errors == []
        page.screenshot("country_card.png")
    finally:
        page.close()


def test_domain_views_are_exclusive_and_share_the_country_shapes(browser, sample_maps):
    # the per-domain layers do not repeat the country shapes in the page (size budget)
    data = layer_data(sample_maps["vendor_exposure"].read_text())
    assert all(f["geometry"] is None for f in data["domain_mobile"]["features"])
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        radios = page.page.locator(".leaflet-control-layers-base input[type=radio]")
        assert radios.count() == 6  # all domains + five domains, one at a time
        page.page.locator(".leaflet-control-layers-base label", has_text="cloud").locator(
            "input"
        ).check()
        drawn = page.drawn()
        assert drawn["domain_cloud"] == len(data["domain_cloud"]["features"]) > 20
        assert drawn["countries"] == 0 and drawn["domain_mobile"] == 0
        assert page.errors == []
    finally:
        page.close()


def test_country_popup_links_to_its_brief(browser, sample_maps):
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        text = page.open_popup("countries", "TON")
        assert "country brief: TON" in text
        with page.page.expect_navigation(url="**/countries/TON.html", wait_until="commit"):
            page.page.click(".leaflet-popup-content .cm-brief a")
        page.page.wait_for_selector("h1", timeout=20_000)
        assert page.page.url.endswith("/countries/TON.html")
        assert page.page.inner_text("h1").startswith("Tonga")
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_ranked_table_flies_to_the_country(browser, sample_maps):
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        page.page.locator("#cm-panel-exposure tr[data-cm-focus]").first.click()
        page.page.wait_for_selector(".leaflet-popup-content", timeout=4000)
        assert page.page.inner_text(".leaflet-popup-content").startswith("Kenya")
        assert page.errors == []
    finally:
        page.close()


def test_hostile_names_show_literally_and_run_nothing(browser, sample, tmp_path):
    evil = sample.cables.copy()
    row = evil.index[evil["cable_id"] == "tonga-cable"][0]
    evil.at[row, "name"] = "<script>window.__xss = 1</script>"
    evil.at[row, "owners"] = ['<img src=x onerror="window.__xss = 2">']
    layers = cm.Layers(evil, sample.landing_points, sample.cable_landings, sources=sample.sources)
    path = save_map(cm.build_map(layers), tmp_path / "evil.html")
    page = Page(browser, path)
    try:
        text = page.open_popup("cables", "tonga-cable")
        assert "<script>window.__xss = 1</script>" in text
        assert "<script>window.__xss = 1</script>" in page.page.inner_text(".leaflet-tooltip")
        assert '<img src=x onerror="window.__xss = 2">' in text
        page.page.fill(".cm-search input", "xss")
        assert "<script>" in page.page.locator(".cm-results li").first.inner_text()
        page.page.wait_for_timeout(300)
        assert page.page.evaluate("window.__xss") is None
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_template_syntax_in_names_shows_literally_in_the_browser(browser, sample, tmp_path):
    """Names with Jinja2 syntax reach the strategic map and the panels as written."""
    names = {
        "tonga-cable": "Tonga {{ 7*7 }}",
        "manatua": "Cable {% cable %} {# note #}",
    }
    cables = sample.cables.copy()
    for cable_id, name in names.items():
        cables.loc[cables["cable_id"] == cable_id, "name"] = name
    lps = sample.landing_points.copy()
    lps.loc[lps["lp_id"] == "nukualofa-tonga", "name"] = "Nuku'alofa {{ 6*7 }} </script>"
    layers = cm.Layers(cables, lps, sample.cable_landings, sources=sample.sources)
    scores = cm.score(layers)
    path = save_maps(scores, layers, tmp_path, countries=bundled_countries())[0]
    page = Page(browser, path)
    try:
        text = page.open_popup("cables", "tonga-cable")
        assert "Tonga {{ 7*7 }}" in text and "Tonga 49" not in text
        page.close_popup()
        assert "Cable {% cable %} {# note #}" in page.open_popup("cables", "manatua")
        page.close_popup()
        lp_text = page.open_popup("landing_points", "nukualofa-tonga")
        assert "Nuku'alofa {{ 6*7 }} </script>" in lp_text
        page.page.fill(".cm-search input", "{{ 7")
        assert "Tonga {{ 7*7 }}" in page.page.locator(".cm-results li").first.inner_text()
        assert "Nuku'alofa 42" not in page.page.inner_text("body")  # 6*7 never evaluated
        # the single points of failure panel names the hostile cable as written
        assert "Tonga {{ 7*7 }}" in page.page.inner_text("#cm-panel-spof")
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_probabilistic_view_one_unit_and_hazard_overlay(browser, sample_maps):
    path = sample_maps["probabilistic"]
    page = Page(browser, path)
    try:
        expected = {k: len(v["features"]) for k, v in layer_data(path.read_text()).items()}
        assert page.drawn()["hazards"] == 0  # off until ticked
        label = page.page.locator(".leaflet-control-layers-overlays label", has_text="Earthquake")
        label.locator("input").check()
        page.page.wait_for_timeout(300)
        assert page.drawn()["hazards"] == expected["hazards"]
        text = page.open_popup("countries", "TON")
        assert "chance of being cut off" in text and "% a year" in text
        assert "Tonga Cable (" in text  # the cable down then, by name
        assert not re.search(r"\b0\.\d{3}\b", text)  # no bare probabilities beside percents
        body = page.page.inner_text("#cm-panel-info")
        assert "% a year" in body and "landing station cut off" in body  # terms defined
        page.screenshot("probabilistic.png")
    finally:
        page.close()


@pytest.fixture(scope="session")  # kept while its group runs beside other tests
def sample_briefs(tmp_path_factory):
    from cablemap.pipeline.briefs import brief_data  # noqa: PLC0415 - only these tests
    from cablemap.render.briefs import save_briefs  # noqa: PLC0415

    layers = cm.load()
    analysis = cm.Analysis(layers)
    out = tmp_path_factory.mktemp("briefs")
    save_briefs(analysis.scores, layers, out, countries=["TON", "JPN"], data=brief_data(analysis))
    return out / "countries"


@pytest.mark.parametrize("iso3", ["TON", "JPN"])
def test_brief_renders_offline_and_prints_on_a_few_a4_pages(browser, sample_briefs, iso3):
    errors: list[str] = []
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    context.route("**/*", lambda r: (requests.append(r.request.url), r.continue_()))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    path = sample_briefs / f"{iso3}.html"
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert requests == [path.as_uri()]  # the page itself, nothing else
    assert errors == []
    assert page.locator("svg.cm-map path").count() > 0  # land and cables drawn
    assert page.locator("svg.cm-chart").count() == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"brief_{iso3}.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".controls").is_visible()  # no controls on paper
    pdf = page.pdf(format="A4")
    (ARTIFACTS / f"brief_{iso3}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= 4, pages
    context.close()


def _drawn_ids(path: Path, kind: str) -> set[str]:
    return {
        f["properties"]["id"]
        for f in layer_data(path.read_text())[kind]["features"]
        if f["geometry"]
    }


def _move_to(page: Page, year: int) -> None:
    page.page.locator(".cm-years input[type=range]").fill(str(year))
    page.page.wait_for_function(f"document.querySelector('.cm-years').dataset.year === '{year}'")


@pytest.mark.parametrize("name", ["strategic_nodes", "vendor_exposure"])
def test_moving_the_year_control_draws_the_network_of_that_year(browser, sample_maps, sample, name):
    path = sample_maps[name]
    cables = _drawn_ids(path, "cables")
    points = _drawn_ids(path, "landing_points") if name == "strategic_nodes" else None
    page = Page(browser, path)
    try:
        at_release = len(set(sample.as_of(2022).cables["cable_id"]) & cables)
        assert page.page.inner_text(".cm-year") == "2022"  # opens at the release's year
        assert page.page.inner_text(".cm-year-count") == f"{at_release} cables"
        for year in (2001, 2010, 2015, 2022, 2023):
            _move_to(page, year)
            network = sample.as_of(year)
            expected = len(set(network.cables["cable_id"]) & cables)
            assert page.page.inner_text(".cm-year-count") == f"{expected} cables"
            drawn = page.drawn()
            assert drawn["cables"] == expected
            if points is not None:
                assert drawn["landing_points"] == len(set(network.landing_points["lp_id"]) & points)
        _move_to(page, 2015)
        assert page.page.inner_text(".cm-year-scores").endswith("as of 2010")
        page.page.locator(".cm-years button[data-step='-1']").click()
        assert page.page.inner_text(".cm-year") == "2014"
        page.screenshot(f"{name}_2014.png")
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_year_control_popups_give_the_scores_of_the_year(browser, sample_maps):
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        _move_to(page, 2012)
        text = page.open_popup("countries", "TON")
        assert "year control\tas of 2010: vendor exposure" in text
        assert "international cables 0, status unconnected" in text  # Tonga Cable: RFS 2013
        assert page.errors == []
    finally:
        page.close()


def test_year_control_on_the_2022_copy(browser, tg_v3, tmp_path):
    analysis = cm.Analysis(tg_v3)
    scores = analysis.scores
    years = analysis.years([2010])
    path = save_map(strategic_nodes_map(scores, tg_v3, years=years), tmp_path / "nodes.html")
    cables = _drawn_ids(path, "cables")
    page = Page(browser, path)
    try:
        for year in (1995, 2010, 2021, 2022, 2026):
            _move_to(page, year)
            expected = len(set(tg_v3.as_of(year).cables["cable_id"]) & cables)
            assert page.page.inner_text(".cm-year-count") == f"{expected} cables"
            assert page.drawn()["cables"] == expected
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
