"""The only input/output of a city report: what it reads, read once.

:func:`load_city_data` reads the municipality key, the city's profile, the panel, the
indicator catalogue and the store manifest; boundaries for the map are read on first use.
Everything below (:mod:`~rvanalytics.report.story.facts`) works on this object and never
opens a file or needs to know where the store is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from rvanalytics.exceptions import RvanalyticsError

__all__ = ["CityData", "load_city_data"]


@dataclass
class CityData:
    """The inputs of one city's report.

    Attributes
    ----------
    code : str
        Municipality code ("167").
    division_year : int
        Municipal division of the key, boundaries and panel codes.
    key : DataFrame
        The municipality key of ``division_year`` (all municipalities).
    panel : DataFrame
        The store's panel, all levels, each series from its newest data release
        (:func:`rvanalytics.releases.select_series`): the city's own series and targets.
    panel_all : DataFrame
        Every release (city metrics and comparisons pick one release per comparison).
    catalogue : DataFrame
        The indicator catalogue, indexed by indicator id.
    profile : CityProfile or None
        The city's profile; None when the city has none (a data gap, said in the report).
    targets : DataFrame or None
        The profile's targets (``origin = "city"``) and, for a FISU member, the network's
        common targets (``origin = "network"``), from :func:`rvanalytics.assess.city_targets`
        as ``rvanalytics metrics`` builds them (a member without a profile has the network's only).
    membership : dict or None
        The city's FISU membership (``joined``, ``relation``, ``source_url``, ``source_date``;
        :func:`rvanalytics.network.fisu_members`), None when it is not a member.
    manifest_sources : list of dict
        ``sources`` of the store manifest (id, vintage, licence …).
    store : path or None
        Where the store is (only for the boundaries read on first use).
    """

    code: str
    division_year: int
    key: pd.DataFrame
    panel: pd.DataFrame
    panel_all: pd.DataFrame
    catalogue: pd.DataFrame
    profile: Any = None
    targets: pd.DataFrame | None = None
    membership: dict[str, Any] | None = None
    manifest_sources: list[dict[str, Any]] = field(default_factory=list)
    store: str | Path | None = None

    @property
    def key_row(self) -> dict[str, Any]:
        """The city's row of the key, missing values as None."""
        row = self.key.loc[self.key["code"] == self.code].iloc[0].to_dict()
        return {k: (None if pd.isna(v) else v) for k, v in row.items()}

    @cached_property
    def municipalities(self) -> Any:
        """Simplified municipal boundaries of ``division_year`` (GeoDataFrame)."""
        from rvanalytics.boundaries import load_municipalities

        return load_municipalities(self.division_year, simplified=True, store=self.store)

    @cached_property
    def regions(self) -> Any:
        """Simplified region boundaries of ``division_year`` (GeoDataFrame)."""
        from rvanalytics.boundaries import load_regions

        return load_regions(self.division_year, simplified=True, store=self.store)


def load_city_data(code: str, *, store: str | Path | None = None,
                   cities_dir: str | Path | None = None) -> CityData:
    """Read everything a report of ``code`` needs.

    Raises
    ------
    RvanalyticsError
        When ``code`` is not a municipality of the store's division (a merged
        municipality has a new code), or the store cannot be read.
    ProfileError
        When the city's profile file is invalid (the report fails with the error).
    """
    from rvanalytics.assess import city_targets
    from rvanalytics.cities import TARGET_COLUMNS, load_cities
    from rvanalytics.indicators import indicator_catalogue
    from rvanalytics.key import load_key
    from rvanalytics.releases import select_series
    from rvanalytics.report.inputs import profile_files
    from rvanalytics.store import DEFAULT_DIVISION_YEAR, load_panel, read_manifest

    key = load_key(DEFAULT_DIVISION_YEAR, store=store)
    if not (key["code"] == code).any():
        raise RvanalyticsError(
            f"municipality {code} is not in the {DEFAULT_DIVISION_YEAR} municipality key. "
            "Fix: use a code of the current division (merged municipalities have new codes)"
        )
    panel_all = load_panel(store, level=None, releases="all")
    data = CityData(
        code=code,
        division_year=DEFAULT_DIVISION_YEAR,
        key=key,
        panel=select_series(panel_all),
        panel_all=panel_all,
        catalogue=indicator_catalogue(),
        manifest_sources=[s for s in read_manifest(store).get("sources", []) if isinstance(s, dict)],
        store=store,
    )
    files = profile_files(code, cities_dir)
    own = pd.DataFrame(columns=[*TARGET_COLUMNS])
    if files:  # only this city's file: another city's broken profile is not this report's error
        cities = load_cities(files, key=key, key_year=DEFAULT_DIVISION_YEAR, store=store)
        data.profile = cities.profile(code)
        own = cities.targets
    # the same targets as `rvanalytics metrics`: own ones, then the network's for a FISU member
    data.targets, members = city_targets([code], own, {code: str(data.key_row.get("name_fi") or code)})
    if len(members):
        data.membership = {k: (None if pd.isna(v) else v) for k, v in members.iloc[0].to_dict().items()}
    return data
