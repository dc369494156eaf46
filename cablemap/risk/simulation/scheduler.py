"""A Dask scheduler given by address: checked, asked who it is, within a deadline, or refused.

``dask.distributed.Client(address, timeout=...)`` bounds the connection but not the handshake
after it: a peer that accepts the connection and never answers (a wrong port, a firewall
that swallows packets, a stuck process) holds the client for ever. So before a client is
made, the address is checked (``tcp://host:port`` or ``host:port``), and the peer is asked its
identity over the Dask protocol in a thread with a hard deadline, connection and handshake
together. What can go wrong is one clear :class:`SchedulerError` each: a malformed address, a
web (``http://``) address, nothing answering in time, a peer that does not speak the Dask
protocol (a web server, the dashboard), a peer that is no scheduler, a scheduler without
workers.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from typing import Any

from cablemap._errors import CablemapError

#: A scheduler address: ``tcp://host:port`` or ``host:port`` (host name, IPv4 or [IPv6]).
_ADDRESS = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})$"
)
_EXAMPLE = "tcp://host:port, e.g. tcp://10.0.0.5:8786"


class SchedulerError(CablemapError, ValueError):
    """A Dask scheduler address is malformed, or nothing usable answers there."""


def scheduler_address(address: str) -> str:
    """Check a scheduler address; return it as ``tcp://host:port``.

    Raises
    ------
    SchedulerError
        If it is a web address, of another protocol, or not ``[tcp://]host:port`` with a port
        from 1 to 65535.
    """
    text = str(address).strip()
    found = _ADDRESS.match(text)
    scheme = text.partition("://")[0] if "://" in text else ""
    if scheme.lower() in {"http", "https"}:
        msg = (
            f"`scheduler` was {address!r}, a web address: a Dask scheduler speaks its own "
            f"protocol at {_EXAMPLE} (the dashboard, on http port 8787, is not the scheduler)"
        )
        raise SchedulerError(msg)
    if scheme and scheme.lower() != "tcp":
        msg = (
            f"`scheduler` was {address!r}: only tcp:// addresses are supported here (a TLS or "
            "UCX cluster needs its security settings: pass a dask.distributed Client instead)"
        )
        raise SchedulerError(msg)
    if found is None or not 1 <= int(found["port"]) <= 65535:
        msg = f"`scheduler` was {address!r} but is expected to be {_EXAMPLE}"
        raise SchedulerError(msg)
    return f"tcp://{found['host']}:{int(found['port'])}"


async def _identity(address: str, seconds: float) -> Any:
    from distributed.comm import connect  # noqa: PLC0415 - dask only for engine "dask"

    comm = await asyncio.wait_for(connect(address, timeout=seconds), seconds)
    try:
        await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), seconds)
        return await asyncio.wait_for(comm.read(), seconds)
    finally:
        comm.abort()


def _ask(address: str, seconds: float) -> tuple[Any, BaseException | None, bool]:
    """Run the identity request in a thread: ``(reply, error, still running at the deadline)``."""
    found: dict[str, Any] = {}

    def run() -> None:
        try:
            found["reply"] = asyncio.run(_identity(address, seconds))
        except BaseException as exc:
            found["error"] = exc

    thread = threading.Thread(target=run, name="cablemap-scheduler-check", daemon=True)
    thread.start()
    thread.join(seconds + 2.0)
    return found.get("reply"), found.get("error"), thread.is_alive()


def _speaks_http(address: str, seconds: float) -> bool:
    """Whether the peer answers a plain HTTP request (a web server, the Dask dashboard)."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=seconds) as sock:
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            return sock.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


def check_scheduler(address: str, seconds: float) -> str:
    """Ask the scheduler at ``address`` who it is, within ``seconds`` in all.

    Parameters
    ----------
    address
        ``tcp://host:port`` or ``host:port``.
    seconds
        Deadline for the connection and the handshake together.

    Returns
    -------
    str
        The address as ``tcp://host:port``.

    Raises
    ------
    SchedulerError
        If the address is malformed, nothing answers within the deadline, the peer does not
        speak the Dask protocol or is no scheduler (the message says which).
    """
    address = scheduler_address(address)
    reply, error, hung = _ask(address, seconds)
    if hung or error is not None:
        what = (
            ""
            if not _speaks_http(address, min(seconds, 2.0))
            else (
                " (a web server answers there, perhaps a Dask dashboard: the scheduler itself "
                "listens on another port, 8786 by default)"
            )
        )
        why = (
            f"no answer within {seconds:g} s"
            if hung or isinstance(error, TimeoutError)
            else (f"{type(error).__name__}: {error}")
        )
        msg = f"no Dask scheduler answers at {address!r}{what}: {why}"
        raise SchedulerError(msg)
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        kind = reply.get("type") if isinstance(reply, dict) else type(reply).__name__
        msg = f"{address!r} answers the Dask protocol but is no scheduler (it is a {kind!r})"
        raise SchedulerError(msg)
    return address


def no_workers(address: str, seconds: float) -> SchedulerError:
    """Return the error for a scheduler that has no worker after ``seconds``."""
    return SchedulerError(
        f"the Dask scheduler at {address!r} has no workers (waited {seconds:g} s): start "
        f"some with `dask worker {address}`, or use --engine dask without --scheduler"
    )
