"""What changed between two releases: records added, removed, renamed, changed; scores moved.

A record whose id changed between releases is a **rename**, not a removal plus an addition,
when it kept its name or its place:

- a cable with the same name (compared without case, punctuation or a trailing acronym in
  brackets; spellings at least :data:`RENAME_NAME_RATIO` alike with the same numbers and the
  same acronym also count: "West African Cable System (WACS)" / "West Africa Cable System
  (WACS)") or the same drawn route (Hausdorff distance at most :data:`RENAME_ROUTE_DEG`
  degrees, sharing a landing country: "Hainan-Hong Kong Submarine Cable System" / "Hainan to
  Hong Kong Express (H2HE)");
- a landing point at the same place (within :data:`MOVE_KM`: "Piti, GU, United States" /
  "Piti, Guam"), or with the same place name within :data:`RENAME_KM`.

Each old id is paired with at most one new id (the closest match first); the report lists
each rename with how it was matched and the fields that changed, and compares cables' landing
points through the renamed ids.
"""

from __future__ import annotations

import difflib
import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from cablemap._geo import distances_m, geodesic_m
from cablemap._validate import is_missing
from cablemap.layers.memberships import MEASURED_ACCURACY
from cablemap.render.shell import page_html

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis
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
#: A landing point that moves farther than this (km) counts as moved; a removed and an added
#: landing point this close are one landing point renamed.
MOVE_KM = 1.0
#: Drawn routes this close (Hausdorff distance, degrees; about 11 km) are the same route.
RENAME_ROUTE_DEG = 0.1
#: Names at least this alike (difflib ratio of the normalised names) are the same name.
RENAME_NAME_RATIO = 0.9
#: A removed and an added landing point with the same place name this close (km) are one.
RENAME_KM = 25.0


