"""Agreement without predefined units: coded segments matched by overlap, and per-document
presence and frequency of codes (the comparisons MAXQDA offers).

- ``segment``: two coders. Each coded segment (one coding) of each coder is *matched* when the
  other coder has a segment of the same code (after roll-up) in the same document that overlaps
  it by at least ``overlap`` percent of the longer of the two. Percent agreement = matched
  segments of both coders / all segments of both coders. Kappa is Brennan and Prediger's
  kappa_n as MAXQDA computes it for segments: chance agreement 1 / k, with k the number of codes
  in the comparison (codes at least one coder used), so kappa = (po - 1/k) / (1 - 1/k) over
  the pooled segments; MAXQDA reports it for the whole table, and so does this module.
- ``frequency``: per document, how many codings of the code each coder made; a document agrees
  when all coders made the same number. Alpha is interval alpha on those counts.
- ``presence`` is the ``document`` unit of ``workbench.analysis.agreement`` under its MAXQDA name.

Definitions and worked examples: ``docs/agreement.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.i18n import _
from workbench.store.errors import WorkbenchError

DEFAULT_OVERLAP = 90.0


@dataclass(frozen=True)
class Segment:
    """One coding as a segment: position in ``Selection.codings`` and its fields."""

    index: int
    doc: int
    row: int
    coder: int
    start: int
    end: int


def check_overlap(overlap: float) -> float:
    if not 0 < overlap <= 100:
        raise WorkbenchError(
            _("--overlap is a percentage above 0 and at most 100, not {overlap:g}").format(
                overlap=overlap
            )
        )
    return float(overlap)


def overlaps_enough(a: Segment, b: Segment, overlap: float) -> bool:
    """True when ``a`` and ``b`` share at least ``overlap`` % of the longer one's characters."""
    shared = min(a.end, b.end) - max(a.start, b.start)
    longer = max(a.end - a.start, b.end - b.start)
    return shared > 0 and shared * 100.0 >= overlap * longer


def segments_of(sel: Any) -> list[Segment]:
    """Every compared coding as a segment (empty codings skipped)."""
    return [
        Segment(i, d, row, k, s, e)
        for i, (_cid, d, row, k, s, e, _code) in enumerate(sel.codings.tolist())
        if e > s
    ]


def match_segments(sel: Any, overlap: float) -> tuple[list[Segment], np.ndarray]:
    """(segments, matched flags): whether each segment found a partner by the other coder."""
    if len(sel.coders) != 2:
        raise WorkbenchError(
            _(
                "--unit segment compares two coders, not {n_coders}: name them with --coders A,B"
            ).format(n_coders=len(sel.coders))
        )
    check_overlap(overlap)
    segments = segments_of(sel)
    groups: dict[tuple[int, int, int], list[Segment]] = {}
    for seg in segments:
        groups.setdefault((seg.doc, seg.row, seg.coder), []).append(seg)
    matched = np.zeros(len(segments), dtype=bool)
    for pos, seg in enumerate(segments):
        if not sel.available[seg.doc].all():
            continue
        others = groups.get((seg.doc, seg.row, 1 - seg.coder), ())
        matched[pos] = any(overlaps_enough(seg, o, overlap) for o in others)
    return segments, matched


def brennan_prediger(po: float | None, categories: int) -> float | None:
    """kappa_n = (po - 1/k) / (1 - 1/k); None without agreement data or with fewer than 2 codes."""
    if po is None or categories < 2:
        return None
    chance = 1.0 / categories
    return (po - chance) / (1.0 - chance)


def segment_counts(sel: Any, segments: list[Segment], matched: np.ndarray) -> list[dict[str, int]]:
    """Per row: segments and matched segments of each of the two coders."""
    out = [
        {"units": 0, "segments_a": 0, "matched_a": 0, "segments_b": 0, "matched_b": 0}
        for _unused in sel.rows
    ]
    for seg, hit in zip(segments, matched.tolist(), strict=True):
        if not sel.available[seg.doc].all():
            continue  # a document one coder has no values in cannot match anything
        side = "a" if seg.coder == 0 else "b"
        out[seg.row][f"segments_{side}"] += 1
        out[seg.row][f"matched_{side}"] += int(hit)
        out[seg.row]["units"] += 1
    return out


def frequency_table(sel: Any) -> np.ndarray:
    """``counts[row, doc, coder]``: codings of each code by each coder in each document."""
    counts = np.zeros((len(sel.rows), len(sel.documents), len(sel.coders)), dtype=np.int64)
    c = sel.codings
    if c.size:
        np.add.at(counts, (c[:, 2], c[:, 1], c[:, 3]), 1)
    return counts


def frequency_alpha(matrices: Iterable[np.ndarray]) -> float | None:
    """Interval alpha over coders x documents count matrices (stacked), NaN = missing."""
    data = [m for m in matrices if m.size]
    if not data:
        return None
    stacked = np.concatenate(data, axis=1)
    present = stacked[~np.isnan(stacked)]
    if present.size < 2 or np.unique(present).size < 2:
        return None
    import krippendorff

    value = krippendorff.alpha(reliability_data=stacked, level_of_measurement="interval")
    return None if value is None or np.isnan(value) else float(value)


def frequency_matrix(counts: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Coders x documents, float, with documents a coder has no values in as NaN."""
    data = counts.T.astype(np.float64)
    data[~available.T] = np.nan
    return data


__all__ = [
    "DEFAULT_OVERLAP",
    "Segment",
    "brennan_prediger",
    "check_overlap",
    "frequency_alpha",
    "frequency_matrix",
    "frequency_table",
    "match_segments",
    "overlaps_enough",
    "segment_counts",
    "segments_of",
]
