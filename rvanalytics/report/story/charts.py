"""Charts of a city report. Each plot function takes ``ax=None`` and returns ``(fig, ax)``.

Every figure carries its source and data years inside the image (:func:`add_footer`; a
chart copied onto a slide keeps its attribution), axes use the report language's number
format, and the sector palette is colour-blind-safe (Okabe–Ito and Paul Tol's muted
colours, one fixed colour per sector) with the legend in stack order.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.ticker import Formatter

from rvanalytics.indicators import HINKU_SECTORS
from rvanalytics.report.story.facts import SectorFacts, Series, TargetFact
from rvanalytics.report.story.texts import fmt, t
from rvanalytics.report.story.theme_facts import FuelMixFacts

__all__ = [
    "FUEL_COLOURS",
    "SECTOR_COLOURS",
    "ValueFormatter",
    "add_footer",
    "contiguous_runs",
    "fuel_mix_chart",
    "gap_broken",
    "sectors_chart",
    "series_chart",
    "target_chart",
    "theme_figure",
]

CITY, REGION, COUNTRY, TARGET, BASE = "#0072B2", "#D55E00", "#555555", "#A8231B", "#332288"
#: One colour per Hinku sector (Okabe–Ito, then Tol muted), in :data:`rvanalytics.indicators.HINKU_SECTORS` order.
SECTOR_COLOURS: dict[str, str] = dict(zip(
    (f"ghg_hinku_sector_{s}_kt" for s in HINKU_SECTORS.values()),
    ("#0072B2", "#56B4E9", "#D55E00", "#882255", "#CC6677", "#999999", "#DDCC77",
     "#E69F00", "#332288", "#88CCEE", "#009E73", "#AA4499", "#999933"),
    strict=True,
))
#: One fixed colour per heating fuel (Okabe–Ito; "other" grey), in stack order.
FUEL_COLOURS: dict[str, str] = {
    "heating_fuel_share_district_heat_pct": "#0072B2",
    "heating_fuel_share_oil_gas_pct": "#D55E00",
    "heating_fuel_share_electricity_pct": "#F0E442",
    "heating_fuel_share_heat_pump_pct": "#009E73",
    "heating_fuel_share_wood_peat_pct": "#CC79A7",
    "heating_fuel_share_other_pct": "#BBBBBB",
}
_DARK_FUELS = {"heating_fuel_share_district_heat_pct", "heating_fuel_share_oil_gas_pct",
               "heating_fuel_share_heat_pump_pct"}
FONT = {"title": 13, "tick": 11, "legend": 10.5, "footer": 8.5}


def gap_broken(years: Any, values: Any) -> tuple[Any, Any]:
    """Years and values with a missing point between non-consecutive years.

    A line must not bridge years without data (Syke's series jump from 1990 to 2005).

    Examples
    --------
    >>> gap_broken([1990, 2005, 2006], [1.0, 2.0, 3.0])[1].tolist()
    [1.0, nan, 2.0, 3.0]
    """
    y = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(y) < 2:
        return y, v
    breaks = np.flatnonzero(np.diff(y) > 1)
    return np.insert(y, breaks + 1, y[breaks] + 0.5), np.insert(v, breaks + 1, np.nan)


def contiguous_runs(years: Iterable[Any]) -> list[list[int]]:
    """Runs of consecutive years, e.g. ``[1990], [2005, …, 2024]``.

    Examples
    --------
    >>> contiguous_runs([2006, 1990, 2005])
    [[1990], [2005, 2006]]
    """
    runs: list[list[int]] = []
    for year in sorted(int(y) for y in years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _new_axes(ax: Any, size: tuple[float, float]) -> tuple[Any, Any, bool]:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt.subplots(figsize=size)
    return fig, ax, True


class ValueFormatter(Formatter):
    """Tick labels in the language's number format, with as many decimals as the tick step needs.

    The step comes from the ticks being labelled (:meth:`set_locs`), not from asking the
    axis for its ticks at every label, which reran the locator once per label.

    Examples
    --------
    >>> f = ValueFormatter("fi")
    >>> f.format_ticks([0, 2500, 5000])
    ['0', '2\\u202f500', '5\\u202f000']
    >>> f.format_ticks([0.0, 0.5, 1.0])
    ['0,0', '0,5', '1,0']
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.digits = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        step = abs(locs[1] - locs[0]) if len(locs) > 1 else 1.0
        self.digits = 0 if step >= 1 else (1 if step >= 0.1 else 2)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return fmt(x, self.lang, self.digits)


def format_axes(ax: Any, lang: str) -> None:
    """Year ticks as plain integers, values with the language's thousands and decimal separators."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8, steps=[1, 2, 5, 10]))  # 1990, 2000…, not 1992, 1998…
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{int(round(x))}"))
    ax.yaxis.set_major_formatter(ValueFormatter(lang))
    ax.tick_params(labelsize=FONT["tick"])
    ax.grid(alpha=0.3)


def footer_text(fig: Any, sources: str, years: Iterable[int], lang: str) -> str:
    """Source and data years, wrapped to the figure's width."""
    years = sorted({int(y) for y in years})
    span = "" if not years else (str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}")
    text = t(lang, "figure_source", sources=sources)
    if span:
        text += " · " + t(lang, "figure_years", years=span)
    return textwrap.fill(text, int(fig.get_figwidth() * 14))


def add_footer(fig: Any, sources: str, years: Iterable[int], lang: str) -> Any:
    """Source and data years at the bottom of the image, inside it; returns the text artist.

    :func:`fit_layout` keeps the room for it below the axes.
    """
    return fig.text(0.01, _PAD_IN / fig.get_figheight(), footer_text(fig, sources, years, lang),
                    fontsize=FONT["footer"], color="#444444", ha="left", va="bottom",
                    transform=fig.transFigure)


# --- layout ---------------------------------------------------------------------------------
# Margins are worked out from the strings that need room (tick labels, titles, legends,
# the footer), measured with the font: a layout engine (tight_layout, bbox_inches="tight")
# lays out and measures every artist of the figure, which cost as much as drawing it again.

_PAD_IN = 0.06  # inches around the outer edge
_TICK_IN = (3.5 + 3.5) / 72  # tick length and label pad (matplotlib's defaults)
_LINE = 1.2  # line height in font sizes


def _text_size_in(fig: Any, text: str, size: float) -> tuple[float, float]:
    """Width and height in inches of ``text`` (lines stacked) at ``size`` points."""
    from matplotlib.font_manager import FontProperties

    if not text:
        return 0.0, 0.0
    renderer = fig.canvas.get_renderer()
    prop = FontProperties(size=size)
    lines = text.split("\n")
    width = max(renderer.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines)
    # glyphs hinted at the saving resolution come out a few per cent wider than measured here
    return 1.05 * width / fig.dpi, len(lines) * size * _LINE / 72


def footer_height_in(fig: Any, footer: Any) -> float:
    """Room the footer takes at the bottom, with a gap above it (0 without a footer)."""
    if footer is None:
        return 0.0
    return _text_size_in(fig, footer.get_text(), footer.get_fontsize())[1] + 0.08


def _artist_size_in(fig: Any, artist: Any) -> tuple[float, float]:
    """Width and height in inches of one artist (a legend) as it will be drawn."""
    box = artist.get_window_extent(fig.canvas.get_renderer())
    return box.width / fig.dpi, box.height / fig.dpi


def _ytick_width_in(ax: Any) -> float:
    """Width of the widest y tick label that will be drawn (those inside the view)."""
    labels = ax.yaxis.get_majorticklabels()  # also brings the labels' texts up to date
    lo, hi = sorted(ax.get_ylim())
    eps = 1e-9 * ((hi - lo) or 1.0)
    inside = [lab for loc, lab in zip(ax.yaxis.get_majorticklocs(), labels, strict=False)
              if lo - eps <= loc <= hi + eps]
    return max((_text_size_in(ax.figure, lab.get_text(), lab.get_fontsize())[0] for lab in inside), default=0.0)


def _title_height_in(ax: Any) -> float:
    heights = [_text_size_in(ax.figure, ax.get_title(loc), ax.title.get_fontsize())[1]
               for loc in ("center", "left", "right")]
    return max(heights) + (6 / 72 if max(heights) else 0.0)  # matplotlib's title pad


def _below_axes_in(ax: Any) -> float:
    """Room under an axes: x tick labels and the x label."""
    size = ax.xaxis.get_ticklabels()[0].get_fontsize() if ax.xaxis.get_ticklabels() else FONT["tick"]
    room = _TICK_IN + size * _LINE / 72
    if ax.get_xlabel():
        room += _text_size_in(ax.figure, ax.get_xlabel(), ax.xaxis.label.get_fontsize())[1] + 4 / 72
    return room


def fit_layout(fig: Any, axes: Any, *, footer: Any = None, right_in: float = 0.2,
               below_in: float = 0.0) -> None:
    """Place a grid of axes (rows × columns) so its labels, titles and the footer fit the figure.

    ``right_in``: room right of the last column (a legend beside it); ``below_in``: room
    under the bottom row's labels (a legend under it), above the footer.
    """
    grid = np.atleast_2d(np.asarray(axes, dtype=object))
    shown = [ax for ax in grid.flat if ax.get_visible()]
    width, height = fig.get_size_inches()
    tick_w = max((_ytick_width_in(ax) for ax in shown), default=0.0) + _TICK_IN
    ylabel = max((_text_size_in(fig, ax.get_ylabel(), ax.yaxis.label.get_fontsize())[1] for ax in shown), default=0.0)
    left = _PAD_IN + tick_w + (ylabel + 4 / 72 if ylabel else 0.0)
    top = _PAD_IN + max((_title_height_in(ax) for ax in shown), default=0.0)
    below = max((_below_axes_in(ax) for ax in shown), default=0.0)
    bottom = _PAD_IN + footer_height_in(fig, footer) + below + below_in
    right = max(right_in, _PAD_IN)
    rows, cols = grid.shape
    gap_w = left - _PAD_IN + 0.25  # the next column's tick labels and some air
    gap_h = below + top - _PAD_IN + 0.15  # the upper row's tick labels and the lower row's title
    axes_w = (width - left - right - (cols - 1) * gap_w) / cols
    axes_h = (height - top - bottom - (rows - 1) * gap_h) / rows
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height, wspace=gap_w / axes_w, hspace=gap_h / axes_h)


