"""City profiles: the cohort's background documents and strategy targets as validated data.

One YAML file per city under ``data/cities/`` (format: ``docs/cities.md``).

- :func:`load_cities` -> :class:`CityProfiles` (``.profiles``, ``.targets``, ``.cities``)
- :func:`validate_profiles` -> list of :class:`Issue` (file, line, field path, message, fix)
- :func:`published_people` -> the people who may appear in published reports
- :func:`new_profile_text`, :func:`import_spreadsheet` -> write profiles for coordinators
"""

from __future__ import annotations

from rvanalytics.cities.create import (
    ImportResult,
    import_spreadsheet,
    new_profile,
    new_profile_text,
    read_spreadsheet,
)
from rvanalytics.cities.load import (
    CITY_COLUMNS,
    TARGET_COLUMNS,
    CityProfiles,
    key_sections,
    load_cities,
    published_people,
    targets_frame,
)
from rvanalytics.cities.schema import (
    KINDS,
    SCOPES,
    SIZE_CLASSES,
    THEMES,
    City,
    CityProfile,
    InterimTarget,
    KeyMeasure,
    KeyProblem,
    Person,
    Source,
    Target,
    Unknown,
)
from rvanalytics.cities.validate import Issue, profile_files, validate_profiles

__all__ = [
    "CITY_COLUMNS",
    "KINDS",
    "SCOPES",
    "SIZE_CLASSES",
    "TARGET_COLUMNS",
    "THEMES",
    "City",
    "CityProfile",
    "CityProfiles",
    "ImportResult",
    "InterimTarget",
    "Issue",
    "KeyMeasure",
    "KeyProblem",
    "Person",
    "Source",
    "Target",
    "Unknown",
    "import_spreadsheet",
    "key_sections",
    "load_cities",
    "new_profile",
    "new_profile_text",
    "profile_files",
    "published_people",
    "read_spreadsheet",
    "targets_frame",
    "validate_profiles",
]
