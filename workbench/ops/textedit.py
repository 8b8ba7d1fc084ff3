"""Correcting a transcript without losing a coding: the one operation that changes a text.

``edit_text`` replaces spans of a document's text (one edit or many, in one action) and moves
every position stored on that text in the same transaction: codings (and so the memos on
them), suggestions, sentences and turns (and the search index of sentences), reconciliation
decisions and coders' cursors; every table listed in ``workbench.store.anchors``. The rules
are in ``workbench.ops.reanchor``. The action is undone as one step and logged with who made
it and why; undo cannot pass it, since older records hold positions in the text before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.i18n import _, ngettext
from workbench.ops.reanchor import Edit, Shift, check_edits, splice
from workbench.store.actionlog import ActionRecorder
from workbench.store.anchors import ANCHORED, TEXT_EDIT_KIND, Anchored
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.textnorm import normalise, sha256


@dataclass(frozen=True, slots=True)
class KeptSpan:
    """A coded span whose every character was replaced: kept at the edit point, reported."""

    table: str
    id: Any  # a row's key: its id, or a tuple of key columns
    old_start: int
    old_end: int
    start: int
    end: int


@dataclass
class EditResult:
    """What one edit of one document did."""

    document: str
    edits: int
    length_before: int
    length_after: int
    moved: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    kept: list[KeptSpan] = field(default_factory=list)
    #: turns whose speaker label, written in the text before them, was edited
    relabelled: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "edits": self.edits,
            "length_before": self.length_before,
            "length_after": self.length_after,
            "moved": dict(self.moved),
            "removed": dict(self.removed),
            "relabelled": self.relabelled,
            "kept": [
                {
                    "table": k.table,
                    "id": k.id,
                    "old_start": k.old_start,
                    "old_end": k.old_end,
                    "start": k.start,
                    "end": k.end,
                }
                for k in self.kept
            ],
        }

    def lines(self) -> list[str]:
        """The summary a command prints."""
        out = [
            ngettext(
                "{doc}: {n} edit, {before} -> {after} characters",
                "{doc}: {n} edits, {before} -> {after} characters",
                self.edits,
            ).format(
                doc=self.document, n=self.edits, before=self.length_before, after=self.length_after
            )
        ]
        moved = ", ".join(f"{t} {n}" for t, n in sorted(self.moved.items()) if n)
        if moved:
            out.append(_("moved: {rows}").format(rows=moved))
        removed = ", ".join(f"{t} {n}" for t, n in sorted(self.removed.items()) if n)
        if removed:
            out.append(_("removed (their text is gone): {rows}").format(rows=removed))
        for k in self.kept:
            out.append(
                _("{table} {id}: all its text [{a}, {b}) was replaced; kept at [{c}, {d})").format(
                    table=k.table, id=k.id, a=k.old_start, b=k.old_end, c=k.start, d=k.end
                )
            )
        return out


def authorise_text_edit(project: Project, acting_user: str | None) -> None:
    """The one place that decides who may change a transcript's text (an edit, or
    pseudonymising inside the project): every such operation calls it first with the acting
    user. Changing the text is the lead's (``documents.edit`` in ``workbench.permissions``, which
    reads the acting user from the project: ``acting_user`` only names who the action log
    credits, and a name given on the command line confers no right)."""
    from workbench.permissions import require

    del acting_user
    require(project, "documents.edit")


def edit_text(
    project: Project,
    document: str | int,
    edits: Iterable[Edit],
    *,
    why: str | None = None,
    coder: str | None = None,
    expect: str | None = None,
) -> EditResult:
    """Apply ``edits`` (old-text positions) to ``document`` as one undoable action.

    ``coder`` is the acting user: the action log names them, and ``authorise_text_edit``
    is asked first. ``expect`` is the sha256 of the text the positions were taken from: when someone else
    changed the text meanwhile, the edit is refused rather than applied at the wrong place.
    Bad input (an edit outside the text, overlapping edits, an edit that would leave the
    document empty) raises one line and changes nothing.
    """
    authorise_text_edit(project, coder)
    doc = project.document(document)
    checked = check_edits(edits, doc.length, source=doc.name)
    if not checked:
        raise WorkbenchError(_("nothing to change"), source=doc.name)
    description = ngettext(
        "edit the text of {doc}: {n} change", "edit the text of {doc}: {n} changes", len(checked)
    ).format(doc=doc.name, n=len(checked))
    if why and why.strip():
        description += f" ({' '.join(why.split())})"
    with project.action(TEXT_EDIT_KIND, description, coder=coder) as act:
        return apply_edits(project, act, doc.id, checked, expect=expect)


def apply_edits(
    project: Project,
    recorder: ActionRecorder,
    document_id: int,
    edits: Sequence[Edit],
    *,
    index: SearchIndexRows | None = None,
    expect: str | None = None,
) -> EditResult:
    """The edit inside an action the caller holds (pseudonymising edits many documents in
    one action); ``index`` shares the lookup of search-index rows between documents."""
    doc = project.document(document_id)
    old, digest = project.conn.execute(
        "SELECT text, sha256 FROM documents WHERE id = ?", (doc.id,)
    ).fetchone()
    if expect is not None and expect != digest:
        raise WorkbenchError(
            _("the text changed since these positions were taken; look again and retry"),
            source=doc.name,
        )
    edits = check_edits(edits, len(old), source=doc.name)
    new = splice(old, edits)
    if not new.strip():
        raise WorkbenchError(_("the edit would leave the document without text"), source=doc.name)
    result = EditResult(doc.name, len(edits), len(old), len(new))
    if new == old:
        return result
    recorder.update(
        "documents",
        doc.id,
        text=new,
        length=len(new),
        sha256=sha256(new),
        words=len(new.split()),
    )
    shift = Shift(edits)
    for anchored in ANCHORED:
        moves = _reanchor(project, recorder, anchored, doc.id, shift, len(new), result)
        if anchored.table == "sentences":
            (index or SearchIndexRows(project)).follow(recorder, doc.id, old, new, moves)
        elif anchored.table == "turns":
            result.relabelled = _relabel_turns(project, recorder, old, new, shift, moves)
    project._text_cache.pop(doc.id, None)
    return result


Move = tuple[Any, tuple[int, ...], tuple[int, ...] | None]  # key, old, new (None: removed)
#: tables whose moves the edit needs afterwards (the search index, speaker labels)
FOLLOWERS = ("sentences", "turns")


def _reanchor(
    project: Project,
    recorder: ActionRecorder,
    anchored: Anchored,
    document_id: int,
    shift: Shift,
    new_length: int,
    result: EditResult,
) -> list[Move]:
    """Move the rows of one registered table; returns every row's move (for the caller)."""
    import numpy as np

    key, cols = anchored.key, anchored.columns
    quoted = ", ".join(f'"{c}"' for c in (*key, *cols))
    rows = project.conn.execute(
        f'SELECT {quoted} FROM "{anchored.table}" WHERE "{anchored.document}" = ?',
        (document_id,),
    ).fetchall()
    if not rows:
        result.moved[anchored.table] = 0
        return []
    n = len(key)
    keys = [r[0] for r in rows] if n == 1 else [tuple(r[:n]) for r in rows]
    old = np.array([r[n:] for r in rows], dtype=np.int64)
    removed_mask = np.zeros(len(rows), dtype=bool)
    if anchored.rule == "point":
        new = shift.end_many(old[:, 0])[:, None]
    elif anchored.rule == "unit":
        new = np.stack([shift.end_many(old[:, 0]), shift.end_many(old[:, 1])], axis=1)
        removed_mask = (old[:, 1] > old[:, 0]) & (new[:, 0] == new[:, 1])
    else:
        a, b = old[:, 0], old[:, 1]
        new_a, new_b, emptied = shift.spans_many(a, b, new_length)
        new = np.stack([new_a, new_b], axis=1)
        kept = emptied | shift.replaced_many(a, b)
        for i in np.nonzero(kept)[0].tolist():
            result.kept.append(
                KeptSpan(
                    anchored.table,
                    keys[i],
                    int(a[i]),
                    int(b[i]),
                    int(new_a[i]),
                    int(new_b[i]),
                )
            )
    moved = (new != old).any(axis=1) & ~removed_mask
    moves: list[Move] = []
    if anchored.unique or anchored.table in FOLLOWERS or removed_mask.any():
        old_rows, new_rows = old.tolist(), new.tolist()
        moves = [
            (k, tuple(o), None if gone else tuple(w))
            for k, o, w, gone in zip(keys, old_rows, new_rows, removed_mask.tolist(), strict=True)
        ]
    if anchored.unique:
        rest = _UniqueRest(project, anchored, document_id)
        changed, removed = _fold(rest, moves)
        removed += [m for m in moves if m[2] is None]
        result.moved[anchored.table] = len(changed)
        # a place past every position, old or new, to park rows on the way
        base = 1 + int(max(old.max(), new.max()))
        _rewrite(recorder, anchored, changed, removed, rest, base)
    else:
        index = np.nonzero(moved)[0]
        result.moved[anchored.table] = len(index)
        recorder.record_columns(
            anchored.table,
            cols,
            [keys[i] for i in index.tolist()],
            old[index].tolist(),
            new[index].tolist(),
            key=key,
        )
        removed = [moves[i] for i in np.nonzero(removed_mask)[0].tolist()]
        for row_key, _old, _new in removed:
            recorder.delete(anchored.table, row_key, key=key)
    if removed:
        result.removed[anchored.table] = len(removed)
    return moves


