"""Load and check the model definitions in ``risk_models/``: model, vendor profile, chokepoints.

Every file is read by the one TOML reader (:class:`cablemap._toml.TomlFile`): every problem of
a file (an unknown table or key with the closest valid one, a value of the wrong type or out
of range, weights not summing to 1, a duplicate scenario name, an unknown tier or vendor) is
collected and raised once as a :class:`~cablemap.RiskSpecError` naming the file and each key,
when the file is read, so a bad edit never reaches the scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from cablemap._errors import CablemapError, RiskSpecError
from cablemap._resources import risk_models_path
from cablemap._toml import TomlFile
from cablemap.layers.footprints import STATUSES
from cablemap.layers.vendors import vendor_registry
from cablemap.risk.model.faults import DEFAULT_FAULTS_FILE, FaultModel, load_fault_model
from cablemap.risk.model.plan import PlanSettings, read_plan
from cablemap.risk.model.region import Region, load_region

DEFAULT_MODEL_FILE = "dcs-v2.toml"
ENTITIES = ("landing_point", "cable", "country")

#: The components each entity's score may weigh. See :mod:`cablemap.risk.scoring.components`.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "landing_point": (
        "vendor_exposure",
        "betweenness",
        "gateway_share",
        "hub",
        "sites",
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
        "sites",
        "hazard",
    ),
}
#: Entities scored only when the model file weighs them (``[weights.facility]``,
#: ``[weights.metro]`` or their importance/vulnerability tables): sites and their metros.
SITE_ENTITIES = ("facility", "metro")
COMPONENTS["facility"] = (
    "interconnection",
    "landing_proximity",
    "concentration",
    "vendor_tier",
    "fragility",
)
COMPONENTS["metro"] = (
    "cables",
    "interconnection",
    "cloud",
    "concentration",
    "fragility",
    "vendor_exposure",
)
#: How an entity's score may be formed: ``product`` = importance x vulnerability (each the
#: weighted mean of its own components), ``sum`` = one weighted sum of every component.
COMBINATIONS = ("product", "sum")
#: The two measures of a ``product`` score.
GROUPS = ("importance", "vulnerability")
TIER_NAMES = ("high", "elevated", "unrated", "trusted")
#: Domains of a country's vendor exposure (see :mod:`cablemap.risk.scoring.exposure`).
EXPOSURE_DOMAINS = ("cables", "facilities", "cloud", "mobile", "government")
#: Statuses of a footprint row (when it began is its ``status_from``), each weighed by the
#: vendor profile's ``[exposure.status]``: how much of the vendor's tier score the row counts.
EVIDENCE_STATUSES = STATUSES
#: Status factors of a profile that does not list them.
DEFAULT_STATUS_FACTORS = {
    "trial": 0.25,
    "contracted": 1.0,
    "deployed": 1.0,
    "phased_out": 0.5,
    "excluded": 0.0,
    "tendered_blocked": 0.0,
    "unknown": 0.0,
}
METRO_METHODS = ("leader",)
#: ``[time] years`` when the model file has none: every five years from 2000, then the
#: release's current year and its last planned year (see
#: :func:`cablemap.risk.history.years.resolve_years`).
DEFAULT_YEARS: tuple[int | str, ...] = (2000, 2005, 2010, 2015, 2020, "current", "last")
#: Words ``[time] years`` may hold besides years.
YEAR_WORDS = ("current", "last")
_YEAR_RANGE = (1850, 2100)
#: Capacity classes of the cited land links (``risk_models/terrestrial_links.csv``).
CAPACITY_CLASSES = ("trunk", "regional", "thin", "unknown")
_MODEL_TABLES = (
    "model",
    "topology",
    "land_links",
    "score",
    "weights",
    "importance",
    "vulnerability",
    "dcs",
    "sensitivity",
    "acceptability",
    "resilience",
    "sites",
    "plan",
    "probabilistic",
    "time",
    "scenarios",
)
#: Tables of earlier model files, and what replaced them.
_REPLACED = {
    "land_routes": "[land_links] (cited, finite land links; risk_models/terrestrial_links.csv)",
    "indices": "[importance.<entity>] (criticality is now importance)",
}


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
    status_factors: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_STATUS_FACTORS))

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
        ``{entity: {component: weight}}`` for landing points, cables and countries. For an
        entity scored as ``importance x vulnerability`` (:attr:`combine`), each of the two
        groups' weights sums to 1 (:attr:`groups`); for a ``sum`` entity all of them do.
    combine
        Per entity, how its score is formed: ``"product"`` or ``"sum"``.
    importance_exponent
        ``a`` of a product score, ``importance^a x vulnerability^(1 - a)`` (``[score]
        importance_exponent``; 0.5 ranks as their plain product).
    groups
        Per ``product`` entity, the components of its ``importance`` and ``vulnerability``.
    statuses
        Cable statuses that count.
    topology
        Keyword arguments of :func:`cablemap.risk.network.topology.build_network`.
    land_links
        ``file`` (the cited land links, ``risk_models/terrestrial_links.csv``) and
        ``capacity`` (cable equivalents per capacity class); ``file`` is ``None`` when the
        model assumes no land link between countries.
    capitals, islands
        The cited capitals table and population by island group, or ``None``.
    region
        The region (view, member countries).
    vendor_profile
        Vendor tiers.
    chokepoints
        Chokepoint polygons (``chokepoint_id``, ``name``, ``source``, geometry; EPSG:4326).
    dcs_exclude, dcs_fragility_components
        DCS priority index settings.
    scenarios
        Scenarios to run on every build: ``name``, ``cut_cables``, ``cut_areas``,
        ``cut_vendors``.
    resilience
        ``hubs`` (ISO3 codes standing for the global network; empty: the ``hub_count``
        countries with most international cables) and ``hub_count``.
    plan
        The investment planner's settings (:class:`~cablemap.risk.model.plan.PlanSettings`).
    sensitivity
        ``perturbation``, ``draws``, ``top_n``, ``seed``.
    acceptability
        Rank acceptability: ``top_k``, ``draws``, ``spread`` (each weight drawn within
        ``±spread`` of the model's, then renormalised), ``seed``.
    site_weights
        ``{"facility" | "metro": {component: weight}}`` where the model weighs them; facilities
        and metros are scored only then.
    sites
        ``[sites]`` settings: ``landing_radius_km`` (cables landing this close count for a
        facility), ``nearest_max_km`` (farthest landing point a facility can be the nearest data
        centre for), ``metro_method`` (``"leader"``), ``metro_radius_km``,
        ``metro_same_country``.
    faults
        The fault model (``[model] faults``, default ``faults-v2.toml``): fault rates, repair
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
    combine: dict[str, str] = field(default_factory=dict)
    importance_exponent: float = 0.5
    groups: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    scenarios: tuple[dict[str, Any], ...] = ()
    resilience: dict[str, Any] = field(default_factory=lambda: {"hubs": (), "hub_count": 10})
    land_links: dict[str, Any] = field(default_factory=lambda: {"file": None, "capacity": {}})
    capitals: str | None = None
    islands: str | None = None
    plan: PlanSettings = field(default_factory=PlanSettings)
    acceptability: dict[str, float] = field(
        default_factory=lambda: {"top_k": 10, "draws": 2000, "spread": 0.5, "seed": 0}
    )
    site_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    sites: dict[str, Any] = field(default_factory=dict)
    faults: FaultModel | None = None
    probabilistic: dict[str, int] | None = None
    years: tuple[int | str, ...] = DEFAULT_YEARS

    def all_weights(self, entity: str) -> dict[str, float]:
        """Every weight of an entity (landing point, cable, country, facility or metro)."""
        return self.weights.get(entity) or self.site_weights.get(entity, {})

    def combination(self, entity: str) -> str:
        """How an entity's score is formed: ``"product"`` or ``"sum"``."""
        return self.combine.get(entity, "sum")


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
        Listing every problem: an unknown table, key, tier or status, a vendor the registry
        lacks (with the closest names), a bad ISO3 code or a bad number.
    """
    file = risk_models_path() / "vendor-profile-default.toml" if path is None else Path(path)
    f = TomlFile.read(file, what="vendor profile")
    f.keys("", ["profile", "tiers", "roles", "domains", "exposure", "vendors", "home_countries"])
    f.keys("profile", ["name", "description", "source"])
    scores = f.weights("tiers", TIER_NAMES, total=None)
    for tier in TIER_NAMES:
        if tier not in f.table("tiers"):
            f.fail(f"tiers.{tier}", "missing: every tier needs a score")
        elif scores[tier] > 1:
            f.fail(f"tiers.{tier}", f"was {scores[tier]!r} but must be a number in [0, 1]")
    role_weights = f.weights("roles", ("supplier", "owner"), total=None)
    registry = vendor_registry()
    named: dict[str, str] = {}
    for vendor in f.table("vendors"):
        tier = f.string(f"vendors.{vendor}", choices=TIER_NAMES)
        if vendor not in registry:
            import difflib  # noqa: PLC0415 - error path only

            close = difflib.get_close_matches(vendor, list(registry), n=3)
            f.fail(
                f"vendors.{vendor}",
                f"{vendor!r} is not a vendor registry name (closest: {close or 'none'}); tiers "
                "apply to registry entries, never to raw strings",
            )
            continue
        named[vendor] = tier
    by_home: dict[str, str] = {}
    for iso3 in f.table("home_countries"):
        tier = f.string(f"home_countries.{iso3}", choices=TIER_NAMES)
        if len(iso3) != 3 or not iso3.isalpha() or not iso3.isupper():
            f.fail(f"home_countries.{iso3}", "not an ISO 3166 alpha-3 code")
            continue
        by_home[iso3] = tier
    domains = _domains(f)
    name = f.string("profile.name", file.stem)
    source = f.string("profile.source", "")
    f.check()
    vendors = {
        vendor: named.get(vendor, by_home.get(entry.home_iso3, "unrated"))
        for vendor, entry in registry.items()
    }
    return VendorProfile(
        name=name,
        source=source,
        path=str(file),
        tier_scores=scores,
        role_weights=role_weights,
        vendors=vendors,
        **domains,
    )


def _domains(f: TomlFile) -> dict[str, Any]:
    """Read ``[domains]`` and ``[exposure]`` of a profile (defaults: cables only, unrated)."""
    out: dict[str, Any] = {}
    if f.has("domains"):
        out["domain_weights"] = f.weights("domains", EXPOSURE_DOMAINS, what="domain")
    f.keys("exposure", ["unknown", "status"])
    out["unknown_tier"] = f.string("exposure.unknown", "unrated", choices=TIER_NAMES)
    factors = dict(DEFAULT_STATUS_FACTORS)
    for status in f.table("exposure.status"):
        if status not in EVIDENCE_STATUSES:
            f.fail(
                f"exposure.status.{status}",
                f"unknown status; statuses: {list(EVIDENCE_STATUSES)}",
            )
            continue
        factors[status] = f.number(f"exposure.status.{status}", low=0.0, high=1.0)
    out["status_factors"] = factors
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
            msg = f"{str(file)!r}, key {col!r}: every chokepoint needs this property"
            raise RiskSpecError(msg)
    if frame["chokepoint_id"].duplicated().any():
        repeated = sorted(frame.loc[frame["chokepoint_id"].duplicated(), "chokepoint_id"])
        msg = f"{str(file)!r}, key 'chokepoint_id': repeated: {repeated}"
        raise RiskSpecError(msg)
    bad = frame[~frame.geom_type.isin(["Polygon", "MultiPolygon"]) | ~frame.is_valid]
    if len(bad):
        msg = (
            f"{str(file)!r}, key '{bad['chokepoint_id'].iloc[0]}.geometry': must be a valid "
            "Polygon or MultiPolygon"
        )
        raise RiskSpecError(msg)
    return frame.to_crs("EPSG:4326")[["chokepoint_id", "name", "source", "geometry"]]


def _entity_weights(
    f: TomlFile,
) -> tuple[dict[str, dict[str, float]], dict[str, str], dict[str, dict[str, tuple[str, ...]]]]:
    """Read every entity's weights, and how its score is formed.

    ``[weights.<e>]`` (a weighted sum), or ``[importance.<e>]`` and ``[vulnerability.<e>]``
    (the score is then their product); ``[score] <e>`` may say which.
    """
    entities = (*ENTITIES, *SITE_ENTITIES)
    for table in ("weights", "importance", "vulnerability"):
        f.keys(table, entities)
    f.keys("score", [*entities, "importance_exponent"])
    weights: dict[str, dict[str, float]] = {}
    combine: dict[str, str] = {}
    groups: dict[str, dict[str, tuple[str, ...]]] = {}
    for entity in entities:
        split = f.has(f"importance.{entity}") or f.has(f"vulnerability.{entity}")
        summed = f.has(f"weights.{entity}")
        default = "product" if split else "sum"
        how = f.string(f"score.{entity}", default, choices=COMBINATIONS)
        if not (split or summed):
            if entity in ENTITIES:
                f.fail(
                    f"weights.{entity}",
                    "missing: weigh every entity ([weights.<entity>] or "
                    "[importance.<entity>] and [vulnerability.<entity>])",
                )
            continue
        if split and summed:
            f.fail(
                f"weights.{entity}",
                "give [weights.*] or [importance.*] with [vulnerability.*], not both",
            )
            continue
        combine[entity] = how
        if how == "sum":
            weights[entity] = f.weights(f"weights.{entity}", COMPONENTS[entity]) if summed else {}
            continue
        parts = {group: f.weights(f"{group}.{entity}", COMPONENTS[entity]) for group in GROUPS}
        both = set(parts["importance"]).intersection(parts["vulnerability"])
        shared = sorted(
            c for c in both if parts["importance"][c] > 0 and parts["vulnerability"][c] > 0
        )
        if shared:
            f.fail(f"vulnerability.{entity}", f"{shared} weighed in importance too: one each")
        groups[entity] = {
            group: tuple(c for c, w in parts[group].items() if w > 0) for group in GROUPS
        }
        weights[entity] = {
            c: parts["importance"][c] + parts["vulnerability"][c] for c in COMPONENTS[entity]
        }
    return weights, combine, groups


def _scenarios(f: TomlFile) -> list[dict[str, Any]]:
    scenarios = []
    entries = f.get("scenarios", [])
    if not isinstance(entries, list):
        f.fail("scenarios", "must be a list of [[scenarios]] tables")
        return []
    seen: dict[str, int] = {}
    allowed = ["name", "cut_cables", "cut_areas", "cut_vendors"]
    for n, entry in enumerate(entries):
        key = f"scenarios[{n}]"
        if not isinstance(entry, dict):
            f.fail(key, "must be a table")
            continue
        for name in entry:
            if name not in allowed:
                f.fail(f"{key}.{name}", f"unknown key; allowed: {sorted(allowed)}")
        name = entry.get("name")
        if not isinstance(name, str):
            f.fail(f"{key}.name", "every scenario needs a name")
            continue
        import re  # noqa: PLC0415 - one pattern, used here only

        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            f.fail(f"{key}.name", f"{name!r}: use letters, digits, - and _")
        if name in seen:
            f.fail(f"{key}.name", f"{name!r} is already the name of scenarios[{seen[name]}]")
        seen.setdefault(name, n)
        cuts = {}
        for k in ("cut_cables", "cut_areas", "cut_vendors"):
            value = entry.get(k, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                f.fail(f"{key}.{k}", f"was {value!r}; expected a list of strings")
                value = []
            cuts[k] = list(value)
        if not any(cuts.values()):
            f.fail(key, "a scenario must cut something")
        scenarios.append({"name": name, **cuts})
    return scenarios


def _path_of(f: TomlFile, key: str, base: Path, default: str | None = None) -> Path | None:
    """Return a file the model names (relative to it), or ``None`` where not given."""
    if not f.has(key) and default is None:
        return None
    return f.file(key, base, default=default)


def load_model(
    path: str | Path | None = None, *, vendor_profile: str | Path | None = None
) -> ModelSpec:
    """Read and check a scoring model and the files it names.

    Parameters
    ----------
    path
        A model TOML; by default ``risk_models/dcs-v2.toml``.
    vendor_profile
        A vendor profile to use instead of the one the model names.

    Returns
    -------
    ModelSpec
        The checked model.

    Raises
    ------
    RiskSpecError
        Listing every problem of the file (each with its key): an unknown table or key (with
        the closest valid one), an unknown component, a negative weight, weights not summing
        to 1, a duplicate scenario name, a bad path; or naming the file it names that is bad.

    Examples
    --------
    >>> from cablemap.risk import load_model
    >>> load_model().weights["country"]["fragility"]
    0.3
    """
    file = risk_models_path() / DEFAULT_MODEL_FILE if path is None else Path(path)
    f = TomlFile.read(file, what="model file")
    for name in f.data:
        if name in _REPLACED:
            f.fail(name, f"this table was replaced by {_REPLACED[name]}")
    f.keys("", [*_MODEL_TABLES, *_REPLACED])
    base = file.parent
    f.keys(
        "model",
        [
            "name",
            "description",
            "faults",
            "region",
            "vendor_profile",
            "chokepoints",
            "capitals",
            "islands",
            "statuses",
        ],
    )
    name = f.string("model.name")
    statuses = tuple(
        f.string_list("model.statuses", ["in_service"], choices=["in_service", "planned"])
    )
    if not statuses:
        f.fail("model.statuses", "must list in_service, planned or both")
    paths = {
        key: _path_of(f, f"model.{key}", base, default)
        for key, default in (
            ("region", None),
            ("vendor_profile", None),
            ("chokepoints", None),
            ("faults", DEFAULT_FAULTS_FILE),
            ("capitals", None),
            ("islands", None),
        )
    }
    for key in ("region", "vendor_profile", "chokepoints"):
        if paths[key] is None:
            f.fail(f"model.{key}", "a path relative to the model file is required")
    weights, combine, groups = _entity_weights(f)
    site_weights = {e: weights.pop(e) for e in SITE_ENTITIES if e in weights}
    settings = _settings(f, base, weights)
    f.check()
    try:
        region = load_region(paths["region"])
        profile = load_vendor_profile(vendor_profile or paths["vendor_profile"])
        chokepoints = load_chokepoints(paths["chokepoints"])
        faults = load_fault_model(paths["faults"])
    except CablemapError as exc:
        msg = f"{str(file)!r}: a file it names is invalid: {exc}"
        raise RiskSpecError(msg) from None
    return ModelSpec(
        name=name,
        description=f.string("model.description", ""),
        path=str(file),
        weights=weights,
        combine=combine,
        importance_exponent=f.number("score.importance_exponent", 0.5, low=0.0, high=1.0),
        groups=groups,
        statuses=statuses,
        region=region,
        vendor_profile=profile,
        chokepoints=chokepoints,
        site_weights=site_weights,
        faults=faults,
        capitals=None if paths["capitals"] is None else str(paths["capitals"]),
        islands=None if paths["islands"] is None else str(paths["islands"]),
        probabilistic=_probabilistic(f, faults),
        **settings,
    )


def _settings(f: TomlFile, base: Path, weights: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Every other table of a model file, checked (problems recorded in ``f``)."""
    f.keys("topology", ["landing_snap_km", "join_km", "terrestrial_links", "cross_border"])
    topology = {
        "landing_snap_km": f.number("topology.landing_snap_km", 30.0, low=0.0, high=500.0),
        "join_km": f.number("topology.join_km", 1.0, low=0.0, high=100.0),
        "terrestrial_links": f.boolean("topology.terrestrial_links", default=True),
        "cross_border": list(f.iso3_pairs("topology.cross_border", [])),
    }
    f.keys("dcs", ["exclude", "fragility_components"])
    fragility = tuple(
        f.string_list(
            "dcs.fragility_components",
            ["fragility", "station_diversity", "chokepoint"],
            choices=COMPONENTS["country"],
        )
    )
    f.keys("sensitivity", ["perturbation", "draws", "top_n", "seed"])
    f.keys("acceptability", ["top_k", "draws", "spread", "seed"])
    f.keys("resilience", ["hubs", "hub_count"])
    return {
        "topology": topology,
        "land_links": _land_links(f, base),
        "dcs_exclude": frozenset(f.iso3_list("dcs.exclude", [])),
        "dcs_fragility_components": fragility,
        "sensitivity": {
            "perturbation": f.number("sensitivity.perturbation", 0.2, low=0.0, high=0.9),
            "draws": f.integer("sensitivity.draws", 200, low=0, high=100_000),
            "top_n": f.integer("sensitivity.top_n", 20, low=2, high=10_000),
            "seed": f.integer("sensitivity.seed", 0, low=0, high=2**32 - 1),
        },
        "acceptability": {
            "top_k": f.integer("acceptability.top_k", 10, low=1, high=10_000),
            "draws": f.integer("acceptability.draws", 2000, low=0, high=1_000_000),
            "spread": f.number("acceptability.spread", 0.5, low=0.0, high=0.99),
            "seed": f.integer("acceptability.seed", 0, low=0, high=2**32 - 1),
        },
        "resilience": {
            "hubs": tuple(f.iso3_list("resilience.hubs", [])),
            "hub_count": f.integer("resilience.hub_count", 10, low=1, high=500),
        },
        "scenarios": tuple(_scenarios(f)),
        "plan": read_plan(f, base),
        "sites": _sites(f),
        "years": _years(f),
    }


