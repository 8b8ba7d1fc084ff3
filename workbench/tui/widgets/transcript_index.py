"""What is coded where in the transcript view: the codings and open suggestions it shows,
indexed per display line, and the margin's lanes and name places for them.

The index is what lets a key cost the same on a long document as on a short one: asking what
covers the cursor or the selection reads the lines it touches, and one coding added re-places
only its own lines. It lives apart from the widget (which lays out, scrolls and draws) and from
the cursor's motions, which only read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.tui.stripes import assign_lanes, place_labels


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


class TranscriptIndex:
    """The per-line index of ``TranscriptView`` (a mixin over the view's state)."""

    def set_coder_labels(self, labels: dict[int, str]) -> None:
        """Coder id -> initials written beside each stripe."""
        self.coder_labels = dict(labels)
        self._assign_lanes()
        self._invalidate()

    def set_code_names(self, code_names: dict[int, str]) -> None:
        self.code_names = dict(code_names)
        self._assign_lanes()
        self._invalidate()

    def set_spans(self, spans: Iterable[Span]) -> None:
        """Replace every coded span shown (after undo, a coder switch, blind mode...)."""
        self.spans = {s.id: s for s in spans}
        self.spans_version += 1
        self._reindex()
        self._invalidate()

    def add_span(self, span: Span) -> None:
        """Show one more coded span; only the lines it covers are redrawn."""
        self.spans[span.id] = span
        self.spans_version += 1
        if self.lines is not None:
            lines = self.lines.lines_between(span.start, span.end)
            for line in lines:
                ids = self.line_index.setdefault(line, [])
                ids.append(span.id)
                ids.sort(key=lambda i: (self.spans[i].start, -self.spans[i].end))
            self._place_one(span)

    def _place_one(self, span: Span) -> None:
        """After one span came: give it the lowest lane free over its lines and a place for
        its name, redrawing only those lines. Only when it needs a new lane (the bars change
        width) or brings a second coder (names gain initials) is everything redrawn. The
        cost stays that of the span's own lines, whatever the document's size."""
        layout = self.lines
        assert layout is not None
        first, last = layout.line_of(span.start), layout.line_of(max(span.end - 1, span.start))
        taken = {
            self.lanes[i]
            for line in range(first, last + 1)
            for i in self.line_index.get(line, ())
            if i != span.id and i in self.lanes
        }
        lane = next(n for n in range(len(taken) + 1) if n not in taken)
        self.lanes[span.id] = lane
        initials = self.show_initials or any(
            s.coder_id != span.coder_id for s in self.spans.values()
        )
        if lane >= self.lane_count or initials != self.show_initials:
            self._assign_lanes()
            self._invalidate()
            return
        touched = set(range(first, last + 1))
        placed = place_labels(
            [(span.id, first, last, lane)],
            self.margin().label_room,
            {span.id: self._label_width(span)},
            used={
                line: max(c + w + 1 for c, w, _ in self.label_index.get(line, ()))
                for line in range(first, last + 1)
                if self.label_index.get(line)
            },
        )
        for line, entries in placed.items():
            self.label_index.setdefault(line, []).extend(entries)
        self._touch(touched)

    def _label_width(self, span: Span) -> int:
        """The width a coding's name would like: its code's name (up to 24 columns) and,
        when several coders are shown, a space and the coder's initials."""
        name = min(len(self.code_names.get(span.code_id, "?")), 24)
        initials = self.coder_labels.get(span.coder_id, "") if self.show_initials else ""
        return name + (len(initials) + 1 if initials else 0)

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
        extents = {
            s.id: (layout.line_of(s.start), layout.line_of(max(s.end - 1, s.start)))
            for s in self.spans.values()
        }
        self.lanes = assign_lanes((key, a, b) for key, (a, b) in extents.items())
        self.lane_count = max(self.lanes.values(), default=-1) + 1
        self.show_initials = len({s.coder_id for s in self.spans.values()}) > 1
        shape = self.margin()
        self.label_index = place_labels(
            ((key, a, b, self.lanes[key]) for key, (a, b) in extents.items()),
            shape.label_room,
            {key: self._label_width(span) for key, span in self.spans.items()},
        )

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

    def _reindex_marks(self) -> None:
        index: dict[int, list[int]] = {}
        layout = self.lines
        if layout is not None:
            for mark in sorted(self.marks.values(), key=lambda m: (m.start, -m.end)):
                for line in layout.lines_between(mark.start, mark.end):
                    index.setdefault(line, []).append(mark.id)
        self.mark_index = index

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

    def codes_on_screen(self) -> list[int]:
        """The codes of the codings on the lines shown, in order of first appearance (the
        legend names them when the margin has no room for names)."""
        top = round(self.scroll_offset.y)
        seen: dict[int, None] = {}
        for line in range(top, top + self.scrollable_content_region.height):
            for span_id in self.line_index.get(line, ()):
                seen.setdefault(self.spans[span_id].code_id, None)
        return list(seen)
