"""The coding screen's second pass, defect by defect: each test failed on the code before it.

1 and 2 run on the real demo (DRS01: two coders, codings that share a span); the others on the
small test project of ``tui_helpers``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest
from tui_pilot import (
    codings_on_disk,
    move_cursor_to,
    open_document,
    project_path,
    recorded,
    run_app,
)

from workbench.ops.demo import build_demo
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.modals import CoderModal, WaitModal
from workbench.tui.screens.segments import SegmentsScreen

__all__ = ["project_path"]


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo").project


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "workbench.db"
    with Project.open(demo_master, create=False) as project:  # a consistent copy of the file
        project.conn.execute("VACUUM INTO ?", (str(path),))
    return path


def screen_text(app: WorkbenchApp) -> str:
    """What the terminal shows, as plain text lines."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


# ------------------------------------------------------------------ 1. no doubles


def test_s_1_1_stores_one_coding_and_says_why_not_two(demo: Path) -> None:
    before = codings_on_disk(demo)

    async def script(app: WorkbenchApp, pilot) -> None:
        notes = recorded(app)
        screen = await open_document(app, pilot, "DRS01")
        sentence = screen.view.sentences[40] if screen.view.sentences else None
        if sentence is None:
            screen.view._need_sentences()
            sentence = screen.view.sentences[40]
        await move_cursor_to(screen, pilot, sentence[0] + 2)
        await pilot.press("s", "a", *"corruption", "enter")
        await pilot.pause()
        shown = len(screen.view.spans)
        await pilot.press("1", "1")
        await pilot.pause()
        assert len(screen.view.spans) == shown  # drawn once
        refused = [n for n in notes if "already applied" in n]
        assert len(refused) == 2 and all("\n" not in n for n in refused)

    run_app(demo, script)
    added = [c for c in codings_on_disk(demo) if c not in before]
    assert [c[:2] for c in added] == [("Transparency/Corruption", "maria")]


# ------------------------------------------------------------------ 2. nothing skipped


def _jump_numbers(notes: list[str]) -> list[tuple[int, int]]:
    return [
        (int(m.group(1)), int(m.group(2)))
        for n in notes
        if (m := re.search(r"· (\d+) of (\d+)$", n))
    ]


def test_next_and_previous_visit_every_coding_of_drs01_once(demo: Path) -> None:
    """From the start of DRS01, ``]`` visits the codings in order, one by one, those sharing
    a span included (it used to go 1, 3, 4, 5, 6, 8); ``[`` walks back the same way. The
    first 30 of its 73 codings hold 10 that share a span with another."""
    walked = 30

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        codes = {c.id: c.path for c in app.project.codes()}
        coders = {c.id: c.name for c in app.project.coders()}
        order = sorted(
            screen.view.spans.values(),
            key=lambda s: (s.start, s.end, codes[s.code_id], coders[s.coder_id], s.id),
        )[:walked]
        shared = walked - len({(s.start, s.end) for s in order})
        assert shared >= 5  # the case that was skipped
        notes = recorded(app)
        seen: list[int | None] = []
        for _ in range(walked):
            await pilot.press("right_square_bracket")
            seen.append(getattr(screen, "at_coding", None))
        total = len(screen.view.spans)
        assert _jump_numbers(notes) == [(n, total) for n in range(1, walked + 1)]
        assert seen == [s.id for s in order]  # each one, once, in order
        notes.clear()
        for _ in range(6):
            await pilot.press("left_square_bracket")
        assert [n for n, _ in _jump_numbers(notes)] == list(range(walked - 1, walked - 7, -1))

    run_app(demo, script)


# ------------------------------------------------------------ 5. the panel follows


