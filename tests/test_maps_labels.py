"""City labels sit by their own city on every layout (issue 13, item 6).

On the 16:9 slide "Lappeenranta" used to sit right under Tampere's dot (and "Lahti"
ran up to Lappeenranta's): the greedy placement only avoided overlaps. Here every
label of a cohort city is checked in data coordinates: its annotation (the end of the
leader line) is the city's own anchor, and the label's box is nearer that anchor than
any other labelled city's.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from shapely.geometry import Point, box

from rvanalytics.maps import choropleth, coverage_map, small_multiples
from rvanalytics.maps._common import names
from rvanalytics.maps.layout import label_points, place_labels

DIVISION = 2026
INDICATOR = "road_transport_ghg_per_capita_t"


@pytest.fixture(scope="module")
def world(store):
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.cities import load_cities
    from rvanalytics.cohort import population_from_panel
    from rvanalytics.store import load_panel

    munis = load_municipalities(DIVISION, simplified=True, store=store)
    regions = load_regions(DIVISION, simplified=True, store=store)
    panel = load_panel(store, level=None)
    cohort = [str(c) for c in load_cities(store=store).cities["code"]]
    pop, pop_year = population_from_panel(panel[panel["level"] == "municipality"], munis["code"],
                                          division_year=DIVISION)
    rows = panel[(panel["indicator"] == INDICATOR) & (panel["level"] == "municipality")]
    return {"munis": munis, "regions": regions, "cohort": cohort, "pop": pop, "pop_year": pop_year, "rows": rows}


def ownership_problems(ax, anchors: dict[str, tuple[float, float]]) -> tuple[int, list[str]]:
    """Check every labelled city's label on ``ax`` (and its inset); returns (labels checked, problems).

    ``anchors``: label text -> the city's own anchor point (data coordinates).
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    checked, problems = 0, []
    for axes in (ax, *ax.child_axes):
        inverse = axes.transData.inverted()
        for t in axes.texts:
            name = t.get_text()
            if name not in anchors or not hasattr(t, "xyann"):
                continue
            own = anchors[name]
            if not np.allclose(t.xy, own):
                problems.append(f"{name}: its leader line ends at {t.xy}, not at its own point {own}")
            bb = matplotlib.text.Text.get_window_extent(t, renderer)  # the text, without its leader line
            (x0, y0), (x1, y1) = inverse.transform([[bb.x0, bb.y0], [bb.x1, bb.y1]])
            shape = box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            d_own = shape.distance(Point(own))
            nearest = min(((shape.distance(Point(p)), other) for other, p in anchors.items() if other != name),
                          default=(np.inf, None))
            if not d_own < nearest[0]:
                problems.append(f"{name}: label {d_own / 1000:.1f} km from its own point but "
                                f"{nearest[0] / 1000:.1f} km from {nearest[1]}'s")
            checked += 1
    return checked, problems


def cohort_anchors(world, lang: str) -> dict[str, tuple[float, float]]:
    g = world["munis"]
    part = g.set_index("code").loc[world["cohort"]]
    nm = names(g, lang)
    return {nm[c]: xy for c, xy in zip(world["cohort"], label_points(part.geometry), strict=True)}


LAYOUTS = [(layout, size) for layout in ("coverage", "indicator") for size in ("slide", "a4")] + [
    ("small_multiples", "a4"),
    # Four panels side by side on a slide leave Lappeenranta's label no spot: the panel's edge is east of
    # it and Lahti lies at the same latitude west of it. Known, left open (see the report of issue 13).
    ("small_multiples", "slide"),  # crowded panels: a label may be set smaller rather than read as a neighbour's
]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(("layout", "size"), LAYOUTS)
def test_cohort_labels_sit_by_their_own_city(world, layout, size, lang):
    anchors = cohort_anchors(world, lang)
    rows = world["rows"]
    if layout == "coverage":
        fig, ax = coverage_map(world["munis"], world["regions"], world["cohort"], world["pop"], lang=lang,
                               size=size, year=world["pop_year"])
    elif layout == "indicator":
        latest = rows[rows["year"] == rows["year"].max()]
        fig, ax = choropleth(world["munis"], latest[["code", "value"]], title="T", unit="t", year=2018, lang=lang,
                             size=size, regions=world["regions"], label_codes=world["cohort"])
    else:
        data = rows[rows["year"].isin([2005, 2010, 2014, 2018])][["code", "year", "value"]]
        fig, axes = small_multiples(world["munis"], data, title="T", unit="t", lang=lang, size=size,
                                    label_codes=world["cohort"])
        ax = axes[0]
    checked, problems = ownership_problems(ax, anchors)
    assert not problems, problems
    # every cohort city is named: on the map, or in the Helsinki-region inset
    assert checked == len(world["cohort"]), (checked, len(world["cohort"]))


def test_a_label_is_not_put_against_another_citys_dot():
    """Hand-made: the first spot (right of the dot) ends just short of the neighbour's dot; it must not be used."""
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.set_xlim(0, 600)
    ax.set_ylim(0, 400)
    ax.set_position((0, 0, 1, 1))
    renderer = fig.canvas.get_renderer()
    probe = ax.text(0, 0, "Lahti", fontsize=12, fontweight="bold")
    width = probe.get_window_extent(renderer).width
    probe.remove()
    # 1 data unit = 1 pixel; the neighbour sits 6 px beyond the end of "Lahti" placed right of its dot
    own = (200.0, 200.0)
    other = (200.0 + 7 * 100 / 72 + 1.06 * width + 6, 200.0)
    arts = place_labels(ax, [(*own, "Lahti"), (*other, "Lappeenranta")], fontsize=12)
    checked, problems = ownership_problems(ax, {"Lahti": own, "Lappeenranta": other})
    assert checked == 2 and not problems, problems
    assert arts[0].xyann[0] <= 0, "the label of Lahti was put towards its neighbour"
