"""The store: one SQLite file per project.

``project`` opens it (locks, busy retries, read-only) and runs the transactions;
``migrations`` holds the numbered schema steps; ``actionlog`` records every change so it can be
undone and redone; ``queries`` reads documents, codes, codings, cases and memos as the
dataclasses of ``model``; ``errors`` names what can go wrong. Nothing here knows about a
researcher's workflow: that is ``workbench.ops``.
"""

from __future__ import annotations

import sys


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without letting it import pandas.

    sqlite-utils imports pandas at import time whenever it is installed (the ``notebook``
    extra installs it), only to map ``pandas.Timestamp`` values to TEXT columns, which a
    project never stores through it. That import took 0.4 to 1.7 s on every command that
    opens a project. pandas is hidden for that one import unless it is loaded already, and
    loads as usual afterwards (``to_pandas()``).
    """
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # makes ``import pandas`` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        if sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]


_import_sqlite_utils()
