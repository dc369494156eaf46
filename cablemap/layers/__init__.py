"""Loaders: every supported source in, validated canonical layers (EPSG:4326) out.

Names here are imported on first use (``cablemap --help`` never loads geopandas).
"""

from typing import TYPE_CHECKING

from cablemap._lazy import lazy_exports

_LAZY = {
    "countries_from_file": "cablemap.layers.boundaries",
    "LAYER_NAMES": "cablemap.layers.collection",
    "Layers": "cablemap.layers.collection",
    "save_layers": "cablemap.layers.files",
    "load": "cablemap.layers.load",
    "resolve_vendor": "cablemap.layers.vendors",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from cablemap.layers.boundaries import countries_from_file
    from cablemap.layers.collection import LAYER_NAMES, Layers
    from cablemap.layers.files import save_layers
    from cablemap.layers.load import load
    from cablemap.layers.vendors import resolve_vendor

__all__ = ["LAYER_NAMES", "Layers", "countries_from_file", "load", "resolve_vendor", "save_layers"]
