"""One notebook run with papermill, made safe for parallel batches.

Papermill's known failures when many notebooks run at once, and what this module does:

- **ZMQ "Address already in use"** and kernels that fail to start: jupyter_client picks
  free TCP ports, releases them and the kernel binds them later, so two kernels started
  at the same moment can pick the same port (nteract/papermill#511). Here each kernel
  talks over **IPC transport** (Unix domain sockets in its own short-lived folder),
  which has no shared port namespace. The manager subclasses jupyter_client's
  *async* kernel manager: with the blocking ``KernelManager`` variant that circulates
  in that issue, nbclient's cell timeout never fired (observed with jupyter_client
  8.10, nbclient 0.11, papermill 2.7: a 12 s cell ran to the end under a 3 s timeout).
- **Kernels that hang** (in a cell or after the last one): every cell has a timeout,
  and a watchdog kills the kernel process when the whole notebook exceeds ``timeout``
  seconds, so a run always ends.
- **Transient start failures**: one retry when the kernel did not start or died
  outside a cell; never for an error raised by the notebook's own code.

Parameters reach the notebook as literals through papermill's injected cell.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from rvanalytics.exceptions import ReportError
from rvanalytics.report.lightimport import nbformat

__all__ = [
    "KERNEL_NAME",
    "IPCKernelManager",
    "RunOutcome",
    "StartedKernel",
    "prestart_kernel",
    "check_parameters_cell",
    "execute_notebook",
]

#: The kernel the reports run in: the ``python3`` of the interpreter running rvanalytics.
KERNEL_NAME = "python3"


class IPCKernelManager(AsyncKernelManager):
    """Async kernel manager using IPC transport, the current Python, and a kernel log file.

    - IPC sockets live in a fresh folder under the system temp dir (short paths: Unix
      sockets are limited to ~100 bytes), removed after the kernel stops.
    - The ``python3`` kernel always runs ``sys.executable -m ipykernel_launcher``, so the
      project's venv is used even where another ``python3`` kernel spec is installed or
      none is (a fresh machine with only ``.venv``).
    - The kernel's own stdout/stderr go to ``kernel_log`` (set by :func:`execute_notebook`)
      instead of the terminal, where they would garble the progress bar.
    """

    kernel_log: Path | None = None
    registry: list[AsyncKernelManager] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ipc_dir = Path(tempfile.mkdtemp(prefix="rvk-"))
        kernel_id = kwargs.pop("kernel_id", None) or str(uuid.uuid4())
        kwargs.setdefault("connection_file", str(self._ipc_dir / "kernel.json"))
        super().__init__(*args, transport="ipc", kernel_id=kernel_id, **kwargs)
        if self.registry is not None:
            self.registry.append(self)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel command, with the interpreter pinned to ``sys.executable`` for ipykernel."""
        cmd = super().format_kernel_cmd(extra_arguments)
        if "ipykernel_launcher" in cmd or "ipykernel" in cmd:
            cmd[0] = sys.executable
        return cmd

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.kernel_log is not None:
            log = open(self.kernel_log, "ab")  # noqa: SIM115 - kept open for the kernel's lifetime
            kw.setdefault("stdout", log)
            kw.setdefault("stderr", log)
            self._kernel_log_handle = log
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            handle = getattr(self, "_kernel_log_handle", None)
            if handle is not None:
                handle.close()
            shutil.rmtree(self._ipc_dir, ignore_errors=True)

    def cleanup_ipc_dir(self) -> None:
        """Remove the IPC socket folder (after a kill, when no cleanup of the manager runs)."""
        shutil.rmtree(self._ipc_dir, ignore_errors=True)

    def kill_now(self) -> None:
        """Kill the kernel process (used by the watchdog); safe from another thread."""
        provisioner = self.provisioner
        process = getattr(provisioner, "process", None) if provisioner is not None else None
        pid = getattr(process, "pid", None)
        if pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class StartedKernel:
    """A kernel started ahead of its notebook (see :func:`prestart_kernel`)."""

    manager: IPCKernelManager
    cwd: Path
    log: Path

    def stop(self) -> None:
        """Kill the kernel, reap its process and remove its sockets (safe to call twice)."""
        self.manager.kill_now()
        process = getattr(self.manager.provisioner, "process", None)
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(timeout=5)
        self.manager.cleanup_ipc_dir()


