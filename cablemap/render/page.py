"""What every map page shares: the frame, one switchable data layer, the info box and the end.

A page starts with :func:`base_map`, adds its layers with :func:`add_layer` (a feature group
holding a :class:`~cablemap.render.elements.DataLayer`, registered in the layer control) and
ends with :func:`close_page` (legends, info box, layer control added last).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import folium

from cablemap.render.elements import (
    DataLayer,
    FitView,
    Runtime,
    add_panel,
    add_title,
    new_map,
)
from cablemap.render.features import collection
from cablemap.render.report import REPORT_HTML, skipped_headline
from cablemap.risk.model.spec import COMPONENTS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cablemap.layers.collection import Layers
    from cablemap.render.features import Feature
    from cablemap.risk.model.region import Region
    from cablemap.risk.scoring.score import Scores


#: Steps per degree of country shapes in a page: their outlines keep 2 decimals (about 1 km).
OUTLINE_SCALE = 100


def base_map(region: Region, title: str) -> folium.Map:
    """Return a new map titled ``title``, fitted to the region's view."""
    m = new_map()
    add_title(m, title)
    west, south, east, north = region.bbox
    m.add_child(FitView([[south, west], [north, east]]))
    return m


def add_layer(
    m: folium.Map,
    name: str,
    kind: str,
    features: Iterable[Feature],
    meta: dict[str, Any] | None = None,
    *,
    show: bool = True,
    popup: bool = True,
    searchable: bool = True,
    geometry_from: str | None = None,
    base: bool = False,
    scale: int = 1000,
) -> None:
    """Add features as one switchable layer: a feature group the layer control lists.

    See https://leafletjs.com/reference.html#featuregroup.

    Parameters
    ----------
    m
        The map.
    name
        The layer's name in the layer control.
    kind
        The runtime's layer key (``cables``, ``landing_points``, ``countries``...).
    features
        GeoJSON features (those without a geometry are left out).
    meta
        Popup metadata of :class:`~cablemap.render.elements.DataLayer`.
    show
        Whether the layer is on when the page opens.
    popup, searchable
        Whether features get a popup / enter the search index.
    geometry_from
        Kind of an earlier layer with the same shapes by id: they are sent once.
    base
        One of the page's exclusive views: a radio button of the layer control (only one
        such layer is on at a time), not a check box.
    scale
        Steps per degree of the coordinates in the page: 1000 (about 100 m) by default, 100
        for country shapes (:data:`OUTLINE_SCALE`).
    """
    group = folium.FeatureGroup(name=name, show=show, overlay=not base)
    DataLayer(
        m,
        kind,
        collection(features),
        meta,
        popup=popup,
        searchable=searchable,
        geometry_from=geometry_from,
        base=base,
        scale=scale,
    ).add_to(group)
    group.add_to(m)


def score_meta(scores: Scores, entity: str) -> dict[str, Any]:
    """Return what the runtime needs to draw an entity's score breakdown in its popups."""
    comps = list(COMPONENTS[entity])
    model = scores.model
    # a model may form a score as importance^a x vulnerability^(1-a) (read if it says so)
    combination = getattr(model, "combination", None)
    product = callable(combination) and combination(entity) == "product"
    a = getattr(model, "importance_exponent", None)
    return {
        "components": comps,
        "weights": [(model.weights.get(entity) or model.site_weights[entity])[c] for c in comps],
        "count": len(scores.table(entity)),
        "model": model.name,
        "formula": f"importance^{a:g} x vulnerability^{1 - a:g}" if product and a else None,
    }


def info_panel(m: folium.Map, layers: Layers, title: str, extra: str = "", terms: str = "") -> None:
    """Add the info box: title, data version, build time, skipped records, attribution.

    ``extra`` and ``terms`` are HTML the caller escaped (``terms``: the page's definitions,
    :func:`~cablemap.render.elements.definitions_html`).
    """
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(sorted({str(v) for v in layers.cables["source_version"].unique()}))
    attribution = " | ".join(html.escape(a) for a in layers.attributions) or "cablemap"
    skipped = len(layers.report.errors)
    if skipped:  # the build report sits beside the maps (cablemap.render.report)
        extra += (
            f'<br><a class="cm-skipped" href="{REPORT_HTML}">'
            f"{html.escape(skipped_headline(skipped))} — see report</a>"
        )
    add_panel(
        m,
        f"data: {html.escape(versions)}<br>built {built}{extra}<br>{attribution}{terms}",
        title=title,
        dock="left",
        order=90,
        end=True,
        name="info",
    )


def add_legend(m: folium.Map, legend: str, *, collapsed: bool = False) -> None:
    """Add the legend: docked at the bottom of the right column."""
    add_panel(
        m,
        legend,
        title="Legend",
        dock="right",
        order=90,
        end=True,
        name="legend",
        collapsed=collapsed,
    )


def close_page(
    m: folium.Map,
    layers: Layers,
    legend: str,
    title: str,
    extra: str = "",
    *,
    online_tiles: bool = False,
    terms: str = "",
) -> folium.Map:
    """End every map alike: the legend, the info box, then the layer control."""
    add_legend(m, legend)
    info_panel(m, layers, title, extra, terms)
    return finish(m, online_tiles=online_tiles)


def finish(m: folium.Map, *, online_tiles: bool = False) -> folium.Map:
    """Add the optional tile layer, the runtime and the layer control (last); return the map."""
    if online_tiles:  # offered, not shown: no tile is requested until an analyst ticks it
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap tiles (needs network)", overlay=True, show=False
        ).add_to(m)
    Runtime().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
