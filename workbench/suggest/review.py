"""Reviewing stored suggestions: list them, accept one into a coding, reject one for good.

This is the core API the CLI and the TUI share. Accepting and rejecting are each one undoable
action: accept inserts a coding whose ``source`` is ``suggestion:<id>`` and marks the suggestion
accepted with the new coding's id; reject marks it rejected. A rejected suggestion keeps its row,
and because (document, code, start, end) is unique, ``suggest run`` never proposes it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.i18n import _
from workbench.ops.duplicates import refuse_duplicate
from workbench.permissions import acting_name, coder_for, require
from workbench.store.connection import new_guid, now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.owner import owner_id, suggestion_owner

ORDERS = ("position", "uncertainty", "score")
STATUSES = ("open", "accepted", "rejected", "all")


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    document_id: int
    document: str
    code_id: int
    code: str
    start: int
    end: int
    score: float
    suggester: str
    reason: str
    status: str
    coder: str | None
    coding_id: int | None
    created_at: str
    decided_at: str | None

    @property
    def uncertainty(self) -> float:
        """1 at a score of 0.5 (the model cannot tell), 0 at 0 or 1."""
        return 1.0 - 2.0 * abs(self.score - 0.5)


_SELECT = (
    's.id, s.document_id, d.name, s.code_id, s.start, s."end", s.score, s.suggester, s.reason, '
    "s.status, c.name, s.coding_id, s.created_at, s.decided_at FROM suggestions s "
    "JOIN documents d ON d.id = s.document_id LEFT JOIN coders c ON c.id = s.coder_id"
)


def _rows_to_suggestions(project: Project, rows: list[tuple]) -> list[Suggestion]:
    paths = {c.id: c.path for c in project.codes()}
    return [
        Suggestion(
            r[0],
            r[1],
            r[2],
            r[3],
            paths.get(r[3], "?"),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
        )
        for r in rows
    ]


def list_suggestions(
    project: Project,
    document: str | int | None = None,
    *,
    order: str = "position",
    status: str = "open",
    code: str | None = None,
) -> list[Suggestion]:
    """Suggestions (open by default) of one document or all, by position or by uncertainty.

    ``position``: document name, then start. ``uncertainty``: scores nearest 0.5 first (the
    review queue: the ones a decision teaches the model most about). ``score``: highest first.
    """
    if order not in ORDERS:
        raise WorkbenchError(
            _("unknown order {order!r}; use {items}").format(order=order, items=", ".join(ORDERS))
        )
    if status not in STATUSES:
        raise WorkbenchError(
            _("unknown status {status!r}; use {items}").format(
                status=status, items=", ".join(STATUSES)
            )
        )
    where: list[str] = []
    params: list[Any] = []
    if document is not None:
        where.append("s.document_id = ?")
        params.append(project.document(document).id)
    if status != "all":
        where.append("s.status = ?")
        params.append(status)
    clause, args = _owner_clause(project)
    where.append(clause)
    params.extend(args)
    if code is not None:
        where.append("s.code_id = ?")
        params.append(project.code(code).id)
    sql = "SELECT " + _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += {
        "position": ' ORDER BY d.name, s.start, s."end", s.id',
        "uncertainty": " ORDER BY abs(s.score - 0.5), d.name, s.start, s.id",
        "score": " ORDER BY s.score DESC, d.name, s.start, s.id",
    }[order]
    return _rows_to_suggestions(project, project.conn.execute(sql, params).fetchall())


def _owner_clause(project: Project) -> tuple[str, list[int | None]]:
    """The suggestions the acting user works with: a coder's own under blind coding, else
    the team's plus their own (kept from a time of blind coding)."""
    owner = suggestion_owner(project)
    if owner is not None:
        return "s.for_coder_id IS ?", [owner_id(project, owner)]
    me = owner_id(project, acting_name(project))
    return "(s.for_coder_id IS NULL OR s.for_coder_id IS ?)", [me]


def get_suggestion(project: Project, suggestion_id: int) -> Suggestion:
    clause, args = _owner_clause(project)
    rows = project.conn.execute(
        "SELECT " + _SELECT + " WHERE s.id = ? AND " + clause, (suggestion_id, *args)
    ).fetchall()
    if not rows:
        raise WorkbenchError(
            _("no suggestion with id {suggestion_id}").format(suggestion_id=suggestion_id),
            source=str(project.path),
        )
    return _rows_to_suggestions(project, rows)[0]


