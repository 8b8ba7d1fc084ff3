"""Undo belongs to a coder: in a shared project each coder undoes and redoes their own actions.

The action log stores who did what; ``Project.undo(coder)`` takes back that coder's newest
action and never another coder's, and ``redo`` replays in the order undo took them back.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.core_helpers import add_interview
from workbench.cli import cli
from workbench.ops import codes
from workbench.ops.coding import apply_code
from workbench.store.errors import ProjectError
from workbench.store.project import Project


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "study.db") as p:
        add_interview(p)
        codes.add_code(p, "A")
        yield p


def spans(p: Project) -> set[tuple[int, int, str]]:
    return {
        (s, e, c)
        for s, e, c in p.conn.execute(
            'SELECT start, "end", coders.name FROM codings JOIN coders ON coders.id = coder_id'
        )
    }


def test_a_coder_undoes_only_their_own_actions(project):
    apply_code(project, "rosa", "A", 0, 5, coder="ana")
    apply_code(project, "rosa", "A", 6, 9, coder="ben")
    apply_code(project, "rosa", "A", 10, 14, coder="ana")
    assert project.undo("ana").endswith("[10, 14)")
    assert project.undo("ana").endswith("[0, 5)")
    assert spans(project) == {(6, 9, "ben")}
    assert project.undo("ana") is None  # ana has nothing left; ben's coding stays
    assert spans(project) == {(6, 9, "ben")}
    assert project.undo("carl") is None  # a coder who never acted
    assert project.undo("ben").endswith("[6, 9)")
    assert spans(project) == set()


def test_redo_replays_in_the_order_undo_took_back(project):
    for start in (0, 10, 20):
        apply_code(project, "rosa", "A", start, start + 5, coder="ana")
    for _ in range(3):
        project.undo("ana")
    assert spans(project) == set()
    # the one undone last (the oldest) comes back first, then the next, then the newest
    assert project.redo("ana").endswith("[0, 5)")
    assert spans(project) == {(0, 5, "ana")}
    assert project.redo("ana").endswith("[10, 15)")
    assert spans(project) == {(0, 5, "ana"), (10, 15, "ana")}
    project.undo("ana")  # takes back [10, 15) again: redo now starts there
    assert project.redo().endswith("[10, 15)")
    assert project.redo("ana").endswith("[20, 25)")
    assert project.redo("ana") is None


def test_another_coders_new_action_keeps_my_redo(project):
    apply_code(project, "rosa", "A", 0, 5, coder="ana")
    project.undo("ana")
    apply_code(project, "rosa", "A", 6, 9, coder="ben")
    assert project.redo("ana").endswith("[0, 5)")
    assert spans(project) == {(0, 5, "ana"), (6, 9, "ben")}
    apply_code(project, "rosa", "A", 10, 12, coder="ana")
    project.undo("ana")
    apply_code(project, "rosa", "A", 13, 15, coder="ana")  # my own new action ends my redo
    assert project.redo("ana") is None


def test_undo_that_another_coders_work_depends_on_is_refused_whole(project):
    project.acting_coder = "ana"  # as the app does: ana adds a code
    codes.add_code(project, "B")
    project.acting_coder = None
    apply_code(project, "rosa", "B", 0, 5, coder="ben")
    before = spans(project), [c.path for c in project.codes()]
    with pytest.raises(ProjectError, match="cannot undo 'add code B'") as err:
        project.undo("ana")
    assert "\n" not in str(err.value)
    assert (spans(project), [c.path for c in project.codes()]) == before
    assert project.undo("ben").startswith("apply B")
    assert project.undo("ana") == "add code B"


def test_a_bulk_action_stops_every_coders_undo(project):
    apply_code(project, "rosa", "A", 0, 5, coder="ana")
    add_interview(project, name="second", text="Ana: A second interview.")  # a bulk import
    assert project.undo("ana") is None
    assert project.undo_barrier("ana") == "import second"
    assert spans(project) == {(0, 5, "ana")}


def test_cli_undo_and_redo_take_a_coder(project):
    apply_code(project, "rosa", "A", 0, 5, coder="ana")
    apply_code(project, "rosa", "A", 6, 9, coder="ben")
    runner = CliRunner(env={"WORKBENCH_CODER": None})
    done = runner.invoke(cli, ["-p", str(project.path), "undo", "--coder", "ana"])
    assert done.exit_code == 0, done.output
    assert "undone: apply A to rosa [0, 5)" in done.output
    assert spans(project) == {(6, 9, "ben")}
    again = runner.invoke(cli, ["-p", str(project.path), "undo", "--coder", "ana"])
    assert "nothing to undo for ana" in again.output
    redone = runner.invoke(cli, ["-p", str(project.path), "redo", "--coder", "ana"])
    assert "redone: apply A to rosa [0, 5)" in redone.output
    anyone = runner.invoke(cli, ["-p", str(project.path), "undo"])  # no coder: the newest
    assert "undone: apply A to rosa [6, 9)" in anyone.output


def test_the_app_undoes_its_coders_action_not_a_newer_one_by_another(project):
    import asyncio

    from workbench.tui.app import WorkbenchApp

    async def session():
        app = WorkbenchApp(project, coder="ana")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("s", "a", "a", "enter")  # ana codes a sentence in the app
            await pilot.pause()
            ana = {x for x in spans(project) if x[2] == "ana"}
            assert len(ana) == 1
            apply_code(project, "rosa", "A", 0, 3, coder="ben")  # ben, from elsewhere, later
            await pilot.press("u")
            await pilot.pause()
            assert spans(project) == {(0, 3, "ben")}
            await pilot.press("ctrl+y")
            await pilot.pause()
            assert spans(project) == ana | {(0, 3, "ben")}

    asyncio.run(session())
