"""Building small projects for the agreement, reconciliation and merge tests."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code, mark_done
from workbench.ops.documents import add_document
from workbench.store.project import Project


def sentence_doc(project: Project, name: str, n: int, *, width: int = 10) -> list[tuple[int, int]]:
    """A document of ``n`` sentences ``width`` characters apart; returns the sentence spans."""
    body = "Word here." + " " * (width - 10)
    text = body * n
    text = name[:5].ljust(5, ".") + text[5:]  # every document's text differs
    spans = [(i * width, i * width + 10) for i in range(n)]
    add_document(
        project, ParsedTranscript(text, [ParsedTurn(0, len(text), "P")]), name=name, sentences=spans
    )
    return spans


def plain_doc(project: Project, name: str, length: int, *, turns: Sequence[int] = ()) -> None:
    """A document of ``length`` characters; ``turns`` are the offsets where a new turn starts."""
    text = (f"{name}: " + "abcdefghi " * (length // 10 + 1))[:length]
    bounds = [0, *turns, length]
    parsed = ParsedTranscript(
        text,
        [
            ParsedTurn(s, e, f"S{i}")
            for i, (s, e) in enumerate(zip(bounds, bounds[1:], strict=False))
        ],
    )
    add_document(project, parsed, name=name, sentences=[(0, length)])


def codes(project: Project, *paths: str) -> None:
    for path in paths:
        add_code(project, path)


def code(
    project: Project, doc: str, path: str, spans: Sequence[tuple[int, int]], coder: str
) -> None:
    for start, end in spans:
        apply_code(project, doc, path, start, end, coder=coder)


def done(project: Project, doc: str, *coders: str) -> None:
    for coder in coders:
        mark_done(project, doc, coder)


def naive_unit_matrix(
    project: Project, coders: Sequence[str], unit: str, code_path: str
) -> list[list[int]]:
    """Units x coders 0/1 matrix of one code, by a plain loop over every unit and coding."""
    rows: list[list[int]] = []
    code_id = project.code(code_path).id
    for doc in project.documents():
        if unit == "char":
            spans = [(i, i + 1) for i in range(doc.length)]
        else:
            spans = [(u.start, u.end) for u in project.units(doc.id, unit) if u.end > u.start]
        for start, end in spans:
            row = []
            for name in coders:
                coder_id = project.coder_id(name, create=False)
                row.append(
                    int(
                        any(
                            c.start < end and c.end > start
                            for c in project.codings(
                                document_id=doc.id, coder_id=coder_id, code_id=code_id
                            )
                        )
                    )
                )
            rows.append(row)
    return rows
