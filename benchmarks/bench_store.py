"""Loading one year's boundaries and key from the store vs parsing the raw files, in one run.

Run: python benchmarks/bench_store.py   (builds a temporary store from the recorded data)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from rvanalytics import key as key_module
from rvanalytics.boundaries import load_municipalities, load_regions, read_boundaries, read_nls_regions
from rvanalytics.download import fetch
from rvanalytics.key import load_key, read_key_file
from rvanalytics.store import build_store

REPEATS = 7
YEAR = 2023


def from_raw() -> None:
    key = read_key_file(fetch("statfi_municipality_key", offline=True))
    del key
    read_boundaries(fetch("nls_kuntajako_4500k", year=YEAR, offline=True), year=YEAR)
    read_nls_regions(fetch("nls_maakuntajako_4500k", year=YEAR, offline=True), year=YEAR)


def from_store(store: Path) -> None:
    key_module._read_stored_key.cache_clear()
    load_key(YEAR, store=store)
    load_municipalities(YEAR, store=store)
    load_regions(YEAR, store=store)


def timed(func, *args) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        start = time.perf_counter()
        build_store(store, offline=True, progress=False)
        build_seconds = time.perf_counter() - start
        key_module._raw_key.cache_clear()
        raw = timed(lambda: (key_module._raw_key.cache_clear(), from_raw()))
        stored = timed(from_store, store)
    print(f"store build (all years, panel included): {build_seconds:.2f} s")
    print(f"boundaries + regions + key for {YEAR}, median of {REPEATS}:")
    print(f"  parse raw files : {raw * 1000:8.1f} ms")
    print(f"  load from store : {stored * 1000:8.1f} ms")
    print(f"  ratio raw/store : {raw / stored:8.1f}x")


if __name__ == "__main__":
    main()
