"""``cablemap build``: load → validate → score → scenarios → maps → exports → change report.

Incremental: each stage has a key made of fingerprints of what it depends on (the input files'
paths, sizes and modification times; the model folder; cablemap's version and code), kept in
``<out>/.cablemap-build/state.json`` with the stage's cached result. A stage runs only when its
key changed (or its outputs are missing): an unchanged build does nothing; a changed model
re-scores without reloading; a changed facility or footprint file reloads only those layers
and redraws the maps, without re-scoring.

Atomic: every output is written to a staging folder first and moved into place, file by file
(``os.replace``), only after all stages succeeded, so a failed or interrupted build leaves the
previous maps and exports as they were. The change report compares the previous build's
layers and scores with this one's whenever the cable data changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cablemap import __version__
from cablemap._errors import SourceFormatError
from cablemap._resources import risk_models_path, sample_path
from cablemap.layers import load
from cablemap.layers.boundaries import bundled_countries
from cablemap.layers.collection import Layers
from cablemap.layers.extras import add_extras
from cablemap.pipeline.diff import change_report, report_html, report_lines
from cablemap.pipeline.exports import FORMATS, export_scores
from cablemap.render import build_maps, save_map, scenario_map, write_index
from cablemap.risk import ScenarioEngine, load_model, load_region, score

logger = logging.getLogger(__name__)

STAGES = ("load", "validate", "score", "scenarios", "maps", "exports", "report")
_STATE_DIR = ".cablemap-build"
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildConfig:
    """What to build from and where (a project file's ``[layers]``/``[build]`` or flags).

    Attributes
    ----------
    source
        One source for the cable layers (overrides the project's ``[layers]``).
    project
        A project file (``cablemap.toml``); its ``[layers]`` name the sources.
    model
        Model file; default ``risk_models/dcs-v1.toml``.
    out
        Maps folder.
    exports
        Exports folder (default ``<out>/exports``).
    formats
        Export formats among ``gpkg``, ``parquet``, ``csv``.
    offline
        Self-contained maps (default) or Leaflet from its CDN.
    online_tiles
        Offer an OpenStreetMap tile layer.
    region
        Region file for the maps' view (default: the model's region).
    countries
        Country polygons for landmasses and the basemap (overrides the project's).
    """

    source: Path | None = None
    project: Path | None = None
    model: Path | None = None
    out: Path = Path("maps")
    exports: Path | None = None
    formats: tuple[str, ...] = FORMATS
    offline: bool = True
    online_tiles: bool = False
    region: Path | None = None
    countries: Path | None = None


def config_from_project(path: str | Path, **overrides: Any) -> BuildConfig:
    """Read a project file's ``[build]`` table (paths relative to the file); flags override.

    Returns
    -------
    BuildConfig
        The configuration.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"{str(path)!r} could not be read as a project file: {exc}"
        raise SourceFormatError(msg) from None
    table = data.get("build", {})
    known = {"model", "out", "exports", "formats", "offline", "online_tiles", "region"}
    unknown = sorted(set(table) - known)
    if unknown:
        msg = f"{str(path)!r}: [build] key(s) {unknown} unknown; allowed: {sorted(known)}"
        raise SourceFormatError(msg)

    def rel(key: str) -> Path | None:
        return (path.parent / table[key]).resolve() if key in table else None

    values: dict[str, Any] = {
        "project": path.resolve(),
        "model": rel("model"),
        "out": rel("out") or Path("maps"),
        "exports": rel("exports"),
        "formats": tuple(table.get("formats", FORMATS)),
        "offline": bool(table.get("offline", True)),
        "online_tiles": bool(table.get("online_tiles", False)),
        "region": rel("region"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return BuildConfig(**values)


@dataclass
class BuildResult:
    """What a build did.

    Attributes
    ----------
    ran, skipped
        Stages run and stages whose result was still valid.
    timings
        Seconds per stage run.
    outputs
        Files written (moved into place).
    counts
        Layer sizes and report counts.
    warnings
        Skipped or repaired input records (see the load report).
    changes
        Lines of the change report, when the data changed since the last build.
    """

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        """True when nothing had to be done."""
        return not self.ran


# ----------------------------------------------------------------------------- fingerprints
def fingerprint(paths: list[Path], *, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-1 of the files under ``paths``: relative path, size and modification time.

    Returns
    -------
    str
        A hex digest; missing paths count too (their absence is part of the print).
    """
    digest = hashlib.sha1()  # noqa: S324 - a change detector, not security
    for given in paths:
        root = Path(given)
        digest.update(str(root).encode())
        if root.is_file():
            files = [root]
        elif root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file() and _STATE_DIR not in p.parts)
        else:
            digest.update(b"missing")
            continue
        for f in files:
            if suffixes and f.suffix not in suffixes:
                continue
            stat = f.stat()
            name = f.relative_to(root) if root.is_dir() else f.name
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _key(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()  # noqa: S324


@dataclass
class _Sources:
    cables: list[Path]
    facilities: list[Path]
    countries: Path | None
    footprints: Path | None
    load_from: Path  # what cm.load reads for the cable layers
    project_layers: dict[str, Any]


def _sources(config: BuildConfig) -> _Sources:
    if config.source is not None:
        return _Sources([config.source], [], config.countries, None, config.source, {})
    if config.project is not None:
        data = tomllib.loads(config.project.read_text(encoding="utf-8"))
        layers = data.get("layers", {})
        base = config.project.parent

        def rel(v: object) -> Path:
            return (base / str(v)).resolve()

        if "cables" not in layers:
            msg = f"{str(config.project)!r}: needs a [layers] table with at least a 'cables' source"
            raise SourceFormatError(msg)
        facilities = layers.get("facilities", [])
        facilities = [facilities] if isinstance(facilities, str) else list(facilities)
        cable_paths = sorted(
            {
                rel(layers.get(k, layers["cables"]))
                for k in ("cables", "landing_points", "cable_landings")
            }
        )
        countries = config.countries or (
            rel(layers["countries"]) if "countries" in layers else None
        )
        return _Sources(
            cable_paths,
            [rel(f) for f in facilities],
            countries,
            rel(layers["vendor_footprints"]) if "vendor_footprints" in layers else None,
            config.project if len(cable_paths) > 1 else cable_paths[0],
            layers,
        )
    sample = sample_path()
    return _Sources([sample], [], config.countries, None, sample, {})


# ----------------------------------------------------------------------------- the build
class _State:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "state.json"
        self.keys: dict[str, str] = json.loads(self.file.read_text()) if self.file.is_file() else {}

    def cached(self, name: str) -> Any:
        path = self.folder / f"{name}.pkl"
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache, written by this module

    def has(self, name: str) -> bool:
        return (self.folder / f"{name}.pkl").is_file()

    def save(self, keys: dict[str, str], objects: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, obj in objects.items():
            tmp = self.folder / f"{name}.pkl.tmp"
            with tmp.open("wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.folder / f"{name}.pkl")
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(keys, indent=1))
        tmp.replace(self.file)


def build(
    config: BuildConfig,
    *,
    on_stage: Callable[[str, str, float], None] | None = None,
    force: bool = False,
) -> BuildResult:
    """Run the stages whose inputs changed; move the outputs into place only if all succeed.

    Parameters
    ----------
    config
        What to build from and where.
    on_stage
        Called as ``(stage, "ran" | "skipped", seconds)`` for every stage (progress).
    force
        Run every stage.

    Returns
    -------
    BuildResult
        What ran, what was skipped, timings, outputs, counts and change-report lines.

    Examples
    --------
    >>> from cablemap.pipeline import BuildConfig, build
    >>> build(BuildConfig(out=Path("maps"))).ran  # doctest: +SKIP
    ['load', 'validate', 'score', 'scenarios', 'maps', 'exports']
    """
    out = Path(config.out)
    exports_dir = Path(config.exports) if config.exports else out / "exports"
    state = _State(out / _STATE_DIR)
    src = _sources(config)
    model_file = config.model or risk_models_path() / "dcs-v1.toml"
    code = _key(__version__, fingerprint([_PACKAGE], suffixes=(".py", ".js", ".csv", ".css")))
    k_cables = _key("cables", fingerprint(src.cables), code)
    k_extras = _key(
        "extras",
        fingerprint(src.facilities),
        fingerprint([src.footprints] if src.footprints else []),
        k_cables,
    )
    k_countries = _key("countries", fingerprint([src.countries]) if src.countries else "none")
    k_model = _key("model", fingerprint([Path(model_file).parent]), str(model_file))
    keys = {
        "load": _key(k_cables, k_extras, k_countries),
        "score": _key(k_cables, k_countries, k_model, code),
        "maps": _key(
            k_cables,
            k_extras,
            k_countries,
            k_model,
            code,
            config.offline,
            config.online_tiles,
            fingerprint([config.region]) if config.region else "model-region",
        ),
        "exports": _key(k_cables, k_countries, k_model, code, config.formats, str(exports_dir)),
    }
    keys["scenarios"] = keys["score"]
    expected = [out / "index.html", out / "strategic_nodes.html", out / "vendor_exposure.html"]
    outputs_missing = not all(p.exists() for p in expected)
    result = BuildResult()
    previous = dict(state.keys)
    stale = {s: force or previous.get(s) != k for s, k in keys.items()}
    if outputs_missing:
        stale["maps"] = True
    if config.formats and not exports_dir.exists():
        stale["exports"] = True
    if not any(stale.values()) and state.has("layers"):
        for stage in STAGES:
            result.skipped.append(stage)
            if on_stage:
                on_stage(stage, "skipped", 0.0)
        return result

    staging = out / _STATE_DIR / f"staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    keys["cables_key"] = _key(fingerprint(src.cables))
    run = _Run(
        config, src, state, keys, stale, staging, Path(model_file), previous, result, on_stage
    )
    try:
        objects = run.run()
        result.outputs = _move_into_place(staging, out, exports_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state.save(keys, objects)
    return result


Progress = Callable[[str, str, float], None] | None


@dataclass
class _Run:
    """One build's stages, each deciding from its key whether to run or reuse its cache."""

    config: BuildConfig
    src: _Sources
    state: _State
    keys: dict[str, str]
    stale: dict[str, bool]
    staging: Path
    model_file: Path
    previous: dict[str, str]
    result: BuildResult = field(default_factory=BuildResult)
    on_stage: Progress = None

    def _timed(self, stage: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
        self.result.ran.append(stage)
        self.result.timings[stage] = round(seconds, 3)
        if self.on_stage:
            self.on_stage(stage, "ran", seconds)
        return value

    def _skip(self, stage: str) -> None:
        self.result.skipped.append(stage)
        if self.on_stage:
            self.on_stage(stage, "skipped", 0.0)

    def load(self) -> tuple[Layers, Layers | None]:
        """Load the layers; only the extras when just they changed. Returns (layers, cables)."""
        if not (self.stale["load"] or not self.state.has("layers")):
            self._skip("load")
            self._skip("validate")
            return self.state.cached("layers"), None
        reuse = self.previous.get("cables_key") == self.keys["cables_key"] and self.state.has(
            "cables"
        )
        src = self.src
        holder: dict[str, Layers] = {}

        def do_load() -> Layers:
            holder["cables"] = self.state.cached("cables") if reuse else load(src.load_from)
            if src.project_layers or src.countries:
                return add_extras(
                    holder["cables"],
                    facilities=src.facilities,
                    countries=src.countries,
                    footprints=src.footprints,
                )
            return holder["cables"]

        layers = self._timed("load", do_load)
        self._timed("validate", layers.validate)
        return layers, holder["cables"]

    def scores(self, layers: Layers, model: Any, polygons: Any) -> Any:
        if self.stale["score"] or not self.state.has("scores"):
            return self._timed("score", lambda: score(layers, model, countries=polygons))
        self._skip("score")
        return self.state.cached("scores")

    def scenarios(self, layers: Layers, model: Any, polygons: Any) -> tuple[dict[str, Any], Any]:
        if not (model.scenarios and (self.stale["scenarios"] or self.stale["maps"])):
            self._skip("scenarios")
            return {}, None
        holder: dict[str, ScenarioEngine] = {}

        def run() -> dict[str, Any]:
            engine = holder["engine"] = ScenarioEngine(layers, model, countries=polygons)
            return {
                s["name"]: engine.run(
                    cables=s["cut_cables"], areas=s["cut_areas"], vendors=s["cut_vendors"]
                )
                for s in model.scenarios
            }

        runs = self._timed("scenarios", run)
        return runs, holder["engine"]

    def maps(
        self, scores: Any, layers: Layers, runs: dict[str, Any], engine: Any, model: Any
    ) -> None:
        if not self.stale["maps"]:
            self._skip("maps")
            return
        config, staging = self.config, self.staging
        basemap = layers.countries if layers.countries is not None else bundled_countries()
        region = load_region(config.region) if config.region else model.region

        def draw() -> None:
            build_maps(
                scores,
                layers,
                staging,
                region=region,
                countries=basemap,
                offline=config.offline,
                online_tiles=config.online_tiles,
            )
            for name, res in runs.items():
                page = scenario_map(
                    res, engine, title=f"Scenario: {name}", region=region, countries=basemap
                )
                save_map(page, staging / f"scenario_{name}.html", offline=config.offline)

        self._timed("maps", draw)

    def exports(self, scores: Any, layers: Layers) -> None:
        if self.config.formats and self.stale["exports"]:
            self._timed(
                "exports",
                lambda: export_scores(
                    scores, layers, self.staging / "_exports", formats=self.config.formats
                ),
            )
        else:
            self._skip("exports")

    def report(self, layers: Layers, scores: Any) -> None:
        changed = self.previous.get("cables_key") not in (None, self.keys["cables_key"])
        if not (changed and self.state.has("layers") and self.state.has("scores")):
            self._skip("report")
            return

        def run() -> None:
            old_layers, old_scores = self.state.cached("layers"), self.state.cached("scores")
            changes = change_report(old_layers, layers, old_scores, scores)
            (self.staging / "changes.json").write_text(json.dumps(changes, indent=1, default=str))
            (self.staging / "changes.html").write_text(report_html(changes))
            self.result.changes = report_lines(changes)

        self._timed("report", run)

    def index(self, layers: Layers, model: Any) -> None:
        if not self.stale["maps"]:
            return
        # keep on-demand scenario maps (cablemap scenario --map) and the last change report
        out = Path(self.config.out)
        for old in [*out.glob("scenario_*.html"), out / "changes.html"]:
            if old.exists() and not (self.staging / old.name).exists():
                shutil.copy2(old, self.staging / old.name)
        write_index(self.staging, layers, model)
        _link_changes(self.staging)

    def run(self) -> dict[str, Any]:
        """Run every stage; return the objects to cache."""
        layers, cables = self.load()
        self.result.counts.update(
            {"cables": len(layers.cables), "landing_points": len(layers.landing_points)}
        )
        if layers.facilities is not None:
            self.result.counts["facilities"] = len(layers.facilities)
        self.result.warnings = len(layers.report.issues)
        model = load_model(self.model_file)
        polygons = layers.countries if self.src.countries else None
        scores = self.scores(layers, model, polygons)
        runs, engine = self.scenarios(layers, model, polygons)
        self.maps(scores, layers, runs, engine, model)
        self.exports(scores, layers)
        self.report(layers, scores)
        self.index(layers, model)
        objects: dict[str, Any] = {"layers": layers, "scores": scores}
        if cables is not None and cables is not layers:
            objects["cables"] = cables  # lets a facilities-only change skip reloading cables
        return objects


def _link_changes(folder: Path) -> None:
    index = folder / "index.html"
    if (folder / "changes.html").exists() and index.exists():
        page = index.read_text(encoding="utf-8")
        link = '<h2>Changes</h2><p><a href="changes.html">What changed since the last build</a></p>'
        index.write_text(
            page.replace("<h2>Model weights</h2>", link + "\n<h2>Model weights</h2>"),
            encoding="utf-8",
        )


def _move_into_place(staging: Path, out: Path, exports_dir: Path) -> list[Path]:
    moved = []
    for path in sorted(staging.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(staging)
        target = exports_dir / Path(*rel.parts[1:]) if rel.parts[0] == "_exports" else out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)  # atomic per file
        moved.append(target)
    return moved


def watch(
    config: BuildConfig,
    *,
    interval: float = 2.0,
    max_builds: int | None = None,
    on_build: Callable[[BuildResult], None] | None = None,
    on_stage: Callable[[str, str, float], None] | None = None,
) -> int:
    """Rebuild whenever the inputs, the model folder or the code change.

    Parameters
    ----------
    config
        What to build.
    interval
        Seconds between checks.
    max_builds
        Stop after this many builds that did work (``None``: until interrupted).
    on_build
        Called after every build that did work.
    on_stage
        Progress callback, as for :func:`build`.

    Returns
    -------
    int
        The number of builds that did work.
    """
    builds = 0
    while max_builds is None or builds < max_builds:
        result = build(config, on_stage=on_stage)
        if result.ran:
            builds += 1
            if on_build:
                on_build(result)
        if max_builds is not None and builds >= max_builds:
            break
        time.sleep(interval)
    return builds
