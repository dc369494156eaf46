"""What breaks when cables, places or vendors fail: cuts on the segment graph.

A scenario removes **segments** (see :mod:`cablemap.risk.network.topology`): a cable cut removes
all of
its segments; an area cut only the routed segments whose geometry passes through the area (a
circle, a box, any polygon or a named chokepoint); a vendor cut every segment of the cables the
vendor supplied or owns; a border cut (``AAA-BBB``) every cited land link between the two
countries (the model's ``[land_links]`` table). Land links an analyst assumes
(``cross_border``) are never cut. Connectivity is then recomputed:

- a **country** is *isolated* when it had a path to another country before the cuts (by
  cable, or over a land link: domestic backhaul, a land route to a neighbour or a declared
  cross-border link) and has none after; it is *cable_isolated* when it had a submarine path
  abroad before and has none after, land links abroad left aside (Macau after a SeaMeWe-3
  cut: cable-isolated, not isolated). Countries with no path even before are reported apart
  (``unconnected_countries``);
- a **landing point** is *isolated* when it can reach neither another country nor (for a point
  off its country's main landmass) a landing point on that main landmass.


Cuts are parsed in :mod:`cablemap.risk.scenarios.cuts`. Connectivity of many scenarios is
computed at once (:mod:`cablemap.risk.network.connectivity`: one column per scenario, edge
arrays, no graph copies), so a sweep of every single-cable cut of the 2022 network takes well
under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap._errors import ScenarioError
from cablemap._validate import status_counted
from cablemap.layers.iso_codes import name_of_iso3
from cablemap.risk.model.spec import ModelSpec, load_model
from cablemap.risk.network.connectivity import (
    connected_labels,
    country_reach,
    graph_from_network,
    subgraph,
)
from cablemap.risk.network.land_links import active_land_links, read_land_links
from cablemap.risk.network.resilience import (
    CableHypergraph,
    Resilience,
    hypergraph_from_graph,
    pick_hubs,
    resilience,
)
from cablemap.risk.network.topology import Network, model_network
from cablemap.risk.scenarios.cuts import (
    parse_area,
    resolve_cables,
    resolve_vendor_cables,
    segments_in,
)
from cablemap.risk.scoring.facilities import facility_losses, vendor_facilities

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd

    from cablemap.layers.collection import Layers
    from cablemap.risk.analysis import Analysis

__all__ = ["ALL_STATUSES", "ScenarioEngine", "ScenarioError", "ScenarioResult"]

#: Every cable status a network can hold: the engine builds them all and switches them.
ALL_STATUSES = ("in_service", "planned")
#: The analysis's resilience keeps the max-flow paths of min cuts up to this.
_PATHS_KEPT = 2


@dataclass
class ScenarioResult:
    """Outcome of one scenario.

    Attributes
    ----------
    cuts
        What was cut, as given.
    cut_cables
        Cables with at least one segment cut.
    cut_segments
        ``seg_id``, ``cable_id``, ``u``, ``v`` of every cut segment.
    countries
        ``iso3``, ``name``, ``cables_before``, ``cables_after`` (international cables intact),
        ``reachable_before``, ``reachable_after`` (foreign countries reachable by cable or
        land), ``isolated`` (no path abroad left at all), ``cable_isolated`` (no submarine path
        abroad left).
    landing_points
        ``lp_id``, ``name``, ``iso3``, ``isolated_before``, ``isolated``.
    isolated_countries
        Countries with a path abroad (by cable or over land) before the cuts and none after.
    unconnected_countries
        Countries with no path abroad even before the cuts.
    cable_isolated_countries
        Countries with a submarine path abroad before the cuts and none after (land links
        abroad ignored): cut off *by sea*, whether or not a land route remains.
    notes
        Assumptions (e.g. cables without route that area cuts cannot touch).
    cut_facilities
        Facilities a vendor cut removes (operated by the vendor or a vendor of the tier).
    facilities
        Per country with facilities: ``facilities_before``/``_after``,
        ``facility_share_lost``, ``interconnection_before``/``_after`` (networks +
        exchanges), ``interconnection_share_lost``
        (:func:`cablemap.risk.scoring.facilities.facility_losses`).
    """

    cuts: dict[str, list[str]]
    cut_cables: list[str]
    cut_segments: pd.DataFrame
    countries: pd.DataFrame
    landing_points: pd.DataFrame
    isolated_countries: list[str]
    unconnected_countries: list[str]
    cable_isolated_countries: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cut_facilities: list[str] = field(default_factory=list)
    facilities: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``cablemap scenario --format json``."""
        return {
            "cuts": self.cuts,
            "cut_cables": self.cut_cables,
            "cut_segments": self.cut_segments.to_dict(orient="records"),
            "countries": self.countries.to_dict(orient="records"),
            "landing_points": self.landing_points.to_dict(orient="records"),
            "isolated_countries": self.isolated_countries,
            "cable_isolated_countries": self.cable_isolated_countries,
            "isolated_landing_points": list(
                self.landing_points.loc[
                    self.landing_points["isolated"] & ~self.landing_points["isolated_before"],
                    "lp_id",
                ]
            ),
            "unconnected_countries": self.unconnected_countries,
            "cut_facilities": self.cut_facilities,
            "facilities": self.facilities.to_dict(orient="records"),
            "notes": self.notes,
        }


