"""Cuts of a scenario: cable and vendor names to cable ids, area arguments to polygons.

Names are matched case-insensitively; a name that matches nothing raises
:class:`~cablemap._errors.ScenarioError` listing the closest known names. Areas are polygons in
EPSG:4326 degrees (a named chokepoint, a geodesic circle, a box, WKT or GeoJSON); an area cuts
the routed segments that pass through it (:func:`segments_in`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cablemap._errors import ScenarioError
from cablemap._geo import GEOD
from cablemap._validate import names_or_empty
from cablemap.layers.vendors import canonical_vendor, vendor_registry
from cablemap.risk.model.spec import TIER_NAMES

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import ModelSpec

#: Text starting like this (``POLYGON ((``, ``MULTIPOLYGON Z (``, ...) is taken to be WKT, and
#: reported as such when it does not parse.
_WKT_TYPE = re.compile(
    r"\s*((multi)?(point|linestring|polygon)|geometrycollection)\s*(zm|z|m)?\s*(\(|empty\b)",
    re.IGNORECASE,
)


def _closest(name: str, candidates: list[str]) -> list[str]:
    lowered = {c.lower(): c for c in candidates}
    return [
        lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=5, cutoff=0.5)
    ]


def resolve_cables(names: list[str], layers: Layers) -> list[str]:
    """Map cable ids or names (case-insensitive) to cable ids.

    Raises
    ------
    ScenarioError
        For a name matching no cable; the message lists the closest ids and names.
    """
    by_id = set(layers.cables["cable_id"])
    by_name = {
        n.lower(): i for i, n in zip(layers.cables["cable_id"], layers.cables["name"], strict=True)
    }
    out = []
    for name in names:
        if name in by_id:
            out.append(name)
        elif name.lower() in by_name:
            out.append(by_name[name.lower()])
        else:
            close = _closest(name, [*by_id, *layers.cables["name"]])
            msg = f"no cable has id or name {name!r}; closest: {close or 'none'}"
            raise ScenarioError(msg)
    return out


def resolve_vendor_cables(
    names: list[str],
    layers: Layers,
    model: ModelSpec,
    *,
    facility_vendors: Collection[str] = (),
) -> dict[str, list[str]]:
    """Map vendor names (any alias) or ``tier:<tier>`` to the cables they supplied or own.

    Names in ``facility_vendors`` (vendors that operate facilities) may match no cable.

    Raises
    ------
    ScenarioError
        For a vendor that supplies or owns no cable (and runs no facility) in the data; lists
        the closest names.
    """
    companies = [
        names_or_empty(s) + names_or_empty(o)
        for s, o in zip(layers.cables["suppliers"], layers.cables["owners"], strict=True)
    ]
    known = sorted({n for names_ in companies for n in names_})
    out = {}
    for name in names:
        if name.lower().startswith("tier:"):
            tier = name.split(":", 1)[1].strip().lower()
            if tier not in TIER_NAMES:
                msg = f"cut vendor {name!r}: unknown tier {tier!r}; tiers: {list(TIER_NAMES)}"
                raise ScenarioError(msg)
            profile = model.vendor_profile
            match = [
                c
                for c, ns in zip(layers.cables["cable_id"], companies, strict=True)
                if any(profile.tier(n) == tier for n in ns)
            ]
        else:
            canonical, _ = canonical_vendor(name)
            match = [
                c
                for c, ns in zip(layers.cables["cable_id"], companies, strict=True)
                if canonical in ns
            ]
            if not match and name not in facility_vendors:
                registry = [s for v in vendor_registry().values() for s in (v.name, *v.aliases)]
                close = _closest(name, [*known, *registry])
                msg = (
                    f"no cable is supplied or owned by {name!r}; closest vendors: {close or 'none'}"
                )
                raise ScenarioError(msg)
        out[name] = match
    return out


def _circle(lon: float, lat: float, radius_km: float) -> shapely.Polygon:
    """Return a geodesic circle (64 vertices); longitudes may pass ±180 near the antimeridian."""
    azimuths = np.linspace(0, 360, 65)[:-1]
    lons, lats, _ = GEOD.fwd(
        np.full(64, lon), np.full(64, lat), azimuths, np.full(64, radius_km * 1000.0)
    )
    lons = np.asarray(lons)
    lons = np.where(lons - lon > 180, lons - 360, np.where(lons - lon < -180, lons + 360, lons))
    return shapely.Polygon(np.column_stack([lons, lats]))


def parse_area(text: str, chokepoints: gpd.GeoDataFrame) -> tuple[str, BaseGeometry]:
    """Turn an area argument into a polygon (EPSG:4326 degrees).

    Accepted: a chokepoint id or name from the model (``luzon-strait``, ``"Strait of
    Malacca"``); ``circle:LON,LAT,RADIUS_KM``; ``bbox:WEST,SOUTH,EAST,NORTH``; WKT; GeoJSON
    text; or the path of a GeoJSON file.

    Returns
    -------
    tuple of (str, BaseGeometry)
        A label and the area.

    Raises
    ------
    ScenarioError
        If the text is none of these (for a name, the message lists the closest chokepoints),
        or is WKT or GeoJSON that does not parse or gives an invalid geometry (the message
        says why, e.g. ``Self-intersection[0.5 0.5]``).
    """
    raw = text.strip()
    lowered = raw.lower()
    names = dict(zip(chokepoints["chokepoint_id"], chokepoints.geometry, strict=True))
    names.update(
        {n.lower(): g for n, g in zip(chokepoints["name"], chokepoints.geometry, strict=True)}
    )
    if raw in names or lowered in names:
        return raw, names[raw] if raw in names else names[lowered]
    number = r"\s*(-?\d+(?:\.\d+)?)\s*"
    if match := re.fullmatch(rf"circle:{number},{number},{number}", lowered):
        lon, lat, km = (float(g) for g in match.groups())
        if km <= 0 or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            msg = f"area {text!r}: circle needs lon in [-180, 180], lat in [-90, 90], radius > 0 km"
            raise ScenarioError(msg)
        return raw, _circle(lon, lat, km)
    if match := re.fullmatch(rf"bbox:{number},{number},{number},{number}", lowered):
        west, south, east, north = (float(g) for g in match.groups())
        if not (west < east and south < north):
            msg = f"area {text!r}: bbox needs west < east and south < north"
            raise ScenarioError(msg)
        return raw, shapely.box(west, south, east, north)
    if raw.startswith("{") or raw.endswith((".geojson", ".json")):
        return _geojson_area(raw, text)
    if _WKT_TYPE.match(raw):
        return "wkt", _wkt_area(raw, text)
    close = _closest(raw, [*chokepoints["chokepoint_id"], *chokepoints["name"]])
    msg = (
        f"area {text!r} is no chokepoint, circle:LON,LAT,KM, bbox:W,S,E,N, WKT polygon or GeoJSON; "
        f"closest chokepoints: {close or 'none'}"
    )
    raise ScenarioError(msg)


def _geojson_area(raw: str, text: str) -> tuple[str, BaseGeometry]:
    """Return a label and the union of the geometries of GeoJSON text or of a GeoJSON file."""
    inline = raw.startswith("{")
    try:
        data = json.loads(raw if inline else Path(raw).read_text())
        feats = data.get("features", [data]) if data.get("type") == "FeatureCollection" else [data]
        geoms = [shapely.geometry.shape(f.get("geometry", f)) for f in feats]
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        msg = f"area {text[:60]!r} is not readable GeoJSON: {exc}"
        raise ScenarioError(msg) from None
    _check_valid(geoms, text)
    return ("geojson" if inline else Path(raw).name), shapely.union_all(geoms)


def _wkt_area(raw: str, text: str) -> BaseGeometry:
    """Return the polygon of WKT text."""
    try:
        geom = shapely.from_wkt(raw)
    except shapely.errors.GEOSException as exc:
        msg = f"area {text[:60]!r} is not readable WKT: {exc}"
        raise ScenarioError(msg) from None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        kind = "empty" if geom.is_empty else f"a {geom.geom_type}"
        msg = f"area {text[:60]!r} is {kind}; expected a WKT POLYGON or MULTIPOLYGON"
        raise ScenarioError(msg)
    _check_valid([geom], text)
    return geom


def _check_valid(geoms: Sequence[BaseGeometry], text: str) -> None:
    """Raise if any geometry of an area is invalid, saying why (shapely's ``is_valid_reason``)."""
    for i, geom in enumerate(geoms):
        if not geom.is_valid:
            where = f" (geometry {i})" if len(geoms) > 1 else ""
            reason = shapely.is_valid_reason(geom)
            msg = f"area {text[:60]!r}{where} is not a valid geometry: {reason}"
            raise ScenarioError(msg)


def segments_in(area: BaseGeometry, segments: gpd.GeoDataFrame) -> np.ndarray:
    """Mask of routed segments passing through ``area`` (also tried shifted by ±360°)."""
    geoms = segments.geometry.to_numpy()
    present = np.array([g is not None for g in geoms])
    hit = np.zeros(len(segments), dtype=bool)
    for shift in (0.0, -360.0, 360.0):
        shifted = shapely.affinity.translate(area, xoff=shift) if shift else area
        hit[present] |= shapely.intersects(geoms[present], shifted)
    return hit
