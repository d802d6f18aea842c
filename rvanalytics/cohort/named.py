"""Named cohorts (``large-cities``, ``fisu``, …): cohorts are data, in ``rvanalytics/data/cohorts.yaml``.

Examples
--------
>>> cohort_names()
['large-cities', 'fisu']
>>> c = load_cohort("fisu")
>>> len(c.codes), c.title["en"], "167" in c.codes
(13, 'FISU network', True)
>>> load_cohort().name
'large-cities'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from rvanalytics.cohort.model import CohortError
from rvanalytics.exceptions import DataFileError

__all__ = ["NamedCohort", "cohort_names", "default_cohort_name", "load_cohort"]

_FILE = "data/cohorts.yaml"


@dataclass(frozen=True)
class NamedCohort:
    """A named cohort.

    Attributes
    ----------
    name : str
    title, description : dict
        ``{"fi": …, "sv": …, "en": …}``.
    members : DataFrame
        ``code, name_fi, source_url, source_date``: one row per member, in the cohort's order.
    source : str or None
        Source id (``sources.yaml``) the members come from, None when listed in ``cohorts.yaml``.
    """

    name: str
    title: dict[str, str]
    description: dict[str, str]
    members: pd.DataFrame = field(repr=False)
    source: str | None = None

    @property
    def codes(self) -> list[str]:
        """Member codes (3-digit strings)."""
        return list(self.members["code"])


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    text = resources.files("rvanalytics").joinpath(_FILE).read_text(encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    if not isinstance(doc.get("cohorts"), dict) or not doc["cohorts"]:
        raise DataFileError(Path(_FILE), "has no 'cohorts' mapping", "see the comment at the top of the file")
    return doc


def cohort_names() -> list[str]:
    """Names of the cohorts in ``cohorts.yaml``, in file order."""
    return list(_document()["cohorts"])


def default_cohort_name() -> str:
    """The cohort used when none is named (``default:`` in ``cohorts.yaml``)."""
    return str(_document().get("default") or cohort_names()[0])


def _listed_members(name: str, entries: list[Any]) -> pd.DataFrame:
    rows = []
    for i, entry in enumerate(entries, start=1):
        code = str(entry.get("code", "")).strip() if isinstance(entry, dict) else ""
        if not re.fullmatch(r"\d{3}", code):
            raise DataFileError(Path(_FILE), f"cohort {name!r}, member {i}: {entry!r} has no 3-digit municipality code",
                                'write each member as {code: "091", name: Helsinki}', column="members")
        rows.append({"code": code, "name_fi": str(entry.get("name", "")), "source_url": None, "source_date": None})
    return pd.DataFrame(rows, columns=["code", "name_fi", "source_url", "source_date"])


def _source_members(name: str, spec: dict[str, Any]) -> pd.DataFrame:
    from rvanalytics.network import read_fisu_network
    from rvanalytics.panel import source_path

    if spec.get("source") != "fisu_network":
        raise DataFileError(Path(_FILE), f"cohort {name!r}: members from source {spec.get('source')!r} cannot be read",
                            "use source: fisu_network, or list the members", column="from_source")
    path = source_path("fisu_network", spec.get("file", "fisu_network.csv"), offline=True)
    network = read_fisu_network(path)  # a member without a code stops here, naming file and row
    relations = list(spec.get("relations") or [])
    chosen = network[network["relation"].isin(relations)]
    if chosen.empty:
        raise DataFileError(path, f"no rows with relation {relations} for cohort {name!r}",
                            "check the relations listed in cohorts.yaml")
    order = {r: i for i, r in enumerate(relations)}
    chosen = chosen.assign(_o=chosen["relation"].map(order)).sort_values(["_o", "year", "code"], na_position="last")
    chosen = chosen.drop_duplicates("code")
    return chosen[["code", "name_fi", "source_url", "source_date"]].reset_index(drop=True)


def load_cohort(name: str | None = None, *, year: int | None = None, store: str | Path | None = None) -> NamedCohort:
    """The named cohort (default: ``default:`` of ``cohorts.yaml``), its members checked against the key.

    Parameters
    ----------
    name : str, optional
    year : int, optional
        Division year whose municipality key the member codes must be in (default: the
        package's division). Pass ``year=0`` to skip the check.

    Raises
    ------
    CohortError
        Unknown cohort name (with the known names and the closest match).
    DataFileError
        A member without a code, or a code not in the key (file, member and fix).
    """
    doc = _document()
    name = name or default_cohort_name()
    cohorts = doc["cohorts"]
    if name not in cohorts:
        close = difflib.get_close_matches(name, list(cohorts), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise CohortError(f"no cohort named {name!r}; {hint}known cohorts: {', '.join(cohorts)} "
                          f"(defined in rvanalytics/{_FILE})")
    spec = cohorts[name] or {}
    if "members" in spec:
        members, source = _listed_members(name, spec["members"] or []), None
    elif "from_source" in spec:
        members, source = _source_members(name, spec["from_source"] or {}), spec["from_source"].get("source")
    else:
        raise DataFileError(Path(_FILE), f"cohort {name!r} has neither 'members' nor 'from_source'",
                            "list the members or name the source they come from")
    if year != 0:
        from rvanalytics.division import DEFAULT_DIVISION_YEAR
        from rvanalytics.key import load_key

        division = year or DEFAULT_DIVISION_YEAR
        key = load_key(division, store=store).set_index("code")
        unknown = [c for c in members["code"] if c not in key.index]
        if unknown:
            raise DataFileError(Path(_FILE), f"cohort {name!r}: code(s) {unknown} are not municipalities of the "
                                             f"{division} division", "use that year's codes (mergers change them)")
        names = key["name_fi"].reindex(members["code"]).to_numpy()
        listed = members["name_fi"].fillna("").to_numpy()
        wrong = [(c, n, k) for c, n, k in zip(members["code"], listed, names) if n and n != k]
        if wrong:
            c, n, k = wrong[0]
            raise DataFileError(Path(_FILE), f"cohort {name!r}: code {c} is {k} in the {division} key, the cohort says {n}",
                                "fix the code or the name")
        members = members.assign(name_fi=names)
    title = {lang: str(text) for lang, text in (spec.get("title") or {}).items()}
    description = {lang: str(text) for lang, text in (spec.get("description") or {}).items()}
    return NamedCohort(name=name, title=title, description=description, members=members, source=source)
