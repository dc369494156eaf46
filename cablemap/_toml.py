r"""The one reader of cablemap's TOML files: every problem of a file collected, raised once.

Model, vendor-profile, fault-model, region and project files are all read through
:class:`TomlFile`. A reader asks for each value by its dotted key with the type and range it
expects (:meth:`TomlFile.number`, :meth:`~TomlFile.string`, :meth:`~TomlFile.iso3_list`...);
a value that is missing, of the wrong type or out of range is recorded and a default stands in,
so the reader goes on and finds the next problem. :meth:`TomlFile.check` then raises one error
listing every problem, each naming the file and the key (unknown keys and tables with the
closest valid name). Nothing is believed until :meth:`TomlFile.check` has passed.

Examples
--------
>>> from cablemap._toml import TomlFile
>>> f = TomlFile.from_text("[a]\nx = 2\ny = 'z'\n", "demo.toml")
>>> f.number("a.x", low=0, high=1)
0.0
>>> f.keys("a", ["x"])
>>> f.problems  # doctest: +NORMALIZE_WHITESPACE
["'demo.toml', key 'a.x': was 2 but must be a number in [0, 1]",
 "'demo.toml', key 'a.y': unknown key; allowed: ['x']"]
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cablemap._errors import CablemapError, RiskSpecError, UnsafeFileError
from cablemap._files import read_bytes_regular

_ISO3 = re.compile(r"^[A-Z]{3}$")
_MISSING = object()


def _closest(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_regular_bytes(
    path: Path, what: str, error: type[CablemapError], *, limit: int | None = None
) -> bytes:
    """Read a file's bytes after checking it is a regular file (never a FIFO or a device).

    The check is :func:`cablemap._files.read_bytes_regular`'s; a missing or unreadable file
    becomes ``error``.

    Raises
    ------
    UnsafeFileError
        If it is no regular file (a pipe, a folder, a device) or larger than ``limit``.
    CablemapError
        Of class ``error``, naming the file, if it is missing or unreadable.
    """
    try:
        return read_bytes_regular(path, what, limit=limit)
    except UnsafeFileError:
        raise  # a pipe, a folder, too large: refused as everywhere (docs/security.md)
    except FileNotFoundError:
        msg = f"{str(path)!r} does not exist"
        raise error(msg) from None
    except OSError as exc:
        msg = f"{str(path)!r} could not be read as a {what}: {exc.strerror or exc}"
        raise error(msg) from None


def decode_utf8(raw: bytes, path: Path, what: str, error: type[CablemapError]) -> str:
    """Decode UTF-8 bytes (a byte-order mark dropped) or raise ``error`` naming the byte.

    Raises
    ------
    CablemapError
        Of class ``error``: the byte, its offset and line, and what to save the file as.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = (
            f"{str(path)!r}: not UTF-8 text (byte {raw[exc.start]:#04x} at offset "
            f"{exc.start}, line {line}); save the {what} as UTF-8"
        )
        raise error(msg) from None


