"""Benchmark: the exact cohort optimiser (scipy milp / HiGHS) on all municipalities of 2023,
cohort sizes k = 5..10, with and without "one city per region", plus runner-ups.

    .venv/bin/python benchmarks/bench_cohort.py
"""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd

from rvanalytics.cohort import build_candidates, select_cohort
from rvanalytics.paths import recorded_dir


def candidates() -> pd.DataFrame:
    """All 309 municipalities of 2023 (boundaries via the store when built, else the recorded NLS file)."""
    base = recorded_dir()
    raw = pd.read_csv(base / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
    raw = raw[raw["year"] == 2022]
    pop = pd.Series(raw["primary.value"].to_numpy(float),
                    index=raw["municipality_code"].astype(int).astype(str).str.zfill(3))
    try:
        from rvanalytics.boundaries import load_municipalities

        munis = load_municipalities(2023)
    except Exception:  # noqa: BLE001 - no store: read the recorded file directly
        from rvanalytics.key import load_key

        g = gpd.read_file(base / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json").to_crs(3067)
        key = load_key(2023)
        munis = g.rename(columns={"NATCODE": "code", "LANDAREA": "land_area_km2"})[["code", "land_area_km2", "geometry"]]
        munis = munis.merge(key[["code", "name_fi", "region_code", "region_name_fi"]], on="code")
    return build_candidates(munis, pop)


def main() -> None:
    cands = candidates()
    print(f"{len(cands)} municipalities, {cands['region_code'].nunique()} regions")
    print(f"{'k':>3} {'one/region':>11} {'seconds':>8} {'objective':>10} {'regions':>8}")
    total = 0.0
    for one in (True, False):
        for k in range(5, 11):
            start = time.perf_counter()
            sel = select_cohort(cands, min_size=k, max_size=k, one_per_region=one, runners_up=0)
            dt = time.perf_counter() - start
            total += dt
            print(f"{k:>3} {one!s:>11} {dt:>8.3f} {sel.score:>10.4f} {sel.regions_covered:>5}/19")
    start = time.perf_counter()
    sel = select_cohort(cands, min_size=5, max_size=10, runners_up=3)
    with_runners = time.perf_counter() - start
    print(f"sum of the 12 solves: {total:.2f} s")
    print(f"--min 5 --max 10 with 3 runner-ups (4 solves): {with_runners:.2f} s")


if __name__ == "__main__":
    main()
