"""Rankings an analyst can defend: how a row's rank holds up under other admissible weightings.

A weighting is *admissible* when each weight lies within ``±spread`` (default 50 %) of the
model's, renormalised so that each group still sums to 1 (importance and vulnerability apart
for a score formed as their product). For each ranked row of the region:

``top_k_acceptability``
    the share of ``draws`` seeded admissible weightings under which the row stays in the
    region's top ``k`` (the rank acceptability of stochastic multicriteria acceptability
    analysis, SMAA);
``leaves_top_k_at``
    for a row in the top ``k`` under the model's weights, per component: the weight (within its
    group, others rescaled) closest to the model's at which the row leaves the top ``k``, or
    ``None`` where no weight of that component in [0, 1] moves it out.

Scores are computed for every draw at once (one matrix product per group), so 2,000 draws
of the 2022 release's landing points take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Weighting", "acceptability", "renormalised", "scores_for"]

#: Weights a component is tried at for ``leaves_top_k_at``.
_GRID = np.linspace(0.0, 1.0, 51)


@dataclass(frozen=True)
class Weighting:
    """How an entity's score is made from its components.

    Attributes
    ----------
    components
        The components, in column order.
    weights
        The model's weight of each (within its group).
    group
        Per component: 0 (importance, or the one group of a sum) or 1 (vulnerability).
    product
        The score is formed from the two groups' weighted sums, ``importance^exponent x
        vulnerability^(1 - exponent)`` (else it is their sum).
    exponent
        The importance exponent of a product score (0.5 ranks as the plain product).
    """

    components: tuple[str, ...]
    weights: np.ndarray
    group: np.ndarray
    product: bool
    exponent: float = 0.5


def scores_for(values: np.ndarray, weighting: Weighting, weights: np.ndarray) -> np.ndarray:
    """Scores of every row under each weighting.

    Parameters
    ----------
    values
        (rows, components) component values.
    weighting
        How the score is formed.
    weights
        (weightings, components).

    Returns
    -------
    ndarray
        (weightings, rows).
    """
    if not weighting.product:
        return weights @ values.T
    imp, vul = weighting.group == 0, weighting.group == 1
    a = weighting.exponent
    importance = np.clip(weights[:, imp] @ values[:, imp].T, 0.0, None)
    vulnerability = np.clip(weights[:, vul] @ values[:, vul].T, 0.0, None)
    return importance**a * vulnerability ** (1.0 - a)


def renormalised(weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return draws of weights (one row each) rescaled to sum to 1 within each group."""
    out = np.array(weights, dtype=float, ndmin=2)
    for g in np.unique(group):
        cols = group == g
        total = out[:, cols].sum(axis=1, keepdims=True)
        part = out[:, cols]
        out[:, cols] = np.divide(part, total, out=np.zeros_like(part), where=total > 0)
    return out


def _in_top(scores: np.ndarray, k: int) -> np.ndarray:
    """(weightings, rows) -> whether each row is in the top ``k`` (ties at the k-th kept)."""
    if scores.shape[1] <= k:
        return np.ones(scores.shape, dtype=bool)
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]
    return scores >= kth


def acceptability(
    values: np.ndarray,
    weighting: Weighting,
    *,
    k: int,
    draws: int,
    spread: float,
    seed: int,
) -> tuple[np.ndarray, list[dict[str, float | None]]]:
    """Top-``k`` acceptability of every row, and where a top-``k`` row would leave it.

    Parameters
    ----------
    values
        (rows, components) component values of the rows ranked together (the region's).
    weighting
        The model's weights and how the score is formed.
    k
        The top that counts (the model's ``[acceptability] top_k``).
    draws
        Admissible weightings drawn.
    spread
        Each weight drawn uniformly in ``[w (1 - spread), w (1 + spread)]``, then renormalised.
    seed
        Of the draws (the same seed, the same shares).

    Returns
    -------
    tuple
        Per row: the share of draws keeping it in the top ``k``; and, per row, ``{component:
        weight at which it leaves the top k, or None}`` (empty for rows outside the top ``k``).
    """
    n_rows = values.shape[0]
    if n_rows == 0:
        return np.zeros(0), []
    w = weighting.weights[None, :]
    rng = np.random.default_rng(seed)
    sampled = w * rng.uniform(1 - spread, 1 + spread, size=(max(draws, 1), len(weighting.weights)))
    shares = _in_top(scores_for(values, weighting, renormalised(sampled, weighting.group)), k)
    share = shares.mean(axis=0) if draws else np.ones(n_rows)
    base = _in_top(scores_for(values, weighting, w), k)[0]
    leaves: list[dict[str, float | None]] = [{} for _ in range(n_rows)]
    rows = np.flatnonzero(base)
    for c, name in enumerate(weighting.components):
        if weighting.weights[c] <= 0:
            continue
        trial = np.repeat(w, len(_GRID), axis=0)
        same = weighting.group == weighting.group[c]
        others = same.copy()
        others[c] = False
        rest = trial[:, others].sum(axis=1, keepdims=True)
        if not rest.any():
            continue
        trial[:, others] = trial[:, others] / rest * (1.0 - _GRID[:, None])
        trial[:, c] = _GRID
        out = ~_in_top(scores_for(values, weighting, trial), k)  # (grid, rows)
        for r in rows:
            where = np.flatnonzero(out[:, r])
            leaves[r][name] = (
                None
                if not len(where)
                else round(float(_GRID[where[np.argmin(np.abs(_GRID[where] - w[0, c]))]]), 2)
            )
    return share, leaves
