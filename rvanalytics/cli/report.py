"""``rvanalytics report``: the per-city reports, the gallery and the measures page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def _cohort_codes(store: Path | None) -> list[str]:
    from rvanalytics.cities import load_cities

    return [str(c) for c in load_cities(store=store).cities["code"]]


def _all_codes(store: Path | None) -> list[str]:
    from rvanalytics.key import load_key
    from rvanalytics.store import DEFAULT_DIVISION_YEAR

    return sorted(str(c) for c in load_key(DEFAULT_DIVISION_YEAR, store=store)["code"])


def _resolve_cities(wanted: list[str], store: Path | None) -> list[str]:
    """Codes of ``wanted`` (codes or names in fi/sv/en) in the store's municipality key.

    Checked before any kernel starts, so a typo is one clear error, not a failed report.
    """
    import difflib

    from rvanalytics.exceptions import ReportError
    from rvanalytics.key import load_key, name_index
    from rvanalytics.store import DEFAULT_DIVISION_YEAR

    key = load_key(DEFAULT_DIVISION_YEAR, store=store)
    codes = set(key["code"].astype(str))
    by_name = name_index(DEFAULT_DIVISION_YEAR, store=store)
    out: list[str] = []
    for item in wanted:
        text = item.strip()
        code = text.zfill(3) if text.isdigit() else by_name.get(text.casefold())
        if code not in codes:
            names = sorted(set(key["name_fi"].astype(str)))
            close = difflib.get_close_matches(text, names, n=3) if not text.isdigit() else []
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ReportError(
                f"{text!r} is not a municipality of the {DEFAULT_DIVISION_YEAR} division.{hint} "
                "Fix: give a 3-digit code (merged municipalities have new codes) or a name, "
                "e.g. 091 or Helsinki; `rvanalytics cities list` shows the cohort"
            )
        if code not in out:
            out.append(code)
    return out


def report(
    cities: Annotated[
        list[str] | None,
        typer.Argument(help="Municipality codes or names, e.g. 091 837 or Joensuu.", show_default=False),
    ] = None,
    cohort: Annotated[
        bool, typer.Option("--cohort", help="All cities with a profile in data/cities.")
    ] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Every municipality of the current division.")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    lang: Annotated[str, typer.Option("--lang", help="Report language: fi or en.")] = "fi",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: reports/).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-run reports whose inputs have not changed.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds per report notebook.")
    ] = 600.0,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: $RVANALYTICS_STORE).")
    ] = None,
    notebook: Annotated[
        Path | None,
        typer.Option("--notebook", help="Report notebook (default: notebooks/city_report.ipynb)."),
    ] = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage-map/--no-coverage-map", help="Draw the coverage map into the gallery."
        ),
    ] = True,
) -> None:
    """Make per-city reports with papermill, then index.html, measures.html and manifest.json.

    Exits with status 1 when any report failed (after all the others are done); the failures are listed with cell index, exception and message.
    """
    from rvanalytics.exceptions import ReportError
    from rvanalytics.paths import reports_dir
    from rvanalytics.report import run_batch
    from rvanalytics.report.coverage import make_coverage_map

    if notebook is None:  # the city report needs a store: say so once, not in every report
        from rvanalytics.store import read_manifest

        read_manifest(store)  # StoreError with the fix (`rvanalytics data build`) when there is none
    chosen = sum([bool(cities), cohort, all_])
    if chosen != 1:
        raise ReportError(
            "name the cities: give codes, or --cohort, or --all (exactly one of them)"
        )
    if cohort:
        codes = _cohort_codes(store)
    elif all_:
        codes = _all_codes(store)
    elif notebook is None:
        codes = _resolve_cities(list(cities or []), store)
    else:  # a custom notebook decides itself what a city argument means
        codes = list(cities or [])
    out_dir = out if out is not None else reports_dir()
    coverage_png = None
    notes: list[str] = []
    if coverage and not all_:
        out_dir.mkdir(parents=True, exist_ok=True)
        coverage_png, note = make_coverage_map(
            codes, out_dir / ".coverage_map.png", store=store, lang=lang
        )
        if note:
            notes.append(note)
    batch = run_batch(
        codes,
        jobs=jobs,
        out_dir=out_dir,
        force=force,
        lang=lang,
        timeout=timeout,
        store=store,
        notebook=notebook,
        coverage_map=coverage_png,
    )
    if coverage_png is not None:
        coverage_png.unlink(missing_ok=True)
    for note in notes + batch.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(batch.summary())
    for r in batch.failed:
        where = f"cell {r.cell_index}" if r.cell_index is not None else "no cell"
        typer.secho(
            f"FAILED {r.city_code} {r.name or ''}: {where}: {r.ename}: {r.evalue}",
            err=True,
            fg=typer.colors.RED,
        )
    if batch.failed:
        sys.exit(1)


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics report`` to the main app."""
    app.command("report", no_args_is_help=True)(report)
