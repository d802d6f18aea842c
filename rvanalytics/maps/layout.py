"""Page layout of the workshop maps: sizes, Helsinki-region inset, scale bar,
north arrow, Åland label, attribution and export (non-colliding labels: :mod:`rvanalytics.maps.labels`).

All maps are drawn in EPSG:3067 (ETRS-TM35FIN, metres, north up) without a
basemap. Two page sizes are supported:

``"slide"``
    16:9, 13.33 × 7.5 in (a PowerPoint/Impress widescreen slide); the map sits on
    the left, the title, key figures and legend on the right.
``"a4"``
    A4 portrait, 8.27 × 11.69 in; title and key figures on top, the legend in
    the empty space east of Lapland.

Fonts are large on purpose: workshop maps are projected and must be readable
from the back of the room (labels ≥ 12 pt on a slide).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.patheffects as pe
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from rvanalytics.atomic import atomic_path
from rvanalytics.exceptions import DataFileError, RvanalyticsError
from rvanalytics.maps.i18n import text
from rvanalytics.maps.labels import label_inside, label_points, place_labels, short_name, wrap_name

# label placement lives in labels.py; its names stay importable from here
__all__ = [
    "ALAND_REGION_CODE",
    "CAPITAL_REGION",
    "HELSINKI_REGION",
    "SIZES",
    "Frame",
    "Style",
    "add_aland_label",
    "add_attribution",
    "add_inset",
    "add_north_arrow",
    "add_scale_bar",
    "attribution_text",
    "batch_draw",
    "boundary_sources",
    "label_inside",
    "label_points",
    "new_frame",
    "place_labels",
    "save_map",
    "set_extent",
    "short_name",
    "wrap_name",
]

#: Figure sizes in inches.
SIZES: dict[str, tuple[float, float]] = {"slide": (13.333, 7.5), "a4": (8.27, 11.69)}

#: The four capital-region municipalities: Helsinki, Espoo, Kauniainen, Vantaa.
CAPITAL_REGION: tuple[str, ...] = ("091", "049", "235", "092")
#: Capital region and its neighbours, shown in the inset (Kirkkonummi, Sipoo,
#: Kerava, Tuusula, Järvenpää, Nurmijärvi, Vihti).
HELSINKI_REGION: tuple[str, ...] = CAPITAL_REGION + ("257", "753", "245", "858", "186", "543", "927")
ALAND_REGION_CODE = "21"

EPSG = 3067


@dataclass(frozen=True)
class Style:
    """Font sizes (points) and line widths for one page size."""

    title: float
    subtitle: float
    legend: float
    label: float
    small: float
    attribution: float
    region_label: float = 12.0
    region_label_min: float = 9.0


STYLES: dict[str, Style] = {
    "slide": Style(title=28, subtitle=19, legend=19, label=14, small=12, attribution=11, region_label=14,
                   region_label_min=10.5),
    "a4": Style(title=18, subtitle=12.5, legend=11, label=10, small=8.5, attribution=8, region_label=10,
                region_label_min=7.5),
}


@dataclass
class Frame:
    """A page prepared for one map: figure, map axes and where text goes."""

    fig: Figure
    ax: Axes
    size: str
    style: Style
    side: Axes | None  # right-hand panel on slides (legend, key figures)
    title_xy: tuple[float, float]
    text_xy: tuple[float, float]  # where key-figure lines start (figure fraction)
    cursor: float = 0.0  # figure-fraction y below the last text written (for the legend)
    text_width: float = 0.45  # figure-fraction width available for text


@contextlib.contextmanager
def batch_draw(fig: Figure):
    """Suppress the full redraw that ``GeoDataFrame.plot`` requests after every layer.

    geopandas calls ``canvas.draw_idle()`` after each plot; with the Agg backend
    this renders the whole figure each time. Inside this context the canvas
    counts as already drawing, so the requests are skipped (uses matplotlib's
    ``_idle_draw_cntx``; falls back to doing nothing if it is absent).
    """
    cntx = getattr(fig.canvas, "_idle_draw_cntx", None)
    if cntx is None or getattr(fig.canvas, "_is_idle_drawing", False):
        yield
        return
    with cntx():
        yield


def check_size(size: str) -> str:
    """Return ``size`` if known, else raise."""
    if size not in SIZES:
        raise RvanalyticsError(f"page size {size!r} is not supported; use one of {', '.join(SIZES)}")
    return size


def new_frame(size: str = "slide") -> Frame:
    """Create a figure laid out for ``size`` ("slide" or "a4")."""
    import matplotlib.pyplot as plt

    check_size(size)
    fig = plt.figure(figsize=SIZES[size])
    if size == "slide":
        ax = fig.add_axes((0.005, 0.075, 0.52, 0.915))  # room below for a two-line attribution
        ax.set_anchor("W")
        side = fig.add_axes((0.53, 0.06, 0.46, 0.62))
        side.set_axis_off()
        frame = Frame(fig, ax, size, STYLES[size], side, title_xy=(0.52, 0.965), text_xy=(0.52, 0.84),
                      text_width=0.47)
    else:
        ax = fig.add_axes((0.01, 0.04, 0.98, 0.81))
        ax.set_anchor("S")
        frame = Frame(fig, ax, size, STYLES[size], None, title_xy=(0.05, 0.975), text_xy=(0.05, 0.915),
                      text_width=0.9)
    ax.set_axis_off()
    frame.cursor = frame.text_xy[1]
    return frame


def style_for(fig: Figure) -> Style:
    """The style matching the figure's size (slide style for wide figures, else A4)."""
    w, h = fig.get_size_inches()
    return STYLES["slide"] if w >= h else STYLES["a4"]


