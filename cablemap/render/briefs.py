"""Country briefs: one printable, self-contained HTML page per country.

A brief gathers what the model computed about one country: a labelled map (capital, landing
stations and neighbouring countries named, a scale bar; :mod:`cablemap.render.brief_map`); its
scores with what they mean (higher = more at risk; the DCS priority defined), the full
breakdown and ranks; its single points of failure, only true ones (a cable whose loss cuts it
off, its one landing station, critical pairs; :mod:`cablemap.render.brief_risk`); its yearly
chance of being cut off when a simulation was run; the configured scenarios that touch it; its
international cables and landing stations; its vendor footprints by domain with their sources;
new international cables per year by supplier tier; what changed since the previous release
when a change report exists; and every source used, with its licence, and the build date.

The page is a constant template filled with ``html.escape``-d values only (plain Python
formatting, never a Jinja compile of data), charts and map are inline SVG
(:mod:`cablemap.render.svg`), and the one script line only prints. Print CSS: A4, 15 mm
margins, controls hidden.
"""

from __future__ import annotations

import difflib
import html
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from cablemap._errors import CablemapError
from cablemap._validate import is_missing
from cablemap.layers.footprints import in_force
from cablemap.render._brief_html import esc, names_html, num, source_html, table, tier_html
from cablemap.render.brief_map import map_section, stations_section
from cablemap.render.brief_outages import outages_section
from cablemap.render.brief_risk import (
    cutoff_section,
    failures_section,
    scenarios_section,
    scores_section,
)
from cablemap.render.report import attributions_used, sources_used
from cablemap.render.shell import page_html
from cablemap.render.svg import stacked_year_chart_svg
from cablemap.risk.history.timeline import count_by_year
from cablemap.risk.model.spec import EXPOSURE_DOMAINS

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.scenarios.engine import ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

__all__ = [
    "BRIEFS_FOLDER",
    "BriefData",
    "brief_countries",
    "brief_href",
    "country_brief",
    "country_code",
    "save_briefs",
]

logger = logging.getLogger(__name__)

#: Folder of the briefs inside the maps folder.
BRIEFS_FOLDER = "countries"
#: Tolerance (degrees, about 1 km) of the country outlines drawn on every brief's map.
_LAND_TOLERANCE = 0.01

_CSS = """
body{font:13px/1.4 system-ui,sans-serif;max-width:960px;margin:1.5em auto;padding:0 1em;
color:#1b2631}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.15em;margin:1em 0 .4em;
border-bottom:1px solid #d5d8dc;break-after:avoid}
table{border-collapse:collapse;width:100%;font-size:12px}
td,th{padding:2px 6px;border-bottom:1px solid #e5e8eb;text-align:left;vertical-align:top;
overflow-wrap:break-word}.src{overflow-wrap:anywhere}
th{background:#f4f6f7}.num{text-align:right}.muted{color:#6c7a89}.nw{white-space:nowrap}
.tier{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:3px}
.grid{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.grid>*{flex:1 1 320px;min-width:0}
.controls{float:right}.controls a,.controls button{margin-left:.6em}
svg{max-width:100%;height:auto}section{break-inside:avoid-page}
@page{size:A4;margin:15mm}
@media print{.controls{display:none}body{margin:0;max-width:none;font-size:9.5px}
table{font-size:8.5px}td,th{padding:1px 3px}h1{font-size:1.4em}h2{margin:.6em 0 .2em}
svg.cm-map{max-height:80mm;width:auto}a{color:inherit;text-decoration:none}
tr{break-inside:avoid}section{break-inside:auto}}
"""


def brief_href(iso3: str) -> str:
    """Return the link to a country's brief, relative to the maps folder.

    Parameters
    ----------
    iso3
        ISO 3166 alpha-3 code.

    Returns
    -------
    str
        ``countries/<ISO3>.html`` (maps link popups there: :func:`cablemap.render.save_map`).
    """
    return f"{BRIEFS_FOLDER}/{iso3.upper()}.html"


