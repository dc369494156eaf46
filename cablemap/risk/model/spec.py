"""Load and check the model definitions in ``risk_models/``: model, vendor profile, chokepoints.

Every problem is a :class:`~cablemap.RiskSpecError` naming the file and the key, raised when the
file is read, so a bad edit never reaches the scores.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from cablemap._errors import CablemapError, RiskSpecError
from cablemap._resources import risk_models_path
from cablemap.layers.vendors import vendor_registry
from cablemap.risk.model.faults import DEFAULT_FAULTS_FILE, FaultModel, load_fault_model
from cablemap.risk.model.region import Region, load_region

DEFAULT_MODEL_FILE = "dcs-v1.toml"
ENTITIES = ("landing_point", "cable", "country")

#: The components each entity's score may weigh. See :mod:`cablemap.risk.scoring.components`.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "landing_point": (
        "vendor_exposure",
        "betweenness",
        "gateway_share",
        "hub",
        "fragility",
        "chokepoint",
        "hazard",
    ),
    "cable": ("vendor_exposure", "dependence", "reach", "chokepoint", "hazard"),
    "country": (
        "vendor_exposure",
        "fragility",
        "station_diversity",
        "chokepoint",
        "transit",
        "hub",
        "hazard",
    ),
}
#: Entities scored only when the model file weighs them (``[weights.facility]``,
#: ``[weights.metro]``): sites and the places they cluster in.
SITE_ENTITIES = ("facility", "metro")
COMPONENTS["facility"] = ("interconnection", "landing_proximity", "vendor_tier", "concentration")
COMPONENTS["metro"] = ("cables", "interconnection", "cloud", "concentration")
TIER_NAMES = ("high", "elevated", "unrated", "trusted")
#: Domains of a country's vendor exposure (see :mod:`cablemap.risk.scoring.exposure`).
EXPOSURE_DOMAINS = ("cables", "facilities", "cloud", "mobile", "government")
#: Footprint statuses that are evidence, and how a profile may weigh them.
EVIDENCE_STATUSES = ("deployed", "contracted", "phased_out", "excluded")
METRO_METHODS = ("leader",)
#: ``[time] years`` when the model file has none: every five years from 2000, then the
#: release's current year and its last planned year (see
#: :func:`cablemap.risk.history.years.resolve_years`).
DEFAULT_YEARS: tuple[int | str, ...] = (2000, 2005, 2010, 2015, 2020, "current", "last")
#: Words ``[time] years`` may hold besides years.
YEAR_WORDS = ("current", "last")
_YEAR_RANGE = (1850, 2100)
_ISO3 = re.compile(r"^[A-Z]{3}$")
_WEIGHT_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class VendorProfile:
    """Risk tiers of registry vendors.

    Attributes
    ----------
    name, source, path
        What the profile is, where it comes from, where it was read.
    tier_scores
        Score in [0, 1] of each tier (``high``, ``elevated``, ``unrated``, ``trusted``).
    role_weights
        Weight of the ``supplier`` and ``owner`` roles in a cable's exposure.
    vendors
        Tier per registry vendor, explicit or by home country (every registry entry).
    domain_weights
        Weight of each exposure domain (:data:`EXPOSURE_DOMAINS`) in a country's vendor
        exposure, summing to 1; a profile without ``[domains]`` weighs cables only.
    unknown_tier
        The tier a domain without evidence scores as (default ``unrated``).
    status_factors
        How much a footprint row of each status counts of its vendor's tier score.
    """

    name: str
    source: str
    path: str
    tier_scores: dict[str, float]
    role_weights: dict[str, float]
    vendors: dict[str, str]
    domain_weights: dict[str, float] = field(default_factory=lambda: {"cables": 1.0})
    unknown_tier: str = "unrated"
    status_factors: dict[str, float] = field(
        default_factory=lambda: {
            "deployed": 1.0,
            "contracted": 1.0,
            "phased_out": 0.5,
            "excluded": 0.0,
        }
    )

    def tier(self, vendor: str) -> str:
        """Tier of a (canonical) vendor name; ``"unrated"`` for names the registry lacks."""
        return self.vendors.get(vendor, "unrated")


@dataclass(frozen=True)
class ModelSpec:
    """A checked scoring model.

    Attributes
    ----------
    name, description, path
        Identity of the model (``name`` goes into every output).
    weights
        ``{entity: {component: weight}}``, each entity's weights summing to 1.
    statuses
        Cable statuses that count.
    topology
        Keyword arguments of :func:`cablemap.risk.network.topology.build_network`.
    region
        The region (view, member countries).
    vendor_profile
        Vendor tiers.
    chokepoints
        Chokepoint polygons (``chokepoint_id``, ``name``, ``source``, geometry; EPSG:4326).
    dcs_exclude, dcs_fragility_components
        DCS priority index settings.
    criticality_components
        Per entity, the components whose weighted mean is the ``criticality`` index.
    scenarios
        Scenarios to run on every build: ``name``, ``cut_cables``, ``cut_areas``,
        ``cut_vendors``.
    resilience
        ``hubs`` (ISO3 codes standing for the global network; empty: the ``hub_count``
        countries with most international cables) and ``hub_count``.
    land_routes
        ``enabled`` (cross-border land links between countries whose polygons share a land
        border) and ``exclude`` (pairs of ISO3 codes whose border carries no link).
    plan
        The investment planner's settings (``[plan]``), or ``None`` if the file has none;
        see :func:`cablemap.risk.planning.plan.plan_settings`.
    sensitivity
        ``perturbation``, ``draws``, ``top_n``, ``seed``.
    site_weights
        ``{"facility" | "metro": {component: weight}}`` where the model weighs them; facilities
        and metros are scored only then.
    sites
        ``[sites]`` settings: ``landing_radius_km`` (cables landing this close count for a
        facility), ``nearest_max_km`` (farthest landing point a facility can be the nearest data
        centre for), ``metro_method`` (``"leader"``), ``metro_radius_km``,
        ``metro_same_country``.
    faults
        The fault model (``[model] faults``, default ``faults-v1.toml``): fault rates, repair
        times, the ``hazard`` component and ``cablemap simulate``.
    probabilistic
        ``{"years", "seed"}`` when the model asks every build for the probabilistic view
        (a ``[probabilistic]`` table); ``None`` otherwise.
    years
        ``[time] years``: the years the build scores the network as of (the maps' year
        control), each a year or ``"current"`` / ``"last"`` (the release's current and last
        planned year, :meth:`cablemap.Layers.release_years`); default
        :data:`DEFAULT_YEARS`.
    """

    name: str
    description: str
    path: str
    weights: dict[str, dict[str, float]]
    statuses: tuple[str, ...]
    topology: dict[str, Any]
    region: Region
    vendor_profile: VendorProfile
    chokepoints: gpd.GeoDataFrame
    dcs_exclude: frozenset[str]
    dcs_fragility_components: tuple[str, ...]
    sensitivity: dict[str, float]
    criticality_components: dict[str, tuple[str, ...]]
    scenarios: tuple[dict[str, Any], ...] = ()
    resilience: dict[str, Any] = field(default_factory=lambda: {"hubs": (), "hub_count": 10})
    land_routes: dict[str, Any] = field(default_factory=lambda: {"enabled": True, "exclude": ()})
    plan: dict[str, Any] | None = None
    site_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    sites: dict[str, Any] = field(default_factory=dict)
    faults: FaultModel | None = None
    probabilistic: dict[str, int] | None = None
    years: tuple[int | str, ...] = DEFAULT_YEARS

    def with_weights(self, weights: dict[str, dict[str, float]]) -> ModelSpec:
        """Return a copy with other weights (used by the sensitivity analysis)."""
        return ModelSpec(**{**self.__dict__, "weights": weights})


def _err(path: Path, key: str, problem: str) -> RiskSpecError:
    return RiskSpecError(f"{str(path)!r}, key {key!r}: {problem}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{str(path)!r} does not exist"
        raise RiskSpecError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"{str(path)!r} is not valid TOML: {exc}"
        raise RiskSpecError(msg) from None


def _number(path: Path, key: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _err(path, key, f"was {value!r} but must be a number in [{low}, {high}]")
    return float(value)


def load_vendor_profile(path: str | Path | None = None) -> VendorProfile:
    """Read and check a vendor profile.

    Parameters
    ----------
    path
        A profile TOML; by default ``risk_models/vendor-profile-default.toml``.

    Returns
    -------
    VendorProfile
        With a tier for every registry vendor.

    Raises
    ------
    RiskSpecError
        For an unknown tier, a vendor the registry lacks, a bad ISO3 code or a bad number.
    """
    file = risk_models_path() / "vendor-profile-default.toml" if path is None else Path(path)
    data = _read_toml(file)
    tiers = data.get("tiers", {})
    if set(tiers) != set(TIER_NAMES):
        raise _err(
            file, "tiers", f"must give a score to exactly {list(TIER_NAMES)}; got {sorted(tiers)}"
        )
    scores = {t: _number(file, f"tiers.{t}", v, 0.0, 1.0) for t, v in tiers.items()}
    roles = data.get("roles", {})
    if set(roles) != {"supplier", "owner"}:
        raise _err(file, "roles", f"must weigh exactly ['supplier', 'owner']; got {sorted(roles)}")
    role_weights = {r: _number(file, f"roles.{r}", v, 0.0, 1.0) for r, v in roles.items()}
    registry = vendor_registry()
    named: dict[str, str] = {}
    for vendor, tier in data.get("vendors", {}).items():
        if vendor not in registry:
            import difflib  # noqa: PLC0415 - error path only

            close = difflib.get_close_matches(vendor, list(registry), n=3)
            raise _err(
                file,
                f"vendors.{vendor}",
                f"{vendor!r} is not a vendor registry name (closest: {close or 'none'}); tiers "
                "apply to registry entries, never to raw strings",
            )
        if tier not in TIER_NAMES:
            raise _err(
                file, f"vendors.{vendor}", f"unknown tier {tier!r}; tiers: {list(TIER_NAMES)}"
            )
        named[vendor] = tier
    by_home: dict[str, str] = {}
    for iso3, tier in data.get("home_countries", {}).items():
        if not _ISO3.match(iso3):
            raise _err(file, f"home_countries.{iso3}", "not an ISO 3166 alpha-3 code")
        if tier not in TIER_NAMES:
            raise _err(
                file, f"home_countries.{iso3}", f"unknown tier {tier!r}; tiers: {list(TIER_NAMES)}"
            )
        by_home[iso3] = tier
    vendors = {
        name: named.get(name, by_home.get(entry.home_iso3, "unrated"))
        for name, entry in registry.items()
    }
    meta = data.get("profile", {})
    return VendorProfile(
        name=str(meta.get("name", file.stem)),
        source=str(meta.get("source", "")),
        path=str(file),
        tier_scores=scores,
        role_weights=role_weights,
        vendors=vendors,
        **_domains(file, data),
    )


def _domains(file: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Read ``[domains]`` and ``[exposure]`` of a profile (defaults: cables only, unrated)."""
    out: dict[str, Any] = {}
    domains = data.get("domains")
    if domains is not None:
        if not isinstance(domains, dict) or not domains:
            raise _err(file, "domains", f"must weigh some of {list(EXPOSURE_DOMAINS)}")
        for name, value in domains.items():
            if name not in EXPOSURE_DOMAINS:
                raise _err(
                    file, f"domains.{name}", f"unknown domain; domains: {list(EXPOSURE_DOMAINS)}"
                )
            _number(file, f"domains.{name}", value, 0.0, 1.0)
        total = sum(domains.values())
        if not math.isclose(total, 1.0, abs_tol=_WEIGHT_SUM_TOLERANCE):
            raise _err(file, "domains", f"weights sum to {total:g}; they must sum to 1")
        out["domain_weights"] = {d: float(domains.get(d, 0.0)) for d in EXPOSURE_DOMAINS}
    exposure = data.get("exposure", {})
    if not isinstance(exposure, dict):
        raise _err(file, "exposure", "must be a table")
    unknown_keys = sorted(set(exposure) - {"unknown", "status"})
    if unknown_keys:
        raise _err(file, f"exposure.{unknown_keys[0]}", "unknown key; allowed: unknown, status")
    if "unknown" in exposure:
        if exposure["unknown"] not in TIER_NAMES:
            raise _err(
                file, "exposure.unknown", f"was {exposure['unknown']!r}; tiers: {list(TIER_NAMES)}"
            )
        out["unknown_tier"] = exposure["unknown"]
    status = exposure.get("status")
    if status is not None:
        if not isinstance(status, dict) or set(status) != set(EVIDENCE_STATUSES):
            raise _err(
                file, "exposure.status", f"must give a factor to exactly {list(EVIDENCE_STATUSES)}"
            )
        out["status_factors"] = {
            k: _number(file, f"exposure.status.{k}", v, 0.0, 1.0) for k, v in status.items()
        }
    return out


