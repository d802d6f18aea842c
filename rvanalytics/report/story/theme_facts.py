"""Facts of the resource-wisdom theme sections: energy and buildings, urban structure, Hinku shares by theme.

Pure: the city's data in, small records out. Region and country values are the panel's own rows of
the same indicator, release and year, so no figure is compared with another scope or release.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rvanalytics.indicators import unit_text
from rvanalytics.report.story.facts import (
    _is_number,
    _name_col,
    indicator_name,
)
from rvanalytics.report.story.inputs import CityData
from rvanalytics.report.story.texts import t

__all__ = [
    "BUILDING_INDICATORS",
    "FUEL_INDICATORS",
    "HEATING_FUELS",
    "HINKU_SHARE_INDICATORS",
    "THEME_SECTION_INDICATORS",
    "URBAN_INDICATORS",
    "AreaRow",
    "EnergyBuildingsFacts",
    "FuelMixFacts",
    "HinkuShareFacts",
    "UrbanStructureFacts",
    "area_row",
    "energy_buildings_facts",
    "fuel_label",
    "hinku_share_facts",
    "urban_structure_facts",
]


#: Main heating fuels of the building register, in stack order (left to right).
HEATING_FUELS: tuple[str, ...] = ("district_heat", "oil_gas", "electricity", "heat_pump", "wood_peat", "other")
FUEL_INDICATORS: tuple[str, ...] = tuple(f"heating_fuel_share_{f}_pct" for f in HEATING_FUELS)
#: The small table of the energy-and-buildings section.
BUILDING_INDICATORS: tuple[str, ...] = (
    "floor_area_per_capita_m2", "residential_floor_area_per_capita_m2", "floor_area_built_before_1980_pct",
    "district_heat_emission_factor_kg_kwh", "district_heat_emission_factor_non_ets_kg_kwh",
)
URBAN_INDICATORS: tuple[str, ...] = (
    "urbanisation_rate_pct", "working_in_home_municipality_pct", "jobs_per_employed_resident",
    "households_in_small_houses_pct",
)
HINKU_SHARE_INDICATORS: tuple[str, ...] = (
    "ghg_hinku_share_heating_pct", "ghg_hinku_share_transport_pct", "ghg_hinku_share_electricity_pct",
)
#: Shown in the theme sections; the series charts by theme leave them out.
THEME_SECTION_INDICATORS: frozenset[str] = frozenset(
    FUEL_INDICATORS + BUILDING_INDICATORS + URBAN_INDICATORS + HINKU_SHARE_INDICATORS)


@dataclass(frozen=True)
class AreaRow:
    """One indicator for the city, its region and the country: same indicator, release and year.

    ``city`` is None when the city has no value (then ``year`` is None too); ``region`` and
    ``country`` are None when the panel has no row of that indicator, release and year.
    """

    indicator: str
    name: str
    unit: str
    year: int | None
    city: float | None
    region: float | None
    country: float | None
    release: str = ""
    preliminary: bool = False
    snapshot: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FuelMixFacts:
    """Shares of floor area by main heating fuel for the city, its region and the country (one year)."""

    fuels: tuple[str, ...]  # indicator ids in stack order
    labels: tuple[str, ...]  # fuel names in the report language
    areas: tuple[str, ...]  # city, region, country names (top to bottom)
    shares: tuple[tuple[float | None, ...], ...]  # per area, per fuel (%)
    year: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class EnergyBuildingsFacts:
    """Heating-fuel mix of the floor area and the buildings table."""

    mix: FuelMixFacts | None
    rows: tuple[AreaRow, ...]
    has_city_data: bool


@dataclass(frozen=True)
class UrbanStructureFacts:
    """Key figures of urban structure (snapshots, each with its reference year)."""

    rows: tuple[AreaRow, ...]
    has_city_data: bool


@dataclass(frozen=True)
class HinkuShareFacts:
    """Hinku theme shares of the city, its region and the country, all of one release and year."""

    rows: tuple[AreaRow, ...]
    release: str
    year: int | None
    preliminary: bool
    has_city_data: bool


def _release_col(rows: pd.DataFrame) -> pd.Series:
    if "release" not in rows.columns:
        return pd.Series("", index=rows.index, dtype="string")
    return rows["release"].astype("string").fillna("")


@dataclass(frozen=True)
class _AreaRows:
    """One indicator's rows of the city, its region and the country (every release), with their masks."""

    rows: pd.DataFrame
    city: np.ndarray
    region: np.ndarray
    country: np.ndarray
    has_value: np.ndarray
    release: np.ndarray
    year: np.ndarray

    @classmethod
    def of(cls, data: CityData, indicator: str) -> _AreaRows:
        rows = data.area_rows(indicator, "panel_all")
        level, code = rows["level"].to_numpy(dtype=object), rows["code"].to_numpy(dtype=object)
        region = str(data.key_row.get("region_code"))
        return cls(rows, (level == "municipality") & (code == data.code), (level == "region") & (code == region),
                   (level == "country") & (code == "SSS"), rows["value"].notna().to_numpy(),
                   _release_col(rows).to_numpy(dtype=object), rows["year"].to_numpy())

    def first_value(self, mask: np.ndarray) -> float | None:
        """The value of the first row of ``mask`` that has one."""
        hit = np.flatnonzero(mask & self.has_value)
        return float(self.rows["value"].iloc[hit[0]]) if len(hit) else None


