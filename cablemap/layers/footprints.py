"""Vendor footprints: which vendor does what in which country (``vendor_footprints`` layer).

Schema (DataFrame, one row per country, vendor and domain): ``iso3``; ``vendor`` (a vendor
registry name; empty only on an ``unknown`` row); ``domain`` (one of :data:`DOMAINS`);
``status`` (one of :data:`STATUSES`); ``year`` (Int64, nullable); ``source``; ``source_date``
(when the source was published or read: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty where
not given); ``notes``. Rows come from authored, cited tables (``geodata/sample/
vendor_footprints*.csv``; every row needs a source), from AidData's Global Huawei Finance
dataset (:func:`footprints_from_aiddata`, government and city systems) and are derived from the
cables: the registered supplier of a cable in service is *deployed* in ``submarine_cable_supply``
in every country it lands in, a registered owner in ``cable_ownership``.

An ``unknown`` row records that a domain was searched and no conclusive public source was
found: its ``vendor`` and ``source`` may be empty (a vendor given, e.g. a bidder or a trial
partner, must be a registry name), its ``notes`` (what was searched) may not. It is not
evidence; :mod:`cablemap.risk.scoring.exposure` scores such a domain as the vendor profile says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cablemap._errors import LayerValidationError, UnknownVendorError
from cablemap._files import open_regular
from cablemap._validate import LoadReport, names_or_empty, status_counted
from cablemap.layers.vendors import canonical_vendor, resolve_vendor

DOMAINS = (
    "submarine_cable_supply",
    "cable_ownership",
    "landing_station_operation",
    "ran_5g",
    "mobile_core",
    "cloud_datacentre",
    "smart_city",
    "ran_4g",
    "e_government",
    "national_datacentre",
)
STATUSES = ("deployed", "contracted", "excluded", "phased_out", "unknown")
COLUMNS = ("iso3", "vendor", "domain", "status", "year", "source", "source_date", "notes")
#: Columns an authored table may leave out (filled with empty values).
OPTIONAL_COLUMNS = ("source_date",)
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def footprints_from_file(path: str | Path) -> pd.DataFrame:
    """Read and check an authored footprint table.

    Parameters
    ----------
    path
        A CSV with the columns of :data:`COLUMNS` (``source_date`` may be left out).

    Returns
    -------
    DataFrame
        The rows, vendors resolved to their registry names.

    Raises
    ------
    UnsafeFileError
        If the path is a named pipe, a folder or a device (refused before it is opened).
    LayerValidationError
        Listing every problem, each naming file, row and field: unknown vendor, domain or
        status, bad ISO3, year or source date, a row without a source or (unless ``unknown``)
        without a vendor, an ``unknown`` row without notes.
    """
    path = Path(path)
    try:
        with open_regular(path, "vendor footprint table") as fh:  # never a pipe or a folder
            frame = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{str(path)!r}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise LayerValidationError(msg) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = f"{str(path)!r} is not a readable CSV table: {exc}"
        raise LayerValidationError(msg) from None
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        msg = f"{str(path)!r}: column(s) {sorted(missing)} missing"
        raise LayerValidationError(msg)
    problems: list[str] = []
    vendors = []
    for i, row in frame.iterrows():
        where = f"{str(path)!r}, row {int(str(i)) + 2}"
        vendors.append(_check_row(row, where, problems))
    if problems:
        raise LayerValidationError("\n".join(problems))
    frame["vendor"] = vendors
    frame["year"] = pd.to_numeric(frame["year"].replace("", None)).astype("Int64")
    return frame[list(COLUMNS)]


def _check_row(row: pd.Series, where: str, problems: list[str]) -> str:
    """Check one authored row; append problems; return the canonical vendor name."""
    unknown = row["status"] == "unknown"
    vendor = str(row["vendor"]).strip()
    if unknown and not str(row["notes"]).strip():
        problems.append(f"{where}, field 'notes': an 'unknown' row must say what was searched")
    if not vendor and not unknown:
        problems.append(
            f"{where}, field 'vendor': empty; only a row of status 'unknown' may name no vendor"
        )
    elif vendor:
        try:
            vendor = resolve_vendor(vendor)
        except UnknownVendorError as exc:
            problems.append(f"{where}, field 'vendor': {exc}")
    if not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
        problems.append(f"{where}, field 'iso3': {row['iso3']!r} is no ISO3 code")
    if row["domain"] not in DOMAINS:
        problems.append(f"{where}, field 'domain': {row['domain']!r} is not one of {list(DOMAINS)}")
    if row["status"] not in STATUSES:
        problems.append(
            f"{where}, field 'status': {row['status']!r} is not one of {list(STATUSES)}"
        )
    if row["year"] and not re.fullmatch(r"\d{4}", row["year"]):
        problems.append(f"{where}, field 'year': {row['year']!r} is not a year")
    if not unknown and not str(row["source"]).strip():
        problems.append(f"{where}, field 'source': every footprint row needs a source")
    date = str(row["source_date"]).strip()
    if date and not _DATE.fullmatch(date):
        problems.append(
            f"{where}, field 'source_date': {date!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    return vendor


def footprints_from_cables(
    cables: pd.DataFrame,
    cable_landings: pd.DataFrame,
    landing_points: pd.DataFrame,
    *,
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """Derive supply and ownership footprints from the in-service cables.

    Returns
    -------
    DataFrame
        One row per (country, registered vendor, domain) with the earliest RFS year.
    """
    report = LoadReport() if report is None else report
    # plain lists: iterating Arrow-backed string columns costs a Python call per value
    iso = dict(zip(landing_points["lp_id"].tolist(), landing_points["iso3"].tolist(), strict=True))
    country_sets: dict[str, set[str]] = {}
    pairs = zip(cable_landings["cable_id"].tolist(), cable_landings["lp_id"].tolist(), strict=True)
    for cable_id, lp_id in pairs:
        code = iso.get(lp_id)
        if isinstance(code, str):
            country_sets.setdefault(cable_id, set()).add(code)
    countries = {c: sorted(s) for c, s in country_sets.items()}
    rows: list[tuple[object, ...]] = []
    unregistered = set()
    live = cables[status_counted(cables["status"]) == "in_service"]
    for cable in live.itertuples():
        lands = countries.get(cable.cable_id, [])
        for domain, names in (
            ("submarine_cable_supply", cable.suppliers),
            ("cable_ownership", cable.owners),
        ):
            for name in names_or_empty(names):
                canonical, known = canonical_vendor(name)
                if not known:
                    unregistered.add(canonical)
                    continue
                source = f"{cable.source} ({cable.source_version}), cable {cable.cable_id}"
                rows.extend(
                    (c, canonical, domain, "deployed", cable.rfs_year, source, "", cable.name)
                    for c in lands
                )
    if unregistered:
        report.count(
            "cable owners not in the vendor registry (no footprint derived)", len(unregistered)
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if frame.empty:
        return frame
    frame["notes"] = "derived: " + frame["notes"].astype(str)
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    frame = frame.sort_values(["iso3", "vendor", "domain", "year"])
    counts = frame.groupby(["iso3", "vendor", "domain"]).size().rename("cables")
    frame = frame.drop_duplicates(["iso3", "vendor", "domain"]).join(
        counts, on=["iso3", "vendor", "domain"]
    )
    frame["notes"] = [
        f"derived from {n} cable(s), first {note[9:]}"
        for n, note in zip(frame["cables"], frame["notes"], strict=True)
    ]
    return frame[list(COLUMNS)].reset_index(drop=True)


def vendors_frame() -> pd.DataFrame:
    """Return the vendor registry as a table.

    Columns: ``name``, ``aliases``, ``roles``, ``home_iso3``, ``parent``, ``source``.
    """
    from cablemap.layers.vendors import vendor_registry  # noqa: PLC0415

    return pd.DataFrame(
        [
            {
                "name": v.name,
                "aliases": list(v.aliases),
                "roles": list(v.roles),
                "home_iso3": v.home_iso3,
                "parent": v.parent,
                "source": v.source,
            }
            for v in vendor_registry().values()
        ]
    )
