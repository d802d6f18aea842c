"""Bad input to every non-report command: one line (what, where, the fix), exit status 2, no traceback,
nothing written. Plus the silent-result cases (decimal points, profile ranges, quotes) and
"reading never writes".

Each bad case runs the real CLI (typer's CliRunner on ``rvanalytics.cli.app``) and checks:

- a non-zero exit status, and the error came through the CLI's handler (a ``SystemExit``, not an
  exception escaping the command);
- exactly one ``error:`` line that names the place (file, column or option) and has ``Fix:``;
- no ``Traceback`` in the output;
- nothing new or changed under the test's folder (no partial files).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rvanalytics.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_PROFILE = FIXTURES / "cities" / "good" / "905-vaasa.yaml"
REAL = FIXTURES / "real"
runner = CliRunner()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with the SHA-256 of files (what a failed command must not change)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def junk(n: int = 3000, seed: int = 7) -> bytes:
    import random

    rnd = random.Random(seed)
    return bytes(rnd.randrange(256) for _ in range(n))


def profile_text(**replace: str) -> str:
    """The good test profile with lines replaced (``old=new`` pairs given as a dict of substrings)."""
    text = GOOD_PROFILE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def copy_store(store: Path, tmp: Path) -> Path:
    target = tmp / "store"
    shutil.copytree(store, target)
    return target


def truncate(path: Path, size: int = 100) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:size])


# Each case: id -> (setup(tmp, store) -> args, text the message must contain)
Setup = Callable[[Path, Path], list[str]]
CASES: dict[str, tuple[Setup, str]] = {}


def case(name: str, expect: str) -> Callable[[Setup], Setup]:
    def deco(fn: Setup) -> Setup:
        assert name not in CASES
        CASES[name] = (fn, expect)
        return fn
    return deco


# ------------------------------------------------------------------ data inspect: files nobody should give

for _suffix in ("bin", "json", "csv", "geojson", "txt"):
    case(f"inspect-junk-{_suffix}", f"junk.{_suffix}")(
        lambda tmp, store, s=_suffix: ["data", "inspect", str(write(tmp / "in" / f"junk.{s}", junk()))])


@case("inspect-junk-no-nul-bytes", "hibytes.csv")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "hibytes.csv", bytes([0x81, 0x8D, 0x90, 0xFF] * 200)))]


@case("inspect-directory", "adir")
def _(tmp, store):
    (tmp / "in" / "adir").mkdir(parents=True)
    return ["data", "inspect", str(tmp / "in" / "adir")]


@case("inspect-deep-json", "deep.json")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "deep.json", "[" * 100_000 + "]" * 100_000))]


@case("inspect-deep-json-other-suffix", "deep.txt")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "deep.txt", '{"a":' * 50_000 + "1" + "}" * 50_000))]


@case("inspect-json-huge-integer", "bigint.json")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "bigint.json", '{"class": "dataset", "value": [' + "9" * 6000 + "]}"))]


@case("inspect-geojson-huge-integer", "bigint.geojson")
def _(tmp, store):
    text = '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"kunta": ' + "9" * 5000 + "}}]}"
    return ["data", "inspect", str(write(tmp / "in" / "bigint.geojson", text))]


@case("inspect-empty-file", "empty.csv")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "empty.csv", ""))]


@case("inspect-html-error-page", "page.csv")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "page.csv", "<!DOCTYPE html><html><body>502</body></html>"))]


@case("inspect-missing-file", "nothing.csv")
def _(tmp, store):
    return ["data", "inspect", str(tmp / "in" / "nothing.csv")]


@case("inspect-truncated-geojson", "broken.geojson")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "broken.geojson", '{"type": "FeatureCollection", "features": ['))]


@case("inspect-truncated-gml", "broken.gml")
def _(tmp, store):
    text = '<?xml version="1.0"?><wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs"><gml:featureMember'
    return ["data", "inspect", str(write(tmp / "in" / "broken.gml", text))]


@case("inspect-zero-byte-geojson", "zero.geojson")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "zero.geojson", b""))]


@case("inspect-text-as-xlsx", "fake.xlsx")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "fake.xlsx", "code,year\n091,2023\n"))]


@case("inspect-junk-gpkg", "junk.gpkg")
def _(tmp, store):
    return ["data", "inspect", str(write(tmp / "in" / "junk.gpkg", junk(5000)))]


@case("inspect-semicolon-mixed-decimals", "row 2, column 'value'")
def _(tmp, store):
    text = "code;year;indicator;value;unit\n091;2023;household_waste_recycling_rate_pct;41.5;%\n049;2023;household_waste_recycling_rate_pct;38,2;%\n"
    return ["data", "inspect", str(write(tmp / "in" / "mixed.csv", text))]


@case("inspect-table-unknown-area-code", "column 'KUNTA'")
def _(tmp, store):
    text = "KUNTA;2022\nKU091;664028\nKU049;305274\nKU092;250000\nKU853;200000\nKU999;1\n"
    return ["data", "inspect", str(write(tmp / "in" / "areas.csv", text))]


@case("inspect-table-text-in-year-column", "'2022'")
def _(tmp, store):
    text = "Alue;2021;2022\n091 Helsinki;658457;lots\n049 Espoo;297132;305274\n"
    return ["data", "inspect", str(write(tmp / "in" / "wide.csv", text))]


# ------------------------------------------------------------------ data build: --extra and --store

DOC_ROW = "091,2023,household_waste_recycling_rate_pct,41.5,%,Helsingin kaupunki\n"
HEADER = "code,year,indicator,value,unit,source\n"


@case("build-extra-missing", "nothere.csv")
def _(tmp, store):
    return ["data", "build", "--offline", "--store", str(tmp / "s"), "--extra", str(tmp / "in" / "nothere.csv")]


@case("build-extra-binary", "junk.csv")
def _(tmp, store):
    return ["data", "build", "--offline", "--store", str(tmp / "s"), "--extra", str(write(tmp / "in" / "junk.csv", junk()))]


@case("build-extra-mixed-decimals", "column 'value'")
def _(tmp, store):
    text = "code;year;indicator;value;unit\n091;2023;household_waste_recycling_rate_pct;41.5;%\n049;2023;household_waste_recycling_rate_pct;38,2;%\n"
    return ["data", "build", "--offline", "--store", str(tmp / "s"), "--extra", str(write(tmp / "in" / "m.csv", text))]


@case("build-extra-unknown-code", "column 'code'")
def _(tmp, store):
    text = HEADER + "999,2023,household_waste_recycling_rate_pct,41.5,%,x\n"
    return ["data", "build", "--offline", "--store", str(tmp / "s"), "--extra", str(write(tmp / "in" / "u.csv", text))]


@case("build-extra-directory", "extra-dir")
def _(tmp, store):
    (tmp / "in" / "extra-dir").mkdir(parents=True)
    return ["data", "build", "--offline", "--store", str(tmp / "s"), "--extra", str(tmp / "in" / "extra-dir")]


@case("build-store-is-a-file", "--store")
def _(tmp, store):
    return ["data", "build", "--offline", "--store", str(write(tmp / "in" / "store.txt", "x"))]


@case("build-store-under-a-file", "--store")
def _(tmp, store):
    return ["data", "build", "--offline", "--store", str(write(tmp / "in" / "afile", "x") / "store")]


@case("build-store-unwritable", "/proc/")
def _(tmp, store):
    return ["data", "build", "--offline", "--store", "/proc/rvanalytics-test/store"]


# ------------------------------------------------------------------ damaged stores: status and every reader


def _damaged(damage: Callable[[Path], None], command: list[str]) -> Setup:
    def setup(tmp: Path, store: Path) -> list[str]:
        s = copy_store(store, tmp)
        damage(s)
        return [*command, "--store", str(s)]
    return setup


_DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "panel-truncated": (lambda s: truncate(s / "panel.parquet"), "panel.parquet"),
    "panel-zero-bytes": (lambda s: (s / "panel.parquet").write_bytes(b""), "panel.parquet"),
    "key-junk": (lambda s: (s / "key.parquet").write_bytes(junk()), "key.parquet"),
    "boundaries-2026-zero-bytes": (lambda s: (s / "municipalities" / "2026.parquet").write_bytes(b""), "2026.parquet"),
    "flags-missing": (lambda s: (s / "panel_flags.parquet").unlink(), "panel_flags.parquet"),
    "regions-simplified-truncated": (lambda s: truncate(s / "regions_simplified" / "2023.parquet", 2000), "2023.parquet"),
    "manifest-junk": (lambda s: (s / "manifest.json").write_bytes(junk()), "manifest.json"),
    "manifest-a-list": (lambda s: (s / "manifest.json").write_text("[1, 2]"), "manifest.json"),
    "manifest-empty-object": (lambda s: (s / "manifest.json").write_text("{}"), "manifest.json"),
}
for _name, (_damage, _where) in _DAMAGES.items():
    case(f"status-{_name}", _where)(_damaged(_damage, ["data", "status"]))

case("metrics-panel-truncated", "panel.parquet")(_damaged(lambda s: truncate(s / "panel.parquet"), ["metrics"]))
case("metrics-key-junk", "key.parquet")(_damaged(lambda s: (s / "key.parquet").write_bytes(junk()), ["metrics"]))
case("cohort-boundaries-truncated", "2026.parquet")(
    _damaged(lambda s: truncate(s / "municipalities" / "2026.parquet", 500), ["cohort", "select"]))
case("cohort-panel-zero-bytes", "panel.parquet")(
    _damaged(lambda s: (s / "panel.parquet").write_bytes(b""), ["cohort", "select"]))
case("cohort-key-truncated", "key.parquet")(_damaged(lambda s: truncate(s / "key.parquet"), ["cohort", "select"]))


# ------------------------------------------------------------------ --out that cannot be used


@case("metrics-out-existing-folder", "is an existing folder")
def _(tmp, store):
    (tmp / "out").mkdir()
    return ["metrics", "--store", str(store), "--out", str(tmp / "out")]


@case("metrics-out-under-a-file", "is a file")
def _(tmp, store):
    return ["metrics", "--store", str(store), "--out", str(write(tmp / "out" / "afile", "x") / "m.json")]


@case("metrics-out-unwritable", "/proc/")
def _(tmp, store):
    return ["metrics", "--store", str(store), "--out", "/proc/rvanalytics-test/m.json"]


@case("metrics-out-bad-suffix", "unknown format")
def _(tmp, store):
    return ["metrics", "--store", str(store), "--out", str(tmp / "out" / "m.txt")]


@case("cities-new-out-is-a-file", "is an existing file")
def _(tmp, store):
    return ["cities", "new", "091", "--out", str(write(tmp / "out" / "afile.txt", "x"))]


@case("cities-new-out-under-a-file", "is a file")
def _(tmp, store):
    return ["cities", "new", "091", "--out", str(write(tmp / "out" / "afile", "x") / "profiles")]


@case("cities-new-out-unwritable", "/proc/")
def _(tmp, store):
    return ["cities", "new", "091", "--out", "/proc/rvanalytics-test/profiles"]


@case("cities-import-out-is-a-file", "is an existing file")
def _(tmp, store):
    return ["cities", "import", str(FIXTURES / "cities" / "applications_per_city.csv"), "--out",
            str(write(tmp / "out" / "afile.txt", "x"))]


@case("cities-import-out-under-a-file", "is a file")
def _(tmp, store):
    return ["cities", "import", str(FIXTURES / "cities" / "applications_per_city.csv"), "--out",
            str(write(tmp / "out" / "afile", "x") / "profiles")]


@case("cities-import-junk-spreadsheet", "junk.xlsx")
def _(tmp, store):
    return ["cities", "import", str(write(tmp / "in" / "junk.xlsx", junk())), "--out", str(tmp / "out" / "p")]


# ------------------------------------------------------------------ profiles that must be refused (cities list)


def _profile_case(name: str, expect: str, **replace: str) -> None:
    def setup(tmp: Path, store: Path) -> list[str]:
        path = write(tmp / "in" / "profiles" / "905-vaasa.yaml", profile_text(**replace))
        return ["cities", "list", str(path)]
    case(f"profile-{name}", expect)(setup)


_BASE_KIND = "    kind: per_capita\n    baseline_year: null\n    target_year: 2030\n    target_value: 1.2\n"
_profile_case("target-value-inf", "target_value", **{_BASE_KIND: _BASE_KIND.replace("1.2", ".inf")})
_profile_case("target-value-minus-inf", "target_value", **{_BASE_KIND: _BASE_KIND.replace("1.2", "-.inf")})
_profile_case("target-value-1e308", "target_value", **{_BASE_KIND: _BASE_KIND.replace("1.2", "1e308")})
_profile_case("target-value-nan", "target_value", **{_BASE_KIND: _BASE_KIND.replace("1.2", ".nan")})
_profile_case("target-year-99999", "target_year", **{_BASE_KIND: _BASE_KIND.replace("2030", "99999")})
_profile_case("baseline-year-0", "baseline_year", **{"baseline_year: 2007": "baseline_year: 0"})
_profile_case("baseline-value-1e308", "baseline_value", **{"baseline_value: null": "baseline_value: 1e308"})
_profile_case("interim-year-99999", "interim_targets", **{"- {year: 2020, value: 40}": "- {year: 99999, value: 40}"})
_profile_case("url-javascript", "source.url",
              **{'url: "https://example.invalid/strategy"': 'url: "javascript:alert(document.cookie)"'})
_profile_case("url-javascript-mixed-case", "source.url",
              **{'url: "https://example.invalid/strategy"': 'url: "JaVaScRiPt:alert(1)"'})
_profile_case("url-data", "source.url",
              **{'url: "https://example.invalid/strategy"': 'url: "data:text/html,<script>alert(1)</script>"'})
_profile_case("url-leading-space-javascript", "source.url",
              **{'url: "https://example.invalid/strategy"': 'url: " javascript:alert(1)"'})
_profile_case("url-file", "source.url", **{'url: "https://example.invalid/strategy"': 'url: "file:///etc/passwd"'})


# ------------------------------------------------------------------ cohort inputs


@case("cohort-scores-binary", "scores.csv")
def _(tmp, store):
    return ["cohort", "select", "--store", str(store), "--scores", str(write(tmp / "in" / "scores.csv", junk()))]


@case("cohort-store-missing", "data build")
def _(tmp, store):
    return ["cohort", "select", "--store", str(tmp / "in" / "no-store")]


@case("metrics-store-missing", "data build")
def _(tmp, store):
    return ["metrics", "--store", str(tmp / "in" / "no-store")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_clear_line(name: str, tmp_path: Path, store: Path, monkeypatch) -> None:
    setup, expect = CASES[name]
    monkeypatch.setenv("RVANALYTICS_CITIES_DIR", str(FIXTURES / "cities" / "good"))
    args = setup(tmp_path, store)
    before = snapshot(tmp_path)
    store_before = snapshot(store)
    result = runner.invoke(app, args)
    output = result.output
    assert result.exit_code not in (0, None), output
    assert isinstance(result.exception, SystemExit), f"escaped: {result.exception!r}\n{output}"
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    line = errors[0]
    assert expect in line, line
    assert "Fix:" in line, line
    assert snapshot(tmp_path) == before, "files were written or changed by a failed command"
    assert snapshot(store) == store_before


def test_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


def test_bugs_still_show_their_traceback(monkeypatch) -> None:
    """The handler is for expected errors only: a programming error escapes with its own type."""
    import rvanalytics.inspect as inspect_module

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(inspect_module, "inspect_file", broken)
    result = runner.invoke(app, ["data", "inspect", str(GOOD_PROFILE)])
    assert isinstance(result.exception, KeyError)


# ------------------------------------------------------------------ silent wrong results, now right


@pytest.mark.parametrize(("cells", "expected"), [
    (["41.5", "38.2"], [41.5, 38.2]),                 # ';' file with decimal points: never 415
    (["41,5", "38,2"], [41.5, 38.2]),                 # decimal commas
    (["1.234,5", "2"], [1234.5, 2.0]),                # dot as thousands separator with a decimal comma
    (["1 234,5", "41"], [1234.5, 41.0]),              # space as thousands separator
    (["0.001", "12"], [0.001, 12.0]),                 # small numbers with a point stay small
])
def test_semicolon_file_decimals(tmp_path: Path, cells: list[str], expected: list[float]) -> None:
    from rvanalytics.readers import read_user_table

    rows = "".join(f"{code};2023;household_waste_recycling_rate_pct;{cell};%\n" for code, cell in zip(["091", "049"], cells))
    path = write(tmp_path / "t.csv", "code;year;indicator;value;unit\n" + rows)
    assert read_user_table(path)["value"].tolist() == expected


def test_semicolon_decimal_points_through_the_built_panel(tmp_path: Path) -> None:
    """The ×10 error end to end: a ';' table with 41.5 ends up as 41.5 in the store's panel."""
    from rvanalytics.store import build_store, load_panel

    path = write(tmp_path / "waste.csv", "code;year;indicator;value;unit\n091;2023;household_waste_recycling_rate_pct;41.5;%\n")
    build_store(tmp_path / "s", offline=True, progress=False, extra_tables=(path,))
    panel = load_panel(tmp_path / "s", indicators=["household_waste_recycling_rate_pct"])
    assert panel.query("code == '091' and year == 2023")["value"].item() == 41.5


