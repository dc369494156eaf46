"""Read TeleGeography Submarine Cable Map API directories (v2 and v3) into canonical layers.

A directory holds ``cable/<id>.json`` (one cable each), ``cable/cable-geo.json`` (routes) and
``landing-point/landing-point-geo.json`` (coordinates); v3 adds ``landing-point/<id>.json``
and ``supplier/``, v2 adds ``country/<name>.json`` and ``config.json``. The version is
detected from the files (:func:`detect_version`). Quirks handled, each counted in the report:

- landing points listed by a cable but missing from the geo file (v2: coordinates then come
  from the cable's own ``latlon``; v3: the link is skipped, an error);
- geo files that repeat a landing point (v2 repeats 102): the first is kept;
- ``length`` missing or ``"n.a."``, RFS year missing, ``is_tbd`` landing points;
- cables with no drawn route, route parts that are degenerate or out of range;
- Hong Kong and Macau filed under "China" (see :mod:`cablemap.layers.countries`);
- owner and supplier strings with odd spacing and several spellings of one company
  (resolved through :mod:`cablemap.layers.vendors`).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections import defaultdict
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
from cablemap._validate import LoadReport
from cablemap.layers._geometry import check_point, clean_route, geodesic_km, geodesic_m
from cablemap.layers.countries import assign_iso3
from cablemap.layers.vendors import canonical_vendor, count_unregistered, split_names

logger = logging.getLogger(__name__)

TG_SOURCE = "TeleGeography Submarine Cable Map"
TG_ATTRIBUTION = "© TeleGeography, CC BY-NC-SA 3.0"
_LENGTH = re.compile(r"^\s*([\d,.]+)\s*km\s*$", re.IGNORECASE)
_RFS = re.compile(r"^\s*(\d{4})(?:\s+([A-Za-z]+))?")
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

Version = Literal["v2", "v3"]


def detect_version(path: str | Path) -> Version | None:
    """Tell whether a directory is a TeleGeography API v2 or v3 copy.

    Parameters
    ----------
    path
        A directory.

    Returns
    -------
    {"v2", "v3"} or None
        ``None`` when the directory has no ``cable/cable-geo.json``.
    """
    root = Path(path)
    if not (root / "cable" / "cable-geo.json").is_file():
        return None
    if (root / "supplier").is_dir() or (root / "status").is_dir():
        return "v3"
    if (root / "config.json").is_file() or (root / "ready-for-service").is_dir():
        return "v2"
    # Fall back on the shape of one cable file: v2 has cable_id and latlon per landing point.
    for cable_file in sorted((root / "cable").glob("*.json")):
        if cable_file.name not in _CABLE_SKIP:
            record = _read_json(cable_file)
            return "v2" if isinstance(record, dict) and "cable_id" in record else "v3"
    return "v3"


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        msg = f"{str(path)!r} does not exist"
        raise SourceFormatError(msg) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg = f"{str(path)!r} is not valid JSON: {exc}"
        raise SourceFormatError(msg) from None


def _read_geo(path: Path, id_field: str) -> gpd.GeoDataFrame:
    if not path.is_file():
        msg = f"{str(path)!r} does not exist; a TeleGeography copy needs it"
        raise SourceFormatError(msg)
    try:
        with warnings.catch_warnings():
            # GDAL warns once when features repeat an "id"; the loader reports each repeat itself
            warnings.filterwarnings("ignore", "Several features with id", RuntimeWarning)
            frame = pyogrio.read_dataframe(path)
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
    return frame


def parse_length_km(value: object) -> float | None:
    """Parse a TeleGeography length such as ``"10,400 km"`` into kilometres.

    Parameters
    ----------
    value
        The raw ``length`` field.

    Returns
    -------
    float or None
        Kilometres, or ``None`` for a missing, ``"n.a."`` or unparseable value.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _LENGTH.match(value)
    return float(match.group(1).replace(",", "")) if match else None


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


