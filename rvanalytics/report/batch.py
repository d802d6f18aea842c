"""Many cities' reports in a pool of worker processes, then the manifest and the gallery.

:func:`run_batch` reads as its steps:

1. :func:`plan_batch` checks everything that can be checked before a kernel starts
   (codes, language, notebook, store, output folder) and caps the worker count at the
   CPUs this process may use;
2. :func:`skip_unchanged` takes out the reports whose inputs have not changed since
   their last successful run (unless ``force``);
3. the coverage map of the gallery's cities is drawn in a thread while the reports run,
   and only when those cities, the language or the store changed;
4. :func:`run_reports` runs the rest, one after another (``jobs=1``, in this process) or
   in a ``ProcessPoolExecutor`` (spawn context: no forked ZMQ/asyncio state). One
   failing city never stops the others; a worker process that dies takes only its own
   city down (the pending cities run again one per fresh process);
5. :func:`publish` writes ``manifest.json``, ``index.html`` and ``measures.html``.

A keyboard interrupt (Ctrl-C) stops the running reports within seconds (their kernels
are killed, their old folders kept), still publishes the manifest and gallery of what
finished, and is raised again as :class:`BatchInterrupted`.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import re
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rvanalytics.exceptions import ReportError
from rvanalytics.report.naming import check_city_code
from rvanalytics.report.run import (
    LANGS,
    Prepared,
    ReportResult,
    city_names,
    default_notebook,
    discard_kernel,
    last_good_result,
    prepare,
    run_prepared,
    start_report_kernel,
)

if TYPE_CHECKING:
    from rvanalytics.report.execute import StartedKernel

__all__ = [
    "BatchInterrupted",
    "BatchResult",
    "make_reports",
    "plan_batch",
    "run_batch",
    "usable_cpus",
]

#: Above this many cities in the gallery the coverage map says nothing and is not drawn.
MAX_COVERAGE_CITIES = 60

ProgressCallback = Callable[[ReportResult, int, int], None]


@dataclass
class BatchResult:
    """The outcome of :func:`run_batch`.

    Attributes
    ----------
    results : list of ReportResult
        One per finished city, in the order given.
    out_dir : Path
    manifest, index, measures : Path
        The files written after the batch.
    elapsed_s : float
        Wall time of the whole batch (pool, reports, gallery).
    jobs : int
        Worker processes used (after the cap).
    notes : list of str
        Things worth telling the user (a capped job count, a coverage map not drawn, ...).
    cancelled : list of str
        Codes of the cities not reported because the batch was interrupted.
    """

    results: list[ReportResult]
    out_dir: Path
    manifest: Path
    index: Path
    measures: Path
    elapsed_s: float
    jobs: int
    notes: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def ok(self) -> bool:
        """True when no report failed and none was cancelled."""
        return not self.failed and not self.cancelled

    def summary(self) -> str:
        """One line: counts, wall time and where the gallery is."""
        n_ok = sum(1 for r in self.results if r.status == "ok")
        cancelled = f", {len(self.cancelled)} cancelled" if self.cancelled else ""
        return (
            f"{len(self.results) + len(self.cancelled)} report(s): {n_ok} made, "
            f"{len(self.skipped)} unchanged (skipped), {len(self.failed)} failed{cancelled} "
            f"in {self.elapsed_s:.1f} s with {self.jobs} job(s); gallery: {self.index}"
        )


class BatchInterrupted(KeyboardInterrupt):
    """The batch was interrupted; ``batch`` holds what finished (manifest and gallery written)."""

    def __init__(self, batch: BatchResult) -> None:
        super().__init__("the report batch was interrupted")
        self.batch = batch


def usable_cpus() -> int:
    """CPUs this process may run on (affinity mask / cgroup-aware where Python knows it)."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:  # Python 3.13+
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchPlan:
    """Everything checked before the first kernel starts (see :func:`plan_batch`)."""

    codes: list[str]
    names: dict[str, str | None]
    notebook: Path
    out: Path
    store: str | Path | None
    lang: str
    timeout: float
    force: bool
    retries: int
    jobs: int
    coverage_map: bool | str | Path | None
    notes: list[str] = field(default_factory=list)

    def prepare(self, code: str) -> Prepared:
        return prepare(
            code,
            notebook=self.notebook,
            out_dir=self.out,
            store=self.store,
            lang=self.lang,
            name=self.names.get(code),
        )


