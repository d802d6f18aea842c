"""Building the indicator panel from the recorded data vs loading it from Parquet, in one run.

Run: python benchmarks/bench_panel.py   (offline; writes a temporary Parquet file)
Prints the median of several runs of each variant and the ratio.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

os.environ.setdefault("RVANALYTICS_OFFLINE", "1")

from rvanalytics.key import load_key
from rvanalytics.panel import build_panel

BUILD_REPEATS = 3
LOAD_REPEATS = 15


def timed(func, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    load_key(2026)  # warm the key cache: both variants need it, neither should pay for it
    build_s, build = timed(lambda: build_panel(offline=True), BUILD_REPEATS)
    panel = build.panel
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.parquet"
        panel.to_parquet(path, index=False)
        size_kb = path.stat().st_size / 1024
        load_s, loaded = timed(lambda: pd.read_parquet(path), LOAD_REPEATS)
        filt_s, _ = timed(lambda: pd.read_parquet(path, filters=[("indicator", "==", "road_transport_ghg_kt")]),
                          LOAD_REPEATS)
    assert len(loaded) == len(panel)
    print(f"panel: {len(panel):,} rows, {panel['indicator'].nunique()} indicators, Parquet {size_kb:,.0f} KiB")
    print(f"build from recorded sources (median of {BUILD_REPEATS}): {build_s * 1000:8.1f} ms")
    print(f"load whole panel from Parquet (median of {LOAD_REPEATS}): {load_s * 1000:8.1f} ms")
    print(f"load one indicator (filter pushdown):        {filt_s * 1000:8.1f} ms")
    print(f"ratio build / load: {build_s / load_s:,.0f}x")


if __name__ == "__main__":
    main()
