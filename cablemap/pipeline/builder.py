"""``cablemap build``: load → validate → score → scenarios → simulate → maps → exports → report.

Incremental: each stage has a key made of fingerprints of what it depends on (the input files'
paths, sizes and modification times; the model folder; cablemap's version and code), kept in
``<out>/.cablemap-build/state.json`` with the hashes of the outputs and the stage results
cached as Parquet/JSON (:mod:`cablemap.pipeline.cache`: data that cannot run code). A stage
runs only when its key changed or one of its outputs is missing or altered: an unchanged build
does nothing; a changed model re-scores without reloading; a changed facility or footprint file
reloads only those layers and redraws the maps, without re-scoring. A cache that is unreadable
or was altered is discarded with a warning and everything is rebuilt.

Safe publication (:mod:`cablemap.pipeline.publish`): one build at a time per output folder
(a lock; the second waits or says who holds it); every output staged beside its destination;
moved in under a journal only after all stages succeeded, then the state recorded; a build
killed half-way is completed by the next one before anything else, so the folder never stays a
mix of two builds and "up to date" is said only when the outputs on disk have the recorded
hashes. The change report compares the previous build's layers and scores with this one's
whenever the cable data changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cablemap import settings
from cablemap._errors import (
    BuildOutputError,
    CablemapWarning,
    ScenarioError,
    SourceFormatError,
)
from cablemap._resources import risk_models_path, sample_path
from cablemap._validate import Issue
from cablemap._version import __version__
from cablemap.layers import load
from cablemap.layers.attach import add_extras
from cablemap.layers.boundaries import bundled_countries
from cablemap.layers.collection import Layers
from cablemap.layers.project import read_project
from cablemap.pipeline import cache, publish
from cablemap.pipeline.briefs import brief_data, read_changes
from cablemap.pipeline.diff import change_report, report_html, report_lines
from cablemap.pipeline.exports import FORMATS, export_scores
from cablemap.render import plan_map, save_map, save_maps, scenario_map, write_index
from cablemap.render.briefs import brief_countries, save_briefs
from cablemap.render.report import REPORT_JSON
from cablemap.risk import ScenarioEngine, load_model, load_region, score
from cablemap.risk import plan as run_plan
from cablemap.risk.history.timeline import new_cables_by_year
from cablemap.risk.history.years import YearScores, score_years
from cablemap.risk.planning.plan import plan_settings
from cablemap.risk.simulation.simulate import SimulationResult, simulate

logger = logging.getLogger(__name__)

STAGES = (
    "load",
    "validate",
    "score",
    "scenarios",
    "simulate",
    "maps",
    "exports",
    "report",
    "briefs",
)
_STATE_DIR = publish.STATE_DIR
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
    hazards
        Earthquake catalogues (override the project's ``[layers] hazards``).
    """

    source: Path | None = None
    project: Path | None = None
    model: Path | None = None
    out: Path | None = None
    exports: Path | None = None
    formats: tuple[str, ...] = FORMATS
    offline: bool = True
    online_tiles: bool = False
    region: Path | None = None
    countries: Path | None = None
    hazards: tuple[Path, ...] = ()

    @property
    def out_folder(self) -> Path:
        """The maps folder: ``out``, or ``settings.maps_folder`` read now."""
        return Path(self.out) if self.out is not None else Path(settings.maps_folder)

    @property
    def exports_folder(self) -> Path:
        """The exports folder: ``exports``, or ``<out>/exports``."""
        return Path(self.exports) if self.exports else self.out_folder / "exports"


