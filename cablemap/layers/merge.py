"""Fill a release's gaps from an older one, flagging every value carried over and its release.

A geometry-only release (:mod:`cablemap.layers.geometry_release`) says where cables run but
not their status, RFS year, length, owners or suppliers, nor which landing points each lists.
:func:`merge_older` takes those from an older full release for the cables present in both:

- **attributes** (:data:`CARRIED_FIELDS`): a value the newer release lacks is taken from the
  older one where it has it; the cable's ``carried_over`` lists those fields and
  ``carried_from`` names the older release (its ``source_version``). A value the newer release
  has is never replaced. Cables only in the newer release keep their gaps.
- **landings**: for a cable in both whose landings were inferred from geometry, the older
  release's list is used (``inferred`` false, ``carried_from`` set) for the landing points
  that still exist; an inferred landing at a landing point the older release did not have at
  all is kept (``inferred`` true): a new station on an old cable. Inferred landings at points
  the older release knew but did not list for that cable are dropped, because the older list
  is the better evidence (measured: most such extras are co-located stations).
- **landing points** without a country (none at the end of the name) take the older
  release's country and ISO3.

Every count goes to the report (``cables with owners carried over from ...``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._validate import LoadReport, is_missing
from cablemap.layers.collection import Layers

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

#: Cable fields carried over from an older release where the newer one lacks them.
CARRIED_FIELDS: tuple[str, ...] = ("status", "rfs_year", "length_km", "owners", "suppliers")


def _carry_attributes(
    cables: gpd.GeoDataFrame, older: gpd.GeoDataFrame, report: LoadReport
) -> gpd.GeoDataFrame:
    out = cables.copy()
    old = older.set_index("cable_id")
    carried: list[list[str]] = []
    carried_from: list[str | None] = []
    counts = dict.fromkeys(CARRIED_FIELDS, 0)
    columns = {f: out[f].astype(object).tolist() for f in CARRIED_FIELDS}
    for i, cable_id in enumerate(out["cable_id"]):
        fields: list[str] = []
        if cable_id in old.index:
            row = old.loc[cable_id]
            for fld in CARRIED_FIELDS:
                value = row[fld]
                if is_missing(columns[fld][i]) and not is_missing(value):
                    columns[fld][i] = list(value) if fld in ("owners", "suppliers") else value
                    fields.append(fld)
                    counts[fld] += 1
        carried.append(fields)
        carried_from.append(str(old.at[cable_id, "source_version"]) if fields else None)
    for fld, values in columns.items():
        out[fld] = pd.Series(values, index=out.index, dtype=object)
    out["rfs_year"] = pd.array(
        [None if is_missing(v) else int(v) for v in out["rfs_year"]], dtype="Int64"
    )
    out["length_km"] = np.array(
        [np.nan if is_missing(v) else float(v) for v in out["length_km"]], dtype=float
    )
    position = out.columns.get_loc("source_version") + 1
    out.insert(position, "carried_over", pd.Series(carried, index=out.index, dtype=object))
    out.insert(position + 1, "carried_from", pd.Series(carried_from, index=out.index, dtype=object))
    versions = sorted({v for v in carried_from if v})
    where = ", ".join(versions) or "the older release"
    for fld, n in counts.items():
        if n:
            report.count(f"cables with {fld} carried over from {where}", n)
        gap = f"cables without {fld} (not in "  # see absent_field_count
        for name in [n for n in report.counts if n.startswith(gap)]:
            left = int(out[fld].map(is_missing).sum())  # what is still missing after the merge
            if left:
                report.counts[name] = left
            else:
                del report.counts[name]
    only_new = int((~out["cable_id"].isin(old.index)).sum())
    if only_new:
        report.count("cables only in the newer release (their gaps stay missing)", only_new)
    only_old = int((~old.index.isin(out["cable_id"])).sum())
    if only_old:
        report.count("cables only in the older release (not carried over)", only_old)
    return out


def _carry_landings(
    links: pd.DataFrame, newer: Layers, older: Layers, report: LoadReport
) -> pd.DataFrame:
    if "inferred" not in links.columns or not links["inferred"].any():
        return links
    old_links = older.cable_landings
    in_both = set(newer.cables["cable_id"]) & set(older.cables["cable_id"])
    new_points = set(newer.landing_points["lp_id"])
    old_points = set(older.landing_points["lp_id"])
    old_version = (
        older.cables.set_index("cable_id")["source_version"].astype(str).to_dict()
        if len(older.cables)
        else {}
    )
    replace = links["cable_id"].isin(in_both) & links["inferred"].astype(bool)
    keep_new_station = replace & ~links["lp_id"].isin(old_points)
    kept = links[~replace | keep_new_station].copy()
    listed = old_links[old_links["cable_id"].isin(in_both)]
    dropped_gone = listed[~listed["lp_id"].isin(new_points)]
    listed = listed[listed["lp_id"].isin(new_points)]
    carried = pd.DataFrame(
        {
            "cable_id": listed["cable_id"].to_numpy(),
            "lp_id": listed["lp_id"].to_numpy(),
            "inferred": False,
            "distance_km": np.nan,
            "carried_from": [old_version.get(c) for c in listed["cable_id"]],
        }
    )
    if "carried_from" not in kept.columns:
        kept["carried_from"] = None
    merged = pd.concat([carried, kept], ignore_index=True)
    merged = merged.drop_duplicates(subset=["cable_id", "lp_id"], keep="first")
    merged["inferred"] = merged["inferred"].astype(bool)
    merged["distance_km"] = merged["distance_km"].astype(float)
    merged["carried_from"] = merged["carried_from"].astype(object)
    report.count("cable landings carried over from the older release's lists", len(carried))
    report.count(
        "inferred cable landings replaced by the older release's lists",
        int((replace & ~keep_new_station).sum()),
    )
    if keep_new_station.any():
        report.count(
            "inferred cable landings kept at landing points new since the older release",
            int(keep_new_station.sum()),
        )
    if len(dropped_gone):
        report.count(
            "older cable landings at landing points the newer release no longer has (dropped)",
            len(dropped_gone),
        )
    order = merged["cable_id"].map({c: i for i, c in enumerate(newer.cables["cable_id"])})
    return merged.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")


def _carry_countries(
    points: gpd.GeoDataFrame, older: gpd.GeoDataFrame, report: LoadReport
) -> gpd.GeoDataFrame:
    missing = points["iso3"].map(is_missing)
    if not missing.any():
        return points
    old = older.set_index("lp_id")
    out = points.copy()
    n = 0
    for i in out.index[missing]:
        lp_id = out.at[i, "lp_id"]
        if lp_id in old.index and not is_missing(old.at[lp_id, "iso3"]):
            out.at[i, "iso3"] = old.at[lp_id, "iso3"]
            out.at[i, "country"] = old.at[lp_id, "country"]
            n += 1
    if n:
        report.count("landing points with country carried over from the older release", n)
    return out


def merge_older(newer: Layers, older: Layers) -> Layers:
    """Fill the gaps of ``newer`` from ``older``, flagging each value carried over.

    Parameters
    ----------
    newer
        The release to keep (often a geometry-only one).
    older
        An older full release of the same source (cable and landing-point ids match).

    Returns
    -------
    Layers
        ``newer`` with :data:`CARRIED_FIELDS` filled where it lacked them (columns
        ``carried_over`` and ``carried_from`` say which and whence), landings taken from
        the older lists where they were inferred, and both loads' reports, plus the counts.

    Examples
    --------
    >>> from cablemap.layers.merge import merge_older
    >>> merged = merge_older(cm.load("tg-2025-geometry"), cm.load("tg-v3-2022"))  # doctest: +SKIP
    >>> merged.cables[["cable_id", "owners", "carried_over", "carried_from"]]  # doctest: +SKIP
    """
    # the older load's issues stay (they may concern carried values); its counts are named
    report = LoadReport([*newer.report.issues, *older.report.issues], dict(newer.report.counts))
    for name, n in older.report.counts.items():
        report.count(f"older release: {name}", n)
    cables = _carry_attributes(newer.cables, older.cables, report)
    links = _carry_landings(newer.cable_landings, newer, older, report)
    points = _carry_countries(newer.landing_points, older.landing_points, report)
    report.counts["cable landings loaded"] = len(links)
    sources: dict[str, dict[str, Any]] = {k: dict(v) for k, v in newer.sources.items()}
    older_cables = older.sources.get("cables", {})
    for meta in sources.values():
        meta["merged_from"] = {
            k: older_cables.get(k) for k in ("source", "source_version", "path", "attribution")
        }
    if older_cables:
        sources["carried_over"] = dict(older_cables)
    logger.info("Merged %r with the older %r", newer, older)
    return Layers(
        cables=cables,
        landing_points=points,
        cable_landings=links.reset_index(drop=True),
        report=report,
        sources=sources,
        facilities=newer.facilities,
        countries=newer.countries,
        vendor_footprints=newer.vendor_footprints,
        vendors=newer.vendors,
        operator_shares=newer.operator_shares,
    )
