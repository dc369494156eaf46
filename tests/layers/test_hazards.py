"""Earthquake catalogues: the USGS columns, ComCat's, other formats, bad rows, the project file.

The rows below are invented for the tests (places and magnitudes chosen to exercise the
parser), not taken from any catalogue.
"""

from __future__ import annotations

import json

import pytest

import cablemap as cm
from cablemap._errors import (
    CablemapWarning,
    EmptyLayerError,
    LayerValidationError,
    SourceFormatError,
)
from cablemap._validate import LoadReport
from cablemap.layers.hazards import earthquakes_from_file, earthquakes_from_files

USGS_HEADER = "Date,Latitude,Longitude,Magnitude\n"


def _csv(tmp_path, text, name="quakes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_usgs_columns_and_both_date_forms(tmp_path):
    path = _csv(
        tmp_path,
        USGS_HEADER + "03/15/1990,21.5,121.0,6.1\n2001-07-04T10:20:30.000Z,-20.0,-175.0,7.2\n",
    )
    quakes = earthquakes_from_file(path)
    assert list(quakes.columns) == [
        "quake_id",
        "time",
        "magnitude",
        "depth_km",
        "source",
        "geometry",
    ]
    assert quakes.crs.to_epsg() == 4326
    assert quakes["quake_id"].tolist() == ["quakes.csv:2", "quakes.csv:3"]
    assert str(quakes["time"].iloc[0].date()) == "1990-03-15"
    assert quakes["time"].iloc[1].hour == 10
    assert quakes["magnitude"].tolist() == [6.1, 7.2]
    assert quakes["depth_km"].isna().all()
    assert (quakes.geometry.x.tolist(), quakes.geometry.y.tolist()) == (
        [121.0, -175.0],
        [21.5, -20.0],
    )


def test_reads_comcat_columns_any_case_with_depth(tmp_path):
    path = _csv(
        tmp_path,
        "time,LATITUDE,longitude,depth,mag,place\n2010-01-01T00:00:00Z,35.0,141.0,30.5,6.5,x\n",
    )
    quakes = earthquakes_from_file(path)
    assert quakes["depth_km"].tolist() == [30.5]
    assert quakes["magnitude"].tolist() == [6.5]


def test_bad_rows_are_skipped_and_named_by_file_row_and_field(tmp_path):
    path = _csv(
        tmp_path,
        USGS_HEADER
        + "03/15/1990,21.5,121.0,6.1\n"
        + "13/45/1990,21.5,121.0,6.1\n"
        + "03/15/1990,95.0,121.0,6.1\n"
        + "03/15/1990,21.5,east,6.1\n"
        + "03/15/1990,21.5,121.0,12\n",
    )
    report = LoadReport()
    quakes = earthquakes_from_file(path, report=report)
    assert len(quakes) == 1
    issues = {(i.record, i.field) for i in report.errors}
    assert issues == {
        ("row 3", "Date"),
        ("row 4", "Latitude"),
        ("row 5", "Longitude"),
        ("row 6", "Magnitude"),
    }
    assert all(i.file == str(path) for i in report.errors)
    assert report.counts["earthquake rows skipped"] == 4
    first = next(i for i in report.errors if i.record == "row 3")
    assert "'13/45/1990'" in first.message and "skipped" in first.message


def test_without_a_report_skipped_rows_warn(tmp_path):
    path = _csv(tmp_path, USGS_HEADER + "03/15/1990,21.5,121.0,6.1\nsoon,1,1,6\n")
    with pytest.warns(CablemapWarning, match=r"1 row\(s\) skipped.*row 3.*Date"):
        earthquakes_from_file(path)


def test_strict_stops_at_the_first_bad_row(tmp_path):
    path = _csv(tmp_path, USGS_HEADER + "03/15/1990,21.5,121.0,6.1\n03/15/1990,21.5,121.0,x\n")
    with pytest.raises(LayerValidationError, match=r"row 3, field 'Magnitude'"):
        earthquakes_from_file(path, strict=True)


def test_missing_column_names_the_file_and_the_field(tmp_path):
    path = _csv(tmp_path, "Date,Latitude,Longitude\n03/15/1990,21.5,121.0\n")
    with pytest.raises(
        SourceFormatError, match=r"quakes\.csv.*\['magnitude'\].*'magnitude' or 'mag'"
    ):
        earthquakes_from_file(path)


def test_no_usable_row_is_an_error(tmp_path):
    path = _csv(tmp_path, USGS_HEADER + "never,1,1,1\n")
    with pytest.raises(EmptyLayerError, match="no usable earthquake"):
        earthquakes_from_file(path, report=LoadReport())


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(SourceFormatError, match="does not exist"):
        earthquakes_from_file(tmp_path / "nope.csv")
    bad = tmp_path / "latin.csv"
    bad.write_bytes(USGS_HEADER.encode() + b"03/15/1990,21.5,121.0,6.1 \xe9\n")
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        earthquakes_from_file(bad)


def test_reads_points_from_geojson(tmp_path):
    path = tmp_path / "quakes.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"Date": "2004-12-26", "Magnitude": 8.0},
                        "geometry": {"type": "Point", "coordinates": [95.0, 3.0]},
                    }
                ],
            }
        )
    )
    quakes = earthquakes_from_file(path)
    assert quakes["magnitude"].tolist() == [8.0] and quakes["quake_id"].tolist() == [
        "quakes.geojson:1"
    ]


def test_several_files_keep_an_event_once(tmp_path):
    a = _csv(tmp_path, USGS_HEADER + "03/15/1990,21.5,121.0,6.1\n", "a.csv")
    b = _csv(tmp_path, USGS_HEADER + "03/15/1990,21.5,121.0,6.1\n03/16/1990,1,1,6\n", "b.csv")
    report = LoadReport()
    quakes = earthquakes_from_files([a, b], report=report)
    assert len(quakes) == 2
    assert report.counts["earthquakes listed in two catalogues (kept once)"] == 1
    with pytest.raises(SourceFormatError, match="no earthquake catalogue"):
        earthquakes_from_files([])


def test_project_file_names_the_catalogue(tmp_path):
    _csv(tmp_path, USGS_HEADER + "03/15/1990,21.5,121.0,6.1\n")
    project = tmp_path / "cablemap.toml"
    project.write_text(
        f'[layers]\ncables = "{cm.sample_path().as_posix()}"\nhazards = "quakes.csv"\n'
    )
    layers = cm.load(project)
    assert len(layers.hazards) == 1
    assert "hazards=1" in repr(layers)
    assert len(layers.as_of(2015).hazards) == 1
