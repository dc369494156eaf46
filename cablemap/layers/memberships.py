"""Which cable lands where, inferred from geometry alone, and how good the inference is.

Geometry-only releases (``cable/cable-geo.json`` + ``landing-point/landing-point-geo.json``,
no per-cable files) say where routes run and where landing points stand, but not which
landing points each cable lists. :func:`infer_landings` reads that from the drawings:

- **route ends** — the two ends of every drawn part, so branch ends too — land at the nearest
  landing point within ``end_km`` (:data:`cablemap.settings.landing_end_km`, default 5 km).
  TeleGeography draws a route to the shore and often stops a few kilometres short of the
  station's point (Batam: 9.6 km), so this tolerance is wider;
- **route vertices** between the ends land at the nearest landing point within ``pass_km``
  (:data:`cablemap.settings.landing_pass_km`, default 1 km): ring and festoon cables are
  drawn *through* their stations, with a vertex on (or within metres of) the point.

Only the nearest landing point of each vertex counts (two points at the same distance both
do), so a route ending in a city with several stations takes the one it was drawn to, not all
of them. Ends on the antimeridian (where sources split routes) are never landings. Measured on
the real 2022 release with its per-cable files stripped (``tests/layers/test_geometry_only.py``,
``benchmarks/measure_inference.py``): precision 0.977, recall 0.981
(:data:`MEASURED_PRECISION`, :data:`MEASURED_RECALL`).

:func:`compare_landings` measures inferred memberships against listed ones and says, for each
miss, why: the nearest route end or vertex and its distance, and which landing point the route
was drawn to instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from cablemap import settings
from cablemap._geo import distances_m, near_antimeridian

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

#: How well the default thresholds did on the real 2022 release with its per-cable files
#: stripped (held by ``tests/layers/test_geometry_only.py``; ``benchmarks/measure_inference.py``).
MEASURED_PRECISION = 0.9766
MEASURED_RECALL = 0.9811
MEASURED_ACCURACY = (
    f"precision {MEASURED_PRECISION:.3f}, recall {MEASURED_RECALL:.3f} against the listed "
    "memberships of the 2022 release"
)
#: Columns of an inferred ``cable_landings`` table.
INFERRED_COLUMNS = ("cable_id", "lp_id", "inferred", "distance_km")
#: Two landing points this much nearer or farther (km) from a vertex are equally near (ties).
TIE_KM = 1e-3
_DTYPES = ("object", "object", "bool", "float64")
#: Kilometres in one degree of latitude (an upper bound for the candidate search box).
_KM_PER_DEG = 111.0
#: Latitude beyond which the search box stops widening (degrees).
_MAX_LAT = 85.0


def _vertices(cables: gpd.GeoDataFrame) -> pd.DataFrame:
    """Every vertex of every drawn route: cable, longitude, latitude, whether a part's end."""
    routed = cables[cables.geometry.notna() & ~cables.geometry.is_empty]
    if routed.empty:
        return pd.DataFrame({"cable_id": [], "x": [], "y": [], "end": []})
    parts, cable_row = shapely.get_parts(routed.geometry.to_numpy(), return_index=True)
    xy, part_of = shapely.get_coordinates(parts, return_index=True)
    first = np.r_[True, part_of[1:] != part_of[:-1]]
    last = np.r_[part_of[1:] != part_of[:-1], True]
    ids = routed["cable_id"].to_numpy()[cable_row[part_of]]
    frame = pd.DataFrame({"cable_id": ids, "x": xy[:, 0], "y": xy[:, 1], "end": first | last})
    # a part's end on the antimeridian is where the source split the route, not a landing
    return frame[~(frame["end"] & near_antimeridian(frame["x"].to_numpy()))]


def _candidates(
    vertices: pd.DataFrame, landing_points: gpd.GeoDataFrame, end_km: float, pass_km: float
) -> pd.DataFrame:
    """Pairs of (vertex, landing point) within the vertex's threshold, with the distance."""
    lp_xy = shapely.get_coordinates(landing_points.geometry.to_numpy())
    lp_index = np.arange(len(lp_xy))
    # points near the antimeridian also stand on the far side, so a vertex there finds them
    seam = np.abs(lp_xy[:, 0]) > 179.0
    shifted = lp_xy[seam] - np.c_[np.sign(lp_xy[seam, 0]) * 360.0, np.zeros(seam.sum())]
    tree_xy = np.vstack([lp_xy, shifted])
    tree_index = np.r_[lp_index, lp_index[seam]]
    tree = shapely.STRtree(np.asarray(shapely.points(tree_xy), dtype=object))
    vx, vy = vertices["x"].to_numpy(), vertices["y"].to_numpy()
    limit_km = np.where(vertices["end"].to_numpy(), end_km, pass_km)
    cos_lat = np.cos(np.radians(np.minimum(np.abs(vy), _MAX_LAT)))
    search_deg = limit_km / (_KM_PER_DEG * cos_lat)
    v, t = tree.query(shapely.points(vx, vy), predicate="dwithin", distance=search_deg)
    lp = tree_index[t]
    km = distances_m(vx[v], vy[v], lp_xy[lp, 0], lp_xy[lp, 1]) / 1000.0
    pairs = pd.DataFrame({"vertex": v, "lp": lp, "km": km})
    pairs = pairs[pairs["km"] <= limit_km[v]]
    nearest = pairs.groupby("vertex")["km"].transform("min")
    return pairs[pairs["km"] <= nearest + TIE_KM]


