"""City profiles: schema, loading, the ten real profiles against the recorded source table."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.cities import (
    TARGET_COLUMNS,
    CityProfile,
    load_cities,
    published_people,
    validate_profiles,
)
from rvanalytics.exceptions import ProfileError
from rvanalytics.paths import repo_root

FIXTURES = Path(__file__).parent / "fixtures" / "cities"
REAL = repo_root() / "data" / "cities"


@pytest.fixture(scope="module")
def real() -> object:
    return load_cities(REAL)


@pytest.fixture(scope="module")
def recorded_targets(recorded_dir: Path) -> pd.DataFrame:
    return pd.read_csv(
        recorded_dir / "city-climate-targets" / "city_climate_targets.csv", dtype=str, keep_default_na=False
    )


def test_real_profiles_pass_validation() -> None:
    issues = validate_profiles(REAL, check_coverage=False)
    errors = [str(i) for i in issues if i.severity == "error"]
    assert errors == []
    # people are not in the public data: each profile must say so (warning), never invent them
    people = [i for i in issues if i.field == "people" and i.severity == "warning"]
    assert len(people) == 10


def test_real_profiles_cover_the_recorded_cohort(real, recorded_targets: pd.DataFrame) -> None:
    assert sorted(real.cities["code"]) == sorted(recorded_targets["kunta"].unique())
    assert sorted(real.targets["target_id"]) == sorted(recorded_targets["target_id"])


def test_real_targets_match_the_recorded_facts(real, recorded_targets: pd.DataFrame) -> None:
    t = real.targets.set_index("target_id")
    for rec in recorded_targets.to_dict("records"):
        row = t.loc[rec["target_id"]]
        assert row["city_code"] == rec["kunta"]
        assert row["target_year"] == int(rec["target_year"])
        if rec["baseline_year"]:
            assert row["baseline_year"] == int(rec["baseline_year"])
        else:
            assert pd.isna(row["baseline_year"])
        if rec["target_value"]:
            assert row["target_value"] == float(rec["target_value"])
        else:
            assert math.isnan(row["target_value"])
        url = rec["source_url"]
        if url.startswith("http"):
            assert row["source_url"] == url
        else:  # "github:owner/repo:path" written as a github.com address
            _, repo, path = url.split(":")
            assert repo in row["source_url"] and row["source_url"].endswith(path)
        assert row["source_quote"] and row["comparability_note"]


def test_real_scopes_and_indicators(real) -> None:
    t = real.targets.set_index("target_id")
    assert t.loc["hel-cn-2030", "scope"] == "city_inventory"  # "direct emissions", not Hinku
    assert "direct emissions" in t.loc["hel-cn-2030", "comparability_note"]
    assert t.loc["kuo-footprint-2030", "indicator"] == "consumption_footprint_per_capita_t"
    assert t.loc["kuo-footprint-2030", "scope"] == "consumption_based"
    assert t.loc["jkl-recycling-2030", ("indicator")] == "household_waste_recycling_rate_pct"
    assert t.loc["jkl-recycling-2030", "kind"] == "rate"
    assert t.loc["jns-cn-2025", "compensation_share_pct"] == 40
    # no numeric value in the sources: kept missing
    for tid in ("oulu-cn-2035", "tku-cn-2029", "lpr-cn-2030", "hel-zero-2040", "kuo-zero-2050"):
        assert math.isnan(t.loc[tid, "target_value"]), tid
    # baselines differ (1990 vs 2007 vs 2005): every such target names its baseline in the note
    for tid, row in t.iterrows():
        if not pd.isna(row["baseline_year"]) and row["kind"] != "qualitative":
            assert str(row["baseline_year"]) in row["comparability_note"] or "Baseline" in row["comparability_note"], tid


def test_targets_frame_contract(real) -> None:
    t = real.targets
    assert tuple(t.columns) == TARGET_COLUMNS
    assert str(t["baseline_year"].dtype) == "Int64"
    assert t["target_year"].dtype == "int64"
    for col in ("baseline_value", "target_value", "compensation_share_pct"):
        assert t[col].dtype == "float64"
    assert all(isinstance(x, list) for x in t["interim_targets"])
    assert set(t["scope"]) <= {"hinku", "alas_total", "city_inventory", "consumption_based", "other"}
    assert len(t) == 17


def test_cities_frame_names_from_key(real) -> None:
    c = real.cities.set_index("code")
    assert c.loc["179", "name_fi"] == "Jyväskylä"
    assert c.loc["853", "name_sv"] == "Åbo"
    assert c.loc["167", "region_code"] == "12"
    assert c.loc["405", "size_class"] == "50–100k"
    assert not c["people_known"].any()
    assert c["n_people"].isna().all()
    # key measures from the cities' public documents (imported, basis public_documents)
    assert c["key_measure_known"].all() and c["key_measure_title"].notna().all()
    assert c.loc["297", "n_targets"] == 4


def test_load_good_fixture_and_people_privacy() -> None:
    loaded = load_cities(FIXTURES / "good")
    p = loaded.profile("905")
    assert p.city.size_class == "50–100k"
    assert p.targets[0].interim_targets[1].value == 60
    row = loaded.cities.iloc[0]
    assert (row["n_people"], row["n_published_people"], row["key_measure_status"]) == (2, 1, "started")
    published = published_people(p)
    assert [x["name"] for x in published] == ["Test Person A"]
    assert "b@example.invalid" not in repr(loaded.published_people())
    roles = published_people(p, include_unpublished_roles=True, escape="html")
    assert roles[1]["name"] is None and roles[1]["email"] is None
    assert roles[1]["responsibility"] == "Low-carbon procurement &lt;criteria&gt; &amp; follow-up"
    # stored as given
    assert p.people_list[1].responsibility == "Low-carbon procurement <criteria> & follow-up"
    md = published_people(p, escape="markdown", include_unpublished_roles=True)[1]["responsibility"]
    assert "<" not in md and "\\-" in md
    with pytest.raises(KeyError):
        loaded.profile("091")


def test_load_cities_raises_on_error_with_file_and_line() -> None:
    with pytest.raises(ProfileError) as err:
        load_cities(FIXTURES / "bad" / "905-years.yaml")
    assert err.value.row is not None
    assert "905-years.yaml" in str(err.value)
    assert "not after baseline" in str(err.value)


def test_unknown_shorthand_and_known_flags() -> None:
    p = CityProfile.model_validate(
        {"city": {"code": "091"}, "people": "unknown", "key_measure": "unknown", "key_problem": {"unknown": "x"}}
    )
    assert not p.people_known and p.people_list == []
    assert p.key_problem.unknown == "x"


def test_key_sections_for_reports(real) -> None:
    from rvanalytics.cities import key_sections

    good = load_cities(FIXTURES / "good").profile("905")
    known = key_sections(good, escape="html")
    assert known["key_measure"]["known"] and known["key_measure"]["status"] == "started"
    assert "&lt;html&gt;" in known["key_measure"]["description"]
    assert known["key_problem"]["themes"] == ["transport", "land_use"]
    unknown = key_sections(CityProfile.model_validate(
        {"city": {"code": "091"}, "people": "unknown", "key_measure": {"unknown": "not in the public sources"},
         "key_problem": "unknown"}))
    assert unknown["key_measure"]["known"] is False and unknown["key_measure"]["title"] is None
    assert "public sources" in unknown["key_measure"]["unknown_reason"]
    assert unknown["responsible_unit"]["known"] is False
    public = key_sections(real.profile("091"))
    assert public["key_measure"]["basis"] == "public_documents" and public["key_measure"]["source"]["date"]
    assert public["responsible_unit"]["translations"]["fi"]
