"""Layer schemas, the load report, and validation that collects every problem before raising.

Canonical layers (all geometry in EPSG:4326):

``cables`` (GeoDataFrame, one row per cable system)
    ``cable_id`` str, unique; ``name`` str; ``status`` ``"in_service"`` or ``"planned"``,
    nullable (a geometry-only release has none); ``rfs_year`` Int64, nullable
    (ready-for-service year); ``length_km`` float, nullable (length the source reports);
    ``route_km`` float, nullable (geodesic length of the drawn route on the WGS84 ellipsoid,
    computed with ``pyproj.Geod``); ``owners`` and ``suppliers`` lists of canonical company
    names, nullable (``None``: the source does not say; ``[]``: it names none);
    ``route_synthetic`` bool (True where the route was synthesised, not drawn by the source);
    ``source`` str; ``source_version`` str; ``geometry`` MultiLineString, nullable (a cable
    with no drawn route has none). Optional, after a merge with an older release
    (:mod:`cablemap.layers.merge`): ``carried_over`` list of the fields taken from it,
    ``carried_from`` str, nullable (that release's ``source_version``).
``landing_points`` (GeoDataFrame)
    ``lp_id`` str, unique; ``name`` str; ``country`` str; ``iso3`` str (ISO 3166 alpha-3),
    nullable when the country is unknown; ``is_tbd`` bool (site not yet decided); ``source``,
    ``source_version`` str; ``geometry`` Point. Optional: ``landmass`` str, the island or
    continent the point stands on (used for assumed land links where no country polygons are
    given).
``cable_landings`` (DataFrame, many-to-many)
    ``cable_id``, ``lp_id``: every pair must name a row of ``cables`` and of ``landing_points``.
    Optional (geometry-only releases, merges): ``inferred`` bool (the link was read from the
    drawn routes, not listed by the source), ``distance_km`` float, nullable (from the
    landing point to the route vertex that matched it), ``carried_from`` str, nullable (the
    older release that listed the link).

Optional columns are checked like the others wherever a layer has them
(:data:`OPTIONAL_COLUMNS`).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import LayerValidationError
from cablemap._report import Issue, LoadReport  # noqa: F401 - re-exported for the loaders

if TYPE_CHECKING:
    import geopandas as gpd

Kind = Literal["str", "int", "float", "bool", "list", "geometry"]


@dataclass(frozen=True)
class Column:
    """One column of a layer schema."""

    name: str
    kind: Kind
    nullable: bool = False
    choices: tuple[str, ...] | None = None


LAYER_SCHEMAS: dict[str, tuple[Column, ...]] = {
    "cables": (
        Column("cable_id", "str"),
        Column("name", "str"),
        Column("status", "str", nullable=True, choices=("in_service", "planned")),
        Column("rfs_year", "int", nullable=True),
        Column("length_km", "float", nullable=True),
        Column("route_km", "float", nullable=True),
        Column("owners", "list", nullable=True),
        Column("suppliers", "list", nullable=True),
        Column("route_synthetic", "bool"),
        Column("source", "str"),
        Column("source_version", "str"),
        Column("geometry", "geometry", nullable=True),
    ),
    "landing_points": (
        Column("lp_id", "str"),
        Column("name", "str"),
        Column("country", "str"),
        Column("iso3", "str", nullable=True),
        Column("is_tbd", "bool"),
        Column("source", "str"),
        Column("source_version", "str"),
        Column("geometry", "geometry"),
    ),
    "cable_landings": (Column("cable_id", "str"), Column("lp_id", "str")),
}

#: Columns a layer may have; checked where present.
OPTIONAL_COLUMNS: dict[str, tuple[Column, ...]] = {
    "cables": (
        Column("carried_over", "list"),
        Column("carried_from", "str", nullable=True),
    ),
    "landing_points": (Column("landmass", "str", nullable=True),),
    "cable_landings": (
        Column("inferred", "bool"),
        Column("distance_km", "float", nullable=True),
        Column("carried_from", "str", nullable=True),
    ),
}

#: Primary key of each layer.
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    "cables": ("cable_id",),
    "landing_points": ("lp_id",),
    "cable_landings": ("cable_id", "lp_id"),
}

#: Geometry types each spatial layer allows.
GEOMETRY_TYPES: dict[str, frozenset[str]] = {
    "cables": frozenset({"MultiLineString"}),
    "landing_points": frozenset({"Point"}),
}


#: Plausible ready-for-service years: the first submarine telegraph cable (1850) to 2100.
YEAR_RANGE = (1850, 2100)
#: Words read as a yes/no flag (compared stripped and lower-cased).
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0", ""})
# "10400", "10,400", "-5", "10400.5"; thousands separated by commas in groups of three
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")


def short_repr(value: object, limit: int = 40) -> str:
    """Return ``repr(value)``, cut to ``limit`` characters for messages."""
    if isinstance(value, np.generic):
        value = value.item()  # show numpy scalars as the Python values they hold
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def is_missing(value: object) -> bool:
    """Tell whether a field value is absent: ``None``, NaN, ``pd.NA`` or ``NaT``."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict | bool | int):  # the common cases, fast
        return False
    if type(value) is float:
        return math.isnan(value)
    try:
        scalar = np.ndim(value) == 0  # type: ignore[arg-type]  # numpy's hint is too narrow
        return bool(scalar and pd.isna(value))
    except (TypeError, ValueError):
        return False


