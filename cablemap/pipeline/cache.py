"""The build cache: layers and scores kept as Parquet and JSON, which can never run code.

A cached object is a folder: ``manifest.json`` (format name and version, the cablemap version,
plain values such as the load report, sources and notes, and per frame its file, its SHA-256
and how its object columns were encoded) beside one Parquet file per frame (GeoParquet for
GeoDataFrames). Reading checks the format, the version and every file's hash, and decodes the
columns back to what they were (lists stay lists, shapely geometries come back from WKB), so a
round trip gives equal frames. Anything unexpected raises :class:`CacheError`; the builder then
discards the cache with a warning and rebuilds. Nothing here unpickles or evaluates anything.

The cache sits in the maps folder, which others may be able to write, so the manifest is
signed with the user's key (:mod:`cablemap.pipeline.trust`): a table rewritten with its hash
updated in the manifest is detected. The manifest is checked against its expected types
before it is believed; every file is read only if it is a regular file reached through no
link, once (the bytes hashed are the bytes parsed); a cache folder is written fresh and private.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import tempfile
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap._errors import CablemapError, UnsafeFileError
from cablemap._files import JSON_LIMIT, read_bytes_regular, real_folder, write_atomic
from cablemap._tables import write_parquet
from cablemap._validate import Issue, LoadReport
from cablemap._version import __version__
from cablemap.layers.collection import Layers
from cablemap.pipeline.publish import sha256_file
from cablemap.pipeline.trust import signature_problem, signed_json
from cablemap.risk.history.years import YearScores
from cablemap.risk.network.topology import Network
from cablemap.risk.scoring.score import Scores

if TYPE_CHECKING:
    from cablemap.risk.model.spec import ModelSpec

#: Name and version of the cache format; a cache of another version is rebuilt.
CACHE_FORMAT = "cablemap-build-cache"
CACHE_VERSION = 2
_MANIFEST = "manifest.json"
_KINDS = frozenset({"wkb", "list", "tuple", "json"})
_TABLE_FILE = re.compile(r"^[A-Za-z0-9_]+\.parquet$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: The largest cached table read back (the full 2022 release's layers are about 20 MB).
TABLE_LIMIT = 2 * 1024 * 1024 * 1024
_LAYER_FRAMES = (
    "cables",
    "landing_points",
    "cable_landings",
    "facilities",
    "countries",
    "vendor_footprints",
    "vendors",
    "hazards",
    "operator_shares",
)


class CacheError(CablemapError, ValueError):
    """A cached object is missing, of another format or version, unreadable or altered."""


# ----------------------------------------------------------------------------- frames
def _column_kind(values: pd.Series) -> str | None:
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if not present:
        return None
    if all(isinstance(v, shapely.Geometry) for v in present):
        return "wkb"
    if all(isinstance(v, list) for v in present):
        return "list"
    if all(isinstance(v, tuple) for v in present):
        return "tuple"
    if all(isinstance(v, str) for v in present):
        return None
    return "json"


def _encode(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    out = frame.copy()
    kinds: dict[str, str] = {}
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in frame.columns:
        if col == geometry or frame[col].dtype != object:
            continue
        kind = _column_kind(frame[col])
        if kind is None:
            continue
        kinds[str(col)] = kind
        if kind == "wkb":
            out[col] = [None if v is None else shapely.to_wkb(v) for v in frame[col]]
        elif kind == "json":
            out[col] = [json.dumps(v, default=str) for v in frame[col]]
    return out, kinds


def _decode(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    for col, kind in kinds.items():
        if kind == "wkb":
            frame[col] = pd.Series(
                [None if v is None else shapely.from_wkb(v) for v in frame[col]],
                index=frame.index,
                dtype=object,
            )
        elif kind == "json":
            frame[col] = pd.Series([json.loads(v) for v in frame[col]], index=frame.index)
        else:
            make = list if kind == "list" else tuple
            frame[col] = pd.Series(
                [None if v is None else make(np.asarray(v).tolist()) for v in frame[col]],
                index=frame.index,
                dtype=object,
            )
    return frame


def _write_table(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    """Write one table under a fresh random name, then rename it into place (no link followed)."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    try:
        write_parquet(frame, Path(tmp))
        return Path(tmp).replace(folder / f"{name}.parquet")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_frames(frames: dict[str, pd.DataFrame | None], folder: Path) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        encoded, kinds = _encode(frame)
        path = _write_table(encoded, folder, name)
        entries[name] = {
            "file": path.name,
            "sha256": sha256_file(path),
            "geo": isinstance(frame, gpd.GeoDataFrame),
            "kinds": kinds,
            "attrs": frame.attrs,
        }
    return entries