def infer_landings(
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    *,
    end_km: float | None = None,
    pass_km: float | None = None,
) -> pd.DataFrame:
    """Infer which landing points each cable lands at from the drawn routes.

    Parameters
    ----------
    cables
        ``cables`` layer: ``cable_id`` and MultiLineString routes in EPSG:4326 degrees
        (cables without a route get no landing).
    landing_points
        ``landing_points`` layer: ``lp_id`` and Points in EPSG:4326 degrees.
    end_km
        A route end lands at the nearest landing point within this geodesic distance;
        default :data:`cablemap.settings.landing_end_km`, read now.
    pass_km
        A route vertex between the ends lands at the nearest landing point within this
        distance; default :data:`cablemap.settings.landing_pass_km`.

    Returns
    -------
    DataFrame
        ``cable_id``, ``lp_id``, ``inferred`` (``True``) and ``distance_km`` (geodesic
        distance from the landing point to the nearest vertex that matched it, km), one row
        per pair, ordered by cable and distance.

    Examples
    --------
    >>> from cablemap.layers.memberships import infer_landings
    >>> links = infer_landings(layers.cables, layers.landing_points)  # doctest: +SKIP
    """
    end_km = float(settings.landing_end_km if end_km is None else end_km)
    pass_km = float(settings.landing_pass_km if pass_km is None else pass_km)
    for name, value in (("end_km", end_km), ("pass_km", pass_km)):
        if not (np.isfinite(value) and value >= 0):
            msg = f"`{name}` was {value!r} but is expected to be a distance >= 0 (km)"
            raise ValueError(msg)
    vertices = _vertices(cables)
    empty = pd.DataFrame(
        {c: pd.Series(dtype=t) for c, t in zip(INFERRED_COLUMNS, _DTYPES, strict=True)}
    )
    if vertices.empty or landing_points.empty:
        return empty
    pairs = _candidates(vertices, landing_points, end_km, pass_km)
    links = pd.DataFrame(
        {
            "cable_id": vertices["cable_id"].to_numpy()[pairs["vertex"].to_numpy()],
            "lp_id": landing_points["lp_id"].to_numpy()[pairs["lp"].to_numpy()],
            "distance_km": pairs["km"].to_numpy(),
        }
    )
    links = (
        links.groupby(["cable_id", "lp_id"], as_index=False, sort=False)["distance_km"]
        .min()
        .sort_values(["cable_id", "distance_km", "lp_id"], kind="stable")
    )
    links["distance_km"] = links["distance_km"].round(3)
    links.insert(2, "inferred", True)
    logger.info(
        "Inferred %d cable landings from %d route vertices (ends within %.1f km, "
        "passes within %.1f km)",
        len(links),
        len(vertices),
        end_km,
        pass_km,
    )
    return links.reset_index(drop=True).astype(dict(zip(INFERRED_COLUMNS, _DTYPES, strict=True)))


# ----------------------------------------------------------------------------- measuring
@dataclass(frozen=True)
class LandingAccuracy:
    """How inferred cable landings compare with the listed ones.

    Attributes
    ----------
    precision
        Share of inferred links that the listed ones have.
    recall
        Share of listed links that were inferred.
    true_positives, inferred, listed
        The counts behind them.
    missed
        Listed links not inferred: ``cable_id``, ``lp_id``, ``nearest_vertex_km`` (from the
        landing point to the cable's nearest route vertex), ``reason``.
    extra
        Inferred links not listed: ``cable_id``, ``lp_id``, ``distance_km``, ``reason``.
    reasons
        How many misses and extras each kind of reason explains.
    """

    precision: float
    recall: float
    true_positives: int
    inferred: int
    listed: int
    missed: pd.DataFrame
    extra: pd.DataFrame
    reasons: dict[str, int] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        """Return the figures and the reasons, one line each."""
        lines = [
            f"precision {self.precision:.4f} ({self.true_positives} of {self.inferred} "
            "inferred links are listed)",
            f"recall    {self.recall:.4f} ({self.true_positives} of {self.listed} "
            "listed links inferred)",
        ]
        lines.extend(f"{n:>5}  {reason}" for reason, n in self.reasons.items())
        return lines


