"""The project file has one reader: types, unknown keys and encodings are checked there."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.layers.project import read_project
from cablemap.pipeline import config_from_project

REPO = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "cablemap.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_project_file_reads_and_resolves(tmp_path):
    project = read_project(REPO / "cablemap.toml")
    assert project.cables == (REPO / "geodata" / "sample").resolve()
    assert project.landing_points == project.cables == project.cable_landings
    assert project.facilities == ((REPO / "geodata/sample/cloud_regions.csv").resolve(),)
    assert project.formats == ("gpkg", "parquet", "csv") and project.offline is True
    config = config_from_project(REPO / "cablemap.toml", out=tmp_path)
    assert config.out == tmp_path and config.model == project.model
    assert len(cm.load(REPO / "cablemap.toml").facilities) == 64


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("layers = 5\n", r"key 'layers': was 5; expected a table"),
        ('[layers]\ncables = "x"\nfacilities = 5\n', r"key 'layers.facilities': is 5 of type int"),
        ('[layers]\ncables = "x"\nfacilities = ["a", 3]\n', r"'layers.facilities\[1\]': is 3"),
        ("[layers]\ncables = 42\n", r"key 'layers.cables': is 42 of type int, expected a path"),
        ("[build]\nmodel = 42\n", r"key 'build.model': is 42 of type int"),
        ('[build]\noffline = "no"\n', r"'build.offline': is 'no' of type str, expected true or"),
        ('[build]\nformats = "csv"\n', r"'build.formats': is 'csv' of type str"),
        ('[build]\nformats = ["csv", "xlsx"]\n', r"'build.formats': \['xlsx'\] unknown"),
        ('[layers]\ncabels = "x"\n', r"'layers.cabels': unknown key \(did you mean 'cables'\?\)"),
        ('[build]\nmodle = "m.toml"\n', r"'build.modle': unknown key \(did you mean 'model'\?\)"),
        ('[layer]\ncables = "x"\n', r"'layer': unknown table \(did you mean 'layers'\?\)"),
        ('[layers]\nfacilities = ["x"]\n', r"a \[layers\] table needs at least a 'cables'"),
        ("[layers\n", r"is not valid TOML"),
        (b'[layers]\ncables = "caf\xe9"\n', r"not UTF-8 text \(byte 0xe9 at offset 22, line 2\)"),
    ],
)
def test_bad_project_files_name_the_file_and_key(tmp_path, text, message):
    path = _project(tmp_path, text)
    with pytest.raises(cm.SourceFormatError, match=message) as caught:
        read_project(path)
    assert str(path) in str(caught.value)


def test_load_and_build_read_the_same_file_the_same_way(tmp_path):
    path = _project(tmp_path, '[layers]\ncables = "x"\nfacilites = "y"\n')
    with pytest.raises(cm.SourceFormatError, match="did you mean 'facilities'") as by_load:
        cm.load(path)
    with pytest.raises(cm.SourceFormatError) as by_build:
        config_from_project(path)
    assert str(by_load.value) == str(by_build.value)
    result = CliRunner().invoke(cli, ["build", "--project", str(path)])
    assert result.exit_code == 1
    assert f"Error: {by_load.value}" in result.output and "Traceback" not in result.output


def test_every_problem_of_a_project_file_is_named_at_once(tmp_path):
    path = _project(tmp_path, '[layers]\ncabels = "x"\n[build]\noffline = "no"\nformats = 3\n')
    with pytest.raises(cm.SourceFormatError) as caught:
        read_project(path)
    text = str(caught.value)
    assert "4 problems" in text
    for key in ("layers.cabels", "layers.cables", "build.offline", "build.formats"):
        assert f"key {key!r}" in text