def _companies(raw: object, file: str, record: str, fld: str, report: LoadReport) -> list[str]:
    names = []
    for name in split_names(raw if isinstance(raw, str) else None):
        canonical, _ = canonical_vendor(name)
        if canonical not in names:
            names.append(canonical)
    if raw is not None and not isinstance(raw, str):
        report.add("warning", file, record, fld, f"not a string: {raw!r}; read as empty")
    return names


def _clean_routes(
    geo: gpd.GeoDataFrame, id_field: str, file: str, report: LoadReport
) -> dict[str, shapely.MultiLineString]:
    """Merge route features per cable, dropping unusable parts (reported)."""
    parts_by_cable: dict[str, list[shapely.LineString]] = defaultdict(list)
    ids = geo[id_field].astype("string").to_numpy()
    for cable_id, geom in zip(ids, geo.geometry.to_numpy(), strict=True):
        if geom is None or geom.is_empty:
            report.add("warning", file, str(cable_id), "geometry", "empty route feature: ignored")
            continue
        parts_by_cable[str(cable_id)].extend(
            clean_route(geom, file=file, record=str(cable_id), report=report)
        )
    return {cid: shapely.MultiLineString(parts) for cid, parts in parts_by_cable.items() if parts}


def _landing_points_geo(
    geo: gpd.GeoDataFrame, id_field: str, file: str, report: LoadReport
) -> dict[str, dict[str, Any]]:
    points: dict[str, dict[str, Any]] = {}
    for row in geo.itertuples(index=False):
        lp_id = getattr(row, id_field)
        geom = row.geometry
        if lp_id is None or (isinstance(lp_id, float) and np.isnan(lp_id)):
            report.add("error", file, "?", id_field, "landing point feature without an id; skipped")
            continue
        lp_id = str(lp_id)
        if not check_point(geom, file=file, record=lp_id, report=report):
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
        points[lp_id] = {
            "name": getattr(row, "name", None),
            "is_tbd": bool(getattr(row, "is_tbd", False) or False),
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


def layers_from_telegeography(path: str | Path) -> dict[str, Any]:
    """Load a TeleGeography API v2 or v3 directory into the canonical layers.

    Parameters
    ----------
    path
        The copy's root directory (holding ``cable/`` and ``landing-point/``).

    Returns
    -------
    dict
        ``cables``, ``landing_points`` (GeoDataFrames in EPSG:4326), ``cable_landings``
        (DataFrame), ``report`` (:class:`~cablemap._validate.LoadReport`), ``sources``
        (provenance and licence of each layer).

    Raises
    ------
    SourceFormatError
        If the directory is no TeleGeography copy or a file it needs is missing or malformed.
    EmptyLayerError
        If no cable could be read.
    """
    root = Path(path)
    version = detect_version(root)
    if version is None:
        msg = f"{str(root)!r} is not a TeleGeography copy: no 'cable/cable-geo.json' in it"
        raise SourceFormatError(msg)
    report = LoadReport()
    id_field = "id" if version == "v3" else "slug"

    lp_geo_file = root / "landing-point" / "landing-point-geo.json"
    lp_geo = _landing_points_geo(
        _read_geo(lp_geo_file, id_field), id_field, str(lp_geo_file), report
    )
    cable_geo_file = root / "cable" / "cable-geo.json"
    routes = _clean_routes(
        _read_geo(cable_geo_file, id_field), id_field, str(cable_geo_file), report
    )

    release = _release_meta(root, version)
    cable_rows: list[dict[str, Any]] = []
    links: list[tuple[str, str]] = []
    lp_info: dict[str, dict[str, Any]] = {}
    cable_files = sorted(f for f in (root / "cable").glob("*.json") if f.name not in _CABLE_SKIP)
    for cable_file in cable_files:
        row = _cable_row(cable_file, release, report)
        if row is None:
            continue
        row["geometry"] = routes.get(row["cable_id"])
        if row["geometry"] is None:
            report.add(
                "warning",
                str(cable_geo_file),
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

    lp_rows = _landing_point_rows(root, release, lp_geo, lp_info, report)
    located = {row["lp_id"] for row in lp_rows}
    kept_links = []
    for cable_id, lp_id in dict.fromkeys(links):
        if lp_id in located:
            kept_links.append((cable_id, lp_id))
        else:
            report.add(
                "error",
                str(root / "cable" / f"{cable_id}.json"),
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
    provenance = {
        "source": TG_SOURCE,
        "source_version": release.source_version,
        "path": str(root),
        "licence": "CC BY-NC-SA 3.0",
        "attribution": TG_ATTRIBUTION,
    }
    return {
        "cables": cables,
        "landing_points": landing_points,
        "cable_landings": cable_landings,
        "report": report,
        "sources": {"cables": provenance, "landing_points": provenance},
    }


@dataclass(frozen=True)
class _Release:
    version: Version
    source_version: str
    as_of: tuple[int, int] | None  # (year, month) the copy was made, where known
    country_names: frozenset[str]  # v2: the country names the copy uses


def _release_meta(root: Path, version: Version) -> _Release:
    as_of = None
    source_version = f"API {version} ({root.name})"
    names: set[str] = set()
    if version == "v2":
        config_file = root / "config.json"
        if config_file.is_file():
            created = str(_read_json(config_file).get("creation_time", ""))
            if re.match(r"\d{4}-\d{2}", created):
                as_of = (int(created[:4]), int(created[5:7]))
                source_version = f"API v2 ({created[:10]})"
        for country_file in (root / "country").glob("*.json"):
            record = _read_json(country_file)
            if isinstance(record, dict) and isinstance(record.get("name"), str):
                names.add(record["name"])
    return _Release(version, source_version, as_of, frozenset(names))


def _status_and_year(
    record: dict[str, Any], release: _Release, file: str, cable_id: str, report: LoadReport
) -> tuple[str, int | None]:
    if release.version == "v3":
        rfs_year = record.get("rfs_year")
        rfs_year = rfs_year if isinstance(rfs_year, int) else parse_rfs(record.get("rfs"))[0]
        status = "planned" if record.get("is_planned") else "in_service"
    else:
        rfs_year, month = parse_rfs(record.get("rfs"))
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
    if rfs_year is None:
        report.add("warning", file, cable_id, "rfs_year", "RFS year not reported")
    return status, rfs_year


def _cable_row(cable_file: Path, release: _Release, report: LoadReport) -> dict[str, Any] | None:
    """Read one cable file into a row (geometry still unset), or report why not."""
    file = str(cable_file)
    try:
        record = _read_json(cable_file)
    except SourceFormatError as exc:
        report.add(
            "error", file, cable_file.stem, "(file)", f"malformed file: {exc}; cable skipped"
        )
        return None
    if not isinstance(record, dict) or not record.get("id"):
        report.add("error", file, cable_file.stem, "id", "malformed record: no 'id'; cable skipped")
        return None
    cable_id = str(record["id"])
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        report.add("warning", file, cable_id, "name", "missing name: the id is used instead")
        name = cable_id
    length_km = parse_length_km(record.get("length"))
    if length_km is None:
        report.add(
            "warning",
            file,
            cable_id,
            "length",
            f"length not reported: {record.get('length')!r} read as missing",
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
    for entry in landings:
        lp_id = entry.get("id") if isinstance(entry, dict) else None
        if not lp_id:
            report.add(
                "error", file, cable_id, "landing_points", f"entry without id: {entry!r}; skipped"
            )
            continue
        info = lp_info.setdefault(lp_id, {"name": entry.get("name"), "country": None})
        if entry.get("country"):
            info["country"] = entry["country"]
        if entry.get("is_tbd"):
            info["is_tbd"] = True
        if release.version == "v2" and entry.get("latlon") and "latlon" not in info:
            info["latlon"] = entry["latlon"]
        links.append((cable_id, str(lp_id)))
    return links


def _landing_point_rows(
    root: Path,
    release: _Release,
    lp_geo: dict[str, dict[str, Any]],
    lp_info: dict[str, dict[str, Any]],
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
            lp_file = root / "landing-point" / f"{lp_id}.json"
            if lp_file.is_file():
                country = (_read_json(lp_file) or {}).get("country")
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
