"""Quotations by code, for papers: Markdown, HTML or Word.

Every coded passage is listed under its code, codes nested as in the codebook (a group, then
its subcodes). Each quotation says where it comes from: document, case, speaker (of the turn
in which it starts), character position ``start–end``, and sentence and turn numbers (counted
from 1). The same passage coded by several coders is shown once, naming them all.
"""

from __future__ import annotations

import bisect
import html
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.analysis.filters import parse_where_items
from workbench.export.tables import Where, select_codes, select_codings
from workbench.files import write_atomic
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

FORMATS = (".md", ".html", ".docx")


@dataclass
class Quotation:
    document: str
    case: str | None
    speaker: str | None
    start: int
    end: int
    sentence: int | None
    turn: int | None
    text: str
    coders: list[str] = field(default_factory=list)

    def source_line(self) -> str:
        """``rosa (case DRS01), Rosa, 57–94, sentence 2, turn 2; coded by maria``."""
        case = " " + _("(case {case})").format(case=self.case) if self.case else ""
        parts = [self.document + case]
        if self.speaker:
            parts.append(self.speaker)
        parts.append(f"{self.start}–{self.end}")
        if self.sentence is not None:
            parts.append(_("sentence {n}").format(n=self.sentence))
        if self.turn is not None:
            parts.append(_("turn {n}").format(n=self.turn))
        return _("{where}; coded by {coders}").format(
            where=", ".join(parts), coders=", ".join(self.coders)
        )


@dataclass
class Section:
    path: str
    name: str
    depth: int
    description: str | None
    quotations: list[Quotation] = field(default_factory=list)


class _Locator:
    """Finds the turn and sentence a position falls in, per document, with bisection."""

    def __init__(self, project: Project):
        self.project = project
        self.cache: dict[int, tuple] = {}

    def _load(self, doc_id: int) -> tuple:
        if doc_id not in self.cache:
            turns = self.project.turns(doc_id)
            sentences = self.project.units(doc_id, "sentence")
            self.cache[doc_id] = (
                turns,
                [t.start for t in turns],
                sentences,
                [s.start for s in sentences],
            )
        return self.cache[doc_id]

    def locate(self, doc_id: int, pos: int) -> tuple[str | None, int | None, int | None]:
        turns, turn_starts, sentences, sent_starts = self._load(doc_id)
        speaker = turn_no = sent_no = None
        i = bisect.bisect_right(turn_starts, pos) - 1
        if i >= 0:
            speaker, turn_no = turns[i].speaker, turns[i].seq + 1
        j = bisect.bisect_right(sent_starts, pos) - 1
        if j >= 0 and pos < sentences[j].end:
            sent_no = sentences[j].seq + 1
        elif j + 1 < len(sentences) and pos < sentences[j + 1].start:
            sent_no = sentences[j + 1].seq + 1  # whitespace before a sentence belongs to it
        return speaker, turn_no, sent_no


def quotations(
    project: Project,
    *,
    coder: str | None = None,
    where: Where = None,
    codes: Sequence[str] | None = None,
) -> list[Section]:
    """The sections of the report: selected codes in codebook order with their quotations.

    Codes without quotations are left out unless a subcode has some (their heading is kept).
    """
    chosen = select_codes(project, codes)
    all_codes = [c for c in project.codes() if c.id in chosen]
    docs = {d.id: d for d in project.documents()}
    cases = {c.id: c.name for c in project.cases()}
    coders = {c.id: c.name for c in project.coders()}
    locator = _Locator(project)
    by_code: dict[int, dict[tuple[int, int, int], Quotation]] = {}
    for coding in select_codings(project, coder=coder, where=where, codes=codes):
        key = (coding.document_id, coding.start, coding.end)
        found = by_code.setdefault(coding.code_id, {}).get(key)
        if found is None:
            doc = docs[coding.document_id]
            speaker, turn, sentence = locator.locate(doc.id, coding.start)
            found = Quotation(
                doc.name,
                cases.get(doc.case_id),
                speaker,
                coding.start,
                coding.end,
                sentence,
                turn,
                project.text(doc.id)[coding.start : coding.end],
            )
            by_code[coding.code_id][key] = found
        name = coders[coding.coder_id]
        if name not in found.coders:
            found.coders.append(name)
    sections = []
    for code in all_codes:
        quotes = sorted(
            by_code.get(code.id, {}).values(), key=lambda q: (q.document, q.start, q.end)
        )
        sections.append(Section(code.path, code.name, code.depth, code.description, quotes))
    keep = [False] * len(sections)
    for i in range(len(sections) - 1, -1, -1):
        has_own = bool(sections[i].quotations)
        has_child = any(
            keep[j]
            for j in range(i + 1, len(sections))
            if sections[j].path.startswith(sections[i].path + "/")
        )
        keep[i] = has_own or has_child
    return [s for s, k in zip(sections, keep, strict=True) if k]