def _open(project: Project, suggestion_id: int) -> Suggestion:
    s = get_suggestion(project, suggestion_id)
    if s.status != "open":
        raise WorkbenchError(
            _("suggestion {suggestion_id} was {status} already").format(
                suggestion_id=suggestion_id, status=s.status
            ),
            source=str(project.path),
        )
    return s


def accept(
    project: Project,
    suggestion_id: int,
    coder: str | None = None,
    *,
    start: int | None = None,
    end: int | None = None,
) -> int:
    """Turn an open suggestion into a coding for ``coder``; return the coding id.

    ``start``/``end`` let the reviewer trim the span first (the TUI's resize before accept).
    """
    coder = coder_for(project, coder)
    require(project, "suggest.decide", owner=coder)
    require(project, "coding.apply", owner=coder)
    s = _open(project, suggestion_id)
    start = s.start if start is None else start
    end = s.end if end is None else end
    doc = project.document(s.document_id)
    if not 0 <= start < end <= doc.length:
        raise WorkbenchError(
            _("span [{start}, {end}) is outside the text (0 to {length}) or empty").format(
                start=start, end=end, length=doc.length
            ),
            source=doc.name,
        )
    coder_id = project.coder_id(coder)
    with project.action(
        "suggestion",
        _("accept suggestion {id}: {code} in {document} [{start}, {end})").format(
            id=s.id, code=s.code, document=s.document, start=start, end=end
        ),
        coder=coder,
    ) as act:
        refuse_duplicate(project, (s.document_id, s.code_id, coder_id, start, end))
        coding_id = act.insert(
            "codings",
            {
                "guid": new_guid(),
                "document_id": s.document_id,
                "code_id": s.code_id,
                "coder_id": coder_id,
                "start": start,
                "end": end,
                "source": f"suggestion:{s.id}",
                "created_at": now(),
            },
        )
        act.update(
            "suggestions",
            s.id,
            status="accepted",
            coder_id=coder_id,
            coding_id=coding_id,
            decided_at=now(),
        )
    return coding_id


def reject(project: Project, suggestion_id: int, coder: str | None = None) -> None:
    """Reject an open suggestion; the same span and code is never suggested again."""
    coder = coder_for(project, coder)
    require(project, "suggest.decide", owner=coder)
    s = _open(project, suggestion_id)
    coder_id = project.coder_id(coder)
    with project.action(
        "suggestion",
        _("reject suggestion {id}: {code} in {document} [{start}, {end})").format(
            id=s.id, code=s.code, document=s.document, start=s.start, end=s.end
        ),
        coder=coder,
    ) as act:
        act.update("suggestions", s.id, status="rejected", coder_id=coder_id, decided_at=now())


def reject_all(
    project: Project, document: str | int, code: str | int, coder: str | None = None
) -> int:
    """Reject every open suggestion of ``code`` in ``document`` as one undoable action (the
    reviewer's "not this code here"); return how many. Each rejection teaches the model."""
    coder = coder_for(project, coder)
    require(project, "suggest.decide", owner=coder)
    doc = project.document(document)
    target = project.code_by_id(code) if isinstance(code, int) else project.code(code)
    clause, args = _owner_clause(project)
    ids = [
        r[0]
        for r in project.conn.execute(
            "SELECT s.id FROM suggestions s WHERE s.document_id = ? AND s.code_id = ? "
            "AND s.status = 'open' AND " + clause + " ORDER BY s.start",
            (doc.id, target.id, *args),
        )
    ]
    if not ids:
        return 0
    coder_id = project.coder_id(coder)
    stamp = now()
    with project.action(
        "suggestion",
        _("reject {n_ids} suggestion(s) of {path} in {name}").format(
            n_ids=len(ids), path=target.path, name=doc.name
        ),
        coder=coder,
    ) as act:
        for sid in ids:
            act.update("suggestions", sid, status="rejected", coder_id=coder_id, decided_at=stamp)
    return len(ids)


def suggestion_rows(project: Project, items: Sequence[Suggestion]) -> list[dict[str, Any]]:
    """One row per suggestion with its text, as ``workbench suggest list`` prints them (the
    score rounded to three places)."""
    return [
        {
            "id": s.id,
            "document": s.document,
            "start": s.start,
            "end": s.end,
            "code": s.code,
            "score": round(s.score, 3),
            "suggester": s.suggester,
            "reason": s.reason,
            "status": s.status,
            "coder": s.coder,
            "coding_id": s.coding_id,
            "text": project.text(s.document_id)[s.start : s.end],
        }
        for s in items
    ]
