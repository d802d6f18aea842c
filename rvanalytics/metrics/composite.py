"""A composite resource-wisdom index, following the OECD/JRC *Handbook on Constructing
Composite Indicators* (2008): normalisation, weighting, aggregation, and an uncertainty
analysis of the ranks.

Steps for indicators :math:`x_{cq}` (area ``c``, indicator ``q``) with a direction
:math:`d_q = +1` (more is better) or :math:`-1` (less is better, e.g. emissions):

* **normalisation** - ``minmax``: :math:`I_{cq} = (y_{cq} - \\min_c y_{cq}) / (\\max_c y_{cq} - \\min_c y_{cq})`
  with :math:`y = d_q x`; ``zscore``: :math:`I_{cq} = (y_{cq} - \\bar y_q) / s_q`;
* **weights** :math:`w_q \\ge 0`, :math:`\\sum_q w_q = 1` (equal by default);
* **aggregation** - ``arithmetic``: :math:`CI_c = \\sum_q w_q I_{cq}`; ``geometric``:
  :math:`CI_c = \\prod_q I_{cq}^{w_q}`, which needs positive values, so min-max values are
  rescaled to :math:`[1, 100]` first (``1 + 99 I``); geometric aggregation of z-scores is
  not defined and is refused.

Areas with a missing indicator get no score (no imputation): ``n_missing`` says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["composite_index", "composite_uncertainty", "normalise_matrix"]

_COMBOS = (("minmax", "arithmetic"), ("minmax", "geometric"), ("zscore", "arithmetic"))


def _directed(data: pd.DataFrame, directions: Mapping[str, int] | None) -> pd.DataFrame:
    directions = dict(directions or {})
    bad = {k: v for k, v in directions.items() if v not in (1, -1)}
    if bad:
        raise ValueError(f"directions must be +1 or -1, got {bad}")
    unknown = set(directions) - set(data.columns)
    if unknown:
        raise ValueError(f"directions name indicators not in the data: {sorted(unknown)}")
    signs = np.array([directions.get(c, 1) for c in data.columns], dtype="float64")
    return data.astype("float64") * signs


def normalise_matrix(data: pd.DataFrame, method: str = "minmax",
                     directions: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Normalise each column (indicator) of an area x indicator table.

    Examples
    --------
    >>> d = pd.DataFrame({"ghg": [2.0, 4.0, 6.0]}, index=["a", "b", "c"])
    >>> normalise_matrix(d, "minmax", {"ghg": -1})["ghg"].tolist()
    [1.0, 0.5, 0.0]
    """
    y = _directed(data, directions)
    if method == "minmax":
        lo, hi = y.min(), y.max()
        span = (hi - lo).where(hi > lo)
        return (y - lo) / span
    if method == "zscore":
        return (y - y.mean()) / y.std(ddof=1).where(y.std(ddof=1) > 0)
    raise ValueError(f"method must be 'minmax' or 'zscore', not {method!r}")


def _aggregate(norm: np.ndarray, weights: np.ndarray, normalisation: str, aggregation: str) -> np.ndarray:
    """Scores for areas x draws: ``norm`` (areas, k), ``weights`` (draws, k) -> (areas, draws)."""
    if aggregation == "arithmetic":
        return norm @ weights.T
    if aggregation == "geometric":
        if normalisation != "minmax":
            raise ValueError("geometric aggregation needs positive values: use it with minmax normalisation")
        return np.exp(np.log(1.0 + 99.0 * norm) @ weights.T)
    raise ValueError(f"aggregation must be 'arithmetic' or 'geometric', not {aggregation!r}")