def set_extent(
    ax: Axes, bounds: Sequence[float], *, room_right: float = 0.45, pad: float = 0.02, pad_bottom: float = 0.05
) -> None:
    """Frame ``bounds`` (minx, miny, maxx, maxy) with equal aspect, north up.

    ``room_right`` adds that share of the width east of the data: for Finland this
    is Russia, an empty area that holds the Helsinki inset and the legend.
    """
    minx, miny, maxx, maxy = bounds
    w, h = maxx - minx, maxy - miny
    ax.set_xlim(minx - pad * w, maxx + room_right * w)
    ax.set_ylim(miny - pad_bottom * h, maxy + pad * h)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def _nice_length(target: float) -> float:
    """Largest of 1, 2, 5 × 10^n that is at most 1.15 × ``target``."""
    exp = 10 ** np.floor(np.log10(target))
    best = exp
    for m in (1, 2, 5, 10):
        if m * exp <= 1.15 * target:
            best = m * exp
    return best


def add_scale_bar(
    ax: Axes,
    *,
    xy: tuple[float, float] = (0.04, 0.60),
    fraction: float = 0.2,
    fontsize: float = 10,
    segments: int = 2,
) -> float:
    """Draw a two-tone scale bar (km) at axes fraction ``xy``; returns its length in km.

    The map must be in metres (EPSG:3067). The length is a round number near
    ``fraction`` of the axes width.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(fraction * (x1 - x0))
    bx = x0 + xy[0] * (x1 - x0)
    by = y0 + xy[1] * (y1 - y0)
    height = 0.008 * (y1 - y0)
    seg = length / segments
    for i in range(segments):
        ax.add_patch(
            Rectangle((bx + i * seg, by), seg, height, facecolor="black" if i % 2 == 0 else "white",
                      edgecolor="black", linewidth=0.8, zorder=20)
        )
    halo = [pe.withStroke(linewidth=3, foreground="white")]
    km = length / 1000
    for pos, label in ((0, "0"), (length, f"{km:g} km")):
        ax.text(bx + pos, by + 1.8 * height, label, ha="left" if pos else "center", va="bottom",
                fontsize=fontsize, zorder=21, path_effects=halo)
    return km


def add_north_arrow(ax: Axes, *, xy: tuple[float, float] = (0.06, 0.70), lang: str = "fi", fontsize: float = 12) -> None:
    """Draw a north arrow at axes fraction ``xy`` (EPSG:3067 grid north = up)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cx = x0 + xy[0] * (x1 - x0)
    cy = y0 + xy[1] * (y1 - y0)
    h = 0.05 * (y1 - y0)
    w = 0.35 * h
    left = MplPolygon([(cx, cy + h / 2), (cx - w / 2, cy - h / 2), (cx, cy - h / 4)], closed=True,
                      facecolor="black", edgecolor="black", linewidth=0.8, zorder=20)
    right = MplPolygon([(cx, cy + h / 2), (cx + w / 2, cy - h / 2), (cx, cy - h / 4)], closed=True,
                       facecolor="white", edgecolor="black", linewidth=0.8, zorder=20)
    ax.add_patch(left)
    ax.add_patch(right)
    ax.text(cx, cy + h / 2 + 0.006 * (y1 - y0), text("north", lang), ha="center", va="bottom", fontsize=fontsize,
            fontweight="bold", zorder=21, path_effects=[pe.withStroke(linewidth=3, foreground="white")])


