"""The project: one SQLite file holding transcripts, codebook, codings, memos and history.

``Project`` owns the connection and the two things every write needs: a transaction that waits
(boundedly) for other writers, and an action log so that every user action can be undone and
redone, even after a restart (``workbench.store.actionlog``). Its reads live in
``workbench.store.queries`` and return the frozen records of ``workbench.store.model``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from workbench.i18n import _
from workbench.store.actionlog import ActionLog
from workbench.store.connection import (
    BUSY_TIMEOUT_MS,
    MAX_WAIT,
    READ_ONLY_MESSAGE,
    connect,
    default_project_path,
    writable,
)
from workbench.store.errors import ProjectBusy, ProjectError
from workbench.store.migrations import SCHEMA_VERSION, migrations
from workbench.store.queries import Queries


class Project(ActionLog, Queries):
    """An open project file. Use ``Project.open(path)``; close it or use it as a context."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self.read_only = read_only
        #: the coder whose actions these are when a call names none (the app's current coder)
        self.acting_coder: str | None = None
        #: the signed-in person whose role ``workbench.ops.permissions`` checks before every
        #: operation (None: the person at the keyboard, who owns the file)
        self.user: str | None = None
        self.busy_timeout = BUSY_TIMEOUT_MS / 1000
        self.max_wait = MAX_WAIT
        #: called with the seconds waited so far each time a try at the write lock times out;
        #: it may raise (``BusyCancelled``) to give up, or report the wait to the user
        self.on_busy: Callable[[float], None] | None = None
        self._text_cache: dict[int, str] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        busy_timeout: float = BUSY_TIMEOUT_MS / 1000,
        max_wait: float = MAX_WAIT,
    ) -> Project:
        """Open (and migrate) the project at ``path``; create it when allowed and missing.

        The file is never opened, read or copied outside SQLite: POSIX locks belong to the
        process, so closing any descriptor of ours on the file would drop the locks SQLite
        holds for every other connection of this process (see docs/reliability.md). Whether
        the file is SQLite at all is found out by SQLite reading it.

        A file this user cannot write opens read-only, as does any file with ``read_only``.
        ``busy_timeout`` is how long one try at the write lock waits; ``max_wait`` bounds
        all tries together (``on_busy`` hears of each failed try).
        """
        path = Path(path) if path is not None else default_project_path()
        if path.is_dir():
            raise ProjectError(_("is a directory, not a project file"), source=str(path))
        exists = path.exists()
        if not exists and (read_only or not create):
            raise ProjectError(
                _("no project here; run 'workbench import' or 'workbench demo' first"),
                source=str(path),
            )
        read_only = read_only or (exists and not writable(path))
        conn = connect(path, read_only=read_only, busy_timeout=busy_timeout)
        project = cls(path, conn, read_only=read_only)
        project.busy_timeout = busy_timeout
        project.max_wait = max_wait
        try:
            project._migrate()
        except BaseException:
            conn.close()
            raise
        return project

    @classmethod
    def memory(cls) -> Project:
        """A throwaway in-memory project, for tests and previews."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        project = cls(Path(":memory:"), conn)
        project._migrate()
        return project

    def _migrate(self) -> None:
        try:
            pending = migrations.pending(self.db)
            if pending and self.read_only:
                raise ProjectError(
                    _(
                        "written by an older workbench and open read-only; open it once with write "
                        "access to upgrade it"
                    ),
                    source=str(self.path),
                )
            if pending:
                self._retry_busy(lambda: migrations.apply(self.db))
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                _("cannot read project: {exc}").format(exc=exc), source=str(self.path)
            ) from exc
        if self.schema_version() > SCHEMA_VERSION:
            raise ProjectError(
                _(
                    "written by a newer workbench (schema {schema_version}); upgrade workbench"
                ).format(schema_version=self.schema_version()),
                source=str(self.path),
            )

    def set_busy_timeout(self, seconds: float) -> None:
        """How long one try at the write lock waits (the app keeps it short)."""
        self.busy_timeout = seconds
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions

    def _retry_busy(self, fn):
        """Run ``fn``; while SQLite stays locked past one try's busy timeout, try again.

        Between tries ``on_busy`` hears how long we have waited (the app shows it and lets the
        user cancel; batch commands say they are waiting). Past ``max_wait`` the write gives up
        with one clear line and nothing changed.
        """
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                waited = time.monotonic() - started
                if waited >= self.max_wait:
                    raise ProjectBusy(
                        _("the project is busy (another program keeps writing to it); try again")
                    ) from exc
                if self.on_busy is not None:
                    self.on_busy(waited)
                attempt += 1
                time.sleep(min(0.05 * attempt, 0.5))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Project]:
        """One all-or-nothing write. Nested calls become savepoints.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers queue on the busy
        timeout instead of failing half-way when a read lock cannot be upgraded.
        """
        if self.conn.in_transaction:
            name = f"sp_{uuid.uuid4().hex}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        if self.read_only:
            raise ProjectError(READ_ONLY_MESSAGE, source=str(self.path))
        self._retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._text_cache.clear()
            raise
        self._retry_busy(lambda: self.conn.execute("COMMIT"))
