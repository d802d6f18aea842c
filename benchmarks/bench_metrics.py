"""Benchmark: all metrics for every municipality and indicator of a panel, at 1x, 4x and 16x.

Uses the store's panel when ``rvanalytics.store.load_panel`` works, else a synthetic
panel of the real size (309 municipalities x 25 years x 25 indicators). The panel is
replicated by copying the municipalities under new codes (4x, 16x: more areas, same
years and indicators). Prints the time of each size and the growth ratios.

Run: .venv/bin/python benchmarks/bench_metrics.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from rvanalytics.metrics import ADDITIVE_INDICATORS, all_metrics


def synthetic_panel(n_codes: int = 309, years: range = range(2000, 2025), n_indicators: int = 25,
                    seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A panel of the real shape with random but plausible values (about 3 % missing)."""
    rng = np.random.default_rng(seed)
    codes = [f"{i:03d}" for i in range(1, n_codes + 1)]
    inds = ["population", *[i for i in ADDITIVE_INDICATORS if i != "population"]][:n_indicators]
    inds += [f"extra_{k}" for k in range(n_indicators - len(inds))]
    idx = pd.MultiIndex.from_product([codes, list(years), inds], names=["code", "year", "indicator"]).to_frame(index=False)
    base = rng.lognormal(3, 1, size=(n_codes, len(inds)))
    drift = rng.normal(-0.02, 0.02, size=(n_codes, len(inds)))
    ci = idx["code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
    ii = idx["indicator"].map({c: i for i, c in enumerate(inds)}).to_numpy()
    t = idx["year"].to_numpy() - years[0]
    val = base[ci, ii] * np.exp(drift[ci, ii] * t + rng.normal(0, 0.03, len(idx)))
    val[rng.random(len(idx)) < 0.03] = np.nan
    panel = idx.assign(level="municipality", value=val, unit="u", source="synthetic",
                       status=np.where(np.isnan(val), "..", ""), division_year=2026)
    panel = panel[["level", "code", "year", "indicator", "value", "unit", "source", "status", "division_year"]]
    munis = pd.DataFrame({"code": codes, "region_code": [f"{(i % 19) + 1:02d}" for i in range(n_codes)],
                          "size_class": rng.choice(["<5k", "5–10k", "10–20k", "20–50k", "50–100k", ">100k"], n_codes)})
    return panel, munis


def real_panel(store: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The store's panel and municipality attributes, or None when there is no store."""
    try:
        from rvanalytics.key import load_key
        from rvanalytics.metrics import municipality_attributes
        from rvanalytics.store import DEFAULT_DIVISION_YEAR, load_panel

        panel = load_panel(store)
        key = load_key(int(panel["division_year"].max()) if len(panel) else DEFAULT_DIVISION_YEAR, store=store)
        return panel, municipality_attributes(key, panel)
    except Exception as err:  # noqa: BLE001 - any failure means: use the synthetic panel
        print(f"(no real panel: {err}; using a synthetic panel)", file=sys.stderr)
        return None


def replicate(panel: pd.DataFrame, munis: pd.DataFrame, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``k`` copies of the municipalities under new codes (copy j: prefix j)."""
    if k == 1:
        return panel, munis
    ps, ms = [], []
    for j in range(k):
        ps.append(panel.assign(code=f"{j}_" + panel["code"]))
        ms.append(munis.assign(code=f"{j}_" + munis["code"]))
    return pd.concat(ps, ignore_index=True), pd.concat(ms, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is reported)")
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic panel even if a store exists")
    parser.add_argument("--store", default=None, help="store folder (default: RVANALYTICS_STORE or the user cache)")
    args = parser.parse_args()
    got = None if args.synthetic else real_panel(args.store)
    kind = "real store panel" if got else "synthetic panel"
    panel, munis = got or synthetic_panel()
    panel = panel[panel["level"] == "municipality"]
    print(f"{kind}: {panel['code'].nunique()} municipalities x {panel['year'].nunique()} years x "
          f"{panel['indicator'].nunique()} indicators = {len(panel):,} rows")
    catalogue = None
    if got:
        try:
            from rvanalytics.indicators import indicator_catalogue

            catalogue = indicator_catalogue()
        except Exception:  # noqa: BLE001 - the built-in rules then
            catalogue = None
    times = {}
    for k in (1, 4, 16):
        p, m = replicate(panel, munis, k)
        best = np.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = all_metrics(p, m, catalogue=catalogue)
            best = min(best, time.perf_counter() - t0)
        times[k] = best
        n_out = sum(len(v) for v in result.values())
        print(f"{k:>2}x: {len(p):>10,} rows  all metrics {best:7.3f} s  ({n_out:,} result rows)")
    print(f"growth 4x/1x = {times[4] / times[1]:.2f}, 16x/4x = {times[16] / times[4]:.2f}, "
          f"16x/1x = {times[16] / times[1]:.2f} (linear scaling would be 4, 4, 16)")
    print(f"1x under one second: {'yes' if times[1] < 1 else 'NO'}")
    compare_theil_sen(panel)


def compare_theil_sen(panel: pd.DataFrame) -> None:
    """Two variants of the trend step on the 1x panel: one vectorised call vs scipy per series."""
    from scipy import stats

    from rvanalytics.metrics import trend
    from rvanalytics.metrics._common import wide

    t0 = time.perf_counter()
    vec = trend(panel, last_n_years=10)
    t_vec = time.perf_counter() - t0
    mat = wide(panel)
    years = mat.columns.to_numpy(dtype="float64")
    t0 = time.perf_counter()
    slopes = []
    for row in mat.to_numpy():
        ok = ~np.isnan(row) & (row > 0)
        last = years[ok].max() if ok.any() else np.nan
        ok &= years > last - 10
        slopes.append(stats.theilslopes(np.log(row[ok]), years[ok], alpha=0.90).slope if ok.sum() >= 5 else np.nan)
    t_loop = time.perf_counter() - t0
    diff = np.nanmax(np.abs(np.asarray(slopes) - vec["slope_log"].to_numpy()))
    print(f"trend of {len(mat):,} series: vectorised {t_vec:.3f} s, scipy loop {t_loop:.3f} s, "
          f"ratio {t_loop / t_vec:.1f}x (max slope difference {diff:.1e})")


if __name__ == "__main__":
    main()
