"""``rvanalytics metrics`` for every profile: the use case in-process and the whole command, in one run.

Run: .venv/bin/python benchmarks/bench_assess.py [--repeat 5]   (needs a built store: rvanalytics data build)

Prints the median time of :func:`rvanalytics.assess.assess` (all profiles, FISU network targets
included) after one warm-up call, the same without the network targets (ratio), and the whole
``rvanalytics metrics --out x.json`` process (imports included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(func, repeat: int) -> float:
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from rvanalytics.assess import assess

    with_network = timed(lambda: assess(), args.repeat)
    without = timed(lambda: assess(network=False), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("rvanalytics")
        cli = timed(lambda: subprocess.run([str(exe), "metrics", "--out", f"{tmp}/m.json"], check=True,
                                           capture_output=True), max(1, args.repeat // 2))
    print(f"assess() all profiles, median of {args.repeat}:")
    print(f"  with FISU network targets    : {with_network:6.3f} s")
    print(f"  without                      : {without:6.3f} s   (ratio {with_network / without:4.2f}x)")
    print(f"  rvanalytics metrics --out (whole process, imports included): {cli:6.3f} s")


if __name__ == "__main__":
    main()
