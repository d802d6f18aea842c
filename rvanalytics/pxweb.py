"""Statistics Finland PxWeb API (v1) client and JSON-stat2 parser.

PxWeb v1 has three calls: GET on a folder lists its items, GET on a table (``….px``)
returns its metadata (variables with codes, values and texts), POST on a table with a
query returns the data (here always ``json-stat2``).

Variable codes are read from the metadata, never hard-coded: since June 2026 they are
version-stamped (``alue_23_20260101``, ``timeperiod_y``, ``contentscode``) and table paths
are short (``StatFin/11re.px``); older tables use names like ``Alue 2017``, ``Vuosi``,
``Tiedot``. Area codes are ``KU###`` (municipality), ``MK##`` (region), ``SK###``
(sub-region), ``SSS`` (whole country) or an unprefixed ``"091"`` in old tables.

Statistical markers (``.``, ``..``, ``...``, ``-`` …) are kept in a ``status`` column
(value NaN) instead of silently becoming NaN.

Examples
--------
>>> parse_area_code("KU091"), parse_area_code("MK01"), parse_area_code("SSS"), parse_area_code("091")
(('municipality', '091'), ('region', '01'), ('country', 'SSS'), ('municipality', '091'))
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import requests

from rvanalytics.exceptions import DataFileError, RvanalyticsError, SourceUnavailableError

__all__ = [
    "DEFAULT_BASE_URL",
    "PxWebClient",
    "TableMetadata",
    "Variable",
    "build_query",
    "count_cells",
    "jsonstat_to_panel",
    "parse_area_code",
    "parse_jsonstat2",
    "parse_metadata",
    "read_jsonstat_file",
    "split_query",
]

DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
#: Statistics Finland's documented limit of cells per query (``?config`` reports the live value).
DEFAULT_MAX_CELLS = 100_000

_AREA_PREFIXES = {"KU": ("municipality", 3), "MK": ("region", 2), "SK": ("subregion", 3)}


def parse_area_code(code: str) -> tuple[str, str]:
    """(level, code) of a PxWeb area code: ``KU091`` -> ("municipality", "091"),
    ``MK01`` -> ("region", "01"), ``SK011`` -> ("subregion", "011"), ``SSS`` -> ("country", "SSS"),
    ``"091"`` -> ("municipality", "091"). Anything else -> ("other", code)."""
    text = str(code).strip()
    if text.upper() == "SSS":
        return "country", "SSS"
    prefix = text[:2].upper()
    if prefix in _AREA_PREFIXES and text[2:].isdigit():
        level, width = _AREA_PREFIXES[prefix]
        return level, text[2:].zfill(width)
    if text.isdigit() and len(text) <= 3:
        return "municipality", text.zfill(3)
    return "other", text


@dataclass
class Variable:
    """One variable of a PxWeb table."""

    code: str
    text: str
    values: list[str]
    value_texts: list[str]
    elimination: bool = False
    time: bool = False
    map: str | None = None


@dataclass
class TableMetadata:
    """Metadata of a PxWeb table (GET on the ``.px`` path)."""

    title: str
    variables: list[Variable] = field(default_factory=list)

    def variable(self, name: str) -> Variable:
        """A variable by code, text, or role (``"area"``, ``"time"``, ``"content"``)."""
        role = {"area": self.area_variable, "time": self.time_variable, "content": self.content_variable}
        if name in role:
            found = role[name]
            if found is None:
                raise RvanalyticsError(f"table {self.title!r} has no {name} variable")
            return found
        for var in self.variables:
            if name in (var.code, var.text):
                return var
        raise RvanalyticsError(f"table {self.title!r} has no variable {name!r}; variables: "
                               + ", ".join(v.code for v in self.variables))

    @property
    def area_variable(self) -> Variable | None:
        for var in self.variables:
            if var.map or re.match(r"^(alue|area|region|kunta)", var.code, re.IGNORECASE):
                return var
        return None

    @property
    def time_variable(self) -> Variable | None:
        for var in self.variables:
            if var.time:
                return var
        for var in self.variables:
            if var.code.lower() in {"vuosi", "timeperiod_y", "year", "år"}:
                return var
        return None

    @property
    def content_variable(self) -> Variable | None:
        for var in self.variables:
            if var.code.lower() in {"contentscode", "tiedot", "information", "uppgifter"}:
                return var
        return None

    @property
    def division_year(self) -> int | None:
        """Area division year: from ``map`` ("Alue 2026"), a code like ``Alue 2017`` or a stamp ``…_20260101``."""
        var = self.area_variable
        if var is None:
            return None
        for text in (var.map or "", var.code, var.text):
            match = re.search(r"(?:_|\s)((?:19|20)\d{2})(?:0101)?$", text)
            if match:
                return int(match.group(1))
        return None


def parse_metadata(obj: Mapping[str, Any], path: str | Path | None = None) -> TableMetadata:
    """Table metadata from the GET response (``{title, variables: [{code, text, values, valueTexts, …}]}``)."""
    try:
        variables = [
            Variable(code=v["code"], text=v.get("text", v["code"]), values=list(v["values"]),
                     value_texts=list(v.get("valueTexts", v["values"])), elimination=bool(v.get("elimination", False)),
                     time=bool(v.get("time", False)), map=v.get("map"))
            for v in obj["variables"]
        ]
    except (KeyError, TypeError) as err:
        raise DataFileError(path or "<PxWeb response>", f"not PxWeb table metadata (missing {err})",
                            "GET the .px table path (not a folder) to get metadata") from None
    return TableMetadata(title=str(obj.get("title", "")), variables=variables)


def _status_at(status: Any, i: int) -> str:
    if status is None:
        return ""
    if isinstance(status, str):
        return status
    if isinstance(status, list):
        return status[i] if i < len(status) and status[i] is not None else ""
    if isinstance(status, dict):
        return status.get(str(i), "") or ""
    return ""


def parse_jsonstat2(obj: Mapping[str, Any], path: str | Path | None = None) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a long DataFrame.

    One column per dimension (category codes, in the dataset's ``id`` order), one
    ``<dimension>_label`` column each, ``value`` (float; NaN where a marker stands) and
    ``status`` (``""`` or the statistical marker, e.g. ``".."``). Attributes ``roles``
    and ``updated`` are set on the result's ``attrs``.

    Examples
    --------
    >>> obj = {"version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": [2, 1],
    ...        "dimension": {"alue": {"category": {"index": {"KU091": 0, "KU049": 1}}},
    ...                      "vuosi": {"category": {"index": ["2025"]}}},
    ...        "value": [694392, None], "status": {"1": ".."}}
    >>> parse_jsonstat2(obj)[["alue", "value", "status"]].to_dict("records")
    [{'alue': 'KU091', 'value': 694392.0, 'status': ''}, {'alue': 'KU049', 'value': nan, 'status': '..'}]
    """
    where = path or "<PxWeb response>"
    if not isinstance(obj, Mapping) or obj.get("class") != "dataset" or "id" not in obj:
        raise DataFileError(where, "not a JSON-stat 2.0 dataset (no class 'dataset' / 'id')",
                            "ask the API for response format json-stat2")
    ids = list(obj["id"])
    sizes = list(obj["size"])
    codes: list[list[str]] = []
    labels: list[list[str]] = []
    for dim, size in zip(ids, sizes):
        cat = obj["dimension"][dim]["category"]
        index = cat.get("index")
        if index is None:
            order = list(cat.get("label", {}).keys())
        elif isinstance(index, list):
            order = list(index)
        else:
            order = [k for k, _ in sorted(index.items(), key=lambda kv: kv[1])]
        if len(order) != size:
            raise DataFileError(where, f"dimension {dim!r} has {len(order)} categories but size says {size}",
                                "the response is truncated or corrupt; query again")
        codes.append(order)
        lab = cat.get("label", {})
        labels.append([str(lab.get(c, c)) for c in order])
    total = math.prod(sizes)
    raw_values = obj.get("value", [])
    if isinstance(raw_values, dict):
        values = [raw_values.get(str(i)) for i in range(total)]
    else:
        values = list(raw_values)
    if len(values) != total:
        raise DataFileError(where, f"{len(values)} values for {total} cells", "the response is truncated; query again")
    grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij") if ids else []
    frame = pd.DataFrame({dim: np.asarray(codes[k], dtype=object)[grids[k].ravel()] for k, dim in enumerate(ids)})
    for k, dim in enumerate(ids):
        frame[f"{dim}_label"] = np.asarray(labels[k], dtype=object)[grids[k].ravel()]
    frame = frame.astype({c: "str" for c in frame.columns})
    status = obj.get("status")
    numbers = np.full(total, np.nan)
    statuses = []
    for i, v in enumerate(values):
        st = _status_at(status, i)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers[i] = float(v)
        elif isinstance(v, str):
            text = v.strip()
            try:
                numbers[i] = float(text)
            except ValueError:
                st = st or text  # a marker written into the value itself
        elif v is None and not st:
            st = ".."
        statuses.append(st)
    frame["value"] = numbers
    frame["status"] = pd.Series(statuses, dtype="str")
    frame.loc[frame["status"] != "", "value"] = np.nan
    frame.attrs["roles"] = dict(obj.get("role", {}))
    frame.attrs["updated"] = obj.get("updated")
    frame.attrs["label"] = obj.get("label")
    return frame


