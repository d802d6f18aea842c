"""Which cities to report: codes or names, the cohort, or every municipality.

Checked before any kernel starts, so a typo is one clear error, not a failed report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from rvanalytics.exceptions import ReportError

__all__ = ["CitySelection", "select_cities"]


@dataclass
class CitySelection:
    """The chosen cities.

    Attributes
    ----------
    codes : list of str
        Municipality codes, in the order given, without duplicates.
    names : dict
        Finnish names by code (None where unknown, e.g. with a custom notebook).
    kind : {"given", "cohort", "all"}
    """

    codes: list[str]
    names: dict[str, str | None]
    kind: str


def _resolve(wanted: list[str], store: str | Path | None) -> CitySelection:
    from rvanalytics.key import load_key, name_index
    from rvanalytics.store import DEFAULT_DIVISION_YEAR

    key = load_key(DEFAULT_DIVISION_YEAR, store=store)
    names = dict(zip(key["code"].astype(str), key["name_fi"].astype(str), strict=False))
    by_name = name_index(DEFAULT_DIVISION_YEAR, store=store)
    out: list[str] = []
    for item in wanted:
        text = str(item).strip()
        code = text.zfill(3) if text.isdigit() else by_name.get(text.casefold())
        if code not in names:
            close = (
                difflib.get_close_matches(text, sorted(set(names.values())), n=3)
                if not text.isdigit()
                else []
            )
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ReportError(
                f"{text!r} is not a municipality of the {DEFAULT_DIVISION_YEAR} division.{hint} "
                "Fix: give a 3-digit code (merged municipalities have new codes) or a name, "
                "e.g. 091 or Helsinki"
            )
        if code not in out:
            out.append(code)
    return CitySelection(out, {c: names[c] for c in out}, "given")


def select_cities(
    cities: list[str] | None = None,
    *,
    cohort: str | None = None,
    all_municipalities: bool = False,
    store: str | Path | None = None,
    check_names: bool = True,
) -> CitySelection:
    """The cities to report: ``cities`` (codes or names in fi/sv/en), the cohort, or all.

    Parameters
    ----------
    cities : list of str, optional
        Codes ("091", "91") or names ("Helsinki", "Helsingfors").
    cohort : str, optional
        A named cohort (:func:`rvanalytics.cohort.load_cohort`, e.g. "large-cities" or "fisu").
    all_municipalities : bool
        Every municipality of the current division.
    store : path, optional
        The store whose municipality key is used.
    check_names : bool
        Resolve and check ``cities`` against the key (False: take them as given, for a
        custom notebook that decides itself what a city argument means).

    Raises
    ------
    ReportError
        Not exactly one of the three choices, or a code or name not in the key.
    StoreError
        No store (the key is needed).
    """
    chosen = sum([bool(cities), bool(cohort), all_municipalities])
    if chosen != 1:
        from rvanalytics.cohort import cohort_names

        raise ReportError(
            "name the cities to report: give codes or names, or a named cohort "
            f"({', '.join(cohort_names())}), or all municipalities (exactly one of them). Fix: choose one"
        )
    if not check_names and not cohort and not all_municipalities:
        return CitySelection([str(c) for c in cities or []], {}, "given")
    from rvanalytics.store import read_manifest

    read_manifest(store)  # no store: one StoreError with its fix, before anything else
    if cohort:
        from rvanalytics.cohort import load_cohort

        named = load_cohort(cohort, store=store)
        names = dict(zip(named.members["code"], named.members["name_fi"], strict=True))
        return CitySelection(named.codes, names, "cohort")
    if all_municipalities:
        from rvanalytics.key import load_key
        from rvanalytics.store import DEFAULT_DIVISION_YEAR

        key = load_key(DEFAULT_DIVISION_YEAR, store=store)
        names = dict(zip(key["code"].astype(str), key["name_fi"].astype(str), strict=False))
        return CitySelection(sorted(names), names, "all")
    return _resolve(list(cities or []), store)
