"""A very large input gives a short answer: no line per row in the output or in an error."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rvanalytics.cli import app

runner = CliRunner()


def _table(path: Path, n: int, *, conflicting: bool) -> Path:
    lines = ["code,year,indicator,value,unit"]
    for i in range(n):
        value = i if conflicting else i % 20  # the same (code, year, indicator) every 60 rows
        lines.append(f"{['091', '049', '837'][i % 3]},{2000 + i % 20},x_{i % 3},{value},kt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_many_flagged_rows_are_summarised(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "inspect", str(_table(tmp_path / "dups.csv", 60_000, conflicting=False))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) < 120
    assert any(line.strip().startswith("… and") and "more (" in line for line in lines)


def test_conflicting_rows_error_names_a_few_rows(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "inspect", str(_table(tmp_path / "conflict.csv", 60_000, conflicting=True))])
    assert result.exit_code == 2
    message = str(result.exception)
    assert "give different values" in message and "rows)" in message and len(message) < 400
