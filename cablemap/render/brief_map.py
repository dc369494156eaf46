"""The map and the landing-station table of a country brief.

The map (:func:`cablemap.render.svg.country_map_svg`) names the capital, the landing stations
(busiest first, while there is room) and the neighbouring countries, and carries a scale bar.
The capital is the model's (``risk_models/capitals.csv``, cited: ``capital_name``,
``capital_lon``, ``capital_lat`` of the country's scores row); none is drawn where the table
has no coordinates.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np

from cablemap._validate import is_missing
from cablemap.render.style import MUTED_COLOUR, TIER_COLOURS
from cablemap.render.svg import MapView, Place, country_map_svg, short_place_name
from cablemap.render.tables import Cell, table_html

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.render.briefs import _Index

__all__ = ["capital_of", "map_section", "stations_section"]

#: Smallest span of a brief's map, in degrees (about 170 km): a city state is drawn close.
MIN_SPAN = 1.5


def capital_of(iso3: str, row: pd.Series) -> Place | None:
    """Return the capital to draw: the model's cited capital (name and coordinates).

    Parameters
    ----------
    iso3
        The country.
    row
        Its scores row (``capital_name``, ``capital_lon``, ``capital_lat``).

    Returns
    -------
    Place or None
        ``None`` where the model's capitals table has no coordinates for it.
    """
    name, lon, lat = row.get("capital_name"), row.get("capital_lon"), row.get("capital_lat")
    if any(is_missing(v) for v in (name, lon, lat)) or not str(name).strip():
        return None
    return Place(str(name), float(lon), float(lat))


def _view(idx: _Index, iso3: str, capital: Place | None) -> MapView:
    stations = idx.stations_of.get(iso3, [])
    lons = [s.lon for s in stations]
    lats = [s.lat for s in stations]
    for g in idx.outlines_of.get(iso3, []):
        for part in getattr(g, "geoms", [g]):
            b = part.bounds
            lons += [b[0], b[2]]
            lats += [b[1], b[3]]
    if capital is not None:
        lons.append(capital.lon)
        lats.append(capital.lat)
    return MapView.around(lons, lats, min_span=MIN_SPAN)


def map_section(idx: _Index, mine: pd.DataFrame, iso3: str, name: str, row: pd.Series) -> str:
    """Render the brief's map: land and neighbours named, cables, stations, capital, scale.

    Parameters
    ----------
    idx
        The release's per-country lookups.
    mine
        The country's cables (``name``, ``supplier_tier``, geometry).
    iso3, name
        The country.
    row
        Its scores row.

    Returns
    -------
    str
        A ``<section>`` with the SVG map and its legend.
    """
    stations = idx.stations_of.get(iso3, [])
    facilities = idx.facilities_of.get(iso3, [])
    capital = capital_of(iso3, row)
    view = _view(idx, iso3, capital)
    neighbours = []
    if idx.land is not None:
        hits = idx.land.sindex.query(view.boxes())
        near = idx.land.iloc[np.unique(hits[1])]
        near = near[near["iso3"] != iso3]
        neighbours = [
            (idx.names.get(str(i), str(i)), g)
            for i, g in zip(near["iso3"], near.geometry, strict=True)
        ]
    cables = [
        (str(r.name), r.geometry, TIER_COLOURS.get(str(r.supplier_tier), MUTED_COLOUR))
        for r in mine.itertuples()
    ]
    svg = country_map_svg(
        view,
        title=f"Cables, landing stations and facilities of {name}",
        land=[g for _, g in neighbours],
        country=idx.outlines_of.get(iso3, []),
        cables=cables,
        points=[(s.name, s.lon, s.lat) for s in stations],
        facilities=facilities,
        capital=capital,
        neighbours=neighbours,
        width=600,
        max_height=560,
    )
    named = svg.count("cm-label-station")
    legend = " ".join(
        f'<span class="tier" style="background:{c}"></span>{html.escape(t)}'
        for t, c in TIER_COLOURS.items()
    )
    named_capital = row.get("capital_name")
    capital_text = (
        f"ringed red dot: the capital, {html.escape(capital.name)}"
        if capital is not None
        else f"the capital ({html.escape(str(named_capital))}) is not drawn: its place is not "
        "in cablemap's capitals table"
        if not is_missing(named_capital)
        else "no capital drawn (none in cablemap's capitals table for this code)"
    )
    counts = (
        f"{len(stations)} landing station(s) ({named} named, busiest first; all in "
        f"the table of landing stations), {len(facilities)} facilit(ies), {len(mine)} cable(s)"
    )
    return (
        f'<section>{svg}<p class="muted">Cables by supplier tier: {legend}. Dark dots: '
        f"landing stations; purple squares: facilities; {capital_text}; neighbouring "
        f"countries named in grey. {html.escape(counts)}.</p></section>"
    )


def stations_section(idx: _Index, iso3: str, cable_names: pd.Series) -> str:
    """Render the table of the country's landing stations and the cables landing at each.

    Parameters
    ----------
    idx
        The release's per-country lookups.
    iso3
        The country.
    cable_names
        Cable names by id.

    Returns
    -------
    str
        A ``<section>``; busiest station first.
    """
    stations = idx.stations_of.get(iso3, [])
    busy = [s for s in stations if s.international > 0]
    rows: list[list[Cell | str]] = [
        [
            short_place_name(s.name),
            Cell(str(s.international), cls="num"),
            ", ".join(str(cable_names.get(c, c)) for c in s.cables) or "none in the data",
            f"{s.lat:.2f}, {s.lon:.2f}",
        ]
        for s in busy
    ]
    table = table_html(
        ["station", "international cables", "cables landing here", "lat, lon"],
        rows,
        empty="no landing station with an international cable in the data",
    )
    domestic = sorted(short_place_name(s.name) for s in stations if s.international == 0)
    rest = (
        f'<p class="muted">And {len(domestic)} with domestic cables only: '
        f"{html.escape(', '.join(domestic))}.</p>"
        if domestic
        else ""
    )
    return f"<section><h2>Landing stations ({len(stations)})</h2>{table}{rest}</section>"