def boundary_sources(gdf) -> list[str]:
    """Catalogue ids of the source of boundaries ``gdf`` (from their division year; [] when unknown)."""
    from rvanalytics.store import BOUNDARY_PLAN

    if gdf is None or "year" not in gdf or gdf["year"].dropna().empty:
        return []
    plan = BOUNDARY_PLAN.get(int(gdf["year"].dropna().iloc[0]))
    while plan is not None and plan[0] == "derived":  # dissolved from an earlier year's file
        plan = BOUNDARY_PLAN.get(int(plan[1]))
    return [plan[1]] if plan is not None else []


def attribution_text(year: int | str | None, lang: str = "fi", sources: Sequence[str] = ()) -> str:
    """The localised attribution line: the sources' attributions and the data year.

    ``sources`` are ids of ``rvanalytics/data/sources.yaml`` (their ``attribution`` in
    ``lang``, via :func:`rvanalytics.catalogue.attribution`); a source the catalogue does
    not know (a user's own table) is named as given.

    Examples
    --------
    >>> attribution_text(2022, "en", ["nls_kuntajako_4500k"])
    'Sources: © National Land Survey of Finland, administrative areas 1:4,500,000, CC BY 4.0 — data year 2022'
    """
    from rvanalytics.catalogue import attribution
    from rvanalytics.catalogue import sources as catalogue

    known = catalogue()
    ids = list(dict.fromkeys(str(s) for s in sources if s is not None and str(s)))
    parts = [attribution([s for s in ids if s in known], lang)] if any(s in known for s in ids) else []
    parts += [s for s in ids if s not in known]
    data_year = text("data_year", lang, year=year if year is not None else "–")
    return f"{text('sources', lang, sources='; '.join(parts))} — {data_year}" if parts else data_year.capitalize()


def add_attribution(fig: Figure, year: int | str | None, lang: str = "fi", *, fontsize: float = 9,
                    sources: Sequence[str] = ()) -> None:
    """Write the attribution line (sources, licences, data year) at the bottom of ``fig``, wrapped to its width."""
    from rvanalytics.maps._common import wrap_text

    line = wrap_text(attribution_text(year, lang, sources), 0.97 * fig.get_size_inches()[0], fontsize)
    fig.text(0.01, 0.008, line, ha="left", va="bottom", fontsize=fontsize, color="#333333", linespacing=1.15)


def add_aland_label(ax: Axes, regions, lang: str = "fi", *, fontsize: float = 10) -> None:
    """Label Åland (region 21) so it is not mistaken for part of the mainland."""
    if regions is None or "region_code" not in regions:
        return
    aland = regions[regions["region_code"].astype(str) == ALAND_REGION_CODE]
    if aland.empty:
        return
    minx, miny, _, _ = aland.total_bounds
    ax.text(minx, miny - 6000, text("aland", lang), ha="left", va="top", fontsize=fontsize,
            fontstyle="italic", color="#222222", zorder=15,
            path_effects=[pe.withStroke(linewidth=3, foreground="white")])


