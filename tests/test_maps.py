"""Tests of the workshop maps: layout, classes, languages, export, image comparison, CLI.

Baseline images in tests/baseline_images were rendered by this package at 40 dpi.
After an intended change of the maps, look at the new images and refresh them with
``RVANALYTICS_UPDATE_BASELINES=1 pytest tests/test_maps.py``.
"""

from __future__ import annotations

import os
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

from rvanalytics.cohort import TEN_CITY_COHORT
from rvanalytics.exceptions import RvanalyticsError
from rvanalytics.maps import (
    SIZES,
    choropleth,
    classify,
    coverage_map,
    coverage_stats,
    save_map,
    small_multiples,
)
from rvanalytics.catalogue import get_source
from rvanalytics.maps.i18n import format_number, text
from rvanalytics.maps.layout import attribution_text, boundary_sources
from rvanalytics.maps.interactive import explore_map

BASELINES = Path(__file__).parent / "baseline_images"
POP_FILE = ("statfi-municipality-key-geofi", "sotkadata_population_2000_2022.csv")


@pytest.fixture(scope="module")
def maps_store(tmp_path_factory: pytest.TempPathFactory, recorded_dir: Path) -> Path:
    """A store with the real boundaries and key; the panel holds the recorded Sotkanet population only."""
    from rvanalytics.store import build_store

    def panel_builder(*, division_year, offline, progress, extra_tables, keys):
        raw = pd.read_csv(recorded_dir.joinpath(*POP_FILE))
        panel = pd.DataFrame({
            "level": "municipality", "code": raw["municipality_code"].astype(int).astype(str).str.zfill(3),
            "year": raw["year"].astype(int), "indicator": "population", "value": raw["primary.value"].astype(float),
            "unit": "persons", "source": "thl_sotkanet", "status": "", "division_year": division_year})
        flags = pd.DataFrame({"file": pd.Series(dtype=str), "row": pd.Series(dtype=int), "reason": pd.Series(dtype=str)})
        return types.SimpleNamespace(panel=panel, flags=flags, sources=[])

    path = tmp_path_factory.mktemp("maps_store") / "store"
    build_store(path, offline=True, progress=False, division_year=2023, panel_builder=panel_builder)
    return path


@pytest.fixture(scope="module")
def munis(maps_store: Path):
    from rvanalytics.boundaries import load_municipalities

    return load_municipalities(2023, simplified=True, store=maps_store)


@pytest.fixture(scope="module")
def regions(maps_store: Path):
    from rvanalytics.boundaries import load_regions

    return load_regions(2023, simplified=True, store=maps_store)


@pytest.fixture(scope="module")
def population(recorded_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(recorded_dir.joinpath(*POP_FILE))
    return pd.DataFrame({"code": raw["municipality_code"].astype(int).astype(str).str.zfill(3),
                         "year": raw["year"].astype(int), "value": raw["primary.value"].astype(float)})


def pop_of(population: pd.DataFrame, year: int) -> pd.Series:
    part = population[population["year"] == year]
    return pd.Series(part["value"].to_numpy(), index=part["code"].to_numpy())


def figure_texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(loc="left")]
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()] + [leg.get_title().get_text()]
        for child in ax.child_axes:
            out += [t.get_text() for t in child.texts]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()] + [leg.get_title().get_text()]
    return out


def legend_texts(fig) -> list[str]:
    legs = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for leg in legs for t in leg.get_texts()]


def check_image(fig, name: str, tol: float = 3.0) -> None:
    """Compare ``fig`` (rendered at 40 dpi) with tests/baseline_images/<name>.png."""
    import tempfile

    baseline = BASELINES / f"{name}.png"
    if os.environ.get("RVANALYTICS_UPDATE_BASELINES"):
        BASELINES.mkdir(exist_ok=True)
        fig.savefig(baseline, dpi=40, facecolor="white")
    assert baseline.exists(), f"{baseline} is missing; create it with RVANALYTICS_UPDATE_BASELINES=1"
    out = Path(tempfile.mkdtemp()) / f"{name}.png"
    fig.savefig(out, dpi=40, facecolor="white")
    result = compare_images(str(baseline), str(out), tol=tol)
    assert result is None, result


