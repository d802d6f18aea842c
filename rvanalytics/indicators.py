"""The indicator catalogue: what each indicator id in the panel means.

The catalogue is data (``rvanalytics/data/indicators.yaml``): names in Finnish, Swedish
and English, resource-wisdom theme, unit, direction, additivity, source and a one-line
definition. Per-capita indicators name their ``numerator`` and the ``scale`` that turns
the numerator's unit into the per-capita unit (value = numerator * scale / population).
Population is the year-end (31 December) resident population.

Examples
--------
>>> cat = indicator_catalogue()
>>> cat.loc["road_transport_ghg_per_capita_t", "numerator"]
'road_transport_ghg_kt'
>>> get_indicator("population")["unit"]
'persons'
"""

from __future__ import annotations

import difflib
import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from rvanalytics.exceptions import RvanalyticsError

__all__ = [
    "DIRECTIONS",
    "HINKU_SECTORS",
    "THEMES",
    "UnknownIndicatorError",
    "get_indicator",
    "indicator_catalogue",
    "per_capita_indicators",
    "snapshot_indicators",
    "unit_text",
]

DIRECTIONS = ("lower_is_better", "higher_is_better", "neutral")

#: Syke Hinku main sectors (ALas ``taso_3``) in Syke's order: Finnish name -> indicator slug.
HINKU_SECTORS: dict[str, str] = {
    "Kulutussähkö": "consumer_electricity",
    "Sähkölämmitys": "electric_heating",
    "Kaukolämpö": "district_heating",
    "Öljylämmitys": "oil_heating",
    "Muu lämmitys": "other_heating",
    "Teollisuus": "industry",
    "Työkoneet": "machinery",
    "Tieliikenne": "road_transport",
    "Raideliikenne": "rail_transport",
    "Vesiliikenne": "waterborne_transport",
    "Maatalous": "agriculture",
    "Jätteiden käsittely": "waste",
    "F-kaasut": "f_gases",
}

_REQUIRED = ("id", "name_fi", "name_en", "theme", "unit", "direction", "additive", "source", "definition")


