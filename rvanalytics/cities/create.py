"""Writing profiles: a skeleton from the municipality key, and import from a coordinator's spreadsheet.

Files written here start with a header line
``# rvanalytics-generated <tool> sha256=<hash of the rest of the file>``. When the file
is later edited by hand, the hash no longer matches and :func:`import_spreadsheet`
refuses to overwrite it unless ``overwrite=True``. All writes are atomic.

The two spreadsheet layouts (one row per city; one row per target) are described in
``docs/cities.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from rvanalytics.atomic import atomic_write_text
from rvanalytics.cities.load import TARGET_COLUMNS
from rvanalytics.cities.references import (
    DEFAULT_KEY_YEAR,
    latest_population,
    municipality_key,
    panel_or_reason,
)
from rvanalytics.cities.schema import SIZE_CLASSES, CityProfile
from rvanalytics.cities.validate import CheckContext, Issue, _clean_loc, validate_text
from rvanalytics.cities.yamlio import dump_yaml, format_path, hash_state, with_hash_header
from rvanalytics.exceptions import DataFileError, ProfileError

__all__ = [
    "CITY_FIELDS",
    "PERSON_FIELDS",
    "TARGET_FIELDS",
    "ImportResult",
    "import_spreadsheet",
    "new_profile",
    "new_profile_text",
    "profile_path",
    "read_spreadsheet",
    "render_profile",
    "slugify",
    "spreadsheet_profiles",
]

#: City-level spreadsheet columns (both layouts).
CITY_FIELDS: tuple[str, ...] = (
    "code",
    "application_date",
    "size_class",
    "key_measure_title",
    "key_measure_description",
    "key_measure_status",
    "key_measure_themes",
    "key_measure_indicators",
    "key_problem_description",
    "key_problem_themes",
)
#: Per-person columns, used as ``person1_role`` ... ``person4_publish``.
PERSON_FIELDS: tuple[str, ...] = ("role", "responsibility", "organisation", "name", "email", "publish")
#: Per-target columns: plain in the one-row-per-target layout (``target_id`` for ``id``),
#: ``target1_id``, ``target1_theme`` ... in the one-row-per-city layout. The columns of the
#: targets table (:data:`rvanalytics.cities.load.TARGET_COLUMNS`) without those about the city.
TARGET_FIELDS: tuple[str, ...] = (
    "id",
    *(c for c in TARGET_COLUMNS if c not in ("city_code", "city_name", "target_id", "text_language")),
)
_MAX_PEOPLE = 4
_UNREADABLE = "!unreadable"  # provenance marker: a cell of this city could not be converted
_TRUE = {"yes", "y", "true", "1", "x", "kyllä", "k", "ja"}
_FALSE = {"no", "n", "false", "0", "ei", "nej", ""}


def slugify(name: str) -> str:
    """File-name part of a municipality name.

    Examples
    --------
    >>> slugify("Jyväskylä"), slugify("Pedersöre - Pedersören kunta"), slugify("Maarianhamina - Mariehamn")
    ('jyvaskyla', 'pedersore-pedersoren-kunta', 'maarianhamina-mariehamn')
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "city"


def _key_row(code: str, year: int, key: pd.DataFrame | None, source: str | Path) -> pd.Series:
    key = municipality_key(year) if key is None else key
    hit = key[key["code"] == code]
    if hit.empty:
        raise ProfileError(
            source,
            f"unknown municipality code {code!r} (not in the {year} municipality key)",
            'give a 3-digit code of that year, e.g. "091" for Helsinki',
            column="code",
        )
    return hit.iloc[0]


def profile_path(out_dir: str | Path, code: str, name_fi: str) -> Path:
    """``<out_dir>/<code>-<slug>.yaml``, or the existing file for ``code`` if there is one."""
    out_dir = Path(out_dir)
    existing = sorted(out_dir.glob(f"{code}-*.yaml")) if out_dir.is_dir() else []
    return existing[0] if existing else out_dir / f"{code}-{slugify(name_fi)}.yaml"