# ---------------------------------------------------------------- coverage


def test_coverage_stats_hand_case():
    m = pd.DataFrame({"code": ["001", "002", "003", "004"], "region_code": ["01", "01", "02", "03"]})
    s = coverage_stats(m, ["002", "004"], {"001": 10, "002": 20, "003": 30, "004": 40})
    assert s["regions_covered"] == 2 and s["n_regions"] == 3
    assert s["share_cities"] == pytest.approx(60 / 100)
    assert s["share_regions"] == pytest.approx(70 / 100)
    with pytest.raises(RvanalyticsError, match="population is missing"):
        coverage_stats(m, ["001"], {"001": 1})
    with pytest.raises(RvanalyticsError, match="not municipalities"):
        coverage_stats(m, ["999"], {"001": 1, "002": 1, "003": 1, "004": 1})


def test_coverage_map_ten_cities(munis, regions, population, maps_store):
    from rvanalytics.key import load_key

    pop = pop_of(population, 2022)
    fig, ax = coverage_map(munis, regions, TEN_CITY_COHORT, pop, lang="fi", size="slide", year=2022)
    texts = figure_texts(fig)
    key = load_key(2023, store=maps_store)
    covered = key.loc[key["code"].isin(TEN_CITY_COHORT), "region_code"].nunique()
    assert covered == 9
    assert f"Maakuntia mukana: {covered}/19" in texts
    share = pop[list(TEN_CITY_COHORT)].sum() / pop.sum()
    assert any(f"{format_number(100 * share, 'fi', 1)}" in t for t in texts)
    assert any("CC BY 4.0" in t and "2022" in t for t in texts)
    assert "Ahvenanmaa" in texts
    assert len(ax.child_axes) == 1  # Helsinki-region inset
    inset_texts = [t.get_text() for t in ax.child_axes[0].texts]
    assert "Helsinki" in inset_texts and "Espoo" in inset_texts
    _assert_labels_readable(fig, ax)


