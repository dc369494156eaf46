"""One entry point that loads any supported source into validated canonical layers."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pandas as pd

from cablemap._errors import CablemapWarning, LayerValidationError, SourceFormatError
from cablemap._resources import sample_path
from cablemap._validate import LoadReport
from cablemap.layers.attach import add_extras
from cablemap.layers.collection import LAYER_NAMES, Layers
from cablemap.layers.files import has_layer_files, layers_from_dir, layers_from_gpkg
from cablemap.layers.project import read_project
from cablemap.layers.telegeography import detect_version, layers_from_telegeography

logger = logging.getLogger(__name__)

SUPPORTED = (
    "a TeleGeography API v2/v3 directory (cable/, landing-point/)",
    "a directory of layer files "
    "(cables.geojson|parquet|gpkg, landing_points.*, cable_landings.csv|parquet)",
    "a GeoPackage (.gpkg) with tables cables, landing_points, cable_landings",
    "a project file (.toml) whose [layers] table names a source per layer",
)


def _load_one(path: Path) -> Layers:
    if not path.exists():
        msg = f"source {str(path)!r} does not exist"
        raise SourceFormatError(msg)
    if path.is_dir():
        if detect_version(path) is not None:
            return add_extras(Layers(**layers_from_telegeography(path)))
        if has_layer_files(path):
            return add_extras(layers_from_dir(path), folder=path)
    elif path.suffix.lower() == ".gpkg":
        return add_extras(layers_from_gpkg(path))
    elif path.suffix.lower() == ".toml":
        return _load_project(path)
    msg = f"source {str(path)!r} is of no supported format; cablemap reads:\n  - " + "\n  - ".join(
        SUPPORTED
    )
    raise SourceFormatError(msg)


def _load_project(path: Path) -> Layers:
    """Load a project file: ``[layers]`` maps each canonical layer to a source path."""
    project = read_project(path)
    if not project.has_layers:
        msg = f"{str(path)!r}: needs a [layers] table with at least a 'cables' source"
        raise SourceFormatError(msg)
    loaded: dict[Path, Layers] = {}
    picked = {}
    for name in LAYER_NAMES:
        source = getattr(project, name)
        if source not in loaded:
            loaded[source] = _load_one(source)
        picked[name] = loaded[source]
    report = LoadReport()
    for layers in loaded.values():
        report.merge(layers.report)
    layers = Layers(
        cables=picked["cables"].cables,
        landing_points=picked["landing_points"].landing_points,
        cable_landings=picked["cable_landings"].cable_landings,
        report=report,
        sources={
            "cables": picked["cables"].sources.get("cables", {}),
            "landing_points": picked["landing_points"].sources.get("landing_points", {}),
        },
    )
    return add_extras(
        layers,
        facilities=list(project.facilities),
        countries=project.countries,
        footprints=project.vendor_footprints,
        hazards=list(project.hazards),
    )


def load(source: str | Path | None = None, *, strict: bool = False) -> Layers:
    """Load a source of any supported format into validated canonical layers.

    Parameters
    ----------
    source
        A TeleGeography API v2/v3 directory, a directory of layer files, a GeoPackage, or a
        project ``.toml`` file naming a source per layer. ``None`` loads the embedded
        Indo-Pacific sample.
    strict
        If ``True``, any skipped record (an ``error`` in the report) raises instead of being
        reported.

    Returns
    -------
    Layers
        ``cables``, ``landing_points`` and ``cable_landings`` in EPSG:4326, with the load's
        ``report`` (counts, skipped and repaired records) and ``sources`` (provenance and
        licences).

    Raises
    ------
    SourceFormatError
        If the source is missing, malformed or of no supported format.
    LayerValidationError
        If a layer breaks its schema, or (with ``strict``) if any record was skipped.

    Examples
    --------
    >>> import cablemap as cm
    >>> layers = cm.load()                     # the embedded sample
    >>> layers.cables[["cable_id", "suppliers"]].head(2)  # doctest: +SKIP
    """
    path = sample_path() if source is None else Path(source)
    layers = _load_one(path)
    layers.cable_landings = pd.DataFrame(layers.cable_landings).reset_index(drop=True)
    layers.validate()
    errors = layers.report.errors
    if errors and strict:
        msg = (
            f"{str(path)!r}: {len(errors)} record(s) skipped (strict mode):\n  - "
            + "\n  - ".join(str(e) for e in errors[:50])
        )
        raise LayerValidationError(msg)
    if errors:
        warnings.warn(
            f"{str(path)!r}: {len(errors)} record(s) or link(s) skipped, first: {errors[0]}. "
            "See `layers.report` or run `cablemap validate` for the full list.",
            CablemapWarning,
            stacklevel=2,
        )
    logger.info("Loaded %r from %r", layers, str(path))
    return layers