def plan_batch(
    cities: list[str],
    *,
    jobs: int = 1,
    out_dir: str | Path | None = None,
    force: bool = False,
    lang: str = "fi",
    timeout: float = 600.0,
    store: str | Path | None = None,
    notebook: str | Path | None = None,
    coverage_map: bool | str | Path | None = None,
    names: dict[str, str | None] | None = None,
    retries: int = 1,
    allow_foreign: bool = False,
) -> BatchPlan:
    """Check the batch's inputs and the output folder; nothing is written but the folder."""
    from rvanalytics.paths import reports_dir
    from rvanalytics.report.outdir import FAILED_DIR, PAGE_FILES, check_out_dir, record_written

    codes = list(dict.fromkeys(check_city_code(c) for c in cities))
    if not codes:
        raise ReportError("no cities to report. Fix: give at least one municipality code")
    if lang not in LANGS:
        raise ReportError(f"language {lang!r} is not supported. Fix: use one of {', '.join(LANGS)}")
    if notebook is None:  # the city report needs a store: say so once, not in every report
        from rvanalytics.store import read_manifest

        read_manifest(store)  # StoreError with its fix when there is none
    nb_path = Path(notebook).resolve() if notebook is not None else default_notebook()
    from rvanalytics.report.execute import check_parameters_cell

    check_parameters_cell(nb_path)
    out = check_out_dir(
        Path(out_dir) if out_dir is not None else reports_dir(), allow_foreign=allow_foreign
    )
    known = dict(names or {})
    missing = [c for c in codes if c not in known]
    if missing:
        known.update(city_names(missing, store))
    notes: list[str] = []
    wanted = max(1, int(jobs))
    cpus = usable_cpus()
    if wanted > cpus:
        notes.append(
            f"{wanted} worker processes asked for, {cpus} used: this process may use {cpus} CPU(s)"
        )
    from rvanalytics.report.naming import report_folder_name

    record_written(
        out, [*PAGE_FILES, FAILED_DIR, *(report_folder_name(c, known.get(c)) for c in codes)]
    )
    removed = remove_stale_temporaries(out, older_than_s=2 * timeout + 60)
    if removed:
        notes.append(f"removed {removed} unfinished temporary folder(s) left by an earlier, killed run")
    return BatchPlan(
        codes=codes,
        names=known,
        notebook=nb_path,
        out=out,
        store=store,
        lang=lang,
        timeout=timeout,
        force=force,
        retries=retries,
        jobs=min(wanted, cpus),
        coverage_map=coverage_map,
        notes=notes,
    )


#: Temporary city folders of :func:`rvanalytics.atomic.atomic_dir`: ``.<code>-<slug>.<random>.tmp``.
_TEMP_CITY = re.compile(r"^\.\d{3}-[a-z0-9-]+\.[A-Za-z0-9_]+\.tmp$")


def remove_stale_temporaries(out: Path, *, older_than_s: float) -> int:
    """Remove our hidden temporary city folders older than ``older_than_s`` (left by a killed worker).

    A running batch's own temporaries are younger than its timeout, so a concurrent run in the
    same folder keeps them; nothing but folders named like ours is touched.
    """
    now = time.time()
    removed = 0
    for entry in out.iterdir() if out.is_dir() else ():
        if entry.is_dir() and not entry.is_symlink() and _TEMP_CITY.match(entry.name):
            if now - entry.stat().st_mtime > older_than_s:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
    return removed


