"""From components to a score: weighted sums, importance x vulnerability, and their stability.

An entity's score is formed as its model file says (``[score] <entity>``):

``sum``
    ``score = sum(weight_c x value_c)`` over its components (weights summing to 1); every row
    carries ``c``, ``c_weight`` and ``c_contribution``, the contributions summing to the score.
``product``
    ``importance = sum`` over the importance components (what depends on it: cables through
    it, transit, the facilities it serves), ``vulnerability = sum`` over the vulnerability
    components (fragility, vendor exposure, chokepoints, hazard), each group's weights summing
    to 1, and ``score = importance^a x vulnerability^(1 - a)`` (``a`` the model's ``[score]
    importance_exponent``; 0.5 ranks as the plain product): the risk is high only where much
    depends on a place *and* it can fail or not be trusted, so a small town on a domestic
    branch is never a top strategic risk. Contributions sum to ``importance`` and to
    ``vulnerability`` respectively.

:func:`sensitivity` perturbs the weights (one at a time, then jointly) and reports how stable
each entity's top N is; :func:`add_acceptability` adds the rank acceptability of the region's
rows (:mod:`cablemap.risk.scoring.acceptability`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap.risk.model.spec import COMPONENTS, GROUPS
from cablemap.risk.scoring.acceptability import (
    Weighting,
    acceptability,
    renormalised,
    scores_for,
)

if TYPE_CHECKING:
    from cablemap.risk.model.spec import ModelSpec

__all__ = ["add_acceptability", "kendall_tau", "score_table", "sensitivity", "weighting"]


def weighting(spec: ModelSpec, entity: str) -> Weighting:
    """Return the model's weights of an entity's components and how its score is formed."""
    weights = spec.all_weights(entity)
    comps = tuple(COMPONENTS[entity])
    product = spec.combination(entity) == "product"
    groups = spec.groups.get(entity, {})
    vulnerability = set(groups.get("vulnerability", ()))
    return Weighting(
        components=comps,
        weights=np.array([weights.get(c, 0.0) for c in comps], dtype=float),
        group=np.array([1 if product and c in vulnerability else 0 for c in comps]),
        product=product,
        exponent=spec.importance_exponent,
    )


def group_of(spec: ModelSpec, entity: str, component: str) -> str | None:
    """Return the group (importance or vulnerability) of a component of a product score."""
    for name in GROUPS:
        if component in spec.groups.get(entity, {}).get(name, ()):
            return name
    return None


def _rank(values: pd.Series) -> pd.Series:
    return values.rank(ascending=False, method="min").astype(int)


def score_table(values: pd.DataFrame, spec: ModelSpec, entity: str) -> pd.DataFrame:
    """Add weights, contributions, the score and its rank (and importance, vulnerability).

    Parameters
    ----------
    values
        Component values, one row per entity (index: its id).
    spec
        The model.
    entity
        Which entity (its weights and how its score is formed).

    Returns
    -------
    pandas.DataFrame
        ``values`` with ``<c>_weight``, ``<c>_contribution``, ``score``, ``rank`` and, for a
        product score, ``importance``, ``importance_rank``, ``vulnerability`` and
        ``vulnerability_rank``.
    """
    w = weighting(spec, entity)
    out = values.copy()
    for c, weight in zip(w.components, w.weights, strict=True):
        if c not in out.columns:
            out[c] = 0.0
        out[f"{c}_weight"] = float(weight)
        out[f"{c}_contribution"] = out[c] * float(weight)
    matrix = out[list(w.components)].to_numpy(dtype=float)
    if w.product:
        for g, name in enumerate(GROUPS):
            cols = w.group == g
            out[name] = matrix[:, cols] @ w.weights[cols]
            out[f"{name}_rank"] = _rank(out[name])
        a = w.exponent
        out["score"] = out["importance"].clip(lower=0) ** a * out["vulnerability"].clip(
            lower=0
        ) ** (1.0 - a)
    else:
        out["score"] = matrix @ w.weights
    out["rank"] = _rank(out["score"])
    return out


def score_range(  # noqa: PLR0917 - the table, its model and one component's bounds
    values: pd.DataFrame,
    spec: ModelSpec,
    entity: str,
    component: str,
    low: pd.Series,
    high: pd.Series,
) -> pd.DataFrame:
    """How far each row's score and rank could move while one component spans a range.

    Parameters
    ----------
    values
        Component values, as for :func:`score_table` (``component`` at its point value).
    spec, entity
        The model and the entity scored.
    component
        The component known only as a range (``vendor_exposure``: unknown shares).
    low, high
        Each row's bounds of the component.

    Returns
    -------
    pandas.DataFrame
        ``score_low``, ``score_high``; ``rank_best`` and ``rank_worst`` (the row's rank at its
        highest and lowest score, the other rows at their point values); ``rank_uncertain``
        (the two differ).
    """
    point = score_table(values, spec, entity)["score"]
    lo = score_table(values.assign(**{component: low}), spec, entity)["score"]
    hi = score_table(values.assign(**{component: high}), spec, entity)["score"]
    others = np.sort(point.to_numpy())
    above_hi = len(others) - np.searchsorted(others, hi.to_numpy(), side="right")
    above_lo = len(others) - np.searchsorted(others, lo.to_numpy(), side="right")
    own_hi = (point.to_numpy() > hi.to_numpy()).astype(int)  # the row itself, if above
    own_lo = (point.to_numpy() > lo.to_numpy()).astype(int)
    out = pd.DataFrame(index=values.index)
    out["score_low"], out["score_high"] = lo, hi
    out["rank_best"] = 1 + above_hi - own_hi
    out["rank_worst"] = 1 + above_lo - own_lo
    out["rank_uncertain"] = out["rank_best"] != out["rank_worst"]
    return out


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-b between two score vectors (1 = same order, -1 = reversed)."""
    b = np.asarray(b, dtype=float)
    return float(_kendall_taus(a, b[:, None])[0])


