"""Target tracking on hand-made series: levels, trajectories, each status and each reason."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rvanalytics.metrics import TrackingThresholds, target_level, target_trajectories, track_targets

IND = "ghg_hinku_total_kt"


def _series(code: str, start: float, end: float, first: int = 2010, last: int = 2020, ind: str = IND) -> pd.DataFrame:
    years = np.arange(first, last + 1)
    vals = np.linspace(start, end, len(years))
    return pd.DataFrame({"level": "municipality", "code": code, "year": years, "indicator": ind, "value": vals,
                         "unit": "kt CO2e"})


def _target(code: str, **kw) -> dict:
    row = {"city_code": code, "city_name": None, "target_id": f"t-{code}", "theme": "climate", "indicator": IND,
           "scope": "hinku", "kind": "pct_reduction", "baseline_year": 2010, "baseline_value": np.nan,
           "target_year": 2030, "target_value": 50.0}
    row.update(kw)
    return row


def _track(panel: pd.DataFrame, targets: list[dict], th: TrackingThresholds | None = None) -> pd.DataFrame:
    t = pd.DataFrame(targets)
    t["baseline_year"] = pd.array(t["baseline_year"].tolist(), dtype="Int64")
    return track_targets(t, panel, th).set_index("city_code")


def test_levels_trajectories_and_statuses_of_a_reduction_target() -> None:
    panel = pd.concat([_series("ach", 100, 45), _series("on", 100, 70), _series("beh", 100, 80),
                       _series("off", 100, 99)])
    out = _track(panel, [_target(c) for c in ("ach", "on", "beh", "off")])
    assert (out["target_level"] == 50.0).all() and (out["baseline_value"] == 100.0).all()
    assert (out["baseline_source"] == "data").all() and (out["direction"] == "reduce").all()
    # linear trajectory at 2020: 100 + (50 - 100) * 10/20 = 75; constant rate: 100 * 0.5 ** 0.5
    assert out["trajectory_linear"].tolist() == pytest.approx([75.0] * 4)
    assert out["trajectory_constant_rate"].tolist() == pytest.approx([100 * 0.5**0.5] * 4)
    assert out.loc["beh", "gap"] == pytest.approx(5.0)
    assert out.loc["beh", "gap_pct"] == pytest.approx(100 * 5 / 75)
    # required rate from 80 (2020) to 50 (2030): (50/80)^(1/10) - 1
    assert out.loc["beh", "required_rate_pct"] == pytest.approx(100 * ((50 / 80) ** 0.1 - 1))
    assert out.loc["beh", "required_change_per_year"] == pytest.approx(-3.0)
    assert out["status"].to_dict() == {"ach": "achieved", "on": "on track", "beh": "behind", "off": "off track"}
    assert out["reason"].isna().all()
    assert out.loc["ach", "projected_year"] == 2020


def test_thresholds_are_tunable() -> None:
    panel = _series("beh", 100, 80)
    assert _track(panel, [_target("beh")]).loc["beh", "status"] == "behind"
    strict = TrackingThresholds(behind_gap_pct=5.0)
    assert _track(panel, [_target("beh")], strict).loc["beh", "status"] == "off track"
    # 72 is below the linear (75) but above the constant-rate trajectory (70.7)
    panel = _series("mid", 100, 72)
    assert _track(panel, [_target("mid")]).loc["mid", "status"] == "on track"
    assert _track(panel, [_target("mid")], TrackingThresholds(trajectory="constant_rate")).loc["mid", "status"] == "behind"
    with pytest.raises(ValueError):
        TrackingThresholds(trajectory="quadratic")


def test_projected_year_from_the_trend_and_behind_by_delay() -> None:
    years = np.arange(2011, 2021)
    vals = 100 * 0.95 ** (years - 2010)  # -5 %/yr from 95 in 2011 to 59.9 in 2020
    panel = pd.DataFrame({"code": "x", "year": [2010, *years], "indicator": IND, "value": [100.0, *vals]})
    row = _track(panel, [_target("x", target_value=70.0)]).loc["x"]  # level 30, linear at 2020: 65
    assert row["trend_pct"] == pytest.approx(-5.0)
    expected = 2020 + math.log(30 / vals[-1]) / math.log(0.95)
    assert row["projected_year"] == pytest.approx(expected)
    assert row["status"] == "on track"
    assert row["trend_pct_low"] <= row["trend_pct"] <= row["trend_pct_high"]


def test_increase_target_mirrors_the_comparisons() -> None:
    ind = "household_waste_recycling_rate_pct"
    panel = pd.concat([_series("up", 40, 50, 2015, 2020, ind), _series("slow", 40, 45, 2015, 2020, ind)])
    rows = [_target(c, indicator=ind, scope="other", kind="rate", baseline_year=2015, target_value=65.0)
            for c in ("up", "slow")]
    out = _track(panel, rows)
    assert (out["direction"] == "increase").all() and (out["target_level"] == 65.0).all()
    assert out.loc["up", "trajectory_linear"] == pytest.approx(40 + 25 * 5 / 15)
    assert out.loc["up", "status"] == "on track"
    assert out.loc["slow", "status"] == "behind"
    assert out.loc["up", "required_rate_pct"] > 0


def test_reasons_instead_of_a_status() -> None:
    panel = _series("a", 100, 80)
    rows = [
        _target("a", target_id="qual", kind="qualitative", target_value=np.nan),
        _target("a", target_id="nan", target_value=np.nan),
        _target("a", target_id="noind", indicator=None),
        _target("a", target_id="nodata", indicator="consumption_footprint_per_capita_t", scope="consumption_based"),
        _target("a", target_id="scope", scope="city_inventory"),
        _target("a", target_id="nobase", baseline_year=pd.NA),
        _target("zzz", target_id="nocity"),
    ]
    out = _track(panel, rows, TrackingThresholds(strict_scope=True)).set_index("target_id")
    assert out["status"].isna().all()
    assert out.loc["qual", "reason"] == "no numeric target value"
    assert out.loc["nan", "reason"] == "no numeric target value"
    assert "no indicator" in out.loc["noind", "reason"]
    assert out.loc["nodata", "reason"] == "no data for indicator consumption_footprint_per_capita_t for this city"
    assert out.loc["nocity", "reason"] == f"no data for indicator {IND} for this city"
    assert out.loc["scope", "reason"] == ("target scope city_inventory differs from data scope hinku "
                                          "(indicative status withheld: strict scope)")
    assert not out.loc["scope", "scope_matches"]
    # the numbers are still there, for orientation
    assert out.loc["scope", "target_level"] == 50.0 and out.loc["scope", "gap"] == pytest.approx(5.0)
    assert "no baseline year" in out.loc["nobase", "reason"]
    allowed = _track(panel, [rows[4]]).iloc[0]  # the default gives the indicative status
    assert allowed["status"] == "behind" and allowed["basis"] == "indicative"


def test_not_enough_data_and_passed_target_year() -> None:
    panel = pd.concat([
        _series("old", 100, 90, 2010, 2012),
        _series("new", 100, 80, 2010, 2022),
        _series("only", 100, 100, 2010, 2010),
        _series("late", 100, 60, 2010, 2031),
        _series("gap", 100, 80, 2011, 2020),
    ])
    rows = [_target(c) for c in ("old", "new", "only", "late", "gap")]
    out = _track(panel, rows)
    assert out.loc["old", "status"] == "not enough data" and "older" in out.loc["old", "reason"]
    assert out.loc["only", "status"] == "not enough data"
    assert out.loc["late", "status"] == "off track" and "has passed" in out.loc["late", "note"]
    assert math.isnan(out.loc["late", "required_rate_pct"])
    assert out.loc["gap", "status"] == "not enough data" and "baseline year 2010" in out.loc["gap", "reason"]
    no_age = _track(panel, rows, TrackingThresholds(max_data_age_years=None))
    assert no_age.loc["old", "status"] != "not enough data"


def test_profile_baseline_and_absolute_and_zero_level() -> None:
    panel = _series("a", 100, 80)
    rows = [_target("a", target_id="abs", kind="absolute", target_value=60.0, baseline_value=120.0),
            _target("a", target_id="zero", kind="carbon_neutrality", target_value=100.0)]
    out = _track(panel, rows).set_index("target_id")
    assert out.loc["abs", "baseline_source"] == "profile" and out.loc["abs", "baseline_value"] == 120.0
    assert out.loc["abs", "trajectory_linear"] == pytest.approx(120 - 60 * 10 / 20)
    assert out.loc["zero", "target_level"] == 0.0
    assert math.isnan(out.loc["zero", "required_rate_pct"]) and math.isnan(out.loc["zero", "trajectory_constant_rate"])
    assert out.loc["zero", "required_change_per_year"] == pytest.approx(-8.0)


def test_target_level_and_trajectory_table() -> None:
    assert target_level("pct_reduction", 80, 1000.0) == pytest.approx(200.0)
    assert target_level("absolute", 12.5, 99.0) == 12.5
    panel = _series("a", 100, 80)
    tracked = track_targets(pd.DataFrame([_target("a")]), panel)
    traj = target_trajectories(tracked, panel)
    assert traj["year"].tolist() == list(range(2010, 2031))
    assert traj["linear"].iloc[0] == 100.0 and traj["linear"].iloc[-1] == pytest.approx(50.0)
    assert traj["constant_rate"].iloc[-1] == pytest.approx(50.0)
    assert traj.set_index("year").loc[2020, "actual"] == pytest.approx(80.0)
    assert math.isnan(traj.set_index("year").loc[2025, "actual"])
