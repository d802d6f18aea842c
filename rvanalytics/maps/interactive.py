"""Interactive maps for JupyterLab (folium via ``GeoDataFrame.explore``).

No background tiles are requested by default (``tiles=None``), so the map needs
no tile server. Note that folium's HTML still loads Leaflet's JavaScript from a
CDN when the notebook page is opened; in a fully offline browser the map stays
blank (the data are embedded in the HTML either way).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps._common import check_gdf, names
from rvanalytics.maps.choropleth import Classes, _level_key, classify, values_by_code
from rvanalytics.maps.i18n import check_lang, text
from rvanalytics.maps.layout import attribution_text

__all__ = ["explore_map"]


def explore_map(
    gdf,
    values=None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    diverging: bool = False,
    cmap: str | None = None,
    unit: str = "",
    title: str = "",
    year: int | None = None,
    lang: str = "fi",
    tiles: str | None = None,
    highlight_codes: Sequence[str] = (),
    simplify_m: float | None = 500.0,
):
    """An interactive folium map of an indicator (or just the boundaries).

    Parameters
    ----------
    gdf : GeoDataFrame
        Municipalities (``code``) or regions (``region_code``), EPSG:3067.
    values : Series, mapping or DataFrame, optional
        Values by code as in :func:`~rvanalytics.maps.choropleth`; classified with
        the same classes and colours as the static maps. Without values the
        boundaries are drawn (and ``highlight_codes`` in colour).
    scheme, k, bins, diverging, cmap
        Classification, see :func:`~rvanalytics.maps.classify`.
    unit, title, year, lang
        Tooltip and legend texts.
    tiles : str, optional
        Folium tiles (e.g. ``"OpenStreetMap"``); ``None`` (default) = no
        background, no network access for tiles.
    highlight_codes : sequence of str
        Features drawn with a thick outline (e.g. the cohort).
    simplify_m : float, optional
        Simplify geometries to this tolerance (metres) to keep the HTML small.

    Returns
    -------
    folium.Map
    """
    check_lang(lang)
    key = _level_key(gdf)
    g = check_gdf(gdf, "the map", key)
    nm = names(g, lang, key)
    shown = g[[key, "geometry"]].copy()
    shown["name"] = nm.reindex(shown[key]).to_numpy()
    if simplify_m:
        shown["geometry"] = shown.geometry.simplify(simplify_m, preserve_topology=True)
    value_label = f"{title or 'value'}{f' ({unit})' if unit else ''}{f', {year}' if year else ''}"
    if values is not None:
        series = values_by_code(values, shown[key])
        classes: Classes = classify(series.to_numpy(), scheme, k, bins=bins, diverging=diverging, cmap=cmap)
        idx = classes.assign(series.to_numpy())
        labels = classes.labels(lang)
        no_data = text("no_data", lang)
        shown[value_label] = series.to_numpy()
        shown["class"] = [labels[i] if i >= 0 else no_data for i in idx]
        color_of = {lab: col for lab, col in zip(labels, classes.colors, strict=True)}
        color_of[no_data] = "#d9d9d9"
        shown["_color"] = shown["class"].map(color_of)
    else:
        shown["_color"] = np.where(shown[key].isin([str(c) for c in highlight_codes]), "#c2410c", "#bcd7ee")
    highlight = set(map(str, highlight_codes))
    unknown = sorted(highlight - set(shown[key]))
    if unknown:
        raise RvanalyticsError(f"highlight code(s) {unknown} are not on the map")
    shown["_weight"] = np.where(shown[key].isin(highlight), 3.0, 0.6)
    tooltip = ["name", key] + ([value_label, "class"] if values is not None else [])

    def style(feature):
        p = feature["properties"]
        return {"fillColor": p["_color"], "color": "#333333", "weight": p["_weight"], "fillOpacity": 0.85}

    m = shown.explore(
        tiles=tiles,
        attr=attribution_text(year, lang) if tiles else None,
        style_kwds={"style_function": style},
        tooltip=tooltip,
        highlight=True,
        legend=False,
    )
    _add_legend(m, title=value_label if values is not None else text("coverage_title", lang),
                entries=(list(zip(classes.labels(lang), classes.colors, strict=True)) + [(text("no_data", lang), "#d9d9d9")]
                         if values is not None else []),
                footer=attribution_text(year, lang))
    return m


def _add_legend(m, *, title: str, entries: list[tuple[str, str]], footer: str) -> None:
    """A plain HTML legend box (no external assets)."""
    import html

    import folium

    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{c};'
        f'border:1px solid #555;margin-right:6px;vertical-align:middle"></span>{html.escape(lab)}</div>'
        for lab, c in entries
    )
    box = (
        '<div style="position:fixed;bottom:20px;left:20px;z-index:9999;background:white;padding:8px 10px;'
        'border:1px solid #999;font:13px sans-serif;max-width:320px">'
        f"<b>{html.escape(title)}</b>{rows}"
        f'<div style="margin-top:6px;font-size:11px;color:#444">{html.escape(footer)}</div></div>'
    )
    m.get_root().html.add_child(folium.Element(box))
