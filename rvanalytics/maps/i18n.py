"""Map texts in Finnish, Swedish and English.

Place names come from the data (``name_fi`` / ``name_sv`` / ``name_en`` columns of
the key and the boundaries); this module only holds the fixed texts of the maps.

Examples
--------
>>> text("regions_covered", "sv", n=10, total=19)
'Landskap med deltagare: 10/19'
>>> name_column("sv")
'name_sv'
"""

from __future__ import annotations

from rvanalytics.exceptions import RvanalyticsError

__all__ = ["LANGUAGES", "check_lang", "format_number", "name_column", "region_name_column", "text"]

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

_TEXTS: dict[str, dict[str, str]] = {
    "coverage_title": {
        "fi": "Kaupunkiryhmän maakunnallinen kattavuus",
        "sv": "Stadsgruppens regionala täckning",
        "en": "Regional coverage of the city cohort",
    },
    "regions_covered": {
        "fi": "Maakuntia mukana: {n}/{total}",
        "sv": "Landskap med deltagare: {n}/{total}",
        "en": "Regions covered: {n}/{total}",
    },
    "pop_cities": {
        "fi": "Väestöstä ryhmän kaupungeissa: {share}",
        "sv": "Befolkning i gruppens städer: {share}",
        "en": "Population in cohort cities: {share}",
    },
    "pop_regions": {
        "fi": "Väestöstä mukana olevissa maakunnissa: {share}",
        "sv": "Befolkning i landskap med deltagare: {share}",
        "en": "Population in covered regions: {share}",
    },
    "pop_year": {
        "fi": "Väestö {year}",
        "sv": "Befolkning {year}",
        "en": "Population {year}",
    },
    "cohort_city": {"fi": "Ryhmän kaupunki", "sv": "Stad i gruppen", "en": "Cohort city"},
    "covered_region": {"fi": "Maakunta mukana", "sv": "Landskap med deltagare", "en": "Region covered"},
    "uncovered_region": {"fi": "Maakunta ei mukana", "sv": "Landskap utan deltagare", "en": "Region not covered"},
    "no_data": {"fi": "Ei tietoa", "sv": "Uppgift saknas", "en": "No data"},
    "municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "region": {"fi": "Maakunta", "sv": "Landskap", "en": "Region"},
    "code": {"fi": "Koodi", "sv": "Kod", "en": "Code"},
    "class": {"fi": "Luokka", "sv": "Klass", "en": "Class"},
    "value": {"fi": "Arvo", "sv": "Värde", "en": "Value"},
    "capital_region": {"fi": "Helsingin seutu", "sv": "Helsingforsregionen", "en": "Helsinki region"},
    "aland": {"fi": "Ahvenanmaa", "sv": "Åland", "en": "Åland"},
    "north": {"fi": "P", "sv": "N", "en": "N"},
    # the sources themselves come from rvanalytics/data/sources.yaml (catalogue.attribution)
    "sources": {"fi": "Lähteet: {sources}", "sv": "Källor: {sources}", "en": "Sources: {sources}"},
    "data_year": {"fi": "tietovuosi {year}", "sv": "dataår {year}", "en": "data year {year}"},
    "municipalities": {"fi": "kunnat", "sv": "kommuner", "en": "municipalities"},
    "regions": {"fi": "maakunnat", "sv": "landskap", "en": "regions"},
    "year_title": {"fi": "{title}, {year}", "sv": "{title}, {year}", "en": "{title}, {year}"},
    "years_title": {"fi": "{title}, {first}–{last}", "sv": "{title}, {first}–{last}", "en": "{title}, {first}–{last}"},
    "classes": {"fi": "Luokat", "sv": "Klasser", "en": "Classes"},
    "quantiles": {"fi": "kvantiilit", "sv": "kvantiler", "en": "quantiles"},
    "natural_breaks": {"fi": "luonnolliset luokkarajat", "sv": "naturliga brytpunkter", "en": "natural breaks"},
    "equal_interval": {"fi": "tasavälit", "sv": "lika intervall", "en": "equal intervals"},
    "user_defined": {"fi": "kiinteät luokkarajat", "sv": "fasta klassgränser", "en": "fixed class bounds"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise."""
    if lang not in LANGUAGES:
        raise RvanalyticsError(f"language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str = "fi", **fields: object) -> str:
    """The fixed map text ``key`` in ``lang``, formatted with ``fields``."""
    check_lang(lang)
    try:
        template = _TEXTS[key][lang]
    except KeyError as err:  # programming error, not user input
        raise KeyError(f"no map text {key!r}") from err
    return template.format(**fields) if fields else template


def name_column(lang: str) -> str:
    """Column of municipality names in ``lang`` (``name_fi``, ``name_sv`` or ``name_en``)."""
    return f"name_{check_lang(lang)}"


def region_name_column(lang: str) -> str:
    """Column of region names in ``lang``."""
    return f"region_name_{check_lang(lang)}"


def format_number(value: float, lang: str = "fi", digits: int | None = None) -> str:
    """Format a number with the language's separators (fi/sv: ``1 234,5``; en: ``1,234.5``).

    ``digits=None`` picks 0–2 decimals from the magnitude.

    Examples
    --------
    >>> format_number(1234.5, "fi", 1) == "1\\u00a0234,5"  # no-break space between thousands
    True
    >>> format_number(1234.5, "en", 1)
    '1,234.5'
    """
    if digits is None:
        a = abs(value)
        digits = 0 if a >= 100 else 1 if a >= 10 else 2 if a >= 0.01 or a == 0 else 3
    s = f"{value:,.{digits}f}"
    if lang in ("fi", "sv"):
        s = s.replace(",", "\u00a0").replace(".", ",")
    if s.startswith("-"):
        s = "\u2212" + s[1:]
    return s


def format_share(share: float, lang: str = "fi") -> str:
    """A share 0–1 as a percentage in the language's style (``34,5 %`` / ``34.5%``)."""
    number = format_number(100 * share, lang, 1)
    return f"{number}\u00a0%" if lang in ("fi", "sv") else f"{number}%"
