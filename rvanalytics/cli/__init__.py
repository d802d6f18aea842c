"""The ``rvanalytics`` command line.

Each concern registers its commands from its own module (``data``, ``cities``,
``cohort``, ``maps``, ``metrics``, ``report``) through a ``register(app)`` function.
Errors of the package are printed as one line on stderr with exit status 1.
"""

from __future__ import annotations

import sys

import typer

from rvanalytics.exceptions import RvanalyticsError

app = typer.Typer(
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


def main() -> None:
    """Console entry point: run the app and turn package errors into one-line messages."""
    try:
        app()
    except RvanalyticsError as err:
        typer.secho(f"error: {err}", err=True, fg=typer.colors.RED)
        sys.exit(1)
