"""A write from the app while another program holds the write lock waits visibly, in a worker.

The app used to sit in SQLite's busy timeout on its own thread (about 52 s, no feedback). Now
the first try gives up after a short timeout, a dialog says "waiting for the project: another
program is writing", the app keeps running, and the write lands when the lock is free, or is
dropped when the user presses Escape.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3

from tui_pilot import codings_on_disk, project_path, run_app  # noqa: F401  (fixture)

from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.modals import WaitModal


def _status(app) -> str:
    return str(app.screen.query_one("#wait-status").render())


def _hold_lock(path) -> sqlite3.Connection:
    blocker = sqlite3.connect(str(path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    return blocker


def test_a_write_on_a_busy_project_waits_visibly_then_lands(project_path):  # noqa: F811
    blocker = None

    async def script(app, pilot) -> None:
        nonlocal blocker
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        blocker = _hold_lock(project_path)
        await pilot.press("s", "a", *"transfer", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WaitModal), app.screen
        assert "waiting for the project: another program is writing" in _status(app).lower()
        await pilot.press("x", "u")  # typed while waiting: neither removes nor undoes anything
        await asyncio.sleep(1.2)
        await pilot.pause()
        assert re.search(r"writing \(\d+ s\)", _status(app)), _status(app)  # it counts
        assert not [c for c in codings_on_disk(project_path) if c[1] == "maria"]
        blocker.rollback()  # the other program finishes
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert any(s.coder_id == app.coder_id for s in app.screen.view.spans.values())

    try:
        run_app(project_path, script)
    finally:
        if blocker is not None:
            blocker.close()
    mine = [c for c in codings_on_disk(project_path) if c[1] == "maria"]
    assert [c[0] for c in mine] == ["Decentralization/Transfer of powers"]


def test_escape_stops_waiting_and_nothing_is_written(project_path):  # noqa: F811
    blocker = None
    notes: list[str] = []

    async def script(app, pilot) -> None:
        nonlocal blocker
        shown = app.notify

        def notify(message, *args, **kwargs):
            notes.append(str(message))
            return shown(message, *args, **kwargs)

        app.notify = notify
        await pilot.press("enter")
        await pilot.pause()
        blocker = _hold_lock(project_path)
        await pilot.press("s", "a", *"transfer", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WaitModal)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        blocker.rollback()
        await asyncio.sleep(0.3)

    try:
        run_app(project_path, script)
    finally:
        if blocker is not None:
            blocker.close()
    assert not [c for c in codings_on_disk(project_path) if c[1] == "maria"]
    assert any("stopped waiting" in n for n in notes), notes
