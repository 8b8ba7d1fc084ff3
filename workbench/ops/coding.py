"""Coding operations: apply, remove, change and resize codings; memos; done marks.

Each function is one user action (one transaction, one undoable entry in the action log), so the
CLI, the TUI and scripts all get the same guarantees from the same call.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.i18n import _
from workbench.ops.duplicates import refuse_duplicate
from workbench.permissions import (
    acting_name,
    coder_for,
    coding_owner,
    memo_owner,
    require,
    visible_coder_ids,
)
from workbench.store.connection import new_guid, now
from workbench.store.errors import ProjectError, WorkbenchError
from workbench.store.model import Memo
from workbench.store.project import Project


def _check_span(project: Project, document_id: int, start: int, end: int) -> None:
    length = project.document(document_id).length
    if not (0 <= start < end <= length):
        raise WorkbenchError(
            _("span [{start}, {end}) is outside the text (0 to {length}) or empty").format(
                start=start, end=end, length=length
            ),
            source=project.document(document_id).name,
        )


def apply_code(
    project: Project,
    document: str | int,
    code_path: str,
    start: int,
    end: int,
    *,
    coder: str | None = None,
    source: str = "manual",
    memo: str | None = None,
) -> int:
    """Code ``[start, end)`` of ``document`` with ``code_path``; return the new coding's id.

    ``memo`` attaches a memo to the new coding in the same action, so one undo removes both.
    The same code on the same span by the same coder is refused (``refuse_duplicate``).
    """
    coder = coder_for(project, coder)
    require(project, "coding.apply", owner=coder)
    doc = project.document(document)
    code = project.code(code_path)
    _check_span(project, doc.id, start, end)
    coder_id = project.coder_id(coder)
    with project.action(
        "apply",
        _("apply {path} to {name} [{start}, {end})").format(
            path=code.path, name=doc.name, start=start, end=end
        ),
        coder=coder,
    ) as act:
        refuse_duplicate(project, (doc.id, code.id, coder_id, start, end))
        stamp = now()
        coding_id = act.insert(
            "codings",
            {
                "guid": new_guid(),
                "document_id": doc.id,
                "code_id": code.id,
                "coder_id": coder_id,
                "start": start,
                "end": end,
                "source": source,
                "created_at": stamp,
            },
        )
        if memo:
            act.insert(
                "memos",
                {
                    "guid": new_guid(),
                    "target_type": "coding",
                    "target_id": coding_id,
                    "coder_id": coder_id,
                    "title": None,
                    "text": memo,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        return coding_id


def apply_new_code(
    project: Project,
    document: str | int,
    code_path: str,
    start: int,
    end: int,
    *,
    coder: str | None = None,
) -> tuple[int, int]:
    """Create the code ``code_path`` and code ``[start, end)`` with it, as one action: one
    undo takes back both (in-vivo and quick codes). Returns (code id, coding id)."""
    from workbench.ops.codes import add_code

    coder = coder_for(project, coder)
    require(project, "coding.apply", owner=coder)
    require(project, "codebook.edit")
    doc = project.document(document)
    _check_span(project, doc.id, start, end)
    coder_id = project.coder_id(coder)
    path = "/".join(p.strip() for p in code_path.strip().strip("/").split("/"))
    with project.action(
        "apply",
        _("create {path} and apply it to {name} [{start}, {end})").format(
            path=path, name=doc.name, start=start, end=end
        ),
        coder=coder,
    ) as act:
        code = add_code(project, path, recorder=act)
        coding_id = act.insert(
            "codings",
            {
                "guid": new_guid(),
                "document_id": doc.id,
                "code_id": code.id,
                "coder_id": coder_id,
                "start": start,
                "end": end,
                "source": "manual",
                "created_at": now(),
            },
        )
    return code.id, coding_id


def in_vivo_name(text: str, longest: int = 60) -> str:
    """A code name from selected words: one line, no slash, no surrounding punctuation,
    cut at a word to ``longest`` characters."""
    name = " ".join(text.replace("/", " ").split()).strip(" .,;:!?¿¡\"'“”‘’()[]…-")
    if len(name) > longest:
        cut = name.rfind(" ", 0, longest)
        name = name[: cut if cut > 0 else longest].rstrip(" .,;:")
    return name


def _coding_row(project: Project, coding_id: int) -> tuple:
    row = project.conn.execute(
        'SELECT id, document_id, code_id, coder_id, start, "end" FROM codings WHERE id = ?',
        (coding_id,),
    ).fetchone()
    if row is None:
        raise ProjectError(_("no coding with id {coding_id}").format(coding_id=coding_id))
    return row


def describe_coding(project: Project, coding_id: int) -> str:
    """``Group/Code in DOC [start, end)``: how undo messages name a coding (not by its id)."""
    row = _coding_row(project, coding_id)
    code = project.code_by_id(row[2])
    return f"{code.path} in {project.document(row[1]).name} [{row[4]}, {row[5]})"


def _describe_target(project: Project, target_type: str, target_id: int | None) -> str:
    """What a memo is attached to, in words."""
    try:
        if target_type == "document" and target_id is not None:
            return project.document(target_id).name
        if target_type == "code" and target_id is not None:
            return project.code_by_id(target_id).path
        if target_type == "coding" and target_id is not None:
            return describe_coding(project, target_id)
    except WorkbenchError:
        pass
    return "the project" if target_type == "project" else f"{target_type} {target_id or ''}"


def remove_coding(project: Project, coding_id: int) -> None:
    """Delete one coding and the memos attached to it (its coder's, or the lead's to do)."""
    what = describe_coding(project, coding_id)
    require(project, "coding.edit", owner=coding_owner(project, coding_id))
    with project.action("remove", _("remove {what}").format(what=what)) as act:
        for memo in project.memos("coding", coding_id):
            act.delete("memos", memo.id)
        act.delete("codings", coding_id)


def remove_codings(
    project: Project,
    document: str | int,
    code_path: str,
    start: int,
    end: int,
    *,
    coder: str | None = None,
) -> int:
    """Remove the codings of ``code_path`` by ``coder`` that lie within ``[start, end)``."""
    coder = coder_for(project, coder)
    require(project, "coding.edit", owner=coder)
    doc = project.document(document)
    code = project.code(code_path)
    coder_id = project.coder_id(coder)
    ids = [
        r[0]
        for r in project.conn.execute(
            "SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? "
            'AND start >= ? AND "end" <= ?',
            (doc.id, code.id, coder_id, start, end),
        )
    ]
    if not ids:
        raise WorkbenchError(
            _("no coding of {path} within [{start}, {end}) by this coder").format(
                path=code.path, start=start, end=end
            ),
            source=doc.name,
        )
    with project.action(
        "remove", _("remove {n_ids} coding(s) of {path}").format(n_ids=len(ids), path=code.path)
    ) as act:
        for coding_id in ids:
            for memo in project.memos("coding", coding_id):
                act.delete("memos", memo.id)
            act.delete("codings", coding_id)
    return len(ids)


def change_code(project: Project, coding_id: int, code_path: str) -> None:
    """Give a coding another code; refused when its coder already has that code there."""
    row = _coding_row(project, coding_id)
    what = describe_coding(project, coding_id)
    require(project, "coding.edit", owner=coding_owner(project, coding_id))
    code = project.code(code_path)
    with project.action(
        "recode", _("change {what} to {path}").format(what=what, path=code.path)
    ) as act:
        refuse_duplicate(project, (row[1], code.id, row[3], row[4], row[5]), besides=coding_id)
        act.update("codings", coding_id, code_id=code.id)


def resize_coding(project: Project, coding_id: int, start: int, end: int) -> None:
    """Give a coding another extent; refused when its coder already coded that extent with
    the same code."""
    row = _coding_row(project, coding_id)
    require(project, "coding.edit", owner=coding_owner(project, coding_id))
    _check_span(project, row[1], start, end)
    what = describe_coding(project, coding_id)
    with project.action(
        "resize", _("resize {what} to [{start}, {end})").format(what=what, start=start, end=end)
    ) as act:
        refuse_duplicate(project, (row[1], row[2], row[3], start, end), besides=coding_id)
        act.update("codings", coding_id, start=start, end=end)


def add_memo(
    project: Project,
    target_type: str,
    target_id: int | None,
    text: str,
    *,
    coder: str | None = None,
    title: str | None = None,
    reply_to: int | None = None,
) -> int:
    """Attach a memo to the project, a document, a code or a coding.

    The target must exist (``check_memo_target``): a memo on nothing would make ``check``
    report the project as damaged. ``reply_to`` answers another memo (on the same target):
    nobody edits someone else's memo, they reply to it. A signed-in user writes as
    themselves.
    """
    coder = coder or acting_name(project)
    require(project, "memo.add", owner=coder)
    check_memo_target(project, target_type, target_id)
    if target_type == "coding" and target_id is not None:
        require(project, "work.read", owner=coding_owner(project, target_id))
    if reply_to is not None:
        if memo_target(project, reply_to) != (target_type, target_id):
            raise WorkbenchError(_("a reply goes on the same target as the memo it answers"))
        require(project, "memo.reply", owner=memo_owner(project, reply_to))
    coder_id = project.coder_id(coder) if coder else None
    with project.action(
        "memo",
        _("memo on {describe_target}").format(
            describe_target=_describe_target(project, target_type, target_id)
        ),
        coder=coder,
    ) as act:
        stamp = now()
        return act.insert(
            "memos",
            {
                "guid": new_guid(),
                "target_type": target_type,
                "target_id": target_id,
                "coder_id": coder_id,
                "title": title,
                "text": text,
                "created_at": stamp,
                "updated_at": stamp,
                "reply_to": reply_to,
            },
        )


def memo_target(project: Project, memo_id: int) -> tuple[str, int | None]:
    """(target type, target id) of a memo: where a reply to it goes."""
    row = project.conn.execute(
        "SELECT target_type, target_id FROM memos WHERE id = ?", (memo_id,)
    ).fetchone()
    if row is None:
        raise WorkbenchError(_("no memo with id {memo}").format(memo=memo_id))
    return row[0], row[1]


MEMO_TARGETS = {"document": "documents", "code": "codes", "coding": "codings"}


def check_memo_target(project: Project, target_type: str, target_id: int | None) -> None:
    """Raise a one-line error unless ``target_type`` ``target_id`` exists (``project`` takes
    no id; every other target needs one)."""
    if target_type == "project":
        if target_id is not None:
            raise WorkbenchError(_("a memo on the project takes no target id"))
        return
    table = MEMO_TARGETS.get(target_type)
    if table is None:
        raise WorkbenchError(
            _("memos attach to project, document, code or coding, not {target_type!r}").format(
                target_type=target_type
            )
        )
    if (
        target_id is None
        or not project.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)).fetchone()
    ):
        raise WorkbenchError(
            _("no {target_type} with id {target_id}").format(
                target_type=target_type, target_id=target_id
            )
        )


def _memo_target(project: Project, memo_id: int) -> str:
    row = project.conn.execute(
        "SELECT target_type, target_id FROM memos WHERE id = ?", (memo_id,)
    ).fetchone()
    if row is None:
        raise ProjectError(_("no memo with id {memo_id}").format(memo_id=memo_id))
    return _describe_target(project, row[0], row[1])


def edit_memo(project: Project, memo_id: int, text: str) -> None:
    """Change a memo's text: only its author may (others reply, ``add_memo(reply_to=)``)."""
    where = _memo_target(project, memo_id)
    require(project, "memo.edit", owner=memo_owner(project, memo_id))
    with project.action(
        "memo", _("edit the memo on {memo_target}").format(memo_target=where)
    ) as act:
        act.update("memos", memo_id, text=text, updated_at=now())


