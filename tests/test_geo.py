"""The geodesy floor: WGS84 distances, path lengths and antimeridian splitting."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from cablemap._geo import (
    ANTIMERIDIAN_SNAP_DEG,
    distances_m,
    geodesic_km,
    geodesic_m,
    near_antimeridian,
    split_antimeridian,
    within_km,
)

PACKAGE = Path(__file__).resolve().parent.parent / "cablemap"
SINGAPORE = (103.8198, 1.3521)
SYDNEY = (151.2093, -33.8688)
#: Singapore -> Sydney on WGS84 (pyproj 3.7 / GeographicLib, Karney 2013), in metres.
SINGAPORE_SYDNEY_M = 6_300_859.066


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on the mean-radius sphere (IUGG, 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_singapore_sydney_distance():
    metres = geodesic_m(*SINGAPORE, *SYDNEY)
    assert metres == pytest.approx(SINGAPORE_SYDNEY_M, abs=0.01)
    # an independent ellipsoid object gives the same number
    assert metres == pytest.approx(Geod(ellps="WGS84").inv(*SINGAPORE, *SYDNEY)[2], abs=1e-6)
    # and a sphere is within 0.2 % of the ellipsoid at this range (here: 5.4 km, 0.09 %)
    sphere_km = _haversine_km(*SINGAPORE, *SYDNEY)
    assert abs(sphere_km - metres / 1000) / sphere_km < 0.002
    # symmetric, and zero from a point to itself
    assert geodesic_m(*SYDNEY, *SINGAPORE) == pytest.approx(metres, abs=1e-6)
    assert geodesic_m(*SYDNEY, *SYDNEY) == 0.0


def test_distances_m_is_elementwise_geodesic_m():
    lon1 = np.array([SINGAPORE[0], 0.0, 179.9])
    lat1 = np.array([SINGAPORE[1], 0.0, 0.0])
    lon2 = np.array([SYDNEY[0], 1.0, -179.9])
    lat2 = np.array([SYDNEY[1], 0.0, 0.0])
    out = distances_m(lon1, lat1, lon2, lat2)
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    expected = [geodesic_m(*p) for p in zip(lon1, lat1, lon2, lat2, strict=True)]
    np.testing.assert_array_equal(out, expected)
    # one degree of longitude on the equator: a * pi / 180 (a = 6378137 m)
    assert out[1] == pytest.approx(6378137.0 * math.pi / 180, abs=1e-6)
    # across the antimeridian the short way: 0.2 degrees, not 359.8
    assert out[2] == pytest.approx(0.2 * out[1], rel=1e-9)


def test_geodesic_km_sums_parts_and_rounds_to_metres():
    line = shapely.LineString([SINGAPORE, SYDNEY])
    two_hops = shapely.MultiLineString([[SINGAPORE, (120.0, -10.0)], [(120.0, -10.0), SYDNEY]])
    km = geodesic_km([line, None, shapely.LineString(), two_hops])
    assert km[0] == round(SINGAPORE_SYDNEY_M / 1000, 3)
    assert math.isnan(km[1]) and math.isnan(km[2])
    hops = geodesic_m(*SINGAPORE, 120.0, -10.0) + geodesic_m(120.0, -10.0, *SYDNEY)
    assert km[3] == round(hops / 1000, 3)
    assert km[3] > km[0]  # a detour is longer than the geodesic
    assert all(math.isnan(x) for x in geodesic_km([None, None]))


def test_within_km_answers_as_the_geodesic_distance(sample):
    points = shapely.get_coordinates(sample.landing_points.geometry.to_numpy())[:60]
    checked = 0
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        d_km = geodesic_m(x1, y1, x2, y2) / 1000.0
        # longitudes in a frame shifted across the antimeridian, as the topology uses them
        d_shifted_km = geodesic_m(x1 + 360.0, y1, x2, y2) / 1000.0
        assert d_shifted_km == pytest.approx(d_km, rel=1e-9)
        # at the distance itself, a hair either side, and 0.5 % either side (where a sphere
        # alone would get it wrong)
        for km in (d_km, d_km * (1 - 1e-12), d_km * (1 + 1e-12), d_km * 0.995, d_km * 1.005):
            assert within_km(x1, y1, x2, y2, km) == (d_km <= km), (x1, y1, x2, y2, km)
            assert within_km(x1 + 360.0, y1, x2, y2, km) == (d_shifted_km <= km)
            checked += 1
    assert checked == 59 * 5
    assert within_km(*SINGAPORE, *SYDNEY, SINGAPORE_SYDNEY_M / 1000 + 0.001)
    assert not within_km(*SINGAPORE, *SYDNEY, SINGAPORE_SYDNEY_M / 1000 - 0.001)
    assert within_km(*SINGAPORE, *SINGAPORE, 0.0)


def test_near_antimeridian():
    lons = np.array([180.0, -180.0, 179.9998, -179.9995, 179.99, 0.0, -179.0])
    np.testing.assert_array_equal(
        near_antimeridian(lons), [True, True, True, True, False, False, False]
    )
    assert bool(near_antimeridian(180.0 - ANTIMERIDIAN_SNAP_DEG / 2))
    assert not bool(near_antimeridian(180.0 - 2 * ANTIMERIDIAN_SNAP_DEG))


@pytest.mark.parametrize(
    ("coords", "tolerance_km"),
    [
        # eastwards across 180 deg: the crossing latitude is interpolated in degrees, which
        # is off the geodesic by a little (14 m over 3,570 km here)
        ([(170.0, -10.0), (179.5, -15.0), (-175.0, -20.0), (-160.0, -18.0)], 0.02),
        # westwards
        ([(-170.0, 5.0), (175.0, -5.0)], 0.002),
        # along the equator the interpolated crossing is on the geodesic
        ([(175.0, 0.0), (-175.0, 0.0)], 0.0005),
    ],
)
def test_split_antimeridian(coords, tolerance_km):
    parts = split_antimeridian(coords)
    assert len(parts) == 2
    assert all(len(p) >= 2 for p in parts)
    assert all(-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0 for p in parts for x, y in p)
    # the parts meet on the antimeridian, at one latitude, on its two sides
    (x_end, y_end), (x_start, y_start) = parts[0][-1], parts[1][0]
    assert abs(x_end) == 180.0 and x_start == -x_end and y_start == y_end
    # every input point is kept, in order
    assert [pt for p in parts for pt in p if abs(pt[0]) != 180.0] == coords
    # no part spans the world
    assert all(max(x for x, _ in p) - min(x for x, _ in p) < 180.0 for p in parts)
    # its geodesic length is the unsplit path's (pyproj measures that across 180 deg)
    xs, ys = zip(*coords, strict=True)
    unsplit_km = Geod(ellps="WGS84").line_length(xs, ys) / 1000
    split_km = geodesic_km([shapely.MultiLineString(parts)])[0]
    assert split_km == pytest.approx(unsplit_km, abs=tolerance_km)
    assert split_km >= unsplit_km - 0.0005  # a detour through the crossing, never shorter


def test_split_antimeridian_leaves_other_paths_alone():
    path = [(100.0, 0.0), (179.0, 10.0), (160.0, 20.0)]
    assert split_antimeridian(path) == [path]
    assert split_antimeridian([]) == []


def test_only_the_geo_module_builds_an_ellipsoid():
    builders = [p for p in PACKAGE.rglob("*.py") if "Geod(" in p.read_text()]
    assert builders == [PACKAGE / "_geo.py"]
