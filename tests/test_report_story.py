"""Report sections in-process (no kernel): escaping, people only where published, missing data said plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.cities import CityProfile
from rvanalytics.cities.load import targets_frame
from rvanalytics.report import story as story_module
from rvanalytics.report.story import CityStory, esc, fmt, html_table

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the sections display, as HTML text (figures as a marker)."""
    out: list[str] = []

    def capture(obj: object) -> None:
        data = getattr(obj, "data", obj)
        out.append(data if isinstance(data, str) else "<figure>")

    monkeypatch.setattr(story_module, "_display", capture)
    return out


def _profile() -> CityProfile:
    return CityProfile.model_validate(
        {
            "city": {"code": "999", "size_class": "20–50k"},
            "people": [
                {
                    "role": f"Director {EVIL}",
                    "responsibility": "lead",
                    "organisation": "City",
                    "name": "Public Person",
                    "email": "p@example.org",
                    "publish": True,
                },
                {
                    "role": "Planner",
                    "responsibility": "data",
                    "organisation": "City",
                    "name": "Secret Person",
                    "email": "s@example.org",
                    "publish": False,
                },
            ],
            "key_measure": {
                "title": f"Bikes {EVIL}",
                "description": "More bikes & buses",
                "status": "started",
                "themes": ["transport"],
            },
            "key_problem": {"unknown": f"Not stated {EVIL}"},
            "targets": [
                {
                    "id": "t-cut",
                    "theme": "climate",
                    "indicator": "ghg_hinku_total_kt",
                    "scope": "hinku",
                    "kind": "pct_reduction",
                    "baseline_year": 2010,
                    "target_year": 2030,
                    "target_value": 50,
                    "source": {
                        "title": f"Plan {EVIL}",
                        "url": "https://example.org/plan",
                        "quote": f"Halve {EVIL}",
                    },
                },
                {
                    "id": "t-waste",
                    "theme": "waste",
                    "indicator": None,
                    "scope": "other",
                    "kind": "rate",
                    "target_year": 2030,
                    "target_value": 65,
                    "source": {"title": "Waste plan", "url": "https://example.org/waste"},
                },
            ],
        }
    )


def _story(tmp_path: Path, panel: pd.DataFrame | None) -> CityStory:
    profile = _profile()
    key = pd.DataFrame({"code": ["999"], "name_fi": [f"Testilä {EVIL}"]})
    return CityStory(
        code="999",
        lang="fi",
        store=None,
        out_dir=tmp_path,
        name=f"Testilä {EVIL}",
        key_row={"code": "999", "region_code": "12", "region_name_fi": "Pohjois-Karjala"},
        profile=profile,
        targets=targets_frame([profile], key),
        panel=panel,
    )


def _panel() -> pd.DataFrame:
    years = list(range(2010, 2021))
    return pd.DataFrame(
        {
            "level": "municipality",
            "code": "999",
            "year": years,
            "indicator": "ghg_hinku_total_kt",
            "value": [
                100.0 - 3 * (y - 2010) for y in years
            ],  # 70 in 2020, below the straight path (75) "unit": "kt CO2e", "source": "hand-made",
            "status": "",
            "division_year": 2026,
        }
    )


def test_sections_escape_profile_text_and_hide_unpublished_people(
    tmp_path: Path, shown: list[str]
) -> None:
    s = _story(tmp_path, _panel())
    s.header()
    s.people()
    s.key_sections()
    s.targets_section()
    page = "\n".join(shown)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Public Person" in page and "Secret Person" not in page and "s@example.org" not in page
    assert (
        "Tavoitteelle ei ole valittu mittaria" in page
    )  # the waste target has no indicator: said plainly
    assert "<figure>" in page  # the climate target has a chart
    assert (tmp_path / "figures" / "target-t-cut.png").is_file()
    s.write_metrics()
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    cut = next(t for t in metrics["targets"] if t["target_id"] == "t-cut")
    assert (
        cut["status"] == "on_track"
    )  # 70 in 2020 against the straight path 100 (2010) -> 50 (2030): 75
    assert cut["status_text"] == "tavoitepolulla"
    waste = next(t for t in metrics["targets"] if t["target_id"] == "t-waste")
    assert waste["status"] == "not_assessable" and waste["explanation"]
    assert metrics["key_measure"]["title"] == f"Bikes {EVIL}"  # raw in JSON; the gallery escapes it


def test_missing_panel_is_said_plainly(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path, None)
    s.unavailable["panel"] = "no store"
    s.indicators_section()
    s.compare_section()
    s.data_freshness()
    page = "\n".join(shown)
    assert page.count("Ei saatavilla") == 3
    assert "<figure>" not in page


def test_helpers() -> None:
    assert esc(None) == "" and esc("a&b") == "a&amp;b"
    assert html_table([["x"]], None) == "<table><tbody><tr><td>x</td></tr></tbody></table>"
    assert fmt(None) == "–" and fmt(2.5, "fi", 1) == "2,5" and fmt(1500, "en") == "1,500"


