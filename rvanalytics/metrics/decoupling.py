"""Decoupling of emissions (or energy use) from a driver, in Tapio's (2005) classes.

For a pressure :math:`E` (e.g. ``ghg_hinku_total_kt``) and a driver :math:`D`
(``population`` or an economic denominator such as GDP) between years :math:`t_0` and
:math:`t_1`, with :math:`\\%\\Delta E = 100(E_1/E_0 - 1)` and likewise for :math:`D`, the
elasticity is :math:`e = \\%\\Delta E / \\%\\Delta D` and the class is

================  ============  ================  ==================================
:math:`\\Delta D`  :math:`\\Delta E`  elasticity         class
================  ============  ================  ==================================
> 0               < 0           e < 0             strong decoupling
> 0               >= 0          0 <= e < 0.8      weak decoupling
> 0               > 0           0.8 <= e <= 1.2   expansive coupling
> 0               > 0           e > 1.2           expansive negative decoupling
< 0               > 0           e < 0             strong negative decoupling
< 0               <= 0          0 <= e < 0.8      weak negative decoupling
< 0               < 0           0.8 <= e <= 1.2   recessive coupling
< 0               < 0           e > 1.2           recessive decoupling
0                 any           undefined         no class ("driver unchanged")
================  ============  ================  ==================================

The bounds 0.8 and 1.2 are Tapio's and can be changed (``coupling_band``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import select, value_at, wide

__all__ = ["ECONOMIC_DRIVERS", "TAPIO_CLASSES", "decoupling", "tapio_class"]

TAPIO_CLASSES: tuple[str, ...] = (
    "strong decoupling", "weak decoupling", "expansive coupling", "expansive negative decoupling",
    "strong negative decoupling", "weak negative decoupling", "recessive coupling", "recessive decoupling",
)
#: Indicator ids used as the economic denominator when the panel has them.
ECONOMIC_DRIVERS: tuple[str, ...] = ("gdp_meur", "gdp_per_capita_eur", "gross_value_added_meur", "gdp")


def tapio_class(pct_pressure: np.ndarray | float, pct_driver: np.ndarray | float,
                coupling_band: tuple[float, float] = (0.8, 1.2)) -> np.ndarray:
    """Tapio class of each pair of % changes (pressure, driver); None where undefined.

    Examples
    --------
    >>> tapio_class([-10.0, 5.0, 10.0, 20.0], [5.0, 10.0, 10.0, 10.0]).tolist()
    ['strong decoupling', 'weak decoupling', 'expansive coupling', 'expansive negative decoupling']
    >>> tapio_class([5.0, -2.0, -10.0, -20.0, 3.0], [-5.0, -10.0, -10.0, -10.0, 0.0]).tolist()
    ['strong negative decoupling', 'weak negative decoupling', 'recessive coupling', 'recessive decoupling', None]
    """
    de = np.atleast_1d(np.asarray(pct_pressure, dtype="float64"))
    dd = np.atleast_1d(np.asarray(pct_driver, dtype="float64"))
    lo, hi = coupling_band
    with np.errstate(divide="ignore", invalid="ignore"):
        e = de / dd
    grow, shrink = dd > 0, dd < 0
    conds = [
        grow & (de < 0),
        grow & (de >= 0) & (e < lo),
        grow & (e >= lo) & (e <= hi),
        grow & (e > hi),
        shrink & (de > 0),
        shrink & (de <= 0) & (e < lo),
        shrink & (e >= lo) & (e <= hi),
        shrink & (e > hi),
    ]
    out = np.select(conds, np.array(TAPIO_CLASSES, dtype=object), default=None)
    out[np.isnan(de) | np.isnan(dd)] = None
    return out


def decoupling(
    panel: pd.DataFrame,
    start_year: int,
    end_year: int,
    *,
    pressure: str | Iterable[str] = "ghg_hinku_total_kt",
    drivers: Iterable[str] | None = None,
    coupling_band: tuple[float, float] = (0.8, 1.2),
) -> pd.DataFrame:
    """Tapio decoupling of each pressure from each driver between two years, for every area.

    Parameters
    ----------
    panel : DataFrame
        Long panel.
    start_year, end_year : int
        The period.
    pressure : str or list of str
        Pressure indicator(s) (emissions, energy use).
    drivers : list of str, optional
        Driver indicators; default ``population`` plus any of :data:`ECONOMIC_DRIVERS` that the
        panel has.

    Returns
    -------
    DataFrame
        ``level, code, pressure, driver, start_year, end_year, pressure_pct, driver_pct,
        elasticity, tapio_class``; NaN / None where a value is missing or the driver did not change.

    Examples
    --------
    >>> p = pd.DataFrame({"code": "a", "year": [2010, 2020, 2010, 2020],
    ...                   "indicator": ["ghg_hinku_total_kt"] * 2 + ["population"] * 2,
    ...                   "value": [100.0, 80.0, 1000.0, 1100.0]})
    >>> decoupling(p, 2010, 2020)[["pressure_pct", "driver_pct", "tapio_class"]].round(6).to_dict("records")
    [{'pressure_pct': -20.0, 'driver_pct': 10.0, 'tapio_class': 'strong decoupling'}]
    """
    pressures = [pressure] if isinstance(pressure, str) else list(pressure)
    data = select(panel, None)
    if drivers is None:
        present = set(data["indicator"].unique())
        drivers = ["population", *[d for d in ECONOMIC_DRIVERS if d in present]]
    drivers = list(drivers)
    mat = wide(data[data["indicator"].isin([*pressures, *drivers])])
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (value_at(mat, end_year) / value_at(mat, start_year) - 1.0)
    change = pd.Series(pct, index=mat.index, name="pct").reset_index()
    p = change[change["indicator"].isin(pressures)].rename(columns={"indicator": "pressure", "pct": "pressure_pct"})
    d = change[change["indicator"].isin(drivers)].rename(columns={"indicator": "driver", "pct": "driver_pct"})
    out = p.merge(d, on=["level", "code"], how="inner")
    out.insert(4, "start_year", int(start_year))
    out.insert(5, "end_year", int(end_year))
    out = out[["level", "code", "pressure", "driver", "start_year", "end_year", "pressure_pct", "driver_pct"]]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["elasticity"] = np.where(out["driver_pct"] != 0, out["pressure_pct"] / out["driver_pct"], np.nan)
    out["tapio_class"] = tapio_class(out["pressure_pct"].to_numpy(), out["driver_pct"].to_numpy(), coupling_band)
    return out.reset_index(drop=True)
