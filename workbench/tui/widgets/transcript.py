"""The transcript view: a long document drawn line by line (Textual's Line API).

Textual's TextArea re-lays out and re-renders too much per key for a transcript of 100k lines.
This view soft-wraps the text once per width (``textlayout``), keeps a per-line index of the
coded spans, and renders only the visible lines, caching each rendered line (an LRU of strips
keyed by everything that can change its look). A key press that moves the cursor re-renders
the two lines it touches; the rest come from the cache.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.events import MouseDown, MouseMove, MouseUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.tui.actions import bindings
from workbench.tui.colours import stripe_colours, tint_colours
from workbench.tui.stripes import assign_lanes, margin_shape, short_name
from workbench.tui.textlayout import (
    BLANK,
    SPEAKER,
    Layout,
    build_layout,
    unit_at,
    word_end,
    word_start,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A coding as the view needs it."""

    id: int
    code_id: int
    coder_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mark:
    """An open suggestion as the view needs it: drawn apart from codings, never editable."""

    id: int
    code_id: int
    start: int
    end: int
    score: float
    reason: str


class TranscriptView(ScrollView, can_focus=True):
    """A read-only transcript with a cursor, a selection and coloured coded spans."""

    BINDINGS: list[Binding] = bindings("transcript")

    COMPONENT_CLASSES = {
        "transcript--cursor",
        "transcript--selection",
        "transcript--speaker",
        "transcript--margin",
        "transcript--find",
        "transcript--suggestion",
        "transcript--suggestion-margin",
    }

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(self, view: TranscriptView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""
        self.turns: list[tuple[int, int, str | None]] = []
        self.sentences: list[tuple[int, int]] = []
        self._sentence_starts: list[int] = []
        self._sentences_ready = True
        #: called for the sentences when one is needed before they were handed over
        self.sentence_loader: Callable[[], Sequence[tuple[int, int]]] | None = None
        self._turn_spans: list[tuple[int, int]] = []
        self._turn_starts: list[int] = []
        self.lines: Layout | None = None
        self.spans: dict[int, Span] = {}
        self.line_index: dict[int, list[int]] = {}
        #: open suggestions, indexed per display line like the spans
        self.marks: dict[int, Mark] = {}
        self.mark_index: dict[int, list[int]] = {}
        #: the suggestions the cursor is in: only these are drawn over the text; the others
        #: are a quiet mark in the margin, so open suggestions never hide the codings
        self.active_marks: frozenset[int] = frozenset()
        #: False hides every suggestion mark (margin and text)
        self.marks_visible = True
        self.code_names: dict[int, str] = {}
        self.code_colours: dict[int, str] = {}
        self.cursor = 0
        self.sel_anchor: int | None = None
        self._goal_column: int | None = None
        self.find_hits: list[tuple[int, int]] = []
        self._find_starts: list[int] = []
        self._version = 0
        #: bumped for single lines (a span added or removed) so the rest stays cached
        self._line_versions: dict[int, int] = {}
        self._cache: LRUCache[tuple, Strip] = LRUCache(4096)
        self._look: dict[str, Style] = {}
        self._styles: dict[int, Style] = {}
        self._margin_styles: dict[int, Style] = {}
        self._tints: dict[int, str] = {}
        self._stripes: dict[int, str] = {}
        #: span id -> lane of the margin; how many lanes the document needs
        self.lanes: dict[int, int] = {}
        self.lane_count = 0
        #: coder id -> initials shown in the margin
        self.coder_labels: dict[int, str] = {}
        self._dragging = False
        self._reveal_pending = False

    # ------------------------------------------------------------------ loading

    def load(
        self,
        text: str,
        turns: Sequence[tuple[int, int, str | None]],
        sentences: Sequence[tuple[int, int]] | None,
        spans: Iterable[Span],
        code_names: dict[int, str],
        code_colours: dict[int, str],
        marks: Iterable[Mark] = (),
    ) -> None:
        """Show a new document (resets cursor, selection and find); ``marks`` are its open
        suggestions."""
        self.text = text
        self.turns = sorted(turns)
        self._turn_spans = [(s, e) for s, e, _ in self.turns]
        self._turn_starts = [s for s, _ in self._turn_spans]
        if sentences is None:
            self.sentences, self._sentence_starts = [], []
            self._sentences_ready = False
        else:
            self.set_sentences(sentences)
        self.cursor, self.sel_anchor = 0, None
        self.find_hits, self._find_starts = [], []
        self.lines = None
        self.code_names = dict(code_names)
        self.set_colours(code_colours)
        self.spans = {s.id: s for s in spans}
        self.marks = {m.id: m for m in marks}
        self.active_marks = frozenset()
        self._relayout()
        self._update_active_marks()

    def set_sentences(self, sentences: Sequence[tuple[int, int]]) -> None:
        """Sentence spans, for selecting and extending by sentence (may arrive after loading)."""
        self.sentences = sorted(sentences)
        self._sentence_starts = [s for s, _ in self.sentences]
        self._sentences_ready = True

    def _need_sentences(self) -> None:
        if not self._sentences_ready and self.sentence_loader is not None:
            self.set_sentences(self.sentence_loader())

    def set_colours(self, code_colours: dict[int, str]) -> None:
        self.code_colours = dict(code_colours)
        self._forget_looks()
        self._invalidate()

    def _forget_looks(self) -> None:
        self._styles.clear()
        self._margin_styles.clear()
        self._tints.clear()
        self._stripes.clear()

    def set_coder_labels(self, labels: dict[int, str]) -> None:
        """Coder id -> initials written beside each stripe."""
        self.coder_labels = dict(labels)
        self._invalidate()

    def set_code_names(self, code_names: dict[int, str]) -> None:
        self.code_names = dict(code_names)
        self._invalidate()

    def set_spans(self, spans: Iterable[Span]) -> None:
        """Replace every coded span shown (after undo, a coder switch, blind mode...)."""
        self.spans = {s.id: s for s in spans}
        self._reindex()
        self._invalidate()

    def add_span(self, span: Span) -> None:
        """Show one more coded span; only the lines it covers are redrawn."""
        self.spans[span.id] = span
        if self.lines is not None:
            lines = self.lines.lines_between(span.start, span.end)
            for line in lines:
                ids = self.line_index.setdefault(line, [])
                ids.append(span.id)
                ids.sort(key=lambda i: (self.spans[i].start, -self.spans[i].end))
            self._relane(lines)

    def set_marks(self, marks: Iterable[Mark]) -> None:
        """Replace the suggestion marks shown (after a run, an accept or reject, an undo)."""
        self.marks = {m.id: m for m in marks}
        self._reindex_marks()
        self.active_marks = frozenset()
        self._update_active_marks()
        self._invalidate()

    def set_marks_visible(self, visible: bool) -> None:
        """Show or hide every suggestion mark (the suggestions themselves stay open)."""
        self.marks_visible = visible
        self.active_marks = frozenset()
        self._update_active_marks()
        self._invalidate()

    def action_toggle_suggestions(self) -> None:
        self.set_marks_visible(not self.marks_visible)
        self.notify(
            "Suggestions shown (j steps to the next)"
            if self.marks_visible
            else "Suggestions hidden (J shows them)",
            timeout=2,
        )

    def _update_active_marks(self) -> None:
        """Redraw the suggestions the cursor stepped into or out of."""
        new = frozenset(m.id for m in self.marks_at()) if self.marks_visible else frozenset()
        if new == self.active_marks:
            return
        changed = [self.marks[i] for i in new ^ self.active_marks if i in self.marks]
        self.active_marks = new
        if self.lines is not None:
            for mark in changed:
                self._touch(self.lines.lines_between(mark.start, mark.end))

    def _relane(self, lines: range) -> None:
        """After one span came or went: redraw its lines, or everything when lanes moved."""
        before = (self.lanes, self.lane_count)
        self._assign_lanes()
        changed = {k: v for k, v in self.lanes.items() if before[0].get(k) != v}
        if self.lane_count != before[1] or len(changed) > 1:
            self._invalidate()
        else:
            self._touch(lines)

    def _touch(self, lines: range) -> None:
        """Mark ``lines`` changed: their cached strips are no longer used."""
        versions = self._line_versions
        for line in lines:
            versions[line] = versions.get(line, 0) + 1
        self._refresh_lines(set(lines))

    def _invalidate(self) -> None:
        self._version += 1
        self._line_versions.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        self._look.clear()
        self._forget_looks()
        self._version += 1
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """A component style (``base`` is the widget's own), resolved once per theme."""
        style = self._look.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style
            else:
                style = self.get_component_rich_style(f"transcript--{name}")
            self._look[name] = style
        return style

    def _relayout(self) -> None:
        width = self._text_width()
        if width <= 0:
            return
        self.lines = build_layout(self.text, self.turns, width)
        self._reindex()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))
        self._version += 1
        self.refresh()

    def _reindex(self) -> None:
        index: dict[int, list[int]] = {}
        layout = self.lines
        if layout is not None:
            for span in sorted(self.spans.values(), key=lambda s: (s.start, -s.end)):
                for line in layout.lines_between(span.start, span.end):
                    index.setdefault(line, []).append(span.id)
        self.line_index = index
        self._assign_lanes()
        self._reindex_marks()

    def _assign_lanes(self) -> None:
        layout = self.lines
        if layout is None:
            self.lanes, self.lane_count = {}, 0
            return
        self.lanes = assign_lanes(
            (s.id, layout.line_of(s.start), layout.line_of(max(s.end - 1, s.start)))
            for s in self.spans.values()
        )
        self.lane_count = max(self.lanes.values(), default=-1) + 1

    def _reindex_marks(self) -> None:
        index: dict[int, list[int]] = {}
        layout = self.lines
        if layout is not None:
            for mark in sorted(self.marks.values(), key=lambda m: (m.start, -m.end)):
                for line in layout.lines_between(mark.start, mark.end):
                    index.setdefault(line, []).append(mark.id)
        self.mark_index = index

    def _margin_width(self) -> int:
        return margin_shape(self.scrollable_content_region.width, self.lane_count).width

    def _text_width(self) -> int:
        width = self.scrollable_content_region.width
        margin = self._margin_width()
        return width - margin - (1 if margin else 0)

    def on_resize(self, event: Resize) -> None:
        if self.lines is None or self.lines.width != max(self._text_width(), 8):
            self._relayout()
            self.scroll_to_cursor()
        if self._reveal_pending:
            self.call_after_refresh(self.reveal_selection)

    # ------------------------------------------------------------- rendering

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
        width = self.scrollable_content_region.width
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
        lo, hi = self.selection
        sel = (max(lo, start), min(hi, end)) if lo < end and hi > start else None
        if sel is not None and sel[0] >= sel[1]:
            sel = None
        cursor_col = -1
        if layout.line_of(self.cursor) == index:
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
            strip = Strip([Segment(label[:text_width], style)]).adjust_cell_length(text_width, base)
            # a coding that spans turns keeps its stripe across the gap
            return Strip.join([strip, self._margin(index, margin, base)]) if margin else strip
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
        strip = Strip(segments).adjust_cell_length(text_width, base)
        if margin:
            strip = Strip.join([strip, self._margin(index, margin, base)])
        return strip

    def _margin(self, index: int, width: int, base: Style) -> Strip:
        """The stripes of display line ``index``: one lane per coding; then, when the line has
        open suggestions, a quiet "?" (in the suggestion colour while the cursor is in one)
        and the suggested codes' names when there is room."""
        style = base + self._style("margin")
        shape = margin_shape(self.scrollable_content_region.width, self.lane_count)
        layout = self.lines
        assert layout is not None
        lane_width = shape.lane
        marked = self._marked_codes(index)
        room_for_lanes = width - 1 if marked else width  # the "?" of suggestions stays visible
        visible = max(min(self.lane_count, room_for_lanes // lane_width), 0) if lane_width else 0
        overflow = self.lane_count > visible
        shown = visible - 1 if overflow else visible
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
                segments.append(Segment(" " * lane_width, style))
                continue
            first = layout.line_of(span.start) == index
            last = layout.line_of(max(span.end - 1, span.start)) == index
            glyph = "■" if first and last else "┏" if first else "┗" if last else "┃"
            colour = style + self._margin_style(span.code_id)
            segments.append(Segment(glyph, colour))
            if lane_width > 1:
                # a space before the next lane's bar, when the lane has room for it
                room = lane_width - 2 if lane_width > 4 else lane_width - 1
                label = self._label(span, room) if first else ""
                segments.append(Segment(label.ljust(lane_width - 1), colour))
        if overflow:
            more = f"+{hidden}" if hidden else ""
            segments.append(Segment(more[:lane_width].ljust(lane_width), style))
        used = 1 + visible * lane_width
        if marked:
            look = "suggestion" if any(a for _, a in marked) else "suggestion-margin"
            segments.append(Segment("?", style + self._style(look)))
            used += 1
        for code_id, active in marked:
            room = width + 1 - used
            if room <= 1:
                break
            if code_id in codes_here:
                continue  # its stripe names it already
            text = f"{self.code_names.get(code_id, '?')[: room - 1]} "
            look = "suggestion" if active else "suggestion-margin"
            segments.append(Segment(text, style + self._style(look)))
            used += len(text)
        return Strip(segments).adjust_cell_length(width + 1, style)

    def _label(self, span: Span, room: int) -> str:
        """Short code name and coder initials in ``room`` columns ("Budget exec Ma")."""
        initials = self.coder_labels.get(span.coder_id, "")
        if room < len(initials) + 4:
            return (initials or short_name(self.code_names.get(span.code_id, "?"), room))[:room]
        name = short_name(self.code_names.get(span.code_id, "?"), room - len(initials) - 1)
        return f"{name} {initials}" if initials else name

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

    # ------------------------------------------------------------- selection

    @property
    def selection(self) -> tuple[int, int]:
        """The selected ``[start, end)``; empty (cursor, cursor) when nothing is selected."""
        if self.sel_anchor is None or self.sel_anchor == self.cursor:
            return (self.cursor, self.cursor)
        return (min(self.sel_anchor, self.cursor), max(self.sel_anchor, self.cursor))

    def spans_at(self, offset: int | None = None) -> list[Span]:
        """The coded spans covering ``offset`` (default: the cursor), innermost last."""
        offset = self.cursor if offset is None else offset
        if self.lines is None:
            return []
        line = self.lines.line_of(offset)
        return [
            self.spans[i]
            for i in self.line_index.get(line, ())
            if self.spans[i].start <= offset < self.spans[i].end
        ]

    def marks_at(self, offset: int | None = None) -> list[Mark]:
        """The open suggestions covering ``offset`` (default: the cursor)."""
        offset = self.cursor if offset is None else offset
        if self.lines is None or not self.marks:
            return []
        line = self.lines.line_of(offset)
        return [
            self.marks[i]
            for i in self.mark_index.get(line, ())
            if self.marks[i].start <= offset < self.marks[i].end
        ]

    def marks_here(self) -> list[Mark]:
        """Suggestions overlapping the selection, else those at the cursor."""
        lo, hi = self.selection
        if hi <= lo or self.lines is None:
            return self.marks_at()
        seen: dict[int, Mark] = {}
        for line in self.lines.lines_between(lo, hi):
            for mark_id in self.mark_index.get(line, ()):
                mark = self.marks[mark_id]
                if mark.start < hi and mark.end > lo:
                    seen[mark_id] = mark
        return sorted(seen.values(), key=lambda m: (m.start, -m.end))

    def spans_here(self) -> list[Span]:
        """The spans the next edit is about: those overlapping the selection, else at the cursor."""
        lo, hi = self.selection
        if hi <= lo or self.lines is None:
            return self.spans_at()
        seen: dict[int, Span] = {}
        for line in self.lines.lines_between(lo, hi):
            for span_id in self.line_index.get(line, ()):
                span = self.spans[span_id]
                if span.start < hi and span.end > lo:
                    seen[span_id] = span
        return sorted(seen.values(), key=lambda s: (s.start, -s.end))

    def move_to(self, offset: int, *, extend: bool = False, keep_goal: bool = False) -> None:
        """Move the cursor; with ``extend`` the selection grows from its anchor."""
        offset = max(0, min(offset, len(self.text)))
        old_lines = self._touched_lines()
        if extend:
            if self.sel_anchor is None:
                self.sel_anchor = self.cursor
        else:
            self.sel_anchor = None
        self.cursor = offset
        if not keep_goal:
            self._goal_column = None
        self._refresh_lines(old_lines | self._touched_lines())
        self._update_active_marks()
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self))

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` with the cursor at its end."""
        old_lines = self._touched_lines()
        self.sel_anchor, self.cursor = start, end
        self._goal_column = None
        self._refresh_lines(old_lines | self._touched_lines())
        self._update_active_marks()
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self))

    def _touched_lines(self) -> set[int]:
        if self.lines is None:
            return set()
        lo, hi = self.selection
        first = self.lines.line_of(lo)
        last = self.lines.line_of(max(hi - 1, lo))
        lines = {self.lines.line_of(self.cursor)}
        if last - first < 400:
            lines.update(range(first, last + 1))
        else:
            lines.update(range(first, first + 200))
            lines.update(range(last - 200, last + 1))
        return lines

    def _refresh_lines(self, lines: set[int]) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        visible = [y for y in lines if top <= y < top + height]
        if visible:
            self.refresh_lines(min(visible), max(visible) - min(visible) + 1)

    def reveal_selection(self) -> None:
        """Scroll so the selection starts a third of the way down the view (opening a
        document at a passage). Before the first layout, it happens right after it."""
        height = self.scrollable_content_region.height
        if self.lines is None or height <= 0 or self.virtual_size.height < len(self.lines):
            self._reveal_pending = True
            return
        self._reveal_pending = False
        lo, hi = self.selection
        first = self.lines.line_of(lo)
        last = self.lines.line_of(max(hi - 1, lo))
        top = max(0, first - max(height // 3, 1)) if last - first < height else first
        self.scroll_to(y=top, animate=False, immediate=True)
        self.refresh()

    def scroll_to_cursor(self) -> None:
        if self.lines is None:
            return
        line = self.lines.line_of(self.cursor)
        top = round(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    # --------------------------------------------------------------- motions

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
        i = unit_at(spans, starts, self.cursor)
        if i is not None:
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

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
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
