"""Population from THL Sotkanet (indicator 127, population 31 Dec), as recorded by geofi.

The recorded file (``municipality_code, primary.value, year``, 2000–2022) gives every year
on the 309-municipality division of 2021–2024: Sotkanet applies the current division
backwards, so merged municipalities are already combined in earlier years. The panel
therefore reads it as division year 2023 and harmonises it onto the store's division.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers._common import pad_codes, parse_numbers, read_text, require_columns

__all__ = ["SOTKANET_DIVISION_YEAR", "read_sotkanet_population"]

#: Division the recorded Sotkanet file is on (309 codes: 2021–2024 division).
SOTKANET_DIVISION_YEAR = 2023


def read_sotkanet_population(path: str | Path, source: str = "sotkanet_population") -> pd.DataFrame:
    """Panel rows ``population`` (persons, 31 Dec) from the Sotkanet CSV.

    Examples
    --------
    >>> from rvanalytics.download import fetch
    >>> pop = read_sotkanet_population(fetch("sotkanet_population", offline=True))
    >>> int(pop.query("code == '091' and year == 2022")["value"].item())
    664028
    """
    path = Path(path)
    text, _ = read_text(path)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    require_columns(raw, ("municipality_code", "primary.value", "year"), path, "Sotkanet population CSV")
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "download the file again")
    value, status = parse_numbers(raw["primary.value"], path, "primary.value")
    rows = pd.DataFrame({
        "level": "municipality",
        "code": pad_codes(raw["municipality_code"], path, "municipality_code"),
        "year": parse_numbers(raw["year"], path, "year")[0].astype("int64"),
        "indicator": "population",
        "value": value,
        "unit": "persons",
        "source": source,
        "status": status.replace("missing", ".."),
    })
    return rows
