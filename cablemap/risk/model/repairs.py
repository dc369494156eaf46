"""The cited tables of the repair model: maintenance zones, non-cable backups, real repairs.

Three CSV files of ``risk_models/`` (each row cites its source: ``source_url``, ``source_date``):

``repair_zones.csv``
    The cable maintenance zones and fleets of the region (SEAIOCMA, the Yokohama Zone, SPMMA...).
    ``model_zone`` names the repair time of the fault model (``[repair.zones.<id>]`` of
    ``faults-v2.toml``, or ``default``) that faults in the row's waters take;
    ``assigned_countries`` (ISO3, ``;``-separated, each country in one row at most) and ``area``
    (``west south east north`` in degrees; ``west > east`` crosses the antimeridian) say which
    waters those are (the rule is :func:`cablemap.risk.hazards.rates.fault_rates`'s).
``backups.csv``
    Cited non-cable links (Matsu's microwave): landing points of ``iso3`` within ``radius_km``
    of ``lon``/``lat`` are *degraded*, not cut off, while they have no submarine path.
``repair_events.csv``
    Real faults and outages with their days cut off and to repair; the backtests
    (:mod:`cablemap.risk.simulation.backtests`) compare them with the model.

Each reader checks its file and names the file, the row (as a spreadsheet numbers it, the header
being row 1) and the field of any problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cablemap._errors import RiskSpecError

ZONES_FILE = "repair_zones.csv"
BACKUPS_FILE = "backups.csv"
EVENTS_FILE = "repair_events.csv"
DEFAULT_ZONE = "default"

_ISO3 = re.compile(r"^[A-Z]{3}$")
_YEAR = re.compile(r"^(\d{4})")
_SOURCE_COLUMNS = ("source_url", "source_date")
ZONE_COLUMNS = (
    "zone_id",
    "model_zone",
    "name",
    "agreement",
    "members_or_area",
    "countries_named",
    "assigned_countries",
    "area",
    "area_note",
    "ship_bases",
    "repair_ships",
    "typical_mobilisation_days",
    "permit_delay_note",
    *_SOURCE_COLUMNS,
    "notes",
)
BACKUP_COLUMNS = (
    "backup_id",
    "place",
    "iso3",
    "lon",
    "lat",
    "radius_km",
    "backup",
    "capacity_gbps",
    "peak_gbps",
    "as_of",
    *_SOURCE_COLUMNS,
    "notes",
)
EVENT_COLUMNS = (
    "event_id",
    "event",
    "kind",
    "backtest",
    "country",
    "cables",
    "cause",
    "fault_date",
    "restored_date",
    "days_cut_off",
    "days_to_repair",
    "cables_cut",
    "backup",
    *_SOURCE_COLUMNS,
    "notes",
)
EVENT_KINDS = ("cable_fault", "landing_station", "domestic")


@dataclass(frozen=True)
class ZoneArea:
    """Which waters take a zone's repair time (a row of ``repair_zones.csv``).

    Attributes
    ----------
    zone_id, model_zone
        The row, and the repair time of the fault model its waters take.
    countries
        Countries whose waters (near their landing points) take it.
    bbox
        ``(west, south, east, north)`` degrees, or ``None``; west > east crosses the antimeridian.
    """

    zone_id: str
    model_zone: str
    countries: frozenset[str]
    bbox: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class Backup:
    """A cited non-cable link (a row of ``backups.csv``).

    Attributes
    ----------
    backup_id, place, iso3
        The row, the place it serves and its country.
    lon, lat, radius_km
        Landing points of ``iso3`` this close (km) to the point have the backup.
    backup
        What it is.
    capacity_gbps, peak_gbps
        Its capacity and the place's peak traffic, each ``(low, high)``.
    as_of
        When the figures held.
    """

    backup_id: str
    place: str
    iso3: str
    lon: float
    lat: float
    radius_km: float
    backup: str
    capacity_gbps: tuple[float, float]
    peak_gbps: tuple[float, float]
    as_of: str

    @property
    def capacity_share(self) -> tuple[float, float]:
        """The backup's capacity as a share of peak traffic (lowest, highest)."""
        return self.capacity_gbps[0] / self.peak_gbps[1], self.capacity_gbps[1] / self.peak_gbps[0]


def _err(file: Path, row: int, key: str, problem: str) -> RiskSpecError:
    return RiskSpecError(f"{str(file)!r}, row {row}, key {key!r}: {problem}")


