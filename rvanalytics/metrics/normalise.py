"""Normalisation: per capita, per km² of land, and an index to a base year (= 100).

All functions take the long panel (docs/design.md, "Panel") and return rows of the
same shape (``level, code, year, indicator, value, unit, source, status, division_year``)
with ``status = "derived"`` and a new indicator id, so the results can be appended to
the panel. A missing numerator or denominator gives a missing result; nothing is
treated as zero.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import check_columns, select, with_level

__all__ = ["index_to_base", "per_area", "per_capita"]


def _derived(rows: pd.DataFrame, value: pd.Series | np.ndarray, indicator: pd.Series | str,
             unit: pd.Series | str) -> pd.DataFrame:
    out = rows.copy()
    out["indicator"] = indicator
    out["value"] = np.asarray(value, dtype="float64")
    out["unit"] = unit
    out["status"] = "derived"
    return out.reset_index(drop=True)


def per_capita(
    panel: pd.DataFrame,
    indicators: str | Iterable[str] | None = None,
    *,
    population: str = "population",
    scale: float = 1.0,
    suffix: str = "_per_capita",
    unit_suffix: str = "/person",
) -> pd.DataFrame:
    """Values per inhabitant: :math:`x_{c,t} \\cdot s / P_{c,t}`.

    The population :math:`P` is the ``population`` indicator of the same level, code
    and year; ``s`` is ``scale`` (e.g. 1000 to turn kt/person into t/person).

    Parameters
    ----------
    panel : DataFrame
        Long panel with the numerators and the population.
    indicators : str or list of str, optional
        Numerator indicators (default: every indicator except the population). Use
        additive indicators (totals); per-capita of a rate is meaningless.
    population : str
        Indicator id of the population.
    scale : float
        Multiplier of the quotient.
    suffix, unit_suffix : str
        Appended to the indicator id and to the unit of the result.

    Returns
    -------
    DataFrame
        Panel-shaped rows, indicator ``<id><suffix>``; NaN where the population is missing or 0.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["167"] * 2, "year": [2024] * 2,
    ...                   "indicator": ["ghg_hinku_total_kt", "population"],
    ...                   "value": [260.0, 80_000.0], "unit": ["kt CO2e", "persons"]})
    >>> per_capita(p, "ghg_hinku_total_kt", scale=1000)[["indicator", "value", "unit"]].to_dict("records")
    [{'indicator': 'ghg_hinku_total_kt_per_capita', 'value': 3.25, 'unit': 'kt CO2e/person'}]
    """
    data = select(panel, None)
    pop = data[data["indicator"] == population][["level", "code", "year", "value"]].rename(columns={"value": "_pop"})
    if indicators is None:
        num = data[data["indicator"] != population]
    else:
        num = select(data, indicators)
    merged = num.merge(pop, on=["level", "code", "year"], how="left", validate="many_to_one")
    denom = merged["_pop"].where(merged["_pop"] != 0)
    value = merged["value"] * scale / denom
    unit = merged["unit"].astype("str") + unit_suffix if "unit" in merged.columns else unit_suffix.lstrip("/")
    return _derived(merged.drop(columns="_pop"), value, merged["indicator"] + suffix, unit)


def per_area(
    panel: pd.DataFrame,
    land_area: pd.DataFrame,
    indicators: str | Iterable[str] | None = None,
    *,
    suffix: str = "_per_km2",
) -> pd.DataFrame:
    """Values per km² of land: :math:`x_{c,t} / A_c`.

    Parameters
    ----------
    panel : DataFrame
        Long panel.
    land_area : DataFrame
        ``code`` and ``land_area_km2`` (as in ``load_municipalities(year)``); with a ``year``
        column the area of each year is used, else one area per code for all years.
    indicators : str or list of str, optional
        Numerators (default: all).

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["091"], "year": [2024], "indicator": ["population"],
    ...                   "value": [684_000.0], "unit": ["persons"]})
    >>> area = pd.DataFrame({"code": ["091"], "land_area_km2": [214.0]})
    >>> round(per_area(p, area)["value"].item(), 1)
    3196.3
    """
    check_columns(land_area, ["code", "land_area_km2"], "land_area")
    data = select(panel, indicators)
    keys = ["code", "year"] if "year" in land_area.columns else ["code"]
    area = land_area[[*keys, "land_area_km2"]]
    if area.duplicated(keys).any():
        raise ValueError(f"land_area has more than one row per {keys}")
    merged = data.merge(area, on=keys, how="left")
    denom = merged["land_area_km2"].where(merged["land_area_km2"] > 0)
    value = merged["value"] / denom
    unit = merged["unit"].astype("str") + "/km2" if "unit" in merged.columns else "per km2"
    return _derived(merged.drop(columns="land_area_km2"), value, merged["indicator"] + suffix, unit)


def index_to_base(
    panel: pd.DataFrame,
    base_year: int,
    indicators: str | Iterable[str] | None = None,
    *,
    suffix: str = "_index",
) -> pd.DataFrame:
    """Index each series to its value in ``base_year`` = 100: :math:`100\\,x_t / x_{base}`.

    A series with no value (or a value of 0) in the base year gets NaN throughout.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["167"] * 3, "year": [2007, 2015, 2024],
    ...                   "indicator": ["ghg_hinku_total_kt"] * 3, "value": [400.0, 300.0, 200.0]})
    >>> index_to_base(p, 2007)["value"].tolist()
    [100.0, 75.0, 50.0]
    """
    data = with_level(select(panel, indicators))
    base = data[data["year"] == base_year][["level", "code", "indicator", "value"]].rename(columns={"value": "_base"})
    if base.duplicated(["level", "code", "indicator"]).any():
        raise ValueError("the panel has more than one value per series in the base year")
    merged = data.merge(base, on=["level", "code", "indicator"], how="left")
    value = 100.0 * merged["value"] / merged["_base"].where(merged["_base"] != 0)
    return _derived(merged.drop(columns="_base"), value, merged["indicator"] + suffix, f"index {base_year}=100")
