"""The region definition analysts edit in ``risk_models/indo-pacific.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cablemap._resources import risk_models_path
from cablemap._toml import TomlFile

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
    f = TomlFile.read(file, what="region file")
    f.keys("", ["region"])
    f.table("region", required=True)
    f.keys("region", ["name", "bbox", "seam_lon", "countries", "source"])
    name, source = f.string("region.name"), f.string("region.source")
    bbox = f.get("region.bbox")
    if bbox is not None and not (
        isinstance(bbox, list)
        and len(bbox) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in bbox)
        and bbox[0] < bbox[2]
        and -90 <= bbox[1] < bbox[3] <= 90
        and -180 <= bbox[0] <= 360
        and bbox[2] <= 360
    ):
        f.fail(
            "region.bbox",
            f"was {bbox!r} but must be [west, south, east, north] with west < east <= 360 "
            "and -90 <= south < north <= 90",
        )
    seam = f.number("region.seam_lon", -30.0, low=-180.0, high=179.999999)
    countries = f.iso3_list("region.countries")
    if f.has("region.countries") and not countries:
        f.fail("region.countries", "must be a non-empty list of ISO 3166 alpha-3 codes")
    f.check()
    return Region(
        name=name,
        bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
        seam_lon=float(seam),
        countries=frozenset(countries),
        source=source,
        path=str(file),
    )
