"""Who acts in the app: the coder, their favourite codes on keys 1-9, blind mode, the team.

Switching coder is a write like any other (it waits for a busy project); a coder's keys are
kept in the project per coder (``workbench.ops.coderstate``). Under ``workbench serve`` the
signed-in person codes only as themselves, blind coding follows the lead, and what they may
do is the core's answer (``workbench.permissions``), never the screens'.
"""

from __future__ import annotations

from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.session import data_version


class CoderSession:
    """The coder part of ``WorkbenchApp`` (a mixin over the app's state: ``project``,
    ``coder``, ``coder_id``, ``favourites``, ``blind`` and ``team``)."""

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
