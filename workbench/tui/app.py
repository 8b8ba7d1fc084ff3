"""The workbench app: screens over one open project, the current coder and blind mode.

The app owns the ``Project`` connection and the session state every screen shares: who is
coding, whether other coders' work is hidden, and the coder's favourite codes behind keys 1-9
(kept in the project per coder, so a key means the same code tomorrow).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen

from workbench.i18n import _, language, set_language
from workbench.store.connection import INTERACTIVE_BUSY_TIMEOUT
from workbench.store.errors import BusyCancelled, ProjectBusy, WorkbenchError
from workbench.store.project import Project
from workbench.tui.actions import bindings, load_keymap, writes
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
from workbench.tui.translate import LANGUAGE_NAMES, next_language, translate_bindings

if TYPE_CHECKING:
    from workbench.ops.playback import Player

T = TypeVar("T")
#: app actions the footer shows on the documents screen only (``show_navigation``)
NAVIGATION = ("documents", "codebook", "search")
#: how long a write waits in the background for a busy project before it gives up
WAIT_LIMIT = 600.0


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

    @property
    def waiting(self) -> bool:
        """Whether a write is waiting for the project (later writes queue behind it)."""
        return self._waiting

    # ------------------------------------------------------------- read-only, crashes

    def refuse_read_only(self) -> bool:
        """In a read-only project, say so in one line and return True (nothing opens)."""
        if not self.project.read_only:
            return False
        self.notify(read_only_line(self.project), severity="warning")
        return True

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every action passes here (keys and palette alike): a read-only project refuses
        the ones that write before they open any dialog."""
        if isinstance(action, str) and self.project.read_only and writes(action):
            self.refuse_read_only()
            return True
        return await super().run_action(action, default_namespace, namespaces)

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

    # ------------------------------------------------------------- language

    def speak_coders_language(self) -> None:
        """Speak the language the current coder chose (kept in the project), else the one the
        app was started in; the app's own key labels follow."""
        from workbench.ops.coderstate import coder_language

        set_language(coder_language(self.project, self.coder) or self.start_language)
        translate_bindings(self)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[override]
        """Every screen's key labels in the language spoken when it is shown."""
        if isinstance(screen, Screen):
            translate_bindings(screen)
            self.show_navigation(screen)
        return super().push_screen(screen, *args, **kwargs)

    def pop_screen(self):  # type: ignore[override]
        result = super().pop_screen()
        self.show_navigation(self.screen)
        self.screen.refresh_bindings()
        return result

    def show_navigation(self, screen: Screen) -> None:
        """The footer lists the keys that move between screens (documents, codebook, search)
        on the documents screen only; elsewhere the screen's own keys and F1 need the room
        (Spanish labels run a quarter longer; the footer must hold at 100 columns). The keys
        work everywhere, and help and the palette list them."""
        home = isinstance(screen, DocumentsScreen) or not isinstance(screen, WorkbenchScreen)
        bindings = self._bindings
        bindings.key_to_bindings = {
            key: [
                replace(b, show=home) if b.id in NAVIGATION and b.show != home else b for b in group
            ]
            for key, group in bindings.key_to_bindings.items()
        }

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def action_switch_language(self) -> None:
        """Move to the next language and keep the choice for this coder (a preference, not
        research data: no undo entry). The screens are made again in the new language."""
        from workbench.ops.coderstate import set_coder_language

        chosen = next_language(language())
        if not self.project.read_only:
            try:
                set_coder_language(self.project, self.coder, chosen)
            except WorkbenchError as exc:
                self.notify(str(exc), severity="error")
                return
        set_language(chosen)
        translate_bindings(self)
        self.rebuild_screens()
        self.notify(_("Language: {name}").format(name=LANGUAGE_NAMES.get(chosen, chosen)))

    def rebuild_screens(self) -> None:
        """Make the documents screen again (the screens above it close): every word on it is
        produced when a screen is composed."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(DocumentsScreen())
        self.call_after_refresh(self.update_status)

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

    # ------------------------------------------------------------- writing

    def write(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None] | None = None,
        *,
        what: str | None = None,
    ) -> bool | None:
        """Run the write ``fn``; when another program holds the project, wait in a worker.

        The first try runs at once and gives up after one short busy timeout. Then a dialog
        says "waiting for the project: another program is writing" while a worker tries
        again until the lock is free (``done`` then runs, as after a write at once) or the
        user presses Escape (nothing is written). Returns True when written at once, None
        when waiting, False on an error (already shown). While one write waits, later ones
        queue behind it in order (a coder switch, a memo, a done mark...) and run when it
        lands; stopping the wait drops them all, and says so.
        """
        what = what or _("the change")
        if self.refuse_read_only():
            return False
        if self._waiting:
            self._queued.append((fn, done, what))  # type: ignore[arg-type]
            self.notify(
                _("Queued: {what} is saved after the change that is waiting").format(what=what),
                timeout=2,
            )
            return None
        try:
            result = fn()
        except ProjectBusy:
            self._wait_and_write(fn, done, what)
            return None
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return False
        if done is not None:
            done(result)
        return True

    def _wait_and_write(
        self, fn: Callable[[], T], done: Callable[[T], None] | None, what: str
    ) -> None:
        from workbench.tui.screens.modals import WaitModal

        cancel = threading.Event()
        dialog = WaitModal(cancel, what)
        self._waiting = True
        self.push_screen(dialog)
        project = self.project

        def on_busy(waited: float) -> None:
            if cancel.is_set():
                raise BusyCancelled(
                    _("stopped waiting for the project; {what} was not saved").format(what=what)
                )
            self.call_from_thread(dialog.show_wait, waited)

        def finish(outcome: tuple[str, object]) -> None:
            if self.screen is dialog:
                dialog.dismiss()
            self._waiting = False
            kind, value = outcome
            queued, self._queued = self._queued, []
            if kind == "ok":
                if done is not None:
                    done(value)  # type: ignore[arg-type]
                # after this callback returns: an error there must not fail the waiting worker
                for next_fn, next_done, next_what in queued:
                    self.call_later(self.write, next_fn, next_done, what=next_what)
            else:
                self.notify(str(value), severity="warning" if kind == "cancelled" else "error")
                if queued:
                    self.notify(
                        _("Not saved either: {what}").format(
                            what=", ".join(w for _f, _d, w in queued)
                        ),
                        severity="warning",
                    )

        def work() -> None:
            project.on_busy, project.max_wait = on_busy, WAIT_LIMIT
            try:
                outcome: tuple[str, object] = ("ok", fn())
            except BusyCancelled as exc:
                outcome = ("cancelled", exc)
            except WorkbenchError as exc:
                outcome = ("error", exc)
            finally:
                project.on_busy, project.max_wait = None, 0
            self.call_from_thread(finish, outcome)

        self.run_worker(work, thread=True, exclusive=True, group="write")

    def thread_project(self) -> Project:
        """A connection of its own for a worker thread (SQLite connections stay in their
        thread), acting as the same person with the same role."""
        project = Project.open(self.project.path, create=False, read_only=self.project.read_only)
        project.user = self.project.user
        return project

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

    def get_system_commands(self, screen):
        """Textual's own palette entries, less its Quit: the registry's quit (with its key)
        is the one the palette lists, so Quit appears once."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command._replace(title=_(command.title), help=_(command.help))

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
                self.notify(_("The lead lifted blind coding: every coder's work is shown"))
        elif changed and isinstance(self.screen, DocumentsScreen):
            self.data_changed()

    def refuses(self, operation: str, *, owner: str | None = None) -> bool:
        """Say why and return True when the acting person may not do ``operation`` (the
        core's answer, ``workbench.permissions``: the screens never decide it themselves)."""
        from workbench.permissions import refusal

        try:
            why = refusal(self.project, operation, owner=owner)
        except WorkbenchError as exc:
            why = str(exc)
        if why is None:
            return False
        self.notify(why, severity="warning")
        return True

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

    def _coder_id(self, name: str) -> int:
        """The coder's id; a read-only project cannot add a coder, so a new one owns nothing."""
        if self.project.read_only:
            try:
                return self.project.coder_id(name, create=False)
            except WorkbenchError:
                return -1
        return self.project.coder_id(name)

    def load_favourites(self) -> None:
        from workbench.ops.coderstate import favourites

        self.favourites = favourites(self.project, self.coder)

    def remember(self, code_id: int) -> None:
        """A code was applied: give it the first free key 1-9 if it has none (keys that are
        taken keep their code)."""
        from workbench.ops.coderstate import pin_if_free

        if code_id not in self.favourites.values() and len(self.favourites) < 9:
            try:
                pin_if_free(self.project, self.coder, code_id)
            except WorkbenchError:  # a busy project: the key waits for the next coding
                return
            self.load_favourites()

    def pin(self, slot: int, code_id: int | None) -> bool:
        """Put a code on key ``slot`` for the current coder (None clears the key); False
        (and said why) when it was not done."""
        from workbench.ops.coderstate import pin

        try:
            pin(self.project, self.coder, slot, code_id)
        except WorkbenchError as exc:  # a reviewer keeps no favourites; a busy project
            self.notify(str(exc), severity="warning")
            return False
        self.load_favourites()
        return True

    def set_coder(self, name: str) -> None:
        """Code as ``name`` from now on (remembered in the project as the last coder).

        A read-only project can show the work of a coder it knows, but adds none and
        remembers nothing. The choice is a write like any other: while the project is busy
        it waits (and queues) the same way, and the app keeps its coder until it lands.
        """
        name = name.strip()
        if not name:
            return
        if self.project.read_only:
            try:
                self.coder_id = self.project.coder_id(name, create=False)
            except WorkbenchError:
                self.notify(
                    _("Read-only: {name} has not coded in this project").format(name=name),
                    severity="warning",
                )
                return
            self._became(name)
            return

        def remember() -> int:
            with self.project.transaction():
                coder_id = self.project.coder_id(name)
                self.project.set_setting("coder", name)
            return coder_id

        def landed(coder_id: int) -> None:
            self.coder_id = coder_id
            self._became(name)

        self.write(remember, landed, what=_("the switch to {name}").format(name=name))

    def _became(self, name: str) -> None:
        self.coder = name
        self.project.acting_coder = name
        self.load_favourites()
        if self.coder_language_differs():
            self.speak_coders_language()
            self.rebuild_screens()
        self.data_changed()
        self.notify(_("Coding as {name}").format(name=name))

    def coder_language_differs(self) -> bool:
        from workbench.ops.coderstate import coder_language

        return (coder_language(self.project, self.coder) or self.start_language) != language()

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

    def action_toggle_blind(self) -> None:
        if self.team is not None and self.team.forced_blind(self.project):
            self.notify(
                _("Blind coding is on for the team until the lead lifts it"), severity="warning"
            )
            return
        self.blind = not self.blind
        self.data_changed()
        self.notify(
            _("Blind mode: only your codings are shown")
            if self.blind
            else _("Blind mode off: every coder's codings are shown")
        )

    def action_lift_blind(self) -> None:
        if self.team is None:
            self.notify(_("Blind coding for a team is set by 'workbench serve --blind'"))
            return
        if self.refuses("blind.set"):
            return
        self.write(
            lambda: self.team.lift_blind(self.project) if self.team else None,
            lambda _done: self.notify(
                _("Blind coding lifted: every coder now sees everyone's work")
            ),
            what=_("lifting blind coding"),
        )

    def action_switch_coder(self) -> None:
        if self.team is not None:
            self.notify(
                _("Signed in as {coder}: sign in as another user to code as them").format(
                    coder=self.coder
                ),
                severity="warning",
            )
            return
        from workbench.tui.screens.modals import CoderModal

        def chosen(name: str | None) -> None:
            if name:
                self.set_coder(name)

        coders = [c.name for c in self.project.coders()]
        self.push_screen(CoderModal(coders, self.coder), chosen)


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


def read_only_line(project: Project) -> str:
    """Why nothing can be changed here: a reviewer's session (the team server opens it
    read-only) says so by name, any other read-only project in general."""
    from workbench.permissions import REVIEWER, actor

    who = actor(project)
    if who.role == REVIEWER:
        return _("Read-only: {who} reads and changes nothing").format(who=who.label())
    return _("Read-only: this project is open for reading; nothing can be changed")
