"""Renderers: one record of :mod:`~rvanalytics.report.story.facts` in, an HTML string out.

Every text from profiles, data or the catalogue is escaped here (:func:`esc`); the texts
of :mod:`~rvanalytics.report.story.texts` are escaped too. An empty section is one line
(``<p class="empty-section">``), not a heading with nothing under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from rvanalytics.report.story.facts import (
    CityFacts,
    ComparisonRow,
    FreshnessRow,
    SourceRef,
    SummaryFacts,
    TargetFact,
)
from rvanalytics.report.story.texts import fmt, t
from rvanalytics.report.story.theme_facts import AreaRow
from rvanalytics.report.templating import status_class

__all__ = [
    "area_table",
    "comparison_table",
    "empty_section",
    "esc",
    "freshness_table",
    "header",
    "heading",
    "html_table",
    "keep",
    "key_section",
    "membership",
    "missing",
    "people",
    "public_facts_notice",
    "sources_section",
    "summary",
    "target_card",
    "who_table",
]


def esc(value: object) -> str:
    """HTML-escape any value (None → empty string).

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    import html

    return "" if value is None else html.escape(str(value), quote=True)


def html_table(rows: Iterable[Iterable[object]], header: Iterable[object] | None, *,
               numeric: Iterable[int] = (), css: str = "", markup: Iterable[int] = ()) -> str:
    """A table with every cell escaped; ``numeric`` columns right-aligned; wrapped to scroll on phones.

    Cells of the ``markup`` columns are HTML already escaped by the caller (links).

    Examples
    --------
    >>> html_table([["<b>", 1]], ["a", "b"], numeric=[1])
    '<div class="table-wrap"><table><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>&lt;b&gt;</td><td class="num">1</td></tr></tbody></table></div>'
    """
    num = set(numeric)
    raw = set(markup)

    def cls(i: int) -> str:
        return ' class="num"' if i in num else ""

    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{v if i in raw else esc(v)}</td>" for i, v in enumerate(row))
                   + "</tr>" for row in rows)
    attr = f' class="{esc(css)}"' if css else ""
    head = ""
    if header is not None:
        head = "<thead><tr>" + "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(header)) + "</tr></thead>"
    return f'<div class="table-wrap"><table{attr}>{head}<tbody>{body}</tbody></table></div>'


def heading(text: str, level: int = 2) -> str:
    """``<h2>`` (or ``<h3>``) with the text escaped."""
    return f"<h{level}>{esc(text)}</h{level}>"


def keep(markup: str) -> str:
    """One block that print does not split: a heading with the card or figure under it."""
    return f'<div class="keep">{markup}</div>'


def missing(text: str) -> str:
    """A plain note that something is not there."""
    return f'<p class="missing">{esc(text)}</p>'


def empty_section(title: str, text: str) -> str:
    """A section with nothing to show, in one line: "**Title:** why"."""
    return f'<p class="empty-section"><strong>{esc(title)}:</strong> {esc(text)}</p>'


def language_tag(text_language: str | None, lang: str) -> str:
    """`` (englanniksi)`` when profile text is in another language than the report (never translated)."""
    if text_language not in ("fi", "sv", "en") or text_language == lang:
        return ""
    return f" ({t(lang, 'in_language', language=t(lang, 'lang_' + str(text_language)))})"


def header(city: CityFacts, date: str, lang: str) -> str:
    """Title and the line under it."""
    return (f'<h1 class="report-title">{esc(t(lang, "title", name=city.name))}</h1>'
            f'<p class="subtitle">{esc(t(lang, "subtitle", code=city.code, region=city.region_name or "–", date=date))}</p>')


def summary(facts: SummaryFacts, lang: str) -> str:
    """The few lines on top: targets and statuses, key figures with year, the strongest trend."""
    lines = []
    chips = ", ".join(f"{n} {words}" for words, n in facts.status_counts) or t(lang, "status_unavailable")
    if not facts.has_profile:  # only the network's targets can be known
        lines.append(t(lang, "summary_network_only", n=facts.n_targets, assessed=facts.n_assessed, statuses=chips)
                     if facts.n_targets else t(lang, "summary_no_profile"))
    elif facts.n_targets:
        split = (t(lang, "summary_split", own=facts.n_targets - facts.n_network, network=facts.n_network)
                 if facts.n_network else "")
        lines.append(t(lang, "summary_targets", n=f"{facts.n_targets}{split}", assessed=facts.n_assessed,
                       statuses=chips))
    else:
        lines.append(t(lang, "summary_no_targets"))
    if facts.figures:
        lines.append(t(lang, "summary_figures", figures="; ".join(
            f"{name} {fmt(value, lang)} {unit} ({year})" for name, value, unit, year in facts.figures)))
    if facts.rank:
        name, rank, n = facts.rank
        lines.append(t(lang, "summary_rank", name=name, rank=t(lang, "rank_text", rank=rank, n=n)))
    if facts.strongest_trend:
        name, rate, first, last = facts.strongest_trend
        sign = "+" if rate > 0 else ""
        lines.append(t(lang, "summary_trend", name=name, rate=sign + fmt(rate, lang, 1), first=first, last=last))
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f'<section class="summary-box">{heading(t(lang, "summary"))}<ul>{items}</ul></section>'