def _names_comment(row: pd.Series, year: int) -> str:
    return (
        f"# City profile: {row['name_fi']} ({row['code']}); sv {row['name_sv']}, en {row['name_en']}; "
        f"region {row['region_name_fi']} ({row['region_code']}); municipality key {year}.\n"
        "# Names and region are read from the municipality key: do not type them here.\n"
        "# Format and the unknown-fact convention: docs/cities.md. Check: rvanalytics cities validate <file>\n"
    )


def _size_class_from_data(code: str, store: str | Path | None) -> tuple[str | None, str]:
    """Size class from the latest population in the store's panel, if one is built."""
    from rvanalytics.key import size_class

    panel, _ = panel_or_reason(store=store)
    latest = latest_population(panel) if panel is not None else {}
    if code not in latest:
        return None, "no population data: set one of " + ", ".join(repr(s) for s in SIZE_CLASSES)
    year, pop = latest[code]
    return str(size_class(pop)), f"from population {int(pop)} in {year}"


def new_profile_text(
    code: str,
    *,
    year: int = DEFAULT_KEY_YEAR,
    key: pd.DataFrame | None = None,
    store: str | Path | None = None,
) -> str:
    """A valid skeleton profile for ``code`` with every field to fill shown and explained.

    Examples
    --------
    >>> text = new_profile_text("091")
    >>> 'code: "091"' in text and "Helsingfors" in text
    True
    """
    code = str(code).strip().zfill(3)
    row = _key_row(code, year, key, f"municipality key {year}")
    size, size_note = _size_class_from_data(code, store)
    size_text = f'"{size}"' if size else "null"
    body = (
        _names_comment(row, year)
        + f"""schema_version: 1
text_language: fi  # language of the quotes and notes below: fi, sv or en
city:
  code: "{code}"
  application_date: null  # date of the application, e.g. 2026-03-15; null = unknown
  size_class: {size_text}  # {size_note}
people:
  unknown: "not filled in yet"
  # Replace the line above with the 2-4 people of the background document, e.g.:
  # - role: "Environment director"          # role title
  #   responsibility: "Leads the climate programme"
  #   organisation: "City of {row['name_fi']}"
  #   name: null                           # optional
  #   email: null                          # optional
  #   publish: false                       # true = name and e-mail may appear in published reports
targets: []
  # Replace [] above with the targets of the strategy papers, e.g.:
  # - id: xxx-cn-2030                      # unique: city short name, theme, year
  #   theme: climate                       # climate, energy, transport, waste, circular_economy, consumption,
  #                                        # land_use, nature, water, procurement, cross_cutting
  #   indicator: ghg_hinku_total_kt        # indicator id of the catalogue, or null
  #   scope: hinku                         # hinku, alas_total, city_inventory, consumption_based, other
  #   kind: pct_reduction                  # pct_reduction, absolute, per_capita, rate, carbon_neutrality, qualitative
  #   baseline_year: 2007                  # null = not stated
  #   baseline_value: null                 # optional when the data can supply it
  #   target_year: 2030
  #   target_value: 80                     # % reduction for pct_reduction/carbon_neutrality; null = not stated
  #   compensation_share_pct: null         # share allowed to be compensated (carbon neutrality)
  #   interim_targets: []                  # e.g. [{{year: 2025, value: 50}}]
  #   source:
  #     title: "Strategy paper title"
  #     url: "https://..."
  #     quote: "Short quote stating the target."
  #     quote_kind: verbatim               # verbatim (the source's words) or paraphrase (your summary)
  #   comparability_note: ""               # how the baseline/scope differs from other cities
key_measure:
  unknown: "not filled in yet"
  # Replace the line above with:
  # title: "..."
  # description: "..."
  # status: started                        # started or planned
  # themes: [transport]
  # indicators: [road_transport_ghg_kt]    # indicator ids it should move
key_problem:
  unknown: "not filled in yet"
  # Replace the line above with:
  # description: "..."
  # themes: [land_use]
"""
    )
    return with_hash_header(body, "new")