def prestart_kernel(
    cwd: str | Path,
    *,
    kernel_log: str | Path,
    kernel_name: str = KERNEL_NAME,
    warm_imports: tuple[str, ...] = (),
) -> StartedKernel:
    """Start a kernel now, to run a notebook later with :func:`execute_notebook` (``kernel=``).

    The kernel boots (and imports ``warm_imports``, through ipykernel's ``exec_lines``,
    which run before the kernel answers and leave no trace in the notebook) while the
    caller does other work on another core, e.g. reading the municipality key. Stop it
    with :meth:`StartedKernel.stop` if it is not used.
    """
    from jupyter_core.utils import run_sync

    manager_class = type(
        "PrestartedKernelManager", (IPCKernelManager,), {"kernel_log": Path(kernel_log)}
    )
    manager = manager_class(kernel_name=kernel_name)
    extra = [f"--IPKernelApp.exec_lines={line}" for line in warm_imports]
    run_sync(manager.start_kernel)(cwd=str(cwd), extra_arguments=extra)
    return StartedKernel(manager, Path(cwd), Path(kernel_log))


@dataclass
class RunOutcome:
    """What happened in one notebook run.

    ``status`` is ``"ok"`` or ``"failed"``; for a failure ``ename``/``evalue`` name the
    exception, ``cell_index`` the cell of the saved executed notebook (0-based, counting
    the injected parameters cell and papermill's error marker cells) and ``exec_count``
    its execution count (the ``[n]`` shown in JupyterLab).
    """

    status: str
    duration_s: float
    attempts: int
    output_path: Path
    cell_index: int | None = None
    exec_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    traceback: list[str] = field(default_factory=list)
    retried_because: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def check_parameters_cell(notebook: str | Path) -> None:
    """Raise :class:`ReportError` unless ``notebook`` has a cell tagged ``parameters``.

    Papermill would only warn and put the parameters at the top, where the notebook's
    own defaults would then overwrite them.
    """
    path = Path(notebook)
    if not path.is_file():
        raise ReportError(
            f"{path}: report notebook not found. Fix: give the path of an existing .ipynb file"
        )
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # nbformat raises several types for a broken file
        raise ReportError(
            f"{path}: not a readable notebook ({err}). Fix: open and re-save it in JupyterLab"
        ) from err
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return
    raise ReportError(
        f"{path}: no cell is tagged 'parameters', so the report parameters cannot be injected. "
        "Fix: in JupyterLab select the cell defining city_code, store, lang and out_dir, open the "
        "property inspector and add the tag 'parameters'"
    )


def _running_cell(output_path: Path) -> tuple[int | None, int | None]:
    """Index and execution count of the last cell papermill started in ``output_path``."""
    try:
        nb = nbformat.read(output_path, as_version=4)
    except Exception:
        return None, None
    last: tuple[int | None, int | None] = (None, None)
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.cell_type == "code" and meta.get("start_time"):
            last = (index, cell.get("execution_count"))
    return last


def _error_cell(output_path: Path, exec_count: int | None) -> int | None:
    """Index in the saved notebook of the code cell with an error output (papermill inserts
    two marker cells when it saves a failed notebook, so its own index is off by two)."""
    try:
        nb = nbformat.read(output_path, as_version=4)
    except Exception:
        return None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        has_error = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        if has_error and (exec_count is None or cell.get("execution_count") == exec_count):
            return index
    return None


