"""The maps: what each draws, Pacific-centred geometry, escaping, offline pages, the index."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import itertools
import json
import re
from urllib.parse import unquote

import pytest
import shapely

import cablemap as cm
from cablemap.layers.boundaries import bundled_countries
from cablemap.render import (
    build_map,
    plan_map,
    probabilistic_map,
    save_map,
    save_maps,
    scenario_map,
    strategic_nodes_map,
    vendor_exposure_map,
)
from cablemap.render.assets import external_references
from cablemap.render.elements import csv_text, pack_features, unpack_features
from cablemap.render.geometry import shift_to_pacific
from cablemap.risk import load_region
from cablemap.risk.model.spec import COMPONENTS
from cablemap.risk.scoring.tiers import vendor_tiers

_LAYER = re.compile(
    r'cablemap\.addLayer\(\s*\w+,\s*\w+,\s*"(\w+)",\s*(\{.*?\}),\s*\{"(?:geometryFrom|popup)"', re.S
)


def layer_data(page: str) -> dict[str, dict]:
    """The GeoJSON each map layer draws, by layer kind (unpacked as the page's runtime does)."""
    return {kind: unpack_features(json.loads(data)) for kind, data in _LAYER.findall(page)}


def _in_region(layers):
    region = load_region()
    lps = layers.landing_points
    lps = lps[region.places_in(lps["iso3"], lps.geometry.x, lps.geometry.y)]
    cables = set(
        layers.cable_landings.loc[layers.cable_landings["lp_id"].isin(lps["lp_id"]), "cable_id"]
    )
    return set(lps["lp_id"]), cables


@pytest.fixture(scope="module")
def outlines():
    return bundled_countries()


@pytest.fixture(scope="module")
def v3_overview(tg_v3) -> str:
    return build_map(tg_v3).get_root().render()


def test_overview_draws_the_region(v3_overview, tg_v3):
    data = layer_data(v3_overview)
    lps, cables = _in_region(tg_v3)
    assert {f["properties"]["id"] for f in data["landing_points"]["features"]} == lps
    assert {f["properties"]["id"] for f in data["cables"]["features"]} == cables
    # the rim countries by their Pacific side only ([region.partial]): no Puerto Rico, no MAREA
    assert len(lps) > 550 and len(cables) > 200
    assert "san-juan-pr-united-states" not in lps and "marea" not in cables


def test_no_line_crosses_the_whole_map(v3_overview):
    for feature in layer_data(v3_overview)["cables"]["features"]:
        geometry = feature["geometry"]
        parts = (
            geometry["coordinates"]
            if geometry["type"] == "MultiLineString"
            else [geometry["coordinates"]]
        )
        for part in parts:
            xs = [x for x, _ in part]
            assert max(xs) - min(xs) < 180, feature["properties"]["id"]
            assert all(abs(b - a) < 180 for a, b in itertools.pairwise(xs))
            assert min(xs) >= -30.0 and max(xs) <= 330.0


def test_trans_pacific_cables_are_continuous(tg_v3):
    cables = tg_v3.cables.set_index("cable_id")
    for cable_id in (
        "faster",
        "new-cross-pacific-ncp-cable-system",
        "hawaiki",
        "southern-cross-next",
    ):
        raw = cables.loc[cable_id].geometry
        shifted = shift_to_pacific(raw)
        assert len(shapely.get_parts(shapely.line_merge(shifted))) < len(shapely.get_parts(raw)), (
            cable_id
        )
        minx, _, maxx, _ = shifted.bounds
        assert minx > 100 and maxx < 300, cable_id


def test_markers_east_of_180_sit_with_their_cables(v3_overview):
    lps = {
        f["properties"]["id"]: f["geometry"]["coordinates"]
        for f in layer_data(v3_overview)["landing_points"]["features"]
    }
    hawaii = [xy for lp, xy in lps.items() if lp.endswith("-hi-united-states")]
    assert hawaii and all(200 < x < 210 for x, _ in hawaii)


def test_strategic_nodes(sample, tmp_path, outlines):
    scores = cm.score(sample)
    page = strategic_nodes_map(scores, sample, countries=outlines).get_root().render()
    data = layer_data(page)
    assert set(data) == {
        "outlines",
        "cables",
        "chokepoints",
        "facilities",
        "landing_points",
        "metros",
    }
    facilities = {f["properties"]["id"]: f["properties"] for f in data["facilities"]["features"]}
    # issue 12: facilities are scored, metros drawn with their members
    assert facilities["cloud:huawei-cloud:ap-southeast-3"]["operator_tier"] == "high"
    assert len(facilities["cloud:huawei-cloud:ap-southeast-3"]["components"]) == 5
    metros = {f["properties"]["id"]: f["properties"] for f in data["metros"]["features"]}
    assert "Tuas, Singapore" in metros["metro:sgp:singapore"]["members"]  # names, not ids
    assert "Top metro nodes (Indo-Pacific)" in page
    assert facilities["cloud:amazon-web-services:ap-southeast-1"]["kind"] == "cloud region"
    assert facilities["cloud:huawei-cloud:ap-southeast-3"]["home"] == "CHN"
    assert "cloud:amazon-web-services:us-west-2" not in facilities  # Oregon: outside the view
    lp = next(
        f["properties"]
        for f in data["landing_points"]["features"]
        if f["properties"]["id"] == "nukualofa-tonga"
    )
    row = scores.landing_points.set_index("lp_id").loc["nukualofa-tonga"]
    assert lp["score"] == pytest.approx(row["score"], abs=1e-4)
    assert len(lp["components"]) == len(COMPONENTS["landing_point"])
    assert lp["redundancy_cables"] == 1
    meta = json.loads(
        re.search(r'cablemap\.registry\.meta\["landing_points"\] = (\{.*?\});', page, re.S).group(1)
    )
    assert meta["components"] == list(scores.model.weights["landing_point"])
    assert meta["weights"] == list(scores.model.weights["landing_point"].values())
    assert "Landing points ranked by importance (Indo-Pacific)" in page
    assert 'data-cm-focus="sydney-nsw-australia"' in page
    # PeeringDB's thousands of sites are off when the page opens (canvas, page size)
    assert f"{_group_of(page, 'facilities')}.addTo(" not in page
    assert "preferCanvas" in page


def test_vendor_exposure(sample, outlines):
    scores = cm.score(sample)
    page = vendor_exposure_map(scores, sample, countries=outlines).get_root().render()
    data = layer_data(page)
    # the legend names the model's most frequent vendors of each tier (risk.tiers)
    top = vendor_tiers(scores, sample).top
    assert top["high"][:4] == ["China Telecom", "China Mobile", "China Unicom", "HMN Tech"]
    # the legend names each tier's suppliers and owners apart
    assert "high: suppliers HMN Tech; owners China Telecom, China Mobile, China Unicom" in page
    kumul = next(
        f["properties"]
        for f in data["cables"]["features"]
        if f["properties"]["id"] == "kumul-domestic-submarine-cable-system"
    )
    assert kumul["tier"] == "high" and kumul["_s"]["color"] == "#c0392b"
    assert kumul["suppliers"] == ["HMN Tech (high)"]
    # cables open coloured by their supplier's tier: not red wherever a high-tier firm owns a share
    jus = next(
        f["properties"]
        for f in data["cables"]["features"]
        if f["properties"]["owner_tier"] == "high" and f["properties"]["supplier_tier"] == "trusted"
    )
    assert jus["tier"] == "high" and jus["_s"]["color"] == "#2471a3"
    countries = {f["properties"]["id"]: f["properties"] for f in data["countries"]["features"]}
    assert (
        countries["PNG"]["vendor_exposure"] > 0 and "HMN Tech (high)" in countries["PNG"]["vendors"]
    )
    assert "TON" in countries  # no polygon at 1:110m: drawn as a dot at its landing points
    # issue 12: per-domain breakdown and coverage in the popup, a layer per domain
    assert countries["PHL"]["domain_mobile"].startswith("1.00 x 0.20 = 0.200")
    assert countries["PHL"]["coverage"].endswith("of 5")
    assert {
        f"domain_{d}" for d in ("cables", "facilities", "cloud", "mobile", "government")
    } <= set(data)
    unknown = [
        f["properties"]
        for f in data["domain_facilities"]["features"]
        if f["properties"]["status"] == "unknown"
    ]
    assert unknown
    assert unknown[0]["_s"]["fillColor"] == "#c8c8c8"


def test_scenario_map(sample_analysis, outlines):
    engine = sample_analysis.engine
    result = engine.run(cables=["tonga-cable", "tonga-domestic-cable-extension-tdce"])
    page = scenario_map(result, engine, title="Tonga 2022", countries=outlines).get_root().render()
    data = layer_data(page)
    cut = [f["properties"] for f in data["cables"]["features"] if f["properties"]["cut"]]
    assert {p["name"] for p in cut} == {"Tonga Cable", "Tonga Domestic Cable Extension (TDCE)"}
    assert all("tonga" not in " ".join(p["between"]).split("-") for p in cut)  # names, not ids
    assert any("Nuku'alofa, Tonga" in p["between"] for p in cut)
    off = {
        f["properties"]["id"]
        for f in data["landing_points"]["features"]
        if f["properties"]["isolated"]
    }
    assert off == {"nukualofa-tonga", "pangai-tonga", "neiafu-tonga"}
    assert "<b>cut off at all</b>: Tonga</div>" in page


def _table(page: str, panel: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the first table of a panel, as text."""
    start = page.index(f'id="cm-panel-{panel}"')
    table = page[page.index("<table", start) : page.index("</table>", start)]
    head = [html.unescape(c) for c in re.findall(r"<th>(.*?)</th>", table)]
    rows = [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1])
    ]
    return head, rows


def test_scenario_panel_sorts_by_impact_and_says_what_lives_over_land(sample_analysis, outlines):
    engine = sample_analysis.engine
    result = sample_analysis.scenarios()["luzon-strait"]
    page = scenario_map(result, engine, title="Luzon", countries=outlines).get_root().render()
    head, rows = _table(page, "scenario")
    # the worst first: countries left with no cable of their own (Brunei, India live over land)
    assert [r[0] for r in rows[:2]] == ["Brunei", "India"]
    assert rows[0][1:] == ["1 → 0", "no cable of its own left; lives over land"]
    assert "Hong Kong" in [r[0] for r in rows]
    # no column is the same on every row: "countries reachable" says nothing here
    assert head == ["country", "international cables", "cut off"]
    assert "<b>no cable of their own left</b>, living over land: Brunei, India" in page


def test_single_points_of_failure_panel(sample_analysis, sample, outlines):
    scores = sample_analysis.scores
    page = strategic_nodes_map(scores, sample, countries=outlines).get_root().render()
    head, rows = _table(page, "spof")
    assert head == ["country", "international cables", "the one cable that cuts it off"]
    by_country = {r[0]: r[2] for r in rows}
    assert by_country["Tonga"] == "Tonga Cable"
    assert by_country["Niue"] == by_country["Cook Islands"] == "Manatua"
    stations = page[page.index("Landing stations (") :]
    assert "Nuku&#x27;alofa" in stations and 'data-cm-focus="nukualofa-tonga"' in stations
    # the CSV beside the table holds exactly its rows
    link = re.search(
        r'download="single_cable_countries.csv" href="data:text/csv;charset=utf-8,([^"]+)"', page
    )
    csv_rows = list(csv.reader(io.StringIO(unquote(link.group(1)).lstrip("\ufeff"))))
    assert csv_rows == [head, *rows]


def test_country_cards_name_cables_stations_and_weak_points(sample_analysis, sample, outlines):
    scores = sample_analysis.scores
    page = strategic_nodes_map(scores, sample, countries=outlines).get_root().render()
    cards = _page_data(page, "cards")
    names = _page_data(page, "cableNames")
    tonga = cards["TON"]
    assert tonga["n"] == "Tonga"
    assert [names[i] for i in tonga["c"]] == ["Tonga Cable"]  # its international cable
    assert tonga["s"] == ["Neiafu", "Nuku'alofa", "Pangai"]
    assert "one cable keeps it connected: Tonga Cable" in tonga["w"]
    assert "Tonga Cable Limited" in tonga["o"]
    assert len(tonga["ll"]) == 2 and tonga["ll"][1] > 180  # east of the dateline on this map
    # the outlines layer opens cards; no data ids left in the popup of a landing point
    assert layer_data(page)["outlines"]["features"]
    assert '"card":true' in page


def _page_data(page: str, key: str):
    found = re.search(rf'cablemap\.registry\.data\["{key}"\] = (.*?);\n', page)
    return json.loads(found.group(1))


def test_plan_page_names_places_and_states_units(sample_analysis, outlines):
    result = sample_analysis.plan()
    page = plan_map(result, sample_analysis.engine, countries=outlines).get_root().render()
    head, rows = _table(page, "plan")
    assert head == ["#", "new cable", "km", "benefit points", "why"]
    assert rows and all(not r[1].startswith("link:") for r in rows)
    assert rows[0][1] == "Funafuti (Tuvalu) spur onto Southern Cross NEXT"
    assert float(rows[0][2].replace(",", "")) > 100  # km
    assert "Funafuti (Tuvalu)" in rows[0][4] and "TUV" not in rows[0][4]
    assert "first cable for an unconnected capital" in rows[0][4]
    assert "benefit points" in page and "weighted by its population" in page  # the unit, defined
    picks = [
        f["properties"]
        for f in layer_data(page)["candidates"]["features"]
        if f["properties"]["picked"]
    ]
    assert {p["name"] for p in picks} >= {"Funafuti (Tuvalu) spur onto Southern Cross NEXT"}
    assert all(p["reason"] for p in picks)


def test_packed_layers_round_trip():
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "MultiLineString",
            "coordinates": [[[170.25, -20.5], [185.125, -21.0]]],
        },
        "properties": {"id": "a", "name": "A", "owners": ["X", "Y"], "_s": {"color": "#fff"}},
    }
    other = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [120.5, 10.25]},
        "properties": {"id": "b", "name": "B", "owners": ["X"], "_s": {"color": "#fff"}},
    }
    packed = pack_features({"type": "FeatureCollection", "features": [feature, other]})
    assert packed["s"]["color"] == {"k": "#fff"}  # a style shared by all is sent once
    back = unpack_features(json.loads(json.dumps(packed)))["features"]
    assert back[0]["geometry"]["coordinates"] == [[[170.25, -20.5], [185.125, -21.0]]]
    assert back[1]["geometry"] == {"type": "Point", "coordinates": [120.5, 10.25]}
    assert back[0]["properties"] == feature["properties"]


def test_csv_cells_never_become_formulas():
    text = csv_text(["name", "value"], [["=HYPERLINK(1)", "-0.5"], ["+1 cable", "@x"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "value"],
        ["'=HYPERLINK(1)", "-0.5"],
        ["'+1 cable", "'@x"],
    ]


def test_data_strings_never_reach_html_raw(sample):
    evil = sample.cables.copy()
    evil.loc[0, "name"] = "</script><script>alert('x')</script>"
    evil.at[0, "owners"] = ["<img src=x onerror=alert(1)>"]
    layers = cm.Layers(evil, sample.landing_points, sample.cable_landings, sources=sample.sources)
    page = build_map(layers).get_root().render()
    assert "<script>alert(" not in page and "<img src=x" not in page
    names = {f["properties"]["name"] for f in layer_data(page)["cables"]["features"]}
    assert "</script><script>alert('x')</script>" in names  # kept as data; escaped when shown


def test_saved_maps_are_self_contained(sample, tmp_path, outlines):
    scores = cm.score(sample)
    paths = save_maps(scores, sample, tmp_path, countries=outlines)
    assert [p.name for p in paths] == [
        "strategic_nodes.html",
        "vendor_exposure.html",
        "build_report.html",
        "build_report.json",
        "index.html",
    ]
    for path in paths:
        assert external_references(path.read_text()) == []
    for path in paths[:2]:
        assert "Leaflet 1.9.4" in path.read_text()  # inlined, not linked
    online = save_map(build_map(sample), tmp_path / "online.html", offline=False).read_text()
    assert external_references(online) == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css",
    ]


def test_online_tiles_are_offered_not_loaded(sample, tmp_path):
    page = save_maps(cm.score(sample), sample, tmp_path, online_tiles=True)[0].read_text()
    assert "tile.openstreetmap.org" in page
    assert external_references(page) == []  # tiles load only when the layer is ticked


def test_index_lists_maps_versions_weights_and_licences(tg_v3, tmp_path, outlines):
    scores = cm.score(tg_v3)
    save_maps(scores, tg_v3, tmp_path, countries=outlines)
    index = (tmp_path / "index.html").read_text()
    assert '<a href="strategic_nodes.html">Strategic nodes</a>' in index
    assert '<a href="vendor_exposure.html">Vendor exposure</a>' in index
    assert "API v3 (tg-v3-2022)" in index and "dcs-v2.toml" in index
    weight = cm.load_model().weights["country"]["fragility"]
    assert f"<td>country</td><td>fragility</td><td>{weight:.2f}</td>" in index
    assert "© TeleGeography, CC BY-NC-SA 3.0" in index


def test_attribution_and_view(tg_v3):
    page = build_map(tg_v3).get_root().render()
    assert "© TeleGeography, CC BY-NC-SA 3.0" in page
    assert "[[-50.0, 25.0], [50.0, 240.0]]" in page  # the Indo-Pacific view of risk_models/


# ----------------------------------------------------------------------------- hazards (issue 14)
def _quakes():
    """Invented earthquakes: two by Tonga, one by Japan, one outside the view."""
    import geopandas as gpd  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    return gpd.GeoDataFrame(
        {
            "quake_id": ["a", "b", "c", "d"],
            "time": pd.to_datetime(
                ["1990-01-01", "1995-01-01", "2000-01-01", "2010-01-01"], utc=True
            ),
            "magnitude": [7.5, 6.0, 8.9, 6.5],
            "depth_km": float("nan"),
            "source": "test",
        },
        geometry=gpd.points_from_xy([-175.4, -175.0, 142.5, -30.0], [-20.8, -20.5, 38.5, 60.0]),
        crs="EPSG:4326",
    )


def _group_of(page: str, kind: str) -> str:
    found = re.search(rf'cablemap\.addLayer\(\s*\w+,\s*(\w+),\s*"{kind}"', page)
    assert found, kind
    return found.group(1)


@pytest.fixture(scope="module")
def hazard_sample(sample):
    layers = cm.Layers(**{**sample.__dict__, "hazards": _quakes()})
    return layers, cm.simulate(layers, years=300, seed=2)


def test_strategic_nodes_hazard_overlay_is_off_by_default(hazard_sample, outlines):
    layers, simulation = hazard_sample
    scores = cm.score(layers)
    page = (
        strategic_nodes_map(scores, layers, countries=outlines, simulation=simulation)
        .get_root()
        .render()
    )
    data = layer_data(page)
    cells = data["hazards"]["features"]
    assert len(cells) == 3  # the fourth is outside the view
    tohoku = next(f["properties"] for f in cells if f["properties"]["max_magnitude"] == 8.9)
    assert tohoku["events"] == 1 and tohoku["weighted"] > 1000
    group = _group_of(page, "hazards")
    assert f"{group}.addTo(" not in page  # drawn only when ticked
    assert f"{_group_of(page, 'landing_points')}.addTo(" in page
    assert "Earthquake hotspots 1990-2010 (3 cells)" in page
    lp = next(
        f["properties"]
        for f in data["landing_points"]["features"]
        if f["properties"]["id"] == "nukualofa-tonga"
    )
    row = simulation.landing_points.set_index("lp_id").loc["nukualofa-tonga"]
    assert lp["p_cut_off"] == pytest.approx(row["probability_cut_off"], abs=1e-5)
    assert lp["cut_off_cables"][0].startswith("Tonga Cable (")  # names, not ids


def test_probabilistic_map(hazard_sample, outlines, tmp_path):
    layers, simulation = hazard_sample
    page = probabilistic_map(simulation, layers, countries=outlines).get_root().render()
    data = layer_data(page)
    assert set(data) == {"outlines", "countries", "cables", "landing_points", "hazards"} - {
        "outlines"
    }
    countries = {f["properties"]["id"]: f["properties"] for f in data["countries"]["features"]}
    ton = simulation.countries.set_index("iso3").loc["TON"]
    assert countries["TON"]["p_cut_off"] == pytest.approx(ton["probability_cut_off"], abs=1e-5)
    assert countries["TON"]["international_cables"] == 1
    cables = {f["properties"]["id"]: f["properties"] for f in data["cables"]["features"]}
    assert cables["tonga-cable"]["loss_countries"][0] == "Tonga"
    assert 'data-cm-focus="TON"' in page  # the ranked panel
    assert f"{_group_of(page, 'hazards')}.addTo(" not in page
    paths = save_maps(cm.score(layers), layers, tmp_path, countries=outlines, simulation=simulation)
    assert {p.name for p in paths} >= {"probabilistic.html", "index.html"}
    assert "Probabilistic resilience" in (tmp_path / "index.html").read_text()


def test_fields_the_model_adds_are_read_where_present(sample_analysis, sample, outlines):
    """Capitals, sea cuts, exposure ranges, importance: shown when the scores carry them."""
    scores = sample_analysis.scores
    table = scores.countries.copy()
    ton = table["iso3"] == "TON"
    table["capital_name"] = table["iso3"].map({"TON": "Nuku'alofa"})
    table["capital_connected"] = True
    table["capital_min_cut"] = table["redundancy_cables"].astype(float)
    table["capital_cut_cables"] = [["tonga-cable"] if iso == "TON" else [] for iso in table["iso3"]]
    table["sea_min_cut"] = table["redundancy_cables"].where(table["iso3"] != "MAC", 1)
    table["sea_min_cut_cables"] = table["min_cut_cables"]
    table["vendor_exposure_low"] = (table["vendor_exposure"] - 0.05).clip(lower=0)
    table["vendor_exposure_high"] = (table["vendor_exposure"] + 0.05).clip(upper=1)
    table["importance"] = 0.25
    table.loc[ton, "importance"] = 0.75
    richer = dataclasses.replace(scores, countries=table)
    page = strategic_nodes_map(richer, sample, countries=outlines).get_root().render()
    capitals = page[page.index("Capitals (") :]
    assert "<td>Nuku&#x27;alofa</td><td>Tonga</td><td>Tonga Cable</td>" in capitals
    weak = _page_data(page, "cards")["TON"]["w"]
    assert "capital Nuku'alofa hangs on one cable: Tonga Cable" in weak
    vendor = vendor_exposure_map(richer, sample, countries=outlines).get_root().render()
    _, rows = _table(vendor, "exposure")
    assert re.fullmatch(r"\d+\.\d\d \(\d\.\d\d-\d\.\d\d\)", rows[0][2])  # value and its range
    assert any("(" in r[0] for r in rows)  # ranks the ranges could change
    countries = {
        f["properties"]["id"]: f["properties"] for f in layer_data(vendor)["countries"]["features"]
    }
    assert countries["TON"]["importance"] == 0.75
