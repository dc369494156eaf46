"""Self-contained HTML: the vendored Leaflet and cablemap's own JS/CSS inlined, no CDN."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

#: What folium would fetch; the map declares only these, and inlining replaces them.
LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"

_CSS = """
.leaflet-container { background: #dce9f3; font: 12px/1.35 system-ui, sans-serif; }
.leaflet-interactive:focus, .leaflet-container path:focus { outline: none; }
/* two docked columns: every control and panel of a side stacks in one, so none overlaps */
.cm-dock { position: absolute; top: 0; bottom: 0; z-index: 1000; display: flex;
  flex-direction: column; pointer-events: none; max-width: 300px; }
.cm-dock-left { left: 0; align-items: flex-start; }
.cm-dock-right { right: 0; align-items: flex-end; max-width: 320px; }
@media (min-width: 1280px) { .cm-dock-left, .cm-dock-right { max-width: 380px; } }
.cm-dock .leaflet-top, .cm-dock .leaflet-bottom { position: static; flex: none; display: flow-root;
  max-width: 100%; }
.cm-dock .leaflet-bottom .leaflet-control { margin-top: 6px; }
.cm-slot { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; width: 100%; }
.cm-dock-left .cm-slot { align-items: flex-start; }
.cm-dock-right .cm-slot { align-items: flex-end; }
.cm-panel[data-cm-dock] { display: none; }
.cm-dock .cm-panel { display: flex; }
.cm-panel { flex-direction: column; flex: 0 1 auto; min-height: 34px; box-sizing: border-box;
  margin: 8px 10px 0 10px; max-width: calc(100% - 20px); pointer-events: auto; position: relative;
  background: rgba(255,255,255,.95); border: 1px solid #999; border-radius: 4px;
  font: 12px/1.35 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
.cm-panel.cm-first-end { margin-top: auto; }
.cm-slot > .cm-panel:first-child.cm-first-end { margin-top: auto; }
.cm-head { display: flex; align-items: center; gap: 6px; padding: 4px 8px; cursor: pointer;
  flex: none; }
.cm-head h4 { margin: 0; font-size: 13px; flex: 1 1 auto; }
.cm-toggle { border: 0; background: none; cursor: pointer; font-size: 12px; padding: 0 2px;
  transition: transform .15s; }
.cm-collapsed .cm-toggle { transform: rotate(-90deg); }
.cm-body { overflow: auto; min-height: 0; padding: 0 9px 6px 9px; }
.cm-collapsed > .cm-body, .cm-layers.cm-collapsed .leaflet-control-layers-list { display: none; }
.cm-panel h5 { margin: 6px 0 2px 0; font-size: 12px; }
.cm-key { color: #555; }
.cm-terms { margin: 4px 0 0 0; } .cm-terms dt { font-weight: 600; margin-top: 3px; }
.cm-terms dd { margin: 0 0 0 8px; color: #333; }
.cm-layers { padding: 0 !important; } .cm-layers .leaflet-control-layers-list { padding: 0 8px 6px 8px;
  max-height: 38vh; overflow: auto; }
.cm-layers-caption { margin: 2px 0; }
.cm-tablebox { margin-top: 4px; }
.cm-tablehead { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.cm-caption { font-weight: 600; }
.cm-csv { font-size: 11px; border: 1px solid #2e86c1; border-radius: 3px; padding: 0 4px;
  text-decoration: none; color: #1f618d; white-space: nowrap; }
.cm-table { border-collapse: collapse; width: 100%; }
.cm-table th { text-align: left; font-weight: 600; border-bottom: 1px solid #999; padding: 1px 4px;
  position: sticky; top: 0; background: #fff; }
.cm-table td { border-bottom: 1px solid #e3e3e3; padding: 1px 4px; vertical-align: top; }
.cm-table tr[data-cm-focus] { cursor: pointer; }
.cm-table tr[data-cm-focus]:hover, .cm-table tr[data-cm-focus]:focus { background: #eaf2fb; }
.cm-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: middle;
  border: 1px solid #666; }
.cm-line { display: inline-block; width: 18px; height: 3px; margin-right: 5px; vertical-align: middle; }
.cm-filters label, .cm-colour label { display: block; margin: 2px 0; }
.cm-filters input[type=text] { width: 150px; } .cm-filters input[type=number] { width: 58px; }
.cm-filter-count { font-weight: 600; }
/* search: results open over whatever is below them */
.cm-search { background: #fff; padding: 4px; position: relative; }
.leaflet-control.cm-search { z-index: 900; }
.cm-search input { width: 250px; font-size: 13px; }
.cm-results { list-style: none; margin: 0; padding: 0; position: absolute; left: -2px; top: 100%;
  z-index: 1200; background: #fff; width: 280px; max-height: 280px; overflow-y: auto;
  box-shadow: 0 2px 6px rgba(0,0,0,.3); }
.cm-results:empty { display: none; }
.cm-results li { padding: 3px 6px; cursor: pointer; font: 12px sans-serif; }
.cm-results li:hover, .cm-results li.cm-active { background: #dbe9fb; }
.cm-results li.cm-none { color: #777; cursor: default; }
.cm-fullscreen { font-size: 18px; line-height: 30px; text-align: center; text-decoration: none; }
/* popups and tooltips sit above the docked panels */
.cm-popup-holder { position: absolute; left: 0; top: 0; z-index: 1100; pointer-events: none; }
.cm-popup-holder .leaflet-popup { pointer-events: auto; }
.leaflet-cmPopups-pane { z-index: 700; } .leaflet-cmTooltips-pane { z-index: 650; }
.cm-popup { font: 12px/1.35 system-ui, sans-serif; }
/* compact: a popup whose folded parts are opened scrolls instead of growing */
.cm-popup-holder .leaflet-popup-content { max-height: 340px; overflow-y: auto; }
.cm-title { font-weight: 600; font-size: 13px; }
.cm-sub { color: #666; margin-bottom: 4px; }
.cm-kv { border-collapse: collapse; margin-top: 2px; width: 100%; }
.cm-kv th { text-align: left; font-weight: normal; color: #555; padding: 0 8px 1px 0;
  vertical-align: top; width: 45%; }
.cm-kv td { padding: 0 0 1px 0; vertical-align: top; }
.cm-weak { margin: 2px 0 4px 0; padding-left: 16px; color: #922b21; }
.cm-more { margin-top: 3px; } .cm-more summary { cursor: pointer; color: #1f618d; }
.cm-breakdown { border-collapse: collapse; margin-top: 4px; }
.cm-breakdown td, .cm-breakdown th { border-bottom: 1px solid #ddd; padding: 1px 6px; text-align: right; }
.cm-breakdown td:first-child, .cm-breakdown th:first-child { text-align: left; }
.cm-brief { margin-top: 4px; }
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
