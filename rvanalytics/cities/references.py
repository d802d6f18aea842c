"""What profiles are checked against: municipality key, indicator ids and data coverage.

Each lookup goes through the module that owns the data (``rvanalytics.key``,
``rvanalytics.indicators``, ``rvanalytics.store``). Where such a module is not
available yet, a documented fallback is used (see each function).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rvanalytics.division import DEFAULT_DIVISION_YEAR
from rvanalytics.exceptions import RvanalyticsError, StoreError

__all__ = [
    "DEFAULT_KEY_YEAR",
    "DESIGN_INDICATOR_IDS",
    "indicator_coverage",
    "indicator_ids",
    "latest_population",
    "municipality_key",
    "panel_or_reason",
]

#: Municipal division used for names and for checking codes (the package's default).
DEFAULT_KEY_YEAR = DEFAULT_DIVISION_YEAR

_HINKU_SECTORS = (
    "consumer_electricity",
    "electric_heating",
    "district_heating",
    "oil_heating",
    "other_heating",
    "industry",
    "machinery",
    "road_transport",
    "rail_transport",
    "waterborne_transport",
    "agriculture",
    "waste",
    "f_gases",
)

#: Indicator ids fixed by docs/design.md; used only when the catalogue cannot be imported.
DESIGN_INDICATOR_IDS: frozenset[str] = frozenset(
    [
        "population",
        "ghg_hinku_total_kt",
        "ghg_hinku_per_capita_t",
        *(f"ghg_hinku_sector_{s}_kt" for s in _HINKU_SECTORS),
        "ghg_alas_total_kt",
        "ghg_alas_per_capita_t",
        "road_transport_ghg_kt",
        "road_transport_ghg_per_capita_t",
        "road_transport_energy_gwh",
        "road_transport_energy_per_capita_mwh",
        "road_transport_mileage_mkm",
        "road_transport_mileage_per_capita_km",
        "household_waste_recycling_rate_pct",
        "consumption_footprint_per_capita_t",
    ]
)

_KEY_CACHE: dict[tuple[int, str | None], pd.DataFrame] = {}


def municipality_key(year: int = DEFAULT_KEY_YEAR, store: str | Path | None = None) -> pd.DataFrame:
    """The municipality key of ``year`` from :func:`rvanalytics.key.load_key` (cached per process).

    Columns used here: ``code``, ``name_fi``, ``name_sv``, ``name_en``, ``region_code``,
    ``region_name_fi``.
    """
    cache_key = (int(year), None if store is None else str(store))
    if cache_key not in _KEY_CACHE:
        from rvanalytics.key import load_key

        _KEY_CACHE[cache_key] = load_key(int(year), store=store)
    return _KEY_CACHE[cache_key]


def indicator_ids() -> tuple[frozenset[str], str]:
    """Known indicator ids and where they came from.

    Returns the index of :func:`rvanalytics.indicators.indicator_catalogue` when that
    module can be imported, else the fixed ids of docs/design.md.

    Examples
    --------
    >>> ids, origin = indicator_ids()
    >>> "ghg_hinku_total_kt" in ids
    True
    """
    try:
        from rvanalytics.indicators import indicator_catalogue
    except ImportError:
        return DESIGN_INDICATOR_IDS, "the indicator ids of docs/design.md (indicator catalogue not installed)"
    try:
        catalogue = indicator_catalogue()
    except RvanalyticsError as err:
        return DESIGN_INDICATOR_IDS, f"the indicator ids of docs/design.md (catalogue unreadable: {err})"
    return frozenset(str(i) for i in catalogue.index), "the indicator catalogue (rvanalytics/data/indicators.yaml)"


def panel_or_reason(
    panel: pd.DataFrame | None = None, store: str | Path | None = None
) -> tuple[pd.DataFrame | None, str]:
    """The store's panel (``rvanalytics.store.load_panel``), or None with the reason there is none.

    ``panel`` is returned as given when not None (tests pass a hand-made panel).
    """
    if panel is not None:
        return panel, "the given panel"
    try:
        from rvanalytics.store import load_panel
    except ImportError:
        return None, "the data store module is not installed yet"
    try:
        return load_panel(store), "the data store"
    except (StoreError, FileNotFoundError, OSError) as err:
        return None, f"no data store is built ({err})"
    except RvanalyticsError as err:
        return None, f"the data store cannot be read ({err})"


def indicator_coverage(panel: pd.DataFrame) -> pd.DataFrame | None:
    """Years with data per indicator and area code in a panel of the store's long format.

    Returns
    -------
    DataFrame or None
        Columns ``indicator``, ``code``, ``first_year``, ``last_year`` (rows with a value only;
        ``code`` "*" gives the range over all areas); None when the panel holds no values.

    Examples
    --------
    >>> panel = pd.DataFrame({"code": ["091", "091", "049"], "year": [2005, 2020, 2010],
    ...                       "indicator": "population", "value": [1.0, 2.0, 3.0]})
    >>> indicator_coverage(panel).to_dict("records")[-1]
    {'indicator': 'population', 'code': '*', 'first_year': 2005, 'last_year': 2020}
    """
    have = panel[panel["value"].notna()]
    if have.empty:
        return None
    per_code = have.groupby(["indicator", "code"])["year"].agg(first_year="min", last_year="max").reset_index()
    overall = have.groupby("indicator")["year"].agg(first_year="min", last_year="max").reset_index()
    overall["code"] = "*"
    return pd.concat([per_code, overall[per_code.columns]], ignore_index=True)


def latest_population(panel: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """``{code: (year, population)}`` of the latest municipal population in a panel.

    Examples
    --------
    >>> panel = pd.DataFrame({"level": "municipality", "code": ["091", "091"], "year": [2020, 2022],
    ...                       "indicator": "population", "value": [650000.0, 664028.0]})
    >>> latest_population(panel)
    {'091': (2022, 664028.0)}
    """
    rows = panel[(panel["indicator"] == "population") & panel["value"].notna()]
    if "level" in rows.columns:
        rows = rows[rows["level"] == "municipality"]
    last = rows.sort_values("year").groupby("code").tail(1)
    return {str(c): (int(y), float(v)) for c, y, v in zip(last["code"], last["year"], last["value"], strict=True)}