def _rows(file: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    """Read a CSV whose header must hold ``columns`` (more are refused too: a typo shows)."""
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except OSError as exc:
        msg = f"{str(file)!r} could not be read: {exc.strerror or exc}"
        raise RiskSpecError(msg) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        msg = f"{str(file)!r} is not a readable CSV: {exc}"
        raise RiskSpecError(msg) from None
    expected = list(columns)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        msg = (
            f"{str(file)!r}: the header must be {expected}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unknown {extra}" if extra else "")
        )
        raise RiskSpecError(msg)
    for n, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            msg = f"{str(file)!r}, row {n}: {len(header)} fields expected"
            raise RiskSpecError(msg)
    return rows


def check_source(file: Path, row: int, record: dict[str, str], *, today: dt.date) -> None:
    """Check a row's citation: an http(s) URL and a date that starts with a plausible year.

    Raises
    ------
    RiskSpecError
        Naming the file, the row and the field.
    """
    url = record["source_url"].strip()
    if not url.startswith(("https://", "http://")) or " " in url:
        raise _err(file, row, "source_url", f"{url!r} is not an http(s) URL")
    year = _YEAR.match(record["source_date"].strip())
    if not year or not 1950 <= int(year.group(1)) <= today.year:
        raise _err(
            file,
            row,
            "source_date",
            f"{record['source_date']!r} must start with a year from 1950 to {today.year}",
        )


def _unique_id(file: Path, n: int, key: str, value: str, seen: set[str]) -> str:
    value = value.strip()
    if not value or value in seen:
        raise _err(file, n, key, f"{value!r} is empty or listed twice")
    seen.add(value)
    return value


def _bbox(file: Path, n: int, text: str) -> tuple[float, float, float, float] | None:
    if not text.strip():
        return None
    try:
        west, south, east, north = (float(v) for v in text.split())
    except ValueError:
        raise _err(file, n, "area", f"{text!r} is not 'west south east north' in degrees") from None
    if not all(-180 <= v <= 180 for v in (west, east)) or not -90 <= south < north <= 90:
        raise _err(file, n, "area", f"{text!r}: longitudes in [-180, 180], south < north")
    return west, south, east, north


def read_repair_zones(
    path: str | Path, model_zones: Iterable[str], *, today: dt.date | None = None
) -> tuple[pd.DataFrame, tuple[ZoneArea, ...]]:
    """Read and check ``repair_zones.csv``.

    Parameters
    ----------
    path
        The table.
    model_zones
        The repair times the fault model defines (``default`` always exists).
    today
        The latest plausible source date (default: today).

    Returns
    -------
    tuple
        The table as read (every column, text), and each row's :class:`ZoneArea`.

    Raises
    ------
    RiskSpecError
        Naming the file, the row and the field: a wrong header, an empty or repeated
        ``zone_id``, an unknown ``model_zone``, a country code that is not ISO3 or is assigned
        twice, a malformed ``area``, a source that is not an http(s) URL or a date that is not
        plausible.
    """
    file = Path(path)
    today = today or dt.date.today()
    known = {DEFAULT_ZONE, *model_zones}
    rows = _rows(file, ZONE_COLUMNS)
    seen: set[str] = set()
    assigned: dict[str, str] = {}
    areas = []
    for n, row in enumerate(rows, start=2):
        zone_id = _unique_id(file, n, "zone_id", row["zone_id"], seen)
        model_zone = row["model_zone"].strip()
        if model_zone not in known:
            raise _err(file, n, "model_zone", f"{model_zone!r} is not one of {sorted(known)}")
        countries = [c.strip() for c in row["assigned_countries"].split(";") if c.strip()]
        for country in countries:
            if not _ISO3.match(country):
                raise _err(file, n, "assigned_countries", f"{country!r} is not an ISO3 code")
            if country in assigned:
                raise _err(
                    file,
                    n,
                    "assigned_countries",
                    f"{country} is already assigned to {assigned[country]!r}",
                )
            assigned[country] = zone_id
        check_source(file, n, row, today=today)
        areas.append(
            ZoneArea(zone_id, model_zone, frozenset(countries), _bbox(file, n, row["area"]))
        )
    return pd.DataFrame(rows, columns=list(ZONE_COLUMNS)), tuple(areas)


def _range(file: Path, n: int, key: str, text: str) -> tuple[float, float]:
    """Parse ``"2.2"`` or ``"8-9"`` into (low, high), both positive."""
    parts = text.strip().split("-")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise _err(file, n, key, f"{text!r} is not a number or a range like '8-9'") from None
    if len(values) not in (1, 2) or min(values) <= 0 or values[0] > values[-1]:
        raise _err(file, n, key, f"{text!r} must be a positive number or a range low-high")
    return values[0], values[-1]


