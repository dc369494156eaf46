"""A key kept outside every output folder, and the JSON files of a build signed with it.

A maps folder may sit on a shared or synced drive: a hash stored beside the data it protects
detects accidents, not tampering. So the build state, the publication journal and every cache
manifest carry an HMAC-SHA256 made with a key private to the user, ``build-key`` (32 random
bytes, mode 0600) in :func:`key_folder`: ``settings.user_cache_folder``, by default
``$XDG_CACHE_HOME/cablemap`` (``~/.cache/cablemap``; on Windows under ``%LOCALAPPDATA%``).
A file whose signature does not match was not written by this user's cablemap and is not
believed: the build says so and rebuilds.

The signature covers the file's values (in a canonical JSON form) and what the file is (its
name in the build folder), not the folder's location: a maps folder moved or renamed keeps its
cache. Without a usable key (an unwritable home, a key file others can read) nothing signed can
be checked, so every build rebuilds everything and says why.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from cablemap import settings
from cablemap._errors import UnsafeFileError
from cablemap._files import read_bytes_regular

#: The key file in :func:`key_folder`.
KEY_FILE = "build-key"
_KEY_BYTES = 32
#: The field of a signed JSON object that holds its signature.
SIGNATURE = "hmac"


def key_folder() -> Path:
    """Return the folder of the user's key (``settings.user_cache_folder``, read now)."""
    if settings.user_cache_folder is not None:
        return Path(settings.user_cache_folder)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "cablemap"
    local = os.environ.get("LOCALAPPDATA", "")
    if sys.platform == "win32" and local:  # pragma: no cover - Windows
        return Path(local) / "cablemap"
    return Path.home() / ".cache" / "cablemap"


def _check_key(path: Path) -> tuple[bytes | None, str | None]:
    """Read a key file: ``(key, None)``, or ``(None, why it cannot be used)``."""
    try:
        data = read_bytes_regular(path, "key file", follow=False, limit=_KEY_BYTES)
        info = path.lstat()
    except FileNotFoundError:
        return None, None
    except (OSError, UnsafeFileError) as exc:
        return None, str(exc)
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        return None, (
            f"key file {str(path)!r} is not private (owned by another user, or readable or "
            "writable by others): delete it and cablemap makes a new one"
        )
    if len(data) != _KEY_BYTES:
        return None, f"key file {str(path)!r} is not a cablemap key: delete it"
    return data, None


def _create_key(folder: Path, path: Path) -> None:
    """Create the key file, atomically (a build running beside this one may race it)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if stat.S_ISLNK(folder.lstat().st_mode):
        msg = f"key folder {str(folder)!r} is a symbolic link"
        raise UnsafeFileError(msg)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{KEY_FILE}.")  # 0600, exclusive
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(_KEY_BYTES))
        with contextlib.suppress(FileExistsError):  # the other build's key wins
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def build_key() -> tuple[bytes | None, str | None]:
    """Return the user's key, made on first use: ``(key, None)`` or ``(None, why not)``."""
    folder = key_folder()
    path = folder / KEY_FILE
    key, problem = _check_key(path)
    if key is not None or problem is not None:
        return key, problem
    try:
        _create_key(folder, path)
    except (OSError, UnsafeFileError) as exc:
        return None, f"cannot create the key file {str(path)!r}: {exc}"
    return _check_key(path)


def key_inside(folder: Path) -> bool:
    """Whether the key folder lies inside ``folder`` (where others could read the key)."""
    return key_folder().resolve().is_relative_to(folder.resolve())


def _canonical(body: dict[str, Any], context: str) -> bytes:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return context.encode() + b"\0" + text.encode()


def _tag(key: bytes, body: dict[str, Any], context: str) -> str:
    return hmac.new(key, _canonical(body, context), hashlib.sha256).hexdigest()


def signed_json(data: dict[str, Any], context: str) -> bytes:
    """Return ``data`` as JSON bytes with its signature (unsigned when there is no key).

    Parameters
    ----------
    data
        Plain values (anything else is written as text, as it will be read back).
    context
        What the file is (``"state"``, ``"journal"``, ``"cache/scores-..."``): a signed file
        is valid only as what it was written as.
    """
    body: dict[str, Any] = json.loads(json.dumps(data, default=str))
    body.pop(SIGNATURE, None)
    key, _ = build_key()
    signed = body if key is None else {**body, SIGNATURE: _tag(key, body, context)}
    return json.dumps(signed, indent=1).encode()


def signature_problem(data: dict[str, Any], context: str) -> str | None:
    """Say why a JSON object read back is not believed; ``None`` if its signature matches."""
    tag = data.get(SIGNATURE)
    key, problem = build_key()
    if key is None:
        return f"cannot be authenticated ({problem})"
    if not isinstance(tag, str):
        return "is not signed by this user's cablemap (made elsewhere, or by an older version)"
    body = {k: v for k, v in data.items() if k != SIGNATURE}
    try:
        expected = _tag(key, body, context)
    except (TypeError, ValueError):
        return "is malformed"
    if not hmac.compare_digest(tag, expected):
        return "does not match its signature (altered, or not written by this user's cablemap)"
    return None
