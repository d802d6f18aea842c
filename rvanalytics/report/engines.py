"""The papermill engine the reports run with: nbclient, with the notebook saved once at the end.

Papermill's own engine writes the whole output notebook (validated against the nbformat
schema, images included) when each cell starts and when it ends: 30-odd writes of a
notebook that grows to a megabyte, each one made while the kernel waits for its next
cell. A report needs the notebook on disk only when the run is over, successful or not:
papermill's :meth:`~papermill.engines.NotebookExecutionManager.notebook_complete` runs
in a ``finally`` after any error (a cell's exception, a dead kernel, a timeout), and
the cells' start times and statuses, from which :mod:`~rvanalytics.report.execute`
reads where a run stopped, are kept in memory until then.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

__all__ = ["ENGINE_NAME", "FinalSaveEngine", "FinalSaveManager", "register"]

#: The name the engine is registered under (``engine_name=`` of papermill's execute_notebook).
ENGINE_NAME = "rvanalytics"


class FinalSaveManager(NotebookExecutionManager):
    """Papermill's execution manager, writing the output notebook only when the run ends."""

    def save(self, **kwargs: Any) -> None:
        if self.end_time is not None:  # set by notebook_complete, just before its save
            super().save(**kwargs)


class FinalSaveEngine(NBClientEngine):
    """:class:`~papermill.engines.NBClientEngine` with :class:`FinalSaveManager`."""

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        nb_man = FinalSaveManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); returns its name."""
    papermill_engines.register(ENGINE_NAME, FinalSaveEngine)
    return ENGINE_NAME
