"""Validation of city profiles: one test per kind of problem, with file, line and field path."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rvanalytics.cities import Issue, validate_profiles
from rvanalytics.cities.yamlio import parse_yaml
from rvanalytics.cli import app

BAD = Path(__file__).parent / "fixtures" / "cities" / "bad"
GOOD = Path(__file__).parent / "fixtures" / "cities" / "good"


def _line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing ``needle``."""
    hits = [
        i
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line and not line.lstrip().startswith("#")
    ]
    return hits[nth - 1]


def _issues(name: str, **kw) -> list[Issue]:
    kw.setdefault("check_coverage", False)
    return validate_profiles(BAD / name, **kw)


def _only(issues: list[Issue], severity: str) -> list[Issue]:
    return [i for i in issues if i.severity == severity]


def test_good_fixture_has_no_errors_or_warnings() -> None:
    issues = validate_profiles(GOOD, check_coverage=False)
    assert [i for i in issues if i.severity != "info"] == []


def test_unknown_municipality_code() -> None:
    path = BAD / "999-unknown-code.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.field == "city.code"
    assert err.line == _line_of(path, 'code: "999"')
    assert "unknown municipality code '999'" in err.message


def test_abolished_code_fix_names_old_municipality(tmp_path: Path) -> None:
    text = (BAD / "999-unknown-code.yaml").read_text().replace('"999"', '"588"')  # Pertunmaa, merged 2025
    f = tmp_path / "588-pertunmaa.yaml"
    f.write_text(text)
    [err] = _only(validate_profiles(f, check_coverage=False), "error")
    assert "Pertunmaa" in err.fix


def test_target_year_not_after_baseline() -> None:
    path = BAD / "905-years.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.field == "targets[1].target_year"
    assert err.line == _line_of(path, "target_year: 2030", nth=2)
    assert "target year 2030 is not after baseline year 2030" in err.message


def test_indicator_not_in_catalogue() -> None:
    path = BAD / "905-indicator.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.field == "targets[0].indicator"
    assert err.line == _line_of(path, "ghg_hinku_totl_kt")
    assert "ghg_hinku_total_kt" in err.fix  # close match suggested


def test_indicator_ids_can_be_given() -> None:
    issues = _issues("905-indicator.yaml", indicators=["ghg_hinku_totl_kt", "ghg_hinku_total_kt"])
    assert _only(issues, "error") == []


def test_two_targets_same_indicator_and_year_disagree() -> None:
    path = BAD / "905-conflict.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.field == "targets[1]"
    assert err.line == _line_of(path, "- id: t-2")
    assert "disagree on target_value (80.0 vs 60.0)" in err.message


def test_percentage_outside_0_100() -> None:
    path = BAD / "905-percent.yaml"
    errors = _only(_issues(path.name), "error")
    assert {e.field for e in errors} == {"targets[0].target_value", "targets[1].compensation_share_pct"}
    by_field = {e.field: e for e in errors}
    assert by_field["targets[0].target_value"].line == _line_of(path, "target_value: 120")
    assert "120 is outside 0-100" in by_field["targets[0].target_value"].message
    assert by_field["targets[1].compensation_share_pct"].line == _line_of(path, "compensation_share_pct: -5")


@pytest.mark.parametrize(("name", "count"), [("905-five-people.yaml", 5), ("905-one-person.yaml", 1)])
def test_people_count_outside_2_4_is_a_warning(name: str, count: int) -> None:
    issues = _issues(name)
    assert _only(issues, "error") == []
    [warn] = [i for i in issues if i.field == "people"]
    assert warn.severity == "warning"
    assert f"{count} people are listed" in warn.message
    assert warn.line == _line_of(BAD / name, "people:")


def test_python_tag_is_refused_and_not_executed(tmp_path: Path) -> None:
    path = BAD / "905-python-tag.yaml"
    marker = Path("/tmp/rvanalytics-pwned")
    marker.unlink(missing_ok=True)
    [err] = _only(_issues(path.name), "error")
    assert err.line == _line_of(path, "!!python/object")
    assert "'!!python/object/apply:os.system' is not allowed" in err.message
    assert err.field == "targets[0]"
    assert not marker.exists()


