from __future__ import annotations

import shapely

from cablemap.layers._geometry import split_antimeridian
from cablemap.render.geometry import shift_to_pacific


def test_points_west_of_the_seam_move_to_the_pacific_copy():
    assert shift_to_pacific(shapely.Point(-158.2, 21.5)).equals(shapely.Point(201.8, 21.5))
    assert shift_to_pacific(shapely.Point(139.8, 35.0)).equals(shapely.Point(139.8, 35.0))
    assert shift_to_pacific(None) is None


def test_transatlantic_line_is_cut_at_the_seam_not_drawn_across():
    line = shapely.LineString([(-70.0, 40.0), (-5.0, 50.0)])
    shifted = shift_to_pacific(line)
    assert shifted.geom_type == "MultiLineString"
    for part in shifted.geoms:
        minx, _, maxx, _ = part.bounds
        assert maxx - minx < 180
    assert min(p.bounds[0] for p in shifted.geoms) >= -30.0


def test_split_antimeridian_interpolates_the_crossing():
    parts = split_antimeridian([(170.0, 0.0), (-170.0, 10.0)])
    assert parts == [[(170.0, 0.0), (180.0, 5.0)], [(-180.0, 5.0), (-170.0, 10.0)]]
    assert split_antimeridian([(10.0, 0.0), (20.0, 0.0)]) == [[(10.0, 0.0), (20.0, 0.0)]]
