"""What a city report says, computed: DataFrames in, one small record per section out.

Pure: nothing here reads a file or displays anything. Every comparison number comes from
:mod:`rvanalytics.metrics` with the same arguments as ``rvanalytics metrics`` (latest
values, trends and ranks from :func:`~rvanalytics.metrics.city_metrics`, size classes and
population year from :func:`~rvanalytics.metrics.municipality_attributes`, region and
country values from the panel or :func:`~rvanalytics.metrics.aggregate_areas`), so a
report and the command agree to the digit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rvanalytics.indicators import HINKU_SECTORS, unit_text
from rvanalytics.report.story.inputs import CityData
from rvanalytics.report.story.texts import fmt, kind_text, reason_text, status_text, t
from rvanalytics.themes import theme_label

__all__ = [
    "CityFacts",
    "ComparisonRow",
    "FreshnessRow",
    "PeerMetrics",
    "SectorFacts",
    "Series",
    "SourceRef",
    "SummaryFacts",
    "TargetFact",
    "ThemeFacts",
    "city_facts",
    "comparison_facts",
    "freshness_facts",
    "map_choice",
    "peer_metrics",
    "sector_facts",
    "short_source_name",
    "source_refs",
    "summary_facts",
    "target_facts",
    "theme_facts",
]

#: ``since`` of ``rvanalytics metrics`` (the change column of its city metrics).
SINCE_YEAR = 2005
#: Headline per-capita figures of the summary, first present wins.
HEADLINE_INDICATORS = ("ghg_hinku_per_capita_t", "ghg_alas_per_capita_t", "road_transport_ghg_per_capita_t")
SECTOR_INDICATORS = tuple(f"ghg_hinku_sector_{slug}_kt" for slug in HINKU_SECTORS.values())


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Series:
    """One line of a chart: years and values (no missing values), its label and sources."""

    label: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    sources: tuple[str, ...] = ()


@dataclass
class CityFacts:
    """Who the city is."""

    name: str
    code: str
    region_code: str | None
    region_name: str | None
    group: str | None
    population: float | None
    population_year: int | None
    size_class: str | None
    has_profile: bool
    membership: dict[str, Any] | None = None  # FISU membership (joined, relation, source_url, source_date)
    people_known: bool = False
    n_people: int = 0
    people: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TargetFact:
    """One target, tracked, with what its card and chart show."""

    target_id: str
    label: str
    theme: str | None
    origin: str
    indicator: str | None
    indicator_name: str | None
    unit: str
    status: str | None
    status_words: str
    explanation: str | None
    basis: str | None = None
    release: str | None = None
    preliminary: bool = False
    change_since_baseline_pct: float | None = None
    baseline_year: int | None = None
    source_title: str | None = None
    source_url: str | None = None
    quote: str | None = None
    quote_kind: str | None = None
    comparability_note: str | None = None
    text_language: str | None = None
    note_language: str | None = None  # of comparability_note when not text_language (our own words: the report's)
    target_year: int | None = None
    latest_year: int | None = None
    series: Series | None = None
    baseline_point: tuple[int, float] | None = None
    target_point: tuple[int, float] | None = None
    path: Series | None = None


@dataclass
class ThemeFacts:
    """The city's series of one theme (rates with their region and country lines)."""

    theme: str
    title: str
    panels: list[tuple[str, str, list[Series]]]  # (indicator, title with unit, city/region/country lines)
    more: list[str]  # names of indicators of the theme not drawn (they are in the data table)


@dataclass
class SectorFacts:
    """Emissions by Hinku sector: complete years only, largest sector first (bottom of the stack)."""

    sectors: list[str]  # indicator ids in stack order
    labels: list[str]
    table: pd.DataFrame  # year x sector, complete years only
    dropped_years: list[int]
    unit: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ComparisonRow:
    """One per-capita indicator of the city beside its region, size class and the country."""

    indicator: str
    name: str
    year: int
    city: float
    region: float | None
    size_median: float | None
    country: float | None
    rank: int | None
    n_with_data: int | None


