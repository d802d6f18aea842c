"""Resource-wisdom indicators beyond emissions: buildings' heating fuels, district heat, municipal key figures.

Each loader reads its recorded source (readers in :mod:`rvanalytics.readers`), moves the **additive**
quantities onto the panel's division with :func:`rvanalytics.mergers.harmonise`, sums them to regions
and the whole country on the key of that division, and only then derives shares, ratios and
factors (``status == "derived"``), so a share of a merged municipality is the share of the merged
whole. Rates that exist only as rates in the source (urbanisation rate, share working in the home
municipality, share of households in small houses) are harmonised and aggregated as weighted means
with their own denominators as weights (population, employed residents, households).

:func:`hinku_theme_shares` is a pure function over any panel with ``ghg_hinku_sector_*_kt`` rows.

Examples
--------
>>> panel = pd.DataFrame({"level": "municipality", "code": "X", "year": 2020,
...     "indicator": [f"ghg_hinku_sector_{s}_kt" for s in HINKU_SECTOR_SLUGS],
...     "value": [10.0, 5, 20, 5, 0, 0, 10, 30, 0, 0, 10, 5, 5], "unit": "kt CO2e", "source": "s", "status": ""})
>>> hinku_theme_shares(panel)[["indicator", "value"]].to_dict("records")
[{'indicator': 'ghg_hinku_share_heating_pct', 'value': 30.0}, {'indicator': 'ghg_hinku_share_transport_pct', 'value': 30.0}, {'indicator': 'ghg_hinku_share_electricity_pct', 'value': 10.0}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import Flags

__all__ = [
    "BUILDINGS_SOURCE",
    "DISTRICT_HEAT_SOURCE",
    "FUEL_GROUPS",
    "HINKU_SECTOR_SLUGS",
    "HINKU_THEMES",
    "KEY_FIGURES",
    "KEY_FIGURES_SOURCE",
    "SOURCE_DIVISIONS",
    "SourceRows",
    "aggregate_levels",
    "buildings_indicators",
    "district_heat_indicators",
    "hinku_theme_shares",
    "key_figure_indicators",
    "load_buildings",
    "load_district_heat",
    "load_key_figures",
    "load_resource_sources",
    "ratio_rows",
]

BUILDINGS_SOURCE = "statfin_buildings_heating_fuel_2019"
DISTRICT_HEAT_SOURCE = "syke_alas11_district_heating"
KEY_FIGURES_SOURCE = "statfin_kuntien_avainluvut_2017_values"

#: Division year of each source's municipality names/codes.
SOURCE_DIVISIONS = {BUILDINGS_SOURCE: 2020, DISTRICT_HEAT_SOURCE: 2020, KEY_FIGURES_SOURCE: 2017}

#: Indicator slug -> the 116h heating fuels it sums (coal, 0.2 % of floor area, goes to "other").
FUEL_GROUPS: dict[str, tuple[str, ...]] = {
    "district_heat": ("district_heat",),
    "oil_gas": ("oil_gas",),
    "electricity": ("electricity",),
    "heat_pump": ("ground_heat",),
    "wood_peat": ("wood_peat",),
    "other": ("coal", "other_unknown"),
}
_RESIDENTIAL = ("detached_houses", "terraced_houses", "blocks_of_flats")
_BEFORE_1980 = ("- 1920", "1921 - 1939", "1940 - 1959", "1960 - 1969", "1970 - 1979")

HINKU_SECTOR_SLUGS: tuple[str, ...] = (
    "consumer_electricity", "electric_heating", "district_heating", "oil_heating", "other_heating", "industry",
    "machinery", "road_transport", "rail_transport", "waterborne_transport", "agriculture", "waste", "f_gases")
#: Resource-wisdom theme of the Hinku sectors -> the sectors summed.
HINKU_THEMES: dict[str, tuple[str, ...]] = {
    "heating": ("district_heating", "electric_heating", "oil_heating", "other_heating"),
    "transport": ("road_transport", "rail_transport", "waterborne_transport"),
    "electricity": ("consumer_electricity",),
}

#: Key figures used: panel id -> (M-code, weight M-code for rates or None for counts).
KEY_FIGURES: dict[str, tuple[str, str | None]] = {
    "urbanisation_rate_pct": ("M408", "M411"),
    "working_in_home_municipality_pct": ("M130", "M137"),
    "households_in_small_houses_pct": ("M62", "M44"),
    "jobs": ("M152", None),
    "employed_residents": ("M137", None),
    "households": ("M44", None),
}
_KEY_FIGURE_WEIGHTS = ("M411",)  # weights that are not themselves panel indicators

_ROW_COLUMNS = ["level", "code", "year", "indicator", "value", "unit", "source", "status"]
_FLAG_COLUMNS = ["source", "file", "row", "column", "reason"]


@dataclass
class SourceRows:
    """What a loader adds to the panel: rows, flags, the build's source entry and the mergers applied."""

    rows: pd.DataFrame
    flags: pd.DataFrame
    source: dict[str, Any]
    mergers: pd.DataFrame = field(default_factory=pd.DataFrame)