def composite_index(
    data: pd.DataFrame,
    *,
    directions: Mapping[str, int] | None = None,
    normalisation: str = "minmax",
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
) -> pd.DataFrame:
    """Composite index of each area (row of ``data``), with its rank (1 = best).

    Parameters
    ----------
    data : DataFrame
        Areas (index) x indicators (columns), e.g. per-capita values of one year.
    directions : mapping, optional
        Indicator -> +1 (more is better, default) or -1 (less is better).
    normalisation : {"minmax", "zscore"}
    weights : mapping, optional
        Indicator -> weight (rescaled to sum 1); equal weights by default.
    aggregation : {"arithmetic", "geometric"}

    Returns
    -------
    DataFrame
        index as ``data``; ``score``, ``rank`` (Int64, <NA> without a score), ``n_missing``.
        Use :func:`composite_uncertainty` for the rank range: never show a rank alone.

    Examples
    --------
    >>> d = pd.DataFrame({"ghg": [2.0, 4.0, 6.0], "recycling": [50.0, 40.0, 60.0]}, index=["a", "b", "c"])
    >>> composite_index(d, directions={"ghg": -1})[["score", "rank"]].to_dict("index")["a"]
    {'score': 0.75, 'rank': 1}
    """
    norm = normalise_matrix(data, normalisation, directions)
    cols = list(data.columns)
    w = np.array([1.0 if weights is None else float(weights.get(c, 0.0)) for c in cols])
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be >= 0 and not all 0")
    w = w / w.sum()
    score = _aggregate(norm.to_numpy(), w[None, :], normalisation, aggregation)[:, 0]
    out = pd.DataFrame(index=data.index)
    out["score"] = score
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("Int64")
    out["n_missing"] = data.isna().sum(axis=1).astype("int64")
    return out


def composite_uncertainty(
    data: pd.DataFrame,
    *,
    directions: Mapping[str, int] | None = None,
    n_draws: int = 1000,
    seed: int = 0,
    combos: Sequence[tuple[str, str]] = _COMBOS,
    dirichlet_alpha: float = 1.0,
    include_equal_weights: bool = True,
) -> pd.DataFrame:
    """Uncertainty analysis of the composite ranks (Monte Carlo over weights and methods).

    Each draw picks a (normalisation, aggregation) pair uniformly from ``combos`` and a
    weight vector from a Dirichlet(``dirichlet_alpha``) distribution (uniform over all
    weight vectors that sum to 1 for alpha = 1); the areas are ranked by that draw's
    score (1 = best). Reported per area: the rank under equal weights and min-max /
    arithmetic (the reference), the median rank, and the 5th and 95th percentile ranks.

    Returns
    -------
    DataFrame
        index as ``data``; ``score``, ``rank`` (reference), ``median_rank``, ``rank_p05``,
        ``rank_p95``, ``n_missing``. Areas with a missing indicator are not ranked (NaN).

    Examples
    --------
    >>> d = pd.DataFrame({"ghg": [2.0, 4.0, 6.0], "recycling": [50.0, 40.0, 60.0]}, index=["a", "b", "c"])
    >>> u = composite_uncertainty(d, directions={"ghg": -1}, n_draws=200)
    >>> bool((u["rank_p05"] <= u["median_rank"]).all() and (u["median_rank"] <= u["rank_p95"]).all())
    True
    """
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    for combo in combos:
        if combo not in _COMBOS:
            raise ValueError(f"unsupported combination {combo}; choose from {_COMBOS}")
    ref = composite_index(data, directions=directions)
    complete = data.notna().all(axis=1).to_numpy()
    sub = data[complete]
    k = data.shape[1]
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(k, dirichlet_alpha), size=n_draws)
    if include_equal_weights:
        weights[0] = 1.0 / k
    which = rng.integers(0, len(combos), size=n_draws)
    scores = np.empty((len(sub), n_draws))
    norms = {m: normalise_matrix(sub, m, directions).fillna(0.0).to_numpy() for m in {c[0] for c in combos}}
    # columns with no spread (NaN after normalising) contribute 0 for everyone: ranks unaffected
    for idx, (norm_m, agg) in enumerate(combos):
        sel = which == idx
        if sel.any():
            scores[:, sel] = _aggregate(norms[norm_m], weights[sel], norm_m, agg)
    # rank 1 = highest score, ties (to 1e-12) share the best rank
    from scipy.stats import rankdata  # here, not at import: report kernels never rank composites

    ranks = rankdata(-np.round(scores, 12), method="min", axis=0).astype("float64")
    out = ref.copy()
    out["median_rank"] = np.nan
    out["rank_p05"] = np.nan
    out["rank_p95"] = np.nan
    if len(sub):
        out.loc[complete, "median_rank"] = np.median(ranks, axis=1)
        out.loc[complete, "rank_p05"] = np.percentile(ranks, 5, axis=1)
        out.loc[complete, "rank_p95"] = np.percentile(ranks, 95, axis=1)
    out["n_draws"] = n_draws
    return out[["score", "rank", "median_rank", "rank_p05", "rank_p95", "n_missing", "n_draws"]]
