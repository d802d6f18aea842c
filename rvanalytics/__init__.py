"""rvanalytics: resource-wisdom (resurssiviisaus) indicators for Finnish municipalities.

One import gives boundaries, the municipality key, the indicator panel, the city
profiles, metrics, maps and reports.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rvanalytics")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
