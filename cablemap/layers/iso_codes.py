"""Country names to ISO 3166 alpha-3 codes, and the territories sources file under another name.

Two rules, applied in this order by :func:`assign_iso3`:

1. **Territory by coordinates.** Hong Kong, Macau and Taiwan (with Penghu, Kinmen and Matsu)
   get their own codes (HKG, MAC, TWN) whenever a point falls inside the outline in
   :data:`TERRITORY_OUTLINES`, whatever country name the source filed it under
   (TeleGeography files Hong Kong's and Macau's landing points under "China"). The outlines
   are deliberately coarse polygons drawn around each territory's land and near waters, with
   the border side kept clear of the mainland landing sites that exist today (Shekou, Hengqin,
   Xiamen, Dadeng, Fuzhou, Pingtan); they are not borders.
2. **Name.** Otherwise the source's country name is looked up in :data:`COUNTRY_ALIASES`
   (the spellings TeleGeography uses) and then in ISO 3166 through ``pycountry``.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
import shapely
from shapely.geometry import MultiPolygon, Polygon

#: Source spellings that ISO 3166 names do not match, mapped to ISO alpha-3.
COUNTRY_ALIASES: dict[str, str] = {
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "Micronesia": "FSM",
    "Russia": "RUS",
    "Turkey": "TUR",
    "Virgin Islands (U.K.)": "VGB",
    "Virgin Islands (U.S.)": "VIR",
    "Saint Martin": "MAF",
    "Sint Maarten": "SXM",
    "Ascension and Tristan da Cunha": "SHN",
    "Sint Eustatius and Saba": "BES",
    "Macau": "MAC",
    "Macao": "MAC",
    "Falkland Islands": "FLK",
    "Kosovo": "XKX",
}

#: Coarse outlines (lon, lat in EPSG:4326) of territories that sources file under another
#: country. Drawn for this project from public maps of each territory; see module docstring.
TERRITORY_OUTLINES: dict[str, tuple[str, MultiPolygon]] = {
    "HKG": (
        "Hong Kong",
        MultiPolygon(
            [
                Polygon(
                    [
                        (113.82, 22.13),
                        (114.50, 22.13),
                        (114.50, 22.56),
                        (114.05, 22.56),
                        (113.99, 22.50),
                        (113.90, 22.46),
                        (113.82, 22.42),
                    ]
                )
            ]
        ),
    ),
    "MAC": (
        "Macau",
        MultiPolygon(
            [Polygon([(113.528, 22.105), (113.60, 22.105), (113.60, 22.217), (113.528, 22.217)])]
        ),
    ),
    "TWN": (
        "Taiwan",
        MultiPolygon(
            [
                # Taiwan island, Penghu, Green Island and Orchid Island
                Polygon(
                    [
                        (119.25, 21.85),
                        (122.2, 21.85),
                        (122.2, 25.40),
                        (120.9, 25.40),
                        (119.25, 24.20),
                    ]
                ),
                # Kinmen and Lieyu
                Polygon([(118.21, 24.37), (118.50, 24.37), (118.50, 24.53), (118.21, 24.53)]),
                # Matsu: Nangan, Beigan, Juguang; Dongyin
                Polygon([(119.88, 25.93), (120.03, 25.93), (120.03, 26.28), (119.88, 26.28)]),
                Polygon([(120.45, 26.33), (120.53, 26.33), (120.53, 26.40), (120.45, 26.40)]),
            ]
        ),
    ),
}


_OUTLINES_BOUNDS = shapely.GeometryCollection(
    [outline for _, outline in TERRITORY_OUTLINES.values()]
).bounds


@lru_cache(maxsize=1024)
def name_of_iso3(iso3: str) -> str:
    """Return a country's short English name from its ISO 3166 alpha-3 code (the code if unknown).

    Examples
    --------
    >>> name_of_iso3("LAO")
    'Laos'
    """
    record = pycountry.countries.get(alpha_3=iso3)
    if record is None:
        return iso3
    return str(getattr(record, "common_name", None) or record.name)


def iso3_from_name(name: str) -> str | None:
    """Return the ISO 3166 alpha-3 code for a country name, or ``None`` if unknown.

    Parameters
    ----------
    name
        A country name as sources spell it, e.g. ``"South Korea"``, ``"Congo, Dem. Rep."``.

    Returns
    -------
    str or None
        The alpha-3 code, e.g. ``"KOR"``.
    """
    name = name.strip()
    if not name:
        return None
    if name in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        return None


def territory_at(lon: float, lat: float) -> tuple[str, str] | None:
    """Return ``(iso3, name)`` of the special territory containing a point, if any.

    Parameters
    ----------
    lon, lat
        The point, in EPSG:4326 degrees.

    Returns
    -------
    tuple of (str, str) or None
        E.g. ``("HKG", "Hong Kong")``, or ``None`` outside every outline.
    """
    if not (
        _OUTLINES_BOUNDS[0] <= lon <= _OUTLINES_BOUNDS[2]
        and _OUTLINES_BOUNDS[1] <= lat <= _OUTLINES_BOUNDS[3]
    ):
        return None
    point = shapely.Point(lon, lat)
    for iso3, (name, outline) in TERRITORY_OUTLINES.items():
        if outline.covers(point):
            return iso3, name
    return None


def assign_iso3(country: str, lon: float, lat: float) -> tuple[str, str | None, str]:
    """Decide the country name and ISO3 of a point from its filed country and coordinates.

    Parameters
    ----------
    country
        The country name the source gives.
    lon, lat
        The point, in EPSG:4326 degrees.

    Returns
    -------
    tuple of (str, str or None, str)
        ``(country, iso3, rule)`` where ``rule`` is ``"territory"`` when the coordinates
        overrode the filed name, ``"name"`` when the name decided, and ``"unknown"`` when
        neither did (``iso3`` is then ``None``).
    """
    territory = territory_at(lon, lat)
    if territory is not None:
        code, name = territory
        return name, code, ("name" if iso3_from_name(country) == code else "territory")
    iso3 = iso3_from_name(country)
    return country, iso3, ("name" if iso3 else "unknown")
