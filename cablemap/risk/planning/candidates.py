"""The analyst's candidate cables: a CSV file, read and checked before the planner sees it.

Columns: ``id``, ``from``, ``to`` (a landing point id or an ISO3 code each), optional
``route_km`` (the route length; without it the planner routes the link by sea), and any others
(kept as text). The file may come from a spreadsheet: a byte-order mark (Excel's "CSV UTF-8")
is read as such, and spaces around values are dropped.

Every row is checked and every problem is listed at once, each naming the file, the row
(numbered as in a spreadsheet: the header is row 1) and the field: ``id``, ``from`` and ``to`` are
required, ids are unique, the two ends differ (``TON,TON`` links a country to itself),
``route_km`` is a finite, positive number of km no longer than :data:`MAX_ROUTE_KM` (a
negative length would add to the budget), and no field is longer than :data:`MAX_FIELD`
characters. A file that is no regular file (a named pipe, a folder) is refused before it is
opened; bytes that are not UTF-8 are an error naming the byte, its offset and line.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from cablemap._errors import ScenarioError
from cablemap._files import read_bytes_regular
from cablemap._toml import decode_utf8

REQUIRED = ("id", "from", "to")
#: The longest value a field may hold (characters): ids and ends are short names.
MAX_FIELD = 1000
#: The longest candidate route (km): longer than any cable laid (SEA-ME-WE 3, ~39,000 km).
MAX_ROUTE_KM = 50_000.0
#: The largest candidates file read (bytes).
MAX_BYTES = 10 * 1024 * 1024
#: Problems listed in the message; the rest are counted.
_SHOWN = 50


def _text(raw: bytes, path: Path) -> str:
    return decode_utf8(raw, path, "candidates (CSV UTF-8)", ScenarioError)


def _long_fields(text: str, header: list[str]) -> list[str]:
    """List the fields longer than :data:`MAX_FIELD`, found on the raw lines.

    Before the CSV reader, which stops at 128 KB with an error naming no field.
    """
    problems = []
    for n, line in enumerate(text.splitlines(), start=1):
        if len(line) <= MAX_FIELD:
            continue
        for i, chunk in enumerate(line.split(",")):  # each chunk lies inside one field
            if len(chunk) > MAX_FIELD:
                named = header[i] if i < len(header) and '"' not in line else "?"
                problems.append(
                    f"row {n}, field {named!r} is {len(chunk):,} characters long "
                    f"(at most {MAX_FIELD:,})"
                )
    return problems


def _table(text: str, path: Path) -> list[tuple[int, dict[str, str], int]]:
    """Return the rows as ``(line, {column: stripped text}, values beyond the header)``."""
    first = text.split("\n", 1)[0][: MAX_FIELD * 10]
    header = [c.strip() for c in next(csv.reader([first]), [])]
    problems = _long_fields(text, header)
    if problems:
        raise ScenarioError(_listed(path, problems))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        msg = f"{str(path)!r}, row {reader.line_num}: not a readable CSV row ({exc})"
        raise ScenarioError(msg) from None
    if not records:
        msg = f"{str(path)!r} is empty: a candidates file needs a header {list(REQUIRED)}"
        raise ScenarioError(msg)
    header = [c.strip() for c in records[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        msg = (
            f"{str(path)!r}: column(s) {missing} missing; a candidates file has the columns "
            f"id, from, to and optionally route_km (found {header})"
        )
        raise ScenarioError(msg)
    rows = []
    for line, row in records[1:]:  # blank lines left out
        if not any(v.strip() for v in row):
            continue
        values = [v.strip() for v in row]
        extra = max(len(values) - len(header), 0)
        padded = values[: len(header)] + [""] * (len(header) - len(values))
        rows.append((line, dict(zip(header, padded, strict=True)), extra))
    return rows


def _listed(path: Path, problems: list[str]) -> str:
    more = f"\n  (+{len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
    return (
        f"{str(path)!r}: {len(problems)} problem(s) in the candidates:\n  - "
        + "\n  - ".join(problems[:_SHOWN])
        + more
    )


def _route_km(value: str) -> tuple[float | None, str | None]:
    """Read ``route_km``: ``(km or None when empty, problem or None)``."""
    if value == "":
        return None, None
    try:
        km = float(value.replace(",", "").replace("_", ""))
    except ValueError:
        return None, f"{value!r} is no number of km"
    if not math.isfinite(km):
        return None, f"{value!r} is not a finite length"
    if km <= 0:
        return None, f"{value!r} is not a positive length (a route has some km)"
    if km > MAX_ROUTE_KM:
        return None, f"{value!r} km is longer than any cable (at most {MAX_ROUTE_KM:,.0f})"
    return km, None


def _row(row: dict[str, str], seen: dict[str, int], n: int) -> tuple[dict[str, Any], list[str]]:
    """Check one row (file line ``n``): the candidate and its problems (``field 'x': ...``)."""
    problems = [
        f"field {key!r} is {len(value):,} characters long (at most {MAX_FIELD:,})"
        for key, value in row.items()
        if len(value) > MAX_FIELD
    ]
    if problems:
        return {}, problems
    problems += [f"field {key!r} is empty (required)" for key in REQUIRED if not row[key]]
    if row["id"] in seen:
        problems.append(f"field 'id': {row['id']!r} is also the id of row {seen[row['id']]}")
    seen.setdefault(row["id"], n)
    if row["from"] and row["from"].casefold() == row["to"].casefold():
        problems.append(
            f"fields 'from' and 'to' are both {row['from']!r}: a cable needs two different ends"
        )
    km, problem = _route_km(row.get("route_km", ""))
    if problem:
        problems.append(f"field 'route_km': {problem}")
    return {**row, "route_km": km}, problems


def read_candidates(path: str | Path) -> list[dict[str, Any]]:
    """Read and check an analyst's candidates file.

    Parameters
    ----------
    path
        A CSV file with ``id``, ``from``, ``to`` and optionally ``route_km`` (km).

    Returns
    -------
    list of dict
        One dict per row: every column as stripped text, except ``route_km`` (a float, or
        ``None`` where not given: the planner routes the link by sea).

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not UTF-8, lacks a required column or has no row, or
        any row breaks a rule (module docstring); every problem is listed, each naming the
        file, the row and the field.
    UnsafeFileError
        If the path is a named pipe, a folder or a device (refused before it is opened).

    Examples
    --------
    >>> from cablemap.risk.planning.candidates import read_candidates
    >>> read_candidates("my_links.csv")[0]  # doctest: +SKIP
    {'id': 'tonga-2', 'from': 'TON', 'to': 'FJI', 'route_km': 800.0}
    """
    path = Path(path)
    try:
        raw = read_bytes_regular(path, "candidates file", limit=MAX_BYTES)
    except OSError as exc:
        msg = f"{str(path)!r} could not be read: {exc.strerror or exc}"
        raise ScenarioError(msg) from None
    rows = _table(_text(raw, path), path)
    if not rows:
        msg = f"{str(path)!r} has a header but no candidate"
        raise ScenarioError(msg)
    candidates: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row, extra in rows:
        candidate, found = _row(row, seen, line)
        if extra:
            found.append(f"{extra} value(s) more than the header's {len(row)} columns")
        problems += [f"row {line}, {problem}" for problem in found]
        candidates.append(candidate)
    if problems:
        raise ScenarioError(_listed(path, problems))
    return candidates
