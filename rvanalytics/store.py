"""The normalised local store: what ``rvanalytics data build`` writes and every later step reads.

Layout (GeoParquet / Parquet)::

    store/
      manifest.json                 sources, vintages, hashes, row counts, attribution
      key.parquet                   municipality keys of all years
      municipalities/<year>.parquet        boundaries (EPSG:3067)
      municipalities_simplified/<year>.parquet
      regions/<year>.parquet, regions_simplified/<year>.parquet
      mergers.parquet               official mergers (with sources)
      panel.parquet                 the indicator panel (long table)
      panel_flags.parquet           rows flagged while building the panel

A build writes into a temporary folder and replaces the store only when it is
complete, so a failed build leaves the previous store intact.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from rvanalytics.atomic import atomic_dir, atomic_write_text
from rvanalytics.division import DEFAULT_DIVISION_YEAR
from rvanalytics.exceptions import StoreError
from rvanalytics.key import MunicipalityKeys

__all__ = [
    "BOUNDARY_PLAN",
    "DEFAULT_DIVISION_YEAR",
    "build_store",
    "check_store_files",
    "load_panel",
    "load_panel_flags",
    "read_manifest",
    "read_store_table",
    "store_summary",
]

#: Where each year's boundaries come from: ("file", source id) or ("derived", from year).
BOUNDARY_PLAN: dict[int, tuple[str, Any]] = {
    2013: ("file", "nls_kuntajako_4500k"),
    2014: ("derived", 2013),
    2015: ("derived", 2013),
    2016: ("derived", 2013),
    2017: ("derived", 2013),
    2018: ("derived", 2013),
    2019: ("file", "statfi_wfs_kunta4500k"),
    2020: ("file", "statfi_wfs_kunta4500k"),
    2021: ("file", "nls_kuntajako_4500k"),
    2022: ("derived", 2021),
    2023: ("file", "nls_kuntajako_4500k"),
    2024: ("derived", 2023),
    2025: ("derived", 2023),
    2026: ("derived", 2023),
}
_REGION_FILES = {2023: "nls_maakuntajako_4500k"}


def _progress(iterable, total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, disable=not enabled, leave=False)


def _source_entry(source_id: str, files: list[Path], rows: dict[str, int] | None = None) -> dict[str, Any]:
    from rvanalytics.catalogue import get_source
    from rvanalytics.download import sha256sum
    from rvanalytics.paths import recorded_dir

    src = get_source(source_id)
    base = recorded_dir()
    entries = []
    for path in files:
        recorded = base is not None and base in path.resolve().parents
        entries.append(
            {
                "path": str(path),
                "sha256": sha256sum(path),
                "origin": "recorded copy (see PROVENANCE.md beside it)" if recorded else "official download",
                # A recorded copy's retrieval is documented in its PROVENANCE.md, not by file times.
                "retrieved": None if recorded else dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat(),
                "rows": (rows or {}).get(path.name),
            }
        )
    return {
        "id": source_id,
        "title": src.title,
        "publisher": src.publisher,
        "licence": src.licence,
        "attribution": src.attribution,
        "vintage": src.vintage,
        "files": entries,
    }


def build_store(
    path: str | Path | None = None,
    *,
    offline: bool | None = None,
    progress: bool = True,
    division_year: int = DEFAULT_DIVISION_YEAR,
    extra_tables: tuple[Path, ...] = (),
    panel_builder: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Build the local store from the official sources (or their recorded copies).

    Parameters
    ----------
    path : path, optional
        Store location (default :func:`rvanalytics.paths.store_dir`).
    offline : bool, optional
        Use only the recorded copies (default: ``RVANALYTICS_OFFLINE``; without network
        the recorded copies are used anyway).
    progress : bool
        Show a progress bar.
    division_year : int
        Division the indicator panel is harmonised onto.
    extra_tables : paths
        Analysts' own indicator tables (tidy schema) to add to the panel.

    Returns
    -------
    dict
        The manifest that was written.
    """
    from rvanalytics import __version__
    from rvanalytics.paths import store_dir

    target = store_dir(path)
    started = dt.datetime.now(dt.UTC)
    manifest: dict[str, Any] = {
        "package_version": __version__,
        "built_at": started.isoformat(timespec="seconds"),
        "division_year": division_year,
        "offline": bool(offline),
        "sources": [],
        "tables": {},
        "boundaries": {},
        "problems": [],
    }
    # Everything is written into a temporary folder that replaces the store only when complete;
    # the later steps use the keys of that folder (one MunicipalityKeys, each year read once).
    with atomic_dir(target) as tmp:
        steps = ["key", *[f"boundaries {y}" for y in BOUNDARY_PLAN], "panel"]
        bar = iter(_progress(steps, len(steps), "building store", progress))
        next(bar)
        _write_key_and_mergers(tmp, manifest, offline)
        keys = MunicipalityKeys(tmp)
        _write_boundaries(tmp, manifest, offline, bar, keys)
        next(bar)
        _write_panel(tmp, manifest, panel_builder, division_year=division_year, offline=offline,
                     extra_tables=tuple(extra_tables), keys=keys)
        for _ in bar:
            pass
        manifest["seconds"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2)
        atomic_write_text(tmp / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return manifest


def _write_key_and_mergers(tmp: Path, manifest: dict[str, Any], offline: bool | None) -> None:
    """The municipality keys 2013–2026 and the official merger table."""
    from rvanalytics.download import fetch
    from rvanalytics.key import read_key_file
    from rvanalytics.mergers import merger_table

    key_path = fetch("statfi_municipality_key", offline=offline)
    key = read_key_file(key_path)
    key.to_parquet(tmp / "key.parquet", index=False)
    manifest["sources"].append(_source_entry("statfi_municipality_key", [key_path]))
    manifest["tables"]["key"] = {"path": "key.parquet", "rows": len(key),
                                 "years": sorted(int(y) for y in key["year"].unique())}
    mergers = merger_table().drop(columns=["effective_year"])
    mergers.to_parquet(tmp / "mergers.parquet", index=False)
    manifest["tables"]["mergers"] = {"path": "mergers.parquet", "rows": len(mergers)}


def _write_boundaries(tmp: Path, manifest: dict[str, Any], offline: bool | None, bar, keys: MunicipalityKeys) -> None:
    """Municipalities and regions of every year of :data:`BOUNDARY_PLAN` (read from a file or dissolved)."""
    municipalities: dict[int, gpd.GeoDataFrame] = {}
    used_files: dict[str, list[Path]] = {}
    for year, (how, what) in BOUNDARY_PLAN.items():
        next(bar)
        gdf, info = _municipalities_of(year, how, what, municipalities, keys, manifest, offline, used_files)
        municipalities[year] = gdf
        _write_layer(gdf, tmp, "municipalities", year)
        regions, region_origin = _regions_of(year, gdf, keys, offline, used_files)
        _write_layer(regions, tmp, "regions", year)
        info.update(municipalities=len(gdf), regions=len(regions), regions_origin=region_origin,
                    land_area_known=bool(gdf["land_area_km2"].notna().all()))
        manifest["boundaries"][str(year)] = info
    for source_id, files in used_files.items():
        manifest["sources"].append(_source_entry(source_id, files))


def _municipalities_of(year: int, how: str, what: Any, earlier: dict[int, gpd.GeoDataFrame], keys: MunicipalityKeys,
                       manifest: dict[str, Any], offline: bool | None,
                       used_files: dict[str, list[Path]]) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """One year's municipalities: read from the source's file, or an earlier year dissolved with the mergers."""
    from rvanalytics.boundaries import dissolve_to_year, read_boundaries
    from rvanalytics.download import fetch

    if how == "file":
        file_path = fetch(what, year=year, offline=offline)
        gdf, problems = read_boundaries(file_path, year=year, keys=keys)
        used_files.setdefault(what, []).append(file_path)
        manifest["problems"] += [f"{file_path.name}: {p}" for p in problems]
        return gdf, {"origin": "file", "source": what, "file": file_path.name}
    gdf, applied = dissolve_to_year(earlier[what], year, keys=keys)
    steps = ", ".join(f"{r.from_name} → {r.to_name} ({r.effective})" for r in applied.itertuples()) or "none"
    return gdf, {"origin": "derived", "derived_from": what, "mergers_applied": len(applied),
                 "note": f"built by dissolving the {what} boundaries with the official mergers {what + 1}–{year}: "
                         + steps}


def _regions_of(year: int, municipalities: gpd.GeoDataFrame, keys: MunicipalityKeys, offline: bool | None,
                used_files: dict[str, list[Path]]) -> tuple[gpd.GeoDataFrame, str]:
    """One year's regions: the NLS file where there is one (areas from the municipalities), else dissolved."""
    from rvanalytics.boundaries import read_nls_regions, regions_from_municipalities
    from rvanalytics.download import fetch

    if year not in _REGION_FILES:
        return regions_from_municipalities(municipalities, keys=keys), \
            "dissolved from the municipalities of the same year"
    reg_path = fetch(_REGION_FILES[year], year=year, offline=offline)
    regions = read_nls_regions(reg_path, year=year, keys=keys)
    used_files.setdefault(_REGION_FILES[year], []).append(reg_path)
    areas = municipalities.groupby("region_code")["land_area_km2"].sum(min_count=1)
    regions["land_area_km2"] = regions["region_code"].map(areas).astype("float64")
    return regions, f"file {reg_path.name}"


def _write_layer(gdf: gpd.GeoDataFrame, tmp: Path, layer: str, year: int) -> None:
    """``<layer>/<year>.parquet`` and its coverage-simplified twin ``<layer>_simplified/<year>.parquet``."""
    from rvanalytics.boundaries import simplify_coverage

    gdf.to_parquet(_mkdir(tmp / layer) / f"{year}.parquet")
    simplify_coverage(gdf).to_parquet(_mkdir(tmp / f"{layer}_simplified") / f"{year}.parquet")


def _write_panel(tmp: Path, manifest: dict[str, Any], panel_builder: Callable[..., Any] | None, *,
                 division_year: int, offline: bool | None, extra_tables: tuple[Path, ...],
                 keys: MunicipalityKeys) -> None:
    """The indicator panel and its flags (:func:`rvanalytics.panel.build_panel` unless another builder is given;
    a builder is called with ``division_year, offline, progress, extra_tables`` and ``keys``)."""
    builder = panel_builder
    if builder is None:
        from rvanalytics.panel import build_panel as builder
    result = builder(division_year=division_year, offline=offline, progress=False, extra_tables=extra_tables,
                     keys=keys)
    result.panel.to_parquet(tmp / "panel.parquet", index=False)
    result.flags.to_parquet(tmp / "panel_flags.parquet", index=False)
    manifest["tables"]["panel"] = {"path": "panel.parquet", "rows": len(result.panel),
                                   "indicators": int(result.panel["indicator"].nunique()),
                                   "flagged_rows": len(result.flags)}
    for entry in result.sources:
        manifest["sources"].append(_panel_source_entry(entry))


def _panel_source_entry(entry: dict[str, Any]) -> dict[str, Any]:
    files = entry.get("files") or ([entry["file"]] if entry.get("file") else [])
    paths = [Path(f) for f in files if f and Path(f).exists()]
    if str(entry["id"]).startswith("user:"):  # an analyst's own table (--extra): not in the catalogue
        base = _user_source_entry(entry["id"], paths)
    else:
        base = _source_entry(entry["id"], paths) if paths else {"id": entry["id"], "files": []}
    base.update({k: v for k, v in entry.items() if k not in {"id", "files", "file"}})
    return base


def _user_source_entry(source_id: str, files: list[Path]) -> dict[str, Any]:
    """Manifest entry of a table given with ``--extra``: its files and hashes; licence as stated by its owner."""
    from rvanalytics.download import sha256sum

    return {
        "id": source_id,
        "title": f"analyst's own table {source_id.removeprefix('user:')}",
        "publisher": "the analyst who added it",
        "licence": "as stated by the table's owner",
        "attribution": "",
        "vintage": "",
        "files": [{"path": str(p), "sha256": sha256sum(p), "origin": "your own table (--extra)",
                   "retrieved": dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).date().isoformat(),
                   "rows": None} for p in files],
    }


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _rebuild_fix(base: Path | None) -> str:
    return "rebuild the store with `rvanalytics data build" + (f" --store {base}`" if base is not None else "`")


