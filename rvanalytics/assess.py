"""Assess cities: target statuses and city metrics from the store and the city profiles (a use case).

This is what ``rvanalytics metrics`` prints and writes, and what a report shows: one function that
loads the store's panel (every release), the municipality key, the city profiles and the FISU
network's common targets, and computes through :mod:`rvanalytics.metrics`:

* the city's own targets and, for FISU members, the network's targets (``origin = "network"``),
  each judged on the newest release of its series, with a ``basis`` ("same scope" / "indicative");
* city metrics (latest value, change, trend) on the same series, and ranks among the
  municipalities with data in one release (``rank_release``; ``n_all`` of ``n_municipalities``);
* the theme coverage matrix on the resource-wisdom themes.

Examples
--------
>>> a = assess(["167"])
>>> t = a.targets.set_index("target_id")
>>> t.loc["jns-cn-2025", ["status", "basis", "release"]].tolist()
['off track', 'indicative', '2026']
>>> t.loc["fisu-ghg-2030", ["status", "basis", "origin"]].tolist()
['on track', 'same scope', 'network']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rvanalytics.exceptions import RvanalyticsError, StoreError

__all__ = [
    "CITY_INDICATORS", "Assessment", "assess", "city_targets", "public_facts_rows", "select_cities", "write_assessment",
]

#: Indicators reported per city when they are in the panel.
CITY_INDICATORS: tuple[str, ...] = (
    "population", "ghg_hinku_total_kt", "ghg_hinku_per_capita_t", "ghg_alas_total_kt", "ghg_alas_per_capita_t",
    "road_transport_ghg_kt", "road_transport_ghg_per_capita_t", "road_transport_energy_per_capita_mwh",
    "road_transport_mileage_per_capita_km", "household_waste_recycling_rate_pct", "consumption_footprint_per_capita_t",
)


@dataclass
class Assessment:
    """Result of :func:`assess`.

    Attributes
    ----------
    targets : DataFrame
        :func:`rvanalytics.metrics.track_targets` rows, the city's own targets first, then the
        network's (``origin``).
    city_metrics : DataFrame
        :func:`rvanalytics.metrics.city_metrics` rows with ``city_name``.
    theme_coverage : DataFrame
    thresholds : dict
    members : DataFrame
        FISU members among the assessed cities (``code, name_fi, joined, relation, source_url, source_date``).
    cities : DataFrame
        The assessed cities (profile rows; ``profile`` is "profile" or "public facts only").
    """

    targets: pd.DataFrame
    city_metrics: pd.DataFrame
    theme_coverage: pd.DataFrame
    thresholds: dict[str, Any]
    members: pd.DataFrame = field(default_factory=pd.DataFrame)
    cities: pd.DataFrame = field(default_factory=pd.DataFrame)

    def assessed(self) -> pd.DataFrame:
        """Per city: ``n_targets``, ``n_assessed`` (targets with a status) and the statuses."""
        t = self.targets
        has = t["status"].notna() & (t["status"].astype(str) != "")
        out = t.assign(_has=has).groupby("city_code").agg(n_targets=("target_id", "size"), n_assessed=("_has", "sum"))
        return out.reset_index()


def select_cities(wanted: list[str], cities: pd.DataFrame) -> list[str]:
    """Codes of the wanted cities (codes or Finnish/Swedish/English names); all profiles when none.

    Raises
    ------
    RvanalyticsError
        For a code or name without a profile, listing the profiles there are.
    """
    if not wanted:
        return list(cities["code"])
    out = []
    for w in wanted:
        w_norm = w.strip().casefold()
        by_code = cities["code"] == w.strip().zfill(3) if w.strip().isdigit() else False
        by_name = pd.concat([cities[c].astype("str").str.casefold() == w_norm
                             for c in ("name_fi", "name_sv", "name_en")], axis=1).any(axis=1)
        hit = cities[by_code | by_name]
        if hit.empty:
            raise RvanalyticsError(
                f"no city profile for {w!r}; profiles exist for "
                f"{', '.join(f'{c} {n}' for c, n in zip(cities['code'], cities['name_fi']))}. "
                "Fix: give a code or name of one of them, or add a profile")
        out.extend(hit["code"])
    return list(dict.fromkeys(out))


def public_facts_rows(codes: list[str], key: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """City rows for cohort members without a profile, built from public facts only.

    Names and region come from the municipality key; people, key measure and key problem are
    unknown (``people_known`` etc. False, ``file`` None, ``profile`` "public facts only"). Nothing
    is guessed.
    """
    k = key.set_index("code")
    rows = []
    for code in codes:
        row = dict.fromkeys(columns)
        row.update({"code": code, "name_fi": k.at[code, "name_fi"], "name_sv": k.at[code, "name_sv"],
                    "name_en": k.at[code, "name_en"], "region_code": k.at[code, "region_code"],
                    "region_name_fi": k.at[code, "region_name_fi"], "people_known": False, "n_people": 0,
                    "n_published_people": 0, "n_targets": 0, "key_measure_known": False,
                    "key_problem_known": False})
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(columns))
    out["profile"] = "public facts only"
    return out


def city_targets(
    codes: list[str], own: pd.DataFrame, names: dict[str, str] | None = None, *, network: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The targets to assess for ``codes``: their own, then the FISU network's for members.

    Parameters
    ----------
    codes : list of str
        Municipality codes; a code without own targets (no profile) may still be a FISU member.
    own : DataFrame
        Targets of the city profiles (:attr:`rvanalytics.cities.Cities.targets`); rows of other
        cities are left out.
    names : dict, optional
        Code -> name for ``city_name`` of the network's rows (default: the FISU table's names).
    network : bool
        Add the network's common targets (``origin = "network"``) for member cities.

    Returns
    -------
    targets : DataFrame
        The Targets DataFrame with ``origin`` ("city" or "network"), own targets first.
    members : DataFrame
        FISU members among ``codes``: ``code, name_fi, joined, relation, source_url, source_date``.

    Examples
    --------
    >>> import pandas as pd
    >>> t, m = city_targets(["061"], pd.DataFrame(columns=["city_code", "target_id"]))
    >>> m[["code", "joined", "relation"]].to_dict("records")
    [{'code': '061', 'joined': 2015, 'relation': 'fisu_founding_member'}]
    >>> sorted(set(t["origin"])), "fisu-ghg-2030" in set(t["target_id"])
    (['network'], True)
    """
    targets = own[own["city_code"].isin(codes)].assign(origin="city")
    members = pd.DataFrame(columns=["code", "name_fi", "joined", "relation", "source_url", "source_date"])
    if not network:
        return targets, members
    from rvanalytics.network import (
        fisu_members,
        network_targets,
        read_fisu_network,
        read_fisu_targets,
    )

    members = fisu_members(read_fisu_network())
    members = members[members["code"].isin(codes)].reset_index(drop=True)
    extra = network_targets(members, read_fisu_targets())
    if not extra.empty:
        if names:
            extra["city_name"] = extra["city_code"].map(names).fillna(extra["city_name"])
        if targets.empty:  # concatenating an empty frame would make every column of the result object
            targets = extra.reindex(columns=list(dict.fromkeys([*targets.columns, *extra.columns])))
        else:
            targets = pd.concat([targets, extra], ignore_index=True)
    return targets, members


