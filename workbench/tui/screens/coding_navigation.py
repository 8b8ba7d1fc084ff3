"""Getting around the coding screen: the code at hand, jumping between codings (``]``, ``[``,
of one code or of any), the segments of a code, and finding words in the transcript.

These only read the view and move its cursor or open another screen; nothing here writes to
the project. The jump order is kept until the codings shown change, so a jump costs a lookup.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from workbench.i18n import _
from workbench.ops.search import find_in_text
from workbench.store.model import Code
from workbench.tui.screens.modals import PromptModal
from workbench.tui.widgets.transcript_index import Span


class CodingNavigation:
    """Moving through a document for ``CodingScreen`` (a mixin over the screen's state)."""

    def panel_code(self) -> Code | None:
        """The code at hand: highlighted in the tree, else the innermost under the cursor."""
        if self.code_tree.has_focus and self.code_tree.highlighted_code is not None:
            return self.code_tree.highlighted_code
        span = self.span_at_hand()
        if span is not None:
            return self.codes_by_id.get(span.code_id)
        code = self.codes_by_id.get(self.panel_code_id) if self.panel_code_id else None
        return code or self.code_tree.highlighted_code

    def open_segments(self, code: Code) -> None:
        from workbench.tui.screens.segments import SegmentsScreen

        self.app.push_screen(SegmentsScreen(code))
        self.call_after_refresh(self.wb.update_status)

    def action_segments(self) -> None:
        code = self.panel_code()
        if code is None:
            self.notify(_("Highlight a code in the tree first"), severity="warning")
            return
        self.open_segments(code)

    def _jump(self, code_id: int | None, step: int, what: str) -> None:
        """Select the next (``step`` 1) or previous (-1) coding from where we are: of the
        code ``code_id``, or of any code (None).

        Codings are taken in document order (start, end, then code and coder), and the one
        jumped to last is remembered: codings sharing one span are visited one by one rather
        than skipped as if the span were one coding. Away from it, the cursor decides. The
        order is kept until the codings change, so a jump costs a lookup, not a sort (nor a
        pass over the document's codings).
        """
        order, where, starts = self._jump_order(code_id)
        if not order:
            self.notify(_("No {what} in this document").format(what=what), severity="warning")
            return
        lo, hi = self.view.selection
        current = self.view.spans.get(self.at_coding) if self.at_coding is not None else None
        if current is not None and (current.start, current.end) == (lo, hi) and current.id in where:
            index = (where[current.id] + step) % len(order)
        elif step > 0:
            index = bisect_right(starts, (lo, hi))
            index = index if index < len(order) else 0
        else:
            index = bisect_left(starts, (lo, hi)) - 1
        target = order[index]
        self.at_coding = target.id
        self.view.select(target.start, target.end)
        if not self.view.has_focus:
            self.view.focus()
        self.panel_code_id = target.code_id
        self.update_panel()
        code = self.codes_by_id.get(target.code_id)
        self.notify(
            _("{value} · {get} · {n} of {n_order}").format(
                value=code.path if code else "?",
                get=self.coder_names.get(target.coder_id, "?"),
                n=index % len(order) + 1,
                n_order=len(order),
            ),
            timeout=2,
        )

    def _jump_order(
        self, code_id: int | None
    ) -> tuple[list[Span], dict[int, int], list[tuple[int, int]]]:
        """The codings shown (of ``code_id``, or all) in jump order, each id's place in it,
        and the (start, end) of each; kept until the shown codings change."""
        key = (self.view.spans_version, code_id)
        cached = self._jump_cache.get(key)
        if cached is None:
            spans = self.view.spans.values()
            order = sorted(
                (s for s in spans if code_id is None or s.code_id == code_id), key=self._jump_key
            )
            cached = (
                order,
                {s.id: i for i, s in enumerate(order)},
                [(s.start, s.end) for s in order],
            )
            self._jump_cache = {key: cached}
        return cached

    def _jump_key(self, span: Span) -> tuple[int, int, str, str, int]:
        code = self.codes_by_id.get(span.code_id)
        coder = self.coder_names.get(span.coder_id, "")
        return (span.start, span.end, code.path if code else "", coder, span.id)

    def action_next_coding(self, step: int) -> None:
        self._jump(None, step, _("coding"))

    def action_next_same_code(self, step: int) -> None:
        code = self.panel_code()
        if code is None:
            self.notify(_("Highlight a code in the tree first"), severity="warning")
            return
        self._jump(code.id, step, _("coding of {path}").format(path=code.path))

    # ------------------------------------------------------------- find

    def action_find(self) -> None:
        def found(needle: str | None) -> None:
            if needle is None:
                return
            self.find_text = needle
            hits = find_in_text(self.view.text, needle)
            self.view.set_find(hits)
            if hits:
                self.view.find_next()
                self.notify(
                    _("{n_hits} match(es) for {needle!r}; n / N for next / previous").format(
                        n_hits=len(hits), needle=needle
                    )
                )
            elif needle.strip():
                self.notify(_("No match for {needle!r}").format(needle=needle), severity="warning")
            self.view.focus()

        self.app.push_screen(
            PromptModal(_("Find in transcript"), self.find_text, select_all=True), found
        )

    def action_find_next(self) -> None:
        if not self.view.find_next():
            self.notify(_("Nothing to find: press / first"), severity="warning")

    def action_find_previous(self) -> None:
        if not self.view.find_next(backwards=True):
            self.notify(_("Nothing to find: press / first"), severity="warning")
