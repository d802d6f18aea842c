"""One city's report: run the notebook, export the page, record what happened.

The report folder ``<out_dir>/<code>-<slug>/`` is built in a temporary folder beside it
and swapped in when complete (:func:`rvanalytics.atomic.atomic_dir`), so a reader never
sees half a report. It holds ``report.ipynb``, ``report.html``, ``metrics.json`` and
the figures written by the notebook, and ``result.json`` (this run's record, also
used to skip the report next time if its inputs have not changed).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rvanalytics.atomic import atomic_dir, atomic_write_text
from rvanalytics.exceptions import ReportError
from rvanalytics.report.files import make_readable
from rvanalytics.report.inputs import inputs_hash, report_inputs
from rvanalytics.report.naming import check_city_code, report_folder

__all__ = [
    "LANGS",
    "ReportResult",
    "city_names",
    "default_notebook",
    "read_result",
    "run_report",
    "unchanged_result",
]

LANGS = ("fi", "en")
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
            raise ReportError(
                f"report of {self.city_code} failed in {where}: {self.ename}: {self.evalue}. "
                f"Fix: open {self.folder}/report.ipynb to see the traceback",
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
class _Prepared:
    code: str
    name: str | None
    folder: Path
    notebook: Path
    parameters: dict[str, Any]
    inputs: dict[str, Any]
    digest: str


def _prepare(
    city_code: str,
    *,
    notebook: str | Path | None,
    out_dir: str | Path | None,
    store: str | Path | None,
    lang: str,
    name: str | None,
) -> _Prepared:
    from rvanalytics.paths import reports_dir, store_dir

    code = check_city_code(city_code)
    if lang not in LANGS:
        raise ReportError(
            f"language {lang!r} is not supported. Fix: use one of {', '.join(LANGS)}", city=code
        )
    nb_path = Path(notebook) if notebook is not None else default_notebook()
    out_root = Path(out_dir) if out_dir is not None else reports_dir()
    out_root.mkdir(parents=True, exist_ok=True)
    if name is None:
        name = city_names([code], store)[code]
    folder = report_folder(out_root, code, name)
    parameters = {"city_code": code, "store": str(store_dir(store).resolve()), "lang": lang}
    inputs = report_inputs(code, notebook=nb_path, store=store, parameters=parameters)
    return _Prepared(code, name, folder, nb_path, parameters, inputs, inputs_hash(inputs))


def _unchanged(prep: _Prepared) -> ReportResult | None:
    previous = read_result(prep.folder)
    if (
        previous is not None
        and previous.status in ("ok", "skipped")
        and previous.inputs_hash == prep.digest
        and (prep.folder / "report.html").is_file()
    ):
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
        _prepare(city_code, notebook=notebook, out_dir=out_dir, store=store, lang=lang, name=name)
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
) -> ReportResult:
    """Execute the report notebook for one city and export its page.

    A failure inside the notebook does not raise: the result has ``status="failed"``
    and the cell index, exception name and message (call
    :meth:`ReportResult.raise_for_status` to turn it into :class:`ReportError`).

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
    lang : {"fi", "en"}
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

    Returns
    -------
    ReportResult

    Raises
    ------
    ReportError
        Bad city code or language, or a notebook without a ``parameters`` cell.
    """
    prep = _prepare(
        city_code, notebook=notebook, out_dir=out_dir, store=store, lang=lang, name=name
    )
    if not force:
        previous = _unchanged(prep)
        if previous is not None:
            return previous
    code, name, folder, nb_path = prep.code, prep.name, prep.folder, prep.notebook
    parameters, inputs, digest = prep.parameters, prep.inputs, prep.digest
    # imported here, not at module level: ``import rvanalytics`` (which every report kernel
    # does) reaches this module, and nbformat/jsonschema/jupyter_client cost ~1.3 s to import
    import threading

    from rvanalytics.report.execute import execute_notebook
    from rvanalytics.report.export import export_html, warm_up

    # the page exporter's first use costs ~0.4 s: pay it on the idle core while the kernel works
    threading.Thread(target=_quiet(warm_up), daemon=True, name="export-warm-up").start()

    started = _now()
    t0 = time.perf_counter()
    with atomic_dir(folder) as work:
        run_params = {**parameters, "out_dir": str(work)}
        outcome = execute_notebook(
            nb_path,
            work / "report.ipynb",
            run_params,
            timeout=timeout,
            cwd=work,
            retries=retries,
            kernel_log=work / "kernel.log",
        )
        title = f"{name} ({code})" if name else code
        error = None
        if not outcome.ok:
            error = {
                "cell_index": outcome.cell_index,
                "ename": outcome.ename,
                "evalue": outcome.evalue,
            }
        warnings: list[str] = []
        if (work / "report.ipynb").is_file():
            summary = export_html(
                work / "report.ipynb", work / "report.html", title=title, lang=lang, error=error
            )
            warnings = summary.stderr_outputs
        log = work / "kernel.log"
        if log.is_file() and log.stat().st_size == 0:
            log.unlink()
        result = ReportResult(
            city_code=code,
            name=name,
            folder=folder.name,
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
            inputs=inputs,
            inputs_hash=digest,
            parameters={**parameters, "out_dir": str(folder), "timeout": timeout},
        )
        result.files = sorted(
            p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()
        ) + [RESULT_FILE]
        atomic_write_text(
            work / RESULT_FILE, json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
        )
        make_readable(work)
    return result
