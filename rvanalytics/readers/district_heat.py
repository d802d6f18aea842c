"""District-heat energy and emissions per municipality, aggregated from Syke ALas 1.1 (2005–2018).

The file ``emission_factors_of_energy_consumption.csv`` (a third-party aggregation of ALas 1.1,
see its PROVENANCE.md): ``,`` separator, dot decimals, R-style ``NA``; columns ``year, emission``
(kt CO2e), ``energy_use`` (GWh), ``emission_factor`` (= emission / energy_use), ``final_use``,
``level5``, ``municipality`` (Finnish name, no code), ``emission_trade`` (``On``: the producing plant is
in the EU emissions trading system, ``Ei``: it is not), ``gas``. Only the municipal district-heating
rows are used; the national rows of other sectors are not reliable (PROVENANCE) and are listed in
the flags, never silently dropped. Names are resolved with the key of the file's division (2020).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys
from rvanalytics.readers._common import Flags, read_text, require_columns
from rvanalytics.readers.buildings import fast_numbers
from rvanalytics.readers.pxweb_csv import resolve_area_names

__all__ = ["DISTRICT_HEAT_COLUMNS", "read_district_heat_csv"]

DISTRICT_HEAT_COLUMNS = ["year", "emission", "energy_use", "emission_factor", "final_use", "municipality",
                         "emission_trade"]
_TRADE = {"On": "ets", "Ei": "non_ets"}


def read_district_heat_csv(path: str | Path, *, year: int = 2020, keys: MunicipalityKeys | None = None, flags: Flags | None = None,
                           ) -> pd.DataFrame:
    """Municipal district-heat rows of the ALas 1.1 aggregation.

    Parameters
    ----------
    path : path
    year : int
        Division year of the municipality names (ALas 1.1: 1.1.2020, 310 municipalities).
    flags : Flags, optional
        Receives one entry for the national rows of other sectors that are left out.

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``year`` (int), ``trade`` ("ets" / "non_ets"), ``energy_gwh``,
        ``emission_kt``, ``row`` (file line). One row per municipality, year and trade class.

    Raises
    ------
    DataFileError
        Missing columns, a name not in the key of ``year``, an unknown ``emission_trade``,
        a missing year or value, negative values, duplicated municipality × year × trade rows,
        or an ``emission_factor`` that is not ``emission / energy_use``.
    """
    path = Path(path)
    text, _ = read_text(path)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    require_columns(raw, DISTRICT_HEAT_COLUMNS, path, "district-heat table")
    if raw.empty:
        raise DataFileError(path, "the file has a header but no rows", "save the table again")
    final = raw["final_use"].str.strip()
    muni_name = raw["municipality"].str.strip()
    use = (final == "district heating") & ~muni_name.isin(["", "NA"])
    if not use.any():
        raise DataFileError(path, "no municipal district-heating rows (final_use 'district heating' with a municipality)",
                            "check that this is the ALas 1.1 district-heat aggregation", column="final_use")
    left = int((~use).sum())
    if left and flags is not None:
        kinds = ", ".join(f"{k} ({v})" for k, v in final[~use].value_counts().items())
        flags.add(path, None, f"{left} national rows of other sectors left out: {kinds} (not reliable per the "
                              "file's PROVENANCE; only municipal district heat is used)", column="final_use")
    rows = raw[use]
    line = rows.index.to_numpy() + 2
    trade = rows["emission_trade"].str.strip()
    bad = ~trade.isin(_TRADE)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"emission_trade {trade.iloc[pos]!r}; expected 'On' (EU ETS plant) or 'Ei'",
                            "keep the ALas labels On/Ei", row=int(line[pos]), column="emission_trade")
    try:
        codes = resolve_area_names(muni_name[use].reset_index(drop=True), year, path, column="municipality",
                                   keys=keys)
    except DataFileError as err:  # give the file line, not the position among the district-heat rows
        raise DataFileError(path, err.problem, f"names must be municipalities of {year} (Statistics Finland key "
                            f"{year}); fix the spelling or pass the file's division year (year=)",
                            row=int(line[err.row - 2]) if err.row else None, column="municipality") from None
    numbers = {}
    for col in ("year", "energy_use", "emission", "emission_factor"):
        value, status = fast_numbers(rows[col].reset_index(drop=True), path, col)
        missing = (status != "").to_numpy()
        if missing.any():
            pos = int(np.flatnonzero(missing)[0])
            raise DataFileError(path, f"{col} is missing ({rows[col].iloc[pos]!r}) in a district-heating row",
                                "every municipal district-heating row needs year, energy_use and emission",
                                row=int(line[pos]), column=col)
        if col != "year" and (value < 0).any():
            pos = int(np.flatnonzero((value < 0).to_numpy())[0])
            raise DataFileError(path, f"negative {col} {value.iloc[pos]}", "energy and emissions are never negative",
                                row=int(line[pos]), column=col)
        numbers[col] = value.to_numpy()
    if not np.array_equal(numbers["year"], np.round(numbers["year"])):
        pos = int(np.flatnonzero(numbers["year"] != np.round(numbers["year"]))[0])
        raise DataFileError(path, f"year {numbers['year'][pos]} is not a whole year", "use calendar years",
                            row=int(line[pos]), column="year")
    energy, emission, factor = numbers["energy_use"], numbers["emission"], numbers["emission_factor"]
    with np.errstate(invalid="ignore", divide="ignore"):
        implied = np.where(energy > 0, emission / energy, np.nan)
    off = np.abs(implied - factor) > 1e-9 * np.maximum(1.0, np.abs(factor))
    off &= ~np.isnan(implied)
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        raise DataFileError(path, f"emission_factor {factor[pos]} is not emission / energy_use "
                            f"({emission[pos]} / {energy[pos]} = {implied[pos]:.6g})",
                            "the columns may have been shifted or edited; save the table again",
                            row=int(line[pos]), column="emission_factor")
    out = pd.DataFrame({"code": codes.to_numpy(), "name": muni_name[use].to_numpy(),
                        "year": numbers["year"].astype("int64"), "trade": trade.map(_TRADE).to_numpy(),
                        "energy_gwh": energy, "emission_kt": emission, "row": line})
    dup = out.duplicated(["code", "year", "trade"])
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFileError(path, f"{out['name'].iloc[pos]} {out['year'].iloc[pos]} ({trade.iloc[pos]}) appears twice",
                            "keep one row per municipality, year and emission_trade", row=int(line[pos]),
                            column="municipality")
    return out.sort_values(["code", "year", "trade"]).reset_index(drop=True)
