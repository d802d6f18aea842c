"""Checks of ``--out`` paths before any work is done, so a bad path is one clear line, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from rvanalytics.exceptions import OutputError

__all__ = ["check_out_dir", "check_out_file"]


def _nearest_existing(path: Path) -> Path:
    """The path itself or its closest ancestor that exists."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor or ".")


def _check_ancestors(path: Path, option: str) -> None:
    """Every existing ancestor must be a writable folder (a file in the way cannot become a folder)."""
    ancestor = _nearest_existing(path.parent)
    if not ancestor.is_dir():
        raise OutputError(path, f"{option}: {ancestor} is a file, so no folder can be made there",
                          f"give {option} a path that does not go through the file {ancestor.name!r}")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(path, f"{option}: no permission to write in {ancestor}",
                          f"give {option} a folder you can write to")


def check_out_file(path: Path, option: str = "--out", suffixes: tuple[str, ...] = ()) -> Path:
    """Raise :class:`OutputError` unless ``path`` can be written as a file.

    Parameters
    ----------
    path : Path
        The file the command will write.
    option : str
        The option's name, shown in the message.
    suffixes : tuple of str
        Allowed suffixes (lower case, with the dot); empty = any.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_out_file(folder / "metrics.json").name
    'metrics.json'
    >>> check_out_file(folder)
    Traceback (most recent call last):
    ...
    rvanalytics.exceptions.OutputError: ...: --out: is an existing folder, not a file. Fix: give a file name inside it, e.g. ...
    """
    path = Path(path)
    if path.is_dir():
        example = path / f"out{suffixes[0] if suffixes else '.json'}"
        raise OutputError(path, f"{option}: is an existing folder, not a file", f"give a file name inside it, e.g. {example}")
    if suffixes and path.suffix.lower() not in suffixes:
        raise OutputError(path, f"{option}: unknown format {path.suffix!r}",
                          "end the file name in " + " or ".join(suffixes))
    _check_ancestors(path, option)
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(path, f"{option}: the file exists and is read-only", "give another file name or make it writable")
    return path


def check_out_dir(path: Path, option: str = "--out") -> Path:
    """Raise :class:`OutputError` unless ``path`` is, or can be made, a writable folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = f.write_text("x")
    >>> check_out_dir(f)
    Traceback (most recent call last):
    ...
    rvanalytics.exceptions.OutputError: ...: --out: is an existing file, not a folder. Fix: give a folder name (it is created when missing)
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(path, f"{option}: is an existing file, not a folder", "give a folder name (it is created when missing)")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(path, f"{option}: no permission to write in this folder", f"give {option} a folder you can write to")
        return path
    _check_ancestors(path, option)
    return path
