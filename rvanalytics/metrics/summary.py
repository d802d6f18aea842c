"""Per-city metric summaries and the "all metrics" run over the whole panel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import check_panel, select
from rvanalytics.metrics.change import cagr, change_from_baseline, trend
from rvanalytics.metrics.coverage import data_freshness, missing_share
from rvanalytics.metrics.decoupling import decoupling
from rvanalytics.metrics.normalise import index_to_base, per_capita
from rvanalytics.metrics.peers import aggregate_areas, rank_peers
from rvanalytics.releases import comparison_release, comparison_view, select_series

__all__ = ["ADDITIVE_INDICATORS", "PER_CAPITA_PAIRS", "all_metrics", "city_metrics"]

#: Additive panel indicators (totals and counts) that may be summed over municipalities.
ADDITIVE_INDICATORS: tuple[str, ...] = (
    "population", "ghg_hinku_total_kt", "ghg_alas_total_kt", "road_transport_ghg_kt",
    "road_transport_energy_gwh", "road_transport_mileage_mkm",
    *(f"ghg_hinku_sector_{s}_kt" for s in (
        "consumer_electricity", "electric_heating", "district_heating", "oil_heating", "other_heating",
        "industry", "machinery", "road_transport", "rail_transport", "waterborne_transport",
        "agriculture", "waste", "f_gases")),
)
#: Per-capita indicator -> (additive numerator, scale): re-derived from sums for regions.
PER_CAPITA_PAIRS: dict[str, tuple[str, float]] = {
    "ghg_hinku_per_capita_t": ("ghg_hinku_total_kt", 1000.0),
    "ghg_alas_per_capita_t": ("ghg_alas_total_kt", 1000.0),
    "road_transport_ghg_per_capita_t": ("road_transport_ghg_kt", 1000.0),
    "road_transport_energy_per_capita_mwh": ("road_transport_energy_gwh", 1000.0),
    "road_transport_mileage_per_capita_km": ("road_transport_mileage_mkm", 1e6),
}
#: The panel columns :func:`city_metrics` reads.
_CITY_METRIC_COLUMNS = ("level", "code", "indicator", "year", "value", "unit", "release", "preliminary")
#: Indicators where a lower value is better (ranks ascending); others rank descending.
_LOWER_IS_BETTER_PREFIXES = ("ghg_", "road_transport_", "consumption_footprint")


def _ascending(indicator: str, catalogue: pd.DataFrame | None = None) -> bool:
    """Rank ascending (1 = lowest)? From the catalogue's ``direction`` when it knows the id."""
    if catalogue is not None and "direction" in catalogue.columns and indicator in catalogue.index:
        direction = catalogue.at[indicator, "direction"]
        if direction == "lower_is_better":
            return True
        if direction in ("higher_is_better", "neutral"):
            return False
    return indicator.startswith(_LOWER_IS_BETTER_PREFIXES)


def catalogue_rules(catalogue: pd.DataFrame | None) -> tuple[list[str], dict[str, tuple[str, float]]]:
    """Additive indicators and per-capita pairs from an indicator catalogue (index = id).

    Uses the catalogue's ``additive``, ``numerator`` and ``scale`` columns when present, else
    :data:`ADDITIVE_INDICATORS` and :data:`PER_CAPITA_PAIRS`.
    """
    if catalogue is None or "additive" not in catalogue.columns:
        return list(ADDITIVE_INDICATORS), dict(PER_CAPITA_PAIRS)
    additive = [str(i) for i, a in catalogue["additive"].items() if a is True or a == 1]
    pairs: dict[str, tuple[str, float]] = {}
    if {"numerator", "scale"} <= set(catalogue.columns):
        for ind, row in catalogue.iterrows():
            if isinstance(row["numerator"], str) and pd.notna(row["scale"]):
                pairs[str(ind)] = (row["numerator"], float(row["scale"]))
    return additive, pairs