@dataclass
class BriefData:
    """What the model computed once for every brief of a release.

    Attributes
    ----------
    pairs
        Critical pairs (:meth:`cablemap.ScenarioEngine.sweep_pairs`): ``cable_a``, ``cable_b``,
        ``countries``; ``None`` when not computed (the brief says so).
    scenarios
        The configured scenarios' results by name.
    changes
        The change report (:func:`cablemap.pipeline.change_report`) of this build, if any.
    outlines
        Country polygons (EPSG:4326) for the maps: ``iso3``, geometry.
    built
        Build date shown on the page.
    simulation
        A simulation of faults and repairs (:func:`cablemap.simulate`), if one was run: each
        brief then gives its country's yearly chance of being cut off by sea.
    outages
        Real outages and repairs (``risk_models/repair_events.csv``, as read by
        :func:`cablemap.risk.model.repairs.read_repair_events`); each brief lists its
        country's.
    """

    pairs: pd.DataFrame | None = None
    scenarios: dict[str, ScenarioResult] = field(default_factory=dict)
    changes: dict[str, Any] | None = None
    outlines: gpd.GeoDataFrame | None = None
    built: str = ""
    simulation: SimulationResult | None = None
    outages: pd.DataFrame | None = None
    _index: _Index | None = field(default=None, repr=False, compare=False)

    def index(self, scores: Scores, layers: Layers) -> _Index:
        """Return the per-country lookups of ``scores`` and ``layers``, built once."""
        key = (id(scores), id(layers))
        if self._index is None or self._index.key != key:
            self._index = _Index.build(scores, layers, self.outlines, key)
        return self._index


@dataclass
class _Index:
    """Per-country lookups shared by every brief of a release (pandas filtering once)."""

    key: tuple[int, int]
    cables: pd.DataFrame  # cable_id-indexed: the columns a brief shows, rfs_year joined
    cables_of: dict[str, list[str]]
    stations_of: dict[str, list[Station]]  # busiest first
    facilities_of: dict[str, list[tuple[str, float, float]]]
    footprints_of: dict[str, tuple[pd.DataFrame, int]]  # rows in force (shown order), later
    rows: dict[str, pd.Series]
    outlines_of: dict[str, list[Any]]
    land: gpd.GeoDataFrame | None  # the outlines simplified once (briefs draw at ~1 km)
    names: dict[str, str]  # country names of the outlines (for countries without a landing)
    sources: dict[tuple[bool, str], str] = field(default_factory=dict)  # the same on every page

    @classmethod
    def build(
        cls,
        scores: Scores,
        layers: Layers,
        outlines: gpd.GeoDataFrame | None,
        key: tuple[int, int],
    ) -> _Index:
        cols = "cable_id name status owners suppliers supplier_tier owner_tier countries"
        cables = scores.cables[[*cols.split(), "international", "geometry"]].set_index("cable_id")
        years = layers.cables.set_index("cable_id")["rfs_year"]
        cables = cables.assign(rfs_year=years.reindex(cables.index))
        land = None
        if outlines is not None:
            land = outlines[["iso3", "geometry"]].copy()
            land["geometry"] = land.geometry.simplify(_LAND_TOLERANCE)
        cables_of: dict[str, list[str]] = {}
        for cable_id, countries in zip(cables.index, cables["countries"], strict=True):
            for iso in countries:
                cables_of.setdefault(str(iso), []).append(str(cable_id))
        return cls(
            key,
            cables,
            cables_of,
            _stations(scores, layers),
            _sites(layers.facilities),
            _footprints_in_force(layers.vendor_footprints, scores.year),
            {str(r["iso3"]): r for _, r in scores.countries.iterrows()},
            {} if land is None else {str(i): list(g.geometry) for i, g in land.groupby("iso3")},
            land,
            {}
            if outlines is None or "name" not in outlines
            else dict(zip(outlines["iso3"].astype(str), outlines["name"].astype(str), strict=True)),
        )


