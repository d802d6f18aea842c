"""Coverage: the theme matrix of the cities, and data coverage and freshness of the panel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import check_columns, select

__all__ = ["data_freshness", "missing_share", "theme_coverage"]


def _theme_lists(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(v) for v in value]


def theme_coverage(
    catalogue: pd.DataFrame,
    cities: pd.DataFrame,
    targets: pd.DataFrame,
    panel: pd.DataFrame,
    *,
    themes: Sequence[str] | None = None,
    theme_map: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """City x resource-wisdom theme: has indicator data / a target / the key measure / the key problem.

    * ``has_data`` - the panel has at least one non-missing value, for this city, of an
      indicator whose catalogue ``theme`` is the theme;
    * ``has_target`` - a target of the city has this theme;
    * ``has_key_measure`` / ``has_key_problem`` - the theme is among the themes of the
      city's key measure / key problem. These need the list columns
      ``key_measure_themes`` / ``key_problem_themes`` in ``cities``; without them, or when
      the key measure (``key_measure_known``) / problem is not known, the cell is ``<NA>``
      (unknown), not False.

    Parameters
    ----------
    catalogue : DataFrame
        Indicator catalogue: ``theme`` and the id as ``indicator``, ``id`` or the index.
    cities : DataFrame
        ``code`` and optionally ``key_measure_known``, ``key_measure_themes``,
        ``key_problem_known``, ``key_problem_themes``.
    targets : DataFrame
        Targets DataFrame (``city_code``, ``theme``).
    panel : DataFrame
        Long panel.
    themes : list of str, optional
        Themes (columns) to report; default: every theme in the catalogue and targets.
    theme_map : mapping, optional
        Catalogue theme -> profile theme(s), for when the catalogue and the profiles use
        different theme vocabularies (e.g. ``{"energy": ["energy", "climate"]}``); a
        catalogue theme not in the map keeps its own name.

    Returns
    -------
    DataFrame
        ``code, theme, has_data, has_target, has_key_measure, has_key_problem`` (boolean dtype).

    Examples
    --------
    >>> cat = pd.DataFrame({"indicator": ["ghg_hinku_total_kt"], "theme": ["climate"]})
    >>> cities = pd.DataFrame({"code": ["167"]})
    >>> targets = pd.DataFrame({"city_code": ["167"], "theme": ["waste"]})
    >>> p = pd.DataFrame({"code": ["167"], "year": [2024], "indicator": ["ghg_hinku_total_kt"], "value": [275.4]})
    >>> theme_coverage(cat, cities, targets, p)[["theme", "has_data", "has_target"]].to_dict("records")
    [{'theme': 'climate', 'has_data': True, 'has_target': False}, {'theme': 'waste', 'has_data': False, 'has_target': True}]
    """
    check_columns(cities, ["code"], "the cities table")
    check_columns(targets, ["city_code", "theme"], "the targets table")
    cat = catalogue.copy()
    if "indicator" not in cat.columns:
        cat = cat.rename(columns={"id": "indicator"}) if "id" in cat.columns else cat.rename_axis("indicator").reset_index()
    check_columns(cat, ["indicator", "theme"], "the indicator catalogue")
    if theme_map:
        cat = cat.assign(theme=cat["theme"].map(lambda t: list(theme_map.get(t, [t])))).explode("theme")
    if themes is None:
        themes = sorted(set(cat["theme"].dropna()) | set(targets["theme"].dropna()))
    codes = list(dict.fromkeys(cities["code"]))
    grid = pd.MultiIndex.from_product([codes, list(themes)], names=["code", "theme"]).to_frame(index=False)
    data = select(panel, None)
    if "level" in data.columns:
        data = data[data["level"] == "municipality"]
    present = data[data["code"].isin(codes) & data["value"].notna()][["code", "indicator"]].drop_duplicates()
    present = present.merge(cat[["indicator", "theme"]], on="indicator", how="inner")[["code", "theme"]].drop_duplicates()
    grid["has_data"] = grid.set_index(["code", "theme"]).index.isin(present.set_index(["code", "theme"]).index)
    tt = targets[["city_code", "theme"]].drop_duplicates().set_index(["city_code", "theme"]).index
    grid["has_target"] = grid.set_index(["code", "theme"]).index.isin(tt)
    for section in ("key_measure", "key_problem"):
        col, known = f"{section}_themes", f"{section}_known"
        if col not in cities.columns:
            grid[f"has_{section}"] = pd.array([pd.NA] * len(grid), dtype="boolean")
            continue
        lists = dict(zip(cities["code"], cities[col].map(_theme_lists)))
        knowns = dict(zip(cities["code"], cities[known])) if known in cities.columns else {}
        vals = []
        for code, theme in zip(grid["code"], grid["theme"]):
            if knowns and not bool(knowns.get(code)):
                vals.append(pd.NA)
            else:
                vals.append(theme in lists.get(code, []))
        grid[f"has_{section}"] = pd.array(vals, dtype="boolean")
    grid["has_data"] = grid["has_data"].astype("boolean")
    grid["has_target"] = grid["has_target"].astype("boolean")
    return grid


def data_freshness(panel: pd.DataFrame, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Latest year with a value for every area x indicator, and how many years have values.

    Returns
    -------
    DataFrame
        ``level, code, indicator, first_year, latest_year, n_years`` (years with a non-missing
        value), ``n_rows`` (rows in the panel), ``n_missing`` (rows with NaN value / a marker).

    Examples
    --------
    >>> p = pd.DataFrame({"code": "a", "year": [2020, 2021, 2022], "indicator": "x", "value": [1.0, 2.0, None]})
    >>> data_freshness(p)[["latest_year", "n_years", "n_missing"]].to_dict("records")
    [{'latest_year': 2021, 'n_years': 2, 'n_missing': 1}]
    """
    data = select(panel, None)
    if codes is not None:
        data = data[data["code"].isin(set(codes))]
    has = data.assign(_y=data["year"].where(data["value"].notna()))
    g = has.groupby(["level", "code", "indicator"], sort=True)
    out = pd.DataFrame({
        "first_year": g["_y"].min(),
        "latest_year": g["_y"].max(),
        "n_years": g["_y"].count(),
        "n_rows": g.size(),
    }).reset_index()
    out["n_missing"] = out["n_rows"] - out["n_years"]
    for c in ("first_year", "latest_year"):
        out[c] = pd.array(out[c].to_numpy(dtype="float64"), dtype="Float64").astype("Int64")
    return out


