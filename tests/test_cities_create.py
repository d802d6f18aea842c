"""Creating profiles: skeleton from the key, spreadsheet import (both layouts), overwrite protection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rvanalytics.cities import (
    CityProfile,
    import_spreadsheet,
    load_cities,
    new_profile,
    new_profile_text,
    read_spreadsheet,
    validate_profiles,
)
from rvanalytics.cities.yamlio import dump_yaml, hash_state, parse_yaml
from rvanalytics.cli import app
from rvanalytics.exceptions import DataFileError, ProfileError
from rvanalytics.key import load_key

FIX = Path(__file__).parent / "fixtures" / "cities"


def test_new_skeleton_is_valid_and_named_from_key(tmp_path: Path) -> None:
    path = new_profile("179", tmp_path)
    assert path.name == "179-jyvaskyla.yaml"
    text = path.read_text(encoding="utf-8")
    assert hash_state(text) == "generated"
    key = load_key(2026).set_index("code")
    assert key.loc["179", "name_sv"] in text and key.loc["179", "region_name_fi"] in text
    issues = validate_profiles(path, check_coverage=False)
    assert [i for i in issues if i.severity == "error"] == []
    assert {i.field for i in issues if i.severity == "warning"} == {"people", "targets"}
    profile = load_cities(path).profile("179")
    assert not profile.people_known and profile.targets == []


def test_new_refuses_to_overwrite_and_unknown_code(tmp_path: Path) -> None:
    path = new_profile("091", tmp_path)
    path.write_text(path.read_text() + "# my edit\n")
    with pytest.raises(ProfileError, match="already exists"):
        new_profile("091", tmp_path)
    assert path.read_text().endswith("# my edit\n")
    with pytest.raises(ProfileError, match="unknown municipality code '999'"):
        new_profile_text("999")


def test_new_with_older_key_year() -> None:
    # Pertunmaa (588) exists in the 2024 key but not in 2026
    assert "Pertunmaa" in new_profile_text("588", year=2024)
    with pytest.raises(ProfileError):
        new_profile_text("588", year=2026)


def test_cli_new(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["cities", "new", "49", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "049-espoo.yaml").exists()
    again = runner.invoke(app, ["cities", "new", "049", "--out", str(tmp_path)])
    assert again.exit_code != 0


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("applications_per_city.csv", "per_city"),
        ("applications_per_city.xlsx", "per_city"),
        ("applications_per_target.csv", "per_target"),
    ],
)
def test_import_layouts(tmp_path: Path, name: str, layout: str) -> None:
    result = import_spreadsheet(FIX / name, tmp_path)
    assert result.layout == layout
    assert sorted(p.name for p in result.written) == ["743-seinajoki.yaml", "905-vaasa.yaml"]
    loaded = load_cities(tmp_path)
    vaasa = loaded.profile("905")
    sein = loaded.profile("743")
    assert [t.id for t in vaasa.targets] == ["test-vaa-cn-2030", "test-vaa-rec-2030"]
    assert vaasa.targets[0].baseline_year == 2007 and vaasa.targets[0].target_value == 80
    assert vaasa.targets[0].interim_targets[-1].year == 2025
    assert len(vaasa.people_list) == 2 and vaasa.key_measure.title == "Test: city-bike network"
    # empty cells stay unknown, not invented
    assert not sein.people_known and not sein.key_measure_known and not sein.key_problem_known
    assert sein.targets[0].target_value is None and sein.targets[0].baseline_year is None
    if layout == "per_city":
        assert vaasa.people_list[0].publish is True and vaasa.people_list[1].publish is False
        assert str(vaasa.city.application_date) == "2026-03-15"
        assert vaasa.key_problem.themes == ["transport", "land_use"]


def test_import_is_idempotent_and_protects_edits(tmp_path: Path) -> None:
    src = FIX / "applications_per_target.csv"
    import_spreadsheet(src, tmp_path)
    again = import_spreadsheet(src, tmp_path)
    assert again.written == [] and len(again.unchanged) == 2
    # the other layout gives different text: unedited generated files may be regenerated
    other = import_spreadsheet(FIX / "applications_per_city.csv", tmp_path)
    assert len(other.written) == 2
    vaasa = tmp_path / "905-vaasa.yaml"
    vaasa.write_text(vaasa.read_text().replace("Test note.", "Edited by hand."))
    assert hash_state(vaasa.read_text()) == "edited"
    with pytest.raises(ProfileError, match="edited") as err:
        import_spreadsheet(src, tmp_path)
    assert "--overwrite" in str(err.value)
    assert "Edited by hand." in vaasa.read_text()  # nothing written
    forced = import_spreadsheet(src, tmp_path, overwrite=True)
    assert vaasa in forced.written and "Edited by hand." not in vaasa.read_text()


def test_import_refuses_to_replace_hand_written_profile(tmp_path: Path) -> None:
    shutil.copy(FIX / "good" / "905-vaasa.yaml", tmp_path / "905-vaasa.yaml")
    with pytest.raises(ProfileError, match="hand-written"):
        import_spreadsheet(FIX / "applications_per_target.csv", tmp_path)
    assert not (tmp_path / "743-seinajoki.yaml").exists()  # all or nothing


def test_import_bad_cells_name_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as err:
        import_spreadsheet(FIX / "applications_bad.csv", tmp_path)
    text = str(err.value)
    assert "row 2, column 'target_year': '20x0' is not a number" in text
    assert "row 3, column 'code': unknown municipality code '999'" in text
    assert list(tmp_path.iterdir()) == []


def test_import_schema_and_validation_errors_point_at_cells(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text(
        "code,target_id,theme,indicator,scope,kind,baseline_year,target_year,target_value,source_title,source_url\n"
        "905,a-1,climat,ghg_hinku_total_kt,hinku,pct_reduction,2007,2030,80,T,https://example.invalid\n"
        "905,a-2,climate,ghg_hinku_total_kt,hinku,pct_reduction,2007,2030,180,T,https://example.invalid\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(ProfileError) as err:
        import_spreadsheet(src, out)
    assert "row 2, column 'theme'" in str(err.value)
    src.write_text(src.read_text().replace("climat,", "climate,"))
    with pytest.raises(ProfileError) as err:
        import_spreadsheet(src, out)
    assert "row 3, column 'target_value'" in str(err.value) and "outside 0-100" in str(err.value)
    assert not out.exists() or list(out.iterdir()) == []


def test_import_unknown_column_and_conflicting_city_cells(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("code,target_id,colour\n905,x,red\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="colour"):
        import_spreadsheet(src, tmp_path)
    src.write_text(
        "code,target_id,theme,scope,kind,target_year,source_title,source_url,key_measure_title\n"
        "905,x-1,climate,other,qualitative,2030,T,https://e.invalid,Bikes\n"
        "905,x-2,climate,other,qualitative,2031,T,https://e.invalid,Buses\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="row 3, column 'key_measure_title'"):
        import_spreadsheet(src, tmp_path)


def test_read_spreadsheet_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        read_spreadsheet(tmp_path / "none.csv")
    bad = tmp_path / "a.ods"
    bad.write_text("x")
    with pytest.raises(DataFileError, match="unsupported"):
        read_spreadsheet(bad)


def test_cli_import(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["cities", "import", str(FIX / "applications_per_city.xlsx"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert runner.invoke(app, ["cities", "validate", "--no-coverage", str(tmp_path)]).exit_code == 0


# --------------------------------------------------------------------------- round trip

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\ufeff"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    role=_text,
    quote=_text,
    value=st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
    year=st.integers(min_value=1990, max_value=2100),
)
def test_dump_parse_round_trip(role: str, quote: str, value: float | None, year: int) -> None:
    """Any free text written by the importer reads back exactly as given."""
    data = {
        "schema_version": 1,
        "city": {"code": "091", "application_date": None, "size_class": None},
        "people": [{"role": role, "responsibility": quote, "organisation": "x", "publish": False}],
        "targets": [
            {
                "id": "t-1",
                "theme": "climate",
                "indicator": None,
                "scope": "other",
                "kind": "qualitative",
                "baseline_year": None,
                "target_year": year,
                "target_value": value,
                "interim_targets": [],
                "source": {"title": quote, "url": "https://e.invalid", "quote": role},
                "comparability_note": quote,
            }
        ],
        "key_measure": {"unknown": quote},
        "key_problem": {"unknown": role},
    }
    parsed = parse_yaml(dump_yaml(data))
    assert parsed.problems == []
    assert CityProfile.model_validate(parsed.data) == CityProfile.model_validate(data)
