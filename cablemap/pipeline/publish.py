"""Publishing a build's outputs: one build at a time, all files or none, state that cannot lie.

- **Lock.** A build takes an exclusive lock on ``<out>/.cablemap-build/lock`` (``flock``; the
  operating system drops it when the process dies, so a killed build never leaves a stale
  lock). A second build into the same folder waits up to ``timeout`` seconds, then stops with
  :class:`~cablemap.BuildLockedError` naming the process that holds it.
- **Staging.** Every output is written beside its destination first: maps under
  ``<out>/.cablemap-build/staging-<pid>/``, exports under ``<exports>/.cablemap-staging-<pid>/``
  (same file system, so moving them in is a rename, also when the exports folder is on
  another disk).
- **Journal.** When every stage has succeeded, the build writes ``publish.json`` (every move
  and the new build state, with each output's SHA-256), then renames the files into place and
  only then writes ``state.json``. A build killed during the moves leaves the journal behind;
  the next build, before anything else, finishes those moves (or, if staged files are gone,
  forgets the state so everything is rebuilt). So the folder never stays a mix of two builds,
  and the state always describes what is on disk.
- **Verification.** "Up to date" is said only when every recorded output still has the
  recorded hash.
- **Cleaning.** Staging folders and cache folders of killed builds are removed at start.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cablemap._errors import BuildLockedError, BuildOutputError

logger = logging.getLogger(__name__)

#: The folder, inside the maps folder, that holds the state, the cache, the lock and staging.
STATE_DIR = ".cablemap-build"
STATE_FORMAT = "cablemap-build-state"
STATE_VERSION = 2
_JOURNAL = "publish.json"
_STATE = "state.json"
_LOCK = "lock"
_EXPORT_STAGING = ".cablemap-staging-"


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)


# ----------------------------------------------------------------------------- folders
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device (disk full)",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENOTDIR: "a file is in the way",
    errno.EEXIST: "a file is in the way",
}


def output_error(exc: OSError, what: str) -> BuildOutputError:
    """Turn an ``OSError`` met while writing into an error naming the path and the reason."""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    where = exc.filename if exc.filename is not None else what
    return BuildOutputError(f"cannot write {what}: {str(where)!r}: {reason} ({exc})")


def writing_to(exc: OSError, folders: tuple[Path, ...]) -> bool:
    """Whether an error concerns a path in one of the output folders (or names no path)."""
    if exc.filename is None:
        return True
    failed = Path(str(exc.filename)).resolve()
    return any(failed.is_relative_to(folder.resolve()) for folder in folders)


def prepare_folder(path: Path, what: str) -> Path:
    """Create an output folder or say exactly why it cannot be used.

    Parameters
    ----------
    path
        The folder.
    what
        How the user named it, e.g. ``"the maps folder (--out)"``.

    Returns
    -------
    Path
        The folder, existing and writable.

    Raises
    ------
    BuildOutputError
        If a file stands where the folder or one of its parents should be, or it cannot be
        created or written (permissions, read-only or full file system).
    """
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            msg = f"cannot use {what} {str(path)!r}: {str(parent)!r} is a file, not a folder"
            raise BuildOutputError(msg)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".cablemap-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise output_error(exc, f"{what} {str(path)!r}") from None
    return path


# ----------------------------------------------------------------------------- lock
def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # Windows refuses to read a locked range
        return ""


def _try_lock(fd: int) -> None:
    """Take an exclusive, non-blocking lock on an open file; raise OSError if it is held."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt  # noqa: PLC0415 - Windows only

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl  # noqa: PLC0415 - POSIX only

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def build_lock(state_dir: Path, *, timeout: float = 0.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the exclusive build lock of an output folder for the duration of the block.

    Parameters
    ----------
    state_dir
        ``<out>/.cablemap-build`` (created).
    timeout
        Seconds to wait for another build to finish; ``0`` fails at once.
    poll
        Seconds between attempts.

    Raises
    ------
    BuildLockedError
        If another process still holds the lock after ``timeout`` seconds; the message names
        its process id, host and start time.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / _LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _try_lock(fd)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    msg = (
                        f"another build is writing to {str(state_dir.parent)!r} "
                        f"({holder or 'holder unknown'}); waited {timeout:g} s. Let it finish, "
                        "or wait longer with --wait SECONDS"
                    )
                    raise BuildLockedError(msg) from None
                time.sleep(poll)
        holder = (
            f"pid {os.getpid()} on {socket.gethostname()}, "
            f"started {datetime.now(UTC).isoformat(timespec='seconds')}"
        )
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, holder.encode())
        yield
    finally:
        os.close(fd)  # closing drops the lock


