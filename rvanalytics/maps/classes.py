"""Classification and colours of the indicator maps: class bounds, classes, palettes.

Classes come from mapclassify's definitions: ``"quantiles"`` (:class:`mapclassify.Quantiles`),
``"natural_breaks"`` (:class:`mapclassify.FisherJenks`, the exact and
deterministic Jenks optimum), ``"equal_interval"`` (:class:`mapclassify.EqualInterval`)
and ``"user_defined"`` (your own upper bounds, ``bins=``, so that several maps share
one legend). Quantiles and equal intervals are computed here with the same numpy
arithmetic as mapclassify (importing it costs about a second); natural breaks import
mapclassify when used. Class bounds are upper-inclusive as in mapclassify: a value
equal to a bound belongs to the lower class.

Levels (emissions, population, …) get a sequential palette; ``diverging=True``
(gaps to a target, changes) gets a diverging palette centred on zero, where zero
is always a class bound so that no class mixes values below and above it.
:func:`indicator_palette` is the one place that picks an indicator's colours from
the catalogue's ``direction``. Everything here is re-exported by
:mod:`rvanalytics.maps.choropleth` and :mod:`rvanalytics.maps`.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps.i18n import format_number

__all__ = ["DIVERGING_CMAP", "SCHEMES", "SEQUENTIAL_CMAP", "Classes", "Palette", "classify", "equal_interval_bins",
           "indicator_meta", "indicator_palette", "quantile_bins"]

SCHEMES: tuple[str, ...] = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
SEQUENTIAL_CMAP = "YlGnBu"
DIVERGING_CMAP = "RdBu_r"  # below zero blue, above zero red


@dataclass
class Classes:
    """A classification: class bounds and one colour per class.

    ``edges`` has ``k + 1`` entries; class *i* holds ``edges[i] < v <= edges[i+1]``
    (the first class also holds ``v == edges[0]``). ``-inf``/``inf`` end
    edges mean open classes ("≤ b", "> b").
    """

    edges: np.ndarray
    colors: list[str]
    scheme: str
    diverging: bool

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.edges) - 1

    def assign(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """Class index of each value, ``-1`` for missing values."""
        y = np.asarray(values, dtype=float)
        idx = np.searchsorted(self.edges[1:-1], y, side="left")
        return np.where(np.isfinite(y), idx, -1)

    def labels(self, lang: str = "fi", *, digits: int | None = None) -> list[str]:
        """Legend labels of the classes ("1,2 – 3,4"; "≤ 1,2"; "> 3,4")."""
        d = digits if digits is not None else _digits(self.edges)
        fmt = lambda v: format_number(float(v), lang, d)
        # "−18 – −16" is hard to read: use "…" between bounds when a bound is negative
        sep = " … " if np.nanmin(np.where(np.isfinite(self.edges), self.edges, np.nan)) < 0 else " – "
        out = []
        for lo, hi in zip(self.edges[:-1], self.edges[1:], strict=True):
            if not np.isfinite(lo):
                out.append(f"≤ {fmt(hi)}")
            elif not np.isfinite(hi):
                out.append(f"> {fmt(lo)}")
            else:
                out.append(f"{fmt(lo)}{sep}{fmt(hi)}")
        return out


def _digits(edges: np.ndarray) -> int:
    finite = np.asarray([e for e in edges if np.isfinite(e)], dtype=float)
    if len(finite) < 2:
        return 1
    gaps = np.diff(np.unique(finite))
    gap = gaps.min() if len(gaps) else 1.0
    for d in range(4):
        if np.unique(np.round(finite, d)).size == np.unique(finite).size and gap * 10**d >= 1:
            return d
    return 3


def classify(
    values: Sequence[float] | np.ndarray | pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    bins: Sequence[float] | None = None,
    diverging: bool = False,
    cmap: str | None = None,
) -> Classes:
    """Classify ``values`` (NaN ignored) into classes with colours.

    Parameters
    ----------
    values : array-like
        The values to classify (pool several years to share bins across maps).
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
    k : int
        Number of classes (not for ``user_defined``).
    bins : sequence of float
        Upper class bounds for ``user_defined`` (a class ``> last`` is added if
        values exceed the last bound).
    diverging : bool
        Diverging palette centred on zero (zero becomes a class bound).
    cmap : str, optional
        Matplotlib colormap name (default ``YlGnBu``, diverging ``RdBu_r``).

    Examples
    --------
    >>> c = classify([1, 2, 3, 4, 5, 6], "user_defined", bins=[2, 4])
    >>> c.edges.tolist(), c.assign([1, 2, 3, 7]).tolist()
    ([-inf, 2.0, 4.0, inf], [0, 0, 1, 2])
    >>> classify([-2, -1, 1, 3], "equal_interval", k=2, diverging=True).edges.tolist()
    [-2.0, 0.0, 0.5, 3.0]
    """
    if scheme not in SCHEMES:
        raise RvanalyticsError(f"classification scheme {scheme!r} is unknown; use one of {', '.join(SCHEMES)}")
    y = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    y = y[np.isfinite(y)]
    if scheme == "user_defined":
        if bins is None or len(bins) == 0:
            raise RvanalyticsError("scheme 'user_defined' needs upper class bounds, e.g. bins=[2, 4, 6]")
        b = np.asarray([float(v) for v in bins], dtype=float)
        if not np.all(np.isfinite(b)) or np.any(np.diff(b) <= 0):
            raise RvanalyticsError(
                f"class bounds {[float(v) for v in bins]} must be finite and increase, e.g. {sorted(set(b[np.isfinite(b)]))}"
            )
        if len(y) and y.max() > b[-1]:
            b = np.r_[b, np.inf]
        edges = np.r_[-np.inf, b]
    else:
        if bins is not None:
            raise RvanalyticsError(f"bins= is only used with scheme='user_defined', not {scheme!r}")
        if len(y) == 0:
            raise RvanalyticsError("there are no values to classify (all missing)")
        if k < 1:
            raise RvanalyticsError(f"k must be >= 1, got {k}")
        n_unique = len(np.unique(y))
        kk = min(k, n_unique)
        if n_unique == 1:
            edges = np.array([y[0], y[0]])
        else:
            if scheme == "quantiles":
                found = quantile_bins(y, kk)
            elif scheme == "equal_interval":
                found = equal_interval_bins(y, kk)
            else:
                import mapclassify  # imported here: it loads scikit-learn and scipy.stats (~1 s)

                with warnings.catch_warnings():  # "Numba not installed": FisherJenks is fast enough for ~300 values
                    warnings.simplefilter("ignore", UserWarning)
                    found = mapclassify.FisherJenks(y, k=kk).bins
            edges = np.unique(np.r_[y.min(), np.asarray(found, dtype=float)])
    if diverging and edges[0] < 0 < edges[-1] and not np.any(edges == 0):
        edges = np.sort(np.r_[edges, 0.0])
    colors = _colors(edges, diverging, cmap)
    return Classes(edges=edges, colors=colors, scheme=scheme, diverging=diverging)


def quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper class bounds of ``k`` quantile classes, exactly as :class:`mapclassify.Quantiles`.

    The same percentiles (``100/k``, ``2·100/k`` … 100) and the same interpolation
    arithmetic as mapclassify (through ``scipy.stats.scoreatpercentile``), so a value
    on a bound falls in the same class; repeated bounds collapse (fewer classes).
    Written out because importing mapclassify costs every report kernel about a
    second (it loads scikit-learn); ``tests/test_maps.py`` checks the identity on the
    real panel.

    Examples
    --------
    >>> quantile_bins(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 4).tolist()
    [3.25, 5.5, 7.75, 10.0]
    """
    a = np.sort(np.asarray(y, dtype=float))
    n = len(a)
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    p[-1] = min(p[-1], 100.0)
    out = []
    for pct in p:
        idx = pct / 100.0 * (n - 1)
        i = int(idx)
        if i == idx:
            out.append(a[i])
        else:
            w0, w1 = (i + 1) - idx, idx - i
            out.append(np.add.reduce(a[i:i + 2] * np.array([w0, w1], float)) / (w0 + w1))
    return np.unique(np.array(out, dtype=float))


