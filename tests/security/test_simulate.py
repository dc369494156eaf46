"""``simulate``: years bounded like the fault model file, long runs say how long; a scheduler
address is checked and asked who it is within a deadline (connection and handshake), so a
silent peer, a web server, a malformed or web address and a scheduler without workers are one
clear ``Error:`` line each, never a hang or a traceback."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

import cablemap as cm
from cablemap.cli import cli
from cablemap.cli import simulate as simulate_cli
from cablemap.risk.analysis import Analysis
from cablemap.risk.model.faults import _KEYS
from cablemap.risk.simulation import simulate as sim
from cablemap.risk.simulation.simulate import SimulationError
from tests.security.conftest import no_traceback


def test_years_are_capped_like_the_fault_model_file(sample):
    assert sim.MAX_YEARS == _KEYS["simulation"]["years"][1] == 100_000_000
    with pytest.raises(SimulationError, match=r"`years` was 1,000,000,000,000 but must be at most"):
        cm.simulate(sample, years=10**12)


def test_cli_refuses_years_above_the_cap_at_once():
    result = CliRunner().invoke(cli, ["simulate", "--years", "1000000000000"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: --years 1,000,000,000,000 is more than 100,000,000, the cap of the fault model "
        "file's [simulation] years (10,000 years give the yearly odds to within about one "
        "percentage point)\n"
    )


def test_a_long_run_is_estimated_from_its_first_block(sample, monkeypatch):
    said: list[tuple[float, int]] = []
    result = Analysis(sample).simulate(
        years=3000, seed=1, on_estimate=lambda s, n: said.append((s, n))
    )
    ((seconds, blocks),) = said
    assert blocks == 3 and seconds > 0
    monkeypatch.setattr(sim, "PILOT_MIN_BLOCKS", 10**9)  # no block timed apart
    again = Analysis(sample).simulate(years=3000, seed=1)
    assert result.countries.equals(again.countries)  # the timed block is part of the run


def test_cli_prints_the_estimate_of_a_long_run_on_stderr(monkeypatch):
    monkeypatch.setattr(simulate_cli, "LONG_RUN_SECONDS", 0.0)  # every run is "long" here
    result = CliRunner().invoke(cli, ["simulate", "--years", "3000", "--format", "json"])
    assert result.exit_code == 0, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Estimated time: about ")
    assert line.endswith("in this process (3 blocks, timed on the first); Ctrl-C stops it")
    assert result.stdout.startswith("{")


def test_a_short_run_prints_no_estimate():
    result = CliRunner().invoke(cli, ["simulate", "--years", "3000", "--format", "json"])
    assert result.exit_code == 0 and result.stderr == ""


# ----------------------------------------------------------------------------- schedulers
@pytest.fixture
def quick_timeout(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sim, "SCHEDULER_TIMEOUT", "1s")


@pytest.fixture
def silent_peer() -> Iterator[str]:
    """A loopback port whose listener accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # the kernel completes the connections; nobody ever answers
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """Log nothing (the CLI's output is what is checked)."""


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Say nothing of the Dask handshake it cannot parse."""


@pytest.fixture
def web_server() -> Iterator[str]:
    """A plain HTTP server on a loopback port."""
    server = _QuietServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _simulate(address: str):
    args = ["simulate", "--years", "10", "--engine", "dask", "--scheduler", address]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    no_traceback(result.output)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    return result.output


@pytest.mark.slow  # waits out a timeout (1 s), as test_cli's scheduler test
def test_a_silent_peer_is_an_error_within_the_timeout(quick_timeout, silent_peer):
    assert _simulate(silent_peer) == (
        f"Error: no Dask scheduler answers at {silent_peer!r}: no answer within 1 s\n"
    )


@pytest.mark.slow  # waits out a timeout (1 s), as test_cli's scheduler test
def test_a_web_server_is_no_scheduler(quick_timeout, web_server):
    output = _simulate(web_server)
    assert output.startswith(f"Error: no Dask scheduler answers at 'tcp://{web_server}' (a web ")
    assert "perhaps a Dask dashboard" in output


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("http://127.0.0.1:8787", "a web address: a Dask scheduler speaks its own protocol"),
        ("tcp://", "but is expected to be tcp://host:port, e.g. tcp://10.0.0.5:8786"),
        ("tcp://10.0.0.5", "but is expected to be tcp://host:port"),
        ("tcp://10.0.0.5:99999", "but is expected to be tcp://host:port"),
        ("10.0.0.5:8786/x", "but is expected to be tcp://host:port"),
        ("tls://10.0.0.5:8786", "only tcp:// addresses are supported here"),
    ],
)
def test_a_malformed_address_is_named(sample, address, expected):
    with pytest.raises(SimulationError, match=f"`scheduler` was {address!r}") as caught:
        cm.simulate(sample, years=10, engine="dask", scheduler=address)
    assert expected in str(caught.value)


def test_cli_names_a_web_address(quick_timeout):
    output = _simulate("http://127.0.0.1:8787")
    assert "`scheduler` was 'http://127.0.0.1:8787', a web address" in output


@pytest.mark.slow  # waits out a timeout (1 s), as test_cli's scheduler test
def test_a_scheduler_without_workers_is_named(quick_timeout):
    from dask.distributed import LocalCluster  # noqa: PLC0415 - dask for this test only

    # the dashboard on a free port: 8787 may be taken by another cluster of the run
    with LocalCluster(n_workers=0, processes=True, dashboard_address="127.0.0.1:0") as cluster:
        output = _simulate(cluster.scheduler_address)
    assert output == (
        f"Error: the Dask scheduler at {cluster.scheduler_address!r} has no workers (waited "
        f"1 s): start some with `dask worker {cluster.scheduler_address}`, or use --engine dask "
        "without --scheduler\n"
    )
