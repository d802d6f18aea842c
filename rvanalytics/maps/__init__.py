"""Workshop maps: cohort coverage, indicator choropleths, small multiples, interactive maps.

All maps are drawn in EPSG:3067 with north up, a Helsinki-region inset, Åland
labelled, a scale bar, a north arrow and the attribution line with the data
year; texts in Finnish, Swedish or English. Every map function takes
``ax=None`` and returns ``(fig, ax)``; :func:`save_map` writes PNG (≥ 200 dpi),
SVG or PDF atomically; :func:`explore_map` makes an interactive map that works
offline (:func:`to_html` writes it).
"""

from __future__ import annotations

from rvanalytics.maps.choropleth import choropleth, indicator_map, small_multiples
from rvanalytics.maps.classes import (
    SCHEMES,
    Classes,
    Palette,
    classify,
    indicator_meta,
    indicator_palette,
)
from rvanalytics.maps.coverage import coverage_map, coverage_stats
from rvanalytics.maps.i18n import LANGUAGES
from rvanalytics.maps.layout import SIZES, save_map

__all__ = [
    "LANGUAGES",
    "SCHEMES",
    "SIZES",
    "Classes",
    "OfflineMap",
    "Palette",
    "choropleth",
    "classify",
    "coverage_map",
    "coverage_stats",
    "explore_map",
    "indicator_map",
    "indicator_meta",
    "indicator_palette",
    "save_map",
    "small_multiples",
    "to_html",
]


def __getattr__(name: str) -> object:
    # The interactive map needs folium (0.15 s to import); static maps and report kernels do not.
    if name in ("OfflineMap", "explore_map", "to_html"):
        from rvanalytics.maps import interactive

        value = getattr(interactive, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rvanalytics.maps' has no attribute {name!r}")
