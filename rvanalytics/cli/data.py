"""``rvanalytics data``: build, inspect and describe the local store."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer

from rvanalytics.division import DEFAULT_DIVISION_YEAR

data_app = typer.Typer(help="Build, inspect and describe the local data store.", no_args_is_help=True)

STORE_OPTION = typer.Option(None, "--store", help="Store folder (default: $RVANALYTICS_STORE or $RVANALYTICS_DATA_DIR/store).")


@data_app.command("build")
def build(
    store: Optional[Path] = STORE_OPTION,
    offline: bool = typer.Option(False, "--offline", help="Use only the recorded copies in ../shared/data."),
    division_year: int = typer.Option(DEFAULT_DIVISION_YEAR, "--division-year", help="Municipal division the panel is harmonised onto."),
    extra: list[Path] = typer.Option([], "--extra", help="Your own indicator table (tidy CSV/Excel); repeatable."),
) -> None:
    """Build the local store (boundaries, key, mergers, indicator panel) and print a summary."""
    from rvanalytics.cli._out import check_out_dir
    from rvanalytics.paths import store_dir
    from rvanalytics.store import build_store

    check_out_dir(store_dir(store), "--store")
    for table in extra:  # checked before the build starts, not minutes into it
        from rvanalytics.readers.user_tables import read_user_table

        read_user_table(table)
    started = time.perf_counter()
    manifest = build_store(store, offline=offline or None, progress=sys.stderr.isatty(),
                           division_year=division_year, extra_tables=tuple(extra))
    typer.echo(f"Store built in {time.perf_counter() - started:.1f} s at {store_dir(store)}")
    _print_status(store)
    del manifest


@data_app.command("status")
def status(store: Optional[Path] = STORE_OPTION) -> None:
    """Print what the store holds: boundaries per year, key years, indicators and their coverage."""
    _print_status(store)


def _print_status(store: Optional[Path]) -> None:
    from rvanalytics.paths import store_dir
    from rvanalytics.store import store_summary

    summary = store_summary(store)
    typer.echo(f"Store: {store_dir(store)}")
    typer.echo(f"Built {summary['built_at']} with rvanalytics {summary['package_version']}; "
               f"panel on the {summary['division_year']} municipal division")
    typer.echo("\nBoundaries (EPSG:3067):")
    typer.echo(f"  {'year':<6}{'municipalities':>15}{'regions':>9}  origin")
    for year, info in summary["boundaries"].items():
        origin = info["file"] if info["origin"] == "file" else f"derived from {info['derived_from']} ({info['mergers_applied']} mergers)"
        typer.echo(f"  {year:<6}{info['municipalities']:>15}{info['regions']:>9}  {origin}")
    years = summary["key_years"]
    typer.echo(f"\nMunicipality keys: {years[0]}–{years[-1]}")
    if "panel" in summary:
        panel = summary["panel"]
        typer.echo(f"\nIndicator panel: {summary['panel_rows']} rows, {len(panel)} indicators, "
                   f"{summary['flagged_rows']} flagged rows")
        shown = panel.drop(columns=[c for c in ("vintage",) if c in panel.columns])
        typer.echo(shown.to_string(index=False))
    typer.echo("\nSources (all CC BY 4.0 unless stated): " + "; ".join(f"{sid} [{vintage}]" for sid, vintage in summary["sources"]))
    if summary["problems"]:
        typer.echo("\nProblems repaired while building:")
        for problem in summary["problems"]:
            typer.echo(f"  - {problem}")


#: Lines printed per list in `data inspect` (flags, indicators) before "… and N more".
LIST_LINES = 25


@data_app.command("inspect")
def inspect(
    file: Path = typer.Argument(..., help="A boundary file (GeoJSON, GML, GeoPackage, TopoJSON, Shapefile) or an indicator file (CSV, JSON, Excel)."),
    year: Optional[int] = typer.Option(None, "--year", help="Division year the file's codes should fit."),
) -> None:
    """Read any supported file and print what was found, or the clear error."""
    from rvanalytics.inspect import inspect_file

    report = inspect_file(file, year=year)
    for key, value in report.items():
        if isinstance(value, list):
            typer.echo(f"{key}:")
            # a large file can flag thousands of rows: show the first ones and say how many more
            for item in value[:LIST_LINES]:
                typer.echo(f"  - {item}")
            if len(value) > LIST_LINES:
                typer.echo(f"  … and {len(value) - LIST_LINES} more ({len(value)} in all)")
        else:
            typer.echo(f"{key}: {value}")


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    app.add_typer(data_app, name="data")
