"""The examples in the docstrings run (modules whose examples need no built store)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["rvanalytics.atomic", "rvanalytics.exceptions", "rvanalytics.catalogue", "rvanalytics.key",
           "rvanalytics.mergers", "rvanalytics.download", "rvanalytics.themes", "rvanalytics.maps.choropleth",
           "rvanalytics.maps.classes"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


def test_store_examples(store, monkeypatch):
    """Examples that read the store run against the session store."""
    monkeypatch.setenv("RVANALYTICS_STORE", str(store))
    import rvanalytics.boundaries
    import rvanalytics.store

    for module in (rvanalytics.boundaries, rvanalytics.store):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0


def test_atomic_writes_get_normal_permissions(tmp_path):
    import os
    import stat

    from rvanalytics.atomic import atomic_dir, atomic_write_text

    umask = os.umask(0o022)
    try:
        path = atomic_write_text(tmp_path / "report.html", "<p>ok</p>")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        with atomic_dir(tmp_path / "store") as tmp:
            (tmp / "x").write_text("1")
        assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o755
    finally:
        os.umask(umask)


def test_report_lines_do_not_bridge_missing_years():
    import numpy as np

    from rvanalytics.report.story import contiguous_runs, gap_broken

    years, values = gap_broken([1990, 2005, 2006, 2007], [6.0, 5.0, 4.0, 3.0])
    assert np.isnan(values[1]) and years[1] == 1990.5 and len(values) == 5
    assert contiguous_runs([2006, 1990, 2005, 2008]) == [[1990], [2005, 2006], [2008]]
