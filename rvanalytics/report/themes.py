"""Theme names on report pages: the words of :mod:`rvanalytics.themes` (light module)."""

from __future__ import annotations

from rvanalytics.report.templating import texts
from rvanalytics.themes import theme_label

__all__ = ["theme_name"]


def theme_name(theme: str | None, lang: str) -> str:
    """Readable theme name in ``lang`` (fi, sv, en); "theme not known" for none.

    Examples
    --------
    >>> theme_name("transport", "sv"), theme_name(None, "en")
    ('Mobilitet och samhällsstruktur', 'Theme not known')
    """
    if not theme:
        return texts(lang)["no_theme"]
    return theme_label(theme, lang)
