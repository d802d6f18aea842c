"""The indicator panel: every indicator source in one long table on one municipal division.

``build_panel()`` reads the sources (official download when reachable, else the recorded
copies), moves every table onto ``division_year`` with :func:`rvanalytics.mergers.harmonise`
(additive values summed over merged municipalities) and derives the per-capita variants
(``status == "derived"``). Rows that were set aside or repaired are listed in ``flags``.

Divisions of the sources: Sotkanet population 2023 (309 codes, current division applied
backwards), ALas 1.1 road transport 2020 (310 codes), Hinku North Karelia and StatFin 11re
the current division (2026). Population is the year-end (31 December) population.

Examples
--------
>>> build = build_panel(offline=True)
>>> build.panel.query("code == '091' and year == 2018 and indicator == 'road_transport_ghg_kt'")["value"].round(1).item()
537.6
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rvanalytics.division import DEFAULT_DIVISION_YEAR
from rvanalytics.exceptions import DataFileError, RvanalyticsError, SourceUnavailableError
from rvanalytics.key import MunicipalityKeys, keys_or_default
from rvanalytics.readers._common import Flags, read_text

__all__ = ["PANEL_COLUMNS", "PanelBuild", "build_panel", "derive_per_capita", "inspect_indicator_file",
           "panel_status", "source_path"]

PANEL_COLUMNS = ["level", "code", "year", "indicator", "value", "unit", "source", "status", "division_year",
                 "release", "preliminary"]
FLAG_COLUMNS = ["source", "file", "row", "column", "reason"]

#: Division year of each source's municipality codes.
SOURCE_DIVISIONS = {
    "sotkanet_population": 2023,
    "syke_alas_road_transport": 2020,
    "syke_alas_hinku_north_karelia": 2026,
    "syke_alas_hinku_municipalities_2024": 2024,
    "syke_alas_hinku_regions_2024": 2024,
    "statfin_pxweb_11re": 2026,
}


@dataclass
class PanelBuild:
    """Result of :func:`build_panel`."""

    panel: pd.DataFrame
    flags: pd.DataFrame
    sources: list[dict[str, Any]] = field(default_factory=list)
    mergers: pd.DataFrame = field(default_factory=pd.DataFrame)


def source_path(source_id: str, filename: str | None = None, *, offline: bool | None = None) -> Path:
    """Local path of a source file via :func:`rvanalytics.download.fetch` (recorded copy when offline)."""
    from rvanalytics.download import fetch

    try:
        return fetch(source_id, filename=filename, offline=offline)
    except (KeyError, SourceUnavailableError):
        if offline:
            raise
        return fetch(source_id, filename=filename, offline=True)


def _vintage(source_id: str) -> str:
    from rvanalytics.catalogue import sources

    known = sources()
    return known[source_id].vintage if source_id in known else ""  # user tables have no entry


def _harmonise_rows(rows: pd.DataFrame, from_year: int, to_year: int, *,
                    keys: MunicipalityKeys | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Municipality rows moved onto ``to_year`` (other levels untouched)."""
    from rvanalytics.mergers import harmonise

    muni = rows[rows["level"] == "municipality"]
    other = rows[rows["level"] != "municipality"]
    if muni.empty or from_year == to_year:
        return rows.reset_index(drop=True), pd.DataFrame()
    parts, mergers = [], []
    for additive, group in muni.groupby(_additive(muni["indicator"]), sort=False):
        if not additive:
            raise RvanalyticsError(f"non-additive indicators {sorted(group['indicator'].unique())} must be derived "
                                   "after harmonising, not harmonised")
        result = harmonise(group, from_year, to_year, value_columns=["value"], additive=True,
                           group_columns=["indicator", "year"], keys=keys)
        table = result.table
        gap = table["value"].isna() & (table["status"] == "")
        table.loc[gap, "status"] = ".."
        parts.append(table)
        mergers.append(result.mergers)
    out = pd.concat([*parts, other], ignore_index=True)
    return out, pd.concat(mergers, ignore_index=True).drop_duplicates() if mergers else pd.DataFrame()


def _additive(indicators: pd.Series) -> pd.Series:
    from rvanalytics.indicators import indicator_catalogue

    cat = indicator_catalogue()["additive"]
    return indicators.map(lambda i: bool(cat.get(i, True)))


