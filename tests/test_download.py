"""download.py: the one HTTP path (timeouts, retries, DNS deadline, base-URL rewrite) and fetch's fallbacks.

Servers are real sockets on the loopback (pytest-httpserver, or a bare socket that never
accepts); nothing of ours is mocked. The only stand-in is a resolver that never answers
(``socket.getaddrinfo`` blocked), because this machine's resolver always answers at once.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer

from rvanalytics import download
from rvanalytics.download import SourceFallbackWarning, fetch, http_session, rewrite_url
from rvanalytics.exceptions import SourceUnavailableError

WFS_2020 = "kunta4500k_2020_getfeature_wfs100_gml2.xml"


@pytest.fixture(autouse=True)
def _fresh_hosts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Each test starts with no remembered hosts and its own download cache."""
    download.reset_hosts()
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RVANALYTICS_SOURCE_BASE_URL", raising=False)
    yield
    download.reset_hosts()


def _blackhole() -> tuple[socket.socket, list[socket.socket]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    for _ in range(4):  # fill the accept queue; later SYNs are dropped by the kernel
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        fillers.append(sock)
    time.sleep(0.1)
    return listener, fillers


@pytest.fixture
def blackhole():
    """A loopback port whose accept queue is full: connection attempts are never answered."""
    listener, fillers = _blackhole()
    yield listener.getsockname()[1]
    for sock in [*fillers, listener]:
        sock.close()


def _fetch_years(source_id: str, years: tuple[int, ...]) -> list[Path]:
    return [fetch(source_id, year=year, offline=False) for year in years]


def _downloads(data: Path) -> list[Path]:
    root = data / "downloads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_offline_uses_recorded_copy(recorded_dir: Path):
    path = fetch("nls_kuntajako_4500k", year=2023, offline=True)
    assert path == recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json"


def test_no_copy_and_no_network_gives_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(download, "recorded_dir", lambda: tmp_path)  # an empty recorded-data folder
    with pytest.raises(SourceUnavailableError, match="Fix: connect to the internet") as info:
        fetch("nls_kuntajako_4500k", year=2023, offline=True)
    assert "\n" not in str(info.value)


def test_cached_download_with_matching_hash_is_reused(tmp_path: Path, recorded_dir: Path):
    cached = tmp_path / "data" / "downloads" / "nls_kuntajako_4500k" / "year-2023_kuntarajat.2023.json"
    cached.parent.mkdir(parents=True)
    cached.write_bytes((recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json").read_bytes())
    assert fetch("nls_kuntajako_4500k", year=2023, offline=False) == cached


def test_rewrite_url_keeps_official_path_and_query(monkeypatch: pytest.MonkeyPatch):
    url = "https://geo.stat.fi/geoserver/wfs?service=WFS&version=1.0.0&typeName=tilastointialueet:kunta4500k_2020"
    assert rewrite_url(url) == url
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", "http://127.0.0.1:9")
    assert rewrite_url(url) == "http://127.0.0.1:9/geoserver/wfs?service=WFS&version=1.0.0&typeName=tilastointialueet:kunta4500k_2020"
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", "pxdata.stat.fi=http://127.0.0.1:9/mirror, geo.stat.fi=http://[::1]:8")
    assert rewrite_url("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/11re.px") == \
        "http://127.0.0.1:9/mirror/PxWeb/api/v1/fi/StatFin/11re.px"
    assert rewrite_url(url).startswith("http://[::1]:8/geoserver/wfs?service=WFS")
    assert rewrite_url("https://raw.githubusercontent.com/a/b") == "https://raw.githubusercontent.com/a/b"
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", "not a url")
    with pytest.raises(SourceUnavailableError, match="RVANALYTICS_SOURCE_BASE_URL"):
        rewrite_url(url)


def test_http_session_retry_policy():
    retry = http_session().get_adapter("https://pxdata.stat.fi").max_retries
    assert {429, 500, 503} <= set(retry.status_forcelist)
    assert retry.respect_retry_after_header and retry.retry_after_max == download.RETRY_AFTER_MAX
    assert {"GET", "POST"} <= set(retry.allowed_methods)
    assert retry.connect == 0 and retry.read == 0  # a silent host is not asked twice


def test_429_retry_after_is_honoured(httpserver: HTTPServer):
    answers = iter([("busy", 429, {"Retry-After": "1"}), ("done", 200, {})])

    def handler(request):
        from werkzeug import Response

        body, status, headers = next(answers)
        return Response(body, status=status, headers=headers)

    httpserver.expect_request("/x").respond_with_handler(handler)
    started = time.perf_counter()
    response = http_session().get(httpserver.url_for("/x"))
    elapsed = time.perf_counter() - started
    assert response.text == "done" and len(httpserver.log) == 2
    assert 0.9 <= elapsed < 3


def test_post_goes_through_the_same_retries(httpserver: HTTPServer):
    httpserver.expect_request("/q", method="POST").respond_with_data("oops", status=503)
    response = http_session(retries=2, backoff=0.01).post(httpserver.url_for("/q"), json={"a": 1})
    assert response.status_code == 503 and len(httpserver.log) == 3


def test_unresolvable_host_costs_little_and_is_remembered(monkeypatch: pytest.MonkeyPatch, recorded_dir: Path):
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", "http://no-such-host.invalid")
    started = time.perf_counter()
    with pytest.warns(SourceFallbackWarning, match="no-such-host.invalid cannot be looked up"):
        path = fetch("statfi_wfs_kunta4500k", year=2020, offline=False)
    first = time.perf_counter() - started
    assert path == recorded_dir / "statfi-wfs-kunta4500k-recorded" / WFS_2020
    started = time.perf_counter()
    for year in (2013, 2021, 2023):
        fetch("nls_kuntajako_4500k", year=year, offline=False)
    again = time.perf_counter() - started
    assert first < download.DNS_TIMEOUT + 1 and again < 0.5


def test_resolver_that_never_answers_costs_the_dns_deadline_once(monkeypatch: pytest.MonkeyPatch, recorded_dir: Path):
    release = threading.Event()
    real = socket.getaddrinfo

    def silent_resolver(host, *args, **kwargs):
        if host == "geo.stat.fi" or host.endswith(".stat.fi") or "github" in host:
            release.wait(30)  # a name server that does not answer (the resolver's own timeout is longer)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", silent_resolver)
    started = time.perf_counter()
    try:
        with pytest.warns(SourceFallbackWarning, match="name server did not answer"):
            paths = [fetch("statfi_wfs_kunta4500k", year=2019, offline=False),
                     fetch("statfi_wfs_kunta4500k", year=2020, offline=False),
                     fetch("nls_kuntajako_4500k", year=2023, offline=False),
                     fetch("nls_maakuntajako_4500k", year=2023, offline=False),
                     fetch("syke_alas_road_transport", filename="alas_luokat.csv", offline=False)]
        elapsed = time.perf_counter() - started
    finally:
        release.set()
    assert all(p.is_relative_to(recorded_dir) for p in paths)
    assert elapsed < download.DNS_TIMEOUT + 1.0, f"{elapsed:.1f} s for five sources on three hosts"


def test_blackholed_port_costs_the_connect_timeout_once(blackhole: int, monkeypatch: pytest.MonkeyPatch,
                                                        recorded_dir: Path, tmp_path: Path):
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", f"http://127.0.0.1:{blackhole}")
    monkeypatch.setenv("RVANALYTICS_CONNECT_TIMEOUT", "1.5")
    started = time.perf_counter()
    with pytest.warns(SourceFallbackWarning, match="no connection within the connect timeout"):
        _fetch_years("statfi_wfs_kunta4500k", (2019, 2020))
    for year in (2013, 2021, 2023):
        assert fetch("nls_kuntajako_4500k", year=year, offline=False).is_relative_to(recorded_dir)
    elapsed = time.perf_counter() - started
    assert 1.4 < elapsed < 1.5 + 1.0, f"{elapsed:.1f} s"
    assert not _downloads(tmp_path / "data")


def test_blackholed_network_costs_two_connect_timeouts(monkeypatch: pytest.MonkeyPatch, recorded_dir: Path):
    """Every official host behind its own blackhole: the second timeout marks the network down."""
    from rvanalytics.pxweb import PxWebClient

    holes = [_blackhole() for _ in range(3)]
    ports = [listener.getsockname()[1] for listener, _ in holes]
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", f"geo.stat.fi=http://127.0.0.1:{ports[0]},"
                       f"raw.githubusercontent.com=http://127.0.0.1:{ports[1]},pxdata.stat.fi=http://127.0.0.1:{ports[2]}")
    monkeypatch.setenv("RVANALYTICS_CONNECT_TIMEOUT", "1")
    started = time.perf_counter()
    try:
        with pytest.warns(SourceFallbackWarning):
            paths = [*_fetch_years("statfi_wfs_kunta4500k", (2019, 2020)), *_fetch_years("nls_kuntajako_4500k", (2013, 2021, 2023))]
        with pytest.raises(SourceUnavailableError, match="did not accept a connection"):
            PxWebClient(cache=False).metadata("StatFin/11re.px")
        elapsed = time.perf_counter() - started
    finally:
        for listener, fillers in holes:
            for sock in [*fillers, listener]:
                sock.close()
    assert all(p.is_relative_to(recorded_dir) for p in paths)
    assert 1.9 < elapsed < 2 * 1 + 1, f"{elapsed:.1f} s"


def test_silent_server_costs_the_read_timeout_once(monkeypatch: pytest.MonkeyPatch, recorded_dir: Path, tmp_path: Path):
    """A server that accepts connections and never answers: one read timeout, then remembered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("RVANALYTICS_READ_TIMEOUT", "1")
    started = time.perf_counter()
    try:
        with pytest.warns(SourceFallbackWarning, match="stopped answering"):
            _fetch_years("nls_kuntajako_4500k", (2013, 2021, 2023))
        elapsed = time.perf_counter() - started
    finally:
        listener.close()
    assert 0.9 < elapsed < 2.5, f"{elapsed:.1f} s"
    assert not _downloads(tmp_path / "data")


def test_behind_a_proxy_only_the_proxy_is_looked_up(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch):
    """Machines whose DNS knows only the proxy: the target name is left to the proxy."""
    httpserver.expect_request("/geoserver/wfs").respond_with_data("via the proxy")
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/").rstrip("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert http_session().get("http://geo.stat.fi.invalid/geoserver/wfs").text == "via the proxy"


def test_bad_timeout_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer):
    monkeypatch.setenv("RVANALYTICS_READ_TIMEOUT", "soon")
    with pytest.raises(SourceUnavailableError, match="RVANALYTICS_READ_TIMEOUT='soon'"):
        http_session().get(httpserver.url_for("/x"))


def test_connection_refused_is_described():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(requests.ConnectionError) as info:
        http_session().get(f"http://127.0.0.1:{port}/x")
    assert download.describe_error(info.value) == "the connection failed (refused or reset)"


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
