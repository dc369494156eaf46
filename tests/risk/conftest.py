from __future__ import annotations

import pytest

import cablemap as cm
from tests.conftest import SHARED

NE = SHARED / "boundaries" / "ne_10m_admin_0_countries_deu.shp"


@pytest.fixture(scope="session")
def ne_countries():
    if not NE.exists():
        pytest.skip(f"reference data {NE} is absent")
    return cm.countries_from_file(NE)


@pytest.fixture(scope="session")
def v3_analysis(tg_v3, ne_countries) -> cm.Analysis:
    return cm.Analysis(tg_v3, countries=ne_countries)


@pytest.fixture(scope="session")
def v3_scores(v3_analysis) -> cm.Scores:
    return v3_analysis.scores


@pytest.fixture(scope="session")
def sample_scores(sample_analysis) -> cm.Scores:
    return sample_analysis.scores
