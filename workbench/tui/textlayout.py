"""Soft-wrapping a transcript into display lines, and finding what lies on each line.

Kept free of Textual so it can be tested and measured on its own. A display line is a half-open
range ``[start, end)`` of text offsets plus a kind: text, a speaker label set above a turn, or
the blank line that separates turns. Label and blank lines cover no text; their ``start`` is the
offset of the text that follows them, so a binary search on ``starts`` lands on text lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

TEXT, SPEAKER, BLANK = 0, 1, 2
_WORD = re.compile(r"\w+")


@dataclass
class Layout:
    """Display lines of one document at one width."""

    width: int
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)
    #: line -> length of a speaker label at the start of that text line (styled as a label)
    label_spans: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The text line showing ``offset`` (a gap between turns maps to the line before)."""
        i = max(bisect_right(self.starts, offset) - 1, 0)
        while i > 0 and self.kinds[i] != TEXT:
            i -= 1
        while i < len(self.kinds) - 1 and self.kinds[i] != TEXT:
            i += 1
        return i

    def next_text_line(self, line: int, step: int) -> int | None:
        i = line + step
        while 0 <= i < len(self.kinds):
            if self.kinds[i] == TEXT:
                return i
            i += step
        return None

    def continues(self, line: int) -> bool:
        """True when ``line`` is soft-wrapped: its end is the next line's start."""
        return (
            line + 1 < len(self.starts)
            and self.kinds[line + 1] == TEXT
            and (self.starts[line + 1] == self.ends[line])
        )

    def lines_between(self, start: int, end: int) -> range:
        """Lines that show any of ``[start, end)``."""
        if end <= start:
            line = self.line_of(start)
            return range(line, line + 1)
        return range(self.line_of(start), self.line_of(end - 1) + 1)


def wrap_line(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` (no newline inside) into pieces of at most ``width`` chars.

    Breaks after the last space that fits; a word longer than the width is cut.
    """
    if end - start <= width:
        return [(start, end)]
    pieces = []
    pos = start
    while end - pos > width:
        limit = pos + width
        cut = text.rfind(" ", pos, limit)
        cut = limit if cut <= pos else cut + 1
        pieces.append((pos, cut))
        pos = cut
    pieces.append((pos, end))
    return pieces


def build_layout(text: str, turns: Sequence[tuple[int, int, str | None]], width: int) -> Layout:
    """Lay out ``text`` at ``width`` columns, setting speaker turns apart.

    ``turns`` are ``(start, end, speaker)``; text outside every turn that is not blank is shown
    too, so nothing of the document is hidden. Without turns the whole text is one block.
    """
    width = max(width, 8)
    layout = Layout(width)
    blocks: list[tuple[int, int, str | None, int]] = []
    pos = 0
    for start, end, speaker in sorted(turns):
        label_start = _label_start(text, pos, start, speaker)
        if label_start > pos and text[pos:label_start].strip():
            blocks.append((pos, label_start, None, 0))
        blocks.append((label_start, end, speaker, start - label_start))
        pos = max(pos, end)
    if pos < len(text) and (text[pos:].strip() or not blocks):
        blocks.append((pos, len(text), None, 0))
    starts, ends, kinds = layout.starts, layout.ends, layout.kinds
    for index, (start, end, speaker, label_len) in enumerate(blocks):
        # leave the newlines around a block to the blank separator line
        while start < end and text[start] == "\n":
            start += 1
        while end > start and text[end - 1] == "\n":
            end -= 1
        if index:
            starts.append(start)
            ends.append(start)
            kinds.append(BLANK)
        labelled_inline = False
        if speaker:
            if label_len:
                labelled_inline = True
            elif text.startswith(speaker, start):
                labelled_inline = True
                label_len = len(speaker)
            else:
                layout.labels[len(starts)] = speaker
                starts.append(start)
                ends.append(start)
                kinds.append(SPEAKER)
        line_start = start
        first = True
        while True:
            nl = text.find("\n", line_start, end)
            line_end = end if nl == -1 else nl
            for piece_start, piece_end in wrap_line(text, line_start, line_end, width):
                if first and labelled_inline:
                    layout.label_spans[len(starts)] = min(label_len, piece_end - piece_start)
                first = False
                starts.append(piece_start)
                ends.append(piece_end)
                kinds.append(TEXT)
            if nl == -1:
                break
            line_start = nl + 1
    if not starts:
        starts.append(0)
        ends.append(0)
        kinds.append(TEXT)
    return layout


def _label_start(text: str, pos: int, start: int, speaker: str | None) -> int:
    """Where the speaker label written in the text before a turn begins, else ``start``.

    Importers keep labels such as ``Rosa:`` or ``[Rosa]`` in the text but outside the turn's
    offsets; shown inline and styled, they stand in for a separate heading line.
    """
    if not speaker:
        return start
    line_start = max(text.rfind("\n", pos, start) + 1, pos)
    prefix = text[line_start:start]
    if prefix.strip() and len(prefix) <= 80 and speaker.casefold() in prefix.casefold():
        return line_start
    return start


def word_end(text: str, offset: int) -> int:
    """The end of the word at or after ``offset``."""
    match = _WORD.search(text, offset)
    return match.end() if match else len(text)


def word_start(text: str, offset: int) -> int:
    """The start of the word before ``offset``."""
    pos = offset
    while pos > 0 and not text[pos - 1].isalnum() and text[pos - 1] != "_":
        pos -= 1
    while pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
        pos -= 1
    return pos


def unit_at(spans: Sequence[tuple[int, int]], starts: Sequence[int], offset: int) -> int | None:
    """Index of the span holding ``offset``, else of the next span, else None.

    ``starts`` is the list of span starts (sorted), passed in so callers keep it once.
    """
    if not spans:
        return None
    i = bisect_right(starts, offset) - 1
    if i >= 0 and spans[i][0] <= offset < spans[i][1]:
        return i
    j = bisect_left(starts, offset)
    return j if j < len(spans) else len(spans) - 1