def _footprints_in_force(
    footprints: pd.DataFrame | None, year: int | None
) -> dict[str, tuple[pd.DataFrame, int]]:
    """Per country: its cited rows in force at the end of ``year`` and how many are not.

    Rows come in the order a brief shows them (domain, status, then vendor). Cable supply
    and ownership rows are left out: the cables table shows those.
    """
    if footprints is None or footprints.empty:
        return {}
    cited = footprints[~footprints["domain"].isin(["submarine_cable_supply", "cable_ownership"])]
    now = in_force(cited, year) if "status_from" in cited else pd.Series(True, index=cited.index)
    ordered = cited.assign(_now=now.to_numpy()).sort_values(
        ["iso3", "domain", "status", "vendor"], kind="stable"
    )
    return {
        str(iso): (g[g["_now"]].drop(columns="_now"), int((~g["_now"]).sum()))
        for iso, g in ordered.groupby("iso3", sort=False)
    }


class Station(NamedTuple):
    """A landing station of a brief: where it is and the cables landing there."""

    lp_id: str
    name: str
    lon: float
    lat: float
    international: int
    cables: list[str]


def _stations(scores: Scores, layers: Layers) -> dict[str, list[Station]]:
    """Per country, its landing points with their cables, most international cables first."""
    lps = scores.landing_points
    lps = lps[lps.geometry.notna() & lps["iso3"].notna()]
    cables = layers.cable_landings.groupby("lp_id")["cable_id"].apply(lambda s: sorted(set(s)))
    intl = lps["international_cables"] if "international_cables" in lps else lps["cables"]
    out: dict[str, list[Station]] = {}
    for lp_id, name, iso3, g, n in zip(
        lps["lp_id"], lps["name"], lps["iso3"], lps.geometry, intl, strict=True
    ):
        station = Station(
            str(lp_id), str(name), float(g.x), float(g.y), int(n), cables.get(lp_id, [])
        )
        out.setdefault(str(iso3), []).append(station)
    for stations in out.values():
        stations.sort(key=lambda s: (-s.international, -len(s.cables), s.name))
    return out


def _sites(frame: gpd.GeoDataFrame | None) -> dict[str, list[tuple[str, float, float]]]:
    out: dict[str, list[tuple[str, float, float]]] = {}
    if frame is None:
        return out
    frame = frame[frame.geometry.notna() & frame["iso3"].notna()]
    for iso, name, g in zip(frame["iso3"], frame["name"], frame.geometry, strict=True):
        out.setdefault(str(iso), []).append((str(name), float(g.x), float(g.y)))
    return out


def country_code(scores: Scores, iso3: str) -> str:
    """Return the normalised ISO3 code of a scored country, or raise naming the closest.

    Parameters
    ----------
    scores
        The scores.
    iso3
        An ISO 3166 alpha-3 code, any case.

    Returns
    -------
    str
        The code in upper case.

    Raises
    ------
    CablemapError
        If no scored country has that code; the message lists the closest codes.
    """
    code = iso3.strip().upper()
    _country_row(scores, code)
    return code


def _country_row(scores: Scores, iso3: str) -> pd.Series:
    rows = scores.countries[scores.countries["iso3"] == iso3]
    if len(rows):
        return rows.iloc[0]
    region = sorted(scores.model.region.countries)
    known = sorted(set(scores.countries["iso3"]) | set(region))
    close = difflib.get_close_matches(iso3, known, n=5, cutoff=0.3)
    names = {
        str(n).lower(): str(c)
        for c, n in zip(scores.countries["iso3"], scores.countries["name"], strict=True)
    }
    by_name = [names[n] for n in difflib.get_close_matches(iso3.lower(), list(names), n=3)]
    close = list(dict.fromkeys([*by_name, *close]))[:5]
    msg = (
        f"no country {iso3!r} in the scored data; closest codes: {close or 'none'} "
        f"(the region has {len(region)} countries: {', '.join(region[:12])}...)"
    )
    raise CablemapError(msg)


