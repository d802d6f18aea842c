"""rvanalytics: resource-wisdom (resurssiviisaus) indicators for Finnish municipalities.

One import gives boundaries, the municipality key, the indicator panel, the city
profiles, metrics, maps and reports.

Examples
--------
>>> import rvanalytics as rv
>>> key = rv.load_key(2026)
>>> key.loc[key["code"] == "091", "name_fi"].item()
'Helsinki'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rvanalytics")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from rvanalytics import metrics, report
from rvanalytics.boundaries import load_municipalities, load_regions, read_boundaries
from rvanalytics.catalogue import attribution, get_source
from rvanalytics.cities import load_cities, validate_profiles
from rvanalytics.cohort import select_cohort
from rvanalytics.download import fetch
from rvanalytics.exceptions import (
    DataFileError,
    HarmoniseError,
    ProfileError,
    ReportError,
    RvanalyticsError,
    SourceUnavailableError,
    StoreError,
)
from rvanalytics.indicators import get_indicator, indicator_catalogue
from rvanalytics.key import load_key, size_class
from rvanalytics.maps import coverage_map, explore_map, indicator_map, save_map, small_multiples, to_html
from rvanalytics.mergers import crosswalk, harmonise
from rvanalytics.metrics import city_metrics, rank_peers, track_targets
from rvanalytics.panel import build_panel, panel_status
from rvanalytics.report import run_batch, run_report
from rvanalytics.store import build_store, load_panel, read_manifest, store_summary
from rvanalytics.themes import RESOURCE_WISDOM_THEMES

__all__ = [
    "__version__",
    "load_municipalities",
    "load_regions",
    "read_boundaries",
    "load_key",
    "size_class",
    "crosswalk",
    "harmonise",
    "build_store",
    "load_panel",
    "read_manifest",
    "store_summary",
    "indicator_catalogue",
    "get_indicator",
    "build_panel",
    "panel_status",
    "load_cities",
    "validate_profiles",
    "metrics",
    "track_targets",
    "city_metrics",
    "rank_peers",
    "select_cohort",
    "coverage_map",
    "indicator_map",
    "small_multiples",
    "explore_map",
    "save_map",
    "to_html",
    "report",
    "run_report",
    "run_batch",
    "RESOURCE_WISDOM_THEMES",
    "fetch",
    "get_source",
    "attribution",
    "RvanalyticsError",
    "DataFileError",
    "SourceUnavailableError",
    "StoreError",
    "HarmoniseError",
    "ProfileError",
    "ReportError",
]
