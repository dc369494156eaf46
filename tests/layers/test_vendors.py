from __future__ import annotations

import pytest

import cablemap as cm
from cablemap.layers.vendors import canonical_vendor, split_names, vendor_registry


@pytest.mark.parametrize(
    "alias",
    ["HMN Tech", "HMN Technologies", "Huawei Marine", "huawei marine networks", " HMN  Tech "],
)
def test_hmn_aliases_are_one_vendor(alias):
    assert cm.resolve_vendor(alias) == "HMN Tech"


def test_other_aliases():
    assert cm.resolve_vendor("TE SubCom") == "SubCom"
    assert cm.resolve_vendor("Alcatel Submarine Networks") == "ASN"
    assert cm.resolve_vendor("Facebook") == "Meta"


def test_unknown_vendor_lists_close_matches():
    with pytest.raises(
        cm.UnknownVendorError, match=r"'Huawei Marin' is not in the vendor registry.*HMN Tech"
    ):
        cm.resolve_vendor("Huawei Marin")
    with pytest.raises(KeyError):  # also a KeyError for callers that expect one
        cm.resolve_vendor("No Such Cable Co")


def test_unknown_names_pass_through_cleaned():
    assert canonical_vendor("  Tonga   Cable  Limited ") == ("Tonga Cable Limited", True)
    assert canonical_vendor("Small  Island Telecom") == ("Small Island Telecom", False)


def test_split_names_handles_spacing_and_repeats():
    assert split_names("NTT,  China Telecom, ,NTT") == ["NTT", "China Telecom"]
    assert split_names(None) == []


def test_registry_rows_are_complete():
    registry = vendor_registry()
    assert len(registry) >= 50
    for vendor in registry.values():
        assert vendor.source, vendor.name
        assert vendor.roles, vendor.name
        assert vendor.home_iso3 == "" or len(vendor.home_iso3) == 3
    assert registry["HMN Tech"].home_iso3 == "CHN"
    assert registry["NEC"].home_iso3 == "JPN"
