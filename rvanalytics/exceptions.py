"""Exception hierarchy of rvanalytics.

Every error the package raises on purpose derives from :class:`RvanalyticsError`,
so callers (and the CLI) can catch one type and print a one-line message.
Errors about a file carry the path, and where known the row and column, and a fix.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "RvanalyticsError",
    "DataFileError",
    "SourceUnavailableError",
    "StoreError",
    "HarmoniseError",
    "ProfileError",
    "ReportError",
    "OutputError",
]


class RvanalyticsError(Exception):
    """Base class of all errors raised by rvanalytics."""


class DataFileError(RvanalyticsError):
    """A data file cannot be used: names the file, the place and the fix.

    Parameters
    ----------
    path : str or Path
        The file that has the problem.
    problem : str
        What is wrong, in one sentence.
    fix : str, optional
        What the user can do about it.
    row : int, optional
        1-based row (line) number in the file where the problem was found.
    column : str, optional
        Column or field name.

    Examples
    --------
    >>> err = DataFileError("pop.csv", "column 'code' is missing", "rename the area column to 'code'")
    >>> str(err)
    "pop.csv: column 'code' is missing. Fix: rename the area column to 'code'"
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        fix: str | None = None,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        self.row = row
        self.column = column
        super().__init__(self._message())

    def _message(self) -> str:
        where = [str(self.path)] if self.path is not None else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + ": " + self.problem if where else self.problem
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class SourceUnavailableError(RvanalyticsError):
    """An official source cannot be reached and no recorded copy is available."""


class StoreError(RvanalyticsError):
    """The local store is missing, incomplete or corrupt."""


class HarmoniseError(RvanalyticsError):
    """A table cannot be moved onto another year's municipal division."""


class OutputError(DataFileError):
    """An output path cannot be written (a folder where a file is expected, a file in the way, no permission).

    Examples
    --------
    >>> str(OutputError("out.json", "is a folder, not a file", "give a file name such as out.json"))
    'out.json: is a folder, not a file. Fix: give a file name such as out.json'
    """


class ProfileError(DataFileError):
    """A city profile file is invalid."""


class ReportError(RvanalyticsError):
    """A report notebook failed; carries the city, the cell index and the exception name."""

    def __init__(
        self,
        message: str,
        *,
        city: str | None = None,
        cell_index: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        self.city = city
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        super().__init__(message)
