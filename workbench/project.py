"""The project: one SQLite file holding transcripts, codebook, codings, memos and history.

``Project`` owns the connection and the two things every write needs: a transaction that waits
(boundedly) for other writers, and an action log so that every user action can be undone and
redone, even after a restart. Queries return the frozen records of ``workbench.model``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench.analysis.units import SPAN_UNITS, unit_rows
from workbench.analysis.units import enumerate_paragraphs as enumerate_paragraphs  # re-export
from workbench.errors import ProjectError, UnknownCodeError, UnknownDocumentError
from workbench.model import Case, Code, Coder, Coding, Document, Memo, Turn, Unit
from workbench.schema import SCHEMA_VERSION, migrations

DEFAULT_PROJECT = "workbench.db"
BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"
UNIT_KINDS = SPAN_UNITS  # the list lives in analysis.units; this name is kept for importers


def now() -> str:
    """A UTC timestamp in ISO 8601, the form stored in every ``*_at`` column."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_guid() -> str:
    """A GUID in the upper-case form REFI-QDA files use."""
    return str(uuid.uuid4()).upper()


def default_project_path() -> Path:
    return Path(os.environ.get("WORKBENCH_PROJECT") or DEFAULT_PROJECT)


class Project:
    """An open project file. Use ``Project.open(path)``; close it or use it as a context."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self._text_cache: dict[int, str] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Project:
        """Open (and migrate) the project at ``path``; create it when allowed and missing."""
        path = Path(path) if path is not None else default_project_path()
        if path.exists():
            if path.is_dir():
                raise ProjectError("is a directory, not a project file", source=str(path))
            if path.stat().st_size:
                with path.open("rb") as fh:
                    if fh.read(16) != SQLITE_HEADER:
                        raise ProjectError("not a workbench project (not SQLite)", source=str(path))
        elif not create:
            raise ProjectError(
                "no project here; run 'workbench import' or 'workbench demo' first", source=str(path)
            )
        try:
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"cannot open project: {exc}", source=str(path)) from exc
        project = cls(path, conn)
        project._migrate()
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
            if pending:
                self._retry_busy(lambda: migrations.apply(self.db))
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"cannot read project: {exc}", source=str(self.path)) from exc
        if self.schema_version() > SCHEMA_VERSION:
            raise ProjectError(
                f"written by a newer workbench (schema {self.schema_version()}); upgrade workbench",
                source=str(self.path),
            )

    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions

    @staticmethod
    def _retry_busy(fn, *, attempts: int = 5):
        """Run ``fn``; when SQLite stays locked past the busy timeout, retry a few times."""
        for attempt in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == attempts - 1:
                    raise ProjectError(
                        "the project is busy (another program keeps writing to it); try again"
                    ) from exc
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

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
        would be as large as the data; they are logged without their changes.
        """
        with self.transaction():
            recorder = ActionRecorder(self, undoable)
            yield recorder
            coder_id = self.coder_id(coder) if coder else None
            self.conn.execute("DELETE FROM actions WHERE undone = 1")
            self.conn.execute(
                "INSERT INTO actions (created_at, coder_id, kind, description, changes) "
                "VALUES (?, ?, ?, ?, ?)",
                (now(), coder_id, kind, description,
                 json.dumps(recorder.changes) if undoable else "null"),
            )

    def undo_barrier(self) -> str | None:
        """The description of the action undo cannot pass, when that is what comes next.

        Bulk actions (imports, merges) are logged without their changes. Undo stops at them
        rather than reaching past them: an older change undone under newer bulk data could
        break it (a code removed while imported codings use it).
        """
        row = self.conn.execute(
            "SELECT description, changes FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row is not None and row[1] == "null" else None

    def undo(self) -> str | None:
        """Undo the newest action; return its description, or None when there is none.

        None also when the newest action cannot be undone (see ``undo_barrier``).
        """
        row = self.conn.execute(
            "SELECT id, description, changes FROM actions WHERE undone = 0 "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None or row[2] == "null":
            return None
        with self.transaction():
            for change in reversed(json.loads(row[2])):
                self._apply_change(change, inverse=True)
            self.conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (row[0],))
        return row[1]

    def redo(self) -> str | None:
        """Redo the action undone last; return its description."""
        row = self.conn.execute(
            "SELECT id, description, changes FROM actions WHERE undone = 1 ORDER BY id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        with self.transaction():
            for change in json.loads(row[2]):
                self._apply_change(change, inverse=False)
            self.conn.execute("UPDATE actions SET undone = 0 WHERE id = ?", (row[0],))
        return row[1]

    def _apply_change(self, change: dict[str, Any], *, inverse: bool) -> None:
        table, op = change["table"], change["op"]
        if inverse:
            op = {"insert": "delete", "delete": "insert", "update": "update"}[op]
        if op == "insert":
            row = change["row"]
            cols = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            self.conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values()))
        elif op == "delete":
            self.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (change["row"]["id"],))
        else:
            values = change["before"] if inverse else change["after"]
            sets = ", ".join(f'"{c}" = ?' for c in values)
            self.conn.execute(
                f'UPDATE "{table}" SET {sets} WHERE id = ?', [*values.values(), change["id"]]
            )
        self._text_cache.clear()

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
            raise UnknownDocumentError(f"no document named {ref!r} in the project",
                                       source=str(self.path))
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
        return [Unit(document_id, kind, seq, start, end)
                for seq, start, end in unit_rows(self, document_id, kind)]

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

    _CODE_COLUMNS = ("id, guid, parent_id, name, colour, description, inclusion, exclusion, "
                     "keywords, examples, position, value")

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
        where, params = [], []
        for column, value in (("document_id", document_id), ("coder_id", coder_id),
                              ("code_id", code_id)):
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
        return [Coding(*r) for r in self.conn.execute(sql, params)]

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
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        cur = self.project.conn.execute(
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
        )
        if self.undoable:
            self.changes.append({"table": table, "op": "insert",
                                 "row": {"id": cur.lastrowid, **row}})
        return cur.lastrowid

    def delete(self, table: str, row_id: int) -> None:
        cur = self.project.conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
        values = cur.fetchone()
        if values is None:
            return
        columns = [d[0] for d in cur.description]
        self.project.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
        if self.undoable:
            self.changes.append({"table": table, "op": "delete",
                                 "row": dict(zip(columns, values, strict=True))})

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
            self.changes.append({"table": table, "op": "update", "id": row_id,
                                 "before": dict(zip(after, before, strict=True)), "after": after})


def _code_from_row(row: tuple, path: str) -> Code:
    return Code(
        id=row[0], guid=row[1], parent_id=row[2], name=row[3], path=path, colour=row[4],
        description=row[5], inclusion=row[6], exclusion=row[7],
        keywords=json.loads(row[8] or "{}"), examples=tuple(json.loads(row[9] or "[]")),
        position=row[10], value=row[11] if len(row) > 11 else None,
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
