"""Text helpers shared by every stage: the one slugifier."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
#: A name that is already safe as a file name (a model's scenario names are such).
FILE_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def slug(text: str, *, sep: str = "-", max_len: int | None = None, default: str = "x") -> str:
    """Return ``text`` as a file- and URL-safe name: lower-case letters and digits.

    Parameters
    ----------
    text
        Any text (a scenario, provider or site name).
    sep
        What replaces every run of other characters.
    max_len
        Keep at most this many characters.
    default
        The slug of a text with no letter or digit.

    Returns
    -------
    str
        The slug.

    Examples
    --------
    >>> slug("Luzon Strait (2006)")
    'luzon-strait-2006'
    >>> slug("tier:high", sep="_")
    'tier_high'
    """
    out = _NOT_ALNUM.sub(sep, text.lower()).strip(sep)
    if max_len is not None:
        out = out[:max_len].strip(sep)
    return out or default
