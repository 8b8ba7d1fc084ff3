"""A small project for the analysis screens: two coders who coded DRS01 (and marked it done),
codes that meet, and three open suggestions. Built with the core API on top of ``tui_helpers``.

Co-occurrence (overlap, both coders summed), worked by hand:

- maria: Budget execution over the whole answer about the budget, Transfer of powers over its
  second sentence (inside it): one pair. james: Budget execution on the first sentence (from
  ``tui_helpers``) and Transfer of powers over the first sentence and the start of the second:
  one pair. Budget execution x Transfer of powers = 2.
- maria: Selecting representatives on "Each network chose its representative in an
  assembly." and Seat allocation on that sentence plus the next: 1.
- maria in NGO01: Access to information and Budget execution on the same sentence: 1.

Frequencies: Budget execution 3 (maria 2, james 1), Transfer of powers 2, Selecting 2
(maria, james), Seat allocation 1, Access to information 1.
"""

from __future__ import annotations

from pathlib import Path

from tui_helpers import build_project

from workbench.ops.coding import apply_code, mark_done
from workbench.store.connection import now
from workbench.store.project import Project

BUDGET = "Decentralization/Budget execution"
TRANSFER = "Decentralization/Transfer of powers"
SELECTING = "Representation/Selecting representatives"
SEATS = "Representation/Seat allocation"
ACCESS = "Transparency/Access to information"

#: (document, code, start, end, score, reason) of the open suggestions
SUGGESTIONS = [
    ("DRS01", ACCESS, "The regional office only checked the papers.", 0.55, "model: 0.55"),
    ("DRS01", SEATS, "Nobody from the ministry took part.", 0.95, "model: 0.95"),
    ("NGO01", SELECTING, "Community groups were finally invited.", 1.0, "keyword 'invited'"),
]


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build_analysis_project(path: Path) -> Path:
    build_project(path)
    with Project.open(path) as project:
        drs = project.document("DRS01").id
        ngo = project.document("NGO01").id
        text = project.text(drs)
        answer = span(
            text,
            "The budget stayed in Lima for two years. We had the powers but "
            "not the money, so the transfer of powers was only on paper.",
        )
        second = span(
            text,
            "We had the powers but not the money, so the transfer of powers was only on paper.",
        )
        first = span(text, "The budget stayed in Lima for two years.")
        chose = span(text, "Each network chose its representative in an assembly.")
        chose_more = span(
            text,
            "Each network chose its representative in an assembly. The "
            "regional office only checked the papers.",
        )
        apply_code(project, "DRS01", BUDGET, *answer, coder="maria")
        apply_code(project, "DRS01", TRANSFER, *second, coder="maria")
        apply_code(project, "DRS01", TRANSFER, first[0], second[0] + len("We had"), coder="james")
        apply_code(project, "DRS01", SELECTING, *chose, coder="maria")
        apply_code(project, "DRS01", SEATS, *chose_more, coder="maria")
        apply_code(project, "DRS01", SELECTING, *chose, coder="james")
        ngo_text = project.text(ngo)
        published = span(ngo_text, "The budget was published every month.")
        apply_code(project, "NGO01", ACCESS, *published, coder="maria")
        apply_code(project, "NGO01", BUDGET, *published, coder="maria")
        mark_done(project, "DRS01", "maria", True)
        mark_done(project, "DRS01", "james", True)
        add_suggestions(project)
    return path


def add_suggestions(project: Project) -> None:
    """Store the open suggestions as ``suggest run`` does (one bulk, non-undoable action)."""
    rows = []
    for doc, code, phrase, score, reason in SUGGESTIONS:
        document = project.document(doc)
        start, end = span(project.text(document.id), phrase)
        rows.append(
            (
                document.id,
                project.code(code).id,
                start,
                end,
                score,
                "rules" if score == 1.0 else "learned",
                reason,
                now(),
            )
        )
    with project.action("suggest", "suggest: test fixture", undoable=False):
        project.conn.executemany(
            'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
            "reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
            rows,
        )