def equal_interval_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper class bounds of ``k`` equal-width classes, exactly as :class:`mapclassify.EqualInterval`.

    Examples
    --------
    >>> equal_interval_bins(np.array([0.0, 1, 10]), 2).tolist()
    [5.0, 10.0]
    """
    y = np.asarray(y, dtype=float)
    max_y, min_y = max(y), min(y)
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # float overshoot of arange
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return cuts.copy()


def _colors(edges: np.ndarray, diverging: bool, cmap: str | None) -> list[str]:
    k = len(edges) - 1
    cm = mpl.colormaps[cmap or (DIVERGING_CMAP if diverging else SEQUENTIAL_CMAP)]
    if not diverging:
        if k == 1:
            return [to_hex(cm(0.55))]
        return [to_hex(cm(0.12 + 0.83 * i / (k - 1))) for i in range(k)]
    mids = []
    for lo, hi in itertools.pairwise(edges):
        if not np.isfinite(lo):  # "≤ hi": below zero unless hi > 0
            mids.append(hi if hi != 0 else -1.0)
        elif not np.isfinite(hi):  # "> lo"
            mids.append(lo if lo != 0 else 1.0)
        else:
            mids.append((lo + hi) / 2)
    neg = [i for i, m in enumerate(mids) if m < 0]
    pos = [i for i, m in enumerate(mids) if m > 0]
    steps = max(len(neg), len(pos), 1)
    out = []
    for i, m in enumerate(mids):
        if m < 0:
            d = len(neg) - neg.index(i)  # 1 = next to zero
            out.append(to_hex(cm(0.5 - 0.47 * (d - 0.3) / steps)))
        elif m > 0:
            d = pos.index(i) + 1
            out.append(to_hex(cm(0.5 + 0.47 * (d - 0.3) / steps)))
        else:
            out.append(to_hex(cm(0.5)))
    return out


@dataclass(frozen=True)
class Palette:
    """Colour map of an indicator and the direction its colours read (from the catalogue)."""

    cmap: str
    direction: str  # the catalogue's direction: lower_is_better, higher_is_better, neutral or ""


def indicator_palette(indicator: str | None = None, *, diverging: bool = False,
                      direction: str | None = None) -> Palette:
    """The one place that decides an indicator's palette, used by every map output.

    Slides, A4 pages, small multiples, interactive maps, notebooks and reports get the
    same colours for the same indicator: levels where lower is better in ``YlOrRd``
    (high = red), other levels in ``YlGnBu`` (high = dark blue); changes and gaps
    (``diverging``) in ``RdBu_r`` (above zero red) where lower is better, ``RdBu``
    (above zero blue) where higher is better.

    Examples
    --------
    >>> indicator_palette("ghg_hinku_per_capita_t").cmap
    'YlOrRd'
    >>> indicator_palette("population").cmap
    'YlGnBu'
    >>> indicator_palette(direction="higher_is_better", diverging=True).cmap
    'RdBu'
    """
    if direction is None:
        direction = indicator_meta(indicator)["direction"] if indicator else ""
    if diverging:
        return Palette("RdBu" if direction == "higher_is_better" else DIVERGING_CMAP, direction)
    return Palette("YlOrRd" if direction == "lower_is_better" else SEQUENTIAL_CMAP, direction)


def indicator_meta(indicator: str, lang: str = "fi") -> dict[str, str]:
    """Name (in ``lang``), unit and direction of an indicator from the catalogue.

    An indicator the catalogue does not list (a user's own table) keeps its id as
    the name, no unit and no direction.
    """
    from rvanalytics.indicators import indicator_catalogue, unit_text

    meta = {"name": indicator, "unit": "", "direction": ""}
    cat = indicator_catalogue()
    if indicator not in cat.index:
        return meta
    row = cat.loc[indicator]
    for col in (f"name_{lang}", "name_en", "name_fi"):
        if col in row and isinstance(row[col], str) and row[col]:
            meta["name"] = row[col]
            break
    for col in ("unit", "direction"):
        if col in row and isinstance(row[col], str):
            meta[col] = row[col]
    meta["unit"] = unit_text(meta["unit"], lang)
    return meta