def new_profile(
    code: str,
    out_dir: str | Path | None = None,
    *,
    year: int = DEFAULT_KEY_YEAR,
    key: pd.DataFrame | None = None,
    store: str | Path | None = None,
) -> Path:
    """Write :func:`new_profile_text` to ``<out_dir>/<code>-<slug>.yaml``; never overwrites.

    Raises
    ------
    ProfileError
        If a profile for ``code`` already exists in ``out_dir``.
    """
    from rvanalytics.paths import cities_dir

    out_dir = Path(out_dir) if out_dir is not None else cities_dir()
    code = str(code).strip().zfill(3)
    row = _key_row(code, year, key, f"municipality key {year}")
    target = profile_path(out_dir, code, str(row["name_fi"]))
    if target.exists():
        raise ProfileError(target, f"a profile for {code} already exists", "edit that file, or delete it first")
    return atomic_write_text(target, new_profile_text(code, year=year, key=key, store=store))


# --------------------------------------------------------------------------- spreadsheet import


def read_spreadsheet(path: str | Path) -> pd.DataFrame:
    """Read a coordinator's ``.xlsx``/``.csv`` as text cells with normalised column names.

    Column names are lower-cased, trimmed, with spaces and hyphens turned into ``_``.
    Empty cells are ``""``. A ``row`` column gives the spreadsheet row number (header = 1).
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found", "check the path")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, sheet_name=0)
        elif suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=None, engine="python")
        else:
            raise DataFileError(path, f"unsupported file type {suffix!r}", "save the spreadsheet as .xlsx or .csv (UTF-8)")
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise DataFileError(path, f"cannot be read as a spreadsheet ({err})", "save it as .xlsx or UTF-8 .csv") from err
    df = df.astype(object).where(df.notna(), "")
    df.columns = [re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in df.columns]
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dupes:
        raise DataFileError(path, f"column(s) {dupes} appear twice", "keep one column of each name", row=1)
    df = df.map(lambda v: str(v).strip())
    df.insert(0, "row", range(2, len(df) + 2))
    return df[df.drop(columns="row").ne("").any(axis=1)].reset_index(drop=True)


@dataclass
class _Cell:
    row: int
    column: str


@dataclass
class _Problems:
    path: Path
    items: list[tuple[int | None, str | None, str]] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.items.append((row, column, message))

    def raise_if_any(self, fix: str) -> None:
        if not self.items:
            return
        lines = [
            (f"row {r}" if r is not None else "")
            + (f", column {c!r}" if c else "")
            + f": {m}"
            for r, c, m in self.items
        ]
        raise ProfileError(self.path, f"{len(self.items)} problem(s)", f"{fix}:\n  " + "\n  ".join(lines))


def _number(text: str, kind: Callable[[str], Any]) -> Any:
    text = text.replace("\u2212", "-").replace(" ", "").replace("%", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if kind is int:
        if not value.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        return int(value)
    return value


def _list(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[;,]", text) if x.strip()]


def _interim(text: str) -> list[dict[str, Any]]:
    out = []
    for part in re.split(r";", text):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})\s*[:=]\s*(\S+)", part)
        if not m:
            raise ValueError(f"{part!r} is not 'YEAR: VALUE' (e.g. '2025: 50; 2027: 65')")
        out.append({"year": int(m[1]), "value": _number(m[2], float)})
    return out


def _date(text: str) -> str:
    try:
        return pd.Timestamp(text).date().isoformat()
    except (ValueError, TypeError) as err:
        raise ValueError(f"{text!r} is not a date (write YYYY-MM-DD)") from err


_TARGET_CONVERT: dict[str, Callable[[str], Any]] = {
    "baseline_year": lambda s: _number(s, int),
    "target_year": lambda s: _number(s, int),
    "baseline_value": lambda s: _number(s, float),
    "target_value": lambda s: _number(s, float),
    "compensation_share_pct": lambda s: _number(s, float),
    "interim_targets": _interim,
}


class _Builder:
    """Builds one city's profile dict and remembers which cell each field came from."""

    def __init__(self, code: str, source_name: str) -> None:
        self.code = code
        self.source_name = source_name
        self.city: dict[str, tuple[str, _Cell]] = {}
        self.targets: list[dict[str, tuple[str, _Cell]]] = []
        self.people: dict[int, dict[str, tuple[str, _Cell]]] = {}

    def set_city(self, column: str, value: str, cell: _Cell, problems: _Problems) -> None:
        if not value:
            return
        old = self.city.get(column)
        if old is not None and old[0] != value:
            problems.add(cell.row, column, f"{value!r} differs from {old[0]!r} given on row {old[1].row} for city {self.code}")
            return
        self.city.setdefault(column, (value, cell))

    def set_person(self, n: int, column: str, value: str, cell: _Cell, problems: _Problems) -> None:
        if not value:
            return
        person = self.people.setdefault(n, {})
        old = person.get(column)
        if old is not None and old[0] != value:
            problems.add(cell.row, f"person{n}_{column}", f"{value!r} differs from {old[0]!r} on row {old[1].row}")
            return
        person.setdefault(column, (value, cell))

    def build(self, problems: _Problems) -> tuple[dict[str, Any], dict[str, _Cell]]:
        prov: dict[str, _Cell] = {}
        data: dict[str, Any] = {"schema_version": 1}
        n_before = len(problems.items)

        def get(fields: dict[str, tuple[str, _Cell]], name: str, path: tuple[Any, ...], convert=None) -> Any:
            if name not in fields:
                return None
            text, cell = fields[name]
            prov[format_path(path)] = cell
            if convert is None:
                return text
            try:
                return convert(text)
            except ValueError as err:
                problems.add(cell.row, cell.column, str(err))
                return None

        city = {"code": self.code}
        if "code" in self.city:
            prov["city.code"] = self.city["code"][1]
        city["application_date"] = get(self.city, "application_date", ("city", "application_date"), _date)
        city["size_class"] = get(self.city, "size_class", ("city", "size_class"))
        data["city"] = city
        unknown = {"unknown": f"not given in the spreadsheet {self.source_name}"}
        if self.people:
            people = []
            for i, n in enumerate(sorted(self.people)):
                fields = self.people[n]
                person: dict[str, Any] = {}
                for name in PERSON_FIELDS:
                    conv = _bool if name == "publish" else None
                    value = get(fields, name, ("people", i, name), conv)
                    if value is not None:
                        person[name] = value
                person.setdefault("publish", False)
                people.append(person)
            data["people"] = people
        else:
            data["people"] = unknown
        targets = []
        for i, fields in enumerate(self.targets):
            t: dict[str, Any] = {}
            for name in TARGET_FIELDS:
                if name.startswith("source_"):
                    continue
                value = get(fields, name, ("targets", i, name), _TARGET_CONVERT.get(name))
                if value is not None or name in ("indicator",):
                    t[name] = value
            t.setdefault("interim_targets", [])
            source = {}
            for name in ("title", "url", "quote", "quote_kind"):
                value = get(fields, f"source_{name}", ("targets", i, "source", name))
                if value is not None:
                    source[name] = value
            t["source"] = source
            t.setdefault("comparability_note", "")
            for name in ("baseline_year", "baseline_value", "target_value", "compensation_share_pct"):
                t.setdefault(name, None)
            order = [*TARGET_FIELDS[:11], "source", "comparability_note"]
            targets.append({k: t[k] for k in order if k in t})
            if fields:
                prov[format_path(("targets", i))] = next(iter(fields.values()))[1]
        data["targets"] = targets
        km_fields = {k[len("key_measure_") :]: v for k, v in self.city.items() if k.startswith("key_measure_")}
        if km_fields:
            km: dict[str, Any] = {}
            for name in ("title", "description", "status", "themes", "indicators"):
                conv = _list if name in ("themes", "indicators") else None
                value = get(km_fields, name, ("key_measure", name), conv)
                if value is not None:
                    km[name] = value
            data["key_measure"] = km
            prov["key_measure"] = next(iter(km_fields.values()))[1]
        else:
            data["key_measure"] = unknown
        kp_fields = {k[len("key_problem_") :]: v for k, v in self.city.items() if k.startswith("key_problem_")}
        if kp_fields:
            kp: dict[str, Any] = {}
            for name in ("description", "themes"):
                value = get(kp_fields, name, ("key_problem", name), _list if name == "themes" else None)
                if value is not None:
                    kp[name] = value
            data["key_problem"] = kp
            prov["key_problem"] = next(iter(kp_fields.values()))[1]
        else:
            data["key_problem"] = unknown
        if len(problems.items) > n_before:
            prov[_UNREADABLE] = _Cell(0, "")
        return data, prov


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no")