def test_code_panel_follows_jumps_and_the_filter_and_scrolls(project_path: Path) -> None:
    with Project.open(project_path) as project:
        long = "\n".join(f"Include line {n}: when a speaker says so." for n in range(30))
        project.conn.execute(
            "UPDATE codes SET inclusion = ?, exclusion = 'EXCLUDED-PART', examples = ? "
            "WHERE name = 'Budget execution'",
            (long, '["an example at the end"]'),
        )
        project.conn.commit()

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        panel = screen.query_one("#code-panel")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert panel.code_id == app.project.code("Decentralization/Budget execution").id
        await pilot.press("g")  # the code at hand is the coding jumped to
        await pilot.pause()
        assert isinstance(app.screen, SegmentsScreen)
        assert app.screen.code.path == "Decentralization/Budget execution"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f", *"seat", "enter")
        await pilot.pause()
        assert panel.code_id == app.project.code("Representation/Seat allocation").id
        await pilot.press("escape", "right_square_bracket", "I")
        await pilot.pause()
        assert panel.has_focus and panel.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y  # the end of the card can be read
        assert "EXCLUDED-PART" in panel.card.plain

    run_app(project_path, script)


# ---------------------------------------------------------------- 6. segments


def test_segments_show_the_code_counts_the_passage_in_full_and_copy_it(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        await pilot.press("right_square_bracket", "g")
        await pilot.pause()
        segments = app.screen
        assert isinstance(segments, SegmentsScreen)
        table = segments.query_one("DataTable")
        row = [str(c) for c in table.get_row_at(0)]
        assert row[2] == "Budget execution" and row[0] == "DRS01" and row[1] == "DRS01"
        assert "1 segment of Decentralization/Budget execution in 1 document" in str(
            segments.query_one("#segments-note").render()
        )
        preview = str(segments.query_one("#segment-preview").render())
        assert "The budget stayed in Lima for two years." in preview
        assert "james" in preview and "Did the budget follow?" in preview  # its context
        await pilot.press("y")
        text = screen.view.text
        start = text.index("The budget stayed")
        end = start + len("The budget stayed in Lima for two years.")
        assert app.clipboard == f'"The budget stayed in Lima for two years." (DRS01, {start}-{end})'

    run_app(project_path, script)


# -------------------------------------------------------------------- 7. the lock


def _hold_lock(path: Path) -> sqlite3.Connection:
    blocker = sqlite3.connect(str(path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    return blocker


def test_while_waiting_the_dialog_reads_whole_and_writes_queue(project_path: Path) -> None:
    blocker: sqlite3.Connection | None = None

    async def script(app: WorkbenchApp, pilot) -> None:
        nonlocal blocker
        screen = await open_document(app, pilot, "DRS01")
        await move_cursor_to(screen, pilot, 120)
        blocker = _hold_lock(project_path)
        await pilot.press("s", "a", *"transfer", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WaitModal)
        shown = screen_text(app)
        assert "esc: stop waiting (nothing is saved)" in shown
        footer = shown.splitlines()[-1]
        assert "Stop waiting" in footer and "Apply code" not in footer
        app.set_coder("lucia")  # a coder switch meanwhile: queued, not lost
        await pilot.pause()
        assert app.coder == "maria"
        blocker.rollback()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.coder == "lucia" and isinstance(app.screen, CodingScreen)
        assert "DRS01" in app.sub_title

    try:
        run_app(project_path, script)
    finally:
        if blocker is not None:
            blocker.close()
    assert [c[:2] for c in codings_on_disk(project_path) if c[1] != "james"] == [
        ("Decentralization/Transfer of powers", "maria")
    ]
    with Project.open(project_path, create=False) as project:
        assert project.setting("coder") == "lucia"


def test_leaving_a_document_during_a_lock_keeps_its_cursor(project_path: Path) -> None:
    blocker: sqlite3.Connection | None = None

    async def script(app: WorkbenchApp, pilot) -> None:
        nonlocal blocker
        screen = await open_document(app, pilot, "DRS01")
        await move_cursor_to(screen, pilot, 150)
        blocker = _hold_lock(project_path)
        await pilot.press("f2")
        await pilot.pause()
        blocker.rollback()
        await app.workers.wait_for_complete()
        await pilot.pause()

    try:
        run_app(project_path, script)
    finally:
        if blocker is not None:
            blocker.close()
    from workbench.ops.coderstate import last_position

    with Project.open(project_path, create=False) as project:
        assert last_position(project, "maria", project.document("DRS01").id) == 150


# --------------------------------------------------------------- 8. small traps


def test_coder_dialog_takes_the_typed_name(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, CoderModal)
        await pilot.press(*"lucia", "enter")
        await pilot.pause()
        assert app.coder == "lucia"
        await pilot.press("ctrl+k", "up", "enter")  # arrows pick a known coder
        await pilot.pause()
        assert app.coder in {"james", "maria"}

    run_app(project_path, script)


def test_s_at_the_end_of_a_turn_selects_its_last_sentence(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        text = screen.view.text
        end = text.index("Nobody from the ministry took part.") + len(
            "Nobody from the ministry took part."
        )
        await move_cursor_to(screen, pilot, end)
        await pilot.press("s")
        lo, hi = screen.view.selection
        assert text[lo:hi] == "Nobody from the ministry took part."

    run_app(project_path, script)


def test_search_wildcards_whole_words_and_a_centred_hit(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"repres*", "enter")
        await pilot.pause()
        assert [h.text for h in screen.hits] == [
            "DRS01: Each network chose its representative in an assembly."
        ]
        await pilot.press("/", "ctrl+u", *"budg", "enter")
        await pilot.pause()
        assert screen.hits == []  # whole words: "budg" is no word here
        await pilot.press("f5")
        await pilot.pause()
        assert len(screen.hits) == 3  # words as beginnings
        await pilot.press("f6", "/", "ctrl+u", *r"powers? was", "enter")
        await pilot.pause()
        assert [h.text for h in screen.hits] == [
            "We had the powers but not the money, so the transfer of powers was only on paper."
        ], [h.text for h in screen.hits]

    run_app(project_path, script)


def test_ctrl_c_copies_esc_leaves_the_codebook_and_groups_count(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        notes = recorded(app)
        screen = await open_document(app, pilot, "DRS01")
        await move_cursor_to(screen, pilot, 60)
        await pilot.press("s", "ctrl+c")
        lo, hi = screen.view.selection
        assert app.clipboard == f'"{screen.view.text[lo:hi]}" (DRS01, {lo}-{hi})'
        assert not [n for n in notes if "quit" in n.lower()]
        group = screen.code_tree.nodes_by_code[app.project.code("Decentralization").id]
        assert str(group.label).endswith(" 1")  # its subcode's coding
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)

    run_app(project_path, script)


def test_in_vivo_says_when_it_cuts_a_name(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        notes = recorded(app)
        screen = await open_document(app, pilot, "DRS01")
        text = screen.view.text
        start = text.index("The budget stayed")
        screen.view.select(start, text.index("only on paper.") + len("only on paper."))
        await pilot.press("v")
        await pilot.pause()
        assert any("cut to" in n for n in notes)

    run_app(project_path, script)


def test_no_alpha_prints_as_minus_zero() -> None:
    from workbench.analysis.agreement_results import _fmt, _round

    assert _fmt(-0.0000004) == "0.000" and _fmt(-0.0004, 3) == "0.000"
    assert _fmt(-0.0006) == "-0.001"
    assert str(_round(-0.0000000001)) == "0.0"


def test_help_keeps_the_action_column_at_100_columns(project_path: Path) -> None:
    async def main() -> None:
        with Project.open(project_path) as project:
            app = WorkbenchApp(project, coder="maria")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.press("f1")
                await pilot.pause()
                shown = screen_text(app)
                assert "Keys and actions" in shown
                assert "Lift blind coding for the whole team (project lead)" in shown

    asyncio.run(main())