class _UniqueRest:
    """The columns of a table's unique index that an edit does not move (coder, code ...),
    per row, read only if two rows may meet: most edits move rows apart from each other."""

    #: fewer rows than this are read one by one, more all at once
    FEW = 200

    def __init__(self, project: Project, anchored: Anchored, document_id: int) -> None:
        self.project, self.anchored, self.document_id = project, anchored, document_id
        self._rows: dict[Any, tuple] = {}
        self._all = False

    def __getitem__(self, row_key: Any) -> tuple:
        found = self._rows.get(row_key)
        if found is not None:
            return found
        anchored = self.anchored
        n = len(anchored.key)
        others = [c for c in anchored.unique if c not in anchored.columns]
        quoted = ", ".join(f'"{c}"' for c in (*anchored.key, *others))
        sql = f'SELECT {quoted} FROM "{anchored.table}" WHERE "{anchored.document}" = ?'
        params: list[Any] = [self.document_id]
        if not self._all and len(self._rows) < self.FEW:
            sql += " AND " + " AND ".join(f'"{k}" = ?' for k in anchored.key)
            params += list(row_key) if n > 1 else [row_key]
        else:
            self._all = True
        for r in self.project.conn.execute(sql, params):
            self._rows[r[0] if n == 1 else tuple(r[:n])] = tuple(r[n:])
        return self._rows[row_key]


