"""Many cities' reports in a pool of worker processes, then the manifest and the gallery.

Each city runs :func:`rvanalytics.report.run_report` in a worker of a
``ProcessPoolExecutor`` (spawn context: no forked ZMQ/asyncio state). One failing
city never stops the others; a worker process that dies takes only its own city down:
the pool is rebuilt and the cities still pending run again (a city whose worker dies
twice is reported failed). Reports whose inputs have not changed since their last
successful run are skipped unless ``force``.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rvanalytics.report.gallery import build_gallery, build_measures_page
from rvanalytics.report.manifest import write_manifest
from rvanalytics.report.naming import check_city_code
from rvanalytics.report.run import (
    LANGS,
    ReportResult,
    city_names,
    default_notebook,
    run_report,
    unchanged_result,
)

__all__ = ["BatchResult", "run_batch"]


@dataclass
class BatchResult:
    """The outcome of :func:`run_batch`.

    Attributes
    ----------
    results : list of ReportResult
        One per city, in the order given.
    out_dir : Path
    manifest, index, measures : Path
        The files written after the batch.
    elapsed_s : float
        Wall time of the whole batch (pool, reports, gallery).
    jobs : int
    """

    results: list[ReportResult]
    out_dir: Path
    manifest: Path
    index: Path
    measures: Path
    elapsed_s: float
    jobs: int
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def ok(self) -> bool:
        """True when no report failed."""
        return not self.failed

    def summary(self) -> str:
        """One line: counts, wall time and where the gallery is."""
        n_ok = sum(1 for r in self.results if r.status == "ok")
        return (
            f"{len(self.results)} report(s): {n_ok} made, {len(self.skipped)} unchanged (skipped), "
            f"{len(self.failed)} failed in {self.elapsed_s:.1f} s with {self.jobs} job(s); gallery: {self.index}"
        )


def _failure(code: str, name: str | None, ename: str, evalue: str) -> ReportResult:
    from rvanalytics.report.naming import report_folder_name

    return ReportResult(
        city_code=code,
        name=name,
        folder=report_folder_name(code, name),
        status="failed",
        ename=ename,
        evalue=evalue,
    )


def _worker(code: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Run one report in a worker process; never raises (errors become a failed result)."""
    try:
        return run_report(code, **kwargs).to_dict()
    except Exception as err:  # any error of one city must not stop the batch
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        return _failure(code, kwargs.get("name"), type(err).__name__, last).to_dict()


def _progress_bar(total: int, enabled: bool | None):
    from tqdm.auto import tqdm

    disable = (not sys.stderr.isatty()) if enabled is None else (not enabled)
    return tqdm(total=total, desc="reports", unit="report", disable=disable, leave=True)


