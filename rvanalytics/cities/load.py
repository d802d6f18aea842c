"""Loading the city profiles into Python objects and DataFrames for metrics and reports."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from rvanalytics.cities.references import DEFAULT_KEY_YEAR
from rvanalytics.cities.schema import CityProfile, KeyMeasure, KeyProblem, ResponsibleUnit
from rvanalytics.cities.validate import CheckContext, Issue, _validate
from rvanalytics.exceptions import ProfileError

__all__ = ["CITY_COLUMNS", "TARGET_COLUMNS", "CityProfiles", "key_sections", "load_cities", "published_people", "targets_frame"]

#: Columns of ``CityProfiles.targets`` (docs/design.md, "Targets DataFrame").
TARGET_COLUMNS: tuple[str, ...] = (
    "city_code",
    "city_name",
    "target_id",
    "theme",
    "indicator",
    "scope",
    "kind",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "compensation_share_pct",
    "interim_targets",
    "source_title",
    "source_url",
    "source_quote",
    "source_quote_kind",
    "comparability_note",
    "text_language",
)

#: Columns of ``CityProfiles.cities``.
CITY_COLUMNS: tuple[str, ...] = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "region_code",
    "region_name_fi",
    "size_class",
    "application_date",
    "people_known",
    "n_people",
    "n_published_people",
    "n_targets",
    "key_measure_known",
    "key_measure_title",
    "key_measure_status",
    "key_problem_known",
    "key_problem",
    "file",
)

Escape = Literal["html", "markdown"] | None
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _escape(text: str | None, escape: Escape) -> str | None:
    if text is None or escape is None:
        return text
    if escape == "html":
        return html.escape(text, quote=True)
    if escape == "markdown":
        return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    raise ValueError(f"escape must be 'html', 'markdown' or None, not {escape!r}")


def published_people(
    profile: CityProfile, *, escape: Escape = None, include_unpublished_roles: bool = False
) -> list[dict[str, str | None]]:
    """The people of a profile that may appear in a published report.

    Name and e-mail leave the profile only for people with ``publish: true``.
    Free text is stored as given; pass ``escape`` to get it escaped for the output format.

    Parameters
    ----------
    profile : CityProfile
        One profile.
    escape : {"html", "markdown"}, optional
        Escape every text value for HTML or Markdown output.
    include_unpublished_roles : bool
        Also list people with ``publish: false``, with ``name`` and ``email`` set to None
        (role, responsibility and organisation only).

    Returns
    -------
    list of dict
        Keys ``role``, ``responsibility``, ``organisation``, ``name``, ``email``, ``published``.

    Examples
    --------
    >>> p = CityProfile.model_validate({"city": {"code": "091"}, "key_measure": "unknown", "key_problem": "unknown",
    ...     "people": [{"role": "Director <b>", "responsibility": "lead", "organisation": "City",
    ...                 "name": "A. Person", "email": "a@example.org", "publish": True},
    ...                {"role": "Planner", "responsibility": "data", "organisation": "City", "name": "Secret"}]})
    >>> [(x["role"], x["name"]) for x in published_people(p, escape="html")]
    [('Director &lt;b&gt;', 'A. Person')]
    >>> [x["name"] for x in published_people(p, include_unpublished_roles=True)]
    ['A. Person', None]
    """
    out: list[dict[str, str | None]] = []
    for person in profile.people_list:
        if not person.publish and not include_unpublished_roles:
            continue
        out.append(
            {
                "role": _escape(person.role, escape),
                "responsibility": _escape(person.responsibility, escape),
                "organisation": _escape(person.organisation, escape),
                "name": _escape(person.name, escape) if person.publish else None,
                "email": _escape(person.email, escape) if person.publish else None,
                "published": "yes" if person.publish else "no",
            }
        )
    return out


def key_sections(profile: CityProfile, *, escape: Escape = None) -> dict[str, dict[str, object]]:
    """Key measure, key problem and responsible unit as plain dicts for reports (same keys whether known or not).

    Returns ``{"key_measure": {...}, "key_problem": {...}, "responsible_unit": {...}}``, each with
    ``known``, ``title``, ``description``, ``status``, ``themes``, ``indicators``, ``unknown_reason``
    (None where it does not apply), ``basis`` ("background_document" or "public_documents"),
    ``source`` (dict with ``title, url, date, confidence`` or None), ``translations``
    (language -> text) and ``text_language`` (the profile's, of ``title`` and ``description``).
    Text is escaped when ``escape`` is given.

    Examples
    --------
    >>> p = CityProfile.model_validate({"city": {"code": "091"}, "people": "unknown",
    ...     "key_measure": {"title": "Bikes & buses", "status": "planned", "themes": ["transport"]},
    ...     "key_problem": {"unknown": "not stated"}})
    >>> s = key_sections(p, escape="html")
    >>> s["key_measure"]["title"], s["key_measure"]["status"], s["key_problem"]["known"], s["key_problem"]["unknown_reason"]
    ('Bikes &amp; buses', 'planned', False, 'not stated')
    >>> s["responsible_unit"]["known"], s["key_measure"]["basis"]
    (False, 'background_document')
    """
    out: dict[str, dict[str, object]] = {}
    sections = (("key_measure", profile.key_measure), ("key_problem", profile.key_problem),
                ("responsible_unit", profile.responsible_unit))
    for name, section in sections:
        entry: dict[str, object] = dict.fromkeys(
            ("title", "description", "status", "unknown_reason", "source"), None
        ) | {"known": False, "themes": [], "indicators": [], "basis": None, "translations": {},
             "text_language": profile.text_language}
        if isinstance(section, (KeyMeasure, KeyProblem, ResponsibleUnit)):
            entry |= {
                "known": True,
                "description": _escape(section.description, escape),
                "basis": section.basis,
                "translations": {lang: _escape(text, escape) for lang, text in section.translations.items()},
                "source": None if section.source is None else {
                    "title": _escape(section.source.title, escape), "url": section.source.url,
                    "date": _escape(section.source.date, escape), "confidence": section.source.confidence},
            }
        if isinstance(section, KeyMeasure):
            entry |= {"title": _escape(section.title, escape) or None, "status": section.status,
                      "themes": list(section.themes), "indicators": list(section.indicators)}
        elif isinstance(section, KeyProblem):
            entry["themes"] = list(section.themes)
        elif section is None:
            entry["unknown_reason"] = "not in the profile"
        elif not isinstance(section, ResponsibleUnit):
            entry["unknown_reason"] = _escape(section.unknown, escape)
        out[name] = entry
    return out


def targets_frame(profiles: Sequence[CityProfile], key: pd.DataFrame) -> pd.DataFrame:
    """One row per target with the columns :data:`TARGET_COLUMNS` (names from ``key``)."""
    names = dict(zip(key["code"], key["name_fi"], strict=False))
    rows = []
    for p in profiles:
        for t in p.targets:
            rows.append(
                {
                    "city_code": p.city.code,
                    "city_name": names.get(p.city.code),
                    "target_id": t.id,
                    "theme": t.theme,
                    "indicator": t.indicator,
                    "scope": t.scope,
                    "kind": t.kind,
                    "baseline_year": t.baseline_year,
                    "baseline_value": t.baseline_value,
                    "target_year": t.target_year,
                    "target_value": t.target_value,
                    "compensation_share_pct": t.compensation_share_pct,
                    "interim_targets": [{"year": i.year, "value": i.value} for i in t.interim_targets],
                    "source_title": t.source.title,
                    "source_url": t.source.url,
                    "source_quote": t.source.quote,
                    "source_quote_kind": t.source.quote_kind,
                    "comparability_note": t.comparability_note,
                    "text_language": p.text_language,
                }
            )
    df = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    df["indicator"] = df["indicator"].astype(object).where(df["indicator"].notna(), None)
    df["baseline_year"] = pd.array(df["baseline_year"].tolist(), dtype="Int64")
    df["target_year"] = df["target_year"].astype("int64")
    for col in ("baseline_value", "target_value", "compensation_share_pct"):
        df[col] = pd.to_numeric(df[col], errors="raise").astype("float64")
    df["interim_targets"] = df["interim_targets"].astype(object)
    # Missing text stays None (a str column would turn it into NaN, shown as "nan" by templates).
    for col in ("source_quote", "source_title", "source_url", "comparability_note", "text_language", "city_name"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def _cities_frame(items: Sequence[tuple[Path, CityProfile]], key: pd.DataFrame) -> pd.DataFrame:
    k = key.set_index("code")
    rows = []
    for path, p in items:
        code = p.city.code
        info = k.loc[code] if code in k.index else None
        km, kp = p.key_measure, p.key_problem
        rows.append(
            {
                "code": code,
                **{c: (info[c] if info is not None and c in info.index else None)
                   for c in ("name_fi", "name_sv", "name_en", "region_code", "region_name_fi")},
                "size_class": p.city.size_class,
                "application_date": pd.Timestamp(p.city.application_date) if p.city.application_date else pd.NaT,
                "people_known": p.people_known,
                "n_people": len(p.people_list) if p.people_known else pd.NA,
                "n_published_people": sum(x.publish for x in p.people_list) if p.people_known else pd.NA,
                "n_targets": len(p.targets),
                "key_measure_known": isinstance(km, KeyMeasure),
                "key_measure_title": (km.title or km.description) if isinstance(km, KeyMeasure) else None,
                "key_measure_status": km.status if isinstance(km, KeyMeasure) else None,
                "key_problem_known": isinstance(kp, KeyProblem),
                "key_problem": kp.description if isinstance(kp, KeyProblem) else None,
                "file": str(path),
            }
        )
    df = pd.DataFrame(rows, columns=list(CITY_COLUMNS))
    df["n_people"] = pd.array(df["n_people"].tolist(), dtype="Int64")
    df["n_published_people"] = pd.array(df["n_published_people"].tolist(), dtype="Int64")
    df["n_targets"] = df["n_targets"].astype("int64")
    df["application_date"] = pd.to_datetime(df["application_date"])
    return df


@dataclass
class CityProfiles:
    """Loaded city profiles.

    Attributes
    ----------
    profiles : list of CityProfile
        The validated profiles, in file order.
    paths : list of Path
        The file of each profile.
    targets : DataFrame
        One row per target, columns :data:`TARGET_COLUMNS` (docs/design.md "Targets DataFrame").
    cities : DataFrame
        One row per city, columns :data:`CITY_COLUMNS` (names and region from the key).
    issues : list of Issue
        Warnings and info notes of the validation (errors raise instead).
    """

    profiles: list[CityProfile]
    paths: list[Path]
    targets: pd.DataFrame
    cities: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.profiles)

    def profile(self, code: str) -> CityProfile:
        """The profile of municipality ``code`` ("091"); KeyError if there is none."""
        for p in self.profiles:
            if p.city.code == code:
                return p
        raise KeyError(f"no city profile for municipality {code!r}; profiles exist for {[p.city.code for p in self.profiles]}")

    def published_people(self, *, escape: Escape = None, include_unpublished_roles: bool = False) -> pd.DataFrame:
        """All cities' publishable people as a DataFrame (``city_code`` + :func:`published_people` keys)."""
        rows = [
            {"city_code": p.city.code, **person}
            for p in self.profiles
            for person in published_people(p, escape=escape, include_unpublished_roles=include_unpublished_roles)
        ]
        cols = ["city_code", "role", "responsibility", "organisation", "name", "email", "published"]
        return pd.DataFrame(rows, columns=cols)


def load_cities(
    path: str | Path | Sequence[str | Path] | None = None,
    *,
    key: pd.DataFrame | None = None,
    key_year: int = DEFAULT_KEY_YEAR,
    store: str | Path | None = None,
    check_coverage: bool = False,
) -> CityProfiles:
    """Read and validate the city profiles.

    Parameters
    ----------
    path : path or list of paths, optional
        Profile files or folders; default ``data/cities`` (``RVANALYTICS_CITIES_DIR``).
    key : DataFrame, optional
        Municipality key; default ``rvanalytics.key.load_key(key_year, store=store)``.
    key_year : int
        Municipal division of the codes and names (default 2026).
    store : path, optional
        Store for the key and (if ``check_coverage``) the data coverage.
    check_coverage : bool
        Also warn about baseline years outside the data (needs the store's panel; off by default).

    Returns
    -------
    CityProfiles

    Raises
    ------
    ProfileError
        On the first error found (file, line and fix in the message); run
        ``rvanalytics cities validate`` to see them all.

    Examples
    --------
    >>> cities = load_cities()
    >>> cities.cities.loc[cities.cities["code"] == "091", "name_fi"].item()
    'Helsinki'
    >>> sorted(cities.targets.loc[cities.targets["city_code"] == "091", "target_year"])
    [2030, 2040]
    """
    ctx = CheckContext.build(key=key, key_year=key_year, store=store, check_coverage=check_coverage)
    items, issues = _validate(path, ctx)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        more = f" ({len(errors) - 1} more error(s); run `rvanalytics cities validate` to list them)" if len(errors) > 1 else ""
        raise ProfileError(
            first.file, f"{first.field}: {first.message}{more}", first.fix, row=first.line, column=first.field
        )
    profiles = [p for _, p in items]
    return CityProfiles(
        profiles=profiles,
        paths=[f for f, _ in items],
        targets=targets_frame(profiles, ctx.key),
        cities=_cities_frame(items, ctx.key),
        issues=issues,
    )

