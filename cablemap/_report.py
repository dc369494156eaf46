"""What a load counted, skipped or repaired: :class:`Issue` and :class:`LoadReport`.

Apart from :mod:`cablemap._validate` (which needs pandas) so that reading a build report, or
an up-to-date build, imports nothing heavy.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Issue", "LoadReport"]


@dataclass(frozen=True)
class Issue:
    """One problem met while loading, with where it is.

    ``severity`` is ``"error"`` when a record or link was skipped (data lost) and
    ``"warning"`` when it was kept: repaired, flagged or missing an optional value.
    """

    severity: Literal["error", "warning"]
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        """Return ``severity: file, record 'x', field 'y': message``."""
        return (
            f"{self.severity}: {self.file}, record {self.record!r}, "
            f"field {self.field!r}: {self.message}"
        )


@dataclass
class LoadReport:
    """Everything a loader counted, skipped or repaired.

    Attributes
    ----------
    issues
        Every problem, in the order met.
    counts
        Named counts, e.g. ``{"cables loaded": 521, "landing points loaded": 1414}``.
    """

    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(
        self, severity: Literal["error", "warning"], file: str, record: str, fld: str, msg: str
    ) -> None:
        """Record one issue."""
        self.issues.append(Issue(severity, file, record, fld, msg))

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the count called ``name``."""
        self.counts[name] = self.counts.get(name, 0) + n

    def merge(self, other: LoadReport) -> None:
        """Fold another report's issues and counts into this one."""
        self.issues.extend(other.issues)
        for name, n in other.counts.items():
            self.count(name, n)

    @property
    def errors(self) -> list[Issue]:
        """Issues where a record or link was skipped."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues where a record was kept but repaired or flagged."""
        return [i for i in self.issues if i.severity == "warning"]

    def summary_lines(self) -> list[str]:
        """Return the counts, then issues grouped by severity, field and kind of problem."""
        lines = [f"{name}: {n}" for name, n in self.counts.items()]
        groups = Counter((i.severity, i.field, i.message.split(":")[0]) for i in self.issues)
        lines.extend(
            f"{n} {sev}{'s' if n > 1 else ''} in field {fld!r}: {kind}"
            for (sev, fld, kind), n in sorted(groups.items())
        )
        return lines


# ----------------------------------------------------------------------------- field values
# One reading of years, yes/no flags and lengths for every loader. Each returns
# ``(value, problem)``: ``(None, None)`` for a missing value, ``(None, "kind: detail")`` for a
# value that cannot be used (the loader reports it naming file, record and field, and reads it
# as missing), else ``(value, None)``.