def _fold(rest: _UniqueRest, moves: list[Move]) -> tuple[list[Move], list[Move]]:
    """Rows an edit brings onto the same unique key are folded into the oldest one: returns
    the rows to move and the rows to drop. Rows whose new places all differ cannot meet."""
    staying = [m for m in moves if m[2] is not None]
    if len({m[2] for m in staying}) == len(staying):
        return [m for m in staying if m[2] != m[1]], []
    owner: dict[tuple, Any] = {}
    keep: list[Move] = []
    drop: list[Move] = []
    for move in sorted(staying, key=lambda m: m[0]):
        assert move[2] is not None
        unique_key = rest[move[0]] + move[2]
        if unique_key in owner:
            drop.append((move[0], move[1], None))
            continue
        owner[unique_key] = move[0]
        if move[2] != move[1]:
            keep.append(move)
    return keep, drop


def _rewrite(
    recorder: ActionRecorder,
    anchored: Anchored,
    changed: list[Move],
    removed: list[Move],
    rest: _UniqueRest,
    base: int,
) -> None:
    """Move rows of a table with a unique index on positions without any row meeting another's
    place on the way, nor on undo, which replays the same steps backwards.

    The folded rows go first. Then the rows standing where another moving row is going are
    parked at ``base`` and after (past every position), and every moving row goes to its new
    place. A row not parked returns on undo to a place no other row is going to, so the
    reverse order meets nothing either. Both moves are column updates of many rows at once
    (moving each row out and back in took over a second for 10,000 codings)."""
    key = anchored.key
    for row_key, _old, _new in removed:
        recorder.delete(anchored.table, row_key, key=key)
    if not changed:
        return
    keys, old, new = zip(*changed, strict=True)
    places = set(new)
    maybe = [i for i, o in enumerate(old) if o in places]
    # only rows going where one of those stands can meet it: their whole keys are compared
    wanted = {old[i] for i in maybe}
    targets = {rest[k] + n for k, n in zip(keys, new, strict=True) if n in wanted}
    in_the_way = [i for i in maybe if rest[keys[i]] + old[i] in targets]
    before = list(old)
    if in_the_way:
        width = len(anchored.columns)
        # distinct first positions keep the parked rows apart; each span stays a valid span
        parked = [(base + j, base + j + 1)[:width] for j in range(len(in_the_way))]
        recorder.record_columns(
            anchored.table,
            anchored.columns,
            [keys[i] for i in in_the_way],
            [old[i] for i in in_the_way],
            parked,
            key=key,
        )
        for i, place in zip(in_the_way, parked, strict=True):
            before[i] = place
    recorder.record_columns(
        anchored.table, anchored.columns, list(keys), before, list(new), key=key
    )


