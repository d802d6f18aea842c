"""Report sections per resource-wisdom theme (issue 12 item 5) on the recorded store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rvanalytics.report.story import CityStory
from rvanalytics.report.story import theme_facts as F
from rvanalytics.report.story.charts import fuel_mix_chart
from rvanalytics.report.story.inputs import load_city_data


@pytest.fixture(scope="module")
def cities(store: Path) -> dict[str, object]:
    return {code: load_city_data(code, store=store) for code in ("167", "091")}


def _value(data, indicator: str, level: str, code: str, year: int, release: str = "") -> float:
    p = data.panel_all
    rel = p["release"].astype("string").fillna("") if "release" in p.columns else ""
    hit = p[(p["indicator"] == indicator) & (p["level"] == level) & (p["code"] == code) & (p["year"] == year)
            & (rel == release)]
    assert len(hit) == 1, (indicator, level, code, year, release)
    return float(hit["value"].iloc[0])


@pytest.mark.parametrize(("code", "region"), [("167", "12"), ("091", "01")])
def test_theme_facts_equal_the_panel(cities, code: str, region: str) -> None:
    data = cities[code]
    energy = F.energy_buildings_facts(data, "fi")
    assert energy.mix is not None and energy.mix.year == 2019
    for j, ind in enumerate(F.FUEL_INDICATORS):
        for i, (level, c) in enumerate((("municipality", code), ("region", region), ("country", "SSS"))):
            assert energy.mix.shares[i][j] == pytest.approx(_value(data, ind, level, c, 2019), rel=1e-12)
    for shares in energy.mix.shares:  # the six fuels are the whole floor area
        assert sum(shares) == pytest.approx(100.0, abs=1e-6)
    rows = {r.indicator: r for r in energy.rows}
    assert rows["district_heat_emission_factor_kg_kwh"].year == 2018
    urban = F.urban_structure_facts(data, "sv")
    for r in (*energy.rows, *urban.rows):
        assert r.city == pytest.approx(_value(data, r.indicator, "municipality", code, r.year), rel=1e-12)
        assert r.region == pytest.approx(_value(data, r.indicator, "region", region, r.year), rel=1e-12)
        assert r.country == pytest.approx(_value(data, r.indicator, "country", "SSS", r.year), rel=1e-12)
    assert {r.indicator: r.year for r in urban.rows} == {
        "urbanisation_rate_pct": 2016, "working_in_home_municipality_pct": 2015,
        "jobs_per_employed_resident": 2015, "households_in_small_houses_pct": 2016}
    assert all(r.snapshot for r in urban.rows)
    hinku = F.hinku_share_facts(data, "en")
    assert hinku.has_city_data and hinku.release  # one named release for the three areas
    for r in hinku.rows:
        assert r.release == hinku.release and r.year == hinku.year
        assert r.city == pytest.approx(_value(data, r.indicator, "municipality", code, r.year, r.release))
        assert r.region == pytest.approx(_value(data, r.indicator, "region", region, r.year, r.release))
        assert r.country == pytest.approx(_value(data, r.indicator, "country", "SSS", r.year, r.release))


def test_recorded_source_values(cities) -> None:
    """Key figures as published (no rounding on the way): Joensuu and Helsinki in the 2017 release."""
    urban = {c: {r.indicator: r.city for r in F.urban_structure_facts(cities[c], "fi").rows} for c in cities}
    assert urban["167"]["urbanisation_rate_pct"] == pytest.approx(88.9)
    assert urban["091"]["urbanisation_rate_pct"] == pytest.approx(99.9)
    assert urban["167"]["working_in_home_municipality_pct"] == pytest.approx(83.5)
    assert urban["091"]["households_in_small_houses_pct"] == pytest.approx(13.4)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_fuel_mix_chart_has_city_region_country_in_order(cities, lang: str) -> None:
    import matplotlib.pyplot as plt

    mix = F.energy_buildings_facts(cities["167"], lang).mix
    fig, ax = fuel_mix_chart(mix, lang)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == list(mix.areas) and labels[0] == "Joensuu"
    ys = [tick.get_position()[1] for tick in ax.get_yticklabels()]
    assert ax.yaxis_inverted() and ys == sorted(ys)  # the city on top
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(mix.labels)  # legend in stack order
    # the first fuel of each bar (city, region, country) has that area's share
    n = len(mix.areas)
    first = ax.patches[:n]
    assert [p.get_width() for p in first] == pytest.approx([s[0] for s in mix.shares])
    footer = " ".join(t.get_text() for t in fig.texts)
    assert "2019" in footer and ("Tilastokeskus" in footer or "Statistics Finland" in footer
                                 or "Statistikcentralen" in footer)
    assert "2019" in ax.get_title(loc="left")
    plt.close(fig)


def test_city_without_data_gets_one_line_per_section(cities, tmp_path: Path, monkeypatch) -> None:
    from rvanalytics.report import story as story_module

    shown: list[str] = []
    monkeypatch.setattr(story_module, "_html", shown.append)
    data = cities["167"]
    p = data.panel_all
    gone = p[~((p["level"] == "municipality") & (p["code"] == "167"))]
    bare = dataclasses.replace(data, panel=data.panel[~((data.panel["level"] == "municipality")
                                                        & (data.panel["code"] == "167"))], panel_all=gone)
    story = CityStory(bare, "sv", tmp_path)
    story.theme_sections()
    assert len(shown) == 3
    assert all(s.startswith('<p class="empty-section">') for s in shown[1:])
    assert shown[0].startswith("<h2>") and shown[0].count('<p class="empty-section">') == 1
    assert all("inga uppgifter om denna kommun" in s for s in shown)
    assert "<figure" not in "".join(shown)


def test_theme_sections_render_for_joensuu(cities, tmp_path: Path, monkeypatch) -> None:
    from rvanalytics.report import story as story_module

    shown: list[str] = []
    monkeypatch.setattr(story_module, "_html", shown.append)
    story = CityStory(cities["167"], "fi", tmp_path)
    story.theme_sections()
    page = "".join(shown)
    for words in ("Energia ja rakennukset", "Yhdyskuntarakenne", "Päästöt sektoreittain", "tilannekuva",
                  "Pohjois-Karjala", "Koko maa", "Hinku"):
        assert words in page
    assert page.count('<figure class="chart">') == 2  # fuel mix and the Hinku sectors
    assert "theme-heating-fuels" in " ".join(story.figures)
    story.indicators_section(after_themes=True)  # the theme sections' indicators are not drawn twice
    assert "heating_fuel_share_district_heat_pct" not in story.metrics.get("indicators", {})
