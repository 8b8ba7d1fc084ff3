"""Documents, codebook, search, palette, help and analysis screens driven with Pilot.

Data changes are checked from a second connection to the project file.
"""

from __future__ import annotations

from pathlib import Path

from tui_pilot import codings_on_disk, open_document, project_path, run_app

from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.modals import ConfirmModal
from workbench.tui.screens.search import SearchScreen

__all__ = ["project_path"]  # the fixture


def test_project_search_jump_and_code_all(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"budget", "enter")
        await pilot.pause()
        hits = app.screen.hits
        assert {h.document for h in hits} == {"DRS01", "NGO01"}
        assert len(hits) == 3
        await pilot.press("A", *"access to", "enter")
        await pilot.press("enter")  # each hit as its sentence (the first choice)
        await pilot.pause()
        coded = [
            c for c in codings_on_disk(project_path) if c[0] == "Transparency/Access to information"
        ]
        assert sorted((c[2], c[3]) for c in coded) == sorted((h.start, h.end) for h in hits)
        # one undo takes back the whole batch
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not [
            c for c in codings_on_disk(project_path) if c[0] == "Transparency/Access to information"
        ]
        # jump to the last hit
        table = app.screen.query_one("DataTable")
        table.move_cursor(row=2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.view.selection == (hits[2].start, hits[2].end)
        assert app.screen.document.name == hits[2].document

    run_app(project_path, script)


def test_codebook_add_rename_move_delete(project_path: Path) -> None:
    def paths() -> list[str]:
        with Project.open(project_path) as other:
            return [c.path for c in other.codes()]

    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        screen = app.screen
        screen.code_tree.select_code(app.project.code("Representation").id)
        await pilot.press("a", *"Quotas", "enter")
        await pilot.pause()
        assert "Representation/Quotas" in paths()
        assert screen.code_tree.highlighted_code.path == "Representation/Quotas"
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#prompt").value = ""
        await pilot.press(*"Gender quotas", "enter")
        await pilot.pause()
        assert "Representation/Gender quotas" in paths()
        await pilot.press("m", *"transparency", "enter")
        await pilot.pause()
        assert "Transparency/Gender quotas" in paths()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # cancel keeps it
        await pilot.pause()
        assert "Transparency/Gender quotas" in paths()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "Transparency/Gender quotas" not in paths()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Transparency/Gender quotas" in paths()

    run_app(project_path, script)


def test_codebook_delete_coded_code_needs_confirm_and_merge(project_path: Path) -> None:
    def codings() -> list[str]:
        return [c[0] for c in codings_on_disk(project_path)]

    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        screen.code_tree.select_code(app.project.code("Decentralization/Budget execution").id)
        await pilot.press("M", *"transfer of", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert codings() == ["Decentralization/Transfer of powers"]
        screen.code_tree.select_code(app.project.code("Decentralization").id)
        await pilot.press("x")
        await pilot.pause()
        assert "1 coding (james 1)" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert codings() == []

    run_app(project_path, script)


def test_codebook_colour(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("f3")
        await pilot.pause()
        app.screen.code_tree.select_code(app.project.code("Transparency").id)
        await pilot.press("k")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "#112233"
        await pilot.press("enter")
        await pilot.pause()
        with Project.open(project_path) as other:
            assert other.code("Transparency").colour == "#112233"
        await pilot.press("k")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "blue"  # refused: not #RRGGBB
        await pilot.press("enter")
        await pilot.pause()
        with Project.open(project_path) as other:
            assert other.code("Transparency").colour == "#112233"

    run_app(project_path, script)


def test_documents_screen_shows_progress_and_marks_done(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        table = app.screen.query_one("DataTable")
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:2] == ["Document", "Case"]
        assert "james" in labels and "maria" in labels
        james = labels.index("james")
        assert str(table.get_row_at(0)[james]).startswith("1 (")
        await pilot.press("d")
        await pilot.pause()
        with Project.open(project_path) as other:
            assert other.done_documents(other.coder_id("maria")) == {1}
        assert "✓" in str(table.get_row_at(0)[labels.index("maria")])

    run_app(project_path, script)


def test_command_palette_applies_a_code(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await pilot.press("s")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Apply code: seat")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen
        assert any(c[0] == "Representation/Seat allocation" for c in codings_on_disk(project_path))

    run_app(project_path, script)


def test_remapped_key_from_keymap(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await pilot.press("s")  # remapped away: nothing selected
        assert screen.view.selection[0] == screen.view.selection[1]
        await pilot.press("z")
        assert screen.view.selection[1] > screen.view.selection[0]

    run_app(project_path, script, keymap={"select-sentence": "z"})


def test_help_lists_every_action(project_path: Path) -> None:
    from workbench.tui.action_table import ACTIONS

    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("f1")
        await pilot.pause()
        from workbench.tui.action_spec import SCOPES

        table = app.screen.query_one("DataTable")
        assert table.row_count == len(ACTIONS) + len(SCOPES)  # a heading row per scope
        ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert {a.id for a in ACTIONS} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DocumentsScreen"

    run_app(project_path, script)


def test_analysis_places_open(project_path: Path) -> None:
    from workbench.tui.screens.analysis import VIEWS, screen_class

    async def script(app: WorkbenchApp, pilot) -> None:
        for kind in VIEWS:
            await app.run_action(f"analysis('{kind}')")
            await pilot.pause()
            assert isinstance(app.screen, screen_class(kind))
            # every view says what it shows, or why it cannot (no done documents here)
            assert str(app.screen.query_one(".analysis-note").render()).strip()
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "DocumentsScreen"

    run_app(project_path, script)
