"""Writing to the project from the app: refused in a read-only project, waited for in a busy one.

Every write of every screen goes through ``write``: it tries once at once, and when another
program holds the project it waits in a worker behind a dialog the user can stop, while
later writes queue behind it in order. Every action passes ``run_action``, which refuses
the ones that write (``workbench.tui.actions.writes``) before any dialog opens when the
project is read-only. Kept apart from the app so the one way of writing reads as one piece.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from workbench.i18n import _
from workbench.store.errors import BusyCancelled, ProjectBusy, WorkbenchError
from workbench.store.project import Project
from workbench.tui.actions import writes

T = TypeVar("T")
#: how long a write waits in the background for a busy project before it gives up
WAIT_LIMIT = 600.0


class ProjectWrites:
    """The writing part of ``WorkbenchApp`` (a mixin over the app's state: ``project``, and
    the queue ``_queued`` and flag ``_waiting`` its ``__init__`` sets)."""

    @property
    def waiting(self) -> bool:
        """Whether a write is waiting for the project (later writes queue behind it)."""
        return self._waiting

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


def read_only_line(project: Project) -> str:
    """Why nothing can be changed here: a reviewer's session (the team server opens it
    read-only) says so by name, any other read-only project in general."""
    from workbench.permissions import REVIEWER, actor

    who = actor(project)
    if who.role == REVIEWER:
        return _("Read-only: {who} reads and changes nothing").format(who=who.label())
    return _("Read-only: this project is open for reading; nothing can be changed")
