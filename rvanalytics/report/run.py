"""One city's report: run the notebook, export the page, record what happened.

The report folder ``<out_dir>/<code>-<slug>/`` is built in a temporary folder beside it
and swapped in only when it is worth keeping, so a reader never sees half a report:

- the run succeeded: it replaces the folder;
- the run failed and an earlier *successful* report is there: the earlier report stays,
  the failed run goes to ``<out_dir>/failed-runs/<code>-<slug>/`` (its notebook holds the
  traceback) and the result says ``last_good`` (when the kept report was made);
- the run failed and there is no good report: the failed run becomes the folder (its
  page carries the error notice).

The folder holds ``report.ipynb``, ``report.html``, ``metrics.json``, the figures written
by the notebook, and ``result.json`` (this run's record, also used to skip the report
next time if its inputs have not changed).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rvanalytics.atomic import atomic_write_text, replace_dir
from rvanalytics.exceptions import ReportError
from rvanalytics.report.files import make_readable
from rvanalytics.report.inputs import inputs_hash, report_inputs
from rvanalytics.report.naming import check_city_code, report_folder

if TYPE_CHECKING:
    from rvanalytics.report.execute import StartedKernel

__all__ = [
    "LANGS",
    "ReportResult",
    "city_names",
    "default_notebook",
    "last_good_result",
    "read_result",
    "run_report",
    "unchanged_result",
]

LANGS = ("fi", "sv", "en")
RESULT_FILE = "result.json"


def default_notebook() -> Path:
    """``notebooks/city_report.ipynb`` of the checkout."""
    from rvanalytics.paths import repo_root

    return repo_root() / "notebooks" / "city_report.ipynb"


@dataclass
class ReportResult:
    """The record of one city's report run.

    Attributes
    ----------
    city_code, name : str
        Municipality code and name (name ``None`` when unknown).
    folder : str
        Folder name ``<code>-<slug>`` inside the output folder.
    status : {"ok", "failed", "skipped"}
        ``skipped``: inputs unchanged since the last successful run, nothing executed.
    cell_index, exec_count, ename, evalue
        Where and what failed (cell index in ``report.ipynb``, 0-based).
    duration_s : float
        Wall time of this run (notebook + export); for ``skipped`` the earlier run's.
    attempts : int
        Kernel starts (2 when the one retry was used).
    warnings : list of str
        stderr output of the notebook (left out of the HTML page).
    last_good : str, optional
        For a failed run: when the earlier successful report, which was kept in
        ``folder``, finished (ISO time); None when there was none.
    failed_run : str, optional
        For a failed run whose earlier good report was kept: where the failed run's
        files went, relative to the output folder (``failed-runs/<folder>``).
    """

    city_code: str
    name: str | None
    folder: str
    status: str
    duration_s: float = 0.0
    attempts: int = 0
    started: str | None = None
    finished: str | None = None
    cell_index: int | None = None
    exec_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    retried_because: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    inputs_hash: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    last_good: str | None = None
    failed_run: str | None = None

    @property
    def ok(self) -> bool:
        """True for a complete report (``ok`` or ``skipped``)."""
        return self.status in ("ok", "skipped")

    @property
    def error(self) -> dict[str, Any] | None:
        if self.ok:
            return None
        return {"cell_index": self.cell_index, "ename": self.ename, "evalue": self.evalue}

    def raise_for_status(self) -> None:
        """Raise :class:`ReportError` (with cell index, ename, evalue) for a failed report."""
        if not self.ok:
            where = (
                f"cell {self.cell_index}" if self.cell_index is not None else "before any cell ran"
            )
            notebook = f"{self.failed_run or self.folder}/report.ipynb"
            kept = f" (the report of {self.last_good} was kept)" if self.last_good else ""
            raise ReportError(
                f"report of {self.city_code} failed in {where}: {self.ename}: {self.evalue}{kept}. "
                f"Fix: open {notebook} to see the traceback",
                city=self.city_code,
                cell_index=self.cell_index,
                ename=self.ename,
                evalue=self.evalue,
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportResult:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def _quiet(func: Any) -> Any:
    """``func`` for a warm-up thread: any error is left for the real call to raise."""

    def run() -> None:
        try:
            func()
        except Exception:  # the export itself reports the error, with its context
            pass

    return run


def read_result(folder: str | Path) -> ReportResult | None:
    """The ``result.json`` of a report folder, or None if there is none (or it is unreadable)."""
    path = Path(folder) / RESULT_FILE
    try:
        return ReportResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def last_good_result(folder: str | Path) -> ReportResult | None:
    """The result of the successful report in ``folder`` (with its page), or None."""
    previous = read_result(folder)
    if (
        previous is not None
        and previous.status in ("ok", "skipped")
        and (Path(folder) / "report.html").is_file()
    ):
        return previous
    return None


def city_names(codes: list[str], store: str | Path | None = None) -> dict[str, str | None]:
    """Finnish names of ``codes`` from the store's key (then the city profiles); None where unknown.

    Never raises: a report can be made (and fail visibly) for a city whose name is unknown.
    """
    names: dict[str, str | None] = {c: None for c in codes}
    try:
        from rvanalytics.key import load_key
        from rvanalytics.store import DEFAULT_DIVISION_YEAR

        key = load_key(DEFAULT_DIVISION_YEAR, store=store)
        lookup = dict(zip(key["code"].astype(str), key["name_fi"].astype(str), strict=False))
        for c in codes:
            names[c] = lookup.get(c)
    except Exception:  # the key is optional here: store missing, module not built yet
        pass
    if any(v is None for v in names.values()):
        try:
            from rvanalytics.cities import load_cities

            cities = load_cities(store=store).cities
            lookup = dict(zip(cities["code"], cities["name_fi"], strict=False))
            for c in codes:
                if names[c] is None and lookup.get(c):
                    names[c] = str(lookup[c])
        except Exception:
            pass
    return names


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Prepared:
    code: str
    name: str | None
    folder: Path
    notebook: Path
    parameters: dict[str, Any]
    inputs: dict[str, Any]
    digest: str


def prepare(
    city_code: str,
    *,
    notebook: str | Path | None,
    out_dir: str | Path | None,
    store: str | Path | None,
    lang: str,
    name: str | None,
    allow_foreign: bool = True,
) -> Prepared:
    from rvanalytics.paths import reports_dir, store_dir
    from rvanalytics.report.outdir import check_out_dir

    code = check_city_code(city_code)
    if lang not in LANGS:
        raise ReportError(
            f"language {lang!r} is not supported. Fix: use one of {', '.join(LANGS)}", city=code
        )
    nb_path = Path(notebook) if notebook is not None else default_notebook()
    out_root = check_out_dir(
        Path(out_dir) if out_dir is not None else reports_dir(), allow_foreign=allow_foreign
    )
    if name is None:
        name = city_names([code], store)[code]
    folder = report_folder(out_root, code, name)
    parameters = {"city_code": code, "store": str(store_dir(store).resolve()), "lang": lang}
    inputs = report_inputs(code, notebook=nb_path, store=store, parameters=parameters)
    return Prepared(code, name, folder, nb_path, parameters, inputs, inputs_hash(inputs))


def _unchanged(prep: Prepared) -> ReportResult | None:
    previous = last_good_result(prep.folder)
    if previous is not None and previous.inputs_hash == prep.digest:
        previous.status = "skipped"
        return previous
    return None


def unchanged_result(
    city_code: str,
    *,
    notebook: str | Path | None = None,
    out_dir: str | Path | None = None,
    store: str | Path | None = None,
    lang: str = "fi",
    name: str | None = None,
) -> ReportResult | None:
    """The earlier result (status ``"skipped"``) if the report's inputs are unchanged, else None.

    Unchanged means: the last run succeeded, ``report.html`` exists, and the notebook,
    the store manifest, the city's profile, the parameters and the package version hash
    to the same fingerprint as then (:mod:`rvanalytics.report.inputs`).
    """
    return _unchanged(
        prepare(city_code, notebook=notebook, out_dir=out_dir, store=store, lang=lang, name=name)
    )


def run_report(
    city_code: str,
    *,
    notebook: str | Path | None = None,
    out_dir: str | Path | None = None,
    store: str | Path | None = None,
    lang: str = "fi",
    timeout: float = 600.0,
    name: str | None = None,
    force: bool = True,
    retries: int = 1,
    allow_foreign: bool = False,
) -> ReportResult:
    """Execute the report notebook for one city and export its page.

    A failure inside the notebook does not raise: the result has ``status="failed"``
    and the cell index, exception name and message (call
    :meth:`ReportResult.raise_for_status` to turn it into :class:`ReportError`). A
    failed run never replaces an earlier successful report of the city (see the
    module docstring).

    Parameters
    ----------
    city_code : str
        Municipality code ("091").
    notebook : path, optional
        Notebook with a ``parameters`` cell (default ``notebooks/city_report.ipynb``).
    out_dir : path, optional
        Output folder (default ``reports/``); the report goes to ``<out_dir>/<code>-<slug>/``.
    store : path, optional
        The store (default ``RVANALYTICS_STORE`` / the data dir).
    lang : {"fi", "sv", "en"}
        Report language.
    timeout : float
        Seconds allowed for the whole notebook.
    name : str, optional
        City name for the folder and page title (default: from the key).
    force : bool
        Run even if the inputs are unchanged since the last successful run (default
        True here; :func:`rvanalytics.report.run_batch` defaults to skipping).
    retries : int
        Retries after a kernel failure (never after an error in the notebook's code).
    allow_foreign : bool
        Write into ``out_dir`` even when it holds files rvanalytics did not write.

    Returns
    -------
    ReportResult

    Raises
    ------
    ReportError
        Bad city code or language, a notebook without a ``parameters`` cell, or an
        output folder that cannot be used (a file, not writable, holding other files).
    """
    prep = prepare(
        city_code,
        notebook=notebook,
        out_dir=out_dir,
        store=store,
        lang=lang,
        name=name,
        allow_foreign=allow_foreign,
    )
    from rvanalytics.report.outdir import record_written

    record_written(prep.folder.parent, [prep.folder.name])
    return run_prepared(prep, timeout=timeout, force=force, retries=retries)


def run_prepared(
    prep: Prepared,
    *,
    timeout: float,
    force: bool,
    retries: int,
    kernel: StartedKernel | None = None,
) -> ReportResult:
    """Run a report whose folder and inputs :func:`prepare` worked out (see :func:`run_report`).

    ``kernel`` is one from :func:`start_report_kernel` for this city (used, or stopped).
    """
    if not force:
        previous = _unchanged(prep)
        if previous is not None:
            if kernel is not None:
                discard_kernel(kernel)
            return previous
    # imported here, not at module level: ``import rvanalytics`` (which every report kernel
    # does) reaches this module, and nbformat/jsonschema/jupyter_client cost ~1.3 s to import
    import threading

    from rvanalytics.report.export import warm_up

    # the page exporter's first use costs ~0.4 s: pay it on the idle core while the kernel works
    threading.Thread(target=_quiet(warm_up), daemon=True, name="export-warm-up").start()

    work = (
        kernel.cwd
        if kernel is not None
        else Path(
            tempfile.mkdtemp(prefix=f".{prep.folder.name}.", suffix=".tmp", dir=prep.folder.parent)
        )
    )
    try:
        result = _execute_into(work, prep, timeout=timeout, retries=retries, kernel=kernel)
        _keep(work, prep.folder, result)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return result


def _execute_into(
    work: Path, prep: Prepared, *, timeout: float, retries: int, kernel: StartedKernel | None
) -> ReportResult:
    """Run the notebook into ``work`` and export its page; the result is written there too."""
    from rvanalytics.report.execute import execute_notebook
    from rvanalytics.report.export import export_html

    started = _now()
    t0 = time.perf_counter()
    outcome = execute_notebook(
        prep.notebook,
        work / "report.ipynb",
        {**prep.parameters, "out_dir": str(work)},
        timeout=timeout,
        cwd=work,
        retries=retries,
        kernel_log=work / "kernel.log",
        kernel=kernel,
    )
    title = f"{prep.name} ({prep.code})" if prep.name else prep.code
    error = None
    if not outcome.ok:
        error = {"cell_index": outcome.cell_index, "ename": outcome.ename, "evalue": outcome.evalue}
    warnings: list[str] = []
    if (work / "report.ipynb").is_file():
        summary = export_html(
            work / "report.ipynb", work / "report.html", title=title, lang=prep.parameters["lang"],
            error=error,
        )
        warnings = summary.stderr_outputs
    log = work / "kernel.log"
    if log.is_file() and log.stat().st_size == 0:
        log.unlink()
    result = ReportResult(
        city_code=prep.code,
        name=prep.name,
        folder=prep.folder.name,
        status=outcome.status,
        duration_s=round(time.perf_counter() - t0, 3),
        attempts=outcome.attempts,
        started=started,
        finished=_now(),
        cell_index=outcome.cell_index,
        exec_count=outcome.exec_count,
        ename=outcome.ename,
        evalue=outcome.evalue,
        retried_because=outcome.retried_because,
        warnings=warnings,
        inputs=prep.inputs,
        inputs_hash=prep.digest,
        parameters={**prep.parameters, "out_dir": str(prep.folder), "timeout": timeout},
    )
    result.files = sorted(
        p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()
    ) + [RESULT_FILE]
    return result


def _keep(work: Path, folder: Path, result: ReportResult) -> None:
    """Swap ``work`` in as the city's folder, unless it failed and a good report is there."""
    from rvanalytics.report.outdir import FAILED_DIR

    failed_home = folder.parent / FAILED_DIR / folder.name
    previous = None if result.status == "ok" else last_good_result(folder)
    if previous is not None:
        result.last_good = previous.finished or previous.started
        result.failed_run = f"{FAILED_DIR}/{folder.name}"
        target = failed_home
    else:
        target = folder
    atomic_write_text(work / RESULT_FILE, json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    make_readable(work)
    replace_dir(work, target)
    if result.status == "ok" and failed_home.exists():
        shutil.rmtree(failed_home, ignore_errors=True)


#: What the report notebook imports first: a kernel started early imports it while it waits.
WARM_IMPORTS = ("import rvanalytics.report.story", "import matplotlib.pyplot")


def start_report_kernel(
    out_dir: Path, code: str, *, notebook: str | Path | None = None
) -> StartedKernel:
    """Start the kernel of ``code``'s report now, in its temporary folder inside ``out_dir``.

    For the default notebook the kernel imports what the notebook imports first while
    the caller is still busy (reading the key, checking inputs).
    """
    from rvanalytics.report.execute import prestart_kernel

    work = Path(tempfile.mkdtemp(prefix=f".{code}.", suffix=".tmp", dir=out_dir))
    warm = WARM_IMPORTS if notebook is None or Path(notebook).resolve() == default_notebook().resolve() else ()
    try:
        return prestart_kernel(work, kernel_log=work / "kernel.log", warm_imports=warm)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def discard_kernel(kernel: StartedKernel) -> None:
    """Stop a kernel from :func:`start_report_kernel` that will not run a notebook."""
    kernel.stop()
    shutil.rmtree(kernel.cwd, ignore_errors=True)
