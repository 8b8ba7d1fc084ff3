"""Correcting the transcript in the app: one key, a dialog with the old and new text, the
same core operation as ``workbench text replace``; undo brings the old text back."""

from __future__ import annotations

from pathlib import Path

from tui_pilot import move_cursor_to, open_document, project_path, run_app

from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.coding_text import TextEditModal

__all__ = ["project_path"]  # the fixture


def coded_text(path: Path) -> list[str]:
    with Project.open(path) as p:
        text = p.text(1)
        return [text[c.start : c.end] for c in p.codings(document_id=1)]


def test_edit_key_corrects_the_selection_and_undo_restores_it(project_path: Path) -> None:
    with Project.open(project_path) as p:
        original = p.text(1)
    target = original.index("Lima")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await move_cursor_to(screen, pilot, target)
        await pilot.press(*["shift+right"] * 4)
        assert screen.view.selection == (target, target + 4)
        await pilot.press("E")
        assert isinstance(app.screen, TextEditModal)
        assert app.screen.old == "Lima"
        await pilot.press(*"[place]", "tab", *"pseudonym", "ctrl+s")
        await pilot.pause()
        assert coded_text(project_path) == ["The budget stayed in [place] for two years."]
        assert "stayed in [place] for" in screen.view.text
        with Project.open(project_path) as p:
            last = p.conn.execute("SELECT description FROM actions ORDER BY id DESC").fetchone()
        assert last[0].endswith("(pseudonym)")

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert coded_text(project_path) == ["The budget stayed in Lima for two years."]
        assert screen.view.text == original

        await pilot.press("escape")
        await pilot.press("E")  # nothing selected: a warning, no dialog
        assert not isinstance(app.screen, TextEditModal)

    run_app(project_path, script)
