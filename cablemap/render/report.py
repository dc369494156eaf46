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

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers

#: File names of the build report, in the maps folder.
REPORT_HTML = "build_report.html"
REPORT_JSON = "build_report.json"


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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cablemap: build report</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}</style>
</head><body><h1>Build report</h1>
<p>Built {built}. Data: {html.escape(", ".join(data["versions"]))}.
<a href="index.html">All maps</a></p>
<h2>{html.escape(headline)}</h2>{_rows(skipped, limit)}
<h2>Warnings: {len(data["warnings"])} (records kept, repaired or flagged)</h2>
{_rows(data["warnings"], limit)}
<h2>Counts</h2><table>{counts}</table></body></html>
"""


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
