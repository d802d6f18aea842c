"""Report sections in-process (no kernel): escaping, people only where published, missing data said plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.cities import CityProfile
from rvanalytics.cities.load import targets_frame
from rvanalytics.indicators import indicator_catalogue
from rvanalytics.report import story as story_module
from rvanalytics.report.story import CityStory
from rvanalytics.report.story.html import esc, html_table
from rvanalytics.report.story.inputs import CityData
from rvanalytics.report.story.texts import fmt, reason_text

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the sections display, as HTML text (figures as a marker)."""
    out: list[str] = []

    def capture(obj: object) -> None:
        data = getattr(obj, "data", obj)
        out.append(data if isinstance(data, str) else '<figure class="chart">')

    monkeypatch.setattr(story_module, "_display", capture)
    return out


def _profile(**changes: object) -> CityProfile:
    data = {
        "city": {"code": "999", "size_class": "20–50k"},
        "people": [
            {"role": f"Director {EVIL}", "responsibility": "lead", "organisation": "City",
             "name": "Public Person", "email": "p@example.org", "publish": True},
            {"role": "Planner", "responsibility": "data", "organisation": "City",
             "name": "Secret Person", "email": "s@example.org", "publish": False},
        ],
        "key_measure": {"title": f"Bikes {EVIL}", "description": "More bikes & buses", "status": "started",
                        "themes": ["transport"]},
        "key_problem": {"unknown": f"Not stated {EVIL}"},
        "targets": [
            {"id": "t-cut", "theme": "climate", "indicator": "ghg_hinku_total_kt", "scope": "hinku",
             "kind": "pct_reduction", "baseline_year": 2010, "target_year": 2030, "target_value": 50,
             "source": {"title": f"Plan {EVIL}", "url": "https://example.org/plan", "quote": f"Halve {EVIL}"}},
            {"id": "t-waste", "theme": "waste", "indicator": None, "scope": "other", "kind": "rate",
             "target_year": 2030, "target_value": 65,
             "source": {"title": "Waste plan", "url": "https://example.org/waste"}},
        ],
    }
    data.update(changes)
    return CityProfile.model_validate(data)


def _key() -> pd.DataFrame:
    row = {"code": "999", "name_fi": f"Testilä {EVIL}", "name_sv": "Testby", "name_en": "Testville",
           "region_code": "12", "region_name_fi": "Pohjois-Karjala", "region_name_sv": "Norra Karelen",
           "region_name_en": "North Karelia", "municipality_group_name_fi": "Kaupunkimaiset kunnat",
           "municipality_group_name_sv": "Urbana kommuner", "municipality_group_name_en": "Urban municipalities"}
    other = {**row, "code": "998", "name_fi": "Muu", "name_sv": "Annan", "name_en": "Other"}
    return pd.DataFrame([row, other])


def _rows(code: str, indicator: str, years: list[int], values: list[float], unit: str, source: str,
          level: str = "municipality") -> pd.DataFrame:
    return pd.DataFrame({"level": level, "code": code, "year": years, "indicator": indicator, "value": values,
                         "unit": unit, "source": source, "status": "", "division_year": 2026})


def _panel() -> pd.DataFrame:
    years = list(range(2010, 2021))
    alas = "syke_alas_hinku_north_karelia"
    return pd.concat([
        # 70 in 2020, below the straight path 100 (2010) -> 50 (2030): 75
        _rows("999", "ghg_hinku_total_kt", years, [100.0 - 3 * (y - 2010) for y in years], "kt CO2e", alas),
        _rows("998", "ghg_hinku_total_kt", years, [50.0] * len(years), "kt CO2e", alas),
        _rows("999", "population", [2019, 2020], [10000.0, 10100.0], "persons", "sotkanet_population"),
        _rows("998", "population", [2019, 2020], [5000.0, 5000.0], "persons", "sotkanet_population"),
        _rows("999", "ghg_hinku_per_capita_t", [2019, 2020], [7.1, 6.9], "t CO2e/person", alas),
        _rows("998", "ghg_hinku_per_capita_t", [2019, 2020], [10.0, 10.0], "t CO2e/person", alas),
        # an ALas region value of another indicator: Hinku must never be compared with it
        _rows("12", "ghg_alas_per_capita_t", [2019, 2020], [99.0, 99.0], "t CO2e/person", "syke_alas_regions",
              "region"),
    ], ignore_index=True)