def inset_bounds(gdf, codes: Sequence[str] = HELSINKI_REGION, *, pad: float = 4000.0) -> tuple[float, float, float, float]:
    """Bounds of the municipalities ``codes`` of ``gdf`` (EPSG:3067), padded by ``pad`` metres."""
    part = gdf[gdf["code"].astype(str).isin(codes)] if "code" in gdf else gdf.iloc[0:0]
    if part.empty:
        raise RvanalyticsError("none of the Helsinki-region municipalities is in the map; pass inset=False")
    minx, miny, maxx, maxy = part.total_bounds
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def add_inset(
    ax: Axes,
    draw: Callable[[Axes], None],
    bounds: Sequence[float],
    *,
    rect: Sequence[float] = (0.655, 0.005, 0.34, 0.34),
    title: str | None = None,
    fontsize: float = 11,
) -> Axes:
    """Add an inset map in axes fraction ``rect`` showing ``bounds``; ``draw(inset_ax)`` draws it.

    The inset area is outlined on the main map.
    """
    inset = ax.inset_axes(list(rect))
    draw(inset)
    minx, miny, maxx, maxy = bounds
    # expand to the inset's box ratio so the data fill it
    fig = ax.figure
    ax.apply_aspect()
    bb = ax.get_position(original=False)
    fw, fh = fig.get_size_inches()
    box_ratio = (rect[3] * bb.height * fh) / (rect[2] * bb.width * fw)
    w, h = maxx - minx, maxy - miny
    if h / w < box_ratio:
        grow = (w * box_ratio - h) / 2
        miny, maxy = miny - grow, maxy + grow
    else:
        grow = (h / box_ratio - w) / 2
        minx, maxx = minx - grow, maxx + grow
    inset.set_xlim(minx, maxx)
    inset.set_ylim(miny, maxy)
    inset.set_aspect("equal", adjustable="box")
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_edgecolor("#333333")
        spine.set_linewidth(1.2)
    inset.set_facecolor("white")
    inset.patch.set_alpha(1.0)
    inset.set_zorder(30)
    b = bounds
    ax.add_patch(Rectangle((b[0], b[1]), b[2] - b[0], b[3] - b[1], fill=False, edgecolor="#222222",
                           linewidth=1.2, zorder=25))
    if title:
        inset.text(0.02, 0.98, title, transform=inset.transAxes, ha="left", va="top", fontsize=fontsize,
                   fontweight="bold", zorder=60,
                   bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2})
    return inset


# ------------------------------------------------------------------ export

_FORMATS = (".png", ".svg", ".pdf")
#: PNG resolution limits: below 200 dpi a projected map is blurred; 1200 dpi is already
#: 16 000 × 9 000 pixels for a slide.
DPI_RANGE = (200, 1200)


