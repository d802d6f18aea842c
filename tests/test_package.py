"""The flat public namespace: every exported name resolves, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import rvanalytics


@pytest.mark.parametrize("name", rvanalytics.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(rvanalytics, name) is not None
    assert name in dir(rvanalytics)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        rvanalytics.no_such_thing  # noqa: B018


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    assert rvanalytics.__version__ == version("rvanalytics")


def test_import_and_cli_help_do_not_load_the_scientific_stack() -> None:
    # `rvanalytics --help` and `cities validate` must not wait for matplotlib, scipy.stats,
    # folium or scikit-learn; the names load on first use instead.
    heavy = ["matplotlib", "scipy.stats", "folium", "sklearn", "geopandas", "pandas"]
    code = (
        "import sys, rvanalytics, rvanalytics.cli;"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "rvanalytics", "--version"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"rvanalytics {rvanalytics.__version__}"
