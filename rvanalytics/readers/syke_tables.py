"""Readers of Syke's emission tables: one area's years as columns, sector rows, then totals.

The emissions service (paastot.hiilineutraalisuomi.fi, ALas model) shows and exports one table per
municipality or region: years as columns; the 13 Hinku main sectors; emission credits; the total
(kt CO2e); emissions per resident (t CO2e); population; and a cell naming the calculation method.
Three layouts are read:

- :func:`read_syke_stacked_workbook`: per-municipality tables stacked in one sheet with ``City`` and
  ``Region`` columns and the method in the header (English labels; e.g. ``finland_cities_emissions.xlsx``);
- :func:`read_syke_area_workbook`: one area per workbook, either the English region view (title row,
  header ``{REGION}Hinku calculation without emission credits``, numbers as text with decimal comma) or
  the Finnish ``KHK-päästöt`` sheet of the per-municipality download (A1 the municipality, B1… years as
  text, rows 2–18 the items, the method in a row of its own);
- :func:`read_syke_summary_workbook`: the Swedish two-year summary sheets (``Totalt``, ``befolkning``),
  used to cross-check a release.

The method (scope) is read from the file, never assumed: :data:`METHODS` maps the service's method
labels in Finnish, Swedish and English to a scope id. Every table is checked: the item rows must be
the known ones in the known order, years must be distinct four-digit years, the total must equal the
sum of sectors and credits within the source's rounding. Per-resident values that disagree with
total / population beyond rounding are *reported* (``flags``), never silently recomputed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.indicators import HINKU_SECTORS

__all__ = [
    "ITEMS",
    "METHODS",
    "SykeTable",
    "read_syke_area_workbook",
    "read_syke_stacked_workbook",
    "read_syke_summary_workbook",
    "syke_layout",
]

_SECTOR_SLUGS = tuple(HINKU_SECTORS.values())
#: Row items of a table in the service's order: the 13 sectors, then credits, total, per resident, population.
ITEMS: tuple[str, ...] = (*_SECTOR_SLUGS, "credits", "total", "per_capita", "population")

_LABELS: dict[str, tuple[str, ...]] = {
    # item: (English, Finnish, Swedish) labels as the service writes them
    "consumer_electricity": ("Electricity", "Kulutussähkö", "Konsumtionsel"),
    "electric_heating": ("Electric heating", "Sähkölämmitys", "Elvärme"),
    "district_heating": ("District heating", "Kaukolämpö", "Fjärrvärme"),
    "oil_heating": ("Oil heating", "Öljylämmitys", "Oljevärme"),
    "other_heating": ("Other heating", "Muu lämmitys", "Övrig värme"),
    "industry": ("Industry", "Teollisuus", "Industri"),
    "machinery": ("Machinery", "Työkoneet", "Arbetsmaskiner"),
    "road_transport": ("Road transport", "Tieliikenne", "Vägtrafik"),
    "rail_transport": ("Rail transport", "Raideliikenne", "Järnvägstrafik"),
    "waterborne_transport": ("Water transport", "Vesiliikenne", "Sjötrafik"),
    "agriculture": ("Agriculture", "Maatalous", "Lantbruk"),
    "waste": ("Waste treatment", "Jätteiden käsittely", "Avfallshantering"),
    "f_gases": ("F-gases", "F-kaasut", "F-gaser"),
    "credits": ("Emission credits", "Päästöhyvitykset", "Utsläppskrediter"),
    "total": ("total emissions, ktCO2e", "kokonaispäästöt, ktCO2e", "Totalt"),
    "per_capita": ("per person, tCO2e", "per asukas, tCO2e", "per invånare, tCO2e"),
    "population": ("population", "asukasluku", "befolkning"),
}
_LANGUAGES = ("en", "fi", "sv")
_LABEL_INDEX: dict[str, tuple[str, str]] = {
    label.casefold(): (item, lang) for item, labels in _LABELS.items() for label, lang in zip(labels, _LANGUAGES)
}

#: Method labels of the service (case-folded) -> scope id. Only ``hinku`` feeds the ``ghg_hinku_*`` indicators.
METHODS: dict[str, str] = {
    "hinku calculation without emission credits": "hinku",
    "hinku-laskenta ilman päästöhyvityksiä": "hinku",
    "hinku-beräkning utan utsläppskrediter": "hinku",
    "hinku calculation with emission credits": "hinku_with_credits",
    "hinku-laskenta päästöhyvityksillä": "hinku_with_credits",
    "hinku-beräkning med utsläppskrediter": "hinku_with_credits",
    "all alas emissions": "alas_total",
    "kaikki alas-päästöt": "alas_total",
    "alla alas-utsläpp": "alas_total",
    "effort sharing sector alas emissions": "alas_effort_sharing",
    "taakanjakosektorin kaikki alas-päästöt": "alas_effort_sharing",
    "alas emissions under emissions trading": "alas_ets",
    "päästökaupan alaiset alas-päästöt": "alas_ets",
}
_METHOD_RE = re.compile("|".join(re.escape(m) for m in sorted(METHODS, key=len, reverse=True)), re.IGNORECASE)
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")
#: Half a unit of the last published digit: Syke rounds kt and t CO2e to 0.1.
_HALF_UNIT = 0.05


@dataclass
class SykeTable:
    """Emission tables read from one file.

    Attributes
    ----------
    values : DataFrame
        ``area, region, year, item, value, row``: one row per area, year and item (:data:`ITEMS`);
        ``row`` is the spreadsheet row (1-based) the value came from, ``region`` the region
        name the file gives for the area (stacked layout only, else "").
    method : str
        Scope id from :data:`METHODS`, read from the file.
    method_label : str
        The method text as the file writes it.
    language : str
        "en", "fi" or "sv": the language of the item labels.
    path : Path
    sheet : str
    flags : list of dict
        ``area, year, row, reason`` for per-resident values that disagree with total / population.
    """

    values: pd.DataFrame
    method: str
    method_label: str
    language: str
    path: Path
    sheet: str
    flags: list[dict[str, Any]] = field(default_factory=list)

    def wide(self) -> pd.DataFrame:
        """``area, year`` rows × item columns (the table as the service shows it, transposed)."""
        return self.values.pivot_table(index=["area", "year"], columns="item", values="value",
                                       aggfunc="first").reindex(columns=list(ITEMS)).reset_index()


def _workbook(path: Path):
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise DataFileError(path, "the file does not exist", "check the path")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise DataFileError(path, f"cannot be opened as an Excel workbook ({type(err).__name__}: {err})",
                            "save Syke's table as .xlsx") from None


def _rows(path: Path, sheet: str | None = None) -> tuple[str, list[tuple]]:
    wb = _workbook(path)
    try:
        if sheet is None:
            names = {ws.title.strip().casefold(): ws.title for ws in wb.worksheets}
            sheet = names.get("khk-päästöt", wb.worksheets[0].title)
        ws = wb[sheet]
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return sheet, rows


def _number(value: Any, path: Path, sheet: str, row: int, column: int) -> float:
    """A cell as float: numbers as such, text with a decimal comma or point (``'991,0'``)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, (int, float)):
        out = float(value)
    else:
        text = "" if value is None else re.sub(r"[\s\u00a0]", "", str(value)).replace("\u2212", "-")
        if re.fullmatch(r"-?\d+(?:[.,]\d+)?", text) is None:
            raise DataFileError(path, f"sheet {sheet!r}: {value!r} is not a number",
                                "Syke's tables have a number in every year cell; download the table again",
                                row=row, column=_column_letter(column))
        out = float(text.replace(",", "."))
    if not np.isfinite(out):
        raise DataFileError(path, f"sheet {sheet!r}: {value!r} is not a finite number",
                            "download the table again", row=row, column=_column_letter(column))
    return out