def public_facts_notice(city: CityFacts, lang: str) -> str:
    """For a city without a profile: what the page is built from, and what is unknown."""
    parts = ([t(lang, "public_facts_fisu")] if city.membership else []) + [t(lang, "public_facts_data")]
    text = t(lang, "public_facts", code=city.code, parts=", ".join(parts))
    return f'<section class="notice info public-facts"><p>{esc(text)}</p></section>'


_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def membership(city: CityFacts, lang: str) -> str:
    """The city's FISU membership with its source and date ("" for a city that is not a member)."""
    m = city.membership
    if not m:
        return ""
    relation = str(m.get("relation") or "")
    words = t(lang, relation) if relation in ("fisu_founding_member", "fisu_member", "fisu_member_listed") else relation
    if m.get("joined") is not None:
        words += " " + t(lang, "fisu_since", year=int(m["joined"]))
    source = ""
    url, date = m.get("source_url"), m.get("source_date")
    if url:
        host = urlsplit(str(url)).netloc.removeprefix("www.") or str(url)
        source = f'<a href="{esc(url)}">{esc(host)}</a>'
    if date:  # a plain date as it is; a described date is the table's English words, marked
        tag = "" if _DATE.match(str(date)) or lang == "en" else language_tag("en", lang)
        source += f" ({esc(date)}{esc(tag)})" if source else f"{esc(date)}{esc(tag)}"
    source = f"; {esc(t(lang, 'fisu_source'))}: {source}" if source else ""
    return f'<p class="membership"><strong>{esc(t(lang, "fisu"))}:</strong> {esc(words)}{source}</p>'


def who_table(city: CityFacts, lang: str) -> str:
    """Population (with its year), region, size class and municipality group."""
    none = t(lang, "no_data")
    pop = f"{fmt(city.population, lang, 0)} ({city.population_year})" if city.population is not None else none
    rows = [[t(lang, "population"), pop], [t(lang, "region"), city.region_name or none],
            [t(lang, "size_class"), city.size_class or none], [t(lang, "group"), city.group or none]]
    return heading(t(lang, "who")) + html_table(rows, None) + membership(city, lang)


def people(city: CityFacts, lang: str) -> str:
    """The people and their roles, names only where the profile allows publishing them."""
    title = t(lang, "people")
    if not city.has_profile:
        return empty_section(title, t(lang, "unknown_because", reason=t(lang, "no_profile", code=city.code)))
    if not city.people_known:
        return empty_section(title, t(lang, "people_unknown"))
    if not city.people:
        return empty_section(title, t(lang, "people_none_published", n=city.n_people))
    rows = [[p["role"], p["responsibility"], p["organisation"], p["name"] or ""] for p in city.people]
    header_ = [t(lang, "role"), t(lang, "responsibility"), t(lang, "organisation"), t(lang, "name")]
    return heading(title, 3) + html_table(rows, header_)


def _source_html(fact: TargetFact, lang: str) -> str:
    link = ""
    if fact.source_url:
        link = f' (<a href="{esc(fact.source_url)}">{esc(fact.source_title or fact.source_url)}</a>)'
    tag = esc(language_tag(fact.text_language, lang))
    if fact.quote and fact.quote_kind == "paraphrase":
        return f"<p><em>{esc(t(lang, 'source_summary'))}{tag}:</em> {esc(fact.quote)}{link}</p>"
    if fact.quote:
        return f"<p>“{esc(fact.quote)}”{tag}{link}</p>"
    return f"<p>{link}</p>" if link else ""