def check_format(path: str | Path, formats: Sequence[str] = _FORMATS) -> Path:
    """Return ``path`` if it can be written as a map file, else raise :class:`DataFileError`.

    Checks, before any work is done: the suffix is one of ``formats``; the path is not an
    existing folder; no file is in the way of its folder; the folder (or the nearest one
    that exists) may be written to; an existing file is writable.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise DataFileError(path, "is an existing folder, not a file", f"give a file name inside it, e.g. {path / ('map' + formats[0])}")
    if suffix not in formats:
        raise DataFileError(path, f"cannot save a map as {suffix or 'a file without suffix'}",
                            "end the file name in " + ", ".join(formats))
    existing = next((p for p in path.parents if p.exists()), Path("."))
    if not existing.is_dir():
        raise DataFileError(path, f"{existing} is a file, so the folder cannot be made",
                            f"give a path that does not go through the file {existing.name!r}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise DataFileError(path, f"no permission to write in {existing}", "give a folder you can write to")
    if path.exists() and not os.access(path, os.W_OK):
        raise DataFileError(path, "the file exists and is read-only", "give another file name or make it writable")
    return path


def check_dpi(dpi: int) -> int:
    """Return ``dpi`` if it is a usable PNG resolution (:data:`DPI_RANGE`), else raise."""
    lo, hi = DPI_RANGE
    if not lo <= int(dpi) <= hi:
        raise RvanalyticsError(f"a PNG map needs {lo}–{hi} dpi, not {dpi}; 200 suits slides, 300 print")
    return int(dpi)


def save_map(fig: Figure, path: str | Path, size: str | None = None, *, dpi: int = 200) -> Path:
    """Save a map as PNG (≥ 200 dpi), SVG or PDF, atomically.

    Parameters
    ----------
    fig : Figure
    path : str or Path
        Target file; the suffix selects the format (``.png``, ``.svg``, ``.pdf``).
    size : {"slide", "a4"}, optional
        Resize the figure to this page size before saving. Maps are laid out for
        the size they were drawn with (``size=`` of the map function), so pass
        the same size here or leave it out.
    dpi : int
        Resolution of PNG output, 200–1200 (others raise).

    Returns
    -------
    Path
        The written file.
    """
    path = check_format(path)
    suffix = path.suffix.lower()
    if size is not None:
        fig.set_size_inches(*SIZES[check_size(size)])
    kwargs: dict[str, object] = {"format": suffix[1:], "facecolor": "white"}
    if suffix == ".png":
        kwargs["dpi"] = check_dpi(dpi)
    if suffix == ".svg":
        kwargs["metadata"] = {"Date": None}
    if suffix == ".pdf":
        kwargs["metadata"] = {"CreationDate": None}
    if suffix == ".svg":
        with _svg_halos(fig) as halos, atomic_path(path) as tmp, \
                matplotlib.rc_context({"svg.hashsalt": "rvanalytics", "svg.fonttype": "none"}):
            fig.savefig(tmp, **kwargs)
            tmp.write_text(_halo_strokes(tmp.read_text(encoding="utf-8"), halos), encoding="utf-8")
        return path
    with atomic_path(path) as tmp, matplotlib.rc_context({"svg.hashsalt": "rvanalytics"}):
        fig.savefig(tmp, **kwargs)
    return path


@contextlib.contextmanager
def _svg_halos(fig: Figure):
    """Take the white halos (``withStroke`` path effects) off the texts while an SVG is written.

    matplotlib draws a text with a path effect as outlines, so a label with a halo would
    not be text in the SVG (not editable, not translatable). Each such text gets an id
    instead, and :func:`_halo_strokes` gives its ``<text>`` the halo as an SVG stroke
    painted under the letters. Yields ``{id: (linewidth, colour)}``; restores the effects.
    """
    from matplotlib.colors import to_hex

    changed = []
    halos: dict[str, tuple[float, str]] = {}
    for i, t in enumerate(fig.findobj(Text)):
        effects = t.get_path_effects()
        strokes = [e for e in effects if isinstance(e, pe.Stroke)]
        if not strokes or not t.get_visible() or not t.get_text():
            continue
        gc = getattr(strokes[0], "_gc", {})
        gid = f"rvhalo-{i}"
        halos[gid] = (float(gc.get("linewidth", 3.0)), to_hex(gc.get("foreground", "white")))
        changed.append((t, effects, t.get_gid()))
        t.set_path_effects([])
        t.set_gid(gid)
    try:
        yield halos
    finally:
        for t, effects, gid in changed:
            t.set_path_effects(effects)
            t.set_gid(gid)


def _halo_strokes(svg: str, halos: dict[str, tuple[float, str]]) -> str:
    """Give the ``<text>`` elements of each halo group a stroke under the fill (``paint-order``)."""
    import re

    def group(match: re.Match) -> str:
        width, colour = halos[match.group(1)]
        style = f"stroke: {colour}; stroke-width: {width:g}px; stroke-linejoin: round; paint-order: stroke; "
        return match.group(0).replace('<text style="', f'<text style="{style}')

    return re.sub(r'<g id="(rvhalo-\d+)">.*?</g>', group, svg, flags=re.DOTALL)
