"""All downloads go through this module.

``fetch(source_id, ...)`` returns a local path for a source file:

1. the official file, downloaded once into the cache (``RVANALYTICS_DATA_DIR``), with a
   timeout, retries with backoff (HTTP 429 honours ``Retry-After``) and a hash check where
   the catalogue knows the file's hash;
2. when the network or the official source cannot be reached (or ``offline`` is set, or
   ``RVANALYTICS_OFFLINE=1``), the recorded copy in ``../shared/data``;
3. otherwise a :class:`~rvanalytics.exceptions.SourceUnavailableError` that says what to do.

The first failed connection marks the process offline, so a command without network
falls back within seconds instead of waiting on every source.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from rvanalytics.atomic import atomic_path
from rvanalytics.catalogue import Source, get_source
from rvanalytics.exceptions import DataFileError, SourceUnavailableError
from rvanalytics.paths import data_dir, recorded_dir

__all__ = ["fetch", "is_offline", "http_session", "sha256sum", "CONNECT_TIMEOUT", "READ_TIMEOUT"]

CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 60.0
_unreachable_hosts: set[str] = set()


def is_offline(offline: bool | None = None) -> bool:
    """True when downloads must not be tried (argument, or ``RVANALYTICS_OFFLINE=1``)."""
    if offline is not None:
        return offline
    return os.environ.get("RVANALYTICS_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def http_session(retries: int = 3, backoff: float = 1.0) -> requests.Session:
    """A requests session with retries and exponential backoff on 429 and 5xx."""
    retry = Retry(
        total=retries,
        connect=1,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "rvanalytics (https://github.com/rvanalytics)"
    return session


def sha256sum(path: str | Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _host_reachable(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host in _unreachable_hosts:
        return False
    try:
        with socket.create_connection((host, 443), timeout=CONNECT_TIMEOUT):
            return True
    except OSError:
        _unreachable_hosts.add(host)
        return False


def _download(url: str, target: Path, expected_sha256: str | None) -> Path:
    session = http_session()
    with session.get(url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True) as response:
        response.raise_for_status()
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                for chunk in response.iter_content(1 << 16):
                    handle.write(chunk)
            if expected_sha256 and sha256sum(tmp) != expected_sha256:
                raise DataFileError(
                    url,
                    "downloaded file does not match the hash in the source catalogue",
                    "the official file has changed: update rvanalytics/data/sources.yaml after checking it",
                )
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
    """Local path of a source file: the official download when reachable, else the recorded copy.

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

    Examples
    --------
    >>> path = fetch("nls_kuntajako_4500k", year=2023, offline=True)
    >>> path.name
    'kuntarajat.2023.json'
    """
    source = get_source(source_id)
    rec = source.recorded_file(filename, **params) if source.recorded_files else None
    url_params = {**(rec.params if rec else {}), **params}
    errors: list[str] = []
    if not is_offline(offline) and source.url is not None:
        url = source.official_url(**url_params)
        assert url is not None
        name = rec.name if rec else Path(urlparse(url).path).name
        cache_key = "_".join(f"{k}-{v}" for k, v in sorted(params.items()))
        target = data_dir() / "downloads" / source_id / (f"{cache_key}_{name}" if cache_key else name)
        if target.exists() and (rec is None or rec.sha256 is None or sha256sum(target) == rec.sha256):
            return target
        if _host_reachable(url):
            try:
                return _download(url, target, rec.sha256 if rec else None)
            except (requests.RequestException, DataFileError) as err:
                errors.append(f"download of {url} failed: {err}")
        else:
            errors.append(f"{urlparse(url).hostname} cannot be reached (no network?)")
    recorded = _recorded_path(source, filename, params) if source.recorded_files else None
    if recorded is not None:
        return recorded
    hint = "; ".join(errors) if errors else "no official download and no recorded copy"
    raise SourceUnavailableError(
        f"source {source_id!r} ({source.title}) is not available: {hint}. "
        "Fix: connect to the internet, or put the recorded data in ../shared/data "
        "(or set RVANALYTICS_RECORDED_DIR)."
    )


def wait_backoff(attempt: int, retry_after: str | None = None, base: float = 1.0) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): ``Retry-After`` if given, else exponential."""
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    return base * (2**attempt)


def sleep_backoff(attempt: int, retry_after: str | None = None, base: float = 1.0) -> None:
    """Sleep for :func:`wait_backoff` seconds."""
    time.sleep(wait_backoff(attempt, retry_after, base))
