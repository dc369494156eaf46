"""Read TeleGeography Submarine Cable Map API directories (v2 and v3) into canonical layers.

A directory holds ``cable/<id>.json`` (one cable each), ``cable/cable-geo.json`` (routes) and
``landing-point/landing-point-geo.json`` (coordinates); v3 adds ``landing-point/<id>.json``
and ``supplier/``, v2 adds ``country/<name>.json`` and ``config.json``. The version is
detected from the files (:func:`detect_version`). Quirks handled, each counted in the report:

- landing points listed by a cable but missing from the geo file (v2: coordinates then come
  from the cable's own ``latlon``; v3: the link is skipped, an error);
- geo files that repeat a landing point (v2 repeats 102): the first is kept;
- ``length`` missing or ``"n.a."``, RFS year missing, ``is_tbd`` landing points;
- cables with no drawn route, route parts that are degenerate or out of range, route
  features GEOS cannot build (a part of one point: that part is dropped, the rest kept);
- files that cannot be read: not regular files (a directory or named pipe named ``x.json``,
  never opened), symlink loops, bytes that are not UTF-8, malformed JSON: skipped, each an
  error naming the file;
- values of the wrong kind or out of range (``rfs_year`` ``true`` or ``99999``, ``is_planned``
  ``"no"``, a negative ``length``, a landing-point id that is a list): read through
  :func:`cablemap._validate.parse_year`, :func:`~cablemap._validate.parse_flag` and
  :func:`~cablemap._validate.parse_non_negative`, the same rules as for analysts' files;
- Hong Kong and Macau filed under "China" (see :mod:`cablemap.layers.iso_codes`);
- owner and supplier strings with odd spacing and several spellings of one company
  (resolved through :mod:`cablemap.layers.vendors`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from cablemap import settings
from cablemap._errors import EmptyLayerError, SourceFormatError
from cablemap._geo import geodesic_km, geodesic_m
from cablemap._validate import (
    LoadReport,
    absent_field_count,
    is_missing,
    parse_flag,
    parse_non_negative,
    parse_year,
    short_repr,
)
from cablemap.layers._geometry import check_point, clean_route
from cablemap.layers.iso_codes import assign_iso3
from cablemap.layers.vendors import canonical_vendor, count_unregistered, split_names

logger = logging.getLogger(__name__)

TG_SOURCE = "TeleGeography Submarine Cable Map"
TG_ATTRIBUTION = "© TeleGeography, CC BY-NC-SA 3.0"
_RFS = re.compile(r"^\s*(\d{4})(?!\d)(?:\s+([A-Za-z]+))?")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_CABLE_SKIP = frozenset({"all.json", "cable-geo.json", "search.json"})
_POINT_SKIP = frozenset({"all.json", "landing-point-geo.json", "search.json"})

Version = Literal["v2", "v3", "geometry"]


def detect_version(path: str | Path) -> Version | None:
    """Tell whether a directory is a TeleGeography API v2 or v3 copy, or geometry only.

    Parameters
    ----------
    path
        A directory.

    Returns
    -------
    {"v2", "v3", "geometry"} or None
        ``"geometry"`` for a copy with the geometry files but no per-cable files
        (:mod:`cablemap.layers.geometry_release`); ``None`` when the directory has no
        ``cable/cable-geo.json``.
    """
    root = Path(path)
    geo = root / "cable" / "cable-geo.json"
    if not (geo.exists() or geo.is_symlink()):  # a directory or pipe is reported on reading
        return None
    if not _json_files(root / "cable", _CABLE_SKIP):
        return "geometry"
    if (root / "supplier").is_dir() or (root / "status").is_dir():
        return "v3"
    if (root / "config.json").is_file() or (root / "ready-for-service").is_dir():
        return "v2"
    # Fall back on the shape of the first readable cable file: v2 has cable_id.
    for cable_file in _json_files(root / "cable", _CABLE_SKIP):
        if cable_file.name not in _CABLE_SKIP:
            record, problem = _json_or_problem(cable_file)
            if problem is None:
                return "v2" if isinstance(record, dict) and "cable_id" in record else "v3"
    return "v3"


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _json_names(folder: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """List the ``*.json`` entry names of a folder (any kind: checked on reading), sorted.

    One ``scandir`` and a sort of plain strings: ``sorted(folder.glob(...))`` builds and
    compares ``Path`` objects, which cost a tenth of the whole load of a release.
    """
    try:
        with os.scandir(folder) as entries:
            return sorted(
                e.name for e in entries if e.name.endswith(".json") and e.name not in skip
            )
    except (FileNotFoundError, NotADirectoryError):
        return []


def _json_files(folder: Path, skip: frozenset[str] = frozenset()) -> list[Path]:
    """Like :func:`_json_names`, as paths."""
    return [folder / name for name in _json_names(folder, skip)]


def _file_problem(path: str | Path) -> str | None:
    """Say why ``path`` is no regular file to read, without opening it; ``None`` if it is one.

    Symlinks are followed; a loop or a dangling link is a problem, as is anything but a
    regular file (a directory or named pipe called ``x.json`` would fail or block on open).
    """
    try:
        mode = os.stat(path).st_mode  # noqa: PTH116 - strings: no pathlib overhead per file
    except FileNotFoundError:
        return "does not exist" if not Path(path).is_symlink() else "is a dangling symlink"
    except OSError as exc:  # ELOOP (a symlink loop), EACCES, ENAMETOOLONG, ...
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "a special file")
    return f"is not a regular file ({kind})"


def _json_or_problem(path: str | Path) -> tuple[Any, str | None]:
    """Read a JSON file: ``(data, None)``, or ``(None, why it cannot be read)``."""
    problem = _file_problem(path)
    if problem is not None:
        return None, problem
    try:
        with open(path, "rb") as fh:  # noqa: PTH123 - many small files: no pathlib overhead
            data = fh.read()
        return json.loads(data.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        return None, f"is not UTF-8 text: {exc.reason} at byte {exc.start}"
    except ValueError as exc:  # json.JSONDecodeError, or an integer of > 4300 digits
        return None, f"is not valid JSON: {exc}"
    except RecursionError:
        return None, "is not valid JSON: nested too deeply"
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"


def _read_json(path: Path) -> Any:
    """Read a JSON file the copy needs; raise :class:`SourceFormatError` if it cannot be read."""
    data, problem = _json_or_problem(path)
    if problem is not None:
        msg = f"{str(path)!r} {problem}"
        raise SourceFormatError(msg)
    return data


def _read_geo(path: Path, id_field: str, report: LoadReport) -> gpd.GeoDataFrame:
    problem = _file_problem(path)
    if problem is not None:
        msg = f"{str(path)!r} {problem}; a TeleGeography copy needs it"
        raise SourceFormatError(msg)
    try:
        with warnings.catch_warnings():
            # GDAL warns once when features repeat an "id"; the loader reports each repeat itself
            warnings.filterwarnings("ignore", "Several features with id", RuntimeWarning)
            # a feature GEOS cannot build (a line of one point) reads as None: recovered below
            frame = pyogrio.read_dataframe(path, on_invalid="ignore")
    except Exception as exc:  # pyogrio raises several GDAL error types
        msg = f"{str(path)!r} could not be read as GeoJSON: {exc}"
        raise SourceFormatError(msg) from None
    if frame.empty and id_field not in frame.columns:
        frame[id_field] = pd.Series(dtype="string")  # a copy with no routes at all
    if id_field not in frame.columns:
        msg = (
            f"{str(path)!r}: features have no {id_field!r} property "
            f"(found {sorted(c for c in frame.columns if c != 'geometry')})"
        )
        raise SourceFormatError(msg)
    if frame.geometry.isna().any():
        _recover_geometries(frame, path, id_field, report)
    return frame


def _recover_geometries(
    frame: gpd.GeoDataFrame, path: Path, id_field: str, report: LoadReport
) -> None:
    """Rebuild, from the GeoJSON text, the line features GEOS refused; drop their bad parts.

    A feature whose geometry is null in the file stays ``None`` (the caller reports it).
    """
    rows = np.flatnonzero(frame.geometry.isna().to_numpy())
    data, problem = _json_or_problem(path)
    features = data.get("features") if problem is None and isinstance(data, dict) else None
    if not isinstance(features, list) or len(features) != len(frame):
        return  # cannot match rows to features: the None geometries are reported as empty
    file = str(path)
    geoms = list(frame.geometry)
    for i in rows:
        feature = features[i] if isinstance(features[i], dict) else {}
        raw = feature.get("geometry")
        if raw is None:
            continue
        props = found if isinstance(found := feature.get("properties"), dict) else {}
        record = str(props.get(id_field, f"feature {i}"))
        label = str(props.get("feature_id", props.get(id_field, i)))
        geom, dropped = _lines_from_geojson(raw)
        for detail in dropped:
            report.add(
                "warning",
                file,
                record,
                "geometry",
                f"invalid geometry: feature {label!r} {detail}; that part dropped",
            )
        if geom is None and not dropped:
            kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
            report.add(
                "warning",
                file,
                record,
                "geometry",
                f"invalid geometry: feature {label!r} ({kind}) cannot be built; feature skipped",
            )
        geoms[i] = geom
    frame["geometry"] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)


def _lines_from_geojson(raw: object) -> tuple[shapely.MultiLineString | None, list[str]]:
    """Build a (Multi)LineString part by part, leaving out parts that are no line."""
    if not isinstance(raw, dict) or raw.get("type") not in ("LineString", "MultiLineString"):
        return None, []
    lines = raw.get("coordinates")
    lines = [lines] if raw["type"] == "LineString" else lines
    parts, dropped = [], []
    for j, coords in enumerate(lines if isinstance(lines, list) else []):
        try:
            parts.append(shapely.LineString(coords))
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            n = len(coords) if isinstance(coords, list) else 0
            reason = f"has {n} point(s), a line needs two" if n < 2 else f"cannot be read ({exc})"
            dropped.append(f"part {j} {reason}")
    return (shapely.MultiLineString(parts) if parts else None), dropped


def parse_length_km(value: object) -> float | None:
    """Parse a TeleGeography length such as ``"10,400 km"`` into kilometres.

    Parameters
    ----------
    value
        The raw ``length`` field.

    Returns
    -------
    float or None
        Kilometres, or ``None`` for a missing, ``"n.a."``, negative or unparseable value (the
        loader reports which, through :func:`cablemap._validate.parse_non_negative`).
    """
    return parse_non_negative(value, unit="km")[0]


def parse_rfs(value: object) -> tuple[int | None, int | None]:
    """Parse an RFS field (``"2016 November"``, ``"2023"``, ``2016``) into (year, month).

    Returns
    -------
    tuple of (int or None, int or None)
        Year and month (1-12); ``None`` where absent.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    if not isinstance(value, str):
        return None, None
    match = _RFS.match(value)
    if not match:
        return None, None
    month = _MONTHS.get((match.group(2) or "").lower())
    return int(match.group(1)), month


