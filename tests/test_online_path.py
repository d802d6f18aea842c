"""The online path, exercised: ``data build`` against the recorded official responses.

A local HTTP server (pytest-httpserver) answers at the official URL paths
(``/geoserver/wfs?…typeName=tilastointialueet:kunta4500k_2019`` for geo.stat.fi,
``/PxWeb/api/v1/fi/StatFin/11re.px`` for pxdata.stat.fi, the pinned raw.githubusercontent.com
paths) with the files in ``../shared/data``, read by path when a request comes. The package is
pointed at it with ``RVANALYTICS_SOURCE_BASE_URL``; nothing of the package is mocked.

Faults and their outcome (decided and documented in :mod:`rvanalytics.download`):

=========================  ==========================================================
fault on one file          outcome
=========================  ==========================================================
none                       store built from downloads, equal to the offline store
429 + Retry-After: 1       waits ~1 s, asks again, downloaded file used
500 (every time)           3 retries, then the recorded copy + SourceFallbackWarning
truncated body             recorded copy + warning "cut off" (Content-Length check)
HTML page, status 200      recorded copy + warning "HTML page"
wrong hash                 recorded copy + warning "does not match the hash"
slow server                read timeout (1 s here), host remembered, recorded copies
                           + one warning; the build is not slowed further
=========================  ==========================================================

Without a recorded copy each fault is one line of :class:`SourceUnavailableError`.
No case leaves a file (or a temporary file) in the download cache.

The recorded PxWeb answers are for three specific queries (Finland, Helsinki, three cities);
``data build`` asks for every municipality, which no recording answers, so the server says
so (HTTP 400) and the build uses the recorded responses and flags it, as it does offline.
The three recorded queries themselves are run online in :func:`test_pxweb_recorded_queries_online`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pyarrow.parquet as pq
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rvanalytics import download
from rvanalytics.catalogue import sources
from rvanalytics.download import SourceFallbackWarning, fetch
from rvanalytics.exceptions import RvanalyticsError, SourceUnavailableError

PX_TABLE = "/PxWeb/api/v1/fi/StatFin/11re.px"
PX_DIR = "statfin-pxweb-recorded/v1-2026-11re-population"
#: The recorded PxWeb POST answers by (areas, top n) of the recorded request (see the folder's PROVENANCE.md).
PX_QUERIES = {
    (("SSS",), 3): "api-query-population-finland.json",
    (("KU091",), 5): "api-query-helsinki-population.json",
    (("KU049", "KU091", "KU092"), 1): "api-query-three-cities.json",
}
NLS_2013 = "kuntarajat.2013.json"
WFS_2019 = "kunta4500k_2019_getfeature_wfs100_gml2.xml"


@dataclass
class Route:
    source_id: str
    url: str
    file: Path

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path)


@dataclass
class OfficialServer:
    """The recorded official files behind a local server, with faults to inject per file."""

    server: HTTPServer
    routes: dict[str, Route]
    faults: dict[str, list[str]] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    hits: dict[str, int] = field(default_factory=dict)

    def fault(self, name: str, *kinds: str) -> None:
        """Answer the next requests for recorded file ``name`` with ``kinds`` (then normally)."""
        self.faults[name] = list(kinds)

    def answer(self, name: str, data: bytes, content_type: str) -> Response:
        self.hits[name] = self.hits.get(name, 0) + 1
        kind = self.faults[name].pop(0) if self.faults.get(name) else None
        if kind == "429":
            return Response("Too Many Requests", status=429, headers={"Retry-After": "1"})
        if kind == "500":
            return Response("Internal Server Error", status=500)
        if kind == "truncated":
            half = data[: len(data) // 2]
            return Response(iter([half]), headers={"Content-Length": str(len(data))},
                            content_type=content_type, direct_passthrough=True)
        if kind == "html":
            return Response("<!DOCTYPE html><html><body><h1>Palvelu on tilapäisesti poissa käytöstä</h1>"
                            "</body></html>", status=200, content_type="text/html")
        if kind == "wrong_hash":
            return Response(data + b"\n", content_type=content_type)
        if kind == "slow":
            self.release.wait(20)
        return Response(data, content_type=content_type)


def _file_routes(recorded_dir: Path) -> dict[str, Route]:
    """Every recorded file whose official URL the catalogue can fill in from the file's params."""
    routes = {}
    for source in sources().values():
        if source.url is None or source.recorded_dir is None:
            continue
        for rec in source.recorded_files:
            if not rec.params:
                continue
            try:
                url = source.official_url(**rec.params)
            except RvanalyticsError:
                continue
            routes[rec.name] = Route(source.id, url, recorded_dir / source.recorded_dir / rec.name)
    return routes