def _documented_example() -> str:
    """The tidy-table example of docs/indicators.md, as written there."""
    text = (Path(__file__).parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    block = re.search(r"### Your own tables.*?```\n(.*?)```", text, re.S)
    assert block, "the documented example is gone from docs/indicators.md"
    return block.group(1)


def test_data_build_extra_with_the_documented_example(tmp_path: Path) -> None:
    path = write(tmp_path / "in" / "waste.csv", _documented_example())
    result = runner.invoke(app, ["data", "build", "--offline", "--store", str(tmp_path / "s"), "--extra", str(path)])
    assert result.exit_code == 0, result.output
    assert "household_waste_recycling_rate_pct" in result.output and "user:waste.csv" in result.output
    from rvanalytics.store import load_panel, read_manifest

    panel = load_panel(tmp_path / "s", indicators=["household_waste_recycling_rate_pct"])
    rows = panel.set_index("code")
    assert rows.loc["091", "value"] == 41.5 and rows.loc["091", "source"] == "Helsingin kaupunki"
    assert pd.isna(rows.loc["049", "value"]) and rows.loc["049", "status"] == ".."
    entry = next(s for s in read_manifest(tmp_path / "s")["sources"] if s["id"] == "user:waste.csv")
    assert entry["files"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_quote_is_none_not_nan() -> None:
    from rvanalytics.cities import load_cities

    targets = load_cities(FIXTURES / "cities" / "good", check_coverage=False).targets
    no_quote = targets.loc[targets["target_id"] == "test-road-2030", "source_quote"].item()
    assert no_quote is None
    assert "nan" not in {str(v) for v in targets["source_quote"].tolist() if v is not None}


def test_target_id_of_another_profile_is_an_error_even_when_one_file_is_loaded(tmp_path: Path, monkeypatch) -> None:
    """A report loads one city's file: a target id used by another profile of the folder still stops it."""
    from rvanalytics.cities import load_cities
    from rvanalytics.exceptions import ProfileError

    folder = tmp_path / "profiles"
    write(folder / "905-vaasa.yaml", GOOD_PROFILE.read_text(encoding="utf-8"))
    write(folder / "091-helsinki.yaml", profile_text(**{'code: "905"': 'code: "091"'}))
    monkeypatch.setenv("RVANALYTICS_CITIES_DIR", str(folder))
    with pytest.raises(ProfileError, match=r"091-helsinki.yaml, row \d+.*target id 'test-hinku-2030' is also used in"):
        load_cities([folder / "091-helsinki.yaml"], check_coverage=False)


def test_validate_reports_every_range_problem_with_line_and_fix(tmp_path: Path) -> None:
    text = profile_text(**{_BASE_KIND: _BASE_KIND.replace("1.2", ".inf").replace("2030", "99999"),
                           'url: "https://example.invalid/strategy"': 'url: "javascript:alert(1)"'})
    path = write(tmp_path / "905-vaasa.yaml", text)
    result = runner.invoke(app, ["cities", "validate", "--no-coverage", str(path)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.endswith("[error]")]
    assert any("targets[1].target_value" in e and "finite" in e and "Fix:" in e for e in errors), errors
    assert any("targets[1].target_year" in e and "99999" in e for e in errors), errors
    assert any("targets[0].source.url" in e and "javascript" in e for e in errors), errors
    assert all(re.match(r"^.+905-vaasa\.yaml:\d+: ", e) for e in errors), errors


# ------------------------------------------------------------------ reading never writes


def _gml_files(recorded_dir: Path) -> list[Path]:
    return sorted((recorded_dir / "statfi-wfs-kunta4500k-recorded").glob("*getfeature*gml2.xml"))


def test_reading_a_gml_copy_writes_nothing_beside_it(tmp_path: Path, recorded_dir: Path) -> None:
    source = _gml_files(recorded_dir)[0]
    assert source.stat().st_size > 0
    copy = tmp_path / "in" / source.name
    copy.parent.mkdir()
    shutil.copyfile(source, copy)  # a temporary copy outside the repository, deleted with tmp_path
    before = snapshot(copy.parent)
    result = runner.invoke(app, ["data", "inspect", str(copy)])
    assert result.exit_code == 0, result.output
    from rvanalytics.boundaries import read_boundaries

    read_boundaries(copy, year=2019)
    assert snapshot(copy.parent) == before  # no .gfs sidecar
    assert not list(copy.parent.glob("*.gfs"))


def test_reading_recorded_files_changes_nothing_in_their_folder(recorded_dir: Path) -> None:
    folder = recorded_dir / "statfi-wfs-kunta4500k-recorded"
    before = snapshot(folder)
    from rvanalytics.boundaries import read_boundaries

    for path in _gml_files(recorded_dir):
        read_boundaries(path, year=int(re.search(r"(20\d\d)", path.name).group(1)))
    assert snapshot(folder) == before


# ------------------------------------------------------------------ the files people have


@pytest.mark.parametrize(("name", "text", "column", "codes", "layout"), [
    ("kunta-integers-year-first", "Vuosi;KUNTA;asukkaat\n2022;91;664028\n2022;49;305274\n",
     "'KUNTA': municipality integer codes", {"091", "049"}, "long: years in column 'Vuosi'"),
    ("id-ku-prefixed", "id,value\nKU091,41.5\nKU049,38.0\n", "'id': municipality KU-prefixed codes", {"091", "049"},
     "no year column"),
    ("code-and-name-wide", 'Alue;Tiedot;2021;2022\n"091 Helsinki";Väkiluku;658457;664028\n"049 Espoo";Väkiluku;297132;305274\n',
     "'Alue': municipality code and name", {"091", "049"}, "wide: years as columns"),
    ("kommun-swedish-names-tab", "Kommun\tÅr\tInvånare\nHelsingfors\t2022\t664028\nEsbo\t2022\t305274\n",
     "'Kommun': municipality names", {"091", "049"}, "long: years in column 'År'"),
    ("kuntanro-zero-padded-category-first", "Sukupuoli;kuntanro;2023\nMiehet;091;320000\nNaiset;091;344000\nMiehet;049;150000\n",
     "'kuntanro': municipality codes", {"091", "049"}, "wide: years as columns"),
    ("finnish-names-with-title-line", '"Väestö kunnittain"\n\n"Kunta","2022"\n"Helsinki",664028\n"Turku",200000\n',
     "'Kunta': municipality names", {"091", "853"}, "wide: years as columns"),
    ("region-codes", "maakunta,nimi,khk\n01,Uusimaa,1.5\n02,Varsinais-Suomi,2.5\n",
     "'maakunta': region 2-digit codes", {"01", "02"}, "no year column"),
])
def test_inspect_finds_the_area_column_by_content(tmp_path: Path, name: str, text: str, column: str,
                                                  codes: set[str], layout: str) -> None:
    from rvanalytics.inspect import inspect_file
    from rvanalytics.readers.generic import read_any_table

    path = write(tmp_path / f"{name}.csv", text)
    report = inspect_file(path)
    assert report["area column"].startswith(column), report
    assert report["layout"] == layout
    rows, _ = read_any_table(path)
    assert set(rows["code"]) == codes
    assert all(re.match(r".+: \d+ rows, \d+ areas.*values ", line) for line in report["per indicator"])


def test_inspect_per_indicator_range_shows_a_times_ten_error(tmp_path: Path) -> None:
    from rvanalytics.inspect import inspect_file

    path = write(tmp_path / "t.csv", "kunta;osuus\n091;41.5\n049;38.2\n092;415\n")
    (line,) = inspect_file(path)["per indicator"]
    assert line == "osuus: 3 rows, 3 areas, values 38.2 … 415"


def test_real_national_table_from_pxweb(tmp_path: Path) -> None:
    """Statistics Finland 128c as saved from PxWeb (title line, blank line, wide, no area column)."""
    result = runner.invoke(app, ["data", "inspect", str(REAL / "statfin_128c_income_deciles_national.csv")])
    assert result.exit_code == 0, result.output
    assert "national table" in result.output and "wide: years as columns" in result.output
    assert "category columns: Information, Decile" in result.output
    assert "6. GROSS INCOME, mean | X (Highest-income 10 %): 4 rows, 1 areas, years 2020–2023, values 180001 … 204650" \
        in result.output


def test_topojson_without_crs() -> None:
    # hand-made (tests/fixtures/real/NOTE.md says why not Yle's real file): 19 squares, codes in 'maakunta'
    result = runner.invoke(app, ["data", "inspect", str(REAL.parent / "handmade_regions_no_crs.topo.json")])
    assert result.exit_code == 0, result.output
    assert "crs: none given" in result.output
    assert "area column: 'maakunta': region 2-digit codes (19 of 19 cells" in result.output
    bounds = [float(v) for v in re.search(r"bounds \(EPSG:3067\): (.+)", result.output).group(1).split(",")]
    assert 0 < bounds[0] < bounds[2] < 800_000 and 6_500_000 < bounds[1] < bounds[3] < 7_850_000


def test_recorded_geojson_with_crs(recorded_dir: Path) -> None:
    path = recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json"
    result = runner.invoke(app, ["data", "inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "crs: EPSG:" in result.output and "division years the codes fit exactly: " in result.output


def test_find_area_column_ignores_category_integers() -> None:
    from rvanalytics.readers.generic import find_area_column

    frame = pd.DataFrame({"decile": [str(i) for i in range(1, 11)], "kunta": ["091"] * 10, "v": ["1"] * 10})
    assert find_area_column(frame).column == "kunta"
    assert find_area_column(pd.DataFrame({"decile": [str(i) for i in range(1, 11)]})) is None


def test_status_of_a_good_store_still_works(store: Path) -> None:
    result = runner.invoke(app, ["data", "status", "--store", str(store)])
    assert result.exit_code == 0, result.output
