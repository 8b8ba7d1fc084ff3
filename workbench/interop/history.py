"""Suggestions, review decisions and the action history in the ``.qdpx`` extension file.

REFI-QDA has no place for a project's suggestions (with who accepted or rejected them and
when), the team's reconciliation decisions, or the undo history. They travel in
``workbench/extension.json`` (``workbench.interop.extension``) beside what other tools read,
so our own round trip restores them and other tools never see them:

- ``suggestions``: every stored suggestion, with its document and code by GUID, the coder who
  decided it by name and the coding it became by GUID;
- ``reconcile_decisions``: every decision taken on a disagreement, its document by GUID;
- ``history``: every entry of the action log in order (when, whose, what, undone or not)
  with its row changes, each row id and foreign key written as the row's identity (a GUID, a
  name, or the columns a unique index holds) rather than as an id, which another project
  numbers differently. A row no longer in the project (a deleted coding an undo would bring
  back) is written ``{"absent": id}`` and gets an id of its own on import, reserved so that
  nothing else takes it before the undo does.

The history is restored into a new project only: merged into another project's history it
would undo that project's work. A history naming a table this version cannot identify rows
of is left out as a whole, with a note (half a history would undo the wrong things).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from workbench.i18n import _
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.project import Project

#: how a row of each table is identified across projects: its identity columns
IDENTITY: dict[str, tuple[str, ...]] = {
    "documents": ("guid",),
    "codes": ("guid",),
    "codings": ("guid",),
    "memos": ("guid",),
    "coders": ("name",),
    "cases": ("name",),
    "attributes": ("name",),
    "suggestions": ("document_id", "code_id", "start", "end"),
    "reconcile_decisions": ("consensus", "document_id", "unit", "start", "end", "code"),
}
#: a memo's ``target_id`` names a row of the table its ``target_type`` says
MEMO_TARGETS = {"document": "documents", "code": "codes", "coding": "codings"}
KEYS = ("suggestions", "reconcile_decisions", "history")


class Unportable(WorkbenchError):
    """A history row names a table whose rows have no identity across projects."""


class Identities:
    """Row ids of one project <-> identities that hold in any project (see the module)."""

    def __init__(self, project: Project) -> None:
        self.conn = project.conn
        self._fks: dict[str, dict[str, str]] = {}
        self._by_id: dict[str, dict[int, Any]] = {}
        self._by_key: dict[str, dict[str, int]] = {}
        self.memo_types: dict[int, str] = dict(
            self.conn.execute("SELECT id, target_type FROM memos")
        )
        self.allocated: dict[str, int] = {}

    def foreign_keys(self, table: str) -> dict[str, str]:
        """Column -> the table it points to, from the schema itself."""
        if table not in self._fks:
            rows = self.conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
            self._fks[table] = {r[3]: r[2] for r in rows}
        return self._fks[table]

    # ------------------------------------------------------------------ export: id -> key

    def key(self, table: str, row_id: int | None) -> Any:
        """The identity of row ``row_id`` of ``table`` (``{"absent": id}`` when it is gone)."""
        if row_id is None:
            return None
        if table not in IDENTITY:
            raise Unportable(
                _("rows of {table!r} have no identity across projects").format(table=table)
            )
        if table not in self._by_id:
            columns = ", ".join(f'"{c}"' for c in IDENTITY[table])
            self._by_id[table] = {
                r[0]: self._identity(table, r[1:])
                for r in self.conn.execute(f'SELECT id, {columns} FROM "{table}"')
            }
        found = self._by_id[table].get(row_id)
        return {"absent": row_id} if found is None else found

    def _identity(self, table: str, values: Iterable[Any]) -> Any:
        parts = []
        fks = self.foreign_keys(table)
        for column, value in zip(IDENTITY[table], values, strict=True):
            parts.append(self.key(fks[column], value) if column in fks else value)
        return parts[0] if len(parts) == 1 else parts

    def portable(self, table: str, values: dict[str, Any], memo_id: int | None = None) -> dict:
        """``values`` (a row, or the columns an update set) with every id as an identity."""
        fks = self.foreign_keys(table)
        out = dict(values)
        for column, value in values.items():
            if column == "id":
                out[column] = self.key(table, value)
            elif column in fks:
                out[column] = self.key(fks[column], value)
            elif table == "memos" and column == "target_id":
                memo = memo_id or values.get("id")
                kind = values.get("target_type") or (
                    self.memo_types.get(memo) if memo is not None else None
                )
                out[column] = self.key(MEMO_TARGETS[kind], value) if kind in MEMO_TARGETS else value
        return out

    # ------------------------------------------------------------------ import: key -> id

    def local(self, table: str, key: Any, *, fresh: bool = True) -> int | None:
        """The id in this project of the row with identity ``key``. For ``{"absent": ...}``
        and rows this project does not have: a fresh, reserved id (None unless ``fresh``)."""
        if key is None:
            return None
        if table not in IDENTITY:
            raise Unportable(
                _("rows of {table!r} have no identity across projects").format(table=table)
            )
        if not isinstance(key, dict):
            if table not in self._by_key:
                columns = ", ".join(f'"{c}"' for c in IDENTITY[table])
                self._by_key[table] = {
                    text(self._identity(table, r[1:])): r[0]
                    for r in self.conn.execute(f'SELECT id, {columns} FROM "{table}"')
                }
            found = self._by_key[table].get(text(key))
            if found is not None:
                return found
        return self._fresh(table, text(key)) if fresh else None

    def _fresh(self, table: str, token: str) -> int:
        """One new id per missing row, above every id the table has or has reserved."""
        slot = f"{table}\0{token}"
        if slot not in self.allocated:
            top = self.conn.execute(f'SELECT ifnull(max(id), 0) FROM "{table}"').fetchone()[0]
            reserved = self.conn.execute(
                "SELECT value FROM settings WHERE key = ?", (f"reserved-id.{table}",)
            ).fetchone()
            taken = [v for k, v in self.allocated.items() if k.startswith(table + "\0")]
            self.allocated[slot] = max([top, int(reserved[0]) if reserved else 0, *taken]) + 1
        return self.allocated[slot]

    def local_values(self, table: str, values: dict[str, Any], memo_id: Any = None) -> dict:
        """``portable`` turned back: identities as this project's ids."""
        fks = self.foreign_keys(table)
        out = dict(values)
        for column, value in values.items():
            if column == "id":
                out[column] = self.local(table, value)
            elif column in fks:
                out[column] = self.local(fks[column], value)
            elif table == "memos" and column == "target_id":
                kind = values.get("target_type") or self.memo_types.get(memo_id)
                out[column] = (
                    self.local(MEMO_TARGETS[kind], value) if kind in MEMO_TARGETS else value
                )
        return out


