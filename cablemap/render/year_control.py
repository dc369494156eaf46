"""The year control of the strategic-nodes and vendor-exposure maps: the network as of a year.

A slider from the release's oldest RFS year to its last planned one (step buttons beside it).
At year ``Y`` the page draws the cables of ``layers.as_of(Y)`` (:meth:`cablemap.Layers.as_of`:
in-service cables from their RFS year, planned ones from the release's current year on, cables
without an RFS year always) and the landing points that still have a cable, and recolours
countries (vendor exposure) or landing points (strategic nodes) with the scores of the scored
year at or before ``Y`` (:mod:`cablemap.risk.history.years`, precomputed at build time); the control
says which. It opens at the release's own year (its ``current`` year: the network as the release
describes it today, planned cables drawn from then on); a button brings it back there. The drawn
cable count is shown as text (``"469 cables"``).

Everything reaches the page as JSON values of a constant template (:class:`SafeMacroElement`);
the script (``years.js``) writes text with ``textContent`` only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd
from folium.template import Template

from cablemap._tables import json_safe
from cablemap.render.elements import SafeMacroElement, panel_html, script_json
from cablemap.render.style import LAND_COLOUR, MISSING_COLOUR, radius, ramp

if TYPE_CHECKING:
    from collections.abc import Iterable

    import folium

    from cablemap.layers.collection import Layers
    from cablemap.render.features import Feature
    from cablemap.risk.history.years import YearScores
    from cablemap.risk.scoring.score import Scores

_CSS = """
.cm-years { min-width: 250px; }
.cm-years input[type=range] { width: 170px; vertical-align: middle; }
.cm-years button { border: 1px solid #999; background: #fff; border-radius: 3px; cursor: pointer;
  padding: 0 5px; }
.cm-year-count { font-weight: bold; }
"""


@dataclass(frozen=True)
class Recolour:
    """Per-year fills (and sizes) of one layer of the page, as compact columns.

    Attributes
    ----------
    kind
        The layer (``"countries"``, ``"landing_points"``).
    label
        What the colours are, e.g. ``"country colours: vendor exposure"``.
    years
        The scored years, ascending.
    index
        Positions, in the layer's features, of the recoloured features.
    palette
        The fill colours; ``colour[y][i]`` indexes it (``-1``: no score that year).
    colour, radius
        Per year, per recoloured feature: palette index, marker radius (or ``None``).
    notes
        ``[label, per-year values]`` pairs the popup shows for the year, e.g.
        ``["vendor exposure", [[0.41, ...], ...]]``.
    missing
        The style of a feature in a year without its score (before the first scored year,
        or no row that year).
    """

    kind: str
    label: str
    years: tuple[int, ...]
    index: list[int]
    palette: list[str]
    colour: list[list[int]]
    radius: list[list[float | None]] | None
    notes: list[tuple[str, list[list[Any]]]]
    missing: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """Return the JSON value the page's script reads."""
        return {
            "kind": self.kind,
            "label": self.label,
            "years": list(self.years),
            "index": self.index,
            "palette": self.palette,
            "colour": self.colour,
            "radius": self.radius,
            "notes": [[label, values] for label, values in self.notes],
            "missing": self.missing,
        }


def _scored_tables(years: YearScores, scores: Scores, entity: str) -> dict[int, pd.DataFrame]:
    """Per scored year, the table of an entity; the last planned year is the release itself."""
    frame = years.countries if entity == "country" else years.landing_points
    key = "iso3" if entity == "country" else "lp_id"
    tables = {int(y): rows.set_index(key) for y, rows in frame.groupby("year")}
    release = scores.countries if entity == "country" else scores.landing_points
    tables[years.last_year] = release.set_index(key)  # as_of(last) is the release: exact
    return dict(sorted(tables.items()))


def _columns(
    tables: dict[int, pd.DataFrame], ids: list[str], columns: list[str], digits: int | None = 3
) -> dict[str, list[list[Any]]]:
    """Per column, per year, the value of each id (``None`` where the year has no row)."""
    out: dict[str, list[list[Any]]] = {c: [] for c in columns}
    for table in tables.values():
        present = table.reindex(ids)
        for c in columns:
            values = present[c]
            if pd.api.types.is_numeric_dtype(values) and digits is not None:
                values = values.round(digits)
            out[c].append(json_safe(values.astype(object).tolist()))
    return out


