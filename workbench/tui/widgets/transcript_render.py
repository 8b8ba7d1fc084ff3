"""Drawing the transcript view: one line at a time, with tints, stripes, labels and find hits.

Each rendered line is cached (an LRU of strips keyed by everything that can change its look),
so a key press re-renders only the lines it touches.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from workbench.tui.colours import stripe_colours, tint_colours
from workbench.tui.stripes import short_name
from workbench.tui.textlayout import (
    BLANK,
    SPEAKER,
)

if TYPE_CHECKING:
    from workbench.tui.widgets.transcript_index import Span


class TranscriptRendering:
    """The rendering half of ``TranscriptView`` (a mixin over the view's state)."""

    def _pick_looks(self) -> None:
        """Tints and stripe colours for every code, distinct after reduction to 256 colours."""
        background = self.background_colors[1].hex6.upper()
        dark = self.background_colors[1].brightness < 0.5
        self._tints = tint_colours(self.code_colours, background, dark=dark)
        self._stripes = stripe_colours(self.code_colours, dark=dark, background=background)

    def _code_style(self, code_id: int) -> Style:
        style = self._styles.get(code_id)
        if style is None:
            if not self._tints:
                self._pick_looks()
            colour = self._tints.get(code_id) or self.code_colours.get(code_id, "#888888")
            style = Style(bgcolor=Color.parse(colour).rich_color)
            self._styles[code_id] = style
        return style

    def _margin_style(self, code_id: int) -> Style:
        style = self._margin_styles.get(code_id)
        if style is None:
            if not self._stripes:
                self._pick_looks()
            colour = self._stripes.get(code_id) or self.code_colours.get(code_id, "#888888")
            style = Style(color=Color.parse(colour).rich_color, bold=True)
            self._margin_styles[code_id] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.content_width()
        if self.lines is None:
            self._relayout()
        layout = self.lines
        index = self.scroll_offset.y + y
        if layout is None or index >= len(layout):
            return Strip.blank(width, self._style("base"))
        return self.line_strip(index, width)

    def line_strip(self, index: int, width: int) -> Strip:
        """The rendered strip of display line ``index`` (from the cache when unchanged)."""
        layout = self.lines
        assert layout is not None
        start, end = layout.starts[index], layout.ends[index]
        # the selection and the cursor's line, worked out once for all the lines drawn
        where = (self.cursor, self.sel_anchor)
        if self._where_for != where or self._where_layout is not layout:
            self._where_for, self._where_layout = where, layout
            self._where = (*self.selection, layout.line_of(self.cursor))
        lo, hi, cursor_line = self._where
        sel = (max(lo, start), min(hi, end)) if lo < end and hi > start else None
        if sel is not None and sel[0] >= sel[1]:
            sel = None
        cursor_col = -1
        if cursor_line == index:
            cursor_col = self.cursor - start
        key = (index, width, self._version, self._line_versions.get(index, 0), sel, cursor_col)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_line(index, width, sel, cursor_col)
            self._cache[key] = strip
        return strip

    def _render_line(
        self, index: int, width: int, sel: tuple[int, int] | None, cursor_col: int
    ) -> Strip:
        layout = self.lines
        assert layout is not None
        base = self._style("base")
        margin = self._margin_width()
        text_width = width - margin - (1 if margin else 0)
        kind = layout.kinds[index]
        if kind in (BLANK, SPEAKER):
            label = layout.labels.get(index, "") if kind == SPEAKER else ""
            style = base + self._style("speaker")
            # a coding that spans turns keeps its stripe across the gap
            return self._line([Segment(label[:text_width], style)], text_width, margin, index)
        start, end = layout.starts[index], layout.ends[index]
        chunk = self.text[start:end].replace("\t", " ")
        n = len(chunk)
        points = {0, n}
        pieces: list[tuple[int, int, int]] = []
        ids = self.line_index.get(index, ())
        for span_id in ids:
            span = self.spans[span_id]
            a, b = max(span.start, start) - start, min(span.end, end) - start
            if a < b:
                pieces.append((a, b, span.code_id))
                points.update((a, b))
        suggested: list[tuple[int, int]] = []
        for mark_id in self.mark_index.get(index, ()):
            if mark_id not in self.active_marks:
                continue
            mark = self.marks[mark_id]
            a, b = max(mark.start, start) - start, min(mark.end, end) - start
            if a < b:
                suggested.append((a, b))
                points.update((a, b))
        if sel is not None:
            points.update((sel[0] - start, sel[1] - start))
        heard = None
        if self.playing is not None and self.playing[0] < end and self.playing[1] > start:
            heard = (max(self.playing[0], start) - start, min(self.playing[1], end) - start)
            points.update(heard)
        hits = self._hits_on(start, end)
        for a, b in hits:
            points.update((a, b))
        label_len = layout.label_spans.get(index, 0)
        if label_len:
            points.add(label_len)
        if 0 <= cursor_col < n:
            points.update((cursor_col, cursor_col + 1))
        cursor_style = self._style("cursor")
        selection_style = self._style("selection")
        find_style = self._style("find")
        speaker_style = self._style("speaker")
        ordered = sorted(p for p in points if 0 <= p <= n)
        segments: list[Segment] = []
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a >= b:
                continue
            style = base
            covering = [p for p in pieces if p[0] <= a and p[1] >= b]
            if covering:
                style = style + self._code_style(covering[-1][2])
                if len({p[2] for p in covering}) > 1:
                    style = style + Style(underline=True)  # different codes overlap
                elif len(covering) > 1:
                    style = style + Style(bold=True)  # one code, applied more than once
            if suggested and any(p[0] <= a and p[1] >= b for p in suggested):
                style = style + self._style("suggestion")
            if heard is not None and heard[0] <= a and heard[1] >= b:
                style = style + self._style("playing")
            if a < label_len:
                style = style + speaker_style
            if any(h[0] <= a and h[1] >= b for h in hits):
                style = style + find_style
            if sel is not None and sel[0] - start <= a and sel[1] - start >= b:
                style = style + selection_style
            if a == cursor_col:
                style = style + cursor_style
            segments.append(Segment(chunk[a:b], style))
        if cursor_col >= n:
            segments.append(Segment(" ", base + cursor_style))
        return self._line(segments, text_width, margin, index)

    def _line(self, segments: list[Segment], text_width: int, margin: int, index: int) -> Strip:
        """One strip of the text's ``segments`` padded or cut to ``text_width`` cells, then the
        margin of line ``index``. Built as one list and one ``Strip`` of known length: every
        Strip Textual makes carries seven small caches, and joining and padding strips made
        three per line, the larger part of drawing a new page."""
        base = self._style("base")
        used = sum(cell_len(segment.text) for segment in segments)
        if used > text_width:  # wide characters the layout could not fit: cut as Textual does
            segments = list(Strip(segments).adjust_cell_length(text_width, base))
        elif used < text_width:
            segments.append(Segment(" " * (text_width - used), base))
        if margin:
            segments.extend(self._margin(index, margin, base))
            return Strip(segments, text_width + margin + 1)
        return Strip(segments, text_width)

    def _margin(self, index: int, width: int, base: Style) -> list[Segment] | tuple[Segment, ...]:
        """The stripes of display line ``index``: one lane per coding (a bar and a gap), the
        names placed on this line (``stripes.place_labels``) after the bars; then, when the
        line has open suggestions, a quiet "?" (in the suggestion colour while the cursor is
        in one) and the suggested codes' names when there is room."""
        shape = self.margin()
        layout = self.lines
        assert layout is not None
        marked = self._marked_codes(index)
        if not marked and index not in self.line_index and shape.lanes >= self.lane_count:
            blank = self._blank_margins.get((width, shape, base))
            if blank is None:  # most lines: no coding, no name, no suggestion
                style = base + self._style("margin")
                rule = Segment("│" if not shape.compact else " ", style)
                blank = tuple(Strip([rule]).adjust_cell_length(width + 1, style))
                self._blank_margins = {(width, shape, base): blank}
            return blank
        style = base + self._style("margin")
        step = shape.lane
        overflow = self.lane_count > shape.lanes
        shown = shape.lanes - 1 if overflow else shape.lanes
        by_lane: dict[int, Span] = {}
        hidden = 0
        codes_here: set[int] = set()
        for span_id in self.line_index.get(index, ()):
            span = self.spans[span_id]
            codes_here.add(span.code_id)
            lane = self.lanes.get(span_id, 0)
            if lane < shown:
                by_lane[lane] = span
            else:
                hidden += 1
        segments = [Segment("│" if not shape.compact else " ", style)]
        for lane in range(shown):
            span = by_lane.get(lane)
            if span is None:
                segments.append(Segment(" " * step, style))
                continue
            first = layout.line_of(span.start) == index
            last = layout.line_of(max(span.end - 1, span.start)) == index
            glyph = "■" if first and last else "┏" if first else "┗" if last else "┃"
            segments.append(Segment(glyph, style + self._margin_style(span.code_id)))
            if step > 1:
                segments.append(Segment(" " * (step - 1), style))
        if overflow:
            more = f"+{hidden}" if hidden else ""
            segments.append(Segment(more[:step].ljust(step), style))
        used = 1 + shape.bars
        room = shape.label_room - (1 if marked else 0)  # the "?" of suggestions stays visible
        column = 0
        for at, size, span_id in self.label_index.get(index, ()):
            span = self.spans.get(span_id)
            if span is None or at + size > room:
                continue
            if at > column:
                segments.append(Segment(" " * (at - column), style))
            label = self._label(span, size)
            segments.append(Segment(label.ljust(size), style + self._name_style(span.code_id)))
            column = at + size
        used += column
        if marked:
            look = "suggestion" if any(a for _, a in marked) else "suggestion-margin"
            segments.append(Segment(" ", style))
            segments.append(Segment("?", style + self._style(look)))
            used += 2
        for code_id, active in marked:
            left = width + 1 - used
            if left <= 1:
                break
            if code_id in codes_here:
                continue  # its stripe names it already
            text = f"{self.code_names.get(code_id, '?')[: left - 1]} "
            look = "suggestion" if active else "suggestion-margin"
            segments.append(Segment(text, style + self._style(look)))
            used += len(text)
        used = sum(cell_len(segment.text) for segment in segments)
        if used == width + 1:
            return segments
        if used < width + 1:
            segments.append(Segment(" " * (width + 1 - used), style))
            return segments
        return list(Strip(segments).crop(0, width + 1).adjust_cell_length(width + 1, style))

    def _name_style(self, code_id: int) -> Style:
        """A name in the margin: its code's stripe colour, not bold (the bar is)."""
        return self._margin_style(code_id) + Style(bold=False)

    def _label(self, span: Span, room: int) -> str:
        """The coding's name in ``room`` columns: short code name and, when several coders
        are shown, the coder's initials ("Budget exec Ma")."""
        name = self.code_names.get(span.code_id, "?")
        initials = self.coder_labels.get(span.coder_id, "") if self.show_initials else ""
        if not initials:
            return short_name(name, room)
        if room < len(initials) + 1 + 3:
            return short_name(name, room)  # the code matters more than who
        return f"{short_name(name, room - len(initials) - 1)} {initials}"

    def _marked_codes(self, index: int) -> list[tuple[int, bool]]:
        """Codes suggested on line ``index``, each with whether the cursor is in one of its
        suggestions (none while marks are hidden)."""
        if not self.marks_visible:
            return []
        marked: dict[int, bool] = {}
        for mark_id in self.mark_index.get(index, ()):
            code_id = self.marks[mark_id].code_id
            marked[code_id] = marked.get(code_id, False) or mark_id in self.active_marks
        return list(marked.items())

    def _hits_on(self, start: int, end: int) -> list[tuple[int, int]]:
        if not self.find_hits:
            return []
        i = bisect_left(self._find_starts, start)
        while i > 0 and self.find_hits[i - 1][1] > start:
            i -= 1
        out = []
        while i < len(self.find_hits) and self.find_hits[i][0] < end:
            a, b = self.find_hits[i]
            if b > start:
                out.append((max(a, start) - start, min(b, end) - start))
            i += 1
        return out
