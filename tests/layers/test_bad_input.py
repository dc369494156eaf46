"""Hostile input (issue 11): a message naming file, record and field, never a traceback or hang.

Each test gets its own copy of the real 2022 TeleGeography release in ``tmp_path``, breaks one
thing, loads it and checks what happened: the broken record is skipped and reported (an
``error``: ``cm.load`` warns, ``strict=True`` raises) or repaired and reported (a
``warning``), the rest of the release still loads, and the value read is the documented one.

The copy is a tree of hard links to one session-wide copy (0.05 s instead of 0.2-2 s for
~1,950 files), so a test replaces a file (:func:`_write`) and never writes into one; the
``release`` fixture checks that the session copy stayed intact. ``../shared/data`` itself is
only ever read.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import cablemap as cm
from cablemap._validate import Issue, parse_flag, parse_non_negative, parse_year
from cablemap.cli import cli

CABLES, LANDING_POINTS, LINKS = 521, 1414, 2378
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="os.mkfifo needs a POSIX system")


def _stamps(root: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def session_copy(
    tg_v3_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[Path, tuple[int, int]]]:
    """One real copy of the 2022 release per session, and the stamps of its files."""
    root = Path(shutil.copytree(tg_v3_path, tmp_path_factory.mktemp("base") / "tg-v3-2022"))
    return root, _stamps(root)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # no hard links here (another file system): copy
        shutil.copy2(src, dst)


@pytest.fixture
def release(session_copy: tuple[Path, dict], tmp_path: Path) -> Iterator[Path]:
    """A private copy of the 2022 release, to break (through :func:`_write` only)."""
    base, stamps = session_copy
    yield Path(shutil.copytree(base, tmp_path / "tg-v3-2022", copy_function=_link_or_copy))
    assert _stamps(base) == stamps, "a test wrote into a hard-linked file: use _write()"


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail (rather than block the run) if a load waits on a named pipe."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def _timeout(signum: int, frame: Any) -> None:
        msg = "the load blocked for 60 s (did it open a named pipe?)"
        raise TimeoutError(msg)

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _write(path: Path, data: bytes | str) -> None:
    """Replace a file of the copy (a new file, so the session copy it links to is untouched)."""
    path.unlink()
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _edit(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    _write(path, json.dumps(data))


def _set(path: Path, **fields: Any) -> None:
    _edit(path, lambda record: record.update(fields))


def _load_skipping(root: Path) -> cm.Layers:
    """Load a copy where a record is skipped: ``cm.load`` must say so with a CablemapWarning."""
    with pytest.warns(cm.CablemapWarning, match="skipped"):
        return cm.load(root)


def _load_repaired(root: Path) -> cm.Layers:
    """Load a copy where nothing is skipped: no warning at all (pytest turns any into errors)."""
    layers = cm.load(root)
    assert layers.report.errors == []
    return layers


def _issues(layers: cm.Layers, *, file: Path, field: str | None = None) -> list[Issue]:
    return [
        i
        for i in layers.report.issues
        if i.file == str(file) and (field is None or i.field == field)
    ]


def _cable(layers: cm.Layers, cable_id: str) -> pd.Series:
    return layers.cables.set_index("cable_id").loc[cable_id]


# --------------------------------------------------------------------------- files
def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "is not a regular file (a named pipe)"


def _directory(path: Path) -> str:
    path.mkdir()
    (path / "inner.json").write_text("{}")
    return "is not a regular file (a directory)"


def _symlink_loop(path: Path) -> str:
    path.symlink_to(path.name)  # x.json -> x.json
    return "cannot be read: "  # then the system's text for ELOOP


@needs_fifo
@pytest.mark.parametrize("make", [_fifo, _directory, _symlink_loop])
def test_non_regular_file_is_skipped_and_named_never_opened(release, make):
    bad = [release / "cable" / "x.json", release / "landing-point" / "x.json"]
    (expected,) = {make(path) for path in bad}
    layers = _load_skipping(release)
    found = {i.file: i for i in layers.report.errors}
    assert sorted(found) == sorted(str(p) for p in bad)
    for path, what in zip(bad, ["cable", "landing point file"], strict=True):
        issue = found[str(path)]
        assert (issue.record, issue.field) == ("x", "(file)")
        assert issue.message.startswith(f"file {expected}"), issue
        assert issue.message.endswith("; cable skipped" if what == "cable" else "; skipped")
    assert len(layers.cables) == CABLES
    assert len(layers.landing_points) == LANDING_POINTS
    assert len(layers.cable_landings) == LINKS


@needs_fifo
@pytest.mark.parametrize("rel", ["cable/cable-geo.json", "landing-point/landing-point-geo.json"])
def test_geo_file_that_is_a_named_pipe_is_fatal_and_named(release, rel):
    # the geo files are required: no partial load without them, but no hang either
    geo_file = release / rel
    geo_file.unlink()
    os.mkfifo(geo_file)
    match = rf"{geo_file.name}' is not a regular file \(a named pipe\); a TeleGeography copy"
    with pytest.raises(cm.SourceFormatError, match=match):
        cm.load(release)


def test_non_utf8_files_are_skipped_and_named(release):
    bad = [release / "cable" / "faster.json", release / "landing-point" / "chikura-japan.json"]
    for path in bad:
        _write(path, path.read_bytes().replace(b'"', b'"\xff', 3))
    layers = _load_skipping(release)
    errors = layers.report.errors
    assert sorted((i.file, i.record, i.field) for i in errors) == [
        (str(bad[0]), "faster", "(file)"),
        (str(bad[1]), "chikura-japan", "(file)"),
    ]
    for issue in errors:
        assert issue.message.startswith("file is not UTF-8 text: invalid start byte at byte ")
    assert len(layers.cables) == CABLES - 1 and "faster" not in set(layers.cables["cable_id"])
    # the per-point file only backs up the country: the landing point still loads, in Japan
    assert len(layers.landing_points) == LANDING_POINTS
    assert layers.landing_points.set_index("lp_id").loc["chikura-japan", "iso3"] == "JPN"


def test_truncated_cable_file_is_a_reported_skip(release):
    bad = release / "cable" / "faster.json"
    text = bad.read_text(encoding="utf-8")
    _write(bad, text[: len(text) // 2])
    layers = _load_skipping(release)
    (issue,) = layers.report.errors
    assert (issue.file, issue.record, issue.field) == (str(bad), "faster", "(file)")
    assert issue.message.startswith("file is not valid JSON: ")
    assert len(layers.cables) == CABLES - 1
    assert len(layers.cable_landings) == LINKS - 4  # FASTER's four landings go with it
    # its drawn route is reported as left over, not silently dropped
    leftover = _issues(layers, file=release / "cable" / "cable-geo.json", field="id")
    assert [(i.record, i.message.split(":")[0]) for i in leftover] == [
        ("faster", "route without a cable file")
    ]
    with pytest.raises(cm.LayerValidationError, match=r"faster\.json, record 'faster'"):
        cm.load(release, strict=True)


# --------------------------------------------------------------------------- values
def test_landing_point_id_that_is_no_text_skips_that_landing(release):
    broken = {"faster": ["chikura-japan"], "aec-1": {"id": "x"}}
    for cable_id, bad_id in broken.items():
        _edit(
            release / "cable" / f"{cable_id}.json",
            lambda r, bad_id=bad_id: r["landing_points"][0].update(id=bad_id),
        )
    layers = _load_skipping(release)
    errors = layers.report.errors
    assert [(i.file, i.record, i.field) for i in errors] == [
        (str(release / "cable" / "aec-1.json"), "aec-1", "landing_points.id"),
        (str(release / "cable" / "faster.json"), "faster", "landing_points.id"),
    ]
    assert errors[0].message == "entry 0: id {'id': 'x'} is a dict, not text; landing point skipped"
    assert errors[1].message.startswith("entry 0: id ['chikura-japan'] is a list, not text")
    assert len(layers.cables) == CABLES
    assert len(layers.cable_landings) == LINKS - 2
    faster = layers.cable_landings.loc[layers.cable_landings["cable_id"] == "faster", "lp_id"]
    assert set(faster) == {"shima-japan", "tanshui-taiwan", "bandon-or-united-states"}


def test_implausible_rfs_year_is_a_warning_and_read_as_missing(release):
    # cable: (rfs_year, rfs, year read, message); rfs "2016 June" etc. as in the release
    broken = {
        "faster": (10**20, ..., 2016, "implausible year: 100000000000000000000 is outside"),
        "aec-1": (99999, None, None, "implausible year: 99999 is outside 1850-2100"),
        "adria-1": (1849, ..., 1996, "implausible year: 1849 is outside 1850-2100"),
        "aden-djibouti": (True, None, None, "not a year: True is a boolean"),
    }
    for cable_id, (rfs_year, rfs, _, _) in broken.items():
        fields = {"rfs_year": rfs_year} | ({} if rfs is ... else {"rfs": rfs})
        _set(release / "cable" / f"{cable_id}.json", **fields)
    layers = _load_repaired(release)
    years = layers.cables.set_index("cable_id")["rfs_year"]
    assert years.dtype == "Int64"
    for cable_id, (_, _, expected, message) in broken.items():
        (issue,) = _issues(layers, file=release / "cable" / f"{cable_id}.json")
        assert (issue.severity, issue.record, issue.field) == ("warning", cable_id, "rfs_year")
        assert issue.message.startswith(message)
        assert issue.message.endswith(
            "; read as missing (the year comes from 'rfs' where it gives one)"
        )
        # read as missing; the year then comes from the `rfs` text, as for a missing rfs_year
        assert pd.isna(years[cable_id]) if expected is None else years[cable_id] == expected
    assert len(layers.cables) == CABLES


def test_is_planned_text_is_read_by_its_words(release):
    in_service = ["faster", "aec-1", "adria-1", "aden-djibouti"]
    for cable_id, text in zip(in_service, ["no", "false", "0", ""], strict=True):
        _set(release / "cable" / f"{cable_id}.json", is_planned=text)
    for cable_id, text in zip(["2africa", "amitie"], ["yes", "TRUE"], strict=True):
        _set(release / "cable" / f"{cable_id}.json", is_planned=text)
    _set(release / "cable" / "apricot.json", is_planned="maybe")  # planned, RFS 2024 Q4
    layers = _load_repaired(release)
    status = layers.cables.set_index("cable_id")["status"]
    assert set(status[in_service]) == {"in_service"}
    assert set(status[["2africa", "amitie"]]) == {"planned"}
    # an unreadable flag is ignored: status as for a missing flag (in service)
    assert status["apricot"] == "in_service"
    (issue,) = [i for i in layers.report.issues if i.field == "is_planned"]
    assert (issue.severity, issue.file, issue.record) == (
        "warning",
        str(release / "cable" / "apricot.json"),
        "apricot",
    )
    assert issue.message.startswith("not a yes/no flag: 'maybe'")
    assert (status == "planned").sum() == 65 - 1


def test_negative_length_is_a_warning_and_read_as_missing(release):
    cable_file = release / "cable" / "faster.json"
    _set(cable_file, length="-5 km")
    layers = _load_repaired(release)
    (issue,) = _issues(layers, file=cable_file)
    assert (issue.severity, issue.record, issue.field) == ("warning", "faster", "length")
    assert issue.message == "negative number: '-5 km'; read as missing"
    faster = _cable(layers, "faster")
    assert np.isnan(faster["length_km"])
    assert 9_000 < faster["route_km"] < 14_000  # the drawn route is untouched


# --------------------------------------------------------------------------- geometry
def test_single_point_route_part_drops_that_part_only(release, tg_v3):
    geo_file = release / "cable" / "cable-geo.json"

    def add_part(geo: dict[str, Any]) -> None:
        (feature,) = [f for f in geo["features"] if f["properties"]["id"] == "faster"]
        feature["geometry"]["coordinates"].insert(1, [[140.0, 35.0]])

    _edit(geo_file, add_part)
    layers = _load_repaired(release)
    (issue,) = _issues(layers, file=geo_file, field="geometry")
    assert (issue.severity, issue.record) == ("warning", "faster")
    assert issue.message == (
        "invalid geometry: feature 'faster-0' part 1 has 1 point(s), a line needs two; "
        "that part dropped"
    )
    assert _cable(layers, "faster").geometry.equals(_cable(tg_v3, "faster").geometry)
    assert layers.cables.geometry.notna().all()


def test_single_point_route_feature_is_skipped_and_named(release):
    geo_file = release / "cable" / "cable-geo.json"

    def break_feature(geo: dict[str, Any]) -> None:
        (feature,) = [f for f in geo["features"] if f["properties"]["id"] == "faster"]
        feature["geometry"] = {"type": "LineString", "coordinates": [[140.0, 35.0]]}

    _edit(geo_file, break_feature)
    layers = _load_repaired(release)
    messages = [(i.record, i.message) for i in _issues(layers, file=geo_file, field="geometry")]
    assert (
        "faster",
        "invalid geometry: feature 'faster-0' part 0 has 1 point(s), a line needs two; "
        "that part dropped",
    ) in messages
    assert ("faster", "no drawn route: the cable is kept without geometry") in messages
    assert _cable(layers, "faster").geometry is None
    assert len(layers.cables) == CABLES
    assert layers.cables.geometry.notna().sum() == CABLES - 1


# --------------------------------------------------------------------------- CLI
def test_cli_validate_lists_a_directory_named_json_and_strict_exits_1(release):
    bad = release / "landing-point" / "x.json"
    bad.mkdir()
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(release), "--max-issues", "100"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        f"{release}: 1 record skipped, in landing-point/x.json (1)"
    )
    assert "1 error in field '(file)': file is not a regular file (a directory)" in result.output
    assert f"error: {bad}, record 'x', field '(file)'" in result.output
    assert "cables loaded: 521" in result.output
    result = runner.invoke(cli, ["validate", str(release), "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "1 record(s) skipped (strict mode)" in result.output
    assert f"{bad}, record 'x', field '(file)': file is not a regular file" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, AttributeError | TypeError | OSError)


def test_cli_validate_names_a_landing_point_id_that_is_a_list(release):
    cable_file = release / "cable" / "faster.json"
    _edit(cable_file, lambda r: r["landing_points"][1].update(id=["shima-japan"]))
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(release), "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert (
        f"{cable_file}, record 'faster', field 'landing_points.id': "
        "entry 1: id ['shima-japan'] is a list, not text" in result.output
    )
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


# --------------------------------------------------------------------------- analysts' files
def _analyst_dir(tmp_path: Path, cable_props: list[dict[str, Any]], is_tbd: list[Any]) -> Path:
    """Cables as GeoJSON written by hand (so the values keep their JSON types), two points."""
    d = tmp_path / "mine"
    d.mkdir()
    features = [
        {
            "type": "Feature",
            "properties": {"cable_id": f"x{i}", "name": f"Cable {i}", **props},
            "geometry": {"type": "LineString", "coordinates": [[178.44, -18.14], [179.33, -16.78]]},
        }
        for i, props in enumerate(cable_props)
    ]
    (d / "cables.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    gpd.GeoDataFrame(
        {"lp_id": ["p0", "p1"], "name": ["Suva", "Savusavu"], "country": ["Fiji", "Fiji"]}
        | {"is_tbd": is_tbd},
        geometry=[shapely.Point(178.44, -18.14), shapely.Point(179.33, -16.78)],
        crs="EPSG:4326",
    ).to_file(d / "landing_points.geojson")
    pd.DataFrame({"cable_id": ["x0", "x0"], "lp_id": ["p0", "p1"]}).to_csv(
        d / "cable_landings.csv", index=False
    )
    return d


def test_analyst_files_follow_the_same_value_rules(tmp_path):
    d = _analyst_dir(
        tmp_path,
        [
            {"rfs_year": 2016, "length_km": 120.5, "route_synthetic": "no"},
            {"rfs_year": 10**20, "length_km": -5, "route_synthetic": "yes"},
            {"rfs_year": 99999, "length_km": None, "route_synthetic": "maybe"},
            {"rfs_year": 1849, "length_km": 3, "route_synthetic": "0"},
        ],
        is_tbd=["no", "perhaps"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers = cm.load(d)
    cables = layers.cables.set_index("cable_id")
    assert cables["rfs_year"].tolist() == [2016, pd.NA, pd.NA, pd.NA]
    assert cables["length_km"].tolist()[0] == 120.5 and cables["length_km"].isna().sum() == 2
    assert cables["route_synthetic"].tolist() == [False, True, False, False]
    assert layers.landing_points["is_tbd"].tolist() == [False, False]
    cables_file, points_file = str(d / "cables.geojson"), str(d / "landing_points.geojson")
    found = {(i.file, i.record, i.field): i.message for i in layers.report.warnings}
    # GDAL reads the rfs_year and length_km columns as floats
    assert found == {
        (cables_file, "x1", "rfs_year"): "implausible year: 1e+20 is outside 1850-2100; "
        "read as missing",
        (cables_file, "x2", "rfs_year"): "implausible year: 99999.0 is outside 1850-2100; "
        "read as missing",
        (cables_file, "x3", "rfs_year"): "implausible year: 1849.0 is outside 1850-2100; "
        "read as missing",
        (cables_file, "x1", "length_km"): "negative number: -5.0; read as missing",
        (cables_file, "x2", "route_synthetic"): "not a yes/no flag: 'maybe' (expected "
        "true/false, yes/no, 1/0 or empty); read as false",
        (points_file, "p1", "is_tbd"): "not a yes/no flag: 'perhaps' (expected true/false, "
        "yes/no, 1/0 or empty); read as false",
    }


def test_analyst_file_boolean_year_is_rejected(tmp_path):
    d = _analyst_dir(tmp_path, [{"rfs_year": True}, {"rfs_year": False}], is_tbd=[False, True])
    layers = cm.load(d)
    assert layers.cables["rfs_year"].isna().all()
    problems = sorted((i.record, i.field, i.message) for i in layers.report.warnings)
    assert problems == [
        ("x0", "rfs_year", "not a year: True is a boolean; read as missing"),
        ("x1", "rfs_year", "not a year: False is a boolean; read as missing"),
    ]
    assert layers.landing_points["is_tbd"].tolist() == [False, True]


# --------------------------------------------------------------------------- the shared rules
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2016, 2016),
        ("2016", 2016),
        (2016.0, 2016),
        (np.int64(2016), 2016),
        (None, None),
        ("", None),
        (np.nan, None),
        (pd.NA, None),
    ],
)
def test_parse_year_reads_years(raw, expected):
    assert parse_year(raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (10**20, "implausible year: 100000000000000000000 is outside 1850-2100"),
        (99999, "implausible year: 99999 is outside 1850-2100"),
        (1849, "implausible year: 1849 is outside 1850-2100"),
        (True, "not a year: True is a boolean"),
        (np.True_, "not a year: True is a boolean"),
        (2016.5, "not a year: 2016.5 is not a whole number"),
        (float("inf"), "not a year: inf is not finite"),
        ("soon", "not a year: 'soon'"),
        ([2016], "not a year: [2016] of type list"),
    ],
)
def test_parse_year_rejects_what_is_no_plausible_year(raw, problem):
    assert parse_year(raw) == (None, problem)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(word, False) for word in ("no", "false", "0", "", " No ", "FALSE")],
        *[(word, True) for word in ("yes", "true", "1", " Yes ", "TRUE")],
        (True, True),
        (np.False_, False),
        (0, False),
        (1.0, True),
        (None, None),
        (np.nan, None),
    ],
)
def test_parse_flag_reads_words_not_truthiness(raw, expected):
    assert parse_flag(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["maybe", "n", 2, [True], {"a": 1}])
def test_parse_flag_rejects_anything_else(raw):
    flag, problem = parse_flag(raw)
    assert flag is None
    assert problem is not None and problem.startswith("not a yes/no flag: ")


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("10,400 km", "km", (10400.0, None)),
        ("827 KM", "km", (827.0, None)),
        (95, None, (95.0, None)),
        (0, None, (0.0, None)),
        (None, None, (None, None)),
        ("-5 km", "km", (None, "negative number: '-5 km'")),
        (-5, None, (None, "negative number: -5")),
        ("1.2.3 km", "km", (None, "not a number: '1.2.3 km'")),
        ("n.a.", "km", (None, "not a number: 'n.a.'")),
        (True, None, (None, "not a number: True is a boolean")),
        (float("inf"), None, (None, "not a number: inf is not finite")),
    ],
)
def test_parse_non_negative(raw, unit, expected):
    assert parse_non_negative(raw, unit=unit) == expected