def _relabel_turns(
    project: Project,
    recorder: ActionRecorder,
    old: str,
    new: str,
    shift: Shift,
    moves: list[Move],
) -> int:
    """A speaker label is written in the text just before its turn (``Rosa Quispe: ...``):
    when an edit changes those characters, the turn's speaker becomes the edited label.

    The label is the speaker's name found last between the previous turn and this one, in
    the text before the edit, moved as a coded span is.
    """
    speakers = dict(
        project.conn.execute(
            f"SELECT id, speaker FROM turns WHERE id IN ({','.join('?' * len(moves))})",
            [m[0] for m in moves],
        )
    )
    changes = []
    gap_start = 0
    for turn_id, (start, end), _new in sorted(moves, key=lambda m: (m[1][0], m[0])):
        speaker = speakers.get(turn_id)
        at = old.rfind(speaker, gap_start, start) if speaker else -1
        gap_start = max(gap_start, end)
        if at < 0 or speaker is None:
            continue
        label = " ".join(new[shift.start(at) : shift.end(at + len(speaker))].split()) or None
        if label != speaker:
            changes.append((turn_id, (speaker,), (label,)))
    recorder.record_updates("turns", ("speaker",), changes)
    return len(changes)


class SearchIndexRows:
    """The search index (``sentences_fts``) follows its sentences' text.

    The index keeps the sentence id in a column SQLite cannot look up by; its own row id is
    almost always the sentence id (both are given out together at import), so that is tried
    first and checked, and only a miss reads the document's index rows.
    """

    def __init__(self, project: Project) -> None:
        self.project = project

    def rowids(self, document_id: int, sentence_ids: list[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        q = self.project.conn.execute
        for i in range(0, len(sentence_ids), 500):
            chunk = sentence_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, sid in q(
                f"SELECT rowid, sentence_id FROM sentences_fts WHERE rowid IN ({marks})", chunk
            ):
                if rowid == sid:
                    found[sid] = rowid
        if len(found) < len(sentence_ids):
            for rowid, sid in q(
                "SELECT rowid, sentence_id FROM sentences_fts WHERE document_id = ?",
                (document_id,),
            ):
                found.setdefault(sid, rowid)
        return found

    def follow(
        self, recorder: ActionRecorder, document_id: int, old: str, new: str, moves: list[Move]
    ) -> None:
        """Update the index rows of sentences whose text changed; drop those of removed ones."""
        stale: list[tuple[int, str | None]] = []
        for sid, (a, b), moved in moves:
            if moved is None:
                stale.append((sid, None))
            elif old[a:b] != new[moved[0] : moved[1]]:
                stale.append((sid, new[moved[0] : moved[1]]))
        if not stale:
            return
        rowids = self.rowids(document_id, [sid for sid, _ in stale])
        texts = dict(
            self.project.conn.execute(
                f"SELECT rowid, text FROM sentences_fts WHERE rowid IN "
                f"({','.join('?' * len(rowids))})",
                list(rowids.values()),
            )
        )
        updates: list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]] = []
        for sid, text in stale:
            rowid = rowids.get(sid)
            if rowid is None:
                continue  # a sentence the index lacks: `workbench check` reports it
            if text is None:
                recorder.delete("sentences_fts", rowid, key=("rowid",))
            else:
                updates.append((rowid, (texts[rowid],), (text,)))
        recorder.record_updates("sentences_fts", ("text",), updates, key=("rowid",))


def find_edits(
    text: str,
    old: str,
    new: str,
    *,
    every: bool = False,
    whole_word: bool = False,
    source: str | None = None,
) -> list[Edit]:
    """Edits replacing ``old`` by ``new``: its one occurrence, or ``every`` one.

    Without ``every``, a text found more than once is refused (with where it was found)
    rather than guessing which one was meant. ``whole_word`` skips matches inside a word.
    """
    if not old:
        raise WorkbenchError(_("--find needs some text"), source=source)
    old = normalise(old)  # as the text is stored: "Ramírez" pasted with a combining accent
    pattern = re.escape(old)
    if whole_word:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    hits = [m.span() for m in re.finditer(pattern, text)]
    if not hits:
        raise WorkbenchError(_("{old!r} is not in the text").format(old=old), source=source)
    if len(hits) > 1 and not every:
        where = ", ".join(str(s) for s, _e in hits[:5]) + (", ..." if len(hits) > 5 else "")
        raise WorkbenchError(
            _("{old!r} occurs {n} times (at {where}); add --all, or give --start and --end").format(
                old=old, n=len(hits), where=where
            ),
            source=source,
        )
    return [Edit(s, e, new) for s, e in hits]
