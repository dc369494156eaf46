"""Colours and sizes: every colour the maps draw with, named here and nowhere else.

A sequential ramp for scores, classes for probabilities and earthquakes, fixed colours for
vendor tiers, facility kinds, cable states and the basemap.
"""

from __future__ import annotations

import math

#: Yellow-orange-red, 9 classes (ColorBrewer YlOrRd, Cynthia Brewer, Apache-2.0 licence).
_RAMP = (
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
)

#: Colour of each vendor-profile tier.
TIER_COLOURS = {
    "high": "#c0392b",
    "elevated": "#e67e22",
    "unrated": "#8e9aa6",
    "trusted": "#2471a3",
}
CUT_COLOUR = "#d00000"
#: A country a scenario cuts off by sea while a land route abroad is left.
SEA_CUT_COLOUR = "#f39c12"
MUTED_COLOUR = "#9aa5b1"
#: Grey of a missing value on a scale.
MISSING_COLOUR = "#cccccc"

#: Country outlines: line, and the fill of a country no layer shades.
OUTLINE_COLOUR = "#7f8c8d"
LAND_COLOUR = "#f4f3ee"
#: Fill of a country whose domain has no cited evidence.
UNKNOWN_COLOUR = "#c8c8c8"
#: Chokepoint areas: line and fill.
CHOKEPOINT_LINE_COLOUR = "#6c3483"
CHOKEPOINT_COLOUR = "#af7ac5"

#: Cables of the strategic-nodes map, by status.
CABLE_STATUS_COLOURS = {"in_service": "#5d6d7e", "planned": "#b9770e"}
#: Cables and landing points of the overview map.
OVERVIEW_CABLE_COLOURS = {"in_service": "#1f6fb2", "planned": "#b26b1f"}
OVERVIEW_LANDING_COLOUR = "#e4572e"
#: Landing points of a scenario that stay connected.
INTACT_LANDING_COLOUR = "#566573"

#: Marker outlines: landing points, country dots, scenario and overview points, metros, and
#: unscored facilities.
MARKER_LINE_COLOUR = "#333333"
COUNTRY_DOT_LINE_COLOUR = "#333"
MARKER_LINE_DARK = "#222"
METRO_LINE_COLOUR = "#1b2631"
WHITE = "#ffffff"

#: Colour of each facility kind.
FACILITY_COLOURS = {
    "data_centre": "#148f77",
    "cloud_region": "#7d3c98",
    "exchange": "#2e86c1",
    "landing_station": "#a04000",
}

#: Outline of an earthquake cell.
HAZARD_COLOUR = "#67001f"
#: Fill of an earthquake cell by its strongest event: (below this magnitude, colour, label);
#: ColorBrewer PuRd, apart from the yellow-red ramps of scores and probabilities.
HAZARD_CLASSES = (
    (6.5, "#d4b9da", "strongest below M6.5"),
    (7.5, "#df65b0", "M6.5 to 7.5"),
    (8.5, "#ce1256", "M7.5 to 8.5"),
    (math.inf, "#67001f", "M8.5 or more"),
)

#: The investment plan: a picked candidate, another candidate, and the countries it targets.
PICK_COLOUR = "#1e8449"
CANDIDATE_COLOUR = "#2e86c1"
UNCONNECTED_COLOUR = "#e67e22"
SINGLE_COLOUR = "#f4d03f"


def ramp(value: float | None) -> str:
    """Colour of a value in [0, 1] on the sequential ramp (grey for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_COLOUR
    clipped = min(max(float(value), 0.0), 1.0)
    return _RAMP[min(int(clipped * len(_RAMP)), len(_RAMP) - 1)]


def ramp_stops(n: int = 5) -> list[tuple[str, str]]:
    """``(label, colour)`` pairs for a legend of the ramp."""
    return [(f"{i / n:.1f} to {(i + 1) / n:.1f}", ramp((i + 0.5) / n)) for i in range(n)]


def radius(value: float, *, smallest: float = 3.0, largest: float = 14.0) -> float:
    """Marker radius (pixels) for a value in [0, 1]; area grows with the value."""
    clipped = min(max(float(value), 0.0), 1.0)
    return round(smallest + (largest - smallest) * math.sqrt(clipped), 1)


#: Classes of a yearly probability: ``(upper bound, colour, label)``; the last has no bound.
PROBABILITY_CLASSES = (
    (0.0, LAND_COLOUR, "never cut off in the simulation"),
    (0.001, _RAMP[1], "below 0.1 %"),
    (0.01, _RAMP[3], "0.1 to 1 %"),
    (0.05, _RAMP[4], "1 to 5 %"),
    (0.1, _RAMP[5], "5 to 10 %"),
    (0.25, _RAMP[7], "10 to 25 %"),
    (math.inf, _RAMP[8], "25 % or more"),
)


def probability_colour(value: float | None) -> str:
    """Colour of a yearly probability by :data:`PROBABILITY_CLASSES` (grey for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_COLOUR
    if value <= 0:
        return PROBABILITY_CLASSES[0][1]
    return next(colour for bound, colour, _ in PROBABILITY_CLASSES[1:] if value < bound)


def hazard_colour(magnitude: float) -> str:
    """Fill of an earthquake cell by its strongest event (:data:`HAZARD_CLASSES`)."""
    return next(colour for bound, colour, _ in HAZARD_CLASSES if magnitude < bound)


def percent(value: float | None, *, unit: bool = True) -> str:
    """Format a yearly probability as the pages show it: ``"13.5 %"`` (as ``cablemap.js``).

    Whole percent from 10 % up, one decimal from 1 %, two below, ``"< 0.01 %"`` for a
    non-zero chance under that; empty for a missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    p = float(value) * 100
    if p == 0:
        text = "0"
    elif p >= 10:
        text = f"{p:.0f}"
    elif p >= 1:
        text = f"{p:.1f}"
    elif p >= 0.01:
        text = f"{p:.2f}"
    else:
        text = "< 0.01"
    return f"{text} %" if unit else text
