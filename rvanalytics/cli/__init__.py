"""The ``rvanalytics`` command line.

Each concern registers its commands from its own module (``data``, ``cities``,
``cohort``, ``maps``, ``metrics``, ``report``) through a ``register(app)`` function.
Errors of the package (:class:`~rvanalytics.exceptions.RvanalyticsError`), and operating-system
errors about a named path (no permission, a folder where a file should be, disk full), are printed
as one line on stderr (what, where, the fix) with exit status 2. Anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import errno
import functools
import sys
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from rvanalytics.exceptions import RvanalyticsError

#: Exit status of a command stopped by a clear error (1 stays "ran and found problems", e.g. validate).
ERROR_EXIT = 2
_PATH_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EISDIR,
                errno.ENOTDIR, errno.EEXIST, errno.ENOENT, errno.ENAMETOOLONG, errno.ELOOP}
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


class CliError(SystemExit):
    """Exit with :data:`ERROR_EXIT` after the one-line message; ``str()`` is the message.

    For a package error the exit is raised as a subclass of both this and the error's own
    class, so a caller of the click command (``CliRunner``) still sees which error it was.
    """

    def __init__(self, message: str) -> None:
        super().__init__(ERROR_EXIT)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@functools.lru_cache(maxsize=None)
def _exit_class(error_type: type[RvanalyticsError]) -> type:
    return type(error_type.__name__, (CliError, error_type), {"__module__": error_type.__module__})


def _as_exit(err: RvanalyticsError) -> CliError:
    """``err`` as a :class:`CliError` that is also an instance of ``type(err)`` (same attributes)."""
    cls = _exit_class(type(err))
    exit_ = cls.__new__(cls, *err.args)
    exit_.__dict__.update(err.__dict__)
    exit_.args = err.args
    exit_.code = ERROR_EXIT
    return exit_


def _os_message(err: OSError) -> str | None:
    """One line for an OSError about a user's path; None when it looks like a bug (no path, or package files)."""
    if err.errno not in _PATH_ERRNOS or not err.filename:
        return None
    where = Path(str(err.filename))
    try:
        if _PACKAGE_DIR in where.resolve().parents:
            return None
    except (OSError, RuntimeError):
        pass
    fixes = {
        errno.EACCES: "use a place you may write to, or change the permissions",
        errno.EPERM: "use a place you may write to, or change the permissions",
        errno.EROFS: "the file system is read-only: use another place",
        errno.ENOSPC: "free some disk space or use another disk",
        errno.EDQUOT: "free some disk space or use another disk",
        errno.EISDIR: "give a file name, not a folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder: give another path",
        errno.EEXIST: "a file is in the way: remove it or give another path",
        errno.ENOENT: "check the path (its folder must exist and be creatable)",
    }
    fix = fixes.get(err.errno, "check the path")
    other = f" -> {err.filename2}" if getattr(err, "filename2", None) else ""
    return f"{err.filename}{other}: {err.strerror or type(err).__name__}. Fix: {fix}"


class _Group(TyperGroup):
    """The root command group: turns expected errors into one line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CliError:
            raise
        except RvanalyticsError as err:
            typer.secho(f"error: {err}", err=True, fg=typer.colors.RED)
            raise _as_exit(err) from None
        except OSError as err:
            message = _os_message(err)
            if message is None:
                raise
            typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
            raise CliError(message) from None


app = typer.Typer(
    cls=_Group,
    name="rvanalytics",
    help="Resource-wisdom indicators, maps and per-city reports for Finnish municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from rvanalytics import __version__

        typer.echo(f"rvanalytics {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Resource-wisdom indicators, maps and per-city reports for Finnish municipalities."""


def _register_all() -> None:
    from rvanalytics.cli import cities, cohort, data, maps, metrics, report

    for module in (data, cities, cohort, maps, metrics, report):
        module.register(app)


_register_all()


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                      file: Any = None, line: str | None = None) -> None:
    """Warnings of the command line as one line (``warning: …``), without Python's source line."""
    print(f"warning: {message}", file=file or sys.stderr)


def main() -> None:
    """Console entry point: run the app and turn package errors into one-line messages."""
    import warnings

    warnings.showwarning = _one_line_warning
    try:
        app()
    except CliError:  # already printed by the group
        raise
    except RvanalyticsError as err:
        typer.secho(f"error: {err}", err=True, fg=typer.colors.RED)
        sys.exit(ERROR_EXIT)
