"""``rvanalytics cohort select|list``: propose a city cohort that covers Finland; list the named cohorts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

cohort_app = typer.Typer(
    name="cohort",
    help="Choose a cohort of cities for geographic coverage and their own actions.",
    no_args_is_help=True,
)


def split_codes(values: list[str] | None) -> list[str]:
    """Accept ``--include 091 --include 049`` and ``--include 091,049``; zero-pad to 3 digits."""
    out: list[str] = []
    for value in values or []:
        for part in str(value).replace(";", ",").split(","):
            part = part.strip()
            if part:
                out.append(part.zfill(3) if part.isdigit() else part)
    return out


@cohort_app.command("list")
def list_cmd(
    lang: Annotated[str, typer.Option("--lang", help="Language of the titles: fi, sv or en.")] = "en",
) -> None:
    """List the named cohorts (rvanalytics/data/cohorts.yaml) and their members.

    Example: rvanalytics cohort list --lang fi
    """
    from rvanalytics.cohort import cohort_names, default_cohort_name, load_cohort
    from rvanalytics.exceptions import RvanalyticsError

    if lang not in ("fi", "sv", "en"):
        raise RvanalyticsError(f"language {lang!r} is not fi, sv or en. Fix: --lang fi, --lang sv or --lang en")
    for name in cohort_names():
        cohort = load_cohort(name)
        mark = " (default)" if name == default_cohort_name() else ""
        typer.echo(f"{name}{mark}: {cohort.title.get(lang, name)} ({len(cohort.codes)})")
        typer.echo("    " + ", ".join(f"{c} {n}" for c, n in zip(cohort.members["code"], cohort.members["name_fi"])))


@cohort_app.command("select")
def select_cmd(
    min_size: Annotated[int, typer.Option("--min", help="Smallest cohort size.")] = 5,
    max_size: Annotated[int, typer.Option("--max", help="Largest cohort size.")] = 10,
    include: Annotated[list[str] | None, typer.Option("--include", metavar="CODES", help="Codes that must be in the cohort (repeat, or separate by commas).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", metavar="CODES", help="Code(s) that must not be in the cohort.")] = None,
    min_population: Annotated[float, typer.Option("--min-population", help="Only municipalities with at least this population can be chosen.")] = 0,
    one_per_region: Annotated[bool, typer.Option("--one-per-region/--no-one-per-region", show_default=False, help="At most one city per region (maakunta); on by default.")] = True,
    scores: Annotated[Path | None, typer.Option("--scores", help="CSV with columns code,score: each city's own action score (>= 0).", exists=True, dir_okay=False)] = None,
    runners_up: Annotated[int, typer.Option("--runners-up", metavar="N", help="How many next-best cohorts to list.", min=0)] = 3,
    year: Annotated[int | None, typer.Option("--year", help="Municipal division year (default: the store's, 2026).")] = None,
    population_year: Annotated[int | None, typer.Option("--population-year", help="Population year (default: latest complete).")] = None,
    reach_km: Annotated[float, typer.Option("--reach-km", help="Radius of the spread term (km).")] = 100.0,
    w_regions: Annotated[float, typer.Option("--w-regions", help="Weight of regions covered.")] = 1.0,
    w_population: Annotated[float, typer.Option("--w-population", help="Weight of population in cohort cities.")] = 0.5,
    w_region_population: Annotated[float, typer.Option("--w-region-pop", help="Weight of population in covered regions.")] = 0.5,
    w_spread: Annotated[float, typer.Option("--w-spread", help="Weight of land area within --reach-km of a cohort city.")] = 0.5,
    w_action: Annotated[float, typer.Option("--w-action", help="Weight of the action scores (with --scores).")] = 0.5,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: as in `rvanalytics data status`).")] = None,
) -> None:
    """Propose the cohort that maximises coverage (exact integer program) and explain why.

    Objective: w_regions × regions covered/19 + w_population × population share of
    the cohort cities + w_region_population × population share of the covered
    regions + w_spread × land area within --reach-km of a cohort city + w_action ×
    action scores. Each city's marginal contribution and the runner-up cohorts are
    printed.

    Example:
      rvanalytics cohort select --max 10 --min-population 50000 --include 091
    """
    from rvanalytics.cohort import CohortWeights, candidates_from_store, select_cohort

    cands, year, pop_year = candidates_from_store(year=year, store=store, population_year=population_year,
                                                  scores=scores)
    weights = CohortWeights(regions=w_regions, population=w_population, region_population=w_region_population,
                            spread=w_spread, action=w_action)
    selection = select_cohort(
        cands, min_size=min_size, max_size=max_size, include=split_codes(include), exclude=split_codes(exclude),
        min_population=min_population, one_per_region=one_per_region, weights=weights, reach_km=reach_km,
        runners_up=runners_up,
    )
    typer.echo(f"Municipal division {year}, population {pop_year} (store panel).")
    typer.echo(selection.explain())


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics cohort ...`` to the main app."""
    app.add_typer(cohort_app, name="cohort")
