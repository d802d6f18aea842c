from __future__ import annotations

import time
from pathlib import Path

import pytest

from rvanalytics import download
from rvanalytics.download import fetch, wait_backoff
from rvanalytics.exceptions import SourceUnavailableError


def test_offline_uses_recorded_copy(recorded_dir: Path):
    path = fetch("nls_kuntajako_4500k", year=2023, offline=True)
    assert path == recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json"


def test_unreachable_network_falls_back_quickly(monkeypatch: pytest.MonkeyPatch, recorded_dir: Path):
    monkeypatch.setattr(download, "_unreachable_hosts", set())

    def no_network(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(download.socket, "create_connection", no_network)
    started = time.perf_counter()
    path = fetch("statfi_wfs_kunta4500k", year=2020, offline=False)
    assert time.perf_counter() - started < 10
    assert path.name == "kunta4500k_2020_getfeature_wfs100_gml2.xml"


def test_no_copy_and_no_network_gives_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("RVANALYTICS_RECORDED_DIR", str(tmp_path))  # empty: no recorded copies
    monkeypatch.setattr(download, "recorded_dir", lambda: tmp_path)
    with pytest.raises(SourceUnavailableError, match="Fix: connect to the internet"):
        fetch("nls_kuntajako_4500k", year=2023, offline=True)


def test_cached_download_with_matching_hash_is_reused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded_dir: Path):
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    cached = tmp_path / "downloads" / "nls_kuntajako_4500k" / "year-2023_kuntarajat.2023.json"
    cached.parent.mkdir(parents=True)
    cached.write_bytes((recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json").read_bytes())
    assert fetch("nls_kuntajako_4500k", year=2023, offline=False) == cached


def test_download_with_wrong_hash_is_rejected_and_not_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded_dir: Path):
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(download, "_host_reachable", lambda url: True)

    class FakeResponse:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def raise_for_status(self):
            return None

        def iter_content(self, size):
            yield b'{"type": "FeatureCollection", "features": []}'

    class FakeSession:
        def get(self, url, timeout, stream):
            assert timeout[0] <= 5
            return FakeResponse()

    monkeypatch.setattr(download, "http_session", lambda: FakeSession())
    path = fetch("nls_kuntajako_4500k", year=2023, offline=False)
    # The bad download is refused; the recorded copy is used and nothing half-written is left.
    assert path.parent.name == "nls-municipal-regional-boundaries"
    leftovers = list((tmp_path / "downloads").rglob("*")) if (tmp_path / "downloads").exists() else []
    assert not [p for p in leftovers if p.is_file()]


def test_backoff_honours_retry_after():
    assert wait_backoff(0, "7") == 7.0
    assert wait_backoff(3, None, base=0.5) == 4.0
    assert wait_backoff(1, "not-a-number", base=1) == 2.0


def test_http_session_retries_on_429():
    session = download.http_session()
    retry = session.get_adapter("https://example.org").max_retries
    assert 429 in retry.status_forcelist and retry.respect_retry_after_header


def test_data_dir_moves_with_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from rvanalytics.paths import data_dir, store_dir

    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RVANALYTICS_STORE", raising=False)
    assert data_dir() == tmp_path and store_dir() == tmp_path / "store"


@pytest.mark.network
def test_official_wfs_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    path = fetch("statfi_wfs_kunta4500k", year=2020, offline=False)
    assert path.is_relative_to(tmp_path)
