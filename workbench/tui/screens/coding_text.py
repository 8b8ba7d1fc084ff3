"""Correcting the transcript on the coding screen: one key edits the selected text in place.

A dialog shows the old text and takes the new one (and why, for the action log); the edit
goes through the core's one text operation (``workbench.ops.textedit``), so every coding,
memo, unit and suggestion follows it and one undo takes it back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from workbench.i18n import _
from workbench.ops.views import sentence_spans, turn_spans


class TextEditModal(ModalScreen[tuple[str, str] | None]):
    """The old text, the new text (Ctrl+S saves) and why; Escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, old: str, where: str) -> None:
        super().__init__(classes="dialog-screen")
        self.old, self.where = old, where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Label(
                _("Correct the text at {where}").format(where=self.where), classes="dialog-title"
            )
            yield Label(_("Old text:"))
            yield Static(self.old, id="old-text", markup=False)
            yield Label(_("New text:"))
            yield TextArea(self.old, id="new-text", soft_wrap=True)
            yield Input(placeholder=_("why (kept in the action log)"), id="why")
            yield Label(_("ctrl+s save · esc cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.select_all()  # typing replaces the old text; an arrow key keeps it to edit
        area.focus()

    def action_save(self) -> None:
        self.dismiss((self.query_one(TextArea).text, self.query_one("#why", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodingTextEdits:
    """Text correction for ``CodingScreen`` (a mixin over the screen's state)."""

    def action_edit_text(self) -> None:
        from workbench.ops.reanchor import Edit
        from workbench.ops.textedit import edit_text

        lo, hi = self.view.selection
        if hi <= lo:
            self.notify(_("Select the text to correct first"), severity="warning")
            return
        old = self.view.text[lo:hi]

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is None or answer[0] == old:
                return
            new, why = answer

            def done(result) -> None:
                self.reload_text(select=(lo, lo + len(new)))
                self.app.data_changed()
                kept = len(result.kept)
                message = _("Text corrected; every coding kept")
                if kept:
                    message = _(
                        "Text corrected; {n} coding(s) lost all their text and were kept at the edit point"
                    ).format(n=kept)
                self.notify(message, severity="warning" if kept else "information")

            self.wb.write(
                lambda: edit_text(
                    self.project,
                    self.document_id,
                    [Edit(lo, hi, new)],
                    why=why or None,
                    coder=self.wb.coder,
                    expect=self.document.sha256,
                ),
                done,
                what=_("the correction"),
            )

        self.app.push_screen(TextEditModal(old, f"[{lo}, {hi})"), chosen)

    def reload_text(self, select: tuple[int, int] | None = None) -> None:
        """Show the document's text again (after a correction, or an undo of one)."""
        project = self.project
        self.document = project.document(self.document_id)
        text = project.text(self.document_id)
        self._load_codings()
        self._load_suggestions()
        self.view.load(
            text,
            turn_spans(project, self.document_id),
            sentence_spans(project, self.document_id),
            self.visible_spans(),
            {c.id: c.name for c in self.codes},
            self.colours,
            self.suggestions,
        )
        if select is not None:
            a, b = min(select[0], len(text)), min(select[1], len(text))
            self.view.select(a, b)
            self.call_after_refresh(self.view.reveal_selection)
