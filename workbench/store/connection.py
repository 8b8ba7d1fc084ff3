"""Opening the project file: one SQLite connection set up for workbench, and the store's clock.

Only SQLite touches the file (see docs/reliability.md): a connection in WAL mode with foreign
keys, full sync and a busy timeout; read-only opens fall back to ``immutable=1`` on read-only
media. The timeouts below bound how long a write waits for another writer.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

from workbench.i18n import _
from workbench.store.errors import ProjectError

DEFAULT_PROJECT = "workbench.db"
BUSY_TIMEOUT_MS = 10_000
#: how long a write may wait for the lock, all tries together, before "the project is busy"
MAX_WAIT = 50.0
#: interactive writes (the app) try for the lock this long at a time, so they can be cancelled
INTERACTIVE_BUSY_TIMEOUT = 0.25
#: batch commands wait this long in all before giving up
BATCH_MAX_WAIT = 300.0
READ_ONLY_MESSAGE = "the project is open read-only; nothing was changed"


def now() -> str:
    """A UTC timestamp in ISO 8601, the form stored in every ``*_at`` column."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_guid() -> str:
    """A GUID in the upper-case form REFI-QDA files use."""
    return str(uuid.uuid4()).upper()


def default_project_path() -> Path:
    return Path(os.environ.get("WORKBENCH_PROJECT") or DEFAULT_PROJECT)


def writable(path: Path) -> bool:
    """Can this user write the file and create its ``-wal`` and ``-shm`` beside it?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect(path: Path, *, read_only: bool, busy_timeout: float) -> sqlite3.Connection:
    """A connection set up for workbench: WAL, foreign keys, full sync, a busy timeout.

    Only SQLite touches the file: reading ``sqlite_master`` is what finds a file that is not
    SQLite at all. Read-only opens use ``mode=ro``; an archived copy whose folder cannot hold
    the ``-shm`` file (read-only media) falls back to ``immutable=1``.
    """
    uri = path.resolve().as_uri()
    targets = [f"{uri}?mode=ro", f"{uri}?mode=ro&immutable=1"] if read_only else [f"{uri}?mode=rwc"]
    for n, target in enumerate(targets, 1):
        conn = sqlite3.connect(
            target, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode.lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc):
                raise ProjectError(
                    _("not a workbench project (not SQLite)"), source=str(path)
                ) from None
            if n == len(targets):
                raise ProjectError(
                    _("cannot open project: {exc}").format(exc=exc), source=str(path)
                ) from exc
    raise AssertionError("unreachable")
