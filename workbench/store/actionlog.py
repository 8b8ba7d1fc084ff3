"""The action log: every user action recorded so it can be undone and redone, even after a restart.

``ActionLog`` is the part of ``Project`` that writes through an ``ActionRecorder`` and replays
the log backwards (undo) and forwards (redo), per coder. Bulk actions (imports, merges) are
logged without their changes and stop undo (``undo_barrier``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from workbench.i18n import _
from workbench.store.anchors import TEXT_EDIT_KIND
from workbench.store.connection import inserted_id, now
from workbench.store.errors import ProjectError


class ActionLog:
    """Undo and redo for ``Project`` (a mixin: it uses the project's connection and transactions)."""

    # what the mixin uses of ``Project``, declared for the type checker
    conn: sqlite3.Connection
    acting_coder: str | None
    _text_cache: dict[int, str]

    if TYPE_CHECKING:

        def transaction(self) -> contextlib.AbstractContextManager[Any]: ...

        def coder_id(self, name: str, *, create: bool = True) -> int: ...

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
            if kind == TEXT_EDIT_KIND:
                # an undone action of anyone holds positions in the text before this edit
                self.conn.execute("DELETE FROM actions WHERE undone = 1")
            else:
                # a new action ends the redo history of its own coder only
                self.conn.execute(
                    "DELETE FROM actions WHERE undone = 1 AND coder_id IS ?", (coder_id,)
                )
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

    def _coder_filter(
        self, coder: str | None, also: Sequence[str] = ()
    ) -> tuple[str, tuple[Any, ...]] | None:
        """SQL and parameters selecting ``coder``'s actions, and anyone's of the kinds
        ``also``; None when the coder never acted and no such kind is asked for."""
        if coder is None:
            return "1", ()
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", (coder.strip(),)).fetchone()
        kinds = ("(kind IN (SELECT value FROM json_each(?)))", (json.dumps(list(also)),))
        if row is None:
            return kinds if also else None
        if not also:
            return "coder_id = ?", (row[0],)
        return f"(coder_id = ? OR {kinds[0]})", (row[0], *kinds[1])

    def _next_undo(
        self, coder: str | None, also: Sequence[str] = ()
    ) -> tuple[int, str, str, str] | None:
        where = self._coder_filter(coder, also)
        if where is None:
            return None
        return self.conn.execute(
            f"SELECT id, description, changes, kind FROM actions WHERE undone = 0 AND {where[0]} "
            "ORDER BY id DESC LIMIT 1",
            where[1],
        ).fetchone()

    def _later_work(self, action_id: int) -> str | None:
        """The description of a live action newer than ``action_id``, by anyone.

        A text edit moves every position in its document; work done after it is positioned
        on the edited text, so the edit can be undone (or redone) only while nothing came after.
        """
        row = self.conn.execute(
            "SELECT description FROM actions WHERE undone = 0 AND id > ? ORDER BY id LIMIT 1",
            (action_id,),
        ).fetchone()
        return row[0] if row else None

    def undo_barrier(self, coder: str | None = None, also: Sequence[str] = ()) -> str | None:
        """The description of the action undo cannot pass, when that is what stops it.

        Bulk actions (imports, merges) are logged without their changes. Undo stops at them
        rather than reaching past them: an older change undone under newer bulk data could
        break it (a code removed while imported codings use it). This holds across coders:
        a coder's action older than anyone's import is not undone either. Text edits stop undo
        the same way (older records hold positions in the text before the edit), and a text
        edit itself is undone only while no one has worked after it.
        """
        found = self._barrier(coder, also)
        return found[0] if found else None

    def undo_refusal(self, coder: str | None = None, also: Sequence[str] = ()) -> str | None:
        """Why undo stops (one line for the user), or None when it does not."""
        from workbench.i18n import _

        found = self._barrier(coder, also)
        if found is None:
            return None
        what, why = found
        if why == "edited":
            return _(
                "cannot undo '{what}': work was done on the text after it (restore a backup "
                "instead)"
            ).format(what=what)
        if why == "edit":
            return _(
                "cannot undo past '{what}': older changes hold positions in the text before "
                "that edit"
            ).format(what=what)
        return _(
            "cannot undo '{what}': imports and merges are not undoable (restore a backup instead)"
        ).format(what=what)

    def _barrier(self, coder: str | None, also: Sequence[str] = ()) -> tuple[str, str] | None:
        """(description, why) of what stops undo: ``bulk``, ``edit`` (a newer text edit) or
        ``edited`` (a text edit with work after it)."""
        row = self._next_undo(coder, also)
        if row is None:
            return None
        if row[2] == "null":
            return row[1], "bulk"
        if row[3] == TEXT_EDIT_KIND and self._later_work(row[0]) is not None:
            return row[1], "edited"
        barrier = self.conn.execute(
            "SELECT description, kind FROM actions WHERE undone = 0 AND id > ? "
            "AND (changes = 'null' OR kind = ?) ORDER BY id DESC LIMIT 1",
            (row[0], TEXT_EDIT_KIND),
        ).fetchone()
        if barrier is None:
            return None
        return barrier[0], ("edit" if barrier[1] == TEXT_EDIT_KIND else "bulk")

    def undo(self, coder: str | None = None, also: Sequence[str] = ()) -> str | None:
        """Undo ``coder``'s newest action (anyone's when None), or anyone's newer action of
        a kind in ``also``; return its description.

        None when there is nothing to undo, or when a bulk action stands in the way (see
        ``undo_barrier``). In a shared project a coder never undoes another coder's action;
        an action that other coders' later work depends on (a code they have since applied)
        is refused with one line and nothing changes.
        """
        row = self._next_undo(coder, also)
        if row is None or self.undo_barrier(coder, also) is not None:
            return None
        self._replay(row[:3], inverse=True)
        return row[1]

    def redo(self, coder: str | None = None, also: Sequence[str] = ()) -> str | None:
        """Redo ``coder``'s action undone last (anyone's when None; and anyone's of a kind in
        ``also``); return its description.

        Undo takes a coder's actions back newest first, so the one undone last is the oldest
        still undone: redo replays that one, and the next redo the one after it.
        """
        where = self._coder_filter(coder, also)
        if where is None:
            return None
        row = self.conn.execute(
            f"SELECT id, description, changes, kind FROM actions WHERE undone = 1 "
            f"AND {where[0]} ORDER BY id LIMIT 1",
            where[1],
        ).fetchone()
        if row is None:
            return None
        if row[3] == TEXT_EDIT_KIND and (later := self._later_work(row[0])) is not None:
            raise ProjectError(
                f"cannot redo '{row[1]}': '{later}' was done on the text since it was undone"
            )
        self._replay(row[:3], inverse=False)
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
                (
                    _("cannot undo '{action}': later changes depend on it ({exc})")
                    if inverse
                    else _("cannot redo '{action}': later changes depend on it ({exc})")
                ).format(action=row[1], exc=exc)
            ) from None

    def _apply_change(self, change: dict[str, Any], *, inverse: bool) -> None:
        table, op = change["table"], change["op"]
        if op == "updates":
            self._apply_updates(change, inverse=inverse)
            return
        if inverse:
            op = {"insert": "delete", "delete": "insert", "update": "update"}[op]
        if op == "insert":
            row = change["row"]
            cols = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _unused in row)
            self.conn.execute(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
            )
        elif op == "delete":
            key = change.get("key", ["id"])
            self.conn.execute(
                f'DELETE FROM "{table}" WHERE {key_where(key)}', [change["row"][k] for k in key]
            )
            if inverse and key == ["id"]:  # an insert taken back: its id stays reserved
                self._reserve_id(table, change["row"]["id"])
        else:
            values = change["before"] if inverse else change["after"]
            sets = ", ".join(f'"{c}" = ?' for c in values)
            if "key" in change:
                where, params = key_where(list(change["key"])), list(change["key"].values())
            else:
                where, params = "id = ?", [change["id"]]
            self.conn.execute(
                f'UPDATE "{table}" SET {sets} WHERE {where}', [*values.values(), *params]
            )
        self._text_cache.clear()

    def _apply_updates(self, change: dict[str, Any], *, inverse: bool) -> None:
        """Replay a compact ``updates`` record (``record_updates``) in one statement."""
        key, columns = change["key"], change["columns"]
        n, m = len(key), len(columns)
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        values = (
            [(*row[n : n + m], *row[:n]) for row in change["rows"]]
            if inverse
            else [(*row[n + m :], *row[:n]) for row in change["rows"]]
        )
        self.conn.executemany(
            f'UPDATE "{change["table"]}" SET {sets} WHERE {key_where(key)}', values
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

        SQLite gives a new row the largest id plus one, so a row removed by undo (or by an
        undoable delete) would see its id reused, and redoing its insert (or undoing the
        delete) would then collide. Ids up to the largest one
        taken back by undo stay reserved; None means SQLite's own choice is safe.
        """
        row = self.conn.execute(
            "SELECT value FROM settings WHERE key = ?", (f"reserved-id.{table}",)
        ).fetchone()
        if row is None:
            return None
        top = self.conn.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0
        return max(int(row[0]), top) + 1


class ActionRecorder:
    """Writes rows and remembers each change so the action can be undone and redone."""

    def __init__(self, project: ActionLog, undoable: bool):
        self.project = project
        self.undoable = undoable
        self.changes: list[dict[str, Any]] = []

    def insert(self, table: str, row: dict[str, Any]) -> int:
        if "id" not in row and (fresh := self.project.fresh_id(table)) is not None:
            row = {"id": fresh, **row}
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _unused in row)
        cur = self.project.conn.execute(
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
        )
        row_id = inserted_id(cur)
        if self.undoable:
            self.changes.append({"table": table, "op": "insert", "row": {**row, "id": row_id}})
        return row_id

    def delete(self, table: str, row_id: Any, *, key: tuple[str, ...] = ("id",)) -> None:
        """Delete one row, found by ``key`` (``id``; a virtual table's ``rowid``; or several
        columns, ``row_id`` then being a tuple of their values)."""
        params = list(row_id) if len(key) > 1 else [row_id]
        where = key_where(key)
        picked = "*" if key == ("id",) else ", ".join(f'"{k}" AS "{k}"' for k in key) + ", *"
        cur = self.project.conn.execute(f'SELECT {picked} FROM "{table}" WHERE {where}', params)
        values = cur.fetchone()
        if values is None:
            return
        columns = [d[0] for d in cur.description]
        self.project.conn.execute(f'DELETE FROM "{table}" WHERE {where}', params)
        if self.undoable:
            if key == ("id",):
                # a new row must not take this id, or undoing the delete could not put it back
                self.project._reserve_id(table, row_id)
            change: dict[str, Any] = {
                "table": table,
                "op": "delete",
                "row": dict(zip(columns, values, strict=False)),
            }
            if key != ("id",):
                change["key"] = list(key)
            self.changes.append(change)

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

    def record_updates(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]],
        *,
        key: tuple[str, ...] = ("id",),
    ) -> None:
        """Update many rows at once: ``(row key, values before, values after)`` each."""
        if rows:
            keys, before, after = zip(*rows, strict=True)
            self.record_columns(table, columns, list(keys), list(before), list(after), key=key)

    def record_columns(
        self,
        table: str,
        columns: tuple[str, ...],
        keys: list[Any],
        before: list[Any],
        after: list[Any],
        *,
        key: tuple[str, ...] = ("id",),
    ) -> None:
        """``record_updates`` given column-wise: the keys, and each row's values before and
        after (sequences in ``columns`` order).

        The caller has read the values before (a text edit moves thousands of rows), so no
        row is read again, and the log keeps one compact record for all of them.
        """
        if not keys:
            return
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        key_columns = list(zip(*keys, strict=True)) if len(key) > 1 else [keys]
        self.project.conn.executemany(
            f'UPDATE "{table}" SET {sets} WHERE {key_where(key)}',
            zip(*zip(*after, strict=True), *key_columns, strict=True),
        )
        if not self.undoable:
            return
        # one record: [key..., before..., after...] per row
        self.changes.append(
            {
                "table": table,
                "op": "updates",
                "key": list(key),
                "columns": list(columns),
                "rows": list(
                    zip(
                        *key_columns,
                        *zip(*before, strict=True),
                        *zip(*after, strict=True),
                        strict=True,
                    )
                ),
            }
        )


def key_where(key: tuple[str, ...] | list[str]) -> str:
    """``"a" = ? AND "b" = ?`` for the key columns (``rowid`` unquoted: it is no column)."""
    return " AND ".join(("rowid = ?" if k == "rowid" else f'"{k}" = ?') for k in key)
