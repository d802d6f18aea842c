"""Pydantic schema of a city profile (one YAML file per city under ``data/cities/``).

The format is documented for coordinators in ``docs/cities.md``. In short::

    schema_version: 1
    city: {code: "091", application_date: null, size_class: ">100k"}
    people: {unknown: "why it is not known"}        # or a list of 2-4 people
    targets: [...]
    key_measure: {unknown: "why it is not known"}   # or title/description/status/...
    key_problem: {unknown: "why it is not known"}   # or description/themes

Unknown facts
-------------
A whole section that is not known (``people``, ``key_measure``, ``key_problem``) is
written as a mapping with the single key ``unknown`` and the reason as its value, or
as the bare word ``unknown``. A single scalar that is not stated (a baseline year, a
target value, the application date ...) is ``null``; the target's
``comparability_note`` says why where it matters. Nothing is ever filled in by guess.

Only the structure is checked here (types, allowed words, required fields). Checks
that need other data (municipality key, indicator catalogue, data coverage) and the
range checks with their fixes live in :mod:`rvanalytics.cities.validate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

__all__ = [
    "KINDS",
    "PERCENT_KINDS",
    "SCHEMA_VERSION",
    "SCOPES",
    "SIZE_CLASSES",
    "THEMES",
    "UNION_TAGS",
    "City",
    "CityProfile",
    "InterimTarget",
    "KeyMeasure",
    "KeyProblem",
    "KeySource",
    "Person",
    "ResponsibleUnit",
    "Source",
    "Target",
    "Unknown",
]

SCHEMA_VERSION = 1

SizeClassLabel = Literal["<5k", "5–10k", "10–20k", "20–50k", "50–100k", ">100k"]
#: Statistics Finland's kuntakokoluokka labels (same as ``rvanalytics.key.size_class``).
SIZE_CLASSES: tuple[str, ...] = get_args(SizeClassLabel)

Theme = Literal[
    "climate",
    "energy",
    "transport",
    "waste",
    "circular_economy",
    "consumption",
    "land_use",
    "nature",
    "water",
    "procurement",
    "cross_cutting",
]
#: What a target counts (see docs/design.md, "Targets DataFrame").
Scope = Literal["hinku", "alas_total", "city_inventory", "consumption_based", "other"]
#: How a target is expressed.
Kind = Literal["pct_reduction", "absolute", "per_capita", "rate", "carbon_neutrality", "qualitative"]

#: Themes a target, key measure or key problem can belong to (the values of :data:`Theme`).
THEMES: tuple[str, ...] = get_args(Theme)
#: The values of :data:`Scope`.
SCOPES: tuple[str, ...] = get_args(Scope)
#: The values of :data:`Kind`.
KINDS: tuple[str, ...] = get_args(Kind)

#: Kinds whose ``target_value`` (and interim values) are percentages 0-100.
PERCENT_KINDS: frozenset[str] = frozenset({"pct_reduction", "rate", "carbon_neutrality"})


def _size_class(value: Any) -> Any:
    """Accept a hyphen for the en dash of the official labels ("5-10k" -> "5–10k")."""
    if isinstance(value, str):
        value = value.strip().replace("-", "–")
    return value


SizeClass = Annotated[
    SizeClassLabel | None,
    BeforeValidator(_size_class),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


class Unknown(_Model):
    """A whole section that is not known, with the reason (``{unknown: "reason"}``).

    Examples
    --------
    >>> Unknown(unknown="not in the public sources").unknown
    'not in the public sources'
    """

    unknown: str = Field(min_length=1, description="Why the fact is not known.")


def _unknown_shorthand(value: Any) -> Any:
    """``unknown`` (bare word) means ``{unknown: "not known"}``."""
    if isinstance(value, str) and value.strip().lower() == "unknown":
        return {"unknown": "not known"}
    return value


def _which(value: Any) -> str:
    """Union tag: ``unknown`` for ``{unknown: ...}``, else ``known`` (errors then name the real fields)."""
    if isinstance(value, Unknown) or (isinstance(value, dict) and "unknown" in value):
        return "unknown"
    return "known"


#: Tags of the known/unknown unions; they are dropped from error locations.
UNION_TAGS: frozenset[str] = frozenset({"known", "unknown"})


class City(_Model):
    """Which municipality the profile is for; names and region come from the municipality key."""

    code: str = Field(pattern=r"^\d{3}$", description='3-digit municipality code, e.g. "091".')
    application_date: dt.date | None = Field(default=None, description="Date of the application; null = unknown.")
    size_class: SizeClass = Field(default=None, description="kuntakokoluokka label; null = derive from data.")

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_string(cls, value: Any) -> Any:
        # YAML reads 091 as the integer 91 (or octal 73 for 0111): only strings are safe.
        if isinstance(value, int) and not isinstance(value, bool):
            # pydantic turns ValueError (not TypeError) into a validation error
            raise ValueError(  # noqa: TRY004
                f'the code must be a quoted 3-digit string, e.g. "{value:03d}", not the number {value}'
            )
        return value


class Person(_Model):
    """One person assigned to the work. Name and e-mail only leave the file when ``publish`` is true."""

    role: str = Field(min_length=1, description="Role title, e.g. 'Environment director'.")
    responsibility: str = Field(min_length=1, description="What this person is responsible for in the work.")
    organisation: str = Field(min_length=1, description="City or the organisation that runs the work.")
    name: str | None = None
    email: str | None = None
    publish: bool = Field(default=False, description="May name and e-mail appear in published reports?")


class Source(_Model):
    """Where a target is stated."""

    title: str = Field(min_length=1)
    url: str = Field(min_length=1)
    quote: str | None = Field(default=None, description="Short quote or paraphrase of the statement.")
    quote_kind: Literal["verbatim", "paraphrase"] = Field(
        default="verbatim",
        description="'verbatim': the source's own words (shown in quotation marks); "
        "'paraphrase': a summary written by whoever compiled the profile (shown as such).",
    )


class InterimTarget(_Model):
    """A milestone on the way to a target, in the same unit as ``target_value``."""

    year: int
    value: float | None = None


class Target(_Model):
    """One climate, environment or resource-efficiency target from a strategy paper."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Unique id, e.g. 'hel-cn-2030'.")
    theme: Theme
    indicator: str | None = Field(default=None, description="Indicator id of the catalogue; null = none fits.")
    scope: Scope
    kind: Kind
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int
    target_value: float | None = None
    compensation_share_pct: float | None = None
    interim_targets: list[InterimTarget] = Field(default_factory=list)
    source: Source
    comparability_note: str = ""