def read_jsonstat_file(path: str | Path) -> pd.DataFrame:
    """:func:`parse_jsonstat2` of a saved response file."""
    from rvanalytics.readers._common import read_text

    text, _ = read_text(path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFileError(path, f"not valid JSON ({err.msg})", "save the API response as is", row=err.lineno) from None
    return parse_jsonstat2(obj, path)


def jsonstat_to_panel(frame: pd.DataFrame, *, indicator: str, unit: str, source: str,
                      area: str | None = None, time: str | None = None) -> pd.DataFrame:
    """Panel rows from a parsed JSON-stat2 frame with one content and area × time.

    ``area``/``time`` default to the dataset roles ``geo``/``time``. Area codes become
    ``level`` + ``code`` with :func:`parse_area_code`.
    """
    roles = frame.attrs.get("roles", {})
    area = area or (roles.get("geo") or [None])[0]
    time = time or (roles.get("time") or [None])[0]
    if area is None or time is None:
        raise RvanalyticsError("cannot tell the area and time dimensions; pass area= and time=")
    parsed = frame[area].map(parse_area_code)
    return pd.DataFrame({
        "level": parsed.map(lambda t: t[0]).astype("str"),
        "code": parsed.map(lambda t: t[1]).astype("str"),
        "year": frame[time].astype("int64"),
        "indicator": indicator,
        "value": frame["value"].astype("float64"),
        "unit": unit,
        "source": source,
        "status": frame["status"].astype("str"),
    })


Selection = str | Sequence[str] | tuple[str, int]


def build_query(metadata: TableMetadata, selections: Mapping[str, Any]) -> dict[str, Any]:
    """A PxWeb v1 POST body (json-stat2) from ``{variable: selection}``.

    Keys are variable codes, texts or roles (``"area"``, ``"time"``, ``"content"``).
    A selection is a list of value codes, ``"*"`` (all values), or ``("top", n)``.
    Variables not given are left out when they can be eliminated, otherwise all values are selected.

    Examples
    --------
    >>> meta = TableMetadata("t", [Variable("alue_23_20260101", "Alue", ["SSS", "KU091"], ["KOKO MAA", "Helsinki"], True,
    ...                                     map="Alue 2026"), Variable("timeperiod_y", "Vuosi", ["2024", "2025"], ["2024", "2025"], time=True)])
    >>> build_query(meta, {"area": ["KU091"], "time": ("top", 1)})["query"][0]["code"]
    'alue_23_20260101'
    """
    chosen: dict[str, Any] = {}
    for name, sel in selections.items():
        chosen[metadata.variable(name).code] = sel
    query = []
    for var in metadata.variables:
        sel = chosen.get(var.code)
        if sel is None:
            if var.elimination:
                continue
            sel = "*"
        if isinstance(sel, tuple) and len(sel) == 2 and sel[0] == "top":
            query.append({"code": var.code, "selection": {"filter": "top", "values": [str(int(sel[1]))]}})
        elif isinstance(sel, str) and sel in {"*", "all"}:
            query.append({"code": var.code, "selection": {"filter": "all", "values": ["*"]}})
        else:
            values = [sel] if isinstance(sel, str) else [str(v) for v in sel]
            unknown = [v for v in values if v not in var.values]
            if unknown:
                raise RvanalyticsError(f"values {unknown[:5]} are not in variable {var.code!r} of {metadata.title!r}")
            query.append({"code": var.code, "selection": {"filter": "item", "values": values}})
    return {"query": query, "response": {"format": "json-stat2"}}


def _selection_size(var: Variable, selection: Mapping[str, Any]) -> int:
    kind = selection["filter"]
    if kind == "all":
        return len(var.values)
    if kind == "top":
        return min(int(selection["values"][0]), len(var.values))
    return len(selection["values"])


def count_cells(query: Mapping[str, Any], metadata: TableMetadata) -> int:
    """Cells a query asks for (eliminated variables count 1)."""
    by_code = {v.code: v for v in metadata.variables}
    return math.prod(_selection_size(by_code[q["code"]], q["selection"]) for q in query["query"])


def split_query(query: Mapping[str, Any], metadata: TableMetadata, max_cells: int) -> list[dict[str, Any]]:
    """Split a query into queries of at most ``max_cells`` cells by chunking its largest selection.

    ``all`` selections are expanded to their value lists; ``top`` selections are kept whole.
    """
    if count_cells(query, metadata) <= max_cells:
        return [json.loads(json.dumps(query))]
    by_code = {v.code: v for v in metadata.variables}
    best, best_size = None, 0
    for k, q in enumerate(query["query"]):
        if q["selection"]["filter"] in {"item", "all"}:
            size = _selection_size(by_code[q["code"]], q["selection"])
            if size > best_size:
                best, best_size = k, size
    if best is None or best_size <= 1:
        raise RvanalyticsError(f"the query asks for {count_cells(query, metadata)} cells and cannot be split below "
                               f"{max_cells}; select fewer values")
    q = query["query"][best]
    values = by_code[q["code"]].values if q["selection"]["filter"] == "all" else list(q["selection"]["values"])
    other = count_cells(query, metadata) // best_size
    chunk = max(1, max_cells // max(other, 1))
    out = []
    for start in range(0, len(values), chunk):
        part = json.loads(json.dumps(query))
        part["query"][best]["selection"] = {"filter": "item", "values": values[start:start + chunk]}
        out.extend(split_query(part, metadata, max_cells))
    return out


def _default_session(cache: bool) -> requests.Session:
    from rvanalytics.download import http_session
    from rvanalytics.paths import data_dir

    return http_session(cache=data_dir() / "http_cache" / "pxweb.sqlite" if cache else None)


class PxWebClient:
    """PxWeb API v1 client: metadata, json-stat2 queries split over the cell limit.

    Every request goes through :func:`rvanalytics.download.http_session`: timeouts, retries
    on HTTP 429/5xx honouring ``Retry-After``, a hard deadline on name resolution, the
    ``RVANALYTICS_SOURCE_BASE_URL`` rewrite and (by default) a 7-day cache of complete JSON
    answers under ``data_dir()/http_cache``.

    Parameters
    ----------
    base_url : str
        E.g. ``https://pxdata.stat.fi/PxWeb/api/v1``.
    lang : {"fi", "sv", "en"}
    session : requests.Session, optional
        Default: ``http_session(cache=…)`` (or without cache when ``cache=False``).
    cache : bool
        Cache answers (default session only).
    max_cells : int
        Queries above this are split.
    timeout : (float, float), optional
        Connect and read timeouts (default: those of :mod:`rvanalytics.download`).
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, lang: str = "fi", *, session: requests.Session | None = None,
                 cache: bool = True, max_cells: int = DEFAULT_MAX_CELLS,
                 timeout: tuple[float, float] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.lang = lang
        self.session = session if session is not None else _default_session(cache)
        self.max_cells = max_cells
        self.timeout = timeout

    def url(self, path: str) -> str:
        """The full URL of ``path`` (a folder, a ``.px`` table or ``?config``)."""
        return f"{self.base_url}/{self.lang}/{path.strip('/')}"

    def _request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        from rvanalytics.download import RETRIES, describe_error

        url = self.url(path) + ("/" if method == "GET" and not path.endswith(".px") and not path.startswith("?") else "")
        try:
            response = self.session.request(method, url, json=body if method == "POST" else None, timeout=self.timeout)
        except requests.RequestException as err:
            raise SourceUnavailableError(f"PxWeb {url}: {describe_error(err)}. Fix: check the network, or use the "
                                         "recorded responses (offline)") from None
        if response.status_code == 429:
            raise SourceUnavailableError(f"PxWeb {url} kept answering 429 Too Many Requests after {RETRIES} "
                                         "retries. Fix: wait a minute and try again")
        if response.status_code >= 400:
            raise SourceUnavailableError(f"PxWeb {url} answered HTTP {response.status_code}: "
                                         f"{response.text[:200]!r}. Fix: check the table path and the query")
        try:
            return response.json()
        except ValueError:
            kind = "an HTML page" if response.text.lstrip().lower().startswith(("<!doctype html", "<html")) else "not JSON"
            raise DataFileError(url, f"the answer is {kind}, not JSON (an error page, or cut off?)",
                                "open the URL in a browser to read the message; try again later") from None

    def limits(self) -> dict[str, Any]:
        """The server's limits (``GET {base}/{lang}/?config``: ``maxValues``, ``maxCalls``, ``timeWindow``);
        sets ``max_cells`` from ``maxValues``."""
        config = self._request("GET", "?config")
        if isinstance(config, dict) and config.get("maxValues"):
            self.max_cells = int(config["maxValues"])
        return config

    def list_folder(self, path: str = "") -> pd.DataFrame:
        """Items of a database folder: ``id``, ``type`` ("l" folder, "t" table), ``text``, ``updated``."""
        items = self._request("GET", path)
        return pd.DataFrame(items, columns=["id", "type", "text", "updated"])

    def metadata(self, table: str) -> TableMetadata:
        """Metadata of a table, e.g. ``"StatFin/11re.px"``."""
        return parse_metadata(self._request("GET", table), self.url(table))

    def query(self, table: str, selections: Mapping[str, Any], metadata: TableMetadata | None = None) -> pd.DataFrame:
        """Data as a long DataFrame (see :func:`parse_jsonstat2`), split over the cell limit."""
        metadata = metadata or self.metadata(table)
        body = build_query(metadata, selections)
        parts = [parse_jsonstat2(self._request("POST", table, part), self.url(table))
                 for part in split_query(body, metadata, self.max_cells)]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        frame.attrs = dict(parts[0].attrs)
        return frame
