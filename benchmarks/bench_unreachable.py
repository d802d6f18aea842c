"""Cost of a name server that does not answer: the download path before and after issue 14, in one run.

Run: python benchmarks/bench_unreachable.py [--delay SECONDS]

Every look-up of a name blocks ``--delay`` seconds (default 10: glibc's default resolver
``timeout:5 attempts:2``) and then fails, as on a machine whose DNS server is gone. Both
variants ask what ``data build`` asks online: every catalogued file whose official URL the
catalogue can fill in, and the PxWeb metadata of StatFin 11re; each falls back to the recorded
copies. The "before" variant is ``download.py`` and ``pxweb.py`` of commit 39c4563, loaded from
git into this process.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BEFORE = "39c4563"


def _old_module(name: str, path: str) -> types.ModuleType:
    code = subprocess.run(["git", "-C", str(REPO), "show", f"{BEFORE}:{path}"], check=True,
                          capture_output=True, text=True).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(code, f"{BEFORE}:{path}", "exec"), module.__dict__)  # noqa: S102 - our own file at a commit
    return module


def _requests() -> list[tuple[str, dict]]:
    from rvanalytics.catalogue import sources
    from rvanalytics.exceptions import RvanalyticsError

    asked = []
    for source in sources().values():
        if source.url is None:
            continue
        for rec in source.recorded_files:
            if not rec.params:
                continue
            try:
                source.official_url(**rec.params)
            except RvanalyticsError:
                continue
            asked.append((source.id, {"filename": rec.name} if "year" not in rec.params else {"year": rec.params["year"]}))
    return asked


def _run(download: types.ModuleType, pxweb: types.ModuleType) -> float:
    from rvanalytics.exceptions import RvanalyticsError

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for source_id, params in _requests():
            download.fetch(source_id, offline=False, **params)
        try:
            pxweb.PxWebClient(cache=False).metadata("StatFin/11re.px")
        except RvanalyticsError:
            pass  # the panel then uses the recorded PxWeb answers
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=10.0, help="seconds each DNS look-up blocks before failing")
    args = parser.parse_args()
    os.environ.pop("RVANALYTICS_OFFLINE", None)
    os.environ.pop("RVANALYTICS_SOURCE_BASE_URL", None)
    os.environ["RVANALYTICS_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-unreachable-")

    import rvanalytics.download as now_download
    import rvanalytics.pxweb as now_pxweb

    old_download = _old_module("old_download", "rvanalytics/download.py")
    old_pxweb = _old_module("old_pxweb", "rvanalytics/pxweb.py")

    def silent_resolver(host, *rest, **kwargs):
        time.sleep(args.delay)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    socket.getaddrinfo = silent_resolver
    from urllib.parse import urlsplit

    from rvanalytics.catalogue import get_source

    hosts = sorted({urlsplit(get_source(sid).url).hostname for sid, _ in _requests()} | {"pxdata.stat.fi"})
    print(f"{len(_requests())} file requests + PxWeb metadata, hosts {', '.join(hosts)}; "
          f"each DNS look-up blocks {args.delay:g} s")
    now_download.reset_hosts()
    after = _run(now_download, now_pxweb)
    before = _run(old_download, old_pxweb)
    print(f"before ({BEFORE}): {before:.1f} s")
    print(f"now: {after:.1f} s  (DNS deadline {now_download.DNS_TIMEOUT:g} s, network marked down for the process)")
    print(f"ratio now/before: {after / before:.3f}")


if __name__ == "__main__":
    main()
