"""Country polygons with ISO3 codes: Natural Earth admin-0 or any vector file with ``iso3``."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from cablemap import settings
from cablemap._errors import LayerValidationError, SourceFormatError

logger = logging.getLogger(__name__)


def countries_from_file(path: str | Path) -> gpd.GeoDataFrame:
    """Read country polygons and give every one an ISO 3166 alpha-3 code.

    Natural Earth admin-0 files are recognised by their ``ISO_A3`` and ``ADM0_A3`` fields:
    ``ADM0_A3`` stands in where ``ISO_A3`` is ``-99`` (France, Norway, Kosovo...). Other files
    need an ``iso3`` column.

    Parameters
    ----------
    path
        A shapefile, GeoPackage, GeoJSON or GeoParquet of country polygons.

    Returns
    -------
    GeoDataFrame
        ``iso3``, ``name``, geometry (Polygon/MultiPolygon, EPSG:4326).

    Raises
    ------
    SourceFormatError
        If the file cannot be read.
    LayerValidationError
        If it has no ISO3 field, or a row has no usable code or geometry.
    """
    path = Path(path)
    try:
        frame = gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several GDAL error types
        msg = f"{str(path)!r} could not be read as country polygons: {exc}"
        raise SourceFormatError(msg) from None
    if "ISO_A3" in frame.columns and "ADM0_A3" in frame.columns:
        iso3 = frame["ISO_A3"].where(frame["ISO_A3"] != "-99", frame["ADM0_A3"])
        name = frame["ADMIN"] if "ADMIN" in frame.columns else frame["ADM0_A3"]
    elif "iso3" in frame.columns:
        iso3 = frame["iso3"]
        name = frame["name"] if "name" in frame.columns else frame["iso3"]
    else:
        msg = f"{str(path)!r}: no 'iso3' column (nor Natural Earth's ISO_A3/ADM0_A3)"
        raise LayerValidationError(msg)
    bad = ~iso3.astype(str).str.fullmatch(r"[A-Z]{3}") | frame.geometry.isna()
    if bad.any():
        i = bad.idxmax()
        msg = (
            f"{str(path)!r}, record {i!r}, field 'iso3': {iso3[i]!r} is no ISO3 code "
            "or has no geometry"
        )
        raise LayerValidationError(msg)
    out = gpd.GeoDataFrame(
        {"iso3": iso3.astype(str), "name": name.astype(str)}, geometry=frame.geometry, crs=frame.crs
    )
    if out.crs is None or out.crs.to_epsg() != 4326:
        out = (
            out.set_crs(settings.default_crs)
            if out.crs is None
            else out.to_crs(settings.default_crs)
        )
    logger.info("Loaded %d country polygons from %r", len(out), str(path))
    return gpd.GeoDataFrame(pd.DataFrame(out).reset_index(drop=True), crs=settings.default_crs)


#: ``attrs`` flag of the bundled 1:110m outlines: drawn as a basemap, never used as landmasses.
BASEMAP_ONLY = "basemap_only"


def bundled_countries() -> gpd.GeoDataFrame | None:
    """Return low-resolution country outlines that need no download, if available.

    They come from the Natural Earth 1:110m admin-0 file (public domain) that the ``pyogrio``
    wheel ships among its test fixtures. That location is no stable API, so this returns
    ``None`` (and maps go without a basemap) if a future pyogrio moves it; pass Natural Earth
    itself (:func:`countries_from_file`) for islands and detail. ISO3 codes missing there
    (``-99``) are filled from the country name.

    Returns
    -------
    GeoDataFrame or None
        ``iso3``, ``name``, geometry (EPSG:4326), 177 countries without small islands.
    """
    from importlib import resources  # noqa: PLC0415 - only this loader needs it

    from cablemap.layers.iso_codes import iso3_from_name  # noqa: PLC0415

    path = resources.files("pyogrio").joinpath(
        "tests", "fixtures", "naturalearth_lowres", "naturalearth_lowres.shp"
    )
    if not path.is_file():
        logger.warning("pyogrio ships no Natural Earth outlines any more: maps have no basemap")
        return None
    frame = gpd.read_file(str(path))
    iso3 = [
        code if code != "-99" else (iso3_from_name(name) or "")
        for code, name in zip(frame["iso_a3"], frame["name"], strict=True)
    ]
    out = gpd.GeoDataFrame(
        {"iso3": iso3, "name": frame["name"].astype(str)}, geometry=frame.geometry, crs=frame.crs
    )
    out = (
        out[out["iso3"].str.fullmatch(r"[A-Z]{3}")]
        .to_crs(settings.default_crs)
        .reset_index(drop=True)
    )
    # a basemap for the maps, too coarse for landmasses (Layers.outlines leaves it out)
    out.attrs[BASEMAP_ONLY] = True
    return out