def _sources_text(sources: Iterable[str], lang: str) -> str:
    from rvanalytics.catalogue import attribution

    ids = sorted(set(sources))
    return attribution(ids, lang) if ids else ""


def _plot_line(ax: Any, s: Series, **style: Any) -> None:
    ax.plot(*gap_broken(s.years, s.values), label=s.label, **style)


def series_chart(title: str, lines: list[Series], lang: str, *, ax: Any = None) -> tuple[Any, Any]:
    """The city's series (first line) and, for rates, its region and the country.

    A series of one year is a snapshot: a single marked point with its value, no line.
    """
    fig, ax, own = _new_axes(ax, (6.4, 4.2))
    styles = [dict(color=CITY, lw=2.4, marker="o", ms=3.5), dict(color=REGION, lw=1.8),
              dict(color=COUNTRY, lw=1.8, ls="--")]
    for s, style in zip(lines, styles, strict=False):
        if len(s.years) == 1:
            ax.scatter(s.years, s.values, s=60, color=style["color"], label=s.label, zorder=3)
            ax.annotate(fmt(s.values[0], lang), (s.years[0], s.values[0]), textcoords="offset points",
                        xytext=(6, 6), fontsize=FONT["tick"])
        else:
            _plot_line(ax, s, **style)
    ax.set_title(textwrap.fill(title, 46), fontsize=FONT["title"])
    ax.set_ylim(bottom=0)
    format_axes(ax, lang)
    years = sorted({y for s in lines for y in s.years})
    if len(years) == 1:  # a snapshot: one year in the middle, not a century of empty axis
        ax.set_xlim(years[0] - 2, years[0] + 2)
        ax.set_xticks(years)
    ax.legend(fontsize=FONT["legend"], frameon=False)
    if own:
        footer = add_footer(fig, _sources_text((src for s in lines for src in s.sources), lang),
                            (y for s in lines for y in s.years), lang)
        fit_layout(fig, ax, footer=footer)
    return fig, ax