def _companies(
    raw: object, file: str, record: str, fld: str, report: LoadReport
) -> list[str] | None:
    """Split and resolve company names; ``None`` where the file gives none (``null``)."""
    if raw is None:
        return None  # not reported: missing, not "no company"
    if not isinstance(raw, str):
        report.add("warning", file, record, fld, f"not a string: {raw!r}; read as missing")
        return None
    names: list[str] = []
    for name in split_names(raw):
        canonical, _ = canonical_vendor(name)
        if canonical not in names:
            names.append(canonical)
    return names


def _clean_routes(
    geo: gpd.GeoDataFrame, id_field: str, file: str, report: LoadReport
) -> dict[str, shapely.MultiLineString]:
    """Merge route features per cable, dropping unusable parts (reported).

    Features whose parts are all usable lines (every one in a real release) are checked and
    merged in whole-array operations; the others go through :func:`clean_route` one by one,
    which reports each dropped part.
    """
    ids = np.array([str(i) for i in geo[id_field].astype("string").to_numpy()], dtype=object)
    geoms = geo.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    for cable_id in ids[~present]:
        report.add("warning", file, str(cable_id), "geometry", "empty route feature: ignored")
    feature = np.flatnonzero(present)
    parts, of = shapely.get_parts(geoms[feature], return_index=True)
    usable = _usable_parts(parts)
    clean = np.ones(len(feature), dtype=bool)
    np.logical_and.at(clean, of, usable)
    part_lists: list[np.ndarray] = [parts[clean[of]]]
    owners: list[np.ndarray] = [feature[of[clean[of]]]]
    for i in feature[~clean]:  # report part by part, exactly as for analysts' files
        kept = clean_route(geoms[i], file=file, record=str(ids[i]), report=report)
        part_lists.append(np.array(kept, dtype=object))
        owners.append(np.full(len(kept), i))
    all_parts = np.concatenate(part_lists)
    feature_of = np.concatenate(owners).astype(int)
    if not len(all_parts):
        return {}
    codes, names = pd.factorize(ids[feature_of], sort=False)
    order = np.lexsort((feature_of, codes))  # by cable, parts in file order
    merged = np.asarray(shapely.multilinestrings(all_parts[order], indices=codes[order]))
    return dict(zip((str(n) for n in names), merged, strict=True))


