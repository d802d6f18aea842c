"""Shared fixtures: the recorded official data and a store built once per test session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Tests never touch the network and never read or write the user's own cache or store.
os.environ["RVANALYTICS_OFFLINE"] = "1"
if "RVANALYTICS_TEST_KEEP_ENV" not in os.environ:
    import tempfile

    os.environ["RVANALYTICS_DATA_DIR"] = tempfile.mkdtemp(prefix="rvanalytics-test-data-")
    os.environ.pop("RVANALYTICS_STORE", None)


@pytest.fixture(scope="session")
def recorded_dir() -> Path:
    """``../shared/data``: recorded real data from the official sources (required)."""
    from rvanalytics.paths import recorded_dir as find

    path = find()
    if path is None:
        pytest.fail("recorded data not found: put ../shared/data beside the checkout or set RVANALYTICS_RECORDED_DIR")
    return path


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test drew is closed after it (pyplot keeps them otherwise)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def recorded_data_stays_untouched():
    """Reading never writes: after the session the recorded data is exactly as before (no .gfs sidecars)."""
    from rvanalytics.paths import recorded_dir as find

    root = find()
    before = _listing(root) if root is not None else {}
    yield
    if root is not None:
        after = _listing(root)
        changed = sorted(set(after) ^ set(before) | {k for k in before if k in after and after[k] != before[k]})
        assert not changed, f"the tests wrote into the recorded data {root}: {changed}"


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, recorded_dir: Path) -> Path:
    """A store built from the recorded data once per session (offline)."""
    from rvanalytics.store import build_store

    path = tmp_path_factory.mktemp("store") / "store"
    build_store(path, offline=True, progress=False)
    return path
