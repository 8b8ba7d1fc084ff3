"""The suggestion review loop in the app: reject all of a code in a document, retrain in the
background after a batch of decisions, and "more like this"."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_analysis_fixture import ACCESS, build_analysis_project
from tui_pilot import run_app

from workbench.store.connection import now
from workbench.store.project import Project
from workbench.suggest import trained
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import suggestions as screen_module
from workbench.tui.screens.suggestions import SuggestionsScreen


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = build_analysis_project(tmp_path / "study.db")
    with Project.open(path) as project:  # a second open suggestion of ACCESS in DRS01
        doc = project.document("DRS01")
        text = project.text(doc.id)
        start = text.index("The budget stayed in Lima")
        with project.transaction():
            project.conn.execute(
                'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
                "reason, status, created_at) VALUES (?, ?, ?, ?, 0.3, 'learned', 'model', "
                "'open', ?)",
                (doc.id, project.code(ACCESS).id, start, start + 40, now()),
            )
    return path


def statuses(path: Path) -> list[tuple[str, str, str]]:
    with Project.open(path) as other:
        return sorted(
            other.conn.execute(
                "SELECT d.name, c.name, s.status FROM suggestions s JOIN documents d "
                "ON d.id = s.document_id JOIN codes c ON c.id = s.code_id"
            ).fetchall()
        )


def test_reject_all_of_a_code_then_retrain_in_the_background(
    project_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(screen_module, "RETRAIN_EVERY", 3)

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('suggestions')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        first = screen.items[0]
        assert (first.code, first.document, round(first.score, 2)) == (ACCESS, "DRS01", 0.55)
        await pilot.press("X")  # both ACCESS suggestions in DRS01: 2 decisions
        await pilot.pause()
        assert [s for s in statuses(project_path) if s[2] == "rejected"] == [
            ("DRS01", "Access to information", "rejected")
        ] * 2
        assert screen.decisions == 2 and trained.read_meta(app.project) is None
        await pilot.press("x")  # the third decision starts the retraining
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.decisions == 0
        status = trained.model_status(app.project)
        assert status is not None and status["stale"] is False
        # undo brings both back in one step
        await pilot.press("ctrl+z")
        await pilot.pause()

    run_app(project_path, script)


def test_more_like_this_lists_uncoded_passages_and_codes_one(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('suggestions')")
        await pilot.pause()
        screen = app.screen
        await pilot.press("a")  # an accept is one decision (not its coding's id)
        await pilot.pause()
        assert screen.decisions == 1
        code = screen.items[0].code
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.similar_code == code and screen.similar
        coded = {(c.document_id, c.start) for c in app.project.codings()}
        assert all((s.document_id, s.start) not in coded for s in screen.similar)
        target = screen.current_similar()
        before = len(app.project.codings())
        await pilot.press("a")
        await pilot.pause()
        after = app.project.codings()
        assert len(after) == before + 1
        new = max(after, key=lambda c: c.id)
        assert (new.document_id, new.start, new.end) == (
            target.document_id,
            target.start,
            target.end,
        )
        assert new.coder_id == app.coder_id and target not in screen.similar
        assert screen.decisions == 2
        await pilot.press("m")  # back to the queue
        await pilot.pause()
        assert screen.similar_code is None and screen.current() is not None

    run_app(project_path, script)