def assess(
    codes: list[str] | None = None,
    *,
    cohort: str | None = None,
    store: str | Path | None = None,
    profiles_dir: str | Path | None = None,
    thresholds: Any = None,
    since: int = 2005,
    network: bool = True,
) -> Assessment:
    """Target statuses, city metrics and theme coverage of the given cities (default: every profile).

    Parameters
    ----------
    codes : list of str, optional
        Codes or names of cities with a profile.
    cohort : str, optional
        A named cohort (:func:`rvanalytics.cohort.load_cohort`) instead of ``codes``; members
        without a profile are assessed on public facts only (network targets, data).
    store : path, optional
        The data store (default ``RVANALYTICS_STORE``).
    profiles_dir : path, optional
        Folder of city profiles (default ``data/cities``).
    thresholds : TrackingThresholds, optional
        Status rules; ``TrackingThresholds(strict_scope=True)`` withholds indicative statuses.
    since : int
        Base year of the "change since" column of the city metrics.
    network : bool
        Add the FISU network's common targets for member cities.
    """
    from rvanalytics.cities import load_cities, profile_files
    from rvanalytics.indicators import indicator_catalogue
    from rvanalytics.key import load_key
    from rvanalytics.metrics import (
        TrackingThresholds,
        city_metrics,
        municipality_attributes,
        theme_coverage,
        track_targets,
    )
    from rvanalytics.releases import select_series
    from rvanalytics.store import load_panel
    from rvanalytics.themes import RESOURCE_WISDOM_THEMES, rw_theme

    panel_all = load_panel(store, level=None, releases="all")
    if panel_all.empty:
        raise StoreError("the store's panel is empty. Fix: rebuild the store (rvanalytics.build_store)")
    panel = select_series(panel_all)
    division = int(panel["division_year"].max())
    key = load_key(division, store=store)
    if not profile_files(profiles_dir):
        from rvanalytics.paths import cities_dir

        raise StoreError(f"no city profiles in {profiles_dir or cities_dir()}. "
                         "Fix: add profiles or set RVANALYTICS_CITIES_DIR")
    profiles = load_cities(profiles_dir, key=key, key_year=division, store=store)
    cities = profiles.cities.assign(profile="profile")
    if cohort is not None:
        from rvanalytics.cities.load import CITY_COLUMNS
        from rvanalytics.cohort import load_cohort

        if codes:
            raise RvanalyticsError("give either city codes or a cohort, not both")
        chosen = load_cohort(cohort, year=division, store=store).codes
        missing = [c for c in chosen if c not in set(cities["code"])]
        if missing:
            cities = pd.concat([cities, public_facts_rows(missing, key, CITY_COLUMNS)], ignore_index=True)
    else:
        chosen = select_cities(list(codes or []), profiles.cities)
    th = thresholds or TrackingThresholds()
    targets, members = city_targets(chosen, profiles.targets, dict(zip(cities["code"], cities["name_fi"])),
                                    network=network)
    tracked = track_targets(targets, panel, th)
    catalogue = indicator_catalogue()
    munis = municipality_attributes(key, panel)
    present = set(panel["indicator"].unique())
    inds = [i for i in CITY_INDICATORS if i in present]
    metrics = city_metrics(panel_all, munis, chosen, indicators=inds, since=since, catalogue=catalogue)
    names = dict(zip(cities["code"], cities["name_fi"]))
    metrics.insert(1, "city_name", metrics["code"].map(names))
    # catalogue and profiles use different theme words: compare them on the resource-wisdom themes
    coverage = theme_coverage(
        catalogue.assign(theme=catalogue["theme"].map(rw_theme)),
        cities[cities["code"].isin(chosen)],
        targets.assign(theme=targets["theme"].map(rw_theme)),
        panel,
        themes=list(RESOURCE_WISDOM_THEMES),
    )
    return Assessment(targets=tracked, city_metrics=metrics, theme_coverage=coverage, thresholds=asdict(th),
                      members=members, cities=cities[cities["code"].isin(chosen)].reset_index(drop=True))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import math

    def clean(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if hasattr(v, "item"):
            return v.item()
        return v
    return [{k: clean(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def write_assessment(assessment: Assessment, out: str | Path) -> list[Path]:
    """Write atomically: ``.json`` one file; ``.csv`` the targets to ``out`` and the other tables beside it.

    The JSON has ``thresholds``, ``targets`` (every :func:`~rvanalytics.metrics.track_targets`
    column, including ``basis``, ``release`` and ``origin``), ``city_metrics``, ``theme_coverage``
    and ``assessed`` (per city: targets and targets with a status).
    """
    import json

    from rvanalytics.atomic import atomic_path, atomic_write_text

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".json":
        doc = {"thresholds": assessment.thresholds, "targets": _records(assessment.targets),
               "city_metrics": _records(assessment.city_metrics),
               "theme_coverage": _records(assessment.theme_coverage),
               "assessed": _records(assessment.assessed())}
        atomic_write_text(out, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return [out]
    if suffix == ".csv":
        tables = {out: assessment.targets.drop(columns=["interim_targets"], errors="ignore"),
                  out.with_name(out.stem + "_city_metrics.csv"): assessment.city_metrics,
                  out.with_name(out.stem + "_theme_coverage.csv"): assessment.theme_coverage}
        for path, table in tables.items():
            with atomic_path(path) as tmp:
                table.to_csv(tmp, index=False)
        return list(tables)
    raise RvanalyticsError(f"{out}: unknown output format {suffix!r}. Fix: end the file name in .csv or .json")
