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
from cablemap.layers.facilities import facility_source_hint
from cablemap.layers.files import has_layer_files, layers_from_dir, layers_from_gpkg
from cablemap.layers.geometry_release import layers_from_geometry_release
from cablemap.layers.merge import merge_older
from cablemap.layers.project import check_project_chain, project_extras, read_project
from cablemap.layers.telegeography import detect_version, layers_from_telegeography

logger = logging.getLogger(__name__)

SUPPORTED = (
    "a TeleGeography API v2/v3 directory (cable/, landing-point/), or one with only the "
    "geometry files (cable/cable-geo.json, landing-point/landing-point-geo.json)",
    "a directory of layer files "
    "(cables.geojson|parquet|gpkg, landing_points.*, cable_landings.csv|parquet)",
    "a GeoPackage (.gpkg) with tables cables, landing_points, cable_landings",
    "a project file (.toml) whose [layers] table names a source per layer (and merge_from)",
)


def _merged(layers: Layers, merge_from: Path | None) -> Layers:
    return layers if merge_from is None else merge_older(layers, _load_one(merge_from))


def _load_one(path: Path, merge_from: Path | None = None) -> Layers:
    if not path.exists():
        msg = f"source {str(path)!r} does not exist"
        raise SourceFormatError(msg)
    if path.is_dir():
        version = detect_version(path)
        if version is not None:
            read = (
                layers_from_geometry_release if version == "geometry" else layers_from_telegeography
            )
            return add_extras(_merged(Layers(**read(path)), merge_from))
        if has_layer_files(path):
            return add_extras(_merged(layers_from_dir(path), merge_from), folder=path)
    elif path.suffix.lower() == ".gpkg":
        return add_extras(_merged(layers_from_gpkg(path), merge_from))
    elif path.suffix.lower() == ".toml":
        return _load_project(path, merge_from)
    msg = f"source {str(path)!r} is of no supported format; cablemap reads:\n  - " + "\n  - ".join(
        SUPPORTED
    )
    hint = facility_source_hint(path)  # a PeeringDB folder given as the cable source
    raise SourceFormatError(f"{hint}\n{msg}" if hint else msg)


def _load_project(path: Path, merge_from: Path | None = None) -> Layers:
    """Load a project file: ``[layers]`` maps each canonical layer to a source path.

    ``merge_from`` (given to :func:`load`) overrides the project's ``[layers] merge_from``.
    """
    check_project_chain(path)  # a loop of project files is an error now, before any load
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
    layers = _merged(layers, merge_from or project.merge_from)
    return add_extras(layers, **project_extras(project))


def load(
    source: str | Path | None = None,
    *,
    strict: bool = False,
    merge_from: str | Path | None = None,
) -> Layers:
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
    merge_from
        An older full release (any supported source) whose attributes fill what ``source``
        lacks, each value flagged as carried over (see :mod:`cablemap.layers.merge`); a
        project file says the same with ``[layers] merge_from``.

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
    layers = _load_one(path, None if merge_from is None else Path(merge_from))
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
