"""Store build time of this tree against an earlier revision, alternating, in one run.

Run: python benchmarks/bench_store_build.py [--base REV] [--repeats 3]

Each build runs in its own interpreter (offline, recorded data, a temporary store); the base
revision's ``rvanalytics`` is taken with ``git archive`` into a temporary folder and put first
on ``PYTHONPATH``. Prints the median ``build_store`` seconds of each and their ratio (this / base).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = """
import sys, time
from rvanalytics.store import build_store
start = time.perf_counter()
build_store(sys.argv[1], offline=True, progress=False)
print(time.perf_counter() - start)
"""


def base_tree(rev: str, into: Path) -> Path:
    """The package of ``rev`` unpacked into ``into`` (nothing in the work tree or index changes)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "rvanalytics"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def build_seconds(pythonpath: Path, scratch: Path, n: int) -> float:
    from rvanalytics.paths import recorded_dir

    # The base tree lives outside the repository: point it at the same recorded data.
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "RVANALYTICS_OFFLINE": "1",
           "RVANALYTICS_RECORDED_DIR": str(recorded_dir())}
    run = subprocess.run([sys.executable, "-c", BUILD, str(scratch / f"store-{n}")], env=env, check=False,
                         capture_output=True, text=True, cwd=scratch)
    if run.returncode:
        sys.exit(f"build failed ({pythonpath}):\n{run.stderr[-3000:]}")
    return float(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="HEAD", help="revision to compare with (default HEAD)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-build-") as tmp:
        scratch = Path(tmp)
        base = base_tree(args.base, scratch / "base")
        times: dict[str, list[float]] = {"base": [], "this": []}
        n = 0
        for _ in range(args.repeats):
            for name, path in (("base", base), ("this", ROOT)):
                n += 1
                times[name].append(build_seconds(path, scratch, n))
                print(f"{name}: {times[name][-1]:.2f} s", flush=True)
        base_s, this_s = statistics.median(times["base"]), statistics.median(times["this"])
        print(f"median build_store: base ({args.base}) {base_s:.2f} s, this tree {this_s:.2f} s, "
              f"ratio {this_s / base_s:.3f}")


if __name__ == "__main__":
    main()
