"""Blind mode on every widget that counts codings, one test walking them all.

maria and james both coded DRS01 (``tui_analysis_fixture``). With blind mode on, maria must
see only her own work in every number the app shows: the transcript's spans, the code tree's
counts beside each code, the code panel's usage line, a code's segments, co-occurrence, the
codebook screen, the documents table and agreement (which refuses). Each expected number
comes from the core with ``coders=["maria"]``; each test would pass without blind mode only
if the other coder's work changed nothing, which the fixture rules out (checked first).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_analysis_fixture import BUDGET, TRANSFER, build_analysis_project
from tui_pilot import open_document, run_app

from workbench.analysis.cooccurrence import cooccurrence
from workbench.analysis.filters import Selection
from workbench.ops.codes import code_usage
from workbench.ops.retrieval import segments
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.agreement import AgreementScreen
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.cooccurrence import CooccurrenceScreen
from workbench.tui.screens.segments import SegmentsScreen
from workbench.tui.widgets.codepanel import CodePanel


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_analysis_project(tmp_path / "study.db")


def expected(path: Path) -> dict[str, object]:
    """Every count twice: everyone's and maria's own, from the core."""
    with Project.open(path, read_only=True) as p:
        maria = p.coder_id("maria", create=False)
        budget = p.code(BUDGET).id
        drs = p.document("DRS01").id
        here = {
            who: {
                c.code_id: sum(1 for d in p.codings(document_id=drs) if d.code_id == c.code_id)
                if who == "all"
                else sum(
                    1 for d in p.codings(document_id=drs, coder_id=maria) if d.code_id == c.code_id
                )
                for c in p.codings(document_id=drs, coder_id=None if who == "all" else maria)
            }
            for who in ("all", "maria")
        }
        pair = {
            who: cooccurrence(p, selection=Selection.build(coders=coders)).pair(BUDGET, TRANSFER)
            for who, coders in (("all", []), ("maria", ["maria"]))
        }
        return {
            "here": here,
            "usage": {"all": code_usage(p, budget), "maria": code_usage(p, budget, maria)},
            "segments": {
                "all": len(segments(p, BUDGET)),
                "maria": len(segments(p, BUDGET, coders=["maria"])),
            },
            "pair": {who: value.count for who, value in pair.items()},
        }


def test_every_widget_that_counts_shows_only_the_coders_own_work(project_path: Path) -> None:
    want = expected(project_path)
    for what in ("here", "usage", "segments", "pair"):
        assert want[what]["all"] != want[what]["maria"], what  # else the test proves nothing

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        budget = app.project.code(BUDGET).id
        assert screen.code_tree.counts == want["here"]["all"]
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.blind
        # the transcript and the tree beside it
        maria = app.project.coder_id("maria")
        assert {s.coder_id for s in screen.view.spans.values()} == {maria}
        assert screen.code_tree.counts == want["here"]["maria"]
        # the code panel's usage line
        screen.code_tree.focus()
        screen.code_tree.select_code(budget)
        await pilot.pause()
        codings, documents = want["usage"]["maria"]
        panel = str(screen.query_one(CodePanel).card)
        assert f"{codings} of your coding(s) in {documents} document(s)" in panel
        # the code's segments
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SegmentsScreen)
        assert len(app.screen.items) == want["segments"]["maria"]
        assert {s.coder for s in app.screen.items} == {"maria"}
        await pilot.press("escape")
        await pilot.pause()
        # co-occurrence
        await app.run_action("analysis('cooccurrence')")
        await pilot.pause()
        assert isinstance(app.screen, CooccurrenceScreen)
        assert app.screen.result.pair(BUDGET, TRANSFER).count == want["pair"]["maria"]
        # the codebook screen
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert app.screen.counts[budget] == want["usage"]["maria"][0]
        # agreement shows nothing of the other coder
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)
        assert app.screen.result is None and app.screen.query_one(DataTable).row_count == 0

    run_app(project_path, script)


def test_without_blind_mode_the_same_widgets_count_everyone(project_path: Path) -> None:
    """The same walk with blind mode off: the numbers are everyone's (so the test above
    measures blind mode, not a widget that always counts one coder)."""
    want = expected(project_path)

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot)
        budget = app.project.code(BUDGET).id
        screen.code_tree.focus()
        screen.code_tree.select_code(budget)
        await pilot.pause()
        codings, documents = want["usage"]["all"]
        assert f"{codings} coding(s) in {documents} document(s)" in str(
            screen.query_one(CodePanel).card
        )
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.screen.items) == want["segments"]["all"]
        await pilot.press("escape")
        await pilot.pause()
        await app.run_action("analysis('cooccurrence')")
        await pilot.pause()
        assert app.screen.result.pair(BUDGET, TRANSFER).count == want["pair"]["all"]
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.counts[budget] == want["usage"]["all"][0]

    run_app(project_path, script)
