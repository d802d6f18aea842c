"""Analysts' own indicator tables (CSV or Excel) in the tidy schema.

Columns: ``code`` (municipality code, "091" or 91), ``year`` (int), ``indicator`` (id:
lower-case letters, digits and ``_``), ``value`` (number, empty, or a statistical
marker such as ``..``), ``unit``; optional ``source``. CSV may be comma- or
semicolon-separated (a ``;`` file may use decimal commas), UTF-8 or Windows-1252.

Validation (equivalent to a pandera schema, with messages naming file, row and column):
missing or renamed columns, non-numeric values, decimal commas in a comma-separated file,
unknown municipality codes, one indicator in two units (or a unit other than the
catalogue's), and duplicated rows with different values are errors; exact duplicate rows
are flagged and kept once.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import Flags, check_file, pad_codes, parse_numbers, read_text, row_list

__all__ = ["OPTIONAL_COLUMNS", "TIDY_COLUMNS", "read_user_table"]

TIDY_COLUMNS = ("code", "year", "indicator", "value", "unit")
OPTIONAL_COLUMNS = ("source", "status")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _read_raw(path: Path) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        check_file(path)
        try:
            raw = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as err:  # noqa: BLE001 - openpyxl raises many types for broken files
            raise DataFileError(path, f"cannot be read as an Excel workbook ({type(err).__name__}: {err})",
                                "save it again from Excel as .xlsx, or as CSV") from None
        return raw, "."
    text, _ = read_text(path)
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as CSV ({err})", "check the quoting and the separator") from None
    # A ';' file may use decimal commas or points; each column is checked (never 41.5 -> 415).
    return raw, "auto" if sep == ";" else "."


def read_user_table(path: str | Path, *, division_year: int | None = None, keys: MunicipalityKeys | None = None,
                    flags: Flags | None = None) -> pd.DataFrame:
    """Read and validate an analyst's tidy indicator table.

    Parameters
    ----------
    path : path
        CSV or Excel file.
    division_year : int, optional
        The division the codes must belong to (default: codes of any key year are accepted).
    flags : Flags, optional
        Collects the rows that were flagged (exact duplicates).

    Returns
    -------
    DataFrame
        Panel rows ``level, code, year, indicator, value, unit, source, status``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "waste.csv"
    >>> _ = p.write_text("code,year,indicator,value,unit\\n91,2023,household_waste_recycling_rate_pct,..,%\\n")
    >>> read_user_table(p)[["code", "value", "status"]].to_dict("records")
    [{'code': '091', 'value': nan, 'status': '..'}]
    """
    from rvanalytics.indicators import indicator_catalogue

    path = Path(path)
    flags = flags if flags is not None else Flags()
    raw, decimal = _read_raw(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in TIDY_COLUMNS if c not in raw.columns]
    if missing:
        col = missing[0]
        extra = [c for c in raw.columns if c not in TIDY_COLUMNS + OPTIONAL_COLUMNS]
        close = difflib.get_close_matches(col, extra, n=1, cutoff=0.4)
        hint = f" (is {close[0]!r} the renamed {col!r}?)" if close else ""
        raise DataFileError(path, f"column {col!r} is missing{hint}; found {list(raw.columns)}",
                            "the tidy schema is " + ", ".join(TIDY_COLUMNS) + " (+ optional source)", column=col)
    if raw.empty:
        raise DataFileError(path, "the table has a header but no rows", "add rows or leave the file out")
    codes = pad_codes(raw["code"], path, "code")
    years, _ = parse_numbers(raw["year"], path, "year")
    if years.isna().any() or (years % 1 != 0).any():
        pos = int(np.flatnonzero((years.isna() | (years % 1 != 0)).to_numpy())[0])
        raise DataFileError(path, f"year {raw['year'].iloc[pos]!r} is not a whole year", "write the year as e.g. 2023",
                            row=pos + 2, column="year")
    indicator = raw["indicator"].str.strip()
    bad_id = ~indicator.str.fullmatch(_ID)
    if bad_id.any():
        pos = int(np.flatnonzero(bad_id.to_numpy())[0])
        raise DataFileError(path, f"indicator id {indicator.iloc[pos]!r} is not a valid id",
                            "use lower-case letters, digits and _ (e.g. household_waste_recycling_rate_pct)",
                            row=pos + 2, column="indicator")
    value, status = parse_numbers(raw["value"], path, "value", decimal=decimal)
    unit = raw["unit"].str.strip()
    no_unit = unit == ""
    if no_unit.any():
        pos = int(np.flatnonzero(no_unit.to_numpy())[0])
        raise DataFileError(path, "the unit is empty", "give every row a unit (e.g. %, t, kt CO2e)", row=pos + 2, column="unit")
    units_per = unit.groupby(indicator).unique()
    for ind, units in units_per.items():
        if len(units) > 1:
            pos = int(np.flatnonzero(((indicator == ind) & (unit == units[1])).to_numpy())[0])
            raise DataFileError(path, f"indicator {ind!r} has several units {sorted(units)}",
                                "use one unit per indicator (convert the values)", row=pos + 2, column="unit")
    catalogue = indicator_catalogue()
    for ind, units in units_per.items():
        if ind in catalogue.index and catalogue.loc[ind, "unit"] != units[0]:
            pos = int(np.flatnonzero((indicator == ind).to_numpy())[0])
            raise DataFileError(path, f"indicator {ind!r} is in {units[0]!r} but the catalogue's unit is "
                                f"{catalogue.loc[ind, 'unit']!r}", "convert the values, or use a new indicator id",
                                row=pos + 2, column="unit")
    if division_year is not None:
        known = set(keys_or_default(keys).key(division_year)["code"])
        where = f"the {division_year} division"
    else:
        all_keys = keys_or_default(keys)
        known = set().union(*(set(all_keys.key(y)["code"]) for y in all_keys.years()))
        where = "any municipal division 2013–2026"
    unknown = ~codes.isin(known)
    if unknown.any():
        pos = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataFileError(path, f"{int(unknown.sum())} row(s) with codes not in {where}: "
                            f"{sorted(set(codes[unknown]))[:10]}", "use Statistics Finland's municipality codes",
                            row=pos + 2, column="code")
    source = raw["source"].str.strip().replace("", f"user:{path.name}") if "source" in raw.columns \
        else pd.Series(f"user:{path.name}", index=raw.index)
    out = pd.DataFrame({"level": "municipality", "code": codes, "year": years.astype("int64"),
                        "indicator": indicator.astype(str), "value": value, "unit": unit.astype(str),
                        "source": source.astype(str), "status": status.replace("missing", "..").astype(str)})
    keys = ["code", "year", "indicator"]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        groups = out[dup].groupby(keys)
        for key_values, group in groups:
            vals = group["value"]
            same = vals.isna().all() or (vals.nunique(dropna=False) == 1)
            if not same:
                rows = [int(i) + 2 for i in group.index]
                raise DataFileError(path, f"{row_list(rows)} give different values for {dict(zip(keys, key_values))}",
                                    "keep one row per code, year and indicator", row=rows[1], column="value")
            for idx in group.index[1:]:
                flags.add(path, int(idx) + 2, "exact duplicate of an earlier row; kept once", "code")
        out = out.drop_duplicates(keys, keep="first")
    return out.reset_index(drop=True)