# ------------------------------------------------------------------ pure helpers

def aggregate_levels(wide: pd.DataFrame, key: pd.DataFrame, value_columns: Sequence[str], *,
                     weights: dict[str, str] | None = None, group_columns: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Add region and country rows to a wide municipality table.

    Additive columns are summed (a missing part makes the sum missing); the columns named in
    ``weights`` are weighted means with the given weight column. Municipalities are placed in
    regions by ``key`` (the key of the table's division).

    Examples
    --------
    >>> key = pd.DataFrame({"code": ["001", "002", "003"], "region_code": ["01", "01", "02"]})
    >>> wide = pd.DataFrame({"level": "municipality", "code": ["001", "002", "003"], "year": 2020,
    ...                      "pop": [100.0, 300, 50], "rate": [10.0, 20, 40]})
    >>> out = aggregate_levels(wide, key, ["pop", "rate"], weights={"rate": "pop"})
    >>> out[["level", "code", "pop", "rate"]].to_dict("records")[3:]
    [{'level': 'region', 'code': '01', 'pop': 400.0, 'rate': 17.5}, {'level': 'region', 'code': '02', 'pop': 50.0, 'rate': 40.0}, {'level': 'country', 'code': 'SSS', 'pop': 450.0, 'rate': 20.0}]
    """
    weights = weights or {}
    muni = wide[wide["level"] == "municipality"].copy()
    region = muni["code"].map(dict(zip(key["code"], key["region_code"])))
    if region.isna().any():
        raise DataFileError(None, f"codes {sorted(muni.loc[region.isna(), 'code'])[:5]} are not in the key used "
                            "for the regions", "harmonise the table onto the key's division first")
    work = muni[list(group_columns) + list(value_columns)].astype({c: "float64" for c in value_columns})
    for col, wcol in weights.items():
        work[col] = work[col] * muni[wcol].astype("float64")
    parts = [muni]
    for level, codes in (("region", region), ("country", pd.Series("SSS", index=muni.index))):
        grouped = work.assign(_code=codes).groupby([*group_columns, "_code"], sort=True)
        summed = grouped[list(value_columns)].sum(min_count=1)
        has_nan = work[list(value_columns)].isna().groupby([work[c] for c in group_columns] + [codes.rename("_code")],
                                                           sort=True).any()
        summed = summed.mask(has_nan.reindex(summed.index).fillna(False).astype(bool))
        for col, wcol in weights.items():
            summed[col] = summed[col] / summed[wcol]
        summed = summed.reset_index().rename(columns={"_code": "code"})
        summed.insert(0, "level", level)
        parts.append(summed)
    return pd.concat(parts, ignore_index=True)[["level", "code", *group_columns, *value_columns]]


def ratio_rows(wide: pd.DataFrame, indicator: str, numerator: str | Sequence[str], denominator: str, *,
               scale: float = 1.0, unit: str, source: str, zero_status: str = "..") -> pd.DataFrame:
    """Long panel rows ``value = sum(numerator) * scale / denominator`` (status "derived").

    Missing parts give NaN with status ``".."``; a zero denominator gives NaN with ``zero_status``.

    Examples
    --------
    >>> wide = pd.DataFrame({"level": "municipality", "code": ["001", "002"], "year": 2019,
    ...                      "a": [1.0, 0.0], "b": [3.0, 0.0]})
    >>> ratio_rows(wide, "x_pct", "a", "b", scale=100, unit="%", source="s")[["value", "status"]].round(2).to_dict("records")
    [{'value': 33.33, 'status': 'derived'}, {'value': nan, 'status': '..'}]
    """
    cols = [numerator] if isinstance(numerator, str) else list(numerator)
    num = wide[cols].astype("float64").sum(axis=1, min_count=len(cols))
    num = num.mask(wide[cols].isna().any(axis=1))
    den = wide[denominator].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (num * scale / den).to_numpy(dtype="float64", copy=True)
    zero = (den == 0).to_numpy() & num.notna().to_numpy()
    bad = ~np.isfinite(value)
    value[bad] = np.nan
    status = np.where(bad, np.where(zero, zero_status, ".."), "derived")
    return pd.DataFrame({"level": wide["level"].to_numpy(), "code": wide["code"].to_numpy(),
                         "year": wide["year"].astype("int64").to_numpy(), "indicator": indicator, "value": value,
                         "unit": unit, "source": source, "status": status})


def _value_rows(wide: pd.DataFrame, indicator: str, column: str, *, unit: str, source: str) -> pd.DataFrame:
    value = wide[column].astype("float64")
    return pd.DataFrame({"level": wide["level"].to_numpy(), "code": wide["code"].to_numpy(),
                         "year": wide["year"].astype("int64").to_numpy(), "indicator": indicator,
                         "value": value.to_numpy(), "unit": unit, "source": source,
                         "status": np.where(value.isna(), "..", "")})


def hinku_theme_shares(panel: pd.DataFrame) -> pd.DataFrame:
    """Hinku emissions by resource-wisdom theme as % of the sum of the 13 Hinku sectors.

    heating = district + electric + oil + other heating; transport = road + rail + waterborne;
    electricity = consumer electricity. The denominator is the sum of the 13 sector rows of the
    same level, code and year (so the shares of one place add up with the other sectors to 100 %);
    where a sector is missing, or the sum is not positive, the share is NaN with status ``".."``.
    Works on every level and code that has sector rows (municipalities, regions, country). Other
    columns of the panel (e.g. ``release``) are carried over from the sector rows.

    Returns
    -------
    DataFrame
        Panel rows ``ghg_hinku_share_<theme>_pct`` (unit ``%``, status ``"derived"``).
    """
    ids = {f"ghg_hinku_sector_{s}_kt": s for s in HINKU_SECTOR_SLUGS}
    rows = panel[panel["indicator"].isin(ids)]
    # A place may have the same year in two Syke releases: shares are computed within one release.
    keys = ["level", "code", "year", *(["release"] if "release" in rows.columns else [])]
    extra = [c for c in rows.columns if c not in {*_ROW_COLUMNS, *keys, "division_year"}]
    if rows.empty:
        return pd.DataFrame(columns=[*_ROW_COLUMNS, *keys[3:], *extra])
    # groupby/unstack keeps only the level-code-year triples that occur (pivot_table(dropna=False) would
    # cross every level with every code).
    wide = rows.assign(_s=rows["indicator"].map(ids)).groupby([*keys, "_s"], sort=True)["value"].first()
    wide = wide.unstack("_s").reindex(columns=list(HINKU_SECTOR_SLUGS))
    meta = rows.groupby(keys, sort=True)[["source", *extra]].first()
    total = wide.sum(axis=1, min_count=len(HINKU_SECTOR_SLUGS)).mask(wide.isna().any(axis=1))
    out = []
    for theme, sectors in HINKU_THEMES.items():
        part = wide[list(sectors)].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (part / total * 100).where(total > 0)
        frame = share.rename("value").reset_index()
        frame["indicator"] = f"ghg_hinku_share_{theme}_pct"
        frame["unit"] = "%"
        frame["status"] = np.where(frame["value"].isna(), "..", "derived")
        frame = frame.merge(meta.reset_index(), on=keys, how="left")
        out.append(frame)
    result = pd.concat(out, ignore_index=True)
    return result[[*_ROW_COLUMNS, *keys[3:], *extra]]


# ------------------------------------------------------------------ buildings

def buildings_indicators(fuel: pd.DataFrame, periods: pd.DataFrame, population: pd.DataFrame, *,
                         from_year: int, to_year: int, keys: MunicipalityKeys | None = None, source: str = BUILDINGS_SOURCE,
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Heating-fuel shares, floor area and floor area per resident from the read 116h/116g/11re tables.

    Returns ``(rows, mergers)``: panel rows for municipalities (on ``to_year``), regions and the country.
    """
    from rvanalytics.mergers import harmonise

    muni = fuel[fuel["level"] == "municipality"]
    wide = muni.pivot_table(index=["code", "year"], columns="fuel", values="total", aggfunc="first").reset_index()
    quantities = {"floor_total": wide["total"]}
    for slug, parts in FUEL_GROUPS.items():
        quantities[f"floor_{slug}"] = wide[list(parts)].sum(axis=1)
    base = pd.DataFrame({"code": wide["code"], "year": wide["year"], **quantities})
    residential = muni[muni["fuel"] == "total"].set_index("code")[list(_RESIDENTIAL)].sum(axis=1)
    base["floor_residential"] = base["code"].map(residential)
    pm = periods[periods["level"] == "municipality"]
    before = pm[pm["period"].isin(_BEFORE_1980)].groupby("code")["total"].sum()
    known = pm[pm["period"] != "Tuntematon"].groupby("code")["total"].sum()
    base["floor_before_1980"] = base["code"].map(before)
    base["floor_known_year"] = base["code"].map(known)
    stat_year = int(base["year"].iloc[0])
    pop = population[(population["level"] == "municipality") & (population["year"] == stat_year)]
    base["population"] = base["code"].map(pop.set_index("code")["population"])
    values = [c for c in base.columns if c not in {"code", "year"}]
    harmonised = harmonise(base, from_year, to_year, value_columns=values, group_columns=["year"], keys=keys)
    table = harmonised.table.assign(level="municipality")
    full = aggregate_levels(table, keys_or_default(keys).key(to_year), values)
    rows = [_value_rows(full, "floor_area_m2", "floor_total", unit="m2", source=source)]
    for slug in FUEL_GROUPS:
        rows.append(ratio_rows(full, f"heating_fuel_share_{slug}_pct", f"floor_{slug}", "floor_total", scale=100,
                               unit="%", source=source))
    rows.append(ratio_rows(full, "floor_area_per_capita_m2", "floor_total", "population", unit="m2/person",
                           source=source))
    rows.append(ratio_rows(full, "residential_floor_area_per_capita_m2", "floor_residential", "population",
                           unit="m2/person", source=source))
    rows.append(ratio_rows(full, "floor_area_built_before_1980_pct", "floor_before_1980", "floor_known_year",
                           scale=100, unit="%", source=source))
    return pd.concat(rows, ignore_index=True), harmonised.mergers


def _check_buildings(fuel: pd.DataFrame, periods: pd.DataFrame, fuel_path: Path, periods_path: Path) -> None:
    """116g's completion-year classes add up to 116h's floor area per municipality and use; the
    municipalities add up to 116h's whole-country row."""
    from rvanalytics.readers.buildings import BUILDING_USES

    uses = [u for u in BUILDING_USES.values() if u != "total"]
    total_h = fuel[(fuel["fuel"] == "total") & (fuel["level"] == "municipality")].set_index("code")[uses]
    total_g = periods[periods["level"] == "municipality"].groupby("code")[uses].sum()
    if set(total_h.index) != set(total_g.index):
        only = sorted(set(total_h.index) ^ set(total_g.index))
        raise DataFileError(periods_path, f"municipalities {only[:5]} are in only one of {fuel_path.name} and "
                            f"{periods_path.name}", "download both tables on the same division")
    diff = (total_g.reindex(total_h.index) - total_h).abs()
    bad = diff.gt(0.5 * 10 + 1e-9).any(axis=1)
    if bad.any():
        code = bad[bad].index[0]
        raise DataFileError(periods_path, f"the completion-year classes of municipality {code} add up to "
                            f"{total_g.loc[code].sum():,.0f} m², but {fuel_path.name} has {total_h.loc[code].sum():,.0f} m²",
                            "download both tables from the same release")
    country = fuel[fuel["level"] == "country"].set_index("fuel")["total"]
    if not country.empty:
        summed = fuel[fuel["level"] == "municipality"].groupby("fuel")["total"].sum()
        off = (summed.reindex(country.index) - country).abs()
        n = fuel["code"].nunique()
        if (off > 0.5 * n).any():
            slug = off.idxmax()
            raise DataFileError(fuel_path, f"the municipalities' floor area heated by {slug} adds up to "
                                f"{summed[slug]:,.0f} m², not the KOKO MAA row's {country[slug]:,.0f} m²",
                                "download the table with every municipality", column="Alue")


def load_buildings(division_year: int, *, offline: bool | None = None, keys: MunicipalityKeys | None = None) -> SourceRows:
    """Read 116h, 116g and 11re (2019, 2020 division) and derive the buildings indicators on ``division_year``."""
    from rvanalytics.panel import source_path
    from rvanalytics.readers.buildings import (
        read_floor_area_by_completion_year,
        read_floor_area_by_fuel,
        read_population_by_sex,
    )

    src = BUILDINGS_SOURCE
    from_year = SOURCE_DIVISIONS[src]
    fuel_path = source_path(src, "006_116h_2019.csv", offline=offline)
    periods_path = source_path(src, "006_116g_2019.csv", offline=offline)
    pop_path = source_path(src, "005_11re_2019.csv", offline=offline)
    fuel = read_floor_area_by_fuel(fuel_path, year=from_year, keys=keys)
    periods = read_floor_area_by_completion_year(periods_path, year=from_year, keys=keys)
    population = read_population_by_sex(pop_path, year=from_year, keys=keys)
    _check_buildings(fuel, periods, fuel_path, periods_path)
    rows, mergers = _onto(division_year, from_year, src, [fuel_path], lambda to: buildings_indicators(
        fuel, periods, population, from_year=from_year, to_year=to, keys=keys))
    files = [fuel_path, periods_path, pop_path]
    return _result(src, rows, mergers, files, from_year, division_year, Flags(),
                   "floor area 31.12.2019 by main heating fuel (116h) and completion year (116g); per resident "
                   "with the 11re population of 31.12.2019; shares derived after harmonising the floor areas")


# ------------------------------------------------------------------ district heat

def district_heat_indicators(table: pd.DataFrame, *, from_year: int, to_year: int, keys: MunicipalityKeys | None = None,
                             source: str = DISTRICT_HEAT_SOURCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """District-heat energy, emissions and emission factor (all plants, and plants outside the EU ETS).

    ``table`` is :func:`rvanalytics.readers.read_district_heat_csv` output. A municipality-year that
    has rows for only one trade class has none of the other (the aggregation writes only the
    classes that occur), so the other class counts as zero there.
    """
    from rvanalytics.mergers import harmonise

    wide = table.pivot_table(index=["code", "year"], columns="trade", values=["energy_gwh", "emission_kt"],
                             aggfunc="first")
    wide.columns = [f"{v}_{t}" for v, t in wide.columns]
    for col in ("energy_gwh_ets", "energy_gwh_non_ets", "emission_kt_ets", "emission_kt_non_ets"):
        if col not in wide.columns:
            wide[col] = np.nan
    wide = wide.fillna(0.0).reset_index()
    wide["energy_all"] = wide["energy_gwh_ets"] + wide["energy_gwh_non_ets"]
    wide["emission_all"] = wide["emission_kt_ets"] + wide["emission_kt_non_ets"]
    values = ["energy_all", "energy_gwh_non_ets", "emission_all", "emission_kt_non_ets"]
    harmonised = harmonise(wide[["code", "year", *values]], from_year, to_year, value_columns=values,
                           group_columns=["year"], keys=keys)
    moved = harmonised.table
    # A municipality absent from the file (no district heating) makes its merged whole incomplete;
    # harmonise leaves that NaN rather than guessing.
    full = aggregate_levels(moved.assign(level="municipality").dropna(subset=values, how="all"),
                            keys_or_default(keys).key(to_year), values)
    rows = [
        _value_rows(full, "district_heat_energy_gwh", "energy_all", unit="GWh", source=source),
        _value_rows(full, "district_heat_energy_non_ets_gwh", "energy_gwh_non_ets", unit="GWh", source=source),
        _value_rows(full, "district_heat_ghg_kt", "emission_all", unit="kt CO2e", source=source),
        _value_rows(full, "district_heat_ghg_non_ets_kt", "emission_kt_non_ets", unit="kt CO2e", source=source),
        ratio_rows(full, "district_heat_emission_factor_kg_kwh", "emission_all", "energy_all",
                   unit="kg CO2e/kWh", source=source, zero_status="."),
        ratio_rows(full, "district_heat_emission_factor_non_ets_kg_kwh", "emission_kt_non_ets", "energy_gwh_non_ets",
                   unit="kg CO2e/kWh", source=source, zero_status="."),
    ]
    return pd.concat(rows, ignore_index=True), harmonised.mergers


def load_district_heat(division_year: int, *, offline: bool | None = None, keys: MunicipalityKeys | None = None) -> SourceRows:
    """Read the ALas 1.1 district-heat aggregation (2020 division) and derive its indicators on ``division_year``."""
    from rvanalytics.panel import source_path
    from rvanalytics.readers.district_heat import read_district_heat_csv

    src = DISTRICT_HEAT_SOURCE
    from_year = SOURCE_DIVISIONS[src]
    path = source_path(src, offline=offline)
    flags = Flags()
    table = read_district_heat_csv(path, year=from_year, keys=keys, flags=flags)
    absent = keys_or_default(keys).key(from_year).query("code not in @table.code")
    if not absent.empty:
        flags.add(path, None, f"{len(absent)} municipalities of {from_year} are not in the file (no district heating): "
                              + ", ".join(absent["name_fi"]) + "; they have no rows, and region sums are over the "
                              "municipalities present", column="municipality")
    rows, mergers = _onto(division_year, from_year, src, [path], lambda to: district_heat_indicators(
        table, from_year=from_year, to_year=to, keys=keys))
    return _result(src, rows, mergers, [path], from_year, division_year, flags,
                   "ALas 1.1 district heat 2005–2018, municipal rows only; factor = emissions / energy after "
                   "harmonising both")


# ------------------------------------------------------------------ key figures

def key_figure_indicators(values: pd.DataFrame, *, from_year: int, to_year: int, keys: MunicipalityKeys | None = None,
                          source: str = KEY_FIGURES_SOURCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Urbanisation rate, share working in the home municipality, jobs per employed resident and the
    counts they rest on, from :func:`rvanalytics.readers.read_key_figures_csv` output (municipalities)."""
    from rvanalytics.indicators import get_indicator
    from rvanalytics.mergers import harmonise

    muni = values[values["level"] == "municipality"]
    needed = sorted({c for pair in KEY_FIGURES.values() for c in pair if c} | set(_KEY_FIGURE_WEIGHTS))
    absent = [c for c in needed if c not in set(muni["key_figure"])]
    if absent:
        raise DataFileError(None, f"the key-figure table lacks {absent}", "use the full latest-year table")
    wide = muni.pivot_table(index="code", columns="key_figure", values="value", aggfunc="first")[needed].reset_index()
    years = muni.groupby("key_figure")["year"].first().to_dict()
    weights = {code: weight for code, weight in KEY_FIGURES.values() if weight}
    counts = [c for c in needed if c not in weights]
    # A weighted mean over merged municipalities is sum(rate * weight) / sum(weight): harmonise the
    # products additively together with the counts (one pass), then divide.
    products = {f"_x_{code}": wide[code] * wide[weight] for code, weight in weights.items()}
    base = wide[["code", *counts]].assign(**products)
    moved = harmonise(base, from_year, to_year, value_columns=[*counts, *products], keys=keys)
    table = moved.table
    for code, weight in weights.items():
        table[code] = table.pop(f"_x_{code}") / table[weight]
    mergers = [moved.mergers]
    parts = []
    table = table.assign(level="municipality", year=0)
    full = aggregate_levels(table, keys_or_default(keys).key(to_year), [*counts, *weights], weights=weights)
    for ind, (code, _) in KEY_FIGURES.items():
        unit = get_indicator(ind)["unit"]
        parts.append(_value_rows(full.assign(year=years[code]), ind, code, unit=unit, source=source))
    jobs = ratio_rows(full.assign(year=years["M152"]), "jobs_per_employed_resident", "M152", "M137",
                      unit=get_indicator("jobs_per_employed_resident")["unit"], source=source)
    parts.append(jobs)
    rows = pd.concat(parts, ignore_index=True)
    rate_ids = [i for i, (_, w) in KEY_FIGURES.items() if w]
    agg = rows["indicator"].isin(rate_ids) & (rows["level"] != "municipality") & (rows["status"] == "")
    rows.loc[agg, "status"] = "derived"  # region/country rates are weighted means, not published figures
    return rows, pd.concat(mergers, ignore_index=True)


def load_key_figures(division_year: int, *, offline: bool | None = None, keys: MunicipalityKeys | None = None) -> SourceRows:
    """Read the key-figure values and metadata (2017 division) and derive the chosen key figures on ``division_year``."""
    from rvanalytics.panel import source_path
    from rvanalytics.readers.key_figures import read_key_figure_metadata, read_key_figures_csv

    src = KEY_FIGURES_SOURCE
    meta_path = source_path("statfin_pxweb_kuntien_avainluvut_2017", "px-table-viimeisin-response.json", offline=True)
    path = source_path(src, "kuntien_avainluvut_2017_viimeisin_kunnat_derived.csv", offline=offline)
    meta = read_key_figure_metadata(meta_path)
    from_year = meta.division_year or SOURCE_DIVISIONS[src]
    flags = Flags()
    values = read_key_figures_csv(path, meta, year=from_year, keys=keys, flags=flags)
    rows, mergers = _onto(division_year, from_year, src, [path], lambda to: key_figure_indicators(
        values, from_year=from_year, to_year=to, keys=keys))
    return _result(src, rows, mergers, [path, meta_path], from_year, division_year, flags,
                   "Kuntien avainluvut 2017 release (reference years 2015/2016); rates harmonised and aggregated as "
                   "weighted means (weights: population, employed residents, households)")


# ------------------------------------------------------------------ wiring

def _onto(division_year: int, from_year: int, source: str, files: list[Path], derive) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Derive on ``division_year``; a source on a later division than the panel keeps no municipality rows."""
    if from_year > division_year:
        rows, mergers = derive(from_year)
        return rows[rows["level"] != "municipality"].reset_index(drop=True), mergers.iloc[0:0]
    return derive(division_year)


def _result(source: str, rows: pd.DataFrame, mergers: pd.DataFrame, files: list[Path], from_year: int,
            division_year: int, flags: Flags, note: str) -> SourceRows:
    from rvanalytics.panel import _vintage

    frame = flags.frame()
    frame.insert(0, "source", source)
    if from_year > division_year:
        frame = pd.concat([frame, pd.DataFrame([{
            "source": source, "file": str(files[0]), "row": None, "column": "code",
            "reason": f"source is on the {from_year} division, later than the panel's {division_year}; its "
                      "municipality rows were left out"}])], ignore_index=True)
    if not mergers.empty:
        mergers = mergers.assign(source=source)
    entry = {"id": source, "files": [str(f) for f in files], "vintage": _vintage(source), "rows": len(rows),
             "division_year": from_year, "note": note}
    return SourceRows(rows=rows.reset_index(drop=True), flags=frame.reindex(columns=_FLAG_COLUMNS), source=entry,
                      mergers=mergers)


def load_resource_sources(division_year: int, *, offline: bool | None = None, keys: MunicipalityKeys | None = None) -> list[SourceRows]:
    """All three loaders, in the order the panel build adds them."""
    return [load_buildings(division_year, offline=offline, keys=keys),
            load_district_heat(division_year, offline=offline, keys=keys),
            load_key_figures(division_year, offline=offline, keys=keys)]
