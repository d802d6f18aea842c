"""Metrics on the recorded Syke ALas data of North Karelia: the worked examples of docs/metrics.md."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.metrics import (
    TrackingThresholds,
    aggregate_areas,
    cagr,
    change_from_baseline,
    decoupling,
    per_capita,
    track_targets,
    trend,
)

NK = "syke-alas-north-karelia-municipalities/north_karelia_emissions_totals.csv"


@pytest.fixture(scope="module")
def nk_panel(recorded_dir: Path) -> pd.DataFrame:
    """The 13 municipalities' Hinku totals and populations in the panel shape."""
    raw = pd.read_csv(recorded_dir / NK, dtype={"kunta": str})
    parts = []
    for col, ind, unit in (("khk_yhteensa_kt_co2e", "ghg_hinku_total_kt", "kt CO2e"),
                           ("khk_t_co2e_per_asukas", "ghg_hinku_per_capita_t", "t CO2e/person"),
                           ("asukasluku", "population", "persons")):
        parts.append(pd.DataFrame({"level": "municipality", "code": raw["kunta"], "year": raw["vuosi"].astype("int64"),
                                   "indicator": ind, "value": raw[col].astype("float64"), "unit": unit,
                                   "source": "syke_alas_hinku", "status": "", "division_year": 2026}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def joensuu_target() -> pd.DataFrame:
    """Joensuu's target as in data/cities/167-joensuu.yaml (-60 % from 2007 by 2025)."""
    return pd.DataFrame([{
        "city_code": "167", "city_name": "Joensuu", "target_id": "jns-cn-2025", "theme": "climate",
        "indicator": "ghg_hinku_total_kt", "scope": "city_inventory", "kind": "carbon_neutrality",
        "baseline_year": pd.NA, "baseline_value": float("nan"), "target_year": 2025, "target_value": 60.0,
    }]).assign(baseline_year=lambda d: pd.array([2007], dtype="Int64"))


def test_panel_shape(nk_panel: pd.DataFrame) -> None:
    assert nk_panel["code"].nunique() == 13
    assert sorted(nk_panel["year"].unique())[:2] == [1990, 2005]


def test_worked_example_joensuu_change_2007_2024(nk_panel: pd.DataFrame) -> None:
    row = change_from_baseline(nk_panel, 2007, "ghg_hinku_total_kt").set_index("code").loc["167"]
    assert row["baseline_value"] == 574.9 and row["latest_year"] == 2024 and row["latest_value"] == 275.4
    assert row["abs_change"] == pytest.approx(-299.5)
    assert row["pct_change"] == pytest.approx(-52.10, abs=0.005)
    pace = cagr(nk_panel, 2007, 2024, "ghg_hinku_total_kt").set_index("code").loc["167", "cagr_pct"]
    assert pace == pytest.approx(-4.24, abs=0.005)
    assert 100 * (0.4 ** (1 / 18) - 1) == pytest.approx(-4.96, abs=0.005)  # the whole path, in the docs


def test_worked_example_joensuu_target(nk_panel: pd.DataFrame, joensuu_target: pd.DataFrame) -> None:
    strict = track_targets(joensuu_target, nk_panel, TrackingThresholds(strict_scope=True)).iloc[0]
    assert pd.isna(strict["status"]) and strict["basis"] is None
    assert strict["reason"] == ("target scope city_inventory differs from data scope hinku "
                                "(indicative status withheld: strict scope)")
    assert strict["target_level"] == pytest.approx(229.96)  # 574.9 * (1 - 0.60)
    assert strict["required_rate_pct"] == pytest.approx(-16.50, abs=0.005)  # 229.96 / 275.4 - 1
    assert strict["required_change_per_year"] == pytest.approx(-45.44)
    assert strict["trajectory_linear"] == pytest.approx(574.9 - 344.94 * 17 / 18)  # 249.12
    assert strict["gap"] == pytest.approx(275.4 - 249.1233, abs=1e-3)
    assert strict["gap_pct"] == pytest.approx(10.55, abs=0.005)
    assert strict["trajectory_constant_rate"] == pytest.approx(574.9 * 0.4 ** (17 / 18))
    indicative = track_targets(joensuu_target, nk_panel).iloc[0]  # the default: indicative status
    # gap 10.55 % > 10 % and the 2015-2024 trend reaches 229.96 kt only after 2025 + 2
    assert indicative["projected_year"] == pytest.approx(2027.25, abs=0.01)
    assert indicative["status"] == "off track" and indicative["basis"] == "indicative"
    assert indicative["change_since_baseline_pct"] == pytest.approx(-52.1, abs=0.05)
    loose = TrackingThresholds(behind_gap_pct=11.0)
    assert track_targets(joensuu_target, nk_panel, loose).iloc[0]["status"] == "behind"


def test_joensuu_trend_matches_scipy(nk_panel: pd.DataFrame) -> None:
    import numpy as np
    from scipy import stats

    tr = trend(nk_panel, "ghg_hinku_total_kt", last_n_years=10, alpha=0.9).set_index("code").loc["167"]
    j = nk_panel.query("code == '167' and indicator == 'ghg_hinku_total_kt' and year >= 2015")
    ref = stats.theilslopes(np.log(j["value"]), j["year"], alpha=0.9)
    assert tr["annual_pct"] == pytest.approx(100 * np.expm1(ref.slope))
    assert tr["annual_pct"] == pytest.approx(-5.40, abs=0.005)
    assert tr["first_year"] == 2015 and tr["n_points"] == 10


def test_worked_example_north_karelia_aggregate(nk_panel: pd.DataFrame) -> None:
    munis = pd.DataFrame({"code": sorted(nk_panel["code"].unique()), "region_code": "12"})
    agg = aggregate_areas(nk_panel, munis, ["ghg_hinku_total_kt", "population"],
                          per_capita={"ghg_hinku_per_capita_t": ("ghg_hinku_total_kt", 1000.0)}, country=False)
    a = agg[agg["year"] == 2024].set_index("indicator")["value"]
    assert a["ghg_hinku_total_kt"] == pytest.approx(937.2)  # PROVENANCE.md: 2024 sum of municipalities
    assert a["population"] == 162_091
    assert a["ghg_hinku_per_capita_t"] == pytest.approx(937.2 * 1000 / 162_091)  # 5.78 t
    mean_of_rates = nk_panel.query("year == 2024 and indicator == 'ghg_hinku_per_capita_t'")["value"].mean()
    assert mean_of_rates == pytest.approx(8.85, abs=0.005)  # what averaging rates would wrongly give
    assert mean_of_rates / a["ghg_hinku_per_capita_t"] == pytest.approx(1.53, abs=0.005)
    # re-derived per capita equals the population-weighted mean of the municipalities' own quotients
    pc = per_capita(nk_panel, "ghg_hinku_total_kt", scale=1000).query("year == 2024")
    pop = nk_panel.query("year == 2024 and indicator == 'population'").set_index("code")["value"]
    weighted = (pc.set_index("code")["value"] * pop).sum() / pop.sum()
    assert weighted == pytest.approx(a["ghg_hinku_per_capita_t"])


def test_worked_example_joensuu_decoupling(nk_panel: pd.DataFrame) -> None:
    row = decoupling(nk_panel, 2007, 2024).set_index("code").loc["167"]
    assert row["pressure_pct"] == pytest.approx(-52.10, abs=0.005)
    assert row["driver_pct"] == pytest.approx(100 * (78_741 / 72_105 - 1))  # +9.20 %
    assert row["elasticity"] == pytest.approx(-5.7, abs=0.05)
    assert row["tapio_class"] == "strong decoupling"
    classes = decoupling(nk_panel, 2007, 2024)["tapio_class"]
    assert classes.notna().all()


def test_worked_example_joensuu_network_target(nk_panel: pd.DataFrame, recorded_dir) -> None:
    """docs/metrics.md: the FISU network's -60 % / -80 % from 2007 by 2030 for Joensuu, same scope."""
    from rvanalytics.network import fisu_members, network_targets, read_fisu_network, read_fisu_targets

    members = fisu_members(read_fisu_network(recorded_dir / "city-key-measures/fisu_network.csv"))
    targets = network_targets(members[members["code"] == "167"],
                              read_fisu_targets(recorded_dir / "city-key-measures/fisu_network_targets.csv"))
    out = track_targets(targets, nk_panel).set_index("target_id")
    assert out.loc["fisu-ghg-2030", "trajectory_linear"] == pytest.approx(574.9 - 344.94 * 17 / 23)
    assert out.loc["fisu-ghg-2030", "gap_pct"] == pytest.approx(-13.92, abs=0.005)
    assert out.loc["fisu-ghg-2030", ["status", "basis"]].tolist() == ["on track", "same scope"]
    assert out.loc["fisu-ghg-2030-recommended", "target_level"] == pytest.approx(574.9 * 0.2)
    assert out.loc["fisu-ghg-2030-recommended", "gap_pct"] == pytest.approx(17.21, abs=0.005)
    assert out.loc["fisu-ghg-2030-recommended", "status"] == "off track"
