"""Batch of reports in a process pool: one failure never stops the others, skip-unchanged, --force, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rvanalytics.exceptions import ReportError
from rvanalytics.report import run_batch

NOTEBOOKS = Path(__file__).parent / "notebooks"
NAMES = {"091": "Helsinki", "999": "Rikki <b>kaupunki</b>", "837": "Tampere", "186": "Järvenpää"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("reports")
    result = run_batch(
        ["091", "999", "837", "186"],
        jobs=2,
        out_dir=out,
        notebook=NOTEBOOKS / "broken.ipynb",
        timeout=60,
        names=NAMES,
        progress=False,
        store=out / "no-store",
    )
    return result


def test_one_failure_does_not_stop_the_others(batch) -> None:
    statuses = {r.city_code: r.status for r in batch.results}
    assert statuses == {"091": "ok", "999": "failed", "837": "ok", "186": "ok"}
    broken = batch.failed[0]
    assert (broken.ename, broken.exec_count) == (
        "ValueError",
        4,
    )  # parameters, injected, x = 1, raise
    assert broken.cell_index is not None
    for code in ("091", "837", "186"):
        folder = next(r.folder for r in batch.results if r.city_code == code)
        assert (batch.out_dir / folder / "report.html").is_file()
    assert (batch.out_dir / "186-jarvenpaa").is_dir()
    assert not batch.ok
    assert "1 failed" in batch.summary()


def test_manifest_and_gallery_after_batch(batch) -> None:
    doc = json.loads(batch.manifest.read_text(encoding="utf-8"))
    assert doc["counts"]["failed"] == 1 and doc["counts"]["ok"] == 3
    assert doc["parameters"]["jobs"] == 2 and doc["parameters"]["lang"] == "fi"
    entry = next(r for r in doc["reports"] if r["city_code"] == "999")
    assert entry["ename"] == "ValueError" and entry["cell_index"] is not None
    assert "deliberately broken" in entry["evalue"]
    assert set(doc["timings"]["reports_s"]) == {"091", "999", "837", "186"}
    assert doc["package_version"]
    html = batch.index.read_text(encoding="utf-8")
    assert (
        len(re.findall(r'class="card( failed)?"', html)) == 4
        and html.count('class="card failed"') == 1
    )
    assert "Rikki &lt;b&gt;kaupunki&lt;/b&gt;" in html and "<b>kaupunki</b>" not in html
    assert batch.measures.is_file()


def test_unchanged_reports_are_skipped_unless_forced(batch) -> None:
    again = run_batch(
        ["091", "837"],
        jobs=1,
        out_dir=batch.out_dir,
        notebook=NOTEBOOKS / "broken.ipynb",
        timeout=60,
        names=NAMES,
        progress=False,
        store=batch.out_dir / "no-store",
    )
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert again.elapsed_s < 10
    # the manifest still lists the whole folder, the gallery still shows the failure
    doc = json.loads(again.manifest.read_text(encoding="utf-8"))
    assert len(doc["reports"]) == 4 and doc["counts"]["failed"] == 1
    # a changed parameter means a changed input: English runs again
    english = run_batch(
        ["091"],
        jobs=1,
        out_dir=batch.out_dir,
        notebook=NOTEBOOKS / "broken.ipynb",
        lang="en",
        timeout=60,
        names=NAMES,
        progress=False,
        store=batch.out_dir / "no-store",
    )
    assert english.results[0].status == "ok"
    forced = run_batch(
        ["091"],
        jobs=1,
        out_dir=batch.out_dir,
        notebook=NOTEBOOKS / "broken.ipynb",
        lang="en",
        force=True,
        timeout=60,
        names=NAMES,
        progress=False,
        store=batch.out_dir / "no-store",
    )
    assert forced.results[0].status == "ok"
    assert (
        forced.results[0].started != english.results[0].started or forced.results[0].duration_s > 0
    )


def test_bad_input_raises_before_any_report(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="parameters"):
        run_batch(
            ["091"], out_dir=tmp_path, notebook=NOTEBOOKS / "no_parameters.ipynb", progress=False
        )
    with pytest.raises(ReportError, match="3-digit"):
        run_batch(
            ["091", "../x"], out_dir=tmp_path, notebook=NOTEBOOKS / "good.ipynb", progress=False
        )
    with pytest.raises(ReportError, match="no cities"):
        run_batch([], out_dir=tmp_path, notebook=NOTEBOOKS / "good.ipynb", progress=False)
    assert not any(tmp_path.iterdir())


def test_cli_exits_non_zero_when_a_report_failed(tmp_path: Path) -> None:
    from rvanalytics.cli import app

    runner = CliRunner()
    args = [
        "report",
        "091",
        "999",
        "--out",
        str(tmp_path),
        "--notebook",
        str(NOTEBOOKS / "broken.ipynb"),
        "--timeout",
        "60",
        "--store",
        str(tmp_path / "no-store"),
        "--no-coverage-map",
        "--jobs",
        "1",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "FAILED 999" in result.output and "ValueError" in result.output
    assert (tmp_path / "index.html").is_file()
    ok = runner.invoke(
        app,
        [
            "report",
            "091",
            "--out",
            str(tmp_path),
            "--notebook",
            str(NOTEBOOKS / "broken.ipynb"),
            "--store",
            str(tmp_path / "no-store"),
            "--no-coverage-map",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "1 unchanged" in ok.output
    both = runner.invoke(app, ["report", "091", "--cohort", "fisu"])
    assert both.exit_code != 0
    no_store = runner.invoke(app, ["report", "091", "--store", str(tmp_path / "missing-store"), "--out", str(tmp_path)])
    assert no_store.exit_code != 0 and "data build" in str(no_store.exception)
    help_text = runner.invoke(app, ["report", "--help"])
    assert help_text.exit_code == 0 and "--cohort" in help_text.output


def test_cli_resolves_names_and_refuses_unknown_cities_before_any_kernel(store: Path) -> None:
    from rvanalytics.cli import app
    from rvanalytics.exceptions import ReportError
    from rvanalytics.report import select_cities

    chosen = select_cities(["joensuu", "Kuopio", "167", "Helsingfors", "91"], store=store)
    assert chosen.codes == ["167", "297", "091"]
    assert chosen.names == {"167": "Joensuu", "297": "Kuopio", "091": "Helsinki"}
    with pytest.raises(ReportError, match=r"'Joensu' is not a municipality of the 2026 division\. Did you mean Joensuu\?") as info:
        select_cities(["Joensu"], store=store)
    assert "--" not in str(info.value)  # library errors name no command-line option
    with pytest.raises(ReportError, match="exactly one") as info:
        select_cities(["091"], cohort="large-cities", store=store)
    assert "--" not in str(info.value)
    fisu = select_cities(cohort="fisu", store=store)
    assert fisu.kind == "cohort" and len(fisu.codes) == 13 and fisu.names["061"] == "Forssa"
    assert select_cities(cohort="large-cities", store=store).codes[:2] == ["091", "049"]


def test_cli_unknown_code_stops_the_early_kernel(store: Path, tmp_path: Path) -> None:
    """A single code starts its kernel before the key is read; a wrong code stops it again."""
    import psutil

    from rvanalytics.cli import app
    from rvanalytics.exceptions import ReportError

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "999", "--store", str(store), "--out", str(out)])
    assert isinstance(result.exception, ReportError) and "'999' is not a municipality" in str(result.exception)
    assert not out.exists()  # the kernel's temporary folder is gone, and the folder the call made
    for proc in psutil.Process().children(recursive=True):
        assert "ipykernel" not in " ".join(proc.cmdline()), proc.cmdline()
