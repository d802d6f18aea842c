"""The project's notebooks run top to bottom on the session store (papermill, RVANALYTICS_STORE).

- ``city_report.ipynb`` through the batch runner for two cohort cities and a city whose
  profile is deliberately broken: the broken one gets an error card, the others complete;
  the pages render in headless Chromium without tracebacks, warnings or code.
- ``explore.ipynb`` and ``workshop_maps.ipynb`` with papermill.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from rvanalytics.paths import cities_dir, repo_root
from rvanalytics.report import run_batch
from rvanalytics.report.execute import execute_notebook

NOTEBOOKS = repo_root() / "notebooks"


@pytest.fixture(scope="module")
def report_store(request: pytest.FixtureRequest) -> Path:
    """The session store; skipped with the reason only while a module it needs does not exist yet."""
    try:
        return request.getfixturevalue("store")
    except ModuleNotFoundError as err:  # pragma: no cover - during integration only
        pytest.skip(f"the store cannot be built yet: {err}")


@pytest.fixture(scope="module")
def city_batch(report_store: Path, tmp_path_factory: pytest.TempPathFactory):
    profiles = tmp_path_factory.mktemp("cities")
    for code in ("167", "091"):
        src = next(cities_dir().glob(f"{code}-*.yaml"))
        shutil.copy(src, profiles / src.name)
    broken = next(cities_dir().glob("837-*.yaml")).read_text(encoding="utf-8")
    broken = broken.replace(
        "kind: ", "kind: not_a_kind_", 1
    )  # invalid: the profile check must reject it
    (profiles / "837-tampere.yaml").write_text(broken, encoding="utf-8")
    out = tmp_path_factory.mktemp("reports")
    mp = pytest.MonkeyPatch()
    mp.setenv("RVANALYTICS_CITIES_DIR", str(profiles))  # inherited by the workers and their kernels
    try:
        batch = run_batch(
            ["167", "091", "837"],
            jobs=2,
            out_dir=out,
            store=report_store,
            progress=False,
            timeout=300,
        )
    finally:
        mp.undo()
    return batch


def test_city_reports_complete_and_broken_profile_fails_alone(city_batch) -> None:
    status = {r.city_code: r for r in city_batch.results}
    assert status["167"].status == "ok", status["167"]
    assert status["091"].status == "ok", status["091"]
    assert status["837"].status == "failed"
    assert status["837"].ename == "ProfileError" and "kind" in status["837"].evalue
    assert status["837"].cell_index is not None
    index = city_batch.index.read_text(encoding="utf-8")
    assert 'class="card failed"' in index and "ProfileError" in index


def test_city_report_content(city_batch, report_store: Path) -> None:
    from rvanalytics.cities import load_cities

    folder = city_batch.out_dir / "167-joensuu"
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    profile_targets = load_cities(next(cities_dir().glob("167-*.yaml")), store=report_store).targets
    own = [t["target_id"] for t in metrics["targets"] if t["origin"] == "city"]  # then the network's (FISU)
    assert own == list(profile_targets["target_id"])
    assert all(t["status_text"] for t in metrics["targets"])
    assert metrics["name"] == "Joensuu" and metrics["region_code"] == "12"
    assert metrics["population"] > 0 and metrics["population_year"] >= 2020
    assert metrics["figures"] and all((folder / f).is_file() for f in metrics["figures"])
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Joensuu" in html and "CC BY 4.0" in html and "Tilastokeskus" in html
    assert "Traceback" not in html and "story." not in html and "import " not in html
    people = (
        load_cities(next(cities_dir().glob("167-*.yaml")), store=report_store)
        .profiles[0]
        .people_list
    )
    for person in people:  # names only where the profile allows it
        if person.name and not person.publish:
            assert person.name not in html


def _visible_text(page: str) -> str:
    """The text a reader sees: no tags, scripts, styles or attributes (links, image names)."""
    import html as html_module
    import re

    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page))


def test_finnish_report_has_no_english_from_our_code(city_batch, report_store: Path) -> None:
    from rvanalytics.indicators import indicator_catalogue
    from rvanalytics.store import load_panel

    catalogue = indicator_catalogue()
    ids = set(catalogue["id"] if "id" in catalogue.columns else catalogue.index)
    sources = set(load_panel(report_store, level=None)["source"].dropna().astype(str))
    for folder in ("167-joensuu", "091-helsinki"):
        text = _visible_text(
            (city_batch.out_dir / folder / "report.html").read_text(encoding="utf-8")
        )
        assert "asukas" in text  # the units are there, in Finnish
        for word in ("persons", "/person", "inhabitant", "not available", "no data"):
            assert word not in text, f"{folder}: English {word!r} in a Finnish report"
        leaked = sorted(i for i in ids | sources if i in text)
        assert not leaked, f"{folder}: code identifiers shown to the reader: {leaked}"


def test_city_report_pages_render(city_batch, tmp_path: Path) -> None:
    from test_report_render import CHROMIUM, page_problems, screenshot

    if CHROMIUM is None:
        pytest.skip(
            "headless Chromium not installed (apt-get install -y chromium) - page rendering not checked"
        )
    pages = [
        city_batch.index,
        city_batch.out_dir / "167-joensuu" / "report.html",
        city_batch.out_dir / "091-helsinki" / "report.html",
    ]
    problems = []
    for i, page in enumerate(pages):
        png = screenshot(page, tmp_path / f"p{i}.png", tmp_path / "profile", size="1600,4000")
        problems += page_problems(png, page.read_text(encoding="utf-8"))
    assert not problems, problems


@pytest.mark.parametrize("name", ["explore", "workshop_maps"])
def test_analyst_notebook_runs_top_to_bottom(
    name: str, report_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RVANALYTICS_STORE", str(report_store))
    params = {"lang": "fi"}
    if name == "workshop_maps":
        params["out_dir"] = str(tmp_path / "maps")
        params["indicators"] = [
            "road_transport_ghg_per_capita_t"
        ]  # one indicator map is enough here
    outcome = execute_notebook(
        NOTEBOOKS / f"{name}.ipynb", tmp_path / f"{name}.ipynb", params, timeout=300, cwd=tmp_path
    )
    assert outcome.ok, (outcome.cell_index, outcome.ename, outcome.evalue)
    nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    if name == "workshop_maps":
        maps = sorted((tmp_path / "maps").glob("*.png"))
        assert [p.name for p in maps] == [
            "coverage.png",
            "road_transport_ghg_per_capita_t_2005-2018.png",
            "road_transport_ghg_per_capita_t_2018.png",
        ]


@pytest.mark.parametrize(
    ("lang", "expected", "foreign"),
    [
        (
            "fi",
            ["Kaupunki", "Tila", "Peruste", "Sija", "/asukas", "Hinku-laskenta", "aineistojulkaisu 2024",
             "Ilmasto (kaikki päästöt)", "Helsinki"],
            ["persons", "/person", "on track", "off track", "indicative", "same scope", "Helsingfors"],
        ),
        (
            "sv",
            ["Stad", "Läge", "Grund", "Plats", "/invånare", "Hinku-beräkningen", "datautgåva 2024",
             "Klimat (alla utsläpp)", "Helsingfors", "Åbo"],
            ["persons", "/person", "/asukas", "on track", "off track", "indicative", "same scope",
             "Kaupunki"],
        ),
    ],
)
def test_explore_notebook_speaks_the_users_language(
    lang: str,
    expected: list[str],
    foreign: list[str],
    report_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """explore.ipynb: targets, city metrics and themes with headings, names and units in ``lang``; writes nothing."""
    monkeypatch.setenv("RVANALYTICS_STORE", str(report_store))
    checkout_before = sorted(p.name for p in NOTEBOOKS.iterdir())
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    out = tmp_path / f"explore_{lang}.ipynb"
    outcome = execute_notebook(NOTEBOOKS / "explore.ipynb", out, {"lang": lang}, timeout=300, cwd=run_dir)
    assert outcome.ok, (outcome.cell_index, outcome.ename, outcome.evalue)
    nb = nbformat.read(out, as_version=4)
    text, images = [], 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                assert o.get("name") != "stderr", o.get("text")  # no warnings shown to the analyst
                text.append(o["text"])
            data = o.get("data", {})
            text.append(data.get("text/html", "") + data.get("text/plain", ""))
            images += "image/png" in data
    shown = "\n".join(text)
    missing = [w for w in expected if w not in shown]
    assert not missing, f"{lang}: not in the outputs: {missing}"
    leaked = [w for w in foreign if w in shown]
    assert not leaked, f"{lang}: words of another language in the outputs: {leaked}"
    assert images == 2  # the cohort chart and the map
    assert list(run_dir.iterdir()) == []  # nothing written where it runs
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == checkout_before
