"""Per-report wall time against the papermill floor, cohort batches with 1 and 2 jobs, peak memory.

Run: python benchmarks/bench_report.py [--store PATH] [--all] [--repeats N]

- floor: an empty notebook (only a parameters cell) through ``papermill.execute_notebook``
  on this machine (kernel start, one cell, shutdown);
- machinery: the same empty notebook through :func:`rvanalytics.report.run_report`
  (adds IPC kernel manager, report folder, HTML export, result.json);
- full report: ``notebooks/city_report.ipynb`` for three cohort cities;
- batches: the cohort (cities with a profile) with ``--jobs 1`` and ``--jobs 2``, forced;
  with ``--all`` also every municipality with ``--jobs 2`` (takes minutes);
- peak memory: the largest sum of RSS over this process and all its descendants
  (workers and kernels), sampled every 0.1 s during each batch.

Without ``--store`` a store is built from the recorded data into a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EMPTY = REPO / "tests" / "notebooks" / "empty.ipynb"


class PeakMemory:
    """Sample the RSS of this process tree in a thread; ``peak_mb`` after ``stop()``."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20


def floor_run(out: Path, notebook: Path = EMPTY) -> float:
    import papermill as pm

    t0 = time.perf_counter()
    pm.execute_notebook(
        str(notebook),
        str(out / "floor.ipynb"),
        parameters={"city_code": "091"},
        kernel_name="python3",
        progress_bar=False,
    )
    return time.perf_counter() - t0


def imports_notebook(out: Path) -> Path:
    """The empty notebook plus the imports a report needs (splits the cost: imports vs work)."""
    import nbformat

    nb = nbformat.read(EMPTY, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot\nimport rvanalytics.metrics\nimport rvanalytics.maps\n"
            "from rvanalytics.report.story import CityStory"
        )
    )
    path = out / "imports.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument(
        "--all", action="store_true", help="also time every municipality with --jobs 2"
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from rvanalytics.cities import load_cities
    from rvanalytics.report import run_batch, run_report

    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    store = args.store
    if store is None:
        from rvanalytics.store import build_store

        store = tmp / "store"
        t0 = time.perf_counter()
        build_store(store, offline=True, progress=False)
        print(f"store built in {time.perf_counter() - t0:.1f} s at {store}")
    cohort = [str(c) for c in load_cities(store=store).cities["code"]]

    floor_run(tmp)  # warm-up: imports and disk caches
    floors = [floor_run(tmp) for _ in range(args.repeats)]
    imports_nb = imports_notebook(tmp)
    with_imports = [floor_run(tmp, imports_nb) for _ in range(args.repeats)]
    machinery = []
    for i in range(args.repeats):
        r = run_report("091", notebook=EMPTY, out_dir=tmp / f"m{i}", store=store, name="Helsinki")
        machinery.append(r.duration_s)
    full = []
    full_status = []
    for code in cohort[:3]:
        r = run_report(code, out_dir=tmp / "full", store=store)
        full.append(r.duration_s)
        full_status.append(f"{code}:{r.status}")
    floor = statistics.median(floors)
    print(
        f"\nfloor (empty notebook through papermill): median {floor:.2f} s  ({', '.join(f'{x:.2f}' for x in floors)})"
    )
    print(
        "floor + the report's imports (pandas, geopandas, matplotlib, scipy, rvanalytics): median "
        f"{statistics.median(with_imports):.2f} s = {statistics.median(with_imports) / floor:.2f}x floor"
    )
    print(
        f"machinery (empty notebook through run_report): median {statistics.median(machinery):.2f} s "
        f"= {statistics.median(machinery) / floor:.2f}x floor"
    )
    print(
        f"full city report: median {statistics.median(full):.2f} s = {statistics.median(full) / floor:.2f}x floor "
        f"({', '.join(f'{x:.2f}' for x in full)}; {' '.join(full_status)})"
    )

    batches = [("cohort", cohort, 1), ("cohort", cohort, 2)]
    if args.all:
        from rvanalytics.key import load_key
        from rvanalytics.store import DEFAULT_DIVISION_YEAR

        batches.append(("all", sorted(load_key(DEFAULT_DIVISION_YEAR, store=store)["code"]), 2))
    print()
    for label, codes, jobs in batches:
        with PeakMemory() as mem:
            b = run_batch(
                codes,
                jobs=jobs,
                out_dir=tmp / f"{label}-{jobs}",
                store=store,
                force=True,
                progress=False,
            )
        per = b.elapsed_s / len(codes)
        print(
            f"{label} ({len(codes)} reports) --jobs {jobs}: {b.elapsed_s:.1f} s wall ({per:.2f} s/report), "
            f"{len(b.failed)} failed, peak memory {mem.peak_mb:.0f} MB (process tree RSS)"
        )
    print(f"\noutputs in {tmp}")


if __name__ == "__main__":
    main()
