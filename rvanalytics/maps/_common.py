"""Shared helpers of the map functions (input checks, names, page decoration)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps import layout
from rvanalytics.maps.i18n import check_lang, name_column, region_name_column, text


def check_gdf(gdf, what: str, key: str):
    """Check a GeoDataFrame: has ``key`` and geometry, EPSG:3067 (reprojected if needed)."""
    if not hasattr(gdf, "geometry") or key not in gdf:
        raise RvanalyticsError(
            f"{what} must be a GeoDataFrame with a {key!r} column "
            f"(use rvanalytics.boundaries.load_{'municipalities' if key == 'code' else 'regions'})"
        )
    if gdf.crs is None:
        raise RvanalyticsError(f"{what} has no CRS; expected EPSG:3067 from rvanalytics.boundaries")
    if gdf.crs.to_epsg() != layout.EPSG:
        gdf = gdf.to_crs(layout.EPSG)
    gdf = gdf.copy()
    gdf[key] = gdf[key].astype(str)
    return gdf


def level_key(gdf) -> str:
    """The code column of a map's features: ``code`` (municipalities) or ``region_code`` (regions)."""
    if "code" in gdf:
        return "code"
    if "region_code" in gdf:
        return "region_code"
    raise RvanalyticsError("the map needs a 'code' (municipalities) or 'region_code' (regions) column")


def names(gdf, lang: str, key: str = "code") -> pd.Series:
    """Names in ``lang`` (falling back to Finnish where the language's name is missing), by code."""
    check_lang(lang)
    col = name_column(lang) if key == "code" else region_name_column(lang)
    fi = name_column("fi") if key == "code" else region_name_column("fi")
    base = gdf[fi] if fi in gdf else gdf[key]
    out = gdf[col].where(gdf[col].notna() & (gdf[col].astype(str) != ""), base) if col in gdf else base
    return pd.Series(out.astype(str).to_numpy(), index=gdf[key].to_numpy())


class Page:
    """Where the title, key figures, legend and attribution of one map go."""

    def __init__(self, ax: Axes | None, size: str) -> None:
        if ax is None:
            self.frame: layout.Frame | None = layout.new_frame(size)
            self.fig = self.frame.fig
            self.ax = self.frame.ax
            self.style = self.frame.style
            self.size = size
        else:
            self.frame = None
            self.fig = ax.figure
            self.ax = ax
            self.style = layout.style_for(self.fig)
            self.size = "a4"
        self.inset_outline = None
        # share of the data width added east of Finland, and the inset's place (axes fraction)
        # On a slide the map is limited by the height, so the frame can reach further east (to the
        # side text) and the inset sits clear of the south-east coast, where a label such as
        # "Lappeenranta" needs the room east of its city.
        self.room_right = 0.82 if self.size == "slide" else 0.45
        self.inset_rect = (0.69, 0.0, 0.31, 0.30) if self.size == "slide" else (0.665, 0.0, 0.335, 0.25)

    def extent(self, bounds) -> None:
        """Frame the map on ``bounds`` with room for the inset east of Finland."""
        layout.set_extent(self.ax, bounds, room_right=self.room_right)

    def title(self, title: str, lines: Sequence[str] = (), *, bold_first: bool = False) -> None:
        """Title and key-figure lines (figure text on a page, axes title otherwise)."""
        st = self.style
        if self.frame is not None:
            fr = self.frame
            fh = self.fig.get_size_inches()[1]
            width_in = fr.text_width * self.fig.get_size_inches()[0]
            x, y = fr.title_xy
            wrapped = wrap_text(title, width_in, st.title, bold=True)
            self.fig.text(x, y, wrapped, fontsize=st.title, fontweight="bold", ha="left", va="top",
                          linespacing=1.1)
            y -= (wrapped.count("\n") + 1) * st.title * 1.25 / 72 / fh + 0.25 * st.subtitle / 72 / fh
            for i, line in enumerate(lines):
                wl = wrap_text(line, width_in, st.subtitle, bold=bold_first and i == 0)
                self.fig.text(x, y, wl, fontsize=st.subtitle, ha="left", va="top", linespacing=1.15,
                              fontweight="bold" if bold_first and i == 0 else "normal")
                y -= (wl.count("\n") + 1) * st.subtitle * 1.22 / 72 / fh + 0.3 * st.subtitle / 72 / fh
            fr.cursor = y
            if fr.size == "a4":  # let the map start right below the key figures
                box = self.ax.get_position()
                top = min(y - 0.01, 0.92)
                self.ax.set_position((box.x0, box.y0, box.width, top - box.y0))
        else:
            full = "\n".join([title, *lines])
            self.ax.set_title(full, fontsize=st.subtitle, loc="left")

    def legend(self, handles, title: str | None = None, *, ncol: int = 1) -> None:
        """The legend: below the key figures on a slide, the empty north-east of the map otherwise."""
        st = self.style
        kwargs = {"handles": handles, "title": title, "fontsize": st.legend, "title_fontsize": st.legend,
                  "frameon": False, "handlelength": 1.8, "handleheight": 1.2, "labelspacing": 0.55, "ncol": ncol,
                  "alignment": "left", "borderaxespad": 0.0, "borderpad": 0.0}
        if self.frame is not None and self.frame.size == "slide":
            fh = self.fig.get_size_inches()[1]
            y = self.frame.cursor - 0.6 * st.legend / 72 / fh
            leg = self.fig.legend(loc="upper left", bbox_to_anchor=(self.frame.title_xy[0], y), **kwargs)
        else:
            leg = self.ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.99), **kwargs)
        leg.set_zorder(50)
        if title:
            leg.get_title().set_fontweight("bold")

    def decorate(self, regions, lang: str, year, *, scale_bar: bool = True, sources: Sequence[str] = ()) -> None:
        """North arrow, scale bar, Åland label and the attribution line (``sources``: catalogue ids)."""
        st = self.style
        ax = self.ax
        layout.add_north_arrow(ax, xy=(0.06, 0.79), lang=lang, fontsize=st.small + 1)
        if scale_bar:
            layout.add_scale_bar(ax, xy=(0.03, 0.68), fraction=0.2, fontsize=st.small)
        layout.add_aland_label(ax, regions, lang, fontsize=st.small + 0.5)
        if self.frame is not None:
            layout.add_attribution(self.fig, year, lang, fontsize=st.attribution, sources=sources)
        else:
            width = ax.get_position().width * self.fig.get_size_inches()[0]
            ax.text(0.0, -0.01, wrap_text(layout.attribution_text(year, lang, sources), width, st.attribution),
                    transform=ax.transAxes, ha="left", va="top", fontsize=st.attribution, color="#333333")

    def inset(self, draw, bounds, lang: str):
        st = self.style
        inset = layout.add_inset(self.ax, draw, bounds, rect=self.inset_rect, title=text("capital_region", lang),
                                 fontsize=st.small + 1)
        self.inset_outline = self.ax.patches[-1]  # the inset's extent on the main map: labels keep off it
        return inset


def wrap_text(line: str, width_in: float, fontsize: float, *, bold: bool = False) -> str:
    """Wrap ``line`` at word boundaries so that each line is at most ``width_in`` inches wide (measured)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(100, 100, 72)  # 72 dpi: one pixel per point
    prop = FontProperties(size=fontsize, weight="bold" if bold else "normal")

    def width(text: str) -> float:
        return renderer.get_text_width_height_descent(text, prop, ismath=False)[0] / 72

    lines: list[str] = []
    current = ""
    for word in line.split(" "):  # not at no-break spaces ("74,4\u00a0%")
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if current and width(candidate) > width_in:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return "\n".join(lines)
