"""Layer schemas, the load report, and validation that collects every problem before raising.

Canonical layers (all geometry in EPSG:4326):

``cables`` (GeoDataFrame, one row per cable system)
    ``cable_id`` str, unique; ``name`` str; ``status`` ``"in_service"`` or ``"planned"``;
    ``rfs_year`` Int64, nullable (ready-for-service year); ``length_km`` float, nullable (length
    the source reports); ``route_km`` float, nullable (geodesic length of the drawn route on the
    WGS84 ellipsoid, computed with ``pyproj.Geod``); ``owners`` and ``suppliers`` lists of
    canonical company names; ``route_synthetic`` bool (True where the route was synthesised, not
    drawn by the source); ``source`` str; ``source_version`` str; ``geometry`` MultiLineString,
    nullable (a cable with no drawn route has none).
``landing_points`` (GeoDataFrame)
    ``lp_id`` str, unique; ``name`` str; ``country`` str; ``iso3`` str (ISO 3166 alpha-3),
    nullable when the country is unknown; ``is_tbd`` bool (site not yet decided); ``source``,
    ``source_version`` str; ``geometry`` Point. Optional: ``landmass`` str, the island or
    continent the point stands on (used for assumed land links where no country polygons are
    given).
``cable_landings`` (DataFrame, many-to-many)
    ``cable_id``, ``lp_id``: every pair must name a row of ``cables`` and of ``landing_points``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import LayerValidationError

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
        Column("status", "str", choices=("in_service", "planned")),
        Column("rfs_year", "int", nullable=True),
        Column("length_km", "float", nullable=True),
        Column("route_km", "float", nullable=True),
        Column("owners", "list"),
        Column("suppliers", "list"),
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


@dataclass(frozen=True)
class Issue:
    """One problem met while loading, with where it is.

    ``severity`` is ``"error"`` when a record or link was skipped (data lost) and
    ``"warning"`` when it was kept: repaired, flagged or missing an optional value.
    """

    severity: Literal["error", "warning"]
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        """Return ``severity: file, record 'x', field 'y': message``."""
        return (
            f"{self.severity}: {self.file}, record {self.record!r}, "
            f"field {self.field!r}: {self.message}"
        )


@dataclass
class LoadReport:
    """Everything a loader counted, skipped or repaired.

    Attributes
    ----------
    issues
        Every problem, in the order met.
    counts
        Named counts, e.g. ``{"cables loaded": 521, "landing points loaded": 1414}``.
    """

    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(
        self, severity: Literal["error", "warning"], file: str, record: str, fld: str, msg: str
    ) -> None:
        """Record one issue."""
        self.issues.append(Issue(severity, file, record, fld, msg))

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the count called ``name``."""
        self.counts[name] = self.counts.get(name, 0) + n

    def merge(self, other: LoadReport) -> None:
        """Fold another report's issues and counts into this one."""
        self.issues.extend(other.issues)
        for name, n in other.counts.items():
            self.count(name, n)

    @property
    def errors(self) -> list[Issue]:
        """Issues where a record or link was skipped."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues where a record was kept but repaired or flagged."""
        return [i for i in self.issues if i.severity == "warning"]

    def summary_lines(self) -> list[str]:
        """Return the counts, then issues grouped by severity, field and kind of problem."""
        lines = [f"{name}: {n}" for name, n in self.counts.items()]
        groups = Counter((i.severity, i.field, i.message.split(":")[0]) for i in self.issues)
        lines.extend(
            f"{n} {sev}{'s' if n > 1 else ''} in field {fld!r}: {kind}"
            for (sev, fld, kind), n in sorted(groups.items())
        )
        return lines


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


def _kind_problems(name: str, col: Column, values: pd.Series) -> list[str]:
    if col.kind == "geometry":
        return []
    present = values if col.kind == "list" else values[values.notna()]
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
    for col in schema:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if not col.nullable and values.isna().any():
            first = values.index[values.isna()][0]
            problems.append(
                f"{name}.{col.name}: {int(values.isna().sum())} missing value(s), "
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
        dangling = cable_landings.loc[~cable_landings[col].isin(ids), col]
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
