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


@map_app.command("coverage")
def coverage_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output file: .png, .svg or .pdf.")],
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "fi",
    size: Annotated[str, typer.Option("--size", help=_SIZE_HELP)] = "slide",
    year: Annotated[int | None, typer.Option("--year", help="Municipal division year (default: the store's).")] = None,
    cohort: Annotated[str | None, typer.Option(
        "--cohort", help="Named cohort: large-cities (default) or fisu.")] = None,
    city: Annotated[list[str] | None, typer.Option(
        "--city", help="City codes instead of a named cohort.", metavar="CODES")] = None,
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
    from rvanalytics.maps.layout import check_dpi, check_format
    from rvanalytics.store import load_panel

    check_format(out)
    check_dpi(dpi)
    year = _division_year(year, store)
    codes = split_codes(city)
    origin = "--city"
    if not codes:
        from rvanalytics.cohort import load_cohort

        named = load_cohort(cohort, year=year, store=store)
        codes, origin = named.codes, f"{named.name}, {len(named.codes)} cities"
    munis = load_municipalities(year, simplified=True, store=store)
    regions = load_regions(year, simplified=True, store=store)
    panel = load_panel(store, indicators=["population"], level="municipality")
    pop, pop_year = population_from_panel(panel, munis["code"], year=population_year, division_year=year)
    used = panel[(panel["indicator"] == "population") & (panel["year"] == pop_year)]
    sources = sorted(used["source"].dropna().astype(str).unique())
    fig, _ = coverage_map(munis, regions, codes, pop, lang=lang, size=size, year=pop_year, sources=sources)
    path = save_map(fig, out, dpi=dpi)
    typer.echo(f"wrote {path} (cohort: {origin}; division {year}, population {pop_year})")


def parse_bins(bins: str | None) -> list[float] | None:
    """``--bins 2,4,6`` as numbers; one line naming the bad item otherwise."""
    from rvanalytics.exceptions import RvanalyticsError

    if bins is None:
        return None
    out = []
    for item in bins.split(","):
        try:
            out.append(float(item.strip().replace("\u2212", "-")))
        except ValueError:
            raise RvanalyticsError(
                f"--bins {bins!r}: {item.strip()!r} is not a number; give increasing upper class bounds, e.g. --bins 2,4,6"
            ) from None
    if any(b >= a for a, b in zip(out[1:], out[:-1])) or len(set(out)) != len(out):
        raise RvanalyticsError(f"--bins {bins!r}: the bounds must increase, e.g. --bins {','.join(f'{v:g}' for v in sorted(set(out)))}")
    return out


