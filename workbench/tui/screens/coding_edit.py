"""Editing codings on the coding screen: remove, change, resize, memo; accepting and rejecting
suggestions. Every change goes through the core, one undoable action each.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.i18n import _
from workbench.ops import coding as core
from workbench.store.model import Code
from workbench.tui.screens.modals import (
    ChoiceModal,
    CodePickerModal,
)
from workbench.tui.widgets.transcript_index import Mark, Span


class CodingEdits:
    """Editing codings and suggestions for ``CodingScreen`` (a mixin over the screen's state)."""

    def _choose_span(self, spans: list[Span], title: str, then: Callable[[Span], None]) -> None:
        if not spans:
            self.notify(_("No coding of yours here"), severity="warning")
            return
        if len(spans) == 1:
            then(spans[0])
            return
        labels = [
            f"{self.codes_by_id[s.code_id].path if s.code_id in self.codes_by_id else '?'} "
            f"[{s.start}, {s.end})"
            for s in spans
        ]

        def picked(index: int | None) -> None:
            if index is not None:
                then(spans[index])

        self.app.push_screen(ChoiceModal(title, labels), picked)

    def own_spans_at_cursor(self) -> list[Span]:
        return [s for s in self.view.spans_here() if s.coder_id == self.wb.coder_id]

    def _run(self, fn: Callable[[], object], message: str) -> bool:
        """Write through the app (which waits visibly on a busy project); True when done now."""

        def done(_unused: object) -> None:
            self.refresh_data()
            self.notify(message)

        return bool(self.wb.write(fn, done, what=_("the change")))

    def action_remove_coding(self) -> None:
        def remove(span: Span) -> None:
            self._run(lambda: core.remove_coding(self.project, span.id), _("Coding removed"))

        self._choose_span(self.own_spans_at_cursor(), _("Remove which coding?"), remove)

    def action_change_code(self) -> None:
        def change(span: Span) -> None:
            def chosen(code: Code | None) -> None:
                if code is not None:
                    self._run(
                        lambda: core.change_code(self.project, span.id, code.path),
                        _("Changed to {path}").format(path=code.path),
                    )

            self.app.push_screen(CodePickerModal(self.codes, _("Change to code")), chosen)

        self._choose_span(self.own_spans_at_cursor(), _("Change which coding?"), change)

    def action_resize_coding(self) -> None:
        lo, hi = self.view.selection
        if hi <= lo:
            self.notify(_("Select the new extent first, then resize"), severity="warning")
            return
        candidates = [
            s
            for s in self.view.spans.values()
            if s.coder_id == self.wb.coder_id and s.start < hi and s.end > lo
        ] or self.own_spans_at_cursor()

        def resize(span: Span) -> None:
            self._run(
                lambda: core.resize_coding(self.project, span.id, lo, hi),
                _("Coding resized to [{lo}, {hi})").format(lo=lo, hi=hi),
            )

        self._choose_span(
            sorted(candidates, key=lambda s: s.start), _("Resize which coding?"), resize
        )

    def action_memo(self) -> None:
        """Write one's memo on the coding here (or on the document): one's own is edited,
        someone else's answered (``tui.screens.memos``)."""
        from workbench.tui.screens.memos import write_memo

        spans = self.view.spans_here()
        if not spans:
            write_memo(
                self,
                "document",
                self.document_id,
                _("Memo on {name}").format(name=self.document.name),
                self._run,
            )
            return

        def on_span(span: Span) -> None:
            code = self.codes_by_id.get(span.code_id)
            title = _("Memo on {what} [{start}, {end})").format(
                what=code.path if code else _("coding"), start=span.start, end=span.end
            )
            write_memo(self, "coding", span.id, title, self._run)

        self._choose_span(spans, _("Memo on which coding?"), on_span)

    # ---------------------------------------------------------- suggestions

    def _choose_mark(self, title: str, then: Callable[[Mark], None]) -> None:
        marks = self.view.marks_here()
        if not marks:
            self.notify(_("No suggestion here (j goes to the next one)"), severity="warning")
            return
        if len(marks) == 1:
            then(marks[0])
            return
        labels = [
            f"{self.codes_by_id[m.code_id].path if m.code_id in self.codes_by_id else '?'} "
            f"[{m.start}, {m.end}) score {m.score:.2f}"
            for m in marks
        ]

        def picked(index: int | None) -> None:
            if index is not None:
                then(marks[index])

        self.app.push_screen(ChoiceModal(title, labels), picked)

    def action_accept_suggestion(self) -> None:
        """Code the suggestion for the current coder; a selection overlapping it sets the
        extent instead (trim or grow a suggestion, then accept)."""
        from workbench.suggest.review import accept

        lo, hi = self.view.selection

        def do(mark: Mark) -> None:
            start, end = (lo, hi) if hi > lo else (mark.start, mark.end)
            code = self.codes_by_id.get(mark.code_id)
            if self._run(
                lambda: accept(self.project, mark.id, self.wb.coder, start=start, end=end),
                _("Accepted {value}").format(value=code.name if code else "code"),
            ):
                self.wb.remember(mark.code_id)
                self.update_side()

        self._choose_mark(_("Accept which suggestion?"), do)

    def action_reject_suggestion(self) -> None:
        from workbench.suggest.review import reject

        def do(mark: Mark) -> None:
            self._run(
                lambda: reject(self.project, mark.id, self.wb.coder),
                _("Suggestion rejected; it will not come back"),
            )

        self._choose_mark(_("Reject which suggestion?"), do)

    def action_next_suggestion(self) -> None:
        after = [m for m in self.suggestions if m.start > self.view.cursor]
        target = after[0] if after else (self.suggestions[0] if self.suggestions else None)
        if target is None:
            self.notify(_("No open suggestions in this document"), severity="warning")
            return
        self.view.move_to(target.start)
