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

from rvanalytics.indicators import HINKU_SECTORS
from rvanalytics.report.story.facts import SectorFacts, Series, TargetFact
from rvanalytics.report.story.texts import fmt, t
from rvanalytics.report.story.theme_facts import FuelMixFacts

__all__ = [
    "FUEL_COLOURS",
    "SECTOR_COLOURS",
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


def format_axes(ax: Any, lang: str) -> None:
    """Year ticks as plain integers, values with the language's thousands and decimal separators."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8, steps=[1, 2, 5, 10]))  # 1990, 2000…, not 1992, 1998…
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{int(round(x))}"))

    def value(x: float, _: int) -> str:
        ticks = ax.get_yticks()
        step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
        digits = 0 if step >= 1 else (1 if step >= 0.1 else 2)
        return fmt(x, lang, digits)

    ax.yaxis.set_major_formatter(FuncFormatter(value))
    ax.tick_params(labelsize=FONT["tick"])
    ax.grid(alpha=0.3)


def add_footer(fig: Any, sources: str, years: Iterable[int], lang: str) -> None:
    """Source and data years at the bottom of the image (wrapped to the figure's width)."""
    years = sorted({int(y) for y in years})
    span = "" if not years else (str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}")
    text = t(lang, "figure_source", sources=sources)
    if span:
        text += " · " + t(lang, "figure_years", years=span)
    width = int(fig.get_figwidth() * 14)
    fig.text(0.01, 0.0, textwrap.fill(text, width), fontsize=FONT["footer"], color="#444444",
             ha="left", va="top", transform=fig.transFigure)


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
        add_footer(fig, _sources_text((src for s in lines for src in s.sources), lang),
                   (y for s in lines for y in s.years), lang)
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
    fig.tight_layout()
    everything = [s for _, _, lines in panels for s in lines]
    add_footer(fig, _sources_text((src for s in everything for src in s.sources), lang),
               (y for s in everything for y in s.years), lang)
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
        add_footer(fig, _sources_text(fact.series.sources, lang), fact.series.years, lang)
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
    ax.legend(handles=handles, fontsize=FONT["legend"], frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title(f"{title} ({facts.unit})", fontsize=FONT["title"] + 1)
    format_axes(ax, lang)
    if own:
        add_footer(fig, _sources_text(facts.sources, lang), table.index, lang)
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
    ax.legend(fontsize=FONT["legend"], frameon=False, ncol=len(facts.fuels), loc="upper left",
              bbox_to_anchor=(0.0, -0.2), handlelength=1.2, columnspacing=1.0)
    if own:
        fig.tight_layout()
        add_footer(fig, _sources_text(facts.sources, lang), [facts.year], lang)
    return fig, ax
