"""The suggestion review queue: open suggestions, most uncertain first (or by position).

Built on ``workbench.suggest.review``: accept makes a coding for the current coder (its source
says which suggestion it came from), reject is remembered so the same span and code is never
proposed again, ``X`` rejects every open suggestion of the code in that document; all are
undoable actions. ``R`` runs the suggesters (``suggest.run``) in the background, as
``workbench suggest run`` does.

Active learning: after every ``RETRAIN_EVERY`` decisions the model is retrained and every
document rescored in a background thread (``suggest.run.retrain_and_run``), so the queue,
ordered by uncertainty, offers next what the model is least sure of.

``m`` ("more like this") lists the uncoded passages most like the current suggestion's code
(``suggest.similar``); there ``a`` codes one for the current coder, ``m`` or escape goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.suggest.review import Suggestion, accept, list_suggestions, reject, reject_all
from workbench.suggest.run import RETRAIN_EVERY
from workbench.suggest.similar import Similar
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.passage import PassageView

REASON = 60
SIMILAR_LIMIT = 50
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
        #: decisions since the model was last retrained
        self.decisions = 0
        #: "more like this" mode: the code and the passages shown instead of the queue
        self.similar_code: str | None = None
        self.similar: list[Similar] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="suggest-note", classes="analysis-note")
        yield DataTable(id="suggest-table", cursor_type="row", zebra_stripes=True)
        yield PassageView(id="suggest-passage")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("Document"), _("Offsets"), _("Code"), _("Score"), _("Suggester"), _("Reason")
        )
        self.load()
        table.focus()

    # ------------------------------------------------------------------ data

    def refresh_data(self) -> None:
        """Reload the open suggestions (after a decision, an undo or a run)."""
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        if self.similar_code is not None:
            self._show_similar()
            return
        table = self.query_one(DataTable)
        keep = self.current()
        self.items = list_suggestions(self.project, order=self.order)
        self._texts.clear()
        table.clear()
        for s in self.items:
            reason = s.reason if len(s.reason) <= REASON else s.reason[: REASON - 1] + "…"
            table.add_row(
                s.document,
                f"{s.start}-{s.end}",
                s.code,
                Text(f"{s.score:.2f}", justify="right"),
                s.suggester,
                reason,
                key=str(s.id),
            )
        if keep is not None:
            ids = [s.id for s in self.items]
            if keep.id in ids:
                table.move_cursor(row=ids.index(keep.id))
        self.show()

    def current(self) -> Suggestion | None:
        if not self.items or self.similar_code is not None:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def text_of(self, document_id: int) -> str:
        if document_id not in self._texts:
            self._texts[document_id] = self.project.text(document_id)
        return self._texts[document_id]

    def show(self) -> None:
        if self.similar_code is not None:
            self._show_similar_passage()
            return
        note = self.query_one("#suggest-note", Static)
        passage = self.query_one(PassageView)
        s = self.current()
        head = Text()
        head.append(
            _("{n_items} open suggestion(s), by {order}").format(
                n_items=len(self.items), order=self.order
            ),
            style="bold",
        )
        head.append(_("  ·  accepting codes for {coder}\n").format(coder=self.wb.coder))
        if s is None:
            head.append(
                _(
                    "Nothing to review. R runs the keyword rules (and the model, when trained) over "
                    "every document; or 'workbench suggest run'."
                ),
                style="dim",
            )
            note.update(head)
            passage.update("")
            return
        row = self.query_one(DataTable).cursor_row
        head.append(
            _("{value} of {n_items}: ").format(value=row + 1, n_items=len(self.items)), style="bold"
        )
        head.append(f"{s.code}", style="bold")
        head.append(
            _(
                "  score {score:.2f} (uncertainty {uncertainty:.2f})  ·  {suggester}  ·  {reason}"
            ).format(
                score=s.score, uncertainty=s.uncertainty, suggester=s.suggester, reason=s.reason
            )
        )
        note.update(head)
        passage.show(self.text_of(s.document_id), s.start, s.end, [(s.start, s.end, "suggestion")])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_suggestion()

    # --------------------------------------------------------------- actions

    def _decide(self, fn, verb: str, *, codes: bool = False) -> None:
        """Apply ``fn(project, suggestion)``, which returns how many decisions it made."""
        if self.similar_code is not None:
            if codes:
                self._code_similar()
            return
        s = self.current()
        if s is None:
            self.notify(_("No open suggestion here"), severity="warning")
            return
        row = self.query_one(DataTable).cursor_row
        try:
            n = fn(self.project, s)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_data()
        if self.items:
            self.query_one(DataTable).move_cursor(row=min(row, len(self.items) - 1))
        self.notify(
            _("{verb} {code} in {document}").format(verb=verb, code=s.code, document=s.document),
            timeout=2,
        )
        self.decided(n)

    def decided(self, n: int) -> None:
        """Count decisions; every ``RETRAIN_EVERY`` the model learns from them."""
        self.decisions += n
        if self.decisions >= RETRAIN_EVERY:
            self.decisions = 0
            self.action_retrain()

    def action_accept(self) -> None:
        def one(p, s) -> int:
            accept(p, s.id, self.wb.coder)
            return 1

        self._decide(one, _("Coded"), codes=True)

    def action_reject(self) -> None:
        def one(p, s) -> int:
            reject(p, s.id, self.wb.coder)
            return 1

        self._decide(one, _("Rejected"))

    def action_reject_code(self) -> None:
        """Reject every open suggestion of this code in this document."""
        self._decide(
            lambda p, s: reject_all(p, s.document_id, s.code_id, self.wb.coder),
            _("Rejected every suggestion of"),
        )

    def action_retrain(self) -> None:
        self.notify(_("Retraining the model on your decisions…"), timeout=2)
        self.run_worker(self._retrain, thread=True, exclusive=True, group="retrain")

    def _retrain(self) -> None:
        import time

        from workbench.suggest.run import retrain_and_run

        began = time.perf_counter()
        try:
            with self.wb.thread_project() as project:
                done = retrain_and_run(project)
        except WorkbenchError as exc:
            self.app.call_from_thread(
                self.notify, _("Not retrained: {exc}").format(exc=exc), severity="warning"
            )
            return
        took = time.perf_counter() - began
        self.app.call_from_thread(
            self.notify,
            _(
                "Model retrained on {units} units, {codes} codes in {took:.1f} s: {added} new "
                "suggestion(s), {removed} dropped"
            ).format(
                units=done.units,
                codes=done.codes,
                took=took,
                added=done.summary.added,
                removed=done.summary.removed,
            ),
            timeout=5,
        )
        self.app.call_from_thread(self.refresh_data)

    # ------------------------------------------------------------ more like this

    def action_more_like_this(self) -> None:
        """Toggle "more like this" for the current suggestion's code."""
        if self.similar_code is not None:
            self.similar_code = None
            self.similar = []
            self._columns(queue=True)
            self.refresh_data()
            return
        s = self.current()
        if s is None:
            self.notify(_("No suggestion here to start from"), severity="warning")
            return
        self.notify(_("Looking for passages like {code}…").format(code=s.code), timeout=2)
        self.run_worker(
            lambda: self._find_similar(s.code), thread=True, exclusive=True, group="similar"
        )

    def _find_similar(self, code: str) -> None:
        from workbench.suggest.similar import similar_units

        try:
            with self.wb.thread_project() as project:
                found = similar_units(project, code=code, limit=SIMILAR_LIMIT)
        except WorkbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return

        def show() -> None:
            self.similar_code, self.similar = code, found
            self._columns(queue=False)
            self.load()

        self.app.call_from_thread(show)

    def _columns(self, queue: bool) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if queue:
            table.add_columns(
                _("Document"), _("Offsets"), _("Code"), _("Score"), _("Suggester"), _("Reason")
            )
        else:
            table.add_columns(_("Document"), _("Offsets"), _("Likeness"), _("Passage"))

    def _show_similar(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for n, s in enumerate(self.similar):
            text = s.text if len(s.text) <= REASON else s.text[: REASON - 1] + "…"
            table.add_row(
                s.document,
                f"{s.start}-{s.end}",
                Text(f"{s.score:.2f}", justify="right"),
                text,
                key=f"similar-{n}",
            )
        self._show_similar_passage()

    def current_similar(self) -> Similar | None:
        row = self.query_one(DataTable).cursor_row
        return self.similar[row] if 0 <= row < len(self.similar) else None

    def _show_similar_passage(self) -> None:
        note = self.query_one("#suggest-note", Static)
        passage = self.query_one(PassageView)
        head = Text()
        head.append(
            _("{n_similar} uncoded passage(s) most like {similar_code}").format(
                n_similar=len(self.similar), similar_code=self.similar_code
            ),
            style="bold",
        )
        head.append("  ·  " + _("a codes it for {coder}, m goes back").format(coder=self.wb.coder))
        note.update(head)
        s = self.current_similar()
        if s is None:
            passage.update("")
            return
        passage.show(self.text_of(s.document_id), s.start, s.end, [(s.start, s.end, "suggestion")])

    def _code_similar(self) -> None:
        from workbench.ops.coding import apply_code

        s = self.current_similar()
        if s is None or self.similar_code is None:
            return
        try:
            apply_code(
                self.project, s.document_id, self.similar_code, s.start, s.end, coder=self.wb.coder
            )
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        row = self.query_one(DataTable).cursor_row
        self.similar = [x for x in self.similar if x is not s]
        self.load()
        if self.similar:
            self.query_one(DataTable).move_cursor(row=min(row, len(self.similar) - 1))
        self.notify(
            _("Coded {similar_code} in {document}").format(
                similar_code=self.similar_code, document=s.document
            ),
            timeout=2,
        )
        self.decided(1)

    def action_skip(self) -> None:
        table = self.query_one(DataTable)
        n = len(self.similar) if self.similar_code is not None else len(self.items)
        if n:
            table.move_cursor(row=(table.cursor_row + 1) % n)

    def action_toggle_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self.refresh_data()

    def action_open_suggestion(self) -> None:
        s = self.current_similar() if self.similar_code is not None else self.current()
        if s is not None:
            self.wb.open_document(s.document_id, select=(s.start, s.end))

    def action_run_suggesters(self) -> None:
        self.notify(_("Running the suggesters over every document…"), timeout=3)
        self.run_worker(self._run, thread=True, exclusive=True, group="suggest")

    def _run(self) -> None:
        from workbench.suggest.run import run_suggestions

        # a thread gets its own connection: SQLite connections stay in their thread
        try:
            with self.wb.thread_project() as project:
                summary = run_suggestions(project)
        except WorkbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        message = _("Suggesters ran: {added} new, {kept} kept, {removed} dropped").format(
            added=summary.added, kept=summary.kept, removed=summary.removed
        )
        if summary.notes:
            message += f" ({'; '.join(summary.notes)})"
        self.app.call_from_thread(self.notify, message, timeout=6)
        self.app.call_from_thread(self.refresh_data)

    def status(self) -> str:
        return _("suggestions")
