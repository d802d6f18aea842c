"""What a report depends on, hashed, so an unchanged report is not run again.

A report's inputs are: the notebook file, the store's content (its ``manifest.json`` without
the build time: every source file's hash, every table's rows), the city's profile file(s), the parameters (language; not the
output folder or the timeout), the package version and a hash of the package's code,
templates and catalogues. Any change gives a new fingerprint.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = [
    "file_sha256",
    "inputs_hash",
    "package_sha256",
    "profile_files",
    "report_inputs",
    "store_content_sha256",
    "store_manifest_path",
]

MISSING = "missing"


def file_sha256(path: str | Path | None) -> str:
    """SHA-256 of a file's bytes, or ``"missing"`` when there is no such file.

    Examples
    --------
    >>> file_sha256("/no/such/file")
    'missing'
    """
    if path is None:
        return MISSING
    path = Path(path)
    if not path.is_file():
        return MISSING
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_manifest_path(store: str | Path | None) -> Path:
    """``manifest.json`` of the store (``store_dir(store)``)."""
    from rvanalytics.paths import store_dir

    return store_dir(store) / "manifest.json"


#: Manifest fields that change with every build or download without the data changing.
_VOLATILE = ("built_at", "seconds")


def store_content_sha256(store: str | Path | None) -> str:
    """SHA-256 of what the store holds: its manifest without build times and download times.

    Rebuilding the store from the same files gives the same hash, so unchanged reports are
    skipped after ``rvanalytics data build``; a changed source file, table or division does not.

    Examples
    --------
    >>> store_content_sha256("/no/such/store")
    'missing'
    """
    path = store_manifest_path(store)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return MISSING
    if not isinstance(manifest, dict):
        return MISSING
    for key in _VOLATILE:
        manifest.pop(key, None)
    for source in manifest.get("sources") or []:
        for entry in source.get("files") or [] if isinstance(source, dict) else []:
            if isinstance(entry, dict):
                entry.pop("retrieved", None)
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def profile_files(code: str, cities_dir: str | Path | None = None) -> list[Path]:
    """The city's profile files ``<code>-*.yaml`` / ``<code>.yaml`` among :func:`rvanalytics.cities.profile_files`."""
    from rvanalytics.cities import profile_files as all_profile_files

    folder = Path(cities_dir) if cities_dir is not None else None
    if folder is not None and not folder.is_dir():
        return []
    return [p for p in all_profile_files(folder)
            if p.is_file() and (p.stem == code or p.stem.startswith(f"{code}-"))]


def report_inputs(
    code: str,
    *,
    notebook: str | Path,
    store: str | Path | None,
    parameters: dict[str, Any],
    cities_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Everything one report depends on, as a JSON-ready dict of hashes and values."""
    from rvanalytics import __version__

    profiles = profile_files(code, cities_dir)
    return {
        "notebook_sha256": file_sha256(notebook),
        "store_content_sha256": store_content_sha256(store),
        "profile_sha256": {p.name: file_sha256(p) for p in profiles},
        "parameters": {k: parameters[k] for k in sorted(parameters) if k != "out_dir"},
        "package_version": __version__,
        "package_sha256": package_sha256(),
    }


@functools.lru_cache(maxsize=1)
def package_sha256() -> str:
    """One SHA-256 over the package's code, templates and data catalogues.

    A development checkout keeps its version number while its code changes; this hash
    makes any change of the report code (or of the metrics it calls) re-run the reports.
    Computed once per process (about 150 small files).
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix in {".py", ".j2", ".css", ".yaml", ".yml", ".json", ".csv"}
            and "__pycache__" not in path.parts
        ):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash(inputs: dict[str, Any]) -> str:
    """One SHA-256 over :func:`report_inputs` (canonical JSON).

    Examples
    --------
    >>> inputs_hash({"a": 1}) == inputs_hash({"a": 1})
    True
    >>> inputs_hash({"a": 1}) == inputs_hash({"a": 2})
    False
    """
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
