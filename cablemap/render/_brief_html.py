"""Small HTML helpers shared by the sections of a country brief (every value escaped)."""

from __future__ import annotations

import html
import math

import numpy as np

from cablemap._validate import is_missing
from cablemap.render.style import MUTED_COLOUR, TIER_COLOURS

MISSING = '<span class="muted">not in the source</span>'


def esc(value: object) -> str:
    """Escape a value; ``None``/NaN say "not in the source"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return html.escape(str(value))


def names_html(value: object) -> str:
    """Join a list of names (or one) with commas, escaped."""
    if is_missing(value):
        return MISSING
    items = list(value) if isinstance(value, list | tuple | np.ndarray) else [value]
    return html.escape(", ".join(str(v) for v in items)) or '<span class="muted">none named</span>'


def tier_html(tier: str) -> str:
    """Show a vendor tier with its map colour."""
    colour = TIER_COLOURS.get(tier, MUTED_COLOUR)
    return (
        f'<span class="nw"><span class="tier" style="background:{colour}"></span>'
        f"{html.escape(tier)}</span>"
    )


def rank_text(value: object, of: int | None = None) -> str:
    """``rank N`` (``of M``), or ``not ranked``."""
    if is_missing(value):
        return "not ranked"
    return f"rank {int(value)}" + (f" of {of}" if of else "")  # type: ignore[call-overload]


def num(value: object, digits: int = 3) -> str:
    """Format a number with ``digits`` decimals, or ``n/a``."""
    if is_missing(value):
        return "n/a"
    try:
        return f"{float(value):.{digits}f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return html.escape(str(value))


def table(head: list[str], rows: list[list[str]], empty: str) -> str:
    """Render a table of already-escaped cells, or ``empty`` as a muted paragraph."""
    if not rows:
        return f'<p class="muted">{html.escape(empty)}</p>'
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def source_html(source: object, date: object) -> str:
    """Render a cited source: a link for an http(s) URL, else text; its date in brackets."""
    if is_missing(source):
        return esc(None)
    text = str(source)
    when = "" if is_missing(date) or not str(date) else f" ({html.escape(str(date))})"
    if text.startswith(("https://", "http://")):
        link = html.escape(text)
        return f'<a class="src" href="{link}">{link}</a>{when}'
    return f'<span class="src">{html.escape(text)}</span>{when}'
