"""The ``Layers`` collection every loader returns and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from cablemap._errors import EmptyLayerError, YearError
from cablemap._validate import (
    LoadReport,
    layer_problems,
    links_problems,
    raise_problems,
    status_counted,
)

if TYPE_CHECKING:
    import geopandas as gpd

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
    operator_shares
        Operators' shares of each country's market by domain (:mod:`cablemap.layers.shares`),
        where given.
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
    operator_shares: pd.DataFrame | None = None

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

    def check_year(self, year: int) -> None:
        """Refuse a year outside the release's span (:meth:`release_years`).

        A release without any RFS year (geometry only) has no span: its network is the same
        in every year, and no year is refused.

        Raises
        ------
        YearError
            Naming the year and the span.
        """
        span = self.release_years()
        if span is not None and not span[0] <= year <= span[2]:
            msg = (
                f"year {year!r} is outside the release's span: its network runs from "
                f"{span[0]} (oldest in-service cable) to {span[2]} (last planned cable)"
            )
            raise YearError(msg)

    def release_years(self) -> tuple[int, int, int] | None:
        """Return the release's time span: oldest RFS year, current year, last planned year.

        The *current year* is the latest RFS year of a cable the release lists as in service
        (for TeleGeography's 2022 copy, 2022): the release's "now". Planned cables are drawn
        from that year on, so the oldest year is that of the oldest in-service cable (or the
        current year). ``None`` where no cable has an RFS year (a geometry-only release).

        Returns
        -------
        tuple of int or None
            ``(first, current, last)``, ``first <= current <= last``.
        """
        cables = self.cables
        years = cables["rfs_year"].dropna()
        if years.empty:
            return None
        in_service = cables.loc[
            status_counted(cables["status"]) == "in_service", "rfs_year"
        ].dropna()
        current = int(in_service.max()) if len(in_service) else int(years.min())
        first = min(int(in_service.min()), current) if len(in_service) else current
        return first, current, max(current, int(years.max()))

    def cable_years(self) -> pd.Series:
        """Return the year from which each cable is part of the network (:meth:`as_of`).

        A cable listed as in service: its RFS year. A planned one: its RFS year, or the
        release's current year if that is later. A cable without an RFS year: missing (it is
        part of every year).

        Returns
        -------
        pandas.Series
            ``Int64`` values aligned with ``cables`` (same index).
        """
        cables = self.cables
        rfs = cables["rfs_year"].astype("Int64")
        span = self.release_years()
        if span is None:
            return rfs
        planned = status_counted(cables["status"]) == "planned"
        return rfs.where(~planned | (rfs >= span[1]), span[1]).where(rfs.notna())

    def as_of(self, year: int) -> Layers:
        """Return the network as it stood in ``year``, as the release knows it.

        A cable the release lists as in service counts from its RFS year on. A planned cable
        appears from its RFS year on, but never before the release's current year
        (:meth:`release_years`): planned cables are drawn from the current year on, and keep
        their ``planned`` status, so a model that counts only in-service cables scores them
        only if its ``statuses`` include ``planned``. A cable without an RFS year cannot be
        dated and is kept in every year, with its status (5 of the 521 cables of
        TeleGeography's 2022 copy). Landing points whose every cable is left out are left out
        too; landing points that had no cable in the release stay. From the last planned year
        on the result is the release itself.

        Parameters
        ----------
        year
            The year to look at.

        Returns
        -------
        Layers
            A copy; facilities, countries, footprints, vendors and hazards are shared.

        Raises
        ------
        EmptyLayerError
            If no cable is part of the network in that year.

        Examples
        --------
        >>> import cablemap as cm
        >>> len(cm.load().as_of(2015).cables) < len(cm.load().cables)
        True
        """
        self.check_year(year)
        cables = self.cables
        keep = (self.cable_years().fillna(year) <= year).to_numpy(dtype=bool)
        out = cables[keep]
        if out.empty:
            span = self.release_years()
            known = f": its RFS years run from {span[0]} to {span[2]}" if span else ""
            msg = f"no cable of the release is in the network as of {year}{known}"
            raise EmptyLayerError(msg)
        links = self.cable_landings
        kept_links = links[links["cable_id"].isin(out["cable_id"])]
        lps = self.landing_points
        gone = set(links["lp_id"]) - set(kept_links["lp_id"])
        points = lps[~lps["lp_id"].isin(gone)]
        return Layers(
            out.reset_index(drop=True),
            points.reset_index(drop=True),
            kept_links.reset_index(drop=True),
            self.report,
            self.sources,
            self.facilities,
            self.countries,
            self.vendor_footprints,
            self.vendors,
            self.hazards,
            self.operator_shares,
        )

    @property
    def outlines(self) -> gpd.GeoDataFrame | None:
        """Country polygons for landmasses and land links: :attr:`countries`, if given.

        ``None`` when the layers hold no polygons, or only the bundled 1:110m basemap that
        stands in for the maps (too coarse for islands: the landing points' own ``landmass``
        column, where there is one, says more).
        """
        countries = self.countries
        if countries is None or countries.attrs.get("basemap_only"):
            return None
        return countries

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
