"""In-vivo and quick codes (one undo step), favourite keys pinned per coder and kept in the
project, and the last cursor position per document and coder restored."""

from __future__ import annotations

from pathlib import Path

from tui_pilot import codings_on_disk, move_cursor_to, open_document, project_path, run_app

from workbench.ops.coderstate import favourites, last_position, pin, pin_if_free
from workbench.ops.coding import apply_new_code, in_vivo_name
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.modals import ChoiceModal, CodePickerModal, PromptModal

__all__ = ["project_path"]


def _codes_on_disk(path: Path) -> list[str]:
    with Project.open(path, create=False) as other:
        return [c.path for c in other.codes()]


def test_apply_new_code_is_one_undo_step(project_path: Path) -> None:
    with Project.open(project_path) as project:
        before = _codes_on_disk(project_path)
        code_id, coding_id = apply_new_code(
            project, "DRS01", "Participation/Youth councils", 0, 10, coder="maria"
        )
        assert "Participation/Youth councils" in _codes_on_disk(project_path)
        assert project.undo().startswith("create Participation/Youth councils and apply it")
        assert _codes_on_disk(project_path) == before
        assert len(codings_on_disk(project_path)) == 1  # james's only
    assert in_vivo_name(' "only on paper." ') == "only on paper"
    assert in_vivo_name("a/b " + "word " * 30, 20) == "a b word word word"


def test_in_vivo_from_selected_words_under_the_highlighted_group(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    start = text.index("only on paper")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        screen.code_tree.select_code(app.project.code("Decentralization/Budget execution").id)
        # nothing selected: says so, no dialog
        await pilot.press("v")
        assert app.screen is screen
        screen.view.select(start, start + len("only on paper."))
        await pilot.press("v")
        assert isinstance(app.screen, PromptModal)
        assert app.screen.value == "Decentralization/only on paper"
        await pilot.press("enter")
        await pilot.pause()
        assert (
            "Decentralization/only on paper",
            "maria",
            start,
            start + len("only on paper."),
        ) in codings_on_disk(project_path)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Decentralization/only on paper" not in _codes_on_disk(project_path)
        assert len(codings_on_disk(project_path)) == 1

    run_app(project_path, script)


def test_picker_creates_a_typed_name_after_confirmation(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        screen.code_tree.select_code(app.project.code("Transparency/Access to information").id)
        # a without a selection warns before any picker opens
        await pilot.press("a")
        assert app.screen is screen
        await pilot.press("s", "a")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"Open budgets", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptModal)  # confirm (or edit) the path
        assert app.screen.value == "Transparency/Open budgets"
        await pilot.press("enter")
        await pilot.pause()
        assert [c for c in codings_on_disk(project_path) if c[0] == "Transparency/Open budgets"]

    run_app(project_path, script)


def test_favourite_keys_are_stable_pinned_and_kept_per_coder(project_path: Path) -> None:
    with Project.open(project_path) as project:
        budget = project.code("Decentralization/Budget execution").id
        seats = project.code("Representation/Seat allocation").id
        assert pin_if_free(project, "maria", budget) == 1
        assert pin_if_free(project, "maria", seats) == 2
        assert pin_if_free(project, "maria", budget) == 1  # keeps its key
        pin(project, "maria", 5, budget)
        assert favourites(project, "maria") == {2: seats, 5: budget}
        assert favourites(project, "james") == {}

    text = Project.open(project_path).text(1)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        assert app.favourites == {2: seats, 5: budget}
        await move_cursor_to(screen, pilot, text.index("Nobody"))
        await pilot.press("s", "5")
        await pilot.pause()
        assert ("Decentralization/Budget execution", "maria") in [
            c[:2] for c in codings_on_disk(project_path)
        ]
        # + pins the highlighted code to a chosen key
        screen.code_tree.focus()
        screen.code_tree.select_code(app.project.code("Transparency/Access to information").id)
        await pilot.pause()
        await pilot.press("plus")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "down", "enter")  # key 3
        await pilot.pause()

    run_app(project_path, script)
    with Project.open(project_path) as project:
        access = project.code("Transparency/Access to information").id
        assert favourites(project, "maria") == {2: seats, 3: access, 5: budget}


def test_last_cursor_is_restored_per_document_and_coder(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    spot = text.index("two years")

    async def first(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await move_cursor_to(screen, pilot, spot)

    run_app(project_path, first)
    with Project.open(project_path) as project:
        assert last_position(project, "maria", 1) == spot
        assert last_position(project, "james", 1) is None

    async def again(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await pilot.pause()
        assert screen.view.cursor == spot

    run_app(project_path, again)

    async def other_coder(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        assert screen.view.cursor == 0

    run_app(project_path, other_coder, coder="james")
