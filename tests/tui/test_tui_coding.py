"""The coding screen driven through its keys (Textual Pilot), checked against the project file.

Every data change is checked from a second connection to the file, as another program would
see it, not through the app's own state.
"""

from __future__ import annotations

from pathlib import Path

from tui_pilot import codings_on_disk, move_cursor_to, open_document, project_path, run_app

from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.modals import CodePickerModal

__all__ = ["project_path"]  # the fixture


def test_select_sentence_apply_undo_redo_remove(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    target = text.index("The regional office")
    sentence_end = text.index("papers.") + len("papers.")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await move_cursor_to(screen, pilot, target + 3)
        await pilot.press("s")
        assert screen.view.selection == (target, sentence_end)
        await pilot.press("a")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"seat alloc", "enter")
        await pilot.pause()
        applied = ("Representation/Seat allocation", "maria", target, sentence_end)
        assert applied in codings_on_disk(project_path)
        assert any(s.start == target for s in screen.view.spans.values())

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert applied not in codings_on_disk(project_path)
        assert not any(s.start == target for s in screen.view.spans.values())

        await pilot.press("ctrl+y")
        await pilot.pause()
        assert applied in codings_on_disk(project_path)

        await pilot.press("escape")
        await move_cursor_to(screen, pilot, target + 5)
        await pilot.press("x")
        await pilot.pause()
        assert applied not in codings_on_disk(project_path)
        # the other coder's coding is untouched
        assert [c[1] for c in codings_on_disk(project_path)] == ["james"]

    run_app(project_path, script)