def skip_unchanged(plan: BatchPlan) -> tuple[list[ReportResult], list[str]]:
    """The earlier results of unchanged reports (status ``skipped``) and the codes still to run."""
    from rvanalytics.report.run import _unchanged

    if plan.force:
        return [], list(plan.codes)
    skipped, to_run = [], []
    for code in plan.codes:
        previous = _unchanged(plan.prepare(code))
        if previous is not None:
            skipped.append(previous)
        else:
            to_run.append(code)
    return skipped, to_run


# --- one report in a worker ---------------------------------------------------------------

_IN_TASK = False


def _stop_request(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: stop the running report (its kernel is killed on the way out)."""
    import logging

    # the user asked to stop: the dying kernel's "Kernel died" and asyncio's "Task exception was
    # never retrieved" are not news, and must not print tracebacks over the batch's one-line summary
    logging.disable(logging.CRITICAL)
    if _IN_TASK:
        raise KeyboardInterrupt
    os._exit(1)  # idle worker: nothing to clean up


def _init_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops them with SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_request)


def _failure(
    plan: BatchPlan, code: str, ename: str, evalue: str
) -> ReportResult:
    """A failed result made outside :func:`run_report` (the earlier good report is kept)."""
    from rvanalytics.report.naming import report_folder_name

    folder = report_folder_name(code, plan.names.get(code))
    previous = last_good_result(plan.out / folder)
    return ReportResult(
        city_code=code,
        name=plan.names.get(code),
        folder=folder,
        status="failed",
        ename=ename,
        evalue=evalue,
        last_good=(previous.finished or previous.started) if previous else None,
    )


def _worker(plan: BatchPlan, code: str, kernel: StartedKernel | None = None) -> dict[str, Any]:
    """Run one report; never raises an ``Exception`` (errors become a failed result)."""
    global _IN_TASK
    _IN_TASK = True
    try:
        result = run_prepared(
            plan.prepare(code), timeout=plan.timeout, force=True, retries=plan.retries,
            kernel=kernel,
        )
        return result.to_dict()
    except Exception as err:  # any error of one city must not stop the batch
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        return _failure(plan, code, type(err).__name__, last).to_dict()
    finally:
        _IN_TASK = False


# --- running the reports ------------------------------------------------------------------


class _Collector:
    """Results as they come, with the progress callback."""

    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.results: dict[str, ReportResult] = {}
        self.total = total
        self.progress = progress

    def add(self, result: ReportResult) -> None:
        self.results[result.city_code] = result
        if self.progress is not None:
            self.progress(result, len(self.results), self.total)


def _stop_workers(pool: cf.ProcessPoolExecutor, grace_s: float = 5.0) -> None:
    """Cancel what has not started, ask running workers to stop (SIGTERM), kill stragglers."""
    pool.shutdown(wait=False, cancel_futures=True)
    workers = [p for p in multiprocessing.active_children()]
    for proc in workers:
        proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in workers:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)


def _run_pool(plan: BatchPlan, codes: list[str], workers: int, collect: _Collector) -> bool:
    """Run ``codes`` in one pool; return True if a worker process died (those cities stay pending)."""
    broken = False
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker
    )
    try:
        futures = {pool.submit(_worker, plan, c): c for c in codes}
        for future in cf.as_completed(futures):
            code = futures[future]
            try:
                collect.add(ReportResult.from_dict(future.result()))
            except cf.process.BrokenProcessPool:
                broken = True  # this city stays pending
            except Exception as err:  # pickling or other pool problems: this city only
                collect.add(_failure(plan, code, type(err).__name__, str(err)))
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return broken


def run_reports(
    plan: BatchPlan,
    codes: list[str],
    collect: _Collector,
    prestarted: dict[str, StartedKernel] | None = None,
) -> list[str]:
    """Run the reports of ``codes``; return notes (a worker that died).

    ``prestarted`` kernels are used by the reports they were started for when the
    reports run in this process; they are removed from the dict as they are used.
    """
    notes: list[str] = []
    kernels = prestarted if prestarted is not None else {}
    if not codes:
        return notes
    workers = min(plan.jobs, len(codes))
    if workers == 1:  # one after another in this process: no worker start-up cost
        for code in codes:
            kernel = kernels.pop(code, None)
            collect.add(ReportResult.from_dict(_worker(plan, code, kernel)))
        return notes
    if _run_pool(plan, codes, workers, collect):
        pending = [c for c in codes if c not in collect.results]
        notes.append(
            f"a worker process died; {len(pending)} pending report(s) rerun one per fresh process"
        )
        # Isolation: one process per city, so a crash takes only its own city down.
        for code in pending:
            if _run_pool(plan, [code], 1, collect):
                collect.add(
                    _failure(
                        plan,
                        code,
                        "WorkerCrashed",
                        "the worker process running this report died (also on the rerun)",
                    )
                )
    return notes


# --- coverage map and publishing -------------------------------------------------------------


class _CoverageMap:
    """The gallery's coverage map, drawn in a thread while the reports run (or not at all)."""

    def __init__(self, plan: BatchPlan) -> None:
        self.plan = plan
        self.path: Path | None = None
        self.note: str | None = None
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from rvanalytics.report.gallery import COVERAGE_MAP_FILE
        from rvanalytics.report.manifest import read_report_manifest
        from rvanalytics.report.outdir import read_record

        option = self.plan.coverage_map
        if option is None or option is False:
            return
        if option is not True:  # a ready PNG
            self.path = Path(option)
            return
        earlier = read_report_manifest(self.plan.out) or {}
        codes = set(self.plan.codes)
        for entry in earlier.get("reports", []) or []:
            if isinstance(entry, dict) and (self.plan.out / str(entry.get("folder", ""))).is_dir():
                codes.add(str(entry.get("city_code")))
        if len(codes) > MAX_COVERAGE_CITIES:
            self.note = (
                f"coverage map not drawn: {len(codes)} cities in the gallery "
                f"(it is drawn for up to {MAX_COVERAGE_CITIES})"
            )
            return
        self.key = _coverage_key(sorted(codes), self.plan)
        target = self.plan.out / COVERAGE_MAP_FILE
        if target.is_file() and read_record(self.plan.out).get("coverage_map_key") == self.key:
            return  # unchanged: the gallery keeps the drawn map
        import tempfile

        self._tmp = Path(tempfile.mkdtemp(prefix="rv-coverage-")) / COVERAGE_MAP_FILE
        self._codes = sorted(codes)
        self._thread = threading.Thread(target=self._draw, daemon=True, name="coverage-map")
        self._thread.start()

    def _draw(self) -> None:
        from rvanalytics.report.coverage import make_coverage_map

        try:
            self.path, self.note = make_coverage_map(
                self._codes, self._tmp, store=self.plan.store, lang=self.plan.lang
            )
        except Exception as err:  # a bug: raised by raise_error() once the gallery is published
            self.error = err
            self.note = f"coverage map not drawn: {type(err).__name__}: {err}"

    def raise_error(self) -> None:
        """Raise the error that stopped the drawing, if it was a bug (not a data gap)."""
        if self.error is not None:
            raise self.error

    def finish(self) -> tuple[Path | None, str | None]:
        """Wait for the drawing; return the PNG to copy into the gallery (None: keep the old)."""
        if self._thread is not None:
            self._thread.join()
        return self.path, self.note

    def done(self) -> None:
        from rvanalytics.report.outdir import record_written

        if self._thread is not None:
            if self.path is not None:
                record_written(self.plan.out, [], coverage_map_key=self.key)
            import shutil

            shutil.rmtree(self._tmp.parent, ignore_errors=True)


def _coverage_key(codes: list[str], plan: BatchPlan) -> str:
    import hashlib

    from rvanalytics import __version__
    from rvanalytics.report.inputs import store_content_sha256

    text = json.dumps(
        [codes, plan.lang, store_content_sha256(plan.store), __version__]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def publish(
    plan: BatchPlan,
    results: list[ReportResult],
    *,
    elapsed_s: float,
    coverage_png: Path | None,
) -> tuple[Path, Path, Path]:
    """Write ``manifest.json``, ``index.html`` and ``measures.html``; return their paths."""
    from rvanalytics.report.gallery import build_gallery, build_measures_page
    from rvanalytics.report.manifest import write_manifest

    timings = {
        "batch_s": round(elapsed_s, 3),
        "jobs": plan.jobs,
        "reports_s": {r.city_code: r.duration_s for r in results},
    }
    parameters = {
        "lang": plan.lang,
        "timeout": plan.timeout,
        "jobs": plan.jobs,
        "force": plan.force,
        "notebook": str(plan.notebook),
        "store": str(plan.store) if plan.store is not None else None,
        "cities": plan.codes,
    }
    manifest = write_manifest(
        plan.out, results, parameters=parameters, store=plan.store, timings=timings
    )
    index = build_gallery(plan.out, lang=plan.lang, coverage_map=coverage_png)
    measures = build_measures_page(plan.out, lang=plan.lang)
    return manifest, index, measures


def _progress_bar(total: int) -> ProgressCallback:
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc="reports", unit="report", leave=True)

    def update(result: ReportResult, done: int, total: int) -> None:
        bar.update(1)
        if done == total:
            bar.close()

    return update


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
    progress: bool | ProgressCallback | None = None,
    coverage_map: bool | str | Path | None = None,
    names: dict[str, str | None] | None = None,
    retries: int = 1,
    allow_foreign: bool = False,
    prestarted: dict[str, StartedKernel] | None = None,
) -> BatchResult:
    """Make the reports of ``cities``, then ``manifest.json``, ``index.html`` and ``measures.html``.

    Parameters
    ----------
    cities : list of str
        Municipality codes; duplicates are run once.
    jobs : int
        Worker processes, capped at the CPUs this process may use (the cap is in
        ``notes``); 1 runs the reports one after another in this process (each notebook
        still runs in its own kernel process).
    out_dir : path, optional
        Output folder (default ``reports/``). A folder holding files rvanalytics did not
        write is refused unless ``allow_foreign``.
    force : bool
        Run every report even if its inputs have not changed.
    lang : {"fi", "sv", "en"}
    timeout : float
        Seconds per notebook.
    store, notebook : path, optional
        The store and the report notebook (defaults as in :func:`run_report`).
    progress : callable or bool, optional
        ``progress(result, done, total)`` called as each city finishes (skipped ones
        included); True shows a tqdm bar; None or False: nothing.
    coverage_map : bool or path, optional
        True: draw the coverage map of the gallery's cities (redrawn only when they, the
        language or the store change); a path: a ready PNG to show; None/False: keep
        whatever map the folder has.
    names : dict, optional
        City names by code (default: from the key).
    retries : int
        Retries of a kernel that failed to start or died outside the notebook's code.
    allow_foreign : bool
        Write into ``out_dir`` even when it holds files rvanalytics did not write.
    prestarted : dict, optional
        Kernels already started for some cities (:func:`~rvanalytics.report.run.start_report_kernel`);
        used when those reports run in this process, otherwise stopped.

    Returns
    -------
    BatchResult
        Check ``.failed``; this function does not raise for failed reports.

    Raises
    ------
    ReportError
        Bad code or language, a notebook without a ``parameters`` cell, or an unusable
        output folder (checked before any report runs).
    StoreError
        The default notebook and no store.
    BatchInterrupted
        A keyboard interrupt: raised after the manifest and gallery of the finished
        reports are written (``.batch`` holds them).
    """
    t0 = time.perf_counter()
    plan = plan_batch(
        cities,
        jobs=jobs,
        out_dir=out_dir,
        force=force,
        lang=lang,
        timeout=timeout,
        store=store,
        notebook=notebook,
        coverage_map=coverage_map,
        names=names,
        retries=retries,
        allow_foreign=allow_foreign,
    )
    callback = _progress_bar(len(plan.codes)) if progress is True else (progress or None)
    collect = _Collector(len(plan.codes), callback)
    notes = list(plan.notes)
    skipped, to_run = skip_unchanged(plan)
    for result in skipped:
        collect.add(result)
    coverage = _CoverageMap(plan)
    coverage.start()
    interrupted = False
    kernels = prestarted if prestarted is not None else {}
    try:
        notes += run_reports(plan, to_run, collect, kernels)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for kernel in kernels.values():  # not used (skipped, or run in a worker)
            discard_kernel(kernel)
        kernels.clear()
    png, note = (None, None) if interrupted else coverage.finish()
    if note:
        notes.append(note)
    done = [collect.results[c] for c in plan.codes if c in collect.results]
    manifest, index, measures = publish(
        plan, done, elapsed_s=time.perf_counter() - t0, coverage_png=png
    )
    if not interrupted:
        coverage.done()
    batch = BatchResult(
        results=done,
        out_dir=plan.out,
        manifest=manifest,
        index=index,
        measures=measures,
        elapsed_s=time.perf_counter() - t0,
        jobs=plan.jobs,
        notes=notes,
        cancelled=[c for c in plan.codes if c not in collect.results],
    )
    if interrupted:
        raise BatchInterrupted(batch)
    coverage.raise_error()  # after the reports and the gallery (without the map) are written
    return batch


