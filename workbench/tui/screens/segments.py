"""Segments of a code: every passage coded with it, across documents, to read and recode.

The list comes from ``workbench.ops.retrieval.segments`` (the same filters as the analyses: coder,
case attributes). Each row gives the document, case, code, coder, when it was coded and the
start of the passage; the pane below shows the highlighted passage in full, wrapped, with the
words around it dimmed. Enter opens the document at that passage, ``c`` recodes, ``x``
uncodes, ``m`` writes a memo, ``f`` filters, ``y`` (or ctrl+c) copies the passage with its
reference. In blind mode only the current coder's segments are listed.
"""

from __future__ import annotations

import shlex

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from workbench.i18n import _, ngettext
from workbench.ops import coding as core
from workbench.ops.retrieval import Segment, cite, segments
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import CodePickerModal, PromptModal
from workbench.tui.widgets.paging import PagedRows

#: characters of the segment itself shown in a row (the rest is in the preview pane)
SHOWN = 90


def preview_text(segment: Segment, code: str) -> Text:
    """The preview of one segment: where it is from, then the passage in full, wrapped, with
    the words around it dimmed."""
    text = Text()
    facts = [segment.document]
    if segment.case and segment.case != segment.document:
        facts.append(_("case {case}").format(case=segment.case))
    facts += [code, segment.coder]
    if segment.created_at:
        facts.append(segment.created_at[:16].replace("T", " "))
    facts.append(f"{segment.start}-{segment.end}")
    if segment.speaker:
        facts.append(segment.speaker)
    text.append(" · ".join(facts) + "\n", style="bold")
    text.append(" ".join(segment.before.split()) + " ", style="dim")
    text.append(" ".join(segment.text.split()), style="bold")
    text.append(" " + " ".join(segment.after.split()), style="dim")
    return text


def passage_cell(segment: Segment, shown: int = SHOWN) -> Text:
    """Keyword in context: dim words before, the segment in bold, dim words after."""
    text = " ".join(segment.text.split())
    if len(text) > shown:
        text = text[: shown - 1] + "…"
    cell = Text(tail_words(segment.before, 40), style="dim")
    cell.append(text, style="bold")
    cell.append(head_words(segment.after, 40), style="dim")
    return cell


def tail_words(text: str, width: int) -> str:
    """The end of ``text`` in about ``width`` characters, starting at a word."""
    if len(text) <= width:
        return text
    cut = text.find(" ", len(text) - width)
    return "…" + text[cut + 1 :] if cut != -1 else text[-width:]


