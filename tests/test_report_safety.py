"""Nothing lost, nothing hanging: failed re-runs keep the last good report, foreign --out
folders are refused, unusable --out paths are one line, Ctrl-C stops a batch within seconds,
progress lines arrive as each city finishes even when the output is piped to a file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rvanalytics.exceptions import OutputError
from rvanalytics.report import run_batch
from rvanalytics.report.batch import plan_batch, usable_cpus
from rvanalytics.report.outdir import RECORD_FILE, foreign_entries

NOTEBOOKS = Path(__file__).parent / "notebooks"
NAMES = {"091": "Helsinki", "999": "Rikki", "837": "Tampere", "186": "Järvenpää"}
RVANALYTICS = Path(sys.executable).parent / "rvanalytics"


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` by relative path (the folder's exact content)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _batch(out: Path, notebook: str, codes: list[str], **kw):
    kw.setdefault("timeout", 60)
    return run_batch(
        codes,
        out_dir=out,
        notebook=NOTEBOOKS / notebook,
        names=NAMES,
        store=out.parent / "no-store",
        force=True,
        **kw,
    )


# --- loss ---------------------------------------------------------------------------------


def test_failed_rerun_keeps_the_last_good_report_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = _batch(out, "good.ipynb", ["999", "091"], lang="en")
    assert [r.status for r in first.results] == ["ok", "ok"]
    folder = out / "999-rikki"
    before = tree_hashes(folder)
    assert "report.html" in before and "result.json" in before

    # the same city, now failing in the notebook's code
    again = _batch(out, "broken.ipynb", ["999"], lang="en")
    failed = again.results[0]
    assert failed.status == "failed" and failed.ename == "ValueError"
    assert tree_hashes(folder) == before  # the good report is untouched
    assert failed.last_good == first.results[0].finished
    assert failed.failed_run == "failed-runs/999-rikki"
    assert "Traceback" in (out / "failed-runs" / "999-rikki" / "report.ipynb").read_text("utf-8")

    doc = json.loads(again.manifest.read_text(encoding="utf-8"))
    entry = next(e for e in doc["reports"] if e["city_code"] == "999")
    assert entry["status"] == "failed" and entry["html"] == "999-rikki/report.html"
    assert entry["note"].startswith(f"last good report from {failed.last_good[:10]}")
    assert "this run failed: ValueError" in entry["note"]
    assert entry["notebook"] == "failed-runs/999-rikki/report.ipynb"
    html = again.index.read_text(encoding="utf-8")
    assert f"Last good report from {failed.last_good[:10]}; this run failed:" in html
    assert 'href="999-rikki/report.html">Open the last good report' in html
    assert "deliberately broken city 999" in html

    # a timeout on the next run: still the same good report
    slow = _batch(out, "slow.ipynb", ["999"], timeout=3, lang="en")
    assert slow.results[0].status == "failed" and slow.results[0].ename == "Timeout"
    assert tree_hashes(folder) == before
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".old"))]

    # success again: the new report replaces the old one and the failed run is cleared away
    fixed = _batch(out, "good.ipynb", ["999"], lang="en")
    assert fixed.results[0].status == "ok" and fixed.results[0].last_good is None
    assert tree_hashes(folder) != before
    assert not (out / "failed-runs" / "999-rikki").exists()


def test_failure_without_an_earlier_report_shows_the_partial_one(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    batch = _batch(out, "broken.ipynb", ["999"])
    result = batch.results[0]
    assert result.status == "failed" and result.last_good is None and result.failed_run is None
    assert (out / "999-rikki" / "report.html").is_file()  # with its error notice
    assert not (out / "failed-runs" / "999-rikki").exists()


# --- foreign and unusable --out folders -----------------------------------------------------


def _foreign_folder(root: Path) -> Path:
    out = root / "mine"
    out.mkdir()
    (out / "index.html").write_text("<h1>my own home page</h1>", encoding="utf-8")
    (out / "manifest.json").write_text('{"built_at": "2026-01-01", "sources": []}', encoding="utf-8")
    (out / "panel.parquet").write_bytes(b"PAR1 not really")
    (out / "091-helsinki").mkdir()
    (out / "091-helsinki" / "notes.txt").write_text("keep me", encoding="utf-8")
    return out


def test_foreign_out_folder_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    out = _foreign_folder(tmp_path)
    before = tree_hashes(out)
    assert foreign_entries(out) == ["091-helsinki", "index.html", "manifest.json", "panel.parquet"]
    with pytest.raises(OutputError, match="did not write") as info:
        _batch(out, "good.ipynb", ["091"])
    assert "--" not in str(info.value)  # a library error names no command-line option
    assert tree_hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted({p.split("/")[0] for p in before})

    from rvanalytics.cli import app

    result = CliRunner().invoke(
        app, ["report", "091", "--out", str(out), "--notebook", str(NOTEBOOKS / "good.ipynb"),
              "--store", str(tmp_path / "no-store"), "--no-coverage-map"],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "did not write" in result.output
    assert tree_hashes(out) == before


def test_foreign_out_folder_written_when_explicitly_allowed(tmp_path: Path) -> None:
    out = _foreign_folder(tmp_path)
    (out / "091-helsinki").rename(out / "my-notes")
    batch = _batch(out, "good.ipynb", ["091"], allow_foreign=True)
    assert batch.ok and (out / "091-helsinki" / "report.html").is_file()
    assert "my own home page" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "my-notes" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    record = json.loads((out / RECORD_FILE).read_text(encoding="utf-8"))
    assert {"index.html", "manifest.json", "091-helsinki"} <= set(record["written"])
    assert "my-notes" not in record["written"] and "panel.parquet" not in record["written"]


def test_own_and_earlier_version_folders_are_accepted(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    _batch(out, "good.ipynb", ["091"])
    assert foreign_entries(out) == []
    # a folder made before the record existed: recognised by its manifest and result.json
    (out / RECORD_FILE).unlink()
    assert foreign_entries(out) == []
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert foreign_entries(out) == ["notes.txt"]


@pytest.mark.parametrize("case", ["file", "under-a-file", "read-only"])
def test_unusable_out_is_one_line(tmp_path: Path, case: str) -> None:
    from rvanalytics.cli import app

    a_file = tmp_path / "a.txt"
    a_file.write_text("x", encoding="utf-8")
    target = {
        "file": a_file,
        "under-a-file": a_file / "reports",
        "read-only": Path("/sys/rvanalytics-reports-test"),
    }[case]
    with pytest.raises(OutputError) as info:
        _batch(target, "good.ipynb", ["091"])
    assert str(target) in str(info.value) and "Fix:" in str(info.value)
    result = CliRunner().invoke(
        app, ["report", "091", "--out", str(target), "--notebook", str(NOTEBOOKS / "good.ipynb"),
              "--no-coverage-map"],
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Fix:" in lines[0], lines
    assert a_file.read_text(encoding="utf-8") == "x"


# --- jobs cap, progress, Ctrl-C -----------------------------------------------------------------


def test_jobs_are_capped_at_the_usable_cpus(tmp_path: Path) -> None:
    cpus = usable_cpus()
    assert cpus == len(os.sched_getaffinity(0))
    plan = plan_batch(
        ["091"], jobs=cpus + 7, out_dir=tmp_path / "r", notebook=NOTEBOOKS / "good.ipynb",
        names=NAMES, store=tmp_path / "no-store",
    )
    assert plan.jobs == cpus
    assert plan.notes == [f"{cpus + 7} worker processes asked for, {cpus} used: this process may use {cpus} CPU(s)"]
    assert plan_batch(["091"], jobs=1, out_dir=tmp_path / "r", notebook=NOTEBOOKS / "good.ipynb",
                      names=NAMES, store=tmp_path / "no-store").notes == []


def _lines_as_they_come(proc: subprocess.Popen, lines: list[tuple[float, str]]) -> threading.Thread:
    def read() -> None:
        for raw in proc.stdout:
            lines.append((time.monotonic(), raw.rstrip("\n")))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _report_cmd(out: Path, notebook: str, *codes: str, jobs: int) -> list[str]:
    return [str(RVANALYTICS), "report", *codes, "--out", str(out), "--notebook",
            str(NOTEBOOKS / notebook), "--store", str(out.parent / "no-store"), "--jobs", str(jobs),
            "--no-coverage-map", "--timeout", "120"]


def test_piped_progress_is_one_flushed_line_per_city(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    proc = subprocess.Popen(
        _report_cmd(out, "broken.ipynb", "091", "999", "837", jobs=1),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[tuple[float, str]] = []
    reader = _lines_as_they_come(proc, lines)
    proc.wait(timeout=120)
    ended = time.monotonic()
    reader.join(5)
    text = [line for _, line in lines]
    assert proc.returncode == 1, (text, proc.stderr.read())
    # no store here, so no names: the code says which city it is
    assert re.fullmatch(r"\[1/3\] 091: ok in \d+\.\d s", text[0]), text
    assert re.fullmatch(r"\[2/3\] 999: FAILED in \d+\.\d s: cell \d+: ValueError: .*city 999", text[1]), text
    assert re.fullmatch(r"\[3/3\] 837: ok in \d+\.\d s", text[2]), text
    assert text[3].startswith("3 report(s): 2 made") and len(text) == 4
    # each city's line arrived when it finished, not all at the end
    assert ended - lines[0][0] > 1.0, lines


@pytest.mark.parametrize("jobs", [2, 1])
def test_ctrl_c_stops_the_batch_within_seconds_and_keeps_what_finished(tmp_path: Path, jobs: int) -> None:
    import psutil

    out = tmp_path / "reports"
    proc = subprocess.Popen(
        _report_cmd(out, "slow_unless_091.ipynb", "091", "837", "186", jobs=jobs),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    lines: list[tuple[float, str]] = []
    reader = _lines_as_they_come(proc, lines)
    deadline = time.monotonic() + 90
    while not lines and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert lines and "091" in lines[0][1] and ": ok in" in lines[0][1], lines
    time.sleep(1.5)  # the slow cities' kernels are running now
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    reader.join(5)
    stderr = proc.stderr.read()
    assert proc.returncode == 130, stderr
    assert took < 8, took
    assert "Traceback" not in stderr and stderr.strip().startswith("interrupted: 3 report(s): 1 made"), stderr
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(e["city_code"], e["status"]) for e in doc["reports"]] == [("091", "ok")]
    assert (out / "091" / "report.html").is_file()  # no store, so no name in the folder's name
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('<article class="card') == 1 and 'id="city-091"' in html
    leftovers = sorted(
        p.name for p in out.iterdir()
        if p.name not in ("091", RECORD_FILE, "index.html", "measures.html", "manifest.json")
    )
    assert leftovers == [], leftovers
    # no kernel keeps running in the reports' temporary folders
    time.sleep(0.5)
    for p in psutil.process_iter(["cwd"]):
        cwd = p.info.get("cwd") or ""
        assert not cwd.startswith(str(out)), (p.pid, cwd)


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    import os
    import time

    from rvanalytics.report.batch import remove_stale_temporaries

    old = tmp_path / ".167-joensuu.ab12_x.tmp"
    young = tmp_path / ".091-helsinki.cd34.tmp"
    other = tmp_path / ".my-notes.tmp"
    for folder in (old, young, other):
        folder.mkdir()
        (folder / "report.html").write_text("partial", encoding="utf-8")
    past = time.time() - 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    assert remove_stale_temporaries(tmp_path, older_than_s=600) == 1
    assert not old.exists() and young.exists() and other.exists()  # a running batch's and the user's stay


def test_the_checkouts_reports_folder_with_its_readme_is_usable(tmp_path: Path, monkeypatch) -> None:
    """A fresh clone's reports/ holds the tracked README.md: the main command must write there."""
    from rvanalytics import paths
    from rvanalytics.exceptions import OutputError
    from rvanalytics.report.outdir import check_out_dir

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "README.md").write_text("# reports/\n", encoding="utf-8")
    monkeypatch.setattr(paths, "reports_dir", lambda: reports)
    assert check_out_dir(reports) == reports
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "README.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError, match="README.md"):
        check_out_dir(other)  # anywhere else a README is the user's file


def test_a_refused_call_leaves_no_new_folder(store: Path, tmp_path: Path) -> None:
    """An unknown cohort or city stops before any report: the --out folder it created is gone again."""
    from rvanalytics.report import make_reports

    for kwargs in ({"cohort": "nope"}, {"cities": ["999"]}):
        out = tmp_path / f"new-{len(kwargs)}-{next(iter(kwargs))}"
        with pytest.raises(Exception, match="nope|999"):
            make_reports(out_dir=out, store=store, **kwargs)
        assert not out.exists()
    kept = tmp_path / "mine"
    kept.mkdir()
    with pytest.raises(Exception, match="999"):
        make_reports(["999"], out_dir=kept, store=store)
    assert kept.is_dir()  # a folder that was there stays
