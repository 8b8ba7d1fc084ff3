"""Krippendorff's alphas for unitizing: agreement when coders chose their own passages.

Each coder cuts a continuum (a document's characters or words) into the passages they coded
and the gaps between them. Two formulations are implemented here, each from its paper; the
definitions, with the worked examples the tests reproduce, are written in
``docs/agreement.md`` ("Unitizing").

- ``uα`` (Krippendorff 1995; *Content Analysis*, 2nd ed., 2004, pp. 251-256; "Measuring the
  reliability of qualitative text analysis data", *Quality & Quantity* 38, 2004): one code at a
  time, a distance between every pair of overlapping sections of two coders (both passages:
  the squared differences of their starts and of their ends; a passage lying inside the other
  coder's gap: its squared length), against the distance expected when the same passages and
  gaps were laid out at random. Pooled over codes as 1 - sum(Do) / sum(De).
- The coincidence family of Krippendorff, Mathet, Bouvry & Widlöcher ("On the reliability of
  unitizing textual continua: Further developments", *Quality & Quantity* 50, 2016; the form
  ATLAS.ti documents): the lengths over which coder i's value c meets coder j's value k,
  ``l_ck``, against expected coincidences that exclude pairing a passage with itself.
  ``|uα`` (coded against not coded), ``cuα`` (which value, where coders' passages meet;
  gaps ignored).

Everything here is plain arithmetic over ``(start, end)`` lists; what a value is (a code, a
group of codes) is decided by the caller (``workbench.analysis.unitizing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

Span = tuple[int, int]

# --------------------------------------------------------------------------- sections


def sections(passages: Sequence[Span], length: int) -> list[tuple[int, int, bool]]:
    """The continuum ``[0, length)`` cut into ``(start, end, is_passage)``: passages and gaps.

    ``passages`` are sorted and disjoint (``merge_intervals``), clipped to the continuum.
    """
    out: list[tuple[int, int, bool]] = []
    cursor = 0
    for start, end in passages:
        start, end = max(start, cursor), min(end, length)
        if end <= start:
            continue
        if start > cursor:
            out.append((cursor, start, False))
        out.append((start, end, True))
        cursor = end
    if cursor < length:
        out.append((cursor, length, False))
    return out


def _distance(a: tuple[int, int, bool], b: tuple[int, int, bool]) -> int:
    """Krippendorff's (1995, 2004) squared distance between two overlapping sections."""
    (s1, e1, p1), (s2, e2, p2) = a, b
    if s1 >= e2 or s2 >= e1:
        return 0
    if p1 and p2:
        return (s1 - s2) ** 2 + (e1 - e2) ** 2
    if p1 and not p2 and s2 <= s1 and e1 <= e2:
        return (e1 - s1) ** 2
    if p2 and not p1 and s1 <= s2 and e2 <= e1:
        return (e2 - s2) ** 2
    return 0


def pair_distance(a: Sequence[tuple[int, int, bool]], b: Sequence[tuple[int, int, bool]]) -> int:
    """Sum of the distances over every pair of overlapping sections of two coders (a sweep)."""
    i = j = 0
    total = 0
    while i < len(a) and j < len(b):
        total += _distance(a[i], b[j])
        end_a, end_b = a[i][1], b[j][1]
        if end_a <= end_b:
            i += 1
        if end_b <= end_a:
            j += 1
    return total


# --------------------------------------------------------------------- uα (1995, 2004)