def delete_memo(project: Project, memo_id: int) -> None:
    """Delete a memo: its author's to do, or the lead's."""
    where = _memo_target(project, memo_id)
    require(project, "memo.delete", owner=memo_owner(project, memo_id))
    with project.action(
        "memo", _("delete the memo on {memo_target}").format(memo_target=where)
    ) as act:
        act.delete("memos", memo_id)


def mark_done(project: Project, document: str | int, coder: str, done: bool = True) -> None:
    """Mark a document done (or not) for a coder; agreement counts only done documents."""
    coder = coder_for(project, coder)
    require(project, "document.done", owner=coder)
    doc = project.document(document)
    coder_id = project.coder_id(coder)
    with project.transaction():
        project.conn.execute(
            "INSERT INTO document_status (document_id, coder_id, done, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(document_id, coder_id) DO UPDATE SET "
            "done = excluded.done, updated_at = excluded.updated_at",
            (doc.id, coder_id, int(done), now()),
        )


def visible_memos(
    project: Project, target_type: str | None = None, target_id: int | None = None
) -> list[Memo]:
    """The memos the acting user may read: under blind coding a coder sees their own and
    those credited to nobody, not the other coders'."""
    memos = project.memos(target_type, target_id)
    seen = visible_coder_ids(project)
    if seen is None:
        return memos
    return [m for m in memos if m.coder_id is None or m.coder_id in seen]


