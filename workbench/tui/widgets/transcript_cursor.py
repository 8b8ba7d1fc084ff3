"""Moving in the transcript view: cursor motions, extending the selection by word, sentence
or turn, find, and the mouse.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from textual.events import MouseDown, MouseMove, MouseUp

from workbench.tui.textlayout import (
    unit_at,
    word_end,
    word_start,
)


class TranscriptCursor:
    """The cursor half of ``TranscriptView`` (a mixin over the view's state)."""

    def _right(self, offset: int) -> int:
        layout = self.lines
        if layout is None:
            return offset
        line = layout.line_of(offset)
        if offset < layout.ends[line]:
            return offset + 1
        nxt = layout.next_text_line(line, 1)
        return layout.starts[nxt] if nxt is not None else offset

    def _left(self, offset: int) -> int:
        layout = self.lines
        if layout is None:
            return offset
        line = layout.line_of(offset)
        if offset > layout.starts[line]:
            return offset - 1
        prev = layout.next_text_line(line, -1)
        if prev is None:
            return offset
        return layout.ends[prev] - (1 if layout.continues(prev) else 0)

    def _vertical(self, offset: int, lines: int) -> int:
        layout = self.lines
        if layout is None:
            return offset
        line = layout.line_of(offset)
        if self._goal_column is None:
            self._goal_column = offset - layout.starts[line]
        step = 1 if lines > 0 else -1
        target = line
        for _ in range(abs(lines)):
            nxt = layout.next_text_line(target, step)
            if nxt is None:
                break
            target = nxt
        if target == line:
            return layout.ends[line] if step > 0 else layout.starts[line]
        length = layout.ends[target] - layout.starts[target]
        if layout.continues(target):
            length -= 1
        return layout.starts[target] + max(0, min(self._goal_column, length))

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def action_cursor_left(self) -> None:
        self.move_to(self._left(self.cursor))

    def action_cursor_right(self) -> None:
        self.move_to(self._right(self.cursor))

    def action_cursor_up(self) -> None:
        self.move_to(self._vertical(self.cursor, -1), keep_goal=True)

    def action_cursor_down(self) -> None:
        self.move_to(self._vertical(self.cursor, 1), keep_goal=True)

    def action_page_up(self) -> None:
        self.move_to(self._vertical(self.cursor, -self._page()), keep_goal=True)

    def action_page_down(self) -> None:
        self.move_to(self._vertical(self.cursor, self._page()), keep_goal=True)

    def action_word_right(self) -> None:
        self.move_to(word_end(self.text, self.cursor))

    def action_word_left(self) -> None:
        self.move_to(word_start(self.text, self.cursor))

    def action_line_start(self) -> None:
        if self.lines is not None:
            self.move_to(self.lines.starts[self.lines.line_of(self.cursor)])

    def action_line_end(self) -> None:
        if self.lines is not None:
            self.move_to(self.lines.ends[self.lines.line_of(self.cursor)])

    def action_document_start(self) -> None:
        self.move_to(0)

    def action_document_end(self) -> None:
        self.move_to(len(self.text))

    def action_extend_left(self) -> None:
        self.move_to(self._left(self.cursor), extend=True)

    def action_extend_right(self) -> None:
        self.move_to(self._right(self.cursor), extend=True)

    def action_extend_up(self) -> None:
        self.move_to(self._vertical(self.cursor, -1), extend=True, keep_goal=True)

    def action_extend_down(self) -> None:
        self.move_to(self._vertical(self.cursor, 1), extend=True, keep_goal=True)

    def action_extend_word(self) -> None:
        self.move_to(word_end(self.text, self.cursor), extend=True)

    def action_shrink_word(self) -> None:
        self.move_to(word_start(self.text, self.cursor), extend=True)

    def _extend_unit(self, spans: list[tuple[int, int]], starts: list[int]) -> None:
        if not spans:
            return
        if self.sel_anchor is None or self.sel_anchor == self.cursor:
            i = unit_at(spans, starts, self.cursor)
            assert i is not None
            self.sel_anchor = min(spans[i][0], self.cursor)
            self.move_to(spans[i][1], extend=True)
            return
        i = unit_at(spans, starts, self.cursor)
        assert i is not None
        target = spans[i][1]
        if target <= self.cursor and i + 1 < len(spans):
            target = spans[i + 1][1]
        self.move_to(max(target, self.cursor), extend=True)

    def action_extend_sentence(self) -> None:
        self._need_sentences()
        self._extend_unit(self.sentences, self._sentence_starts)

    def action_extend_turn(self) -> None:
        self._extend_unit(self._turn_spans, self._turn_starts)

    def _select_unit(self, spans: list[tuple[int, int]], starts: list[int]) -> None:
        """Select the unit under the cursor. A cursor just past the end of a unit, with only
        spaces between (End on the line of a turn's last sentence), means that unit, not
        the next speaker's."""
        cursor = self.cursor
        i = unit_at(spans, starts, cursor)
        if i is None:
            return
        if not spans[i][0] <= cursor < spans[i][1]:
            before = bisect_right(starts, cursor) - 1
            if before >= 0:
                gap = self.text[spans[before][1] : cursor]
                if spans[before][1] <= cursor and not gap.strip() and "\n" not in gap:
                    i = before
        self.select(*spans[i])

    def action_select_sentence(self) -> None:
        self._need_sentences()
        self._select_unit(self.sentences, self._sentence_starts)

    def action_select_turn(self) -> None:
        self._select_unit(self._turn_spans, self._turn_starts)

    def action_clear_selection(self) -> None:
        if self.sel_anchor is not None:
            self.move_to(self.cursor)

    # ------------------------------------------------------------------ find

    def set_find(self, hits: list[tuple[int, int]]) -> None:
        self.find_hits = sorted(hits)
        self._find_starts = [a for a, _ in self.find_hits]
        self._invalidate()

    def find_next(self, backwards: bool = False) -> bool:
        """Select the next (or previous) find hit after the cursor; False when there is none."""
        if not self.find_hits:
            return False
        lo, _ = self.selection
        if backwards:
            i = bisect_left(self._find_starts, lo) - 1
            hit = self.find_hits[i % len(self.find_hits)]
        else:
            i = bisect_right(self._find_starts, lo)
            hit = self.find_hits[i % len(self.find_hits)]
        self.select(*hit)
        return True

    # ----------------------------------------------------------------- mouse

    def _offset_at(self, x: int, y: int) -> int | None:
        layout = self.lines
        if layout is None or not layout.starts:
            return None
        line = min(max(round(self.scroll_offset.y) + y, 0), len(layout) - 1)
        while line < len(layout) - 1 and layout.kinds[line] != 0:
            line += 1
        length = layout.ends[line] - layout.starts[line]
        if layout.continues(line):
            length -= 1
        return layout.starts[line] + max(0, min(x, length))

    def coding_in_margin(self, x: int, y: int) -> int | None:
        """The coding whose bar or name is at ``(x, y)`` of the view, if any."""
        layout = self.lines
        text_width = self._text_width()
        if layout is None or x < text_width:
            return None
        line = round(self.scroll_offset.y) + y
        if not 0 <= line < len(layout):
            return None
        shape = self.margin()
        column = x - text_width - 1
        if 0 <= column < shape.bars and shape.lane:
            lane = column // shape.lane
            for span_id in self.line_index.get(line, ()):
                if self.lanes.get(span_id) == lane:
                    return span_id
            return None
        column -= shape.bars
        for at, size, span_id in self.label_index.get(line, ()):
            if at <= column < at + size:
                return span_id
        return None

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        picked = self.coding_in_margin(offset.x, offset.y)
        if picked is not None:
            self.focus()
            self.post_message(self.CodingPicked(self, picked))
            return
        target = self._offset_at(offset.x, offset.y)
        if target is None:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.move_to(target)

    def on_mouse_move(self, event: MouseMove) -> None:
        if not self._dragging:
            return
        offset = event.get_content_offset_capture(self)
        target = self._offset_at(offset.x, offset.y)
        if target is not None and target != self.cursor:
            self.move_to(target, extend=True)

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
