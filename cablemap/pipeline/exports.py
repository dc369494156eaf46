"""Scored layers as GeoPackage, GeoParquet and CSV, with licence and model in their metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd
import shapely

from cablemap._tables import write_tables
from cablemap._version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.layers.collection import Layers
    from cablemap.risk.scoring.score import Scores
    from cablemap.risk.simulation.simulate import SimulationResult

#: A format of :func:`export_scores`.
ExportFormat = Literal["gpkg", "parquet", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("gpkg", "parquet", "csv")
_TABLES = ("landing_points", "cables", "countries", "facilities", "metros")
_ENTITY = {
    "landing_points": "landing_point",
    "cables": "cable",
    "countries": "country",
    "facilities": "facility",
    "metros": "metro",
}


def export_metadata(scores: Scores, layers: Layers) -> dict[str, Any]:
    """Describe what every export carries: data versions, licences, model and weights."""
    return {
        "cablemap_version": __version__,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_versions": sorted({str(v) for v in layers.cables["source_version"].unique()}),
        "licence": layers.attributions or ["cablemap"],
        "model": {
            "name": scores.model.name,
            "file": Path(scores.model.path).name,
            "vendor_profile": scores.model.vendor_profile.name,
            "weights": scores.model.weights,
            "site_weights": scores.model.site_weights,
            "domain_weights": scores.model.vendor_profile.domain_weights,
        },
    }


def countries_with_polygons(
    table: pd.DataFrame, polygons: gpd.GeoDataFrame | None
) -> pd.DataFrame | gpd.GeoDataFrame:
    """Give the scored countries their polygons (for a choropleth in QGIS), where known.

    Parameters
    ----------
    table
        The scored ``countries`` table (``iso3`` column).
    polygons
        ``layers.countries`` (``iso3``, Polygon/MultiPolygon geometry, EPSG:4326), or
        ``None``: the table is returned as it is.

    Returns
    -------
    DataFrame or GeoDataFrame
        With ``geometry`` (MultiPolygon; the parts of an ISO3 drawn as several features are
        joined), ``None`` for a country without a polygon.
    """
    if polygons is None or polygons.empty:
        return table
    shapes = {
        str(iso3): shapely.MultiPolygon(
            [
                p
                for geom in group.geometry
                for p in shapely.get_parts(geom)
                if p.geom_type == "Polygon"
            ]
        )
        for iso3, group in polygons[polygons.geometry.notna()].groupby("iso3")
    }
    geometry = [shapes.get(str(iso3)) for iso3 in table["iso3"]]
    out = pd.DataFrame(table).drop(columns="geometry", errors="ignore")
    return gpd.GeoDataFrame(out, geometry=geometry, crs=polygons.crs or "EPSG:4326")


def with_provenance(tables: dict[str, pd.DataFrame], layers: Layers) -> dict[str, pd.DataFrame]:
    """Add to the scored tables what was inferred or carried over, where anything was.

    Cables get ``landings_inferred`` (how many of their landings were inferred from the
    drawn route), ``carried_over`` and ``carried_from`` (after a merge); landing points get
    ``cables_inferred``. Tables of a release with listed memberships and no merge are
    returned as they are.

    Returns
    -------
    dict
        The tables, copied where columns were added.
    """
    links = layers.cable_landings
    out = dict(tables)
    if "inferred" in links.columns and links["inferred"].any():
        inferred = links[links["inferred"].astype(bool)]
        per_cable = inferred.groupby("cable_id").size()
        per_point = inferred.groupby("lp_id").size()
        cables, points = out["cables"].copy(), out["landing_points"].copy()
        cables["landings_inferred"] = cables["cable_id"].map(per_cable).fillna(0).astype(int)
        points["cables_inferred"] = points["lp_id"].map(per_point).fillna(0).astype(int)
        out["cables"], out["landing_points"] = cables, points
    if "carried_over" in layers.cables.columns:
        carried = layers.cables.set_index("cable_id")[["carried_over", "carried_from"]]
        cables = out["cables"].copy()
        cables["carried_over"] = [
            list(carried.at[c, "carried_over"]) if c in carried.index else []
            for c in cables["cable_id"]
        ]
        cables["carried_from"] = [
            carried.at[c, "carried_from"] if c in carried.index else None
            for c in cables["cable_id"]
        ]
        out["cables"] = cables
    return out


#: Columns a simulation adds to the exported countries and landing points.
SIMULATION_COLUMNS = (
    "probability_cut_off",
    "ci_low",
    "ci_high",
    "expected_days_cut_off",
    "top_cables",
)


def with_simulation(table: pd.DataFrame, results: pd.DataFrame, key: str) -> pd.DataFrame:
    """Join a simulation's columns to a scored table (``top_cables`` as ``id (share)`` text).

    Rows the simulation left out (already cut off without any fault) get empty values.
    """
    extra = results.set_index(key)[list(SIMULATION_COLUMNS)].copy()
    extra["top_cables"] = [
        [f"{t['cable_id']} ({t['share']:.0%})" for t in cables] for cables in extra["top_cables"]
    ]
    return table.join(extra, on=key)


def export_scores(
    scores: Scores,
    layers: Layers,
    out: str | Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    simulation: SimulationResult | None = None,
) -> list[Path]:
    """Write the scored landing points, cables, countries, facilities and metros.

    Country rows carry the per-domain vendor exposure (``exposure_<domain>``, its weight,
    contribution, evidence count, status and vendors) and ``evidence_domains``; facilities and
    metros are written where the model scored them.

    Parameters
    ----------
    scores, layers
        Scores and the layers they came from.
    out
        Folder: ``scores.gpkg`` (a table per layer plus ``cablemap_metadata``; opens in
        QGIS), ``parquet/<table>.parquet`` (GeoParquet, metadata under the ``cablemap``
        key, lists kept as lists) with ``parquet/metadata.json``, ``csv/<table>.csv`` with
        ``csv/metadata.json`` (see :func:`cablemap._tables.write_tables`). The countries
        carry their polygons where ``layers.countries`` has them
        (:func:`countries_with_polygons`; in the CSV as a representative point).
    formats
        Any of ``"gpkg"``, ``"parquet"``, ``"csv"``.
    simulation
        A :func:`cablemap.simulate` result: its columns (``probability_cut_off``, ``ci_low``,
        ``ci_high``, ``expected_days_cut_off``, ``top_cables``) join the countries and the
        landing points, and the metadata records its years, seed and fault model.

    Returns
    -------
    list of Path
        The written files.
    """
    bad = sorted(set(formats) - set(FORMATS))
    if bad:
        msg = f"`formats` had {bad} but is expected to be among {list(FORMATS)}"
        raise ValueError(msg)
    out = Path(out)
    meta = export_metadata(scores, layers)
    tables = {name: scores.table(_ENTITY[name]) for name in _TABLES}
    tables = {name: t for name, t in tables.items() if len(t)}  # unscored facilities/metros
    if "countries" in tables:
        tables["countries"] = countries_with_polygons(tables["countries"], layers.countries)
    tables = with_provenance(tables, layers)
    if simulation is not None:
        tables["countries"] = with_simulation(tables["countries"], simulation.countries, "iso3")
        tables["landing_points"] = with_simulation(
            tables["landing_points"], simulation.landing_points, "lp_id"
        )
        meta["simulation"] = {
            "years": simulation.years,
            "seed": simulation.seed,
            "fault_model": simulation.rates.model.name,
        }
    targets = {"gpkg": out / "scores.gpkg", "parquet": out / "parquet", "csv": out / "csv"}
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt in formats:
            written.extend(write_tables(tables, targets[fmt], fmt=fmt, metadata=meta))
    return written
