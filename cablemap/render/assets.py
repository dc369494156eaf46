"""Self-contained HTML: the vendored Leaflet and cablemap's own JS/CSS inlined, no CDN."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

#: What folium would fetch; the map declares only these, and inlining replaces them.
LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"

_CSS = """
.cm-popup { font: 12px/1.35 system-ui, sans-serif; }
.cm-title { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
.cm-key { color: #555; }
.cm-breakdown { border-collapse: collapse; margin-top: 4px; }
.cm-breakdown td, .cm-breakdown th { border-bottom: 1px solid #ddd; padding: 1px 6px; text-align: right; }
.cm-breakdown td:first-child, .cm-breakdown th:first-child { text-align: left; }
.cm-cables { margin-top: 4px; max-width: 400px; }
.cm-search { background: #fff; padding: 4px; }
.cm-search input { width: 230px; font-size: 13px; }
.cm-search ul { list-style: none; margin: 0; padding: 0; max-height: 220px; overflow-y: auto; }
.cm-search li { padding: 2px 4px; cursor: pointer; font: 12px sans-serif; }
.cm-search li:hover { background: #eef; }
.cm-fullscreen { font-size: 18px; line-height: 30px; text-align: center; text-decoration: none; }
.cm-panel { position: absolute; z-index: 1000; background: rgba(255,255,255,.93); padding: 6px 9px;
  font: 12px/1.35 system-ui, sans-serif; border: 1px solid #999; border-radius: 4px; max-width: 300px; }
.cm-panel h4 { margin: 0 0 4px 0; font-size: 13px; }
.leaflet-container { background: #dce9f3; }
.cm-panel ol { margin: 0; padding-left: 28px; max-height: 260px; overflow-y: auto; }
.cm-panel li { cursor: pointer; }
.cm-panel li:hover { text-decoration: underline; }
.cm-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: middle;
  border: 1px solid #666; }
.cm-line { display: inline-block; width: 18px; height: 3px; margin-right: 5px; vertical-align: middle; }
"""


@lru_cache(maxsize=4)
def _vendored(name: str) -> str:
    return resources.files("cablemap.render").joinpath("vendor", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def runtime_js() -> str:
    """Return the cablemap map runtime (escaping, popups, search, fullscreen, registry)."""
    return resources.files("cablemap.render").joinpath("cablemap.js").read_text(encoding="utf-8")


def runtime_css() -> str:
    """Styles of cablemap's popups, panels and controls."""
    return _CSS


def inline_assets(html: str) -> str:
    """Replace the CDN references of Leaflet with the vendored copy, inlined.

    Parameters
    ----------
    html
        A rendered folium page that declares only :data:`LEAFLET_JS_URL` and
        :data:`LEAFLET_CSS_URL`.

    Returns
    -------
    str
        The same page with no external script or stylesheet.
    """
    js = _vendored("leaflet.js").replace("</script", "<\\/script")
    css = _vendored("leaflet.css")
    html = html.replace(f'<script src="{LEAFLET_JS_URL}"></script>', f"<script>{js}</script>", 1)
    return re.sub(
        rf'<link rel="stylesheet" href="{re.escape(LEAFLET_CSS_URL)}"\s*/>',
        lambda _: f"<style>{css}</style>",
        html,
        count=1,
    )


def external_references(html: str) -> list[str]:
    """URLs a page would fetch by itself (scripts, stylesheets, images); empty when offline."""
    return re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', html)
