"""What a key costs on a long transcript: the work it does does not follow the document's size.

The figures live in ``benchmarks/bench_tui.py``; these tests hold the mechanisms that keep them
low: the page beyond the one shown is drawn ahead into the line cache (and drawn right), the
order ``]`` and ``[`` walk is built once per set of codings, and the documents screen makes
only the cells of the rows it shows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from tui_pilot import open_document, project_path, run_app

from workbench.tui.widgets.paging import PagedRows
from workbench.tui.widgets.transcript import TranscriptView
from workbench.tui.widgets.transcript_index import Span

__all__ = ["project_path"]


def long_transcript(lines: int = 600) -> tuple[str, list[tuple[int, int, str]], list[Span]]:
    """Turns of three lines, every fourth line coded (two codes, overlapping now and then)."""
    parts, turns, spans, pos = [], [], [], 0
    for n in range(lines // 3):
        body = "\n".join(f"Line {n}.{k} of the interview about the budget." for k in range(3))
        body = f"{'Interviewer' if n % 2 else 'Participant'}: {body}"
        turns.append((pos, pos + len(body), "Interviewer" if n % 2 else "Participant"))
        spans.append(Span(n, 1 + n % 2, 1, pos + 13, pos + 60 + (n % 5) * 40))
        parts.append(body)
        pos += len(body) + 2
    return "\n\n".join(parts), turns, spans


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TranscriptView()


def test_the_next_page_is_drawn_ahead_and_drawn_as_it_would_be() -> None:
    async def main() -> None:
        app = ViewApp()
        async with app.run_test(size=(120, 30)) as pilot:
            view = app.query_one(TranscriptView)
            text, turns, spans = long_transcript()
            view.load(text, turns, None, spans, {1: "Budget", 2: "Power"}, {})
            view.coder_labels = {1: "Ma"}
            await pilot.pause()
            height = view.scrollable_content_region.height
            drawn: list[int] = []
            real = view._render_line

            def counting(index: int, *args):
                drawn.append(index)
                return real(index, *args)

            view._render_line = counting
            for step in range(3):
                view.action_page_down()
                await pilot.pause()  # the screen draws, then the page after it
                drawn.clear()
                view.action_page_down()
                shown = [view.render_line(y) for y in range(height)]
                # only the lines the cursor left and entered are new; the rest were drawn ahead
                assert len(drawn) <= 2, (step, drawn)
                top = round(view.scroll_offset.y)
                width = view.content_width()
                lo, hi = view.selection
                cursor_line = view.lines.line_of(view.cursor)
                for y, strip in enumerate(shown):
                    # every line fills the width exactly: text, padding, margin
                    assert sum(cell_len(s.text) for s in strip) == width == strip.cell_length
                    index = top + y
                    start = view.lines.starts[index]
                    col = view.cursor - start if index == cursor_line else -1
                    assert strip == real(index, width, None if hi <= lo else (lo, hi), col)
                await pilot.pause()
            # and upwards (lines drawn on the way down forgotten)
            view._cache.clear()
            view.action_page_up()
            await pilot.pause()
            drawn.clear()
            view.action_page_up()
            for y in range(height):
                view.render_line(y)
            assert len(drawn) <= 2

    asyncio.run(main())


def test_a_line_drawn_again_follows_the_selection_when_only_its_anchor_changes() -> None:
    async def main() -> None:
        app = ViewApp()
        async with app.run_test(size=(120, 30)) as pilot:
            view = app.query_one(TranscriptView)
            text, turns, spans = long_transcript(30)
            view.load(text, turns, None, spans, {1: "Budget", 2: "Power"}, {})
            await pilot.pause()
            width = view.content_width()
            view.move_to(5)
            view.move_to(30, extend=True)
            selected = view.render_line(0)
            assert selected == view._render_line(0, width, (5, 30), 30)
            view.move_to(30)  # the same cursor, the selection gone
            assert view.render_line(0) == view._render_line(0, width, None, 30) != selected

    asyncio.run(main())


def test_next_coding_builds_its_order_once_per_set_of_codings(project_path: Path) -> None:
    async def script(app, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        keyed: list[int] = []
        real = screen._jump_key

        def counting(span: Span):
            keyed.append(span.id)
            return real(span)

        screen._jump_key = counting
        screen.action_next_coding(1)
        assert sorted(keyed) == sorted(screen.view.spans)  # the order, built once
        keyed.clear()
        for _ in range(5):
            screen.action_next_coding(1)
            screen.action_next_coding(-1)
        assert keyed == []  # ... and then looked up, not rebuilt per key
        # a new coding: the order is rebuilt and ] reaches it
        screen.view.select(0, 7)
        new_id = screen.apply(screen.codes[0])
        await pilot.pause()
        assert new_id in screen.view.spans
        screen.view.move_to(0)
        visited = set()
        for _ in range(len(screen.view.spans)):
            screen.action_next_coding(1)
            visited.add(screen.at_coding)
        assert new_id in visited and visited == set(screen.view.spans)

    run_app(project_path, script)


def test_paged_rows_make_cells_only_for_rows_put_in() -> None:
    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    async def main() -> None:
        app = Table()
        async with app.run_test() as pilot:
            table = app.query_one(DataTable)
            table.add_columns("a", "b")
            made: list[str] = []

            def cell(value: str) -> str:
                made.append(value)
                return value.upper()

            paged = PagedRows(table, [(str(i), [f"a{i}", f"b{i}"]) for i in range(300)], cell=cell)
            paged.start(first=20)
            assert table.row_count == 20 and len(made) == 40
            assert table.get_row("19") == ["A19", "B19"]
            paged.finish()
            await pilot.pause()
            assert table.row_count == 300 and len(made) == 600

    asyncio.run(main())
