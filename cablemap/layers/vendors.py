"""The vendor registry: canonical names, aliases and home countries of cable suppliers and owners.

Every layer resolves supplier and owner strings through this one registry, so that
"HMN Technologies", "Huawei Marine" and "HMN Tech" count as one vendor everywhere.
The registry is ``vendor_registry.csv`` beside this module (columns ``name``, ``aliases``
separated by ``;``, ``roles``, ``home_iso3``, ``parent``, ``source``); add a row or an alias
there to teach cablemap a new spelling.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from cablemap._errors import LayerValidationError, UnknownVendorError
from cablemap._validate import names_or_empty

if TYPE_CHECKING:
    import pandas as pd

    from cablemap._validate import LoadReport

_REGISTRY_FILE = "vendor_registry.csv"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Vendor:
    """One registry entry.

    Attributes
    ----------
    name
        Canonical name used in every layer.
    aliases
        Other spellings that resolve to ``name``.
    roles
        What the vendor does in the cable market (``supplier``, ``owner``).
    home_iso3
        ISO 3166 alpha-3 code of the vendor's home country, empty where not established.
    parent
        Parent company, empty where none or unknown.
    source
        Where the facts of this row come from.
    """

    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    home_iso3: str
    parent: str
    source: str


def clean_name(name: str) -> str:
    """Trim a name and collapse runs of white space to one space.

    Parameters
    ----------
    name
        A raw name from a data file, e.g. ``"NTT,  China Telecom"`` parts.

    Returns
    -------
    str
        The tidied name.
    """
    return _SPACES.sub(" ", name).strip()


def split_names(value: str | None) -> list[str]:
    """Split a comma-separated list of company names into clean names.

    Parameters
    ----------
    value
        The raw field, e.g. ``"NTT,  China Telecom, KT"``; ``None`` or empty gives ``[]``.

    Returns
    -------
    list of str
        Names in their original order, cleaned, empties and exact repeats removed.
    """
    if not value:
        return []
    out: list[str] = []
    for part in value.split(","):
        name = clean_name(part)
        if name and name not in out:
            out.append(name)
    return out


@lru_cache(maxsize=1)
def _registry() -> tuple[dict[str, Vendor], dict[str, str]]:
    text = resources.files(__package__).joinpath(_REGISTRY_FILE).read_text(encoding="utf-8")
    vendors: dict[str, Vendor] = {}
    lookup: dict[str, str] = {}
    for line_no, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        vendor = Vendor(
            name=clean_name(row["name"]),
            aliases=tuple(clean_name(a) for a in row["aliases"].split(";") if a.strip()),
            roles=tuple(r for r in row["roles"].split(";") if r),
            home_iso3=row["home_iso3"].strip(),
            parent=row["parent"].strip(),
            source=row["source"].strip(),
        )
        vendors[vendor.name] = vendor
        for spelling in (vendor.name, *vendor.aliases):
            key = spelling.casefold()
            if lookup.get(key, vendor.name) != vendor.name:
                msg = (
                    f"{_REGISTRY_FILE}, line {line_no}: alias {spelling!r} of {vendor.name!r} "
                    f"is already an alias of {lookup[key]!r}"
                )
                raise LayerValidationError(msg)
            lookup[key] = vendor.name
    return vendors, lookup


def vendor_registry() -> dict[str, Vendor]:
    """Return the vendor registry keyed by canonical name.

    Returns
    -------
    dict of str to Vendor
        Every registry entry.
    """
    return dict(_registry()[0])


def canonical_vendor(name: str) -> tuple[str, bool]:
    """Map a raw company name to its canonical registry name, if it has one.

    Parameters
    ----------
    name
        A raw supplier or owner name.

    Returns
    -------
    tuple of (str, bool)
        The canonical name (or the cleaned input when the registry does not know it) and
        whether the registry knew it.
    """
    cleaned = clean_name(name)
    canonical = _registry()[1].get(cleaned.casefold())
    return (canonical, True) if canonical else (cleaned, False)


def resolve_vendor(name: str) -> str:
    """Return the canonical vendor name for a known name or alias.

    Parameters
    ----------
    name
        Any registered spelling, case-insensitive, e.g. ``"Huawei Marine"``.

    Returns
    -------
    str
        The canonical name, e.g. ``"HMN Tech"``.

    Raises
    ------
    UnknownVendorError
        If no registry entry has this name or alias; the message lists close matches.

    Examples
    --------
    >>> import cablemap as cm
    >>> cm.resolve_vendor("Huawei Marine Networks")
    'HMN Tech'
    """
    canonical, known = canonical_vendor(name)
    if known:
        return canonical
    import difflib  # noqa: PLC0415 - only needed on the error path

    spellings = list(_registry()[1])
    close = difflib.get_close_matches(canonical.casefold(), spellings, n=5, cutoff=0.6)
    suggestions = sorted({_registry()[1][c] for c in close})
    msg = (
        f"vendor {name!r} is not in the vendor registry "
        f"(cablemap/layers/{_REGISTRY_FILE}); closest known vendors: {suggestions or 'none'}"
    )
    raise UnknownVendorError(msg)


def count_unregistered(cables: pd.DataFrame, report: LoadReport) -> None:
    """Count, per column, the distinct supplier and owner names the registry does not know.

    They are kept as written (never dropped); the count tells where the registry needs rows.

    Parameters
    ----------
    cables
        A ``cables`` layer with ``owners`` and ``suppliers`` list columns.
    report
        Receives one count per column with unregistered names.
    """
    for column in ("suppliers", "owners"):
        names = {
            n
            for names in cables[column]
            for n in names_or_empty(names)
            if not canonical_vendor(n)[1]
        }
        if names:
            report.count(
                f"distinct {column} not in the vendor registry (kept as written)", len(names)
            )
