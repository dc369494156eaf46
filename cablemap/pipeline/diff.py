"""What changed between two releases: records added, removed, changed, and how scores moved."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._geo import geodesic_m
from cablemap._validate import is_missing
from cablemap.layers.memberships import MEASURED_ACCURACY

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.scoring.score import Scores

#: Fields compared per cable; ``landing_points`` and ``route`` are derived. ``length_km`` is
#: the reported length (a length that appears, disappears or changes is a change).
CABLE_FIELDS = (
    "name",
    "status",
    "rfs_year",
    "length_km",
    "owners",
    "suppliers",
    "route_synthetic",
    "landing_points",
    "route",
)
LANDING_FIELDS = ("name", "country", "iso3", "is_tbd", "location")
#: Bookkeeping columns never compared (provenance differs between any two releases).
_NOT_FIELDS = frozenset(
    {"source", "source_version", "geometry", "route_km", "carried_over", "carried_from"}
)
#: A route whose geodesic length moves by more than this share counts as changed.
ROUTE_TOLERANCE = 0.02
#: A landing point that moves farther than this (km) counts as moved.
MOVE_KM = 1.0


def _same(a: Any, b: Any) -> bool:
    a_missing, b_missing = is_missing(a), is_missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, list | tuple | np.ndarray) or isinstance(b, list | tuple | np.ndarray):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def _records(layers: Layers) -> tuple[pd.DataFrame, pd.DataFrame]:
    cables = layers.cables.set_index("cable_id")
    lps_of = layers.cable_landings.groupby("cable_id")["lp_id"].apply(lambda s: sorted(set(s)))
    cables = cables.assign(landing_points=[lps_of.get(c, []) for c in cables.index])
    return cables, layers.landing_points.set_index("lp_id")


def _release_name(layers: Layers) -> str:
    return ", ".join(sorted({str(v) for v in layers.cables["source_version"].unique()}))


def _absent(layers: Layers) -> set[str]:
    """Cable fields a release's layout lacks (a geometry-only release: status, owners...)."""
    meta = layers.sources.get("cables", {})
    return set(meta.get("absent_fields", ())) if isinstance(meta, dict) else set()


def _fields(old: pd.DataFrame, new: pd.DataFrame, known: tuple[str, ...]) -> list[str]:
    """List the known fields, then every other column both releases carry."""
    extra = [
        c
        for c in old.columns
        if c in new.columns and c not in known and c not in _NOT_FIELDS and c != "location"
    ]
    return [*known, *sorted(extra)]


def _not_compared(old: Layers, new: Layers) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for side, layers in (("OLD", old), ("NEW", new)):
        for fld in sorted(_absent(layers)):
            reasons.setdefault(
                fld,
                f"not in {side} ({_release_name(layers)}): its files have no such field",
            )
    return reasons


def _carried(row: pd.Series) -> set[str]:
    value = row.get("carried_over")
    return set() if is_missing(value) else set(value)


