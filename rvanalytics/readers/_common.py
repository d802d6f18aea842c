"""Shared checks of the indicator readers: empty files, HTML error pages, encodings, numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError

__all__ = ["MARKERS", "Flags", "check_file", "pad_codes", "parse_numbers", "read_text", "require_columns"]

#: Statistical markers (Statistics Finland / PxWeb / Syke) that stand where a number would be.
#: The value is missing; the marker is kept as ``status``.
MARKERS = {".", "..", "...", "....", "-", "x", "NA", "N/A", "na", "n/a"}

_DOT_THOUSANDS = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\s*-?\d{1,3}(?:\s?\d{3})*,\d+\s*$|^\s*-?\d+,\d+\s*$")
_HTML = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html|<head|<body)", re.IGNORECASE)


@dataclass
class Flags:
    """Rows a reader set aside or marked (file, row, column, reason); never dropped silently."""

    rows: list[dict] = field(default_factory=list)

    def add(self, path: str | Path, row: int | None, reason: str, column: str | None = None) -> None:
        self.rows.append({"file": str(path), "row": row, "column": column, "reason": reason})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "row", "column", "reason"])

    def __len__(self) -> int:
        return len(self.rows)


def row_list(rows: list[int], limit: int = 5) -> str:
    """Rows for a message: all of a few, the first ``limit`` and the count of many.

    Examples
    --------
    >>> row_list([2, 3]), row_list(list(range(2, 1000)))
    ('rows 2, 3', 'rows 2, 3, 4, 5, 6 … (998 rows)')
    """
    shown = ", ".join(str(r) for r in rows[:limit])
    return f"rows {shown}" + (f" … ({len(rows)} rows)" if len(rows) > limit else "")


def check_file(path: str | Path) -> bytes:
    """The file's bytes; a :class:`DataFileError` for a missing, empty or HTML file."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found", "check the path")
    if path.is_dir():
        raise DataFileError(path, "is a folder, not a file", "give the path of one file inside it")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataFileError(path, f"cannot be read ({err.strerror or type(err).__name__})",
                            "check the file's permissions") from None
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise DataFileError(path, "the file is empty", "download the file again; a failed download can leave an empty file")
    if _HTML.match(data[:2048].lstrip(b"\xef\xbb\xbf")):
        raise DataFileError(path, "the file is an HTML page, not data (probably an error page saved by the browser "
                            "or a proxy)", "open the file in a browser to read the message, then download the data again", row=1)
    return data


def read_text(path: str | Path) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
    data = check_file(path)
    if b"\x00" in data[:65536]:
        raise DataFileError(path, "is a binary file, not text (it has NUL bytes)",
                            "give a CSV or JSON text file; save spreadsheets as .xlsx or CSV", row=1)
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise DataFileError(path, f"is neither UTF-8 nor Windows-1252 text (byte {err.start}); probably a binary file",
                            "give a CSV or JSON text file saved as UTF-8") from None
    controls = sum(ch < " " and ch not in "\t\r\n\f" for ch in text[:4096])
    if controls > 8:
        raise DataFileError(path, f"looks like a binary file ({controls} control characters in the first 4 KB)",
                            "give a CSV or JSON text file saved as UTF-8", row=1)
    return text, "cp1252"


