"""Build a folium map of the loaded layers, Pacific-centred, with every data string escaped."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd

from cablemap import settings
from cablemap.render.geometry import shift_to_pacific
from cablemap.risk.region import Region, load_region

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers

logger = logging.getLogger(__name__)

_STATUS_COLOURS = {"in_service": "#1f6fb2", "planned": "#b26b1f"}
_COORD_PRECISION = 4  # about 10 m: ample for ocean routes, keeps the HTML small


def _escaped(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Keep ``columns`` + geometry, with every value rendered as HTML-escaped text."""
    out = frame[[*columns, "geometry"]].copy()
    for col in columns:
        out[col] = out[col].map(_as_text)
    return out


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    elif value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        text = ""
    else:
        text = str(value)
    return html.escape(text)


def _pacific(frame: gpd.GeoDataFrame, seam_lon: float) -> gpd.GeoDataFrame:
    out = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    out["geometry"] = [shift_to_pacific(g, seam_lon) for g in out.geometry]
    out["geometry"] = out.geometry.set_precision(10**-_COORD_PRECISION)
    return out


def build_map(
    layers: Layers,
    *,
    region: Region | None = None,
    title: str = "Submarine cables and landing points",
    tiles: str | None = None,
) -> folium.Map:
    """Draw cables and landing points on a Pacific-centred folium map.

    Parameters
    ----------
    layers
        Loaded layers (EPSG:4326).
    region
        The region whose view (``bbox``) and seam the map uses; by default
        ``risk_models/indo-pacific.toml``. See :mod:`cablemap.render.geometry`.
    title
        Shown in the map's corner panel.
    tiles
        A folium tile layer name (e.g. ``"OpenStreetMap"``), or ``None`` for no basemap.

    Returns
    -------
    folium.Map
        One feature group per layer, a layer control, and the data attribution.

    Examples
    --------
    >>> import cablemap as cm
    >>> m = cm.build_map(cm.load())
    >>> cm.save_map(m, "maps/cables.html")  # doctest: +SKIP
    """
    region = load_region() if region is None else region
    cables = _pacific(layers.cables, region.seam_lon)
    lps = _pacific(layers.landing_points, region.seam_lon)
    counts = layers.cable_landings.groupby("lp_id").size()
    lps["cables"] = lps["lp_id"].map(counts).fillna(0).astype(int)
    attribution = " | ".join(html.escape(a) for a in layers.attributions) or "cablemap"
    m = folium.Map(tiles=tiles, attr=attribution if tiles else None, world_copy_jump=False)
    m.get_root().html.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    cable_group = folium.FeatureGroup(name=f"Cables ({len(cables)})")
    cable_cols = [
        "cable_id",
        "name",
        "status",
        "rfs_year",
        "owners",
        "suppliers",
        "route_synthetic",
    ]
    folium.GeoJson(
        _escaped(cables, cable_cols).to_json(drop_id=True),
        name="cables",
        style_function=lambda f: {
            "color": _STATUS_COLOURS.get(f["properties"]["status"], "#555555"),
            "weight": 2,
            "opacity": 0.8,
            "dashArray": "4 4" if f["properties"]["route_synthetic"] == "True" else None,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "status", "rfs_year", "suppliers", "owners", "route_synthetic"],
            aliases=["Cable", "Status", "RFS", "Suppliers", "Owners", "Route synthesised"],
        ),
    ).add_to(cable_group)
    cable_group.add_to(m)
    lp_group = folium.FeatureGroup(name=f"Landing points ({len(lps)})")
    folium.GeoJson(
        _escaped(lps, ["lp_id", "name", "country", "iso3", "cables"]).to_json(drop_id=True),
        name="landing_points",
        marker=folium.CircleMarker(
            radius=4, weight=1, color="#222222", fill=True, fill_opacity=0.9
        ),
        style_function=lambda f: {"fillColor": "#e4572e"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "iso3", "cables"], aliases=["Landing point", "ISO3", "Cables"]
        ),
    ).add_to(lp_group)
    lp_group.add_to(m)
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = sorted({str(v) for v in layers.cables["source_version"].unique()})
    panel = (
        '<div style="position:fixed;bottom:18px;left:10px;z-index:900;background:#fff;'
        'padding:4px 8px;font:12px sans-serif;border:1px solid #999">'
        f"<b>{html.escape(title)}</b><br>data: {html.escape(', '.join(versions))}"
        f"<br>built {built}<br>{attribution}</div>"
    )
    m.get_root().html.add_child(folium.Element(panel))
    folium.LayerControl(collapsed=False).add_to(m)
    west, south, east, north = region.bbox
    m.fit_bounds([[south, west], [north, east]])
    return m


def save_map(m: folium.Map, filepath: str | Path | None = None) -> Path:
    """Write a map to an HTML file, atomically.

    Parameters
    ----------
    m
        The map.
    filepath
        Target file; by default ``<settings.maps_folder>/cables.html``.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(settings.maps_folder) / "cables.html" if filepath is None else Path(filepath)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    m.save(str(tmp))
    tmp.replace(path)
    logger.info("Saved map at %r", str(path))
    return path
