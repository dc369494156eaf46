"""The network through time: scores as of each configured year, for the maps' year control.

The build scores :meth:`cablemap.Layers.as_of` of every year of the model's ``[time] years``
(:func:`score_years`) and keeps a compact table per year: each country's score, rank, status
and vendor exposure (what the vendor-exposure map colours by), each landing point's score
and criticality (what the strategic-nodes map colours and sizes by) and the cables present.
The maps then move through time offline, with no scoring in the page.

Each row is exactly what :func:`cablemap.score` gives for ``layers.as_of(year)``: the per-year
runs skip only the sensitivity draws (which change no score, rank or status), and a year whose
network is the release's own reuses the release's scores.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cablemap._validate import status_counted
from cablemap.risk.model.spec import YEAR_WORDS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.scoring.score import Scores

logger = logging.getLogger(__name__)

#: Columns kept per year: countries, landing points.
COUNTRY_COLUMNS = ("iso3", "score", "rank", "status", "vendor_exposure", "international_cables")
LANDING_POINT_COLUMNS = ("lp_id", "score", "rank", "criticality")


@dataclass(frozen=True)
class YearScores:
    """Scores of the network as of each configured year.

    Attributes
    ----------
    first_year, current_year, last_year
        The release's span (:meth:`cablemap.Layers.release_years`): oldest RFS year, the
        release's current year, last planned year.
    years
        The scored years, ascending (the configured ones inside the span).
    countries
        ``year`` plus :data:`COUNTRY_COLUMNS`, one row per scored country and year.
    landing_points
        ``year`` plus :data:`LANDING_POINT_COLUMNS`.
    cables
        ``year``, ``cable_id``: the cables present (:meth:`~cablemap.Layers.as_of`).
    model
        Name of the model that scored them.
    """

    first_year: int
    current_year: int
    last_year: int
    years: tuple[int, ...]
    countries: pd.DataFrame
    landing_points: pd.DataFrame
    cables: pd.DataFrame
    model: str

    def scored_year(self, year: int) -> int | None:
        """Return the scored year at or before ``year`` (``None`` before the first)."""
        before = [y for y in self.years if y <= year]
        return before[-1] if before else None

    def country_table(self, year: int) -> pd.DataFrame:
        """Return the countries' rows of a scored year, indexed by ``iso3``."""
        rows = self.countries[self.countries["year"] == year]
        return rows.drop(columns="year").set_index("iso3")

    def cable_ids(self, year: int) -> list[str]:
        """Return the ids of the cables present in a scored year, sorted."""
        return sorted(self.cables.loc[self.cables["year"] == year, "cable_id"])


def resolve_years(years: Iterable[int | str], span: tuple[int, int, int]) -> tuple[int, ...]:
    """Turn ``[time] years`` into years of a release.

    Parameters
    ----------
    years
        Years and the words ``"current"`` and ``"last"``.
    span
        ``(first, current, last)`` of the release (:meth:`cablemap.Layers.release_years`).

    Returns
    -------
    tuple of int
        Sorted, distinct, inside ``first..last`` (a year outside the span has no network to
        score, or the same as ``last``).

    Examples
    --------
    >>> resolve_years([1980, 2000, "current", "last"], (1989, 2022, 2026))
    (2000, 2022, 2026)
    """
    first, current, last = span
    words = dict(zip(YEAR_WORDS, (current, last), strict=True))
    resolved = {words[y] if isinstance(y, str) else int(y) for y in years}
    return tuple(sorted(y for y in resolved if first <= y <= last))


def _state(layers: Layers) -> tuple[tuple[str, str], ...]:
    """Return what a network's scores depend on that changes by year: cables, status, points."""
    cables = layers.cables
    return tuple(
        sorted(zip(cables["cable_id"], status_counted(cables["status"]), strict=True))
    ) + tuple(sorted(("lp", str(lp)) for lp in layers.landing_points["lp_id"]))


def score_years(analysis: Analysis, years: Iterable[int | str] | None = None) -> YearScores | None:
    """Score the network as of each year: ``analysis.as_of(year).scores`` per year.

    The networks of past years share the release's per-cable segments and landmasses (they
    are the release's network with the cables of later years masked out, nothing redrawn),
    and a year whose network is the same as an earlier one's reuses its scores.

    Parameters
    ----------
    analysis
        The release's analysis (:class:`~cablemap.risk.analysis.Analysis`); its own scores
        are reused for the years whose network is the release's.
    years
        Years (and ``"current"`` / ``"last"``); by default the model's ``[time] years``.

    Returns
    -------
    YearScores or None
        ``None`` where no cable has an RFS year (a geometry-only release has no time axis).

    Examples
    --------
    >>> import cablemap as cm
    >>> from cablemap.risk.analysis import Analysis
    >>> past = Analysis(cm.load()).years([2010])
    >>> past.years, past.country_table(2010).loc["TON", "status"]
    ((2010,), 'unconnected')
    """
    spec, layers = analysis.model, analysis.layers
    span = layers.release_years()
    if span is None:
        logger.info("No RFS year in the release: no scores through time")
        return None
    wanted = resolve_years(spec.years if years is None else years, span)
    # the sensitivity draws change no score, rank or status: skip them per year
    quick = dataclasses.replace(spec, sensitivity={**spec.sensitivity, "draws": 0})
    done: dict[tuple[tuple[str, str], ...], Scores] = {}
    if "scores" in vars(analysis):  # the release's own scores, when already computed
        done[_state(layers)] = analysis.scores
    country_rows, lp_rows, cable_rows = [], [], []
    for year in wanted:
        network = layers.as_of(year)
        state = _state(network)
        if state not in done:
            done[state] = analysis.as_of(year, model=quick, light=True).scores
        result = done[state]
        frame = result.countries[list(COUNTRY_COLUMNS)].assign(year=year)
        country_rows.append(frame)
        lps = result.landing_points
        lp_cols = [c for c in LANDING_POINT_COLUMNS if c in lps.columns]
        lp_rows.append(pd.DataFrame(lps[lp_cols]).assign(year=year))
        cable_rows.append(pd.DataFrame({"year": year, "cable_id": network.cables["cable_id"]}))
    logger.info("Scored %d years (%d distinct networks) with %r", len(wanted), len(done), spec.name)
    order = ["year"]
    return YearScores(
        first_year=span[0],
        current_year=span[1],
        last_year=span[2],
        years=wanted,
        countries=_stack(country_rows, [*order, *COUNTRY_COLUMNS]),
        landing_points=_stack(lp_rows, [*order, *LANDING_POINT_COLUMNS]),
        cables=_stack(cable_rows, ["year", "cable_id"]),
        model=spec.name,
    )


def _stack(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    return out[[c for c in columns if c in out.columns]]
