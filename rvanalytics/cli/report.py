"""``rvanalytics report``: the per-city reports, the gallery and the measures page.

Parsing and printing only; the work is :func:`rvanalytics.report.select_cities` and
:func:`rvanalytics.report.run_batch`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rvanalytics.report.run import ReportResult

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED_EXIT = 130


def _line(result: ReportResult, done: int, total: int) -> str:
    """One line per finished city: ``[ 3/10] 167 Joensuu: ok in 4.2 s``."""
    width = len(str(total))
    head = f"[{done:>{width}}/{total}] {result.city_code} {result.name or ''}".rstrip()
    if result.status == "skipped":
        return f"{head}: unchanged (skipped)"
    if result.status == "ok":
        return f"{head}: ok in {result.duration_s:.1f} s"
    where = f"cell {result.cell_index}" if result.cell_index is not None else "no cell"
    kept = (
        f"; kept the last good report from {str(result.last_good)[:10]}"
        if result.last_good
        else ""
    )
    return f"{head}: FAILED in {result.duration_s:.1f} s: {where}: {result.ename}: {result.evalue}{kept}"


def _progress():  # noqa: ANN202 - returns the callback and a closer
    """A tqdm bar on a terminal; otherwise one flushed line per finished city on stdout."""
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        bar = tqdm(desc="reports", unit="report", file=sys.stderr)

        def update(result: ReportResult, done: int, total: int) -> None:
            bar.total = total
            bar.update(1)
            if result.status == "failed":
                bar.write(_line(result, done, total), file=sys.stderr)

        return update, bar.close

    def echo(result: ReportResult, done: int, total: int) -> None:
        typer.echo(_line(result, done, total))  # click flushes: `report ... > log` shows it now

    return echo, lambda: None


def report(
    cities: Annotated[
        list[str] | None,
        typer.Argument(help="Municipality codes or names, e.g. 091 837 or Joensuu.", show_default=False),
    ] = None,
    cohort: Annotated[
        str | None,
        typer.Option(
            "--cohort",
            help="A named cohort: large-cities (the ten profiled cities) or fisu (the FISU "
            "network); `rvanalytics cohort list` shows them.",
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every municipality of the current division.")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes (at most the usable CPUs)."),
    ] = 1,
    lang: Annotated[str, typer.Option("--lang", help="Report language: fi, sv or en.")] = "fi",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: reports/).")
    ] = None,
    allow_other_files: Annotated[
        bool,
        typer.Option(
            "--allow-other-files",
            help="Write into an --out folder holding files rvanalytics did not write "
            "(files named like its outputs are replaced).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Re-run reports whose inputs have not changed.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, metavar="N", help="Seconds per report notebook.")
    ] = 600.0,
    store: Annotated[
        Path | None, typer.Option("--store", help="Data store (default: as in `rvanalytics data status`).")
    ] = None,
    notebook: Annotated[
        Path | None,
        typer.Option("--notebook", help="Report notebook (default: city_report in notebooks/)."),
    ] = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage-map/--no-coverage-map", help="Draw the coverage map into the gallery."
        ),
    ] = True,
) -> None:
    """Make per-city reports with papermill, then index.html, measures.html and manifest.json.

    Exits with status 1 when any report failed (after all the others are done);
    the failures are listed with cell index, exception and message. Ctrl-C stops
    the batch within seconds, keeping the finished reports (exit status 130).
    """
    from rvanalytics.cli._out import check_out_dir
    from rvanalytics.paths import reports_dir
    from rvanalytics.report import BatchInterrupted, make_reports

    out_dir = check_out_dir(out if out is not None else reports_dir(), "--out")
    progress, close = _progress()
    try:
        batch = make_reports(
            list(cities or []),
            cohort=cohort,
            all_municipalities=all_,
            out_dir=out_dir,
            store=store,
            notebook=notebook,
            allow_foreign=allow_other_files,
            jobs=jobs,
            force=force,
            lang=lang,
            timeout=timeout,
            coverage_map=None if not coverage else True,
            progress=progress,
        )
    except BatchInterrupted as stop:
        close()
        typer.echo(f"interrupted: {stop.batch.summary()}", err=True)
        sys.exit(INTERRUPTED_EXIT)
    close()
    for note in batch.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(batch.summary())
    for r in batch.failed:
        where = f"cell {r.cell_index}" if r.cell_index is not None else "no cell"
        kept = f" (kept the last good report from {str(r.last_good)[:10]})" if r.last_good else ""
        typer.secho(
            f"FAILED {r.city_code} {r.name or ''}: {where}: {r.ename}: {r.evalue}{kept}",
            err=True,
            fg=typer.colors.RED,
        )
    if batch.failed:
        sys.exit(1)


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics report`` to the main app."""
    app.command("report", no_args_is_help=True)(report)
