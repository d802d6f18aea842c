"""Cohort selection: choose 5–10 cities that cover Finland well, solved exactly.

The coordinator of a workshop series picks a cohort of cities for geographic
coverage and for the cities' own climate actions. :func:`select_cohort` solves
this as a mixed-integer linear program with :func:`scipy.optimize.milp`
(HiGHS branch and bound, so the answer is a proven optimum, not a heuristic),
explains what each chosen city adds, and lists the runner-up cohorts found by
solving again with "no-good" cuts that forbid the cohorts already found.

Model
-----
The *universe* is every municipality of one division (one row each in
``candidates``); the *eligible* ones may be chosen. With binary ``x_i``
(municipality *i* is in the cohort) the objective to maximise is a weighted sum
of five terms, each scaled to ``[0, 1]``:

``regions``
    regions (maakunnat) with at least one cohort city, divided by the number of
    regions in the universe (19 for Finland).
``population``
    population living in the cohort cities / population of the universe.
``region_population``
    population living in the covered regions / population of the universe.
``spread``
    land area of the municipalities whose centroid lies within
    ``reach_km`` (default 100 km) of a cohort city's centroid, divided by the
    land area of the universe. This *maximal-covering* term rewards cohorts
    spread across the country: two neighbouring cities reach mostly the same
    area, distant ones add new area.
``action``
    the cities' own action scores (optional; any non-negative numbers, divided
    by the largest score), summed over the cohort and divided by the maximum
    cohort size.

Covered regions and reached municipalities are continuous helper variables
``0 <= y_r <= sum(x_i for i in r)``, ``y_r <= 1`` (and likewise for reach); at
the optimum they equal the indicator "covered", so only the ``x_i`` need to be
integral. Constraints: ``min_size <= sum(x) <= max_size``; ``x_i = 1`` for
``include``; ``x_i = 0`` for ``exclude``, for ineligible rows and for cities
below ``min_population``; optionally ``sum(x_i for i in r) <= 1`` for each region.
A runner-up is found by adding, for each cohort ``S`` already found, the cut
``sum(x_i, i in S) - sum(x_i, i not in S) <= |S| - 1``, which removes exactly
``S`` and nothing else.

Examples
--------
>>> import pandas as pd
>>> cands = pd.DataFrame({
...     "code": ["001", "002", "003", "004"], "name": ["A", "B", "C", "D"],
...     "region_code": ["01", "01", "02", "02"], "population": [100, 50, 80, 10],
...     "x": [0, 1_000, 500_000, 501_000], "y": [0, 0, 0, 0]})
>>> sel = select_cohort(cands, min_size=2, max_size=2)
>>> sel.codes
['001', '003']
>>> sel.regions_covered
2
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from rvanalytics.exceptions import DataFileError, RvanalyticsError

__all__ = [
    "TEN_CITY_COHORT",
    "CohortError",
    "CohortSelection",
    "CohortWeights",
    "RunnerUp",
    "build_candidates",
    "evaluate_cohort",
    "population_from_panel",
    "read_scores",
    "select_cohort",
]

#: The ten-city cohort of the resource-wisdom workshops (municipality codes).
TEN_CITY_COHORT: tuple[str, ...] = (
    "091",  # Helsinki
    "049",  # Espoo
    "837",  # Tampere
    "853",  # Turku
    "398",  # Lahti
    "167",  # Joensuu
    "405",  # Lappeenranta
    "564",  # Oulu
    "179",  # Jyväskylä
    "297",  # Kuopio
)

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
class RunnerUp:
    """A runner-up cohort: its codes, score and how it differs from the best."""

    rank: int
    codes: list[str]
    score: float
    components: dict[str, float]
    added: list[str]
    removed: list[str]


@dataclass
class CohortSelection:
    """The optimal cohort and its explanation.

    Attributes
    ----------
    codes : list of str
        Municipality codes of the cohort, sorted by population (largest first).
    score : float
        Value of the weighted objective.
    components : dict
        Unweighted term values in ``[0, 1]`` (see the module docstring) plus
        ``regions_covered``, ``n_regions``, ``population_covered``,
        ``region_population_covered`` and ``population_total``.
    cities : DataFrame
        One row per cohort city: ``code``, ``name``, ``region_code``,
        ``region_name``, ``population``, ``score`` (action score or NaN) and the
        marginal contribution ``adds_<term>`` (term value lost when the city is
        removed, others kept) and ``adds_score`` (weighted objective lost).
    runners_up : list of RunnerUp
        The next-best cohorts, best first.
    weights : CohortWeights
    constraints : dict
        The constraints used (for the explanation).
    notes : list of str
        Things the user should know (e.g. cities without an action score).
    """

    codes: list[str]
    score: float
    components: dict[str, float]
    cities: pd.DataFrame
    runners_up: list[RunnerUp]
    weights: CohortWeights
    constraints: dict[str, object]
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def regions_covered(self) -> int:
        """Number of regions with at least one cohort city."""
        return int(self.components["regions_covered"])

    def explain(self) -> str:
        """A readable explanation: the cohort, what each city adds, the runner-ups."""
        return _explain(self)


# --------------------------------------------------------------------------- data


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


# --------------------------------------------------------------------------- model


@dataclass
class _Model:
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


def _check_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
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


def _build_model(cands: pd.DataFrame, reach_km: float, max_size: int) -> _Model:
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
    return _Model(
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


def _components(model: _Model, chosen: np.ndarray) -> dict[str, float]:
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


def _score(components: Mapping[str, float], weights: CohortWeights) -> float:
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
    cands = _check_candidates(candidates)
    codes = [str(c) for c in codes]
    unknown = sorted(set(codes) - set(cands["code"]))
    if unknown:
        raise CohortError(f"code(s) {unknown} are not among the candidates")
    model = _build_model(cands, reach_km, max_size)
    chosen = np.isin(model.codes, codes)
    comps = _components(model, chosen)
    return _score(comps, weights), comps


def _solve(
    model: _Model,
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


def select_cohort(
    candidates: pd.DataFrame,
    *,
    min_size: int = 5,
    max_size: int = 10,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    min_population: float = 0,
    one_per_region: bool = True,
    weights: CohortWeights | None = None,
    reach_km: float = 100.0,
    runners_up: int = 3,
    time_limit: float | None = 60.0,
) -> CohortSelection:
    """Choose the cohort that maximises the weighted coverage objective (exact MILP).

    Parameters
    ----------
    candidates : DataFrame
        One row per municipality of the division (the whole country, so that
        coverage is measured against all of it), e.g. from
        :func:`build_candidates`. Columns: ``code``, ``region_code``,
        ``population``, ``x``, ``y`` (centroid in EPSG:3067 metres); optional
        ``name``, ``region_name``, ``area_km2`` (default 1 each), ``score``
        (action score, NaN = 0), ``eligible`` (bool, default True).
    min_size, max_size : int
        Cohort size bounds.
    include, exclude : iterable of str
        Codes that must be / must not be in the cohort.
    min_population : float
        Only municipalities with at least this population can be chosen
        (``include`` overrides nothing: an included city below it is an error).
    one_per_region : bool
        At most one city per region (maakunta).
    weights : CohortWeights, optional
        Weights of the objective terms.
    reach_km : float
        Radius of the ``spread`` term.
    runners_up : int
        How many next-best cohorts to find (0 for none).
    time_limit : float or None
        Seconds allowed for each solve.

    Returns
    -------
    CohortSelection

    Raises
    ------
    CohortError
        When the constraints contradict each other or no cohort satisfies them.
    """
    weights = weights or CohortWeights()
    if min_size < 1 or max_size < min_size:
        raise CohortError(f"need 1 <= min_size <= max_size, got min {min_size}, max {max_size}")
    if reach_km <= 0:
        raise CohortError(f"reach_km must be > 0, got {reach_km}")
    cands = _check_candidates(candidates)
    include = sorted({str(c) for c in include})
    exclude = sorted({str(c) for c in exclude})
    known = set(cands["code"])
    for label, codes in (("include", include), ("exclude", exclude)):
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise CohortError(f"--{label} code(s) {unknown} are not municipalities of this division")
    both = sorted(set(include) & set(exclude))
    if both:
        raise CohortError(f"code(s) {both} are both included and excluded")
    if len(include) > max_size:
        raise CohortError(f"{len(include)} cities must be included but the cohort has at most {max_size}")
    model = _build_model(cands, reach_km, max_size)
    eligible = cands["eligible"].astype(bool).to_numpy() & (cands["population"].to_numpy(float) >= min_population)
    inc_mask = np.isin(model.codes, include)
    bad = cands.loc[inc_mask & ~eligible, "code"].tolist()
    if bad:
        raise CohortError(f"included code(s) {bad} are ineligible or below the minimum population {min_population:g}")
    if one_per_region:
        counts = np.bincount(model.region_index[inc_mask], minlength=len(model.regions))
        if (counts > 1).any():
            clash = model.regions[counts > 1].tolist()
            raise CohortError(
                f"included cities share region(s) {clash}; drop one or use --no-one-per-region"
            )
    upper = (eligible & ~np.isin(model.codes, exclude)).astype(float)
    lower = inc_mask.astype(float)
    n_eligible = int(upper.sum())
    if n_eligible < min_size:
        raise CohortError(f"only {n_eligible} municipalities are eligible but the cohort needs at least {min_size}")
    cuts: list[np.ndarray] = []
    found: list[np.ndarray] = []
    for _ in range(1 + max(0, runners_up)):
        chosen = _solve(model, weights, lower, upper, min_size, max_size, one_per_region, cuts, time_limit)
        if chosen is None:
            break
        found.append(chosen)
        cuts.append(chosen)
    if not found:
        raise CohortError(
            "no cohort satisfies the constraints (size, include/exclude, minimum population"
            + (", one city per region" if one_per_region else "")
            + "); relax one of them"
        )
    best = found[0]
    comps = _components(model, best)
    score = _score(comps, weights)
    cities = _marginals(cands, model, best, weights)
    best_codes = cities["code"].tolist()
    ups: list[RunnerUp] = []
    for rank, mask in enumerate(found[1:], start=2):
        c = _components(model, mask)
        codes = cands.loc[mask].sort_values("population", ascending=False)["code"].tolist()
        ups.append(
            RunnerUp(
                rank=rank,
                codes=codes,
                score=_score(c, weights),
                components=c,
                added=[x for x in codes if x not in best_codes],
                removed=[x for x in best_codes if x not in codes],
            )
        )
    notes: list[str] = []
    if weights.action > 0 and cands["score"].notna().any():
        no_score = int((cands["score"].isna() & (upper > 0)).sum())
        if no_score:
            notes.append(f"{no_score} eligible municipalities have no action score and count as 0")
    elif weights.action > 0:
        notes.append("no action scores given: the action term is 0 for every cohort")
    if len(found) <= runners_up:
        notes.append(f"only {len(found) - 1} runner-up cohort(s) exist under these constraints")
    constraints = {
        "min_size": min_size,
        "max_size": max_size,
        "include": include,
        "exclude": exclude,
        "min_population": min_population,
        "one_per_region": one_per_region,
        "reach_km": reach_km,
        "eligible": n_eligible,
        "universe": len(cands),
    }
    return CohortSelection(
        codes=best_codes,
        score=score,
        components=comps,
        cities=cities,
        runners_up=ups,
        weights=weights,
        constraints=constraints,
        notes=notes,
        names=dict(zip(cands["code"], cands["name"].astype(str), strict=True)),
    )


def _marginals(cands: pd.DataFrame, model: _Model, chosen: np.ndarray, weights: CohortWeights) -> pd.DataFrame:
    base = _components(model, chosen)
    base_score = _score(base, weights)
    rows = []
    for i in np.flatnonzero(chosen):
        without = chosen.copy()
        without[i] = False
        comps = _components(model, without)
        row = {
            "code": model.codes[i],
            "name": cands.at[i, "name"],
            "region_code": cands.at[i, "region_code"],
            "region_name": cands.at[i, "region_name"],
            "population": float(model.pop[i]),
            "score": float(cands.at[i, "score"]),
        }
        for t in TERMS:
            row[f"adds_{t}"] = base[t] - comps[t]
        row["adds_score"] = base_score - _score(comps, weights)
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values("population", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- text


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _explain(sel: CohortSelection) -> str:
    c = sel.components
    con = sel.constraints
    w = sel.weights.as_dict()
    lines = [
        f"Proposed cohort: {len(sel.codes)} cities, objective {sel.score:.4f} (proven optimum).",
        f"  Regions covered: {int(c['regions_covered'])}/{int(c['n_regions'])}",
        f"  Population in the cohort cities: {c['population_covered']:,.0f} ({_pct(c['population'])} of {c['population_total']:,.0f})",
        f"  Population in the covered regions: {c['region_population_covered']:,.0f} ({_pct(c['region_population'])})",
        f"  Land area within {con['reach_km']:g} km of a cohort city: {_pct(c['spread'])}",
    ]
    if w["action"] > 0 and sel.cities["score"].notna().any():
        lines.append(f"  Action score term: {c['action']:.3f}")
    lines += [
        "",
        "Objective = " + " + ".join(f"{w[t]:g}×{t}" for t in TERMS if w[t] > 0)
        + "  (each term scaled to 0–1; see `rvanalytics.cohort`)",
        f"Constraints: size {con['min_size']}–{con['max_size']}"
        + (", one city per region" if con["one_per_region"] else ", several cities per region allowed")
        + (f", population ≥ {con['min_population']:,.0f}" if con["min_population"] else "")
        + (f", must include {', '.join(con['include'])}" if con["include"] else "")
        + (f", excluded {', '.join(con['exclude'])}" if con["exclude"] else "")
        + f"; {con['eligible']} of {con['universe']} municipalities eligible.",
        "",
        "What each city adds (lost if it were dropped, the others kept):",
    ]
    t = sel.cities
    name_w = max(12, int(t["name"].str.len().max()) + 1)
    reg_w = max(10, int(t["region_name"].str.len().max()) + 1)
    header = f"  {'code':<5}{'city':<{name_w}}{'region':<{reg_w}}{'population':>11}{'region':>8}{'pop':>8}{'reg.pop':>9}{'spread':>8}"
    if w["action"] > 0 and t["score"].notna().any():
        header += f"{'action':>8}"
    header += f"{'objective':>11}"
    lines.append(header)
    for _, r in t.iterrows():
        line = (
            f"  {r['code']:<5}{r['name']:<{name_w}}{r['region_name']:<{reg_w}}{r['population']:>11,.0f}"
            f"{'+1' if r['adds_regions'] > 0 else '0':>8}{_pct(r['adds_population']):>8}"
            f"{_pct(r['adds_region_population']):>9}{_pct(r['adds_spread']):>8}"
        )
        if w["action"] > 0 and t["score"].notna().any():
            line += f"{r['adds_action']:>8.3f}"
        line += f"{r['adds_score']:>11.4f}"
        lines.append(line)
    if sel.runners_up:
        lines += ["", "Runner-up cohorts (next best, each differs from all better ones):"]
        names = sel.names or dict(zip(t["code"], t["name"], strict=True))
        for up in sel.runners_up:
            uc = up.components
            diff = []
            if up.removed:
                diff.append("without " + ", ".join(f"{names.get(x, x)} ({x})" for x in up.removed))
            if up.added:
                diff.append("with " + ", ".join(f"{names.get(x, x)} ({x})" for x in up.added))
            lines.append(
                f"  {up.rank}. objective {up.score:.4f} ({up.score - sel.score:+.4f}): {'; '.join(diff) or 'same cities'}"
                f" — regions {int(uc['regions_covered'])}/{int(uc['n_regions'])},"
                f" cities {_pct(uc['population'])}, regions {_pct(uc['region_population'])}, spread {_pct(uc['spread'])}"
            )
    for note in sel.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


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
    cands = _check_candidates(candidates)
    model = _build_model(cands, reach_km, max_size)
    n = len(cands)
    best: tuple[float, list[str]] = (-np.inf, [])
    eligible = np.flatnonzero(cands["eligible"].astype(bool).to_numpy())
    for k in range(min_size, max_size + 1):
        for combo in itertools.combinations(eligible, k):
            if one_per_region and len(set(model.region_index[list(combo)])) < k:
                continue
            mask = np.zeros(n, dtype=bool)
            mask[list(combo)] = True
            s = _score(_components(model, mask), weights)
            if s > best[0] + 1e-12:
                best = (s, sorted(model.codes[list(combo)].tolist()))
    return best


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
        raise CohortError("the panel has no municipal 'population' rows; rebuild the store (rvanalytics data build)")
    if division_year is not None and "division_year" in rows:
        divisions = sorted({int(d) for d in rows["division_year"].dropna()})
        if divisions and divisions != [int(division_year)]:
            raise CohortError(
                f"the panel's population is on the {', '.join(map(str, divisions))} municipal division, the map on "
                f"{division_year}; use --year {divisions[0]} or rebuild the store with that division year"
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
