from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from rvanalytics.boundaries import (
    MUNICIPALITY_COLUMNS,
    dissolve_to_year,
    read_boundaries,
    read_nls_regions,
    read_statfi_wfs,
    simplify_coverage,
)
from rvanalytics.download import fetch
from rvanalytics.exceptions import DataFileError


@pytest.fixture(scope="module")
def nls2023():
    gdf, problems = read_boundaries(fetch("nls_kuntajako_4500k", year=2023), year=2023)
    assert problems == []
    return gdf


def test_nls_2023(nls2023):
    assert list(nls2023.columns) == MUNICIPALITY_COLUMNS
    assert len(nls2023) == 309 and nls2023.crs.to_epsg() == 3067
    hel = nls2023.set_index("code").loc["091"]
    assert hel["name_sv"] == "Helsingfors" and hel["region_code"] == "01"
    assert hel["land_area_km2"] == pytest.approx(214, abs=2)


def test_nls_2013_integer_codes_are_padded():
    gdf, _ = read_boundaries(fetch("nls_kuntajako_4500k", year=2013), year=2013)
    assert len(gdf) == 320 and "005" in set(gdf["code"]) and "091" in set(gdf["code"])


@pytest.mark.parametrize(("year", "count"), [(2019, 311), (2020, 310)])
def test_statfi_wfs_gml(year, count):
    gdf = read_statfi_wfs(fetch("statfi_wfs_kunta4500k", year=year))
    assert len(gdf) == count and (gdf["year"] == year).all()
    # Åland's Finnish name comes from the key, not the Swedish `nimi` of the WFS
    assert gdf.set_index("code").loc["478", "name_fi"] == "Maarianhamina"


def test_statfi_wfs_geojson(tmp_path: Path):
    """A WFS GeoJSON response (outputFormat=json) with the same properties is read the same way."""
    gml = gpd.read_file(fetch("statfi_wfs_kunta4500k", year=2020), WRITE_GFS="NO")  # reading never writes
    path = tmp_path / "kunta4500k_2020.json"
    gml[["kunta", "vuosi", "nimi", "namn", "name", "geometry"]].to_crs(4326).to_file(path, driver="GeoJSON")
    gdf = read_statfi_wfs(path)
    assert len(gdf) == 310 and gdf.crs.to_epsg() == 3067


def test_regions_2023():
    regions = read_nls_regions(fetch("nls_maakuntajako_4500k", year=2023), year=2023)
    assert len(regions) == 19 and regions.set_index("region_code").loc["21", "region_name_sv"] == "Åland"


def test_dissolve_2023_to_2026(nls2023):
    gdf, mergers = dissolve_to_year(nls2023, 2026)
    assert len(gdf) == 308 and mergers["from_code"].tolist() == ["588"]
    both = nls2023.set_index("code").loc[["507", "588"]]
    assert gdf.set_index("code").loc["507", "land_area_km2"] == pytest.approx(both["land_area_km2"].sum())
    assert gdf.set_index("code").loc["507"].geometry.area == pytest.approx(both.geometry.area.sum(), rel=1e-6)


def test_simplified_keeps_shared_borders(nls2023):
    simple = simplify_coverage(nls2023, 1500)
    assert simple.is_valid.all()
    assert simple.geometry.area.sum() == pytest.approx(nls2023.geometry.area.sum(), rel=0.01)
    # no gaps: the union of the simplified coverage has (almost) the same area
    assert simple.union_all().area == pytest.approx(simple.geometry.area.sum(), rel=1e-6)


def test_generic_mapping_geopackage(tmp_path: Path, nls2023):
    path = tmp_path / "own.gpkg"
    nls2023.rename(columns={"code": "kuntanro", "name_fi": "nimi_fi"})[["kuntanro", "nimi_fi", "geometry"]].to_file(path)
    gdf, _ = read_boundaries(path, year=2023, columns={"kuntanro": "code", "nimi_fi": "name_fi"})
    assert len(gdf) == 309


# ---- bad input: one clear error each, naming the file and the fix --------------------------------

def _square(x: float, y: float, size: float = 10_000) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def _write(tmp_path: Path, gdf: gpd.GeoDataFrame, name: str = "bad.geojson") -> Path:
    path = tmp_path / name
    gdf.to_file(path, driver="GeoJSON" if name.endswith("json") else None)
    return path


def test_missing_code_column(tmp_path: Path, nls2023):
    path = _write(tmp_path, nls2023[["name_fi", "geometry"]])
    with pytest.raises(DataFileError, match=r"bad.geojson.*no municipality code column.*Fix"):
        read_boundaries(path, year=2023)


def test_duplicated_codes(tmp_path: Path, nls2023):
    dup = nls2023.copy()
    dup.loc[dup.index[1], "code"] = dup["code"].iloc[0]
    path = _write(tmp_path, dup.rename(columns={"code": "kunta", "name_fi": "nimi"})[["kunta", "nimi", "geometry"]])
    with pytest.raises(DataFileError, match="appears 2 times"):
        read_boundaries(path, year=2023)


