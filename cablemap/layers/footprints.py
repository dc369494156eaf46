"""Vendor footprints: which vendor does what for whom in which country, and since when.

Schema (``vendor_footprints`` layer, one row per country, operator, vendor, domain and status
period): ``iso3``; ``operator`` (the network or company the row is about, e.g. ``SoftBank``;
empty where the row holds country-wide, such as a national ban); ``vendor`` (a vendor registry
name; empty only on an ``unknown`` row); ``domain`` (one of :data:`DOMAINS`); ``status`` (one
of :data:`STATUSES`); ``status_from`` and ``status_to`` (when the status began and ended:
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``status_from`` empty where the start is not known
(in force from before any source), ``status_to`` empty while it holds); ``year`` (Int64, the
year of ``status_from``); ``source`` (an ``http(s)`` URL of the original publisher for an
authored row); ``source_date`` (when the source was published: a date as above, or
``YYYY/YYYY`` for an undated page); ``notes``.

A row is **in force in year Y** (:func:`in_force`) when its status began no later than Y and
did not end by the end of Y: the state at the end of the year, so ``--year 2022`` reads no
evidence dated 2023 or later. Rows come from authored, cited tables (``geodata/sample/
vendor_footprints.csv``; every row needs a source), from AidData's Global Huawei Finance
dataset (:func:`cablemap.layers.aiddata.footprints_from_aiddata`, government and city systems),
from the landing-station table (:mod:`cablemap.layers.stations`), and are derived from the
cables: the registered supplier of a cable in service is *deployed* in ``submarine_cable_supply``
in every country it lands in from its RFS year, a registered owner in ``cable_ownership``.

An ``unknown`` row records that a domain (or an operator's part of it) was searched and no
conclusive public source was found: its ``vendor`` and ``source`` may be empty (a vendor given,
e.g. a bidder, must be a registry name), its ``notes`` (what was searched) may not. It is not
evidence; :mod:`cablemap.risk.scoring.exposure` scores such a share as a range.

An older table with a ``year`` column and no ``operator``/``status_from``/``status_to`` is
read too: ``year`` becomes ``status_from``, the operator is empty.
"""

from __future__ import annotations

import datetime as dt
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
    "slte_supply",
    "ran_5g",
    "mobile_core",
    "cloud_datacentre",
    "smart_city",
    "ran_4g",
    "e_government",
    "national_datacentre",
)
#: Statuses a row may record, from the weakest tie to the strongest (weights per status are
#: the vendor profile's ``[exposure.status]``).
STATUSES = (
    "trial",
    "contracted",
    "deployed",
    "phased_out",
    "excluded",
    "tendered_blocked",
    "unknown",
)
COLUMNS = (
    "iso3",
    "operator",
    "vendor",
    "domain",
    "status",
    "status_from",
    "status_to",
    "year",
    "source",
    "source_date",
    "notes",
)
#: Columns an authored table may leave out (filled with empty values).
OPTIONAL_COLUMNS = ("operator", "status_from", "status_to", "source_date", "year")
#: Earliest date an authored row may give (older is a typo; the first submarine telegraph
#: cables are older, but no footprint row is about them).
FIRST_YEAR = 1950
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_RANGE = re.compile(r"\d{4}(-\d\d){0,2}/(\d{4})(-\d\d){0,2}")


def year_of(date: str) -> int | None:
    """Return the year of a ``YYYY[-MM[-DD]]`` or ``YYYY/YYYY`` date (the later); None if empty."""
    text = str(date).strip()
    if not text:
        return None
    return int(text.split("/")[1][:4]) if _RANGE.fullmatch(text) else int(text[:4])


def in_force(frame: pd.DataFrame, year: int | None) -> pd.Series:
    """Which rows' status holds at the end of ``year`` (every row when ``year`` is None).

    A row holds when ``status_from`` is empty or its year is at most ``year``, and
    ``status_to`` is empty or its year is later than ``year``.
    """
    if year is None or frame.empty:
        return pd.Series(True, index=frame.index)
    start = pd.to_numeric(frame["status_from"].astype(str).str[:4], errors="coerce")
    end = pd.to_numeric(frame["status_to"].astype(str).str[:4], errors="coerce")
    return (start.isna() | (start <= year)) & (end.isna() | (end > year))