def absent_field_count(fld: str, layout: str) -> str:
    """Name the report count of cables lacking ``fld`` because the source's layout has none.

    E.g. ``"cables without owners (not in a geometry-only release; left missing)"``.
    """
    return f"cables without {fld} (not in {layout}; left missing)"


def names_or_empty(value: object) -> list[str]:
    """Return a list column's value as a list: ``[]`` where it is missing (``None``)."""
    if is_missing(value):
        return []
    return list(value)  # type: ignore[call-overload]


def status_counted(status: pd.Series) -> pd.Series:
    """Return cable statuses for analysis: a missing status counts as ``"in_service"``.

    A geometry-only release draws the cables without saying their status; the network
    analysis counts them as in service (and the scores say how many, in their notes), while
    the layer keeps the status missing.
    """
    return status.astype(object).where(~status.map(is_missing).astype(bool), "in_service")


def number_from_text(text: str, *, unit: str | None = None) -> float | None:
    """Read a number written as text (``"10,400"``, ``"-5"``, ``"10,400 km"`` with ``unit="km"``).

    Returns
    -------
    float or None
        The number, or ``None`` if the text is no number (in ``unit``, where given).
    """
    body = text.strip()
    if unit and body.lower().endswith(unit.lower()):
        body = body[: -len(unit)].strip()
    if not _NUMBER_TEXT.fullmatch(body):
        return None
    return float(body.replace(",", ""))


def _as_number(  # noqa: PLR0911 - one return per kind of value
    value: object, what: str, unit: str | None
) -> tuple[float | None, str | None]:
    """Read a number (whole numbers stay exact ints).

    ``(None, None)`` if missing or blank, ``(None, problem)`` if it is no number.
    """
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool | np.bool_):
        return None, f"not {what}: {short_repr(value)} is a boolean"
    number: float | None
    if isinstance(value, numbers.Integral):
        return int(value), None
    if isinstance(value, numbers.Real):
        number = float(value)
    elif isinstance(value, str):
        number = number_from_text(value, unit=unit)
        if number is None:
            return None, f"not {what}: {short_repr(value)}"
    else:
        return None, f"not {what}: {short_repr(value)} of type {type(value).__name__}"
    if not math.isfinite(number):
        return None, f"not {what}: {short_repr(value)} is not finite"
    return number, None


