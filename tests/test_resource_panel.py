"""Resource-wisdom indicators in the panel: values against the recorded sources, harmonisation, Hinku theme shares."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rvanalytics.indicators import get_indicator, indicator_catalogue, snapshot_indicators
from rvanalytics.key import load_key
from rvanalytics.resource_panel import (
    HINKU_SECTOR_SLUGS,
    hinku_theme_shares,
    load_buildings,
    load_district_heat,
    load_key_figures,
)

NEW_IDS = [
    "floor_area_m2", "heating_fuel_share_district_heat_pct", "heating_fuel_share_oil_gas_pct",
    "heating_fuel_share_electricity_pct", "heating_fuel_share_heat_pump_pct", "heating_fuel_share_wood_peat_pct",
    "heating_fuel_share_other_pct", "floor_area_per_capita_m2", "residential_floor_area_per_capita_m2",
    "floor_area_built_before_1980_pct", "district_heat_energy_gwh", "district_heat_energy_non_ets_gwh",
    "district_heat_ghg_kt", "district_heat_ghg_non_ets_kt", "district_heat_emission_factor_kg_kwh",
    "district_heat_emission_factor_non_ets_kg_kwh", "urbanisation_rate_pct", "working_in_home_municipality_pct",
    "jobs_per_employed_resident", "households_in_small_houses_pct", "jobs", "employed_residents", "households",
    "ghg_hinku_share_heating_pct", "ghg_hinku_share_transport_pct", "ghg_hinku_share_electricity_pct",
]


@pytest.fixture(scope="module")
def buildings() -> pd.DataFrame:
    return load_buildings(2026, offline=True).rows.set_index(["indicator", "level", "code"])["value"]


@pytest.fixture(scope="module")
def heat() -> pd.DataFrame:
    return load_district_heat(2026, offline=True).rows.set_index(["indicator", "level", "code", "year"])


@pytest.fixture(scope="module")
def key_figures():
    return load_key_figures(2026, offline=True)


def test_catalogue_entries_complete():
    cat = indicator_catalogue()
    for ind in NEW_IDS:
        entry = get_indicator(ind)
        assert entry["name_fi"] and entry["name_sv"] and entry["name_en"], ind
        assert entry["source"] and entry["definition"], ind
        assert not (entry["additive"] and entry["unit"] in {"%", "ratio", "kg CO2e/kWh", "m2/person"}), ind
    snaps = set(snapshot_indicators())
    assert {"heating_fuel_share_district_heat_pct", "urbanisation_rate_pct", "jobs"} <= snaps
    assert not snaps & {"district_heat_energy_gwh", "ghg_hinku_share_heating_pct", "population"}
    assert cat["snapshot"].dtype == bool


def test_heating_fuel_shares_match_116h(buildings):
    # "Kauko- tai aluelämpö","Helsinki",43627633 of "Yhteensä","Helsinki",50426530
    assert buildings["heating_fuel_share_district_heat_pct", "municipality", "091"] == pytest.approx(
        43627633 / 50426530 * 100, rel=1e-12)
    # whole country = the KOKO MAA row: 233224555 / 494625956
    assert buildings["heating_fuel_share_district_heat_pct", "country", "SSS"] == pytest.approx(
        233224555 / 494625956 * 100, rel=1e-12)
    # Joensuu: coal 877 + other/unknown 227133 of 6830033; ground heat 160522
    assert buildings["heating_fuel_share_other_pct", "municipality", "167"] == pytest.approx(
        (877 + 227133) / 6830033 * 100)
    assert buildings["heating_fuel_share_heat_pump_pct", "municipality", "167"] == pytest.approx(160522 / 6830033 * 100)
    assert buildings["floor_area_m2", "municipality", "167"] == 6830033
    # 11re 2019: Joensuu 37338 + 39512
    assert buildings["floor_area_per_capita_m2", "municipality", "167"] == pytest.approx(6830033 / (37338 + 39512))
    shares = buildings.loc[[i for i in buildings.index.levels[0] if i.startswith("heating_fuel_share")]]
    sums = shares.groupby(level=["level", "code"]).sum()
    assert np.allclose(sums, 100.0)
    assert len(sums.xs("municipality", level="level")) == 308 and len(sums.xs("region", level="level")) == 19


def test_buildings_harmonised_before_shares(buildings):
    # Kankaanpää 2026 = Kankaanpää + Honkajoki (merged 2021): district heat 416203 + 9326 of 1240792 + 217983
    assert buildings["heating_fuel_share_district_heat_pct", "municipality", "214"] == pytest.approx(
        (416203 + 9326) / (1240792 + 217983) * 100)
    assert buildings["floor_area_per_capita_m2", "municipality", "214"] == pytest.approx(
        (1240792 + 217983) / (5530 + 5756 + 846 + 774))
    assert ("heating_fuel_share_district_heat_pct", "municipality", "099") not in buildings.index


def test_before_1980_share_against_116g(recorded_dir: Path, buildings):
    path = recorded_dir / "statfin-buildings-heating-fuel-2019" / "006_116g_2019.csv"
    lines = path.read_bytes().decode("cp1252").splitlines()[3:]
    before = known = 0
    for row in csv.reader(lines):
        if row[1] == "Joensuu":
            total = sum(int(v) for v in row[3:])
            known += total if row[0] != "Tuntematon" else 0
            before += total if row[0] in {"- 1920", "1921 - 1939", "1940 - 1959", "1960 - 1969", "1970 - 1979"} else 0
    assert buildings["floor_area_built_before_1980_pct", "municipality", "167"] == pytest.approx(before / known * 100)


def test_district_heat_values(heat):
    v = heat["value"]
    # Helsinki 2018: On 6697.589 GWh / 1325.348 kt, Ei 2.611 GWh / 0.516 kt (lines 5354, 3886)
    assert v["district_heat_energy_gwh", "municipality", "091", 2018] == pytest.approx(6697.589 + 2.611, abs=1e-9)
    assert v["district_heat_ghg_kt", "municipality", "091", 2018] == pytest.approx(1325.348 + 0.516, abs=1e-9)
    assert v["district_heat_energy_non_ets_gwh", "municipality", "091", 2018] == pytest.approx(2.611)
    assert v["district_heat_emission_factor_non_ets_kg_kwh", "municipality", "091", 2018] == pytest.approx(
        0.197625430869399, abs=1e-12)  # the file's own emission_factor of line 3886
    # Kankaanpää 2026 = Kankaanpää (On 45.266/11.252, Ei 31.936/7.938) + Honkajoki (Ei 6.64/1.4)
    energy = 45.266 + 31.936 + 6.64
    assert v["district_heat_energy_gwh", "municipality", "214", 2018] == pytest.approx(energy)
    assert v["district_heat_emission_factor_kg_kwh", "municipality", "214", 2018] == pytest.approx(
        (11.252 + 7.938 + 1.4) / energy)
    # Honkajoki's district heat is all non-ETS: no ETS row means zero, so the non-ETS factor is defined
    assert v["district_heat_energy_non_ets_gwh", "municipality", "214", 2018] == pytest.approx(31.936 + 6.64)
    # a municipality whose district heat is all from ETS plants: non-ETS factor is marked "."
    only_ets = heat[(heat["status"] == ".")]
    assert not only_ets.empty and only_ets["value"].isna().all()
    assert set(only_ets.index.get_level_values("indicator")) == {"district_heat_emission_factor_non_ets_kg_kwh"}
    # region sums are over the municipalities present
    muni = v.xs(("district_heat_energy_gwh", "municipality"), level=["indicator", "level"])
    country = v.xs(("district_heat_energy_gwh", "country", "SSS"), level=["indicator", "level", "code"])
    assert muni.groupby(level="year").sum().to_numpy() == pytest.approx(country.to_numpy())


def test_key_figures_values_and_merges(key_figures):
    v = key_figures.rows.set_index(["indicator", "level", "code"])["value"]
    # 091,Helsinki: M408 99.9, M130 77.6, M152 379518, M137 295913
    assert v["urbanisation_rate_pct", "municipality", "091"] == pytest.approx(99.9)
    assert v["working_in_home_municipality_pct", "municipality", "091"] == pytest.approx(77.6)
    assert v["jobs", "municipality", "091"] == 379518
    assert v["jobs_per_employed_resident", "municipality", "091"] == pytest.approx(379518 / 295913)
    # Nurmes 2026 = Nurmes (65.5 %, 7885 persons) + Valtimo (45.1 %, 2245), merged 2020
    assert v["urbanisation_rate_pct", "municipality", "541"] == pytest.approx(
        (65.5 * 7885 + 45.1 * 2245) / (7885 + 2245))
    assert v["jobs", "municipality", "541"] == 2731 + 645
    # Kankaanpää 2026 = Kankaanpää (78.7 %, 4519 employed) + Honkajoki (69.5 %, 714)
    assert v["working_in_home_municipality_pct", "municipality", "214"] == pytest.approx(
        (78.7 * 4519 + 69.5 * 714) / (4519 + 714))
    years = key_figures.rows.groupby("indicator")["year"].unique().map(list).to_dict()
    assert years["urbanisation_rate_pct"] == [2016] and years["jobs"] == [2015]
    assert set(key_figures.mergers["from_code"]) == {"911", "099", "588"}


def test_key_figure_regions_against_official_region_rows(recorded_dir: Path, key_figures):
    """Counts summed over the 2026 regions equal the official region rows where membership did not change since 2017;
    the weighted rates agree with the official region rates within the rounding of the municipal figures."""
    official = pd.read_csv(recorded_dir / "kuntien-avainluvut-2016-values"
                           / "kuntien_avainluvut_2017_viimeisin_maakunnat_derived.csv", dtype={"maakunta": str})
    official = official.set_index("maakunta")
    k17, k26 = load_key(2017), load_key(2026)
    moved = set(k17.merge(k26, on="code", suffixes=("_17", "_26")).query("region_code_17 != region_code_26")
                [["region_code_17", "region_code_26"]].to_numpy().ravel())
    assert moved  # Heinävesi, Joroinen, Kuhmoinen changed region in 2021
    v = key_figures.rows[key_figures.rows["level"] == "region"].set_index(["indicator", "code"])["value"]
    stable = [r for r in official.index if r not in moved]
    assert len(stable) >= 10  # 9 regions gained or lost a municipality 2017→2026
    for region in stable:
        assert v["jobs", region] == official.loc[region, "M152"], region
        assert v["employed_residents", region] == official.loc[region, "M137"], region
        assert v["urbanisation_rate_pct", region] == pytest.approx(official.loc[region, "M408"], abs=0.3), region
        assert v["working_in_home_municipality_pct", region] == pytest.approx(official.loc[region, "M130"], abs=0.1)


def _sector_rows(code: str, values: list[float], *, year: int = 2020, release: str = "") -> pd.DataFrame:
    return pd.DataFrame({"level": "municipality", "code": code, "year": year,
                         "indicator": [f"ghg_hinku_sector_{s}_kt" for s in HINKU_SECTOR_SLUGS], "value": values,
                         "unit": "kt CO2e", "source": "s", "status": "", "release": release})


def test_hinku_theme_shares_handmade():
    #          cons.el heat: el  dh   oil other ind mach road rail water agri waste f
    full = [10.0, 5, 20, 5, 0, 0, 10, 30, 0, 0, 10, 5, 5]  # sum 100
    missing = list(full)
    missing[7] = np.nan
    panel = pd.concat([_sector_rows("A", full), _sector_rows("B", missing), _sector_rows("C", [0.0] * 13),
                       _sector_rows("A", [v * 2 for v in full], release="2024"),
                       _sector_rows("A", full, release="2026")], ignore_index=True)
    out = hinku_theme_shares(panel).set_index(["code", "release", "indicator"])
    assert out.loc[("A", "", "ghg_hinku_share_heating_pct"), "value"] == pytest.approx(30.0)
    assert out.loc[("A", "", "ghg_hinku_share_transport_pct"), "value"] == pytest.approx(30.0)
    assert out.loc[("A", "", "ghg_hinku_share_electricity_pct"), "value"] == pytest.approx(10.0)
    assert out.loc[("A", "2024", "ghg_hinku_share_heating_pct"), "value"] == pytest.approx(30.0)  # per release
    assert out.loc[("B", "", "ghg_hinku_share_heating_pct"), ["value", "status"]].tolist()[1] == ".."
    assert np.isnan(out.loc[("C", "", "ghg_hinku_share_transport_pct"), "value"])
    assert (out.loc[("A", "", slice(None)), "status"] == "derived").all()
    assert hinku_theme_shares(panel.iloc[0:0]).empty


def test_hinku_theme_shares_north_karelia(recorded_dir: Path):
    """On the recorded North Karelia file: Joensuu 2024 shares from the sector cells by hand."""
    from rvanalytics.panel import build_panel

    panel = build_panel(offline=True).panel
    rows = panel[(panel["code"] == "167") & (panel["year"] == 2024) & (panel["level"] == "municipality")]
    v = rows.set_index("indicator")["value"]
    # 167,Joensuu,2024: Kulutussähkö 16.1, Sähkölämmitys 6.6, Kaukolämpö 34.1, Öljylämmitys 5.8, Muu lämmitys 6.4,
    # Teollisuus 12.3, Työkoneet 23.5, Tieliikenne 107.9, Raideliikenne 3, Vesiliikenne 2, Maatalous 30,
    # Jätteiden käsittely 18.6, F-kaasut 9.4
    total = 16.1 + 6.6 + 34.1 + 5.8 + 6.4 + 12.3 + 23.5 + 107.9 + 3 + 2 + 30 + 18.6 + 9.4
    assert v["ghg_hinku_share_heating_pct"] == pytest.approx((6.6 + 34.1 + 5.8 + 6.4) / total * 100)
    assert v["ghg_hinku_share_transport_pct"] == pytest.approx((107.9 + 3 + 2) / total * 100)
    assert v["ghg_hinku_share_electricity_pct"] == pytest.approx(16.1 / total * 100)
    shares = panel[panel["indicator"] == "ghg_hinku_share_heating_pct"]
    sectors = panel[panel["indicator"] == "ghg_hinku_sector_district_heating_kt"]
    assert shares["code"].nunique() >= sectors[sectors["level"] == "municipality"]["code"].nunique()


def test_store_status_lists_new_indicators(store: Path):
    from rvanalytics.store import load_panel, store_summary

    status = store_summary(store)["panel"].set_index(["indicator", "level"])
    for ind in NEW_IDS:
        assert (ind, "municipality") in status.index, ind
    assert status.loc[("heating_fuel_share_district_heat_pct", "municipality"), "codes"] == 308
    assert status.loc[("district_heat_energy_gwh", "municipality"), "codes"] == 306  # Kökar, Sottunga: none
    assert status.loc[("district_heat_energy_gwh", "municipality"), "years"] == "2005–2018"
    assert status.loc[("urbanisation_rate_pct", "municipality"), "codes"] == 308
    assert status.loc[("ghg_hinku_share_heating_pct", "municipality"), "codes"] >= 13
    panel = load_panel(store, indicators=["heating_fuel_share_district_heat_pct"], level=None)
    assert set(panel["division_year"]) == {2026} and set(panel["level"]) == {"municipality", "region", "country"}


def test_docstring_examples_run():
    import doctest

    import rvanalytics.resource_panel

    result = doctest.testmod(rvanalytics.resource_panel, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0
