"""The coverage map: which regions (maakunnat) the city cohort reaches.

:func:`coverage_map` reads as its steps: key figures (:func:`coverage_stats`), the page
and title, the areas (and the Helsinki-region inset), the city labels (largest city
first), optional region names, the legend and the credit line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps import layout
from rvanalytics.maps._common import Page, check_gdf, names
from rvanalytics.maps.i18n import check_lang, format_share, text

__all__ = ["COLORS", "coverage_map", "coverage_stats"]

#: Colours of the coverage map (colour-blind safe: orange vs. blue vs. grey).
COLORS = {
    "city": "#c2410c",  # dark orange
    "covered": "#bcd7ee",  # light blue
    "uncovered": "#f2f2f2",  # very light grey, hatched
    "hatch": "#8c8c8c",
    "region_edge": "#3a3a3a",
    "municipality_edge": "#ffffff",
}


def coverage_stats(
    municipalities: pd.DataFrame, cohort_codes: Iterable[str], population: pd.Series | Mapping[str, float]
) -> dict[str, float]:
    """Regions covered and population shares of a cohort.

    Parameters
    ----------
    municipalities : DataFrame
        ``code`` and ``region_code`` of every municipality of the division.
    cohort_codes : iterable of str
    population : Series or mapping
        Population by municipality code; every municipality needs one.

    Returns
    -------
    dict
        ``regions_covered``, ``n_regions``, ``population_cities``,
        ``population_regions``, ``population_total``, ``share_cities``,
        ``share_regions``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"code": ["001", "002", "003"], "region_code": ["01", "01", "02"]})
    >>> s = coverage_stats(m, ["001"], {"001": 10, "002": 30, "003": 60})
    >>> s["regions_covered"], s["share_cities"], s["share_regions"]
    (1, 0.1, 0.4)
    """
    codes = [str(c) for c in cohort_codes]
    table = pd.DataFrame({"code": municipalities["code"].astype(str).to_numpy(),
                          "region_code": municipalities["region_code"].astype(str).to_numpy()})
    unknown = sorted(set(codes) - set(table["code"]))
    if unknown:
        raise RvanalyticsError(f"cohort code(s) {unknown} are not municipalities of the map's division")
    pop = pd.Series(population, dtype="float64")
    pop.index = pop.index.astype(str)
    table["population"] = pop.reindex(table["code"]).to_numpy()
    missing = table.loc[table["population"].isna(), "code"].tolist()
    if missing:
        raise RvanalyticsError(
            f"population is missing for {len(missing)} municipalities ({', '.join(missing[:8])}"
            f"{' …' if len(missing) > 8 else ''}); use population of the same division as the boundaries"
        )
    in_cohort = table["code"].isin(codes)
    covered = set(table.loc[in_cohort, "region_code"])
    total = float(table["population"].sum())
    pc = float(table.loc[in_cohort, "population"].sum())
    pr = float(table.loc[table["region_code"].isin(covered), "population"].sum())
    return {
        "regions_covered": len(covered),
        "n_regions": int(table["region_code"].nunique()),
        "population_cities": pc,
        "population_regions": pr,
        "population_total": total,
        "share_cities": pc / total if total else float("nan"),
        "share_regions": pr / total if total else float("nan"),
    }


def coverage_map(
    municipalities,
    regions,
    cohort_codes: Iterable[str],
    population: pd.Series | Mapping[str, float],
    *,
    lang: str = "fi",
    ax: Axes | None = None,
    size: str = "slide",
    year: int | None = None,
    title: str | None = None,
    inset: bool = True,
    n_regions: int | None = None,
    label_regions: bool = False,
    sources: Sequence[str] = (),
) -> tuple[Figure, Axes]:
    """Map the cohort: its cities, the regions they cover and those they do not.

    Parameters
    ----------
    municipalities : GeoDataFrame
        ``boundaries.load_municipalities(year)`` (EPSG:3067): ``code``,
        ``name_fi/sv/en``, ``region_code``, geometry.
    regions : GeoDataFrame
        ``boundaries.load_regions(year)``: ``region_code``, geometry.
    cohort_codes : iterable of str
        Municipality codes of the cohort (e.g. ``cohort.TEN_CITY_COHORT``).
    population : Series or mapping
        Population by municipality code, for the shares in the title.
    lang : {"fi", "sv", "en"}
    ax : Axes, optional
        Draw into this axes (title and legend go on it); by default a new page
        of ``size`` is laid out.
    size : {"slide", "a4"}
    year : int, optional
        Data year of the population (shown in the key figures and the attribution).
    title : str, optional
        Overrides the default title.
    inset : bool
        Draw the Helsinki-region inset when a cohort city lies in it.
    n_regions : int, optional
        Number of regions for "N/19" (default: the regions in ``regions``).
    label_regions : bool
        Also write the region names (small, grey italic) where they do not
        collide with the city labels.
    sources : sequence of str
        Catalogue ids of the population's source (``rvanalytics/data/sources.yaml``),
        named in the attribution line with the boundaries' source.

    Returns
    -------
    (Figure, Axes)
    """
    check_lang(lang)
    layout.check_size(size)
    munis = check_gdf(municipalities, "municipalities", "code")
    regs = check_gdf(regions, "regions", "region_code")
    codes = [str(c) for c in cohort_codes]
    if not codes:
        raise RvanalyticsError("the cohort is empty; pass at least one municipality code")
    stats = coverage_stats(munis, codes, population)
    n_reg = n_regions or int(regs["region_code"].nunique())

    page = _titled_page(ax, size, lang, title, year, stats, n_reg)
    regs = regs.assign(_covered=regs["region_code"].isin(munis.loc[munis["code"].isin(codes), "region_code"]))
    cities = munis[munis["code"].isin(codes)]
    draw = _area_painter(munis, regs, cities)
    draw(page.ax)
    page.extent(munis.total_bounds)
    inset_extent, inset_ax = _add_inset(page, munis, draw, lang) if inset and _any_in_inset(munis, cities) \
        else (None, None)
    main_labels, inset_labels = _city_labels(munis, cities, population, lang, inset_extent)
    obstacles = [inset_ax] if inset_ax is not None else []
    placed = layout.place_labels(page.ax, main_labels, fontsize=page.style.label, obstacles=obstacles,
                                 avoid=[page.inset_outline] if page.inset_outline else [])
    if label_regions:
        _label_regions(page, regs, lang, avoid=[*placed, *obstacles])
    if inset_ax is not None and inset_labels:
        layout.place_labels(inset_ax, inset_labels, fontsize=page.style.label, center_first=True)
    _add_legend(page, stats, n_reg, lang)
    page.decorate(regs, lang, year, sources=[*layout.boundary_sources(munis), *sources])
    return page.fig, page.ax


def _titled_page(ax: Axes | None, size: str, lang: str, title: str | None, year: int | None,
                 stats: dict[str, float], n_reg: int) -> Page:
    """The page (or the given axes) with the title and the key figures (regions covered, population shares)."""
    page = Page(ax, size)
    lines = [
        text("regions_covered", lang, n=stats["regions_covered"], total=n_reg),
        text("pop_cities", lang, share=format_share(stats["share_cities"], lang)),
        text("pop_regions", lang, share=format_share(stats["share_regions"], lang)),
    ]
    if year is not None:
        lines.append(text("pop_year", lang, year=year))
    page.title(title or text("coverage_title", lang), lines)
    return page


def _area_painter(munis, regs, cities) -> Callable[..., None]:
    """A function drawing covered and uncovered regions, municipal borders and the cohort cities into an axes.

    ``regs`` has a boolean ``_covered`` column. The same drawing goes to the main map and
    (with thicker lines, ``lw_scale``) to the inset.
    """

    def draw(target: Axes, lw_scale: float = 1.0) -> None:
        with layout.batch_draw(target.figure):
            cov = regs[regs["_covered"]]
            unc = regs[~regs["_covered"]]
            if len(cov):
                cov.plot(ax=target, facecolor=COLORS["covered"], edgecolor="none", zorder=1)
            if len(unc):
                unc.plot(ax=target, facecolor=COLORS["uncovered"], edgecolor=COLORS["hatch"], hatch="///",
                         linewidth=0, zorder=1)
            munis.boundary.plot(ax=target, color=COLORS["municipality_edge"], linewidth=0.35 * lw_scale, zorder=2)
            cities.plot(ax=target, facecolor=COLORS["city"], edgecolor="#7c2d12", linewidth=0.5 * lw_scale, zorder=3)
            regs.boundary.plot(ax=target, color=COLORS["region_edge"], linewidth=0.9 * lw_scale, zorder=4)

    return draw


def _in_inset(geometry, extent) -> bool:
    """A city goes into the inset when all of it lies inside the inset's extent (else it stays on the main map)."""
    from shapely.geometry import box

    return bool(geometry.within(box(*extent)))


