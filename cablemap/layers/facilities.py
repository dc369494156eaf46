"""Data centres, exchanges and cloud regions: the ``facilities`` layer.

Schema (GeoDataFrame, EPSG:4326, one row per facility):
``fac_id`` (unique, prefixed by source: ``pdb:123``, ``osm:way/456``, ``cloud:aws:ap-southeast-1``),
``name``, ``kind`` (``data_centre``, ``exchange``, ``cloud_region``, ``landing_station``),
``operator`` (canonical where the vendor registry knows it), ``operator_home_iso3``
(registry; empty where unknown), ``iso3``, ``city``, ``networks`` and ``exchanges`` (PeeringDB
counts, 0 elsewhere), ``source``, ``geometry`` (Point; the representative point of a building
outline) and ``footprint`` (the outline where OpenStreetMap has one, for maps).

Sources: PeeringDB (API JSON ``fac``/``org``/``ix``/``ixfac`` objects, or its KMZ export, or a
CSV flattened from the KMZ), OpenStreetMap (:mod:`cablemap.layers.osm`), and the cloud-region
table shipped with cablemap (``geodata/sample/cloud_regions.csv``). Records without usable
coordinates are skipped and reported; duplicates across sources are merged
(:func:`merge_facilities`) and every merge is reported.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap import settings
from cablemap._errors import EmptyLayerError, SourceFormatError
from cablemap._geo import geodesic_m
from cablemap._text import slug
from cablemap._validate import LoadReport
from cablemap.layers.iso_codes import iso3_from_name
from cablemap.layers.vendors import canonical_vendor, vendor_registry

logger = logging.getLogger(__name__)

FACILITY_COLUMNS = (
    "fac_id",
    "name",
    "kind",
    "operator",
    "operator_home_iso3",
    "iso3",
    "city",
    "networks",
    "exchanges",
    "source",
)
FACILITY_KINDS = ("data_centre", "exchange", "cloud_region", "landing_station")
PEERINGDB_SOURCE = "PeeringDB"
_KML = "{http://www.opengis.net/kml/2.2}"


def _iso3(code: object) -> str | None:
    """ISO3 from an ISO alpha-2 code (PeeringDB) or a country name."""
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip()
    if len(code) == 2:
        import pycountry  # noqa: PLC0415 - pycountry is already loaded by countries

        found = pycountry.countries.get(alpha_2=code.upper())
        return str(found.alpha_3) if found else None
    return iso3_from_name(code)


def _operator(name: object) -> tuple[str, str]:
    if not isinstance(name, str) or not name.strip():
        return "", ""
    canonical, known = canonical_vendor(name)
    home = vendor_registry()[canonical].home_iso3 if known else ""
    return canonical, home


def _frame(rows: list[dict[str, Any]], report: LoadReport, what: str) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.default_crs)
    if frame.empty:
        msg = f"{what}: no facility with usable coordinates"
        raise EmptyLayerError(msg)
    if "footprint" not in frame.columns:
        frame["footprint"] = None
    report.count(f"facilities loaded from {what}", len(frame))
    return frame[[*FACILITY_COLUMNS, "geometry", "footprint"]]


def _point(lat: object, lon: object) -> shapely.Point | None:
    try:
        y, x = float(lat), float(lon)  # type: ignore[arg-type]  # any value: TypeError is caught
    except (TypeError, ValueError):
        return None
    if not (np.isfinite([x, y]).all() and -180 <= x <= 180 and -90 <= y <= 90) or (
        x == 0 and y == 0
    ):
        return None
    return shapely.Point(x, y)


def _peeringdb_row(  # noqa: PLR0917 - one positional per PeeringDB field
    fac_id: object,
    name: str,
    org: str,
    city: str,
    country: str,
    lat: object,
    lon: object,
    nets: str | float | None,
    ixs: str | float | None,
    *,
    file: str,
    report: LoadReport,
) -> dict[str, Any] | None:
    point = _point(lat, lon)
    if point is None:
        report.add(
            "error",
            file,
            f"fac {fac_id}",
            "latitude/longitude",
            f"facility without usable coordinates ({lat!r}, {lon!r}); skipped",
        )
        return None
    iso3 = _iso3(country)
    if iso3 is None:
        report.add(
            "warning",
            file,
            f"fac {fac_id}",
            "country",
            f"unknown country {country!r}: iso3 left empty",
        )
    operator, home = _operator(org)
    return {
        "fac_id": f"pdb:{fac_id}",
        "name": (name or org or f"PeeringDB facility {fac_id}").strip(),
        "kind": "data_centre",
        "operator": operator,
        "operator_home_iso3": home,
        "iso3": iso3,
        "city": city or "",
        "networks": int(float(nets or 0)),
        "exchanges": int(float(ixs or 0)),
        "source": f"{PEERINGDB_SOURCE} https://www.peeringdb.com/fac/{fac_id}",
        "geometry": point,
    }


def _api_objects(path: Path, kind: str) -> list[dict[str, Any]]:
    """Return the ``data`` list of a PeeringDB API dump file (``fac-0.json``), if present."""
    for candidate in (path / f"{kind}-0.json", path / f"{kind}.json"):
        if candidate.is_file():
            try:
                payload = json.loads(candidate.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                msg = f"{str(candidate)!r} is not valid JSON: {exc}"
                raise SourceFormatError(msg) from None
            data = payload.get("data") if isinstance(payload, dict) else None
            if not isinstance(data, list):
                msg = f"{str(candidate)!r}: expected a PeeringDB API object {{'data': [...]}}"
                raise SourceFormatError(msg)
            return data
    return []


def facilities_from_peeringdb(
    path: str | Path, *, report: LoadReport | None = None
) -> gpd.GeoDataFrame:
    """Read PeeringDB facilities.

    Parameters
    ----------
    path
        A directory with API dump files (``fac-0.json`` and optionally ``org-0.json``,
        ``ixfac-0.json``), or PeeringDB's KMZ export (``peeringdb.kmz``), or a CSV flattened
        from it (columns ``fac_id``, ``org_name``, ``latitude``, ``longitude``, ``country``...).
        A directory without ``fac-0.json`` but with one ``.kmz`` (PeeringDB's public cache)
        is read through that KMZ, and the load report says so.
    report
        Receives skipped and repaired records (a new one if omitted).

    Returns
    -------
    GeoDataFrame
        The ``facilities`` layer (kind ``data_centre``).

    Raises
    ------
    SourceFormatError
        If the path is none of these or is malformed; for a folder with neither
        ``fac-0.json`` nor one ``.kmz``, the message names the files it holds to pass instead.
    EmptyLayerError
        If no facility has usable coordinates.
    """
    path = Path(path)
    report = LoadReport() if report is None else report
    if path.is_dir():
        return _from_folder(path, report)
    if path.suffix.lower() == ".kmz":
        return _from_kmz(path, report)
    if path.suffix.lower() == ".csv":
        return _from_csv(path, report)
    msg = f"{str(path)!r} is no PeeringDB source: expected an API dump folder, a .kmz or a .csv"
    raise SourceFormatError(msg)


def peeringdb_files(folder: str | Path) -> tuple[Path | None, list[Path], list[Path]]:
    """Return what a PeeringDB folder holds: its API dump, its KMZ exports, its flattened CSVs.

    Parameters
    ----------
    folder
        A folder (``cablemap fetch peeringdb`` writes the API dump; PeeringDB's public cache
        has ``peeringdb.kmz`` and no ``fac-0.json``).

    Returns
    -------
    tuple
        The ``fac-0.json`` (or ``fac.json``) file or ``None``, the ``.kmz`` files and the CSV
        files with a ``fac_id`` column, each sorted by name.
    """
    folder = Path(folder)
    dump = next((f for f in (folder / "fac-0.json", folder / "fac.json") if f.is_file()), None)
    kmz = sorted(f for f in folder.glob("*.kmz") if f.is_file())
    csvs = [f for f in sorted(folder.glob("*.csv")) if f.is_file() and _has_fac_id(f)]
    return dump, kmz, csvs


def _has_fac_id(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as fh:
        return "fac_id" in fh.readline().split(",")


def _from_folder(path: Path, report: LoadReport) -> gpd.GeoDataFrame:
    """Read a PeeringDB folder: its API dump, else its one KMZ export (counted as such)."""
    dump, kmz, csvs = peeringdb_files(path)
    if dump is not None:
        return _from_api_dump(path, report)
    if len(kmz) == 1:
        report.count(f"PeeringDB folder without fac-0.json: read its KMZ export {kmz[0].name!r}")
        logger.info("No fac-0.json in %r: reading %r", str(path), str(kmz[0]))
        return _from_kmz(kmz[0], report)
    found = [str(f) for f in (*kmz, *csvs)]
    hint = (
        f"pass one of these files instead: {found}"
        if found
        else "pass a folder written by `cablemap fetch peeringdb`, PeeringDB's peeringdb.kmz "
        "or a CSV with fac_id, latitude, longitude"
    )
    msg = f"{str(path)!r}: no fac-0.json (PeeringDB API 'fac' objects) in the folder; {hint}"
    raise SourceFormatError(msg)


def facility_source_hint(path: str | Path) -> str | None:
    """Say how to use a PeeringDB folder given where cable data was expected, if it is one.

    Parameters
    ----------
    path
        The path given as a cable source (``--source``, ``[layers] cables``).

    Returns
    -------
    str or None
        One sentence naming the file to give as a facility source, or ``None`` when the path
        holds no PeeringDB file.
    """
    path = Path(path)
    if not path.is_dir():
        return None
    dump, kmz, csvs = peeringdb_files(path)
    if dump is not None or len(kmz) == 1:
        give = path  # read as a folder (its API dump, or its one KMZ)
    elif kmz or csvs:
        give = (kmz or csvs)[0]
    else:
        return None
    return (
        f"{str(path)!r} holds PeeringDB facilities, not cables: give {str(give)!r} as a "
        "facility source ([layers] facilities in the project file, or --facilities)"
    )


def _from_api_dump(path: Path, report: LoadReport) -> gpd.GeoDataFrame:
    facs = _api_objects(path, "fac")
    if not facs:
        msg = f"{str(path)!r}: fac-0.json lists no PeeringDB 'fac' object"
        raise SourceFormatError(msg)
    orgs = {o.get("id"): o.get("name", "") for o in _api_objects(path, "org")}
    ix_counts: dict[Any, int] = {}
    for link in _api_objects(path, "ixfac"):
        ix_counts[link.get("fac_id")] = ix_counts.get(link.get("fac_id"), 0) + 1
    rows = []
    file = str(path / "fac-0.json")
    for fac in facs:
        if fac.get("status", "ok") != "ok":
            report.count("PeeringDB facilities not 'ok' (skipped)")
            continue
        org = fac.get("org_name") or orgs.get(fac.get("org_id"), "")
        row = _peeringdb_row(
            fac.get("id"),
            fac.get("name", ""),
            org,
            fac.get("city", ""),
            fac.get("country", ""),
            fac.get("latitude"),
            fac.get("longitude"),
            fac.get("net_count", 0),
            fac.get("ix_count", ix_counts.get(fac.get("id"), 0)),
            file=file,
            report=report,
        )
        if row:
            rows.append(row)
    return _frame(rows, report, str(path))


def _sibling_names(path: Path) -> dict[str, str]:
    """Facility names from ``ixfac``/``carrierfac`` API files beside a KMZ (it has none)."""
    names: dict[str, str] = {}
    for kind in ("ixfac", "carrierfac"):
        for link in _api_objects(path.parent, kind):
            if link.get("fac_id") is not None and link.get("name"):
                names.setdefault(str(link["fac_id"]), str(link["name"]))
    return names


def _from_kmz(path: Path, report: LoadReport) -> gpd.GeoDataFrame:
    try:
        with zipfile.ZipFile(path) as archive:
            kml = archive.read("doc.kml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        msg = f"{str(path)!r} is not a PeeringDB KMZ (zip with doc.kml): {exc}"
        raise SourceFormatError(msg) from None
    names = _sibling_names(path)
    rows = []
    # PeeringDB's own export; the standard-library parser expands no external entities
    for placemark in ElementTree.fromstring(kml).iter(f"{_KML}Placemark"):  # noqa: S314
        data = {
            d.get("name"): (d.findtext(f"{_KML}value") or "") for d in placemark.iter(f"{_KML}Data")
        }
        coords = (placemark.findtext(f".//{_KML}coordinates") or "").strip().split(",")
        fac_id = re.sub(r".*/fac/", "", data.get("peeringDB", "")) or placemark.get("id")
        lon, lat = [*coords, "", ""][:2]
        row = _peeringdb_row(
            fac_id,
            names.get(str(fac_id), ""),
            data.get("name", ""),
            data.get("city", ""),
            data.get("country", ""),
            lat,
            lon,
            data.get("Networks"),
            data.get("Exchanges"),
            file=str(path),
            report=report,
        )
        if row:
            rows.append(row)
    return _frame(rows, report, str(path))


def _from_csv(path: Path, report: LoadReport) -> gpd.GeoDataFrame:
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    needed = {"fac_id", "latitude", "longitude"}
    if not records or not needed <= set(records[0]):
        msg = f"{str(path)!r}: a PeeringDB CSV needs columns {sorted(needed)}"
        raise SourceFormatError(msg)
    rows = []
    for r in records:
        name = r.get("fac_name_from_ixfac_or_carrierfac") or r.get("name") or ""
        row = _peeringdb_row(
            r["fac_id"],
            name,
            r.get("org_name", ""),
            r.get("city", ""),
            r.get("country", ""),
            r["latitude"],
            r["longitude"],
            r.get("net_count"),
            r.get("ix_count"),
            file=str(path),
            report=report,
        )
        if row:
            rows.append(row)
    return _frame(rows, report, str(path))


def facilities_from_cloud_regions(
    path: str | Path, *, report: LoadReport | None = None
) -> gpd.GeoDataFrame:
    """Read a cloud-region table (``provider, region, name, city, iso3, lat, lon, source``).

    Returns
    -------
    GeoDataFrame
        The ``facilities`` layer (kind ``cloud_region``; ``operator`` is the provider).
    """
    path = Path(path)
    report = LoadReport() if report is None else report
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"provider", "region", "name", "city", "iso3", "lat", "lon", "source"} - set(
        frame.columns
    )
    if missing:
        msg = f"{str(path)!r}: cloud-region table lacks column(s) {sorted(missing)}"
        raise SourceFormatError(msg)
    rows = []
    for i, r in frame.iterrows():
        point = _point(r["lat"], r["lon"])
        if point is None:
            report.add(
                "error",
                str(path),
                f"row {i + 2}",
                "lat/lon",
                f"unusable coordinates ({r['lat']!r}, {r['lon']!r}); skipped",
            )
            continue
        operator, home = _operator(r["provider"])
        provider = slug(r["provider"], default="")
        rows.append(
            {
                "fac_id": f"cloud:{provider}:{r['region']}",
                "name": f"{r['provider']} {r['region']} ({r['name']})",
                "kind": "cloud_region",
                "operator": operator,
                "operator_home_iso3": home,
                "iso3": r["iso3"],
                "city": r["city"],
                "networks": 0,
                "exchanges": 0,
                "source": r["source"],
                "geometry": point,
            }
        )
    return _frame(rows, report, str(path))


_GENERIC_WORDS = frozenset(
    "data centre center centres centers dc the pty ltd limited inc co llc facility building "
    "campus site and of".split()
)


def _tokens(name: str) -> set[str]:
    words = re.sub(r"[^a-z0-9]+", " ", str(name).lower()).split()
    return {w for w in words if w not in _GENERIC_WORDS}


def name_similarity(a: str, b: str) -> float:
    """Overlap of the distinctive words of two facility names (Jaccard, generic words out)."""
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def merge_facilities(
    frames: list[gpd.GeoDataFrame],
    *,
    max_km: float = 0.5,
    min_similarity: float = 0.5,
    report: LoadReport | None = None,
) -> gpd.GeoDataFrame:
    """Concatenate facility layers, merging the same facility found in several sources.

    Two facilities of the same kind from different sources are one when they lie within
    ``max_km`` (geodesic) and their names share most distinctive words
    (:func:`name_similarity` at least ``min_similarity``; "data centre", "Pty Ltd" and the
    like do not count). The first source's row is kept, its ``source`` extended with the
    other's; each merge is reported. Rows repeating an id are dropped (reported).

    Returns
    -------
    GeoDataFrame
        The merged ``facilities`` layer.
    """
    report = LoadReport() if report is None else report
    frames = [f.assign(_src=n) for n, f in enumerate(frames) if f is not None and len(f)]
    if not frames:
        msg = "no facility source gave any facility"
        raise EmptyLayerError(msg)
    merged = pd.concat(frames, ignore_index=True)
    dup_ids = merged["fac_id"].duplicated()
    if dup_ids.any():
        report.add(
            "warning",
            "facilities",
            str(merged.loc[dup_ids, "fac_id"].iloc[0]),
            "fac_id",
            f"{int(dup_ids.sum())} repeated id(s) across sources: kept the first",
        )
        merged = merged[~dup_ids].reset_index(drop=True)
    xs, ys = merged.geometry.x.to_numpy(), merged.geometry.y.to_numpy()
    cells = np.floor(np.column_stack([xs, ys]) / 0.02).astype(int)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, cell in enumerate(map(tuple, cells)):
        buckets.setdefault(cell, []).append(i)
    names, kinds, srcs = (
        merged["name"].to_numpy(),
        merged["kind"].to_numpy(),
        merged["_src"].to_numpy(),
    )
    drop: set[int] = set()
    for i in range(len(merged)):
        if i in drop:
            continue
        cx, cy = cells[i]
        for j in (
            j
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for j in buckets.get((cx + dx, cy + dy), [])
            if j > i
        ):
            if j in drop or srcs[j] == srcs[i] or kinds[i] != kinds[j]:
                continue
            km = geodesic_m(xs[i], ys[i], xs[j], ys[j]) / 1000.0
            similarity = name_similarity(names[i], names[j])
            if km <= max_km and similarity >= min_similarity:
                drop.add(j)
                merged.at[i, "source"] = f"{merged.at[i, 'source']}; {merged.at[j, 'source']}"
                report.add(
                    "warning",
                    "facilities",
                    str(merged.at[j, "fac_id"]),
                    "fac_id",
                    f"duplicate of {merged.at[i, 'fac_id']} ({km * 1000:.0f} m, names "
                    f"{names[j]!r} ~ {names[i]!r}): merged",
                )
    report.count("facilities merged as duplicates", len(drop))
    out = merged.drop(index=sorted(drop)).drop(columns="_src").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=settings.default_crs)
