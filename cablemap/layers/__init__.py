"""Loaders: every supported source in, validated canonical layers (EPSG:4326) out."""

from cablemap.layers.boundaries import countries_from_file
from cablemap.layers.collection import LAYER_NAMES, Layers
from cablemap.layers.files import save_layers
from cablemap.layers.load import load
from cablemap.layers.vendors import resolve_vendor

__all__ = ["LAYER_NAMES", "Layers", "countries_from_file", "load", "resolve_vendor", "save_layers"]
