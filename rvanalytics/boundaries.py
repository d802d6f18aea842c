"""Municipal and regional boundaries for a given year, in EPSG:3067.

Readers turn official files into one normalised GeoDataFrame:

- Statistics Finland WFS responses (GML or GeoJSON; properties ``kunta``, ``nimi``,
  ``namn``, ``name``, ``vuosi``; layers ``tilastointialueet:kunta4500k_YYYY``),
- National Land Survey GeoJSON (``NATCODE``/``natcode``, ``NAMEFIN``, ``NAMESWE``, ``LANDAREA``),
- any GeoJSON / GeoPackage / TopoJSON / Shapefile given a mapping of its columns.

Output columns: ``code``, ``name_fi``, ``name_sv``, ``name_en``, ``region_code``,
``region_name_fi``, ``year``, ``land_area_km2``, ``geometry``. Names and regions come
from that year's municipality key, so they are the official ones for the year.

Examples
--------
>>> gdf = load_municipalities(2023)
>>> len(gdf), gdf.crs.to_epsg()
(309, 3067)
>>> regions = load_regions(2023)
>>> len(regions)
19
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from rvanalytics.exceptions import DataFileError, StoreError
from rvanalytics.key import MunicipalityKeys, keys_or_default

__all__ = [
    "load_municipalities",
    "load_regions",
    "read_boundaries",
    "read_statfi_wfs",
    "read_nls_municipalities",
    "read_nls_regions",
    "normalise_municipalities",
    "dissolve_to_year",
    "regions_from_municipalities",
    "simplify_coverage",
    "detect_boundary_kind",
    "MUNICIPALITY_COLUMNS",
    "REGION_COLUMNS",
    "SIMPLIFY_TOLERANCE_M",
]

MUNICIPALITY_COLUMNS = ["code", "name_fi", "name_sv", "name_en", "region_code", "region_name_fi",
                        "year", "land_area_km2", "geometry"]
REGION_COLUMNS = ["region_code", "region_name_fi", "region_name_sv", "region_name_en", "year",
                  "land_area_km2", "geometry"]
#: Tolerance (metres) of the simplified geometry for national maps.
SIMPLIFY_TOLERANCE_M = 1500.0
# Finland (incl. Åland) in EPSG:3067, with a margin: used to catch a wrong or missing CRS.
_FINLAND_3067 = (0.0, 6_500_000.0, 800_000.0, 7_850_000.0)
_MOJIBAKE = ("Ã¤", "Ã¶", "Ã¥", "Ã„", "Ã–", "Ã…")


def _is_xml(path: Path) -> bool:
    """True for GML/XML files (by name, or by content for other names)."""
    if path.suffix.lower() in {".gml", ".xml"}:
        return True
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        return handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _no_network_for_local_files() -> None:
    """GDAL may follow links inside a local file (schemas, remote resources): never wait for them."""
    import pyogrio

    pyogrio.set_gdal_config_options({"GDAL_HTTP_TIMEOUT": "3", "GDAL_HTTP_CONNECTTIMEOUT": "2",
                                     "GDAL_HTTP_MAX_RETRY": "0", "GML_SKIP_RESOLVE_ELEMS": "ALL"})


def _read_any(path: Path, layer: str | None = None, encoding: str | None = None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise DataFileError(path, "file not found", "check the path")
    if path.stat().st_size == 0:
        raise DataFileError(path, "file is empty", "download the file again")
    kwargs = {}
    if layer:
        kwargs["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
    if _is_xml(path):
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if b"WFS_Capabilities" in head or b"<ows:" in head[:400]:
            # GDAL's WFS driver would open it and go to the network for the layers
            raise DataFileError(path, "is a WFS GetCapabilities document: it lists layers and holds no features",
                                "download the layer with a GetFeature request (see docs/data.md)")
        # GDAL's GML driver would otherwise write a .gfs schema file beside the input:
        # reading must never change anything next to a user's or a recorded file.
        kwargs["WRITE_GFS"] = "NO"
    _no_network_for_local_files()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path, **kwargs)
    except Exception as err:  # pyogrio raises several types for corrupt files
        text = str(err).splitlines()[0][:200]
        raise DataFileError(path, f"cannot be read as a vector file ({text})",
                            "the file may be truncated or not a GeoJSON/GML/GeoPackage/TopoJSON/Shapefile; download it again") from None
    if gdf.empty:
        raise DataFileError(path, "contains no features", "check the layer name and that the download completed")
    return gdf


def _check_text(gdf: gpd.GeoDataFrame, path: Path, columns: list[str]) -> None:
    for col in columns:
        if col in gdf.columns:
            values = gdf[col].dropna().astype(str)
            bad = values[values.str.contains("|".join(_MOJIBAKE), regex=True) | values.str.contains("\ufffd")]
            if not bad.empty:
                raise DataFileError(path, f"text looks wrongly decoded (e.g. {bad.iloc[0]!r})",
                                    "read the file with the right encoding, e.g. encoding='utf-8' or 'cp1252'",
                                    row=int(bad.index[0]) + 1, column=col)


def _fix_crs(gdf: gpd.GeoDataFrame, path: Path, crs: str | int | None) -> gpd.GeoDataFrame:
    if crs is not None:
        gdf = gdf.set_crs(crs, allow_override=True)
    if gdf.crs is None:
        if path.suffix.lower() in {".json", ".geojson", ".topojson"}:
            gdf = gdf.set_crs(4326)  # RFC 7946: GeoJSON without a crs member is WGS84
        else:
            raise DataFileError(path, "has no coordinate reference system",
                                "pass crs= (e.g. crs=3067 for ETRS-TM35FIN) or add a .prj file")
    try:
        gdf = gdf.to_crs(3067)
    except Exception as err:
        raise DataFileError(path, f"cannot be transformed to EPSG:3067 ({err})", "check the CRS of the file") from None
    minx, miny, maxx, maxy = gdf.total_bounds
    fx0, fy0, fx1, fy1 = _FINLAND_3067
    if not (fx0 <= minx and maxx <= fx1 and fy0 <= miny and maxy <= fy1):
        raise DataFileError(path, f"coordinates fall outside Finland in EPSG:3067 (bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f})",
                            "the declared CRS is probably wrong: pass the right crs= (EPSG:3067 metres or EPSG:4326 degrees)")
    return gdf


def _check_geometry(gdf: gpd.GeoDataFrame, path: Path, code_col: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    problems: list[str] = []
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        idx = int(np.flatnonzero(missing.to_numpy())[0])
        raise DataFileError(path, f"feature {gdf[code_col].iloc[idx]!r} has an empty or missing geometry",
                            "replace the file with a complete download", row=idx + 1, column="geometry")
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        repaired = shapely.make_valid(gdf.geometry.values[invalid.to_numpy()])
        gdf = gdf.copy()
        gdf.loc[invalid, "geometry"] = gpd.GeoSeries(repaired, index=gdf.index[invalid], crs=gdf.crs).buffer(0)
        problems.append(f"repaired {int(invalid.sum())} invalid geometries: {gdf.loc[invalid, code_col].tolist()}")
    return gdf, problems


def detect_boundary_kind(columns: list[str]) -> str | None:
    """Which reader fits these property names: ``'statfi_wfs'``, ``'nls'``, ``'nls_regions'`` or None."""
    lower = {c.lower() for c in columns}
    if {"kunta", "nimi"} <= lower:
        return "statfi_wfs"
    if {"maakunta", "nimi"} <= lower:
        return "statfi_wfs_regions"
    if {"natcode", "namefin"} <= lower:
        return "nls"
    return None


def read_boundaries(
    path: str | Path,
    *,
    year: int,
    columns: Mapping[str, str] | None = None,
    crs: str | int | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    check_codes: bool = True,
    keys: MunicipalityKeys | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read municipal boundaries from any vector file and normalise them.

    Parameters
    ----------
    path : path
        GeoJSON, GML, GeoPackage, TopoJSON or Shapefile.
    year : int
        Division year the codes belong to; codes are checked against that year's key.
    columns : mapping, optional
        File column -> our column (``code``, ``name_fi``, ``name_sv``, ``name_en``,
        ``land_area_km2``). Detected for Statistics Finland and NLS files when omitted.
    crs : optional
        CRS to assume when the file has none (or a wrong one).
    keys : MunicipalityKeys, optional
        Municipality keys the codes are checked against (default :func:`rvanalytics.key.default_keys`).

    Returns
    -------
    (GeoDataFrame, list of str)
        The normalised boundaries and the problems found and repaired.
    """
    path = Path(path)
    gdf = _read_any(path, layer=layer, encoding=encoding)
    if columns is None:
        kind = detect_boundary_kind(list(gdf.columns))
        if kind == "statfi_wfs":
            columns = {"kunta": "code", "nimi": "name_fi", "namn": "name_sv", "name": "name_en"}
        elif kind == "nls":
            lower = {c.lower(): c for c in gdf.columns}
            columns = {lower["natcode"]: "code", lower["namefin"]: "name_fi"}
            if "nameswe" in lower:
                columns[lower["nameswe"]] = "name_sv"
            if "landarea" in lower:
                columns[lower["landarea"]] = "land_area_km2"
        else:
            raise DataFileError(path, f"no municipality code column found (columns: {[c for c in gdf.columns if c != 'geometry']})",
                                "pass columns={'<your code column>': 'code', '<name column>': 'name_fi'}",
                                column="code")
    code_cols = [src for src, dst in columns.items() if dst == "code"]
    if not code_cols or code_cols[0] not in gdf.columns:
        wanted = code_cols[0] if code_cols else "code"
        raise DataFileError(path, f"code column {wanted!r} is missing (columns: {[c for c in gdf.columns if c != 'geometry']})",
                            "pass the right column mapping, e.g. columns={'kunta': 'code'}", column=wanted)
    _check_text(gdf, path, [c for c in columns if c in gdf.columns])
    _check_geometry(gdf, path, code_cols[0])
    gdf = _fix_crs(gdf, path, crs)
    renamed = gdf.rename(columns=dict(columns))
    renamed["code"] = renamed["code"].map(_pad_code).astype("string")
    if renamed["code"].isna().any():
        idx = int(np.flatnonzero(renamed["code"].isna().to_numpy())[0])
        raise DataFileError(path, "a feature has no municipality code", "fill in the code", row=idx + 1, column=code_cols[0])
    dups = renamed[renamed["code"].duplicated(keep=False)]
    if not dups.empty:
        raise DataFileError(path, f"municipality code {dups['code'].iloc[0]} appears {len(dups[dups['code'] == dups['code'].iloc[0]])} times",
                            "dissolve the parts into one feature per municipality (or pass the file of one year)",
                            row=int(dups.index[0]) + 1, column=code_cols[0])
    renamed, problems = _check_geometry(renamed, path, "code")
    normalised = normalise_municipalities(renamed, year, path=path if check_codes else None, keys=keys)
    return normalised, problems


