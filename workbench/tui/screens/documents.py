"""The documents screen: every transcript with its case, size and each coder's progress.

Coming back to it (F2) refreshes incrementally: the progress query is one SQL pass and only
the cells that changed are redrawn, so 2,000 documents come back at once. In blind mode only
the current coder's column is shown; on a narrow terminal case attributes give way to the
coder columns.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from workbench.i18n import _
from workbench.ops import coding as core
from workbench.ops.progress import DocumentProgress, ProgressCache
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.paging import FIRST, PagedRows

MAX_ATTRIBUTES = 3
#: room for "1234 (100%) ✓"
CODER_WIDTH = 13


def attribute_room(width: int) -> int:
    """How many case attributes fit beside the coder columns at ``width`` columns."""
    return 0 if width < 110 else 1 if width < 150 else MAX_ATTRIBUTES


class DocumentsScreen(WorkbenchScreen):
    """List documents; Enter opens one for coding."""

    SCOPES = ("documents",)
    BINDINGS = bindings("documents")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DocumentProgress] = []
        self.progress = ProgressCache()
        self.columns: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self.paging: PagedRows | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="documents-hint")
        yield Footer()

    def on_mount(self) -> None:
        # the list first; the share of text coded (the costly part) right after it
        self.refresh_data(defer=True)
        self.query_one(DataTable).focus()
        self.call_after_refresh(self.refresh_data)

    def on_resize(self, event) -> None:
        if self.rows and self._layout()[0] != self.columns:
            self.refresh_data()

    def coders_shown(self) -> list[str]:
        """Every coder's column, or in blind mode only the current coder's."""
        if self.wb.blind:
            return [self.wb.coder]
        return sorted({name for row in self.rows for name in row.coders} | {self.wb.coder})

    def _layout(self) -> tuple[list[str], list[str], list[str]]:
        """(column keys, attributes shown, coders shown) for the current rows and width."""
        attributes: list[str] = []
        for row in self.rows:
            for name in row.attributes:
                if name not in attributes:
                    attributes.append(name)
        attributes = attributes[: attribute_room(self.size.width or 120)]
        coders = self.coders_shown()
        keys = [
            "document",
            "case",
            *(f"attr:{a}" for a in attributes),
            "words",
            *(f"coder:{c}" for c in coders),
        ]
        return keys, attributes, coders

    def _cells(self, row: DocumentProgress, attributes: list[str], coders: list[str]) -> list[str]:
        cells = [row.name, row.case or ""]
        cells += [
            "" if row.attributes.get(a) is None else str(row.attributes[a]) for a in attributes
        ]
        cells.append(f"{row.words:,}")
        for coder in coders:
            progress = row.coders.get(coder)
            if progress is None or (not progress.codings and not progress.done):
                cells.append("·")
                continue
            mark = " ✓" if progress.done else ""
            share = row.share(coder)
            cells.append(f"{progress.codings} ({'…' if share is None else f'{share:.0%}'}){mark}")
        return cells

    def refresh_data(self, defer: bool = False) -> None:
        table = self.query_one(DataTable)
        row_before = table.cursor_row
        coders = [self.wb.coder] if self.wb.blind else None
        with self.project.reading():  # every row from one state of the project
            self.rows = self.progress.rows(self.project, coders, defer=defer)
        keys, attributes, coders_shown = self._layout()
        cells = {str(r.document_id): self._cells(r, attributes, coders_shown) for r in self.rows}
        if self.paging is not None and keys == self.columns and list(cells) == list(self.cells):
            # same columns and documents: redraw only the cells that changed; rows not in
            # the table yet go in with their new values
            loaded = self.paging.loaded
            for row_key, values in list(cells.items())[:loaded]:
                old = self.cells[row_key]
                for column, value, before in zip(keys, values, old, strict=True):
                    if value != before:
                        table.update_cell(row_key, column, Text(value))
            if not self.paging.done:
                pending = list(cells.items())[loaded:]
                self.paging.rows = [*self.paging.rows[:loaded], *pending]
        else:
            if self.paging is not None:
                self.paging.cancel()
            table.clear(columns=True)
            labels = [_("Document"), _("Case"), *attributes, _("Words"), *coders_shown]
            for key, label in zip(keys, labels, strict=True):
                # coder columns get a fixed width: their cells change after the list is
                # drawn (the shares follow it) and an auto width would not follow them
                width = max(len(label), CODER_WIDTH) if key.startswith("coder:") else None
                table.add_column(label, key=key, width=width)
            # rich Text cells: no markup parsing (a name with [brackets] stays as it is),
            # made as their rows go in, by pages, the first at once
            self.paging = PagedRows(table, list(cells.items()), cell=Text)
            self.paging.start(at_least=row_before + 1, first=self.first_page())
            if self.rows:
                table.move_cursor(row=min(max(row_before, 0), self.paging.loaded - 1))
        self.columns, self.cells = keys, cells
        hint = self.query_one("#documents-hint", Static)
        if self.rows:
            blind = " " + _("Blind mode: only your column is shown.") if self.wb.blind else ""
            hint.update(
                _(
                    "{n_rows} document(s). Per coder: codings (share of text coded), ✓ = marked "
                    "done. Enter opens, d marks done.{blind}"
                ).format(n_rows=len(self.rows), blind=blind)
            )
        else:
            hint.update(_("No documents yet: import transcripts with 'workbench import FILES'."))

    def first_page(self) -> int:
        """Rows put in the table at once: what the window can show (the table measures
        every row it is given, and the rest follow by pages)."""
        return min(self.app.size.height, FIRST)

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

        def marked(_unused: object) -> None:
            self.refresh_data()
            self.notify(
                _("{name}: {value} for {coder}").format(
                    name=row.name, value=_("not done") if done else _("done"), coder=coder
                )
            )

        self.wb.write(
            lambda: core.mark_done(self.project, row.document_id, coder, not done),
            marked,
            what=_("the done mark"),
        )

    def status(self) -> str:
        return _("documents")
