"""Reading a project: settings, coders, documents, turns, units, cases, codes, codings, memos.

``Queries`` is the part of ``Project`` that reads; each query returns the frozen records of
``workbench.store.model``. Writes belong to the operations (``workbench.ops``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.i18n import _
from workbench.store.connection import inserted_id, now
from workbench.store.errors import ProjectError, UnknownCodeError, UnknownDocumentError
from workbench.store.model import Case, Code, Coder, Coding, Document, Memo, Turn, Unit
from workbench.textnorm import enumerate_paragraphs


class Queries:
    """The reads of ``Project`` (a mixin: it uses the project's connection and transactions)."""

    # what the mixin uses of ``Project``, declared for the type checker
    conn: sqlite3.Connection
    path: Path
    _text_cache: dict[int, str]

    if TYPE_CHECKING:

        def transaction(self) -> contextlib.AbstractContextManager[Any]: ...

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
        return [
            Coder(*r) for r in self.conn.execute("SELECT id, name, model FROM coders ORDER BY name")
        ]

    def coder_id(self, name: str, *, create: bool = True) -> int:
        """The id of coder ``name``, created on first use (coders are just names)."""
        name = name.strip()
        if not name:
            raise ProjectError(_("a coder needs a name"))
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise ProjectError(_("no coder named {name!r}").format(name=name))
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO coders (name, created_at) VALUES (?, ?)", (name, now())
            )
        return inserted_id(cur)

    def default_coder(self) -> str:
        """The signed-in user (``Project.user``), else $WORKBENCH_CODER, else the last coder."""
        user = getattr(self, "user", None)
        return user or os.environ.get("WORKBENCH_CODER") or self.setting("coder") or "default"

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
                _("no document named {ref!r} in the project").format(ref=ref), source=str(self.path)
            )
        return Document(*row)

    def text(self, document_id: int) -> str:
        text = self._text_cache.get(document_id)
        if text is None:
            row = self.conn.execute(
                "SELECT text FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            if row is None:
                raise UnknownDocumentError(
                    _("no document with id {document_id}").format(document_id=document_id)
                )
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
        (``workbench.analysis.units`` is the unit model built on these rows)."""
        return [
            Unit(document_id, kind, seq, start, end)
            for seq, start, end in self.unit_rows(document_id, kind)
        ]

    def unit_rows(self, document_id: int, kind: str) -> list[tuple[int, int, int]]:
        """``(seq, start, end)`` of the document's units of ``kind``, in order.

        Sentences and turns are stored at import; paragraphs are found in the text; the
        ``document`` unit is the whole text. Which kinds a command accepts, and the error for
        the others, belong to ``analysis.units.check_unit``.
        """
        if kind in ("sentence", "turn"):
            table = "sentences" if kind == "sentence" else "turns"
            return self.conn.execute(
                f'SELECT seq, start, "end" FROM {table} WHERE document_id = ? ORDER BY seq',
                (document_id,),
            ).fetchall()
        if kind == "paragraph":
            return list(enumerate_paragraphs(self.text(document_id)))
        if kind == "document":
            return [(0, 0, self.document(document_id).length)]
        raise ProjectError(_("no stored unit {kind!r}").format(kind=kind))

    # ----------------------------------------------------------------- cases

    def cases(self) -> list[Case]:
        with self.reading():  # type: ignore[attr-defined]
            return self._cases()

    def _cases(self) -> list[Case]:
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
            raise ProjectError(_("no case named {name!r}").format(name=name))
        with self.transaction():
            return inserted_id(
                self.conn.execute(
                    "INSERT INTO cases (name, created_at) VALUES (?, ?)", (name, now())
                )
            )

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
                raise UnknownCodeError(
                    _("no code {path!r} in the codebook").format(path=path), source=str(self.path)
                )
            parent_id = row[0]
        return self.code_by_id(parent_id)

    def code_by_id(self, code_id: int) -> Code:
        row = self.conn.execute(
            f"SELECT {self._CODE_COLUMNS} FROM codes WHERE id = ?", (code_id,)
        ).fetchone()
        if row is None:
            raise UnknownCodeError(_("no code with id {code_id}").format(code_id=code_id))
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
        sql = "SELECT id, target_type, target_id, text, coder_id, title, reply_to FROM memos"
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


def typed_value(typ: str, value: str | None) -> str | int | float | bool | None:
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
