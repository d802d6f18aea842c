"""Every source in the catalogue is checked against its recorded copy (geodatasets style)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from rvanalytics.catalogue import attribution, get_source, sources
from rvanalytics.download import sha256sum
from rvanalytics.exceptions import RvanalyticsError

ALL = [(sid, rec.name) for sid, src in sources().items() for rec in src.recorded_files]


def test_catalogue_entries_have_licence_and_attribution():
    for source in sources().values():
        assert source.licence, source.id
        assert {"fi", "sv", "en"} <= set(source.attribution), source.id
        assert source.recorded_files, f"{source.id} has no recorded copy"


def test_catalogue_reads_the_same_with_or_without_libyaml():
    from importlib import resources

    import yaml

    from rvanalytics.catalogue import _safe_load

    text = resources.files("rvanalytics").joinpath("data/sources.yaml").read_text(encoding="utf-8")
    assert _safe_load(text) == yaml.safe_load(text)


@pytest.mark.parametrize(("source_id", "name"), ALL)
def test_recorded_copy_matches_catalogue(recorded_dir: Path, source_id: str, name: str):
    source = get_source(source_id)
    rec = source.recorded_file(name)
    path = recorded_dir / source.recorded_dir / name
    assert path.exists(), f"recorded copy missing: {path}"
    if rec.sha256:
        assert sha256sum(path) == rec.sha256
    if rec.rows is not None:
        if source.format == "csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=";" if "utf8bom" in name else ",")
                header = next(reader)
                assert sum(1 for _ in reader) == rec.rows
            if source.expected_columns and name == source.recorded_files[0].name:
                assert list(source.expected_columns) == header[: len(source.expected_columns)] or set(
                    source.expected_columns) <= set(header)
        elif source.format == "pxweb-csv":  # PxWeb "CSV with heading": Windows-1252, title line, blank line, header
            lines = path.read_bytes().decode("cp1252").splitlines()
            rows = list(csv.reader(lines[2:]))
            assert sum(1 for r in rows[1:] if r) == rec.rows
            assert set(source.expected_columns) <= set(rows[0]) or name != source.recorded_files[0].name
        elif source.format == "geojson":
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
            assert len(features) == rec.rows
            props = set(features[0]["properties"])
            expected = {c for c in source.expected_columns if c != "geometry"}
            assert expected <= props or {c.lower() for c in expected} <= props
        elif source.format == "gml":
            text = path.read_text(encoding="utf-8")
            assert text.count("<gml:featureMember>") == rec.rows


WITH_URL = sorted(sid for sid, src in sources().items() if src.url)


@pytest.mark.parametrize("source_id", WITH_URL)
def test_every_url_says_where_it_is_documented(source_id: str):
    """Each official URL names its documentation, or says why none was found (never both, never neither)."""
    source = get_source(source_id)
    assert (source.documented_at is None) != (source.unverified is None), (
        f"{source_id}: give either documented_at (a URL) or unverified (the reason) in sources.yaml")
    if source.documented_at is not None:
        assert source.documented_at.startswith("https://"), source.documented_at
        assert "raw.githubusercontent.com" not in source.documented_at  # a page that documents, not the file
    else:
        assert isinstance(source.unverified, str) and len(source.unverified.split()) >= 8, (
            f"{source_id}: unverified needs a reason, not just true")


def test_unknown_source_suggests_close_match():
    with pytest.raises(RvanalyticsError, match="nls_kuntajako_4500k"):
        get_source("nls_kuntajako_4500")


def test_attribution_line_is_localised():
    line = attribution(["statfi_wfs_kunta4500k", "nls_kuntajako_4500k"], "fi")
    assert "Tilastokeskus" in line and "Maanmittauslaitos" in line and "CC BY 4.0" in line


def test_official_url_is_filled():
    url = get_source("statfi_wfs_kunta4500k").official_url(year=2021)
    assert url.endswith("typeName=tilastointialueet:kunta4500k_2021")
