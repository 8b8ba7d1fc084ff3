"""The code panel beside the tree and the picker's one-line descriptions (issue: definitions
at hand while coding)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList
from tui_pilot import move_cursor_to, open_document, project_path, run_app

from workbench.ops.codes import update_code
from workbench.ops.coding import add_memo
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.modals import CodePickerModal
from workbench.tui.widgets.codepanel import CodePanel, first_line

__all__ = ["project_path"]


def _define(path: Path) -> None:
    with Project.open(path) as project:
        update_code(
            project,
            "Decentralization/Budget execution",
            description="Money arrives late or is not spent as planned.\nSecond line.",
            inclusion="Delays in transfers",
            exclusion="Budget planning only",
        )
        add_memo(
            project,
            "code",
            project.code("Decentralization/Budget execution").id,
            "Ask the team about late transfers",
        )


def _panel_text(screen) -> str:
    return screen.query_one(CodePanel).card.plain


def test_panel_follows_the_cursor_and_the_tree_and_toggles(project_path: Path) -> None:
    _define(project_path)
    text = Project.open(project_path).text(1)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        # the cursor inside james's coding of Budget execution shows its card
        await move_cursor_to(screen, pilot, text.index("stayed in Lima"))
        shown = _panel_text(screen)
        assert "Decentralization/Budget execution" in shown
        assert "Money arrives late" in shown and "Delays in transfers" in shown
        assert "Budget planning only" in shown
        assert "Ask the team about late transfers" in shown
        assert "1 coding(s) in 1 document(s) · 1 here" in shown
        # highlighting another code in the tree shows that one
        tree = screen.code_tree
        tree.select_code(app.project.code("Transparency/Access to information").id)
        await pilot.pause()
        assert "Transparency/Access to information" in _panel_text(screen)
        assert "No description yet" in _panel_text(screen)
        # i hides and shows it
        await pilot.press("i")
        assert not screen.query_one(CodePanel).display
        await pilot.press("i")
        assert screen.query_one(CodePanel).display

    run_app(project_path, script)


def test_picker_shows_a_description_line_under_each_match(project_path: Path) -> None:
    _define(project_path)

    async def script(app: WorkbenchApp, pilot) -> None:
        await open_document(app, pilot)
        await pilot.press("s", "a")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"budget")
        await pilot.pause()
        option = app.screen.query_one(OptionList).get_option_at_index(0)
        prompt = str(option.prompt)
        assert prompt.splitlines() == [
            "Decentralization/Budget execution",
            "  Money arrives late or is not spent as planned.",
        ]

    run_app(project_path, script)


def test_first_line_cuts_at_a_word() -> None:
    assert first_line("Short one.\nmore") == "Short one."
    assert first_line("transfer of powers to the regions", 20) == "transfer of powers…"
