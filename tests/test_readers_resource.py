"""Readers of the resource-wisdom sources: StatFin 116h/116g/11re downloads, ALas 1.1 district heat, key figures.

Real recorded files are read by path (never copied); bad input is written by hand into tmp_path.
Expected numbers are cells picked by hand from the CSVs (quoted in the comments).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers import Flags
from rvanalytics.readers.buildings import (
    BUILDING_USES,
    HEATING_FUELS,
    read_floor_area_by_completion_year,
    read_floor_area_by_fuel,
    read_population_by_sex,
)
from rvanalytics.readers.district_heat import read_district_heat_csv
from rvanalytics.readers.key_figures import read_key_figure_metadata, read_key_figures_csv

BUILDINGS = "statfin-buildings-heating-fuel-2019"
DH = "syke-alas11-district-heating-by-municipality/emission_factors_of_energy_consumption.csv"
KF_META = "statfin-pxweb-recorded/v1-2017-kuntien-avainluvut/px-table-viimeisin-response.json"
KF_VALUES = "kuntien-avainluvut-2016-values/kuntien_avainluvut_2017_viimeisin_kunnat_derived.csv"


# ------------------------------------------------------------------ real files

def test_116h_cells_and_shape(recorded_dir: Path):
    table = read_floor_area_by_fuel(recorded_dir / BUILDINGS / "006_116h_2019.csv")
    assert len(table) == 2488  # 311 areas x 8 fuels
    assert table["level"].value_counts().to_dict() == {"municipality": 2480, "country": 8}
    assert table.loc[table["level"] == "municipality", "code"].nunique() == 310  # 1.1.2020 division
    cell = table.set_index(["code", "fuel"])
    # "Yhteensä","Helsinki","2019",50426530,3842383
    assert cell.loc[("091", "total"), "total"] == 50426530
    assert cell.loc[("091", "total"), "detached_houses"] == 3842383
    # "Kauko- tai aluelämpö","Helsinki","2019",43627633,974264
    assert cell.loc[("091", "district_heat"), "total"] == 43627633
    # "Kauko- tai aluelämpö","Honkajoki","2019",9326,466 (Honkajoki 099 still separate in 2020)
    assert cell.loc[("099", "district_heat"), "detached_houses"] == 466
    # "Kivihiili","Joensuu","2019",877,424
    assert cell.loc[("167", "coal"), "total"] == 877
    # "Yhteensä","KOKO MAA","2019",494625956
    assert cell.loc[("SSS", "total"), "total"] == 494625956
    assert set(table["year"]) == {2019}


def test_116g_and_11re_cells(recorded_dir: Path):
    periods = read_floor_area_by_completion_year(recorded_dir / BUILDINGS / "006_116g_2019.csv")
    assert len(periods) == 3100
    joensuu = periods[periods["code"] == "167"].set_index("period")
    # "- 1920","Joensuu","2019",39184 ; "Tuntematon","Joensuu","2019",2278 (detached houses)
    assert joensuu.loc["- 1920", "detached_houses"] == 39184
    assert joensuu.loc["Tuntematon", "detached_houses"] == 2278
    pop = read_population_by_sex(recorded_dir / BUILDINGS / "005_11re_2019.csv")
    assert pop["year"].min() == 2005 and pop["year"].max() == 2019
    p = pop.set_index(["code", "year"])
    # "Helsinki","Yhteensä","Miehet",…,310702 and "Naiset",…,343133 (2019)
    assert p.loc[("091", 2019), "population"] == 310702 + 343133
    # "Honkajoki" 846 + 774
    assert p.loc[("099", 2019), "population"] == 846 + 774


def test_district_heat_cells(recorded_dir: Path):
    flags = Flags()
    table = read_district_heat_csv(recorded_dir / DH, flags=flags)
    assert len(table) == 5387 and table["code"].nunique() == 308
    t = table.set_index(["code", "year", "trade"])
    # line 5354: 2018,1325.348,6697.589,…,"Helsinki","On"
    assert t.loc[("091", 2018, "ets"), "energy_gwh"] == 6697.589
    assert t.loc[("091", 2018, "ets"), "emission_kt"] == 1325.348
    # line 3909: 2018,20.215,107.575,…,"Joensuu","Ei"
    assert t.loc[("167", 2018, "non_ets"), "emission_kt"] == 20.215
    assert t.loc[("167", 2018, "non_ets"), "row"] == 3909
    # "Maarianhamina" (Finnish name only) resolves to 478
    assert "478" in set(table["code"])
    # the national rows are left out, and said so
    assert len(flags) == 1 and "233 national rows" in flags.rows[0]["reason"]


def test_key_figure_metadata_and_values(recorded_dir: Path):
    meta = read_key_figure_metadata(recorded_dir / KF_META)
    assert meta.division_year == 2017 and len(meta.table) == 31
    years = dict(zip(meta.table["code"], meta.table["year"]))
    assert years["M408"] == 2016 and years["M130"] == 2015 and years["M152"] == 2015
    flags = Flags()
    values = read_key_figures_csv(recorded_dir / KF_VALUES, meta, flags=flags)
    assert values["code"].nunique() == 311
    v = values.set_index(["code", "key_figure"])["value"]
    # 091,Helsinki,99.9,635181,… ; M130 77.6 ; M152 379518
    assert v[("091", "M408")] == 99.9 and v[("091", "M411")] == 635181
    assert v[("091", "M130")] == 77.6 and v[("091", "M152")] == 379518
    # the dump's mojibake name is flagged, its code kept
    assert [r["row"] for r in flags.rows] == [198] and "Pedersären" in flags.rows[0]["reason"]


# ------------------------------------------------------------------ hand-made bad input

_USES = [u for u in BUILDING_USES if u != "Yhteensä"]


def _116h(path: Path, rows: list[tuple[str, str, list[int]]], *, header_uses=None) -> Path:
    uses = header_uses or ["Yhteensä", *_USES]
    head = ",".join(['"Rakennuksen lämmitysaine"', '"Alue"', '"Vuosi"',
                     *[f'"Rakennuksen kerrosala (m2) {u}"' for u in uses]])
    lines = ['"116h -- Rakennukset (lkm, m2) käyttötarkoituksen ja lämmitysaineen mukaan, 2019"', "", head]
    for fuel, area, values in rows:
        lines.append(f'"{fuel}","{area}","2019",' + ",".join(str(v) for v in values))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def _area_rows(area: str, per_fuel: int = 10) -> list[tuple[str, str, list[int]]]:
    """Consistent rows: every fuel has per_fuel m² in the first use class, 'Yhteensä' the sum."""
    fuels = [f for f in HEATING_FUELS if f != "Yhteensä"]
    one = [per_fuel] + [0] * (len(_USES) - 1)
    total = [per_fuel * len(fuels)] + [0] * (len(_USES) - 1)
    return [("Yhteensä", area, [sum(total), *total])] + [(f, area, [per_fuel, *one]) for f in fuels]


def test_handmade_116h_reads(tmp_path: Path):
    table = read_floor_area_by_fuel(_116h(tmp_path / "ok.csv", _area_rows("Akaa") + _area_rows("Alajärvi")))
    assert set(table["code"]) == {"020", "005"}
    assert table.loc[table["fuel"] == "total", "total"].tolist() == [70.0, 70.0]


def test_name_not_in_key_of_division_year(tmp_path: Path):
    path = _116h(tmp_path / "typo.csv", _area_rows("Akaa") + _area_rows("Helsinkki"))
    with pytest.raises(DataFileError, match="not in the 2020 municipality key") as err:
        read_floor_area_by_fuel(path)
    assert err.value.path == path and err.value.row == 12 and err.value.column == "Alue"
    assert "Helsinkki" in str(err.value) and "Fix:" in str(err.value)
    # Pertunmaa exists in the 2020 key but not in 2026's (merged 2025): a file on the wrong division
    path = _116h(tmp_path / "old.csv", _area_rows("Pertunmaa"))
    assert set(read_floor_area_by_fuel(path, year=2020)["code"]) == {"588"}
    with pytest.raises(DataFileError, match="2026 municipality key"):
        read_floor_area_by_fuel(path, year=2026)


def test_fuel_breakdown_not_adding_up(tmp_path: Path):
    rows = _area_rows("Akaa")
    fuel, area, values = rows[3]  # Sähkö
    rows[3] = (fuel, area, [values[0] + 5, values[1] + 5, *values[2:]])  # uses still add up to its own total
    path = _116h(tmp_path / "fuels.csv", rows)
    with pytest.raises(DataFileError, match="heating fuels of 'Akaa' add up to") as err:
        read_floor_area_by_fuel(path)
    assert err.value.row == 4  # the Yhteensä row of Akaa (header on line 3)
    # within the rounding of the published cells (7 fuels x 0.5 m²) it is accepted
    rows[3] = (fuel, area, [values[0] + 3, values[1] + 3, *values[2:]])
    read_floor_area_by_fuel(_116h(tmp_path / "rounding.csv", rows))


def test_use_columns_not_adding_up_and_missing_fuel(tmp_path: Path):
    rows = _area_rows("Akaa")
    fuel, area, values = rows[1]
    rows[1] = (fuel, area, [values[0], values[1] + 100, *values[2:]])
    with pytest.raises(DataFileError, match="building-use columns of 'Akaa'") as err:
        read_floor_area_by_fuel(_116h(tmp_path / "uses.csv", rows))
    assert err.value.row == 5
    with pytest.raises(DataFileError, match=r"no row for the heating fuel\(s\) \['Maalämpö'\]"):
        read_floor_area_by_fuel(_116h(tmp_path / "short.csv", [r for r in _area_rows("Akaa") if r[0] != "Maalämpö"]))
    bad = _area_rows("Akaa")
    bad[2] = ("Öljy", *bad[2][1:])
    with pytest.raises(DataFileError, match="unknown heating fuel 'Öljy'"):
        read_floor_area_by_fuel(_116h(tmp_path / "label.csv", bad))


def test_plain_csv_without_heading_and_half_population(tmp_path: Path):
    plain = tmp_path / "plain.csv"
    plain.write_text('"Alue","Vuosi"\n"Akaa","2019"\n', encoding="cp1252")
    with pytest.raises(DataFileError, match="CSV with heading"):
        read_floor_area_by_fuel(plain)
    pop = tmp_path / "pop.csv"
    pop.write_bytes('"11re -- Väestö"\r\n\r\n"Alue","Ikä","Sukupuoli","2019 Väestö 31.12."\r\n'
                    '"Akaa","Yhteensä","Miehet",8263\r\n"Akaa","Yhteensä","Naiset",8212\r\n'
                    '"Alajärvi","Yhteensä","Miehet",4846\r\n'.encode("cp1252"))
    with pytest.raises(DataFileError, match="'Alajärvi' lacks the row") as err:
        read_population_by_sex(pop)
    assert err.value.row == 6


def _dh(path: Path, rows: list[str]) -> Path:
    head = '"year","emission","energy_use","emission_factor","final_use","level5","municipality","emission_trade","gas"'
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return path


def test_district_heat_bad_input(tmp_path: Path):
    ok = '2018,1,4,0.25,"district heating",NA,"Akaa","Ei","CO2e"'
    assert len(read_district_heat_csv(_dh(tmp_path / "ok.csv", [ok]))) == 1
    with pytest.raises(DataFileError, match=r"not in the 2020 municipality key.*Akaaa") as err:
        read_district_heat_csv(_dh(tmp_path / "name.csv", [
            '2018,3.5,13.3,0.263157894736842,"oil heating",NA,NA,NA,"CO2e"', ok, ok.replace("Akaa", "Akaaa")]))
    assert err.value.row == 4 and err.value.column == "municipality"
    with pytest.raises(DataFileError, match="emission_factor 0.3 is not emission / energy_use") as err:
        read_district_heat_csv(_dh(tmp_path / "factor.csv", [ok.replace("0.25", "0.3")]))
    assert err.value.row == 2
    with pytest.raises(DataFileError, match="appears twice"):
        read_district_heat_csv(_dh(tmp_path / "dup.csv", [ok, ok]))
    with pytest.raises(DataFileError, match="emission_trade 'Yes'"):
        read_district_heat_csv(_dh(tmp_path / "trade.csv", [ok.replace('"Ei"', '"Yes"')]))
    with pytest.raises(DataFileError, match="energy_use is missing"):
        read_district_heat_csv(_dh(tmp_path / "na.csv", [ok.replace(",4,", ",NA,")]))


def test_key_figure_code_without_metadata(recorded_dir: Path, tmp_path: Path):
    meta = read_key_figure_metadata(recorded_dir / KF_META)
    path = tmp_path / "kf.csv"
    path.write_text("kunta,nimi_in_dump,M408,M999\n020,Akaa,88.1,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"key-figure code\(s\) \['M999'\] have no metadata") as err:
        read_key_figures_csv(path, meta)
    assert err.value.column == "M999" and err.value.row == 1
    path.write_text("kunta,nimi_in_dump,M408\n020,Akaa,88.1\n588,Pertunmaa,0\n999,Nowhere,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="code '999' is not in the 2017 key") as err:
        read_key_figures_csv(path, meta)
    assert err.value.row == 4
    path.write_text("kunta,nimi_in_dump,M408\n020,Alajärvi,88.1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="'Alajärvi' is municipality 005"):
        read_key_figures_csv(path, meta)
    bad_meta = tmp_path / "meta.json"
    bad_meta.write_text(json.dumps({"title": "x", "variables": [
        {"code": "Tiedot", "values": ["M408"], "valueTexts": ["Taajama-aste, %"]}]}), encoding="utf-8")
    with pytest.raises(DataFileError, match="does not end in a year"):
        read_key_figure_metadata(bad_meta)


def test_readers_return_plain_dtypes(recorded_dir: Path):
    table = read_floor_area_by_fuel(recorded_dir / BUILDINGS / "006_116h_2019.csv")
    assert pd.api.types.is_float_dtype(table["total"]) and table["code"].str.fullmatch(r"\d{3}|SSS").all()
