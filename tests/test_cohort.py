"""Tests of the cohort optimiser: hand-solvable cases, brute force, the real 2023 division, CLI."""

from __future__ import annotations

import itertools
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rvanalytics.cohort import (
    TEN_CITY_COHORT,
    CohortError,
    CohortWeights,
    brute_force,
    build_candidates,
    evaluate_cohort,
    population_from_panel,
    read_scores,
    select_cohort,
)
from rvanalytics.exceptions import DataFileError, RvanalyticsError

ONLY_POP = CohortWeights(regions=0, population=1, region_population=0, spread=0, action=0)
ONLY_REGIONS = CohortWeights(regions=1, population=0.01, region_population=0, spread=0, action=0)


def small() -> pd.DataFrame:
    """Three cities: A and B (region 01) are big, C (region 02) is small and 500 km away."""
    return pd.DataFrame(
        {
            "code": ["001", "002", "003"],
            "name": ["A", "B", "C"],
            "region_code": ["01", "01", "02"],
            "population": [100.0, 90.0, 20.0],
            "x": [0.0, 10_000.0, 500_000.0],
            "y": [0.0, 0.0, 0.0],
        }
    )


# ---------------------------------------------------------------- hand cases


def test_population_only_without_region_limit_takes_the_two_biggest():
    sel = select_cohort(small(), min_size=2, max_size=2, one_per_region=False, weights=ONLY_POP, runners_up=0)
    assert sorted(sel.codes) == ["001", "002"]
    assert sel.score == pytest.approx(190 / 210)


def test_one_per_region_forces_the_other_region():
    sel = select_cohort(small(), min_size=2, max_size=2, one_per_region=True, weights=ONLY_POP, runners_up=0)
    assert sorted(sel.codes) == ["001", "003"]
    assert sel.regions_covered == 2


def test_region_weight_beats_population_without_the_constraint():
    sel = select_cohort(small(), min_size=2, max_size=2, one_per_region=False, weights=ONLY_REGIONS, runners_up=0)
    # regions 2/2 (+1) with 120/210 population beats 1/2 with 190/210
    assert sorted(sel.codes) == ["001", "003"]
    assert sel.score == pytest.approx(1.0 + 0.01 * 120 / 210)


def test_spread_prefers_distant_cities():
    cands = pd.DataFrame(
        {"code": ["001", "002", "003"], "region_code": ["01"] * 3, "population": [1.0, 1.0, 1.0],
         "x": [0.0, 50_000.0, 300_000.0], "y": [0.0, 0.0, 0.0], "area_km2": [10.0, 10.0, 10.0]}
    )
    w = CohortWeights(regions=0, population=0, region_population=0, spread=1, action=0)
    sel = select_cohort(cands, min_size=2, max_size=2, one_per_region=False, weights=w, runners_up=0, reach_km=100)
    # 001 and 002 reach each other (50 km), so one of them plus 003 reaches all three
    assert "003" in sel.codes
    assert sel.components["spread"] == pytest.approx(1.0)


def test_include_exclude_and_min_population():
    sel = select_cohort(small(), min_size=1, max_size=2, one_per_region=False, weights=ONLY_POP,
                        exclude=["001"], runners_up=0)
    assert sorted(sel.codes) == ["002", "003"]
    sel = select_cohort(small(), min_size=1, max_size=1, weights=ONLY_POP, include=["003"], runners_up=0)
    assert sel.codes == ["003"]
    sel = select_cohort(small(), min_size=1, max_size=3, one_per_region=False, weights=ONLY_POP,
                        min_population=50, runners_up=0)
    assert sorted(sel.codes) == ["001", "002"]


def test_action_scores_change_the_choice():
    cands = small().assign(score=[0.0, 10.0, np.nan])
    w = CohortWeights(regions=0, population=0.1, region_population=0, spread=0, action=1)
    sel = select_cohort(cands, min_size=1, max_size=1, weights=w, runners_up=0)
    assert sel.codes == ["002"]
    assert any("no action score" in n for n in sel.notes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"include": ["001"], "exclude": ["001"]}, "both included and excluded"),
        ({"include": ["001", "002"]}, "share region"),
        ({"include": ["999"]}, "not municipalities"),
        ({"min_size": 3, "max_size": 3}, "no cohort satisfies"),
        ({"min_size": 3, "max_size": 2}, "min_size"),
        ({"include": ["003"], "min_population": 50}, "minimum population"),
        ({"min_population": 1000}, "eligible"),
    ],
)
def test_inconsistent_constraints_raise(kwargs, message):
    args = {"min_size": 1, "max_size": 2, "one_per_region": True} | kwargs
    with pytest.raises(CohortError, match=message):
        select_cohort(small(), **args)