def _usable_parts(parts: np.ndarray) -> np.ndarray:
    """Which parts are lines of at least two distinct, finite, in-range points."""
    if not len(parts):
        return np.zeros(0, dtype=bool)
    is_line = shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING
    xy, part = shapely.get_coordinates(parts, return_index=True)
    ok = np.isfinite(xy).all(axis=1) & (np.abs(xy) <= (180.0, 90.0)).all(axis=1)
    good = np.ones(len(parts), dtype=bool)
    np.logical_and.at(good, part, ok)
    starts = np.searchsorted(part, np.arange(len(parts)))
    first = xy[np.minimum(starts, max(len(xy) - 1, 0))]
    moves = (xy != first[part]).any(axis=1)
    distinct = np.zeros(len(parts), dtype=bool)
    np.logical_or.at(distinct, part, moves)
    return is_line & good & distinct


def _landing_points_geo(
    geo: gpd.GeoDataFrame, id_field: str, file: str, report: LoadReport
) -> dict[str, dict[str, Any]]:
    points: dict[str, dict[str, Any]] = {}
    geoms = geo.geometry.to_numpy()
    # whole-array check; check_point reports the unusable ones
    usable = shapely.get_type_id(geoms) == shapely.GeometryType.POINT
    usable &= ~shapely.is_empty(geoms)
    xy = np.full((len(geoms), 2), np.nan)
    xy[usable] = shapely.get_coordinates(geoms[usable])
    usable &= np.isfinite(xy).all(axis=1) & (np.abs(xy) <= (180.0, 90.0)).all(axis=1)
    columns = {
        name: geo[name].to_numpy(dtype=object) if name in geo.columns else np.full(len(geo), None)
        for name in (id_field, "name", "is_tbd")
    }
    for raw_id, name, flag, geom, ok in zip(
        columns[id_field], columns["name"], columns["is_tbd"], geoms, usable, strict=True
    ):
        if is_missing(raw_id):
            report.add("error", file, "?", id_field, "landing point feature without an id; skipped")
            continue
        lp_id = str(raw_id)
        if not ok and not check_point(geom, file=file, record=lp_id, report=report):
            continue
        if lp_id in points:
            first = points[lp_id]["geometry"]
            dist = geodesic_m(first.x, first.y, geom.x, geom.y)
            report.add(
                "warning",
                file,
                lp_id,
                "geometry",
                f"duplicate feature: repeats the landing point {dist:.0f} m away; kept the first",
            )
            continue
        is_tbd, problem = (bool(flag), None) if isinstance(flag, bool) else parse_flag(flag)
        if problem is not None:
            report.add("warning", file, lp_id, "is_tbd", f"{problem}; ignored")
        points[lp_id] = {
            "name": name if isinstance(name, str) else None,
            "is_tbd": bool(is_tbd),
            "geometry": geom,
        }
    return points


