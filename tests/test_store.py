from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rvanalytics.boundaries import load_municipalities, load_regions
from rvanalytics.cli import app
from rvanalytics.exceptions import StoreError
from rvanalytics.key import load_key
from rvanalytics.store import build_store, load_panel, read_manifest


def test_store_boundary_counts(store: Path):
    assert len(load_municipalities(2023, store=store)) == 309
    assert len(load_regions(2023, store=store)) == 19
    assert len(load_municipalities(2013, store=store)) == 320
    assert len(load_municipalities(2026, store=store)) == 308
    simple = load_municipalities(2026, simplified=True, store=store)
    assert len(simple) == 308 and simple.crs.to_epsg() == 3067
    assert len(load_key(2023, store=store)) == 309


def test_manifest_records_sources_and_derivations(store: Path):
    manifest = read_manifest(store)
    ids = {s["id"] for s in manifest["sources"]}
    assert {"statfi_municipality_key", "nls_kuntajako_4500k", "statfi_wfs_kunta4500k", "nls_maakuntajako_4500k"} <= ids
    for source in manifest["sources"]:
        assert source["licence"] and source["attribution"]["en"]
        for file in source["files"]:
            assert len(file["sha256"]) == 64
    assert manifest["boundaries"]["2026"]["origin"] == "derived"
    assert "Pertunmaa → Mäntyharju" in manifest["boundaries"]["2026"]["note"]
    assert manifest["boundaries"]["2023"]["regions_origin"].startswith("file")


def test_regions_have_land_area(store: Path):
    regions = load_regions(2023, store=store)
    assert regions["land_area_km2"].notna().all()
    assert regions["land_area_km2"].sum() == pytest.approx(load_municipalities(2023, store=store)["land_area_km2"].sum())


def test_failed_build_leaves_previous_store_intact(tmp_path: Path):
    target = tmp_path / "store"
    target.mkdir()
    (target / "manifest.json").write_text('{"built_at": "previous"}')

    def broken_panel(**kwargs):
        raise RuntimeError("simulated failure while building the panel")

    with pytest.raises(RuntimeError, match="simulated"):
        build_store(target, offline=True, progress=False, panel_builder=broken_panel)
    assert json.loads((target / "manifest.json").read_text()) == {"built_at": "previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no temporary folders left


def test_missing_store_gives_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match="rvanalytics data build"):
        load_municipalities(2023, store=tmp_path / "nowhere")
    with pytest.raises(StoreError, match="rvanalytics data build"):
        load_panel(tmp_path / "nowhere")


def test_cli_status(store: Path):
    result = CliRunner().invoke(app, ["data", "status", "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()[:4].isdigit()}
    assert lines["2023"][1:3] == ["309", "19"]
    assert lines["2013"][1] == "320"
    assert lines["2026"][1] == "308"


def test_cli_inspect_boundary_file(recorded_dir: Path):
    path = recorded_dir / "statfi-wfs-kunta4500k-recorded" / "kunta4500k_2019_getfeature_wfs100_gml2.xml"
    result = CliRunner().invoke(app, ["data", "inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "municipality codes: 311" in result.output
    assert "division years the codes fit exactly: 2017, 2018, 2019" in result.output
    assert "EPSG:3067" in result.output


def test_cli_inspect_bad_file_is_one_line_error(tmp_path: Path):
    from rvanalytics.cli import main

    bad = tmp_path / "broken.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "from rvanalytics.cli import main; main()", "data", "inspect", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "broken.geojson" in proc.stderr and "Traceback" not in proc.stderr
    del main


def test_harmonised_panel_matches_division(store: Path):
    panel = load_panel(store)
    assert (panel["division_year"] == 2026).all()
    codes = set(panel["code"])
    assert codes <= set(load_key(2026, store=store)["code"])
    assert isinstance(panel, pd.DataFrame)


def test_build_without_network_or_recorded_copy_stops_quickly(tmp_path: Path):
    """No network and no recorded data: a clear one-line error within 10 s, nothing written."""
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "RVANALYTICS_RECORDED_DIR": str(tmp_path / "empty"), "RVANALYTICS_OFFLINE": "0"}
    (tmp_path / "empty").mkdir()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from rvanalytics.cli import main; main()", "data", "build",
                           "--store", str(tmp_path / "store")], capture_output=True, text=True, env=env, timeout=60)
    assert time.perf_counter() - started < 10 + 5  # + interpreter start-up
    assert proc.returncode == 2
    assert "error: source 'statfi_municipality_key'" in proc.stderr and "Fix:" in proc.stderr
    assert not (tmp_path / "store").exists()
