"""Loading one year's boundaries and key from the store vs parsing the raw files, in one run.

Run: python benchmarks/bench_store.py   (builds a temporary store from the recorded data)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from rvanalytics import key as key_module
from rvanalytics.boundaries import (
    dissolve_to_year,
    load_municipalities,
    load_regions,
    read_boundaries,
    read_nls_regions,
    regions_from_municipalities,
)
from rvanalytics.download import fetch
from rvanalytics.key import load_key, read_key_file
from rvanalytics.store import build_store

REPEATS = 7


def from_raw(year: int) -> None:
    """What a user without the store does: parse, validate, normalise (and dissolve for 2024+)."""
    key = read_key_file(fetch("statfi_municipality_key", offline=True))
    del key
    municipalities, _ = read_boundaries(fetch("nls_kuntajako_4500k", year=2023, offline=True), year=2023)
    if year == 2023:
        read_nls_regions(fetch("nls_maakuntajako_4500k", year=2023, offline=True), year=2023)
    else:
        municipalities, _ = dissolve_to_year(municipalities, year)
        regions_from_municipalities(municipalities)


def from_store(store: Path, year: int) -> None:
    key_module._read_stored_key.cache_clear()
    load_key(year, store=store)
    load_municipalities(year, store=store)
    load_regions(year, store=store)


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
        print(f"store build (all years, panel included): {build_seconds:.2f} s")
        for year in (2023, 2026):
            raw = timed(lambda: (key_module._raw_key.cache_clear(), from_raw(year)))
            stored = timed(from_store, store, year)
            print(f"boundaries + regions + key for {year}, median of {REPEATS}:")
            print(f"  parse raw files : {raw * 1000:8.1f} ms")
            print(f"  load from store : {stored * 1000:8.1f} ms")
            print(f"  ratio raw/store : {raw / stored:8.1f}x")


if __name__ == "__main__":
    main()
