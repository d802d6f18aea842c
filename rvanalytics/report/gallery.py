"""The gallery (``index.html``) and the measures page (``measures.html``) of a report folder.

Both are built from ``manifest.json`` and each report's ``metrics.json``; every text
from profiles or data goes through Jinja2 autoescaping, so a city description holding
``<script>`` shows as text.

``metrics.json`` (written by ``notebooks/city_report.ipynb``) is read leniently: the
keys used here are ``targets`` (list of ``{label, status, status_text, basis}``; a
target with a non-empty ``status`` counts as assessed),
``key_measure`` and ``key_problem`` (``{known, title, description, status, themes,
unknown_reason}``) and ``population``/``region_name``; missing keys show as missing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rvanalytics.atomic import atomic_write_bytes, atomic_write_text
from rvanalytics.report.files import make_readable
from rvanalytics.report.manifest import read_report_manifest
from rvanalytics.report.templating import render, texts
from rvanalytics.report.themes import theme_name

__all__ = ["COVERAGE_MAP_FILE", "Card", "build_gallery", "build_measures_page", "load_cards"]

COVERAGE_MAP_FILE = "coverage_map.png"

#: Gallery words beyond the shared page texts (:mod:`rvanalytics.report.templating`).
GALLERY_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "assessed": "{n} / {m} tavoitteesta arvioitu",
        "indicative": "suuntaa antava",
        "last_good": "Viimeisin onnistunut raportti {date}; tämä ajo epäonnistui:",
        "open_last_good": "Avaa viimeisin onnistunut raportti →",
        "failed_notebook": "Epäonnistuneen ajon muistikirja",
        "public_documents": "Kaupungin julkisissa asiakirjoissaan korostama",
        "public_facts_only": "Ei kaupunkiprofiilia: sivu perustuu julkisiin tietoihin (FISU-jäsenyys, tilastot).",
        "own_and_network": "kaupungin omia {own}, FISU-verkoston {network}",
        "none_assessed": "tavoitteiden mittareille ei ole tietoa tästä kunnasta",
        "public_documents_note": "Avaintoimet ja -ongelmat ovat sitä, mitä kaupunki itse korostaa julkisissa "
                                 "asiakirjoissaan (lähde ja päiväys kunkin kohdalla); ne eivät ole kaupungin "
                                 "taustadokumentista, jota ei ole julkisesti saatavilla.",
        "source": "lähde",
        "in_language": "({language})",
    },
    "sv": {
        "assessed": "{n} av {m} mål bedömda",
        "indicative": "vägledande",
        "last_good": "Senaste lyckade rapport {date}; denna körning misslyckades:",
        "open_last_good": "Öppna den senaste lyckade rapporten →",
        "failed_notebook": "Den misslyckade körningens anteckningsbok",
        "public_documents": "Det staden lyfter fram i sina offentliga dokument",
        "public_facts_only": "Ingen stadsprofil: sidan bygger på offentliga uppgifter (FISU-medlemskap, statistik).",
        "own_and_network": "stadens egna {own}, FISU-nätverkets {network}",
        "none_assessed": "det finns inga uppgifter om målens indikatorer för denna kommun",
        "public_documents_note": "Nyckelåtgärder och nyckelproblem är det som staden själv lyfter fram i sina "
                                 "offentliga dokument (källa och datum vid varje); de kommer inte från stadens "
                                 "bakgrundsdokument, som inte är offentligt.",
        "source": "källa",
        "in_language": "({language})",
    },
    "en": {
        "assessed": "{n} of {m} targets assessed",
        "indicative": "indicative",
        "last_good": "Last good report from {date}; this run failed:",
        "open_last_good": "Open the last good report →",
        "failed_notebook": "Notebook of the failed run",
        "public_documents": "What the city highlights in its public documents",
        "public_facts_only": "No city profile: the page is built from public facts (FISU membership, statistics).",
        "own_and_network": "{own} the city's own, {network} the FISU network's",
        "none_assessed": "no data on the targets' indicators for this municipality",
        "public_documents_note": "Key measures and problems are what each city itself highlights in its public "
                                 "documents (source and date with each); they are not taken from the city's "
                                 "background document, which is not public.",
        "source": "source",
        "in_language": "({language})",
    },
}


def gallery_words(lang: str) -> dict[str, str]:
    """The shared page texts and the gallery's own words in ``lang`` (fi, sv, en)."""
    return {**texts(lang), **GALLERY_WORDS.get(lang, GALLERY_WORDS["en"]),
            "language_names": _LANGUAGE_NAMES.get(lang, _LANGUAGE_NAMES["en"])}


_LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "fi": {"fi": "suomeksi", "sv": "ruotsiksi", "en": "englanniksi"},
    "sv": {"fi": "på finska", "sv": "på svenska", "en": "på engelska"},
    "en": {"fi": "in Finnish", "sv": "in Swedish", "en": "in English"},
}


#: What the report writes as the status of a target that got none.
_NO_STATUS = {"", "not_assessable", "none", "nan"}


def _assessed(target: dict[str, Any]) -> bool:
    status = target.get("status")
    return status is not None and str(status).strip().lower() not in _NO_STATUS


def is_indicative(target: dict[str, Any]) -> bool:
    """True when the target's status is indicative (``basis`` is the id or its words)."""
    basis = str(target.get("basis") or "").strip().casefold()
    if not basis:
        return False
    return basis == "indicative" or any(
        basis.startswith(words["indicative"].casefold()) for words in GALLERY_WORDS.values()
    )


@dataclass
class Card:
    """One city's entry in the gallery."""

    city_code: str
    name: str
    folder: str
    status: str
    href: str | None
    targets: list[dict[str, Any]]
    metrics: dict[str, Any]
    error: dict[str, Any] | None
    duration_s: float | None
    last_good: str | None = None
    failed_run: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def kept(self) -> bool:
        """A failed run whose earlier good report is still in the folder (and linked)."""
        return self.failed and bool(self.last_good) and self.href is not None

    @property
    def n_assessed(self) -> int:
        """Targets with a status (an assessment) of the ``len(targets)`` in the profile."""
        return sum(1 for t in self.targets if _assessed(t))

    @property
    def n_network(self) -> int:
        """How many of the targets are the FISU network's (the rest are the city's own)."""
        return sum(1 for t in self.targets if t.get("origin") == "network")

    @property
    def chips(self) -> list[dict[str, Any]]:
        """The assessed targets as chips: label, status words, and whether it is indicative."""
        return [
            {
                "label": t.get("label") or t.get("target_id") or "",
                "network": t.get("origin") == "network",
                "status": t.get("status"),
                "text": t.get("status_text") or t.get("status"),
                "indicative": is_indicative(t),
                "note": t.get("basis_note") or t.get("basis") or "",
            }
            for t in self.targets
            if _assessed(t)
        ]

    def last_good_date(self) -> str:
        """The day the kept report was made (YYYY-MM-DD)."""
        return str(self.last_good or "")[:10]