def _is_infrastructure_failure(err: BaseException) -> bool:
    """True for failures of the kernel machinery (retry), False for the notebook's own errors."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(err, CellTimeoutError):
        return False
    if isinstance(err, DeadKernelError):
        return True
    name = type(err).__name__
    text = str(err)
    if name == "ZMQError" or "Address already in use" in text:
        return True
    if isinstance(err, RuntimeError | TimeoutError) and "kernel" in text.lower():
        return True
    return False


def _execute_once(
    notebook: Path,
    output_path: Path,
    parameters: dict[str, Any],
    *,
    timeout: float,
    cwd: Path,
    kernel_log: Path,
    kernel_name: str,
    kernel: StartedKernel | None = None,
) -> None:
    """One papermill run with the IPC manager and the whole-notebook watchdog."""
    import papermill as pm

    from rvanalytics.report.engines import register

    registry: list[AsyncKernelManager] = []
    manager = type(
        "RunKernelManager", (IPCKernelManager,), {"kernel_log": kernel_log, "registry": registry}
    )
    extra: dict[str, Any] = {}
    if kernel is not None:  # nbclient uses a started manager as it is and leaves it running
        registry.append(kernel.manager)
        extra["km"] = kernel.manager
    fired = threading.Event()

    def _watchdog() -> None:
        fired.set()
        for km in registry:
            km.kill_now()

    timer = threading.Timer(timeout, _watchdog)
    timer.daemon = True
    timer.start()
    # a KeyboardInterrupt (Ctrl-C, or a stop request in a batch worker) leaves papermill without
    # shutting its kernel down; kernels run in their own session and would outlive us
    stopped = True
    try:
        pm.execute_notebook(
            str(notebook),
            str(output_path),
            parameters=parameters,
            kernel_name=kernel_name,
            engine_name=register(),  # the notebook is written once, when the run ends
            progress_bar=False,
            log_output=False,
            start_timeout=min(60.0, max(10.0, timeout)),
            execution_timeout=max(1, int(round(timeout))),
            cwd=str(cwd),
            kernel_manager_class=manager,
            **extra,
        )
        stopped = False
    except Exception as err:
        stopped = False
        if fired.is_set():
            raise _WatchdogTimeout(timeout) from err
        raise
    finally:
        timer.cancel()
        if kernel is not None:
            kernel.stop()  # the notebook is saved; nothing of the kernel is needed any more
        if stopped:
            _quiet_kernel_death_echoes()
            for km in registry:
                km.kill_now()
                km.cleanup_ipc_dir()


class _KernelDeathEchoes:
    """Logging filter: drops what a kernel we killed on a stop request echoes back, nbclient's
    "Kernel died while waiting for execute reply" and asyncio's "Task exception was never
    retrieved" for its DeadKernelError; they must not print tracebacks over the batch's
    one-line summary. Everything else passes."""

    def filter(self, record: Any) -> bool:
        from nbclient.exceptions import DeadKernelError

        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, DeadKernelError) or "Kernel died" in record.getMessage())


def _quiet_kernel_death_echoes() -> None:
    """Install :class:`_KernelDeathEchoes` on the loggers nbclient and asyncio use (once)."""
    import logging

    for name in ("asyncio", "traitlets"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _KernelDeathEchoes) for f in logger.filters):
            logger.addFilter(_KernelDeathEchoes())


class _WatchdogTimeout(Exception):
    def __init__(self, timeout: float) -> None:
        super().__init__(
            f"the notebook did not finish within {timeout:g} s; its kernel was stopped"
        )


def execute_notebook(
    notebook: str | Path,
    output_path: str | Path,
    parameters: dict[str, Any],
    *,
    timeout: float = 600.0,
    cwd: str | Path | None = None,
    kernel_name: str = KERNEL_NAME,
    retries: int = 1,
    kernel_log: str | Path | None = None,
    kernel: StartedKernel | None = None,
) -> RunOutcome:
    """Run ``notebook`` once with ``parameters`` and save it to ``output_path``.

    Never raises for a failure inside the notebook: the outcome carries the cell index,
    exception name and message. Raises :class:`ReportError` only when the notebook has
    no ``parameters`` cell or cannot be read.

    Parameters
    ----------
    notebook : path
        The template notebook (must have a cell tagged ``parameters``).
    output_path : path
        Where the executed notebook is written (also on failure, up to the failing cell).
    parameters : dict
        Plain values (str, int, float, bool, None, lists/dicts of them), injected by
        papermill as literals in a new cell after the ``parameters`` cell.
    timeout : float
        Seconds for the whole notebook (and for any single cell).
    cwd : path, optional
        Working directory of the kernel (default: the folder of ``output_path``).
    retries : int
        How many times a kernel/infrastructure failure is retried (default once).
    kernel_log : path, optional
        File collecting the kernel's stdout/stderr (default beside ``output_path``).
    kernel : StartedKernel, optional
        A kernel from :func:`prestart_kernel` for the first attempt (a retry starts a
        fresh one); it is stopped when the run ends.

    Examples
    --------
    >>> from pathlib import Path
    >>> import tempfile
    >>> nb = Path("tests/notebooks/good.ipynb")
    >>> if nb.exists():  # doctest: +SKIP
    ...     out = Path(tempfile.mkdtemp())
    ...     outcome = execute_notebook(nb, out / "r.ipynb", {"city_code": "091", "out_dir": str(out)})
    ...     outcome.status
    'ok'
    """
    from papermill.exceptions import PapermillExecutionError

    notebook = Path(notebook).resolve()
    output_path = Path(output_path).resolve()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    check_parameters_cell(notebook)
    log_path = (
        Path(kernel_log) if kernel_log is not None else output_path.with_suffix(".kernel.log")
    )
    work_dir = Path(cwd) if cwd is not None else output_path.parent
    start = time.perf_counter()
    retried: list[str] = []
    attempt = 0
    while True:
        attempt += 1
        try:
            _execute_once(
                notebook,
                output_path,
                parameters,
                timeout=timeout,
                cwd=work_dir,
                kernel_log=log_path,
                kernel_name=kernel_name,
                kernel=kernel if attempt == 1 else None,
            )
        except PapermillExecutionError as err:
            saved_index = _error_cell(output_path, err.exec_count)
            return RunOutcome(
                status="failed",
                duration_s=time.perf_counter() - start,
                attempts=attempt,
                output_path=output_path,
                cell_index=saved_index if saved_index is not None else err.cell_index,
                exec_count=err.exec_count,
                ename=err.ename,
                evalue=str(err.evalue),
                traceback=[str(line) for line in (err.traceback or [])],
                retried_because=retried,
            )
        except _WatchdogTimeout as err:
            cell_index, exec_count = _running_cell(output_path)
            return RunOutcome(
                status="failed",
                duration_s=time.perf_counter() - start,
                attempts=attempt,
                output_path=output_path,
                cell_index=cell_index,
                exec_count=exec_count,
                ename="Timeout",
                evalue=str(err),
                retried_because=retried,
            )
        except Exception as err:  # kernel machinery, cell timeout, I/O
            from nbclient.exceptions import CellTimeoutError

            if _is_infrastructure_failure(err) and attempt <= retries:
                retried.append(f"{type(err).__name__}: {err}")
                continue
            cell_index, exec_count = _running_cell(output_path)
            ename = "Timeout" if isinstance(err, CellTimeoutError) else type(err).__name__
            evalue = (
                f"a cell did not finish within {timeout:g} s"
                if isinstance(err, CellTimeoutError)
                else str(err).strip().splitlines()[0]
                if str(err).strip()
                else repr(err)
            )
            return RunOutcome(
                status="failed",
                duration_s=time.perf_counter() - start,
                attempts=attempt,
                output_path=output_path,
                cell_index=cell_index,
                exec_count=exec_count,
                ename=ename,
                evalue=evalue,
                retried_because=retried,
            )
        return RunOutcome(
            status="ok",
            duration_s=time.perf_counter() - start,
            attempts=attempt,
            output_path=output_path,
            retried_because=retried,
        )