@dataclass(frozen=True)
class FreshnessRow:
    """One indicator of the city: years covered, latest value, trend, source."""

    indicator: str
    name: str
    first: int
    latest: int
    n_years: int
    value: float
    unit: str
    trend: tuple[float, float, float] | None
    source: str
    preliminary: bool = False
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """One row of the sources table: its number, a short name for the data table, the attribution."""

    id: str
    number: int
    short: str
    attribution: str
    vintage: str
    licence: str


@dataclass
class SummaryFacts:
    """The few lines at the top of the report."""

    n_targets: int
    n_assessed: int
    n_network: int = 0  # of n_targets, the network's common targets
    has_profile: bool = True
    status_counts: list[tuple[str, int]] = field(default_factory=list)
    figures: list[tuple[str, float, str, int]] = field(default_factory=list)  # (name, value, unit, year)
    strongest_trend: tuple[str, float, int, int] | None = None  # (name, %/yr, first year, last year)
    rank: tuple[str, int, int] | None = None  # (name, rank, n with data)


@dataclass
class PeerMetrics:
    """``rvanalytics metrics``' numbers for the city, computed once per report."""

    municipalities: pd.DataFrame  # municipality_attributes(key, panel)
    city_rows: pd.DataFrame  # city_metrics(...) rows of the city


# --------------------------------------------------------------------------- helpers


def _is_number(value: object) -> bool:
    try:
        return value is not None and value is not pd.NA and not math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _int(value: object) -> int | None:
    return int(float(value)) if _is_number(value) else None  # type: ignore[arg-type]


def _float(value: object) -> float | None:
    return float(value) if _is_number(value) else None  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def indicator_name(catalogue: pd.DataFrame, indicator: str, lang: str) -> str:
    """The indicator's name in ``lang`` (English, then the id, when the catalogue lacks it)."""
    if indicator in catalogue.index:
        for col in (f"name_{lang}", "name_en"):
            name = catalogue.at[indicator, col] if col in catalogue.columns else None
            if isinstance(name, str) and name:
                return name
    return indicator


def is_rate(catalogue: pd.DataFrame, indicator: str) -> bool:
    """Not additive (per capita, shares): comparable across areas of different size."""
    if indicator in catalogue.index:
        return not bool(catalogue.at[indicator, "additive"])
    return "per_capita" in indicator or indicator.endswith(("_pct", "_rate"))


def _series(rows: pd.DataFrame, label: str) -> Series:
    return Series(label, tuple(int(y) for y in rows["year"]), tuple(float(v) for v in rows["value"]),
                  tuple(sorted(set(rows["source"].astype(str)))) if "source" in rows.columns else ())


def city_indicators(data: CityData) -> list[str]:
    """Indicators with at least one value for the city, in catalogue order."""
    p = data.city_panel
    have = set(p.loc[p["value"].notna(), "indicator"])
    order = [i for i in data.catalogue.index if i in have]
    return order + sorted(have - set(order))


def _present(record: dict[str, Any]) -> dict[str, Any]:
    """The fields of a record that hold a value (no None, NaN or NA)."""
    return {k: v for k, v in record.items()
            if not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))}


def _name_col(lang: str) -> str:
    return f"_{lang}" if lang in ("fi", "sv", "en") else "_en"


# --------------------------------------------------------------------------- sections


def peer_metrics(data: CityData) -> PeerMetrics:
    """The city's rows of :func:`rvanalytics.metrics.city_metrics`, as :func:`rvanalytics.assess.assess` computes them.

    Same panels and arguments as ``rvanalytics metrics``; the indicator list is every indicator
    the city has (each indicator's numbers do not depend on the others).
    """
    from rvanalytics.metrics import city_metrics, municipality_attributes

    munis = municipality_attributes(data.key, data.panel)
    inds = city_indicators(data)
    rows = city_metrics(data.panel_all, munis, [data.code], indicators=inds, since=SINCE_YEAR,
                        catalogue=data.catalogue) if inds else pd.DataFrame()
    return PeerMetrics(municipalities=munis, city_rows=rows)


