"""Permissions of published report files.

:mod:`rvanalytics.atomic` writes through ``tempfile.mkstemp``/``mkdtemp``, which create
files with mode 0600 and folders with 0700. Report folders are meant to be copied to a
web server or shared, so the report writers give them the modes an ordinary write would
have had (``0666``/``0777`` minus the umask).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["current_umask", "make_readable"]


def current_umask() -> int:
    """The process umask, read without changing it where possible (Linux ``/proc``).

    Examples
    --------
    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore
    os.umask(mask)
    return mask


def make_readable(path: str | Path) -> None:
    """Give ``path`` (and, for a folder, everything in it) the modes of an ordinary write."""
    mask = current_umask()
    root = Path(path)
    if not root.exists():
        return
    paths = [root, *root.rglob("*")] if root.is_dir() else [root]
    for p in paths:
        if p.is_symlink():
            continue
        os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~mask)
