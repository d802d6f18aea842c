"""Choose the cohort (exact MILP with runner-ups) and explain what each city adds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rvanalytics.cohort.model import (
    TERMS,
    CohortError,
    CohortModel,
    CohortWeights,
    build_model,
    check_candidates,
    components,
    objective,
    solve,
)

__all__ = ["CohortSelection", "RunnerUp", "select_cohort"]


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
    _check_sizes(min_size, max_size, reach_km)
    cands = check_candidates(candidates)
    include, exclude = _check_include_exclude(cands, include, exclude, max_size)
    model = build_model(cands, reach_km, max_size)
    lower, upper = _bounds(cands, model, include, exclude, min_population, one_per_region, min_size)
    found = _solve_with_runners_up(model, weights, lower, upper, min_size, max_size, one_per_region,
                                   runners_up, time_limit)
    best = found[0]
    comps = components(model, best)
    cities = _marginals(cands, model, best, weights)
    constraints = {"min_size": min_size, "max_size": max_size, "include": include, "exclude": exclude,
                   "min_population": min_population, "one_per_region": one_per_region, "reach_km": reach_km,
                   "eligible": int(upper.sum()), "universe": len(cands)}
    return CohortSelection(
        codes=cities["code"].tolist(),
        score=objective(comps, weights),
        components=comps,
        cities=cities,
        runners_up=_runners_up(cands, model, found, cities["code"].tolist(), weights),
        weights=weights,
        constraints=constraints,
        notes=_notes(cands, upper, weights, found, runners_up),
        names=dict(zip(cands["code"], cands["name"].astype(str), strict=True)),
    )


def _check_sizes(min_size: int, max_size: int, reach_km: float) -> None:
    if min_size < 1 or max_size < min_size:
        raise CohortError(f"need 1 <= min_size <= max_size, got min {min_size}, max {max_size}")
    if reach_km <= 0:
        raise CohortError(f"reach_km must be > 0, got {reach_km}")


def _check_include_exclude(cands: pd.DataFrame, include: Iterable[str], exclude: Iterable[str],
                           max_size: int) -> tuple[list[str], list[str]]:
    include = sorted({str(c) for c in include})
    exclude = sorted({str(c) for c in exclude})
    known = set(cands["code"])
    for label, codes in (("included", include), ("excluded", exclude)):
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise CohortError(f"{label} code(s) {unknown} are not municipalities of this division")
    both = sorted(set(include) & set(exclude))
    if both:
        raise CohortError(f"code(s) {both} are both included and excluded")
    if len(include) > max_size:
        raise CohortError(f"{len(include)} cities must be included but the cohort has at most {max_size}")
    return include, exclude


def _bounds(cands: pd.DataFrame, model: CohortModel, include: list[str], exclude: list[str], min_population: float,
            one_per_region: bool, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the city variables: 1 for included cities, 0 for ineligible or excluded ones."""
    eligible = cands["eligible"].astype(bool).to_numpy() & (cands["population"].to_numpy(float) >= min_population)
    inc_mask = np.isin(model.codes, include)
    bad = cands.loc[inc_mask & ~eligible, "code"].tolist()
    if bad:
        raise CohortError(f"included code(s) {bad} are ineligible or below the minimum population {min_population:g}")
    if one_per_region:
        counts = np.bincount(model.region_index[inc_mask], minlength=len(model.regions))
        if (counts > 1).any():
            clash = model.regions[counts > 1].tolist()
            raise CohortError(f"included cities share region(s) {clash}; drop one or allow several cities per region")
    upper = (eligible & ~np.isin(model.codes, exclude)).astype(float)
    n_eligible = int(upper.sum())
    if n_eligible < min_size:
        raise CohortError(f"only {n_eligible} municipalities are eligible but the cohort needs at least {min_size}")
    return inc_mask.astype(float), upper


def _solve_with_runners_up(model: CohortModel, weights: CohortWeights, lower: np.ndarray, upper: np.ndarray,
                           min_size: int, max_size: int, one_per_region: bool, runners_up: int,
                           time_limit: float | None) -> list[np.ndarray]:
    """The optimum, then the next best cohorts: each solve forbids the ones found (no-good cuts)."""
    found: list[np.ndarray] = []
    for _ in range(1 + max(0, runners_up)):
        chosen = solve(model, weights, lower, upper, min_size, max_size, one_per_region, found, time_limit)
        if chosen is None:
            break
        found.append(chosen)
    if not found:
        raise CohortError(
            "no cohort satisfies the constraints (size, include/exclude, minimum population"
            + (", one city per region" if one_per_region else "")
            + "); relax one of them"
        )
    return found


def _runners_up(cands: pd.DataFrame, model: CohortModel, found: list[np.ndarray], best_codes: list[str],
                weights: CohortWeights) -> list[RunnerUp]:
    ups: list[RunnerUp] = []
    for rank, mask in enumerate(found[1:], start=2):
        c = components(model, mask)
        codes = cands.loc[mask].sort_values("population", ascending=False)["code"].tolist()
        ups.append(RunnerUp(rank=rank, codes=codes, score=objective(c, weights), components=c,
                            added=[x for x in codes if x not in best_codes],
                            removed=[x for x in best_codes if x not in codes]))
    return ups


def _notes(cands: pd.DataFrame, upper: np.ndarray, weights: CohortWeights, found: list[np.ndarray],
           runners_up: int) -> list[str]:
    notes: list[str] = []
    if weights.action > 0 and cands["score"].notna().any():
        no_score = int((cands["score"].isna() & (upper > 0)).sum())
        if no_score:
            notes.append(f"{no_score} eligible municipalities have no action score and count as 0")
    elif weights.action > 0:
        notes.append("no action scores given: the action term is 0 for every cohort")
    if len(found) <= runners_up:
        notes.append(f"only {len(found) - 1} runner-up cohort(s) exist under these constraints")
    return notes


def _marginals(cands: pd.DataFrame, model: CohortModel, chosen: np.ndarray, weights: CohortWeights) -> pd.DataFrame:
    base = components(model, chosen)
    base_score = objective(base, weights)
    rows = []
    for i in np.flatnonzero(chosen):
        without = chosen.copy()
        without[i] = False
        comps = components(model, without)
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
        row["adds_score"] = base_score - objective(comps, weights)
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values("population", ascending=False, kind="stable").reset_index(drop=True)


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