def derive_per_capita(numerators: pd.DataFrame, population: pd.DataFrame, per_capita_id: str,
                      numerator_id: str, scale: float, *, source: str | None = None) -> pd.DataFrame:
    """Per-capita rows ``value = numerator * scale / population`` (same level, code and year).

    ``status`` is ``"derived"``; where the numerator or the population is missing (or
    population is zero) the value is NaN with status ``".."``.

    Examples
    --------
    >>> num = pd.DataFrame({"level": "municipality", "code": ["091"], "year": [2018],
    ...                     "indicator": "road_transport_ghg_kt", "value": [537.6], "unit": "kt CO2e",
    ...                     "source": "s", "status": ""})
    >>> pop = num.assign(indicator="population", value=[648042.0], unit="persons")
    >>> out = derive_per_capita(num, pop, "road_transport_ghg_per_capita_t", "road_transport_ghg_kt", 1000)
    >>> out[["value", "unit", "status"]].round(3).to_dict("records")
    [{'value': 0.83, 'unit': 't CO2e/person', 'status': 'derived'}]
    """
    from rvanalytics.indicators import get_indicator

    entry = get_indicator(per_capita_id)
    num = numerators[numerators["indicator"] == numerator_id]
    pop = population[population["indicator"] == "population"][["level", "code", "year", "value"]]
    merged = num.merge(pop.rename(columns={"value": "_pop"}), on=["level", "code", "year"], how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = merged["value"].to_numpy(dtype="float64") * scale / merged["_pop"].to_numpy(dtype="float64")
    bad = ~np.isfinite(value)
    value[bad] = np.nan
    return pd.DataFrame({
        "level": merged["level"], "code": merged["code"], "year": merged["year"], "indicator": per_capita_id,
        "value": value, "unit": entry["unit"], "source": source or merged["source"],
        "status": np.where(bad, "..", "derived"),
    })


def _flags_frame(flags: Flags, source: str) -> pd.DataFrame:
    frame = flags.frame()
    frame.insert(0, "source", source)
    return frame


def build_panel(*, division_year: int = DEFAULT_DIVISION_YEAR, offline: bool | None = None, progress: bool = False,
                extra_tables: Sequence[str | Path] = (), keys: MunicipalityKeys | None = None) -> PanelBuild:
    """Build the indicator panel from all sources.

    Parameters
    ----------
    division_year : int
        Municipal division every code is moved onto (default 2026, the store's).
    offline : bool, optional
        Use only recorded copies (default ``RVANALYTICS_OFFLINE``).
    progress : bool
        Show a progress bar over the sources.
    extra_tables : paths
        Analysts' tidy tables (see :func:`rvanalytics.readers.read_user_table`); their codes
        must be of ``division_year``.
    keys : MunicipalityKeys, optional
        Municipality keys the sources are read and harmonised with (default
        :func:`rvanalytics.key.default_keys`; the store build passes the keys of its temporary folder).

    Returns
    -------
    PanelBuild
        ``panel`` (columns :data:`PANEL_COLUMNS`), ``flags`` (``source, file, row, column, reason``),
        ``sources`` (id, files, vintage, rows, division_year) and ``mergers`` (applied).
    """
    from tqdm.auto import tqdm

    steps = ["population", "road transport", "hinku", "regions", "statfin", "resource wisdom",
             *[str(p) for p in extra_tables]]
    parts = _Parts(division_year, offline, keys,
                   tqdm(total=len(steps), desc="indicator panel", disable=not progress, leave=False))
    population = _add_population(parts)
    road_rows = _add_road_transport(parts)
    _add_hinku(parts)
    regions = _add_regions(parts)
    parts.pieces.append(_statfin_population(population, division_year, offline, parts.flag_frames, parts.sources,
                                            keys))
    parts.bar.update(1)
    _add_resource_wisdom(parts)
    for table_path in extra_tables:
        _add_user_table(parts, Path(table_path))
    _add_derived(parts, population=population, road_rows=road_rows, regions=regions)
    parts.bar.close()
    return _assemble(parts)


@dataclass
class _Parts:
    """What the panel build collects, step by step: rows, flags, sources and the mergers applied."""

    division_year: int
    offline: bool | None
    keys: MunicipalityKeys | None
    bar: Any
    pieces: list[pd.DataFrame] = field(default_factory=list)
    flag_frames: list[pd.DataFrame] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    mergers: list[pd.DataFrame] = field(default_factory=list)

    def add(self, source_id: str, rows: pd.DataFrame, files: list[Path], from_year: int | None,
            note: str = "") -> pd.DataFrame:
        """Move a source's municipality rows onto the panel's division and keep them with their source."""
        if from_year is not None and from_year > self.division_year:
            self.flag_frames.append(pd.DataFrame([{
                "source": source_id, "file": str(files[0]), "row": None, "column": "code",
                "reason": f"source is on the {from_year} division, later than the panel's {self.division_year}; "
                          "its municipality rows were left out"}]))
            rows = rows[rows["level"] != "municipality"]
        elif from_year is not None:
            rows, applied = _harmonise_rows(rows, from_year, self.division_year, keys=self.keys)
            if not applied.empty:
                self.mergers.append(applied.assign(source=source_id))
        self.pieces.append(rows)
        self.sources.append({"id": source_id, "files": [str(f) for f in files], "vintage": _vintage(source_id),
                             "rows": len(rows), "division_year": from_year, "note": note})
        self.bar.update(1)
        return rows


def _add_population(parts: _Parts) -> pd.DataFrame:
    """Sotkanet population (31 December; 2023 division)."""
    from rvanalytics.readers import read_sotkanet_population

    path = source_path("sotkanet_population", offline=parts.offline)
    return parts.add("sotkanet_population", read_sotkanet_population(path), [path],
                     SOURCE_DIVISIONS["sotkanet_population"], "population 31 Dec")


def _add_road_transport(parts: _Parts) -> pd.DataFrame:
    """Syke ALas 1.1 road transport (2020 division)."""
    from rvanalytics.readers import (
        read_road_transport_csv,
        read_sector_tree,
        road_transport_indicators,
    )

    src = "syke_alas_road_transport"
    road_path = source_path(src, "TIELIIKENNE_ALas_1.1_web_lipasto.csv", offline=parts.offline)
    tree_path = source_path(src, "alas_luokat.csv", offline=parts.offline)
    road_flags = Flags()
    road = read_road_transport_csv(road_path, read_sector_tree(tree_path), road_flags)
    parts.flag_frames.append(_flags_frame(road_flags, src))
    return parts.add(src, road_transport_indicators(road), [road_path, tree_path], SOURCE_DIVISIONS[src])


def _add_hinku(parts: _Parts) -> None:
    """Syke Hinku emissions of every release (municipalities, regions, country) and their per-capita rows."""
    frames = []
    for source_id, (rows, syke_population, files, from_year, note) in _syke_hinku_sources(
            parts.division_year, parts.flag_frames, parts.keys).items():
        rows = parts.add(source_id, rows, files, from_year, note)
        if from_year is not None and from_year < parts.division_year:
            syke_population = _harmonise_population(syke_population, from_year, parts.division_year, parts.keys)
        frames.append((rows, syke_population))
    parts.pieces.append(_hinku_per_capita(frames))


def _add_regions(parts: _Parts) -> pd.DataFrame:
    """All ALas emissions at region level (region codes from the English names)."""
    from rvanalytics.readers import read_regions_summary, regions_summary_indicators

    path = source_path("syke_alas_regions", offline=parts.offline)
    regions = regions_summary_indicators(read_regions_summary(path, year=parts.division_year, keys=parts.keys))
    parts.add("syke_alas_regions", regions, [path], None, "all ALas emissions; region codes from the English names")
    return regions


def _add_resource_wisdom(parts: _Parts) -> None:
    """Buildings' heating fuels, district heat, key figures (:mod:`rvanalytics.resource_panel` harmonises
    their additive quantities and derives shares and ratios after)."""
    from rvanalytics.resource_panel import load_resource_sources

    for part in load_resource_sources(parts.division_year, offline=parts.offline, keys=parts.keys):
        parts.pieces.append(part.rows)
        parts.flag_frames.append(part.flags)
        parts.sources.append(part.source)
        if not part.mergers.empty:
            parts.mergers.append(part.mergers)
    parts.bar.update(1)


def _add_user_table(parts: _Parts, table_path: Path) -> None:
    """An analyst's own tidy table (codes of the panel's division)."""
    from rvanalytics.readers import read_user_table

    user_flags = Flags()
    rows = read_user_table(table_path, division_year=parts.division_year, keys=parts.keys, flags=user_flags)
    parts.flag_frames.append(_flags_frame(user_flags, f"user:{table_path.name}"))
    parts.add(f"user:{table_path.name}", rows, [table_path], None, "analyst's own table")


def _add_derived(parts: _Parts, *, population: pd.DataFrame, road_rows: pd.DataFrame, regions: pd.DataFrame) -> None:
    """Per-capita variants (Hinku's were derived per release with the emissions) and Hinku shares by theme."""
    from rvanalytics.indicators import per_capita_indicators
    from rvanalytics.resource_panel import hinku_theme_shares

    for per_id, (num_id, scale) in per_capita_indicators().items():
        if num_id == "ghg_alas_total_kt":
            parts.pieces.append(derive_per_capita(regions, regions, per_id, num_id, scale))
        elif num_id.startswith("road_transport"):
            parts.pieces.append(derive_per_capita(road_rows, population, per_id, num_id, scale))
    parts.pieces.append(hinku_theme_shares(pd.concat([p for p in parts.pieces if not p.empty], ignore_index=True)))


def _assemble(parts: _Parts) -> PanelBuild:
    """One typed table on the panel's columns, duplicates flagged, units checked, sorted; the flags table."""
    panel = pd.concat([p for p in parts.pieces if not p.empty], ignore_index=True)
    panel["division_year"] = parts.division_year
    panel["release"] = panel["release"].fillna("") if "release" in panel else ""
    panel["preliminary"] = panel["preliminary"].fillna(False) if "preliminary" in panel else False
    panel = panel[PANEL_COLUMNS]
    panel = panel.astype({"level": "str", "code": "str", "year": "int64", "indicator": "str", "value": "float64",
                          "unit": "str", "source": "str", "status": "str", "division_year": "int64",
                          "release": "str", "preliminary": "bool"})
    panel, dup_flags = _drop_duplicates(panel)
    frames = [f for f in [*parts.flag_frames, dup_flags] if not f.empty]
    _check_units(panel)
    panel = panel.sort_values(["indicator", "level", "code", "year"], kind="stable").reset_index(drop=True)
    flags = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FLAG_COLUMNS)
    flags = flags.reindex(columns=FLAG_COLUMNS).astype({"source": "str", "file": "str", "reason": "str"})
    flags["row"] = pd.to_numeric(flags["row"], errors="coerce").astype("Int64")
    flags["column"] = flags["column"].astype("string")
    applied = pd.concat(parts.mergers, ignore_index=True) if parts.mergers else pd.DataFrame()
    return PanelBuild(panel=panel, flags=flags, sources=parts.sources, mergers=applied)


