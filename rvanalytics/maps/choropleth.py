"""Indicator choropleths for municipalities and regions, and small multiples over years.

Each map reads as a short sequence of steps: values by code, classes
(:mod:`rvanalytics.maps.classes`), the page and its title, the areas (and the
Helsinki-region inset), the labels, the legend and the credit line. Missing
values are hatched and listed in the legend as "no data" with their count:
nothing is silently left out.

The classification names (``classify``, ``Classes``, ``indicator_palette``, …) live
in :mod:`rvanalytics.maps.classes` and stay importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps import layout
from rvanalytics.maps._common import Page, check_gdf, level_key, names, wrap_text
from rvanalytics.maps.classes import (
    DIVERGING_CMAP,
    SCHEMES,
    SEQUENTIAL_CMAP,
    Classes,
    Palette,
    classify,
    equal_interval_bins,
    indicator_meta,
    indicator_palette,
    quantile_bins,
)
from rvanalytics.maps.i18n import check_lang, text

__all__ = ["DIVERGING_CMAP", "MISSING_STYLE", "SCHEMES", "SEQUENTIAL_CMAP", "Classes", "Palette", "choropleth",
           "classify", "equal_interval_bins", "indicator_map", "indicator_meta", "indicator_palette",
           "quantile_bins", "small_multiples", "values_by_code"]

MISSING_STYLE = {"facecolor": "#ffffff", "edgecolor": "#9a9a9a", "hatch": "///"}

# A labelled place: anchor x, y (EPSG:3067) and its name.
Label = tuple[float, float, str]
# (columns, rows, (x, y, width, height) of the panel area as figure fractions)
Grid = tuple[int, int, tuple[float, float, float, float]]


def values_by_code(values, key_values: pd.Series, *, what: str = "values") -> pd.Series:
    """Turn ``values`` (Series by code, mapping, or DataFrame with ``code``/``value``) into a Series by code.

    Codes not on the map raise :class:`RvanalyticsError` (a value would be lost);
    map features without a value get NaN (shown as "no data").

    Examples
    --------
    >>> values_by_code({"091": 1.5}, pd.Series(["049", "091"])).to_dict()
    {'049': nan, '091': 1.5}
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
    key = level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    municipal = key == "code"
    series = values_by_code(values, g[key])
    if classes is None:
        classes = classify(series.to_numpy(), scheme, k, bins=bins, diverging=diverging, cmap=cmap)
    idx = classes.assign(series.to_numpy())
    regs = check_gdf(regions, "regions", "region_code") if regions is not None else None
    labelled = _labelled(g, key, label_codes)

    page = _titled_page(ax, size, lang, title, year, classes.scheme)
    draw = _area_painter(g, idx, classes, regs, labelled, municipal=municipal)
    draw(page.ax)
    page.extent(g.total_bounds)
    inset_extent, inset_ax = _add_inset(page, g, draw, lang, municipal if inset is None else inset,
                                        municipal=municipal)
    _label_places(page, g, key, labelled, lang, inset_ax, inset_extent)
    if not municipal and (label_regions is None or label_regions):  # region maps name every region by default
        _label_regions(page.ax, g, key, lang, page.style)
    _add_legend(page, classes, idx, lang, digits, unit, municipal=municipal)
    page.decorate(g, lang, source_year or year, sources=[*layout.boundary_sources(g), *sources])
    return page.fig, page.ax


def _titled_page(ax: Axes | None, size: str, lang: str, title: str, year: int | None, scheme: str) -> Page:
    """The page (or the given axes) with the title ("Päästöt, 2022") and, on a page, the scheme."""
    page = Page(ax, size)
    head = text("year_title", lang, title=title, year=year) if title and year is not None else (title or "")
    page.title(head, [text(scheme, lang)] if page.frame is not None else [])
    return page


def _area_painter(g, idx: np.ndarray, classes: Classes, regs, labelled, *,
                  municipal: bool) -> Callable[..., None]:
    """A function drawing the classed areas, region borders and labelled outlines into an axes.

    The same drawing goes to the main map and (with thicker lines, ``scale``) to the inset.
    """

    def draw(target: Axes, scale: float = 1.0) -> None:
        with layout.batch_draw(target.figure):
            _draw_classes(target, g, idx, classes, lw=(0.25 if municipal else 0.6) * scale,
                          edge="#ffffff" if municipal else "#4a4a4a")
            if regs is not None:
                regs.boundary.plot(ax=target, color="#3a3a3a", linewidth=0.7 * scale, zorder=3)
            if len(labelled):  # the labelled places stand out, so a label is never read as its neighbour's
                labelled.boundary.plot(ax=target, color="#000000", linewidth=1.3 * min(scale, 1.6), zorder=4)

    return draw