def config_from_project(path: str | Path, **overrides: Any) -> BuildConfig:
    """Read a project file's ``[build]`` table (paths relative to the file); flags override.

    Returns
    -------
    BuildConfig
        The configuration.

    Raises
    ------
    SourceFormatError
        If the project file is unreadable or malformed (see
        :func:`cablemap.layers.project.read_project`).
    """
    project = read_project(path)
    values: dict[str, Any] = {"project": project.path}
    for key in ("model", "out", "exports", "formats", "offline", "online_tiles", "region"):
        if getattr(project, key) is not None:
            values[key] = getattr(project, key)
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
    notices
        What the build found and mended before it ran: a discarded cache or state, an
        interrupted build completed, outputs found altered, leftovers removed.
    skipped_records
        Every record the load left out (the ``error`` issues of the load report), as text;
        also in ``<out>/build_report.html`` and ``.json``, which the maps link to. An
        up-to-date build reads them from that report.
    """

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    changes: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)

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
            stat = root.stat()
            entries = [(root.name, stat.st_size, stat.st_mtime_ns)]
        elif root.is_dir():
            entries = sorted(_tree_stats(str(root)))
        else:
            digest.update(b"missing")
            continue
        for name, size, mtime in entries:
            if suffixes and os.path.splitext(name)[1] not in suffixes:  # noqa: PTH122
                continue
            digest.update(f"{name}:{size}:{mtime}".encode())
    return digest.hexdigest()


def _tree_stats(root: str) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime) of every file under ``root``, build state folders excluded.

    ``os.scandir`` with plain strings: a replica of 15,000 files takes 0.1 s where
    ``Path.rglob``, ``relative_to`` and ``Path`` sorting took 1.5 s (no-change rebuilds).
    Symlinked folders are followed once (a loop is not walked twice).
    """
    out: list[tuple[str, int, int]] = []
    seen: set[tuple[int, int]] = set()
    stack = [("", root)]
    while stack:
        rel, folder = stack.pop()
        try:
            info = os.stat(folder)  # noqa: PTH116 - strings throughout, see above
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = f"{rel}{entry.name}"
                    try:
                        if entry.is_dir():
                            if entry.name != _STATE_DIR:
                                stack.append((f"{name}/", entry.path))
                        elif entry.is_file():
                            stat = entry.stat()
                            out.append((name, stat.st_size, stat.st_mtime_ns))
                    except OSError:  # vanished or unreadable: its absence is in the print
                        continue
        except OSError:
            continue
    return out


