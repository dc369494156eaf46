"""Inline SVG for printable pages: a stacked bar chart, a bar chart and a static country map.

Pure functions from plain values to SVG text (no CDN, no script), small enough for a page
under a few hundred kilobytes and crisp in print. Every data string is ``html.escape``-d
before it reaches the markup; colours and numbers are formatted here, never taken as text.

The map projects longitude/latitude (EPSG:4326 degrees) equirectangularly around the view's
middle latitude. A view whose points straddle the antimeridian (Fiji, Kiribati, Tuvalu) is
drawn in 0..360° longitudes, so the country is drawn whole instead of split at both edges.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from cablemap.render.style import TIER_COLOURS

if TYPE_CHECKING:
    import pandas as pd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "MapView",
    "Place",
    "bar_chart_svg",
    "country_map_svg",
    "short_place_name",
    "stacked_year_chart_svg",
]

#: Colour of cables that name no supplier in the year chart.
NO_SUPPLIER_COLOUR = "#d5d8dc"
_FONT = 'font-family="system-ui,sans-serif" font-size="11"'


def _e(text: object) -> str:
    return html.escape(str(text))


def _open(kind: str, width: int, height: int, title: str) -> str:
    """Return the opening ``<svg>`` tag of a chart or map, with its title (escaped)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" {_FONT}>'
        f"<title>{_e(title)}</title>"
    )


def _caption(x: int, y: int, title: str) -> str:
    return f'<text x="{x}" y="{y}" font-weight="600">{_e(title)}</text>'


def stacked_year_chart_svg(
    table: pd.DataFrame,
    *,
    title: str,
    series: Sequence[str] = ("high", "elevated", "unrated", "trusted", "no_supplier"),
    width: int = 640,
    height: int = 220,
) -> str:
    """Draw counts per year as stacked bars, with the high-tier share as a line.

    Parameters
    ----------
    table
        Indexed by year; one count column per name in ``series``, and ``high_tier_share``
        (0..1 or NaN), as :func:`cablemap.risk.history.timeline.new_cables_by_year` returns.
    title
        Caption (escaped).
    series
        Columns stacked bottom to top; tiers take their map colours.
    width, height
        Size in pixels.

    Returns
    -------
    str
        An ``<svg>`` element; an empty table gives a chart saying there is nothing to draw.
    """
    left, right, top, bottom = 34, 40, 22, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    if table.empty:
        return (
            _open("cm-chart", width, 40, title)
            + _caption(left, 14, title)
            + f'<text x="{left}" y="32">no cable with an RFS year to draw</text></svg>'
        )
    parts = [_open("cm-chart", width, height, title), _caption(left, 14, title)]
    years = list(range(int(table.index.min()), int(table.index.max()) + 1))
    counts = table.reindex(years, fill_value=0)
    peak = max(int(counts[list(series)].sum(axis=1).max()), 1)
    step = max(1, math.ceil(peak / 4))
    slot = plot_w / len(years)
    bar = min(max(slot * 0.8, 1.0), 36.0)  # one year alone is a bar, not a block
    for tick in range(0, peak + 1, step):
        y = top + plot_h - tick / peak * plot_h
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e8eb"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    label_every = max(1, math.ceil(len(years) / 12))
    share_points = []
    for i, year in enumerate(years):
        x = left + i * slot + (slot - bar) / 2
        base = 0
        row = counts.loc[year]
        for name in series:
            n = int(row[name])
            if n <= 0:
                continue
            h = n / peak * plot_h
            y = top + plot_h - (base + n) / peak * plot_h
            colour = TIER_COLOURS.get(name, NO_SUPPLIER_COLOUR)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{year}: {n} {_e(name.replace("_", " "))}</title></rect>'
            )
            base += n
        share = float(row.get("high_tier_share", math.nan)) if base else math.nan
        if not math.isnan(share):
            share_points.append((x + bar / 2, top + plot_h - share * plot_h))
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 13}" '
                f'text-anchor="middle">{year}</text>'
            )
    if share_points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in share_points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="#111" stroke-width="1.2" '
            'stroke-dasharray="3 2"><title>share of high-tier suppliers</title></polyline>'
        )
    parts.append(
        f'<text x="{left + plot_w + 4}" y="{top + 4}">100 %</text>'
        f'<text x="{left + plot_w + 4}" y="{top + plot_h + 4}">0 %</text>'
    )
    legend_y = height - 6
    x = left
    for name in series:
        colour = TIER_COLOURS.get(name, NO_SUPPLIER_COLOUR)
        label = name.replace("_", " ")
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 13}" y="{legend_y}">{_e(label)}</text>'
        )
        x += 20 + 7 * len(label)
    parts.append(
        f'<line x1="{x}" x2="{x + 16}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="#111" '
        f'stroke-dasharray="3 2"/><text x="{x + 20}" y="{legend_y}">high-tier share</text></svg>'
    )
    return "".join(parts)


