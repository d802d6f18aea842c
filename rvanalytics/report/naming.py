"""Safe file and folder names for the reports.

Names come from the data (city names in Finnish and Swedish), so they are turned into
plain ASCII slugs: ``ä → a``, ``ö → o``, ``å → a``, other accents dropped, anything
that is not a letter or digit becomes ``-``. A slug never contains ``/``, ``\\`` or
``..``, so a report folder can never land outside the output folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rvanalytics.exceptions import ReportError

__all__ = ["check_city_code", "report_folder", "report_folder_name", "slugify"]

_TRANSLIT = str.maketrans(
    {
        "ä": "a",
        "Ä": "a",
        "ö": "o",
        "Ö": "o",
        "å": "a",
        "Å": "a",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "š": "s",
        "Š": "s",
        "ž": "z",
        "Ž": "z",
    }
)
_CODE_RE = re.compile(r"^\d{3}$")
MAX_SLUG_LENGTH = 60


def slugify(name: str, *, fallback: str = "city", max_length: int = MAX_SLUG_LENGTH) -> str:
    """Turn a name from the data into a lowercase ASCII slug safe as a file name.

    Parameters
    ----------
    name : str
        Any text, e.g. a municipality name.
    fallback : str
        Returned when nothing usable remains (empty name, only punctuation).
    max_length : int
        The slug is cut to this many characters (at a ``-`` where possible).

    Returns
    -------
    str
        Only ``a-z``, ``0-9`` and single ``-`` inside; never empty.

    Examples
    --------
    >>> slugify("Hämeenlinna")
    'hameenlinna'
    >>> slugify("Pedersöre / Pedersören kunta")
    'pedersore-pedersoren-kunta'
    >>> slugify("Jomala (Åland)")
    'jomala-aland'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("   ")
    'city'
    """
    text = str(name).translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        cut = text[:max_length]
        if "-" in cut[max_length // 2 :]:
            cut = cut[: cut.rindex("-")]
        text = cut.strip("-")
    return text or fallback


def check_city_code(code: object) -> str:
    """Return ``code`` as a 3-digit municipality code string or raise :class:`ReportError`.

    Integers and short digit strings are zero-padded (``91 → "091"``).

    Examples
    --------
    >>> check_city_code(91)
    '091'
    >>> check_city_code("837")
    '837'
    """
    if isinstance(code, bool):
        raise ReportError(
            f"city code {code!r} is not a municipality code. Fix: give a 3-digit code such as '091'"
        )
    if isinstance(code, int):
        code = f"{code:03d}"
    text = str(code).strip()
    if text.isdigit() and len(text) < 3:
        text = text.zfill(3)
    if not _CODE_RE.match(text):
        raise ReportError(
            f"city code {code!r} is not a municipality code. Fix: give a 3-digit code such as '091'",
            city=str(code),
        )
    return text


def report_folder_name(code: str, name: str | None) -> str:
    """Folder name ``<code>-<slug>`` of one city's report.

    Examples
    --------
    >>> report_folder_name("091", "Helsinki")
    '091-helsinki'
    >>> report_folder_name("049", None)
    '049'
    """
    code = check_city_code(code)
    if not name:
        return code
    return f"{code}-{slugify(name)}"


def report_folder(out_dir: str | Path, code: str, name: str | None) -> Path:
    """The report folder of one city inside ``out_dir``, checked to stay inside it."""
    root = Path(out_dir).resolve()
    folder = (root / report_folder_name(code, name)).resolve()
    if folder.parent != root:
        raise ReportError(f"report folder {folder} would leave {root}", city=code)
    return folder
