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