def read_cited_table(
    path: Path, what: str, columns: tuple[str, ...], *, optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Read a cited CSV table as text (a regular file, UTF-8), checking its columns.

    Parameters
    ----------
    path, what
        The file, and what it is (for messages).
    columns
        Columns it must have; ``optional`` ones are added, empty, where absent.

    Raises
    ------
    LayerValidationError
        If it is not UTF-8, not a CSV table, or lacks a column (naming the file).
    UnsafeFileError
        If it is no regular file (a pipe, a folder): refused before it is opened.
    """
    try:
        with open_regular(path, what) as fh:  # never a pipe or a folder
            frame = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{str(path)!r}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise LayerValidationError(msg) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = f"{str(path)!r} is not a readable CSV table: {exc}"
        raise LayerValidationError(msg) from None
    for col in optional:
        if col not in frame.columns:
            frame[col] = ""
    missing = set(columns) - set(frame.columns)
    if missing:
        msg = f"{str(path)!r}: column(s) {sorted(missing)} missing"
        raise LayerValidationError(msg)
    return frame


def footprints_from_file(path: str | Path, *, today: dt.date | None = None) -> pd.DataFrame:
    """Read and check an authored footprint table.

    Parameters
    ----------
    path
        A CSV with the columns of :data:`COLUMNS` (those of :data:`OPTIONAL_COLUMNS` may be
        left out; an older table's ``year`` stands for ``status_from``).
    today
        Dates later than this are refused (default: today).

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
        status, bad ISO3, a date that is malformed, before 1950, in the future or a
        ``status_to`` before its ``status_from``; a row without an http(s) source or (unless
        ``unknown``) without a vendor, an ``unknown`` row without notes.
    """
    path = Path(path)
    frame = read_cited_table(path, "vendor footprint table", (), optional=OPTIONAL_COLUMNS)
    if not frame["status_from"].str.strip().any() and frame["year"].str.strip().any():
        frame["status_from"] = frame["year"]
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        msg = f"{str(path)!r}: column(s) {sorted(missing)} missing"
        raise LayerValidationError(msg)
    problems: list[str] = []
    vendors = []
    limit = today or dt.datetime.now(tz=dt.UTC).date()
    for i, row in frame.iterrows():
        where = f"{str(path)!r}, row {int(str(i)) + 2}"
        vendors.append(_check_row(row, where, problems, limit))
    if problems:
        raise LayerValidationError("\n".join(problems))
    frame["vendor"] = vendors
    for col in ("iso3", "operator", "status_from", "status_to", "source", "source_date"):
        frame[col] = frame[col].str.strip()
    frame["year"] = pd.array([year_of(d) for d in frame["status_from"]], dtype="Int64")
    return frame[list(COLUMNS)]


def _check_date(
    value: str, field: str, where: str, problems: list[str], today: dt.date, *, span: bool
) -> int | None:
    """Check one date field; return its year (None when empty or bad)."""
    text = str(value).strip()
    if not text:
        return None
    if not (_DATE.fullmatch(text) or (span and _RANGE.fullmatch(text))):
        what = "YYYY, YYYY-MM, YYYY-MM-DD" + (" or a range like YYYY/YYYY" if span else "")
        problems.append(f"{where}, field {field!r}: {text!r} is not a date ({what})")
        return None
    year = year_of(text)
    if year is None or year < FIRST_YEAR:
        problems.append(f"{where}, field {field!r}: {text!r} is before {FIRST_YEAR}")
        return None
    first = text.split("/")[0]
    if field != "status_to" and first > today.isoformat()[: len(first)]:
        problems.append(f"{where}, field {field!r}: {text!r} is later than today ({today})")
    return year


def _check_row(row: pd.Series, where: str, problems: list[str], today: dt.date) -> str:
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
    source = str(row["source"]).strip()
    if not unknown and not source:
        problems.append(f"{where}, field 'source': every footprint row needs a source")
    elif source and not re.match(r"https?://\S+$", source):
        problems.append(f"{where}, field 'source': {source!r} is not an http(s) URL")
    check_dates(row, where, problems, today)
    return vendor


def check_dates(row: pd.Series, where: str, problems: list[str], today: dt.date) -> None:
    """Check a row's ``status_from``, ``status_to`` and ``source_date``; append problems.

    Each must be a date (``source_date`` may be a ``YYYY/YYYY`` range), none before
    :data:`FIRST_YEAR`, ``status_from`` and ``source_date`` not after ``today`` (a known end,
    ``status_to``, may lie ahead), ``status_to`` not before ``status_from``.
    """
    start = _check_date(row["status_from"], "status_from", where, problems, today, span=False)
    end = _check_date(row["status_to"], "status_to", where, problems, today, span=False)
    _check_date(row["source_date"], "source_date", where, problems, today, span=True)
    if start is not None and end is not None and str(row["status_to"]) < str(row["status_from"]):
        problems.append(
            f"{where}, field 'status_to': {row['status_to']!r} is before status_from "
            f"{row['status_from']!r}"
        )


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
                    (c, canonical, domain, "deployed", cable.rfs_year, source, cable.name)
                    for c in lands
                )
    if unregistered:
        report.count(
            "cable owners not in the vendor registry (no footprint derived)", len(unregistered)
        )
    frame = pd.DataFrame(
        rows, columns=["iso3", "vendor", "domain", "status", "year", "source", "notes"]
    )
    if frame.empty:
        return empty_footprints()
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
    return complete(frame).reset_index(drop=True)


def empty_footprints() -> pd.DataFrame:
    """Return an empty footprint table with every column."""
    return complete(pd.DataFrame(columns=["iso3", "vendor", "domain", "status"]))


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Give rows made by code (derived, AidData) every column: ``status_from`` from ``year``.

    Parameters
    ----------
    frame
        Rows with at least ``iso3``, ``vendor``, ``domain`` and ``status``; ``year`` (Int64)
        stands for the start of the status.
    """
    out = frame.copy()
    year = (
        pd.to_numeric(out["year"], errors="coerce").astype("Int64")
        if "year" in out
        else pd.Series(pd.NA, index=out.index, dtype="Int64")
    )
    out["year"] = year
    if "status_from" not in out:
        out["status_from"] = [("" if pd.isna(y) else str(int(y))) for y in year]
    for col in COLUMNS:
        if col not in out:
            out[col] = ""
    return out[list(COLUMNS)]


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