def _column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _years(cells: tuple, start: int, path: Path, sheet: str, row: int) -> list[tuple[int, int]]:
    """``(column, year)`` of the year cells from ``start`` on (ints or four-digit text)."""
    years: list[tuple[int, int]] = []
    for col in range(start, len(cells)):
        cell = cells[col]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        match = _YEAR_RE.match(str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell))
        if match is None or not 1900 <= int(match.group(1)) <= 2100:
            raise DataFileError(path, f"sheet {sheet!r}: header cell {cell!r} is not a year",
                                "the header row holds the years (1990, 2005, …) after the label column",
                                row=row, column=_column_letter(col))
        years.append((col, int(match.group(1))))
    if not years:
        raise DataFileError(path, f"sheet {sheet!r}: the header row has no years", "use Syke's table as exported",
                            row=row)
    seen = [y for _, y in years]
    if len(set(seen)) != len(seen) or seen != sorted(seen):
        raise DataFileError(path, f"sheet {sheet!r}: years are repeated or out of order ({seen})",
                            "use Syke's table as exported", row=row)
    return years


def _method(text: str, path: Path, sheet: str, row: int) -> tuple[str, str, str]:
    """``(scope, label, prefix)`` of a cell holding the method, e.g. ``NORTH KARELIAHinku calculation…``."""
    match = _METHOD_RE.search(text)
    if match is None:
        known = sorted(METHODS)
        raise DataFileError(path, f"sheet {sheet!r}: method cell {text!r} is not a known Syke calculation method",
                            f"choose one of Syke's methods when downloading ({', '.join(known[:3])}, …)", row=row)
    return METHODS[match.group(0).casefold()], match.group(0), text[: match.start()].strip()