def _add_inset(page: Page, g, draw: Callable[..., None], lang: str, inset: bool, *,
               municipal: bool) -> tuple[tuple[float, float, float, float] | None, Axes | None]:
    """The Helsinki-region inset with its municipalities named; returns its extent and axes (or ``None``)."""
    if not inset:
        return None, None
    if not municipal:
        raise RvanalyticsError("the Helsinki-region inset needs a municipal map; pass inset=False for regions")
    extent = layout.inset_bounds(g)
    inset_ax = page.inset(lambda a: draw(a, 2.5), extent, lang)
    _label_inset(inset_ax, g, lang, page.style.small)
    return extent, inset_ax


def _label_places(page: Page, g, key: str, labelled, lang: str, inset_ax: Axes | None, inset_extent) -> None:
    """Mark the labelled places with a dot and name them beside it (those inside the inset only there)."""
    if not len(labelled):
        return
    nm = names(g, lang, key)
    pts = layout.label_points(labelled.geometry)
    lab = [(x, y, nm[c]) for c, (x, y) in zip(labelled[key], pts, strict=True)
           if inset_extent is None or not (inset_extent[0] <= x <= inset_extent[2]
                                           and inset_extent[1] <= y <= inset_extent[3])]
    marker_pt = 6.0
    page.ax.scatter([x for x, _, _ in lab], [y for _, y, _ in lab], s=marker_pt**2, c="#000000",
                    edgecolors="#ffffff", linewidths=1.2, zorder=39)
    layout.place_labels(page.ax, lab, fontsize=page.style.label, marker_pt=marker_pt,
                        obstacles=[inset_ax] if inset_ax is not None else [],
                        avoid=[page.inset_outline] if page.inset_outline else [])


def _add_legend(page: Page, classes: Classes, idx: np.ndarray, lang: str, digits: int | None, unit: str, *,
                municipal: bool) -> None:
    """The legend: unit and level as its title, each class with its count, "no data" if any."""
    counts = np.bincount(idx[idx >= 0], minlength=classes.k)
    n_missing = int((idx < 0).sum())
    level = text("municipalities" if municipal else "regions", lang)
    page.legend(_legend_handles(classes, counts, n_missing, lang, digits, n_missing > 0),
                title=f"{unit} ({level})" if unit else level.capitalize())


def _labelled(g, key: str, label_codes: Sequence[str]):
    """The features to label, in the order given; codes not on the map raise."""
    wanted = [str(c) for c in label_codes]
    missing = sorted(set(wanted) - set(g[key]))
    if missing:
        raise RvanalyticsError(f"label code(s) {missing} are not on the map")
    return g.set_index(key).loc[wanted].reset_index()


def _label_regions(ax: Axes, g, key: str, lang: str, st: layout.Style) -> None:
    """Name every region inside itself (two lines or a smaller font where needed); Åland has its own label."""
    reg_names = names(g, lang, key)
    keep = g[key] != layout.ALAND_REGION_CODE
    layout.label_inside(ax, g[keep].geometry, [reg_names[c] for c in g[key][keep]], fontsize=st.region_label,
                        min_fontsize=st.region_label_min, fontstyle="normal", color="#111111", force=True)


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
    key = level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    years, series = _values_by_year(values_by_year, years, g[key])
    if cmap is None and indicator is not None:
        cmap = indicator_palette(indicator, diverging=diverging).cmap
    labelled = _labelled(g, key, label_codes)
    lab = _crowded_first(g, key, labelled, lang)
    pooled = np.concatenate([s.to_numpy() for s in series.values()])
    classes = classify(pooled, scheme, k, bins=bins, diverging=diverging, cmap=cmap)

    st = layout.STYLES[size]
    fig = plt.figure(figsize=layout.SIZES[size])
    head, title_fs, title_h = _multiples_title(title, years, lang, size, st)
    grid = _panel_grid(len(years), size, title_h, st)
    axes, n_missing = _draw_panels(fig, g, key, years, series, classes, labelled, lab, grid, st)
    if lab:  # names once, in the first panel, anywhere in its cell (beside Finland too)
        _name_in_first_panel(fig, axes[0], lab, grid, st)
    layout.add_north_arrow(axes[0], xy=(0.12, 0.80), lang=lang, fontsize=st.small)
    layout.add_scale_bar(axes[0], xy=(0.03, 0.60), fraction=0.3, fontsize=st.small)
    fig.text(0.02, 0.975, head, fontsize=title_fs, fontweight="bold", ha="left", va="top", linespacing=1.1)
    _multiples_legend(fig, classes, n_missing, lang, digits, unit, key=key, size=size, st=st, title_h=title_h,
                      grid=grid)
    layout.add_attribution(fig, f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0], lang,
                           fontsize=st.attribution, sources=[*layout.boundary_sources(g), *sources])
    return fig, np.array(axes)