def bar_chart_svg(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 640,
    row_height: int = 18,
    colour: str = "#2471a3",
) -> str:
    """Draw labelled horizontal bars (e.g. the contributions of a score's components).

    Parameters
    ----------
    rows
        ``(label, value)`` pairs, drawn in order; values ≥ 0 share one scale.
    title
        Caption (escaped).
    width, row_height
        Size in pixels.
    colour
        Bar colour.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    label_w, value_w, top = 170, 60, 20
    plot_w = width - label_w - value_w
    height = top + row_height * max(len(rows), 1) + 6
    peak = max((v for _, v in rows if math.isfinite(v)), default=0.0) or 1.0
    parts = [_open("cm-chart", width, height, title), _caption(0, 13, title)]
    for i, (label, value) in enumerate(rows):
        y = top + i * row_height
        finite = math.isfinite(value)
        w = max(value, 0.0) / peak * plot_w if finite else 0.0
        shown = f"{value:.3f}" if finite else "n/a"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_height - 5}" '
            f'fill="{colour}"/><text x="{label_w + w + 4:.1f}" y="{y + 12}">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class MapView:
    """The window of a static map: bounds in degrees and whether longitudes run 0..360.

    Attributes
    ----------
    west, south, east, north
        Bounds in EPSG:4326 degrees (``west``/``east`` in 0..360 when ``shifted``).
    shifted
        Longitudes below 0 are drawn at ``lon + 360`` (a view across the antimeridian).
    """

    west: float
    south: float
    east: float
    north: float
    shifted: bool

    @classmethod
    def around(
        cls, lons: Iterable[float], lats: Iterable[float], *, min_span: float = 4.0
    ) -> MapView:
        """Return the padded view around points (degrees), across the antimeridian if needed."""
        x, y = np.asarray(list(lons), float), np.asarray(list(lats), float)
        if not len(x):
            return cls(-180.0, -60.0, 180.0, 75.0, shifted=False)
        shifted = bool(np.ptp(x) > 180 and np.ptp(np.where(x < 0, x + 360, x)) < np.ptp(x))
        if shifted:
            x = np.where(x < 0, x + 360, x)
        west, east, south, north = x.min(), x.max(), y.min(), y.max()
        pad_x = max((east - west) * 0.15, (min_span - (east - west)) / 2, 0.5)
        pad_y = max((north - south) * 0.15, (min_span - (north - south)) / 2, 0.5)
        return cls(
            float(west - pad_x),
            float(max(south - pad_y, -85.0)),
            float(east + pad_x),
            float(min(north + pad_y, 85.0)),
            shifted,
        )

    def boxes(self) -> list[Polygon]:
        """Return the view as polygons in -180..180 degrees (two across the antimeridian)."""
        w, s, e, n = self.west, self.south, self.east, self.north
        if not self.shifted or e <= 180:
            return [box(w, s, e, n)]
        if w >= 180:
            return [box(w - 360, s, e - 360, n)]
        return [box(w, s, 180, n), box(-180, s, e - 360, n)]

    def clip(self, geom: BaseGeometry, margin: float = 0.1) -> list[BaseGeometry]:
        """Return the parts of a geometry inside the view widened by ``margin`` (a share)."""
        dx, dy = (self.east - self.west) * margin, (self.north - self.south) * margin
        wide = MapView(
            self.west - dx, self.south - dy, self.east + dx, self.north + dy, self.shifted
        )
        parts = [shapely.clip_by_rect(geom, *b.bounds) for b in wide.boxes()]
        return [p for p in parts if not p.is_empty]

    def lon(self, x: np.ndarray) -> np.ndarray:
        """Longitudes in this view's frame."""
        return np.where(x < 0, x + 360, x) if self.shifted else x

    def near(self, x: np.ndarray, y: np.ndarray, margin: float = 0.5) -> np.ndarray:
        """Which points (already in this frame) lie within the view widened by ``margin``."""
        dx, dy = (self.east - self.west) * margin, (self.north - self.south) * margin
        return (
            (x >= self.west - dx)
            & (x <= self.east + dx)
            & (y >= self.south - dy)
            & (y <= self.north + dy)
        )