def read_store_table(path: str | Path, *, geo: bool = False, store: str | Path | None = None, **kwargs: Any):
    """Read one Parquet (``geo``: GeoParquet) file of the store; :class:`StoreError` naming it when it is damaged.

    A missing, empty (0 bytes) or truncated file, or one that is not Parquet, is reported with
    the file and the fix (rebuild the store) instead of the Arrow error.
    """
    path = Path(path)
    base = Path(store) if store is not None else None
    if not path.exists():
        raise StoreError(f"{path} is missing. Fix: {_rebuild_fix(base)}")
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Parquet file. Fix: remove it and {_rebuild_fix(base)}")
    if path.stat().st_size == 0:
        raise StoreError(f"{path} is empty (0 bytes). Fix: {_rebuild_fix(base)}")
    try:
        if geo:
            return gpd.read_parquet(path, **kwargs)
        return pd.read_parquet(path, **kwargs)
    except (OSError, ValueError) as err:  # pyarrow.ArrowInvalid is a ValueError; a truncated file an OSError
        first = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise StoreError(f"{path} is damaged and cannot be read ({first}). Fix: {_rebuild_fix(base)}") from None


def check_store_files(store: str | Path | None = None, manifest: dict[str, Any] | None = None) -> list[Path]:
    """Check that every Parquet file of the store is readable (footer and schema); return them.

    Raises :class:`StoreError` naming the first damaged, empty or missing file and the fix.
    """
    import pyarrow.parquet as pq

    from rvanalytics.paths import store_dir

    base = store_dir(store)
    manifest = manifest if manifest is not None else read_manifest(store)
    tables = manifest.get("tables", {})
    expected = [base / t["path"] for t in tables.values() if isinstance(t, dict) and t.get("path")]
    if "panel" in tables:
        expected.append(base / "panel_flags.parquet")
    for year in manifest.get("boundaries", {}):
        for kind in ("municipalities", "municipalities_simplified", "regions", "regions_simplified"):
            expected.append(base / kind / f"{year}.parquet")
    fix_base = Path(store) if store is not None else None
    for path in expected:
        if not path.is_file():
            raise StoreError(f"{path} is missing. Fix: {_rebuild_fix(fix_base)}")
        if path.stat().st_size == 0:
            raise StoreError(f"{path} is empty (0 bytes). Fix: {_rebuild_fix(fix_base)}")
        try:
            pq.read_metadata(path)
        except (OSError, ValueError) as err:
            first = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
            raise StoreError(f"{path} is damaged and cannot be read ({first}). Fix: {_rebuild_fix(fix_base)}") from None
    return expected


