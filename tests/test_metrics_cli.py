"""``rvanalytics metrics``: with a small store made here, without a store, and with the real store."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rvanalytics.cli import app
from rvanalytics.exceptions import RvanalyticsError, StoreError

NK = "syke-alas-north-karelia-municipalities/north_karelia_emissions_totals.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory, recorded_dir: Path) -> Path:
    """A store with a manifest, the key and a panel of the 13 North Karelia municipalities."""
    from rvanalytics.download import fetch
    from rvanalytics.key import read_key_file

    store = tmp_path_factory.mktemp("metrics-store")
    raw = pd.read_csv(recorded_dir / NK, dtype={"kunta": str})
    parts = [pd.DataFrame({"level": "municipality", "code": raw["kunta"], "year": raw["vuosi"].astype("int64"),
                           "indicator": ind, "value": raw[col].astype("float64"), "unit": unit,
                           "source": "syke_alas_hinku", "status": "", "division_year": 2026})
             for col, ind, unit in (("khk_yhteensa_kt_co2e", "ghg_hinku_total_kt", "kt CO2e"),
                                    ("asukasluku", "population", "persons"))]
    pd.concat(parts, ignore_index=True).to_parquet(store / "panel.parquet", index=False)
    read_key_file(fetch("statfi_municipality_key")).to_parquet(store / "key.parquet", index=False)
    (store / "manifest.json").write_text(json.dumps({"tables": {}, "sources": []}), encoding="utf-8")
    return store


def test_no_store_fails_with_store_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["metrics", "--store", str(tmp_path / "nothing")])
    assert result.exit_code != 0
    assert isinstance(result.exception, StoreError)
    assert "rvanalytics data build" in str(result.exception)


def test_no_profiles_fails_with_store_error(small_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["metrics", "--store", str(small_store), "--profiles", str(tmp_path)])
    assert isinstance(result.exception, StoreError) and "no city profiles" in str(result.exception)


def test_json_output(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = runner.invoke(app, ["metrics", "Joensuu", "--store", str(small_store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    targets = {t["target_id"]: t for t in doc["targets"]}
    target = targets["jns-cn-2025"]
    # the default gives the indicative status on Syke's Hinku series, and says so
    assert target["status"] == "off track" and target["basis"] == "indicative" and target["reason"] is None
    assert target["basis_note"] == "indicative, on Syke Hinku data; the city's own inventory may differ"
    assert target["target_level"] == pytest.approx(229.96)
    assert target["change_since_baseline_pct"] == pytest.approx(100 * (275.4 / 574.9 - 1))
    assert target["origin"] == "city"
    # Joensuu is a FISU member: the network's targets come from the FISU table, apart from its own
    network = [t for t in doc["targets"] if t["origin"] == "network"]
    assert {t["target_id"] for t in network} >= {"fisu-ghg-2030", "fisu-ghg-2030-recommended"}
    assert targets["fisu-ghg-2030"]["basis"] == "same scope" and targets["fisu-ghg-2030"]["baseline_year"] == 2007
    assert targets["fisu-ghg-2030"]["source_url"].startswith("https://fisunetwork.fi/")
    assert doc["assessed"] == [{"city_code": "167", "n_targets": len(doc["targets"]), "n_assessed": 3}]
    metrics = {m["indicator"]: m for m in doc["city_metrics"]}
    assert metrics["ghg_hinku_total_kt"]["latest_value"] == 275.4
    assert metrics["ghg_hinku_total_kt"]["rank_region"] is not None
    assert doc["thresholds"]["behind_gap_pct"] == 10.0
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temporary file


def test_csv_output_and_across_scopes(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    result = runner.invoke(app, ["metrics", "167", "091", "--store", str(small_store), "--out", str(out),
                                 "--across-scopes"])
    assert result.exit_code == 0, result.output
    targets = pd.read_csv(out, dtype={"city_code": str})
    assert set(targets["city_code"]) == {"167", "091"}
    jns = targets.set_index("target_id").loc["jns-cn-2025"]
    assert jns["status"] == "off track"
    hel = targets.set_index("target_id")
    assert hel.loc["hel-cn-2030", "reason"].startswith("no data for indicator")
    assert hel.loc["hel-zero-2040", "reason"] == "no numeric target value"
    metrics = pd.read_csv(tmp_path / "m_city_metrics.csv", dtype={"code": str})
    assert set(metrics["code"]) == {"167"}  # Helsinki has no data in this small store


def test_text_output_every_city(small_store: Path) -> None:
    result = runner.invoke(app, ["metrics", "--store", str(small_store), "--strict-scope", "--no-network"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln and not ln.startswith(" ")]
    from rvanalytics.cities import load_cities

    n_targets = len(load_cities().targets)
    assert sum(":" in ln for ln in lines[:-1]) == n_targets  # one line per target: status or reason
    assert ("no status - target scope city_inventory differs from data scope hinku (indicative status withheld: "
            "strict scope)") in result.output
    default = runner.invoke(app, ["metrics", "167", "--store", str(small_store)])
    assert "jns-cn-2025: off track (indicative, on Syke Hinku data)" in default.output
    assert "fisu-ghg-2030 [FISU network]: on track (same scope)" in default.output


def test_unknown_city_and_bad_suffix(small_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["metrics", "Atlantis", "--store", str(small_store)])
    assert isinstance(result.exception, RvanalyticsError) and "no city profile" in str(result.exception)
    result = runner.invoke(app, ["metrics", "167", "--store", str(small_store), "--out", str(tmp_path / "m.xlsx")])
    assert isinstance(result.exception, RvanalyticsError) and ".csv or .json" in str(result.exception)


def test_real_store_every_cohort_city(store: Path, tmp_path: Path) -> None:
    """With the store built from the recorded data: a status or a reason for every target."""
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["metrics", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len({t["city_code"] for t in doc["targets"]}) == 10
    for t in doc["targets"]:
        assert (t["status"] is None) != (t["reason"] is None) or t["status"] == "not enough data"
        assert (t["status"] is None) == (t["basis"] is None)
    # issue 11: at least nine of the ten cohort cities have an assessed target, with its basis
    assessed = {a["city_code"]: a["n_assessed"] for a in doc["assessed"]}
    assert sum(n > 0 for n in assessed.values()) >= 9
    assert assessed["564"] == 0  # Oulu: no numeric target and not a FISU member
    by_id = {(t["city_code"], t["target_id"]): t for t in doc["targets"]}
    assert by_id[("167", "jns-cn-2025")]["release"] == "2026"  # Joensuu keeps the 2026 release
    assert by_id[("091", "hel-cn-2030")]["release"] == "2024"
    assert by_id[("405", "fisu-ghg-2030")]["basis"] == "same scope"
    metrics = {(m["code"], m["indicator"]): m for m in doc["city_metrics"]}
    pc = metrics[("167", "ghg_hinku_per_capita_t")]
    assert pc["release"] == "2026" and pc["rank_release"] == "2024"  # ranked among peers of one release
    assert pc["n_all"] == 59 and pc["n_municipalities"] == 308
    # Theme coverage on the resource-wisdom themes: every city x every theme; the emission
    # targets count under "climate", the recycling targets under consumption/materials/waste.
    from rvanalytics.themes import RESOURCE_WISDOM_THEMES

    cov = {(row["code"], row["theme"]): row for row in doc["theme_coverage"]}
    assert len(cov) == 10 * len(RESOURCE_WISDOM_THEMES)
    assert cov[("167", "climate")]["has_data"] and cov[("167", "climate")]["has_target"]
    assert cov[("091", "climate")]["has_target"] and cov[("091", "climate")]["has_data"]
    assert cov[("179", "consumption_materials_waste")]["has_target"]
    assert cov[("179", "water")]["has_target"] is False and cov[("179", "water")]["has_key_measure"] is None
