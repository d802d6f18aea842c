"""Indicator catalogue: ids of the design contract, valid fields, clear errors."""

from __future__ import annotations

import pytest

from rvanalytics.indicators import (
    DIRECTIONS,
    HINKU_SECTORS,
    THEMES,
    UnknownIndicatorError,
    get_indicator,
    indicator_catalogue,
    per_capita_indicators,
)

DESIGN_IDS = [
    "population", "ghg_hinku_total_kt", "ghg_hinku_per_capita_t", "ghg_alas_total_kt", "ghg_alas_per_capita_t",
    "road_transport_ghg_kt", "road_transport_ghg_per_capita_t", "road_transport_energy_gwh",
    "road_transport_energy_per_capita_mwh", "road_transport_mileage_mkm", "road_transport_mileage_per_capita_km",
    "household_waste_recycling_rate_pct", "consumption_footprint_per_capita_t",
] + [f"ghg_hinku_sector_{slug}_kt" for slug in (
    "consumer_electricity", "electric_heating", "district_heating", "oil_heating", "other_heating", "industry",
    "machinery", "road_transport", "rail_transport", "waterborne_transport", "agriculture", "waste", "f_gases")]


def test_catalogue_has_every_design_id():
    cat = indicator_catalogue()
    assert set(DESIGN_IDS) <= set(cat.index)
    assert cat.index.is_unique


def test_fields_are_valid():
    cat = indicator_catalogue()
    assert set(cat["theme"]) <= set(THEMES)
    assert set(cat["direction"]) <= set(DIRECTIONS)
    assert cat["name_fi"].str.len().min() > 0 and cat["name_en"].str.len().min() > 0
    assert cat["definition"].str.len().min() > 20
    # population is the year-end denominator, stated in the definition
    assert "31 December" in cat.loc["population", "definition"]


def test_per_capita_entries_point_to_additive_numerators():
    cat = indicator_catalogue()
    per = per_capita_indicators()
    assert len(per) == 5
    for per_id, (num, scale) in per.items():
        assert bool(cat.loc[num, "additive"]) is True
        assert bool(cat.loc[per_id, "additive"]) is False
        assert "/person" in cat.loc[per_id, "unit"]
        assert scale in (1000.0, 1_000_000.0)


def test_hinku_sector_ids_match_sector_names():
    cat = indicator_catalogue()
    sectors = cat[cat["sector_fi"].notna()]
    assert len(sectors) == 13
    for idx, row in sectors.iterrows():
        assert idx == f"ghg_hinku_sector_{HINKU_SECTORS[row['sector_fi']]}_kt"


def test_scopes_are_distinct_indicators():
    cat = indicator_catalogue()
    assert cat.loc["ghg_hinku_total_kt", "source"] != cat.loc["ghg_alas_total_kt", "source"]
    assert "never mixed" in cat.loc["ghg_alas_total_kt", "definition"]


def test_unknown_id_suggests_close_matches():
    with pytest.raises(UnknownIndicatorError, match="did you mean: road_transport_ghg_kt"):
        get_indicator("road_transport_ghg")
    with pytest.raises(KeyError):  # also a KeyError for dict-like callers
        get_indicator("nothing_like_it_at_all_xyz")


def test_get_indicator_returns_entry():
    entry = get_indicator("road_transport_mileage_per_capita_km")
    assert entry["id"] == "road_transport_mileage_per_capita_km"
    assert entry["numerator"] == "road_transport_mileage_mkm"
    assert entry["unit"] == "km/person"


@pytest.mark.parametrize("name", ["rvanalytics.indicators", "rvanalytics.pxweb", "rvanalytics.panel",
                                  "rvanalytics.readers.alas", "rvanalytics.readers.sotkanet",
                                  "rvanalytics.readers.user_tables"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
