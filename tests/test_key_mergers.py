from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rvanalytics.boundaries import read_boundaries
from rvanalytics.download import fetch
from rvanalytics.exceptions import DataFileError, HarmoniseError, RvanalyticsError
from rvanalytics.key import load_key, read_key_file, size_class
from rvanalytics.mergers import crosswalk, crosswalk_from_boundaries, harmonise, merger_table

EXPECTED_COUNTS = {2013: 320, 2014: 320, 2015: 317, 2016: 313, 2017: 311, 2018: 311, 2019: 311, 2020: 310,
                   2021: 309, 2022: 309, 2023: 309, 2024: 309, 2025: 308, 2026: 308}


@pytest.mark.parametrize(("year", "count"), EXPECTED_COUNTS.items())
def test_key_counts_per_year(year, count):
    key = load_key(year)
    assert len(key) == count
    assert key["code"].str.fullmatch(r"\d{3}").all()
    assert key["region_code"].str.fullmatch(r"\d{2}").all()


def test_key_names_and_codes():
    key = load_key(2026).set_index("code")
    assert key.loc["091", "name_sv"] == "Helsingfors"
    assert key.loc["478", "region_code"] == "21"  # Maarianhamina, Åland
    assert key.loc["005", "subregion_code"] == "146"


def test_heinavesi_moves_region_in_2021():
    assert load_key(2020).set_index("code").loc["090", "region_name_fi"] == "Etelä-Savo"
    assert load_key(2021).set_index("code").loc["090", "region_name_fi"] == "Pohjois-Karjala"


def test_unknown_key_year():
    with pytest.raises(RvanalyticsError, match="2013–2026"):
        load_key(2030)


def test_key_file_errors(tmp_path):
    bad = tmp_path / "key.csv"
    bad.write_text("kunta,year\n91,2020\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        read_key_file(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text("kunta,municipality_name_fi,maakunta_code,maakunta_name_fi,year\n91,Helsinki,1,Uusimaa,2020\n"
                   "91,Helsinki,1,Uusimaa,2020\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="appears twice"):
        read_key_file(dup)


def test_size_class_bounds():
    assert size_class(4_999) == "<5k" and size_class(5_000) == "5–10k" and size_class(100_000) == ">100k"


@pytest.mark.parametrize(
    ("from_code", "to_code", "year"),
    [("099", "214", 2021), ("588", "507", 2025), ("911", "541", 2020), ("532", "398", 2016), ("174", "297", 2017)],
)
def test_real_mergers(from_code, to_code, year):
    cw = crosswalk(year - 1, year).set_index("from_code")
    assert cw.loc[from_code, "to_code"] == to_code
    assert from_code in set(load_key(year - 1)["code"]) and from_code not in set(load_key(year)["code"])


def test_merger_table_agrees_with_keys():
    """Every code that disappears from the key between two years is in the merger table, and only those."""
    table = merger_table()
    for year in range(2014, 2027):
        gone = set(load_key(year - 1)["code"]) - set(load_key(year)["code"])
        assert gone == set(table.loc[table["effective_year"] == year, "from_code"]), year


def test_merger_table_agrees_with_boundary_overlay():
    """The official table and an overlay of the 2013 and 2023 boundaries give the same crosswalk."""
    old, _ = read_boundaries(fetch("nls_kuntajako_4500k", year=2013), year=2013)
    new, _ = read_boundaries(fetch("nls_kuntajako_4500k", year=2023), year=2023)
    overlay = crosswalk_from_boundaries(old, new).set_index("from_code")
    official = crosswalk(2013, 2023).set_index("from_code")
    assert (overlay["to_code"] == official["to_code"]).all()
    assert overlay["share"].min() > 0.9


def test_harmonise_2013_to_2023_keeps_totals():
    old, _ = read_boundaries(fetch("nls_kuntajako_4500k", year=2013), year=2013)
    table = pd.DataFrame({"code": old["code"], "area_km2": old.geometry.area / 1e6, "year": 2013})
    result = harmonise(table, 2013, 2023, value_columns=["area_km2"], group_columns=["year"])
    assert len(result.table) == 309
    assert result.table["area_km2"].sum() == pytest.approx(table["area_km2"].sum())
    assert len(result.mergers) == 11
    kuopio = result.table.set_index("code").loc["297", "area_km2"]
    parts = table.set_index("code").loc[["297", "476", "174"], "area_km2"].sum()
    assert kuopio == pytest.approx(parts)


def test_harmonise_propagates_missing_and_incomplete_parts():
    table = pd.DataFrame({"code": ["588", "507", "091"], "x": [1.0, np.nan, 5.0]})
    out = harmonise(table, 2024, 2025, value_columns=["x"]).table.set_index("code")
    assert np.isnan(out.loc["507", "x"]) and out.loc["091", "x"] == 5.0
    only_part = harmonise(pd.DataFrame({"code": ["588"], "x": [1.0]}), 2024, 2025, value_columns=["x"]).table
    assert np.isnan(only_part["x"].item())


def test_harmonise_refuses_rates_without_weights():
    table = pd.DataFrame({"code": ["588", "507"], "rate": [10.0, 20.0], "pop": [1000, 3000]})
    with pytest.raises(HarmoniseError, match="weight_column"):
        harmonise(table, 2024, 2025, value_columns=["rate"], additive=False)
    out = harmonise(table, 2024, 2025, value_columns=["rate"], additive=False, weight_column="pop").table
    assert out["rate"].item() == pytest.approx((10 * 1000 + 20 * 3000) / 4000)
    assert out["pop"].item() == 4000


def test_harmonise_rejects_unknown_codes_and_backwards_moves():
    with pytest.raises(HarmoniseError, match="not municipalities of 2025"):
        harmonise(pd.DataFrame({"code": ["588"], "x": [1.0]}), 2025, 2026, value_columns=["x"])
    with pytest.raises(HarmoniseError, match="back to"):
        crosswalk(2025, 2013)
