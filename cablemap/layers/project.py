"""The project file (``cablemap.toml``): its one reader, used by ``load()`` and ``build()`` alike.

A project file has two tables; paths are relative to the file::

    [layers]
    cables = "geodata/raw/telegeography"          # required: any source cablemap.load reads
    landing_points = "..."                        # optional: default, the cables source
    cable_landings = "..."                        # optional: default, the cables source
    merge_from = "geodata/raw/telegeography-2022"  # optional: an older full release whose
                                                  # attributes fill the gaps (carried over)
    facilities = ["geodata/raw/peeringdb", "x.csv"]  # a path or a list of paths
    countries = "geodata/raw/naturalearth/ne_10m_admin_0_countries.shp"
    vendor_footprints = ["geodata/sample/vendor_footprints.csv", "my_rows.csv"]  # evidence
                                                  # tables; default: the embedded ones
    aiddata = "vendors/AidDatasGlobalHuaweiFinanceDataset_Huawei_sheet.csv"  # AidData CSV
    hazards = "geodata/raw/usgs-m55-1965-2016.csv"  # earthquake catalogue(s): a path or a list

    [build]
    model = "risk_models/dcs-v2.toml"
    out = "maps"
    exports = "maps/exports"
    formats = ["gpkg", "parquet", "csv"]
    offline = true
    online_tiles = false
    region = "risk_models/indo-pacific.toml"

Every key is checked for its type; an unknown table or key is an error that names the closest
valid one; bytes that are not UTF-8 are an error that says where.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cablemap._errors import SourceFormatError
from cablemap._files import read_bytes_regular

#: Export formats a project may ask for.
EXPORT_FORMATS: tuple[str, ...] = ("gpkg", "parquet", "csv")

_LAYER_PATHS = (
    "cables",
    "landing_points",
    "cable_landings",
    "merge_from",
    "countries",
    "aiddata",
)
_LAYER_LISTS = ("facilities", "vendor_footprints", "hazards")
_LAYER_KEYS = (*_LAYER_PATHS, *_LAYER_LISTS)
_BUILD_PATHS = ("model", "out", "exports", "region")
_BUILD_BOOLS = ("offline", "online_tiles")
_BUILD_KEYS = (*_BUILD_PATHS, *_BUILD_BOOLS, "formats")
_TABLES = ("layers", "build")
#: The largest project file read (a project file is a few lines).
_MAX_BYTES = 1024 * 1024
#: The deepest chain of project files naming project files.
MAX_PROJECT_DEPTH = 16


@dataclass(frozen=True)
class ProjectSources:
    """A project file, read and checked, with every path resolved against its folder.

    Attributes
    ----------
    path
        The project file.
    cables, landing_points, cable_landings
        The source of each canonical layer (``None`` where the file has no ``[layers]``;
        ``landing_points`` and ``cable_landings`` default to the ``cables`` source).
    merge_from
        An older full release whose attributes fill what the sources lack, each value flagged
        as carried over (:func:`cablemap.layers.merge.merge_older`), where given.
    facilities
        Facility sources, in order.
    countries
        Country polygons, where given.
    vendor_footprints
        Cited evidence tables (footprints, operator shares, landing stations), in order;
        ``None`` where the file names none: the tables embedded with cablemap are read.
    aiddata
        AidData's Global Huawei Finance CSV (government and city footprints), where given.
    hazards
        Earthquake catalogues, in order.
    model, out, exports, region
        ``[build]`` paths, where given.
    formats
        ``[build] formats``, where given.
    offline, online_tiles
        ``[build]`` flags, where given.
    """

    path: Path
    cables: Path | None = None
    landing_points: Path | None = None
    cable_landings: Path | None = None
    merge_from: Path | None = None
    facilities: tuple[Path, ...] = ()
    countries: Path | None = None
    vendor_footprints: tuple[Path, ...] | None = None
    aiddata: Path | None = None
    hazards: tuple[Path, ...] = ()
    model: Path | None = None
    out: Path | None = None
    exports: Path | None = None
    region: Path | None = None
    formats: tuple[str, ...] | None = None
    offline: bool | None = None
    online_tiles: bool | None = None

    @property
    def cable_sources(self) -> tuple[Path, ...]:
        """The distinct sources of the three canonical layers (and ``merge_from``), sorted."""
        given = (self.cables, self.landing_points, self.cable_landings, self.merge_from)
        return tuple(sorted({p for p in given if p is not None}))

    @property
    def has_layers(self) -> bool:
        """Whether the file has a ``[layers]`` table (with its required ``cables``)."""
        return self.cables is not None


def _closest(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_keys(path: Path, where: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            msg = (
                f"{str(path)!r}: {where} key {key!r} is unknown{_closest(key, allowed)}; "
                f"allowed: {list(allowed)}"
            )
            raise SourceFormatError(msg)


def _wrong_type(
    path: Path, where: str, key: str, value: object, expected: str
) -> SourceFormatError:
    msg = (
        f"{str(path)!r}: {where} {key} is {value!r} of type {type(value).__name__}, "
        f"expected {expected}"
    )
    return SourceFormatError(msg)


def _path(path: Path, where: str, key: str, value: object) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _wrong_type(path, where, key, value, "a path (a non-empty string)")
    return (path.parent / value).resolve()


def _parse(path: Path) -> dict[str, Any]:
    try:
        raw = read_bytes_regular(path, "project file", limit=_MAX_BYTES)
    except OSError as exc:
        msg = f"{str(path)!r} could not be read as a project file: {exc.strerror or exc}"
        raise SourceFormatError(msg) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = (
            f"{str(path)!r}: not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}, "
            f"line {line}); save the project file as UTF-8"
        )
        raise SourceFormatError(msg) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{str(path)!r} is not valid TOML: {exc}"
        raise SourceFormatError(msg) from None


def _table(path: Path, data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise _wrong_type(path, "table", f"[{name}]", table, f"a table ([{name}] section)")
    return table


def _layers(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    _check_keys(path, "[layers]", table, _LAYER_KEYS)
    if not table:
        return {}
    if "cables" not in table:
        msg = f"{str(path)!r}: needs a [layers] table with at least a 'cables' source"
        raise SourceFormatError(msg)
    values: dict[str, Any] = {
        key: _path(path, "[layers]", key, table[key]) for key in _LAYER_PATHS if key in table
    }
    for key, value in values.items():
        if value == path.resolve():
            msg = (
                f"{str(path)!r}: [layers] {key} names this project file itself; name the data "
                "source (a TeleGeography directory, layer files, a GeoPackage) instead"
            )
            raise SourceFormatError(msg)
    values.setdefault("landing_points", values["cables"])
    values.setdefault("cable_landings", values["cables"])
    for key in _LAYER_LISTS:
        if key == "vendor_footprints" and key not in table:
            values[key] = None  # not named: the embedded cited evidence tables
            continue
        given = table.get(key, [])
        items = [given] if isinstance(given, str) else given
        if not isinstance(items, list):
            raise _wrong_type(path, "[layers]", key, given, "a path or a list of paths")
        values[key] = tuple(
            _path(path, "[layers]", f"{key}[{i}]", item) for i, item in enumerate(items)
        )
    return values


def _build(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    _check_keys(path, "[build]", table, _BUILD_KEYS)
    values: dict[str, Any] = {
        key: _path(path, "[build]", key, table[key]) for key in _BUILD_PATHS if key in table
    }
    for key in _BUILD_BOOLS:
        if key in table:
            if not isinstance(table[key], bool):
                raise _wrong_type(path, "[build]", key, table[key], "true or false")
            values[key] = table[key]
    if "formats" in table:
        formats = table["formats"]
        if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
            raise _wrong_type(path, "[build]", "formats", formats, "a list of format names")
        bad = [f for f in formats if f not in EXPORT_FORMATS]
        if bad:
            msg = (
                f"{str(path)!r}: [build] formats {bad} unknown"
                f"{_closest(bad[0], EXPORT_FORMATS)}; allowed: {list(EXPORT_FORMATS)}"
            )
            raise SourceFormatError(msg)
        values["formats"] = tuple(formats)
    return values


def read_project(path: str | Path) -> ProjectSources:
    """Read and check a project file; resolve its paths against the file's folder.

    Parameters
    ----------
    path
        The project file (``cablemap.toml``).

    Returns
    -------
    ProjectSources
        Every source and build option the file gives.

    Raises
    ------
    SourceFormatError
        If the file cannot be read, is not UTF-8 TOML, has an unknown table or key, a value
        of the wrong type, or a ``[layers]`` path naming the file itself; the message names
        the file and the key.
    UnsafeFileError
        If it is a named pipe, a folder or a device (refused before it is opened).

    Examples
    --------
    >>> from cablemap.layers.project import read_project
    >>> read_project("cablemap.toml").formats  # doctest: +SKIP
    ('gpkg', 'parquet', 'csv')
    """
    path = Path(path)
    data = _parse(path)
    for name in data:
        if name not in _TABLES:
            msg = (
                f"{str(path)!r}: table or key {name!r} is unknown{_closest(name, _TABLES)}; "
                f"a project file has the tables {list(_TABLES)}"
            )
            raise SourceFormatError(msg)
    values = {
        **_layers(path, _table(path, data, "layers")),
        **_build(path, _table(path, data, "build")),
    }
    return ProjectSources(path=path.resolve(), **values)


def project_references(project: ProjectSources) -> list[Path]:
    """Return the project files a project's ``[layers]`` names as sources (or ``merge_from``)."""
    given = (project.cables, project.landing_points, project.cable_landings, project.merge_from)
    return [p for p in dict.fromkeys(given) if p is not None and p.suffix.lower() == ".toml"]


def check_project_chain(path: str | Path, chain: tuple[Path, ...] = ()) -> None:
    """Check, before anything is loaded, that project files do not name each other in a loop.

    Parameters
    ----------
    path
        A project file.
    chain
        The project files that led to it (resolved), outermost first.

    Raises
    ------
    SourceFormatError
        If a project file names itself, directly or through others (``A → B → A``), or the
        chain is deeper than :data:`MAX_PROJECT_DEPTH`; the message shows the chain.
    """
    here = Path(path).resolve()
    if here in chain:
        loop = " → ".join(repr(str(p)) for p in (*chain[chain.index(here) :], here))
        msg = (
            f"project files name each other in a loop: {loop}; a [layers] source (or "
            "merge_from) must lead to data, not back to a project file on the way"
        )
        raise SourceFormatError(msg)
    if len(chain) >= MAX_PROJECT_DEPTH:
        shown = " → ".join(repr(str(p)) for p in (*chain, here))
        msg = f"project files name each other more than {MAX_PROJECT_DEPTH} deep: {shown}"
        raise SourceFormatError(msg)
    for ref in project_references(read_project(here)):
        check_project_chain(ref, (*chain, here))