def _values_by_year(values_by_year: Mapping[int, object] | pd.DataFrame, years: Sequence[int] | None,
                    key_values: pd.Series) -> tuple[list[int], dict[int, pd.Series]]:
    """The years to show (1–6, each with values) and their values by code."""
    if isinstance(values_by_year, pd.DataFrame):
        if "year" not in values_by_year:
            raise RvanalyticsError("values_by_year: a DataFrame needs a 'year' column")
        data = {int(y): part.drop(columns="year") for y, part in values_by_year.groupby("year")}
    else:
        data = {int(y): v for y, v in values_by_year.items()}
    shown = [int(y) for y in (years if years is not None else sorted(data))]
    missing_years = [y for y in shown if y not in data]
    if missing_years:
        raise RvanalyticsError(f"no values for year(s) {missing_years}; available: {sorted(data)}")
    if not 1 <= len(shown) <= 6:
        raise RvanalyticsError(f"small multiples show 1–6 years, got {len(shown)}; pass years=")
    return shown, {y: values_by_code(data[y], key_values, what=f"values of {y}") for y in shown}


def _crowded_first(g, key: str, labelled, lang: str) -> list[Label]:
    """Anchors and names of the labelled places, those nearest to another labelled place first.

    Small panels are crowded: the cities with the least room choose their spot first.
    """
    if not len(labelled):
        return []
    nm = names(g, lang, key)
    lab = [(x, y, nm[c]) for c, (x, y) in zip(labelled[key], layout.label_points(labelled.geometry), strict=True)]
    xy = np.array([(x, y) for x, y, _ in lab])
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) + np.diag(np.full(len(lab), np.inf))
    return [lab[i] for i in np.argsort(gaps.min(axis=1), kind="stable")]


def _multiples_title(title: str, years: Sequence[int], lang: str, size: str,
                     st: layout.Style) -> tuple[str, float, float]:
    """The title with the years, fitted to the page width: text, font size and height (figure fraction)."""
    head = text("years_title", lang, title=title, first=years[0], last=years[-1]) if len(years) > 1 else \
        text("year_title", lang, title=title, year=years[0])
    head, title_fs = _fit_title(head, 0.96 * layout.SIZES[size][0], st.title)
    title_h = (head.count("\n") + 1) * title_fs * 1.2 / 72 / layout.SIZES[size][1]
    return head, title_fs, title_h


def _panel_grid(n: int, size: str, title_h: float, st: layout.Style) -> Grid:
    """Columns, rows and the area of ``n`` panels: one row on a slide, up to three columns on A4.

    A title longer than one line pushes the panels down.
    """
    if size == "slide":
        ncol, nrow = n, 1
        area = (0.01, 0.05, 0.72, 0.82)
    else:
        ncol = n if n <= 3 else 2 if n == 4 else 3
        nrow = int(np.ceil(n / ncol))
        fw, fh = layout.SIZES[size]
        panel_h = min(0.98 * fw / ncol * 1.85 / fh, 0.70 / nrow)
        area = (0.01, 0.90 - nrow * panel_h, 0.98, nrow * panel_h)
    extra = title_h - st.title * 1.2 / 72 / layout.SIZES[size][1]
    if extra > 0:
        area = (area[0], area[1], area[2], area[3] - extra)
    return ncol, nrow, area


def _draw_panels(fig: Figure, g, key: str, years: Sequence[int], series: Mapping[int, pd.Series],
                 classes: Classes, labelled, lab: Sequence[Label], grid: Grid,
                 st: layout.Style) -> tuple[list[Axes], int]:
    """One map per year in its cell (classed areas, labelled places outlined and dotted, the year above).

    Returns the axes and the number of missing values over all panels.
    """
    ncol, nrow, area = grid
    cw, rh = area[2] / ncol, area[3] / nrow
    axes = []
    n_missing = 0
    for i, y in enumerate(years):
        r, c = divmod(i, ncol)
        ax = fig.add_axes((area[0] + c * cw, area[1] + (nrow - 1 - r) * rh, cw * 0.98, rh * 0.92))
        idx = classes.assign(series[y].to_numpy())
        n_missing += int((idx < 0).sum())
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
    return axes, n_missing


