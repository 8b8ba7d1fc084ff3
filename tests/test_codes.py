"""Code tree operations: add with parents, rename, move, merge, delete; all undoable."""

from __future__ import annotations

import pytest

from tests.core_helpers import add_interview
from workbench.ops import codes, coding
from workbench.store.errors import CodebookError


def paths(project):
    return [c.path for c in project.codes()]


def test_add_creates_missing_parents_in_order(project):
    codes.add_code(project, "Representation/Seat allocation", colour="#aa0000")
    codes.add_code(project, "Representation/Voice")
    assert paths(project) == [
        "Representation",
        "Representation/Seat allocation",
        "Representation/Voice",
    ]
    assert project.code("Representation/Seat allocation").colour == "#AA0000"
    assert project.code(" Representation / Voice ").depth == 2


@pytest.mark.parametrize(
    "bad, message",
    [
        ("A//B", "cannot be empty"),
        ("", "cannot be empty"),
    ],
)
def test_add_rejects_bad_names(project, bad, message):
    with pytest.raises(CodebookError, match=message):
        codes.add_code(project, bad)
    assert paths(project) == []


def test_add_rejects_existing_and_bad_colour(project):
    codes.add_code(project, "A")
    with pytest.raises(CodebookError, match="exists already"):
        codes.add_code(project, "A")
    with pytest.raises(CodebookError, match="#RRGGBB"):
        codes.add_code(project, "B", colour="red")


def test_rename_refuses_a_sibling_clash_and_undo_restores(project):
    codes.add_code(project, "G/A")
    codes.add_code(project, "G/B")
    with pytest.raises(CodebookError, match="exists already"):
        codes.rename_code(project, "G/A", "B")
    codes.rename_code(project, "G/A", "Alpha")
    assert "G/Alpha" in paths(project)
    project.undo()
    assert "G/A" in paths(project)


def test_move_subtree_and_refuse_cycles(project):
    codes.add_code(project, "G/A/x")
    codes.add_code(project, "H")
    codes.move_code(project, "G/A", "H")
    assert paths(project) == ["G", "H", "H/A", "H/A/x"]
    with pytest.raises(CodebookError, match="under itself"):
        codes.move_code(project, "H", "H/A/x")
    codes.move_code(project, "H/A", None)
    assert "A/x" in paths(project)


def test_merge_repoints_codings_and_children(project):
    add_interview(project)
    codes.add_code(project, "G/A/child")
    codes.add_code(project, "G/B")
    coding.apply_code(project, "rosa", "G/A", 0, 10, coder="x")
    coding.apply_code(project, "rosa", "G/A", 20, 30, coder="x")
    assert codes.merge_codes(project, "G/A", "G/B") == 2
    assert paths(project) == ["G", "G/B", "G/B/child"]
    b = project.code("G/B").id
    assert [c.code_id for c in project.codings()] == [b, b]
    project.undo()
    assert paths(project) == ["G", "G/A", "G/A/child", "G/B"]
    a = project.code("G/A").id
    assert [c.code_id for c in project.codings()] == [a, a]


def test_delete_refused_while_coded_unless_forced(project):
    add_interview(project)
    codes.add_code(project, "G/A")
    coding.apply_code(project, "rosa", "G/A", 0, 10, coder="x")
    with pytest.raises(CodebookError, match="1 coding"):
        codes.delete_code(project, "G")
    assert paths(project) == ["G", "G/A"]
    assert codes.delete_code(project, "G", force=True) == 1
    assert paths(project) == [] and project.codings() == []
    project.undo()
    assert paths(project) == ["G", "G/A"] and len(project.codings()) == 1
