"""Builders for small projects used across the core tests."""

from __future__ import annotations

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.documents import add_document
from workbench.store.project import Project

INTERVIEW = (
    "Interviewer: How were the representatives chosen?\n\n"
    "Rosa: We held an election in each province. The seats were shared by sector.\n\n"
    "Interviewer: And the budget?\n\n"
    "Rosa: The region executed only half of it. Lima decided the rest."
)


def turns_of(text: str) -> list[ParsedTurn]:
    """Turns for ``Name: utterance`` paragraphs, offsets of the utterance only."""
    turns, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos)
        label, _, rest = para.partition(": ")
        content_start = start + len(label) + 2
        turns.append(ParsedTurn(content_start, start + len(para), label))
        pos = start + len(para)
    return turns


def add_interview(project: Project, name: str = "rosa", text: str = INTERVIEW, **kw):
    return add_document(project, ParsedTranscript(text, turns_of(text)), name=name, **kw)
