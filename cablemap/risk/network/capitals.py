"""Capitals and inhabited island groups: where a country's people and government are reached.

An archipelago is not connected because one of its islands is: Kiribati's capital, South
Tarawa, had no cable in 2022 while Kiritimati, 3,300 km away, had one. A country's **capital
place** is the set of places (:mod:`cablemap.risk.network.resilience`) of its landing points on
the capital's island or landmass: the landmass (country polygon part) the capital stands on
where polygons are given, else the landing points within :data:`CAPITAL_RADIUS_KM` of it. A
country without a landing point is reached at its country node (``country:<ISO3>``).

**Island groups** (``risk_models/island_population.csv``: a centre, a radius and the cited
population) take the country's landing points inside their circle (the smallest circle
holding a point wins, so that South Tarawa's points are counted in it and in the Gilbert
Islands it is part of).

Both tables are cited (``source_url``, ``source_date`` on every row; coordinates from Natural
Earth's populated places; circles are a modelling aid, said in each row's notes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import RiskSpecError
from cablemap._geo import distances_m
from cablemap._toml import read_regular_bytes

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.network.resilience import CableHypergraph

__all__ = [
    "CAPITAL_RADIUS_KM",
    "Capital",
    "Land",
    "capital_places",
    "island_places",
    "read_places_table",
]

#: Without polygons, a landing point this close to the capital stands on its island.
CAPITAL_RADIUS_KM = 30.0
#: A capital is on the landmass (country part) it is in or within this distance of.
_ON_LAND_M = 20_000.0
#: A landing point drawn offshore belongs to the nearest part of its country this close.
_OFFSHORE_M = 150_000.0
#: Parts of a country this close are one landmass for its capital: a harbour or strait a
#: bridge or tunnel spans (Victoria Harbour, 1-2 km; the Kanmon Strait, 0.7 km), so that the
#: landings around them, joined by domestic fibre, serve the capital together.
BRIDGE_M = 2_500.0


@dataclass(frozen=True)
class Capital:
    """A country's capital and the places that stand for it.

    Attributes
    ----------
    iso3, name
        The country and its capital's name (as the table gives it).
    places
        Places of the hypergraph on the capital's island or landmass (empty: no landing point
        there).
    lp_ids
        The landing points standing there.
    point
        ``(lon, lat)`` of the capital.
    """

    iso3: str
    name: str
    places: np.ndarray
    lp_ids: tuple[str, ...]
    point: tuple[float, float] | None = None


def read_places_table(path: str | Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a cited table (capitals or island groups), checking its columns and coordinates.

    Raises
    ------
    RiskSpecError
        Naming the file, and each row and field that is not usable.
    """
    file = Path(path)
    text = read_regular_bytes(file, "cited table", RiskSpecError).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        msg = f"{str(file)!r}: missing column(s) {missing}"
        raise RiskSpecError(msg)
    rows = list(reader)
    problems = []
    for i, row in enumerate(rows, start=2):
        for col in ("lat", "lon"):
            value = row.get(col, "")
            if value == "":
                continue
            try:
                number = float(value)
            except ValueError:
                number = float("nan")
            limit = 90.0 if col == "lat" else 180.0
            if not abs(number) <= limit:
                problems.append(f"row {i}, field {col!r}: {value!r} is not a coordinate")
        unknown = row.get("population") == "unknown"  # says what was searched instead
        if not unknown and not row.get("source_url", "").startswith(("http://", "https://")):
            problems.append(f"row {i}, field 'source_url': every row needs its source")
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        msg = f"{str(file)!r}: {len(problems)} problem(s):\n{lines}"
        raise RiskSpecError(msg)
    frame = pd.DataFrame(rows)
    for col in ("lat", "lon", "radius_km"):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col].replace("", None))
    return frame