def test_bad_candidates_raise():
    with pytest.raises(CohortError, match="lack column"):
        select_cohort(small().drop(columns="x"))
    with pytest.raises(CohortError, match="more than once"):
        select_cohort(pd.concat([small(), small().iloc[:1]]))
    with pytest.raises(CohortError, match="weight"):
        CohortWeights(regions=-1)
    assert issubclass(CohortError, RvanalyticsError)


def test_runners_up_are_distinct_and_match_enumeration():
    rng = np.random.default_rng(7)
    n = 8
    cands = pd.DataFrame(
        {"code": [f"{i:03d}" for i in range(1, n + 1)], "region_code": [f"{i % 3:02d}" for i in range(n)],
         "population": rng.integers(1_000, 100_000, n).astype(float),
         "x": rng.uniform(0, 600_000, n), "y": rng.uniform(0, 1_000_000, n), "area_km2": rng.uniform(100, 5000, n)}
    )
    sel = select_cohort(cands, min_size=2, max_size=3, one_per_region=False, runners_up=4)
    found = [sorted(sel.codes)] + [sorted(u.codes) for u in sel.runners_up]
    assert len({tuple(f) for f in found}) == 5
    scores = [sel.score] + [u.score for u in sel.runners_up]
    assert scores == sorted(scores, reverse=True)
    # all subsets scored by enumeration: the five best scores must be ours
    allscores = sorted(
        (evaluate_cohort(cands, c, max_size=3)[0] for k in (2, 3) for c in itertools.combinations(cands["code"], k)),
        reverse=True,
    )
    assert scores == pytest.approx(allscores[:5], abs=1e-7)


def test_marginal_contributions_are_the_score_lost():
    sel = select_cohort(small(), min_size=2, max_size=2, runners_up=0)
    for row in sel.cities.itertuples():
        rest = [c for c in sel.codes if c != row.code]
        without, _ = evaluate_cohort(small(), rest, max_size=2)
        assert row.adds_score == pytest.approx(sel.score - without)
    text = sel.explain()
    assert "Regions covered: 2/2" in text and "What each city adds" in text


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_candidates(recorded_dir: Path, cohort_store: Path) -> pd.DataFrame:
    from rvanalytics.boundaries import load_municipalities
    from rvanalytics.key import load_key

    munis = load_municipalities(2023, store=cohort_store)
    pop = sotkanet_population(recorded_dir, 2022)
    return build_candidates(munis, pop, key=load_key(2023, store=cohort_store))


