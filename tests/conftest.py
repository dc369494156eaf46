"""Shared fixtures: paths to the real reference data, loaded layers, and tiny builders.

Tests that need the full reference releases (``../shared/data``), run whole builds, build a
wheel, run notebooks or drive a browser are marked ``slow`` here at collection (from their
fixtures, files and the names their bodies use), so ``make test-fast``
(``pytest -m "not slow and not web"``) can leave them out. Absent reference
data skips those tests, except where ``CI`` or ``CABLEMAP_REQUIRE_DATA=1`` is set: there it fails.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

import cablemap as cm
from cablemap import pipeline

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
TG_V3 = SHARED / "cables" / "tg-v3-2022"
TG_V2 = SHARED / "cables" / "tg-v2-2020"

#: Fixtures that read a full release (TeleGeography 2022/2020, Natural Earth 10m, PeeringDB),
#: directly or through another fixture (pytest lists the whole closure in ``fixturenames``).
FULL_DATA_FIXTURES = frozenset(
    {
        "tg_v3",
        "tg_v3_path",
        "tg_v2",
        "tg_v2_path",
        "ne_countries",
        "v3_analysis",
        "v3_scores",
        "pdb_kmz",
    }
)
#: Whole files that are slow: a wheel build, notebook kernels, a browser, the planner.
SLOW_FILES = frozenset(
    {"test_wheel.py", "test_notebooks.py", "render/test_browser.py", "risk/test_plan.py"}
)
#: Library calls that run the whole build (load, score, scenarios, maps, exports), or the
#: investment planner (resilience of every candidate, sea routes).
LONG_RUNS = (pipeline.build, pipeline.watch, cm.plan)
#: Tests that take about a second or more each on this 2-core machine (measured with
#: ``pytest -m "not slow" --durations=40``): CLI builds and whole-page renders. They run in
#: ``make test`` and CI; leaving them out keeps ``make test-fast`` under 30 s.
SLOW_TESTS = frozenset(
    {
        "tests/test_cli.py::test_build_writes_the_map",
        "tests/test_cli.py::test_score_table_explain_and_csv",
        "tests/test_cli.py::test_simulate_unreachable_scheduler_is_one_line_error",
        "tests/test_cli.py::test_scenario_table_sweep_and_errors",
        "tests/test_cli.py::test_score_json_is_the_scores_payload",
        "tests/risk/test_simulate.py::test_local_and_dask_are_identical",
        "tests/risk/test_score.py::test_planned_cables_can_be_counted",
        "tests/risk/test_stack.py::test_cli_facility_entity_and_explain",
        "tests/test_pipeline.py::test_build_with_skipped_records_builds_and_says_so",
        "tests/test_pipeline.py::test_exports_give_countries_their_polygons",
        "tests/test_cache.py::test_layers_and_scores_round_trip",
        "tests/render/test_maps.py::test_probabilistic_map",
        "tests/layers/test_geometry_only.py::test_scored_exports_say_what_was_inferred_or_carried",
        "tests/render/test_briefs.py::test_cli_brief",
        "tests/risk/test_timeline.py::test_planned_cables_count_where_the_model_scores_them",
        "tests/render/test_template_injection.py::test_country_briefs_show_hostile_names_literally",
        "tests/render/test_briefs.py::test_save_briefs_writes_every_scored_region_country",
    }
)


def _data_required() -> bool:
    """Whether absent reference data fails the run (in CI) instead of skipping tests."""
    ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return ci or os.environ.get("CABLEMAP_REQUIRE_DATA") == "1"


def _require(path: Path) -> Path:
    if not path.exists():
        reason = f"reference data {path} is absent (it lives in ../shared/data beside the repo)"
        if _data_required():
            pytest.fail(f"{reason}, but CI or CABLEMAP_REQUIRE_DATA=1 requires it")
        pytest.skip(reason)
    return path


def _globals_used(item: pytest.Item) -> list[object]:
    """The module-level values a test function's body names (``SHARED``, ``build``...)."""
    function, module = getattr(item, "function", None), getattr(item, "module", None)
    if function is None or module is None:
        return []
    names: set[str] = set()
    codes = [function.__code__]
    while codes:  # the function and the lambdas/comprehensions inside it
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return [vars(module)[name] for name in names if name in vars(module)]