def theme_figure(panels: list[tuple[str, str, list[Series]]], lang: str) -> Any:
    """Up to four series charts of one theme side by side, with one footer."""
    import matplotlib.pyplot as plt

    n = len(panels)
    cols = 2 if n > 1 else 1
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 4.3 * rows), squeeze=False)
    for ax, (_, title, lines) in zip(axes.flat, panels, strict=False):
        series_chart(title, lines, lang, ax=ax)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    everything = [s for _, _, lines in panels for s in lines]
    footer = add_footer(fig, _sources_text((src for s in everything for src in s.sources), lang),
                        (y for s in everything for y in s.years), lang)
    fit_layout(fig, axes, footer=footer)
    return fig


def target_chart(fact: TargetFact, lang: str, *, ax: Any = None) -> tuple[Any, Any]:
    """The target indicator's series for the city, the baseline, the target level and the path between them."""
    assert fact.series is not None, "target_chart needs a target with a series"
    fig, ax, own = _new_axes(ax, (10, 4.2))
    _plot_line(ax, fact.series, marker="o", ms=4, lw=2.4, color=CITY)
    if fact.path is not None:
        ax.plot(fact.path.years, fact.path.values, ls="--", lw=1.6, color=TARGET, label=fact.path.label)
    if fact.baseline_point:
        year, value = fact.baseline_point
        ax.scatter([year], [value], s=80, color=BASE, zorder=3, label=t(lang, "baseline", year=year))
    if fact.target_point:
        year, value = fact.target_point
        ax.scatter([year], [value], s=170, marker="*", color=TARGET, zorder=3, label=t(lang, "target", year=year))
    ax.set_title(f"{fact.indicator_name} ({fact.unit})", fontsize=FONT["title"] + 1)
    ax.set_ylim(bottom=0)
    format_axes(ax, lang)
    ax.legend(fontsize=FONT["legend"], frameon=False, loc="best")
    if own:
        footer = add_footer(fig, _sources_text(fact.series.sources, lang), fact.series.years, lang)
        fit_layout(fig, ax, footer=footer)
    return fig, ax


