"""The fault model file: yearly fault rates and repair times, as analysts set them.

``risk_models/faults-v1.toml`` holds every constant of the fault model (rates per 1,000 km,
the coastal zone, earthquake break chances, the lognormal repair time, simulation defaults);
:func:`load_fault_model` reads and checks it, naming the file and the key of any problem.
How the constants become rates per segment is :mod:`cablemap.risk.hazards.rates`.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cablemap._errors import RiskSpecError
from cablemap._resources import risk_models_path

logger = logging.getLogger(__name__)

DEFAULT_FAULTS_FILE = "faults-v1.toml"

#: Every key of a fault-model file: ``{table: {key: (low, high)}}`` (inclusive bounds).
_KEYS: dict[str, dict[str, tuple[float, float]]] = {
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
    "repair": {
        "median_days": (0.01, 3650.0),
        "sigma": (0.0, 5.0),
        "max_days": (0.01, 3650.0),
    },
    "simulation": {
        "years": (1, 100_000_000),
        "seed": (0, 2**63 - 1),
        "block_years": (1, 1_000_000),
        "sample_km": (0.5, 500.0),
    },
}
_INTEGERS = frozenset({"years", "seed", "block_years"})
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class FaultModel:
    """A checked fault model (``risk_models/faults-v1.toml``).

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
        Repair time: lognormal median (days) and shape, and its cap.
    years, seed, block_years, sample_km
        Simulation defaults: years, seed, years per random block, route sampling step (km).
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

    def break_probabilities(self, magnitudes: np.ndarray) -> np.ndarray:
        """Chance that an earthquake of each magnitude within ``radius_km`` breaks a cable."""
        scale = 10.0 ** (
            self.magnitude_scaling * (np.asarray(magnitudes) - self.reference_magnitude)
        )
        return np.minimum(1.0, self.break_probability * scale)

    def repair_days(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` repair times (days) from the capped lognormal."""
        days = rng.lognormal(math.log(self.median_days), self.sigma, n) if self.sigma else None
        if days is None:
            days = np.full(n, self.median_days)
        return np.minimum(days, self.max_days)

    def repair_quantile(self, q: float) -> float:
        """Return the ``q`` quantile of the repair time in days (``0 < q < 1``)."""
        z = math.sqrt(2.0) * _erfinv(2.0 * q - 1.0)
        return min(self.median_days * math.exp(self.sigma * z), self.max_days)

    def mean_repair_days(self) -> float:
        """Mean repair time (days) of the capped lognormal, in closed form."""
        mu, s, cap = math.log(self.median_days), self.sigma, self.max_days
        if s == 0:
            return min(self.median_days, cap)
        z = (math.log(cap) - mu) / s
        below = math.exp(mu + s * s / 2.0) * _phi(z - s)
        return below + cap * (1.0 - _phi(z))


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


def _err(path: Path, key: str, problem: str) -> RiskSpecError:
    return RiskSpecError(f"{str(path)!r}, key {key!r}: {problem}")


def load_fault_model(path: str | Path | None = None) -> FaultModel:
    """Read and check a fault model.

    Parameters
    ----------
    path
        A fault-model TOML; by default ``risk_models/faults-v1.toml``.

    Returns
    -------
    FaultModel
        The checked model.

    Raises
    ------
    RiskSpecError
        Naming the file and the key: a missing or unknown table or key, a value that is not a
        number, out of its range, or not a whole number where one is needed.

    Examples
    --------
    >>> from cablemap.risk.model.faults import load_fault_model
    >>> load_fault_model().coastal_km
    200.0
    """
    file = risk_models_path() / DEFAULT_FAULTS_FILE if path is None else Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{str(file)!r} does not exist"
        raise RiskSpecError(msg) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{str(file)!r} is not valid TOML: {exc}"
        raise RiskSpecError(msg) from None
    meta = data.get("model")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        raise _err(file, "model.name", 'missing: a fault model needs [model] name = "..."')
    unknown = sorted(set(data) - {"model", *_KEYS})
    if unknown:
        raise _err(file, unknown[0], f"unknown table; tables: {['model', *_KEYS]}")
    values: dict[str, Any] = {}
    for table, keys in _KEYS.items():
        given = data.get(table)
        if not isinstance(given, dict):
            raise _err(file, table, f"missing: a [{table}] table with {sorted(keys)} is required")
        extra = sorted(set(given) - set(keys))
        if extra:
            raise _err(file, f"{table}.{extra[0]}", f"unknown key; [{table}] keys: {list(keys)}")
        for key, (low, high) in keys.items():
            name = f"{table}.{key}"
            if key not in given:
                raise _err(file, name, "missing")
            value = given[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _err(file, name, f"was {value!r} of type {type(value).__name__}; a number")
            if not low <= value <= high or not math.isfinite(value):
                raise _err(file, name, f"was {value!r} but must be in [{low:g}, {high:g}]")
            if key in _INTEGERS and not float(value).is_integer():
                raise _err(file, name, f"was {value!r} but must be a whole number")
            values[key] = int(value) if key in _INTEGERS else float(value)
    return FaultModel(
        name=str(meta["name"]),
        description=str(meta.get("description", "")),
        path=str(file),
        **values,
    )
