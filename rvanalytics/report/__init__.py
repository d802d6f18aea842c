"""Per-city reports: papermill batch runner, HTML export, gallery, measures page and manifest.

Typical use::

    from rvanalytics.report import run_batch
    batch = run_batch(["091", "837"], jobs=2, out_dir="reports")
    print(batch.summary())

Modules: :mod:`~rvanalytics.report.execute` (one notebook run, IPC kernels, timeout,
retry), :mod:`~rvanalytics.report.run` (one city's report folder),
:mod:`~rvanalytics.report.batch` (process pool), :mod:`~rvanalytics.report.export`
(HTML without code), :mod:`~rvanalytics.report.gallery` (``index.html``,
``measures.html``), :mod:`~rvanalytics.report.manifest`, :mod:`~rvanalytics.report.naming`
(safe file names), :mod:`~rvanalytics.report.inputs` (skip-unchanged fingerprints).
"""

from __future__ import annotations

from rvanalytics.report.batch import BatchResult, run_batch
from rvanalytics.report.execute import check_parameters_cell, execute_notebook
from rvanalytics.report.export import export_html
from rvanalytics.report.gallery import build_gallery, build_measures_page
from rvanalytics.report.manifest import write_manifest
from rvanalytics.report.naming import report_folder_name, slugify
from rvanalytics.report.run import ReportResult, default_notebook, run_report

__all__ = [
    "BatchResult",
    "ReportResult",
    "build_gallery",
    "build_measures_page",
    "check_parameters_cell",
    "default_notebook",
    "execute_notebook",
    "export_html",
    "report_folder_name",
    "run_batch",
    "run_report",
    "slugify",
    "write_manifest",
]
