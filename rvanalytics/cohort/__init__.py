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

from rvanalytics.cohort.candidates import (
    build_candidates,
    candidates_from_store,
    population_from_panel,
    read_scores,
)
from rvanalytics.cohort.model import CohortError, CohortWeights, brute_force, evaluate_cohort
from rvanalytics.cohort.named import NamedCohort, cohort_names, default_cohort_name, load_cohort
from rvanalytics.cohort.select import CohortSelection, RunnerUp, select_cohort

__all__ = [
    "TEN_CITY_COHORT",
    "CohortError",
    "CohortSelection",
    "CohortWeights",
    "NamedCohort",
    "RunnerUp",
    "brute_force",
    "build_candidates",
    "candidates_from_store",
    "cohort_names",
    "default_cohort_name",
    "evaluate_cohort",
    "load_cohort",
    "population_from_panel",
    "read_scores",
    "select_cohort",
]

#: The ten-city cohort of the resource-wisdom workshops (municipality codes), from ``cohorts.yaml``.
TEN_CITY_COHORT: tuple[str, ...] = tuple(load_cohort("large-cities", year=0).codes)
