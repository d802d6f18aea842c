"""One indicator, one palette and direction in every map output; SVG keeps its text as text."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.colors import to_hex

from rvanalytics.indicators import indicator_catalogue
from rvanalytics.maps import (
    choropleth,
    classify,
    indicator_map,
    indicator_palette,
    save_map,
    small_multiples,
)
from rvanalytics.maps.interactive import NO_DATA_COLOR, explore_map, to_html

DIVISION = 2026


@pytest.fixture(scope="module")
def world(store):
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.store import load_panel

    return {"munis": load_municipalities(DIVISION, simplified=True, store=store),
            "regions": load_regions(DIVISION, simplified=True, store=store),
            "panel": load_panel(store, level=None)}


def test_palette_follows_the_catalogue_direction():
    cat = indicator_catalogue()
    for ind, row in cat.iterrows():
        pal = indicator_palette(ind)
        assert pal.direction == row["direction"]
        assert pal.cmap == {"lower_is_better": "YlOrRd"}.get(row["direction"], "YlGnBu"), ind
        div = indicator_palette(ind, diverging=True).cmap
        assert div == ("RdBu" if row["direction"] == "higher_is_better" else "RdBu_r"), ind
    assert indicator_palette("no_such_indicator").cmap == "YlGnBu"  # a user's own table: neutral


@pytest.mark.parametrize("indicator", ["road_transport_ghg_per_capita_t", "population"])
def test_same_indicator_same_colours_in_every_output(world, indicator, tmp_path):
    panel, munis = world["panel"], world["munis"]
    rows = panel[(panel["indicator"] == indicator) & (panel["level"] == "municipality") & panel["value"].notna()]
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    expected = classify(latest["value"], "quantiles", 5, cmap=indicator_palette(indicator).cmap).colors
    # slide and A4 (indicator_map, what the CLI and the workshop notebook draw)
    for size in ("slide", "a4"):
        fig, ax = indicator_map(panel, indicator, year, municipalities=munis, regions=world["regions"], size=size)
        drawn = {to_hex(c) for c in ax.collections[0].get_facecolors()}
        assert drawn <= set(expected) and len(drawn) == len(expected), (size, drawn, expected)
    # small multiples (the workshop notebook passes indicator=)
    fig, axes = small_multiples(munis, latest[["code", "year", "value"]], indicator=indicator)
    assert {to_hex(c) for c in axes[0].collections[0].get_facecolors()} == set(expected)
    # interactive
    m = explore_map(munis, latest[["code", "value"]], indicator=indicator)
    colours = set(re.findall(r'"_color": "(#[0-9a-f]{6})"', to_html(m)))
    assert colours - {NO_DATA_COLOR} == set(expected)
    # the explicit choropleth call with the same palette (notebooks' explore map)
    fig, ax = choropleth(munis, latest[["code", "value"]], cmap=indicator_palette(indicator).cmap)
    assert {to_hex(c) for c in ax.collections[0].get_facecolors()} == set(expected)


def test_svg_keeps_city_names_as_text(world, tmp_path):
    panel = world["panel"]
    rows = panel[(panel["indicator"] == "road_transport_ghg_per_capita_t") & (panel["level"] == "municipality")]
    fig, _ = indicator_map(panel, "road_transport_ghg_per_capita_t", int(rows["year"].max()),
                           municipalities=world["munis"], regions=world["regions"], lang="sv",
                           label_codes=["837", "405", "853"])
    out = save_map(fig, tmp_path / "map.svg")
    svg = out.read_text(encoding="utf-8")
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert {"Tammerfors", "Villmanstrand", "Åbo", "Helsingfors"} <= texts, sorted(texts)[:30]
    # the white halo survives as a stroke painted under the letters
    assert "paint-order: stroke" in svg
    # the PNG of the same figure still renders (halos restored after the SVG export)
    assert save_map(fig, tmp_path / "map.png").stat().st_size > 10_000