def sotkanet_population(recorded_dir: Path, year: int) -> pd.Series:
    raw = pd.read_csv(recorded_dir / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
    raw = raw[raw["year"] == year]
    return pd.Series(raw["primary.value"].to_numpy(float),
                     index=raw["municipality_code"].astype(int).astype(str).str.zfill(3))


@pytest.fixture(scope="module")
def cohort_store(tmp_path_factory: pytest.TempPathFactory, recorded_dir: Path) -> Path:
    """A store with real boundaries and key; the panel is the recorded Sotkanet population only."""
    from rvanalytics.store import build_store

    def panel_builder(*, division_year, offline, progress, extra_tables, keys):
        raw = pd.read_csv(recorded_dir / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
        panel = pd.DataFrame({
            "level": "municipality", "code": raw["municipality_code"].astype(int).astype(str).str.zfill(3),
            "year": raw["year"].astype(int), "indicator": "population", "value": raw["primary.value"].astype(float),
            "unit": "persons", "source": "thl_sotkanet", "status": "", "division_year": division_year})
        flags = pd.DataFrame({"file": pd.Series(dtype=str), "row": pd.Series(dtype=int), "reason": pd.Series(dtype=str)})
        return types.SimpleNamespace(panel=panel, flags=flags, sources=[])

    path = tmp_path_factory.mktemp("cohort_store") / "store"
    build_store(path, offline=True, progress=False, division_year=2023, panel_builder=panel_builder)
    return path


def test_real_2023_ten_cities_one_per_region(real_candidates):
    assert len(real_candidates) == 309
    start = time.perf_counter()
    sel = select_cohort(real_candidates, min_size=5, max_size=10, runners_up=2)
    assert time.perf_counter() - start < 20
    assert len(sel.codes) == 10  # every term is increasing in the cohort, so the maximum size is used
    assert sel.regions_covered == 10
    assert sel.cities["region_code"].is_unique
    assert sel.components["n_regions"] == 19
    # the optimum is at least as good as the hand-picked cohort and as a greedy cohort
    free = select_cohort(real_candidates, min_size=10, max_size=10, one_per_region=False, runners_up=0)
    ten, _ = evaluate_cohort(real_candidates, TEN_CITY_COHORT)
    assert free.score >= ten - 1e-9
    assert sel.score >= _greedy(real_candidates, 10) - 1e-9
    assert all(u.score <= sel.score + 1e-9 for u in sel.runners_up)


def test_real_2023_min_population_and_include(real_candidates):
    sel = select_cohort(real_candidates, min_size=5, max_size=8, min_population=50_000, include=["167"],
                        runners_up=1)
    assert "167" in sel.codes
    pops = real_candidates.set_index("code").loc[sel.codes, "population"]
    assert (pops >= 50_000).all()


def test_real_subset_matches_brute_force(real_candidates):
    big = real_candidates.nlargest(14, "population")
    sub = real_candidates.assign(eligible=real_candidates["code"].isin(big["code"]))
    for opr in (True, False):
        sel = select_cohort(sub, min_size=2, max_size=4, one_per_region=opr, runners_up=0)
        best, codes = brute_force(sub, min_size=2, max_size=4, one_per_region=opr)
        assert sel.score == pytest.approx(best, abs=1e-9)
        assert sorted(sel.codes) == codes


def _greedy(cands: pd.DataFrame, k: int) -> float:
    """Greedy cohort (one per region): add the city that raises the objective most."""
    from rvanalytics.cohort.model import build_model, check_candidates, components, objective

    model = build_model(check_candidates(cands), 100.0, k)
    weights = CohortWeights()
    chosen = np.zeros(len(model.codes), dtype=bool)
    for _ in range(k):
        used = set(model.region_index[chosen])
        best = None
        for i in range(len(chosen)):
            if chosen[i] or model.region_index[i] in used:
                continue
            chosen[i] = True
            s = objective(components(model, chosen), weights)
            chosen[i] = False
            if best is None or s > best[0]:
                best = (s, i)
        chosen[best[1]] = True
    return objective(components(model, chosen), weights)


def test_population_from_panel_picks_latest_complete_year():
    panel = pd.DataFrame({
        "level": "municipality", "code": ["001", "002", "001", "002"], "year": [2020, 2020, 2021, 2021],
        "indicator": "population", "value": [1.0, 2.0, 3.0, np.nan]})
    pop, year = population_from_panel(panel, ["001", "002"])
    assert year == 2020 and pop.tolist() == [1.0, 2.0]
    with pytest.raises(CohortError, match="missing"):
        population_from_panel(panel, ["001", "002"], year=2021)
    with pytest.raises(CohortError, match="covers all"):
        population_from_panel(panel, ["001", "003"])


# ---------------------------------------------------------------- scores file and CLI


def test_read_scores(tmp_path: Path):
    good = tmp_path / "s.csv"
    good.write_text("code,score\n91,2\n049,1.5\n", encoding="utf-8")
    assert read_scores(good).to_dict() == {"091": 2.0, "049": 1.5}
    bad = tmp_path / "bad.csv"
    bad.write_text("code,score\n091,1\n049,-3\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_scores(bad)
    assert err.value.row == 3 and err.value.column == "score" and "bad.csv" in str(err.value)
    with pytest.raises(DataFileError, match="column 'score'"):
        (tmp_path / "c.csv").write_text("code,points\n091,1\n", encoding="utf-8")
        read_scores(tmp_path / "c.csv")


def test_cli_cohort_select(cohort_store: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app

    scores = tmp_path / "scores.csv"
    scores.write_text("code,score\n167,5\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "cohort", "select", "--min", "5", "--max", "6", "--min-population", "50000", "--include", "091",
        "--exclude", "049,092", "--scores", str(scores), "--runners-up", "2", "--year", "2023",
        "--store", str(cohort_store)])
    assert result.exit_code == 0, result.output
    assert "Proposed cohort: 6 cities" in result.output
    assert "Runner-up cohorts" in result.output
    assert "Helsinki" in result.output and "Joensuu" in result.output  # included; top action score
    assert "Espoo" not in result.output.split("Runner-up")[0]
    result = CliRunner().invoke(app, ["cohort", "select", "--help"])
    assert result.exit_code == 0 and "--one-per-region" in result.output


def test_cli_cohort_select_without_store(tmp_path: Path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app
    from rvanalytics.exceptions import StoreError

    result = CliRunner().invoke(app, ["cohort", "select", "--store", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert isinstance(result.exception, StoreError)
    assert "rvanalytics data build" in str(result.exception)


def test_population_from_panel_refuses_another_division():
    panel = pd.DataFrame({"level": "municipality", "code": ["001"], "year": [2020], "indicator": "population",
                          "value": [1.0], "division_year": [2026]})
    with pytest.raises(CohortError, match="2026 municipal division"):
        population_from_panel(panel, ["001"], division_year=2023)
    assert population_from_panel(panel, ["001"], division_year=2026)[1] == 2020