def _release(source_id: str) -> str:
    from rvanalytics.catalogue import sources

    known = sources()
    return known[source_id].release if source_id in known else ""


def _syke_hinku_sources(division_year: int, flag_frames: list[pd.DataFrame],
                        keys: MunicipalityKeys | None) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, list[Path], int | None, str]]:
    """Rows and Syke population of every Hinku source (recorded copies: Syke has no bulk download of these)."""
    from rvanalytics.hinku import check_same_release, country_rows, table_rows, with_release
    from rvanalytics.readers import read_hinku_sectors, read_hinku_totals
    from rvanalytics.readers.regions_summary import region_names
    from rvanalytics.readers.syke_tables import (
        read_syke_area_workbook,
        read_syke_stacked_workbook,
        read_syke_summary_workbook,
    )

    out = {}
    # release 2026: 13 North Karelia municipalities (tidy files)
    src = "syke_alas_hinku_north_karelia"
    sec_path = source_path(src, "north_karelia_emissions_by_sector_long.csv", offline=True)
    tot_path = source_path(src, "north_karelia_emissions_totals.csv", offline=True)
    totals = read_hinku_totals(tot_path)
    rows = pd.concat([
        read_hinku_sectors(sec_path),
        pd.DataFrame({"level": "municipality", "code": totals["code"], "year": totals["year"],
                      "indicator": "ghg_hinku_total_kt", "value": totals["total_kt"], "unit": "kt CO2e",
                      "source": src, "status": np.where(totals["total_kt"].isna(), "..", "")}),
    ], ignore_index=True)
    rows = with_release(rows, _release(src))
    population = pd.DataFrame({"level": "municipality", "code": totals["code"], "year": totals["year"],
                               "population": totals["population"]})
    out[src] = (rows, population, [sec_path, tot_path], SOURCE_DIVISIONS[src],
                "Hinku method without credits; per capita from Syke's total and population")

    # release 2024: 59 municipalities (Syke's per-municipality tables, stacked)
    src = "syke_alas_hinku_municipalities_2024"
    path = source_path(src, "finland_cities_emissions.xlsx", offline=True)
    table = read_syke_stacked_workbook(path)
    division = SOURCE_DIVISIONS[src]
    names = keys_or_default(keys).name_index(division)
    regions_by_name = region_names(division, keys)
    _check_regions(table, names, regions_by_name, division, keys)
    rows, population = table_rows(table, lambda n: _codes(n, names, table, f"the {division} municipality key"),
                                  "municipality", src, _release(src))
    flag_frames.append(_table_flags(table, src))
    out[src] = (rows, population, [path], division, "Hinku method without credits, read from the file's method cell")

    # release 2024: the 19 regions, and the country as their sum; the Swedish summary must agree
    src = "syke_alas_hinku_regions_2024"
    rec = [r.name for r in _source(src).recorded_files]
    region_rows, region_pop, files, english = [], [], [], []
    for name in [n for n in rec if n.startswith("regions_en/")]:
        path = source_path(src, name, offline=True)
        table = read_syke_area_workbook(path)
        rows, population = table_rows(table, lambda n, t=table: _codes(n, regions_by_name, t, "the region names"),
                                      "region", src, _release(src))
        flag_frames.append(_table_flags(table, src))
        region_rows.append(rows)
        region_pop.append(population)
        files.append(path)
        english.append(table.values.assign(code=_codes(table.values["area"], regions_by_name, table, "the region names")))
    regions = pd.concat(region_rows, ignore_index=True)
    populations = pd.concat(region_pop, ignore_index=True)
    n_regions = regions["code"].nunique()
    country, country_pop = country_rows(regions, populations, n_regions)
    for name in [n for n in rec if n.startswith("regions_sv_summary/")]:
        path = source_path(src, name, offline=True)
        swedish = read_syke_summary_workbook(path)
        swedish["code"] = _codes(swedish["area"], regions_by_name, None, "the region names", path=path).to_numpy()
        check_same_release(pd.concat(english)[["code", "year", "item", "value"]],
                           swedish[["code", "year", "item", "value"]], path)
        files.append(path)
    out[src] = (pd.concat([regions, country], ignore_index=True), pd.concat([populations, country_pop]),
                files, None, f"{n_regions} regions; the country is their sum; Swedish summary checked")
    return out