#: Where a key measure, key problem or responsible unit comes from: the city's one-page background
#: document of the workshop series, or what the city highlights in its public documents (a substitute
#: when the background document is not available; reports say so).
Basis = Literal["background_document", "public_documents"]
Language = Literal["fi", "sv", "en"]


class KeySource(_Model):
    """Where a key measure, key problem or responsible unit is stated."""

    title: str = Field(min_length=1)
    url: str = Field(min_length=1)
    date: str = Field(min_length=1, description="The source's date as it gives it, e.g. '2024-08' or 'undated (c. 2022)'.")
    confidence: Literal["high", "medium", "low"] | None = Field(
        default=None, description="high: the city's own document says it directly; medium: press, indirect wording.")


class _KeyText(_Model):
    basis: Basis = "background_document"
    source: KeySource | None = None
    translations: dict[Language, str] = Field(
        default_factory=dict, description="The text in other languages (paraphrases), by language code.")

    @model_validator(mode="after")
    def _public_documents_need_a_source(self) -> _KeyText:
        if self.basis == "public_documents" and self.source is None:
            raise ValueError("basis 'public_documents' needs a source (title, url, date)")
        return self


class KeyMeasure(_KeyText):
    """The one key measure started or planned to reach the targets."""

    title: str = ""
    description: str = ""
    status: Literal["started", "planned"] | None = Field(default=None, description="null: not stated in the source.")
    themes: list[Theme] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _title_or_description(self) -> KeyMeasure:
        if not (self.title.strip() or self.description.strip()):
            raise ValueError("a key measure needs a title or a description")
        return self


class KeyProblem(_KeyText):
    """The one key problem of the region in resource efficiency or sustainable development."""

    description: str = Field(min_length=1)
    themes: list[Theme] = Field(default_factory=list)


class ResponsibleUnit(_KeyText):
    """The unit or group responsible for the work (a role, never a person's name)."""

    description: str = Field(min_length=1)


class CityProfile(_Model):
    """A whole city profile file.

    Examples
    --------
    >>> p = CityProfile.model_validate({
    ...     "schema_version": 1,
    ...     "city": {"code": "091"},
    ...     "people": "unknown",
    ...     "targets": [],
    ...     "key_measure": {"unknown": "not stated"},
    ...     "key_problem": "unknown",
    ... })
    >>> p.people_known, p.key_measure_known
    (False, False)
    """

    schema_version: Literal[1] = 1
    text_language: Literal["fi", "sv", "en"] | None = Field(
        default=None,
        description="Language of the free text in this file (quotes, notes); reports in another "
        "language say so instead of presenting it as a translation.",
    )
    city: City
    people: Annotated[
        Annotated[list[Person], Tag("known")] | Annotated[Unknown, Tag("unknown")],
        Discriminator(_which),
        BeforeValidator(_unknown_shorthand),
    ]
    targets: list[Target] = Field(default_factory=list)
    key_measure: Annotated[
        Annotated[KeyMeasure, Tag("known")] | Annotated[Unknown, Tag("unknown")],
        Discriminator(_which),
        BeforeValidator(_unknown_shorthand),
    ]
    key_problem: Annotated[
        Annotated[KeyProblem, Tag("known")] | Annotated[Unknown, Tag("unknown")],
        Discriminator(_which),
        BeforeValidator(_unknown_shorthand),
    ]
    responsible_unit: ResponsibleUnit | None = None

    @property
    def people_known(self) -> bool:
        """False when the people section is ``unknown``."""
        return not isinstance(self.people, Unknown)

    @property
    def key_measure_known(self) -> bool:
        """False when the key measure is ``unknown``."""
        return not isinstance(self.key_measure, Unknown)

    @property
    def key_problem_known(self) -> bool:
        """False when the key problem is ``unknown``."""
        return not isinstance(self.key_problem, Unknown)

    @property
    def people_list(self) -> list[Person]:
        """The people, or an empty list when unknown."""
        return [] if isinstance(self.people, Unknown) else list(self.people)
