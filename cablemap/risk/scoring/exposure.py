"""A country's vendor exposure across the digital stack, domain by domain.

Domains (:data:`cablemap.risk.model.spec.EXPOSURE_DOMAINS`) and their evidence:

``cables``
    The submarine cables landing in the country: the mean cable exposure of
    :mod:`cablemap.risk.scoring.components` (largest role weight x tier score over suppliers and
    owners) - the country's ``vendor_exposure`` before issue 12. Evidence: the cables.
``facilities``
    Landing-station, data-centre and exchange operators: ``landing_station_operation``
    footprint rows and every facility of the ``facilities`` layer with a named operator.
``cloud``
    ``cloud_datacentre`` footprint rows and the cloud regions in the country (operator = the
    provider).
``mobile``
    ``ran_5g``, ``ran_4g`` and ``mobile_core`` footprint rows.
``government``
    ``smart_city``, ``e_government`` and ``national_datacentre`` footprint rows (authored, and
    derived from AidData's Huawei finance projects).

The exposure of a non-cable domain is the largest ``status factor x tier score`` over its
evidence rows (factors and tier scores from the vendor profile; a vendor publicly *excluded*
counts 0 by default, so a country that excluded a high-tier vendor and names no other has
exposure 0). Rows of status ``unknown`` are not evidence. **No evidence is not no exposure**:
a domain without a single evidence row is ``unknown`` and scores as the profile's
``[exposure] unknown`` tier (default ``unrated``). The country's ``vendor_exposure`` component
is ``sum(weight_d x exposure_d)`` with the profile's ``[domains]`` weights; a profile without
``[domains]`` weighs the cables only, which reproduces the earlier scores.

Every country row carries, per domain ``d``: ``exposure_d``, ``exposure_d_weight``,
``exposure_d_contribution``, ``exposure_d_evidence`` (evidence rows), ``exposure_d_status``
(``evidence`` or ``unknown``) and ``exposure_d_vendors`` (the vendors behind the value), plus
``evidence_domains`` (how many of the five domains have evidence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cablemap.risk.model.spec import EXPOSURE_DOMAINS

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import VendorProfile

#: Footprint domains (``vendor_footprints.domain``) that are evidence of each exposure domain.
DOMAIN_FOOTPRINTS: dict[str, tuple[str, ...]] = {
    "cables": ("submarine_cable_supply", "cable_ownership"),
    "facilities": ("landing_station_operation",),
    "cloud": ("cloud_datacentre",),
    "mobile": ("ran_5g", "ran_4g", "mobile_core"),
    "government": ("smart_city", "e_government", "national_datacentre"),
}
#: Exposure domain of each facility kind.
FACILITY_DOMAINS = {
    "data_centre": "facilities",
    "exchange": "facilities",
    "landing_station": "facilities",
    "cloud_region": "cloud",
}
_MAX_VENDORS = 12  # vendors listed per country and domain (a popup-sized list)
EVIDENCE_COLUMNS = ("iso3", "domain", "vendor", "status", "tier", "value", "source")


def exposure_evidence(layers: Layers, profile: VendorProfile) -> pd.DataFrame:
    """Every cited row that is evidence of a country's exposure in a domain.

    Parameters
    ----------
    layers
        Loaded layers: ``vendor_footprints`` (rows of status ``unknown`` are left out) and
        ``facilities`` (those with an operator).
    profile
        Tiers and status factors.

    Returns
    -------
    DataFrame
        :data:`EVIDENCE_COLUMNS`: ``domain`` is an exposure domain, ``value`` is status factor
        x tier score.
    """
    parts = []
    to_domain = {fp: d for d, fps in DOMAIN_FOOTPRINTS.items() for fp in fps}
    fp = layers.vendor_footprints
    if fp is not None and len(fp):
        statuses = [s for s in profile.status_factors if s != "unknown"]
        rows = fp[fp["status"].isin(statuses)].copy()
        rows["domain"] = rows["domain"].map(to_domain)
        parts.append(rows[["iso3", "domain", "vendor", "status", "source"]])
    fac = layers.facilities
    if fac is not None and len(fac):
        named = fac[(fac["operator"].fillna("") != "") & fac["iso3"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "iso3": named["iso3"].astype(str),
                    "domain": named["kind"].map(FACILITY_DOMAINS),
                    "vendor": named["operator"].astype(str),
                    "status": "deployed",
                    "source": named["source"].astype(str) + " " + named["fac_id"].astype(str),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["domain"])
    out["tier"] = [profile.tier(v) for v in out["vendor"]]
    out["value"] = [
        profile.status_factors[s] * profile.tier_scores[t]
        for s, t in zip(out["status"], out["tier"], strict=True)
    ]
    return out[list(EVIDENCE_COLUMNS)].reset_index(drop=True)


def country_exposure(
    index: pd.Index,
    cable_exposure: pd.Series,
    cable_counts: pd.Series,
    evidence: pd.DataFrame,
    profile: VendorProfile,
) -> pd.DataFrame:
    """Per-country exposure by domain and the weighted ``vendor_exposure``.

    Parameters
    ----------
    index
        The countries (ISO3) to report.
    cable_exposure
        Mean cable exposure per country (the ``cables`` domain).
    cable_counts
        Cables landing per country (the ``cables`` domain's evidence).
    evidence
        Rows of :func:`exposure_evidence`.
    profile
        Domain weights, the tier ``unknown`` scores as, tier scores.

    Returns
    -------
    DataFrame
        Indexed like ``index``: ``vendor_exposure`` and the per-domain columns listed in the
        module docstring, plus ``evidence_domains``.
    """
    unknown = profile.tier_scores[profile.unknown_tier]
    weights = {d: profile.domain_weights.get(d, 0.0) for d in EXPOSURE_DOMAINS}
    out = pd.DataFrame(index=index)
    total = pd.Series(0.0, index=index)
    covered = pd.Series(0, index=index)
    ev = evidence[evidence["iso3"].isin(index)]
    for domain in EXPOSURE_DOMAINS:
        rows = ev[ev["domain"] == domain]
        counts = rows.groupby("iso3").size().reindex(index, fill_value=0)
        if domain == "cables":
            counts = counts + cable_counts.reindex(index, fill_value=0).astype(int)
            value = cable_exposure.reindex(index).fillna(unknown)
        else:
            value = rows.groupby("iso3")["value"].max().reindex(index).fillna(unknown)
        has = counts > 0
        value = value.where(has, unknown)
        out[f"exposure_{domain}"] = value.astype(float)
        out[f"exposure_{domain}_weight"] = weights[domain]
        out[f"exposure_{domain}_contribution"] = value.astype(float) * weights[domain]
        out[f"exposure_{domain}_evidence"] = counts.astype(int)
        out[f"exposure_{domain}_status"] = has.map({True: "evidence", False: "unknown"})
        out[f"exposure_{domain}_vendors"] = _vendors(rows, index)
        total = total + out[f"exposure_{domain}_contribution"]
        covered = covered + has.astype(int)
    out["vendor_exposure"] = total
    out["evidence_domains"] = covered.astype(int)
    return out


def _vendors(rows: pd.DataFrame, index: pd.Index) -> list[list[str]]:
    """Per country, the distinct ``vendor (status, tier)`` strings, riskiest first."""
    ordered = rows.sort_values(["value", "vendor"], ascending=[False, True])
    lists: dict[str, list[str]] = {}
    for iso, vendor, status, tier in zip(
        ordered["iso3"], ordered["vendor"], ordered["status"], ordered["tier"], strict=True
    ):
        text = f"{vendor} ({status}, {tier})"
        seen = lists.setdefault(str(iso), [])
        if text not in seen and len(seen) < _MAX_VENDORS:
            seen.append(text)
    return [lists.get(str(i), []) for i in index]
