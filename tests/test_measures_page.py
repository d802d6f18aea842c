"""measures.html: key measures and problems by resource-wisdom theme, in the page language, with source and date."""

from __future__ import annotations

from rvanalytics.cities import key_sections, load_cities
from rvanalytics.report.gallery import Card, measures_by_theme


def _cards() -> list[Card]:
    cards = []
    for profile in load_cities().profiles:
        sections = key_sections(profile)
        cards.append(Card(city_code=profile.city.code, name=profile.city.code, folder=profile.city.code, status="ok",
                          href=None, targets=[], metrics=sections, error=None, duration_s=None))
    return cards


def test_every_city_measure_and_problem_by_theme_with_source():
    groups = measures_by_theme(_cards(), "fi")
    seen = {(row["card"].city_code, which) for g in groups for row in g["rows"]
            for which in ("measure", "problem") if row[which]}
    assert {c for c, _ in seen} == {"091", "049", "837", "853", "398", "167", "405", "564", "179", "297"}
    assert len(seen) == 20  # every city's key measure and key problem appear at least once
    themes = [g["theme"] for g in groups]
    assert "Liikkuminen ja yhdyskuntarakenne" in themes and "Energia" in themes
    assert len(themes) == len(set(themes))  # profile words fold into one resource-wisdom theme each
    for g in groups:
        for row in g["rows"]:
            for item in (row["measure"], row["problem"]):
                if item:
                    assert item["basis"] == "public_documents" and item["source"]["date"]
                    assert item["other_language"] is None  # Finnish translation used on a Finnish page


def test_swedish_page_marks_english_text():
    groups = measures_by_theme(_cards(), "sv")
    items = [row[w] for g in groups for row in g["rows"] for w in ("measure", "problem") if row[w]]
    assert items and all(item["other_language"] == "en" for item in items)
    assert all(item["text"] == item["description"] for item in items)


def test_cities_without_a_profile_share_one_footnote():
    from rvanalytics.report.gallery import gallery_words

    cards = _cards()
    for code in ("061", "139"):
        cards.append(Card(city_code=code, name=code, folder=code, status="ok", href=None, targets=[],
                          metrics={"profile": "public facts only",
                                   "key_measure": {"known": False, "unknown_reason": f"no profile for {code}"},
                                   "key_problem": {"known": False, "unknown_reason": f"no profile for {code}"}},
                          error=None, duration_s=None))
    groups = measures_by_theme(cards, "en")
    reasons = {row[w]["unknown_reason"] for g in groups for row in g["rows"] for w in ("measure", "problem")
               if row[w] and not row[w].get("known")}
    assert reasons == {gallery_words("en")["public_facts_only"]}
