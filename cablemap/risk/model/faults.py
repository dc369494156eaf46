"""The fault model file: fault rates, events that cut several cables, repair times by zone.

``risk_models/faults-v2.toml`` holds every constant of the fault model: background rates per
1,000 km and the coastal zone; the share of faults that come as dragged-anchor events and the
size of an anchor's reach; earthquake break chances and how many of the cables near an
earthquake it breaks together; rare events of a chokepoint (``[chokepoint_events.<id>]``);
repair times (a default lognormal and one per maintenance zone, ``[repair.zones.<id>]``, with
the waters each applies to in ``repair_zones.csv``); the cited non-cable backups; simulation
defaults. :func:`load_fault_model` reads and checks it (and the tables it names), naming the
file and the key of any problem. ``faults-v1.toml`` (one repair time for the world, no anchor
or chokepoint events, independent earthquake breaks) still reads.

How the constants become rates per segment is :mod:`cablemap.risk.hazards.rates`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cablemap._errors import RiskSpecError
from cablemap._resources import risk_models_path
from cablemap._toml import TomlFile
from cablemap.risk.model.repairs import (
    DEFAULT_ZONE,
    Backup,
    ZoneArea,
    read_backups,
    read_repair_zones,
)

logger = logging.getLogger(__name__)

DEFAULT_FAULTS_FILE = "faults-v2.toml"
DAYS_PER_YEAR = 365.0

_Bounds = dict[str, tuple[float, float]]
_REPAIR: _Bounds = {"median_days": (0.01, 3650.0), "sigma": (0.0, 5.0), "max_days": (0.01, 3650.0)}
#: Required numeric keys: ``{table: {key: (low, high)}}`` (inclusive bounds).
_KEYS: dict[str, _Bounds] = {
    "rates": {
        "base_per_1000km": (0.0, 100.0),
        "coastal_km": (0.0, 2000.0),
        "coastal_factor": (1.0, 1000.0),
    },
    "seismic": {
        "radius_km": (1.0, 1000.0),
        "reference_magnitude": (0.0, 10.0),
        "break_probability": (0.0, 1.0),
        "magnitude_scaling": (0.0, 5.0),
        "max_depth_km": (0.0, 800.0),
    },
    "repair": _REPAIR,
    "simulation": {
        "years": (1, 100_000_000),
        "seed": (0, 2**63 - 1),
        "block_years": (1, 1_000_000),
        "sample_km": (0.5, 500.0),
    },
}
#: Optional keys with their bounds and the value when absent (the v1 behaviour).
_OPTIONAL: dict[str, dict[str, tuple[float, float, float | None]]] = {
    "anchors": {"share": (0.0, 1.0, 0.0), "cell_km": (0.1, 1000.0, 20.0)},
    "seismic": {"cut_share": (0.01, 1.0, None)},
    "repair": {"waters_km": (0.0, 5000.0, 370.4)},
}
_CHOKEPOINT: _Bounds = {"events_per_year": (0.0, 100.0), "cut_probability": (0.0, 1.0)}
_TABLES = ("model", "rates", "anchors", "seismic", "chokepoint_events", "repair", "simulation")
_MODEL_KEYS = ("name", "description", "zone_table", "backups")
_INTEGERS = frozenset({"years", "seed", "block_years"})


@dataclass(frozen=True)
class RepairTime:
    """A lognormal repair time in days, capped.

    Attributes
    ----------
    zone
        The zone it applies to (``default``: everywhere no zone claims).
    median_days, sigma, max_days
        Median (days), shape (sigma of ln days) and cap.
    basis
        Where the numbers come from (sources, or ``modelled: ...``).
    """

    zone: str
    median_days: float
    sigma: float
    max_days: float
    basis: str = ""

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` repair times (days)."""
        if self.sigma:
            days = rng.lognormal(math.log(self.median_days), self.sigma, n)
        else:
            days = np.full(n, self.median_days)
        return np.minimum(days, self.max_days)

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile in days (``0 < q < 1``)."""
        z = math.sqrt(2.0) * _erfinv(2.0 * q - 1.0)
        return min(self.median_days * math.exp(self.sigma * z), self.max_days)

    def cdf(self, days: float) -> float:
        """Return the share of repairs done within ``days``."""
        if days >= self.max_days:
            return 1.0
        if days <= 0:
            return 0.0
        if self.sigma == 0:
            return float(days >= self.median_days)
        return _phi((math.log(days) - math.log(self.median_days)) / self.sigma)

    def mean(self) -> float:
        """Mean repair time (days) of the capped lognormal, in closed form."""
        mu, s, cap = math.log(self.median_days), self.sigma, self.max_days
        if s == 0:
            return min(self.median_days, cap)
        z = (math.log(cap) - mu) / s
        below = math.exp(mu + s * s / 2.0) * _phi(z - s)
        return below + cap * (1.0 - _phi(z))


@dataclass(frozen=True)
class ChokepointEvents:
    """Rare events of one chokepoint that cut many of the cables crossing it.

    Attributes
    ----------
    chokepoint_id
        A chokepoint of ``chokepoints.geojson``.
    events_per_year
        How often.
    cut_probability
        The chance that an event cuts each cable crossing the chokepoint.
    basis
        The cited figures behind both.
    """

    chokepoint_id: str
    events_per_year: float
    cut_probability: float
    basis: str


@dataclass(frozen=True)
class FaultModel:
    """A checked fault model (``risk_models/faults-v2.toml``).

    Attributes
    ----------
    name, description, path
        Identity of the model and the file it was read from.
    base_per_1000km, coastal_km, coastal_factor
        Background faults per 1,000 km a year; the reach (km) of the coastal zone around
        landing points and how many times the base rate applies there.
    radius_km, reference_magnitude, break_probability, magnitude_scaling, max_depth_km
        Earthquakes: how close to a route (km) they count; the chance that one of the reference
        magnitude breaks a cable; its growth per magnitude unit (a power of 10); the deepest
        events counted where the catalogue gives depths.
    median_days, sigma, max_days
        The default repair time: lognormal median (days) and shape, and its cap.
    years, seed, block_years, sample_km
        Simulation defaults: years, seed, years per random block, route sampling step (km).
    anchor_share, anchor_cell_km
        The share of background faults that come as dragged-anchor events, and the size (km)
        of the cells an event cuts every cable of (0: no anchor events).
    cut_share
        Of the cables within ``radius_km`` of an earthquake that breaks cables, the share it
        breaks (``None``: each cable independently, as in v1).
    chokepoint_events
        Rare events per chokepoint.
    zones
        Repair times by maintenance zone (the default one apart).
    waters_km, zone_areas, zone_table
        How far from a landing point a country's waters reach, which waters each zone covers
        (``repair_zones.csv``) and the table's path.
    backups, backups_file
        Cited non-cable backups (``backups.csv``) and the file's path.
    repair_basis
        Where the default repair time comes from.
    """

    name: str
    description: str
    path: str
    base_per_1000km: float
    coastal_km: float
    coastal_factor: float
    radius_km: float
    reference_magnitude: float
    break_probability: float
    magnitude_scaling: float
    max_depth_km: float
    median_days: float
    sigma: float
    max_days: float
    years: int
    seed: int
    block_years: int
    sample_km: float
    anchor_share: float = 0.0
    anchor_cell_km: float = 20.0
    cut_share: float | None = None
    chokepoint_events: tuple[ChokepointEvents, ...] = ()
    zones: tuple[RepairTime, ...] = ()
    waters_km: float = 370.4
    zone_areas: tuple[ZoneArea, ...] = ()
    zone_table: str | None = None
    backups: tuple[Backup, ...] = ()
    backups_file: str | None = None
    repair_basis: str = ""

    @property
    def default_repair(self) -> RepairTime:
        """The repair time where no zone applies."""
        return RepairTime(
            DEFAULT_ZONE, self.median_days, self.sigma, self.max_days, self.repair_basis
        )

    @property
    def repair_times(self) -> tuple[RepairTime, ...]:
        """Every repair time: the default first, then the zones in the file's order."""
        return (self.default_repair, *self.zones)

    def repair_for(self, zone: str) -> RepairTime:
        """Return the repair time of a zone (``default`` included)."""
        for repair in self.repair_times:
            if repair.zone == zone:
                return repair
        msg = f"zone {zone!r} is not one of {[r.zone for r in self.repair_times]}"
        raise KeyError(msg)

    @property
    def longest_repair_days(self) -> float:
        """The largest cap of any repair time (how far back a year's faults may start)."""
        return max(r.max_days for r in self.repair_times)

    def break_probabilities(self, magnitudes: np.ndarray) -> np.ndarray:
        """Chance that an earthquake of each magnitude within ``radius_km`` breaks a cable."""
        scale = 10.0 ** (
            self.magnitude_scaling * (np.asarray(magnitudes) - self.reference_magnitude)
        )
        return np.minimum(1.0, self.break_probability * scale)

    def repair_days(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` repair times (days) from the default capped lognormal."""
        return self.default_repair.draw(rng, n)

    def repair_quantile(self, q: float) -> float:
        """Return the ``q`` quantile of the default repair time in days (``0 < q < 1``)."""
        return self.default_repair.quantile(q)

    def mean_repair_days(self) -> float:
        """Mean of the default repair time (days)."""
        return self.default_repair.mean()


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _erfinv(y: float) -> float:
    """Inverse error function by Newton's method (enough for quantiles of a few digits)."""
    if not -1.0 < y < 1.0:
        return math.copysign(math.inf, y)
    x = 0.0
    for _ in range(60):
        step = (math.erf(x) - y) / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
        x -= step
        if abs(step) < 1e-12:
            break
    return x


def _table(
    f: TomlFile, table: str, keys: _Bounds, *, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Read a table with required numeric ``keys`` (plus optional ones and those of ``extra``).

    Every problem is recorded in ``f`` (missing or unknown keys, bad numbers).
    """
    if not f.has(table):
        f.fail(table, f"missing: a [{table}] table with {sorted(keys)} is required")
        return {key: low for key, (low, _) in keys.items()}
    f.keys(table, [*keys, *_OPTIONAL.get(table, {}), *extra])
    values: dict[str, Any] = {}
    for key, (low, high) in keys.items():
        values[key] = _number(f, f"{table}.{key}", None, low, high)
    for key, (low, high, default) in _OPTIONAL.get(table, {}).items():
        name = f"{table}.{key}"
        values[key] = _number(f, name, None, low, high) if f.has(name) else default
    return values


def _number(f: TomlFile, name: str, default: float | None, low: float, high: float) -> Any:
    """Read one number within its bounds (a whole number for the integer keys)."""
    whole = name.rsplit(".", 1)[-1] in _INTEGERS
    value = f.number(name, default, low=low, high=high, integer=whole)
    return int(value) if whole else value


def _text(f: TomlFile, name: str) -> str:
    value = f.get(name, None)
    if not isinstance(value, str) or not value.strip():
        f.fail(name, f"was {value!r}; a non-empty string")
        return ""
    return value


def _repair_zones(f: TomlFile) -> tuple[RepairTime, ...]:
    out = []
    for zone, body in f.table("repair.zones").items():
        name = f"repair.zones.{zone}"
        if zone == DEFAULT_ZONE or not isinstance(body, dict):
            f.fail(name, "must be a table, and 'default' is the [repair] table itself")
            continue
        values = _table(f, name, _REPAIR, extra=("basis",))
        out.append(RepairTime(zone, basis=_text(f, f"{name}.basis"), **values))
    return tuple(out)


def _chokepoint_events(f: TomlFile) -> tuple[ChokepointEvents, ...]:
    out = []
    for chokepoint, body in f.table("chokepoint_events").items():
        name = f"chokepoint_events.{chokepoint}"
        if not isinstance(body, dict):
            f.fail(name, "must be a table")
            continue
        values = _table(f, name, _CHOKEPOINT, extra=("basis",))
        out.append(ChokepointEvents(chokepoint, basis=_text(f, f"{name}.basis"), **values))
    return tuple(out)


def _named_file(f: TomlFile, key: str) -> Path | None:
    name = f"model.{key}"
    if not f.has(name):
        return None
    named = f.path.parent / _text(f, name)
    if not named.is_file():
        f.fail(name, f"names {str(named)!r}, which does not exist")
        return None
    return named


def load_fault_model(path: str | Path | None = None) -> FaultModel:
    """Read and check a fault model and the tables it names.

    Parameters
    ----------
    path
        A fault-model TOML; by default ``risk_models/faults-v2.toml``. The tables it names
        (``[model] zone_table``, ``backups``) are read from its folder.

    Returns
    -------
    FaultModel
        The checked model.

    Raises
    ------
    RiskSpecError
        Listing every problem of the file at once, each naming the key: a missing or unknown
        table or key, a value that is not a number, out of its range, or not a whole number
        where one is needed; a table it names that is missing; or a table it names that is
        invalid (naming that file, its row and field).

    Examples
    --------
    >>> from cablemap.risk.model.faults import load_fault_model
    >>> fm = load_fault_model()
    >>> fm.coastal_km, fm.repair_for("spmma").median_days < fm.repair_for("taiwan").median_days
    (200.0, True)
    """
    file = risk_models_path() / DEFAULT_FAULTS_FILE if path is None else Path(path)
    f = TomlFile.read(file, what="fault model file")
    f.keys("", _TABLES)
    f.keys("model", _MODEL_KEYS)
    name = f.get("model.name", None)
    if not isinstance(name, str):
        f.fail("model.name", 'missing: a fault model needs [model] name = "..."')
    values: dict[str, Any] = {}
    for table, keys in _KEYS.items():
        extra = ("zones", "basis") if table == "repair" else ()
        values |= _table(f, table, keys, extra=extra)
    # without an [anchors] table (v1): no anchor events
    anchors = _table(f, "anchors", {}) if f.has("anchors") else {"share": 0.0}
    cell_km = anchors.get("cell_km") or FaultModel.anchor_cell_km
    zones = _repair_zones(f)
    events = _chokepoint_events(f)
    zone_file = _named_file(f, "zone_table")
    backups_file = _named_file(f, "backups")
    f.check()
    try:
        areas = read_repair_zones(zone_file, [z.zone for z in zones])[1] if zone_file else ()
        backups = read_backups(backups_file) if backups_file else ()
    except RiskSpecError as exc:
        msg = f"{str(file)!r}: a table it names is invalid: {exc}"
        raise RiskSpecError(msg) from None
    return FaultModel(
        name=str(name),
        description=str(f.get("model.description", "")),
        path=str(file),
        anchor_share=anchors["share"],
        anchor_cell_km=cell_km,
        chokepoint_events=events,
        zones=zones,
        zone_areas=areas,
        zone_table=str(zone_file) if zone_file else None,
        backups=backups,
        backups_file=str(backups_file) if backups_file else None,
        repair_basis=str(f.get("repair.basis", "")),
        **values,
    )