def _story(tmp_path: Path, panel: pd.DataFrame | None = None, profile: CityProfile | None = None,
           lang: str = "fi", with_profile: bool = True) -> CityStory:
    profile = profile or _profile()
    key = _key()
    panel = _panel() if panel is None else panel
    data = CityData(code="999", division_year=2026, key=key, panel=panel, panel_all=panel,
                    catalogue=indicator_catalogue(),
                    profile=profile if with_profile else None,
                    targets=targets_frame([profile], key) if with_profile else None)
    return CityStory(data=data, lang=lang, out_dir=tmp_path)


def test_sections_escape_profile_text_and_hide_unpublished_people(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path)
    s.header()
    s.summary()
    s.who()
    s.key_sections()
    s.targets_section()
    page = "\n".join(shown)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Public Person" in page and "Secret Person" not in page and "s@example.org" not in page
    assert "Tavoitteelle ei ole valittu mittaria" in page  # the waste target has no indicator: said plainly
    assert '<figure class="chart">' in page  # the climate target has a chart
    assert (tmp_path / "figures" / "target-t-cut.png").is_file()
    s.write_metrics()
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    cut = next(t for t in metrics["targets"] if t["target_id"] == "t-cut")
    assert cut["status"] == "on_track"  # 70 in 2020 against the straight path (75)
    assert cut["status_text"] == "tavoitepolulla"
    waste = next(t for t in metrics["targets"] if t["target_id"] == "t-waste")
    assert waste["status"] == "not_assessable" and waste["explanation"]
    assert metrics["key_measure"]["title"] == f"Bikes {EVIL}"  # raw in JSON; the gallery escapes it
    assert metrics["summary"]["n_targets"] == 2 and metrics["summary"]["n_assessed"] == 1


def test_summary_says_statuses_figures_and_trend(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path)
    s.summary()
    text = shown[0]
    assert "Tavoitteita 2, joista 1 arvioitavissa tilastoista: 1 tavoitepolulla" in text
    assert "Väkiluku 10\u202f100 as. (2020)" in text
    assert "Kasvihuonekaasupäästöt asukasta kohden (Hinku-laskenta) 6,90 t CO2e/asukas (2020)" in text
    assert "Selvin kehityssuunta: Kasvihuonekaasupäästöt yhteensä" in text  # the only trend with 5+ years


def test_empty_sections_are_one_line(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path, panel=_panel().iloc[0:0], with_profile=False)
    s.targets_section()
    s.indicators_section()
    s.compare_section()
    s.data_freshness()
    s.key_sections()
    assert len(shown) == 5
    assert all(part.startswith('<p class="empty-section">') and "<h2>" not in part for part in shown)
    assert '<figure class="chart">' not in "\n".join(shown)
    s.write_metrics()
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["unavailable"]["profile"]  # the gallery card says "no profile"


def test_hinku_is_compared_only_with_hinku(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path)
    s.compare_section()
    row = next(r for r in s.comparison if r.indicator == "ghg_hinku_per_capita_t")
    # re-derived from the Hinku totals and population of the region's municipalities; the ALas 99 is not used
    assert row.region == pytest.approx((70.0 + 50.0) * 1000 / (10100 + 5000))
    assert row.country == pytest.approx(row.region)
    assert row.rank == 1 and row.n_with_data == 2
    assert "1. / 2 kunnasta, joilla on tietoa" in shown[0] and "99" not in shown[0]


def test_helpers() -> None:
    assert esc(None) == "" and esc("a&b") == "a&amp;b"
    assert html_table([["x"]], None) == '<div class="table-wrap"><table><tbody><tr><td>x</td></tr></tbody></table></div>'
    assert fmt(None) == "–" and fmt(2.5, "fi", 1) == "2,5" and fmt(1500, "en") == "1,500"
    assert fmt(1500, "sv") == "1\u202f500"


def test_reasons_in_every_language() -> None:
    names = {"ghg_hinku_total_kt": "Päästöt yhteensä"}.get
    fi = reason_text("no data for indicator ghg_hinku_total_kt for this city", "fi", names)
    assert fi == "mittarista Päästöt yhteensä ei ole kunnan tietoja"
    for lang in ("fi", "sv", "en"):
        scope = reason_text("target scope city_inventory differs from data scope hinku; "
                            "numbers computed on the data's scope, for orientation only", lang)
        assert "city_inventory" not in scope and "hinku;" not in scope and "data scope" not in scope
    assert "Hinku" in reason_text("indicative, on Syke Hinku data; the city's own inventory may differ", "sv")
    assert reason_text("indicative, on Syke Hinku data; the city's own inventory may differ", "fi").startswith(
        "suuntaa antava")