def _name_in_first_panel(fig: Figure, ax: Axes, lab: Sequence[Label], grid: Grid, st: layout.Style) -> None:
    """Name the labelled places once, in the first panel, anywhere in its cell (beside Finland too)."""
    ncol, nrow, area = grid
    cw, rh = area[2] / ncol, area[3] / nrow
    fw, fh = fig.get_size_inches() * fig.dpi
    cell = Bbox.from_bounds(area[0] * fw, (area[1] + (nrow - 1) * rh) * fh, cw * fw, rh * 0.92 * fh)
    layout.place_labels(ax, lab, fontsize=min(st.small - 2, 9.0), marker_pt=4.0, bounds=cell)


def _multiples_legend(fig: Figure, classes: Classes, n_missing: int, lang: str, digits: int | None, unit: str, *,
                      key: str, size: str, st: layout.Style, title_h: float, grid: Grid) -> None:
    """The scheme under the title and one legend for all panels (right of them on a slide, below on A4)."""
    level = text("municipalities" if key == "code" else "regions", lang)
    handles = _legend_handles(classes, None, n_missing, lang, digits, n_missing > 0)
    legend_title = wrap_text(f"{unit} ({level})" if unit else level.capitalize(),
                         (0.24 if size == "slide" else 0.8) * layout.SIZES[size][0], st.legend, bold=True)
    fig.text(0.02, 0.975 - title_h - 0.2 * st.title / 72 / layout.SIZES[size][1], text(classes.scheme, lang),
             fontsize=st.subtitle, ha="left", va="top")
    if size == "slide":
        leg = fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.74, 0.45), fontsize=st.legend,
                         title=legend_title, title_fontsize=st.legend, frameon=False, alignment="left")
    else:
        area = grid[2]
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.06, area[1] - 0.02), fontsize=st.legend,
                         title=legend_title, title_fontsize=st.legend, frameon=False, alignment="left",
                         ncol=2)
    leg.get_title().set_fontweight("bold")


def _fit_title(title: str, width_in: float, fontsize: float) -> tuple[str, float]:
    """The title on one line, shrunk to at most 80 % of ``fontsize`` if need be; else wrapped onto two lines.

    Returns the text (with a line break where wrapped) and the font size to use.
    """
    for fs in (fontsize, 0.9 * fontsize, 0.8 * fontsize):
        if "\n" not in wrap_text(title, width_in, fs, bold=True):
            return title, fs
    return wrap_text(title, width_in, 0.8 * fontsize, bold=True), 0.8 * fontsize


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
    rows = _indicator_rows(panel, indicator, year, level)
    gdf = _boundaries_for(rows, level, municipalities, regions)
    meta = indicator_meta(indicator, lang)
    unit = meta["unit"] or _panel_unit(rows, lang)
    if cmap is None:
        cmap = indicator_palette(direction=meta["direction"], diverging=diverging).cmap
    return choropleth(
        gdf, rows[["code", "value"]], scheme=scheme, k=k, bins=bins, diverging=diverging, cmap=cmap, unit=unit,
        title=meta["name"], year=year, lang=lang, ax=ax, size=size, inset=inset,
        regions=regions if level == "municipality" else None,
        label_codes=label_codes if level == "municipality" else (), label_regions=label_regions,
        sources=sorted(rows["source"].dropna().astype(str).unique()) if "source" in rows else (),
    )


def _indicator_rows(panel: pd.DataFrame, indicator: str, year: int, level: str) -> pd.DataFrame:
    """The panel rows of the indicator, level and year; an error names the years that have data."""
    if level not in ("municipality", "region"):
        raise RvanalyticsError(f"level must be 'municipality' or 'region', not {level!r}")
    rows = panel[(panel["indicator"] == indicator) & (panel["level"] == level)]
    if rows.empty:
        raise RvanalyticsError(f"the panel has no {level} rows for indicator {indicator!r}")
    available = sorted(int(y) for y in rows["year"].unique())
    rows = rows[rows["year"] == year]
    if rows.empty:
        raise RvanalyticsError(f"indicator {indicator!r} has no {level} values for {year}; years: {available}")
    return rows


def _boundaries_for(rows: pd.DataFrame, level: str, municipalities, regions):
    """The boundaries of the level; they must be of the rows' municipal division."""
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
    return gdf


def _panel_unit(rows: pd.DataFrame, lang: str) -> str:
    """The panel's unit in ``lang``, for an indicator the catalogue does not list (a user's own table)."""
    from rvanalytics.indicators import unit_text

    return unit_text(rows["unit"].dropna().iloc[0], lang) if rows["unit"].notna().any() else ""