def _block(rows: list[tuple], first: int, label_col: int, years: list[tuple[int, int]], *, area: str, path: Path,
           sheet: str, region: str = "") -> tuple[list[dict[str, Any]], str]:
    """The 17 item rows of one area starting at 0-based row ``first``; returns (values, label language)."""
    out: list[dict[str, Any]] = []
    languages = set()
    for k, item in enumerate(ITEMS):
        r = first + k
        cells = rows[r] if r < len(rows) else ()
        label = str(cells[label_col]).strip() if len(cells) > label_col and cells[label_col] is not None else ""
        found = _LABEL_INDEX.get(label.casefold())
        if found is None or found[0] != item:
            expected = " / ".join(_LABELS[item][:2])
            raise DataFileError(path, f"sheet {sheet!r}, area {area!r}: row label {label!r} where the layout has "
                                      f"{expected!r} (item {k + 1} of {len(ITEMS)})",
                                "the table must have Syke's 13 sector rows, credits, total, per resident and "
                                "population in Syke's order; download it again without editing rows",
                                row=r + 1, column=_column_letter(label_col))
        languages.add(found[1])
        for col, year in years:
            value = cells[col] if col < len(cells) else None
            out.append({"area": area, "region": region, "year": year, "item": item,
                        "value": _number(value, path, sheet, r + 1, col), "row": r + 1})
    return out, languages.pop() if len(languages) == 1 else "mixed"


