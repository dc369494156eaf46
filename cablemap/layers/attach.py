"""Fill the non-cable layers of a load: facilities, countries, vendor footprints, vendors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from cablemap._errors import LayerValidationError, SourceFormatError
from cablemap._files import open_regular
from cablemap._resources import evidence_files, sample_path
from cablemap.layers.aiddata import footprints_from_aiddata
from cablemap.layers.boundaries import bundled_countries, countries_from_file
from cablemap.layers.collection import Layers
from cablemap.layers.facilities import (
    facilities_from_cloud_regions,
    facilities_from_peeringdb,
    merge_facilities,
    peeringdb_files,
)
from cablemap.layers.footprints import footprints_from_cables, footprints_from_file, vendors_frame
from cablemap.layers.hazards import earthquakes_from_files
from cablemap.layers.shares import operator_shares_from_file
from cablemap.layers.stations import footprints_from_stations

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

#: Optional files a layer folder (like the embedded sample) may hold.
CLOUD_REGIONS_FILE = "cloud_regions.csv"
FOOTPRINTS_FILE = "vendor_footprints.csv"


def evidence_kind(path: Path) -> str:
    """Say what an evidence table holds, by its header: ``footprints``, ``shares`` or ``stations``.

    Raises
    ------
    LayerValidationError
        If the file cannot be read or its header is none of the three.
    """
    try:
        with open_regular(path, "evidence table (vendor footprint table)") as fh:
            header = set(fh.readline().decode("utf-8-sig").strip().split(","))
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{str(path)!r}: could not be read as an evidence table: {exc}"
        raise LayerValidationError(msg) from None
    if {"station", "role"} <= header:
        return "stations"
    if {"share", "basis"} <= header:
        return "shares"
    if {"iso3", "vendor", "domain", "status"} <= header:
        return "footprints"
    msg = (
        f"{str(path)!r}: not an evidence table (a footprint table has iso3, vendor, domain, "
        "status; an operator-share table share and basis; a landing-station table station "
        "and role)"
    )
    raise LayerValidationError(msg)


#: Provenance of the sources an extra layer may come from (``Layers.sources`` entries): what
#: the index and the briefs list as "source, version, licence". Only sources a load actually
#: read get an entry (:func:`record_sources`).
SOURCE_TERMS: dict[str, dict[str, str]] = {
    "peeringdb": {
        "source": "PeeringDB (https://www.peeringdb.com): data centres and exchanges",
        "licence": "PeeringDB Acceptable Use Policy (https://www.peeringdb.com/aup): "
        "use locally, never republish",
        "attribution": "Facilities: PeeringDB, under its Acceptable Use Policy "
        "(not for republication)",
    },
    "osm": {
        "source": "OpenStreetMap (https://www.openstreetmap.org): data centres, exchanges",
        "licence": "ODbL 1.0",
        "attribution": "Facilities: © OpenStreetMap contributors, ODbL 1.0",
    },
    "cloud": {
        "source": "cloud-region table (provider, region, city, coordinates; each row cites "
        "the provider's region list)",
        "licence": "as its author states; each row cites its source",
    },
    "natural_earth": {
        "source": "Natural Earth admin-0 countries (https://www.naturalearthdata.com)",
        "licence": "public domain",
        "attribution": "Country outlines: Made with Natural Earth (public domain)",
    },
    "countries": {
        "source": "country polygons (iso3, name)",
        "licence": "as its author states",
    },
    "footprints": {
        "source": "cited evidence tables: vendor footprints, operator shares, landing-station "
        "operators (each row cites its source)",
        "licence": "as its author states; each row cites its source",
    },
    "aiddata": {
        "source": "AidData, Global Huawei Finance Dataset (William & Mary): Chinese "
        "government-financed projects involving Huawei, 2002-2017",
        "licence": "ODC-By 1.0 (Open Data Commons Attribution)",
        "attribution": "Government and city footprints: AidData, Global Huawei Finance "
        "Dataset, ODC-By 1.0",
    },
    "usgs": {
        "source": "USGS earthquake catalogue (https://earthquake.usgs.gov)",
        "licence": "public domain (U.S. Geological Survey)",
        "attribution": "Earthquakes: U.S. Geological Survey (public domain)",
    },
}
#: Files written for cablemap (the embedded sample): CC0-1.0, as geodata/README.md says.
_SAMPLE_LICENCE = "CC0-1.0 (written for cablemap; each row cites its source)"
#: ``Layers.sources`` keys of the extras, by what they describe.
_EXTRA_KEYS = {
    "facilities": ("facilities: PeeringDB", "facilities: OpenStreetMap", "facilities: cloud"),
    "countries": ("countries",),
    "footprints": ("vendor footprints", "vendor footprints: AidData"),
    "hazards": ("hazards",),
}
_FACILITY_KEYS = {
    "peeringdb": "facilities: PeeringDB",
    "osm": "facilities: OpenStreetMap",
    "cloud": "facilities: cloud",
}


def facility_kind(path: str | Path) -> str:
    """Return which reader a facility source needs: ``"osm"``, ``"cloud"`` or ``"peeringdb"``.

    ``*.osm``/``*.xml``: an OpenStreetMap extract; a CSV with ``provider`` and ``region``:
    cloud regions; anything else (a folder, a ``.kmz``, a CSV with ``fac_id``): PeeringDB.
    """
    path = Path(path)
    if path.suffix.lower() in (".osm", ".xml"):
        return "osm"
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", errors="replace") as fh:
            header = fh.readline()
        if "provider" in header and "region" in header:
            return "cloud"
    return "peeringdb"


def facilities_from_source(path: str | Path, layers: Layers) -> gpd.GeoDataFrame:
    """Read one facility source, recognised by its form (:func:`facility_kind`).

    ``*.osm``/``*.xml``: an OpenStreetMap extract; a folder with ``fac-0.json`` (or, as in
    PeeringDB's public cache, one ``.kmz``), a ``.kmz`` or a CSV with ``fac_id``: PeeringDB; a
    CSV with ``provider`` and ``region``: cloud regions.
    """
    path = Path(path)
    if not path.exists():
        msg = f"facility source {str(path)!r} does not exist"
        raise SourceFormatError(msg)
    kind = facility_kind(path)
    if kind == "osm":
        from cablemap.layers.osm import facilities_from_osm  # noqa: PLC0415 - osmnx is heavy

        return facilities_from_osm(path, report=layers.report)
    if kind == "cloud":
        return facilities_from_cloud_regions(path, report=layers.report)
    return facilities_from_peeringdb(path, report=layers.report)


def _read(kind: str, path: Path) -> Path:
    """Return the file a source was read from (a PeeringDB folder: its dump or its KMZ)."""
    if kind != "peeringdb" or not path.is_dir():
        return path
    dump, kmz, _ = peeringdb_files(path)
    return dump if dump is not None else kmz[0] if len(kmz) == 1 else path


def _entry(kind: str, paths: Sequence[Path], licence: str | None = None) -> dict[str, Any]:
    paths = [_read(kind, Path(p)) for p in paths]
    sample = sample_path().resolve()
    own = all(Path(p).resolve().is_relative_to(sample) for p in paths)
    entry: dict[str, Any] = dict(SOURCE_TERMS[kind])
    if own and kind in ("cloud", "footprints"):
        entry["licence"] = _SAMPLE_LICENCE
    if licence:
        entry["licence"] = licence
    entry["source_version"] = ", ".join(f"{Path(p).parent.name}/{Path(p).name}" for p in paths)
    entry["path"] = [str(p) for p in paths]
    return entry


def _countries_kind(path: Path) -> str:
    """``natural_earth`` where the file has Natural Earth's fields, else ``countries``."""
    try:
        import pyogrio  # noqa: PLC0415 - only to list the fields

        fields = set(pyogrio.read_info(path)["fields"])
    except Exception:
        return "countries"
    return "natural_earth" if {"ISO_A3", "ADM0_A3"} <= fields else "countries"


def record_sources(
    layers: Layers,
    *,
    facilities: Sequence[str | Path] | None = None,
    countries: str | Path | None = None,
    footprints: Sequence[str | Path] | None = None,
    aiddata: str | Path | None = None,
    hazards: Sequence[str | Path] | None = None,
    added: bool = False,
) -> Layers:
    """Record the provenance and licence of the extras a load read in ``layers.sources``.

    Each argument given replaces the entries of its layer (``None``, or an empty list with
    ``added``, leaves them as they are):
    ``facilities: PeeringDB`` / ``: OpenStreetMap`` / ``: cloud``, ``countries``, ``vendor
    footprints`` (authored tables) and ``vendor footprints: AidData``, ``hazards``; each entry
    holds ``source``, ``source_version`` (the files), ``path``, ``licence`` and, where the
    licence asks for one, ``attribution`` (:attr:`Layers.attributions`).

    Parameters
    ----------
    layers
        The layers (changed in place).
    facilities
        Facility sources read (by kind: :func:`facility_kind`).
    countries
        The country-polygon file read (Natural Earth recognised by its fields). The bundled
        1:110m outlines that stand in as a basemap are named by the pages that draw them
        (:func:`cablemap.render.report.sources_used`).
    footprints, aiddata
        Authored footprint tables and AidData's CSV read.
    hazards
        Earthquake catalogues read (USGS formats).
    added
        ``facilities`` were added to those already recorded (``--facilities`` beside a
        project's), and empty lists mean nothing was read.

    Returns
    -------
    Layers
        The same object.
    """
    # a new dict: layers derived from one another (as_of, copies) share their sources dict
    sources = {k: dict(v) if isinstance(v, dict) else v for k, v in layers.sources.items()}
    layers.sources = sources
    if added:
        facilities, hazards = facilities or None, hazards or None
    if facilities is not None:
        _record_facilities(sources, facilities, added=added)
    if countries is not None:
        _drop(sources, "countries")
        sources["countries"] = _entry(_countries_kind(Path(countries)), [Path(countries)])
    if footprints is not None or aiddata is not None:
        _drop(sources, "footprints")
        if footprints:
            sources["vendor footprints"] = _entry("footprints", [Path(f) for f in footprints])
        if aiddata is not None:
            sources["vendor footprints: AidData"] = _entry("aiddata", [Path(aiddata)])
    if hazards is not None:
        _drop(sources, "hazards")
        if hazards:
            sources["hazards"] = _entry("usgs", [Path(h) for h in hazards])
    return layers


def _record_facilities(
    sources: dict[str, dict[str, Any]], facilities: Sequence[str | Path], *, added: bool
) -> None:
    """One entry per kind of facility source (the ones recorded before kept when ``added``)."""
    by_kind: dict[str, list[Path]] = {}
    if added:
        for kind, key in _FACILITY_KEYS.items():
            by_kind[kind] = [Path(p) for p in sources.get(key, {}).get("path", [])]
    _drop(sources, "facilities")
    for f in facilities:
        by_kind.setdefault(facility_kind(f), []).append(Path(f))
    for kind, paths in by_kind.items():
        if paths:
            sources[_FACILITY_KEYS[kind]] = _entry(kind, paths)


def _drop(sources: dict[str, dict[str, Any]], layer: str) -> None:
    for key in _EXTRA_KEYS[layer]:
        sources.pop(key, None)


def add_extras(
    layers: Layers,
    *,
    facilities: list[str | Path] | None = None,
    countries: str | Path | None = None,
    footprints: str | Path | Sequence[str | Path] | None = None,
    aiddata: str | Path | None = None,
    folder: Path | None = None,
    hazards: list[str | Path] | None = None,
) -> Layers:
    """Fill ``facilities``, ``countries``, ``vendor_footprints``, ``vendors``, ``hazards`` in place.

    Parameters
    ----------
    layers
        Loaded cable layers.
    facilities
        Facility sources to read and merge (see :func:`facilities_from_source`).
    countries
        A country-polygon file; with a ``folder`` that configures nothing, the low-resolution
        outlines shipped with pyogrio stand in.
    footprints
        Cited evidence tables (:func:`evidence_kind`: footprints, operator shares, landing
        stations), one or a list; ``None``: the ``folder``'s own, else (none there, or no
        folder) the tables embedded with cablemap (:func:`evidence_files`); ``[]``: none.
        Derived cable rows are always added.
    aiddata
        AidData's Global Huawei Finance CSV: government and city footprints
        (:func:`cablemap.layers.aiddata.footprints_from_aiddata`).
    folder
        A layer folder whose optional files (``cloud_regions.csv``, the evidence tables of
        :data:`EVIDENCE_GLOBS`) configure the extras, as in the embedded sample.
    hazards
        Earthquake catalogues (:func:`cablemap.layers.hazards.earthquakes_from_files`).

    Returns
    -------
    Layers
        The same object.
    """
    sources = list(facilities or [])
    if folder is not None and (folder / CLOUD_REGIONS_FILE).is_file():
        sources.append(folder / CLOUD_REGIONS_FILE)
    if footprints is None:  # nothing named: the folder's own tables, else the embedded ones
        own = evidence_files(folder) if folder is not None else []
        footprints = own or evidence_files()
        if not own:
            layers.report.count("embedded cited evidence tables read", len(footprints))
    if sources:
        frames = [facilities_from_source(s, layers) for s in sources]
        layers.facilities = (
            merge_facilities(frames, report=layers.report) if len(frames) > 1 else frames[0]
        )
    if countries is not None:
        layers.countries = countries_from_file(countries)
    elif folder is not None:
        layers.countries = bundled_countries()  # a basemap: the pages name it as such
    if layers.facilities is not None and layers.facilities["iso3"].isna().any():
        layers.facilities = _fill_iso3(layers.facilities, layers.countries, layers)
    derived = footprints_from_cables(
        layers.cables, layers.cable_landings, layers.landing_points, report=layers.report
    )
    files = [footprints] if isinstance(footprints, str | Path) else list(footprints or [])
    parts, shares = _evidence([Path(f) for f in files], layers)
    layers.operator_shares = shares
    if aiddata is not None:
        parts.append(footprints_from_aiddata(aiddata, report=layers.report))
    parts = [p for p in (*parts, derived) if len(p)]
    layers.vendor_footprints = pd.concat(parts, ignore_index=True) if parts else derived
    layers.vendors = vendors_frame()
    if hazards:
        layers.hazards = earthquakes_from_files(hazards, report=layers.report)
    return record_sources(
        layers,
        facilities=sources or None,
        countries=countries,
        footprints=[Path(f) for f in files],
        aiddata=aiddata,
        hazards=hazards or None,
    )


def _evidence(files: list[Path], layers: Layers) -> tuple[list[pd.DataFrame], pd.DataFrame | None]:
    """Read evidence tables by kind: footprint rows (stations as rows), and operator shares."""
    rows: list[pd.DataFrame] = []
    shares: list[pd.DataFrame] = []
    for path in files:
        kind = evidence_kind(path)
        if kind == "shares":
            shares.append(operator_shares_from_file(path))
        elif kind == "stations":
            rows.append(footprints_from_stations(path, report=layers.report))
        else:
            rows.append(footprints_from_file(path))
    return rows, (pd.concat(shares, ignore_index=True) if shares else None)


def _fill_iso3(
    facilities: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None, layers: Layers
) -> gpd.GeoDataFrame:
    """Give facilities without a country (OpenStreetMap) the country polygon they stand in."""
    polygons = countries if countries is not None else bundled_countries()
    missing = facilities["iso3"].isna()
    if polygons is None:
        layers.report.count(
            "facilities without a country (no polygons to place them)", int(missing.sum())
        )
        return facilities
    hits = gpd.sjoin(
        facilities.loc[missing, ["geometry"]], polygons[["iso3", "geometry"]], predicate="within"
    )
    hits = hits[~hits.index.duplicated()]
    out = facilities.copy()
    out.loc[hits.index, "iso3"] = hits["iso3"]
    layers.report.count("facilities placed in a country by their coordinates", len(hits))
    left = int(out["iso3"].isna().sum())
    if left:
        layers.report.count("facilities outside every country polygon (iso3 empty)", left)
    return out
