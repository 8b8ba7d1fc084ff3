"""A small project for the app's tests: two interviews with speaker turns, a codebook, two
coders, one coding by the other coder."""

from __future__ import annotations

from pathlib import Path

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.ops.documents import add_document
from workbench.store.project import Project

TURNS_A = [
    ("Interviewer", "How were the members of the council chosen?"),
    (
        "DRS01",
        "Each network chose its representative in an assembly. The regional office "
        "only checked the papers. Nobody from the ministry took part.",
    ),
    ("Interviewer", "Did the budget follow?"),
    (
        "DRS01",
        "The budget stayed in Lima for two years. We had the powers but not the money, "
        "so the transfer of powers was only on paper.",
    ),
]
TURNS_B = [
    ("Interviewer", "What changed after the reform?"),
    ("NGO01", "Community groups were finally invited. The budget was published every month."),
]
CODES = [
    "Representation/Selecting representatives",
    "Representation/Seat allocation",
    "Decentralization/Budget execution",
    "Decentralization/Transfer of powers",
    "Transparency/Access to information",
]


def transcript(turns: list[tuple[str, str]]) -> ParsedTranscript:
    text, parsed = "", []
    for speaker, said in turns:
        if text:
            text += "\n\n"
        start = len(text)
        text += f"{speaker}: {said}"
        parsed.append(ParsedTurn(start, len(text), speaker))
    return ParsedTranscript(text=text, turns=parsed)


def build_project(path: Path) -> Path:
    """Write the test project at ``path`` and return it."""
    with Project.open(path) as project:
        add_document(project, transcript(TURNS_A), name="DRS01", case="DRS01")
        add_document(project, transcript(TURNS_B), name="NGO01", case="NGO01")
        for code in CODES:
            add_code(project, code)
        text = project.text(project.document("DRS01").id)
        start = text.index("The budget stayed")
        apply_code(
            project,
            "DRS01",
            "Decentralization/Budget execution",
            start,
            start + len("The budget stayed in Lima for two years."),
            coder="james",
        )
        project.coder_id("maria")
    return path
