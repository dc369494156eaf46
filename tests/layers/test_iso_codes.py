from __future__ import annotations

import pytest

from cablemap.layers.iso_codes import assign_iso3, iso3_from_name, territory_at


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("South Korea", "KOR"),
        ("Congo, Dem. Rep.", "COD"),
        ("Virgin Islands (U.K.)", "VGB"),
        ("Micronesia", "FSM"),
        ("Taiwan", "TWN"),
        ("Brunei", "BRN"),
        ("Côte d'Ivoire", "CIV"),
        ("Bonaire, Sint Eustatius and Saba", "BES"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_iso3_from_name(name, iso3):
    assert iso3_from_name(name) == iso3


def test_every_country_name_of_both_releases_resolves(tg_v3, tg_v2):
    for layers in (tg_v3, tg_v2):
        unresolved = layers.landing_points.loc[layers.landing_points["iso3"].isna(), "country"]
        assert unresolved.empty, sorted(set(unresolved))


def test_territory_overrides_filed_country():
    assert assign_iso3("China", 114.2587, 22.3183) == ("Hong Kong", "HKG", "territory")
    assert assign_iso3("China", 113.561, 22.156) == ("Macau", "MAC", "territory")
    assert assign_iso3("Taiwan", 121.80, 24.86) == ("Taiwan", "TWN", "name")
    assert assign_iso3("China", 113.5767, 22.2707) == ("China", "CHN", "name")  # Zhuhai
    assert assign_iso3("Atlantis", 0.0, 0.0) == ("Atlantis", None, "unknown")


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (119.57, 23.57, "TWN"),  # Penghu
        (119.95, 26.16, "TWN"),  # Matsu, Nangan
        (118.32, 24.45, "TWN"),  # Kinmen
        (113.91, 22.48, None),  # Shekou, Shenzhen
        (118.10, 24.48, None),  # Xiamen
        (119.80, 25.50, None),  # Pingtan, Fujian
        (119.30, 26.07, None),  # Fuzhou
    ],
)
def test_territory_outlines_keep_mainland_sites_out(lon, lat, expected):
    found = territory_at(lon, lat)
    assert (found[0] if found else None) == expected
