"""The help screen: every action with its keys, generated from the action registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from workbench.i18n import N_, _
from workbench.tui.action_spec import SCOPES
from workbench.tui.actions import actions_in, display_keys, effective_keys


class HelpScreen(ModalScreen[None]):
    """Keys of every screen; Escape closes it."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss_help", N_("Close"), show=True)]

    def compose(self) -> ComposeResult:
        yield Label(
            _(
                "Keys and actions  (ctrl+p: command palette with every action; remap keys in "
                "keys.toml by action id)"
            ),
            id="help-title",
        )
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        keymap = getattr(self.app, "keymap_overrides", {})
        table = self.query_one(DataTable)
        # keys and what they do first: on a narrow terminal they are what must show
        table.add_columns(_("Keys"), _("Action"), _("Where"), _("Id"))
        for scope, title in SCOPES.items():
            for action in actions_in(scope):
                keys = display_keys(effective_keys(action, keymap)) or _("palette")
                table.add_row(keys, _(action.description), _(title), action.id)
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