def _key(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()  # noqa: S324


@dataclass
class _Sources:
    cables: list[Path]
    facilities: list[Path]
    countries: Path | None
    footprints: list[Path]
    load_from: Path  # what cm.load reads for the cable layers
    from_project: bool
    aiddata: Path | None = None
    hazards: list[Path] = field(default_factory=list)


def _sources(config: BuildConfig) -> _Sources:
    hazards = list(config.hazards)
    if config.source is not None:
        return _Sources(
            [config.source], [], config.countries, [], config.source, False, hazards=hazards
        )
    if config.project is not None:
        project = read_project(config.project)
        if not project.has_layers:
            msg = f"{str(config.project)!r}: needs a [layers] table with at least a 'cables' source"
            raise SourceFormatError(msg)
        cable_paths = list(project.cable_sources)
        return _Sources(
            cable_paths,
            list(project.facilities),
            config.countries or project.countries,
            list(project.vendor_footprints),
            config.project if len(cable_paths) > 1 else cable_paths[0],
            True,
            project.aiddata,
            hazards or list(project.hazards),
        )
    sample = sample_path()
    return _Sources([sample], [], config.countries, [], sample, False, hazards=hazards)


# ----------------------------------------------------------------------------- the build
class _CacheUnusable(Exception):  # noqa: N818 - internal signal, never escapes build()
    """A cached object could not be read: discard the cache and build everything."""


class _State:
    """The recorded state of the last build and its cached objects (Parquet/JSON)."""

    def __init__(self, folder: Path, record: dict[str, Any]) -> None:
        self.folder = folder
        self.keys: dict[str, str] = dict(record["keys"])
        self.outputs: dict[str, str] = dict(record["outputs"])
        self.objects: dict[str, str] = dict(record["objects"])

    def has(self, name: str) -> bool:
        return name in self.objects and (self.folder / "cache" / self.objects[name]).is_dir()

    def cached(self, name: str, model: Any = None) -> Any:
        folder = self.folder / "cache" / self.objects[name]
        try:
            if name == "scores":
                return cache.load_scores_cache(folder, model)
            if name == "years":
                return cache.load_years_cache(folder)
            return cache.load_layers_cache(folder)
        except cache.CacheError as exc:
            raise _CacheUnusable(str(exc)) from None

    def forget(self) -> None:
        self.keys, self.outputs, self.objects = {}, {}, {}


def _notice(result: BuildResult, message: str) -> None:
    result.notices.append(message)
    logger.warning(message)
    warnings.warn(message, CablemapWarning, stacklevel=3)


def build(
    config: BuildConfig,
    *,
    on_stage: Callable[[str, str, float], None] | None = None,
    force: bool = False,
    wait: float = 0.0,
) -> BuildResult:
    """Run the stages whose inputs changed; publish the outputs only if all succeed.

    Parameters
    ----------
    config
        What to build from and where.
    on_stage
        Called as ``(stage, "ran" | "skipped", seconds)`` for every stage (progress).
    force
        Run every stage.
    wait
        Seconds to wait for another build of the same output folder to finish.

    Returns
    -------
    BuildResult
        What ran, what was skipped, timings, outputs, counts, change-report lines and notices.

    Raises
    ------
    BuildLockedError
        If another build holds the output folder for longer than ``wait`` seconds.
    BuildOutputError
        If an output folder cannot be created or written (the message says which and why).

    Examples
    --------
    >>> from cablemap.pipeline import BuildConfig, build
    >>> build(BuildConfig(out=Path("maps"))).ran  # doctest: +SKIP
    ['load', 'validate', 'score', 'scenarios', 'maps', 'exports']
    """
    out = publish.prepare_folder(config.out_folder, "the maps folder (--out)")
    exports_dir = config.exports_folder
    if config.formats:
        publish.prepare_folder(exports_dir, "the exports folder (--exports)")
    state_dir = out / _STATE_DIR
    with publish.build_lock(state_dir, timeout=wait):
        result = BuildResult()
        recovered = publish.recover(state_dir, out, exports_dir)
        if recovered:
            _notice(result, recovered)
        record, problem = publish.read_state(state_dir)
        if problem:
            _notice(result, problem)
        state = _State(state_dir, record)
        publish.clean_leftovers(state_dir, exports_dir, set(state.objects.values()))
        try:
            try:
                return _build(config, state, out, exports_dir, result, on_stage, force=force)
            except _CacheUnusable as exc:
                _notice(result, f"build cache discarded, rebuilding everything: {exc}")
                state.forget()
                publish.clean_leftovers(state_dir, exports_dir, set())
                fresh = BuildResult(notices=result.notices)
                return _build(config, state, out, exports_dir, fresh, on_stage, force=True)
        except BuildOutputError:
            raise
        except OSError as exc:
            if publish.writing_to(exc, (out, exports_dir)):
                raise publish.output_error(exc, "the build's outputs") from exc
            raise  # an input could not be read: the CLI names the path and the reason
        finally:
            publish.clean_leftovers(state_dir, exports_dir, set(state.objects.values()))


def _stage_keys(config: BuildConfig, src: _Sources, exports_dir: Path) -> dict[str, str]:
    model_file = config.model or risk_models_path() / "dcs-v1.toml"
    code = _key(__version__, fingerprint([_PACKAGE], suffixes=(".py", ".js", ".csv", ".css")))
    cables_print = fingerprint(src.cables)
    k_cables = _key("cables", cables_print, code)
    k_extras = _key(
        "extras",
        fingerprint(src.facilities),
        fingerprint([*src.footprints, *([src.aiddata] if src.aiddata else [])]),
        k_cables,
    )
    k_countries = _key(
        "countries",
        fingerprint([src.countries]) if src.countries else "none",
        fingerprint(src.hazards) if src.hazards else "no hazards",
    )
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
    keys["simulate"] = keys["score"]
    keys["cables_key"] = _key(cables_print)
    return keys


_EXPECTED_MAPS = ("maps/index.html", "maps/strategic_nodes.html", "maps/vendor_exposure.html")


def _build(  # noqa: PLR0917 - one build's context, passed from build() only
    config: BuildConfig,
    state: _State,
    out: Path,
    exports_dir: Path,
    result: BuildResult,
    on_stage: Progress,
    *,
    force: bool,
) -> BuildResult:
    src = _sources(config)
    model_file = config.model or risk_models_path() / "dcs-v1.toml"
    keys = _stage_keys(config, src, exports_dir)
    previous = dict(state.keys)
    stale = {s: force or previous.get(s) != k for s, k in keys.items() if s != "cables_key"}
    altered = publish.changed_outputs(state.outputs, out, exports_dir)
    if altered:
        more = f" (+{len(altered) - 5} more)" if len(altered) > 5 else ""
        shown = ", ".join(altered[:5]) + more
        _notice(result, f"outputs missing or changed since the last build, redrawn: {shown}")
        stale["maps"] = True
        stale["exports"] = stale["exports"] or any(a.startswith("exports/") for a in altered)
    if not all(name in state.outputs for name in _EXPECTED_MAPS):
        stale["maps"] = True
    if config.formats and not any(o.startswith("exports/") for o in state.outputs):
        stale["exports"] = True
    if not any(stale.values()) and state.has("layers"):
        result.skipped_records = _reported_skips(out)
        for stage in STAGES:
            result.skipped.append(stage)
            if on_stage:
                on_stage(stage, "skipped", 0.0)
        return result

    staging, exports_staging = publish.staging_dirs(state.folder, exports_dir)
    build_id = f"{int(time.time() * 1000):x}-{os.getpid()}"
    run = _Run(
        config,
        src,
        state,
        keys,
        stale,
        staging,
        exports_staging,
        Path(model_file),
        previous,
        build_id,
        result,
        on_stage,
    )
    objects = run.run()
    moves, outputs = _moves(staging, exports_staging, out, exports_dir, run.carried)
    kept = {k: v for k, v in state.outputs.items() if k not in outputs}
    if stale["maps"]:  # a redraw replaces the whole set of maps
        kept = {k: v for k, v in kept.items() if not k.startswith("maps/")}
    if stale["exports"]:
        kept = {k: v for k, v in kept.items() if not k.startswith("exports/")}
    record = publish.state_record(keys, {**kept, **outputs}, objects)
    result.outputs = publish.publish(moves, state.folder, record)
    state.objects = objects
    return result


def _reported_skips(out: Path) -> list[str]:
    """Read the skipped records from the last build report (an up-to-date build loads nothing)."""
    try:
        data = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
        return [str(Issue(**issue)) for issue in data["skipped"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _moves(
    staging: Path, exports_staging: Path, out: Path, exports_dir: Path, carried: set[str]
) -> tuple[list[tuple[Path, Path]], dict[str, str]]:
    """Pair every staged file with its destination and record its hash."""
    moves: list[tuple[Path, Path]] = []
    outputs: dict[str, str] = {}
    for root, target, prefix in ((staging, out, "maps"), (exports_staging, exports_dir, "exports")):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(root)
            if prefix == "maps" and rel.as_posix() in carried:
                continue  # kept as it is in the maps folder; listed by the index only
            moves.append((path, target / rel))
            outputs[f"{prefix}/{rel.as_posix()}"] = publish.sha256_file(path)
    return moves, outputs


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
    exports_staging: Path
    model_file: Path
    previous: dict[str, str]
    build_id: str
    result: BuildResult = field(default_factory=BuildResult)
    on_stage: Progress = None
    carried: set[str] = field(default_factory=set)

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
            if src.from_project or src.countries or src.hazards:
                return add_extras(
                    holder["cables"],
                    facilities=list(src.facilities),
                    countries=src.countries,
                    footprints=src.footprints,
                    aiddata=src.aiddata,
                    hazards=list(src.hazards),
                )
            return holder["cables"]

        layers = self._timed("load", do_load)
        self._timed("validate", layers.validate)
        return layers, holder["cables"]

    def scores(self, layers: Layers, model: Any, polygons: Any) -> tuple[Any, YearScores | None]:
        """Return the release's scores and its scores through time (the maps' year control)."""
        if self.stale["score"] or not self.state.has("scores"):

            def run() -> tuple[Any, YearScores | None]:
                scores = score(layers, model, countries=polygons)
                return scores, score_years(layers, model, countries=polygons, scores=scores)

            return self._timed("score", run)
        self._skip("score")
        years = self.state.cached("years") if self.state.has("years") else None
        return self.state.cached("scores", model), years

    def scenarios(self, layers: Layers, model: Any, polygons: Any) -> tuple[dict[str, Any], Any]:
        if not (model.scenarios and (self.stale["scenarios"] or self.stale["maps"])):
            self._skip("scenarios")
            return {}, None
        holder: dict[str, ScenarioEngine] = {}

        def run() -> dict[str, Any]:
            engine = holder["engine"] = ScenarioEngine(layers, model, countries=polygons)
            return engine.run_configured()

        runs = self._timed("scenarios", run)
        return runs, holder["engine"]

    def simulate(self, layers: Layers, model: Any, polygons: Any) -> SimulationResult | None:
        """Simulate when the model asks for the probabilistic view and its pages are redrawn."""
        settings_ = model.probabilistic
        if settings_ is None or not (
            self.stale["simulate"] or self.stale["maps"] or self.stale["exports"]
        ):
            self._skip("simulate")
            return None
        result: SimulationResult = self._timed(
            "simulate",
            lambda: simulate(
                layers,
                model,
                countries=polygons,
                years=settings_["years"],
                seed=settings_["seed"],
            ),
        )
        return result

    def maps(  # noqa: PLR0917 - the stage's inputs
        self,
        scores: Any,
        layers: Layers,
        runs: dict[str, Any],
        engine: Any,
        model: Any,
        simulation: SimulationResult | None = None,
        years: YearScores | None = None,
    ) -> None:
        if not self.stale["maps"]:
            self._skip("maps")
            return
        config, staging = self.config, self.staging
        basemap = layers.countries if layers.countries is not None else bundled_countries()
        region = load_region(config.region) if config.region else model.region

        codes = brief_countries(scores)  # the briefs stage writes these: popups link to them

        def draw() -> None:
            save_maps(
                scores,
                layers,
                staging,
                region=region,
                countries=basemap,
                offline=config.offline,
                online_tiles=config.online_tiles,
                simulation=simulation,
                years=years,
                briefs=True,
            )
            if simulation is not None:
                (staging / "probabilistic.json").write_text(
                    json.dumps(simulation.to_dict(), ensure_ascii=False), encoding="utf-8"
                )
            for name, res in runs.items():
                page = scenario_map(
                    res, engine, title=f"Scenario: {name}", region=region, countries=basemap
                )
                save_map(
                    page, staging / f"scenario_{name}.html", offline=config.offline, briefs=codes
                )
            if plan_settings(model).map:  # the model configures a plan: investment_plan.html
                try:
                    result = run_plan(layers, model, countries=layers.countries)
                except ScenarioError as exc:  # e.g. a release too small to plan anything on
                    _notice(self.result, f"investment plan not drawn: {exc}")
                    return
                eng = engine or ScenarioEngine(layers, model, countries=layers.countries)
                page = plan_map(result, eng, countries=basemap)
                save_map(
                    page, staging / "investment_plan.html", offline=config.offline, briefs=codes
                )

        self._timed("maps", draw)

    def exports(
        self, scores: Any, layers: Layers, simulation: SimulationResult | None = None
    ) -> None:
        if self.config.formats and self.stale["exports"]:
            self._timed(
                "exports",
                lambda: export_scores(
                    scores,
                    layers,
                    self.exports_staging,
                    formats=self.config.formats,
                    simulation=simulation,
                ),
            )
        else:
            self._skip("exports")

    def report(self, layers: Layers, scores: Any, model: Any) -> None:
        changed = self.previous.get("cables_key") not in (None, self.keys["cables_key"])
        if not (changed and self.state.has("layers") and self.state.has("scores")):
            self._skip("report")
            return

        def run() -> None:
            old_layers = self.state.cached("layers")
            old_scores = self.state.cached("scores", model)  # its tables; the model is not used
            changes = change_report(old_layers, layers, old_scores, scores)
            (self.staging / "changes.json").write_text(json.dumps(changes, indent=1, default=str))
            (self.staging / "changes.html").write_text(report_html(changes))
            self.result.changes = report_lines(changes)

        self._timed("report", run)

    def briefs(
        self,
        scores: Any,
        layers: Layers,
        runs: dict[str, Any],
        engine: Any,
        polygons: Any,
    ) -> None:
        """Write every region country's brief (``countries/<ISO3>.html``) when maps redraw.

        After the change report: a brief says what changed since the previous release (this
        build's report, or the last one kept in the maps folder).
        """
        if not self.stale["maps"]:
            self._skip("briefs")
            return
        changes = read_changes(self.staging) or read_changes(self.config.out_folder)

        def run() -> None:
            data = brief_data(
                scores,
                layers,
                engine=engine,
                scenarios=runs or None,
                changes=changes,
                polygons=polygons,
            )
            save_briefs(scores, layers, self.staging, data=data)

        self._timed("briefs", run)

    def index(self, layers: Layers, model: Any, scores: Any) -> None:
        if not self.stale["maps"]:
            return
        # keep on-demand scenario maps (cablemap scenario --map) and the last change report:
        # copied so that the index lists them, never moved back over the originals
        out = self.config.out_folder
        for old in [*out.glob("scenario_*.html"), out / "changes.html", out / "changes.json"]:
            if old.exists() and not (self.staging / old.name).exists():
                shutil.copy2(old, self.staging / old.name)
                self.carried.add(old.name)
        write_index(self.staging, layers, model, timeline=new_cables_by_year(scores, layers))
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
        self.result.skipped_records = [str(issue) for issue in layers.report.errors]
        model = load_model(self.model_file)
        polygons = layers.countries if self.src.countries else None
        scores, years = self.scores(layers, model, polygons)
        runs, engine = self.scenarios(layers, model, polygons)
        simulation = self.simulate(layers, model, polygons)
        self.maps(scores, layers, runs, engine, model, simulation, years)
        self.exports(scores, layers, simulation)
        self.report(layers, scores, model)
        self.briefs(scores, layers, runs, engine, polygons)
        self.index(layers, model, scores)
        fresh: dict[str, Any] = {}
        if "load" in self.result.ran:
            fresh["layers"] = layers
            reused = self.previous.get("cables_key") == self.keys["cables_key"]
            if cables is not None and cables is not layers and not reused:
                fresh["cables"] = cables  # lets a facilities-only change skip reloading cables
        if "score" in self.result.ran:
            fresh["scores"] = scores
            fresh["years"] = years  # None: no time axis (dropped from the cache)
        return self._cache(fresh)

    def _cache(self, fresh: dict[str, Any]) -> dict[str, str]:
        """Write the objects computed in this run; return every object's cache folder."""
        objects = {k: v for k, v in self.state.objects.items() if self.state.has(k)}
        cables_changed = self.previous.get("cables_key") != self.keys["cables_key"]
        if "layers" in fresh and "cables" not in fresh and "cables" in objects and cables_changed:
            del objects["cables"]
        for name, obj in fresh.items():
            folder = self.state.folder / "cache" / f"{name}-{self.build_id}"
            if obj is None:
                objects.pop(name, None)
                continue
            if name == "scores":
                cache.save_scores_cache(obj, folder)
            elif name == "years":
                cache.save_years_cache(obj, folder)
            else:
                cache.save_layers_cache(obj, folder)
            objects[name] = folder.name
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
