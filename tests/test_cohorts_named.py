"""Named cohorts are data (rvanalytics/data/cohorts.yaml): every entry loads; bad entries fail clearly."""

from __future__ import annotations

import pytest

from rvanalytics.cohort import TEN_CITY_COHORT, CohortError, cohort_names, default_cohort_name, load_cohort
from rvanalytics.cohort import named
from rvanalytics.exceptions import DataFileError


@pytest.mark.parametrize("name", cohort_names())
def test_every_cohort_loads_against_the_key(name):
    cohort = load_cohort(name)
    assert cohort.codes and len(set(cohort.codes)) == len(cohort.codes)
    assert all(len(c) == 3 and c.isdigit() for c in cohort.codes)
    assert {"fi", "sv", "en"} <= set(cohort.title) and {"fi", "sv", "en"} <= set(cohort.description)
    assert cohort.members["name_fi"].notna().all()


def test_the_two_cohorts():
    assert default_cohort_name() == "large-cities"
    assert tuple(load_cohort().codes) == TEN_CITY_COHORT
    fisu = load_cohort("fisu")
    assert set(fisu.members["name_fi"]) == {"Forssa", "Hyvinkää", "Ii", "Joensuu", "Jyväskylä", "Kuopio", "Lahti",
                                           "Lappeenranta", "Riihimäki", "Turku", "Vaasa", "Kemi", "Siilinjärvi"}
    assert fisu.source == "fisu_network"
    assert fisu.members["source_url"].str.startswith("http").all()


def test_unknown_cohort_suggests():
    with pytest.raises(CohortError, match="did you mean 'fisu'.*known cohorts: large-cities, fisu"):
        load_cohort("fisuu")


@pytest.mark.parametrize(("members", "message"), [
    ([{"name": "Helsinki"}], "has no 3-digit municipality code"),
    ([{"code": "91", "name": "Helsinki"}], "has no 3-digit municipality code"),
    ([{"code": "999", "name": "Nowhere"}], r"code\(s\) \['999'\] are not municipalities of the 2026 division"),
    ([{"code": "091", "name": "Espoo"}], "code 091 is Helsinki in the 2026 key, the cohort says Espoo"),
])
def test_bad_members_name_the_file_and_fix(monkeypatch, members, message):
    doc = {"default": "x", "cohorts": {"x": {"title": {}, "members": members}}}
    monkeypatch.setattr(named, "_document", lambda: doc)
    with pytest.raises(DataFileError, match=message) as err:
        load_cohort("x")
    assert "cohorts.yaml" in str(err.value) and "Fix:" in str(err.value)


def test_cohort_from_an_unreadable_source(monkeypatch):
    doc = {"cohorts": {"x": {"from_source": {"source": "somewhere"}}}}
    monkeypatch.setattr(named, "_document", lambda: doc)
    with pytest.raises(DataFileError, match="cannot be read"):
        load_cohort("x")


def test_metrics_and_cohort_list_take_a_named_cohort(store, tmp_path):
    import json

    from typer.testing import CliRunner

    from rvanalytics.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["cohort", "list"])
    assert listed.exit_code == 0 and "fisu: FISU network (13)" in listed.output
    out = tmp_path / "fisu.json"
    result = runner.invoke(app, ["metrics", "--cohort", "fisu", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assessed = {a["city_code"]: a for a in doc["assessed"]}
    assert len(assessed) == 13
    # Forssa has no profile: only the network's targets, judged on the Hinku data of the 2024 release
    forssa = [t for t in doc["targets"] if t["city_code"] == "061"]
    assert {t["origin"] for t in forssa} == {"network"} and assessed["061"]["n_assessed"] == 2
    # Ii has no Hinku data: its targets stay without a status and say why
    ii = [t for t in doc["targets"] if t["city_code"] == "139" and t["target_id"] == "fisu-ghg-2030"]
    assert ii[0]["status"] is None and ii[0]["reason"].startswith("no data for indicator ghg_hinku_total_kt")
    bad = runner.invoke(app, ["metrics", "--cohort", "nope", "--store", str(store)])
    assert bad.exit_code != 0 and "no cohort named 'nope'" in bad.output and "Traceback" not in bad.output


def test_map_coverage_takes_a_named_cohort(store, tmp_path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app

    runner = CliRunner()
    out = tmp_path / "fisu.svg"
    result = runner.invoke(app, ["map", "coverage", "--cohort", "fisu", "--out", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "cohort: fisu, 13 cities" in result.output
    svg = out.read_text(encoding="utf-8")
    assert "Siilinjärvi" in svg and "Riihimäki" in svg  # the members are named on the map (SVG keeps text)
    bad = runner.invoke(app, ["map", "coverage", "--cohort", "fisuu", "--out", str(tmp_path / "x.png"),
                              "--store", str(store)])
    assert bad.exit_code == 2 and "did you mean 'fisu'" in bad.output and not (tmp_path / "x.png").exists()
