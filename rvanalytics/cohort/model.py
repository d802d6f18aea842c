"""The coverage model of cohort selection: candidates checked, terms, objective, the exact MILP solve.

See :mod:`rvanalytics.cohort` for the model's terms and constraints.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from rvanalytics.exceptions import RvanalyticsError

__all__ = ["TERMS", "CohortError", "CohortModel", "CohortWeights", "brute_force", "build_model", "check_candidates",
           "components", "evaluate_cohort", "objective", "solve"]

TERMS: tuple[str, ...] = ("regions", "population", "region_population", "spread", "action")


class CohortError(RvanalyticsError):
    """The cohort problem is inconsistent or infeasible (the message says which constraint)."""


@dataclass(frozen=True)
class CohortWeights:
    """Weights of the objective terms (each term is scaled to ``[0, 1]``).

    The defaults make a covered region worth about as much as covering all the
    population, and spread worth half of that; ``action`` only matters when
    scores are given.
    """

    regions: float = 1.0
    population: float = 0.5
    region_population: float = 0.5
    spread: float = 0.5
    action: float = 0.5

    def __post_init__(self) -> None:
        for name in TERMS:
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise CohortError(f"weight {name!r} must be a finite number >= 0, got {value!r}")

    def as_dict(self) -> dict[str, float]:
        """The weights as ``{term: weight}``."""
        return {name: float(getattr(self, name)) for name in TERMS}


@dataclass
class CohortModel:
    codes: np.ndarray
    pop: np.ndarray
    pop_total: float
    region_index: np.ndarray  # region number of each municipality
    regions: np.ndarray
    region_pop: np.ndarray
    reach: sparse.csr_matrix  # reach[j, i] = 1 if i reaches j
    area: np.ndarray
    area_total: float
    action: np.ndarray  # normalised to [0, 1], NaN -> 0
    max_size: int


_REQUIRED = ("code", "region_code", "population", "x", "y")


def check_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(candidates, pd.DataFrame):
        raise CohortError("candidates must be a DataFrame (see build_candidates)")
    missing = [c for c in _REQUIRED if c not in candidates.columns]
    if missing:
        raise CohortError(f"candidates lack column(s) {missing}; build them with rvanalytics.cohort.build_candidates")
    cands = candidates.copy()
    cands["code"] = cands["code"].astype(str)
    dup = cands["code"][cands["code"].duplicated()]
    if len(dup):
        raise CohortError(f"municipality code(s) {sorted(set(dup))} appear more than once in the candidates")
    for col in ("population", "x", "y"):
        bad = cands.loc[~np.isfinite(pd.to_numeric(cands[col], errors="coerce").to_numpy(dtype=float)), "code"]
        if len(bad):
            raise CohortError(f"column {col!r} is missing or not a number for {sorted(bad)[:8]}")
    if (cands["population"].astype(float) < 0).any():
        raise CohortError("population must be >= 0")
    if "name" not in cands:
        cands["name"] = cands["code"]
    if "region_name" not in cands:
        cands["region_name"] = cands["region_code"].astype(str)
    if "area_km2" not in cands:
        cands["area_km2"] = 1.0
    if "score" not in cands:
        cands["score"] = np.nan
    if "eligible" not in cands:
        cands["eligible"] = True
    return cands.reset_index(drop=True)


def build_model(cands: pd.DataFrame, reach_km: float, max_size: int) -> CohortModel:
    codes = cands["code"].to_numpy(dtype=str)
    pop = cands["population"].to_numpy(dtype=float)
    regions, region_index = np.unique(cands["region_code"].astype(str).to_numpy(), return_inverse=True)
    region_pop = np.bincount(region_index, weights=pop, minlength=len(regions))
    xy = cands[["x", "y"]].to_numpy(dtype=float)
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    reach = sparse.csr_matrix(d2 <= (reach_km * 1000.0) ** 2, dtype=float)
    area = cands["area_km2"].to_numpy(dtype=float)
    area = np.where(np.isfinite(area), area, 0.0)
    score = cands["score"].to_numpy(dtype=float)
    if np.nanmin(np.r_[score, 0.0]) < 0:
        raise CohortError("action scores must be >= 0")
    top = np.nanmax(np.r_[score, 0.0])
    action = np.where(np.isfinite(score), score, 0.0) / top if top > 0 else np.zeros(len(score))
    return CohortModel(
        codes=codes,
        pop=pop,
        pop_total=float(pop.sum()) or 1.0,
        region_index=region_index,
        regions=regions,
        region_pop=region_pop,
        reach=reach,
        area=area,
        area_total=float(area.sum()) or 1.0,
        action=action,
        max_size=max_size,
    )


def components(model: CohortModel, chosen: np.ndarray) -> dict[str, float]:
    """Term values of the cohort given as a boolean mask."""
    covered = np.zeros(len(model.regions), dtype=bool)
    covered[np.unique(model.region_index[chosen])] = True
    reached = np.asarray(model.reach[:, chosen].sum(axis=1)).ravel() > 0 if chosen.any() else np.zeros(len(chosen), bool)
    pop_cov = float(model.pop[chosen].sum())
    reg_pop = float(model.region_pop[covered].sum())
    return {
        "regions": covered.sum() / len(model.regions),
        "population": pop_cov / model.pop_total,
        "region_population": reg_pop / model.pop_total,
        "spread": float(model.area[reached].sum()) / model.area_total,
        "action": float(model.action[chosen].sum()) / model.max_size,
        "regions_covered": float(covered.sum()),
        "n_regions": float(len(model.regions)),
        "population_covered": pop_cov,
        "region_population_covered": reg_pop,
        "population_total": float(model.pop.sum()),
    }


def objective(components: Mapping[str, float], weights: CohortWeights) -> float:
    return float(sum(w * components[t] for t, w in weights.as_dict().items()))


def evaluate_cohort(
    candidates: pd.DataFrame,
    codes: Iterable[str],
    *,
    weights: CohortWeights | None = None,
    reach_km: float = 100.0,
    max_size: int = 10,
) -> tuple[float, dict[str, float]]:
    """Score a given cohort with the objective of :func:`select_cohort`.

    Returns ``(score, components)``; use it to compare a hand-picked cohort
    (e.g. :data:`TEN_CITY_COHORT`) with the optimum.

    Examples
    --------
    >>> import pandas as pd
    >>> cands = pd.DataFrame({"code": ["001", "002"], "region_code": ["01", "02"],
    ...                       "population": [30, 10], "x": [0, 0], "y": [0, 1e6]})
    >>> score, parts = evaluate_cohort(cands, ["001"], weights=CohortWeights(1, 1, 0, 0, 0))
    >>> round(score, 3), parts["regions_covered"]
    (1.25, 1.0)
    """
    weights = weights or CohortWeights()
    cands = check_candidates(candidates)
    codes = [str(c) for c in codes]
    unknown = sorted(set(codes) - set(cands["code"]))
    if unknown:
        raise CohortError(f"code(s) {unknown} are not among the candidates")
    model = build_model(cands, reach_km, max_size)
    chosen = np.isin(model.codes, codes)
    comps = components(model, chosen)
    return objective(comps, weights), comps


def solve(
    model: CohortModel,
    weights: CohortWeights,
    lower: np.ndarray,
    upper: np.ndarray,
    min_size: int,
    max_size: int,
    one_per_region: bool,
    cuts: Sequence[np.ndarray],
    time_limit: float | None,
) -> np.ndarray | None:
    n, r = len(model.codes), len(model.regions)
    w = weights.as_dict()
    # variables: x (n) | y (r) | c (n); milp minimises, so negate
    obj = np.concatenate(
        [
            -(w["population"] * model.pop / model.pop_total + w["action"] * model.action / model.max_size),
            -(w["regions"] / r + w["region_population"] * model.region_pop / model.pop_total),
            -(w["spread"] * model.area / model.area_total),
        ]
    )
    membership = sparse.csr_matrix((np.ones(n), (model.region_index, np.arange(n))), shape=(r, n))
    blocks = []
    lb: list[np.ndarray] = []
    ub: list[np.ndarray] = []
    # y_r - sum_{i in r} x_i <= 0
    blocks.append(sparse.hstack([-membership, sparse.identity(r), sparse.csr_matrix((r, n))]))
    lb.append(np.full(r, -np.inf))
    ub.append(np.zeros(r))
    # c_j - sum_{i reaches j} x_i <= 0
    blocks.append(sparse.hstack([-model.reach, sparse.csr_matrix((n, r)), sparse.identity(n)]))
    lb.append(np.full(n, -np.inf))
    ub.append(np.zeros(n))
    # size
    blocks.append(sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, r + n))]))
    lb.append(np.array([min_size]))
    ub.append(np.array([max_size]))
    if one_per_region:
        blocks.append(sparse.hstack([membership, sparse.csr_matrix((r, r + n))]))
        lb.append(np.full(r, -np.inf))
        ub.append(np.ones(r))
    for cut in cuts:
        row = np.where(cut, 1.0, -1.0)
        blocks.append(sparse.hstack([sparse.csr_matrix(row[None, :]), sparse.csr_matrix((1, r + n))]))
        lb.append(np.array([-np.inf]))
        ub.append(np.array([cut.sum() - 1.0]))
    a = sparse.vstack(blocks).tocsr()
    bounds = Bounds(np.concatenate([lower, np.zeros(r + n)]), np.concatenate([upper, np.ones(r + n)]))
    integrality = np.concatenate([np.ones(n), np.zeros(r + n)])
    options = {"disp": False, "mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(obj, constraints=LinearConstraint(a, np.concatenate(lb), np.concatenate(ub)),
               integrality=integrality, bounds=bounds, options=options)
    if res.status == 1:
        raise CohortError(f"the optimiser hit its time limit ({time_limit} s) before proving the optimum")
    if not res.success or res.x is None:
        return None
    return res.x[:n] > 0.5


def brute_force(
    candidates: pd.DataFrame,
    *,
    min_size: int,
    max_size: int,
    one_per_region: bool = True,
    weights: CohortWeights | None = None,
    reach_km: float = 100.0,
) -> tuple[float, list[str]]:
    """Best cohort by enumerating all subsets (for tests on small candidate sets only)."""
    weights = weights or CohortWeights()
    cands = check_candidates(candidates)
    model = build_model(cands, reach_km, max_size)
    n = len(cands)
    best: tuple[float, list[str]] = (-np.inf, [])
    eligible = np.flatnonzero(cands["eligible"].astype(bool).to_numpy())
    for k in range(min_size, max_size + 1):
        for combo in itertools.combinations(eligible, k):
            if one_per_region and len(set(model.region_index[list(combo)])) < k:
                continue
            mask = np.zeros(n, dtype=bool)
            mask[list(combo)] = True
            s = objective(components(model, mask), weights)
            if s > best[0] + 1e-12:
                best = (s, sorted(model.codes[list(combo)].tolist()))
    return best
