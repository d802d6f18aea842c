"""The sections of one city's report, for ``notebooks/city_report.ipynb``.

The notebook holds little code: it builds a :class:`CityStory` and calls one method per
section. Every method displays its part (HTML, tables, matplotlib figures) and records
what the gallery needs in :attr:`CityStory.metrics`, written to ``metrics.json`` by
:meth:`CityStory.write_metrics`.

Rules kept here:

- Every text that comes from profiles or data is HTML-escaped before it is displayed.
- Missing data is said plainly ("no data", and why), never drawn as zero.
- People appear only where the profile says ``publish: true``.
- A part whose module or data is not available shows a plain "not available" note and
  is listed under ``unavailable`` in ``metrics.json``; the report still completes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rvanalytics.atomic import atomic_write_text
from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.indicators import unit_text

__all__ = ["CityStory", "TEXT", "esc", "html_table", "reason_text", "unit_text"]

#: Texts of the report in Finnish and English.
TEXT: dict[str, dict[str, str]] = {
    "fi": {
        "title": "{name}: resurssiviisauden tilannekuva",
        "subtitle": "Kuntanumero {code} · {region} · raportti tuotettu {date}",
        "who": "Kaupunki",
        "population": "Väkiluku",
        "region": "Maakunta",
        "size_class": "Kuntakokoluokka",
        "group": "Kuntaryhmä",
        "people": "Työhön nimetyt henkilöt",
        "no_profile": "kunnalle {code} ei ole profiilia (data/cities)",
        "people_unknown": "Työhön nimettyjä henkilöitä ei ole kirjattu profiiliin.",
        "people_none_published": "Profiilissa on {n} henkilöä, mutta kenenkään nimeä ei ole lupa julkaista.",
        "role": "Rooli",
        "responsibility": "Vastuu",
        "organisation": "Organisaatio",
        "name": "Nimi",
        "targets": "Tavoitteet ja kehitys",
        "no_targets": "Profiiliin ei ole kirjattu tavoitteita.",
        "target_line": "Tavoite {year}: {what}",
        "status": "Tila",
        "status_unavailable": "ei arvioitavissa",
        "source_summary": "Lähteen sisältö tiivistettynä, ei suora lainaus",
        "comparability": "Vertailtavuus",
        "in_language": "{language}",
        "lang_fi": "suomeksi",
        "lang_sv": "ruotsiksi",
        "lang_en": "englanniksi",
        "no_series": "Tavoitteen mittarille ({indicator}) ei ole aineistossa kunnan tietoja, joten kehitystä ei voi piirtää.",
        "no_indicator": "Tavoitteelle ei ole valittu mittaria, joten sen toteutumista ei voi seurata tilastoista.",
        "baseline": "Lähtötaso {year}",
        "latest_is": "Viimeisin arvo {value} {unit} ({year})",
        "path_is": "Suoralla tavoitepolulla arvo olisi {value} {unit}; ero polkuun {gap} %",
        "required": "Tavoitteeseen tarvitaan {rate} % muutos vuodessa",
        "projected": "Nykytrendillä tavoite saavutettaisiin vuonna {year}",
        "target": "Tavoite {year}",
        "trajectory": "Tavoitepolku",
        "indicators": "Mittarit teemoittain",
        "sectors": "Kasvihuonekaasupäästöt sektoreittain (Hinku-laskenta)",
        "years_left_out": "Vuodet, joilta osa sektoreista puuttuu, on jätetty pois: {years}.",
        "no_panel": "Indikaattoriaineistoa ei ole saatavilla.",
        "no_rate_for_map": "kunnalle ei ole asukasta kohden laskettua mittaria, jolla olisi tietoja",
        "part_key": "kuntaluokitusavain",
        "part_profile": "kaupungin profiili",
        "part_panel": "indikaattoriaineisto",
        "part_catalogue": "mittariluettelo",
        "part_target tracking": "tavoitteiden seuranta",
        "part_regional aggregates": "maakunta- ja koko maan luvut",
        "part_trends": "trendit",
        "compare": "Vertailu maakuntaan, kokoluokkaan ja koko maahan",
        "map": "Sijainti kartalla",
        "key": "Avaintoimi ja avainongelma",
        "key_measure": "Avaintoimi",
        "key_problem": "Avainongelma",
        "not_given": "Ei kerrottu profiilissa",
        "data": "Mitä tietoja on ja kuinka tuoreita",
        "indicator": "Mittari",
        "first": "Ensimmäinen vuosi",
        "latest": "Viimeisin vuosi",
        "years": "Vuosia",
        "value": "Viimeisin arvo",
        "trend": "Muutos %/v",
        "trend_note": "Muutos %/v: vankka trendi (Theil–Sen, logaritminen) kunkin sarjan viimeisten kymmenen vuoden ajalta, suluissa 90 %:n luottamusväli; vähintään viisi vuotta tarvitaan.",
        "source": "Lähde",
        "sources": "Lähteet ja menetelmä",
        "not_available": "Ei saatavilla: {what}.",
        "some_unavailable": "Osa raportin aineistoista ei ollut saatavilla:",
        "publisher": "Julkaisija",
        "licence": "Lisenssi",
        "no_data": "ei tietoa",
        "city": "Kaupunki",
        "country": "Koko maa",
        "size_median": "Kokoluokan mediaani ({size})",
        "rank": "Sija kaikista kunnista (1 = pienin)",
        "year": "Vuosi",
        "method": (
            "Luvut ovat virallisista avoimista tilastoista sellaisinaan; puuttuvaa tietoa ei ole "
            "korvattu nollalla eikä arvioilla. Kasvihuonekaasupäästöt ovat Suomen ympäristökeskuksen "
            "ALas-mallista: Hinku-laskennan päästöt (ilman päästökauppaa ja kompensaatioita) ja kaikki "
            "ALas-päästöt ovat eri mittareita eikä niitä sekoiteta. Kaupunkien omat tavoitteet voivat "
            "koskea omaa inventaariota; vertailukelpoisuushuomio on kerrottu kunkin tavoitteen kohdalla. "
            "Kuntarajat ja koodit ovat vuoden {division} kuntajaon mukaiset."
        ),
    },
    "en": {
        "title": "{name}: resource-wisdom overview",
        "subtitle": "Municipality code {code} · {region} · report made {date}",
        "who": "The city",
        "population": "Population",
        "region": "Region",
        "size_class": "Size class",
        "group": "Municipality group",
        "people": "People assigned to the work",
        "no_profile": "there is no profile for municipality {code} (data/cities)",
        "people_unknown": "The people assigned to the work are not recorded in the profile.",
        "people_none_published": "The profile lists {n} people, but none of them may be named in published reports.",
        "role": "Role",
        "responsibility": "Responsibility",
        "organisation": "Organisation",
        "name": "Name",
        "targets": "Targets and trajectory",
        "no_targets": "No targets are recorded in the profile.",
        "target_line": "Target {year}: {what}",
        "status": "Status",
        "status_unavailable": "not assessable",
        "source_summary": "The source in summary, not a direct quote",
        "comparability": "Comparability",
        "in_language": "in {language}",
        "lang_fi": "Finnish",
        "lang_sv": "Swedish",
        "lang_en": "English",
        "no_series": "The data hold no municipal values of the target's indicator ({indicator}), so no trajectory can be drawn.",
        "no_indicator": "No indicator is chosen for this target, so it cannot be tracked from statistics.",
        "baseline": "Baseline {year}",
        "latest_is": "Latest value {value} {unit} ({year})",
        "path_is": "On a straight target path it would be {value} {unit}; gap to the path {gap} %",
        "required": "Reaching the target needs a change of {rate} % a year",
        "projected": "At the current trend the target would be reached in {year}",
        "target": "Target {year}",
        "trajectory": "Target path",
        "indicators": "Indicators by theme",
        "sectors": "Greenhouse-gas emissions by sector (Hinku rules)",
        "years_left_out": "Years with a sector missing are left out: {years}.",
        "no_panel": "No indicator data are available.",
        "no_rate_for_map": "no per-capita indicator with data for this city",
        "part_key": "municipality key",
        "part_profile": "city profile",
        "part_panel": "indicator data",
        "part_catalogue": "indicator catalogue",
        "part_target tracking": "target tracking",
        "part_regional aggregates": "region and country figures",
        "part_trends": "trends",
        "compare": "Compared with the region, the size class and the country",
        "map": "On the map",
        "key": "Key measure and key problem",
        "key_measure": "Key measure",
        "key_problem": "Key problem",
        "not_given": "Not given in the profile",
        "data": "Which data exist and how fresh they are",
        "indicator": "Indicator",
        "first": "First year",
        "latest": "Latest year",
        "years": "Years",
        "value": "Latest value",
        "trend": "Change %/yr",
        "trend_note": "Change %/yr: robust trend (Theil–Sen on log values) over each series' last ten years, 90 % interval in brackets; at least five years are needed.",
        "source": "Source",
        "sources": "Sources and method",
        "not_available": "Not available: {what}.",
        "some_unavailable": "Some of the report's inputs were not available:",
        "publisher": "Publisher",
        "licence": "Licence",
        "no_data": "no data",
        "city": "City",
        "country": "Whole country",
        "size_median": "Size-class median ({size})",
        "rank": "Rank among all municipalities (1 = lowest)",
        "year": "Year",
        "method": (
            "Figures are taken from official open statistics as published; missing data are never "
            "replaced by zero or by estimates. Greenhouse-gas emissions come from Syke's ALas model: "
            "emissions under the Hinku rules (without emissions trading and offsets) and all ALas "
            "emissions are different indicators and are never mixed. Cities' own targets may refer to "
            "their own inventories; each target carries its comparability note. Boundaries and codes "
            "follow the {division} municipal division."
        ),
    },
}

#: Target kinds in words.
KIND_TEXT = {
    "fi": {
        "carbon_neutrality": "hiilineutraalius",
        "qualitative": "laadullinen tavoite",
        "pct_reduction": "vähennys",
        "absolute": "taso",
        "per_capita": "asukasta kohden",
        "rate": "osuus",
    },
    "en": {
        "carbon_neutrality": "carbon neutrality",
        "qualitative": "qualitative target",
        "pct_reduction": "reduction",
        "absolute": "level",
        "per_capita": "per inhabitant",
        "rate": "share",
    },
}

#: Target statuses of :data:`rvanalytics.metrics.STATUSES` in words.
STATUS_TEXT = {
    "fi": {
        "achieved": "saavutettu",
        "on track": "tavoitepolulla",
        "behind": "jäljessä",
        "off track": "selvästi jäljessä",
        "not enough data": "ei riittävästi tietoa",
    },
    "en": {
        "achieved": "achieved",
        "on track": "on track",
        "behind": "behind",
        "off track": "off track",
        "not enough data": "not enough data",
    },
}

ATTRIBUTION = {
    "fi": "Lähteet: Tilastokeskus (kuntarajat, kuntaluokitukset, väestö), Maanmittauslaitos (kuntarajat), "
    "Suomen ympäristökeskus Syke (ALas-päästöt), THL Sotkanet (väestö). Lisenssi CC BY 4.0.",
    "en": "Sources: Statistics Finland (boundaries, classifications, population), National Land Survey of "
    "Finland (boundaries), Finnish Environment Institute Syke (ALas emissions), THL Sotkanet (population). "
    "Licence CC BY 4.0.",
}


#: Publishers of the store's sources in Finnish (English as recorded in the store manifest).
PUBLISHER_FI = {
    "Statistics Finland": "Tilastokeskus",
    "National Land Survey of Finland": "Maanmittauslaitos",
    "Finnish Environment Institute Syke": "Suomen ympäristökeskus Syke",
    "THL Sotkanet (from Statistics Finland population statistics)": "THL Sotkanet (Tilastokeskuksen väestötilastosta)",
}

#: Titles of the store's sources in Finnish, by source id (unknown ids keep the recorded title).
SOURCE_TITLE_FI = {
    "statfi_municipality_key": "Kuntaluokitusavaimet 2013–2026 (kunta_1_VVVV0101 ja vastaavuustaulukot)",
    "nls_kuntajako_4500k": "Hallinnollinen aluejako 1:4 500 000, kunnat (kuntajako_4500k)",
    "statfi_wfs_kunta4500k": "Kuntarajat 1:4 500 000 (Tilastointialueet, kunta4500k)",
    "nls_maakuntajako_4500k": "Hallinnollinen aluejako 1:4 500 000, maakunnat (maakuntajako_4500k)",
    "sotkanet_population": "Väkiluku 31.12. kunnittain 2000–2022 (Sotkanet-indikaattori 127)",
    "syke_alas_road_transport": "ALas 1.1 tieliikenteen päästöt, energiankulutus ja ajosuorite kunnittain 2005–2018 (LIPASTO)",
    "syke_alas_hinku_north_karelia": "ALas-kasvihuonekaasupäästöt Hinku-sektoreittain, Pohjois-Karjalan kunnat, 1990 ja 2005–2024",
    "syke_alas_regions": "ALas-päästöt maakunnittain: yhteensä, asukasta kohden ja väkiluku, 1990 ja 2005–2024",
    "statfin_pxweb_11re": "11re – Väestö iän (1-v.) ja sukupuolen mukaan alueittain 1972–2025 (StatFin PxWeb API v1)",
}

#: Short source names for the "source" column of the data table, by source id.
SOURCE_SHORT = {
    "fi": {
        "sotkanet_population": "THL Sotkanet",
        "statfin_pxweb_11re": "Tilastokeskus (StatFin 11re)",
        "syke_alas_road_transport": "Syke ALas 1.1 (tieliikenne)",
        "syke_alas_hinku_north_karelia": "Syke ALas (Hinku, Pohjois-Karjala)",
        "syke_alas_regions": "Syke ALas (maakunnat)",
    },
    "en": {
        "sotkanet_population": "THL Sotkanet",
        "statfin_pxweb_11re": "Statistics Finland (StatFin 11re)",
        "syke_alas_road_transport": "Syke ALas 1.1 (road transport)",
        "syke_alas_hinku_north_karelia": "Syke ALas (Hinku, North Karelia)",
        "syke_alas_regions": "Syke ALas (regions)",
    },
}

#: English words of the recorded vintages in Finnish.
_VINTAGE_FI = [
    (r"\brecorded\b", "tallennettu"),
    (r"\bpublished ~", "julkaistu n. "),
    (r"\bpublished\b", "julkaistu"),
    (r"\bpreliminary\b", "ennakkotieto"),
    (r"\bupdated\b", "päivitetty"),
    (r"\bdata to\b", "tiedot"),
    (r"\brelease\b", "julkaisu"),
    (r"\band\b", "ja"),
]


def vintage_text(text: object, lang: str) -> str:
    """A recorded vintage in the report language.

    Examples
    --------
    >>> vintage_text("ALas release 2026 (1990, 2005-2024; 2024 preliminary)", "fi")
    'ALas julkaisu 2026 (1990, 2005-2024; 2024 ennakkotieto)'
    """
    out = "" if text is None else str(text)
    if lang == "fi":
        for pattern, words in _VINTAGE_FI:
            out = re.sub(pattern, words, out)
    return out


#: Finnish wording of :func:`rvanalytics.metrics.track_targets` reasons and notes (English kept otherwise).
_REASONS_FI: list[tuple[str, str]] = [
    (r"^no numeric target value$", "tavoitteella ei ole numeerista arvoa"),
    (r"^no indicator is given for this target$", "tavoitteelle ei ole valittu mittaria"),
    (r"^no data for indicator (\S+) for this city$", "mittarista {0} ei ole kunnan tietoja"),
    (
        r"^no data for indicator (\S+) in the baseline year (\d+) for this city.*$",
        "mittarista {0} ei ole kunnan tietoa lähtövuodelta {1}",
    ),
    (r"^baseline value given without a baseline year$", "lähtötaso on annettu ilman lähtövuotta"),
    (
        r"^no baseline year: .*$",
        "lähtövuotta ei ole kerrottu, joten prosenttitavoitetta ei voi muuttaa tasoksi",
    ),
    (r"^no data after the baseline year (\d+)$", "lähtövuoden {0} jälkeen ei ole tietoja"),
    (
        r"^latest value \((\d+)\) older than (\d+) years before (\d+)$",
        "viimeisin arvo ({0}) on yli {1} vuotta vanhempi kuin {2}",
    ),
    (
        r"^target scope (\S+) differs from data scope (\S+?)(?: \(status given with allow_scope_mismatch\))?$",
        "tavoitteen laskentatapa ({0}) on eri kuin aineiston ({1})",
    ),
    (
        r"^target level 0 or below: no constant rate reaches it$",
        "tavoitetaso on nolla tai alle: vakiovauhtinen muutos ei saavuta sitä",
    ),
    (r"^see required_change_per_year$", "katso tarvittava vuosimuutos"),
    (
        r"^numbers computed on the data's scope, for orientation only$",
        "luvut on laskettu aineiston laskentatavalla vain suuntaa antaviksi",
    ),
    (
        r"^target year (\d+) has passed \(latest data (\d+)\)$",
        "tavoitevuosi {0} on mennyt (viimeisin tieto {1})",
    ),
    (r"^the current trend does not reach the target$", "nykytrendillä tavoitetta ei saavuteta"),
    (
        r"^no baseline year stated; trajectory starts at the first year with data \((\d+)\)$",
        "lähtövuotta ei ole kerrottu; polku alkaa ensimmäisestä vuodesta, jolta on tietoa ({0})",
    ),
    (
        r"^target year not after the baseline year: no trajectory$",
        "tavoitevuosi ei ole lähtövuoden jälkeen: ei polkua",
    ),
]


#: Inventory scopes of targets and data in words (:data:`rvanalytics.metrics.targets._GHG_SCOPES`).
SCOPE_TEXT = {
    "fi": {
        "hinku": "Hinku-laskenta",
        "alas_total": "ALas-kokonaispäästöt",
        "city_inventory": "kaupungin oma inventaario",
        "consumption_based": "kulutusperusteinen",
        "unknown": "tuntematon",
    },
    "en": {
        "hinku": "Hinku rules",
        "alas_total": "all ALas emissions",
        "city_inventory": "the city's own inventory",
        "consumption_based": "consumption-based",
        "unknown": "unknown",
    },
}

_REASONS_EN: list[tuple[str, str]] = [
    (r"^no data for indicator (\S+) for this city$", "no data for this city on the indicator {0}"),
    (
        r"^no data for indicator (\S+) in the baseline year (\d+) for this city.*$",
        "no data for this city on the indicator {0} in the baseline year {1}",
    ),
    (
        r"^target scope (\S+) differs from data scope (\S+?)(?: \(status given with allow_scope_mismatch\))?$",
        "the target counts emissions by {0}, the data by {1}",
    ),
    (r"^see required_change_per_year$", "see the annual change needed"),
]


def reason_text(
    text: str, lang: str, names: Callable[[str], str] | None = None
) -> str:
    """A metrics reason or note (``;``-separated parts) in the report language.

    Indicator ids are replaced by ``names(id)`` (the indicator's name in the report
    language) and scope ids by words, so no identifier of the code reaches the page.

    Examples
    --------
    >>> reason_text("no data for indicator ghg_hinku_total_kt for this city", "fi",
    ...             names=lambda i: "päästöt yhteensä")
    'mittarista päästöt yhteensä ei ole kunnan tietoja'
    >>> reason_text("target scope city_inventory differs from data scope hinku", "en")
    "the target counts emissions by the city's own inventory, the data by Hinku rules"
    >>> reason_text("something new", "fi")
    'something new'
    """
    lang = lang if lang in SCOPE_TEXT else "en"
    table = _REASONS_FI if lang == "fi" else _REASONS_EN
    scopes = SCOPE_TEXT[lang]
    out = []
    for part in (p.strip() for p in str(text).split(";")):
        for pattern, words in table:
            m = re.match(pattern, part)
            if m:
                groups = list(m.groups())
                if "scope" in pattern:
                    groups = [scopes.get(g, g) for g in groups]
                elif names is not None and groups and "indicator" in pattern:
                    groups[0] = names(groups[0])
                part = words.format(*groups)
                break
        out.append(part)
    return "; ".join(out)


def esc(value: object) -> str:
    """HTML-escape any value (None → empty string).

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return "" if value is None else html.escape(str(value), quote=True)