def _assert_labels_readable(fig, ax) -> None:
    """City labels do not overlap each other and stay inside the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    for axes in [ax, *ax.child_axes]:
        boxes = [Text.get_window_extent(a, renderer) for a in axes.texts  # the text without its leader line
                 if a.get_fontweight() in ("bold", 700) and hasattr(a, "xyann")]
        for i, a in enumerate(boxes):
            assert a.x0 >= fig_box.x0 and a.x1 <= fig_box.x1 and a.y0 >= fig_box.y0 and a.y1 <= fig_box.y1
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), "labels overlap"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_coverage_map_languages(munis, regions, population, lang):
    fig, _ = coverage_map(munis, regions, TEN_CITY_COHORT, pop_of(population, 2022), lang=lang, size="a4", year=2022)
    texts = " ".join(figure_texts(fig))
    assert text("coverage_title", lang) in texts
    # the sources' attributions from rvanalytics/data/sources.yaml, in the map language
    assert attribution_text(2022, lang, ["nls_kuntajako_4500k"]) in texts.replace("\n", " ")
    assert get_source("nls_kuntajako_4500k").attribution[lang] in texts.replace("\n", " ")
    if lang == "sv":
        assert "Helsingfors" in texts and "Åbo" in texts and "Åland" in texts
    else:
        assert "Helsinki" in texts and "Regions covered: 9/19" in texts


def test_coverage_map_region_labels_fit_inside(munis, regions, population):
    _, ax = coverage_map(munis, regions, TEN_CITY_COHORT, pop_of(population, 2022), year=2022, label_regions=True,
                           lang="fi")
    italic = [_one_line(t.get_text()) for t in ax.texts
              if t.get_fontstyle() == "italic" and t.get_text() != "Ahvenanmaa"]
    assert "Lappi" in italic  # the largest region always has room for its name
    assert set(italic) <= set(regions["region_name_fi"])


def _one_line(label: str) -> str:
    return label.replace("-\n", "-").replace("\n", " ")


@pytest.mark.parametrize(("lang", "size"), [("fi", "slide"), ("sv", "slide"), ("en", "a4")])
def test_region_choropleth_names_every_region(regions, lang, size):
    """Every region is named once, in (or, where it fits nowhere, just beside) itself; no two names overlap."""
    from shapely.geometry import Point

    from rvanalytics.maps.layout import short_name

    values = {c: float(i) for i, c in enumerate(sorted(regions["region_code"]))}
    fig, ax = choropleth(regions, values, lang=lang, size=size, year=2022, title="Test")
    col = f"region_name_{lang}"
    mainland = regions[regions["region_code"] != "21"]
    names_ = [t for t in ax.texts if t.get_fontstyle() == "normal" and t.get_text() not in ("P", "N")
              and "km" not in t.get_text() and t.get_text() != "0"]
    shown = {_one_line(t.get_text()): t for t in names_}
    expected = {n: n for n in mainland[col]} | {short_name(n): n for n in mainland[col]}
    assert {expected[n] for n in shown} == set(mainland[col])  # all 18 mainland regions, Åland labelled apart
    assert len(shown) == len(mainland)
    assert ("Ahvenanmaa" if lang == "fi" else "Åland") in [t.get_text() for t in ax.texts]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in names_]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "region names overlap"
    geom = dict(zip(mainland[col], mainland.geometry, strict=True))
    for label, t in shown.items():
        assert geom[expected[label]].buffer(30_000).contains(Point(t.get_position())), label  # inside or just beside
        assert t.get_fontsize() >= 6.0  # 0.8 x the smallest A4 size, for names that fit nowhere


def test_coverage_map_on_given_axes(munis, regions, population):
    fig, ax0 = plt.subplots(figsize=(4, 6))
    fig2, ax = coverage_map(munis, regions, ["091"], pop_of(population, 2022), ax=ax0, inset=False)
    assert fig2 is fig and ax is ax0
    assert "1/19" in ax.get_title(loc="left")


def test_coverage_map_errors(munis, regions, population):
    with pytest.raises(RvanalyticsError, match="empty"):
        coverage_map(munis, regions, [], pop_of(population, 2022))
    with pytest.raises(RvanalyticsError, match="language"):
        coverage_map(munis, regions, ["091"], pop_of(population, 2022), lang="de")
    with pytest.raises(RvanalyticsError, match="page size"):
        coverage_map(munis, regions, ["091"], pop_of(population, 2022), size="a3")


# ---------------------------------------------------------------- classes


def test_classify_schemes_by_hand():
    y = np.arange(1.0, 11.0)
    q = classify(y, "quantiles", k=5)
    assert q.edges.tolist() == pytest.approx([1, 2.8, 4.6, 6.4, 8.2, 10])
    assert np.bincount(q.assign(y)).tolist() == [2, 2, 2, 2, 2]
    e = classify(y, "equal_interval", k=3)
    assert e.edges.tolist() == pytest.approx([1, 4, 7, 10])
    nb = classify([1, 1.1, 1.2, 5, 5.1, 9.9, 10], "natural_breaks", k=3)
    assert nb.edges.tolist() == pytest.approx([1, 1.2, 5.1, 10])
    u = classify(y, "user_defined", bins=[3, 6])
    assert u.edges[1:].tolist() == [3, 6, np.inf]
    assert u.assign([3, 3.01, np.nan]).tolist() == [0, 1, -1]
    assert u.labels("fi")[0] == "≤ 3" and u.labels("en")[-1] == "> 6"


def test_classify_diverging_is_centred_on_zero():
    c = classify([-4, -3, -1, 1, 2, 4], "equal_interval", k=3, diverging=True)
    assert 0.0 in c.edges.tolist()
    idx = c.assign([-0.5, 0.5])
    assert idx[0] != idx[1]
    # symmetric classes get mirrored colours: as dark below zero as above
    sym = classify([-2, -1, 1, 2], "user_defined", bins=[-1, 0, 1, 2], diverging=True)
    lum = [np.mean(matplotlib.colors.to_rgb(col)) for col in sym.colors]
    assert lum[0] == pytest.approx(lum[-1], abs=0.12) and lum[1] == pytest.approx(lum[2], abs=0.12)
    assert all(" … " in lab for lab in sym.labels("en")[1:-1])


def test_classify_errors():
    with pytest.raises(RvanalyticsError, match="unknown"):
        classify([1, 2], "jenks")
    with pytest.raises(RvanalyticsError, match="needs upper class bounds"):
        classify([1, 2], "user_defined")
    with pytest.raises(RvanalyticsError, match="all missing"):
        classify([np.nan], "quantiles")


# ---------------------------------------------------------------- choropleths


def test_municipal_choropleth_missing_values_are_hatched_and_counted(munis, regions, population):
    pop = pop_of(population, 2022)
    dens = pop / munis.set_index("code")["land_area_km2"].reindex(pop.index)
    dens = dens.drop(["091", "837", "564"])  # three municipalities without a value
    fig, ax = choropleth(munis, dens, unit="as./km²", title="Väestötiheys", year=2022, regions=regions,
                         label_codes=["837", "564"])
    legend = legend_texts(fig)
    assert "Ei tietoa (3)" in legend
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend]
    assert sum(counts) == len(munis)
    texts = figure_texts(fig)
    assert "Väestötiheys, 2022" in " ".join(texts)
    assert any("tietovuosi 2022" in t for t in texts)
    assert "Tampere" in texts and "Oulu" in texts
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert hatched, "missing values must be hatched"


def test_choropleth_rejects_codes_not_on_the_map(munis):
    with pytest.raises(RvanalyticsError, match="not on the map"):
        choropleth(munis, {"091": 1.0, "999": 2.0})
    with pytest.raises(RvanalyticsError, match="several years"):
        choropleth(munis, pd.DataFrame({"code": ["091", "091"], "year": [2020, 2021], "value": [1.0, 2.0]}))


def test_region_choropleth_from_panel_rows(regions, munis, population):
    pop = pop_of(population, 2022)
    by_region = pop.groupby(munis.set_index("code")["region_code"].reindex(pop.index)).sum()
    rows = pd.DataFrame({"code": by_region.index, "value": by_region.to_numpy() / 1000, "year": 2022})
    fig, ax = choropleth(regions, rows, scheme="natural_breaks", k=4, unit="1000 persons", title="Population",
                         year=2022, lang="en", size="a4")
    assert not ax.child_axes  # no inset at region level
    legend = legend_texts(fig)
    assert len(legend) == 4 and sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend) == 19


def test_small_multiples_share_one_legend(munis, population):
    area = munis.set_index("code")["land_area_km2"]
    data = {y: pop_of(population, y) / area for y in (2000, 2010, 2022)}
    fig, axes = small_multiples(munis, data, scheme="user_defined", bins=[2, 5, 10, 20, 50, 200],
                                unit="inh./km²", title="Population density", lang="en")
    assert len(axes) == 3 and len(fig.legends) == 1
    assert [ax.get_title() for ax in axes] == ["2000", "2010", "2022"]
    assert len(legend_texts(fig)) == 7
    with pytest.raises(RvanalyticsError, match="no values for year"):
        small_multiples(munis, data, years=[1999])


# ---------------------------------------------------------------- export and images


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_map_formats(munis, regions, population, tmp_path, suffix):
    fig, _ = coverage_map(munis, regions, ["091", "837"], pop_of(population, 2022), size="slide", year=2022,
                          inset=False)
    if suffix == ".png":  # a too low resolution is refused, not silently raised
        with pytest.raises(RvanalyticsError, match="200–1200 dpi"):
            save_map(fig, tmp_path / f"map{suffix}", dpi=100)
        assert list(tmp_path.iterdir()) == []
    out = save_map(fig, tmp_path / f"map{suffix}", dpi=200)
    data = out.read_bytes()
    assert {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix] in data[:10]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left
    if suffix == ".png":
        from PIL import Image

        with Image.open(out) as img:
            assert img.size == (int(SIZES["slide"][0] * 200), int(SIZES["slide"][1] * 200))


def test_save_map_rejects_unknown_format(tmp_path):
    fig = plt.figure()
    with pytest.raises(RvanalyticsError, match="cannot save"):
        save_map(fig, tmp_path / "map.jpg")


def test_image_coverage_slide(munis, regions, population):
    fig, _ = coverage_map(munis, regions, TEN_CITY_COHORT, pop_of(population, 2022), size="slide", year=2022)
    check_image(fig, "coverage_slide_fi")


def test_image_region_choropleth_a4(regions, munis, population):
    p0, p1 = pop_of(population, 2000), pop_of(population, 2022)
    reg = munis.set_index("code")["region_code"]
    r0, r1 = p0.groupby(reg.reindex(p0.index)).sum(), p1.groupby(reg.reindex(p1.index)).sum()
    fig, _ = choropleth(regions, (r1 - r0) / r0 * 100, scheme="equal_interval", k=4, diverging=True, unit="%",
                        title="Väestönmuutos 2000–", year=2022, size="a4", lang="sv")
    check_image(fig, "region_change_a4_sv")


def test_image_municipal_choropleth_slide(munis, regions, population):
    pop = pop_of(population, 2022)
    fig, _ = choropleth(munis, pop / 1000, scheme="quantiles", k=5, unit="1000", title="Population", year=2022,
                        lang="en", regions=regions)
    check_image(fig, "population_slide_en")


# ---------------------------------------------------------------- interactive


def _without_leaflet(page: str) -> str:
    """The page with the inlined Leaflet code cut out (its source holds a link to leafletjs.com
    in a JavaScript string: the attribution, not something the page loads)."""
    from rvanalytics.maps.interactive import leaflet_assets

    js, css = leaflet_assets()
    assert js in page and css in page
    return page.replace(js, "").replace(css, "")


def test_explore_map_is_self_contained(munis, population, tmp_path):
    import html as html_lib
    import json
    import re

    from rvanalytics.maps.interactive import OfflineMap, to_html

    pop = pop_of(population, 2022)
    fmap = explore_map(munis, pop.drop("837"), title="Väestö", unit="as.", year=2022, highlight_codes=["091"])
    assert isinstance(fmap, OfflineMap)
    page = to_html(fmap)
    assert "Leaflet 1.9.3" in page and "L.geoJson" in page  # Leaflet inlined, and used
    rest = _without_leaflet(page)
    for bad in ('src="http', "src='http", 'href="http', "href='http", "//cdn", "url(http", "@import"):
        assert bad not in rest, bad
    assert not re.search(r"<script[^>]+src=", page) and not re.search(r"<link[^>]+href=", page)
    # every municipality is a feature; tooltips say name, value with unit and class
    assert page.count('"code": "') == len(munis)
    assert "Helsinki" in page and "Tampere" in page
    assert json.dumps(format_number(pop["091"], "fi") + "\u00a0as.") in page  # "664 028 as."
    assert json.dumps(["Kunta", "Koodi", "Väestö, 2022", "Luokka"]) in page
    assert "Ei tietoa (1)" in page and "tietovuosi 2022" in page  # legend
    assert "tile.openstreetmap" not in page and "tileLayer" not in rest
    # JupyterLab shows _repr_html_ (an iframe with srcdoc): the same self-contained page
    shown = html_lib.unescape(fmap._repr_html_())
    assert "Leaflet 1.9.3" in shown and "//cdn" not in shown and 'src="http' not in _without_leaflet(shown)
    # saving is atomic and writes the same page
    out = fmap.save(tmp_path / "map.html")
    assert out is None and [p.name for p in tmp_path.iterdir()] == ["map.html"]
    assert "Leaflet 1.9.3" in (tmp_path / "map.html").read_text(encoding="utf-8")
    with pytest.raises(RvanalyticsError, match=r"\.html"):
        to_html(fmap, tmp_path / "map.png")


def test_explore_map_boundaries_and_errors(munis, regions):
    page = explore_map(munis, highlight_codes=["091"], lang="sv").get_root().render()
    assert "Helsingfors" in page and "Stad i gruppen" in page and "Kommun" in page
    page = explore_map(regions, {"01": 1.0, "02": 2.0}, k=2, lang="en", title="Test").get_root().render()
    assert '"Region", "Code", "Test", "Class"' in page and "No data (17)" in page
    with pytest.raises(RvanalyticsError, match="not on the map"):
        explore_map(munis, highlight_codes=["999"])


@pytest.mark.slow
def test_explore_map_draws_offline_in_chromium(munis, population, tmp_path):
    """Render the saved page in headless Chromium with every host unreachable: the municipalities are drawn."""
    import shutil
    import subprocess

    from PIL import Image

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    classes = classify(pop_of(population, 2022).to_numpy(), "quantiles", 5)
    fmap = explore_map(munis, pop_of(population, 2022), classes=classes, title="Väestö", year=2022)
    page = tmp_path / "map.html"
    fmap.save(page)
    shot = tmp_path / "shot.png"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--window-size=900,700",
           f"--screenshot={shot}", page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    if not shot.exists():
        pytest.skip("chromium did not write a screenshot on this machine")
    with Image.open(shot) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=float)
    found = []
    for col in classes.colors:  # fill opacity 0.85 over the white background
        want = 0.85 * np.array(matplotlib.colors.to_rgb(col)) * 255 + 0.15 * 255
        found.append(int((np.abs(rgb - want).max(axis=2) < 6).sum()))
    assert all(n > 200 for n in found), found  # every class is drawn on a good number of pixels


# ---------------------------------------------------------------- CLI


def test_cli_map_coverage_and_indicator(maps_store, tmp_path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app

    runner = CliRunner()
    out = tmp_path / "coverage.pdf"
    result = runner.invoke(app, ["map", "coverage", "--out", str(out), "--lang", "en", "--size", "a4",
                                 "--store", str(maps_store), "--city", "091,837,564"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"%PDF" and "population 2022" in result.output
    out = tmp_path / "pop.png"
    result = runner.invoke(app, ["map", "indicator", "population", "--year", "2022", "--out", str(out),
                                 "--scheme", "natural_breaks", "--lang", "sv", "--store", str(maps_store)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "309 of 309 areas with data" in result.output
    result = runner.invoke(app, ["map", "indicator", "population", "--year", "1990", "--out", str(out),
                                 "--store", str(maps_store)])
    assert result.exit_code != 0 and "no municipality values for 1990" in str(result.exception)
    for cmd in (["map", "coverage", "--help"], ["map", "indicator", "--help"]):
        assert runner.invoke(app, cmd).exit_code == 0


def test_cli_map_without_store(tmp_path):
    from typer.testing import CliRunner

    from rvanalytics.cli import app
    from rvanalytics.exceptions import StoreError

    result = CliRunner().invoke(app, ["map", "coverage", "--out", str(tmp_path / "x.png"), "--store",
                                      str(tmp_path / "missing")])
    assert isinstance(result.exception, StoreError)
    assert "rvanalytics data build" in str(result.exception)


def test_indicator_map_from_a_panel(munis, regions, population):
    from rvanalytics.maps import indicator_map
    from rvanalytics.maps.choropleth import indicator_meta

    panel = population.assign(level="municipality", indicator="population", unit="persons", division_year=2023)
    fig, _ = indicator_map(panel, "population", 2010, municipalities=munis, regions=regions, lang="en",
                            label_codes=["167"])
    texts = figure_texts(fig)
    name = indicator_meta("population", "en")["name"]  # from the catalogue when available, else the id
    assert f"{name}, 2010" in texts
    assert "Joensuu" in texts
    with pytest.raises(RvanalyticsError, match="years: \\[2000"):
        indicator_map(panel, "population", 1999, municipalities=munis)
    with pytest.raises(RvanalyticsError, match="2026 municipal division"):
        indicator_map(panel.assign(division_year=2026), "population", 2010, municipalities=munis)
    with pytest.raises(RvanalyticsError, match="no region rows"):
        indicator_map(panel, "population", 2010, regions=regions, level="region")


def test_every_panel_source_maps_in_three_languages(request):
    """With the real store, one indicator of every source and level maps, languages in turn, with its credit line.

    (Every indicator of the panel took 150 s; the credit line and the drawing depend on the
    source and the level, so one indicator of each covers them.)
    """
    store = request.getfixturevalue("store")
    from rvanalytics.boundaries import load_municipalities, load_regions
    from rvanalytics.maps import indicator_map
    from rvanalytics.store import load_panel

    panel = load_panel(store, level=None)
    division = int(panel["division_year"].iloc[0])
    munis = load_municipalities(division, simplified=True, store=store)
    regs = load_regions(division, simplified=True, store=store)
    langs = ["fi", "sv", "en"]
    done = 0
    rows = panel[panel["level"].isin(["municipality", "region"]) & panel["value"].notna()]
    chosen = rows.drop_duplicates(["source", "level"])[["indicator", "level"]].drop_duplicates()
    assert len(chosen) >= 10
    for indicator, level in chosen.itertuples(index=False):
        part = panel[(panel["indicator"] == indicator) & (panel["level"] == level)]
        years = part.loc[part["value"].notna(), "year"]
        if years.empty:
            continue
        lang = langs[done % 3]
        fig, _ = indicator_map(part, indicator, int(years.max()), municipalities=munis, regions=regs, level=level,
                               lang=lang, ax=plt.subplots(figsize=(3, 4), dpi=50)[1], inset=False)
        credit = attribution_text(int(years.max()), lang, [*boundary_sources(munis), *sorted(
            part.loc[part["year"] == years.max(), "source"].dropna().unique())])
        assert any(credit in " ".join(t.split()) for t in figure_texts(fig)), credit
        plt.close("all")
        done += 1
    assert done > 0


def test_indicator_map_unit_in_the_map_language(munis, regions, population):
    from rvanalytics.maps import indicator_map

    panel = population.assign(level="municipality", indicator="population", unit="persons", division_year=2023)
    density = panel.assign(indicator="population_density_custom", unit="persons/km²")
    expected = {"fi": "henkeä", "sv": "personer", "en": "persons"}
    for lang, word in expected.items():
        for frame, ind in ((panel, "population"), (density, "population_density_custom")):
            fig, _ = indicator_map(frame, ind, 2010, municipalities=munis, lang=lang, inset=False)
            legend_title = fig.axes[0].get_legend().get_title().get_text() if fig.axes[0].get_legend() else \
                " ".join(leg.get_title().get_text() for leg in fig.legends)
            assert word in legend_title, (lang, ind, legend_title)
            plt.close(fig)


def test_labelled_municipalities_are_marked_and_outlined(munis, regions, population):
    from matplotlib.collections import PathCollection

    values = pop_of(population, 2010)
    labelled = ["167", "405", "837", "853"]  # outside the Helsinki inset
    fig, ax = choropleth(munis, values, title="Population", unit="persons", year=2010, lang="sv",
                         regions=regions, label_codes=labelled)
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == len(labelled)
    texts = {t.get_text(): t for t in ax.texts}
    assert {"Joensuu", "Villmanstrand", "Tammerfors", "Åbo"} <= set(texts)
    # a label placed away from its dot gets a leader line
    for t in ax.texts:
        if t.get_text() in ("Joensuu", "Villmanstrand", "Tammerfors", "Åbo"):
            dist = float(np.hypot(*t.xyann))
            assert (t.arrow_patch is not None) == (dist > 7.0 + 1e-9), (t.get_text(), t.xyann)


def test_small_multiples_long_title_stays_on_the_slide(munis, population):
    area = munis.set_index("code")["land_area_km2"]
    data = {y: pop_of(population, y) / area for y in (2000, 2010, 2022)}
    long_title = "Kasvihuonekaasupäästöt asukasta kohden (Hinku-laskenta, ilman päästökauppaa ja kompensaatiota)"
    fig, axes = small_multiples(munis, data, unit="as./km²", title=long_title, lang="fi")
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    head = next(t for t in fig.texts if t.get_text().replace("\n", " ").startswith("Kasvihuonekaasupäästöt"))
    box = head.get_window_extent(renderer)
    assert box.x1 <= fig_box.x1 and box.y1 <= fig_box.y1, "title runs off the figure"
    year_boxes = [ax.title.get_window_extent(renderer) for ax in axes]
    assert all(box.y0 > yb.y1 for yb in year_boxes), "title overlaps the panel years"


def test_quantile_and_equal_interval_bins_are_mapclassify_s(request):
    """The numpy versions (no mapclassify import in report kernels) give mapclassify's bounds, bit for bit."""
    import warnings

    import mapclassify

    from rvanalytics.maps.choropleth import equal_interval_bins, quantile_bins

    store = request.getfixturevalue("store")
    from rvanalytics.store import load_panel

    panel = load_panel(store, level=None)
    cases = [part["value"].dropna().to_numpy() for _, part in panel.groupby(["indicator", "level", "year"])]
    rng = np.random.default_rng(7)
    cases += [np.round(rng.gamma(2, 3, size=int(rng.integers(2, 300))), int(rng.integers(0, 3))) for _ in range(300)]
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for y in cases:
            n_unique = len(np.unique(y))
            if n_unique < 2:
                continue
            for k in (2, 3, 5, 7, 9):
                kk = min(k, n_unique)
                assert np.array_equal(quantile_bins(y, kk), mapclassify.Quantiles(y, k=kk).bins)
                assert np.array_equal(equal_interval_bins(y, kk), mapclassify.EqualInterval(y, k=kk).bins)
                checked += 1
    assert checked > 2000