def _country_from_name(name: str, known: set[str]) -> str:
    """Take the longest trailing comma-separated part of a place name that is a country."""
    parts = [p.strip() for p in name.split(",")]
    for i in range(1, len(parts)):
        candidate = ", ".join(parts[i:])
        if candidate in known:
            return candidate
    return parts[-1] if len(parts) > 1 else ""


def layers_from_telegeography(
    path: str | Path, *, end_km: float | None = None, pass_km: float | None = None
) -> dict[str, Any]:
    """Load a TeleGeography API v2 or v3 directory into the canonical layers.

    Parameters
    ----------
    path
        The copy's root directory (holding ``cable/`` and ``landing-point/``). A copy with
        only the geometry files is read by
        :func:`cablemap.layers.geometry_release.layers_from_geometry_release` (which builds on
        this module's readers; :func:`cablemap.load` picks the reader).
    end_km, pass_km
        Geometry-only copies: thresholds of the membership inference (km).

    Returns
    -------
    dict
        ``cables``, ``landing_points`` (GeoDataFrames in EPSG:4326), ``cable_landings``
        (DataFrame), ``report`` (:class:`~cablemap._validate.LoadReport`), ``sources``
        (provenance and licence of each layer).

    Raises
    ------
    SourceFormatError
        If the directory is no TeleGeography copy, holds only the geometry files, or a file
        it needs is missing or malformed.
    EmptyLayerError
        If no cable could be read.
    """
    root = Path(path)
    version = detect_version(root)
    if version is None:
        msg = f"{str(root)!r} is not a TeleGeography copy: no 'cable/cable-geo.json' in it"
        raise SourceFormatError(msg)
    if version == "geometry":
        msg = (
            f"{str(root)!r} holds only the geometry files: read it with "
            "cablemap.layers.geometry_release.layers_from_geometry_release (cablemap.load does)"
        )
        raise SourceFormatError(msg)
    report = LoadReport()
    id_field = "id" if version == "v3" else "slug"

    lp_geo_file = root / "landing-point" / "landing-point-geo.json"
    lp_geo = _landing_points_geo(
        _read_geo(lp_geo_file, id_field, report), id_field, str(lp_geo_file), report
    )
    cable_geo_file = root / "cable" / "cable-geo.json"
    routes = _clean_routes(
        _read_geo(cable_geo_file, id_field, report), id_field, str(cable_geo_file), report
    )

    release = _release_meta(root, version, report)
    per_point = _per_point_records(root, report)
    cable_files = _json_files(root / "cable", _CABLE_SKIP)
    cable_rows, links, lp_info, first_file = _read_cables(
        cable_files, routes=routes, geo_file=str(cable_geo_file), release=release, report=report
    )
    if not cable_rows:
        msg = f"{str(root)!r}: no cable could be read from {len(cable_files)} cable file(s)"
        raise EmptyLayerError(msg)
    for cable_id in sorted(set(routes) - {r["cable_id"] for r in cable_rows}):
        report.add(
            "warning",
            str(cable_geo_file),
            cable_id,
            "id",
            "route without a cable file: not loaded as a cable",
        )

    lp_rows = _landing_point_rows(
        root, release, lp_geo=lp_geo, lp_info=lp_info, per_point=per_point, report=report
    )
    located = {row["lp_id"] for row in lp_rows}
    kept_links = []
    for cable_id, lp_id in dict.fromkeys(links):
        if lp_id in located:
            kept_links.append((cable_id, lp_id))
        else:
            report.add(
                "error",
                str(first_file[cable_id]),
                cable_id,
                "landing_points",
                f"references landing point {lp_id!r}, which has no coordinates in "
                f"{lp_geo_file.name}: link skipped",
            )

    cables = gpd.GeoDataFrame(cable_rows, geometry="geometry", crs=settings.default_crs)
    cables["rfs_year"] = cables["rfs_year"].astype("Int64")
    cables["length_km"] = cables["length_km"].astype(float)
    cables.insert(
        cables.columns.get_loc("length_km") + 1, "route_km", geodesic_km(list(cables.geometry))
    )
    landing_points = gpd.GeoDataFrame(lp_rows, geometry="geometry", crs=settings.default_crs)
    cable_landings = pd.DataFrame(kept_links, columns=["cable_id", "lp_id"])
    count_unregistered(cables, report)
    report.count("cables loaded", len(cables))
    report.count("landing points loaded", len(landing_points))
    report.count("cable landings loaded", len(cable_landings))
    logger.info(
        "Loaded %d cables and %d landing points from %r (TeleGeography %s)",
        len(cables),
        len(landing_points),
        str(root),
        version,
    )
    provenance: dict[str, Any] = {
        "source": TG_SOURCE,
        "source_version": release.source_version,
        "path": str(root),
        "licence": "CC BY-NC-SA 3.0",
        "attribution": TG_ATTRIBUTION,
    }
    if version == "v2":  # API v2 cable files carry no suppliers
        provenance["absent_fields"] = ["suppliers"]
        report.count(absent_field_count("suppliers", "an API v2 release"), len(cables))
    for fld in ("owners", "suppliers"):
        gaps = int(cables[fld].isna().sum())
        if gaps and fld not in provenance.get("absent_fields", ()):
            report.count(f"cables without {fld} (null in the cable file; left missing)", gaps)
    return {
        "cables": cables,
        "landing_points": landing_points,
        "cable_landings": cable_landings,
        "report": report,
        "sources": {"cables": provenance, "landing_points": provenance},
    }


