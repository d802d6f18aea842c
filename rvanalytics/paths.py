"""Where rvanalytics keeps and finds its files.

- ``RVANALYTICS_DATA_DIR``: cache of downloads and the default store location
  (default: the platform cache directory, e.g. ``~/.cache/rvanalytics``).
- ``RVANALYTICS_STORE``: the normalised local store (default ``$RVANALYTICS_DATA_DIR/store``).
- ``RVANALYTICS_RECORDED_DIR``: recorded copies of the official sources
  (default: ``../shared/data`` beside the checkout or the working directory).
- ``RVANALYTICS_CITIES_DIR``: city profiles (default: ``data/cities`` of the checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["data_dir", "store_dir", "recorded_dir", "cities_dir", "repo_root", "reports_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path:
    """The checkout the package was installed from (editable install) or the working directory."""
    candidate = _PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


def data_dir() -> Path:
    """Download cache; moved with the ``RVANALYTICS_DATA_DIR`` environment variable."""
    env = os.environ.get("RVANALYTICS_DATA_DIR")
    path = Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("rvanalytics"))
    return path


def store_dir(path: str | Path | None = None) -> Path:
    """The local store: ``path`` if given, else ``RVANALYTICS_STORE``, else ``data_dir()/store``."""
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get("RVANALYTICS_STORE")
    if env:
        return Path(env).expanduser()
    return data_dir() / "store"


def recorded_dir() -> Path | None:
    """Folder of recorded official data, or None when there is none.

    Looked up in ``RVANALYTICS_RECORDED_DIR``, then ``../shared/data`` beside the
    checkout, then beside the working directory.
    """
    env = os.environ.get("RVANALYTICS_RECORDED_DIR")
    if env:  # an explicit setting is authoritative: no silent fallback to another folder
        path = Path(env).expanduser()
        return path.resolve() if path.is_dir() else None
    candidates = [repo_root().parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def cities_dir() -> Path:
    """City profiles: ``RVANALYTICS_CITIES_DIR`` or ``data/cities`` of the checkout."""
    env = os.environ.get("RVANALYTICS_CITIES_DIR")
    return Path(env).expanduser() if env else repo_root() / "data" / "cities"


def reports_dir() -> Path:
    """Default output folder of the per-city reports (``reports/`` of the checkout)."""
    return repo_root() / "reports"
