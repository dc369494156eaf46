"""The region definition analysts edit in ``risk_models/indo-pacific.toml``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cablemap._resources import risk_models_path
from cablemap._toml import TomlFile

DEFAULT_REGION_FILE = "indo-pacific.toml"

#: A box ``(west, south, east, north)`` in degrees; ``east`` may exceed 180.
Box = tuple[float, float, float, float]


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
    partial
        Member countries only partly in the region (``[region.partial]``): their places
        (landing points, facilities, metros) belong to it only inside these boxes.
    """

    name: str
    bbox: Box
    seam_lon: float
    countries: frozenset[str]
    source: str
    path: str
    partial: dict[str, tuple[Box, ...]] = field(default_factory=dict)

    def places_in(
        self, iso3: Sequence[object], lon: Sequence[float], lat: Sequence[float]
    ) -> np.ndarray:
        """Say which places belong to the region: a member country, inside its boxes if any.

        Parameters
        ----------
        iso3, lon, lat
            One entry per place: its country and its position (degrees, EPSG:4326).

        Returns
        -------
        numpy.ndarray
            Booleans, one per place.
        """
        lon_a = np.asarray(lon, dtype=float)
        lat_a = np.asarray(lat, dtype=float)
        out = np.array([str(c) in self.countries for c in iso3], dtype=bool)
        for code, boxes in self.partial.items():
            mine = out & np.array([str(c) == code for c in iso3], dtype=bool)
            inside = np.zeros(len(out), dtype=bool)
            for west, south, east, north in boxes:
                x = np.where(lon_a < west, lon_a + 360.0, lon_a)
                inside |= (x >= west) & (x <= east) & (lat_a >= south) & (lat_a <= north)
            out[mine] = inside[mine]
        return out


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
    f.keys("region", ["name", "bbox", "seam_lon", "countries", "source", "partial"])
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
    partial = _partial(f, set(countries))
    f.check()
    return Region(
        name=name,
        bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
        seam_lon=float(seam),
        countries=frozenset(countries),
        source=source,
        path=str(file),
        partial=partial,
    )


def _box_problem(box: object) -> str | None:
    if not (
        isinstance(box, list)
        and len(box) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in box)
    ):
        return f"{box!r} is not [west, south, east, north] in degrees"
    west, south, east, north = (float(v) for v in box)
    if not (-180 <= west < east <= west + 360 and east <= 360 and -90 <= south < north <= 90):
        return f"{box!r} needs -180 <= west < east <= 360 and -90 <= south < north <= 90"
    return None


def _partial(f: TomlFile, members: set[str]) -> dict[str, tuple[Box, ...]]:
    """Read ``[region.partial]``: ISO3 -> boxes of a member country that count."""
    out: dict[str, tuple[Box, ...]] = {}
    for code, boxes in f.table("region.partial").items():
        key = f"region.partial.{code}"
        if code not in members:
            f.fail(key, f"{code!r} is not one of region.countries")
            continue
        if not isinstance(boxes, list) or not boxes:
            f.fail(key, f"was {boxes!r}; expected a list of [west, south, east, north] boxes")
            continue
        problems = [p for b in boxes if (p := _box_problem(b)) is not None]
        if problems:
            f.fail(key, "; ".join(problems))
            continue
        out[code] = tuple((float(w), float(s), float(e), float(n)) for w, s, e, n in boxes)
    return out