def test_texts_exist_in_all_three_languages() -> None:
    from rvanalytics.report.story import texts

    keys = {lang: set(texts.TEXT[lang]) for lang in texts.LANGUAGES}
    assert keys["fi"] == keys["sv"] == keys["en"]
    for table in (texts._KINDS, texts._STATUSES, texts._SCOPES):
        assert set(table["fi"]) == set(table["sv"]) == set(table["en"])
    assert all(set(words) == {"fi", "sv", "en"} for _, words in texts._REASON_PATTERNS)
    assert texts.TEXT["sv"]["title"] != texts.TEXT["en"]["title"]


@pytest.mark.parametrize(
    ("lang", "foreign"),
    [("fi", ["persons", "/person", "Population"]), ("sv", ["persons", "/person", "henkeä", "asukas"]),
     ("en", ["henkeä", "asukas", "invånare"])],
)
def test_data_table_units_and_names_in_the_report_language(
    tmp_path: Path, shown: list[str], lang: str, foreign: list[str]
) -> None:
    s = _story(tmp_path, lang=lang)
    s.data_freshness()
    page = "\n".join(shown)
    assert {"fi": "Väkiluku", "sv": "Folkmängd", "en": "Population"}[lang] in page
    assert {"fi": "henkeä", "sv": "personer", "en": "persons"}[lang] in page
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
    s = _story(tmp_path, profile=profile)
    s.targets_section()
    page = "\n".join(shown)
    assert "<em>Lähteen sisältö tiivistettynä, ei suora lainaus (englanniksi):</em> Halve" in page
    assert "“Halve" not in page  # not in quotation marks
    assert "“Recycle 65 %.” (englanniksi)" in page
    assert "<strong>Vertailtavuus (englanniksi):</strong> Baseline 2010, not 1990." in page
    s.key_sections()
    assert "ei kerrottu profiilissa (englanniksi): Not stated" in "\n".join(shown)
    shown.clear()
    s = _story(tmp_path, profile=profile, lang="en")
    s.targets_section()
    page = "\n".join(shown)
    assert "<em>The source in summary, not a direct quote:</em> Halve" in page  # same language: no tag
    assert "(in " not in page