def _is_slow(value: object) -> bool:
    """A path inside ../shared/data, or a function that runs the whole build."""
    if isinstance(value, Path):
        return value.is_relative_to(SHARED)
    return any(value is run for run in LONG_RUNS)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` what needs reference data, whole builds, a wheel, notebooks or a browser.

    That is every test in :data:`SLOW_FILES` or :data:`SLOW_TESTS`, every test using one of
    :data:`FULL_DATA_FIXTURES`, and every test whose body reads ``../shared/data`` directly
    or runs whole builds or the planner (:data:`LONG_RUNS`).
    """
    tests = Path(__file__).resolve().parent
    for item in items:
        in_slow_file = (
            item.path.is_relative_to(tests)
            and item.path.relative_to(tests).as_posix() in SLOW_FILES
        )
        full_data = FULL_DATA_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        measured = item.nodeid.split("[")[0] in SLOW_TESTS
        if in_slow_file or full_data or measured or any(_is_slow(v) for v in _globals_used(item)):
            item.add_marker(pytest.mark.slow)


def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """Stop where ``--dist loadgroup`` cannot group: shared fixtures would be built twice.

    pytest-xdist marks a grouped test by adding ``@group`` to its id; a pytest that no longer
    takes that change scatters the groups over the workers.
    """
    if node.config.getoption("dist") != "loadgroup":
        return
    grouped = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "tests").rglob("test_*.py")
        if "pytest.mark.xdist_group(" in p.read_text(encoding="utf-8")
    }
    loose = [i for i in ids if "@" not in i and i.split("::")[0] in grouped]
    if loose:
        msg = (
            f"{len(loose)} tests of grouped modules (e.g. {loose[0]}) carry no xdist group: "
            "this pytest cannot group them; install the pinned test tools: "
            "pip install -e '.[test]'"
        )
        raise pytest.UsageError(msg)


def pytest_sessionstart() -> None:
    """Fail at once where the reference data is required but ``../shared/data`` is missing."""
    if _data_required() and not SHARED.is_dir():
        pytest.exit(
            f"reference data {SHARED} is missing, but CI or CABLEMAP_REQUIRE_DATA=1 requires it",
            returncode=pytest.ExitCode.TESTS_FAILED,
        )


@pytest.fixture(scope="session", autouse=True)
def _private_key_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Keep the key that signs build caches out of the user's home (CLI subprocesses too)."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture(scope="session")
def tg_v3_path() -> Path:
    return _require(TG_V3)


@pytest.fixture(scope="session")
def tg_v2_path() -> Path:
    return _require(TG_V2)


@pytest.fixture(scope="session")
def tg_v3(tg_v3_path: Path) -> cm.Layers:
    return cm.load(tg_v3_path)


@pytest.fixture(scope="session")
def tg_v2(tg_v2_path: Path) -> cm.Layers:
    return cm.load(tg_v2_path)


@pytest.fixture(scope="session")
def sample() -> cm.Layers:
    return cm.load()


@pytest.fixture(scope="session")
def sample_analysis(sample: cm.Layers) -> cm.Analysis:
    """One analysis of the embedded sample under the default model, shared by every test."""
    return cm.Analysis(sample)


def make_tg_v3(
    root: Path,
    cables: list[dict[str, Any]],
    points: dict[str, tuple[float, float] | None],
    routes: dict[str, Any] | None = None,
) -> Path:
    """Write a tiny TeleGeography v3 directory.

    ``cables``: v3 cable records (``landing_points`` may be plain ids); ``points``: lp id ->
    (lon, lat) or None for a feature without geometry; ``routes``: cable id -> GeoJSON
    geometry (default: a straight line through its landing points).
    """
    (root / "cable").mkdir(parents=True)
    (root / "landing-point").mkdir()
    (root / "supplier").mkdir()
    features = []
    for cable in cables:
        lps = [
            lp
            if isinstance(lp, dict)
            else {"id": lp, "name": lp, "country": "Fiji", "is_tbd": None}
            for lp in cable.get("landing_points", [])
        ]
        record = {
            "id": cable["id"],
            "name": cable.get("name", cable["id"]),
            "length": "100 km",
            "landing_points": lps,
            "owners": cable.get("owners", "Owner A"),
            "suppliers": cable.get("suppliers", "NEC"),
            "rfs": "2020 May",
            "rfs_year": 2020,
            "is_planned": False,
            "url": None,
            "notes": None,
        } | {k: v for k, v in cable.items() if k != "landing_points"}
        (root / "cable" / f"{cable['id']}.json").write_text(json.dumps(record))
        geometry = (routes or {}).get(cable["id"])
        if geometry is None:
            coords = [points[lp["id"]] for lp in lps if points.get(lp["id"])]
            geometry = (
                {"type": "MultiLineString", "coordinates": [coords]} if len(coords) > 1 else None
            )
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"id": cable["id"], "feature_id": f"{cable['id']}-0"},
                    "geometry": geometry,
                }
            )
    (root / "cable" / "cable-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    lp_features = [
        {
            "type": "Feature",
            "properties": {"id": lp_id, "name": lp_id, "is_tbd": False},
            "geometry": None if xy is None else {"type": "Point", "coordinates": list(xy)},
        }
        for lp_id, xy in points.items()
    ]
    (root / "landing-point" / "landing-point-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": lp_features})
    )
    return root


@pytest.fixture
def tiny_v3(tmp_path: Path) -> Path:
    """Two good cables between Fiji landing points: the base the bad-input tests break."""
    return make_tg_v3(
        tmp_path / "tg",
        cables=[
            {"id": "c1", "landing_points": ["suva", "savusavu"]},
            {"id": "c2", "landing_points": ["suva", "lautoka"], "suppliers": "Huawei Marine"},
        ],
        points={
            "suva": (178.44, -18.14),
            "savusavu": (179.33, -16.78),
            "lautoka": (177.45, -17.61),
        },
    )


@functools.lru_cache(maxsize=1)
def light_model() -> Path:
    """A copy of the default model that scores one year and draws no plan map.

    For the tests of the build's mechanics (locks, caches, staleness): the same stages, less
    work in each. Made once per test process.
    """
    folder = Path(tempfile.mkdtemp(prefix="cablemap-light-model-")) / "risk_models"
    shutil.copytree(cm.risk_models_path(), folder)
    model = folder / "dcs-v2.toml"
    text = model.read_text(encoding="utf-8")
    years = 'years = [2000, 2005, 2010, 2015, 2020, "current", "last"]'
    plan = "map = true                 # cablemap build writes maps/investment_plan.html"
    assert years in text and plan in text
    model.write_text(
        text.replace(years, 'years = ["current"]').replace(plan, "map = false"), encoding="utf-8"
    )
    return model
