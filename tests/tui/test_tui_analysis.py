"""Co-occurrence, agreement with reconciliation, and suggestion review, driven with Pilot.

Figures on screen are checked against the core functions on the same project; data changes
are read back through a second connection to the project file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_analysis_fixture import (
    ACCESS,
    BUDGET,
    SEATS,
    TRANSFER,
    build_analysis_project,
)
from tui_pilot import run_app

from workbench.analysis.agreement import agreement
from workbench.analysis.cooccurrence import Options, cooccurrence
from workbench.analysis.filters import Selection
from workbench.analysis.meetings import meetings
from workbench.ops.reconcile import chosen_spans, consensus_codings, disagreements
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.agreement import AgreementScreen, ReconcileScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.cooccurrence import (
    CooccurFilterModal,
    CooccurrenceScreen,
    QuotationsModal,
    parse_filters,
)
from workbench.tui.screens.suggestions import SuggestionsScreen


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_analysis_project(tmp_path / "study.db")


def table_rows(table) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def pairs_shown(screen: CooccurrenceScreen) -> list[tuple[str, str, int]]:
    return [(r[0], r[1], int(r[2])) for r in table_rows(screen.query_one("DataTable"))]


# ------------------------------------------------------------------ co-occurrence


def test_cooccurrence_counts_sort_quotations_and_jump(project_path: Path) -> None:
    with Project.open(project_path) as other:
        expected = cooccurrence(other)
        by_c = [(r["a"], r["b"]) for r in expected.rows("c")]
        budget_transfer = meetings(other, BUDGET, TRANSFER)

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('cooccurrence')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CooccurrenceScreen)
        shown = pairs_shown(screen)
        # hand-worked in the fixture: 2, 1, 1 and exactly what the engine counts
        assert shown == [(r["a"], r["b"], r["count"]) for r in expected.rows("count")]
        assert shown[0] == (BUDGET, TRANSFER, 2)
        assert sorted(n for *_, n in shown) == [1, 1, 2]
        # s sorts by the next measure (c): Seat allocation x Selecting (0.5) comes before
        # Budget x Access (0.333)
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort == "c"
        assert [(a, b) for a, b, _ in pairs_shown(screen)] == by_c
        # clicking the "Code A" header sorts by it; clicking again flips the order
        await pilot.click("#cooccur-table", offset=(2, 0))
        await pilot.pause()
        assert screen.sort == "a"
        names = [a for a, _, _ in pairs_shown(screen)]
        assert names == sorted(names) and names != [a for a, _ in by_c]
        await pilot.click("#cooccur-table", offset=(2, 0))
        await pilot.pause()
        assert [a for a, _, _ in pairs_shown(screen)] == sorted(names, reverse=True)
        # back to count; Enter on the first pair lists the passages where the codes meet
        screen.sort_by("count")
        await pilot.pause()
        screen.query_one("DataTable").move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, QuotationsModal)
        assert len(modal.found) == 2 == len(budget_transfer)
        assert modal.query_one("DataTable").row_count == 2
        assert {m.coder for m in modal.found} == {"maria", "james"}
        modal.query_one("DataTable").move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        target = budget_transfer[1]
        assert app.screen.document.name == target.document
        assert app.screen.view.selection == (target.start, target.end)

    run_app(project_path, script)


def test_cooccurrence_filters_and_sankey_export(project_path: Path, monkeypatch) -> None:
    # no browser: the export writes HTML only, as on a machine without Chromium
    monkeypatch.setenv("BROWSER_PATH", str(project_path.parent / "no-chromium"))
    with Project.open(project_path) as other:
        maria = cooccurrence(other, Options(), Selection.build(coders=["maria"]))
        groups = cooccurrence(other, Options(mode="unit", unit="turn"), Selection.build(depth=1))

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('cooccurrence')")
        await pilot.pause()
        screen = app.screen
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, CooccurFilterModal)
        app.screen.query_one("#f-coders").value = "maria"
        app.screen.query_one("#f-coders").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert pairs_shown(screen) == [(r["a"], r["b"], r["count"]) for r in maria.rows()]
        # maria alone meets Budget x Transfer once, not twice
        assert (BUDGET, TRANSFER, 1) in pairs_shown(screen)
        screen.apply_filters(parse_filters("unit", "turn", "0", "", "", "1", ""))
        await pilot.pause()
        assert pairs_shown(screen) == [(r["a"], r["b"], r["count"]) for r in groups.rows()]
        assert "--mode unit --unit turn --depth 1" in screen.filters.command()
        await pilot.press("e")
        await pilot.pause()

    run_app(project_path, script)
    written = list((project_path.parent / "exports").glob("sankey-unit-turn-*"))
    assert [p.suffix for p in written] == [".html"]
    page = written[0].read_text(encoding="utf-8")
    assert '"sankey":{' in page.replace(" ", "")  # the figure's record of nodes and links
    # the figure's nodes are the groups that meet at turn level: Decentralization and
    # Transparency (in NGO01); the Representation codes roll up into one group, no pair
    assert [(p.a, p.b) for p in groups.pairs] == [("Decentralization", "Transparency")]
    assert '"Decentralization","Transparency"' in page.replace(" ", "")


def test_filter_form_rejects_bad_values() -> None:
    from workbench.store.errors import WorkbenchError

    with pytest.raises(WorkbenchError):
        parse_filters("proximity", "sentence", "-3", "", "", "", "")
    with pytest.raises(WorkbenchError):
        parse_filters("overlap", "sentence", "0", "", "", "two", "")
    with pytest.raises(WorkbenchError):
        parse_filters("overlap", "sentence", "0", "", "", "", "region")
    assert parse_filters("proximity", "sentence", "40", "maria, james", "", "", "").coders == (
        "maria",
        "james",
    )


# ---------------------------------------------------------------------- agreement


def test_agreement_table_equals_the_core_at_each_unit(project_path: Path) -> None:
    with Project.open(project_path) as other:
        expected = {unit: agreement(other, unit=unit).rows() for unit in ("char", "sentence")}
        columns = agreement(other).columns()

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        for unit in ("char", "sentence"):
            assert screen.unit == unit
            rows = table_rows(screen.query_one("DataTable"))
            assert rows == [[str(r.get(c, "")) for c in columns] for r in expected[unit]]
            await pilot.press("t")
            await pilot.pause()
        # a comparison that cannot be made says why instead of failing
        screen.coders = ["maria"]
        screen.refresh_data()
        await pilot.pause()
        assert screen.result is None and "at least two coders" in screen.error

    run_app(project_path, script)


def consensus(project_path: Path, item) -> set[tuple[int, int, int]]:
    with Project.open(project_path) as other:
        return {(c.code_id, c.start, c.end) for c in consensus_codings(other, item)}


def test_reconcile_keep_a_b_both_none_with_undo(project_path: Path) -> None:
    with Project.open(project_path) as other:
        items = disagreements(other, unit="char")
    coders = items[0].coders
    # Transfer of powers: A (james) and B (maria) coded overlapping but different spans
    index = next(i for i, d in enumerate(items) if d.code == TRANSFER)
    item = items[index]
    a_spans = {(s.code_id, s.start, s.end) for s in item.spans_of(coders[0])}
    b_spans = {(s.code_id, s.start, s.end) for s in item.spans_of(coders[1])}
    assert a_spans and b_spans and a_spans != b_spans

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert [d.key for d in screen.items] == [d.key for d in items]
        progress = str(screen.query_one("#reconcile-progress").render())
        assert f"1 of {len(items)}" in progress
        for _ in range(index):
            await pilot.press("n")
        await pilot.pause()
        assert screen.item.key == item.key
        # the passage marks A's span apart from B's
        passage = screen.query_one("#reconcile-passage").render()
        assert any(span.style for span in passage.spans)
        await pilot.press("a")
        await pilot.pause()
        assert consensus(project_path, item) == a_spans
        assert screen.index == min(index + 1, len(items) - 1)  # moved on when it could
        screen.index = index
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert consensus(project_path, item) == set()
        await pilot.press("o")
        await pilot.pause()
        both = set(chosen_spans(item, "both"))
        assert consensus(project_path, item) == both
        assert both == {(item.codings[0].code_id, item.start, item.end)}  # the union
        screen.index = index
        await pilot.press("x")
        await pilot.pause()
        assert consensus(project_path, item) == set()
        screen.index = index
        await pilot.press("b")
        await pilot.pause()
        assert consensus(project_path, item) == b_spans
        screen.index = index
        screen.show()
        await pilot.pause()
        state = str(screen.query_one("#reconcile-state").render())
        assert "B's" in state
        # n and p walk, and stop at the ends
        screen.index = 0
        await pilot.press("p")
        assert screen.index == 0
        await pilot.press(*["n"] * (len(items) + 2))
        assert screen.index == len(items) - 1

    run_app(project_path, script)


# -------------------------------------------------------------------- suggestions


def suggestion_rows(path: Path) -> dict[int, tuple[str, int | None]]:
    with Project.open(path) as other:
        return {
            r[0]: (r[1], r[2])
            for r in other.conn.execute("SELECT id, status, coding_id FROM suggestions")
        }


def test_suggestion_queue_accept_reject_undo(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('suggestions')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        # most uncertain first: 0.55, then 0.95, then the rule at 1.0
        assert [round(s.score, 2) for s in screen.items] == [0.55, 0.95, 1.0]
        first = screen.items[0]
        assert first.code == ACCESS
        await pilot.press("a")
        await pilot.pause()
        status, coding_id = suggestion_rows(project_path)[first.id]
        assert status == "accepted"
        with Project.open(project_path) as other:
            row = other.conn.execute(
                'SELECT c.source, k.name, c.start, c."end" FROM codings c '
                "JOIN coders k ON k.id = c.coder_id WHERE c.id = ?",
                (coding_id,),
            ).fetchone()
        assert row == (f"suggestion:{first.id}", "maria", first.start, first.end)
        assert [s.id for s in screen.items] == [s.id for s in screen.items if s.id != first.id]
        assert len(screen.items) == 2
        second = screen.items[0]
        await pilot.press("x")
        await pilot.pause()
        assert suggestion_rows(project_path)[second.id][0] == "rejected"
        assert second.id not in [s.id for s in screen.items]
        # undo brings the rejected one back into the queue
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert suggestion_rows(project_path)[second.id][0] == "open"
        assert second.id in [s.id for s in screen.items]
        # skip, and order by position
        ids = [x.id for x in screen.items]
        before = ids.index(screen.current().id)
        await pilot.press("s")
        assert screen.current().id == ids[(before + 1) % len(ids)]
        await pilot.press("o")
        await pilot.pause()
        assert screen.order == "position"
        assert [s.document for s in screen.items] == ["DRS01", "NGO01"]
        # Enter opens the suggestion in the transcript, selected
        screen.query_one("DataTable").move_cursor(row=0)
        target = screen.items[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.view.selection == (target.start, target.end)

    run_app(project_path, script)


def test_coding_screen_marks_suggestions_and_accepts_them(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        app.open_document(app.project.document("DRS01").id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.view
        codes = {app.project.code(p).id: p for p in (ACCESS, SEATS)}
        assert sorted(codes[m.code_id] for m in view.marks.values()) == sorted(codes.values())
        # indexed per line like codings, drawn in the suggestion style
        mark = min(view.marks.values(), key=lambda m: m.start)
        line = view.lines.line_of(mark.start)
        assert mark.id in view.mark_index[line]
        width = view.scrollable_content_region.width
        suggestion_style = view._style("suggestion")
        quiet_style = view._style("suggestion-margin")

        def styled(look) -> str:
            return "".join(
                seg.text
                for seg in view.line_strip(line, width)
                if seg.style and seg.style.italic and seg.style.color == look.color
            )

        # until the cursor steps into it, a suggestion is a quiet mark in the margin only
        view.move_to(0)
        assert mark.start > 0 and "regional office" not in styled(suggestion_style)
        assert styled(quiet_style).startswith("?")
        # j goes to the first suggestion: now it is drawn over the text
        await pilot.press("j")
        await pilot.pause()
        assert view.cursor == mark.start
        assert "regional office" in styled(suggestion_style)
        # J hides every mark, and shows them again
        await pilot.press("J")
        assert styled(suggestion_style) == "" and "?" not in styled(quiet_style)
        await pilot.press("J")
        assert "regional office" in styled(suggestion_style)
        details = str(screen.query_one("#details").render())
        assert "suggested" in details and "0.55" in details and "model: 0.55" in details
        await pilot.press("y")
        await pilot.pause()
        with Project.open(project_path) as other:
            sources = [
                r[0]
                for r in other.conn.execute(
                    "SELECT source FROM codings WHERE source LIKE 'suggestion:%'"
                )
            ]
        assert sources == [f"suggestion:{mark.id}"]
        assert mark.id not in view.marks
        assert any(
            s.code_id == mark.code_id and s.coder_id == app.coder_id for s in view.spans.values()
        )
        await pilot.press("j", "X")
        await pilot.pause()
        assert view.marks == {}
        assert list(suggestion_rows(project_path).values()).count(("rejected", None)) == 1

    run_app(project_path, script)
