"""``rvanalytics map ...`` with bad input: one line each (what, where, the fix), no traceback, no file.

Also the defaults of ``map indicator``: the latest year with data, a warning when few areas have
data, and ``--out x.html`` for the offline interactive map.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rvanalytics.cli import app

IND = "road_transport_ghg_per_capita_t"


def run(*args: str):
    return CliRunner().invoke(app, ["map", *args])


def assert_clean_failure(result, *words: str) -> str:
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, (result.exit_code, text, result.exception)
    assert "Traceback" not in text
    assert not isinstance(result.exception, (AttributeError, KeyError, TypeError, ValueError, OSError)), result.exception
    message = str(result.exception) if str(result.exception) not in ("2", "") else text
    text = " ".join(text.replace("│", " ").split())  # click's usage errors come in a wrapped box
    for word in words:
        assert word in message or word in text, (word, message, text)
    return message


@pytest.fixture(scope="module")
def store_args(store: Path) -> list[str]:
    return ["--store", str(store)]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--scheme", "user_defined", "--bins", "a,b"], ["'a' is not a number", "--bins 2,4,6"]),
        (["--scheme", "user_defined", "--bins", "6,4,2"], ["must increase", "2,4,6"]),
        (["--scheme", "user_defined", "--bins", "2,2,4"], ["must increase"]),
        (["--dpi", "0"], ["200–1200 dpi", "not 0"]),
        (["--dpi", "100000"], ["200–1200 dpi"]),
        (["--dpi", "x"], ["--dpi", "unable to parse string as an integer"]),
        (["--year", "1990"], ["no municipality values for 1990", "2005–2018"]),
        (["--level", "county"], ["municipality or region"]),
    ],
)
def test_indicator_bad_options(store_args, tmp_path, options, words):
    out = tmp_path / "m.png"
    result = run("indicator", IND, "--out", str(out), *options, *store_args)
    assert_clean_failure(result, *words)
    assert list(tmp_path.iterdir()) == []  # no partial or temporary file


def test_unknown_indicator_suggests(store_args, tmp_path):
    result = run("indicator", "road_transport_ghg_per_capita", "--out", str(tmp_path / "m.png"), *store_args)
    assert_clean_failure(result, "not in the store", IND)
    assert list(tmp_path.iterdir()) == []


def _outs(tmp_path: Path) -> list[tuple[str, list[str]]]:
    folder = tmp_path / "existing"
    folder.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return [
        (str(folder), ["is an existing folder", "give a file name"]),
        (str(blocker / "sub" / "m.png"), ["is a file", "folder cannot be made"]),
        (str(tmp_path / "m.docx"), ["cannot save a map as .docx", ".png"]),
        (str(tmp_path / "m"), ["without suffix"]),
        ("/proc/rvanalytics-map.png", ["/proc"]),  # a read-only place, also for root
    ]


@pytest.mark.parametrize("command", ["indicator", "coverage"])
def test_unusable_out(store_args, tmp_path, command):
    for out, words in _outs(tmp_path):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        args = ["indicator", IND] if command == "indicator" else ["coverage"]
        result = run(*args, "--out", out, *store_args)
        assert_clean_failure(result, *words)
        assert sorted(p.name for p in tmp_path.rglob("*")) == before, out


def test_coverage_bad_dpi(store_args, tmp_path):
    result = run("coverage", "--out", str(tmp_path / "c.png"), "--dpi", "5000", *store_args)
    assert_clean_failure(result, "200–1200 dpi")
    assert list(tmp_path.iterdir()) == []


def test_indicator_defaults_to_latest_year_and_warns_when_few_have_data(store_args, tmp_path):
    out = tmp_path / "hinku.png"
    result = run("indicator", "ghg_hinku_per_capita_t", "--out", str(out), *store_args)
    assert result.exit_code == 0, result.output
    assert "2024" in result.output and out.stat().st_size > 10_000
    warning = result.stderr if result.stderr_bytes is not None else result.output
    assert "warning: 13 of 308 municipalities have data for 2024" in warning
    out2 = tmp_path / "road.png"
    result = run("indicator", IND, "--out", str(out2), *store_args)
    assert result.exit_code == 0 and ", 2018," in result.output  # the road-transport series ends in 2018
    assert "warning" not in (result.stderr if result.stderr_bytes is not None else result.output)


@pytest.mark.parametrize(("lang", "words"), [("fi", ["tietovuosi 2018", "Lähteet", "Ei tietoa"]),
                                             ("sv", ["dataår 2018", "Källor"]),
                                             ("en", ["data year 2018", "Sources"])])
def test_indicator_html_is_the_offline_interactive_map(store_args, tmp_path, lang, words):
    from rvanalytics.maps import indicator_meta

    out = tmp_path / "x.html"
    result = run("indicator", IND, "--out", str(out), "--lang", lang, "--label-cohort", *store_args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and "Leaflet 1.9.3" in page
    legend = page[page.index('class="rv-legend"'):]
    assert f"{indicator_meta(IND, lang)['name']} ({indicator_meta(IND, lang)['unit']}), 2018" in legend
    assert "Syke" in legend and "1:4" in legend  # sources.yaml attributions: data and boundaries
    for word in words[:2]:
        assert word in legend, word