def _layout(columns: list[str]) -> str:
    if "target_id" in columns:
        return "per_target"
    return "per_city"


def spreadsheet_profiles(
    df: pd.DataFrame, source: str | Path, problems: _Problems | None = None
) -> tuple[str, list[tuple[dict[str, Any], dict[str, _Cell]]]]:
    """Turn spreadsheet rows into profile dicts with the cell each field came from.

    Returns the detected layout (``"per_city"`` or ``"per_target"``) and, per city in
    order of first appearance, ``(profile_dict, provenance)``. Raises :class:`ProfileError`
    listing every unreadable cell (or, when ``problems`` is given, adds them there).
    """
    source = Path(source)
    collect = problems is None
    problems = _Problems(source) if problems is None else problems
    columns = [c for c in df.columns if c != "row"]
    if "code" not in columns:
        raise ProfileError(source, "the column 'code' is missing", "add a 'code' column with 3-digit municipality codes", row=1)
    layout = _layout(columns)
    person_re = re.compile(r"^person([1-9])_(" + "|".join(PERSON_FIELDS) + r")$")
    target_re = re.compile(r"^target([0-9]+)_(" + "|".join(TARGET_FIELDS) + r")$")
    known = set(CITY_FIELDS) | ({"target_id", *TARGET_FIELDS[1:]} if layout == "per_target" else set())
    unknown_cols = [c for c in columns if c not in known and not person_re.match(c) and not (layout == "per_city" and target_re.match(c))]
    for c in unknown_cols:
        problems.add(1, c, "unknown column (the columns are listed in docs/cities.md)")
    for c in columns:
        m = person_re.match(c)
        if m and int(m[1]) > _MAX_PEOPLE:
            problems.add(1, c, f"at most {_MAX_PEOPLE} people (person1_ ... person{_MAX_PEOPLE}_)")
    problems.raise_if_any("rename or delete these columns")

    builders: dict[str, _Builder] = {}
    for rec in df.to_dict("records"):
        row = int(rec["row"])
        raw_code = rec["code"]
        if not re.fullmatch(r"\d{1,3}", raw_code):
            problems.add(row, "code", f"{raw_code!r} is not a municipality code (3 digits, e.g. 091)")
            continue
        code = raw_code.zfill(3)
        b = builders.setdefault(code, _Builder(code, source.name))
        if layout == "per_city" and code in builders and b.city.get("code") and b.city["code"][1].row != row:
            problems.add(row, "code", f"city {code} is on two rows ({b.city['code'][1].row} and {row}) in the one-row-per-city layout")
            continue
        b.city.setdefault("code", (code, _Cell(row, "code")))
        for c in columns:
            value = rec[c]
            cell = _Cell(row, c)
            if c in CITY_FIELDS and c != "code":
                b.set_city(c, value, cell, problems)
            elif m := person_re.match(c):
                b.set_person(int(m[1]), m[2], value, cell, problems)
        if layout == "per_target":
            fields = {}
            for name in TARGET_FIELDS:
                col = "target_id" if name == "id" else name
                if rec.get(col):
                    fields[name] = (rec[col], _Cell(row, col))
            if fields:
                b.targets.append(fields)
        else:
            numbered: dict[int, dict[str, tuple[str, _Cell]]] = {}
            for c in columns:
                if (m := target_re.match(c)) and rec[c]:
                    numbered.setdefault(int(m[1]), {})[m[2]] = (rec[c], _Cell(row, c))
            b.targets.extend(numbered[n] for n in sorted(numbered))
    out = [b.build(problems) for b in builders.values()]
    if collect:
        problems.raise_if_any("correct these cells in the spreadsheet and import again")
    return layout, out