def _nearest_vertex_km(
    vertices: pd.DataFrame, cable_id: str, point: shapely.Point
) -> tuple[float, bool]:
    own = vertices[vertices["cable_id"] == cable_id]
    if own.empty:
        return float("inf"), False
    km = distances_m(
        own["x"].to_numpy(),
        own["y"].to_numpy(),
        np.full(len(own), point.x),
        np.full(len(own), point.y),
    )
    i = int(np.argmin(km))
    return float(km[i]) / 1000.0, bool(own["end"].to_numpy()[i])


def _miss_reason(
    cable_id: str,
    lp_id: str,
    *,
    vertices: pd.DataFrame,
    points: pd.Series,
    limits: tuple[float, float],
) -> tuple[str, float]:
    """Why a listed link was not inferred, and the distance to the cable's nearest vertex."""
    if lp_id not in points.index:
        return "landing point not in the geo file", np.nan
    if not (vertices["cable_id"] == cable_id).any():
        return "cable has no drawn route", np.nan
    km, at_end = _nearest_vertex_km(vertices, cable_id, points[lp_id])
    end_km, pass_km = limits
    if km > 50:
        return "route drawn nowhere near it (nearest vertex over 50 km away)", km
    if at_end and km > end_km:
        return f"nearest route end farther than the end threshold ({end_km:g} km)", km
    if not at_end and km > pass_km:
        return f"route passes farther than the pass threshold ({pass_km:g} km)", km
    return "another landing point is nearer to the same route vertex", km


def _extra_reason(lp_id: str, listed_lps: set[str], points: pd.Series) -> str:
    if not listed_lps:
        return "cable lists no landing point"
    here = points[lp_id]
    others = [points[i] for i in listed_lps if i in points.index]
    if others:
        km = distances_m(
            np.array([p.x for p in others]),
            np.array([p.y for p in others]),
            np.full(len(others), here.x),
            np.full(len(others), here.y),
        ).min()
        if km / 1000.0 <= 1.0:
            return "stands within 1 km of a listed landing point (co-located stations)"
    return "route drawn through or to a landing point the cable does not list"


def compare_landings(
    inferred: pd.DataFrame,
    listed: pd.DataFrame,
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    *,
    end_km: float | None = None,
    pass_km: float | None = None,
) -> LandingAccuracy:
    """Measure inferred cable landings against the listed ones, explaining every difference.

    Parameters
    ----------
    inferred
        Links from :func:`infer_landings` (``cable_id``, ``lp_id``, ``distance_km``).
    listed
        The true links (``cable_id``, ``lp_id``), e.g. a full release's ``cable_landings``.
    cables, landing_points
        The layers the inference ran on (EPSG:4326).
    end_km, pass_km
        The thresholds the inference used (defaults as in :func:`infer_landings`).

    Returns
    -------
    LandingAccuracy
        Precision, recall, and each missed or extra link with the reason.
    """
    end_km = float(settings.landing_end_km if end_km is None else end_km)
    pass_km = float(settings.landing_pass_km if pass_km is None else pass_km)
    got = set(zip(inferred["cable_id"], inferred["lp_id"], strict=True))
    want = set(zip(listed["cable_id"], listed["lp_id"], strict=True))
    tp = len(got & want)
    vertices = _vertices(cables)
    points = landing_points.set_index("lp_id").geometry
    listed_of: dict[str, set[str]] = {}
    for cable_id, lp_id in want:
        listed_of.setdefault(cable_id, set()).add(lp_id)
    missed = []
    for c, lp in sorted(want - got):
        reason, km = _miss_reason(c, lp, vertices=vertices, points=points, limits=(end_km, pass_km))
        missed.append(
            {"cable_id": c, "lp_id": lp, "nearest_vertex_km": round(km, 3), "reason": reason}
        )
    distance = inferred.set_index(["cable_id", "lp_id"])["distance_km"]
    extra = [
        {
            "cable_id": c,
            "lp_id": lp,
            "distance_km": float(distance.get((c, lp), np.nan)),
            "reason": _extra_reason(lp, listed_of.get(c, set()), points),
        }
        for c, lp in sorted(got - want)
    ]
    reasons: dict[str, int] = {}
    for kind, rows in (("missed", missed), ("extra", extra)):
        for row in rows:
            key = f"{kind}: {row['reason']}"
            reasons[key] = reasons.get(key, 0) + 1
    return LandingAccuracy(
        precision=tp / len(got) if got else 0.0,
        recall=tp / len(want) if want else 0.0,
        true_positives=tp,
        inferred=len(got),
        listed=len(want),
        missed=pd.DataFrame(missed, columns=["cable_id", "lp_id", "nearest_vertex_km", "reason"]),
        extra=pd.DataFrame(extra, columns=["cable_id", "lp_id", "distance_km", "reason"]),
        reasons=dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
    )