class _Parts:
    """A country's polygon parts, their spatial index, and which parts are bridged together."""

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts
        self.tree = shapely.STRtree(parts) if parts else None
        self.joined: dict[int, frozenset[int]] = {}

    def nearest(self, point: shapely.Point) -> tuple[int, float]:
        """Return the part nearest a point (planar index, then geodesic metres to it)."""
        assert self.tree is not None  # noqa: S101 - only called with parts
        k = int(self.tree.nearest(point))
        (x0, y0), (x1, y1) = shapely.shortest_line(point, self.parts[k]).coords
        return k, float(
            distances_m(np.array([x0]), np.array([y0]), np.array([x1]), np.array([y1]))[0]
        )

    def bridged(self, start: int) -> frozenset[int]:
        """Return the parts reachable from ``start`` by steps of at most :data:`BRIDGE_M`."""
        if start in self.joined:
            return self.joined[start]
        seen, todo = {start}, [start]
        pad = BRIDGE_M / 111_000 * 2  # degrees, generous at every latitude of inhabited islands
        while todo and self.tree is not None:
            k = todo.pop()
            for hit in self.tree.query(self.parts[k], predicate="dwithin", distance=pad):
                j = int(hit)
                if j in seen:
                    continue
                (x0, y0), (x1, y1) = shapely.shortest_line(self.parts[k], self.parts[j]).coords
                gap = distances_m(np.array([x0]), np.array([y0]), np.array([x1]), np.array([y1]))
                if gap[0] <= BRIDGE_M:
                    seen.add(j)
                    todo.append(j)
        found = frozenset(seen)
        for k in found:  # the same set from any of its members
            self.joined[k] = found
        return found


def _country_parts(outlines: gpd.GeoDataFrame | None, cache: dict[str, Any], iso3: str) -> _Parts:
    """Return a country's polygon parts (in the order the landmass labels count them), cached."""
    if iso3 not in cache:
        rows = None if outlines is None else outlines[outlines["iso3"] == iso3]
        cache[iso3] = _Parts([] if rows is None else list(rows.geometry.explode(index_parts=False)))
    return cast("_Parts", cache[iso3])


def _capital_landmass(
    point: shapely.Point,
    iso3: str,
    outlines: gpd.GeoDataFrame | None,
    reach_m: float = _ON_LAND_M,
    cache: dict[str, Any] | None = None,
) -> str | None:
    """Return the landmass label (``ISO3:n``) of the country part a point stands on or near."""
    if outlines is None:
        return None
    parts = _country_parts(outlines, {} if cache is None else cache, iso3)
    if not parts.parts:
        return None
    assert parts.tree is not None  # noqa: S101 - parts come with their index
    inside = [int(k) for k in parts.tree.query(point, predicate="covered_by")]
    if not inside:
        inside = [int(k) for k in parts.tree.query(point) if parts.parts[int(k)].covers(point)]
    if inside:
        return f"{iso3}:{min(inside)}"
    k, metres = parts.nearest(point)
    return f"{iso3}:{k}" if metres <= reach_m else None


def _on_basemap_part(
    point: shapely.Point, own: gpd.GeoDataFrame, iso3: str, basemap: gpd.GeoDataFrame | None
) -> list[str]:
    """Landing points within reach of the basemap polygon part a capital stands in.

    Without country polygons for landmasses, a capital inland (Islamabad, Canberra) is still
    on its country's mainland: the coarse basemap outlines say which part, and the landing
    points on that part's coast (within :data:`_ON_LAND_M`) stand for it. A capital on a
    small island the basemap leaves out stands in no part: no landing point then.
    """
    if basemap is None or own.empty:
        return []
    rows = basemap[basemap["iso3"] == iso3]
    parts = [p for p in rows.geometry.explode(index_parts=False) if p.covers(point)]
    if not parts:
        return []
    lines = [shapely.shortest_line(p, parts[0]) for p in own.geometry]
    xy = np.array([list(line.coords) for line in lines])
    d = distances_m(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
    return [i for i, dist in zip(own.index, d, strict=True) if dist <= _ON_LAND_M]


@dataclass(frozen=True)
class Land:
    """Where landing points stand: their landmass labels and the outlines behind them.

    Attributes
    ----------
    landing_points
        The layers' landing points, indexed by ``lp_id`` (``iso3``, geometry).
    landmass
        Landmass label per landing point (the network's nodes).
    outlines
        Country polygons (the landmass a place stands on), or ``None``.
    basemap
        Coarse outlines standing in for them where there are none (the bundled 1:110m).
    """

    landing_points: gpd.GeoDataFrame
    landmass: pd.Series
    outlines: gpd.GeoDataFrame | None
    basemap: gpd.GeoDataFrame | None = None
    _parts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _own: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, compare=False, repr=False)

    def own(self, iso3: str) -> gpd.GeoDataFrame:
        """Return a country's landing points (cached)."""
        if not self._own:
            lps = self.landing_points
            for key, group in lps.groupby("iso3"):
                self._own[str(key)] = group
            self._own.setdefault("", lps.iloc[0:0])
        return self._own.get(iso3, self._own[""])

    def points_at(self, point: shapely.Point, iso3: str) -> list[str]:
        """Return the landing points of a country on the island or landmass of a point."""
        landmass, outlines = self.landmass, self.outlines
        own = self.own(iso3)
        label = _capital_landmass(point, iso3, outlines, cache=self._parts)
        if label is not None:
            parts = _country_parts(outlines, self._parts, iso3)
            labels = {f"{iso3}:{j}" for j in parts.bridged(int(label.rsplit(":", 1)[1]))}
            ids = [i for i in own.index if landmass.get(i) in labels]
            # a point drawn offshore (no landmass within reach) counts for the nearest
            # part of its country within _OFFSHORE_M (Pohnpei's, 100 km out in the release)
            return ids + [
                i
                for i in own.index
                if not isinstance(landmass.get(i), str)
                and _capital_landmass(own.geometry[i], iso3, outlines, _OFFSHORE_M, self._parts)
                in labels
            ]
        x, y = shapely.get_x(own.geometry.to_numpy()), shapely.get_y(own.geometry.to_numpy())
        d = distances_m(x, y, np.full(len(x), point.x), np.full(len(x), point.y))
        near = d <= CAPITAL_RADIUS_KM * 1e3
        ids = [i for i, ok in zip(own.index, near, strict=True) if ok]
        return ids or _on_basemap_part(point, own, iso3, self.basemap)


