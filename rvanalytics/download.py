"""Every HTTP request of the package goes through this module.

:func:`http_session` is the one way to make requests (file downloads and PxWeb queries,
GET and POST). It is a :class:`requests.Session` (optionally a ``requests_cache``
session) whose transport adds, for every request:

- **timeouts**: connect :data:`CONNECT_TIMEOUT`, read :data:`READ_TIMEOUT` seconds
  (``RVANALYTICS_CONNECT_TIMEOUT`` / ``RVANALYTICS_READ_TIMEOUT`` override them);
- **retries** by urllib3's :class:`~urllib3.util.retry.Retry` on HTTP 429, 500, 502, 503, 504
  with exponential backoff; ``Retry-After`` is honoured (at most :data:`RETRY_AFTER_MAX` s);
  no retry on a failed connection or a read timeout (a host that does not answer once is
  not asked again);
- **a hard deadline on name resolution** (:data:`DNS_TIMEOUT`): ``getaddrinfo`` runs in a
  thread, so a DNS server that never answers costs seconds, not the resolver's own
  timeout. A host that cannot be resolved or reached is remembered for the process; a
  resolver that does not answer at all, or a second host that drops connection attempts,
  marks the whole network down for the process. So a machine without network pays
  :data:`DNS_TIMEOUT` once, or :data:`CONNECT_TIMEOUT` twice, whatever the number of sources;
- **the source base URL**: ``RVANALYTICS_SOURCE_BASE_URL`` sends requests for the official
  hosts to another server (a mirror, or a local test server) keeping the official path and
  query. Either one base URL for every host (``http://127.0.0.1:8000``) or a mapping
  ``geo.stat.fi=http://127.0.0.1:8000,pxdata.stat.fi=http://127.0.0.1:8001``
  (see :func:`rewrite_url`).

:func:`fetch` returns a local path for a catalogued source file:

1. the official file, downloaded once into the cache (``RVANALYTICS_DATA_DIR/downloads``),
   written atomically and checked against the catalogue's hash where it has one (an HTML
   page where a data file was expected is refused with its own message);
2. when the download is impossible or refused (or ``offline`` / ``RVANALYTICS_OFFLINE=1``),
   the recorded copy in ``../shared/data``. A failed download that falls back warns with
   :class:`SourceFallbackWarning` (once per unreachable host), so it is never silent; the
   store's manifest also records each file's origin. Recorded copies of pinned files carry the
   same hash as the official file, so the result does not change;
3. otherwise a one-line :class:`~rvanalytics.exceptions.SourceUnavailableError` that says
   what failed and what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from rvanalytics.atomic import atomic_path
from rvanalytics.catalogue import Source, get_source
from rvanalytics.exceptions import SourceUnavailableError
from rvanalytics.paths import data_dir, recorded_dir

__all__ = [
    "CONNECT_TIMEOUT",
    "DNS_TIMEOUT",
    "READ_TIMEOUT",
    "RETRY_AFTER_MAX",
    "RETRY_STATUSES",
    "HostUnreachableError",
    "SourceFallbackWarning",
    "describe_error",
    "fetch",
    "http_session",
    "is_offline",
    "reset_hosts",
    "rewrite_url",
    "sha256sum",
]

#: Seconds to wait for a TCP connection.
CONNECT_TIMEOUT = 3.0
#: Seconds to wait for the next bytes of an answer (not for the whole download).
READ_TIMEOUT = 30.0
#: Hard deadline for resolving a host name.
DNS_TIMEOUT = 2.0
#: The longest ``Retry-After`` honoured; a longer one is cut to this.
RETRY_AFTER_MAX = 30
#: Statuses that are retried (with backoff) before giving up.
RETRY_STATUSES = (429, 500, 502, 503, 504)
#: Retries after the first answer with one of :data:`RETRY_STATUSES`.
RETRIES = 3
#: urllib3 backoff factor: waits 0, 2×, 4× this many seconds between retries.
BACKOFF = 0.5

_USER_AGENT = "rvanalytics (https://github.com/rvanalytics)"
_lock = threading.Lock()
#: (host, port) -> None when reachable, else the reason it is not.
_hosts: dict[tuple[str, int], str | None] = {}
#: Set when the resolver itself does not answer: then no host can be reached.
_network_down: list[str] = []
#: Hosts whose connection attempts timed out (the second one marks the network down).
_connect_timeouts: set[str] = set()


class SourceFallbackWarning(UserWarning):
    """An official download failed and the recorded copy was used instead."""


class HostUnreachableError(requests.ConnectionError):
    """The host cannot be resolved or reached (remembered for the rest of the process)."""


def is_offline(offline: bool | None = None) -> bool:
    """True when downloads must not be tried (argument, or ``RVANALYTICS_OFFLINE=1``)."""
    if offline is not None:
        return offline
    return os.environ.get("RVANALYTICS_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def reset_hosts() -> None:
    """Forget which hosts were unreachable (they are otherwise remembered for the process)."""
    with _lock:
        _hosts.clear()
        _network_down.clear()
        _connect_timeouts.clear()


def _timeouts() -> tuple[float, float]:
    def number(name: str, default: float) -> float:
        text = os.environ.get(name, "").strip()
        try:
            return float(text) if text else default
        except ValueError:
            raise SourceUnavailableError(f"{name}={text!r} is not a number of seconds. Fix: set it to e.g. 5") from None

    return number("RVANALYTICS_CONNECT_TIMEOUT", CONNECT_TIMEOUT), number("RVANALYTICS_READ_TIMEOUT", READ_TIMEOUT)


@lru_cache(maxsize=8)
def _base_map(setting: str) -> tuple[str | None, dict[str, str]]:
    """Parse ``RVANALYTICS_SOURCE_BASE_URL``: (one base for all hosts, {host: base})."""
    everything: str | None = None
    by_host: dict[str, str] = {}
    for item in setting.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        host, sep, base = item.partition("=")
        target = base.strip() if sep else host
        if not urlsplit(target).scheme or not urlsplit(target).netloc:
            raise SourceUnavailableError(
                f"RVANALYTICS_SOURCE_BASE_URL: {target!r} is not a base URL. Fix: give e.g. "
                "http://127.0.0.1:8000 or geo.stat.fi=http://127.0.0.1:8000")
        if sep:
            by_host[host.strip().lower()] = target.rstrip("/")
        else:
            everything = target.rstrip("/")
    return everything, by_host


def rewrite_url(url: str) -> str:
    """``url`` with its scheme and host replaced as ``RVANALYTICS_SOURCE_BASE_URL`` says.

    The path and query are kept (a base URL's own path is put in front of them), so a
    mirror or test server answers at the official paths. Unset: ``url`` unchanged.

    Examples
    --------
    >>> import os
    >>> os.environ["RVANALYTICS_SOURCE_BASE_URL"] = "http://127.0.0.1:8000"
    >>> rewrite_url("https://geo.stat.fi/geoserver/wfs?service=WFS")
    'http://127.0.0.1:8000/geoserver/wfs?service=WFS'
    >>> os.environ["RVANALYTICS_SOURCE_BASE_URL"] = "pxdata.stat.fi=http://mirror.example/px"
    >>> rewrite_url("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/11re.px")
    'http://mirror.example/px/PxWeb/api/v1/fi/StatFin/11re.px'
    >>> rewrite_url("https://geo.stat.fi/geoserver/wfs")
    'https://geo.stat.fi/geoserver/wfs'
    >>> del os.environ["RVANALYTICS_SOURCE_BASE_URL"]
    """
    setting = os.environ.get("RVANALYTICS_SOURCE_BASE_URL", "").strip()
    if not setting:
        return url
    everything, by_host = _base_map(setting)
    parts = urlsplit(url)
    base = by_host.get((parts.hostname or "").lower(), everything)
    if base is None:
        return url
    new = urlsplit(base)
    return urlunsplit((new.scheme, new.netloc, new.path.rstrip("/") + parts.path, parts.query, parts.fragment))


def _resolve(host: str, port: int) -> None:
    """Resolve ``host`` within :data:`DNS_TIMEOUT` seconds; raise :class:`HostUnreachableError` if not."""
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as err:
            result["error"] = err

    # getaddrinfo cannot be interrupted: a daemon thread lets the caller go on at the deadline.
    thread = threading.Thread(target=work, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(DNS_TIMEOUT)
    if thread.is_alive():
        reason = f"the name server did not answer within {DNS_TIMEOUT:g} s (looking up {host}; no network?)"
        with _lock:
            _network_down.append(reason)
        raise HostUnreachableError(reason)
    err = result.get("error")
    if err is not None:
        if isinstance(err, socket.gaierror) and err.errno == socket.EAI_AGAIN:
            reason = f"{host} cannot be looked up (temporary failure in name resolution; no network?)"
            with _lock:
                _network_down.append(reason)
        else:
            reason = f"{host} cannot be looked up ({err.strerror or err})"
        raise HostUnreachableError(reason)


def _check_host(url: str) -> None:
    """Raise :class:`HostUnreachableError` for a host known to fail; resolve new hosts with a deadline."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with _lock:
        if _network_down:
            raise HostUnreachableError(_network_down[0])
        if (host, port) in _hosts:
            reason = _hosts[(host, port)]
            if reason is None:
                return
            raise HostUnreachableError(reason)
    try:
        _resolve(host, port)
    except HostUnreachableError as err:
        _remember(url, str(err))
        raise
    with _lock:
        _hosts.setdefault((host, port), None)


def _remember(url: str, reason: str) -> None:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with _lock:
        _hosts[(parts.hostname or "", port)] = reason


def _connect_timed_out(url: str) -> None:
    """Two hosts that both drop connection attempts mean a network that does: stop trying."""
    with _lock:
        _connect_timeouts.add(urlsplit(url).netloc)
        if len(_connect_timeouts) >= 2 and not _network_down:
            _network_down.append(f"{' and '.join(sorted(_connect_timeouts))} did not accept a connection "
                                 "(no network, or a firewall?)")


def _host_is_known_bad(url: str) -> bool:
    parts = urlsplit(rewrite_url(url))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with _lock:
        return bool(_network_down) or _hosts.get((parts.hostname or "", port)) is not None


def describe_error(err: BaseException) -> str:
    """A short phrase for a failed request (no traceback text).

    Examples
    --------
    >>> describe_error(requests.ConnectTimeout("x"))
    'no connection within the connect timeout (host down or blocked?)'
    """
    if isinstance(err, HostUnreachableError):
        return str(err)
    if isinstance(err, requests.ConnectTimeout):
        return "no connection within the connect timeout (host down or blocked?)"
    if isinstance(err, requests.ReadTimeout) or "Read timed out" in str(err):
        return "the server stopped answering (read timeout)"
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off before its end (truncated body)"
    if isinstance(err, requests.exceptions.SSLError):
        return "the secure connection failed (certificate or TLS problem)"
    if isinstance(err, requests.ConnectionError):
        return "the connection failed (refused or reset)"
    return f"{type(err).__name__}: {err}"


class _SourceAdapter(HTTPAdapter):
    """Transport of :func:`http_session`: base-URL rewrite, DNS deadline, default timeouts."""

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        request.url = rewrite_url(request.url or "")
        # Behind a proxy only the proxy's name is looked up here; the proxy resolves the rest.
        proxy = requests.utils.select_proxy(request.url, proxies) if proxies else None
        _check_host(proxy if proxy and "://" in proxy else request.url)
        if timeout is None:
            timeout = _timeouts()
        try:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        except (requests.ConnectTimeout, requests.ReadTimeout, requests.ConnectionError) as err:
            if not isinstance(err, requests.exceptions.SSLError):
                _remember(request.url, f"{urlsplit(request.url).netloc}: {describe_error(err)}")
            if isinstance(err, requests.ConnectTimeout):
                _connect_timed_out(request.url)
            raise


def _is_json_answer(response: requests.Response) -> bool:
    """Only complete JSON answers go into the PxWeb cache (never an HTML error page with status 200)."""
    if response.status_code != 200:
        return False
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


def http_session(*, cache: str | Path | None = None, retries: int = RETRIES,
                 backoff: float = BACKOFF) -> requests.Session:
    """The session every request of the package uses.

    Parameters
    ----------
    cache : path, optional
        A ``requests_cache`` SQLite file: GET and POST answers that are complete JSON are
        kept for 7 days (used for PxWeb queries). Default: no cache (files are cached by
        :func:`fetch`).
    retries : int
        Retries on HTTP 429/5xx (``Retry-After`` honoured up to :data:`RETRY_AFTER_MAX` s).
    backoff : float
        urllib3 backoff factor between those retries.

    Examples
    --------
    >>> session = http_session()
    >>> retry = session.get_adapter("https://pxdata.stat.fi").max_retries
    >>> 429 in retry.status_forcelist and retry.respect_retry_after_header
    True
    """
    retry = Retry(
        total=None,
        connect=0,
        read=0,
        redirect=5,
        status=retries,
        other=0,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,
    )
    session: requests.Session
    if cache is not None:
        import datetime as dt

        import requests_cache

        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        session = requests_cache.CachedSession(str(cache), backend="sqlite", allowable_methods=("GET", "POST"),
                                               expire_after=dt.timedelta(days=7), filter_fn=_is_json_answer)
    else:
        session = requests.Session()
    adapter = _SourceAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = _USER_AGENT
    return session


def sha256sum(path: str | Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


_FIX_LATER = ("try again later (or connect to the internet), or put the recorded data in ../shared/data "
              "(or set RVANALYTICS_RECORDED_DIR)")


class _DownloadFailed(Exception):
    """A download that was tried and failed or was refused: what happened, and the fix."""

    def __init__(self, problem: str, fix: str = _FIX_LATER) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _check_download(path: Path, url: str, source: Source, expected_sha256: str | None) -> None:
    with open(path, "rb") as handle:
        head = handle.read(512)
    if not head:
        raise _DownloadFailed(f"download of {url} failed: the server answered with an empty body")
    if source.format != "html" and _looks_like_html(head):
        raise _DownloadFailed(f"download of {url} failed: the server answered an HTML page instead of the "
                              f"{source.format} file (an error or maintenance page?)")
    if expected_sha256 and sha256sum(path) != expected_sha256:
        raise _DownloadFailed(
            f"download of {url} does not match the hash in the source catalogue",
            "the official file has changed: check it, then update its sha256 in rvanalytics/data/sources.yaml")


def _download(url: str, target: Path, source: Source, expected_sha256: str | None) -> Path:
    """Download ``url`` to ``target`` (atomically); a failure leaves nothing in the cache."""
    session = http_session()
    try:
        with session.get(url, stream=True) as response:
            if response.status_code >= 400:
                again = f" after {RETRIES} retries" if response.status_code in RETRY_STATUSES else ""
                raise _DownloadFailed(f"download of {url} failed: the server answered HTTP "
                                      f"{response.status_code} {response.reason}{again}")
            with atomic_path(target) as tmp:
                with open(tmp, "wb") as handle:
                    handle.writelines(response.iter_content(1 << 16))
                _check_download(tmp, url, source, expected_sha256)
    except requests.RequestException as err:
        if isinstance(err, requests.ConnectionError) and not isinstance(err, requests.exceptions.ChunkedEncodingError):
            _remember(rewrite_url(url), describe_error(err))  # e.g. a read timeout while streaming
        raise _DownloadFailed(f"download of {url} failed: {describe_error(err)}") from None
    except SourceUnavailableError as err:  # a bad timeout or base-URL setting
        raise _DownloadFailed(str(err).split(". Fix: ")[0], str(err).partition(". Fix: ")[2] or _FIX_LATER) from None
    finally:
        session.close()
    return target


def _recorded_path(source: Source, filename: str | None, params: dict[str, Any]) -> Path | None:
    base = recorded_dir()
    if base is None or source.recorded_dir is None:
        return None
    rec = source.recorded_file(filename, **params)
    path = base / source.recorded_dir / rec.name
    return path if path.exists() else None


def fetch(
    source_id: str,
    *,
    filename: str | None = None,
    offline: bool | None = None,
    **params: Any,
) -> Path:
    """Local path of a source file: the official download when it works, else the recorded copy.

    Parameters
    ----------
    source_id : str
        Id in the source catalogue (``rvanalytics/data/sources.yaml``).
    filename : str, optional
        Which recorded file, for sources with several.
    offline : bool, optional
        Never try the network (default: the ``RVANALYTICS_OFFLINE`` environment variable).
    **params
        URL parameters such as ``year=2023``; they also select the recorded file.

    Warns
    -----
    SourceFallbackWarning
        When a download was tried, failed, and the recorded copy is returned instead.

    Raises
    ------
    SourceUnavailableError
        Neither a download nor a recorded copy (one line: what failed and the fix).

    Examples
    --------
    >>> path = fetch("nls_kuntajako_4500k", year=2023, offline=True)
    >>> path.name
    'kuntarajat.2023.json'
    """
    source = get_source(source_id)
    rec = source.recorded_file(filename, **params) if source.recorded_files else None
    url_params = {**(rec.params if rec else {}), **params}
    failed: _DownloadFailed | None = None
    already_known = False
    if not is_offline(offline) and source.url is not None:
        url = source.official_url(**url_params)
        assert url is not None
        name = rec.name if rec else Path(urlsplit(url).path).name
        cache_key = "_".join(f"{k}-{v}" for k, v in sorted(params.items()))
        target = data_dir() / "downloads" / source_id / (f"{cache_key}_{name}" if cache_key else name)
        if target.exists() and (rec is None or rec.sha256 is None or sha256sum(target) == rec.sha256):
            return target
        already_known = _host_is_known_bad(url)
        try:
            return _download(url, target, source, rec.sha256 if rec else None)
        except _DownloadFailed as err:
            failed = err
    recorded = _recorded_path(source, filename, params) if source.recorded_files else None
    if recorded is not None:
        if failed is not None and not already_known:
            warnings.warn(f"{source_id}: {failed.problem}; the recorded copy {recorded} is used instead",
                          SourceFallbackWarning, stacklevel=2)
        return recorded
    if failed is None:
        failed = _DownloadFailed("no official download and no recorded copy",
                                 "connect to the internet, or put the recorded data in ../shared/data "
                                 "(or set RVANALYTICS_RECORDED_DIR)")
    raise SourceUnavailableError(f"source {source_id!r} ({source.title}) is not available: {failed.problem}. "
                                 f"Fix: {failed.fix}")