def _check(values: pd.DataFrame, path: Path, sheet: str) -> list[dict[str, Any]]:
    """Total vs sum of sectors and credits (error beyond rounding); per resident vs total / population (flags)."""
    wide = values.pivot_table(index=["area", "year"], columns="item", values="value", aggfunc="first")
    rows = values.pivot_table(index=["area", "year"], columns="item", values="row", aggfunc="first")
    parts = wide[[*_SECTOR_SLUGS, "credits"]].sum(axis=1)
    # each of the 14 parts and the total is rounded to 0.1: the sum may be off by half a unit each
    tolerance = _HALF_UNIT * (len(_SECTOR_SLUGS) + 2) + 1e-9
    diff = (wide["total"] - parts).abs()
    bad = diff[diff > tolerance]
    if not bad.empty:
        (area, year), d = bad.index[0], float(bad.iloc[0])
        raise DataFileError(path, f"sheet {sheet!r}, area {area!r}, {year}: total {wide.loc[(area, year), 'total']} "
                                  f"differs from the sum of sectors and credits {parts.loc[(area, year)]:.1f} by "
                                  f"{d:.2f} kt, more than rounding ({tolerance:.2f} kt); {len(bad)} such cell(s)",
                            "a sector or the total was changed or pasted from another table; download it again",
                            row=int(rows.loc[(area, year), "total"]))
    flags = []
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = wide["total"] * 1000.0 / wide["population"]
        # per resident is rounded to 0.1 t, the total to 0.1 kt (= 100 t over the population)
        allowed = _HALF_UNIT + _HALF_UNIT * 1000.0 / wide["population"] + 1e-9
    off = (wide["per_capita"] - computed).abs() > allowed
    for (area, year) in wide.index[off.fillna(True).to_numpy()]:
        flags.append({"area": area, "year": int(year), "row": int(rows.loc[(area, year), "per_capita"]),
                      "reason": f"per resident {wide.loc[(area, year), 'per_capita']} t differs from total / population "
                                f"= {computed.loc[(area, year)]:.3f} t by more than rounding; the file's value is kept"})
    return flags


def _table(records: list[dict[str, Any]], method: tuple[str, str], language: str, path: Path, sheet: str) -> SykeTable:
    values = pd.DataFrame.from_records(records, columns=["area", "region", "year", "item", "value", "row"])
    values = values.astype({"area": "str", "region": "str", "year": "int64", "item": "str", "value": "float64",
                            "row": "int64"})
    flags = _check(values, path, sheet)
    return SykeTable(values=values, method=method[0], method_label=method[1], language=language, path=path,
                     sheet=sheet, flags=flags)


def read_syke_stacked_workbook(path: str | Path, sheet: str | None = None) -> SykeTable:
    """Read per-municipality Syke tables stacked in one sheet (``City``, ``Region``, method, years…).

    Parameters
    ----------
    path : path
        Workbook whose header row is ``City, Region, <method>, 1990, 2005, …`` followed by blocks of
        17 rows per municipality (the 13 sectors, credits, total, per resident, population).
    sheet : str, optional
        Default: the first sheet.

    Returns
    -------
    SykeTable
        ``values.area`` is the municipality name as written (``City``), ``values.region`` the region name.

    Examples
    --------
    >>> from rvanalytics.paths import recorded_dir
    >>> t = read_syke_stacked_workbook(recorded_dir() / "syke-alas-hinku-59-municipalities-2024/finland_cities_emissions.xlsx")
    >>> t.method, t.values["area"].nunique(), t.wide().query("area == 'Joensuu' and year == 2022")["total"].item()
    ('hinku', 59, 309.7)
    """
    path = Path(path)
    sheet, rows = _rows(path, sheet)
    header_at = next((i for i, r in enumerate(rows[:20]) if r and str(r[0]).strip().casefold() == "city"), None)
    if header_at is None:
        raise DataFileError(path, f"sheet {sheet!r}: no header row starting with 'City' in the first 20 rows",
                            "the stacked layout has the columns City, Region, <method>, then the years")
    header = rows[header_at]
    if len(header) < 4 or str(header[1]).strip().casefold() != "region":
        raise DataFileError(path, f"sheet {sheet!r}: the second header column is {header[1] if len(header) > 1 else None!r}, "
                                  "not 'Region'", "keep Syke's layout: City, Region, <method>, years",
                            row=header_at + 1, column="B")
    method = _method(str(header[2] or ""), path, sheet, header_at + 1)
    years = _years(header, 3, path, sheet, header_at + 1)
    records: list[dict[str, Any]] = []
    languages = set()
    r = header_at + 1
    seen: dict[str, int] = {}
    while r < len(rows):
        cells = rows[r]
        if not cells or all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            r += 1
            continue
        city = str(cells[0]).strip() if cells[0] is not None else ""
        region = str(cells[1]).strip() if cells[1] is not None else ""
        if not city:
            raise DataFileError(path, f"sheet {sheet!r}: the City cell is empty", "every row names its municipality",
                                row=r + 1, column="A")
        for k in range(len(ITEMS)):
            other = rows[r + k] if r + k < len(rows) else ()
            if not other or str(other[0]).strip() != city:
                raise DataFileError(path, f"sheet {sheet!r}: the block of {city!r} starting at row {r + 1} has "
                                          f"{k} rows, the layout has {len(ITEMS)}",
                                    "each municipality has 17 rows: 13 sectors, credits, total, per resident, population",
                                    row=r + k + 1, column="A")
        if city in seen:
            previous = [x for x in records if x["area"] == city]
            block, _ = _block(rows, r, 2, years, area=city, path=path, sheet=sheet, region=region)
            if [x["value"] for x in block] != [x["value"] for x in previous]:
                raise DataFileError(path, f"sheet {sheet!r}: {city!r} appears twice (rows {seen[city]} and {r + 1}) "
                                          "with different values", "keep one block per municipality", row=r + 1)
            r += len(ITEMS)
            continue  # an identical repeated block (seen in copies of this file) adds nothing
        seen[city] = r + 1
        block, lang = _block(rows, r, 2, years, area=city, path=path, sheet=sheet, region=region)
        records.extend(block)
        languages.add(lang)
        r += len(ITEMS)
    if not records:
        raise DataFileError(path, f"sheet {sheet!r}: no municipality blocks after the header", "use Syke's tables",
                            row=header_at + 2)
    return _table(records, method, languages.pop() if len(languages) == 1 else "mixed", path, sheet)


