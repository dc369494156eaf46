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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cablemap._errors import SourceFormatError
from cablemap._toml import TomlFile, _closest

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


def _parse(path: Path) -> TomlFile:
    """Read the file (a regular file, at most 1 MiB, UTF-8 TOML) into the one TOML reader."""
    return TomlFile.read(path, what="project file", error=SourceFormatError, limit=_MAX_BYTES)


def _path(f: TomlFile, key: str, value: object) -> Path | None:
    """Resolve a path against the file's folder (a problem if it is no non-empty string)."""
    if not isinstance(value, str) or not value.strip():
        kind = type(value).__name__
        f.fail(key, f"is {value!r} of type {kind}, expected a path (a non-empty string)")
        return None
    return (f.path.parent / value).resolve()


def _layers(f: TomlFile) -> dict[str, Any]:
    table = f.table("layers")
    f.keys("layers", _LAYER_KEYS)
    if not table:
        return {}
    if "cables" not in table:
        f.fail("layers.cables", "missing: a [layers] table needs at least a 'cables' source")
    values: dict[str, Any] = {}
    for key in _LAYER_PATHS:
        if key in table:
            values[key] = _path(f, f"layers.{key}", table[key])
            if values[key] == f.path.resolve():
                f.fail(
                    f"layers.{key}",
                    "names this project file itself; name the data source (a TeleGeography "
                    "directory, layer files, a GeoPackage) instead",
                )
    values = {k: v for k, v in values.items() if v is not None}
    if "cables" in values:
        values.setdefault("landing_points", values["cables"])
        values.setdefault("cable_landings", values["cables"])
    for key in _LAYER_LISTS:
        if key == "vendor_footprints" and key not in table:
            values[key] = None  # not named: the embedded cited evidence tables
            continue
        given = table.get(key, [])
        items = [given] if isinstance(given, str) else given
        if not isinstance(items, list):
            kind = type(given).__name__
            f.fail(f"layers.{key}", f"is {given!r} of type {kind}, expected a path or a list")
            items = []
        paths = [_path(f, f"layers.{key}[{i}]", item) for i, item in enumerate(items)]
        values[key] = tuple(p for p in paths if p is not None)
    return values


def _build(f: TomlFile) -> dict[str, Any]:
    table = f.table("build")
    f.keys("build", _BUILD_KEYS)
    values: dict[str, Any] = {}
    for key in _BUILD_PATHS:
        if key in table and (found := _path(f, f"build.{key}", table[key])) is not None:
            values[key] = found
    for key in _BUILD_BOOLS:
        if key in table:
            if isinstance(table[key], bool):
                values[key] = table[key]
            else:
                kind = type(table[key]).__name__
                f.fail(f"build.{key}", f"is {table[key]!r} of type {kind}, expected true or false")
    if "formats" in table:
        formats = table["formats"]
        if not isinstance(formats, list) or not all(isinstance(x, str) for x in formats):
            kind = type(formats).__name__
            f.fail("build.formats", f"is {formats!r} of type {kind}, expected a list of names")
            return values
        bad = [x for x in formats if x not in EXPORT_FORMATS]
        if bad:
            f.fail(
                "build.formats",
                f"{bad} unknown{_closest(bad[0], EXPORT_FORMATS)}; allowed: {list(EXPORT_FORMATS)}",
            )
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
        If the file cannot be read or is not UTF-8 TOML; or listing every problem at once,
        each naming the key: an unknown table or key (the closest valid one named), a value
        of the wrong type, a ``[layers]`` path naming the file itself.
    UnsafeFileError
        If it is a named pipe, a folder or a device (refused before it is opened).

    Examples
    --------
    >>> from cablemap.layers.project import read_project
    >>> read_project("cablemap.toml").formats  # doctest: +SKIP
    ('gpkg', 'parquet', 'csv')
    """
    path = Path(path)
    f = _parse(path)
    f.keys("", _TABLES)
    values = {**_layers(f), **_build(f)}
    f.check()  # every problem of the file at once
    return ProjectSources(path=path.resolve(), **values)


def project_extras(project: ProjectSources) -> dict[str, Any]:
    """Return the keyword arguments of :func:`cablemap.layers.attach.add_extras` a project gives.

    ``vendor_footprints`` stays ``None`` where the project names none: the embedded evidence.
    """
    footprints = project.vendor_footprints
    return {
        "facilities": list(project.facilities),
        "countries": project.countries,
        "footprints": None if footprints is None else list(footprints),
        "aiddata": project.aiddata,
        "hazards": list(project.hazards),
    }


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
