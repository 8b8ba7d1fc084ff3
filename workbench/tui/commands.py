"""The command palette: every action that makes sense on the current screen, plus codes and
documents by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.i18n import _
from workbench.tui.actions import actions_in, display_keys, effective_keys


class WorkbenchCommands(Provider):
    """Actions of the ``app`` scope and of the current screen's scopes."""

    def _commands(self) -> list[tuple[str, str, object]]:
        from workbench.tui.screens.base import WorkbenchScreen
        from workbench.tui.screens.coding import CodingScreen
        from workbench.tui.screens.documents import DocumentsScreen

        app = self.app
        screen = self.screen
        keymap = getattr(app, "keymap_overrides", {})
        scopes = screen.SCOPES if isinstance(screen, WorkbenchScreen) else ()
        commands: list[tuple[str, str, object]] = []
        for action in actions_in("app", *scopes):
            if not action.palette:
                continue
            if action.scope == "app":
                target = app
            elif action.scope == "transcript":
                from workbench.tui.widgets.transcript import TranscriptView

                target = screen.query_one(TranscriptView)
            else:
                target = screen
            keys = display_keys(effective_keys(action, keymap))
            help_text = f"{keys}  ·  {action.id}" if keys else action.id
            commands.append(
                (_(action.description), help_text, partial(target.run_action, action.action))
            )
        if isinstance(screen, CodingScreen):
            for code in screen.codes:
                commands.append(
                    (
                        _("Apply code: {path}").format(path=code.path),
                        _("codes the selection"),
                        partial(screen.apply, code),
                    )
                )
        if isinstance(screen, DocumentsScreen):
            for row in screen.rows:
                commands.append(
                    (
                        _("Open document: {name}").format(name=row.name),
                        row.case or "",
                        partial(app.open_document, row.document_id),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)
