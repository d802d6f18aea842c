"""Syke's Hinku emissions as panel rows: every release, municipalities, regions and the country.

Sources (``rvanalytics/data/sources.yaml``):

* ``syke_alas_hinku_north_karelia`` - 13 North Karelia municipalities, release 2026;
* ``syke_alas_hinku_municipalities_2024`` - 59 municipalities (all ten cohort cities), release 2024;
* ``syke_alas_hinku_regions_2024`` - the 19 regions, release 2024; the country (``SSS``) is their
  sum, and the Swedish summary of the same release is checked against the English tables.

Every row carries its ``release`` and ``preliminary`` (Syke marks the latest year of a release as
preliminary). Per-resident values are derived from each release's own total and population
(``status = "derived"``); Syke's published per-resident figures are checked against them by the
readers and disagreements are flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.indicators import HINKU_SECTORS
from rvanalytics.readers.syke_tables import SykeTable

__all__ = ["check_same_release", "country_rows", "per_capita_rows", "table_rows", "with_release"]

_SECTOR_IDS = {slug: f"ghg_hinku_sector_{slug}_kt" for slug in HINKU_SECTORS.values()}
_COLUMNS = ["level", "code", "year", "indicator", "value", "unit", "source", "status", "release", "preliminary"]


def with_release(rows: pd.DataFrame, release: str) -> pd.DataFrame:
    """``rows`` with their ``release`` and ``preliminary``: Syke marks the latest year of a release as preliminary."""
    latest = rows.loc[rows["value"].notna(), "year"].max()
    return rows.assign(release=release, preliminary=rows["year"] == latest)


def _finish(rows: pd.DataFrame, source: str, release: str) -> pd.DataFrame:
    rows = with_release(rows.assign(source=source, status=np.where(rows["value"].isna(), "..",
                                                                   rows.get("status", ""))), release)
    return rows[_COLUMNS].reset_index(drop=True)


def table_rows(table: SykeTable, codes: Callable[[pd.Series], pd.Series], level: str, source: str,
               release: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Panel rows (sectors and total) and population of a Syke table.

    Parameters
    ----------
    table : SykeTable
        Must be on the ``hinku`` scope (Hinku rules without credits); any other method is refused,
        because the ``ghg_hinku_*`` indicators are defined on it.
    codes : callable
        Maps the table's area names to codes (raises :class:`DataFileError` for unknown names).
    level : {"municipality", "region"}

    Returns
    -------
    (DataFrame, DataFrame)
        Panel rows (``ghg_hinku_sector_*_kt``, ``ghg_hinku_total_kt``) and ``level, code, year, population``.
    """
    if table.method != "hinku":
        raise DataFileError(table.path, f"sheet {table.sheet!r}: method {table.method_label!r} is not Hinku without "
                                        "credits, the scope of the ghg_hinku_* indicators",
                            "download the table with 'Hinku-laskenta ilman päästöhyvityksiä' (Hinku calculation "
                            "without emission credits)")
    values = table.values.assign(code=codes(table.values["area"]).to_numpy())
    ids = {**_SECTOR_IDS, "total": "ghg_hinku_total_kt"}
    emissions = values[values["item"].isin(list(ids))]
    rows = pd.DataFrame({"level": level, "code": emissions["code"], "year": emissions["year"],
                         "indicator": emissions["item"].map(ids), "value": emissions["value"], "unit": "kt CO2e",
                         "status": ""})
    pop = values[values["item"] == "population"]
    population = pd.DataFrame({"level": level, "code": pop["code"], "year": pop["year"], "population": pop["value"]})
    return _finish(rows, source, release), population.reset_index(drop=True)


def per_capita_rows(rows: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """``ghg_hinku_per_capita_t`` = total × 1000 / population, of the same release (status "derived")."""
    total = rows[rows["indicator"] == "ghg_hinku_total_kt"]
    merged = total.merge(population, on=["level", "code", "year"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = merged["value"].to_numpy(dtype="float64") * 1000.0 / merged["population"].to_numpy(dtype="float64")
    bad = ~np.isfinite(value)
    value[bad] = np.nan
    out = merged.assign(indicator="ghg_hinku_per_capita_t", value=value, unit="t CO2e/person",
                        status=np.where(bad, "..", "derived"))
    return out[_COLUMNS].reset_index(drop=True)


def country_rows(regions: pd.DataFrame, population: pd.DataFrame, expected_regions: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country (``SSS``) rows as the sum of the region rows; NaN unless every region has a value."""
    reg = regions[regions["level"] == "region"]
    groups = reg.groupby(["indicator", "year"], sort=True)
    total = groups["value"].sum(min_count=1)
    complete = groups["value"].count() == expected_regions
    first = groups[["unit", "source", "release", "preliminary"]].first()
    out = first.assign(value=total.where(complete)).reset_index()
    out = out.assign(level="country", code="SSS", status=np.where(out["value"].isna(), "..", ""))
    pgroups = population.groupby("year")["population"]
    pop = pgroups.sum(min_count=1).where(pgroups.count() == expected_regions)
    country_pop = pd.DataFrame({"level": "country", "code": "SSS", "year": pop.index, "population": pop.to_numpy()})
    return out[_COLUMNS], country_pop


def check_same_release(english: pd.DataFrame, swedish: pd.DataFrame, path: Path, tolerance: float = 1e-6) -> int:
    """Two tables of the same release must agree: raise naming the first differing cell.

    Parameters
    ----------
    english, swedish : DataFrame
        ``code, year, item, value`` (region codes already resolved).

    Returns
    -------
    int
        Number of values compared.
    """
    merged = swedish.merge(english, on=["code", "year", "item"], how="left", suffixes=("", "_other"))
    missing = merged["value_other"].isna()
    if missing.any():
        r = merged[missing].iloc[0]
        raise DataFileError(path, f"{r['item']} {r['year']} of region {r['code']} is not in the English tables of the "
                                  "same release", "use files of one release")
    differs = (merged["value"] - merged["value_other"]).abs() > tolerance
    if differs.any():
        r = merged[differs].iloc[0]
        raise DataFileError(path, f"two files of the same release disagree: {r['item']} {r['year']} of region "
                                  f"{r['code']} is {r['value']} here and {r['value_other']} in the English table "
                                  f"({int(differs.sum())} differing values)",
                            "the files are not of the same release, or one was edited; download both again")
    return len(merged)