def _any_in_inset(munis, cities) -> bool:
    """True when a cohort city lies in the Helsinki-region inset (else the inset would show no cohort city)."""
    extent = layout.inset_bounds(munis)
    return any(_in_inset(g, extent) for g in cities.geometry)


def _add_inset(page: Page, munis, draw: Callable[..., None],
               lang: str) -> tuple[tuple[float, float, float, float], Axes]:
    """The Helsinki-region inset; returns its extent (EPSG:3067) and axes."""
    extent = layout.inset_bounds(munis)
    return extent, page.inset(lambda a: draw(a, 2.0), extent, lang)


def _city_labels(munis, cities, population: pd.Series | Mapping[str, float], lang: str,
                 inset_extent) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, str]]]:
    """Anchors and names of the cohort cities, largest first: those on the main map and those in the inset."""
    label_names = names(munis, lang)
    points = layout.label_points(cities.geometry)
    pop = pd.Series(population, dtype="float64")
    pop.index = pop.index.astype(str)
    order = np.argsort(-pop.reindex(cities["code"]).fillna(0).to_numpy(), kind="stable")
    main, in_inset = [], []
    for i in order:
        px, py = points[i]
        label = (px, py, label_names[cities["code"].iloc[i]])
        inside = inset_extent is not None and _in_inset(cities.geometry.iloc[i], inset_extent)
        (in_inset if inside else main).append(label)
    return main, in_inset


def _label_regions(page: Page, regs, lang: str, avoid: Sequence) -> None:
    """Region names (small, grey italic) where they do not collide with ``avoid``; Åland has its own label."""
    region_names = names(regs, lang, "region_code")
    keep = regs["region_code"] != layout.ALAND_REGION_CODE
    layout.label_inside(page.ax, regs.geometry[keep], [region_names[c] for c in regs["region_code"][keep]],
                        fontsize=page.style.small, avoid=avoid)


def _add_legend(page: Page, stats: dict[str, float], n_reg: int, lang: str) -> None:
    """Legend: cohort city, covered regions and uncovered regions with their counts."""
    handles = [
        Patch(facecolor=COLORS["city"], edgecolor="#7c2d12", label=text("cohort_city", lang)),
        Patch(facecolor=COLORS["covered"], edgecolor=COLORS["region_edge"],
              label=f"{text('covered_region', lang)} ({stats['regions_covered']})"),
        Patch(facecolor=COLORS["uncovered"], edgecolor=COLORS["hatch"], hatch="///",
              label=f"{text('uncovered_region', lang)} ({n_reg - stats['regions_covered']})"),
    ]
    page.legend(handles)


def _inside(x: float, y: float, bounds) -> bool:
    return bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]
