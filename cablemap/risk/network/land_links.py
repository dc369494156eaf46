"""Cited land links between countries: finite, fallible units of cross-border connectivity.

A border carries a link only where a source documents one (``risk_models/terrestrial_links.csv``:
one row per documented route, with its capacity class, the year it began and, where known,
ended, and the original publisher's page). Each link counts as a finite number of cable
equivalents set by its capacity class in the model file (``[land_links.capacity]``), fails as
one unit, and can be cut in a scenario (``cablemap scenario --cut-border AAA-BBB``). A border
nobody documents has no link: Papua New Guinea's land border with Indonesia carries none.

Table columns: ``link_id`` (``AAA-BBB:n``), ``a``, ``b`` (ISO3, a < b), ``status`` (``cited``,
``none``: documented absent, ``unknown``: nothing found either way, the notes say what was
searched), ``capacity_class`` (``trunk``, ``regional``, ``thin``, ``unknown``),
``capacity_gbps``, ``year_from``, ``year_to``, ``route``, ``operators``, ``source_url``,
``source_date``, ``source_kind`` (``original`` or ``republication``: the original publisher's
page was not available), ``notes``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from cablemap._errors import RiskSpecError
from cablemap._toml import read_regular_bytes

__all__ = ["LINK_COLUMNS", "active_land_links", "read_land_links"]

LINK_COLUMNS = (
    "link_id",
    "a",
    "b",
    "status",
    "capacity_class",
    "capacity_gbps",
    "year_from",
    "year_to",
    "route",
    "operators",
    "source_url",
    "source_date",
    "source_kind",
    "notes",
)
_STATUSES = ("cited", "none", "unknown")
_CLASSES = ("trunk", "regional", "thin", "unknown")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_YEAR = re.compile(r"^(1[89]|20)\d{2}$")


def read_land_links(path: str | Path) -> pd.DataFrame:
    """Read and check the cited land-link table.

    Parameters
    ----------
    path
        The CSV (``risk_models/terrestrial_links.csv``).

    Returns
    -------
    pandas.DataFrame
        Every row (:data:`LINK_COLUMNS`), ``year_from``/``year_to`` as nullable integers.

    Raises
    ------
    RiskSpecError
        Listing every bad row by file, row and field: a missing column, an ISO3 code, status,
        class or year that is not one, a cited row without a source URL, a repeated id.
    """
    file = Path(path)
    text = read_regular_bytes(file, "land-link table", RiskSpecError).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in LINK_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        msg = f"{str(file)!r}: missing column(s) {missing}; columns: {list(LINK_COLUMNS)}"
        raise RiskSpecError(msg)
    rows = list(reader)
    problems: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=2):
        problems.extend(f"row {i}, {p}" for p in _row_problems(row, seen))
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        msg = f"{str(file)!r}: {len(problems)} problem(s):\n{lines}"
        raise RiskSpecError(msg)
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    for col in ("year_from", "year_to"):
        frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("Int64")
    frame["capacity_gbps"] = pd.to_numeric(frame["capacity_gbps"].replace("", None))
    return frame


def _row_problems(row: dict[str, str], seen: set[str]) -> list[str]:
    out = []
    link = row.get("link_id", "")
    if not link or link in seen:
        out.append(f"field 'link_id': {link!r} is empty or repeated")
    seen.add(link)
    for col in ("a", "b"):
        if not _ISO3.match(row.get(col, "")):
            out.append(f"field {col!r}: {row.get(col)!r} is not an ISO3 code")
    if row.get("status") not in _STATUSES:
        out.append(f"field 'status': {row.get('status')!r}; statuses: {list(_STATUSES)}")
    if row.get("status") == "cited":
        if row.get("capacity_class") not in _CLASSES:
            out.append(
                f"field 'capacity_class': {row.get('capacity_class')!r}; classes: {list(_CLASSES)}"
            )
        if not row.get("source_url", "").startswith(("http://", "https://")):
            out.append("field 'source_url': a cited link needs the publisher's URL")
    for col in ("year_from", "year_to"):
        value = row.get(col, "")
        if value and not _YEAR.match(value):
            out.append(f"field {col!r}: {value!r} is not a year")
    return out


def active_land_links(
    table: pd.DataFrame, year: int | None, capacity: dict[str, float]
) -> pd.DataFrame:
    """Return the cited links in service in a year, with their weight in cable equivalents.

    Parameters
    ----------
    table
        :func:`read_land_links`.
    year
        The year analysed (a link counts from ``year_from``, or always when the source gives
        no year, until before ``year_to``); ``None``: every cited link still in service.
    capacity
        Cable equivalents per capacity class (the model's ``[land_links.capacity]``).

    Returns
    -------
    pandas.DataFrame
        ``link_id``, ``a``, ``b``, ``capacity_class``, ``weight`` (cable equivalents), and
        the provenance columns.
    """
    cited = table[table["status"] == "cited"]
    begun = cited["year_from"].isna() | (
        cited["year_from"].fillna(0) <= (year if year is not None else 9999)
    )
    ended = cited["year_to"].notna() & (
        cited["year_to"].fillna(9999) <= (year if year is not None else 9999)
    )
    if year is None:
        ended = cited["year_to"].notna()
    out = cited[begun & ~ended].copy()
    out["weight"] = out["capacity_class"].map(capacity).astype(float)
    return out[out["weight"] > 0].reset_index(drop=True)
