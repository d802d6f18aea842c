"""Data releases in the panel: one release per series, one release per comparison.

Syke recalculates its whole ALas series every year, so the same municipality-year has different
values in different releases (Joensuu: the 2024 and 2026 releases differ by −0.1…+1.4 %). The
store keeps every release (column ``release``); these pure functions pick from it:

* :func:`select_series` - each series (level × code × indicator) from the newest release that
  covers it, for all its years (what a city's own time series and target tracking use);
* :func:`comparison_view` - for each indicator the one release with the most municipalities,
  for every level (what ranks, medians and region/country comparisons use), so a city's figure
  is never compared with peers from another release.

Rows without a release (``""``, sources that are not re-released) pass through both unchanged.

Examples
--------
>>> import pandas as pd
>>> p = pd.DataFrame({"level": "municipality", "code": ["167", "167", "091"], "year": 2022,
...                   "indicator": "ghg_hinku_total_kt", "value": [309.7, 314.1, 2000.0],
...                   "release": ["2024", "2026", "2024"]})
>>> select_series(p)[["code", "release", "value"]].to_dict("records")
[{'code': '167', 'release': '2026', 'value': 314.1}, {'code': '091', 'release': '2024', 'value': 2000.0}]
>>> comparison_view(p)[["code", "release"]].to_dict("records")
[{'code': '167', 'release': '2024'}, {'code': '091', 'release': '2024'}]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["comparison_release", "comparison_view", "select_series"]


def _has_releases(panel: pd.DataFrame) -> bool:
    return "release" in panel.columns and bool((panel["release"].astype(str) != "").any())


def select_series(panel: pd.DataFrame) -> pd.DataFrame:
    """Keep, for every ``level, code, indicator``, only the rows of its newest release.

    Parameters
    ----------
    panel : DataFrame
        Long panel with a ``release`` column (str; releases compare as text, e.g. "2024" < "2026").

    Returns
    -------
    DataFrame
        The same columns; within one series every row has the same release.
    """
    if not _has_releases(panel):
        return panel
    release = panel["release"].astype(str)
    newest = release.groupby([panel["level"], panel["code"], panel["indicator"]], sort=False).transform("max")
    return panel[release == newest].reset_index(drop=True)


def comparison_release(panel: pd.DataFrame) -> pd.Series:
    """The release used to compare municipalities, per indicator (most municipalities, then newest).

    Returns
    -------
    Series
        indicator -> release ("" for indicators without releases).
    """
    if not _has_releases(panel):
        return pd.Series("", index=pd.Index(panel["indicator"].unique(), name="indicator"), dtype=str)
    muni = panel[(panel["level"] == "municipality") & panel["value"].notna()] if "value" in panel else panel
    counts = (muni.groupby(["indicator", "release"])["code"].nunique().rename("n").reset_index()
              .sort_values(["indicator", "n", "release"], ascending=[True, False, False]))
    best = counts.drop_duplicates("indicator").set_index("indicator")["release"]
    missing = pd.Index(panel["indicator"].unique()).difference(best.index)
    for indicator in missing:  # indicators without municipal rows: the newest release of any level
        best.loc[indicator] = str(panel.loc[panel["indicator"] == indicator, "release"].max())
    return best.astype(str)


def comparison_view(panel: pd.DataFrame) -> pd.DataFrame:
    """Rows of every indicator's :func:`comparison_release`, all levels (one release per comparison)."""
    if not _has_releases(panel):
        return panel
    chosen = comparison_release(panel)
    keep = panel["release"].astype(str).to_numpy() == panel["indicator"].map(chosen).astype(str).to_numpy()
    return panel[keep].reset_index(drop=True)