def require_columns(frame: pd.DataFrame, required: list[str] | tuple[str, ...], path: str | Path, what: str) -> None:
    """Raise a :class:`DataFileError` naming the first missing column and the columns found."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns))
        raise DataFileError(path, f"column {missing[0]!r} is missing (found: {found})",
                            f"a {what} needs the columns {', '.join(required)}; rename the column back if it was renamed",
                            column=missing[0])


def parse_numbers(values: pd.Series, path: str | Path, column: str, *, decimal: str = ".",
                  first_row: int = 2) -> tuple[pd.Series, pd.Series]:
    """Numbers of a text column and their status.

    Returns ``(value, status)``: floats (NaN for markers and blanks) and the marker
    (``""`` for a plain number, ``"missing"`` for an empty cell). Anything else that is
    not a number raises :class:`DataFileError` naming the row (1-based file line,
    header = line 1) and the column; a decimal comma where a point is expected too.

    ``decimal`` is ``"."``, ``","`` or ``"auto"`` (a ``;``-separated file may use either): with
    ``"auto"`` a column is read with decimal commas when any cell has a comma, else with
    points. With ``","`` a dot is accepted only as a thousands separator (``1.234,5``); a cell
    such as ``41.5`` is an error rather than being read as 415.

    Examples
    --------
    >>> v, _ = parse_numbers(pd.Series(["41.5", "3"]), "t.csv", "value", decimal="auto")
    >>> v.tolist()
    [41.5, 3.0]
    >>> v, _ = parse_numbers(pd.Series(["41,5", "1.234,5"]), "t.csv", "value", decimal="auto")
    >>> v.tolist()
    [41.5, 1234.5]
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        value = values.astype("float64")
        status = pd.Series(np.where(value.isna(), "missing", ""), index=values.index, dtype="str")
        return value, status
    text = values.astype("string").str.strip()
    status = pd.Series("", index=values.index, dtype="str")
    is_marker = text.isin(MARKERS)
    status[is_marker.fillna(False).to_numpy()] = text[is_marker.fillna(False)].astype(str)
    empty = text.isna() | (text == "")
    status[empty.to_numpy()] = "missing"
    candidate = text.where(~(is_marker.fillna(False) | empty))
    cleaned = candidate.str.replace("\u00a0", "", regex=False).str.replace("\u202f", "", regex=False) \
        .str.replace(" ", "", regex=False)
    if decimal == "auto":
        decimal = "," if cleaned.str.contains(",", regex=False).fillna(False).any() else "."
    if decimal == ",":
        has_dot = cleaned.str.contains(".", regex=False).fillna(False)
        ambiguous = has_dot & ~cleaned.str.fullmatch(_DOT_THOUSANDS).fillna(False)
        if ambiguous.any():
            pos = int(np.flatnonzero(ambiguous.to_numpy())[0])
            raise DataFileError(path, f"{candidate.iloc[pos]!r} has a decimal point in a column that uses decimal "
                                f"commas ({int(ambiguous.sum())} such cells)", "use one decimal separator in the "
                                "whole column (41,5 or 41.5), so no value is read 10 or 1000 times too large",
                                row=first_row + pos, column=column)
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(cleaned, errors="coerce")
    bad = candidate.notna() & parsed.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raw = candidate.iloc[pos]
        row = first_row + pos
        if decimal == "." and _DECIMAL_COMMA.match(str(raw)):
            raise DataFileError(path, f"{raw!r} has a decimal comma where a decimal point is expected "
                                f"({int(bad.sum())} such cells)", "save the file with decimal points, or read it "
                                "with the reader for Finnish-locale files (decimal=',')", row=row, column=column)
        raise DataFileError(path, f"{raw!r} is not a number ({int(bad.sum())} cells like this in the column)",
                            "use a number, leave the cell empty, or use a statistical marker "
                            f"({', '.join(sorted(MARKERS))})", row=row, column=column)
    return parsed.astype("float64"), status


def pad_codes(values: pd.Series, path: str | Path, column: str, *, width: int = 3, first_row: int = 2) -> pd.Series:
    """Municipality codes as zero-padded strings ("91" and 91 -> "091"); non-numeric codes are an error."""
    text = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    bad = ~text.fillna("").str.fullmatch(rf"\d{{1,{width}}}")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"{values.iloc[pos]!r} is not a municipality code", 
                            f"use the {width}-digit code of Statistics Finland (e.g. 091 for Helsinki)",
                            row=first_row + pos, column=column)
    return text.str.zfill(width).astype("str")
