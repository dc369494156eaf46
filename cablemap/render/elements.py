r"""Folium elements of cablemap's maps: the runtime, data layers, panels, tables and the title.

**Data never becomes template source.** branca compiles the text of every ``Element(...)`` as a
Jinja2 template, and its ``MacroElement.render`` wraps each macro's *output* in such an
``Element``: a cable named ``{{ 7*7 }}`` would be evaluated (and a crafted name could run code)
while the page is built, however well it was HTML-escaped. So every element of cablemap is a
:class:`SafeMacroElement`, whose macros' output goes into the page as :class:`Literal` text,
never compiled again; data enters the constant templates only as attributes (``this.data``).
Data reaches JavaScript only as JSON escaped for a script (:func:`script_json`: ``<``, ``>``,
``&`` and ``'`` as ``\u`` escapes, as Jinja's ``tojson`` does); the runtime (``cablemap.js``)
escapes every data string again before it becomes HTML. Panel HTML is built here from
``html.escape``-d strings only.

Layers reach the page packed (:func:`pack_features`): one column per property instead of one
object per feature, repeated strings once, geometries as integer steps
(:func:`cablemap.render.geometry.encode_geometry`); the runtime unpacks them into GeoJSON.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from cablemap.render.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, runtime_css, runtime_js
from cablemap.render.geometry import decode_geometry, encode_geometry

#: Where a panel docks: the left column (under search) or the right one (under the layers).
DOCKS = ("left", "right")


def new_map(**kwargs: Any) -> folium.Map:
    """Return a folium map that declares Leaflet alone (no jQuery, Bootstrap or icons).

    Vectors are drawn on one canvas (``preferCanvas``): thousands of markers redraw in a
    frame where as many SVG elements would not.
    """
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True, prefer_canvas=True, **kwargs)
    m.default_js = [("leaflet", LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    return m


def script_json(value: Any) -> str:
    """Return compact JSON that is safe inside a ``<script>`` (``< > & '`` escaped)."""
    return str(htmlsafe_json_dumps(value, separators=(",", ":"), ensure_ascii=False))


class Literal(Element):
    """Text that goes into the page exactly as given: it is never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Literal"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class SafeMacroElement(MacroElement):
    """A ``MacroElement`` whose rendered macros are placed as :class:`Literal` text.

    branca's own ``render`` wraps each macro's output in ``Element(output)``, which compiles the
    output (data included) as a new Jinja2 template. This one does the same placement without
    that second compilation.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's own returns None
        """Render the ``header``, ``html`` and ``script`` macros into the page, then children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = f"{type(self).__name__} can only be rendered inside a Figure"
            raise TypeError(msg)
        module = self._template.module
        for part, target in (
            ("header", figure.header),
            ("html", figure.html),
            ("script", figure.script),
        ):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(Literal(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


# ----------------------------------------------------------------------------- packed layers
def _same(values: list[Any]) -> bool:
    first = values[0]
    return all(type(v) is type(first) and v == first for v in values)


def _column(values: list[Any]) -> Any:
    """One property column: a constant, a dictionary of repeated strings, or the values."""
    if _same(values):
        return {"k": values[0]}
    present = [v for v in values if v is not None]
    if all(isinstance(v, str) for v in present):
        distinct = list(dict.fromkeys(present))
        if 2 * len(distinct) <= len(values):
            at = {v: i for i, v in enumerate(distinct)}
            return {"d": distinct, "i": [-1 if v is None else at[v] for v in values]}
    if present and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        distinct = list(dict.fromkeys(x for v in present for x in v))
        if len(distinct) * 2 <= sum(len(v) for v in present):
            at = {v: i for i, v in enumerate(distinct)}
            return {"D": distinct, "I": [None if v is None else [at[x] for x in v] for v in values]}
    return values


def _columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return {k: _column([r.get(k) for r in rows]) for k in keys}


def pack_features(
    collection: dict[str, Any], *, geometry: bool = True, scale: int = 1000
) -> dict[str, Any]:
    """Return a FeatureCollection in the page's packed form (``cablemap.js`` unpacks it).

    ``{"n": features, "q": steps per degree, "g": encoded geometries or None, "p": property
    columns, "s": style columns}``. A column is the list of values, ``{"k": value}`` when all
    are the same, ``{"d": strings, "i": indexes}`` for repeated strings (``-1``: none) or
    ``{"D": strings, "I": index lists}`` for lists of repeated strings.

    Parameters
    ----------
    collection
        A FeatureCollection whose features' properties end with their style ``_s``.
    geometry
        Keep the geometries (``False``: the runtime takes them from another layer).
    scale
        Steps per degree of the coordinates: 1000 (about 100 m) by default, 100 for country
        outlines (rounded to 2 decimals, about 1 km).
    """
    features = collection["features"]
    props = [{k: v for k, v in f["properties"].items() if k != "_s"} for f in features]
    styles = [f["properties"].get("_s") or {} for f in features]
    return {
        "n": len(features),
        "q": scale,
        "g": [encode_geometry(f["geometry"], scale) for f in features] if geometry else None,
        "p": _columns(props) if features else {},
        "s": _columns(styles) if features else {},
    }


def _values(column: Any, n: int) -> list[Any]:
    if isinstance(column, list):
        return column
    if "k" in column:
        return [column["k"]] * n
    if "d" in column:
        return [None if i < 0 else column["d"][i] for i in column["i"]]
    return [None if v is None else [column["D"][i] for i in v] for v in column["I"]]


def unpack_features(packed: dict[str, Any]) -> dict[str, Any]:
    """Return the FeatureCollection of :func:`pack_features` (for tests and tools).

    Properties the packed columns hold as ``None`` are left out, as the runtime does.
    """
    n = packed["n"]
    props = {k: _values(c, n) for k, c in packed["p"].items()}
    styles = {k: _values(c, n) for k, c in packed["s"].items()}
    geoms = packed["g"] or [None] * n
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": decode_geometry(geoms[i], packed["q"]),
                "properties": {
                    **{k: v[i] for k, v in props.items() if v[i] is not None},
                    "_s": {k: v[i] for k, v in styles.items() if v[i] is not None},
                },
            }
            for i in range(n)
        ],
    }


# ----------------------------------------------------------------------------- page elements
class Runtime(SafeMacroElement):
    """cablemap's JS runtime and CSS in the page head; search and fullscreen on the map.

    See https://leafletjs.com/reference.html#control for the control API used.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
            <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            cablemap.install({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "CablemapRuntime"
        self.css = runtime_css()
        self.js = runtime_js().replace("</script", "<\\/script")


class DataLayer(SafeMacroElement):
    """A GeoJSON layer drawn by the runtime, with popups, tooltips and search entries.

    Parameters
    ----------
    map_
        The map (the layer goes into a feature group of it).
    kind
        Layer key: ``cables``, ``landing_points``, ``countries``, ``chokepoints``...
    data
        A GeoJSON FeatureCollection; each feature's ``properties._s`` is its Leaflet style
        (https://leafletjs.com/reference.html#path-option). It reaches the page packed
        (:func:`pack_features`).
    meta
        Popup metadata: ``fields`` (``[property, label]`` or ``[property, label, format]``
        triples, format ``pct`` for a yearly probability, ``km``, ``int``), ``tooltipFields``,
        ``components`` and ``weights`` (score breakdown), ``count``, ``model``, ``cableNames``,
        ``card`` (country cards), ``search`` (extra properties searched: owners, iso3...).
    popup, searchable
        Whether features get a popup / enter the search index.
    geometry_from
        Kind of an earlier layer of the page whose features have the same ids and shapes: the
        shapes are not repeated in the page, the runtime takes them from that layer.
    base
        The layer is one of the page's exclusive views (a radio button of the layer control).
    scale
        Steps per degree of the packed coordinates (:func:`pack_features`).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            cablemap.registry.meta[{{ this.kind|tojson }}] = {{ this.meta_json }};
            cablemap.addLayer({{ this.map_.get_name() }}, {{ this._parent.get_name() }},
                {{ this.kind|tojson }}, {{ this.data_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        map_: folium.Map,
        kind: str,
        data: dict[str, Any],
        meta: dict[str, Any] | None = None,
        *,
        popup: bool = True,
        searchable: bool = True,
        geometry_from: str | None = None,
        base: bool = False,
        scale: int = 1000,
    ) -> None:
        super().__init__()
        self._name = "CablemapLayer"
        self.map_ = map_
        self.kind = kind
        self.meta_json = script_json(meta or {})
        self.options: dict[str, Any] = {"popup": popup, "searchable": searchable, "base": base}
        if geometry_from:
            self.options["geometryFrom"] = geometry_from
        self.options_json = script_json(self.options)  # "popup" first: tools find layers by it
        self.data_json = script_json(pack_features(data, geometry=not geometry_from, scale=scale))


class PageData(SafeMacroElement):
    """A JSON value the runtime reads as ``cablemap.registry.data[key]`` (cards, names...)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            cablemap.registry.data[{{ this.key|tojson }}] = {{ this.value_json }};
        {% endmacro %}
        """
    )

    def __init__(self, key: str, value: Any) -> None:
        super().__init__()
        self._name = "CablemapData"
        self.key = key
        self.value_json = script_json(value)


class BriefLinks(SafeMacroElement):
    """Tell the runtime which countries have a brief: their popups then link to it.

    Parameters
    ----------
    codes
        ISO3 codes with a brief at ``countries/<ISO3>.html`` beside the map. The runtime links
        only codes of three capital letters, so a link never carries other text from data.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            cablemap.registry.briefs = {{ this.codes|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__()
        self._name = "CablemapBriefs"
        self.codes = sorted(codes)


class Panel(SafeMacroElement):
    """A docked panel of the page; its HTML is a template *value*, never template source."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.panel_html }}
        {% endmacro %}
        """
    )

    def __init__(self, panel_html: str) -> None:
        super().__init__()
        self._name = "CablemapPanel"
        self.panel_html = panel_html


class FitView(SafeMacroElement):
    """Open the map on bounds at once: no zoom animation that a link's view would wait for.

    folium's ``FitBounds`` animates the first zoom; a view restored from the URL while that
    animation runs would be undone by its end.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {"animate": false});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "CablemapFitView"
        self.bounds = bounds


class Title(SafeMacroElement):
    """The page's ``<title>``, escaped, in the head."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <title>{{ this.title|e }}</title>
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "CablemapTitle"
        self.title = title


def panel_html(
    inner_html: str,
    *,
    title: str,
    dock: str = "left",
    order: int = 50,
    collapsed: bool = False,
    end: bool = False,
    name: str = "",
    css_class: str = "",
    dom_id: str = "",
) -> str:
    """Return a docked, collapsible panel: a header with its title and a body.

    Parameters
    ----------
    inner_html
        HTML built only from ``html.escape``-d strings.
    title
        The header (escaped here).
    dock
        ``left`` or ``right`` (:data:`DOCKS`): the runtime stacks the panels of a side in one
        column, so no two ever overlap.
    order
        Position in the column (lower first; ties keep the order of addition).
    collapsed
        Open with only the header shown.
    end
        Sit at the bottom of the column (legends, the info box).
    name
        A short id for the panel (``cm-panel-<name>``), e.g. for tests and links.
    css_class
        Further classes.
    dom_id
        The element id itself (instead of ``cm-panel-<name>``).
    """
    if dock not in DOCKS:
        msg = f"dock {dock!r}: use one of {DOCKS}"
        raise ValueError(msg)
    element_id = dom_id or (f"cm-panel-{name}" if name else "")
    attrs = f' id="{html.escape(element_id)}"' if element_id else ""
    flags = (" data-cm-collapsed" if collapsed else "") + (" data-cm-end" if end else "")
    return (
        f'<section class="cm-panel {html.escape(css_class)}" data-cm-dock="{dock}" '
        f'data-cm-order="{int(order)}"{flags}{attrs}>'
        f'<header class="cm-head"><h4>{html.escape(title)}</h4>'
        '<button type="button" class="cm-toggle" aria-expanded="true" '
        'aria-label="collapse or expand">&#9662;</button></header>'
        f'<div class="cm-body">{inner_html}</div></section>'
    )


def add_panel(m: folium.Map, inner_html: str, *, title: str, **options: Any) -> None:
    """Add a docked panel to the page (options of :func:`panel_html`).

    Parameters
    ----------
    m
        The map.
    inner_html
        HTML built only from ``html.escape``-d strings; it is placed as text, never compiled.
    title
        The panel's header.
    **options
        ``dock``, ``order``, ``collapsed``, ``end``, ``name``, ``css_class``.
    """
    m.add_child(Panel(panel_html(inner_html, title=title, **options)))


def add_title(m: folium.Map, title: str) -> None:
    """Give the page a ``<title>`` (escaped; never compiled as a template)."""
    m.add_child(Title(title))


def legend_html(title: str, rows: list[tuple[str, str, str]]) -> str:
    """Return legend rows of ``(kind, colour, label)``: ``swatch``, ``line``, ``dash``, ``dot``."""
    parts = [f"<h5>{html.escape(title)}</h5>"] if title else []
    for kind, colour, label in rows:
        shape = "cm-line" if kind in ("line", "dash") else "cm-swatch"
        radius = "border-radius:50%;" if kind == "dot" else ""
        fill = (
            f"background:repeating-linear-gradient(90deg,{html.escape(colour)} 0 4px,"
            "transparent 4px 7px);"
            if kind == "dash"
            else f"background:{html.escape(colour)};"
        )
        parts.append(
            f'<div><span class="{shape}" style="{fill}{radius}"></span>{html.escape(label)}</div>'
        )
    return "".join(parts)


def definitions_html(terms: Sequence[tuple[str, str]]) -> str:
    """Return a definition list of ``(term, meaning)``, both escaped."""
    items = "".join(
        f"<dt>{html.escape(term)}</dt><dd>{html.escape(meaning)}</dd>" for term, meaning in terms
    )
    return f'<dl class="cm-terms">{items}</dl>'


# ----------------------------------------------------------------------------- tables
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(text: str) -> str:
    """Return a cell as a spreadsheet should read it: text from data never becomes a formula."""
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def csv_text(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return the header and rows as CSV (RFC 4180 quoting, formula-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(c) for c in columns])
    writer.writerows([[_csv_cell(str(c)) for c in row] for row in rows])
    return out.getvalue()


def csv_link(columns: Sequence[str], rows: Sequence[Sequence[str]], filename: str) -> str:
    """Return an ``<a download>`` whose ``data:`` URI holds the table as CSV (offline)."""
    uri = "data:text/csv;charset=utf-8," + quote("\ufeff" + csv_text(columns, rows), safe="")
    return (
        f'<a class="cm-csv" download="{html.escape(filename)}" href="{uri}" '
        f'title="Download this table as CSV">CSV</a>'
    )


def table_html(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    filename: str,
    caption: str = "",
    focus: Sequence[tuple[str, str] | None] | None = None,
    notes: Sequence[str] = (),
) -> str:
    """Return a table with its CSV download: the CSV has exactly the rows shown.

    Parameters
    ----------
    columns
        Header cells (units in the header, numbers alone in the cells).
    rows
        Cell texts, already formatted; escaped here.
    filename
        The CSV's file name.
    caption
        A line above the table (escaped).
    focus
        Per row, ``(layer kind, feature id)`` to fly to when the row is clicked, or ``None``.
    notes
        Lines under the table (escaped).
    """
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        target = focus[i] if focus is not None else None
        attrs = (
            f' data-cm-kind="{html.escape(target[0])}" data-cm-focus="{html.escape(target[1])}"'
            ' tabindex="0"'
            if target
            else ""
        )
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
        body.append(f"<tr{attrs}>{cells}</tr>")
    top = f'<span class="cm-caption">{html.escape(caption)}</span>' if caption else "<span></span>"
    after = "".join(f'<div class="cm-key">{html.escape(n)}</div>' for n in notes)
    return (
        f'<div class="cm-tablebox"><div class="cm-tablehead">{top}'
        f"{csv_link(columns, rows, filename)}</div>"
        f'<div class="cm-scroll"><table class="cm-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{after}</div>"
    )


def ranked_table_html(
    kind: str,
    rows: Sequence[tuple[str, str, str]],
    *,
    value: str,
    filename: str,
    caption: str = "",
) -> str:
    """Return a ranked table of ``(id, name, value)`` rows that fly to their feature."""
    return table_html(
        ["#", "name", value],
        [[str(i + 1), name, v] for i, (_, name, v) in enumerate(rows)],
        filename=filename,
        caption=caption,
        focus=[(kind, row_id) for row_id, _, _ in rows],
    )