# ----------------------------------------------------------------------------- state
def read_state(state_dir: Path) -> tuple[dict[str, Any], str | None]:
    """Return the recorded build state and, if it had to be discarded, why.

    Returns
    -------
    tuple
        ``(state, problem)``: ``state`` has ``keys`` (stage keys), ``outputs`` (output name ->
        SHA-256) and ``objects`` (cache folder per cached object); empty when there is no
        usable state.
    """
    empty: dict[str, Any] = {"keys": {}, "outputs": {}, "objects": {}}
    path = state_dir / _STATE
    if not path.exists():
        return empty, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return empty, f"build state {str(path)!r} unreadable ({exc}): discarded, rebuilding"
    ok = (
        isinstance(data, dict)
        and data.get("format") == STATE_FORMAT
        and data.get("version") == STATE_VERSION
        and all(isinstance(data.get(k), dict) for k in ("keys", "outputs", "objects"))
    )
    if not ok:
        return empty, f"build state {str(path)!r} of another format or version: rebuilding"
    return data, None


def state_record(
    keys: dict[str, str], outputs: dict[str, str], objects: dict[str, str]
) -> dict[str, Any]:
    """Return the state to record: stage keys, output hashes and cache folders."""
    return {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "keys": keys,
        "outputs": outputs,
        "objects": objects,
    }


def output_path(name: str, out: Path, exports: Path) -> Path:
    """Where an output recorded as ``maps/<rel>`` or ``exports/<rel>`` lives."""
    root, _, rel = name.partition("/")
    return (exports if root == "exports" else out) / rel


def changed_outputs(outputs: dict[str, str], out: Path, exports: Path) -> list[str]:
    """Return the recorded outputs that are missing or no longer have their recorded hash."""
    bad = []
    for name, digest in outputs.items():
        path = output_path(name, out, exports)
        if not path.is_file() or sha256_file(path) != digest:
            bad.append(name)
    return bad


# ----------------------------------------------------------------------------- staging
def staging_dirs(state_dir: Path, exports: Path) -> tuple[Path, Path]:
    """Return this process's fresh staging folders for maps and for exports."""
    maps = state_dir / f"staging-{os.getpid()}"
    exp = exports / f"{_EXPORT_STAGING}{os.getpid()}"
    for folder in (maps, exp):
        shutil.rmtree(folder, ignore_errors=True)
    maps.mkdir(parents=True)
    return maps, exp


def clean_leftovers(state_dir: Path, exports: Path, keep_objects: set[str]) -> list[Path]:
    """Remove staging folders of other (killed) builds and unreferenced cache folders.

    Call with the build lock held. While a publication journal exists (a publication was
    interrupted), the staged files it names are kept for :func:`recover`. Returns what was
    removed.
    """
    removed: list[Path] = []
    if not (state_dir / _JOURNAL).exists():
        removed += [*state_dir.glob("staging-*")]
        if exports.is_dir():
            removed += [*exports.glob(f"{_EXPORT_STAGING}*")]
    cache = state_dir / "cache"
    if cache.is_dir():
        removed += [p for p in cache.iterdir() if p.name not in keep_objects]
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if removed:
        logger.info("Removed %d leftover staging or cache folder(s)", len(removed))
    return removed


# ----------------------------------------------------------------------------- publishing
def publish(moves: list[tuple[Path, Path]], state_dir: Path, state: dict[str, Any]) -> list[Path]:
    """Move staged files into place under a journal, then record the new state.

    Parameters
    ----------
    moves
        ``(staged file, destination)`` pairs; each pair on one file system.
    state_dir
        Where the journal and the state are kept.
    state
        The state to record once every file is in place (see :func:`state_record`).

    Returns
    -------
    list of Path
        The destinations.
    """
    journal = state_dir / _JOURNAL
    _write_json_atomic(journal, {"moves": [[str(a), str(b)] for a, b in moves], "state": state})
    _apply(moves)
    _write_json_atomic(state_dir / _STATE, state)
    journal.unlink()
    return [b for _, b in moves]


def _apply(moves: list[tuple[Path, Path]]) -> None:
    for staged, target in moves:
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.replace(target)


def recover(state_dir: Path, out: Path, exports: Path) -> str | None:
    """Finish a publication a killed build left half done; return what was done, if anything.

    The journal lists every move of a build whose stages had all succeeded: the remaining
    moves are made and its state recorded. If staged files are gone and the outputs do not
    match the journal's hashes, the state is removed so that the next build redoes everything.
    """
    journal = state_dir / _JOURNAL
    if not journal.exists():
        return None
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        moves = [(Path(a), Path(b)) for a, b in data["moves"]]
        state = data["state"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        (state_dir / _STATE).unlink(missing_ok=True)
        journal.unlink()
        return "an unreadable publication journal was found: the state was reset, rebuilding all"
    _apply(moves)
    if changed_outputs(state.get("outputs", {}), out, exports):
        (state_dir / _STATE).unlink(missing_ok=True)
        message = (
            "an interrupted build's outputs could not be completed: the state was reset, "
            "rebuilding all"
        )
    else:
        _write_json_atomic(state_dir / _STATE, state)
        message = f"finished publishing an interrupted build ({len(moves)} file(s))"
    journal.unlink()
    logger.warning(message)
    return message
