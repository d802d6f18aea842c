"""``rvanalytics metrics``: city metrics and target statuses from the store and the city profiles."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # pandas is imported where it is used, so `rvanalytics --help` stays fast
    import pandas as pd

#: Indicators reported per city when they are in the panel.
CITY_INDICATORS: tuple[str, ...] = (
    "population", "ghg_hinku_total_kt", "ghg_hinku_per_capita_t", "ghg_alas_total_kt", "ghg_alas_per_capita_t",
    "road_transport_ghg_kt", "road_transport_ghg_per_capita_t", "road_transport_energy_per_capita_mwh",
    "road_transport_mileage_per_capita_km", "household_waste_recycling_rate_pct", "consumption_footprint_per_capita_t",
)


def _select_cities(wanted: list[str], cities: pd.DataFrame) -> list[str]:
    """Codes of the wanted cities (codes or Finnish/Swedish/English names); all when none."""
    import pandas as pd

    from rvanalytics.exceptions import RvanalyticsError

    if not wanted:
        return list(cities["code"])
    out = []
    for w in wanted:
        w_norm = w.strip().casefold()
        by_code = cities["code"] == w.strip().zfill(3) if w.strip().isdigit() else False
        by_name = pd.concat([cities[c].astype("str").str.casefold() == w_norm
                             for c in ("name_fi", "name_sv", "name_en")], axis=1).any(axis=1)
        hit = cities[by_code | by_name]
        if hit.empty:
            raise RvanalyticsError(
                f"no city profile for {w!r}; profiles exist for "
                f"{', '.join(f'{c} {n}' for c, n in zip(cities['code'], cities['name_fi']))}. "
                "Fix: give a code or name of one of them, or add a profile (rvanalytics cities new)")
        out.extend(hit["code"])
    return list(dict.fromkeys(out))


def _catalogue() -> pd.DataFrame | None:
    """The indicator catalogue (directions for the ranks), or None when it cannot be read."""
    from rvanalytics.exceptions import RvanalyticsError

    try:
        from rvanalytics.indicators import indicator_catalogue

        return indicator_catalogue()
    except (ImportError, RvanalyticsError):
        return None


def compute(codes: list[str] | None = None, *, store: Path | None = None, cities_path: Path | None = None,
            across_scopes: bool = False, since: int = 2005) -> dict[str, Any]:
    """Load the store panel, profiles and key; return ``{"targets", "city_metrics", "thresholds"}``."""
    from dataclasses import asdict

    from rvanalytics.cities import load_cities, profile_files
    from rvanalytics.exceptions import StoreError
    from rvanalytics.key import load_key
    from rvanalytics.metrics import (
        TrackingThresholds,
        city_metrics,
        municipality_attributes,
        track_targets,
    )
    from rvanalytics.store import DEFAULT_DIVISION_YEAR, load_panel

    panel = load_panel(store, level=None)
    if panel.empty:
        raise StoreError("the store's panel is empty. Fix: run `rvanalytics data build`")
    division = int(panel["division_year"].max()) if "division_year" in panel.columns else DEFAULT_DIVISION_YEAR
    key = load_key(division, store=store)
    if not profile_files(cities_path):
        from rvanalytics.paths import cities_dir

        raise StoreError(f"no city profiles in {cities_path or cities_dir()}. "
                         "Fix: add profiles (rvanalytics cities new CODE) or set RVANALYTICS_CITIES_DIR")
    profiles = load_cities(cities_path, key=key, key_year=division, store=store)
    chosen = _select_cities(list(codes or []), profiles.cities)
    th = TrackingThresholds(allow_scope_mismatch=across_scopes)
    tracked = track_targets(profiles.targets[profiles.targets["city_code"].isin(chosen)], panel, th)
    munis = municipality_attributes(key, panel)
    inds = [i for i in CITY_INDICATORS if i in set(panel["indicator"])]
    metrics = city_metrics(panel, munis, chosen, indicators=inds, since=since, catalogue=_catalogue())
    names = dict(zip(profiles.cities["code"], profiles.cities["name_fi"]))
    metrics.insert(1, "city_name", metrics["code"].map(names))
    result = {"targets": tracked, "city_metrics": metrics, "thresholds": asdict(th)}
    catalogue = _catalogue()
    if catalogue is not None:
        from rvanalytics.metrics import theme_coverage
        from rvanalytics.themes import RESOURCE_WISDOM_THEMES, rw_theme

        # Catalogue and profiles use different theme words: compare them on the resource-wisdom themes.
        chosen_targets = profiles.targets[profiles.targets["city_code"].isin(chosen)]
        result["theme_coverage"] = theme_coverage(
            catalogue.assign(theme=catalogue["theme"].map(rw_theme)),
            profiles.cities[profiles.cities["code"].isin(chosen)],
            chosen_targets.assign(theme=chosen_targets["theme"].map(rw_theme)),
            panel,
            themes=list(RESOURCE_WISDOM_THEMES),
        )
    return result


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import pandas as pd

    def clean(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if hasattr(v, "item"):
            return v.item()
        return v
    return [{k: clean(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def write(result: dict[str, Any], out: Path) -> list[Path]:
    """Write atomically: ``.json`` one file; ``.csv`` the targets to ``out`` and city metrics beside it."""
    from rvanalytics.atomic import atomic_path, atomic_write_text
    from rvanalytics.exceptions import RvanalyticsError

    suffix = out.suffix.lower()
    if suffix == ".json":
        doc = {"thresholds": result["thresholds"], "targets": _records(result["targets"]),
               "city_metrics": _records(result["city_metrics"])}
        if "theme_coverage" in result:
            doc["theme_coverage"] = _records(result["theme_coverage"])
        atomic_write_text(out, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return [out]
    if suffix == ".csv":
        second = out.with_name(out.stem + "_city_metrics.csv")
        targets = result["targets"].drop(columns=["interim_targets"], errors="ignore")
        with atomic_path(out) as tmp:
            targets.to_csv(tmp, index=False)
        with atomic_path(second) as tmp:
            result["city_metrics"].to_csv(tmp, index=False)
        written = [out, second]
        if "theme_coverage" in result:
            third = out.with_name(out.stem + "_theme_coverage.csv")
            with atomic_path(third) as tmp:
                result["theme_coverage"].to_csv(tmp, index=False)
            written.append(third)
        return written
    raise RvanalyticsError(f"--out {out}: unknown format {suffix!r}. Fix: end the file name in .csv or .json")


def _fmt(v: Any, digits: int = 1) -> str:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def metrics_cmd(
    cities: Annotated[list[str] | None, typer.Argument(help="City codes or names (default: every city profile).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write FILE.json, or FILE.csv (+ FILE_city_metrics.csv).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Data store (default: RVANALYTICS_STORE or the user cache).")] = None,
    profiles: Annotated[Path | None, typer.Option("--profiles", help="City profile folder (default: data/cities).")] = None,
    across_scopes: Annotated[bool, typer.Option(
        "--across-scopes", help="Give a status even when a target's scope differs from the data's (marked in the note).")] = False,
    since: Annotated[int, typer.Option("--since", help="Year the city metrics' change is measured from.")] = 2005,
) -> None:
    """Target statuses (trajectory, gap, required rate, status or reason) and city metrics.

    Example: rvanalytics metrics Joensuu 091 --out metrics.json
    """
    if out is not None:
        from rvanalytics.cli._out import check_out_file

        check_out_file(out, "--out", (".csv", ".json"))
    result = compute(cities, store=store, cities_path=profiles, across_scopes=across_scopes, since=since)
    if out is not None:
        for path in write(result, out):
            typer.echo(f"wrote {path}")
        return
    for r in result["targets"].itertuples(index=False):
        head = f"{r.city_code} {r.city_name or ''} {r.target_id}:"
        if r.status is None or (isinstance(r.status, float) and math.isnan(r.status)):
            typer.echo(f"{head} no status - {r.reason}")
            if isinstance(r.target_level, float) and not math.isnan(r.target_level):
                typer.echo(f"    (on {r.data_scope} data: level {_fmt(r.target_level)} {r.unit} by {r.target_year}, "
                           f"latest {_fmt(r.latest_value)} in {r.latest_year}, gap {_fmt(r.gap_pct)} %, "
                           f"required {_fmt(r.required_rate_pct)} %/yr)")
        else:
            typer.echo(f"{head} {r.status} - level {_fmt(r.target_level)} {r.unit} by {r.target_year}; latest "
                       f"{_fmt(r.latest_value)} ({r.latest_year}); trajectory {_fmt(r.trajectory_linear)}; gap "
                       f"{_fmt(r.gap_pct)} %; required {_fmt(r.required_rate_pct)} %/yr; trend {_fmt(r.trend_pct)} %/yr")
            if isinstance(r.note, str) and r.note:
                typer.echo(f"    note: {r.note}")
    typer.echo(f"{len(result['city_metrics'])} city metric rows; use --out FILE.csv|.json for all of them")


def register(app: typer.Typer) -> None:
    """Add ``rvanalytics metrics`` to the main app."""
    app.command("metrics")(metrics_cmd)
