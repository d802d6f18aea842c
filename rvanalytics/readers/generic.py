"""Tables nobody here wrote: find the area column by its content, the layout by its shape.

People's CSV files name the municipality column anything (``id``, ``KUNTA``, ``kuntanro``,
``Kommun``, ``Alue``…), write the code as an integer (``91``), zero-padded text (``"091"``),
with the PxWeb prefix (``KU091``) or together with the name (``"091 Helsinki"``), or give
only the name (Finnish, Swedish or English). Region (maakunta) columns are ``MK01``, ``"01"``
or region names. Tables with no area at all (national statistics) are reported as such.

:func:`find_area_column` scores every column by the share of its cells that are
municipality or region codes or names of a key year and picks the best;
:func:`read_any_table` also finds a title line above the header, year columns (wide
layout) or a year column (long layout), label columns (categories) and the value columns,
and returns long rows ``level, code, year, indicator, value, status``. Nothing is dropped:
a row whose area cannot be read is an error naming the row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import parse_numbers, read_text

__all__ = ["AreaColumn", "find_area_column", "indicator_summary", "read_any_table", "sniff_table"]

_KU = re.compile(r"^(?:KU)?(\d{1,3})(?:\s+\S.*)?$", re.IGNORECASE)
_MK = re.compile(r"^MK(\d{1,2})(?:\s+\S.*)?$", re.IGNORECASE)
_YEAR = re.compile(r"^(19\d\d|20\d\d|2100)$")
_COUNTRY = {"sss", "koko maa", "hela landet", "whole country", "finland", "suomi", "manner-suomi"}
_NAME_HINTS = ("kunta", "kommun", "municipality", "kuntanro", "kuntakoodi", "knro", "code", "koodi", "id", "alue",
               "area", "region", "maakunta", "landskap")
#: Share of a column's non-empty cells that must be areas for it to be the area column.
MIN_SHARE = 0.8


@dataclass(frozen=True)
class AreaColumn:
    """The column found to hold the areas, how it was read, and how many of its cells matched."""

    column: str
    level: str  # "municipality", "region" or "mixed"
    how: str  # e.g. "3-digit codes", "KU-prefixed codes", "code and name", "names (fi/sv/en)"
    matched: int
    cells: int
    codes: tuple[str, ...]  # per row: the code, "" where not an area
    levels: tuple[str, ...]  # per row: "municipality", "region", "country" or ""

    def describe(self) -> str:
        """One line for ``data inspect``."""
        return (f"{self.column!r}: {self.level} {self.how} ({self.matched} of {self.cells} cells; "
                f"chosen by content, not by name)")


def _known(keys: MunicipalityKeys | None) -> tuple[frozenset[str], dict[str, str], dict[str, str], frozenset[str]]:
    """Municipality codes of any key year, municipality names -> code, region names -> code, region codes
    (built once per keys object)."""
    return keys_or_default(keys).memo("readers.generic.known", _build_known)


def _build_known(keys: MunicipalityKeys) -> tuple[frozenset[str], dict[str, str], dict[str, str], frozenset[str]]:
    years = keys.years()
    codes: set[str] = set()
    names: dict[str, str] = {}
    regions: dict[str, str] = {}
    region_codes: set[str] = set()
    for year in sorted(years, reverse=True):  # the newest names win
        key = keys.key(year)
        codes |= set(key["code"])
        for name, code in keys.name_index(year).items():
            names.setdefault(name, code)
        for col in ("region_name_fi", "region_name_sv", "region_name_en"):
            if col in key.columns:
                for code, name in key[["region_code", col]].drop_duplicates().itertuples(index=False):
                    if isinstance(name, str) and name.strip():
                        regions.setdefault(name.strip().casefold(), str(code))
        region_codes |= set(key["region_code"].astype(str))
    return frozenset(codes), names, regions, frozenset(region_codes)


def _read_cell(text: str, known: tuple, region_column: bool) -> tuple[str, str, str]:
    """(level, code, how) of one cell; level "" when it is not an area."""
    codes, names, regions, region_codes = known
    t = text.strip().strip('"').strip()
    if not t:
        return "", "", ""
    folded = t.casefold()
    if folded in _COUNTRY:
        return "country", "SSS", "country total"
    m = _MK.match(t)
    if m and m.group(1).zfill(2) in region_codes:
        return "region", m.group(1).zfill(2), "MK-prefixed codes"
    m = re.fullmatch(r"\d{1,3}(?:\.0)?", t)
    if m:
        digits = t.removesuffix(".0")
        if region_column and len(digits) <= 2 and digits.zfill(2) in region_codes:
            return "region", digits.zfill(2), "2-digit codes"
        if digits.zfill(3) in codes:
            return "municipality", digits.zfill(3), "codes" if len(digits) == 3 else "integer codes"
        return "", "", ""
    m = _KU.match(t)
    if m and m.group(1).zfill(3) in codes:
        how = "KU-prefixed codes" if t[:2].upper() == "KU" else "code and name"
        return "municipality", m.group(1).zfill(3), how
    if folded in names:
        return "municipality", names[folded], "names (fi/sv/en)"
    if folded in regions:
        return "region", regions[folded], "region names (fi/sv/en)"
    return "", "", ""


def _score(series: pd.Series, known: tuple, name: str) -> AreaColumn | None:
    values = series.astype("string").fillna("").tolist()
    nonempty = [v for v in values if v.strip()]
    if not nonempty:
        return None
    folded_name = str(name).casefold()
    region_column = any(h in folded_name for h in ("maakunta", "region", "landskap", "mk")) or all(
        re.fullmatch(r"\d{2}", v.strip()) for v in nonempty)
    read = [_read_cell(v, known, region_column) for v in values]
    matched = sum(1 for level, _, _ in read if level)
    if matched / len(nonempty) < MIN_SHARE:
        return None
    # A column of small integers (1..n, a category) is only an area column when the codes vary like codes.
    levels = {level for level, _, _ in read if level and level != "country"}
    hows = [how for level, _, how in read if level and level != "country"]
    if not levels:
        if matched == len(nonempty):  # only country totals: a national table with an explicit area column
            levels = {"country"}
            hows = ["country total"]
        else:
            return None
    how = max(set(hows), key=hows.count)
    return AreaColumn(str(name), levels.pop() if len(levels) == 1 else "mixed", how, matched, len(nonempty),
                      tuple(code for _, code, _ in read), tuple(level for level, _, _ in read))


def find_area_column(frame: pd.DataFrame, *, keys: MunicipalityKeys | None = None,
                     exclude: tuple[str, ...] = ()) -> AreaColumn | None:
    """The column whose cells are municipality or region codes or names, whatever its name; None if none is.

    Every column is scored by content (share of cells that are areas of some key year,
    at least :data:`MIN_SHARE`); ties go to the column named like an area column, then
    to the leftmost.

    Examples
    --------
    >>> frame = pd.DataFrame({"Vuosi": [2022, 2022], "KUNTA": [91, 49], "asukkaat": [664028, 305274]})
    >>> find_area_column(frame).describe()
    "'KUNTA': municipality integer codes (2 of 2 cells; chosen by content, not by name)"
    """
    known = _known(keys)
    best: tuple[tuple[float, int, int], AreaColumn] | None = None
    for pos, col in enumerate(frame.columns):
        if col in exclude:
            continue
        series = frame[col]
        if pd.api.types.is_float_dtype(series) and not (series.dropna() % 1 == 0).all():
            continue
        found = _score(series, known, col)
        if found is None:
            continue
        hint = int(any(h in str(col).casefold() for h in _NAME_HINTS))
        rank = (found.matched / found.cells, hint, -pos)
        if best is None or rank > best[0]:
            best = (rank, found)
    return best[1] if best else None


def sniff_table(path: str | Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """Read a delimited text file whatever its separator, title lines and encoding; all cells as text.

    Returns the frame and notes (``separator``, ``encoding``, ``title`` when a title line was skipped,
    ``header_line``).
    """
    path = Path(path)
    text, encoding = read_text(path)
    lines = text.splitlines()
    sample = [ln for ln in lines[:50] if ln.strip()]
    if not sample:
        raise DataFileError(path, "the file is empty", "give a table with a header line and rows")
    seps = {sep: [len(next(csv.reader([ln], delimiter=sep))) for ln in sample] for sep in (";", ",", "\t")}

    def quality(sep: str) -> tuple[int, int]:
        counts = [c for c in seps[sep] if c > 1]
        if not counts:
            return (0, 0)
        mode = max(set(counts), key=counts.count)
        return (counts.count(mode), mode)

    sep = max(seps, key=quality)
    if quality(sep)[0] == 0:
        raise DataFileError(path, "no separator (';', ',' or tab) found: not a table", "save the table as CSV", row=1)
    mode = quality(sep)[1]
    header = next(i for i, ln in enumerate(lines)
                  if ln.strip() and len(next(csv.reader([ln], delimiter=sep))) == mode)
    notes: dict[str, object] = {"separator": sep, "encoding": encoding, "header_line": header + 1}
    title = " ".join(ln.strip().strip('"') for ln in lines[:header] if ln.strip())
    if title:
        notes["title"] = title
    try:
        frame = pd.read_csv(io.StringIO("\n".join(lines[header:])), sep=sep, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as a table ({str(err).splitlines()[0]})",
                            "check the quoting and that every row has the same number of fields") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    # PxWeb appends footnote lines below the table: rows with a text in the first cell only.
    if len(frame.columns) > 1:
        rest = frame.iloc[:, 1:].apply(lambda s: s.str.strip() != "").any(axis=1)
        footer = ~rest & (frame.iloc[:, 0].str.strip() != "")
        trailing = footer[::-1].cummin()[::-1]
        if trailing.any():
            notes["footnotes"] = int(trailing.sum())
            frame = frame[~trailing]
    if frame.empty:
        raise DataFileError(path, "the table has a header but no rows", "add rows")
    return frame, notes


def _numeric(frame: pd.DataFrame, path: Path, first_row: int) -> tuple[dict[str, tuple[pd.Series, pd.Series]], list[str]]:
    values: dict[str, tuple[pd.Series, pd.Series]] = {}
    labels: list[str] = []
    for col in frame.columns:
        try:
            v, s = parse_numbers(frame[col], path, col, decimal="auto", first_row=first_row)
        except DataFileError:
            labels.append(col)
            continue
        if v.notna().any() or (s != "missing").any():
            values[col] = (v, s)
        else:
            labels.append(col)
    return values, labels


def read_any_table(path: str | Path, *, keys: MunicipalityKeys | None = None) -> tuple[pd.DataFrame, dict[str, object]]:
    """Long rows ``level, code, year, indicator, value, status`` from a table of any layout.

    Returns the rows and notes: which column holds the areas and how it was read
    (``area_column``), the ``layout`` ("wide: years as columns", "long: one year column",
    "no year"), ``label_columns`` (categories), and ``national`` when there is no area column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("Tiedot;Kommun;2021;2022\\nInvånare;Helsingfors;658457;664028\\n", encoding="utf-8")
    >>> rows, notes = read_any_table(p)
    >>> rows[["code", "year", "indicator", "value"]].to_dict("records")[-1]
    {'code': '091', 'year': 2022, 'indicator': 'Invånare', 'value': 664028.0}
    >>> notes["layout"]
    'wide: years as columns'
    """
    path = Path(path)
    frame, notes = sniff_table(path)
    first_row = int(notes["header_line"]) + 1
    year_columns = [c for c in frame.columns if _YEAR.match(c.split()[0] if c.split() else c)]
    area = find_area_column(frame.drop(columns=year_columns), keys=keys)
    id_columns = [c for c in frame.columns if c not in year_columns]
    if area is not None:
        notes["area_column"] = area.describe()
        bad = [i for i, level in enumerate(area.levels) if not level]
        if bad:
            raise DataFileError(path, f"{len(bad)} cell(s) of the area column are not municipality or region codes or "
                                f"names (e.g. {frame[area.column].iloc[bad[0]]!r})",
                                "correct the code or name, or remove the row", row=first_row + bad[0], column=area.column)
    else:
        notes["national"] = "no area column: a national table (all rows are for Finland as a whole)"
    rest = frame[[c for c in id_columns if area is None or c != area.column]]
    if area is not None:  # e.g. a name column beside the code column: the same areas, not a category
        known = _known(keys)
        same = [c for c in rest.columns if _score(rest[c], known, c) is not None]
        if same:
            notes["area_name_columns"] = same
            rest = rest.drop(columns=same)
    year_col = None
    for col in rest.columns:
        cells = rest[col].str.strip()
        if len(cells) and cells.str.fullmatch(_YEAR).all():
            year_col = col
            break
    if year_columns:
        notes["layout"] = "wide: years as columns"
    elif year_col is not None:
        notes["layout"] = f"long: years in column {year_col!r}"
    else:
        notes["layout"] = "no year column"
    if year_columns:
        values, bad_years = _numeric(frame[year_columns], path, first_row)
        if bad_years:
            raise DataFileError(path, f"year column {bad_years[0]!r} holds text, not numbers",
                                "use numbers, empty cells or statistical markers", column=bad_years[0])
        labels = [c for c in rest.columns if c != year_col]
        notes["label_columns"] = labels
        parts = []
        for col, (v, s) in values.items():
            indicator = (rest[labels].agg(" | ".join, axis=1) if labels else pd.Series(path.stem, index=frame.index))
            parts.append(pd.DataFrame({"row": np.arange(len(frame)) + first_row, "year": int(col.split()[0]),
                                       "indicator": indicator.to_numpy(), "value": v.to_numpy(),
                                       "status": s.to_numpy()}))
        long = pd.concat(parts, ignore_index=True)
    else:
        values, labels = _numeric(rest.drop(columns=[year_col] if year_col else []), path, first_row)
        if not values:
            raise DataFileError(path, "no numeric column found", "a table needs at least one column of numbers")
        notes["label_columns"] = labels
        parts = []
        for col, (v, s) in values.items():
            indicator = (rest[labels].agg(" | ".join, axis=1) + " | " + col) if labels else pd.Series(col, index=frame.index)
            year = rest[year_col].str.strip().astype("int64") if year_col else pd.Series(pd.NA, index=frame.index)
            parts.append(pd.DataFrame({"row": np.arange(len(frame)) + first_row, "year": year.to_numpy(),
                                       "indicator": indicator.to_numpy(), "value": v.to_numpy(),
                                       "status": s.to_numpy()}))
        long = pd.concat(parts, ignore_index=True)
    index = (long["row"] - first_row).to_numpy()
    if area is not None:
        long.insert(0, "level", np.asarray(area.levels, dtype=object)[index])
        long.insert(1, "code", np.asarray(area.codes, dtype=object)[index])
    else:
        long.insert(0, "level", "country")
        long.insert(1, "code", "SSS")
    long["year"] = pd.array(long["year"].tolist(), dtype="Int64")
    long["status"] = long["status"].replace("missing", "..")
    return long.drop(columns=["row"]), notes


def indicator_summary(rows: pd.DataFrame) -> list[str]:
    """Per indicator: rows, areas, years and the value range, one line each (a ×10 error shows here)."""
    out = []
    if rows.empty or "indicator" not in rows:
        return out
    for ind, group in rows.groupby("indicator", sort=True):
        values = pd.to_numeric(group["value"], errors="coerce") if "value" in group else pd.Series(dtype="float64")
        present = values.dropna()
        rng = f"{present.min():.6g} … {present.max():.6g}" if not present.empty else "no values"
        unit = ""
        if "unit" in group and group["unit"].astype(str).str.len().gt(0).any():
            unit = f" {sorted(u for u in group['unit'].astype(str).unique() if u)[0]}"
        years = sorted(int(y) for y in group["year"].dropna().unique() if y) if "year" in group else []
        span = (f", years {years[0]}–{years[-1]}" if len(years) > 1 else f", year {years[0]}") if years else ""
        areas = group["code"].nunique() if "code" in group else 0
        out.append(f"{ind}: {len(group)} rows, {areas} areas{span}, values {rng}{unit}"
                   + (f" ({len(values) - len(present)} missing)" if len(values) > len(present) else ""))
    return out

