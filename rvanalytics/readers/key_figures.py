"""Statistics Finland municipal key figures (Kuntien avainluvut), 2017 release, latest-year table.

Two recorded parts that belong together:

* the table metadata (PxWeb API v1 ``GET …/kuntien_avainluvut_2017_viimeisin.px``): the ``Tiedot``
  variable lists the key-figure codes (``M408`` …) and their labels, which end in the statistical
  year (``"Taajama-aste, %, 2016"``);
* the values (one row per area, one column per key-figure code; ``kunta`` 3-digit or ``maakunta``
  2-digit code, ``nimi_in_dump`` the name as written in the original dump).

A value column whose code is not in the metadata is an error: without metadata there is neither a
label nor a year. Codes are checked against the municipality key of the table's division (1.1.2017).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import Flags, pad_codes, read_text
from rvanalytics.readers.buildings import fast_numbers

__all__ = ["KeyFigureMeta", "read_key_figure_metadata", "read_key_figures_csv"]

_CODE = re.compile(r"^M\d+$")
_LABEL_YEAR = re.compile(r"^(?P<label>.*?),\s*(?P<year>\d{4})\s*$")


@dataclass(frozen=True)
class KeyFigureMeta:
    """Metadata of the key-figure table: code -> label and statistical year; the area variable's division."""

    table: pd.DataFrame  # code, label, year
    division_year: int | None
    path: Path


