"""The maps in a real browser: headless Chromium with every non-file request blocked.

Runs where Debian's ``chromium`` is installed (``.ci/run`` installs it and sets
``CABLEMAP_REQUIRE_BROWSER=1``, which turns a missing browser into a failure). Screenshots go
to ``build/test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import cablemap as cm
from cablemap.layers.boundaries import bundled_countries
from cablemap.render import save_map, save_maps, scenario_map, strategic_nodes_map
from cablemap.render.briefs import save_briefs
from tests.render.test_maps import layer_data

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


@pytest.fixture(scope="module")
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

    def __init__(self, browser, path: Path) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 850})

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
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.cablemap && cablemap.registry.map !== null")
        self.page.wait_for_timeout(300)

    def drawn(self) -> dict[str, int]:
        """Per layer, how many features have an SVG element attached to the page."""
        return self.page.evaluate(
            """() => Object.fromEntries(Object.entries(cablemap.registry.layers).map(
                ([k, l]) => [k, l.getLayers().filter(
                    s => s._path && s._path.isConnected).length]))"""
        )

    def click_feature(self, kind: str, feature_id: str) -> str:
        """Click the feature on screen and return the open popup's text."""
        point = self.page.evaluate(
            """([kind, id]) => {
                const map = cablemap.registry.map;
                const layer = cablemap.findById(kind, id).layer;
                // a point of the feature itself: the marker, or the middle of a line's middle
                // segment, in screen space (away from the landing-point markers at its ends)
                const ls = layer.getLatLng ? [layer.getLatLng()] : layer.getLatLngs().flat(3);
                const i = Math.max(1, Math.floor(ls.length / 2));
                const a = ls[i - 1] || ls[0], b = ls[i] || ls[0];
                map.setView(a, 6, {animate: false});
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
        return self.page.inner_text(".leaflet-popup-content")

    def open_popup(self, kind: str, feature_id: str) -> str:
        """Open a feature's popup through Leaflet and return its text."""
        self.page.evaluate(
            "([k, id]) => { const e = cablemap.findById(k, id); cablemap.focus(e); "
            "e.layer.openTooltip(); }",
            [kind, feature_id],
        )
        self.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        return self.page.inner_text(".leaflet-popup-content")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def sample_maps(tmp_path_factory, sample) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("maps")
    analysis = cm.Analysis(sample)
    scores = analysis.scores
    years = analysis.years([2010, "current"])
    paths = save_maps(scores, sample, out, countries=bundled_countries(), years=years, briefs=True)
    save_briefs(scores, sample, out, countries=["TON"])
    engine = cm.ScenarioEngine(sample)
    result = engine.run(cables=["tonga-cable", "tonga-domestic-cable-extension-tdce"])
    paths.append(
        save_map(
            scenario_map(result, engine, title="Tonga 2022", countries=bundled_countries()),
            out / "scenario_tonga.html",
        )
    )
    return {p.stem: p for p in paths}


@pytest.mark.parametrize("name", ["strategic_nodes", "vendor_exposure", "scenario_tonga"])
def test_map_loads_offline_and_draws_every_feature(browser, sample_maps, name):
    page = Page(browser, sample_maps[name])
    try:
        assert page.errors == []
        assert page.blocked == []  # nothing but the file itself
        # the per-domain layers of the vendor-exposure map start hidden (layer control)
        expected = {
            k: 0 if k.startswith("domain_") else len(v["features"])
            for k, v in layer_data(sample_maps[name].read_text()).items()
        }
        assert page.drawn() == expected
        assert page.page.locator(".leaflet-control-scale").count() == 1
        assert page.page.locator(".cm-fullscreen").count() == 1
        assert page.page.locator(".leaflet-control-layers").count() == 1
        page.screenshot(f"{name}.png")
    finally:
        page.close()


def test_clicking_a_landing_station_opens_its_score_popup(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        text = page.click_feature("landing_points", "tuas-singapore")
        assert text.startswith("Tuas, Singapore")
        assert "component" in text and "contribution" in text and "hub" in text
        assert "SeaMeWe-3" in text  # the cables landing there
        assert page.errors == []
        page.page.wait_for_timeout(400)  # let the popup fade in
        page.screenshot("strategic_nodes_popup.png")
    finally:
        page.close()


def test_domain_layers_take_their_shapes_from_the_countries_layer(browser, sample_maps):
    # the per-domain layers do not repeat the country shapes in the page (size budget)
    data = layer_data(sample_maps["vendor_exposure"].read_text())
    assert all(f["geometry"] is None for f in data["domain_mobile"]["features"])
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        counts = page.page.evaluate(
            "() => Object.fromEntries(['countries', 'domain_mobile'].map("
            "k => [k, cablemap.registry.layers[k].getLayers().length]))"
        )
        assert counts["domain_mobile"] == len(data["domain_mobile"]["features"]) > 20
        assert page.errors == []
    finally:
        page.close()


def test_country_popup_links_to_its_brief(browser, sample_maps):
    page = Page(browser, sample_maps["vendor_exposure"])
    try:
        text = page.open_popup("countries", "TON")
        assert "country brief: TON" in text
        page.page.click(".leaflet-popup-content .cm-brief a")
        page.page.wait_for_load_state()
        assert page.page.url.endswith("/countries/TON.html")
        assert page.page.inner_text("h1").startswith("Tonga")
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_search_finds_singapore(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        page.page.fill(".cm-search input", "Singapore")
        items = page.page.locator(".cm-search li")
        assert items.count() >= 2
        assert all("Singapore" in t for t in items.all_inner_texts())
        items.first.click()
        page.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        assert "Singapore" in page.page.inner_text(".leaflet-popup-content")
    finally:
        page.close()


def test_ranked_panel_flies_to_the_node(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        page.page.locator("[data-cm-focus]").first.click()
        page.page.wait_for_selector(".leaflet-popup-content", timeout=3000)
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
        assert "<script>" in page.page.locator(".cm-search li").first.inner_text()
        page.page.wait_for_timeout(300)
        assert page.page.evaluate("window.__xss") is None
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_search_finds_a_country_on_the_strategic_map(browser, sample_maps):
    page = Page(browser, sample_maps["strategic_nodes"])
    try:
        page.page.fill(".cm-search input", "Australia")
        texts = page.page.locator(".cm-search li").all_inner_texts()
        assert "Australia (country)" in texts
        assert page.errors == []
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
        close = "cablemap.registry.map.closePopup()"
        page.page.evaluate(close)
        assert "Cable {% cable %} {# note #}" in page.open_popup("cables", "manatua")
        page.page.evaluate(close)
        lp_text = page.open_popup("landing_points", "nukualofa-tonga")
        assert "Nuku'alofa {{ 6*7 }} </script>" in lp_text
        page.page.fill(".cm-search input", "{{ 7")
        assert "Tonga {{ 7*7 }}" in page.page.locator(".cm-search li").first.inner_text()
        assert "Nuku'alofa 42" not in page.page.inner_text("body")  # 6*7 never evaluated
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_probabilistic_view_and_hazard_overlay(browser, sample, tmp_path):
    from tests.render.test_maps import _quakes  # noqa: PLC0415

    layers = cm.Layers(**{**sample.__dict__, "hazards": _quakes()})
    simulation = cm.simulate(layers, years=300, seed=2)
    scores = cm.score(layers)
    paths = save_maps(
        scores, layers, tmp_path, countries=bundled_countries(), simulation=simulation
    )
    probabilistic = next(p for p in paths if p.name == "probabilistic.html")
    page = Page(browser, probabilistic)
    try:
        assert page.errors == [] and page.blocked == []
        expected = {k: len(v["features"]) for k, v in layer_data(probabilistic.read_text()).items()}
        drawn = page.drawn()
        assert drawn["hazards"] == 0  # off until ticked
        assert {k: v for k, v in drawn.items() if k != "hazards"} == {
            k: v for k, v in expected.items() if k != "hazards"
        }
        label = page.page.locator(".leaflet-control-layers-overlays label", has_text="Earthquake")
        label.locator("input").check()
        page.page.wait_for_timeout(300)
        assert page.drawn()["hazards"] == expected["hazards"]
        text = page.open_popup("countries", "TON")
        assert "chance of being cut off in a year" in text and "tonga-cable" in text
        page.screenshot("probabilistic.png")
    finally:
        page.close()


@pytest.fixture(scope="module")
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
        assert page.page.inner_text(".cm-year-count") == f"{len(cables)} cables"  # the release
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
        assert "year control: as of 2010: vendor exposure" in text
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
