"""Benchmark: a national municipal choropleth rendered and saved to PNG (200 dpi),
simplified vs full geometry, in one run.

Uses the store in ``RVANALYTICS_STORE`` when it has the 2023 boundaries; otherwise
builds a temporary store from the recorded data (boundaries and key; the panel is
the recorded Sotkanet population).

    .venv/bin/python benchmarks/bench_maps.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from rvanalytics.boundaries import load_municipalities, load_regions
from rvanalytics.exceptions import StoreError
from rvanalytics.maps import choropleth, save_map
from rvanalytics.paths import recorded_dir

YEAR = 2023


def _population() -> pd.Series:
    raw = pd.read_csv(recorded_dir() / "statfi-municipality-key-geofi" / "sotkadata_population_2000_2022.csv")
    raw = raw[raw["year"] == 2022]
    return pd.Series(raw["primary.value"].to_numpy(float),
                     index=raw["municipality_code"].astype(int).astype(str).str.zfill(3))


def _store() -> Path | None:
    try:
        load_municipalities(YEAR)
        return None  # the default store works
    except StoreError:
        pass
    from rvanalytics.store import build_store

    def panel_builder(*, division_year, offline, progress, extra_tables, keys):
        pop = _population()
        panel = pd.DataFrame({"level": "municipality", "code": pop.index, "year": 2022, "indicator": "population",
                              "value": pop.to_numpy(), "unit": "persons", "source": "thl_sotkanet", "status": "",
                              "division_year": division_year})
        return types.SimpleNamespace(panel=panel, flags=pd.DataFrame({"file": [], "row": [], "reason": []}),
                                     sources=[])

    path = Path(tempfile.mkdtemp()) / "store"
    build_store(path, offline=True, progress=False, division_year=YEAR, panel_builder=panel_builder)
    return path


def render(simplified: bool, store, values: pd.Series, out: Path) -> float:
    start = time.perf_counter()
    munis = load_municipalities(YEAR, simplified=simplified, store=store)
    regions = load_regions(YEAR, simplified=simplified, store=store)
    fig, _ = choropleth(munis, values, scheme="quantiles", k=5, unit="as./km²", title="Väestötiheys", year=2022,
                        regions=regions)
    save_map(fig, out, dpi=200)
    plt.close(fig)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    store = _store()
    munis = load_municipalities(YEAR, store=store)
    pop = _population()
    values = pop / munis.set_index("code")["land_area_km2"].reindex(pop.index)
    out_dir = Path(tempfile.mkdtemp())
    render(True, store, values, out_dir / "warmup.png")  # imports, font cache
    times = {}
    for simplified in (True, False):
        runs = [render(simplified, store, values, out_dir / f"map_{simplified}.png") for _ in range(args.repeat)]
        times[simplified] = min(runs)
        size = (out_dir / f"map_{simplified}.png").stat().st_size
        label = "simplified" if simplified else "full      "
        print(f"{label} geometry: best {times[simplified]:.3f} s of {args.repeat} (load + draw + save PNG 200 dpi, "
              f"{size / 1e6:.2f} MB)")
    print(f"ratio full / simplified: {times[False] / times[True]:.2f}")
    print(f"target < 1.5 s: {'met' if times[True] < 1.5 else 'NOT met'} (simplified), "
          f"{'met' if times[False] < 1.5 else 'NOT met'} (full)")


if __name__ == "__main__":
    main()
