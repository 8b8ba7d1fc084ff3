"""A plain string reference for text edits, and snapshots of everything a project stores.

The reference never does offset arithmetic on the whole text: it applies each edit to the
coded passage itself (the part of the edit that falls inside it), the way a reader would
redo the correction on a printed quotation.
"""

from __future__ import annotations

from typing import Any

from workbench.ops.reanchor import Edit
from workbench.store.project import Project

TABLES = (
    "documents",
    "codings",
    "memos",
    "sentences",
    "turns",
    "suggestions",
    "reconcile_decisions",
    "coder_positions",
    "cases",
    "case_attributes",
    "codes",
)


def snapshot(project: Project) -> dict[str, Any]:
    """Every row of every table that an edit may touch, and the search index with row ids."""
    out: dict[str, Any] = {
        t: project.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES
    }
    out["sentences_fts"] = project.conn.execute(
        "SELECT rowid, * FROM sentences_fts ORDER BY rowid"
    ).fetchall()
    return out


def apply_plain(text: str, edits: list[Edit]) -> str:
    """The edits applied one at a time from the right, by slicing."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def coded_text_after(text: str, a: int, b: int, edits: list[Edit]) -> str:
    """The passage ``text[a:b]`` with the part of each edit that falls inside it applied.

    An edit counts when it shares a character with the passage, or inserts strictly inside
    it; text inserted at its edges and edits that only touch it stay outside.
    """
    passage = text[a:b]
    inside = []
    for e in edits:
        if e.start == e.end:
            if a < e.start < b:
                inside.append(Edit(e.start - a, e.start - a, e.text))
        elif e.start < b and e.end > a:
            inside.append(Edit(max(e.start, a) - a, min(e.end, b) - a, e.text))
    return apply_plain(passage, inside)


def all_replaced(a: int, b: int, edits: list[Edit]) -> bool:
    """Every character of ``[a, b)`` lies inside some edit's replaced span."""
    covered = set()
    for e in edits:
        covered.update(range(max(e.start, a), min(e.end, b)))
    return len(covered) == b - a


_TEMPLATE: list[Project] = []


def fresh_project() -> Project:
    """An empty in-memory project, copied from one migrated once (migrating takes ~60 ms,
    which property tests would pay for every example)."""
    import sqlite3
    from pathlib import Path

    if not _TEMPLATE:
        _TEMPLATE.append(Project.memory())
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _TEMPLATE[0].conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Project(Path(":memory:"), conn)