def capital_places(table: pd.DataFrame, hyper: CableHypergraph, land: Land) -> dict[str, Capital]:
    """Find each country's capital places.

    Parameters
    ----------
    table
        The capitals table (:func:`read_places_table`: ``iso3``, ``capital``, ``lat``, ``lon``).
    hyper
        The network's places (:func:`cablemap.risk.network.resilience.hypergraph_from_graph`).
    land
        The landing points and the landmasses they stand on.

    Returns
    -------
    dict
        ISO3 -> :class:`Capital`, for every country of the table with coordinates.
    """
    lp_place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    lps = land.landing_points
    out: dict[str, Capital] = {}
    for row in table.itertuples(index=False):
        iso3 = str(row.iso3)
        if pd.isna(row.lat) or pd.isna(row.lon):
            continue
        point = shapely.Point(float(row.lon), float(row.lat))
        ids = land.points_at(point, iso3)
        places = sorted({lp_place[i] for i in ids if i in lp_place})
        if not (lps["iso3"] == iso3).any() and iso3 in hyper.countries:
            places = sorted(hyper.countries[iso3].tolist())  # a country node: the country
        out[iso3] = Capital(
            iso3,
            str(row.capital),
            np.array(places, dtype=np.int64),
            tuple(ids),
            (point.x, point.y),
        )
    return out


def island_places(table: pd.DataFrame, hyper: CableHypergraph, land: Land) -> pd.DataFrame:
    """Assign landing points to island groups: inside its circle, or on its centre's island.

    A landing point inside several circles goes to the smallest (and to the group it is part
    of); a group whose centre stands on a landmass with landing points (western Viti Levu, on
    Suva's island) takes those too, domestic backhaul joining them.

    Returns
    -------
    pandas.DataFrame
        The table's rows with ``places`` (array of places of the group's landing points, its
        nested groups' included) and ``lp_ids``.
    """
    lp_place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    frame = table.copy()
    members: dict[int, set[str]] = {i: set() for i in frame.index}
    for iso3, rows in frame.groupby("iso3"):
        own = land.own(str(iso3))
        order = rows.sort_values("radius_km").index
        lon, lat = rows.loc[order, "lon"].to_numpy(float), rows.loc[order, "lat"].to_numpy(float)
        radius = rows.loc[order, "radius_km"].to_numpy(float) * 1e3
        parents = [str(frame.at[i, "part_of"] or "") if "part_of" in frame else "" for i in order]
        groups = dict(zip(rows["island_group"], rows.index, strict=True))
        for lp_id, geom in zip(own.index, own.geometry, strict=True):
            d = distances_m(np.full(len(order), geom.x), np.full(len(order), geom.y), lon, lat)
            inside = np.flatnonzero(d <= radius)
            if len(inside):  # the smallest circle, and the group it is part of
                k = int(inside[0])
                members[order[k]].add(lp_id)
                if parents[k] in groups:
                    members[groups[parents[k]]].add(lp_id)
        for idx in order:
            r = frame.loc[idx]
            members[idx] |= set(land.points_at(shapely.Point(r.lon, r.lat), str(iso3)))
    frame["lp_ids"] = [sorted(members[i]) for i in frame.index]
    frame["places"] = [
        np.array(sorted({lp_place[i] for i in ids if i in lp_place}), dtype=np.int64)
        for ids in frame["lp_ids"]
    ]
    return frame
