"""Input files with limits: pipes refused unopened, hostile candidates, looping projects,
incident lists that cannot yield a rate. Each is one ``Error:`` line (or one error listing
every problem) naming the file, the row and the field; no traceback, no hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.layers.footprints import footprints_from_file
from cablemap.layers.hazards import earthquakes_from_file
from cablemap.layers.incidents import cable_faults_from_smc, observation_window
from cablemap.layers.project import read_project
from cablemap.risk.planning.candidates import read_candidates
from cablemap.risk.simulation.calibration import read_cable_ids
from tests.security.conftest import needs_fifo, no_traceback

PIPE = r"is a named pipe \(FIFO\), not a regular file; cablemap reads and writes only regular"


# ----------------------------------------------------------------------------- named pipes
@pytest.fixture
def pipe(tmp_path: Path):
    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)
        return path

    return make


@needs_fifo
@pytest.mark.parametrize(
    ("name", "read", "what"),
    [
        ("faults.json", cable_faults_from_smc, "incident list"),
        ("links.csv", read_candidates, "candidates file"),
        ("quakes.csv", earthquakes_from_file, "earthquake catalogue"),
        ("footprints.csv", footprints_from_file, "vendor footprint table"),
        ("cablemap.toml", read_project, "project file"),
        ("slugs.csv", read_cable_ids, "slug table"),
    ],
)
def test_every_reader_refuses_a_named_pipe_unopened(pipe, name, read, what):
    path = pipe(name)
    with pytest.raises(cm.UnsafeFileError, match=rf"^{what} '{path}' {PIPE}"):
        read(path)


@needs_fifo
@pytest.mark.parametrize(
    "args",
    [
        ["calibrate", "{pipe}"],
        ["validate", "{pipe}"],
        ["build", "--project", "{pipe}", "--out", "{out}"],
    ],
    ids=["calibrate", "validate", "build --project"],
)
def test_cli_refuses_a_named_pipe_in_one_line(pipe, tmp_path, args):
    path = pipe("input.toml" if "calibrate" not in args else "faults.json")
    argv = [a.format(pipe=path, out=tmp_path / "maps") for a in args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert f"{str(path)!r} is a named pipe (FIFO)" in result.output


@needs_fifo
def test_a_pipe_named_by_a_project_is_refused(pipe, tmp_path, tiny_release):
    footprints = pipe("vendor_footprints.csv")
    project = tmp_path / "cablemap.toml"
    project.write_text(
        f'[layers]\ncables = "{tiny_release}"\nvendor_footprints = "{footprints.name}"\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(project)])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert f"(vendor footprint table) {str(footprints)!r} is a named pipe" in result.output


# ----------------------------------------------------------------------------- candidates
def _candidates(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "links.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


HOSTILE = {
    "negative km": ("a,TON,FJI,-50000", "row 2, field 'route_km': '-50000' is not a positive"),
    "zero km": ("a,TON,FJI,0", "row 2, field 'route_km': '0' is not a positive length"),
    "-inf km": ("a,TON,FJI,-inf", "row 2, field 'route_km': '-inf' is not a finite length"),
    "nan km": ("a,TON,FJI,nan", "row 2, field 'route_km': 'nan' is not a finite length"),
    "text km": ("a,TON,FJI,abc", "row 2, field 'route_km': 'abc' is no number of km"),
    "too long": ("a,TON,FJI,1e9", "'1e9' km is longer than any cable (at most 50,000)"),
    "self-link": ("a,TON,TON,800", "row 2, fields 'from' and 'to' are both 'TON'"),
    "same point": (
        "a,nukualofa-tonga,Nukualofa-Tonga,",
        "fields 'from' and 'to' are both 'nukualofa-tonga'",
    ),
    "no id": (",TON,FJI,800", "row 2, field 'id' is empty (required)"),
    "no end": ("a,TON,,800", "row 2, field 'to' is empty (required)"),
    "short row": ("a,TON", "row 2, field 'to' is empty (required)"),
    "long row": ("a,TON,FJI,800,extra", "row 2, 1 value(s) more than the header's 4 columns"),
    "200 KB field": (f"{'x' * 200_000},TON,FJI,800", "row 2, field 'id' is 200,000 characters"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_candidate_is_named_by_file_row_and_field(tmp_path, case):
    row, expected = HOSTILE[case]
    path = _candidates(tmp_path, f"id,from,to,route_km\n{row}\n")
    with pytest.raises(cm.ScenarioError) as caught:
        read_candidates(path)
    message = str(caught.value)
    assert message.startswith(f"{str(path)!r}")
    assert expected in message
    assert len(message) < 1000  # the 200 KB value is not echoed back


def test_every_bad_row_is_listed_at_once(tmp_path):
    path = _candidates(
        tmp_path,
        "id,from,to,route_km\nok,TON,FJI,800\nb,TON,TON,-1\nok,FJI,WSM,inf\nd,,,\n",
    )
    with pytest.raises(cm.ScenarioError) as caught:
        read_candidates(path)
    assert str(caught.value).splitlines() == [
        f"{str(path)!r}: 6 problem(s) in the candidates:",
        "  - row 3, fields 'from' and 'to' are both 'TON': a cable needs two different ends",
        "  - row 3, field 'route_km': '-1' is not a positive length (a route has some km)",
        "  - row 4, field 'id': 'ok' is also the id of row 2",
        "  - row 4, field 'route_km': 'inf' is not a finite length",
        "  - row 5, field 'from' is empty (required)",
        "  - row 5, field 'to' is empty (required)",
    ]


def test_a_csv_saved_by_excel_is_read(tmp_path):
    """A byte-order mark, CRLF line ends and spaces after the commas (issue 25)."""
    path = _candidates(
        tmp_path, "\ufeffid, from, to, route_km\r\ntonga-2, TON, FJI, 800\r\n".encode()
    )
    assert read_candidates(path) == [
        {"id": "tonga-2", "from": "TON", "to": "FJI", "route_km": 800.0}
    ]


def test_a_candidate_without_a_length_is_routed_by_the_planner(tmp_path):
    path = _candidates(tmp_path, "id,from,to\nx,TON,WSM\n")
    assert read_candidates(path)[0]["route_km"] is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id,from,to\nx,TON,F\xe9JI\n", "not UTF-8 text (byte 0xe9 at offset 18, line 2)"),
        (b"", "is empty: a candidates file needs a header ['id', 'from', 'to']"),
        (b"id,from,to\n", "has a header but no candidate"),
        (b"name,a,b\nx,TON,FJI\n", "column(s) ['id', 'from', 'to'] missing"),
    ],
    ids=["latin-1", "empty", "header only", "other columns"],
)
def test_a_candidates_file_that_is_no_table_is_one_error(tmp_path, data, expected):
    path = _candidates(tmp_path, data)
    with pytest.raises(cm.ScenarioError, match=rf"^'{path}'.*{_escaped(expected)}"):
        read_candidates(path)


def _escaped(text: str) -> str:
    import re  # noqa: PLC0415

    return re.escape(text)


def test_cli_plan_names_a_negative_length(tmp_path):
    path = _candidates(tmp_path, "id,from,to,route_km\nfree-km,TON,FJI,-50000\n")
    result = CliRunner().invoke(cli, ["plan", "--candidates", str(path)])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output == (
        f"Error: {str(path)!r}: 1 problem(s) in the candidates:\n"
        "  - row 2, field 'route_km': '-50000' is not a positive length (a route has some km)\n"
    )


# ----------------------------------------------------------------------------- projects
def _project(path: Path, **layers: str) -> Path:
    path.write_text("[layers]\n" + "".join(f'{k} = "{v}"\n' for k, v in layers.items()))
    return path


def test_a_project_naming_itself_is_an_error_at_once(tmp_path):
    project = _project(tmp_path / "cablemap.toml", cables="cablemap.toml")
    with pytest.raises(cm.SourceFormatError, match=r"key 'layers.cables': names this project file"):
        cm.load(project)


@pytest.mark.parametrize("key", ["merge_from", "cables", "landing_points"])
def test_project_files_naming_each_other_are_an_error_naming_the_chain(tmp_path, key):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    # the data sources do not even exist: the loop is found before anything is loaded
    _project(a, **{"cables": "missing-a", key: "b.toml"})
    _project(b, **{"cables": "missing-b", key: "a.toml"})
    loop = f"{str(a)!r} → {str(b)!r} → {str(a)!r}"
    with pytest.raises(cm.SourceFormatError, match="name each other in a loop") as caught:
        cm.load(a)
    assert loop in str(caught.value)
    result = CliRunner().invoke(cli, ["validate", str(a)])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output.startswith("Error: project files name each other in a loop: ")
    assert loop in result.output


def test_two_projects_sharing_a_third_are_no_loop(tmp_path, tiny_release):
    shared = _project(tmp_path / "shared.toml", cables=str(tiny_release))
    top = _project(tmp_path / "top.toml", cables=shared.name, landing_points=shared.name)
    assert len(cm.load(top).cables) == 2


# ----------------------------------------------------------------------------- incidents
def _incidents(tmp_path: Path, *dates: str) -> pd.DataFrame:
    path = tmp_path / "faults.json"
    records = [
        {"date": d, "cableid": "tpe", "reason": "fishing", "status": "disconnected"} for d in dates
    ]
    path.write_text(json.dumps(records))
    return cable_faults_from_smc(path)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2024-03-01"], "1 incident(s) with a date and a cable; a fault rate needs at least two"),
        (
            ["1677-01-01", "2024-03-01"],
            "field 'date': incident(s) dated before 1850, the first submarine cable: "
            "'faults.json:0' (1677-01-01)",
        ),
        (["2024-03-01", "2999-01-01"], "dated after today"),
        (["2024-03-01", "2024-03-20"], "the incidents span 19.0 days (2024-03-01 to 2024-03-20)"),
    ],
    ids=["one incident", "1677", "future", "19 days"],
)
def test_an_incident_list_that_cannot_yield_a_rate_is_an_error(tmp_path, dates, expected):
    faults = _incidents(tmp_path, *dates)
    with pytest.raises(cm.SourceFormatError) as caught:
        observation_window(faults)
    assert str(caught.value).startswith(f"{str(tmp_path / 'faults.json')!r}")
    assert expected in str(caught.value)


def test_a_plausible_window_gives_its_years(tmp_path):
    first, last, years = observation_window(_incidents(tmp_path, "2024-01-01", "2025-01-01"))
    assert (first.year, last.year) == (2024, 2025) and years == pytest.approx(366 / 365.25)


def test_cli_calibrate_refuses_a_single_incident(tmp_path):
    _incidents(tmp_path, "2024-03-01")
    result = CliRunner().invoke(cli, ["calibrate", str(tmp_path / "faults.json")])
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output == (
        f"Error: {str(tmp_path / 'faults.json')!r}: 1 incident(s) with a date and a cable; a "
        "fault rate needs at least two, over a span of dates\n"
    )


@needs_fifo
@pytest.mark.slow  # a command line in its own process
def test_calibrate_on_a_pipe_ends_in_its_own_process(pipe):
    path = pipe("faults.json")
    done = subprocess.run(
        [sys.executable, "-m", "cablemap", "calibrate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here instead of stalling the run
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: incident list {str(path)!r} is a named pipe (FIFO), not a regular file; "
        "cablemap reads and writes only regular files\n"
    )
