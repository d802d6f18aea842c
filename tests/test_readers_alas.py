"""Syke ALas readers: the service CSV (hand-made fixture), the road-transport bulk file, Hinku files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers import (
    Flags,
    alas_municipality_indicators,
    read_alas_municipality_csv,
    read_hinku_json,
    read_hinku_sectors,
    read_hinku_totals,
    read_road_transport_csv,
    read_sector_tree,
    road_transport_indicators,
)
from rvanalytics.readers.alas import sector_slug

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"


@pytest.fixture(scope="module")
def road_dir(recorded_dir):
    return recorded_dir / "syke-alas-road-transport-lipasto"


@pytest.fixture(scope="module")
def road(road_dir):
    flags = Flags()
    table = read_road_transport_csv(road_dir / "TIELIIKENNE_ALas_1.1_web_lipasto.csv",
                                    read_sector_tree(road_dir / "alas_luokat.csv"), flags)
    return table, flags


@pytest.fixture(scope="module")
def nk_dir(recorded_dir):
    return recorded_dir / "syke-alas-north-karelia-municipalities"


def test_service_csv_fixture():
    table = read_alas_municipality_csv(FIXTURES / "kunta_167.csv")
    assert table["code"].unique().tolist() == ["167"]
    assert table["kt"].iloc[0] == 10.5 and table["gwh"].iloc[0] == 40.25  # decimal comma
    assert table["kt_status"].iloc[6] == "NA" and np.isnan(table["kt"].iloc[6])
    assert table["hinku"].tolist()[:3] == [True, True, False]
    flags = Flags()
    rows = alas_municipality_indicators(table, FIXTURES / "kunta_167.csv", flags).set_index(["year", "indicator"])
    # all-ALas total includes the emissions-trading industry; Hinku excludes it; the wind credit is in neither
    assert rows.loc[(2022, "ghg_alas_total_kt"), "value"] == pytest.approx(10.5 + 2.25 + 100 + 3.5)
    assert rows.loc[(2022, "ghg_hinku_total_kt"), "value"] == pytest.approx(10.5 + 2.25 + 3.5)
    assert rows.loc[(2022, "ghg_hinku_sector_district_heating_kt"), "value"] == 2.25
    assert rows.loc[(2022, "ghg_hinku_sector_agriculture_kt"), "value"] == 3.5
    # a missing class makes the 2023 totals missing, never a smaller number
    assert np.isnan(rows.loc[(2023, "ghg_hinku_total_kt"), "value"])
    assert rows.loc[(2023, "ghg_hinku_total_kt"), "status"] == ".."
    assert rows.loc[(2023, "ghg_hinku_sector_consumer_electricity_kt"), "value"] == 9.0
    assert any("wind-power credit" in r["reason"] for r in flags.rows)


def test_sector_slugs():
    assert sector_slug("Kul") == "consumer_electricity"
    assert sector_slug("Jät") == "waste"
    assert sector_slug("Muu lämmitys") == "other_heating"
    assert sector_slug("Työ") == "machinery"
    assert sector_slug("Xyz") is None


def test_service_csv_bad_input(tmp_path):
    good = (FIXTURES / "kunta_167.csv").read_text(encoding="utf-8")
    renamed = tmp_path / "kunta_91.csv"
    renamed.write_text(good.replace("hinku_laskenta", "hinku"), encoding="utf-8")
    with pytest.raises(DataFileError, match="'hinku_laskenta' is missing"):
        read_alas_municipality_csv(renamed)
    text_in_value = tmp_path / "kunta_92.csv"
    text_in_value.write_text(good.replace("10,5;10,5", "kymmenen;10,5"), encoding="utf-8")
    with pytest.raises(DataFileError, match="row 2, column 'kt'.*'kymmenen' is not a number"):
        read_alas_municipality_csv(text_in_value)
    comma = tmp_path / "kunta_93.csv"
    comma.write_text(good.replace(";", ","), encoding="utf-8")
    with pytest.raises(DataFileError, match="comma-separated"):
        read_alas_municipality_csv(comma)


def test_road_transport_recorded(road):
    table, flags = road
    assert len(table) == 47_740
    assert table["code"].str.len().eq(3).all() and "020" in set(table["code"])  # Akaa, zero-padded
    assert table.groupby("year")["code"].nunique().eq(310).all()
    assert set(table["taso_3"]) == {"Tieliikenne"}  # every class found in the sector tree
    assert len(flags) == 0
    rows = road_transport_indicators(table).set_index(["code", "year", "indicator"])["value"]
    assert rows[("091", 2005, "road_transport_ghg_kt")] == pytest.approx(608.3, abs=0.05)
    assert rows[("091", 2018, "road_transport_ghg_kt")] == pytest.approx(537.6, abs=0.05)
    finland_2018 = rows.xs((2018, "road_transport_ghg_kt"), level=("year", "indicator")).sum()
    assert finland_2018 == pytest.approx(11_087, rel=0.001)


def test_road_transport_flags_unknown_class(tmp_path, road_dir):
    lines = (road_dir / "TIELIIKENNE_ALas_1.1_web_lipasto.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    path = tmp_path / "road.csv"
    path.write_text("\n".join([header, first, first.replace("Henkilöautot", "Leijuautot")]) + "\n", encoding="utf-8")
    flags = Flags()
    table = read_road_transport_csv(path, read_sector_tree(road_dir / "alas_luokat.csv"), flags)
    assert len(table) == 2 and len(flags) == 1 and flags.rows[0]["row"] == 3
    assert "Leijuautot" in flags.rows[0]["reason"]


def test_road_transport_missing_column(tmp_path):
    path = tmp_path / "road.csv"
    path.write_text('kuntanumero,kunta,maakunta,vuosi,taso_4,taso_5,päästöt (ktCO2e)\n20,Akaa,Pirkanmaa,2005,Kadut,Henkilöautot,"8,4"\n',
                    encoding="utf-8")
    with pytest.raises(DataFileError, match="'energiankulutus \\(GWh\\)' is missing"):
        read_road_transport_csv(path)


def test_hinku_sectors_and_totals(nk_dir):
    sectors = read_hinku_sectors(nk_dir / "north_karelia_emissions_by_sector_long.csv")
    assert len(sectors) == 3549 and sectors["indicator"].nunique() == 13
    assert sectors["code"].nunique() == 13
    totals = read_hinku_totals(nk_dir / "north_karelia_emissions_totals.csv")
    assert len(totals) == 273
    sums = sectors.groupby(["code", "year"])["value"].sum()
    diff = (sums - totals.set_index(["code", "year"])["total_kt"]).abs()
    assert diff.max() <= 0.35  # Syke rounds sectors and total separately
    assert totals.query("year == 2024")["total_kt"].sum() == pytest.approx(937.2, abs=0.05)


def test_hinku_json_matches_csv(nk_dir):
    frame = read_hinku_json(nk_dir / "north_karelia_alas_hinku_dataset.json")
    totals = read_hinku_totals(nk_dir / "north_karelia_emissions_totals.csv")
    json_total = frame[frame["sector"] == "total"].groupby("year")["value"].sum()
    assert json_total.to_dict() == pytest.approx(totals.groupby("year")["total_kt"].sum().to_dict())


def test_hinku_unknown_sector(tmp_path):
    path = tmp_path / "sectors.csv"
    path.write_text("kunta,kunta_nimi,vuosi,sektori,khk_kt_co2e\n167,Joensuu,2020,Kaukolämpö,1.0\n167,Joensuu,2020,Avaruus,2.0\n")
    with pytest.raises(DataFileError, match="row 3, column 'sektori'.*'Avaruus'"):
        read_hinku_sectors(path)