# ------------------------------------------------------------------------------ export


def text(key: Any) -> str:
    """An identity as one comparable text."""
    return json.dumps(key, sort_keys=True)


def collect(project: Project) -> dict[str, Any]:
    """The suggestions, reconciliation decisions and history of ``project``, portable."""
    ids = Identities(project)
    out: dict[str, Any] = {
        "suggestions": [_row(ids, "suggestions", r) for r in _rows(project, "suggestions")],
        "reconcile_decisions": [
            _row(ids, "reconcile_decisions", r) for r in _rows(project, "reconcile_decisions")
        ],
    }
    try:
        out["history"] = _history(project, ids)
    except Unportable as exc:
        out["history"] = None
        out["history_note"] = exc.reason
    return out


def _rows(project: Project, table: str) -> list[dict[str, Any]]:
    cur = project.conn.execute(f'SELECT * FROM "{table}" ORDER BY id')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _row(ids: Identities, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with its foreign keys as identities; its own ``id`` kept as a wish for a new
    project (a coding's source ``suggestion:ID`` names it)."""
    out = ids.portable(table, {k: v for k, v in row.items() if k != "id"})
    return {"id": row["id"], **out}


def _history(project: Project, ids: Identities) -> list[dict[str, Any]]:
    actions = []
    rows = project.conn.execute(
        "SELECT a.created_at, c.name, a.kind, a.description, a.changes, a.undone "
        "FROM actions a LEFT JOIN coders c ON c.id = a.coder_id ORDER BY a.id"
    ).fetchall()
    for row in rows:  # memos named only by the history still need their target type
        for change in json.loads(row[4]) or []:
            if change["table"] == "memos" and "row" in change:
                ids.memo_types.setdefault(change["row"]["id"], change["row"]["target_type"])
    for created, coder, kind, description, changes, undone in rows:
        parsed = json.loads(changes)
        actions.append(
            {
                "created_at": created,
                "coder": coder,
                "kind": kind,
                "description": description,
                "undone": bool(undone),
                "changes": None if parsed is None else [_change(ids, c) for c in parsed],
            }
        )
    return actions


def _change(ids: Identities, change: dict[str, Any]) -> dict[str, Any]:
    table = change["table"]
    if change["op"] in ("insert", "delete"):
        return {**change, "row": ids.portable(table, change["row"])}
    return {
        **change,
        "id": ids.key(table, change["id"]),
        "before": ids.portable(table, change["before"], memo_id=change["id"]),
        "after": ids.portable(table, change["after"], memo_id=change["id"]),
    }


# ------------------------------------------------------------------------------ checking


def check(ext: dict[str, Any], source: str) -> None:
    """The shapes of the three parts, checked before anything is written."""

    def require(ok: bool, what: str) -> None:
        if not ok:
            raise InputFileError(
                _("malformed workbench extension: {what}").format(what=what),
                source=source,
                place="workbench/extension.json",
            )

    for key in ("suggestions", "reconcile_decisions"):
        rows = ext.setdefault(key, [])
        require(isinstance(rows, list), _("{key!r} is not a list").format(key=key))
        require(
            all(isinstance(r, dict) for r in rows),
            _("an item of {key!r} is not an object").format(key=key),
        )
    history = ext.setdefault("history", None)
    require(history is None or isinstance(history, list), _("'history' is not a list"))
    for action in history or []:
        require(
            isinstance(action, dict)
            and isinstance(action.get("kind"), str)
            and isinstance(action.get("description"), str)
            and isinstance(action.get("created_at"), str)
            and (action.get("coder") is None or isinstance(action["coder"], str))
            and (action.get("changes") is None or isinstance(action["changes"], list)),
            _("an action of 'history' is not {fields}").format(
                fields="{created_at, coder, kind, description, changes}"
            ),
        )
        for change in action.get("changes") or []:
            require(
                isinstance(change, dict)
                and change.get("op") in ("insert", "delete", "update")
                and change.get("table") in IDENTITY
                and (
                    isinstance(change.get("row"), dict)
                    if change["op"] != "update"
                    else isinstance(change.get("before"), dict)
                    and isinstance(change.get("after"), dict)
                ),
                _("a change of 'history' is not a row change of a known table"),
            )


# ------------------------------------------------------------------------------ import


def restore(project: Project, ext: dict[str, Any], *, merge: bool) -> list[str]:
    """Put the extension's suggestions, decisions and (new projects only) history into
    ``project``; return notes for the import report. Runs inside the import's transaction."""
    notes: list[str] = []
    ids = Identities(project)
    added = _restore_rows(project, ids, "suggestions", ext.get("suggestions") or [], merge)
    _restore_rows(project, ids, "reconcile_decisions", ext.get("reconcile_decisions") or [], merge)
    if added < len(ext.get("suggestions") or []):
        notes.append(
            _(
                "{n} suggestion(s) already in the project or on codes and documents it lacks "
                "were left out"
            ).format(n=len(ext["suggestions"]) - added)
        )
    if ext.get("history_note"):
        notes.append(_("the undo history was not exported: {why}").format(why=ext["history_note"]))
    history = ext.get("history")
    if history and merge:
        notes.append(_("the undo history of the imported project was not merged into this one"))
    elif history:
        ids = Identities(project)  # the suggestions are in: identify them too
        _restore_history(project, ids, history)
    return notes


def _restore_rows(
    project: Project, ids: Identities, table: str, rows: list[dict[str, Any]], merge: bool
) -> int:
    """Insert the rows whose document and code are here and whose identity is not; a new
    project keeps each row's original id (a coding's source ``suggestion:ID`` names it)."""
    columns = {r[1] for r in project.conn.execute(f'PRAGMA table_info("{table}")')}
    fks = ids.foreign_keys(table)
    present = {text(ids.key(table, i)) for (i,) in project.conn.execute(f"SELECT id FROM {table}")}
    added = 0
    for row in rows:
        values = {k: v for k, v in row.items() if k in columns and k != "id"}
        identity = text(_identity_of(table, values))
        if identity in present:
            continue
        local: dict[str, Any] = {}
        for column, value in values.items():
            if column not in fks or value is None:
                local[column] = value
            elif fks[column] == "coders" and isinstance(value, str):
                local[column] = project.coder_id(value)
            else:
                local[column] = ids.local(fks[column], value, fresh=False)
        if local.get("document_id") is None or local.get("code_id", 0) is None:
            continue  # it belongs to a document or code the project does not have
        wanted = row.get("id")
        if not merge and isinstance(wanted, int) and not _taken(project, table, wanted):
            local["id"] = wanted
        _insert(project, table, local)
        present.add(identity)
        added += 1
    return added


def _taken(project: Project, table: str, row_id: int) -> bool:
    return (
        project.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()
        is not None
    )


def _insert(project: Project, table: str, row: dict[str, Any]) -> None:
    """One row, refused as a malformed extension when it does not fit the table."""
    _check_values(project, table, row)
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    try:
        project.conn.execute(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values())
        )
    except sqlite3.Error as exc:
        raise InputFileError(
            _("malformed workbench extension: a row of {table!r} does not fit ({error})").format(
                table=table, error=exc
            ),
            place="workbench/extension.json",
        ) from None


def _check_values(project: Project, table: str, values: dict[str, Any]) -> None:
    """Every column a real one of ``table`` and every value a plain one: a history is
    replayed by undo into SQL, so a made-up column name must never reach it."""
    columns = {r[1] for r in project.conn.execute(f'PRAGMA table_info("{table}")')}
    for column, value in values.items():
        if column not in columns or not (value is None or isinstance(value, str | int | float)):
            raise InputFileError(
                _(
                    "malformed workbench extension: {table}.{column} = {value!r} is not a value "
                    "of a column of the table"
                ).format(table=table, column=column, value=value),
                place="workbench/extension.json",
            )


def _identity_of(table: str, values: dict[str, Any]) -> Any:
    parts = [values.get(c) for c in IDENTITY[table]]
    return parts[0] if len(parts) == 1 else parts


def _restore_history(project: Project, ids: Identities, history: list[dict[str, Any]]) -> None:
    """Append the actions after the import's own entry, so undo reaches them as it would
    have in the exported project; ids the history needs for rows that are gone stay
    reserved."""
    for action in history:
        for change in action.get("changes") or []:
            if change["table"] == "memos" and change["op"] != "update":
                kind = change["row"].get("target_type")
                local = ids.local("memos", change["row"].get("id"))
                if local is not None and kind:
                    ids.memo_types.setdefault(local, kind)
    for action in history:
        changes = action.get("changes")
        local_changes = (
            None if changes is None else [_local_change(project, ids, c) for c in changes]
        )
        coder = action.get("coder")
        project.conn.execute(
            "INSERT INTO actions (created_at, coder_id, kind, description, changes, undone) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                action["created_at"],
                project.coder_id(coder) if coder else None,
                action["kind"],
                action["description"],
                json.dumps(local_changes) if local_changes is not None else "null",
                int(bool(action.get("undone"))),
            ),
        )
    for slot, row_id in ids.allocated.items():
        project._reserve_id(slot.split("\0")[0], row_id)


def _local_change(project: Project, ids: Identities, change: dict[str, Any]) -> dict[str, Any]:
    table = change["table"]
    if change["op"] in ("insert", "delete"):
        row = ids.local_values(table, change["row"])
        _check_values(project, table, row)
        return {"table": table, "op": change["op"], "row": row}
    row_id = ids.local(table, change["id"])
    before = ids.local_values(table, change["before"], memo_id=row_id)
    after = ids.local_values(table, change["after"], memo_id=row_id)
    for values in (before, after):
        _check_values(project, table, values)
    return {"table": table, "op": "update", "id": row_id, "before": before, "after": after}
