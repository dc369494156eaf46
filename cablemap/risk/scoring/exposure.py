"""A country's vendor exposure across the digital stack, domain by domain, as of a year.

Domains (:data:`cablemap.risk.model.spec.EXPOSURE_DOMAINS`) and their evidence:

``cables``
    The submarine cables landing in the country, each an equal share: the mean cable exposure
    of :mod:`cablemap.risk.scoring.components` (largest role weight x tier score over its
    suppliers and owners).
``facilities``
    Landing stations (who runs them: ``landing_station_operation``; whose terminal equipment
    is in them: ``slte_supply``) and the data centres and exchanges of the ``facilities``
    layer with a named operator.
``cloud``
    ``cloud_datacentre`` footprint rows and the cloud regions in the country (operator = the
    provider).
``mobile``
    ``ran_5g``, ``ran_4g`` and ``mobile_core`` footprint rows.
``government``
    ``smart_city``, ``e_government`` and ``national_datacentre`` footprint rows (authored, and
    derived from AidData's Huawei finance projects).

**Time.** Only rows in force at the end of the year analysed count
(:func:`cablemap.layers.footprints.in_force`): scoring 2022 reads no evidence that began in
2023, and a status that ended (a swap completed, a contract terminated) stops counting.

**Who serves the market.** A domain's exposure is ``sum over operators of share x exposure of
the operator``, where an operator's exposure is the largest ``status factor x tier score`` over
its rows (its riskiest vendor in that domain) and a country-wide row (no operator: a national
ban, a vendor-level claim) stands for every operator without rows of its own. Shares come from
the ``operator_shares`` layer (the latest year at or before the year analysed, else the
earliest; ``hosted`` virtual operators spread over the others), else an **equal split** over
the operators the rows name (the cables: every cable an equal share; a domain whose rows name
no operator: every vendor an equal share). ``exposure_<d>_max`` keeps the largest value of any
row: "a high-tier vendor is present" apart from how much of the market it serves.

**Unknown is a range.** The share of a domain served by operators without evidence (and a
whole domain without evidence) scores as the profile's ``[exposure] unknown`` tier, and spans
``[lowest tier score, highest tier score]``: ``exposure_<d>_low``/``_high`` and, over the
domains, ``vendor_exposure_low``/``_high``.

Every country row carries, per domain ``d``: ``exposure_d`` (the value), ``exposure_d_low``,
``exposure_d_high``, ``exposure_d_max``, ``exposure_d_weight``, ``exposure_d_contribution``,
``exposure_d_evidence`` (evidence rows in force), ``exposure_d_status`` (``evidence``,
``partial``: some share unknown, or ``unknown``), ``exposure_d_unknown_share``,
``exposure_d_basis`` (how the shares were set), ``exposure_d_operators`` (per operator its
share, value and range) and ``exposure_d_vendors`` (the vendors behind the value); plus
``evidence_domains`` (domains with any evidence), ``vendor_exposure``, ``vendor_exposure_low``
and ``vendor_exposure_high``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cablemap.layers.footprints import in_force
from cablemap.risk.model.spec import EXPOSURE_DOMAINS

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers
    from cablemap.risk.model.spec import VendorProfile

#: Footprint domains (``vendor_footprints.domain``) that are evidence of each exposure domain.
DOMAIN_FOOTPRINTS: dict[str, tuple[str, ...]] = {
    "cables": ("submarine_cable_supply", "cable_ownership"),
    "facilities": ("landing_station_operation", "slte_supply"),
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
EVIDENCE_COLUMNS = (
    "iso3",
    "domain",
    "part",
    "operator",
    "vendor",
    "status",
    "tier",
    "value",
    "status_from",
    "source",
)


def exposure_evidence(
    layers: Layers, profile: VendorProfile, year: int | None = None
) -> pd.DataFrame:
    """Every cited row in force at ``year`` that bears on a country's exposure in a domain.

    Parameters
    ----------
    layers
        Loaded layers: ``vendor_footprints`` and ``facilities`` (those with an operator).
    profile
        Tiers and status factors.
    year
        The year analysed (rows in force at its end); ``None``: every row.

    Returns
    -------
    DataFrame
        :data:`EVIDENCE_COLUMNS`: ``domain`` is an exposure domain, ``part`` the footprint
        domain (``ran_4g``...) or facility kind, ``value`` is status factor x tier score (NaN
        on ``unknown`` rows, which name an operator searched without result).
    """
    parts = []
    to_domain = {fp: d for d, fps in DOMAIN_FOOTPRINTS.items() for fp in fps}
    fp = layers.vendor_footprints
    if fp is not None and len(fp):
        rows = fp[in_force(fp, year) & fp["status"].isin(list(profile.status_factors))].copy()
        rows["part"] = rows["domain"]
        rows["domain"] = rows["domain"].map(to_domain)
        if "operator" not in rows:
            rows["operator"] = ""
        parts.append(
            rows[
                ["iso3", "domain", "part", "operator", "vendor", "status", "status_from", "source"]
            ]
        )
    fac = layers.facilities
    if fac is not None and len(fac):
        named = fac[(fac["operator"].fillna("") != "") & fac["iso3"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "iso3": named["iso3"].astype(str),
                    "domain": named["kind"].map(FACILITY_DOMAINS),
                    "part": named["kind"].astype(str),
                    "operator": named["operator"].astype(str),
                    "vendor": named["operator"].astype(str),
                    "status": "deployed",
                    "status_from": "",
                    "source": named["source"].astype(str) + " " + named["fac_id"].astype(str),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["domain"])
    out["operator"] = out["operator"].fillna("").astype(str)
    out["tier"] = [profile.tier(v) for v in out["vendor"]]
    out["value"] = [
        np.nan if s == "unknown" else profile.status_factors[s] * profile.tier_scores[t]
        for s, t in zip(out["status"], out["tier"], strict=True)
    ]
    return out[list(EVIDENCE_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True)
class DomainValue:
    """One country's exposure in one domain.

    Attributes
    ----------
    value, low, high
        The value (unknown shares at the profile's unknown tier) and its range.
    peak
        Largest value of any evidence row (NaN without evidence).
    unknown_share
        Share of the market served by operators without evidence.
    basis
        How the shares were set, in words.
    evidence
        Evidence rows used.
    operators
        Per operator: ``operator``, ``share``, ``value``, ``low``, ``high`` (``(country-wide)``
        for rows that name none).
    """

    value: float
    low: float
    high: float
    peak: float
    unknown_share: float
    basis: str
    evidence: int
    operators: tuple[dict[str, object], ...] = ()


#: One share row: operator, share, year (None: unknown), basis.
ShareRow = tuple[str, float, "int | None", str]
#: One evidence row of a country and domain: part, operator, vendor, status, tier, value.
EvidenceRow = tuple[str, str, str, str, str, float]


def shares_by_market(shares: pd.DataFrame | None) -> dict[tuple[str, str], list[ShareRow]]:
    """Group the ``operator_shares`` layer by (country, domain)."""
    out: dict[tuple[str, str], list[ShareRow]] = {}
    if shares is None or shares.empty:
        return out
    for iso, domain, operator, share, year, basis in zip(
        shares["iso3"],
        shares["domain"],
        shares["operator"],
        shares["share"],
        shares["year"],
        shares["basis"],
        strict=True,
    ):
        row = (str(operator), float(share), None if pd.isna(year) else int(year), str(basis))
        out.setdefault((str(iso), str(domain)), []).append(row)
    return out


def operator_shares_at(rows: list[ShareRow], year: int | None) -> tuple[dict[str, float], str]:
    """Return the operators' shares of one market for a year, and where they come from.

    The latest year at or before ``year`` (else the earliest, said so); ``hosted`` rows are
    spread over the other operators in proportion; the shares are scaled to add up to 1.
    """
    if not rows:
        return {}, ""
    years = sorted({r[2] for r in rows if r[2] is not None})
    when = "year unknown"
    if years:
        before = [y for y in years if year is None or y <= year]
        pick = before[-1] if before else years[0]
        rows = [r for r in rows if r[2] == pick]
        when = str(pick) if before else f"{pick} (the earliest: none by {year})"
    own = [r for r in rows if r[3] != "hosted"]
    total = sum(r[1] for r in own)
    if total <= 0:
        return {}, ""
    out = {r[0]: r[1] / total for r in own}
    kinds = {r[3] for r in own}
    words = "equal split (no cited figure)" if kinds == {"equal_split"} else "cited shares"
    hosted = " (virtual operators spread over hosts)" if len(own) < len(rows) else ""
    return out, f"{words} of {when}{hosted}"


def _normal(name: str) -> str:
    """Return an operator name for matching: no parenthesis, letters and digits only, casefolded."""
    return "".join(ch for ch in re.sub(r"\(.*?\)", "", name).casefold() if ch.isalnum())


def match_operator(name: str, candidates: list[str]) -> str | None:
    """Return the share row's operator a footprint row's operator stands for, if any.

    Equal names, else equal without parentheses and punctuation, else one the start of the
    other (``Celcom Axiata`` -> ``CelcomDigi``; ``China Mobile (with China Broadnet)`` ->
    ``China Mobile``); at least four letters must agree.
    """
    if name in candidates:
        return name
    key = _normal(name)
    if len(key) < 4:
        return None
    for cand in candidates:
        other = _normal(cand)
        if other == key or (len(other) >= 4 and (other.startswith(key) or key.startswith(other))):
            return cand
    for cand in candidates:  # the first word of a multi-word name (Celcom Axiata)
        first = _normal(name.split(maxsplit=1)[0]) if name.split() else ""
        if len(first) >= 5 and _normal(cand).startswith(first):
            return cand
    return None


def _operator_values(
    rows: list[EvidenceRow], unknown: float, span: tuple[float, float]
) -> dict[str, tuple[float, float, float]]:
    """Per operator its exposure as (value, low, high).

    Per part of the domain (``ran_4g``, ``ran_5g``, ``mobile_core``...) the riskiest row in
    force; a part searched without result (only ``unknown`` rows) is unknown: the operator's
    value is then at least the unknown score, and its range reaches the highest tier score.
    """
    parts: dict[str, dict[str, float | None]] = {}
    for part, operator, _vendor, _status, _tier, value in rows:
        seen = parts.setdefault(operator, {})
        old = seen.get(part)
        if not math.isnan(value):  # NaN marks an unknown row
            seen[part] = value if old is None else max(old, value)
        else:
            seen.setdefault(part, None)
    out: dict[str, tuple[float, float, float]] = {}
    for operator, known in parts.items():
        found = [v for v in known.values() if v is not None]
        base = max(found) if found else None
        if base is not None and len(found) == len(known):
            out[operator] = (base, base, base)
        else:
            low = span[0] if base is None else base
            out[operator] = (max(unknown, low), low, span[1])
    return out


def domain_value(
    rows: list[EvidenceRow],
    shares: dict[str, float],
    share_basis: str,
    unknown: float,
    span: tuple[float, float],
) -> DomainValue:
    """Combine one country's rows of one domain into a :class:`DomainValue`.

    Parameters
    ----------
    rows
        The country's evidence rows of the domain (:func:`exposure_evidence`).
    shares, share_basis
        Cited operator shares (:func:`operator_shares_at`); empty for an equal split.
    unknown, span
        The score of an unknown share, and the lowest and highest tier scores.
    """
    values = _operator_values(rows, unknown, span)
    wide = values.pop("", None)  # country-wide rows stand for operators without their own
    found = [r[5] for r in rows if not math.isnan(r[5])]  # NaN: unknown rows
    evidence = len(found)
    peak = max(found) if found else float("nan")
    if not shares:
        named = sorted(values)
        if not named and wide is not None:
            v, lo, hi = wide
            gap = 0.0 if lo == hi else 1.0
            return DomainValue(v, lo, hi, peak, gap, "one value for the country", evidence)
        if not named:
            return DomainValue(unknown, span[0], span[1], peak, 1.0, "no evidence", 0)
        shares = dict.fromkeys(named, 1 / len(named))
        share_basis = f"equal split over {len(named)} operator(s) named (no cited shares)"
    matched: dict[str, tuple[float, float, float]] = {}
    unmatched = []
    for operator, own in values.items():
        target = match_operator(operator, list(shares))
        if target is None:
            unmatched.append(operator)
        else:  # several rows' operators may stand for one share row: the riskiest
            old = matched.get(target, own)
            matched[target] = (max(old[0], own[0]), max(old[1], own[1]), max(old[2], own[2]))
    value = low = high = gap = 0.0
    parts = []
    for operator, share in shares.items():
        given = matched.get(operator, wide)
        triple = (unknown, span[0], span[1]) if given is None else given
        if triple[1] != triple[2]:
            gap += share
        value += share * triple[0]
        low += share * triple[1]
        high += share * triple[2]
        parts.append(
            {
                "operator": operator,
                "share": round(share, 4),
                "value": round(triple[0], 4),
                "low": round(triple[1], 4),
                "high": round(triple[2], 4),
            }
        )
    if unmatched:
        share_basis += f"; rows of operators without a share: {', '.join(sorted(unmatched))}"
    return DomainValue(value, low, high, peak, gap, share_basis, evidence, tuple(parts))


def _cables_value(
    exposure: float | None, count: int, peak: float, unknown: float, span: tuple[float, float]
) -> DomainValue:
    """Value the cables domain: every cable landing an equal share (its mean exposure)."""
    if not count or exposure is None or np.isnan(exposure):
        return DomainValue(unknown, span[0], span[1], float("nan"), 1.0, "no cable", 0)
    return DomainValue(
        exposure, exposure, exposure, peak, 0.0, f"equal share of {count} cable(s)", count
    )


def country_exposure(
    index: pd.Index,
    cable_exposure: pd.Series,
    cable_counts: pd.Series,
    evidence: pd.DataFrame,
    profile: VendorProfile,
    *,
    shares: pd.DataFrame | None = None,
    year: int | None = None,
    cable_peak: pd.Series | None = None,
) -> pd.DataFrame:
    """Per-country exposure by domain and the weighted ``vendor_exposure`` with its range.

    Parameters
    ----------
    index
        The countries (ISO3) to report.
    cable_exposure, cable_counts, cable_peak
        Mean cable exposure, cables landing, and the largest cable exposure per country (the
        ``cables`` domain).
    evidence
        Rows of :func:`exposure_evidence`.
    profile
        Domain weights, the tier ``unknown`` scores as, tier scores.
    shares
        The ``operator_shares`` layer, where loaded.
    year
        The year analysed (which share year to use).

    Returns
    -------
    DataFrame
        Indexed like ``index``, the columns listed in the module docstring.
    """
    unknown = profile.tier_scores[profile.unknown_tier]
    span = (min(profile.tier_scores.values()), max(profile.tier_scores.values()))
    weights = {d: profile.domain_weights.get(d, 0.0) for d in EXPOSURE_DOMAINS}
    by_key: dict[tuple[str, str], list[EvidenceRow]] = {}
    wanted = set(index)
    for iso, domain, *row in zip(
        evidence["iso3"],
        evidence["domain"],
        evidence["part"],
        evidence["operator"],
        evidence["vendor"],
        evidence["status"],
        evidence["tier"],
        evidence["value"],
        strict=True,
    ):
        if iso in wanted:
            by_key.setdefault((iso, domain), []).append(tuple(row))
    markets = shares_by_market(shares)
    columns: dict[str, list[object]] = {}
    for iso in index:
        for domain in EXPOSURE_DOMAINS:
            rows = by_key.get((iso, domain), [])
            if domain == "cables":
                peak = float(cable_peak.get(iso, np.nan)) if cable_peak is not None else np.nan
                dv = _cables_value(
                    cable_exposure.get(iso), int(cable_counts.get(iso, 0)), peak, unknown, span
                )
            else:
                cited, basis = operator_shares_at(markets.get((iso, domain), []), year)
                dv = domain_value(rows, cited, basis, unknown, span)
            _put(columns, domain, dv, weights[domain], rows)
    out = pd.DataFrame(columns, index=index)
    for suffix, col in (("", "vendor_exposure"), ("_low", "vendor_exposure_low")):
        out[col] = sum(out[f"exposure_{d}{suffix}"] * weights[d] for d in EXPOSURE_DOMAINS)
    out["vendor_exposure_high"] = sum(
        out[f"exposure_{d}_high"] * weights[d] for d in EXPOSURE_DOMAINS
    )
    out["evidence_domains"] = sum(
        (out[f"exposure_{d}_status"] != "unknown").astype(int) for d in EXPOSURE_DOMAINS
    )
    return out


def _put(
    columns: dict[str, list[object]],
    domain: str,
    dv: DomainValue,
    weight: float,
    rows: list[EvidenceRow],
) -> None:
    """Append one country's columns of one domain."""
    status = "unknown" if dv.evidence == 0 else ("partial" if dv.unknown_share > 0 else "evidence")
    values = {
        "": dv.value,
        "_low": dv.low,
        "_high": dv.high,
        "_max": dv.peak,
        "_weight": weight,
        "_contribution": dv.value * weight,
        "_evidence": dv.evidence,
        "_status": status,
        "_unknown_share": round(dv.unknown_share, 4),
        "_basis": dv.basis,
        "_operators": list(dv.operators),
        "_vendors": _vendors(rows),
    }
    for suffix, value in values.items():
        columns.setdefault(f"exposure_{domain}{suffix}", []).append(value)


def _vendors(rows: list[EvidenceRow]) -> list[str]:
    """List the distinct ``vendor (status, tier)`` of one country's rows, riskiest first."""
    ordered = sorted(
        (r for r in rows if not math.isnan(r[5])),  # NaN: unknown rows
        key=lambda r: (-r[5], r[2]),
    )
    seen: list[str] = []
    for _part, _operator, vendor, status, tier, _value in ordered:
        text = f"{vendor} ({status}, {tier})"
        if text not in seen and len(seen) < _MAX_VENDORS:
            seen.append(text)
    return seen
