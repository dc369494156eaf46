"""The maps' index page: links, summaries, data versions, model weights, licences."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap._files import write_atomic
from cablemap.render.briefs import BRIEFS_FOLDER, brief_href
from cablemap.render.report import REPORT_HTML, skipped_headline
from cablemap.render.svg import stacked_year_chart_svg

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec

#: Known maps: file name (or prefix) -> (title, one-paragraph summary).
MAP_SUMMARIES: dict[str, tuple[str, str]] = {
    "strategic_nodes.html": (
        "Strategic nodes",
        "Landing stations of the region sized by criticality (how much international "
        "connectivity runs through them) and coloured by their overall score; click one for the "
        "score breakdown (components, weights, contributions) and the cables landing there. "
        "Cables are drawn beneath, chokepoint straits shaded; a ranked panel lists the most "
        "critical stations.",
    ),
    "vendor_exposure.html": (
        "Vendor exposure",
        "Cables coloured by the riskiest tier among their suppliers and owners in the active "
        "vendor profile, countries shaded by vendor exposure (the mean exposure of the cables "
        "landing there); country popups list the vendors present and their tiers.",
    ),
    "probabilistic.html": (
        "Probabilistic resilience",
        "How likely each country and landing point is to be cut off by sea in a year, from "
        "simulated years of cable faults and repairs (the fault model in risk_models/): "
        "countries shaded and landing points sized by that chance, cables thicker the more "
        "often they are part of a country's loss; popups give the 95 % interval, the expected "
        "days cut off and the cables down then. Earthquake hotspots are an overlay.",
    ),
    "scenario_": (
        "Scenario",
        "What breaks when the named cables, areas or vendors fail: cut segments in red, "
        "isolated countries and landing points marked, before/after counts in the panel.",
    ),
}


def index_html(
    folder: Path, layers: Layers, model: ModelSpec, *, timeline: pd.DataFrame | None = None
) -> str:
    """Render the index of the maps present in ``folder``.

    Parameters
    ----------
    folder
        The maps folder: its maps and its country briefs (``countries/*.html``) are linked.
    layers, model
        The data and model of the build.
    timeline
        New international cables per year by supplier tier, region-wide
        (:func:`cablemap.risk.history.timeline.new_cables_by_year`), drawn as a chart.

    Returns
    -------
    str
        A standalone HTML page (every data string escaped).
    """
    entries = []
    for path in sorted(folder.glob("*.html")):
        if path.name == "index.html":
            continue
        key = (
            path.name
            if path.name in MAP_SUMMARIES
            else "scenario_"
            if path.name.startswith("scenario_")
            else None
        )
        if key is None:
            continue
        title, summary = MAP_SUMMARIES[key]
        if key == "scenario_":
            title = f"Scenario: {path.stem.removeprefix('scenario_').replace('_', ' ')}"
        entries.append(
            f'<li><a href="{html.escape(path.name)}">{html.escape(title)}</a>'
            f"<p>{html.escape(summary)}</p></li>"
        )
    versions = sorted({str(v) for v in layers.cables["source_version"].unique()})
    weights = "".join(
        f"<tr><td>{html.escape(entity)}</td><td>{html.escape(comp)}</td><td>{w:.2f}</td></tr>"
        for entity, comps in model.weights.items()
        for comp, w in comps.items()
    )
    licences = (
        "".join(f"<li>{html.escape(a)}</li>" for a in layers.attributions) or "<li>cablemap</li>"
    )
    briefs = _briefs_html(folder, layers)
    chart = (
        ""
        if timeline is None
        else "<h2>Cables through time</h2>"
        + stacked_year_chart_svg(
            timeline,
            title=f"New international cables per RFS year by supplier tier: {model.region.name}",
        )
        + _undated(timeline)
    )
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    skipped, warned = len(layers.report.errors), len(layers.report.warnings)
    report_line = (
        f'<a href="{REPORT_HTML}">{html.escape(skipped_headline(skipped))}, '
        f"{warned} warning(s)</a>: what the load left out, repaired or flagged"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cablemap maps</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}}
td,th{{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}}
li p{{margin:.2em 0 1em}}ul.briefs{{columns:3}}svg{{max-width:100%;height:auto}}</style>
</head><body>
<h1>cablemap maps</h1>
<p>Built {built}. Data: {html.escape(", ".join(versions))} ({len(layers.cables)} cables,
{len(layers.landing_points)} landing points). Model: <code>{html.escape(model.name)}</code>
(<code>{html.escape(Path(model.path).name)}</code>), vendor profile
<code>{html.escape(model.vendor_profile.name)}</code>, region {html.escape(model.region.name)}.</p>
<h2>Maps</h2><ul>{"".join(entries) or "<li>none yet</li>"}</ul>
{chart}{briefs}
<h2>Build report</h2><p>{report_line}</p>
<h2>Model weights</h2>
<table><tr><th>entity</th><th>component</th><th>weight</th></tr>{weights}</table>
<h2>Data licences</h2><ul>{licences}</ul>
</body></html>
"""


def _undated(timeline: pd.DataFrame) -> str:
    missing = int(timeline.attrs.get("no_rfs_year", 0))
    if not missing:
        return ""
    ids = ", ".join(timeline.attrs.get("no_rfs_year_ids", []))
    return f"<p>{missing} international cable(s) without an RFS year: {html.escape(ids)}.</p>"


def _briefs_html(folder: Path, layers: Layers) -> str:
    """Links to every country brief in ``folder/countries``, by country name."""
    pages = sorted((folder / BRIEFS_FOLDER).glob("*.html"))
    if not pages:
        return ""
    lps = layers.landing_points.dropna(subset=["iso3"])
    names = lps.groupby("iso3")["country"].first().to_dict()
    if layers.countries is not None:
        names |= dict(zip(layers.countries["iso3"], layers.countries["name"], strict=True))
    links = sorted((str(names.get(p.stem, p.stem)), p.stem) for p in pages)
    items = "".join(
        f'<li><a href="{html.escape(brief_href(iso3))}">{html.escape(name)}</a> '
        f"<small>{html.escape(iso3)}</small></li>"
        for name, iso3 in links
    )
    return (
        f"<h2>Country briefs ({len(links)})</h2><p>One printable page per region country: "
        "its map, scores, cables, single points of failure, scenarios, vendor footprints and "
        f'changes.</p><ul class="briefs">{items}</ul>'
    )


def write_index(
    folder: str | Path,
    layers: Layers,
    model: ModelSpec,
    *,
    timeline: pd.DataFrame | None = None,
) -> Path:
    """Write ``index.html`` listing the maps and country briefs in ``folder``.

    Returns
    -------
    Path
        The index file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    page = index_html(folder, layers, model, timeline=timeline)
    write_atomic(path, page.encode("utf-8"))  # a fresh temporary file: never through a link
    return path