def diff_layers(old: Layers, new: Layers) -> dict[str, Any]:
    """Compare two releases record by record, field by field.

    Parameters
    ----------
    old, new
        The two loads (any formats).

    Returns
    -------
    dict
        ``cables`` and ``landing_points``, each ``{"added": [ids], "removed": [ids],
        "changed": {id: [fields]}, "unchanged": n}``. Cable fields: :data:`CABLE_FIELDS`
        (``route``: geodesic length moved by more than :data:`ROUTE_TOLERANCE`, or a route
        appeared/disappeared) and any other column both releases carry; landing-point fields:
        :data:`LANDING_FIELDS` (``location``: moved more than :data:`MOVE_KM`) and the same.
        Every id of both releases is in exactly one list. ``not_compared``: the fields that
        could not be compared, with the reason (a geometry-only release lacks them), and
        ``carried_not_compared``: per field, how many cables were left out of its comparison
        because a release took the value from an older one. ``notes``: what to keep in mind
        (landings inferred from geometry).
    """
    old_c, old_l = _records(old)
    new_c, new_l = _records(new)
    out: dict[str, Any] = {}
    skip = _not_compared(old, new)
    fields = [f for f in _fields(old_c, new_c, CABLE_FIELDS) if f not in skip]
    carried_skips: dict[str, int] = {}
    cable_changes: dict[str, list[str]] = {}
    for cid in sorted(set(old_c.index) & set(new_c.index)):
        a, b = old_c.loc[cid], new_c.loc[cid]
        carried = _carried(a) | _carried(b)
        for fld in carried & set(fields):
            carried_skips[fld] = carried_skips.get(fld, 0) + 1
        changed = [
            f
            for f in fields
            if f != "route" and f not in carried and f in a.index and not _same(a[f], b[f])
        ]
        la, lb = a["route_km"], b["route_km"]
        if pd.isna(la) != pd.isna(lb) or (
            not pd.isna(la) and abs(la - lb) > ROUTE_TOLERANCE * max(la, lb, 1e-9)
        ):
            changed.append("route")
        if changed:
            cable_changes[cid] = changed
    out["cables"] = _summary(set(old_c.index), set(new_c.index), cable_changes)
    lp_fields = _fields(old_l, new_l, LANDING_FIELDS)
    lp_changes: dict[str, list[str]] = {}
    for lp in sorted(set(old_l.index) & set(new_l.index)):
        a, b = old_l.loc[lp], new_l.loc[lp]
        changed = [f for f in lp_fields if f != "location" and not _same(a[f], b[f])]
        ga, gb = a.geometry, b.geometry
        if geodesic_m(ga.x, ga.y, gb.x, gb.y) / 1000.0 > MOVE_KM:
            changed.append("location")
        if changed:
            lp_changes[lp] = changed
    out["landing_points"] = _summary(set(old_l.index), set(new_l.index), lp_changes)
    out["not_compared"] = {"cables": skip}
    out["carried_not_compared"] = dict(sorted(carried_skips.items()))
    out["notes"] = _inference_notes(old, new)
    return out


def _inference_notes(old: Layers, new: Layers) -> list[str]:
    notes = []
    for side, layers in (("OLD", old), ("NEW", new)):
        links = layers.cable_landings
        if "inferred" in links.columns and links["inferred"].any():
            n = int(links["inferred"].sum())
            notes.append(
                f"{n} cable landing(s) of {side} ({_release_name(layers)}) were inferred from "
                "the drawn routes, not listed: a changed landing_points list may be an "
                f"inference error ({MEASURED_ACCURACY})"
            )
    return notes


def _summary(old: set[str], new: set[str], changed: dict[str, list[str]]) -> dict[str, Any]:
    both = old & new
    return {
        "added": sorted(new - old),
        "removed": sorted(old - new),
        "changed": dict(sorted(changed.items())),
        "unchanged": len(both) - len(changed),
    }


def _movers(
    old: pd.DataFrame, new: pd.DataFrame, key: str, n: int
) -> dict[str, list[dict[str, Any]]]:
    both = old.set_index(key)[["score", "rank"]].merge(
        new.set_index(key)[["score", "rank"]],
        left_index=True,
        right_index=True,
        suffixes=("_old", "_new"),
        how="inner",
    )
    both["score_change"] = both["score_new"] - both["score_old"]
    both = both.sort_values("score_change")

    def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                "id": str(i),
                "score_old": round(float(r.score_old), 4),
                "score_new": round(float(r.score_new), 4),
                "rank_old": int(r.rank_old),
                "rank_new": int(r.rank_new),
                "change": round(float(r.score_change), 4),
            }
            for i, r in frame.iterrows()
        ]

    return {
        "risers": rows(both.iloc[::-1].head(n)[lambda f: f["score_change"] > 0]),
        "fallers": rows(both.head(n)[lambda f: f["score_change"] < 0]),
    }


def diff_scores(old: Scores, new: Scores, *, n: int = 10) -> dict[str, Any]:
    """How scores, ranks and isolation risk moved between two scorings.

    Returns
    -------
    dict
        ``landing_points`` and ``countries``: ``risers`` / ``fallers`` (biggest score
        changes, with ranks); ``isolation``: countries whose ``redundancy_cables`` changed,
        with ``became_single_cable`` / ``no_longer_single_cable`` lists.
    """
    countries_old = old.countries.set_index("iso3")["redundancy_cables"]
    countries_new = new.countries.set_index("iso3")["redundancy_cables"]
    both = pd.DataFrame({"old": countries_old, "new": countries_new}).dropna()
    moved = both[both["old"] != both["new"]]
    return {
        "landing_points": _movers(old.landing_points, new.landing_points, "lp_id", n),
        "countries": _movers(old.countries, new.countries, "iso3", n),
        "isolation": {
            "redundancy_changed": {str(i): [int(r.old), int(r.new)] for i, r in moved.iterrows()},
            "became_single_cable": sorted(
                str(i) for i, r in both.iterrows() if r.new == 1 and r.old != 1
            ),
            "no_longer_single_cable": sorted(
                str(i) for i, r in both.iterrows() if r.old == 1 and r.new != 1
            ),
        },
    }


