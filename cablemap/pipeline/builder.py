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

import json
import logging
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cablemap import settings
from cablemap._errors import BuildOutputError, SourceFormatError, UnsafeFileError
from cablemap._files import JSON_LIMIT, kind_of, read_bytes_regular, real_folder
from cablemap._report import Issue
from cablemap._resources import sample_path
from cablemap.layers.project import EXPORT_FORMATS, read_project
from cablemap.pipeline import publish, trust
from cablemap.pipeline.stages import (
    PAGE_STAGES,
    STAGE_NAMES,
    STAGES,
    Progress,
    Run,
    fingerprint,
    model_file,
    notice,
    stage_keys,
    stages_to_run,
)
from cablemap.render.report import REPORT_JSON

logger = logging.getLogger(__name__)

__all__ = ["BuildConfig", "BuildResult", "build", "config_from_project", "fingerprint", "watch"]

_STATE_DIR = publish.STATE_DIR


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
        Model file; default ``risk_models/dcs-v2.toml``.
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
    formats: tuple[str, ...] = EXPORT_FORMATS
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


@dataclass
class _Sources:
    cables: list[Path]
    facilities: list[Path]
    countries: Path | None
    footprints: list[Path] | None  # None: the source's own, else the embedded evidence
    load_from: Path  # what cm.load reads for the cable layers
    from_project: bool
    aiddata: Path | None = None
    hazards: list[Path] = field(default_factory=list)


def _sources(config: BuildConfig) -> _Sources:
    hazards = list(config.hazards)
    if config.source is not None:
        return _Sources(
            [config.source], [], config.countries, None, config.source, False, hazards=hazards
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
            None if project.vendor_footprints is None else list(project.vendor_footprints),
            config.project if len(cable_paths) > 1 else cable_paths[0],
            True,
            project.aiddata,
            hazards or list(project.hazards),
        )
    sample = sample_path()
    return _Sources([sample], [], config.countries, None, sample, False, hazards=hazards)


# ----------------------------------------------------------------------------- the build
class _CacheUnusable(Exception):  # noqa: N818 - internal signal, never escapes build()
    """A cached object could not be read: discard the cache and build everything."""


class _State:
    """The recorded state of the last build and its cached objects (Parquet/JSON).

    ``record`` comes from :func:`cablemap.pipeline.publish.read_state`: signed and checked
    against its types; cache folders are still only believed by name (``<object>-<build id>``)
    and as real folders of ``<out>/.cablemap-build/cache``, never through a link.
    """

    def __init__(self, folder: Path, record: dict[str, Any]) -> None:
        self.folder = folder
        self.keys: dict[str, str] = dict(record["keys"])
        self.outputs: dict[str, str] = dict(record["outputs"])
        self.objects: dict[str, str] = {
            str(k): str(v)
            for k, v in dict(record["objects"]).items()
            if isinstance(v, str) and publish.OBJECT_FOLDER.match(v)
        }

    def has(self, name: str) -> bool:
        if name not in self.objects:
            return False
        cache_dir = self.folder / "cache"
        folder = cache_dir / self.objects[name]
        return all(p.is_dir() and not p.is_symlink() for p in (cache_dir, folder))

    def cached(self, name: str, model: Any = None) -> Any:
        from cablemap.pipeline import cache  # noqa: PLC0415 - pandas, on use

        folder = self.folder / "cache" / self.objects[name]
        try:
            if not self.has(name):
                msg = f"{str(folder)!r}: cached {name} is missing or a link"
                raise cache.CacheError(msg)
            if name == "scores":
                return cache.load_scores_cache(folder, model)
            if name == "years":
                return cache.load_years_cache(folder)
            return cache.load_layers_cache(folder)
        except cache.CacheError as exc:
            raise _CacheUnusable(str(exc)) from None

    def forget(self) -> None:
        self.keys, self.outputs, self.objects = {}, {}, {}


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
    publish.check_inner_folder(out, exports_dir, "the exports folder (--exports)")
    if config.formats:
        publish.prepare_folder(exports_dir, "the exports folder (--exports)")
    _check_key_outside(out)
    state_dir = out / _STATE_DIR
    with publish.build_lock(state_dir, timeout=wait):
        result = BuildResult()
        for message in publish.recover(state_dir, out, exports_dir):
            notice(result, message)
        record, problem = publish.read_state(state_dir)
        if problem:
            notice(result, problem)
        state = _State(state_dir, record)
        _cache_folder(state_dir)
        publish.clean_leftovers(state_dir, exports_dir, set(state.objects.values()))
        try:
            try:
                return _build(config, state, out, exports_dir, result, on_stage, force=force)
            except _CacheUnusable as exc:
                notice(result, f"build cache discarded, rebuilding everything: {exc}")
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


def _check_key_outside(out: Path) -> None:
    """Refuse a maps folder that holds the user's key (anyone writing there could forge)."""
    if trust.key_inside(out):
        msg = (
            f"the maps folder {str(out)!r} holds cablemap's key folder "
            f"{str(trust.key_folder())!r}: anyone who can write the maps folder could read "
            "the key and forge the build cache. Use another --out, or set XDG_CACHE_HOME "
            "(or cablemap.settings.user_cache_folder) to a folder outside it"
        )
        raise BuildOutputError(msg)


def _cache_folder(state_dir: Path) -> Path:
    """``<out>/.cablemap-build/cache`` as a real folder; a link there is refused."""
    try:
        return real_folder(state_dir / "cache", "the build cache folder")
    except UnsafeFileError as exc:
        raise BuildOutputError(str(exc)) from None


_EXPECTED_MAPS = ("maps/index.html", "maps/strategic_nodes.html", "maps/vendor_exposure.html")