def _release_and_year(data: CityData, indicator: str) -> tuple[str, int] | None:
    """The city's newest release whose region or country rows share a year with the city; its latest such year.

    A release without region and country rows (a city-only recording) is used only when no
    release has them: then the city's value stands alone rather than beside another release.
    """
    a = _AreaRows.of(data, indicator)
    mine = a.city & a.has_value
    if not mine.any():
        return None
    releases = sorted(set(a.release[mine]), reverse=True)
    others = (a.region | a.country) & a.has_value
    for release in releases:
        of_release = a.release == release
        years = set(a.year[mine & of_release]) & set(a.year[others & of_release])
        if years:
            return release, int(max(years))
    release = releases[0]
    return release, int(a.year[mine & (a.release == release)].max())


def area_row(data: CityData, indicator: str, lang: str, *, release: str | None = None,
             year: int | None = None) -> AreaRow:
    """``indicator`` for the city, its region and the country from the panel's rows of one release and year.

    Region and country values are the panel's own rows of the same indicator, release and year
    (never another indicator: a Hinku share is never beside an all-emissions figure).
    Without ``release``/``year``: :func:`_release_and_year`.
    """
    cat = data.catalogue
    name = indicator_name(cat, indicator, lang)
    unit = unit_text(cat.at[indicator, "unit"], lang) if indicator in cat.index else ""
    unit = "" if unit == "ratio" else unit  # a plain ratio needs no unit word (and "ratio" is not fi/sv)
    snapshot = bool(cat.at[indicator, "snapshot"]) if indicator in cat.index and "snapshot" in cat.columns else False
    if release is None or year is None:
        chosen = _release_and_year(data, indicator)
        if chosen is None:
            return AreaRow(indicator, name, unit, None, None, None, None, snapshot=snapshot)
        release, year = chosen
    a = _AreaRows.of(data, indicator)
    at = (a.year == year) & (a.release == release)  # the one release and year compared
    city = np.flatnonzero(at & a.city & a.has_value)
    if not len(city):
        return AreaRow(indicator, name, unit, None, None, None, None, release=release, snapshot=snapshot)
    used = a.rows["source"].iloc[np.flatnonzero(at & (a.city | a.region | a.country))]
    prelim = a.rows["preliminary"].iloc[city[0]] if "preliminary" in a.rows.columns else None
    return AreaRow(
        indicator=indicator, name=name, unit=unit, year=int(year), city=float(a.rows["value"].iloc[city[0]]),
        region=a.first_value(at & a.region), country=a.first_value(at & a.country),
        release=release, preliminary=bool(prelim) if _is_number(prelim) else False, snapshot=snapshot,
        sources=tuple(sorted(set(used.astype(str)))),
    )


def fuel_label(indicator: str, lang: str) -> str:
    """The short name of a heating fuel ("heating_fuel_share_oil_gas_pct" -> "Öljy, kaasu")."""
    return t(lang, "fuel_" + indicator.removeprefix("heating_fuel_share_").removesuffix("_pct"))


def energy_buildings_facts(data: CityData, lang: str) -> EnergyBuildingsFacts:
    """Heating-fuel mix of the floor area (city, region, country) and floor area, age and district-heat factor."""
    fuel_rows = [area_row(data, ind, lang) for ind in FUEL_INDICATORS]
    mix = None
    with_city = [r for r in fuel_rows if r.city is not None]
    if with_city:
        year = max(r.year for r in with_city if r.year is not None)
        # every fuel in the same year and release as the first one with a value
        fuel_rows = [area_row(data, ind, lang, release=with_city[0].release, year=year) for ind in FUEL_INDICATORS]
        sfx = _name_col(lang)
        areas = (str(data.key_row.get(f"name{sfx}") or data.code),
                 str(data.key_row.get(f"region_name{sfx}") or data.key_row.get("region_code") or t(lang, "region")),
                 t(lang, "country"))
        mix = FuelMixFacts(
            fuels=FUEL_INDICATORS,
            labels=tuple(fuel_label(i, lang) for i in FUEL_INDICATORS),
            areas=areas,
            shares=tuple(tuple(getattr(r, level) for r in fuel_rows) for level in ("city", "region", "country")),
            year=year,
            sources=tuple(sorted({s for r in fuel_rows for s in r.sources})),
        )
    rows = tuple(area_row(data, ind, lang) for ind in BUILDING_INDICATORS)
    return EnergyBuildingsFacts(mix=mix, rows=rows,
                                has_city_data=mix is not None or any(r.city is not None for r in rows))


def urban_structure_facts(data: CityData, lang: str) -> UrbanStructureFacts:
    """Urbanisation, commuting, jobs and small-house households: city, region, country, each with its year."""
    rows = tuple(area_row(data, ind, lang) for ind in URBAN_INDICATORS)
    return UrbanStructureFacts(rows=rows, has_city_data=any(r.city is not None for r in rows))


def hinku_share_facts(data: CityData, lang: str) -> HinkuShareFacts:
    """Heating, transport and electricity shares of Hinku emissions, all three of one release and year.

    The release and year are those of the heating share (:func:`_release_and_year`): the newest
    release with region or country rows, so the three areas are compared within one release.
    """
    chosen = _release_and_year(data, HINKU_SHARE_INDICATORS[0])
    if chosen is None:
        rows = tuple(area_row(data, ind, lang, release="", year=-1) for ind in HINKU_SHARE_INDICATORS)
        return HinkuShareFacts(rows=rows, release="", year=None, preliminary=False, has_city_data=False)
    release, year = chosen
    rows = tuple(area_row(data, ind, lang, release=release, year=year) for ind in HINKU_SHARE_INDICATORS)
    return HinkuShareFacts(rows=rows, release=release, year=year, preliminary=any(r.preliminary for r in rows),
                           has_city_data=any(r.city is not None for r in rows))