def parse_year(value: object) -> tuple[int | None, str | None]:
    """Read a year: a whole number (or its text) within :data:`YEAR_RANGE`.

    Booleans are no numbers (JSON ``true`` is not the year 1); ``2016.0`` is 2016.

    Parameters
    ----------
    value
        The raw field.

    Returns
    -------
    tuple of (int or None, str or None)
        ``(year, None)``; ``(None, None)`` when missing; ``(None, problem)`` when unusable.
    """
    number, problem = _as_number(value, "a year", None)
    if number is None:
        return None, problem
    if isinstance(number, float) and not number.is_integer():
        return None, f"not a year: {short_repr(value)} is not a whole number"
    if not YEAR_RANGE[0] <= number <= YEAR_RANGE[1]:
        return None, (
            f"implausible year: {short_repr(value)} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}"
        )
    return int(number), None


def parse_flag(value: object) -> tuple[bool | None, str | None]:
    """Read a yes/no flag: a boolean, 0 or 1, or text in :data:`TRUE_WORDS`/:data:`FALSE_WORDS`.

    Text is never read by its truth value: ``"no"`` is ``False``.

    Parameters
    ----------
    value
        The raw field.

    Returns
    -------
    tuple of (bool or None, str or None)
        ``(flag, None)``; ``(None, None)`` when missing; ``(None, problem)`` when unusable.
    """
    if is_missing(value):
        return None, None
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
    return (
        None,
        f"not a yes/no flag: {short_repr(value)} (expected true/false, yes/no, 1/0 or empty)",
    )


def parse_non_negative(
    value: object, *, unit: str | None = None
) -> tuple[float | None, str | None]:
    """Read a length or other quantity that cannot be negative.

    Parameters
    ----------
    value
        A number, or text such as ``"10,400"``; with ``unit``, the text may end in that unit
        (``"10,400 km"``).
    unit
        The unit the text may carry.

    Returns
    -------
    tuple of (float or None, str or None)
        ``(number, None)``; ``(None, None)`` when missing; ``(None, problem)`` when unusable.
    """
    number, problem = _as_number(value, "a number", unit)
    if number is None:
        return None, problem
    if number < 0:
        return None, f"negative number: {short_repr(value)}"
    try:
        return float(number), None
    except OverflowError:
        return None, f"not a number: {short_repr(value)} is not finite"


_INFERRED_OK: dict[str, frozenset[str]] = {
    "str": frozenset({"string", "empty"}),
    "int": frozenset({"integer", "empty"}),
    "float": frozenset({"floating", "integer", "mixed-integer-float", "empty"}),
    "bool": frozenset({"boolean", "empty"}),
}
_KIND_TEST = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float | int | np.number) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool | np.bool_),
    "list": lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
}


def _missing(values: pd.Series) -> pd.Series:
    """Which values are missing (``None``/NaN; a list, even empty, is present)."""
    return values.isna()  # elementwise: a list cell is never NA


def _kind_problems(name: str, col: Column, values: pd.Series) -> list[str]:
    if col.kind == "geometry":
        return []
    present = values[~_missing(values)]
    # fast path: pandas infers the type of a whole column in C
    if (
        col.kind in _INFERRED_OK
        and pd.api.types.infer_dtype(present, skipna=True) in _INFERRED_OK[col.kind]
    ):
        bad = present[present == ""] if col.kind == "str" and not col.nullable else present[:0]
    else:
        test = _KIND_TEST[col.kind]
        bad = present[[not test(v) for v in present]]
        if col.kind == "str" and not col.nullable:
            bad = pd.concat([bad, present[present.map(lambda v: v == "")]])
    if bad.empty:
        return []
    return [
        f"{name}.{col.name}: {len(bad)} value(s) are not {col.kind}"
        f"{' (or are empty)' if col.kind == 'str' else ''}, "
        f"first at row {bad.index[0]!r}: {bad.iloc[0]!r}"
    ]


