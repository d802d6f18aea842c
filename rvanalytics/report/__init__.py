"""Per-city reports: papermill batch runner, HTML export, gallery, measures page and manifest.

Typical use::

    from rvanalytics.report import run_batch, select_cities
    chosen = select_cities(["Helsinki", "837"])
    batch = run_batch(chosen.codes, names=chosen.names, jobs=2, out_dir="reports")
    print(batch.summary())

Modules: :mod:`~rvanalytics.report.execute` (one notebook run, IPC kernels, timeout,
retry), :mod:`~rvanalytics.report.run` (one city's report folder),
:mod:`~rvanalytics.report.batch` (process pool), :mod:`~rvanalytics.report.export`
(HTML without code), :mod:`~rvanalytics.report.gallery` (``index.html``,
``measures.html``), :mod:`~rvanalytics.report.manifest`, :mod:`~rvanalytics.report.naming`
(safe file names), :mod:`~rvanalytics.report.inputs` (skip-unchanged fingerprints),
:mod:`~rvanalytics.report.outdir` (is the output folder usable and ours),
:mod:`~rvanalytics.report.selection` (which cities).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Lazy exports: the report notebook imports ``rvanalytics.report.story`` inside the kernel,
# which must not pay for papermill/nbformat (about 1.3 s of imports per report).
_EXPORTS = {
    "BatchInterrupted": "batch",
    "BatchResult": "batch",
    "make_reports": "batch",
    "CitySelection": "selection",
    "select_cities": "selection",
    "run_batch": "batch",
    "check_parameters_cell": "execute",
    "execute_notebook": "execute",
    "export_html": "export",
    "build_gallery": "gallery",
    "build_measures_page": "gallery",
    "write_manifest": "manifest",
    "report_folder_name": "naming",
    "slugify": "naming",
    "ReportResult": "run",
    "default_notebook": "run",
    "run_report": "run",
}

if TYPE_CHECKING:  # pragma: no cover
    from rvanalytics.report.batch import BatchInterrupted, BatchResult, make_reports, run_batch
    from rvanalytics.report.execute import check_parameters_cell, execute_notebook
    from rvanalytics.report.export import export_html
    from rvanalytics.report.gallery import build_gallery, build_measures_page
    from rvanalytics.report.manifest import write_manifest
    from rvanalytics.report.naming import report_folder_name, slugify
    from rvanalytics.report.run import ReportResult, default_notebook, run_report
    from rvanalytics.report.selection import CitySelection, select_cities


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f"rvanalytics.report.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'rvanalytics.report' has no attribute {name!r}")


__all__ = [
    "BatchInterrupted",
    "BatchResult",
    "CitySelection",
    "ReportResult",
    "build_gallery",
    "build_measures_page",
    "check_parameters_cell",
    "default_notebook",
    "execute_notebook",
    "export_html",
    "make_reports",
    "report_folder_name",
    "run_batch",
    "run_report",
    "select_cities",
    "slugify",
    "write_manifest",
]