def test_local_tag_and_alias_are_refused() -> None:
    assert "not allowed" in parse_yaml("a: !secret x\n").problems[0].message
    problems = parse_yaml("a: &x [1]\nb: *x\n").problems
    assert problems and "aliases" in problems[0].message and problems[0].line == 2


def test_duplicate_key() -> None:
    path = BAD / "905-duplicate-key.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.field == "targets[0].target_year"
    assert err.line == _line_of(path, "target_year: 2035")
    assert f"first given on line {_line_of(path, 'target_year: 2030')}" in err.message


def test_syntax_error_has_a_line() -> None:
    path = BAD / "905-syntax.yaml"
    [err] = _only(_issues(path.name), "error")
    assert err.message.startswith("YAML syntax error")
    assert err.line is not None and err.line >= _line_of(path, "unclosed")


def test_schema_errors_name_field_and_line() -> None:
    path = BAD / "905-schema.yaml"
    errors = {e.field: e for e in _only(_issues(path.name), "error")}
    assert errors["targets[0].theme"].line == _line_of(path, "theme: climat")
    assert "'climate'" in errors["targets[0].theme"].fix
    assert errors["targets[0].sorce"].fix == "did you mean 'source'?"
    missing = errors["targets[0].source"]
    assert "required field 'source'" in missing.message
    assert missing.line == _line_of(path, "- id: t-1")  # points at the target missing it


@pytest.mark.parametrize(("written", "code"), [("020", "020"), ("91", "091"), ("091", "091")])
def test_unquoted_code_is_read_as_written(tmp_path: Path, written: str, code: str) -> None:
    # YAML 1.1 reads 020 as octal 16: the code must come from the text, with a warning to quote it
    f = tmp_path / f"{code}-x.yaml"
    f.write_text(f"city:\n  code: {written}\npeople: unknown\nkey_measure: unknown\nkey_problem: unknown\n")
    issues = validate_profiles(f, check_coverage=False)
    assert _only(issues, "error") == []
    if written != "091":  # "091" is not a valid number in YAML, so it is read as text already
        [warn] = [i for i in issues if i.field == "city.code"]
        assert warn.line == 2 and f'"{code}"' in warn.fix


def test_code_as_float_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "091-x.yaml"
    f.write_text("city:\n  code: 91.0\npeople: unknown\nkey_measure: unknown\nkey_problem: unknown\n")
    [err] = _only(validate_profiles(f, check_coverage=False), "error")
    assert err.field == "city.code" and err.line == 2


def test_baseline_outside_data_coverage_is_a_warning() -> None:
    panel = pd.DataFrame(
        {
            "level": "municipality",
            "code": "905",
            "year": [2005, 2010, 2024],
            "indicator": "ghg_hinku_total_kt",
            "value": [500.0, 450.0, 300.0],
        }
    )
    path = BAD / "905-coverage.yaml"
    issues = validate_profiles(path, panel=panel)
    assert _only(issues, "error") == []
    [warn] = [i for i in issues if i.field == "targets[0].baseline_year"]
    assert warn.severity == "warning"
    assert warn.line == _line_of(path, "baseline_year: 1990")
    assert "2005-2024" in warn.message
    # inside coverage: no warning
    ok = validate_profiles(BAD / "905-indicator.yaml", panel=panel, indicators=["ghg_hinku_totl_kt"])
    assert not [i for i in ok if "coverage" in i.message]


def test_no_store_gives_info_note_not_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RVANALYTICS_STORE", str(tmp_path / "no-store"))
    issues = validate_profiles(GOOD)
    notes = [i for i in issues if "coverage" in i.message]
    assert notes and all(i.severity == "info" for i in notes)


def test_duplicate_city_across_files(tmp_path: Path) -> None:
    good = (GOOD / "905-vaasa.yaml").read_text()
    (tmp_path / "905-a.yaml").write_text(good)
    (tmp_path / "905-b.yaml").write_text(good.replace("test-", "other-"))
    errors = _only(validate_profiles(tmp_path, check_coverage=False), "error")
    assert len(errors) == 1 and "already has a profile" in errors[0].message


