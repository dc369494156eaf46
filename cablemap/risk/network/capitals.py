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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import RiskSpecError
from cablemap._geo import distances_m
from cablemap._toml import read_regular_bytes

if TYPE_CHECKING:
    import geopandas as gpd

    from cablemap.risk.network.resilience import CableHypergraph

__all__ = ["CAPITAL_RADIUS_KM", "Capital", "capital_places", "island_places", "read_places_table"]

#: Without polygons, a landing point this close to the capital stands on its island.
CAPITAL_RADIUS_KM = 30.0
#: A capital is on the landmass (country part) it is in or within this distance of.
_ON_LAND_M = 20_000.0
#: A landing point drawn offshore belongs to the nearest part of its country this close.
_OFFSHORE_M = 150_000.0


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
    """

    iso3: str
    name: str
    places: np.ndarray
    lp_ids: tuple[str, ...]


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


def _capital_landmass(
    point: shapely.Point, iso3: str, outlines: gpd.GeoDataFrame | None, reach_m: float = _ON_LAND_M
) -> str | None:
    """Return the landmass label (``ISO3:n``) of the country part the capital stands on."""
    if outlines is None:
        return None
    rows = outlines[outlines["iso3"] == iso3]
    if rows.empty:
        return None
    parts = list(rows.geometry.explode(index_parts=False))  # as the landmass labels count
    inside = [k for k, part in enumerate(parts) if part.covers(point)]
    if inside:
        return f"{iso3}:{inside[0]}"
    nearest = [shapely.shortest_line(point, part) for part in parts]
    xy = np.array([list(line.coords) for line in nearest])
    d = distances_m(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
    k = int(np.argmin(d))
    return f"{iso3}:{k}" if d[k] <= reach_m else None


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


def capital_places(
    table: pd.DataFrame,
    hyper: CableHypergraph,
    landing_points: gpd.GeoDataFrame,
    *,
    landmass: pd.Series,
    outlines: gpd.GeoDataFrame | None,
    basemap: gpd.GeoDataFrame | None = None,
) -> dict[str, Capital]:
    """Find each country's capital places.

    Parameters
    ----------
    table
        The capitals table (:func:`read_places_table`: ``iso3``, ``capital``, ``lat``, ``lon``).
    hyper
        The network's places (:func:`cablemap.risk.network.resilience.hypergraph_from_graph`).
    landing_points
        The layers' landing points (``lp_id``, ``iso3``, geometry).
    landmass
        Landmass label per landing point (the network's nodes).
    outlines
        Country polygons (the landmass the capital stands on), or ``None``.
    basemap
        Coarse outlines standing in for them where there are none (the bundled 1:110m).

    Returns
    -------
    dict
        ISO3 -> :class:`Capital`, for every country of the table with coordinates.
    """
    lp_place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    lps = landing_points.set_index("lp_id")
    out: dict[str, Capital] = {}
    for row in table.itertuples(index=False):
        iso3 = str(row.iso3)
        if pd.isna(row.lat) or pd.isna(row.lon):
            continue
        point = shapely.Point(float(row.lon), float(row.lat))
        own = lps[lps["iso3"] == iso3]
        label = _capital_landmass(point, iso3, outlines)
        if label is not None:
            ids = [i for i in own.index if landmass.get(i) == label]
            # a point drawn offshore (no landmass within reach) counts for the nearest
            # part of its country within _OFFSHORE_M (Pohnpei's, 100 km out in the release)
            ids += [
                i
                for i in own.index
                if not isinstance(landmass.get(i), str)
                and _capital_landmass(own.geometry[i], iso3, outlines, _OFFSHORE_M) == label
            ]
        else:
            x, y = shapely.get_x(own.geometry.to_numpy()), shapely.get_y(own.geometry.to_numpy())
            d = distances_m(x, y, np.full(len(x), point.x), np.full(len(x), point.y))
            near = d <= CAPITAL_RADIUS_KM * 1e3
            ids = [i for i, ok in zip(own.index, near, strict=True) if ok]
            if not ids:
                ids = _on_basemap_part(point, own, iso3, basemap)
        places = sorted({lp_place[i] for i in ids if i in lp_place})
        if not len(own) and iso3 in hyper.countries:  # a country node: the country itself
            places = sorted(hyper.countries[iso3].tolist())
        out[iso3] = Capital(iso3, str(row.capital), np.array(places, dtype=np.int64), tuple(ids))
    return out


def island_places(
    table: pd.DataFrame, hyper: CableHypergraph, landing_points: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Assign landing points to island groups (the smallest circle holding each).

    Returns
    -------
    pandas.DataFrame
        The table's rows with ``places`` (array of places of the group's landing points, its
        nested groups' included) and ``lp_ids``.
    """
    lp_place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    frame = table.copy()
    frame["lp_ids"] = [[] for _ in range(len(frame))]
    lps = landing_points.dropna(subset=["iso3"])
    for iso3, rows in frame.groupby("iso3"):
        own = lps[lps["iso3"] == iso3]
        if own.empty:
            continue
        x, y = shapely.get_x(own.geometry.to_numpy()), shapely.get_y(own.geometry.to_numpy())
        order = rows.sort_values("radius_km").index
        for lp_id, px, py in zip(own["lp_id"], x, y, strict=True):
            for idx in order:
                r = frame.loc[idx]
                d = distances_m(
                    np.array([px]), np.array([py]), np.array([r.lon]), np.array([r.lat])
                )
                if d[0] <= float(r.radius_km) * 1e3:
                    frame.at[idx, "lp_ids"].append(lp_id)
                    parent = str(r.get("part_of", "") or "")
                    if parent:  # counted in the group it is part of too
                        same = (frame["iso3"] == iso3) & (frame["island_group"] == parent)
                        for p in frame.index[same]:
                            frame.at[p, "lp_ids"].append(lp_id)
                    break
    frame["places"] = [
        np.array(sorted({lp_place[i] for i in ids if i in lp_place}), dtype=np.int64)
        for ids in frame["lp_ids"]
    ]
    return frame
