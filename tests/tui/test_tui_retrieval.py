"""Retrieval: next / previous coding keys, the segments of a code across documents (context,
filters, recode, uncode, memo, jump), and opening a document scrolled to the passage."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from tui_pilot import codings_on_disk, move_cursor_to, open_document, project_path, run_app

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.ops.documents import add_document
from workbench.ops.retrieval import segments
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.modals import CodePickerModal, MemoModal, PromptModal
from workbench.tui.screens.segments import SegmentsScreen

__all__ = ["project_path"]
BUDGET = "Decentralization/Budget execution"


def _more_codings(path: Path, tmp_path: Path) -> None:
    """maria codes the budget in both interviews; NGO01's case is from Cusco."""
    cases = tmp_path / "cases.csv"
    cases.write_text("case,region\nDRS01,Piura\nNGO01,Cusco\n", encoding="utf-8")
    with Project.open(path) as project:
        from workbench.ops.cases import import_cases_csv

        import_cases_csv(project, cases)
        a, b = project.text(1), project.text(2)
        s = a.index("The regional office")
        apply_code(project, "DRS01", BUDGET, s, s + len("The regional office"), coder="maria")
        s = b.index("The budget was published")
        apply_code(project, "NGO01", BUDGET, s, s + len("The budget was published"), coder="maria")
        s = a.index("We had the powers")
        apply_code(
            project, "DRS01", "Decentralization/Transfer of powers", s, s + 17, coder="maria"
        )


def test_segments_core_context_speaker_and_filters(project_path: Path, tmp_path: Path) -> None:
    _more_codings(project_path, tmp_path)
    with Project.open(project_path) as project:
        got = segments(project, BUDGET)
        assert [(s.document, s.coder, s.text) for s in got] == [
            ("DRS01", "maria", "The regional office"),
            ("DRS01", "james", "The budget stayed in Lima for two years."),
            ("NGO01", "maria", "The budget was published"),
        ]
        assert got[0].speaker == "DRS01" and got[0].before.endswith("in an assembly. ")
        assert got[0].after.startswith(" only checked the papers.")
        assert [s.coder for s in segments(project, BUDGET, coders=["james"])] == ["james"]
        assert [s.document for s in segments(project, BUDGET, where=["region=Cusco"])] == ["NGO01"]
        # a group's segments include its subcodes'
        assert len(segments(project, "Decentralization")) == 4


def test_next_and_previous_coding_keys(project_path: Path, tmp_path: Path) -> None:
    _more_codings(project_path, tmp_path)
    text = Project.open(project_path).text(1)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        starts = sorted(s.start for s in screen.view.spans.values())
        assert len(starts) == 3
        await pilot.press("right_square_bracket")
        assert screen.view.selection[0] == starts[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.view.selection[0] == starts[2]
        await pilot.press("left_square_bracket")
        assert screen.view.selection[0] == starts[1]
        # } walks the code under the cursor only: Budget execution skips Transfer of powers
        await move_cursor_to(screen, pilot, text.index("The regional office") + 2)
        await pilot.press("right_curly_bracket")
        assert screen.view.selection[0] == text.index("The budget stayed")
        await pilot.press("right_curly_bracket")  # wraps to the first
        assert screen.view.selection[0] == text.index("The regional office")

    run_app(project_path, script)


def test_segments_screen_filter_recode_uncode_memo_and_jump(
    project_path: Path, tmp_path: Path
) -> None:
    _more_codings(project_path, tmp_path)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        screen.code_tree.focus()
        screen.code_tree.select_code(app.project.code(BUDGET).id)
        await pilot.pause()
        await pilot.press("enter")  # no selection: Enter lists the code's segments
        await pilot.pause()
        seg = app.screen
        assert isinstance(seg, SegmentsScreen)
        assert [s.document for s in seg.items] == ["DRS01", "DRS01", "NGO01"]
        assert seg.query_one(DataTable).row_count == 3
        # filter by a case attribute
        await pilot.press("f")
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"region=Cusco", "enter")
        await pilot.pause()
        assert [s.document for s in seg.items] == ["NGO01"]
        # memo, then recode, on maria's own segment
        await pilot.press("m")
        assert isinstance(app.screen, MemoModal)
        await pilot.press(*"published monthly", "ctrl+s")
        await pilot.pause()
        with Project.open(project_path) as other:
            assert [m.text for m in other.memos("coding")] == ["published monthly"]
        await pilot.press("c")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"access to info", "enter")
        await pilot.pause()
        assert ("Transparency/Access to information", "maria") in [
            c[:2] for c in codings_on_disk(project_path)
        ]
        assert seg.items == []  # no longer a budget segment
        # back to all documents; james's coding cannot be removed by maria
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("backspace", "enter")
        await pilot.pause()
        assert [s.coder for s in seg.items] == ["maria", "james"]
        seg.query_one(DataTable).move_cursor(row=1)
        await pilot.press("x")
        await pilot.pause()
        assert len(codings_on_disk(project_path)) == 4
        seg.query_one(DataTable).move_cursor(row=0)
        await pilot.press("x")
        await pilot.pause()
        assert len(codings_on_disk(project_path)) == 3
        # Enter opens the document at the passage
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        text = app.project.text(1)
        start = text.index("The budget stayed")
        assert app.screen.view.selection == (start, start + 40)

    run_app(project_path, script)


def test_opening_at_a_passage_scrolls_it_into_view(tmp_path: Path) -> None:
    path = tmp_path / "long.db"
    turns, text = [], ""
    for i in range(120):
        if text:
            text += "\n\n"
        start = len(text)
        text += f"P{i % 2}: sentence number {i} of a long interview about budgets."
        turns.append(ParsedTurn(start, len(text), f"P{i % 2}"))
    with Project.open(path) as project:
        add_document(project, ParsedTranscript(text=text, turns=turns), name="long")
        add_code(project, "Budget")
        start = text.index("sentence number 100 ")
        apply_code(project, "long", "Budget", start, start + 30, coder="maria")

    async def script(app: WorkbenchApp, pilot) -> None:
        app.open_document(1, select=(start, start + 30))
        await pilot.pause()
        await pilot.pause()
        view = app.screen.view
        line = view.lines.line_of(start)
        top = round(view.scroll_offset.y)
        height = view.scrollable_content_region.height
        assert top < line < top + height, (top, line, height)

    run_app(path, script)
