"""Validation of city profile files: every problem with file, line, field path and a fix.

:func:`validate_profiles` never raises for a bad profile: it returns a list of
:class:`Issue` (severity ``error``, ``warning`` or ``info``). ``rvanalytics cities validate``
prints them; :func:`rvanalytics.cities.load_cities` raises on the first error.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from rvanalytics.cities.references import (
    DEFAULT_KEY_YEAR,
    indicator_coverage,
    indicator_ids,
    latest_population,
    municipality_key,
    panel_or_reason,
)
from rvanalytics.cities.schema import (
    PERCENT_KINDS,
    UNION_TAGS,
    City,
    CityProfile,
    InterimTarget,
    KeyMeasure,
    KeyProblem,
    Person,
    Source,
    Target,
    Unknown,
)
from rvanalytics.cities.yamlio import Path_, format_path, line_for, parse_yaml
from rvanalytics.exceptions import RvanalyticsError

__all__ = ["CheckContext", "Issue", "profile_files", "validate_profiles", "validate_text"]

Severity = Literal["error", "warning", "info"]

_ALL_FIELDS = sorted(
    {
        name
        for model in (CityProfile, City, Person, Source, InterimTarget, Target, KeyMeasure, KeyProblem, Unknown)
        for name in model.model_fields
    }
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNION_FIELDS = ("people", "key_measure", "key_problem")
#: Only plain web links may become links in a report (no javascript:, data:, file: ...).
_WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
#: Plausible years of a baseline, target or milestone.
YEAR_RANGE = (1900, 2100)
#: Largest plausible magnitude of a value in a profile (kt, t, %, persons ...).
MAX_ABS_VALUE = 1e9


@dataclass(frozen=True)
class Issue:
    """One problem in one profile file.

    Examples
    --------
    >>> str(Issue("error", "data/cities/091-helsinki.yaml", 12, "targets[0].target_year",
    ...           "target year 1990 is not after baseline year 1990", "set the year the target is to be reached"))
    'data/cities/091-helsinki.yaml:12: targets[0].target_year: target year 1990 is not after baseline year 1990. Fix: set the year the target is to be reached [error]'
    """

    severity: Severity
    file: str
    line: int | None
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: {self.field}: {self.message}"
        if self.fix:
            text += f". Fix: {self.fix}"
        return f"{text} [{self.severity}]"


@dataclass
class CheckContext:
    """What profiles are checked against; built once per :func:`validate_profiles` call.

    Parameters
    ----------
    key : DataFrame
        Municipality key (``code``, ``name_fi``, ...) of ``key_year``.
    key_year : int
        Year of the municipal division the codes must exist in.
    indicators : frozenset of str
        Known indicator ids.
    indicators_origin : str
        Where the ids came from (shown in messages).
    coverage : DataFrame or None
        ``indicator``, ``code``, ``first_year``, ``last_year``; None = no data to check against.
    coverage_note : str
        Why ``coverage`` is None (reported once as info).
    """

    key: pd.DataFrame
    key_year: int
    indicators: frozenset[str]
    indicators_origin: str
    coverage: pd.DataFrame | None
    coverage_note: str
    coverage_wanted: bool = True
    population: dict[str, tuple[int, float]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        key: pd.DataFrame | None = None,
        key_year: int = DEFAULT_KEY_YEAR,
        indicators: Iterable[str] | None = None,
        panel: pd.DataFrame | None = None,
        store: str | Path | None = None,
        check_coverage: bool = True,
    ) -> CheckContext:
        """Load what is not given: key via ``load_key``, ids via the catalogue, coverage via the store."""
        if key is None:
            key = municipality_key(key_year, store=store)
        if indicators is None:
            ids, origin = indicator_ids()
        else:
            ids, origin = frozenset(indicators), "the given indicator ids"
        coverage, population = None, {}
        if check_coverage:
            loaded, note = panel_or_reason(panel, store=store)
            if loaded is not None:
                coverage = indicator_coverage(loaded)
                population = latest_population(loaded)
                if coverage is None:
                    note = "the data store holds no values"
        else:
            note = "the data-coverage check was switched off"
        return cls(key, key_year, ids, origin, coverage, note, check_coverage, population)


# --------------------------------------------------------------------------- file discovery


def profile_files(paths: str | Path | Sequence[str | Path] | None = None) -> list[Path]:
    """Profile files under ``paths`` (files as given; folders: their ``*.yaml``/``*.yml``, sorted).

    Default: :func:`rvanalytics.paths.cities_dir`. Hidden files and names starting
    with ``_`` are skipped in folders.
    """
    from rvanalytics.paths import cities_dir

    if paths is None:
        paths = [cities_dir()]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.suffix in (".yaml", ".yml") and f.is_file() and not f.name.startswith((".", "_"))
            )
            files.extend(found)
        else:
            files.append(p)
    return files


# --------------------------------------------------------------------------- checks


class _Collector:
    def __init__(self, file: str, lines: dict[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.issues: list[Issue] = []

    def add(self, severity: Severity, path: Path_, message: str, fix: str, line: int | None = None) -> None:
        if line is None:
            line = line_for(self.lines, path)
        self.issues.append(Issue(severity, self.file, line, format_path(path), message, fix))

    def error(self, path: Path_, message: str, fix: str, line: int | None = None) -> None:
        self.add("error", path, message, fix, line)

    def warning(self, path: Path_, message: str, fix: str, line: int | None = None) -> None:
        self.add("warning", path, message, fix, line)

    def info(self, path: Path_, message: str, fix: str, line: int | None = None) -> None:
        self.add("info", path, message, fix, line)


def _clean_loc(loc: tuple[Any, ...]) -> Path_:
    out = list(loc)
    if len(out) >= 2 and out[0] in _UNION_FIELDS and out[1] in UNION_TAGS:
        del out[1]
    return tuple(out)


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _pydantic_issues(err: ValidationError, out: _Collector) -> None:
    for e in err.errors(include_url=False):
        path = _clean_loc(e["loc"])
        kind = e["type"]
        name = path[-1] if path else ""
        if kind == "missing":
            message = f"required field {name!r} is missing"
            fix = f"add `{name}: ...` here (see docs/cities.md)"
        elif kind == "extra_forbidden":
            close = difflib.get_close_matches(str(name), _ALL_FIELDS, n=1)
            message = f"unknown field {name!r}"
            fix = f"did you mean {close[0]!r}?" if close else "remove it; the allowed fields are listed in docs/cities.md"
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            message = f"{_short(e.get('input'))} is not allowed"
            fix = f"use one of {expected}"
        elif kind == "string_pattern_mismatch" and path[-1:] == ("code",):
            message = f"municipality code {_short(e.get('input'))} is not a 3-digit code"
            fix = 'write the code as a quoted 3-digit string, e.g. "091"'
        elif kind == "string_pattern_mismatch" and path[-1:] == ("id",):
            message = f"target id {_short(e.get('input'))} may contain only a-z, 0-9, '-' and '_'"
            fix = "use a short lower-case id such as 'hel-cn-2030'"
        else:
            message = f"{e['msg']} (got {_short(e.get('input'))})"
            fix = "correct the value (the format is described in docs/cities.md)"
            if name in _UNION_FIELDS or (len(path) == 1 and path[0] in _UNION_FIELDS):
                fix = f"give the {path[0]} fields, or `{path[0]}: {{unknown: \"why it is not known\"}}`"
        out.error(path, message, fix)


def _is_pct_out(value: float | None) -> bool:
    return value is not None and not (0 <= value <= 100)


def _check_city(profile: CityProfile, path: Path, ctx: CheckContext, out: _Collector) -> None:
    code = profile.city.code
    if code not in set(ctx.key["code"]):
        fix = f"use the code of a municipality in the {ctx.key_year} key (e.g. `rvanalytics cities new 091` shows one)"
        for year in range(ctx.key_year - 1, 2012, -1):
            try:
                old = municipality_key(year)
            except RvanalyticsError:
                break
            hit = old[old["code"] == code]
            if not hit.empty:
                fix = (
                    f"{code} was {hit['name_fi'].iloc[0]} until {year}; it no longer exists in {ctx.key_year}: "
                    "use the code of the municipality it merged into"
                )
                break
        out.error(("city", "code"), f"unknown municipality code {code!r} (not in the {ctx.key_year} municipality key)", fix)
    given = profile.city.size_class
    if code in ctx.population:
        from rvanalytics.key import size_class

        year, pop = ctx.population[code]
        derived = str(size_class(pop))
        if given is not None and given != derived:
            out.warning(
                ("city", "size_class"),
                f"size class {given!r} does not match the population {int(pop)} in {year} ({derived!r})",
                f'set size_class: "{derived}" or null',
            )
    stem = path.name
    if not stem.startswith(f"{code}-"):
        out.warning(
            ("city", "code"),
            f"the file name {stem!r} does not start with the code {code}-",
            f"rename the file to '{code}-<name>.yaml'",
        )


def _check_people(profile: CityProfile, out: _Collector) -> None:
    if isinstance(profile.people, Unknown):
        out.warning(
            ("people",),
            "the people assigned to the work are marked unknown",
            "list the 2-4 people from the city's background document",
        )
        return
    n = len(profile.people)
    if n < 2 or n > 4:
        out.warning(
            ("people",),
            f"{n} people are listed; the background document names 2-4",
            "list 2-4 people (or write `people: {unknown: \"why\"}` when not known)",
        )
    for i, person in enumerate(profile.people):
        if person.email is not None and not _EMAIL.match(person.email):
            out.warning(("people", i, "email"), f"{person.email!r} does not look like an e-mail address", "correct it")
        if person.publish and not person.name:
            out.warning(("people", i, "publish"), "publish is true but no name is given", "add the name or set publish: false")


def _check_indicator(ind: str, path: Path_, ctx: CheckContext, out: _Collector) -> None:
    if ind not in ctx.indicators:
        close = difflib.get_close_matches(ind, sorted(ctx.indicators), n=1, cutoff=0.6)
        fix = f"did you mean {close[0]!r}?" if close else "use an id of the indicator catalogue or null"
        out.error(path, f"indicator id {ind!r} is not in {ctx.indicators_origin}", fix)


def _coverage(ctx: CheckContext, indicator: str, code: str) -> tuple[int, int, str] | None:
    cov = ctx.coverage
    if cov is None:
        return None
    rows = cov[(cov["indicator"] == indicator) & (cov["code"] == code)]
    where = f"municipality {code}"
    if rows.empty:
        rows = cov[(cov["indicator"] == indicator) & (cov["code"] == "*")]
        where = "any area"
    if rows.empty:
        return None
    return int(rows["first_year"].iloc[0]), int(rows["last_year"].iloc[0]), where


def _check_ranges(t: Target, at: Path_, out: _Collector) -> bool:
    """Years within :data:`YEAR_RANGE`, values finite and within :data:`MAX_ABS_VALUE`; False if any is not."""
    ok = True
    low, high = YEAR_RANGE
    years = [(("baseline_year",), t.baseline_year), (("target_year",), t.target_year)]
    years += [(("interim_targets", j, "year"), it.year) for j, it in enumerate(t.interim_targets)]
    for where, year in years:
        if year is not None and not low <= year <= high:
            out.error(at + where, f"year {year} is outside {low}-{high}", "write the four-digit year stated in the source")
            ok = False
    values = [(("baseline_value",), t.baseline_value), (("target_value",), t.target_value),
              (("compensation_share_pct",), t.compensation_share_pct)]
    values += [(("interim_targets", j, "value"), it.value) for j, it in enumerate(t.interim_targets)]
    for where, value in values:
        if value is None:
            continue
        if not math.isfinite(value):
            out.error(at + where, f"{value!r} is not a finite number", "give the number stated in the source, or null when it is not stated")
            ok = False
        elif abs(value) > MAX_ABS_VALUE:
            out.error(at + where, f"{value:g} is beyond any plausible value (more than {MAX_ABS_VALUE:g} in size)",
                      "check the unit and the number against the source, or write null")
            ok = False
    return ok


def _check_targets(profile: CityProfile, ctx: CheckContext, out: _Collector) -> None:
    seen_ids: dict[str, int] = {}
    code = profile.city.code
    for i, t in enumerate(profile.targets):
        at: Path_ = ("targets", i)
        if not _check_ranges(t, at, out):
            continue
        if t.id in seen_ids:
            out.error(at + ("id",), f"target id {t.id!r} is used twice (also targets[{seen_ids[t.id]}])", "give each target its own id")
        seen_ids.setdefault(t.id, i)
        if t.baseline_year is not None and t.target_year <= t.baseline_year:
            out.error(
                at + ("target_year",),
                f"target year {t.target_year} is not after baseline year {t.baseline_year}",
                "check both years against the source; the target year is when the target is to be reached",
            )
        if t.indicator is not None:
            _check_indicator(t.indicator, at + ("indicator",), ctx, out)
        elif t.kind != "qualitative":
            out.warning(at + ("indicator",), f"a {t.kind} target has no indicator, so no metric can track it", "set the indicator id that measures it")
        pct = t.kind in PERCENT_KINDS
        if pct and _is_pct_out(t.target_value):
            out.error(at + ("target_value",), f"percentage {t.target_value:g} is outside 0-100", f"a {t.kind} value is a percentage between 0 and 100")
        if t.kind == "rate" and _is_pct_out(t.baseline_value):
            out.error(at + ("baseline_value",), f"percentage {t.baseline_value:g} is outside 0-100", "a rate is a percentage between 0 and 100")
        if _is_pct_out(t.compensation_share_pct):
            out.error(
                at + ("compensation_share_pct",),
                f"percentage {t.compensation_share_pct:g} is outside 0-100",
                "give the share of emissions allowed to be compensated, 0-100",
            )
        if (
            t.target_value is not None
            and t.compensation_share_pct is not None
            and t.kind in ("pct_reduction", "carbon_neutrality")
            and t.target_value + t.compensation_share_pct > 100 + 1e-9
        ):
            out.warning(
                at + ("compensation_share_pct",),
                f"reduction {t.target_value:g} % plus compensation {t.compensation_share_pct:g} % exceeds 100 %",
                "check both shares against the source",
            )
        if t.kind == "pct_reduction" and t.baseline_year is None:
            out.error(at + ("baseline_year",), "a percentage reduction needs a baseline year", "add the baseline year stated in the source")
        if t.kind in ("pct_reduction", "rate", "absolute", "per_capita") and t.target_value is None:
            out.error(at + ("target_value",), f"a {t.kind} target needs a target value", "add the value, or use kind 'qualitative'")
        if t.kind == "carbon_neutrality" and t.target_value is not None and t.baseline_year is None:
            out.warning(at + ("baseline_year",), "a reduction share is given without its baseline year", "add the baseline year or note why it is unknown")
        for j, it in enumerate(t.interim_targets):
            ipath = at + ("interim_targets", j)
            if pct and _is_pct_out(it.value):
                out.error(ipath + ("value",), f"percentage {it.value:g} is outside 0-100", "use a percentage between 0 and 100")
            low = t.baseline_year if t.baseline_year is not None else -math.inf
            if not (low < it.year < t.target_year):
                out.error(
                    ipath + ("year",),
                    f"interim year {it.year} is not between the baseline and target years",
                    f"use a year after {t.baseline_year or 'the baseline'} and before {t.target_year}",
                )
        if not _WEB_URL.match(t.source.url):
            out.error(at + ("source", "url"), f"source url {_short(t.source.url)} is not an http(s) web address "
                      "(other schemes such as javascript: or data: are refused: a report would turn them into links)",
                      "give the http:// or https:// address of the source")
        if t.indicator is not None and t.baseline_year is not None and t.indicator in ctx.indicators:
            cov = _coverage(ctx, t.indicator, code)
            if cov is not None:
                first, last, where = cov
                if not first <= t.baseline_year <= last:
                    out.warning(
                        at + ("baseline_year",),
                        f"baseline year {t.baseline_year} is outside the data's coverage of {t.indicator} "
                        f"({first}-{last}, {where}); reports cannot compute the reduction from the data",
                        "give baseline_value from the city's own inventory, or note the gap in comparability_note",
                    )
    # two targets on the same indicator and year that disagree
    groups: dict[tuple[str, int], list[int]] = {}
    for i, t in enumerate(profile.targets):
        if t.indicator is not None:
            groups.setdefault((t.indicator, t.target_year), []).append(i)
    for (ind, year), idx in groups.items():
        first = profile.targets[idx[0]]
        for i in idx[1:]:
            t = profile.targets[i]
            diffs = [
                f"{name} ({getattr(first, name)!r} vs {getattr(t, name)!r})"
                for name in ("scope", "kind", "baseline_year", "target_value")
                if getattr(first, name) is not None and getattr(t, name) is not None and getattr(first, name) != getattr(t, name)
            ]
            if diffs:
                out.error(
                    ("targets", i),
                    f"targets[{idx[0]}] ({first.id}) and targets[{i}] ({t.id}) set {ind} for {year} but disagree on "
                    + ", ".join(diffs),
                    "keep the target stated in the newest strategy paper and delete or correct the other",
                )


def _check_key_sections(profile: CityProfile, ctx: CheckContext, out: _Collector) -> None:
    for name in ("key_measure", "key_problem", "responsible_unit"):
        source = getattr(getattr(profile, name), "source", None)
        if source is not None and not _WEB_URL.match(source.url):
            out.error((name, "source", "url"), f"source url {_short(source.url)} is not an http(s) web address",
                      "give the http:// or https:// address of the source")
    if isinstance(profile.key_measure, KeyMeasure):
        for j, ind in enumerate(profile.key_measure.indicators):
            _check_indicator(ind, ("key_measure", "indicators", j), ctx, out)
    else:
        out.info(("key_measure",), "the key measure is marked unknown", "add it from the background document")
    if isinstance(profile.key_problem, Unknown):
        out.info(("key_problem",), "the key problem is marked unknown", "add it from the background document")
    if not profile.targets:
        out.warning(("targets",), "no targets are listed", "add the targets of the city's strategy papers")


def _unquoted_code(data: dict[str, Any], raw: dict[Path_, str], out: _Collector) -> None:
    """``code: 020`` is read by YAML as the number 16 (octal): use the text as written, and warn."""
    city = data.get("city")
    if not isinstance(city, dict) or isinstance(city.get("code"), str) or "code" not in city:
        return
    text = raw.get(("city", "code"), "")
    if re.fullmatch(r"\d{1,3}", text):
        city["code"] = text.zfill(3)
        out.warning(
            ("city", "code"),
            f"the code {text} is not quoted: YAML reads unquoted numbers with leading zeros wrongly (020 is 16)",
            f'write it as a quoted string: code: "{text.zfill(3)}"',
        )


def validate_text(
    text: str, file: str | Path, ctx: CheckContext
) -> tuple[CityProfile | None, list[Issue], dict[Path_, int]]:
    """Check one profile's text; return the profile (None if structurally invalid), issues and line map."""
    file = Path(file)
    parsed = parse_yaml(text)
    out = _Collector(str(file), parsed.lines)
    for p in parsed.problems:
        out.error(p.path, p.message, p.fix, line=p.line)
    if parsed.data is None:
        return None, out.issues, parsed.lines
    if not isinstance(parsed.data, dict):
        out.error((), f"the file holds a {type(parsed.data).__name__}, not a profile mapping", "start from `rvanalytics cities new CODE`", line=1)
        return None, out.issues, parsed.lines
    _unquoted_code(parsed.data, parsed.raw, out)
    try:
        profile = CityProfile.model_validate(parsed.data)
    except ValidationError as err:
        _pydantic_issues(err, out)
        return None, out.issues, parsed.lines
    _check_city(profile, file, ctx, out)
    _check_people(profile, out)
    _check_targets(profile, ctx, out)
    _check_key_sections(profile, ctx, out)
    return profile, out.issues, parsed.lines


