"""Target tracking: trajectories, gaps, required rates, projected year and a status.

For each target row (docs/design.md, "Targets DataFrame") and the panel series of its
city and indicator:

* **baseline** :math:`B` - ``baseline_value`` of the profile, else the panel value in
  ``baseline_year`` (the first year with data when no baseline year is stated and the
  target is not a percentage);
* **target level** :math:`T` - ``pct_reduction`` / ``carbon_neutrality``:
  :math:`T = B\\,(1 - v/100)` with ``v = target_value``; ``absolute`` / ``per_capita`` /
  ``rate``: :math:`T = v` (in the indicator's unit);
* **trajectories** from :math:`(t_0, B)` to :math:`(t_T, T)`: linear
  :math:`L(t) = B + (T - B)(t - t_0)/(t_T - t_0)` and constant-rate
  :math:`C(t) = B\\,(T/B)^{(t - t_0)/(t_T - t_0)}` (undefined when :math:`T \\le 0`);
* **gap** of the latest value :math:`V` (year :math:`t_1`) to the trajectory:
  :math:`V - L(t_1)`, in units and in % of :math:`L(t_1)`;
* **required rate** from the latest year: :math:`100[(T/V)^{1/(t_T - t_1)} - 1]` % a year,
  and the required change in units a year :math:`(T - V)/(t_T - t_1)`;
* **projected year** at the current trend (Theil–Sen slope :math:`b` of :math:`\\ln x` over
  the last ``trend_years`` years): :math:`t_1 + \\ln(T/V)/b`;
* **status** (:class:`TrackingThresholds`): see :func:`track_targets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from rvanalytics.metrics._common import check_columns, select, wide
from rvanalytics.metrics.change import theil_sen_matrix
from rvanalytics.releases import select_series

__all__ = [
    "BASES",
    "INDICATIVE_NOTE",
    "STATUSES",
    "TrackingThresholds",
    "data_scope",
    "target_level",
    "target_trajectories",
    "track_targets",
]

#: The statuses a target can get (``reason`` explains a missing status).
STATUSES: tuple[str, ...] = ("achieved", "on track", "behind", "off track", "not enough data")

#: The basis of a status: the target and the data are on the same accounting, or the status is only
#: indicative (a city's own inventory target judged on Syke's Hinku series).
BASES: tuple[str, ...] = ("same scope", "indicative")
INDICATIVE_NOTE = "indicative, on Syke Hinku data; the city's own inventory may differ"
#: Target scope -> data scope whose series gives an indicative status by default.
_INDICATIVE = {("city_inventory", "hinku")}

#: Scope of the data behind an indicator id, by id prefix (see docs/metrics.md).
_DATA_SCOPES: tuple[tuple[str, str], ...] = (
    ("ghg_hinku_", "hinku"),
    ("ghg_alas_", "alas_total"),
    ("consumption_footprint", "consumption_based"),
)
#: Target scopes that describe greenhouse-gas inventories (they must match the data's scope).
_GHG_SCOPES = frozenset({"hinku", "alas_total", "city_inventory", "consumption_based"})


@dataclass(frozen=True)
class TrackingThresholds:
    """Tunable rules of the target status (defaults in docs/metrics.md).

    Attributes
    ----------
    trajectory : {"linear", "constant_rate"}
        Trajectory the status is judged against (linear is the more lenient of the two
        for a reduction: the constant-rate path lies below the straight line).
    behind_gap_pct : float
        Largest gap above the trajectory, in % of the trajectory value, still called
        "behind" rather than "off track".
    behind_delay_years : float
        A target is also "behind" (not "off track") when the current trend reaches it at
        most this many years after the target year.
    trend_years : int
        Window of the current trend (last ``n`` calendar years up to the latest year).
    min_trend_points : int
        Fewest years with data in that window for a trend.
    max_data_age_years : int or None
        "not enough data" when the latest value is older than the target year ... no:
        when the latest value is more than this many years before ``as_of_year``
        (None: no age limit).
    as_of_year : int or None
        Reference year for ``max_data_age_years`` (None: the latest year in the panel).
    allow_scope_mismatch : bool
        Give a status even when the target's scope differs from the data's scope in any
        other way than a city inventory against Syke's Hinku data (default False: the status
        is left empty and ``reason`` says why). Such a status has the basis "indicative".
    strict_scope : bool
        Withhold the *indicative* status of a city-inventory target judged on Syke's Hinku
        series (default False: the status is given, with ``basis = "indicative"``).
    """

    trajectory: str = "linear"
    behind_gap_pct: float = 10.0
    behind_delay_years: float = 2.0
    trend_years: int = 10
    min_trend_points: int = 5
    max_data_age_years: int | None = 5
    as_of_year: int | None = None
    allow_scope_mismatch: bool = False
    strict_scope: bool = False

    def __post_init__(self) -> None:
        if self.trajectory not in ("linear", "constant_rate"):
            raise ValueError(f"trajectory must be 'linear' or 'constant_rate', not {self.trajectory!r}")
        if self.behind_gap_pct < 0 or self.behind_delay_years < 0:
            raise ValueError("behind_gap_pct and behind_delay_years must be >= 0")
        if self.min_trend_points < 2:
            raise ValueError("min_trend_points must be at least 2")


def data_scope(indicator: str | None, scopes: Mapping[str, str] | None = None) -> str | None:
    """Scope of the data of an indicator ("hinku", "alas_total", ...), None if not an inventory.

    Examples
    --------
    >>> data_scope("ghg_hinku_total_kt"), data_scope("ghg_alas_per_capita_t"), data_scope("population")
    ('hinku', 'alas_total', None)
    """
    if indicator is None or (isinstance(indicator, float) and np.isnan(indicator)):
        return None
    if scopes and indicator in scopes:
        return scopes[indicator]
    for prefix, scope in _DATA_SCOPES:
        if str(indicator).startswith(prefix):
            return scope
    return None


def target_level(kind: str, target_value: float, baseline: float) -> float:
    """Target level in the indicator's unit.

    Examples
    --------
    >>> target_level("carbon_neutrality", 60, 400.0)
    160.0
    >>> target_level("rate", 65, 40.0)
    65.0
    """
    if kind in ("pct_reduction", "carbon_neutrality"):
        return float(baseline) * (1.0 - float(target_value) / 100.0)
    return float(target_value)


def _trajectory(kind: str, b: np.ndarray, t: np.ndarray, y0: np.ndarray, yt: np.ndarray, year: np.ndarray):
    frac = (year - y0) / (yt - y0)
    lin = b + (t - b) * frac
    with np.errstate(divide="ignore", invalid="ignore"):
        const = np.where((b > 0) & (t > 0), b * np.power(t / np.where(b > 0, b, np.nan), frac), np.nan)
    return lin, const


def track_targets(
    targets: pd.DataFrame,
    panel: pd.DataFrame,
    thresholds: TrackingThresholds | None = None,
    *,
    scopes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Track every target against the panel: trajectory, gap, required rate, projection, status.

    Status rules (reduction target: :math:`T < B`; an increase target mirrors every
    comparison), with the :class:`TrackingThresholds` ``th``:

    1. *not enough data* - no baseline, no value after the baseline year, or the latest
       value older than ``th.max_data_age_years`` before ``th.as_of_year``;
    2. *achieved* - :math:`V \\le T`;
    3. the target year has passed (:math:`t_1 \\ge t_T`) and it is not achieved: *off track*;
    4. *on track* - :math:`V \\le` trajectory(:math:`t_1`) (never when above it);
    5. *behind* - above the trajectory by at most ``th.behind_gap_pct`` % of it, or the
       current trend reaches :math:`T` by :math:`t_T` + ``th.behind_delay_years``;
    6. *off track* - otherwise.

    A target with no numeric target value, no indicator, no data for its indicator
    and city, or whose scope differs from the data's scope (e.g. a ``city_inventory``
    target against Hinku data) gets no status but a ``reason``. For a scope mismatch
    the numbers are still computed on the data's scope (``data_scope`` says which),
    as an indication only; ``thresholds.allow_scope_mismatch`` gives them a status too.

    Parameters
    ----------
    targets : DataFrame
        Targets DataFrame (docs/design.md).
    panel : DataFrame
        Long panel; the municipality rows are used.
    thresholds : TrackingThresholds, optional
    scopes : mapping, optional
        Indicator id -> data scope, overriding :func:`data_scope`'s prefix rules.

    Returns
    -------
    DataFrame
        One row per target: the target's ``city_code, city_name, target_id, theme,
        indicator, scope, kind, target_year, target_value`` and ``data_scope``,
        ``scope_matches``, ``direction`` ("reduce"/"increase"), ``baseline_year``,
        ``baseline_value``, ``baseline_source`` ("profile"/"data"), ``target_level``,
        ``latest_year``, ``latest_value``, ``trajectory_linear``, ``trajectory_constant_rate``
        (both at the latest year), ``gap``, ``gap_pct`` (to the linear trajectory),
        ``gap_constant_rate``, ``gap_constant_rate_pct``, ``required_rate_pct``,
        ``required_change_per_year``, ``trend_pct``, ``trend_pct_low``, ``trend_pct_high``,
        ``projected_year``, ``status``, ``reason``, ``note``, ``unit``, and ``basis`` ("same scope",
        "indicative" or None without a status), ``basis_note``, ``change_since_baseline_pct``
        (:math:`100(V/B - 1)`), ``release`` and ``latest_preliminary`` (the data release of the
        series and whether its latest year is preliminary), ``origin`` ("city" or "network"),
        ``source_title``, ``source_url``.

    The panel may hold several releases of a series (column ``release``); each series is
    judged on its newest release only (:func:`rvanalytics.releases.select_series`).

    Examples
    --------
    >>> years = list(range(2007, 2025))
    >>> panel = pd.DataFrame({"code": "999", "year": years, "indicator": "ghg_hinku_total_kt",
    ...                       "value": [100.0 - 2 * (y - 2007) for y in years]})
    >>> targets = pd.DataFrame([{"city_code": "999", "target_id": "t", "indicator": "ghg_hinku_total_kt",
    ...     "scope": "hinku", "kind": "pct_reduction", "baseline_year": 2007, "baseline_value": float("nan"),
    ...     "target_year": 2030, "target_value": 50.0}])
    >>> r = track_targets(targets, panel).iloc[0]
    >>> float(r["target_level"]), float(r["latest_value"]), round(float(r["trajectory_linear"]), 2), r["status"]
    (50.0, 66.0, 63.04, 'behind')
    """
    th = thresholds or TrackingThresholds()
    check_columns(targets, ["city_code", "target_id", "indicator", "scope", "kind", "baseline_year",
                            "target_year", "target_value"], "the targets table")
    data = select(panel, None)
    if "level" in data.columns:
        data = data[data["level"] == "municipality"]
    codes = set(targets["city_code"].dropna())
    inds = {i for i in targets["indicator"] if isinstance(i, str)}
    # whole series are kept or dropped here, so choosing their releases afterwards chooses the same rows
    data = select_series(data[data["code"].isin(codes) & data["indicator"].isin(inds)])
    releases = _releases(data)
    units = data.dropna(subset=["unit"]).groupby("indicator")["unit"].first() if "unit" in data.columns else pd.Series(dtype=str)
    mat = wide(data).droplevel("level") if len(data) else pd.DataFrame()
    # drop cells that are NaN so "latest year" means "latest year with a value"
    years = mat.columns.to_numpy(dtype="float64") if len(mat) else np.array([], dtype="float64")
    as_of = th.as_of_year if th.as_of_year is not None else (
        int(select(panel, None)["year"].max()) if len(panel) else None)

    # current trend per series (vectorised over the matrix)
    if len(mat):
        vals = mat.to_numpy(dtype="float64")
        ok = ~np.isnan(vals)
        last_idx = vals.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
        ly = np.where(ok.any(axis=1), years[last_idx], np.nan)
        window = (years[None, :] > ly[:, None] - th.trend_years) & (years[None, :] <= ly[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(window & (vals > 0), np.log(vals), np.nan)
        cols = window.any(axis=0)
        ts = theil_sen_matrix(years[cols], logs[:, cols], 0.90)
        enough = ts["n"] >= th.min_trend_points
        trend = pd.DataFrame({"slope": np.where(enough, ts["slope"], np.nan),
                              "low": np.where(enough, ts["low"], np.nan),
                              "high": np.where(enough, ts["high"], np.nan)}, index=mat.index)
    else:
        trend = pd.DataFrame(columns=["slope", "low", "high"])

    rows = []
    for t in targets.itertuples(index=False):
        row = _track_one(t._asdict(), mat, years, trend, units, th, as_of, scopes)
        release, preliminary = releases.get((row["city_code"], row["indicator"], row["latest_year"]), ("", False))
        row["release"], row["latest_preliminary"] = release, bool(preliminary)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("baseline_year", "latest_year", "target_year"):
        if col in out.columns:
            out[col] = pd.array(out[col].tolist(), dtype="Int64")
    out["scope_matches"] = out["scope_matches"].astype("boolean")
    out["status"] = out["status"].astype(object).where(out["status"].notna(), None)
    return out


def _releases(data: pd.DataFrame) -> dict[tuple[str, str, int], tuple[str, bool]]:
    """(code, indicator, year) -> (release, preliminary) of the series rows (empty without those columns)."""
    if "release" not in data.columns:
        return {}
    prelim = data["preliminary"] if "preliminary" in data.columns else pd.Series(False, index=data.index)
    return {(c, i, int(y)): (str(r), bool(p)) for c, i, y, r, p in
            zip(data["code"], data["indicator"], data["year"], data["release"], prelim)}


def _nan(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x))


def _track_one(t: dict, mat: pd.DataFrame, years: np.ndarray, trend: pd.DataFrame, units: pd.Series,
               th: TrackingThresholds, as_of: int | None, scopes: Mapping[str, str] | None) -> dict:
    ind = t.get("indicator")
    ind = None if _nan(ind) else ind
    code = t["city_code"]
    r: dict = {k: t.get(k) for k in ("city_code", "city_name", "target_id", "theme", "indicator", "scope",
                                      "kind", "target_year", "target_value")}
    r["origin"] = t.get("origin") if isinstance(t.get("origin"), str) else "city"
    r["source_title"], r["source_url"] = t.get("source_title"), t.get("source_url")
    r["basis"] = r["basis_note"] = None
    r["change_since_baseline_pct"] = np.nan
    r["indicator"] = ind
    dscope = data_scope(ind, scopes)
    r["data_scope"] = dscope
    tscope = t.get("scope")
    if ind is None:
        matches = None
    elif tscope in _GHG_SCOPES or dscope is not None:
        matches = tscope == dscope
    else:
        matches = True  # non-inventory indicator (e.g. a recycling rate) with scope "other"
    r["scope_matches"] = matches
    r["unit"] = units.get(ind) if ind is not None else None
    nums = dict.fromkeys((
        "direction", "baseline_year", "baseline_value", "baseline_source", "target_level", "latest_year",
        "latest_value", "trajectory_linear", "trajectory_constant_rate", "gap", "gap_pct",
        "gap_constant_rate", "gap_constant_rate_pct", "required_rate_pct", "required_change_per_year",
        "trend_pct", "trend_pct_low", "trend_pct_high", "projected_year", "status", "reason"))
    r |= nums
    r["baseline_year"] = None if _nan(t.get("baseline_year")) else int(t["baseline_year"])
    notes: list[str] = []
    kind, tval, tyear = t["kind"], t.get("target_value"), int(t["target_year"])

    def done(reason: str | None, status: str | None = None) -> dict:
        r["reason"], r["status"] = reason, status
        r["note"] = "; ".join(notes) if notes else None
        return r

    if kind == "qualitative" or _nan(tval):
        return done("no numeric target value")
    if ind is None:
        return done("no indicator is given for this target")
    key = (code, ind)
    if key not in mat.index or mat.loc[key].isna().all():
        return done(f"no data for indicator {ind} for this city")
    series = mat.loc[key].dropna()
    sy = series.index.to_numpy(dtype="int64")
    sv = series.to_numpy(dtype="float64")

    # baseline
    by = r["baseline_year"]
    bval = t.get("baseline_value")
    if not _nan(bval):
        b, r["baseline_source"] = float(bval), "profile"
        if by is None:
            return done("baseline value given without a baseline year")
    elif by is not None:
        if by not in sy:
            return done(f"no data for indicator {ind} in the baseline year {by} for this city "
                        f"(data: {sy.min()}–{sy.max()})", "not enough data" if matches else None)
        b, r["baseline_source"] = float(series.loc[by]), "data"
    elif kind in ("pct_reduction", "carbon_neutrality"):
        return done("no baseline year: a percentage target cannot be turned into a level")
    else:
        by, b, r["baseline_source"] = int(sy[0]), float(sv[0]), "data"
        notes.append(f"no baseline year stated; trajectory starts at the first year with data ({by})")
    r["baseline_year"], r["baseline_value"] = by, b
    level = target_level(kind, tval, b)
    r["target_level"] = level
    r["direction"] = "reduce" if level < b else "increase"
    sign = 1.0 if r["direction"] == "reduce" else -1.0

    v, y1 = float(sv[-1]), int(sy[-1])
    r["latest_year"], r["latest_value"] = y1, v
    if b != 0:
        r["change_since_baseline_pct"] = 100.0 * (v / b - 1.0)
    if tyear > by:
        lin, const = _trajectory(kind, np.array(b), np.array(level), np.array(by), np.array(tyear), np.array(min(y1, tyear)))
        r["trajectory_linear"], r["trajectory_constant_rate"] = float(lin), float(const)
        r["gap"] = v - float(lin)
        r["gap_pct"] = 100.0 * r["gap"] / float(lin) if float(lin) != 0 else np.nan
        r["gap_constant_rate"] = v - float(const)
        r["gap_constant_rate_pct"] = 100.0 * r["gap_constant_rate"] / float(const) if float(const) != 0 else np.nan
    else:
        notes.append("target year not after the baseline year: no trajectory")
    if tyear > y1:
        r["required_change_per_year"] = (level - v) / (tyear - y1)
        if level > 0 and v > 0:
            r["required_rate_pct"] = 100.0 * ((level / v) ** (1.0 / (tyear - y1)) - 1.0)
        else:
            notes.append("target level 0 or below: no constant rate reaches it; see required_change_per_year")
    else:
        notes.append(f"target year {tyear} has passed (latest data {y1})")
    if key in trend.index:
        s, lo, hi = trend.loc[key, ["slope", "low", "high"]]
        r["trend_pct"], r["trend_pct_low"], r["trend_pct_high"] = (100.0 * np.expm1(x) for x in (s, lo, hi))
        if not np.isnan(s):
            if sign * (v - level) <= 0:
                r["projected_year"] = float(y1)
            elif level > 0 and v > 0 and s != 0 and np.sign(np.log(level / v)) == np.sign(s):
                r["projected_year"] = y1 + float(np.log(level / v) / s)
            else:
                notes.append("the current trend does not reach the target")
    basis = "same scope"
    if matches is False:
        why = f"target scope {tscope} differs from data scope {dscope or 'unknown'}"
        if (tscope, dscope) in _INDICATIVE and not th.strict_scope:
            basis = "indicative"
        elif th.allow_scope_mismatch:
            basis = "indicative"
            notes.append(why + " (status given with allow_scope_mismatch)")
        else:
            notes.append("numbers computed on the data's scope, for orientation only")
            if (tscope, dscope) in _INDICATIVE:
                why += " (indicative status withheld: strict scope)"
            return done(why)
    r["reason"] = None
    status = _status(r, sign, y1, by, tyear, th, as_of)  # sets r["reason"] for "not enough data"
    r["basis"] = basis
    r["basis_note"] = INDICATIVE_NOTE if basis == "indicative" else "target and data on the same accounting"
    return done(r["reason"], status)


def _status(r: dict, sign: float, y1: int, by: int, tyear: int, th: TrackingThresholds, as_of: int | None) -> str:
    v, level = r["latest_value"], r["target_level"]
    if y1 <= by:
        r["reason"] = f"no data after the baseline year {by}"
        return "not enough data"
    if th.max_data_age_years is not None and as_of is not None and as_of - y1 > th.max_data_age_years:
        r["reason"] = f"latest value ({y1}) older than {th.max_data_age_years} years before {as_of}"
        return "not enough data"
    if sign * (v - level) <= 0:
        return "achieved"
    if y1 >= tyear:
        return "off track"
    traj = r["trajectory_linear"] if th.trajectory == "linear" else r["trajectory_constant_rate"]
    if traj is None or np.isnan(traj):
        traj = r["trajectory_linear"]
    if traj is None or np.isnan(traj):
        return "not enough data"
    gap = sign * (v - traj)
    if gap <= 0:
        return "on track"
    gap_pct = 100.0 * gap / abs(traj) if traj != 0 else np.inf
    proj = r["projected_year"]
    if gap_pct <= th.behind_gap_pct or (proj is not None and not np.isnan(proj)
                                        and proj <= tyear + th.behind_delay_years):
        return "behind"
    return "off track"


def target_trajectories(tracked: pd.DataFrame, panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year-by-year trajectories of tracked targets (for plots and tables).

    Parameters
    ----------
    tracked : DataFrame
        Output of :func:`track_targets` (rows without a target level are skipped).
    panel : DataFrame, optional
        Adds the ``actual`` values of the city and indicator.

    Returns
    -------
    DataFrame
        ``city_code, target_id, indicator, year, linear, constant_rate, actual`` for every
        year from the baseline year to the target year.
    """
    rows = tracked.dropna(subset=["target_level", "baseline_year"])
    rows = rows[rows["target_year"] > rows["baseline_year"]]
    if rows.empty:
        return pd.DataFrame(columns=["city_code", "target_id", "indicator", "year", "linear", "constant_rate", "actual"])
    spans = rows.assign(year=[list(range(int(a), int(b) + 1)) for a, b in zip(rows["baseline_year"], rows["target_year"])])
    spans = spans.explode("year")
    y = spans["year"].to_numpy(dtype="float64")
    lin, const = _trajectory("", spans["baseline_value"].to_numpy(dtype="float64"),
                             spans["target_level"].to_numpy(dtype="float64"),
                             spans["baseline_year"].to_numpy(dtype="float64"),
                             spans["target_year"].to_numpy(dtype="float64"), y)
    out = pd.DataFrame({"city_code": spans["city_code"].to_numpy(), "target_id": spans["target_id"].to_numpy(),
                        "indicator": spans["indicator"].to_numpy(), "year": y.astype("int64"),
                        "linear": lin, "constant_rate": const})
    if panel is not None:
        data = select(panel, None)
        keep = data["code"].isin(set(out["city_code"])) & data["indicator"].isin(set(out["indicator"]))
        if "level" in data.columns:
            keep &= data["level"] == "municipality"
        data = data[keep]  # the rows the merge can match
        actual = data[["code", "indicator", "year", "value"]].rename(columns={"code": "city_code", "value": "actual"})
        out = out.merge(actual, on=["city_code", "indicator", "year"], how="left")
    else:
        out["actual"] = np.nan
    return out


def thresholds_dict(th: TrackingThresholds) -> dict:
    """The thresholds as a plain dict (for output metadata)."""
    return asdict(th)
