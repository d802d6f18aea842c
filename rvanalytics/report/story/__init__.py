"""The sections of one city's report, for ``notebooks/city_report.ipynb``: a thin facade.

The notebook builds a :class:`CityStory` and calls one method per section. Each method
takes its record from :mod:`~.facts`, renders it with :mod:`~.html` and
:mod:`~.charts`, displays the result and notes what the gallery needs in
:attr:`CityStory.metrics` (written to ``metrics.json`` by :meth:`CityStory.write_metrics`).

Modules: :mod:`~.inputs` (the only reading), :mod:`~.facts` (pure, through
:mod:`rvanalytics.metrics`), :mod:`~.html` (escaped markup), :mod:`~.charts`
(``ax=None`` → ``(fig, ax)``), :mod:`~.texts` (fi, sv, en). A data gap (no profile, no
values for the city) is said in the report; a bug fails it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rvanalytics.atomic import atomic_write_bytes, atomic_write_text
from rvanalytics.report.story import facts as F
from rvanalytics.report.story import html as H
from rvanalytics.report.story import theme_facts as TF
from rvanalytics.report.story.ahead import FigureWorker, can_fork, render_png
from rvanalytics.report.story.charts import contiguous_runs, gap_broken
from rvanalytics.report.story.inputs import CityData, load_city_data
from rvanalytics.report.story.texts import LANGUAGES, fmt, t

__all__ = ["CityStory", "contiguous_runs", "gap_broken"]

#: Indicators per theme in :meth:`CityStory.indicators_section` as the notebook calls it.
AHEAD_MAX_PER_THEME = 4


def _display(obj: object) -> None:
    from IPython.display import display

    display(obj)


def _html(markup: str) -> None:
    from IPython.display import HTML

    _display(HTML(markup))


@dataclass
class CityStory:
    """One city's report: its inputs, its language and where its figures go.

    Build it with :meth:`load`, then call the section methods in order.
    """

    data: CityData
    lang: str
    out_dir: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    _ahead: FigureWorker | None = field(default=None, repr=False)

    @classmethod
    def load(cls, city_code: str, *, store: str | None = None, lang: str = "fi",
             out_dir: str | Path = ".", draw_ahead: bool = False) -> CityStory:
        """Read the inputs of ``city_code`` (:func:`~.inputs.load_city_data`).

        With ``draw_ahead`` (the report notebook sets it), the figures of
        :meth:`indicators_section` and :meth:`map_section` are drawn in a forked process
        (:mod:`~.ahead`, Linux only) while the sections before them run.
        """
        from rvanalytics.report.naming import check_city_code

        code = check_city_code(city_code)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        story = cls(load_city_data(code, store=store), lang if lang in LANGUAGES else "en", out)
        if draw_ahead and can_fork():
            story._ahead = FigureWorker(out / "figures", story._ahead_jobs()).start()
        return story

    # --- computed once ------------------------------------------------------------------

    @cached_property
    def peers(self) -> F.PeerMetrics:
        return F.peer_metrics(self.data)

    @cached_property
    def city(self) -> F.CityFacts:
        return F.city_facts(self.data, self.peers, self.lang)

    @cached_property
    def targets(self) -> list[F.TargetFact]:
        return F.target_facts(self.data, self.lang)

    @cached_property
    def comparison(self) -> list[F.ComparisonRow]:
        return F.comparison_facts(self.data, self.peers, self.lang)

    @cached_property
    def indicator_themes(self) -> list[F.ThemeFacts]:
        """The themes of :meth:`indicators_section` as the notebook calls it (after the theme sections)."""
        return F.theme_facts(self.data, self.lang, AHEAD_MAX_PER_THEME, exclude=TF.THEME_SECTION_INDICATORS)

    @cached_property
    def map_choice(self) -> tuple[str, int] | None:
        return F.map_choice(self.data)

    def t(self, key: str, **fields: object) -> str:
        """Report text ``key`` in the report language."""
        return t(self.lang, key, **fields)

    # --- figures ------------------------------------------------------------------------

    def figure_html(self, fig: Any, name: str, alt: str = "") -> str:
        """Render ``fig`` once to PNG, write ``figures/<name>.png``, close it; markup of the same bytes.

        The page embeds the image (one self-contained file) and links it to the PNG beside
        the report, so a tap on a phone opens the figure at full size. Callers display it in
        one block with its heading, so print keeps them together.
        """
        return self._figure(name, alt, lambda: fig, ahead=False)

    @staticmethod
    def _figure_file(name: str) -> str:
        """File name (without ``.png``) of figure ``name`` in ``figures/``."""
        from rvanalytics.report.naming import slugify

        return slugify(name, fallback="figure")

    def _figure(self, name: str, alt: str, build: Callable[[], Any], *, ahead: bool) -> str:
        """Markup of figure ``name``: drawn ahead (when ``ahead`` and it was) or by ``build`` now."""
        slug = self._figure_file(name)
        path = self.out_dir / "figures" / f"{slug}.png"
        png = self._ahead.png(slug) if ahead and self._ahead is not None else None
        if png is None:
            png = render_png(build())
            atomic_write_bytes(path, png)
        rel = path.relative_to(self.out_dir).as_posix()
        self.figures.append(rel)
        data = base64.b64encode(png).decode("ascii")
        return (f'<figure class="chart"><a href="{H.esc(rel)}" target="_blank">'
                f'<img src="data:image/png;base64,{data}" alt="{H.esc(alt)}"></a></figure>')

    def _theme_figure(self, theme: F.ThemeFacts) -> tuple[str, Callable[[], Any]]:
        """Name and builder of a theme's figure in :meth:`indicators_section`."""
        from rvanalytics.report.story.charts import theme_figure

        return f"theme-{theme.theme}", partial(theme_figure, theme.panels, self.lang)

    def _map_job(self) -> tuple[str, Callable[[], Any]] | None:
        """Name and builder of :meth:`map_section`'s figure (None: no indicator to map)."""
        if self.map_choice is None:
            return None
        ind, year = self.map_choice
        return f"map-{ind}", partial(self._map_figure, ind, year)

    def _ahead_jobs(self) -> dict[str, Callable[[], Any]]:
        """The figures drawn ahead, by file name: the indicator themes and the map."""
        named = [self._theme_figure(theme) for theme in self.indicator_themes]
        if (map_job := self._map_job()) is not None:
            named.append(map_job)
        return {self._figure_file(name): build for name, build in named}

    # --- sections -----------------------------------------------------------------------

    def header(self) -> None:
        """Title and the line under it."""
        _html(H.header(self.city, F.report_date(), self.lang))
        self.metrics.update({
            "city_code": self.data.code, "name": self.city.name, "lang": self.lang,
            "region_code": self.city.region_code, "region_name": self.city.region_name,
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        })

    def summary(self) -> None:
        """How the city stands, in a few lines: targets and statuses, key figures, strongest trend."""
        facts = F.summary_facts(self.targets, self.peers, self.city, self.comparison, self.data, self.lang)
        notice = "" if self.city.has_profile else H.public_facts_notice(self.city, self.lang)
        _html(notice + H.summary(facts, self.lang))
        self.metrics["summary"] = asdict(facts)
        self.metrics["profile"] = "profile" if self.city.has_profile else "public facts only"
        if self.data.membership:
            self.metrics["fisu"] = dict(self.data.membership)

    def who(self) -> None:
        """Population, region, size class, municipality group, and the published people."""
        c = self.city
        _html(H.who_table(c, self.lang) + H.people(c, self.lang))
        self.metrics["size_class"] = c.size_class
        if c.population is not None:
            self.metrics["population"] = c.population
            self.metrics["population_year"] = c.population_year
            # with its year: the gallery puts cities side by side whose latest years differ
            self.metrics["population_text"] = f"{fmt(c.population, self.lang, 0)} {self.t('inh')} ({c.population_year})"

    def targets_section(self) -> None:
        """Each target as a card with its chart; the network's common targets in their own block."""
        self.metrics["targets"] = [
            {"target_id": f.target_id, "label": f.label, "theme": f.theme, "indicator": f.indicator,
             "origin": f.origin, "target_year": f.target_year,
             "status": (f.status or "not_assessable").replace(" ", "_"), "status_text": f.status_words,
             "basis": f.basis, "explanation": f.explanation}
            for f in self.targets
        ]
        unknown = self.t("unknown_because", reason=self.t("no_profile", code=self.data.code))
        if not self.targets:
            _html(H.empty_section(self.t("targets"), unknown if self.data.profile is None else self.t("no_targets")))
            return
        lead = H.heading(self.t("targets"))  # shown with the first card: a heading never ends a page
        own = [f for f in self.targets if f.origin != "network"]
        network = [f for f in self.targets if f.origin == "network"]
        if self.data.profile is None:  # the network's targets are known, the city's own are not
            lead += H.empty_section(self.t("city_targets"), unknown)
        for block, title in ((own, "city_targets"), (network, "network_targets")):
            if network and block:  # two blocks: say which is which
                lead += H.heading(self.t(title), 3) + (H.network_source(block, self.lang) if block is network else "")
            for fact in block:
                _html(H.keep(lead + self._target(fact)) if lead else self._target(fact))
                lead = ""

    def _target(self, fact: F.TargetFact) -> str:
        from rvanalytics.report.story.charts import target_chart

        figure = ""
        if fact.series is not None:
            fig, _ = target_chart(fact, self.lang)
            figure = self.figure_html(fig, f"target-{fact.target_id}", fact.label)
        return H.target_card(fact, self.lang, figure)

    def theme_sections(self) -> None:
        """Energy and buildings, urban structure, emissions by sector: the city beside its region and the country.

        Each with its source and year; a section whose city has no values is one line.
        """
        from rvanalytics.report.story.charts import fuel_mix_chart, sectors_chart
        from rvanalytics.report.story.texts import vintage_text

        refs = {r.id: r for r in F.source_refs(self.data, self.lang)}
        vintages = {str(s.get("id")): vintage_text(s.get("vintage"), self.lang) for s in self.data.manifest_sources}
        city, region = self.city.name, self.city.region_name
        lead = H.heading(self.t("themes"))  # shown with the first section
        none = self.t("no_city_data")

        energy = TF.energy_buildings_facts(self.data, self.lang)
        if not energy.has_city_data:
            _html(lead + H.empty_section(self.t("theme_energy"), none))
        else:
            block = H.heading(self.t("theme_energy"), 3)
            if energy.mix is not None:
                fig, _ = fuel_mix_chart(energy.mix, self.lang)
                block += self.figure_html(fig, "theme-heating-fuels", self.t("fuel_mix_title", year=energy.mix.year))
            notes = H.missing(self.t("fuel_note", year=energy.mix.year)) if energy.mix is not None else ""
            dh = [r for r in energy.rows if r.indicator.startswith("district_heat") and r.year is not None]
            if dh:
                notes += H.missing(self.t("dh_note", year=dh[0].year, vintage=vintages.get(dh[0].sources[0], "")))
            _html(H.keep(lead + block) + H.area_table(energy.rows, city, region, self.lang, refs) + notes)
        lead = ""

        urban = TF.urban_structure_facts(self.data, self.lang)
        if not urban.has_city_data:
            _html(H.empty_section(self.t("theme_urban"), none))
        else:
            srcs = sorted({s for r in urban.rows for s in r.sources})
            _html(H.keep(H.heading(self.t("theme_urban"), 3)
                         + H.area_table(urban.rows, city, region, self.lang, refs))
                  + H.missing(self.t("snapshot_note", vintage="; ".join(vintages.get(s, s) for s in srcs))))

        sectors = F.sector_facts(self.data, self.lang)
        shares = TF.hinku_share_facts(self.data, self.lang)
        if (sectors is None or sectors.table.empty) and not shares.has_city_data:
            _html(H.empty_section(self.t("theme_emissions"), none))
        else:
            block = H.heading(self.t("theme_emissions"), 3)
            if sectors is not None and not sectors.table.empty:
                fig, _ = sectors_chart(sectors, self.t("sectors"), self.lang)
                block += self.figure_html(fig, "sectors", self.t("sectors"))
                if sectors.dropped_years:
                    block += H.missing(self.t("years_left_out", years=", ".join(map(str, sectors.dropped_years))))
            table = ""
            if shares.has_city_data:
                release = shares.release or self.t("release_unnamed")
                table = (H.heading(self.t("hinku_shares"), 4) + H.area_table(shares.rows, city, region, self.lang, refs)
                         + H.missing(self.t("hinku_shares_note", release=release, year=shares.year)))
            _html(H.keep(block) + table)
        self.metrics["themes"] = {
            "energy_buildings": {r.indicator: asdict(r) for r in energy.rows} | (
                {"heating_fuel_mix": asdict(energy.mix)} if energy.mix is not None else {}),
            "urban_structure": {r.indicator: asdict(r) for r in urban.rows},
            "hinku_shares": {r.indicator: asdict(r) for r in shares.rows},
        }

    def indicators_section(self, max_per_theme: int = 4, *, after_themes: bool = False) -> None:
        """Emissions by sector, then the city's series by theme (rates with region and country).

        With ``after_themes`` (the notebook calls :meth:`theme_sections` first) the sector chart and
        the indicators of the theme sections are left out here.
        """
        from rvanalytics.report.story.charts import sectors_chart

        exclude = TF.THEME_SECTION_INDICATORS if after_themes else frozenset()
        as_drawn_ahead = after_themes and max_per_theme == AHEAD_MAX_PER_THEME
        themes = (self.indicator_themes if as_drawn_ahead
                  else F.theme_facts(self.data, self.lang, max_per_theme, exclude=exclude))
        sectors = None if after_themes else F.sector_facts(self.data, self.lang)
        if not themes and sectors is None:
            _html(H.empty_section(self.t("indicators"), self.t("no_panel")))
            return
        lead = H.heading(self.t("indicators"))  # shown with the first block
        if sectors is not None:
            if sectors.table.empty:
                _html(lead + H.empty_section(self.t("sectors"), self.t("no_data")))
            else:
                fig, _ = sectors_chart(sectors, self.t("sectors"), self.lang)
                dropped = ", ".join(map(str, sectors.dropped_years))
                _html(H.keep(lead + H.heading(self.t("sectors"), 3) + self.figure_html(fig, "sectors", self.t("sectors")))
                      + (H.missing(self.t("years_left_out", years=dropped)) if dropped else ""))
            lead = ""
        for theme in themes:
            name, build = self._theme_figure(theme)
            figure = self._figure(name, theme.title, build, ahead=as_drawn_ahead)
            more = H.missing(self.t("more_in_table", names=", ".join(theme.more))) if theme.more else ""
            _html(H.keep(lead + H.heading(theme.title, 3) + figure) + more)
            lead = ""
        self.metrics["indicators"] = {
            ind: {"year": lines[0].years[-1], "value": lines[0].values[-1]}
            for theme in themes for ind, _, lines in theme.panels
        }

    def compare_section(self) -> None:
        """Per-capita indicators beside the region, the size class and the country, with the rank."""
        rows = self.comparison
        if not rows:
            _html(H.empty_section(self.t("compare"), self.t("no_panel")))
            return
        _html(H.heading(self.t("compare"))
              + H.comparison_table(rows, self.city.name, self.city.region_name, self.city.size_class, self.lang))
        self.metrics["comparison"] = {r.indicator: asdict(r) for r in rows}

    def map_section(self) -> None:
        """The city on a map of the per-capita indicator with the widest coverage."""
        job = self._map_job()
        if job is None:
            _html(H.empty_section(self.t("map"), self.t("no_rate_for_map")))
            return
        name, build = job
        alt = F.indicator_name(self.data.catalogue, self.map_choice[0], self.lang)
        _html(H.keep(H.heading(self.t("map")) + self._figure(name, alt, build, ahead=True)))

    def _map_figure(self, ind: str, year: int) -> Any:
        """Choropleth of ``ind`` in ``year`` over the municipalities, the city labelled."""
        from rvanalytics.catalogue import sources
        from rvanalytics.indicators import unit_text
        from rvanalytics.maps import choropleth

        munis = self.data.municipalities
        p = self.data.panel
        d = p.loc[(p["indicator"] == ind) & (p["level"] == "municipality") & (p["year"] == year)]
        values = d.set_index("code")["value"]
        lower_is_better = self.data.catalogue.at[ind, "direction"] == "lower_is_better"
        fig, _ = choropleth(
            munis, values[values.index.isin(set(munis["code"]))],
            title=F.indicator_name(self.data.catalogue, ind, self.lang),
            unit=unit_text(self.data.catalogue.at[ind, "unit"], self.lang), year=year, lang=self.lang,
            regions=self.data.regions, label_codes=[self.data.code], size="slide",
            cmap="YlOrRd" if lower_is_better else None,  # the workshop maps' palette
            sources=sorted(set(d["source"].astype(str)) & set(sources())),
        )
        return fig

    def key_sections(self) -> None:
        """Key measure, key problem and responsible unit, or what the profile says about their absence.

        Text the city highlights in its public documents is labelled so, with its source and date.
        """
        from rvanalytics.cities import key_sections

        if self.data.profile is None:
            reason = self.t("no_profile", code=self.data.code)
            _html(H.empty_section(self.t("key"), self.t("unknown_because", reason=reason)))
            for which in ("key_measure", "key_problem", "responsible_unit"):
                self.metrics[which] = {"known": False, "unknown_reason": reason}
            return
        sections = key_sections(self.data.profile)
        self.metrics.update(sections)
        _html(H.heading(self.t("key"))
              + H.key_section(sections, getattr(self.data.profile, "text_language", None), self.lang))

    def data_freshness(self) -> None:
        """Per indicator: first and latest year, latest value, trend and source."""
        rows = F.freshness_facts(self.data, self.peers, self.lang)
        self.metrics["data_years"] = {r.indicator: [r.first, r.latest] for r in rows}
        if not rows:
            _html(H.empty_section(self.t("data"), self.t("no_panel")))
            return
        refs = {r.id: r for r in F.source_refs(self.data, self.lang)}
        _html(H.heading(self.t("data")) + H.freshness_table(rows, self.lang, refs))

    def sources(self) -> None:
        """The store's sources (catalogue attribution, vintage, licence), the attribution and the method."""
        from rvanalytics.catalogue import attribution, sources

        panel_sources = sorted({str(s) for s in self.data.panel["source"].dropna().unique()} & set(sources()))
        _html(H.heading(self.t("sources")) + H.sources_section(
            F.source_refs(self.data, self.lang), attribution(panel_sources, self.lang),
            self.data.division_year, self.lang))

    def write_metrics(self) -> Path:
        """Write ``metrics.json`` (what the gallery and the measures page read) into the report folder."""
        if self._ahead is not None:
            self._ahead.wait()  # reap the child even if no section asked for its figures
        self.metrics["figures"] = list(self.figures)
        # the gallery's card says "no profile" from here
        self.metrics["unavailable"] = (
            {"profile": self.t("no_profile", code=self.data.code)} if self.data.profile is None else {})
        path = self.out_dir / "metrics.json"
        atomic_write_text(path, json.dumps(self.metrics, indent=2, ensure_ascii=False, default=str))
        return path
