"""The pseudonym review screen: accept, reject, merge, skip; decisions land in the key file
beside the project at once, and a new visit resumes with what is left."""

from __future__ import annotations

from pathlib import Path

from tui_pilot import project_path, run_app

from workbench.pseudonymise.key import default_key_path, read_key
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.modals import ChoiceModal, PromptModal
from workbench.tui.screens.pseudonymise import PseudonymiseScreen

__all__ = ["project_path"]  # the fixture


async def open_review(app: WorkbenchApp, pilot) -> PseudonymiseScreen:
    app.action_analysis("pseudonymise")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PseudonymiseScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def add_names(path: Path) -> None:
    from tui_helpers import transcript

    from workbench.ops.documents import add_document
    from workbench.store.project import Project

    turns = [
        ("Interviewer", "Who chaired the council in Huamanga?"),
        ("Rosa Quispe", "Dr. Ernesto Salas chaired it. Salas came from Huanta, like me."),
    ]
    with Project.open(path) as project:
        add_document(project, transcript(turns), name="AYA01")


def test_review_accepts_rejects_merges_and_resumes(project_path: Path) -> None:
    key_path = default_key_path(project_path)
    add_names(project_path)

    async def first_visit(app: WorkbenchApp, pilot) -> None:
        screen = await open_review(app, pilot)
        texts = [c.text for c in screen.items]
        assert "Lima" in texts
        table = screen.query_one("#pseudo-table")
        table.move_cursor(row=texts.index("Lima"))
        await pilot.press("a")
        assert isinstance(app.screen, PromptModal)
        assert app.screen.value == "Place 01"
        await pilot.press("enter")
        await pilot.pause()
        assert [(e.original, e.pseudonym, e.kind) for e in read_key(key_path).entries] == [
            ("Lima", "Place 01", "place")
        ]
        rest = [i for i, c in enumerate(screen.items) if c.key_entry is None]
        table.move_cursor(row=rest[0])
        rejected = screen.items[rest[0]].text
        await pilot.press("x")
        await pilot.pause()
        statuses = {e.original: e.status for e in read_key(key_path).entries}
        assert statuses[rejected] == "rejected"
        rest = [i for i, c in enumerate(screen.items) if c.key_entry is None]
        if rest:
            table.move_cursor(row=rest[0])
            merged = screen.items[rest[0]].text
            await pilot.press("m")
            assert isinstance(app.screen, ChoiceModal)
            await pilot.press("enter")
            await pilot.pause()
            lima = read_key(key_path).find("Lima")
            assert lima is not None and merged in lima.variants
        assert key_path.stat().st_mode & 0o777 == 0o600

    run_app(project_path, first_visit)
    decided = {e.original for e in read_key(key_path).entries}

    async def second_visit(app: WorkbenchApp, pilot) -> None:
        screen = await open_review(app, pilot)
        assert not {c.text for c in screen.items} & decided

    run_app(project_path, second_visit)
