"""Helpers shared by the metric modules: panel checks and the long <-> wide pivots."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from rvanalytics.exceptions import RvanalyticsError

#: Columns of the panel (docs/design.md, "Panel").
PANEL_COLUMNS: tuple[str, ...] = (
    "level", "code", "year", "indicator", "value", "unit", "source", "status", "division_year",
)
#: The columns that identify one series of the panel.
SERIES_KEYS: list[str] = ["level", "code", "indicator"]


def check_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`RvanalyticsError` naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RvanalyticsError(
            f"{what} has no column(s) {missing} (it has {list(frame.columns)}). "
            f"Fix: pass a table with the columns of docs/design.md"
        )


def check_panel(panel: pd.DataFrame, *, minimal: bool = True) -> None:
    """Check that ``panel`` has the panel columns the metrics use (``level`` optional)."""
    needed = ["code", "year", "indicator", "value"] if minimal else list(PANEL_COLUMNS)
    check_columns(panel, needed, "the panel")


def with_level(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with a ``level`` column (hand-made panels may leave it out: "municipality")."""
    if "level" in panel.columns:
        return panel
    return panel.assign(level="municipality")


def select(panel: pd.DataFrame, indicators: str | Iterable[str] | None) -> pd.DataFrame:
    """Rows of ``indicators`` (all when None); values as float64 (NaN for markers)."""
    check_panel(panel)
    out = with_level(panel)
    if indicators is not None:
        wanted = [indicators] if isinstance(indicators, str) else list(indicators)
        out = out[out["indicator"].isin(wanted)]
    if out["value"].dtype != "float64":
        out = out.assign(value=pd.to_numeric(out["value"], errors="coerce").astype("float64"))
    return out


def wide(panel: pd.DataFrame) -> pd.DataFrame:
    """Series x year matrix: index (level, code, indicator), columns the years, NaN where missing.

    Duplicate (series, year) rows raise: the panel must have one value per cell.
    """
    dup = panel.duplicated(["level", "code", "indicator", "year"])
    if dup.any():
        first = panel.loc[dup, ["level", "code", "indicator", "year"]].iloc[0].to_dict()
        raise RvanalyticsError(
            f"the panel has {int(dup.sum())} duplicate (level, code, indicator, year) rows, e.g. {first}. "
            "Fix: keep one value per cell (check the panel build)"
        )
    mat = panel.pivot(index=SERIES_KEYS, columns="year", values="value")
    mat = mat.reindex(columns=sorted(mat.columns))
    mat.columns = mat.columns.astype("int64")
    return mat.astype("float64")


def latest(mat: pd.DataFrame, *, until: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Year and value of the last non-missing cell of each row of a wide matrix (NaN if none)."""
    years = mat.columns.to_numpy(dtype="float64")
    vals = mat.to_numpy(dtype="float64")
    if until is not None:
        vals = np.where(years[None, :] <= until, vals, np.nan)
    ok = ~np.isnan(vals)
    has = ok.any(axis=1)
    # index of the last True per row
    idx = vals.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    year = np.where(has, years[idx] if len(years) else np.nan, np.nan)
    value = np.where(has, vals[np.arange(len(vals)), idx] if len(years) else np.nan, np.nan)
    return year, value


def value_at(mat: pd.DataFrame, year: float | np.ndarray) -> np.ndarray:
    """Value of each row in ``year`` (scalar or one year per row); NaN where missing."""
    years = mat.columns.to_numpy(dtype="int64")
    vals = mat.to_numpy(dtype="float64")
    target = np.broadcast_to(np.asarray(year, dtype="float64"), (len(vals),))
    pos = np.searchsorted(years, np.nan_to_num(target, nan=-1).astype("int64"))
    pos_c = np.clip(pos, 0, max(len(years) - 1, 0))
    if not len(years):
        return np.full(len(vals), np.nan)
    found = (years[pos_c] == target) & ~np.isnan(target)
    return np.where(found, vals[np.arange(len(vals)), pos_c], np.nan)


def unit_of(panel: pd.DataFrame) -> pd.Series:
    """Unit per indicator (first non-empty); empty Series if the panel has no ``unit`` column."""
    if "unit" not in panel.columns:
        return pd.Series(dtype="str")
    return panel.dropna(subset=["unit"]).groupby("indicator")["unit"].first()


def per_indicator(indicators: pd.Series, values: pd.Series) -> np.ndarray:
    """``indicators.map(values)`` as float64: one look-up per distinct indicator, NaN where there is none.

    ``values`` is indexed by indicator (unique). Mapping a long text column row by row is slow;
    this factorizes it once.

    Examples
    --------
    >>> per_indicator(pd.Series(["a", "b", "a", None]), pd.Series({"a": 2024}))
    array([2024.,   nan, 2024.,   nan])
    """
    codes, uniques = pd.factorize(indicators)
    looked_up = values.reindex(uniques).to_numpy(dtype="float64", na_value=np.nan)
    return np.append(looked_up, np.nan)[codes]  # code -1 (a missing indicator): NaN


def well_covered_year(frame: pd.DataFrame, min_share: float = 0.9) -> pd.Series:
    """Per indicator, the latest year in which at least ``min_share`` of its areas have a value.

    The share is taken against the largest number of areas with a value in any year, so a
    last year that only a few municipalities have reported is not used for comparisons
    across municipalities.
    """
    counts = frame.dropna(subset=["value"]).groupby(["indicator", "year"]).size()
    if counts.empty:
        return pd.Series(dtype="int64")
    peak = counts.groupby(level="indicator").transform("max")
    good = counts[counts >= min_share * peak].reset_index()
    return good.groupby("indicator")["year"].max()
