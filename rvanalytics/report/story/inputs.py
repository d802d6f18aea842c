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

    Views of these frames are made once, on first use, and kept (the frames are not changed
    after loading): :attr:`key_row`, :attr:`compared`, :attr:`city_panel`, and the rows of
    the city, its region and the country split by indicator and series (:meth:`area_rows`,
    :meth:`series`), so the sections never filter the whole panel again.
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

    _areas: dict[str, _AreaRows] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def key_row(self) -> dict[str, Any]:
        """The city's row of the key, missing values as None (looked up once)."""
        row = self.key.loc[self.key["code"] == self.code].iloc[0].to_dict()
        return {k: (None if pd.isna(v) else v) for k, v in row.items()}

    @cached_property
    def compared(self) -> pd.DataFrame:
        """``panel_all`` with one release per indicator (:func:`rvanalytics.releases.comparison_view`), every level."""
        from rvanalytics.releases import comparison_view

        return comparison_view(self.panel_all)

    @cached_property
    def city_panel(self) -> pd.DataFrame:
        """The city's own rows of ``panel`` (municipality level), in panel order."""
        p = self.panel
        return p.loc[(p["level"] == "municipality") & (p["code"] == self.code)]

    def _area(self, frame: str) -> _AreaRows:
        if frame not in self._areas:
            self._areas[frame] = _AreaRows.split(getattr(self, frame), self.code, str(self.key_row.get("region_code")))
        return self._areas[frame]

    def area_rows(self, indicator: str, frame: str = "panel") -> pd.DataFrame:
        """Rows of ``indicator`` of the city, its region and the country, in the order of ``frame``.

        ``frame`` is "panel", "panel_all" or "compared". Every row of those three areas is kept
        (also rows without a value), so a filter on them gives what the same filter on the
        whole frame gives for these areas; the frame is split once per report.
        """
        found = self._area(frame).by_indicator.get(indicator)
        return found if found is not None else getattr(self, frame).iloc[0:0]

    def series(self, indicator: str, code: str, level: str = "municipality", frame: str = "panel") -> pd.DataFrame:
        """:func:`series_rows` of ``frame`` ("panel", "panel_all" or "compared"), looked up.

        The series of the city, its region and the country are sorted and split once per frame.
        """
        area = self._area(frame)
        if area.spans is None or (level, code) not in area.keys:  # not split: filtered as ever
            return series_rows(getattr(self, frame), indicator, code, level)
        start, stop = area.spans.get((level, code, indicator), (0, 0))
        return area.ordered.iloc[start:stop]

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


def series_rows(panel: pd.DataFrame, indicator: str, code: str, level: str = "municipality") -> pd.DataFrame:
    """Rows with a value of one series, by year."""
    mask = (panel["indicator"] == indicator) & (panel["level"] == level) & (panel["code"] == code)
    return panel.loc[mask & panel["value"].notna()].sort_values("year")


@dataclass
class _AreaRows:
    """One frame's rows of the city, its region and the country, split once.

    ``by_indicator``: every row (also without a value), by indicator, in frame order.
    ``ordered``: the rows with a value sorted by level, code, indicator and year (stable), and
    ``spans``: (level, code, indicator) -> its rows in ``ordered``; None when a series has two
    rows of one year (their order would then be :func:`series_rows`' sort's, so that is used).
    """

    keys: frozenset[tuple[str, str]]
    by_indicator: dict[str, pd.DataFrame]
    ordered: pd.DataFrame
    spans: dict[tuple[str, str, str], tuple[int, int]] | None

    @classmethod
    def split(cls, frame: pd.DataFrame, code: str, region: str) -> _AreaRows:
        level, codes = frame["level"], frame["code"]
        mask = (((level == "municipality") & (codes == code)) | ((level == "region") & (codes == region))
                | ((level == "country") & (codes == "SSS")))
        areas = frame.loc[mask]
        by_indicator = {str(ind): rows for ind, rows in areas.groupby("indicator", sort=False)}
        keys = frozenset({("municipality", code), ("region", region), ("country", "SSS")})
        valued = areas.loc[areas["value"].notna()]
        series_keys = ["level", "code", "indicator"]
        if valued.duplicated([*series_keys, "year"]).any():
            return cls(keys, by_indicator, valued, None)
        ordered = valued.sort_values([*series_keys, "year"], kind="stable")
        spans = {tuple(map(str, key)): (int(pos[0]), int(pos[-1]) + 1)
                 for key, pos in ordered.groupby(series_keys, sort=False).indices.items()}
        return cls(keys, by_indicator, ordered, spans)


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
