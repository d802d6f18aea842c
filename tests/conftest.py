"""Shared fixtures: the recorded official data and a store built once per test session."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, recorded_dir: Path) -> Path:
    """A store built from the recorded data once per session (offline)."""
    from rvanalytics.store import build_store

    path = tmp_path_factory.mktemp("store") / "store"
    build_store(path, offline=True, progress=False)
    return path