def _source(source_id: str):
    from rvanalytics.catalogue import get_source

    return get_source(source_id)


def _codes(names: pd.Series, index: dict[str, str], table, what: str, *, path: Path | None = None) -> pd.Series:
    """Area names -> codes; an unknown name is a DataFileError naming file, sheet and row."""
    codes = names.astype(str).str.strip().str.casefold().map(index)
    if codes.isna().any():
        pos = int(np.flatnonzero(codes.isna().to_numpy())[0])
        row = int(table.values["row"].iloc[pos]) if table is not None and len(table.values) == len(names) else None
        where = f"sheet {table.sheet!r}: " if table is not None else ""
        raise DataFileError(path or table.path, f"{where}{names.iloc[pos]!r} is not in {what}",
                            "use the official Finnish, Swedish or English name of that year's division",
                            row=row)
    return codes


def _check_regions(table, names: dict[str, str], regions_by_name: dict[str, str], division: int,
                   keys: MunicipalityKeys | None) -> None:
    """The file's Region column must be the region of each municipality in the key of its division year."""
    key = keys_or_default(keys).key(division).set_index("code")["region_code"]
    blocks = table.values.drop_duplicates("area")
    codes = _codes(blocks["area"], names, table, f"the {division} municipality key")
    given = blocks["region"].astype(str).str.strip().str.casefold().map(regions_by_name)
    wrong = given.to_numpy() != codes.map(key).to_numpy()
    if wrong.any():
        pos = int(np.flatnonzero(wrong)[0])
        raise DataFileError(table.path, f"sheet {table.sheet!r}: {blocks['area'].iloc[pos]!r} is in region "
                                        f"{codes.map(key).iloc[pos]} of the {division} key, the file says "
                                        f"{blocks['region'].iloc[pos]!r}", "check the City and Region cells",
                            row=int(blocks["row"].iloc[pos]), column="B")


