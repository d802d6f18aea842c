"""StatFin PxWeb "CSV with heading" downloads: buildings by heating fuel (116h), by completion year (116g), population (11re).

The files as saved from the PxWeb web interface (pxnet2.stat.fi, 2020): Windows-1252 (or UTF-8),
line 1 the quoted table title, line 2 empty, line 3 the header; comma separator; the area is a
municipality **name only**, resolved to a code through the municipality key of the file's division
year (``year=``; the 2019 tables use the 1.1.2020 division). ``KOKO MAA`` is the whole country
(code ``SSS``). Readers do I/O and checks only; the indicators are derived in
:mod:`rvanalytics.resource_panel`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import parse_numbers, read_text
from rvanalytics.readers.pxweb_csv import resolve_area_names

__all__ = [
    "BUILDING_USES",
    "COMPLETION_PERIODS",
    "HEATING_FUELS",
    "fast_numbers",
    "read_floor_area_by_completion_year",
    "read_floor_area_by_fuel",
    "read_population_by_sex",
    "read_statfin_heading_csv",
]

#: 116h ``Rakennuksen lämmitysaine`` label -> slug (``total`` is the ``Yhteensä`` row).
HEATING_FUELS: dict[str, str] = {
    "Yhteensä": "total",
    "Kauko- tai aluelämpö": "district_heat",
    "Öljy, kaasu": "oil_gas",
    "Sähkö": "electricity",
    "Kivihiili": "coal",
    "Puu, turve": "wood_peat",
    "Maalämpö": "ground_heat",
    "Muu, tuntematon": "other_unknown",
}

#: Building-use classes of 116h/116g (the part of the column label after the content name).
BUILDING_USES: dict[str, str] = {
    "Yhteensä": "total",
    "Erilliset pientalot": "detached_houses",
    "Rivi- ja ketjutalot": "terraced_houses",
    "Asuinkerrostalot": "blocks_of_flats",
    "Liikerakennukset": "commercial",
    "Toimistorakennukset": "offices",
    "Liikenteen rakennukset": "transport",
    "Hoitoalan rakennukset": "care",
    "Kokoontumisrakennukset": "assembly",
    "Opetusrakennukset": "education",
    "Teollisuusrakennukset": "industrial",
    "Varastorakennukset": "warehouses",
    "Muut rakennukset": "other",
}

#: 116g ``Valmistumisvuosi`` classes in order.
COMPLETION_PERIODS: tuple[str, ...] = ("- 1920", "1921 - 1939", "1940 - 1959", "1960 - 1969", "1970 - 1979",
                                       "1980 - 1989", "1990 - 1999", "2000 - 2009", "2010 -", "Tuntematon")

_FLOOR_AREA = "Rakennuksen kerrosala (m2)"
_COUNTRY = {"koko maa", "hela landet", "whole country"}
_YEAR_POP = re.compile(r"^(\d{4}) Väestö 31\.12\.$")


def read_statfin_heading_csv(path: str | Path) -> tuple[str, pd.DataFrame]:
    """Title and table of a PxWeb "CSV with heading" download (title line, blank line, header).

    All cells are returned as text; a :class:`DataFileError` for a file without the title
    block (e.g. saved as plain CSV) or without data rows.
    """
    path = Path(path)
    text, _ = read_text(path)
    lines = text.splitlines()
    if len(lines) < 3 or lines[1].strip() or "," not in lines[2]:
        raise DataFileError(path, "not a PxWeb 'CSV with heading' download (expected the table title on line 1, "
                            "an empty line 2 and the header on line 3)",
                            "save the table from PxWeb as 'Comma delimited with heading' (CSV with heading)", row=1)
    title = next(csv.reader([lines[0]]))[0].strip() if lines[0].strip() else ""
    raw = pd.read_csv(io.StringIO("\n".join(lines[2:])), dtype=str, keep_default_na=False)
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the table again", row=3)
    return title, raw


def _require(raw: pd.DataFrame, columns: list[str], path: Path, what: str) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataFileError(path, f"column {missing[0]!r} is missing (found: {', '.join(raw.columns)})",
                            f"download {what} again with the default labels (Finnish)", row=3, column=missing[0])


def _areas(raw: pd.DataFrame, column: str, year: int, path: Path,
           keys: MunicipalityKeys | None) -> tuple[pd.Series, pd.Series]:
    """(level, code) of the area names; whole country -> ("country", "SSS"); unknown names are an error."""
    names = raw[column].str.strip()
    country = names.str.casefold().isin(_COUNTRY)
    codes = pd.Series("SSS", index=raw.index, dtype="str")
    if (~country).any():
        # resolve_area_names reports rows 2-based from its own index; give it file rows (header on line 3).
        muni = names[~country]
        try:
            codes[~country] = resolve_area_names(muni, year, path, column=column, keys=keys).to_numpy()
        except DataFileError as err:
            unknown_pos = int(np.flatnonzero(~muni.str.casefold().isin(_name_set(year, keys)).to_numpy())[0])
            raise DataFileError(path, err.problem, f"the file's areas must be municipalities of {year} (key "
                                f"{year}); check that the table was saved on the {year} division or pass year=",
                                row=int(muni.index[unknown_pos]) + 4, column=column) from None
    levels = pd.Series(np.where(country, "country", "municipality"), index=raw.index, dtype="str")
    return levels, codes


def _name_set(year: int, keys: MunicipalityKeys | None) -> set[str]:
    return set(keys_or_default(keys).name_index(year))


def fast_numbers(values: pd.Series, path: str | Path, column: str, *, first_row: int = 2) -> tuple[pd.Series, pd.Series]:
    """:func:`rvanalytics.readers._common.parse_numbers`, with a fast path for a column of plain numbers.

    When every cell is a plain number the column is converted in one step; otherwise (markers,
    blanks, decimal commas, text) the full checks run and give their errors and statuses.
    """
    try:
        value = pd.to_numeric(values.to_numpy(dtype=object), errors="raise")
    except (ValueError, TypeError):
        return parse_numbers(values, path, column, first_row=first_row)
    value = pd.Series(value, index=values.index, dtype="float64")
    if value.isna().any():
        return parse_numbers(values, path, column, first_row=first_row)
    return value, pd.Series("", index=values.index, dtype="str")


def _numbers(raw: pd.DataFrame, columns: list[str], path: Path) -> pd.DataFrame:
    out = {}
    for col in columns:
        value, status = fast_numbers(raw[col], path, col, first_row=4)
        if (status != "").any():
            pos = int(np.flatnonzero((status != "").to_numpy())[0])
            raise DataFileError(path, f"{raw[col].iloc[pos]!r} where a floor area is expected",
                                "these tables have no missing values; download the table again", row=pos + 4, column=col)
        out[col] = value
    return pd.DataFrame(out, index=raw.index)


def _use_columns(raw: pd.DataFrame, path: Path, *, with_total: bool) -> dict[str, str]:
    """Column label -> use slug for the floor-area columns."""
    mapping: dict[str, str] = {}
    for col in raw.columns:
        if col.startswith(_FLOOR_AREA):
            use = col[len(_FLOOR_AREA):].strip()
            if use not in BUILDING_USES:
                raise DataFileError(path, f"unknown building-use class {use!r} in column {col!r}",
                                    f"the reader knows {', '.join(BUILDING_USES)}; a newer table may have new classes",
                                    row=3, column=col)
            mapping[col] = BUILDING_USES[use]
    expected = [u for u in BUILDING_USES.values() if with_total or u != "total"]
    missing = [u for u in expected if u not in mapping.values()]
    if missing:
        label = next(k for k, v in BUILDING_USES.items() if v == missing[0])
        raise DataFileError(path, f"column {_FLOOR_AREA + ' ' + label!r} is missing",
                            "download the table with every building-use class and the floor-area content", row=3,
                            column=f"{_FLOOR_AREA} {label}")
    return mapping


def _tolerance(n_parts: int | np.ndarray) -> np.ndarray:
    # Each published cell is rounded to 1 m²: a sum of n rounded cells may be off by n/2 m².
    return np.asarray(n_parts, dtype="float64") * 0.5 + 1e-9


def _category_table(path: Path, category_col: str, known, what: str, key: str, *, with_total: bool, year: int,
                    keys: MunicipalityKeys | None, table_name: str) -> tuple[pd.DataFrame, pd.Series]:
    """The shared layout of 116h and 116g: area × one category (fuel, completion class) × building uses.

    Returns the wide table (``level, code, area, year, <key>`` as written, use columns) and the
    category column as written; unknown categories and a repeated area × category are errors.
    """
    _, raw = read_statfin_heading_csv(path)
    area_col, year_col = "Alue", "Vuosi"
    _require(raw, [category_col, area_col, year_col], path, table_name)
    uses = _use_columns(raw, path, with_total=with_total)
    categories = raw[category_col].str.strip()
    unknown = ~categories.isin(list(known))
    if unknown.any():
        pos = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataFileError(path, f"unknown {what} {categories.iloc[pos]!r}",
                            f"the reader knows {', '.join(known)}", row=pos + 4, column=category_col)
    levels, codes = _areas(raw, area_col, year, path, keys)
    values = _numbers(raw, list(uses), path).rename(columns=uses)
    stat_year, _ = parse_numbers(raw[year_col], path, year_col, first_row=4)
    table = pd.concat([pd.DataFrame({"level": levels, "code": codes, "area": raw[area_col].str.strip(),
                                     "year": stat_year.astype("int64"), key: categories}), values], axis=1)
    dup = table.duplicated(["level", "code", key])
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFileError(path, f"area {table['area'].iloc[pos]!r} has the {what} {categories.iloc[pos]!r} twice",
                            f"keep one row per area and {what}", row=pos + 4, column=area_col)
    return table, categories


def read_floor_area_by_fuel(path: str | Path, *, year: int = 2020, keys: MunicipalityKeys | None = None) -> pd.DataFrame:
    """Floor area by main heating fuel × building use (StatFin table 116h).

    Parameters
    ----------
    path : path
        The "CSV with heading" download (``006_116h_2019.csv``).
    year : int
        Division year of the area names (the 2019 table uses the 1.1.2020 division).

    Returns
    -------
    DataFrame
        Wide: ``level`` ("municipality"/"country"), ``code``, ``area``, ``year`` (statistical year),
        ``fuel`` (slug of :data:`HEATING_FUELS`, incl. ``total``), then one float column per use slug
        of :data:`BUILDING_USES` (m², incl. ``total``). One row per area and fuel.

    Raises
    ------
    DataFileError
        Unknown area names (not in the key of ``year``), unknown fuel or use classes, a fuel
        breakdown that does not add up to the ``Yhteensä`` row or use columns that do not add up
        to the total column (beyond the rounding of the published cells), a missing fuel row.
    """
    path = Path(path)
    fuel_col = "Rakennuksen lämmitysaine"
    table, fuels = _category_table(path, fuel_col, HEATING_FUELS, "heating fuel", "fuel", with_total=True,
                                   year=year, keys=keys, table_name="table 116h")
    table["fuel"] = fuels.map(HEATING_FUELS).to_numpy()
    use_slugs = [u for u in BUILDING_USES.values() if u != "total"]
    off = (table[use_slugs].sum(axis=1) - table["total"]).abs().to_numpy()
    bad = off > _tolerance(len(use_slugs))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataFileError(path, f"the building-use columns of {table['area'].iloc[pos]!r} ({fuels.iloc[pos]}) add up "
                            f"to {table[use_slugs].iloc[pos].sum():,.0f} m², not the total {table['total'].iloc[pos]:,.0f} m²",
                            "download the table again with all building-use classes", row=pos + 4, column=
                            f"{_FLOOR_AREA} Yhteensä")
    _check_fuel_breakdown(table, path, fuel_col)
    return table.reset_index(drop=True)


def _check_fuel_breakdown(table: pd.DataFrame, path: Path, fuel_col: str) -> None:
    """Every area has every fuel, and the fuel rows add up to the ``Yhteensä`` row for every use."""
    counts = table.groupby(["level", "code"], sort=False)["fuel"].nunique()
    short = counts[counts < len(HEATING_FUELS)]
    if not short.empty:
        level, code = short.index[0]
        part = table[(table["level"] == level) & (table["code"] == code)]
        missing = [k for k, v in HEATING_FUELS.items() if v not in set(part["fuel"])]
        raise DataFileError(path, f"area {part['area'].iloc[0]!r} has no row for the heating fuel(s) {missing}",
                            "download the table with every heating fuel (incl. Yhteensä)",
                            row=int(part.index[0]) + 4, column=fuel_col)
    uses = list(BUILDING_USES.values())
    parts = table[table["fuel"] != "total"].groupby(["level", "code"], sort=False)[uses].sum()
    totals = table[table["fuel"] == "total"].set_index(["level", "code"])[uses]
    diff = (parts.reindex(totals.index) - totals).abs()
    bad = diff.gt(_tolerance(len(HEATING_FUELS) - 1)).any(axis=1)
    if bad.any():
        level, code = bad[bad].index[0]
        col = diff.loc[(level, code)].idxmax()
        row = table[(table["level"] == level) & (table["code"] == code) & (table["fuel"] == "total")]
        label = next(k for k, v in BUILDING_USES.items() if v == col)
        raise DataFileError(path, f"the heating fuels of {row['area'].iloc[0]!r} add up to "
                            f"{parts.loc[(level, code), col]:,.0f} m² of {label}, but the 'Yhteensä' row says "
                            f"{totals.loc[(level, code), col]:,.0f} m² (beyond the rounding of the cells)",
                            "download the table again with every heating fuel; a fuel row is missing or edited",
                            row=int(row.index[0]) + 4, column=f"{_FLOOR_AREA} {label}")


def read_floor_area_by_completion_year(path: str | Path, *, year: int = 2020, keys: MunicipalityKeys | None = None) -> pd.DataFrame:
    """Floor area by completion-year class × building use (StatFin table 116g).

    Returns
    -------
    DataFrame
        Wide: ``level``, ``code``, ``area``, ``year``, ``period`` (a label of
        :data:`COMPLETION_PERIODS`), then one float column per use slug (m²; the table has no total
        column, so ``total`` is their sum). Unknown names or periods are a :class:`DataFileError`.
    """
    path = Path(path)
    period_col = "Valmistumisvuosi"
    table, _ = _category_table(path, period_col, COMPLETION_PERIODS, "completion-year class", "period",
                               with_total=False, year=year, keys=keys, table_name="table 116g")
    table["total"] = table[[u for u in BUILDING_USES.values() if u in table.columns and u != "total"]].sum(axis=1)
    counts = table.groupby(["level", "code"], sort=False)["period"].nunique()
    short = counts[counts < len(COMPLETION_PERIODS)]
    if not short.empty:
        part = table[(table["level"] == short.index[0][0]) & (table["code"] == short.index[0][1])]
        missing = [p for p in COMPLETION_PERIODS if p not in set(part["period"])]
        raise DataFileError(path, f"area {part['area'].iloc[0]!r} has no row for the class(es) {missing}",
                            "download the table with every completion-year class", row=int(part.index[0]) + 4,
                            column=period_col)
    return table.reset_index(drop=True)


def read_population_by_sex(path: str | Path, *, year: int = 2020, keys: MunicipalityKeys | None = None) -> pd.DataFrame:
    """Population 31.12. by year from an 11re "CSV with heading" download with men and women as rows.

    Returns
    -------
    DataFrame
        ``level``, ``code``, ``area``, ``year``, ``population`` (men + women), ``men``, ``women``:
        one row per area and year (the wide ``"2019 Väestö 31.12."`` columns made long).
        An area without both sexes is a :class:`DataFileError` (never half a population).
    """
    path = Path(path)
    _, raw = read_statfin_heading_csv(path)
    area_col, sex_col = "Alue", "Sukupuoli"
    _require(raw, [area_col, sex_col], path, "table 11re")
    year_cols = {c: int(m.group(1)) for c in raw.columns if (m := _YEAR_POP.match(c.strip()))}
    if not year_cols:
        raise DataFileError(path, "no column like '2019 Väestö 31.12.'", "download the table with the years as columns",
                            row=3)
    sexes = raw[sex_col].str.strip()
    known = {"Miehet": "men", "Naiset": "women"}
    if not sexes.isin(known).all():
        pos = int(np.flatnonzero(~sexes.isin(known).to_numpy())[0])
        raise DataFileError(path, f"sex {sexes.iloc[pos]!r}; expected 'Miehet' or 'Naiset'",
                            "download the table with men and women as separate rows", row=pos + 4, column=sex_col)
    levels, codes = _areas(raw, area_col, year, path, keys)
    frames = []
    for col, stat_year in year_cols.items():
        value, status = fast_numbers(raw[col], path, col, first_row=4)
        frames.append(pd.DataFrame({"level": levels, "code": codes, "area": raw[area_col].str.strip(),
                                    "sex": sexes.map(known), "year": stat_year, "value": value, "_row": raw.index + 4}))
    long = pd.concat(frames, ignore_index=True)
    if long.duplicated(["level", "code", "sex", "year"]).any():
        pos = int(np.flatnonzero(long.duplicated(["level", "code", "sex", "year"]).to_numpy())[0])
        raise DataFileError(path, f"area {long['area'].iloc[pos]!r} has {long['sex'].iloc[pos]} twice",
                            "keep one row per area and sex", row=int(long["_row"].iloc[pos]), column=area_col)
    wide = long.set_index(["level", "code", "area", "year", "sex"])["value"].unstack("sex").reset_index()
    for sex in ("men", "women"):
        if sex not in wide.columns:
            wide[sex] = np.nan
    half = wide["men"].isna() | wide["women"].isna()
    if half.any():
        area = wide["area"].iloc[int(np.flatnonzero(half.to_numpy())[0])]
        rows = long.loc[long["area"] == area, "_row"]
        raise DataFileError(path, f"area {area!r} lacks the row (or value) for men or women",
                            "download the table with both sexes for every area", row=int(rows.min()), column=sex_col)
    wide["population"] = wide["men"] + wide["women"]
    wide.columns.name = None
    return wide[["level", "code", "area", "year", "population", "men", "women"]].sort_values(
        ["level", "code", "year"]).reset_index(drop=True)