def _palette(values: list[list[Any]]) -> tuple[list[str], list[list[int]]]:
    """Ramp colours of score values as a palette and per-year palette indexes (-1: none)."""
    palette: list[str] = []
    indexes = []
    for row in values:
        out = []
        for v in row:
            if v is None:
                out.append(-1)
                continue
            colour = ramp(float(v))
            if colour not in palette:
                palette.append(colour)
            out.append(palette.index(colour))
        indexes.append(out)
    return palette, indexes


def _positions(
    features: list[Feature], wanted: set[str] | None = None
) -> tuple[list[int], list[str]]:
    """Positions and ids of the drawn features (those with a geometry), optionally only some."""
    drawn = [f for f in features if f["geometry"]]
    pairs = [
        (i, str(f["properties"]["id"]))
        for i, f in enumerate(drawn)
        if wanted is None or f["properties"]["id"] in wanted
    ]
    return [i for i, _ in pairs], [d for _, d in pairs]


def country_recolour(
    years: YearScores, scores: Scores, features: list[Feature], iso3s: Iterable[str]
) -> Recolour:
    """Return the country fills by vendor exposure per scored year (the vendor-exposure map).

    Parameters
    ----------
    years
        Scores through time (:func:`cablemap.risk.history.years.score_years`).
    scores
        The release's scores (the last planned year).
    features
        The features of the ``countries`` layer.
    iso3s
        The shaded countries.

    Returns
    -------
    Recolour
        For the ``countries`` layer.
    """
    tables = _scored_tables(years, scores, "country")
    index, ids = _positions(features, set(iso3s))
    cols = _columns(tables, ids, ["vendor_exposure", "international_cables", "status"])
    palette, colour = _palette(_columns(tables, ids, ["vendor_exposure"], None)["vendor_exposure"])
    return Recolour(
        "countries",
        "country colours: vendor exposure",
        tuple(tables),
        index,
        palette,
        colour,
        None,
        [
            ("vendor exposure", cols["vendor_exposure"]),
            ("international cables", cols["international_cables"]),
            ("status", cols["status"]),
        ],
        {"fillColor": LAND_COLOUR},
    )


def landing_point_recolour(years: YearScores, scores: Scores, features: list[Feature]) -> Recolour:
    """Return the landing point colours (score) and sizes (criticality) per scored year.

    Parameters
    ----------
    years
        Scores through time.
    scores
        The release's scores (the last planned year).
    features
        The features of the ``landing_points`` layer.

    Returns
    -------
    Recolour
        For the ``landing_points`` layer.
    """
    tables = _scored_tables(years, scores, "landing_point")
    index, ids = _positions(features)
    critical = (
        "criticality" if all("criticality" in t.columns for t in tables.values()) else "score"
    )
    raw = _columns(tables, ids, ["score", critical], None)  # colours and sizes as drawn today
    palette, colour = _palette(raw["score"])
    sizes = [[None if c is None else radius(c) for c in row] for row in raw[critical]]
    cols = _columns(tables, ids, ["score"])
    return Recolour(
        "landing_points",
        "landing point colours: scores",
        tuple(tables),
        index,
        palette,
        colour,
        sizes,
        [("score", cols["score"])],
        {"fillColor": MISSING_COLOUR},
    )


def shown_from(
    layers: Layers, cable_ids: Iterable[str], point_ids: Iterable[str] = ()
) -> tuple[list[int | None], list[int | None]]:
    """Return the year each drawn cable and landing point appears from (``None``: always).

    A cable: :meth:`cablemap.Layers.cable_years`. A landing point: the earliest year of its
    cables (``None`` if one of them has no RFS year, or it has no cable), so that at every
    year the page draws exactly the landing points :meth:`~cablemap.Layers.as_of` keeps.

    Returns
    -------
    tuple of list
        The years of the cables and of the landing points, in the order given.
    """
    by_cable = pd.Series(
        layers.cable_years().to_numpy(), index=layers.cables["cable_id"].astype(str)
    )
    points = list(point_ids)
    links = layers.cable_landings
    links = links[links["lp_id"].isin(set(points))]
    years = pd.Series(
        by_cable.reindex(links["cable_id"].astype(str)).to_numpy(),
        index=links["lp_id"].astype(str).to_numpy(),
    )
    # a landing point shows from its first cable; always if one of its cables is undated
    undated = years.isna().groupby(level=0).any()
    by_point = years.groupby(level=0).min().where(~undated)
    return (
        json_safe(by_cable.reindex(list(cable_ids)).astype(object).tolist()),
        json_safe(by_point.reindex(points).astype(object).tolist()),
    )


