"""Lean read queries for interactive views: plain tuples straight from SQLite.

The app opens documents of 100k lines; building a record per sentence costs several times
the query itself, so the views read the spans they move the cursor over as tuples. The spans
come from ``analysis.units``, the one unit module; these names are kept for the app.
"""

from __future__ import annotations

from workbench.analysis.units import spans, turn_spans
from workbench.store.project import Project

__all__ = ["sentence_spans", "turn_spans"]


def sentence_spans(project: Project, document_id: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of the document, in text order."""
    return spans(project, document_id, "sentence")
