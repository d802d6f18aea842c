"""FISU network membership and common targets from the recorded table; basis of target statuses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError
from rvanalytics.metrics import TrackingThresholds, track_targets
from rvanalytics.network import fisu_members, network_targets, read_fisu_network, read_fisu_targets

FISU = "city-key-measures"


def test_members_from_the_recorded_table(recorded_dir: Path):
    network = read_fisu_network(recorded_dir / FISU / "fisu_network.csv")
    members = fisu_members(network)
    names = set(members["name_fi"])
    assert names == {"Forssa", "Hyvinkää", "Ii", "Joensuu", "Jyväskylä", "Kuopio", "Lahti", "Lappeenranta",
                     "Riihimäki", "Turku", "Vaasa", "Kemi", "Siilinjärvi"}
    assert members["code"].str.fullmatch(r"\d{3}").all()
    assert not {"091", "049", "837", "564"} & set(members["code"])  # Helsinki, Espoo, Tampere, Oulu: no list
    assert members.set_index("code").loc["179", "relation"] == "fisu_founding_member"


def test_network_targets_for_every_member(recorded_dir: Path):
    members = fisu_members(read_fisu_network(recorded_dir / FISU / "fisu_network.csv"))
    targets = read_fisu_targets(recorded_dir / FISU / "fisu_network_targets.csv")
    out = network_targets(members, targets)
    assert len(out) == len(members) * len(targets) == 13 * 5
    ghg = out[out["target_id"] == "fisu-ghg-2030"].iloc[0]
    assert (ghg["indicator"], ghg["scope"], ghg["kind"], int(ghg["baseline_year"]), ghg["target_value"]) == (
        "ghg_hinku_total_kt", "hinku", "pct_reduction", 2007, 60.0)
    assert (out["origin"] == "network").all()
    assert out.loc[out["target_id"] == "fisu-2050", "indicator"].isna().all()


def test_bad_network_tables_name_file_row_and_fix(tmp_path: Path):
    bad = tmp_path / "fisu_network.csv"
    bad.write_text("code,name_fi,relation,year,month,source_url,source_date,confidence\n"
                   "KU179,Jyväskylä,fisu_member,2015,6,https://x,2015,high\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a municipality code") as err:
        read_fisu_network(bad)
    assert "row 2" in str(err.value)
    bad_t = tmp_path / "fisu_network_targets.csv"
    bad_t.write_text("target_id,theme,indicator_hint,baseline_year,target_year,target_value,unit,kind,note,"
                     "source_url,source_date\nx,climate,tree cover,2007,2030,60,pct,pct_reduction,,https://x,2022\n",
                     encoding="utf-8")
    members = pd.DataFrame({"code": ["179"], "name_fi": ["Jyväskylä"]})
    with pytest.raises(DataFileError, match="names no indicator"):
        network_targets(members, read_fisu_targets(bad_t))
    bad_t.write_text("target_id,theme,indicator_hint,baseline_year,target_year,target_value,unit,kind,note,"
                     "source_url,source_date\nx,climate,Hinku,2007,2030,60,pct,pledge,,https://x,2022\n",
                     encoding="utf-8")
    with pytest.raises(DataFileError, match="kind 'pledge'"):
        read_fisu_targets(bad_t)


def _panel(values: dict[int, float], code: str = "999") -> pd.DataFrame:
    return pd.DataFrame({"level": "municipality", "code": code, "year": list(values), "indicator": "ghg_hinku_total_kt",
                         "value": list(values.values()), "release": "2024", "preliminary": False})


def _target(scope: str, **kw) -> pd.DataFrame:
    row = {"city_code": "999", "target_id": "t", "indicator": "ghg_hinku_total_kt", "scope": scope,
           "kind": "pct_reduction", "baseline_year": 2007, "baseline_value": np.nan, "target_year": 2030,
           "target_value": 50.0}
    row.update(kw)
    return pd.DataFrame([row])


YEARS = {y: 100.0 - 2 * (y - 2007) for y in range(2007, 2023)}


@pytest.mark.parametrize(("scope", "thresholds", "status", "basis"), [
    ("hinku", TrackingThresholds(), "behind", "same scope"),
    ("city_inventory", TrackingThresholds(), "behind", "indicative"),
    ("city_inventory", TrackingThresholds(strict_scope=True), None, None),
    ("alas_total", TrackingThresholds(), None, None),
    ("alas_total", TrackingThresholds(allow_scope_mismatch=True), "behind", "indicative"),
])
def test_basis_of_the_status(scope, thresholds, status, basis):
    r = track_targets(_target(scope), _panel(YEARS), thresholds).iloc[0]
    assert r["status"] == status and r["basis"] == basis
    assert r["change_since_baseline_pct"] == pytest.approx(100 * (YEARS[2022] / YEARS[2007] - 1))
    if basis == "indicative" and scope == "city_inventory":
        assert r["basis_note"] == "indicative, on Syke Hinku data; the city's own inventory may differ"
    if status is None:
        assert "differs from data scope" in r["reason"]


def test_series_never_mixes_releases_in_tracking():
    newer = _panel({2007: 120.0, 2022: 60.0}).assign(release="2026", preliminary=[False, True])
    panel = pd.concat([_panel(YEARS), newer], ignore_index=True)
    r = track_targets(_target("hinku"), panel).iloc[0]
    assert r["baseline_value"] == 120.0 and r["latest_value"] == 60.0  # both from the 2026 release
    assert r["release"] == "2026" and bool(r["latest_preliminary"])


def test_qualitative_and_valueless_targets_say_why():
    r = track_targets(_target("hinku", kind="qualitative", target_value=np.nan), _panel(YEARS)).iloc[0]
    assert r["status"] is None and r["basis"] is None and r["reason"] == "no numeric target value"
