"""Peers and regions: ranks among municipalities, and regional / national aggregates.

Aggregates are computed from additive indicators (totals, counts) by summing over the
member municipalities; rates and per-capita values of a region are re-derived from the
sums (:math:`\\sum_i E_i / \\sum_i P_i`), never by averaging the municipalities' rates. A
region-year whose members are not all reported gets NaN (missing is never zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import (
    check_columns,
    check_panel,
    per_indicator,
    select,
    well_covered_year,
)

__all__ = ["COUNTRY_CODE", "aggregate_areas", "municipality_attributes", "rank_peers"]

COUNTRY_CODE = "SSS"
#: The panel columns :func:`rank_peers` reads (:func:`aggregate_areas` also ``unit``).
_RANK_COLUMNS = ("level", "code", "indicator", "year", "value")


def municipality_attributes(key: pd.DataFrame, panel: pd.DataFrame, year: int | None = None,
                            *, population: str = "population", min_share: float = 0.9) -> pd.DataFrame:
    """``code, region_code, population, size_class`` for every municipality of ``key``.

    The size class (:func:`rvanalytics.key.size_class`) comes from the panel's population in
    ``year`` (default: the latest year in which at least ``min_share`` of the municipalities
    have a population value); NaN where there is none.

    Examples
    --------
    >>> key = pd.DataFrame({"code": ["091", "167"], "region_code": ["01", "12"]})
    >>> p = pd.DataFrame({"code": ["091", "167"], "year": 2024, "indicator": "population",
    ...                   "value": [684_000.0, 78_741.0]})
    >>> municipality_attributes(key, p)["size_class"].tolist()
    ['>100k', '50–100k']
    """
    from rvanalytics.key import size_class

    check_columns(key, ["code", "region_code"], "the municipality key")
    pop = select(panel, population)
    if "level" in pop.columns:
        pop = pop[pop["level"] == "municipality"]
    if year is None:
        best = well_covered_year(pop, min_share)
        year = int(best.iloc[0]) if len(best) else None
    pop = pop[pop["year"] == year][["code", "value"]].rename(columns={"value": "population"})
    out = key[["code", "region_code"]].merge(pop, on="code", how="left")
    out["size_class"] = size_class(out["population"].astype("float64"))
    out["population_year"] = year
    return out


def rank_peers(
    panel: pd.DataFrame,
    municipalities: pd.DataFrame,
    indicators: str | Iterable[str] | None = None,
    *,
    year: int | Mapping[str, int] | None = None,
    ascending: bool | Mapping[str, bool] = True,
    min_share: float = 0.9,
) -> pd.DataFrame:
    """Rank and percentile of every municipality among all, within its region and its size class.

    Rank 1 is the lowest value (``ascending=True``, e.g. emissions per capita) or the
    highest (``False``); ties share the best rank (``method="min"``). The percentile is the
    share (%) of the group's municipalities whose value ranks at or before the own value
    (100 = last). Municipalities with a missing value get no rank and are not counted in
    ``n_*``. Each indicator is ranked in ``year`` (one year for all, or a mapping indicator ->
    year: an indicator without a year is left out) or, by default, its latest year in which at
    least ``min_share`` (90 %) of the municipalities that ever report it have a value (a last
    year reported by a handful of municipalities is not a fair comparison).

    Parameters
    ----------
    panel : DataFrame
        Long panel (municipality rows are used).
    municipalities : DataFrame
        ``code``, ``region_code``, ``size_class`` (see :func:`municipality_attributes`).
    ascending : bool or mapping indicator -> bool

    Returns
    -------
    DataFrame
        ``code, indicator, year, value, region_code, size_class, rank_all, n_all, pct_all,
        rank_region, n_region, pct_region, rank_size, n_size, pct_size``.

    Examples
    --------
    >>> m = pd.DataFrame({"code": ["a", "b", "c"], "region_code": ["01", "01", "02"],
    ...                   "size_class": ["<5k"] * 3})
    >>> p = pd.DataFrame({"code": ["a", "b", "c"], "year": 2024, "indicator": "x", "value": [3.0, 1.0, 2.0]})
    >>> rank_peers(p, m)[["code", "rank_all", "rank_region", "pct_all"]].to_dict("records")[0]
    {'code': 'a', 'rank_all': 3, 'rank_region': 2, 'pct_all': 100.0}
    """
    check_columns(municipalities, ["code", "region_code", "size_class"], "the municipalities table")
    check_panel(panel)
    # only the columns used: every filter below then copies less
    data = select(panel[[c for c in _RANK_COLUMNS if c in panel.columns]], indicators)
    keep = data["code"].isin(set(municipalities["code"]))
    if "level" in data.columns:
        keep &= data["level"] == "municipality"
    data = data[keep]
    if year is None or isinstance(year, Mapping):
        years = well_covered_year(data, min_share) if year is None else pd.Series(year, dtype="float64")
        data = data[data["year"] == per_indicator(data["indicator"], years)]
    else:
        data = data[data["year"] == year]
    out = data[["code", "indicator", "year", "value"]].merge(
        municipalities[["code", "region_code", "size_class"]], on="code", how="left")
    if isinstance(ascending, Mapping):  # an indicator not in the mapping ranks ascending
        signs = pd.Series({i: 1.0 if asc else -1.0 for i, asc in ascending.items()}, dtype="float64")
        sign = np.nan_to_num(per_indicator(out["indicator"], signs), nan=1.0)
    else:
        sign = 1.0 if ascending else -1.0
    out["_v"] = out["value"] * sign
    for name, keys in (("all", ["indicator"]), ("region", ["indicator", "region_code"]),
                       ("size", ["indicator", "size_class"])):
        g = out.groupby(keys, dropna=False)["_v"]
        out[f"rank_{name}"] = g.rank(method="min").astype("Int64")
        out[f"n_{name}"] = g.transform("count").astype("int64")
        out[f"pct_{name}"] = 100.0 * g.rank(method="max", pct=True)
        missing_group = out[keys[-1]].isna() if name != "all" else False
        if name != "all":
            out.loc[missing_group, [f"rank_{name}", f"pct_{name}"]] = np.nan
    return out.drop(columns="_v").sort_values(["indicator", "code"]).reset_index(drop=True)


def aggregate_areas(
    panel: pd.DataFrame,
    municipalities: pd.DataFrame,
    indicators: str | Iterable[str],
    *,
    per_capita: Mapping[str, tuple[str, float]] | None = None,
    population: str = "population",
    country: bool = True,
) -> pd.DataFrame:
    """Regional (maakunta) and national sums of additive indicators, and per-capita values re-derived.

    :math:`X_r = \\sum_{i \\in r} x_i` over the municipalities ``i`` of region ``r`` in
    ``municipalities``; NaN unless every member has a value (``n_reported`` of
    ``n_expected``). For each ``per_capita`` entry ``new_id: (numerator, scale)``:
    :math:`\\mathrm{new}_r = s \\cdot X_r / P_r` with :math:`P_r` the summed population -
    which equals the population-weighted mean of the municipalities' per-capita values.

    Parameters
    ----------
    indicators : str or list of str
        Additive indicators to sum (include ``population`` if per-capita values are wanted).
    per_capita : mapping, optional
        e.g. ``{"ghg_hinku_per_capita_t": ("ghg_hinku_total_kt", 1000.0)}``.
    country : bool
        Also the national total (``level="country"``, ``code="SSS"``).

    Returns
    -------
    DataFrame
        Panel-shaped rows (``level`` "region"/"country", ``status`` "derived") plus
        ``n_reported`` and ``n_expected``.

    Examples
    --------
    >>> m = pd.DataFrame({"code": ["a", "b"], "region_code": ["01", "01"]})
    >>> p = pd.DataFrame({"code": ["a", "b", "a", "b"], "year": 2024,
    ...                   "indicator": ["ghg", "ghg", "population", "population"],
    ...                   "value": [10.0, 30.0, 1000.0, 3000.0]})
    >>> agg = aggregate_areas(p, m, ["ghg", "population"], per_capita={"ghg_pc": ("ghg", 1.0)}, country=False)
    >>> agg.set_index("indicator")["value"].to_dict()
    {'ghg': 40.0, 'population': 4000.0, 'ghg_pc': 0.01}
    """
    check_columns(municipalities, ["code", "region_code"], "the municipalities table")
    inds = [indicators] if isinstance(indicators, str) else list(indicators)
    per_capita = dict(per_capita or {})
    needed = set(inds) | {num for num, _ in per_capita.values()} | ({population} if per_capita else set())
    check_panel(panel)
    data = select(panel[[c for c in (*_RANK_COLUMNS, "unit") if c in panel.columns]], sorted(needed))
    if "level" in data.columns:
        data = data[data["level"] == "municipality"]
    members = municipalities[["code", "region_code"]].copy()
    groups = [("region", members.rename(columns={"region_code": "area"}))]
    if country:
        groups.append(("country", members.assign(area=COUNTRY_CODE)[["code", "area"]]))
    units = data.dropna(subset=["unit"]).groupby("indicator")["unit"].first() if "unit" in data.columns else None
    frames = []
    for level, mem in groups:
        expected = mem.groupby("area").size().rename("n_expected")
        d = data[["code", "year", "indicator", "value"]].merge(mem[["code", "area"]], on="code", how="inner")
        g = d.groupby(["area", "year", "indicator"])["value"]
        agg = pd.DataFrame({"value": g.sum(min_count=1), "n_reported": g.count()}).reset_index()
        agg = agg.merge(expected, left_on="area", right_index=True, how="left")
        agg.loc[agg["n_reported"] < agg["n_expected"], "value"] = np.nan
        agg["level"] = level
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    derived = []
    if per_capita:
        pop = out[out["indicator"] == population][["level", "area", "year", "value", "n_reported"]]
        pop = pop.rename(columns={"value": "_pop", "n_reported": "_pop_n"})
        for new_id, (num, scale) in per_capita.items():
            x = out[out["indicator"] == num].merge(pop, on=["level", "area", "year"], how="left")
            x["value"] = x["value"] * scale / x["_pop"].where(x["_pop"] > 0)
            x["n_reported"] = np.minimum(x["n_reported"], x["_pop_n"].fillna(0)).astype("int64")
            x["indicator"] = new_id
            derived.append(x.drop(columns=["_pop", "_pop_n"]))
    keep = out[out["indicator"].isin(inds)]
    out = pd.concat([keep, *derived], ignore_index=True).rename(columns={"area": "code"})
    if units is not None:
        out["unit"] = out["indicator"].map(units)
        for new_id, (num, _) in per_capita.items():
            out.loc[out["indicator"] == new_id, "unit"] = None
    out["status"] = "derived"
    cols = ["level", "code", "year", "indicator", "value", *(["unit"] if units is not None else []),
            "status", "n_reported", "n_expected"]
    return out[cols].reset_index(drop=True)
