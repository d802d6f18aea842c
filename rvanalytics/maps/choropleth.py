"""Indicator choropleths for municipalities and regions, and small multiples over years.

Classes come from mapclassify: ``"quantiles"`` (:class:`mapclassify.Quantiles`),
``"natural_breaks"`` (:class:`mapclassify.FisherJenks`, the exact and
deterministic Jenks optimum), ``"equal_interval"`` (:class:`mapclassify.EqualInterval`)
and ``"user_defined"`` (your own upper bounds, ``bins=``, so that several maps share
one legend). Class bounds are upper-inclusive as in mapclassify: a value equal to
a bound belongs to the lower class.

Levels (emissions, population, …) get a sequential palette; ``diverging=True``
(gaps to a target, changes) gets a diverging palette centred on zero, where zero
is always a class bound so that no class mixes values below and above it.
Missing values are hatched and listed in the legend as "no data" with their
count: nothing is silently left out.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps import layout
from rvanalytics.maps._common import Page, check_gdf, names
from rvanalytics.maps.i18n import check_lang, format_number, text

__all__ = ["MISSING_STYLE", "SCHEMES", "Classes", "Palette", "choropleth", "classify", "indicator_palette",
           "small_multiples", "values_by_code"]

SCHEMES: tuple[str, ...] = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
SEQUENTIAL_CMAP = "YlGnBu"
DIVERGING_CMAP = "RdBu_r"  # below zero blue, above zero red
MISSING_STYLE = {"facecolor": "#ffffff", "edgecolor": "#9a9a9a", "hatch": "///"}


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


def values_by_code(values, key_values: pd.Series, *, what: str = "values") -> pd.Series:
    """Turn ``values`` (Series by code, mapping, or DataFrame with ``code``/``value``) into a Series by code.

    Codes not on the map raise :class:`RvanalyticsError` (a value would be lost);
    map features without a value get NaN (shown as "no data").
    """
    if isinstance(values, pd.DataFrame):
        code_col = next((c for c in ("code", "region_code") if c in values), None)
        if code_col is None or "value" not in values:
            raise RvanalyticsError(f"{what}: a DataFrame needs columns 'code' and 'value'")
        if "year" in values and values["year"].nunique() > 1:
            raise RvanalyticsError(f"{what}: several years {sorted(values['year'].unique())[:5]}; filter one year first")
        if values[code_col].duplicated().any():
            dup = values.loc[values[code_col].duplicated(), code_col].astype(str).tolist()[:5]
            raise RvanalyticsError(f"{what}: code(s) {dup} appear more than once; filter one indicator and year")
        series = pd.Series(values["value"].to_numpy(dtype=float), index=values[code_col].astype(str).to_numpy())
    else:
        series = pd.Series(values, dtype="float64")
        series.index = series.index.astype(str)
    unknown = sorted(set(series.index) - set(key_values))
    if unknown:
        raise RvanalyticsError(
            f"{what}: code(s) {unknown[:8]} are not on the map; use values of the same level and municipal division"
        )
    return series.reindex(key_values.to_numpy())


def _level_key(gdf) -> str:
    if "code" in gdf:
        return "code"
    if "region_code" in gdf:
        return "region_code"
    raise RvanalyticsError("the map needs a 'code' (municipalities) or 'region_code' (regions) column")


def _draw_classes(ax: Axes, gdf, cls_idx: np.ndarray, classes: Classes, *, lw: float, edge: str) -> None:
    colors = np.array(classes.colors + [MISSING_STYLE["facecolor"]], dtype=object)
    face = colors[np.where(cls_idx >= 0, cls_idx, len(classes.colors))]
    has = cls_idx >= 0
    if has.any():
        gdf[has].plot(ax=ax, color=list(face[has]), edgecolor=edge, linewidth=lw, zorder=1)
    if (~has).any():
        gdf[~has].plot(ax=ax, facecolor=MISSING_STYLE["facecolor"], edgecolor=MISSING_STYLE["edgecolor"],
                       hatch=MISSING_STYLE["hatch"], linewidth=lw, zorder=1)


def _legend_handles(classes: Classes, counts: np.ndarray | None, n_missing: int, lang: str,
                    digits: int | None, show_missing: bool) -> list[Patch]:
    labels = classes.labels(lang, digits=digits)
    handles = []
    for i, (lab, col) in enumerate(zip(labels, classes.colors, strict=True)):
        suffix = f" ({int(counts[i])})" if counts is not None else ""
        handles.append(Patch(facecolor=col, edgecolor="#555555", linewidth=0.5, label=lab + suffix))
    if show_missing:
        suffix = f" ({n_missing})" if counts is not None else ""
        handles.append(Patch(facecolor=MISSING_STYLE["facecolor"], edgecolor=MISSING_STYLE["edgecolor"],
                             hatch=MISSING_STYLE["hatch"], label=text("no_data", lang) + suffix))
    return handles


def choropleth(
    gdf,
    values,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    classes: Classes | None = None,
    diverging: bool = False,
    cmap: str | None = None,
    unit: str = "",
    title: str = "",
    year: int | None = None,
    lang: str = "fi",
    ax: Axes | None = None,
    size: str = "slide",
    inset: bool | None = None,
    regions=None,
    label_codes: Sequence[str] = (),
    digits: int | None = None,
    source_year: int | None = None,
    label_regions: bool | None = None,
    sources: Sequence[str] = (),
) -> tuple[Figure, Axes]:
    """Map one indicator for municipalities or regions, classified, with a full legend.

    Parameters
    ----------
    gdf : GeoDataFrame
        ``boundaries.load_municipalities(y)`` (``code``) or ``load_regions(y)``
        (``region_code``), EPSG:3067.
    values : Series, mapping or DataFrame
        Values by code (``"091"`` / ``"12"``), or a DataFrame with ``code`` and
        ``value`` (e.g. one indicator and year of the panel). Codes not on the
        map raise; map features without a value are hatched ("no data").
    scheme, k, bins
        Classification, see :func:`classify`.
    classes : Classes, optional
        A ready classification (overrides ``scheme``/``k``/``bins``), e.g. to
        share bins between maps.
    diverging : bool
        Diverging palette centred on zero, for gaps and changes.
    cmap : str, optional
        Colormap name.
    unit : str
        Unit for the legend title.
    title : str
        Indicator name; the data year is appended ("Päästöt, 2022").
    year : int, optional
        Data year (title and attribution).
    lang : {"fi", "sv", "en"}
    ax : Axes, optional
        Draw into this axes instead of a new page.
    size : {"slide", "a4"}
    inset : bool, optional
        Helsinki-region inset (default: on for municipalities, off for regions).
    regions : GeoDataFrame, optional
        Region borders drawn over a municipal map.
    label_codes : sequence of str
        Features to label with their names (non-colliding); they are outlined in
        black and marked with a dot where their label points.
    digits : int, optional
        Decimals in the legend (default: enough to tell the bounds apart).
    source_year : int, optional
        Year for the attribution when it differs from ``year``.
    label_regions : bool, optional
        Name every region on a region map (default: on): inside the region at
        the centre of its largest inscribed circle, on two lines or in a smaller
        font (or a short form, "Eg. Finland") where needed, just beside it where it
        fits nowhere; names never overlap. Åland is labelled separately.
    sources : sequence of str
        Catalogue ids of the data's sources (``rvanalytics/data/sources.yaml``);
        the attribution line names them and the boundaries' source.

    Returns
    -------
    (Figure, Axes)
    """
    check_lang(lang)
    layout.check_size(size)
    key = _level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    series = values_by_code(values, g[key])
    if classes is None:
        classes = classify(series.to_numpy(), scheme, k, bins=bins, diverging=diverging, cmap=cmap)
    idx = classes.assign(series.to_numpy())
    counts = np.bincount(idx[idx >= 0], minlength=classes.k)
    n_missing = int((idx < 0).sum())

    page = Page(ax, size)
    head = text("year_title", lang, title=title, year=year) if title and year is not None else (title or "")
    scheme_txt = text(classes.scheme, lang)
    page.title(head, [scheme_txt] if page.frame is not None else [])
    ax = page.ax
    st = page.style
    municipal = key == "code"
    regs = check_gdf(regions, "regions", "region_code") if regions is not None else None

    wanted = [str(c) for c in label_codes]
    labelled = _labelled(g, key, wanted)

    def draw(target: Axes, scale: float = 1.0) -> None:
        with layout.batch_draw(target.figure):
            _draw_classes(target, g, idx, classes, lw=(0.25 if municipal else 0.6) * scale,
                          edge="#ffffff" if municipal else "#4a4a4a")
            if regs is not None:
                regs.boundary.plot(ax=target, color="#3a3a3a", linewidth=0.7 * scale, zorder=3)
            if len(labelled):  # the labelled places stand out, so a label is never read as its neighbour's
                labelled.boundary.plot(ax=target, color="#000000", linewidth=1.3 * min(scale, 1.6), zorder=4)

    draw(ax)
    page.extent(g.total_bounds)
    if inset is None:
        inset = municipal
    inset_ax = None
    inset_extent = None
    if inset:
        if not municipal:
            raise RvanalyticsError("the Helsinki-region inset needs a municipal map; pass inset=False for regions")
        inset_extent = layout.inset_bounds(g)
        inset_ax = page.inset(lambda a: draw(a, 2.5), inset_extent, lang)
        _label_inset(inset_ax, g, lang, st.small)
    if wanted:
        nm = names(g, lang, key)
        geoms = g.set_index(key).geometry
        pts = dict(zip(wanted, layout.label_points(geoms[wanted]), strict=True))
        lab = [(pts[c][0], pts[c][1], nm[c]) for c in wanted
               if inset_extent is None or not (inset_extent[0] <= pts[c][0] <= inset_extent[2]
                                               and inset_extent[1] <= pts[c][1] <= inset_extent[3])]
        marker_pt = 6.0
        ax.scatter([x for x, _, _ in lab], [y for _, y, _ in lab], s=marker_pt**2, c="#000000",
                   edgecolors="#ffffff", linewidths=1.2, zorder=39)
        layout.place_labels(ax, lab, fontsize=st.label, marker_pt=marker_pt,
                            obstacles=[inset_ax] if inset_ax is not None else [],
                            avoid=[page.inset_outline] if page.inset_outline else [])

    if label_regions is None:
        label_regions = not municipal
    if label_regions and not municipal:
        reg_names = names(g, lang, key)
        keep = g[key] != layout.ALAND_REGION_CODE  # Åland has its own label
        _label_regions(ax, g[keep], [reg_names[c] for c in g[key][keep]], st)
    level = text("municipalities" if municipal else "regions", lang)
    page.legend(_legend_handles(classes, counts, n_missing, lang, digits, n_missing > 0),
                title=f"{unit} ({level})" if unit else level.capitalize())
    page.decorate(g, lang, source_year or year, sources=[*layout.boundary_sources(g), *sources])
    return page.fig, ax


def _labelled(g, key: str, label_codes: Sequence[str]):
    """The features to label, in the order given; codes not on the map raise."""
    wanted = [str(c) for c in label_codes]
    missing = sorted(set(wanted) - set(g[key]))
    if missing:
        raise RvanalyticsError(f"label code(s) {missing} are not on the map")
    return g.set_index(key).loc[wanted].reset_index()


def _label_regions(ax: Axes, g, labels: Sequence[str], st: layout.Style) -> None:
    """Name every region inside itself (two lines or a smaller font where needed)."""
    layout.label_inside(ax, g.geometry, labels, fontsize=st.region_label, min_fontsize=st.region_label_min,
                        fontstyle="normal", color="#111111", force=True)


def _label_inset(inset_ax: Axes, g, lang: str, fontsize: float) -> None:
    """Name the capital-region municipalities in the inset so they can be found."""
    nm = names(g, lang)
    part = g[g["code"].isin(layout.CAPITAL_REGION)]
    pts = layout.label_points(part.geometry)
    lab = [(x, y, nm[c]) for c, (x, y) in zip(part["code"], pts, strict=True)]
    layout.place_labels(inset_ax, lab, fontsize=fontsize, fontweight="normal", marker_pt=3, center_first=True)


def small_multiples(
    gdf,
    values_by_year: Mapping[int, object] | pd.DataFrame,
    *,
    years: Sequence[int] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    diverging: bool = False,
    cmap: str | None = None,
    unit: str = "",
    title: str = "",
    lang: str = "fi",
    size: str = "slide",
    digits: int | None = None,
    label_codes: Sequence[str] = (),
    indicator: str | None = None,
    sources: Sequence[str] = (),
) -> tuple[Figure, np.ndarray]:
    """One indicator over several years, side by side, with one shared legend.

    The classes are computed once from the values of all shown years pooled
    (or from ``bins``), so equal colours mean equal values in every panel.

    Parameters
    ----------
    gdf : GeoDataFrame
        Municipalities or regions (one division for all years).
    values_by_year : mapping or DataFrame
        ``{year: values}`` (values as in :func:`choropleth`) or a long DataFrame
        with ``code``, ``year``, ``value``.
    years : sequence of int, optional
        Years to show (default: all, at most 6).
    label_codes : sequence of str
        Municipalities to mark (outline and dot in every panel) and name (in the
        first panel, next to their own dot).
    indicator : str, optional
        Indicator id: without ``cmap`` its palette comes from :func:`indicator_palette`,
        as on every other map of the indicator.
    sources : sequence of str
        Catalogue ids of the data's sources, for the attribution line.

    Returns
    -------
    (Figure, ndarray of Axes)
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    layout.check_size(size)
    key = _level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    if isinstance(values_by_year, pd.DataFrame):
        if "year" not in values_by_year:
            raise RvanalyticsError("values_by_year: a DataFrame needs a 'year' column")
        data = {int(y): part.drop(columns="year") for y, part in values_by_year.groupby("year")}
    else:
        data = {int(y): v for y, v in values_by_year.items()}
    years = [int(y) for y in (years if years is not None else sorted(data))]
    missing_years = [y for y in years if y not in data]
    if missing_years:
        raise RvanalyticsError(f"no values for year(s) {missing_years}; available: {sorted(data)}")
    if not 1 <= len(years) <= 6:
        raise RvanalyticsError(f"small multiples show 1–6 years, got {len(years)}; pass years=")
    series = {y: values_by_code(data[y], g[key], what=f"values of {y}") for y in years}
    if cmap is None and indicator is not None:
        cmap = indicator_palette(indicator, diverging=diverging).cmap
    labelled = _labelled(g, key, label_codes)
    if len(labelled):
        nm = names(g, lang, key)
        lab = [(x, y, nm[c]) for c, (x, y) in zip(labelled[key], layout.label_points(labelled.geometry), strict=True)]
        # small panels are crowded: the cities nearest to another labelled city choose their spot first
        xy = np.array([(x, y) for x, y, _ in lab])
        gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) + np.diag(np.full(len(lab), np.inf))
        lab = [lab[i] for i in np.argsort(gaps.min(axis=1), kind="stable")]
    pooled = np.concatenate([s.to_numpy() for s in series.values()])
    classes = classify(pooled, scheme, k, bins=bins, diverging=diverging, cmap=cmap)
    st = layout.STYLES[size]
    fig = plt.figure(figsize=layout.SIZES[size])
    n = len(years)
    if size == "slide":
        ncol, nrow = n, 1
        area = (0.01, 0.05, 0.72, 0.82)
    else:
        ncol = n if n <= 3 else 2 if n == 4 else 3
        nrow = int(np.ceil(n / ncol))
        fw, fh = layout.SIZES[size]
        panel_h = min(0.98 * fw / ncol * 1.85 / fh, 0.70 / nrow)
        area = (0.01, 0.90 - nrow * panel_h, 0.98, nrow * panel_h)
    head = text("years_title", lang, title=title, first=years[0], last=years[-1]) if len(years) > 1 else \
        text("year_title", lang, title=title, year=years[0])
    head, title_fs = _fit_title(head, 0.96 * layout.SIZES[size][0], st.title)
    title_h = (head.count("\n") + 1) * title_fs * 1.2 / 72 / layout.SIZES[size][1]  # figure fraction
    extra = title_h - st.title * 1.2 / 72 / layout.SIZES[size][1]
    if extra > 0:  # a two-line title pushes the panels down
        area = (area[0], area[1], area[2], area[3] - extra)
    axes = []
    cw, rh = area[2] / ncol, area[3] / nrow
    n_missing_any = 0
    for i, y in enumerate(years):
        r, c = divmod(i, ncol)
        ax = fig.add_axes((area[0] + c * cw, area[1] + (nrow - 1 - r) * rh, cw * 0.98, rh * 0.92))
        idx = classes.assign(series[y].to_numpy())
        n_missing_any += int((idx < 0).sum())
        with layout.batch_draw(fig):
            _draw_classes(ax, g, idx, classes, lw=0.15 if key == "code" else 0.4,
                          edge="#ffffff" if key == "code" else "#4a4a4a")
            if len(labelled):
                labelled.boundary.plot(ax=ax, color="#000000", linewidth=0.9, zorder=4)
        layout.set_extent(ax, g.total_bounds, room_right=0.0, pad_bottom=0.02)
        if len(labelled):
            ax.scatter([x for x, _, _ in lab], [y for _, y, _ in lab], s=4.0**2, c="#000000",
                       edgecolors="#ffffff", linewidths=0.8, zorder=39)
        ax.set_title(str(y), fontsize=st.subtitle, fontweight="bold")
        axes.append(ax)
    if len(labelled):  # names once, in the first panel, anywhere in its cell (beside Finland too)
        fw, fh = fig.get_size_inches() * fig.dpi
        cell = Bbox.from_bounds(area[0] * fw, (area[1] + (nrow - 1) * rh) * fh, cw * fw, rh * 0.92 * fh)
        layout.place_labels(axes[0], lab, fontsize=min(st.small - 2, 9.0), marker_pt=4.0, bounds=cell)
    layout.add_north_arrow(axes[0], xy=(0.12, 0.80), lang=lang, fontsize=st.small)
    layout.add_scale_bar(axes[0], xy=(0.03, 0.60), fraction=0.3, fontsize=st.small)
    fig.text(0.02, 0.975, head, fontsize=title_fs, fontweight="bold", ha="left", va="top", linespacing=1.1)
    level = text("municipalities" if key == "code" else "regions", lang)
    handles = _legend_handles(classes, None, n_missing_any, lang, digits, n_missing_any > 0)
    from rvanalytics.maps._common import _wrap

    legend_title = _wrap(f"{unit} ({level})" if unit else level.capitalize(),
                         (0.24 if size == "slide" else 0.8) * layout.SIZES[size][0], st.legend, bold=True)
    fig.text(0.02, 0.975 - title_h - 0.2 * st.title / 72 / layout.SIZES[size][1], text(classes.scheme, lang),
             fontsize=st.subtitle, ha="left", va="top")
    if size == "slide":
        leg = fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.74, 0.45), fontsize=st.legend,
                         title=legend_title, title_fontsize=st.legend, frameon=False, alignment="left")
    else:
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.06, area[1] - 0.02), fontsize=st.legend,
                         title=legend_title, title_fontsize=st.legend, frameon=False, alignment="left",
                         ncol=2)
    leg.get_title().set_fontweight("bold")
    layout.add_attribution(fig, f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0], lang,
                           fontsize=st.attribution, sources=[*layout.boundary_sources(g), *sources])
    return fig, np.array(axes)