def test_reasons_and_units_in_the_report_language() -> None:
    from rvanalytics.report.story import reason_text, unit_text

    names = {"ghg_hinku_total_kt": "Päästöt yhteensä"}.get
    fi = reason_text("no data for indicator ghg_hinku_total_kt for this city", "fi", names)
    assert fi == "mittarista Päästöt yhteensä ei ole kunnan tietoja"
    scope = reason_text(
        "target scope city_inventory differs from data scope hinku; "
        "numbers computed on the data's scope, for orientation only",
        "fi",
    )
    assert "city_inventory" not in scope and "hinku;" not in scope and "oma inventaario" in scope
    en = reason_text("no data for indicator ghg_hinku_total_kt for this city", "en", lambda i: "Total")
    assert "ghg_hinku_total_kt" not in en and "Total" in en
    assert unit_text("t CO2e/person", "fi") == "t CO2e/asukas"
    assert unit_text("persons", "fi") == "henkeä"
    assert unit_text("MWh/person", "fi") == "MWh/asukas" and unit_text("kt CO2e", "fi") == "kt CO2e"
    assert unit_text("t CO2e/person", "en") == "t CO2e/person"


@pytest.mark.parametrize(
    ("lang", "foreign"),
    [("fi", ["persons", "/person", "pop_test"]), ("en", ["henkeä", "asukas", "pop_test"])],
)
def test_data_table_units_and_names_in_the_report_language(
    tmp_path: Path, shown: list[str], lang: str, foreign: list[str]
) -> None:
    s = _story(tmp_path, None)
    s.lang = lang
    s.panel = pd.DataFrame(
        {
            "level": "municipality",
            "code": "999",
            "year": [2020, 2021],
            "indicator": "pop_test",
            "value": [100.0, 101.0],
            "unit": "persons",
            "source": "sotkanet_population",
            "status": "",
            "division_year": 2026,
        }
    )
    s.catalogue = pd.DataFrame(
        {"id": ["pop_test"], "name_fi": ["Väkiluku"], "name_en": ["Population"]}
    )
    s.data_freshness()
    page = "\n".join(shown)
    assert ("Väkiluku" if lang == "fi" else "Population") in page
    assert ("henkeä" if lang == "fi" else "persons") in page
    for word in foreign:
        assert word not in page, f"{word!r} in a {lang} report"
    assert "sotkanet_population" not in page and "THL Sotkanet" in page


def test_paraphrase_and_profile_language_are_said(tmp_path: Path, shown: list[str]) -> None:
    """A compiled summary is not shown as the source's words; English profile text in a Finnish report says so."""
    data = _profile().model_dump()
    data["text_language"] = "en"
    data["targets"][0]["source"]["quote_kind"] = "paraphrase"
    data["targets"][0]["comparability_note"] = "Baseline 2010, not 1990."
    data["targets"][1]["source"]["quote"] = "Recycle 65 %."  # verbatim (the default)
    profile = CityProfile.model_validate(data)
    key = pd.DataFrame({"code": ["999"], "name_fi": ["Testilä"]})
    s = _story(tmp_path, _panel())
    s.profile, s.targets = profile, targets_frame([profile], key)
    s.targets_section()
    page = "\n".join(shown)
    assert "<em>Lähteen sisältö tiivistettynä, ei suora lainaus (englanniksi):</em> Halve" in page
    assert "“Halve" not in page  # not in quotation marks
    assert "“Recycle 65 %.” (englanniksi)" in page
    assert "<strong>Vertailtavuus (englanniksi):</strong> Baseline 2010, not 1990." in page
    s.key_sections()
    assert "Ei kerrottu profiilissa (englanniksi): Not stated" in "\n".join(shown)
    shown.clear()
    s.lang = "en"
    s.targets_section()
    page = "\n".join(shown)
    assert "<em>The source in summary, not a direct quote:</em> Halve" in page  # same language: no tag
    assert "(in " not in page


def test_real_profiles_mark_their_summaries_as_paraphrases() -> None:
    """The ten cohort profiles were compiled from city pages (city-climate-targets): never shown as quotes."""
    from rvanalytics.cities import load_cities

    targets = load_cities().targets
    assert len(targets) == 17
    assert set(targets["source_quote_kind"]) == {"paraphrase"}
    assert set(targets["text_language"]) == {"en"}


def test_gallery_population_carries_its_year(tmp_path: Path, shown: list[str]) -> None:
    pop = pd.DataFrame({"level": "municipality", "code": "999", "year": [2021, 2022], "indicator": "population",
                        "value": [1000.0, 1010.0], "unit": "persons", "source": "hand-made", "status": "",
                        "division_year": 2026})
    s = _story(tmp_path, pd.concat([_panel(), pop], ignore_index=True))
    s.who()
    assert s.metrics["population_year"] == 2022
    assert s.metrics["population_text"].endswith("as. (2022)")
    assert s.metrics["population_text"].replace("\u00a0", " ").replace("\u202f", " ").startswith("1 010")
