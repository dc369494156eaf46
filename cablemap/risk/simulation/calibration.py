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
  at the end of the list count as censored), against the model's lognormal.

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
from cablemap.risk.simulation.simulate import simulate_analysis

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.analysis import Analysis

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
        ``observed_per_year``, ``expected_per_year`` (the model), ``simulated_per_year``
        (Monte Carlo), ``seismic_per_year`` (the model's earthquake share).
    totals
        ``observation_years``, ``observed_faults``, ``observed_per_year``, ``observed_ci``,
        ``expected_per_year``, ``simulated_per_year``, ``observed_earthquake_faults``,
        ``observed_earthquake_ci``, ``expected_seismic_per_year``, ``simulated_years``.
    repair
        ``faults``, ``repaired``, ``open``, ``observed`` and ``model`` quartiles (days).
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
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``cablemap calibrate --format json``)."""
        return {
            "totals": self.totals,
            "repair": self.repair,
            "cables": self.cables.round(4).to_dict(orient="records"),
            "matched": self.matched.to_dict(orient="records"),
            "unmatched": self.unmatched.to_dict(orient="records"),
            "notes": self.notes,
        }

    def lines(self) -> list[str]:
        """Return the comparison as lines of text."""
        t, r = self.totals, self.repair
        low, high = t["observed_ci"]
        eq_low, eq_high = t["observed_earthquake_ci"]
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
            f"model {_quartiles(r['model'])}",
            f"{'cable':<44} {'slugs':<22} {'km':>7} {'obs':>4} {'obs/yr':>7} {'model/yr':>8} "
            f"{'sim/yr':>7}",
        ]
        for row in self.cables.itertuples():
            out.append(
                f"{row.cable_id[:44]:<44} {','.join(row.slugs)[:22]:<22} {row.length_km:>7.0f} "
                f"{row.observed_faults:>4} {row.observed_per_year:>7.2f} "
                f"{row.expected_per_year:>8.2f} {row.simulated_per_year:>7.2f}"
            )
        for row in self.unmatched.itertuples():
            out.append(f"unmatched: {row.slug} ({row.faults} faults at sea): {row.evidence}")
        out.extend(f"note: {n}" for n in self.notes)
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
) -> Calibration:
    """Compare the fault model with the incident list.

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
    result = simulate_analysis(analysis, quakes=quakes, years=years, seed=seed, with_planned=True)
    rates = result.rates.cables
    sim = result.cables.set_index("cable_id")
    slugs = table.dropna(subset=["cable_id"]).groupby("cable_id")["slug"].apply(list)
    rows = []
    for cable in matched_ids:
        n = int((matched_faults["cable_id"] == cable).sum())
        rows.append(
            {
                "cable_id": cable,
                "slugs": slugs.get(cable, []),
                "length_km": float(rates.at[cable, "length_km"]) if cable in rates.index else 0.0,
                "observed_faults": n,
                "observed_per_year": n / obs_years,
                "expected_per_year": float(rates.at[cable, "faults_per_year"])
                if cable in rates.index
                else 0.0,
                "simulated_per_year": float(sim.at[cable, "simulated_faults_per_year"])
                if cable in sim.index
                else 0.0,
                "seismic_per_year": float(rates.at[cable, "seismic_per_year"])
                if cable in rates.index
                else 0.0,
            }
        )
    cables = pd.DataFrame(rows)
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
    }
    end = incidents["date"].max()
    usable = wet[wet["resolved"].isna() | wet["repair_days"].notna()]
    repaired = usable["repair_days"].notna().to_numpy()
    followed = np.where(
        repaired,
        usable["repair_days"].to_numpy(dtype=float),
        (end - usable["date"]).dt.total_seconds().to_numpy() / 86400.0,
    )
    fm = result.rates.model
    repair = {
        "faults": len(usable),
        "repaired": int(repaired.sum()),
        "open": int((~repaired).sum()),
        "observed": {
            f"q{int(q * 100)}": v for q, v in kaplan_meier_quantiles(followed, repaired).items()
        },
        "model": {f"q{int(q * 100)}": fm.repair_quantile(q) for q in (0.25, 0.5, 0.75)},
    }
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
        notes=notes,
    )
