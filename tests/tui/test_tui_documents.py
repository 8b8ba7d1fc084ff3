"""The documents screen: incremental refresh, coverage filled in after the list, the coder
columns kept on an 80-column terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable
from tui_pilot import open_document, project_path

from workbench.ops.coding import apply_code
from workbench.ops.progress import PENDING, ProgressCache
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp

__all__ = ["project_path"]


def test_progress_cache_recomputes_only_changed_documents(project_path: Path) -> None:
    with Project.open(project_path) as project:
        cache = ProgressCache()
        first = cache.rows(project, defer=True)
        assert {p.coded_chars for r in first for p in r.coders.values() if p.codings} == {PENDING}
        cache.fill(project)
        rows = {r.name: r for r in cache.rows(project)}

        def counts(listed) -> set[tuple[str, str, int]]:
            return {(r.name, c, p.codings) for r in listed for c, p in r.coders.items()}

        # the first list (counts alone, before any coverage) counts as the full one does
        assert counts(first) == counts(rows.values())
        assert any(n for _d, _c, n in counts(first))
        assert rows["DRS01"].coders["james"].coded_chars == 40
        calls = []
        real = project.conn

        class Spy:
            def execute(self, sql, *args):
                calls.append(sql)
                return real.execute(sql, *args)

            def __getattr__(self, name):  # everything else as the real connection
                return getattr(real, name)

        apply_code(project, "NGO01", "Transparency/Access to information", 0, 12, coder="maria")
        project.conn = Spy()
        try:
            rows = {r.name: r for r in cache.rows(project)}
        finally:
            project.conn = real
        assert rows["NGO01"].coders["maria"].coded_chars == 12
        assert rows["DRS01"].coders["james"].coded_chars == 40
        coverage = [c for c in calls if "OVER" in c]
        assert len(coverage) == 1 and "json_each" in coverage[0]  # only the changed document


def test_documents_screen_updates_cells_and_keeps_coders_at_80_columns(project_path: Path) -> None:
    async def main() -> None:
        with Project.open(project_path) as project:
            app = WorkbenchApp(project, coder="maria")
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                table = app.screen.query_one(DataTable)
                labels = [str(c.label) for c in table.columns.values()]
                assert labels[-2:] == ["james", "maria"]
                width = sum(c.get_render_width(table) for c in table.columns.values())
                assert width <= 80
                row = table.get_row("1")
                assert str(row[-2]).startswith("1 (")
                assert "…" not in str(row[-2])  # coverage filled in after the list
                # and the column grew to show it whole
                james = next(c for c in table.columns.values() if str(c.label) == "james")
                assert james.get_render_width(table) - 2 >= len(str(row[-2]))
                await open_document(app, pilot, "DRS01")
                app.screen.view.select(0, 11)
                await pilot.press("1")  # no key yet: nothing happens
                await app.screen.run_action("apply_code")
                await pilot.press(*"seat alloc", "enter")
                await pilot.pause()
                await pilot.press("f2")
                await pilot.pause()
                table = app.screen.query_one(DataTable)
                assert str(table.get_row("1")[-1]).startswith("1 (")

    asyncio.run(main())


def test_paged_rows_show_the_first_page_at_once_and_the_rest_after() -> None:
    from textual.app import App, ComposeResult

    from workbench.tui.widgets.paging import FIRST, PagedRows

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    async def main() -> None:
        app = Table()
        async with app.run_test() as pilot:
            table = app.query_one(DataTable)
            table.add_columns("n")
            done: list[bool] = []
            paged = PagedRows(
                table, [(str(i), [str(i)]) for i in range(700)], on_done=lambda: done.append(True)
            )
            paged.start()
            assert table.row_count == FIRST < 700
            # later pages come in with the values they have when their turn comes
            paged.rows = [*paged.rows[:FIRST], *((str(i), ["new"]) for i in range(FIRST, 700))]
            for _ in range(50):
                await pilot.pause(0.02)
                if done:
                    break
            assert done and table.row_count == 700
            assert str(table.get_row(str(699))[0]) == "new"
            assert str(table.get_row("0")[0]) == "0"

    asyncio.run(main())
