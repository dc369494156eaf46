"""The one shell of cablemap's standalone pages: index, briefs, build report, change report.

Each page gives its title (escaped here), its own style and its body (already escaped where it
holds data); the shell adds the document, the character set and the base style every page
shares, so that the pages read alike and a change to the shell reaches all of them.
"""

from __future__ import annotations

import html

__all__ = ["BASE_CSS", "page_html"]

#: The style every standalone page starts from (a page's own style follows and may refine it).
BASE_CSS = (
    "body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;"
    "color:#1b2631}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left;"
    "vertical-align:top}"
)


def page_html(title: str, body: str, *, css: str = "") -> str:
    """Return a standalone HTML page.

    Parameters
    ----------
    title
        The page title (plain text: escaped here).
    body
        The page's HTML, every data string in it already escaped.
    css
        The page's own style, after :data:`BASE_CSS`.

    Returns
    -------
    str
        The document, ending in a newline.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{BASE_CSS}{css}</style></head><body>\n"
        f"{body}</body></html>\n"
    )
