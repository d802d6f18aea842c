"""Report charts lay themselves out (no layout engine, no tight bounding box when saved):
every text of every figure must lie inside the image, on the recorded store and on
hand-made series with wide labels."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from rvanalytics.report import story as story_module
from rvanalytics.report.story import CityStory
from rvanalytics.report.story.charts import series_chart, theme_figure
from rvanalytics.report.story.facts import Series

SAVE_DPI = 110  # what CityStory.figure_html saves with


def _drawn_texts(fig) -> list[Text]:
    """The texts a draw of ``fig`` puts on the image: figure texts, and per visible axes its
    title, legend, annotations and, when its axis is on, the tick labels inside the view."""
    texts = list(fig.texts)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                texts.append(axis.label)
                for tick in axis._update_ticks():  # the ticks a draw draws
                    texts += [tick.label1, tick.label2]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _texts_outside(fig) -> list[str]:
    """Texts (with where they are) that reach outside the figure when drawn at the saving resolution."""
    fig.set_dpi(SAVE_DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    outside = []
    for text in _drawn_texts(fig):
        ext = text.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.x1 > box.x1 + 1 or ext.y0 < box.y0 - 1 or ext.y1 > box.y1 + 1:
            outside.append(f"{text.get_text()[:40]!r} at {tuple(round(float(v)) for v in ext.bounds)} "
                           f"(figure {tuple(round(float(v)) for v in box.bounds)})")
    return outside


def _story_figures(store: Path, code: str, lang: str, tmp_path: Path, monkeypatch) -> dict[str, object]:
    figures: dict[str, object] = {}

    def keep(self, name, alt, build, *, ahead):
        figures[name] = build()
        return ""

    monkeypatch.setattr(CityStory, "_figure", keep)
    monkeypatch.setattr(story_module, "_html", lambda markup: None)
    story = CityStory.load(code, store=str(store), lang=lang, out_dir=tmp_path)
    story.targets_section()
    story.theme_sections()
    story.indicators_section(after_themes=True)
    story.map_section()
    return figures


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("code", ["167", "091"])
def test_every_report_figure_keeps_its_texts_inside(store: Path, tmp_path: Path, monkeypatch,
                                                    code: str, lang: str) -> None:
    figures = _story_figures(store, code, lang, tmp_path, monkeypatch)
    assert {"sectors", "theme-heating-fuels"} <= set(figures)
    assert any(name.startswith("target-") for name in figures)
    assert any(name.startswith("map-") for name in figures)
    problems = {name: _texts_outside(fig) for name, fig in figures.items()}
    assert {name: p for name, p in problems.items() if p} == {}
    for fig in figures.values():
        plt.close(fig)


def test_wide_tick_labels_and_long_titles_fit() -> None:
    big = Series("Iso kaupunki", (2000, 2001, 2002), (12_345_678.0, 23_456_789.0, 34_567_890.0), ("statfin_pxweb_11re",))
    small = Series("Pieni", (2000, 2001, 2002), (0.012, 0.015, 0.011), ("statfin_pxweb_11re",))
    title = "Hyvin pitkä indikaattorin nimi, joka rivitetään kahdelle tai kolmelle riville (yksikköä)"
    fig, _ = series_chart(title, [big], "fi")
    assert _texts_outside(fig) == []
    fig = theme_figure([("a", title, [big]), ("b", title, [small]), ("c", "Lyhyt", [small])], "sv")
    assert _texts_outside(fig) == []
    left, bottom = fig.axes[0].get_position().x0, fig.axes[2].get_position().y0
    assert 0 < left < 0.2 and 0 < bottom < 0.2  # room was made, not the whole figure


def test_texts_outside_catches_a_clipped_label() -> None:
    """The check above can fail: a label pushed off the image is found."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_ylabel("cut off")
    fig.subplots_adjust(left=0.0)
    assert any("cut off" in p for p in _texts_outside(fig))
