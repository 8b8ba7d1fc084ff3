"""What every snapshot test shares: the fixed size, an app on a project file, a still screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from textual.widgets import DataTable, Input

from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp

SIZE = (120, 36)


def app_on(path: Path, coder: str = "maria") -> Iterator[WorkbenchApp]:
    """Yield the app on ``path`` and close the project afterwards (for a pytest fixture)."""
    project = Project.open(path)
    yield WorkbenchApp(project, coder=coder)
    project.close()


async def still(pilot, *, clear_notes: bool = False) -> None:
    """No blinking cursors, nothing pending (and no notifications, when asked)."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    if clear_notes:
        pilot.app.clear_notifications()
    await pilot.pause()
    # a DataTable sizes its columns on idle; under load a picture could be taken before that
    # (Textual is pinned exactly, so this private flag is stable)
    for _ in range(40):
        tables = list(pilot.app.screen.query(DataTable))
        if not any(t._require_update_dimensions or t._updated_cells for t in tables):
            break
        await pilot.pause(0.05)
    await pilot.pause()
