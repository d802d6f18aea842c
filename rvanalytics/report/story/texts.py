"""Every word of a city report, in Finnish, Swedish and English, and the number format.

Texts are plain (not escaped); :mod:`~rvanalytics.report.story.html` escapes them when it
builds markup. Reasons and notes that :func:`rvanalytics.metrics.track_targets` writes in
English are put into the report language by :func:`reason_text`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

__all__ = [
    "LANGUAGES",
    "TEXT",
    "fmt",
    "kind_text",
    "reason_text",
    "scope_text",
    "status_text",
    "t",
    "vintage_text",
]

#: Report languages.
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

TEXT: dict[str, dict[str, str]] = {
    "fi": {
        "title": "{name}: resurssiviisauden tilannekuva",
        "subtitle": "Kuntanumero {code} · {region} · raportti tuotettu {date}",
        "summary": "Yhteenveto",
        "summary_targets": "Tavoitteita {n}, joista {assessed} arvioitavissa tilastoista: {statuses}.",
        "summary_no_targets": "Profiiliin ei ole kirjattu tavoitteita.",
        "summary_figures": "Viimeisimmät luvut: {figures}.",
        "summary_trend": "Selvin kehityssuunta: {name} {rate} %/v ({first}–{last}).",
        "summary_rank": "{name}: {rank}.",
        "who": "Kaupunki",
        "population": "Väkiluku",
        "region": "Maakunta",
        "size_class": "Kuntakokoluokka",
        "group": "Kuntaryhmä",
        "people": "Työhön nimetyt henkilöt",
        "no_profile": "kunnalle {code} ei ole profiilia",
        "people_unknown": "ei kirjattu profiiliin.",
        "people_none_published": "profiilissa on {n} henkilöä, mutta kenenkään nimeä ei ole lupa julkaista.",
        "role": "Rooli",
        "responsibility": "Vastuu",
        "organisation": "Organisaatio",
        "name": "Nimi",
        "targets": "Tavoitteet ja kehitys",
        "city_targets": "Kaupungin omat tavoitteet",
        "network_targets": "Verkoston yhteiset tavoitteet",
        "network_source": "Verkoston tavoitteet: {source}",
        "no_targets": "profiiliin ei ole kirjattu tavoitteita.",
        "status": "Tila",
        "status_unavailable": "ei arvioitavissa",
        "basis": "Arvion peruste",
        "basis_same": "sama laskentatapa kuin tavoitteessa",
        "basis_indicative": "suuntaa antava, Syken Hinku-aineiston perusteella; kaupungin oma inventaario voi poiketa",
        "release": "Aineistojulkaisu {release}",
        "preliminary": "ennakkotieto",
        "preliminary_year": "vuoden {year} luku on ennakkotieto",
        "change_since_baseline": "Muutos lähtövuodesta {year}: {pct} %",
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
        "vs": "vrt.",
        "indicators": "Mittarit teemoittain",
        "more_in_table": "Myös taulukossa alempana: {names}.",
        "sectors": "Kasvihuonekaasupäästöt sektoreittain (Hinku-laskenta)",
        "years_left_out": "Vuodet, joilta osa sektoreista puuttuu, on jätetty pois: {years}.",
        "no_panel": "kunnalle ei ole aineistossa tietoja.",
        "snapshot": "vain yksi vuosi ({year}): tilannekuva, ei trendiä",
        "snapshot_short": "yksi vuosi",
        "no_rate_for_map": "kunnalle ei ole asukasta kohden laskettua mittaria, jolla olisi tietoja.",
        "compare": "Vertailu maakuntaan, kokoluokkaan ja koko maahan",
        "compare_note": (
            "Vertailuvuosi on kunkin mittarin viimeisin vuosi, jolta lähes kaikilla tietoja raportoivilla "
            "kunnilla on arvo. Sija 1 on pienin arvo (päästöissä ja liikenteessä pienempi on parempi). "
            "Hinku-laskennan lukuja verrataan vain Hinku-laskennan maakunta- ja koko maan lukuihin."
        ),
        "rank_text": "{rank}. / {n} kunnasta, joilla on tietoa",
        "map": "Sijainti kartalla",
        "key": "Avaintoimi, avainongelma ja vastuutaho",
        "key_measure": "Avaintoimi",
        "key_problem": "Avainongelma",
        "responsible_unit": "Vastuutaho",
        "highlighted": "Mitä kaupunki nostaa esiin julkisissa asiakirjoissaan (ei kaupungin taustamuistiosta)",
        "measure_started": "käynnissä",
        "measure_planned": "suunnitteilla",
        "not_given": "ei kerrottu profiilissa",
        "data": "Mitä tietoja on ja kuinka tuoreita",
        "indicator": "Mittari",
        "first": "Ensimmäinen vuosi",
        "latest": "Viimeisin vuosi",
        "years": "Vuosia",
        "value": "Viimeisin arvo",
        "trend": "Muutos %/v",
        "trend_note": (
            "Muutos %/v on keskimääräinen vuosimuutos kunkin sarjan viimeisten kymmenen vuoden ajalta. "
            "Se on laskettu Theil–Sen-menetelmällä: kaikkien vuosiparien muutosten mediaani, jota "
            "yksittäinen poikkeava vuosi ei juuri heilauta. Suluissa on väli, jolla muutos on 90 %:n "
            "varmuudella. Trendiin tarvitaan vähintään viisi vuotta."
        ),
        "mkm_note": "Mkm = miljoonaa ajoneuvokilometriä (ajoneuvojen yhteensä ajama matka).",
        "source": "Lähde",
        "sources": "Lähteet ja menetelmä",
        "licence": "Lisenssi",
        "no_data": "ei tietoa",
        "city": "Kaupunki",
        "country": "Koko maa",
        "size_median": "Kokoluokan mediaani ({size})",
        "rank": "Sija",
        "year": "Vuosi",
        "figure_source": "Lähde: {sources}",
        "figure_years": "Tiedot {years}",
        "method": (
            "Luvut ovat virallisista avoimista tilastoista sellaisinaan; puuttuvaa tietoa ei ole "
            "korvattu nollalla eikä arvioilla. Kasvihuonekaasupäästöt ovat Suomen ympäristökeskuksen "
            "ALas-mallista: Hinku-laskennan päästöt (ilman päästökauppaa ja kompensaatioita) ja kaikki "
            "ALas-päästöt ovat eri mittareita eikä niitä sekoiteta. Kaupunkien omat tavoitteet voivat "
            "koskea omaa inventaariota; vertailukelpoisuushuomio on kerrottu kunkin tavoitteen kohdalla. "
            "Kuntarajat ja koodit ovat vuoden {division} kuntajaon mukaiset."
        ),
        "unknown": "ei tiedossa",
        "unknown_because": "ei tiedossa: {reason}",
        "public_facts": (
            "Kunnalle {code} ei ole profiilia. Tämä sivu on koottu vain julkisista tiedoista: {parts}. "
            "Työhön nimetyt henkilöt, avaintoimi ja avainongelma eivät ole tiedossa, eikä niitä ole arvattu."
        ),
        "public_facts_fisu": "FISU-jäsenyys lähteineen, verkoston yhteiset tavoitteet ja niiden tila",
        "public_facts_data": "tilastot",
        "fisu": "FISU-verkosto",
        "fisu_founding_member": "perustajajäsen",
        "fisu_member": "jäsen",
        "fisu_member_listed": "verkoston päiväämättömässä jäsenluettelossa",
        "fisu_since": "vuodesta {year}",
        "fisu_source": "lähde",
        "summary_split": " (kaupungin omia {own}, verkoston yhteisiä {network})",
        "summary_network_only": (
            "Kaupungin omia tavoitteita ei tunneta. Verkoston yhteisiä tavoitteita {n}, joista {assessed} "
            "arvioitavissa tilastoista: {statuses}."
        ),
        "summary_no_profile": "Kaupungin omia tavoitteita ei tunneta (ei profiilia).",
        "network_note": "Verkoston yhteinen tavoite kaikille FISU-jäsenille, mittarina {indicator}.",
        "network_note_plain": "Verkoston yhteinen tavoite kaikille FISU-jäsenille.",
        "network_hint": "Verkoston kuvaus mittarista",
        "network_source_title": "FISU-verkoston yhteinen tavoite ({date})",
        "undated": "päiväämätön",
        "inh": "as.",
    },
    "sv": {
        "title": "{name}: lägesbild av resurssmarthet",
        "subtitle": "Kommunnummer {code} · {region} · rapporten gjord {date}",
        "summary": "Sammanfattning",
        "summary_targets": "{n} mål, varav {assessed} kan bedömas utifrån statistik: {statuses}.",
        "summary_no_targets": "Inga mål finns i profilen.",
        "summary_figures": "Senaste siffror: {figures}.",
        "summary_trend": "Tydligaste trend: {name} {rate} %/år ({first}–{last}).",
        "summary_rank": "{name}: {rank}.",
        "who": "Staden",
        "population": "Folkmängd",
        "region": "Landskap",
        "size_class": "Storleksklass",
        "group": "Kommungrupp",
        "people": "Personer som ansvarar för arbetet",
        "no_profile": "det finns ingen profil för kommun {code}",
        "people_unknown": "finns inte i profilen.",
        "people_none_published": "profilen nämner {n} personer, men ingen av dem får namnges i publicerade rapporter.",
        "role": "Roll",
        "responsibility": "Ansvar",
        "organisation": "Organisation",
        "name": "Namn",
        "targets": "Mål och utveckling",
        "city_targets": "Stadens egna mål",
        "network_targets": "Nätverkets gemensamma mål",
        "network_source": "Nätverkets mål: {source}",
        "no_targets": "inga mål finns i profilen.",
        "status": "Läge",
        "status_unavailable": "kan inte bedömas",
        "basis": "Bedömningens grund",
        "basis_same": "samma beräkningssätt som målet",
        "basis_indicative": "vägledande, utifrån Sykes Hinku-data; stadens egen inventering kan avvika",
        "release": "Datautgåva {release}",
        "preliminary": "preliminär uppgift",
        "preliminary_year": "värdet för {year} är preliminärt",
        "change_since_baseline": "Förändring sedan basåret {year}: {pct} %",
        "source_summary": "Källans innehåll sammanfattat, inte ett direkt citat",
        "comparability": "Jämförbarhet",
        "in_language": "på {language}",
        "lang_fi": "finska",
        "lang_sv": "svenska",
        "lang_en": "engelska",
        "no_series": "Uppgifterna innehåller inga värden för kommunen på målets indikator ({indicator}), så utvecklingen kan inte ritas.",
        "no_indicator": "Ingen indikator har valts för målet, så det kan inte följas upp med statistik.",
        "baseline": "Basnivå {year}",
        "latest_is": "Senaste värde {value} {unit} ({year})",
        "path_is": "På en rak målbana skulle värdet vara {value} {unit}; avvikelse från banan {gap} %",
        "required": "Målet kräver en förändring på {rate} % per år",
        "projected": "Med nuvarande trend nås målet år {year}",
        "target": "Mål {year}",
        "trajectory": "Målbana",
        "vs": "jfr",
        "indicators": "Indikatorer per tema",
        "more_in_table": "Även i tabellen nedan: {names}.",
        "sectors": "Växthusgasutsläpp per sektor (Hinku-beräkning)",
        "years_left_out": "År där någon sektor saknas har lämnats bort: {years}.",
        "no_panel": "det finns inga uppgifter om kommunen.",
        "snapshot": "bara ett år ({year}): en ögonblicksbild, ingen trend",
        "snapshot_short": "ett år",
        "no_rate_for_map": "det finns ingen indikator per invånare med uppgifter om kommunen.",
        "compare": "Jämfört med landskapet, storleksklassen och hela landet",
        "compare_note": (
            "Jämförelseåret är varje indikators senaste år då nästan alla kommuner som rapporterar den "
            "har ett värde. Plats 1 är det lägsta värdet (för utsläpp och trafik är lägre bättre). "
            "Siffror enligt Hinku-beräkningen jämförs bara med landskapets och hela landets Hinku-siffror."
        ),
        "rank_text": "plats {rank} av {n} kommuner med uppgifter",
        "map": "På kartan",
        "key": "Nyckelåtgärd, nyckelproblem och ansvarig enhet",
        "key_measure": "Nyckelåtgärd",
        "key_problem": "Nyckelproblem",
        "responsible_unit": "Ansvarig enhet",
        "highlighted": "Det som staden lyfter fram i sina offentliga dokument (inte ur stadens bakgrundsdokument)",
        "measure_started": "påbörjad",
        "measure_planned": "planerad",
        "not_given": "anges inte i profilen",
        "data": "Vilka uppgifter finns och hur färska är de",
        "indicator": "Indikator",
        "first": "Första år",
        "latest": "Senaste år",
        "years": "År",
        "value": "Senaste värde",
        "trend": "Förändring %/år",
        "trend_note": (
            "Förändring %/år är den genomsnittliga årliga förändringen under varje series tio senaste år. "
            "Den är beräknad med Theil–Sen-metoden: medianen av förändringarna mellan alla par av år, "
            "som ett enstaka avvikande år knappt påverkar. Inom parentes står intervallet där "
            "förändringen ligger med 90 % säkerhet. Minst fem år behövs för en trend."
        ),
        "mkm_note": "Mkm = miljoner fordonskilometer (den sammanlagda sträcka som fordonen kört).",
        "source": "Källa",
        "sources": "Källor och metod",
        "licence": "Licens",
        "no_data": "uppgift saknas",
        "city": "Staden",
        "country": "Hela landet",
        "size_median": "Storleksklassens median ({size})",
        "rank": "Plats",
        "year": "År",
        "figure_source": "Källa: {sources}",
        "figure_years": "Uppgifter {years}",
        "method": (
            "Siffrorna kommer från officiell öppen statistik som sådan; saknade uppgifter har inte "
            "ersatts med noll eller med uppskattningar. Växthusgasutsläppen kommer från Finlands "
            "miljöcentrals ALas-modell: utsläpp enligt Hinku-beräkningen (utan utsläppshandel och "
            "kompensation) och alla ALas-utsläpp är olika indikatorer och blandas aldrig. Städernas egna "
            "mål kan gälla deras egen inventering; varje mål har sin anmärkning om jämförbarhet. "
            "Gränser och koder följer kommunindelningen {division}."
        ),
        "unknown": "okänt",
        "unknown_because": "okänt: {reason}",
        "public_facts": (
            "Det finns ingen profil för kommun {code}. Den här sidan bygger enbart på offentliga uppgifter: {parts}. "
            "Personer som ansvarar för arbetet, nyckelåtgärd och nyckelproblem är okända och har inte gissats."
        ),
        "public_facts_fisu": "medlemskapet i FISU med källa, nätverkets gemensamma mål och deras läge",
        "public_facts_data": "statistik",
        "fisu": "FISU-nätverket",
        "fisu_founding_member": "grundande medlem",
        "fisu_member": "medlem",
        "fisu_member_listed": "på nätverkets odaterade medlemslista",
        "fisu_since": "sedan {year}",
        "fisu_source": "källa",
        "summary_split": " (stadens egna {own}, nätverkets gemensamma {network})",
        "summary_network_only": (
            "Stadens egna mål är okända. Nätverkets gemensamma mål: {n}, varav {assessed} kan bedömas "
            "utifrån statistik: {statuses}."
        ),
        "summary_no_profile": "Stadens egna mål är okända (ingen profil).",
        "network_note": "Nätverkets gemensamma mål för alla FISU-medlemmar, mätt med {indicator}.",
        "network_note_plain": "Nätverkets gemensamma mål för alla FISU-medlemmar.",
        "network_hint": "Nätverkets beskrivning av indikatorn",
        "network_source_title": "FISU-nätverkets gemensamma mål ({date})",
        "undated": "odaterad",
        "inh": "inv.",
    },
    "en": {
        "title": "{name}: resource-wisdom overview",
        "subtitle": "Municipality code {code} · {region} · report made {date}",
        "summary": "Summary",
        "summary_targets": "{n} targets, {assessed} of them assessable from statistics: {statuses}.",
        "summary_no_targets": "No targets are recorded in the profile.",
        "summary_figures": "Latest figures: {figures}.",
        "summary_trend": "Strongest trend: {name} {rate} %/yr ({first}–{last}).",
        "summary_rank": "{name}: {rank}.",
        "who": "The city",
        "population": "Population",
        "region": "Region",
        "size_class": "Size class",
        "group": "Municipality group",
        "people": "People assigned to the work",
        "no_profile": "there is no profile for municipality {code}",
        "people_unknown": "not recorded in the profile.",
        "people_none_published": "the profile lists {n} people, but none of them may be named in published reports.",
        "role": "Role",
        "responsibility": "Responsibility",
        "organisation": "Organisation",
        "name": "Name",
        "targets": "Targets and trajectory",
        "city_targets": "The city's own targets",
        "network_targets": "Common targets of the network",
        "network_source": "Network targets: {source}",
        "no_targets": "no targets are recorded in the profile.",
        "status": "Status",
        "status_unavailable": "not assessable",
        "basis": "Basis",
        "basis_same": "same scope as the target",
        "basis_indicative": "indicative, on Syke Hinku data; the city's own inventory may differ",
        "release": "Data release {release}",
        "preliminary": "preliminary",
        "preliminary_year": "the {year} value is preliminary",
        "change_since_baseline": "Change since the baseline {year}: {pct} %",
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
        "vs": "vs",
        "indicators": "Indicators by theme",
        "more_in_table": "Also in the table below: {names}.",
        "sectors": "Greenhouse-gas emissions by sector (Hinku rules)",
        "years_left_out": "Years with a sector missing are left out: {years}.",
        "no_panel": "the data hold no values for this municipality.",
        "snapshot": "one year only ({year}): a snapshot, no trend",
        "snapshot_short": "one year",
        "no_rate_for_map": "no per-capita indicator has data for this city.",
        "compare": "Compared with the region, the size class and the country",
        "compare_note": (
            "The comparison year is each indicator's latest year in which nearly all municipalities that "
            "report it have a value. Rank 1 is the lowest value (for emissions and transport, lower is "
            "better). Figures on Hinku rules are compared only with Hinku figures of the region and the country."
        ),
        "rank_text": "rank {rank} of {n} municipalities with data",
        "map": "On the map",
        "key": "Key measure, key problem and responsible unit",
        "key_measure": "Key measure",
        "key_problem": "Key problem",
        "responsible_unit": "Responsible unit",
        "highlighted": "What the city highlights in its public documents (not the city's background document)",
        "measure_started": "started",
        "measure_planned": "planned",
        "not_given": "not given in the profile",
        "data": "Which data exist and how fresh they are",
        "indicator": "Indicator",
        "first": "First year",
        "latest": "Latest year",
        "years": "Years",
        "value": "Latest value",
        "trend": "Change %/yr",
        "trend_note": (
            "Change %/yr is the average yearly change over each series' last ten years. It is computed "
            "with the Theil–Sen method: the median of the changes between all pairs of years, which a "
            "single unusual year barely moves. In brackets is the range in which the change lies with "
            "90 % confidence. A trend needs at least five years."
        ),
        "mkm_note": "Mkm = million vehicle-kilometres (the total distance driven by vehicles).",
        "source": "Source",
        "sources": "Sources and method",
        "licence": "Licence",
        "no_data": "no data",
        "city": "City",
        "country": "Whole country",
        "size_median": "Size-class median ({size})",
        "rank": "Rank",
        "year": "Year",
        "figure_source": "Source: {sources}",
        "figure_years": "Data {years}",
        "method": (
            "Figures are taken from official open statistics as published; missing data are never "
            "replaced by zero or by estimates. Greenhouse-gas emissions come from Syke's ALas model: "
            "emissions under the Hinku rules (without emissions trading and offsets) and all ALas "
            "emissions are different indicators and are never mixed. Cities' own targets may refer to "
            "their own inventories; each target carries its comparability note. Boundaries and codes "
            "follow the {division} municipal division."
        ),
        "unknown": "unknown",
        "unknown_because": "unknown: {reason}",
        "public_facts": (
            "There is no profile for municipality {code}. This page is built from public facts only: {parts}. "
            "The people assigned to the work, the key measure and the key problem are unknown and are not guessed."
        ),
        "public_facts_fisu": "FISU membership with its source, the network's common targets and their statuses",
        "public_facts_data": "statistics",
        "fisu": "FISU network",
        "fisu_founding_member": "founding member",
        "fisu_member": "member",
        "fisu_member_listed": "on the network's undated member list",
        "fisu_since": "since {year}",
        "fisu_source": "source",
        "summary_split": " ({own} the city's own, {network} common to the network)",
        "summary_network_only": (
            "The city's own targets are unknown. {n} common targets of the network, {assessed} of them "
            "assessable from statistics: {statuses}."
        ),
        "summary_no_profile": "The city's own targets are unknown (no profile).",
        "network_note": "A common target of the network for every FISU member, measured with {indicator}.",
        "network_note_plain": "A common target of the network for every FISU member.",
        "network_hint": "The network's description of the indicator",
        "network_source_title": "FISU network common target ({date})",
        "undated": "undated",
        "inh": "inh.",
    },
}


#: Words of the resource-wisdom theme sections (issue 12), merged into :data:`TEXT`.
_THEME_TEXT: dict[str, dict[str, str]] = {
    "fi": {
        "themes": "Resurssiviisauden teemat",
        "theme_energy": "Energia ja rakennukset",
        "theme_urban": "Yhdyskuntarakenne",
        "theme_emissions": "Päästöt sektoreittain",
        "no_city_data": "ei tietoja tästä kunnasta.",
        "fuel_mix_title": "Rakennusten kerrosala päälämmitysaineen mukaan, {year} (tilannekuva)",
        "fuel_mix_axis": "Osuus kerrosalasta (%)",
        "fuel_district_heat": "Kaukolämpö",
        "fuel_oil_gas": "Öljy, kaasu",
        "fuel_electricity": "Sähkö",
        "fuel_heat_pump": "Maalämpö",
        "fuel_wood_peat": "Puu, turve",
        "fuel_other": "Muu, tuntematon",
        "fuel_note": (
            "Tilannekuva 31.12.{year}, ei aikasarjaa. Rakennusrekisterin päälämmitysaine: ilmalämpöpumput "
            "kirjautuvat sähkölämmitykseksi ja rekisteri päivittyy lämmitystavan muutoksista viiveellä, "
            "joten öljyn osuus on todellista suurempi."
        ),
        "dh_note": (
            "Kaukolämmön päästökerroin on kunnan kaukolämmön päästöt jaettuna sen energialla, aineisto {vintage}; "
            "viimeisin vuosi {year}; ensimmäinen rivi kattaa kaikki laitokset, toinen vain päästökaupan "
            "ulkopuoliset laitokset."
        ),
        "snapshot_note": "Tilannekuvia: kullakin luvulla on oma viitevuotensa, eikä niistä voi laskea kehitystä. Aineisto: {vintage}.",
        "hinku_shares": "Hinku-päästöjen jakautuminen teemoittain",
        "hinku_shares_note": (
            "Osuudet Hinku-laskennan 13 sektorin yhteissummasta; kunta, maakunta ja koko maa samasta "
            "aineistojulkaisusta ({release}) ja samalta vuodelta {year}. Lämmitys = kaukolämpö sekä sähkö-, "
            "öljy- ja muu lämmitys; liikenne = tie-, raide- ja vesiliikenne; sähkö = kulutussähkö. "
            "Hinku-lukuja verrataan vain Hinku-lukuihin, ei kaikkiin päästöihin."
        ),
        "release_unnamed": "julkaisu ilman tunnusta",
        "theme_year": "Vuosi",
    },
    "sv": {
        "themes": "Resurssmarthetens teman",
        "theme_energy": "Energi och byggnader",
        "theme_urban": "Samhällsstruktur",
        "theme_emissions": "Utsläpp per sektor",
        "no_city_data": "inga uppgifter om denna kommun.",
        "fuel_mix_title": "Byggnadernas våningsyta efter huvudsakligt uppvärmningsämne, {year} (ögonblicksbild)",
        "fuel_mix_axis": "Andel av våningsytan (%)",
        "fuel_district_heat": "Fjärrvärme",
        "fuel_oil_gas": "Olja, gas",
        "fuel_electricity": "El",
        "fuel_heat_pump": "Jordvärme",
        "fuel_wood_peat": "Trä, torv",
        "fuel_other": "Annat, okänt",
        "fuel_note": (
            "Ögonblicksbild 31.12.{year}, ingen tidsserie. Huvudsakligt uppvärmningsämne enligt "
            "byggnadsregistret: luftvärmepumpar registreras som eluppvärmning och registret uppdateras "
            "med fördröjning när uppvärmningssättet byts, så oljans andel är större än i verkligheten."
        ),
        "dh_note": (
            "Fjärrvärmens utsläppsfaktor är kommunens utsläpp från fjärrvärme delade med dess energi, "
            "data {vintage}; senaste år {year}; den första raden omfattar alla anläggningar, den andra bara "
            "anläggningar utanför utsläppshandeln."
        ),
        "snapshot_note": "Ögonblicksbilder: varje siffra har sitt eget referensår och ingen trend kan beräknas. Data: {vintage}.",
        "hinku_shares": "Hinku-utsläppen fördelade på teman",
        "hinku_shares_note": (
            "Andelar av summan av Hinku-beräkningens 13 sektorer; kommunen, landskapet och hela landet ur "
            "samma datautgåva ({release}) och samma år {year}. Uppvärmning = fjärrvärme samt el-, olje- och "
            "annan uppvärmning; trafik = väg-, spår- och sjötrafik; el = förbrukningsel. Hinku-siffror "
            "jämförs bara med Hinku-siffror, inte med alla utsläpp."
        ),
        "release_unnamed": "utgåva utan beteckning",
        "theme_year": "År",
    },
    "en": {
        "themes": "Resource-wisdom themes",
        "theme_energy": "Energy and buildings",
        "theme_urban": "Urban structure",
        "theme_emissions": "Emissions by sector",
        "no_city_data": "no data for this municipality.",
        "fuel_mix_title": "Floor area of buildings by main heating fuel, {year} (snapshot)",
        "fuel_mix_axis": "Share of floor area (%)",
        "fuel_district_heat": "District heat",
        "fuel_oil_gas": "Oil, gas",
        "fuel_electricity": "Electricity",
        "fuel_heat_pump": "Ground-source heat pump",
        "fuel_wood_peat": "Wood, peat",
        "fuel_other": "Other, unknown",
        "fuel_note": (
            "Snapshot of 31.12.{year}, no time series. Main heating fuel in the building register: air-source "
            "heat pumps are registered as electric heating and the register lags changes of heating, so "
            "oil's share is over-stated."
        ),
        "dh_note": (
            "The district-heat emission factor is the municipality's district-heat emissions divided by its "
            "energy, data {vintage}; latest year {year}; the first row covers all plants, the second only plants "
            "outside the EU emissions trading system."
        ),
        "snapshot_note": "Snapshots: each figure has its own reference year and no trend can be computed from them. Data: {vintage}.",
        "hinku_shares": "Hinku emissions by theme",
        "hinku_shares_note": (
            "Shares of the sum of the 13 sectors of the Hinku calculation; the municipality, region and country "
            "from the same data release ({release}) and the same year {year}. Heating = district heat plus "
            "electric, oil and other heating; transport = road, rail and waterborne; electricity = consumer "
            "electricity. Hinku figures are compared only with Hinku figures, never with all emissions."
        ),
        "release_unnamed": "release without a label",
        "theme_year": "Year",
    },
}
for _code, _words in _THEME_TEXT.items():
    TEXT[_code].update(_words)

#: Target kinds in words.
_KINDS: dict[str, dict[str, str]] = {
    "fi": {"carbon_neutrality": "hiilineutraalius", "qualitative": "laadullinen tavoite",
           "pct_reduction": "vähennys", "absolute": "taso", "per_capita": "asukasta kohden", "rate": "osuus"},
    "sv": {"carbon_neutrality": "koldioxidneutralitet", "qualitative": "kvalitativt mål",
           "pct_reduction": "minskning", "absolute": "nivå", "per_capita": "per invånare", "rate": "andel"},
    "en": {"carbon_neutrality": "carbon neutrality", "qualitative": "qualitative target",
           "pct_reduction": "reduction", "absolute": "level", "per_capita": "per inhabitant", "rate": "share"},
}

#: Target statuses of :data:`rvanalytics.metrics.STATUSES` in words.
_STATUSES: dict[str, dict[str, str]] = {
    "fi": {"achieved": "saavutettu", "on track": "tavoitepolulla", "behind": "jäljessä",
           "off track": "selvästi jäljessä", "not enough data": "ei riittävästi tietoa"},
    "sv": {"achieved": "uppnått", "on track": "på målbanan", "behind": "efter",
           "off track": "klart efter", "not enough data": "inte tillräckligt med uppgifter"},
    "en": {"achieved": "achieved", "on track": "on track", "behind": "behind",
           "off track": "off track", "not enough data": "not enough data"},
}

#: Inventory scopes of targets and data in words.
_SCOPES: dict[str, dict[str, str]] = {
    "fi": {"hinku": "Hinku-laskenta", "alas_total": "ALas-kokonaispäästöt",
           "city_inventory": "kaupungin oma inventaario", "consumption_based": "kulutusperusteinen",
           "unknown": "tuntematon"},
    "sv": {"hinku": "Hinku-beräkningen", "alas_total": "alla ALas-utsläpp",
           "city_inventory": "stadens egen inventering", "consumption_based": "konsumtionsbaserat",
           "unknown": "okänt"},
    "en": {"hinku": "Hinku rules", "alas_total": "all ALas emissions",
           "city_inventory": "the city's own inventory", "consumption_based": "consumption-based",
           "unknown": "unknown"},
}

# Reasons and notes of rvanalytics.metrics.track_targets (English) -> words per language.
# Groups: {0}, {1} … in the order of the pattern; indicator ids and scopes are put into words.
_REASON_PATTERNS: list[tuple[str, dict[str, str]]] = [
    (r"^no numeric target value$", {
        "fi": "tavoitteella ei ole numeerista arvoa", "sv": "målet har inget numeriskt värde",
        "en": "the target has no numeric value"}),
    (r"^no indicator is given for this target$", {
        "fi": "tavoitteelle ei ole valittu mittaria", "sv": "ingen indikator har valts för målet",
        "en": "no indicator is chosen for this target"}),
    (r"^no data for indicator (\S+) for this city$", {
        "fi": "mittarista {0} ei ole kunnan tietoja", "sv": "inga uppgifter om kommunen för indikatorn {0}",
        "en": "no data for this city on the indicator {0}"}),
    (r"^no data for indicator (\S+) in the baseline year (\d+) for this city.*$", {
        "fi": "mittarista {0} ei ole kunnan tietoa lähtövuodelta {1}",
        "sv": "inga uppgifter om kommunen för indikatorn {0} för basåret {1}",
        "en": "no data for this city on the indicator {0} in the baseline year {1}"}),
    (r"^baseline value given without a baseline year$", {
        "fi": "lähtötaso on annettu ilman lähtövuotta", "sv": "basnivån anges utan basår",
        "en": "a baseline value is given without a baseline year"}),
    (r"^no baseline year: .*$", {
        "fi": "lähtövuotta ei ole kerrottu, joten prosenttitavoitetta ei voi muuttaa tasoksi",
        "sv": "basåret anges inte, så ett procentmål kan inte omvandlas till en nivå",
        "en": "no baseline year is stated, so a percentage target cannot be turned into a level"}),
    (r"^no data after the baseline year (\d+)$", {
        "fi": "lähtövuoden {0} jälkeen ei ole tietoja", "sv": "inga uppgifter efter basåret {0}",
        "en": "no data after the baseline year {0}"}),
    (r"^latest value \((\d+)\) older than (\d+) years before (\d+)$", {
        "fi": "viimeisin arvo ({0}) on yli {1} vuotta vanhempi kuin {2}",
        "sv": "det senaste värdet ({0}) är mer än {1} år äldre än {2}",
        "en": "the latest value ({0}) is more than {1} years older than {2}"}),
    (r"^target scope (\S+) differs from data scope (\S+?)(?: \(status given with allow_scope_mismatch\))?$", {
        "fi": "tavoitteen laskentatapa ({0}) on eri kuin aineiston ({1})",
        "sv": "målets beräkningssätt ({0}) skiljer sig från uppgifternas ({1})",
        "en": "the target counts emissions by {0}, the data by {1}"}),
    (r"^target level 0 or below: no constant rate reaches it$", {
        "fi": "tavoitetaso on nolla tai alle: vakiovauhtinen muutos ei saavuta sitä",
        "sv": "målnivån är noll eller lägre: ingen förändring i konstant takt når den",
        "en": "the target level is zero or below: no constant rate of change reaches it"}),
    (r"^see required_change_per_year$", {
        "fi": "katso tarvittava vuosimuutos", "sv": "se den förändring per år som behövs",
        "en": "see the annual change needed"}),
    (r"^numbers computed on the data's scope, for orientation only$", {
        "fi": "luvut on laskettu aineiston laskentatavalla vain suuntaa antaviksi",
        "sv": "siffrorna är beräknade enligt uppgifternas beräkningssätt, endast som vägledning",
        "en": "the numbers are computed on the data's scope, for orientation only"}),
    (r"^target year (\d+) has passed \(latest data (\d+)\)$", {
        "fi": "tavoitevuosi {0} on mennyt (viimeisin tieto {1})",
        "sv": "målåret {0} har passerats (senaste uppgift {1})",
        "en": "the target year {0} has passed (latest data {1})"}),
    (r"^the current trend does not reach the target$", {
        "fi": "nykytrendillä tavoitetta ei saavuteta", "sv": "med nuvarande trend nås inte målet",
        "en": "the current trend does not reach the target"}),
    (r"^no baseline year stated; trajectory starts at the first year with data \((\d+)\)$", {
        "fi": "lähtövuotta ei ole kerrottu; polku alkaa ensimmäisestä vuodesta, jolta on tietoa ({0})",
        "sv": "basåret anges inte; banan börjar från det första året med uppgifter ({0})",
        "en": "no baseline year is stated; the path starts at the first year with data ({0})"}),
    (r"^target year not after the baseline year: no trajectory$", {
        "fi": "tavoitevuosi ei ole lähtövuoden jälkeen: ei polkua",
        "sv": "målåret ligger inte efter basåret: ingen bana",
        "en": "the target year is not after the baseline year: no path"}),
    (r"^indicative, on Syke Hinku data; the city's own inventory may differ$", {
        "fi": TEXT["fi"]["basis_indicative"], "sv": TEXT["sv"]["basis_indicative"],
        "en": TEXT["en"]["basis_indicative"]}),
]

#: English words of recorded vintages in the other languages.
_VINTAGE_WORDS: dict[str, list[tuple[str, str]]] = {
    "fi": [(r"\s+on the (\S+) division\b", r", \1 kuntajaolla"), (r"\bdownloaded\b", "ladattu"),
           (r"\breference years\b", "tilastovuodet"), (r"(\d{4}) release\b", r"julkaisu \1"),
           (r"\brecorded\b", "tallennettu"), (r"\bpublished ~", "julkaistu n. "), (r"\bpublished\b", "julkaistu"),
           (r"\bpreliminary\b", "ennakkotieto"), (r"\bupdated\b", "päivitetty"), (r"\bdata to\b", "tiedot"),
           (r"\brelease\b", "julkaisu"), (r"\bdata on the\b", "tiedot"), (r"\bdivision\b", "kuntajaolla"),
           (r"\band\b", "ja")],
    "sv": [(r"\s+on the (\S+) division\b", r", indelningen \1"), (r"\bdownloaded\b", "hämtad"),
           (r"\breference years\b", "statistikår"), (r"(\d{4}) release\b", r"utgåva \1"),
           (r", (\S+) division\b", r", indelningen \1"),
           (r"\brecorded\b", "sparad"), (r"\bpublished ~", "publicerad ca "), (r"\bpublished\b", "publicerad"),
           (r"\bpreliminary\b", "preliminär"), (r"\bupdated\b", "uppdaterad"), (r"\bdata to\b", "uppgifter till"),
           (r"\brelease\b", "utgåva"), (r"\bdata on the\b", "uppgifter enligt"), (r"\bdivision\b", "indelningen"),
           (r"\band\b", "och")],
}


def _lang(lang: str) -> str:
    return lang if lang in TEXT else "en"


def t(lang: str, key: str, **fields: object) -> str:
    """Report text ``key`` in ``lang`` with ``fields`` filled in (not escaped).

    Examples
    --------
    >>> t("sv", "target", year=2030)
    'Mål 2030'
    """
    return TEXT[_lang(lang)][key].format(**fields)


def kind_text(kind: object, lang: str) -> str:
    """A target kind in words ("carbon_neutrality" -> "hiilineutraalius")."""
    return _KINDS[_lang(lang)].get(str(kind), str(kind or ""))


def status_text(status: str | None, lang: str) -> str:
    """A target status in words; None -> "not assessable" in ``lang``.

    Examples
    --------
    >>> status_text("on track", "sv"), status_text(None, "fi")
    ('på målbanan', 'ei arvioitavissa')
    """
    if not status:
        return t(lang, "status_unavailable")
    return _STATUSES[_lang(lang)].get(status, status)


def scope_text(scope: str, lang: str) -> str:
    """An inventory scope id in words."""
    return _SCOPES[_lang(lang)].get(scope, scope)


def reason_text(text: str, lang: str, names: Callable[[str], str] | None = None) -> str:
    """A metrics reason or note (``;``-separated parts) in the report language.

    Indicator ids are replaced by ``names(id)`` and scope ids by words, so no identifier of
    the code reaches the page. A part no pattern knows is kept as it is.

    Examples
    --------
    >>> reason_text("no data for indicator ghg_hinku_total_kt for this city", "fi",
    ...             names=lambda i: "päästöt yhteensä")
    'mittarista päästöt yhteensä ei ole kunnan tietoja'
    >>> reason_text("target scope city_inventory differs from data scope hinku", "sv")
    'målets beräkningssätt (stadens egen inventering) skiljer sig från uppgifternas (Hinku-beräkningen)'
    """
    lang = _lang(lang)

    def translate(part: str) -> str | None:
        for pattern, words in _REASON_PATTERNS:
            m = re.match(pattern, part)
            if m:
                groups = list(m.groups())
                if "scope" in pattern:
                    groups = [scope_text(g, lang) for g in groups]
                elif names is not None and groups and "indicator" in pattern:
                    groups[0] = names(groups[0])
                return words[lang].format(*groups)
        return None

    whole = translate(str(text).strip())  # a sentence that holds a ";" itself (the basis note)
    if whole is not None:
        return whole
    return "; ".join(translate(p) or p for p in (p.strip() for p in str(text).split(";")))


def vintage_text(text: object, lang: str) -> str:
    """A recorded vintage ("ALas release 2026 …") in the report language.

    Examples
    --------
    >>> vintage_text("ALas release 2026 (1990, 2005-2024; 2024 preliminary)", "fi")
    'ALas julkaisu 2026 (1990, 2005-2024; 2024 ennakkotieto)'
    """
    out = "" if text is None else str(text)
    for pattern, words in _VINTAGE_WORDS.get(lang, []):
        out = re.sub(pattern, words, out)
    return out


def fmt(value: object, lang: str = "fi", digits: int | None = None) -> str:
    """A number in the language's format (fi/sv: decimal comma, thin-space thousands); missing → "–".

    Examples
    --------
    >>> fmt(1234567.891, "fi", 1), fmt(0.25, "en", 2), fmt(float("nan")), fmt(-1.5, "sv", 1)
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
    if round(x, digits) == 0:  # no "−0"
        x = 0.0
    text = f"{x:,.{digits}f}"
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")
    return text