def test_issue_format() -> None:
    i = Issue("error", "f.yaml", 3, "targets[0].id", "bad", "do this")
    assert str(i) == "f.yaml:3: targets[0].id: bad. Fix: do this [error]"


# --------------------------------------------------------------------------- CLI


def test_cli_validate_real_profiles_exit_0() -> None:
    result = CliRunner().invoke(app, ["cities", "validate", "--no-coverage"])
    assert result.exit_code == 0, result.output
    assert "[error]" not in result.output


def test_cli_validate_bad_exit_1_with_precise_lines() -> None:
    path = BAD / "905-years.yaml"
    result = CliRunner().invoke(app, ["cities", "validate", "--no-coverage", str(path)])
    assert result.exit_code == 1
    expected = f"{path}:{_line_of(path, 'target_year: 2030', nth=2)}: targets[1].target_year: target year 2030"
    assert expected in result.output
    assert "Fix:" in result.output


def test_cli_validate_warnings_exit_0_unless_strict() -> None:
    path = str(BAD / "905-five-people.yaml")
    assert CliRunner().invoke(app, ["cities", "validate", "--no-coverage", path]).exit_code == 0
    assert CliRunner().invoke(app, ["cities", "validate", "--no-coverage", "--strict", path]).exit_code == 1


def test_real_profiles_against_the_built_store(request: pytest.FixtureRequest) -> None:
    """With a store, baseline years are checked against the panel's coverage (no guessing)."""
    from rvanalytics.cities import load_cities
    from rvanalytics.store import load_panel

    store = request.getfixturevalue("store")
    real = Path(__file__).parent.parent / "data" / "cities"
    issues = validate_profiles(real, store=store)
    assert [str(i) for i in issues if i.severity == "error"] == []
    assert not [i for i in issues if "were not checked" in i.message]
    panel = load_panel(store)
    panel = panel[panel["value"].notna()]
    targets = load_cities(real).targets
    warned = {(i.file.rsplit("/", 1)[-1][:3], i.field) for i in issues if "coverage" in i.message}
    for t in targets.itertuples():
        if t.indicator is None or pd.isna(t.baseline_year):
            continue
        years = panel.loc[(panel["indicator"] == t.indicator) & (panel["code"] == t.city_code), "year"]
        if years.empty:
            years = panel.loc[panel["indicator"] == t.indicator, "year"]
        if years.empty:
            continue
        outside = not years.min() <= t.baseline_year <= years.max()
        i = [x.target_id for x in targets.itertuples() if x.city_code == t.city_code].index(t.target_id)
        assert ((t.city_code, f"targets[{i}].baseline_year") in warned) == outside, t.target_id


def test_size_class_checked_against_population_in_panel() -> None:
    panel = pd.DataFrame(
        {
            "level": "municipality",
            "code": "905",
            "year": [2020, 2024],
            "indicator": "population",
            "value": [65000.0, 120000.0],  # hand-made: latest year decides
        }
    )
    path = GOOD / "905-vaasa.yaml"  # says "50–100k"
    issues = validate_profiles(path, panel=panel)
    [warn] = [i for i in issues if i.field == "city.size_class"]
    assert warn.severity == "warning" and "'>100k'" in warn.message and "2024" in warn.message
    assert warn.line == _line_of(path, "size_class:")
    panel.loc[1, "value"] = 70000.0
    assert not [i for i in validate_profiles(path, panel=panel) if i.field == "city.size_class"]


def test_bom_and_crlf_from_windows_editors(tmp_path: Path) -> None:
    text = (GOOD / "905-vaasa.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    f = tmp_path / "905-vaasa.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    issues = validate_profiles(f, check_coverage=False)
    assert [i for i in issues if i.severity != "info"] == []
    bad = tmp_path / "905-bad.yaml"
    latin1 = (GOOD / "905-vaasa.yaml").read_text(encoding="utf-8").replace("Test Person A", "Jyväskylä")
    bad.write_bytes(latin1.encode("latin-1", "replace"))
    [err] = [i for i in validate_profiles(bad, check_coverage=False) if i.severity == "error"]
    assert "UTF-8" in err.message or "UTF-8" in err.fix
