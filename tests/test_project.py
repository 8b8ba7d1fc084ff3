"""The project store: opening, migrations, transactions and the persistent undo log."""

from __future__ import annotations

import sqlite3

import pytest

from tests.core_helpers import INTERVIEW, add_interview
from workbench.ops import codes, coding
from workbench.store.errors import (
    DuplicateDocumentError,
    ProjectError,
    UnknownCodeError,
    WorkbenchError,
)
from workbench.store.migrations import SCHEMA_VERSION
from workbench.store.project import Project


def test_new_project_has_current_schema_and_pragmas(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        assert p.schema_version() == SCHEMA_VERSION
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_open_refuses_missing_when_not_creating(tmp_path):
    with pytest.raises(ProjectError, match="no project here"):
        Project.open(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_open_refuses_a_non_sqlite_file(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some notes, not a database")
    with pytest.raises(ProjectError, match="not a workbench project"):
        Project.open(bogus)
    assert bogus.read_text() == "just some notes, not a database"


def test_document_offsets_are_code_points_and_sentences_stay_inside_turns(project):
    doc = add_interview(project)
    text = project.text(doc.id)
    assert text == INTERVIEW
    turns = project.turns(doc.id)
    assert [t.speaker for t in turns] == ["Interviewer", "Rosa", "Interviewer", "Rosa"]
    assert text[turns[1].start : turns[1].end].startswith("We held an election")
    sentences = project.units(doc.id, "sentence")
    assert [text[s.start : s.end] for s in sentences[1:3]] == [
        "We held an election in each province.",
        "The seats were shared by sector.",
    ]
    for s in sentences:
        assert any(t.start <= s.start and s.end <= t.end for t in turns)


def test_reimport_of_same_text_is_refused_unless_forced(project):
    add_interview(project, "a")
    with pytest.raises(DuplicateDocumentError, match="already in the project as 'a'"):
        add_interview(project, "b")
    add_interview(project, "b", force=True)
    assert [d.name for d in project.documents()] == ["a", "b"]


def test_apply_undo_redo_survive_a_restart(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "Representation/Selecting representatives")
        coding.apply_code(
            p, "rosa", "Representation/Selecting representatives", 57, 94, coder="maria"
        )
    with Project.open(path) as p:
        assert [(c.start, c.end) for c in p.codings()] == [(57, 94)]
        assert p.undo().startswith("apply Representation/Selecting representatives")
        assert p.codings() == []
    with Project.open(path) as p:
        assert p.codings() == []
        assert p.redo().startswith("apply")
    with Project.open(path) as p:
        assert [(c.start, c.end) for c in p.codings()] == [(57, 94)]


def test_new_action_clears_the_redo_stack(project):
    add_interview(project)
    codes.add_code(project, "A")
    coding.apply_code(project, "rosa", "A", 0, 5, coder="x")
    project.undo()
    coding.apply_code(project, "rosa", "A", 5, 9, coder="x")
    assert project.redo() is None
    assert [(c.start, c.end) for c in project.codings()] == [(5, 9)]


def test_failed_action_leaves_nothing_behind(project):
    add_interview(project)
    codes.add_code(project, "A")
    before = project.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError), project.action("apply", "broken") as act:
        act.insert(
            "codings",
            {
                "guid": "g1",
                "document_id": 1,
                "code_id": 1,
                "coder_id": 1,
                "start": 0,
                "end": 4,
                "created_at": "now",
            },
        )
    assert project.codings() == []
    assert project.conn.execute("SELECT count(*) FROM actions").fetchone()[0] == before


def test_apply_code_checks_span_and_code(project):
    doc = add_interview(project)
    codes.add_code(project, "A")
    with pytest.raises(WorkbenchError, match="outside the text"):
        coding.apply_code(project, "rosa", "A", 10, doc.length + 1, coder="x")
    with pytest.raises(WorkbenchError, match="outside the text"):
        coding.apply_code(project, "rosa", "A", 10, 10, coder="x")
    with pytest.raises(UnknownCodeError, match="no code 'B'"):
        coding.apply_code(project, "rosa", "B", 0, 4, coder="x")
    assert project.codings() == []


def test_remove_coding_takes_its_memos_and_undo_restores_both(project):
    add_interview(project)
    codes.add_code(project, "A")
    cid = coding.apply_code(project, "rosa", "A", 0, 11, coder="x")
    coding.add_memo(project, "coding", cid, "why this matters")
    coding.remove_coding(project, cid)
    assert project.codings() == [] and project.memos() == []
    project.undo()
    assert [c.id for c in project.codings()] == [cid]
    assert [m.text for m in project.memos("coding", cid)] == ["why this matters"]


def test_change_and_resize_are_undoable(project):
    add_interview(project)
    codes.add_code(project, "A")
    codes.add_code(project, "B")
    cid = coding.apply_code(project, "rosa", "A", 0, 11, coder="x")
    coding.change_code(project, cid, "B")
    coding.resize_coding(project, cid, 2, 20)
    c = project.codings()[0]
    assert (project.code_by_id(c.code_id).path, c.start, c.end) == ("B", 2, 20)
    project.undo()
    project.undo()
    c = project.codings()[0]
    assert (project.code_by_id(c.code_id).path, c.start, c.end) == ("A", 0, 11)


def test_paragraph_and_document_units(project):
    doc = add_interview(project)
    paragraphs = project.units(doc.id, "paragraph")
    assert len(paragraphs) == 4
    assert project.text(doc.id)[paragraphs[1].start : paragraphs[1].end].startswith("Rosa:")
    assert [(u.start, u.end) for u in project.units(doc.id, "document")] == [(0, doc.length)]


def test_mark_done_is_idempotent_and_reversible(project):
    doc = add_interview(project)
    coder_id = project.coder_id("maria")
    coding.mark_done(project, "rosa", "maria")
    coding.mark_done(project, "rosa", "maria")
    assert project.done_documents(coder_id) == {doc.id}
    coding.mark_done(project, "rosa", "maria", done=False)
    assert project.done_documents(coder_id) == set()


def test_undo_stops_at_a_bulk_action_instead_of_reaching_past_it(project):
    add_interview(project)
    codes.add_code(project, "A")
    add_interview(project, "second", text="Ana: Otra entrevista.")  # not undoable
    assert project.undo() is None
    assert project.undo_barrier() == "import second"
    assert [c.path for c in project.codes()] == ["A"]  # the older code add stays
    coding.apply_code(project, "second", "A", 5, 10, coder="x")
    assert project.undo().startswith("apply")
    assert project.undo() is None and project.undo_barrier() == "import second"
