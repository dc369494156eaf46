"""The maps' index page: the entry maps first, findings from the scores, every page, licences.

The page answers first and lists second: the two entry maps (strategic nodes, vendor exposure)
with the question each answers; a findings block computed from the scores (single points of
failure with their cable, the most exposed countries, the top DCS priorities), each table with
its CSV download; then every other page the build wrote (scenarios, the investment plan, the
probabilistic view or the exact setting that makes it, the change report, the build report,
any other page in the folder), the country briefs, new cables through time, the model's
weights, and every source the build used with its licence or terms. Every data string is
escaped; the page is plain HTML with no script.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap._files import write_atomic
from cablemap._validate import is_missing
from cablemap.render.briefs import BRIEFS_FOLDER, brief_href
from cablemap.render.report import (
    REPORT_HTML,
    attributions_used,
    skipped_headline,
    sources_used,
)
from cablemap.render.shell import page_html
from cablemap.render.svg import stacked_year_chart_svg
from cablemap.render.tables import Cell, table_html

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec
    from cablemap.risk.scoring.score import Scores

__all__ = ["ENTRY_MAPS", "PAGE_SUMMARIES", "index_html", "write_index"]

#: The two maps an analyst starts from, in order.
ENTRY_MAPS = ("strategic_nodes.html", "vendor_exposure.html")
#: Known pages: file name -> (title, the question it answers, what it shows).
PAGE_SUMMARIES: dict[str, tuple[str, str, str]] = {
    "strategic_nodes.html": (
        "Strategic nodes",
        "Which landing stations and countries carry the region's international connectivity, "
        "and which hang on a single cable?",
        "Landing stations sized by criticality (how much international connectivity runs "
        "through them) and coloured by their score; click one for the score breakdown and the "
        "cables landing there. Chokepoint straits shaded; a ranked panel lists the most "
        "critical stations.",
    ),
    "vendor_exposure.html": (
        "Vendor exposure",
        "Which countries are most exposed to high-risk vendors in cables, data centres, cloud, "
        "5G and government systems?",
        "Countries shaded by vendor exposure, the weighted mix of those domains (each from "
        "cited evidence); cables coloured by the riskiest tier of their suppliers and owners "
        "in the vendor profile; country popups list the vendors present and their tiers.",
    ),
    "investment_plan.html": (
        "Investment plan",
        "Where would one trusted cable help most?",
        "Candidate cables ranked by their measured benefit (resilience, status, trusted paths "
        "and DCS priority, scaled by population), and the portfolio chosen under the model's "
        "budget in km.",
    ),
    "probabilistic.html": (
        "Probabilistic resilience",
        "How likely is each country to be cut off by sea in a year?",
        "From simulated years of cable faults and repairs (the fault model): countries shaded "
        "by the yearly chance of being cut off, with its 95 % interval, the expected days cut "
        "off a year and the cables down then.",
    ),
    "changes.html": (
        "What changed",
        "What changed since the previous release?",
        "Cables and landing points added, removed, renamed and changed (with the fields), and "
        "how scores, ranks and single-cable countries moved.",
    ),
    REPORT_HTML: (
        "Build report",
        "What did the load leave out, repair or flag?",
        "Every skipped record and warning, naming the file, record and field.",
    ),
}
#: Rows of each findings table.
TOP_N = 10
_NOT_CABLED = ("unconnected", "landlocked")

_CSS = """body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;
color:#1b2631}h1{margin:.2em 0}h2{margin:1.4em 0 .4em;border-bottom:1px solid #d5d8dc}
h3{margin:1em 0 .3em}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left;
vertical-align:top;overflow-wrap:anywhere}th{background:#f4f6f7}table{border-collapse:collapse;
width:100%}.num{text-align:right}
.muted{color:#6c7a89}.entry{display:flex;gap:14px;flex-wrap:wrap}.entry>div{flex:1 1 300px;
border:1px solid #d5d8dc;border-radius:6px;padding:.6em 1em}.entry a.big{font-size:1.2em;
font-weight:600}.answers{font-weight:600}p.csv-link{margin:.2em 0 1em;font-size:12px}
a.csv{border:1px solid #2471a3;border-radius:3px;padding:0 5px;text-decoration:none}
ul.pages li{margin-bottom:.6em}ul.briefs{columns:3}svg{max-width:100%;height:auto}
dl.defs dt{font-weight:600}dl.defs dd{margin:0 0 .5em 1.2em}code{background:#f4f6f7;
padding:0 3px}"""


# ----------------------------------------------------------------------------- pages
@dataclass(frozen=True)
class _Page:
    """One page of the folder: its file, title, question and description."""

    file: str
    title: str
    answers: str
    shows: str


def _html_pages(folder: Path) -> list[str]:
    """Every HTML page of the folder (not the index), by name."""
    return sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")


def _scenario_page(file: str, model: ModelSpec) -> _Page:
    name = file.removeprefix("scenario_").removesuffix(".html")
    spec = next((s for s in model.scenarios if s["name"] == name), None)
    if spec is None:
        return _Page(
            file,
            f"Scenario: {name.replace('_', ' ')}",
            "What breaks when the cuts named on the page fail?",
            "Drawn on demand (cablemap scenario --map): cut segments in red, countries and "
            "landing points cut off marked, before/after counts in the panel.",
        )
    cuts = "; ".join(
        f"{kind.removeprefix('cut_')} {', '.join(map(str, values))}"
        for kind, values in spec.items()
        if kind.startswith("cut_") and values
    )
    return _Page(
        file,
        f"Scenario: {name}",
        f"What breaks if these fail: {cuts}?",
        "Cut segments in red; countries cut off by sea and cut off at all marked apart; "
        "international cables intact before and after, per country, in the panel.",
    )


def _known(file: str) -> _Page:
    title, answers, shows = PAGE_SUMMARIES[file]
    return _Page(file, title, answers, shows)


def _page_item(page: _Page, extra: str = "") -> str:
    return (
        f'<li><a href="{html.escape(page.file)}">{html.escape(page.title)}</a> '
        f'<span class="answers">{html.escape(page.answers)}</span>'
        f'<br><span class="muted">{html.escape(page.shows)}</span>{extra}</li>'
    )


def _entry_html(files: set[str]) -> str:
    cards = []
    for file in ENTRY_MAPS:
        page = _known(file)
        link = (
            f'<a class="big" href="{html.escape(file)}">{html.escape(page.title)}</a>'
            if file in files
            else f'<b>{html.escape(page.title)}</b> <span class="muted">(not built)</span>'
        )
        cards.append(
            f'<div>{link}<p class="answers">{html.escape(page.answers)}</p>'
            f'<p class="muted">{html.escape(page.shows)}</p></div>'
        )
    return f'<h2>Start here</h2><div class="entry">{"".join(cards)}</div>'


def _missing_probabilistic(model: ModelSpec) -> str:
    file = html.escape(Path(model.path).name)
    return (
        '<li><b>Probabilistic resilience</b> <span class="answers">How likely is each country '
        'to be cut off by sea in a year?</span><br><span class="muted">Not built by this '
        f"build. To build it, add to the model file <code>{file}</code>:</span> "
        "<code>[probabilistic]</code> <code>years = 10000</code> <code>seed = 14</code> "
        '<span class="muted">and run</span> <code>cablemap build</code><span class="muted">; '
        "or print the same figures as a table with</span> <code>cablemap simulate --years "
        "10000 --seed 14</code>.</li>"
    )


def _missing_plan(model: ModelSpec) -> str:
    from cablemap.risk.planning.plan import plan_settings  # noqa: PLC0415 - only here

    file = html.escape(Path(model.path).name)
    why = (
        "the model asks for it ([plan] map = true) but this build drew no plan (see the "
        "build's notices)"
        if plan_settings(model).map
        else f"to build it, set <code>[plan] map = true</code> in <code>{file}</code> and run "
        "<code>cablemap build</code>"
    )
    return (
        '<li><b>Investment plan</b> <span class="answers">Where would one trusted cable help '
        f'most?</span><br><span class="muted">Not built: {why}; or run</span> '
        "<code>cablemap plan --map</code>.</li>"
    )


def _changes_line(folder: Path) -> str:
    """One line of counts from ``changes.json`` (types checked; nothing if unreadable)."""
    try:
        report = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
        parts = []
        for layer in ("cables", "landing_points"):
            part = report[layer]
            counts = [
                f"{len(part[k])} {k}" for k in ("added", "removed", "renamed") if k in part
            ] + [f"{len(part['changed'])} changed"]
            parts.append(f"{layer.replace('_', ' ')}: {', '.join(counts)}")
        releases = f"{', '.join(map(str, report['old']))} → {', '.join(map(str, report['new']))}"
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    text = f"{releases}. {'; '.join(parts)}."
    return f'<br><span class="muted">{html.escape(text)}</span>'


def _pages_html(folder: Path, model: ModelSpec) -> str:
    files = _html_pages(folder)
    items = [_page_item(_scenario_page(f, model)) for f in files if f.startswith("scenario_")]
    items.append(
        _page_item(_known("investment_plan.html"))
        if "investment_plan.html" in files
        else _missing_plan(model)
    )
    items.append(
        _page_item(_known("probabilistic.html"))
        if "probabilistic.html" in files
        else _missing_probabilistic(model)
    )
    if "changes.html" in files:
        items.append(_page_item(_known("changes.html"), _changes_line(folder)))
    listed = {*ENTRY_MAPS, *PAGE_SUMMARIES, *(f for f in files if f.startswith("scenario_"))}
    others = [f for f in files if f not in listed]
    items.extend(
        f'<li><a href="{html.escape(f)}">{html.escape(f)}</a> <span class="muted">(another page '
        "in this folder)</span></li>"
        for f in others
    )
    return f'<h2>More pages</h2><ul class="pages">{"".join(items)}</ul>'


# ----------------------------------------------------------------------------- findings
def _names(scores: Scores, layers: Layers) -> dict[str, str]:
    """Country names: the scores', or the outlines' where no landing point names it."""
    names = dict(zip(scores.countries["iso3"], scores.countries["name"].astype(str), strict=True))
    outlines = layers.countries
    if outlines is None:
        from cablemap.layers.boundaries import bundled_countries  # noqa: PLC0415 - rare

        outlines = bundled_countries()
    if outlines is not None and "name" in outlines:
        for iso3, name in zip(outlines["iso3"], outlines["name"].astype(str), strict=True):
            if names.get(iso3, iso3) == iso3:
                names[iso3] = name
    return names


@dataclass(frozen=True)
class _Ctx:
    """What every findings table reads: scores, names, cable names, briefs written."""

    countries: pd.DataFrame  # the region's rows
    names: dict[str, str]
    cable_names: dict[str, str]
    briefs: set[str]
    ranked: int

    def country(self, iso3: str) -> Cell:
        name = self.names.get(iso3, iso3)
        return Cell(name, brief_href(iso3) if iso3 in self.briefs else None)

    def cable(self, cable_id: object) -> str:
        return self.cable_names.get(str(cable_id), str(cable_id))


def _num(value: object, digits: int = 3) -> str:
    if is_missing(value):
        return "n/a"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def _pct(value: object) -> str:
    if is_missing(value):
        return "n/a"
    return f"{100 * float(value):.0f} %"  # type: ignore[arg-type]


def _cables(value: Any, ctx: _Ctx) -> str:
    if is_missing(value) or not len(value):
        return "n/a"
    return ", ".join(ctx.cable(c) for c in value)


def _spof_rows(ctx: _Ctx) -> list[list[Cell | str]]:
    """Single points of failure: the whole country, its capital, or its sea links."""
    rows: list[list[Cell | str]] = []
    for r in ctx.countries.sort_values("name").itertuples():
        row = r._asdict()
        score = f"{_num(row['score'])} (rank {int(row['rank'])})"
        stations = str(row.get("landing_stations", ""))
        status = str(row.get("status"))
        if status not in ("land_linked", *_NOT_CABLED) and _is_one(row.get("redundancy_cables")):
            what = "the whole country"
            rows.append(
                [ctx.country(r.iso3), what, _cables(row["min_cut_cables"], ctx), stations, score]
            )
        if _is_one(row.get("capital_min_cut")) and not _is_one(row.get("redundancy_cables")):
            capital = row.get("capital_name")
            what = f"its capital, {capital}" if not is_missing(capital) else "its capital"
            cut = _cables(row.get("capital_cut_cables"), ctx)
            rows.append([ctx.country(r.iso3), what, cut, stations, score])
        over_land = not is_missing(row.get("redundancy_cables")) and row["redundancy_cables"] > 1
        if over_land and _is_one(row.get("sea_min_cut")):
            what = "its sea links (land routes remain)"
            cut = _cables(row.get("sea_min_cut_cables"), ctx)
            rows.append([ctx.country(r.iso3), what, cut, stations, score])
    return rows


def _is_one(value: object) -> bool:
    """Whether a cut is exactly one cable equivalent (1.5 is a cable and a thin land link)."""
    return not is_missing(value) and float(value) == 1.0  # type: ignore[arg-type]


def _exposed_rows(ctx: _Ctx) -> list[list[Cell | str]]:
    frame = ctx.countries[ctx.countries["international_cables"] > 0]
    frame = frame.sort_values(["vendor_exposure", "name"], ascending=[False, True]).head(TOP_N)
    rows: list[list[Cell | str]] = []
    for r in frame.itertuples():
        row = r._asdict()
        low, high = row.get("vendor_exposure_low"), row.get("vendor_exposure_high")
        shown = _num(row["vendor_exposure"])
        if not is_missing(low) and not is_missing(high):
            shown += f" ({_num(low)} to {_num(high)})"
        rows.append(
            [
                ctx.country(r.iso3),
                Cell(shown, cls="num"),
                Cell(_pct(row.get("tier_share_high")), cls="num"),
                Cell(str(int(row["international_cables"])), cls="num"),
                f"{_num(row['score'])} (rank {int(row['rank'])})",
            ]
        )
    return rows


def _dcs_rows(ctx: _Ctx) -> list[list[Cell | str]]:
    frame = ctx.countries.dropna(subset=["dcs_rank"])
    frame = frame[~frame["status"].isin(_NOT_CABLED)]
    frame = frame.sort_values(["dcs_rank", "name"]).head(TOP_N)
    rows: list[list[Cell | str]] = []
    for r in frame.itertuples():
        row = r._asdict()
        share = row.get("top_k_acceptability")
        rows.append(
            [
                ctx.country(r.iso3),
                Cell(_num(row["dcs_priority"]), cls="num"),
                Cell(f"{int(row['dcs_rank'])} of {ctx.ranked}", cls="num"),
                Cell(_num(row["vendor_exposure"]), cls="num"),
                Cell(_num(row["dcs_fragility_index"]), cls="num"),
                str(row["status"]).replace("_", " "),
                "n/a" if is_missing(share) else f"under {_pct(share)} of weightings",
            ]
        )
    return rows


def _not_cabled_note(ctx: _Ctx) -> str:
    frame = ctx.countries[ctx.countries["status"].isin(_NOT_CABLED)].dropna(subset=["dcs_rank"])
    if not len(frame):
        return ""
    names = ", ".join(sorted(ctx.names.get(i, i) for i in frame["iso3"]))
    return (
        f'<p class="muted">Left out of this list: {len(frame)} region countries with no cable '
        "path abroad in the data, which the model ranks first by construction (an unconnected "
        f"country's exposure counts as 1): {html.escape(names)}.</p>"
    )


def _findings_html(scores: Scores | None, layers: Layers, folder: Path) -> str:
    if scores is None:
        return (
            '<h2>Findings</h2><p class="muted">Not computed: this index was written without '
            "the scores (run <code>cablemap build</code>).</p>"
        )
    table = scores.countries
    region = table[table["in_region"].astype(bool)]
    ctx = _Ctx(
        region,
        _names(scores, layers),
        dict(zip(scores.cables["cable_id"], scores.cables["name"].astype(str), strict=True)),
        {p.stem for p in (folder / BRIEFS_FOLDER).glob("*.html")},
        int(region["dcs_rank"].notna().sum()),
    )
    model = scores.model
    spof = table_html(
        [
            "country",
            "cut off",
            "by losing",
            "landing stations",
            "score (rank), higher = more at risk",
        ],
        _spof_rows(ctx),
        csv_name="single_points_of_failure",
        empty="No region country, capital or sea link hangs on one cable in the data.",
    )
    exposed = table_html(
        [
            "country",
            "vendor exposure",
            "cables with a high-tier vendor",
            "international cables",
            "score (rank), higher = more at risk",
        ],
        _exposed_rows(ctx),
        csv_name="most_exposed_countries",
    )
    dcs = table_html(
        [
            "country",
            "DCS priority",
            "DCS rank",
            "vendor exposure",
            "fragility index",
            "status",
            "stays in the region's top 10",
        ],
        _dcs_rows(ctx),
        csv_name="top_dcs_priorities",
    )
    return (
        f"<h2>Findings ({html.escape(model.region.name)}, model "
        f"<code>{html.escape(model.name)}</code>)</h2>"
        "<h3>Single points of failure</h3><p>Region countries (or their capital, or their "
        "sea links) cut off by the loss of one cable; the cable is named. "
        'Open <a href="strategic_nodes.html">Strategic nodes</a> to see them.</p>'
        f"{spof}<h3>Most exposed to high-risk vendors (top {TOP_N})</h3><p>Region countries "
        "with international cables, by vendor exposure. "
        'Open <a href="vendor_exposure.html">Vendor exposure</a> for the domains.</p>'
        f"{exposed}<h3>Top DCS priorities (top {TOP_N})</h3><p>Where trusted investment would "
        "reduce risk most, by the model's DCS priority.</p>"
        f"{_not_cabled_note(ctx)}{dcs}{_definitions(model)}"
    )


def _definitions(model: ModelSpec) -> str:
    components = ", ".join(model.dcs_fragility_components)
    excluded = ", ".join(sorted(model.dcs_exclude)) or "none"
    return (
        '<dl class="defs"><dt>Score</dt><dd>0 to 1, <b>higher = more at risk</b>: the weighted '
        "sum of the country components in the model's weights (below); rank 1 is the most at "
        "risk of all scored countries.</dd>"
        "<dt>Vendor exposure</dt><dd>0 to 1, higher = more of the country's cables, data "
        "centres, cloud, 5G and government systems from vendors the vendor profile "
        f"<code>{html.escape(model.vendor_profile.name)}</code> rates high-risk.</dd>"
        "<dt>DCS priority</dt><dd>Where trusted investment in a third country would reduce "
        "risk most (Digital Connectivity Strategy): vendor exposure &times; fragility index (the "
        f"weighted mean of {html.escape(components)}); 0 to 1, higher = higher priority; ranked "
        f"among region countries, leaving out {html.escape(excluded)} (the model's [dcs] "
        "exclude).</dd></dl>"
    )


# ----------------------------------------------------------------------------- the rest
def _undated(timeline: pd.DataFrame) -> str:
    missing = int(timeline.attrs.get("no_rfs_year", 0))
    if not missing:
        return ""
    ids = ", ".join(timeline.attrs.get("no_rfs_year_ids", []))
    return f"<p>{missing} international cable(s) without an RFS year: {html.escape(ids)}.</p>"


def _briefs_html(folder: Path, names: dict[str, str]) -> str:
    """Links to every country brief in ``folder/countries``, by country name."""
    pages = sorted((folder / BRIEFS_FOLDER).glob("*.html"))
    if not pages:
        return ""
    links = sorted((names.get(p.stem, p.stem), p.stem) for p in pages)
    items = "".join(
        f'<li><a href="{html.escape(brief_href(iso3))}">{html.escape(name)}</a> '
        f'<small class="muted">{html.escape(iso3)}</small></li>'
        for name, iso3 in links
    )
    return (
        f"<h2>Country briefs ({len(links)})</h2><p>One printable page per region country: its "
        "labelled map, scores, single points of failure, cables, the scenarios that touch it, "
        f'vendor footprints, changes and sources.</p><ul class="briefs">{items}</ul>'
    )


def _weights_html(model: ModelSpec) -> str:
    rows: list[list[Cell | str]] = [
        [entity, comp, f"{w:.2f}"]
        for entity, comps in model.weights.items()
        for comp, w in comps.items()
    ]
    return "<h2>Model weights</h2>" + table_html(
        ["entity", "component", "weight"], rows, csv_name="model_weights"
    )


def _sources_html(layers: Layers) -> str:
    rows: list[list[Cell | str]] = [
        [
            layer,
            str(meta.get("source", "")),
            str(meta.get("source_version", "")),
            str(meta.get("licence", "not stated")),
        ]
        for layer, meta in sources_used(layers)
    ]
    lines = "".join(f"<li>{html.escape(a)}</li>" for a in attributions_used(layers))
    return (
        "<h2>Data sources and licences</h2><p>Every source this build read, with its licence "
        "or terms of use.</p>"
        + table_html(["layer", "source", "version", "licence or terms"], rows, csv_name="sources")
        + f"<p>Attribution the licences require on every map and table:</p><ul>{lines}</ul>"
    )


def _chart_html(timeline: pd.DataFrame | None, model: ModelSpec) -> str:
    if timeline is None:
        return ""
    return (
        "<h2>Cables through time</h2>"
        + stacked_year_chart_svg(
            timeline,
            title=f"New international cables per RFS year by supplier tier: {model.region.name}",
        )
        + _undated(timeline)
    )


def index_html(
    folder: Path,
    layers: Layers,
    model: ModelSpec,
    *,
    timeline: pd.DataFrame | None = None,
    scores: Scores | None = None,
) -> str:
    """Render the index of the pages in ``folder``: entry maps, findings, pages, licences.

    Parameters
    ----------
    folder
        The maps folder: every page in it (``*.html``) and its country briefs
        (``countries/*.html``) are linked; ``changes.json`` gives the change report's counts.
    layers, model
        The data and model of the build.
    timeline
        New international cables per year by supplier tier, region-wide
        (:func:`cablemap.risk.history.timeline.new_cables_by_year`), drawn as a chart.
    scores
        The scores of the build: the findings (single points of failure, most exposed
        countries, top DCS priorities) are computed from them; without them the page says so.

    Returns
    -------
    str
        A standalone HTML page (every data string escaped, no script); each table has a CSV
        download equal to its rows.
    """
    files = set(_html_pages(folder))
    versions = sorted({str(v) for v in layers.cables["source_version"].unique()})
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    skipped, warned = len(layers.report.errors), len(layers.report.warnings)
    names = (
        _names(scores, layers)
        if scores is not None
        else dict(zip(layers.landing_points["iso3"], layers.landing_points["country"], strict=True))
    )
    report_line = (
        f'Build report: <a href="{REPORT_HTML}">{html.escape(skipped_headline(skipped))}, '
        f"{warned} warning(s)</a>: what the load left out, repaired or flagged."
    )
    return page_html(
        f"cablemap: {model.region.name} submarine cables and their risks",
        f"""<h1>{html.escape(model.region.name)} submarine cables and their risks</h1>
<p>{len(layers.cables)} cables and {len(layers.landing_points)} landing points
({html.escape(", ".join(versions))}), scored with the model <code>{html.escape(model.name)}</code>
(<code>{html.escape(Path(model.path).name)}</code>, vendor profile
<code>{html.escape(model.vendor_profile.name)}</code>). Built {built}.</p>
{_entry_html(files)}
{_findings_html(scores, layers, folder)}
{_pages_html(folder, model)}
<p>{report_line}</p>
{_briefs_html(folder, names)}
{_chart_html(timeline, model)}
{_weights_html(model)}
{_sources_html(layers)}
""",
        css=_CSS,
    )


def write_index(
    folder: str | Path,
    layers: Layers,
    model: ModelSpec,
    *,
    timeline: pd.DataFrame | None = None,
    scores: Scores | None = None,
) -> Path:
    """Write ``index.html``: entry maps, findings, every page and brief in ``folder``.

    Parameters
    ----------
    folder
        The maps folder (written last, once every page is there).
    layers, model
        The data and model of the build.
    timeline
        New international cables per year by supplier tier (a chart).
    scores
        The build's scores, for the findings block.

    Returns
    -------
    Path
        The index file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    page = index_html(folder, layers, model, timeline=timeline, scores=scores)
    write_atomic(path, page.encode("utf-8"))  # a fresh temporary file: never through a link
    return path
