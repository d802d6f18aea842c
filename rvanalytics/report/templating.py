"""The Jinja2 environment of the report pages: autoescaping on, templates from the package."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import jinja2

__all__ = ["TEMPLATES_DIR", "TEXTS", "environment", "render", "status_class", "stylesheet", "texts"]

TEMPLATES_DIR = Path(str(resources.files("rvanalytics") / "templates"))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 environment with autoescape for every template (all text from data is escaped)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["status_class"] = status_class
    return env


def stylesheet() -> str:
    """The shared CSS of all report pages (inlined so every page is one self-contained file)."""
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def render(template: str, **context: object) -> str:
    """Render ``template`` from ``rvanalytics/templates`` with the shared CSS as ``css``."""
    return environment().get_template(template).render(css=stylesheet(), **context)


_STATUS_CLASSES = {
    "achieved": "good",
    "met": "good",
    "on_track": "good",
    "on track": "good",
    "ahead": "good",
    "off_track": "bad",
    "off track": "bad",
    "behind": "warn",
    "not_met": "bad",
    "at_risk": "warn",
    "uncertain": "warn",
    "partly": "warn",
    "no_data": "none",
    "not_enough_data": "none",
    "not enough data": "none",
    "not_assessable": "none",
    "unknown": "none",
    "qualitative": "none",
}


def status_class(status: object) -> str:
    """CSS class (``good``, ``warn``, ``bad``, ``none``) for a target status word.

    Examples
    --------
    >>> status_class("on_track"), status_class("off_track"), status_class(None)
    ('good', 'bad', 'none')
    """
    if status is None:
        return "none"
    return _STATUS_CLASSES.get(str(status).strip().lower(), "none")


#: Page texts in Finnish, Swedish and English.
TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "gallery": "← Kaikki raportit",
        "gallery_title": "Kaupunkiraportit",
        "incomplete": "Raportti jäi kesken",
        "cell": "Solu",
        "exception": "Poikkeus",
        "message": "Viesti",
        "generated": "Tuotettu",
        "open_report": "Avaa raportti →",
        "open_partial": "Avaa keskeneräinen raportti →",
        "failed": "Raportin tuottaminen epäonnistui",
        "no_targets": "Tavoitteita ei ole kirjattu profiiliin.",
        "no_profile": "Kunnalla ei ole profiilia (tavoitteet, avaintoimi, avainongelma).",
        "targets": "Tavoitteet",
        "coverage": "Kattavuuskartta",
        "reports_ok": "raporttia valmiina",
        "reports_failed": "epäonnistui",
        "measures_title": "Avaintoimet ja avainongelmat",
        "measures_intro": "Kaupunkien avaintoimet ja avainongelmat teemoittain rinnakkain.",
        "measures_link": "Avaintoimet ja -ongelmat teemoittain →",
        "theme": "Teema",
        "city": "Kaupunki",
        "key_measure": "Avaintoimi",
        "key_problem": "Avainongelma",
        "not_given": "ei kerrottu",
        "no_theme": "Teema ei tiedossa",
        "no_reports": "Ei raportteja vielä.",
        "population": "asukkaita",
    },
    "sv": {
        "gallery": "← Alla rapporter",
        "gallery_title": "Stadsrapporter",
        "incomplete": "Rapporten blev inte färdig",
        "cell": "Cell",
        "exception": "Undantag",
        "message": "Meddelande",
        "generated": "Skapad",
        "open_report": "Öppna rapporten →",
        "open_partial": "Öppna den ofärdiga rapporten →",
        "failed": "Rapporten kunde inte skapas",
        "no_targets": "Inga mål finns i profilen.",
        "no_profile": "Kommunen har ingen profil (mål, nyckelåtgärd, nyckelproblem).",
        "targets": "Mål",
        "coverage": "Täckningskarta",
        "reports_ok": "rapporter klara",
        "reports_failed": "misslyckades",
        "measures_title": "Nyckelåtgärder och nyckelproblem",
        "measures_intro": "Städernas nyckelåtgärder och nyckelproblem sida vid sida, per tema.",
        "measures_link": "Nyckelåtgärder och -problem per tema →",
        "theme": "Tema",
        "city": "Stad",
        "key_measure": "Nyckelåtgärd",
        "key_problem": "Nyckelproblem",
        "not_given": "anges inte",
        "no_theme": "Temat är okänt",
        "no_reports": "Inga rapporter ännu.",
        "population": "invånare",
    },
    "en": {
        "gallery": "← All reports",
        "gallery_title": "City reports",
        "incomplete": "The report is incomplete",
        "cell": "Cell",
        "exception": "Exception",
        "message": "Message",
        "generated": "Generated",
        "open_report": "Open the report →",
        "open_partial": "Open the incomplete report →",
        "failed": "The report failed",
        "no_targets": "No targets are recorded in the profile.",
        "no_profile": "The municipality has no profile (targets, key measure, key problem).",
        "targets": "Targets",
        "coverage": "Coverage map",
        "reports_ok": "reports ready",
        "reports_failed": "failed",
        "measures_title": "Key measures and key problems",
        "measures_intro": "The cities' key measures and key problems side by side, by theme.",
        "measures_link": "Key measures and problems by theme →",
        "theme": "Theme",
        "city": "City",
        "key_measure": "Key measure",
        "key_problem": "Key problem",
        "not_given": "not given",
        "no_theme": "Theme not known",
        "no_reports": "No reports yet.",
        "population": "inhabitants",
    },
}


def texts(lang: str) -> dict[str, str]:
    """Page texts for ``lang`` ("fi", "sv" or "en"; anything else gives English)."""
    return TEXTS.get(lang, TEXTS["en"])