def city_facts(data: CityData, peers: PeerMetrics, lang: str) -> CityFacts:
    """Name, region, group, population (latest, with year) and size class, published people."""
    from rvanalytics.cities import published_people
    from rvanalytics.cities.references import latest_population

    row = data.key_row
    sfx = _name_col(lang)
    latest = latest_population(data.city_panel).get(data.code)
    attrs = peers.municipalities.loc[peers.municipalities["code"] == data.code]
    size = attrs["size_class"].iloc[0] if len(attrs) else None
    facts = CityFacts(
        name=str(row.get(f"name{sfx}") or row.get("name_fi") or data.code),
        code=data.code,
        region_code=row.get("region_code"),
        region_name=row.get(f"region_name{sfx}"),
        group=row.get(f"municipality_group_name{sfx}"),
        population=latest[1] if latest else None,
        population_year=latest[0] if latest else None,
        size_class=size if isinstance(size, str) else None,
        has_profile=data.profile is not None,
        membership=data.membership,
    )
    if data.profile is not None:
        facts.people_known = bool(data.profile.people_known)
        facts.n_people = len(data.profile.people_list) if facts.people_known else 0
        facts.people = published_people(data.profile) if facts.people_known else []
    return facts


def target_label(target: dict[str, Any], lang: str) -> str:
    """Short label of a target, e.g. "Ilmasto: hiilineutraalius −60 % (vrt. 2007) → 2025"."""
    year, value, base, kind = (target.get(k) for k in ("target_year", "target_value", "baseline_year", "kind"))
    # the theme's name without its note: "Ilmasto (kaikki päästöt)" would misname a Hinku target
    theme = theme_label(str(target.get("theme")), lang).split(" (")[0] if target.get("theme") else "–"
    if kind in ("pct_reduction", "carbon_neutrality") and _is_number(value):
        what = f"−{fmt(value, lang, 0)} %"
        if _is_number(base):
            what += f" ({t(lang, 'vs')} {int(float(base))})"
        if kind == "carbon_neutrality":
            what = f"{kind_text(kind, lang)} {what}"
    elif kind == "rate" and _is_number(value):
        what = f"{fmt(value, lang, 0)} %"
    elif _is_number(value):
        what = fmt(value, lang)
    else:
        what = kind_text(kind, lang)
    return f"{theme}: {what} → {int(float(year))}" if _is_number(year) else f"{theme}: {what}"


def _explanation(row: dict[str, Any], status: str | None, unit: str, lang: str,
                 names: Any) -> str | None:
    parts = []
    if _is_number(row.get("latest_value")):
        parts.append(t(lang, "latest_is", value=fmt(row["latest_value"], lang), unit=unit,
                       year=_int(row.get("latest_year"))))
    if _is_number(row.get("trajectory_linear")):
        parts.append(t(lang, "path_is", value=fmt(row["trajectory_linear"], lang), unit=unit,
                       gap=fmt(row.get("gap_pct"), lang, 0)))
    if status != "achieved":
        if _is_number(row.get("required_rate_pct")):
            parts.append(t(lang, "required", rate=fmt(row["required_rate_pct"], lang, 1)))
        if _is_number(row.get("projected_year")):
            parts.append(t(lang, "projected", year=int(float(row["projected_year"]))))
    for col in ("reason", "note"):
        text = _text(row.get(col))
        if text:
            words = reason_text(text, lang, names)
            parts.append(words[:1].upper() + words[1:])
    return " ".join(p.rstrip(".") + "." for p in parts) or None


def _basis(row: dict[str, Any], lang: str) -> str | None:
    basis = _text(row.get("basis"))
    if basis == "indicative":
        return t(lang, "basis_indicative")
    if basis == "same scope":
        return t(lang, "basis_same")
    return None


_NETWORK_NOTE = re.compile(r"^Network target for every FISU member, measured with: (.*?)\.?$", re.DOTALL)


_NETWORK_TITLE = re.compile(r"^FISU network common target \((.*)\)$")
_PLAIN_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def _network_title(title: str | None, lang: str) -> str | None:
    """"FISU network common target (2022-08-29)" of :func:`rvanalytics.network.network_targets` in ``lang``."""
    m = _NETWORK_TITLE.match(title or "")
    if not m:
        return title
    date = m.group(1).strip()
    if date == "undated":
        date = t(lang, "undated")
    elif not _PLAIN_DATE.match(date) and lang != "en":  # the table's own words
        date += f", {t(lang, 'in_language', language=t(lang, 'lang_en'))}"
    return t(lang, "network_source_title", date=date)


