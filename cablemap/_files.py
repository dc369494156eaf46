"""Files from folders others may write: regular files only, links never followed where it matters.

Every reader of cablemap opens its files through :func:`open_regular` (or
:func:`read_bytes_regular` / :func:`read_text_regular`): a named pipe, a folder, a device or a
socket where a file is expected is refused *before* it is opened (a pipe would block the reader
for ever), and checked again on the open descriptor (opened without blocking, so a file
swapped for a pipe in between cannot hang it either). Files of a build's own folder are read
with ``follow=False``: a symbolic link there is refused, so a link planted in a shared maps
folder never makes cablemap read a file outside it.

Writers in such a folder create files with :func:`create_exclusive` (exclusive create, links
not followed: a planted link is an error, never written through) or :func:`write_atomic` (a
fresh temporary file renamed over the destination, which replaces a link instead of following
it). Paths read from a folder's own files are checked with :func:`relative_path_problem` and
:func:`link_below` before they are used.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from cablemap._errors import UnsafeFileError

#: The most cablemap reads of one of its own JSON files (build state, journal, cache manifest).
JSON_LIMIT = 64 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def kind_of(mode: int) -> str:
    """Name the kind of file an ``st_mode`` describes (``"a named pipe (FIFO)"``...)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def _link_text(path: Path) -> str:
    try:
        return f"a symbolic link (to {str(path.readlink())!r})"
    except OSError:
        return "a symbolic link"


def file_problem(path: str | Path, *, follow: bool = True) -> str | None:
    """Say why ``path`` is no regular file to read, without opening it; ``None`` if it is one.

    Parameters
    ----------
    path
        The file.
    follow
        Follow a symbolic link (``False``: a link is itself the problem).

    Returns
    -------
    str or None
        ``"does not exist"``, ``"is a named pipe (FIFO), not a regular file"``,
        ``"is a symbolic link (to '...')"``... or ``None``.
    """
    path = Path(path)
    try:
        mode = (path.stat() if follow else path.lstat()).st_mode
    except FileNotFoundError:
        return "is a dangling symbolic link" if path.is_symlink() else "does not exist"
    except OSError as exc:  # ELOOP (a symlink loop), EACCES, ENAMETOOLONG...
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return f"is {_link_text(path)}"
    return f"is {kind_of(mode)}, not a regular file"


def _refusal(path: Path, what: str, problem: str) -> UnsafeFileError:
    why = (
        "cablemap follows no link here (the folder may be writable by others)"
        if "link" in problem
        else "cablemap reads and writes only regular files"
    )
    return UnsafeFileError(f"{what} {str(path)!r} {problem}; {why}")


def open_regular(path: str | Path, what: str, *, follow: bool = True) -> BinaryIO:
    """Open a file for reading in binary mode if, and only if, it is a regular file.

    Parameters
    ----------
    path
        The file.
    what
        What it is, for the message (``"incident list"``, ``"build state"``).
    follow
        Follow a symbolic link; ``False`` for the files of a folder others may write.

    Returns
    -------
    BinaryIO
        The open file (close it, or use it in a ``with`` block).

    Raises
    ------
    UnsafeFileError
        If the path is a named pipe, a folder, a device or a socket (or, with
        ``follow=False``, a symbolic link); the message names the file and says what it is.
    OSError
        If it does not exist or cannot be opened (``FileNotFoundError``, ``PermissionError``).
    """
    path = Path(path)
    try:
        mode = (path.stat() if follow else path.lstat()).st_mode
    except OSError:
        mode = None  # let open() raise the real error (missing, permission denied...)
    if mode is not None and not stat.S_ISREG(mode):
        raise _refusal(path, what, file_problem(path, follow=follow) or "is not a regular file")
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise _refusal(path, what, f"is {_link_text(path)}") from None
        raise
    try:
        found = os.fstat(fd).st_mode
        if not stat.S_ISREG(found):  # swapped between the check and the open
            raise _refusal(path, what, f"is {kind_of(found)}, not a regular file")
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes_regular(
    path: str | Path, what: str, *, follow: bool = True, limit: int | None = None
) -> bytes:
    """Read a regular file's bytes (see :func:`open_regular`), at most ``limit`` of them.

    Raises
    ------
    UnsafeFileError
        If it is no regular file, a link (``follow=False``), or larger than ``limit`` bytes.
    """
    with open_regular(path, what, follow=follow) as fh:
        data = fh.read() if limit is None else fh.read(limit + 1)
    if limit is not None and len(data) > limit:
        msg = (
            f"{what} {str(Path(path))!r} is larger than {limit:,} bytes; cablemap does not "
            "read a file this large here"
        )
        raise UnsafeFileError(msg)
    return data


