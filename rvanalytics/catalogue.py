"""The catalogue of data sources, read from ``rvanalytics/data/sources.yaml``.

The catalogue is data: for every source its official URL pattern, format,
licence and attribution, and where a recorded copy lies under ``../shared/data``.

Examples
--------
>>> from rvanalytics.catalogue import get_source
>>> get_source("nls_kuntajako_4500k").licence
'CC BY 4.0'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rvanalytics.exceptions import RvanalyticsError

__all__ = ["Source", "RecordedFile", "sources", "get_source", "attribution"]


@dataclass(frozen=True)
class RecordedFile:
    """A recorded copy of an official file: name, hash, expected rows and URL parameters."""

    name: str
    sha256: str | None = None
    rows: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One entry of the source catalogue."""

    id: str
    title: str
    publisher: str
    licence: str
    attribution: dict[str, str]
    homepage: str | None
    url: str | None
    format: str
    vintage: str
    recorded_dir: str | None
    recorded_files: tuple[RecordedFile, ...]
    expected_columns: tuple[str, ...]
    #: Data release (e.g. Syke's yearly ALas release "2024"); "" for sources without releases.
    release: str = ""
    #: Where ``url`` is documented (the publisher's API or product page).
    documented_at: str | None = None
    #: Why ``url`` could not be matched to any documentation (instead of ``documented_at``).
    unverified: str | None = None

    def recorded_file(self, name: str | None = None, **params: Any) -> RecordedFile:
        """The recorded file called ``name``, or the one whose params match ``params``."""
        if name is not None:
            for rec in self.recorded_files:
                if rec.name == name:
                    return rec
            names = [r.name for r in self.recorded_files]
            raise RvanalyticsError(f"source {self.id!r} has no recorded file {name!r}; known: {names}")
        matches = [
            rec for rec in self.recorded_files if all(rec.params.get(k) == v for k, v in params.items())
        ]
        if len(matches) == 1 or (matches and not params):
            return matches[0]
        available = [r.params or r.name for r in self.recorded_files]
        raise RvanalyticsError(
            f"source {self.id!r} has no single recorded file for {params or 'no parameters'}; "
            f"available: {available}"
        )

    def official_url(self, **params: Any) -> str | None:
        """The official URL with ``params`` filled in, or None when there is none."""
        if self.url is None:
            return None
        try:
            return self.url.format(**params)
        except KeyError as err:
            raise RvanalyticsError(f"source {self.id!r}: URL needs parameter {err.args[0]!r}") from None


def _safe_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it (the same data, several times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """All catalogue entries by id."""
    text = resources.files("rvanalytics").joinpath("data/sources.yaml").read_text(encoding="utf-8")
    raw = _safe_load(text)["sources"]
    result: dict[str, Source] = {}
    for entry in raw:
        recorded = entry.get("recorded") or {}
        files = tuple(
            RecordedFile(
                name=name,
                sha256=(meta or {}).get("sha256"),
                rows=(meta or {}).get("rows"),
                params=dict((meta or {}).get("params") or {}),
            )
            for name, meta in (recorded.get("files") or {}).items()
        )
        result[entry["id"]] = Source(
            id=entry["id"],
            title=entry["title"],
            publisher=entry["publisher"],
            licence=entry["licence"],
            attribution=dict(entry["attribution"]),
            homepage=entry.get("homepage"),
            url=entry.get("url"),
            format=entry["format"],
            vintage=str(entry.get("vintage", "")),
            recorded_dir=recorded.get("dir"),
            recorded_files=files,
            expected_columns=tuple((entry.get("expected") or {}).get("columns") or ()),
            release=str(entry.get("release") or ""),
            documented_at=entry.get("documented_at"),
            unverified=entry.get("unverified"),
        )
    return result


def get_source(source_id: str) -> Source:
    """The catalogue entry ``source_id``; an unknown id gives an error with close matches."""
    catalogue = sources()
    if source_id not in catalogue:
        close = difflib.get_close_matches(source_id, list(catalogue), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise RvanalyticsError(f"unknown source {source_id!r}.{hint} Known sources: {', '.join(catalogue)}")
    return catalogue[source_id]


def attribution(source_ids: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """One attribution line for the given sources, in ``lang`` (fi, sv or en).

    Examples
    --------
    >>> attribution(["nls_kuntajako_4500k"], "en")
    '© National Land Survey of Finland, administrative areas 1:4,500,000, CC BY 4.0'
    """
    seen: list[str] = []
    for sid in source_ids:
        text = get_source(sid).attribution.get(lang) or get_source(sid).attribution["en"]
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)
