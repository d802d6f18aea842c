"""The coverage map of the reported cities for the gallery (via :mod:`rvanalytics.maps`)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["make_coverage_map", "population_sources"]


def population_sources(panel, codes, year: int) -> list[str]:
    """Catalogue ids of the sources of the population rows used for the map (``codes`` in ``year``).

    They go to the map's credit line beside the boundaries' source.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"indicator": ["population"] * 3, "level": ["municipality"] * 3,
    ...                       "code": ["091", "049", "091"], "year": [2023, 2023, 2022],
    ...                       "source": ["sotkanet_population", "statfin_pxweb_11re", "other"]})
    >>> population_sources(panel, ["091", "049"], 2023)
    ['sotkanet_population', 'statfin_pxweb_11re']
    """
    used = panel[(panel["indicator"] == "population") & (panel["level"] == "municipality")
                 & (panel["year"] == year) & panel["code"].astype(str).isin([str(c) for c in codes])]
    return sorted(used["source"].dropna().astype(str).unique())


def make_coverage_map(
    codes: list[str],
    out_path: str | Path,
    *,
    store: str | Path | None = None,
    lang: str = "fi",
) -> tuple[Path | None, str | None]:
    """Draw the coverage map of ``codes`` to ``out_path`` (PNG).

    Returns ``(path, None)`` on success, ``(None, reason)`` when the data or the disk
    does not allow the map (no store, a damaged store file, no population, the file
    cannot be written): the gallery is then shown without a map and the reason goes
    into the batch notes. Any other error is a bug and is raised.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.cohort import population_from_panel
    from rvanalytics.exceptions import RvanalyticsError
    from rvanalytics.maps import coverage_map, save_map
    from rvanalytics.store import DEFAULT_DIVISION_YEAR, load_panel

    try:
        year = DEFAULT_DIVISION_YEAR
        munis = load_municipalities(year, simplified=True, store=store)
        regions = load_regions(year, simplified=True, store=store)
        panel = load_panel(store, indicators=["population"], level="municipality")
        population, pop_year = population_from_panel(panel, munis["code"], division_year=year)
        fig, _ = coverage_map(munis, regions, codes, population, lang=lang, year=pop_year,
                              sources=population_sources(panel, munis["code"], pop_year))
        try:
            path = save_map(fig, out_path, dpi=200)
        finally:
            plt.close(fig)
        return Path(path), None
    except (RvanalyticsError, OSError) as err:  # the gallery works without the map; the reason is reported
        return None, f"coverage map not drawn: {type(err).__name__}: {err}"
