"""A real city's report facts against ``rvanalytics metrics`` on the session store (recorded data)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rvanalytics.report.story import facts as F
from rvanalytics.report.story.inputs import load_city_data


@pytest.fixture(scope="module")
def joensuu(store: Path):
    return load_city_data("167", store=store)


def test_every_comparison_number_equals_rvanalytics_metrics(joensuu, store: Path) -> None:
    from rvanalytics.assess import assess

    cli = assess(["167"], store=store).city_metrics.set_index("indicator")
    peers = F.peer_metrics(joensuu)
    rows = F.comparison_facts(joensuu, peers, "fi")
    rows = [r for r in rows if r.indicator in cli.index]  # the command reports a fixed list of indicators
    assert len(rows) >= 3  # Hinku per capita and the road-transport rates
    for row in rows:
        m = cli.loc[row.indicator]
        assert row.year == int(m["rank_year"])
        assert row.rank == int(m["rank_all"]) and row.n_with_data == int(m["n_all"])
        if int(m["rank_year"]) == int(m["latest_year"]):
            assert row.city == pytest.approx(float(m["latest_value"]), rel=1e-12)
    fresh = {r.indicator: r for r in F.freshness_facts(joensuu, peers, "fi")}
    for ind, m in cli.iterrows():
        if ind in fresh:
            assert fresh[ind].latest == int(m["latest_year"])
            assert fresh[ind].value == pytest.approx(float(m["latest_value"]), rel=1e-12)
            if not math.isnan(float(m["trend_pct"])):
                assert fresh[ind].trend[0] == pytest.approx(float(m["trend_pct"]), rel=1e-12)
    city = F.city_facts(joensuu, peers, "fi")
    attrs = peers.municipalities.set_index("code").loc["167"]
    assert city.size_class == attrs["size_class"]


def test_hinku_per_capita_is_compared_with_hinku_only(joensuu) -> None:
    """North Karelia's Hinku value is re-derived from Hinku totals; the ALas regional series is another indicator."""
    rows = {r.indicator: r for r in F.comparison_facts(joensuu, F.peer_metrics(joensuu), "en")}
    hinku = rows["ghg_hinku_per_capita_t"]
    p = joensuu.panel
    alas = p[(p["indicator"] == "ghg_alas_per_capita_t") & (p["level"] == "region") & (p["code"] == "12")
             & (p["year"] == hinku.year)]["value"]
    assert hinku.region is None or all(abs(hinku.region - v) > 1e-9 for v in alas)
    assert hinku.n_with_data < 308  # Hinku data for part of the country: the text says how many


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_targets_and_sectors_in_every_language(joensuu, lang: str) -> None:
    targets = F.target_facts(joensuu, lang)
    assert targets and all(t.status_words and t.label for t in targets)
    sectors = F.sector_facts(joensuu, lang)
    assert sectors is not None and len(sectors.sectors) == 13 and not sectors.table.empty
    # stack order: largest sector of the latest year at the bottom
    last = sectors.table.iloc[-1]
    assert list(last.values) == sorted(last.values, reverse=True)


@pytest.mark.parametrize(("code", "has_hinku"), [("061", True), ("139", False)])
def test_fisu_member_without_profile_on_recorded_data(store: Path, code: str, has_hinku: bool) -> None:
    """Forssa and Ii have no profile: FISU membership and the network's targets from the FISU table, as
    ``rvanalytics metrics --cohort fisu`` assesses them; nothing of the city's own."""
    from rvanalytics.assess import assess
    from rvanalytics.network import fisu_members, read_fisu_network

    data = load_city_data(code, store=store)
    assert data.profile is None
    member = fisu_members(read_fisu_network()).set_index("code").loc[code]
    assert data.membership["joined"] == member["joined"] and data.membership["source_url"] == member["source_url"]
    facts = F.target_facts(data, "sv")
    assert facts and {f.origin for f in facts} == {"network"}
    cli = assess(cohort="fisu", store=store).targets
    cli = cli[cli["city_code"] == code].set_index("target_id")
    assert [f.target_id for f in facts] == list(cli.index)
    for f in facts:
        expected = cli.at[f.target_id, "status"]
        assert f.status == (expected if isinstance(expected, str) and expected else None)
    ghg = next(f for f in facts if f.target_id == "fisu-ghg-2030")
    assert (ghg.status is not None) == has_hinku  # Ii has no Hinku data: said, not guessed
    city = F.city_facts(data, F.peer_metrics(data), "sv")
    assert not city.has_profile and not city.people_known and city.people == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_recorded_vintage_in_the_report_language(store: Path, lang: str) -> None:
    """The sources table's year column: no English words of the manifest's vintages in a fi/sv report."""
    import re

    from rvanalytics.report.story.texts import vintage_text
    from rvanalytics.store import read_manifest

    vintages = [s["vintage"] for s in read_manifest(store)["sources"] if s.get("vintage")]
    assert len(vintages) >= 10
    english = re.compile(r"\b(the|on|and|release|recorded|downloaded|published|preliminary|updated|reference|"
                         r"years|division|data)\b")
    left = {v: vintage_text(v, lang) for v in vintages if english.search(vintage_text(v, lang))}
    assert not left, left


def test_joensuu_key_measure_is_what_the_city_highlights(joensuu) -> None:
    """The recorded profile (city-key-measures): Finnish paraphrase in a Finnish report, with source and date."""
    from rvanalytics.cities import key_sections
    from rvanalytics.report.story.html import key_section

    sections = key_sections(joensuu.profile)
    if sections["key_measure"].get("basis") != "public_documents":
        pytest.skip("the profile's key measure is not from public documents")
    page = key_section(sections, joensuu.profile.text_language, "fi")
    km = sections["key_measure"]
    assert km["translations"]["fi"][:40] in page and km["description"][:40] not in page
    assert "Mitä kaupunki nostaa esiin julkisissa asiakirjoissaan" in page
    assert km["source"]["url"] in page and "taustamuistio" not in page.replace("ei kaupungin taustamuistiosta", "")