def _content_type(name: str) -> str:
    return {"xml": "text/xml; subtype=gml/2.1.2", "json": "application/json", "csv": "text/csv"}[name.rsplit(".", 1)[1]]


@pytest.fixture
def official(httpserver: HTTPServer, recorded_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The official hosts served from the recorded files; a fresh cache and download state."""
    routes = _file_routes(recorded_dir)
    served = OfficialServer(httpserver, routes)
    for name, route in routes.items():
        query = dict(parse_qsl(urlsplit(route.url).query))

        def handler(request: Request, name: str = name, route: Route = route) -> Response:
            return served.answer(name, route.file.read_bytes(), _content_type(name))

        httpserver.expect_request(route.path, method="GET", query_string=query or None).respond_with_handler(handler)

    px = recorded_dir / PX_DIR

    def px_metadata(request: Request) -> Response:
        return served.answer("api-metadata-population.json", (px / "api-metadata-population.json").read_bytes(),
                             "application/json")

    def px_query(request: Request) -> Response:
        body = json.loads(request.data)
        selection = {q["code"]: q["selection"] for q in body["query"]}
        area = tuple(sorted(selection.get("alue_23_20260101", {}).get("values", [])))
        time_sel = selection.get("timeperiod_y", {})
        top = int(time_sel["values"][0]) if time_sel.get("filter") == "top" else None
        others = [selection.get(c) for c in ("ikaryhma_10_20180101", "sukupuoli_9_20180101")]
        name = PX_QUERIES.get((area, top)) if all(o == {"filter": "item", "values": ["SSS"]} for o in others) else None
        if name is None:
            return Response("no recorded answer for this query", status=400)
        return served.answer(name, (px / name).read_bytes(), "application/json")

    httpserver.expect_request(PX_TABLE, method="GET").respond_with_handler(px_metadata)
    httpserver.expect_request(PX_TABLE, method="POST").respond_with_handler(px_query)

    download.reset_hosts()
    monkeypatch.delenv("RVANALYTICS_OFFLINE", raising=False)
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RVANALYTICS_STORE", str(tmp_path / "store"))
    yield served
    served.release.set()
    download.reset_hosts()


def _plain(name: str) -> str:
    """The recorded file's name of a cached download (``year-2013_kuntarajat.2013.json``)."""
    return name.split("_", 1)[-1] if name.startswith("year-") else name


def _cache_files(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "data" / "downloads"
    return {_plain(p.name): p for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def _no_temporary_files(tmp_path: Path) -> None:
    leftovers = [p for p in (tmp_path / "data").rglob("*.tmp")]
    assert not leftovers, leftovers


def _tables(store: Path) -> list[str]:
    return sorted(str(p.relative_to(store)) for p in store.rglob("*.parquet"))


def _assert_same_store(online: Path, offline: Path) -> None:
    """Every table equal; the flags may add only the note that the live PxWeb query was not answered."""
    assert _tables(online) == _tables(offline)
    for rel in _tables(offline):
        if rel == "panel_flags.parquet":
            continue
        assert pq.read_table(online / rel).equals(pq.read_table(offline / rel)), rel
    on = pq.read_table(online / "panel_flags.parquet").to_pandas()
    off = pq.read_table(offline / "panel_flags.parquet").to_pandas()
    extra = on[~on["reason"].isin(off["reason"])]
    assert len(on) == len(off) + len(extra)
    assert extra["source"].tolist() == ["statfin_pxweb_11re"], extra
    assert "live PxWeb query failed" in extra["reason"].iloc[0]


def _origins(manifest: dict) -> dict[str, str]:
    return {_plain(Path(f["path"]).name): f["origin"] for s in manifest["sources"] for f in s.get("files", []) if "origin" in f}


def _build(tmp_path: Path) -> tuple[dict, float, list[warnings.WarningMessage]]:
    from rvanalytics.store import build_store

    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = build_store(tmp_path / "store", offline=False, progress=False)
    return manifest, time.perf_counter() - started, [w for w in caught if issubclass(w.category, SourceFallbackWarning)]


def test_routes_are_the_official_paths(official: OfficialServer):
    paths = {(r.path, urlsplit(r.url).query) for r in official.routes.values()}
    assert ("/geoserver/wfs", "service=WFS&version=1.0.0&request=GetFeature&typeName=tilastointialueet:kunta4500k_2019") in paths
    assert ("/samilaine/hallinnollisetrajat/03f9203007160ef67177c8a5c6f3463cbf57af46/kuntarajat.2013.json", "") in paths
    assert ("/jtuomist/watch_network/c0cf882bd15c9ece1cd9fab2e282b9d9d07c58a1/TIELIIKENNE_ALas 1.1_web_lipasto.csv", "") in paths
    hosts = {urlsplit(r.url).hostname for r in official.routes.values()}
    assert hosts == {"geo.stat.fi", "raw.githubusercontent.com"}


def test_data_build_online_equals_offline(official: OfficialServer, store: Path, tmp_path: Path):
    manifest, _, fallbacks = _build(tmp_path)
    assert not fallbacks, [str(w.message) for w in fallbacks]
    _assert_same_store(tmp_path / "store", store)
    origins = _origins(manifest)
    downloaded = {name for name, origin in origins.items() if origin == "official download"}
    assert {"kuntarajat.2013.json", "kuntarajat.2021.json", "kuntarajat.2023.json", "maakuntarajat.2023.json",
            WFS_2019, "kunta4500k_2020_getfeature_wfs100_gml2.xml",
            "TIELIIKENNE_ALas_1.1_web_lipasto.csv", "alas_luokat.csv"} <= downloaded
    assert set(_cache_files(tmp_path)) >= downloaded
    assert official.hits["api-metadata-population.json"] == 1  # the live PxWeb path was taken
    _no_temporary_files(tmp_path)
    # A second build reads the cache: no new requests for files.
    before = sum(official.hits.values())
    download.reset_hosts()
    _build(tmp_path)
    assert sum(official.hits.values()) == before  # files from the download cache, PxWeb metadata from the HTTP cache


@pytest.mark.parametrize(
    ("kind", "file", "hits", "message"),
    [
        ("500", NLS_2013, 4, "answered HTTP 500 INTERNAL SERVER ERROR after 3 retries"),
        ("truncated", NLS_2013, 1, "cut off before its end"),
        ("html", NLS_2013, 1, "HTML page instead of the geojson file"),
        ("wrong_hash", NLS_2013, 1, "does not match the hash"),
    ],
)
def test_data_build_falls_back_with_a_warning(official: OfficialServer, store: Path, tmp_path: Path,
                                              kind: str, file: str, hits: int, message: str):
    official.fault(file, *[kind] * hits)
    manifest, _, fallbacks = _build(tmp_path)
    assert official.hits[file] == hits
    assert len(fallbacks) == 1 and message in str(fallbacks[0].message), [str(w.message) for w in fallbacks]
    assert "\n" not in str(fallbacks[0].message) and "recorded copy" in str(fallbacks[0].message)
    assert _origins(manifest)[file].startswith("recorded copy")
    assert file not in _cache_files(tmp_path) and "kuntarajat.2021.json" in _cache_files(tmp_path)
    _no_temporary_files(tmp_path)
    _assert_same_store(tmp_path / "store", store)


def test_data_build_waits_for_retry_after(official: OfficialServer, store: Path, tmp_path: Path):
    official.fault(WFS_2019, "429")
    manifest, seconds, fallbacks = _build(tmp_path)
    assert not fallbacks and official.hits[WFS_2019] == 2
    assert _origins(manifest)[WFS_2019] == "official download"
    assert seconds >= 1.0
    _assert_same_store(tmp_path / "store", store)


def test_data_build_with_a_slow_server_times_out_once(official: OfficialServer, store: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RVANALYTICS_READ_TIMEOUT", "1")
    official.fault(NLS_2013, "slow")
    manifest, seconds, fallbacks = _build(tmp_path)
    official.release.set()
    assert len(fallbacks) == 1 and "stopped answering" in str(fallbacks[0].message)
    assert not _cache_files(tmp_path)
    assert official.hits == {NLS_2013: 1}  # the host is remembered: nothing else was asked of it
    assert all(origin.startswith("recorded copy") for origin in _origins(manifest).values())
    _assert_same_store(tmp_path / "store", store)
    _no_temporary_files(tmp_path)
    # One read timeout, not one per source: the hits above show no second request was made. The
    # build's wall time is not asserted here (it depends on the machine's load); the time of the
    # timeout itself is bounded in test_fault_without_recorded_copy_is_one_line[slow].
    assert seconds >= 1.0


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("500", "answered HTTP 500"),
        ("truncated", "cut off before its end"),
        ("html", "HTML page"),
        ("wrong_hash", "does not match the hash"),
        ("slow", "stopped answering"),
    ],
)
def test_fault_without_recorded_copy_is_one_line(official: OfficialServer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, kind: str, message: str):
    monkeypatch.setattr(download, "recorded_dir", lambda: tmp_path / "empty")
    monkeypatch.setenv("RVANALYTICS_READ_TIMEOUT", "1")
    official.fault(NLS_2013, *[kind] * 4)
    started = time.perf_counter()
    with pytest.raises(SourceUnavailableError) as info:
        fetch("nls_kuntajako_4500k", year=2013)
    official.release.set()
    text = str(info.value)
    assert message in text and "\n" not in text and "Fix:" in text
    assert "https://raw.githubusercontent.com/samilaine/" in text  # names the official URL
    assert time.perf_counter() - started < 6
    assert not _cache_files(tmp_path)
    _no_temporary_files(tmp_path)


def test_pxweb_recorded_queries_online(official: OfficialServer, recorded_dir: Path):
    """The three recorded PxWeb POSTs, built from the served metadata, give the recorded answers."""
    import pandas as pd

    from rvanalytics.pxweb import PxWebClient, read_jsonstat_file

    client = PxWebClient()
    meta = client.metadata("StatFin/11re.px")
    assert meta.division_year == 2026
    for (areas, top), name in PX_QUERIES.items():
        if name == "api-query-three-cities.json":
            official.fault(name, "429")
        frame = client.query("StatFin/11re.px", {"area": list(areas), "ikaryhma_10_20180101": ["SSS"],
                                                 "sukupuoli_9_20180101": ["SSS"], "time": ("top", top)}, metadata=meta)
        expected = read_jsonstat_file(recorded_dir / PX_DIR / name)
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected.reset_index(drop=True))
    assert official.hits["api-query-three-cities.json"] == 2  # the 429 was retried
    # Answers are cached under RVANALYTICS_DATA_DIR: asking again sends nothing.
    before = dict(official.hits)
    PxWebClient().query("StatFin/11re.px", {"area": ["SSS"], "ikaryhma_10_20180101": ["SSS"],
                                            "sukupuoli_9_20180101": ["SSS"], "time": ("top", 3)}, metadata=meta)
    assert official.hits == before


def test_cli_data_build_online(official: OfficialServer, store: Path, tmp_path: Path):
    """The whole command in its own process, against the server (which runs in this one)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "RVANALYTICS_OFFLINE"}
    official.fault(NLS_2013, "html")
    proc = subprocess.run([sys.executable, "-m", "rvanalytics", "data", "build", "--store", str(tmp_path / "store")],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Store built" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert "HTML page" in proc.stderr and "recorded copy" in proc.stderr  # the fallback is said, on stderr
    assert "kuntarajat.2021.json" in _cache_files(tmp_path) and NLS_2013 not in _cache_files(tmp_path)
    _assert_same_store(tmp_path / "store", store)
