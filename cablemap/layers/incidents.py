"""Real cable faults: the incident list of smc.peering.tw (Taiwan's submarine cables).

Schema (DataFrame, one row per reported incident, in the order of the file):
``incident_id`` (``<file name>:<position>``), ``date`` (UTC), ``cable_slug`` (the list's short
id: ``tpe``, ``apg``, ``twtm2``...), ``segment``, ``status`` (``disconnected``,
``partial_disconnected``, ``notice``), ``reason`` (``unknown``, ``fishing``, ``sabotage``,
``earthquake``, ``maintenance``, ``equipment``, ``land``), ``title``, ``repair_start`` and
``resolved`` (UTC, NaT where not given), ``lon`` and ``lat`` (the first position written in
the description in degrees and minutes, NaN where none), ``wet`` (a fault of the wet plant:
the reason is not maintenance, equipment or land, and the text does not place it on a land
section), ``repair_days`` (resolved minus date; NaN where not resolved or resolved before the
fault, which the report lists).

The file (``seadog007/smc.peering.tw``, MIT) is a JSON list of objects with ``date``,
``status``, ``reason``, ``cableid``, ``segment``, ``title``, ``description``, ``reparing_at``
and ``resolved_at``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cablemap._errors import EmptyLayerError, SourceFormatError
from cablemap._files import read_text_regular
from cablemap._validate import LoadReport

logger = logging.getLogger(__name__)

#: Reasons that are not a fault of the cable at sea.
DRY_REASONS = frozenset({"maintenance", "equipment", "land"})
#: Words placing an incident on a land section ("陸上段": land section).
LAND_WORDS = ("陸上段", "陸上")
_REQUIRED = ("date", "cableid", "reason", "status")
#: The first submarine telegraph cable (Dover-Calais, 1850): no cable fault is older.
FIRST_CABLE = pd.Timestamp("1850-01-01", tz="UTC")
#: The shortest span of dates (days) a fault rate is computed over.
MIN_WINDOW_DAYS = 30.0
# 23°58.1688'N 122°30.0804'E; minutes marked by an apostrophe, a prime (U+2032) or a right
# quote (U+2019); the data also has a Cyrillic capital IE (U+0415) for the E
_MINUTES = "'\u2032\u2019"
_POSITION = re.compile(
    rf"(\d{{1,2}})\s*°\s*(\d{{1,2}}(?:\.\d+)?)\s*[{_MINUTES}]?\s*N\s*[,\u3001]?\s*"
    rf"(\d{{1,3}})\s*°\s*(\d{{1,2}}(?:\.\d+)?)\s*[{_MINUTES}]?\s*[E\u0415]"
)


def _position(text: str) -> tuple[float, float]:
    """Find the first ``dd°mm.mm'N ddd°mm.mm'E`` in a text: (lon, lat), or NaNs."""
    found = _POSITION.search(text or "")
    if not found:
        return np.nan, np.nan
    lat_d, lat_m, lon_d, lon_m = (float(g) for g in found.groups())
    return lon_d + lon_m / 60.0, lat_d + lat_m / 60.0


def _time(value: object) -> pd.Timestamp:
    if not isinstance(value, str) or not value.strip():
        return pd.NaT
    try:
        return pd.Timestamp(value).tz_convert("UTC")
    except (ValueError, TypeError):
        try:
            return pd.Timestamp(value).tz_localize("UTC")
        except (ValueError, TypeError):
            return pd.NaT


def cable_faults_from_smc(path: str | Path, *, report: LoadReport | None = None) -> pd.DataFrame:
    """Read the smc.peering.tw incident list.

    Parameters
    ----------
    path
        The JSON file (``taiwan-smc-incidents.json``).
    report
        Where records that cannot be used are listed (file, record, field).

    Returns
    -------
    DataFrame
        One row per incident with a date and a cable (schema in the module docstring).

    Raises
    ------
    SourceFormatError
        If the file is missing, not JSON, or not a list of incident objects.
    UnsafeFileError
        If it is a named pipe, a folder or a device (refused before it is opened).
    EmptyLayerError
        If no incident has a usable date and cable.

    Examples
    --------
    >>> from cablemap.layers.incidents import cable_faults_from_smc
    >>> faults = cable_faults_from_smc("taiwan-smc-incidents.json")  # doctest: +SKIP
    >>> int(faults["wet"].sum())  # doctest: +SKIP
    60
    """
    path = Path(path)
    report = LoadReport() if report is None else report
    try:
        data = json.loads(read_text_regular(path, "incident list"))
    except FileNotFoundError:
        msg = f"incident list {str(path)!r} does not exist"
        raise SourceFormatError(msg) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        msg = f"{str(path)!r} is not a readable JSON incident list: {exc}"
        raise SourceFormatError(msg) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        msg = f"{str(path)!r}: expected a JSON list of incident objects"
        raise SourceFormatError(msg)
    rows = []
    for i, record in enumerate(data):
        where = f"{path.name}:{i}"
        missing = [k for k in _REQUIRED if not isinstance(record.get(k), str) or not record[k]]
        date = _time(record.get("date"))
        if missing or pd.isna(date):
            fld = missing[0] if missing else "date"
            report.add("error", str(path), where, fld, f"missing or unreadable {fld}; skipped")
            continue
        text = f"{record.get('title', '')} {record.get('description', '')}"
        resolved = _time(record.get("resolved_at"))
        repair = (resolved - date).total_seconds() / 86400.0 if pd.notna(resolved) else np.nan
        if np.isfinite(repair) and repair < 0:
            report.add(
                "warning",
                str(path),
                where,
                "resolved_at",
                f"resolved {record.get('resolved_at')!r} before the fault "
                f"({record.get('date')!r}): repair time read as missing",
            )
            repair = np.nan
        lon, lat = _position(str(record.get("description", "")))
        reason = str(record["reason"])
        rows.append(
            {
                "incident_id": where,
                "date": date,
                "cable_slug": str(record["cableid"]).strip(),
                "segment": str(record.get("segment") or ""),
                "status": str(record["status"]),
                "reason": reason,
                "title": str(record.get("title") or ""),
                "repair_start": _time(record.get("reparing_at")),
                "resolved": resolved,
                "lon": lon,
                "lat": lat,
                "wet": reason not in DRY_REASONS and not any(w in text for w in LAND_WORDS),
                "repair_days": repair,
            }
        )
    if not rows:
        msg = f"{str(path)!r}: no incident with a date and a cable"
        raise EmptyLayerError(msg)
    frame = pd.DataFrame(rows)
    frame.attrs["source"] = str(path)
    report.count("incidents loaded", len(frame))
    logger.info("Loaded %d incidents from %r", len(frame), str(path))
    return frame


def _dated(frame: pd.DataFrame, mask: pd.Series) -> str:
    shown = [
        f"{row.incident_id!r} ({row.date:%Y-%m-%d})" for row in frame[mask].head(5).itertuples()
    ]
    more = f" (+{int(mask.sum()) - 5} more)" if mask.sum() > 5 else ""
    return ", ".join(shown) + more


def observation_window(
    incidents: pd.DataFrame, *, now: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp, float]:
    """Return the span of an incident list's dates that a fault rate may be computed over.

    Parameters
    ----------
    incidents
        :func:`cable_faults_from_smc` (its ``attrs["source"]`` names the file).
    now
        Today (UTC); default the clock.

    Returns
    -------
    tuple
        ``(first, last, years)``: the first and last incident dates and the span in years.

    Raises
    ------
    SourceFormatError
        If the list has fewer than two incidents, an incident dated before 1850 (the first
        submarine cable) or after today, or spans fewer than 30 days: no rate can be read
        from it. The message names the file, the incidents (``file:position``) and ``date``.
    """
    source = repr(str(incidents.attrs.get("source", "the incident list")))
    if len(incidents) < 2:
        msg = (
            f"{source}: {len(incidents)} incident(s) with a date and a cable; a fault rate "
            "needs at least two, over a span of dates"
        )
        raise SourceFormatError(msg)
    dates = incidents["date"]
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    problems = []
    early = dates < FIRST_CABLE
    if early.any():
        problems.append(f"dated before 1850, the first submarine cable: {_dated(incidents, early)}")
    late = dates > now + pd.Timedelta(days=1)
    if late.any():
        problems.append(f"dated after today ({now:%Y-%m-%d}): {_dated(incidents, late)}")
    if problems:
        msg = (
            f"{source}, field 'date': incident(s) "
            + "; ".join(problems)
            + (". A fault rate needs the real dates: correct or remove them")
        )
        raise SourceFormatError(msg)
    first, last = dates.min(), dates.max()
    days = (last - first).total_seconds() / 86400.0
    if days < MIN_WINDOW_DAYS:
        msg = (
            f"{source}: the incidents span {days:.1f} days ({first:%Y-%m-%d} to "
            f"{last:%Y-%m-%d}); a fault rate needs at least {MIN_WINDOW_DAYS:.0f} days of records"
        )
        raise SourceFormatError(msg)
    return first, last, days / 365.25
