"""Builders for the co-occurrence and figure tests: small projects with hand-placed codings."""

from __future__ import annotations

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.codes import add_code
from workbench.ops.documents import add_document
from workbench.store.connection import new_guid, now
from workbench.store.project import Project

FILLER = "Word " * 2000  # 10,000 characters: room for hand-placed spans


def add_doc(
    project: Project,
    name: str,
    text: str = FILLER,
    case: str | None = None,
    turns: list[tuple[int, int]] | None = None,
) -> int:
    parsed = ParsedTranscript(text, [ParsedTurn(s, e, "R") for s, e in (turns or [])])
    return add_document(project, parsed, name=name, case=case, force=True).id


def add_codes(project: Project, *paths: str, colours: dict[str, str] | None = None) -> None:
    for path in paths:
        colour = (colours or {}).get(path)
        add_code(project, path, **({"colour": colour} if colour else {}))


def code(project: Project, doc: str, path: str, start: int, end: int, coder: str = "maria") -> int:
    """Insert one coding directly (fast; these tests are about counting, not undo)."""
    row = project.conn.execute(
        'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", created_at) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            new_guid(),
            project.document(doc).id,
            project.code(path).id,
            project.coder_id(coder),
            start,
            end,
            now(),
        ),
    )
    return row.lastrowid


def set_attribute(project: Project, case: str, name: str, value: str) -> None:
    conn = project.conn
    conn.execute("INSERT OR IGNORE INTO attributes (name, type) VALUES (?, 'text')", (name,))
    attr = conn.execute("SELECT id FROM attributes WHERE name = ?", (name,)).fetchone()[0]
    conn.execute(
        "INSERT OR REPLACE INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?)",
        (project.case_id(case), attr, value),
    )


def counts(result) -> dict[tuple[str, str], int]:
    return {(p.a, p.b): p.count for p in result.pairs}


GROUP_COLOURS = {"Decentralization": "#1F77B4", "Participation": "#2CA02C"}
DEC, PAR = "Decentralization", "Participation"
BUDGET, AUTONOMY = f"{DEC}/Budget execution", f"{DEC}/Regional autonomy"
CIVIL, BARRIERS = f"{PAR}/Civil society inclusion", f"{PAR}/Barriers to participation"


def small_study(project: Project) -> Project:
    """Two interviews in two regions, two coders, four subcodes in two coloured groups.

    Co-occurrence (overlap, both coders): Budget-Civil 2, Budget-Autonomy 1, Autonomy-Civil 1,
    Autonomy-Barriers 1; frequencies Budget 2, Autonomy 2, Civil 2, Barriers 1.
    """
    for group, colour in GROUP_COLOURS.items():
        add_code(project, group, colour=colour)
    add_codes(project, BUDGET, AUTONOMY, CIVIL, BARRIERS)
    add_doc(project, "DRS01", case="DRS01")
    add_doc(project, "NGO01", FILLER.replace("Word", "Text"), case="NGO01")
    set_attribute(project, "DRS01", "region", "Piura")
    set_attribute(project, "NGO01", "region", "Loreto")
    code(project, "DRS01", BUDGET, 0, 50)
    code(project, "DRS01", CIVIL, 40, 60)
    code(project, "DRS01", AUTONOMY, 45, 55)  # meets Budget, Civil
    code(project, "NGO01", BUDGET, 0, 20, coder="james")
    code(project, "NGO01", CIVIL, 10, 30, coder="james")
    code(project, "NGO01", BARRIERS, 200, 220, coder="james")
    code(project, "NGO01", AUTONOMY, 210, 230, coder="james")
    return project