def read_key_figure_metadata(path: str | Path) -> KeyFigureMeta:
    """Key-figure codes, labels and statistical years from the PxWeb table metadata (``Tiedot``).

    Returns
    -------
    KeyFigureMeta
        ``table`` has ``code``, ``label`` (without the year) and ``year`` (int); ``division_year``
        from the area variable's name (``"Alue 2017"``), None when it carries no year.
    """
    path = Path(path)
    text, _ = read_text(path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFileError(path, f"not valid JSON ({err.msg})", "save the PxWeb metadata response as is",
                            row=err.lineno) from None
    variables = obj.get("variables") if isinstance(obj, dict) else None
    if not variables:
        raise DataFileError(path, "no 'variables' in the JSON: not PxWeb table metadata",
                            "save the response of GET …/kuntien_avainluvut_<release>_viimeisin.px")
    content = next((v for v in variables if v.get("code") == "Tiedot"), None)
    if content is None:
        raise DataFileError(path, "no 'Tiedot' variable (the key-figure codes)", "use the metadata of the key-figure table",
                            column="Tiedot")
    rows = []
    for code, text_ in zip(content.get("values", []), content.get("valueTexts", []), strict=False):
        match = _LABEL_YEAR.match(text_)
        if match is None:
            raise DataFileError(path, f"the label of {code} ({text_!r}) does not end in a year",
                                "use the latest-year table (viimeisin), whose labels carry the year", column="Tiedot")
        rows.append({"code": code, "label": match["label"], "year": int(match["year"])})
    area = next((v for v in variables if str(v.get("code", "")).startswith("Alue")), None)
    division = None
    if area is not None and (m := re.search(r"(\d{4})", str(area.get("code")))):
        division = int(m.group(1))
    return KeyFigureMeta(pd.DataFrame(rows, columns=["code", "label", "year"]), division, path)


def read_key_figures_csv(path: str | Path, meta: KeyFigureMeta, *, level: str = "municipality",
                         year: int | None = None, keys: MunicipalityKeys | None = None,
                         flags: Flags | None = None) -> pd.DataFrame:
    """Key-figure values as a long table.

    Parameters
    ----------
    path : path
        CSV with ``kunta`` (municipalities) or ``maakunta`` (regions), ``nimi_in_dump`` and one
        column per key-figure code.
    meta : KeyFigureMeta
        From :func:`read_key_figure_metadata`.
    level : {"municipality", "region"}
    year : int, optional
        Division year of the codes (default the metadata's, 2017).
    flags : Flags, optional
        Names that do not match the code's name in the key (e.g. the dump's mojibake
        ``Pedersären kunta``) are listed here; the code is kept.

    Returns
    -------
    DataFrame
        ``level``, ``code``, ``name``, ``key_figure`` (M-code), ``label``, ``year`` (statistical
        year from the metadata), ``value``, ``status``.

    Raises
    ------
    DataFileError
        A value column whose code is not in the metadata, a code not in the key of the division
        year, a duplicated code, or a cell that is not a number.
    """
    path = Path(path)
    division = year or meta.division_year
    if division is None:
        raise DataFileError(path, "the division year of the codes is unknown", "pass year= (the table's 'Alue YYYY')")
    text, _ = read_text(path)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    code_col = "kunta" if level == "municipality" else "maakunta"
    if code_col not in raw.columns:
        raise DataFileError(path, f"column {code_col!r} is missing (found: {', '.join(raw.columns)})",
                            f"a {level} key-figure table needs the code column {code_col!r}", row=1, column=code_col)
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "save the table again")
    value_cols = [c for c in raw.columns if _CODE.match(c)]
    other = [c for c in raw.columns if c not in value_cols and c not in {code_col, "nimi_in_dump"}]
    if other:
        raise DataFileError(path, f"column {other[0]!r} is neither a code, a name nor a key-figure code (M…)",
                            "name the value columns by their official key-figure codes", row=1, column=other[0])
    known = set(meta.table["code"])
    unknown = [c for c in value_cols if c not in known]
    if unknown:
        raise DataFileError(path, f"key-figure code(s) {unknown} have no metadata in {meta.path.name} "
                            f"(which lists {len(known)} codes)", "use the metadata of the same release, or remove the column",
                            row=1, column=unknown[0])
    if not value_cols:
        raise DataFileError(path, "no key-figure columns (M…)", "keep the value columns named by their codes", row=1)
    codes = pad_codes(raw[code_col], path, code_col, width=3 if level == "municipality" else 2)
    key = keys_or_default(keys).key(division)
    valid = set(key["code"]) if level == "municipality" else set(key["region_code"])
    bad = ~codes.isin(valid)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"{level} code {codes.iloc[pos]!r} is not in the {division} key "
                            f"({int(bad.sum())} such codes)", f"use codes of the {division} division", row=pos + 2,
                            column=code_col)
    dup = codes.duplicated()
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFileError(path, f"code {codes.iloc[pos]} appears twice", "keep one row per area", row=pos + 2,
                            column=code_col)
    names = raw["nimi_in_dump"].str.strip() if "nimi_in_dump" in raw.columns else pd.Series("", index=raw.index)
    if level == "municipality" and "nimi_in_dump" in raw.columns:
        index = keys_or_default(keys).name_index(division)
        resolved = names.str.casefold().str.removesuffix(" kunta").map(index)
        differs = resolved.notna() & (resolved != codes)
        if differs.any():
            pos = int(np.flatnonzero(differs.to_numpy())[0])
            raise DataFileError(path, f"name {names.iloc[pos]!r} is municipality {resolved.iloc[pos]} in the {division} "
                                f"key, but the row has code {codes.iloc[pos]}", "correct the code or the name",
                                row=pos + 2, column=code_col)
        for pos in np.flatnonzero(resolved.isna().to_numpy()):
            if flags is not None:
                flags.add(path, int(pos) + 2, f"name {names.iloc[pos]!r} is not in the {division} key; "
                                              f"the row's code {codes.iloc[pos]} is used", column="nimi_in_dump")
    years = dict(zip(meta.table["code"], meta.table["year"]))
    labels = dict(zip(meta.table["code"], meta.table["label"]))
    parts = []
    for col in value_cols:
        value, status = fast_numbers(raw[col], path, col)
        parts.append(pd.DataFrame({"level": level, "code": codes, "name": names, "key_figure": col,
                                   "label": labels[col], "year": years[col], "value": value,
                                   "status": status.replace("missing", "..")}))
    return pd.concat(parts, ignore_index=True)