def _read_cables(
    cable_files: list[Path],
    *,
    routes: dict[str, shapely.MultiLineString],
    geo_file: str,
    release: _Release,
    report: LoadReport,
) -> tuple[list[dict[str, Any]], list[tuple[str, str]], dict[str, dict[str, Any]], dict[str, Path]]:
    """Read the cable files; report (and skip) unreadable ones and repeated ids.

    Returns
    -------
    tuple
        Cable rows, (cable, landing point) links, what the cables say of each landing point,
        and the file each cable id came from.
    """
    cable_rows: list[dict[str, Any]] = []
    links: list[tuple[str, str]] = []
    lp_info: dict[str, dict[str, Any]] = {}
    first_file: dict[str, Path] = {}
    for cable_file in cable_files:
        row = _cable_row(cable_file, release, report)
        if row is None:
            continue
        if row["cable_id"] in first_file:
            report.add(
                "error",
                str(cable_file),
                row["cable_id"],
                "id",
                f"duplicate id: {first_file[row['cable_id']].name} has it too; cable skipped",
            )
            continue
        first_file[row["cable_id"]] = cable_file
        row["geometry"] = routes.get(row["cable_id"])
        if row["geometry"] is None:
            report.add(
                "warning",
                geo_file,
                row["cable_id"],
                "geometry",
                "no drawn route: the cable is kept without geometry",
            )
        landings = row.pop("_landings")
        links.extend(
            _collect_landings(
                landings,
                file=str(cable_file),
                cable_id=row["cable_id"],
                release=release,
                lp_info=lp_info,
                report=report,
            )
        )
        cable_rows.append(row)
    return cable_rows, links, lp_info, first_file


