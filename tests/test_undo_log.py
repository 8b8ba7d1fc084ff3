"""The action log on its own (``store.actionlog``): actions of several changes that depend on
their order, undone and redone whole, all or nothing, with their row ids kept.

Each action here is written through the recorder directly, so what is tested is the log's
replay, not an operation that happens to be forgiving about order: a row updated twice in
one action, a parent inserted before its child, a row deleted after it was changed.
"""

from __future__ import annotations

import pytest

from workbench.store.connection import new_guid, now
from workbench.store.errors import ProjectError
from workbench.store.project import Project


def code_row(name: str, parent: int | None = None) -> dict[str, object]:
    return {
        "guid": new_guid(),
        "parent_id": parent,
        "name": name,
        "position": 0,
        "created_at": now(),
    }


def codes(p: Project) -> dict[int, tuple[str, int | None]]:
    return {
        i: (n, parent) for i, n, parent in p.conn.execute("SELECT id, name, parent_id FROM codes")
    }


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "log.db") as p:
        yield p


def test_one_row_changed_twice_in_one_action_comes_back_to_its_first_value(project):
    with project.action("codebook", "add") as act:
        code = act.insert("codes", code_row("first"))
    with project.action("codebook", "rename twice") as act:
        act.update("codes", code, name="second")
        act.update("codes", code, name="third")
    assert codes(project)[code][0] == "third"
    assert project.undo() == "rename twice"
    assert codes(project)[code][0] == "first"  # replayed forwards it would stop at "second"
    assert project.redo() == "rename twice"
    assert codes(project)[code][0] == "third"  # replayed backwards it would stop at "second"


def test_a_parent_and_its_child_go_and_come_back_in_the_right_order(project):
    with project.action("codebook", "add a group") as act:
        parent = act.insert("codes", code_row("Group"))
        child = act.insert("codes", code_row("Sub", parent))
        act.update("codes", parent, name="Group (renamed)")
    assert project.undo() == "add a group"  # the child must go before its parent
    assert codes(project) == {}
    assert project.redo() == "add a group"  # and the parent come back first
    assert codes(project) == {parent: ("Group (renamed)", None), child: ("Sub", parent)}


def test_a_row_changed_then_deleted_in_one_action_comes_back_unchanged(project):
    with project.action("codebook", "add") as act:
        code = act.insert("codes", code_row("kept"))
    before = project.conn.execute("SELECT * FROM codes WHERE id = ?", (code,)).fetchone()
    with project.action("codebook", "change and delete") as act:
        act.update("codes", code, name="changed", colour="#112233")
        act.delete("codes", code)
    assert codes(project) == {}
    project.undo()
    assert project.conn.execute("SELECT * FROM codes WHERE id = ?", (code,)).fetchone() == before
    project.redo()
    assert codes(project) == {}


def test_an_undo_that_cannot_finish_changes_nothing(project):
    with project.action("codebook", "add a group") as act:
        parent = act.insert("codes", code_row("Group"))
        act.insert("codes", code_row("Sub", parent))
    # outside the log, another program adds a second child the action knows nothing of
    with project.transaction():
        project.conn.execute(
            "INSERT INTO codes (guid, parent_id, name, position, created_at) VALUES (?,?,?,?,?)",
            (new_guid(), parent, "Other", 0, now()),
        )
    state = codes(project)
    with pytest.raises(ProjectError, match="cannot undo 'add a group'"):
        project.undo()
    assert codes(project) == state  # the child the log took back is there again
    assert project.conn.execute("SELECT undone FROM actions ORDER BY id DESC").fetchone() == (0,)


def test_ids_taken_back_by_undo_are_not_handed_out_again(project):
    with project.action("codebook", "add two") as act:
        first = act.insert("codes", code_row("a"))
        second = act.insert("codes", code_row("b"))
    project.undo()
    with project.action("codebook", "add another", coder="someone else") as act:
        other = act.insert("codes", code_row("c"))
    assert other > second  # a redo of "add two" still finds its ids free
    assert project.redo() == "add two"
    assert codes(project) == {first: ("a", None), second: ("b", None), other: ("c", None)}


def test_undo_and_redo_walk_several_actions_in_order(project):
    names = []
    for i in range(4):
        with project.action("codebook", f"step {i}") as act:
            act.insert("codes", code_row(f"c{i}"))
        names.append(sorted(n for n, _ in codes(project).values()))
    for i in reversed(range(4)):
        assert project.undo() == f"step {i}"
        assert sorted(n for n, _ in codes(project).values()) == (names[i - 1] if i else [])
    assert project.undo() is None
    for i in range(4):
        assert project.redo() == f"step {i}"
        assert sorted(n for n, _ in codes(project).values()) == names[i]
    assert project.redo() is None
