"""Fill the non-cable layers of a load: facilities, countries, vendor footprints, vendors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from cablemap._errors import LayerValidationError, SourceFormatError
from cablemap._resources import sample_path
from cablemap.layers.aiddata import footprints_from_aiddata
from cablemap.layers.boundaries import bundled_countries, countries_from_file
from cablemap.layers.collection import Layers
from cablemap.layers.facilities import (
    facilities_from_cloud_regions,
    facilities_from_peeringdb,
    merge_facilities,
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
#: The cited evidence tables of a layer folder: footprints, operator shares, landing stations.
EVIDENCE_GLOBS = (
    "vendor_footprints*.csv",
    "operator_shares*.csv",
    "landing_station_operators*.csv",
)


def evidence_files(folder: Path | None = None) -> list[Path]:
    """Return the cited evidence tables of a layer folder (default: the embedded sample's).

    Parameters
    ----------
    folder
        A layer folder; ``None`` for the tables embedded with cablemap (``geodata/sample``),
        which every source that names no evidence of its own reads.
    """
    base = sample_path() if folder is None else folder
    return sorted(p for pattern in EVIDENCE_GLOBS for p in base.glob(pattern) if p.is_file())


def evidence_kind(path: Path) -> str:
    """Say what an evidence table holds, by its header: ``footprints``, ``shares`` or ``stations``.

    Raises
    ------
    LayerValidationError
        If the file cannot be read or its header is none of the three.
    """
    try:
        with path.open(encoding="utf-8") as fh:
            header = set(fh.readline().strip().split(","))
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


def facilities_from_source(path: str | Path, layers: Layers) -> gpd.GeoDataFrame:
    """Read one facility source, recognised by its form.

    ``*.osm``/``*.xml``: an OpenStreetMap extract; a folder with ``fac-0.json``, a ``.kmz`` or a
    CSV with ``fac_id``: PeeringDB; a CSV with ``provider`` and ``region``: cloud regions.
    """
    path = Path(path)
    if not path.exists():
        msg = f"facility source {str(path)!r} does not exist"
        raise SourceFormatError(msg)
    if path.suffix.lower() in (".osm", ".xml"):
        from cablemap.layers.osm import facilities_from_osm  # noqa: PLC0415 - osmnx is heavy

        return facilities_from_osm(path, report=layers.report)
    if path.suffix.lower() == ".csv":
        header = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if "provider" in header and "region" in header:
            return facilities_from_cloud_regions(path, report=layers.report)
    return facilities_from_peeringdb(path, report=layers.report)


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
        stations), one or a list; ``None``: the ``folder``'s own, else the tables embedded
        with cablemap (:func:`evidence_files`); ``[]``: none. Derived cable rows are always
        added.
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
        footprints = evidence_files(folder)
        if folder is None:
            layers.report.count("embedded cited evidence tables read", len(footprints))
    if sources:
        frames = [facilities_from_source(s, layers) for s in sources]
        layers.facilities = (
            merge_facilities(frames, report=layers.report) if len(frames) > 1 else frames[0]
        )
    if countries is not None:
        layers.countries = countries_from_file(countries)
    elif folder is not None:
        layers.countries = bundled_countries()
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
    return layers


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
