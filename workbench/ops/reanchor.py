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
from typing import Any

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

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = list(edits)
        self.starts = [e.start for e in self.edits]
        self.ends = [e.end for e in self.edits]
        # before[i]: how far the edits before edit i have moved the text after them
        self.before = [0]
        for e in self.edits:
            self.before.append(self.before[-1] + len(e.text) - (e.end - e.start))
        self._np: tuple[Any, Any, Any, Any] | None = None

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

    # ------------------------------------------------------------------ many at once
    # The same rules over numpy arrays: a text edit moves every position after it, and a
    # document may hold tens of thousands of codings (benchmarks/bench_pseudonymise.py).

    def _arrays(self) -> tuple[Any, Any, Any, Any]:
        import numpy as np

        if self._np is None:
            starts = np.array(self.starts + [0], dtype=np.int64)
            ends = np.array(self.ends + [0], dtype=np.int64)
            before = np.array(self.before, dtype=np.int64)
            lengths = np.array([len(e.text) for e in self.edits] + [0], dtype=np.int64)
            self._np = (starts, ends, before, lengths)
        return self._np

    def end_many(self, xs: Any) -> Any:
        """``end`` of every position in ``xs`` (an integer array)."""
        import numpy as np

        starts, ends, before, lengths = self._arrays()
        n = len(self.edits)
        k = np.searchsorted(ends[:n], xs, side="left")
        bump = (k < n) & (ends[k] == xs) & (starts[k] < xs)
        k = k + bump
        inside = (k < n) & (starts[k] < xs) & (xs < ends[k])
        return np.where(inside, starts[k] + before[k] + lengths[k], xs + before[k])

    def start_many(self, xs: Any) -> Any:
        """``start`` of every position in ``xs``."""
        import numpy as np

        starts, ends, before, _lengths = self._arrays()
        n = len(self.edits)
        k = np.searchsorted(ends[:n], xs, side="right")
        inside = (k < n) & (starts[k] <= xs) & (xs < ends[k])
        return np.where(inside, starts[k] + before[k], xs + before[k])

    def replaced_many(self, a: Any, b: Any) -> Any:
        """``replaced`` of every span ``[a[i], b[i])``: runs of touching replaced spans are
        merged first, so a span is replaced when one merged run holds it."""
        import numpy as np

        runs: list[list[int]] = []
        for e in self.edits:
            if e.end == e.start:
                continue
            if runs and runs[-1][1] == e.start:
                runs[-1][1] = e.end
            else:
                runs.append([e.start, e.end])
        if not runs:
            return np.zeros(len(a), dtype=bool)
        run_starts = np.array([r[0] for r in runs], dtype=np.int64)
        run_ends = np.array([r[1] for r in runs], dtype=np.int64)
        k = np.searchsorted(run_starts, a, side="right") - 1
        safe = np.maximum(k, 0)
        return (k >= 0) & (run_ends[safe] >= b) & (b > a)

    def spans_many(self, a: Any, b: Any, new_length: int) -> tuple[Any, Any, Any]:
        """``span`` of every coded span: (starts, ends, kept at the edit point)."""
        import numpy as np

        start, end = self.start_many(a), self.end_many(b)
        empty = end <= start
        at_end = start >= new_length
        new_start = np.where(empty & at_end, new_length - 1, start)
        new_end = np.where(empty, np.where(at_end, new_length, start + 1), end)
        return new_start, new_end, empty
