"""Import key measures, key problems and responsible units into city profiles from a compiled table.

The one-page background documents of the workshop series are not public, so the table
``city-key-measures/city_key_measures.csv`` (recorded data) holds what each city *highlights in its
public documents*: one row per city and field (``key_measure``, ``key_problem``,
``responsible_role``) with English and Finnish paraphrases, the source URL, the source's date and
a confidence. :func:`import_key_measures` writes them into the profiles with
``basis: public_documents``, so reports label them as such and never as the background document.
People stay unknown (the table has roles only).

Themes: the table has none. Each entry gets the profile themes whose words occur in its English
paraphrase (:data:`THEME_WORDS`; a documented word list, so the classification is ours and
reproducible, not the city's); an entry without any of them that speaks of climate or emissions
goes under ``climate``, any other gets no theme. The source title is the web address's host.

Examples
--------
>>> from rvanalytics.paths import recorded_dir
>>> rows = read_key_measures(recorded_dir() / "city-key-measures/city_key_measures.csv")
>>> len(rows), sorted(rows["field"].unique())
(30, ['key_measure', 'key_problem', 'responsible_role'])
>>> themes_of("Transport: the most challenging sector")
['transport']
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import yaml

from rvanalytics.exceptions import DataFileError, ProfileError
from rvanalytics.readers._common import read_text, require_columns

__all__ = ["THEME_WORDS", "KeyMeasureImport", "import_key_measures", "read_key_measures", "themes_of"]

COLUMNS = ("code", "city", "field", "paraphrase_en", "paraphrase_fi", "source_url", "source_date", "confidence")
FIELDS = {"key_measure": "key_measure", "key_problem": "key_problem", "responsible_role": "responsible_unit"}
#: Profile theme -> words (regular expressions, case-insensitive) that put an entry under it.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    "transport": (r"\btransport", r"\btraffic", r"\bmobility"),
    "energy": (r"\benergy", r"\bheat", r"\bcoal\b", r"\bcombustion", r"\brenewable"),
    "circular_economy": (r"\bcircular",),
    "consumption": (r"\bresource[- ]wis",),
    "land_use": (r"\bgrowth\b", r"\bland use", r"\bhousing"),
    "cross_cutting": (r"\broadmap", r"\bprogramme\b"),
}


def themes_of(text: str) -> list[str]:
    """Profile themes whose words occur in ``text`` (see :data:`THEME_WORDS`), in that order.

    Text that names none of them but speaks of climate goes under ``climate``.
    """
    found = [theme for theme, words in THEME_WORDS.items() if any(re.search(w, text, re.IGNORECASE) for w in words)]
    if not found and re.search(r"\bclimate|\bemission", text, re.IGNORECASE):
        found = ["climate"]
    return found


def read_key_measures(path: str | Path) -> pd.DataFrame:
    """Read and check the compiled table; one row per city and field.

    Raises
    ------
    DataFileError
        Missing columns, a code that is not 1-3 digits, an unknown field, a repeated city and
        field, an empty paraphrase, or a source that is not an http(s) address (file, row, fix).
    """
    path = Path(path)
    text, _ = read_text(path)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as CSV ({err})", "save it as comma-separated UTF-8") from None
    require_columns(table, COLUMNS, path, "key measures table")

    def fail(mask: pd.Series, column: str, problem: str, fix: str) -> None:
        if mask.any():
            pos = int(np.flatnonzero(mask.to_numpy())[0])
            raise DataFileError(path, problem.format(value=table[column].iloc[pos]), fix, row=pos + 2, column=column)

    fail(~table["code"].str.strip().str.fullmatch(r"\d{1,3}"), "code", "{value!r} is not a municipality code",
         "give the 3-digit Statistics Finland code")
    table["code"] = table["code"].str.strip().str.zfill(3)
    fail(~table["field"].isin(list(FIELDS)), "field", "field {value!r} is not one of " + ", ".join(FIELDS),
         "use key_measure, key_problem or responsible_role")
    fail(table.duplicated(["code", "field"]), "field", "{value!r} appears twice for the same city",
         "keep one row per city and field")
    for column in ("paraphrase_en", "paraphrase_fi", "source_date"):
        fail(table[column].str.strip() == "", column, "the cell is empty", f"fill in {column}")
    fail(~table["source_url"].str.match(r"^https?://\S+$"), "source_url", "{value!r} is not an http(s) address",
         "give the address of the public document")
    fail(~table["confidence"].isin(["high", "medium", "low"]), "confidence", "{value!r} is not high, medium or low",
         "use high, medium or low")
    return table


def _section(row: pd.Series, field: str) -> dict[str, Any]:
    """The profile section of one table row (English text, Finnish translation, source)."""
    section: dict[str, Any] = {"description": row["paraphrase_en"].strip()}
    if field != "responsible_role":
        section["themes"] = themes_of(row["paraphrase_en"])
    section |= {
        "basis": "public_documents",
        "translations": {"fi": row["paraphrase_fi"].strip()},
        "source": {"title": urlsplit(row["source_url"]).netloc.removeprefix("www."), "url": row["source_url"],
                   "date": row["source_date"], "confidence": row["confidence"]},
    }
    return section


def _replace_top_level(text: str, key: str, block: str) -> str:
    """``text`` with the top-level YAML block ``key:`` replaced by ``block`` (appended when absent).

    Only the block is rewritten; the other lines, comments included, stay as they are.
    """
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}\s*:", line)), None)
    if start is None:
        return text.rstrip("\n") + "\n" + block
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t", "#")) or not lines[end].strip()):
        end += 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def _dump(key: str, section: dict[str, Any]) -> str:
    return yaml.safe_dump({key: section}, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class KeyMeasureImport:
    """What :func:`import_key_measures` did: profiles written and sections set per profile."""

    written: list[Path]
    sections: dict[str, list[str]]
    skipped: list[str]


def import_key_measures(table_path: str | Path, profiles_dir: str | Path | None = None, *,
                        dry_run: bool = False) -> KeyMeasureImport:
    """Write the table's key measures, key problems and responsible units into the profiles.

    Every profile is validated after the change and written atomically; a profile that would
    not validate is not written (:class:`ProfileError` naming it). Cities in the table without a
    profile are listed in ``skipped``.
    """
    from rvanalytics.atomic import atomic_write_text
    from rvanalytics.cities import profile_files
    from rvanalytics.cities.validate import CheckContext, validate_text

    table = read_key_measures(table_path)
    ctx = CheckContext.build(check_coverage=False)
    files = {p.name.split("-", 1)[0]: p for p in profile_files(profiles_dir)}
    written, sections, skipped = [], {}, []
    for code, rows in table.groupby("code", sort=False):
        path = files.get(code)
        if path is None:
            skipped.append(code)
            continue
        text = path.read_text(encoding="utf-8")
        for row in rows.itertuples(index=False):
            key = FIELDS[row.field]
            text = _replace_top_level(text, key, _dump(key, _section(pd.Series(row._asdict()), row.field)))
        _, found, _ = validate_text(text, path, ctx)
        issues = [i for i in found if i.severity == "error"]
        if issues:
            raise ProfileError(path, f"would not validate after the import: {issues[0]}",
                               "fix the table row or the profile, then import again")
        sections[code] = [FIELDS[f] for f in rows["field"]]
        if not dry_run:
            atomic_write_text(path, text)
            written.append(path)
    return KeyMeasureImport(written=written, sections=sections, skipped=skipped)
