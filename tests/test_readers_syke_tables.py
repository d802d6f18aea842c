"""Syke's emission tables (English stacked, English region, Finnish KHK-päästöt, Swedish summary) and releases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.hinku import check_same_release, table_rows
from rvanalytics.readers import read_hinku_sectors, read_hinku_totals
from rvanalytics.readers.syke_tables import (
    ITEMS,
    read_syke_area_workbook,
    read_syke_stacked_workbook,
    read_syke_summary_workbook,
)
from rvanalytics.releases import comparison_view, select_series

STACKED = "syke-alas-hinku-59-municipalities-2024/finland_cities_emissions.xlsx"
REGIONS = "syke-alas-hinku-regions-2024/regions_en"
SUMMARY = "syke-alas-hinku-regions-2024/regions_sv_summary/Åland.xlsx"
FI_SECTORS = ["Kulutussähkö", "Sähkölämmitys", "Kaukolämpö", "Öljylämmitys", "Muu lämmitys", "Teollisuus", "Työkoneet",
              "Tieliikenne", "Raideliikenne", "Vesiliikenne", "Maatalous", "Jätteiden käsittely", "F-kaasut"]


@pytest.fixture(scope="module")
def build():
    from rvanalytics.panel import build_panel

    return build_panel(offline=True)


@pytest.fixture(scope="module")
def stacked(recorded_dir: Path):
    return read_syke_stacked_workbook(recorded_dir / STACKED)


def _raw_cells(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def test_stacked_every_cell_equals_the_original(stacked, recorded_dir):
    rows = _raw_cells(recorded_dir / STACKED)
    header = rows[0]
    assert stacked.method == "hinku" and stacked.method_label == header[2] and stacked.language == "en"
    years = list(header[3:])
    got = stacked.values.set_index(["row", "year"])["value"]
    compared = 0
    for i, cells in enumerate(rows[1:], start=2):
        for year, cell in zip(years, cells[3:]):
            assert got.loc[(i, year)] == float(cell), (i, year)
            compared += 1
    assert compared == 59 * 17 * 19 == len(stacked.values)
    assert stacked.values["area"].nunique() == 59
    assert stacked.flags == []  # every per-resident value agrees with total / population at Syke's rounding


def test_stacked_known_figures(stacked):
    wide = stacked.wide().set_index(["area", "year"])
    assert wide.loc[("Joensuu", 2022), "total"] == 309.7  # PROVENANCE: 2022 309.7 (2024 release) vs 314.1 (2026)
    assert wide.loc[("Joensuu", 2022), "road_transport"] == 106.7
    assert wide.loc[("Jyväskylä", 1990), "total"] == 859.2
    assert wide.loc[("Mariehamn", 2022), "population"] > 0


@pytest.mark.parametrize("name", [f"{n}.xlsx" for n in (
    "Central Finland", "Central Ostrobothnia", "Kainuu", "Kanta-Häme", "Kymenlaakso", "Lapland", "North Karelia",
    "North Ostrobothnia", "North Savo", "Ostrobothnia", "Pirkanmaa", "Päijät-Häme", "Satakunta", "South Karelia",
    "South Ostrobothnia", "South Savo", "Southwest Finland", "Uusimaa", "Åland")])
def test_region_workbook_every_cell_equals_the_original(recorded_dir, name):
    path = recorded_dir / REGIONS / name
    table = read_syke_area_workbook(path)
    rows = _raw_cells(path)
    assert table.method == "hinku" and table.language == "en"
    assert table.values["area"].iloc[0].casefold() == Path(name).stem.casefold()
    header = rows[2]
    got = table.values.set_index(["row", "year"])["value"]
    for i, cells in enumerate(rows[3:20], start=4):
        for year, cell in zip(header[1:], cells[1:]):
            expected = float(str(cell).replace(",", "."))
            assert got.loc[(i, int(year))] == expected
    assert len(table.values) == 17 * 19


def test_swedish_summary_agrees_with_english_tables(recorded_dir, build):
    summary = read_syke_summary_workbook(recorded_dir / SUMMARY)
    assert summary["area"].nunique() == 19 and set(summary["year"]) == {2021, 2022}
    assert len(summary) == 16 * 2 * 19  # 13 sectors, credits, total, population
    panel = build.panel
    # the country row of the 2024 release is the sum of the 19 regional totals (Finland 2022: 30,477 kt)
    country = panel[(panel["level"] == "country") & (panel["indicator"] == "ghg_hinku_total_kt")
                    & (panel["year"] == 2022)]
    assert country["value"].round(1).item() == 30477.2
    assert bool(country["preliminary"].item()) and country["release"].item() == "2024"


def _khk_workbook(path: Path, name: str, sectors: pd.DataFrame, totals: pd.DataFrame, *,
                  method: str = "Hinku-laskenta ilman päästöhyvityksiä", labels: list[str] | None = None) -> Path:
    """The Finnish per-municipality download's KHK-päästöt sheet (layout in the North Karelia PROVENANCE)."""
    wb = openpyxl.Workbook()
    wb.active.title = "yhteenveto"
    ws = wb.create_sheet("KHK-päästöt")
    years = sorted(totals["year"].unique())
    ws.append([name.upper(), *[str(y) for y in years]])  # year cells are text in Syke's files
    wide = sectors.pivot_table(index="sector", columns="year", values="value", aggfunc="first")
    labels = labels or FI_SECTORS
    for label, sector in zip(labels, FI_SECTORS):
        ws.append([label, *[float(wide.loc[sector, y]) for y in years]])
    t = totals.set_index("year")
    ws.append(["Päästöhyvitykset", *[0.0 for _ in years]])
    ws.append(["kokonaispäästöt, ktCO2e", *[float(t.loc[y, "total_kt"]) for y in years]])
    ws.append(["per asukas, tCO2e", *[float(t.loc[y, "per_capita_t"]) for y in years]])
    ws.append(["asukasluku", *[int(t.loc[y, "population"]) for y in years]])
    ws.append([])
    ws.append([method])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def joensuu_2026(recorded_dir):
    base = recorded_dir / "syke-alas-north-karelia-municipalities"
    totals = read_hinku_totals(base / "north_karelia_emissions_totals.csv")
    sectors = read_hinku_sectors(base / "north_karelia_emissions_by_sector_long.csv")
    sectors = sectors[sectors["code"] == "167"].copy()
    sectors["sector"] = sectors["indicator"].str.removeprefix("ghg_hinku_sector_").str.removesuffix("_kt").map(
        {slug: fi for fi, slug in zip(FI_SECTORS, ITEMS[:13])})
    return sectors, totals[totals["code"] == "167"]