def _table_flags(table, source_id: str) -> pd.DataFrame:
    return pd.DataFrame([{"source": source_id, "file": str(table.path), "row": f["row"], "column": "per_capita",
                          "reason": f"{f['area']} {f['year']}: {f['reason']}"} for f in table.flags],
                        columns=FLAG_COLUMNS)


def _harmonise_population(population: pd.DataFrame, from_year: int, to_year: int,
                          keys: MunicipalityKeys | None) -> pd.DataFrame:
    rows = population.rename(columns={"population": "value"}).assign(indicator="population", unit="persons",
                                                                     source="", status="")
    moved, _ = _harmonise_rows(rows, from_year, to_year, keys=keys)
    return moved.rename(columns={"value": "population"})[["level", "code", "year", "population"]]


def _hinku_per_capita(frames: list[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    from rvanalytics.hinku import per_capita_rows

    parts = [per_capita_rows(rows, population) for rows, population in frames]
    return pd.concat(parts, ignore_index=True)


def _drop_duplicates(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = ["level", "code", "year", "indicator", "release"]
    dup = panel.duplicated(keys, keep="first")
    if not dup.any():
        return panel, pd.DataFrame(columns=FLAG_COLUMNS)
    flagged = panel[dup]
    reasons = pd.DataFrame({"source": flagged["source"], "file": "", "row": None, "column": "value",
                            "reason": "duplicate of a row from an earlier source for " + flagged["indicator"] + " "
                                      + flagged["code"] + " " + flagged["year"].astype(str) + "; the earlier kept"})
    return panel[~dup], reasons


def _check_units(panel: pd.DataFrame) -> None:
    units = panel.groupby("indicator")["unit"].unique()
    mixed = units[units.map(len) > 1]
    if not mixed.empty:
        raise RvanalyticsError(f"indicator(s) with more than one unit in the panel: {mixed.to_dict()}")


def _statfin_population(population: pd.DataFrame, division_year: int, offline: bool | None,
                        flag_frames: list[pd.DataFrame], sources: list[dict[str, Any]],
                        keys: MunicipalityKeys | None) -> pd.DataFrame:
    """Population from StatFin 11re for the years/areas Sotkanet does not cover; overlaps are cross-checked."""
    from rvanalytics.download import is_offline
    from rvanalytics.pxweb import PxWebClient, jsonstat_to_panel, parse_metadata, read_jsonstat_file

    src = "statfin_pxweb_11re"
    frames, files = [], []
    meta_division = SOURCE_DIVISIONS[src]
    if not is_offline(offline):
        try:
            client = PxWebClient()
            meta = client.metadata("StatFin/11re.px")
            area = meta.area_variable
            frame = client.query("StatFin/11re.px", {"area": [v for v in area.values if v.startswith("KU") or v == "SSS"],
                                                     "time": "*", "content": "*"}, metadata=meta)
            frames.append(frame)
            files.append(client.url("StatFin/11re.px"))
            meta_division = meta.division_year or meta_division
        except (SourceUnavailableError, DataFileError, RvanalyticsError) as err:
            flag_frames.append(pd.DataFrame([{"source": src, "file": "", "row": None, "column": None,
                                              "reason": f"live PxWeb query failed ({err}); recorded responses used"}]))
            frames = []
    if not frames:
        meta_path = source_path(src, "api-metadata-population.json", offline=True)
        meta = parse_metadata(json.loads(read_text(meta_path)[0]), meta_path)
        meta_division = meta.division_year or meta_division
        for name in ("api-query-population-finland.json", "api-query-helsinki-population.json",
                     "api-query-three-cities.json"):
            path = source_path(src, name, offline=True)
            frames.append(read_jsonstat_file(path))
            files.append(str(path))
    rows = pd.concat([jsonstat_to_panel(f, indicator="population", unit="persons", source=src) for f in frames],
                     ignore_index=True).drop_duplicates(["level", "code", "year"])
    muni = rows["level"] == "municipality"
    if meta_division > division_year:
        rows = rows[~muni]
    elif meta_division < division_year:
        rows, _ = _harmonise_rows(rows, meta_division, division_year, keys=keys)
    known = population[["level", "code", "year", "value"]].rename(columns={"value": "_other"})
    checked = rows.reset_index(drop=True).merge(known, on=["level", "code", "year"], how="left", indicator=True)
    overlap = (checked["_merge"] == "both").to_numpy()
    differs = overlap & (checked["value"].to_numpy() != checked["_other"].to_numpy()) & ~(
        checked["value"].isna() & checked["_other"].isna()).to_numpy()
    if differs.any():
        bad = checked[differs]
        flag_frames.append(pd.DataFrame({
            "source": src, "file": files[0], "row": None, "column": "value",
            "reason": "population " + bad["code"] + " " + bad["year"].astype(str) + ": StatFin "
                      + bad["value"].map("{:.0f}".format) + " vs Sotkanet " + bad["_other"].map("{:.0f}".format)
                      + "; Sotkanet kept"}))
    rows = rows.reset_index(drop=True)
    new = rows[~overlap]
    sources.append({"id": src, "files": files, "vintage": _vintage(src), "rows": len(new),
                    "division_year": meta_division,
                    "note": f"population 31 Dec for years/areas without Sotkanet ({int(overlap.sum())} overlapping rows checked)"})
    return new


def panel_status(panel: pd.DataFrame) -> pd.DataFrame:
    """Coverage per indicator and level: municipalities (codes) covered, years, source and vintage.

    Examples
    --------
    >>> p = pd.DataFrame({"level": "municipality", "code": ["091", "049"], "year": [2020, 2021],
    ...                   "indicator": "population", "value": [1.0, np.nan], "unit": "persons",
    ...                   "source": "sotkanet_population", "status": ["", ".."], "division_year": 2026})
    >>> panel_status(p)[["indicator", "codes", "years", "values", "missing"]].to_dict("records")
    [{'indicator': 'population', 'codes': 1, 'years': '2020', 'values': 1, 'missing': 1}]
    """
    rows = []
    for (indicator, level), group in panel.groupby(["indicator", "level"], sort=True):
        present = group[group["value"].notna()]
        years = sorted(present["year"].unique()) if not present.empty else []
        span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else "–"
        if years and len(years) != years[-1] - years[0] + 1:
            span += f" ({len(years)} years)"
        srcs = sorted(group["source"].unique())
        rows.append({"indicator": indicator, "level": level, "unit": group["unit"].iloc[0],
                     "codes": int(present["code"].nunique()), "years": span, "values": len(present),
                     "missing": int(group["value"].isna().sum()),
                     "source": ", ".join(srcs), "vintage": "; ".join(v for v in map(_vintage, srcs) if v)})
    return pd.DataFrame(rows, columns=["indicator", "level", "unit", "codes", "years", "values", "missing",
                                       "source", "vintage"])


# ---------------------------------------------------------------- inspect

def _detect_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        from rvanalytics.readers.syke_tables import syke_layout

        return syke_layout(path) or "user_table"
    text, _ = read_text(path)
    head = text[:4000]
    if suffix == ".json" or head.lstrip().startswith(("{", "[")):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataFileError(path, f"not valid JSON ({err.msg})", "save the response as is", row=err.lineno) from None
        if isinstance(obj, dict) and obj.get("class") == "dataset":
            return "pxweb_jsonstat2"
        if isinstance(obj, dict) and "variables" in obj:
            return "pxweb_metadata"
        if isinstance(obj, list) and obj and isinstance(obj[0], dict) and {"id", "type"} <= set(obj[0]):
            return "pxweb_folder"
        if isinstance(obj, dict) and "municipalities" in obj:
            return "hinku_json"
        raise DataFileError(path, "JSON of an unknown kind", "indicator JSON files are PxWeb responses or the Hinku dataset")
    header = head.splitlines()[0].lower()
    cols = [c.strip().strip('"') for c in header.replace(";", ",").split(",")]
    if {"vuosi", "kt", "hinku_laskenta"} <= set(cols):
        return "alas_municipality"
    if "kuntanumero" in cols and any(c.startswith("päästöt") for c in cols):
        return "alas_road_transport"
    if {"taso_1", "taso_5"} <= set(cols):
        return "alas_sector_tree"
    if {"sektori", "khk_kt_co2e"} <= set(cols):
        return "hinku_sectors"
    if "khk_yhteensa_kt_co2e" in cols:
        return "hinku_totals"
    if {"region", "total_ktco2e"} <= set(cols):
        return "regions_summary"
    if {"municipality_code", "primary.value"} <= set(cols):
        return "sotkanet_population"
    if {"code", "indicator", "value"} & set(cols) and ("code" in cols or "indicator" in cols):
        return "user_table"
    if ";" in head.splitlines()[0]:
        return "pxweb_csv"
    raise DataFileError(path, f"not a known indicator format (header: {head.splitlines()[0][:120]!r})",
                        "see docs/indicators.md for the formats, or use the tidy schema code,year,indicator,value,unit",
                        row=1)


def inspect_indicator_file(path: str | Path, year: int | None = None) -> dict[str, Any]:
    """Describe an indicator file of any supported format.

    Returns a dict with ``kind``, ``rows``, ``indicators``, ``units``, ``municipalities``
    (number of codes), ``years`` (span), ``flagged_rows`` (count) and ``flags`` (list of
    strings). Raises :class:`DataFileError` when the file cannot be used.
    """
    from rvanalytics import readers
    from rvanalytics.pxweb import jsonstat_to_panel, parse_jsonstat2, parse_metadata
    from rvanalytics.readers.generic import indicator_summary

    path = Path(path)
    kind = _detect_kind(path)
    flags = Flags()
    extra: dict[str, Any] = {}
    rows: pd.DataFrame
    if kind in ("syke_stacked", "syke_area"):
        from rvanalytics.readers.syke_tables import (
            read_syke_area_workbook,
            read_syke_stacked_workbook,
        )

        table = (read_syke_stacked_workbook if kind == "syke_stacked" else read_syke_area_workbook)(path)
        rows = table.values.rename(columns={"area": "code", "item": "indicator"}).assign(
            level="municipality" if kind == "syke_stacked" else "area", unit="", status="")
        for f in table.flags:
            flags.add(path, f["row"], f"{f['area']} {f['year']}: {f['reason']}", "per_capita")
        extra |= {"method": f"{table.method_label} ({table.method})", "label language": table.language,
                  "sheet": table.sheet, "areas": int(table.values["area"].nunique())}
    elif kind == "alas_municipality":
        rows = readers.alas_municipality_indicators(readers.read_alas_municipality_csv(path), path, flags)
    elif kind == "alas_road_transport":
        table = readers.read_road_transport_csv(path, flags=flags)
        rows = readers.road_transport_indicators(table)
    elif kind == "alas_sector_tree":
        tree = readers.read_sector_tree(path)
        return {"kind": kind, "file": str(path), "rows": len(tree), "indicators": [], "units": [],
                "municipalities": 0, "years": "–", "flagged_rows": 0, "flags": [],
                "main_sectors": sorted(tree["taso_3"].unique())}
    elif kind == "hinku_sectors":
        rows = readers.read_hinku_sectors(path)
    elif kind == "hinku_totals":
        t = readers.read_hinku_totals(path)
        rows = pd.DataFrame({"level": "municipality", "code": t["code"], "year": t["year"],
                             "indicator": "ghg_hinku_total_kt", "value": t["total_kt"], "unit": "kt CO2e", "status": ""})
    elif kind == "hinku_json":
        t = readers.read_hinku_json(path)
        rows = pd.DataFrame({"level": "municipality", "code": t["name"], "year": t["year"], "indicator": t["sector"],
                             "value": t["value"], "unit": "kt CO2e", "status": ""})
    elif kind == "regions_summary":
        rows = readers.regions_summary_indicators(readers.read_regions_summary(path, year=year or DEFAULT_DIVISION_YEAR))
    elif kind == "sotkanet_population":
        rows = readers.read_sotkanet_population(path)
    elif kind == "pxweb_csv":
        t = readers.read_pxweb_csv(path, year=year)
        rows = t.rename(columns={"variable": "indicator"}).assign(unit="", year=year or 0)
        extra["encoding"] = t.attrs.get("encoding")
    elif kind == "pxweb_jsonstat2":
        frame = parse_jsonstat2(json.loads(read_text(path)[0]), path)
        content = (frame.attrs["roles"].get("metric") or [None])[0]
        label = frame[f"{content}_label"].iloc[0] if content else "value"
        rows = jsonstat_to_panel(frame, indicator=label, unit="", source="")
        extra["updated"] = frame.attrs.get("updated")
    elif kind == "pxweb_metadata":
        meta = parse_metadata(json.loads(read_text(path)[0]), path)
        area = meta.area_variable
        time = meta.time_variable
        content = meta.content_variable
        return {"kind": kind, "file": str(path), "title": meta.title,
                "variables": [f"{v.code} ({len(v.values)} values)" for v in meta.variables],
                "indicators": content.value_texts if content else [], "units": [],
                "municipalities": sum(1 for v in (area.values if area else []) if parse_area(v) == "municipality"),
                "years": f"{time.values[0]}–{time.values[-1]}" if time else "–",
                "division_year": meta.division_year, "flagged_rows": 0, "flags": []}
    elif kind == "pxweb_folder":
        items = json.loads(read_text(path)[0])
        return {"kind": kind, "file": str(path), "rows": len(items), "indicators": [i.get("text") for i in items],
                "units": [], "municipalities": 0, "years": "–", "flagged_rows": 0, "flags": []}
    else:  # user_table
        rows = readers.read_user_table(path, division_year=year, flags=flags)
    present = rows[rows["value"].notna()] if "value" in rows else rows
    years = sorted(int(y) for y in present["year"].unique() if y) if "year" in present else []
    muni = rows[rows["level"] == "municipality"] if "level" in rows else rows
    markers = rows["status"][~rows["status"].isin(["", "derived"])].value_counts().to_dict() \
        if "status" in rows else {}
    report = {
        "kind": kind,
        "file": str(path),
        "rows": len(rows),
        "indicators": sorted(rows["indicator"].astype(str).unique()),
        "units": sorted(u for u in rows["unit"].astype(str).unique() if u) if "unit" in rows else [],
        "municipalities": int(muni["code"].nunique()),
        "years": f"{years[0]}–{years[-1]}" if years else "–",
        "markers": {str(k): int(v) for k, v in markers.items()},
        "flagged_rows": len(flags),
        "flags": [f"row {r['row']}: {r['reason']}" for r in flags.rows],
        "per indicator": indicator_summary(rows),
    }
    report.update(extra)
    return report


def parse_area(code: str) -> str:
    """Level of a PxWeb area code (see :func:`rvanalytics.pxweb.parse_area_code`)."""
    from rvanalytics.pxweb import parse_area_code

    return parse_area_code(code)[0]
