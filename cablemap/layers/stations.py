"""Who runs a landing station and whose terminal equipment is in it, as footprint rows.

The cited table (``geodata/sample/landing_station_operators.csv``; one row per station and
role) has the columns ``iso3, station, town, cables, operator, role, vendor, status,
status_from, status_to, source_url, source_date, notes``:

``role = station_operator``
    ``operator`` runs (or is the landing party of) the station: a footprint row of domain
    ``landing_station_operation`` whose operator and vendor are that company (a vendor registry
    name where the registry knows it, so that its tier applies; otherwise the name as written,
    which the vendor profile rates ``unrated``).
``role = slte_vendor``
    ``vendor`` supplied the station's submarine line terminal equipment (or built the system
    turnkey; the notes say which): a row of domain ``slte_supply`` whose operator is the
    station.

Several names in one field are separated by ``;`` (a station run jointly): one row each.
Rows of status ``unknown`` record what was searched and are not evidence.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cablemap._errors import LayerValidationError
from cablemap.layers.footprints import (
    COLUMNS,
    STATUSES,
    check_dates,
    complete,
    read_cited_table,
    year_of,
)
from cablemap.layers.vendors import canonical_vendor

if TYPE_CHECKING:
    from cablemap._validate import LoadReport

__all__ = ["STATION_COLUMNS", "footprints_from_stations"]

STATION_COLUMNS = (
    "iso3",
    "station",
    "town",
    "cables",
    "operator",
    "role",
    "vendor",
    "status",
    "status_from",
    "status_to",
    "source_url",
    "source_date",
    "notes",
)
_ROLES = {"station_operator": "landing_station_operation", "slte_vendor": "slte_supply"}


def footprints_from_stations(
    path: str | Path, *, report: LoadReport | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Read the landing-station table as footprint rows (:data:`~.footprints.COLUMNS`).

    Parameters
    ----------
    path
        The CSV described in the module docstring.
    report
        Counts names the vendor registry does not know (kept as written, rated ``unrated``).
    today
        Dates later than this are refused (default: today).

    Raises
    ------
    LayerValidationError
        Listing every problem, each naming file, row and field.
    """
    path = Path(path)
    frame = read_cited_table(path, "landing-station table", STATION_COLUMNS)
    limit = today or dt.datetime.now(tz=dt.UTC).date()
    problems: list[str] = []
    rows: list[dict[str, object]] = []
    unregistered: set[str] = set()
    for i, rec in frame.iterrows():
        where = f"{str(path)!r}, row {int(str(i)) + 2}"
        if _check(rec, where, problems, limit):
            rows.extend(_rows(rec, unregistered))
    if problems:
        raise LayerValidationError("\n".join(problems))
    if report is not None and unregistered:
        report.count(
            "station operators/vendors not in the vendor registry (unrated)", len(unregistered)
        )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "year"])
    out["year"] = pd.array([year_of(d) for d in out["status_from"]], dtype="Int64")
    return complete(out)


def _check(rec: pd.Series, where: str, problems: list[str], today: dt.date) -> bool:
    """Check one station row; append problems; whether it can be read."""
    before = len(problems)
    if rec["role"] not in _ROLES:
        problems.append(f"{where}, field 'role': {rec['role']!r} is not one of {list(_ROLES)}")
    if rec["status"] not in STATUSES:
        problems.append(
            f"{where}, field 'status': {rec['status']!r} is not one of {list(STATUSES)}"
        )
    if len(rec["iso3"]) != 3 or not rec["iso3"].isupper():
        problems.append(f"{where}, field 'iso3': {rec['iso3']!r} is no ISO3 code")
    if not rec["source_url"].startswith(("http://", "https://")):
        problems.append(f"{where}, field 'source_url': {rec['source_url']!r} is not an http(s) URL")
    if rec["status"] == "unknown" and not rec["notes"].strip():
        problems.append(f"{where}, field 'notes': an 'unknown' row must say what was searched")
    check_dates(rec, where, problems, today)
    return len(problems) == before


def _rows(rec: pd.Series, unregistered: set[str]) -> list[dict[str, object]]:
    """Return the footprint rows of one station row (one per named company)."""
    domain = _ROLES[rec["role"]]
    field = "operator" if domain == "landing_station_operation" else "vendor"
    names = [n.strip() for n in rec[field].split(";") if n.strip() and n.strip() != "unknown"]
    status = rec["status"] if names else "unknown"
    place = f"{rec['station']} ({rec['town']})" if rec["town"] else rec["station"]
    base = {
        "iso3": rec["iso3"],
        "domain": domain,
        "status": status,
        "status_from": rec["status_from"].strip(),
        "status_to": rec["status_to"].strip(),
        "source": rec["source_url"].strip(),
        "source_date": rec["source_date"].strip(),
        "notes": f"{place}: {rec['notes']}",
    }
    if not names:
        return [{**base, "operator": place, "vendor": ""}]
    out = []
    for name in names:
        vendor, known = canonical_vendor(name)
        if not known:
            unregistered.add(name)
        operator = vendor if field == "operator" else place
        out.append({**base, "operator": operator, "vendor": vendor})
    return out
