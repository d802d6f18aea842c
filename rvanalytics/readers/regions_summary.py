"""Syke ALas regional (maakunta) totals: English region names mapped to region codes via the key."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.division import DEFAULT_DIVISION_YEAR
from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import parse_numbers, read_text, require_columns

__all__ = ["read_regions_summary", "region_names", "regions_summary_indicators"]


def region_names(year: int, keys: MunicipalityKeys | None = None) -> dict[str, str]:
    key = keys_or_default(keys).key(year)
    names: dict[str, str] = {}
    for lang in ("en", "fi", "sv"):
        col = f"region_name_{lang}"
        if col in key.columns:
            for code, name in key[["region_code", col]].drop_duplicates().itertuples(index=False):
                if isinstance(name, str):
                    names.setdefault(name.strip().casefold(), code)
    return names


def read_regions_summary(path: str | Path, *, year: int = DEFAULT_DIVISION_YEAR,
                         keys: MunicipalityKeys | None = None) -> pd.DataFrame:
    """Read ``maakunta_ghg_summary`` (``region, year, total_ktco2e, per_capita_tco2e, population``).

    Region names (English, Finnish or Swedish) are resolved to codes with the key of ``year``;
    an unknown name is a :class:`DataFileError` listing every unmatched name.
    Returns ``region_code, region, year, total_kt, per_capita_t, population``.
    """
    path = Path(path)
    text, _ = read_text(path)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    require_columns(raw, ("region", "year", "total_ktco2e", "per_capita_tco2e", "population"), path,
                    "Syke ALas region summary")
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the file again")
    names = region_names(year, keys)
    cleaned = raw["region"].str.replace(r"<[^>]+>", "", regex=True).str.strip()
    codes = cleaned.str.casefold().map(names)
    if codes.isna().any():
        unknown = sorted(set(cleaned[codes.isna()]))
        pos = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise DataFileError(path, f"region name(s) not in the {year} key: {unknown}",
                            "use the region names of Statistics Finland (English, Finnish or Swedish)",
                            row=pos + 2, column="region")
    return pd.DataFrame({
        "region_code": codes.astype(str),
        "region": cleaned,
        "year": parse_numbers(raw["year"], path, "year")[0].astype("int64"),
        "total_kt": parse_numbers(raw["total_ktco2e"], path, "total_ktco2e")[0],
        "per_capita_t": parse_numbers(raw["per_capita_tco2e"], path, "per_capita_tco2e")[0],
        "population": parse_numbers(raw["population"], path, "population")[0],
    })


def regions_summary_indicators(table: pd.DataFrame, source: str = "syke_alas_regions") -> pd.DataFrame:
    """Region-level panel rows ``ghg_alas_total_kt`` and ``population`` (Syke's population;
    the per-capita values are derived by the panel from these two)."""
    parts = []
    for col, indicator, unit in (("total_kt", "ghg_alas_total_kt", "kt CO2e"), ("population", "population", "persons")):
        parts.append(pd.DataFrame({"level": "region", "code": table["region_code"], "year": table["year"],
                                   "indicator": indicator, "value": table[col], "unit": unit, "source": source,
                                   "status": np.where(table[col].isna(), "..", "")}))
    return pd.concat(parts, ignore_index=True)
