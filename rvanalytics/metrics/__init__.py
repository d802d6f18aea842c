"""Metrics: pure computations on the indicator panel and the city targets (DataFrames in, DataFrames out).

No function here reads or writes files; see docs/metrics.md for each formula and
worked examples, and ``rvanalytics metrics`` for the command line.
"""

from __future__ import annotations

from rvanalytics.metrics.change import cagr, change_from_baseline, theil_sen, theil_sen_matrix, trend
from rvanalytics.metrics.composite import composite_index, composite_uncertainty, normalise_matrix
from rvanalytics.metrics.coverage import data_freshness, missing_share, theme_coverage
from rvanalytics.metrics.decoupling import TAPIO_CLASSES, decoupling, tapio_class
from rvanalytics.metrics.normalise import index_to_base, per_area, per_capita
from rvanalytics.metrics.peers import COUNTRY_CODE, aggregate_areas, municipality_attributes, rank_peers
from rvanalytics.metrics.summary import ADDITIVE_INDICATORS, PER_CAPITA_PAIRS, all_metrics, city_metrics
from rvanalytics.metrics.targets import (
    STATUSES,
    TrackingThresholds,
    data_scope,
    target_level,
    target_trajectories,
    track_targets,
)

__all__ = [
    "per_capita",
    "per_area",
    "index_to_base",
    "change_from_baseline",
    "cagr",
    "theil_sen",
    "theil_sen_matrix",
    "trend",
    "STATUSES",
    "TrackingThresholds",
    "data_scope",
    "target_level",
    "track_targets",
    "target_trajectories",
    "TAPIO_CLASSES",
    "tapio_class",
    "decoupling",
    "COUNTRY_CODE",
    "municipality_attributes",
    "rank_peers",
    "aggregate_areas",
    "theme_coverage",
    "data_freshness",
    "missing_share",
    "normalise_matrix",
    "composite_index",
    "composite_uncertainty",
    "ADDITIVE_INDICATORS",
    "PER_CAPITA_PAIRS",
    "city_metrics",
    "all_metrics",
]
