"""The ``Layers`` collection every loader returns and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cablemap._validate import LoadReport, layer_problems, links_problems, raise_problems

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: Names of the canonical layers, in the order they are written and shown.
LAYER_NAMES: tuple[str, ...] = ("cables", "landing_points", "cable_landings")


@dataclass
class Layers:
    """The canonical layers of one load, with what the load reported.

    Attributes
    ----------
    cables
        One row per cable system (EPSG:4326); schema in :mod:`cablemap._validate`.
    landing_points
        One row per landing point (EPSG:4326).
    cable_landings
        Which cable lands at which landing point (many-to-many).
    report
        Counts and every skipped or repaired record of the load.
    sources
        Provenance per layer: ``source``, ``source_version``, ``path``, ``licence``,
        ``attribution``.
    facilities
        Data centres, exchanges and cloud regions (:mod:`cablemap.layers.facilities`), where
        configured.
    countries
        Country polygons with ``iso3`` (:mod:`cablemap.layers.boundaries`), where configured.
    vendor_footprints
        Who supplies, owns or runs what in which country (:mod:`cablemap.layers.footprints`).
    vendors
        The vendor registry as a table.
    hazards
        Earthquakes (:mod:`cablemap.layers.hazards`), where configured: the catalogue the
        ``hazard`` component and ``cablemap simulate`` use.
    """

    cables: gpd.GeoDataFrame
    landing_points: gpd.GeoDataFrame
    cable_landings: pd.DataFrame
    report: LoadReport = field(default_factory=LoadReport)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    facilities: gpd.GeoDataFrame | None = None
    countries: gpd.GeoDataFrame | None = None
    vendor_footprints: pd.DataFrame | None = None
    vendors: pd.DataFrame | None = None
    hazards: gpd.GeoDataFrame | None = None

    def validate(self) -> None:
        """Check every layer against its schema and the links between them.

        Raises
        ------
        LayerValidationError
            Listing every problem found, if there is any.
        """
        problems: list[str] = []
        for name in LAYER_NAMES:
            problems.extend(layer_problems(name, getattr(self, name)))
        if not problems:
            problems.extend(links_problems(self.cables, self.landing_points, self.cable_landings))
        raise_problems(problems, where="layers")

    def as_of(self, year: int) -> Layers:
        """Return the network as it stood in ``year``: cables ready for service by then.

        Cables with an RFS year at or before ``year`` count as in service (planned ones
        included: a 2023 cable was in service in 2024); later cables and their landings are
        left out. Cables without an RFS year keep their status. Useful to compare releases or
        replay history on one copy of the data.

        Parameters
        ----------
        year
            The year to look at.

        Returns
        -------
        Layers
            A copy; facilities, countries, footprints, vendors and hazards are shared.

        Examples
        --------
        >>> import cablemap as cm
        >>> len(cm.load().as_of(2015).cables) < len(cm.load().cables)
        True
        """
        cables = self.cables
        known = cables["rfs_year"].notna()
        keep = (known & (cables["rfs_year"].fillna(0) <= year)) | ~known
        out = cables[keep].copy()
        out.loc[out["rfs_year"].notna(), "status"] = "in_service"
        links = self.cable_landings[self.cable_landings["cable_id"].isin(out["cable_id"])]
        return Layers(
            out.reset_index(drop=True),
            self.landing_points,
            links.reset_index(drop=True),
            self.report,
            self.sources,
            self.facilities,
            self.countries,
            self.vendor_footprints,
            self.vendors,
            self.hazards,
        )

    @property
    def attributions(self) -> list[str]:
        """Distinct attribution lines the layers' licences require on maps and exports."""
        seen: list[str] = []
        for meta in self.sources.values():
            text = meta.get("attribution")
            if text and text not in seen:
                seen.append(text)
        return seen

    def __repr__(self) -> str:
        """Summarise the row counts."""
        extra = "".join(
            f", {name}={len(getattr(self, name))}"
            for name in ("facilities", "countries", "vendor_footprints", "hazards")
            if getattr(self, name) is not None
        )
        return (
            f"Layers(cables={len(self.cables)}, landing_points={len(self.landing_points)}, "
            f"cable_landings={len(self.cable_landings)}{extra}, issues={len(self.report.issues)})"
        )
