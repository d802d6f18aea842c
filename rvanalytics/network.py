"""The FISU network (Finnish Sustainable Communities): membership and the network's common targets.

Both come from one recorded table (``fisu_network`` in ``rvanalytics/data/sources.yaml``:
``city-key-measures/fisu_network.csv`` and ``fisu_network_targets.csv``), never from the city
profiles, so a member city carries the network's targets without anyone copying them by hand,
and they stay apart from the city's own targets (``origin = "network"``).

Examples
--------
>>> members = fisu_members(read_fisu_network())
>>> sorted(members["code"])[:4], len(members)
(['061', '106', '139', '167'], 13)
>>> t = network_targets(members, read_fisu_targets())
>>> t.query("city_code == '405' and target_id == 'fisu-ghg-2030'")[["indicator", "scope", "baseline_year", "target_value"]].to_dict("records")
[{'indicator': 'ghg_hinku_total_kt', 'scope': 'hinku', 'baseline_year': 2007, 'target_value': 60.0}]
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rvanalytics.exceptions import DataFileError
from rvanalytics.readers._common import read_text, require_columns

__all__ = [
    "MEMBER_RELATIONS",
    "fisu_members",
    "network_targets",
    "read_fisu_network",
    "read_fisu_targets",
]

SOURCE_ID = "fisu_network"
#: Relations in ``fisu_network.csv`` that make a city a member (``fisu_member_listed``: on the network's
#: undated 13-member list, e.g. Kemi and Siilinjärvi).
MEMBER_RELATIONS = ("fisu_founding_member", "fisu_member", "fisu_member_listed")
_NETWORK_COLUMNS = ("code", "name_fi", "relation", "year", "month", "source_url", "source_date", "confidence")
_TARGET_COLUMNS = ("target_id", "theme", "indicator_hint", "baseline_year", "target_year", "target_value", "unit",
                   "kind", "note", "source_url", "source_date")
#: The indicator a network target is measured with, recognised from its ``indicator_hint``:
#: (pattern, indicator id, data scope of the target).
_HINTS: tuple[tuple[str, str | None, str], ...] = (
    (r"hinku", "ghg_hinku_total_kt", "hinku"),
    (r"household-waste recycling", "household_waste_recycling_rate_pct", "other"),
    (r"consumption-based carbon footprint", "consumption_footprint_per_capita_t", "consumption_based"),
)
_KINDS = {"pct_reduction": "pct_reduction", "rate": "rate", "qualitative": "qualitative"}


def _path(name: str, path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    from rvanalytics.panel import source_path

    return source_path(SOURCE_ID, name, offline=True)


def _read_csv(path: Path, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    text, _ = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DataFileError(path, f"cannot be read as CSV ({err})", "save it as comma-separated UTF-8") from None
    require_columns(frame, columns, path, what)
    return frame


def read_fisu_network(path: str | Path | None = None) -> pd.DataFrame:
    """``fisu_network.csv``: one row per city and relation (membership, Sitra pilots, baselines).

    Returns ``code`` (3-digit), ``name_fi``, ``relation``, ``year`` (Int64), ``month`` (Int64),
    ``source_url``, ``source_date``, ``confidence``.
    """
    path = _path("fisu_network.csv", path)
    frame = _read_csv(path, _NETWORK_COLUMNS, "FISU network table")
    bad = ~frame["code"].str.fullmatch(r"\d{1,3}")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"{frame['code'].iloc[pos]!r} is not a municipality code",
                            "give the 3-digit Statistics Finland code of the member", row=pos + 2, column="code")
    frame["code"] = frame["code"].str.zfill(3)
    for col in ("year", "month"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype("Int64")
    return frame


def read_fisu_targets(path: str | Path | None = None) -> pd.DataFrame:
    """``fisu_network_targets.csv``: the network's common targets (one row each)."""
    path = _path("fisu_network_targets.csv", path)
    frame = _read_csv(path, _TARGET_COLUMNS, "FISU network targets table")
    for col in ("baseline_year", "target_year"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype("Int64")
    frame["target_value"] = pd.to_numeric(frame["target_value"].replace("", None), errors="coerce").astype("float64")
    unknown = ~frame["kind"].isin(list(_KINDS))
    if unknown.any():
        pos = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataFileError(path, f"kind {frame['kind'].iloc[pos]!r} is not one of {sorted(_KINDS)}",
                            "use pct_reduction, rate or qualitative", row=pos + 2, column="kind")
    missing_year = frame["target_year"].isna()
    if missing_year.any():
        pos = int(np.flatnonzero(missing_year.to_numpy())[0])
        raise DataFileError(path, "target year is missing", "every network target has a target year",
                            row=pos + 2, column="target_year")
    frame.attrs["path"] = str(path)
    return frame


def fisu_members(network: pd.DataFrame) -> pd.DataFrame:
    """Member cities: ``code, name_fi, joined`` (year, may be <NA>), ``relation``, ``source_url``, ``source_date``.

    A city listed under several member relations appears once, with its earliest one.
    """
    members = network[network["relation"].isin(MEMBER_RELATIONS)].copy()
    order = {r: i for i, r in enumerate(MEMBER_RELATIONS)}
    members["_order"] = members["relation"].map(order)
    members = members.sort_values(["code", "_order"]).drop_duplicates("code")
    return (members.rename(columns={"year": "joined"})
            [["code", "name_fi", "joined", "relation", "source_url", "source_date"]].reset_index(drop=True))


def _indicator(hint: str, kind: str, path: str, row: int) -> tuple[str | None, str]:
    if kind == "qualitative":
        return None, "other"
    for pattern, indicator, scope in _HINTS:
        if re.search(pattern, hint, re.IGNORECASE):
            return indicator, scope
    raise DataFileError(Path(path), f"indicator hint {hint!r} names no indicator of the catalogue",
                        "describe the indicator (e.g. 'Syke ALas emissions with Hinku rules')", row=row,
                        column="indicator_hint")


def network_targets(members: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Every network target for every member, as rows of the Targets DataFrame (docs/design.md).

    ``origin`` is "network"; ``target_id`` the network's id; ``source_title`` names the network;
    ``source_quote`` is the network's note (a paraphrase); ``comparability_note`` says how the
    network measures the target.
    """
    path = targets.attrs.get("path", "fisu_network_targets.csv")
    rows = []
    for pos, t in enumerate(targets.itertuples(index=False), start=2):
        indicator, scope = _indicator(str(t.indicator_hint), t.kind, path, pos)
        for m in members.itertuples(index=False):
            rows.append({
                "city_code": m.code, "city_name": m.name_fi, "target_id": t.target_id,
                "theme": t.theme, "indicator": indicator, "scope": scope, "kind": _KINDS[t.kind],
                "baseline_year": t.baseline_year, "baseline_value": np.nan, "target_year": int(t.target_year),
                "target_value": t.target_value, "compensation_share_pct": np.nan, "interim_targets": [],
                "source_title": f"FISU network common target ({t.source_date})", "source_url": t.source_url,
                "source_quote": t.note or None, "source_quote_kind": "paraphrase",
                "comparability_note": (f"Network target for every FISU member, measured with: {t.indicator_hint}."
                                       if t.indicator_hint else None),
                "text_language": "en", "origin": "network",
            })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["baseline_year"] = pd.array(out["baseline_year"].tolist(), dtype="Int64")
    return out