def _same(a: Any, b: Any) -> bool:
    a_missing, b_missing = is_missing(a), is_missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, list | tuple | np.ndarray) or isinstance(b, list | tuple | np.ndarray):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def _records(
    layers: Layers, lp_names: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cables (with their landing points, old ids renamed by ``lp_names``) and landing points."""
    renamed = lp_names or {}
    links = layers.cable_landings
    lps_of = links.groupby("cable_id")["lp_id"].apply(
        lambda s: sorted({renamed.get(str(x), str(x)) for x in s})
    )
    cables = layers.cables.set_index("cable_id")
    cables = cables.assign(landing_points=[lps_of.get(c, []) for c in cables.index])
    return cables, layers.landing_points.set_index("lp_id")


# ----------------------------------------------------------------------------- renames
_BRACKETS = re.compile(r"\(([^)]*)\)")


def normalised_name(name: object) -> str:
    """Return a name as compared for renames: lower case, no bracketed part, no punctuation.

    Parameters
    ----------
    name
        A cable or landing-point name.

    Returns
    -------
    str
        E.g. ``"west african cable system"`` for ``"West African Cable System (WACS)"``.
    """
    text = _BRACKETS.sub(" ", str(name)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _acronym(name: object) -> str:
    found = _BRACKETS.findall(str(name))
    return found[-1].strip().casefold() if found else ""


def same_name(a: object, b: object) -> bool:
    """Tell whether two names are one name spelt two ways (see the module's rules).

    Parameters
    ----------
    a, b
        Names (of two cables, or two landing places).

    Returns
    -------
    bool
        Equal once normalised (:func:`normalised_name`), or at least
        :data:`RENAME_NAME_RATIO` alike with the same numbers; never when both carry an
        acronym in brackets and the acronyms differ.
    """
    na, nb = normalised_name(a), normalised_name(b)
    if not na or not nb:
        return False
    ka, kb = _acronym(a), _acronym(b)
    if ka and kb and ka != kb:
        return False
    if na == nb:
        return True
    if re.findall(r"\d+", na) != re.findall(r"\d+", nb):
        return False
    return difflib.SequenceMatcher(None, na, nb).ratio() >= RENAME_NAME_RATIO


def _place(name: object) -> str:
    """Return a landing point's place: its name up to the first comma."""
    return str(name).split(",", 1)[0]


def _pair(
    candidates: Sequence[tuple[tuple[float, float], str, str, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Pair old and new ids one to one, best match first."""
    used_old: set[str] = set()
    used_new: set[str] = set()
    out = []
    for _, old, new, info in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if old in used_old or new in used_new:
            continue
        used_old.add(old)
        used_new.add(new)
        out.append({"old": old, "new": new, **info})
    return sorted(out, key=lambda r: r["old"])


def _countries(layers: Layers) -> dict[str, set[str]]:
    lps = layers.landing_points.set_index("lp_id")["iso3"]
    links = layers.cable_landings
    out: dict[str, set[str]] = {}
    for cable_id, lp_id in zip(links["cable_id"], links["lp_id"], strict=True):
        iso3 = lps.get(lp_id)
        if isinstance(iso3, str):
            out.setdefault(str(cable_id), set()).add(iso3)
    return out


def _route_gap(a: Any, b: Any) -> float | None:
    """Return two routes' Hausdorff distance (degrees); ``None`` when far apart or absent."""
    if a is None or b is None or a.is_empty or b.is_empty:
        return None
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    if max(ax0 - bx1, bx0 - ax1, ay0 - by1, by0 - ay1) > RENAME_ROUTE_DEG:
        return None
    gap = float(shapely.hausdorff_distance(a, b))
    return gap if gap <= RENAME_ROUTE_DEG else None


def cable_renames(
    old: Layers, new: Layers, removed: set[str], added: set[str]
) -> list[dict[str, Any]]:
    """Pair removed and added cable ids that are one cable renamed (same name or route).

    Parameters
    ----------
    old, new
        The two releases.
    removed, added
        Ids only in the old, only in the new release.

    Returns
    -------
    list of dict
        ``{"old", "new", "old_name", "new_name", "by"}`` (``by``: ``"name"``, ``"route"``
        or ``"name and route"``), and ``route_gap_deg`` where the routes were compared.
    """
    oc, nc = old.cables.set_index("cable_id"), new.cables.set_index("cable_id")
    o_countries, n_countries = _countries(old), _countries(new)
    candidates = []
    for r in sorted(removed):
        for a in sorted(added):
            by_name = same_name(oc.at[r, "name"], nc.at[a, "name"])
            gap = _route_gap(oc.at[r, "geometry"], nc.at[a, "geometry"])
            shared = o_countries.get(r, set()) & n_countries.get(a, set())
            by_route = gap is not None and (
                bool(shared) or not (o_countries.get(r) and n_countries.get(a))
            )
            if not (by_name or by_route):
                continue
            by = "name and route" if by_name and by_route else "name" if by_name else "route"
            info: dict[str, Any] = {
                "old_name": str(oc.at[r, "name"]),
                "new_name": str(nc.at[a, "name"]),
                "by": by,
            }
            if gap is not None:
                info["route_gap_deg"] = round(gap, 4)
            rank = (0.0 if by_name and by_route else 1.0 if by_name else 2.0, gap or 0.0)
            candidates.append((rank, r, a, info))
    return _pair(candidates)


def landing_renames(
    old: Layers, new: Layers, removed: set[str], added: set[str]
) -> list[dict[str, Any]]:
    """Pair removed and added landing-point ids that are one place renamed.

    Parameters
    ----------
    old, new
        The two releases.
    removed, added
        Ids only in the old, only in the new release.

    Returns
    -------
    list of dict
        ``{"old", "new", "old_name", "new_name", "by", "distance_km"}``; ``by`` is
        ``"location"`` (within :data:`MOVE_KM`) or ``"name"`` (same place name within
        :data:`RENAME_KM`).
    """
    ol, nl = old.landing_points.set_index("lp_id"), new.landing_points.set_index("lp_id")
    fresh = [a for a in sorted(added) if nl.at[a, "geometry"] is not None]
    if not fresh:
        return []
    nx = np.array([nl.at[a, "geometry"].x for a in fresh])
    ny = np.array([nl.at[a, "geometry"].y for a in fresh])
    candidates = []
    for r in sorted(removed):
        g = ol.at[r, "geometry"]
        if g is None or g.is_empty:
            continue
        km = distances_m(np.full(len(fresh), g.x), np.full(len(fresh), g.y), nx, ny) / 1000.0
        for i in np.flatnonzero(km <= RENAME_KM):
            a = fresh[int(i)]
            near = bool(km[i] <= MOVE_KM)
            if not near and not same_name(_place(ol.at[r, "name"]), _place(nl.at[a, "name"])):
                continue
            info: dict[str, Any] = {
                "old_name": str(ol.at[r, "name"]),
                "new_name": str(nl.at[a, "name"]),
                "by": "location" if near else "name",
                "distance_km": round(float(km[i]), 3),
            }
            candidates.append(((0.0 if near else 1.0, float(km[i])), r, a, info))
    return _pair(candidates)


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
    """Compare two releases record by record, field by field, renamed ids paired.

    Parameters
    ----------
    old, new
        The two loads (any formats).

    Returns
    -------
    dict
        ``cables`` and ``landing_points``, each ``{"added": [ids], "removed": [ids],
        "renamed": [{"old", "new", "old_name", "new_name", "by", "changed": [fields]...}],
        "changed": {id: [fields]}, "unchanged": n}``. A renamed id (same name or same route
        or place; see the module) is neither added nor removed. Cable fields:
        :data:`CABLE_FIELDS` (``route``: geodesic length moved by more than
        :data:`ROUTE_TOLERANCE`, or a route appeared/disappeared; ``landing_points``
        compared through renamed landing-point ids) and any other column both releases
        carry; landing-point fields: :data:`LANDING_FIELDS` (``location``: moved more than
        :data:`MOVE_KM`) and the same. Every id of both releases is in exactly one list.
        ``not_compared``: the fields that could not be compared, with the reason (a
        geometry-only release lacks them), and ``carried_not_compared``: per field, how many
        cables were left out of its comparison because a release took the value from an
        older one. ``notes``: what to keep in mind (landings inferred from geometry).
    """
    old_l, new_l = old.landing_points.set_index("lp_id"), new.landing_points.set_index("lp_id")
    lp_renames = landing_renames(
        old, new, set(old_l.index) - set(new_l.index), set(new_l.index) - set(old_l.index)
    )
    lp_names = {r["old"]: r["new"] for r in lp_renames}
    old_c, _ = _records(old, lp_names)
    new_c, _ = _records(new)
    cable_renames_ = cable_renames(
        old, new, set(old_c.index) - set(new_c.index), set(new_c.index) - set(old_c.index)
    )
    skip = _not_compared(old, new)
    fields = [f for f in _fields(old_c, new_c, CABLE_FIELDS) if f not in skip]
    carried_skips: dict[str, int] = {}
    cable_changes: dict[str, list[str]] = {}
    for cid in sorted(set(old_c.index) & set(new_c.index)):
        changed = _cable_changes(old_c.loc[cid], new_c.loc[cid], fields, carried_skips)
        if changed:
            cable_changes[cid] = changed
    for r in cable_renames_:
        r["changed"] = _cable_changes(old_c.loc[r["old"]], new_c.loc[r["new"]], fields, {})
    out: dict[str, Any] = {
        "cables": _summary(set(old_c.index), set(new_c.index), cable_changes, cable_renames_)
    }
    lp_fields = _fields(old_l, new_l, LANDING_FIELDS)
    lp_changes: dict[str, list[str]] = {}
    for lp in sorted(set(old_l.index) & set(new_l.index)):
        changed = _lp_changes(old_l.loc[lp], new_l.loc[lp], lp_fields)
        if changed:
            lp_changes[lp] = changed
    for r in lp_renames:
        r["changed"] = _lp_changes(old_l.loc[r["old"]], new_l.loc[r["new"]], lp_fields)
    out["landing_points"] = _summary(set(old_l.index), set(new_l.index), lp_changes, lp_renames)
    out["not_compared"] = {"cables": skip}
    out["carried_not_compared"] = dict(sorted(carried_skips.items()))
    out["notes"] = _inference_notes(old, new)
    return out


def _cable_changes(
    a: pd.Series, b: pd.Series, fields: list[str], carried_skips: dict[str, int]
) -> list[str]:
    """List the fields of one cable that differ between releases (carried ones counted)."""
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
    return changed


def _lp_changes(a: pd.Series, b: pd.Series, fields: list[str]) -> list[str]:
    """List the fields of one landing point that differ between releases."""
    changed = [f for f in fields if f != "location" and not _same(a[f], b[f])]
    ga, gb = a.geometry, b.geometry
    if geodesic_m(ga.x, ga.y, gb.x, gb.y) / 1000.0 > MOVE_KM:
        changed.append("location")
    return changed


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


def _summary(
    old: set[str],
    new: set[str],
    changed: dict[str, list[str]],
    renamed: list[dict[str, Any]],
) -> dict[str, Any]:
    both = old & new
    gone = {r["old"] for r in renamed}
    came = {r["new"] for r in renamed}
    return {
        "added": sorted(new - old - came),
        "removed": sorted(old - new - gone),
        "renamed": renamed,
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


def diff_scores(
    old: Scores, new: Scores, *, n: int = 10, lp_renames: dict[str, str] | None = None
) -> dict[str, Any]:
    """How scores, ranks and isolation risk moved between two scorings.

    Parameters
    ----------
    old, new
        The two scorings.
    n
        Risers and fallers listed per entity.
    lp_renames
        Old landing-point id -> new id (:func:`landing_renames`): a renamed landing point is
        compared with itself.

    Returns
    -------
    dict
        ``landing_points`` and ``countries``: ``risers`` / ``fallers`` (biggest score
        changes, with ranks); ``isolation``: countries whose ``redundancy_cables`` changed,
        with ``became_single_cable`` / ``no_longer_single_cable`` lists.
    """
    old_lps = old.landing_points
    if lp_renames:
        old_lps = old_lps.assign(lp_id=old_lps["lp_id"].map(lambda i: lp_renames.get(i, i)))
    countries_old = old.countries.set_index("iso3")["redundancy_cables"]
    countries_new = new.countries.set_index("iso3")["redundancy_cables"]
    both = pd.DataFrame({"old": countries_old, "new": countries_new}).dropna()
    moved = both[both["old"] != both["new"]]
    return {
        "landing_points": _movers(old_lps, new.landing_points, "lp_id", n),
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
        renames = {r["old"]: r["new"] for r in report["landing_points"]["renamed"]}
        report["scores"] = diff_scores(old_scores, new_scores, lp_renames=renames)
    return report


def open_release(
    source: str | Path, *, project: str | Path | None = None, model: str | Path | None = None
) -> Analysis:
    """Open one release for a comparison, in the project's setup when one is given.

    Parameters
    ----------
    source
        The release (any source :func:`cablemap.load` reads).
    project
        A project file: its model, country outlines, facilities, vendor footprints, AidData
        and earthquake catalogues are used with the release, as ``cablemap build`` uses
        them, so that the scores moved are those of the project's maps.
    model
        A model file replacing the project's (default: the project's, else ``dcs-v2``).

    Returns
    -------
    Analysis
        The release's analysis (scored on first use).
    """
    from cablemap.layers import load  # noqa: PLC0415 - the loaders, on use
    from cablemap.layers.attach import add_extras  # noqa: PLC0415
    from cablemap.layers.project import project_extras, read_project  # noqa: PLC0415
    from cablemap.risk.analysis import Analysis  # noqa: PLC0415
    from cablemap.risk.model.spec import load_model  # noqa: PLC0415

    setup = read_project(Path(project)) if project is not None else None
    spec = load_model(model if model is not None else setup.model if setup else None)
    layers = load(source)
    if setup is not None:
        add_extras(layers, **project_extras(setup))
    return Analysis(layers, spec)


def release_setup(analysis: Analysis, project: str | Path | None) -> dict[str, Any]:
    """Say what a comparison scored with: the project, model, outlines and extras read.

    Returns
    -------
    dict
        ``project`` (path or ``None``), ``model`` (name and file) and, per extra layer read,
        its files (``layers.sources``).
    """
    sources = {
        key: meta.get("path")
        for key, meta in analysis.layers.sources.items()
        if key not in ("cables", "landing_points") and isinstance(meta, dict)
    }
    return {
        "project": None if project is None else str(project),
        "model": {"name": analysis.model.name, "file": str(analysis.model.path)},
        "sources": sources,
    }


def diff_releases(
    old: str | Path,
    new: str | Path,
    *,
    project: str | Path | None = None,
    model: str | Path | None = None,
    scores: bool = True,
) -> dict[str, Any]:
    """Compare two releases in one setup: the change report of ``cablemap diff``.

    Parameters
    ----------
    old, new
        The two releases (any sources :func:`cablemap.load` reads).
    project
        A project file whose model, outlines, facilities and footprints both releases are
        scored with (:func:`open_release`).
    model
        A model file replacing the project's.
    scores
        Also compare scores and ranks.

    Returns
    -------
    dict
        :func:`change_report`, with ``setup``: what both releases were scored with.

    Examples
    --------
    >>> report = diff_releases("tg-v2-2020", "tg-v3-2022", project="p.toml")  # doctest: +SKIP
    >>> report["cables"]["renamed"][0]["by"]  # doctest: +SKIP
    'name and route'
    """
    before = open_release(old, project=project, model=model)
    after = open_release(new, project=project, model=model)
    report = change_report(
        before.layers,
        after.layers,
        before.scores if scores else None,
        after.scores if scores else None,
    )
    report["setup"] = release_setup(after, project)
    return report


def report_lines(report: dict[str, Any], *, limit: int = 15) -> list[str]:
    """Render the change report as terminal lines."""
    lines = [f"from {', '.join(report.get('old', []))} to {', '.join(report.get('new', []))}"]
    if report.get("scores"):  # the setup matters to the scores only
        lines.extend(_setup_lines(report.get("setup")))
    for layer in ("cables", "landing_points"):
        part = report[layer]
        renamed = part.get("renamed", [])
        lines.append(
            f"{layer}: {len(part['added'])} added, {len(part['removed'])} removed, "
            f"{len(renamed)} renamed, {len(part['changed'])} changed, "
            f"{part['unchanged']} unchanged"
        )
        for kind in ("added", "removed"):
            if part[kind]:
                shown = ", ".join(part[kind][:limit])
                more = f" (+{len(part[kind]) - limit} more)" if len(part[kind]) > limit else ""
                lines.append(f"  {kind}: {shown}{more}")
        if renamed:
            shown = ", ".join(f"{r['old']} -> {r['new']} (same {r['by']})" for r in renamed[:limit])
            more = f" (+{len(renamed) - limit} more)" if len(renamed) > limit else ""
            lines.append(f"  renamed: {shown}{more}")
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


def _setup_lines(setup: dict[str, Any] | None) -> list[str]:
    """Say what both releases were scored with (``cablemap diff --project``)."""
    if not setup:
        return []
    extras = "; ".join(
        f"{key}: {', '.join(Path(str(p)).name for p in paths) if paths else 'as configured'}"
        for key, paths in setup.get("sources", {}).items()
    )
    project = setup.get("project")
    model = setup.get("model", {})
    head = f"scored with project {project}, " if project else "scored with "
    return [f"{head}model {model.get('name')} ({Path(str(model.get('file'))).name})"] + (
        [f"  with {extras}"] if extras else []
    )


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
        title = html.escape(layer.replace("_", " "))
        renamed = "".join(
            f"<tr><td>{html.escape(r['old'])}</td><td>{html.escape(str(r.get('old_name', '')))}"
            f"</td><td>{html.escape(r['new'])}</td><td>{html.escape(str(r.get('new_name', '')))}"
            f"</td><td>same {html.escape(str(r.get('by', '')))}</td>"
            f"<td>{html.escape(', '.join(r.get('changed', [])))}</td></tr>"
            for r in report[layer].get("renamed", [])
        )
        if renamed:
            tables.append(
                f"<h2>Renamed {title}</h2><p>The same record under a new id: same name, or same "
                "route or place (not a removal plus an addition).</p><table><tr><th>old id</th>"
                "<th>old name</th><th>new id</th><th>new name</th><th>matched by</th>"
                f"<th>fields changed</th></tr>{renamed}</table>"
            )
        rows = "".join(
            f"<tr><td>{html.escape(i)}</td><td>{html.escape(', '.join(f))}</td></tr>"
            for i, f in list(report[layer]["changed"].items())[:500]
        )
        tables.append(
            f"<h2>Changed {title}</h2><table><tr><th>id</th><th>fields</th></tr>{rows}</table>"
        )
    return page_html(
        "cablemap: what changed",
        f'<h1>What changed</h1><p>Report built {built}. <a href="index.html">All maps</a></p>'
        f"<ul>{body}</ul>{''.join(tables)}",
    )