def test_finnish_khk_sheet(tmp_path, joensuu_2026):
    sectors, totals = joensuu_2026
    table = read_syke_area_workbook(_khk_workbook(tmp_path / "ALas_Joensuu.xlsx", "Joensuu", sectors, totals))
    assert (table.method, table.language, table.sheet) == ("hinku", "fi", "KHK-päästöt")
    assert table.values["area"].iloc[0] == "JOENSUU"
    wide = table.wide().set_index("year")
    t = totals.set_index("year")
    assert (wide["total"] == t["total_kt"]).all() and (wide["population"] == t["population"]).all()
    assert wide.loc[2024, "total"] == 275.4 and wide.loc[2007, "total"] == 574.9


def test_method_is_read_not_assumed(tmp_path, joensuu_2026):
    sectors, totals = joensuu_2026
    path = _khk_workbook(tmp_path / "all.xlsx", "Joensuu", sectors, totals, method="Kaikki ALas-päästöt")
    table = read_syke_area_workbook(path)
    assert table.method == "alas_total"
    with pytest.raises(DataFileError, match="not Hinku without credits"):
        table_rows(table, lambda n: pd.Series("167", index=n.index), "municipality", "x", "2026")
    path = _khk_workbook(tmp_path / "odd.xlsx", "Joensuu", sectors, totals, method="Hinku-laskenta jollain muulla tavalla")
    with pytest.raises(DataFileError, match="method"):
        read_syke_area_workbook(path)


def test_wrong_sector_row_names_file_sheet_row(tmp_path, joensuu_2026):
    sectors, totals = joensuu_2026
    labels = list(FI_SECTORS)
    labels[2], labels[3] = labels[3], labels[2]  # swapped rows
    path = _khk_workbook(tmp_path / "swapped.xlsx", "Joensuu", sectors, totals, labels=labels)
    with pytest.raises(DataFileError) as err:
        read_syke_area_workbook(path)
    text = str(err.value)
    assert "swapped.xlsx" in text and "KHK-päästöt" in text and "row 4" in text and "Öljylämmitys" in text


def _edit(src: Path, dst: Path, cell: str, value) -> Path:
    wb = openpyxl.load_workbook(src)
    wb.worksheets[0][cell] = value
    wb.save(dst)
    return dst


def test_total_disagreeing_with_sectors_is_an_error(recorded_dir, tmp_path):
    path = _edit(recorded_dir / f"{REGIONS}/Kainuu.xlsx", tmp_path / "Kainuu.xlsx", "C6", "999,9")  # district heat 2005
    with pytest.raises(DataFileError, match=r"total .* differs from the sum of sectors"):
        read_syke_area_workbook(path)


def test_bad_year_and_bad_number(recorded_dir, tmp_path):
    path = _edit(recorded_dir / f"{REGIONS}/Kainuu.xlsx", tmp_path / "year.xlsx", "D3", "20x6")
    with pytest.raises(DataFileError, match="not a year") as err:
        read_syke_area_workbook(path)
    assert "row 3" in str(err.value) and "column 'D'" in str(err.value)
    path = _edit(recorded_dir / f"{REGIONS}/Kainuu.xlsx", tmp_path / "num.xlsx", "E8", "n/a")
    with pytest.raises(DataFileError, match="not a number"):
        read_syke_area_workbook(path)


