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

**The folder is not trusted** (it may sit on a shared or synced drive): the lock and the
write test are opened without following links (a link there is refused, its target never
written); the state and the journal are signed with the user's key
(:mod:`cablemap.pipeline.trust`) and checked against their expected types; a journal entry
may only move a file from one of this folder's staging folders to the same place in the maps
or exports folder, through no link; anything else is discarded with a warning naming it.
Leftovers are removed without following links.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cablemap._errors import BuildLockedError, BuildOutputError, UnsafeFileError
from cablemap._files import (
    JSON_LIMIT,
    create_exclusive,
    file_problem,
    link_below,
    open_for_update,
    open_regular,
    read_bytes_regular,
    real_folder,
    relative_path_problem,
    write_atomic,
)
from cablemap.pipeline.trust import signature_problem, signed_json

logger = logging.getLogger(__name__)

#: The folder, inside the maps folder, that holds the state, the cache, the lock and staging.
STATE_DIR = ".cablemap-build"
STATE_FORMAT = "cablemap-build-state"
STATE_VERSION = 3
JOURNAL_FORMAT = "cablemap-publish-journal"
JOURNAL_VERSION = 1
_JOURNAL = "publish.json"
_STATE = "state.json"
_LOCK = "lock"
_STAGING = "staging-"
_EXPORT_STAGING = ".cablemap-staging-"
_STAGING_NAMES = {
    "maps": re.compile(r"^staging-[0-9]+-[0-9a-f]+$"),
    "exports": re.compile(r"^\.cablemap-staging-[0-9]+-[0-9a-f]+$"),
}
#: A cache folder's name as the build writes it (``<object>-<build id>``): a state that names
#: anything else (a path, ``..``) is not believed.
OBJECT_FOLDER = re.compile(r"^[a-z]+-[0-9a-f]+-[0-9]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a regular file (a link or a pipe is refused)."""
    digest = hashlib.sha256()
    with open_regular(path, "file", follow=False) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_signed(path: Path, data: dict[str, Any], context: str) -> None:
    write_atomic(path, signed_json(data, context))


def _read_signed(path: Path, what: str, context: str) -> tuple[Any, str | None]:
    """Read a signed JSON file of the build folder: ``(data, None)`` or ``(None, problem)``."""
    try:
        data = json.loads(read_bytes_regular(path, what, follow=False, limit=JSON_LIMIT))
    except UnsafeFileError as exc:
        return None, str(exc)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"{what} {str(path)!r} unreadable ({exc})"
    if not isinstance(data, dict):
        return None, f"{what} {str(path)!r} is malformed (not a JSON object)"
    problem = signature_problem(data, context)
    if problem is not None:
        return data, f"{what} {str(path)!r} {problem}"
    return data, None


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


def _probe(folder: Path, what: str) -> None:
    """Create and remove a file in ``folder``: exclusive, never through a link."""
    probe = folder / f".cablemap-write-test-{os.getpid()}"
    for _ in range(2):
        try:
            os.close(create_exclusive(probe, mode=0o600))
        except FileExistsError:
            problem = file_problem(probe, follow=False)
            if problem is not None:
                msg = (
                    f"cannot use {what} {str(folder)!r}: its write test {str(probe)!r} "
                    f"{problem}; cablemap never writes through a link in an output folder: "
                    "remove it"
                )
                raise BuildOutputError(msg) from None
            probe.unlink()  # a regular file left by a killed process of the same id
            continue
        probe.unlink()
        return


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
        If a file stands where the folder or one of its parents should be, it cannot be
        created or written (permissions, read-only or full file system), or a link stands
        where its write test goes.
    """
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            msg = f"cannot use {what} {str(path)!r}: {str(parent)!r} is a file, not a folder"
            raise BuildOutputError(msg)
    try:
        path.mkdir(parents=True, exist_ok=True)
        _probe(path, what)
    except BuildOutputError:
        raise
    except OSError as exc:
        raise output_error(exc, f"{what} {str(path)!r}") from None
    return path


def check_inner_folder(out: Path, folder: Path, what: str) -> None:
    """Refuse a folder inside the maps folder that is reached through a link planted there.

    Raises
    ------
    BuildOutputError
        If a part of ``folder`` below ``out`` is a symbolic link.
    """
    if not folder.is_absolute() or not out.is_absolute():
        folder, out = folder.absolute(), out.absolute()
    if folder == out or not folder.is_relative_to(out):
        return
    link = link_below(out, folder)
    if link is not None:
        msg = (
            f"cannot use {what} {str(folder)!r}: {str(link)!r} inside the maps folder is a "
            f"symbolic link (to {str(link.readlink())!r}); cablemap never writes through a link "
            "in the maps folder: remove it, or name a real folder"
        )
        raise BuildOutputError(msg)


# ----------------------------------------------------------------------------- lock
def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 4096).decode("utf-8", errors="replace").strip()
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


def _state_folder(state_dir: Path) -> Path:
    """Create ``<out>/.cablemap-build`` as a real folder; a link there is refused."""
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        return real_folder(state_dir, "the build folder")
    except UnsafeFileError as exc:
        raise BuildOutputError(str(exc)) from None


def _open_lock(path: Path) -> int:
    try:
        return open_for_update(path, "the build lock", mode=0o644)
    except UnsafeFileError as exc:
        raise BuildOutputError(str(exc)) from None


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
    BuildOutputError
        If the build folder or the lock is a symbolic link, a pipe or anything but what
        cablemap made (its target is never written).
    """
    fd = _open_lock(_state_folder(state_dir) / _LOCK)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _try_lock(fd)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
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
def _empty_state() -> dict[str, Any]:
    return {"keys": {}, "outputs": {}, "objects": {}}


def _str_dict(value: object, what: str, check: Any = None) -> str | None:
    """Say why ``value`` is no ``{str: str}`` dict (whose items pass ``check``)."""
    if not isinstance(value, dict):
        return f"{what} is {type(value).__name__}, not an object"
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            return f"{what} entry {key!r}: {item!r} is not text"
        problem = check(key, item) if check else None
        if problem:
            return f"{what} entry {key!r}: {problem}"
    return None


def _output_problem(name: str, digest: str) -> str | None:
    root, _, rel = name.partition("/")
    if root not in ("maps", "exports"):
        return "not under maps/ or exports/"
    problem = relative_path_problem(rel)
    if problem is None and rel.split("/", 1)[0] in (STATE_DIR,):
        problem = f"{rel!r} is inside the build folder"
    return problem or (None if _SHA256.match(digest) else f"{digest!r} is no SHA-256")


def _object_problem(name: str, folder: str) -> str | None:
    return None if OBJECT_FOLDER.match(folder) else f"{folder!r} is no cache folder name"


def state_problem(data: dict[str, Any]) -> str | None:
    """Say why a state (``keys``, ``outputs``, ``objects``) is not of the expected types."""
    return (
        _str_dict(data.get("keys"), "keys")
        or _str_dict(data.get("outputs"), "outputs", _output_problem)
        or _str_dict(data.get("objects"), "objects", _object_problem)
    )


def read_state(state_dir: Path) -> tuple[dict[str, Any], str | None]:
    """Return the recorded build state and, if it had to be discarded, why.

    The state is believed only if it is a regular file (no link, pipe or folder), signed with
    the user's key and of the expected types.

    Returns
    -------
    tuple
        ``(state, problem)``: ``state`` has ``keys`` (stage keys), ``outputs`` (output name ->
        SHA-256) and ``objects`` (cache folder per cached object); empty when there is no
        usable state.
    """
    path = state_dir / _STATE
    if not (path.exists() or path.is_symlink()):
        return _empty_state(), None
    data, problem = _read_signed(path, "build state", "state")
    if isinstance(data, dict) and (
        data.get("format") != STATE_FORMAT or data.get("version") != STATE_VERSION
    ):
        problem = f"build state {str(path)!r} of another format or version"
    elif problem is None:
        malformed = state_problem(data)
        problem = f"build state {str(path)!r} is malformed ({malformed})" if malformed else None
    if problem is not None:
        return _empty_state(), f"{problem}: discarded, rebuilding everything"
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


def output_path(name: str, out: Path, exports: Path) -> Path | None:
    """Where an output recorded as ``maps/<rel>`` or ``exports/<rel>`` lives.

    ``None`` for a name that is no such output (absolute, with ``..``, in the build folder) or
    whose path passes through a symbolic link.
    """
    if _output_problem(name, "0" * 64) is not None:
        return None
    root_name, _, rel = name.partition("/")
    root = exports if root_name == "exports" else out
    path = root / rel
    return None if link_below(root, path.parent) is not None else path


def changed_outputs(outputs: dict[str, str], out: Path, exports: Path) -> list[str]:
    """Return the recorded outputs that are missing or no longer have their recorded hash.

    An output that became a link, a pipe or a folder counts as changed (it is never read
    through).
    """
    bad = []
    for name, digest in outputs.items():
        path = output_path(name, out, exports)
        try:
            same = path is not None and sha256_file(path) == digest
        except (OSError, UnsafeFileError):
            same = False
        if not same:
            bad.append(name)
    return bad


# ----------------------------------------------------------------------------- staging
def staging_dirs(state_dir: Path, exports: Path) -> tuple[Path, Path]:
    """Return this process's fresh staging folders for maps and for exports.

    Their names carry a random part and they are private (0700): nothing can be planted in
    them before the build writes there. The exports one is made where the exports folder
    exists (the exports stage creates it otherwise).
    """
    tag = f"{os.getpid()}-{secrets.token_hex(6)}"
    maps = state_dir / f"{_STAGING}{tag}"
    exp = exports / f"{_EXPORT_STAGING}{tag}"
    maps.mkdir(mode=0o700)
    if exports.is_dir():
        exp.mkdir(mode=0o700)
    return maps, exp


def _remove(path: Path) -> bool:
    """Remove a file, a link (never its target) or a folder (never following links in it)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(mode):
        shutil.rmtree(path, ignore_errors=True)  # fd-based: links inside are removed, not followed
    else:
        path.unlink(missing_ok=True)
    return True


def _is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def clean_leftovers(state_dir: Path, exports: Path, keep_objects: set[str]) -> list[Path]:
    """Remove staging folders of other (killed) builds and unreferenced cache folders.

    Call with the build lock held. While a publication journal exists (a publication was
    interrupted), the staged files it names are kept for :func:`recover`. Nothing is followed
    out of the folder: a link is removed itself, and a folder reached through a link is left
    alone. Returns what was removed.
    """
    found: list[Path] = []
    journal = state_dir / _JOURNAL
    if not (journal.exists() or journal.is_symlink()):
        found += [*state_dir.glob(f"{_STAGING}*")]
        if _is_real_folder(exports):
            found += [*exports.glob(f"{_EXPORT_STAGING}*")]
    cache = state_dir / "cache"
    if _is_real_folder(cache):
        found += [p for p in cache.iterdir() if p.name not in keep_objects]
    removed = [path for path in found if _remove(path)]
    if removed:
        logger.info("Removed %d leftover staging or cache folder(s)", len(removed))
    return removed


# ----------------------------------------------------------------------------- publishing
Move = tuple[Path, Path]


def _entry(staged: Path, target: Path, state_dir: Path, exports: Path) -> list[str]:
    """Encode a move as ``[root, staging folder, relative path]`` for the journal."""
    out = state_dir.parent
    for root_name, base, root in (("maps", state_dir, out), ("exports", exports, exports)):
        if staged.is_relative_to(base):
            parts = staged.relative_to(base).parts
            if len(parts) > 1 and _STAGING_NAMES[root_name].match(parts[0]):
                rel = "/".join(parts[1:])
                if root / rel == target:
                    return [root_name, parts[0], rel]
    msg = f"internal error: {str(staged)!r} -> {str(target)!r} is no move of this build"
    raise BuildOutputError(msg)


def _entry_problem(entry: object) -> str | None:
    """Say why a journal entry is no ``[root, staging folder, relative path]`` of this folder."""
    if not (isinstance(entry, list) and len(entry) == 3 and all(isinstance(e, str) for e in entry)):
        return "not a [root, staging folder, path] entry of this version"
    root_name, staging, rel = entry
    if root_name not in _STAGING_NAMES:
        return f"{root_name!r} is neither 'maps' nor 'exports'"
    if not _STAGING_NAMES[root_name].match(staging):
        return f"{staging!r} is not one of the folder's staging folders"
    top = rel.split("/", 1)[0] if isinstance(rel, str) else ""
    if top == STATE_DIR or top.startswith(_EXPORT_STAGING):
        return f"{rel!r} would write into the build's own folders"
    return relative_path_problem(rel)


def _decode(
    entry: object, state_dir: Path, out: Path, exports: Path
) -> tuple[Move | None, str | None]:
    """Check a journal entry: ``(move, None)`` or ``(None, why it is refused)``."""
    problem = _entry_problem(entry)
    if problem is not None:
        return None, problem
    root_name, staging, rel = (str(e) for e in entry)  # type: ignore[attr-defined]  # checked
    base, root = (state_dir, out) if root_name == "maps" else (exports, exports)
    staged, target = base / staging / rel, root / rel
    link = link_below(base, staged.parent) or link_below(root, target.parent)
    if link is not None:
        return None, f"{str(link)!r} is a symbolic link"
    kind = file_problem(staged, follow=False)
    if kind is not None and kind != "does not exist":
        return None, f"{str(staged)!r} {kind}"
    return (staged, target), None


def _make_parents(moves: list[Move], state_dir: Path, exports: Path) -> None:
    """Create every destination's folders as real folders; a link in the way is an error."""
    out = state_dir.parent
    for _, target in moves:
        root = exports if target.is_relative_to(exports) else out
        current = root
        try:
            for part in target.parent.relative_to(root).parts:
                current = real_folder(current / part, "an output folder")
        except UnsafeFileError as exc:
            raise BuildOutputError(str(exc)) from None


def publish(
    moves: list[Move], state_dir: Path, state: dict[str, Any], exports: Path | None = None
) -> list[Path]:
    """Move staged files into place under a journal, then record the new state.

    Parameters
    ----------
    moves
        ``(staged file, destination)`` pairs: files of this build's staging folders, each to
        the same relative place in the maps (or exports) folder.
    state_dir
        Where the journal and the state are kept (``<out>/.cablemap-build``).
    state
        The state to record once every file is in place (see :func:`state_record`).
    exports
        The exports folder (default ``<out>/exports``).

    Returns
    -------
    list of Path
        The destinations.

    Raises
    ------
    BuildOutputError
        If a destination's folder is reached through a symbolic link (nothing is moved).
    """
    exports = state_dir.parent / "exports" if exports is None else exports
    entries = [_entry(a, b, state_dir, exports) for a, b in moves]
    _make_parents(moves, state_dir, exports)
    journal = state_dir / _JOURNAL
    record = {
        "format": JOURNAL_FORMAT,
        "version": JOURNAL_VERSION,
        "moves": entries,
        "state": state,
    }
    _write_signed(journal, record, "journal")
    _apply(moves)
    _write_signed(state_dir / _STATE, state, "state")
    journal.unlink()
    return [b for _, b in moves]


def _apply(moves: list[Move]) -> None:
    """Make the moves by renames (a link at a destination is replaced, never followed).

    Each move was checked before: inside its folder (``_entry``, or ``_decode`` for a
    journal's) and under real folders only (``_make_parents``, ``link_below``).
    """
    for staged, target in moves:
        if staged.exists():
            staged.replace(target)  # a rename: a link at the destination is replaced, not followed


def _shown(entry: object) -> str:
    text = repr(entry)
    return text if len(text) <= 160 else f"{text[:157]}..."


def _journal_moves(
    data: dict[str, Any], journal: Path, out: Path, exports: Path
) -> tuple[list[Move], list[str]]:
    """Return the journal's moves that may be made, and a warning for every entry refused."""
    moves, refused = [], []
    entries = data.get("moves")
    if not isinstance(entries, list):
        return [], [f"publication journal {str(journal)!r}: 'moves' is not a list: ignored"]
    for entry in entries:
        move, problem = _decode(entry, journal.parent, out, exports)
        if move is None:
            refused.append(
                f"publication journal {str(journal)!r}: entry {_shown(entry)} discarded "
                f"({problem}); a journal may only move files from this folder's staging "
                "folders into the maps or exports folder"
            )
        else:
            moves.append(move)
    return moves, refused


def _discard_journal(journal: Path, problem: str, data: Any) -> list[str]:
    (journal.parent / _STATE).unlink(missing_ok=True)
    _remove(journal)
    entries = data.get("moves") if isinstance(data, dict) else None
    listed = ""
    if isinstance(entries, list) and entries:
        more = f" (+{len(entries) - 3} more)" if len(entries) > 3 else ""
        listed = f" (moves not made: {', '.join(_shown(e) for e in entries[:3])}{more})"
    return [
        f"{problem}: discarded without moving anything{listed}; the build state was reset, "
        "rebuilding everything"
    ]


def recover(state_dir: Path, out: Path, exports: Path) -> list[str]:
    """Finish a publication a killed build left half done; return what was done, if anything.

    The journal lists every move of a build whose stages had all succeeded: the remaining
    moves are made and its state recorded. If staged files are gone and the outputs do not
    match the journal's hashes, the state is removed so that the next build redoes everything.
    A journal that is not signed with the user's key, or of the wrong types, is discarded
    without moving anything; an entry that is not a move from one of this folder's staging
    folders to an output is discarded with a warning naming it.

    Returns
    -------
    list of str
        What was found and done (empty when there was no journal), for the builder to say.
    """
    journal = state_dir / _JOURNAL
    if not (journal.exists() or journal.is_symlink()):
        return []
    data, problem = _read_signed(journal, "publication journal", "journal")
    if problem is None and (
        data.get("format") != JOURNAL_FORMAT or data.get("version") != JOURNAL_VERSION
    ):
        problem = f"publication journal {str(journal)!r} of another format or version"
    state = data.get("state") if problem is None else None
    if problem is None:
        malformed = state_problem(state) if isinstance(state, dict) else "no state"
        if malformed:
            problem = f"publication journal {str(journal)!r} is malformed ({malformed})"
    if problem is not None or not isinstance(state, dict):
        messages = _discard_journal(journal, problem or "no state", data)
    else:
        messages = _finish(data, state, journal, out, exports)
    for message in messages:
        logger.info(message)  # the builder says them (a warning each)
    return messages


def _finish(
    data: dict[str, Any], state: dict[str, Any], journal: Path, out: Path, exports: Path
) -> list[str]:
    moves, messages = _journal_moves(data, journal, out, exports)
    state_dir = journal.parent
    try:
        _make_parents(moves, state_dir, exports)
        _apply(moves)
    except BuildOutputError as exc:
        messages.append(f"an interrupted build's outputs could not be completed ({exc})")
        moves = []
    if messages or changed_outputs(state["outputs"], out, exports):
        (state_dir / _STATE).unlink(missing_ok=True)
        messages.append(
            "an interrupted build's outputs could not be completed: the state was reset, "
            "rebuilding all"
        )
    else:
        _write_signed(state_dir / _STATE, state, "state")
        messages.append(f"finished publishing an interrupted build ({len(moves)} file(s))")
    _remove(journal)
    return messages
