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


#: codings and characters covered (their union) per document and coder, in one pass over
#: the codings_sweep index: sorted by start, each coding adds what reaches past the furthest
#: end before it.
_COVERAGE = """
WITH ordered AS (
    SELECT document_id, coder_id, start, "end",
           max("end") OVER (PARTITION BY document_id, coder_id ORDER BY start, "end"
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM codings
)
SELECT document_id, coder_id, count(*),
       sum(max(0, "end" - max(start, coalesce(reach, start))))
FROM ordered GROUP BY document_id, coder_id
"""


def document_progress(project: Project, coders: list[str] | None = None
                      ) -> list[DocumentProgress]:
    """One row per document, with every coder's progress on it (or only ``coders``').

    Word counts are the stored ones (``documents.words``, kept since schema 3); a document
    without one is counted from its text. Coverage is computed in SQLite, so 200,000 codings
    take a fraction of a second rather than a Python loop over every span.
    """
    cases = {c.id: c for c in project.cases()}
    all_coders = {c.id: c.name for c in project.coders()}
    wanted = {i: n for i, n in all_coders.items() if coders is None or n in coders}
    counts: dict[tuple[int, int], tuple[int, int]] = {
        (d, c): (n, chars) for d, c, n, chars in project.conn.execute(_COVERAGE)
    }
    done = {
        (d, c) for d, c in project.conn.execute(
            "SELECT document_id, coder_id FROM document_status WHERE done = 1"
        )
    }
    rows = []
    for doc_id, name, case_id, length, words in project.conn.execute(
        "SELECT id, name, case_id, length, words FROM documents ORDER BY name"
    ):
        case = cases.get(case_id) if case_id is not None else None
        per_coder = {}
        for coder_id, coder in wanted.items():
            n, chars = counts.get((doc_id, coder_id), (0, 0))
            per_coder[coder] = CoderProgress(n, chars, (doc_id, coder_id) in done)
        if words is None:
            words = len(project.text(doc_id).split())
        rows.append(DocumentProgress(
            doc_id, name, case.name if case else None, dict(case.attributes) if case else {},
            length, words, per_coder,
        ))
    return rows