def render_profile(data: dict[str, Any], name_row: pd.Series, year: int, tool: str) -> str:
    """Profile YAML text with the generated header (hash) and the names comment."""
    body = _names_comment(name_row, year) + dump_yaml(data)
    return with_hash_header(body, tool)


@dataclass
class ImportResult:
    """What :func:`import_spreadsheet` did.

    Attributes
    ----------
    layout : str
        ``"per_city"`` or ``"per_target"``.
    written : list of Path
        New or regenerated profile files.
    unchanged : list of Path
        Files whose content was already identical.
    issues : list of Issue
        Warnings and info notes of the validation of the written files.
    """

    layout: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def import_spreadsheet(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    overwrite: bool = False,
    year: int = DEFAULT_KEY_YEAR,
    key: pd.DataFrame | None = None,
    indicators: list[str] | None = None,
) -> ImportResult:
    """Turn a coordinator's spreadsheet into profile files (all or nothing).

    Parameters
    ----------
    path : path
        ``.xlsx`` or ``.csv``, one row per city or one row per target (docs/cities.md).
    out_dir : path, optional
        Folder of the profiles; default ``data/cities``.
    overwrite : bool
        Replace profiles that were edited by hand (or not generated at all). Without it,
        only files still exactly as generated are replaced.
    year : int
        Municipality key year for the names and the code check.
    key, indicators
        Reference data (default: the key of ``year`` and the indicator catalogue).

    Returns
    -------
    ImportResult

    Raises
    ------
    ProfileError
        Naming the spreadsheet row and column of every problem, or the edited files that
        would be overwritten. Nothing is written then.
    """
    from rvanalytics.paths import cities_dir

    path = Path(path)
    out_dir = Path(out_dir) if out_dir is not None else cities_dir()
    key = municipality_key(year) if key is None else key
    ctx = CheckContext.build(key=key, key_year=year, indicators=indicators, check_coverage=False)
    problems = _Problems(path)
    layout, items = spreadsheet_profiles(read_spreadsheet(path), path, problems)
    planned: list[tuple[Path, str]] = []
    for data, prov in items:
        code = data["city"]["code"]
        cell = prov.get("city.code")
        hit = key[key["code"] == code]
        if hit.empty:
            problems.add(cell.row if cell else None, "code", f"unknown municipality code {code!r} (not in the {year} key)")
            continue
        name_row = hit.iloc[0]
        if _UNREADABLE in prov:  # already reported cell by cell
            continue
        try:
            CityProfile.model_validate(data)
        except ValidationError as err:
            for e in err.errors(include_url=False):
                loc = format_path(_clean_loc(e["loc"]))
                c = _nearest_cell(prov, loc)
                problems.add(c.row if c else None, c.column if c else loc, f"{loc}: {e['msg']}")
            continue
        target = profile_path(out_dir, code, str(name_row["name_fi"]))
        text = render_profile(data, name_row, year, "import")
        _, issues, _ = validate_text(text, target, ctx)
        for issue in issues:
            if issue.severity == "error":
                c = _nearest_cell(prov, issue.field)
                problems.add(c.row if c else None, c.column if c else issue.field, f"{issue.field}: {issue.message}")
        planned.append((target, text))
    problems.raise_if_any("correct these cells in the spreadsheet and import again")

    refused = []
    for target, text in planned:
        if target.exists() and not overwrite:
            old = target.read_text(encoding="utf-8")
            if old != text and hash_state(old) != "generated":
                refused.append(f"{target} ({hash_state(old)})")
    if refused:
        raise ProfileError(
            path,
            "these profiles were edited after they were generated and would be overwritten: " + ", ".join(refused),
            "move your edits into the spreadsheet, or rerun with --overwrite to replace the files",
        )
    result = ImportResult(layout)
    for target, text in planned:
        if target.exists() and target.read_text(encoding="utf-8") == text:
            result.unchanged.append(target)
            continue
        atomic_write_text(target, text)
        result.written.append(target)
        _, issues, _ = validate_text(text, target, ctx)
        result.issues.extend(i for i in issues if i.severity != "error")
    return result


def _nearest_cell(prov: dict[str, _Cell], field_path: str) -> _Cell | None:
    probe = field_path
    while probe:
        if probe in prov:
            return prov[probe]
        probe = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", probe) if re.search(r"(\.[^.\[]*|\[\d+\])$", probe) else ""
    return prov.get("city.code")

