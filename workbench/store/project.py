"""The project: one SQLite file holding transcripts, codebook, codings, memos and history.

``Project`` owns the connection and the two things every write needs: a transaction that waits
(boundedly) for other writers, and an action log so that every user action can be undone and
redone, even after a restart. Queries return the frozen records of ``workbench.store.model``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench.analysis.units import SPAN_UNITS, unit_rows
from workbench.analysis.units import enumerate_paragraphs as enumerate_paragraphs  # re-export
from workbench.store.errors import ProjectError, UnknownCodeError, UnknownDocumentError
from workbench.store.migrations import SCHEMA_VERSION, migrations
from workbench.store.model import Case, Code, Coder, Coding, Document, Memo, Turn, Unit

DEFAULT_PROJECT = "workbench.db"
BUSY_TIMEOUT_MS = 10_000
#: how long a write may wait for the lock, all tries together, before "the project is busy"
MAX_WAIT = 50.0
#: interactive writes (the app) try for the lock this long at a time, so they can be cancelled
INTERACTIVE_BUSY_TIMEOUT = 0.25
#: batch commands wait this long in all before giving up
BATCH_MAX_WAIT = 300.0
SQLITE_HEADER = b"SQLite format 3\x00"
READ_ONLY_MESSAGE = "the project is open read-only; nothing was changed"
UNIT_KINDS = SPAN_UNITS  # the list lives in analysis.units; this name is kept for importers


def now() -> str:
    """A UTC timestamp in ISO 8601, the form stored in every ``*_at`` column."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_guid() -> str:
    """A GUID in the upper-case form REFI-QDA files use."""
    return str(uuid.uuid4()).upper()


def default_project_path() -> Path:
    return Path(os.environ.get("WORKBENCH_PROJECT") or DEFAULT_PROJECT)


class ProjectBusy(ProjectError):
    """Another program held the write lock for longer than this write would wait."""


class BusyCancelled(ProjectError):
    """The user stopped waiting for the write lock; nothing was written."""


