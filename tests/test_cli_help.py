"""Every command's --help reads at 80 columns: nothing cut off, no sentence broken mid-line."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rvanalytics.cli import app

WIDTH = 80


def _commands() -> list[tuple[str, ...]]:
    """Every command and subcommand path of the app (walked, so new ones are checked too)."""
    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        out.append(path)
        if hasattr(cmd, "commands"):  # a group (typer may vendor its own click classes)
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))

    walk(root, ())
    return out


def _command(path: tuple[str, ...]) -> Any:
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


COMMANDS = _commands()


def test_every_command_is_checked() -> None:
    names = {" ".join(p) for p in COMMANDS}
    for expected in ("data build", "data status", "data inspect", "cities validate", "cities new",
                     "cities import", "cities import-key-measures", "cities list", "cohort select",
                     "cohort list", "map coverage", "map indicator", "metrics", "report"):
        assert expected in names


# Every command's help fits (the cohort weight once named --w-region-population was cut: now --w-region-pop).
_FIT_CASES = list(COMMANDS)


@pytest.mark.parametrize("path", _FIT_CASES, ids=lambda p: " ".join(p) or "rvanalytics")
def test_help_fits_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH), "TERMINAL_WIDTH": str(WIDTH)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    too_long = [line for line in lines if len(line) > WIDTH]
    assert not too_long, "\n".join(too_long)
    cut = [line for line in lines if "…" in line]  # rich's mark of a truncated name, default or word
    assert not cut, "\n".join(cut)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "rvanalytics")
def test_help_paragraphs_are_not_rewrapped(path: tuple[str, ...]) -> None:
    """Typer keeps the line breaks of a help text's later paragraphs; a source line wider than the
    terminal is then wrapped by rich and leaves a stub line ("the" alone before "failures are …")."""
    text = inspect.cleandoc(_command(path).help or "").partition("\f")[0]
    later = text.split("\n\n")[1:]
    wide = [line for paragraph in later for line in paragraph.splitlines() if len(line) > WIDTH - 2]
    assert not wide, "\n".join(wide)