def layer_problems(name: str, frame: pd.DataFrame) -> list[str]:
    """List every way a layer breaks its schema (empty when it conforms).

    Parameters
    ----------
    name
        The layer name, a key of :data:`LAYER_SCHEMAS`.
    frame
        The layer.

    Returns
    -------
    list of str
        One message per problem, naming layer, column and the first offending row.
    """
    problems: list[str] = []
    schema = LAYER_SCHEMAS[name]
    missing = [c.name for c in schema if c.name not in frame.columns]
    if missing:
        problems.append(f"{name}: required column(s) {missing} are missing")
    if name in GEOMETRY_TYPES:
        crs = getattr(frame, "crs", None)
        if crs is None or crs.to_epsg() != 4326:
            problems.append(f"{name}: CRS is {crs!r}, expected EPSG:4326")
    for col in (*schema, *OPTIONAL_COLUMNS.get(name, ())):
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if not col.nullable and _missing(values).any():
            first = values.index[_missing(values)][0]
            problems.append(
                f"{name}.{col.name}: {int(_missing(values).sum())} missing value(s), "
                f"first at row {first!r}"
            )
        if col.choices is not None:
            bad = values[values.notna() & ~values.isin(col.choices)]
            if not bad.empty:
                problems.append(
                    f"{name}.{col.name}: value {bad.iloc[0]!r} at row {bad.index[0]!r} "
                    f"is not one of {list(col.choices)}"
                )
        problems.extend(_kind_problems(name, col, values))
    if name in GEOMETRY_TYPES and "geometry" in frame.columns:
        problems.extend(_geometry_problems(name, frame))
    keys = [k for k in LAYER_KEYS[name] if k in frame.columns]
    if keys and len(keys) == len(LAYER_KEYS[name]):
        dup = frame.duplicated(subset=keys, keep="first")
        if dup.any():
            problems.append(
                f"{name}: {int(dup.sum())} duplicate key(s) {keys}, first "
                f"{tuple(frame.loc[dup, keys].iloc[0])!r}"
            )
    return problems


def _geometry_problems(name: str, frame: gpd.GeoDataFrame) -> list[str]:
    problems = []
    geoms = frame.geometry
    present = geoms[geoms.notna() & ~geoms.is_empty]
    wrong = present[~present.geom_type.isin(GEOMETRY_TYPES[name])]
    if not wrong.empty:
        problems.append(
            f"{name}.geometry: {len(wrong)} geometr(ies) of type {sorted(set(wrong.geom_type))}, "
            f"expected {sorted(GEOMETRY_TYPES[name])}; first at row {wrong.index[0]!r}"
        )
    invalid = present[~shapely.is_valid(present.values)]
    if not invalid.empty:
        problems.append(
            f"{name}.geometry: {len(invalid)} invalid geometr(ies), first at row "
            f"{invalid.index[0]!r}: {shapely.is_valid_reason(invalid.iloc[0])}"
        )
    if not present.empty:
        minx, miny, maxx, maxy = present.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            problems.append(
                f"{name}.geometry: coordinates outside lon [-180, 180] / lat [-90, 90]: "
                f"bounds {(minx, miny, maxx, maxy)!r}"
            )
    return problems


def links_problems(
    cables: pd.DataFrame, landing_points: pd.DataFrame, cable_landings: pd.DataFrame
) -> list[str]:
    """List ``cable_landings`` rows that name a cable or landing point not in its layer.

    Returns
    -------
    list of str
        One message per kind of dangling reference.
    """
    problems = []
    for col, layer, ids in (
        ("cable_id", "cables", cables["cable_id"]),
        ("lp_id", "landing_points", landing_points["lp_id"]),
    ):
        # hash lookups: Series.isin on Arrow-backed strings loops in Python
        known = pd.Index(ids.to_numpy(dtype=object)).drop_duplicates()
        values = cable_landings[col].to_numpy(dtype=object)
        dangling = cable_landings.loc[known.get_indexer(values) < 0, col]
        if not dangling.empty:
            problems.append(
                f"cable_landings.{col}: {len(dangling)} row(s) name no row of {layer}, "
                f"e.g. {sorted(set(dangling))[:5]!r}"
            )
    return problems


def raise_problems(problems: list[str], *, where: str) -> None:
    """Raise one :class:`LayerValidationError` listing all problems, if there are any."""
    if problems:
        msg = f"{where}: {len(problems)} schema problem(s):\n  - " + "\n  - ".join(problems)
        raise LayerValidationError(msg)
