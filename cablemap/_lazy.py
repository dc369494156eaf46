"""Lazy re-exports: a package names its public API without importing it until first use.

``import cablemap`` (and ``cablemap --help``) must not import geopandas, folium or scipy; the
package roots therefore map each public name to the module that defines it and import that
module on first access (PEP 562 module ``__getattr__``), as SciPy and scikit-image do.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, table: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return the ``__getattr__`` and ``__dir__`` of a package whose names load on first use.

    Parameters
    ----------
    package
        The package's ``__name__`` (for the error message).
    table
        Public name -> the module defining it (``{"score": "cablemap.risk.scoring.score"}``).
    namespace
        The package's ``globals()``: a name, once imported, is stored there, so later accesses
        are plain attribute lookups.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign at the package's top level.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the PEP 562 hook
        module = table.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the PEP 562 hook
        return sorted({*namespace, *table})

    return __getattr__, __dir__