def html_table(
    rows: Iterable[Iterable[object]],
    header: Iterable[object] | None,
    *,
    numeric: Iterable[int] = (),
) -> str:
    """A small HTML table with every cell escaped; ``numeric`` columns right-aligned.

    Examples
    --------
    >>> html_table([["<b>", 1]], ["a", "b"], numeric=[1])
    '<table><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>&lt;b&gt;</td><td class="num">1</td></tr></tbody></table>'
    """
    num = set(numeric)
    body = "".join(
        "<tr>" + "".join(f"<td{_num(i, num)}>{esc(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    if header is None:
        return f"<table><tbody>{body}</tbody></table>"
    head = "".join(f"<th{_num(i, num)}>{esc(h)}</th>" for i, h in enumerate(header))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _num(i: int, num: set[int]) -> str:
    return ' class="num"' if i in num else ""


def fmt(value: object, lang: str = "fi", digits: int | None = None) -> str:
    """A number for the report (Finnish: decimal comma, thin-space thousands); missing → "–".

    Examples
    --------
    >>> fmt(1234567.891, "fi", 1), fmt(0.25, "en", 2), fmt(float("nan")), fmt(-1.5, "fi", 1)
    ('1\\u202f234\\u202f567,9', '0.25', '–', '\\u22121,5')
    """
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    if math.isnan(x):
        return "–"
    if digits is None:
        digits = 0 if abs(x) >= 100 else (1 if abs(x) >= 10 else 2)
    text = f"{x:,.{digits}f}"
    if lang == "fi":
        text = text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")
    return text


def _display(obj: object) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: nothing to show
        return
    display(obj)


def _html(markup: str) -> None:
    try:
        from IPython.display import HTML
    except ImportError:
        return
    _display(HTML(markup))


@dataclass
class CityStory:
    """Everything one city's report needs, loaded once.

    Build it with :meth:`load`; then call the section methods in order. Parts that could
    not be loaded are listed in :attr:`unavailable` with the reason.
    """

    code: str
    lang: str
    store: str | None
    out_dir: Path
    name: str
    key_row: dict[str, Any] = field(default_factory=dict)
    profile: Any = None
    targets: pd.DataFrame | None = None
    panel: pd.DataFrame | None = None
    catalogue: pd.DataFrame | None = None
    division_year: int = 2026
    unavailable: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)

    # --- loading ------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        city_code: str,
        *,
        store: str | None = None,
        lang: str = "fi",
        out_dir: str | Path = ".",
    ) -> CityStory:
        """Load the key row, the profile, the panel and the indicator catalogue for ``city_code``."""
        from rvanalytics.report.naming import check_city_code

        code = check_city_code(city_code)
        lang = lang if lang in TEXT else "en"
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        story = cls(code=code, lang=lang, store=store, out_dir=out, name=code)
        story._try("key", story._load_key)
        story._try("profile", story._load_profile)
        story._try("panel", story._load_panel)
        story._try("catalogue", story._load_catalogue)
        story.metrics.update(
            {
                "city_code": code,
                "name": story.name,
                "lang": lang,
                "region_code": story.key_row.get("region_code"),
                "region_name": story.key_row.get(f"region_name_{'en' if lang == 'en' else 'fi'}"),
                "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
        return story

    def _try(self, what: str, func: Callable[[], None]) -> bool:
        """Run a loader; a module that is not there (yet) makes the part "not available".

        Data errors (no store, an invalid profile, a city missing from the key) are not
        caught: the report fails with the error, which the gallery shows on the city's card.
        """
        try:
            func()
            return True
        except (ImportError, AttributeError) as err:
            self.unavailable[what] = f"{type(err).__name__}: {err}"
            return False

    def _load_key(self) -> None:
        from rvanalytics.key import load_key
        from rvanalytics.store import DEFAULT_DIVISION_YEAR

        self.division_year = DEFAULT_DIVISION_YEAR
        key = load_key(DEFAULT_DIVISION_YEAR, store=self.store)
        self._key_frame = key  # reused by the comparison (no second read of the key)
        rows = key.loc[key["code"] == self.code]
        if rows.empty:
            raise RvanalyticsError(
                f"municipality {self.code} is not in the {DEFAULT_DIVISION_YEAR} municipality key. "
                "Fix: use a code of the current division (merged municipalities have new codes)"
            )
        self.key_row = {k: (None if pd.isna(v) else v) for k, v in rows.iloc[0].to_dict().items()}
        self.name = str(
            self.key_row.get("name_en" if self.lang == "en" else "name_fi") or self.code
        )

    def _load_profile(self) -> None:
        from rvanalytics.cities import load_cities
        from rvanalytics.report.inputs import profile_files

        files = profile_files(self.code)
        if not files:  # a municipality without a profile: no targets, people or key sections
            self.unavailable["profile"] = self.t("no_profile", code=self.code)
            return
        cities = load_cities(
            files, store=self.store
        )  # only this city's file: another city's error is not ours
        self.profile = cities.profile(self.code)
        self.targets = cities.targets.loc[cities.targets["city_code"] == self.code].reset_index(
            drop=True
        )

    def _load_panel(self) -> None:
        from rvanalytics.store import load_panel

        self.panel = load_panel(self.store, level=None)

    def _load_catalogue(self) -> None:
        from rvanalytics.indicators import indicator_catalogue

        cat = indicator_catalogue()
        cat = cat if isinstance(cat, pd.DataFrame) else pd.DataFrame(cat)
        if "id" not in cat.columns:  # indexed by id
            cat = cat.rename_axis("id").reset_index()
        self.catalogue = cat

    # --- helpers ------------------------------------------------------------------------

    def t(self, key: str, **fields: object) -> str:
        """Report text ``key`` in the report language, with ``fields`` filled in (not escaped)."""
        return TEXT[self.lang][key].format(**fields)

    def part_name(self, part: str) -> str:
        """A part of the report's inputs ("panel", "target tracking", …) in the report language."""
        return TEXT[self.lang].get(f"part_{part}", part)

    def note_unavailable(self, what: str, reason: str | None = None) -> None:
        """Show a plain 'not available' note and record it for ``metrics.json``."""
        if reason:
            self.unavailable.setdefault(what, reason)
        _html(f'<p class="missing">{esc(self.t("not_available", what=what))}</p>')

    def indicator_name(self, indicator: str) -> str:
        """Name of an indicator in the report language (the id when the catalogue lacks it)."""
        cat = self.catalogue
        if cat is not None and "id" in cat.columns:
            row = cat.loc[cat["id"] == indicator]
            col = "name_en" if self.lang == "en" else "name_fi"
            if not row.empty and col in row.columns and pd.notna(row.iloc[0][col]):
                return str(row.iloc[0][col])
        return indicator

    def series(
        self, indicator: str, *, level: str = "municipality", code: str | None = None
    ) -> pd.DataFrame:
        """Rows of ``indicator`` for one area, sorted by year (empty when no data)."""
        if self.panel is None:
            return pd.DataFrame(columns=["year", "value", "unit", "status", "source"])
        p = self.panel
        mask = (
            (p["indicator"] == indicator)
            & (p["level"] == level)
            & (p["code"] == (code or self.code))
        )
        return p.loc[mask].sort_values("year")

    def save_figure(self, fig: Any, name: str) -> tuple[Path, bytes]:
        """Render ``fig`` once to PNG, write it to ``figures/<name>.png`` and return the path and bytes."""
        import io

        from rvanalytics.atomic import atomic_write_bytes
        from rvanalytics.report.naming import slugify

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        data = buf.getvalue()
        path = self.out_dir / "figures" / f"{slugify(name, fallback='figure')}.png"
        atomic_write_bytes(path, data)
        self.figures.append(path.relative_to(self.out_dir).as_posix())
        return path, data

    def show_figure(self, fig: Any, name: str) -> None:
        """Save the figure, display the same PNG and close the figure (rendered once)."""
        import matplotlib.pyplot as plt

        _, data = self.save_figure(fig, name)
        plt.close(fig)
        try:
            from IPython.display import Image
        except ImportError:
            return
        _display(Image(data=data, format="png"))

    # --- sections -----------------------------------------------------------------------

    def header(self) -> None:
        """Title and the line under it."""
        region = (
            self.key_row.get("region_name_en" if self.lang == "en" else "region_name_fi") or "–"
        )
        date = dt.date.today().isoformat()
        _html(
            f"<h1>{esc(self.t('title', name=self.name))}</h1>"
            f"<p>{esc(self.t('subtitle', code=self.code, region=region, date=date))}</p>"
        )
        if self.unavailable:
            items = "".join(
                f"<li>{esc(self.part_name(k))}: {esc(v)}</li>" for k, v in self.unavailable.items()
            )
            _html(
                f'<div class="missing"><p>{esc(self.t("some_unavailable"))}</p><ul>{items}</ul></div>'
            )

    def who(self) -> None:
        """Population, region, size class, municipality group, and the published people."""
        _html(f"<h2>{esc(self.t('who'))}</h2>")
        pop = (
            self.series("population").dropna(subset=["value"])
            if self.panel is not None
            else pd.DataFrame()
        )
        if len(pop):
            last = pop.iloc[-1]
            pop_text = f"{fmt(last['value'], self.lang, 0)} ({int(last['year'])})"
            self.metrics["population"] = float(last["value"])
            self.metrics["population_year"] = int(last["year"])
            self.metrics["population_text"] = (
                # with its year: the gallery puts cities side by side whose latest years differ
                f"{fmt(last['value'], self.lang, 0)} {'as.' if self.lang == 'fi' else 'inh.'} ({int(last['year'])})"
            )
        else:
            pop_text = self.t("no_data")
        size = None
        if self.profile is not None and getattr(self.profile.city, "size_class", None):
            size = self.profile.city.size_class
        elif len(pop):
            try:
                from rvanalytics.key import size_class

                size = size_class(float(pop.iloc[-1]["value"]))
            except (ImportError, ValueError):
                size = None
        self.metrics["size_class"] = size
        lang_col = "en" if self.lang == "en" else "fi"
        rows = [
            [self.t("population"), pop_text],
            [self.t("region"), self.key_row.get(f"region_name_{lang_col}") or self.t("no_data")],
            [self.t("size_class"), size or self.t("no_data")],
            [
                self.t("group"),
                self.key_row.get(f"municipality_group_name_{lang_col}") or self.t("no_data"),
            ],
        ]
        _html(html_table(rows, None))
        self.people()

    def people(self) -> None:
        """The people and their roles: names only where ``publish`` is true."""
        _html(f"<h3>{esc(self.t('people'))}</h3>")
        if self.profile is None:
            self.note_unavailable(self.t("people"), self.unavailable.get("profile"))
            return
        if not self.profile.people_known:
            _html(f'<p class="missing">{esc(self.t("people_unknown"))}</p>')
            return
        from rvanalytics.cities import published_people

        people = published_people(self.profile)
        if not people:
            _html(
                f'<p class="missing">{esc(self.t("people_none_published", n=len(self.profile.people_list)))}</p>'
            )
            return
        rows = [
            [p["role"], p["responsibility"], p["organisation"], p["name"] or ""] for p in people
        ]
        _html(
            html_table(
                rows,
                [self.t("role"), self.t("responsibility"), self.t("organisation"), self.t("name")],
            )
        )

    def theme_name(self, theme: object) -> str:
        """Readable name of a resource-wisdom theme id in the report language."""
        from rvanalytics.report.themes import theme_name

        return theme_name(str(theme) if theme else None, self.lang)

    def target_rows(self) -> list[dict[str, Any]]:
        """The city's targets as dicts (profile order)."""
        if self.targets is None or self.targets.empty:
            return []
        return [dict(r) for _, r in self.targets.iterrows()]

    def target_label(self, target: dict[str, Any]) -> str:
        """Short label of a target, e.g. "−80 % 2030 (vs 1990)" / "carbon_neutrality 2030"."""
        year = target.get("target_year")
        value = target.get("target_value")
        base = target.get("baseline_year")
        kind = target.get("kind")
        theme = self.theme_name(target.get("theme"))
        kind_words = KIND_TEXT[self.lang].get(str(kind), str(kind or ""))
        if kind in ("pct_reduction", "carbon_neutrality") and _is_number(value):
            what = f"−{fmt(value, self.lang, 0)} %"
            if _is_number(base):
                what += f" ({'vrt.' if self.lang == 'fi' else 'vs'} {int(base)})"
            if kind == "carbon_neutrality":
                what = f"{kind_words} {what}"
        elif kind == "rate" and _is_number(value):
            what = f"{fmt(value, self.lang, 0)} %"
        elif _is_number(value):
            what = fmt(value, self.lang)
        else:
            what = kind_words
        return f"{theme}: {what} → {int(year)}" if _is_number(year) else f"{theme}: {what}"

    def tracked_targets(self) -> pd.DataFrame | None:
        """:func:`rvanalytics.metrics.track_targets` for this city's targets (None if not available)."""
        if self.targets is None or self.targets.empty or self.panel is None:
            return None
        try:
            from rvanalytics.metrics import track_targets
        except ImportError as err:
            self.unavailable.setdefault("target tracking", f"{type(err).__name__}: {err}")
            return None
        return track_targets(self.targets, self.panel)

    def status_words(self, row: dict[str, Any] | None) -> tuple[str | None, str, str | None]:
        """``(status, status in words, explanation)`` of one tracked target."""
        if row is None:
            return None, self.t("status_unavailable"), self.unavailable.get("target tracking")
        status = row.get("status")
        status = (
            None
            if status is None or (isinstance(status, float) and math.isnan(status))
            else str(status)
        )
        words = (
            STATUS_TEXT[self.lang].get(status, status) if status else self.t("status_unavailable")
        )
        parts = []
        unit = unit_text(row.get("unit"), self.lang)
        if _is_number(row.get("latest_value")):
            parts.append(
                self.t(
                    "latest_is",
                    value=fmt(row["latest_value"], self.lang),
                    unit=unit,
                    year=_int_or_none(row.get("latest_year")),
                )
            )
        if _is_number(row.get("trajectory_linear")):
            parts.append(
                self.t(
                    "path_is",
                    value=fmt(row["trajectory_linear"], self.lang),
                    unit=unit,
                    gap=fmt(row.get("gap_pct"), self.lang, 0),
                )
            )
        if _is_number(row.get("required_rate_pct")) and status not in ("achieved",):
            parts.append(self.t("required", rate=fmt(row["required_rate_pct"], self.lang, 1)))
        if _is_number(row.get("projected_year")) and status not in ("achieved",):
            parts.append(self.t("projected", year=int(float(row["projected_year"]))))
        reason = row.get("reason")
        if reason and not (isinstance(reason, float) and math.isnan(reason)):
            parts.append(_capital(reason_text(str(reason), self.lang, self.indicator_name)))
        note = row.get("note")
        if note and not (isinstance(note, float) and math.isnan(note)):
            parts.append(_capital(reason_text(str(note), self.lang, self.indicator_name)))
        return status, words, " ".join(p.rstrip(".") + "." for p in parts) or None

    def targets_section(self) -> None:
        """Each target: what it is, its source, status in words, a chart of the data against the target path."""
        _html(f"<h2>{esc(self.t('targets'))}</h2>")
        summary: list[dict[str, Any]] = []
        self.metrics["targets"] = summary
        if self.profile is None:
            self.note_unavailable(self.t("targets"), self.unavailable.get("profile"))
            return
        rows = self.target_rows()
        if not rows:
            _html(f'<p class="missing">{esc(self.t("no_targets"))}</p>')
            return
        tracked = self.tracked_targets()
        by_id = (
            {r["target_id"]: dict(r) for _, r in tracked.iterrows()} if tracked is not None else {}
        )
        trajectories = None
        if tracked is not None:
            from rvanalytics.metrics import target_trajectories

            trajectories = target_trajectories(tracked, self.panel)
        for target in rows:
            label = self.target_label(target)
            tr = by_id.get(target.get("target_id"))
            status, words, explanation = self.status_words(tr)
            summary.append(
                {
                    "target_id": target.get("target_id"),
                    "label": label,
                    "theme": target.get("theme"),
                    "indicator": target.get("indicator"),
                    "target_year": _int_or_none(target.get("target_year")),
                    "status": (status or "not_assessable").replace(" ", "_"),
                    "status_text": words,
                    "explanation": explanation,
                }
            )
            src = target.get("source_url")
            link = (
                f' (<a href="{esc(src)}">{esc(target.get("source_title") or src)}</a>)'
                if src
                else ""
            )
            quote = target.get("source_quote")
            note = target.get("comparability_note")
            lang_tag = self.profile_text_tag(target.get("text_language"))
            if quote and target.get("source_quote_kind") == "paraphrase":
                source_html = f"<p><em>{esc(self.t('source_summary'))}{lang_tag}:</em> {esc(quote)}{link}</p>"
            elif quote:
                source_html = f"<p>“{esc(quote)}”{lang_tag}{link}</p>"
            else:
                source_html = f"<p>{link}</p>" if link else ""
            _html(
                f"<h3>{esc(label)}</h3>"
                + source_html
                + f"<p><strong>{esc(self.t('status'))}: {esc(words)}.</strong> {esc(explanation or '')}</p>"
                + (
                    f'<p class="missing"><strong>{esc(self.t("comparability"))}{lang_tag}:</strong> {esc(note)}</p>'
                    if note
                    else ""
                )
            )
            self.target_chart(target, tr, trajectories)

    def target_chart(
        self,
        target: dict[str, Any],
        tracked: dict[str, Any] | None,
        trajectories: pd.DataFrame | None,
    ) -> None:
        """The indicator's series for the city, the baseline, the target level and the paths between them."""
        indicator = target.get("indicator")
        if not isinstance(indicator, str) or not indicator:
            _html(f'<p class="missing">{esc(self.t("no_indicator"))}</p>')
            return
        data = self.series(indicator).dropna(subset=["value"])
        if data.empty:
            _html(
                f'<p class="missing">{esc(self.t("no_series", indicator=self.indicator_name(indicator)))}</p>'
            )
            return
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4.2))
        ax.plot(
            *gap_broken(data["year"], data["value"]), marker="o", ms=4, lw=2.2, color="#0b5d7a", label=self.name
        )
        if tracked is not None:
            by = _int_or_none(tracked.get("baseline_year"))
            bv = tracked.get("baseline_value")
            ty = _int_or_none(tracked.get("target_year"))
            tl = tracked.get("target_level")
            if by is not None and _is_number(bv):
                ax.scatter(
                    [by], [bv], s=80, color="#55606a", zorder=3, label=self.t("baseline", year=by)
                )
            if ty is not None and _is_number(tl):
                ax.scatter(
                    [ty],
                    [tl],
                    s=160,
                    marker="*",
                    color="#a8231b",
                    zorder=3,
                    label=self.t("target", year=ty),
                )
            if trajectories is not None and len(trajectories):
                path = trajectories.loc[trajectories["target_id"] == target.get("target_id")]
                if len(path):
                    ax.plot(
                        path["year"],
                        path["linear"],
                        ls="--",
                        lw=1.5,
                        color="#a8231b",
                        label=self.t("trajectory"),
                    )
        unit = unit_text(data["unit"].iloc[-1], self.lang) if "unit" in data.columns else ""
        ax.set_title(f"{self.indicator_name(indicator)} ({unit})", fontsize=14)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=12)
        ax.legend(fontsize=11, frameon=False, loc="best")
        self.show_figure(fig, f"target-{target.get('target_id')}")

    # indicators ------------------------------------------------------------------------

    def catalogue_field(self, indicator: str, column: str) -> Any:
        """One field of the indicator catalogue (None when unknown)."""
        cat = self.catalogue
        if cat is None or "id" not in cat.columns or column not in cat.columns:
            return None
        row = cat.loc[cat["id"] == indicator]
        if row.empty or pd.isna(row.iloc[0][column]):
            return None
        return row.iloc[0][column]

    def is_rate(self, indicator: str) -> bool:
        """True for indicators that are not additive (per capita, shares): comparable across areas."""
        additive = self.catalogue_field(indicator, "additive")
        if additive is not None:
            return not bool(additive)
        return (
            "per_capita" in indicator or indicator.endswith("_pct") or indicator.endswith("_rate")
        )

    def city_indicators(self) -> list[str]:
        """Indicators with at least one value for this city, in catalogue order."""
        if self.panel is None:
            return []
        p = self.panel
        have = set(
            p.loc[
                (p["level"] == "municipality") & (p["code"] == self.code) & p["value"].notna(),
                "indicator",
            ]
        )
        order = (
            list(self.catalogue["id"])
            if self.catalogue is not None and "id" in self.catalogue.columns
            else []
        )
        return [i for i in order if i in have] + sorted(have - set(order))

    def indicators_section(self, max_per_theme: int = 4) -> None:
        """Trends by theme: the city's series; for rates also its region and the whole country."""
        _html(f"<h2>{esc(self.t('indicators'))}</h2>")
        if self.panel is None:
            self.note_unavailable(self.t("indicators"), self.unavailable.get("panel"))
            return
        indicators = self.city_indicators()
        if not indicators:
            _html(f'<p class="missing">{esc(self.t("no_panel"))}</p>')
            return
        if self.catalogue is None:
            self.note_unavailable(self.t("part_catalogue"), self.unavailable.get("catalogue"))
        sectors = [i for i in indicators if i.startswith("ghg_hinku_sector_")]
        if len(sectors) >= 2:
            self.sectors_figure(sectors)
            indicators = [i for i in indicators if i not in sectors]
        themes: dict[str, list[str]] = {}
        for ind in indicators:
            themes.setdefault(str(self.catalogue_field(ind, "theme") or "–"), []).append(ind)
        latest: dict[str, Any] = {}
        for theme, inds in themes.items():
            shown = inds[:max_per_theme]
            _html(f"<h3>{esc(self.theme_name(theme) if theme != '–' else '–')}</h3>")
            if len(inds) > len(shown):
                _html(
                    f"<p>{esc(', '.join(self.indicator_name(i) for i in inds[len(shown) :]))}: {esc(self.t('data'))} ↓</p>"
                )
            self._theme_figure(theme, shown)
            for ind in inds:
                d = self.series(ind).dropna(subset=["value"])
                if len(d):
                    latest[ind] = {
                        "year": int(d["year"].iloc[-1]),
                        "value": float(d["value"].iloc[-1]),
                        "unit": str(d["unit"].iloc[-1]),
                    }
        self.metrics["indicators"] = latest

    def sectors_figure(self, sectors: list[str]) -> None:
        """Emissions by sector (Hinku rules) as stacked areas; years with a missing sector are left out."""
        import matplotlib.pyplot as plt

        p = self.panel
        assert p is not None
        rows = p.loc[
            (p["level"] == "municipality") & (p["code"] == self.code) & p["indicator"].isin(sectors)
        ]
        wide = rows.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")
        complete = wide.dropna(how="any")
        _html(f"<h3>{esc(self.t('sectors'))}</h3>")
        if complete.empty:
            _html(f'<p class="missing">{esc(self.t("no_data"))}</p>')
            return
        dropped = sorted(set(wide.index) - set(complete.index))
        order = complete.iloc[-1].sort_values(ascending=False).index
        labels = [self.sector_label(i) for i in order]
        fig, ax = plt.subplots(figsize=(12, 5.2))
        colors = plt.get_cmap("tab20").colors
        for number, run in enumerate(contiguous_runs(complete.index)):
            part = complete.loc[run]
            if len(run) == 1:  # a lone year (1990) is a stacked bar, not an area to bridge
                bottom = 0.0
                for column, color in zip(order, colors, strict=False):
                    ax.bar(run, part[column], bottom=bottom, width=0.8, color=color, alpha=0.9)
                    bottom = bottom + part[column].to_numpy()
                continue
            ax.stackplot(
                part.index,
                [part[c] for c in order],
                labels=labels if not ax.get_legend_handles_labels()[1] else (),
                colors=colors[: len(order)],
                alpha=0.9,
            )
        ax.set_title(f"{self.t('sectors')} ({unit_text(rows['unit'].iloc[0], self.lang)})", fontsize=14)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=12)
        ax.legend(fontsize=10, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        self.show_figure(fig, "sectors")
        if dropped:
            _html(
                f'<p class="missing">{esc(self.t("years_left_out", years=", ".join(map(str, dropped))))}</p>'
            )

    def sector_label(self, indicator: str) -> str:
        """Short sector name: the catalogue's Finnish sector name, else the id's sector part."""
        if self.lang == "fi":
            name = self.catalogue_field(indicator, "sector_fi")
            if name:
                return str(name)
        return indicator.removeprefix("ghg_hinku_sector_").removesuffix("_kt").replace("_", " ")

    def _theme_figure(self, theme: str, indicators: list[str]) -> None:
        import matplotlib.pyplot as plt

        n = len(indicators)
        cols = 2 if n > 1 else 1
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(12, 4.2 * rows), squeeze=False)
        region = self.key_row.get("region_code")
        region_name = (
            self.key_row.get("region_name_en" if self.lang == "en" else "region_name_fi") or region
        )
        for ax, ind in zip(axes.flat, indicators, strict=False):
            d = self.series(ind).dropna(subset=["value"])
            ax.plot(
                *gap_broken(d["year"], d["value"]), marker="o", ms=3, lw=2.2, color="#0b5d7a", label=self.name
            )
            if self.is_rate(ind):
                if region:
                    r = self.series(ind, level="region", code=str(region)).dropna(subset=["value"])
                    if len(r):
                        ax.plot(
                            *gap_broken(r["year"], r["value"]), lw=1.6, color="#8a5a00", label=str(region_name)
                        )
                c = self.series(ind, level="country", code="SSS").dropna(subset=["value"])
                if len(c):
                    ax.plot(
                        *gap_broken(c["year"], c["value"]),
                        lw=1.6,
                        ls="--",
                        color="#55606a",
                        label=self.t("country"),
                    )
            unit = unit_text(d["unit"].iloc[-1], self.lang) if len(d) else ""
            ax.set_title(textwrap.fill(f"{self.indicator_name(ind)} ({unit})", 44), fontsize=13)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=12)
            ax.legend(fontsize=11, frameon=False)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.tight_layout()
        self.show_figure(fig, f"theme-{theme}")

    def compare_section(self) -> None:
        """Latest value of each rate indicator: city, region, size-class median, country, and the city's rank."""
        _html(f"<h2>{esc(self.t('compare'))}</h2>")
        if self.panel is None:
            self.note_unavailable(self.t("compare"), self.unavailable.get("panel"))
            return
        p = self.panel
        size = self.metrics.get("size_class")
        sizes = self._size_classes()
        rows = []
        comparison = {}
        for ind in [i for i in self.city_indicators() if self.is_rate(i)]:
            d = self.series(ind).dropna(subset=["value"])
            year = int(d["year"].iloc[-1])
            value = float(d["value"].iloc[-1])
            same = p.loc[
                (p["indicator"] == ind)
                & (p["year"] == year)
                & (p["level"] == "municipality")
                & p["value"].notna()
            ]
            region_value = self._value(ind, "region", str(self.key_row.get("region_code")), year)
            country_value = self._value(ind, "country", "SSS", year)
            if region_value is None or country_value is None:
                agg = self._aggregates().get(ind)
                if agg is not None:
                    if region_value is None:
                        region_value = agg.get(
                            ("region", str(self.key_row.get("region_code")), year)
                        )
                    if country_value is None:
                        country_value = agg.get(("country", "SSS", year))
            size_median = None
            if size and sizes is not None:
                peers = same.loc[same["code"].map(sizes) == size, "value"]
                size_median = float(peers.median()) if len(peers) else None
            rank = int((same["value"] < value).sum()) + 1 if len(same) else None
            rank_text = f"{rank}/{len(same)}" if rank else "–"
            rows.append(
                [
                    self.indicator_name(ind),
                    year,
                    fmt(value, self.lang),
                    fmt(region_value, self.lang),
                    fmt(size_median, self.lang),
                    fmt(country_value, self.lang),
                    rank_text,
                ]
            )
            comparison[ind] = {
                "year": year,
                "city": value,
                "region": region_value,
                "size_class_median": size_median,
                "country": country_value,
                "rank": rank,
                "of": int(len(same)),
            }
        if not rows:
            _html(f'<p class="missing">{esc(self.t("no_panel"))}</p>')
            return
        region_name = self.key_row.get(
            "region_name_en" if self.lang == "en" else "region_name_fi"
        ) or self.t("region")
        header = [
            self.t("indicator"),
            self.t("year"),
            self.name,
            region_name,
            self.t("size_median", size=size or "–"),
            self.t("country"),
            self.t("rank"),
        ]
        _html(html_table(rows, header, numeric=[1, 2, 3, 4, 5]))
        self.metrics["comparison"] = comparison

    def _aggregates(self) -> dict[str, dict[tuple[str, str, int], float]]:
        """Region and country values of per-capita indicators re-derived from municipal sums.

        :func:`rvanalytics.metrics.peers.aggregate_areas` sums the additive numerator and the
        population over every municipality (NaN unless all report), so the result is the
        population-weighted mean, never an average of rates. Cached; empty if unavailable.
        """
        if hasattr(self, "_agg_cache"):
            return self._agg_cache
        self._agg_cache: dict[str, dict[tuple[str, str, int], float]] = {}
        if (
            self.panel is None
            or self.catalogue is None
            or "numerator" not in self.catalogue.columns
        ):
            return self._agg_cache
        try:
            from rvanalytics.key import load_key
            from rvanalytics.metrics.peers import aggregate_areas
        except ImportError as err:
            self.unavailable.setdefault("regional aggregates", f"{type(err).__name__}: {err}")
            return self._agg_cache
        per_capita = {}
        for ind in self.city_indicators():
            num = self.catalogue_field(ind, "numerator")
            scale = self.catalogue_field(ind, "scale")
            if num and self.is_rate(ind):
                per_capita[ind] = (str(num), float(scale) if scale is not None else 1.0)
        if not per_capita:
            return self._agg_cache
        key = getattr(self, "_key_frame", None)
        if key is None:
            key = load_key(self.division_year, store=self.store)
        agg = aggregate_areas(
            self.panel, key[["code", "region_code"]], ["population"], per_capita=per_capita
        )
        agg = agg[agg["indicator"].isin(per_capita) & agg["value"].notna()]
        for row in agg.itertuples(index=False):
            self._agg_cache.setdefault(row.indicator, {})[
                (row.level, str(row.code), int(row.year))
            ] = float(row.value)
        return self._agg_cache

    def _value(self, indicator: str, level: str, code: str, year: int) -> float | None:
        d = self.series(indicator, level=level, code=code)
        d = d.loc[(d["year"] == year) & d["value"].notna()]
        return float(d["value"].iloc[0]) if len(d) else None

    def _size_classes(self) -> pd.Series | None:
        """Size class of every municipality from its latest population in the panel."""
        if self.panel is None:
            return None
        try:
            from rvanalytics.key import size_class
        except ImportError:
            return None
        p = self.panel
        pop = p.loc[
            (p["indicator"] == "population") & (p["level"] == "municipality") & p["value"].notna()
        ]
        if pop.empty:
            return None
        latest = pop.sort_values("year").groupby("code")["value"].last()
        return latest.map(lambda v: size_class(float(v)))

    def map_section(self) -> None:
        """The city on a map of a per-capita indicator (the one with the widest coverage)."""
        _html(f"<h2>{esc(self.t('map'))}</h2>")
        try:
            import matplotlib.pyplot as plt

            from rvanalytics.boundaries import load_municipalities, load_regions
            from rvanalytics.maps import choropleth
        except ImportError as err:
            self.note_unavailable(self.t("map"), str(err))
            return
        if self.panel is None:
            self.note_unavailable(self.t("map"), self.unavailable.get("panel"))
            return
        p = self.panel
        best = None
        for ind in [i for i in self.city_indicators() if self.is_rate(i)]:
            d = p.loc[(p["indicator"] == ind) & (p["level"] == "municipality") & p["value"].notna()]
            year = int(self.series(ind).dropna(subset=["value"])["year"].iloc[-1])
            n = int((d["year"] == year).sum())
            if best is None or n > best[2]:
                best = (ind, year, n)
        if best is None:
            self.note_unavailable(self.t("map"), self.t("no_rate_for_map"))
            return
        ind, year, _ = best
        try:
            munis = load_municipalities(self.division_year, simplified=True, store=self.store)
            regions = load_regions(self.division_year, simplified=True, store=self.store)
        except RvanalyticsError as err:
            self.note_unavailable(self.t("map"), str(err))
            return
        d = p.loc[(p["indicator"] == ind) & (p["level"] == "municipality") & (p["year"] == year)]
        values = d.set_index("code")["value"]
        values = values[values.index.isin(set(munis["code"]))]
        unit = unit_text(d["unit"].iloc[0], self.lang) if len(d) else ""
        lang = self.lang if self.lang in ("fi", "en") else "en"
        from rvanalytics.maps import indicator_meta

        # the palette of the workshop maps: where lower is better, high values are red
        lower_is_better = "lower" in indicator_meta(ind, lang)["direction"].lower()
        fig, _ = choropleth(
            munis,
            values,
            title=self.indicator_name(ind),
            unit=unit,
            year=year,
            lang=lang,
            regions=regions,
            label_codes=[self.code],
            size="slide",
            cmap="YlOrRd" if lower_is_better else None,
        )
        self.show_figure(fig, f"map-{ind}")
        plt.close("all")

    def profile_text_tag(self, text_language: object = None) -> str:
        """`` (englanniksi)`` when the profile's free text is in another language than the report.

        Profile text is shown as written, never machine-translated; the tag says which
        language it is in. Empty when the languages agree or the profile does not say.
        """
        if text_language is None and self.profile is not None:
            text_language = getattr(self.profile, "text_language", None)
        if not isinstance(text_language, str) or text_language not in ("fi", "sv", "en") or text_language == self.lang:
            return ""
        return f" ({esc(self.t('in_language', language=self.t('lang_' + text_language)))})"

    def key_sections(self) -> None:
        """The key measure and the key problem, or what the profile says about their absence."""
        _html(f"<h2>{esc(self.t('key'))}</h2>")
        if self.profile is None:
            self.note_unavailable(self.t("key"), self.unavailable.get("profile"))
            self.metrics["key_measure"] = {
                "known": False,
                "unknown_reason": self.unavailable.get("profile"),
            }
            self.metrics["key_problem"] = {
                "known": False,
                "unknown_reason": self.unavailable.get("profile"),
            }
            return
        from rvanalytics.cities import key_sections

        sections = key_sections(self.profile)
        self.metrics.update(sections)
        parts = []
        for which in ("key_measure", "key_problem"):
            s = sections[which]
            head = f"<h3>{esc(self.t(which))}</h3>"
            if s.get("known"):
                title = (
                    f"<p><strong>{esc(s.get('title'))}</strong> ({esc(s.get('status'))})</p>"
                    if s.get("title")
                    else ""
                )
                themes = ", ".join(esc(x) for x in s.get("themes") or [])
                parts.append(
                    head
                    + title
                    + f"<p>{esc(s.get('description'))}{self.profile_text_tag()}</p>"
                    + (f"<p>{themes}</p>" if themes else "")
                )
            else:
                reason = s.get("unknown_reason")
                reason_html = f"{self.profile_text_tag()}: {esc(reason)}" if reason else ""
                parts.append(head + f'<p class="missing">{esc(self.t("not_given"))}{reason_html}</p>')
        _html("".join(parts))

    def data_freshness(self) -> None:
        """Per indicator: first and latest year with a value for this city, and the source."""
        _html(f"<h2>{esc(self.t('data'))}</h2>")
        if self.panel is None:
            self.note_unavailable(self.t("data"), self.unavailable.get("panel"))
            return
        p = self.panel
        mine = p.loc[(p["level"] == "municipality") & (p["code"] == self.code) & p["value"].notna()]
        if mine.empty:
            _html(f'<p class="missing">{esc(self.t("no_panel"))}</p>')
            self.metrics["data_years"] = {}
            return
        g = mine.groupby("indicator").agg(
            first=("year", "min"),
            latest=("year", "max"),
            n=("year", "nunique"),
            source=("source", "first"),
        )
        trends = self._trends(mine)
        latest = mine.sort_values("year").groupby("indicator").last()
        rows = []
        for i, r in g.iterrows():
            tr = trends.get(i)
            trend_text = (
                f"{fmt(tr[0], self.lang, 1)} ({fmt(tr[1], self.lang, 1)} … {fmt(tr[2], self.lang, 1)})"
                if tr is not None
                else "–"
            )
            value = f"{fmt(latest.loc[i, 'value'], self.lang)} {unit_text(latest.loc[i, 'unit'], self.lang)}"
            rows.append(
                [
                    self.indicator_name(i),
                    int(r["first"]),
                    int(r["latest"]),
                    int(r["n"]),
                    value,
                    trend_text,
                    self.source_short(r["source"]),
                ]
            )
        header = [
            self.t("indicator"),
            self.t("first"),
            self.t("latest"),
            self.t("years"),
            self.t("value"),
            self.t("trend"),
            self.t("source"),
        ]
        _html(html_table(rows, header, numeric=[1, 2, 3, 4, 5]))
        _html(f'<p class="missing">{esc(self.t("trend_note"))}</p>')
        self.metrics["data_years"] = {
            i: [int(r["first"]), int(r["latest"])] for i, r in g.iterrows()
        }

    def _trends(self, rows: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
        """Theil–Sen trend (% a year, 90 % interval) of each series over its last ten years."""
        try:
            from rvanalytics.metrics import trend
        except ImportError as err:
            self.unavailable.setdefault("trends", f"{type(err).__name__}: {err}")
            return {}
        t = trend(rows, last_n_years=10)
        t = t.dropna(subset=["annual_pct"])
        return {
            str(r.indicator): (
                float(r.annual_pct),
                float(r.annual_pct_low),
                float(r.annual_pct_high),
            )
            for r in t.itertuples(index=False)
        }

    def sources(self) -> None:
        """Sources with their vintages from the store manifest, attribution and a method note."""
        _html(f"<h2>{esc(self.t('sources'))}</h2>")
        try:
            from rvanalytics.store import read_manifest

            manifest = read_manifest(self.store)
            rows = [
                [
                    self.source_title(s),
                    self.publisher_text(s.get("publisher")),
                    vintage_text(s.get("vintage"), self.lang),
                    s.get("licence"),
                ]
                for s in manifest.get("sources", [])
                if isinstance(s, dict)
            ]
            if rows:
                _html(
                    html_table(
                        rows,
                        [self.t("source"), self.t("publisher"), self.t("year"), self.t("licence")],
                    )
                )
        except (ImportError, RvanalyticsError) as err:
            self.note_unavailable(self.t("sources"), str(err))
        _html(
            f"<p>{esc(ATTRIBUTION[self.lang])}</p><p>{esc(self.t('method', division=self.division_year))}</p>"
        )

    def publisher_text(self, publisher: object) -> str:
        """A publisher's name in the report language."""
        text = "" if publisher is None else str(publisher)
        return PUBLISHER_FI.get(text, text) if self.lang == "fi" else text

    def source_title(self, source: dict[str, Any]) -> str:
        """A store source's title in the report language (the recorded title when not translated)."""
        sid = str(source.get("id") or "")
        if self.lang == "fi" and sid in SOURCE_TITLE_FI:
            return SOURCE_TITLE_FI[sid]
        return str(source.get("title") or sid)

    def source_short(self, source_id: object) -> str:
        """Short name of a panel source id for the data table (publisher from the manifest if unknown)."""
        sid = str(source_id)
        short = SOURCE_SHORT.get(self.lang, {}).get(sid)
        if short:
            return short
        if not hasattr(self, "_publishers"):
            self._publishers: dict[str, str] = {}
            try:
                from rvanalytics.store import read_manifest

                for s in read_manifest(self.store).get("sources", []):
                    if isinstance(s, dict) and s.get("id") and s.get("publisher"):
                        self._publishers[str(s["id"])] = str(s["publisher"])
            except (ImportError, RvanalyticsError, OSError):
                pass
        publisher = self._publishers.get(sid)
        return self.publisher_text(publisher) if publisher else sid

    def write_metrics(self) -> Path:
        """Write ``metrics.json`` (what the gallery and the measures page read) into the report folder."""
        self.metrics["figures"] = list(self.figures)
        self.metrics["unavailable"] = dict(self.unavailable)
        path = self.out_dir / "metrics.json"
        atomic_write_text(
            path, json.dumps(self.metrics, indent=2, ensure_ascii=False, default=_json_default)
        )
        return path


def gap_broken(years: Any, values: Any) -> tuple[Any, Any]:
    """Years and values with a missing point between non-consecutive years.

    A line must not bridge years without data (Syke's series jump from 1990 to 2005).

    Examples
    --------
    >>> gap_broken([1990, 2005, 2006], [1.0, 2.0, 3.0])[1].tolist()
    [1.0, nan, 2.0, 3.0]
    """
    import numpy as np

    y = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(y) < 2:
        return y, v
    breaks = np.flatnonzero(np.diff(y) > 1)
    return np.insert(y, breaks + 1, y[breaks] + 0.5), np.insert(v, breaks + 1, np.nan)


def contiguous_runs(years: Any) -> list[list[int]]:
    """Runs of consecutive years, e.g. ``[1990], [2005, …, 2024]``."""
    runs: list[list[int]] = []
    for year in sorted(int(y) for y in years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _capital(text: str) -> str:
    """First letter upper-case, the rest untouched (``str.capitalize`` lowers names like ALas)."""
    return text[:1].upper() + text[1:]


def _is_number(value: object) -> bool:
    try:
        return value is not None and not math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _int_or_none(value: object) -> int | None:
    return int(float(value)) if _is_number(value) else None  # type: ignore[arg-type]


def _json_default(value: object) -> object:
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.isoformat()
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()  # type: ignore[attr-defined]
    return str(value)
