"""Metrics: pure computations on the indicator panel and the city targets (DataFrames in, DataFrames out).

No function here reads or writes files; see docs/metrics.md for each formula and
worked examples, and ``rvanalytics metrics`` for the command line.
"""

from __future__ import annotations

from rvanalytics.metrics.change import (
    cagr,
    change_from_baseline,
    theil_sen,
    theil_sen_matrix,
    trend,
)
from rvanalytics.metrics.composite import composite_index, composite_uncertainty, normalise_matrix
from rvanalytics.metrics.coverage import data_freshness, missing_share, theme_coverage
from rvanalytics.metrics.decoupling import TAPIO_CLASSES, decoupling, tapio_class
from rvanalytics.metrics.normalise import index_to_base, per_area, per_capita
from rvanalytics.metrics.peers import (
    COUNTRY_CODE,
    aggregate_areas,
    municipality_attributes,
    rank_peers,
)
from rvanalytics.metrics.summary import (
    ADDITIVE_INDICATORS,
    PER_CAPITA_PAIRS,
    all_metrics,
    catalogue_rules,
    city_metrics,
)
from rvanalytics.metrics.targets import (
    STATUSES,
    TrackingThresholds,
    data_scope,
    target_level,
    target_trajectories,
    track_targets,
)

__all__ = [
    "ADDITIVE_INDICATORS",
    "COUNTRY_CODE",
    "PER_CAPITA_PAIRS",
    "STATUSES",
    "TAPIO_CLASSES",
    "TrackingThresholds",
    "aggregate_areas",
    "all_metrics",
    "cagr",
    "catalogue_rules",
    "change_from_baseline",
    "city_metrics",
    "composite_index",
    "composite_uncertainty",
    "data_freshness",
    "data_scope",
    "decoupling",
    "index_to_base",
    "missing_share",
    "municipality_attributes",
    "normalise_matrix",
    "per_area",
    "per_capita",
    "rank_peers",
    "tapio_class",
    "target_level",
    "target_trajectories",
    "theil_sen",
    "theil_sen_matrix",
    "theme_coverage",
    "track_targets",
    "trend",
]
