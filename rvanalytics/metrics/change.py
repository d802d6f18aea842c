"""Change over time: change from a baseline year, compound annual rate, robust trend.

Every function works on all series of the panel at once (one row per
``level, code, indicator``), vectorised over a series x year matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import latest, select, value_at, wide

__all__ = ["cagr", "change_from_baseline", "theil_sen", "theil_sen_matrix", "trend"]


def change_from_baseline(
    panel: pd.DataFrame,
    baseline_year: int,
    indicators: str | Iterable[str] | None = None,
    *,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Absolute and percentage change from ``baseline_year`` to the latest year with data.

    :math:`\\Delta = x_{t_1} - x_{t_0}`, :math:`\\Delta\\% = 100\\,(x_{t_1} / x_{t_0} - 1)`,
    where :math:`t_0` is ``baseline_year`` and :math:`t_1` the last year with a value
    (at most ``end_year``).

    Returns
    -------
    DataFrame
        ``level, code, indicator, baseline_year, baseline_value, latest_year, latest_value,
        abs_change, pct_change``; NaN where the baseline or the latest value is missing.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["167"] * 3, "year": [2007, 2020, 2024],
    ...                   "indicator": ["ghg"] * 3, "value": [400.0, 300.0, 250.0]})
    >>> change_from_baseline(p, 2007)[["latest_year", "abs_change", "pct_change"]].to_dict("records")
    [{'latest_year': 2024, 'abs_change': -150.0, 'pct_change': -37.5}]
    """
    mat = wide(select(panel, indicators))
    base = value_at(mat, baseline_year)
    ly, lv = latest(mat, until=end_year)
    out = mat.index.to_frame(index=False)
    out["baseline_year"] = int(baseline_year)
    out["baseline_value"] = base
    out["latest_year"] = pd.array(np.where(np.isnan(ly), np.nan, ly), dtype="Float64").astype("Int64")
    out["latest_value"] = lv
    out["abs_change"] = lv - base
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_change"] = np.where(base != 0, 100.0 * (lv / base - 1.0), np.nan)
    return out