def _number(file: Path, n: int, key: str, text: str, bounds: tuple[float, float]) -> float:
    low, high = bounds
    try:
        value = float(text)
    except ValueError:
        raise _err(file, n, key, f"{text!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _err(file, n, key, f"{value!r} must be in [{low:g}, {high:g}]")
    return value


def read_backups(path: str | Path, *, today: dt.date | None = None) -> tuple[Backup, ...]:
    """Read and check ``backups.csv``.

    Parameters
    ----------
    path
        The table.
    today
        The latest plausible source date (default: today).

    Returns
    -------
    tuple of Backup
        One per row, in the file's order.

    Raises
    ------
    RiskSpecError
        Naming the file, the row and the field.
    """
    file = Path(path)
    today = today or dt.date.today()
    seen: set[str] = set()
    out = []
    for n, row in enumerate(_rows(file, BACKUP_COLUMNS), start=2):
        backup_id = _unique_id(file, n, "backup_id", row["backup_id"], seen)
        iso3 = row["iso3"].strip()
        if not _ISO3.match(iso3):
            raise _err(file, n, "iso3", f"{iso3!r} is not an ISO3 code")
        check_source(file, n, row, today=today)
        out.append(
            Backup(
                backup_id=backup_id,
                place=row["place"].strip(),
                iso3=iso3,
                lon=_number(file, n, "lon", row["lon"], (-180.0, 180.0)),
                lat=_number(file, n, "lat", row["lat"], (-90.0, 90.0)),
                radius_km=_number(file, n, "radius_km", row["radius_km"], (0.1, 1000.0)),
                backup=row["backup"].strip(),
                capacity_gbps=_range(file, n, "capacity_gbps", row["capacity_gbps"]),
                peak_gbps=_range(file, n, "peak_gbps", row["peak_gbps"]),
                as_of=row["as_of"].strip(),
            )
        )
    return tuple(out)


def parse_days(text: str) -> tuple[float, float] | None:
    """Read a day count of the events table: ``"12"``, ``"~95"``, ``"21-26"``; ``None`` if blank.

    Returns
    -------
    tuple or None
        ``(low, high)`` days; equal for a single figure.
    """
    text = text.strip().lstrip("~")
    if not text or text == "unknown":
        return None
    parts = [float(p) for p in text.split("-")]
    return parts[0], parts[-1]


def read_repair_events(path: str | Path, *, today: dt.date | None = None) -> pd.DataFrame:
    """Read and check ``repair_events.csv`` (the real repairs the backtests use).

    Parameters
    ----------
    path
        The table.
    today
        The latest plausible source date (default: today).

    Returns
    -------
    DataFrame
        Every column as text, plus ``days_cut_off_range`` and ``days_to_repair_range``
        (``(low, high)`` or ``None``) and ``countries`` (list of ISO3).

    Raises
    ------
    RiskSpecError
        Naming the file, the row and the field: a repeated ``event_id``, an unknown ``kind``, a
        ``backtest`` other than yes/no, a country that is not ISO3, a day count that is not a
        number, ``~number`` or a range, a bad source.
    """
    file = Path(path)
    today = today or dt.date.today()
    rows = _rows(file, EVENT_COLUMNS)
    seen: set[str] = set()
    out = []
    for n, row in enumerate(rows, start=2):
        _unique_id(file, n, "event_id", row["event_id"], seen)
        if row["kind"] not in EVENT_KINDS:
            raise _err(file, n, "kind", f"{row['kind']!r} is not one of {list(EVENT_KINDS)}")
        if row["backtest"] not in ("yes", "no"):
            raise _err(file, n, "backtest", f"{row['backtest']!r} must be yes or no")
        countries = row["country"].split(";")
        if not all(_ISO3.match(c) for c in countries):
            raise _err(file, n, "country", f"{row['country']!r} is not ISO3 codes split by ';'")
        parsed = {}
        for key in ("days_cut_off", "days_to_repair"):
            try:
                parsed[f"{key}_range"] = parse_days(row[key])
            except ValueError:
                raise _err(file, n, key, f"{row[key]!r} is not days, ~days or a range") from None
        check_source(file, n, row, today=today)
        out.append({**row, "countries": countries, **parsed})
    return pd.DataFrame(
        out, columns=[*EVENT_COLUMNS, "countries", "days_cut_off_range", "days_to_repair_range"]
    )
