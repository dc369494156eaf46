"""The cables' vendors by tier: who supplies and owns what, classified by the vendor profile.

The vendor profile (``risk_models/vendor-profile-default.toml``) gives every registered name a
tier (``high``, ``elevated``, ``unrated``, ``trusted``;
:data:`cablemap.risk.model.spec.TIER_NAMES`).
:func:`vendor_tiers` applies it once to every supplier and owner of a release and returns what
the maps (and country briefs) show: each name's tier, the most frequent names of each tier,
and per country the vendors of the scored cables that land there, riskiest first. Render
only reads the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cablemap._validate import names_or_empty
from cablemap.risk.model.spec import TIER_NAMES

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.scoring.score import Scores

#: Names listed per tier in :attr:`VendorTiers.top`.
TOP_PER_TIER = 5


@dataclass(frozen=True)
class VendorTiers:
    """The suppliers and owners of a release's cables with their tiers.

    Attributes
    ----------
    tiers
        Every supplier and owner named by a cable of the layers -> its tier.
    top
        Tier -> up to :data:`TOP_PER_TIER` names of that tier, the most cables first (names
        counted once per cable and role, ties by name), over all cables of the layers.
    by_country
        ISO3 -> ``(name, tier)`` of every supplier and owner of the scored cables landing in
        the country, riskiest tier first, then by name; ``[]`` for a country whose cables are
        not scored.
    profile
        Name of the vendor profile that classified them.
    """

    tiers: dict[str, str]
    top: dict[str, list[str]]
    by_country: dict[str, list[tuple[str, str]]]
    profile: str

    def tiered(self, names: object, limit: int | None = None) -> list[str]:
        """Return names with their tiers, e.g. ``["NEC (trusted)"]``.

        Parameters
        ----------
        names
            A list of canonical names (a ``suppliers`` or ``owners`` value of the cables);
            a missing value gives ``[]``.
        limit
            Keep the first ``limit`` names only (all by default).

        Returns
        -------
        list of str
            ``"<name> (<tier>)"`` per name.
        """
        return [f"{v} ({self.tiers[v]})" for v in names_or_empty(names)[:limit]]


def vendor_tiers(scores: Scores, layers: Layers) -> VendorTiers:
    """Classify every supplier and owner of the layers' cables by the model's vendor profile.

    Parameters
    ----------
    scores
        Output of :func:`cablemap.score` (its model's vendor profile classifies; its scored
        cables feed :attr:`VendorTiers.by_country`).
    layers
        The layers that were scored (all their cables, planned ones too, feed
        :attr:`VendorTiers.tiers` and :attr:`VendorTiers.top`).

    Returns
    -------
    VendorTiers
        Tiers per name, the most frequent names per tier, and the vendors per country.

    Examples
    --------
    >>> import cablemap as cm
    >>> layers = cm.load()
    >>> tiers = vendor_tiers(cm.score(layers), layers)
    >>> tiers.tiers["NEC"]
    'trusted'
    """
    profile = scores.model.vendor_profile
    cables = layers.cables
    tiers: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {t: {} for t in TIER_NAMES}
    for suppliers, owners in zip(cables["suppliers"], cables["owners"], strict=True):
        for name in names_or_empty(suppliers) + names_or_empty(owners):
            tier = tiers.setdefault(name, profile.tier(name))
            counts[tier][name] = counts[tier].get(name, 0) + 1
    top = {
        t: [n for n, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PER_TIER]]
        for t, c in counts.items()
    }
    facts = scores.cables.set_index("cable_id")
    links = layers.cable_landings.merge(layers.landing_points[["lp_id", "iso3"]], on="lp_id")
    by_country: dict[str, list[tuple[str, str]]] = {}
    for iso, cable_ids in links.groupby("iso3")["cable_id"]:
        names: dict[str, str] = {}
        for c in set(cable_ids) & set(facts.index):
            for v in [
                *names_or_empty(facts.at[c, "suppliers"]),
                *names_or_empty(facts.at[c, "owners"]),
            ]:
                names[v] = tiers.get(v) or profile.tier(v)
        order = sorted(names, key=lambda v: (TIER_NAMES.index(names[v]), v))
        by_country[str(iso)] = [(v, names[v]) for v in order]
    return VendorTiers(tiers=tiers, top=top, by_country=by_country, profile=profile.name)