def sectors_chart(facts: SectorFacts, title: str, lang: str, *, ax: Any = None) -> tuple[Any, Any]:
    """Emissions by sector as stacked areas (a lone year as a stacked bar), legend in stack order."""
    from matplotlib.patches import Patch

    fig, ax, own = _new_axes(ax, (12, 5.4))
    table = facts.table
    colours = [SECTOR_COLOURS.get(s, "#BBBBBB") for s in facts.sectors]
    for run in contiguous_runs(table.index):
        part = table.loc[run]
        if len(run) == 1:
            bottom = 0.0
            for sector, colour in zip(facts.sectors, colours, strict=True):
                ax.bar(run, part[sector], bottom=bottom, width=0.8, color=colour, edgecolor="white", lw=0.4)
                bottom = bottom + part[sector].to_numpy()
        else:
            ax.stackplot(part.index, [part[s] for s in facts.sectors], colors=colours,
                         edgecolor="white", linewidth=0.4)
    # the stack's top sector first, as the eye reads the chart from the top
    handles = [Patch(facecolor=c, label=lab) for c, lab in zip(colours, facts.labels, strict=True)][::-1]
    legend = ax.legend(handles=handles, fontsize=FONT["legend"], frameon=False, loc="center left",
                       bbox_to_anchor=(1.0, 0.5))
    ax.set_title(f"{title} ({facts.unit})", fontsize=FONT["title"] + 1)
    format_axes(ax, lang)
    if own:
        footer = add_footer(fig, _sources_text(facts.sources, lang), table.index, lang)
        fit_layout(fig, ax, footer=footer, right_in=_artist_size_in(fig, legend)[0] + 2 * _PAD_IN)
    return fig, ax


def fuel_mix_chart(facts: FuelMixFacts, lang: str, *, ax: Any = None) -> tuple[Any, Any]:
    """Heating-fuel mix of the floor area: one 100 % bar per area (city on top, then region, country).

    Fuels are stacked left to right in :data:`FUEL_COLOURS` order with their fixed colours; the
    legend lists them in the same order; shares of 4 % or more are written in the bar. An area
    without values keeps its row, empty. The title says the year is a snapshot.
    """
    from matplotlib.ticker import FuncFormatter

    fig, ax, own = _new_axes(ax, (11, 3.9))
    n = len(facts.areas)
    ys = np.arange(n)
    left = np.zeros(n)
    for j, (fuel, label) in enumerate(zip(facts.fuels, facts.labels, strict=True)):
        widths = np.array([np.nan if row[j] is None else row[j] for row in facts.shares], dtype=float)
        shown = np.nan_to_num(widths)
        ax.barh(ys, shown, left=left, height=0.62, color=FUEL_COLOURS.get(fuel, "#BBBBBB"),
                edgecolor="white", lw=0.6, label=label)
        for y, w, x0 in zip(ys, widths, left, strict=True):
            if not np.isnan(w) and w >= 4:
                ax.text(x0 + w / 2, y, fmt(w, lang, 0), ha="center", va="center", fontsize=FONT["legend"],
                        color="white" if fuel in _DARK_FUELS else "black")
        left = left + shown
    ax.set_yticks(ys, [textwrap.fill(a, 22) for a in facts.areas])
    ax.invert_yaxis()  # the city on top
    ax.set_xlim(0, 100)
    ax.set_xlabel(t(lang, "fuel_mix_axis"), fontsize=FONT["tick"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt(x, lang, 0)))
    ax.tick_params(labelsize=FONT["tick"])
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(t(lang, "fuel_mix_title", year=facts.year), fontsize=FONT["title"] + 1, loc="left")
    legend = ax.legend(fontsize=FONT["legend"], frameon=False, ncol=len(facts.fuels), loc="upper left",
                       bbox_to_anchor=(0.0, -0.2), handlelength=1.2, columnspacing=1.0)
    if own:
        footer = add_footer(fig, _sources_text(facts.sources, lang), [facts.year], lang)
        legend_h = _artist_size_in(fig, legend)[1]
        fit_layout(fig, ax, footer=footer, below_in=legend_h + 0.05)
        # under the x label, above the footer: where fit_layout left room for it
        from matplotlib.transforms import blended_transform_factory

        top = (_PAD_IN + footer_height_in(fig, footer) + legend_h + 0.05) / fig.get_figheight()
        legend.set_bbox_to_anchor((0.0, top), transform=blended_transform_factory(ax.transAxes, fig.transFigure))
    return fig, ax
