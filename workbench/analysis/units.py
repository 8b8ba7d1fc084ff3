"""Units of analysis: the one module that knows them.

A unit is a stretch of a document that analyses count over: a ``char`` (every character), a
``sentence`` or a speaker ``turn`` (stored at import), a ``paragraph`` (a run of text between
blank lines, found in the text) or the whole ``document``. This module owns the lists of unit
kinds, reading unit spans (``unit_rows``, ``spans``, ``spans_by_document``, ``unit_table``),
and the one rule for which units a span touches: a coding touches a unit when they share at
least one character (``touched`` for one span, ``units_touched`` for many at once with numpy).
Everything else (co-occurrence, agreement, reconciliation, exports, suggestions, the app)
calls it.

For character units every character is a unit, so counts come from interval lengths (merged
spans and a sweep over their ends, below), never from per-character arrays.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.i18n import N_, _
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.store.project import Project

#: every unit kind, finest first
KINDS = ("char", "sentence", "turn", "paragraph", "document")
#: units with spans of their own: co-occurrence unit mode, the unit x code matrix
SPAN_UNITS = ("sentence", "turn", "paragraph", "document")
#: units agreement is computed over
AGREEMENT_UNITS = ("char", "sentence", "turn", "document")
#: agreement comparisons beyond units: segments matched by overlap, and per document the
#: presence (the ``document`` unit under MAXQDA's name) or frequency of each code
AGREEMENT_COMPARISONS = (*AGREEMENT_UNITS, "segment", "presence", "frequency")
#: units the suggesters learn from and score
SUGGEST_UNITS = ("sentence", "turn")
#: each unit in words, plural, for messages and reports (the option values stay English)
UNIT_PLURALS = {
    "char": N_("characters"),
    "sentence": N_("sentences"),
    "turn": N_("turns"),
    "paragraph": N_("paragraphs"),
    "document": N_("documents"),
    "segment": N_("coded segments"),
}

# the names other modules have imported these lists by
UNIT_KINDS = SPAN_UNITS
UNIT_CHOICES = AGREEMENT_UNITS


def check_unit(unit: str, choices: Sequence[str] = AGREEMENT_UNITS) -> str:
    """``unit`` when it is one of ``choices``, else the one-line error every command gives."""
    if unit not in choices:
        raise WorkbenchError(
            _("unknown unit {unit!r}; use one of {items}").format(
                unit=unit, items=", ".join(choices)
            )
        )
    return unit


# ------------------------------------------------------------------------ reading spans


def enumerate_paragraphs(text: str) -> Iterator[tuple[int, int, int]]:
    """(seq, start, end) of each paragraph: runs of text between blank lines."""
    seq, pos, n = 0, 0, len(text)
    while pos < n:
        while pos < n and text[pos] == "\n":
            pos += 1
        if pos >= n:
            break
        end = text.find("\n\n", pos)
        end = n if end == -1 else end
        yield seq, pos, end
        seq += 1
        pos = end


def unit_rows(project: Project, document_id: int, kind: str) -> list[tuple[int, int, int]]:
    """``(seq, start, end)`` of every unit of ``kind`` in the document, in order."""
    check_unit(kind, SPAN_UNITS)
    if kind in ("sentence", "turn"):
        table = "sentences" if kind == "sentence" else "turns"
        return project.conn.execute(
            f'SELECT seq, start, "end" FROM {table} WHERE document_id = ? ORDER BY seq',
            (document_id,),
        ).fetchall()
    if kind == "paragraph":
        return list(enumerate_paragraphs(project.text(document_id)))
    return [(0, 0, project.document(document_id).length)]


def spans(
    project: Project,
    document_id: int,
    kind: str,
    *,
    nonempty: bool = False,
    turn_fallback: bool = False,
) -> list[tuple[int, int]]:
    """``(start, end)`` of the document's units of ``kind``, sorted by start.

    ``nonempty`` leaves out empty units; ``turn_fallback`` reads paragraphs for ``turn`` when
    the document has no turns (a plain text without speaker labels).
    """
    out = [
        (s, e) for _unused, s, e in unit_rows(project, document_id, kind) if not nonempty or e > s
    ]
    if not out and turn_fallback and kind == "turn":
        out = [(s, e) for _unused, s, e in unit_rows(project, document_id, "paragraph")]
    return sorted(out)


def turn_spans(project: Project, document_id: int) -> list[tuple[int, int, str | None]]:
    """``(start, end, speaker)`` of every speaker turn of the document, in text order."""
    return project.conn.execute(
        'SELECT start, "end", speaker FROM turns WHERE document_id = ? ORDER BY start, seq',
        (document_id,),
    ).fetchall()


def spans_by_document(
    project: Project, kind: str, documents: Iterable[int]
) -> dict[int, tuple[list[int], list[int]]]:
    """Document id -> (unit starts, unit ends), both ascending, for the documents given."""
    check_unit(kind, SPAN_UNITS)
    wanted = set(documents)
    out: dict[int, tuple[list[int], list[int]]] = {}
    if kind in ("sentence", "turn"):
        table = "sentences" if kind == "sentence" else "turns"
        for doc, start, end in project.conn.execute(
            f'SELECT document_id, start, "end" FROM {table} ORDER BY document_id, start'
        ):
            if doc in wanted:
                starts, ends = out.setdefault(doc, ([], []))
                starts.append(start)
                ends.append(end)
    elif kind == "document":
        for doc, length in project.conn.execute("SELECT id, length FROM documents"):
            if doc in wanted:
                out[doc] = ([0], [length])
    else:
        for doc in wanted:
            rows = unit_rows(project, doc, kind)
            out[doc] = ([s for _unused, s, _unused in rows], [e for _unused, _unused, e in rows])
    return out


# --------------------------------------------------------------- units a span touches


def touched(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> range:
    """Indexes of the units (``starts`` and ``ends`` both ascending: no unit nested in another)
    that the span ``[start, end)`` shares at least one character with."""
    return range(bisect.bisect_right(ends, start), bisect.bisect_left(starts, end))


def merge_intervals(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same characters as ``spans`` (touching spans join)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def coverage_segments(
    layers: Sequence[Sequence[tuple[int, int]]],
) -> list[tuple[int, int, frozenset[int]]]:
    """Split the covered stretch into segments with a constant set of covering layers.

    ``layers[i]`` are the merged spans of layer ``i`` (one coder). Returns ``(start, end,
    layers covering it)`` for every segment covered by at least one layer, in text order.
    """
    events: dict[int, list[tuple[int, int]]] = {}
    for i, spans in enumerate(layers):
        for start, end in spans:
            events.setdefault(start, []).append((i, 1))
            events.setdefault(end, []).append((i, -1))
    active: set[int] = set()
    out: list[tuple[int, int, frozenset[int]]] = []
    points = sorted(events)
    for pos, nxt in zip(points, points[1:], strict=False):
        for i, delta in events[pos]:
            if delta > 0:
                active.add(i)
            else:
                active.discard(i)
        if active and nxt > pos:
            out.append((pos, nxt, frozenset(active)))
    return out


def coverage_lengths(layers: Sequence[Sequence[tuple[int, int]]]) -> list[int]:
    """``lengths[j]`` = characters covered by exactly ``j`` layers, for ``j >= 1`` (index 0 is 0)."""
    lengths = [0] * (len(layers) + 1)
    for start, end, who in coverage_segments(layers):
        lengths[len(who)] += end - start
    return lengths


@dataclass(frozen=True)
class UnitTable:
    """The units of a list of documents, in document order then by start (numpy arrays).

    ``doc`` holds the document's position in the compared list (not its id).
    """

    kind: str
    doc: Any
    start: Any
    end: Any

    def __len__(self) -> int:
        return int(self.doc.size)


def unit_table(project: Project, document_ids: Sequence[int], kind: str) -> UnitTable:
    """Every non-empty unit of ``kind`` in the documents, as numpy arrays (not for ``char``)."""
    import numpy as np

    rank = {doc_id: i for i, doc_id in enumerate(document_ids)}
    check_unit(kind, SPAN_UNITS)
    rows: list[tuple[int, int, int]] = []
    if kind in ("sentence", "turn"):
        table = "sentences" if kind == "sentence" else "turns"
        for start in range(0, len(document_ids), 500):
            chunk = list(document_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for doc_id, s, e in project.conn.execute(
                f'SELECT document_id, start, "end" FROM {table} WHERE document_id IN ({marks})',
                chunk,
            ):
                rows.append((rank[doc_id], s, e))
    else:
        for doc_id in document_ids:
            rows.extend((rank[doc_id], s, e) for _unused, s, e in unit_rows(project, doc_id, kind))
    rows = sorted({r for r in rows if r[2] > r[1]})
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return UnitTable(kind, arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy())


load_units = unit_table  # the name agreement and reconciliation import


def units_touched(units: UnitTable, doc: Any, start: Any, end: Any) -> tuple[Any, Any]:
    """For spans ``(doc, start, end)``: ``(span index, unit index)`` of every unit each touches.

    Units of a document are sorted by start; when their ends are sorted too (no unit nested in
    another, the usual case) the touched units of a span form one run found by two binary
    searches. Otherwise each span is checked against its document's units directly.
    """
    import numpy as np

    if not len(units) or not doc.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    width = int(max(units.end.max(), end.max())) + 1
    key_start = units.doc * width + units.start
    key_end = units.doc * width + units.end
    if np.all(np.diff(key_end) >= 0):
        lo = np.searchsorted(key_end, doc * width + start, side="right")
        hi = np.searchsorted(key_start, doc * width + end, side="left")
        counts = np.maximum(hi - lo, 0)
        total = int(counts.sum())
        span_idx = np.repeat(np.arange(doc.size), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        unit_idx = np.repeat(lo, counts) + offsets
        return span_idx, unit_idx
    spans_out: list[np.ndarray] = []
    units_out: list[np.ndarray] = []
    for i in range(doc.size):
        hit = np.nonzero((units.doc == doc[i]) & (units.start < end[i]) & (units.end > start[i]))[0]
        spans_out.append(np.full(hit.size, i, dtype=np.int64))
        units_out.append(hit)
    return np.concatenate(spans_out), np.concatenate(units_out)