@dataclass(frozen=True)
class _Release:
    version: Version
    source_version: str
    as_of: tuple[int, int] | None  # (year, month) the copy was made, where known
    country_names: frozenset[str]  # v2: the country names the copy uses


def _release_meta(root: Path, version: Version, report: LoadReport) -> _Release:
    as_of = None
    source_version = f"API {version} ({root.name})"
    names: set[str] = set()
    if version == "v2":
        config_file = root / "config.json"
        if config_file.exists() or config_file.is_symlink():
            config = _read_json(config_file)
            if not isinstance(config, dict):
                msg = f"{str(config_file)!r} holds {type(config).__name__}, not a JSON object"
                raise SourceFormatError(msg)
            created = str(config.get("creation_time", ""))
            if re.match(r"\d{4}-\d{2}", created):
                as_of = (int(created[:4]), int(created[5:7]))
                source_version = f"API v2 ({created[:10]})"
        for country_file in _json_files(root / "country"):
            record, problem = _json_or_problem(country_file)
            if problem is not None:
                report.add(
                    "error",
                    str(country_file),
                    country_file.stem,
                    "(file)",
                    f"file {problem}; skipped",
                )
            elif isinstance(record, dict) and isinstance(record.get("name"), str):
                names.add(record["name"])
    return _Release(version, source_version, as_of, frozenset(names))


def _per_point_records(root: Path, report: LoadReport) -> dict[str, dict[str, Any]]:
    """Read every ``landing-point/<id>.json``; report (and skip) those that cannot be read.

    Only v3 uses them (for a landing point's country where no cable file gives it), but all
    are checked, so that ``cablemap validate`` shows a broken one.
    """
    records: dict[str, dict[str, Any]] = {}
    folder = str(root / "landing-point")
    for name in _json_names(root / "landing-point", _POINT_SKIP):
        lp_file, stem = os.path.join(folder, name), name[: -len(".json")]  # noqa: PTH118
        record, problem = _json_or_problem(lp_file)
        if problem is None and not isinstance(record, dict):
            problem = f"holds {type(record).__name__}, not a JSON object"
        if problem is not None:
            report.add("error", lp_file, stem, "(file)", f"file {problem}; skipped")
            continue
        records[stem] = record
    return records


