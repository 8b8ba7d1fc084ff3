"""The workbench app: screens over one open project, the current coder and blind mode.

The app owns the ``Project`` connection and the session state every screen shares: who is
coding, whether other coders' work is hidden, and the coder's favourite codes behind keys 1-9
(kept in the project per coder, so a key means the same code tomorrow).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.tui.actions import bindings, load_keymap
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.documents import DocumentsScreen


class WorkbenchApp(App[None]):
    """Code qualitative interviews."""

    CSS_PATH = "app.tcss"
    TITLE = "workbench"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {WorkbenchCommands}

    def __init__(
        self,
        project: Project,
        *,
        coder: str | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.coder = (coder or project.default_coder()).strip()
        self.coder_id = project.coder_id(self.coder)
        self.blind = False
        #: key 1-9 -> code id, the current coder's favourites (``workbench.coderstate``)
        self.favourites: dict[int, int] = {}
        self.keymap_overrides = dict(keymap or {})

    def get_system_commands(self, screen):
        """Textual's own palette entries, less its Quit: the registry's quit (with its key)
        is the one the palette lists, so Quit appears once."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def on_mount(self) -> None:
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.load_favourites()
        self.push_screen(DocumentsScreen())
        self.update_status()

    # ------------------------------------------------------------- state

    def update_status(self) -> None:
        """Header line: project, coder (and blind mode), where we are."""
        screen = self.screen
        where = screen.status() if hasattr(screen, "status") else ""
        blind = " (blind)" if self.blind else ""
        self.sub_title = f"{Path(str(self.project.path)).name} · coder: {self.coder}{blind}" + (
            f" · {where}" if where else "")

    def load_favourites(self) -> None:
        from workbench.coderstate import favourites

        self.favourites = favourites(self.project, self.coder)

    def remember(self, code_id: int) -> None:
        """A code was applied: give it the first free key 1-9 if it has none (keys that are
        taken keep their code)."""
        from workbench.coderstate import pin_if_free

        if code_id not in self.favourites.values() and len(self.favourites) < 9:
            pin_if_free(self.project, self.coder, code_id)
            self.load_favourites()

    def pin(self, slot: int, code_id: int | None) -> None:
        """Put a code on key ``slot`` for the current coder (None clears the key)."""
        from workbench.coderstate import pin

        pin(self.project, self.coder, slot, code_id)
        self.load_favourites()

    def set_coder(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.coder_id = self.project.coder_id(name)
        self.coder = name
        self.project.set_setting("coder", name)
        self.load_favourites()
        self.data_changed()
        self.notify(f"Coding as {name}")

    def data_changed(self) -> None:
        """Something changed under every screen: reload the one shown."""
        screen = self.screen
        if isinstance(screen, WorkbenchScreen):
            screen.refresh_data()
        self.update_status()

    # ------------------------------------------------------------ navigation

    def _base(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def open_document(self, document_id: int, select: tuple[int, int] | None = None) -> None:
        from workbench.tui.screens.coding import CodingScreen

        self._base()
        self.push_screen(CodingScreen(document_id, select=select))
        self.call_after_refresh(self.update_status)

    def _show(self, screen_type: type, make) -> None:
        if isinstance(self.screen, screen_type):
            return
        self.push_screen(make())
        self.call_after_refresh(self.update_status)

    def action_documents(self) -> None:
        self._base()
        self.update_status()

    def action_codebook(self) -> None:
        from workbench.tui.screens.codebook import CodebookScreen

        self._show(CodebookScreen, CodebookScreen)

    def action_search(self) -> None:
        from workbench.tui.screens.search import SearchScreen

        self._show(SearchScreen, SearchScreen)

    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        self._show(HelpScreen, HelpScreen)

    def action_analysis(self, kind: str) -> None:
        from workbench.tui.screens.analysis import screen_class

        screen_type = screen_class(kind)
        if isinstance(self.screen, screen_type):
            return
        self.push_screen(screen_type())
        self.call_after_refresh(self.update_status)

    # ---------------------------------------------------------------- data

    def action_undo(self) -> None:
        try:
            done = self.project.undo()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.data_changed()
        if done:
            self.notify(f"Undone: {done}")
        elif barrier := self.project.undo_barrier():
            self.notify(f"Cannot undo '{barrier}': imports and merges are not undoable",
                        severity="warning")
        else:
            self.notify("Nothing to undo")

    def action_redo(self) -> None:
        try:
            done = self.project.redo()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.data_changed()
        self.notify(f"Redone: {done}" if done else "Nothing to redo")

    def action_toggle_blind(self) -> None:
        self.blind = not self.blind
        self.data_changed()
        self.notify("Blind mode: only your codings are shown" if self.blind
                    else "Blind mode off: every coder's codings are shown")

    def action_switch_coder(self) -> None:
        from workbench.tui.screens.modals import CoderModal

        def chosen(name: str | None) -> None:
            if name:
                self.set_coder(name)

        coders = [c.name for c in self.project.coders()]
        self.push_screen(CoderModal(coders, self.coder), chosen)


def run(project_path: str, *, coder: str | None = None) -> None:
    """Open ``project_path`` and run the app until the user quits."""
    keymap = load_keymap()
    with Project.open(project_path, create=False) as project:
        WorkbenchApp(project, coder=coder, keymap=keymap).run()
