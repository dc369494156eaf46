"""Data never becomes template source: hostile names reach every page literally, run nothing.

Names of cables, landing points, facilities and operators come from datasets anyone can edit
(OpenStreetMap, PeeringDB). branca compiles element text as Jinja2, so a name such as
``{{ 7*7 }}`` would be evaluated while a page is built, and a crafted one would run a shell
command. These tests build every page from data carrying such names and check that each name
shows as written and that nothing ran.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from jinja2.utils import htmlsafe_json_dumps

import cablemap as cm
from cablemap.layers.boundaries import bundled_countries
from cablemap.pipeline import BuildConfig, build
from cablemap.pipeline.briefs import brief_data
from cablemap.pipeline.diff import change_report, report_html
from cablemap.render import (
    build_map,
    probabilistic_map,
    save_map,
    scenario_map,
    strategic_nodes_map,
    vendor_exposure_map,
)
from cablemap.render.briefs import save_briefs
from cablemap.render.index import index_html
from cablemap.risk import ScenarioEngine
from cablemap.risk.history.timeline import new_cables_by_year


def payloads(marker: Path) -> list[str]:
    """Template syntax of every kind, quotes and a script end tag."""
    return [
        "Tonga {{ 7*7 }}",
        "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}",
        "Cable {% cable",
        "Note {# hidden #} end",
        "Quote \" and ' here",
        "</script><script>window.__pwned = 1</script>",
        "{{ self.__init__.__globals__.__builtins__.open('" + str(marker) + "', 'w') }}",
    ]


def hostile(sample: cm.Layers, names: list[str]) -> cm.Layers:
    """The sample with cable, landing-point, facility and operator names replaced."""
    cables = sample.cables.copy()
    lps = sample.landing_points.copy()
    facilities = sample.facilities.copy()
    for i, name in enumerate(names):
        cables.loc[i, "name"] = name
        lps.loc[i, "name"] = name
        facilities.loc[i, "name"] = name
        facilities.loc[i, "operator"] = name
    cables.at[len(names), "owners"] = names
    return cm.Layers(
        cables,
        lps,
        sample.cable_landings.copy(),
        sample.report,
        sample.sources,
        facilities,
        sample.countries,
        sample.vendor_footprints,
        sample.vendors,
    )


def shown(name: str, page: str) -> bool:
    """Whether the name is in the page as data (JSON for scripts, or HTML-escaped text)."""
    return (
        htmlsafe_json_dumps(name) in page
        or json.dumps(name) in page
        or html.escape(name) in page
        or html.escape(name, quote=False) in page
    )


def assert_safe(page: str, names: list[str], marker: Path, *, every: bool = True) -> None:
    assert not marker.exists(), "a name ran code while the page was built"
    assert "Tonga 49" not in page
    assert "<script>window.__pwned" not in page
    if every:
        missing = [n for n in names if not shown(n, page)]
        assert not missing, f"names not shown literally: {missing}"


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


def test_every_map_shows_hostile_names_literally(sample, marker):
    names = payloads(marker)
    layers = hostile(sample, names)
    scores = cm.score(layers)
    outlines = bundled_countries()
    engine = ScenarioEngine(layers)
    result = engine.run(cables=[layers.cables.loc[0, "cable_id"]])
    simulation = cm.simulate(layers, years=200, seed=1)
    pages = {
        "probabilistic": probabilistic_map(simulation, layers, countries=outlines),
        "overview": build_map(layers),
        "strategic": strategic_nodes_map(scores, layers, countries=outlines),
        "vendor": vendor_exposure_map(scores, layers, countries=outlines),
        "scenario": scenario_map(result, engine, title=names[0], countries=outlines),
    }
    for name, m in pages.items():
        page = m.get_root().render()
        assert_safe(page, names, marker, every=name not in ("scenario", "probabilistic"))
    # the probabilistic view names every landing point and cable it draws
    assert_safe(pages["probabilistic"].get_root().render(), names[:3], marker)
    scenario_page = pages["scenario"].get_root().render()
    assert "<title>Tonga {{ 7*7 }}</title>" in scenario_page


def test_a_template_tag_in_a_name_does_not_break_the_build(sample, marker, tmp_path):
    layers = hostile(sample, ["{% cable", "{% endmacro %}", "{{", "}}", "{#"])
    path = save_map(build_map(layers), tmp_path / "m.html")
    assert shown("{% endmacro %}", path.read_text()) and not marker.exists()


def test_build_change_report_and_index_run_nothing(sample, marker, tmp_path):
    names = payloads(marker)
    src = tmp_path / "src"
    cm.save_layers(hostile(sample, names), src)
    out = tmp_path / "maps"
    build(BuildConfig(source=src, out=out, formats=()))
    assert not marker.exists()
    # a new release adds a cable whose *id* is hostile: ids reach the change report
    changed = hostile(sample, names)
    changed.cables.loc[0, "cable_id"] = names[1]
    changed.cable_landings.loc[changed.cable_landings["cable_id"] == sample.cables.loc[0, "cable_id"], "cable_id"] = names[1]  # fmt: skip  # noqa: E501
    cm.save_layers(changed, src)
    result = build(BuildConfig(source=src, out=out, formats=()))
    assert "report" in result.ran
    assert not marker.exists()
    for page in sorted(out.glob("*.html")):
        text = page.read_text()
        assert_safe(text, names, marker, every=False)
    assert shown(names[1], (out / "changes.html").read_text())
    assert shown(names[0], (out / "strategic_nodes.html").read_text())


def test_pages_without_folium_escape_names(sample, marker):
    names = payloads(marker)
    layers = hostile(sample, names)
    report = change_report(sample, layers)
    page = report_html(report)
    assert_safe(page, names, marker, every=False)
    assert "{{ 7*7 }}" not in page or shown("Tonga {{ 7*7 }}", page)
    scores = cm.score(layers)
    assert_safe(index_html(Path(), layers, scores.model), names, marker, every=False)


def test_scored_facilities_and_metros_show_hostile_names_literally(sample, marker):
    # metro names come from facility cities (PeeringDB, OpenStreetMap) or landing points
    names = payloads(marker)
    layers = hostile(sample, names)
    facilities = layers.facilities.copy()
    for i, name in enumerate(names):
        facilities.loc[i, "city"] = name
    layers.facilities = facilities
    scores = cm.score(layers)
    assert scores.facilities is not None
    assert scores.metros is not None
    assert set(names) & set(scores.metros["name"])
    page = strategic_nodes_map(scores, layers, countries=bundled_countries()).get_root().render()
    assert_safe(page, names, marker)
    assert '"metros"' in page
    assert "operator_tier" in page
    vendor = vendor_exposure_map(scores, layers, countries=bundled_countries())
    assert_safe(vendor.get_root().render(), names, marker)


def test_country_briefs_show_hostile_names_literally(sample, marker, tmp_path):
    names = payloads(marker)
    layers = hostile(sample, names)
    footprints = layers.vendor_footprints.copy()
    for i, name in enumerate(names):  # sources and vendors are data too
        footprints.loc[i, "source"] = name
    layers.vendor_footprints = footprints
    analysis = cm.Analysis(layers)
    scores = analysis.scores
    paths = save_briefs(scores, layers, tmp_path, data=brief_data(analysis))
    page = "".join(p.read_text() for p in paths)
    assert_safe(page, names, marker)
    # a hostile cable name reaches its country's table and its map title, escaped once
    assert "<script>window.__pwned" not in page
    assert html.escape("</script><script>window.__pwned = 1</script>") in page
    # the index lists the briefs without running a name either
    index = index_html(tmp_path, layers, scores.model, timeline=new_cables_by_year(scores, layers))
    assert_safe(index, names, marker, every=False)
    assert 'href="countries/TON.html"' in index