def _pad_code(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.upper().startswith("KU"):
        text = text[2:]
    return text.zfill(3) if text.isdigit() else text


def normalise_municipalities(gdf: gpd.GeoDataFrame, year: int, *, path: Path | None = None,
                             keys: MunicipalityKeys | None = None) -> gpd.GeoDataFrame:
    """Give a boundary table our columns, with names and regions from the key of ``year``.

    With ``path`` given, codes unknown in that year's key raise a :class:`DataFileError`.
    """
    key = keys_or_default(keys).key(year).set_index("code")
    if path is not None:
        unknown = sorted(set(gdf["code"]) - set(key.index))
        if unknown:
            raise DataFileError(path, f"codes {unknown[:8]} are not municipalities of {year}",
                                f"check the division year of the file (the key of {year} has {len(key)} municipalities)",
                                column="code")
        absent = sorted(set(key.index) - set(gdf["code"]))
        if absent:
            raise DataFileError(path, f"{len(absent)} municipalities of {year} are missing, e.g. {absent[:5]}",
                                "use a complete file of that year's division", column="code")
    out = gpd.GeoDataFrame({"code": gdf["code"].astype("string").to_numpy()}, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    for col in ("name_fi", "name_sv", "name_en", "region_code", "region_name_fi"):
        from_key = out["code"].map(key[col]) if col in key.columns else pd.Series(pd.NA, index=out.index)
        if col in gdf.columns:
            from_key = from_key.fillna(pd.Series(gdf[col].to_numpy(), index=out.index))
        out[col] = from_key.astype("string")
    out["year"] = int(year)
    area = gdf["land_area_km2"].to_numpy(dtype="float64") if "land_area_km2" in gdf.columns else np.full(len(gdf), np.nan)
    out["land_area_km2"] = area
    return out[MUNICIPALITY_COLUMNS].sort_values("code").reset_index(drop=True)


def read_statfi_wfs(path: str | Path, *, year: int | None = None, keys: MunicipalityKeys | None = None) -> gpd.GeoDataFrame:
    """Read a Statistics Finland WFS ``kunta4500k_YYYY`` response (GML or GeoJSON).

    The year is taken from the ``vuosi`` property when not given.
    """
    path = Path(path)
    if year is None:
        raw = _read_any(path)
        if "vuosi" not in raw.columns:
            raise DataFileError(path, "no 'vuosi' property to tell the year", "pass year=", column="vuosi")
        year = int(pd.Series(raw["vuosi"]).mode().iloc[0])
    gdf, _ = read_boundaries(path, year=year, keys=keys)
    return gdf


def read_nls_municipalities(path: str | Path, *, year: int, keys: MunicipalityKeys | None = None) -> gpd.GeoDataFrame:
    """Read a National Land Survey municipality GeoJSON (``NATCODE``/``natcode``, ``NAMEFIN``, ``NAMESWE``)."""
    gdf, _ = read_boundaries(path, year=year, keys=keys)
    return gdf


def read_nls_regions(path: str | Path, *, year: int, keys: MunicipalityKeys | None = None) -> gpd.GeoDataFrame:
    """Read a National Land Survey region (maakunta) GeoJSON; names from the key of ``year``."""
    path = Path(path)
    raw = _read_any(path)
    lower = {c.lower(): c for c in raw.columns}
    if "natcode" not in lower:
        raise DataFileError(path, "no NATCODE column", "use the NLS maakuntajako file or map the columns", column="NATCODE")
    raw = _fix_crs(raw, path, None)
    codes = raw[lower["natcode"]].map(lambda v: str(int(v)).zfill(2) if str(v).strip().isdigit() else str(v))
    key = keys_or_default(keys).key(year)
    names = key.drop_duplicates("region_code").set_index("region_code")
    unknown = sorted(set(codes) - set(names.index))
    if unknown:
        raise DataFileError(path, f"region codes {unknown} are not regions of {year}", "check the year of the file", column="NATCODE")
    out = gpd.GeoDataFrame({"region_code": codes.astype("string").to_numpy()}, geometry=raw.geometry.to_numpy(), crs=raw.crs)
    for col in ("region_name_fi", "region_name_sv", "region_name_en"):
        out[col] = out["region_code"].map(names[col]).astype("string")
    out["year"] = int(year)
    out["land_area_km2"] = np.nan
    out, _ = _check_geometry(out, path, "region_code")
    return out[REGION_COLUMNS].sort_values("region_code").reset_index(drop=True)


def dissolve_to_year(municipalities: gpd.GeoDataFrame, to_year: int, *,
                     keys: MunicipalityKeys | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Build the boundaries of a later division by dissolving merged municipalities.

    Returns the boundaries of ``to_year`` and the mergers applied. Land areas are summed.

    Examples
    --------
    >>> b2026, mergers = dissolve_to_year(load_municipalities(2023), 2026)
    >>> len(b2026), mergers["from_name"].tolist()
    (308, ['Pertunmaa'])
    """
    from rvanalytics.mergers import crosswalk

    from_year = int(municipalities["year"].iloc[0])
    cw = crosswalk(from_year, to_year, keys=keys)
    mapping = dict(zip(cw["from_code"], cw["to_code"]))
    work = municipalities[["code", "land_area_km2", "geometry"]].copy()
    work["code"] = work["code"].map(mapping)
    dissolved = work.dissolve(by="code", aggfunc={"land_area_km2": lambda s: s.sum(min_count=len(s))}).reset_index()
    dissolved["geometry"] = dissolved.geometry.make_valid()
    gdf = normalise_municipalities(dissolved, to_year, keys=keys)
    from rvanalytics.mergers import merger_table

    used = cw[cw["merged"]].merge(merger_table()[["from_code", "effective"]], on="from_code", how="left")
    return gdf, used[["from_code", "from_name", "to_code", "to_name", "effective"]].reset_index(drop=True)


def regions_from_municipalities(municipalities: gpd.GeoDataFrame, *,
                                keys: MunicipalityKeys | None = None) -> gpd.GeoDataFrame:
    """Regions (maakunnat) of the municipalities' year, by dissolving municipalities by region."""
    year = int(municipalities["year"].iloc[0])
    work = municipalities[["region_code", "land_area_km2", "geometry"]]
    dissolved = work.dissolve(by="region_code", aggfunc={"land_area_km2": lambda s: s.sum(min_count=len(s))}).reset_index()
    names = keys_or_default(keys).key(year).drop_duplicates("region_code").set_index("region_code")
    for col in ("region_name_fi", "region_name_sv", "region_name_en"):
        dissolved[col] = dissolved["region_code"].map(names[col]).astype("string")
    dissolved["year"] = year
    return gpd.GeoDataFrame(dissolved[REGION_COLUMNS], geometry="geometry", crs=municipalities.crs)


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance: float = SIMPLIFY_TOLERANCE_M) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage keeping shared borders shared (no gaps or slivers)."""
    out = gdf.copy()
    out["geometry"] = gdf.geometry.simplify_coverage(tolerance).make_valid()
    return out


def _store_file(kind: str, year: int, simplified: bool, store) -> Path:
    from rvanalytics.paths import store_dir

    suffix = "_simplified" if simplified else ""
    return store_dir(store) / f"{kind}{suffix}" / f"{year}.parquet"


def _load(kind: str, year: int, simplified: bool, store) -> gpd.GeoDataFrame:
    path = _store_file(kind, year, simplified, store)
    if not path.exists():
        from rvanalytics.paths import store_dir

        base = store_dir(store)
        available = sorted(int(p.stem) for p in (base / kind).glob("*.parquet")) if (base / kind).exists() else []
        if available:
            raise StoreError(f"no {kind} boundaries for {year} in the store {base}; available years: {available}")
        raise StoreError(f"the store {base} has no {kind} boundaries. Fix: run `rvanalytics data build`")
    from rvanalytics.store import read_store_table

    return read_store_table(path, geo=True, store=store)


def load_municipalities(year: int, *, simplified: bool = False, store=None) -> gpd.GeoDataFrame:
    """Municipal boundaries of ``year``'s division from the local store (EPSG:3067).

    Parameters
    ----------
    year : int
        Division year, 2013–2026. Years without a file of their own were built by
        dissolving merged municipalities of an earlier year (see ``rvanalytics data status``).
    simplified : bool
        The simplified variant for national maps (shared borders stay shared).
    store : path, optional
        Store location (default :func:`rvanalytics.paths.store_dir`).
    """
    return _load("municipalities", year, simplified, store)


def load_regions(year: int, *, simplified: bool = False, store=None) -> gpd.GeoDataFrame:
    """Regional (maakunta) boundaries of ``year`` from the local store (EPSG:3067)."""
    return _load("regions", year, simplified, store)


def describe_geojson(path: str | Path) -> dict:
    """Property names of a GeoJSON file without reading geometries (for ``data inspect``)."""
    with open(path, encoding="utf-8") as handle:
        obj = json.load(handle)
    features = obj.get("features") or []
    props = sorted({k for f in features[:5] for k in (f.get("properties") or {})})
    return {"features": len(features), "properties": props}