@dataclass
class UStats:
    """What uα for one code over one or more continua needs; sums, so continua pool by adding.

    ``distance`` = the sum over coder pairs of ``pair_distance``; ``passages`` and ``gaps`` the
    lengths of every coder's passages and gaps; ``length`` the continuum length L; ``coders``
    m. Documents pool by concatenating the lists (gaps never run across a document's end).
    """

    coders: int
    length: int = 0
    distance: float = 0.0
    passages: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)

    def add(self, other: UStats) -> None:
        self._expected = None
        self.length += other.length
        self.distance += other.distance
        self.passages.extend(other.passages)
        self.gaps.extend(other.gaps)

    @property
    def observed(self) -> float:
        """uDo = 2 / (m (m - 1) L²) · Σ distances."""
        m, n = self.coders, self.length
        return 2.0 * self.distance / (m * (m - 1) * n * n) if n else 0.0

    _expected: float | None = None

    @property
    def expected(self) -> float:
        """uDe (computed once): every passage placed at random in every gap, or beside the
        other passages.

        (2/L) Σ_g [(N - 1)(2ℓ³ - 3ℓ² + ℓ)/3 + ℓ² Σ_{gaps h, ℓ_h ≥ ℓ} (ℓ_h - ℓ + 1)] divided
        by m L (m L - 1) - Σ_g ℓ (ℓ - 1), over the N passages g of all coders.
        """
        if self._expected is None:
            self._expected = self._compute_expected()
        return self._expected

    def _compute_expected(self) -> float:
        if not self.passages or not self.length:
            return 0.0
        m, n = self.coders, self.length
        p = np.asarray(self.passages, dtype=np.float64)
        g = np.sort(np.asarray(self.gaps, dtype=np.float64))
        suffix_sum = np.concatenate([np.cumsum(g[::-1])[::-1], [0.0]])
        first = np.searchsorted(g, p, side="left")  # gaps at least as long as the passage
        count = len(g) - first
        fits = suffix_sum[first] - count * (p - 1.0)
        within = (len(p) - 1.0) * (2 * p**3 - 3 * p**2 + p) / 3.0
        numerator = (2.0 / n) * float(np.sum(within + p**2 * fits))
        denominator = m * n * (m * n - 1.0) - float(np.sum(p * (p - 1.0)))
        return numerator / denominator if denominator > 0 else 0.0


def continuum_stats(layers: Sequence[Sequence[Span]], length: int) -> UStats:
    """``UStats`` of one code on one continuum; ``layers[i]`` = coder i's merged passages."""
    cut = [sections(layer, length) for layer in layers]
    stats = UStats(coders=len(layers), length=length)
    for i in range(len(cut)):
        for j in range(i + 1, len(cut)):
            stats.distance += pair_distance(cut[i], cut[j])
        for start, end, passage in cut[i]:
            (stats.passages if passage else stats.gaps).append(end - start)
    return stats


def alpha(observed: float, expected: float) -> float | None:
    """1 - Do / De; undefined (None) when nothing could disagree by chance (De = 0)."""
    if expected <= 0:
        return None
    return 1.0 - observed / expected


def pooled_u_alpha(stats: Sequence[UStats]) -> float | None:
    """uα over several codes: 1 - Σ uDo / Σ uDe (Krippendorff 2004)."""
    return alpha(sum(s.observed for s in stats), sum(s.expected for s in stats))


# --------------------------------------------------------- the coincidence family (2016)


@dataclass
class Coincidences:
    """Observed coincidences of values (0 = gap) and the self-pairing corrections; they add.

    ``observed[c, k]`` = Σ_i Σ_{j≠i} length where coder i has c and coder j has k, / (m - 1).
    ``passage_squares[c]`` = Σ ℓ² over coders' passages of value c (for the gap, value 0: the
    total gap length, since a gap is no unit and may be cut anywhere).
    ``valued_squares[c]`` = Σ w² over passages of value c, w = the part of the passage that
    meets other coders' passages (averaged over the other coders): cuα's correction.
    ``conflicts`` = length left out because one coder gave it two values.
    """

    values: int
    observed: np.ndarray = field(init=False)
    passage_squares: np.ndarray = field(init=False)
    valued_squares: np.ndarray = field(init=False)
    conflicts: int = 0

    def __post_init__(self) -> None:
        self.observed = np.zeros((self.values, self.values))
        self.passage_squares = np.zeros(self.values)
        self.valued_squares = np.zeros(self.values)

    def add(self, other: Coincidences) -> None:
        self.observed += other.observed
        self.passage_squares += other.passage_squares
        self.valued_squares += other.valued_squares
        self.conflicts += other.conflicts


