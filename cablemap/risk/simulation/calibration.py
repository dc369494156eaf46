"""Check the fault model against real faults: Taiwan's cables, 2024-2026 (smc.peering.tw).

The incident list (:mod:`cablemap.layers.incidents`) names cables by short slugs (``tpe``,
``apg``, ``eac1``...). They are matched to cable ids of the loaded release through a reviewed
table, ``risk_models/smc-cable-ids.csv`` (``slug, cable_id, evidence``; an empty ``cable_id``
records a cable the release does not have, with the reason), never by guessing from names:
``eac1``, ``eac2`` and ``c2c`` are all ``eac-c2c`` in TeleGeography's map. Every id of the table
must exist in the release.

Compared, for the matched cables (in service or planned in the release: the planned ones of
2022 were in service by 2024):

- **faults a year**: faults at sea in the list (see ``wet`` in
  :mod:`cablemap.layers.incidents`) per year of the list's span, with a 95 % Poisson interval,
  against the fault model's expectation and a Monte Carlo run (:func:`cablemap.simulate`);
  earthquake faults apart;
- **repair times**: Kaplan-Meier quartiles of the days from fault to repair (faults still open
  at the end of the list count as censored), against the model's repair times in the zones
  where the list's faults fell (by the positions it gives, mixed by their counts);
- **faults of several cables at once**: groups of faults on two or more matched cables
  starting within a day of each other, and days with two or more of them down at once,
  against the same counted in the Monte Carlo
  (:data:`~cablemap.risk.simulation.simulate.GROUP_DAYS`).

Per cable the observed rate carries a 95 % Poisson interval, and the comparison says how many
cables' simulated rates fall inside theirs.

The list reports faults that affect Taiwan's traffic, so faults on distant segments of these
systems are probably under-reported: the observed rate is a lower bound for whole systems.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from cablemap._errors import RiskSpecError
from cablemap._files import read_text_regular
from cablemap._resources import risk_models_path
from cablemap.layers.incidents import observation_window
from cablemap.risk.hazards.rates import point_zones
from cablemap.risk.model.faults import RepairTime
from cablemap.risk.simulation.backtests import Backtests, backtest_result
from cablemap.risk.simulation.simulate import GROUP_DAYS, simulate_analysis

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.hazards.rates import FaultRates

logger = logging.getLogger(__name__)

CABLE_IDS_FILE = "smc-cable-ids.csv"


def read_cable_ids(path: str | Path | None = None) -> pd.DataFrame:
    """Read the slug → cable id table.

    Parameters
    ----------
    path
        A CSV with ``slug, cable_id, evidence``; by default ``risk_models/smc-cable-ids.csv``.

    Returns
    -------
    DataFrame
        ``slug``, ``cable_id`` (``None`` for a cable the release lacks), ``evidence``.

    Raises
    ------
    RiskSpecError
        If a column is missing, or a slug is empty or listed twice (naming file and row).
    """
    file = risk_models_path() / CABLE_IDS_FILE if path is None else Path(path)
    try:
        text = read_text_regular(file, "slug table", encoding="utf-8-sig")
    except OSError as exc:
        msg = f"{str(file)!r} could not be read: {exc.strerror or exc}"
        raise RiskSpecError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{str(file)!r}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise RiskSpecError(msg) from None
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    seen: set[str] = set()
    out = []
    for n, row in enumerate(rows, start=2):
        if not {"slug", "cable_id", "evidence"} <= set(row):
            msg = f"{str(file)!r}: needs the columns slug, cable_id, evidence"
            raise RiskSpecError(msg)
        slug = (row["slug"] or "").strip()
        if not slug or slug in seen:
            msg = f"{str(file)!r}, row {n}, key 'slug': {slug!r} is empty or listed twice"
            raise RiskSpecError(msg)
        seen.add(slug)
        out.append(
            {
                "slug": slug,
                "cable_id": (row["cable_id"] or "").strip() or None,
                "evidence": row["evidence"],
            }
        )
    return pd.DataFrame(out, columns=["slug", "cable_id", "evidence"])


def kaplan_meier_quantiles(
    days: np.ndarray, observed: np.ndarray, quantiles: tuple[float, ...] = (0.25, 0.5, 0.75)
) -> dict[float, float | None]:
    """Quantiles of a duration from right-censored data (Kaplan-Meier).

    Parameters
    ----------
    days
        Durations; for a censored one, the time it was followed.
    observed
        Whether each duration ended (``False``: still running, censored).
    quantiles
        Which quantiles.

    Returns
    -------
    dict
        Quantile → days (``None`` where the estimate never falls that low).
    """
    order = np.lexsort((~np.asarray(observed, dtype=bool), np.asarray(days, dtype=float)))
    t = np.asarray(days, dtype=float)[order]
    e = np.asarray(observed, dtype=bool)[order]
    at_risk = len(t) - np.arange(len(t))
    survival = np.cumprod(np.where(e, 1.0 - 1.0 / at_risk, 1.0))
    out: dict[float, float | None] = {}
    for q in quantiles:
        below = np.flatnonzero(survival <= 1.0 - q)
        out[q] = float(t[below[0]]) if len(below) else None
    return out


def poisson_interval(count: int, exposure: float) -> tuple[float, float]:
    """Exact (Garwood) 95 % interval of a Poisson rate: ``count`` events in ``exposure``."""
    low = stats.chi2.ppf(0.025, 2 * count) / 2.0 if count else 0.0
    high = stats.chi2.ppf(0.975, 2 * count + 2) / 2.0
    return float(low / exposure), float(high / exposure)


@dataclass
class Calibration:
    """Simulated against observed faults and repairs on the matched cables.

    Attributes
    ----------
    cables
        Per matched cable: ``cable_id``, ``slugs``, ``length_km``, ``observed_faults``,
        ``observed_per_year`` with its 95 % Poisson interval (``observed_ci_low``,
        ``observed_ci_high``), ``expected_per_year`` (the model), ``simulated_per_year``
        (Monte Carlo), ``inside`` (the simulated rate within the observed interval),
        ``seismic_per_year`` (the model's earthquake share), ``repair_zone``.
    totals
        ``observation_years``, ``observed_faults``, ``observed_per_year``, ``observed_ci``,
        ``expected_per_year``, ``simulated_per_year``, ``observed_earthquake_faults``,
        ``observed_earthquake_ci``, ``expected_seismic_per_year``, ``simulated_years``,
        ``cables_inside`` (matched cables whose simulated rate is inside their interval).
    repair
        ``faults``, ``repaired``, ``open``, ``located`` (with a position), ``observed`` and
        ``model`` quartiles (days), and ``model_zones`` (the repair zones of the located
        faults, with their shares: the model's repair time is their mixture).
    correlated
        ``observed_groups`` (groups of faults on two or more matched cables starting within a
        day of each other), ``observed_groups_per_year`` and ``observed_groups_ci``,
        ``simulated_groups_per_year``, ``simulated_events_per_year`` (events of one cause
        cutting two or more), ``observed_multi_down_days_per_year`` and
        ``simulated_multi_down_days_per_year`` (days a year with two or more of them down).
    backtests
        The backtests of real repairs (:mod:`cablemap.risk.simulation.backtests`), if asked.
    matched, unmatched
        The slug table rows used, and the slugs of the list without a cable in the release
        (with their faults and the table's reason).
    notes
        What to keep in mind.
    """

    cables: pd.DataFrame
    totals: dict[str, Any]
    repair: dict[str, Any]
    matched: pd.DataFrame
    unmatched: pd.DataFrame
    correlated: dict[str, Any] = field(default_factory=dict)
    backtests: Backtests | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``cablemap calibrate --format json``)."""
        out = {
            "totals": self.totals,
            "repair": self.repair,
            "correlated": self.correlated,
            "cables": self.cables.round(4).to_dict(orient="records"),
            "matched": self.matched.to_dict(orient="records"),
            "unmatched": self.unmatched.to_dict(orient="records"),
            "notes": self.notes,
        }
        if self.backtests is not None:
            out["backtests"] = self.backtests.to_dict()
        return out

    def lines(self) -> list[str]:
        """Return the comparison as lines of text."""
        t, r, c = self.totals, self.repair, self.correlated
        low, high = t["observed_ci"]
        eq_low, eq_high = t["observed_earthquake_ci"]
        g_low, g_high = c["observed_groups_ci"]
        out = [
            f"observed: {t['observed_faults']} faults at sea on {len(self.cables)} matched cables "
            f"in {t['observation_years']:.2f} years = {t['observed_per_year']:.1f} a year "
            f"(95 % {low:.1f}-{high:.1f})",
            f"model: {t['expected_per_year']:.1f} a year expected, {t['simulated_per_year']:.1f} "
            f"simulated ({t['simulated_years']} years)",
            f"earthquake faults: observed {t['observed_earthquake_faults']} "
            f"({eq_low:.2f}-{eq_high:.2f} a year), "
            f"model {t['expected_seismic_per_year']:.2f} a year",
            f"repair days (25/50/75 %): observed {_quartiles(r['observed'])} "
            f"(Kaplan-Meier, {r['repaired']} repaired, {r['open']} open), "
            f"model {_quartiles(r['model'])} (zones of the {r['located']} located faults: "
            f"{', '.join(f'{z} {share:.0%}' for z, share in r['model_zones'].items())})",
            f"faults of 2+ matched cables within {GROUP_DAYS:g} day: observed "
            f"{c['observed_groups']} ({c['observed_groups_per_year']:.2f} a year, 95 % "
            f"{g_low:.2f}-{g_high:.2f}), simulated {c['simulated_groups_per_year']:.2f} a year "
            f"({c['simulated_events_per_year']:.2f} of them one event)",
            f"days a year with 2+ matched cables down at once: observed "
            f"{c['observed_multi_down_days_per_year']:.0f}, simulated "
            f"{c['simulated_multi_down_days_per_year']:.0f}",
            f"per cable: {t['cables_inside']} of {len(self.cables)} simulated rates inside the "
            "observed 95 % Poisson interval",
            f"{'cable':<44} {'slugs':<22} {'km':>7} {'obs':>4} {'obs/yr':>7} {'95 %':>11} "
            f"{'model/yr':>8} {'sim/yr':>7} in",
        ]
        for row in self.cables.itertuples():
            out.append(
                f"{row.cable_id[:44]:<44} {','.join(row.slugs)[:22]:<22} {row.length_km:>7.0f} "
                f"{row.observed_faults:>4} {row.observed_per_year:>7.2f} "
                f"{row.observed_ci_low:>5.2f}-{row.observed_ci_high:<5.2f} "
                f"{row.expected_per_year:>8.2f} {row.simulated_per_year:>7.2f} "
                f"{'yes' if row.inside else 'no'}"
            )
        for row in self.unmatched.itertuples():
            out.append(f"unmatched: {row.slug} ({row.faults} faults at sea): {row.evidence}")
        out.extend(f"note: {n}" for n in self.notes)
        if self.backtests is not None:
            out.extend(["", *self.backtests.lines()])
        return out


def _quartiles(values: dict[str, float | None]) -> str:
    return "/".join("-" if v is None else f"{v:.0f}" for v in values.values())


def calibrate_analysis(
    incidents: pd.DataFrame,
    analysis: Analysis,
    *,
    quakes: gpd.GeoDataFrame | None = None,
    cable_ids: str | Path | None = None,
    years: int = 2000,
    seed: int = 14,
    backtests: bool = False,
) -> Calibration:
    """Compare the fault model with the incident list (and, if asked, with real repairs).

    Parameters
    ----------
    incidents
        :func:`cablemap.layers.incidents.cable_faults_from_smc`.
    analysis
        The release whose cables the slugs are matched to, its model (whose fault model is
        checked) and network (:class:`~cablemap.risk.analysis.Analysis`); its hazards are
        the catalogue unless ``quakes`` is given. Planned cables are simulated too (Taiwan's
        list names cables in service since the release was drawn).
    quakes
        Earthquake catalogue, as for :func:`cablemap.simulate`.
    cable_ids
        The slug table; default ``risk_models/smc-cable-ids.csv``.
    years, seed
        Of the Monte Carlo run.
    backtests
        Also compare the repair model with the real repairs of ``repair_events.csv``
        (:func:`cablemap.risk.simulation.backtests.backtest_result`, on a run of the cables the
        model counts: the records are of 2016-2025, before the planned cables of the release).

    Returns
    -------
    Calibration
        The comparison.

    Raises
    ------
    RiskSpecError
        If the slug table names a cable id the release does not have.
    SourceFormatError
        If no rate can be read from the incident list: fewer than two incidents, a date
        before 1850 or in the future, a span under 30 days
        (:func:`~cablemap.layers.incidents.observation_window`).
    """
    _, _, obs_years = observation_window(incidents)  # before the simulation: fail fast
    layers = analysis.layers
    table = read_cable_ids(cable_ids)
    known = set(layers.cables["cable_id"])
    for row in table.itertuples():
        if isinstance(row.cable_id, str) and row.cable_id not in known:
            msg = (
                f"{str(cable_ids or CABLE_IDS_FILE)!r}, slug {row.slug!r}: cable id "
                f"{row.cable_id!r} is not in the release"
            )
            raise RiskSpecError(msg)
    slug_to_id = {
        s: c if isinstance(c, str) else None
        for s, c in zip(table["slug"], table["cable_id"], strict=True)
    }
    wet = incidents[incidents["wet"]]
    wet = wet.assign(cable_id=wet["cable_slug"].map(slug_to_id))
    matched_faults = wet[wet["cable_id"].notna()]
    unmatched_slugs = sorted(set(wet["cable_slug"]) - {s for s, c in slug_to_id.items() if c})
    evidence = dict(zip(table["slug"], table["evidence"], strict=True))
    unmatched = pd.DataFrame(
        [
            {
                "slug": s,
                "faults": int((wet["cable_slug"] == s).sum()),
                "evidence": evidence.get(s, "not in the slug table"),
            }
            for s in unmatched_slugs
        ],
        columns=["slug", "faults", "evidence"],
    )
    matched_ids = sorted({c for c in slug_to_id.values() if c})
    result = simulate_analysis(
        analysis, quakes=quakes, years=years, seed=seed, with_planned=True, watch=matched_ids
    )
    slugs = table.dropna(subset=["cable_id"]).groupby("cable_id")["slug"].apply(list)
    cables = _cable_rows(matched_ids, matched_faults, obs_years, result.rates, result.cables, slugs)
    n_obs = int(cables["observed_faults"].sum())
    quakes_obs = int((matched_faults["reason"] == "earthquake").sum())
    totals = {
        "observation_years": round(obs_years, 3),
        "observed_faults": n_obs,
        "observed_per_year": n_obs / obs_years,
        "observed_ci": poisson_interval(n_obs, obs_years),
        "expected_per_year": float(cables["expected_per_year"].sum()),
        "simulated_per_year": float(cables["simulated_per_year"].sum()),
        "observed_earthquake_faults": quakes_obs,
        "observed_earthquake_ci": poisson_interval(quakes_obs, obs_years),
        "expected_seismic_per_year": float(cables["seismic_per_year"].sum()),
        "simulated_years": years,
        "cables_inside": int(cables["inside"].sum()),
    }
    end = incidents["date"].max()
    usable = wet[wet["resolved"].isna() | wet["repair_days"].notna()]
    repair = _repair_comparison(usable, end, result.rates, analysis.layers)
    correlated = _correlated(matched_faults, end, obs_years, result.watched)
    notes = [
        f"faults at sea: reasons other than maintenance, equipment and land, and no land "
        f"section named ({len(wet)} of {len(incidents)} incidents)",
        "the list follows faults that affect Taiwan's traffic: distant segments of these "
        "systems are likely under-reported, so the observed rate is a lower bound",
        f"{int(wet['resolved'].notna().sum() - len(usable[usable['resolved'].notna()]))} "
        "repair date(s) before their fault left out of the repair times",
    ]
    logger.info(
        "Calibration: observed %.1f, simulated %.1f faults a year",
        n_obs / obs_years,
        totals["simulated_per_year"],
    )
    return Calibration(
        cables=cables,
        totals=totals,
        repair=repair,
        matched=table.dropna(subset=["cable_id"]).reset_index(drop=True),
        unmatched=unmatched,
        correlated=correlated,
        backtests=_backtests(analysis, quakes, years, seed) if backtests else None,
        notes=notes,
    )


def _backtests(
    analysis: Analysis, quakes: gpd.GeoDataFrame | None, years: int, seed: int
) -> Backtests:
    """Backtests on a run of the cables the model counts (the decade's, not the planned)."""
    result = simulate_analysis(analysis, quakes=quakes, years=years, seed=seed)
    return backtest_result(result, analysis.layers)


def _cable_rows(  # noqa: PLR0917 - the parts of one comparison
    matched_ids: list[str],
    faults: pd.DataFrame,
    obs_years: float,
    rates: FaultRates,
    simulated: pd.DataFrame,
    slugs: pd.Series,
) -> pd.DataFrame:
    """Per matched cable: observed faults a year (95 % Poisson interval), model, simulation."""
    model = rates.cables
    sim = simulated.set_index("cable_id")
    rows = []
    for cable in matched_ids:
        n = int((faults["cable_id"] == cable).sum())
        low, high = poisson_interval(n, obs_years)
        known = cable in model.index
        simulated_rate = (
            float(sim.at[cable, "simulated_faults_per_year"]) if cable in sim.index else 0.0
        )
        rows.append(
            {
                "cable_id": cable,
                "slugs": slugs.get(cable, []),
                "length_km": float(model.at[cable, "length_km"]) if known else 0.0,
                "observed_faults": n,
                "observed_per_year": n / obs_years,
                "observed_ci_low": low,
                "observed_ci_high": high,
                "expected_per_year": float(model.at[cable, "faults_per_year"]) if known else 0.0,
                "simulated_per_year": simulated_rate,
                "inside": bool(low <= simulated_rate <= high),
                "seismic_per_year": float(model.at[cable, "seismic_per_year"]) if known else 0.0,
                "repair_zone": str(model.at[cable, "repair_zone"]) if known else None,
            }
        )
    return pd.DataFrame(rows)


def mixture_quantile(
    repairs: list[tuple[RepairTime, float]], q: float, *, tolerance: float = 1e-3
) -> float:
    """Return the ``q`` quantile (days) of a mixture of repair times (weights summing to 1)."""
    low, high = 0.0, max(r.max_days for r, _ in repairs)
    while high - low > tolerance:
        mid = (low + high) / 2.0
        if sum(w * r.cdf(mid) for r, w in repairs) < q:
            low = mid
        else:
            high = mid
    return high


def _repair_comparison(
    usable: pd.DataFrame, end: pd.Timestamp, rates: FaultRates, layers: Layers
) -> dict[str, Any]:
    """Kaplan-Meier quartiles of the list's repairs against the model's, where they fell.

    The model's repair time is that of the zones of the list's faults (by the position the
    list gives; faults without one count as the located ones do), mixed by their counts.
    """
    repaired = usable["repair_days"].notna().to_numpy()
    followed = np.where(
        repaired,
        usable["repair_days"].to_numpy(dtype=float),
        (end - usable["date"]).dt.total_seconds().to_numpy() / 86400.0,
    )
    located = usable.dropna(subset=["lon", "lat"])
    names = [r.zone for r in rates.model.repair_times]
    zone = point_zones(
        located["lon"].to_numpy(dtype=float),
        located["lat"].to_numpy(dtype=float),
        layers,
        rates.model,
    )
    counts = pd.Series([names[z] for z in zone], dtype=object).value_counts()
    weights = counts / counts.sum() if len(counts) else pd.Series({names[0]: 1.0})
    mixture = [(rates.model.repair_for(str(z)), float(w)) for z, w in weights.items()]
    return {
        "faults": len(usable),
        "repaired": int(repaired.sum()),
        "open": int((~repaired).sum()),
        "located": len(located),
        "observed": {
            f"q{int(q * 100)}": v for q, v in kaplan_meier_quantiles(followed, repaired).items()
        },
        "model": {f"q{int(q * 100)}": mixture_quantile(mixture, q) for q in (0.25, 0.5, 0.75)},
        "model_zones": {str(z): round(float(w), 4) for z, w in weights.items()},
    }


def _down_intervals(faults: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Days each matched cable was down: from the fault to its repair, or to the list's end."""
    start = faults["date"]
    stop = start + pd.to_timedelta(faults["repair_days"], unit="D")
    stop = stop.where(faults["repair_days"].notna(), end)
    known = faults["resolved"].isna() | faults["repair_days"].notna()
    return pd.DataFrame({"cable": faults["cable_id"], "start": start, "end": stop})[
        known.to_numpy()
    ]


def _multi_down_days(down: pd.DataFrame) -> float:
    """Days with two or more cables down at once (each cable's intervals merged first)."""
    edges = []
    for _, group in down.sort_values("start").groupby("cable"):
        reach = None
        for row in group.itertuples():
            if reach is None or row.start > reach[1]:
                if reach is not None:
                    edges.append(reach)
                reach = [row.start, row.end]
            else:
                reach[1] = max(reach[1], row.end)
        if reach is not None:
            edges.append(reach)
    times = sorted([(a, 1) for a, _ in edges] + [(b, -1) for _, b in edges])
    level, days, last = 0, 0.0, None
    for when, step in times:
        if last is not None and level >= 2:
            days += (when - last).total_seconds() / 86400.0
        level += step
        last = when
    return days


def _groups(faults: pd.DataFrame) -> int:
    """Count groups of faults (chained within GROUP_DAYS) on two or more distinct cables."""
    ordered = faults.sort_values("date")
    gap = ordered["date"].diff().dt.total_seconds() / 86400.0
    group = (gap.isna() | (gap > GROUP_DAYS)).cumsum()
    distinct = ordered.groupby(group)["cable_id"].nunique()
    return int((distinct >= 2).sum())


def _correlated(
    faults: pd.DataFrame, end: pd.Timestamp, obs_years: float, watched: dict[str, Any]
) -> dict[str, Any]:
    """Faults of several matched cables at once: observed against simulated."""
    groups = _groups(faults)
    return {
        "group_days": GROUP_DAYS,
        "observed_groups": groups,
        "observed_groups_per_year": groups / obs_years,
        "observed_groups_ci": poisson_interval(groups, obs_years),
        "simulated_groups_per_year": float(watched.get("multi_cable_groups_per_year", 0.0)),
        "simulated_events_per_year": float(watched.get("multi_cable_events_per_year", 0.0)),
        "observed_multi_down_days_per_year": _multi_down_days(_down_intervals(faults, end))
        / obs_years,
        "simulated_multi_down_days_per_year": float(watched.get("multi_down_days_per_year", 0.0)),
    }
