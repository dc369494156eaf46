"""Exception and warning hierarchy of cablemap."""

from __future__ import annotations


class CablemapError(Exception):
    """Base class of every error cablemap raises on purpose."""


class LayerValidationError(CablemapError, ValueError):
    """A layer or input file breaks its schema; the message lists every problem found."""


class EmptyLayerError(CablemapError, ValueError):
    """A source yielded no records at all."""


class SourceFormatError(CablemapError, ValueError):
    """A source path is of no format cablemap can read, or is malformed."""


class UnsafeFileError(CablemapError, ValueError):
    """A file to read is no regular file (a pipe, a folder, a device), a link or too large."""


class DownloadError(CablemapError, OSError):
    """A download failed (no network, HTTP error, or a timeout)."""


class UnknownVendorError(CablemapError, KeyError):
    """A vendor name is not in the vendor registry."""

    def __str__(self) -> str:
        """Return the message without the quotes KeyError adds."""
        return str(self.args[0]) if self.args else ""


class CablemapWarning(UserWarning):
    """A data-quality problem the user should know about and may want to fix."""


class RiskSpecError(CablemapError, ValueError):
    """A model definition in risk_models/ is malformed; the message names the file and key."""


class ScenarioError(CablemapError, ValueError):
    """A cut names an unknown cable, vendor or area, or cannot be parsed."""


class YearError(CablemapError, ValueError):
    """A year outside the release's span (its oldest RFS year to its last planned one)."""


class BuildOutputError(CablemapError, OSError):
    """An output folder cannot be created or written; the message names it and says why."""


class BuildLockedError(CablemapError, RuntimeError):
    """Another build holds the output folder; the message says which process."""