def _filters_line(coder: str | None, where: Where, codes: Sequence[str] | None) -> str:
    parts = []
    if coder:
        parts.append(_("coder {coder}").format(coder=coder))
    for key, value in parse_where_items(where):
        parts.append(f"{key} = {value}")
    if codes:
        parts.append(_("codes {codes}").format(codes=", ".join(codes)))
    return _("Selection: {where}.").format(where="; ".join(parts)) if parts else _("All codings.")


def render_markdown(sections: list[Section], title: str, filters: str) -> str:
    lines = [f"# {title}", "", filters, ""]
    for s in sections:
        lines += [f"{'#' * min(s.depth + 1, 6)} {s.path}", ""]
        if s.description:
            lines += [f"*{s.description.strip()}*", ""]
        for q in s.quotations:
            body = q.text.strip().split("\n")
            lines += [f"> {line}" if line else ">" for line in body]
            lines += [">", f"> — {q.source_line()}", ""]
    return "\n".join(lines).rstrip() + "\n"


def render_html(sections: list[Section], title: str, filters: str) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:Georgia,serif;max-width:46em;margin:2em auto;line-height:1.45}"
        "blockquote{border-left:3px solid #999;margin:1em 0;padding:.2em 1em}"
        "blockquote p{white-space:pre-wrap;margin:.3em 0}"
        ".source{font-size:.9em;color:#444}.description{font-style:italic}</style>",
        "</head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(filters)}</p>",
    ]
    for s in sections:
        level = min(s.depth + 1, 6)
        out.append(f"<h{level}>{e(s.path)}</h{level}>")
        if s.description:
            out.append(f'<p class="description">{e(s.description.strip())}</p>')
        for q in s.quotations:
            out.append(
                f"<blockquote><p>{e(q.text.strip())}</p>"
                f'<p class="source">— {e(q.source_line())}</p></blockquote>'
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_docx(sections: list[Section], title: str, filters: str) -> bytes:
    from docx import Document as DocxDocument

    doc = DocxDocument()
    doc.add_heading(title, level=0)
    doc.add_paragraph(filters)
    for s in sections:
        doc.add_heading(s.path, level=min(s.depth, 9))
        if s.description:
            doc.add_paragraph().add_run(s.description.strip()).italic = True
        for q in s.quotations:
            doc.add_paragraph(q.text.strip(), style="Quote")
            source = doc.add_paragraph()
            source.add_run("— " + q.source_line()).font.size = None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def export_quotations(
    project: Project,
    path: str | os.PathLike[str],
    *,
    coder: str | None = None,
    where: Where = None,
    codes: Sequence[str] | None = None,
    title: str | None = None,
) -> int:
    """Write the quotation report to ``path`` (format by suffix); return the quotation count.
    Its words are in the language of the report being written (``i18n.speaking``)."""
    title = title or _("Quotations by code")
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(_("write quotations as .md, .html or .docx"), source=str(path))
    sections = quotations(project, coder=coder, where=where, codes=codes)
    filters = _filters_line(coder, where, codes)
    if suffix == ".md":
        data = render_markdown(sections, title, filters).encode("utf-8")
    elif suffix == ".html":
        data = render_html(sections, title, filters).encode("utf-8")
    else:
        data = render_docx(sections, title, filters)
    write_atomic(path, data)
    return sum(len(s.quotations) for s in sections)
