"""MunicipalityKeys: the one data-access object the readers and harmonisers take instead of a store path."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rvanalytics.exceptions import DataFileError, RvanalyticsError
from rvanalytics.key import MunicipalityKeys, default_keys, load_key


def _hand_made_key() -> pd.DataFrame:
    """Two years of a made-up division: Testilä (901) and Koeby (902) merge into Testilä in 2026."""
    rows = [
        ("901", "Testilä", "Testby", "Testila", 2025),
        ("902", "Koekylä", "Koeby", "Koekyla", 2025),
        ("901", "Testilä", "Testby", "Testila", 2026),
    ]
    table = pd.DataFrame(rows, columns=["code", "name_fi", "name_sv", "name_en", "year"])
    for col in ("code", "name_fi", "name_sv", "name_en"):
        table[col] = table[col].astype("string")
    table["region_code"] = pd.Series("99", index=table.index, dtype="string")
    table["region_name_fi"] = pd.Series("Koemaa", index=table.index, dtype="string")
    return table


class _Counting(MunicipalityKeys):
    """Counts how often the stacked key is loaded and each year's key is cut from it."""

    def __init__(self, store: str | Path | None = None) -> None:
        super().__init__(store)
        self.loads = 0
        self.year_reads: dict[int, int] = {}
        loader = self._loader

        def counted() -> pd.DataFrame:
            self.loads += 1
            return loader()

        self._loader = counted

    def _read_year(self, year: int) -> pd.DataFrame:
        self.year_reads[year] = self.year_reads.get(year, 0) + 1
        return super()._read_year(year)


@pytest.fixture
def tiny_store(tmp_path: Path) -> Path:
    """A store folder holding only a hand-made key.parquet."""
    store = tmp_path / "tiny-store"
    store.mkdir()
    _hand_made_key().to_parquet(store / "key.parquet", index=False)
    return store


def test_each_year_is_read_once_per_object(tiny_store: Path) -> None:
    keys = _Counting(tiny_store)
    for _ in range(3):
        keys.key(2025)
        keys.name_index(2025)
        keys.years()
    keys.key(2026)
    keys.name_index(2026)
    assert keys.loads == 1
    assert keys.year_reads == {2025: 1, 2026: 1}
    assert keys.years() == [2025, 2026]
    assert keys.key(2025)["code"].tolist() == ["901", "902"]


def test_returned_key_and_index_are_the_callers_own(tiny_store: Path) -> None:
    keys = MunicipalityKeys(tiny_store)
    first = keys.key(2025)
    first["code"] = "000"
    first["extra"] = 1
    index = keys.name_index(2025)
    index["nowhere"] = "000"
    assert keys.key(2025)["code"].tolist() == ["901", "902"]
    assert "extra" not in keys.key(2025).columns
    assert "nowhere" not in keys.name_index(2025)


def test_store_keys_equal_load_key(tiny_store: Path) -> None:
    keys = MunicipalityKeys(tiny_store)
    pd.testing.assert_frame_equal(keys.key(2025), load_key(2025, store=tiny_store))
    with pytest.raises(RvanalyticsError, match="no municipality key for 2019; available years: 2025–2026"):
        keys.key(2019)


def test_missing_store_key_names_the_fix(tmp_path: Path) -> None:
    from rvanalytics.exceptions import StoreError

    keys = MunicipalityKeys(tmp_path / "nowhere")  # nothing is read until a key is asked for
    with pytest.raises(StoreError, match="data build --store"):
        keys.years()


def test_readers_resolve_names_with_the_keys_given(tmp_path: Path) -> None:
    from rvanalytics.readers.generic import find_area_column
    from rvanalytics.readers.pxweb_csv import resolve_area_names

    keys = MunicipalityKeys.from_table(_hand_made_key())
    names = pd.Series(["Testby", "koekylä", "Testilä - Testby"])
    codes = resolve_area_names(names, 2025, tmp_path / "t.csv", column="Alue", keys=keys)
    assert codes.tolist() == ["901", "902", "901"]
    with pytest.raises(DataFileError, match="not in the 2025 municipality key"):
        resolve_area_names(pd.Series(["Helsinki"]), 2025, tmp_path / "t.csv", column="Alue", keys=keys)
    found = find_area_column(pd.DataFrame({"alue": ["Testilä", "Koeby"], "x": ["1", "2"]}), keys=keys)
    assert found is not None and found.codes == ("901", "902")


def test_harmonise_uses_the_keys_given() -> None:
    from rvanalytics.exceptions import HarmoniseError
    from rvanalytics.mergers import crosswalk, harmonise

    keys = MunicipalityKeys.from_table(_hand_made_key())
    cw = crosswalk(2025, 2025, keys=keys)
    assert cw[["from_code", "from_name", "to_name"]].values.tolist() == [["901", "Testilä", "Testilä"],
                                                                         ["902", "Koekylä", "Koekylä"]]
    # Koekylä's merger is not in the official merger table: the error names the fix.
    with pytest.raises(HarmoniseError, match=r"codes \['902'\] of 2025 have no municipality in 2026"):
        harmonise(pd.DataFrame({"code": ["901", "902"], "v": [1.0, 2.0]}), 2025, 2026, value_columns=["v"],
                  keys=keys)


def test_default_keys_are_shared_and_match_load_key(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RVANALYTICS_STORE", str(store))
    assert default_keys() is default_keys()
    pd.testing.assert_frame_equal(default_keys().key(2023), load_key(2023))
    pd.testing.assert_frame_equal(MunicipalityKeys(store).key(2023), load_key(2023, store=store))
