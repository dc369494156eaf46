"""Vendor tiers are a model output: every supplier and owner classified once, render reads them."""

from __future__ import annotations

from collections import Counter

import pytest

from cablemap._validate import names_or_empty
from cablemap.risk.model.spec import TIER_NAMES
from cablemap.risk.scoring.tiers import TOP_PER_TIER, vendor_tiers

# module fixtures shared by its tests: on one worker under `pytest -n` (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("v3")


def _cable_counts(cables):
    """Cables naming each vendor (once per role), counted straight from a cable layer."""
    counts: Counter[str] = Counter()
    for suppliers, owners in zip(cables["suppliers"], cables["owners"], strict=True):
        counts.update(names_or_empty(suppliers) + names_or_empty(owners))
    return counts


def test_vendor_tiers_on_the_2022_release(tg_v3, v3_scores):
    tiers = vendor_tiers(v3_scores, tg_v3)
    profile = v3_scores.model.vendor_profile
    counts = _cable_counts(tg_v3.cables)
    # every supplier and owner of the release, each with the profile's tier
    assert set(tiers.tiers) == set(counts)
    assert len(tiers.tiers) == 430
    assert all(tiers.tiers[v] == profile.tier(v) for v in ("HMN Tech", "NEC", "SubCom"))
    # HMN Tech (ex Huawei Marine) is the high-tier vendor of the most cables
    assert tiers.tiers["HMN Tech"] == "high"
    assert tiers.top["high"][0] == "HMN Tech"
    assert {"ASN", "SubCom", "NEC"} <= set(tiers.top["trusted"])
    assert "HMN Tech" not in tiers.top["trusted"]
    for tier in TIER_NAMES:
        top = tiers.top[tier]
        assert len(top) <= TOP_PER_TIER and all(tiers.tiers[v] == tier for v in top)
        assert [counts[v] for v in top] == sorted((counts[v] for v in top), reverse=True)
        rest = [counts[v] for v, t in tiers.tiers.items() if t == tier and v not in top]
        assert all(counts[top[-1]] >= n for n in rest)
    # Papua New Guinea: HMN Tech (Kumul) first, then by tier and name
    png = tiers.by_country["PNG"]
    assert png[0] == ("HMN Tech", "high")
    ranks = [(TIER_NAMES.index(t), v) for v, t in png]
    assert ranks == sorted(ranks)
    assert tiers.profile == profile.name == "default"


def test_vendor_tiers_on_the_sample(sample, sample_scores):
    tiers = vendor_tiers(sample_scores, sample)
    assert tiers.tiered(["NEC", "HMN Tech"]) == ["NEC (trusted)", "HMN Tech (high)"]
    assert tiers.tiered(["NEC", "HMN Tech"], 1) == ["NEC (trusted)"]
    assert tiers.tiered(None) == []
    assert set(tiers.top) == set(TIER_NAMES)
    # planned cables count for the names, only scored (in-service) cables per country
    planned = sample.cables["status"] == "planned"
    planned_only = set(_cable_counts(sample.cables[planned])) - set(
        _cable_counts(sample.cables[~planned])
    )
    assert planned_only == {"SK Broadband"}
    assert planned_only <= set(tiers.tiers)
    listed = {v for rows in tiers.by_country.values() for v, _ in rows}
    assert planned_only.isdisjoint(listed)
    fiji = dict(tiers.by_country["FJI"])
    assert fiji["ASN"] == "trusted" and fiji["Tonga Cable Limited"] == "unrated"
