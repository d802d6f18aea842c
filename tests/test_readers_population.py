"""Population readers: Sotkanet (recorded), PxWeb CSV downloads (recorded + hand-made), regions summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers import read_pxweb_csv, read_regions_summary, read_sotkanet_population

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"


def test_sotkanet(recorded_dir):
    pop = read_sotkanet_population(recorded_dir / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
    assert pop.groupby("year")["code"].nunique().eq(309).all()
    assert pop.query("code == '091' and year == 2022")["value"].item() == 664_028
    assert (pop["unit"] == "persons").all() and (pop["status"] == "").all()


def test_pxweb_csv_recorded_names_only(recorded_dir):
    path = recorded_dir / "statfin-pxweb-recorded" / "csv-downloads-2021" / "vaesto_sukupuolittain_2021_11re_utf8bom.csv"
    table = read_pxweb_csv(path, year=2025)
    total = table[table["variable"] == "Yhteensä"]
    assert len(total) == 308 and total["code"].nunique() == 308
    assert total["value"].sum() == 5_548_241
    assert total.set_index("area").loc["Maarianhamina - Mariehamn", "code"] == "478"
    assert table.attrs["encoding"] == "utf-8-sig"
    men = table[table["variable"] == "Miehet"]["value"].sum()
    women = table[table["variable"] == "Naiset"]["value"].sum()
    assert men + women == 5_548_241


def test_pxweb_csv_names_need_the_right_division(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("Kunta;Väestö\nMäntyharju;5600\nPertunmaa;1700\n", encoding="utf-8")
    assert read_pxweb_csv(path, year=2024)["code"].tolist() == ["507", "588"]
    # Pertunmaa merged into Mäntyharju on 1.1.2025: unknown in the 2025 key, and named in the error
    with pytest.raises(DataFileError, match=r"row 3, column 'Kunta'.*not in the 2025 municipality key: \['Pertunmaa'\]"):
        read_pxweb_csv(path, year=2025)


def test_pxweb_csv_cp1252_names():
    table = read_pxweb_csv(FIXTURES / "pxweb_names_cp1252.csv", year=2026)
    assert table.attrs["encoding"] == "cp1252"
    total = table[table["variable"] == "Yhteensä"].set_index("area")
    assert total.loc["Ähtäri", "code"] == "989"
    assert total.loc["KOKO MAA", "level"] == "country"
    men = table[table["variable"] == "Miehet"].set_index("area")
    assert men.loc["Maarianhamina - Mariehamn", "status"] == ".."


def test_pxweb_csv_code_and_name():
    table = read_pxweb_csv(FIXTURES / "pxweb_code_name_utf8bom.csv")
    assert table["code"].tolist() == ["091", "049", "01", "SSS"]
    assert table["level"].tolist() == ["municipality", "municipality", "region", "country"]
    assert table["value"].iloc[0] == 658_457


def test_pxweb_csv_unmatched_names_listed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Kunta;Väestö\nHelsinki;1\nAtlantis;2\nLemuria;3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"2 area name\(s\) not in the 2026 municipality key: \['Atlantis', 'Lemuria'\]"):
        read_pxweb_csv(path, year=2026)


def test_pxweb_csv_duplicate_area(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Kunta;Väestö\n091 Helsinki;1\n091 Helsinki;2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="row 3.*appears more than once"):
        read_pxweb_csv(path)


def test_regions_summary(recorded_dir):
    table = read_regions_summary(recorded_dir / "syke-alas-regions-summary" / "maakunta_ghg_summary_1990_2024.csv")
    assert table["region_code"].nunique() == 19
    assert table.query("region == 'North Karelia' and year == 2024")["region_code"].item() == "12"
    assert table.query("region_code == '21'")["region"].iloc[0] == "Åland"


def test_regions_summary_unknown_name(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("region,year,total_ktco2e,per_capita_tco2e,population\nUusimaa,2020,1,1,1\nMiddle Earth,2020,1,1,1\n")
    with pytest.raises(DataFileError, match="row 3.*Middle Earth"):
        read_regions_summary(path)