def _status_and_year(
    record: dict[str, Any], release: _Release, file: str, cable_id: str, report: LoadReport
) -> tuple[str, int | None]:
    reported = False
    if release.version == "v3":
        rfs_year, problem = parse_year(record.get("rfs_year"))
        if problem is not None:
            report.add(
                "warning",
                file,
                cable_id,
                "rfs_year",
                f"{problem}; read as missing (the year comes from 'rfs' where it gives one)",
            )
            reported = True
        if rfs_year is None:
            rfs_year, _ = _rfs_date(record.get("rfs"), file, cable_id, report)
        planned, problem = parse_flag(record.get("is_planned"))
        if problem is not None:
            report.add(
                "warning",
                file,
                cable_id,
                "is_planned",
                f"{problem}; ignored: status in_service, as for a missing flag",
            )
        status = "planned" if planned else "in_service"
    else:
        rfs_year, month = _rfs_date(record.get("rfs"), file, cable_id, report)
        if rfs_year is not None and release.as_of is not None:
            status = "planned" if (rfs_year, month or 12) > release.as_of else "in_service"
        else:
            status = "in_service"
            report.add(
                "warning",
                file,
                cable_id,
                "rfs",
                f"RFS {record.get('rfs')!r} gives no date: status assumed in_service",
            )
    if rfs_year is None and not reported:
        report.add("warning", file, cable_id, "rfs_year", "RFS year not reported")
    return status, rfs_year


def _rfs_date(
    raw: object, file: str, cable_id: str, report: LoadReport
) -> tuple[int | None, int | None]:
    """Parse ``rfs`` into (year, month); an implausible year is reported and read as missing."""
    year, month = parse_rfs(raw)
    if year is None:
        return None, None
    checked, problem = parse_year(year)
    if problem is not None:
        report.add("warning", file, cable_id, "rfs", f"{problem}; read as missing")
        return None, None
    return checked, month


def _cable_row(cable_file: Path, release: _Release, report: LoadReport) -> dict[str, Any] | None:
    """Read one cable file into a row (geometry still unset), or report why not."""
    file = str(cable_file)
    record, problem = _json_or_problem(cable_file)
    if problem is not None:
        report.add("error", file, cable_file.stem, "(file)", f"file {problem}; cable skipped")
        return None
    if not isinstance(record, dict) or not record.get("id"):
        report.add("error", file, cable_file.stem, "id", "malformed record: no 'id'; cable skipped")
        return None
    if not isinstance(record["id"], str):
        report.add(
            "error",
            file,
            cable_file.stem,
            "id",
            f"malformed record: 'id' is {short_repr(record['id'])} of type "
            f"{type(record['id']).__name__}, not text; cable skipped",
        )
        return None
    cable_id = record["id"]
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        report.add("warning", file, cable_id, "name", "missing name: the id is used instead")
        name = cable_id
    raw_length = record.get("length")
    length_km, problem = parse_non_negative(raw_length, unit="km")
    if problem is not None and not (
        isinstance(raw_length, str) and not any(c.isdigit() for c in raw_length)
    ):
        report.add("warning", file, cable_id, "length", f"{problem}; read as missing")
    elif length_km is None:  # missing, or words such as "n.a."
        report.add(
            "warning",
            file,
            cable_id,
            "length",
            f"length not reported: {raw_length!r} read as missing",
        )
    status, rfs_year = _status_and_year(record, release, file, cable_id, report)
    landings = record.get("landing_points") or []
    if not isinstance(landings, list):
        report.add("error", file, cable_id, "landing_points", "not a list; no landings read")
        landings = []
    return {
        "cable_id": cable_id,
        "name": name.strip(),
        "status": status,
        "rfs_year": rfs_year,
        "length_km": length_km,
        "owners": _companies(record.get("owners"), file, cable_id, "owners", report),
        "suppliers": _companies(record.get("suppliers"), file, cable_id, "suppliers", report),
        "route_synthetic": False,
        "source": TG_SOURCE,
        "source_version": release.source_version,
        "geometry": None,
        "_landings": landings,
    }