def target_card(fact: TargetFact, lang: str, figure: str = "") -> str:
    """One target: label, status chip, basis, release, change since baseline, source, comparability, chart."""
    chip = f'<span class="chip {status_class(fact.status)}">{esc(fact.status_words)}</span>'
    facts_list = []
    if fact.basis:
        facts_list.append(f"{t(lang, 'basis')}: {fact.basis}")
    if fact.release:
        release = t(lang, "release", release=fact.release)
        if fact.preliminary and fact.latest_year is not None:
            release += f" ({t(lang, 'preliminary_year', year=fact.latest_year)})"
        facts_list.append(release)
    elif fact.preliminary and fact.latest_year is not None:
        facts_list.append(t(lang, "preliminary_year", year=fact.latest_year))
    if fact.change_since_baseline_pct is not None and fact.baseline_year is not None:
        pct = fmt(fact.change_since_baseline_pct, lang, 1)
        sign = "+" if fact.change_since_baseline_pct > 0 else ""
        facts_list.append(t(lang, "change_since_baseline", year=fact.baseline_year, pct=sign + pct))
    meta = "".join(f"<li>{esc(x)}</li>" for x in facts_list)
    tag = esc(language_tag(fact.note_language or fact.text_language, lang))
    parts = [
        f'<article class="target-card">{heading(fact.label, 3)}',
        f'<p class="status-line"><strong>{esc(t(lang, "status"))}:</strong> {chip} {esc(fact.explanation or "")}</p>',
        f'<ul class="target-meta">{meta}</ul>' if meta else "",
        _source_html(fact, lang),
    ]
    if fact.comparability_note:
        parts.append(f'<p class="missing"><strong>{esc(t(lang, "comparability"))}{tag}:</strong> '
                     f"{esc(fact.comparability_note)}</p>")
    if not fact.indicator:
        parts.append(missing(t(lang, "no_indicator")))
    elif fact.series is None:
        parts.append(missing(t(lang, "no_series", indicator=fact.indicator_name)))
    parts.append(figure)
    parts.append("</article>")
    return "".join(parts)


def network_source(facts: list[TargetFact], lang: str) -> str:
    """The source line of the network's common targets (each source once)."""
    seen: dict[str, str | None] = {}
    for f in facts:
        if f.source_title or f.source_url:
            seen.setdefault(f.source_title or f.source_url or "", f.source_url)
    links = ", ".join(f'<a href="{esc(url)}">{esc(title)}</a>' if url else esc(title) for title, url in seen.items())
    return f"<p>{esc(t(lang, 'network_source', source='')).rstrip()} {links}</p>" if links else ""


def comparison_table(rows: list[ComparisonRow], city_name: str, region_name: str | None,
                     size_class: str | None, lang: str) -> str:
    """City, region, size-class median, country and rank per indicator, with how many have data."""
    body = [[r.name, r.year, fmt(r.city, lang), fmt(r.region, lang), fmt(r.size_median, lang),
             fmt(r.country, lang),
             t(lang, "rank_text", rank=r.rank, n=r.n_with_data) if r.rank is not None else "–"] for r in rows]
    head = [t(lang, "indicator"), t(lang, "year"), city_name, region_name or t(lang, "region"),
            t(lang, "size_median", size=size_class or "–"), t(lang, "country"), t(lang, "rank")]
    return html_table(body, head, numeric=[1, 2, 3, 4, 5], css="compare") + missing(t(lang, "compare_note"))


def source_links(ids: Iterable[str], refs: dict[str, SourceRef], fallback: str) -> str:
    """Short source names linking to their rows of the sources table ("Tilastokeskus [3]")."""
    links = [f'<a href="#source-{r.number}">{esc(r.short)}&nbsp;[{r.number}]</a>'
             for r in (refs.get(i) for i in ids) if r is not None]
    return ", ".join(links) if links else esc(fallback)


def freshness_table(rows: list[FreshnessRow], lang: str, refs: dict[str, SourceRef] | None = None) -> str:
    """Years, latest value, trend (or "one year: snapshot") and source of each indicator.

    The source column gives the publisher's short name linked to the sources table (``refs``);
    the full attribution is there, once.
    """
    body = []
    for r in rows:
        if r.n_years == 1:
            trend = t(lang, "snapshot_short")
        elif r.trend is not None:
            trend = f"{fmt(r.trend[0], lang, 1)} ({fmt(r.trend[1], lang, 1)} … {fmt(r.trend[2], lang, 1)})"
        else:
            trend = "–"
        latest = f"{r.latest} ({t(lang, 'preliminary')})" if r.preliminary else r.latest
        body.append([r.name, r.first, latest, r.n_years, f"{fmt(r.value, lang)} {r.unit}", trend,
                     source_links(r.source_ids, refs or {}, r.source)])
    head = [t(lang, "indicator"), t(lang, "first"), t(lang, "latest"), t(lang, "years"), t(lang, "value"),
            t(lang, "trend"), t(lang, "source")]
    notes = missing(t(lang, "trend_note"))
    if any(r.unit == "Mkm" for r in rows):
        notes += missing(t(lang, "mkm_note"))
    return html_table(body, head, numeric=[1, 2, 3, 4, 5], css="freshness", markup=[6]) + notes


