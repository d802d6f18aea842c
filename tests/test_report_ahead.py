"""Figures drawn ahead in a forked process (report/story/ahead.py): same bytes, same page,
failures drawn again in the kernel, no child left behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rvanalytics.report import story as story_module
from rvanalytics.report.story import CityStory
from rvanalytics.report.story.ahead import FigureWorker, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="figures are drawn ahead on Linux only")

SECTIONS = ("header", "summary", "who", "targets_section", "theme_sections", "indicators_section",
            "compare_section", "map_section", "key_sections", "data_freshness", "sources")


def _run(store: Path, out: Path, *, ahead: bool, monkeypatch) -> tuple[list[str], CityStory]:
    shown: list[str] = []
    monkeypatch.setattr(story_module, "_html", shown.append)
    story = CityStory.load("167", store=str(store), lang="sv", out_dir=out, draw_ahead=ahead)
    for name in SECTIONS:
        method = getattr(story, name)
        method(after_themes=True) if name == "indicators_section" else method()
    story.write_metrics()
    return shown, story


def test_drawn_ahead_equals_drawn_in_the_kernel(store: Path, tmp_path: Path, monkeypatch) -> None:
    inline, _ = _run(store, tmp_path / "inline", ahead=False, monkeypatch=monkeypatch)
    ahead, story = _run(store, tmp_path / "ahead", ahead=True, monkeypatch=monkeypatch)
    assert story._ahead is not None and story._ahead.status == 0
    assert set(story._ahead.jobs) >= {"map-road-transport-ghg-per-capita-t", "theme-climate"}
    assert ahead == inline  # the page, images included
    names = sorted(p.name for p in (tmp_path / "inline" / "figures").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "ahead" / "figures").iterdir())
    for name in names:
        assert (tmp_path / "inline" / "figures" / name).read_bytes() == \
            (tmp_path / "ahead" / "figures" / name).read_bytes(), name


def _figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([1, 2], [3, 4])
    return fig


def test_a_failing_child_is_reported_and_the_figure_is_drawn_again(tmp_path: Path) -> None:
    worker = FigureWorker(tmp_path, {"fine": _figure, "broken": lambda: 1 / 0}).start()
    with pytest.warns(RuntimeWarning, match="ZeroDivisionError"):
        assert worker.png("broken") is None
    assert worker.status == 1
    assert worker.png("fine") is None  # the child failed: nothing of it is used
    assert not list(tmp_path.glob(".figures-ahead-error*"))


def test_jobs_are_drawn_and_others_are_not(tmp_path: Path) -> None:
    worker = FigureWorker(tmp_path, {"fine": _figure}).start()
    png = worker.png("fine")
    assert png is not None and png.startswith(b"\x89PNG")
    assert worker.png("not-a-job") is None
    assert worker.status == 0


def test_the_child_dies_with_its_kernel(tmp_path: Path) -> None:
    """A killed kernel (timeout, Ctrl-C) leaves no drawing process behind."""
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from rvanalytics.report.story.ahead import FigureWorker
        worker = FigureWorker({str(tmp_path)!r}, {{"slow": lambda: time.sleep(60)}}).start()
        print(worker.pid, flush=True)
        time.sleep(60)
    """)
    kernel = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(kernel.stdout.readline())
    kernel.kill()
    kernel.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = Path(f"/proc/{child}/status")
        if not status.exists() or "\nState:\tZ" in status.read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the drawing child {child} outlived its killed parent")


def test_children_nobody_asked_for_are_reaped_at_the_next_start(tmp_path: Path) -> None:
    """A story loaded again (JupyterLab) before its figures were used leaves no zombie behind."""
    from rvanalytics.report.story import ahead

    first = FigureWorker(tmp_path / "a", {"fine": _figure}).start()
    status = Path(f"/proc/{first.pid}/status")
    deadline = time.monotonic() + 30
    while "\nState:\tZ" not in status.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # until the child has exited (a zombie: nobody waited for it yet)
    assert "\nState:\tZ" in status.read_text()
    second = FigureWorker(tmp_path / "b", {"fine": _figure}).start()
    assert first.status == 0 and first not in ahead._UNWAITED
    assert not Path(f"/proc/{first.pid}").exists()  # reaped, not a zombie
    assert second.png("fine") is not None and second not in ahead._UNWAITED
