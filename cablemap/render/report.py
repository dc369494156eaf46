"""The build report: what the load counted, skipped and repaired, beside the maps.

``build_report.html`` (linked from the maps' info box and the index) and ``build_report.json``
list every skipped record (an ``error`` of the load report: a record or link left out) first,
then the warnings (records kept but repaired or flagged) and the counts, each naming the file,
record and field. Every data string is escaped.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.render.shell import page_html

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers

#: File names of the build report, in the maps folder.
REPORT_HTML = "build_report.html"
REPORT_JSON = "build_report.json"


#: The outlines maps draw when the layers hold none (:func:`cablemap.render.build.basemap`).
BASEMAP_SOURCE: dict[str, str] = {
    "source": "Natural Earth admin-0 countries (https://www.naturalearthdata.com)",
    "source_version": "1:110m, as bundled with pyogrio (drawn as the basemap only)",
    "licence": "public domain",
    "attribution": "Country outlines: Made with Natural Earth (public domain)",
}


def sources_used(
    layers: Layers, *, basemap: bool | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Return every source a build used, with its provenance and licence, cables first.

    Parameters
    ----------
    layers
        The build's layers: ``layers.sources`` holds one entry per source read (cables and
        landing points, and the facilities, outlines, footprints, AidData and earthquake
        catalogues where configured; :func:`cablemap.layers.attach.record_sources`).
    basemap
        The pages drew the bundled Natural Earth outlines; by default, when the layers hold
        no outlines or only those (a basemap).

    Returns
    -------
    list of (str, dict)
        ``(layer, {"source", "source_version", "licence", "attribution"...})``; the landing
        points are folded into the cables' entry when both came from the same source.
    """
    if basemap is None:
        countries = layers.countries
        basemap = countries is None or bool(countries.attrs.get("basemap_only"))
    sources = {**layers.sources, **_inferred(layers)}
    entries = [(k, v) for k, v in sources.items() if isinstance(v, dict)]
    cables = layers.sources.get("cables")
    out = [
        (
            "cables and landing points"
            if k == "cables" and cables == layers.sources.get("landing_points")
            else k,
            v,
        )
        for k, v in entries
        if not (k == "landing_points" and v == cables)
    ]
    if basemap and "countries" not in layers.sources:
        out.append(("countries (basemap)", dict(BASEMAP_SOURCE)))
    return out


def _inferred(layers: Layers) -> dict[str, dict[str, Any]]:
    """Entries for extras loaded without provenance (layers cached by an older cablemap).

    Read from the rows themselves: facilities' ``source`` (PeeringDB, OpenStreetMap or a
    cited page), AidData-sourced footprints, an earthquake catalogue, country polygons.
    """
    from cablemap.layers.aiddata import AIDDATA_SOURCE  # noqa: PLC0415 - only here
    from cablemap.layers.attach import SOURCE_TERMS  # noqa: PLC0415
    from cablemap.layers.boundaries import BASEMAP_ONLY  # noqa: PLC0415

    out: dict[str, dict[str, Any]] = {}
    if layers.facilities is not None and len(layers.facilities):
        first = layers.facilities["source"].astype(str).str.split(" ").str[0]
        for word, kind, key in (
            ("PeeringDB", "peeringdb", "facilities: PeeringDB"),
            ("OpenStreetMap", "osm", "facilities: OpenStreetMap"),
        ):
            if (first == word).any() and not _has(layers, "facilities: "):
                out[key] = dict(SOURCE_TERMS[kind])
    footprints = layers.vendor_footprints
    aiddata = footprints is not None and bool(
        footprints["source"].astype(str).str.startswith(AIDDATA_SOURCE).any()
    )
    if aiddata and not _has(layers, "vendor footprints: AidData"):
        out["vendor footprints: AidData"] = dict(SOURCE_TERMS["aiddata"])
    if layers.hazards is not None and not _has(layers, "hazards"):
        out["hazards"] = dict(SOURCE_TERMS["usgs"])
    countries = layers.countries
    own = countries is not None and not countries.attrs.get(BASEMAP_ONLY)
    if own and not _has(layers, "countries"):
        out["countries"] = dict(SOURCE_TERMS["countries"])
    return out


def _has(layers: Layers, prefix: str) -> bool:
    return any(k.startswith(prefix) for k in layers.sources)


def attributions_used(layers: Layers, *, basemap: bool | None = None) -> list[str]:
    """Return the distinct attribution lines of :func:`sources_used`, in its order."""
    seen: list[str] = []
    for _, meta in sources_used(layers, basemap=basemap):
        text = meta.get("attribution")
        if text and text not in seen:
            seen.append(str(text))
    return seen


def skipped_headline(n: int) -> str:
    """Return the info box's line for ``n`` skipped records, e.g. ``"3 records skipped"``."""
    return f"{n} record{'s' if n != 1 else ''} skipped"


def report_data(layers: Layers) -> dict[str, Any]:
    """Return the load report as plain JSON data.

    Returns
    -------
    dict
        ``skipped`` (issues whose record was left out), ``warnings``, ``counts`` and the data
        ``versions``; each issue is ``{"severity", "file", "record", "field", "message"}``.
    """
    report = layers.report
    return {
        "versions": sorted({str(v) for v in layers.cables["source_version"].unique()}),
        "skipped": [asdict(i) for i in report.errors],
        "warnings": [asdict(i) for i in report.warnings],
        "counts": dict(report.counts),
    }


def _rows(issues: list[dict[str, Any]], limit: int) -> str:
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(i[k]))}</td>" for k in ("file", "record", "field"))
        + f"<td>{html.escape(str(i['message']))}</td></tr>"
        for i in issues[:limit]
    )
    more = (
        f"<p>... and {len(issues) - limit} more (see {REPORT_JSON})</p>"
        if len(issues) > limit
        else ""
    )
    head = "<tr><th>file</th><th>record</th><th>field</th><th>what happened</th></tr>"
    return f"<table>{head}{rows}</table>{more}" if issues else "<p>none</p>"


def report_html(data: dict[str, Any], *, limit: int = 2000) -> str:
    """Render :func:`report_data` as a standalone HTML page (every data string escaped)."""
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    skipped = data["skipped"]
    counts = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{int(v)}</td></tr>"
        for k, v in data["counts"].items()
    )
    headline = (
        f"{skipped_headline(len(skipped))}: left out of the layers, maps and scores"
        if skipped
        else "No record skipped"
    )
    return page_html(
        "cablemap: build report",
        f"<h1>Build report</h1><p>Built {built}. Data: "
        f'{html.escape(", ".join(data["versions"]))}. <a href="index.html">All maps</a></p>'
        f"<h2>{html.escape(headline)}</h2>{_rows(skipped, limit)}"
        f"<h2>Warnings: {len(data['warnings'])} (records kept, repaired or flagged)</h2>"
        f"{_rows(data['warnings'], limit)}<h2>Counts</h2><table>{counts}</table>",
        css="body{max-width:1100px}",
    )


def write_build_report(folder: str | Path, layers: Layers) -> list[Path]:
    """Write ``build_report.html`` and ``build_report.json`` into the maps folder.

    Returns
    -------
    list of Path
        The two files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = report_data(layers)
    paths = [folder / REPORT_HTML, folder / REPORT_JSON]
    paths[0].write_text(report_html(data), encoding="utf-8")
    paths[1].write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths
