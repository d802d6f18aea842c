"""Metrics: pure computations on the indicator panel and the city targets (DataFrames in, DataFrames out).

See docs/metrics.md for each formula and worked examples.
"""

from __future__ import annotations

from rvanalytics.metrics.change import cagr, change_from_baseline, theil_sen, trend
from rvanalytics.metrics.normalise import index_to_base, per_area, per_capita
from rvanalytics.metrics.targets import STATUSES, TrackingThresholds, data_scope, target_trajectories, track_targets

__all__ = [
    "per_capita",
    "per_area",
    "index_to_base",
    "change_from_baseline",
    "cagr",
    "theil_sen",
    "trend",
    "STATUSES",
    "TrackingThresholds",
    "data_scope",
    "track_targets",
    "target_trajectories",
]