def read_manifest(store: str | Path | None = None) -> dict[str, Any]:
    """The store's manifest; :class:`StoreError` with the fix when there is no store."""
    from rvanalytics.paths import store_dir

    base = store_dir(store)
    path = base / "manifest.json"
    if not path.exists():
        raise StoreError(f"no store at {base}. Fix: run `rvanalytics data build`"
                         + (f" --store {base}" if store is not None else ""))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise StoreError(f"{path} is corrupt ({err}). Fix: {_rebuild_fix(Path(store) if store is not None else None)}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables", {}), dict):
        raise StoreError(f"{path} is not a store manifest. Fix: {_rebuild_fix(Path(store) if store is not None else None)}")
    return manifest


def load_panel(store: str | Path | None = None, *, indicators: list[str] | None = None,
               level: str | None = "municipality", releases: str = "series") -> pd.DataFrame:
    """The indicator panel from the store: one long table.

    Columns ``level, code, year, indicator, value, unit, source, status, division_year, release,
    preliminary``.

    Parameters
    ----------
    indicators : list of str, optional
        Keep only these indicator ids.
    level : {"municipality", "region", "country", None}
        Keep only rows of this level (None: all levels).
    releases : {"series", "comparison", "all"}
        Syke re-releases its whole series every year and the store keeps every release.
        "series" (default): each series from the newest release covering it
        (:func:`rvanalytics.releases.select_series`); "comparison": per indicator the release
        with the most municipalities, for comparing areas (:func:`rvanalytics.releases.comparison_view`);
        "all": every release.

    Examples
    --------
    >>> panel = load_panel()
    >>> panel.query("code == '091' and indicator == 'population' and year == 2022")["value"].item()
    664028.0
    """
    from rvanalytics.paths import store_dir

    read_manifest(store)
    path = store_dir(store) / "panel.parquet"
    filters = []
    if indicators:
        filters.append(("indicator", "in", list(indicators)))
    if releases not in ("series", "comparison", "all"):
        raise ValueError(f"releases must be 'series', 'comparison' or 'all', not {releases!r}")
    from rvanalytics.releases import comparison_view, select_series

    if releases == "comparison":
        # the release is chosen on the municipal rows, then every level follows it
        panel = comparison_view(read_store_table(path, store=store, filters=filters or None))
        return panel[panel["level"] == level].reset_index(drop=True) if level else panel
    if level:
        filters.append(("level", "==", level))
    panel = read_store_table(path, store=store, filters=filters or None)
    return select_series(panel) if releases == "series" else panel