class YearControl(SafeMacroElement):
    """The year slider panel; its data are JSON values of a constant template."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
            <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            {{ this.panel }}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            cablemapYears.install({{ this._parent.get_name() }}, {{ this.get_name()|tojson }},
                {{ this.spec_json }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: dict[str, Any], *, note: str, dock: str = "right") -> None:
        super().__init__()
        self._name = "CablemapYears"
        self.spec = spec
        self.spec_json = script_json(spec)
        start = spec["start"]
        self.count = sum(1 for y in spec["from"]["cables"] if y is None or y <= start)
        self.note = note
        self.css = _CSS
        js = resources.files("cablemap.render").joinpath("years.js").read_text(encoding="utf-8")
        self.js = js.replace("</script", "<\\/script")
        self.panel = panel_html(
            _year_body(spec, self.count, note),
            title="Network through time",
            dock=dock,
            order=5,
            css_class="cm-years",
            dom_id=self.get_name(),
        )


def _year_body(spec: dict[str, Any], count: int, note: str) -> str:
    """Return the slider, its buttons and what the colours are (numbers, escaped text)."""
    start, first, last = int(spec["start"]), int(spec["first"]), int(spec["last"])
    label = html.escape(str(spec["recolour"]["label"]))
    return (
        f'<div class="cm-year-line">as of <b class="cm-year">{start}</b> '
        f'<span class="cm-year-count">{count} cables</span></div>'
        '<button type="button" data-step="-1" aria-label="previous year">&#9664;</button>'
        f'<input type="range" min="{first}" max="{last}" step="1" value="{start}" '
        'aria-label="Year">'
        '<button type="button" data-step="1" aria-label="next year">&#9654;</button> '
        f'<button type="button" data-release aria-label="back to the release year">'
        f"{int(spec['current'])}</button>"
        f'<div class="cm-key cm-year-scores">{label}</div>'
        f'<div class="cm-key">{html.escape(note)}</div>'
    )


def add_year_control(
    m: folium.Map,
    layers: Layers,
    scores: Scores,
    years: YearScores | None,
    *,
    cables: list[Feature],
    points: list[Feature] | None = None,
    countries: tuple[list[Feature], Iterable[str]] | None = None,
) -> None:
    """Add the year control to a map whose layers are already added.

    Parameters
    ----------
    m
        The map (its ``cables`` layer, and the recoloured one, must be added before).
    layers, scores
        The release's layers and scores.
    years
        Scores through time (:func:`cablemap.risk.history.years.score_years`); ``None`` (a release
        without RFS years) adds nothing.
    cables
        The features of the ``cables`` layer.
    points
        The features of the ``landing_points`` layer: shown by year, and recoloured and
        resized by year (strategic nodes).
    countries
        The features of the ``countries`` layer and the shaded ISO3 codes: recoloured by
        year (vendor exposure).
    """
    if years is None:
        return
    _, cable_ids = _positions(cables)
    _, point_ids = _positions(points or [])
    if points is not None:
        recolour = landing_point_recolour(years, scores, points)
    elif countries is not None:
        recolour = country_recolour(years, scores, *countries)
    else:
        msg = "add_year_control needs the landing point or the country features to recolour"
        raise ValueError(msg)
    cable_from, point_from = shown_from(layers, cable_ids, point_ids)
    spec = {
        "first": years.first_year,
        "current": years.current_year,
        "last": years.last_year,
        "start": years.current_year,
        "from": {"cables": cable_from, **({"landing_points": point_from} if points else {})},
        "recolour": recolour.to_json(),
    }
    undated = sum(1 for y in cable_from if y is None)
    note = (
        f"planned cables from {years.current_year} on; scored years "
        f"{', '.join(str(y) for y in recolour.years)}"
        + (f"; {undated} cable(s) without an RFS year shown in every year" if undated else "")
    )
    m.add_child(YearControl(spec, note=note))