def _read_metrics(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_cards(out_dir: str | Path) -> list[Card]:
    """One card per report listed in ``out_dir/manifest.json``, sorted by name."""
    out = Path(out_dir)
    manifest = read_report_manifest(out) or {}
    cards = []
    for entry in manifest.get("reports", []) or []:
        if not isinstance(entry, dict) or not entry.get("city_code"):
            continue
        folder = out / str(entry.get("folder", ""))
        metrics = _read_metrics(folder) if folder.is_dir() else {}
        html = folder / "report.html"
        targets = metrics.get("targets") if isinstance(metrics.get("targets"), list) else []
        status = str(entry.get("status", "failed"))
        error = None
        if status == "failed":
            error = {k: entry.get(k) for k in ("cell_index", "ename", "evalue")}
        cards.append(
            Card(
                city_code=str(entry["city_code"]),
                name=str(entry.get("name") or metrics.get("name") or entry["city_code"]),
                folder=folder.name,
                status=status,
                href=f"{folder.name}/report.html" if html.is_file() else None,
                targets=[t for t in targets if isinstance(t, dict)],
                metrics=metrics,
                error=error,
                duration_s=entry.get("duration_s"),
                last_good=entry.get("last_good"),
                failed_run=entry.get("failed_run"),
            )
        )
    return sorted(cards, key=lambda c: (c.name.casefold(), c.city_code))


def _copy_coverage_map(out: Path, coverage_map: str | Path | None) -> str | None:
    target = out / COVERAGE_MAP_FILE
    if coverage_map is not None:
        src = Path(coverage_map)
        if src.is_file() and src.resolve() != target.resolve():
            atomic_write_bytes(target, src.read_bytes())
        elif not src.is_file():
            return None
    return COVERAGE_MAP_FILE if target.is_file() else None


def build_gallery(
    out_dir: str | Path,
    *,
    lang: str = "fi",
    title: str | None = None,
    coverage_map: str | Path | None = None,
) -> Path:
    """Write ``out_dir/index.html``: one card per city (status of its targets, link), error cards.

    Parameters
    ----------
    out_dir : path
        Report folder holding ``manifest.json``.
    lang : {"fi", "sv", "en"}
        Page language.
    title : str, optional
        Page heading (escaped).
    coverage_map : path, optional
        PNG of the cohort's coverage map, copied to ``out_dir/coverage_map.png``; an earlier
        copy there is shown when this is None.
    """
    from rvanalytics import __version__

    out = Path(out_dir)
    cards = load_cards(out)
    t = gallery_words(lang)
    page = render(
        "gallery.html.j2",
        lang=lang,
        title=title or t["gallery_title"],
        cards=cards,
        n_ok=sum(1 for c in cards if not c.failed),
        n_failed=sum(1 for c in cards if c.failed),
        coverage=_copy_coverage_map(out, coverage_map),
        t=t,
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    make_readable(atomic_write_text(out / "index.html", page))
    if (out / COVERAGE_MAP_FILE).is_file():
        make_readable(out / COVERAGE_MAP_FILE)
    return out / "index.html"


def _entry(card: Card, which: str) -> dict[str, Any]:
    data = card.metrics.get(which)
    return data if isinstance(data, dict) else {}


def _theme_key(theme: str) -> str:
    """The resource-wisdom theme a profile theme belongs to (its own word where none fits)."""
    from rvanalytics.themes import rw_theme

    return rw_theme(theme) or theme


def _item_text(item: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """A key measure or problem for the page: text in ``lang`` when translated, else marked with its language."""
    if not item or not item.get("known"):
        return item
    translations = item.get("translations") or {}
    text = translations.get(lang)
    language = lang if text else item.get("text_language")
    return {**item, "text": text or item.get("description") or "",
            "other_language": None if language in (None, lang) else language}


def measures_by_theme(cards: list[Card], lang: str = "fi") -> list[dict[str, Any]]:
    """Rows for the measures page: per resource-wisdom theme, each city's key measure and key problem.

    A city with a measure in theme A and a problem in theme B appears under both; a city
    whose measure and problem are unknown (or have no theme) is listed under "theme not
    known" with the reason given in its profile. Each item carries its text in ``lang`` when
    the profile has that translation (``text``; else ``other_language`` names its language).
    """
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    public_only = gallery_words(lang)["public_facts_only"]
    for card in cards:
        measure = _item_text(_entry(card, "key_measure"), lang)
        problem = _item_text(_entry(card, "key_problem"), lang)
        if card.metrics.get("profile") == "public facts only":  # one footnote for all such cities
            measure = {**measure, "known": False, "unknown_reason": public_only}
            problem = {**problem, "known": False, "unknown_reason": public_only}
        # an item without a theme (unknown, or none of its words) is listed under "theme not known"
        m_themes = [_theme_key(str(x)) for x in (measure.get("themes") or []) if measure.get("known")] or [""]
        p_themes = [_theme_key(str(x)) for x in (problem.get("themes") or []) if problem.get("known")] or [""]
        themes = list(dict.fromkeys(m_themes + p_themes))
        for theme in themes:
            row = groups.setdefault(theme, {}).setdefault(
                card.city_code, {"card": card, "measure": None, "problem": None}
            )
            if theme in m_themes:
                row["measure"] = measure
            if theme in p_themes:
                row["problem"] = problem
    ordered = sorted(groups, key=lambda th: (th == "", theme_name(th, lang).casefold()))
    return [
        {
            "theme": theme_name(th or None, lang),
            "rows": sorted(groups[th].values(), key=lambda r: r["card"].name.casefold()),
        }
        for th in ordered
    ]


def build_measures_page(out_dir: str | Path, *, lang: str = "fi") -> Path:
    """Write ``out_dir/measures.html``: key measures and key problems side by side by theme."""
    from rvanalytics import __version__

    out = Path(out_dir)
    cards = load_cards(out)
    groups = measures_by_theme(cards, lang)
    # Why a measure or problem is unknown is usually the same text for many cities: a footnote each.
    reasons: list[str] = []
    for group in groups:
        for row in group["rows"]:
            for item in (row["measure"], row["problem"]):
                reason = (item or {}).get("unknown_reason")
                if item and not item.get("known") and reason and reason not in reasons:
                    reasons.append(reason)
    page = render(
        "measures.html.j2",
        lang=lang,
        groups=groups,
        reasons=reasons,
        any_public=any((row[k] or {}).get("basis") == "public_documents"
                       for g in groups for row in g["rows"] for k in ("measure", "problem")),
        n_cards=len(cards),
        t=gallery_words(lang),
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    make_readable(atomic_write_text(out / "measures.html", page))
    return out / "measures.html"


def remove_coverage_map(out_dir: str | Path) -> None:
    """Delete ``coverage_map.png`` from ``out_dir`` (if any)."""
    path = Path(out_dir) / COVERAGE_MAP_FILE
    if path.exists():
        path.unlink()