class _Projector:
    def __init__(self, view: MapView, width: int, max_height: int) -> None:
        self.view = view
        self.kx = math.cos(math.radians((view.north + view.south) / 2))
        span_x = (view.east - view.west) * self.kx
        span_y = view.north - view.south
        self.scale = width / span_x
        if span_y * self.scale > max_height:
            self.scale = max_height / span_y
        self.width = round(span_x * self.scale)
        self.height = round(span_y * self.scale)

    def xy(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = (lon - self.view.west) * self.kx * self.scale
        y = (self.view.north - lat) * self.scale
        return x, y


def _coords(geom: BaseGeometry) -> list[np.ndarray]:
    """Return the coordinate arrays of every line or ring of a geometry."""
    kind = geom.geom_type
    if kind in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)[:, :2]]
    if kind == "Polygon":
        rings = (geom.exterior, *geom.interiors)  # type: ignore[attr-defined]
        return [np.asarray(r.coords)[:, :2] for r in rings]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [a for part in geom.geoms for a in _coords(part)]  # type: ignore[attr-defined]
    return []


def _path(geom: BaseGeometry, proj: _Projector, *, closed: bool, margin: float = 0.5) -> str:
    """SVG path data of a geometry in the view; lines broken where they jump a hemisphere."""
    out: list[str] = []
    for arr in _coords(geom):
        if len(arr) < 2:
            continue
        lon = proj.view.lon(arr[:, 0])
        lat = arr[:, 1]
        near = proj.view.near(lon, lat, margin)
        if not near.any():
            continue
        x, y = proj.xy(lon, lat)
        breaks = np.flatnonzero(np.abs(np.diff(lon)) > 180) + 1
        for xs, ys, ns in zip(
            np.split(x, breaks), np.split(y, breaks), np.split(near, breaks), strict=True
        ):
            if len(xs) < 2 or not ns.any():
                continue
            pts = " ".join(f"{a:.1f} {b:.1f}" for a, b in zip(xs, ys, strict=True))
            out.append(f"M{pts}{'Z' if closed else ''}")
    return "".join(out)


def _islets(
    geoms: Sequence[BaseGeometry], view: MapView, proj: _Projector, tolerance: float
) -> list[str]:
    """Mark the country's islands too small to draw at this scale (atolls) with a ring."""
    marks = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        for part in getattr(g, "geoms", [g]):
            w, s, e, n = part.bounds
            if max(e - w, n - s) > 3 * tolerance:
                continue
            p = part.representative_point()
            x, y = proj.xy(view.lon(np.array([p.x])), np.array([p.y]))
            if 0 <= x[0] <= proj.width and 0 <= y[0] <= proj.height:
                marks.append(
                    f'<circle cx="{x[0]:.1f}" cy="{y[0]:.1f}" r="2.5" fill="#fbe3b4" '
                    'stroke="#b9770e" stroke-width="0.8"/>'
                )
    return marks


#: Kilometres per degree of latitude (WGS84 mean), for the scale bar.
KM_PER_DEGREE = 111.32
_LABEL = (
    'font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'
)


@dataclass(frozen=True)
class Place:
    """A named point of a static map (EPSG:4326 degrees).

    Attributes
    ----------
    name
        Its label and hover title (escaped when drawn).
    lon, lat
        Where it is.
    """

    name: str
    lon: float
    lat: float


