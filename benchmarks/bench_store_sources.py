"""Store build now vs at an earlier commit, alternating in one run, as a ratio.

Run: .venv/bin/python benchmarks/bench_store_sources.py [--base 39c4563] [--repeat 3]

The default base, 39c4563, is the commit before issue 11's new sources; pass any other with
``--base`` (e.g. the commit before a refactoring of the store build). The earlier commit is
checked out into a temporary git worktree; each variant builds a fresh store from the recorded data (offline) in its own process, so imports and caches are counted alike.
The variants alternate (A B A B …) so that load on this shared machine hits both equally.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ("import sys, time; from rvanalytics.store import build_store; t = time.perf_counter(); "
         "build_store(sys.argv[1], offline=True, progress=False); print(time.perf_counter() - t)")


def build_seconds(tree: Path, store: Path, recorded: Path) -> tuple[float, float]:
    """(seconds inside build_store, seconds for the whole process) of one build with ``tree``'s package."""
    env = {**os.environ, "PYTHONPATH": str(tree), "RVANALYTICS_OFFLINE": "1", "RVANALYTICS_RECORDED_DIR": str(recorded)}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", BUILD, str(store)], env=env, cwd=tree, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="39c4563", help="commit to compare with (default: 39c4563, before the new sources)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from rvanalytics.paths import recorded_dir

    with tempfile.TemporaryDirectory() as tmp:
        # both variants read a copy of the recorded data: the older code's GML reader wrote .gfs
        # sidecar files beside its input, and ../shared/data must stay untouched
        recorded = Path(tmp) / "recorded"
        shutil.copytree(recorded_dir(), recorded)
        base_tree = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base_tree), args.base],
                       check=True, capture_output=True)
        try:
            times: dict[str, list[tuple[float, float]]] = {"base": [], "now": []}
            for i in range(args.repeat):
                for name, tree in (("base", base_tree), ("now", ROOT)):
                    times[name].append(build_seconds(tree, Path(tmp) / f"store-{name}-{i}", recorded))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)],
                           check=False, capture_output=True)
    med = {k: (statistics.median(a for a, _ in v), statistics.median(b for _, b in v)) for k, v in times.items()}
    print(f"store build, median of {args.repeat} alternating runs (offline, recorded data):")
    print(f"  {args.base:<18}: build_store {med['base'][0]:6.2f} s, process {med['base'][1]:6.2f} s")
    print(f"  working tree (now): build_store {med['now'][0]:6.2f} s, process {med['now'][1]:6.2f} s")
    print(f"  ratio now/base    : build_store {med['now'][0] / med['base'][0]:6.2f}x, "
          f"process {med['now'][1] / med['base'][1]:6.2f}x")


if __name__ == "__main__":
    main()
