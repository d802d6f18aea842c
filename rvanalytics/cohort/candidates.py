"""Candidates of cohort selection: municipalities with population, centroid, area and action scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.cohort.model import CohortError
from rvanalytics.exceptions import DataFileError

__all__ = ["build_candidates", "candidates_from_store", "population_from_panel", "read_scores"]


def build_candidates(
    municipalities: pd.DataFrame,
    population: pd.Series | Mapping[str, float],
    *,
    key: pd.DataFrame | None = None,
    scores: pd.Series | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Build the candidate table for :func:`select_cohort` from boundaries and population.

    Parameters
    ----------
    municipalities : GeoDataFrame
        From ``boundaries.load_municipalities(year)`` (EPSG:3067): ``code``,
        ``name_fi``, ``region_code``, ``land_area_km2``, ``geometry``.
    population : Series or mapping
        Population by municipality code (``"091"``). A municipality without
        population raises :class:`CohortError` (nothing is silently dropped).
    key : DataFrame, optional
        ``key.load_key(year)``; adds ``region_name`` (Finnish) and ``subregion_code``.
    scores : Series or mapping, optional
        Action score by code; municipalities without one get NaN (counted as 0).

    Returns
    -------
    DataFrame
        ``code, name, region_code, region_name, population, x, y, area_km2``
        (+ ``subregion_code``, ``score``) with centroid coordinates in metres.
    """
    gdf = municipalities
    if getattr(gdf, "crs", None) is not None and gdf.crs.to_epsg() != 3067:
        gdf = gdf.to_crs(3067)
    pop = pd.Series(population, dtype="float64")
    pop.index = pop.index.astype(str)
    codes = gdf["code"].astype(str)
    missing = sorted(set(codes) - set(pop.dropna().index))
    if missing:
        raise CohortError(
            f"population is missing for {len(missing)} municipalities ({', '.join(missing[:8])}"
            f"{' …' if len(missing) > 8 else ''}); pass population for the same division year as the boundaries"
        )
    cent = gdf.geometry.centroid
    area = gdf["land_area_km2"].astype(float) if "land_area_km2" in gdf else pd.Series(np.nan, index=gdf.index)
    area = area.where(area.notna(), gdf.geometry.area / 1e6)
    out = pd.DataFrame(
        {
            "code": codes.to_numpy(),
            "name": gdf["name_fi"].astype(str).to_numpy() if "name_fi" in gdf else codes.to_numpy(),
            "region_code": gdf["region_code"].astype(str).to_numpy(),
            "region_name": gdf["region_name_fi"].astype(str).to_numpy()
            if "region_name_fi" in gdf
            else gdf["region_code"].astype(str).to_numpy(),
            "population": pop.reindex(codes).to_numpy(),
            "x": cent.x.to_numpy(),
            "y": cent.y.to_numpy(),
            "area_km2": area.to_numpy(),
        }
    )
    if key is not None:
        k = key.set_index(key["code"].astype(str))
        if "region_name_fi" in k:
            out["region_name"] = k["region_name_fi"].reindex(out["code"]).fillna(out["region_name"]).to_numpy()
        if "subregion_code" in k:
            out["subregion_code"] = k["subregion_code"].reindex(out["code"]).to_numpy()
    if scores is not None:
        s = pd.Series(scores, dtype="float64")
        s.index = s.index.astype(str)
        out["score"] = s.reindex(out["code"]).to_numpy()
    return out.sort_values("code").reset_index(drop=True)