def _kendall_taus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kendall's tau-b between the vector ``a`` and each column of ``b`` (counts, so exact)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2:
        return np.ones(b.shape[1])
    upper = np.triu_indices(len(a), k=1)
    da = np.sign(a[upper[0]] - a[upper[1]])
    db = np.sign(b[upper[0]] - b[upper[1]])
    concordant = np.sum(da[:, None] * db, axis=0)
    denom = np.sqrt(float(np.sum(da != 0)) * np.sum(db != 0, axis=0).astype(float))
    return np.where(denom > 0, concordant / np.where(denom > 0, denom, 1.0), 1.0)


def sensitivity(
    values: dict[str, pd.DataFrame], spec: ModelSpec
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Perturb the weights; report how stable each entity's top N is.

    One component at a time by ±p, then ``draws`` joint draws of every weight in
    ``[w(1-p), w(1+p)]`` (renormalised within each group).

    Returns
    -------
    tuple
        One row per test (``entity``, ``test``, ``kendall_tau``, ``top_n_overlap``), and per
        entity the share of draws keeping each row in the top N (``top_n_share``).
    """
    p = spec.sensitivity["perturbation"]
    top_n = int(spec.sensitivity["top_n"])
    draws = int(spec.sensitivity["draws"])
    rng = np.random.default_rng(int(spec.sensitivity["seed"]))
    rows: list[dict[str, Any]] = []
    stability: dict[str, pd.Series] = {}
    for entity, frame in values.items():
        w = weighting(spec, entity)
        v = frame[list(w.components)].to_numpy(dtype=float)
        base = scores_for(v, w, w.weights[None, :])[0]
        top = np.argsort(-base, kind="stable")[: min(top_n, len(base))]
        for i, comp in enumerate(w.components):
            if w.weights[i] == 0:
                continue
            for sign in (1, -1):
                bumped = w.weights.copy()
                bumped[i] *= 1 + sign * p
                scores = scores_for(v, w, renormalised(bumped, w.group))[0]
                new_top = set(np.argsort(-scores, kind="stable")[: len(top)].tolist())
                rows.append(
                    {
                        "entity": entity,
                        "test": f"{comp} {'+' if sign > 0 else '-'}{p:.0%}",
                        "kendall_tau": round(kendall_tau(base[top], scores[top]), 4),
                        "top_n_overlap": round(
                            len(new_top & set(top.tolist())) / max(len(top), 1), 4
                        ),
                    }
                )
        if not draws:
            continue
        sampled = w.weights * rng.uniform(1 - p, 1 + p, size=(draws, len(w.weights)))
        all_scores = scores_for(v, w, renormalised(sampled, w.group)).T  # (rows, draws)
        tops = np.argsort(-all_scores, axis=0, kind="stable")[: len(top)]
        in_top = np.bincount(tops.ravel(), minlength=len(base)).astype(float)
        overlaps = np.isin(tops, top).sum(axis=0) / max(len(top), 1)
        taus = _kendall_taus(base[top], all_scores[top])
        rows.append(
            {
                "entity": entity,
                "test": f"{draws} random draws ±{p:.0%} (median; min)",
                "kendall_tau": round(float(np.median(taus)), 4),
                "top_n_overlap": round(float(np.median(overlaps)), 4),
                "kendall_tau_min": round(float(np.min(taus)), 4),
                "top_n_overlap_min": round(float(np.min(overlaps)), 4),
            }
        )
        stability[entity] = pd.Series(in_top / draws, index=frame.index)
    return pd.DataFrame(rows), stability


def add_acceptability(
    table: pd.DataFrame, spec: ModelSpec, entity: str, in_region: pd.Series
) -> pd.DataFrame:
    """Add ``top_k_acceptability`` and ``leaves_top_k_at`` to the region's rows of a table.

    Rows outside the region get NaN and ``{}``: they are not ranked with the region's.
    """
    settings = spec.acceptability
    w = weighting(spec, entity)
    mask = in_region.reindex(table.index).fillna(value=False).to_numpy(dtype=bool)
    share, leaves = acceptability(
        table.loc[mask, list(w.components)].to_numpy(dtype=float),
        w,
        k=int(settings["top_k"]),
        draws=int(settings["draws"]),
        spread=float(settings["spread"]),
        seed=int(settings["seed"]),
    )
    out = table.copy()
    out["top_k_acceptability"] = np.nan
    out.loc[mask, "top_k_acceptability"] = np.round(share, 4)
    column: list[dict[str, float | None]] = [{} for _ in range(len(out))]
    for position, leave in zip(np.flatnonzero(mask), leaves, strict=True):
        column[position] = leave
    out["leaves_top_k_at"] = column
    return out
