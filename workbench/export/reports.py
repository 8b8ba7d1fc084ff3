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
from typing import Any

from workbench.analysis.filters import parse_where_items
from workbench.export.tables import Where, select_codes, select_codings
from workbench.files import write_atomic
from workbench.i18n import _
from workbench.ops.media_time import Timeline, format_span, timed
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project, read_snapshot

FORMATS = (".md", ".html", ".docx")
#: what a quotation says of who spoke: the label as written, a pseudonym, or nothing
SPEAKER_MODES = ("show", "pseudonym", "hide")


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
    #: ``[00:12:03-00:12:41]`` when the document has times (a recording or timestamps)
    time_span: str | None = None

    def source_line(self) -> str:
        """``rosa (case DRS01), Rosa, 57–94 [00:12:03-00:12:41], sentence 2, turn 2; coded by
        maria`` (the time span only when the document has times)."""
        case = " " + _("(case {case})").format(case=self.case) if self.case else ""
        parts = [self.document + case]
        if self.speaker:
            parts.append(self.speaker)
        parts.append(f"{self.start}–{self.end}" + (f" {self.time_span}" if self.time_span else ""))
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
        self.timelines: dict[int, Timeline | None] = {}

    def time_span(self, doc_id: int, start: int, end: int) -> str | None:
        """The passage's time span, when its document has times."""
        if doc_id not in self.timelines:
            self.timelines[doc_id] = timed(self.project, doc_id)
        line = self.timelines[doc_id]
        return format_span(*line.span(start, end)) if line is not None else None

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


@read_snapshot
def quotations(
    project: Project,
    *,
    coder: str | None = None,
    where: Where = None,
    codes: Sequence[str] | None = None,
    speakers: str = "show",
    key: str | Path | None = None,
) -> list[Section]:
    """The sections of the report: selected codes in codebook order with their quotations.

    Codes without quotations are left out unless a subcode has some (their heading is kept).
    ``speakers`` says how each quotation names who spoke (``SPEAKER_MODES``); ``key`` is
    the pseudonym key ``pseudonym`` reads (default: the one beside the project).
    """
    if speakers not in SPEAKER_MODES:
        from workbench.i18n import _

        raise WorkbenchError(
            _("--speakers is one of {modes}, not {mode!r}").format(
                modes=", ".join(SPEAKER_MODES), mode=speakers
            )
        )
    label = SpeakerLabels(project, speakers, key)
    chosen = select_codes(project, codes)
    all_codes = [c for c in project.codes() if c.id in chosen]
    docs = {d.id: d for d in project.documents()}
    cases: dict[int | None, str] = {c.id: c.name for c in project.cases()}
    coders = {c.id: c.name for c in project.coders()}
    locator = _Locator(project)
    by_code: dict[int, dict[tuple[int, int, int], Quotation]] = {}
    for coding in select_codings(project, coder=coder, where=where, codes=codes):
        span_key = (coding.document_id, coding.start, coding.end)
        found = by_code.setdefault(coding.code_id, {}).get(span_key)
        if found is None:
            doc = docs[coding.document_id]
            speaker, turn, sentence = locator.locate(doc.id, coding.start)
            found = Quotation(
                doc.name,
                cases.get(doc.case_id),
                label(doc.id, speaker),
                coding.start,
                coding.end,
                sentence,
                turn,
                project.text(doc.id)[coding.start : coding.end],
                time_span=locator.time_span(doc.id, coding.start, coding.end),
            )
            by_code[coding.code_id][span_key] = found
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


class SpeakerLabels:
    """Speaker labels as a quotation shows them.

    ``pseudonym`` keeps labels that name a role (Interviewer, Entrevistadora) and labels
    already pseudonymised (``[Participant 03]``, or any pseudonym of the key); in a label
    that names an entry of the key (``key``, else ``NAME.key.csv`` beside the project), each
    entry is replaced as ``pseudonymise apply`` replaces it in the text, so a quotation and
    a released transcript say the same; any other label becomes ``Speaker 1``,
    ``Speaker 2`` ... numbered per document in order of speaking.
    """

    def __init__(self, project: Project, mode: str, key: str | Path | None = None) -> None:
        self.project = project
        self.mode = mode
        self.numbers: dict[int, dict[str, int]] = {}
        self.matcher: Any = None
        self.replacer: Any = None
        self.pseudonyms: set[str] = set()
        if mode == "pseudonym":
            from workbench.pseudonymise.apply import DEFAULT_STYLES, Replacer
            from workbench.pseudonymise.forms import Matcher, fold
            from workbench.pseudonymise.key import default_key_path, read_key

            if key is None and project.path.name != ":memory:":
                beside = default_key_path(project.path)
                key = beside if beside.exists() else None
            if key is not None:
                entries = read_key(key).accepted()
                self.matcher = Matcher(entries, shared=True)
                self.replacer = Replacer(
                    self.matcher.entries, DEFAULT_STYLES, shared=self.matcher.shared
                )
                self.pseudonyms = {fold(e.pseudonym.strip("[] ")) for e in entries}

    def __call__(self, document_id: int, speaker: str | None) -> str | None:
        if self.mode == "show" or speaker is None:
            return speaker
        if self.mode == "hide":
            return None
        from workbench.pseudonymise.detect import generic_speaker
        from workbench.pseudonymise.forms import fold

        bare = speaker.strip()
        if generic_speaker(bare) or (bare.startswith("[") and bare.endswith("]")):
            return speaker
        if fold(bare.strip("[] ")) in self.pseudonyms:
            return speaker
        if self.matcher is not None:
            from workbench.pseudonymise.apply import replace_in

            replaced, hits = replace_in(speaker, self.matcher, self.replacer)
            if hits:
                return replaced
        numbers = self.numbers.get(document_id)
        if numbers is None:
            numbers = self.numbers[document_id] = {}
            for turn in self.project.turns(document_id):
                if turn.speaker and not generic_speaker(turn.speaker):
                    numbers.setdefault(turn.speaker, len(numbers) + 1)
        return _("Speaker {n}").format(n=numbers.get(speaker, len(numbers) + 1))


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
    speakers: str = "show",
    key: str | Path | None = None,
) -> int:
    """Write the quotation report to ``path`` (format by suffix); return the quotation count.
    Its words are in the language of the report being written (``i18n.speaking``)."""
    title = title or _("Quotations by code")
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(_("write quotations as .md, .html or .docx"), source=str(path))
    sections = quotations(
        project, coder=coder, where=where, codes=codes, speakers=speakers, key=key
    )
    filters = _filters_line(coder, where, codes)
    if suffix == ".md":
        data = render_markdown(sections, title, filters).encode("utf-8")
    elif suffix == ".html":
        data = render_html(sections, title, filters).encode("utf-8")
    else:
        data = render_docx(sections, title, filters)
    write_atomic(path, data)
    return sum(len(s.quotations) for s in sections)
