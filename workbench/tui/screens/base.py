"""What every full screen of the app shares: the scopes it offers, and reloading its data."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from workbench.store.project import Project
    from workbench.tui.app import WorkbenchApp


class WorkbenchScreen(Screen):
    """A screen over the project; ``refresh_data`` reloads it after any change elsewhere."""

    #: action scopes (see ``actions.SCOPES``) offered on this screen besides ``app``
    SCOPES: ClassVar[tuple[str, ...]] = ()

    @property
    def wb(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    @property
    def project(self) -> Project:
        return self.wb.project

    def refresh_data(self) -> None:
        """Reload what the screen shows from the project."""

    def on_key(self, event: events.Key) -> None:
        """Note on the key which screen it was typed into (see ``WorkbenchApp.on_key``)."""
        event._workbench_screen = self  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """Leave this screen for the one under it."""
        self.app.pop_screen()

    _shown_before = False

    def on_screen_resume(self) -> None:
        # the first resume follows mounting, which loaded the data already
        if self._shown_before:
            self.refresh_data()
        self._shown_before = True
        self.wb.update_status()