def _cables_section(idx: _Index, iso3: str) -> tuple[str, pd.DataFrame]:
    mine = idx.cables.loc[idx.cables_of.get(iso3, [])]
    intl = mine[mine["international"].astype(bool)]
    if len(intl) > 1:
        intl = intl.sort_values(["rfs_year", "name"], na_position="last")
    rows = [
        [
            html.escape(str(r.name)),
            esc(None if is_missing(r.rfs_year) else int(r.rfs_year)),
            html.escape(str(r.status)),
            names_html(r.owners),
            names_html(r.suppliers),
            tier_html(str(r.supplier_tier)),
            tier_html(str(r.owner_tier)),
        ]
        for r in intl.itertuples()
    ]
    domestic = len(mine) - len(intl)
    cables_table = table(
        ["cable", "RFS year", "status", "owners", "suppliers", "supplier tier", "owner tier"],
        rows,
        "no international cable lands here in the data",
    )
    note = f'<p class="muted">Plus {domestic} domestic cable(s).</p>' if domestic else ""
    title = f"International cables ({len(intl)})"
    return f"<section><h2>{title}</h2>{cables_table}{note}</section>", mine


def _footprints_section(scores: Scores, idx: _Index, row: pd.Series, iso3: str) -> str:
    exposure_rows = [
        [
            html.escape(d),
            _range_text(row, d),
            esc(row.get(f"exposure_{d}_status")),
            esc(row.get(f"exposure_{d}_basis")),
            names_html(row.get(f"exposure_{d}_vendors")),
        ]
        for d in EXPOSURE_DOMAINS
        if f"exposure_{d}" in row.index
    ]
    rows: list[list[str]] = []
    now, later = idx.footprints_of.get(iso3, (None, 0))
    if now is not None:
        profile = scores.model.vendor_profile
        rows = [
            [
                html.escape(str(r.domain)),
                esc(getattr(r, "operator", None) or None),
                html.escape(str(r.vendor)),
                tier_html(profile.tier(str(r.vendor))),
                esc(r.status),
                esc(getattr(r, "status_from", None) or None),
                source_html(r.source, r.source_date),
            ]
            for r in now.itertuples()
        ]
    when = f" in force at the end of {scores.year}" if scores.year is not None else ""
    more = (
        f'<p class="muted">{later} other cited row(s) began later or had ended by then; '
        "the evidence tables hold them.</p>"
        if later
        else ""
    )
    return (
        "<section><h2>Vendor exposure by domain</h2>"
        + table(
            ["domain", "exposure (range)", "status", "market shares", "vendors"],
            exposure_rows,
            "no domains",
        )
        + f"<h2>Vendor footprints{when}</h2>"
        + table(
            ["domain", "operator", "vendor", "tier", "status", "since", "source"],
            rows,
            "no vendor footprint recorded for this country",
        )
        + more
        + "</section>"
    )


def _range_text(row: pd.Series, domain: str) -> str:
    """Return a domain's exposure with its range where unknown shares leave one open."""
    value = num(row.get(f"exposure_{domain}"))
    low, high = row.get(f"exposure_{domain}_low"), row.get(f"exposure_{domain}_high")
    if is_missing(low) or is_missing(high) or float(low) == float(high):
        return value
    return f"{value} ({float(low):.2f} to {float(high):.2f})"


def _timeline_section(mine: pd.DataFrame, name: str) -> str:
    intl = mine[mine["international"].astype(bool)]
    table = count_by_year(
        intl.index.tolist(),
        intl["rfs_year"].tolist(),
        [
            "no_supplier" if is_missing(s) else str(t)
            for s, t in zip(intl["suppliers"], intl["supplier_tier"], strict=True)
        ],
    )
    chart = stacked_year_chart_svg(
        table, title=f"New international cables per RFS year by supplier tier: {name}"
    )
    missing = table.attrs["no_rfs_year"]
    note = (
        f'<p class="muted">{missing} international cable(s) without an RFS year are not on the '
        f"axis: {html.escape(', '.join(table.attrs['no_rfs_year_ids']))}.</p>"
        if missing
        else ""
    )
    return f"<section><h2>Cables through time</h2>{chart}{note}</section>"


