"""Running report notebooks with papermill: good, broken, no parameters cell, timeout, retry, literals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from rvanalytics.exceptions import ReportError
from rvanalytics.report import execute
from rvanalytics.report.execute import check_parameters_cell, execute_notebook
from rvanalytics.report.run import run_report

NOTEBOOKS = Path(__file__).parent / "notebooks"


def test_good_notebook_runs_over_ipc_with_literal_parameters(tmp_path: Path) -> None:
    tricky = 'store"; import os; os.system("echo pwned") #\n\\ äö'
    outcome = execute_notebook(
        NOTEBOOKS / "good.ipynb",
        tmp_path / "out.ipynb",
        {"city_code": "091", "store": tricky, "lang": "en", "out_dir": str(tmp_path / "o")},
        timeout=60,
    )
    assert outcome.ok, outcome
    assert outcome.attempts == 1
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["store"] == tricky  # arrived as the same string, not as code
    assert metrics["transport"] == "ipc"  # the remedy for ZMQ port collisions is in effect
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1


def test_broken_notebook_gives_cell_index_and_exception(tmp_path: Path) -> None:
    outcome = execute_notebook(
        NOTEBOOKS / "broken.ipynb",
        tmp_path / "b.ipynb",
        {"city_code": "999", "out_dir": str(tmp_path)},
        timeout=60,
    )
    assert outcome.status == "failed"
    assert outcome.ename == "ValueError"
    assert "deliberately broken city 999" in outcome.evalue
    nb = nbformat.read(tmp_path / "b.ipynb", as_version=4)
    failing = nb.cells[outcome.cell_index]
    assert "raise ValueError" in failing.source
    assert outcome.attempts == 1  # an error in the notebook's code is not retried


def test_notebook_without_parameters_cell_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="tagged 'parameters'.*Fix:"):
        check_parameters_cell(NOTEBOOKS / "no_parameters.ipynb")
    with pytest.raises(ReportError, match="no_parameters.ipynb"):
        run_report(
            "091", notebook=NOTEBOOKS / "no_parameters.ipynb", out_dir=tmp_path, name="Helsinki"
        )
    with pytest.raises(ReportError, match="not found"):
        check_parameters_cell(tmp_path / "missing.ipynb")


def test_timeout_stops_a_slow_notebook(tmp_path: Path) -> None:
    start = time.perf_counter()
    outcome = execute_notebook(
        NOTEBOOKS / "slow.ipynb",
        tmp_path / "s.ipynb",
        {"seconds": 60.0, "out_dir": str(tmp_path)},
        timeout=2,
    )
    elapsed = time.perf_counter() - start
    assert outcome.status == "failed"
    assert outcome.ename == "Timeout" and "2 s" in outcome.evalue
    assert outcome.cell_index is not None
    assert (
        "sleep"
        in nbformat.read(tmp_path / "s.ipynb", as_version=4).cells[outcome.cell_index].source
    )
    assert elapsed < 20


def test_kernel_start_failure_is_retried_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import zmq

    calls = {"n": 0}
    original = execute.IPCKernelManager._async_launch_kernel

    async def flaky(self, kernel_cmd, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise zmq.ZMQError(errno.EADDRINUSE)
        return await original(self, kernel_cmd, **kw)

    monkeypatch.setattr(execute.IPCKernelManager, "_async_launch_kernel", flaky)
    outcome = execute_notebook(
        NOTEBOOKS / "good.ipynb", tmp_path / "g.ipynb", {"out_dir": str(tmp_path)}, timeout=60
    )
    assert outcome.ok
    assert outcome.attempts == 2
    assert "Address already in use" in outcome.retried_because[0]


def test_kernel_failing_twice_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self, kernel_cmd, **kw):
        raise RuntimeError("Kernel died before replying to kernel_info (simulated)")

    monkeypatch.setattr(execute.IPCKernelManager, "_async_launch_kernel", broken)
    outcome = execute_notebook(
        NOTEBOOKS / "good.ipynb", tmp_path / "g.ipynb", {"out_dir": str(tmp_path)}, timeout=30
    )
    assert outcome.status == "failed"
    assert outcome.attempts == 2
    assert outcome.ename == "RuntimeError" and "kernel_info" in outcome.evalue


def test_run_report_writes_folder_and_html_without_code(tmp_path: Path) -> None:
    result = run_report(
        "091",
        notebook=NOTEBOOKS / "good.ipynb",
        out_dir=tmp_path,
        name="Hämeenlinna",
        store=tmp_path / "s",
    )
    assert result.status == "ok", result
    folder = tmp_path / "091-hameenlinna"
    assert result.folder == folder.name
    for name in ("report.ipynb", "report.html", "metrics.json", "figure.png", "result.json"):
        assert (folder / name).is_file(), name
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "get_connection_info" not in html and "import json" not in html  # no code cells
    assert "Traceback" not in html and "In&nbsp;[" not in html
    assert "data:image/png;base64" in html
    assert not list(tmp_path.glob(".*tmp"))  # the temporary folder was swapped in
    from rvanalytics.report.files import current_umask

    mask = current_umask()  # published files get ordinary modes, not mkstemp's 0600/0700
    assert (folder / "report.html").stat().st_mode & 0o777 == 0o666 & ~mask
    assert folder.stat().st_mode & 0o777 == 0o777 & ~mask
    with pytest.raises(ReportError, match="language"):
        run_report("091", notebook=NOTEBOOKS / "good.ipynb", out_dir=tmp_path, lang="de")


def test_failed_report_page_names_cell_without_traceback(tmp_path: Path) -> None:
    result = run_report("999", notebook=NOTEBOOKS / "broken.ipynb", out_dir=tmp_path, name="Rikki")
    assert result.status == "failed" and result.ename == "ValueError"
    html = (tmp_path / "999-rikki" / "report.html").read_text(encoding="utf-8")
    assert "ValueError" in html and "deliberately broken city 999" in html
    assert "Traceback" not in html and "An Exception was encountered" not in html
    assert "Traceback" in (tmp_path / "999-rikki" / "report.ipynb").read_text(encoding="utf-8")


def test_output_notebook_is_written_when_the_run_ends_not_per_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Papermill's engine wrote the whole notebook twice per cell while the kernel waited."""
    import papermill.engines
    import papermill.execute
    import papermill.iorw

    writes: list[int] = []
    original = papermill.iorw.write_ipynb

    def counting(nb, path):
        writes.append(sum(c.get("execution_count") is not None for c in nb.cells))
        return original(nb, path)

    for module in (papermill.iorw, papermill.engines, papermill.execute):
        monkeypatch.setattr(module, "write_ipynb", counting)
    outcome = execute_notebook(
        NOTEBOOKS / "good.ipynb",
        tmp_path / "out.ipynb",
        {"city_code": "091", "store": "s", "lang": "en", "out_dir": str(tmp_path / "o")},
        timeout=60,
    )
    assert outcome.ok, outcome
    executed = sum(c.cell_type == "code" for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells)
    assert executed >= 3
    assert len(writes) <= 2 and writes[0] == executed  # only complete notebooks were written