class TomlFile:
    """A TOML file being read: values by dotted key, problems collected, raised once.

    Parameters
    ----------
    data
        The parsed file.
    path
        Where it was read (named in every message).
    error
        The error class :meth:`check` raises (a model file: ``RiskSpecError``; a project
        file: ``SourceFormatError``).
    """

    def __init__(
        self, data: dict[str, Any], path: str | Path, error: type[CablemapError] = RiskSpecError
    ) -> None:
        self.data = data
        self.path = Path(path)
        self.error = error
        self.problems: list[str] = []

    @classmethod
    def read(
        cls,
        path: str | Path,
        *,
        what: str = "model file",
        error: type[CablemapError] = RiskSpecError,
        limit: int | None = None,
    ) -> TomlFile:
        """Read a regular file of UTF-8 TOML (at most ``limit`` bytes), or raise naming it.

        Raises
        ------
        UnsafeFileError
            If it is no regular file (a pipe, a folder) or larger than ``limit``.
        CablemapError
            Of class ``error`` if it is missing, unreadable, not UTF-8 or not TOML.
        """
        file = Path(path)
        raw = read_regular_bytes(file, what, error, limit=limit)
        return cls.from_text(decode_utf8(raw, file, what, error), file, error)

    @classmethod
    def from_text(
        cls, text: str, path: str | Path, error: type[CablemapError] = RiskSpecError
    ) -> TomlFile:
        """Parse TOML text (``path`` only names it in messages)."""
        try:
            data = tomllib.loads(text.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as exc:
            msg = f"{str(path)!r} is not valid TOML: {exc}"
            raise error(msg) from None
        return cls(data, path, error)

    # ------------------------------------------------------------------ problems
    def fail(self, key: str, problem: str) -> None:
        """Record a problem with a key."""
        self.problems.append(f"{str(self.path)!r}, key {key!r}: {problem}")

    def check(self) -> None:
        """Raise one error listing every problem recorded, if any."""
        if len(self.problems) == 1:
            raise self.error(self.problems[0])
        if self.problems:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            msg = f"{str(self.path)!r}: {len(self.problems)} problems:\n{lines}"
            raise self.error(msg)

    # ------------------------------------------------------------------ access
    def get(self, key: str, default: Any = _MISSING) -> Any:
        """Return the raw value at a dotted key (``default``, or a recorded problem, if absent)."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is _MISSING:
                    self.fail(key, "missing")
                    return None
                return default
            node = node[part]
        return node

    def has(self, key: str) -> bool:
        """Whether the dotted key is present."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def table(self, key: str, *, required: bool = False) -> dict[str, Any]:
        """Return a table (``{}`` when absent and not required; a problem when not a table)."""
        value = self.get(key) if required else self.get(key, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"was {value!r}; expected a table ([{key}])")
            return {}
        return value

    def keys(self, key: str, allowed: Iterable[str]) -> None:
        """Record every key of a table (``""``: the file's top level) not in ``allowed``."""
        allowed = list(allowed)
        table = self.data if not key else self.get(key, {})
        if not isinstance(table, dict):  # not a table: :meth:`table` says so
            return
        for name in table:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                what = "key" if key else "table"
                self.fail(where, f"unknown {what}{_closest(name, allowed)}; allowed: {allowed}")

    def number(
        self,
        key: str,
        default: float | None = None,
        *,
        low: float = -math.inf,
        high: float = math.inf,
        integer: bool = False,
    ) -> float:
        """Return a finite number in ``[low, high]`` (a whole number with ``integer``)."""
        value = self.get(key) if default is None else self.get(key, default)
        fallback = low if math.isfinite(low) else 0.0
        if value is None:
            return fallback
        bounds = f"[{low:g}, {high:g}]"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"was {value!r} of type {type(value).__name__}; a number in {bounds}")
            return fallback
        if not math.isfinite(value) or not low <= value <= high:
            self.fail(key, f"was {value!r} but must be a number in {bounds}")
            return fallback
        if integer and not float(value).is_integer():
            self.fail(key, f"was {value!r} but must be a whole number")
            return fallback
        return float(value)

    def integer(
        self,
        key: str,
        default: int | None = None,
        *,
        low: float = -math.inf,
        high: float = math.inf,
    ) -> int:
        """Return a whole number in ``[low, high]``."""
        return int(
            self.number(
                key, None if default is None else float(default), low=low, high=high, integer=True
            )
        )

    def boolean(self, key: str, default: bool | None = None) -> bool:
        """Return ``true`` or ``false``."""
        value = self.get(key) if default is None else self.get(key, default)
        if not isinstance(value, bool):
            if value is not None:
                self.fail(key, f"was {value!r}; expected true or false")
            return bool(default)
        return value

    def string(
        self, key: str, default: str | None = None, *, choices: Iterable[str] | None = None
    ) -> str:
        """Return a string (one of ``choices``, where given)."""
        value = self.get(key) if default is None else self.get(key, default)
        if not isinstance(value, str):
            if value is not None:
                self.fail(key, f"was {value!r}; expected a string")
            return default or ""
        if choices is not None:
            options = list(choices)
            if value not in options:
                self.fail(key, f"was {value!r}{_closest(value, options)}; allowed: {options}")
                return default or options[0]
        return value

    def string_list(
        self, key: str, default: list[str] | None = None, *, choices: Iterable[str] | None = None
    ) -> list[str]:
        """Return a list of strings (each one of ``choices``, where given)."""
        value = self.get(key) if default is None else self.get(key, default)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"was {value!r}; expected a list of strings")
            return list(default or [])
        if choices is not None:
            options = list(choices)
            bad = [v for v in value if v not in options]
            if bad:
                self.fail(key, f"unknown {bad}{_closest(bad[0], options)}; allowed: {options}")
                return [v for v in value if v in options]
        return list(value)

    def iso3_list(self, key: str, default: list[str] | None = None) -> list[str]:
        """Return a list of ISO 3166 alpha-3 codes."""
        value = self.string_list(key, default)
        bad = [v for v in value if not _ISO3.match(v)]
        if bad:
            self.fail(key, f"{bad[:5]!r}: not ISO 3166 alpha-3 codes")
            return [v for v in value if _ISO3.match(v)]
        return value

    def iso3_pairs(
        self, key: str, default: list[list[str]] | None = None
    ) -> tuple[tuple[str, str], ...]:
        """Return a list of pairs of ISO3 codes, e.g. ``[["MYS", "SGP"]]``."""
        value = self.get(key) if default is None else self.get(key, default)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"was {value!r}; expected a list of ISO3 pairs")
            return ()
        out = []
        for i, pair in enumerate(value):
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(c, str) and _ISO3.match(c) for c in pair)
            ):
                self.fail(f"{key}[{i}]", f"was {pair!r}; expected a pair of ISO3 codes")
                continue
            out.append((pair[0], pair[1]))
        return tuple(out)

    def weights(
        self,
        key: str,
        components: Iterable[str],
        *,
        total: float | None = 1.0,
        what: str = "component",
    ) -> dict[str, float]:
        """Return non-negative weights of known components (summing to ``total``)."""
        allowed = list(components)
        table = self.table(key, required=True)
        out = dict.fromkeys(allowed, 0.0)
        for comp in table:
            if comp not in allowed:
                self.fail(
                    f"{key}.{comp}",
                    f"unknown {what}{_closest(comp, allowed)}; {what}s: {allowed}",
                )
                continue
            value = table[comp]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                self.fail(f"{key}.{comp}", f"was {value!r} but must be a non-negative number")
                continue
            out[comp] = self.number(f"{key}.{comp}", low=0.0)
        given = sum(out.values())
        if table and total is not None and not math.isclose(given, total, abs_tol=1e-6):
            self.fail(key, f"weights sum to {given:g}; they must sum to {total:g}")
        return out

    def file(self, key: str, base: Path, *, default: str | None = None) -> Path:
        """Return a path relative to ``base`` (the file's folder) that exists."""
        value = self.string(key, default)
        resolved = base / value
        if value and not resolved.exists():
            self.fail(key, f"{str(resolved)!r} does not exist")
        return resolved
