"""The workbench app: screens over one open project, the current coder and blind mode.

The app owns the ``Project`` connection and the session state every screen shares: who is
coding, whether other coders' work is hidden, and the coder's favourite codes behind keys 1-9
(kept in the project per coder, so a key means the same code tomorrow).

This module holds the app itself (its state, mounting, keys, navigation between screens,
undo and redo) and ``run``, which opens the project for the person acting. Its other jobs
are mixins of their own: who acts (``app_coder``), the language and key labels
(``app_language``), and writing to a read-only or busy project (``app_writes``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.screen import ModalScreen

from workbench.i18n import _, language
from workbench.store.connection import INTERACTIVE_BUSY_TIMEOUT
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.tui.actions import bindings, load_keymap
from workbench.tui.app_coder import CoderSession
from workbench.tui.app_language import AppLanguage
from workbench.tui.app_writes import ProjectWrites
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

if TYPE_CHECKING:
    from workbench.ops.playback import Player


class WorkbenchApp(CoderSession, AppLanguage, ProjectWrites, App[None]):
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
        if team is not None:  # every operation checks this person's role (workbench.permissions)
            project.user = team.user
        self.coder = (team.user if team else coder or project.default_coder()).strip()
        self.coder_id = self._coder_id(self.coder)
        project.acting_coder = self.coder  # the app's actions are its coder's (undo per coder)
        # a write on the screen's thread tries for the lock once, briefly; a busy project
        # sends it to a worker that waits visibly (see ``write``) instead of freezing the app
        if str(project.path) != ":memory:":
            project.set_busy_timeout(INTERACTIVE_BUSY_TIMEOUT)
        project.max_wait = 0
        self.blind = bool(team and team.forced_blind(project))
        #: key 1-9 -> code id, the current coder's favourites (``workbench.ops.coderstate``)
        self.favourites: dict[int, int] = {}
        self.keymap_overrides = dict(keymap or {})
        #: the one line printed when an unexpected error ended the app (details: crash file)
        self.crash_message: str | None = None
        #: a write waiting for the lock (see ``write``): other writes queue behind it
        self._queued: list[tuple[Callable[[], object], Callable[[object], None] | None, str]] = []
        self._waiting = False
        #: the player of recordings, found on first use (``media_player``)
        self.player: Player | None = None
        self._no_player_said = False
        #: the language the app was started in (``--lang``, ``WORKBENCH_LANG``, the locale):
        #: a coder who chose none reads this one
        self.start_language = language()
        self.speak_coders_language()

    # ------------------------------------------------------------- crashes

    def _handle_exception(self, error: Exception) -> None:
        """An error nobody foresaw: a crash file without interview text, one line to print,
        and a non-zero exit status (``run`` raises it as a ``WorkbenchError``)."""
        from workbench.tui.crash import write_crash

        _path, self.crash_message = write_crash(error)
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    # ------------------------------------------------------------- media

    def media_player(self) -> Player | None:
        """The player of recordings, found on first use; without one, say once which to
        install (``workbench.ops.playback``)."""
        from workbench.ops.playback import find_player, missing_player_message

        if self.player is None:
            try:
                self.player = find_player()
            except WorkbenchError as exc:
                self.notify(str(exc), severity="error")
                return None
        if self.player is None and not self._no_player_said:
            self._no_player_said = True
            self.notify(missing_player_message(), severity="warning", timeout=10)
        return self.player

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.close()

    # ------------------------------------------------------------- keys, mounting

    def on_key(self, event: events.Key) -> None:
        """Keys typed into a screen that is no longer on top belong to the one that is.

        Textual hands each key to the widget focused when the key *arrives*, but resolves key
        bindings when the key reaches the app, against the focus of that moment. Keys typed
        in one burst (as over SSH: ``a``, part of a code's name, Enter) all arrive before
        ``a`` has opened the code picker: the letters went to the transcript and were lost
        while Enter found the picker's binding and applied whatever was highlighted. Such
        keys are passed on, in order, to what has the focus now, and nothing else sees them.
        """
        origin = getattr(event, "_workbench_screen", None)
        if origin is None or origin is self.screen or not isinstance(self.screen, ModalScreen):
            return
        event.stop()
        event.prevent_default()
        (self.focused or self.screen)._forward_event(events.Key(event.key, event.character))

    def on_mount(self) -> None:
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.load_favourites()
        self.push_screen(DocumentsScreen())
        self.update_status()
        if self.team is not None:
            self._seen_version = data_version(self.project)
            self.set_interval(POLL_SECONDS, self.follow_team)
        if served():  # under `workbench serve`: quit if the server is gone
            server = os.getppid()
            self.set_interval(POLL_SECONDS, lambda: os.getppid() != server and self.exit())

    # ------------------------------------------------------------- state

    def update_status(self) -> None:
        """Header line: project, coder (and blind mode), where we are."""
        screen = self.screen
        where = screen.status() if hasattr(screen, "status") else ""
        blind = " " + _("(blind)") if self.blind else ""
        read_only = " · " + _("READ ONLY") if self.project.read_only else ""
        coder = _("coder: {coder}").format(coder=self.coder)
        self.sub_title = f"{Path(str(self.project.path)).name}{read_only} · {coder}{blind}" + (
            f" · {where}" if where else ""
        )

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

        if kind == "agreement" and self.refuses("agreement.read"):
            return
        screen_type = screen_class(kind)
        if isinstance(self.screen, screen_type):
            return
        self.push_screen(screen_type())
        self.call_after_refresh(self.update_status)

    # ---------------------------------------------------------------- data

    def undo_coder(self) -> str:
        """Whose actions undo and redo take back: the app's coder, or the coder a screen
        writes for (the reconciliation screen writes the consensus coder's codings)."""
        return getattr(self.screen, "undo_coder", None) or self.coder

    def action_undo(self) -> None:
        from workbench.ops import history

        coder = self.undo_coder()

        def undone(done: str | None) -> None:
            self.data_changed()
            if done:
                self.notify(_("Undone: {done}").format(done=done))
            elif refusal := history.undo_refusal(self.project, coder):
                self.notify(refusal, severity="warning")
            else:
                self.notify(_("Nothing to undo"))

        self.write(lambda: history.undo(self.project, coder), undone, what=_("the undo"))

    def action_redo(self) -> None:
        from workbench.ops import history

        coder = self.undo_coder()

        def redone(done: str | None) -> None:
            self.data_changed()
            self.notify(_("Redone: {done}").format(done=done) if done else _("Nothing to redo"))

        self.write(lambda: history.redo(self.project, coder), redone, what=_("the redo"))


def run(
    project_path: str,
    *,
    coder: str | None = None,
    read_only: bool = False,
    user: str | None = None,
) -> None:
    """Open ``project_path`` and run the app until the user quits.

    ``user`` (or the team server's ``WORKBENCH_SESSION_USER``) is the signed-in person: the
    app codes as them and every operation checks their role. The app's writes try for the
    lock briefly (``INTERACTIVE_BUSY_TIMEOUT``) and again, so a busy project never holds the
    screen for long in one go.
    An unexpected error ends the app with one line (raised as a ``WorkbenchError``, so the
    command exits 1) and the details in a crash file (``workbench.tui.crash``).
    """
    keymap = load_keymap()
    project = _open_for(project_path, read_only=read_only, user=user)
    try:
        app = WorkbenchApp(project, coder=coder, keymap=keymap, team=team_session(project))
        app.run()
    finally:
        project.close()
    if app.crash_message:
        raise WorkbenchError(app.crash_message)
    if app.return_code:
        raise WorkbenchError(_("workbench stopped (status {code})").format(code=app.return_code))


def _open_for(path: str, *, read_only: bool, user: str | None) -> Project:
    """The project opened for the person acting; a reviewer's read-only, so that nothing of
    theirs is written (not even their place in a document)."""
    project = Project.open(
        path, create=False, read_only=read_only, busy_timeout=INTERACTIVE_BUSY_TIMEOUT
    )
    project.user = user
    team = team_session(project)
    if team is not None and team.reviewer and not project.read_only:
        project.close()
        project = Project.open(
            path, create=False, read_only=True, busy_timeout=INTERACTIVE_BUSY_TIMEOUT
        )
        project.user = user
    return project