def test_a_stopped_kernels_death_is_not_echoed_but_other_errors_are(capsys) -> None:
    """After a stop request, nbclient's "Kernel died" and asyncio's never-retrieved
    DeadKernelError must not print tracebacks over the batch's summary line."""
    import logging

    from nbclient.exceptions import DeadKernelError

    execute._quiet_kernel_death_echoes()
    execute._quiet_kernel_death_echoes()  # once is enough; twice adds nothing
    assert sum(isinstance(f, execute._KernelDeathEchoes) for f in logging.getLogger("asyncio").filters) == 1
    handler = logging.StreamHandler()  # what logging's last resort would print
    for name in ("asyncio", "traitlets"):
        logging.getLogger(name).addHandler(handler)
    try:
        err = DeadKernelError("Kernel died")
        logging.getLogger("asyncio").error("Task exception was never retrieved", exc_info=(type(err), err, None))
        logging.getLogger("traitlets").error("Kernel died while waiting for execute reply.")
        logging.getLogger("asyncio").error("something else went wrong")
    finally:
        for name in ("asyncio", "traitlets"):
            logging.getLogger(name).removeHandler(handler)
    printed = capsys.readouterr().err
    assert "Kernel died" not in printed and "never retrieved" not in printed
    assert "something else went wrong" in printed