def _land_links(f: TomlFile, base: Path) -> dict[str, Any]:
    """Read ``[land_links]``: the cited land links and their cable equivalents per class."""
    f.keys("land_links", ["file", "capacity"])
    capacity = {
        c: f.number(f"land_links.capacity.{c}", default, low=0.0, high=1000.0)
        for c, default in (("trunk", 2.0), ("regional", 1.0), ("thin", 0.5), ("unknown", 0.5))
    }
    f.keys("land_links.capacity", CAPACITY_CLASSES)
    path = _path_of(f, "land_links.file", base)
    return {"file": None if path is None else str(path), "capacity": capacity}


def _sites(f: TomlFile) -> dict[str, Any]:
    """Read ``[sites]``: facility distances and how metros are grouped."""
    f.keys(
        "sites",
        [
            "landing_radius_km",
            "nearest_max_km",
            "metro_method",
            "metro_radius_km",
            "metro_same_country",
        ],
    )
    return {
        "landing_radius_km": f.number("sites.landing_radius_km", 50.0, low=0.0, high=1000.0),
        "nearest_max_km": f.number("sites.nearest_max_km", 200.0, low=0.0, high=5000.0),
        "metro_method": f.string("sites.metro_method", "leader", choices=METRO_METHODS),
        "metro_radius_km": f.number("sites.metro_radius_km", 100.0, low=0.1, high=1000.0),
        "metro_same_country": f.boolean("sites.metro_same_country", default=True),
    }


