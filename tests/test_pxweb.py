"""PxWeb v1 client: metadata, JSON-stat2 parser against the recorded responses; HTTP logic with a fake session."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError, SourceUnavailableError
from rvanalytics.pxweb import (
    PxWebClient,
    TableMetadata,
    Variable,
    build_query,
    count_cells,
    jsonstat_to_panel,
    parse_area_code,
    parse_jsonstat2,
    parse_metadata,
    read_jsonstat_file,
    split_query,
)


@pytest.fixture(scope="module")
def px26(recorded_dir):
    return recorded_dir / "statfin-pxweb-recorded" / "v1-2026-11re-population"


@pytest.fixture(scope="module")
def px17(recorded_dir):
    return recorded_dir / "statfin-pxweb-recorded" / "v1-2017-kuntien-avainluvut"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_metadata_2026_version_stamped(px26):
    meta = parse_metadata(_load(px26 / "api-metadata-population.json"))
    assert meta.area_variable.code == "alue_23_20260101"
    assert meta.time_variable.code == "timeperiod_y"
    assert meta.content_variable.values == ["vaerak-vaesto"]
    assert meta.division_year == 2026
    assert len(meta.area_variable.values) == 309
    levels = pd.Series([parse_area_code(v)[0] for v in meta.area_variable.values]).value_counts()
    assert levels.to_dict() == {"municipality": 308, "country": 1}
    assert meta.time_variable.values[0] == "1972" and meta.time_variable.values[-1] == "2025"


def test_metadata_2017_old_names(px17):
    meta = parse_metadata(_load(px17 / "px-table-aikasarja-response.json"))
    assert meta.area_variable.code == "Alue 2017"
    assert meta.time_variable.code == "Vuosi"
    assert meta.content_variable.code == "Tiedot"
    assert meta.division_year == 2017
    levels = pd.Series([parse_area_code(v)[0] for v in meta.area_variable.values]).value_counts().to_dict()
    assert levels == {"municipality": 311, "subregion": 70, "region": 19, "country": 1}
    assert "M411" in meta.content_variable.values


def test_parse_helsinki(px26):
    frame = read_jsonstat_file(px26 / "api-query-helsinki-population.json")
    rows = jsonstat_to_panel(frame, indicator="population", unit="persons", source="statfin_pxweb_11re")
    assert rows["year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert rows.set_index("year").loc[2025, "value"] == 694_392
    assert rows["code"].unique().tolist() == ["091"] and (rows["status"] == "").all()


def test_parse_three_cities_sorted_by_code(px26):
    frame = read_jsonstat_file(px26 / "api-query-three-cities.json")
    rows = jsonstat_to_panel(frame, indicator="population", unit="persons", source="s")
    assert dict(zip(rows["code"], rows["value"])) == {"049": 325_716, "091": 694_392, "092": 252_956}
    assert frame["alue_23_20260101_label"].tolist() == ["Espoo", "Helsinki", "Vantaa"]


def test_parse_finland(px26):
    frame = read_jsonstat_file(px26 / "api-query-population-finland.json")
    rows = jsonstat_to_panel(frame, indicator="population", unit="persons", source="s")
    assert rows["level"].unique().tolist() == ["country"]
    assert rows["value"].tolist() == [5_603_851, 5_635_971, 5_652_881]
    assert frame.attrs["updated"] == "2026-04-01T05:00:00Z"


def _dataset(values, status=None):
    obj = {"version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [2, 2],
           "role": {"geo": ["alue"], "time": ["vuosi"]},
           "dimension": {"alue": {"category": {"index": {"KU091": 0, "MK01": 1}, "label": {"KU091": "Helsinki", "MK01": "Uusimaa"}}},
                         "vuosi": {"category": {"index": ["2024", "2025"]}}},
           "value": values}
    if status is not None:
        obj["status"] = status
    return obj


def test_markers_kept_as_status():
    frame = parse_jsonstat2(_dataset([1, None, None, 4], {"1": "..", "2": "."}))
    assert frame["status"].tolist() == ["", "..", ".", ""]
    assert np.isnan(frame["value"].iloc[1]) and frame["value"].iloc[3] == 4
    # a marker written as the value itself, and a status list
    frame = parse_jsonstat2(_dataset([1, "...", 3, 4]))
    assert frame["status"].tolist() == ["", "...", "", ""]
    frame = parse_jsonstat2(_dataset([1, 2, 3, 4], ["", "", "-", ""]))
    assert frame["status"].tolist() == ["", "", "-", ""] and np.isnan(frame["value"].iloc[2])
    rows = jsonstat_to_panel(frame, indicator="x", unit="u", source="s")
    assert rows["level"].tolist() == ["municipality", "municipality", "region", "region"]
    assert rows["code"].tolist() == ["091", "091", "01", "01"]


def test_parser_rejects_wrong_shapes():
    with pytest.raises(DataFileError, match="JSON-stat 2.0"):
        parse_jsonstat2({"variables": []})
    with pytest.raises(DataFileError, match="3 values for 4 cells"):
        parse_jsonstat2(_dataset([1, 2, 3]))


def test_area_codes():
    assert parse_area_code("KU091") == ("municipality", "091")
    assert parse_area_code("SK011") == ("subregion", "011")
    assert parse_area_code("MK21") == ("region", "21")
    assert parse_area_code("SSS") == ("country", "SSS")
    assert parse_area_code("5") == ("municipality", "005")
    assert parse_area_code("Helsinki")[0] == "other"


def test_build_query_uses_metadata_codes(px26):
    meta = parse_metadata(_load(px26 / "api-metadata-population.json"))
    body = build_query(meta, {"area": ["KU091"], "ikaryhma_10_20180101": ["SSS"], "Sukupuoli": ["SSS"], "time": ("top", 5)})
    # the recorded request body of the Helsinki response
    assert body["query"][0] == {"code": "alue_23_20260101", "selection": {"filter": "item", "values": ["KU091"]}}
    assert body["query"][3] == {"code": "timeperiod_y", "selection": {"filter": "top", "values": ["5"]}}
    assert body["response"] == {"format": "json-stat2"}
    assert count_cells(body, meta) == 5
    with pytest.raises(Exception, match="not in variable"):
        build_query(meta, {"area": ["KU999"]})


def test_split_query_respects_cell_limit(px26):
    meta = parse_metadata(_load(px26 / "api-metadata-population.json"))
    body = build_query(meta, {"area": "*", "ikaryhma_10_20180101": "*", "time": "*"})
    total = count_cells(body, meta)
    assert total == 309 * 102 * 54
    parts = split_query(body, meta, 100_000)
    assert all(count_cells(p, meta) <= 100_000 for p in parts)
    assert sum(count_cells(p, meta) for p in parts) == total


# ---------------------------------------------------------------- HTTP against a local server
# PxWebClient goes through rvanalytics.download.http_session (the one HTTP path); the server is
# pytest-httpserver on the loopback, reached through RVANALYTICS_SOURCE_BASE_URL at official paths.

PX_PATH = "/PxWeb/api/v1/fi/StatFin/x.px"


@pytest.fixture
def px_base(httpserver, monkeypatch, tmp_path):
    from rvanalytics import download

    download.reset_hosts()
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RVANALYTICS_SOURCE_BASE_URL", httpserver.url_for("/").rstrip("/"))
    yield "https://pxdata.stat.fi/PxWeb/api/v1"
    download.reset_hosts()


def _meta_small():
    return TableMetadata("t", [Variable("alue", "Alue", ["KU091", "KU049", "KU092", "SSS"], ["H", "E", "V", "K"], True, map="Alue 2026"),
                               Variable("vuosi", "Vuosi", ["2024", "2025"], ["2024", "2025"], time=True)])


def _answer(body):
    areas = body["query"][0]["selection"]["values"]
    years = ["2024", "2025"]
    return {"version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [len(areas), 2],
            "role": {"geo": ["alue"], "time": ["vuosi"]},
            "dimension": {"alue": {"category": {"index": {a: i for i, a in enumerate(areas)}}},
                          "vuosi": {"category": {"index": {y: i for i, y in enumerate(years)}}}},
            "value": list(range(len(areas) * 2))}


def _json_answer(request):
    from werkzeug import Response

    return Response(json.dumps(_answer(request.get_json())), content_type="application/json")


def test_429_backoff_honours_retry_after(httpserver, px_base):
    import time

    from werkzeug import Response

    calls = []

    def handler(request):
        calls.append(request.get_json())
        if len(calls) == 1:
            return Response("Too Many Requests", status=429, headers={"Retry-After": "1"})
        return _json_answer(request)

    httpserver.expect_request(PX_PATH, method="POST").respond_with_handler(handler)
    started = time.perf_counter()
    frame = PxWebClient(px_base, cache=False).query("StatFin/x.px", {"area": ["KU091"], "time": "*"}, metadata=_meta_small())
    assert 0.9 < time.perf_counter() - started < 3
    assert len(calls) == 2 and calls[0] == calls[1]  # the same POST body sent again
    assert len(frame) == 2


def test_429_gives_up_after_retries(httpserver, px_base):
    from rvanalytics.download import http_session

    httpserver.expect_request(PX_PATH, method="POST").respond_with_data("slow down", status=429)
    client = PxWebClient(px_base, session=http_session(retries=2, backoff=0.01))
    with pytest.raises(SourceUnavailableError, match="429") as info:
        client.query("StatFin/x.px", {"area": ["KU091"]}, metadata=_meta_small())
    assert len(httpserver.log) == 3 and "\n" not in str(info.value)


def test_cell_limit_splits_posts(httpserver, px_base):
    httpserver.expect_request(PX_PATH, method="POST").respond_with_handler(_json_answer)
    client = PxWebClient(px_base, cache=False, max_cells=4)
    frame = client.query("StatFin/x.px", {"area": "*", "time": "*"}, metadata=_meta_small())
    posts = [json.loads(req.data) for req, _ in httpserver.log]
    assert len(posts) == 2  # 8 cells, at most 4 per query
    assert all(len(p["query"][0]["selection"]["values"]) == 2 for p in posts)
    assert sorted(frame["alue"].unique()) == ["KU049", "KU091", "KU092", "SSS"]


def test_timeout_becomes_source_unavailable(httpserver, px_base, monkeypatch):
    import threading
    import time

    release = threading.Event()

    def silent(request):
        release.wait(10)
        return _json_answer(request)

    monkeypatch.setenv("RVANALYTICS_READ_TIMEOUT", "0.5")
    httpserver.expect_request("/PxWeb/api/v1/fi/StatFin/11re.px").respond_with_handler(silent)
    started = time.perf_counter()
    try:
        with pytest.raises(SourceUnavailableError, match="stopped answering"):
            PxWebClient(px_base, cache=False).metadata("StatFin/11re.px")
    finally:
        release.set()
    assert time.perf_counter() - started < 2


def test_folder_and_metadata_at_official_paths(httpserver, px_base, px17):
    httpserver.expect_request("/pxweb/api/v1/fi/Kuntien_avainluvut/2017/").respond_with_data(
        (px17 / "px-folder-response.json").read_bytes(), content_type="application/json")
    httpserver.expect_request("/pxweb/api/v1/fi/Kuntien_avainluvut/2017/kuntien_avainluvut_2017_viimeisin.px").respond_with_data(
        (px17 / "px-table-viimeisin-response.json").read_bytes(), content_type="application/json")
    client = PxWebClient("https://pxnet2.stat.fi/pxweb/api/v1", cache=False)
    items = client.list_folder("Kuntien_avainluvut/2017")
    assert items["id"].tolist() == ["kuntien_avainluvut_2017_aikasarja.px", "kuntien_avainluvut_2017_viimeisin.px"]
    parsed = client.metadata("Kuntien_avainluvut/2017/kuntien_avainluvut_2017_viimeisin.px")
    assert parsed.area_variable.code == "Alue 2017"
    assert [req.headers["Host"].split(":")[0] for req, _ in httpserver.log] == ["localhost", "localhost"]


def test_html_answer_is_a_clear_error_and_not_cached(httpserver, px_base, px26):
    meta = (px26 / "api-metadata-population.json").read_bytes()
    answers = [b"<!DOCTYPE html><html><body>Huoltokatko</body></html>", meta]

    def handler(request):
        from werkzeug import Response

        return Response(answers.pop(0), status=200, content_type="text/html" if not answers else "application/json")

    httpserver.expect_request("/PxWeb/api/v1/fi/StatFin/11re.px").respond_with_handler(handler)
    client = PxWebClient(px_base)  # with the cache
    with pytest.raises(DataFileError, match="HTML page") as info:
        client.metadata("StatFin/11re.px")
    assert "\n" not in str(info.value)
    assert client.metadata("StatFin/11re.px").area_variable.code == "alue_23_20260101"  # asked again, not cached
    assert PxWebClient(px_base).metadata("StatFin/11re.px").division_year == 2026  # now from the cache
    assert len(httpserver.log) == 2


def test_default_session_caches_under_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RVANALYTICS_DATA_DIR", str(tmp_path))
    client = PxWebClient()
    assert type(client.session).__name__ == "CachedSession"
    assert (tmp_path / "http_cache").is_dir()


@pytest.mark.network
def test_live_helsinki_population():
    client = PxWebClient(cache=False)
    meta = client.metadata("StatFin/11re.px")
    frame = client.query("StatFin/11re.px", {"area": ["KU091"], "time": ("top", 1)}, metadata=meta)
    assert frame["value"].iloc[0] > 600_000


def test_limits_set_cell_limit(httpserver, px_base):
    httpserver.expect_request("/PxWeb/api/v1/fi/", query_string="config").respond_with_json(
        {"maxValues": 120000, "maxCalls": 30, "timeWindow": 10})
    client = PxWebClient(px_base, cache=False)
    assert client.limits()["maxCalls"] == 30
    assert client.max_cells == 120_000
