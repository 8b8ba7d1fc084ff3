"""Driving the app with Pilot in tests, and reading the project file from a second connection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from tui_helpers import build_project

from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.coding import CodingScreen

SIZE = (120, 40)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "interviews.db")


def run_app(
    path: Path,
    script: Callable[..., Awaitable[None]],
    *,
    coder: str = "maria",
    keymap: dict[str, str] | None = None,
) -> None:
    """Run the app on ``path`` headless and hand ``(app, pilot)`` to ``script``."""

    async def main() -> None:
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder=coder, keymap=keymap)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await script(app, pilot)

    asyncio.run(main())


def codings_on_disk(path: Path) -> list[tuple[str, str, int, int]]:
    """(code path, coder, start, end) of every coding, read through a fresh connection."""
    with Project.open(path, create=False) as other:
        codes = {c.id: c.path for c in other.codes()}
        coders = {c.id: c.name for c in other.coders()}
        return [(codes[c.code_id], coders[c.coder_id], c.start, c.end) for c in other.codings()]


async def open_document(app: WorkbenchApp, pilot, name: str = "DRS01") -> CodingScreen:
    """From the documents screen, open ``name`` with Enter."""
    table = app.screen.query_one("DataTable")
    names = [row.name for row in app.screen.rows]
    table.move_cursor(row=names.index(name))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, CodingScreen)
    return app.screen


async def move_cursor_to(screen: CodingScreen, pilot, offset: int) -> None:
    screen.view.move_to(offset)
    await pilot.pause()


def recorded(app: WorkbenchApp) -> list[str]:
    """Every notification the app shows from now on, as text (the app shows them as it did)."""
    notes: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):
        notes.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return notes
