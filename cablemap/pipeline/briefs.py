"""Country briefs from a source: load, score, the model's cuts and scenarios, then the page.

:func:`brief_data` gathers what the model computes once for all briefs of a release (critical
pairs, the configured scenarios, the change report, country outlines); :func:`write_brief` is
the one library call of ``cablemap brief``; the build writes every region country's brief
with :func:`cablemap.render.briefs.save_briefs`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap import settings
from cablemap._files import JSON_LIMIT, read_bytes_regular
from cablemap._resources import risk_models_path
from cablemap.pipeline.inputs import open_analysis
from cablemap.render.briefs import BriefData, country_brief, country_code
from cablemap.render.build import basemap
from cablemap.risk.model.repairs import EVENTS_FILE, read_repair_events

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.scenarios.engine import ScenarioResult
    from cablemap.risk.simulation.simulate import SimulationResult

logger = logging.getLogger(__name__)

__all__ = ["brief_data", "read_changes", "write_brief"]


def brief_data(
    analysis: Analysis,
    *,
    scenarios: dict[str, ScenarioResult] | None = None,
    changes: dict[str, Any] | None = None,
    simulation: SimulationResult | None = None,
) -> BriefData:
    """Compute what every brief of a release shares.

    Parameters
    ----------
    analysis
        The release's analysis (:class:`~cablemap.risk.analysis.Analysis`): its scenario
        engine and resilience give the critical pairs.
    scenarios
        The configured scenarios' results (run on the analysis's engine if not given).
    changes
        The change report since the previous release, if one exists.
    simulation
        A simulation of faults and repairs run on the analysis (the build's ``simulate``
        stage, when the model asks for it): each brief then gives its yearly chance of being
        cut off by sea.

    Returns
    -------
    BriefData
        Critical pairs, scenarios, changes, outlines (the layers' countries or the bundled
        low-resolution ones), the simulation, the recorded outages
        (``risk_models/repair_events.csv``) and the build date.
    """
    engine = analysis.engine
    if scenarios is None:
        scenarios = engine.run_configured()
    return BriefData(
        pairs=engine.sweep_pairs(),
        scenarios=scenarios,
        changes=changes,
        outlines=basemap(analysis.layers),
        built=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        simulation=simulation,
        outages=read_repair_events(risk_models_path() / EVENTS_FILE),
    )


def read_changes(folder: str | Path) -> dict[str, Any] | None:
    """Read the change report a build left in ``folder`` (``changes.json``), if any.

    Returns
    -------
    dict or None
        The report, or ``None`` when there is none or it cannot be read (logged).
    """
    path = Path(folder) / "changes.json"
    if not (path.exists() or path.is_symlink()):
        return None
    try:  # the maps folder may be writable by others: a regular file, never through a link
        data = read_bytes_regular(path, "change report", follow=False, limit=JSON_LIMIT)
        report = json.loads(data)
    except (OSError, ValueError, RecursionError) as exc:
        logger.warning("Change report %r unreadable, briefs go without it: %s", str(path), exc)
        return None
    problem = changes_problem(report)
    if problem is not None:
        logger.warning("Change report %r malformed (%s), briefs go without it", str(path), problem)
        return None
    return report


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _moves_ok(value: object) -> bool:
    rows = value if isinstance(value, list) else [None]
    return all(
        isinstance(r, dict)
        and isinstance(r.get("change"), int | float)
        and not isinstance(r.get("change"), bool)
        for r in rows
    )


def changes_problem(report: object) -> str | None:
    """Say why a change report read from disk is not of the types the briefs read."""
    if not isinstance(report, dict):
        return "not a JSON object"
    cables, scores = report.get("cables", {}), report.get("scores", {})
    checks = {
        "cables": isinstance(cables, dict),
        "cables.added/removed": isinstance(cables, dict)
        and all(_texts(cables.get(k, [])) for k in ("added", "removed")),
        "cables.changed": isinstance(cables, dict)
        and isinstance(cables.get("changed", {}), dict)
        and all(_texts(v) for v in cables.get("changed", {}).values()),
        "old/new": _texts(report.get("old", [])) and _texts(report.get("new", [])),
        "scores": isinstance(scores, dict)
        and isinstance(scores.get("countries", {}), dict)
        and all(_moves_ok(scores.get("countries", {}).get(k, [])) for k in ("risers", "fallers"))
        and isinstance(scores.get("isolation", {}), dict)
        and all(
            _texts(scores.get("isolation", {}).get(k, []))
            for k in ("became_single_cable", "no_longer_single_cable")
        ),
    }
    bad = [name for name, ok in checks.items() if not ok]
    return f"{', '.join(bad)} of the wrong type" if bad else None


def write_brief(
    iso3: str,
    *,
    source: str | Path | None = None,
    model: str | Path | None = None,
    countries: str | Path | None = None,
    facilities: tuple[str | Path, ...] = (),
    out: str | Path | None = None,
) -> Path:
    """Load a source, score it and write one country's brief.

    Parameters
    ----------
    iso3
        The country (ISO 3166 alpha-3, any case).
    source
        Data to load (:func:`cablemap.load`); default the embedded sample.
    model
        Model file; default ``risk_models/dcs-v2.toml``.
    countries
        Country polygons for landmasses, land links and the map.
    facilities
        Facility sources (PeeringDB KMZ/JSON, cloud regions CSV...) drawn and scored.
    out
        The page to write; default ``<settings.maps_folder>/countries/<ISO3>.html``, read now.
        The change report is read from ``changes.json`` in the maps folder when present.

    Returns
    -------
    Path
        The written page.

    Raises
    ------
    CablemapError
        If no scored country has that code (the message lists the closest), or a source or
        the model is invalid.

    Examples
    --------
    >>> write_brief("TON", out="tonga.html")  # doctest: +SKIP
    PosixPath('tonga.html')
    """
    analysis = open_analysis(source, model=model, countries=countries, facilities=facilities)
    layers = analysis.layers
    scores = analysis.scores
    code = country_code(scores, iso3)  # before the engine: a typo fails fast
    maps = Path(settings.maps_folder)
    path = maps / "countries" / f"{code}.html" if out is None else Path(out)
    data = brief_data(analysis, changes=read_changes(maps))
    page = country_brief(scores, layers, code, data=data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    logger.info("Wrote the brief of %s to %r", code, str(path))
    return path