def _network_note(fact: TargetFact, lang: str) -> tuple[str | None, str | None]:
    """The note of a network target in the report language: our words, the network's hint marked as English.

    :func:`rvanalytics.network.network_targets` writes the note in English around the network's own
    description of the indicator; the indicator's name comes from the catalogue in ``lang``.
    """
    ours = (t(lang, "network_note", indicator=fact.indicator_name) if fact.indicator_name
            else t(lang, "network_note_plain"))
    note = fact.comparability_note or ""
    m = _NETWORK_NOTE.match(note)
    if note and not m:  # another wording: keep it, marked as the text's language
        return note, fact.text_language
    if m and m.group(1).strip():
        hint = m.group(1).strip()
        tag = "" if lang == "en" else f" ({t(lang, 'in_language', language=t(lang, 'lang_en'))})"
        ours += f" {t(lang, 'network_hint')}{tag}: {hint}."
    return ours, lang


def target_facts(data: CityData, lang: str) -> list[TargetFact]:
    """The city's targets (profile order, then network targets), tracked by :func:`rvanalytics.metrics.track_targets`."""
    from rvanalytics.metrics import target_trajectories, track_targets

    if data.targets is None or data.targets.empty:
        return []
    tracked = track_targets(data.targets, data.panel)
    paths = target_trajectories(tracked, data.panel)
    profile_rows = {r["target_id"]: r for r in data.targets.to_dict("records")}

    def names(ind: str) -> str:
        return indicator_name(data.catalogue, ind, lang)

    out = []
    for row in tracked.to_dict("records"):
        src = profile_rows.get(row["target_id"], {})
        # the profile's own words (baseline year as stated, source, quote) win over tracked values; a
        # network target is not the city's: tracked values first, its words from the FISU table's rows
        if row.get("origin") == "network":
            merged = {**_present(src), **_present(row)}
        else:
            merged = {**_present(row), **_present(src)}
        status = _text(row.get("status"))
        indicator = _text(row.get("indicator"))
        unit = unit_text(row.get("unit"), lang)
        fact = TargetFact(
            target_id=str(row["target_id"]),
            label=target_label(merged, lang),
            theme=_text(row.get("theme")),
            origin=_text(row.get("origin")) or "city",
            indicator=indicator,
            indicator_name=names(indicator) if indicator else None,
            unit=unit,
            status=status,
            status_words=status_text(status, lang),
            explanation=_explanation(row, status, unit, lang, names),
            basis=_basis(row, lang),
            release=_text(row.get("release")),
            preliminary=bool(row.get("latest_preliminary")) if _is_number(row.get("latest_preliminary")) else False,
            change_since_baseline_pct=_float(row.get("change_since_baseline_pct")),
            baseline_year=_int(row.get("baseline_year")),
            source_title=_text(merged.get("source_title")),
            source_url=_text(merged.get("source_url")),
            quote=_text(merged.get("source_quote")),
            quote_kind=_text(merged.get("source_quote_kind")),
            comparability_note=_text(merged.get("comparability_note")),
            text_language=_text(merged.get("text_language")),
            note_language=None,
            target_year=_int(row.get("target_year")),
            latest_year=_int(row.get("latest_year")),
        )
        if fact.origin == "network":
            fact.comparability_note, fact.note_language = _network_note(fact, lang)
            fact.source_title = _network_title(fact.source_title, lang)
        if indicator:
            rows = data.series(indicator, data.code)
            if len(rows):
                name = str(data.key_row.get(f"name{_name_col(lang)}") or data.code)
                fact.series = _series(rows, name)
                by, bv = _int(row.get("baseline_year")), _float(row.get("baseline_value"))
                ty, tl = _int(row.get("target_year")), _float(row.get("target_level"))
                fact.baseline_point = (by, bv) if by is not None and bv is not None else None
                fact.target_point = (ty, tl) if ty is not None and tl is not None else None
                path = paths.loc[paths["target_id"] == row["target_id"]].dropna(subset=["linear"])
                if len(path):
                    fact.path = Series(t(lang, "trajectory"), tuple(int(y) for y in path["year"]),
                                       tuple(float(v) for v in path["linear"]))
        out.append(fact)
    return out