def _read(file: Path, out: list[Issue]) -> str | None:
    try:
        return file.read_text(encoding="utf-8-sig")  # a BOM from Windows editors is dropped
    except FileNotFoundError:
        out.append(Issue("error", str(file), None, "(file)", "file not found", "check the path"))
    except UnicodeDecodeError as err:
        out.append(Issue("error", str(file), None, "(file)", f"not UTF-8 text ({err.reason} at byte {err.start})", "save the file as UTF-8"))
    except OSError as err:
        out.append(Issue("error", str(file), None, "(file)", f"cannot be read ({err.strerror})", "check the file permissions"))
    return None


def _sibling_target_ids(files: Sequence[Path]) -> dict[str, Path]:
    """Target ids of the other profiles of the profiles folder (:func:`rvanalytics.paths.cities_dir`).

    A report reads one city's file only; a target id that another profile of the same
    folder uses too must still be caught, since ids identify targets in every output.
    Other folders (e.g. a folder of test fixtures) are not a set of profiles and are not read;
    the other files' own errors are ignored.
    """
    from rvanalytics.paths import cities_dir

    home = cities_dir().resolve()
    given = {f.resolve() for f in files}
    out: dict[str, Path] = {}
    for folder in sorted({f.parent for f in files}):
        if not folder.is_dir() or folder.resolve() != home:
            continue
        for other in profile_files(folder):
            if other.resolve() in given:
                continue
            try:
                data = parse_yaml(other.read_text(encoding="utf-8-sig")).data
            except (OSError, UnicodeDecodeError):
                continue
            targets = data.get("targets") if isinstance(data, dict) else None
            for t in targets if isinstance(targets, list) else []:
                if isinstance(t, dict) and isinstance(t.get("id"), str):
                    out.setdefault(t["id"], other)
    return out


