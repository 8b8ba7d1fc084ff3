"""The workbench app: screens over one open project, the current coder and blind mode.

The app owns the ``Project`` connection and the session state every screen shares: who is
coding, whether other coders' work is hidden, and the recently used codes behind keys 1-9.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

from textual.app import App

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.tui.actions import bindings, load_keymap
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.session import (
    POLL_SECONDS,
    TeamSession,
    data_version,
    served,
    team_session,
)

RECENT = 9


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
        team: TeamSession | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        #: the signed-in person under ``workbench serve`` (codes only as themselves), or None
        self.team = team
        self.coder = (team.user if team else coder or project.default_coder()).strip()
        self.coder_id = project.coder_id(self.coder)
        self.blind = bool(team and team.forced_blind(project))
        self.recent: list[int] = []
        self.keymap_overrides = dict(keymap or {})

    def on_mount(self) -> None:
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.push_screen(DocumentsScreen())
        self.update_status()
        if self.team is not None:
            self._seen_version = data_version(self.project)
            self.set_interval(POLL_SECONDS, self.follow_team)
        if served():  # under `workbench serve`: quit if the server is gone
            server = os.getppid()
            self.set_interval(POLL_SECONDS, lambda: os.getppid() != server and self.exit())

    def follow_team(self) -> None:
        """Team session: follow blind coding as the lead sets it, and show the others' work
        (codings, done marks) on the documents screen as they commit it."""
        assert self.team is not None
        blind = self.team.forced_blind(self.project)
        version = data_version(self.project)
        changed, self._seen_version = version != self._seen_version, version
        if blind != self.blind and not self.team.lead:
            self.blind = blind
            self.data_changed()
            if not blind:
                self.notify("The lead lifted blind coding: every coder's work is shown")
        elif changed and isinstance(self.screen, DocumentsScreen):
            self.data_changed()

    def team_refuses(self, what: str, *, lead_only: bool = True) -> bool:
        """In a team session, say so and return True when this person may not ``what``."""
        if self.team is None or (lead_only and self.team.lead):
            return False
        self.notify(f"Only the project lead can {what}", severity="warning")
        return True

    def undo_scope(self) -> dict[str, str] | None:
        """A team member undoes and redoes only their own actions (None: cannot here)."""
        if self.team is None:
            return {}
        if "coder" not in inspect.signature(self.project.undo).parameters:
            self.notify("Undo needs per-coder undo, which this version lacks", severity="error")
            return None  # a plain undo would take back another coder's action
        return {"coder": self.coder}

    # ------------------------------------------------------------- state

    def update_status(self) -> None:
        """Header line: project, coder (and blind mode), where we are."""
        screen = self.screen
        where = screen.status() if hasattr(screen, "status") else ""
        blind = " (blind)" if self.blind else ""
        self.sub_title = f"{Path(str(self.project.path)).name} · coder: {self.coder}{blind}" + (
            f" · {where}" if where else "")

    def remember(self, code_id: int) -> None:
        """Put a code first in the recent list behind keys 1-9."""
        if code_id in self.recent:
            self.recent.remove(code_id)
        self.recent.insert(0, code_id)
        del self.recent[RECENT:]

    def set_coder(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.coder_id = self.project.coder_id(name)
        self.coder = name
        self.project.set_setting("coder", name)
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

        if kind == "agreement" and self.team_refuses("compare coders and reconcile"):
            return
        screen_type = screen_class(kind)
        if isinstance(self.screen, screen_type):
            return
        self.push_screen(screen_type())
        self.call_after_refresh(self.update_status)

    # ---------------------------------------------------------------- data

    def action_undo(self) -> None:
        try:
            if (scope := self.undo_scope()) is None:
                return
            done = self.project.undo(**scope)
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
            if (scope := self.undo_scope()) is None:
                return
            done = self.project.redo(**scope)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.data_changed()
        self.notify(f"Redone: {done}" if done else "Nothing to redo")

    def action_toggle_blind(self) -> None:
        if self.team is not None and self.team.forced_blind(self.project):
            self.notify("Blind coding is on for the team until the lead lifts it",
                        severity="warning")
            return
        self.blind = not self.blind
        self.data_changed()
        self.notify("Blind mode: only your codings are shown" if self.blind
                    else "Blind mode off: every coder's codings are shown")

    def action_lift_blind(self) -> None:
        if self.team is None:
            self.notify("Blind coding for a team is set by 'workbench serve --blind'")
            return
        if self.team_refuses("lift blind coding"):
            return
        self.team.lift_blind(self.project)
        self.notify("Blind coding lifted: every coder now sees everyone's work")

    def action_switch_coder(self) -> None:
        if self.team is not None:
            self.notify(f"Signed in as {self.coder}: sign in as another user to code as them",
                        severity="warning")
            return
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
        WorkbenchApp(project, coder=coder, keymap=keymap, team=team_session(project)).run()
