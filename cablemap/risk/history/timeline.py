"""The network through time: new international cables per RFS year by their supplier's tier.

A cable counts in the year it was (or is planned to be) ready for service (``rfs_year`` of the
cable layer), under the riskiest tier among its suppliers in the model's vendor profile (the
``supplier_tier`` the scores computed, :mod:`cablemap.risk.scoring.components`). A cable whose
source
names no supplier (``suppliers`` missing) is counted under ``no_supplier``, not under
``unrated`` (a named supplier the profile does not rate). Cables without an RFS year cannot be
placed on the axis: they are counted in ``frame.attrs["no_rfs_year"]`` with their ids, never
silently dropped. The cables are those the model scores: in service by default, planned ones too
where the model's ``statuses`` count them (then the axis runs to the last planned year).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cablemap._errors import CablemapError
from cablemap._validate import is_missing
from cablemap.risk.model.spec import TIER_NAMES

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.scoring.score import Scores

__all__ = ["TIMELINE_COLUMNS", "count_by_year", "new_cables_by_year"]

#: Columns of :func:`new_cables_by_year`: one count per tier, the cables naming no supplier,
#: the total and the share of high-tier suppliers among the cables naming one.
TIMELINE_COLUMNS = (*TIER_NAMES, "no_supplier", "total", "high_tier_share")


def new_cables_by_year(scores: Scores, layers: Layers, country: str | None = None) -> pd.DataFrame:
    """Count new international cables per RFS year by the vendor tier of their supplier.

    Parameters
    ----------
    scores
        Scores of ``layers`` (their cable rows carry ``international``, ``countries`` and
        ``supplier_tier``).
    layers
        The layers scored (their cables carry ``rfs_year``, which the scores do not).
    country
        An ISO3 code: only the international cables landing in that country; ``None``: every
        international cable landing in the model's region.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rfs_year`` (int, ascending, only years with a cable), with the
        :data:`TIMELINE_COLUMNS`: ``high``, ``elevated``, ``unrated``, ``trusted`` (cables by
        the riskiest tier of their named suppliers), ``no_supplier`` (the source names none),
        ``total`` and ``high_tier_share`` (``high`` / the cables naming a supplier; NaN when
        none does). ``attrs``: ``country``, ``cables`` (international cables considered),
        ``no_rfs_year`` (how many lack an RFS year) and ``no_rfs_year_ids``.

    Raises
    ------
    CablemapError
        If ``country`` is given but no scored country has that code.

    Examples
    --------
    >>> import cablemap as cm
    >>> layers = cm.load()
    >>> table = new_cables_by_year(cm.score(layers), layers, "FJI")  # doctest: +SKIP
    """
    cables = scores.cables
    if country is not None and country not in set(scores.countries["iso3"]):
        msg = f"`country` was {country!r} but no scored country has that ISO3 code"
        raise CablemapError(msg)
    if country is None:
        keep = cables["international"].astype(bool) & cables["in_region"].astype(bool)
    else:
        keep = cables["international"].astype(bool) & cables["countries"].map(
            lambda cs: country in cs
        )
    intl = cables[keep]
    years = layers.cables.set_index("cable_id")["rfs_year"].reindex(intl["cable_id"])
    table = count_by_year(
        intl["cable_id"].tolist(),
        years.tolist(),
        [
            "no_supplier" if is_missing(s) else str(t)
            for s, t in zip(intl["suppliers"], intl["supplier_tier"], strict=True)
        ],
    )
    table.attrs["country"] = country
    return table


def count_by_year(
    cable_ids: Sequence[str], years: Sequence[object], tiers: Sequence[str]
) -> pd.DataFrame:
    """Tabulate cables by year and tier: the table of :func:`new_cables_by_year`.

    Parameters
    ----------
    cable_ids, years, tiers
        One entry per cable: its id, RFS year (missing: not on the axis, counted in
        ``attrs``) and the riskiest tier of its named suppliers (``"no_supplier"`` when the
        source names none).

    Returns
    -------
    pandas.DataFrame
        See :func:`new_cables_by_year`.
    """
    groups = [*TIER_NAMES, "no_supplier"]
    counts: dict[int, dict[str, int]] = {}
    unknown: list[str] = []
    for cable_id, year, tier in zip(cable_ids, years, tiers, strict=True):
        if is_missing(year):
            unknown.append(str(cable_id))
            continue
        row = counts.setdefault(int(year), dict.fromkeys(groups, 0))  # type: ignore[call-overload]
        row[tier if tier in row else "unrated"] += 1
    table = pd.DataFrame.from_dict(
        {y: counts[y] for y in sorted(counts)}, orient="index", columns=groups
    ).astype(int)
    table.index = table.index.astype(int)
    table.index.name = "rfs_year"
    table["total"] = table[groups].sum(axis=1)
    with_supplier = table["total"] - table["no_supplier"]
    table["high_tier_share"] = (table["high"] / with_supplier.where(with_supplier > 0)).astype(
        float
    )
    table.attrs.update(
        {
            "country": None,
            "cables": len(cable_ids),
            "no_rfs_year": len(unknown),
            "no_rfs_year_ids": sorted(unknown),
        }
    )
    return table
