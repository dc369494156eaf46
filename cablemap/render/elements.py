"""Folium elements of cablemap's maps: the runtime, data layers, panels and the page title.

**Data never becomes template source.** branca compiles the text of every ``Element(...)`` as a
Jinja2 template, and its ``MacroElement.render`` wraps each macro's *output* in such an
``Element``: a cable named ``{{ 7*7 }}`` would be evaluated (and a crafted name could run code)
while the page is built, however well it was HTML-escaped. So every element of cablemap is a
:class:`SafeMacroElement`, whose macros' output goes into the page as :class:`Literal` text,
never compiled again; data enters the constant templates only as attributes (``this.data``).
Data reaches JavaScript only through Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&`` and
``'``); the runtime (``cablemap.js``) escapes every data string again before it becomes HTML.
Panel HTML is built here from ``html.escape``-d strings only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from cablemap.render.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, runtime_css, runtime_js


def new_map(**kwargs: Any) -> folium.Map:
    """Return a folium map that declares Leaflet alone (no jQuery, Bootstrap or icons)."""
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True, **kwargs)
    m.default_js = [("leaflet", LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    return m


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
        (https://leafletjs.com/reference.html#path-option).
    meta
        Popup metadata: ``fields`` (``[property, label]`` pairs), ``tooltipFields``,
        ``components`` and ``weights`` (score breakdown), ``count``, ``model``,
        ``cableNames``.
    popup, searchable
        Whether features get a popup / enter the search index.
    geometry_from
        Kind of an earlier layer of the page whose features have the same ids and shapes: the
        shapes are not repeated in the page, the runtime takes them from that layer.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            cablemap.registry.meta[{{ this.kind|tojson }}] = {{ this.meta|tojson }};
            cablemap.addLayer({{ this.map_.get_name() }}, {{ this._parent.get_name() }},
                {{ this.kind|tojson }}, {{ this.data|tojson }}, {{ this.options|tojson }});
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
    ) -> None:
        super().__init__()
        self._name = "CablemapLayer"
        self.map_ = map_
        self.kind = kind
        self.data = data
        self.meta = meta or {}
        self.options: dict[str, Any] = {"popup": popup, "searchable": searchable}
        if geometry_from:
            self.options["geometryFrom"] = geometry_from
            self.data = {
                **data,
                "features": [{**f, "geometry": None} for f in data["features"]],
            }


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
    """A fixed panel of the page; its HTML is a template *value*, never template source."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div class="cm-panel" style="{{ this.position|e }}">{{ this.inner_html }}</div>
        {% endmacro %}
        """
    )

    def __init__(self, inner_html: str, *, position: str) -> None:
        super().__init__()
        self._name = "CablemapPanel"
        self.inner_html = inner_html
        self.position = position


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


def add_panel(m: folium.Map, inner_html: str, *, position: str) -> None:
    """Add a fixed panel to the page.

    Parameters
    ----------
    m
        The map.
    inner_html
        HTML built only from ``html.escape``-d strings; it is placed as text, never compiled.
    position
        CSS placement, e.g. ``"bottom: 18px; left: 10px"``.
    """
    m.add_child(Panel(inner_html, position=position))


def add_title(m: folium.Map, title: str) -> None:
    """Give the page a ``<title>`` (escaped; never compiled as a template)."""
    m.add_child(Title(title))


def legend_html(title: str, rows: list[tuple[str, str, str]]) -> str:
    """Legend rows of ``(kind, colour, label)`` with kind ``swatch``, ``line`` or ``dot``."""
    parts = [f"<h4>{html.escape(title)}</h4>"]
    for kind, colour, label in rows:
        shape = "cm-line" if kind == "line" else "cm-swatch"
        radius = "border-radius:50%;" if kind == "dot" else ""
        parts.append(
            f'<div><span class="{shape}" style="background:{html.escape(colour)};{radius}"></span>'
            f"{html.escape(label)}</div>"
        )
    return "".join(parts)


def ranked_list_html(title: str, kind: str, rows: list[tuple[str, str, float]]) -> str:
    """Return a clickable ranked list of ``(id, label, value)`` rows that fly to the feature."""
    items = "".join(
        f'<li data-cm-kind="{html.escape(kind)}" data-cm-focus="{html.escape(row_id)}">'
        f"{html.escape(label)} <span class='cm-key'>{value:.3f}</span></li>"
        for row_id, label, value in rows
    )
    return f"<h4>{html.escape(title)}</h4><ol>{items}</ol>"
