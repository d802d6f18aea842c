"""``rvanalytics map ...``: workshop maps (cohort coverage, indicator choropleths) to PNG/SVG/PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

map_app = typer.Typer(
    name="map",
    help="Workshop maps: cohort coverage and indicator choropleths (PNG, SVG, PDF; slide or A4).",
    no_args_is_help=True,
)

_LANG_HELP = "Language of titles, legends and labels: fi, sv or en."
_SIZE_HELP = "Page size: slide (16:9) or a4 (portrait)."


def _division_year(year: int | None, store: Path | None) -> int:
    from rvanalytics.store import DEFAULT_DIVISION_YEAR, read_manifest

    manifest = read_manifest(store)
    return int(year or manifest.get("division_year", DEFAULT_DIVISION_YEAR))


def default_cohort() -> tuple[list[str], str]:
    """The cohort from the city profiles when they load, else the ten-city cohort."""
    from rvanalytics.cohort import TEN_CITY_COHORT
    from rvanalytics.exceptions import RvanalyticsError

    try:
        from rvanalytics.cities import load_cities

        codes = [str(c) for c in load_cities().cities["code"]]
        if codes:
            return codes, f"{len(codes)} city profiles (data/cities)"
    except (ImportError, AttributeError, RvanalyticsError):
        pass
    return list(TEN_CITY_COHORT), "the ten-city cohort (city profiles not available)"


@map_app.command("coverage")
def coverage_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output file: .png, .svg or .pdf.")],
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "fi",
    size: Annotated[str, typer.Option("--size", help=_SIZE_HELP)] = "slide",
    year: Annotated[int | None, typer.Option("--year", help="Municipal division year (default: the store's).")] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="Cohort city code(s) (default: the city profiles).")] = None,
    population_year: Annotated[int | None, typer.Option("--population-year", help="Population year (default: latest complete).")] = None,
    dpi: Annotated[int, typer.Option("--dpi", help="PNG resolution (at least 200).")] = 200,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: RVANALYTICS_STORE or the cache).")] = None,
) -> None:
    """Map the cohort's cities, the regions they cover (N/19) and the population they reach.

    Example: rvanalytics map coverage --out coverage.png --lang en --size slide
    """
    import matplotlib

    matplotlib.use("Agg")
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.cli.cohort import split_codes
    from rvanalytics.cohort import population_from_panel
    from rvanalytics.maps import coverage_map, save_map
    from rvanalytics.maps.layout import check_format
    from rvanalytics.store import load_panel

    check_format(out)
    year = _division_year(year, store)
    codes = split_codes(city)
    origin = "--city"
    if not codes:
        codes, origin = default_cohort()
    munis = load_municipalities(year, simplified=True, store=store)
    regions = load_regions(year, simplified=True, store=store)
    panel = load_panel(store, indicators=["population"], level="municipality")
    pop, pop_year = population_from_panel(panel, munis["code"], year=population_year, division_year=year)
    fig, _ = coverage_map(munis, regions, codes, pop, lang=lang, size=size, year=pop_year)
    path = save_map(fig, out, dpi=dpi)
    typer.echo(f"wrote {path} (cohort: {origin}; division {year}, population {pop_year})")


@map_app.command("indicator")
def indicator_cmd(
    indicator: Annotated[str, typer.Argument(help="Indicator id, e.g. ghg_hinku_per_capita_t.")],
    year: Annotated[int, typer.Option("--year", help="Statistical year of the data.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .png, .svg or .pdf.")],
    level: Annotated[str, typer.Option("--level", help="municipality or region.")] = "municipality",
    scheme: Annotated[str, typer.Option("--scheme", help="quantiles, natural_breaks, equal_interval or user_defined.")] = "quantiles",
    k: Annotated[int, typer.Option("--k", help="Number of classes.")] = 5,
    bins: Annotated[str | None, typer.Option("--bins", help="Upper class bounds for user_defined, comma-separated, e.g. 2,4,6,8.")] = None,
    diverging: Annotated[bool, typer.Option("--diverging", help="Diverging palette centred on zero (gaps, changes).")] = False,
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "fi",
    size: Annotated[str, typer.Option("--size", help=_SIZE_HELP)] = "slide",
    label_cohort: Annotated[bool, typer.Option("--label-cohort/--no-label-cohort", help="Name the cohort cities on a municipal map.")] = False,
    region_names: Annotated[bool, typer.Option("--region-names/--no-region-names", help="Name every region on a region map (default: on).")] = True,
    dpi: Annotated[int, typer.Option("--dpi", help="PNG resolution (at least 200).")] = 200,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: RVANALYTICS_STORE or the cache).")] = None,
) -> None:
    """Map one indicator of the panel for one year (classified choropleth with legend and units).

    Example: rvanalytics map indicator population --year 2022 --level region --lang sv --out pop.pdf
    """
    import matplotlib

    matplotlib.use("Agg")
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.exceptions import RvanalyticsError
    from rvanalytics.maps import indicator_map, save_map
    from rvanalytics.maps.layout import check_format
    from rvanalytics.store import load_panel

    check_format(out)
    if level not in ("municipality", "region"):
        raise RvanalyticsError(f"--level must be municipality or region, not {level!r}")
    panel = load_panel(store, indicators=[indicator], level=level)
    if panel.empty:
        raise RvanalyticsError(
            f"the store has no {level} rows for indicator {indicator!r}; see `rvanalytics data status` for the indicators"
        )
    rows = panel[panel["year"] == year]
    if rows.empty:
        raise RvanalyticsError(
            f"indicator {indicator!r} has no {level} values for {year}; years: {sorted(panel['year'].unique().tolist())}"
        )
    division = int(rows["division_year"].dropna().iloc[0]) if rows["division_year"].notna().any() \
        else _division_year(None, store)
    regions = load_regions(division, simplified=True, store=store)
    munis = load_municipalities(division, simplified=True, store=store) if level == "municipality" else None
    label_codes: list[str] = []
    if label_cohort and munis is not None:
        codes, _ = default_cohort()
        label_codes = [c for c in codes if c in set(munis["code"])]
    fig, _ = indicator_map(panel, indicator, year, municipalities=munis, regions=regions, level=level, scheme=scheme,
                           k=k, bins=[float(b) for b in bins.split(",")] if bins else None, diverging=diverging,
                           lang=lang, size=size, label_codes=label_codes,
                           label_regions=region_names if level == "region" else None)
    path = save_map(fig, out, dpi=dpi)
    n_missing = int(rows["value"].isna().sum())
    typer.echo(f"wrote {path} ({indicator}, {year}, {level}; {len(rows)} values, {n_missing} missing)")


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics map ...`` to the main app."""
    app.add_typer(map_app, name="map")
