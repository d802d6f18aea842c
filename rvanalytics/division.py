"""The municipal division the package works on by default: one fact, one place.

Municipality codes change with mergers, so every table is paired with the key of its division
year and harmonised onto one division. This module is imported by the command line for its
defaults, so it imports nothing heavy.

Examples
--------
>>> DEFAULT_DIVISION_YEAR, KEY_YEARS[0], KEY_YEARS[-1]
(2026, 2013, 2026)
"""

from __future__ import annotations

__all__ = ["DEFAULT_DIVISION_YEAR", "KEY_YEARS"]

#: The division the store's panel, profiles and reports use unless told otherwise.
DEFAULT_DIVISION_YEAR: int = 2026
#: Years with a Statistics Finland municipality key in the recorded data.
KEY_YEARS: tuple[int, ...] = tuple(range(2013, DEFAULT_DIVISION_YEAR + 1))