def _region_country_value(data: CityData, indicator: str, level: str, code: str, year: int,
                          aggregates: pd.DataFrame | None) -> float | None:
    """The compared panel's region/country value, else the one re-derived from municipal sums (same indicator only)."""
    rows = data.series(indicator, code, level, frame="compared")
    values = rows.loc[rows["year"] == year, "value"]
    if len(values):
        return float(values.iloc[0])
    if aggregates is None:
        return None
    hit = aggregates[(aggregates["indicator"] == indicator) & (aggregates["level"] == level)
                     & (aggregates["code"] == code) & (aggregates["year"] == year)]
    return _float(hit["value"].iloc[0]) if len(hit) else None


def _aggregates(data: CityData, compared: pd.DataFrame, indicators: list[str],
                munis: pd.DataFrame) -> pd.DataFrame | None:
    from rvanalytics.metrics import aggregate_areas

    per_capita = {i: (str(data.catalogue.at[i, "numerator"]), float(data.catalogue.at[i, "scale"]))
                  for i in indicators
                  if i in data.catalogue.index and isinstance(data.catalogue.at[i, "numerator"], str)}
    if not per_capita:
        return None
    return aggregate_areas(compared, munis, ["population"], per_capita=per_capita)


def comparison_facts(data: CityData, peers: PeerMetrics, lang: str) -> list[ComparisonRow]:
    """Each per-capita indicator in its comparison year (``rank_year`` of ``rvanalytics metrics``)."""
    from rvanalytics.metrics import rank_peers

    rows = peers.city_rows
    if rows.empty:
        return []
    first: dict[str, int] = {}  # indicator -> position of its (first) row
    for pos, ind in enumerate(rows["indicator"]):
        first.setdefault(ind, pos)
    rates = [i for i in rows["indicator"] if is_rate(data.catalogue, i) and _is_number(
        rows["rank_year"].iloc[first[i]])]
    if not rates:
        return []
    munis = peers.municipalities
    compared = data.compared  # one release per comparison, as the ranks
    aggregates = _aggregates(data, compared, rates, munis)
    region = str(data.key_row.get("region_code"))
    size = munis.loc[munis["code"] == data.code, "size_class"]
    size = size.iloc[0] if len(size) and isinstance(size.iloc[0], str) else None
    years = {ind: int(rows["rank_year"].iloc[first[ind]]) for ind in rates}
    # every indicator in its own year, ranked in one call (each indicator is ranked on its own)
    ranked_all = rank_peers(compared, munis, rates, year=years)
    by_indicator = dict(tuple(ranked_all.groupby("indicator", sort=False)))
    out = []
    for ind in rates:
        r = rows.iloc[first[ind]]
        year = years[ind]
        ranked = by_indicator.get(ind, ranked_all.iloc[0:0])
        mine = ranked.loc[ranked["code"] == data.code, "value"]
        peers_values = ranked.loc[ranked["size_class"] == size, "value"].dropna() if size else pd.Series()
        n = _int(r.get("n_with_data")) if "n_with_data" in r.index else None
        out.append(ComparisonRow(
            indicator=ind,
            name=indicator_name(data.catalogue, ind, lang),
            year=year,
            city=float(mine.iloc[0]) if len(mine) else float("nan"),
            region=_region_country_value(data, ind, "region", region, year, aggregates),
            size_median=float(peers_values.median()) if len(peers_values) else None,
            country=_region_country_value(data, ind, "country", "SSS", year, aggregates),
            rank=_int(r["rank_all"]),
            n_with_data=n if n is not None else _int(r["n_all"]),
        ))
    return out