def test_network_targets_have_their_own_block_and_issue11_fields(
    tmp_path: Path, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contract of issue 11: basis, release, preliminary, change since baseline, origin (shown when present)."""
    import rvanalytics.metrics as metrics

    real = metrics.track_targets

    def with_contract(targets: pd.DataFrame, panel: pd.DataFrame, *args: object) -> pd.DataFrame:
        out = real(targets, panel, *args)
        out["basis"] = ["indicative", ""]
        out["release"] = ["2026", ""]
        out["latest_preliminary"] = [True, False]
        out["change_since_baseline_pct"] = [-30.0, float("nan")]
        out["origin"] = ["city", "network"]
        out["source_title"] = ["Plan", "FISU common targets"]
        out["source_url"] = ["https://example.org/plan", "https://example.org/fisu"]
        return out

    monkeypatch.setattr(metrics, "track_targets", with_contract)
    s = _story(tmp_path, lang="en")
    s.targets_section()
    page = "\n".join(shown)
    assert "Basis: indicative, on Syke Hinku data; the city&#x27;s own inventory may differ" in page
    assert "Data release 2026 (the 2020 value is preliminary)" in page
    assert "Change since the baseline 2010: −30.0 %" in page or "Change since the baseline 2010: -30.0 %" in page
    own, network = page.index("The city&#x27;s own targets"), page.index("Common targets of the network")
    cut, waste = page.index("Climate: −50 %"), page.index("65 % → 2030")
    assert own < cut < network < waste
    assert network < page.index('<a href="https://example.org/fisu">FISU common targets</a>') < waste


def test_real_profiles_mark_their_summaries_as_paraphrases() -> None:
    """The ten cohort profiles were compiled from city pages (city-climate-targets): never shown as quotes."""
    from rvanalytics.cities import load_cities

    targets = load_cities().targets
    assert len(targets) == 17
    assert set(targets["source_quote_kind"]) == {"paraphrase"}
    assert set(targets["text_language"]) == {"en"}


def test_series_split_once_equal_filtering_the_whole_panel() -> None:
    """CityData's series and area rows (split once per report) are what filtering the whole frame gives."""
    from rvanalytics.releases import select_series
    from rvanalytics.report.story.inputs import series_rows

    base = pd.concat([_panel(), _rows("SSS", "ghg_hinku_per_capita_t", [2019, 2020], [8.0, 7.5], "t CO2e/person",
                                      "syke_alas_hinku_north_karelia", "country")], ignore_index=True)
    newer = base[base["code"] != "998"].assign(release="2026", value=lambda d: d["value"] + 1.0)
    panel_all = pd.concat([base.assign(release="2024"), newer], ignore_index=True).assign(preliminary=False)
    panel_all.loc[3, "value"] = float("nan")  # a row without a value is no point of a series
    panel_all = panel_all.sample(frac=1.0, random_state=1)  # years out of order
    data = CityData(code="999", division_year=2026, key=_key(), panel=select_series(panel_all),
                    panel_all=panel_all, catalogue=indicator_catalogue())
    assert data._area("panel").spans is not None and data._area("panel_all").spans is None
    areas = [("municipality", "999"), ("region", "12"), ("country", "SSS"), ("municipality", "998")]
    for frame in ("panel", "panel_all", "compared"):  # panel_all has two rows a year: filtered as ever
        whole = getattr(data, frame)
        for ind in [*sorted(set(whole["indicator"])), "no_such_indicator"]:
            for level, code in areas:
                got = data.series(ind, code, level, frame)
                pd.testing.assert_frame_equal(got, series_rows(whole, ind, code, level), check_index_type=False)
            mine = ((whole["level"] == "municipality") & (whole["code"] == "999")) | (
                (whole["level"] == "region") & (whole["code"] == "12")) | (
                (whole["level"] == "country") & (whole["code"] == "SSS"))
            pd.testing.assert_frame_equal(data.area_rows(ind, frame), whole[mine & (whole["indicator"] == ind)],
                                          check_index_type=False)


def test_gallery_population_carries_its_year(tmp_path: Path, shown: list[str]) -> None:
    s = _story(tmp_path)
    s.who()
    assert s.metrics["population_year"] == 2020
    assert s.metrics["population_text"].endswith("as. (2020)")
    assert s.metrics["population_text"].replace("\u202f", " ").startswith("10 100")


def _member_story(tmp_path: Path, lang: str) -> CityStory:
    """City 999 without a profile, a FISU member (hand-made membership, the recorded network targets)."""
    from rvanalytics.network import network_targets, read_fisu_targets

    members = pd.DataFrame([{"code": "999", "name_fi": "Testilä", "joined": 2016, "relation": "fisu_member",
                             "source_url": "https://www.example.org/news", "source_date": "early 2016 news item"}])
    data = CityData(code="999", division_year=2026, key=_key(), panel=_panel(), panel_all=_panel(),
                    catalogue=indicator_catalogue(), profile=None,
                    targets=network_targets(members, read_fisu_targets()),
                    membership=members.iloc[0].to_dict())
    return CityStory(data=data, lang=lang, out_dir=tmp_path)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_member_without_profile_is_built_from_public_facts_only(
    tmp_path: Path, shown: list[str], lang: str
) -> None:
    s = _member_story(tmp_path, lang)
    for section in (s.summary, s.who, s.targets_section, s.key_sections):
        section()
    page = "\n".join(shown)
    words = {"fi": ("ei ole profiilia", "ei tiedossa", "jäsen vuodesta 2016", " (englanniksi)"),
             "sv": ("ingen profil", "okänt", "medlem sedan 2016", " (på engelska)"),
             "en": ("no profile", "unknown", "member since 2016", "")}[lang]
    no_profile, unknown, member, tag = words
    assert 'class="notice info public-facts"' in page and no_profile in page
    # people, the city's own targets and the key sections are marked unknown, one line each
    assert page.count(f"</strong> {unknown}: ") >= 3
    assert f"{member}; " in page and 'href="https://www.example.org/news">example.org</a>' in page
    assert f"(early 2016 news item{tag})" in page  # the table's words, marked when not the report's language
    # the network's targets with their statuses; nothing of the city's own invented
    assert s.metrics["profile"] == "public facts only" and s.metrics["fisu"]["joined"] == 2016
    assert {t["origin"] for t in s.metrics["targets"]} == {"network"} and len(s.metrics["targets"]) == 5
    assert all(t["status_text"] for t in s.metrics["targets"])
    assert {"fi": "Verkoston yhteiset tavoitteet", "sv": "Nätverkets gemensamma mål",
            "en": "Common targets of the network"}[lang] in page
    if lang != "en":  # the network's title and note in the report's language, no English of our own
        for english in ("FISU network common target", "Network target for every", "measured with"):
            assert english not in page
    assert "Public Person" not in page and "Bikes" not in page


def test_data_table_source_is_a_short_name_linking_to_the_sources_table(tmp_path: Path, shown: list[str]) -> None:
    import re

    s = _story(tmp_path, lang="sv")
    s.data.manifest_sources = [{"id": "sotkanet_population", "vintage": "2000-2022", "licence": "CC BY 4.0"},
                               {"id": "syke_alas_hinku_north_karelia", "vintage": "release 2026", "licence": "CC BY 4.0"}]
    s.data_freshness()
    s.sources()
    table, sources = shown
    cells = re.findall(r"<tr>(?:<td[^>]*>.*?</td>){6}<td>(.*?)</td></tr>", table)
    assert cells and all(re.fullmatch(r'<a href="#source-(\d)">[^<]{3,40}&nbsp;\[\1\]</a>', c) for c in cells), cells
    assert "CC BY" not in table  # the full attribution is in the sources table, once
    for n in {m for c in cells for m in re.findall(r"#source-(\d)", c)}:
        assert f'<span id="source-{n}">{n}</span>' in sources
    assert "Finlands miljöcentral" in sources or "Syke" in sources


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_key_sections_from_public_documents_are_labelled_with_source_and_date(
    tmp_path: Path, shown: list[str], lang: str
) -> None:
    source = {"title": "city.example", "url": "https://city.example/climate", "date": "2024-05"}
    data = _profile().model_dump()
    data["text_language"] = "en"
    data["key_measure"] = {"description": f"Climate partnership {EVIL}", "themes": ["climate"],
                           "basis": "public_documents", "source": source,
                           "translations": {"fi": "Ilmastokumppanuus"}}
    data["responsible_unit"] = {"description": "The climate coordinator", "basis": "public_documents",
                                "source": {**source, "date": "undated city page"}}
    s = _story(tmp_path, profile=CityProfile.model_validate(data), lang=lang)
    s.key_sections()
    page = shown[0]
    label = {"fi": "Mitä kaupunki nostaa esiin julkisissa asiakirjoissaan",
             "sv": "Det som staden lyfter fram i sina offentliga dokument",
             "en": "What the city highlights in its public documents"}[lang]
    assert page.count(label) == 2  # the key measure and the responsible unit; the problem is unknown
    assert '(<a href="https://city.example/climate">city.example</a>, 2024-05):' in page
    tag = {"fi": " (englanniksi)", "sv": " (på engelska)", "en": ""}[lang]
    assert f"undated city page{tag})" in page  # a described date is the source's English words
    if lang == "fi":  # the translation in the report's language, no marker
        assert "<p>Ilmastokumppanuus</p>" in page and "Climate partnership" not in page
    else:  # no translation: the profile's words, marked with their language
        assert f"<p>Climate partnership &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;{tag}</p>" in page
    assert f"<p>The climate coordinator{tag}</p>" in page
    assert "<script>" not in page
    assert {"fi": "Avainongelma", "sv": "Nyckelproblem", "en": "Key problem"}[lang] in page  # unknown, one line


def test_key_sections_without_the_new_fields(shown: list[str]) -> None:
    """Sections as key_sections gave them before basis/source/translations/responsible_unit existed."""
    from rvanalytics.report.story.html import key_section

    old = {"key_measure": {"known": True, "title": "Bikes", "description": "More bikes", "status": "started"},
           "key_problem": {"known": False, "unknown_reason": "not stated"}}
    page = key_section(old, "en", "fi")
    assert "<strong>Bikes</strong> (käynnissä)" in page and "More bikes (englanniksi)" in page
    assert "julkisissa asiakirjoissaan" not in page and "Vastuutaho" not in page
