"""Figures of a report drawn ahead, in a forked process, while the kernel writes the sections before them.

A report kernel works on one core; drawing and encoding its figures is a third of its
work. :class:`FigureWorker` forks the kernel once its data is loaded: the child
inherits the data, the imports and matplotlib's settings, draws the figures it was
given into ``figures/<name>.png`` and exits; the kernel meanwhile computes and renders
the sections that come first. When a section needs a figure, :meth:`FigureWorker.png`
waits for the child and returns the file's bytes, the same bytes the kernel would have
written (a test compares them).

Only on Linux (``fork`` is safe there for a process that only draws and writes files).
If the child fails, :meth:`~FigureWorker.png` returns None and warns with the child's
traceback: the section then draws the figure itself, so a bug in a chart still fails
the report with its own traceback.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["FigureWorker", "can_fork"]

ERROR_FILE = ".figures-ahead-error.txt"

#: Workers whose child has not been waited for (a story loaded again in JupyterLab before
#: its figures were asked for); :meth:`FigureWorker.start` reaps those that have finished.
_UNWAITED: list[FigureWorker] = []


def can_fork() -> bool:
    """True where figures can be drawn ahead (Linux)."""
    return sys.platform == "linux" and hasattr(os, "fork")


def render_png(fig: Any) -> bytes:
    """The figure as the report embeds it (PNG at 110 dpi); the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # no bbox_inches="tight": the charts and maps lay themselves out to fit their figure,
    # and the tight box would draw each figure twice
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent (the kernel, pid ``parent``) dies."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent:  # the parent died before the request above: nobody would signal
        os._exit(1)


class FigureWorker:
    """Draw ``jobs`` (file name → function returning a figure) in a forked child.

    Parameters
    ----------
    folder : Path
        Where the PNG files go (``<folder>/<name>.png``).
    jobs : dict
        Figure file names (without ``.png``) and the functions that build them.
    """

    def __init__(self, folder: Path, jobs: dict[str, Callable[[], Any]]) -> None:
        self.folder = Path(folder)
        self.jobs = dict(jobs)
        self.pid: int | None = None
        self.status: int | None = None

    def start(self) -> FigureWorker:
        """Fork the child (it draws the jobs in order and exits)."""
        _reap_finished()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ERROR_FILE).unlink(missing_ok=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            self._child(parent)
        self.pid = pid
        _UNWAITED.append(self)
        return self

    def _child(self, parent: int) -> None:
        code = 1
        try:
            _die_with_parent(parent)
            # the kernel's streams belong to its threads, which a fork does not copy
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
            warnings.simplefilter("ignore")
            from rvanalytics.atomic import atomic_write_bytes

            for name, build in self.jobs.items():
                atomic_write_bytes(self.folder / f"{name}.png", render_png(build()))
            code = 0
        except BaseException:  # noqa: BLE001 - the child must report anything and exit, never return
            try:
                (self.folder / ERROR_FILE).write_text(traceback.format_exc(), encoding="utf-8")
            except OSError:
                pass
        finally:
            os._exit(code)

    def wait(self) -> bool:
        """Wait for the child (once); True if it drew every job."""
        if self.pid is not None and self.status is None:
            _, status = os.waitpid(self.pid, 0)
            self._finished(status)
            if self.status != 0:
                error = self.folder / ERROR_FILE
                detail = error.read_text(encoding="utf-8") if error.is_file() else f"exit status {self.status}"
                error.unlink(missing_ok=True)
                warnings.warn(f"figures drawn ahead failed; drawn again in the kernel. {detail}",
                              RuntimeWarning, stacklevel=3)
        return self.status == 0

    def _finished(self, status: int) -> None:
        self.status = os.waitstatus_to_exitcode(status)
        if self in _UNWAITED:
            _UNWAITED.remove(self)

    def png(self, name: str) -> bytes | None:
        """The PNG bytes of job ``name`` once the child is done; None if it is not one of the
        jobs or the child failed."""
        if name not in self.jobs or not self.wait():
            return None
        return (self.folder / f"{name}.png").read_bytes()


def _reap_finished() -> None:
    """Wait for the children of earlier workers that have exited (no zombies pile up)."""
    for worker in list(_UNWAITED):
        try:
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
        except ChildProcessError:  # already reaped elsewhere
            _UNWAITED.remove(worker)
            continue
        if pid:
            worker._finished(status)
