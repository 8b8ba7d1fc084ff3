"""Merging codes never makes two identical codings, and undo gives back the exact prior state."""

from __future__ import annotations

from workbench.ingest.base import ParsedTranscript
from workbench.ops.check import check_project
from workbench.ops.codes import add_code, merge_codes
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.documents import add_document
from workbench.store.project import Project

SKIP = ("actions", "settings")  # the log itself and undo's bookkeeping


def state(project: Project) -> list[str]:
    """Every row of every user table, as SQL text."""
    return [
        line
        for line in project.conn.iterdump()
        if not any(f'INSERT INTO "{t}"' in line for t in SKIP)
    ]


def rows(project: Project) -> list[tuple[str, str, int, int]]:
    return sorted(
        project.conn.execute(
            'SELECT codes.name, coders.name, start, "end" FROM codings '
            "JOIN codes ON codes.id = code_id JOIN coders ON coders.id = coder_id"
        ).fetchall()
    )


def test_merging_codes_that_cover_the_same_span_keeps_one_coding(tmp_path):
    with Project.open(tmp_path / "p.db") as project:
        add_document(project, ParsedTranscript("One two three four five six seven."), name="d1")
        add_code(project, "Corruption")
        add_code(project, "Access")
        dup = apply_code(project, "d1", "Corruption", 0, 3, coder="maria")
        kept = apply_code(project, "d1", "Access", 0, 3, coder="maria")
        apply_code(project, "d1", "Corruption", 0, 3, coder="james")  # another coder: not a dup
        apply_code(project, "d1", "Corruption", 4, 7, coder="maria")
        add_memo(project, "coding", dup, "why this span", coder="maria")
        add_memo(project, "code", project.code("Corruption").id, "about corruption")
        before = state(project)

        assert merge_codes(project, "Corruption", "Access") == 2
        after = state(project)
        assert rows(project) == [
            ("Access", "james", 0, 3),
            ("Access", "maria", 0, 3),
            ("Access", "maria", 4, 7),
        ]
        access = project.code("Access").id
        assert [(m.target_type, m.target_id, m.text) for m in project.memos()] == [
            ("coding", kept, "why this span"),
            ("code", access, "about corruption"),
        ]
        assert check_project(project).ok

        assert project.undo().startswith("merge Corruption into Access")
        assert state(project) == before  # codings, memos (re-pointed ones too), codes
        assert project.redo().startswith("merge")
        assert state(project) == after
