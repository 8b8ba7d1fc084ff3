"""Project-wide search (FTS5 over sentences): read each hit in context, jump to it, or code
the hits the coder marks (every hit when none is marked) in one action."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static

from workbench.i18n import _, ngettext
from workbench.ops.retrieval import ContextReader
from workbench.ops.search import HIT_UNITS, Hit, code_hits, matches_in, search, widen_hits
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import ChoiceModal, CodePickerModal

#: characters of the hit sentence shown, and of context either side
SNIPPET = 110
CONTEXT = 40


def keyword_in_context(
    before: str, sentence: str, after: str, matches: list[tuple[int, int]]
) -> Text:
    """The sentence in bold with the matches in reverse, dim context either side; a long
    sentence is cut around its first match, so the hit sits in the middle of the row."""
    flat = sentence.replace("\n", " ")
    lo, hi = 0, len(flat)
    if len(flat) > SNIPPET:
        centre = matches[0][0] if matches else 0
        lo = max(0, min(centre - SNIPPET // 2, len(flat) - SNIPPET))
        hi = lo + SNIPPET
    cell = Text(before[-CONTEXT:] if lo == 0 else "…", style="dim")
    body = Text(flat[lo:hi], style="bold")
    for a, b in matches:
        if b > lo and a < hi:
            body.stylize("bold reverse", max(a, lo) - lo, min(b, hi) - lo)
    cell.append_text(body)
    cell.append(after[:CONTEXT] if hi >= len(flat) else "…", style="dim")
    return cell


def coded_message(n: int, unit: str, path: str, *, skipped: int = 0) -> str:
    """What coding the hits did, naming the unit they grew to (one whole message per unit,
    so that each language can inflect it)."""
    if unit == "turn":
        text = ngettext(
            "Coded {n} speaker turn with {path}{extra}; undo reverts them all",
            "Coded {n} speaker turns with {path}{extra}; undo reverts them all",
            n,
        )
    elif unit == "paragraph":
        text = ngettext(
            "Coded {n} paragraph with {path}{extra}; undo reverts them all",
            "Coded {n} paragraphs with {path}{extra}; undo reverts them all",
            n,
        )
    else:
        text = ngettext(
            "Coded {n} sentence with {path}{extra}; undo reverts them all",
            "Coded {n} sentences with {path}{extra}; undo reverts them all",
            n,
        )
    extra = " " + _("({n} already coded)").format(n=skipped) if skipped else ""
    return text.format(n=n, path=path, extra=extra)


class SearchScreen(WorkbenchScreen):
    """Type words, Enter searches; Enter on a hit opens it; space marks hits; A codes them."""

    SCOPES = ("search",)
    BINDINGS = bindings("search")

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list[Hit] = []
        self.marked: set[int] = set()
        #: search switches: words must match whole (else as prefixes); a regular expression
        self.whole_words = True
        self.regex = False

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
            self.hits = search(self.project, query, whole_words=self.whole_words, regex=self.regex)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            self.hits = []
        self.query_string = query
        self.marked = set()
        reader = ContextReader(self.project, CONTEXT)
        table = self.query_one(DataTable)
        table.clear()
        for i, hit in enumerate(self.hits):
            speaker, before, sentence, after = reader.around(hit.document_id, hit.start, hit.end)
            flat = sentence.replace("\n", " ")
            found = matches_in(flat, query, whole_words=self.whole_words, regex=self.regex)
            table.add_row(
                "",
                hit.document,
                speaker or "",
                keyword_in_context(before, sentence, after, found),
                key=str(i),
            )
        self._summary()

    def action_toggle_whole_words(self) -> None:
        self.whole_words = not self.whole_words
        self._switched()

    def action_toggle_regex(self) -> None:
        self.regex = not self.regex
        self._switched()

    def _switched(self) -> None:
        query = getattr(self, "query_string", "") or self.query_one("#query", Input).value
        if query:
            self.run_search(query)
        else:
            self._summary()

    def switches(self) -> str:
        """The search switches in words."""
        if self.regex:
            return _("regular expression")
        if self.whole_words:
            return _("whole words (end a word with * for every word it begins)")
        return _("words as beginnings")

    def _summary(self) -> None:
        summary = self.query_one("#search-summary", Static)
        query = getattr(self, "query_string", "")
        mode = _("Matching: {mode} · F5 whole words · F6 regular expression").format(
            mode=self.switches()
        )
        if not query:
            summary.update(
                _("Enter words to find the sentences that hold all of them.") + "\n" + mode
            )
            return
        marked = " " + _("{n} marked.").format(n=len(self.marked)) if self.marked else ""
        summary.update(
            _(
                "{n_hits} sentence(s) match {query!r}.{marked} Enter opens a hit; space marks "
                "hits; A codes the marked hits (all when none is marked)."
            ).format(n_hits=len(self.hits), query=query, marked=marked)
            + "\n"
            + mode
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

            def unit_chosen(index: int | None) -> None:
                if index is not None:
                    self._code(chosen_hits, code, HIT_UNITS[index])

            self.app.push_screen(
                ChoiceModal(
                    _("Code each hit as its"),
                    [_("sentence"), _("speaker turn"), _("paragraph")],
                ),
                unit_chosen,
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

    def _code(self, hits: list[Hit], code: Code, unit: str) -> None:
        """Code the hits grown to ``unit``, as one action (one undo takes them all back)."""
        try:
            spans = widen_hits(self.project, hits, unit)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        coder = self.wb.coder

        def coded(n: int) -> None:
            self.wb.remember(code.id)
            self.notify(coded_message(n, unit, code.path, skipped=len(spans) - n))

        self.wb.write(
            lambda: code_hits(self.project, spans, code.path, coder=coder),
            coded,
            what=_("coding the hits"),
        )

    def status(self) -> str:
        return _("search")
