"""The words of the app: the language it speaks, and the key labels the footer shows.

A coder's language is kept in the project (``workbench.ops.coderstate``); switching it makes
the screens again, since every word on a screen is produced when it is composed. Each screen
shown gets its key labels in the language of the moment, and the footer keeps the keys that
move between screens for the documents screen, where there is room for them.
"""

from __future__ import annotations

from dataclasses import replace

from textual.command import CommandPalette
from textual.screen import Screen

from workbench.i18n import _, language, set_language
from workbench.store.errors import WorkbenchError
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.translate import LANGUAGE_NAMES, next_language, translate_bindings

#: app actions the footer shows on the documents screen only (``show_navigation``)
NAVIGATION = ("documents", "codebook", "search")


class AppLanguage:
    """The language part of ``WorkbenchApp`` (a mixin over the app's state: ``project``,
    ``coder`` and ``start_language``)."""

    def speak_coders_language(self) -> None:
        """Speak the language the current coder chose (kept in the project), else the one the
        app was started in; the app's own key labels follow."""
        from workbench.ops.coderstate import coder_language

        set_language(coder_language(self.project, self.coder) or self.start_language)
        translate_bindings(self)

    def coder_language_differs(self) -> bool:
        from workbench.ops.coderstate import coder_language

        return (coder_language(self.project, self.coder) or self.start_language) != language()

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

    def get_system_commands(self, screen):
        """Textual's own palette entries, less its Quit: the registry's quit (with its key)
        is the one the palette lists, so Quit appears once."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command._replace(title=_(command.title), help=_(command.help))