def _table_bytes(path: Path, name: str) -> bytes:
    try:
        return read_bytes_regular(path, f"cached table {name!r}", follow=False, limit=TABLE_LIMIT)
    except FileNotFoundError:
        msg = f"{str(path)!r}: cached table {name!r} is missing"
        raise CacheError(msg) from None
    except UnsafeFileError as exc:
        raise CacheError(str(exc)) from None


def _read_frames(folder: Path, entries: dict[str, Any]) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for name, entry in entries.items():
        path = folder / entry["file"]
        data = _table_bytes(path, name)  # read once: the bytes hashed are the bytes parsed
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            msg = f"{str(path)!r}: cached table {name!r} was altered (SHA-256 differs)"
            raise CacheError(msg)
        buffer = io.BytesIO(data)
        frame = gpd.read_parquet(buffer) if entry["geo"] else pd.read_parquet(buffer)
        frame = _decode(frame, entry["kinds"])
        frame.attrs.update(entry["attrs"])
        frames[name] = frame
    return frames


def _is(kind: type | tuple[type, ...]) -> Any:
    return lambda value: isinstance(value, kind)


def _kinds_ok(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and v in _KINDS for k, v in value.items()
    )


def _entry_problem(name: object, entry: object) -> str | None:
    if not isinstance(name, str) or not _TABLE_FILE.match(f"{name}.parquet"):
        return f"frames: {name!r} is no table name"
    if not isinstance(entry, dict):
        return f"frames[{name!r}] is {type(entry).__name__}, not an object"
    checks = {
        "file": lambda v: v == f"{name}.parquet",
        "sha256": lambda v: isinstance(v, str) and bool(_SHA256.match(v)),
        "geo": _is(bool),
        "kinds": _kinds_ok,
        "attrs": _is(dict),
    }
    for key, check in checks.items():
        if not check(entry.get(key)):
            return f"frames[{name!r}].{key} is {entry.get(key)!r}"
    return None


def manifest_problem(manifest: dict[str, Any]) -> str | None:
    """Say why a cache manifest is not of the types the cache writes; ``None`` if it is."""
    frames, values = manifest.get("frames"), manifest.get("values")
    if not isinstance(frames, dict):
        return f"frames is {type(frames).__name__}, not an object"
    if not isinstance(values, dict):
        return f"values is {type(values).__name__}, not an object"
    for name, entry in frames.items():
        problem = _entry_problem(name, entry)
        if problem:
            return problem
    return None


def _write(folder: Path, kind: str, frames: dict[str, Any], values: dict[str, Any]) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    real_folder(folder, "cache folder", mode=0o700)
    manifest = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "kind": kind,
        "cablemap_version": __version__,
        "frames": _write_frames(frames, folder),
        "values": values,
    }
    write_atomic(folder / _MANIFEST, signed_json(manifest, f"cache/{folder.name}"))
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / _MANIFEST
    try:
        if not stat.S_ISDIR(folder.lstat().st_mode):
            msg = f"{str(folder)!r}: cache folder is a link or no folder"
            raise CacheError(msg)
        data = read_bytes_regular(path, "cache manifest", follow=False, limit=JSON_LIMIT)
        manifest = json.loads(data)
    except UnsafeFileError as exc:
        raise CacheError(str(exc)) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        msg = f"{str(path)!r}: cache manifest unreadable: {exc}"
        raise CacheError(msg) from None
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        msg = f"{str(path)!r}: not a {CACHE_FORMAT} manifest"
        raise CacheError(msg)
    return manifest