def freshness_facts(data: CityData, peers: PeerMetrics, lang: str) -> list[FreshnessRow]:
    """Per indicator of the city: first/latest year, number of years, latest value, trend, source."""
    from rvanalytics.catalogue import attribution

    rows = peers.city_rows
    p = data.city_panel
    mine = dict(tuple(p.loc[p["value"].notna()].groupby("indicator", sort=False)))
    first: dict[str, int] = {}  # indicator -> position of its (first) row of the city metrics
    for pos, ind in enumerate(rows["indicator"] if "indicator" in rows.columns else []):
        first.setdefault(ind, pos)
    out = []
    for ind in city_indicators(data):
        d = mine[ind]
        m = rows.iloc[first[ind]]
        trend = None
        if _is_number(m["trend_pct"]):
            trend = (float(m["trend_pct"]), float(m["trend_pct_low"]), float(m["trend_pct_high"]))
        sources = sorted(set(d["source"].astype(str)))
        out.append(FreshnessRow(
            indicator=ind,
            name=indicator_name(data.catalogue, ind, lang),
            first=int(d["year"].min()),
            latest=int(m["latest_year"]),
            n_years=int(d["year"].nunique()),
            value=float(m["latest_value"]),
            unit=unit_text(m["unit"], lang),
            trend=trend,
            source=attribution(sources, lang),
            source_ids=tuple(sources),
            preliminary=bool(m["latest_preliminary"]) if "latest_preliminary" in m.index else False,
        ))
    return out


def short_source_name(attribution_text: str) -> str:
    """The publisher part of an attribution: "Suomen ympäristökeskus Syke, ALas …, CC BY 4.0" -> "Suomen ympäristökeskus Syke".

    Examples
    --------
    >>> short_source_name("© Maanmittauslaitos, hallinnolliset aluejaot 1:4 500 000, CC BY 4.0")
    'Maanmittauslaitos'
    """
    return attribution_text.split(", ")[0].removeprefix("©").strip() or attribution_text


def source_refs(data: CityData, lang: str) -> list[SourceRef]:
    """The store's sources that the catalogue knows, numbered in the order of the sources table."""
    from rvanalytics.catalogue import attribution, sources
    from rvanalytics.report.story.texts import vintage_text

    known = sources()
    out: list[SourceRef] = []
    for s in data.manifest_sources:
        sid = s.get("id")
        if sid in known and all(r.id != sid for r in out):
            full = attribution([sid], lang)
            out.append(SourceRef(sid, len(out) + 1, short_source_name(full), full,
                                 vintage_text(s.get("vintage"), lang), s.get("licence") or ""))
    return out


def sector_facts(data: CityData, lang: str) -> SectorFacts | None:
    """Emissions by Hinku sector of the city (None when it has fewer than two sectors)."""
    p = data.city_panel
    rows = p.loc[p["indicator"].isin(SECTOR_INDICATORS)]
    if rows["indicator"].nunique() < 2:
        return None
    wide = rows.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")
    complete = wide.dropna(how="any")
    order = list(complete.iloc[-1].sort_values(ascending=False).index) if len(complete) else list(wide.columns)
    prefix = {"fi": "Päästöt, ", "sv": "Utsläpp, ", "en": "Emissions, "}.get(lang, "Emissions, ")
    labels = [indicator_name(data.catalogue, i, lang).removeprefix(prefix).removesuffix(" (Hinku)") for i in order]
    return SectorFacts(
        sectors=order,
        labels=[label[:1].upper() + label[1:] for label in labels],
        table=complete[order] if len(complete) else complete,
        dropped_years=sorted(int(y) for y in set(wide.index) - set(complete.index)),
        unit=unit_text(rows["unit"].iloc[0], lang),
        sources=tuple(sorted(set(rows["source"].astype(str)))),
    )


