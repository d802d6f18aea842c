"""The gallery's coverage map names the population's source in its credit line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from rvanalytics.catalogue import attribution
from rvanalytics.cohort import TEN_CITY_COHORT
from rvanalytics.report.coverage import make_coverage_map, population_sources


def test_population_sources_are_those_of_the_rows_used():
    panel = pd.DataFrame({
        "indicator": ["population", "population", "population", "population", "ghg"],
        "level": ["municipality", "municipality", "municipality", "region", "municipality"],
        "code": ["091", "049", "091", "01", "091"],
        "year": [2023, 2023, 2022, 2023, 2023],
        "source": ["sotkanet_population", "statfin_pxweb_11re", "older", "regional", "syke"],
    })
    assert population_sources(panel, ["091", "049"], 2023) == ["sotkanet_population", "statfin_pxweb_11re"]
    assert population_sources(panel, ["091"], 2023) == ["sotkanet_population"]
    assert population_sources(panel, ["091"], 2022) == ["older"]


def test_gallery_coverage_map_credits_the_population_source(store: Path, tmp_path: Path):
    path, reason = make_coverage_map(list(TEN_CITY_COHORT), tmp_path / "coverage.svg", store=store, lang="en")
    assert reason is None and path is not None
    svg = path.read_text(encoding="utf-8")
    credit = " ".join(re.findall(r">([^<]*)<", svg))
    assert "National Land Survey" in credit  # the boundaries' source, as before
    used = ["sotkanet_population"]  # the recorded store's population for the latest complete year
    assert attribution(used, "en") in credit


def test_a_data_gap_is_a_note_but_a_bug_is_raised(store: Path, tmp_path: Path, monkeypatch) -> None:
    import pytest

    from rvanalytics import maps
    from rvanalytics.report import run_batch

    path, reason = make_coverage_map(["167"], tmp_path / "c.png", store=tmp_path / "no-store", lang="fi")
    assert path is None and reason.startswith("coverage map not drawn: StoreError")

    def broken(*args, **kwargs):
        raise TypeError("a bug in the coverage map")

    monkeypatch.setattr(maps, "coverage_map", broken)
    with pytest.raises(TypeError, match="a bug in the coverage map"):
        make_coverage_map(["167"], tmp_path / "c.png", store=store, lang="fi")
    # in a batch the bug is raised after the reports and the gallery are written
    notebook = Path(__file__).parent / "notebooks" / "good.ipynb"
    with pytest.raises(TypeError, match="a bug in the coverage map"):
        run_batch(["167"], out_dir=tmp_path / "out", store=store, notebook=notebook, coverage_map=True)
    assert (tmp_path / "out" / "index.html").is_file()
    assert list((tmp_path / "out").glob("167-*/report.html"))