def test_unknown_codes_for_year(tmp_path: Path, nls2023):
    path = _write(tmp_path, nls2023.rename(columns={"code": "kunta", "name_fi": "nimi"})[["kunta", "nimi", "geometry"]])
    with pytest.raises(DataFileError, match=r"codes \['588'\] are not municipalities of 2025"):
        read_boundaries(path, year=2025)
    with pytest.raises(DataFileError, match="11 municipalities of 2013 are missing"):
        read_boundaries(path, year=2013)


def test_invalid_geometry_is_repaired_and_reported(tmp_path: Path, nls2023):
    bowtie = Polygon([(300_000, 6_700_000), (310_000, 6_710_000), (310_000, 6_700_000), (300_000, 6_710_000)])
    gdf = nls2023.copy()
    gdf.loc[gdf["code"] == "091", "geometry"] = bowtie
    path = tmp_path / "bowtie.gpkg"
    gdf.rename(columns={"code": "kunta", "name_fi": "nimi"})[["kunta", "nimi", "geometry"]].to_file(path)
    out, problems = read_boundaries(path, year=2023)
    assert out.is_valid.all() and problems and "091" in problems[0]


def test_empty_geometry(tmp_path: Path):
    path = tmp_path / "empty_geom.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kunta": "091", "nimi": "Helsinki"}, "geometry": None}]}))
    with pytest.raises(DataFileError, match="empty or missing geometry"):
        read_boundaries(path, year=2023)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs(tmp_path: Path):
    gdf = gpd.GeoDataFrame({"kunta": ["091"], "nimi": ["Helsinki"]}, geometry=[_square(380_000, 6_670_000)])
    path = tmp_path / "nocrs.shp"
    gdf.to_file(path)
    with pytest.raises(DataFileError, match="no coordinate reference system.*crs="):
        read_boundaries(path, year=2023)


def test_wrong_crs(tmp_path: Path):
    gdf = gpd.GeoDataFrame({"kunta": ["091"], "nimi": ["Helsinki"]}, geometry=[_square(380_000, 6_670_000)], crs=4326)
    path = tmp_path / "wrongcrs.gpkg"
    gdf.to_file(path)
    with pytest.raises(DataFileError, match="outside Finland"):
        read_boundaries(path, year=2023)


def test_truncated_file(tmp_path: Path, recorded_dir: Path):
    data = (recorded_dir / "nls-municipal-regional-boundaries" / "kuntarajat.2023.json").read_bytes()
    path = tmp_path / "truncated.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError, match="truncated.json.*cannot be read"):
        read_boundaries(path, year=2023)


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(DataFileError, match="empty"):
        read_boundaries(path, year=2023)


def test_wrong_encoding(tmp_path: Path):
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kunta": "020", "nimi": "Akaa-Ã¤"},
         "geometry": {"type": "Polygon", "coordinates": [[[23.8, 61.1], [23.9, 61.1], [23.9, 61.2], [23.8, 61.1]]]}}]},
        ensure_ascii=False)
    path = tmp_path / "mojibake.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="wrongly decoded.*encoding"):
        read_boundaries(path, year=2023)


def test_topojson_with_column_mapping(tmp_path: Path):
    """A hand-made TopoJSON (two municipalities sharing an arc) is read with a column mapping."""
    topo = {
        "type": "Topology",
        "objects": {"kunnat": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"nro": "091", "nimi_fi": "Helsinki"}},
            {"type": "Polygon", "arcs": [[-1, 2]], "properties": {"nro": "049", "nimi_fi": "Espoo"}},
        ]}},
        "arcs": [
            [[24.80, 60.15], [24.80, 60.30]],
            [[24.80, 60.30], [25.10, 60.30], [25.10, 60.15], [24.80, 60.15]],
            [[24.80, 60.15], [24.55, 60.15], [24.55, 60.30], [24.80, 60.30]],
        ],
    }
    path = tmp_path / "two.topojson"
    path.write_text(json.dumps(topo))
    gdf, problems = read_boundaries(path, year=2023, columns={"nro": "code", "nimi_fi": "name_fi"}, check_codes=False)
    assert sorted(gdf["code"]) == ["049", "091"] and gdf.crs.to_epsg() == 3067
    assert gdf.set_index("code").loc["049", "region_code"] == "01"
    assert problems == []


def test_wfs_capabilities_is_refused_fast_without_network(recorded_dir, tmp_path):
    """A GetCapabilities document would send GDAL's WFS driver to the network: refused at once."""
    import shutil
    import time

    from rvanalytics.boundaries import read_boundaries
    from rvanalytics.exceptions import DataFileError

    path = tmp_path / "caps.xml"
    shutil.copy(recorded_dir / "statfi-wfs-kunta4500k-recorded" / "getcapabilities_wfs100_2019.xml", path)
    start = time.perf_counter()
    with pytest.raises(DataFileError, match="WFS GetCapabilities document"):
        read_boundaries(path, year=2019)
    assert time.perf_counter() - start < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caps.xml"]  # nothing written beside it
