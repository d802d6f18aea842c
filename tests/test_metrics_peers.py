"""Decoupling, peers and aggregates, coverage, composite index: hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.metrics import (
    TAPIO_CLASSES,
    aggregate_areas,
    all_metrics,
    city_metrics,
    composite_index,
    composite_uncertainty,
    data_freshness,
    decoupling,
    missing_share,
    municipality_attributes,
    rank_peers,
    tapio_class,
    theme_coverage,
)


def _p(rows):
    return pd.DataFrame(rows, columns=["code", "year", "indicator", "value"]).assign(level="municipality")


# ----------------------------------------------------------------------------- decoupling

@pytest.mark.parametrize(("de", "dd", "expected"), [
    (-5.0, 10.0, "strong decoupling"),
    (0.0, 10.0, "weak decoupling"),
    (5.0, 10.0, "weak decoupling"),
    (8.0, 10.0, "expansive coupling"),
    (12.0, 10.0, "expansive coupling"),
    (13.0, 10.0, "expansive negative decoupling"),
    (5.0, -10.0, "strong negative decoupling"),
    (-5.0, -10.0, "weak negative decoupling"),
    (-10.0, -10.0, "recessive coupling"),
    (-13.0, -10.0, "recessive decoupling"),
    (-5.0, 0.0, None),
    (np.nan, 5.0, None),
])
def test_tapio_classes(de: float, dd: float, expected: str | None) -> None:
    assert tapio_class(de, dd)[0] == expected


def test_tapio_band_is_tunable_and_classes_listed() -> None:
    assert tapio_class(9.0, 10.0, coupling_band=(0.95, 1.05))[0] == "weak decoupling"
    assert len(TAPIO_CLASSES) == 8


def test_decoupling_uses_economic_driver_when_present() -> None:
    p = _p([("a", 2010, "ghg_hinku_total_kt", 100.0), ("a", 2020, "ghg_hinku_total_kt", 90.0),
            ("a", 2010, "population", 100.0), ("a", 2020, "population", 95.0),
            ("a", 2010, "gdp_meur", 50.0), ("a", 2020, "gdp_meur", 60.0),
            ("b", 2010, "ghg_hinku_total_kt", 100.0), ("b", 2020, "ghg_hinku_total_kt", np.nan),
            ("b", 2010, "population", 100.0), ("b", 2020, "population", 95.0)])
    out = decoupling(p, 2010, 2020).set_index(["code", "driver"])
    assert out.loc[("a", "population"), "elasticity"] == pytest.approx(2.0)
    assert out.loc[("a", "population"), "tapio_class"] == "recessive decoupling"
    assert out.loc[("a", "gdp_meur"), "tapio_class"] == "strong decoupling"
    assert pd.isna(out.loc[("b", "population"), "tapio_class"])  # missing stays missing
    assert math.isnan(out.loc[("b", "population"), "pressure_pct"])


# ----------------------------------------------------------------------------- peers

@pytest.fixture
def munis() -> pd.DataFrame:
    return pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "region_code": ["01", "01", "01", "02", "02"],
                         "size_class": ["<5k", ">100k", "<5k", "<5k", ">100k"]})


def test_rank_peers_all_region_size_and_missing(munis: pd.DataFrame) -> None:
    p = _p([("a", 2024, "ghg", 5.0), ("b", 2024, "ghg", 1.0), ("c", 2024, "ghg", 3.0),
            ("d", 2024, "ghg", 3.0), ("e", 2024, "ghg", np.nan), ("a", 2023, "ghg", 0.0),
            ("a", 2024, "rec", 40.0), ("b", 2024, "rec", 60.0)])
    r = rank_peers(p, munis, ascending={"rec": False}).set_index(["indicator", "code"])
    g = r.loc["ghg"]
    assert g["rank_all"].tolist()[:4] == [4, 1, 2, 2]  # ties share the best rank
    assert g.loc["a", "n_all"] == 4 and pd.isna(g.loc["e", "rank_all"])
    assert g.loc["a", "pct_all"] == 100.0 and g.loc["c", "pct_all"] == 75.0
    assert g.loc["a", "rank_region"] == 3 and g.loc["d", "rank_region"] == 1 and g.loc["d", "n_region"] == 1
    assert g.loc["c", "rank_size"] == 1 and g.loc["c", "n_size"] == 3  # <5k: a 5, c 3, d 3
    assert (g["year"] == 2024).all()  # latest year by default, not 2023
    assert r.loc[("rec", "b"), "rank_all"] == 1  # higher is better for "rec"
    r23 = rank_peers(p, munis, "ghg", year=2023)
    assert r23["code"].tolist() == ["a"] and r23["rank_all"].item() == 1


def test_rank_peers_with_a_year_per_indicator_ranks_each_as_alone(munis: pd.DataFrame) -> None:
    p = _p([(c, y, ind, float(i * 7 % 5 + y - 2020)) for i, c in enumerate("abcde")
            for y in (2022, 2023, 2024) for ind in ("ghg", "rec", "pop")])
    years = {"ghg": 2023, "rec": 2024}  # "pop" has no year: left out
    together = rank_peers(p, munis, ["ghg", "rec", "pop"], year=years, ascending={"rec": False})
    assert set(together["indicator"]) == {"ghg", "rec"}
    for ind, year in years.items():
        alone = rank_peers(p, munis, ind, year=year, ascending={"rec": False})
        pd.testing.assert_frame_equal(together[together["indicator"] == ind].reset_index(drop=True), alone)


def test_municipality_attributes_size_class() -> None:
    key = pd.DataFrame({"code": ["a", "b", "c"], "region_code": ["01", "01", "02"]})
    p = _p([("a", 2024, "population", 4999.0), ("b", 2024, "population", 5000.0), ("a", 2023, "population", 1.0)])
    m = municipality_attributes(key, p).set_index("code")
    assert m.loc["a", "size_class"] == "<5k" and m.loc["b", "size_class"] == "5–10k"
    assert pd.isna(m.loc["c", "size_class"]) and (m["population_year"] == 2024).all()


def test_aggregates_sum_and_incomplete_regions(munis: pd.DataFrame) -> None:
    p = _p([(c, 2024, "x", v) for c, v in zip("abcde", [1.0, 2.0, 3.0, 4.0, 5.0])]
           + [(c, 2023, "x", v) for c, v in zip("abcd", [1.0, 2.0, 3.0, 4.0])])
    agg = aggregate_areas(p, munis, "x").set_index(["level", "code", "year"])
    assert agg.loc[("region", "01", 2024), "value"] == 6.0
    assert agg.loc[("region", "02", 2024), "value"] == 9.0
    assert agg.loc[("country", "SSS", 2024), "value"] == 15.0
    assert math.isnan(agg.loc[("region", "02", 2023), "value"])  # e missing in 2023
    assert agg.loc[("region", "02", 2023), "n_reported"] == 1 and agg.loc[("region", "02", 2023), "n_expected"] == 2
    assert agg.loc[("region", "01", 2023), "value"] == 6.0
    assert set(agg["status"]) == {"derived"}


def test_aggregates_need_region_column() -> None:
    with pytest.raises(RvanalyticsError, match="region_code"):
        aggregate_areas(_p([("a", 2024, "x", 1.0)]), pd.DataFrame({"code": ["a"]}), "x")


# ----------------------------------------------------------------------------- coverage

def test_theme_coverage_matrix() -> None:
    cat = pd.DataFrame({"theme": ["climate", "waste"]}, index=pd.Index(["ghg", "rec"], name="id"))
    cities = pd.DataFrame({"code": ["a", "b"], "key_measure_known": [True, False],
                           "key_measure_themes": [["transport"], []],
                           "key_problem_known": [True, True], "key_problem_themes": [["waste"], None]})
    targets = pd.DataFrame({"city_code": ["a", "b"], "theme": ["climate", "transport"]})
    p = _p([("a", 2024, "ghg", 1.0), ("b", 2024, "ghg", np.nan), ("b", 2024, "rec", 50.0)])
    m = theme_coverage(cat, cities, targets, p).set_index(["code", "theme"])
    assert set(m.index.get_level_values("theme")) == {"climate", "waste", "transport"}
    assert m.loc[("a", "climate"), "has_data"] and not m.loc[("b", "climate"), "has_data"]  # NaN is no data
    assert m.loc[("b", "waste"), "has_data"]
    assert m.loc[("a", "climate"), "has_target"] and m.loc[("b", "transport"), "has_target"]
    assert m.loc[("a", "transport"), "has_key_measure"] and not m.loc[("a", "climate"), "has_key_measure"]
    assert pd.isna(m.loc[("b", "transport"), "has_key_measure"])  # key measure unknown: unknown, not False
    assert m.loc[("a", "waste"), "has_key_problem"] and not m.loc[("b", "waste"), "has_key_problem"]
    no_lists = theme_coverage(cat, cities[["code"]], targets, p)
    assert no_lists["has_key_measure"].isna().all()


def test_freshness_and_missing_share() -> None:
    p = _p([("a", 2020, "x", 1.0), ("a", 2021, "x", np.nan), ("a", 2022, "x", 3.0),
            ("b", 2020, "x", 1.0), ("b", 2021, "y", 5.0)])
    f = data_freshness(p).set_index(["code", "indicator"])
    assert f.loc[("a", "x"), "latest_year"] == 2022 and f.loc[("a", "x"), "n_missing"] == 1
    assert f.loc[("b", "x"), "latest_year"] == 2020 and f.loc[("b", "y"), "first_year"] == 2021
    m = missing_share(p).set_index("indicator")
    # x: 2 codes x 3 years = 6 cells, 3 values present
    assert m.loc["x", "n_expected"] == 6 and m.loc["x", "n_present"] == 3 and m.loc["x", "share_missing"] == 0.5
    assert m.loc["y", "n_expected"] == 2 and m.loc["y", "share_missing"] == 0.5
    assert m.loc["(all)", "n_expected"] == 8 and m.loc["(all)", "n_missing"] == 4
    m3 = missing_share(p, ["a", "b", "c"], years=[2020]).set_index("indicator")
    assert m3.loc["x", "n_expected"] == 3 and m3.loc["x", "n_present"] == 2


# ----------------------------------------------------------------------------- composite

@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({"ghg": [2.0, 4.0, 6.0, 3.0], "rec": [50.0, 40.0, 60.0, np.nan]}, index=list("abcd"))


def test_composite_index_hand_case(table: pd.DataFrame) -> None:
    out = composite_index(table, directions={"ghg": -1})
    # ghg minmax (less is better): a 1, b 0.5, c 0, d 0.75; rec: a 0.5, b 0, c 1
    assert out.loc["a", "score"] == pytest.approx(0.75)
    assert out.loc["b", "score"] == pytest.approx(0.25)
    assert out.loc["c", "score"] == pytest.approx(0.5)
    assert math.isnan(out.loc["d", "score"]) and pd.isna(out.loc["d", "rank"]) and out.loc["d", "n_missing"] == 1
    assert out["rank"].dropna().tolist() == [1, 3, 2]
    w = composite_index(table, directions={"ghg": -1}, weights={"ghg": 0.0, "rec": 1.0})
    assert w.loc["c", "rank"] == 1
    g = composite_index(table, directions={"ghg": -1}, aggregation="geometric")
    assert g.loc["a", "score"] == pytest.approx(math.sqrt(100 * (1 + 99 * 0.5)))
    z = composite_index(table, normalisation="zscore", directions={"ghg": -1})
    assert z["rank"].dropna().tolist() == [1, 3, 2]
    with pytest.raises(ValueError, match="geometric"):
        composite_index(table, normalisation="zscore", aggregation="geometric")
    with pytest.raises(ValueError):
        composite_index(table, directions={"ghg": 2})


def test_composite_uncertainty_ranges(table: pd.DataFrame) -> None:
    u = composite_uncertainty(table, directions={"ghg": -1}, n_draws=500, seed=1)
    ok = u.dropna(subset=["median_rank"])
    assert list(ok.index) == ["a", "b", "c"]
    assert ((ok["rank_p05"] <= ok["median_rank"]) & (ok["median_rank"] <= ok["rank_p95"])).all()
    assert ok["rank_p05"].min() >= 1 and ok["rank_p95"].max() <= 3
    # c is best when recycling dominates, worst when emissions dominate: a wide range
    assert ok.loc["c", "rank_p05"] == 1 and ok.loc["c", "rank_p95"] == 3
    assert pd.isna(u.loc["d", "median_rank"])
    again = composite_uncertainty(table, directions={"ghg": -1}, n_draws=500, seed=1)
    pd.testing.assert_frame_equal(u, again)  # reproducible with the seed


def test_dominant_area_has_rank_one_in_every_draw() -> None:
    t = pd.DataFrame({"x": [10.0, 5.0, 1.0], "y": [10.0, 2.0, 5.0], "z": [9.0, 8.0, 1.0]}, index=list("abc"))
    u = composite_uncertainty(t, n_draws=300)
    assert u.loc["a", "rank_p05"] == u.loc["a", "rank_p95"] == 1


# ----------------------------------------------------------------------------- summaries

def test_city_metrics_and_all_metrics(munis: pd.DataFrame) -> None:
    years = range(2005, 2025)
    rows = []
    for i, c in enumerate("abcde"):
        for y in years:
            rows.append((c, y, "ghg_hinku_total_kt", 100.0 * (i + 1) * 0.97 ** (y - 2005)))
            rows.append((c, y, "population", 1000.0 * (i + 1)))
    p = _p(rows)
    cm = city_metrics(p, munis, ["b", "a"]).set_index(["code", "indicator"])
    row = cm.loc[("a", "ghg_hinku_total_kt")]
    assert row["since_year"] == 2005 and row["pct_change_since"] == pytest.approx(100 * (0.97**19 - 1))
    assert row["trend_pct"] == pytest.approx(-3.0) and row["trend_first_year"] == 2015
    assert row["rank_all"] == 1 and row["n_all"] == 5  # lowest emissions rank first
    assert cm.loc[("b", "population"), "rank_all"] == 4  # population ranks descending
    res = all_metrics(p, munis)
    assert {"per_capita", "index", "change", "cagr", "trend", "ranks", "aggregates", "decoupling", "freshness",
            "missing"} <= set(res)
    assert len(res["trend"]) == 10 and res["missing"].set_index("indicator").loc["(all)", "n_missing"] == 0
    assert res["aggregates"].query("level == 'country' and indicator == 'population'")["value"].iloc[0] == 15000.0


def test_catalogue_rules_and_directions(munis: pd.DataFrame) -> None:
    from rvanalytics.metrics import catalogue_rules

    cat = pd.DataFrame({"additive": [True, False, True], "numerator": [None, "tot", None],
                        "scale": [np.nan, 1000.0, np.nan],
                        "direction": ["neutral", "lower_is_better", "higher_is_better"]},
                       index=pd.Index(["population", "tot_pc", "tot"], name="id"))
    additive, pairs = catalogue_rules(cat)
    assert additive == ["population", "tot"] and pairs == {"tot_pc": ("tot", 1000.0)}
    rows = [(c, 2024, "tot", v) for c, v in zip("abcde", [1.0, 2.0, 3.0, 4.0, 5.0])]
    rows += [(c, 2024, "population", 10.0) for c in "abcde"]
    p = _p(rows)
    res = all_metrics(p, munis, catalogue=cat)
    assert res["ranks"].set_index(["indicator", "code"]).loc[("tot", "e"), "rank_all"] == 1  # higher is better
    pc = res["aggregates"].query("indicator == 'tot_pc' and level == 'country'")["value"].item()
    assert pc == pytest.approx(15.0 * 1000 / 50.0)
    cm = city_metrics(p, munis, ["a"], catalogue=cat).set_index("indicator")
    assert cm.loc["tot", "rank_all"] == 5


def test_theme_coverage_with_a_theme_map() -> None:
    cat = pd.DataFrame({"indicator": ["ghg"], "theme": ["energy"]})
    cities = pd.DataFrame({"code": ["a"]})
    targets = pd.DataFrame({"city_code": ["a"], "theme": ["climate"]})
    p = _p([("a", 2024, "ghg", 1.0)])
    plain = theme_coverage(cat, cities, targets, p).set_index("theme")
    assert plain.loc["energy", "has_data"] and not plain.loc["climate", "has_data"]
    mapped = theme_coverage(cat, cities, targets, p, theme_map={"energy": ["energy", "climate"]}).set_index("theme")
    assert mapped.loc["climate", "has_data"] and mapped.loc["climate", "has_target"]
