"""Colours and sizes: a sequential ramp for scores and fixed colours for vendor tiers."""

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
MUTED_COLOUR = "#9aa5b1"


def ramp(value: float | None) -> str:
    """Colour of a value in [0, 1] on the sequential ramp (grey for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "#cccccc"
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
    (0.0, "#eef0f2", "never cut off in the simulation"),
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
        return "#cccccc"
    if value <= 0:
        return PROBABILITY_CLASSES[0][1]
    return next(colour for bound, colour, _ in PROBABILITY_CLASSES[1:] if value < bound)
