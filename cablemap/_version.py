"""The installed version of cablemap, read once from the package metadata.

``pyproject.toml`` is the only place the version is written; this foundation module imports
nothing from cablemap, so any module may take ``__version__`` from here without importing the
package root (which imports everything).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("cablemap")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
