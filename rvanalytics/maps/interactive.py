"""Interactive maps for JupyterLab (folium via ``GeoDataFrame.explore``) that work offline.

folium normally links Leaflet, jQuery, Bootstrap, awesome-markers and Font
Awesome from CDNs, so a map opened without network stays blank. The map
returned by :func:`explore_map` is an :class:`OfflineMap`: it links nothing.
Leaflet 1.9.3 (the version folium pins; vendored in ``rvanalytics/maps/static``,
BSD-2-Clause) is inlined into the page, and the other assets, which a choropleth
with tooltips and an HTML legend does not use, are left out. No background tiles
are requested by default (``tiles=None``). The same self-contained HTML is what
JupyterLab shows (``_repr_html_``, an iframe with ``srcdoc``), what
:meth:`OfflineMap.save` writes (atomically) and what :func:`to_html` returns.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> g = gpd.GeoDataFrame({"code": ["001", "002"], "name_fi": ["A-kunta", "B-kunta"]},
...                      geometry=[box(300000, 6700000, 350000, 6750000),
...                                box(350000, 6700000, 400000, 6750000)], crs=3067)
>>> m = explore_map(g, {"001": 1.5, "002": 3.0}, unit="t", title="Päästöt", year=2022, k=2)
>>> html = to_html(m)
>>> "<script src=" in html, "<link " in html, "//cdn" in html  # nothing is loaded
(False, False, False)
>>> "Leaflet 1.9.3" in html, "B-kunta" in html  # Leaflet inlined, the features embedded
(True, True)
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import ClassVar

import folium
import numpy as np
from branca.element import Element

from rvanalytics.atomic import atomic_write_text
from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps._common import check_gdf, level_key, names
from rvanalytics.maps.choropleth import values_by_code
from rvanalytics.maps.classes import Classes, classify, indicator_palette
from rvanalytics.maps.i18n import check_lang, format_number, text
from rvanalytics.maps.layout import attribution_text, boundary_sources

__all__ = ["LEAFLET_VERSION", "OfflineMap", "explore_map", "leaflet_assets", "to_html"]

#: The vendored Leaflet version (the one folium 0.20 links from its CDN).
LEAFLET_VERSION = "1.9.3"

#: Colour of features without a value (Leaflet cannot hatch polygons; the static maps hatch them).
NO_DATA_COLOR = "#d9d9d9"
_COHORT_COLOR = "#c2410c"
_BOUNDARY_COLOR = "#bcd7ee"


@cache
def leaflet_assets() -> tuple[str, str]:
    """The vendored Leaflet JavaScript and CSS, ready to inline: ``(js, css)``.

    The CSS's ``url(images/…)`` backgrounds (layer-switcher and marker icons,
    which these maps do not use) are replaced by ``none`` so that the page
    requests no file at all.
    """
    static = resources.files("rvanalytics.maps") / "static"
    try:
        js = (static / "leaflet.js").read_text(encoding="utf-8")
        css = (static / "leaflet.css").read_text(encoding="utf-8")
    except FileNotFoundError as err:  # a broken install, not user input
        raise RvanalyticsError(
            f"the vendored Leaflet files are missing from {static}; reinstall rvanalytics "
            "(package data maps/static/leaflet.js and leaflet.css)"
        ) from err
    # inside <script>/<style> a closing tag would end the element early
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    css = re.sub(r"url\(\s*['\"]?images/[^)]*\)", "none", css)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css


class _Raw(Element):
    """An element that renders its text verbatim (no Jinja templating of the Leaflet code)."""

    def __init__(self, content: str) -> None:
        super().__init__()
        self._content = content

    def render(self, **kwargs) -> str:
        return self._content


class OfflineMap(folium.Map):
    """A :class:`folium.Map` whose HTML loads nothing over the network.

    Leaflet's JavaScript and CSS are inlined in the page header; folium's other
    CDN assets (jQuery, Bootstrap, awesome-markers, Font Awesome, glyphicons)
    are not linked, so markers with awesome icons do not work on this map.
    Background tiles are still possible (``tiles=``) but need network.
    """

    default_js: ClassVar[list[tuple[str, str]]] = []
    default_css: ClassVar[list[tuple[str, str]]] = []

    def render(self, **kwargs) -> None:
        """Add the inlined Leaflet code to the page header, then render the map."""
        figure = self.get_root()
        js, css = leaflet_assets()
        extra = ".leaflet-container{background:#ffffff;font-family:sans-serif}"
        figure.header.add_child(_Raw(f"<style>{css}\n{extra}</style>"), name="leaflet_css")
        figure.header.add_child(_Raw(f"<script>{js}</script>"), name="leaflet")
        super().render(**kwargs)

    def save(self, outfile, close_file: bool = True, **kwargs) -> None:
        """Write the self-contained HTML page; a path is written atomically."""
        if isinstance(outfile, (str, Path)):
            to_html(self, outfile, **kwargs)
        else:
            super().save(outfile, close_file=close_file, **kwargs)


def to_html(m: folium.Map, path: str | Path | None = None, **kwargs) -> str:
    """The map's complete HTML page; with ``path`` also write it there atomically.

    For an :class:`OfflineMap` (what :func:`explore_map` returns) the page loads
    nothing over the network.

    Parameters
    ----------
    m : folium.Map
    path : str or Path, optional
        Target ``.html`` file (written via a temporary file and a rename).

    Returns
    -------
    str
        The HTML.
    """
    page = m.get_root().render(**kwargs)
    if path is not None:
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise RvanalyticsError(f"{path}: an interactive map is saved as .html, not {path.suffix or 'no suffix'}")
        atomic_write_text(path, page)
    return page


def explore_map(
    gdf,
    values=None,
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
    tiles: str | None = None,
    highlight_codes: Sequence[str] = (),
    simplify_m: float | None = 500.0,
    height: str | int = "100%",
    indicator: str | None = None,
    sources: Sequence[str] = (),
) -> OfflineMap:
    """An interactive map of an indicator (or just the boundaries) that works offline.

    Parameters
    ----------
    gdf : GeoDataFrame
        Municipalities (``code``) or regions (``region_code``), EPSG:3067.
    values : Series, mapping or DataFrame, optional
        Values by code as in :func:`~rvanalytics.maps.choropleth`; classified with
        the same classes and colours as the static maps. Without values the
        boundaries are drawn (and ``highlight_codes`` in colour).
    scheme, k, bins, classes, diverging, cmap
        Classification, see :func:`~rvanalytics.maps.classify`; ``classes``
        reuses a ready classification (e.g. the one of a static map).
    unit, title, year, lang
        Tooltip and legend texts: the tooltip shows the name, the code and the
        value with its unit; the legend the classes with counts, "no data" and
        the attribution line with the data year.
    tiles : str, optional
        Folium tiles (e.g. ``"OpenStreetMap"``); ``None`` (default) = no
        background and no network access at all.
    highlight_codes : sequence of str
        Features drawn with a thick outline (e.g. the cohort).
    simplify_m : float, optional
        Simplify geometries to this tolerance (metres) to keep the HTML small.
    height : str or int
        Height of the map element (``"100%"`` or pixels).
    indicator : str, optional
        Indicator id: without ``cmap`` its palette comes from
        :func:`~rvanalytics.maps.classes.indicator_palette`, as on the static maps.
    sources : sequence of str
        Catalogue ids of the data's sources, for the attribution in the legend.

    Returns
    -------
    OfflineMap
        A :class:`folium.Map`; display it in JupyterLab, or write it with
        ``.save("map.html")`` / :func:`to_html`.
    """
    check_lang(lang)
    if cmap is None and indicator is not None:
        cmap = indicator_palette(indicator, diverging=diverging).cmap
    key = level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    highlight = {str(c) for c in highlight_codes}
    unknown = sorted(highlight - set(g[key]))
    if unknown:
        raise RvanalyticsError(f"highlight code(s) {unknown} are not on the map")
    nm = names(g, lang, key)
    shown = g[[key, "geometry"]].copy()
    if simplify_m:
        shown["geometry"] = shown.geometry.simplify(simplify_m, preserve_topology=True)
    level_name = text("municipality" if key == "code" else "region", lang)
    cols = {"name": nm.reindex(shown[key]).to_numpy(), "code": shown[key].to_numpy()}
    aliases = [level_name, text("code", lang)]
    entries: list[tuple[str, str]] = []
    if values is not None:
        series = values_by_code(values, shown[key])
        if classes is None:
            classes = classify(series.to_numpy(), scheme, k, bins=bins, diverging=diverging, cmap=cmap)
        idx = classes.assign(series.to_numpy())
        labels = classes.labels(lang)
        no_data = text("no_data", lang)
        suffix = f"\u00a0{unit}" if unit else ""
        cols["value"] = [format_number(v, lang) + suffix if np.isfinite(v) else no_data for v in series.to_numpy()]
        cols["class"] = [labels[i] if i >= 0 else no_data for i in idx]
        color = np.array(classes.colors + [NO_DATA_COLOR], dtype=object)[np.where(idx >= 0, idx, classes.k)]
        value_alias = f"{title or text('value', lang)}{f', {year}' if year is not None else ''}"
        aliases += [value_alias, text("class", lang)]
        counts = np.bincount(idx[idx >= 0], minlength=classes.k)
        entries = [(f"{lab} ({n})", col) for lab, col, n in zip(labels, classes.colors, counts, strict=True)]
        n_missing = int((idx < 0).sum())
        if n_missing:
            entries.append((f"{no_data} ({n_missing})", NO_DATA_COLOR))
        legend_title = f"{title or text('value', lang)}{f' ({unit})' if unit else ''}"
        if year is not None:
            legend_title = text("year_title", lang, title=legend_title, year=year)
    else:
        color = np.where(shown[key].isin(highlight), _COHORT_COLOR, _BOUNDARY_COLOR)
        legend_title = title or text("municipalities" if key == "code" else "regions", lang).capitalize()
        if highlight:
            entries = [(text("cohort_city", lang), _COHORT_COLOR)]
    for col, data in cols.items():
        shown[col] = data
    shown["_color"] = color
    shown["_weight"] = np.where(shown[key].isin(highlight), 3.0, 0.6)

    def style(feature):
        p = feature["properties"]
        return {"fillColor": p["_color"], "color": "#333333", "weight": p["_weight"], "fillOpacity": 0.85}

    minx, miny, maxx, maxy = shown.to_crs(4326).total_bounds
    credit = attribution_text(year, lang, [*boundary_sources(g), *sources])
    m = OfflineMap(location=((miny + maxy) / 2, (minx + maxx) / 2), tiles=tiles,
                   attr=credit if tiles else None, height=height, zoom_start=5,
                   zoom_snap=0.25)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    shown[["name", "code", *(["value", "class"] if values is not None else []), "_color", "_weight",
           "geometry"]].explore(
        m=m,
        style_kwds={"style_function": style},
        tooltip=list(cols),
        tooltip_kwds={"aliases": aliases, "sticky": True},
        highlight=True,
        highlight_kwds={"fillOpacity": 0.6, "weight": 3},
        legend=False,
    )
    _add_legend(m, title=legend_title, entries=entries, footer=credit)
    return m


def _add_legend(m: folium.Map, *, title: str, entries: list[tuple[str, str]], footer: str) -> None:
    """A plain HTML legend box (no external assets), bottom left, readable on a projector."""
    esc = html_lib.escape
    rows = "".join(
        f'<div style="margin:3px 0"><span style="display:inline-block;width:18px;height:14px;background:{c};'
        f'border:1px solid #555;margin-right:8px;vertical-align:middle"></span>{esc(lab)}</div>'
        for lab, c in entries
    )
    box = (
        '<div class="rv-legend" style="position:fixed;bottom:16px;left:16px;z-index:9999;background:white;'
        'padding:10px 12px;border:1px solid #999;border-radius:4px;font:15px/1.3 sans-serif;max-width:360px;'
        'box-shadow:0 1px 4px rgba(0,0,0,.25)">'
        f'<div style="font-weight:bold;margin-bottom:4px">{esc(title)}</div>{rows}'
        f'<div style="margin-top:6px;font-size:11px;color:#444">{esc(footer)}</div></div>'
    )
    m.get_root().html.add_child(_Raw(box))
