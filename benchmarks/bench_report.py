"""One city's report through the CLI against an empty notebook through papermill, as a ratio in one run.

Run: python benchmarks/bench_report.py [--store PATH] [--repeats N] [--cohort] [--all]

- floor: ``python -m papermill tests/notebooks/empty.ipynb out.ipynb -k python3`` as a whole
  process (interpreter start, papermill import, kernel start, one cell, shutdown);
- report: ``rvanalytics report 167 --out DIR --force`` as a whole process (the same kernel);
  the first run into a fresh folder also draws the coverage map, later ones reuse it;
- the two alternate (floor, report, floor, report, ...) so load on the machine hits both;
  the ratio is median(report) / median(floor);
- ``--cohort``: the cohort (cities with a profile) with ``--jobs 1`` and ``--jobs 2``, forced;
  ``--all``: every municipality with ``--jobs 2``; each with the peak PSS (proportional set size) of the process tree.

Without ``--store`` a store is built from the recorded data into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EMPTY = REPO / "tests" / "notebooks" / "empty.ipynb"
BIN = Path(sys.executable).parent


class PeakMemory:
    """Largest summed PSS of a process and its descendants, sampled every 0.1 s.

    PSS (proportional set size) counts a page shared by n processes as 1/n in each, so a
    forked child (figures drawn ahead) does not count its parent's memory twice as RSS would.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    total += proc.memory_full_info().pss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def start(self) -> PeakMemory:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time of ``cmd`` (must succeed) and the peak PSS of its process tree in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    mem = PeakMemory(proc.pid).start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak = mem.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--city", default="167")
    parser.add_argument("--cohort", action="store_true", help="also the cohort with --jobs 1 and 2")
    parser.add_argument("--all", action="store_true", help="also every municipality with --jobs 2")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    store = args.store
    if store is None:
        from rvanalytics.store import build_store

        store = tmp / "store"
        build_store(store, offline=True, progress=False)
    env = {**os.environ, "RVANALYTICS_STORE": str(store)}
    floor_cmd = [sys.executable, "-m", "papermill", str(EMPTY), str(tmp / "floor.ipynb"),
                 "-k", "python3", "-p", "city_code", args.city, "--no-progress-bar"]
    out = tmp / "one"
    report_cmd = [str(BIN / "rvanalytics"), "report", args.city, "--out", str(out), "--force",
                  "--store", str(store)]

    first, _ = timed(report_cmd, env)  # fresh folder: draws the coverage map too; warms caches
    timed(floor_cmd, env)
    floors, reports, peaks = [], [], []
    for _ in range(args.repeats):
        floors.append(timed(floor_cmd, env)[0])
        wall, peak = timed(report_cmd, env)
        reports.append(wall)
        peaks.append(peak)
    floor, report = statistics.median(floors), statistics.median(reports)
    print(f"floor, empty notebook through papermill (whole process): median {floor:.2f} s "
          f"({', '.join(f'{x:.2f}' for x in floors)})")
    print(f"rvanalytics report {args.city} --force (whole process): median {report:.2f} s "
          f"({', '.join(f'{x:.2f}' for x in reports)}); peak {max(peaks):.0f} MB PSS")
    print(f"ratio report / floor: {report / floor:.2f}x  "
          f"(per pair: {', '.join(f'{r / f:.2f}' for r, f in zip(reports, floors, strict=True))})")
    print(f"first run into a fresh folder (coverage map drawn): {first:.2f} s = {first / floor:.2f}x")

    batches: list[tuple[str, list[str]]] = []
    if args.cohort:
        batches += [("cohort --jobs 1", ["--cohort", "large-cities", "--jobs", "1"]),
                    ("cohort --jobs 2", ["--cohort", "large-cities", "--jobs", "2"])]
    if args.all:
        batches.append(("all --jobs 2", ["--all", "--jobs", "2"]))
    for label, extra in batches:
        folder = tmp / label.replace(" ", "_")
        wall, peak = timed([str(BIN / "rvanalytics"), "report", *extra, "--out", str(folder),
                            "--force", "--store", str(store)], env)
        print(f"{label}: {wall:.1f} s wall, peak {peak:.0f} MB (process tree PSS)")
    print(f"outputs in {tmp}")


if __name__ == "__main__":
    main()