def _stale(
    config: BuildConfig,
    state: _State,
    keys: dict[str, str],
    out: Path,
    exports_dir: Path,
    *,
    force: bool,
    result: BuildResult,
) -> dict[str, bool]:
    """Per stage: its key changed (or forced), or its outputs are missing or were altered."""
    previous = state.keys
    stale = {s: force or previous.get(s) != keys[s] for s in STAGE_NAMES}
    altered = publish.changed_outputs(state.outputs, out, exports_dir)
    if altered:
        more = f" (+{len(altered) - 5} more)" if len(altered) > 5 else ""
        shown = ", ".join(altered[:5]) + more
        notice(result, f"outputs missing or changed since the last build, redrawn: {shown}")
        for stage in PAGE_STAGES:
            stale[stage] = stale[stage] or any(a.startswith("maps/") for a in altered)
        stale["exports"] = stale["exports"] or any(a.startswith("exports/") for a in altered)
    if not all(name in state.outputs for name in _EXPECTED_MAPS):
        for stage in PAGE_STAGES:
            stale[stage] = True
    if config.formats and not any(o.startswith("exports/") for o in state.outputs):
        stale["exports"] = True
    # the change report is due when the cable data changed and the last build is cached
    stale["report"] = previous.get("cables_key") not in (None, keys["cables_key"])
    return stale


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
    keys = stage_keys(config, src, exports_dir)
    stale = _stale(config, state, keys, out, exports_dir, force=force, result=result)
    if not any(stale.values()) and state.has("layers"):
        # nothing changed, the configuration files included (their bytes are in the keys)
        result.skipped_records = _reported_skips(out)
        for stage in STAGES:
            if stage.shown:
                result.skipped.append(stage.name)
                if on_stage:
                    on_stage(stage.name, "skipped", 0.0)
        return result
    from cablemap.risk.model.region import load_region  # noqa: PLC0415 - the model, on use
    from cablemap.risk.model.spec import load_model  # noqa: PLC0415

    # every configuration file is read before the first stage: a bad one stops the build now
    model = load_model(model_file(config))
    region = load_region(config.region) if config.region else model.region
    plan_on = model.plan.map
    enabled = {
        "scenarios": bool(model.scenarios),
        "simulate": model.probabilistic is not None,
        "plan": plan_on,
        "exports": bool(config.formats),
        "report": state.has("layers") and state.has("scores"),
    }
    runs = stages_to_run(
        stale, enabled, {"load": state.has("layers"), "score": state.has("scores")}
    )
    runs["validate"] = runs["load"]  # what is loaded is validated
    staging, exports_staging = publish.staging_dirs(state.folder, exports_dir)
    run = Run(
        config=config,
        src=src,
        state=state,
        keys=keys,
        previous=dict(state.keys),
        runs=runs,
        model=model,
        region=region,
        staging=staging,
        exports_staging=exports_staging,
        build_id=f"{int(time.time() * 1000):x}-{os.getpid()}",
        result=result,
        on_stage=on_stage,
    )
    objects = run.execute()
    layers = run.layers
    result.counts.update(
        {"cables": len(layers.cables), "landing_points": len(layers.landing_points)}
    )
    if layers.facilities is not None:
        result.counts["facilities"] = len(layers.facilities)
    result.warnings = len(layers.report.issues)
    result.skipped_records = [str(issue) for issue in layers.report.errors]
    moves, outputs = _moves(staging, exports_staging, out, exports_dir, run.carried)
    kept = {k: v for k, v in state.outputs.items() if k not in outputs}
    if runs["maps"]:  # a redraw replaces the whole set of maps
        kept = {k: v for k, v in kept.items() if not k.startswith("maps/")}
    if runs["exports"]:
        kept = {k: v for k, v in kept.items() if not k.startswith("exports/")}
    record = publish.state_record(keys, {**kept, **outputs}, objects)
    result.outputs = publish.publish(moves, state.folder, record, exports_dir)
    state.objects = objects
    return result


def _reported_skips(out: Path) -> list[str]:
    """Read the skipped records from the last build report (an up-to-date build loads nothing)."""
    path = out / REPORT_JSON
    try:
        data = json.loads(read_bytes_regular(path, "build report", follow=False, limit=JSON_LIMIT))
        return [str(Issue(**issue)) for issue in data["skipped"]]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        logger.warning("Build report %r unreadable, skipped records not listed: %s", str(path), exc)
        return []


def _staged_files(root: Path) -> list[Path]:
    """Every file under a staging folder; anything but folders and regular files is refused."""
    found: list[Path] = []
    for folder, _, names in os.walk(root):  # links to folders are listed as names, not entered
        for name in names:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if not stat.S_ISREG(mode):
                msg = (
                    f"staged output {str(path)!r} is {kind_of(mode)}: the build writes only "
                    "regular files, so something else wrote into its staging folder; nothing "
                    "was published"
                )
                raise BuildOutputError(msg)
            found.append(path)
    return sorted(found)


def _moves(
    staging: Path, exports_staging: Path, out: Path, exports_dir: Path, carried: set[str]
) -> tuple[list[tuple[Path, Path]], dict[str, str]]:
    """Pair every staged file with its destination and record its hash."""
    moves: list[tuple[Path, Path]] = []
    outputs: dict[str, str] = {}
    for root, target, prefix in ((staging, out, "maps"), (exports_staging, exports_dir, "exports")):
        if not root.is_dir():
            continue
        for path in _staged_files(root):
            rel = path.relative_to(root)
            if prefix == "maps" and rel.as_posix() in carried:
                continue  # kept as it is in the maps folder; listed by the index only
            moves.append((path, target / rel))
            outputs[f"{prefix}/{rel.as_posix()}"] = publish.sha256_file(path)
    return moves, outputs


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
