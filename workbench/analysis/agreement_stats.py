"""The agreement statistics from a units x coders histogram: percent agreement, Cohen's kappa,
Krippendorff's alpha (coincidence matrices), checked against the ``krippendorff`` package.

Definitions are written down in ``docs/agreement.md``.
"""

from __future__ import annotations

import numpy as np


def percent_agreement(agree: float, units: float) -> float | None:
    """Share of units on which all coders agree, as a percentage; None without units."""
    return None if units <= 0 else 100.0 * agree / units


def cohen_kappa(both: float, only_a: float, only_b: float, neither: float) -> float | None:
    """Cohen's kappa from a 2x2 table; None when undefined (no units, or chance agreement 1)."""
    n = both + only_a + only_b + neither
    if n <= 0:
        return None
    po = (both + neither) / n
    pe = ((both + only_a) * (both + only_b) + (only_b + neither) * (only_a + neither)) / (n * n)
    if pe >= 1.0:
        return None
    return (po - pe) / (1.0 - pe)


def coincidences(value_counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix from a units x values table of counts.

    A unit with ``m`` values adds ``n_c * n_k / (m - 1)`` to cell (c, k), minus the pairing of a
    value with itself on the diagonal; units with fewer than two values add nothing.
    """
    vc = np.asarray(value_counts, dtype=np.float64)
    m = vc.sum(axis=1)
    keep = m >= 2
    vc, m = vc[keep], m[keep]
    o = np.einsum("uc,uk,u->ck", vc, vc, 1.0 / (m - 1))
    o -= np.diag((vc / (m - 1)[:, None]).sum(axis=0))
    return o


def alpha_from_coincidences(o: np.ndarray) -> float | None:
    """Krippendorff's alpha, nominal, from a coincidence matrix; None when undefined.

    alpha = 1 - (n - 1) * (n - sum of the diagonal) / (n^2 - sum of n_c^2), where ``n_c`` are the
    row sums and ``n`` their total: observed over expected disagreement.
    """
    o = np.asarray(o, dtype=np.float64)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    expected = n * n - float((n_c * n_c).sum())
    if n <= 1 or expected <= 0:
        return None
    observed = n - float(np.trace(o))
    return 1.0 - (n - 1.0) * observed / expected


def package_alpha(value_counts: np.ndarray) -> float | None:
    """Nominal alpha through the ``krippendorff`` package; None when undefined.

    ``value_counts`` is units x values (how many coders gave each value to each unit); for one
    code the values are 0 (not applied) and 1 (applied).
    """
    vc = np.asarray(value_counts)
    if vc.ndim != 2 or vc.shape[1] < 2:
        return None
    paired = vc[vc.sum(axis=1) >= 2]
    if not paired.size or np.count_nonzero(paired.sum(axis=0)) < 2:
        return None
    import krippendorff

    value = krippendorff.alpha(
        value_counts=paired,
        level_of_measurement="nominal",
        value_domain=list(range(vc.shape[1])),
    )
    return None if value is None or np.isnan(value) else float(value)


def binary_coincidences(hist: np.ndarray) -> np.ndarray:
    """The 2x2 coincidence matrix of one code from its (m, j) histogram.

    ``hist[m, j]`` = units where ``m`` coders have a value and ``j`` of them applied the code.
    """
    size = hist.shape[0]
    m = np.arange(size)[:, None].astype(np.float64)
    j = np.arange(size)[None, :].astype(np.float64)
    valid = (j <= m) & (m >= 2)
    denom = np.where(valid, m - 1, 1.0)
    weight = np.where(valid, hist, 0) / denom
    o11 = float((weight * j * (j - 1)).sum())
    o00 = float((weight * (m - j) * (m - j - 1)).sum())
    o01 = float((weight * j * (m - j)).sum())
    return np.array([[o00, o01], [o01, o11]])


def hist_value_counts(hist: np.ndarray) -> np.ndarray:
    """Units x (not applied, applied) counts rebuilt from an (m, j) histogram, units with m >= 2."""
    rows: list[np.ndarray] = []
    for m in range(2, hist.shape[0]):
        for j in range(m + 1):
            count = int(hist[m, j])
            if count:
                rows.append(np.repeat(np.array([[m - j, j]], dtype=np.int64), count, axis=0))
    return np.concatenate(rows) if rows else np.zeros((0, 2), dtype=np.int64)
