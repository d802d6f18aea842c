"""Workshop maps: cohort coverage, indicator choropleths, small multiples, interactive maps.

All maps are drawn in EPSG:3067 with north up, a Helsinki-region inset, Åland
labelled, a scale bar, a north arrow and the attribution line with the data
year; texts in Finnish, Swedish or English. Every map function takes
``ax=None`` and returns ``(fig, ax)``; :func:`save_map` writes PNG (≥ 200 dpi),
SVG or PDF atomically.
"""

from __future__ import annotations

from rvanalytics.maps.choropleth import (
    SCHEMES,
    Classes,
    choropleth,
    classify,
    indicator_map,
    small_multiples,
)
from rvanalytics.maps.coverage import coverage_map, coverage_stats
from rvanalytics.maps.i18n import LANGUAGES
from rvanalytics.maps.interactive import explore_map
from rvanalytics.maps.layout import SIZES, save_map

__all__ = [
    "LANGUAGES",
    "SCHEMES",
    "SIZES",
    "Classes",
    "choropleth",
    "classify",
    "coverage_map",
    "coverage_stats",
    "explore_map",
    "indicator_map",
    "save_map",
    "small_multiples",
]
