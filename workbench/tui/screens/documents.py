"""The documents screen: every transcript with its case, size and each coder's progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from workbench import coding as core
from workbench.progress import DocumentProgress, document_progress
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen

MAX_ATTRIBUTES = 3


class DocumentsScreen(WorkbenchScreen):
    """List documents; Enter opens one for coding."""

    SCOPES = ("documents",)
    BINDINGS = bindings("documents")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DocumentProgress] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="documents-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        table = self.query_one(DataTable)
        row_before = table.cursor_row
        self.rows = document_progress(self.project)
        attributes: list[str] = []
        for row in self.rows:
            for name in row.attributes:
                if name not in attributes:
                    attributes.append(name)
        attributes = attributes[:MAX_ATTRIBUTES]
        coders = sorted({name for row in self.rows for name in row.coders} | {self.wb.coder})
        if self.wb.blind:  # blind coding: only the coder's own progress
            coders = [self.wb.coder]
        table.clear(columns=True)
        table.add_columns("Document", "Case", *attributes, "Words", *coders)
        for row in self.rows:
            cells = [row.name, row.case or ""]
            cells += ["" if row.attributes.get(a) is None else str(row.attributes[a])
                      for a in attributes]
            cells.append(f"{row.words:,}")
            for coder in coders:
                progress = row.coders.get(coder)
                if progress is None or (not progress.codings and not progress.done):
                    cells.append("·")
                    continue
                mark = " ✓" if progress.done else ""
                cells.append(f"{progress.codings} ({row.share(coder):.0%}){mark}")
            table.add_row(*cells, key=str(row.document_id))
        if self.rows:
            table.move_cursor(row=min(max(row_before, 0), len(self.rows) - 1))
        hint = self.query_one("#documents-hint", Static)
        if self.rows:
            hint.update(f"{len(self.rows)} document(s). Per coder: codings (share of text "
                        "coded), ✓ = marked done. Enter opens, d marks done.")
        else:
            hint.update("No documents yet: import transcripts with 'workbench import FILES'.")

    def current(self) -> DocumentProgress | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_document()

    def action_open_document(self) -> None:
        row = self.current()
        if row is not None:
            self.wb.open_document(row.document_id)

    def action_toggle_done(self) -> None:
        row = self.current()
        if row is None:
            return
        progress = row.coders.get(self.wb.coder)
        done = bool(progress and progress.done)
        coder = self.wb.coder

        def marked(_: object) -> None:
            self.refresh_data()
            self.notify(f"{row.name}: {'not done' if done else 'done'} for {coder}")

        self.wb.write(lambda: core.mark_done(self.project, row.document_id, coder, not done),
                      marked, what="the done mark")

    def status(self) -> str:
        return "documents"