def _probabilistic(f: TomlFile, faults: FaultModel) -> dict[str, int] | None:
    """Read the ``[probabilistic]`` table: years and seed of the build's simulation, or None."""
    if not f.has("probabilistic"):
        return None
    f.keys("probabilistic", ["years", "seed"])
    out = {
        "years": f.integer("probabilistic.years", faults.years, low=1, high=100_000_000),
        "seed": f.integer("probabilistic.seed", faults.seed, low=0, high=2**63 - 1),
    }
    f.check()
    return out


def _years(f: TomlFile) -> tuple[int | str, ...]:
    """Read ``[time] years``: whole years and the words ``current`` and ``last``."""
    f.keys("time", ["years"])
    years = f.get("time.years", list(DEFAULT_YEARS))
    if not isinstance(years, list) or not years:
        f.fail("time.years", f"was {years!r}; expected a non-empty list of years")
        return DEFAULT_YEARS
    low, high = _YEAR_RANGE
    for i, value in enumerate(years):
        is_year = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        if not (is_year or value in YEAR_WORDS):
            f.fail(
                f"time.years[{i}]",
                f"was {value!r}; expected a year in {low}..{high} or one of {list(YEAR_WORDS)}",
            )
    if len(set(map(str, years))) != len(years):
        f.fail("time.years", f"lists a year twice: {years!r}")
    return tuple(years)