def _changes_section(mine: pd.DataFrame, changes: dict[str, Any] | None, iso3: str) -> str:
    if not changes:
        return (
            '<section><h2>Changes since the previous release</h2><p class="muted">No change '
            "report: this is the first build of these data, or the cable data did not change."
            "</p></section>"
        )
    names = mine["name"]
    cables = changes.get("cables", {})
    added = [c for c in cables.get("added", []) if c in mine.index]
    changed = {c: f for c, f in cables.get("changed", {}).items() if c in mine.index}
    renamed = [r for r in cables.get("renamed", []) if r.get("new") in mine.index]
    items = [f"<li>New cable: {html.escape(names.get(c, c))}</li>" for c in added] + [
        f"<li>Changed: {html.escape(names.get(c, c))} ({html.escape(', '.join(f))})</li>"
        for c, f in changed.items()
    ]
    items += [
        f"<li>Renamed: {html.escape(str(r.get('old_name', r['old'])))} → "
        f"{html.escape(names.get(r['new'], r['new']))} (same {html.escape(str(r.get('by')))})"
        "</li>"
        for r in renamed
    ]
    moved = changes.get("scores", {})
    for kind in ("risers", "fallers"):
        for r in moved.get("countries", {}).get(kind, []):
            if r.get("id") == iso3:
                items.append(
                    f"<li>Score {float(r['change']):+.3f} (rank {esc(r.get('rank_old'))} → "
                    f"{esc(r.get('rank_new'))})</li>"
                )
    iso = moved.get("isolation", {})
    if iso3 in iso.get("became_single_cable", []):
        items.append("<li><b>Became single-cable</b></li>")
    if iso3 in iso.get("no_longer_single_cable", []):
        items.append("<li>No longer single-cable</li>")
    removed = len(cables.get("removed", []))
    releases = f"{', '.join(changes.get('old', []))} → {', '.join(changes.get('new', []))}"
    body = "".join(items) or "<li>Nothing that concerns this country changed.</li>"
    return (
        f"<section><h2>Changes since the previous release</h2><p>{html.escape(releases)}; "
        f"{removed} cable(s) removed region-wide, "
        f'see <a href="../changes.html">the change report</a>.</p><ul>{body}</ul></section>'
    )


def _basemap(layers: Layers, data: BriefData) -> bool:
    """Whether the map drew the bundled outlines (the layers hold none, or only those)."""
    countries = layers.countries
    bundled = countries is None or bool(countries.attrs.get("basemap_only"))
    return bundled and data.outlines is not None


def _sources_section(idx: _Index, layers: Layers, data: BriefData) -> str:
    key = (_basemap(layers, data), data.built)
    if key not in idx.sources:
        idx.sources[key] = _sources_html(layers, data)
    return idx.sources[key]


def _sources_html(layers: Layers, data: BriefData) -> str:
    rows = [
        [
            html.escape(layer),
            esc(meta.get("source")),
            esc(meta.get("source_version")),
            esc(meta.get("licence")),
        ]
        for layer, meta in sources_used(layers, basemap=_basemap(layers, data))
    ]
    lines = attributions_used(layers, basemap=_basemap(layers, data))
    licences = "".join(f"<li>{html.escape(a)}</li>" for a in lines)
    return (
        '<section><h2>Data, sources and licences</h2><p class="muted">Every source this '
        "page draws on, with its licence or terms; the vendor footprints above cite their own "
        "sources row by row.</p>"
        + table(["layer", "source", "version", "licence or terms"], rows, "no source metadata")
        + f"<ul>{licences}</ul><p>Built {html.escape(data.built)} with cablemap.</p></section>"
    )


