"""The traps and two-coder fixes: codebook add, blind mode everywhere, the agreement header,
the reconciliation walk (every coder's codes, legend, decided-none vs undecided, resume),
search in context with marked hits, readable undo messages, one palette entry per name."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_analysis_fixture import BUDGET, build_analysis_project
from tui_pilot import codings_on_disk, open_document, run_app

from workbench.ops.coding import remove_coding
from workbench.ops.reconcile import decision, disagreements
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.screens.agreement import AgreementScreen, ReconcileScreen
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.modals import CodePickerModal
from workbench.tui.screens.search import SearchScreen


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_analysis_project(tmp_path / "study.db")


def _codes(path: Path) -> list[str]:
    with Project.open(path, create=False) as other:
        return [c.path for c in other.codes()]


def test_codebook_add_takes_a_typed_path_as_it_is(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        screen.code_tree.select_code(app.project.code(BUDGET).id)
        await pilot.press("a")
        assert app.screen.query_one("Input").value == ""  # nothing pre-filled
        await pilot.press(*"Participation/Youth councils", "enter")
        await pilot.pause()
        await pilot.press("a", *"/Capacity", "enter")
        await pilot.pause()

    run_app(project_path, script)
    paths = _codes(project_path)
    assert "Participation/Youth councils" in paths and "Capacity" in paths
    assert not [p for p in paths if p.startswith(BUDGET + "/")]


def test_blind_mode_hides_other_coders_on_every_screen(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        table = app.screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert "james" in labels and "maria" in labels
        await pilot.press("ctrl+b")
        await pilot.pause()
        labels = [str(c.label) for c in table.columns.values()]
        assert "james" not in labels and "maria" in labels
        # the codebook counts only maria's codings of Budget execution (2 of 3)
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.counts[app.project.code(BUDGET).id] == 2
        # agreement shows nothing of the other coder
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.result is None and "Blind mode" in screen.error
        assert screen.query_one(DataTable).row_count == 0

    run_app(project_path, script)


def test_agreement_header_follows_the_unit_and_the_unit_is_kept(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        assert app.sub_title.endswith("agreement (char)")
        await pilot.press("t")
        await pilot.pause()
        assert app.sub_title.endswith("agreement (sentence)")

    run_app(project_path, script)

    async def again(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        assert app.screen.unit == "sentence"

    run_app(project_path, again)


def test_reconcile_shows_all_codes_legend_decisions_and_resumes(project_path: Path) -> None:
    with Project.open(project_path) as other:
        items = disagreements(other, unit="char")
    assert len(items) >= 3

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        item = screen.item
        about = str(screen.query_one("#reconcile-item").render())
        # every compared coder's codes on the passage, not only the item's code
        here = screen.others_here(item)
        for coder, spans in here.items():
            assert f"{coder}:" in about
            for code_id, _, _ in spans:
                assert app.project.code_by_id(code_id).path in about
        assert "Legend" in str(screen.query_one("#reconcile-legend").render())
        assert "undecided" in str(screen.query_one("#reconcile-state").render())
        await pilot.press("x")  # keep none
        await pilot.pause()
        assert decision(app.project, items[0]) == "none"
        await pilot.press("p")
        await pilot.pause()
        state = str(screen.query_one("#reconcile-state").render())
        assert "keep none" in state and "undecided" not in state
        await pilot.press("n", "n")
        await pilot.pause()
        assert screen.index == 2

    run_app(project_path, script)

    async def reopen(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.index == 2  # where the walk stopped

    run_app(project_path, reopen)


def test_search_shows_context_and_speaker_and_codes_only_marked_hits(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"budget", "enter")
        await pilot.pause()
        assert len(screen.hits) == 3
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[2] for r in rows] == ["Interviewer", "DRS01", "NGO01"]
        # context around the sentence: the words before it are there, not cut with "..."
        assert "Did the budget follow?" in rows[0][3] and "took part." in rows[0][3]
        await pilot.press("down", "space")  # mark the second hit only
        assert screen.marked == {1}
        await pilot.press("A")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"access to", "enter")
        await pilot.press("enter")  # each hit as its sentence
        await pilot.pause()
        coded = [
            c
            for c in codings_on_disk(project_path)
            if c[0] == "Transparency/Access to information" and c[1] == "maria"
        ]
        hit = screen.hits[1]
        assert (hit.start, hit.end) in [(c[2], c[3]) for c in coded]
        assert len(coded) == 2  # the fixture's one and the marked hit

    run_app(project_path, script)


def test_undo_messages_name_code_document_and_place(project_path: Path) -> None:
    with Project.open(project_path) as project:
        coding = next(c for c in project.codings() if c.code_id == project.code(BUDGET).id)
        remove_coding(project, coding.id)
        message = project.undo()
    assert message == f"remove {BUDGET} in DRS01 [{coding.start}, {coding.end})"
    assert str(coding.id) not in message.split()


def test_palette_lists_each_command_once(project_path: Path) -> None:
    async def titles(app: WorkbenchApp) -> list[str]:
        provider = WorkbenchCommands(app.screen)
        ours = [text for text, _, _ in provider._commands()]
        system = [c.title for c in app.get_system_commands(app.screen)]
        return [t.casefold() for t in ours + system]

    async def script(app: WorkbenchApp, pilot) -> None:
        for step in range(2):
            names = await titles(app)
            assert "quit" in names
            assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
            if step == 0:
                await open_document(app, pilot)

    run_app(project_path, script)
