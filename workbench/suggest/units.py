"""Units with what the coders said about them: the training and test data of the suggesters.

A unit (sentence or turn) is *positive* for a code when one of the chosen coders' codings of that
code intersects it. It is *negative* for a code when the code does not touch it and the document
was marked done by one of the chosen coders (so silence means "no"), or when a suggestion of that
code overlapping the unit was rejected. In documents nobody marked done, silence means "not
looked at yet", so only positives and rejections are known there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbench.analysis import filters, units
from workbench.store.project import Project

UNITS = units.SUGGEST_UNITS


@dataclass(slots=True)
class LabelledUnit:
    document_id: int
    start: int
    end: int
    text: str
    positive: set[int] = field(default_factory=set)
    negative: set[int] = field(default_factory=set)
    complete: bool = False  # every code not positive is negative (document marked done)


def check_unit(unit: str) -> str:
    return units.check_unit(unit, UNITS)


def coder_ids(project: Project, coders: Sequence[str] | None) -> list[int] | None:
    """Ids of the named coders (None: every coder). Unknown names are an error.

    The model never learns from itself: a coder marked as a model (``suggest as-coder``) is
    left out, named or not.
    """
    models = {c.id for c in project.coders() if c.is_model}
    if not coders:
        return [c.id for c in project.coders() if c.id not in models] if models else None
    return [i for i in filters.coder_ids(project, coders) if i not in models]


def unit_spans(project: Project, document_id: int, unit: str) -> list[tuple[int, int]]:
    """The non-empty units of a document, sorted; paragraphs stand in for missing turns."""
    return units.spans(project, document_id, unit, nonempty=True, turn_fallback=True)


def touching(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> range:
    """Indexes of the (sorted, non-overlapping) units that ``[start, end)`` intersects
    (``analysis.units.touched``; callers that touch many spans pass the ends once there)."""
    return units.touched(starts, [e for _, e in spans], start, end)


def labelled_units(
    project: Project,
    unit: str = "sentence",
    *,
    coders: Sequence[str] | None = None,
    documents: Iterable[int] | None = None,
) -> list[LabelledUnit]:
    """Every unit of ``documents`` (default all) with its positive and negative codes."""
    check_unit(unit)
    ids = coder_ids(project, coders)
    chosen = ids if ids is not None else [c.id for c in project.coders()]
    done: set[int] = set()
    for cid in chosen:
        done |= project.done_documents(cid)
    doc_ids = list(documents) if documents is not None else [d.id for d in project.documents()]
    out: list[LabelledUnit] = []
    for doc_id in doc_ids:
        text = project.text(doc_id)
        spans = unit_spans(project, doc_id, unit)
        starts, ends = [s for s, _ in spans], [e for _, e in spans]
        found = [LabelledUnit(doc_id, s, e, text[s:e], complete=doc_id in done) for s, e in spans]
        for coding in project.codings(document_id=doc_id):
            if ids is not None and coding.coder_id not in ids:
                continue
            for i in units.touched(starts, ends, coding.start, coding.end):
                found[i].positive.add(coding.code_id)
        sql = (
            'SELECT code_id, start, "end", coder_id FROM suggestions '
            "WHERE document_id = ? AND status = 'rejected'"
        )
        for code_id, start, end, coder_id in project.conn.execute(sql, (doc_id,)):
            if ids is not None and coder_id not in ids:
                continue
            for i in units.touched(starts, ends, start, end):
                found[i].negative.add(code_id)
        out.extend(found)
    return out


def cats_for(unit: LabelledUnit, labels: Sequence[int]) -> dict[str, float]:
    """spaCy ``cats`` for a unit; codes whose value is unknown are left out (masked)."""
    cats: dict[str, float] = {}
    for code_id in labels:
        if code_id in unit.positive:
            cats[str(code_id)] = 1.0
        elif unit.complete or code_id in unit.negative:
            cats[str(code_id)] = 0.0
    return cats
