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

from rvanalytics.boundaries import load_municipalities, load_regions, read_boundaries
from rvanalytics.catalogue import attribution, get_source
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
from rvanalytics.key import load_key, size_class
from rvanalytics.mergers import crosswalk, harmonise
from rvanalytics.store import build_store, load_panel, read_manifest

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
