"""``rvanalytics cities ...``: validate, create, import and list city profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rvanalytics.division import DEFAULT_DIVISION_YEAR

cities_app = typer.Typer(
    name="cities",
    help="City profiles (data/cities/*.yaml): validate, create from the municipality key, import a spreadsheet.",
    no_args_is_help=True,
)


@cities_app.command("validate")
def validate_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders (default: all of data/cities).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors and warnings only, not info notes.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with status 1 on warnings too.")] = False,
    no_coverage: Annotated[bool, typer.Option("--no-coverage", help="Skip the check of baseline years against the data store.")] = False,
    store: Annotated[Path | None, typer.Option("--store", help="Data store to read the data coverage from.")] = None,
) -> None:
    """Check profiles; print each problem as `file:line: field.path: message. Fix: ... [severity]`.

    Exit status 1 when any error is found (or any warning with --strict), else 0.

    Example: rvanalytics cities validate data/cities/091-helsinki.yaml
    """
    from rvanalytics.cities import profile_files, validate_profiles

    n_files = len(profile_files(paths or None))
    issues = validate_profiles(paths or None, store=store, check_coverage=not no_coverage)
    shown = [i for i in issues if not (quiet and i.severity == "info")]
    for issue in shown:
        typer.echo(str(issue))
    n_err = sum(i.severity == "error" for i in issues)
    n_warn = sum(i.severity == "warning" for i in issues)
    typer.echo(f"{n_err} error(s), {n_warn} warning(s) in {n_files} file(s)", err=True)
    if n_err or (strict and n_warn):
        raise typer.Exit(1)


@cities_app.command("new")
def new_cmd(
    code: Annotated[str, typer.Argument(help='Municipality code, e.g. 091 (Helsinki).')],
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write to (default: data/cities).")] = None,
    year: Annotated[int, typer.Option("--year", help="Municipality key year for the names and the code check.")] = DEFAULT_DIVISION_YEAR,
) -> None:
    """Write a skeleton profile <code>-<name>.yaml filled from the municipality key (never overwrites).

    Example: rvanalytics cities new 091 --out my_profiles/
    """
    from rvanalytics.cities import new_profile
    from rvanalytics.cli._out import check_out_dir

    if out is not None:
        check_out_dir(out)
    path = new_profile(code, out, year=year)
    typer.echo(f"wrote {path}; fill it in, then run: rvanalytics cities validate {path}")


@cities_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Coordinator's spreadsheet (.xlsx or .csv): one row per city or one row per target.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder of the profiles (default: data/cities).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace profiles that were edited by hand.")] = False,
    year: Annotated[int, typer.Option("--year", help="Municipality key year for the names and the code check.")] = DEFAULT_DIVISION_YEAR,
) -> None:
    """Turn a spreadsheet of applications into profile files (columns: docs/cities.md).

    Nothing is written if a cell is wrong or an edited profile would be replaced.

    Example: rvanalytics cities import applications.xlsx --out data/cities
    """
    from rvanalytics.cities import import_spreadsheet
    from rvanalytics.cli._out import check_out_dir

    if out is not None:
        check_out_dir(out)
    result = import_spreadsheet(file, out, overwrite=overwrite, year=year)
    for path in result.written:
        typer.echo(f"wrote {path}")
    for path in result.unchanged:
        typer.echo(f"unchanged {path}")
    for issue in result.issues:
        if issue.severity == "warning":
            typer.echo(str(issue))
    typer.echo(f"{len(result.written)} written, {len(result.unchanged)} unchanged ({result.layout} layout)", err=True)


@cities_app.command("import-key-measures")
def import_key_measures_cmd(
    file: Annotated[Path, typer.Argument(help="The compiled table (city_key_measures.csv).", exists=True, dir_okay=False)],
    profiles: Annotated[Path | None, typer.Option("--profiles", help="Profile folder (default: data/cities).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
) -> None:
    """Write key measures, key problems and responsible units from a compiled table into the profiles.

    They are marked `basis: public_documents`: reports show them as what the city
    highlights in its public documents (source, date), never as its background
    document.

    Example:
      rvanalytics cities import-key-measures city_key_measures.csv
    """
    from rvanalytics.cities.key_measures import import_key_measures

    result = import_key_measures(file, profiles, dry_run=dry_run)
    for code, sections in result.sections.items():
        typer.echo(f"{code}: {', '.join(sections)}{' (dry run)' if dry_run else ''}")
    if result.skipped:
        typer.echo(f"no profile for {', '.join(result.skipped)}: skipped (create one with `rvanalytics cities new`)")
    typer.echo(f"{len(result.written)} profile(s) written")


@cities_app.command("list")
def list_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders (default: all of data/cities).")] = None,
) -> None:
    """List the profiles: code, name, region, size class, number of targets and what is unknown.

    Example: rvanalytics cities list
    """
    from rvanalytics.cities import load_cities

    cities = load_cities(paths or None).cities
    for row in cities.itertuples():
        unknown = [
            name
            for name, known in (("people", row.people_known), ("key measure", row.key_measure_known), ("key problem", row.key_problem_known))
            if not known
        ]
        typer.echo(
            f"{row.code}  {row.name_fi:<14} {row.region_name_fi:<18} {row.size_class or '?':<8} "
            f"{row.n_targets} target(s)" + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )


def register(app: typer.Typer) -> None:
    """Add the ``cities`` command group to the main app."""
    app.add_typer(cities_app, name="cities")