def make_reports(
    cities: list[str] | None = None,
    *,
    cohort: str | None = None,
    all_municipalities: bool = False,
    out_dir: str | Path | None = None,
    store: str | Path | None = None,
    notebook: str | Path | None = None,
    allow_foreign: bool = False,
    **options: Any,
) -> BatchResult:
    """The whole ``rvanalytics report`` use case: choose the cities, then :func:`run_batch`.

    Parameters
    ----------
    cities, cohort, all_municipalities
        As in :func:`rvanalytics.report.select_cities` (exactly one of them); with a
        custom ``notebook`` city arguments are passed on as they are.
    out_dir, store, notebook, allow_foreign
        As in :func:`run_batch`.
    **options
        Any other keyword of :func:`run_batch` (``jobs``, ``lang``, ``force``, ...).

    Notes
    -----
    For a single city given by its code, run in this process, the report's kernel is
    started before the municipality key is read: the kernel boots and imports on the
    other core meanwhile (about a second of a one-city run). A code that turns out not
    to exist stops the kernel again.
    """
    from rvanalytics.paths import reports_dir
    from rvanalytics.report.outdir import RECORD_FILE, check_out_dir
    from rvanalytics.report.selection import select_cities

    wanted = Path(out_dir) if out_dir is not None else reports_dir()
    created = not wanted.exists()
    out = check_out_dir(wanted, allow_foreign=allow_foreign)
    prestarted: dict[str, StartedKernel] = {}
    given = [str(c).strip() for c in cities or []]
    one_code = len(given) == 1 and given[0].isdigit() and len(given[0]) <= 3
    if one_code and not (cohort or all_municipalities):
        code = given[0].zfill(3)
        prestarted[code] = start_report_kernel(out, code, notebook=notebook)
    selected = False
    try:
        selection = select_cities(
            given,
            cohort=cohort,
            all_municipalities=all_municipalities,
            store=store,
            check_names=notebook is None,
        )
        selected = True
        options.setdefault("coverage_map", selection.kind != "all")
        return run_batch(
            selection.codes,
            names=selection.names,
            out_dir=out,
            store=store,
            notebook=notebook,
            allow_foreign=True,  # checked above, before the kernel's folder was made
            prestarted=prestarted,
            **options,
        )
    finally:
        for kernel in prestarted.values():  # left only when run_batch was not reached
            discard_kernel(kernel)
        if not selected and created and out.is_dir() and not any(
                p.name != RECORD_FILE for p in out.iterdir()):
            shutil.rmtree(out, ignore_errors=True)  # a refused call leaves no empty folder behind
