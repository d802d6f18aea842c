"""Property-based tests (hypothesis) of the metric invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rvanalytics.metrics import (
    TrackingThresholds,
    aggregate_areas,
    change_from_baseline,
    per_capita,
    track_targets,
    trend,
)

IND = "ghg_hinku_total_kt"
finite = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, st.integers(min_value=1, max_value=700_000)), min_size=1, max_size=30))
def test_per_capita_of_sum_is_population_weighted_mean(rows: list[tuple[float, int]]) -> None:
    codes = [f"{i:03d}" for i in range(len(rows))]
    panel = pd.DataFrame({
        "code": codes * 2, "year": 2024,
        "indicator": [IND] * len(rows) + ["population"] * len(rows),
        "value": [float(e) for e, _ in rows] + [float(p) for _, p in rows],
    })
    munis = pd.DataFrame({"code": codes, "region_code": "01"})
    agg = aggregate_areas(panel, munis, [IND, "population"], per_capita={"pc": (IND, 1000.0)})
    region_pc = agg.query("level == 'region' and indicator == 'pc'")["value"].item()
    country_pc = agg.query("level == 'country' and indicator == 'pc'")["value"].item()
    own = per_capita(panel, IND, scale=1000.0).set_index("code")["value"]
    pops = pd.Series([float(p) for _, p in rows], index=codes)
    weighted = float((own * pops).sum() / pops.sum())
    assert region_pc == pytest.approx(weighted, rel=1e-9, abs=1e-9)
    assert country_pc == pytest.approx(weighted, rel=1e-9, abs=1e-9)


@st.composite
def reduction_case(draw):
    base = draw(st.floats(min_value=1.0, max_value=1e4))
    pct = draw(st.floats(min_value=1.0, max_value=99.0))
    by = draw(st.integers(min_value=1990, max_value=2015))
    ty = draw(st.integers(min_value=by + 2, max_value=2060))
    n = draw(st.integers(min_value=1, max_value=25))
    factors = draw(st.lists(st.floats(min_value=0.01, max_value=3.0), min_size=n, max_size=n))
    years = list(range(by + 1, by + 1 + n))
    return base, pct, by, ty, years, [base * f for f in factors]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reduction_case(), st.sampled_from(["linear", "constant_rate"]), st.floats(min_value=0, max_value=50))
def test_never_on_track_above_the_trajectory(case, trajectory: str, gap: float) -> None:
    base, pct, by, ty, years, values = case
    panel = pd.DataFrame({"code": "x", "year": [by, *years], "indicator": IND, "value": [base, *values]})
    targets = pd.DataFrame([{"city_code": "x", "target_id": "t", "indicator": IND, "scope": "hinku",
                             "kind": "pct_reduction", "baseline_year": by, "baseline_value": np.nan,
                             "target_year": ty, "target_value": pct}])
    th = TrackingThresholds(trajectory=trajectory, behind_gap_pct=gap, max_data_age_years=None)
    r = track_targets(targets, panel, th).iloc[0]
    assert r["status"] in ("achieved", "on track", "behind", "off track", "not enough data")
    traj = r["trajectory_linear"] if trajectory == "linear" else r["trajectory_constant_rate"]
    if r["latest_value"] > traj:
        assert r["status"] != "on track"
    if r["latest_value"] <= r["target_level"]:
        assert r["status"] == "achieved"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), finite), min_size=2, max_size=12), st.data())
def test_missing_values_propagate_and_are_never_zero(values: list[float | None], data) -> None:
    n = len(values)
    codes = [f"{i:03d}" for i in range(n)]
    vals = [np.nan if v is None else v for v in values]
    pops = data.draw(st.lists(st.one_of(st.none(), st.integers(1, 10_000)), min_size=n, max_size=n))
    panel = pd.DataFrame({
        "code": codes * 2, "year": 2024, "indicator": [IND] * n + ["population"] * n,
        "value": vals + [np.nan if p is None else float(p) for p in pops],
    })
    munis = pd.DataFrame({"code": codes, "region_code": "01"})
    agg = aggregate_areas(panel, munis, [IND, "population"], per_capita={"pc": (IND, 1.0)}, country=False)
    total = agg.query("indicator == @IND")["value"].item()
    pc = agg.query("indicator == 'pc'")["value"].item()
    if any(math.isnan(v) for v in vals):
        assert math.isnan(total)
        assert math.isnan(pc)
    else:
        assert total == pytest.approx(sum(vals))
    if any(p is None for p in pops):
        assert math.isnan(pc)
    own = per_capita(panel, IND).set_index("code")["value"]
    for code, v, p in zip(codes, vals, pops):
        assert math.isnan(own[code]) == (math.isnan(v) or p is None)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0.1, max_value=1e4)), min_size=6, max_size=15))
def test_missing_years_are_skipped_not_zero(values: list[float | None]) -> None:
    years = list(range(2005, 2005 + len(values)))
    panel = pd.DataFrame({"code": "x", "year": years, "indicator": IND,
                          "value": [np.nan if v is None else v for v in values]})
    ch = change_from_baseline(panel, 2005).iloc[0]
    if values[0] is None:
        assert math.isnan(ch["pct_change"])
    present = [(y, v) for y, v in zip(years, values) if v is not None]
    if present:
        assert ch["latest_year"] == present[-1][0] and ch["latest_value"] == present[-1][1]
    tr = trend(panel, min_points=2).iloc[0]
    assert tr["n_points"] == len(present)


# ------------------------------------------------------------------ harmonise, then aggregate

def _keys():
    from rvanalytics.key import load_key

    return load_key(2020), load_key(2026)


@pytest.fixture(scope="module")
def keys(recorded_dir):
    return _keys()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_harmonise_then_aggregate_equals_aggregate_then_harmonise(keys, data) -> None:
    from rvanalytics.mergers import crosswalk, harmonise

    k20, k26 = keys
    codes = list(k20["code"])
    vals = data.draw(st.lists(st.floats(min_value=0, max_value=1e5), min_size=len(codes), max_size=len(codes)))
    holes = data.draw(st.lists(st.sampled_from(codes), max_size=3))
    vals = [np.nan if c in holes else v for c, v in zip(codes, vals)]
    table = pd.DataFrame({"code": codes, "year": 2020, "indicator": IND, "value": vals})
    # harmonise onto 2026, then aggregate with the 2026 regions
    moved = harmonise(table, 2020, 2026, value_columns=["value"], group_columns=["year", "indicator"]).table
    h_then_a = aggregate_areas(moved, k26[["code", "region_code"]], IND).set_index(["level", "code"])["value"]
    # aggregate the 2020 municipalities straight into the 2026 regions of their successors
    cw = crosswalk(2020, 2026)
    region_of = dict(zip(k26["code"], k26["region_code"]))
    members = pd.DataFrame({"code": cw["from_code"], "region_code": cw["to_code"].map(region_of)})
    a_then_h = aggregate_areas(table, members, IND).set_index(["level", "code"])["value"]
    assert set(h_then_a.index) == set(a_then_h.index)
    for idx in h_then_a.index:
        x, y = h_then_a[idx], a_then_h[idx]
        assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, rel=1e-12)
    if holes:
        assert math.isnan(h_then_a[("country", "SSS")])
