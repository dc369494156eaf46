"""Build the embedded sample's layer files from the hand-written facts in ``facts/``.

The facts (``facts/cables.csv``, ``facts/landing_points.csv``) were written for this project
from public sources, one cited per row. Routes are **synthesised**, not surveyed: each cable's
landing points are joined by a minimum spanning tree over their geodesic distances (trunk and
branches), and each tree edge follows the shortest sea route that ``searoute`` finds on the
Eurostat MARNET shipping-lane network. Every cable carries ``route_synthetic = true`` and the
map says so. Run from the repository root after editing the facts::

    python geodata/sample/make_sample.py

It rewrites ``cables.geojson``, ``landing_points.geojson``, ``cable_landings.csv`` and
``metadata.json`` here; ``tests/layers/test_sample.py`` checks they match the facts.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import searoute
from pyproj import Geod

from cablemap.layers._geometry import split_antimeridian

HERE = Path(__file__).resolve().parent
_GEOD = Geod(ellps="WGS84")
ROUTE_METHOD = (
    "synthesised: minimum spanning tree of the landing points by geodesic distance, each edge "
    "the shortest sea route on the Eurostat MARNET network (searoute); not the surveyed route"
)


def _read(name: str) -> list[dict[str, str]]:
    with (HERE / "facts" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _mst_edges(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Prim's algorithm over geodesic distances; returns index pairs."""
    if len(points) < 2:
        return []
    connected = {0}
    edges = []
    while len(connected) < len(points):
        best = None
        for i in connected:
            for j in range(len(points)):
                if j in connected:
                    continue
                d = _GEOD.inv(*points[i], *points[j])[2]
                if best is None or d < best[0]:
                    best = (d, i, j)
        assert best is not None  # noqa: S101
        edges.append((best[1], best[2]))
        connected.add(best[2])
    return edges


def _sea_route(a: tuple[float, float], b: tuple[float, float]) -> list[list[tuple[float, float]]]:
    feature = searoute.searoute(list(a), list(b), append_orig_dest=True)
    coords = []
    for lon, lat in feature["geometry"]["coordinates"]:
        lon = ((lon + 180.0) % 360.0) - 180.0
        point = (round(lon, 3), round(lat, 3))
        if not coords or coords[-1] != point:
            coords.append(point)
    return split_antimeridian(coords)


def main(out_dir: Path = HERE) -> None:
    """Rewrite the sample's layer files from the facts into ``out_dir``."""
    lps = {row["lp_id"]: row for row in _read("landing_points.csv")}
    cables = _read("cables.csv")
    cable_features, links = [], []
    for cable in cables:
        ids = cable["landings"].split(";")
        points = [(float(lps[i]["lon"]), float(lps[i]["lat"])) for i in ids]
        parts: list[list[tuple[float, float]]] = []
        for i, j in _mst_edges(points):
            parts.extend(_sea_route(points[i], points[j]))
        links.extend((cable["cable_id"], lp_id) for lp_id in ids)
        cable_features.append(
            {
                "type": "Feature",
                "properties": {
                    "cable_id": cable["cable_id"],
                    "name": cable["name"],
                    "status": cable["status"],
                    "rfs_year": int(cable["rfs_year"]) if cable["rfs_year"] else None,
                    "length_km": float(cable["length_km"]) if cable["length_km"] else None,
                    "owners": cable["owners"],
                    "suppliers": cable["suppliers"],
                    "route_synthetic": True,
                    "source": cable["source"],
                    "source_version": "cablemap sample 2026-11",
                },
                "geometry": {"type": "MultiLineString", "coordinates": parts},
            }
        )
    lp_features = [
        {
            "type": "Feature",
            "properties": {
                "lp_id": row["lp_id"],
                "name": row["name"],
                "country": row["country"],
                "landmass": row["landmass"],
                "is_tbd": False,
                "source": row["source"],
                "source_version": "cablemap sample 2026-11",
            },
            "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]},
        }
        for row in lps.values()
    ]
    for name, features in (("cables", cable_features), ("landing_points", lp_features)):
        collection = {"type": "FeatureCollection", "features": features}
        (out_dir / f"{name}.geojson").write_text(
            json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )
    with (out_dir / "cable_landings.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["cable_id", "lp_id"])
        writer.writerows(links)
    provenance = {
        "source": "cablemap embedded sample (project-authored from cited public sources)",
        "source_version": "cablemap sample 2026-11",
        "path": "geodata/sample",
        "licence": "CC0-1.0 (facts); routes synthesised with searoute (Apache-2.0, MARNET network)",
        "route_method": ROUTE_METHOD,
        "attribution": "cablemap sample: facts from cited public sources; "
        "routes synthesised with searoute (Eurostat MARNET), not surveyed",
    }
    meta = {"sources": {"cables": provenance, "landing_points": provenance}}
    (out_dir / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