class _Labels:
    """Labels placed without overlapping each other, the markers or the picture's edge.

    Each label tries four positions around its point (right, left, above, below) and is left
    out, its name kept as the marker's hover title, when none is free.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.boxes: list[tuple[float, float, float, float]] = []
        self.parts: list[str] = []

    def block(self, x: float, y: float, r: float) -> None:
        """Keep labels off a marker."""
        self.boxes.append((x - r, y - r, x + r, y + r))

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 1 or y0 < 1 or x1 > self.width - 1 or y1 > self.height - 1:
            return False
        return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in self.boxes)

    def place(self, text: str, x: float, y: float, *, r: float, kind: str, style: str) -> bool:
        """Place a label beside ``(x, y)`` (pixels); return whether it found room.

        The room a label takes is estimated from 10 px text as Chromium draws it (about 5.5
        px a character, 6.4 in bold; 9.5 px above the baseline, 2.4 below) with a margin
        for the white halo; tests measure the drawn boxes.
        """
        w = (7.0 if "700" in style else 6.0) * len(text)
        options = (
            (x + r + 2, y + 3.5, "start"),
            (x - r - 2, y + 3.5, "end"),
            (x, y - r - 3, "middle"),
            (x, y + r + 11, "middle"),
        )
        for tx, ty, anchor in options:
            x0 = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            room = (x0 - 1.5, ty - 11.0, x0 + w + 1.5, ty + 4.0)
            if self._free(room):
                self.boxes.append(room)
                self.parts.append(
                    f'<text class="cm-label cm-label-{kind}" x="{tx:.1f}" y="{ty:.1f}" '
                    f'text-anchor="{anchor}" {_LABEL} {style}>{_e(text)}</text>'
                )
                return True
        return False


def _nice_km(km: float) -> float:
    """Return the largest 1, 2 or 5 x 10^k not above ``km``."""
    power = 10 ** math.floor(math.log10(km))
    return max(m * power for m in (1, 2, 5) if m * power <= km)


def _scale_bar(proj: _Projector, labels: _Labels) -> str:
    """Draw a scale bar (bottom left), true at the view's middle latitude; keep labels off."""
    km_per_px = KM_PER_DEGREE / proj.scale
    km = _nice_km(proj.width / 5 * km_per_px)
    px = km / km_per_px
    x, y = 10.0, proj.height - 12.0
    label = f"{km:,.0f} km" if km >= 1 else f"{km * 1000:,.0f} m"
    middle = (proj.view.north + proj.view.south) / 2
    where = f"{abs(middle):.0f}°{'N' if middle >= 0 else 'S'}"
    box_w = px + 8 + 7 * len(label)
    labels.boxes.append((x - 4, y - 13, x - 4 + box_w, y + 6))
    return (
        f'<g class="cm-scale"><title>Scale bar: {_e(label)}, true at {where} (equirectangular '
        f'projection)</title><rect x="{x - 4:.1f}" y="{y - 13:.1f}" width="{box_w:.1f}" '
        f'height="19" fill="#fff" fill-opacity="0.8"/><path d="M{x:.1f} {y - 4:.1f}V{y:.1f}'
        f'H{x + px:.1f}V{y - 4:.1f}" fill="none" stroke="#1b2631" stroke-width="1.5"/>'
        f'<text x="{x + px + 4:.1f}" y="{y + 1:.1f}" font-size="10">{_e(label)}</text></g>'
    )


def _xy(proj: _Projector, lon: float, lat: float) -> tuple[float, float]:
    x, y = proj.xy(proj.view.lon(np.array([lon])), np.array([lat]))
    return float(x[0]), float(y[0])


def _neighbour_anchor(
    geom: BaseGeometry, view: MapView, proj: _Projector
) -> tuple[float, float] | None:
    """Where to name a neighbour: inside its largest part within the view, if on the picture."""
    parts = [q for g in view.clip(geom, margin=0.0) for q in getattr(g, "geoms", [g])]
    parts = [q for q in parts if q.geom_type == "Polygon" and not q.is_empty]
    if not parts:
        return None
    point = max(parts, key=lambda q: q.area).representative_point()
    x, y = _xy(proj, point.x, point.y)
    return (x, y) if 0 <= x <= proj.width and 0 <= y <= proj.height else None


