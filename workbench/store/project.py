"""The project: one SQLite file holding transcripts, codebook, codings, memos and history.

``Project`` owns the connection and the two things every write needs: a transaction that waits
(boundedly) for other writers, and an action log so that every user action can be undone and
redone, even after a restart (``workbench.store.actionlog``). Its reads live in
``workbench.store.queries`` and return the frozen records of ``workbench.store.model``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

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
from workbench.store.sqlite_utils_lean import Database

P = ParamSpec("P")
R = TypeVar("R")

T = TypeVar("T")


class Project(ActionLog, Queries):
    """An open project file. Use ``Project.open(path)``; close it or use it as a context."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self.read_only = read_only
        #: the coder whose actions these are when a call names none (the app's current coder)
        self.acting_coder: str | None = None
        #: the signed-in person whose role ``workbench.permissions`` checks before every
        #: operation (None: the person at the keyboard, who owns the file)
        self.user: str | None = None
        self.busy_timeout = BUSY_TIMEOUT_MS / 1000
        self.max_wait = MAX_WAIT
        #: called with the seconds waited so far each time a try at the write lock times out;
        #: it may raise (``BusyCancelled``) to give up, or report the wait to the user
        self.on_busy: Callable[[float], None] | None = None
        self._text_cache: dict[int, str] = {}
        #: the thread inside ``reading()`` (a read transaction holding one snapshot) and the
        #: thread inside ``transaction()``: the app shares this connection between its screen
        #: and the worker that waits for a busy project, so they take turns (see ``reading``)
        self._reader: int | None = None
        self._writer: int | None = None
        self._turns = threading.Condition()

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

    def _retry_busy(self, fn: Callable[[], T]) -> T:
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
    def reading(self) -> Iterator[Project]:
        """One snapshot for a read that spans several statements.

        A listing that reads the coders' names, then the codings, in two statements sees two
        states of a project others are writing to: a coding by a coder who arrived in
        between has no name (``workbench codings`` failed with ``KeyError``), a report counts
        codings of codes it did not list. Inside ``reading()`` every statement reads the
        state as of its first one (a deferred read transaction in WAL mode: writers go on
        and are not blocked). Nested calls, and calls inside a write, share the outer one.
        A write may not start inside a read snapshot: it would write on a stale state.
        """
        me = threading.get_ident()
        with self._turns:
            if self._reader == me or self._writer is not None or self.conn.in_transaction:
                # nested, inside a write, or another thread is writing on this connection (the
                # app's waiting worker): read beside it, never wait for it on the screen
                owner = False
            else:
                self._reader, owner = me, True
        if not owner:
            yield self
            return
        try:
            self.conn.execute("BEGIN")  # deferred: the first read fixes the snapshot
            yield self
        finally:
            try:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")  # nothing was written: this ends the snapshot
            finally:
                with self._turns:
                    self._reader = None
                    self._turns.notify_all()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Project]:
        """One all-or-nothing write. Nested calls become savepoints.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers queue on the busy
        timeout instead of failing half-way when a read lock cannot be upgraded.
        """
        me = threading.get_ident()
        if self._reader == me:
            raise RuntimeError("a write inside a read snapshot (Project.reading)")
        with self._turns:  # a screen's read in progress ends in milliseconds: wait for it
            self._turns.wait_for(lambda: self._reader is None)
            outer = self._writer is None
            if outer:
                self._writer = me
        try:
            with self._write() as project:
                yield project
        finally:
            if outer:
                with self._turns:
                    self._writer = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Project]:
        """``transaction``'s body, under the project's lock."""
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


def read_snapshot(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn(project, ...)`` inside ``project.reading()``; a generator keeps the snapshot
    until it is exhausted or closed. Every multi-statement reader of the core wears it."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: P.args, **kwargs: P.kwargs) -> Iterator[Any]:
            with _project_of(args, kwargs).reading():
                yield from fn(*args, **kwargs)

        return stream  # type: ignore[return-value]

    @functools.wraps(fn)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        with _project_of(args, kwargs).reading():
            return fn(*args, **kwargs)

    return read


def _project_of(args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
    """The project a reader was given; a call without one (a rule checked before any read)
    runs without a snapshot."""
    project = args[0] if args else kwargs.get("project")
    return project if isinstance(project, Project) else _NoProject()


class _NoProject:
    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        yield None