def cagr(
    panel: pd.DataFrame,
    start_year: int,
    end_year: int,
    indicators: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Compound annual growth rate over a window, in % a year.

    :math:`r = 100\\,[(x_{t_1}/x_{t_0})^{1/(t_1-t_0)} - 1]`. NaN when either end is missing,
    or the two values are not both positive.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["a", "a"], "year": [2010, 2012], "indicator": ["x", "x"],
    ...                   "value": [100.0, 81.0]})
    >>> round(cagr(p, 2010, 2012)["cagr_pct"].item(), 6)
    -10.0
    """
    if end_year <= start_year:
        raise ValueError(f"end_year ({end_year}) must be after start_year ({start_year})")
    mat = wide(select(panel, indicators))
    v0, v1 = value_at(mat, start_year), value_at(mat, end_year)
    out = mat.index.to_frame(index=False)
    out["start_year"], out["end_year"] = int(start_year), int(end_year)
    out["start_value"], out["end_value"] = v0, v1
    ok = (v0 > 0) & (v1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cagr_pct"] = np.where(ok, 100.0 * ((v1 / v0) ** (1.0 / (end_year - start_year)) - 1.0), np.nan)
    return out


#: ``scipy.special.ndtri(p)`` (= ``scipy.stats.norm.ppf``) at ``p`` = half of 1 − the usual confidence
#: levels (0.90, 0.95, 0.99, 0.80), as it returns them: a report kernel then does not import
#: scipy.special (0.1 s). tests/test_metrics_basic.py checks them against scipy.
_NORMAL_QUANTILES: dict[float, float] = {
    0.04999999999999999: -1.6448536269514729,
    0.025000000000000022: -1.959963984540054,
    0.0050000000000000044: -2.5758293035489004,
    0.09999999999999998: -1.2815515655446004,
}


def _ndtri(p: float) -> float:
    """The standard normal quantile of ``p`` (``scipy.special.ndtri``)."""
    if p in _NORMAL_QUANTILES:
        return _NORMAL_QUANTILES[p]
    # = scipy.stats.norm.ppf, without importing scipy.stats (0.45 s)
    from scipy.special import ndtri

    return float(ndtri(p))


def theil_sen_matrix(years: np.ndarray, values: np.ndarray, alpha: float = 0.95) -> dict[str, np.ndarray]:
    """Theil–Sen slope with Sen's confidence interval for every row of ``values`` at once.

    Same estimator and interval as :func:`scipy.stats.theilslopes` (``method="separate"``),
    row by row, ignoring NaN cells: the slope is the median of the pairwise slopes
    :math:`(y_j - y_i)/(x_j - x_i)`, :math:`x_i < x_j`; the interval takes the sorted
    pairwise slopes at ranks :math:`(N \\mp z\\sigma)/2` with Sen's (1968) variance
    :math:`\\sigma^2 = [n(n-1)(2n+5) - \\sum_{ties} k(k-1)(2k+5)]/18`.

    Parameters
    ----------
    years : array (n_years,)
        Distinct x values (sorted ascending).
    values : array (n_series, n_years)
        y values, NaN where missing.
    alpha : float
        Confidence level of the interval (0.95 = 95 %).

    Returns
    -------
    dict of arrays (n_series,)
        ``slope``, ``intercept``, ``low``, ``high``, ``n`` (points used).
    """
    x = np.asarray(years, dtype="float64")
    y = np.asarray(values, dtype="float64")
    n_series, n_years = y.shape
    # bound the memory of the pairwise-slope matrix (rows x n(n-1)/2 floats) to ~50 MB a chunk
    chunk = max(1, int(6e6 // max(1, n_years * (n_years - 1) // 2)))
    if n_series > chunk:
        parts = [theil_sen_matrix(x, y[i:i + chunk], alpha) for i in range(0, n_series, chunk)]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    i, j = np.triu_indices(n_years, k=1)
    dx = x[j] - x[i]
    slopes = (y[:, j] - y[:, i]) / dx[None, :]
    slopes.sort(axis=1)  # NaN last
    nt = (~np.isnan(slopes)).sum(axis=1)
    rows = np.arange(n_series)
    if slopes.shape[1]:
        lo_i, hi_i = np.maximum((nt - 1) // 2, 0), np.maximum(nt // 2, 0)
        slope = 0.5 * (slopes[rows, np.minimum(lo_i, slopes.shape[1] - 1)]
                       + slopes[rows, np.minimum(hi_i, slopes.shape[1] - 1)])
    else:
        slope = np.full(n_series, np.nan)
    slope = np.where(nt > 0, slope, np.nan)
    ok = ~np.isnan(y)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, as intended
        ymed = np.nanmedian(np.where(ok.any(axis=1)[:, None], y, 0.0), axis=1) if n_series else np.empty(0)
        xmed = np.nanmedian(np.where(ok, x[None, :], np.nan), axis=1) if n_series and n_years else np.full(n_series, np.nan)
    intercept = ymed - slope * xmed
    # Ties in y (x has none): each value's multiplicity c gives sum over groups of k(k-1)(2k+5)
    eq = (y[:, :, None] == y[:, None, :])  # NaN never equal
    c = eq.sum(axis=2).astype("float64")
    ties = np.where(ok, (c - 1) * (2 * c + 5), 0.0).sum(axis=1)
    sigsq = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    a = 1.0 - alpha if alpha > 0.5 else alpha
    z = _ndtri(a / 2.0)
    sigma = np.sqrt(np.maximum(sigsq, 0.0))
    ru = np.minimum(np.round((nt - z * sigma) / 2.0).astype("int64"), nt - 1)
    rl = np.maximum(np.round((nt + z * sigma) / 2.0).astype("int64") - 1, 0)
    has = nt > 0
    low = np.where(has, slopes[rows, np.clip(rl, 0, max(slopes.shape[1] - 1, 0))] if slopes.shape[1] else np.nan, np.nan)
    high = np.where(has, slopes[rows, np.clip(ru, 0, max(slopes.shape[1] - 1, 0))] if slopes.shape[1] else np.nan, np.nan)
    return {"slope": slope, "intercept": intercept, "low": low, "high": high, "n": n}


def theil_sen(x: Iterable[float], y: Iterable[float], alpha: float = 0.95) -> tuple[float, float, float, float]:
    """One series: ``(slope, intercept, low, high)`` of :func:`theil_sen_matrix` (NaN-aware).

    Examples
    --------
    >>> slope, _, low, high = theil_sen([2000, 2001, 2002, 2003], [4.0, 3.0, 2.0, 1.0])
    >>> slope, low <= slope <= high
    (-1.0, True)
    """
    r = theil_sen_matrix(np.asarray(list(x)), np.asarray([list(y)], dtype="float64"), alpha)
    return float(r["slope"][0]), float(r["intercept"][0]), float(r["low"][0]), float(r["high"][0])


def trend(
    panel: pd.DataFrame,
    indicators: str | Iterable[str] | None = None,
    *,
    start_year: int | None = None,
    end_year: int | None = None,
    last_n_years: int | None = None,
    alpha: float = 0.90,
    min_points: int = 5,
) -> pd.DataFrame:
    """Robust trend of each series: Theil–Sen slope of :math:`\\ln x_t` on :math:`t`, as % a year.

    :math:`r = 100\\,(e^{b} - 1)` where :math:`b` is the Theil–Sen slope of the log values;
    the interval is Sen's interval of :math:`b` (confidence ``alpha``) transformed the same way.
    Log values need positive data: zero or negative values are not used and counted in
    ``n_nonpositive``. A series with fewer than ``min_points`` usable years gets NaN.

    Parameters
    ----------
    start_year, end_year : int, optional
        Window of years (inclusive).
    last_n_years : int, optional
        Use only the last ``n`` calendar years up to each series' latest year with data
        (e.g. 10 for "the current trend").
    alpha : float
        Confidence level (default 0.90).
    min_points : int
        Fewest years with positive values for a trend.

    Returns
    -------
    DataFrame
        ``level, code, indicator, first_year, last_year, n_points, n_nonpositive, slope_log,
        annual_pct, annual_pct_low, annual_pct_high``.

    Examples
    --------
    >>> years = list(range(2010, 2020))
    >>> p = pd.DataFrame({"code": "a", "year": years, "indicator": "x",
    ...                   "value": [100 * 0.95 ** (y - 2010) for y in years]})
    >>> round(trend(p)["annual_pct"].item(), 6)
    -5.0
    """
    data = select(panel, indicators)
    if start_year is not None:
        data = data[data["year"] >= start_year]
    if end_year is not None:
        data = data[data["year"] <= end_year]
    mat = wide(data)
    raw = mat.to_numpy(dtype="float64")
    years = mat.columns.to_numpy(dtype="float64")
    if last_n_years is not None:
        ly, _ = latest(mat)
        keep = (years[None, :] > (ly[:, None] - last_n_years)) & (years[None, :] <= ly[:, None])
        raw = np.where(keep, raw, np.nan)
        used_cols = keep.any(axis=0)  # fewer columns -> far fewer pairwise slopes
        raw, years = raw[:, used_cols], years[used_cols]
    nonpos = (raw <= 0) & ~np.isnan(raw)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(raw > 0, np.log(raw), np.nan)
    res = theil_sen_matrix(years, logs, alpha)
    usable = ~np.isnan(logs)
    out = mat.index.to_frame(index=False)
    yr = np.where(usable, years[None, :], np.nan)
    with np.errstate(invalid="ignore"):
        first = np.where(usable.any(axis=1), np.nanmin(np.where(usable, yr, np.inf), axis=1), np.nan)
        last = np.where(usable.any(axis=1), np.nanmax(np.where(usable, yr, -np.inf), axis=1), np.nan)
    out["first_year"] = pd.array(first, dtype="Float64").astype("Int64")
    out["last_year"] = pd.array(last, dtype="Float64").astype("Int64")
    out["n_points"] = res["n"].astype("int64")
    out["n_nonpositive"] = nonpos.sum(axis=1).astype("int64")
    enough = res["n"] >= min_points
    out["slope_log"] = np.where(enough, res["slope"], np.nan)
    out["annual_pct"] = 100.0 * np.expm1(out["slope_log"].to_numpy())
    out["annual_pct_low"] = np.where(enough, 100.0 * np.expm1(res["low"]), np.nan)
    out["annual_pct_high"] = np.where(enough, 100.0 * np.expm1(res["high"]), np.nan)
    return out
