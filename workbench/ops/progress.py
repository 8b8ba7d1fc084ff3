"""How far each coder has got with each document: codings, share of text coded, done marks.

The documents screen shows this table; it is a query over the project, so it lives in the core
where a command or a test can use it without the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from workbench.permissions import visible_coders
from workbench.store.project import Project


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

    def share(self, coder: str) -> float | None:
        """The share of the document's characters this coder coded (0 to 1); None while it
        is being computed (``ProgressCache`` with ``defer``)."""
        progress = self.coders.get(coder)
        if not progress or not self.length:
            return 0.0
        if progress.coded_chars == PENDING:
            return None
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


#: characters covered (the union of the codings) per document and coder, in one pass over
#: the codings_sweep index: sorted by start, each coding adds what reaches past the furthest
#: end before it. ``{where}`` narrows it to some documents.
_COVERAGE = """
WITH ordered AS (
    SELECT document_id, coder_id, start, "end",
           max("end") OVER (PARTITION BY document_id, coder_id ORDER BY start, "end"
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM codings {where}
)
SELECT document_id, coder_id, sum(max(0, "end" - max(start, coalesce(reach, start))))
FROM ordered GROUP BY document_id, coder_id
"""
#: per document and coder: how many codings, and a fingerprint that changes with any of them
_FINGERPRINTS = """
SELECT document_id, coder_id, count(*), sum(start), sum("end"), max(id) FROM codings
GROUP BY document_id, coder_id
"""
#: per document and coder: how many codings (the list before any coverage is known)
_COUNTS = "SELECT document_id, coder_id, count(*) FROM codings GROUP BY document_id, coder_id"
#: ``coded_chars`` of a coder whose coverage is not computed yet (``ProgressCache``)
PENDING = -1


class ProgressCache:
    """Document progress that recomputes coverage only where codings changed.

    Counting codings per document and coder is one quick indexed pass; the union of their
    spans costs more (0.3 s on 200,000 codings). The cache keeps each (document, coder)'s
    coverage with a fingerprint of its codings (count, sums of offsets, newest id) and
    recomputes it only for the pairs whose fingerprint changed. ``defer=True`` returns at
    once with ``PENDING`` coverage where none is known yet; ``fill()`` computes it after.
    """

    def __init__(self) -> None:
        self._fingerprints: dict[tuple[int, int], tuple[int, ...]] = {}
        self._coverage: dict[tuple[int, int], int] = {}

    def rows(
        self, project: Project, coders: list[str] | None = None, *, defer: bool = False
    ) -> list[DocumentProgress]:
        if defer and not self._coverage:
            # nothing known yet: counts alone (the fingerprints' sums cost twice as much)
            counts = {(d, c): (n, PENDING) for d, c, n in project.conn.execute(_COUNTS)}
            return _rows(project, counts, coders)
        fingerprints = {(d, c): tuple(rest) for d, c, *rest in project.conn.execute(_FINGERPRINTS)}
        stale = [k for k, v in fingerprints.items() if self._fingerprints.get(k) != v]
        for key in set(self._fingerprints) - set(fingerprints):
            self._fingerprints.pop(key, None)
            self._coverage.pop(key, None)
        if stale:
            self._update(project, stale, fingerprints)
        counts = {k: (v[0], self._coverage.get(k, PENDING)) for k, v in fingerprints.items()}
        return _rows(project, counts, coders)

    def fill(self, project: Project) -> None:
        """Compute every coverage not known yet (after a deferred first call)."""
        fingerprints = {(d, c): tuple(rest) for d, c, *rest in project.conn.execute(_FINGERPRINTS)}
        stale = [k for k, v in fingerprints.items() if self._fingerprints.get(k) != v]
        if stale:
            self._update(project, stale, fingerprints)

    def _update(
        self,
        project: Project,
        stale: list[tuple[int, int]],
        fingerprints: dict[tuple[int, int], tuple[int, ...]],
    ) -> None:
        documents = sorted({d for d, _ in stale})
        if len(stale) > max(64, len(fingerprints) // 4):
            where, params = "", []
        else:
            where = "WHERE document_id IN (SELECT value FROM json_each(?))"
            params = [json.dumps(documents)]
        for d, c, chars in project.conn.execute(_COVERAGE.format(where=where), params):
            self._coverage[(d, c)] = chars
        for key in stale:
            self._fingerprints[key] = fingerprints[key]


#: project setting: documents in this language are listed first (the Spanish demo sets ``es``)
FIRST_LANGUAGE_SETTING = "documents_first_language"


def _rows(
    project: Project, counts: dict[tuple[int, int], tuple[int, int]], coders: list[str] | None
) -> list[DocumentProgress]:
    cases = {c.id: c for c in project.cases()}
    all_coders = {c.id: c.name for c in project.coders()}
    seen = visible_coders(project)  # a coder under blind coding: their own progress only
    wanted = {
        i: n
        for i, n in all_coders.items()
        if (coders is None or n in coders) and (seen is None or n in seen)
    }
    done = {
        (d, c)
        for d, c in project.conn.execute(
            "SELECT document_id, coder_id FROM document_status WHERE done = 1"
        )
    }
    rows = []
    first = project.setting(FIRST_LANGUAGE_SETTING)
    order = "(COALESCE(language, '') != ?), name" if first else "name"
    for doc_id, name, case_id, length, words in project.conn.execute(
        f"SELECT id, name, case_id, length, words FROM documents ORDER BY {order}",
        (first,) if first else (),
    ):
        case = cases.get(case_id) if case_id is not None else None
        per_coder = {}
        for coder_id, coder in wanted.items():
            n, chars = counts.get((doc_id, coder_id), (0, 0))
            per_coder[coder] = CoderProgress(n, chars, (doc_id, coder_id) in done)
        if words is None:
            words = len(project.text(doc_id).split())
        rows.append(
            DocumentProgress(
                doc_id,
                name,
                case.name if case else None,
                dict(case.attributes) if case else {},
                length,
                words,
                per_coder,
            )
        )
    return rows


def document_progress(project: Project, coders: list[str] | None = None) -> list[DocumentProgress]:
    """One row per document, with every coder's progress on it (or only ``coders``').

    Word counts are the stored ones (``documents.words``, kept since schema 3); a document
    without one is counted from its text. Coverage is computed in SQLite, so 200,000 codings
    take a fraction of a second rather than a Python loop over every span.
    """
    return ProgressCache().rows(project, coders)