class ScenarioEngine:
    """Prepared network for running many scenarios on one release.

    Parameters
    ----------
    layers
        Loaded layers.
    model
        Model (topology settings, chokepoints, vendor profile); default ``dcs-v2``.
    countries
        Country polygons for landmasses (optional; see :func:`build_network`).
    year
        Count the cables in service in this year (``rfs_year`` at or before it, planned ones
        included); by default the in-service cables of the release.
    with_planned
        Add the planned cables to the in-service ones.
    cross_border
        Land links across borders to assume, added to the model's (e.g. ``[("GIB", "ESP")]``).

    Examples
    --------
    >>> import cablemap as cm
    >>> engine = cm.ScenarioEngine(cm.load())
    >>> engine.run(cables=["tonga-cable", "tonga-domestic-cable-extension-tdce"]).isolated_countries
    ['TON']
    """

    def __init__(
        self,
        layers: Layers,
        model: ModelSpec | str | Path | None = None,
        *,
        countries: gpd.GeoDataFrame | None = None,
        year: int | None = None,
        with_planned: bool = False,
        cross_border: list[tuple[str, str]] | None = None,
        network: Network | None = None,
    ) -> None:
        self.layers = layers
        self.model = model if isinstance(model, ModelSpec) else load_model(model)
        self._resilience: Resilience | None = None
        cables = layers.cables
        if year is not None:
            layers.check_year(year)
            known = cables["rfs_year"].notna()
            keep = (known & (cables["rfs_year"].fillna(0) <= year)) | (
                ~known & (status_counted(cables["status"]) == "in_service")
            )
        else:
            keep = status_counted(cables["status"]).isin(
                ALL_STATUSES if with_planned else ("in_service",)
            )
        self.active_cables = set(cables.loc[keep, "cable_id"])
        self.network = (
            model_network(
                layers,
                self.model,
                countries=countries if countries is not None else layers.outlines,
                statuses=ALL_STATUSES,
                cross_border=cross_border or (),
                land_links=_cited_links(layers, self.model, year),
            )
            if network is None
            else network
        )
        self.graph = graph_from_network(self.network, layers)
        seg_cables = self.network.segments["cable_id"].to_numpy()
        self._base_edges = np.ones(self.graph.n_edges, dtype=bool)
        self._base_edges[: len(seg_cables)] = np.isin(seg_cables, list(self.active_cables))
        self._seg_cables = seg_cables
        # land links abroad (declared or land routes): off when asking for submarine paths
        self._abroad = np.zeros(self.graph.n_edges, dtype=bool)
        self._abroad[len(seg_cables) :] = self.network.terrestrial["kind"].to_numpy() != "domestic"
        self._base = self._connectivity(self._base_edges[:, None])
        self._base_sea = self._connectivity((self._base_edges & ~self._abroad)[:, None])
        self._intl = self._international_cables()
        self._main = self._main_landmass()
        self._cut_facilities: list[str] = []

    @classmethod
    def from_analysis(
        cls, analysis: Analysis, *, year: int | None = None, with_planned: bool = False
    ) -> ScenarioEngine:
        """Make the engine of an analysis, on its full network (nothing rebuilt).

        Parameters
        ----------
        analysis
            The release, model and network (:class:`~cablemap.risk.analysis.Analysis`).
        year, with_planned
            As for the constructor: which cables are on.

        Returns
        -------
        ScenarioEngine
            The engine; with the analysis's cables on, its :meth:`resilience` is the
            analysis's.
        """
        engine = cls(
            analysis.layers,
            analysis.model,
            year=year,
            with_planned=with_planned,
            network=analysis.full_network,
        )
        counted = set(analysis.network.segments["cable_id"])
        if engine.active_cables == counted and not analysis.cross_border:
            engine._resilience = analysis.resilience
        return engine

    @property
    def seg_cables(self) -> np.ndarray:
        """The cable id of every segment of :attr:`network` (the first edges of :attr:`graph`)."""
        return self._seg_cables

    @property
    def base_edges(self) -> np.ndarray:
        """Which undirected edges of :attr:`graph` the uncut network has (active cables, land)."""
        return self._base_edges

    @property
    def main_landmass(self) -> tuple[np.ndarray, np.ndarray]:
        """Per country its main-landmass node, and per landing point whether it stands there."""
        return self._main

    @property
    def international_cables(self) -> dict[str, set[str]]:
        """Per country, its active cables that also land in another country."""
        return self._intl

    @property
    def base_reach(self) -> np.ndarray:
        """Foreign countries each country (of ``graph.countries``) reaches in the uncut network."""
        return self._base[1][:, 0]

    def lp_isolated(self, active: np.ndarray) -> np.ndarray:
        """Flag the cut-off landing points under each column of active edges.

        Parameters
        ----------
        active
            Boolean (n_edges, n_scenarios): which undirected edges of :attr:`graph` each
            scenario keeps.

        Returns
        -------
        ndarray
            Boolean (n_landing_points, n_scenarios), landing points in ``graph.lp_ids`` order.
        """
        lp_labels, _, _, labels = self._connectivity(active)
        return self._lp_isolated(lp_labels, labels)

    def _international_cables(self) -> dict[str, set[str]]:
        lps = self.layers.landing_points.set_index("lp_id")["iso3"]
        links = self.layers.cable_landings[
            self.layers.cable_landings["cable_id"].isin(self.active_cables)
        ]
        per_cable = (
            links.assign(iso3=links["lp_id"].map(lps))
            .groupby("cable_id")["iso3"]
            .agg(lambda s: set(s.dropna()))
        )
        out: dict[str, set[str]] = {}
        for cable, countries in per_cable.items():
            if len(countries) >= 2:
                for c in countries:
                    out.setdefault(c, set()).add(cable)
        return out

    def _main_landmass(self) -> tuple[np.ndarray, np.ndarray]:
        """Each country's main-landmass landing point (node index), and which points share it.

        The main landmass is the one with most of the country's landing points (landmass from
        the network's nodes; where unknown, the base connected component stands in).
        """
        nodes = self.network.nodes.set_index("node_id")
        g = self.graph
        land = (
            nodes["landmass"].reindex(g.lp_ids).to_numpy()
            if "landmass" in nodes.columns
            else np.full(len(g.lp_ids), None)
        )
        base_labels = self._base[0][:, 0]
        keys = np.array(
            [
                lm if isinstance(lm, str) else f"component:{lab}"
                for lm, lab in zip(land, base_labels, strict=True)
            ],
            dtype=object,
        )
        main_node = np.full(len(g.countries), -1)
        on_main = np.zeros(len(g.lp_ids), dtype=bool)
        anchors = dict(zip(g.anchor_country.tolist(), g.anchor_index.tolist(), strict=True))
        for ci in range(len(g.countries)):
            members = np.flatnonzero(g.lp_country == ci)
            if not len(members):  # a country node (no landing point): itself
                main_node[ci] = anchors[ci]
                continue
            mk = list(keys[members])
            best = max(set(mk), key=lambda k: (mk.count(k), k))
            on_main[members[np.array(mk) == best]] = True
            main_node[ci] = g.lp_index[members[mk.index(best)]]
        return main_node, on_main

    def _connectivity(
        self, active: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Labels of landing points, foreign reach, connected pairs, and all node labels."""
        g = self.graph
        labels = connected_labels(g, active)
        lp_labels = labels[g.lp_index]
        # countries reached: by their landing points and, without any, their country node
        reach, pairs = country_reach(g, labels[g.member_index], g.member_country)
        return lp_labels, reach, pairs, labels

    def _lp_isolated(self, lp_labels: np.ndarray, all_labels: np.ndarray) -> np.ndarray:
        """Flag, per scenario, the landing points that are cut off.

        Cut off: reaching no other country and, for a point off its country's main landmass,
        not the main landmass either.
        """
        g = self.graph
        known = g.lp_country >= 0
        main_node, on_main = self._main
        n_c = len(g.countries)
        out = np.zeros(lp_labels.shape, dtype=bool)
        for j in range(lp_labels.shape[1]):
            labs = lp_labels[:, j]
            anchors = all_labels[g.anchor_index, j]  # countries without a landing point
            pairs = np.unique(
                np.concatenate(
                    [labs[known] * n_c + g.lp_country[known], anchors * n_c + g.anchor_country]
                )
            )
            comp, counts = np.unique(pairs // n_c, return_counts=True)
            abroad = np.isin(labs, comp[counts >= 2])
            main_label = all_labels[main_node[np.maximum(g.lp_country, 0)], j]
            reaches_main = labs == main_label
            out[:, j] = known & ~abroad & (on_main | ~reaches_main)
        return out

    def border_mask(self, borders: list[str] | None) -> tuple[np.ndarray, list[str]]:
        """Resolve border cuts (``AAA-BBB``) into a mask of the land edges of :attr:`graph`.

        Returns
        -------
        tuple
            The mask (one value per land edge, after the segments) and the link ids cut.

        Raises
        ------
        ScenarioError
            If a border is not two ISO3 codes, or no cited land link crosses it.
        """
        links = self.graph.land_link
        mask = np.zeros(len(links), dtype=bool)
        cut: list[str] = []
        for text in borders or []:
            pair = sorted(p.strip().upper() for p in str(text).split("-"))
            if len(pair) != 2 or not all(len(p) == 3 and p.isalpha() for p in pair):
                msg = f"border {text!r}: give two ISO3 codes joined by '-', e.g. CHN-VNM"
                raise ScenarioError(msg)
            prefix = f"{pair[0]}-{pair[1]}:"
            hit = np.array([str(x).startswith(prefix) for x in links], dtype=bool)
            if not hit.any():
                known = sorted({str(x).split(":")[0] for x in links if x})
                msg = (
                    f"border {text!r}: no cited land link in service crosses it (the model's "
                    f"[land_links] table); borders with links: {', '.join(known) or 'none'}"
                )
                raise ScenarioError(msg)
            mask |= hit
            cut.extend(sorted({str(x) for x in links[hit]}))
        return mask, cut

    def cut_mask(
        self,
        *,
        cables: list[str] | None = None,
        areas: list[str] | None = None,
        vendors: list[str] | None = None,
    ) -> tuple[np.ndarray, dict[str, list[str]], list[str]]:
        """Resolve cuts into a mask of cut segments; return (mask, cuts as given, notes)."""
        seg = self.network.segments
        mask = np.zeros(len(seg), dtype=bool)
        notes: list[str] = []
        cuts: dict[str, list[str]] = {"cables": [], "areas": [], "vendors": [], "borders": []}
        for cable in resolve_cables(cables or [], self.layers):
            mask |= self._seg_cables == cable
            cuts["cables"].append(cable)
        for text in areas or []:
            label, area = parse_area(text, self.model.chokepoints)
            mask |= segments_in(area, seg)
            cuts["areas"].append(label)
        operated = vendor_facilities(vendors or [], self.layers, self.model)
        with_sites = {name for name, facs in operated.items() if facs}
        matched_cables = resolve_vendor_cables(
            vendors or [], self.layers, self.model, facility_vendors=with_sites
        )
        for name, matched in matched_cables.items():
            mask |= np.isin(self._seg_cables, matched)
            cuts["vendors"].append(name)
        self._cut_facilities = sorted({f for facs in operated.values() for f in facs})
        if areas:
            unrouted = sorted(set(seg.loc[~seg["routed"], "cable_id"]) & self.active_cables)
            if unrouted:
                notes.append(
                    f"area cuts cannot touch {len(unrouted)} cable(s) without a usable route: "
                    f"{unrouted[:10]}"
                )
        return mask, cuts, notes

    def run(
        self,
        *,
        cables: list[str] | None = None,
        areas: list[str] | None = None,
        vendors: list[str] | None = None,
        borders: list[str] | None = None,
    ) -> ScenarioResult:
        """Cut cables (ids or names), areas, vendors and borders together; report what breaks.

        ``borders`` are pairs of countries (``"CHN-VNM"``): every cited land link between
        them fails.
        """
        mask, cuts, notes = self.cut_mask(cables=cables, areas=areas, vendors=vendors)
        land_cut, links_cut = self.border_mask(borders)
        cuts["borders"] = links_cut
        cut_facilities = self._cut_facilities
        losses = facility_losses(self.layers, set(cut_facilities))
        mask &= self._base_edges[: len(mask)]
        active = self._base_edges.copy()
        active[: len(mask)] &= ~mask
        active[len(mask) :] &= ~land_cut
        after = self._connectivity(active[:, None])
        sea_after = self._connectivity((active & ~self._abroad)[:, None])
        base_lp, base_reach, _, base_labels = self._base
        lp_after, reach_after, _, labels_after = after
        sea_before, sea_reach_after = self._base_sea[1], sea_after[1]
        seg = self.network.segments
        cut_segments = seg.loc[mask, ["seg_id", "cable_id", "u", "v"]].reset_index(drop=True)
        cut_cables = sorted(set(cut_segments["cable_id"]))
        names = (
            self.layers.landing_points.dropna(subset=["iso3"]).groupby("iso3")["country"].first()
        )
        rows = []
        for ci, iso in enumerate(self.graph.countries):
            intl = self._intl.get(iso, set())
            rows.append(
                {
                    "iso3": iso,
                    "name": names.get(iso) or name_of_iso3(iso),
                    "cables_before": len(intl),
                    "cables_after": len(intl - set(cut_cables)),
                    "reachable_before": int(base_reach[ci, 0]),
                    "reachable_after": int(reach_after[ci, 0]),
                    "isolated": bool(base_reach[ci, 0] > 0 and reach_after[ci, 0] == 0),
                    "cable_isolated": bool(sea_before[ci, 0] > 0 and sea_reach_after[ci, 0] == 0),
                }
            )
        countries = pd.DataFrame(rows)
        if len(losses):
            shares = losses.set_index("iso3")[["facility_share_lost", "interconnection_share_lost"]]
            countries = countries.join(shares, on="iso3")
            countries[list(shares.columns)] = countries[list(shares.columns)].fillna(0.0)
        before_iso = self._lp_isolated(base_lp, base_labels)[:, 0]
        after_iso = self._lp_isolated(lp_after, labels_after)[:, 0]
        lps = self.layers.landing_points
        landing_points = pd.DataFrame(
            {
                "lp_id": lps["lp_id"].to_numpy(),
                "name": lps["name"].to_numpy(),
                "iso3": lps["iso3"].to_numpy(),
                "isolated_before": before_iso,
                "isolated": after_iso,
            }
        )
        return ScenarioResult(
            cuts=cuts,
            cut_cables=cut_cables,
            cut_segments=cut_segments,
            countries=countries,
            landing_points=landing_points,
            isolated_countries=sorted(countries.loc[countries["isolated"], "iso3"]),
            cable_isolated_countries=sorted(countries.loc[countries["cable_isolated"], "iso3"]),
            unconnected_countries=sorted(countries.loc[countries["reachable_before"] == 0, "iso3"]),
            notes=notes,
            cut_facilities=cut_facilities,
            facilities=losses[losses["facility_share_lost"] > 0].reset_index(drop=True)
            if len(losses)
            else losses,
        )

    def run_configured(self) -> dict[str, ScenarioResult]:
        """Run the scenarios the model configures (``[[scenarios]]``), by name.

        Returns
        -------
        dict
            Scenario name -> :class:`ScenarioResult`, in the model's order.
        """
        return {
            s["name"]: self.run(
                cables=s["cut_cables"], areas=s["cut_areas"], vendors=s["cut_vendors"]
            )
            for s in self.model.scenarios
        }

    def sweep(self, *, chokepoints: bool = True) -> pd.DataFrame:
        """Rank every single-cable cut (and every chokepoint cut) by impact.

        A cut can only change the connected components it touches, so cuts are grouped by the
        components of the uncut network they touch and each group is computed on those
        components alone (nodes, edges and countries), all its cuts at once.

        Returns
        -------
        DataFrame
            ``cut`` (cable id or chokepoint id), ``kind``, ``countries_isolated`` (count),
            ``isolated`` (ISO3 list), ``pairs_lost`` (country pairs no longer connected),
            sorted by impact.
        """
        g = self.graph
        n_seg = len(self._seg_cables)
        live = self._base_edges[:n_seg]
        cables = sorted(set(self._seg_cables[live]))
        cuts: list[tuple[str, str, np.ndarray]] = [
            (c, "cable", self._seg_cables == c) for c in cables
        ]
        if chokepoints:
            seg = self.network.segments
            cuts += [
                (cid, "chokepoint", segments_in(geom, seg))
                for cid, geom in zip(
                    self.model.chokepoints["chokepoint_id"],
                    self.model.chokepoints.geometry,
                    strict=True,
                )
            ]
        node_labels = self._base[3][:, 0]
        lp_labels = self._base[0][:, 0]
        known = g.lp_country >= 0
        # base: which components give each country a path abroad, and which pairs they join
        comp_ids, comp_of_lp = np.unique(lp_labels[known], return_inverse=True)
        incidence = np.zeros((len(comp_ids), len(g.countries)), dtype=bool)
        incidence[comp_of_lp, g.lp_country[known]] = True
        abroad_comp = incidence.sum(axis=1) >= 2
        groups: dict[tuple[int, ...], list[int]] = {}
        for j, (_, _, cut) in enumerate(cuts):
            touched = tuple(sorted({int(x) for x in node_labels[g.eu[:n_seg][cut & live]]}))
            groups.setdefault(touched, []).append(j)
        isolated: list[list[str]] = [[] for _ in cuts]
        pairs_lost = np.zeros(len(cuts), dtype=np.int64)
        for touched, members in groups.items():
            if not touched:
                continue
            rows = np.isin(comp_ids, touched)
            present = np.flatnonzero(incidence[rows].any(axis=0))  # countries in the group
            other = incidence[~rows][:, present]
            other_pairs = (other.T.astype(np.int32) @ other.astype(np.int32)) > 0
            other_abroad = (incidence[~rows & abroad_comp][:, present]).any(axis=0)
            base_in = incidence[rows][:, present]
            base_pairs = other_pairs | ((base_in.T.astype(np.int32) @ base_in.astype(np.int32)) > 0)
            abroad_before = other_abroad | (base_in[base_in.sum(axis=1) >= 2]).any(axis=0)
            sub, edges, _ = subgraph(g, np.flatnonzero(np.isin(node_labels, touched)))
            active = np.repeat(self._base_edges[edges][:, None], len(members), axis=1)
            seg_edges = edges < n_seg
            for col, j in enumerate(members):
                active[seg_edges, col] &= ~cuts[j][2][edges[seg_edges]]
            labels = connected_labels(sub, active)[sub.lp_index]
            sub_known = sub.lp_country >= 0
            local = np.searchsorted(present, sub.lp_country[sub_known])
            for col, j in enumerate(members):
                pieces, piece_of = np.unique(labels[sub_known, col], return_inverse=True)
                inc = np.zeros((len(pieces), len(present)), dtype=bool)
                inc[piece_of, local] = True
                after_pairs = other_pairs | ((inc.T.astype(np.int32) @ inc.astype(np.int32)) > 0)
                abroad_after = other_abroad | (inc[inc.sum(axis=1) >= 2]).any(axis=0)
                lost = abroad_before & ~abroad_after
                isolated[j] = sorted(g.countries[present[k]] for k in np.flatnonzero(lost))
                pairs_lost[j] = int(np.triu(base_pairs & ~after_pairs, k=1).sum())
        frame = pd.DataFrame(
            {
                "cut": [c for c, _, _ in cuts],
                "kind": [k for _, k, _ in cuts],
                "countries_isolated": [len(x) for x in isolated],
                "isolated": isolated,
                "pairs_lost": pairs_lost,
            }
        )
        return frame.sort_values(
            ["countries_isolated", "pairs_lost", "cut"], ascending=[False, False, True]
        ).reset_index(drop=True)

    def resilience(self, *, paths_up_to: int = 0) -> Resilience:
        """Exact resilience of every country and landing point on this engine's network.

        The fewest whole cables whose failure cuts each one off from the global network (the
        model's hub countries), land links never failing; see
        :mod:`cablemap.risk.network.resilience`.

        Examples
        --------
        >>> import cablemap as cm
        >>> cm.ScenarioEngine(cm.load()).resilience().countries["TON"]["min_cut"]
        1
        """
        if self._resilience is not None and paths_up_to <= _PATHS_KEPT:
            return self._resilience
        hyper = self.hypergraph()
        spec = self.model.resilience
        intl = {iso: len(cables) for iso, cables in self._intl.items()}
        hubs = pick_hubs(intl, list(spec["hubs"]), int(spec["hub_count"]))
        return resilience(hyper, hubs, paths_up_to=paths_up_to)

    def edges_of_units(self) -> dict[str, list[int]]:
        """Return the edges of every unit that fails: a cable's segments, a cited land link.

        Returns
        -------
        dict
            Cable id or cited land-link id (``AAA-BBB:n``) -> positions in the graph's edges.
        """
        out: dict[str, list[int]] = {}
        for i, c in enumerate(self._seg_cables):
            out.setdefault(str(c), []).append(i)
        n_seg = len(self._seg_cables)
        for i, link in enumerate(self.graph.land_link):
            if link:
                out.setdefault(str(link), []).append(n_seg + i)
        return out

    def hypergraph(self) -> CableHypergraph:
        """Places and the cables switched on (:attr:`base_edges`), contracted along land links."""
        return hypergraph_from_graph(self.graph, self._seg_cables, active=self._base_edges)

    def sweep_pairs(self, *, batch: int = 512) -> pd.DataFrame:
        """Rank critical pairs: two cables cutting off a country that no single cable does.

        Only countries whose exact resilience is 2 can be cut off by a pair and by no single
        cable; each such pair takes one cable from each of the two paths of a maximum flow, so
        only those pairs are tried (a few per country, not every pair of the network). Each
        pair is one scenario column of the batched connectivity; a country counts as cut off
        when none of its landing points reaches a hub country.

        Returns
        -------
        DataFrame
            ``cable_a``, ``cable_b``, ``countries_cut`` (count), ``countries`` (ISO3 list),
            sorted by ``countries_cut`` then the cable ids.
        """
        res = self.resilience(paths_up_to=2)
        two = [iso for iso, r in res.countries.items() if r["min_cut"] == 2]
        candidates: set[tuple[str, str]] = set()
        for iso in two:
            first, second = res.paths[iso][:2]
            candidates |= {
                (min(a, b), max(a, b)) for a in set(first) for b in set(second) if a != b
            }
        pairs = sorted(candidates)
        g = self.graph
        hub_idx = [g.countries.index(h) for h in res.hubs if h in g.countries]
        member_country = g.member_country
        hub_member = np.isin(member_country, hub_idx)
        known = member_country >= 0
        eligible = np.isin(np.array(g.countries), two)
        edges = self.edges_of_units()
        cut_lists: list[list[str]] = []
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            active = np.repeat(self._base_edges[:, None], len(chunk), axis=1)
            for col, (a, b) in enumerate(chunk):
                active[np.array([*edges[a], *edges[b]], dtype=np.int64), col] = False
            labels = connected_labels(g, active)[g.member_index]
            for col in range(len(chunk)):
                labs = labels[:, col]
                linked = np.isin(labs, labs[hub_member]) & known
                ok = np.bincount(member_country[linked], minlength=len(g.countries)) > 0
                cut = np.flatnonzero(~ok & eligible)
                cut_lists.append([g.countries[k] for k in cut])
        frame = pd.DataFrame(
            {
                "cable_a": [a for a, _ in pairs],
                "cable_b": [b for _, b in pairs],
                "countries_cut": [len(c) for c in cut_lists],
                "countries": cut_lists,
            }
        )
        frame = frame[frame["countries_cut"] > 0]
        return frame.sort_values(
            ["countries_cut", "cable_a", "cable_b"], ascending=[False, True, True]
        ).reset_index(drop=True)


def _cited_links(layers: Layers, model: ModelSpec, year: int | None) -> pd.DataFrame | None:
    """Return the model's cited land links in service in ``year`` (else the current year)."""
    spec = model.land_links
    if spec["file"] is None:
        return None
    span = layers.release_years()
    when = year if year is not None else (None if span is None else span[1])
    return active_land_links(read_land_links(spec["file"]), when, spec["capacity"])