def country_map_svg(
    view: MapView,
    *,
    title: str,
    land: Sequence[BaseGeometry],
    country: Sequence[BaseGeometry],
    cables: Sequence[tuple[str, BaseGeometry, str]],
    points: Sequence[tuple[str, float, float]],
    facilities: Sequence[tuple[str, float, float]] = (),
    capital: Place | None = None,
    neighbours: Sequence[tuple[str, BaseGeometry]] = (),
    width: int = 640,
    max_height: int = 420,
) -> str:
    """Draw a labelled static map: land, the country, its cables, stations, capital, scale.

    Parameters
    ----------
    view
        The window (:meth:`MapView.around`).
    title
        Accessible title (escaped).
    land, country
        Polygons (EPSG:4326) of the land around and of the country itself.
    cables
        ``(name, geometry, colour)``: routes in EPSG:4326, drawn clipped to the view, each
        with its name as a hover title.
    points, facilities
        ``(name, lon, lat)`` of landing points (circles, named beside them in the given order
        while there is room: put the busiest first) and facilities (squares, hover titles).
    capital
        The capital, drawn as a ringed dot and named first.
    neighbours
        ``(name, polygons)`` of the countries around: named inside their land in the view.
    width, max_height
        Size in pixels.

    Returns
    -------
    str
        An ``<svg>`` element with a scale bar (bottom left; true at the view's middle
        latitude). Labels never overlap: a name without room stays the marker's hover title.
    """
    proj = _Projector(view, width, max_height)
    w, h = proj.width, proj.height
    parts = [
        _open("cm-map", w, h, title)
        + f'<defs><clipPath id="cm-clip"><rect width="{w}" height="{h}"/></clipPath></defs>'
        f'<rect width="{w}" height="{h}" fill="#eaf2f8"/><g clip-path="url(#cm-clip)">'
    ]
    tolerance = (view.east - view.west) / width  # about a pixel, in degrees
    for geoms, fill in ((land, "#f4f1ea"), (country, "#fbe3b4")):
        d = "".join(
            _path(part.simplify(tolerance, preserve_topology=False), proj, closed=True, margin=0.1)
            for g in geoms
            if g is not None and not g.is_empty
            for part in view.clip(g)
        )
        if d:
            parts.append(f'<path d="{d}" fill="{fill}" stroke="#a9a49a" stroke-width="0.5"/>')
    parts.extend(_islets(country, view, proj, tolerance))
    for name, geom, colour in cables:
        if geom is None or geom.is_empty:
            continue
        d = _path(geom.simplify(tolerance, preserve_topology=False), proj, closed=False)
        if d:
            parts.append(
                f'<path d="{d}" fill="none" stroke="{_e(colour)}" stroke-width="1.6" '
                f'stroke-opacity="0.85"><title>{_e(name)}</title></path>'
            )
    labels = _Labels(w, h)
    scale = _scale_bar(proj, labels)
    parts.extend(_markers(proj, labels, points, facilities, capital))
    parts.append("</g>")
    _name_places(proj, labels, points, capital, neighbours)
    parts.extend(labels.parts)
    parts.append(scale + "</svg>")
    return "".join(parts)


def _markers(
    proj: _Projector,
    labels: _Labels,
    points: Sequence[tuple[str, float, float]],
    facilities: Sequence[tuple[str, float, float]],
    capital: Place | None,
) -> list[str]:
    """Facility squares, station circles and the capital's ringed dot (labels kept off them)."""
    out = []
    for name, lon, lat in facilities:
        x, y = _xy(proj, lon, lat)
        out.append(
            f'<rect x="{x - 2.5:.1f}" y="{y - 2.5:.1f}" width="5" height="5" fill="#7d3c98">'
            f"<title>{_e(name)}</title></rect>"
        )
    for name, lon, lat in points:
        x, y = _xy(proj, lon, lat)
        labels.block(x, y, 3.5)
        out.append(
            f'<circle class="cm-station" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1b2631" '
            f'stroke="#fff"><title>{_e(name)}</title></circle>'
        )
    if capital is not None:
        x, y = _xy(proj, capital.lon, capital.lat)
        labels.block(x, y, 5)
        out.append(
            f'<g class="cm-capital"><title>{_e(capital.name)} (capital)</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="#c0392b" '
            f'stroke-width="2"/><circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="#c0392b"/></g>'
        )
    return out


def _name_places(
    proj: _Projector,
    labels: _Labels,
    points: Sequence[tuple[str, float, float]],
    capital: Place | None,
    neighbours: Sequence[tuple[str, BaseGeometry]],
) -> None:
    """Name the capital, then the stations in order, then the neighbours, where there is room."""
    if capital is not None:
        x, y = _xy(proj, capital.lon, capital.lat)
        labels.place(
            capital.name, x, y, r=5, kind="capital", style='font-weight="700" fill="#922b21"'
        )
    for name, lon, lat in points:
        x, y = _xy(proj, lon, lat)
        if capital is not None and _same_name(short_place_name(name), capital.name):
            continue  # the capital's label names it
        if 0 <= x <= proj.width and 0 <= y <= proj.height:
            labels.place(
                short_place_name(name), x, y, r=3.5, kind="station", style='fill="#1b2631"'
            )
    for name, geom in neighbours:
        anchor = _neighbour_anchor(geom, proj.view, proj)
        if anchor is not None:
            labels.place(
                name,
                anchor[0],
                anchor[1],
                r=0,
                kind="neighbour",
                style='font-style="italic" fill="#6c7a89"',
            )


def _same_name(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or a.startswith(b) or b.startswith(a)


def short_place_name(name: str) -> str:
    """Return a landing point's name without its country (``"Suva, Fiji"`` -> ``"Suva"``).

    Parameters
    ----------
    name
        The name as the data gives it.

    Returns
    -------
    str
        The part before the first comma (the whole name if there is none).
    """
    head = name.split(",", 1)[0].strip()
    return head or name
