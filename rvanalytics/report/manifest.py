"""``manifest.json`` of a report folder: parameters, data vintages, versions, timings, status.

The manifest covers every report in the folder, not only the last batch: entries of
earlier runs are kept while their report folder exists, so a run of one city after a
cohort run updates that city and keeps the other nine. A failed run that kept the
city's last good report says so in ``note`` (and ``last_good``, ``failed_run``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rvanalytics.atomic import atomic_write_text
from rvanalytics.report.files import make_readable

if TYPE_CHECKING:
    from rvanalytics.report.run import ReportResult

__all__ = ["MANIFEST_FILE", "data_vintages", "read_report_manifest", "write_manifest"]

MANIFEST_FILE = "manifest.json"
SCHEMA_VERSION = 1


def data_vintages(store: str | Path | None) -> dict[str, Any]:
    """Sources, vintages, licences and build time from the store's manifest (empty when no store)."""
    try:
        from rvanalytics.store import read_manifest

        manifest = read_manifest(store)
    except Exception as err:  # no store, or store module not available
        return {"store": None, "problem": str(err), "sources": []}
    sources = []
    for src in manifest.get("sources", []) or []:
        if not isinstance(src, dict):
            continue
        sources.append(
            {
                k: src.get(k)
                for k in ("id", "title", "publisher", "licence", "attribution", "vintage")
                if k in src
            }
        )
    meta = {
        k: manifest.get(k)
        for k in ("built_at", "package_version", "division_year", "offline")
        if k in manifest
    }
    return {"store": str(store) if store is not None else None, **meta, "sources": sources}


def read_report_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    """The manifest of ``out_dir``, or None when there is none or it is unreadable."""
    path = Path(out_dir) / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(
    out_dir: str | Path,
    results: Iterable[ReportResult],
    *,
    parameters: dict[str, Any],
    store: str | Path | None,
    timings: dict[str, Any],
) -> Path:
    """Write ``out_dir/manifest.json`` (atomically), merged with the entries of earlier runs.

    Returns the path of the manifest.
    """
    from rvanalytics import __version__

    out = Path(out_dir)
    results = list(results)
    new = {r.city_code: r for r in results}
    reports: dict[str, dict[str, Any]] = {}
    previous = read_report_manifest(out) or {}
    for entry in previous.get("reports", []) or []:
        code = entry.get("city_code") if isinstance(entry, dict) else None
        if code and code not in new and (out / str(entry.get("folder", ""))).is_dir():
            reports[code] = {**entry, "this_run": False}
    for code, r in new.items():
        entry = r.to_dict()
        entry.pop("inputs", None)
        entry["this_run"] = True
        entry["html"] = f"{r.folder}/report.html"
        entry["notebook"] = f"{r.failed_run or r.folder}/report.ipynb"
        if r.status == "failed" and r.last_good:
            entry["note"] = (
                f"last good report from {str(r.last_good)[:10]} kept in {r.folder}; "
                f"this run failed: {r.ename}: {r.evalue}"
            )
        reports[code] = entry
    ordered = [reports[c] for c in sorted(reports)]
    counts = {
        s: sum(1 for e in ordered if e.get("status") == s) for s in ("ok", "skipped", "failed")
    }
    doc = {
        "schema_version": SCHEMA_VERSION,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "parameters": parameters,
        "data_vintages": data_vintages(store),
        "timings": timings,
        "counts": counts,
        "reports": ordered,
    }
    path = out / MANIFEST_FILE
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    make_readable(path)
    return path