def test_apply_from_tree_and_recent_number_key(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    start = text.index("Nobody from")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await move_cursor_to(screen, pilot, start)
        await pilot.press("s")
        await pilot.press("f", *"transfer", "enter")
        assert screen.code_tree.has_focus
        assert screen.code_tree.highlighted_code.path == "Decentralization/Transfer of powers"
        await pilot.press("enter")
        await pilot.pause()
        assert (
            codings_on_disk(project_path).count(
                ("Decentralization/Transfer of powers", "maria", start, text.index("part.") + 5)
            )
            == 1
        )
        assert screen.codes_by_id[app.favourites[1]].name == "Transfer of powers"
        # back to the transcript, select the last turn, apply recent code 1
        await pilot.press("escape")
        assert screen.view.has_focus
        turn = Project.open(project_path).turns(1)[3]
        await move_cursor_to(screen, pilot, turn.start + 2)
        await pilot.press("t", "1")
        await pilot.pause()
        assert ("Decentralization/Transfer of powers", "maria", turn.start, turn.end) in (
            codings_on_disk(project_path)
        )

    run_app(project_path, script)


def test_keyboard_extends_by_char_word_sentence_turn(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    start = text.index("Each network")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        view = screen.view
        await move_cursor_to(screen, pilot, start)
        await pilot.press("shift+right", "shift+right")
        assert view.selection == (start, start + 2)
        await pilot.press("w")
        assert view.selection == (start, start + len("Each"))
        await pilot.press("w")
        assert text[slice(*view.selection)] == "Each network"
        await pilot.press("b")
        assert text[slice(*view.selection)] == "Each "
        await pilot.press("S")
        assert text[slice(*view.selection)] == (
            "Each network chose its representative in an assembly."
        )
        await pilot.press("S")
        assert text[slice(*view.selection)].endswith("checked the papers.")
        await pilot.press("T")
        assert text[view.selection[1] - len("took part.") : view.selection[1]] == "took part."
        await pilot.press("escape")
        assert view.selection == (view.cursor, view.cursor)
        await pilot.press("ctrl+right")
        assert view.sel_anchor is None

    run_app(project_path, script)


def test_cursor_moves_by_line_and_page(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        view = screen.view
        lines = view.lines
        await pilot.press("down")
        first = lines.line_of(view.cursor)
        await pilot.press("down")
        assert lines.line_of(view.cursor) > first
        await pilot.press("pagedown")
        assert view.cursor > 0
        await pilot.press("ctrl+end")
        assert view.cursor == len(view.text)
        await pilot.press("ctrl+home", "right", "right")
        assert view.cursor == 2

    run_app(project_path, script)


def test_mouse_click_and_drag_select(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        view = screen.view
        lines = view.lines
        row = next(
            i
            for i in range(len(lines))
            if lines.kinds[i] == 0 and lines.ends[i] - lines.starts[i] > 30
        )
        await pilot.click(view, offset=(1 + 4, row))  # 1 column of padding
        assert view.cursor == lines.starts[row] + 4
        await pilot.mouse_down(view, offset=(1 + 2, row))
        await pilot.hover(view, offset=(1 + 12, row))
        await pilot.mouse_up(view, offset=(1 + 12, row))
        assert view.selection == (lines.starts[row] + 2, lines.starts[row] + 12)

    run_app(project_path, script)


def test_blind_mode_hides_other_coders(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        coders = {c.id: c.name for c in app.project.coders()}
        assert {coders[s.coder_id] for s in screen.view.spans.values()} == {"james"}
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.blind
        assert screen.view.spans == {}
        assert "(blind)" in app.sub_title
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert len(screen.view.spans) == 1

    run_app(project_path, script)


def test_switch_coder_then_code_and_mark_done(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await pilot.press("ctrl+k")
        await pilot.pause()
        app.screen.query_one("#coder-name").focus()
        await pilot.press(*"rosa", "enter")
        await pilot.pause()
        assert app.coder == "rosa"
        assert "coder: rosa" in app.sub_title
        await pilot.press("ctrl+b")  # blind: rosa sees nothing of james
        await pilot.pause()
        assert screen.view.spans == {}
        await pilot.press("s", "a", *"budget", "enter")
        await pilot.pause()
        assert [c[1] for c in codings_on_disk(project_path)].count("rosa") == 1
        await pilot.press("d")
        await pilot.pause()
        with Project.open(project_path) as other:
            assert other.done_documents(other.coder_id("rosa")) == {1}
            assert other.done_documents(other.coder_id("maria")) == set()

    run_app(project_path, script)


def test_change_resize_and_memo(project_path: Path) -> None:
    text = Project.open(project_path).text(1)
    start = text.index("DRS01: The budget stayed")  # the sentence splitter keeps the label
    first_end = text.index("two years.") + len("two years.")

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await move_cursor_to(screen, pilot, start + 1)
        await pilot.press("s", "a", *"access", "enter")
        await pilot.pause()
        assert ("Transparency/Access to information", "maria", start, first_end) in (
            codings_on_disk(project_path)
        )
        # change its code
        await pilot.press("c", *"budget exec", "enter")
        await pilot.pause()
        assert ("Decentralization/Budget execution", "maria", start, first_end) in (
            codings_on_disk(project_path)
        )
        # grow the selection by a sentence and resize the coding to it
        await pilot.press("S", "r")
        await pilot.pause()
        end = screen.view.selection[1]
        assert end > first_end
        assert ("Decentralization/Budget execution", "maria", start, end) in (
            codings_on_disk(project_path)
        )
        # a memo on it
        await pilot.press("escape")
        await move_cursor_to(screen, pilot, start + 1)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"money never came", "ctrl+s")
        await pilot.pause()
        with Project.open(project_path) as other:
            memos = other.memos("coding")
            assert [m.text for m in memos] == ["money never came"]
        assert "money never came" in str(screen._details_text())

    run_app(project_path, script)


def test_find_in_transcript(project_path: Path) -> None:
    text = Project.open(project_path).text(1)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        await pilot.press("slash", *"budget", "enter")
        await pilot.pause()
        first = text.lower().index("budget")
        second = text.lower().index("budget", first + 1)
        assert screen.view.selection == (first, first + 6)
        await pilot.press("n")
        assert screen.view.selection == (second, second + 6)
        await pilot.press("N")
        assert screen.view.selection == (first, first + 6)

    run_app(project_path, script)


def test_undo_persists_across_restart(project_path: Path) -> None:
    async def apply(app: WorkbenchApp, pilot) -> None:
        await open_document(app, pilot)
        await pilot.press("s", "a", *"seat", "enter")
        await pilot.pause()

    async def undo(app: WorkbenchApp, pilot) -> None:
        await pilot.press("u")
        await pilot.pause()

    run_app(project_path, apply)
    assert any(c[0] == "Representation/Seat allocation" for c in codings_on_disk(project_path))
    run_app(project_path, undo)
    assert not any(c[0] == "Representation/Seat allocation" for c in codings_on_disk(project_path))