def test_report_kernel_imports_stay_light():
    """A report kernel classifies quantiles and tracks targets without scikit-learn or scipy.stats (~1 s)."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from rvanalytics.report.story import CityStory\n"
        "import rvanalytics.metrics\n"
        "from rvanalytics.maps.choropleth import classify\n"
        "classify(np.arange(20.0), 'quantiles', 5); classify(np.arange(20.0), 'equal_interval', 4)\n"
        "print(sorted(m for m in ('sklearn', 'scipy.stats', 'mapclassify', 'folium') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_coverage_inset_only_when_a_cohort_city_lies_in_it(munis, regions, population):
    """The FISU cohort has no city in the capital region: no empty inset, every city named on the main map."""
    from rvanalytics.cohort import TEN_CITY_COHORT, load_cohort

    fisu = load_cohort("fisu", year=0).codes
    fig, ax = coverage_map(munis, regions, fisu, pop_of(population, 2022), year=2022)
    assert ax.child_axes == []  # no inset
    texts = figure_texts(fig)
    for name in ("Hyvinkää", "Riihimäki", "Forssa", "Kemi", "Siilinjärvi"):
        assert name in texts
    fig, ax = coverage_map(munis, regions, TEN_CITY_COHORT, pop_of(population, 2022), year=2022)
    assert len(ax.child_axes) == 1  # the inset: Helsinki and Espoo lie in it
