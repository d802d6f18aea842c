"""Report machinery without kernels: safe names, escaping, gallery, measures page, manifest, inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rvanalytics.exceptions import ReportError
from rvanalytics.report import naming
from rvanalytics.report.gallery import (
    build_gallery,
    build_measures_page,
    load_cards,
    measures_by_theme,
)
from rvanalytics.report.inputs import inputs_hash, profile_files, report_inputs
from rvanalytics.report.manifest import write_manifest
from rvanalytics.report.run import ReportResult, read_result

# --- safe names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Hämeenlinna", "hameenlinna"),
        ("Jyväskylä", "jyvaskyla"),
        ("Pedersöre", "pedersore"),
        ("Åland", "aland"),
        ("Mänttä-Vilppula", "mantta-vilppula"),
        ("Koski Tl", "koski-tl"),
        ("Närpes – Närpiö", "narpes-narpio"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "city"),
        ("a/b\\c", "a-b-c"),
        ("", "city"),
        ("Ñandú Ø", "nandu-o"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert naming.slugify(name) == slug


def test_slug_is_always_plain_ascii() -> None:
    for text in ["ä" * 100, "x" * 500, "\x00evil\n", "💥 city", "ÅÄÖåäö", "C:\\Windows"]:
        slug = naming.slugify(text)
        assert slug and len(slug) <= naming.MAX_SLUG_LENGTH
        assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug), slug
        assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


def test_report_folder_stays_inside(tmp_path: Path) -> None:
    folder = naming.report_folder(tmp_path, "091", "../../Helsinki")
    assert folder.parent == tmp_path.resolve()
    assert folder.name == "091-helsinki"
    assert naming.report_folder_name("186", "Järvenpää") == "186-jarvenpaa"


@pytest.mark.parametrize("bad", ["91a", "../091", "0911", "", "abc", None, True])
def test_bad_city_codes_raise(bad: object) -> None:
    with pytest.raises(ReportError, match="3-digit"):
        naming.check_city_code(bad)


def test_city_code_padding() -> None:
    assert naming.check_city_code(5) == "005"
    assert naming.check_city_code("49") == "049"


# --- gallery, measures page, manifest ----------------------------------------------------

EVIL = '<script>alert("x")</script>'


def _fake_report(
    out: Path, code: str, name: str, status: str, metrics: dict | None, **extra
) -> ReportResult:
    folder = out / naming.report_folder_name(code, name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    if metrics is not None:
        (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return ReportResult(city_code=code, name=name, folder=folder.name, status=status, **extra)


def _cohort(out: Path) -> list[ReportResult]:
    ok_metrics = {
        "name": "Jyväskylä",
        "region_name": "Keski-Suomi",
        "targets": [
            {
                "target_id": "jkl-cn",
                "label": "Hiilineutraali 2030",
                "status": "on_track",
                "status_text": "oikeassa suunnassa",
            },
            {
                "target_id": "jkl-rec",
                "label": f"Kierrätys {EVIL}",
                "status": "no_data",
                "status_text": "ei tietoa",
            },
        ],
        "key_measure": {
            "known": True,
            "title": f"Resurssiviisaus {EVIL}",
            "description": "Kiertotalous",
            "status": "started",
            "themes": ["circular_economy"],
        },
        "key_problem": {
            "known": True,
            "description": "Liikenteen päästöt",
            "themes": ["transport"],
        },
    }
    unknown_metrics = {
        "targets": [],
        "key_measure": {"known": False, "unknown_reason": f"Ei lähteissä {EVIL}"},
        "key_problem": {"known": False, "unknown_reason": "Ei lähteissä"},
    }
    return [
        _fake_report(out, "179", "Jyväskylä", "ok", ok_metrics, duration_s=3.0),
        _fake_report(out, "091", "Helsinki", "ok", unknown_metrics, duration_s=2.0),
        _fake_report(
            out, "020", "Akaa", "ok", {"targets": [], "unavailable": {"profile": "no profile"}}
        ),
        _fake_report(
            out,
            "999",
            f"Broken {EVIL}",
            "failed",
            None,
            cell_index=7,
            ename="KeyError",
            evalue=f"'population' {EVIL}",
        ),
    ]


def test_gallery_escapes_and_shows_error_card(tmp_path: Path) -> None:
    results = _cohort(tmp_path)
    write_manifest(
        tmp_path, results, parameters={"lang": "fi"}, store=tmp_path / "nostore", timings={}
    )
    index = build_gallery(tmp_path, lang="fi")
    html = index.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html  # shown as text
    assert "Jyväskylä" in html and "179-jyvaskyla/report.html" in html
    # error card: cell index, exception, message
    assert 'class="card failed"' in html
    assert "KeyError" in html and "Solu 7" in html and "&#39;population&#39;" in html
    # target statuses at a glance
    assert "chip good" in html and "oikeassa suunnassa" in html and "chip none" in html
    assert "Tavoitteita ei ole kirjattu" in html  # Helsinki's empty target list said plainly
    assert "Kunnalla ei ole profiilia" in html  # Akaa has no profile at all


def test_measures_page_by_theme_and_escaped(tmp_path: Path) -> None:
    results = _cohort(tmp_path)
    write_manifest(tmp_path, results, parameters={}, store=tmp_path / "nostore", timings={})
    page = build_measures_page(tmp_path, lang="fi").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    from rvanalytics.report.themes import theme_name

    circular, transport = theme_name("circular_economy", "fi"), theme_name("transport", "fi")
    assert circular != transport
    first, second = sorted([circular, transport], key=str.casefold)
    assert page.index(first) < page.index(second)  # themes sorted by name
    assert "ei kerrottu" in page  # unknown measure said plainly
    groups = measures_by_theme(load_cards(tmp_path), "fi")
    themes = [g["theme"] for g in groups]
    assert themes[-1] == "Teema ei tiedossa"
    jkl = {g["theme"]: [r["card"].city_code for r in g["rows"]] for g in groups}
    assert jkl[circular] == ["179"] and jkl[transport] == ["179"]
    assert "091" in jkl["Teema ei tiedossa"] and "999" in jkl["Teema ei tiedossa"]


def test_manifest_records_status_and_keeps_earlier_entries(tmp_path: Path) -> None:
    results = _cohort(tmp_path)
    write_manifest(
        tmp_path,
        results,
        parameters={"lang": "fi"},
        store=tmp_path / "nostore",
        timings={"batch_s": 1},
    )
    doc = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert doc["counts"] == {"ok": 3, "skipped": 0, "failed": 1}
    broken = next(r for r in doc["reports"] if r["city_code"] == "999")
    assert (broken["cell_index"], broken["ename"]) == (7, "KeyError")
    assert doc["data_vintages"]["sources"] == [] and "no store" in doc["data_vintages"]["problem"]
    # a later run of one city keeps the others
    again = [ReportResult(city_code="091", name="Helsinki", folder="091-helsinki", status="ok")]
    write_manifest(tmp_path, again, parameters={}, store=None, timings={})
    doc = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert [r["city_code"] for r in doc["reports"]] == ["020", "091", "179", "999"]
    assert [r["this_run"] for r in doc["reports"]] == [False, True, False, False]


def test_gallery_with_coverage_map_and_without_reports(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    png = tmp_path / "src.png"
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    fig.savefig(png)
    plt.close(fig)
    out = tmp_path / "out"
    out.mkdir()
    html = build_gallery(out, lang="en", coverage_map=png).read_text(encoding="utf-8")
    assert "No reports yet." in html
    assert (
        'src="coverage_map.png"' in html
        and (out / "coverage_map.png").read_bytes() == png.read_bytes()
    )


def test_result_roundtrip(tmp_path: Path) -> None:
    r = ReportResult(
        city_code="091",
        name="Helsinki",
        folder="091-helsinki",
        status="failed",
        cell_index=3,
        ename="ValueError",
        evalue="bad",
    )
    (tmp_path / "result.json").write_text(json.dumps(r.to_dict()), encoding="utf-8")
    back = read_result(tmp_path)
    assert back == r
    with pytest.raises(ReportError) as info:
        back.raise_for_status()
    assert (info.value.cell_index, info.value.ename, info.value.city) == (3, "ValueError", "091")
    assert read_result(tmp_path / "missing") is None


# --- inputs fingerprint -------------------------------------------------------------------


def test_inputs_change_with_each_input(tmp_path: Path) -> None:
    nb = tmp_path / "nb.ipynb"
    nb.write_text("{}", encoding="utf-8")
    store = tmp_path / "store"
    store.mkdir()
    cities = tmp_path / "cities"
    cities.mkdir()
    (cities / "091-helsinki.yaml").write_text("a: 1\n", encoding="utf-8")
    (cities / "0910-other.yaml").write_text("b: 1\n", encoding="utf-8")

    def digest(**params: str) -> str:
        return inputs_hash(
            report_inputs(
                "091",
                notebook=nb,
                store=store,
                cities_dir=cities,
                parameters={"city_code": "091", "lang": "fi", **params},
            )
        )

    base = digest()
    assert [p.name for p in profile_files("091", cities)] == ["091-helsinki.yaml"]
    assert digest(out_dir="/elsewhere") == base  # where the report goes is not an input
    assert digest(lang="en") != base
    (store / "manifest.json").write_text('{"built": 1}', encoding="utf-8")
    after_store = digest()
    assert after_store != base
    # a rebuild from the same files changes only the build time: the reports stay unchanged
    (store / "manifest.json").write_text('{"built": 1, "built_at": "2026-12-01T10:00", "seconds": 3.1}',
                                         encoding="utf-8")
    assert digest() == after_store
    (store / "manifest.json").write_text('{"built": 2, "built_at": "2026-12-01T10:00"}', encoding="utf-8")
    assert digest() != after_store  # a changed content is a changed input
    (store / "manifest.json").write_text('{"built": 1}', encoding="utf-8")
    (cities / "091-helsinki.yaml").write_text("a: 2\n", encoding="utf-8")
    after_profile = digest()
    assert after_profile != after_store
    (cities / "0910-other.yaml").write_text("b: 2\n", encoding="utf-8")
    assert digest() == after_profile  # another city's profile does not matter
    nb.write_text('{"x": 1}', encoding="utf-8")
    assert digest() != after_profile
