"""The build's stage graph, declared once: each stage's key parts, inputs and outputs.

:data:`STAGES` is the whole graph, in run order. A stage's **key** is made of the fingerprints
its key parts name (:func:`stage_keys`); it is *stale* when its key changed since the last
build, when forced, or when one of its outputs is missing or was altered. A stage **runs** when
it is stale, or when a stage that runs needs its result and that result is not in the build
cache; a cached result (``load``: the layers; ``score``: the scores and the scores through
time) is read back instead of recomputed. :class:`Run` executes the graph on one
:class:`~cablemap.risk.analysis.Analysis`, so the network is built once per build whatever
runs (scores, scenarios, the plan, the simulation and the briefs share it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap._errors import CablemapWarning, ScenarioError
from cablemap._resources import evidence_files, risk_models_path
from cablemap._version import __version__
from cablemap.pipeline.background import Background

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.pipeline.builder import BuildConfig, BuildResult, _Sources, _State
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.history.years import YearScores
    from cablemap.risk.model.region import Region
    from cablemap.risk.model.spec import ModelSpec
    from cablemap.risk.planning.plan import Plan
    from cablemap.risk.scenarios.engine import ScenarioResult
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

logger = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent.parent
#: The build's state folder inside the maps folder (never walked by fingerprints).
STATE_DIR = ".cablemap-build"


@dataclass(frozen=True)
class Stage:
    """One stage of the build.

    Attributes
    ----------
    name
        The stage.
    key
        Key parts it depends on (:func:`stage_keys`): ``cables`` (the cable sources),
        ``extras`` (facilities, footprints, AidData), ``countries`` (outlines and hazard
        catalogues), ``model`` (the model folder), ``code`` (cablemap's version and code),
        ``render`` (offline, tiles, region file), ``exports`` (formats and folder).
    inputs
        Stages whose results it reads.
    outputs
        What it writes: ``cache:<object>`` (kept in the build cache and read back instead of
        recomputed), ``maps/...`` or ``exports/...`` files.
    shown
        Reported in ``BuildResult.ran`` / ``skipped`` (the index is part of the maps).
    """

    name: str
    key: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    shown: bool = True

    @property
    def cached(self) -> bool:
        """Whether its result is kept in the build cache."""
        return any(o.startswith("cache:") for o in self.outputs)


_DATA = ("cables", "countries", "model", "code")
_PAGES = ("cables", "extras", "countries", "model", "code", "render")

#: The build, in run order.
STAGES: tuple[Stage, ...] = (
    Stage("load", ("cables", "extras", "countries"), (), ("cache:layers", "cache:cables")),
    Stage("validate", ("cables", "extras", "countries"), ("load",), ()),
    Stage("score", _DATA, ("load",), ("cache:scores", "cache:years")),
    Stage("scenarios", _DATA, ("score",), ()),
    Stage("simulate", _DATA, ("score",), ("maps/probabilistic.json",)),
    Stage("plan", _DATA, ("score",), ()),
    Stage("exports", (*_DATA, "exports"), ("load", "score", "simulate"), ("exports/*",)),
    Stage("report", ("cables",), ("load", "score"), ("maps/changes.html", "maps/changes.json")),
    Stage("briefs", _PAGES, ("load", "score", "scenarios", "report"), ("maps/countries/*",)),
    # last: the scores through time they show run beside the stages above
    Stage(
        "maps",
        _PAGES,
        ("load", "score", "scenarios", "simulate", "plan"),
        ("maps/strategic_nodes.html", "maps/vendor_exposure.html", "maps/scenario_*.html"),
    ),
    Stage("index", _PAGES, ("load", "score", "briefs"), ("maps/index.html",), shown=False),
)
STAGE_NAMES = tuple(s.name for s in STAGES)
_BY_NAME = {s.name: s for s in STAGES}
#: Stages that write pages into the maps folder: an altered map redraws all of them.
PAGE_STAGES = ("maps", "briefs", "index")


# ----------------------------------------------------------------------------- keys
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
                            if entry.name != STATE_DIR:
                                stack.append((f"{name}/", entry.path))
                        elif entry.is_file():
                            stat = entry.stat()
                            out.append((name, stat.st_size, stat.st_mtime_ns))
                    except OSError:  # vanished or unreadable: its absence is in the print
                        continue
        except OSError:
            continue
    return out


def _evidence_of(src: _Sources) -> list[Path]:
    """Return the evidence tables a build reads: the project's, else the embedded ones."""
    if src.footprints is not None:
        return list(src.footprints)
    return evidence_files()


def _key(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()  # noqa: S324


def model_file(config: BuildConfig) -> Path:
    """Return the model file a build reads: the configured one, or ``dcs-v2.toml``."""
    return Path(config.model) if config.model else risk_models_path() / "dcs-v2.toml"


def stage_keys(config: BuildConfig, src: _Sources, exports_dir: Path) -> dict[str, str]:
    """Every stage's key from its key parts (see :class:`Stage`), and ``cables_key``.

    ``cables_key`` (the cable sources alone) says whether the change report is due and
    whether the cables of the last load can be reused.
    """
    cables_print = fingerprint(src.cables)
    parts = {
        "code": _key(__version__, fingerprint([_PACKAGE], suffixes=(".py", ".js", ".csv", ".css"))),
        "cables": _key("cables", cables_print),
        "extras": _key(
            "extras",
            fingerprint(src.facilities),
            fingerprint([*_evidence_of(src), *([src.aiddata] if src.aiddata else [])]),
        ),
        "countries": _key(
            "countries",
            fingerprint([src.countries]) if src.countries else "none",
            fingerprint(src.hazards) if src.hazards else "no hazards",
        ),
        "model": _key("model", fingerprint([model_file(config).parent]), str(model_file(config))),
        "render": _key(
            config.offline,
            config.online_tiles,
            fingerprint([config.region]) if config.region else "model-region",
        ),
        "exports": _key(config.formats, str(exports_dir)),
    }
    keys = {s.name: _key(s.name, *(parts[p] for p in s.key)) for s in STAGES}
    # the load's cables are reused when only the extras changed (the cables' own key)
    keys["cables_key"] = _key(cables_print)
    return keys


def notice(result: BuildResult, message: str) -> None:
    """Record what the build found and mended, and say it as a warning.

    The command line prints the result's notices once, in its summary.
    """
    result.notices.append(message)
    logger.info(message)
    warnings.warn(message, CablemapWarning, stacklevel=3)


# ----------------------------------------------------------------------------- planning
def stages_to_run(
    stale: dict[str, bool], enabled: dict[str, bool], has_cache: dict[str, bool]
) -> dict[str, bool]:
    """Decide which stages run: stale ones, and those a running stage needs and cannot read.

    Parameters
    ----------
    stale
        Per stage: its key changed, forced, or its outputs are missing or altered.
    enabled
        Per stage: the configuration asks for it (scenarios configured, a probabilistic
        view, a plan map, export formats).
    has_cache
        Per cached stage: its result is in the build cache.

    Returns
    -------
    dict
        Per stage: whether it runs.
    """
    runs: dict[str, bool] = {}
    for stage in reversed(STAGES):
        consumers = [s.name for s in STAGES if stage.name in s.inputs]
        needed = any(runs.get(c, False) for c in consumers)
        readable = stage.cached and has_cache.get(stage.name, False)
        runs[stage.name] = enabled.get(stage.name, True) and (
            stale[stage.name] or (needed and not readable)
        )
    return {s.name: runs[s.name] for s in STAGES}


# ----------------------------------------------------------------------------- running
Progress = Callable[[str, str, float], None] | None


@dataclass
class Run:
    """One build's stages over one analysis; results passed from stage to stage by name.

    Attributes
    ----------
    config, src, state
        What to build from, the resolved sources and the recorded state of the last build.
    keys, previous
        This build's stage keys and the last build's.
    runs
        Which stages run (:func:`stages_to_run`).
    model, region
        The model and the maps' region, read before the first stage.
    staging, exports_staging
        Where this build writes before publishing.
    build_id
        Names this build's cache folders.
    """

    config: BuildConfig
    src: _Sources
    state: _State
    keys: dict[str, str]
    previous: dict[str, str]
    runs: dict[str, bool]
    model: ModelSpec
    region: Region
    staging: Path
    exports_staging: Path
    build_id: str
    result: BuildResult
    on_stage: Progress = None
    carried: set[str] = field(default_factory=set)
    values: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ bookkeeping
    def _ran(self, stage: str, seconds: float) -> None:
        if _BY_NAME[stage].shown:
            self.result.ran.append(stage)
            self.result.timings[stage] = round(seconds, 3)
        if self.on_stage and _BY_NAME[stage].shown:
            self.on_stage(stage, "ran", seconds)

    def _skipped(self, stage: str) -> None:
        if _BY_NAME[stage].shown:
            self.result.skipped.append(stage)
            if self.on_stage:
                self.on_stage(stage, "skipped", 0.0)

    def execute(self) -> dict[str, str]:
        """Run the stages in order; return every object's cache folder after this build."""
        try:
            for stage in STAGES:
                if self.runs[stage.name]:
                    start = time.perf_counter()
                    getattr(self, f"_{stage.name}")()
                    self._ran(stage.name, time.perf_counter() - start)
                else:
                    self._skipped(stage.name)
            return self._cache()
        finally:  # a failed stage: the background work ends with the build (and its lock)
            job = self.values.get("years_job")
            if isinstance(job, Background):
                job.stop()

    def need(self, name: str) -> Any:
        """Return a stage's result: computed in this build, else read from the cache (then kept)."""
        if name not in self.values:
            self.values[name] = self._cached(name)
        return self.values[name]

    def _cached(self, name: str) -> Any:
        if name == "load":
            return self.state.cached("layers")
        if name == "score":
            scores = self.state.cached("scores", self.model)
            years = self.state.cached("years") if self.state.has("years") else None
            return scores, years
        return None  # not cached and not run: nothing (scenarios, simulation, plan off)

    @property
    def layers(self) -> Layers:
        """The layers of this build (loaded, or read from the cache)."""
        layers: Layers = self.need("load")
        return layers

    @property
    def analysis(self) -> Analysis:
        """The one analysis of this build (its network built on first use, once)."""
        if "analysis" not in self.values:
            from cablemap.risk.analysis import Analysis  # noqa: PLC0415 - the engines, on use

            scores: Scores | None = self.values.get("score", (None, None))[0]
            network = scores.network if scores is not None else None
            # the layers' outlines (a project's or --countries), as every command uses them
            analysis = Analysis(self.layers, self.model, network=network)
            if scores is not None:
                analysis.__dict__["scores"] = scores
            self.values["analysis"] = analysis
        analysis_: Analysis = self.values["analysis"]
        return analysis_

    @property
    def scores(self) -> Scores:
        """The release's scores."""
        scores: Scores = self.need("score")[0]
        return scores

    # ------------------------------------------------------------------ the stages
    def _load(self) -> None:
        from cablemap.layers import load  # noqa: PLC0415 - stages import what they run
        from cablemap.layers.attach import add_extras  # noqa: PLC0415

        src = self.src
        reuse = self.previous.get("cables_key") == self.keys["cables_key"] and self.state.has(
            "cables"
        )
        cables = self.state.cached("cables") if reuse else load(src.load_from)
        layers = cables
        if src.from_project or src.countries or src.hazards:
            layers = add_extras(
                cables,
                facilities=list(src.facilities),
                countries=src.countries,
                footprints=src.footprints,
                aiddata=src.aiddata,
                hazards=list(src.hazards),
            )
        self.values["load"] = layers
        self.values["cables"] = cables

    def _validate(self) -> None:
        self.layers.validate()

    def _score(self) -> None:
        from cablemap.pipeline import cache  # noqa: PLC0415 - stages import what they run

        analysis = self.analysis
        scores = analysis.scores  # before the fork: the years reuse the release's own
        folder = self.state.folder / "cache" / f"years-{self.build_id}"
        # the scores through time beside the stages that do not read them (maps wait for them)
        job = Background(
            analysis.years, cache.save_years_cache, cache.load_years_cache, folder
        ).start()
        self.values["years_job"] = job
        self.values["score"] = (scores, job)

    @property
    def years(self) -> YearScores | None:
        """The release's scores through time (waiting for the background run, if any)."""
        scores, years = self.need("score")
        if isinstance(years, Background):  # a background run: its result
            years = years.result()
            self.values["score"] = (scores, years)
        return years

    def _scenarios(self) -> None:
        self.values["scenarios"] = self.analysis.scenarios()

    def _simulate(self) -> None:
        probabilistic = self.model.probabilistic
        assert probabilistic is not None  # noqa: S101 - enabled only with [probabilistic]
        simulation: SimulationResult = self.analysis.simulate(
            years=probabilistic["years"], seed=probabilistic["seed"]
        )
        self.values["simulate"] = simulation
        (self.staging / "probabilistic.json").write_text(
            json.dumps(simulation.to_dict(), ensure_ascii=False), encoding="utf-8"
        )

    def _plan(self) -> None:
        try:
            self.values["plan"] = self.analysis.plan()
        except ScenarioError as exc:  # e.g. a release too small to plan anything on
            notice(self.result, f"investment plan not drawn: {exc}")

    def _maps(self) -> None:
        from cablemap.render import save_maps  # noqa: PLC0415 - stages import what they run
        from cablemap.render.briefs import brief_countries  # noqa: PLC0415
        from cablemap.render.build import (  # noqa: PLC0415
            basemap,
            save_plan_map,
            save_scenario_map,
        )

        config, layers, scores = self.config, self.layers, self.scores
        outlines = basemap(layers)
        simulation: SimulationResult | None = self.values.get("simulate")
        years = self.years
        save_maps(
            scores,
            layers,
            self.staging,
            region=self.region,
            countries=outlines,
            offline=config.offline,
            online_tiles=config.online_tiles,
            simulation=simulation,
            years=years,
            briefs=True,
            index=False,
        )
        codes = brief_countries(scores)  # the briefs stage writes these: popups link to them
        runs: dict[str, ScenarioResult] = self.values.get("scenarios") or {}
        for name, res in runs.items():
            save_scenario_map(
                res,
                self.analysis.engine,
                self.staging,
                name=name,
                region=self.region,
                countries=outlines,
                offline=config.offline,
                briefs=codes,
            )
        plan: Plan | None = self.values.get("plan")
        if plan is not None:
            save_plan_map(
                plan,
                self.analysis.engine,
                self.staging,
                countries=outlines,
                offline=config.offline,
                briefs=codes,
            )

    def _exports(self) -> None:
        from cablemap.pipeline.exports import export_scores  # noqa: PLC0415

        export_scores(
            self.scores,
            self.layers,
            self.exports_staging,
            formats=self.config.formats,
            simulation=self.values.get("simulate"),
        )

    def _report(self) -> None:
        from cablemap.pipeline.diff import change_report, report_html, report_lines  # noqa: PLC0415

        old_layers = self.state.cached("layers")
        old_scores = self.state.cached("scores", self.model)  # its tables; the model is unused
        changes = change_report(old_layers, self.layers, old_scores, self.scores)
        (self.staging / "changes.json").write_text(json.dumps(changes, indent=1, default=str))
        (self.staging / "changes.html").write_text(report_html(changes))
        self.result.changes = report_lines(changes)

    def _briefs(self) -> None:
        """Write every region country's brief (``countries/<ISO3>.html``).

        After the change report: a brief says what changed since the previous release (this
        build's report, or the last one kept in the maps folder).
        """
        from cablemap.pipeline.briefs import brief_data, read_changes  # noqa: PLC0415
        from cablemap.render.briefs import save_briefs  # noqa: PLC0415

        changes = read_changes(self.staging) or read_changes(self.config.out_folder)
        data = brief_data(
            self.analysis,
            scenarios=self.values.get("scenarios") or None,
            changes=changes,
            simulation=self.values.get("simulate"),
        )
        save_briefs(self.scores, self.layers, self.staging, data=data)

    def _index(self) -> None:
        from cablemap._errors import UnsafeFileError  # noqa: PLC0415
        from cablemap._files import JSON_LIMIT, read_bytes_regular  # noqa: PLC0415
        from cablemap.render import write_index  # noqa: PLC0415
        from cablemap.risk.history.timeline import new_cables_by_year  # noqa: PLC0415

        # keep on-demand scenario maps (cablemap scenario --map) and the last change report:
        # copied so that the index lists them, never moved back over the originals
        out = self.config.out_folder
        for old in [*out.glob("scenario_*.html"), out / "changes.html", out / "changes.json"]:
            if old.is_file() and not old.is_symlink() and not (self.staging / old.name).exists():
                try:  # a regular file of the folder only: never a link, a pipe or a device
                    data = read_bytes_regular(old, "page", follow=False, limit=JSON_LIMIT)
                except (OSError, UnsafeFileError):
                    continue
                (self.staging / old.name).write_bytes(data)
                self.carried.add(old.name)
        write_index(
            self.staging,
            self.layers,
            self.model,
            timeline=new_cables_by_year(self.scores, self.layers),
            scores=self.scores,
        )

    # ------------------------------------------------------------------ the cache
    def _cache(self) -> dict[str, str]:
        """Write the objects computed in this run; return every object's cache folder."""
        from cablemap.pipeline import cache  # noqa: PLC0415

        state = self.state
        objects = {k: v for k, v in state.objects.items() if state.has(k)}
        cables_changed = self.previous.get("cables_key") != self.keys["cables_key"]
        fresh: dict[str, Any] = {}
        if self.runs["load"]:
            fresh["layers"] = self.values["load"]
            cables = self.values["cables"]
            if cables is not self.values["load"] and cables_changed:
                fresh["cables"] = cables  # lets a facilities-only change skip reloading cables
            elif cables_changed:
                objects.pop("cables", None)
        if self.runs["score"]:
            fresh["scores"], fresh["years"] = self.values["score"][0], self.years  # None: no axis
            job = self.values.get("years_job")
            if job is not None and job.saved:  # written by the background run already
                objects["years"] = job.folder.name
                fresh.pop("years")
        for name, obj in fresh.items():
            folder = state.folder / "cache" / f"{name}-{self.build_id}"
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