def test_per_resident_disagreement_is_reported_not_recomputed(recorded_dir, tmp_path):
    path = _edit(recorded_dir / f"{REGIONS}/Kainuu.xlsx", tmp_path / "pc.xlsx", "B19", "12,0")  # 1990 per person
    table = read_syke_area_workbook(path)
    assert len(table.flags) == 1 and table.flags[0]["year"] == 1990 and table.flags[0]["row"] == 19
    assert table.wide().set_index("year").loc[1990, "per_capita"] == 12.0  # the file's value is kept


def test_stacked_block_of_wrong_length_and_not_a_workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["City", "Region", "Hinku calculation without emission credits", 2021, 2022])
    ws.append(["Lahti", "Päijät-Häme", "Electricity", 1.0, 1.0])
    wb.save(tmp_path / "short.xlsx")
    with pytest.raises(DataFileError, match="has 1 rows, the layout has 17"):
        read_syke_stacked_workbook(tmp_path / "short.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"\x00\x01junk")
    with pytest.raises(DataFileError, match="cannot be opened as an Excel workbook"):
        read_syke_stacked_workbook(tmp_path / "junk.xlsx")


def test_two_files_of_one_release_must_agree():
    english = pd.DataFrame({"code": ["18"], "year": [2022], "item": ["total"], "value": [575.4]})
    assert check_same_release(english, english.copy(), Path("sv.xlsx")) == 1
    with pytest.raises(DataFileError, match="two files of the same release disagree"):
        check_same_release(english, english.assign(value=575.5), Path("sv.xlsx"))


def test_unknown_municipality_name_is_an_error(tmp_path, monkeypatch, recorded_dir):
    from rvanalytics import panel as panel_module

    table = read_syke_stacked_workbook(recorded_dir / STACKED)
    table.values.loc[table.values["area"] == "Lahti", "area"] = "Lahtti"
    from rvanalytics.key import name_index

    with pytest.raises(DataFileError, match="'Lahtti' is not in the 2024 municipality key") as err:
        panel_module._codes(table.values["area"], name_index(2024), table, "the 2024 municipality key")
    assert "row" in str(err.value)


# ------------------------------------------------------------------ releases in the panel

def test_one_series_never_mixes_releases(build):
    series = select_series(build.panel)
    hinku = series[series["indicator"].str.startswith("ghg_hinku_") & (series["level"] == "municipality")]
    per_series = hinku.groupby(["code", "indicator"])["release"].nunique()
    assert (per_series == 1).all()
    releases = hinku.groupby("code")["release"].first()
    assert releases["167"] == "2026" and releases["091"] == "2024" and releases["090"] == "2026"
    joensuu = hinku[(hinku["code"] == "167") & (hinku["indicator"] == "ghg_hinku_total_kt")].set_index("year")
    assert joensuu.loc[2007, "value"] == 574.9 and joensuu.loc[2024, "value"] == 275.4  # docs/metrics.md
    assert joensuu["preliminary"].sum() == 1 and bool(joensuu.loc[2024, "preliminary"])


def test_comparison_uses_one_release_for_every_level(build, stacked):
    view = comparison_view(build.panel)
    pc = view[view["indicator"] == "ghg_hinku_per_capita_t"]
    assert set(pc["release"]) == {"2024"}
    assert pc.loc[pc["level"] == "municipality", "code"].nunique() == 59
    assert set(pc["level"]) == {"municipality", "region", "country"}
    joensuu = pc[(pc["code"] == "167") & (pc["year"] == 2022)]
    source = stacked.wide().set_index(["area", "year"]).loc[("Joensuu", 2022)]
    assert np.isclose(joensuu["value"].item(), source["total"] * 1000 / source["population"])
    assert abs(joensuu["value"].item() - source["per_capita"]) <= 0.05 + 0.05 * 1000 / source["population"]


def test_data_inspect_reads_syke_tables(recorded_dir, tmp_path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["data", "inspect", str(recorded_dir / STACKED)])
    assert result.exit_code == 0, result.output
    assert "kind: syke_stacked" in result.output and "method: Hinku calculation without emission credits (hinku)" \
        in result.output
    assert "total: 1121 rows, 59 areas, years 1990–2022" in result.output
    edited = _edit(recorded_dir / f"{REGIONS}/Kainuu.xlsx", tmp_path / "pc.xlsx", "B19", "12,0")
    result = runner.invoke(app, ["data", "inspect", str(edited)])
    assert "flagged_rows: 1" in result.output and "per resident 12.0 t differs" in result.output
