"""CSV files saved from the PxWeb web interface (pxdata.stat.fi).

``;`` separator, UTF-8 with BOM or Windows-1252, the area either as code and name in one
field (``"091 Helsinki"``, ``"KU091 Helsinki"``) or as a name only, resolved through that
year's municipality key (Finnish, Swedish or English names, and the bilingual form
``Maarianhamina - Mariehamn``). Unmatched names are an error listing them, never dropped.
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

__all__ = ["read_pxweb_csv", "resolve_area_names"]

_CODE_NAME = re.compile(r"^\s*(?:KU)?(\d{3})\s+(.+?)\s*$")
_TOTAL_NAMES = {"koko maa", "hela landet", "whole country", "sss"}


def resolve_area_names(names: pd.Series, year: int, path: str | Path, *, column: str,
                       keys: MunicipalityKeys | None = None) -> pd.Series:
    """Municipality codes for names of ``year``'s key; :class:`DataFileError` listing all unmatched names."""
    index = keys_or_default(keys).name_index(year)
    cleaned = names.astype("string").str.strip()
    codes = cleaned.str.casefold().map(index)
    if codes.isna().any():
        unknown = sorted(set(cleaned[codes.isna()].dropna()))
        pos = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise DataFileError(path, f"{len(unknown)} area name(s) not in the {year} municipality key: {unknown}",
                            "check the file's division year (year=), or write the area as '091 Helsinki'",
                            row=pos + 2, column=column)
    return codes.astype("str")


def read_pxweb_csv(path: str | Path, *, year: int | None = None, keys: MunicipalityKeys | None = None,
                   value_columns: list[str] | None = None,
                   ) -> pd.DataFrame:
    """Read a PxWeb web-interface CSV into a long table.

    Parameters
    ----------
    path : path
    year : int, optional
        Division year of the area names (needed when the areas are names only; the
        2021 11re download uses the 2025 division). Default: the latest key year.
    value_columns : list of str, optional
        Numeric columns; default: every column after the area column whose cells are
        numbers or markers.

    Returns
    -------
    DataFrame
        ``level, code, area, <other label columns…>, variable, value, status`` — one row per
        area and value column; ``level`` "municipality", "region" (MK##), "subregion" or "country".
    """
    from rvanalytics.pxweb import parse_area_code

    path = Path(path)
    text, encoding = read_text(path)
    first = text.splitlines()[0] if text.strip() else ""
    if ";" not in first:
        raise DataFileError(path, "no ';' separator in the header line", "save the table from PxWeb as "
                            "'CSV (semicolon separated)'", row=1)
    raw = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the table again")
    area_col = raw.columns[0]
    from rvanalytics.readers.generic import find_area_column

    found = find_area_column(raw, keys=keys)
    if found is not None and found.column != area_col:  # years or categories before the area column
        area_col = found.column
    areas = raw[area_col].str.strip()
    match = areas.str.extract(_CODE_NAME)
    parsed_prefixed = areas.map(parse_area_code)
    levels = pd.Series("municipality", index=raw.index, dtype="str")
    codes = pd.Series(pd.NA, index=raw.index, dtype="string")
    has_code = match[0].notna()
    codes[has_code] = match.loc[has_code, 0]
    prefixed = parsed_prefixed.map(lambda t: t[0] in {"region", "subregion", "country"})
    first_token = areas.str.split().str[0].fillna("")
    token_level = first_token.map(parse_area_code)
    token_is_other = token_level.map(lambda t: t[0] in {"region", "subregion", "country"})
    for mask, parsed in ((prefixed, parsed_prefixed), (token_is_other & ~has_code, token_level)):
        levels[mask.to_numpy()] = parsed[mask].map(lambda t: t[0]).astype(str)
        codes[mask.to_numpy()] = parsed[mask].map(lambda t: t[1]).astype(str)
    total = areas.str.casefold().isin(_TOTAL_NAMES)
    levels[total.to_numpy()] = "country"
    codes[total.to_numpy()] = "SSS"
    if found is not None and found.column == area_col:  # integer codes (91); names are checked against `year` below
        is_code = areas.str.match(r"^\s*(?:KU|MK)?\d", case=False).fillna(False)
        hit = pd.Series([bool(lv) for lv in found.levels], index=raw.index) & codes.isna() & is_code
        codes[hit.to_numpy()] = [c for c, h in zip(found.codes, hit) if h]
        levels[hit.to_numpy()] = [lv for lv, h in zip(found.levels, hit) if h]
    need_names = codes.isna()
    if need_names.any():
        use_year = year if year is not None else max(keys_or_default(keys).years())
        codes[need_names] = resolve_area_names(areas[need_names], use_year, path, column=area_col, keys=keys)
    label_cols = []
    candidates = value_columns or []
    if not value_columns:
        for col in [c for c in raw.columns if c != area_col]:
            try:
                parse_numbers(raw[col], path, col, decimal="auto")
                candidates.append(col)
            except DataFileError:
                label_cols.append(col)
    else:
        label_cols = [c for c in raw.columns if c != area_col and c not in value_columns]
    if not candidates:
        raise DataFileError(path, "no numeric column found", "the file should have numbers after the area and label columns")
    parts = []
    for col in candidates:
        value, status = parse_numbers(raw[col], path, col, decimal="auto")
        part = pd.DataFrame({"level": levels, "code": codes.astype(str), "area": areas})
        for lab in label_cols:
            part[lab] = raw[lab]
        part["variable"] = col
        part["value"] = value
        part["status"] = status.replace("missing", "..")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    dup = out.duplicated(["level", "code", *label_cols, "variable"], keep="first")
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0]) % len(raw)
        raise DataFileError(path, f"area {areas.iloc[pos]!r} appears more than once", "keep one row per area",
                            row=pos + 2, column=area_col)
    out.attrs["encoding"] = encoding
    out.attrs["area_column"] = area_col
    return out
