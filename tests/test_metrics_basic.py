"""Normalisation and change metrics on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.metrics import (
    cagr,
    change_from_baseline,
    index_to_base,
    per_area,
    per_capita,
    theil_sen,
    theil_sen_matrix,
    trend,
)


def _panel(rows: list[tuple[str, int, str, float]], unit: str | None = None) -> pd.DataFrame:
    p = pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])
    p.insert(0, "level", "municipality")
    if unit is not None:
        p["unit"] = unit
    return p


def test_per_capita_hand_case_and_missing_population() -> None:
    p = _panel([
        ("a", 2020, "ghg", 10.0), ("a", 2020, "population", 2000.0),
        ("a", 2021, "ghg", 9.0), ("a", 2021, "population", np.nan),
        ("b", 2020, "ghg", np.nan), ("b", 2020, "population", 500.0),
        ("c", 2020, "ghg", 4.0), ("c", 2020, "population", 0.0),
    ], unit="kt")
    out = per_capita(p, "ghg", scale=1000).set_index(["code", "year"])["value"]
    assert out[("a", 2020)] == pytest.approx(5.0)
    assert math.isnan(out[("a", 2021)])  # missing population -> missing, not 9000/0 or 9
    assert math.isnan(out[("b", 2020)])  # missing numerator stays missing
    assert math.isnan(out[("c", 2020)])  # zero population -> undefined
    assert set(per_capita(p, "ghg")["status"]) == {"derived"}
    assert per_capita(p, "ghg")["unit"].iloc[0] == "kt/person"


def test_per_area_with_yearly_area_and_unknown_area() -> None:
    p = _panel([("a", 2020, "population", 1000.0), ("a", 2021, "population", 1100.0), ("b", 2020, "population", 5.0)])
    area = pd.DataFrame({"code": ["a", "a"], "year": [2020, 2021], "land_area_km2": [10.0, 11.0]})
    out = per_area(p, area).set_index(["code", "year"])["value"]
    assert out[("a", 2020)] == 100.0 and out[("a", 2021)] == 100.0
    assert math.isnan(out[("b", 2020)])


def test_index_to_base_missing_base_gives_nan() -> None:
    p = _panel([("a", 2005, "x", 50.0), ("a", 2010, "x", 75.0), ("b", 2010, "x", 3.0)])
    out = index_to_base(p, 2005).set_index(["code", "year"])["value"]
    assert out[("a", 2005)] == 100.0 and out[("a", 2010)] == 150.0
    assert math.isnan(out[("b", 2010)])


def test_change_from_baseline_uses_latest_non_missing_year() -> None:
    p = _panel([("a", 2007, "x", 200.0), ("a", 2020, "x", 150.0), ("a", 2021, "x", np.nan)])
    row = change_from_baseline(p, 2007).iloc[0]
    assert row["latest_year"] == 2020 and row["abs_change"] == -50.0 and row["pct_change"] == -25.0
    row = change_from_baseline(p, 2006).iloc[0]  # no baseline value
    assert math.isnan(row["pct_change"]) and math.isnan(row["abs_change"])
    assert change_from_baseline(p, 2007, end_year=2007).iloc[0]["abs_change"] == 0.0


def test_cagr_hand_case_and_invalid_window() -> None:
    p = _panel([("a", 2010, "x", 100.0), ("a", 2013, "x", 125.0), ("b", 2010, "x", 0.0), ("b", 2013, "x", 5.0)])
    out = cagr(p, 2010, 2013).set_index("code")["cagr_pct"]
    assert out["a"] == pytest.approx(100 * (1.25 ** (1 / 3) - 1))
    assert math.isnan(out["b"])
    with pytest.raises(ValueError):
        cagr(p, 2013, 2010)


def test_theil_sen_matrix_equals_scipy_with_ties_and_gaps() -> None:
    rng = np.random.default_rng(3)
    x = np.array([1990, *range(2005, 2025)], dtype=float)
    y = rng.integers(0, 6, size=(40, len(x))).astype(float) - 0.1 * np.arange(len(x))
    y[rng.random(y.shape) < 0.15] = np.nan
    got = theil_sen_matrix(x, y, alpha=0.9)
    for k in range(len(y)):
        ok = ~np.isnan(y[k])
        ref = stats.theilslopes(y[k][ok], x[ok], alpha=0.9)
        assert got["slope"][k] == pytest.approx(ref.slope)
        assert got["intercept"][k] == pytest.approx(ref.intercept)
        assert got["low"][k] == pytest.approx(ref.low_slope)
        assert got["high"][k] == pytest.approx(ref.high_slope)


@pytest.mark.parametrize("alpha", [0.90, 0.95, 0.99, 0.80, 0.10, 0.05, 0.7])
def test_normal_quantiles_are_scipys_to_the_bit(alpha: float) -> None:
    """The table that spares a report kernel scipy.special gives exactly what ndtri gives."""
    from scipy.special import ndtri

    from rvanalytics.metrics.change import _NORMAL_QUANTILES, _ndtri

    a = 1.0 - alpha if alpha > 0.5 else alpha  # as theil_sen_matrix computes it
    assert _ndtri(a / 2.0) == ndtri(a / 2.0)
    assert all(z == ndtri(p) for p, z in _NORMAL_QUANTILES.items())


def test_trend_recovers_constant_rate_and_needs_positive_values() -> None:
    years = list(range(2010, 2021))
    rows = [("a", y, "x", 200 * 0.9 ** (y - 2010)) for y in years]
    rows += [("b", y, "x", 0.0 if y < 2016 else 1.0) for y in years]
    out = trend(_panel(rows)).set_index("code")
    assert out.loc["a", "annual_pct"] == pytest.approx(-10.0)
    assert out.loc["a", "annual_pct_low"] <= -10.0 + 1e-9 <= out.loc["a", "annual_pct_high"] + 2e-9
    assert out.loc["b", "n_nonpositive"] == 6 and out.loc["b", "n_points"] == 5
    assert out.loc["b", "annual_pct"] == pytest.approx(0.0)
    assert math.isnan(trend(_panel(rows), min_points=6).set_index("code").loc["b", "annual_pct"])
    last5 = trend(_panel(rows), last_n_years=5).set_index("code")
    assert last5.loc["a", "first_year"] == 2016 and last5.loc["a", "n_points"] == 5


def test_theil_sen_single_series() -> None:
    slope, intercept, low, high = theil_sen([0, 1, 2, 3, 4], [1.0, 3.0, 5.0, 7.0, 100.0])
    assert slope == 2.0 and low <= slope <= high
    assert intercept == pytest.approx(5.0 - 2.0 * 2)


def test_duplicate_cells_and_missing_columns_raise() -> None:
    p = _panel([("a", 2010, "x", 1.0), ("a", 2010, "x", 2.0)])
    with pytest.raises(RvanalyticsError, match="duplicate"):
        change_from_baseline(p, 2010)
    with pytest.raises(RvanalyticsError, match="no column"):
        trend(p.drop(columns="value"))
