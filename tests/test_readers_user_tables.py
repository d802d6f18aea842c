"""Analysts' own tables and the bad-input list of issue 3 (each a clear error or a flag)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers import (
    Flags,
    read_pxweb_csv,
    read_road_transport_csv,
    read_sotkanet_population,
    read_user_table,
)

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
HEADER = "code,year,indicator,value,unit\n"


def _write(tmp_path, text, name="t.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_good_table():
    rows = read_user_table(FIXTURES / "user_table_ok.csv")
    assert rows["code"].tolist() == ["091", "049", "091"]
    assert rows["status"].tolist() == ["", "..", ""]
    assert rows["source"].tolist() == ["city of Helsinki", "user:user_table_ok.csv", "city of Helsinki"]
    assert list(rows.columns) == ["level", "code", "year", "indicator", "value", "unit", "source", "status"]


def test_excel_table(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"code": ["091"], "year": [2023], "indicator": ["water_use_per_capita_l"], "value": [180.5],
                  "unit": ["l/person/day"]}).to_excel(path, index=False)
    rows = read_user_table(path)
    assert rows["value"].item() == 180.5 and rows["code"].item() == "091"


def test_semicolon_file_with_decimal_commas(tmp_path):
    path = _write(tmp_path, "code;year;indicator;value;unit\n091;2023;water_use_per_capita_l;180,5;l/person/day\n")
    assert read_user_table(path)["value"].item() == 180.5


def test_renamed_column(tmp_path):
    path = _write(tmp_path, "kunta_code,year,indicator,value,unit\n091,2023,x,1,t\n")
    with pytest.raises(DataFileError, match="column 'code'.*is 'kunta_code' the renamed 'code'"):
        read_user_table(path)


def test_missing_column(tmp_path):
    path = _write(tmp_path, "code,year,indicator,value\n091,2023,x,1\n")
    with pytest.raises(DataFileError, match="column 'unit' is missing"):
        read_user_table(path)


def test_decimal_comma_where_point_expected(tmp_path):
    path = _write(tmp_path, HEADER + '091,2023,x,"41,5",%\n')
    with pytest.raises(DataFileError, match="row 2, column 'value'.*decimal comma"):
        read_user_table(path)


def test_marker_strings_in_value_column(tmp_path):
    path = _write(tmp_path, HEADER + "091,2023,x,..,%\n049,2023,x,-,%\n092,2023,x,n/a,%\n")
    rows = read_user_table(path)
    assert rows["value"].isna().all() and rows["status"].tolist() == ["..", "-", "n/a"]
    bad = _write(tmp_path, HEADER + "091,2023,x,1,%\n049,2023,x,unknown,%\n", name="bad.csv")
    with pytest.raises(DataFileError, match="row 3, column 'value'.*'unknown' is not a number"):
        read_user_table(bad)


def test_duplicated_rows(tmp_path):
    same = _write(tmp_path, HEADER + "091,2023,x,1,%\n091,2023,x,1,%\n")
    flags = Flags()
    rows = read_user_table(same, flags=flags)
    assert len(rows) == 1 and len(flags) == 1 and flags.rows[0]["row"] == 3
    different = _write(tmp_path, HEADER + "091,2023,x,1,%\n091,2023,x,2,%\n", name="d.csv")
    with pytest.raises(DataFileError, match=r"rows 2, 3 give different values"):
        read_user_table(different)


def test_unknown_codes(tmp_path):
    path = _write(tmp_path, HEADER + "091,2023,x,1,%\n999,2023,x,1,%\n")
    with pytest.raises(DataFileError, match=r"row 3, column 'code'.*\['999'\]"):
        read_user_table(path)
    # Pertunmaa (588) exists in 2024 but not in the 2026 division
    old = _write(tmp_path, HEADER + "588,2023,x,1,%\n", name="o.csv")
    assert len(read_user_table(old)) == 1
    with pytest.raises(DataFileError, match="not in the 2026 division"):
        read_user_table(old, division_year=2026)


def test_mixed_units(tmp_path):
    path = _write(tmp_path, HEADER + "091,2023,x,1,t\n049,2023,x,1000,kg\n")
    with pytest.raises(DataFileError, match=r"row 3, column 'unit'.*several units"):
        read_user_table(path)
    cat = _write(tmp_path, HEADER + "091,2023,population,1,thousand persons\n", name="c.csv")
    with pytest.raises(DataFileError, match="catalogue's unit is 'persons'"):
        read_user_table(cat)


@pytest.mark.parametrize("reader", [read_user_table, read_sotkanet_population, read_pxweb_csv, read_road_transport_csv])
def test_html_error_page(tmp_path, reader):
    path = _write(tmp_path, "<!DOCTYPE html>\n<html><body><h1>503 Service Unavailable</h1></body></html>\n")
    with pytest.raises(DataFileError, match="HTML page"):
        reader(path)


@pytest.mark.parametrize("reader", [read_user_table, read_sotkanet_population, read_pxweb_csv, read_road_transport_csv])
def test_empty_file(tmp_path, reader):
    path = _write(tmp_path, "")
    with pytest.raises(DataFileError, match="empty"):
        reader(path)


def test_header_only(tmp_path):
    with pytest.raises(DataFileError, match="no rows"):
        read_user_table(_write(tmp_path, HEADER))


def test_bad_indicator_id_and_year(tmp_path):
    with pytest.raises(DataFileError, match="row 2, column 'indicator'"):
        read_user_table(_write(tmp_path, HEADER + "091,2023,Water Use!,1,%\n"))
    with pytest.raises(DataFileError, match="row 2, column 'year'"):
        read_user_table(_write(tmp_path, HEADER + "091,2023.5,x,1,%\n", name="y.csv"))


def test_cp1252_table(tmp_path):
    path = _write(tmp_path, "code;year;indicator;value;unit;source\n091;2023;x;1,5;%;Ähtärin kaupunki\n", encoding="cp1252")
    rows = read_user_table(path)
    assert rows["source"].item() == "Ähtärin kaupunki" and rows["value"].item() == 1.5
    assert not np.isnan(rows["value"]).any()