def head_words(text: str, width: int) -> str:
    """The start of ``text`` in about ``width`` characters, ending at a word."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[:cut] + "…" if cut > 0 else text[:width]


class SegmentsScreen(WorkbenchScreen):
    """Every segment of one code."""

    SCOPES = ("segments",)
    BINDINGS = bindings("segments")

    def __init__(
        self, code: Code, *, coders: list[str] | None = None, where: list[str] | None = None
    ) -> None:
        super().__init__()
        self.code = code
        self.coders = list(coders or [])
        self.where = list(where or [])
        self.items: list[Segment] = []
        self.paging: PagedRows | None = None
        self.memos: dict[int, tuple[int, str]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="segments-note", classes="analysis-note")
        yield DataTable(id="segments-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="segment-preview-box"):
            yield Static(id="segment-preview")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("Document"), _("Case"), _("Code"), _("Coder"), _("Coded"), _("Memo"), _("Passage")
        )
        self.load()
        table.focus()

    def short_code(self, path: str) -> str:
        """The segment's code: its name, with the path below the code listed for subcodes
        (``Youth councils`` under ``Participation``, ``Local/Youth`` deeper down)."""
        if path == self.code.path:
            return self.code.name
        return path.removeprefix(self.code.path + "/")

    def coder_filter(self) -> list[str]:
        """The coders listed: in blind mode only the current one, whatever the filter says."""
        return [self.wb.coder] if self.wb.blind else self.coders

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        """(Re)read the segments, keeping the cursor's row."""
        table = self.query_one(DataTable)
        row_before = table.cursor_row
        try:
            self.code = self.project.code_by_id(self.code.id)
            self.items = segments(
                self.project, self.code.path, coders=self.coder_filter(), where=self.where
            )
            error = ""
        except WorkbenchError as exc:
            self.items, error = [], str(exc)
        ids = {s.coding_id for s in self.items}
        self.memos = {
            m.target_id: (m.id, m.text)
            for m in core.visible_memos(self.project, "coding")
            if m.target_id in ids
        }
        if self.paging is not None:
            self.paging.cancel()
        table.clear()
        self.paging = PagedRows(
            table,
            [
                (
                    None,
                    (
                        s.document,
                        s.case or "",
                        self.short_code(s.code),
                        s.coder,
                        s.created_at[:10],
                        "✎" if s.coding_id in self.memos else "",
                        passage_cell(s, 60),
                    ),
                )
                for s in self.items
            ],
        )
        self.paging.start(at_least=row_before + 1)
        if self.items:
            table.move_cursor(row=min(max(row_before, 0), self.paging.loaded - 1))
        self._note(error)
        self.show_preview()
        self.wb.update_status()

    def show_preview(self) -> None:
        """The highlighted segment in full, in the pane under the list."""
        segment = self.current()
        pane = self.query_one("#segment-preview", Static)
        if segment is None:
            pane.update(Text(_("No segment to show"), style="dim"))
            return
        pane.update(preview_text(segment, self.short_code(segment.code)))
        self.query_one("#segment-preview-box", VerticalScroll).scroll_home(animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_preview()

    def count_text(self) -> str:
        """How many segments, in how many documents (always shown)."""
        documents = len({s.document_id for s in self.items})
        return ngettext("{n} segment of {code}", "{n} segments of {code}", len(self.items)).format(
            n=len(self.items), code=self.code.path
        ) + ngettext(" in {d} document", " in {d} documents", documents).format(d=documents)

    def action_copy(self) -> None:
        """Copy the highlighted passage with its reference (through the terminal's
        clipboard): ``"text" (DRS01, 1757-1841)``."""
        segment = self.current()
        if segment is None:
            self.notify(_("No segment here"), severity="warning")
            return
        quoted = cite(segment.text, segment.document, segment.start, segment.end)
        self.app.copy_to_clipboard(quoted)
        self.notify(_("Copied: {text}").format(text=quoted[:60]), timeout=2)

    def _note(self, error: str = "") -> None:
        note = Text()
        note.append(self.count_text(), style="bold")
        filters = [f"coder={c}" for c in self.coder_filter()] + self.where
        if filters:
            note.append(f"  ·  {' '.join(filters)}")
        if self.wb.blind:
            note.append(_("  ·  blind: only yours"))
        if error:
            note.append(f"\n{error}", style="bold red")
        note.append(
            _("\nEnter opens the passage · c recode · x uncode · m memo · f filter · y copy"),
            style="dim",
        )
        args = ["workbench", "export", "quotations", "quotations.md", "--codes", self.code.path]
        for coder in self.coder_filter()[:1]:
            args += ["--coder", coder]
        for item in self.where:
            args += ["--where", item]
        note.append(
            _("\nThe same segments to a file: {items}").format(items=shlex.join(args)), style="dim"
        )
        self.query_one("#segments-note", Static).update(note)

    def current(self) -> Segment | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def _own(self) -> Segment | None:
        segment = self.current()
        if segment is None:
            self.notify(_("No segment here"), severity="warning")
            return None
        if segment.coder_id != self.wb.coder_id:
            self.notify(
                _("That is {coder}'s coding: only your own are edited here").format(
                    coder=segment.coder
                ),
                severity="warning",
            )
            return None
        return segment

    def _run(self, fn, message: str) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.load()
        self.notify(message)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_segment()

    def action_open_segment(self) -> None:
        segment = self.current()
        if segment is not None:
            self.wb.open_document(segment.document_id, select=(segment.start, segment.end))

    def action_recode(self) -> None:
        segment = self._own()
        if segment is None:
            return

        def chosen(code: Code | None) -> None:
            if code is not None:
                self._run(
                    lambda: core.change_code(self.project, segment.coding_id, code.path),
                    _("Recoded to {path}").format(path=code.path),
                )

        self.app.push_screen(CodePickerModal(self.project.codes(), _("Recode to")), chosen)

    def action_uncode(self) -> None:
        segment = self._own()
        if segment is not None:
            self._run(
                lambda: core.remove_coding(self.project, segment.coding_id),
                _("Removed {code} from {document}; u undoes").format(
                    code=segment.code, document=segment.document
                ),
            )

    def action_memo(self) -> None:
        from workbench.tui.screens.memos import write_memo

        segment = self.current()
        if segment is None:
            return
        title = _("Memo on {code} in {document}").format(
            code=segment.code, document=segment.document
        )
        write_memo(self, "coding", segment.coding_id, title, self._run)

    def action_filter(self) -> None:
        current = " ".join([f"coder={c}" for c in self.coders] + self.where)

        def chosen(value: str | None) -> None:
            if value is None:
                return
            coders, where = [], []
            for item in value.replace(",", " ").split():
                key, sep, val = item.partition("=")
                if not sep:
                    self.notify(
                        _("Filters are attribute=value, not {item!r}").format(item=item),
                        severity="error",
                    )
                    return
                (coders if key.strip() == "coder" else where).append(
                    val.strip() if key.strip() == "coder" else item
                )
            self.coders, self.where = coders, where
            self.load()

        self.app.push_screen(
            PromptModal(
                _("Filter: coder=NAME and case attributes (region=Piura), space-separated"),
                current,
                select_all=True,
            ),
            chosen,
        )

    def status(self) -> str:
        if self.is_mounted:
            return self.count_text()
        return _("segments of {path}").format(path=self.code.path)
