"""Statistics Finland's municipality key, one table per year (2013–2026).

A key row describes one municipality of that year's division: its names in
Finnish, Swedish and English and the groupings the official key carries
(maakunta = region, seutukunta = sub-region, kuntaryhmitys = urban/rural group, …).
Codes are strings: municipality ``"091"``, region ``"01"``, sub-region ``"011"``.

Examples
--------
>>> key = load_key(2023)
>>> len(key)
309
>>> key.set_index("code").loc["091", ["name_fi", "name_sv", "region_code"]].tolist()
['Helsinki', 'Helsingfors', '01']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.division import KEY_YEARS
from rvanalytics.exceptions import DataFileError, RvanalyticsError

__all__ = ["load_key", "name_index", "read_key_file", "key_years", "size_class", "SIZE_CLASSES", "KEY_YEARS"]


#: Statistics Finland's municipal size classes (kuntakokoluokka), by population.
SIZE_CLASSES: tuple[tuple[str, float, float], ...] = (
    ("<5k", 0, 5_000),
    ("5–10k", 5_000, 10_000),
    ("10–20k", 10_000, 20_000),
    ("20–50k", 20_000, 50_000),
    ("50–100k", 50_000, 100_000),
    (">100k", 100_000, np.inf),
)

# Raw geofi/Statistics Finland column prefix -> our name. Codes are padded to these widths.
_GROUPINGS: dict[str, tuple[str, int | None]] = {
    "maakunta": ("region", 2),
    "seutukunta": ("subregion", 3),
    "kuntaryhmitys": ("municipality_group", None),
    "kielisuhde": ("language_status", None),
    "avi": ("avi", None),
    "ely": ("ely", None),
    "tyossakayntial": ("commuting_area", None),
    "suuralue": ("major_region", None),
    "sairaanhoitop": ("hospital_district", None),
    "nuts1": ("nuts1", None),
    "nuts2": ("nuts2", None),
    "nuts3": ("nuts3", None),
    "vaalipiiri": ("electoral_district", None),
    "erva": ("erva", None),
    "hyvinvointialue": ("wellbeing_county", None),
    "yhteistyoalue": ("collaborative_area", None),
    "tyollisyysalue": ("employment_area", None),
    "evk": ("evk", None),
    "kela_palvelualue": ("kela_service_area", None),
    "kela_asumistukialue": ("kela_housing_allowance_area", None),
}

REQUIRED_RAW_COLUMNS = ("kunta", "municipality_name_fi", "maakunta_code", "maakunta_name_fi", "year")


def _code_text(values: pd.Series, width: int | None) -> pd.Series:
    """Integer-like codes (possibly float with NaN) as strings, zero-padded to ``width``."""
    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return pd.NA
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if width and text.isdigit():
            text = text.zfill(width)
        return text

    return values.map(one).astype("string")


def read_key_file(path: str | Path) -> pd.DataFrame:
    """Read the stacked municipality key (geofi/Statistics Finland CSV) into normalised columns.

    Raises
    ------
    DataFileError
        When a required column is missing, a year has duplicated codes, or the file is not a CSV.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise DataFileError(path, f"cannot be read as a CSV municipality key ({err})",
                            "check that the file is the UTF-8 key CSV and not truncated") from None
    missing = [c for c in REQUIRED_RAW_COLUMNS if c not in raw.columns]
    if missing:
        raise DataFileError(path, f"missing column(s) {missing}", "use Statistics Finland's key with columns "
                            + ", ".join(REQUIRED_RAW_COLUMNS), column=missing[0])
    out = pd.DataFrame(
        {
            "code": _code_text(raw["kunta"], 3),
            "name_fi": raw["municipality_name_fi"].astype("string"),
            "name_sv": raw.get("municipality_name_sv", pd.Series(pd.NA, index=raw.index)).astype("string"),
            "name_en": raw.get("municipality_name_en", pd.Series(pd.NA, index=raw.index)).astype("string"),
            "year": raw["year"].astype("int64"),
        }
    )
    for prefix, (name, width) in _GROUPINGS.items():
        code_col = f"{prefix}_code"
        if code_col in raw.columns:
            out[f"{name}_code"] = _code_text(raw[code_col], width)
        for lang in ("fi", "sv", "en"):
            col = f"{prefix}_name_{lang}"
            if col in raw.columns:
                out[f"{name}_name_{lang}"] = raw[col].astype("string").str.strip()
    dup = out[out.duplicated(["year", "code"], keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        raise DataFileError(path, f"municipality code {first['code']} appears twice in year {first['year']}",
                            "keep one row per municipality and year", row=int(dup.index[0]) + 2, column="kunta")
    return out.sort_values(["year", "code"]).reset_index(drop=True)


@lru_cache(maxsize=4)
def _raw_key(path: str) -> pd.DataFrame:
    return read_key_file(path)


def _all_years(store: str | Path | None) -> pd.DataFrame:
    from rvanalytics.paths import store_dir

    stored = store_dir(store) / "key.parquet"
    if stored.exists():
        return _read_stored_key(str(stored), stored.stat().st_mtime_ns)
    if store is not None:
        from rvanalytics.exceptions import StoreError

        raise StoreError(f"{stored} not found. Fix: run `rvanalytics data build --store {store}`")
    from rvanalytics.download import fetch

    return _raw_key(str(fetch("statfi_municipality_key")))


@lru_cache(maxsize=4)
def _read_stored_key(path: str, mtime_ns: int) -> pd.DataFrame:
    from rvanalytics.store import read_store_table

    return read_store_table(path)


def key_years(store: str | Path | None = None) -> list[int]:
    """Years for which a key is available."""
    return sorted(_all_years(store)["year"].unique().tolist())


def load_key(year: int, store: str | Path | None = None) -> pd.DataFrame:
    """The municipality key of ``year``: one row per municipality of that year's division.

    Read from the local store when it has been built (``rvanalytics data build``),
    otherwise from the official source or its recorded copy.

    Parameters
    ----------
    year : int
        Year of the division (2013–2026). Codes change with mergers, so always pair
        a table with the key of its own year.
    store : path, optional
        Store location (default: :func:`rvanalytics.paths.store_dir`).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name_fi``, ``name_sv``, ``name_en``, ``year``, ``region_code``,
        ``region_name_fi/sv/en``, ``subregion_code``, ``subregion_name_fi/sv/en``,
        ``municipality_group_code``, ``municipality_group_name_fi/sv/en`` and the other groupings.

    Examples
    --------
    >>> load_key(2025).query("code == '507'")["name_fi"].item()
    'Mäntyharju'
    >>> "588" in set(load_key(2025)["code"])  # Pertunmaa merged into Mäntyharju on 1.1.2025
    False
    """
    table = _all_years(store)
    if year not in set(table["year"]):
        years = sorted(table["year"].unique())
        raise RvanalyticsError(f"no municipality key for {year}; available years: {years[0]}–{years[-1]}")
    return table[table["year"] == year].reset_index(drop=True)


def name_index(year: int, store: str | Path | None = None) -> dict[str, str]:
    """Municipality names of ``year`` (case-folded) -> code, for resolving names people and files use.

    Finnish, Swedish and English names, and the bilingual forms PxWeb writes
    ("Maarianhamina - Mariehamn", and the other way round). Where two municipalities
    share a name in different languages, the first (Finnish) wins.

    Examples
    --------
    >>> index = name_index(2026)
    >>> index["helsingfors"], index["maarianhamina - mariehamn"]
    ('091', '478')
    """
    key = load_key(year, store=store)
    index: dict[str, str] = {}
    for col in ("name_fi", "name_sv", "name_en"):
        for code, name in key[["code", col]].itertuples(index=False):
            if isinstance(name, str) and name.strip():
                index.setdefault(name.strip().casefold(), code)
    for code, fi, sv in key[["code", "name_fi", "name_sv"]].itertuples(index=False):
        if isinstance(fi, str) and isinstance(sv, str) and fi != sv:
            index.setdefault(f"{fi} - {sv}".casefold(), code)
            index.setdefault(f"{sv} - {fi}".casefold(), code)
    return index


def size_class(population: float | pd.Series) -> str | pd.Series:
    """Statistics Finland's municipal size class (kuntakokoluokka) of a population.

    Examples
    --------
    >>> size_class(694_392)
    '>100k'
    >>> size_class(pd.Series([4_000, 77_000, None])).tolist()
    ['<5k', '50–100k', nan]
    """
    labels = [label for label, _, _ in SIZE_CLASSES]
    edges = [lo for _, lo, _ in SIZE_CLASSES] + [np.inf]
    if isinstance(population, pd.Series):
        return pd.cut(population, bins=edges, labels=labels, right=False).astype(object)
    if population is None or (isinstance(population, float) and np.isnan(population)):
        return None  # type: ignore[return-value]
    for label, lo, hi in SIZE_CLASSES:
        if lo <= population < hi:
            return label
    raise ValueError(f"population must be >= 0, got {population}")
