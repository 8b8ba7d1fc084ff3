"""Project-wide search (FTS5 over sentences): read each hit in context, jump to it, or code
the hits the coder marks (every hit when none is marked) in one action."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static

from workbench.i18n import _
from workbench.ops.retrieval import ContextReader
from workbench.ops.search import Hit, code_hits, search
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import CodePickerModal

#: characters of the hit sentence shown, and of context either side
SNIPPET = 110
CONTEXT = 40


def keyword_in_context(before: str, sentence: str, after: str, words: list[str]) -> Text:
    """Dim context either side of the sentence in bold, the searched words in reverse."""
    sentence = " ".join(sentence.split())
    if len(sentence) > SNIPPET:
        sentence = sentence[: SNIPPET - 1] + "…"
    cell = Text(before[-CONTEXT:], style="dim")
    body = Text(sentence, style="bold")
    for word in words:
        for match in re.finditer(re.escape(word), sentence, flags=re.IGNORECASE):
            body.stylize("bold reverse", match.start(), match.end())
    cell.append_text(body)
    cell.append(after[:CONTEXT], style="dim")
    return cell


class SearchScreen(WorkbenchScreen):
    """Type words, Enter searches; Enter on a hit opens it; space marks hits; A codes them."""

    SCOPES = ("search",)
    BINDINGS = bindings("search")

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list[Hit] = []
        self.marked: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial_query, placeholder=_("search every document (words)"), id="query")
        yield Static(id="search-summary")
        yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("✓", key="mark")
        table.add_columns(_("Document"), _("Speaker"), _("Passage"))
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
        self.marked = set()
        words = query.split()
        reader = ContextReader(self.project, CONTEXT)
        table = self.query_one(DataTable)
        table.clear()
        for i, hit in enumerate(self.hits):
            speaker, before, sentence, after = reader.around(hit.document_id, hit.start, hit.end)
            table.add_row(
                "",
                hit.document,
                speaker or "",
                keyword_in_context(before, sentence, after, words),
                key=str(i),
            )
        self._summary()

    def _summary(self) -> None:
        summary = self.query_one("#search-summary", Static)
        query = getattr(self, "query_string", "")
        if not query:
            summary.update(_("Enter words to find the sentences that hold all of them."))
            return
        marked = f" {len(self.marked)} marked." if self.marked else ""
        summary.update(
            _(
                "{n_hits} sentence(s) match {query!r}.{marked} Enter opens a hit; space marks "
                "hits; A codes the marked hits (all when none is marked)."
            ).format(n_hits=len(self.hits), query=query, marked=marked)
        )

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

    def action_toggle_mark(self) -> None:
        table = self.query_one(DataTable)
        index = table.cursor_row
        if not (0 <= index < len(self.hits)):
            return
        self.marked ^= {index}
        table.update_cell(
            str(index), "mark", "✓" if index in self.marked else "", update_width=True
        )
        if index + 1 < len(self.hits):
            table.move_cursor(row=index + 1)
        self._summary()

    def action_code_all(self) -> None:
        if not self.hits:
            self.notify(_("Search first: there are no hits to code"), severity="warning")
            return
        chosen_hits = [self.hits[i] for i in sorted(self.marked)] or list(self.hits)

        def chosen(code: Code | None) -> None:
            if code is None:
                return
            try:
                n = code_hits(self.project, chosen_hits, code.path, coder=self.wb.coder)
            except WorkbenchError as exc:
                self.notify(str(exc), severity="error")
                return
            self.wb.remember(code.id)
            skipped = len(chosen_hits) - n
            extra = " " + _("({n} already coded)").format(n=skipped) if skipped else ""
            self.notify(
                _("Coded {n} hit(s) with {path}{extra}; undo reverts them all").format(
                    n=n, path=code.path, extra=extra
                )
            )

        self.app.push_screen(
            CodePickerModal(
                self.project.codes(),
                (
                    _("Code the {n} marked hit(s) with")
                    if self.marked
                    else _("Code every {n} hit(s) with")
                ).format(n=len(chosen_hits)),
            ),
            chosen,
        )

    def status(self) -> str:
        return _("search")
