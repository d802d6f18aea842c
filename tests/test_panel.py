"""The panel against published figures, coverage, harmonisation, status, inspect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.panel import (
    PANEL_COLUMNS,
    build_panel,
    derive_per_capita,
    inspect_indicator_file,
    panel_status,
)
from rvanalytics.readers import read_hinku_totals, read_regions_summary

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    extra = tmp_path_factory.mktemp("extra") / "waste.csv"
    extra.write_text("code,year,indicator,value,unit\n091,2023,household_waste_recycling_rate_pct,41.5,%\n"
                     "091,2023,household_waste_recycling_rate_pct,41.5,%\n", encoding="utf-8")
    return build_panel(offline=True, extra_tables=[extra])


@pytest.fixture(scope="module")
def panel(build):
    return build.panel


def _value(panel, indicator, code, year, level="municipality"):
    sel = panel[(panel["indicator"] == indicator) & (panel["code"] == code) & (panel["year"] == year)
                & (panel["level"] == level)]
    assert len(sel) == 1, (indicator, code, year, len(sel))
    return sel["value"].item()


def test_schema(panel):
    assert list(panel.columns) == PANEL_COLUMNS
    assert not panel.duplicated(["level", "code", "year", "indicator", "release"]).any()
    # one release per series: the series view is unique without the release
    from rvanalytics.releases import select_series

    assert not select_series(panel).duplicated(["level", "code", "year", "indicator"]).any()
    assert (panel["division_year"] == 2026).all()
    assert set(panel["status"]) <= {"", "derived", "..", ".", "...", "-"}
    assert panel.loc[panel["status"] == "derived", "value"].notna().all()
    assert panel.groupby("indicator")["unit"].nunique().eq(1).all()


def test_helsinki_population(panel):
    assert _value(panel, "population", "091", 2025) == 694_392
    assert _value(panel, "population", "049", 2025) == 325_716
    assert _value(panel, "population", "092", 2025) == 252_956
    assert _value(panel, "population", "091", 2022) == 664_028  # Sotkanet
    assert _value(panel, "population", "SSS", 2025, level="country") == 5_652_881


def test_harmonised_onto_2026(panel, recorded_dir):
    from rvanalytics.key import load_key

    codes_2026 = set(load_key(2026)["code"])
    muni = panel[panel["level"] == "municipality"]
    assert set(muni["code"]) <= codes_2026
    # Pertunmaa (588) is summed into Mäntyharju (507) in every year, from the Sotkanet 2023-division file
    sotka = pd.read_csv(recorded_dir / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
    both = sotka[sotka["municipality_code"].isin([507, 588]) & (sotka["year"] == 2010)]["primary.value"].sum()
    assert _value(panel, "population", "507", 2010) == both
    # Honkajoki (099, merged 2021) and Pertunmaa in the 2020-division road file
    road = panel[(panel["indicator"] == "road_transport_ghg_kt") & (panel["year"] == 2018)]
    assert len(road) == 308 and "099" not in set(road["code"])


def test_coverage(panel):
    status = panel_status(panel).set_index(["indicator", "level"])
    assert status.loc[("road_transport_ghg_kt", "municipality"), "codes"] == 308
    assert status.loc[("road_transport_ghg_kt", "municipality"), "years"] == "2005–2018"
    assert status.loc[("population", "municipality"), "codes"] == 308
    for slug in ("consumer_electricity", "f_gases", "road_transport"):
        # 59 municipalities of the 2024 release + the 12 other North Karelia ones of the 2026 release
        assert status.loc[(f"ghg_hinku_sector_{slug}_kt", "municipality"), "codes"] == 71
        assert status.loc[(f"ghg_hinku_sector_{slug}_kt", "region"), "codes"] == 19
    assert status.loc[("ghg_alas_total_kt", "region"), "codes"] == 19
    assert status.loc[("household_waste_recycling_rate_pct", "municipality"), "source"] == "user:waste.csv"


def test_hinku_per_capita_equals_syke_to_rounding(panel, recorded_dir):
    totals = read_hinku_totals(recorded_dir / "syke-alas-north-karelia-municipalities" / "north_karelia_emissions_totals.csv")
    rows = panel[(panel["indicator"] == "ghg_hinku_per_capita_t") & (panel["release"] == "2026")]
    ours = rows.set_index(["code", "year"])["value"]
    syke = totals.set_index(["code", "year"])
    joined = syke.join(ours.rename("ours"), how="inner")
    assert len(joined) == 273
    # Syke rounds per capita to 0.1 t from unrounded totals; our total is rounded to 0.1 kt
    tolerance = 0.05 + 0.05 * 1000 / joined["population"] + 1e-9
    assert ((joined["ours"] - joined["per_capita_t"]).abs() <= tolerance).all()
    assert (joined["ours"].round(1) == joined["per_capita_t"]).mean() > 0.95
    assert (panel.loc[panel["indicator"] == "ghg_hinku_per_capita_t", "status"] == "derived").all()


def test_region_per_capita_equals_syke_to_rounding(panel, recorded_dir):
    regions = read_regions_summary(recorded_dir / "syke-alas-regions-summary" / "maakunta_ghg_summary_1990_2024.csv")
    ours = panel[(panel["indicator"] == "ghg_alas_per_capita_t") & (panel["level"] == "region")]
    joined = regions.merge(ours, left_on=["region_code", "year"], right_on=["code", "year"])
    assert len(joined) == 399
    assert ((joined["value"] - joined["per_capita_t"]).abs() <= 0.05 + 1e-6).all()


def test_region_totals_scopes(panel):
    """North Karelia 2024: the 13 municipalities' Hinku totals (Hinku rules, no credits, excluding
    emissions-trading installations) sum to 937.2 kt; Syke's regional all-ALas total is 1,075.0 kt.
    The scopes differ, so the region total is larger; they are separate indicators and never mixed."""
    muni = panel[(panel["indicator"] == "ghg_hinku_total_kt") & (panel["year"] == 2024)]
    assert len(muni) == 13
    hinku_sum = muni["value"].sum()
    region_all = _value(panel, "ghg_alas_total_kt", "12", 2024, level="region")
    assert hinku_sum == pytest.approx(937.2, abs=0.05)
    assert region_all == pytest.approx(1075.0)
    assert hinku_sum < region_all
    # same denominator: the 13 municipalities' Syke population equals the region's every year
    region_pop = panel[(panel["indicator"] == "population") & (panel["level"] == "region") & (panel["code"] == "12")]
    hinku_pc = panel[(panel["indicator"] == "ghg_hinku_per_capita_t") & (panel["year"] == 2024)]
    implied_pop = (muni.set_index("code")["value"] * 1000 / hinku_pc.set_index("code")["value"]).sum()
    assert implied_pop == pytest.approx(region_pop.query("year == 2024")["value"].item(), rel=1e-9)


def test_road_transport_per_capita(panel):
    ghg = _value(panel, "road_transport_ghg_kt", "091", 2018)
    pop = _value(panel, "population", "091", 2018)
    assert _value(panel, "road_transport_ghg_per_capita_t", "091", 2018) == pytest.approx(ghg * 1000 / pop)
    km = _value(panel, "road_transport_mileage_per_capita_km", "091", 2018)
    assert km == pytest.approx(_value(panel, "road_transport_mileage_mkm", "091", 2018) * 1e6 / pop)


def test_derive_per_capita_missing_is_missing():
    num = pd.DataFrame({"level": "municipality", "code": ["091", "049"], "year": 2020, "indicator": "road_transport_ghg_kt",
                        "value": [10.0, np.nan], "unit": "kt CO2e", "source": "s", "status": ["", ".."]})
    pop = num.assign(indicator="population", value=[0.0, 5.0])
    out = derive_per_capita(num, pop, "road_transport_ghg_per_capita_t", "road_transport_ghg_kt", 1000)
    assert out["value"].isna().all() and (out["status"] == "..").all()


def test_flags_and_sources(build):
    assert {"source", "file", "row", "reason"} <= set(build.flags.columns)
    assert (build.flags["reason"].str.contains("exact duplicate")).sum() == 1
    ids = [s["id"] for s in build.sources]
    assert {"sotkanet_population", "syke_alas_road_transport", "syke_alas_hinku_north_karelia",
            "syke_alas_regions", "statfin_pxweb_11re"} <= set(ids)
    assert all(s["vintage"] for s in build.sources if not s["id"].startswith("user:"))
    # Honkajoki, Pertunmaa; Valtimo (merged 2020) from the 2017 key figures
    assert set(build.mergers["from_code"]) == {"099", "588", "911"}


def test_parquet_roundtrip(panel, tmp_path):
    panel.to_parquet(tmp_path / "p.parquet", index=False)
    back = pd.read_parquet(tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(back, panel, check_dtype=False)


def test_older_division_leaves_later_sources_out():
    build = build_panel(division_year=2023, offline=True)
    muni = build.panel[build.panel["level"] == "municipality"]
    assert "588" in set(muni["code"])
    assert "ghg_hinku_total_kt" not in set(muni["indicator"])  # Hinku is on the 2026 division
    assert build.flags["reason"].str.contains("later than the panel").any()


@pytest.mark.parametrize("rel, kind, expect", [
    ("syke-alas-road-transport-lipasto/TIELIIKENNE_ALas_1.1_web_lipasto.csv", "alas_road_transport", 310),
    ("syke-alas-north-karelia-municipalities/north_karelia_emissions_by_sector_long.csv", "hinku_sectors", 13),
    ("syke-alas-north-karelia-municipalities/north_karelia_emissions_totals.csv", "hinku_totals", 13),
    ("syke-alas-north-karelia-municipalities/north_karelia_alas_hinku_dataset.json", "hinku_json", 13),
    ("syke-alas-regions-summary/maakunta_ghg_summary_1990_2024.csv", "regions_summary", 0),
    ("statfi-municipality-key-geofi/sotkadata_population_2000_2022.csv", "sotkanet_population", 309),
    ("statfin-pxweb-recorded/v1-2026-11re-population/api-query-three-cities.json", "pxweb_jsonstat2", 3),
    ("statfin-pxweb-recorded/v1-2026-11re-population/api-metadata-population.json", "pxweb_metadata", 308),
    ("statfin-pxweb-recorded/v1-2017-kuntien-avainluvut/px-folder-response.json", "pxweb_folder", 0),
])
def test_inspect_recorded(recorded_dir, rel, kind, expect):
    report = inspect_indicator_file(recorded_dir / rel)
    assert report["kind"] == kind
    assert report["municipalities"] == expect


def test_inspect_fixtures_and_csv(recorded_dir):
    report = inspect_indicator_file(FIXTURES / "kunta_167.csv")
    assert report["kind"] == "alas_municipality" and "ghg_hinku_total_kt" in report["indicators"]
    assert report["flagged_rows"] == 1 and "wind-power" in report["flags"][0]
    csv = recorded_dir / "statfin-pxweb-recorded/csv-downloads-2021/vaesto_sukupuolittain_2021_11re_utf8bom.csv"
    report = inspect_indicator_file(csv, year=2025)
    assert report["kind"] == "pxweb_csv" and report["municipalities"] == 308
    report = inspect_indicator_file(FIXTURES / "user_table_ok.csv")
    assert report["kind"] == "user_table" and report["units"] == ["%", "l/person/day"]
    assert report["years"] == "2022–2023" and report["markers"] == {"..": 1}


def test_inspect_bad_files(tmp_path):
    html = tmp_path / "page.csv"
    html.write_text("<html><body>error</body></html>")
    with pytest.raises(DataFileError, match="HTML page"):
        inspect_indicator_file(html)
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(DataFileError, match="not a known indicator format"):
        inspect_indicator_file(odd)


def test_statfin_overlap_is_cross_checked():
    from rvanalytics.panel import _statfin_population

    # a made-up Sotkanet value for Helsinki 2021 that disagrees with the recorded StatFin 658,457
    population = pd.DataFrame({"level": "municipality", "code": ["091", "091"], "year": [2021, 2022],
                               "indicator": "population", "value": [600_000.0, 664_028.0]})
    flags, sources = [], []
    new = _statfin_population(population, 2026, True, flags, sources, None)
    reasons = pd.concat(flags)["reason"].tolist()
    assert reasons == ["population 091 2021: StatFin 658457 vs Sotkanet 600000; Sotkanet kept"]
    assert not ((new["code"] == "091") & new["year"].isin([2021, 2022])).any()
    assert sources[0]["rows"] == len(new) == 8