def _validate(
    paths: str | Path | Sequence[str | Path] | None, ctx: CheckContext
) -> tuple[list[tuple[Path, CityProfile]], list[Issue]]:
    issues: list[Issue] = []
    good: list[tuple[Path, CityProfile]] = []
    files = profile_files(paths)
    codes: dict[str, Path] = {}
    given = [paths] if isinstance(paths, (str, Path)) else list(paths or [])
    only_some = any(Path(p).is_file() for p in given)
    target_ids: dict[str, Path] = _sibling_target_ids(files) if only_some else {}
    for file in files:
        text = _read(file, issues)
        if text is None:
            continue
        profile, found, lines = validate_text(text, file, ctx)
        issues.extend(found)
        if profile is None:
            continue
        code = profile.city.code
        if code in codes:
            issues.append(
                Issue("error", str(file), line_for(lines, ("city", "code")), "city.code",
                      f"municipality {code} already has a profile in {codes[code]}", "merge the two files into one")
            )
        codes.setdefault(code, file)
        for i, t in enumerate(profile.targets):
            if t.id in target_ids and target_ids[t.id] != file:
                issues.append(
                    Issue("error", str(file), line_for(lines, ("targets", i, "id")), f"targets[{i}].id",
                          f"target id {t.id!r} is also used in {target_ids[t.id]}", "start target ids with the city's short name")
                )
            target_ids.setdefault(t.id, file)
        good.append((file, profile))
    if ctx.coverage is None and files and ctx.coverage_wanted:
        issues.append(Issue("info", str(files[0].parent), None, "(all files)",
                            f"baseline years were not checked against the data's coverage: {ctx.coverage_note}",
                            "build the store to enable this check"))
    if not files:
        issues.append(Issue("warning", str(paths), None, "(files)", "no profile files found", "give a folder with <code>-<name>.yaml files"))
    return good, issues