class UnknownIndicatorError(RvanalyticsError, KeyError):
    """An indicator id that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    text = resources.files("rvanalytics").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    themes = data["themes"]
    seen: set[str] = set()
    for entry in data["indicators"]:
        missing = [f for f in _REQUIRED if f not in entry]
        if missing:
            raise RvanalyticsError(f"indicators.yaml: indicator {entry.get('id')!r} lacks field(s) {missing}")
        if entry["id"] in seen:
            raise RvanalyticsError(f"indicators.yaml: indicator {entry['id']!r} is listed twice")
        seen.add(entry["id"])
        if entry["theme"] not in themes:
            raise RvanalyticsError(f"indicators.yaml: {entry['id']}: theme {entry['theme']!r} not in {themes}")
        if not isinstance(entry.get("snapshot", False), bool):
            raise RvanalyticsError(f"indicators.yaml: {entry['id']}: snapshot must be true or false")
        if entry["direction"] not in DIRECTIONS:
            raise RvanalyticsError(f"indicators.yaml: {entry['id']}: direction {entry['direction']!r} not in {DIRECTIONS}")
    return data


THEMES: tuple[str, ...] = tuple(_raw()["themes"])


def indicator_catalogue() -> pd.DataFrame:
    """All indicators as a DataFrame indexed by ``id``.

    Columns: ``name_fi``, ``name_sv``, ``name_en``, ``theme``, ``unit``, ``direction``,
    ``additive`` (bool), ``source`` (source id or None), ``definition``, ``numerator``
    (per-capita indicators), ``scale``, ``sector_fi`` (Hinku sectors), ``levels``, ``snapshot``
    (True for indicators the sources give for one year only: reports show them as a snapshot,
    not as a trend).

    Examples
    --------
    >>> indicator_catalogue().loc["ghg_hinku_total_kt", "unit"]
    'kt CO2e'
    """
    rows = []
    for entry in _raw()["indicators"]:
        rows.append(
            {
                "id": entry["id"],
                "name_fi": entry["name_fi"],
                "name_sv": entry.get("name_sv"),
                "name_en": entry["name_en"],
                "theme": entry["theme"],
                "unit": entry["unit"],
                "direction": entry["direction"],
                "additive": bool(entry["additive"]),
                "source": entry.get("source"),
                "definition": entry["definition"],
                "numerator": entry.get("numerator"),
                "scale": float(entry["scale"]) if entry.get("scale") is not None else float("nan"),
                "sector_fi": entry.get("sector_fi"),
                "levels": list(entry.get("levels", ["municipality"])),
                "snapshot": bool(entry.get("snapshot", False)),
            }
        )
    return pd.DataFrame(rows).set_index("id")


def get_indicator(indicator_id: str) -> dict[str, Any]:
    """One indicator's catalogue entry as a dict (with ``id``).

    Raises
    ------
    UnknownIndicatorError
        For an id not in the catalogue, naming the closest ids.

    Examples
    --------
    >>> get_indicator("ghg_hinku_per_capita_t")["direction"]
    'lower_is_better'
    >>> get_indicator("populaton")
    Traceback (most recent call last):
    ...
    rvanalytics.indicators.UnknownIndicatorError: unknown indicator 'populaton'; did you mean: population? ...
    """
    cat = indicator_catalogue()
    if indicator_id not in cat.index:
        close = difflib.get_close_matches(str(indicator_id), list(cat.index), n=3, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise UnknownIndicatorError(
            f"unknown indicator {indicator_id!r}; {hint}The {len(cat)} ids are listed by "
            "rvanalytics.indicators.indicator_catalogue() (file rvanalytics/data/indicators.yaml)"
        )
    entry = cat.loc[indicator_id].to_dict()
    entry["id"] = indicator_id
    return entry


def per_capita_indicators() -> dict[str, tuple[str, float]]:
    """Per-capita indicator id -> (numerator id, scale)."""
    cat = indicator_catalogue()
    per = cat[cat["numerator"].notna()]
    return {idx: (row.numerator, float(row.scale)) for idx, row in per.iterrows()}


def snapshot_indicators() -> list[str]:
    """Ids of the one-year indicators (catalogue ``snapshot: true``), shown as a snapshot, not a trend.

    Examples
    --------
    >>> "heating_fuel_share_district_heat_pct" in snapshot_indicators(), "population" in snapshot_indicators()
    (True, False)
    """
    cat = indicator_catalogue()
    return list(cat.index[cat["snapshot"]])


def unit_text(unit: object, lang: str = "fi") -> str:
    """A catalogue unit in ``lang`` (``persons`` → ``henkeä``/``personer``, ``/person`` → ``/asukas``/``/invånare``).

    Units are stored in English in the indicator catalogue and the panel; symbols
    (``kt CO2e``, ``GWh``, ``%``) are the same in every language.

    Examples
    --------
    >>> unit_text("t CO2e/person", "fi"), unit_text("persons", "sv"), unit_text("kt CO2e", "fi")
    ('t CO2e/asukas', 'personer', 'kt CO2e')
    >>> unit_text("km/person", "en"), unit_text(None, "fi")
    ('km/person', '')
    """
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    out = str(unit)
    words = {"fi": ("henkeä", "asukas"), "sv": ("personer", "invånare")}.get(lang)
    if words:
        out = re.sub(r"\bpersons\b", words[0], out)
        out = re.sub(r"/\s*(person|inhabitant|capita)\b", "/" + words[1], out)
        out = re.sub(r"\bper cent\b|\bpercent\b", "%", out)
        counts = {"fi": {"households": "asuntokuntaa", "jobs": "työpaikkaa"},
                  "sv": {"households": "hushåll", "jobs": "arbetsplatser"}}[lang]
        out = re.sub(r"\b(households|jobs)\b", lambda m: counts[m.group(1)], out)
    return out
