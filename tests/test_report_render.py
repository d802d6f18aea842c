"""Render the gallery and a report in headless Chromium and fail on a broken page.

Skipped (with the reason) only when no Chromium is installed; CI installs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rvanalytics.report import run_batch

NOTEBOOKS = Path(__file__).parent / "notebooks"
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install -y chromium) - page rendering not checked",
)


def screenshot(html: Path, png: Path, profile: Path, size: str = "1600,1000") -> Path:
    """Render ``html`` with headless Chromium to ``png``."""
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        f"--window-size={size}",
        "--hide-scrollbars",
        html.resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=90, capture_output=True)
    assert png.is_file() and png.stat().st_size > 0, f"no screenshot of {html}"
    return png


def page_problems(png: Path, html_text: str) -> list[str]:
    """What is wrong with a rendered page: blank image, tracebacks, warnings, code cells."""
    import numpy as np
    from PIL import Image

    problems = []
    img = np.asarray(Image.open(png).convert("L"), dtype=float)
    background = np.median(img)
    ink = float((np.abs(img - background) > 40).mean())
    if ink < 0.005:
        problems.append(
            f"{png.name}: page looks blank ({ink:.2%} of pixels differ from the background)"
        )
    for pattern, what in [
        (r"Traceback", "a traceback"),
        (r"\bWarning\b", "a warning"),
        (r"In&nbsp;\[|In \[\d*\]", "an input prompt"),
        (r'class="[^"]*\binput_area\b', "a code cell"),
        (r"\bimport [a-z_]+", "code text"),
        (r"\{\{|\}\}|\{%", "unrendered template syntax"),
    ]:
        if re.search(pattern, html_text):
            problems.append(f"{png.name}: the HTML contains {what}")
    return problems


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("render")
    names = {"091": "Helsinki", "186": "Järvenpää", "999": "Rikki"}
    batch = run_batch(
        list(names),
        jobs=1,
        out_dir=out,
        notebook=NOTEBOOKS / "good.ipynb",
        names=names,
        progress=False,
        store=out / "no-store",
        timeout=60,
    )
    assert batch.ok
    return out


def test_gallery_and_report_render(rendered: Path, tmp_path: Path) -> None:
    pages = [
        rendered / "index.html",
        rendered / "186-jarvenpaa" / "report.html",
        rendered / "measures.html",
    ]
    problems = []
    for i, page in enumerate(pages):
        png = screenshot(page, tmp_path / f"page{i}.png", tmp_path / "profile")
        problems += page_problems(png, page.read_text(encoding="utf-8"))
    assert not problems, problems
    assert "Järvenpää" in pages[0].read_text(encoding="utf-8")


def test_checker_catches_a_broken_page(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><pre>Traceback (most recent call last):\nimport os</pre></body></html>",
        encoding="utf-8",
    )
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body></body></html>", encoding="utf-8")
    p_bad = page_problems(
        screenshot(bad, tmp_path / "bad.png", tmp_path / "profile"), bad.read_text()
    )
    p_blank = page_problems(
        screenshot(blank, tmp_path / "blank.png", tmp_path / "profile"), blank.read_text()
    )
    assert any("traceback" in p for p in p_bad) and any("code text" in p for p in p_bad)
    assert any("blank" in p for p in p_blank)
