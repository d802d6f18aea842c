"""``nbformat`` without the IRI grammar that jsonschema compiles on import (~1 s).

nbformat imports jsonschema, and jsonschema's format checkers import the optional
``rfc3987_syntax`` package when it is installed (it is, through Jupyter's
``jsonschema[format-nongpl]``), which builds about 40 parser grammars at import time:
about 1 s of every ``rvanalytics report`` run, for an ``iri`` format check that the
notebook schema never uses. Here that one optional import is made to fail while
jsonschema loads (jsonschema expects and skips the ImportError), and the block is lifted
at once, so code that imports ``rfc3987_syntax`` itself later still gets it.

When jsonschema was imported before this module, nothing changes.
"""

from __future__ import annotations

import sys

__all__ = ["nbformat"]


def _import_nbformat():  # noqa: ANN202 - returns the module
    blocked = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import -> ImportError
    try:
        import nbformat as module
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return module


nbformat = _import_nbformat()