def run_batch(
    cities: list[str],
    *,
    jobs: int = 1,
    out_dir: str | Path | None = None,
    force: bool = False,
    lang: str = "fi",
    timeout: float = 600.0,
    store: str | Path | None = None,
    notebook: str | Path | None = None,
    progress: bool | None = None,
    coverage_map: str | Path | None = None,
    names: dict[str, str | None] | None = None,
    retries: int = 1,
) -> BatchResult:
    """Make the reports of ``cities``, then ``manifest.json``, ``index.html`` and ``measures.html``.

    Parameters
    ----------
    cities : list of str
        Municipality codes; duplicates are run once.
    jobs : int
        Worker processes; 1 runs the reports one after another in this process (each
        notebook still runs in its own kernel process).
    out_dir : path, optional
        Output folder (default ``reports/``).
    force : bool
        Run every report even if its inputs have not changed.
    lang : {"fi", "en"}
    timeout : float
        Seconds per notebook.
    store, notebook : path, optional
        The store and the report notebook (defaults as in :func:`run_report`).
    progress : bool, optional
        Show a progress bar (default: only on a terminal).
    coverage_map : path, optional
        PNG shown in the gallery.
    names : dict, optional
        City names by code (default: from the key).

    Returns
    -------
    BatchResult
        Check ``.failed``; this function does not raise for failed reports.

    Raises
    ------
    ReportError
        Bad code or language, or a notebook without a ``parameters`` cell (checked
        before any report runs).
    """
    from rvanalytics.exceptions import ReportError
    from rvanalytics.paths import reports_dir

    t0 = time.perf_counter()
    codes = list(dict.fromkeys(check_city_code(c) for c in cities))
    if not codes:
        raise ReportError("no cities to report. Fix: name city codes, or use --cohort or --all")
    if lang not in LANGS:
        raise ReportError(f"language {lang!r} is not supported. Fix: use one of {', '.join(LANGS)}")
    nb_path = Path(notebook).resolve() if notebook is not None else default_notebook()
    from rvanalytics.report.execute import check_parameters_cell  # nbformat: not in kernels

    check_parameters_cell(nb_path)
    out = (Path(out_dir) if out_dir is not None else reports_dir()).resolve()
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, int(jobs))
    known = dict(names or {})
    missing = [c for c in codes if c not in known]
    if missing:
        known.update(city_names(missing, store))
    common = {
        "notebook": str(nb_path),
        "out_dir": str(out),
        "store": str(store) if store is not None else None,
        "lang": lang,
        "timeout": timeout,
        "force": force,
        "retries": retries,
    }
    results: dict[str, ReportResult] = {}
    notes: list[str] = []
    bar = _progress_bar(len(codes), progress)

    def record(code: str, result: ReportResult) -> None:
        results[code] = result
        bar.update(1)
        bar.set_postfix(failed=sum(1 for r in results.values() if r.status == "failed"))

    def run_pool(batch: list[str], workers: int) -> bool:
        """Run ``batch`` in one pool; return True if a worker process died."""
        broken = False
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_worker, c, {**common, "name": known.get(c)}): c for c in batch}
            for future in cf.as_completed(futures):
                code = futures[future]
                try:
                    record(code, ReportResult.from_dict(future.result()))
                except cf.process.BrokenProcessPool:
                    broken = True  # this city stays pending
                except Exception as err:  # pickling or other pool problems: this city only
                    record(code, _failure(code, known.get(code), type(err).__name__, str(err)))
        return broken

    to_run = list(codes)
    if not force:  # checked here, so unchanged reports cost no worker process
        to_run = []
        for code in codes:
            previous = unchanged_result(
                code, notebook=nb_path, out_dir=out, store=store, lang=lang, name=known.get(code)
            )
            if previous is not None:
                record(code, previous)
            else:
                to_run.append(code)
    try:
        if jobs == 1:  # one after another in this process: no worker start-up cost
            for code in to_run:
                record(
                    code, ReportResult.from_dict(_worker(code, {**common, "name": known.get(code)}))
                )
        elif to_run and run_pool(to_run, min(jobs, len(to_run))):
            pending = [c for c in codes if c not in results]
            notes.append(
                f"a worker process died; {len(pending)} pending report(s) rerun one per fresh process"
            )
            # Isolation: one process per city, so a crash takes only its own city down.
            for code in pending:
                if run_pool([code], 1):
                    record(
                        code,
                        _failure(
                            code,
                            known.get(code),
                            "WorkerCrashed",
                            "the worker process running this report died (also on the rerun)",
                        ),
                    )
    finally:
        bar.close()

    ordered = [results[c] for c in codes]
    elapsed = time.perf_counter() - t0
    timings = {
        "batch_s": round(elapsed, 3),
        "jobs": jobs,
        "reports_s": {r.city_code: r.duration_s for r in ordered},
    }
    parameters = {
        "lang": lang,
        "timeout": timeout,
        "jobs": jobs,
        "force": force,
        "notebook": str(nb_path),
        "store": str(store) if store is not None else None,
        "cities": codes,
    }
    manifest = write_manifest(out, ordered, parameters=parameters, store=store, timings=timings)
    index = build_gallery(out, lang=lang, coverage_map=coverage_map)
    measures = build_measures_page(out, lang=lang)
    return BatchResult(
        results=ordered,
        out_dir=out,
        manifest=manifest,
        index=index,
        measures=measures,
        elapsed_s=time.perf_counter() - t0,
        jobs=jobs,
        notes=notes,
    )
