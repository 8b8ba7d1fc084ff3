"""``check`` finds a drifted search index, a damaged undo log and floods of bad spans."""

from __future__ import annotations

from tests.core_helpers import add_interview
from workbench.ops import codes, coding
from workbench.ops.check import MAX_LISTED, check_project


def problems(project) -> str:
    return "\n".join(check_project(project).problems)


def test_a_sound_project_reports_what_was_checked(project):
    add_interview(project)
    codes.add_code(project, "A")
    coding.apply_code(project, "rosa", "A", 0, 5, coder="x")
    report = check_project(project)
    assert report.ok, report.problems
    sentences = len(project.units(project.document("rosa").id, "sentence"))
    assert report.checked["sentences"] == sentences == report.checked["search index rows"]
    assert report.checked["codings"] == 1 and report.checked["actions"] >= 2


def test_search_index_missing_changed_and_orphan_rows(project):
    add_interview(project)
    add_interview(project, name="other", text="Ana: One thing. Another thing.")
    first = project.conn.execute("SELECT min(id) FROM sentences").fetchone()[0]
    project.conn.execute("DELETE FROM sentences_fts WHERE sentence_id = ?", (first,))
    project.conn.execute(
        "UPDATE sentences_fts SET text = 'tampered' WHERE sentence_id = ?", (first + 1,)
    )
    project.conn.execute(
        "INSERT INTO sentences_fts (text, sentence_id, document_id) VALUES ('ghost', 9999, 1)"
    )
    found = problems(project)
    assert "document 'rosa': 1 sentence(s) missing from the search index" in found
    assert "document 'rosa': 1 search index row(s) do not match their sentence" in found
    assert "search index: 1 row(s) for sentences that do not exist" in found
    assert "'other'" not in found


def test_a_damaged_undo_record_is_found(project):
    add_interview(project)
    codes.add_code(project, "A")
    action = project.conn.execute("SELECT max(id) FROM actions").fetchone()[0]
    project.conn.execute("UPDATE actions SET changes = '[{\"table\": ' WHERE id = ?", (action,))
    assert f"action {action}: its undo record is damaged" in problems(project)


def test_many_bad_spans_are_listed_then_counted(project):
    add_interview(project)
    codes.add_code(project, "A")
    for i in range(MAX_LISTED + 5):
        coding.apply_code(project, "rosa", "A", i, i + 3, coder="x")
    project.conn.execute('UPDATE codings SET "end" = 100000')
    found = check_project(project).problems
    assert (
        sum(p.startswith("codings ") and "outside document 'rosa'" in p for p in found)
        == MAX_LISTED
    )
    assert "codings: 5 more span(s) outside their document" in found
