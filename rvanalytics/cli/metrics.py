"""``rvanalytics metrics``: city metrics and target statuses from the store and the city profiles."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer


def _fmt(v: Any, digits: int = 1) -> str:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def metrics_cmd(
    cities: Annotated[list[str] | None, typer.Argument(help="City codes or names (default: every city profile).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write FILE.json, or FILE.csv (+ FILE_city_metrics.csv).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: RVANALYTICS_STORE or the user cache).")] = None,
    profiles: Annotated[Path | None, typer.Option("--profiles", help="City profile folder (default: data/cities).")] = None,
    across_scopes: Annotated[bool, typer.Option(
        "--across-scopes", help="Give a status even when a target's scope differs from the data's (marked in the note).")] = False,
    strict_scope: Annotated[bool, typer.Option(
        "--strict-scope", help="Withhold the indicative status of city-inventory targets judged on Syke Hinku data.")] = False,
    cohort: Annotated[str | None, typer.Option(
        "--cohort", help="A named cohort (large-cities, fisu; see `rvanalytics cohort list`) instead of city codes.")] = None,
    network: Annotated[bool, typer.Option(
        "--network/--no-network", help="Add the FISU network's common targets for member cities.")] = True,
    since: Annotated[int, typer.Option("--since", help="Year the city metrics' change is measured from.")] = 2005,
) -> None:
    """Target statuses (trajectory, gap, required rate, status or reason) and city metrics.

    Example: rvanalytics metrics Joensuu 091 --out metrics.json
    """
    if out is not None:
        from rvanalytics.cli._out import check_out_file

        check_out_file(out, "--out", (".csv", ".json"))
    from rvanalytics.assess import assess, write_assessment
    from rvanalytics.metrics import TrackingThresholds

    th = TrackingThresholds(allow_scope_mismatch=across_scopes, strict_scope=strict_scope)
    result = assess(cities, cohort=cohort, store=store, profiles_dir=profiles, thresholds=th, since=since,
                    network=network)
    if out is not None:
        for path in write_assessment(result, out):
            typer.echo(f"wrote {path}")
        return
    for r in result.targets.itertuples(index=False):
        origin = " [FISU network]" if r.origin == "network" else ""
        head = f"{r.city_code} {r.city_name or ''} {r.target_id}{origin}:"
        if r.status is None or (isinstance(r.status, float) and math.isnan(r.status)):
            typer.echo(f"{head} no status - {r.reason}")
            if isinstance(r.target_level, float) and not math.isnan(r.target_level):
                typer.echo(f"    (on {r.data_scope} data: level {_fmt(r.target_level)} {r.unit} by {r.target_year}, "
                           f"latest {_fmt(r.latest_value)} in {r.latest_year}, gap {_fmt(r.gap_pct)} %, "
                           f"required {_fmt(r.required_rate_pct)} %/yr)")
        else:
            basis = "indicative, on Syke Hinku data" if r.basis == "indicative" else r.basis
            prelim = ", preliminary" if r.latest_preliminary else ""
            release = f", release {r.release}" if r.release else ""
            typer.echo(f"{head} {r.status} ({basis}) - level {_fmt(r.target_level)} {r.unit} by {r.target_year}; latest "
                       f"{_fmt(r.latest_value)} ({r.latest_year}{prelim}{release}); change since {r.baseline_year} "
                       f"{_fmt(r.change_since_baseline_pct)} %; trajectory {_fmt(r.trajectory_linear)}; gap "
                       f"{_fmt(r.gap_pct)} %; required {_fmt(r.required_rate_pct)} %/yr; trend {_fmt(r.trend_pct)} %/yr")
            if isinstance(r.note, str) and r.note:
                typer.echo(f"    note: {r.note}")
    counts = result.assessed()
    typer.echo(f"{int((counts['n_assessed'] > 0).sum())} of {len(counts)} cities have an assessed target; "
               f"{len(result.city_metrics)} city metric rows; use --out FILE.csv|.json for all of them")


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics metrics`` to the main app."""
    app.command("metrics")(metrics_cmd)
