"""The code-tree operations of ``workbench.ops.codes``: each one safe, undoable and loss-free."""

from __future__ import annotations

import pytest

from workbench.ingest.base import ParsedTranscript
from workbench.ops.codes import (
    add_code,
    delete_code,
    merge_codes,
    move_code,
    rename_code,
    update_code,
)
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.documents import add_document
from workbench.store.errors import CodebookError, UnknownCodeError


def tree(project) -> list[str]:
    return [c.path for c in project.codes()]


@pytest.fixture
def doc(project):
    add_document(project, ParsedTranscript(text="One two three four five six seven."), name="d1")
    return "d1"


def test_add_creates_parents_and_refuses_duplicates_and_bad_names(project):
    code = add_code(project, " Group / Sub / Leaf ", description="x", colour="#abcdef")
    assert code.path == "Group/Sub/Leaf" and code.colour == "#ABCDEF"
    assert tree(project) == ["Group", "Group/Sub", "Group/Sub/Leaf"]
    with pytest.raises(CodebookError, match="exists already"):
        add_code(project, "Group/Sub")
    with pytest.raises(CodebookError, match="cannot be empty"):
        add_code(project, "Group//X")
    with pytest.raises(CodebookError, match="#RRGGBB"):
        add_code(project, "Other", colour="blue")
    with pytest.raises(CodebookError, match="unknown code field"):
        add_code(project, "Other", colur="#000000")
    assert tree(project) == ["Group", "Group/Sub", "Group/Sub/Leaf"]
    # one action: undo removes the parents created with it
    project.undo()
    assert tree(project) == []


def test_add_with_a_guid_that_is_taken_is_a_codebook_error(project):
    guid = add_code(project, "A").guid
    with pytest.raises(CodebookError, match="GUID"):
        add_code(project, "B", guid=guid)
    assert tree(project) == ["A"]


def test_update_and_undo(project):
    add_code(project, "A", description="old")
    update_code(project, "A", description="new", keywords={"en": ["w"]}, examples=["e"])
    code = project.code("A")
    assert (code.description, code.keywords, code.examples) == ("new", {"en": ["w"]}, ("e",))
    project.undo()
    assert project.code("A").description == "old" and project.code("A").keywords == {}


def test_rename_keeps_identity_and_refuses_a_taken_name(project, doc):
    add_code(project, "G/A")
    add_code(project, "G/B")
    before = project.code("G/A")
    apply_code(project, doc, "G/A", 0, 3, coder="maria")
    renamed = rename_code(project, "G/A", "C")
    assert (renamed.id, renamed.path) == (before.id, "G/C")
    assert project.codings()[0].code_id == before.id
    with pytest.raises(CodebookError, match="'G/B' exists already"):
        rename_code(project, "G/C", "B")
    with pytest.raises(CodebookError, match="cannot contain '/'"):
        rename_code(project, "G/C", "x/y")


def test_move_with_subtree_and_refusals(project):
    add_code(project, "A/B/C")
    add_code(project, "D/B")
    moved = move_code(project, "A/B", None)
    assert moved.path == "B"
    assert tree(project) == ["A", "D", "D/B", "B", "B/C"]
    with pytest.raises(CodebookError, match="under itself"):
        move_code(project, "B", "B/C")
    with pytest.raises(CodebookError, match="'D/B' exists already"):
        move_code(project, "B", "D")
    with pytest.raises(UnknownCodeError):
        move_code(project, "B", "Nowhere")
    project.undo()
    assert tree(project) == ["A", "A/B", "A/B/C", "D", "D/B"]


def test_merge_repoints_codings_memos_and_children(project, doc):
    add_code(project, "G/Src/Child")
    add_code(project, "G/Dst")
    apply_code(project, doc, "G/Src", 0, 3, coder="maria")
    apply_code(project, doc, "G/Src", 4, 7, coder="james")
    apply_code(project, doc, "G/Dst", 8, 13, coder="maria")
    src_id, dst_id = project.code("G/Src").id, project.code("G/Dst").id
    add_memo(project, "code", src_id, "note on Src")
    assert merge_codes(project, "G/Src", "G/Dst") == 2
    assert tree(project) == ["G", "G/Dst", "G/Dst/Child"]
    assert [c.code_id for c in project.codings()] == [dst_id] * 3
    assert [m.target_id for m in project.memos("code")] == [dst_id]
    project.undo()
    assert tree(project) == ["G", "G/Src", "G/Src/Child", "G/Dst"]
    assert [c.code_id for c in project.codings()] == [src_id, src_id, dst_id]


def test_merge_refusals(project):
    add_code(project, "A/X")
    add_code(project, "B/X")
    with pytest.raises(CodebookError, match="itself or its own subcode"):
        merge_codes(project, "A", "A/X")
    with pytest.raises(CodebookError, match="already has a subcode named 'X'"):
        merge_codes(project, "A", "B")
    assert tree(project) == ["A", "A/X", "B", "B/X"]


def test_merge_into_the_parent_when_a_child_has_the_same_name(project, doc):
    # P/S/S merged into P: the child S takes the place of the S that goes away
    add_code(project, "P/S/S")
    apply_code(project, doc, "P/S", 0, 3, coder="maria")
    grandchild = project.code("P/S/S").id
    assert merge_codes(project, "P/S", "P") == 1
    assert tree(project) == ["P", "P/S"]
    assert project.code("P/S").id == grandchild
    assert project.codings()[0].code_id == project.code("P").id
    project.undo()
    assert tree(project) == ["P", "P/S", "P/S/S"]
    assert project.code("P/S/S").id == grandchild


def test_delete_refused_while_coded_then_forced_with_undo(project, doc):
    add_code(project, "G/A/Deep")
    apply_code(project, doc, "G/A/Deep", 0, 3, coder="maria")
    coding_id = project.codings()[0].id
    add_memo(project, "coding", coding_id, "why")
    with pytest.raises(CodebookError, match="G has 1 coding"):
        delete_code(project, "G")
    assert delete_code(project, "G", force=True) == 1
    assert tree(project) == [] and project.codings() == [] and project.memos() == []
    project.undo()
    assert tree(project) == ["G", "G/A", "G/A/Deep"]
    assert [c.id for c in project.codings()] == [coding_id]
    assert [m.text for m in project.memos("coding", coding_id)] == ["why"]


def test_delete_uncoded_subtree(project):
    add_code(project, "G/A")
    add_code(project, "G/B")
    assert delete_code(project, "G/A") == 0
    assert tree(project) == ["G", "G/B"]
