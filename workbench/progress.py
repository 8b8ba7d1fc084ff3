"""How far each coder has got with each document: codings, share of text coded, done marks.

The documents screen shows this table; it is a query over the project, so it lives in the core
where a command or a test can use it without the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.project import Project


@dataclass(frozen=True, slots=True)
class CoderProgress:
    codings: int = 0
    coded_chars: int = 0
    done: bool = False


@dataclass(frozen=True, slots=True)
class DocumentProgress:
    document_id: int
    name: str
    case: str | None
    attributes: dict[str, object]
    length: int
    words: int
    coders: dict[str, CoderProgress] = field(default_factory=dict)

    def share(self, coder: str) -> float:
        """The share of the document's characters this coder coded (0 to 1)."""
        progress = self.coders.get(coder)
        if not progress or not self.length:
            return 0.0
        return progress.coded_chars / self.length


def covered(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of half-open ``spans``."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def document_progress(project: Project) -> list[DocumentProgress]:
    """One row per document, with every coder's progress on it."""
    cases = {c.id: c for c in project.cases()}
    coders = {c.id: c.name for c in project.coders()}
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for doc_id, coder_id, start, end in project.conn.execute(
        'SELECT document_id, coder_id, start, "end" FROM codings'
    ):
        spans.setdefault((doc_id, coder_id), []).append((start, end))
    done = {
        (d, c) for d, c in project.conn.execute(
            "SELECT document_id, coder_id FROM document_status WHERE done = 1"
        )
    }
    rows = []
    for doc in project.documents():
        case = cases.get(doc.case_id) if doc.case_id is not None else None
        per_coder = {}
        for coder_id, name in coders.items():
            mine = spans.get((doc.id, coder_id), [])
            per_coder[name] = CoderProgress(len(mine), covered(mine), (doc.id, coder_id) in done)
        rows.append(DocumentProgress(
            doc.id, doc.name, case.name if case else None, dict(case.attributes) if case else {},
            doc.length, len(project.text(doc.id).split()), per_coder,
        ))
    return rows
