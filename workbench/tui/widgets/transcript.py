"""The transcript view: a long document drawn line by line (Textual's Line API).

Textual's TextArea re-lays out and re-renders too much per key for a transcript of 100k lines.
This view soft-wraps the text once per width (``textlayout``), keeps a per-line index of the
coded spans, and renders only the visible lines, caching each rendered line (an LRU of strips
keyed by everything that can change its look). A key press that moves the cursor re-renders
the two lines it touches; the rest come from the cache.

The widget is this module's state, loading, layout and scrolling over three mixins, one job
each, so each stays small enough to read whole: ``transcript_index`` (what is coded where, per
line, and the margin's lanes), ``transcript_cursor`` (moving the cursor and the selection) and
``transcript_render`` (drawing a line). They share the widget's attributes, set up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.i18n import _
from workbench.tui.actions import bindings
from workbench.tui.stripes import MarginShape, margin_shape
from workbench.tui.textlayout import (
    Layout,
    build_layout,
)
from workbench.tui.translate import translate_bindings
from workbench.tui.widgets.transcript_cursor import TranscriptCursor
from workbench.tui.widgets.transcript_index import Mark, Span, TranscriptIndex
from workbench.tui.widgets.transcript_render import TranscriptRendering


class TranscriptView(
    TranscriptRendering, TranscriptCursor, TranscriptIndex, ScrollView, can_focus=True
):
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
        "transcript--playing",
    }

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(self, view: TranscriptView) -> None:
            super().__init__()
            self.view = view

    class CodingPicked(Message):
        """A click on a stripe or a name in the margin chose that coding."""

        def __init__(self, view: TranscriptView, span_id: int) -> None:
            super().__init__()
            self.view = view
            self.span_id = span_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        translate_bindings(self)  # its footer labels in the language spoken now
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
        #: line -> [(column in the name area, width, span id)]: where the names go
        self.label_index: dict[int, list[tuple[int, int, int]]] = {}
        #: the names carry coder initials only when more than one coder's codings are shown
        self.show_initials = False
        self._dragging = False
        self._reveal_pending = False
        #: bumped whenever the set of spans changes (caches of the screen key on it)
        self.spans_version = 0
        self._width_for: Size | None = None
        self._content_width = 0
        self._shape_for: tuple[int, int] | None = None
        self._shape = margin_shape(0, 0)
        self._blank_margins: dict[tuple, tuple[Segment, ...]] = {}
        #: (cursor, anchor) in ``_where_layout`` -> (selection start, end, cursor's line)
        self._where_for: tuple[int, int | None] | None = None
        self._where_layout: Layout | None = None
        self._where: tuple[int, int, int] = (0, 0, 0)
        #: the page to draw ahead once the screen is idle: 1 below, -1 above, 0 none
        self._prefetch_direction = 0
        #: the span being heard while the recording plays (marked, kept in view), or None
        self.playing: tuple[int, int] | None = None

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
        self._turn_spans = [(s, e) for s, e, _unused in self.turns]
        self._turn_starts = [s for s, _unused in self._turn_spans]
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
        self.spans_version += 1
        self.marks = {m.id: m for m in marks}
        self.active_marks = frozenset()
        self._relayout()
        self._update_active_marks()

    def set_sentences(self, sentences: Sequence[tuple[int, int]]) -> None:
        """Sentence spans, for selecting and extending by sentence (may arrive after loading)."""
        self.sentences = sorted(sentences)
        self._sentence_starts = [s for s, _unused in self.sentences]
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

    def action_toggle_suggestions(self) -> None:
        self.set_marks_visible(not self.marks_visible)
        self.notify(
            _("Suggestions shown (j steps to the next)")
            if self.marks_visible
            else _("Suggestions hidden (J shows them)"),
            timeout=2,
        )

    def set_playing(self, span: tuple[int, int] | None) -> None:
        """Mark the span being heard (None: nothing plays) and keep it in view; only the
        lines of the old and new spans are drawn again, the cursor stays where it is."""
        if span == self.playing:
            return
        old, self.playing = self.playing, span
        if self.lines is None:
            return
        for changed in (old, span):
            if changed is not None:
                self._touch(self.lines.lines_between(changed[0], changed[1]))
        if span is not None:
            self.keep_in_view(span[0])

    def keep_in_view(self, offset: int) -> None:
        """Scroll (only when needed) so the line of ``offset`` is on screen."""
        if self.lines is None:
            return
        line = self.lines.line_of(offset)
        top = round(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)

    def _touch(self, lines: Iterable[int]) -> None:
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

    def content_width(self) -> int:
        """Columns inside padding and scrollbar (the vertical scrollbar is always there), kept
        per widget size: asked for on every line drawn, and Textual works it out each time."""
        size = self._size
        if size != self._width_for:
            self._width_for = size
            self._content_width = self.scrollable_content_region.width
        return self._content_width

    def margin(self) -> MarginShape:
        """The margin's layout at the current width (see ``stripes.margin_shape``)."""
        key = (self.content_width(), self.lane_count)
        if key != self._shape_for:
            self._shape_for = key
            self._shape = margin_shape(*key)
        return self._shape

    def _margin_width(self) -> int:
        return self.margin().width

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

    # ------------------------------------------------------------- selection

    @property
    def selection(self) -> tuple[int, int]:
        """The selected ``[start, end)``; empty (cursor, cursor) when nothing is selected."""
        if self.sel_anchor is None or self.sel_anchor == self.cursor:
            return (self.cursor, self.cursor)
        return (min(self.sel_anchor, self.cursor), max(self.sel_anchor, self.cursor))

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
            self._prefetch_after(-1)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)
            self._prefetch_after(1)

    def _prefetch_after(self, direction: int) -> None:
        """Once the screen has drawn, draw the next page in ``direction`` into the line cache:
        the next page down (or ``]``) then finds its lines drawn, and the key costs what
        moving the cursor costs. Only while the screen is otherwise idle, one page at most."""
        if self._prefetch_direction == 0:
            self.call_after_refresh(self._prefetch)
        self._prefetch_direction = direction

    def _prefetch(self) -> None:
        direction, self._prefetch_direction = self._prefetch_direction, 0
        layout = self.lines
        if layout is None or not direction or not self.is_attached:
            return
        top = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        width = self.content_width()
        # as far as the next page key would take the cursor (it skips the blank lines
        # between turns, so a page of text can be more than a page of lines)
        goal = self._goal_column
        reach = layout.line_of(self._vertical(self.cursor, direction * self._page()))
        self._goal_column = goal
        if direction > 0:
            lines = range(top + height, min(max(reach + 1, top + 2 * height), len(layout)))
        else:
            lines = range(max(min(reach, top - height), 0), top)
        for index in lines:
            self.line_strip(index, width)