def validate_profiles(
    paths: str | Path | Sequence[str | Path] | None = None,
    *,
    key: pd.DataFrame | None = None,
    key_year: int = DEFAULT_KEY_YEAR,
    indicators: Iterable[str] | None = None,
    panel: pd.DataFrame | None = None,
    store: str | Path | None = None,
    check_coverage: bool = True,
) -> list[Issue]:
    """Check profile files and return every problem found.

    Parameters
    ----------
    paths : path or list of paths, optional
        Profile files and/or folders of them; default ``data/cities`` (:func:`rvanalytics.paths.cities_dir`).
    key : DataFrame, optional
        Municipality key to check codes against; default ``rvanalytics.key.load_key(key_year)``.
    key_year : int
        Municipal division the codes must exist in (default 2026).
    indicators : iterable of str, optional
        Known indicator ids; default the indicator catalogue.
    panel : DataFrame, optional
        Panel to take data coverage from; default the store's (skipped with an info note if none is built).
    store : path, optional
        Store location.
    check_coverage : bool
        Set False to skip the baseline-year coverage check.

    Returns
    -------
    list of Issue
        Errors, warnings and info notes, in file order. No errors means the files can be loaded.

    Examples
    --------
    >>> issues = validate_profiles()            # the real profiles in data/cities
    >>> [i for i in issues if i.severity == "error"]
    []
    """
    ctx = CheckContext.build(
        key=key, key_year=key_year, indicators=indicators, panel=panel, store=store, check_coverage=check_coverage
    )
    return _validate(paths, ctx)[1]