def _fit_title(title: str, width_in: float, fontsize: float) -> tuple[str, float]:
    """The title on one line, shrunk to at most 80 % of ``fontsize`` if need be; else wrapped onto two lines.

    Returns the text (with a line break where wrapped) and the font size to use.
    """
    from rvanalytics.maps._common import _wrap

    for fs in (fontsize, 0.9 * fontsize, 0.8 * fontsize):
        if "\n" not in _wrap(title, width_in, fs, bold=True):
            return title, fs
    return _wrap(title, width_in, 0.8 * fontsize, bold=True), 0.8 * fontsize


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


def indicator_map(
    panel: pd.DataFrame,
    indicator: str,
    year: int,
    *,
    municipalities=None,
    regions=None,
    level: str = "municipality",
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    diverging: bool = False,
    cmap: str | None = None,
    lang: str = "fi",
    size: str = "slide",
    label_codes: Sequence[str] = (),
    ax: Axes | None = None,
    inset: bool | None = None,
    label_regions: bool | None = None,
) -> tuple[Figure, Axes]:
    """Map one indicator of the panel for one year (what ``rvanalytics map indicator`` draws).

    Parameters
    ----------
    panel : DataFrame
        ``store.load_panel()`` (long table).
    indicator : str
        Indicator id.
    year : int
        Statistical year.
    municipalities, regions : GeoDataFrame
        Boundaries of the panel's division year; ``municipalities`` is needed for
        ``level="municipality"``, ``regions`` for ``level="region"`` (and drawn as
        borders on municipal maps when given).
    level : {"municipality", "region"}
    scheme, k, bins, diverging, cmap, lang, size, label_codes, ax, inset, label_regions
        As in :func:`choropleth`. Without ``cmap``, an indicator whose catalogue
        direction says lower is better gets ``YlOrRd`` (high = red).

    Returns
    -------
    (Figure, Axes)
    """
    if level not in ("municipality", "region"):
        raise RvanalyticsError(f"level must be 'municipality' or 'region', not {level!r}")
    rows = panel[(panel["indicator"] == indicator) & (panel["level"] == level)]
    if rows.empty:
        raise RvanalyticsError(f"the panel has no {level} rows for indicator {indicator!r}")
    available = sorted(int(y) for y in rows["year"].unique())
    rows = rows[rows["year"] == year]
    if rows.empty:
        raise RvanalyticsError(f"indicator {indicator!r} has no {level} values for {year}; years: {available}")
    gdf = municipalities if level == "municipality" else regions
    if gdf is None:
        raise RvanalyticsError(f"pass the {'municipalities' if level == 'municipality' else 'regions'} boundaries")
    if "division_year" in rows and "year" in gdf and rows["division_year"].notna().any():
        division = int(rows["division_year"].dropna().iloc[0])
        years = {int(y) for y in gdf["year"].dropna().unique()}
        if years and years != {division}:
            raise RvanalyticsError(
                f"the panel is on the {division} municipal division but the boundaries are of {sorted(years)}; "
                f"load the boundaries of {division}"
            )
    meta = indicator_meta(indicator, lang)
    if meta["unit"]:
        unit = meta["unit"]
    else:  # not in the catalogue (a user's own table): the panel's unit
        from rvanalytics.indicators import unit_text

        unit = unit_text(rows["unit"].dropna().iloc[0], lang) if rows["unit"].notna().any() else ""
    if cmap is None:
        cmap = indicator_palette(direction=meta["direction"], diverging=diverging).cmap
    return choropleth(
        gdf, rows[["code", "value"]], scheme=scheme, k=k, bins=bins, diverging=diverging, cmap=cmap, unit=unit,
        title=meta["name"], year=year, lang=lang, ax=ax, size=size, inset=inset,
        regions=regions if level == "municipality" else None,
        label_codes=label_codes if level == "municipality" else (), label_regions=label_regions,
        sources=sorted(rows["source"].dropna().astype(str).unique()) if "source" in rows else (),
    )
