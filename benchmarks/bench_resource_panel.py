"""What the resource-wisdom sources (buildings, district heat, key figures, Hinku theme shares) add to the panel build.

Run: python benchmarks/bench_resource_panel.py   (recorded data, offline)

Builds the panel with and without ``rvanalytics.resource_panel`` in one run (median of REPEATS each,
alternating) and prints both times and their ratio.
"""

from __future__ import annotations

import statistics
import time
from unittest import mock

from rvanalytics import resource_panel
from rvanalytics.panel import build_panel

REPEATS = 5


def build(with_resource: bool) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    if with_resource:
        build_panel(offline=True)
    else:
        with mock.patch.object(resource_panel, "load_resource_sources", lambda *a, **k: []), \
                mock.patch.object(resource_panel, "hinku_theme_shares", lambda panel: panel.iloc[0:0]):
            build_panel(offline=True)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    build(True)  # warm the key and file caches
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(REPEATS):
        for variant in (False, True):
            times[variant].append(build(variant))
    for i, what in enumerate(("wall", "CPU")):
        without = statistics.median(t[i] for t in times[False])
        with_ = statistics.median(t[i] for t in times[True])
        print(f"{what:4} panel build without the resource-wisdom sources: {without:6.2f} s (median of {REPEATS})")
        print(f"{what:4} panel build with them                          : {with_:6.2f} s")
        print(f"{what:4} ratio with/without: {with_ / without:5.2f}x (+{with_ - without:.2f} s)")


if __name__ == "__main__":
    main()