def read_text_regular(
    path: str | Path,
    what: str,
    *,
    follow: bool = True,
    limit: int | None = None,
    encoding: str = "utf-8",
) -> str:
    """Read a regular file as text (see :func:`read_bytes_regular`).

    Raises
    ------
    UnicodeDecodeError
        If the bytes are not in ``encoding`` (callers name the byte and line).
    """
    return read_bytes_regular(path, what, follow=follow, limit=limit).decode(encoding)


def create_exclusive(path: str | Path, *, mode: int = 0o644) -> int:
    """Create a new file for writing, never through a link; return its descriptor.

    Raises
    ------
    FileExistsError
        If anything is already there, a symbolic link included (its target is not touched).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    return os.open(Path(path), flags, mode)


def open_for_update(path: str | Path, what: str, *, mode: int = 0o644) -> int:
    """Open (or create) a file to read and write in place, never through a link.

    For a file that stays (a lock): it must be a regular file with one link (a hard link
    planted in its place would make a write land in another file).

    Returns
    -------
    int
        The descriptor (blocking).

    Raises
    ------
    UnsafeFileError
        If a symbolic link, a pipe, a folder or a device stands there, or a second hard link
        to the file exists; nothing is written to it.
    """
    path = Path(path)
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        problem = file_problem(path, follow=False)
        if problem is not None and exc.errno in {errno.ELOOP, errno.EISDIR, errno.ENXIO}:
            raise _refusal(path, what, problem) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refusal(path, what, f"is {kind_of(info.st_mode)}, not a regular file")
        if info.st_nlink != 1:
            raise _refusal(path, what, f"has {info.st_nlink} hard links, not one")
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_atomic(path: str | Path, data: bytes | BinaryIO, *, mode: int = 0o644) -> Path:
    """Write a file by renaming a fresh temporary file over it.

    The temporary file is created exclusively with a random name beside ``path`` (nothing
    planted can be written through), and the rename replaces whatever ``path`` was, a link
    included, without following it. ``data`` is the bytes, or a binary stream copied in
    chunks (a download). The caller checks that ``path``'s folder is a real folder.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                shutil.copyfileobj(data, fh)
        with contextlib.suppress(OSError):  # not on every file system
            Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def relative_path_problem(text: object) -> str | None:
    """Say why a path read from a folder's file may not be used; ``None`` if it may.

    Allowed: a relative path (``/`` separated) of plain names, without ``..``, ``.``, empty
    parts, drive letters or NUL characters.
    """
    if not isinstance(text, str) or not text:
        return f"{text!r} is no path (a non-empty string)"
    if "\0" in text or "\\" in text:
        return f"{text!r} holds a NUL or a backslash"
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).drive:
        return f"{text!r} is absolute"
    parts = text.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return f"{text!r} has an empty, '.' or '..' part"
    return None


def link_below(root: Path, path: Path) -> Path | None:
    """Return the first part of ``path`` below ``root`` that is a symbolic link, if any.

    ``path`` is ``root`` joined with a relative path; ``root`` itself is trusted (the user
    named it). Missing parts end the walk (nothing below them exists to be a link).
    """
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        try:
            if stat.S_ISLNK(current.lstat().st_mode):
                return current
        except FileNotFoundError:
            return None
    return None


def real_folder(path: Path, what: str, *, mode: int = 0o755) -> Path:
    """Create a folder (its parent must exist) or check that the one there is no link.

    Raises
    ------
    UnsafeFileError
        If a symbolic link or a file stands where the folder should be.
    """
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=mode)
    found = path.lstat().st_mode
    if not stat.S_ISDIR(found):
        problem = f"is {_link_text(path)}" if stat.S_ISLNK(found) else f"is {kind_of(found)}"
        msg = (
            f"{what} {str(path)!r} {problem}, not a folder; cablemap never writes through a "
            "link in a folder others may write: remove it"
        )
        raise UnsafeFileError(msg)
    return path
