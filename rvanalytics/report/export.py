"""Executed notebook → one self-contained HTML page without code.

nbconvert's ``HTMLExporter`` with the ``basic`` template renders the cells with
``exclude_input=True`` and no prompts; the page around it (CSS, header, an error
notice for an incomplete report) comes from ``rvanalytics/templates/report_page.html.j2``.

Left out of the page, and counted in :class:`ExportSummary` so nothing disappears
silently: stderr streams (warnings; they stay in ``report.ipynb``), error outputs
(tracebacks; the notice above the report names cell, exception and message instead)
and papermill's red "An Exception was encountered" marker cells.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rvanalytics.atomic import atomic_write_text
from rvanalytics.report.lightimport import nbformat
from rvanalytics.report.templating import render, texts

__all__ = ["ExportSummary", "clean_notebook", "export_html", "notebook_body_html", "warm_up"]

_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


@dataclass
class ExportSummary:
    """What :func:`export_html` left out of the page (still in the notebook)."""

    path: Path
    stderr_outputs: list[str] = field(default_factory=list)
    error_outputs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "html": self.path.name,
            "warnings": self.stderr_outputs,
            "error_outputs": self.error_outputs,
        }


def clean_notebook(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str], int]:
    """A copy of ``nb`` without stderr streams, error outputs and papermill marker cells.

    Returns the cleaned copy, the stderr texts (first 300 characters each) and the number
    of error outputs removed.
    """
    nb = copy.deepcopy(nb)
    stderr: list[str] = []
    errors = 0
    cells = []
    for cell in nb.cells:
        if _PAPERMILL_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    text = "".join(out.get("text", ""))
                    if text.strip():
                        stderr.append(text.strip()[:300])
                    continue
                if out.get("output_type") == "error":
                    errors += 1
                    continue
                kept.append(out)
            cell["outputs"] = kept
        cells.append(cell)
    nb.cells = cells
    return nb, stderr, errors


_EXPORTER_LOCK = threading.Lock()


@functools.cache
def _exporter() -> Any:
    """nbconvert's HTML exporter, built once per process (its templates load in ~0.3 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        exclude_raw=True,
    )


def warm_up() -> None:
    """Import nbconvert and load its templates now (run in a thread while a kernel works)."""
    with _EXPORTER_LOCK:
        exporter = _exporter()
        exporter.from_notebook_node(nbformat.v4.new_notebook())
    render("report_page.html.j2", lang="fi", title="", body="", error=None, t=texts("fi"),
           version="", generated="")


def notebook_body_html(nb: nbformat.NotebookNode) -> str:
    """The cells of ``nb`` as HTML with nbconvert's ``basic`` template, without inputs or prompts."""
    with _EXPORTER_LOCK:
        body, _ = _exporter().from_notebook_node(nb)
    return body


def export_html(
    notebook: str | Path | nbformat.NotebookNode,
    html_path: str | Path,
    *,
    title: str,
    lang: str = "fi",
    error: dict[str, Any] | None = None,
) -> ExportSummary:
    """Write the executed ``notebook`` as a clean HTML page to ``html_path`` (atomically).

    Parameters
    ----------
    notebook : path or NotebookNode
        The executed notebook (``report.ipynb``).
    html_path : path
        Output page.
    title : str
        Page title (escaped).
    lang : {"fi", "en"}
        Language of the page texts.
    error : dict, optional
        ``cell_index``, ``ename``, ``evalue`` of a failed run: shown as a notice at the top.

    Returns
    -------
    ExportSummary
    """
    from rvanalytics import __version__

    nb = (
        notebook
        if isinstance(notebook, nbformat.NotebookNode)
        else nbformat.read(Path(notebook), as_version=4)
    )
    cleaned, stderr, n_errors = clean_notebook(nb)
    body = notebook_body_html(cleaned)
    page = render(
        "report_page.html.j2",
        lang=lang,
        title=title,
        body=body,
        error=error,
        t=texts(lang),
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    path = atomic_write_text(html_path, page)
    return ExportSummary(path=Path(path), stderr_outputs=stderr, error_outputs=n_errors)