def _collect_landings(
    landings: list[Any],
    *,
    file: str,
    cable_id: str,
    release: _Release,
    lp_info: dict[str, dict[str, Any]],
    report: LoadReport,
) -> list[tuple[str, str]]:
    """Record what a cable file says of its landing points; return the cable's links."""
    links = []
    for i, entry in enumerate(landings):
        lp_id = entry.get("id") if isinstance(entry, dict) else None
        if not lp_id:
            report.add(
                "error",
                file,
                cable_id,
                "landing_points",
                f"entry {i} without id: {short_repr(entry)}; skipped",
            )
            continue
        if not isinstance(lp_id, str):
            report.add(
                "error",
                file,
                cable_id,
                "landing_points.id",
                f"entry {i}: id {short_repr(lp_id)} is a {type(lp_id).__name__}, not text; "
                "landing point skipped",
            )
            continue
        name = entry.get("name")
        info = lp_info.setdefault(
            lp_id, {"name": name if isinstance(name, str) else None, "country": None}
        )
        country = entry.get("country")
        if isinstance(country, str) and country.strip():
            info["country"] = country
        elif not is_missing(country) and country != "":
            report.add(
                "warning",
                file,
                cable_id,
                "landing_points.country",
                f"entry {i} ({lp_id}): country {short_repr(country)} is not text; ignored",
            )
        is_tbd, problem = parse_flag(entry.get("is_tbd"))
        if problem is not None:
            report.add(
                "warning",
                file,
                cable_id,
                "landing_points.is_tbd",
                f"entry {i} ({lp_id}): {problem}; ignored",
            )
        if is_tbd:
            info["is_tbd"] = True
        if release.version == "v2" and entry.get("latlon") and "latlon" not in info:
            info["latlon"] = entry["latlon"]
        links.append((cable_id, lp_id))
    return links


def _landing_point_rows(
    root: Path,
    release: _Release,
    *,
    lp_geo: dict[str, dict[str, Any]],
    lp_info: dict[str, dict[str, Any]],
    per_point: dict[str, dict[str, Any]],
    report: LoadReport,
) -> list[dict[str, Any]]:
    rows = []
    geo_file = str(root / "landing-point" / "landing-point-geo.json")
    for lp_id in list(lp_geo) + [i for i in lp_info if i not in lp_geo]:
        geo = lp_geo.get(lp_id)
        info = lp_info.get(lp_id, {})
        if geo is None:
            latlon = info.get("latlon")
            point = _point_from_latlon(latlon)
            if point is None:
                continue  # the link is reported as skipped by the caller
            report.add(
                "warning",
                geo_file,
                lp_id,
                "geometry",
                f"not in the geo file: coordinates taken from the cable file's latlon {latlon!r}",
            )
            geo = {"name": info.get("name"), "is_tbd": False, "geometry": point}
        name = geo.get("name") or info.get("name") or lp_id
        country = info.get("country")
        if not country and release.version == "v3":
            country = per_point.get(lp_id, {}).get("country")
            country = country if isinstance(country, str) else None
        if not country:
            country = _country_from_name(str(name), set(release.country_names))
        point = geo["geometry"]
        country, iso3, rule = assign_iso3(str(country or ""), point.x, point.y)
        if rule == "territory":
            report.count(f"landing points reassigned to {iso3} by coordinates")
        elif rule == "unknown":
            report.add(
                "warning",
                geo_file,
                lp_id,
                "country",
                f"unknown country {country!r}: iso3 left empty",
            )
        is_tbd = bool(geo.get("is_tbd") or info.get("is_tbd"))
        if is_tbd:
            report.add(
                "warning",
                geo_file,
                lp_id,
                "is_tbd",
                "landing site to be determined: its coordinates are provisional",
            )
        if lp_id not in lp_info:
            report.add(
                "warning",
                geo_file,
                lp_id,
                "cables",
                "landing point no cable lists: kept, but it joins no cable",
            )
        rows.append(
            {
                "lp_id": lp_id,
                "name": str(name).strip(),
                "country": country or "(unknown)",
                "iso3": iso3,
                "is_tbd": is_tbd,
                "source": TG_SOURCE,
                "source_version": release.source_version,
                "geometry": point,
            }
        )
    return rows


def _point_from_latlon(latlon: object) -> shapely.Point | None:
    if not isinstance(latlon, str) or "," not in latlon:
        return None
    try:
        lat, lon = (float(v) for v in latlon.split(",")[:2])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return shapely.Point(lon, lat)
