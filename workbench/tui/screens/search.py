"""Project-wide search (FTS5 over sentences): jump to a hit, or code every hit at once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static

from workbench.errors import WorkbenchError
from workbench.model import Code
from workbench.search import Hit, code_hits, search
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import CodePickerModal

SNIPPET = 110


class SearchScreen(WorkbenchScreen):
    """Type words, Enter searches; Enter on a hit opens it; A codes every hit."""

    SCOPES = ("search",)
    BINDINGS = bindings("search")

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial_query, placeholder="search every document (words)", id="query")
        yield Static(id="search-summary")
        yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Document", "Offsets", "Sentence")
        self.query_one("#query", Input).focus()
        if self.initial_query:
            self.run_search(self.initial_query)
        else:
            self._summary()

    def run_search(self, query: str) -> None:
        try:
            self.hits = search(self.project, query)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            self.hits = []
        self.query_string = query
        table = self.query_one(DataTable)
        table.clear()
        for i, hit in enumerate(self.hits):
            snippet = " ".join(hit.text.split())
            if len(snippet) > SNIPPET:
                snippet = snippet[: SNIPPET - 1] + "…"
            table.add_row(hit.document, f"{hit.start}-{hit.end}", snippet, key=str(i))
        self._summary()

    def _summary(self) -> None:
        summary = self.query_one("#search-summary", Static)
        query = getattr(self, "query_string", "")
        if not query:
            summary.update("Enter words to find the sentences that hold all of them.")
        else:
            summary.update(f"{len(self.hits)} sentence(s) match {query!r}. Enter opens a hit; "
                           "A codes every hit with a code.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)
        if self.hits:
            self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.hits):
            hit = self.hits[index]
            self.wb.open_document(hit.document_id, select=(hit.start, hit.end))

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_code_all(self) -> None:
        if not self.hits:
            self.notify("Search first: there are no hits to code", severity="warning")
            return

        def chosen(code: Code | None) -> None:
            if code is None:
                return
            try:
                n = code_hits(self.project, self.hits, code.path, coder=self.wb.coder)
            except WorkbenchError as exc:
                self.notify(str(exc), severity="error")
                return
            self.wb.remember(code.id)
            skipped = len(self.hits) - n
            extra = f" ({skipped} already coded)" if skipped else ""
            self.notify(f"Coded {n} hit(s) with {code.path}{extra}; undo reverts them all")

        self.app.push_screen(CodePickerModal(self.project.codes(),
                                             f"Code {len(self.hits)} hit(s) with"), chosen)

    def status(self) -> str:
        return "search"
