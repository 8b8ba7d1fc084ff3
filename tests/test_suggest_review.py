"""Running suggesters into the suggestions table, and the review round trip: accept, reject."""

from __future__ import annotations

import pytest

from tests.suggest_helpers import add_text
from workbench.ops import codes
from workbench.ops.coding import apply_code
from workbench.store.errors import WorkbenchError
from workbench.suggest.review import accept, get_suggestion, list_suggestions, reject
from workbench.suggest.run import run_suggestions

TEXT = (
    "Rosa: The representatives met in May. The weather was fine. "
    "Our representative spoke first. Then we had lunch."
)


@pytest.fixture
def proj(project):
    codes.add_code(
        project, "Representation/Selecting representatives", keywords={"en": ["representative"]}
    )
    add_text(project, "rosa", TEXT, language="en")
    return project


def test_run_stores_sentence_suggestions_with_reasons(proj):
    summary = run_suggestions(proj)
    assert summary.added == 2
    assert "no trained model" in summary.notes[0]
    items = list_suggestions(proj, "rosa")
    assert [TEXT[s.start : s.end] for s in items] == [
        "The representatives met in May.",
        "Our representative spoke first.",
    ]
    # nothing is coded yet, so the rule's precision is unknown: 0.5, and the reason says so
    assert {s.reason for s in items} == {
        "keyword 'representative' (lemma) (not seen in coded documents)"
    }
    assert {(s.status, s.suggester, s.score) for s in items} == {("open", "rules", 0.5)}
    again = run_suggestions(proj)
    assert (again.added, again.kept, again.removed) == (0, 2, 0)
    assert len(list_suggestions(proj)) == 2


def test_accept_creates_a_coding_with_provenance_and_undo_removes_it(proj):
    run_suggestions(proj)
    first = list_suggestions(proj)[0]
    coding_id = accept(proj, first.id, "ana")
    coding = proj.codings()[0]
    assert (coding.id, coding.start, coding.end) == (coding_id, first.start, first.end)
    assert coding.source == f"suggestion:{first.id}"
    assert proj.coders()[0].name == "ana" and coding.coder_id == proj.coder_id("ana")
    decided = get_suggestion(proj, first.id)
    assert (decided.status, decided.coding_id, decided.coder) == ("accepted", coding_id, "ana")
    assert [s.id for s in list_suggestions(proj)] != [first.id]
    with pytest.raises(WorkbenchError, match="accepted already"):
        accept(proj, first.id, "ana")

    assert "accept suggestion" in proj.undo()
    assert proj.codings() == []
    reopened = get_suggestion(proj, first.id)
    assert (reopened.status, reopened.coding_id, reopened.coder) == ("open", None, None)
    proj.redo()
    assert proj.codings()[0].source == f"suggestion:{first.id}"
    assert get_suggestion(proj, first.id).coding_id == proj.codings()[0].id


def test_accept_with_a_trimmed_span(proj):
    run_suggestions(proj)
    s = list_suggestions(proj)[0]
    accept(proj, s.id, "ana", start=s.start + 4, end=s.start + 19)
    assert TEXT[proj.codings()[0].start : proj.codings()[0].end] == "representatives"
    s2 = list_suggestions(proj)[0]
    with pytest.raises(WorkbenchError, match="outside the text"):
        accept(proj, s2.id, "ana", start=5, end=5)


def test_reject_is_remembered_by_the_next_run(proj):
    run_suggestions(proj)
    first = list_suggestions(proj)[0]
    reject(proj, first.id, "ana")
    assert get_suggestion(proj, first.id).status == "rejected"
    summary = run_suggestions(proj)
    assert summary.skipped_decided == 1 and summary.added == 0
    assert [s.id for s in list_suggestions(proj)] == [list_suggestions(proj)[0].id]
    assert first.id not in {s.id for s in list_suggestions(proj)}
    assert [s.id for s in list_suggestions(proj, status="rejected")] == [first.id]
    proj.undo()
    assert get_suggestion(proj, first.id).status == "open"


def test_spans_already_coded_are_not_suggested_and_stale_ones_are_dropped(proj):
    start = TEXT.index("Our representative")
    apply_code(
        proj,
        "rosa",
        "Representation/Selecting representatives",
        start + 4,
        start + 18,
        coder="james",
    )
    summary = run_suggestions(proj)
    assert (summary.added, summary.skipped_coded) == (1, 1)
    # the keyword goes away: the open suggestion it made is dropped by the next run
    codes.update_code(proj, "Representation/Selecting representatives", keywords={})
    summary = run_suggestions(proj)
    assert (summary.added, summary.removed) == (0, 1)
    assert list_suggestions(proj) == []


def test_order_by_uncertainty_and_filters(proj):
    run_suggestions(proj)
    with proj.transaction():
        proj.conn.execute("UPDATE suggestions SET score = 0.9 WHERE id = 1")
        proj.conn.execute("UPDATE suggestions SET score = 0.55 WHERE id = 2")
    assert [s.id for s in list_suggestions(proj, order="position")] == [1, 2]
    assert [s.id for s in list_suggestions(proj, order="uncertainty")] == [2, 1]
    assert [s.id for s in list_suggestions(proj, order="score")] == [1, 2]
    assert list_suggestions(proj, code="Representation/Selecting representatives")
    with pytest.raises(WorkbenchError):
        list_suggestions(proj, order="sideways")
    with pytest.raises(WorkbenchError):
        run_suggestions(proj, suggester="learned")  # no model yet: say so


def test_review_api_imports_no_spacy_and_no_ui():
    import subprocess
    import sys

    code = (
        "import sys, workbench.suggest.review, workbench.suggest.run, "
        "workbench.suggest.evaluate, workbench.suggest.learned, workbench.suggest.rules; "
        "print(sorted(m for m in ('spacy', 'rich', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_reject_all_of_a_code_in_a_document_is_one_undoable_action(proj):
    from workbench.suggest.review import reject_all

    add_text(proj, "other", "Rosa: A representative came.", language="en")
    run_suggestions(proj)
    assert len(list_suggestions(proj)) == 3
    code = "Representation/Selecting representatives"
    assert reject_all(proj, "rosa", code, "ana") == 2
    assert [s.document for s in list_suggestions(proj)] == ["other"]
    assert {s.status for s in list_suggestions(proj, "rosa", status="all")} == {"rejected"}
    assert reject_all(proj, "rosa", code, "ana") == 0
    proj.undo()
    assert len(list_suggestions(proj, "rosa")) == 2