def country_brief(
    scores: Scores,
    layers: Layers,
    iso3: str,
    *,
    scenarios: dict[str, ScenarioResult] | None = None,
    changes: dict[str, Any] | None = None,
    built: str | None = None,
    data: BriefData | None = None,
) -> str:
    """Render one country's brief as a standalone, printable HTML page.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    iso3
        The country (ISO 3166 alpha-3, any case).
    scenarios
        The configured scenarios' results by name (overrides ``data.scenarios``).
    changes
        The change report since the previous release (overrides ``data.changes``).
    built
        Build date to show (default: now, UTC).
    data
        What was computed once for all briefs (critical pairs, outlines); see
        :class:`BriefData`.

    Returns
    -------
    str
        The page: every data string escaped, charts and map as inline SVG, no external
        resource.

    Raises
    ------
    CablemapError
        If no scored country has that code; the message lists the closest codes.

    Examples
    --------
    >>> import cablemap as cm
    >>> layers = cm.load()
    >>> page = country_brief(cm.score(layers), layers, "TON")  # doctest: +SKIP
    """
    iso3 = iso3.strip().upper()
    data = data or BriefData()
    idx = data.index(scores, layers)
    row = idx.rows.get(iso3)
    if row is None:
        row = _country_row(scores, iso3)
    if scenarios is not None or changes is not None or built is not None:
        data = replace(
            data,
            scenarios=scenarios if scenarios is not None else data.scenarios,
            changes=changes if changes is not None else data.changes,
            built=built or data.built,
            _index=idx,
        )
    if not data.built:
        data.built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    name = str(row["name"])
    if name == iso3:  # no landing point names the country: the outlines may
        name = idx.names.get(iso3, name)
    cables_html, mine = _cables_section(idx, iso3)
    parts = [
        '<div class="controls"><a href="../index.html">All maps</a>'
        '<button type="button" onclick="window.print()">Print</button></div>',
        f"<h1>{html.escape(name)} <span class='muted'>{html.escape(iso3)}</span></h1>",
        f'<p class="muted">Country brief, built {html.escape(data.built)}; data '
        f"{html.escape(', '.join(sorted({str(v) for v in layers.cables['source_version']})))}."
        "</p>",
        '<div class="grid">',
        map_section(idx, mine, iso3, name, row),
        scores_section(scores, row, data, iso3),  # closes the grid after the facts
        failures_section(idx, row, data, iso3),
        cutoff_section(idx, data, iso3),
        outages_section(data, iso3),
        scenarios_section(data, iso3, name),
        cables_html,
        stations_section(idx, iso3, idx.cables["name"]),
        _timeline_section(mine, name),
        _footprints_section(scores, idx, row, iso3),
        _changes_section(mine, data.changes, iso3),
        _sources_section(idx, layers, data),
    ]
    return page_html(f"{name} ({iso3}): cablemap country brief", "".join(parts), css=_CSS)


def brief_countries(scores: Scores) -> list[str]:
    """Return the countries :func:`save_briefs` writes by default: scored region countries.

    Parameters
    ----------
    scores
        The scores of a release.

    Returns
    -------
    list of str
        ISO3 codes in order (a region country with no landing point in the data has no row,
        so no brief).
    """
    scored = set(scores.countries["iso3"])
    return [c for c in sorted(scores.model.region.countries) if c in scored]


def save_briefs(
    scores: Scores,
    layers: Layers,
    out: str | Path,
    *,
    countries: list[str] | None = None,
    data: BriefData | None = None,
) -> list[Path]:
    """Write ``<out>/countries/<ISO3>.html`` for every region country with scores.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    out
        The maps folder.
    countries
        ISO3 codes (default: the model's region countries that have a scored row; a region
        country with no landing point in the data has no brief and is logged).
    data
        What was computed once for all briefs (:class:`BriefData`).

    Returns
    -------
    list of Path
        The written briefs, in ISO3 order.
    """
    folder = Path(out) / BRIEFS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    if countries is None:
        countries = brief_countries(scores)
        absent = sorted(set(scores.model.region.countries) - set(countries))
        if absent:
            logger.info("No brief for region countries without landing points: %s", absent)
    data = data or BriefData()
    if not data.built:
        data.built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    paths = []
    for code in countries:
        iso3 = code.strip().upper()
        path = folder / f"{iso3}.html"
        path.write_text(country_brief(scores, layers, iso3, data=data), encoding="utf-8")
        paths.append(path)
    logger.info("Wrote %d country briefs to %r", len(paths), str(folder))
    return paths
