"""Readers of Syke's ALas emission files.

- :func:`read_alas_municipality_csv`: the per-municipality CSV served by
  paastot.hiilineutraalisuomi.fi (``Tulokset_taso_5/kunta_{code}.csv``; ``;``, decimal comma, ``NA``).
- :func:`read_road_transport_csv` + :func:`read_sector_tree`: the ALas 1.1 road-transport bulk CSV
  (comma separator, decimal comma inside quotes, integer ``kuntanumero``) and the sector tree.
- :func:`read_hinku_sectors`, :func:`read_hinku_totals`, :func:`read_hinku_json`: the tidy North Karelia
  Hinku files (13 sectors, totals with Syke's per-capita figures and population).

Hinku scope (Syke's Hinku rules, without credits) and the all-ALas scope are different
indicators (``ghg_hinku_*`` vs ``ghg_alas_*``); nothing here adds one to the other.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.indicators import HINKU_SECTORS
from rvanalytics.readers._common import (
    Flags,
    check_file,
    pad_codes,
    parse_numbers,
    read_text,
    require_columns,
)

__all__ = [
    "ROAD_COLUMNS",
    "SERVICE_COLUMNS",
    "alas_municipality_indicators",
    "read_alas_municipality_csv",
    "read_hinku_json",
    "read_hinku_sectors",
    "read_hinku_totals",
    "read_road_transport_csv",
    "read_sector_tree",
    "road_transport_indicators",
    "sector_slug",
]

SERVICE_COLUMNS = ("vuosi", "kt", "kt_tuuli", "GWh", "hinku_laskenta", "päästökauppa", "taso_3", "taso_4", "taso_5")
ROAD_COLUMNS = ("kuntanumero", "kunta", "maakunta", "vuosi", "taso_4", "taso_5", "päästöt (ktCO2e)",
                "energiankulutus (GWh)", "suorite (Mkm)", "laskentaperuste")
#: Abbreviated ``taso_3`` codes of the service files (first three letters of the sector name).
_ABBREVIATIONS = {name[:3].lower(): name for name in HINKU_SECTORS}
#: ``taso_3`` values that are credits, not emissions (wind-power compensation); kept out of both totals.
CREDIT_SECTORS = {"tuu", "tuulivoima"}
_TRUE = {"1", "true", "on", "kyllä", "k", "yes", "x"}
_FALSE = {"0", "false", "ei", "e", "no", ""}
#: The road file's ``taso_4`` label for motorcycles differs from the tree's.
_TREE_ALIASES = {"Moottoripyörät": "Moottoripyörät ja mopot"}


def sector_slug(name: str) -> str | None:
    """Indicator slug of a Hinku sector given as full Finnish name or service abbreviation.

    Examples
    --------
    >>> sector_slug("Kaukolämpö"), sector_slug("Kau"), sector_slug("F-k"), sector_slug("Tuu")
    ('district_heating', 'district_heating', 'f_gases', None)
    """
    text = str(name).strip()
    if text in HINKU_SECTORS:
        return HINKU_SECTORS[text]
    full = _ABBREVIATIONS.get(text[:3].lower()) if len(text) >= 3 else None
    if full is not None and (len(text) == 3 or full.lower().startswith(text.lower())):
        return HINKU_SECTORS[full]
    return None


def _bool_column(values: pd.Series, path: Path, column: str) -> pd.Series:
    text = values.astype("string").str.strip().str.lower().fillna("")
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"{values.iloc[pos]!r} is not a yes/no value", "use On/Ei, TRUE/FALSE or 1/0",
                            row=pos + 2, column=column)
    return text.isin(_TRUE)


def read_alas_municipality_csv(path: str | Path, code: str | None = None) -> pd.DataFrame:
    """Read one municipality's ALas CSV from Syke's emissions service.

    Parameters
    ----------
    path : path
        ``kunta_{code}.csv``: ``;`` separator, decimal comma, ``NA`` for missing; columns
        ``vuosi, kt, kt_tuuli, GWh, hinku_laskenta, päästökauppa, taso_3, taso_4, taso_5``.
    code : str, optional
        Municipality code; default from the file name (``kunta_91.csv`` -> ``"091"``).

    Returns
    -------
    DataFrame
        ``code, year, taso_3, taso_4, taso_5, sector (slug or None), hinku (bool), emissions_trading (bool),
        kt, kt_status, kt_wind, gwh`` — one row per ALas class and year.
    """
    path = Path(path)
    text, _ = read_text(path)
    if code is None:
        match = re.search(r"(\d{1,3})(?=\D*$)", path.stem)
        if not match:
            raise DataFileError(path, "the municipality code is not in the file name",
                                "name the file kunta_<code>.csv or pass code=")
        code = match.group(1)
    code = str(code).zfill(3)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as a ;-separated CSV ({err})", "check the file is Syke's CSV") from None
    if len(raw.columns) == 1 and "," in raw.columns[0]:
        raise DataFileError(path, "the file is comma-separated, the service file uses ';'",
                            "use read_road_transport_csv for the bulk files, or save with ';'")
    require_columns(raw, SERVICE_COLUMNS, path, "Syke ALas municipality CSV")
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the file again")
    years, _ = parse_numbers(raw["vuosi"], path, "vuosi")
    if years.isna().any():
        pos = int(np.flatnonzero(years.isna().to_numpy())[0])
        raise DataFileError(path, "year is missing", "every row needs a year", row=pos + 2, column="vuosi")
    kt, kt_status = parse_numbers(raw["kt"], path, "kt", decimal=",")
    kt_wind, _ = parse_numbers(raw["kt_tuuli"], path, "kt_tuuli", decimal=",")
    gwh, _ = parse_numbers(raw["GWh"], path, "GWh", decimal=",")
    out = pd.DataFrame(
        {
            "code": code,
            "year": years.astype("int64"),
            "taso_3": raw["taso_3"].str.strip(),
            "taso_4": raw["taso_4"].str.strip(),
            "taso_5": raw["taso_5"].str.strip(),
            "sector": raw["taso_3"].map(sector_slug),
            "hinku": _bool_column(raw["hinku_laskenta"], path, "hinku_laskenta"),
            "emissions_trading": _bool_column(raw["päästökauppa"], path, "päästökauppa"),
            "kt": kt,
            "kt_status": kt_status,
            "kt_wind": kt_wind,
            "gwh": gwh,
        }
    )
    return out


def alas_municipality_indicators(table: pd.DataFrame, path: str | Path = "", flags: Flags | None = None,
                                 source: str = "syke_alas_municipality") -> pd.DataFrame:
    """Panel rows from :func:`read_alas_municipality_csv`.

    ``ghg_alas_total_kt`` sums every emission class; ``ghg_hinku_total_kt`` and the 13
    ``ghg_hinku_sector_<slug>_kt`` sum the classes with ``hinku_laskenta`` set. Wind-power
    credits (``taso_3`` "Tuu") are left out of both (no credits). A missing ``kt`` in any
    class makes the sum missing (status ``..``); classes whose ``taso_3`` is unknown are flagged.
    """
    flags = flags if flags is not None else Flags()
    work = table.copy()
    credit = work["taso_3"].str.lower().isin(CREDIT_SECTORS)
    unknown = work["sector"].isna() & ~credit
    for idx in np.flatnonzero(unknown.to_numpy()):
        flags.add(path, int(idx) + 2, f"taso_3 {work['taso_3'].iloc[idx]!r} is not a Hinku main sector; "
                  "counted in the all-ALas total only", "taso_3")
    for idx in np.flatnonzero(credit.to_numpy()):
        flags.add(path, int(idx) + 2, "wind-power credit row left out (totals are without credits)", "taso_3")
    work = work[~credit]

    def total(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        grouped = frame.groupby(keys, sort=True)
        out = grouped["kt"].sum(min_count=1).to_frame("value")
        out["_nan"] = grouped["kt"].apply(lambda s: bool(s.isna().any()))
        out.loc[out["_nan"], "value"] = np.nan
        out["status"] = np.where(out["_nan"], "..", "")
        return out.drop(columns="_nan").reset_index()

    parts = []
    all_total = total(work, ["code", "year"]).assign(indicator="ghg_alas_total_kt")
    parts.append(all_total)
    hinku = work[work["hinku"]]
    parts.append(total(hinku, ["code", "year"]).assign(indicator="ghg_hinku_total_kt"))
    sectors = total(hinku[hinku["sector"].notna()], ["code", "year", "sector"])
    sectors["indicator"] = "ghg_hinku_sector_" + sectors["sector"] + "_kt"
    parts.append(sectors.drop(columns="sector"))
    rows = pd.concat(parts, ignore_index=True)
    rows["level"] = "municipality"
    rows["unit"] = "kt CO2e"
    rows["source"] = source
    return rows[["level", "code", "year", "indicator", "value", "unit", "source", "status"]]


def read_sector_tree(path: str | Path) -> pd.DataFrame:
    """ALas sector tree (``alas_luokat.csv``: ``taso_1 … taso_5, id``)."""
    path = Path(path)
    text, _ = read_text(path)
    tree = pd.read_csv(io.StringIO(text), dtype=str)
    require_columns(tree, ("taso_1", "taso_2", "taso_3", "taso_4", "taso_5"), path, "ALas sector tree")
    return tree


def read_road_transport_csv(path: str | Path, tree: pd.DataFrame | None = None,
                            flags: Flags | None = None) -> pd.DataFrame:
    """Read Syke's ALas 1.1 road-transport bulk CSV.

    Returns one row per municipality, year and vehicle class with ``code`` (zero-padded),
    ``name``, ``region_name``, ``year``, ``taso_1…taso_5`` (the upper levels from the sector
    tree when given), ``kt``, ``gwh``, ``mkm`` and ``basis`` (``laskentaperuste``).
    Classes missing from the tree are flagged (file row, reason).
    """
    path = Path(path)
    check_file(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    if len(raw.columns) == 1 and ";" in raw.columns[0]:
        raise DataFileError(path, "the file is ';'-separated; the bulk road-transport file uses ','",
                            "use read_alas_municipality_csv for the service files")
    require_columns(raw, ROAD_COLUMNS, path, "Syke ALas road-transport CSV")
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the file again")
    out = pd.DataFrame(
        {
            "code": pad_codes(raw["kuntanumero"], path, "kuntanumero"),
            "name": raw["kunta"],
            "region_name": raw["maakunta"],
            "year": parse_numbers(raw["vuosi"], path, "vuosi")[0].astype("int64"),
            "taso_4": raw["taso_4"],
            "taso_5": raw["taso_5"],
        }
    )
    for col, name in (("päästöt (ktCO2e)", "kt"), ("energiankulutus (GWh)", "gwh"), ("suorite (Mkm)", "mkm")):
        value, status = parse_numbers(raw[col], path, col, decimal=",")
        out[name] = value
        out[f"{name}_status"] = status
    out["basis"] = raw["laskentaperuste"]
    flags = flags if flags is not None else Flags()
    if tree is not None:
        road = tree[tree["taso_3"] == "Tieliikenne"].copy()
        key4 = out["taso_4"].replace(_TREE_ALIASES)
        merged = pd.DataFrame({"taso_4": key4, "taso_5": out["taso_5"]}).merge(
            road[["taso_1", "taso_2", "taso_3", "taso_4", "taso_5"]].drop_duplicates(["taso_4", "taso_5"]),
            on=["taso_4", "taso_5"], how="left")
        for level in ("taso_1", "taso_2", "taso_3"):
            out[level] = merged[level].to_numpy()
        missing = out["taso_3"].isna()
        if missing.any():
            combos = out.loc[missing, ["taso_4", "taso_5"]].drop_duplicates()
            for combo in combos.itertuples():
                first = int(np.flatnonzero((missing & (out["taso_4"] == combo.taso_4)
                                            & (out["taso_5"] == combo.taso_5)).to_numpy())[0])
                flags.add(path, first + 2, f"class {combo.taso_4} / {combo.taso_5} is not in the ALas sector tree "
                          "(kept in the road-transport totals)", "taso_5")
    return out


def road_transport_indicators(table: pd.DataFrame, source: str = "syke_alas_road_transport") -> pd.DataFrame:
    """Panel rows (totals over vehicle classes) from :func:`read_road_transport_csv`.

    ``road_transport_ghg_kt``, ``road_transport_energy_gwh``, ``road_transport_mileage_mkm``;
    a missing value in any class makes the municipality-year total missing.
    """
    parts = []
    for col, indicator, unit in (("kt", "road_transport_ghg_kt", "kt CO2e"),
                                 ("gwh", "road_transport_energy_gwh", "GWh"),
                                 ("mkm", "road_transport_mileage_mkm", "Mkm")):
        grouped = table.groupby(["code", "year"], sort=True)[col]
        value = grouped.sum(min_count=1)
        has_nan = table[col].isna().groupby([table["code"], table["year"]]).any()
        value[has_nan.reindex(value.index).to_numpy()] = np.nan
        frame = value.rename("value").reset_index()
        frame["status"] = np.where(frame["value"].isna(), "..", "")
        frame["indicator"] = indicator
        frame["unit"] = unit
        parts.append(frame)
    rows = pd.concat(parts, ignore_index=True)
    rows["level"] = "municipality"
    rows["source"] = source
    return rows[["level", "code", "year", "indicator", "value", "unit", "source", "status"]]


def _read_csv_checked(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    text, _ = read_text(path)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as CSV ({err})", f"check that the file is the {what}") from None
    require_columns(raw, required, path, what)
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the file again")
    return raw


def read_hinku_sectors(path: str | Path, flags: Flags | None = None,
                       source: str = "syke_alas_hinku_north_karelia") -> pd.DataFrame:
    """Panel rows ``ghg_hinku_sector_<slug>_kt`` from the tidy sector file
    (``kunta, kunta_nimi, vuosi, sektori, khk_kt_co2e``). Unknown sectors raise an error."""
    path = Path(path)
    raw = _read_csv_checked(path, ("kunta", "vuosi", "sektori", "khk_kt_co2e"), "Hinku sector CSV")
    slugs = raw["sektori"].map(sector_slug)
    if slugs.isna().any():
        pos = int(np.flatnonzero(slugs.isna().to_numpy())[0])
        raise DataFileError(path, f"sector {raw['sektori'].iloc[pos]!r} is not one of the 13 Hinku sectors",
                            "use the Syke sector names: " + ", ".join(HINKU_SECTORS), row=pos + 2, column="sektori")
    value, status = parse_numbers(raw["khk_kt_co2e"], path, "khk_kt_co2e")
    rows = pd.DataFrame({
        "level": "municipality",
        "code": pad_codes(raw["kunta"], path, "kunta"),
        "year": parse_numbers(raw["vuosi"], path, "vuosi")[0].astype("int64"),
        "indicator": "ghg_hinku_sector_" + slugs.astype(str) + "_kt",
        "value": value,
        "unit": "kt CO2e",
        "source": source,
        "status": status.replace("missing", ".."),
    })
    return rows


def read_hinku_totals(path: str | Path, source: str = "syke_alas_hinku_north_karelia") -> pd.DataFrame:
    """The tidy Hinku totals: ``code, name, year, total_kt, credits_kt, per_capita_t, population``
    (Syke's own rounded per-capita figure and the population Syke used)."""
    path = Path(path)
    raw = _read_csv_checked(path, ("kunta", "vuosi", "khk_yhteensa_kt_co2e", "khk_t_co2e_per_asukas", "asukasluku"),
                            "Hinku totals CSV")
    out = pd.DataFrame({
        "code": pad_codes(raw["kunta"], path, "kunta"),
        "name": raw.get("kunta_nimi", pd.Series("", index=raw.index)),
        "year": parse_numbers(raw["vuosi"], path, "vuosi")[0].astype("int64"),
        "total_kt": parse_numbers(raw["khk_yhteensa_kt_co2e"], path, "khk_yhteensa_kt_co2e")[0],
        "per_capita_t": parse_numbers(raw["khk_t_co2e_per_asukas"], path, "khk_t_co2e_per_asukas")[0],
        "population": parse_numbers(raw["asukasluku"], path, "asukasluku")[0],
    })
    if "paastohyvitykset_kt_co2e" in raw.columns:
        out["credits_kt"] = parse_numbers(raw["paastohyvitykset_kt_co2e"], path, "paastohyvitykset_kt_co2e")[0]
    return out


def read_hinku_json(path: str | Path) -> pd.DataFrame:
    """The Hinku dataset JSON of the North Karelia tool as a long table
    ``name, year, sector, kt`` plus rows ``sector`` = ``"total"``, ``"credits"``, ``"perCapita"``, ``"population"``."""
    path = Path(path)
    text, _ = read_text(path)
    try:
        data = json.loads(text)
        municipalities = data["municipalities"]
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise DataFileError(path, f"not the Hinku dataset JSON ({err})",
                            "expected an object with 'municipalities' [{name, observations}]") from None
    rows = []
    for muni in municipalities:
        for year, obs in muni.get("observations", {}).items():
            for sector, value in obs.get("sectors", {}).items():
                rows.append((muni["name"], int(year), sector, value))
            for extra in ("total", "credits", "perCapita", "population"):
                if extra in obs:
                    rows.append((muni["name"], int(year), extra, obs[extra]))
    frame = pd.DataFrame(rows, columns=["name", "year", "sector", "value"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    return frame