def own_memo(project: Project, target_type: str, target_id: int | None, coder: str) -> Memo | None:
    """``coder``'s newest memo on the target that answers nobody (the one ``m`` edits)."""
    coder_id = project.conn.execute("SELECT id FROM coders WHERE name = ?", (coder,)).fetchone()
    mine = [
        m
        for m in project.memos(target_type, target_id)
        if coder_id and m.coder_id == coder_id[0] and m.reply_to is None
    ]
    return mine[-1] if mine else None


@dataclass(frozen=True)
class MemoDraft:
    """What writing a memo on a target means for the acting coder: editing their own memo,
    answering someone else's (nobody edits another's memo), or a first memo."""

    target_type: str
    target_id: int | None
    memo_id: int | None  # their own memo, edited
    text: str
    reply_to: Memo | None = None  # the other person's memo answered
    reply_author: str | None = None


def memo_draft(project: Project, target_type: str, target_id: int | None, coder: str) -> MemoDraft:
    """The memo ``coder`` writes on the target: their own (to edit), else a reply to the
    newest memo they may see by someone else, else a new one."""
    mine = own_memo(project, target_type, target_id, coder)
    if mine is not None:
        return MemoDraft(target_type, target_id, mine.id, mine.text)
    names = {c.id: c.name for c in project.coders()}
    others = [m for m in visible_memos(project, target_type, target_id) if m.coder_id is not None]
    if others:
        newest = others[-1]
        return MemoDraft(target_type, target_id, None, "", newest, names.get(newest.coder_id or 0))
    return MemoDraft(target_type, target_id, None, "")


def save_memo_draft(project: Project, draft: MemoDraft, text: str, coder: str) -> str:
    """Save ``text`` as ``draft`` says (an empty text deletes one's own memo); returns what
    was done, for the message."""
    if draft.memo_id is not None:
        if text.strip():
            edit_memo(project, draft.memo_id, text)
            return "saved"
        delete_memo(project, draft.memo_id)
        return "deleted"
    if not text.strip():
        return "nothing"
    add_memo(
        project,
        draft.target_type,
        draft.target_id,
        text,
        coder=coder,
        reply_to=draft.reply_to.id if draft.reply_to else None,
    )
    return "replied" if draft.reply_to else "saved"
