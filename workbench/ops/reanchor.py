"""Where a stored position goes when a document's text is edited: pure functions, no project.

An edit is a list of ``Edit(start, end, text)``: each replaces ``[start, end)`` of the old text
by ``text`` (an insertion when ``start == end``, a deletion when ``text`` is empty). The edits
of one action are disjoint and all refer to the old text; they are applied right to left, so
no edit moves another. ``Shift`` then answers, for any old position, where it is now:

- ``end(x)`` places ``x`` before text inserted at ``x`` and, when ``x`` falls inside a replaced
  span, at the end of its replacement. It keeps order (``x <= y`` gives ``end(x) <= end(y)``),
  so units that tiled the text still tile it: it moves both ends of units and single points.
- ``start(x)`` places ``x`` after text inserted at ``x`` and, when ``x`` falls inside (or at the
  start of) a replaced span, at the start of its replacement. A coded span ``[a, b)`` becomes
  ``[start(a), end(b))``: it grows or shrinks with an edit inside it, covers the whole
  replacement of an edit it overlaps, and never takes in text inserted exactly at its edges.
  A span left empty (all its characters deleted) is kept as one character at the edit point.

``docs/pseudonymise.md`` walks through the rules with examples; ``tests/test_text_edit.py``
checks them against a plain string reference with hypothesis.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.textnorm import normalise


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` of the old text by ``text``."""

    start: int
    end: int
    text: str


def check_edits(edits: Iterable[Edit], length: int, *, source: str | None = None) -> list[Edit]:
    """The edits sorted, with their replacement text normalised as stored text is (NFC,
    ``\\n`` line ends); one clear line for an edit outside the text, two edits that overlap
    or insert at the same place, or a replacement that starts with a combining mark (it
    would fuse with the character before it)."""
    out = []
    for edit in edits:
        start, end = int(edit.start), int(edit.end)
        if not (0 <= start <= end <= length):
            raise WorkbenchError(
                _("edit [{start}, {end}) is outside the text (0 to {length})").format(
                    start=start, end=end, length=length
                ),
                source=source,
            )
        text = normalise(edit.text) if edit.text else ""
        if text and unicodedata.combining(text[0]):
            raise WorkbenchError(
                _("the replacement at {start} starts with a combining mark").format(start=start),
                source=source,
            )
        out.append(Edit(start, end, text))
    out.sort(key=lambda e: (e.start, e.end))
    for before, after in zip(out, out[1:], strict=False):
        if before.end > after.start or (before.start == before.end == after.start == after.end):
            raise WorkbenchError(
                _("edits [{a}, {b}) and [{c}, {d}) overlap").format(
                    a=before.start, b=before.end, c=after.start, d=after.end
                ),
                source=source,
            )
    return out


def splice(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with the (checked, sorted) edits applied, right to left."""
    parts = []
    pos = 0
    for edit in edits:
        parts.append(text[pos : edit.start])
        parts.append(edit.text)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


class Shift:
    """Old positions to new ones for one set of checked, sorted edits."""

    def __init__(self, edits: Sequence[Edit]):
        self.edits = list(edits)
        self.starts = [e.start for e in self.edits]
        self.ends = [e.end for e in self.edits]
        # before[i]: how far the edits before edit i have moved the text after them
        self.before = [0]
        for e in self.edits:
            self.before.append(self.before[-1] + len(e.text) - (e.end - e.start))

    def end(self, x: int) -> int:
        """Where ``x`` goes as the end of a span, a unit boundary or a point (see module)."""
        k = bisect.bisect_left(self.ends, x)  # edits ending before x
        if k < len(self.edits) and self.ends[k] == x and self.starts[k] < x:
            k += 1  # a replacement ending exactly at x lies before x
        if k < len(self.edits) and self.starts[k] < x < self.ends[k]:
            edit = self.edits[k]
            return edit.start + self.before[k] + len(edit.text)
        return x + self.before[k]

    def start(self, x: int) -> int:
        """Where ``x`` goes as the start of a coded span (see module)."""
        k = bisect.bisect_right(self.ends, x)  # edits ending at or before x, insertions at x too
        if k < len(self.edits) and self.starts[k] <= x < self.ends[k]:
            return self.starts[k] + self.before[k]
        return x + self.before[k]

    def replaced(self, a: int, b: int) -> bool:
        """True when every character of ``[a, b)`` lies in text the edits replaced."""
        k = bisect.bisect_right(self.ends, a)
        covered = a
        while k < len(self.edits) and self.starts[k] <= covered < self.ends[k]:
            covered = self.ends[k]
            if covered >= b:
                return True
            k += 1
        return False

    def span(self, a: int, b: int, new_length: int) -> tuple[int, int, bool]:
        """``(start, end, kept)`` of the coded span ``[a, b)`` after the edits.

        ``kept`` is True when the span lost all its characters and was kept as one character
        at the edit point (the one after it, or before it at the end of the text).
        """
        start, end = self.start(a), self.end(b)
        if end > start:
            return start, end, False
        if start < new_length:
            return start, start + 1, True
        return new_length - 1, new_length, True