_KEY_PARTS = ("key_measure", "key_problem", "responsible_unit")


def _date_text(date: object, lang: str) -> str:
    """A source's date as given; described dates are the table's English words, marked as such."""
    text = str(date)
    return text if _DATE.match(text) or lang == "en" else text + language_tag("en", lang)


def _key_text(s: dict[str, object], text_language: str | None, lang: str) -> str:
    """The text in the report language: its translation there, else the profile's words marked with their language."""
    translations = s.get("translations") or {}
    if isinstance(translations, dict) and translations.get(lang):
        return esc(translations[lang])
    language = s.get("text_language") or text_language
    return esc(s.get("description")) + esc(language_tag(language if isinstance(language, str) else None, lang))


def key_section(sections: dict[str, dict[str, object]], text_language: str | None, lang: str) -> str:
    """Key measure, key problem and responsible unit; one line each when the profile does not give them.

    Text whose basis is ``public_documents`` is labelled as what the city highlights in its public
    documents, with the source and date, never as the city's background document.
    """
    tag = language_tag(text_language, lang)
    parts = []
    for which in _KEY_PARTS:
        s = sections.get(which)
        if s is None:  # a profile schema without the part
            continue
        if not s.get("known"):
            reason = s.get("unknown_reason")
            if which == "responsible_unit" or not reason:  # our own words, not the profile's
                why = t(lang, "not_given")
            else:
                why = t(lang, "not_given") + f"{tag}: {reason}"
            parts.append(empty_section(t(lang, which), why))
            continue
        block = heading(t(lang, which), 3)
        source = s.get("source") if isinstance(s.get("source"), dict) else None
        if s.get("basis") == "public_documents":
            where = ""
            if source:
                link = f'<a href="{esc(source.get("url"))}">{esc(source.get("title") or source.get("url"))}</a>'
                date = f", {esc(_date_text(source['date'], lang))}" if source.get("date") else ""
                where = f" ({link}{date})"
            block += f'<p class="basis"><em>{esc(t(lang, "highlighted"))}</em>{where}:</p>'
        title = s.get("title") if which == "key_measure" else None
        status = s.get("status")
        if title:
            words = f" ({esc(t(lang, 'measure_' + str(status)))})" if status in ("started", "planned") else ""
            block += f"<p><strong>{esc(title)}</strong>{words}</p>"
        block += f"<p>{_key_text(s, text_language, lang)}</p>"
        if source and s.get("basis") != "public_documents" and source.get("url"):
            block += f'<p>(<a href="{esc(source["url"])}">{esc(source.get("title") or source["url"])}</a>)</p>'
        parts.append(block)
    return "".join(parts)


def sources_section(refs: list[SourceRef], attribution_line: str, division: int, lang: str) -> str:
    """Numbered sources (the data table links here) with vintages and licences, the attribution line, the method."""
    rows = [[f'<span id="source-{r.number}">{r.number}</span>', esc(r.attribution), esc(r.vintage), esc(r.licence)]
            for r in refs]
    table = html_table(rows, ["#", t(lang, "source"), t(lang, "year"), t(lang, "licence")],
                       numeric=[0], markup=[0, 1, 2, 3], css="sources") if rows else ""
    return table + f"<p>{esc(attribution_line)}</p><p>{esc(t(lang, 'method', division=division))}</p>"


def area_table(rows: Iterable[AreaRow], city_name: str, region_name: str | None, lang: str,
               refs: dict[str, SourceRef] | None = None) -> str:
    """One indicator a row: city, region and country of the same release and year, the year, the source."""
    body = []
    for r in rows:
        year = "–" if r.year is None else (f"{r.year} ({t(lang, 'preliminary')})" if r.preliminary else r.year)
        digits = 2 if r.unit.startswith("kg") or r.indicator == "jobs_per_employed_resident" else 1
        body.append([f"{r.name} ({r.unit})" if r.unit else r.name, fmt(r.city, lang, digits),
                     fmt(r.region, lang, digits), fmt(r.country, lang, digits), year,
                     source_links(r.sources, refs or {}, ", ".join(r.sources))])
    head = [t(lang, "indicator"), city_name, region_name or t(lang, "region"), t(lang, "country"),
            t(lang, "theme_year"), t(lang, "source")]
    return html_table(body, head, numeric=[1, 2, 3, 4], css="themes", markup=[5])