def load_panel_flags(store: str | Path | None = None) -> pd.DataFrame:
    """Rows flagged while building the panel (file, row, reason)."""
    from rvanalytics.paths import store_dir

    read_manifest(store)
    return read_store_table(store_dir(store) / "panel_flags.parquet", store=store)


def store_summary(store: str | Path | None = None) -> dict[str, Any]:
    """What the store holds: boundaries per year, key years, and per-indicator panel coverage."""
    manifest = read_manifest(store)
    missing = [k for k in ("built_at", "package_version", "division_year", "boundaries", "tables", "sources")
               if k not in manifest] or ([] if "key" in manifest["tables"] else ["tables.key"])
    if missing:
        from rvanalytics.paths import store_dir

        raise StoreError(f"{store_dir(store) / 'manifest.json'} lacks {missing[0]!r}. "
                         f"Fix: {_rebuild_fix(Path(store) if store is not None else None)}")
    check_store_files(store, manifest)
    summary: dict[str, Any] = {
        "built_at": manifest["built_at"],
        "package_version": manifest["package_version"],
        "division_year": manifest["division_year"],
        "boundaries": manifest["boundaries"],
        "key_years": manifest["tables"]["key"]["years"],
        "sources": [(s["id"], s.get("vintage", "")) for s in manifest["sources"]],
        "problems": manifest.get("problems", []),
    }
    if "panel" in manifest["tables"]:
        from rvanalytics.panel import panel_status

        summary["panel"] = panel_status(load_panel(store, level=None))
        summary["panel_rows"] = manifest["tables"]["panel"]["rows"]
        summary["flagged_rows"] = manifest["tables"]["panel"].get("flagged_rows", 0)
    return summary