def change_report(
    old: Layers, new: Layers, old_scores: Scores | None = None, new_scores: Scores | None = None
) -> dict[str, Any]:
    """Build the full change report: record changes and, given scores, score movements.

    Returns
    -------
    dict
        ``cables``, ``landing_points`` (see :func:`diff_layers`), ``scores`` (see
        :func:`diff_scores`, if scores were given), ``old``/``new`` data versions.
    """
    report = diff_layers(old, new)
    report["old"] = sorted({str(v) for v in old.cables["source_version"].unique()})
    report["new"] = sorted({str(v) for v in new.cables["source_version"].unique()})
    if old_scores is not None and new_scores is not None:
        report["scores"] = diff_scores(old_scores, new_scores)
    return report


def report_lines(report: dict[str, Any], *, limit: int = 15) -> list[str]:
    """Render the change report as terminal lines."""
    lines = [f"from {', '.join(report.get('old', []))} to {', '.join(report.get('new', []))}"]
    for layer in ("cables", "landing_points"):
        part = report[layer]
        lines.append(
            f"{layer}: {len(part['added'])} added, {len(part['removed'])} removed, "
            f"{len(part['changed'])} changed, {part['unchanged']} unchanged"
        )
        for kind in ("added", "removed"):
            if part[kind]:
                shown = ", ".join(part[kind][:limit])
                more = f" (+{len(part[kind]) - limit} more)" if len(part[kind]) > limit else ""
                lines.append(f"  {kind}: {shown}{more}")
        counts: dict[str, int] = {}
        for fields in part["changed"].values():
            for f in fields:
                counts[f] = counts.get(f, 0) + 1
        if counts:
            lines.append(
                "  changed fields: "
                + ", ".join(f"{f} {n}" for f, n in sorted(counts.items(), key=lambda kv: -kv[1]))
            )
    lines.extend(_caveat_lines(report))
    scores = report.get("scores")
    if scores:
        for entity in ("countries", "landing_points"):
            for kind in ("risers", "fallers"):
                rows = scores[entity][kind][:5]
                if rows:
                    lines.append(
                        f"{entity} {kind}: "
                        + ", ".join(
                            f"{r['id']} {r['change']:+.3f} (rank {r['rank_old']}→{r['rank_new']})"
                            for r in rows
                        )
                    )
        iso = scores["isolation"]
        lines.append(
            f"now single-cable: {', '.join(iso['became_single_cable']) or 'none'}; "
            f"no longer single-cable: {', '.join(iso['no_longer_single_cable']) or 'none'}"
        )
    return lines


def _caveat_lines(report: dict[str, Any]) -> list[str]:
    """Say what the comparison could not: fields not compared, carried values, inference."""
    lines: list[str] = []
    by_reason: dict[str, list[str]] = {}
    for fld, reason in report.get("not_compared", {}).get("cables", {}).items():
        by_reason.setdefault(reason, []).append(fld)
    lines.extend(
        f"not compared: cable {', '.join(fields)} ({reason})"
        for reason, fields in by_reason.items()
    )
    carried = report.get("carried_not_compared", {})
    if carried:
        lines.append(
            "not compared where carried over from an older release: "
            + ", ".join(f"{f} ({n} cables)" for f, n in carried.items())
        )
    lines.extend(f"note: {note}" for note in report.get("notes", []))
    return lines


def report_html(report: dict[str, Any]) -> str:
    """Render the change report as a standalone HTML page (every data string escaped)."""
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(f"<li>{html.escape(line)}</li>" for line in report_lines(report, limit=50))
    tables = []
    for layer in ("cables", "landing_points"):
        rows = "".join(
            f"<tr><td>{html.escape(i)}</td><td>{html.escape(', '.join(f))}</td></tr>"
            for i, f in list(report[layer]["changed"].items())[:500]
        )
        title = html.escape(layer.replace("_", " "))
        tables.append(
            f"<h2>Changed {title}</h2><table><tr><th>id</th><th>fields</th></tr>{rows}</table>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cablemap: what changed</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}}
td,th{{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}}</style></head><body>
<h1>What changed</h1><p>Report built {built}. <a href="index.html">All maps</a></p>
<ul>{body}</ul>{"".join(tables)}</body></html>
"""
