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

from rvanalytics.exceptions import (
    DataFileError,
    HarmoniseError,
    ProfileError,
    ReportError,
    RvanalyticsError,
    SourceUnavailableError,
    StoreError,
)

# Public name -> the module that defines it. Imported on first use (PEP 562), so that
# ``rvanalytics --help``, ``cities validate`` or a report kernel do not pay for
# matplotlib, scipy.stats, folium and scikit-learn (via mapclassify) they never touch.
_LAZY: dict[str, str] = {
    "load_municipalities": "rvanalytics.boundaries",
    "load_regions": "rvanalytics.boundaries",
    "read_boundaries": "rvanalytics.boundaries",
    "attribution": "rvanalytics.catalogue",
    "get_source": "rvanalytics.catalogue",
    "load_cities": "rvanalytics.cities",
    "validate_profiles": "rvanalytics.cities",
    "load_cohort": "rvanalytics.cohort",
    "select_cohort": "rvanalytics.cohort",
    "fetch": "rvanalytics.download",
    "get_indicator": "rvanalytics.indicators",
    "indicator_catalogue": "rvanalytics.indicators",
    "load_key": "rvanalytics.key",
    "size_class": "rvanalytics.key",
    "coverage_map": "rvanalytics.maps",
    "explore_map": "rvanalytics.maps",
    "indicator_map": "rvanalytics.maps",
    "save_map": "rvanalytics.maps",
    "small_multiples": "rvanalytics.maps",
    "to_html": "rvanalytics.maps",
    "crosswalk": "rvanalytics.mergers",
    "harmonise": "rvanalytics.mergers",
    "city_metrics": "rvanalytics.metrics",
    "rank_peers": "rvanalytics.metrics",
    "track_targets": "rvanalytics.metrics",
    "build_panel": "rvanalytics.panel",
    "panel_status": "rvanalytics.panel",
    "run_batch": "rvanalytics.report",
    "run_report": "rvanalytics.report",
    "build_store": "rvanalytics.store",
    "load_panel": "rvanalytics.store",
    "read_manifest": "rvanalytics.store",
    "store_summary": "rvanalytics.store",
    "RESOURCE_WISDOM_THEMES": "rvanalytics.themes",
}
_LAZY_MODULES = ("assess", "metrics", "report")

__all__ = [
    "RESOURCE_WISDOM_THEMES",
    "DataFileError",
    "HarmoniseError",
    "ProfileError",
    "ReportError",
    "RvanalyticsError",
    "SourceUnavailableError",
    "StoreError",
    "__version__",
    "assess",
    "attribution",
    "build_panel",
    "build_store",
    "city_metrics",
    "coverage_map",
    "crosswalk",
    "explore_map",
    "fetch",
    "get_indicator",
    "get_source",
    "harmonise",
    "indicator_catalogue",
    "indicator_map",
    "load_cities",
    "load_cohort",
    "load_key",
    "load_municipalities",
    "load_panel",
    "load_regions",
    "metrics",
    "panel_status",
    "rank_peers",
    "read_boundaries",
    "read_manifest",
    "report",
    "run_batch",
    "run_report",
    "save_map",
    "select_cohort",
    "size_class",
    "small_multiples",
    "store_summary",
    "to_html",
    "track_targets",
    "validate_profiles",
]


def __getattr__(name: str) -> object:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"rvanalytics.{name}")
    else:
        raise AttributeError(f"module 'rvanalytics' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
