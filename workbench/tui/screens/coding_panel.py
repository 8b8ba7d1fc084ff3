"""The side of the coding screen: the code panel, recent codes and the details of the span at hand."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static, Tree

from workbench.i18n import _
from workbench.ops.coding import visible_memos
from workbench.store.model import Code
from workbench.tui.widgets.codepanel import CodePanel
from workbench.tui.widgets.transcript import TranscriptView
from workbench.tui.widgets.transcript_index import Span


class CodingSide:
    """The side panel of ``CodingScreen`` (a mixin over the screen's state)."""

    def update_side(self) -> None:
        self.query_one("#recent", Static).update(self._recent_text())
        self.query_one("#details", Static).update(self._details_text())
        self.update_panel()

    def update_panel(self) -> None:
        """Describe ``panel_code_id`` in the code panel (when the panel is shown)."""
        from workbench.ops.codes import code_usage

        panel = self.query_one(CodePanel)
        if not panel.display:
            return
        code = self.codes_by_id.get(self.panel_code_id) if self.panel_code_id else None
        if code is not None and panel.code_id == code.id and not self.usage_cache == {}:
            if (code.id, self.wb.blind) in self.usage_cache:
                return  # the same card, nothing changed since: no redraw
        if code is None:
            panel.show_code(
                None,
                hint=_(
                    "Highlight a code in the tree, or put the cursor in a coding, to read its "
                    "definition here (i hides this)."
                ),
            )
            return
        coder_id = self.wb.coder_id if self.wb.blind else None
        key = (code.id, coder_id is not None)
        if key not in self.usage_cache:
            self.usage_cache[key] = code_usage(self.project, code.id, coder_id)
        codings, documents = self.usage_cache[key]
        here = self.code_tree.counts.get(code.id, 0)
        usage = (
            _("{codings} of your coding(s) in {documents} document(s) · {here} here")
            if coder_id is not None
            else _("{codings} coding(s) in {documents} document(s) · {here} here")
        ).format(codings=codings, documents=documents, here=here)
        memos = [m.text for m in visible_memos(self.project, "code", code.id)]
        panel.show_code(
            code,
            self.colours.get(code.id, ""),
            usage=usage,
            memos=memos,
            hint=_("No description yet (F3, e writes one)."),
        )

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        code = event.node.data
        if isinstance(code, Code) and code.id != self.panel_code_id:
            self.panel_code_id = code.id
            self.update_panel()

    def action_toggle_panel(self) -> None:
        panel = self.query_one(CodePanel)
        panel.display = not panel.display
        self.update_panel()

    def _recent_text(self) -> Text:
        """Keys 1-9: the coder's favourite codes (+ pins the code at hand)."""
        text = Text(_("Keys  "), style="bold")
        shown = 0
        for n, code_id in sorted(self.wb.favourites.items()):
            code = self.codes_by_id.get(code_id)
            if code is None:
                continue
            text.append(f"{n}", style="reverse")
            text.append(" ")
            text.append(code.name, style=self.colours.get(code.id, ""))
            text.append("  ")
            shown += 1
        if not shown:
            text.append(_("(codes you apply get keys 1-9; + pins one)"), style="dim")
        return text

    def _details_text(self) -> Text:
        view = self.view
        lo, hi = view.selection
        text = Text()
        if hi > lo:
            text.append(
                _("Selection {value} chars [{lo}, {hi})\n").format(value=hi - lo, lo=lo, hi=hi),
                style="bold",
            )
        else:
            text.append(_("Cursor at {cursor}\n").format(cursor=view.cursor), style="dim")
        spans = view.spans_here()
        if not spans:
            text.append(_("no coding here"), style="dim")
        for span in spans:
            code = self.codes_by_id.get(span.code_id)
            text.append("■ ", style=self.colours.get(span.code_id, ""))
            text.append(code.path if code else "?", style="bold")
            text.append(
                f"\n  {self.coder_names.get(span.coder_id, '?')} [{span.start}, {span.end})",
                style="dim",
            )
            when = self.time_span_text(span.start, span.end)
            if when:
                text.append(f" {when}", style="dim")
            memo = self.memos.get(span.id)
            if memo:
                text.append(_("\n  memo: {value}").format(value=memo[1][:200]), style="italic")
            text.append("\n")
        for mark in view.marks_here():
            code = self.codes_by_id.get(mark.code_id)
            text.append(_("? suggested "), style="italic")
            text.append(code.path if code else "?", style="bold italic")
            text.append(
                _("\n  score {score:.2f} [{start}, {end}) y accept, X reject\n  {value}\n").format(
                    score=mark.score, start=mark.start, end=mark.end, value=mark.reason[:200]
                ),
                style="dim",
            )
        return text

    def span_at_hand(self) -> Span | None:
        """The coding the cursor is about: the one ``]`` / ``[`` selected while the selection
        is still its extent, else the innermost under the cursor or the selection."""
        view = self.view
        jumped = view.spans.get(self.at_coding) if self.at_coding is not None else None
        if jumped is not None and (jumped.start, jumped.end) == view.selection:
            return jumped
        spans = view.spans_at() or view.spans_here()
        return spans[-1] if spans else None

    def on_transcript_view_cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        self.last_cursor = self.view.cursor
        self.query_one("#details", Static).update(self._details_text())
        span = self.span_at_hand()
        if span is not None and span.code_id != self.panel_code_id:
            self.panel_code_id = span.code_id
            self.update_panel()

    def follow_tree(self) -> None:
        """The panel describes the code highlighted in the tree (after a filter, too)."""
        code = self.code_tree.highlighted_code
        if code is not None and code.id != self.panel_code_id:
            self.panel_code_id = code.id
            self.update_panel()

    def action_read_panel(self) -> None:
        """Focus the code panel to scroll its card (Esc goes back to the transcript)."""
        panel = self.query_one(CodePanel)
        if not panel.display:
            panel.display = True
            self.update_panel()
        panel.focus()