def read_scores(path: str | Path) -> pd.Series:
    """Read action scores from a CSV file with columns ``code`` and ``score``.

    Codes may be written as integers (``91``); they are zero-padded to three
    digits. Scores must be non-negative numbers; a bad row raises
    :class:`~rvanalytics.exceptions.DataFileError` naming the row.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"code": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataFileError(path, f"cannot be read as CSV ({err})", "save it as UTF-8 CSV with columns code,score") from err
    for column in ("code", "score"):
        if column not in table.columns:
            raise DataFileError(path, f"column {column!r} is missing", "the header must be: code,score", column=column)
    scores: dict[str, float] = {}
    for i, (code, score) in enumerate(zip(table["code"], table["score"], strict=True)):
        row = i + 2  # 1-based, after the header line
        code_s = str(code).strip()
        if not code_s.isdigit() or len(code_s) > 3:
            raise DataFileError(path, f"municipality code {code!r} is not 1–3 digits", "write codes like 091", row=row, column="code")
        code_s = code_s.zfill(3)
        try:
            value = float(score)
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value) or value < 0:
            raise DataFileError(path, f"score {score!r} is not a number >= 0", "give each city a score >= 0", row=row, column="score")
        if code_s in scores:
            raise DataFileError(path, f"municipality {code_s} appears twice", "keep one row per code", row=row, column="code")
        scores[code_s] = value
    return pd.Series(scores, name="score", dtype="float64")


def population_from_panel(
    panel: pd.DataFrame, codes: Iterable[str], *, year: int | None = None, division_year: int | None = None
) -> tuple[pd.Series, int]:
    """Population by municipality from the panel's ``population`` indicator.

    Parameters
    ----------
    panel : DataFrame
        ``store.load_panel()`` (long table; other indicators are ignored).
    codes : iterable of str
        The municipalities that need a population (the map's or optimiser's division).
    year : int, optional
        Statistical year; by default the latest year in which every code has a value.
    division_year : int, optional
        The municipal division of ``codes``; the panel must be on the same one
        (a merged municipality's population would otherwise be half missing).

    Returns
    -------
    (Series, int)
        Population by code and the year used.

    Raises
    ------
    CohortError
        No population rows, or none of the years covers all ``codes`` (e.g. the
        panel is on another municipal division than the boundaries).
    """
    codes = [str(c) for c in codes]
    rows = panel[(panel["indicator"] == "population") & (panel["level"] == "municipality")]
    if rows.empty:
        raise CohortError("the panel has no municipal 'population' rows; rebuild the store")
    if division_year is not None and "division_year" in rows:
        divisions = sorted({int(d) for d in rows["division_year"].dropna()})
        if divisions and divisions != [int(division_year)]:
            raise CohortError(
                f"the panel's population is on the {', '.join(map(str, divisions))} municipal division, the map on "
                f"{division_year}; use boundaries of {divisions[0]} or rebuild the store with that division year"
            )
    table = rows.pivot_table(index="code", columns="year", values="value", aggfunc="first")
    table.index = table.index.astype(str)
    table = table.reindex(codes)
    complete = [int(y) for y in table.columns if table[y].notna().all()]
    if year is None:
        if not complete:
            division = sorted(set(rows.get("division_year", pd.Series(dtype=int)).dropna().astype(int)))
            raise CohortError(
                "no year of the panel's population covers all municipalities of the map "
                f"(panel division {division}); use boundaries of the same division year"
            )
        year = max(complete)
    elif year not in table.columns:
        raise CohortError(f"the panel has no population for {year}; years: {sorted(int(y) for y in table.columns)}")
    elif year not in complete:
        missing = table.index[table[year].isna()].tolist()
        raise CohortError(f"population {year} is missing for {len(missing)} municipalities ({', '.join(missing[:8])})")
    return table[year].astype(float).rename("population"), int(year)


def candidates_from_store(*, year: int | None = None, store: str | Path | None = None,
                          population_year: int | None = None,
                          scores: str | Path | None = None) -> tuple[pd.DataFrame, int, int]:
    """Candidates of the division ``year`` from the store: boundaries, key and the panel's population.

    Returns
    -------
    (DataFrame, int, int)
        The candidates (:func:`build_candidates`), the division year and the population year used.
    """
    from rvanalytics.boundaries import load_municipalities
    from rvanalytics.key import load_key
    from rvanalytics.store import DEFAULT_DIVISION_YEAR, load_panel, read_manifest

    manifest = read_manifest(store)
    year = year or int(manifest.get("division_year", DEFAULT_DIVISION_YEAR))
    munis = load_municipalities(year, store=store)
    panel = load_panel(store, indicators=["population"], level="municipality")
    pop, pop_year = population_from_panel(panel, munis["code"], year=population_year, division_year=year)
    key = load_key(year, store=store)
    score_series = read_scores(scores) if scores is not None else None
    if score_series is not None:
        unknown = sorted(set(score_series.index) - set(munis["code"].astype(str)))
        if unknown:
            raise DataFileError(Path(scores), f"code(s) {unknown[:8]} are not municipalities of {year}",
                                f"use codes of the {year} division", column="code")
    return build_candidates(munis, pop, key=key, scores=score_series), year, pop_year