def _expected(observed: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """e_ck = (n_c n_k - [c = k] S_c) / (n - S / n)."""
    margins = observed.sum(axis=1)
    n = float(margins.sum())
    total = float(squares.sum())
    denominator = n - total / n if n else 0.0
    if denominator <= 0:
        return np.zeros_like(observed)
    e = np.outer(margins, margins)
    e[np.diag_indices_from(e)] -= squares
    return e / denominator


def _off_diagonal(matrix: np.ndarray) -> float:
    return float(matrix.sum() - np.trace(matrix))


def u_alpha_coincidences(c: Coincidences) -> float | None:
    """uα of the 2016 paper (nominal values, gaps included): |uα when the values are 0 and 1."""
    return alpha(_off_diagonal(c.observed), _off_diagonal(_expected(c.observed, c.passage_squares)))


def cu_alpha(c: Coincidences) -> float | None:
    """cuα: agreement on the values where coders' passages meet, gaps ignored (2016)."""
    valued = c.observed[1:, 1:]
    if np.count_nonzero(valued.sum(axis=1)) < 2:
        return None
    expected = _expected(valued, c.valued_squares[1:])
    return alpha(_off_diagonal(valued), _off_diagonal(expected))


def coincidences(
    layers: Sequence[Sequence[tuple[int, int, int]]], length: int, values: int
) -> Coincidences:
    """Coincidences of one continuum; ``layers[i]`` = coder i's ``(start, end, value >= 1)``.

    A coder's passages of one value are merged; where one coder gives two values to the same
    stretch, that stretch is a conflict and is left out of the continuum for every coder.
    The continuum is cut at every passage boundary into pieces, and everything is counted
    per piece with numpy (a document costs a handful of array operations, not a loop).
    """
    m = len(layers)
    out = Coincidences(values)
    cuts = [0, length]
    for layer in layers:
        for start, end, _ in layer:
            cuts.extend((max(0, min(start, length)), max(0, min(end, length))))
    points = np.unique(np.asarray(cuts, dtype=np.int64))
    widths = np.diff(points)
    n = len(widths)
    if not n:
        return out
    value_of = np.zeros((m, n), dtype=np.int64)
    conflict = np.zeros(n, dtype=bool)
    for i, layer in enumerate(layers):
        if not layer:
            continue
        arr = np.asarray(layer, dtype=np.int64).reshape(-1, 3)
        a = np.searchsorted(points, np.clip(arr[:, 0], 0, length))
        b = np.searchsorted(points, np.clip(arr[:, 1], 0, length))
        keep = b > a
        a, b, v = a[keep], b[keep], arr[keep, 2]
        count = np.zeros(n + 1, dtype=np.int64)
        total = np.zeros(n + 1, dtype=np.int64)
        np.add.at(count, a, 1)
        np.add.at(count, b, -1)
        np.add.at(total, a, v)
        np.add.at(total, b, -v)
        count, total = np.cumsum(count)[:n], np.cumsum(total)[:n]
        conflict |= count >= 2
        value_of[i] = np.where(count == 1, total, 0)
    out.conflicts = int(widths[conflict].sum())
    w = np.where(conflict, 0, widths).astype(np.float64)
    size = values * values
    for i in range(m):
        for j in range(m):
            if i != j:
                flat = np.bincount(value_of[i] * values + value_of[j], weights=w, minlength=size)
                out.observed += flat.reshape(values, values) / (m - 1)
    valued = (value_of > 0).sum(axis=0)
    for i in range(m):
        others = (valued - (value_of[i] > 0)) / max(m - 1, 1)
        _passage_squares(out, value_of[i], w, others, conflict)
    return out


def _passage_squares(
    out: Coincidences,
    values: np.ndarray,
    widths: np.ndarray,
    others_valued: np.ndarray,
    conflict: np.ndarray,
) -> None:
    """Add one coder's passages (runs of one value, unbroken by a conflict) to the corrections."""
    key = np.where(conflict, -1, values)
    out.passage_squares[0] += float(widths[key == 0].sum())
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    run_key = key[starts]
    lengths = np.add.reduceat(widths, starts)
    shared = np.add.reduceat(widths * others_valued, starts)
    passage = run_key > 0
    np.add.at(out.passage_squares, run_key[passage], lengths[passage] ** 2)
    np.add.at(out.valued_squares, run_key[passage], shared[passage] ** 2)


__all__ = [
    "Coincidences",
    "UStats",
    "alpha",
    "coincidences",
    "continuum_stats",
    "cu_alpha",
    "pair_distance",
    "pooled_u_alpha",
    "sections",
    "u_alpha_coincidences",
]
