"""Start-up cost: the lazy package namespace against loading every public name, in one run.

Run: python benchmarks/bench_import.py [--repeats N]

- ``import rvanalytics`` (names load on first use);
- ``rvanalytics --help`` (the CLI as a user starts it);
- ``import rvanalytics`` and resolve every name in ``__all__``: what each start cost when
  ``rvanalytics/__init__.py`` imported everything eagerly.

Each variant runs in a fresh interpreter; the variants alternate so machine noise hits all.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

VARIANTS = {
    "import rvanalytics": [sys.executable, "-c", "import rvanalytics"],
    "rvanalytics --help": [sys.executable, "-m", "rvanalytics", "--help"],
    "import + every public name (former eager import)": [
        sys.executable,
        "-c",
        "import rvanalytics as rv\nfor n in rv.__all__: getattr(rv, n)",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.repeats):
        for name, cmd in VARIANTS.items():
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    eager = statistics.median(times["import + every public name (former eager import)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name}: median {median:.2f} s over {len(values)} runs = {median / eager:.2f}x the eager import")


if __name__ == "__main__":
    main()
