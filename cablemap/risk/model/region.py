"""The region definition analysts edit in ``risk_models/indo-pacific.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cablemap._errors import RiskSpecError
from cablemap._resources import risk_models_path

_ISO3 = re.compile(r"^[A-Z]{3}$")
DEFAULT_REGION_FILE = "indo-pacific.toml"


@dataclass(frozen=True)
class Region:
    """A region: its default map view and member countries.

    Attributes
    ----------
    name
        Display name.
    bbox
        ``(west, south, east, north)`` in degrees; ``east`` may exceed 180 for a
        Pacific-centred view.
    seam_lon
        Where maps of the region cut the world (degrees east).
    countries
        ISO 3166 alpha-3 codes of member countries and territories.
    source
        Where the definition comes from.
    path
        The file it was read from.
    """

    name: str
    bbox: tuple[float, float, float, float]
    seam_lon: float
    countries: frozenset[str]
    source: str
    path: str


def _fail(path: Path, key: str, problem: str) -> RiskSpecError:
    return RiskSpecError(f"{str(path)!r}, key {key!r}: {problem}")


def load_region(path: str | Path | None = None) -> Region:
    """Read and check a region definition.

    Parameters
    ----------
    path
        A TOML file with a ``[region]`` table; by default ``risk_models/indo-pacific.toml``.

    Returns
    -------
    Region
        The checked definition.

    Raises
    ------
    RiskSpecError
        Naming the file and the key, if a key is missing or malformed.

    Examples
    --------
    >>> from cablemap.risk import load_region
    >>> "SGP" in load_region().countries
    True
    """
    file = risk_models_path() / DEFAULT_REGION_FILE if path is None else Path(path)
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8")).get("region")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"{str(file)!r} could not be read as TOML: {exc}"
        raise RiskSpecError(msg) from None
    if not isinstance(table, dict):
        raise _fail(file, "region", "a [region] table is required")
    known = {"name", "bbox", "seam_lon", "countries", "source"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise _fail(file, f"region.{unknown[0]}", f"unknown key; allowed: {sorted(known)}")
    for key in ("name", "bbox", "countries", "source"):
        if key not in table:
            raise _fail(file, f"region.{key}", "missing")
    bbox = table["bbox"]
    if not (
        isinstance(bbox, list)
        and len(bbox) == 4
        and all(isinstance(v, int | float) for v in bbox)
        and bbox[0] < bbox[2]
        and -90 <= bbox[1] < bbox[3] <= 90
        and -180 <= bbox[0] <= 360
        and bbox[2] <= 360
    ):
        raise _fail(
            file,
            "region.bbox",
            f"was {bbox!r} but must be [west, south, east, north] with west < east <= 360 "
            "and -90 <= south < north <= 90",
        )
    seam = table.get("seam_lon", -30.0)
    if not isinstance(seam, int | float) or not -180 <= seam < 180:
        raise _fail(file, "region.seam_lon", f"was {seam!r} but must be a number in [-180, 180)")
    countries = table["countries"]
    bad = (
        [c for c in countries if not isinstance(c, str) or not _ISO3.match(c)]
        if isinstance(countries, list)
        else [countries]
    )
    if bad or not countries:
        raise _fail(
            file,
            "region.countries",
            f"must be a non-empty list of ISO 3166 alpha-3 codes; bad entries: {bad[:5]!r}",
        )
    return Region(
        name=str(table["name"]),
        bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
        seam_lon=float(seam),
        countries=frozenset(countries),
        source=str(table["source"]),
        path=str(file),
    )