def missing_share(
    panel: pd.DataFrame,
    codes: Iterable[str] | None = None,
    *,
    years: Iterable[int] | None = None,
    level: str = "municipality",
) -> pd.DataFrame:
    """Share of the expected panel cells that are missing, per indicator.

    The expected cells are every code (``codes``, default every code of ``level`` in the
    panel) x every year (``years``, default the years from the indicator's first to last year
    in the panel). A cell is missing when the panel has no row for it or its value is NaN
    (a statistical marker).

    Returns
    -------
    DataFrame
        ``indicator, first_year, last_year, n_expected, n_present, n_missing, share_missing``
        plus one row ``indicator="(all)"`` for the whole panel.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["a", "a", "b"], "year": [2020, 2021, 2020], "indicator": "x",
    ...                   "value": [1.0, 2.0, 3.0]})
    >>> missing_share(p)[["indicator", "n_expected", "n_missing", "share_missing"]].to_dict("records")[0]
    {'indicator': 'x', 'n_expected': 4, 'n_missing': 1, 'share_missing': 0.25}
    """
    data = select(panel, None)
    if "level" in data.columns and level is not None:
        data = data[data["level"] == level]
    code_list = sorted(set(codes)) if codes is not None else sorted(set(data["code"]))
    n_codes = len(code_list)
    data = data[data["code"].isin(code_list)]
    cells = data[data["value"].notna()].drop_duplicates(["indicator", "code", "year"])
    if years is not None:
        yrs = sorted(set(years))
        cells = cells[cells["year"].isin(yrs)]
        span = pd.DataFrame({"indicator": sorted(set(data["indicator"]))})
        span["first_year"], span["last_year"], n_years = (yrs[0] if yrs else None), (yrs[-1] if yrs else None), len(yrs)
        span["n_years"] = n_years
    else:
        g = data.groupby("indicator", sort=True)["year"]
        span = pd.DataFrame({"first_year": g.min(), "last_year": g.max()}).reset_index()
        span["n_years"] = span["last_year"] - span["first_year"] + 1
    present = cells.groupby("indicator").size().rename("n_present")
    out = span.merge(present, left_on="indicator", right_index=True, how="left")
    out["n_present"] = out["n_present"].fillna(0).astype("int64")
    out["n_expected"] = (out["n_years"] * n_codes).astype("int64")
    out = out[["indicator", "first_year", "last_year", "n_expected", "n_present"]]
    total = pd.DataFrame([{"indicator": "(all)", "first_year": out["first_year"].min() if len(out) else None,
                           "last_year": out["last_year"].max() if len(out) else None,
                           "n_expected": int(out["n_expected"].sum()), "n_present": int(out["n_present"].sum())}])
    out = pd.concat([out, total], ignore_index=True)
    out["n_missing"] = out["n_expected"] - out["n_present"]
    out["share_missing"] = np.where(out["n_expected"] > 0, out["n_missing"] / out["n_expected"].where(out["n_expected"] > 0), np.nan)
    return out