def _read(folder: Path, kind: str) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    path = folder / _MANIFEST
    manifest = _manifest(folder)
    if manifest.get("version") != CACHE_VERSION or manifest.get("kind") != kind:
        msg = (
            f"{str(path)!r}: cache {manifest.get('kind')!r} version {manifest.get('version')!r}, "
            f"expected {kind!r} version {CACHE_VERSION}"
        )
        raise CacheError(msg)
    problem = signature_problem(manifest, f"cache/{folder.name}")
    if problem is not None:
        msg = f"{str(path)!r}: cache manifest {problem}"
        raise CacheError(msg)
    problem = manifest_problem(manifest)
    if problem is not None:
        msg = f"{str(path)!r}: cache manifest malformed: {problem}"
        raise CacheError(msg)
    try:
        frames = _read_frames(folder, manifest["frames"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, CacheError):
            raise
        msg = f"{str(folder)!r}: cached tables unreadable: {exc}"
        raise CacheError(msg) from None
    return frames, manifest["values"]


# ----------------------------------------------------------------------------- objects
def save_layers_cache(layers: Layers, folder: str | Path) -> Path:
    """Write layers (every frame, the load report and the sources) to a cache folder."""
    frames = {name: getattr(layers, name) for name in _LAYER_FRAMES}
    report = {
        "issues": [astuple(issue) for issue in layers.report.issues],
        "counts": layers.report.counts,
    }
    return _write(Path(folder), "layers", frames, {"report": report, "sources": layers.sources})


def load_layers_cache(folder: str | Path) -> Layers:
    """Read layers written by :func:`save_layers_cache`.

    Raises
    ------
    CacheError
        If the cache is missing, of another format or version, unreadable or altered.
    """
    frames, values = _read(Path(folder), "layers")
    try:
        report = LoadReport(
            [Issue(*issue) for issue in values["report"]["issues"]],
            dict(values["report"]["counts"]),
        )
        return Layers(
            frames["cables"],
            frames["landing_points"],
            frames["cable_landings"],
            report,
            values["sources"],
            **{name: frames.get(name) for name in _LAYER_FRAMES[3:]},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"{str(folder)!r}: cached layers incomplete: {exc}"
        raise CacheError(msg) from None


def save_scores_cache(scores: Scores, folder: str | Path) -> Path:
    """Write scores (tables, sensitivity, notes and the segment network) to a cache folder."""
    net = scores.network
    frames = {
        "landing_points": scores.landing_points,
        "cables": scores.cables,
        "countries": scores.countries,
        "sensitivity": scores.sensitivity,
        "network_nodes": net.nodes,
        "network_segments": net.segments,
        "network_terrestrial": net.terrestrial,
    }
    values = {
        "notes": scores.notes,
        "network_notes": net.notes,
        "model": str(scores.model.path),
        "year": scores.year,
    }
    return _write(Path(folder), "scores", frames, values)


def load_scores_cache(folder: str | Path, model: ModelSpec) -> Scores:
    """Read scores written by :func:`save_scores_cache`, with the model that made them.

    Parameters
    ----------
    folder
        The cache folder.
    model
        The model the scores were computed with (the builder's key guarantees it is
        unchanged); the cache keeps tables, not code or objects.

    Raises
    ------
    CacheError
        If the cache is missing, of another format or version, unreadable or altered.
    """
    frames, values = _read(Path(folder), "scores")
    try:
        network = Network(
            frames["network_nodes"],
            frames["network_segments"],
            frames["network_terrestrial"],
            list(values["network_notes"]),
        )
        return Scores(
            frames["landing_points"],
            frames["cables"],
            frames["countries"],
            model,
            network,
            frames["sensitivity"],
            list(values["notes"]),
            year=values.get("year"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"{str(folder)!r}: cached scores incomplete: {exc}"
        raise CacheError(msg) from None


def save_years_cache(years: YearScores, folder: str | Path) -> Path:
    """Write scores through time (:class:`~cablemap.risk.history.years.YearScores`) to a folder."""
    frames = {
        "countries": years.countries,
        "landing_points": years.landing_points,
        "cables": years.cables,
    }
    values = {
        "span": [years.first_year, years.current_year, years.last_year],
        "years": list(years.years),
        "model": years.model,
    }
    return _write(Path(folder), "years", frames, values)


def load_years_cache(folder: str | Path) -> YearScores:
    """Read scores through time written by :func:`save_years_cache`.

    Raises
    ------
    CacheError
        If the cache is missing, of another format or version, unreadable or altered.
    """
    frames, values = _read(Path(folder), "years")
    try:
        first, current, last = (int(v) for v in values["span"])
        years = tuple(int(y) for y in values["years"])
        countries, points, cables = (frames[k] for k in ("countries", "landing_points", "cables"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"{str(folder)!r}: cached scores through time incomplete: {exc}"
        raise CacheError(msg) from None
    return YearScores(
        first, current, last, years, countries, points, cables, str(values.get("model", ""))
    )
