"""The pseudonym review: detected candidates one by one, each with its occurrences in context.

``a`` accepts the highlighted candidate with a pseudonym (the next free ``Participant NN``,
``Place NN`` ... is offered), ``x`` rejects it, ``m`` merges it into an entry of the key
(another spelling of someone already there), ``k`` changes its kind, ``down``/``j`` skips.
Each decision is written to the key file beside the project at once (``pseudonymise.review``),
so leaving and coming back resumes with what is still undecided. Detection runs in a worker:
on a large study it takes a few seconds.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from workbench.i18n import _
from workbench.pseudonymise.detect import Candidate
from workbench.pseudonymise.key import KINDS, Key, default_key_path, read_key
from workbench.store.errors import WorkbenchError
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import ChoiceModal, PromptModal

CONTEXTS = 6


class PseudonymiseScreen(WorkbenchScreen):
    """Walk the candidates: accept with a pseudonym, reject, merge variants, skip."""

    SCOPES = ("pseudonymise",)
    BINDINGS = bindings("pseudonymise")

    def __init__(self) -> None:
        super().__init__()
        self.key: Key | None = None
        self.items: list[Candidate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Looking for identifiers..."), id="pseudo-note", classes="analysis-note")
        yield DataTable(id="pseudo-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="pseudo-context")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Kind"), _("Candidate"), _("Count"), _("Variants"), _("Decision"))
        table.focus()
        self.load()

    def refresh_data(self) -> None:
        if self.is_mounted and self.items:
            self.show()

    @work(thread=True, exclusive=True, group="pseudonymise-detect")
    def load(self) -> None:
        """Detect (in a worker) and show what the key does not cover yet."""
        from workbench.pseudonymise.detect import detect
        from workbench.pseudonymise.review import pending

        try:
            key = read_key(default_key_path(self.project.path), missing_ok=True)
            found = pending(detect(self.project), key)
        except WorkbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._loaded, key, found)

    def _loaded(self, key: Key, found: list[Candidate]) -> None:
        self.key, self.items = key, found
        self.show()

    # ------------------------------------------------------------------ showing

    def show(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for c in self.items:
            decided = "" if c.key_entry is None else f"{c.key_status}: {c.key_entry}"
            table.add_row(c.kind, c.text, str(c.count), ", ".join(c.variants)[:40], decided)
        open_ = sum(1 for c in self.items if c.key_entry is None)
        assert self.key is not None
        self.query_one("#pseudo-note", Static).update(
            _(
                "{open} of {n} candidates to decide; the key is {path} (a: accept, x: reject, "
                "m: merge into an entry, k: kind, j: skip)"
            ).format(open=open_, n=len(self.items), path=self.key.path)
        )
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        self._show_context()

    def current(self) -> Candidate | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row is None or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_context()

    def _show_context(self) -> None:
        c = self.current()
        text = Text()
        if c is not None:
            for o in c.occurrences[:CONTEXTS]:
                text.append(f"{o.document} {o.start}: ", style="dim")
                text.append(o.context + "\n")
            if c.count > CONTEXTS:
                text.append(_("... and {n} more").format(n=c.count - CONTEXTS), style="dim")
        self.query_one("#pseudo-context", Static).update(text)

    def _next(self) -> None:
        table = self.query_one(DataTable)
        for i in range(table.cursor_row + 1, len(self.items)):
            if self.items[i].key_entry is None:
                table.move_cursor(row=i)
                return

    # ---------------------------------------------------------------- deciding

    def _decide(self, fn) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.show()
        self._next()

    def action_accept(self) -> None:
        from workbench.pseudonymise.review import accept

        c, key = self.current(), self.key
        if c is None or key is None:
            return

        def named(pseudonym: str | None) -> None:
            if pseudonym and pseudonym.strip():
                self._decide(lambda: accept(key, c, pseudonym.strip()))

        self.app.push_screen(
            PromptModal(
                _("Pseudonym for {text}").format(text=c.text),
                key.next_pseudonym(c.kind),
                select_all=True,
            ),
            named,
        )

    def action_reject(self) -> None:
        from workbench.pseudonymise.review import reject

        c, key = self.current(), self.key
        if c is not None and key is not None:
            self._decide(lambda: reject(key, c))

    def action_merge(self) -> None:
        from workbench.pseudonymise.review import merge

        c, key = self.current(), self.key
        if c is None or key is None:
            return
        targets = [e.original for e in key.accepted()]
        if not targets:
            self.notify(
                _("Accept an entry first, then merge its variants into it"), severity="warning"
            )
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self._decide(lambda: merge(key, c, targets[index]))

        self.app.push_screen(
            ChoiceModal(_("Merge {text} into which entry?").format(text=c.text), targets), picked
        )

    def action_kind(self) -> None:
        c = self.current()
        if c is None:
            return

        def picked(index: int | None) -> None:
            if index is not None:
                c.kind = KINDS[index]
                self.show()

        self.app.push_screen(
            ChoiceModal(_("Kind of {text}").format(text=c.text), list(KINDS)), picked
        )

    def action_skip(self) -> None:
        self._next()