def theme_facts(data: CityData, lang: str, max_per_theme: int = 4,
                exclude: frozenset[str] | set[str] = frozenset()) -> list[ThemeFacts]:
    """The city's indicators by theme (Hinku sectors are in :func:`sector_facts`; ``exclude`` left out)."""
    cat = data.catalogue
    region = data.key_row.get("region_code")
    sfx = _name_col(lang)
    region_name = str(data.key_row.get(f"region_name{sfx}") or region)
    city_name = str(data.key_row.get(f"name{sfx}") or data.code)
    themes: dict[str, list[str]] = {}
    for ind in city_indicators(data):
        if ind not in SECTOR_INDICATORS and ind not in exclude:
            themes.setdefault(str(cat.at[ind, "theme"]) if ind in cat.index else "–", []).append(ind)
    out = []
    for theme, inds in themes.items():
        panels = []
        for ind in inds[:max_per_theme]:
            lines = [_series(data.series(ind, data.code), city_name)]
            if is_rate(cat, ind):  # a total of a region is not comparable with a city's; rates are
                for level, code, label in (("region", str(region), region_name),
                                           ("country", "SSS", t(lang, "country"))):
                    rows = data.series(ind, code, level)
                    if len(rows):
                        lines.append(_series(rows, label))
            unit = unit_text(cat.at[ind, "unit"], lang) if ind in cat.index else ""
            panels.append((ind, f"{indicator_name(cat, ind, lang)} ({unit})", lines))
        out.append(ThemeFacts(
            theme=theme,
            title=theme_label(theme, lang) if theme != "–" else "–",
            panels=panels,
            more=[indicator_name(cat, i, lang) for i in inds[max_per_theme:]],
        ))
    return out


def map_choice(data: CityData) -> tuple[str, int] | None:
    """The per-capita indicator of the city with the most municipalities in its latest year, and that year."""
    p = data.panel
    rates = [ind for ind in city_indicators(data) if is_rate(data.catalogue, ind)]
    if not rates:
        return None
    with_value = p.loc[(p["level"] == "municipality") & p["value"].notna() & p["indicator"].isin(rates)]
    counts = with_value.groupby(["indicator", "year"]).size()  # municipal rows with a value
    best: tuple[str, int, int] | None = None
    for ind in rates:
        year = int(data.series(ind, data.code)["year"].iloc[-1])
        n = int(counts.get((ind, year), 0))
        if best is None or n > best[2]:
            best = (ind, year, n)
    return (best[0], best[1]) if best else None


def summary_facts(targets: list[TargetFact], peers: PeerMetrics, city: CityFacts,
                  comparison: list[ComparisonRow], data: CityData, lang: str) -> SummaryFacts:
    """Targets assessed and their statuses, the latest key figures, the strongest trend, a rank."""
    counts: dict[str, int] = {}
    for fact in targets:
        if fact.status:
            counts[fact.status_words] = counts.get(fact.status_words, 0) + 1
    figures = []
    if city.population is not None and city.population_year is not None:
        figures.append((t(lang, "population"), city.population, t(lang, "inh"), city.population_year))
    rows = peers.city_rows
    headline = next((i for i in HEADLINE_INDICATORS if not rows.empty and i in set(rows["indicator"])), None)
    if headline is not None:
        r = rows.loc[rows["indicator"] == headline].iloc[0]
        figures.append((indicator_name(data.catalogue, headline, lang), float(r["latest_value"]),
                        unit_text(r["unit"], lang), int(r["latest_year"])))
    strongest = None
    if not rows.empty:
        sure = rows[(rows["indicator"] != "population") & ~rows["indicator"].isin(SECTOR_INDICATORS)
                    & rows["trend_pct"].notna()
                    & (np.sign(rows["trend_pct_low"]) == np.sign(rows["trend_pct_high"]))]
        if len(sure):
            r = sure.loc[sure["trend_pct"].abs().idxmax()]
            strongest = (indicator_name(data.catalogue, r["indicator"], lang), float(r["trend_pct"]),
                         int(r["trend_first_year"]), int(r["latest_year"]))
    rank = None
    for row in comparison:
        if row.indicator == headline and row.rank is not None and row.n_with_data:
            rank = (row.name, row.rank, row.n_with_data)
    return SummaryFacts(
        n_targets=len(targets),
        n_assessed=sum(1 for f in targets if f.status),
        n_network=sum(1 for f in targets if f.origin == "network"),
        has_profile=city.has_profile,
        status_counts=sorted(counts.items(), key=lambda kv: -kv[1]),
        figures=figures,
        strongest_trend=strongest,
        rank=rank,
    )


def report_date() -> str:
    """Today's date (ISO) for the subtitle."""
    return dt.date.today().isoformat()