def load_chokepoints(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read chokepoint polygons (GeoJSON or any format geopandas reads).

    Returns
    -------
    GeoDataFrame
        ``chokepoint_id``, ``name``, ``source``, geometry (Polygon/MultiPolygon, EPSG:4326).
    """
    file = risk_models_path() / "chokepoints.geojson" if path is None else Path(path)
    try:
        frame = gpd.read_file(file)
    except Exception as exc:  # pyogrio raises several GDAL error types
        msg = f"{str(file)!r} could not be read: {exc}"
        raise RiskSpecError(msg) from None
    for col in ("chokepoint_id", "name", "source"):
        if col not in frame.columns:
            raise _err(file, col, "every chokepoint needs this property")
    if frame["chokepoint_id"].duplicated().any():
        raise _err(
            file,
            "chokepoint_id",
            f"repeated: {sorted(frame.loc[frame['chokepoint_id'].duplicated(), 'chokepoint_id'])}",
        )
    bad = frame[~frame.geom_type.isin(["Polygon", "MultiPolygon"]) | ~frame.is_valid]
    if len(bad):
        raise _err(
            file,
            f"{bad['chokepoint_id'].iloc[0]}.geometry",
            "must be a valid Polygon or MultiPolygon",
        )
    return frame.to_crs("EPSG:4326")[["chokepoint_id", "name", "source", "geometry"]]


def _weights(file: Path, data: dict[str, Any]) -> dict[str, dict[str, float]]:
    table = data.get("weights")
    if not isinstance(table, dict):
        raise _err(file, "weights", "a [weights.<entity>] table per entity is required")
    unknown = sorted(set(table) - set(ENTITIES) - set(SITE_ENTITIES))
    if unknown:
        raise _err(
            file,
            f"weights.{unknown[0]}",
            f"unknown entity; entities: {[*ENTITIES, *SITE_ENTITIES]}",
        )
    out: dict[str, dict[str, float]] = {}
    for entity in (*ENTITIES, *(e for e in SITE_ENTITIES if e in table)):
        weights = table.get(entity)
        if not isinstance(weights, dict) or not weights:
            raise _err(file, f"weights.{entity}", "missing")
        for comp, value in weights.items():
            key = f"weights.{entity}.{comp}"
            if comp not in COMPONENTS[entity]:
                raise _err(
                    file, key, f"unknown component; {entity} components: {list(COMPONENTS[entity])}"
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _err(file, key, f"was {value!r} but must be a non-negative number")
        total = sum(weights.values())
        if not math.isclose(total, 1.0, abs_tol=_WEIGHT_SUM_TOLERANCE):
            raise _err(file, f"weights.{entity}", f"weights sum to {total:g}; they must sum to 1")
        out[entity] = {c: float(weights.get(c, 0.0)) for c in COMPONENTS[entity]}
    return out


def _criticality(file: Path, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    criticality: dict[str, tuple[str, ...]] = {}
    for entity, comps in data.get("indices", {}).get("criticality", {}).items():
        key = f"indices.criticality.{entity}"
        if entity not in ENTITIES:
            raise _err(file, key, f"unknown entity; entities: {list(ENTITIES)}")
        unknown = [c for c in comps if c not in COMPONENTS[entity]]
        if unknown or not comps:
            raise _err(
                file,
                key,
                f"unknown or no component(s) {unknown}; "
                f"{entity} components: {list(COMPONENTS[entity])}",
            )
        criticality[entity] = tuple(comps)
    return criticality


def _scenarios(file: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    scenarios = []
    for n, entry in enumerate(data.get("scenarios", [])):
        key = f"scenarios[{n}]"
        allowed = {"name", "cut_cables", "cut_areas", "cut_vendors"}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _err(file, f"{key}.name", "every scenario needs a name")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", entry["name"]):
            raise _err(file, f"{key}.name", f"{entry['name']!r}: use letters, digits, - and _")
        if set(entry) - allowed:
            raise _err(
                file,
                f"{key}.{sorted(set(entry) - allowed)[0]}",
                f"unknown key; allowed: {sorted(allowed)}",
            )
        cuts = {k: list(entry.get(k, [])) for k in ("cut_cables", "cut_areas", "cut_vendors")}
        if not any(cuts.values()):
            raise _err(file, key, "a scenario must cut something")
        scenarios.append({"name": entry["name"], **cuts})
    return scenarios


def load_model(
    path: str | Path | None = None, *, vendor_profile: str | Path | None = None
) -> ModelSpec:
    """Read and check a scoring model and the files it names.

    Parameters
    ----------
    path
        A model TOML; by default ``risk_models/dcs-v1.toml``.
    vendor_profile
        A vendor profile to use instead of the one the model names.

    Returns
    -------
    ModelSpec
        The checked model.

    Raises
    ------
    RiskSpecError
        Naming the file and key of the first problem: unknown component, negative weight,
        weights not summing to 1, unknown tier or vendor, bad path.

    Examples
    --------
    >>> from cablemap.risk import load_model
    >>> load_model().weights["country"]["fragility"]
    0.25
    """
    file = risk_models_path() / DEFAULT_MODEL_FILE if path is None else Path(path)
    data = _read_toml(file)
    meta = data.get("model", {})
    if not isinstance(meta, dict) or "name" not in meta:
        raise _err(file, "model.name", "missing")
    base = file.parent

    def _path(key: str) -> Path:
        value = meta.get(key)
        if not isinstance(value, str):
            raise _err(file, f"model.{key}", "a path relative to the model file is required")
        resolved = base / value
        if not resolved.exists():
            raise _err(file, f"model.{key}", f"{str(resolved)!r} does not exist")
        return resolved

    statuses = tuple(meta.get("statuses", ["in_service"]))
    if not statuses or not set(statuses) <= {"in_service", "planned"}:
        raise _err(file, "model.statuses", f"was {list(statuses)!r}; allowed: in_service, planned")
    topo = data.get("topology", {})
    topology: dict[str, Any] = {
        "landing_snap_km": _number(
            file, "topology.landing_snap_km", topo.get("landing_snap_km", 30.0), 0.0, 500.0
        ),
        "join_km": _number(file, "topology.join_km", topo.get("join_km", 1.0), 0.0, 100.0),
        "terrestrial_links": bool(topo.get("terrestrial_links", True)),
        "cross_border": [],
    }
    for i, pair in enumerate(topo.get("cross_border", [])):
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(c, str) and _ISO3.match(c) for c in pair)
        ):
            raise _err(
                file, f"topology.cross_border[{i}]", f"was {pair!r}; expected a pair of ISO3 codes"
            )
        topology["cross_border"].append((pair[0], pair[1]))
    weights = _weights(file, data)
    site_weights = {e: weights.pop(e) for e in SITE_ENTITIES if e in weights}
    sites = _sites(file, data)
    dcs = data.get("dcs", {})
    exclude = dcs.get("exclude", [])
    if not all(isinstance(c, str) and _ISO3.match(c) for c in exclude):
        raise _err(file, "dcs.exclude", f"must list ISO3 codes; got {exclude!r}")
    fragility = tuple(
        dcs.get("fragility_components", ["fragility", "station_diversity", "chokepoint"])
    )
    bad = [c for c in fragility if c not in COMPONENTS["country"]]
    if bad:
        raise _err(file, "dcs.fragility_components", f"unknown country component(s) {bad}")
    criticality = _criticality(file, data)
    scenarios = _scenarios(file, data)
    sens = data.get("sensitivity", {})
    sensitivity = {
        "perturbation": _number(
            file, "sensitivity.perturbation", sens.get("perturbation", 0.2), 0.0, 0.9
        ),
        "draws": int(_number(file, "sensitivity.draws", sens.get("draws", 200), 0, 100_000)),
        "top_n": int(_number(file, "sensitivity.top_n", sens.get("top_n", 20), 2, 10_000)),
        "seed": int(_number(file, "sensitivity.seed", sens.get("seed", 0), 0, 2**32 - 1)),
    }
    resilience = _resilience(file, data)
    land_routes = _land_routes(file, data)
    plan = data.get("plan")
    if plan is not None and not isinstance(plan, dict):
        raise _err(file, "plan", "must be a table")
    try:
        region = load_region(_path("region"))
        profile = load_vendor_profile(vendor_profile or _path("vendor_profile"))
        chokepoints = load_chokepoints(_path("chokepoints"))
        faults = load_fault_model(
            _path("faults") if "faults" in meta else risk_models_path() / DEFAULT_FAULTS_FILE
        )
    except CablemapError as exc:
        msg = f"{str(file)!r}: a file it names is invalid: {exc}"
        raise RiskSpecError(msg) from None
    return ModelSpec(
        name=str(meta["name"]),
        description=str(meta.get("description", "")),
        path=str(file),
        weights=weights,
        statuses=statuses,
        topology=topology,
        region=region,
        vendor_profile=profile,
        chokepoints=chokepoints,
        dcs_exclude=frozenset(exclude),
        dcs_fragility_components=fragility,
        sensitivity=sensitivity,
        criticality_components=criticality,
        scenarios=tuple(scenarios),
        resilience=resilience,
        land_routes=land_routes,
        plan=plan,
        site_weights=site_weights,
        sites=sites,
        faults=faults,
        probabilistic=_probabilistic(file, data, faults),
        years=_years(file, data),
    )


def _iso_pairs(file: Path, key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise _err(file, key, f"was {value!r}; expected a list of ISO3 pairs")
    out = []
    for i, pair in enumerate(value):
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(c, str) and _ISO3.match(c) for c in pair)
        ):
            raise _err(file, f"{key}[{i}]", f"was {pair!r}; expected a pair of ISO3 codes")
        out.append((pair[0], pair[1]))
    return tuple(out)


def _resilience(file: Path, data: dict[str, Any]) -> dict[str, Any]:
    table = data.get("resilience", {})
    hubs = table.get("hubs", [])
    if not isinstance(hubs, list) or not all(isinstance(c, str) and _ISO3.match(c) for c in hubs):
        raise _err(file, "resilience.hubs", f"must list ISO3 codes; got {hubs!r}")
    count = int(_number(file, "resilience.hub_count", table.get("hub_count", 10), 1, 500))
    return {"hubs": tuple(hubs), "hub_count": count}


def _land_routes(file: Path, data: dict[str, Any]) -> dict[str, Any]:
    table = data.get("land_routes", {})
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _err(file, "land_routes.enabled", f"was {enabled!r}; expected true or false")
    exclude = _iso_pairs(file, "land_routes.exclude", table.get("exclude", []))
    return {"enabled": enabled, "exclude": exclude}


def _sites(file: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Read ``[sites]``: facility distances and how metros are grouped."""
    table = data.get("sites", {})
    allowed = {
        "landing_radius_km",
        "nearest_max_km",
        "metro_method",
        "metro_radius_km",
        "metro_same_country",
    }
    if not isinstance(table, dict):
        raise _err(file, "sites", "must be a table")
    if set(table) - allowed:
        key = sorted(set(table) - allowed)[0]
        raise _err(file, f"sites.{key}", f"unknown key; allowed: {sorted(allowed)}")
    method = table.get("metro_method", "leader")
    if method not in METRO_METHODS:
        raise _err(file, "sites.metro_method", f"was {method!r}; methods: {list(METRO_METHODS)}")
    same = table.get("metro_same_country", True)
    if not isinstance(same, bool):
        raise _err(file, "sites.metro_same_country", f"was {same!r}; expected true or false")
    return {
        "landing_radius_km": _number(
            file, "sites.landing_radius_km", table.get("landing_radius_km", 50.0), 0.0, 1000.0
        ),
        "nearest_max_km": _number(
            file, "sites.nearest_max_km", table.get("nearest_max_km", 200.0), 0.0, 5000.0
        ),
        "metro_method": method,
        "metro_radius_km": _number(
            file, "sites.metro_radius_km", table.get("metro_radius_km", 100.0), 0.1, 1000.0
        ),
        "metro_same_country": same,
    }


def _probabilistic(file: Path, data: dict[str, Any], faults: FaultModel) -> dict[str, int] | None:
    """Read the ``[probabilistic]`` table: years and seed of the build's simulation, or None."""
    table = data.get("probabilistic")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _err(file, "probabilistic", "must be a table ([probabilistic])")
    unknown = sorted(set(table) - {"years", "seed"})
    if unknown:
        raise _err(file, f"probabilistic.{unknown[0]}", "unknown key; allowed: ['seed', 'years']")
    out = {"years": faults.years, "seed": faults.seed}
    for key, low in (("years", 1), ("seed", 0)):
        value = table.get(key, out[key])
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise _err(
                file, f"probabilistic.{key}", f"was {value!r} but must be a whole number >= {low}"
            )
        out[key] = value
    return out


def _years(file: Path, data: dict[str, Any]) -> tuple[int | str, ...]:
    """Read ``[time] years``: whole years and the words ``current`` and ``last``."""
    table = data.get("time", {})
    if not isinstance(table, dict):
        raise _err(file, "time", "must be a table ([time])")
    unknown = sorted(set(table) - {"years"})
    if unknown:
        raise _err(file, f"time.{unknown[0]}", "unknown key; allowed: ['years']")
    years = table.get("years", list(DEFAULT_YEARS))
    if not isinstance(years, list) or not years:
        raise _err(file, "time.years", f"was {years!r}; expected a non-empty list of years")
    low, high = _YEAR_RANGE
    for i, value in enumerate(years):
        is_year = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        if not (is_year or value in YEAR_WORDS):
            raise _err(
                file,
                f"time.years[{i}]",
                f"was {value!r}; expected a year in {low}..{high} or one of {list(YEAR_WORDS)}",
            )
    if len(set(years)) != len(years):
        raise _err(file, "time.years", f"lists a year twice: {years!r}")
    return tuple(years)
