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

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from rvanalytics.division import KEY_YEARS
from rvanalytics.exceptions import DataFileError, RvanalyticsError

__all__ = ["MunicipalityKeys", "default_keys", "keys_or_default", "load_key", "name_index", "read_key_file",
           "key_years", "size_class", "SIZE_CLASSES", "KEY_YEARS"]

_T = TypeVar("_T")


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


class MunicipalityKeys:
    """The municipality keys of one store: the data-access boundary of the readers and harmonisers.

    Readers, :mod:`rvanalytics.mergers` and :mod:`rvanalytics.resource_panel` take one of these
    (``keys=``) instead of a store path; ``keys=None`` means :func:`default_keys`. The stacked key
    is read when first needed, and each year's key and name index is built once per object.

    Parameters
    ----------
    store : path, optional
        Store whose ``key.parquet`` is read (default: :func:`rvanalytics.paths.store_dir`, and
        the official key or its recorded copy when that store has not been built).

    Examples
    --------
    A hand-made key (the columns of :func:`read_key_file`) works like a store's:

    >>> table = pd.DataFrame({"code": ["091", "049"], "name_fi": ["Helsinki", "Espoo"],
    ...                       "name_sv": ["Helsingfors", "Esbo"], "name_en": ["Helsinki", "Espoo"],
    ...                       "year": [2026, 2026], "region_code": ["01", "01"]})
    >>> keys = MunicipalityKeys.from_table(table)
    >>> keys.years(), keys.name_index(2026)["esbo"], len(keys.key(2026))
    ([2026], '049', 2)
    """

    def __init__(self, store: str | Path | None = None) -> None:
        self.store = store
        self._loader: Callable[[], pd.DataFrame] = lambda: _all_years(store)
        self._table: pd.DataFrame | None = None
        self._keys: dict[int, pd.DataFrame] = {}
        self._names: dict[int, dict[str, str]] = {}
        self._memo: dict[str, Any] = {}

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> MunicipalityKeys:
        """Keys from a stacked key already in memory (columns of :func:`read_key_file`; tests, hand-made keys)."""
        keys = cls(None)
        keys._loader = lambda: table
        return keys

    @classmethod
    def _from_loader(cls, store: str | Path | None, loader: Callable[[], pd.DataFrame]) -> MunicipalityKeys:
        keys = cls(store)
        keys._loader = loader
        return keys

    def __repr__(self) -> str:
        return f"MunicipalityKeys(store={self.store!r})"

    def table(self) -> pd.DataFrame:
        """The stacked key of every year (read on first use, then kept)."""
        if self._table is None:
            self._table = self._loader()
        return self._table

    def years(self) -> list[int]:
        """Years for which a key is available."""
        return sorted(self.table()["year"].unique().tolist())

    def key(self, year: int) -> pd.DataFrame:
        """The key of ``year`` (see :func:`load_key`); a fresh frame sharing the one read."""
        if year not in self._keys:
            self._keys[year] = self._read_year(year)
        return self._keys[year].copy(deep=False)

    def _read_year(self, year: int) -> pd.DataFrame:
        table = self.table()
        if year not in set(table["year"]):
            years = sorted(table["year"].unique())
            raise RvanalyticsError(f"no municipality key for {year}; available years: {years[0]}–{years[-1]}")
        return table[table["year"] == year].reset_index(drop=True)

    def name_index(self, year: int) -> dict[str, str]:
        """Municipality names of ``year`` (case-folded) -> code (see :func:`name_index`); a copy."""
        if year not in self._names:
            self._names[year] = _build_name_index(self.key(year))
        return dict(self._names[year])

    def memo(self, name: str, build: Callable[[MunicipalityKeys], _T]) -> _T:
        """``build(self)``, computed once per object and kept under ``name`` (lookups derived from the keys)."""
        if name not in self._memo:
            self._memo[name] = build(self)
        return self._memo[name]


def default_keys() -> MunicipalityKeys:
    """The keys of the default store (or the official key when no store is built), one object per source file.

    A rebuilt store (a new ``key.parquet``) gives a new object, so its keys are read again.
    """
    from rvanalytics.paths import store_dir

    stored = store_dir(None) / "key.parquet"
    if stored.exists():
        return _default_keys(str(stored), stored.stat().st_mtime_ns)
    from rvanalytics.download import fetch

    return _default_keys(str(fetch("statfi_municipality_key")), None)


@lru_cache(maxsize=4)
def _default_keys(path: str, mtime_ns: int | None) -> MunicipalityKeys:
    if mtime_ns is None:
        return MunicipalityKeys._from_loader(None, lambda: _raw_key(path))
    return MunicipalityKeys._from_loader(None, lambda: _read_stored_key(path, mtime_ns))


def keys_or_default(keys: MunicipalityKeys | None) -> MunicipalityKeys:
    """``keys``, or :func:`default_keys` when it is None."""
    return keys if keys is not None else default_keys()


def _keys_of(store: str | Path | None) -> MunicipalityKeys:
    return default_keys() if store is None else MunicipalityKeys(store)


def key_years(store: str | Path | None = None) -> list[int]:
    """Years for which a key is available."""
    return _keys_of(store).years()


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

    See Also
    --------
    MunicipalityKeys : the same, read once per object (what the readers take).

    Examples
    --------
    >>> load_key(2025).query("code == '507'")["name_fi"].item()
    'Mäntyharju'
    >>> "588" in set(load_key(2025)["code"])  # Pertunmaa merged into Mäntyharju on 1.1.2025
    False
    """
    return _keys_of(store).key(year)


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
    return _keys_of(store).name_index(year)


def _build_name_index(key: pd.DataFrame) -> dict[str, str]:
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