@map_app.command("indicator")
def indicator_cmd(
    indicator: Annotated[str, typer.Argument(help="Indicator id, e.g. ghg_hinku_per_capita_t.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .png, .svg, .pdf or .html (interactive).")],
    year: Annotated[int | None, typer.Option("--year", help="Statistical year (default: the latest with data).")] = None,
    level: Annotated[str, typer.Option("--level", help="municipality or region.")] = "municipality",
    scheme: Annotated[str, typer.Option("--scheme", help="quantiles, natural_breaks, equal_interval or user_defined.")] = "quantiles",
    k: Annotated[int, typer.Option("--k", help="Number of classes.")] = 5,
    bins: Annotated[str | None, typer.Option("--bins", help="Upper class bounds for user_defined, comma-separated, e.g. 2,4,6,8.")] = None,
    diverging: Annotated[bool, typer.Option("--diverging", help="Diverging palette centred on zero (gaps, changes).")] = False,
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "fi",
    size: Annotated[str, typer.Option("--size", help=_SIZE_HELP)] = "slide",
    label_cohort: Annotated[bool, typer.Option("--label-cohort/--no-label-cohort", help="Name the cohort cities on a municipal map.")] = False,
    region_names: Annotated[bool, typer.Option("--region-names/--no-region-names", help="Name every region on a region map (default: on).")] = True,
    dpi: Annotated[int, typer.Option("--dpi", help="PNG resolution, 200-1200.")] = 200,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: RVANALYTICS_STORE or the cache).")] = None,
) -> None:
    """Map one indicator of the panel for one year (classified choropleth with legend and units).

    Without --year the latest year with data is drawn; a warning says when few
    areas have data. --out map.html writes an interactive map that works offline.

    Example:
      rvanalytics map indicator population --level region --lang sv --out pop.pdf
    """
    import difflib

    import matplotlib

    matplotlib.use("Agg")
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.exceptions import RvanalyticsError
    from rvanalytics.maps import indicator_map, save_map
    from rvanalytics.maps.layout import check_dpi, check_format
    from rvanalytics.store import load_panel

    interactive = out.suffix.lower() in (".html", ".htm")
    check_format(out, (".png", ".svg", ".pdf", ".html", ".htm"))
    check_dpi(dpi)
    bounds = parse_bins(bins)
    if level not in ("municipality", "region"):
        raise RvanalyticsError(f"--level must be municipality or region, not {level!r}")
    whole = load_panel(store, level=None)
    known = sorted(whole["indicator"].dropna().astype(str).unique())
    if indicator not in known:
        close = difflib.get_close_matches(indicator, known, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "see `rvanalytics data status`"
        raise RvanalyticsError(f"indicator {indicator!r} is not in the store: {hint}")
    panel = whole[(whole["indicator"] == indicator) & (whole["level"] == level)]
    with_data = panel[panel["value"].notna()]
    if with_data.empty:
        other = sorted(whole.loc[(whole["indicator"] == indicator) & whole["value"].notna(), "level"].unique())
        raise RvanalyticsError(f"indicator {indicator!r} has no {level} values; levels with data: {other or 'none'}")
    years = sorted(int(y) for y in with_data["year"].unique())
    if year is None:
        year = years[-1]
    elif year not in years:
        raise RvanalyticsError(
            f"indicator {indicator!r} has no {level} values for {year}; years with data: {_span(years)}"
        )
    rows = panel[panel["year"] == year]
    division = int(rows["division_year"].dropna().iloc[0]) if rows["division_year"].notna().any() \
        else _division_year(None, store)
    regions = load_regions(division, simplified=True, store=store)
    munis = load_municipalities(division, simplified=True, store=store) if level == "municipality" else None
    areas = len(munis) if munis is not None else int(regions["region_code"].nunique())
    n_data = int(rows["value"].notna().sum())
    if n_data < 0.8 * areas:
        what = "municipalities" if level == "municipality" else "regions"
        typer.secho(f"warning: {n_data} of {areas} {what} have data for {year} ({indicator}); "
                    "the others are shown as no data", err=True, fg=typer.colors.YELLOW)
    label_codes: list[str] = []
    if label_cohort and munis is not None:
        from rvanalytics.cohort import load_cohort

        codes = load_cohort(year=0).codes  # the default cohort's cities are named on the map
        label_codes = [c for c in codes if c in set(munis["code"])]
    if interactive:
        path = _interactive(rows, indicator, year, munis if munis is not None else regions, lang=lang,
                            scheme=scheme, k=k, bins=bounds, diverging=diverging, highlight=label_codes, out=out)
    else:
        fig, _ = indicator_map(rows, indicator, year, municipalities=munis, regions=regions, level=level,
                               scheme=scheme, k=k, bins=bounds, diverging=diverging, lang=lang, size=size,
                               label_codes=label_codes, label_regions=region_names if level == "region" else None)
        path = save_map(fig, out, dpi=dpi)
    typer.echo(f"wrote {path} ({indicator}, {year}, {level}; {n_data} of {areas} areas with data)")


def _span(years: list[int]) -> str:
    """``2005–2018`` for consecutive years, else the list."""
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def _interactive(rows, indicator: str, year: int, gdf, *, lang: str, scheme: str, k: int, bins, diverging: bool,
                 highlight: list[str], out: Path) -> Path:
    """The offline interactive map of one indicator and year, written to ``out``."""
    from rvanalytics.indicators import unit_text
    from rvanalytics.maps import indicator_meta
    from rvanalytics.maps.interactive import explore_map, to_html

    meta = indicator_meta(indicator, lang)
    unit = meta["unit"] or (unit_text(rows["unit"].dropna().iloc[0], lang) if rows["unit"].notna().any() else "")
    key = "code" if "code" in gdf else "region_code"
    values = rows[["code", "value"]].rename(columns={"code": key})
    m = explore_map(gdf, values, scheme=scheme, k=k, bins=bins, diverging=diverging, unit=unit, title=meta["name"],
                    year=year, lang=lang, highlight_codes=highlight, indicator=indicator,
                    sources=sorted(rows["source"].dropna().astype(str).unique()))
    to_html(m, out)
    return out


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics map ...`` to the main app."""
    app.add_typer(map_app, name="map")
