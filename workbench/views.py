"""Lean read queries for interactive views: plain tuples straight from SQLite.

The app opens documents of 100k lines; building a record per sentence costs several times
the query itself, so the views read the spans they move the cursor over as tuples.
"""

from __future__ import annotations

from workbench.project import Project


def sentence_spans(project: Project, document_id: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of the document, in text order."""
    return project.conn.execute(
        'SELECT start, "end" FROM sentences WHERE document_id = ? ORDER BY start',
        (document_id,),
    ).fetchall()


def turn_spans(project: Project, document_id: int) -> list[tuple[int, int, str | None]]:
    """``(start, end, speaker)`` of every speaker turn of the document, in text order."""
    return project.conn.execute(
        'SELECT start, "end", speaker FROM turns WHERE document_id = ? ORDER BY start, seq',
        (document_id,),
    ).fetchall()
