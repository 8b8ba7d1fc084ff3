"""Retrieval: every segment coded with a code, across documents, with its context.

What a researcher reads to check a code's use (ATLAS.ti's quotation manager, MAXQDA's retrieved
segments): each coding of the code (and its subcodes) with the words before and after it, the
speaker and the coder, filtered through the one selection every analysis uses
(``analysis.filters``: coders, case attributes).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.analysis.filters import Selection, document_scope, parse_where_items, select
from workbench.store.project import Project

#: characters of context either side of a segment
CONTEXT = 60
#: the columns of a codings listing (``workbench codings``; its JSON adds ``id``)
LISTING_COLUMNS = ("document", "code", "coder", "start", "end", "text")


@dataclass(frozen=True, slots=True)
class Segment:
    """One coded segment and its surroundings."""

    coding_id: int
    document_id: int
    document: str
    code_id: int
    code: str
    coder_id: int
    coder: str
    start: int
    end: int
    speaker: str | None
    before: str
    text: str
    after: str
    #: the document's case (None when it has none) and when the coding was made
    case: str | None = None
    created_at: str = ""


def cite(text: str, document: str, start: int, end: int) -> str:
    """A passage with its reference, as researchers quote it: ``"text" (DRS01, 1757-1841)``
    (the document, then the passage's character offsets)."""
    return f'"{" ".join(text.split())}" ({document}, {start}-{end})'


def segments(
    project: Project,
    code_path: str,
    *,
    coders: Sequence[str] = (),
    where: Sequence[str | tuple[str, str]] = (),
    context: int = CONTEXT,
) -> list[Segment]:
    """The segments of ``code_path`` (its subcodes included), by document and position.

    ``coders`` keeps those coders' codings only; ``where`` keeps documents whose case has the
    attribute values (``region=Piura``; the same attribute twice means either value).
    """
    code = project.code(code_path)
    chosen = select(project, Selection.build(codes=[code.path], coders=coders, where=where))
    names = chosen.documents or dict(project.conn.execute("SELECT id, name FROM documents"))
    coder_names = {c.id: c.name for c in project.coders()}
    paths = {c.id: c.path for c in project.codes()}
    rows = sorted(chosen.rows, key=lambda r: (names.get(r[0], ""), r[2], r[3], r[1]))
    cases = dict(
        project.conn.execute(
            "SELECT d.id, c.name FROM documents d JOIN cases c ON c.id = d.case_id"
        ).fetchall()
    )
    created: dict[int, str] = {}
    wanted = [r[5] for r in rows]
    for lo in range(0, len(wanted), 500):
        chunk = wanted[lo : lo + 500]
        marks = ", ".join("?" for _ in chunk)
        created.update(
            project.conn.execute(
                f"SELECT id, created_at FROM codings WHERE id IN ({marks})", chunk
            ).fetchall()
        )
    out: list[Segment] = []
    reader = ContextReader(project, context)
    for doc_id, coder_id, start, end, code_id, coding_id in rows:
        speaker, before, text, after = reader.around(doc_id, start, end)
        out.append(
            Segment(
                coding_id,
                doc_id,
                names.get(doc_id, str(doc_id)),
                code_id,
                paths.get(code_id, ""),
                coder_id,
                coder_names.get(coder_id, "?"),
                start,
                end,
                speaker,
                before,
                text,
                after,
                cases.get(doc_id),
                created.get(coding_id, ""),
            )
        )
    return out


class ContextReader:
    """Speaker and surrounding words of passages, reading each document's text and turns once
    (retrieved segments, search hits)."""

    def __init__(self, project: Project, context: int = CONTEXT) -> None:
        self.project = project
        self.context = context
        self._turns: dict[int, tuple[list[int], list[tuple[int, str | None]]]] = {}

    def speaker(self, document_id: int, offset: int) -> str | None:
        """The speaker of the turn holding ``offset`` (None outside every turn)."""
        if document_id not in self._turns:
            turns = self.project.turns(document_id)
            self._turns[document_id] = (
                [t.start for t in turns],
                [(t.end, t.speaker) for t in turns],
            )
        starts, ends = self._turns[document_id]
        i = bisect_right(starts, offset) - 1
        return ends[i][1] if i >= 0 and offset < ends[i][0] else None

    def around(self, document_id: int, start: int, end: int) -> tuple[str | None, str, str, str]:
        """(speaker, words before, the passage, words after)."""
        text = self.project.text(document_id)
        return (
            self.speaker(document_id, start),
            _clip_left(text, max(0, start - self.context), start),
            text[start:end],
            _clip_right(text, end, min(len(text), end + self.context)),
        )


def _clip_left(text: str, lo: int, hi: int) -> str:
    """``text[lo:hi]`` starting at a word, on one line."""
    if lo > 0:
        space = text.find(" ", lo, hi)
        lo = space + 1 if space != -1 else lo
    return " ".join(text[lo:hi].split()) + (" " if hi > lo and text[hi - 1].isspace() else "")


def _clip_right(text: str, lo: int, hi: int) -> str:
    """``text[lo:hi]`` ending at a word, on one line."""
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space != -1 else hi
    lead = " " if hi > lo and text[lo].isspace() else ""
    return lead + " ".join(text[lo:hi].split())


def excerpt(text: str, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def iter_listing(
    project: Project,
    *,
    doc: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    where: Sequence[str | tuple[str, str]] = (),
    full_text: bool = True,
) -> Iterator[dict[str, Any]]:
    """The codings listing (``workbench codings``) one row at a time, so 200k codings are
    never held at once: id, document, code path, coder, start, end and the coded text (an
    80-character excerpt unless ``full_text``), by document id and position.

    ``code`` is one exact code (not its subcodes), as the command's ``--code``; ``where``
    keeps documents whose case has the attribute values, read by the one ``--where`` reader.
    An unknown document, code, coder, attribute or value is an error here, before the first
    row is asked for (a listing never prints its header and then fails). Under blind coding
    a signed-in coder lists their own codings only (``workbench.permissions``).
    """
    from workbench.permissions import require, visible_coders

    seen = visible_coders(project)
    if coder and seen is not None and coder.strip() not in seen:
        require(project, "work.read", owner=coder.strip())
    if seen is not None and not coder:
        coder = next(iter(seen))
    coder_id = project.coder_id(coder, create=False) if coder else None
    code_id = project.code(code).id if code else None
    if where:
        scope = document_scope(project, parse_where_items(where), [doc] if doc else [])
        document_ids: list[int | None] = [*sorted(scope)]
    else:
        document_ids = [project.document(doc).id if doc else None]
    return _listing_rows(project, document_ids, coder_id, code_id, full_text)


def _listing_rows(
    project: Project,
    document_ids: list[int | None],
    coder_id: int | None,
    code_id: int | None,
    full_text: bool,
) -> Iterator[dict[str, Any]]:
    """The rows of ``iter_listing``, made as they are read."""
    paths = {c.id: c.path for c in project.codes()}
    coders = {c.id: c.name for c in project.coders()}
    docs = {d.id: d.name for d in project.documents()}
    for document_id in document_ids:
        for c in project.iter_codings(document_id=document_id, coder_id=coder_id, code_id=code_id):
            text = project.text(c.document_id)[c.start : c.end]
            yield {
                "id": c.id,
                "document": docs[c.document_id],
                "code": paths[c.code_id],
                "coder": coders[c.coder_id],
                "start": c.start,
                "end": c.end,
                "text": text if full_text else excerpt(text),
            }


def listing(project: Project, **filters: Any) -> list[dict[str, Any]]:
    """``iter_listing`` as a list."""
    return list(iter_listing(project, **filters))
