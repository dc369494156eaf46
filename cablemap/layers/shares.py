"""Who serves a market: each operator's share of a country's customers in a domain.

The cited table (``geodata/sample/operator_shares.csv``) has the columns ``iso3, domain,
operator, share, year, basis, source, source_date, notes``:

``domain``
    An exposure domain (:data:`cablemap.risk.model.spec.EXPOSURE_DOMAINS`; ``mobile`` in the
    embedded table).
``share``
    In [0, 1]; a country's shares of one domain and year add up to 1 (within 0.02).
``year``
    The year the figures describe (``unknown`` where the page does not say).
``basis``
    ``subscribers`` (a cited figure), ``equal_split`` (no figure found: the operators named
    share equally, the notes say what was searched) or ``hosted`` (virtual operators riding
    the others' networks: their share is spread over the host networks in proportion).

The exposure of a domain (:mod:`cablemap.risk.scoring.exposure`) weighs each operator's vendors
by its share, using the latest year at or before the year analysed (else the earliest).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from cablemap._errors import LayerValidationError
from cablemap.layers.footprints import FIRST_YEAR, check_dates, read_cited_table

__all__ = ["BASES", "SHARE_COLUMNS", "operator_shares_from_file"]

SHARE_COLUMNS = (
    "iso3",
    "domain",
    "operator",
    "share",
    "year",
    "basis",
    "source",
    "source_date",
    "notes",
)
BASES = ("subscribers", "equal_split", "hosted")
_DOMAINS = ("cables", "facilities", "cloud", "mobile", "government")
_TOLERANCE = 0.02


def operator_shares_from_file(path: str | Path, *, today: dt.date | None = None) -> pd.DataFrame:
    """Read and check an operator-share table.

    Parameters
    ----------
    path
        The CSV described in the module docstring.
    today
        Dates later than this are refused (default: today).

    Returns
    -------
    DataFrame
        :data:`SHARE_COLUMNS`; ``share`` float, ``year`` Int64 (missing where ``unknown``).

    Raises
    ------
    LayerValidationError
        Listing every problem, each naming file, row and field; and every country, domain and
        year whose shares do not add up to 1.
    """
    path = Path(path)
    frame = read_cited_table(path, "operator-share table", SHARE_COLUMNS)
    limit = today or dt.datetime.now(tz=dt.UTC).date()
    problems: list[str] = []
    for i, row in frame.iterrows():
        _check(row, f"{str(path)!r}, row {int(str(i)) + 2}", problems, limit)
    if problems:
        raise LayerValidationError("\n".join(problems))
    out = frame[list(SHARE_COLUMNS)].copy()
    out["share"] = out["share"].astype(float)
    out["year"] = pd.to_numeric(out["year"].where(out["year"] != "unknown"), errors="coerce")
    out["year"] = out["year"].astype("Int64")
    sums = out.groupby(["iso3", "domain", out["year"].fillna(-1)])["share"].sum()
    bad = sums[(sums - 1).abs() > _TOLERANCE]
    if len(bad):
        lines = [
            f"{str(path)!r}: shares of {iso} {domain} {'unknown year' if y < 0 else y} add up "
            f"to {total:.3f}, not 1"
            for (iso, domain, y), total in bad.items()
        ]
        raise LayerValidationError("\n".join(lines))
    return out


def _check(row: pd.Series, where: str, problems: list[str], today: dt.date) -> None:
    """Check one share row; append problems."""
    if not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
        problems.append(f"{where}, field 'iso3': {row['iso3']!r} is no ISO3 code")
    if row["domain"] not in _DOMAINS:
        problems.append(
            f"{where}, field 'domain': {row['domain']!r} is not one of {list(_DOMAINS)}"
        )
    if not row["operator"].strip():
        problems.append(f"{where}, field 'operator': empty")
    try:
        share = float(row["share"])
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        problems.append(f"{where}, field 'share': {row['share']!r} is not a number in [0, 1]")
    year = row["year"].strip()
    if year != "unknown" and not (year.isdigit() and FIRST_YEAR <= int(year) <= today.year):
        problems.append(f"{where}, field 'year': {year!r} is not a year (or 'unknown')")
    if row["basis"] not in BASES:
        problems.append(f"{where}, field 'basis': {row['basis']!r} is not one of {list(BASES)}")
    source = row["source"].strip()
    if row["basis"] != "equal_split" and not source:
        problems.append(f"{where}, field 'source': a cited share needs a source")
    elif source and not re.match(r"https?://\S+$", source):
        problems.append(f"{where}, field 'source': {source!r} is not an http(s) URL")
    if row["basis"] == "equal_split" and not row["notes"].strip():
        problems.append(f"{where}, field 'notes': an equal split must say what was searched")
    check_dates(
        pd.Series({"status_from": "", "status_to": "", "source_date": row["source_date"]}),
        where,
        problems,
        today,
    )
