"""Municipal mergers and the harmoniser that moves tables between divisions.

Mergers change municipality codes: a table keyed by 2013 codes does not join to the
2026 division. The official mergers 2013–2026 are kept as data
(``rvanalytics/data/municipal_mergers.csv``, with sources) and checked in the tests
against a crosswalk derived independently by overlaying two years' boundaries
(:func:`crosswalk_from_boundaries`).

A key year *Y* is the division in force on 1 January *Y*; a merger effective on
1.1.2025 is part of the 2025 division, so it applies when moving from 2024 or earlier
to 2025 or later.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"code": ["588", "507"], "population": [1_700, 5_600]})
>>> result = harmonise(table, 2024, 2025, value_columns=["population"])
>>> result.table.to_dict("records")
[{'code': '507', 'population': 7300.0}]
>>> result.mergers[["from_name", "to_name", "effective"]].to_dict("records")
[{'from_name': 'Pertunmaa', 'to_name': 'Mäntyharju', 'effective': '2025-01-01'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from io import StringIO
from typing import NamedTuple

import numpy as np
import pandas as pd

from rvanalytics.exceptions import HarmoniseError
from rvanalytics.key import MunicipalityKeys, keys_or_default

__all__ = ["merger_table", "crosswalk", "harmonise", "Harmonised", "crosswalk_from_boundaries"]


@lru_cache(maxsize=1)
def merger_table() -> pd.DataFrame:
    """Official municipal mergers (``effective``, ``from_code``, ``from_name``, ``to_code``, ``to_name``, ``source``)."""
    text = resources.files("rvanalytics").joinpath("data/municipal_mergers.csv").read_text(encoding="utf-8")
    table = pd.read_csv(StringIO(text), dtype={"from_code": str, "to_code": str})
    table["effective_year"] = table["effective"].str.slice(0, 4).astype("int64")
    return table


def crosswalk(from_year: int, to_year: int, *, keys: MunicipalityKeys | None = None) -> pd.DataFrame:
    """Map every municipality code of ``from_year`` to its code in ``to_year``.

    Returns a DataFrame with ``from_code``, ``from_name``, ``to_code``, ``to_name`` and
    ``merged`` (True where the code changed), one row per municipality of ``from_year``.

    Examples
    --------
    >>> cw = crosswalk(2013, 2023)
    >>> len(cw), cw["to_code"].nunique()
    (320, 309)
    >>> cw.set_index("from_code").loc["099", "to_name"]  # Honkajoki -> Kankaanpää 2021
    'Kankaanpää'
    """
    if to_year < from_year:
        raise HarmoniseError(
            f"cannot move from the {from_year} division back to {to_year}: splitting a merged "
            "municipality needs weights for its parts. Fix: harmonise onto a later year instead"
        )
    all_keys = keys_or_default(keys)
    old = all_keys.key(from_year)[["code", "name_fi"]]
    new = all_keys.key(to_year)[["code", "name_fi"]]
    mapping = dict(zip(old["code"], old["code"]))
    mergers = merger_table()
    applicable = mergers[(mergers["effective_year"] > from_year) & (mergers["effective_year"] <= to_year)]
    for row in applicable.sort_values("effective").itertuples():
        for code, target in mapping.items():
            if target == row.from_code:
                mapping[code] = row.to_code
    result = pd.DataFrame({"from_code": old["code"], "from_name": old["name_fi"]})
    result["to_code"] = result["from_code"].map(mapping)
    names = dict(zip(new["code"], new["name_fi"]))
    result["to_name"] = result["to_code"].map(names)
    unknown = result[result["to_name"].isna()]
    if not unknown.empty:
        raise HarmoniseError(
            f"codes {unknown['from_code'].tolist()} of {from_year} have no municipality in {to_year} "
            "and no merger is recorded. Fix: add the merger to rvanalytics/data/municipal_mergers.csv"
        )
    result["merged"] = result["from_code"] != result["to_code"]
    return result.reset_index(drop=True)


class Harmonised(NamedTuple):
    """Result of :func:`harmonise`: the moved table and the mergers applied to it."""

    table: pd.DataFrame
    mergers: pd.DataFrame


def harmonise(
    table: pd.DataFrame,
    from_year: int,
    to_year: int,
    *,
    value_columns: Sequence[str],
    additive: bool = True,
    weight_column: str | None = None,
    code_column: str = "code",
    group_columns: Sequence[str] = (),
    keys: MunicipalityKeys | None = None,
) -> Harmonised:
    """Move a table keyed by ``from_year`` municipality codes onto the ``to_year`` division.

    Additive values (counts, totals) are summed over the municipalities that merged:
    :math:`x_{new} = \\sum_{i \\in parts} x_i`. Non-additive values (rates, per-capita
    values) are refused unless ``weight_column`` is given; then the weighted mean
    :math:`\\sum w_i x_i / \\sum w_i` is used. A missing value in any part gives a missing
    result (missing is never treated as zero), and so does a merged municipality whose
    parts are not all in the table for that group.

    Parameters
    ----------
    table : DataFrame
        Must have ``code_column`` (3-digit strings of ``from_year``) and ``value_columns``.
    from_year, to_year : int
        Division years (the key of 1 January of that year).
    value_columns : sequence of str
        Columns to combine.
    additive : bool
        Whether the values may be summed across municipalities.
    weight_column : str, optional
        Weights (e.g. population) for non-additive values.
    group_columns : sequence of str
        Other key columns (e.g. ``year``, ``indicator``) kept apart while combining.
    keys : MunicipalityKeys, optional
        Municipality keys the crosswalk is read from (default :func:`rvanalytics.key.default_keys`).

    Returns
    -------
    Harmonised
        ``table`` on the ``to_year`` division and ``mergers`` (one row per merger applied:
        ``from_code``, ``from_name``, ``to_code``, ``to_name``, ``effective``).
    """
    if not additive and weight_column is None:
        raise HarmoniseError(
            f"columns {list(value_columns)} are not additive (rates or per-capita values) and cannot be "
            "summed over merged municipalities. Fix: give weight_column= (e.g. population), or "
            "harmonise the numerator and denominator and divide afterwards"
        )
    missing = [c for c in [code_column, *value_columns, *group_columns] if c not in table.columns]
    if weight_column and weight_column not in table.columns:
        missing.append(weight_column)
    if missing:
        raise HarmoniseError(f"table has no column(s) {missing}")
    cw = crosswalk(from_year, to_year, keys=keys)
    codes = table[code_column].astype("string")
    known = set(cw["from_code"])
    unknown = sorted(set(codes.dropna()) - known)
    if unknown:
        raise HarmoniseError(
            f"codes {unknown[:10]}{' …' if len(unknown) > 10 else ''} are not municipalities of {from_year}. "
            "Fix: check the table's division year (a code exists only in the key of its own years)"
        )
    mapping = dict(zip(cw["from_code"], cw["to_code"]))
    work = table.copy()
    work["_to"] = codes.map(mapping)
    by = [*group_columns, "_to"]
    values = list(value_columns)
    if additive:
        numer = work[values].astype("float64")
        weights = None
    else:
        weights = work[weight_column].astype("float64")
        numer = work[values].astype("float64").mul(weights, axis=0)
    frame = pd.concat([work[by], numer.fillna(0.0), numer.isna().add_suffix("__nan")], axis=1)
    if weights is not None:
        frame["__w"] = weights.fillna(0.0)
        frame["__w_nan"] = weights.isna()
    frame["__parts"] = 1
    grouped = frame.groupby(by, sort=True, dropna=False).sum()
    result = pd.DataFrame(index=grouped.index)
    # Parts expected per target code: every from_year municipality that maps to it.
    expected_parts = cw.groupby("to_code").size()
    complete = grouped["__parts"].to_numpy() >= expected_parts.reindex(
        grouped.index.get_level_values("_to")).to_numpy()
    for col in values:
        vals = grouped[col].to_numpy(dtype="float64")
        if weights is not None:
            wsum = grouped["__w"].to_numpy(dtype="float64")
            with np.errstate(invalid="ignore", divide="ignore"):
                vals = vals / wsum
            bad = (grouped[f"{col}__nan"].to_numpy() > 0) | (grouped["__w_nan"].to_numpy() > 0)
        else:
            bad = grouped[f"{col}__nan"].to_numpy() > 0
        merged_code = grouped["__parts"].to_numpy() > 1
        vals = np.where(bad | (~complete & (expected_parts.reindex(
            grouped.index.get_level_values("_to")).to_numpy() > 1)), np.nan, vals)
        del merged_code
        result[col] = vals
    result = result.reset_index().rename(columns={"_to": code_column})
    other = [c for c in table.columns if c not in {code_column, *values, *group_columns, weight_column}]
    if other:
        # Descriptive columns (unit, source…) must be constant within a group to survive.
        firsts = work.groupby(by, sort=True, dropna=False)[other].first().reset_index().rename(columns={"_to": code_column})
        result = result.merge(firsts, on=[*group_columns, code_column], how="left")
    if weight_column and weight_column not in values:
        wres = frame.groupby(by, sort=True, dropna=False)["__w"].sum().reset_index().rename(
            columns={"_to": code_column, "__w": weight_column})
        result = result.merge(wres, on=[*group_columns, code_column], how="left")
    ordered = [*group_columns, code_column, *[c for c in table.columns if c in result.columns
                                               and c not in {code_column, *group_columns}]]
    result = result[ordered]
    used = cw[cw["merged"] & cw["from_code"].isin(set(codes.dropna()))]
    merged_info = merger_table()[["from_code", "effective"]]
    used = used.merge(merged_info, on="from_code", how="left")
    mergers = used[["from_code", "from_name", "to_code", "to_name", "effective"]].reset_index(drop=True)
    return Harmonised(result, mergers)


def crosswalk_from_boundaries(old, new, *, old_code: str = "code", new_code: str = "code") -> pd.DataFrame:
    """Derive a code crosswalk by overlaying two years' municipal boundaries.

    Each old municipality is assigned to the new municipality that holds the largest
    share of its area. Returns ``from_code``, ``to_code``, ``share`` (that largest share, 0–1).
    Small boundary adjustments between municipalities give shares slightly below 1;
    a merger gives a share near 1 for a different code.
    """
    old = old[[old_code, "geometry"]].rename(columns={old_code: "from_code"}).to_crs(3067)
    new = new[[new_code, "geometry"]].rename(columns={new_code: "to_code"}).to_crs(3067)
    pieces = old.overlay(new, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    totals = pieces.groupby("from_code")["area"].transform("sum")
    pieces["share"] = pieces["area"] / totals
    best = pieces.sort_values("share", ascending=False).drop_duplicates("from_code")
    return best[["from_code", "to_code", "share"]].sort_values("from_code").reset_index(drop=True)