def read_syke_area_workbook(path: str | Path, sheet: str | None = None) -> SykeTable:
    """Read one area's Syke table: the English region view or the Finnish ``KHK-päästöt`` sheet.

    The header row is the first row with years after the label column. The area name is the text
    before the method in that row's first cell (English region files: ``NORTH KARELIAHinku
    calculation…``) or, when the method is in a row of its own (Finnish files), the first cell itself.

    Parameters
    ----------
    path : path
    sheet : str, optional
        Default: ``KHK-päästöt`` when the workbook has it, else the first sheet.

    Returns
    -------
    SykeTable
        One area (``values.area`` as written in the file, e.g. ``"NORTH KARELIA"`` or ``"JOENSUU"``).

    Examples
    --------
    >>> from rvanalytics.paths import recorded_dir
    >>> t = read_syke_area_workbook(recorded_dir() / "syke-alas-hinku-regions-2024/regions_en/North Karelia.xlsx")
    >>> t.method, t.language, t.wide().query("year == 2022")["total"].item()
    ('hinku', 'en', 1017.7)
    """
    path = Path(path)
    sheet, rows = _rows(path, sheet)
    header_at = None
    for i, cells in enumerate(rows[:30]):
        if len(cells) > 2 and sum(1 for c in cells[1:] if c is not None and _YEAR_RE.match(
                str(int(c)) if isinstance(c, float) and c.is_integer() else str(c))) >= 2:
            header_at = i
            break
    if header_at is None:
        raise DataFileError(path, f"sheet {sheet!r}: no header row with years in the first 30 rows",
                            "use Syke's table as exported: the label column, then one column per year")
    header = rows[header_at]
    first = str(header[0] or "").strip()
    years = _years(header, 1, path, sheet, header_at + 1)
    if _METHOD_RE.search(first):
        method = _method(first, path, sheet, header_at + 1)
        area = method[2]
    else:
        area = first
        method_rows = [(i, str(r[0]).strip()) for i, r in enumerate(rows) if r and r[0] is not None
                       and re.match(r"\s*(hinku|kaikki|all |alla |taakanjako|päästökaupan)", str(r[0]), re.IGNORECASE)]
        if len(method_rows) != 1:
            raise DataFileError(path, f"sheet {sheet!r}: {len(method_rows)} method cells found, expected one "
                                      "(e.g. 'Hinku-laskenta ilman päästöhyvityksiä')",
                                "download the table with one calculation method from Syke's service")
        method = _method(method_rows[0][1], path, sheet, method_rows[0][0] + 1)
    if not area:
        raise DataFileError(path, f"sheet {sheet!r}: the area name is missing before the years", "use Syke's table",
                            row=header_at + 1, column="A")
    records, lang = _block(rows, header_at + 1, 0, years, area=area, path=path, sheet=sheet)
    return _table(records, method, lang, path, sheet)