def _writable(path: Path) -> bool:
    """Can this user write the file and create its ``-wal`` and ``-shm`` beside it?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, *, read_only: bool, busy_timeout: float) -> sqlite3.Connection:
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
                    "not a workbench project (not SQLite)", source=str(path)
                ) from None
            if n == len(targets):
                raise ProjectError(f"cannot open project: {exc}", source=str(path)) from exc
    raise AssertionError("unreachable")


class Project:
    """An open project file. Use ``Project.open(path)``; close it or use it as a context."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self.read_only = read_only
        #: the coder whose actions these are when a call names none (the app's current coder)
        self.acting_coder: str | None = None
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
            raise ProjectError("is a directory, not a project file", source=str(path))
        exists = path.exists()
        if not exists and (read_only or not create):
            raise ProjectError(
                "no project here; run 'workbench import' or 'workbench demo' first",
                source=str(path),
            )
        read_only = read_only or (exists and not _writable(path))
        conn = _connect(path, read_only=read_only, busy_timeout=busy_timeout)
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
                    "written by an older workbench and open read-only; open it once with write "
                    "access to upgrade it",
                    source=str(self.path),
                )
            if pending:
                self._retry_busy(lambda: migrations.apply(self.db))
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"cannot read project: {exc}", source=str(self.path)) from exc
        if self.schema_version() > SCHEMA_VERSION:
            raise ProjectError(
                f"written by a newer workbench (schema {self.schema_version()}); upgrade workbench",
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
                        "the project is busy (another program keeps writing to it); try again"
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

    @contextlib.contextmanager
    def action(
        self, kind: str, description: str, *, coder: str | None = None, undoable: bool = True
    ) -> Iterator[ActionRecorder]:
        """One user action: a transaction plus an entry in the action log.

        Writes made through the yielded recorder are logged so the action can be undone and
        redone later. ``undoable=False`` is for bulk actions (imports, merges) whose inverse
        would be as large as the data; they are logged without their changes. The action
        belongs to ``coder``, else to ``acting_coder`` (the app's coder), else to nobody.
        """
        coder = coder or self.acting_coder
        with self.transaction():
            recorder = ActionRecorder(self, undoable)
            yield recorder
            coder_id = self.coder_id(coder) if coder else None
            # a new action ends the redo history of its own coder only
            self.conn.execute("DELETE FROM actions WHERE undone = 1 AND coder_id IS ?", (coder_id,))
            self.conn.execute(
                "INSERT INTO actions (created_at, coder_id, kind, description, changes) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    now(),
                    coder_id,
                    kind,
                    description,
                    json.dumps(recorder.changes) if undoable else "null",
                ),
            )

    def _coder_filter(self, coder: str | None) -> tuple[str, tuple[Any, ...]] | None:
        """SQL and parameters selecting ``coder``'s actions; None when the coder never acted."""
        if coder is None:
            return "1", ()
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", (coder.strip(),)).fetchone()
        return None if row is None else ("coder_id = ?", (row[0],))

    def _next_undo(self, coder: str | None) -> tuple[int, str, str] | None:
        where = self._coder_filter(coder)
        if where is None:
            return None
        return self.conn.execute(
            f"SELECT id, description, changes FROM actions WHERE undone = 0 AND {where[0]} "
            "ORDER BY id DESC LIMIT 1",
            where[1],
        ).fetchone()

    def undo_barrier(self, coder: str | None = None) -> str | None:
        """The description of the action undo cannot pass, when that is what stops it.

        Bulk actions (imports, merges) are logged without their changes. Undo stops at them
        rather than reaching past them: an older change undone under newer bulk data could
        break it (a code removed while imported codings use it). This holds across coders:
        a coder's action older than anyone's import is not undone either.
        """
        row = self._next_undo(coder)
        if row is None:
            return None
        if row[2] == "null":
            return row[1]
        barrier = self.conn.execute(
            "SELECT description FROM actions WHERE undone = 0 AND changes = 'null' AND id > ? "
            "ORDER BY id DESC LIMIT 1",
            (row[0],),
        ).fetchone()
        return barrier[0] if barrier else None

    def undo(self, coder: str | None = None) -> str | None:
        """Undo ``coder``'s newest action (anyone's when None); return its description.

        None when there is nothing to undo, or when a bulk action stands in the way (see
        ``undo_barrier``). In a shared project a coder never undoes another coder's action;
        an action that other coders' later work depends on (a code they have since applied)
        is refused with one line and nothing changes.
        """
        row = self._next_undo(coder)
        if row is None or self.undo_barrier(coder) is not None:
            return None
        self._replay(row, inverse=True)
        return row[1]

    def redo(self, coder: str | None = None) -> str | None:
        """Redo ``coder``'s action undone last (anyone's when None); return its description.

        Undo takes a coder's actions back newest first, so the one undone last is the oldest
        still undone: redo replays that one, and the next redo the one after it.
        """
        where = self._coder_filter(coder)
        if where is None:
            return None
        row = self.conn.execute(
            f"SELECT id, description, changes FROM actions WHERE undone = 1 AND {where[0]} "
            "ORDER BY id LIMIT 1",
            where[1],
        ).fetchone()
        if row is None:
            return None
        self._replay(row, inverse=False)
        return row[1]

    def _replay(self, row: tuple[int, str, str], *, inverse: bool) -> None:
        """Apply one logged action backwards (undo) or forwards (redo), all or nothing."""
        changes = json.loads(row[2])
        try:
            with self.transaction():
                for change in reversed(changes) if inverse else changes:
                    self._apply_change(change, inverse=inverse)
                self.conn.execute(
                    "UPDATE actions SET undone = ? WHERE id = ?", (int(inverse), row[0])
                )
        except sqlite3.IntegrityError as exc:
            self._text_cache.clear()
            raise ProjectError(
                f"cannot {'undo' if inverse else 'redo'} '{row[1]}': later changes depend on it "
                f"({exc})"
            ) from None

    def _apply_change(self, change: dict[str, Any], *, inverse: bool) -> None:
        table, op = change["table"], change["op"]
        if inverse:
            op = {"insert": "delete", "delete": "insert", "update": "update"}[op]
        if op == "insert":
            row = change["row"]
            cols = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            self.conn.execute(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
            )
        elif op == "delete":
            self.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (change["row"]["id"],))
            if inverse:  # an insert taken back: its id stays reserved for a redo
                self._reserve_id(table, change["row"]["id"])
        else:
            values = change["before"] if inverse else change["after"]
            sets = ", ".join(f'"{c}" = ?' for c in values)
            self.conn.execute(
                f'UPDATE "{table}" SET {sets} WHERE id = ?', [*values.values(), change["id"]]
            )
        self._text_cache.clear()

    def _reserve_id(self, table: str, row_id: int) -> None:
        """Keep ``row_id`` of ``table`` from being handed out again (see ``fresh_id``)."""
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
            "value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            (f"reserved-id.{table}", str(row_id)),
        )

    def fresh_id(self, table: str) -> int | None:
        """An id for a new row of ``table`` that no undone action could want back.

        SQLite gives a new row the largest id plus one, so a row removed by undo would see
        its id reused, and redoing its insert would then collide. Ids up to the largest one
        taken back by undo stay reserved; None means SQLite's own choice is safe.
        """
        row = self.conn.execute(
            "SELECT value FROM settings WHERE key = ?", (f"reserved-id.{table}",)
        ).fetchone()
        if row is None:
            return None
        top = self.conn.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0
        return max(int(row[0]), top) + 1

    # --------------------------------------------------------------- settings

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def language(self) -> str:
        """The project's language for sentence splitting and suggestions (``en``, ``es``)."""
        return self.setting("language", "en") or "en"

    # ---------------------------------------------------------------- coders

    def coders(self) -> list[Coder]:
        return [Coder(*r) for r in self.conn.execute("SELECT id, name FROM coders ORDER BY name")]

    def coder_id(self, name: str, *, create: bool = True) -> int:
        """The id of coder ``name``, created on first use (coders are just names)."""
        name = name.strip()
        if not name:
            raise ProjectError("a coder needs a name")
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise ProjectError(f"no coder named {name!r}")
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO coders (name, created_at) VALUES (?, ?)", (name, now())
            )
        return cur.lastrowid

    def default_coder(self) -> str:
        return os.environ.get("WORKBENCH_CODER") or self.setting("coder") or "default"

    # ------------------------------------------------------------- documents

    _DOC_COLUMNS = "id, name, case_id, length, sha256, source_path, source_format, language"

    def documents(self) -> list[Document]:
        rows = self.conn.execute(f"SELECT {self._DOC_COLUMNS} FROM documents ORDER BY name")
        return [Document(*r) for r in rows]

    def document(self, ref: str | int) -> Document:
        """A document by id or by name."""
        if isinstance(ref, int):
            row = self.conn.execute(
                f"SELECT {self._DOC_COLUMNS} FROM documents WHERE id = ?", (ref,)
            ).fetchone()
        else:
            row = self.conn.execute(
                f"SELECT {self._DOC_COLUMNS} FROM documents WHERE name = ?", (ref,)
            ).fetchone()
        if row is None:
            raise UnknownDocumentError(
                f"no document named {ref!r} in the project", source=str(self.path)
            )
        return Document(*row)

    def text(self, document_id: int) -> str:
        text = self._text_cache.get(document_id)
        if text is None:
            row = self.conn.execute(
                "SELECT text FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            if row is None:
                raise UnknownDocumentError(f"no document with id {document_id}")
            text = row[0]
            if len(self._text_cache) > 32:
                self._text_cache.clear()
            self._text_cache[document_id] = text
        return text

    def turns(self, document_id: int) -> list[Turn]:
        rows = self.conn.execute(
            'SELECT id, document_id, seq, speaker, start, "end", time_start, time_end '
            "FROM turns WHERE document_id = ? ORDER BY seq",
            (document_id,),
        )
        return [Turn(*r) for r in rows]

    def units(self, document_id: int, kind: str) -> list[Unit]:
        """The spans analyses count over: sentences, turns, paragraphs or the whole document
        (read by ``analysis.units``, the one unit module)."""
        return [
            Unit(document_id, kind, seq, start, end)
            for seq, start, end in unit_rows(self, document_id, kind)
        ]

    # ----------------------------------------------------------------- cases

    def cases(self) -> list[Case]:
        attrs: dict[int, dict[str, object]] = {}
        for case_id, name, typ, value in self.conn.execute(
            "SELECT ca.case_id, a.name, a.type, ca.value FROM case_attributes ca "
            "JOIN attributes a ON a.id = ca.attribute_id"
        ):
            attrs.setdefault(case_id, {})[name] = typed_value(typ, value)
        return [
            Case(cid, name, attrs.get(cid, {}))
            for cid, name in self.conn.execute("SELECT id, name FROM cases ORDER BY name")
        ]

    def case_id(self, name: str, *, create: bool = True) -> int:
        row = self.conn.execute("SELECT id FROM cases WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise ProjectError(f"no case named {name!r}")
        with self.transaction():
            return self.conn.execute(
                "INSERT INTO cases (name, created_at) VALUES (?, ?)", (name, now())
            ).lastrowid

    # ----------------------------------------------------------------- codes

    def codes(self) -> list[Code]:
        """Every code, parents before children, siblings by position then name."""
        rows = self.conn.execute(
            f"SELECT {self._CODE_COLUMNS} FROM codes ORDER BY position, name"
        ).fetchall()
        children: dict[int | None, list[tuple]] = {}
        for row in rows:
            children.setdefault(row[2], []).append(row)
        result: list[Code] = []
        stack: list[tuple[tuple, str]] = [(r, r[3]) for r in reversed(children.get(None, []))]
        while stack:
            row, path = stack.pop()
            result.append(_code_from_row(row, path))
            for child in reversed(children.get(row[0], [])):
                stack.append((child, f"{path}/{child[3]}"))
        return result

    _CODE_COLUMNS = (
        "id, guid, parent_id, name, colour, description, inclusion, exclusion, "
        "keywords, examples, position, value"
    )

    def code(self, path: str) -> Code:
        """A code by its path, ``Group/Subcode``: one indexed lookup per level of the path."""
        wanted = normalise_path(path)
        parent_id = 0
        for name in wanted.split("/"):
            row = self.conn.execute(
                "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ? AND name = ?",
                (parent_id, name),
            ).fetchone()
            if row is None:
                raise UnknownCodeError(f"no code {path!r} in the codebook", source=str(self.path))
            parent_id = row[0]
        return self.code_by_id(parent_id)

    def code_by_id(self, code_id: int) -> Code:
        row = self.conn.execute(
            f"SELECT {self._CODE_COLUMNS} FROM codes WHERE id = ?", (code_id,)
        ).fetchone()
        if row is None:
            raise UnknownCodeError(f"no code with id {code_id}")
        names, parent, seen = [row[3]], row[2], {code_id}
        while parent is not None and parent not in seen:
            seen.add(parent)
            up = self.conn.execute(
                "SELECT name, parent_id FROM codes WHERE id = ?", (parent,)
            ).fetchone()
            if up is None:
                break
            names.append(up[0])
            parent = up[1]
        return _code_from_row(row, "/".join(reversed(names)))

    # --------------------------------------------------------------- codings

    def codings(
        self,
        *,
        document_id: int | None = None,
        coder_id: int | None = None,
        code_id: int | None = None,
    ) -> list[Coding]:
        return list(self.iter_codings(document_id=document_id, coder_id=coder_id, code_id=code_id))

    def iter_codings(
        self,
        *,
        document_id: int | None = None,
        coder_id: int | None = None,
        code_id: int | None = None,
    ) -> Iterator[Coding]:
        """The codings in document and offset order, one at a time (memory stays flat)."""
        where, params = [], []
        for column, value in (
            ("document_id", document_id),
            ("coder_id", coder_id),
            ("code_id", code_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = (
            'SELECT id, document_id, code_id, coder_id, start, "end", created_at, source, guid '
            "FROM codings"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += ' ORDER BY document_id, start, "end", id'
        cursor = self.conn.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            for r in batch:
                yield Coding(*r)

    # ----------------------------------------------------------------- memos

    def memos(self, target_type: str | None = None, target_id: int | None = None) -> list[Memo]:
        sql = "SELECT id, target_type, target_id, text, coder_id, title FROM memos"
        params: list[Any] = []
        if target_type is not None:
            sql += " WHERE target_type = ?"
            params.append(target_type)
            if target_id is not None:
                sql += " AND target_id = ?"
                params.append(target_id)
        return [Memo(*r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    # ---------------------------------------------------------- done marks

    def done_documents(self, coder_id: int) -> set[int]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT document_id FROM document_status WHERE coder_id = ? AND done = 1",
                (coder_id,),
            )
        }


class ActionRecorder:
    """Writes rows and remembers each change so the action can be undone and redone."""

    def __init__(self, project: Project, undoable: bool):
        self.project = project
        self.undoable = undoable
        self.changes: list[dict[str, Any]] = []

    def insert(self, table: str, row: dict[str, Any]) -> int:
        if "id" not in row and (fresh := self.project.fresh_id(table)) is not None:
            row = {"id": fresh, **row}
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        cur = self.project.conn.execute(
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
        )
        if self.undoable:
            self.changes.append(
                {"table": table, "op": "insert", "row": {**row, "id": cur.lastrowid}}
            )
        return cur.lastrowid

    def delete(self, table: str, row_id: int) -> None:
        cur = self.project.conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
        values = cur.fetchone()
        if values is None:
            return
        columns = [d[0] for d in cur.description]
        self.project.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
        if self.undoable:
            self.changes.append(
                {"table": table, "op": "delete", "row": dict(zip(columns, values, strict=True))}
            )

    def update(self, table: str, row_id: int, **after: Any) -> None:
        cols = ", ".join(f'"{c}"' for c in after)
        cur = self.project.conn.execute(f'SELECT {cols} FROM "{table}" WHERE id = ?', (row_id,))
        before = cur.fetchone()
        if before is None:
            return
        sets = ", ".join(f'"{c}" = ?' for c in after)
        self.project.conn.execute(
            f'UPDATE "{table}" SET {sets} WHERE id = ?', [*after.values(), row_id]
        )
        if self.undoable:
            self.changes.append(
                {
                    "table": table,
                    "op": "update",
                    "id": row_id,
                    "before": dict(zip(after, before, strict=True)),
                    "after": after,
                }
            )


def _code_from_row(row: tuple, path: str) -> Code:
    return Code(
        id=row[0],
        guid=row[1],
        parent_id=row[2],
        name=row[3],
        path=path,
        colour=row[4],
        description=row[5],
        inclusion=row[6],
        exclusion=row[7],
        keywords=json.loads(row[8] or "{}"),
        examples=tuple(json.loads(row[9] or "[]")),
        position=row[10],
        value=row[11] if len(row) > 11 else None,
    )


def normalise_path(path: str) -> str:
    """``" Group / Sub "`` -> ``"Group/Sub"``: code paths compare without stray spaces."""
    return "/".join(part.strip() for part in path.strip().strip("/").split("/"))


def typed_value(typ: str, value: str | None) -> object:
    """Read a stored attribute value back through its declared type."""
    if value is None or value == "":
        return None
    if typ == "integer":
        return int(value)
    if typ == "float":
        return float(value)
    if typ == "boolean":
        return value.lower() in ("1", "true", "yes")
    return value
