"""Look at a file before adding it: what it is, which division year its codes fit, what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.key import MunicipalityKeys, keys_or_default

__all__ = ["inspect_file", "fitting_division_years", "VECTOR_SUFFIXES"]

VECTOR_SUFFIXES = {".geojson", ".gml", ".gpkg", ".topojson", ".shp", ".xml", ".zip"}


def fitting_division_years(codes: set[str], keys: MunicipalityKeys | None = None) -> tuple[list[int], list[int]]:
    """Years whose key has exactly these codes, and years whose key contains all of them."""
    all_keys = keys_or_default(keys)
    exact, containing = [], []
    for year in all_keys.years():
        known = set(all_keys.key(year)["code"])
        if codes <= known:
            containing.append(year)
            if codes == known:
                exact.append(year)
    return exact, containing


def _is_vector(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in VECTOR_SUFFIXES:
        return True
    if suffix == ".json":
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        return '"FeatureCollection"' in head or '"Topology"' in head
    return False


def _check_json(path: Path) -> None:
    """Refuse JSON that no reader can take: not text, not JSON, nested too deeply, numbers too long."""
    import json

    from rvanalytics.readers._common import read_text

    text, _ = read_text(path)
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFileError(path, f"not valid JSON ({err.msg})", "save the response or file as it was downloaded",
                            row=err.lineno) from None
    except RecursionError:
        raise DataFileError(path, "JSON nested too deeply to be data (thousands of levels)",
                            "give a GeoJSON, TopoJSON or PxWeb JSON file") from None
    except ValueError as err:  # e.g. an integer of more than 4300 digits
        raise DataFileError(path, f"JSON with an unusable value ({str(err).splitlines()[0][:100]})",
                            "give a GeoJSON, TopoJSON or PxWeb JSON file") from None


def inspect_file(path: str | Path, *, year: int | None = None, keys: MunicipalityKeys | None = None) -> dict[str, Any]:
    """Describe a boundary or indicator file.

    Returns a dict (kind, rows, codes, the division years the codes fit, CRS, problems).
    Raises :class:`~rvanalytics.exceptions.DataFileError` with the fix when the file cannot be used.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found", "check the path")
    if path.is_dir():
        raise DataFileError(path, "is a folder, not a file", "give the path of one file inside it")
    with open(path, "rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() in {".json", ".geojson", ".topojson"} or head[:1] in (b"{", b"["):
        _check_json(path)
    if _is_vector(path):
        return _inspect_vector(path, year=year, keys=keys)
    from rvanalytics.panel import _detect_kind, inspect_indicator_file

    try:
        kind = _detect_kind(path)
    except DataFileError as err:
        if not str(err.problem).startswith("not a known indicator format"):
            raise
        kind = None
    if kind in (None, "pxweb_csv"):
        # Any other table (incl. ';' files from PxWeb): area column by content, wide or long layout.
        return _inspect_table(path, keys=keys)
    return inspect_indicator_file(path, year=year)


def _inspect_table(path: Path, *, keys: MunicipalityKeys | None = None) -> dict[str, Any]:
    """A table of no known format: area column by content, layout by shape, per-indicator ranges."""
    from rvanalytics.readers.generic import indicator_summary, read_any_table

    rows, notes = read_any_table(path, keys=keys)
    report: dict[str, Any] = {"kind": "table (layout read from its content)", "file": str(path)}
    if "title" in notes:
        report["title"] = notes["title"]
    report["area column"] = notes.get("area_column") or notes.get("national")
    if notes.get("area_name_columns"):
        report["area name columns"] = ", ".join(map(str, notes["area_name_columns"]))
    report["layout"] = notes["layout"]
    if notes.get("label_columns"):
        report["category columns"] = ", ".join(map(str, notes["label_columns"]))
    report["separator"] = {";": "';'", ",": "','", "\t": "tab"}[str(notes["separator"])]
    report["encoding"] = notes["encoding"]
    report["rows"] = len(rows)
    levels = rows["level"].value_counts().to_dict()
    report["areas"] = ", ".join(f"{rows.loc[rows['level'] == lv, 'code'].nunique()} {lv}" for lv in levels)
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    report["years"] = f"{years[0]}–{years[-1]}" if years else "–"
    report["per indicator"] = indicator_summary(rows)
    muni = set(rows.loc[rows["level"] == "municipality", "code"])
    if muni:
        exact, containing = fitting_division_years(muni, keys=keys)
        report["division years the codes fit exactly"] = ", ".join(map(str, exact)) or "none"
        report["division years containing all codes"] = ", ".join(map(str, containing)) or "none"
    if notes.get("footnotes"):
        report["footnote lines skipped"] = notes["footnotes"]
    return report


def _inspect_vector(path: Path, *, year: int | None, keys: MunicipalityKeys | None) -> dict[str, Any]:
    import geopandas as gpd

    from rvanalytics.boundaries import _pad_code, _read_any, detect_boundary_kind, read_boundaries

    raw = _read_any(path)
    kind = detect_boundary_kind(list(raw.columns))
    report: dict[str, Any] = {"file": str(path), "kind": f"boundaries ({kind or 'unknown schema'})",
                              "features": len(raw), "crs": str(raw.crs) if raw.crs else "none (GeoJSON: WGS84 assumed)"}
    code_col = {"statfi_wfs": "kunta", "nls": next((c for c in raw.columns if c.lower() == "natcode"), None)}.get(kind or "")
    if raw.crs is None:
        report["crs"] = "none given (TopoJSON/GeoJSON: WGS84 assumed)"
    if code_col is None:
        from rvanalytics.readers.generic import find_area_column

        found = find_area_column(pd.DataFrame(raw.drop(columns=raw.geometry.name)), keys=keys)
        if found is not None:
            report["area column"] = found.describe()
            lon_lat = raw.to_crs(3067) if raw.crs is not None else raw.set_crs(4326).to_crs(3067)
            report["bounds (EPSG:3067)"] = ", ".join(f"{v:.0f}" for v in lon_lat.total_bounds)
            codes = {c for c, lv in zip(found.codes, found.levels) if lv == "municipality"}
            regions = {c for c, lv in zip(found.codes, found.levels) if lv == "region"}
            if regions:
                report["region codes"] = len(regions)
            if codes:
                exact, containing = fitting_division_years(codes, keys=keys)
                report["municipality codes"] = len(codes)
                report["division years the codes fit exactly"] = ", ".join(map(str, exact)) or "none"
                report["division years containing all codes"] = ", ".join(map(str, containing)) or "none"
            return report
    if code_col is None:
        raise DataFileError(path, f"no municipality code column found (columns: {[c for c in raw.columns if c != 'geometry']})",
                            "use `read_boundaries(path, year=..., columns={'<code column>': 'code'})`", column="code")
    codes = {str(_pad_code(c)) for c in raw[code_col].dropna()}
    exact, containing = fitting_division_years(codes, keys=keys)
    report["municipality codes"] = len(codes)
    report["division years the codes fit exactly"] = ", ".join(map(str, exact)) or "none"
    if not exact:
        report["division years containing all codes"] = ", ".join(map(str, containing)) or "none"
    if year is None and "vuosi" in raw.columns:
        year = int(pd.Series(raw["vuosi"]).mode().iloc[0])
    if year is None and exact:
        year = exact[-1]
    if year is not None:
        gdf, problems = read_boundaries(path, year=year, keys=keys)
        report["checked against year"] = year
        report["bounds (EPSG:3067)"] = ", ".join(f"{v:.0f}" for v in gdf.total_bounds)
        report["problems"] = problems or ["none"]
        del gpd
    return report
