"""The planner's candidates: landings on planned systems, spurs, new links, analysts' links.

Costs are what a partner would fund, in km of new cable:

``planned``
    a planned system that already lands at a target (Echo at Palau): the branching
    allowance only; its owners build the rest.
``spur``
    a branch from a target onto an existing or planned system: the geodesic distance from the
    target to the nearest point of the system's route plus the branching allowance
    (``[plan] spur_allowance_km``). Timor-Leste's cable of 2024 is such a spur, from Dili onto
    Australia's North-West Cable System.
``link``
    a new system from a target to a trusted, well-connected country: its full length along a
    sea route (``searoute``).
``analyst``
    a link an analyst lists (``from``, ``to``: landing point ids or ISO3 codes), its
    ``route_km`` as given or along a sea route.

Every candidate states its far end (the countries it reaches besides the target) and whether
that end is trusted (:func:`trusted_country`): a partner state, or a country whose vendor
exposure is at most ``[plan.trusted] max_vendor_exposure``; a spur's system must itself be
trusted (its suppliers' and owners' exposure at most that threshold). An untrusted candidate
is listed with the reason and never picked. Self-links and zero-length links are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from cablemap._errors import ScenarioError
from cablemap._geo import distances_m

if TYPE_CHECKING:
    from cablemap.risk.analysis import Analysis
    from cablemap.risk.model.plan import PlanSettings
    from cablemap.risk.planning.targets import Target

__all__ = ["Candidate", "Context", "analyst_candidates", "generated_candidates"]

#: Systems tried as spur hosts per target: this many trusted and this many untrusted, nearest
#: by route.
SPURS_PER_TARGET = 4
#: Systems measured per target (the nearest by planar distance) before the geodesic check.
SPUR_POOL = 96
#: Farthest a spur may reach (km from the target to the system's route).
MAX_SPUR_KM = 2500.0


@dataclass
class Candidate:
    """One candidate cable.

    Attributes
    ----------
    id, name
        A stable id (``spur:TLS:north-west-cable-system``) and a readable name.
    kind
        ``planned``, ``spur``, ``link`` or ``analyst``.
    countries
        Countries it lands in.
    own, far
        Places at the target's end (a target's new place included) and at the far end (the
        places the new units reach).
    host
        For a spur onto a system in service: that system (the spur joins it at a new
        branching place, in series: if the system fails, the spur is no way out either).
    adds
        The units the candidate adds: ``(id, places)``; a spur's own unit and, for a planned
        system, the system.
    route_km
        Km of new cable a partner would fund.
    cost_basis
        How ``route_km`` was found.
    far_end
        Countries it reaches besides its targets.
    trusted
        Whether its far end is trusted; ``why_untrusted`` says why not.
    exposure
        Vendor exposure of the new cable (the model's ``candidate_exposure``, or the
        system's own for a spur).
    geometry
        Its route or spur (EPSG:4326), or ``None``.
    """

    id: str
    name: str
    kind: str
    countries: list[str]
    own: list[int]
    far: list[int]
    route_km: float
    cost_basis: str
    far_end: list[str]
    trusted: bool = True
    why_untrusted: str = ""
    exposure: float = 0.0
    geometry: Any = None
    host: str | None = None
    adds: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def places(self) -> list[int]:
        """Every place it lands at."""
        return sorted({*self.own, *self.far})


@dataclass(frozen=True)
class Context:
    """What candidate generation reads, computed once.

    Attributes
    ----------
    settings
        The model's ``[plan]``.
    place_of_lp, country_of_lp
        Per landing point id: its place, its country.
    exposure
        Vendor exposure per country (the scores').
    cable_exposure
        Vendor exposure per cable (suppliers and owners).
    hyper_places
        Per cable id: the places it joins (planned ones too).
    """

    settings: PlanSettings
    place_of_lp: dict[str, int]
    country_of_lp: dict[str, str]
    exposure: dict[str, float]
    cable_exposure: dict[str, float]
    hyper_places: dict[str, list[int]] = field(default_factory=dict)

    def trusted_country(self, iso3: str) -> tuple[bool, str]:
        """Whether a far end is trusted, and why not."""
        s = self.settings
        if iso3 in s.untrusted:
            return False, f"{iso3} is never a far end (plan.untrusted)"
        if iso3 in s.partners:
            return True, ""
        value = self.exposure.get(iso3)
        if s.trusted_max_exposure is None:
            return False, f"{iso3} is no partner state"
        if value is None or value > s.trusted_max_exposure:
            shown = "unknown" if value is None else f"{value:.2f}"
            return False, f"{iso3} vendor exposure {shown} > {s.trusted_max_exposure:.2f}"
        return True, ""


def _system_places(analysis: Analysis) -> dict[str, list[int]]:
    """Places each cable joins: in-service ones on the network, planned ones by landings."""
    hyper = analysis.hypergraph
    out = {c: sorted(p.tolist()) for c, p in zip(hyper.cables, hyper.cable_places, strict=True)}
    place = dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True))
    landings = analysis.layers.cable_landings.groupby("cable_id")["lp_id"].apply(list)
    for cable, lps in landings.items():
        if cable not in out:
            out[str(cable)] = sorted({place[lp] for lp in lps if lp in place})
    return out


def context(analysis: Analysis, settings: PlanSettings) -> Context:
    """Gather what the candidates need from an analysis."""
    hyper = analysis.hypergraph
    countries = analysis.scores.countries.set_index("iso3")
    cables = analysis.scores.cables.set_index("cable_id")
    return Context(
        settings=settings,
        place_of_lp=dict(zip(hyper.lp_ids, hyper.lp_place.tolist(), strict=True)),
        country_of_lp=dict(zip(hyper.lp_ids, hyper.lp_country, strict=True)),
        exposure=countries["vendor_exposure"].astype(float).to_dict(),
        cable_exposure=_cable_exposures(analysis, cables),
        hyper_places=_system_places(analysis),
    )


def _cable_exposures(analysis: Analysis, scored: pd.DataFrame) -> dict[str, float]:
    """Vendor exposure of every cable, planned ones included (scored ones from the scores)."""
    from cablemap.risk.scoring.components import cable_exposure  # noqa: PLC0415

    out = scored["vendor_exposure"].astype(float).to_dict()
    for row in analysis.layers.cables.itertuples(index=False):
        if row.cable_id not in out:
            out[row.cable_id] = cable_exposure(row.suppliers, row.owners, analysis.model)
    return out


def _point_of(target: Target) -> shapely.Point | None:
    return None if target.point is None else shapely.Point(target.point)


def _target_places(target: Target) -> list[int]:
    return [target.new_place] if target.new_place >= 0 else [int(p) for p in target.places]


def _geodesic_km(a: shapely.Point, b: shapely.Point) -> float:
    return (
        float(distances_m(np.array([a.x]), np.array([a.y]), np.array([b.x]), np.array([b.y]))[0])
        / 1e3
    )


def _nearest_on(route: Any, point: shapely.Point) -> tuple[float, shapely.Point]:
    """Geodesic km from a point to the nearest point of a route (EPSG:4326), and that point."""
    nearest = shapely.ops.nearest_points(route, point)[0]
    return _geodesic_km(point, nearest), nearest


def spur_candidates(analysis: Analysis, targets: list[Target], ctx: Context) -> list[Candidate]:
    """Spurs from each target onto the nearest systems, and planned systems landing there."""
    import shapely.ops  # noqa: PLC0415 - nearest_points

    cables = analysis.layers.cables
    routed = cables[cables.geometry.notna()].reset_index(drop=True)
    geoms = routed.geometry.to_numpy()
    landings = analysis.layers.cable_landings.groupby("cable_id")["lp_id"].apply(list)
    out: list[Candidate] = []
    allowance = ctx.settings.spur_allowance_km
    for target in targets:
        point = _point_of(target)
        if point is None:
            continue
        own = _target_places(target)
        landed: set[str] = set()
        for row in routed.itertuples(index=False):
            lands = {ctx.country_of_lp.get(lp, "") for lp in landings.get(row.cable_id, [])}
            if row.status == "planned" and target.iso3 in lands and target.kind == "capital":
                out.append(_planned_landing(row, target, lands, ctx, allowance))
                landed.add(row.cable_id)
        # candidates by planar distance, then the nearest by geodesic distance
        near = np.argsort(shapely.distance(geoms, point))[:SPUR_POOL]
        spurs = []
        for k in near:
            row = routed.iloc[int(k)]
            lands = {ctx.country_of_lp.get(lp, "") for lp in landings.get(row.cable_id, [])}
            if not lands - {target.iso3, ""} or row.cable_id in landed:
                continue
            km, at = _nearest_on(row.geometry, point)
            if km <= MAX_SPUR_KM:
                spurs.append((km, row, lands, at))
        out += _nearest_spurs(spurs, target, own, ctx)
    return out


def _nearest_spurs(
    spurs: list[tuple[float, Any, set[str], shapely.Point]],
    target: Target,
    own: list[int],
    ctx: Context,
) -> list[Candidate]:
    """Keep the nearest trusted systems and the nearest untrusted ones (listed with the reason).

    Trusted and untrusted hosts are counted apart, so that a target ringed by an untrusted
    country's domestic systems still gets its nearest trusted options.
    """
    out: list[Candidate] = []
    taken = {True: 0, False: 0}
    for km, row, lands, at in sorted(spurs, key=lambda s: s[0]):
        cand = _spur(row, target, own, lands, km, at, ctx)
        if taken[cand.trusted] < SPURS_PER_TARGET:
            taken[cand.trusted] += 1
            out.append(cand)
    return out


def _planned_landing(
    row: Any, target: Target, lands: set[str], ctx: Context, allowance: float
) -> Candidate:
    own = _target_places(target)
    places = [p for p in ctx.hyper_places.get(row.cable_id, []) if p not in own]
    far = sorted(lands - {target.iso3, ""})
    trusted, why = _system_trust(row.cable_id, far, ctx)
    return Candidate(
        id=f"planned:{target.iso3}:{row.cable_id}",
        name=f"{row.name} (planned) landing at {target.name} ({target.iso3})",
        kind="planned",
        countries=sorted(lands - {""}),
        own=own,
        far=places,
        adds=[(row.cable_id, sorted({*own, *places}))],
        route_km=allowance,
        cost_basis=f"{allowance:,.0f} km branching allowance; its owners build the system",
        far_end=far,
        trusted=trusted,
        why_untrusted=why,
        exposure=ctx.cable_exposure.get(row.cable_id, 0.0),
        geometry=row.geometry,
    )


def _spur(  # noqa: PLR0917 - one spur's facts
    row: Any,
    target: Target,
    own: list[int],
    lands: set[str],
    km: float,
    at: shapely.Point,
    ctx: Context,
) -> Candidate:
    allowance = ctx.settings.spur_allowance_km
    far = sorted(lands - {target.iso3, ""})
    trusted, why = _system_trust(row.cable_id, far, ctx)
    point = _point_of(target)
    system = ctx.hyper_places.get(row.cable_id, [])
    in_service = row.status != "planned"
    return Candidate(
        id=f"spur:{target.key}:{row.cable_id}",
        name=f"{target.name} ({target.iso3}) spur onto {row['name']}",
        kind="spur",
        countries=sorted({target.iso3, *far}),
        own=own,
        far=system,
        host=row.cable_id if in_service else None,
        # in service: the spur reaches the system at a new branching place (series);
        # planned: the system is built too, with the spur's place on it
        adds=[] if in_service else [(row.cable_id, sorted({*system, *own}))],
        route_km=km + allowance,
        cost_basis=f"{km:,.0f} km to the route + {allowance:,.0f} km branching allowance",
        far_end=far,
        trusted=trusted,
        why_untrusted=why,
        exposure=ctx.cable_exposure.get(row.cable_id, 0.0),
        geometry=None if point is None else shapely.LineString([point, at]),
    )


def _system_trust(cable_id: str, far: list[str], ctx: Context) -> tuple[bool, str]:
    """Say whether a system is trusted: its vendors are, and it reaches a trusted country."""
    threshold = ctx.settings.trusted_max_exposure
    exposure = ctx.cable_exposure.get(cable_id, 1.0)
    if threshold is not None and exposure > threshold:
        return False, f"the system's suppliers/owners: exposure {exposure:.2f} > {threshold:.2f}"
    verdicts = [ctx.trusted_country(c) for c in far]
    if any(ok for ok, _ in verdicts):
        return True, ""
    return False, "; ".join(why for _, why in verdicts) or "reaches no other country"


def link_candidates(
    analysis: Analysis, targets: list[Target], ctx: Context, hubs: list[str]
) -> list[Candidate]:
    """Make new systems from each target to the nearest well-connected countries."""
    lps = analysis.layers.landing_points.set_index("lp_id")
    res = analysis.resilience.countries
    strong = {
        iso
        for iso, r in res.items()
        if iso in hubs or (r["min_cut"] is None or r["min_cut"] >= ctx.settings.hub_min_cut)
    }
    ends = [lp for lp, iso in ctx.country_of_lp.items() if iso in strong and lp in lps.index]
    if not ends:
        return []
    ex = shapely.get_x(lps.geometry.loc[ends].to_numpy())
    ey = shapely.get_y(lps.geometry.loc[ends].to_numpy())
    out: list[Candidate] = []
    for target in targets:
        point = _point_of(target)
        if point is None:
            continue
        d = distances_m(np.full(len(ex), point.x), np.full(len(ex), point.y), ex, ey)
        chosen: dict[str, int] = {}
        for k in np.argsort(d):
            iso = ctx.country_of_lp[ends[k]]
            if iso != target.iso3 and iso not in chosen:
                chosen[iso] = int(k)
            if len(chosen) >= ctx.settings.hubs_per_target:
                break
        for iso, k in chosen.items():
            far_lp = ends[k]
            km, line = sea_route((point.x, point.y), (float(ex[k]), float(ey[k])))
            trusted, why = ctx.trusted_country(iso)
            out.append(
                Candidate(
                    id=f"link:{target.key}:{far_lp}",
                    name=f"{target.name} ({target.iso3}) to {lps.at[far_lp, 'name']} ({iso})",
                    kind="link",
                    countries=sorted({target.iso3, iso}),
                    own=_target_places(target),
                    far=[ctx.place_of_lp[far_lp]],
                    route_km=km,
                    cost_basis=f"{km:,.0f} km along a sea route (a new system)",
                    far_end=[iso],
                    trusted=trusted,
                    why_untrusted=why,
                    exposure=ctx.settings.candidate_exposure,
                    geometry=line,
                )
            )
    return out


def sea_route(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, Any]:
    """Length (km) and line of a sea route between two points (``searoute``)."""
    import searoute  # noqa: PLC0415 - heavy import, only when links are generated

    try:
        feature = searoute.searoute(list(a), list(b), units="km")
        line = shapely.geometry.shape(feature["geometry"])
        return float(feature["properties"]["length"]), line
    except (shapely.errors.GEOSException, ValueError, KeyError):
        # both ends snap to one node of the sea network (a few km apart): a straight line
        return _geodesic_km(shapely.Point(a), shapely.Point(b)), shapely.LineString([a, b])


def generated_candidates(
    analysis: Analysis, targets: list[Target], ctx: Context, hubs: list[str]
) -> list[Candidate]:
    """Every generated candidate: landings on planned systems, spurs and new links."""
    return [
        *spur_candidates(analysis, targets, ctx),
        *link_candidates(analysis, targets, ctx, hubs),
    ]


def analyst_candidates(
    rows: list[dict[str, Any]], analysis: Analysis, targets: list[Target], ctx: Context
) -> list[Candidate]:
    """Candidates an analyst lists: ``id``, ``from``, ``to`` (landing point or ISO3), km."""
    by_iso = {t.iso3: t for t in targets if t.kind == "capital"}
    lps = analysis.layers.landing_points.set_index("lp_id")
    out = []
    for row in rows:
        ends = [_endpoint(str(row[k]), analysis, by_iso, ctx, lps) for k in ("from", "to")]
        (a_iso, a_place, a_xy), (b_iso, b_place, b_xy) = ends
        if a_place == b_place or (a_iso == b_iso and a_iso):
            msg = f"candidate {row['id']!r}: {row['from']!r} and {row['to']!r} are one place"
            raise ScenarioError(msg)
        km_text = row.get("route_km")
        geometry = None
        if km_text not in (None, ""):
            km = float(km_text)
        elif a_xy is not None and b_xy is not None:
            km, geometry = sea_route(a_xy, b_xy)
        else:
            km = float("nan")
        trusted, why = ctx.trusted_country(b_iso) if b_iso else (True, "")
        out.append(
            Candidate(
                id=str(row["id"]),
                name=str(row["id"]),
                kind="analyst",
                countries=sorted({a_iso, b_iso} - {""}),
                own=[a_place],
                far=[b_place],
                route_km=km,
                cost_basis="as the analyst gave it" if km_text not in (None, "") else "sea route",
                far_end=[b_iso] if b_iso else [],
                trusted=trusted,
                why_untrusted=why,
                exposure=ctx.settings.candidate_exposure,
                geometry=geometry,
            )
        )
    return out


def _endpoint(
    text: str,
    analysis: Analysis,
    by_iso: dict[str, Target],
    ctx: Context,
    lps: pd.DataFrame,
) -> tuple[str, int, tuple[float, float] | None]:
    """Resolve a candidate's end: a landing point id, or an ISO3 code (capital or main point)."""
    if text in ctx.place_of_lp:
        geom = lps.geometry.loc[text]
        return ctx.country_of_lp[text], ctx.place_of_lp[text], (geom.x, geom.y)
    iso = text.upper()
    if iso in by_iso and by_iso[iso].new_place >= 0:
        target = by_iso[iso]
        return iso, target.new_place, target.point
    own = [lp for lp, c in ctx.country_of_lp.items() if c == iso]
    if own:
        counts = analysis.layers.cable_landings["lp_id"].value_counts()
        lp = max(own, key=lambda i: (int(counts.get(i, 0)), i))
        geom = lps.geometry.loc[lp]
        return iso, ctx.place_of_lp[lp], (geom.x, geom.y)
    msg = f"candidate end {text!r} is no landing point id or ISO3 code of the region"
    raise ScenarioError(msg)
