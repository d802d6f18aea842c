"""Key measures, key problems and responsible units imported from the compiled public-documents table."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from rvanalytics.cities import load_cities
from rvanalytics.cities.key_measures import import_key_measures, read_key_measures, themes_of
from rvanalytics.cities.load import key_sections
from rvanalytics.exceptions import DataFileError
from rvanalytics.paths import cities_dir

TABLE = "city-key-measures/city_key_measures.csv"
HEADER = "code,city,field,paraphrase_en,paraphrase_fi,source_url,source_date,confidence\n"


def test_profiles_carry_every_row_of_the_table(recorded_dir: Path):
    """The committed profiles hold the table's texts, sources and dates, marked as public documents."""
    with open(recorded_dir / TABLE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    profiles = {p.city.code: p for p in load_cities().profiles}
    fields = {"key_measure": "key_measure", "key_problem": "key_problem", "responsible_role": "responsible_unit"}
    for row in rows:
        section = key_sections(profiles[row["code"]])[fields[row["field"]]]
        assert section["known"] and section["basis"] == "public_documents"
        assert section["description"] == row["paraphrase_en"].strip()
        assert section["translations"] == {"fi": row["paraphrase_fi"].strip()}
        assert section["source"]["url"] == row["source_url"] and section["source"]["date"] == row["source_date"]
        assert section["source"]["confidence"] == row["confidence"]
    assert len(rows) == 30
    # people stay unknown: the table has roles only
    assert not any(p.people_known for p in profiles.values())


def test_import_is_idempotent_and_dry_run_writes_nothing(recorded_dir: Path, tmp_path: Path):
    folder = tmp_path / "cities"
    shutil.copytree(cities_dir(), folder)
    before = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    dry = import_key_measures(recorded_dir / TABLE, folder, dry_run=True)
    assert dry.written == [] and len(dry.sections) == 10
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before
    again = import_key_measures(recorded_dir / TABLE, folder)
    assert len(again.written) == 10
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before  # the committed profiles are its output


def test_themes_from_documented_words():
    assert themes_of("Road transport: the most challenging sector") == ["transport"]
    assert themes_of("Espoo Clean Heat: decarbonise district heating") == ["energy"]
    assert themes_of("Circular Turku, a roadmap toward resource wisdom") == ["circular_economy", "consumption",
                                                                            "cross_cutting"]
    assert themes_of("The Climate Partnership network") == ["climate"]
    assert themes_of("Something else entirely") == []


@pytest.mark.parametrize(("line", "message"), [
    ("KU091,Helsinki,key_measure,a,b,https://x.fi,2024,high", "is not a municipality code"),
    ("091,Helsinki,key_idea,a,b,https://x.fi,2024,high", "field 'key_idea' is not one of"),
    ("091,Helsinki,key_measure,,b,https://x.fi,2024,high", "the cell is empty"),
    ("091,Helsinki,key_measure,a,b,javascript:alert(1),2024,high", r"is not an http\(s\) address"),
    ("091,Helsinki,key_measure,a,b,https://x.fi,2024,sure", "is not high, medium or low"),
])
def test_bad_table_rows_name_file_row_and_fix(tmp_path: Path, line: str, message: str):
    path = tmp_path / "km.csv"
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as err:
        read_key_measures(path)
    assert "row 2" in str(err.value) and "Fix:" in str(err.value)


def test_repeated_city_field_and_missing_column(tmp_path: Path):
    path = tmp_path / "km.csv"
    row = "091,Helsinki,key_measure,a,b,https://x.fi,2024,high\n"
    path.write_text(HEADER + row + row, encoding="utf-8")
    with pytest.raises(DataFileError, match="appears twice"):
        read_key_measures(path)
    path.write_text("code,city,field\n091,Helsinki,key_measure\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="paraphrase_en"):
        read_key_measures(path)
