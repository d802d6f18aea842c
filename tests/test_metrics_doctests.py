"""The docstring examples of the metric modules run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["normalise", "change", "targets", "decoupling", "peers", "coverage", "composite"]


@pytest.mark.parametrize("name", MODULES)
def test_metric_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"rvanalytics.metrics.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
