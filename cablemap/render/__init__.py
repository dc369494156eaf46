"""Maps: folium HTML from loaded layers; no loading and no scoring here."""

from cablemap.render.build import build_map, save_map

__all__ = ["build_map", "save_map"]
