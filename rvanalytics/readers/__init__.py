"""Readers of indicator files: each returns tidy rows or raises a DataFileError naming file, row and column.

See ``docs/indicators.md`` for the formats.
"""

from rvanalytics.readers._common import MARKERS, Flags
from rvanalytics.readers.alas import (
    alas_municipality_indicators,
    read_alas_municipality_csv,
    read_hinku_json,
    read_hinku_sectors,
    read_hinku_totals,
    read_road_transport_csv,
    read_sector_tree,
    road_transport_indicators,
)
from rvanalytics.readers.pxweb_csv import read_pxweb_csv
from rvanalytics.readers.regions_summary import read_regions_summary, regions_summary_indicators
from rvanalytics.readers.sotkanet import read_sotkanet_population
from rvanalytics.readers.user_tables import TIDY_COLUMNS, read_user_table

__all__ = [
    "MARKERS",
    "TIDY_COLUMNS",
    "Flags",
    "alas_municipality_indicators",
    "read_alas_municipality_csv",
    "read_hinku_json",
    "read_hinku_sectors",
    "read_hinku_totals",
    "read_pxweb_csv",
    "read_regions_summary",
    "read_road_transport_csv",
    "read_sector_tree",
    "read_sotkanet_population",
    "read_user_table",
    "regions_summary_indicators",
    "road_transport_indicators",
]