def city_metrics(
    panel: pd.DataFrame,
    municipalities: pd.DataFrame,
    codes: Iterable[str],
    *,
    indicators: Iterable[str] | None = None,
    since: int = 2005,
    trend_years: int = 10,
    catalogue: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per city x indicator: latest value, change since ``since``, trend and peer ranks.

    Columns ``code, indicator, unit, latest_year, latest_value, since_year, since_value,
    pct_change_since, trend_first_year, trend_pct, trend_pct_low, trend_pct_high`` (Theil–Sen
    on log values over the last ``trend_years`` years, 90 % interval), ``rank_all, n_all,
    rank_region, n_region, rank_size, n_size`` (rank 1 = lowest value for emissions and
    transport indicators, highest otherwise, or as the catalogue's ``direction`` says when a
    ``catalogue`` (index = indicator id) is given; ranked in each indicator's latest
    well-covered year, see :func:`rank_peers`).

    When the panel holds several data releases (column ``release``), the city's own values come
    from the newest release of each series (:func:`rvanalytics.releases.select_series`; column
    ``release``, and ``latest_preliminary``) and the ranks from the one release with the most
    municipalities (:func:`rvanalytics.releases.comparison_view`; column ``rank_release``), so
    no rank mixes releases. ``n_municipalities`` is the number of municipalities in
    ``municipalities``: ``n_all`` of ``n_municipalities`` have data.
    """
    codes = list(dict.fromkeys(codes))
    check_panel(panel)
    # only the columns used: every filter and release choice below then copies less
    everything = select(panel[[c for c in _CITY_METRIC_COLUMNS if c in panel.columns]], indicators)
    if "level" in everything.columns:
        everything = everything[everything["level"] == "municipality"]
    data = select_series(everything)
    units = data.dropna(subset=["unit"]).groupby("indicator")["unit"].first() if "unit" in data.columns else None
    mine = data[data["code"].isin(codes)]
    ch = change_from_baseline(mine, since)
    tr = trend(mine, last_n_years=trend_years)
    out = ch[["code", "indicator", "latest_year", "latest_value", "baseline_year", "baseline_value", "pct_change"]]
    out = out.rename(columns={"baseline_year": "since_year", "baseline_value": "since_value",
                              "pct_change": "pct_change_since"})
    out = out.merge(tr[["code", "indicator", "first_year", "annual_pct", "annual_pct_low", "annual_pct_high"]]
                    .rename(columns={"first_year": "trend_first_year", "annual_pct": "trend_pct",
                                     "annual_pct_low": "trend_pct_low", "annual_pct_high": "trend_pct_high"}),
                    on=["code", "indicator"], how="left")
    inds = sorted(set(out["indicator"]))
    compared = comparison_view(everything[everything["indicator"].isin(inds)])
    ranks = rank_peers(compared, municipalities, inds, ascending={i: _ascending(i, catalogue) for i in inds})
    ranks = ranks[ranks["code"].isin(codes)][["code", "indicator", "year", "rank_all", "n_all", "rank_region",
                                              "n_region", "rank_size", "n_size"]].rename(columns={"year": "rank_year"})
    out = out.merge(ranks, on=["code", "indicator"], how="left")
    out["n_municipalities"] = int(municipalities["code"].nunique())
    if "release" in data.columns:
        key = mine.set_index(["code", "indicator", "year"])  # the cities' rows: their latest years are there
        index = pd.MultiIndex.from_arrays([out["code"], out["indicator"], out["latest_year"].astype("Int64")])
        out["release"] = key["release"].reindex(index).fillna("").to_numpy()
        out["latest_preliminary"] = key["preliminary"].reindex(index).fillna(False).astype(bool).to_numpy()
        out["rank_release"] = out["indicator"].map(comparison_release(compared)).fillna("").to_numpy()
    for col in ("rank_year", "rank_all", "n_all", "rank_region", "n_region", "rank_size", "n_size"):
        out[col] = pd.array(out[col].to_numpy(dtype="float64", na_value=np.nan), dtype="Float64").astype("Int64")
    out.insert(2, "unit", out["indicator"].map(units) if units is not None else None)
    return out.sort_values(["code", "indicator"]).reset_index(drop=True)


def all_metrics(
    panel: pd.DataFrame,
    municipalities: pd.DataFrame,
    *,
    base_year: int = 2005,
    window: tuple[int, int] | None = None,
    additive: Iterable[str] | None = None,
    per_capita_pairs: Mapping[str, tuple[str, float]] | None = None,
    catalogue: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every metric for every municipality and indicator of the panel (used by the benchmark).

    ``additive`` and ``per_capita_pairs`` default to the catalogue's rules
    (:func:`catalogue_rules`), or the built-in lists without a catalogue.

    Returns a dict of DataFrames: ``per_capita``, ``index``, ``change``, ``cagr``, ``trend``,
    ``ranks``, ``aggregates``, ``decoupling``, ``freshness``, ``missing``.
    """
    cat_add, cat_pairs = catalogue_rules(catalogue)
    additive = cat_add if additive is None else list(additive)
    per_capita_pairs = cat_pairs if per_capita_pairs is None else dict(per_capita_pairs)
    data = select(panel, None)
    if "level" in data.columns:
        data = data[data["level"] == "municipality"]
    # only the columns the metrics use: every merge and pivot then moves less data
    data = data[[c for c in ("level", "code", "year", "indicator", "value", "unit") if c in data.columns]]
    present = set(data["indicator"].unique())
    years = sorted(data["year"].unique())
    if window is None:
        window = (max(int(years[0]), years[-1] - 10), int(years[-1]))
    add = [i for i in additive if i in present]
    out: dict[str, pd.DataFrame] = {}
    out["per_capita"] = per_capita(data, [i for i in add if i != "population"]) if "population" in present else pd.DataFrame()
    out["index"] = index_to_base(data, base_year)
    out["change"] = change_from_baseline(data, base_year)
    span = window[1] > window[0]  # a panel of one year has no window for rates
    out["cagr"] = cagr(data, *window) if span else pd.DataFrame()
    out["trend"] = trend(data, last_n_years=10)
    inds = sorted(present)
    out["ranks"] = rank_peers(data, municipalities, inds, ascending={i: _ascending(i, catalogue) for i in inds})
    pcs = {k: v for k, v in per_capita_pairs.items() if v[0] in present and "population" in present}
    out["aggregates"] = aggregate_areas(data, municipalities, add, per_capita=pcs)
    pressures = [i for i in ("ghg_hinku_total_kt", "ghg_alas_total_kt", "road_transport_energy_gwh") if i in present]
    out["decoupling"] = (decoupling(data, *window, pressure=pressures)
                         if span and pressures and "population" in present else pd.DataFrame())
    out["freshness"] = data_freshness(data)
    out["missing"] = missing_share(data, municipalities["code"])
    return out