def read_syke_summary_workbook(path: str | Path) -> pd.DataFrame:
    """Read Syke's Swedish two-year summary sheets (one region per sheet) as ``area, year, item, value``.

    Each sheet: title, then a header ``{Region}Hinku-beräkning utan utsläppskrediter``, ``Total
    utsläppsmängd{year}(kt CO2e)`` ×2, change %, per resident ×2, change %; rows: the 13 sectors,
    credits, ``Totalt`` and ``befolkning``. Only the kt columns and the population are returned
    (item ids as :data:`ITEMS`; ``method`` column from the header).
    """
    path = Path(path)
    wb = _workbook(path)
    out: list[dict[str, Any]] = []
    try:
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            header_at = next((i for i, r in enumerate(rows[:10]) if r and r[0] and _METHOD_RE.search(str(r[0]))), None)
            if header_at is None:
                raise DataFileError(path, f"sheet {ws.title!r}: no header cell with a Syke method", "use Syke's summary")
            scope, _, area = _method(str(rows[header_at][0]), path, ws.title, header_at + 1)
            cols = []
            for col, cell in enumerate(rows[header_at]):
                match = re.search(r"total utsläppsmängd\s*(\d{4})", str(cell or ""), re.IGNORECASE)
                if match:
                    cols.append((col, int(match.group(1))))
            if len(cols) != 2:
                raise DataFileError(path, f"sheet {ws.title!r}: expected two 'Total utsläppsmängd<year>' columns",
                                    "use Syke's summary", row=header_at + 1)
            for i, r in enumerate(rows[header_at + 1:], start=header_at + 2):
                if not r or r[0] is None:
                    continue
                found = _LABEL_INDEX.get(str(r[0]).strip().casefold())
                if found is None:
                    continue
                for col, year in cols:
                    if col < len(r) and r[col] is not None:
                        out.append({"area": area, "year": year, "item": found[0], "method": scope,
                                    "value": _number(r[col], path, ws.title, i, col)})
    finally:
        wb.close()
    frame = pd.DataFrame(out, columns=["area", "year", "item", "method", "value"])
    return frame.drop_duplicates(["area", "year", "item"], keep="first").reset_index(drop=True)


def syke_layout(path: str | Path) -> str | None:
    """``"syke_stacked"``, ``"syke_area"`` or None: which Syke table layout a workbook has, from its first rows."""
    path = Path(path)
    try:
        _, rows = _rows(path)
    except DataFileError:
        return None
    for cells in rows[:30]:
        first = str(cells[0]).strip().casefold() if cells and cells[0] is not None else ""
        if first == "city" and len(cells) > 2 and _METHOD_RE.search(str(cells[2] or "")):
            return "syke_stacked"
        if _METHOD_RE.search(first) or first == "khk-päästöt":
            return "syke_area"
    names = [ws.casefold() for ws in _sheet_names(path)]
    return "syke_area" if "khk-päästöt" in names else None


def _sheet_names(path: Path) -> list[str]:
    wb = _workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()
