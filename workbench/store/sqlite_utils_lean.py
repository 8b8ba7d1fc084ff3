"""sqlite-utils, imported without pulling in pandas.

``sqlite_utils.db`` imports pandas at import time whenever it is installed, only to map
``pandas.Timestamp`` to a TEXT column when a table is created from Python values. The project
never creates tables that way (its schema is SQL, in ``migrations``), but pandas arrives with
the optional ``gamma`` extra, and importing it added about 175 ms to every command that opens
a project (``python -X importtime -m workbench documents``). So the first import of
sqlite-utils here hides pandas for its duration: Python's import system treats a ``None`` in
``sys.modules`` as "not installed". Once pandas is loaded (by gamma, a test, a notebook) this
changes nothing, and pandas imports normally afterwards.

It runs when ``workbench.store`` is first imported, on the importing thread, before any
worker thread exists: nothing else can be importing pandas in that moment.
"""

from __future__ import annotations

import sys

_HIDDEN = "pandas"


def _import_sqlite_utils_without_pandas() -> None:
    if "sqlite_utils.db" in sys.modules or _HIDDEN in sys.modules:
        return  # already imported (with whatever it found), or pandas is loaded anyway
    sys.modules[_HIDDEN] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        if sys.modules.get(_HIDDEN, "") is None:
            del sys.modules[_HIDDEN]


_import_sqlite_utils_without_pandas()

from sqlite_utils import Database, Migrations  # noqa: E402

__all__ = ["Database", "Migrations"]
