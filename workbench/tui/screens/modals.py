"""Small dialogs: confirm, ask for a line of text, pick a code, pick from a list, write a memo.

Each is a ``ModalScreen`` that dismisses with its answer (``None`` when cancelled with Escape),
so callers use ``push_screen(modal, callback)`` and stay free of dialog plumbing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from workbench.i18n import N_, _
from workbench.store.model import Code

#: the id of the code a picker offers to create (it does not exist yet)
NEW_CODE_ID = -100


class ConfirmModal(ModalScreen[bool]):
    """Yes or no; Enter or ``y`` confirms, Escape or ``n`` cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        yes, no = yes or _("Yes"), no or _("No")
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptModal(ModalScreen[str | None]):
    """One line of text."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self, title: str, value: str = "", *, placeholder: str = "", select_all: bool = False
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.value, self.placeholder = title, value, placeholder
        self.select_all = select_all

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(
                self.value,
                placeholder=self.placeholder,
                id="prompt",
                select_on_focus=self.select_all,
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceModal(ModalScreen[int | None]):
    """Pick one of a few labelled choices; returns its index."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, choices: Sequence[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.choices = title, list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*self.choices, id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodePickerModal(ModalScreen[Code | None]):
    """Fuzzy search of code paths: type a few letters, Enter applies the best match."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(
        self, codes: Sequence[Code], title: str | None = None, *, new_under: str | None = None
    ) -> None:
        title = title or _("Code")
        super().__init__(classes="dialog-screen")
        self.codes = list(codes)
        self.title_text = title
        self.shown: list[Code] = []
        self._shown_for = ""
        #: when not None, a name that matches no code is offered as a new code under this
        #: group ("" = top level); choosing it dismisses with a ``NEW_CODE_ID`` code
        self.new_under = new_under

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder=_("type part of a code name"), id="code-query")
            yield OptionList(id="code-options")

    def on_mount(self) -> None:
        self._fill("")

    def matches(self, query: str) -> list[Code]:
        """Codes whose path matches ``query`` fuzzily, best first."""
        if not query.strip():
            return list(self.codes)
        matcher = Matcher(query)
        scored = [(matcher.match(c.path), i, c) for i, c in enumerate(self.codes)]
        return [c for score, _unused, c in sorted(scored, key=lambda t: (-t[0], t[1])) if score > 0]

    def _fill(self, query: str) -> None:
        options = self.query_one("#code-options", OptionList)
        self.shown = self.matches(query)
        self._shown_for = query
        new = self.new_code(query)
        if new is not None:
            # first when nothing matches (Enter creates it), else after the matches
            self.shown = [new, *self.shown] if not self.shown else [*self.shown, new]
        options.clear_options()
        options.add_options([self._option(c) for c in self.shown])
        if self.shown:
            options.highlighted = 0

    def new_code(self, query: str) -> Code | None:
        """The code that typing ``query`` would create, when new codes are offered and no
        code has that name."""
        name = " ".join(query.replace("/", " ").split())
        if self.new_under is None or not name:
            return None
        if any(c.name.casefold() == name.casefold() for c in self.codes):
            return None
        path = f"{self.new_under}/{name}" if self.new_under else name
        return Code(id=NEW_CODE_ID, guid="", parent_id=None, name=name, path=path)

    @staticmethod
    def _option(code: Code) -> Option:
        """The code's path, and under it the first line of its description."""
        from workbench.tui.widgets.codepanel import first_line

        if code.id == NEW_CODE_ID:
            return Option(
                Text.assemble(
                    (_("+ new code: "), "bold"),
                    code.path,
                    (_("\n  Enter, then confirm: created and applied"), "dim"),
                )
            )
        prompt = Text(code.path)
        line = first_line(code.description, 62)
        if line:
            prompt.append("\n  " + line, style="dim")
        return Option(prompt)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: events.Key) -> None:
        """Typing that reached the dialog itself belongs in the query box.

        Keys sent in one burst (as over SSH) arrive before the query box has focus; they are
        delivered to the dialog, and would otherwise be lost or run the app's own key
        bindings (``u`` undoes). The query box takes printable keys itself, so any that get
        here were meant for it.
        """
        if event.is_printable and event.character:
            query = self.query_one("#code-query", Input)
            query.insert_text_at_cursor(event.character)
            query.focus()
            event.stop()
            event.prevent_default()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter applies the best match for the text in the box *now*.

        The list below is refilled on ``Input.Changed``, which can still be queued when Enter
        arrives right after the last letter: the highlighted row then belongs to an older
        query. Only when the list is current does the highlight (moved with the arrows) count.
        """
        options = self.query_one("#code-options", OptionList)
        index = options.highlighted
        if self._shown_for != event.value:
            self._fill(event.value)
            index = 0
        if self.shown and index is not None:
            self.dismiss(self.shown[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one("#code-options", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoModal(ModalScreen[str | None]):
    """A memo editor: Ctrl+S saves, Escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), show=True),
        Binding("escape", "cancel", N_("Cancel"), show=True),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True)
            yield Label(_("ctrl+s save · esc cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CoderModal(ModalScreen[str | None]):
    """Switch coder: pick a known coder or type a new name."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, coders: Sequence[str], current: str) -> None:
        super().__init__(classes="dialog-screen")
        self.coders, self.current = list(coders), current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Coder (now {current})").format(current=self.current), classes="dialog-title"
            )
            yield OptionList(*self.coders, id="coders")
            yield Input(placeholder=_("or type a new coder name"), id="coder-name")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.coders:
            options.highlighted = self.coders.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.coders[event.option_index])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WaitModal(ModalScreen[None]):
    """Shown while a write waits for another program to finish writing; Escape stops waiting.

    It covers the screen, so nothing typed meanwhile lands on the transcript or anywhere else
    the pending write did not mean.
    """

    BINDINGS = [Binding("escape", "cancel", N_("Stop waiting"), show=True)]

    def __init__(self, cancel: threading.Event, what: str) -> None:
        super().__init__(classes="dialog-screen")
        self.cancel, self.what = cancel, what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Waiting for the project: another program is writing"),
                id="wait-status",
                classes="dialog-title",
            )
            yield Label(
                _(
                    "{what} will be saved as soon as it is free · esc: stop waiting (nothing is "
                    "saved)"
                ).format(what=self.what),
                classes="dialog-hint",
            )

    def show_wait(self, waited: float) -> None:
        if not self.cancel.is_set():
            self.query_one("#wait-status", Label).update(
                _("Waiting for the project: another program is writing ({waited:.0f} s)").format(
                    waited=waited
                )
            )

    def on_key(self, event: events.Key) -> None:
        if event.key != "escape":
            event.stop()  # keys typed while waiting go nowhere else

    def action_cancel(self) -> None:
        self.cancel.set()
        self.query_one("#wait-status", Label).update(_("Stopping…"))
