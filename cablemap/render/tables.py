"""Tables of static pages, each with a CSV download equal to the rows shown.

:func:`table_html` renders an HTML table and, beside it, a link whose ``data:`` URI holds the
same header and rows as CSV: the page stays offline and self-contained, and what an analyst
downloads is exactly what the table shows (the cells' text, links dropped). Every data string
is ``html.escape``-d; the CSV is percent-encoded into the URI.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["Cell", "csv_link", "csv_text", "table_html"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, and optionally a link and a CSS class.

    Attributes
    ----------
    text
        What the cell shows (escaped when rendered) and what the CSV holds.
    href
        A link (relative URL) the text points to, if any; never part of the CSV.
    cls
        CSS class of the cell (``"num"`` right-aligns numbers).
    """

    text: str
    href: str | None = None
    cls: str | None = None


CellLike = Cell | str


def _cell(value: CellLike) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value))


def csv_text(head: Sequence[str], rows: Sequence[Sequence[CellLike]]) -> str:
    """Return the header and rows as CSV text (the cells' text, CRLF line ends).

    Parameters
    ----------
    head
        Column names.
    rows
        Rows of cells (:class:`Cell` or plain text).

    Returns
    -------
    str
        CSV as :mod:`csv` writes it (quoted where needed); a cell that a spreadsheet would
        run as a formula (starting with ``=``, ``+``, ``@``, a tab or a carriage return) gets
        a leading ``'`` and is otherwise the text shown.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_inert(h) for h in head])
    writer.writerows([_inert(_cell(c).text) for c in row] for row in rows)
    return buffer.getvalue()


#: First characters a spreadsheet reads as a formula (a minus is left alone: numbers).
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _inert(text: str) -> str:
    """Keep a cell from data from running as a spreadsheet formula: ``'`` before ``=+@``."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_link(name: str, head: Sequence[str], rows: Sequence[Sequence[CellLike]]) -> str:
    """Return an ``<a download>`` link whose ``data:`` URI holds the table as CSV.

    Parameters
    ----------
    name
        File name offered on download, without ``.csv`` (letters, digits, ``-`` and ``_``).
    head, rows
        The table (:func:`csv_text`).

    Returns
    -------
    str
        The link, ``CSV`` as its text.
    """
    uri = "data:text/csv;charset=utf-8," + quote(csv_text(head, rows), safe="")
    return (
        f'<a class="csv" download="{html.escape(name)}.csv" href="{html.escape(uri)}" '
        f'title="Download this table as CSV ({len(rows)} rows)">CSV</a>'
    )


def _td(cell: Cell) -> str:
    text = html.escape(cell.text)
    if cell.href:
        text = f'<a href="{html.escape(cell.href)}">{text}</a>'
    cls = f' class="{html.escape(cell.cls)}"' if cell.cls else ""
    return f"<td{cls}>{text}</td>"


def table_html(
    head: Sequence[str],
    rows: Sequence[Sequence[CellLike]],
    *,
    csv_name: str | None = None,
    empty: str = "none",
    caption: str | None = None,
) -> str:
    """Render a table, with its CSV download beside it when ``csv_name`` is given.

    Parameters
    ----------
    head
        Column names.
    rows
        Rows of cells; plain strings are text.
    csv_name
        File name of the CSV download (no link without it, nor for an empty table).
    empty
        What to show when there are no rows.
    caption
        A caption above the table (escaped).

    Returns
    -------
    str
        ``<table class="cm-table">`` (with ``data-csv`` naming its download) and the link, or
        a paragraph saying ``empty``.
    """
    if not rows:
        return f'<p class="muted">{html.escape(empty)}</p>'
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(_cell(c)) for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    attr = f' data-csv="{html.escape(csv_name)}"' if csv_name else ""
    link = f'<p class="csv-link">{csv_link(csv_name, head, rows)}</p>' if csv_name else ""
    return (
        f'<table class="cm-table"{attr}>{cap}<thead><tr>{th}</tr></thead>'
        f"<tbody>{body}</tbody></table>{link}"
    )
