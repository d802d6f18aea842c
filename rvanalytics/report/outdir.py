"""The output folder of the reports: is it usable, and is it ours?

A report folder is rewritten on every run (``index.html``, ``measures.html``,
``manifest.json``, ``coverage_map.png``, one folder per city), so a folder that holds
files rvanalytics did not write (a user's ``index.html``, a data store's
``manifest.json``) is refused unless the caller explicitly allows it.

What was written is recorded in ``.rvanalytics-report.json`` inside the folder (the
top-level names written by the report machinery). A folder made by an earlier version,
which has no record, is recognised by its contents: a ``manifest.json`` of the report
schema, pages carrying the ``rvanalytics`` generator tag and city folders holding a
``result.json``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rvanalytics.atomic import atomic_write_text
from rvanalytics.exceptions import OutputError

__all__ = [
    "RECORD_FILE",
    "check_out_dir",
    "foreign_entries",
    "read_record",
    "record_written",
]

RECORD_FILE = ".rvanalytics-report.json"
#: Names the batch writes at the top of the output folder (besides the city folders).
PAGE_FILES = ("index.html", "measures.html", "manifest.json", "coverage_map.png")
FAILED_DIR = "failed-runs"
_CITY_FOLDER = re.compile(r"^\d{3}(-[a-z0-9-]+)?$")
# temporary names of rvanalytics.atomic (".<name>.<random>.tmp", ".<name>.old")
_TEMP = re.compile(r"^\.(?P<name>.+?)\.[A-Za-z0-9_]+\.tmp$|^\.(?P<old>.+)\.old$")


def read_record(out_dir: str | Path) -> dict[str, Any]:
    """The record of ``out_dir`` (``{"written": [...], ...}``); empty when there is none."""
    try:
        data = json.loads((Path(out_dir) / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_written(out_dir: str | Path, names: Iterable[str], **extra: Any) -> None:
    """Add top-level ``names`` (and ``extra`` keys) to the record of ``out_dir``."""
    out = Path(out_dir)
    record = read_record(out)
    written = set(record.get("written") or [])
    written |= _project_files(out) | {str(n) for n in names}
    record.update(extra)
    record["written_by"] = "rvanalytics report"
    record["written"] = sorted(written)
    atomic_write_text(out / RECORD_FILE, json.dumps(record, indent=1, ensure_ascii=False))


def _is_report_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"schema_version", "reports", "data_vintages"} <= set(data)


def _has_generator_tag(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return '<meta name="generator" content="rvanalytics' in head


def _looks_ours(entry: Path, legacy: bool) -> bool:
    """True for an entry an earlier run left (recognised by content, not by name alone)."""
    name = entry.name
    if _CITY_FOLDER.match(name) and entry.is_dir() and not entry.is_symlink():
        return (entry / "result.json").is_file()
    if not legacy:
        return False
    if name == "manifest.json":
        return _is_report_manifest(entry)
    if name in ("index.html", "measures.html"):
        return _has_generator_tag(entry)
    if name == "coverage_map.png" or name == FAILED_DIR:
        return True
    return False


#: Files the checkout itself keeps in its ``reports/`` folder (tracked by git; a report never writes them).
_PROJECT_REPORT_FILES = frozenset({"README.md", ".gitignore", ".gitkeep"})


def _project_files(out: Path) -> frozenset[str]:
    """The checkout's own files when ``out`` is its ``reports/`` folder, else none."""
    from rvanalytics.paths import reports_dir

    try:
        same = out.resolve() == Path(reports_dir()).resolve()
    except OSError:
        same = False
    return _PROJECT_REPORT_FILES if same else frozenset()


def foreign_entries(out_dir: str | Path) -> list[str]:
    """Top-level names in ``out_dir`` that rvanalytics did not write (sorted)."""
    out = Path(out_dir)
    try:
        entries = list(out.iterdir())
    except OSError:
        return []
    record = read_record(out)
    written = set(record.get("written") or [])
    written |= _project_files(out)
    # no record: a folder of an earlier version is recognised by its manifest
    legacy = not record and _is_report_manifest(out / "manifest.json")
    foreign = []
    for entry in entries:
        name = entry.name
        if name == RECORD_FILE or name in written:
            continue
        temp = _TEMP.match(name)
        if temp:
            base = temp.group("name") or temp.group("old")
            if base in written or base in PAGE_FILES or base == RECORD_FILE or _CITY_FOLDER.match(base):
                continue
        if _looks_ours(entry, legacy):
            continue
        foreign.append(name)
    return sorted(foreign)


def check_out_dir(out_dir: str | Path, *, allow_foreign: bool = False) -> Path:
    """Create ``out_dir`` if needed and check that reports may be written there.

    Parameters
    ----------
    out_dir : path
        The output folder.
    allow_foreign : bool
        Write even when the folder holds files rvanalytics did not write (files with the
        names the batch writes are then replaced).

    Returns
    -------
    Path
        The resolved folder.

    Raises
    ------
    OutputError
        One sentence each: the path is a file, a parent is a file, the place is not
        writable, or the folder holds files rvanalytics did not write.
    """
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise OutputError(
            out,
            "is a file, but the reports need a folder here",
            "give the path of a new or empty folder (or of an earlier report folder)",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as err:
        raise OutputError(
            out,
            f"cannot create the folder: {Path(err.filename or out)} is a file",
            "give a folder path whose parents are folders",
        ) from err
    except NotADirectoryError as err:
        raise OutputError(
            out,
            "cannot create the folder: a part of the path is a file",
            "give a folder path whose parents are folders",
        ) from err
    except PermissionError as err:
        raise OutputError(
            out,
            "cannot create the folder (permission denied)",
            "choose a place you can write to, e.g. a folder in your home directory",
        ) from err
    except OSError as err:
        raise OutputError(
            out, f"cannot create the folder ({err.strerror or err})", "choose another place"
        ) from err
    out = out.resolve()
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(
            out,
            "the folder is not writable",
            "choose a place you can write to, or make the folder writable",
        )
    if not allow_foreign:
        foreign = foreign_entries(out)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise OutputError(
                out,
                f"the folder holds files rvanalytics did not write ({shown}); writing the "
                "reports there could replace them",
                "choose a new or empty folder, or allow writing into this folder explicitly",
            )
    return out
