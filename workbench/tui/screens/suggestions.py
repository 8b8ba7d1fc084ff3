"""The suggestion review queue: open suggestions, most uncertain first (or by position).

Built on ``workbench.suggest.review``: accept makes a coding for the current coder (its source
says which suggestion it came from), reject is remembered so the same span and code is never
proposed again; both are undoable actions. ``R`` runs the suggesters (``suggest.run``) in the
background, as ``workbench suggest run`` does.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from workbench.errors import WorkbenchError
from workbench.suggest.review import Suggestion, accept, list_suggestions, reject
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.passage import PassageView

REASON = 60
ORDERS = ("uncertainty", "position")


class SuggestionsScreen(WorkbenchScreen):
    """Review open suggestions one by one: accept, reject, skip, or open in the transcript."""

    SCOPES = ("suggestions",)
    BINDINGS = bindings("suggestions")

    def __init__(self, order: str = "uncertainty") -> None:
        super().__init__()
        self.order = order
        self.items: list[Suggestion] = []
        self._texts: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="suggest-note", classes="analysis-note")
        yield DataTable(id="suggest-table", cursor_type="row", zebra_stripes=True)
        yield PassageView(id="suggest-passage")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Document", "Offsets", "Code", "Score", "Suggester", "Reason")
        self.load()
        table.focus()

    # ------------------------------------------------------------------ data

    def refresh_data(self) -> None:
        """Reload the open suggestions (after a decision, an undo or a run)."""
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current()
        self.items = list_suggestions(self.project, order=self.order)
        self._texts.clear()
        table.clear()
        for s in self.items:
            reason = s.reason if len(s.reason) <= REASON else s.reason[: REASON - 1] + "…"
            table.add_row(s.document, f"{s.start}-{s.end}", s.code,
                          Text(f"{s.score:.2f}", justify="right"), s.suggester, reason,
                          key=str(s.id))
        if keep is not None:
            ids = [s.id for s in self.items]
            if keep.id in ids:
                table.move_cursor(row=ids.index(keep.id))
        self.show()

    def current(self) -> Suggestion | None:
        if not self.items:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def text_of(self, document_id: int) -> str:
        if document_id not in self._texts:
            self._texts[document_id] = self.project.text(document_id)
        return self._texts[document_id]

    def show(self) -> None:
        note = self.query_one("#suggest-note", Static)
        passage = self.query_one(PassageView)
        s = self.current()
        head = Text()
        head.append(f"{len(self.items)} open suggestion(s), by {self.order}", style="bold")
        head.append(f"  ·  accepting codes for {self.wb.coder}\n")
        if s is None:
            head.append("Nothing to review. R runs the keyword rules (and the model, when "
                        "trained) over every document; or 'workbench suggest run'.", style="dim")
            note.update(head)
            passage.update("")
            return
        row = self.query_one(DataTable).cursor_row
        head.append(f"{row + 1} of {len(self.items)}: ", style="bold")
        head.append(f"{s.code}", style="bold")
        head.append(f"  score {s.score:.2f} (uncertainty {s.uncertainty:.2f})  ·  {s.suggester}"
                    f"  ·  {s.reason}")
        note.update(head)
        passage.show(self.text_of(s.document_id), s.start, s.end,
                     [(s.start, s.end, "suggestion")])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_suggestion()

    # --------------------------------------------------------------- actions

    def _decide(self, fn, verb: str) -> None:
        s = self.current()
        if s is None:
            self.notify("No open suggestion here", severity="warning")
            return
        row = self.query_one(DataTable).cursor_row
        try:
            fn(self.project, s.id, self.wb.coder)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_data()
        if self.items:
            self.query_one(DataTable).move_cursor(row=min(row, len(self.items) - 1))
        self.notify(f"{verb} {s.code} in {s.document}", timeout=2)

    def action_accept(self) -> None:
        self._decide(accept, "Coded")

    def action_reject(self) -> None:
        self._decide(reject, "Rejected")

    def action_skip(self) -> None:
        table = self.query_one(DataTable)
        if self.items:
            table.move_cursor(row=(table.cursor_row + 1) % len(self.items))

    def action_toggle_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self.refresh_data()

    def action_open_suggestion(self) -> None:
        s = self.current()
        if s is not None:
            self.wb.open_document(s.document_id, select=(s.start, s.end))

    def action_run_suggesters(self) -> None:
        self.notify("Running the suggesters over every document…", timeout=3)
        self.run_worker(self._run, thread=True, exclusive=True, group="suggest")

    def _run(self) -> None:
        from workbench.project import Project
        from workbench.suggest.run import run_suggestions

        # a thread gets its own connection: SQLite connections stay in their thread
        try:
            with Project.open(self.project.path, create=False) as project:
                summary = run_suggestions(project)
        except WorkbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        message = (f"Suggesters ran: {summary.added} new, {summary.kept} kept, "
                   f"{summary.removed} dropped")
        if summary.notes:
            message += f" ({'; '.join(summary.notes)})"
        self.app.call_from_thread(self.notify, message, timeout=6)
        self.app.call_from_thread(self.refresh_data)

    def status(self) -> str:
        return "suggestions"
