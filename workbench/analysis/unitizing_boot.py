"""Bootstrap intervals for the unitizing alphas: documents are resampled, not characters.

Characters (or words) of one passage are decided at once, so resampling them as if they were
independent would give intervals far too narrow. Each draw takes as many documents as were
compared, with replacement, and recomputes every alpha from per-document sums (uα's expected
disagreement pairs passages of one document with gaps of another, so those cross terms are
computed once, as a documents x documents matrix). With a single document there is nothing
to resample and the interval is left out (``null``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.analysis import bootstrap as boot
from workbench.analysis import unitizing_math as um


@dataclass
class UnitizingDraws:
    """Bootstrap alphas per code row, pooled, for |uα and for Cuα (None: not computed)."""

    codes: dict[int, np.ndarray] = field(default_factory=dict)
    overall: np.ndarray | None = None
    binary: np.ndarray | None = None
    cu: np.ndarray | None = None


def _weights(n_docs: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    return rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=draws).astype(np.float64)


def _u_parts(stats: Sequence[um.UStats], w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected uDo, uDe of one code for every draw (rows of ``w``)."""
    m = stats[0].coders
    n_docs = len(stats)
    dist = np.array([s.distance for s in stats])
    length = np.array([s.length for s in stats], dtype=np.float64)
    count = np.array([len(s.passages) for s in stats], dtype=np.float64)
    within = np.zeros(n_docs)
    squares = np.zeros(n_docs)
    for i, s in enumerate(stats):
        p = np.asarray(s.passages, dtype=np.float64)
        within[i] = float(np.sum((2 * p**3 - 3 * p**2 + p) / 3.0))
        squares[i] = float(np.sum(p * (p - 1.0)))
    cross = np.zeros((n_docs, n_docs))  # passages of document i placed in gaps of document j
    all_p = np.concatenate([np.asarray(s.passages, dtype=np.float64) for s in stats])
    owner = np.concatenate([np.full(len(s.passages), i) for i, s in enumerate(stats)])
    if all_p.size:
        for j, s in enumerate(stats):
            g = np.sort(np.asarray(s.gaps, dtype=np.float64))
            if not g.size:
                continue
            suffix = np.concatenate([np.cumsum(g[::-1])[::-1], [0.0]])
            first = np.searchsorted(g, all_p, side="left")
            fits = suffix[first] - (len(g) - first) * (all_p - 1.0)
            cross[:, j] = np.bincount(owner, weights=all_p**2 * fits, minlength=n_docs)
    lw = w @ length
    observed = np.divide(2.0 * (w @ dist), m * (m - 1) * lw**2, where=lw > 0, out=np.zeros(len(w)))
    n = w @ count
    b = ((w @ cross) * w).sum(axis=1)  # w_d · cross · w_d for every draw, through BLAS
    numerator = np.divide(2.0, lw, where=lw > 0, out=np.zeros(len(w))) * (
        (n - 1) * (w @ within) + b
    )
    denominator = m * lw * (m * lw - 1.0) - w @ squares
    expected = np.divide(numerator, denominator, where=denominator > 0, out=np.zeros(len(w)))
    return observed, expected


def _ratio(observed: np.ndarray, expected: np.ndarray) -> np.ndarray | None:
    ok = expected > 0
    if not ok.any():
        return None
    return 1.0 - observed[ok] / expected[ok]


def _family_draws(parts: Sequence[um.Coincidences], w: np.ndarray, fn: Any) -> np.ndarray | None:
    values = parts[0].values
    observed = np.stack([p.observed for p in parts])
    squares = np.stack([p.passage_squares for p in parts])
    valued = np.stack([p.valued_squares for p in parts])
    out = []
    for row in w:
        c = um.Coincidences(values)
        c.observed = np.tensordot(row, observed, axes=1)
        c.passage_squares = row @ squares
        c.valued_squares = row @ valued
        a = fn(c)
        if a is not None:
            out.append(a)
    return np.array(out) if out else None


def bootstrap_unitizing(
    per_code: Sequence[Sequence[um.UStats]],
    used_rows: Sequence[int],
    binary_docs: Sequence[um.Coincidences],
    cu_docs: Sequence[um.Coincidences],
    draws: int,
    rng: np.random.Generator,
) -> UnitizingDraws:
    """Resample documents ``draws`` times; every alpha recomputed on each resample."""
    out = UnitizingDraws()
    n_docs = len(binary_docs)
    if n_docs < 2:
        return out
    w = _weights(n_docs, draws, rng)
    total_o = np.zeros(draws)
    total_e = np.zeros(draws)
    for r in used_rows:
        observed, expected = _u_parts(per_code[r], w)
        out.codes[r] = _ratio(observed, expected)  # type: ignore[assignment]
        total_o += observed
        total_e += expected
    if used_rows:
        out.overall = _ratio(total_o, total_e)
    out.binary = _family_draws(binary_docs, w, um.u_alpha_coincidences)
    out.cu = _family_draws(cu_docs, w, um.cu_alpha)
    return out


def summary(alphas: np.ndarray | None, draws: int, seed: int | None) -> dict[str, Any] | None:
    """The usual ``bootstrap`` block (``workbench.analysis.bootstrap.summary``)."""
    if alphas is None or not len(alphas):
        return None
    return boot.summary(alphas, draws, seed)


__all__ = ["UnitizingDraws", "bootstrap_unitizing", "summary"]
