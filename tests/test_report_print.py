"""Print: a real city report and the gallery printed to A4 PDF in headless Chromium keep every table column.

Chromium leaves out of the PDF whatever is clipped on paper (a table wider than the page in a
scrolling wrapper keeps only the columns that fit), so "every header cell's text is in the PDF
text" means every column is on paper. Skipped (with the reason) only when Chromium is not
installed; ``scripts/test.sh`` installs it.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rvanalytics.report import run_batch

pypdf = pytest.importorskip("pypdf", reason="pypdf is a dev dependency: pip install -e '.[dev]'")

from test_report_render import CHROMIUM  # noqa: E402

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install -y chromium) - printing not checked",
)

A4_PT = (595.3, 841.9)
_SPACE = re.compile(r"[\s\u00a0\u202f\u2009\u00ad]+")


def squash(text: str) -> str:
    """Text without any whitespace: a header wrapped over two lines on paper still matches."""
    return _SPACE.sub("", text)


def print_pdf(html: Path, pdf: Path, profile: Path) -> Path:
    """Print ``html`` to ``pdf`` as Chromium's "Save as PDF" does (page size from the CSS ``@page``)."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
           "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    subprocess.run(cmd, check=True, timeout=120, capture_output=True)
    assert pdf.is_file() and pdf.stat().st_size > 0, f"no PDF of {html}"
    return pdf


class _Tables(HTMLParser):
    """Per table: header cell texts and the first body row's cell texts; and the h1-h3 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[str]]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._row: list[str] = []
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append({"header": [], "first_row": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            if self._in_head:
                table["header"] = self._row
            elif not table["first_row"]:
                table["first_row"] = self._row
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)


def tables_and_headings(html_text: str) -> _Tables:
    parser = _Tables()
    parser.feed(html_text)
    return parser


def pdf_text(pdf: Path) -> tuple[str, list[tuple[float, float]]]:
    """All text of the PDF (pages in order) and each page's size in points."""
    reader = pypdf.PdfReader(pdf)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return "\n".join(p.extract_text() or "" for p in reader.pages), sizes


def missing_on_paper(html: Path, pdf: Path) -> list[str]:
    """Every header cell, the first row's last cell of every table and every heading not found in the PDF."""
    parsed = tables_and_headings(html.read_text(encoding="utf-8"))
    text, _ = pdf_text(pdf)
    paper = squash(text)
    problems = []
    for i, table in enumerate(parsed.tables):
        cells = table["header"] or table["first_row"]  # a table without a header: its first row
        assert cells, f"{html.name}: table {i} has no cells"
        for cell in cells:
            if cell and squash(cell) not in paper:
                problems.append(f"{html.name}: table {i} header {cell!r} is not on paper")
        last = table["first_row"][-1] if table["first_row"] else ""
        if last and squash(last) not in paper:
            problems.append(f"{html.name}: table {i} last column of the first row {last!r} is not on paper")
    for h in parsed.headings:
        if h and squash(h) not in paper:
            problems.append(f"{html.name}: heading {h!r} is not on paper")
    return problems


@pytest.fixture(scope="module")
def printed(store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Joensuu (targets, network targets, every table) and Forssa (no profile) through the real
    notebook; their gallery; each page printed to PDF."""
    out = tmp_path_factory.mktemp("print")
    batch = run_batch(["167", "061"], jobs=2, out_dir=out, store=store, progress=False, timeout=300)
    assert batch.ok, [(r.city_code, r.status, r.evalue) for r in batch.results]
    profile = tmp_path_factory.mktemp("chromium")
    pages = {"joensuu": out / "167-joensuu" / "report.html", "forssa": out / "061-forssa" / "report.html",
             "gallery": out / "index.html"}
    return {name: print_pdf(html, out / f"{name}.pdf", profile) for name, html in pages.items()} | {
        f"{name}.html": html for name, html in pages.items()}


@pytest.mark.parametrize("page", ["joensuu", "forssa", "gallery"])
def test_every_table_column_and_heading_is_on_a4_paper(printed: dict[str, Path], page: str) -> None:
    html, pdf = printed[f"{page}.html"], printed[page]
    parsed = tables_and_headings(html.read_text(encoding="utf-8"))
    if page == "joensuu":  # the comparison, data and sources tables at least
        assert len(parsed.tables) >= 4 and all(t["header"] for t in parsed.tables[1:])
    assert missing_on_paper(html, pdf) == []
    _, sizes = pdf_text(pdf)
    assert all(w == pytest.approx(A4_PT[0], abs=1) and h == pytest.approx(A4_PT[1], abs=1) for w, h in sizes)


def test_gallery_prints_its_title_and_every_card(printed: dict[str, Path]) -> None:
    text, _ = pdf_text(printed["gallery"])
    paper = squash(text)
    html = printed["gallery.html"].read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert squash(title) in paper  # the title is not hidden with the reports' back link
    for name in ("Joensuu", "Forssa"):
        assert name in text


def test_the_check_catches_a_cut_table(tmp_path: Path) -> None:
    """A wide table in a scrolling wrapper (the page before the print CSS) loses columns on paper."""
    html = tmp_path / "wide.html"
    cells = "".join(f"<th>Column{i}</th>" for i in range(12))
    html.write_text(
        '<html><body><div style="overflow-x:auto;max-width:100%"><table style="width:3000px">'
        f"<thead><tr>{cells}</tr></thead><tbody><tr>{'<td>1</td>' * 11}<td>LastCell</td></tr></tbody>"
        "</table></div></body></html>", encoding="utf-8")
    problems = missing_on_paper(html, print_pdf(html, tmp_path / "wide.pdf", tmp_path / "profile"))
    assert any("Column11" in p for p in problems) and any("LastCell" in p for p in problems)
    assert not any("Column0'" in p for p in problems)
