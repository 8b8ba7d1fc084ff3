"""Units of analysis for agreement: which units a coding touches, and interval arithmetic.

A coder applied a code to a unit when one of their codings of it shares at least one character
with the unit. For sentence, turn and document units that is a range search over the sorted
unit spans of each document, done for all codings at once with numpy. For character units every
character is a unit, so counts come from interval lengths (merged spans and a sweep over their
ends), never from per-character arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError
from workbench.project import Project

UNIT_CHOICES = ("char", "sentence", "turn", "document")


def check_unit(unit: str) -> str:
    if unit not in UNIT_CHOICES:
        raise WorkbenchError(f"unknown unit {unit!r}; use one of {', '.join(UNIT_CHOICES)}")
    return unit


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
    """The units of a list of documents, in document order then by start.

    ``doc`` holds the document's position in the compared list (not its id).
    """

    kind: str
    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return int(self.doc.size)


def load_units(project: Project, document_ids: Sequence[int], kind: str) -> UnitTable:
    """Every non-empty unit of ``kind`` in the documents, as numpy arrays (not for ``char``)."""
    rank = {doc_id: i for i, doc_id in enumerate(document_ids)}
    rows: list[tuple[int, int, int]] = []
    if kind == "document":
        for doc_id in document_ids:
            rows.append((rank[doc_id], 0, project.document(doc_id).length))
    elif kind in ("sentence", "turn"):
        table = "sentences" if kind == "sentence" else "turns"
        for start in range(0, len(document_ids), 500):
            chunk = list(document_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for doc_id, s, e in project.conn.execute(
                f'SELECT document_id, start, "end" FROM {table} WHERE document_id IN ({marks})',
                chunk,
            ):
                rows.append((rank[doc_id], s, e))
    else:
        raise WorkbenchError(f"no unit table for {kind!r}")
    rows = sorted({r for r in rows if r[2] > r[1]})
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return UnitTable(kind, arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy())


def units_touched(
    units: UnitTable, doc: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For spans ``(doc, start, end)``: ``(span index, unit index)`` of every unit each touches.

    Units of a document are sorted by start; when their ends are sorted too (no unit nested in
    another, the usual case) the touched units of a span form one run found by two binary
    searches. Otherwise each span is checked against its document's units directly.
    """
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
        hit = np.nonzero(
            (units.doc == doc[i]) & (units.start < end[i]) & (units.end > start[i])
        )[0]
        spans_out.append(np.full(hit.size, i, dtype=np.int64))
        units_out.append(hit)
    return np.concatenate(spans_out), np.concatenate(units_out)
